package io.ispcache.content.server;

import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntity;
import akka.http.javadsl.model.HttpHeader;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.ResponseEntity;
import akka.stream.javadsl.Sink;
import akka.stream.javadsl.SinkQueueWithCancel;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.LongConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection: reads a request head, answers it (from files, or through the Akka
 * handler), writes the response with backpressure from the socket, then reads the next request.
 * Requests pipelined behind the current one wait in the read buffer. Runs only on its loop.
 */
final class Connection implements EventLoop.Ready {
  /** Retry-After of the 503 a leaving node answers: by then steering sends the client elsewhere. */
  static final int LEAVING_RETRY_AFTER_SECONDS = 60;
  private static final Logger log = LoggerFactory.getLogger(Connection.class);
  private static final int DONE = 0;
  private static final int BLOCKED = 1;
  private static final int PENDING = 2;
  /** How long a closing connection reads and drops what the client still sends (see {@link #linger}). */
  private static final long LINGER_NANOS = 2_000_000_000L;
  /**
   * Body bytes one connection writes per turn before its loop serves the others (as nginx's
   * {@code sendfile_max_chunk}): without it a fast reader of a large object keeps its loop writing
   * while the requests of other clients wait unread (a herd on one object saw first bytes late).
   */
  static final long TURN_BYTES = 2 << 20;
  /**
   * The first bytes of every response go out in turns of at most this much in all: when many
   * responses become ready at once (a herd on a cold object, answered as its first bytes arrive)
   * each client gets its first bytes before any of them gets megabytes. A small hit fits in one.
   */
  static final long FIRST_BYTES = 128 << 10;

  private enum State { READING, BODY, WAITING, WRITING, LINGERING, CLOSED }

  private static final byte[] CONTINUE = "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);

  private final ContentServer server;
  private final EventLoop loop;
  private final SocketChannel channel;
  private final InetSocketAddress remote;
  private SelectionKey key;
  private byte[] in = new byte[4096];
  private int inStart;
  private int inEnd;
  private State state = State.READING;
  private boolean processing;
  private final ArrayDeque<Out> out = new ArrayDeque<>();
  /** What this turn may still write (see {@link #TURN_BYTES}). */
  private long turnLeft;
  /** Bytes of the current response written so far (see {@link #FIRST_BYTES}). */
  private long responseWritten;
  private boolean closeAfter;
  private boolean head;
  private boolean http11 = true;
  private int exchange;
  private Runnable finished;
  private long since = System.nanoTime();
  /** When the first byte of the request head being read arrived. */
  private long headStarted;
  /** The read buffer up to here holds no end of a request head. */
  private int scanned;
  /** The request whose body is being read (state BODY), and its body. */
  private RequestHead bodyOf;
  private RequestBody body;
  /** For the access log: the request being answered (null: its head was refused), when its head
   * arrived, and the status and X-Cache of the response under way (status 0: none). */
  private RequestHead accessRequest;
  private long accessStarted;
  private int accessStatus;
  private String accessCache;

  Connection(ContentServer server, EventLoop loop, SocketChannel channel, InetSocketAddress remote) {
    this.server = server;
    this.loop = loop;
    this.channel = channel;
    this.remote = remote;
  }

  void register() throws IOException {
    key = channel.register(loop.selector, SelectionKey.OP_READ, this);
    loop.add(this);
  }

  @Override
  public void ready(SelectionKey k) {
    if (k.isReadable() && (state == State.READING || state == State.BODY)) {
      read();
    } else if (k.isReadable() && state == State.LINGERING) {
      drain();
    }
    if (k.isValid() && k.isWritable() && state == State.WRITING) {
      flush();
    }
  }

  // --- reading ----------------------------------------------------------------------------------

  private void read() {
    if (inStart == inEnd) {
      inStart = inEnd = scanned = 0;
    }
    if (inEnd == in.length) {
      if (inStart > 0) {
        System.arraycopy(in, inStart, in, 0, inEnd - inStart);
        inEnd -= inStart;
        scanned -= inStart;
        inStart = 0;
      } else {
        in = java.util.Arrays.copyOf(in, Math.min(in.length * 2, RequestParser.MAX_HEAD + 4096));
      }
    }
    int n;
    try {
      n = channel.read(ByteBuffer.wrap(in, inEnd, in.length - inEnd));
    } catch (IOException e) {
      close();
      return;
    }
    if (n < 0) {
      close();
      return;
    }
    if (inStart == inEnd) {
      headStarted = System.nanoTime();
    }
    inEnd += n;
    since = System.nanoTime();
    process();
  }

  /** Answers every complete request in the buffer, one after the other. */
  private void process() {
    if (processing) {
      return;
    }
    processing = true;
    try {
      while (state == State.READING || state == State.BODY) {
        if (state == State.BODY) {
          if (!readBody()) {
            return;
          }
          continue;
        }
        // A head that arrives a few bytes at a time is searched once, not again per read.
        int from = Math.max(inStart, scanned - 3);
        if (RequestParser.headEnd(in, from, inEnd) < 0 && inEnd - inStart <= RequestParser.MAX_HEAD) {
          scanned = inEnd;
          interest(SelectionKey.OP_READ);
          return;
        }
        RequestParser.Parsed parsed;
        try {
          parsed = RequestParser.parse(in, inStart, inEnd);
        } catch (RequestParser.BadRequest e) {
          accessRequest = null;
          accessStarted = System.nanoTime();
          inStart = inEnd;
          exchange++;
          head = false;
          http11 = true;
          closeAfter = true;
          state = State.WAITING;
          error(e.status, e.code, e.getMessage());
          continue;
        }
        if (parsed == null) {
          scanned = inEnd;
          if (inEnd == in.length && in.length > RequestParser.MAX_HEAD) {
            // Parse has already refused anything larger; this only guards the buffer.
            close();
            return;
          }
          interest(SelectionKey.OP_READ);
          return;
        }
        inStart += parsed.consumed();
        scanned = inStart;
        headStarted = System.nanoTime();
        RequestHead request = parsed.head();
        accessRequest = request;
        accessStarted = headStarted;
        if (request.hasBody() && !request.method().equals("GET") && !request.method().equals("HEAD")) {
          startBody(request);
        } else {
          dispatch(request, null);
        }
      }
    } finally {
      processing = false;
    }
  }

  /**
   * Begins reading the body of a request with a method other than GET and HEAD (those are
   * forwarded with it): bounded by the server's limit, a stated length above it refused at once.
   * A client that waits for {@code Expect: 100-continue} is told to send it now: the body is read
   * here, whole, before the request is answered, so the cache gives the interim answer itself and
   * the origin never sees the expectation.
   */
  private void startBody(RequestHead request) {
    try {
      body = RequestBody.of(request, server.maxRequestBody());
    } catch (RequestParser.BadRequest e) {
      // Unread, the body's bytes would be taken for the next request: answer and close.
      refuse(request, e);
      return;
    }
    bodyOf = request;
    state = State.BODY;
    since = System.nanoTime();
    String expect = request.header("Expect");
    if (expect != null && expect.trim().equalsIgnoreCase("100-continue") && request.http11() && inEnd == inStart) {
      try {
        ByteBuffer interim = ByteBuffer.wrap(CONTINUE);
        channel.write(interim);
        if (interim.hasRemaining()) {
          close(); // 25 bytes into an empty socket buffer: only a broken connection takes fewer
        }
      } catch (IOException e) {
        close();
      }
    }
  }

  /** Takes body bytes from the read buffer; true when the request was dispatched or refused. */
  private boolean readBody() {
    int taken;
    try {
      taken = body.take(in, inStart, inEnd);
    } catch (RequestParser.BadRequest e) {
      RequestHead request = bodyOf;
      bodyOf = null;
      body = null;
      inStart = inEnd;
      refuse(request, e);
      return true;
    }
    inStart += taken;
    scanned = inStart;
    if (!body.complete()) {
      interest(SelectionKey.OP_READ);
      return false;
    }
    RequestHead request = bodyOf;
    ByteString bytes = body.bytes();
    bodyOf = null;
    body = null;
    dispatch(request, bytes);
    return true;
  }

  /** Answers a request whose body cannot be read with {@code e}'s status, then closes. */
  private void refuse(RequestHead request, RequestParser.BadRequest e) {
    exchange++;
    head = false;
    http11 = request.http11();
    closeAfter = true;
    state = State.WAITING;
    error(e.status, e.code, e.getMessage());
  }

  /**
   * Answers {@code request}: {@code body} is its body when it was read (any method but GET and
   * HEAD), null when it has none or announced one that was not read.
   */
  private void dispatch(RequestHead request, ByteString body) {
    exchange++;
    state = State.WAITING;
    since = System.nanoTime();
    interest(0);
    head = request.method().equals("HEAD");
    http11 = request.http11();
    // The body of a GET or HEAD is never read (it has no meaning, RFC 9110 §9.3.1): answer, then
    // close so its bytes are not taken for a request.
    closeAfter = !request.keepAlive() || (request.hasBody() && body == null) || server.draining();
    if (server.draining()) {
      // A request on a connection kept open from before the leave: the node takes no new ones, and
      // the client (or the steering in front of it) goes to another node.
      render(Errors.json(503, "leaving", "this cache node is leaving its cluster; ask another node")
          .addHeader(akka.http.javadsl.model.headers.RawHeader.create("Retry-After", Integer.toString(LEAVING_RETRY_AFTER_SECONDS))));
      return;
    }
    FileResponse direct = null;
    try {
      direct = server.handler().direct(request, remote);
    } catch (RuntimeException e) {
      log.error("direct answer for {} failed; answering through the handler", request.target(), e);
    }
    if (direct != null) {
      startFile(direct);
      return;
    }
    HttpRequest akkaRequest;
    try {
      akkaRequest = AkkaBridge.request(request, remote, body);
    } catch (RuntimeException e) {
      error(400, "bad_request", "the request target is not a valid URI: " + e.getMessage());
      return;
    }
    CompletionStage<Answer> answer;
    try {
      answer = server.handler().handle(akkaRequest);
    } catch (RuntimeException e) {
      answer = CompletableFuture.failedFuture(e);
    }
    int ex = exchange;
    CompletableFuture<Answer> f = answer.toCompletableFuture();
    if (f.isDone()) {
      answered(ex, f);
    } else {
      // Always with an executor: a stage Akka made (scala-java8-compat) runs a plain whenComplete
      // on the common pool, which on a 2-core machine starts a new thread per callback.
      f.whenCompleteAsync((r, e) -> answered(ex, f), loop);
    }
  }

  private void answered(int ex, CompletableFuture<Answer> f) {
    Answer answer;
    try {
      answer = f.join();
    } catch (CompletionException | java.util.concurrent.CancellationException e) {
      if (ex == exchange && state == State.WAITING) {
        log.error("content request failed", e.getCause() == null ? e : e.getCause());
        error(500, "internal_error", "the cache failed to serve this request");
      }
      return;
    }
    if (ex != exchange || state != State.WAITING) {
      // Too late (timed out, or the client left): let go of whatever the body holds.
      if (answer instanceof Answer.Http http) {
        discard(http.response().entity());
      } else if (answer instanceof FileResponse files) {
        files.finished().run();
      }
      return;
    }
    if (answer instanceof FileResponse files) {
      startFile(files);
    } else {
      Answer.Http http = (Answer.Http) answer;
      render(http.response(), http.sent());
    }
  }

  // --- responding -------------------------------------------------------------------------------

  private void startFile(FileResponse response) {
    responseWritten = 0;
    accessStatus = response.status();
    accessCache = null;
    for (RequestHead.Header header : response.headers()) {
      if (header.name().equalsIgnoreCase("X-Cache")) {
        accessCache = header.value();
      }
    }
    finished = response.finished();
    long length = response.contentLength();
    StringBuilder h = statusLine(response.status());
    for (RequestHead.Header header : response.headers()) {
      h.append(header.name()).append(": ").append(header.value()).append("\r\n");
    }
    if (response.status() != 304) { // §8.6: a 304 states no length, as it has no content
      h.append("Content-Length: ").append(length).append("\r\n");
    }
    commonHeaders(h, true, true);
    out.add(new BytesOut(ascii(h)));
    if (!head && response.parts().count() > 0) {
      out.add(new PartsOut(response.parts()));
    }
    state = State.WRITING;
    flush();
  }

  private void render(HttpResponse response) {
    render(response, Answer.Http.UNCOUNTED);
  }

  /** {@code sent}: told the body bytes as the socket takes them. */
  private void render(HttpResponse response, LongConsumer sent) {
    responseWritten = 0;
    int status = response.status().intValue();
    accessStatus = status;
    accessCache = response.getHeader("X-Cache").map(HttpHeader::value).orElse(null);
    StringBuilder h = statusLine(status, response.status().reason());
    boolean date = false;
    boolean serverHeader = false;
    for (HttpHeader header : response.getHeaders()) {
      String name = header.lowercaseName();
      switch (name) {
        case "content-length", "content-type", "transfer-encoding", "connection", "keep-alive" -> {
          continue;
        }
        case "date" -> date = true;
        case "server" -> serverHeader = true;
        default -> { }
      }
      h.append(header.name()).append(": ").append(header.value()).append("\r\n");
    }
    ResponseEntity entity = response.entity();
    if (!entity.getContentType().equals(ContentTypes.NO_CONTENT_TYPE)) {
      h.append("Content-Type: ").append(entity.getContentType()).append("\r\n");
    }
    boolean bodyless = head || status == 204 || status == 304 || status < 200;
    ByteString strict = entity instanceof HttpEntity.Strict s ? s.getData() : null;
    OptionalLong length = strict != null ? OptionalLong.of(strict.size()) : entity.getContentLengthOption();
    boolean chunked = false;
    if (status != 204 && status != 304 && status >= 200) {
      if (length.isPresent()) {
        h.append("Content-Length: ").append(length.getAsLong()).append("\r\n");
      } else if (bodyless) {
        // A HEAD of a body of unknown length says nothing about its length.
      } else if (http11) {
        h.append("Transfer-Encoding: chunked\r\n");
        chunked = true;
      } else {
        closeAfter = true;
      }
    }
    commonHeaders(h, !date, !serverHeader);
    if (bodyless || strict != null) {
      discardIfStreamed(entity, strict);
      ByteBuffer bytes = ascii(h);
      int headLength = bytes.remaining();
      if (!bodyless && strict.size() > 0) {
        ByteBuffer whole = ByteBuffer.allocate(bytes.remaining() + strict.size());
        whole.put(bytes);
        strict.copyToBuffer(whole);
        whole.flip();
        bytes = whole;
      }
      out.add(new BytesOut(bytes, headLength, sent));
    } else {
      out.add(new BytesOut(ascii(h)));
      out.add(stream(entity.getDataBytes(), chunked, length.orElse(-1), sent));
    }
    state = State.WRITING;
    flush();
  }

  private void error(int status, String code, String message) {
    render(Errors.json(status, code, message));
  }

  private StringBuilder statusLine(int status) {
    return statusLine(status, AkkaBridge.reason(status));
  }

  private static StringBuilder statusLine(int status, String reason) {
    return new StringBuilder(256).append("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
  }

  private void commonHeaders(StringBuilder h, boolean date, boolean serverHeader) {
    if (date) {
      h.append("Date: ").append(loop.date()).append("\r\n");
    }
    if (serverHeader) {
      h.append("Server: ").append(server.serverHeader()).append("\r\n");
    }
    if (server.draining()) {
      // The node is leaving: a response begun before still ends its connection, and says so.
      closeAfter = true;
    }
    if (closeAfter) {
      h.append("Connection: close\r\n");
    } else if (!http11) {
      h.append("Connection: keep-alive\r\n");
    }
    h.append("\r\n");
  }

  private static ByteBuffer ascii(StringBuilder s) {
    return ByteBuffer.wrap(s.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private void discardIfStreamed(ResponseEntity entity, ByteString strict) {
    if (strict == null) {
      discard(entity);
    }
  }

  /** Cancels a body nobody will read, so what produces it (an origin fetch, a file) stops. */
  private void discard(ResponseEntity entity) {
    if (!(entity instanceof HttpEntity.Strict)) {
      entity.getDataBytes().runWith(Sink.cancelled(), server.materializer());
    }
  }

  private StreamOut stream(Source<ByteString, ?> bytes, boolean chunked, long expected, LongConsumer sent) {
    SinkQueueWithCancel<ByteString> queue =
        bytes.runWith(
            Sink.<ByteString>queue().withAttributes(akka.stream.Attributes.inputBuffer(2, 2)), server.materializer());
    FilePart.Pieces pieces =
        new FilePart.Pieces() {
          @Override
          public CompletionStage<Optional<ByteBuffer>> next() {
            return queue.pull().thenApply(piece -> piece.map(ByteString::asByteBuffer));
          }

          @Override
          public void close() {
            queue.cancel();
          }
        };
    return new StreamOut(pieces, chunked, expected, sent);
  }

  // --- writing ----------------------------------------------------------------------------------

  private void flush() {
    turnLeft = responseWritten < FIRST_BYTES ? FIRST_BYTES - responseWritten : TURN_BYTES;
    try {
      while (!out.isEmpty()) {
        int result = out.peek().write();
        if (result == DONE) {
          out.poll();
        } else {
          interest(result == BLOCKED ? SelectionKey.OP_WRITE : 0);
          return;
        }
      }
    } catch (IOException e) {
      log.debug("connection from {} ended while writing: {}", remote, e.toString());
      close();
      return;
    } catch (RuntimeException e) {
      log.error("writing a response to {} failed", remote, e);
      close();
      return;
    }
    responseDone();
  }

  private void responseDone() {
    logAccess();
    runFinished();
    if (closeAfter || server.draining()) {
      linger();
      return;
    }
    state = State.READING;
    since = System.nanoTime();
    if (inEnd > inStart) {
      // A pipelined request's clock starts now, not when its bytes came in behind this one.
      headStarted = since;
    }
    process();
  }

  /** One access-log line for the response under way, if any (a client that left gets what it got). */
  private void logAccess() {
    if (accessStatus != 0 && AccessLog.enabled()) {
      AccessLog.log(remote, accessRequest, accessStatus, responseWritten, accessCache, System.nanoTime() - accessStarted);
    }
    accessStatus = 0;
    // What the connection answers next without a request head (a 408) is timed from here.
    accessRequest = null;
    accessStarted = System.nanoTime();
  }

  private void runFinished() {
    Runnable f = finished;
    finished = null;
    if (f != null) {
      f.run();
    }
  }

  /** A gathering write of at most {@code max} bytes of {@code buffers}. */
  private long writeAtMost(ByteBuffer[] buffers, long max) throws IOException {
    long before = 0;
    for (int i = 0; i < buffers.length; i++) {
      int r = buffers[i].remaining();
      if (before + r > max) {
        int limit = buffers[i].limit();
        buffers[i].limit(buffers[i].position() + (int) (max - before));
        try {
          return channel.write(buffers, 0, i + 1);
        } finally {
          buffers[i].limit(limit);
        }
      }
      before += r;
    }
    return channel.write(buffers);
  }

  private void interest(int ops) {
    if (key.isValid() && key.interestOps() != ops) {
      key.interestOps(ops);
    }
  }

  private void progressed(long bytes) {
    since = System.nanoTime();
    turnLeft -= bytes;
    responseWritten += bytes;
  }

  /** Once a second: idle connections close, late answers become 503s, stalled writes end. */
  void tick(long now) {
    long idle = now - since;
    switch (state) {
      case READING -> {
        if (inEnd > inStart && now - headStarted > server.requestTimeoutNanos()) {
          // A head trickling in (slowloris) holds a connection no longer than a slow answer may.
          exchange++;
          head = false;
          http11 = true;
          closeAfter = true;
          inStart = inEnd;
          state = State.WAITING;
          error(408, "request_timeout", "the request head did not arrive in time");
        } else if (idle > server.idleTimeoutNanos()) {
          close();
        }
      }
      case BODY -> {
        if (idle > server.requestTimeoutNanos()) {
          // As nginx's client_body_timeout: a body that stops coming holds its connection no longer.
          RequestHead request = bodyOf;
          bodyOf = null;
          body = null;
          inStart = inEnd;
          refuse(request, new RequestParser.BadRequest(408, "request_timeout", "the request body stopped arriving"));
        }
      }
      case WAITING -> {
        if (idle > server.requestTimeoutNanos()) {
          exchange++;
          closeAfter = true;
          error(503, "request_timeout", "the cache could not start this response in time");
        }
      }
      case LINGERING -> {
        if (idle > LINGER_NANOS) {
          close();
        }
      }
      case WRITING -> {
        if (idle > server.idleTimeoutNanos()) {
          log.debug("closing connection from {}: no progress writing for the idle timeout", remote);
          close();
        }
      }
      default -> { }
    }
  }

  /** Whether no response is being prepared or written (a leaving server may close it now). */
  boolean idle() {
    // A lingering connection is left to its timer: closing it now could reset its last response.
    return state == State.READING;
  }

  /**
   * Ends a connection after its last response without losing that response: closing a socket
   * with unread bytes in it (a request body, pipelined requests) sends a reset, which may destroy
   * the response still in flight. So: stop writing, read and drop what comes for up to two
   * seconds, then close (as nginx's lingering close).
   */
  private void linger() {
    runFinished();
    inStart = inEnd = scanned = 0;
    try {
      channel.shutdownOutput();
    } catch (IOException e) {
      close();
      return;
    }
    state = State.LINGERING;
    since = System.nanoTime();
    interest(SelectionKey.OP_READ);
    drain();
  }

  private void drain() {
    ByteBuffer scratch = ByteBuffer.wrap(in);
    try {
      for (int i = 0; i < 16; i++) {
        scratch.clear();
        int n = channel.read(scratch);
        if (n < 0) {
          close();
          return;
        }
        if (n == 0) {
          return;
        }
      }
    } catch (IOException e) {
      close();
    }
  }

  void close() {
    if (state == State.CLOSED) {
      return;
    }
    state = State.CLOSED;
    logAccess();
    exchange++;
    for (Out o : out) {
      o.release();
    }
    out.clear();
    runFinished();
    if (key != null) {
      key.cancel();
    }
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing connection", e);
    }
    loop.remove(this);
    server.closed(remote);
  }

  /** A piece of a response waiting to be written. */
  private interface Out {
    /** DONE, BLOCKED (the socket is full) or PENDING (waiting for bytes from elsewhere). */
    int write() throws IOException;

    void release();
  }

  private final class BytesOut implements Out {
    private final ByteBuffer bytes;
    /** Where the body starts in {@link #bytes} (after the head); the bytes from there are told to {@link #sent}. */
    private final int bodyFrom;
    private final LongConsumer sent;

    BytesOut(ByteBuffer bytes) {
      this(bytes, bytes.limit(), Answer.Http.UNCOUNTED);
    }

    BytesOut(ByteBuffer bytes, int bodyFrom, LongConsumer sent) {
      this.bytes = bytes;
      this.bodyFrom = bodyFrom;
      this.sent = sent;
    }

    @Override
    public int write() throws IOException {
      int before = bytes.position();
      int n = channel.write(bytes);
      if (n > 0) {
        progressed(n);
        int body = bytes.position() - Math.max(before, bodyFrom);
        if (body > 0) {
          sent.accept(body);
        }
      }
      return bytes.hasRemaining() ? BLOCKED : DONE;
    }

    @Override
    public void release() {}
  }

  /**
   * The parts of a chunk response in order, each made and opened only when the response reaches it
   * (a whole-object response may have a million parts; one is held at a time).
   */
  private final class PartsOut implements Out {
    private final FileResponse.Parts parts;
    private final long count;
    private long next;
    private PartOut current;

    PartsOut(FileResponse.Parts parts) {
      this.parts = parts;
      this.count = parts.count();
    }

    @Override
    public int write() throws IOException {
      while (true) {
        if (current == null) {
          if (next >= count) {
            return DONE;
          }
          if (server.cutting()) {
            // The node left and its drain time is over: end here, after a whole part.
            throw new IOException("the node is leaving: response cut after " + next + " of " + count + " parts");
          }
          current = new PartOut(parts.part(next++));
        }
        int result = current.write();
        if (result != DONE) {
          return result;
        }
        current = null;
      }
    }

    @Override
    public void release() {
      next = count;
      if (current != null) {
        current.release();
        current = null;
      }
    }
  }

  /**
   * One part of a chunk response: sent with sendfile from a stored chunk's file, or pulled piece by
   * piece from a fill. Opened when the response reaches it; until then the loop serves others.
   */
  private final class PartOut implements Out {
    private final FilePart part;
    private CompletableFuture<FilePart.Body> opening;
    private boolean released;
    private FileChannel file;
    private long position;
    private long remaining;
    private StreamOut pieces;

    PartOut(FilePart part) {
      this.part = part;
    }

    @Override
    public int write() throws IOException {
      if (pieces != null) {
        return pieces.write();
      }
      if (file == null) {
        if (opening == null) {
          opening = part.open().toCompletableFuture();
          if (!opening.isDone()) {
            int ex = exchange;
            opening.whenCompleteAsync(
                (b, e) -> {
                  if (ex == exchange && state == State.WRITING) {
                    flush();
                  }
                },
                loop);
          }
        }
        if (!opening.isDone()) {
          return PENDING;
        }
        FilePart.Body body;
        try {
          body = opening.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
          Throwable cause = e.getCause() == null ? e : e.getCause();
          log.warn("response to {} cut off: a part could not be read: {}", remote, cause.toString());
          throw new IOException("a part of the response failed: " + cause, cause);
        }
        if (body instanceof FilePart.Pieces p) {
          pieces = new StreamOut(p, false, part.length(), part::sent);
          return pieces.write();
        }
        FilePart.Region region = (FilePart.Region) body;
        file = region.channel();
        position = region.position();
        remaining = part.length();
      }
      while (remaining > 0) {
        if (turnLeft <= 0) {
          return BLOCKED; // the socket may take more: the loop comes back once the others had a turn
        }
        long n = file.transferTo(position, Math.min(remaining, turnLeft), channel);
        if (n <= 0) {
          if (position >= file.size()) {
            throw new IOException("a chunk file ended " + remaining + " bytes early");
          }
          return BLOCKED;
        }
        position += n;
        remaining -= n;
        part.sent(n);
        progressed(n);
      }
      release();
      return DONE;
    }

    @Override
    public void release() {
      if (released) {
        return;
      }
      released = true;
      if (pieces != null) {
        pieces.release();
      } else if (file != null) {
        closeFile(file);
      } else if (opening != null) {
        // Still opening (or opened and not yet reached): whatever it opens is let go.
        opening.whenComplete(
            (b, e) -> {
              if (b instanceof FilePart.Pieces p) {
                p.close();
              } else if (b instanceof FilePart.Region r) {
                closeFile(r.channel());
              }
            });
      }
    }
  }

  private static void closeFile(FileChannel file) {
    try {
      file.close();
    } catch (IOException e) {
      log.debug("closing chunk file", e);
    }
  }

  /** A streamed body, pulled one element at a time as the socket takes it. */
  private final class StreamOut implements Out {
    private final FilePart.Pieces source;
    private final boolean chunked;
    private final LongConsumer sent;
    /** The length the head announced, or -1: a body that ends short or runs long closes the connection. */
    private final long expected;
    private long taken;
    private ByteBuffer[] current;
    /** The body bytes in {@link #current} (null: only framing, the chunked trailer). */
    private ByteBuffer payload;
    private boolean pulling;
    private boolean ended;
    private boolean trailer;
    private boolean released;
    private Throwable failed;

    StreamOut(FilePart.Pieces source, boolean chunked, long expected, LongConsumer sent) {
      this.source = source;
      this.chunked = chunked;
      this.expected = expected;
      this.sent = sent;
    }

    @Override
    public int write() throws IOException {
      while (true) {
        if (current != null) {
          if (turnLeft <= 0) {
            return BLOCKED;
          }
          int payloadBefore = payload == null ? 0 : payload.remaining();
          long n = writeAtMost(current, turnLeft);
          if (n > 0) {
            progressed(n);
            // What the socket took of the body itself, not of the chunked framing around it.
            int body = payload == null ? 0 : payloadBefore - payload.remaining();
            if (body > 0) {
              sent.accept(body);
            }
          }
          if (current[current.length - 1].hasRemaining()) {
            return BLOCKED;
          }
          current = null;
          continue;
        }
        if (failed != null) {
          throw new IOException("the response body failed: " + failed, failed);
        }
        if (ended) {
          if (chunked && !trailer) {
            trailer = true;
            current = new ByteBuffer[] {ByteBuffer.wrap("0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1))};
            payload = null;
            continue;
          }
          release();
          return DONE;
        }
        if (pulling) {
          return PENDING;
        }
        CompletableFuture<Optional<ByteBuffer>> next = source.next().toCompletableFuture();
        if (next.isDone()) {
          take(next);
          continue;
        }
        pulling = true;
        int ex = exchange;
        next.whenCompleteAsync(
            (v, e) -> {
              if (ex != exchange || state == State.CLOSED) {
                return;
              }
              pulling = false;
              take(next);
              flush();
            },
            loop);
        return PENDING;
      }
    }

    private void take(CompletableFuture<Optional<ByteBuffer>> next) {
      Optional<ByteBuffer> element;
      try {
        element = next.join();
      } catch (CompletionException | java.util.concurrent.CancellationException e) {
        failed = e.getCause() == null ? e : e.getCause();
        ended = true;
        return;
      }
      if (element.isEmpty()) {
        ended = true;
        if (expected >= 0 && taken != expected) {
          failed = new IOException("the body ended after " + taken + " of " + expected + " bytes");
        }
        return;
      }
      ByteBuffer bytes = element.get();
      int size = bytes.remaining();
      if (size == 0) {
        return;
      }
      taken += size;
      if (expected >= 0 && taken > expected) {
        failed = new IOException("the body ran past its " + expected + " bytes");
        release();
        return;
      }
      payload = bytes;
      current =
          chunked
              ? new ByteBuffer[] {
                ByteBuffer.wrap((Integer.toHexString(size) + "\r\n").getBytes(StandardCharsets.ISO_8859_1)),
                bytes,
                ByteBuffer.wrap(new byte[] {'\r', '\n'})
              }
              : new ByteBuffer[] {bytes};
    }

    @Override
    public void release() {
      if (!released) {
        released = true;
        ended = true;
        source.close();
      }
    }
  }
}
