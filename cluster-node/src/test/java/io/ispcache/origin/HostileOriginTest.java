package io.ispcache.origin;

import static io.ispcache.origin.OriginClientTest.await;
import static io.ispcache.origin.OriginClientTest.body;
import static io.ispcache.origin.OriginClientTest.client;
import static io.ispcache.origin.OriginClientTest.entity;
import static io.ispcache.origin.OriginClientTest.failure;
import static io.ispcache.origin.OriginClientTest.request;
import static io.ispcache.origin.ScriptedOrigin.drip;
import static io.ispcache.origin.ScriptedOrigin.ok206;
import static io.ispcache.origin.ScriptedOrigin.send;
import static io.ispcache.origin.ScriptedOrigin.sendAndClose;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import io.ispcache.origin.OriginClientTest.Collected;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The answers an attacker who controls one upstream answer could send (the origin link is plain
 * HTTP): each is refused or bounded, nothing wrong is handed on as a chunk's bytes, the next
 * fetch gets the right bytes, and threads, connections and pools go back to where they were.
 */
class HostileOriginTest {
  static final String ABCD = ok206("abcd", 0, 10);

  @BeforeAll
  static void start() {
    OriginClientTest.start();
  }

  @AfterAll
  static void stop() {
    OriginClientTest.stop();
  }

  static OriginException.Kind kindOf(CompletionStage<?> stage) {
    return failure(stage).kind();
  }

  @Test
  void bytesAfterALengthFramedBodyCloseTheConnectionAndNeverReachTheNextFetch() throws Exception {
    // A 4-byte 206 followed at once by a second, unsolicited response on the same connection.
    String smuggled = ABCD + "HTTP/1.1 206 Partial Content\r\nContent-Length: 4\r\nContent-Range: bytes 0-3/10\r\n\r\nEVIL";
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> n == 1 ? List.of(send(smuggled)) : List.of(send(ok206("wxyz", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      assertEquals("abcd", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)))).utf8String());
      assertEquals("wxyz", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/b", 0, 3)))).utf8String());
      assertEquals(2, origin.connections.get(), "the connection that talked out of turn was not reused");
    }
  }

  @Test
  void partOfAHeadAfterABodyClosesTheConnectionToo() throws Exception {
    // Not a whole message yet: it would wait in the decoder and answer the next request.
    String partial = ABCD + "HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 0-3/10\r\n";
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> n == 1 ? List.of(send(partial)) : List.of(send(ok206("wxyz", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      assertEquals("abcd", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)))).utf8String());
      assertEquals("wxyz", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/b", 0, 3)))).utf8String());
      assertEquals(2, origin.connections.get());
    }
  }

  @Test
  void aRelayedBodyIsReadAtItsClientsPaceBeyondTheChunkDeadline() throws Exception {
    String half = "y".repeat(70_000);
    ScriptedOrigin.Step slowRelay = out -> {
      send("HTTP/1.1 404 Not Found\r\nContent-Length: " + (2 * half.length()) + "\r\n\r\n" + half).answer(out);
      Thread.sleep(1_200); // the origin's own pace, beyond the exchange timeout below
      send(half).answer(out);
    };
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(slowRelay));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(800))) {
      OriginReply.Uncacheable r = (OriginReply.Uncacheable) await(c.fetch(request(origin.port(), "/big404", 0, 3)));
      assertEquals(404, r.response().status().intValue());
      assertEquals(2 * half.length(), entity(r).size());
    }
  }

  @Test
  void aResponseOnAnIdleConnectionClosesIt() throws Exception {
    String late = "HTTP/1.1 206 Partial Content\r\nContent-Length: 4\r\nContent-Range: bytes 0-3/10\r\n\r\nEVIL";
    // The origin answers, then sends an answer to nothing while the connection sits in the pool.
    ScriptedOrigin.Step answerThenTalk = out -> {
      send(ABCD).answer(out);
      Thread.sleep(100); // the origin's own pace: the client has the connection back in its pool by then
      send(late).answer(out);
    };
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> n == 1 ? List.of(answerThenTalk) : List.of(send(ok206("wxyz", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      assertEquals("abcd", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)))).utf8String());
      await().atMost(Duration.ofSeconds(10)).until(() -> origin.clientClosed.get() == 1);
      assertEquals("wxyz", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/b", 0, 3)))).utf8String());
      assertEquals(2, origin.connections.get());
    }
  }

  @Test
  void aChunkedRangeLongerThanItsContentRangeFailsAndTheConnectionIsClosed() throws Exception {
    String tooLong = "HTTP/1.1 206 Partial\r\nTransfer-Encoding: chunked\r\nContent-Range: bytes 0-3/10\r\n\r\n6\r\nabcdef\r\n0\r\n\r\n";
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> n == 1 ? List.of(send(tooLong)) : List.of(send(ok206("wxyz", 0, 10))));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)));
      Collected got = new Collected();
      r.direct().pump(got);
      ExecutionException e = assertThrows(ExecutionException.class, got::await);
      assertEquals(OriginException.Kind.BAD_RESPONSE, assertInstanceOf(OriginException.class, e.getCause()).kind());
      assertEquals("wxyz", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/b", 0, 3)))).utf8String());
      assertEquals(2, origin.connections.get());
    }
  }

  @Test
  void aChunkedRangeShorterThanItsContentRangeFails() throws Exception {
    String tooShort = "HTTP/1.1 206 Partial\r\nTransfer-Encoding: chunked\r\nContent-Range: bytes 0-3/10\r\n\r\n2\r\nab\r\n0\r\n\r\n";
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(tooShort)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)));
      Collected got = new Collected();
      r.direct().pump(got);
      ExecutionException e = assertThrows(ExecutionException.class, got::await);
      assertEquals(OriginException.Kind.BAD_RESPONSE, assertInstanceOf(OriginException.class, e.getCause()).kind());
    }
  }

  @Test
  void emptyRedirectsAndNotFoundsAreRelayedWithTheirStatusAndHeaders() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(
            send("HTTP/1.1 302 Found\r\nLocation: http://elsewhere.example/x\r\nContent-Length: 0\r\n\r\n"),
            send("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nX-Why: gone\r\n\r\n"),
            send("HTTP/1.1 204 No Content\r\nX-Empty: yes\r\n\r\n"),
            send("HTTP/1.1 503 Service Unavailable\r\nRetry-After: 7\r\nContent-Length: 4\r\n\r\nbusy"),
            send(ABCD)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Uncacheable redirect = (OriginReply.Uncacheable) await(c.fetch(request(origin.port(), "/r", 0, 3)));
      assertEquals(302, redirect.response().status().intValue());
      assertEquals("http://elsewhere.example/x", redirect.response().getHeader("Location").orElseThrow().value());
      assertEquals(0, entity(redirect).size());
      OriginReply.Uncacheable missing = (OriginReply.Uncacheable) await(c.fetch(request(origin.port(), "/m", 0, 3)));
      assertEquals(404, missing.response().status().intValue());
      assertEquals("gone", missing.response().getHeader("X-Why").orElseThrow().value());
      assertEquals(0, entity(missing).size());
      OriginReply.Uncacheable empty = (OriginReply.Uncacheable) await(c.fetch(request(origin.port(), "/e", 0, 3)));
      assertEquals(204, empty.response().status().intValue());
      assertEquals("yes", empty.response().getHeader("X-Empty").orElseThrow().value());
      OriginReply.Uncacheable busy = (OriginReply.Uncacheable) await(c.fetch(request(origin.port(), "/b", 0, 3)));
      assertEquals(503, busy.response().status().intValue());
      assertEquals("7", busy.response().getHeader("Retry-After").orElseThrow().value());
      assertEquals("busy", entity(busy).utf8String());
      assertEquals("abcd", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)))).utf8String());
      assertEquals(1, origin.connections.get(), "every empty or small relayed answer left its connection reusable");
    }
  }

  @Test
  void hopByHopFieldsAndTheOnesConnectionNamesAreNotRelayed() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(
            "HTTP/1.1 404 Not Found\r\nConnection: X-Private, keep-alive\r\nX-Private: secret\r\nKeep-Alive: timeout=5\r\n"
                + "Proxy-Authenticate: Basic\r\nUpgrade: h2c\r\nX-Public: ok\r\nContent-Length: 0\r\n\r\n")));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Uncacheable r = (OriginReply.Uncacheable) await(c.fetch(request(origin.port(), "/h", 0, 3)));
      assertEquals("ok", r.response().getHeader("X-Public").orElseThrow().value());
      for (String gone : List.of("X-Private", "Keep-Alive", "Proxy-Authenticate", "Upgrade", "Connection")) {
        assertTrue(r.response().getHeader(gone).isEmpty(), gone);
      }
    }
  }

  @Test
  void aHeadSentOneByteAtATimeTimesOutAtTheResponseTimeoutAndTheConnectionIsDropped() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(drip(ABCD, 150)));
        OriginClient c = client(origin.port(), 1, Duration.ofMillis(600))) {
      long started = System.nanoTime();
      assertEquals(OriginException.Kind.TIMEOUT, kindOf(c.fetch(request(origin.port(), "/slow", 0, 3))));
      long millis = (System.nanoTime() - started) / 1_000_000;
      assertTrue(millis < 5_000, "a whole-head deadline, not one per byte: " + millis + " ms");
      await().atMost(Duration.ofSeconds(10)).until(() -> origin.clientClosed.get() == 1);
    }
  }

  @Test
  void endlessInterimResponsesAreCappedAndSlowOnesMeetTheHeadDeadline() throws Exception {
    String continues = "HTTP/1.1 100 Continue\r\n\r\n".repeat(ExchangeHandler.MAX_INTERIM + 1) + ABCD;
    ScriptedOrigin.Step slowContinues = out -> {
      for (int i = 0; i < 100; i++) {
        send("HTTP/1.1 100 Continue\r\n\r\n").answer(out);
        Thread.sleep(100); // the origin's own pace
      }
    };
    try (ScriptedOrigin many = new ScriptedOrigin(n -> List.of(send(continues)));
        ScriptedOrigin slow = new ScriptedOrigin(n -> List.of(slowContinues));
        OriginClient a = client(many.port(), 1, Duration.ofSeconds(5));
        OriginClient b = client(slow.port(), 1, Duration.ofMillis(700))) {
      assertEquals(OriginException.Kind.BAD_RESPONSE, kindOf(a.fetch(request(many.port(), "/c", 0, 3))));
      assertEquals(OriginException.Kind.TIMEOUT, kindOf(b.fetch(request(slow.port(), "/c", 0, 3))));
      await().atMost(Duration.ofSeconds(10)).until(() -> slow.clientClosed.get() == 1);
    }
  }

  @Test
  void aFewInterimResponsesBeforeTheAnswerAreSkipped() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + ABCD)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      assertEquals("abcd", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)))).utf8String());
    }
  }

  @Test
  void aBodyTrickledUnderTheIdleTimeoutStillMeetsTheExchangeDeadline() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(
            send("HTTP/1.1 206 Partial\r\nContent-Length: 100\r\nContent-Range: bytes 0-99/100\r\n\r\n"), drip("x".repeat(100), 100)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5), Duration.ofSeconds(2), Duration.ofMillis(1500))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/trickle", 0, 99)));
      Collected got = new Collected();
      r.direct().pump(got);
      ExecutionException e = assertThrows(ExecutionException.class, got::await);
      assertEquals(OriginException.Kind.TIMEOUT, assertInstanceOf(OriginException.class, e.getCause()).kind());
    }
  }

  @Test
  void lenientFramingIsRefusedAsABadResponse() throws Exception {
    String[] answers = {
      "HTTP/1.1 206 Partial\r\nContent-Length: +4\r\nContent-Range: bytes 0-3/10\r\n\r\nabcd",
      "HTTP/1.1 -12 Odd\r\nContent-Length: 4\r\n\r\nabcd",
      "HTTP/1.1 099 Odd\r\nContent-Length: 4\r\n\r\nabcd",
      "HTTP/1.1 600 Odd\r\nContent-Length: 4\r\n\r\nabcd",
      "HTTP/1.1 206 Partial\r\nTransfer-Encoding: chunked\r\nContent-Length: 4\r\nContent-Range: bytes 0-3/10\r\n\r\n4\r\nabcd\r\n0\r\n\r\n",
      "HTTP/1.1 206 Partial\r\nContent-Length: 4\r\nContent-Length: 5\r\nContent-Range: bytes 0-3/10\r\n\r\nabcd",
      "HTTP/1.1 206 Partial\nContent-Length: 4\nContent-Range: bytes 0-3/10\n\nabcd",
      "SPDY/3 200 OK\r\n\r\n",
      "HTTP/1.1 206 Partial\r\nno colon here\r\n\r\n",
      "HTTP/1.1 206 Partial\r\nContent-Length: 4\r\nContent-Range: bytes 5-8/10\r\n\r\nabcd",
      "HTTP/1.1 206 Partial\r\nContent-Length: 3\r\nContent-Range: bytes 0-3/10\r\n\r\nabc",
      "HTTP/1.1 101 Switching Protocols\r\nUpgrade: evil\r\n\r\n",
      "HTTP/1.1 206 Partial\r\nX-Big: " + "h".repeat(Upstreams.MAX_HEAD) + "\r\n\r\n",
    };
    for (String answer : answers) {
      try (ScriptedOrigin origin = new ScriptedOrigin(n -> n == 1 ? List.of(sendAndClose(answer)) : List.of(send(ABCD)));
          OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
        OriginException e = failure(c.fetch(request(origin.port(), "/m", 0, 3)));
        assertEquals(OriginException.Kind.BAD_RESPONSE, e.kind(), answer.substring(0, Math.min(80, answer.length())));
        assertEquals(502, e.status());
        assertEquals("abcd", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)))).utf8String());
      }
    }
  }

  @Test
  void aChunkSizeWithASignFailsTheBody() throws Exception {
    String signed = "HTTP/1.1 206 Partial\r\nTransfer-Encoding: chunked\r\nContent-Range: bytes 0-3/10\r\n\r\n+4\r\nabcd\r\n0\r\n\r\n";
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(signed)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Bytes r = (OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)));
      Collected got = new Collected();
      r.direct().pump(got);
      ExecutionException e = assertThrows(ExecutionException.class, got::await);
      assertEquals(OriginException.Kind.BAD_RESPONSE, assertInstanceOf(OriginException.class, e.getCause()).kind());
      assertEquals(0, got.bytes.size(), "no byte of a body with a bad chunk size is handed on");
    }
  }

  @Test
  void anObsFoldedFieldIsJoinedWithASpaceAsRfc9112Allows() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send("HTTP/1.1 404 Not Found\r\nX-Folded: one\r\n two\r\nContent-Length: 0\r\n\r\n")));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      OriginReply.Uncacheable r = (OriginReply.Uncacheable) await(c.fetch(request(origin.port(), "/f", 0, 3)));
      assertEquals("one two", r.response().getHeader("X-Folded").orElseThrow().value());
      assertTrue(r.response().getHeader("two").isEmpty(), "a folded line never becomes a field of its own");
    }
  }

  @Test
  void cacheControlLinesCombineSoAPrivateOnTheSecondLineKeepsTheRangeOutOfTheCache() throws Exception {
    String twoLines = "HTTP/1.1 206 Partial\r\nCache-Control: public, max-age=3600\r\nCache-Control: private\r\n"
        + "Content-Length: 4\r\nContent-Range: bytes 0-3/10\r\n\r\nabcd";
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(twoLines)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5))) {
      ExecutionException e = assertThrows(ExecutionException.class, () -> await(c.fetch(request(origin.port(), "/p", 0, 3))));
      assertInstanceOf(UncacheableException.class, e.getCause());
    }
  }

  @Test
  void unreadBodiesAreGivenUpAndTheirConnectionsFreed() throws Exception {
    int size = 8 * OriginBody.HIGH_WATER; // more than the client reads ahead of a consumer
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> n == 1 ? List.of(send(ok206("x".repeat(size), 0, size))) : List.of(send(ABCD)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(30))) {
      await(c.fetch(request(origin.port(), "/dropped", 0, size - 1))); // never read
      assertEquals("abcd", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)))).utf8String());
      assertEquals(2, origin.connections.get());
    }
  }

  @Test
  void aSmallBodyNobodyReadsStillLeavesItsConnectionReusable() throws Exception {
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> List.of(send(ok206("x".repeat(100_000), 0, 100_000)), send(ABCD)));
        OriginClient c = client(origin.port(), 1, Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(30))) {
      await(c.fetch(request(origin.port(), "/dropped", 0, 99_999))); // never read, but all of it came
      assertEquals("abcd", body((OriginReply.Bytes) await(c.fetch(request(origin.port(), "/a", 0, 3)))).utf8String());
      assertEquals(1, origin.connections.get());
    }
  }

  @Test
  void threadsConnectionsAndPoolsReturnToTheirBaselineAfterAStorm() throws Exception {
    long fdsBefore = openFiles();
    int threadsBefore = originThreads();
    try (ScriptedOrigin origin = new ScriptedOrigin(n -> {
          List<ScriptedOrigin.Step> steps = new ArrayList<>();
          for (int i = 0; i < 50; i++) {
            steps.add(i % 5 == 4 ? sendAndClose("HTTP/1.1 206 Partial\r\nContent-Length: 9\r\n\r\nab") : send(ABCD));
          }
          return steps;
        });
        OriginClient c = client(origin.port(), 8, Duration.ofSeconds(5), Duration.ofMillis(400), Duration.ofSeconds(30))) {
      List<CompletionStage<OriginReply>> fetches = new ArrayList<>();
      for (int i = 0; i < 200; i++) {
        // Made-up subdomains of a wildcard entry: each its own destination, none kept for long.
        String host = "h" + (i % 40) + ".wild.example.net";
        fetches.add(c.fetch(new OriginRequest(OriginClientTest.origin(origin.port()), host, "/s" + i, 0, 3)));
      }
      int ok = 0;
      for (CompletionStage<OriginReply> f : fetches) {
        try {
          if (await(f) instanceof OriginReply.Bytes b && body(b).utf8String().equals("abcd")) {
            ok++;
          }
        } catch (ExecutionException e) {
          assertInstanceOf(OriginException.class, e.getCause());
        }
      }
      assertTrue(ok > 100, ok + " of 200 fetches got their bytes");
      assertTrue(originThreads() - threadsBefore <= Runtime.getRuntime().availableProcessors(), "one event loop per core at most");
      await().atMost(Duration.ofSeconds(15)).until(() -> c.poolCount() == 0);
      assertEquals(0, c.figures().openConnections(), "idle connections closed with their pools");
      await().atMost(Duration.ofSeconds(15)).until(() -> openFiles() <= fdsBefore + 8);
    }
  }

  private static int originThreads() {
    return (int) Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("ispcache-origin")).count();
  }

  private static long openFiles() throws IOException {
    try (var s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }
}
