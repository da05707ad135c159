package io.ispcache.content;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.node.InProcessNode;
import io.ispcache.node.NodeAndOrigin;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Client conditional requests (RFC 9110 §13) end to end: a real node in front of the test origin,
 * each case once as the first request for an object (a MISS: the meta is learnt with the first
 * chunk) and once on a stored object (a HIT, where a 304 or 412 costs no origin request).
 *
 * <p>Origin counts: the only timeout that could add an origin request is the fill's response
 * timeout (a retried chunk); it is set far above anything a loaded 2-core machine takes.
 */
class ConditionalRequestTest {
  static final String ETAG = "\"v1\"";
  static final String LAST_MODIFIED = "Tue, 03 Nov 2026 10:00:00 GMT";
  static final String OLDER = "Tue, 03 Nov 2026 09:59:59 GMT";
  static final String NEWER = "Wed, 04 Nov 2026 10:00:00 GMT";
  static final int LENGTH = 3_000;
  static final long SEED = 31;

  @TempDir static Path dataDir;
  static TestOrigin origin;
  static InProcessNode node;
  static HttpClient http;
  static final AtomicInteger objects = new AtomicInteger();

  static NodeAndOrigin setup;

  @BeforeAll
  static void start() throws IOException {
    setup = NodeAndOrigin.start(dataDir, "ispcache.upstream.response-timeout = 60s");
    origin = setup.origin();
    node = setup.node();
    http = setup.http();
  }

  @AfterAll
  static void stop() {
    if (setup != null) {
      setup.close();
    }
  }

  /** What the client sees: 200 (whole body), 206 (bytes 100-199), 304 or 412. */
  record Case(String name, String method, List<String> headers, int status) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Case c(String name, int status, String... headers) {
    return new Case(name, "GET", List.of(headers), status);
  }

  static Stream<Case> cases() {
    return Stream.of(
        c("If-None-Match current", 304, "If-None-Match", ETAG),
        c("If-None-Match other", 200, "If-None-Match", "\"other\""),
        c("If-None-Match *", 304, "If-None-Match", "*"),
        c("If-None-Match weak of current", 304, "If-None-Match", "W/\"v1\""),
        c("If-None-Match list holding current", 304, "If-None-Match", "\"a\", \"v1\""),
        c("If-Modified-Since equal", 304, "If-Modified-Since", LAST_MODIFIED),
        c("If-Modified-Since older", 200, "If-Modified-Since", OLDER),
        c("If-Modified-Since newer", 304, "If-Modified-Since", NEWER),
        c("If-Modified-Since in asctime form", 304, "If-Modified-Since", "Tue Nov  3 10:00:00 2026"),
        c("If-Modified-Since invalid", 200, "If-Modified-Since", "Tue, 03 Nov 2026 10:00:00 CET"),
        c("If-Match other", 412, "If-Match", "\"other\""),
        c("If-Match other with Range", 412, "If-Match", "\"other\"", "Range", "bytes=100-199"),
        c("If-Match current with Range", 206, "If-Match", ETAG, "Range", "bytes=100-199"),
        c("If-Unmodified-Since old with Range", 412, "If-Unmodified-Since", OLDER, "Range", "bytes=100-199"),
        c("If-Unmodified-Since equal with Range", 206, "If-Unmodified-Since", LAST_MODIFIED, "Range", "bytes=100-199"),
        c("If-None-Match other with If-Modified-Since equal (ignored)", 200,
            "If-None-Match", "\"other\"", "If-Modified-Since", LAST_MODIFIED),
        c("If-None-Match current with If-Modified-Since older (ignored)", 304,
            "If-None-Match", ETAG, "If-Modified-Since", OLDER),
        c("If-Match other before If-None-Match current", 412, "If-Match", "\"other\"", "If-None-Match", ETAG),
        c("If-None-Match current with Range", 304, "If-None-Match", ETAG, "Range", "bytes=100-199"),
        new Case("HEAD with If-None-Match current", "HEAD", List.of("If-None-Match", ETAG), 304),
        new Case("HEAD with If-Match other", "HEAD", List.of("If-Match", "\"other\""), 412));
  }

  static Stream<Arguments> onMiss() {
    return cases().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("onMiss")
  void theFirstRequestLearnsTheMetaWithTheFirstChunkThenEvaluates(Case c) throws Exception {
    String path = newObject();

    HttpResponse<byte[]> r = send(c, path);

    assertAnswered(c, r, "MISS");
    assertEquals(1, origin.requestCount(path), "the one chunk fill that taught the node the object");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("onMiss")
  void aStoredObjectIsAnsweredWithoutTheOrigin(Case c) throws Exception {
    String path = newObject();
    assertEquals(200, send(c("warm", 200), path).statusCode());
    awaitCommitted(path);

    HttpResponse<byte[]> r = send(c, path);

    assertAnswered(c, r, "HIT");
    assertEquals(1, origin.requestCount(path), "nothing asked of the origin after the first fill");
  }

  @Test
  void aConditionalOnAnotherMethodIsRefusedWith405NotEvaluated() throws Exception {
    String path = newObject();
    send(c("warm", 200), path);

    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(node.url(path))
                .header("If-Match", "\"other\"")
                .method("DELETE", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(405, r.statusCode());
    assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElseThrow());
  }

  @Test
  void aRepeatedNotModifiedStaysFreeOfOriginRequests() throws Exception {
    String path = newObject();
    send(c("warm", 200), path);
    awaitCommitted(path);

    for (int i = 0; i < 20; i++) {
      assertEquals(304, send(c("revalidate", 304, "If-None-Match", ETAG), path).statusCode());
      assertEquals(304, send(c("revalidate by date", 304, "If-Modified-Since", LAST_MODIFIED), path).statusCode());
    }

    assertEquals(1, origin.requestCount(path));
  }

  @Test
  void aResumeWithIfMatchOfARevisionTheOriginNoLongerHasIs412NotTheNewRevisionsBytes() throws Exception {
    int chunk = 256 * 1024; // InProcessNode's chunk size
    String path = "/conditional/changing.bin";
    origin.put(path, 2L * chunk, 41, "application/octet-stream", ETAG, LAST_MODIFIED);
    assertEquals(206, send(c("first part", 206, "Range", "bytes=0-99"), path).statusCode());
    awaitCommitted(path);
    // The node still holds revision v1 (its chunk 0); the origin now has v2.
    origin.replace(path, 2L * chunk, 42, "application/octet-stream", "\"v2\"", NEWER);

    String rest = "bytes=" + chunk + "-" + (chunk + 99);
    HttpResponse<byte[]> resumed = send(c("resume", 412, "If-Match", ETAG, "Range", rest), path);
    HttpResponse<byte[]> plain = send(c("plain", 206, "Range", rest), path);

    assertEquals(412, resumed.statusCode(), "v1 is met in the stored meta, the fill finds v2: evaluated again");
    assertEquals(206, plain.statusCode());
    assertEquals("\"v2\"", plain.headers().firstValue("ETag").orElseThrow());
    assertArrayEquals(TestContent.bytes(42, chunk, 100), plain.body());
  }

  @Test
  void aNotModifiedLeavesTheConnectionReadyForTheNextRequest() throws Exception {
    String path = newObject();
    send(c("warm", 200), path);
    awaitCommitted(path);
    String target = node.url(path).getRawPath() + "?" + node.url(path).getRawQuery();

    try (Socket socket = new Socket("127.0.0.1", node.url(path).getPort())) {
      socket.setSoTimeout(20_000);
      OutputStream out = socket.getOutputStream();
      InputStream in = socket.getInputStream();
      out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nIf-None-Match: \"v1\"\r\n\r\n")
          .getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String notModified = head(in);
      out.write(("GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      String whole = head(in);
      byte[] body = in.readNBytes(LENGTH);

      assertTrue(notModified.startsWith("HTTP/1.1 304 "), notModified);
      assertFalse(notModified.toLowerCase(Locale.ROOT).contains("content-length"), notModified);
      assertFalse(notModified.toLowerCase(Locale.ROOT).contains("transfer-encoding"), notModified);
      assertTrue(whole.startsWith("HTTP/1.1 200 "), "the next response follows the 304's head at once: " + whole);
      assertTrue(whole.contains("Content-Length: " + LENGTH), whole);
      assertArrayEquals(TestContent.bytes(SEED, 0, LENGTH), body);
    }
  }

  /** A response head, up to and without its blank line. */
  private static String head(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (b.length() < 4 || !b.substring(b.length() - 4).equals("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in a response head: " + b);
      }
      b.append((char) c);
    }
    return b.substring(0, b.length() - 4);
  }

  private static void assertAnswered(Case c, HttpResponse<byte[]> r, String cacheStatus) {
    assertEquals(c.status(), r.statusCode(), c.name());
    switch (c.status()) {
      case 304 -> {
        assertEquals(0, r.body().length, "a 304 has no body");
        assertEquals(Optional.empty(), r.headers().firstValue("Content-Length"), "nor the object's length");
        assertEquals(ETAG, r.headers().firstValue("ETag").orElseThrow());
        assertEquals(LAST_MODIFIED, r.headers().firstValue("Last-Modified").orElseThrow());
        assertEquals(cacheStatus, r.headers().firstValue("X-Cache").orElseThrow());
        assertTrue(r.headers().firstValue("Date").isPresent());
      }
      case 412 -> {
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
        if (!c.method().equals("HEAD")) {
          String body = new String(r.body(), StandardCharsets.UTF_8);
          assertTrue(body.startsWith("{\"error\":\"precondition_failed\""), body);
        }
      }
      case 206 -> {
        assertEquals("bytes 100-199/" + LENGTH, r.headers().firstValue("Content-Range").orElseThrow());
        assertArrayEquals(TestContent.bytes(SEED, 100, 100), r.body());
        assertEquals(cacheStatus, r.headers().firstValue("X-Cache").orElseThrow());
      }
      default -> {
        if (!c.method().equals("HEAD")) {
          assertArrayEquals(TestContent.bytes(SEED, 0, LENGTH), r.body());
        }
        assertEquals(cacheStatus, r.headers().firstValue("X-Cache").orElseThrow());
      }
    }
  }

  private static String newObject() {
    String path = "/conditional/object-" + objects.incrementAndGet() + ".bin";
    origin.put(path, LENGTH, SEED, "application/octet-stream", ETAG, LAST_MODIFIED);
    return path;
  }

  private static HttpResponse<byte[]> send(Case c, String path) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(node.url(path))
            .timeout(Duration.ofSeconds(30))
            .method(c.method(), HttpRequest.BodyPublishers.noBody());
    for (int i = 0; i < c.headers().size(); i += 2) {
      b.header(c.headers().get(i), c.headers().get(i + 1));
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * Until the object's one chunk file is on the drive: the client had its bytes before the commit
   * renamed the file into place, and only a committed chunk is answered by the direct path.
   */
  private static void awaitCommitted(String path) {
    await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(10))
        .ignoreExceptions()
        .until(() -> committed(path));
  }

  private static boolean committed(String path) throws IOException {
    try (Stream<Path> files = Files.walk(dataDir)) {
      return files
          .filter(f -> f.getFileName().toString().endsWith(".meta"))
          .filter(m -> describes(m, path))
          .anyMatch(m -> Files.exists(m.resolveSibling(m.getFileName().toString().replace(".meta", ".0"))));
    }
  }

  private static boolean describes(Path metaFile, String path) {
    try {
      return Files.readString(metaFile, StandardCharsets.ISO_8859_1).contains(path);
    } catch (IOException e) {
      return false; // replaced meanwhile
    }
  }
}
