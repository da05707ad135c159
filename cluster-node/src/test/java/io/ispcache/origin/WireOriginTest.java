package io.ispcache.origin;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.stream.Materializer;
import akka.stream.javadsl.Sink;
import akka.util.ByteString;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Fetches from origins over the node's own HTTP/1.1 connections: framing, reuse and faults. */
class WireOriginTest {
  static ActorTestKit kit;
  static Materializer mat;

  @BeforeAll
  static void start() {
    kit = ActorTestKit.create();
    mat = Materializer.matFromSystem(kit.system());
  }

  @AfterAll
  static void stop() {
    kit.shutdownTestKit();
  }

  static WireOrigin client(int port, int maxConnections, Duration responseTimeout) {
    return new WireOrigin(settings(port, maxConnections, responseTimeout), "ispcache-test");
  }

  static WireOrigin client(int port, int maxConnections, Duration responseTimeout, Duration idleTimeout) {
    OriginSettings s = settings(port, maxConnections, responseTimeout);
    return new WireOrigin(
        new OriginSettings(s.origins(), s.connectTimeout(), responseTimeout, idleTimeout, maxConnections), "ispcache-test");
  }

  static OriginSettings settings(int port, int maxConnections, Duration responseTimeout) {
    Origin origin =
        new Origin(
            "test",
            List.of(new HostPattern("origin.example.net")),
            Optional.of(InetSocketAddress.createUnresolved("127.0.0.1", port)),
            Optional.empty(),
            true,
            false);
    return new OriginSettings(List.of(origin), Duration.ofSeconds(2), responseTimeout, Duration.ofSeconds(2), maxConnections);
  }

  static OriginRequest request(WireOrigin c, int port, String path, long first, long last) {
    return new OriginRequest(settings(port, 1, Duration.ofSeconds(2)).origins().get(0), "origin.example.net", path, first, last);
  }

  static OriginReply await(CompletionStage<OriginReply> reply) throws Exception {
    return reply.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static ByteString body(OriginReply.Bytes bytes) throws Exception {
    return bytes.body().runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat).toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  static byte[] content(long seed, long offset, int length) {
    return TestContent.bytes(seed, offset, length);
  }

  @Test
  void rangesComeBackExactlyAndConnectionsAreReused() throws Exception {
    try (TestOrigin origin = new TestOrigin()) {
      origin.put("/a.bin", 5_000_000, 3, "application/octet-stream", "\"e1\"", "Tue, 03 Nov 2026 10:00:00 GMT");
      try (WireOrigin c = client(origin.port(), 4, Duration.ofSeconds(5))) {
        for (long first : new long[] {0, 2_000_000, 4_000_000}) {
          long last = Math.min(first + 1_999_999, 4_999_999);
          OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/a.bin", first, last)));
          assertEquals(5_000_000, r.object().length());
          assertEquals("\"e1\"", r.object().etag());
          assertEquals(first, r.first());
          assertEquals(last, r.last());
          assertArrayEquals(content(3, first, (int) (last - first + 1)), body(r).toArray());
        }
        assertEquals(1, origin.connectionsAccepted(), "one keep-alive connection for three sequential fetches");
      }
    }
  }

  /** An origin that answers each connection's requests with the scripted responses, in turn. */
  static final class Scripted implements AutoCloseable {
    final ServerSocket server;
    final AtomicInteger connections = new AtomicInteger();

    Scripted(Function<Integer, List<byte[]>> perConnection, boolean closeAfterScript) throws IOException {
      server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      Thread t = new Thread(() -> {
        while (!server.isClosed()) {
          try {
            Socket s = server.accept();
            int n = connections.incrementAndGet();
            Thread h = new Thread(() -> serve(s, perConnection.apply(n), closeAfterScript));
            h.setDaemon(true);
            h.start();
          } catch (IOException e) {
            return;
          }
        }
      });
      t.setDaemon(true);
      t.start();
    }

    private static void serve(Socket s, List<byte[]> responses, boolean close) {
      try (s) {
        InputStream in = s.getInputStream();
        for (byte[] response : responses) {
          readHead(in);
          s.getOutputStream().write(response);
          s.getOutputStream().flush();
        }
        if (!close) {
          while (in.read() >= 0) {
            // hold the connection open until the client closes it
          }
        }
      } catch (IOException ignored) {
        // the client went away
      }
    }

    private static void readHead(InputStream in) throws IOException {
      int matched = 0;
      byte[] end = {'\r', '\n', '\r', '\n'};
      while (matched < 4) {
        int c = in.read();
        if (c < 0) {
          throw new IOException("closed");
        }
        matched = c == end[matched] ? matched + 1 : (c == '\r' ? 1 : 0);
      }
    }

    int port() {
      return server.getLocalPort();
    }

    @Override
    public void close() throws IOException {
      server.close();
    }
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  static String ok206(String body, long first, long length) {
    return "HTTP/1.1 206 Partial Content\r\nContent-Length: " + body.length() + "\r\nContent-Range: bytes " + first + "-"
        + (first + body.length() - 1) + "/" + length + "\r\nETag: \"x\"\r\n\r\n" + body;
  }

  @Test
  void aChunkedNotFoundIsRelayedWithItsBody() throws Exception {
    try (Scripted origin = new Scripted(n -> List.of(ascii(
        "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\nX-Origin: yes\r\n\r\n"
            + "5\r\nhello\r\n6;ext=1\r\n world\r\n0\r\nTrailer: t\r\n\r\n")), true);
        WireOrigin c = client(origin.port(), 2, Duration.ofSeconds(5))) {
      OriginReply.Uncacheable r = (OriginReply.Uncacheable) await(c.fetch(request(c, origin.port(), "/missing", 0, 99)));
      assertEquals(404, r.response().status().intValue());
      assertEquals("yes", r.response().getHeader("X-Origin").orElseThrow().value());
      assertTrue(r.response().entity().getContentType().toString().startsWith("text/plain"), r.response().entity().getContentType().toString());
      ByteString bytes = r.response().entity().getDataBytes()
          .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals("hello world", bytes.utf8String());
    }
  }

  @Test
  void aPooledConnectionTheOriginClosedIsReplacedWithoutFailingTheFetch() throws Exception {
    // Each connection answers one request and then closes, without saying so.
    try (Scripted origin = new Scripted(n -> List.of(ascii(ok206("abcd", 0, 10))), true);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      for (int i = 0; i < 3; i++) {
        OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/p", 0, 3)));
        assertEquals("abcd", body(r).utf8String());
      }
      assertEquals(3, origin.connections.get());
    }
  }

  @Test
  void malformedAnswersAreBadResponses() throws Exception {
    String[] answers = {
      "SPDY/3 200 OK\r\n\r\n",
      "HTTP/1.1 2x0 OK\r\n\r\n",
      "HTTP/1.1 206 Partial\r\nContent-Length: -4\r\n\r\n",
      "HTTP/1.1 206 Partial\r\nno colon here\r\n\r\n",
      "HTTP/1.1 206 Partial\r\nX-Split: a\u0001b\r\nContent-Length: 4\r\n\r\nabcd",
      "HTTP/1.1 206 Partial\r\nContent-Length: 4\r\nContent-Range: bytes 5-8/10\r\n\r\nabcd",
      "HTTP/1.1 206 Partial\r\nContent-Length: 3\r\nContent-Range: bytes 0-3/10\r\n\r\nabc",
    };
    for (String answer : answers) {
      try (Scripted origin = new Scripted(n -> List.of(ascii(answer)), true);
          WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(5))) {
        ExecutionException e =
            org.junit.jupiter.api.Assertions.assertThrows(
                ExecutionException.class, () -> await(c.fetch(request(c, origin.port(), "/m", 0, 3))), answer);
        OriginException oe = assertInstanceOf(OriginException.class, e.getCause(), answer);
        assertEquals(OriginException.Kind.BAD_RESPONSE, oe.kind(), answer);
        assertEquals(502, oe.status());
      }
    }
  }

  @Test
  void aBodyCutShortFailsTheStreamAsUnreachable() throws Exception {
    try (Scripted origin = new Scripted(n -> List.of(ascii(
        "HTTP/1.1 206 Partial\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/10\r\n\r\nabc")), true);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/short", 0, 9)));
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> body(r));
      OriginException oe = assertInstanceOf(OriginException.class, e.getCause());
      assertEquals(OriginException.Kind.UNREACHABLE, oe.kind());
      assertTrue(oe.getMessage().contains("mid-body"), oe.getMessage());
    }
  }

  @Test
  void whenEveryConnectionStaysBusyAFetchTimesOutAndTheSlotIsFreedByTheBody() throws Exception {
    String big = "x".repeat(4 << 20);
    try (Scripted origin = new Scripted(n -> List.of(ascii(ok206(big, 0, big.length())), ascii(ok206("abcd", 0, 10))), false);
        WireOrigin c = client(origin.port(), 1, Duration.ofMillis(500))) {
      OriginReply.Bytes held = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/big", 0, big.length() - 1)));
      ExecutionException e =
          org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> await(c.fetch(request(c, origin.port(), "/small", 0, 3))));
      assertEquals(OriginException.Kind.TIMEOUT, assertInstanceOf(OriginException.class, e.getCause()).kind());
      assertEquals(big.length(), body(held).size());
      OriginReply.Bytes next = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/small", 0, 3)));
      assertEquals("abcd", body(next).utf8String());
      assertEquals(1, origin.connections.get(), "the freed connection was reused");
    }
  }

  @Test
  void anUnknownStatusIsRelayedWithItsCodeAndASmallBodyFreesTheConnectionAtOnce() throws Exception {
    try (Scripted origin = new Scripted(
        n -> List.of(ascii("HTTP/1.1 449 Retry With\r\nContent-Length: 3\r\n\r\nabc"), ascii(ok206("abcd", 0, 10))), false);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Uncacheable odd = (OriginReply.Uncacheable) await(c.fetch(request(c, origin.port(), "/odd", 0, 3)));
      assertEquals(449, odd.response().status().intValue());
      // Its body is not read yet, and the one connection is free for the next fetch all the same.
      OriginReply.Bytes next = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/p", 0, 3)));
      assertEquals("abcd", body(next).utf8String());
      ByteString oddBody = odd.response().entity().getDataBytes()
          .runWith(Sink.fold(ByteString.emptyByteString(), ByteString::concat), mat).toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertEquals("abc", oddBody.utf8String());
      assertEquals(1, origin.connections.get());
    }
  }

  @Test
  void anOriginBodyCanBeReadOnlyOnce() throws Exception {
    try (Scripted origin = new Scripted(n -> List.of(ascii(ok206("abcd", 0, 10))), false);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/p", 0, 3)));
      assertEquals("abcd", body(r).utf8String());
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> body(r));
      assertTrue(e.getCause().getMessage().contains("only once"), e.getCause().getMessage());
    }
  }

  /** Collects a pumped body: its pieces, the thread they came on, and how it ended. */
  static class Collected implements DirectBody.Receiver {
    final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    final java.util.concurrent.CompletableFuture<ByteString> ended = new java.util.concurrent.CompletableFuture<>();
    volatile String thread;

    @Override
    public void piece(ByteString piece) {
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

  @Test
  void aPumpedBodyArrivesWholeOnTheFetchingThreadAndItsConnectionIsReused() throws Exception {
    String big = "0123456789abcdef".repeat(256 * 1024); // 4 MiB: many pieces
    try (Scripted origin = new Scripted(n -> List.of(ascii(ok206(big, 0, big.length())), ascii(ok206("abcd", 0, 10))), false);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/big", 0, big.length() - 1)));
      Collected got = new Collected();
      assertTrue(r.direct().pump(got));
      assertEquals(big, got.await().utf8String());
      assertTrue(got.thread.startsWith("ispcache-origin-"), got.thread);
      OriginReply.Bytes next = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/small", 0, 3)));
      assertEquals("abcd", body(next).utf8String());
      assertEquals(1, origin.connections.get(), "the pumped body gave its connection back");
    }
  }

  @Test
  void aPumpedBodyCutShortFailsItsReceiverAsUnreachable() throws Exception {
    try (Scripted origin = new Scripted(n -> List.of(ascii(
        "HTTP/1.1 206 Partial\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/10\r\n\r\nabc")), true);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/short", 0, 9)));
      Collected got = new Collected();
      assertTrue(r.direct().pump(got));
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, got::await);
      assertEquals(OriginException.Kind.UNREACHABLE, assertInstanceOf(OriginException.class, e.getCause()).kind());
      assertEquals("abc", got.bytes.toString(StandardCharsets.ISO_8859_1));
    }
  }

  @Test
  void aReceiverThatThrowsStopsTheBodyAndItsConnectionIsNotReused() throws Exception {
    String big = "x".repeat(1 << 20);
    try (Scripted origin = new Scripted(
        n -> n == 1 ? List.of(ascii(ok206(big, 0, big.length()))) : List.of(ascii(ok206("abcd", 0, 10))), false);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/big", 0, big.length() - 1)));
      IllegalStateException full = new IllegalStateException("disk full");
      Collected got = new Collected() {
        @Override
        public void piece(ByteString piece) {
          throw full;
        }
      };
      assertTrue(r.direct().pump(got));
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, got::await);
      assertEquals(full, e.getCause());
      // The rest of the body is still on that connection: the next fetch needs a new one.
      OriginReply.Bytes next = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/small", 0, 3)));
      assertEquals("abcd", body(next).utf8String());
      assertEquals(2, origin.connections.get());
    }
  }

  @Test
  void aBodyIsEitherStreamedOrPumpedNeverBoth() throws Exception {
    try (Scripted origin = new Scripted(n -> List.of(ascii(ok206("abcd", 0, 10)), ascii(ok206("efgh", 4, 10))), false);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Bytes streamed = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/p", 0, 3)));
      assertEquals("abcd", body(streamed).utf8String());
      assertEquals(false, streamed.direct().pump(new Collected()));
      OriginReply.Bytes pumped = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/p", 4, 7)));
      Collected got = new Collected();
      assertTrue(pumped.direct().pump(got));
      assertEquals("efgh", got.await().utf8String());
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, () -> body(pumped));
      assertTrue(e.getCause().getMessage().contains("only once"), e.getCause().getMessage());
    }
  }

  /** Takes a pumped body into rooms of its own (direct memory, as a fill's staging buffer is). */
  static class Rooms extends Collected {
    final java.util.concurrent.atomic.AtomicInteger handedOut = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger answered = new java.util.concurrent.atomic.AtomicInteger();

    @Override
    public java.nio.ByteBuffer room() {
      handedOut.incrementAndGet();
      return java.nio.ByteBuffer.allocateDirect(100_000).position(7);
    }

    @Override
    public void filled(java.nio.ByteBuffer room, int n) {
      answered.incrementAndGet();
      thread = Thread.currentThread().getName();
      assertEquals(7 + n, room.position(), "the bytes land after the room's position");
      byte[] b = new byte[n];
      room.get(7, b);
      bytes.writeBytes(b);
    }

    @Override
    public void piece(ByteString piece) {
      throw new AssertionError("a body of known length is read into rooms, not handed over in pieces");
    }
  }

  @Test
  void aPumpedBodyOfKnownLengthIsReadIntoTheReceiversRoomsAndItsConnectionIsReused() throws Exception {
    String big = "0123456789abcdef".repeat(256 * 1024); // 4 MiB: many rooms
    try (Scripted origin = new Scripted(n -> List.of(ascii(ok206(big, 0, big.length())), ascii(ok206("abcd", 0, 10))), false);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(2))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/big", 0, big.length() - 1)));
      Rooms got = new Rooms();
      assertTrue(r.direct().pump(got));
      assertEquals(big, got.await().utf8String());
      assertTrue(got.thread.startsWith("ispcache-origin-"), got.thread);
      assertEquals(got.handedOut.get(), got.answered.get(), "every room handed out was answered");
      OriginReply.Bytes next = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/small", 0, 3)));
      assertEquals("abcd", body(next).utf8String());
      assertEquals(1, origin.connections.get(), "the pumped body gave its connection back");
    }
  }

  @Test
  void aBodyThatStallsWhileReadIntoARoomTimesOutAndTheRoomIsAnswered() throws Exception {
    try (Scripted origin = new Scripted(n -> List.of(ascii(
        "HTTP/1.1 206 Partial\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/10\r\n\r\nabc")), false);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(5), Duration.ofMillis(300))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/stall", 0, 9)));
      Rooms got = new Rooms();
      assertTrue(r.direct().pump(got));
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, got::await);
      assertEquals(OriginException.Kind.TIMEOUT, assertInstanceOf(OriginException.class, e.getCause()).kind());
      assertEquals("abc", got.bytes.toString(StandardCharsets.ISO_8859_1));
      assertEquals(got.handedOut.get(), got.answered.get(), "the room of the read that timed out was answered too");
    }
  }

  @Test
  void closingTheClientBreaksOffABodyBeingPumped() throws Exception {
    // The origin sends a part of the body and then nothing, keeping the connection open.
    try (Scripted origin = new Scripted(n -> List.of(ascii(
        "HTTP/1.1 206 Partial\r\nContent-Length: 10\r\nContent-Range: bytes 0-9/10\r\n\r\nabc")), false)) {
      // A read timeout far beyond the test's wait: only the close can end the body.
      try (WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(60), Duration.ofSeconds(120))) {
        OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/stall", 0, 9)));
        java.util.concurrent.CountDownLatch first = new java.util.concurrent.CountDownLatch(1);
        Collected got = new Collected() {
          @Override
          public void piece(ByteString piece) {
            super.piece(piece);
            first.countDown();
          }
        };
        assertTrue(r.direct().pump(got));
        assertTrue(first.await(10, TimeUnit.SECONDS));
        c.close();
        ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, got::await);
        assertEquals(OriginException.Kind.UNREACHABLE, assertInstanceOf(OriginException.class, e.getCause()).kind());
      }
    }
  }

  @Test
  void aBodyPumpedAfterTheClientClosedFailsItsReceiver() throws Exception {
    try (Scripted origin = new Scripted(n -> List.of(ascii(ok206("abcd", 0, 10))), false)) {
      WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(2));
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/p", 0, 3)));
      c.close();
      Collected got = new Collected();
      assertTrue(r.direct().pump(got));
      ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class, got::await);
      assertEquals(OriginException.Kind.UNREACHABLE, assertInstanceOf(OriginException.class, e.getCause()).kind());
    }
  }

  @Test
  void aRangeAnsweredWithoutContentLengthEndsWithTheConnectionAndArrivesWhole() throws Exception {
    String bytes = "0123456789".repeat(30_000);
    try (Scripted origin = new Scripted(n -> List.of(ascii(
        "HTTP/1.1 206 Partial\r\nContent-Range: bytes 0-" + (bytes.length() - 1) + "/" + bytes.length()
            + "\r\nConnection: close\r\n\r\n" + bytes)), true);
        WireOrigin c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(c, origin.port(), "/noLength", 0, bytes.length() - 1)));
      Collected got = new Collected();
      assertTrue(r.direct().pump(got));
      assertEquals(bytes, got.await().utf8String());
    }
  }
}
