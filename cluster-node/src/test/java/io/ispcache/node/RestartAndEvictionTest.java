package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store as a client and an operator see it across restarts and under a small drive. */
class RestartAndEvictionTest {
  static final int CHUNK = 256 * 1024;
  static TestOrigin origin;
  static HttpClient http;

  @BeforeAll
  static void start() throws Exception {
    origin = new TestOrigin();
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  static HttpResponse<byte[]> get(URI uri) throws Exception {
    return http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static byte[] expected(long seed, int length) {
    byte[] b = new byte[length];
    TestContent.fill(seed, 0, b, 0, length);
    return b;
  }

  @Test
  void cleanRestartKeepsTheCacheWarm(@TempDir Path dataDir) throws Exception {
    int length = 5 * CHUNK + 3;
    origin.put("/restart/warm.bin", length, 51, "application/octet-stream", "\"w\"", null);
    origin.headers("/restart/warm.bin", "Cache-Control: max-age=3600"); // fresh: this test is not about revalidation
    try (InProcessNode node = InProcessNode.start(dataDir, origin.port(), "")) {
      assertArrayEquals(expected(51, length), get(node.url("/restart/warm.bin")).body());
    }
    int fetched = origin.requestCount("/restart/warm.bin");

    try (InProcessNode again = InProcessNode.start(dataDir, origin.port(), "")) {
      HttpResponse<byte[]> r = get(again.url("/restart/warm.bin"));
      assertEquals("HIT", r.headers().firstValue("X-Cache").orElseThrow());
      assertArrayEquals(expected(51, length), r.body());
    }
    assertEquals(fetched, origin.requestCount("/restart/warm.bin"), "nothing refetched");
  }

  @Test
  void smallDriveNeverExceedsItsLimitAndStillServesCorrectBytes(@TempDir Path dataDir) throws Exception {
    long limit = 8L * CHUNK;
    String drive = "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/small\", size = " + limit + " } ]";
    try (InProcessNode node = InProcessNode.start(dataDir, origin.port(), drive)) {
      for (int i = 0; i < 6; i++) {
        origin.put("/evict/obj-" + i + ".bin", 3L * CHUNK, 60 + i, "application/octet-stream", "\"e" + i + "\"", null);
        assertArrayEquals(expected(60 + i, 3 * CHUNK), get(node.url("/evict/obj-" + i + ".bin")).body());
        assertTrue(usedBytes(node) <= limit, "drive usage " + usedBytes(node) + " exceeds " + limit);
      }
      assertTrue(evictions(node) > 0, "older chunks were evicted");
      // Evicted content is fetched again and still byte-identical.
      assertArrayEquals(expected(60, 3 * CHUNK), get(node.url("/evict/obj-0.bin")).body());
      assertTrue(usedBytes(node) <= limit);
    }
  }

  static long usedBytes(InProcessNode node) throws Exception {
    return metric(node, "(?m)^ispcache_drive_used_bytes\\{[^}]*\\} (\\S+)");
  }

  static long evictions(InProcessNode node) throws Exception {
    return metric(node, "(?m)^ispcache_evictions_total (\\S+)");
  }

  static long metric(InProcessNode node, String regex) throws Exception {
    String text = new String(get(node.health("/metrics")).body(), StandardCharsets.UTF_8);
    Matcher m = Pattern.compile(regex).matcher(text);
    assertTrue(m.find(), regex + " in\n" + text);
    return (long) Double.parseDouble(m.group(1)); // Prometheus writes every value as a float
  }
}
