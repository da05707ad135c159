package io.ispcache.origin;

import akka.NotUsed;
import akka.http.javadsl.model.ContentType;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.StatusCodes;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import io.ispcache.store.HeapPieces;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ranged GETs to an origin over pooled keep-alive connections, read by a thread per exchange
 * that waits for each read (as Varnish fetches from its backends). A cold download spent a third
 * of its CPU in the Akka HTTP client's per-read machinery; here a body arrives in pieces of up to a
 * heap region, each one hop to the stream, or none when a chunk fill pumps it ({@link
 * DirectBody}), which for a body of known length means straight into the fill's staging buffer.
 * Origins behind an upstream proxy keep the Akka client.
 */
final class WireOrigin implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WireOrigin.class);
  private static final int MAX_HEAD = 64 * 1024;
  /** Bytes per read buffer of a fill's body: see {@link HeapPieces}. */
  static final int PIECE = HeapPieces.BYTES;
  /** Bytes per read buffer of a body that no fill holds (relayed, or cut from a 200): short-lived. */
  private static final int RELAY_PIECE = 256 * 1024;
  /** A buffer with less room than this left is replaced for the next read. */
  private static final int MIN_ROOM = HeapPieces.MIN_ROOM;
  /** Relayed bodies up to this size are read whole at once. */
  private static final int SMALL_RELAY = 64 * 1024;
  /** A body nobody starts reading within this time gives its connection up. */
  private static final long UNCLAIMED_MILLIS = 10_000;

  private final OriginSettings settings;
  private final String userAgent;
  private final ExecutorService threads;
  private final Map<String, Pool> pools = new ConcurrentHashMap<>();
  private final java.util.Set<BlockingBody> pumping = ConcurrentHashMap.newKeySet();
  private final java.util.concurrent.ScheduledThreadPoolExecutor watchdog =
      new java.util.concurrent.ScheduledThreadPoolExecutor(
          1,
          r -> {
            Thread t = new Thread(r, "ispcache-origin-watchdog");
            t.setDaemon(true);
            return t;
          });

  WireOrigin(OriginSettings settings, String userAgent) {
    this.settings = settings;
    this.userAgent = userAgent;
    // A body read at once cancels its watch; the watch must not keep the body (and its buffer).
    watchdog.setRemoveOnCancelPolicy(true);
    AtomicInteger n = new AtomicInteger();
    this.threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "ispcache-origin-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  @Override
  public void close() {
    pumping.forEach(BlockingBody::breakOff);
    watchdog.shutdownNow();
    threads.shutdownNow();
    pools.values().forEach(Pool::closeIdle);
  }

  /** The reply to {@code request}; fails with {@link OriginException} like {@link OriginClient#fetch}. */
  CompletionStage<OriginReply> fetch(OriginRequest request) {
    CompletableFuture<OriginReply> reply = new CompletableFuture<>();
    threads.execute(
        () -> {
          try {
            reply.complete(exchange(request));
          } catch (RuntimeException e) {
            reply.completeExceptionally(e);
          }
        });
    return reply;
  }

  private OriginReply exchange(OriginRequest request) {
    // One pool per destination: an upstream-address override sends every host there, else each
    // host name is its own server.
    String destination =
        request.origin().name() + '\n' + (request.origin().upstreamAddress().isPresent() ? "" : request.host());
    Pool pool = pools.computeIfAbsent(destination, n -> new Pool(request.origin()));
    Lease lease = pool.lease();
    String target = request.pathAndQuery();
    byte[] head =
        ("GET " + target + " HTTP/1.1\r\nHost: " + request.host() + "\r\nRange: bytes=" + request.first() + "-" + request.last()
                + "\r\nUser-Agent: " + userAgent + "\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
    Response response;
    try {
      response = lease.send(head);
    } catch (SocketTimeoutException e) {
      lease.abandon();
      throw new OriginException(OriginException.Kind.TIMEOUT, "origin " + request.origin().name() + " did not answer in time", e);
    } catch (BadHead e) {
      lease.abandon();
      throw new OriginException(OriginException.Kind.BAD_RESPONSE, "origin " + request.origin().name() + ": " + e.getMessage(), e);
    } catch (IOException e) {
      lease.abandon();
      throw new OriginException(
          OriginException.Kind.UNREACHABLE, "origin " + request.origin().name() + " unreachable: " + e.getMessage(), e);
    } catch (RuntimeException e) {
      lease.abandon();
      throw e;
    }
    try {
      return interpret(request, response, lease);
    } catch (RuntimeException e) {
      lease.abandon();
      throw e;
    }
  }

  private OriginReply interpret(OriginRequest request, Response response, Lease lease) {
    int status = response.status;
    if (status == 206) {
      Optional<ContentRangeValue> range = ContentRangeValue.parse(response.header("Content-Range"));
      if (range.isEmpty()
          || range.get().first() != request.first()
          || range.get().last() != Math.min(request.last(), range.get().length() - 1)) {
        throw new OriginException(
            OriginException.Kind.BAD_RESPONSE,
            "origin answered bytes=" + request.first() + "-" + request.last() + " with Content-Range "
                + response.header("Content-Range"));
      }
      if (response.noStore()) {
        throw new UncacheableException(request.host() + request.pathAndQuery());
      }
      ContentRangeValue r = range.get();
      if (response.length >= 0 && response.length != r.last() - r.first() + 1) {
        throw new OriginException(
            OriginException.Kind.BAD_RESPONSE,
            "origin's Content-Length " + response.length + " does not match its Content-Range " + response.header("Content-Range"));
      }
      BlockingBody body = blockingBody(response, lease, PIECE, r.last() - r.first() + 1);
      return new OriginReply.Bytes(response.object(r.length()), r.first(), r.last(), Source.fromGraph(body), body);
    }
    if (status == 200) {
      if (response.noStore() || response.length < 0) {
        return new OriginReply.Uncacheable(relayed(response, lease));
      }
      long length = response.length;
      if (request.first() >= length && length > 0) {
        lease.abandon();
        return new OriginReply.BeyondEnd(length);
      }
      long last = Math.min(request.last(), length - 1);
      // The origin ignored Range: cut the needed bytes out of the full body.
      Source<ByteString, NotUsed> body = body(response, lease).via(ByteSlice.of(request.first(), last - request.first() + 1));
      return new OriginReply.Bytes(response.object(length), request.first(), last, body);
    }
    if (status == 416) {
      Optional<Long> length = ContentRangeValue.unsatisfiedLength(response.header("Content-Range"));
      lease.abandon();
      if (length.isEmpty()) {
        throw new OriginException(OriginException.Kind.BAD_RESPONSE, "origin answered 416 without Content-Range length");
      }
      if (length.get() == 0) {
        return new OriginReply.Bytes(response.object(0), 0, -1, Source.empty());
      }
      return new OriginReply.BeyondEnd(length.get());
    }
    if (status >= 500) {
      lease.abandon();
      throw new OriginException(
          OriginException.Kind.SERVER_ERROR, "origin answered " + status + " for " + request.host() + request.pathAndQuery());
    }
    return new OriginReply.Uncacheable(relayed(response, lease));
  }

  /** The body as a stream that fails with an {@link OriginException} when the origin breaks off. */
  private Source<ByteString, NotUsed> body(Response response, Lease lease) {
    return Source.fromGraph(blockingBody(response, lease, RELAY_PIECE, response.length));
  }

  /**
   * The body, readable once: as a stream or pumped (see {@link DirectBody}), read into buffers of
   * up to {@code piece} bytes; {@code expected} is its length when known (sizes the last buffer).
   */
  private BlockingBody blockingBody(Response response, Lease lease, int piece, long expected) {
    BlockingBody body = new BlockingBody(new BodyReader(response, lease, piece, expected), threads, pumping);
    // A reply dropped without its body being read or cancelled must not hold its connection.
    body.watch(
        watchdog.schedule(
            () -> {
              if (body.giveUp()) {
                log.warn("an origin body was never read; closing its connection");
                lease.abandon();
              }
            },
            UNCLAIMED_MILLIS,
            TimeUnit.MILLISECONDS));
    return body;
  }

  /** A read failure inside a body: the origin stalled (504) or broke off (502). */
  private static OriginException midBody(IOException e) {
    return e instanceof SocketTimeoutException
        ? new OriginException(OriginException.Kind.TIMEOUT, "origin stalled mid-body", e)
        : new OriginException(OriginException.Kind.UNREACHABLE, "origin broke off mid-body: " + e.getMessage(), e);
  }

  private HttpResponse relayed(Response response, Lease lease) {
    List<HttpHeader> headers = new ArrayList<>();
    ContentType type = ContentTypes.APPLICATION_OCTET_STREAM;
    for (String[] h : response.headers) {
      String name = h[0].toLowerCase(Locale.ROOT);
      switch (name) {
        case "content-type" -> {
          try {
            type = ContentTypes.parse(h[1]);
          } catch (RuntimeException e) {
            type = ContentTypes.APPLICATION_OCTET_STREAM;
          }
        }
        case "content-length", "transfer-encoding", "connection", "keep-alive", "date", "server" -> { }
        default -> headers.add(RawHeader.create(h[0], h[1]));
      }
    }
    int code = response.status;
    HttpResponse r =
        HttpResponse.create()
            .withStatus(
                StatusCodes.lookup(code)
                    .orElseGet(() -> StatusCodes.custom(code, "Origin Status " + code, "", code < 400, true)))
            .addHeaders(headers);
    if (!response.hasBody()) {
      lease.conn.reusable = response.keepAlive;
      lease.finished();
      return r.withEntity(HttpEntities.create(type, ByteString.emptyByteString()));
    }
    if (response.length >= 0 && response.length <= SMALL_RELAY) {
      // Error pages and redirects: read now, so the connection is free whatever becomes of them.
      try {
        byte[] bytes = new byte[(int) response.length];
        int at = 0;
        while (at < bytes.length) {
          int n = lease.conn.read(bytes, at, bytes.length - at);
          if (n < 0) {
            throw new IOException("connection closed with " + (bytes.length - at) + " bytes of the body still to come");
          }
          at += n;
        }
        lease.conn.reusable = response.keepAlive;
        lease.finished();
        return r.withEntity(HttpEntities.create(type, bytes));
      } catch (IOException e) {
        lease.abandon();
        throw midBody(e);
      }
    }
    Source<ByteString, NotUsed> body = body(response, lease);
    return response.length >= 0
        ? r.withEntity(HttpEntities.create(type, response.length, body))
        : r.withEntity(HttpEntities.createChunked(type, body));
  }

  // --- connections ------------------------------------------------------------------------------

  /** The keep-alive connections to one origin, at most max-connections-per-host at a time. */
  private final class Pool {
    private final Origin origin;
    private final Semaphore slots;
    private final ConcurrentLinkedDeque<Conn> idle = new ConcurrentLinkedDeque<>();

    Pool(Origin origin) {
      this.origin = origin;
      this.slots = new Semaphore(settings.maxConnectionsPerHost(), true);
    }

    Lease lease() {
      try {
        if (!slots.tryAcquire(settings.responseTimeout().toMillis(), TimeUnit.MILLISECONDS)) {
          throw new OriginException(
              OriginException.Kind.TIMEOUT,
              "origin " + origin.name() + ": all " + settings.maxConnectionsPerHost() + " connections stayed busy");
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new OriginException(OriginException.Kind.UNREACHABLE, "interrupted waiting for a connection to " + origin.name(), e);
      }
      return new Lease(this);
    }

    Conn idleConnection() {
      long now = System.nanoTime();
      Conn c;
      while ((c = idle.pollFirst()) != null) {
        if (now - c.idleSince < settings.idleTimeout().toNanos() && c.channel.isOpen()) {
          return c;
        }
        c.close();
      }
      return null;
    }


    void closeIdle() {
      Conn c;
      while ((c = idle.pollFirst()) != null) {
        c.close();
      }
    }
  }

  /** One exchange's hold on a connection slot (and, once connected, a connection). */
  private final class Lease {
    private final Pool pool;
    private final AtomicBoolean released = new AtomicBoolean();
    private volatile Conn conn;

    Lease(Pool pool) {
      this.pool = pool;
    }

    /** Sends the request head and reads the response head (retrying once on a stale connection). */
    Response send(byte[] request) throws IOException {
      Conn pooled = pool.idleConnection();
      if (pooled != null) {
        conn = pooled;
        try {
          return conn.exchange(request, settings.responseTimeout());
        } catch (SocketTimeoutException | BadHead e) {
          throw e;
        } catch (IOException e) {
          // Closed by the origin while idle: a GET is safe to send again on a new connection.
          log.debug("pooled connection to {} was stale: {}", pool.origin.name(), e.toString());
          conn.close();
        }
      }
      conn = connect(request);
      return conn.exchange(request, settings.responseTimeout());
    }

    private Conn connect(byte[] request) throws IOException {
      Origin origin = pool.origin;
      String host = hostOf(request);
      InetSocketAddress to =
          origin.upstreamAddress()
              .map(a -> new InetSocketAddress(a.getHostString(), a.getPort()))
              .orElseGet(() -> new InetSocketAddress(host, 80));
      if (to.isUnresolved()) {
        throw new ConnectException("cannot resolve " + to.getHostString());
      }
      return new Conn(to, settings.connectTimeout().toMillis());
    }

    /** The body was read to its end: the connection goes back to the pool if it may be reused. */
    void finished() {
      if (released.compareAndSet(false, true)) {
        Conn c = conn;
        if (c != null && c.reusable) {
          c.idleSince = System.nanoTime();
          pool.idle.addFirst(c);
        } else if (c != null) {
          c.close();
        }
        pool.slots.release();
      }
    }

    /** The exchange ends early: the connection is closed (waking a blocked read). */
    void abandon() {
      if (released.compareAndSet(false, true)) {
        Conn c = conn;
        if (c != null) {
          c.close();
        }
        pool.slots.release();
      }
    }
  }

  private static String hostOf(byte[] request) {
    String s = new String(request, StandardCharsets.ISO_8859_1);
    int at = s.indexOf("\r\nHost: ") + 8;
    return s.substring(at, s.indexOf("\r\n", at));
  }

  /** A response head that is not HTTP/1.x. */
  private static final class BadHead extends IOException {
    BadHead(String message) {
      super(message);
    }
  }

  /**
   * A connection with its read buffer: a non-blocking channel that waits on a selector of its own,
   * so that a body can be read straight into direct memory (a fill's aligned staging buffer, no
   * copy through the JDK's socket buffers) and every wait still times out.
   */
  private static final class Conn {
    final SocketChannel channel;
    private final Selector selector;
    private final SelectionKey key;
    final byte[] buf = new byte[MAX_HEAD];
    int pos;
    int lim;
    boolean reusable;
    volatile long idleSince;
    /** How long one wait for bytes (or for room to write) may take. */
    private long timeoutMillis = 1;

    Conn(InetSocketAddress to, long connectTimeoutMillis) throws IOException {
      SocketChannel ch = SocketChannel.open();
      Selector sel = null;
      try {
        ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
        ch.socket().connect(to, (int) connectTimeoutMillis);
        ch.configureBlocking(false);
        sel = Selector.open();
        key = ch.register(sel, SelectionKey.OP_READ);
      } catch (IOException | RuntimeException e) {
        ch.close();
        if (sel != null) {
          sel.close();
        }
        throw e;
      }
      channel = ch;
      selector = sel;
    }

    void timeout(java.time.Duration timeout) {
      timeoutMillis = Math.max(1, timeout.toMillis());
    }

    Response exchange(byte[] request, java.time.Duration timeout) throws IOException {
      timeout(timeout);
      ByteBuffer out = ByteBuffer.wrap(request);
      while (out.hasRemaining()) {
        if (channel.write(out) == 0) {
          await(SelectionKey.OP_WRITE);
        }
      }
      while (true) {
        Response r = readHead();
        if (r.status >= 100 && r.status < 200) {
          continue; // 100 Continue and other interim answers precede the real one
        }
        return r;
      }
    }

    private Response readHead() throws IOException {
      if (pos == lim) {
        pos = lim = 0;
      }
      int end;
      while ((end = headEnd()) < 0) {
        if (lim == buf.length) {
          if (pos == 0) {
            throw new BadHead("response head larger than " + MAX_HEAD + " bytes");
          }
          System.arraycopy(buf, pos, buf, 0, lim - pos);
          lim -= pos;
          pos = 0;
        }
        int n = readRaw(ByteBuffer.wrap(buf, lim, buf.length - lim));
        if (n < 0) {
          throw new IOException("origin closed the connection before answering");
        }
        lim += n;
      }
      String head = new String(buf, pos, end - pos, StandardCharsets.ISO_8859_1);
      pos = end;
      return Response.parse(head);
    }

    private int headEnd() {
      for (int i = pos; i + 3 < lim; i++) {
        if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
          return i + 4;
        }
      }
      return -1;
    }

    /** Up to {@code max} bytes: what is buffered, else one wait for bytes and what follows at once. */
    int read(byte[] into, int off, int max) throws IOException {
      return read(ByteBuffer.wrap(into, off, max));
    }

    /** Into {@code into}'s remaining room: what is buffered, else as {@link #readRaw}; -1 at the end. */
    int read(ByteBuffer into) throws IOException {
      if (pos < lim) {
        int n = Math.min(into.remaining(), lim - pos);
        into.put(buf, pos, n);
        pos += n;
        return n;
      }
      return readRaw(into);
    }

    /**
     * Off the socket into {@code into}: waits (up to the timeout) for the first bytes, then takes
     * what follows at once; -1 when the origin closed the connection.
     */
    private int readRaw(ByteBuffer into) throws IOException {
      int n = channel.read(into);
      while (n == 0) {
        await(SelectionKey.OP_READ);
        n = channel.read(into);
      }
      if (n < 0) {
        return -1;
      }
      int total = n;
      while (into.hasRemaining() && (n = channel.read(into)) > 0) {
        total += n;
      }
      return total;
    }

    /**
     * Waits until the socket is ready for {@code op}; a {@link SocketTimeoutException} after the
     * timeout, an {@link AsynchronousCloseException} when the connection is closed meanwhile.
     */
    private void await(int op) throws IOException {
      try {
        if (key.interestOps() != op) {
          key.interestOps(op);
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (true) {
          int ready = selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
          selector.selectedKeys().clear();
          if (!channel.isOpen()) {
            throw new AsynchronousCloseException();
          }
          if (ready > 0) {
            if (op != SelectionKey.OP_READ) {
              key.interestOps(SelectionKey.OP_READ);
            }
            return;
          }
          if (Thread.currentThread().isInterrupted()) {
            throw new java.io.InterruptedIOException("interrupted waiting for the origin");
          }
          if (System.nanoTime() - deadline >= 0) {
            throw new SocketTimeoutException("nothing from the origin for " + timeoutMillis + " ms");
          }
        }
      } catch (java.nio.channels.ClosedSelectorException | java.nio.channels.CancelledKeyException e) {
        throw new AsynchronousCloseException(); // closed meanwhile
      }
    }

    /** One line (for chunk sizes), without its CRLF. */
    String line() throws IOException {
      StringBuilder b = new StringBuilder();
      while (true) {
        if (pos == lim) {
          pos = lim = 0;
          int n = readRaw(ByteBuffer.wrap(buf, 0, buf.length));
          if (n < 0) {
            throw new IOException("origin closed the connection mid-body");
          }
          lim = n;
        }
        byte c = buf[pos++];
        if (c == '\n') {
          int l = b.length();
          return l > 0 && b.charAt(l - 1) == '\r' ? b.substring(0, l - 1) : b.toString();
        }
        if (b.length() > 4096) {
          throw new IOException("origin sent an over-long chunk line");
        }
        b.append((char) c);
      }
    }

    /** Closes the connection; a read or write waiting on it meanwhile fails at once. */
    void close() {
      try {
        channel.close();
        selector.close(); // wakes a waiting select, which then finds the channel closed
      } catch (IOException e) {
        log.debug("closing an origin connection", e);
      }
    }
  }

  /** A parsed response head. {@code length} is -1 when the body is chunked or ends at close. */
  private static final class Response {
    final int status;
    final List<String[]> headers;
    final long length;
    final boolean chunked;
    final boolean keepAlive;

    private Response(int status, List<String[]> headers, long length, boolean chunked, boolean keepAlive) {
      this.status = status;
      this.headers = headers;
      this.length = length;
      this.chunked = chunked;
      this.keepAlive = keepAlive;
    }

    private static final java.util.regex.Pattern CRLF = java.util.regex.Pattern.compile("\r\n");

    static Response parse(String head) throws IOException {
      // A precompiled pattern: String.split compiles a two-character regex anew on every call.
      String[] lines = CRLF.split(head);
      String status = lines[0];
      if (!status.startsWith("HTTP/1.") || status.length() < 12 || status.charAt(8) != ' ') {
        throw new BadHead("no HTTP/1.x status line: " + status.substring(0, Math.min(40, status.length())));
      }
      int code;
      try {
        code = Integer.parseInt(status.substring(9, 12));
      } catch (NumberFormatException e) {
        throw new BadHead("bad status line: " + status);
      }
      boolean http11 = status.startsWith("HTTP/1.1");
      List<String[]> headers = new ArrayList<>();
      long length = -1;
      boolean chunked = false;
      boolean keepAlive = http11;
      for (int i = 1; i < lines.length; i++) {
        String line = lines[i];
        for (int k = 0; k < line.length(); k++) {
          char ch = line.charAt(k);
          if ((ch < ' ' && ch != '\t') || ch == 0x7f) {
            throw new BadHead("a header line holds a control character");
          }
        }
        int colon = line.indexOf(':');
        if (colon <= 0) {
          throw new BadHead("bad header line: " + line);
        }
        String name = line.substring(0, colon).trim();
        String value = line.substring(colon + 1).trim();
        headers.add(new String[] {name, value});
        if (name.equalsIgnoreCase("Content-Length")) {
          try {
            long l = Long.parseLong(value);
            if (l < 0 || (length >= 0 && length != l)) {
              throw new BadHead("bad Content-Length: " + value);
            }
            length = l;
          } catch (NumberFormatException e) {
            throw new BadHead("bad Content-Length: " + value);
          }
        } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
          chunked = value.toLowerCase(Locale.ROOT).endsWith("chunked");
        } else if (name.equalsIgnoreCase("Connection")) {
          String v = value.toLowerCase(Locale.ROOT);
          if (v.contains("close")) {
            keepAlive = false;
          } else if (v.contains("keep-alive")) {
            keepAlive = true;
          }
        }
      }
      if (chunked) {
        length = -1;
      }
      if (code == 204 || code == 304) {
        length = 0;
      }
      return new Response(code, headers, length, chunked, keepAlive);
    }

    String header(String name) {
      for (String[] h : headers) {
        if (h[0].equalsIgnoreCase(name)) {
          return h[1];
        }
      }
      return null;
    }

    boolean hasBody() {
      return length != 0;
    }

    boolean noStore() {
      String cc = header("Cache-Control");
      if (cc == null) {
        return false;
      }
      String v = cc.toLowerCase(Locale.ROOT);
      return v.contains("no-store") || v.contains("private");
    }

    OriginObject object(long objectLength) {
      String type = header("Content-Type");
      return new OriginObject(objectLength, header("ETag"), header("Last-Modified"), type == null ? "none/none" : type);
    }
  }

  /** Reads one body: by Content-Length, chunked, or to the connection's end. */
  private final class BodyReader implements BlockingBody.Reader {
    private final Response response;
    private final Lease lease;
    private final Conn conn;
    private long remaining;
    private long chunkLeft;
    private boolean done;
    /** The read buffer: each piece is a slice of it, handed over without a copy. */
    private byte[] scratch;
    /** Bytes of {@link #scratch} handed over already. */
    private int used;
    private final int piece;
    /** Bytes the body should bring when known (a 206's range), else -1. */
    private final long expected;
    private long consumed;

    BodyReader(Response response, Lease lease, int piece, long expected) {
      this.piece = piece;
      this.expected = expected;
      this.response = response;
      this.lease = lease;
      this.conn = lease.conn;
      this.remaining = response.length;
      conn.reusable = false;
    }

    @Override
    public ByteString read() throws IOException {
      if (done) {
        return null;
      }
      try {
        conn.timeout(settings.idleTimeout());
        if (response.chunked) {
          return readChunked();
        }
        if (lengthEnded()) {
          return null;
        }
        int want = room(remaining);
        int n = conn.read(scratch, used, want);
        if (n < 0) {
          if (remaining < 0) {
            done = true; // the body ends with the connection
            return null;
          }
          throw new OriginException(
              OriginException.Kind.UNREACHABLE,
              "origin broke off mid-body: connection closed with " + remaining + " bytes still to come");
        }
        if (remaining > 0) {
          remaining -= n;
        }
        return piece(n);
      } catch (IOException e) {
        throw midBody(e);
      }
    }

    /** Whether a body framed by its length has no bytes left; it is then read, its connection reusable. */
    private boolean lengthEnded() {
      if (remaining != 0) {
        return false;
      }
      done = true;
      conn.reusable = response.keepAlive;
      return true;
    }

    @Override
    public boolean direct() {
      return !response.chunked && remaining >= 0;
    }

    @Override
    public int readInto(ByteBuffer room) throws IOException {
      if (done) {
        return -1;
      }
      try {
        conn.timeout(settings.idleTimeout());
        if (lengthEnded()) {
          return -1;
        }
        int limit = room.limit();
        if (room.remaining() > remaining) {
          room.limit(room.position() + (int) remaining);
        }
        int n;
        try {
          n = conn.read(room);
        } finally {
          room.limit(limit);
        }
        if (n < 0) {
          throw new OriginException(
              OriginException.Kind.UNREACHABLE,
              "origin broke off mid-body: connection closed with " + remaining + " bytes still to come");
        }
        remaining -= n;
        consumed += n;
        return n;
      } catch (IOException e) {
        throw midBody(e);
      }
    }

    private ByteString readChunked() throws IOException {
      while (chunkLeft == 0) {
        String line = conn.line();
        int semi = line.indexOf(';');
        String size = (semi < 0 ? line : line.substring(0, semi)).trim();
        try {
          chunkLeft = Long.parseLong(size, 16);
        } catch (NumberFormatException e) {
          throw new IOException("bad chunk size line: " + line);
        }
        if (chunkLeft < 0) {
          throw new IOException("bad chunk size line: " + line);
        }
        if (chunkLeft == 0) {
          for (String trailer = conn.line(); !trailer.isEmpty(); trailer = conn.line()) {
            // trailers are not kept
          }
          done = true;
          conn.reusable = response.keepAlive;
          return null;
        }
      }
      int want = room(chunkLeft);
      int n = conn.read(scratch, used, want);
      if (n < 0) {
        throw new IOException("connection closed inside a chunk");
      }
      chunkLeft -= n;
      if (chunkLeft == 0 && !conn.line().isEmpty()) {
        throw new IOException("chunk not followed by CRLF");
      }
      return piece(n);
    }

    /**
     * Bytes the next read may take into {@link #scratch} at {@link #used}, at most {@code left}
     * (the body's bytes still to come; negative when unknown). A new buffer is taken when the
     * current one has too little room left.
     */
    private int room(long left) {
      // the bytes still to come as far as known, for the buffer's size; the framing bounds the read
      long size = left >= 0 ? left : expected >= 0 ? Math.max(1, expected - consumed) : Long.MAX_VALUE;
      int free = scratch == null ? 0 : scratch.length - used;
      if (free < Math.min(MIN_ROOM, size)) {
        scratch = piece == PIECE ? HeapPieces.allocate(size) : new byte[(int) Math.min(size, piece)];
        used = 0;
        free = scratch.length;
      }
      return (int) Math.min(free, left >= 0 ? left : Long.MAX_VALUE);
    }

    /** The {@code n} bytes just read as a piece: a slice of the read buffer, no copy. */
    private ByteString piece(int n) {
      ByteString bytes = ByteString.fromArrayUnsafe(scratch, used, n);
      used += n;
      consumed += n;
      return bytes;
    }

    @Override
    public void finished() {
      lease.finished();
    }

    @Override
    public void abandon() {
      lease.abandon();
    }
  }
}
