package io.ispcache.content.server;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.Done;
import akka.NotUsed;
import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.ContentTypes;
import akka.http.javadsl.model.HttpEntities;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import akka.stream.javadsl.Source;
import akka.util.ByteString;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content port's HTTP/1.1 server on the wire: framing, limits, timeouts, files and streams. */
class ContentServerWireTest {
  static ActorTestKit kit;
  static Materializer mat;
  static ContentServer server;
  static ContentServer strict;
  static final Handler handler = new Handler();
  @TempDir static Path dir;
  static byte[] fileBytes;
  static Path file;

  @BeforeAll
  static void start() throws IOException {
    kit = ActorTestKit.create();
    mat = Materializer.matFromSystem(kit.system());
    fileBytes = new byte[3 * 1024 * 1024 + 17];
    new Random(5).nextBytes(fileBytes);
    file = Files.write(dir.resolve("chunk"), fileBytes);
    server = ContentServer.bind("127.0.0.1", 0, handler, mat,
        new ContentServer.Limits(Duration.ofSeconds(60), Duration.ofSeconds(30), 100, "ispcache"));
    strict = ContentServer.bind("127.0.0.1", 0, handler, mat,
        new ContentServer.Limits(Duration.ofSeconds(1), Duration.ofSeconds(1), 2, "ispcache"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.terminate().toCompletableFuture().join();
      strict.terminate().toCompletableFuture().join();
    }
    kit.shutdownTestKit();
  }

  /**
   * Answers by path: "/file" and "/pulled" directly (from a file, from pieces in memory), "/later",
   * "/broken" and "/left" with parts through the handler, the rest with Akka responses.
   */
  static final class Handler implements ContentHandler {
    volatile CompletableFuture<HttpResponse> slow = new CompletableFuture<>();
    volatile CompletableFuture<Void> slowAsked = new CompletableFuture<>();
    volatile CompletableFuture<Void> bigAsked = new CompletableFuture<>();
    final CompletableFuture<Done> headBodyEnded = new CompletableFuture<>();
    final AtomicLong directSent = new AtomicLong();
    final AtomicLong finished = new AtomicLong();
    /** What the second part of "/later" and "/left" opens to; completed by the test. */
    volatile CompletableFuture<FilePart.Body> secondPart = new CompletableFuture<>();
    volatile CompletableFuture<Void> secondPartAsked = new CompletableFuture<>();
    volatile CompletableFuture<Void> leftFinished = new CompletableFuture<>();

    @Override
    public FileResponse direct(RequestHead head, InetSocketAddress client) {
      long first = 1000;
      long length = fileBytes.length - 1000 - 5;
      return switch (head.path()) {
        case "/file" -> parts(region(first, length));
        case "/pulled" -> parts(pulled(first, length));
        case "/one-piece" -> parts(part(fileBytes.length, () -> CompletableFuture.completedFuture(
            new ScriptedPieces(CompletableFuture.completedFuture(Optional.of(java.nio.ByteBuffer.wrap(fileBytes)))))));
        default -> null;
      };
    }

    FileResponse parts(FilePart... parts) {
      return FileResponse.of(200, List.of(new RequestHead.Header("X-Cache", "HIT")), List.of(parts), finished::incrementAndGet);
    }

    /** Bytes of the test file, sent from the file. */
    FilePart region(long first, long length) {
      return part(length, () -> {
        try {
          return CompletableFuture.completedFuture(new FilePart.Region(FileChannel.open(file, StandardOpenOption.READ), first));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }

    /** Bytes of the test file, pulled in pieces of 64 KiB from memory. */
    FilePart pulled(long first, long length) {
      return part(length, () -> CompletableFuture.completedFuture(new MemoryPieces(first, length)));
    }

    FilePart part(long length, java.util.function.Supplier<CompletionStage<FilePart.Body>> open) {
      return new FilePart() {
        @Override
        public long length() {
          return length;
        }

        @Override
        public CompletionStage<Body> open() {
          return open.get();
        }

        @Override
        public void sent(long bytes) {
          directSent.addAndGet(bytes);
        }
      };
    }

    FilePart opensLater(long length) {
      return part(length, () -> {
        secondPartAsked.complete(null);
        return secondPart;
      });
    }

    @Override
    public CompletionStage<Answer> handle(HttpRequest request) {
      String path = request.getUri().path();
      switch (path) {
        case "/later":
          return CompletableFuture.completedFuture(parts(region(0, 1000), opensLater(2000)));
        case "/left":
          CompletableFuture<Void> ended = leftFinished;
          return CompletableFuture.completedFuture(
              FileResponse.of(200, List.of(), List.of(region(0, 1000), opensLater(2000)), () -> ended.complete(null)));
        case "/broken":
          return CompletableFuture.completedFuture(
              parts(region(0, 1000), part(2000, () -> CompletableFuture.failedFuture(new IOException("the origin went away")))));
        case "/slow":
          slowAsked.complete(null);
          return slow.thenApply(Answer.Http::new);
        default:
          return akka(request, path).thenApply(Answer.Http::new);
      }
    }

    CompletionStage<HttpResponse> akka(HttpRequest request, String path) {
      switch (path) {
        case "/text":
          return CompletableFuture.completedFuture(
              HttpResponse.create().withEntity("hello " + request.method().name()).addHeader(RawHeader.create("X-Seen", request.getUri().rawQueryString().orElse(""))));
        case "/chunked":
          return CompletableFuture.completedFuture(
              HttpResponse.create().withEntity(HttpEntities.createChunked(ContentTypes.APPLICATION_OCTET_STREAM, pieces())));
        case "/sized":
          return CompletableFuture.completedFuture(
              HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, 30, pieces())));
        case "/head-probe":
          Source<ByteString, NotUsed> endless =
              Source.repeat(ByteString.fromString("x")).watchTermination((m, done) -> {
                done.whenComplete((d, e) -> headBodyEnded.complete(Done.getInstance()));
                return NotUsed.getInstance();
              });
          return CompletableFuture.completedFuture(
              HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, 1_000_000_000L, endless)));
        case "/big":
          bigAsked.complete(null);
          return CompletableFuture.completedFuture(
              HttpResponse.create()
                  .withEntity(
                      HttpEntities.create(
                          ContentTypes.APPLICATION_OCTET_STREAM,
                          64L << 20,
                          Source.repeat(ByteString.fromArray(new byte[64 * 1024])).take(1024))));
        case "/short":
          return CompletableFuture.completedFuture(
              HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, 100, pieces())));
        case "/long":
          return CompletableFuture.completedFuture(
              HttpResponse.create().withEntity(HttpEntities.create(ContentTypes.APPLICATION_OCTET_STREAM, 15, pieces())));
        case "/boom":
          throw new IllegalStateException("handler bug");
        default:
          return CompletableFuture.completedFuture(HttpResponse.create().withStatus(404).withEntity("no"));
      }
    }

    static Source<ByteString, NotUsed> pieces() {
      return Source.from(List.of("0123456789", "", "abcdefghij", "ABCDEFGHIJ")).map(ByteString::fromString);
    }
  }

  /** Pieces of the test file from memory, 64 KiB each. */
  static final class MemoryPieces implements FilePart.Pieces {
    private long position;
    private final long end;

    MemoryPieces(long first, long length) {
      position = first;
      end = first + length;
    }

    @Override
    public CompletionStage<Optional<java.nio.ByteBuffer>> next() {
      if (position >= end) {
        return CompletableFuture.completedFuture(Optional.empty());
      }
      int n = (int) Math.min(64 * 1024, end - position);
      java.nio.ByteBuffer piece = java.nio.ByteBuffer.wrap(fileBytes, (int) position, n);
      position += n;
      return CompletableFuture.completedFuture(Optional.of(piece));
    }

    @Override
    public void close() {}
  }

  /** Hands out the given answers in order; records whether it was closed and how many were taken. */
  static final class ScriptedPieces implements FilePart.Pieces {
    private final List<CompletableFuture<Optional<java.nio.ByteBuffer>>> answers;
    final AtomicLong taken = new AtomicLong();
    final CompletableFuture<Boolean> closed = new CompletableFuture<>();

    @SafeVarargs
    ScriptedPieces(CompletableFuture<Optional<java.nio.ByteBuffer>>... answers) {
      this.answers = List.of(answers);
    }

    @Override
    public CompletionStage<Optional<java.nio.ByteBuffer>> next() {
      int i = (int) taken.getAndIncrement();
      return i < answers.size() ? answers.get(i) : CompletableFuture.completedFuture(Optional.empty());
    }

    @Override
    public void close() {
      closed.complete(true);
    }
  }

  static int port() {
    return server.localAddress().getPort();
  }

  @Test
  void keepAliveAnswersSeveralRequestsOnOneConnection() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      for (int i = 0; i < 3; i++) {
        RawHttp.Response r = c.send("GET /text?i=" + i + " HTTP/1.1\r\nHost: a\r\n\r\n").read();
        assertEquals(200, r.status());
        assertEquals("hello GET", r.text());
        assertEquals("i=" + i, r.header("X-Seen"));
        assertEquals("ispcache", r.header("Server"));
        assertTrue(r.header("Date").endsWith(" GMT"), r.header("Date"));
        assertNull(r.header("Connection"));
      }
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      c.send("GET /text?n=1 HTTP/1.1\r\nHost: a\r\n\r\nGET /file HTTP/1.1\r\nHost: a\r\n\r\nGET /chunked HTTP/1.1\r\nHost: a\r\n\r\n"
          + "HEAD /text?n=4 HTTP/1.1\r\nHost: a\r\n\r\nGET /text?n=5 HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      assertEquals("n=1", c.read().header("X-Seen"));
      assertEquals(fileBytes.length - 1005, c.read().body().length);
      assertEquals("0123456789abcdefghijABCDEFGHIJ", c.read().text());
      RawHttp.Response head = c.read(true);
      assertEquals("10", head.header("Content-Length")); // "hello HEAD"
      RawHttp.Response last = c.read();
      assertEquals("n=5", last.header("X-Seen"));
      assertEquals("close", last.header("Connection"));
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void fileResponsesCarryExactlyThePartsBytes() throws Exception {
    byte[] expected = java.util.Arrays.copyOfRange(fileBytes, 1000, fileBytes.length - 5);
    long sentBefore = handler.directSent.get();
    long finishedBefore = handler.finished.get();
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /file HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertEquals(200, r.status());
      assertEquals("HIT", r.header("X-Cache"));
      assertEquals(String.valueOf(expected.length), r.header("Content-Length"));
      assertArrayEquals(expected, r.body());
      RawHttp.Response head = c.send("HEAD /file HTTP/1.1\r\nHost: a\r\n\r\n").read(true);
      assertEquals(String.valueOf(expected.length), head.header("Content-Length"));
      // The connection is still in step: the HEAD sent no body.
      assertEquals("hello GET", c.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
    }
    assertEquals(expected.length, handler.directSent.get() - sentBefore);
    assertEquals(2, handler.finished.get() - finishedBefore);
  }

  @Test
  void aPartPulledInPiecesCarriesExactlyItsBytes() throws Exception {
    long sentBefore = handler.directSent.get();
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /pulled HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertArrayEquals(java.util.Arrays.copyOfRange(fileBytes, 1000, fileBytes.length - 5), r.body());
      assertEquals("hello GET", c.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
    }
    assertEquals(fileBytes.length - 1005, handler.directSent.get() - sentBefore);
  }

  @Test
  void aPieceLargerThanATurnIsWrittenInTurnsAndArrivesWhole() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      // 3 MiB in one piece: the first turn of a response writes 128 KiB, later turns 2 MiB each.
      RawHttp.Response r = c.send("GET /one-piece HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertArrayEquals(fileBytes, r.body());
      assertEquals("hello GET", c.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
    }
  }

  @Test
  void aPartThatOpensLaterIsSentOnceItsBytesArriveAndItsPiecesAreClosed() throws Exception {
    handler.secondPart = new CompletableFuture<>();
    handler.secondPartAsked = new CompletableFuture<>();
    long finishedBefore = handler.finished.get();
    try (RawHttp c = new RawHttp(port())) {
      c.send("GET /later HTTP/1.1\r\nHost: a\r\n\r\n");
      handler.secondPartAsked.get(10, TimeUnit.SECONDS); // the first part is out, the second waits
      CompletableFuture<Optional<java.nio.ByteBuffer>> lastPiece = new CompletableFuture<>();
      ScriptedPieces pieces =
          new ScriptedPieces(
              CompletableFuture.completedFuture(Optional.of(java.nio.ByteBuffer.wrap(fileBytes, 1000, 1500))),
              lastPiece,
              CompletableFuture.completedFuture(Optional.empty()));
      handler.secondPart.complete(pieces);
      lastPiece.complete(Optional.of(java.nio.ByteBuffer.wrap(fileBytes, 2500, 500)));
      RawHttp.Response r = c.read();
      assertEquals("3000", r.header("Content-Length"));
      assertArrayEquals(java.util.Arrays.copyOfRange(fileBytes, 0, 3000), r.body());
      assertEquals("hello GET", c.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
      assertTrue(pieces.closed.get(10, TimeUnit.SECONDS));
    }
    assertEquals(1, handler.finished.get() - finishedBefore);
  }

  @Test
  void aPartThatFailsToOpenEndsTheConnectionAfterTheBytesSent() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /broken HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertEquals("3000", r.header("Content-Length"));
      assertArrayEquals(java.util.Arrays.copyOfRange(fileBytes, 0, 1000), r.body(), "the first part, then the end");
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void piecesOpenedAfterTheExchangeEndedAreClosedUnread() throws Exception {
    handler.secondPart = new CompletableFuture<>();
    handler.secondPartAsked = new CompletableFuture<>();
    handler.leftFinished = new CompletableFuture<>();
    try (RawHttp c = new RawHttp(strict.localAddress().getPort())) {
      c.send("GET /left HTTP/1.1\r\nHost: a\r\n\r\n");
      handler.secondPartAsked.get(10, TimeUnit.SECONDS);
      // No progress for the idle timeout (one second on this server): the connection is closed
      // while the second part is still opening, and the exchange is finished.
      handler.leftFinished.get(10, TimeUnit.SECONDS);
      RawHttp.Response r = c.read();
      assertArrayEquals(java.util.Arrays.copyOfRange(fileBytes, 0, 1000), r.body(), "the first part, then the end");
    }
    ScriptedPieces pieces = new ScriptedPieces(CompletableFuture.completedFuture(Optional.of(java.nio.ByteBuffer.wrap(new byte[] {'x'}))));
    handler.secondPart.complete(pieces);
    assertTrue(pieces.closed.get(10, TimeUnit.SECONDS));
    assertEquals(0, pieces.taken.get(), "nothing pulled for an exchange that has ended");
  }

  @Test
  void streamedBodiesAreChunkedForHttp11AndCloseDelimitedForHttp10() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /chunked HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertEquals("chunked", r.header("Transfer-Encoding"));
      assertEquals("0123456789abcdefghijABCDEFGHIJ", r.text());
      RawHttp.Response sized = c.send("GET /sized HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertEquals("30", sized.header("Content-Length"));
      assertEquals("0123456789abcdefghijABCDEFGHIJ", sized.text());
    }
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /chunked HTTP/1.0\r\n\r\n").read();
      assertNull(r.header("Transfer-Encoding"));
      assertEquals("close", r.header("Connection"));
      assertEquals("0123456789abcdefghijABCDEFGHIJ", r.text());
    }
  }

  @Test
  void http10KeepsTheConnectionOnlyWhenAsked() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response kept = c.send("GET /text HTTP/1.0\r\nConnection: keep-alive\r\n\r\n").read();
      assertEquals("hello GET", kept.text());
      assertEquals("keep-alive", kept.header("Connection"), "an HTTP/1.0 client learns the connection stays");
      RawHttp.Response last = c.send("GET /text HTTP/1.0\r\n\r\n").read();
      assertEquals("hello GET", last.text());
      assertEquals("close", last.header("Connection"));
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void headCancelsTheBodyItDoesNotSend() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("HEAD /head-probe HTTP/1.1\r\nHost: a\r\n\r\n").read(true);
      assertEquals("1000000000", r.header("Content-Length"));
      handler.headBodyEnded.get(10, TimeUnit.SECONDS);
      assertEquals("hello GET", c.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
    }
  }

  @Test
  void malformedRequestsAreAnsweredWithJsonErrorsAndTheConnectionClosed() throws Exception {
    String big = "x".repeat(RequestParser.MAX_HEAD);
    String[][] cases = {
      {"GARBAGE\r\n\r\n", "400"},
      {"GET /text HTTP/1.1\r\n\r\n", "400"}, // no Host
      {"GET /text HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400"},
      {"GET /text HTTP/2.0\r\nHost: a\r\n\r\n", "505"},
      {"GET text HTTP/1.1\r\nHost: a\r\n\r\n", "400"},
      {"GET /te xt HTTP/1.1\r\nHost: a\r\n\r\n", "400"},
      {"GET /text HTTP/1.1\r\nHost: a\r\n folded\r\n\r\n", "400"},
      {"GET /text HTTP/1.1\r\nHost : a\r\n\r\n", "400"},
      {"GET /text HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n", "400"},
      {"GET /text HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", "400"},
      {"GET /text HTTP/1.1\r\nHost: a\r\nX: " + big + "\r\n\r\n", "431"},
      {"GET /" + "a".repeat(RequestParser.MAX_TARGET) + " HTTP/1.1\r\nHost: a\r\n\r\n", "414"},
    };
    for (String[] c : cases) {
      try (RawHttp client = new RawHttp(port())) {
        RawHttp.Response r = client.send(c[0]).read();
        String shown = c[0].length() > 60 ? c[0].substring(0, 60) : c[0];
        assertEquals(Integer.parseInt(c[1]), r.status(), shown);
        assertEquals("application/json", r.header("Content-Type"), shown);
        assertTrue(r.text().startsWith("{\"error\":"), r.text());
        assertEquals("close", r.header("Connection"), shown);
        assertTrue(client.closedByServer(), shown);
      }
    }
  }

  @Test
  void aTargetThatIsNotAUriIsA400AndTheConnectionStaysInStep() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /text?%zz HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertEquals(400, r.status());
      assertTrue(r.text().contains("\"error\":\"bad_request\""), r.text());
      assertEquals("hello GET", c.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
    }
  }

  @Test
  void aRequestWithABodyIsAnsweredAndTheConnectionClosed() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /text HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nGET /").read();
      assertEquals("hello GET", r.text());
      assertEquals("close", r.header("Connection"));
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void aHandlerThatThrowsGivesA500() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /boom HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertEquals(500, r.status());
      assertTrue(r.text().contains("\"error\":\"internal_error\""), r.text());
      assertEquals("hello GET", c.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
    }
  }

  @Test
  void aResponseThatDoesNotStartInTimeIsA503AndItsLateBodyIsCancelled() throws Exception {
    CompletableFuture<Done> lateBodyEnded = new CompletableFuture<>();
    handler.slow = new CompletableFuture<>();
    try (RawHttp c = new RawHttp(strict.localAddress().getPort())) {
      RawHttp.Response r = c.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertEquals(503, r.status());
      assertTrue(r.text().contains("\"error\":\"request_timeout\""), r.text());
      assertTrue(c.closedByServer());
    }
    handler.slow.complete(
        HttpResponse.create()
            .withEntity(
                HttpEntities.create(
                    ContentTypes.APPLICATION_OCTET_STREAM,
                    1_000_000L,
                    Source.repeat(ByteString.fromString("y")).watchTermination((m, done) -> {
                      done.whenComplete((d, e) -> lateBodyEnded.complete(Done.getInstance()));
                      return NotUsed.getInstance();
                    }))));
    lateBodyEnded.get(10, TimeUnit.SECONDS);
  }

  @Test
  void anIdleConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (RawHttp c = new RawHttp(strict.localAddress().getPort())) {
      assertEquals("hello GET", c.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().text());
      long start = System.nanoTime();
      assertTrue(c.closedByServer());
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(900), "closed before the idle timeout");
    }
  }

  @Test
  void aRequestHeadThatTricklesInIsCutOffWithA408() throws Exception {
    try (RawHttp c = new RawHttp(strict.localAddress().getPort())) {
      c.send("GET /text HTTP/1.1\r\nHost: a\r\n");
      RawHttp.Response r = c.read();
      assertEquals(408, r.status());
      assertTrue(r.text().contains("\"error\":\"request_timeout\""), r.text());
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void afterUnbindNewConnectionsAreRefusedWhileOpenOnesFinish() throws Exception {
    ContentServer leaving = ContentServer.bind("127.0.0.1", 0, handler, mat,
        new ContentServer.Limits(Duration.ofSeconds(60), Duration.ofSeconds(30), 10, "ispcache"));
    int port = leaving.localAddress().getPort();
    handler.slow = new CompletableFuture<>();
    handler.slowAsked = new CompletableFuture<>();
    try (RawHttp open = new RawHttp(port)) {
      assertEquals(200, open.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
      // A request in progress when the server stops listening is still answered.
      open.send("GET /slow HTTP/1.1\r\nHost: a\r\n\r\n");
      handler.slowAsked.get(10, TimeUnit.SECONDS);
      leaving.unbind().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThrows(java.net.ConnectException.class, () -> new Socket("127.0.0.1", port).close());
      handler.slow.complete(HttpResponse.create().withEntity("late but whole"));
      RawHttp.Response r = open.read();
      assertEquals("late but whole", r.text());
      assertEquals("close", r.header("Connection"), "a leaving server closes each connection after its response");
      assertTrue(open.closedByServer());
    } finally {
      leaving.terminate().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aGracefulEndLetsTheResponseBeingWrittenFinishAndClosesIdleConnections() throws Exception {
    ContentServer leaving = ContentServer.bind("127.0.0.1", 0, handler, mat,
        new ContentServer.Limits(Duration.ofSeconds(60), Duration.ofSeconds(30), 10, "ispcache"));
    int port = leaving.localAddress().getPort();
    try (RawHttp busy = new RawHttp(port); RawHttp idle = new RawHttp(port)) {
      assertEquals(200, idle.send("GET /text HTTP/1.1\r\nHost: a\r\n\r\n").read().status());
      // 64 MiB cannot sit in socket buffers: the server is still writing when the end begins.
      handler.bigAsked = new CompletableFuture<>();
      busy.send("GET /big HTTP/1.1\r\nHost: a\r\n\r\n");
      // Until the server has read it, the connection is between requests and may be closed.
      handler.bigAsked.get(10, TimeUnit.SECONDS);
      CompletionStage<Void> ended = leaving.terminate(Duration.ofSeconds(60));
      assertTrue(idle.closedByServer(), "a connection between requests is closed at once");
      RawHttp.Response r = busy.read();
      assertEquals(64 << 20, r.body().length);
      assertTrue(busy.closedByServer());
      ended.toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void theParserTakesRequestsThatArriveByteByByte() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      for (byte b : "GET /text?slow=1 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes(StandardCharsets.US_ASCII)) {
        c.socket.getOutputStream().write(b);
        c.socket.getOutputStream().flush();
      }
      assertEquals("slow=1", c.read().header("X-Seen"));
    }
  }

  @Test
  void aStreamedBodyThatEndsShortOrRunsLongClosesTheConnection() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /short HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertEquals("100", r.header("Content-Length"));
      assertEquals("0123456789abcdefghijABCDEFGHIJ", r.text(), "the bytes there were, then the end of the connection");
      assertTrue(c.closedByServer());
    }
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /long HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertTrue(r.body().length < 15, "a body longer than announced is cut, and the client sees it short");
      assertEquals("0123456789abcde".substring(0, r.body().length), r.text());
      assertTrue(c.closedByServer(), "no byte beyond the announced length reaches the client");
    }
  }

  @Test
  void aLargeRequestBodyIsDrainedSoTheResponseIsNotLostToAReset() throws Exception {
    int bodyLength = 8 << 20;
    try (RawHttp c = new RawHttp(port())) {
      c.send("GET /text HTTP/1.1\r\nHost: a\r\nContent-Length: " + bodyLength + "\r\n\r\n");
      CompletableFuture<Void> upload = CompletableFuture.runAsync(() -> {
        try {
          byte[] piece = new byte[64 * 1024];
          for (int sent = 0; sent < bodyLength; sent += piece.length) {
            c.socket.getOutputStream().write(piece);
          }
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      RawHttp.Response r = c.read();
      assertEquals("hello GET", r.text());
      assertEquals("close", r.header("Connection"));
      // The server reads and drops the body instead of resetting the connection under it.
      upload.get(20, TimeUnit.SECONDS);
      c.socket.shutdownOutput();
      assertTrue(c.closedByServer());
    }
  }
}
