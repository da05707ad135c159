package io.ispcache.content;

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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The content port end to end: a real node in front of a real origin on 127.0.0.1. */
class ContentServerTest {
  static final int CHUNK = 256 * 1024;
  static final String ETAG = "\"v1\"";
  static final String LAST_MODIFIED = "Tue, 03 Nov 2026 10:00:00 GMT";

  @TempDir static Path dataDir;
  static TestOrigin origin;
  static InProcessNode node;
  static HttpClient http;

  static NodeAndOrigin setup;

  @BeforeAll
  static void start() throws IOException {
    setup = NodeAndOrigin.start(dataDir, "");
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

  static HttpResponse<byte[]> get(URI uri, String... headers) throws Exception {
    return setup.send("GET", uri, headers);
  }

  static byte[] expected(long seed, long offset, int length) {
    return TestContent.bytes(seed, offset, length);
  }

  static String put(String path, long length, long seed) {
    origin.put(path, length, seed, "application/octet-stream", ETAG, LAST_MODIFIED);
    return path;
  }

  @Test
  void verificationUrlServesTheOriginsGifLikeConnectedCache() throws Exception {
    origin.put("/mscomtest/wuidt.gif", 1_800, 7, "image/gif", "\"gif\"", LAST_MODIFIED);
    URI uri = URI.create(node.contentRoot() + "/mscomtest/wuidt.gif?cacheHostOrigin=au.cdn.example.net");

    HttpResponse<byte[]> first = get(uri);
    HttpResponse<byte[]> second = get(uri);

    assertEquals(200, first.statusCode());
    assertEquals("image/gif", first.headers().firstValue("Content-Type").orElseThrow());
    assertArrayEquals(expected(7, 0, 1_800), first.body());
    assertEquals("MISS", first.headers().firstValue("X-Cache").orElseThrow());
    assertEquals("HIT", second.headers().firstValue("X-Cache").orElseThrow());
    assertArrayEquals(expected(7, 0, 1_800), second.body());
    assertEquals(1, origin.requestCount("/mscomtest/wuidt.gif"));
  }

  @Test
  void missThenHitReturnsIdenticalBytesAndValidators() throws Exception {
    String path = put("/objects/three-chunks.bin", 3L * CHUNK - 100, 11);

    HttpResponse<byte[]> miss = get(node.url(path));
    HttpResponse<byte[]> hit = get(node.url(path));

    assertArrayEquals(expected(11, 0, 3 * CHUNK - 100), miss.body());
    assertArrayEquals(miss.body(), hit.body());
    assertEquals("MISS", miss.headers().firstValue("X-Cache").orElseThrow());
    assertEquals("HIT", hit.headers().firstValue("X-Cache").orElseThrow());
    assertEquals(ETAG, hit.headers().firstValue("ETag").orElseThrow());
    assertEquals(LAST_MODIFIED, hit.headers().firstValue("Last-Modified").orElseThrow());
    assertEquals("bytes", hit.headers().firstValue("Accept-Ranges").orElseThrow());
    assertEquals(String.valueOf(3 * CHUNK - 100), hit.headers().firstValue("Content-Length").orElseThrow());
    assertEquals(3, origin.requestCount(path), "one origin fetch per chunk");
  }

  @Test
  void aChunkFileLostFromTheDriveIsFetchedAgainNotServedShort() throws Exception {
    // A node that keeps no chunk file open between hits: one with an open-file cache goes on
    // serving a file deleted behind its back from the open descriptor (as nginx does), and finds
    // the loss only once that descriptor is closed.
    Path own = dataDir.resolve("lost");
    try (InProcessNode fresh = InProcessNode.start(own, origin.port(), "ispcache.store.open-files = 0")) {
      String path = put("/objects/lost-chunk.bin", 2L * CHUNK, 12);
      get(fresh.url(path));
      // The second chunk's file goes behind the store's back, once committed: the client has its
      // bytes before the commit renames the file into place.
      Path lost = awaitCommitted(own, path, 1);
      java.nio.file.Files.delete(lost);

      HttpResponse<byte[]> r = get(fresh.url(path));
      HttpResponse<byte[]> again = get(fresh.url(path));

      assertEquals(200, r.statusCode());
      assertArrayEquals(expected(12, 0, 2 * CHUNK), r.body());
      assertArrayEquals(expected(12, 0, 2 * CHUNK), again.body());
      // The first request finds the file gone, unless it came in the instant between the rename
      // and the store listing the chunk: then it had the bytes from the fill's memory, and the
      // second request finds the file gone.
      assertEquals(3, origin.requestCount(path), "the lost chunk, and only it, fetched again, once");
    }
  }

  /** The file of chunk {@code index} of the object at {@code path}, once committed on the node's drive. */
  private Path awaitCommitted(String path, int index) throws Exception {
    return awaitCommitted(dataDir, path, index);
  }

  private static Path awaitCommitted(Path dataDir, String path, int index) throws Exception {
    return org.awaitility.Awaitility.await("chunk " + index + " of " + path + " committed")
        .atMost(java.time.Duration.ofSeconds(10))
        .pollInterval(java.time.Duration.ofMillis(10))
        .until(
            () -> {
              try (var files = java.nio.file.Files.walk(dataDir)) {
                return files.filter(f -> f.getFileName().toString().endsWith(".meta"))
                    .filter(m -> describes(m, path))
                    .map(m -> m.resolveSibling(m.getFileName().toString().replace(".meta", "." + index)))
                    .filter(java.nio.file.Files::exists)
                    .findFirst();
              }
            },
            java.util.Optional::isPresent)
        .orElseThrow();
  }

  private static boolean describes(Path metaFile, String path) {
    try {
      return java.nio.file.Files.readString(metaFile, java.nio.charset.StandardCharsets.ISO_8859_1).contains(path);
    } catch (java.io.IOException e) {
      return false; // replaced meanwhile
    }
  }

  @Test
  void partlyCachedObjectIsReportedPartialAndCompleted() throws Exception {
    String path = put("/objects/partial.bin", 4L * CHUNK, 12);
    get(node.url(path), "Range", "bytes=0-99");
    // The client has its 100 bytes before the chunk's fill ends: the next request finds it stored
    // only once it is committed.
    awaitCommitted(path, 0);

    HttpResponse<byte[]> whole = get(node.url(path));

    assertEquals("PARTIAL", whole.headers().firstValue("X-Cache").orElseThrow());
    assertArrayEquals(expected(12, 0, 4 * CHUNK), whole.body());
    assertEquals(4, origin.requestCount(path));
  }

  @Test
  void everyRangeFormIsAnsweredWithTheRightBytes() throws Exception {
    long length = 2L * CHUNK + 5000;
    String path = put("/objects/ranges.bin", length, 13);

    HttpResponse<byte[]> closed = get(node.url(path), "Range", "bytes=100-299");
    assertEquals(206, closed.statusCode());
    assertEquals("bytes 100-299/" + length, closed.headers().firstValue("Content-Range").orElseThrow());
    assertArrayEquals(expected(13, 100, 200), closed.body());

    HttpResponse<byte[]> open = get(node.url(path), "Range", "bytes=" + (CHUNK - 10) + "-");
    assertEquals(206, open.statusCode());
    assertArrayEquals(expected(13, CHUNK - 10, (int) (length - CHUNK + 10)), open.body());

    HttpResponse<byte[]> suffix = get(node.url(path), "Range", "bytes=-700");
    assertEquals(206, suffix.statusCode());
    assertEquals("bytes " + (length - 700) + "-" + (length - 1) + "/" + length, suffix.headers().firstValue("Content-Range").orElseThrow());
    assertArrayEquals(expected(13, length - 700, 700), suffix.body());

    HttpResponse<byte[]> beyondLast = get(node.url(path), "Range", "bytes=" + (length - 10) + "-" + (length + 1000));
    assertEquals(206, beyondLast.statusCode());
    assertArrayEquals(expected(13, length - 10, 10), beyondLast.body());
  }

  @Test
  void rangeBeyondEndIsAnswered416WithTheLength() throws Exception {
    long length = 10_000;
    String path = put("/objects/small-416.bin", length, 14);
    get(node.url(path));

    String before = new String(get(node.health("/metrics")).body(), StandardCharsets.UTF_8);

    HttpResponse<byte[]> r = get(node.url(path), "Range", "bytes=10000-");

    assertEquals(416, r.statusCode());
    assertEquals("bytes */10000", r.headers().firstValue("Content-Range").orElseThrow());
    assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("\"error\":\"range_not_satisfiable\""));
    String after = new String(get(node.health("/metrics")).body(), StandardCharsets.UTF_8);
    assertEquals(figure(before, "ispcache_range_not_satisfiable_total") + 1, figure(after, "ispcache_range_not_satisfiable_total"));
    for (String status : new String[] {"hit", "miss", "error"}) {
      String name = "ispcache_responses_total{cache=\"" + status + "\"}";
      assertEquals(figure(before, name), figure(after, name), "a 416 is not counted as " + status);
    }
  }

  /** The value of the series {@code name} in Prometheus text. */
  static long figure(String metrics, String name) {
    return io.ispcache.testing.MetricsText.of(metrics).count(name);
  }

  @Test
  void startPositionTooLargeForAnyObjectIsAnswered416() throws Exception {
    String path = put("/objects/huge-start.bin", 9_000, 31);
    get(node.url(path));

    HttpResponse<byte[]> r = get(node.url(path), "Range", "bytes=99999999999999999999-");

    assertEquals(416, r.statusCode());
    assertEquals("bytes */9000", r.headers().firstValue("Content-Range").orElseThrow());
  }

  @Test
  void rangeBeyondEndOfAnUncachedObjectIsAnswered416() throws Exception {
    String path = put("/objects/cold-416.bin", 5_000, 15);

    HttpResponse<byte[]> r = get(node.url(path), "Range", "bytes=" + (3L * CHUNK) + "-");

    assertEquals(416, r.statusCode());
    assertEquals("bytes */5000", r.headers().firstValue("Content-Range").orElseThrow());
  }

  @Test
  void malformedRangesAreIgnoredAndTheWholeObjectSent() throws Exception {
    String path = put("/objects/malformed.bin", 9_000, 16);
    for (String bad : List.of("bytes=5-2", "bytes=abc", "items=0-5", "bytes=", "bytes=--5", "bytes=1-2-3")) {
      HttpResponse<byte[]> r = get(node.url(path), "Range", bad);
      assertEquals(200, r.statusCode(), bad);
      assertArrayEquals(expected(16, 0, 9_000), r.body(), bad);
    }
  }

  @Test
  void ifRangeSendsTheRangeOnlyWhileTheValidatorMatches() throws Exception {
    String path = put("/objects/if-range.bin", 8_000, 17);

    HttpResponse<byte[]> matching = get(node.url(path), "Range", "bytes=0-9", "If-Range", ETAG);
    HttpResponse<byte[]> stale = get(node.url(path), "Range", "bytes=0-9", "If-Range", "\"old\"");
    HttpResponse<byte[]> weak = get(node.url(path), "Range", "bytes=0-9", "If-Range", "W/\"v1\"");
    HttpResponse<byte[]> date = get(node.url(path), "Range", "bytes=0-9", "If-Range", LAST_MODIFIED);

    assertEquals(206, matching.statusCode());
    assertArrayEquals(expected(17, 0, 10), matching.body());
    assertEquals(200, stale.statusCode());
    assertArrayEquals(expected(17, 0, 8_000), stale.body());
    assertEquals(200, weak.statusCode());
    assertEquals(206, date.statusCode());
  }

  @Test
  void severalRangesAreAnsweredAsMultipartByteranges() throws Exception {
    long length = 3L * CHUNK;
    String path = put("/objects/multi.bin", length, 18);

    HttpResponse<byte[]> r = get(node.url(path), "Range", "bytes=0-9, " + (2L * CHUNK) + "-" + (2L * CHUNK + 19));

    assertEquals(206, r.statusCode());
    String type = r.headers().firstValue("Content-Type").orElseThrow();
    assertTrue(type.startsWith("multipart/byteranges; boundary="), type);
    String boundary = type.substring(type.indexOf("boundary=") + 9).replace("\"", "");
    String body = new String(r.body(), StandardCharsets.ISO_8859_1);
    assertEquals(String.valueOf(r.body().length), r.headers().firstValue("Content-Length").orElseThrow());
    assertTrue(body.contains("Content-Range: bytes 0-9/" + length), body);
    assertTrue(body.contains("Content-Range: bytes " + (2L * CHUNK) + "-" + (2L * CHUNK + 19) + "/" + length));
    assertTrue(body.endsWith("--" + boundary + "--\r\n") || body.endsWith("--" + boundary + "--"), "closing delimiter");
    String first = new String(expected(18, 0, 10), StandardCharsets.ISO_8859_1);
    String second = new String(expected(18, 2L * CHUNK, 20), StandardCharsets.ISO_8859_1);
    assertTrue(body.contains("\r\n\r\n" + first + "\r\n--" + boundary));
    assertTrue(body.contains("\r\n\r\n" + second + "\r\n--" + boundary));
    assertEquals(2, origin.requestCount(path), "only the two chunks the ranges touch are fetched");
  }

  @Test
  void headAnswersTheHeadersOfGetWithoutBody() throws Exception {
    String path = put("/objects/head.bin", 70_000, 19);

    HttpResponse<byte[]> head =
        http.send(HttpRequest.newBuilder(node.url(path)).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(),
            HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(200, head.statusCode());
    assertEquals("70000", head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals(ETAG, head.headers().firstValue("ETag").orElseThrow());
    assertEquals(0, head.body().length);
  }

  @Test
  void hostOutsideTheAllowlistIsRefused403NamingTheHost() throws Exception {
    HttpResponse<byte[]> r = get(URI.create(node.contentRoot() + "/x.bin?cacheHostOrigin=evil.example.com"));

    assertEquals(403, r.statusCode());
    String body = new String(r.body(), StandardCharsets.UTF_8);
    assertTrue(body.contains("\"error\":\"origin_not_allowed\""), body);
    assertTrue(body.contains("\"host\":\"evil.example.com\""), body);
  }

  @Test
  void hostHeaderSelectsTheOriginWhenNoParameterIsGiven() throws Exception {
    String path = put("/objects/by-host.bin", 1000, 20);

    // java.net.http will not send a custom Host, so this request is written by hand.
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", node.contentRoot().getPort())) {
      s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: " + InProcessNode.ORIGIN_HOST
          + ":80\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      byte[] response = s.getInputStream().readAllBytes();
      String text = new String(response, StandardCharsets.ISO_8859_1);
      assertTrue(text.startsWith("HTTP/1.1 200"), text.lines().findFirst().orElse(""));
      byte[] body = java.util.Arrays.copyOfRange(response, text.indexOf("\r\n\r\n") + 4, response.length);
      assertArrayEquals(expected(20, 0, 1000), body);
    }
  }

  @Test
  void badRequestsGetJsonErrors() throws Exception {
    assertEquals(400, get(URI.create(node.contentRoot() + "/x?cacheHostOrigin=bad_host!")).statusCode());
    assertEquals(400, get(URI.create(node.contentRoot() + "/x?cacheHostOrigin=")).statusCode());
    assertEquals(400, get(URI.create(node.contentRoot() + "/x?cacheHostOrigin=a.cdn.example.net&cacheHostOrigin=b.cdn.example.net")).statusCode());
    HttpResponse<byte[]> post =
        http.send(HttpRequest.newBuilder(node.url("/x")).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(405, post.statusCode());
    assertEquals("GET, HEAD", post.headers().firstValue("Allow").orElseThrow());
    assertTrue(new String(post.body(), StandardCharsets.UTF_8).contains("\"error\":\"method_not_allowed\""));
  }

  @Test
  void aliasesShareOneCopyAndTheQueryIsDroppedFromTheKey() throws Exception {
    String path = put("/objects/alias.bin", 2000, 21);

    // Host names listed by name share keys; one matched only by a wildcard would not (RequestTargetTest).
    get(URI.create(node.contentRoot() + path + "?token=a&cacheHostOrigin=" + InProcessNode.ORIGIN_HOST));
    HttpResponse<byte[]> r = get(URI.create(node.contentRoot() + path + "?token=b&cacheHostOrigin=" + InProcessNode.ORIGIN_ALIAS));

    assertEquals("HIT", r.headers().firstValue("X-Cache").orElseThrow());
    assertArrayEquals(expected(21, 0, 2000), r.body());
    assertEquals(1, origin.requestCount(path));
  }

  @Test
  void originWithQueryInKeyStoresEachQuerySeparately() throws Exception {
    String path = put("/objects/query.bin", 2000, 22);

    get(URI.create(node.contentRoot() + path + "?v=1&cacheHostOrigin=other.example.org"));
    HttpResponse<byte[]> r = get(URI.create(node.contentRoot() + path + "?v=2&cacheHostOrigin=other.example.org"));

    assertEquals("MISS", r.headers().firstValue("X-Cache").orElseThrow());
    assertEquals(2, origin.requestCount(path));
  }

  @Test
  void thirtyTwoClientsOnAColdObjectCauseOneOriginFetchPerChunk() throws Exception {
    long length = 100L * CHUNK + 123;
    String path = put("/objects/herd.bin", length, 23);
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      List<Future<Long>> downloads = new ArrayList<>();
      CompletableFuture<Void> go = new CompletableFuture<>();
      for (int i = 0; i < 32; i++) {
        downloads.add(pool.submit(() -> {
          go.join();
          HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(node.url(path)).build(), HttpResponse.BodyHandlers.ofInputStream());
          assertEquals(200, r.statusCode());
          try (InputStream in = r.body()) {
            TestContent.assertSameBytes(in, 23, 0, length);
          }
          return length;
        }));
      }
      go.complete(null);
      for (Future<Long> d : downloads) {
        assertEquals(length, d.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(101, origin.requestCount(path), "exactly one origin fetch per chunk");
    assertEquals(length, origin.bytesSent(path), "origin bytes = 1.0x the object");
  }

  @Test
  void originNotFoundPassesThroughAndIsNotCached() throws Exception {
    HttpResponse<byte[]> first = get(node.url("/objects/missing.bin"));
    HttpResponse<byte[]> second = get(node.url("/objects/missing.bin"));

    assertEquals(404, first.statusCode());
    assertEquals(404, second.statusCode());
    assertEquals(2, origin.requestCount("/objects/missing.bin"));
  }

  @Test
  void originServerErrorIsRelayedWithItsStatusAndTheNextRequestRetries() throws Exception {
    String path = put("/objects/flaky-5xx.bin", 5000, 24);
    origin.fault(path, TestOrigin.Fault.status(503));

    HttpResponse<byte[]> failed = get(node.url(path));
    origin.clearFaults(path);
    HttpResponse<byte[]> ok = get(node.url(path));

    assertEquals(503, failed.statusCode(), "the origin's own status, as it sent it");
    assertEquals(0, failed.body().length);
    assertEquals(200, ok.statusCode());
    assertArrayEquals(expected(24, 0, 5000), ok.body());
  }

  @Test
  void emptyRedirectsAndNotFoundsFromTheOriginAreRelayedAsTheyCame() throws Exception {
    String path = put("/objects/empty-answers.bin", 5000, 25);
    for (int status : new int[] {302, 404, 204, 500}) {
      origin.fault(path, TestOrigin.Fault.status(status));
      HttpResponse<byte[]> r = get(node.url(path));
      assertEquals(status, r.statusCode());
      assertEquals(0, r.body().length);
      origin.clearFaults(path);
    }
    HttpResponse<byte[]> ok = get(node.url(path));
    assertEquals(200, ok.statusCode());
    assertArrayEquals(expected(25, 0, 5000), ok.body());
  }

  @Test
  void aRangeTheOriginForbidsStoringIsRelayedAsTheClientAskedAndNothingIsKept() throws Exception {
    String path = put("/objects/no-store.bin", 5000, 26);
    origin.headers(path, "Cache-Control: public, max-age=60", "Cache-Control: no-store");

    HttpResponse<byte[]> whole = get(node.url(path));
    HttpResponse<byte[]> part = get(node.url(path), "Range", "bytes=100-199");
    HttpResponse<byte[]> again = get(node.url(path));

    assertEquals(200, whole.statusCode());
    assertArrayEquals(expected(26, 0, 5000), whole.body());
    assertEquals(206, part.statusCode());
    assertEquals("bytes 100-199/5000", part.headers().firstValue("Content-Range").orElseThrow());
    assertArrayEquals(expected(26, 100, 100), part.body());
    assertEquals(200, again.statusCode());
    assertArrayEquals(expected(26, 0, 5000), again.body());
    // Each request: the chunk's fetch, refused for its no-store, and the client's own request.
    assertEquals(6, origin.requestCount(path), "nothing of it was stored");
  }

  @Test
  void unreachableOriginIsAnswered502() throws Exception {
    try (InProcessNode orphan = InProcessNode.start(dataDir.resolve("orphan"), TestOrigin.closedPort(), "")) {
      long started = System.nanoTime();
      HttpResponse<byte[]> r = get(orphan.url("/objects/anything.bin"));
      assertEquals(502, r.statusCode());
      assertTrue(Duration.ofNanos(System.nanoTime() - started).toSeconds() < 5, "answered quickly");
    }
  }

  @Test
  void stalledOriginIsAnswered504() throws Exception {
    String path = put("/objects/stall-headers.bin", 5000, 25);
    origin.fault(path, TestOrigin.Fault.delayHeaders(10_000));
    try {
      HttpResponse<byte[]> r = get(node.url(path));
      assertEquals(504, r.statusCode());
      assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("\"error\":\"origin_timeout\""));
    } finally {
      origin.clearFaults(path);
    }
  }

  @Test
  void resetMidChunkCutsTheResponseAndCommitsNothing() throws Exception {
    String path = put("/objects/reset.bin", 2L * CHUNK, 26);
    origin.fault(path, TestOrigin.Fault.resetAfter(CHUNK / 2));

    boolean cut;
    try {
      HttpResponse<byte[]> r = get(node.url(path));
      cut = r.statusCode() != 200 || r.body().length != 2 * CHUNK;
    } catch (IOException e) {
      cut = true;
    }
    origin.clearFaults(path);
    HttpResponse<byte[]> retry = get(node.url(path));

    assertTrue(cut, "the client must not get a complete-looking body");
    assertEquals(200, retry.statusCode());
    assertArrayEquals(expected(26, 0, 2 * CHUNK), retry.body());
  }

  @Test
  void originIgnoringRangeIsCutToTheChunk() throws Exception {
    String path = put("/objects/ignores-range.bin", 3L * CHUNK, 27);
    origin.fault(path, TestOrigin.Fault.ignoreRange());
    try {
      HttpResponse<byte[]> r = get(node.url(path), "Range", "bytes=" + (CHUNK + 5) + "-" + (2L * CHUNK + 5));
      assertEquals(206, r.statusCode());
      assertArrayEquals(expected(27, CHUNK + 5, CHUNK + 1), r.body());
    } finally {
      origin.clearFaults(path);
    }
    HttpResponse<byte[]> whole = get(node.url(path));
    assertArrayEquals(expected(27, 0, 3 * CHUNK), whole.body());
  }

  @Test
  void changedObjectAtTheOriginIsNeverSplicedWithTheOldOne() throws Exception {
    String path = put("/objects/changing.bin", 3L * CHUNK, 28);
    HttpResponse<byte[]> firstChunk = get(node.url(path), "Range", "bytes=0-99");
    assertArrayEquals(expected(28, 0, 100), firstChunk.body());

    origin.put(path, 3L * CHUNK, 29, "application/octet-stream", "\"v2\"", LAST_MODIFIED);
    HttpResponse<byte[]> rest = get(node.url(path), "Range", "bytes=" + CHUNK + "-");
    HttpResponse<byte[]> whole = get(node.url(path));

    assertEquals(206, rest.statusCode());
    assertEquals("\"v2\"", rest.headers().firstValue("ETag").orElseThrow());
    assertArrayEquals(expected(29, CHUNK, 2 * CHUNK), rest.body());
    assertEquals("\"v2\"", whole.headers().firstValue("ETag").orElseThrow());
    assertArrayEquals(expected(29, 0, 3 * CHUNK), whole.body());
  }

  @Test
  void summaryAndMetricsCountTheTraffic() throws Exception {
    String path = put("/objects/counted.bin", 50_000, 30);
    get(node.url(path));
    get(node.url(path));

    HttpResponse<byte[]> summary = get(node.health("/summary"));
    HttpResponse<byte[]> metrics = get(node.health("/metrics"));
    HttpResponse<byte[]> health = get(node.health("/health"));

    String s = new String(summary.body(), StandardCharsets.UTF_8);
    assertTrue(s.contains("\"hitBytes\":"), s);
    assertTrue(s.contains("\"hitRatioBytes\":"), s);
    String m = new String(metrics.body(), StandardCharsets.UTF_8);
    assertTrue(m.contains("ispcache_egress_bytes_total{source=\"hit\"}"), m);
    assertTrue(m.contains("ispcache_fill_seconds_bucket{le=\"+Inf\"}"), m);
    assertFalse(m.contains("ispcache_origin_fetches_total 0\n"), m);
    assertEquals(200, health.statusCode());
    assertTrue(new String(health.body(), StandardCharsets.UTF_8).contains("\"healthy\":true"));
  }
}
