package io.ispcache.content.server;

import akka.stream.Materializer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content port's HTTP/1.1 server. Hits go from the chunk files to the socket with
 * {@code sendfile} on the I/O thread that read the request: no actor, no stream, no copy through
 * the JVM. Everything else (misses, errors, multipart) goes to the Akka handler and its response
 * body streams with backpressure from the socket. One I/O thread per core, like nginx's workers.
 *
 * <p>Akka HTTP's server pipeline costs more CPU per response than a hit is worth: a bare Akka
 * HTTP server answering a constant 64 KiB body peaks at under half of nginx's request rate here,
 * and it cannot hand a file to the kernel. The other ports stay on Akka HTTP.
 */
public final class ContentServer {
  private static final Logger log = LoggerFactory.getLogger(ContentServer.class);
  /** Warnings a client can cause again and again (a refusal, a pause) are logged once a minute. */
  private static final long LOG_EVERY_NANOS = 60_000_000_000L;

  /**
   * The kernel's queue of connections not yet accepted. While {@code maxConnections} are open the
   * server stops accepting and new connections wait here, handshake done, rather than being reset
   * (as nginx). Linux caps it at {@code net.core.somaxconn} (4096 since 5.4); beyond it SYNs are
   * dropped and the clients' retransmissions try again, nothing is reset.
   */
  static final int BACKLOG = 4096;

  /**
   * The limits a content server runs with.
   *
   * @param maxConnections connections open at once; further ones wait in the listen backlog
   * @param maxRequestBody the longest request body read (held in memory whole while it is
   *     forwarded); a longer one is answered 413
   * @param maxConnectionsPerClient connections one client (an IPv4 address, an IPv6 /64) may hold;
   *     a further one is closed as it is accepted, unread. 0: no limit
   */
  public record Limits(
      Duration idleTimeout, Duration requestTimeout, int maxConnections, String serverHeader, long maxRequestBody, int maxConnectionsPerClient) {
    /** The default request body limit: nginx's {@code client_max_body_size}. */
    public static final long DEFAULT_MAX_REQUEST_BODY = 1 << 20;

    public Limits {
      if (maxConnections < 1 || maxConnectionsPerClient < 0) {
        throw new IllegalArgumentException("maxConnections " + maxConnections + ", maxConnectionsPerClient " + maxConnectionsPerClient);
      }
    }

    /** No limit per client. */
    public Limits(Duration idleTimeout, Duration requestTimeout, int maxConnections, String serverHeader, long maxRequestBody) {
      this(idleTimeout, requestTimeout, maxConnections, serverHeader, maxRequestBody, 0);
    }

    /** No limit per client, nginx's request body limit. */
    public Limits(Duration idleTimeout, Duration requestTimeout, int maxConnections, String serverHeader) {
      this(idleTimeout, requestTimeout, maxConnections, serverHeader, DEFAULT_MAX_REQUEST_BODY);
    }
  }

  private final ContentHandler handler;
  private final Materializer materializer;
  private final Limits limits;
  private final ServerSocketChannel listener;
  private final EventLoop[] loops;
  private final AtomicInteger open = new AtomicInteger();
  private final ClientConnections perClient;
  /** The listener is out of the selector's interest: {@code maxConnections} are open. */
  private volatile boolean acceptPaused;
  private SelectionKey acceptKey;
  private final LongAdder refused = new LongAdder();
  private final LongAdder acceptPauses = new LongAdder();
  /** When the last pause and the last refusal were logged; first loop only. */
  private long lastPauseLog = System.nanoTime() - LOG_EVERY_NANOS;
  private long lastRefusalLog = System.nanoTime() - LOG_EVERY_NANOS;
  private final CompletableFuture<Void> unbound = new CompletableFuture<>();
  private volatile boolean draining;
  /** A leave's drain time is over: responses end at their next part (chunk) boundary. */
  private volatile boolean cutting;
  /** Completed when the last connection closes during a graceful end. */
  private volatile CompletableFuture<Void> drained;
  private int next;

  private ContentServer(ContentHandler handler, Materializer materializer, Limits limits, ServerSocketChannel listener, int threads)
      throws IOException {
    this.handler = handler;
    this.materializer = materializer;
    this.limits = limits;
    this.listener = listener;
    this.perClient = new ClientConnections(limits.maxConnectionsPerClient());
    this.loops = new EventLoop[threads];
    for (int i = 0; i < threads; i++) {
      loops[i] = new EventLoop("ispcache-content-" + (i + 1));
    }
  }

  /**
   * Binds and starts serving.
   *
   * @throws IOException the address cannot be bound (in use, not local, no permission)
   */
  public static ContentServer bind(
      String iface, int port, ContentHandler handler, Materializer materializer, Limits limits) throws IOException {
    ServerSocketChannel listener = ServerSocketChannel.open();
    try {
      listener.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      listener.bind(new InetSocketAddress(iface, port), BACKLOG);
      listener.configureBlocking(false);
      ContentServer server =
          new ContentServer(handler, materializer, limits, listener, Math.max(1, Runtime.getRuntime().availableProcessors()));
      server.start();
      return server;
    } catch (IOException | RuntimeException e) {
      listener.close();
      throw e;
    }
  }

  private void start() throws IOException {
    EventLoop first = loops[0];
    acceptKey = listener.register(first.selector, SelectionKey.OP_ACCEPT, (EventLoop.Ready) k -> accept());
    for (EventLoop loop : loops) {
      loop.start();
    }
  }

  /** Accepts what waits, up to {@code maxConnections} open. Runs on the first loop. */
  private void accept() {
    while (true) {
      if (open.get() >= limits.maxConnections()) {
        pauseAccepting();
        return;
      }
      SocketChannel client;
      try {
        client = listener.accept();
      } catch (IOException e) {
        log.warn("accepting a content connection failed: {}", e.toString());
        return;
      }
      if (client == null) {
        return;
      }
      InetSocketAddress remote;
      try {
        remote = (InetSocketAddress) client.getRemoteAddress();
      } catch (IOException e) {
        closeQuietly(client);
        continue;
      }
      if (!perClient.take(remote.getAddress())) {
        // Closed unread: reading the request to answer 503 would let a slow client hold the very
        // socket the limit is about for up to request-timeout, and a 503 written unasked can be
        // destroyed by the reset its request then meets. Its other connections go on being served.
        refused.increment();
        closeQuietly(client);
        long now = System.nanoTime();
        if (now - lastRefusalLog >= LOG_EVERY_NANOS) {
          lastRefusalLog = now;
          log.warn(
              "closing new content connections of {}: it holds {} (ispcache.content.max-connections-per-client); {} closed so far",
              remote.getAddress().getHostAddress(), limits.maxConnectionsPerClient(), refused.sum());
        }
        continue;
      }
      open.incrementAndGet();
      EventLoop loop = loops[Math.floorMod(next++, loops.length)];
      try {
        client.configureBlocking(false);
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        Connection c = new Connection(this, loop, client, remote);
        loop.execute(
            () -> {
              try {
                c.register();
              } catch (IOException e) {
                c.close();
              }
            });
      } catch (IOException e) {
        closeQuietly(client);
        closed(remote);
      }
    }
  }

  /**
   * Stops accepting until a connection closes: further connections wait in the kernel's backlog
   * (handshake done, request buffered) instead of being accepted only to be reset.
   */
  private void pauseAccepting() {
    if (!acceptPaused) {
      acceptPauses.increment();
    }
    long now = System.nanoTime();
    if (!acceptPaused && now - lastPauseLog >= LOG_EVERY_NANOS) {
      // At the limit a pause begins again with every connection that closes.
      lastPauseLog = now;
      log.warn("{} content connections are open (ispcache.content.max-connections): new ones wait until one closes", limits.maxConnections());
    }
    acceptKey.interestOps(0);
    acceptPaused = true;
    // A connection that closed before the flag was set saw no pause to end: look again.
    if (open.get() < limits.maxConnections()) {
      resumeAccepting();
    }
  }

  /** Runs on the first loop. */
  private void resumeAccepting() {
    if (!acceptPaused || open.get() >= limits.maxConnections() || !acceptKey.isValid()) {
      return;
    }
    acceptPaused = false;
    acceptKey.interestOps(SelectionKey.OP_ACCEPT);
    // Whatever waits in the backlog is taken at the next selection.
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      log.debug("closing", e);
    }
  }

  ContentHandler handler() {
    return handler;
  }

  Materializer materializer() {
    return materializer;
  }

  boolean draining() {
    return draining;
  }

  boolean cutting() {
    return cutting;
  }

  long idleTimeoutNanos() {
    return limits.idleTimeout().toNanos();
  }

  long requestTimeoutNanos() {
    return limits.requestTimeout().toNanos();
  }

  long maxRequestBody() {
    return limits.maxRequestBody();
  }

  String serverHeader() {
    return limits.serverHeader();
  }

  /** A connection {@link #accept} counted has closed. Any thread. */
  void closed(InetSocketAddress remote) {
    perClient.release(remote.getAddress());
    int now = open.decrementAndGet();
    if (now == 0 && drained != null) {
      drained.complete(null);
    }
    if (acceptPaused && now < limits.maxConnections()) {
      loops[0].execute(this::resumeAccepting);
    }
  }

  /** Open client connections. */
  public int connections() {
    return open.get();
  }

  /** Connections closed as they were accepted: their client held maxConnectionsPerClient already. */
  public long refusedConnections() {
    return refused.sum();
  }

  /** Times maxConnections were open and accepting stopped until one closed. */
  public long acceptPauses() {
    return acceptPauses.sum();
  }

  public InetSocketAddress localAddress() {
    try {
      return (InetSocketAddress) listener.getLocalAddress();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /**
   * Stops accepting connections; connections already open finish the response they are writing and
   * are then closed.
   */
  public CompletionStage<Void> unbind() {
    draining = true;
    loops[0].execute(
        () -> {
          try {
            listener.close();
            // A registered channel's socket is closed when its key is deregistered, at the next
            // selection: do that now, so the port refuses connections once this completes.
            loops[0].selector.selectNow();
          } catch (IOException e) {
            log.debug("closing the content listener", e);
          }
          unbound.complete(null);
        });
    return unbound;
  }

  /**
   * The end of a leave's drain time: every response being written ends, with its connection, at its
   * next part boundary (a whole chunk sent), so a client that resumes by range asks from there.
   * Connections between requests close now.
   */
  public void cutAtPartBoundaries() {
    cutting = true;
    draining = true;
    for (EventLoop loop : loops) {
      loop.execute(loop::closeIdle);
    }
  }

  /**
   * Closes the connections that wait between requests (a leave has begun: they would be answered
   * 503 anyway); responses being written go on.
   */
  public void closeIdle() {
    for (EventLoop loop : loops) {
      loop.execute(loop::closeIdle);
    }
  }

  /**
   * A graceful end: stops accepting, closes connections between requests, lets every response
   * being written finish (each connection closes after it) for up to {@code grace}, then closes
   * what is left and stops the I/O threads.
   */
  public CompletionStage<Void> terminate(Duration grace) {
    CompletableFuture<Void> done = new CompletableFuture<>();
    unbind()
        .thenRun(
            () -> {
              for (EventLoop loop : loops) {
                loop.execute(loop::closeIdle);
              }
              drained = done;
              if (open.get() == 0) {
                done.complete(null);
              }
            });
    return done.completeOnTimeout(null, grace.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)
        .thenCompose(v -> terminate());
  }

  /** Closes every connection, whatever it is doing, and stops the I/O threads. */
  public CompletionStage<Void> terminate() {
    CompletableFuture<Void> all = unbind().toCompletableFuture();
    for (EventLoop loop : loops) {
      CompletableFuture<Void> closed = new CompletableFuture<>();
      loop.execute(
          () -> {
            loop.closeAll();
            loop.stop();
            closed.complete(null);
          });
      all = all.thenCombine(closed, (a, b) -> null);
    }
    return all;
  }
}
