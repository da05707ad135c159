package io.ispcache.content.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.http.javadsl.model.HttpRequest;
import akka.http.javadsl.model.HttpResponse;
import akka.http.javadsl.model.headers.RawHeader;
import akka.stream.Materializer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The content server reads the bodies of requests other than GET and HEAD: framing, limits, 100-continue. */
class RequestBodyWireTest {
  static final int LIMIT = 64 * 1024;
  static ActorTestKit kit;
  static ContentServer server;
  static final AtomicInteger handled = new AtomicInteger();

  /** Echoes the method and the body it was handed. */
  static final class Echo implements ContentHandler {
    @Override
    public FileResponse direct(RequestHead head, InetSocketAddress client) {
      return null;
    }

    @Override
    public CompletionStage<Answer> handle(HttpRequest request) {
      handled.incrementAndGet();
      Materializer mat = Materializer.matFromSystem(kit.system());
      return request.entity()
          .toStrict(5_000, mat)
          .thenApply(
              e ->
                  new Answer.Http(
                      HttpResponse.create()
                          .withEntity(request.method().name() + " " + e.getData().utf8String())
                          .addHeader(RawHeader.create("X-Expect-Seen", request.getHeader("Expect").isPresent() ? "yes" : "no"))));
    }
  }

  @BeforeAll
  static void start() throws IOException {
    kit = ActorTestKit.create();
    server = ContentServer.bind("127.0.0.1", 0, new Echo(), Materializer.matFromSystem(kit.system()),
        new ContentServer.Limits(Duration.ofSeconds(60), Duration.ofSeconds(2), 100, "ispcache", LIMIT));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.terminate().toCompletableFuture().join();
    }
    kit.shutdownTestKit();
  }

  static int port() {
    return server.localAddress().getPort();
  }

  @Test
  void aContentLengthBodyIsReadAndTheConnectionKeptForTheNextRequest() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("POST /form HTTP/1.1\r\nHost: a\r\nContent-Length: 11\r\n\r\nhello world").read();
      assertEquals("POST hello world", r.text());
      assertEquals(null, r.header("Connection"));
      // Pipelined behind a body: the body's end is where the next request starts.
      r = c.send("PUT /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabcDELETE /x HTTP/1.1\r\nHost: a\r\n\r\n").read();
      assertEquals("PUT abc", r.text());
      assertEquals("DELETE ", c.read().text());
    }
  }

  @Test
  void aBodyArrivingInPiecesIsWaitedFor() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      // Each piece reaches the server on its own: it answers nothing until the whole body is in.
      c.send("PATCH /p HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n\r\nab");
      assertTrue(c.silentFor(100), "answered before the body was whole");
      c.send("cd");
      assertTrue(c.silentFor(100), "answered before the body was whole");
      assertEquals("PATCH abcdef", c.send("ef").read().text());
    }
  }

  @Test
  void aChunkedBodyIsDecodedWithExtensionsAndTrailersDropped() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r =
          c.send("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                  + "5;name=value\r\nhello\r\n1\r\n \r\nA\r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n")
              .read();
      assertEquals("POST hello 0123456789", r.text());
      assertEquals("OPTIONS ", c.send("OPTIONS /c HTTP/1.1\r\nHost: a\r\n\r\n").read().text(), "the connection stays in step");
    }
  }

  @Test
  void aStatedLengthAboveTheLimitIs413BeforeAnyOfItIsRead() throws Exception {
    int before = handled.get();
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("POST /big HTTP/1.1\r\nHost: a\r\nContent-Length: " + (LIMIT + 1) + "\r\n\r\n").read();
      assertEquals(413, r.status());
      assertTrue(r.text().contains("\"error\":\"content_too_large\""), r.text());
      assertEquals("close", r.header("Connection"));
      assertTrue(c.closedByServer());
    }
    assertEquals(before, handled.get(), "the handler never saw it");
  }

  @Test
  void aChunkedBodyGrowingPastTheLimitIs413() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      String piece = "8000\r\n" + "x".repeat(0x8000) + "\r\n";
      RawHttp.Response r =
          c.send("POST /big HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + piece + piece + "1\r\n").read();
      assertEquals(413, r.status());
      assertEquals("close", r.header("Connection"));
    }
  }

  @Test
  void badChunkFramingIs400AndATransferCodingOtherThanChunkedIs501() throws Exception {
    for (String body : new String[] {"zz\r\nab\r\n0\r\n\r\n", "2\r\nabXY0\r\n\r\n", "2\nab\r\n0\r\n\r\n", "2 x\r\nab\r\n0\r\n\r\n"}) {
      try (RawHttp c = new RawHttp(port())) {
        RawHttp.Response r = c.send("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n" + body).read();
        assertEquals(400, r.status(), body);
        assertTrue(c.closedByServer());
      }
    }
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("POST /c HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n").read();
      assertEquals(501, r.status());
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void expect100ContinueIsAnsweredByTheServerAndNotHandedOn() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      c.send("PUT /e HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
      InputStream in = c.socket.getInputStream();
      String interim = new String(in.readNBytes("HTTP/1.1 100 Continue\r\n\r\n".length()), StandardCharsets.ISO_8859_1);
      assertEquals("HTTP/1.1 100 Continue\r\n\r\n", interim);
      RawHttp.Response r = c.send("data").read();
      assertEquals("PUT data", r.text());
    }
  }

  @Test
  void aBodyThatStopsArrivingIs408() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nabc").read();
      assertEquals(408, r.status());
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void aBodyOnGetIsStillNotReadAndItsConnectionClosed() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      RawHttp.Response r = c.send("GET /g HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nGET /").read();
      assertEquals("GET ", r.text(), "the handler got no body");
      assertEquals("close", r.header("Connection"));
      assertTrue(c.closedByServer());
    }
  }

  @Test
  void aPostWithoutABodyNeedsNoneRead() throws Exception {
    try (RawHttp c = new RawHttp(port())) {
      assertEquals("POST ", c.send("POST /n HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n").read().text());
      assertFalse(c.send("DELETE /n HTTP/1.1\r\nHost: a\r\n\r\n").read().text().isEmpty());
    }
  }
}
