package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.content.server.RawHttp;
import io.ispcache.node.InProcessNode;
import io.ispcache.node.NodeAndOrigin;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request targets and cache keys end to end, on raw sockets (java.net.http neither sends
 * absolute-form nor dot segments as written): what is keyed, what goes upstream, what is refused.
 */
class RequestTargetTest {
  static final int CHUNK = 256 * 1024;
  static final String HOST = InProcessNode.ORIGIN_HOST;

  @TempDir static Path dataDir;
  static TestOrigin origin;
  static InProcessNode node;
  static int port;

  static NodeAndOrigin setup;

  @BeforeAll
  static void start() throws IOException {
    setup = NodeAndOrigin.start(dataDir, "");
    origin = setup.origin();
    node = setup.node();
    port = node.contentRoot().getPort();
  }

  @AfterAll
  static void stop() {
    if (setup != null) {
      setup.close();
    }
  }

  static String put(String path, long length, long seed) {
    origin.put(path, length, seed, "application/octet-stream", "\"" + seed + "\"", null);
    origin.headers(path, "Cache-Control: max-age=3600"); // fresh: a HIT here means one stored copy
    return path;
  }

  /** One GET on its own connection: {@code target} as written, {@code Host} and more header lines. */
  static RawHttp.Response get(String target, String host, String... headers) throws IOException {
    StringBuilder r = new StringBuilder("GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String h : headers) {
      r.append(h).append("\r\n");
    }
    return exchange(r.append("Connection: close\r\n\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  static RawHttp.Response exchange(byte[] request) throws IOException {
    try (RawHttp c = new RawHttp(port)) {
      return c.send(request).read();
    }
  }

  static void assertJsonError(RawHttp.Response r, int status, String code) {
    assertEquals(status, r.status(), r.text());
    assertEquals("application/json", r.header("Content-Type"));
    assertTrue(r.text().contains("\"error\":\"" + code + "\""), r.text());
  }

  // --- paths ------------------------------------------------------------------------------------

  @Test
  void dotSegmentsAndEncodedDotsNameOneObjectFetchedOnce() throws Exception {
    String path = put("/targets/dots/big.bin", 3L * CHUNK - 7, 31);
    byte[] expected = TestContent.bytes(31, 0, 3 * CHUNK - 7);

    for (int i = 0; i < 20; i++) {
      RawHttp.Response r = get("/targets/dots/v" + i + "/../big.bin", HOST);
      assertEquals(200, r.status(), r.text());
      assertArrayEquals(expected, r.body());
    }
    assertArrayEquals(expected, get("/targets/dots/a/%2e%2E/big.bin", HOST).body());
    assertArrayEquals(expected, get("/targets/./dots/%62ig.bin", HOST).body());
    RawHttp.Response plain = get(path, HOST);

    assertEquals("HIT", plain.header("X-Cache"));
    assertArrayEquals(expected, plain.body());
    assertEquals(3, origin.requestCount(path), "one origin fetch per chunk, for every spelling");
    assertTrue(origin.requestsSeen(path).stream().allMatch(s -> s.target().equals(path)), origin.requestsSeen(path).toString());
    assertEquals(0, origin.requestCount("/targets/dots/v0/../big.bin"));
  }

  @Test
  void aPathStartingWithTwoSlashesIsRefusedNotReadAsAHost() throws Exception {
    put("/a.txt", 100, 32);

    assertJsonError(get("//evil.example/a.txt", HOST), 400, "bad_path");
    assertJsonError(get("/x/..//evil.example/a.txt", HOST), 400, "bad_path");
    assertJsonError(get("//b", HOST), 400, "bad_path");

    assertEquals(0, origin.requestCount("/a.txt"));
  }

  @Test
  void anEncodedNulAndMalformedEscapesAreRefusedWithJson400() throws Exception {
    assertJsonError(get("/targets/nul%00.bin", HOST), 400, "bad_path");
    RawHttp.Response malformed = get("/targets/bad%zz.bin", HOST);
    assertEquals(400, malformed.status());
    assertTrue(malformed.text().startsWith("{\"error\":"), malformed.text());
  }

  @Test
  void aFragmentInTheTargetIsRefused() throws Exception {
    String path = put("/targets/fragment.bin", 100, 45);

    assertJsonError(get(path + "#part", HOST), 400, "bad_request");
    assertJsonError(get("/targets/x#/../fragment.bin", HOST), 400, "bad_request");

    assertEquals(0, origin.requestCount(path));
  }

  @Test
  void anEncodedSlashStaysEncodedUpstream() throws Exception {
    String path = put("/targets/a%2Fb.bin", 500, 33);

    RawHttp.Response r = get("/targets/a%2fb.bin", HOST);

    assertEquals(200, r.status(), r.text());
    assertArrayEquals(TestContent.bytes(33, 0, 500), r.body());
    assertEquals(List.of(new TestOrigin.Seen(path, HOST)), origin.requestsSeen(path));
  }

  // --- absolute-form ----------------------------------------------------------------------------

  @Test
  void anAbsoluteFormTargetsAuthorityWinsOverHost() throws Exception {
    String path = put("/targets/absolute.bin", 700, 34);

    // RFC 9112 §3.2.2: the Host header is ignored; the target names a host not on the allowlist.
    assertJsonError(get("http://not-allowed.example" + path, HOST), 403, "origin_not_allowed");
    assertEquals(0, origin.requestCount(path));

    RawHttp.Response r = get("http://other.example.org" + path + "?v=1", "not-allowed.example");
    assertEquals(200, r.status(), r.text());
    assertArrayEquals(TestContent.bytes(34, 0, 700), r.body());
    assertEquals(List.of(new TestOrigin.Seen(path + "?v=1", "other.example.org")), origin.requestsSeen(path));
  }

  @Test
  void anAbsoluteFormTargetIsNormalisedToo() throws Exception {
    String path = put("/targets/absolute-dots.bin", 700, 35);

    RawHttp.Response r = get("http://" + HOST + "/targets/x/../absolute-dots.bin", "ignored.example");

    assertEquals(200, r.status(), r.text());
    assertEquals(List.of(new TestOrigin.Seen(path, HOST)), origin.requestsSeen(path));
  }

  @Test
  void anHttpsTargetIsRefusedOnThePlainPort() throws Exception {
    String path = put("/targets/secure.bin", 700, 36);

    assertJsonError(get("https://" + HOST + path, HOST), 400, "https_target");
    assertEquals(0, origin.requestCount(path));
  }

  // --- query ------------------------------------------------------------------------------------

  @Test
  void whenTheKeyDropsTheQueryTheCanonicalUrlIsFetched() throws Exception {
    String path = put("/targets/query.bin", 900, 37);

    RawHttp.Response poisoned = get(path + "?token=evil", HOST);
    RawHttp.Response later = get(path, HOST);

    assertEquals(200, poisoned.status());
    assertEquals("HIT", later.header("X-Cache"));
    assertArrayEquals(TestContent.bytes(37, 0, 900), later.body());
    assertEquals(List.of(new TestOrigin.Seen(path, HOST)), origin.requestsSeen(path), "the client's query never goes upstream");
  }

  @Test
  void whenTheKeyKeepsTheQueryItGoesUpstreamWithoutCacheHostOrigin() throws Exception {
    String path = put("/targets/query-kept.bin", 900, 38);

    RawHttp.Response r = get(path + "?v=2&cacheHostOrigin=other.example.org", "ignored.example");

    assertEquals(200, r.status(), r.text());
    assertEquals(List.of(new TestOrigin.Seen(path + "?v=2", "other.example.org")), origin.requestsSeen(path));
  }

  // --- host key spaces --------------------------------------------------------------------------

  @Test
  void hostsMatchedOnlyByAWildcardDoNotShareKeys() throws Exception {
    String path = put("/targets/wildcard.bin", 1000, 39);

    get(path, "anything.cdn.example.net");
    RawHttp.Response other = get(path, "cdn.cdn.example.net");
    RawHttp.Response named = get(path, HOST);

    assertEquals("MISS", other.header("X-Cache"), "a fetch through one subdomain is not served to another");
    assertEquals("MISS", named.header("X-Cache"));
    assertEquals(3, origin.requestCount(path));
  }

  @Test
  void hostsListedByNameShareOneCopy() throws Exception {
    String path = put("/targets/named.bin", 1000, 40);

    get(path, HOST);
    RawHttp.Response alias = get(path, InProcessNode.ORIGIN_ALIAS);

    assertEquals("HIT", alias.header("X-Cache"));
    assertArrayEquals(TestContent.bytes(40, 0, 1000), alias.body());
    assertEquals(1, origin.requestCount(path));
  }

  // --- request line and headers -----------------------------------------------------------------

  @Test
  void http12IsServedAsHttp11AndHttp2IsNot() throws Exception {
    String path = put("/targets/version.bin", 300, 41);

    RawHttp.Response minor = exchange(("GET " + path + " HTTP/1.2\r\nHost: " + HOST + "\r\nConnection: close\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    RawHttp.Response major = exchange(("GET " + path + " HTTP/2.0\r\nHost: " + HOST + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));

    assertEquals(200, minor.status(), minor.text());
    assertArrayEquals(TestContent.bytes(41, 0, 300), minor.body());
    assertEquals(505, major.status());
  }

  @Test
  void aUtf8HeaderValueIsAccepted() throws Exception {
    String path = put("/targets/utf8.bin", 300, 42);
    ByteArrayOutputStream request = new ByteArrayOutputStream();
    request.write(("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\nUser-Agent: ").getBytes(StandardCharsets.ISO_8859_1));
    request.write("Lädt Ünïcode 下载".getBytes(StandardCharsets.UTF_8));
    request.write("\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));

    RawHttp.Response r = exchange(request.toByteArray());

    assertEquals(200, r.status(), r.text());
    assertArrayEquals(TestContent.bytes(42, 0, 300), r.body());
  }

  @Test
  void anyCloseTokenInConnectionClosesTheConnection() throws Exception {
    String path = put("/targets/close.bin", 300, 43);
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: keep-alive, close\r\n\r\n");
      assertEquals(200, c.read().status());
      assertTrue(c.closedByServer(), "the connection was kept open despite close");
    }
    try (RawHttp c = new RawHttp(port)) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: " + HOST + "\r\nConnection: keep-alive\r\nConnection: close\r\n\r\n");
      assertEquals(200, c.read().status());
      assertTrue(c.closedByServer(), "a close in a second Connection line was ignored");
    }
  }

  // --- ranges -----------------------------------------------------------------------------------

  @Test
  void moreRangesThanTheLimitAreRefusedWith416() throws Exception {
    String path = put("/targets/ranges.bin", 10_000, 44);
    StringBuilder sixteen = new StringBuilder("bytes=0-9");
    for (int i = 1; i < 16; i++) {
      sixteen.append(',').append(i * 100).append('-').append(i * 100 + 9);
    }

    RawHttp.Response allowed = get(path, HOST, "Range: " + sixteen);
    RawHttp.Response tooMany = get(path, HOST, "Range: " + sixteen + ",5000-5009");
    RawHttp.Response tooManyAgain = get(path, HOST, "Range: " + sixteen + ",5000-5009");

    assertEquals(206, allowed.status());
    assertTrue(allowed.header("Content-Type").startsWith("multipart/byteranges"));
    assertJsonError(tooMany, 416, "too_many_ranges");
    assertJsonError(tooManyAgain, 416, "too_many_ranges");
    assertEquals("bytes */10000", tooManyAgain.header("Content-Range"), "the length, once known");
    assertFalse(tooMany.body().length > 1000, "never the whole object");
  }
}
