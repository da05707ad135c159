package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.ispcache.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The transfer port serves the members of its cluster, which present the shared secret, and
 * refuses everyone else with a JSON 403 before looking at what they ask for.
 */
class PeerMembersOnlyTest {
  static final int CHUNK = 256 * 1024;
  static final String SECRET = "peer-secret-for-tests-0123456789abcdef";
  static final String PATH = "/peer/members-only.bin";
  @TempDir static Path dataDir;
  static TestOrigin origin;
  static InProcessNode first;
  static InProcessNode second;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    origin = new TestOrigin();
    String common = "ispcache.peer.secret = \"" + SECRET + "\"\n";
    first = InProcessNode.start(dataDir.resolve("node-1"), origin.port(), common);
    second = InProcessNode.start(dataDir.resolve("node-2"), origin.port(), common + first.seedNodes());
  }

  @AfterAll
  static void stop() {
    for (InProcessNode n : Arrays.asList(second, first)) {
      if (n != null) {
        n.close();
      }
    }
    if (origin != null) {
      origin.close();
    }
  }

  static byte[] get(InProcessNode node) throws Exception {
    HttpResponse<byte[]> r = http.send(
        HttpRequest.newBuilder(node.url(PATH)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), new String(r.body(), StandardCharsets.UTF_8));
    return r.body();
  }

  @Test
  void aMemberPullsChunksWhileRequestsWithoutTheClusterSecretAreRefused() throws Exception {
    int length = 2 * CHUNK + 5;
    origin.put(PATH, length, 77, "application/octet-stream", "\"m1\"", null);
    origin.headers(PATH, "Cache-Control: max-age=3600");
    byte[] expected = ClusterFillTest.expected(77, length);
    assertArrayEquals(expected, get(first));
    assertArrayEquals(expected, get(second), "the second node pulls from the first");
    assertEquals(length, origin.bytesSent(PATH), "the member's pulls succeeded: the origin sent the object once");

    URI chunk = URI.create("http://127.0.0.1:" + first.node().peerPort() + "/objects/"
        + Base64.getUrlEncoder().withoutPadding().encodeToString(("test" + PATH).getBytes(StandardCharsets.UTF_8)) + "/chunks/0");
    for (String presented : Arrays.asList(null, "", "wrong-secret-of-another-cluster-0123456789", SECRET + "x", SECRET.substring(1))) {
      HttpRequest.Builder b = HttpRequest.newBuilder(chunk).timeout(Duration.ofSeconds(20));
      if (presented != null) {
        b.header("X-Ispcache-Peer-Secret", presented);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertEquals(403, r.statusCode(), "secret " + presented + ": " + r.body());
      assertEquals("application/json", r.headers().firstValue("Content-Type").orElseThrow());
      assertEquals("not_a_peer", new ObjectMapper().readTree(r.body()).get("error").asText());
    }
    HttpResponse<byte[]> member = http.send(
        HttpRequest.newBuilder(chunk).timeout(Duration.ofSeconds(20)).header("X-Ispcache-Peer-Secret", SECRET).build(),
        HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, member.statusCode());
    assertArrayEquals(Arrays.copyOf(expected, CHUNK), member.body());
  }

  static String b64(String s) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static HttpResponse<byte[]> pull(String key, long index, String fillFor) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + second.node().peerPort() + "/objects/" + b64(key) + "/chunks/" + index
        + (fillFor == null ? "" : "?fill-for=" + fillFor));
    return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(20)).header("X-Ispcache-Peer-Secret", SECRET).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /**
   * A node chosen as the stand-in for a lost entity's chunk fills a chunk it does not hold when
   * asked with the object's address (and only an address of that key); without one it says it
   * does not hold it, and a malformed one is refused.
   */
  @Test
  void aStandInFillsWhatItIsAskedForWithTheObjectsAddress() throws Exception {
    String path = "/peer/stand-in.bin";
    String key = "test" + path;
    int length = 2 * CHUNK;
    origin.put(path, length, 78, "application/octet-stream", "\"s1\"", null);
    byte[] expected = ClusterFillTest.expected(78, length);

    HttpResponse<byte[]> notHeld = pull(key, 1, null);
    assertEquals(404, notHeld.statusCode(), "without an address: not held, nothing fetched");
    HttpResponse<byte[]> otherKey = pull(key, 1, b64(InProcessNode.ORIGIN_HOST + "\n/peer/another.bin"));
    assertEquals(404, otherKey.statusCode(), "an address of another key is not filled under this one");
    assertEquals(0, origin.requestCount(path));
    for (String bad : Arrays.asList("not*base64", b64("no-newline"), b64(InProcessNode.ORIGIN_HOST + "\nrelative/path"))) {
      HttpResponse<byte[]> r = pull(key, 1, bad);
      assertEquals(400, r.statusCode(), bad);
      assertEquals("bad_address", new ObjectMapper().readTree(r.body()).get("error").asText());
    }

    HttpResponse<byte[]> filled = pull(key, 1, b64(InProcessNode.ORIGIN_HOST + "\n" + path));
    assertEquals(200, filled.statusCode(), new String(filled.body(), StandardCharsets.UTF_8));
    assertArrayEquals(Arrays.copyOfRange(expected, CHUNK, length), filled.body());
    assertEquals(CHUNK, origin.bytesSent(path), "the stand-in fetched that one chunk");
    assertEquals(200, pull(key, 1, null).statusCode(), "and holds it now");
  }
}
