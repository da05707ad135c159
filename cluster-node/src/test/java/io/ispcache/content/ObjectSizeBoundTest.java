package io.ispcache.content;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.node.InProcessNode;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An origin that states a huge object size gets its clients a quick 502 and leaves nothing behind;
 * the node goes on serving everything else. Every request has a deadline: a node that hangs on the
 * stated size fails the test instead of stalling it.
 */
class ObjectSizeBoundTest {
  static final int CHUNK = 256 * 1024;
  static final long PEBIBYTE = 1L << 50;
  static final long TEBIBYTE = 1L << 40;
  static final String SMALL_HOST = "small.example.org";
  static final String VAST_HOST = "vast.example.org";

  @TempDir static Path dataDir;
  static TestOrigin origin;
  static InProcessNode node;
  static HttpClient http;

  @BeforeAll
  static void start() throws IOException {
    origin = new TestOrigin();
    node =
        InProcessNode.start(
            dataDir,
            origin.port(),
            String.join(
                "\n",
                "ispcache.origins = [",
                "  { name = \"test\", hosts = [\"" + InProcessNode.ORIGIN_HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" }",
                "  { name = \"small\", hosts = [\"" + SMALL_HOST + "\"], max-object-size = 1MiB,",
                "    upstream-address = \"127.0.0.1:" + origin.port() + "\" }",
                "  { name = \"vast\", hosts = [\"" + VAST_HOST + "\"], max-object-size = 1PiB,",
                "    upstream-address = \"127.0.0.1:" + origin.port() + "\" }",
                "]"));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterAll
  static void stop() {
    if (node != null) {
      node.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  /** Status and at most the first 64 KiB of the body: a node that answered a huge body is not read to its end. */
  record Answer(int status, String contentType, String body) {}

  static Answer get(URI uri, String... headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    HttpResponse<InputStream> r = http.send(b.GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream in = r.body()) {
      byte[] head = in.readNBytes(64 * 1024);
      return new Answer(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), new String(head, StandardCharsets.UTF_8));
    }
  }

  static URI small(String path) {
    return URI.create(node.contentRoot() + path + "?cacheHostOrigin=" + SMALL_HOST);
  }

  static URI vast(String path) {
    return URI.create(node.contentRoot() + path + "?cacheHostOrigin=" + VAST_HOST);
  }

  private static void assertRefusedAsTooLarge(Answer a, long stated, long limit) {
    assertEquals(502, a.status(), a.body());
    assertTrue(a.contentType().startsWith("application/json"), a.contentType());
    assertTrue(a.body().contains("\"error\":\"origin_failed\""), a.body());
    assertTrue(a.body().contains(Long.toString(stated)) && a.body().contains(Long.toString(limit)),
        "the message names the stated size and the limit: " + a.body());
  }

  @Test
  void anOriginStatingAPebibyteInContentRangeGetsA502AndNothingIsStored() throws Exception {
    origin.put("/huge/pebibyte.bin", PEBIBYTE, 31, "application/octet-stream", "\"p\"", null);

    Answer first = get(node.url("/huge/pebibyte.bin"));
    Answer again = get(node.url("/huge/pebibyte.bin"));
    Answer ranged = get(node.url("/huge/pebibyte.bin"), "Range", "bytes=0-99");

    assertRefusedAsTooLarge(first, PEBIBYTE, TEBIBYTE);
    assertRefusedAsTooLarge(again, PEBIBYTE, TEBIBYTE);
    assertRefusedAsTooLarge(ranged, PEBIBYTE, TEBIBYTE);
    assertEquals(3, origin.requestCount("/huge/pebibyte.bin"), "nothing stored: every request asks the origin again");
  }

  @Test
  void anOriginAnswering200WithTheLargestContentLengthGetsA502AndNothingIsStored() throws Exception {
    origin.put("/huge/long-max.bin", Long.MAX_VALUE, 32, "application/octet-stream", "\"m\"", null);
    origin.fault("/huge/long-max.bin", TestOrigin.Fault.ignoreRange());

    Answer first = get(node.url("/huge/long-max.bin"));
    Answer again = get(node.url("/huge/long-max.bin"));

    assertRefusedAsTooLarge(first, Long.MAX_VALUE, TEBIBYTE);
    assertRefusedAsTooLarge(again, Long.MAX_VALUE, TEBIBYTE);
    assertEquals(2, origin.requestCount("/huge/long-max.bin"), "nothing stored: the second request asks the origin again");
  }

  @Test
  void anOriginsOwnMaxObjectSizeIsHonouredToTheByte() throws Exception {
    origin.put("/small/at-limit.bin", 1L << 20, 33, "application/octet-stream", "\"a\"", null);
    origin.put("/small/above-limit.bin", (1L << 20) + 1, 34, "application/octet-stream", "\"b\"", null);

    HttpResponse<byte[]> atLimit = http.send(
        HttpRequest.newBuilder(small("/small/at-limit.bin")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    Answer above = get(small("/small/above-limit.bin"));

    assertEquals(200, atLimit.statusCode());
    assertArrayEquals(TestContent.bytes(33, 0, 1 << 20), atLimit.body());
    assertRefusedAsTooLarge(above, (1L << 20) + 1, 1L << 20);
  }

  @Test
  void otherObjectsAreServedByteForByteWhileHugeOnesAreRefused() throws Exception {
    origin.put("/huge/pebibyte-2.bin", PEBIBYTE, 35, "application/octet-stream", "\"p2\"", null);
    origin.headers("/huge/pebibyte-2.bin", "Cache-Control: max-age=3600"); // fresh: this test is not about revalidation
    origin.put("/fine/three-chunks.bin", 3L * CHUNK - 7, 36, "application/octet-stream", "\"f\"", null);
    origin.headers("/fine/three-chunks.bin", "Cache-Control: max-age=3600"); // fresh: this test is not about revalidation

    for (int i = 0; i < 3; i++) {
      assertEquals(502, get(node.url("/huge/pebibyte-2.bin")).status());
      HttpResponse<byte[]> fine = http.send(
          HttpRequest.newBuilder(node.url("/fine/three-chunks.bin")).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(200, fine.statusCode());
      assertEquals(i == 0 ? "MISS" : "HIT", fine.headers().firstValue("X-Cache").orElseThrow());
      assertArrayEquals(TestContent.bytes(36, 0, 3 * CHUNK - 7), fine.body());
    }
  }

  @Test
  void aPebibyteObjectAllowedByItsOriginIsServedWholeAndByRangesWithoutAPartPerChunkUpFront() throws Exception {
    // 2^32 chunks of 256 KiB: parts made up front would not fit in any heap, let alone this one.
    origin.put("/vast/pebibyte.bin", PEBIBYTE, 37, "application/octet-stream", "\"v\"", null);
    origin.headers("/vast/pebibyte.bin", "Cache-Control: max-age=3600"); // fresh: this test is not about revalidation

    HttpResponse<InputStream> whole = http.send(
        HttpRequest.newBuilder(vast("/vast/pebibyte.bin")).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
    byte[] start;
    try (InputStream in = whole.body()) {
      start = in.readNBytes(CHUNK + 1000);
    }
    HttpResponse<byte[]> tail = http.send(
        HttpRequest.newBuilder(vast("/vast/pebibyte.bin")).header("Range", "bytes=-100").timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    HttpResponse<byte[]> again = http.send(
        HttpRequest.newBuilder(vast("/vast/pebibyte.bin")).header("Range", "bytes=0-99").timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertEquals(200, whole.statusCode());
    assertEquals(Long.toString(PEBIBYTE), whole.headers().firstValue("Content-Length").orElseThrow());
    assertArrayEquals(TestContent.bytes(37, 0, CHUNK + 1000), start);
    assertEquals(206, tail.statusCode());
    assertEquals("bytes " + (PEBIBYTE - 100) + "-" + (PEBIBYTE - 1) + "/" + PEBIBYTE, tail.headers().firstValue("Content-Range").orElseThrow());
    assertArrayEquals(TestContent.bytes(37, PEBIBYTE - 100, 100), tail.body());
    assertEquals(206, again.statusCode());
    assertEquals("HIT", again.headers().firstValue("X-Cache").orElseThrow());
    assertArrayEquals(TestContent.bytes(37, 0, 100), again.body());
  }

  @Test
  void anObjectStoredWithAnAbsurdLengthIsDroppedAtStartAndServedFreshFromTheOrigin() throws Exception {
    // A node whose origin allowed 1 PiB (as any node did before max-object-size) stores the meta
    // and chunk 0; restarted with the default 1 TiB limit, it must not trust that meta.
    Path own = dataDir.resolve("restarted");
    String path = "/restart/was-absurd.bin";
    origin.put(path, PEBIBYTE, 38, "application/octet-stream", "\"old\"", null);
    String lax = String.join("\n",
        "ispcache.origins = [ { name = \"test\", hosts = [\"" + InProcessNode.ORIGIN_HOST + "\"], max-object-size = 1PiB,",
        "  upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]");
    try (InProcessNode before = InProcessNode.start(own, origin.port(), lax)) {
      HttpResponse<byte[]> r = http.send(
          HttpRequest.newBuilder(before.url(path)).header("Range", "bytes=0-99").timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofByteArray());
      assertEquals(206, r.statusCode());
    }
    origin.replace(path, 3L * CHUNK, 39, "application/octet-stream", "\"new\"", null);
    int asked = origin.requestCount(path);

    try (InProcessNode after = InProcessNode.start(own, origin.port(), "")) {
      HttpResponse<byte[]> r = http.send(
          HttpRequest.newBuilder(after.url(path)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());

      assertEquals(200, r.statusCode());
      assertEquals("MISS", r.headers().firstValue("X-Cache").orElseThrow());
      assertEquals("\"new\"", r.headers().firstValue("ETag").orElseThrow());
      assertArrayEquals(TestContent.bytes(39, 0, 3 * CHUNK), r.body());
      assertEquals(asked + 3, origin.requestCount(path), "every chunk fetched afresh");
    }
  }
}
