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
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * HTTP caching semantics end to end (RFC 9111): what is stored, for how long, how it is validated,
 * and which of the origin's header fields reach the client, against a real origin on 127.0.0.1
 * that counts its requests.
 */
class RevalidationTest {
  static final int CHUNK = 256 * 1024;
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

  static HttpResponse<byte[]> send(String method, URI uri, String... headers) throws Exception {
    return setup.send(method, uri, headers);
  }

  static HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    return send("GET", node.url(path), headers);
  }

  static String cache(HttpResponse<?> r) {
    return r.headers().firstValue("X-Cache").orElse("");
  }

  static String put(String path, long length, long seed, String etag, String... headerLines) {
    origin.put(path, length, seed, "application/octet-stream", etag, LAST_MODIFIED);
    origin.headers(path, headerLines);
    return path;
  }

  @Test
  void anObjectTheOriginSaysIsStaleAtOnceIsValidatedByOneConditionalRequestAndKeepsEveryChunk() throws Exception {
    String path = put("/fresh/max-age-0.bin", 3L * CHUNK, 1, "\"a\"", "Cache-Control: max-age=0");

    HttpResponse<byte[]> miss = get(path);
    long bodyBytes = origin.bytesSent(path);
    HttpResponse<byte[]> again = get(path);

    assertEquals("MISS", cache(miss));
    assertEquals("REVALIDATED", cache(again));
    assertArrayEquals(TestContent.bytes(1, 0, 3 * CHUNK), again.body());
    assertEquals(1, origin.conditionalRequests(path));
    assertEquals(1, origin.notModifiedAnswers(path));
    assertEquals(4, origin.requestCount(path), "three chunks, then one conditional request");
    assertEquals(bodyBytes, origin.bytesSent(path), "a 304 costs no body bytes");
  }

  @Test
  void anObjectChangedAtTheOriginIsServedInItsNewRevisionOnceStale() throws Exception {
    String path = put("/fresh/changes.bin", 2L * CHUNK, 2, "\"old\"", "Cache-Control: max-age=0");
    assertArrayEquals(TestContent.bytes(2, 0, 2 * CHUNK), get(path).body());

    origin.replace(path, 2L * CHUNK + 10, 3, "application/octet-stream", "\"new\"", LAST_MODIFIED);
    HttpResponse<byte[]> changed = get(path);
    HttpResponse<byte[]> confirmed = get(path);

    assertEquals(200, changed.statusCode());
    assertArrayEquals(TestContent.bytes(3, 0, 2 * CHUNK + 10), changed.body());
    assertEquals("\"new\"", changed.headers().firstValue("ETag").orElseThrow());
    assertEquals("REVALIDATED", cache(confirmed));
    assertArrayEquals(TestContent.bytes(3, 0, 2 * CHUNK + 10), confirmed.body());
  }

  @Test
  void aFreshObjectIsAHitWithItsOriginHeaderFieldsAgeAndVia() throws Exception {
    String path =
        put("/fresh/hour.bin", CHUNK, 4, "\"h\"",
            "Cache-Control: public, max-age=3600",
            "Content-Disposition: attachment; filename=\"hour.bin\"",
            "Content-Language: en",
            "X-Origin-Note: kept");

    get(path);
    HttpResponse<byte[]> hit = get(path);

    assertEquals("HIT", cache(hit));
    assertEquals(1, origin.requestCount(path));
    assertEquals("public, max-age=3600", hit.headers().firstValue("Cache-Control").orElseThrow());
    assertEquals("attachment; filename=\"hour.bin\"", hit.headers().firstValue("Content-Disposition").orElseThrow());
    assertEquals("en", hit.headers().firstValue("Content-Language").orElseThrow());
    assertEquals("kept", hit.headers().firstValue("X-Origin-Note").orElseThrow());
    assertTrue(Long.parseLong(hit.headers().firstValue("Age").orElseThrow()) >= 0);
    assertEquals("1.1 ispcache", hit.headers().firstValue("Via").orElseThrow());
  }

  @Test
  void everyCacheControlLineCountsSoALaterPrivateLineKeepsTheObjectOutOfTheCache() throws Exception {
    String path = put("/fresh/two-lines.bin", 1000, 5, "\"t\"", "Cache-Control: public, max-age=3600", "Cache-Control: private");

    HttpResponse<byte[]> first = get(path);
    int afterFirst = origin.requestCount(path);
    HttpResponse<byte[]> second = get(path);

    assertArrayEquals(TestContent.bytes(5, 0, 1000), first.body());
    assertArrayEquals(TestContent.bytes(5, 0, 1000), second.body());
    assertEquals("MISS", cache(second));
    assertTrue(origin.requestCount(path) > afterFirst, "the second client was not served the first one's private copy");
  }

  @Test
  void contentEncodingIsKeptAndTheEncodedBytesAreServedAsTheyCame() throws Exception {
    String path = put("/fresh/encoded.bin", 5000, 6, "\"gz\"", "Content-Encoding: gzip", "Cache-Control: max-age=600", "Vary: Accept-Encoding");

    HttpResponse<byte[]> miss = get(path, "Accept-Encoding", "gzip");
    HttpResponse<byte[]> hit = get(path, "Accept-Encoding", "gzip, br");
    HttpResponse<byte[]> range = get(path, "Range", "bytes=100-199");

    assertEquals("gzip", miss.headers().firstValue("Content-Encoding").orElseThrow());
    assertEquals("gzip", hit.headers().firstValue("Content-Encoding").orElseThrow());
    assertEquals("HIT", cache(hit));
    assertArrayEquals(TestContent.bytes(6, 0, 5000), miss.body());
    assertArrayEquals(TestContent.bytes(6, 0, 5000), hit.body());
    assertEquals(206, range.statusCode());
    assertEquals("gzip", range.headers().firstValue("Content-Encoding").orElseThrow());
    assertArrayEquals(TestContent.bytes(6, 100, 100), range.body(), "a range of the encoded bytes, as the origin would send it");
  }

  @Test
  void setCookieIsNeverHandedToAnotherClient() throws Exception {
    String path = put("/fresh/cookie.bin", 100, 7, "\"c\"", "Cache-Control: max-age=600", "Set-Cookie: session=first-client");

    get(path);
    HttpResponse<byte[]> hit = get(path);

    assertEquals("HIT", cache(hit));
    assertFalse(hit.headers().firstValue("Set-Cookie").isPresent());
  }

  @Test
  void aStaleObjectIsServedWhenItsOriginFailsAndSaysSo() throws Exception {
    String path = put("/fresh/origin-down.bin", CHUNK, 8, "\"d\"", "Cache-Control: max-age=0");
    get(path);
    origin.fault(path, TestOrigin.Fault.status(503));
    try {
      HttpResponse<byte[]> stale = get(path);

      assertEquals(200, stale.statusCode());
      assertTrue(cache(stale).startsWith("STALE"), cache(stale));
      assertArrayEquals(TestContent.bytes(8, 0, CHUNK), stale.body());
    } finally {
      origin.clearFaults(path);
    }
  }

  @Test
  void mustRevalidateForbidsServingStaleSoTheOriginsFailureReachesTheClient() throws Exception {
    String path = put("/fresh/must-revalidate.bin", CHUNK, 9, "\"m\"", "Cache-Control: max-age=0, must-revalidate");
    get(path);
    origin.fault(path, TestOrigin.Fault.status(503));
    try {
      HttpResponse<byte[]> failed = get(path);

      assertEquals(503, failed.statusCode(), "the origin's own status, relayed");
    } finally {
      origin.clearFaults(path);
    }
  }

  @Test
  void anExpiresInThePastMakesTheObjectStale() throws Exception {
    String path = put("/fresh/expired.bin", 100, 10, "\"e\"", "Expires: Thu, 01 Jan 2015 00:00:00 GMT");

    get(path);
    HttpResponse<byte[]> again = get(path);

    assertEquals("REVALIDATED", cache(again));
    assertEquals(1, origin.conditionalRequests(path));
  }

  @Test
  void aNotModifiedAnswerUpdatesTheStoredHeaderFields() throws Exception {
    String path = put("/fresh/updated-fields.bin", 100, 11, "\"u\"", "Cache-Control: max-age=0", "X-Release: 1");
    get(path);

    origin.headers(path, "Cache-Control: max-age=0", "X-Release: 2");
    HttpResponse<byte[]> revalidated = get(path);

    assertEquals("REVALIDATED", cache(revalidated));
    assertEquals("2", revalidated.headers().firstValue("X-Release").orElseThrow());
  }

  @Test
  void aClientsNoCacheCausesOneRevalidationOfAFreshObject() throws Exception {
    String path = put("/fresh/client-no-cache.bin", 100, 12, "\"n\"", "Cache-Control: max-age=3600");
    get(path);

    HttpResponse<byte[]> revalidated = get(path, "Cache-Control", "no-cache");
    HttpResponse<byte[]> hit = get(path);

    assertEquals("REVALIDATED", cache(revalidated));
    assertEquals("HIT", cache(hit));
    assertEquals(1, origin.conditionalRequests(path));
  }

  @Test
  void onlyIfCachedGets504ForAnObjectNotHeldAndNothingIsFetched() throws Exception {
    String path = put("/fresh/only-if-cached.bin", 100, 13, "\"o\"", "Cache-Control: max-age=3600");

    HttpResponse<byte[]> absent = get(path, "Cache-Control", "only-if-cached");

    assertEquals(504, absent.statusCode());
    assertTrue(new String(absent.body()).contains("not_cached"));
    assertEquals(0, origin.requestCount(path));
  }

  @Test
  void aHeadOfAnUnknownObjectAsksTheOriginWithHeadAndFetchesNoBytes() throws Exception {
    String path = put("/fresh/head.bin", 3L * CHUNK, 14, "\"hd\"", "Cache-Control: max-age=3600");

    HttpResponse<byte[]> head = send("HEAD", node.url(path));

    assertEquals(200, head.statusCode());
    assertEquals(String.valueOf(3 * CHUNK), head.headers().firstValue("Content-Length").orElseThrow());
    assertEquals("\"hd\"", head.headers().firstValue("ETag").orElseThrow());
    assertTrue(origin.lastRequest(path).get(0).startsWith("HEAD "), origin.lastRequest(path).toString());
    assertEquals(0, origin.bytesSent(path));
    assertArrayEquals(TestContent.bytes(14, 0, 3 * CHUNK), get(path).body());
  }

  @Test
  void aRequestWithCredentialsIsRelayedWithThemAndNothingIsStored() throws Exception {
    String path = put("/fresh/authorized.bin", 100, 15, "\"z\"", "Cache-Control: max-age=3600");

    HttpResponse<byte[]> relayed = get(path, "Authorization", "Bearer secret");
    java.util.List<String> upstream = origin.lastRequest(path);
    HttpResponse<byte[]> anonymous = get(path);

    assertArrayEquals(TestContent.bytes(15, 0, 100), relayed.body());
    assertTrue(upstream.contains("Authorization: Bearer secret"), upstream.toString());
    assertEquals("MISS", cache(anonymous), "the authorized answer was not stored for others");
  }

  @Test
  void staleWhileRevalidateServesTheStoredCopyAndValidatesItBehind() throws Exception {
    String path = put("/fresh/swr.bin", 100, 16, "\"s\"", "Cache-Control: max-age=0, stale-while-revalidate=600");
    get(path);

    HttpResponse<byte[]> stale = get(path);

    assertTrue(cache(stale).startsWith("STALE"), cache(stale));
    assertArrayEquals(TestContent.bytes(16, 0, 100), stale.body());
    await().atMost(Duration.ofSeconds(10)).until(() -> origin.notModifiedAnswers(path) == 1);
  }

  @Test
  void anOrigin503OnAMissIsRelayedWithTheOriginsStatus() throws Exception {
    String path = put("/fresh/unavailable.bin", 100, 17, "\"x\"");
    origin.fault(path, TestOrigin.Fault.status(503));

    HttpResponse<byte[]> relayed = get(path);

    assertEquals(503, relayed.statusCode());
    assertFalse(new String(relayed.body()).contains("origin_failed"), "the origin's answer, not the node's own error");
  }

  @Test
  void a404WithALifetimeIsKeptAndAnsweredWithoutTheOriginUntilItIsStale() throws Exception {
    String path = "/fresh/missing-with-lifetime.bin";
    origin.headers(path, "Cache-Control: max-age=600");

    HttpResponse<byte[]> first = get(path);
    HttpResponse<byte[]> second = get(path);

    assertEquals(404, first.statusCode());
    assertEquals(404, second.statusCode());
    assertEquals("not found", new String(second.body()));
    assertEquals("HIT", cache(second));
    assertEquals("max-age=600", second.headers().firstValue("Cache-Control").orElseThrow());
    assertEquals(1, origin.requestCount(path));
  }

  @Test
  void a404WithoutALifetimeIsAskedForEachTime() throws Exception {
    String path = "/fresh/missing-without-lifetime.bin";

    get(path);
    HttpResponse<byte[]> second = get(path);

    assertEquals(404, second.statusCode());
    assertEquals(2, origin.requestCount(path));
  }

  @Test
  void anObjectStoredAfterItsStored404ExpiredIsServed() throws Exception {
    String path = "/fresh/published-later.bin";
    origin.headers(path, "Cache-Control: max-age=0");
    assertEquals(404, get(path).statusCode());

    put(path, 100, 18, "\"p\"", "Cache-Control: max-age=600");
    HttpResponse<byte[]> published = get(path);

    assertEquals(200, published.statusCode());
    assertArrayEquals(TestContent.bytes(18, 0, 100), published.body());
  }

  @Test
  void aMissSendsTheClientsUserAgentUpstreamAndNothingElseAClientCouldChooseOthersBytesWith() throws Exception {
    String path = put("/fresh/forwarded.bin", 100, 19, "\"f\"", "Cache-Control: max-age=600");

    get(path, "User-Agent", "Windows-Update-Agent/10.0", "X-Forwarded-Host", "evil.example", "Accept-Language", "de-DE",
        "Accept-Encoding", "gzip", "If-None-Match", "\"zz\"", "Cookie", "a=b");

    java.util.List<String> upstream = origin.lastRequest(path);
    assertTrue(upstream.contains("User-Agent: Windows-Update-Agent/10.0"), upstream.toString());
    assertTrue(upstream.stream().anyMatch(l -> l.equalsIgnoreCase("Accept-Encoding: identity")), "the node asks for the identity coding: " + upstream);
    assertFalse(
        upstream.stream().anyMatch(l -> l.startsWith("X-Forwarded-Host") || l.startsWith("Accept-Language")
            || l.startsWith("If-None-Match") || l.startsWith("Cookie")),
        upstream.toString());
  }

  @Test
  void aCookieOnACdnDownloadNeitherBypassesTheCacheNorGoesUpstream() throws Exception {
    String path = put("/fresh/cookie-client.bin", 100, 22, "\"k\"", "Cache-Control: max-age=600");
    get(path);

    HttpResponse<byte[]> withCookie = get(path, "Cookie", "analytics=1");

    assertEquals("HIT", cache(withCookie));
    assertEquals(1, origin.requestCount(path));
  }

  @Test
  void aConfirmationThatMakesTheObjectPrivateDropsItAndTheClientGetsTheOriginsAnswer() throws Exception {
    String path = put("/fresh/turns-private.bin", 100, 23, "\"t\"", "Cache-Control: max-age=0");
    get(path);

    origin.headers(path, "Cache-Control: max-age=0, private");
    HttpResponse<byte[]> relayed = get(path);
    int afterRelay = origin.requestCount(path);
    HttpResponse<byte[]> again = get(path);

    assertArrayEquals(TestContent.bytes(23, 0, 100), relayed.body());
    assertEquals("MISS", cache(again));
    assertTrue(origin.requestCount(path) > afterRelay, "no longer stored");
  }

  @Test
  void anObjectWithoutValidatorsThatChangedLengthIsServedNew() throws Exception {
    String path = "/fresh/no-validators.bin";
    origin.put(path, 1000, 24, "application/octet-stream", null, null);
    origin.headers(path, "Cache-Control: max-age=0");
    assertArrayEquals(TestContent.bytes(24, 0, 1000), get(path).body());

    origin.replace(path, 1200, 25, "application/octet-stream", null, null);
    HttpResponse<byte[]> changed = get(path);

    assertArrayEquals(TestContent.bytes(25, 0, 1200), changed.body(), "a new length is a new revision");
  }

  @Test
  void anEmptyLengthLearntByHeadIsNotKeptForTheGetThatFollows() throws Exception {
    String path = put("/fresh/head-empty.bin", 0, 26, "\"h0\"", "Cache-Control: max-age=600");
    assertEquals(200, send("HEAD", node.url(path)).statusCode());

    origin.replace(path, 500, 27, "application/octet-stream", "\"h1\"", LAST_MODIFIED);
    HttpResponse<byte[]> got = get(path);

    assertArrayEquals(TestContent.bytes(27, 0, 500), got.body());
  }

  @Test
  void aResponseThatVariesOnEverythingIsNeverServedFromTheCache() throws Exception {
    String path = put("/fresh/vary-star.bin", 100, 20, "\"v\"", "Cache-Control: max-age=600", "Vary: *");

    get(path);
    int afterFirst = origin.requestCount(path);
    HttpResponse<byte[]> second = get(path);

    assertArrayEquals(TestContent.bytes(20, 0, 100), second.body());
    assertEquals("MISS", cache(second));
    assertTrue(origin.requestCount(path) > afterFirst);
  }

  @Test
  void withClientDirectivesOffAClientsNoCacheIsServedFromTheCache() throws Exception {
    String path = put("/fresh/directives-off.bin", 100, 21, "\"d\"", "Cache-Control: max-age=600");
    try (InProcessNode lax = InProcessNode.start(dataDir.resolve("directives-off"), origin.port(), "ispcache.freshness.client-directives = off")) {
      send("GET", lax.url(path));

      HttpResponse<byte[]> hit = send("GET", lax.url(path), "Cache-Control", "no-cache", "Pragma", "no-cache");

      assertEquals("HIT", cache(hit));
      assertEquals(0, origin.conditionalRequests(path));
    }
  }
}
