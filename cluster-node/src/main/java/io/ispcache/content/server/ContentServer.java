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

  /**
   * The limits a content server runs with.
   *
   * @param maxRequestBody the longest request body read (held in memory whole while it is
   *     forwarded); a longer one is answered 413
   */
  public record Limits(Duration idleTimeout, Duration requestTimeout, int maxConnections, String serverHeader, long maxRequestBody) {
    /** The default request body limit: nginx's {@code client_max_body_size}. */
    public static final long DEFAULT_MAX_REQUEST_BODY = 1 << 20;

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
  private final CompletableFuture<Void> unbound = new CompletableFuture<>();
  private volatile boolean draining;
  /** Completed when the last connection closes during a graceful end. */
  private volatile CompletableFuture<Void> drained;
  private int next;

  private ContentServer(ContentHandler handler, Materializer materializer, Limits limits, ServerSocketChannel listener, int threads)
      throws IOException {
    this.handler = handler;
    this.materializer = materializer;
    this.limits = limits;
    this.listener = listener;
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
      listener.bind(new InetSocketAddress(iface, port), 1024);
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
    listener.register(first.selector, SelectionKey.OP_ACCEPT, (EventLoop.Ready) k -> accept());
    for (EventLoop loop : loops) {
      loop.start();
    }
  }

  private void accept() {
    while (true) {
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
      if (open.incrementAndGet() > limits.maxConnections()) {
        open.decrementAndGet();
        log.warn("refusing a content connection: {} are open (ispcache.content.max-connections)", limits.maxConnections());
        closeQuietly(client);
        continue;
      }
      EventLoop loop = loops[Math.floorMod(next++, loops.length)];
      try {
        client.configureBlocking(false);
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        InetSocketAddress remote = (InetSocketAddress) client.getRemoteAddress();
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
        open.decrementAndGet();
        closeQuietly(client);
      }
    }
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

  void closed() {
    if (open.decrementAndGet() == 0 && drained != null) {
      drained.complete(null);
    }
  }

  /** Open client connections. */
  public int connections() {
    return open.get();
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
