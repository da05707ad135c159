package io.ispcache.origin;

import static io.ispcache.origin.ScriptedOrigin.ok206;
import static io.ispcache.origin.ScriptedOrigin.send;
import static io.ispcache.origin.ScriptedOrigin.sendAndClose;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fetches from origins over the Netty client: exact ranges, relayed answers, pooled connections, bodies. */
class OriginClientTest {
  static ActorTestKit kit;
  static Materializer mat;
  static ExecutorService fillThreads;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
    mat = Materializer.matFromSystem(kit.system());
    AtomicInteger n = new AtomicInteger();
    fillThreads = Executors.newFixedThreadPool(4, r -> {
      Thread t = new Thread(r, "test-fill-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
  }

  @AfterAll
  static void stop() {
    fillThreads.shutdownNow();
    kit.shutdownTestKit();
  }

  static Origin origin(int port) {
    return new Origin(
        "test",
        List.of(new HostPattern("origin.example.net"), new HostPattern("*.wild.example.net")),
        Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", port)),
        Optional.empty(),
        true,
        false);
  }

  static OriginClient client(int port, int maxConnections, Duration responseTimeout) {
    return client(port, maxConnections, responseTimeout, Duration.ofSeconds(2), Duration.ofSeconds(30));
  }

  static OriginClient client(int port, int maxConnections, Duration responseTimeout, Duration idleTimeout, Duration exchangeTimeout) {
    OriginSettings s =
        new OriginSettings(List.of(origin(port)), Duration.ofSeconds(2), responseTimeout, idleTimeout, maxConnections, exchangeTimeout);
    return new OriginClient(s, fillThreads, mat);
  }

  static OriginRequest request(int port, String path, long first, long last) {
    return new OriginRequest(origin(port), "origin.example.net", path, first, last);
  }

  static OriginReply await(CompletionStage<OriginReply> reply) throws Exception {
    return reply.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static OriginException failure(CompletionStage<?> stage) {
    ExecutionException e = assertThrows(ExecutionException.class, () -> stage.toCompletableFuture().get(10, TimeUnit.SECONDS));
    return assertInstanceOf(OriginException.class, e.getCause());
  }

  static ByteString body(OriginReply.Bytes bytes) throws Exception {
    return bytes.body().runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static ByteString entity(OriginReply.Uncacheable r) throws Exception {
    return r.response().entity().getDataBytes()
        .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void rangesComeBackExactlyAndConnectionsAreReused() throws Exception {
    try (TestOrigin origin = new TestOrigin()) {
      origin.put("/a.bin", 5_000_000, 3, "application/octet-stream", "\"e1\"", "Tue, 03 Nov 2026 10:00:00 GMT");
      try (OriginClient c = client(origin.port(), 4, Duration.ofSeconds(5))) {
        for (long first : new long[] {0, 2_000_000, 4_000_000}) {
          long last = Math.min(first + 1_999_999, 4_999_999);
          OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a.bin", first, last)));
          assertEquals(5_000_000, r.object().length());
          assertEquals("\"e1\"", r.object().etag());
          assertEquals(first, r.first());
          assertEquals(last, r.last());
          assertArrayEquals(TestContent.bytes(3, first, (int) (last - first + 1)), body(r).toArray());
        }
        assertEquals(1, origin.connectionsAccepted(), "one keep-alive connection for three sequential fetches");
      }
    }
  }

  @Test
  void aChunkedNotFoundIsRelayedWithItsBody() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(sendAndClose(
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nX-Origin: yes\r\n\r\n"
                + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: t\r\n\r\n")));
        OriginClient c = client(origin.port(), 2, Duration.ofSeconds(5))) {
      OriginReply.Uncacheable r = (OriginReply.Uncacheable) await(c.fetch(request(origin.port(), "/missing", 0, 99)));
      assertEquals(404, r.response().status().intValue());
      assertEquals("yes", r.response().getHeader("X-Origin").orElseThrow().value());
      assertTrue(r.response().entity().getContentType().toString().startsWith("text/plain"));
      assertEquals("hello world", entity(r).utf8String());
    }
  }

  @Test
  void aPooledConnectionTheOriginClosedIsReplacedWithoutFailingTheFetch() throws Exception {
    // Each connection answers one request and then closes, without saying so.
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(sendAndClose(ok206("abcd", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      for (int i = 0; i < 3; i++) {
        OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/p", 0, 3)));
        assertEquals("abcd", body(r).utf8String());
      }
      assertEquals(3, origin.connections.get());
    }
  }

  @Test
  void whenEveryConnectionStaysBusyAFetchTimesOutAndTheSlotIsFreedByTheBody() throws Exception {
    String big = "x".repeat(4 << 20);
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(ok206(big, 0, big.length())), send(ok206("abcd", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofMillis(500))) {
      OriginReply.Bytes held = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/big", 0, big.length() - 1)));
      assertEquals(OriginException.Kind.TIMEOUT, failure(c.fetch(request(origin.port(), "/small", 0, 3))).kind());
      assertEquals(big.length(), body(held).size());
      OriginReply.Bytes next = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/small", 0, 3)));
      assertEquals("abcd", body(next).utf8String());
      assertEquals(1, origin.connections.get(), "the freed connection was reused");
    }
  }

  @Test
  void anUnknownStatusIsRelayedWithItsCodeAndASmallBodyFreesTheConnectionAtOnce() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(
            n -> List.of(send("HTTP/1.1 449 Retry With\r\nContent-Length: 3\r\n\r\nabc"), send(ok206("abcd", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Uncacheable odd = (OriginReply.Uncacheable) await(c.fetch(request(origin.port(), "/odd", 0, 3)));
      assertEquals(449, odd.response().status().intValue());
      OriginReply.Bytes next = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/p", 0, 3)));
      assertEquals("abcd", body(next).utf8String());
      assertEquals("abc", entity(odd).utf8String());
      assertEquals(1, origin.connections.get());
    }
  }

  /** Collects a pumped body: its pieces, the thread they came on, and how it ended. */
  static class Collected implements DirectBody.Receiver {
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    final CompletableFuture<ByteString> ended = new CompletableFuture<>();
    volatile String thread;

    @Override
    public synchronized void piece(ByteString piece) {
      thread = Thread.currentThread().getName();
      bytes.writeBytes(piece.toArray());
    }

    @Override
    public void end() {
      ended.complete(ByteString.fromArray(bytes.toByteArray()));
    }

    @Override
    public void failed(Throwable cause) {
      ended.completeExceptionally(cause);
    }

    ByteString await() throws Exception {
      return ended.get(10, TimeUnit.SECONDS);
    }
  }

  /** Takes a pumped body into rooms of its own (direct memory, as a fill's buffer is). */
  static class Rooms extends Collected {
    final AtomicInteger handedOut = new AtomicInteger();
    final AtomicInteger answered = new AtomicInteger();

    @Override
    public java.nio.ByteBuffer room() {
      handedOut.incrementAndGet();
      return java.nio.ByteBuffer.allocateDirect(100_000).position(7);
    }

    @Override
    public synchronized void filled(java.nio.ByteBuffer room, int n) {
      answered.incrementAndGet();
      thread = Thread.currentThread().getName();
      assertEquals(7 + n, room.position(), "the bytes land after the room's position");
      byte[] b = new byte[n];
      room.get(7, b);
      bytes.writeBytes(b);
    }

    @Override
    public void piece(ByteString piece) {
      throw new AssertionError("a receiver with rooms gets the bytes in them, not in pieces");
    }
  }

  @Test
  void aPumpedBodyArrivesWholeOnAFillThreadAndItsConnectionIsReused() throws Exception {
    String big = "0123456789abcdef".repeat(256 * 1024); // 4 MiB: many pieces
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(ok206(big, 0, big.length())), send(ok206("abcd", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/big", 0, big.length() - 1)));
      Collected got = new Collected();
      assertTrue(r.direct().pump(got));
      assertEquals(big, got.await().utf8String());
      assertTrue(got.thread.startsWith("test-fill-"), got.thread);
      OriginReply.Bytes next = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/small", 0, 3)));
      assertEquals("abcd", body(next).utf8String());
      assertEquals(1, origin.connections.get(), "the pumped body gave its connection back");
    }
  }

  @Test
  void aPumpedBodyIsReadIntoTheReceiversRoomsAndEveryRoomIsAnswered() throws Exception {
    String big = "0123456789abcdef".repeat(256 * 1024);
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(ok206(big, 0, big.length())), send(ok206("abcd", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/big", 0, big.length() - 1)));
      Rooms got = new Rooms();
      assertTrue(r.direct().pump(got));
      assertEquals(big, got.await().utf8String());
      assertEquals(got.handedOut.get(), got.answered.get(), "every room handed out was answered");
      assertEquals("abcd", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/small", 0, 3)))).utf8String());
      assertEquals(1, origin.connections.get());
    }
  }

  @Test
  void aPumpedBodyCutShortFailsItsReceiverAsUnreachable() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(sendAndClose(
            "HTTP/1.1 206 Partial\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/10\r\n\r\nabc")));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/short", 0, 9)));
      Collected got = new Collected();
      assertTrue(r.direct().pump(got));
      ExecutionException e = assertThrows(ExecutionException.class, got::await);
      OriginException oe = assertInstanceOf(OriginException.class, e.getCause());
      assertEquals(OriginException.Kind.UNREACHABLE, oe.kind());
      assertTrue(oe.getMessage().contains("mid-body"), oe.getMessage());
      assertEquals("abc", got.bytes.toString(StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void aStreamedBodyCutShortFailsTheStream() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(sendAndClose(
            "HTTP/1.1 206 Partial\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/10\r\n\r\nabc")));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/short", 0, 9)));
      ExecutionException e = assertThrows(ExecutionException.class, () -> body(r));
      assertEquals(OriginException.Kind.UNREACHABLE, assertInstanceOf(OriginException.class, e.getCause()).kind());
    }
  }

  @Test
  void aReceiverThatThrowsStopsTheBodyAndItsConnectionIsNotReused() throws Exception {
    // Larger than what the client reads ahead of its consumer: most of it is still on the connection.
    String big = "x".repeat(8 * OriginBody.HIGH_WATER);
    try (ScriptedOrigin origin = new ScriptedOrigin(
            n -> n == 1 ? List.of(send(ok206(big, 0, big.length()))) : List.of(send(ok206("abcd", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/big", 0, big.length() - 1)));
      IllegalStateException full = new IllegalStateException("disk full");
      Collected got = new Collected() {
        @Override
        public void piece(ByteString piece) {
          throw full;
        }
      };
      assertTrue(r.direct().pump(got));
      ExecutionException e = assertThrows(ExecutionException.class, got::await);
      assertEquals(full, e.getCause());
      OriginReply.Bytes next = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/small", 0, 3)));
      assertEquals("abcd", body(next).utf8String());
      assertEquals(2, origin.connections.get(), "the rest of the body was on that connection: it was closed");
    }
  }

  @Test
  void aBodyIsEitherStreamedOrPumpedNeverBoth() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(ok206("abcd", 0, 10)), send(ok206("efgh", 4, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Bytes streamed = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/p", 0, 3)));
      assertEquals("abcd", body(streamed).utf8String());
      assertFalse(streamed.direct().pump(new Collected()));
      OriginReply.Bytes pumped = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/p", 4, 7)));
      Collected got = new Collected();
      assertTrue(pumped.direct().pump(got));
      assertEquals("efgh", got.await().utf8String());
      assertThrows(ExecutionException.class, () -> body(pumped));
    }
  }

  @Test
  void aBodyThatStallsTimesOutAfterTheIdleTimeout() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(
            "HTTP/1.1 206 Partial\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/10\r\n\r\nabc")));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(30))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/stall", 0, 9)));
      Rooms got = new Rooms();
      assertTrue(r.direct().pump(got));
      ExecutionException e = assertThrows(ExecutionException.class, got::await);
      assertEquals(OriginException.Kind.TIMEOUT, assertInstanceOf(OriginException.class, e.getCause()).kind());
      assertEquals("abc", got.bytes.toString(StandardCharsets.ISO_8859_1));
      assertEquals(got.handedOut.get(), got.answered.get());
    }
  }

  @Test
  void closingTheClientBreaksOffABodyBeingPumped() throws Exception {
    // The origin sends a part of the body and then nothing, keeping the connection open; the idle
    // timeout is far beyond the test's wait, so only the close can end the body.
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(
            "HTTP/1.1 206 Partial\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/10\r\n\r\nabc")))) {
      OriginClient c = client(origin.port(), 1, Duration.ofSeconds(60), Duration.ofSeconds(120), Duration.ofSeconds(120));
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/stall", 0, 9)));
      CompletableFuture<Void> first = new CompletableFuture<>();
      Collected got = new Collected() {
        @Override
        public synchronized void piece(ByteString piece) {
          super.piece(piece);
          first.complete(null);
        }
      };
      assertTrue(r.direct().pump(got));
      first.get(10, TimeUnit.SECONDS);
      c.close();
      ExecutionException e = assertThrows(ExecutionException.class, got::await);
      assertEquals(OriginException.Kind.UNREACHABLE, assertInstanceOf(OriginException.class, e.getCause()).kind());
    }
  }

  @Test
  void aRangeAnsweredWithoutContentLengthEndsWithTheConnectionAndArrivesWhole() throws Exception {
    String bytes = "0123456789".repeat(30_000);
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(sendAndClose(
            "HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-" + (bytes.length() - 1) + "/" + bytes.length()
                + "\r\nConnection: close\r\n\r\n" + bytes)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/noLength", 0, bytes.length() - 1)));
      Collected got = new Collected();
      assertTrue(r.direct().pump(got));
      assertEquals(bytes, got.await().utf8String());
    }
  }
}
