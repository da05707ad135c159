package io.ispcache.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
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
 * An operator's purge through the admin API reaches the cache nodes of the cluster: the next
 * request for a purged object is a miss fetched from the origin again, other objects stay hits,
 * and a node that was down when the purge was recorded applies it when it comes back.
 */
class PurgeClusterTest {
  static final String OP = "operator-key-for-purge-tests-0123456";
  static final int LENGTH = 300_000; // two chunks of 256 KiB
  /** Nodes learn of purges at once through a notice; this poll is only the fallback that must not be relied on for speed. */
  static final String NODE = "ispcache.purge.poll-interval = 3s\n";
  static final Duration DEADLINE = Duration.ofSeconds(45);

  @TempDir static Path dir;
  static TestOrigin origin;
  static InProcessNode admin;
  static InProcessNode edge;
  static String seed;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    origin = new TestOrigin();
    admin = InProcessNode.startWithoutContent(dir.resolve("admin"), origin.port(),
        "akka.cluster.roles = [\"admin\"]\n"
            + "ispcache.admin { interface = \"127.0.0.1\", port = 0, operator-key = \"" + OP + "\" }\n");
    seed = admin.seedNodes();
    edge = InProcessNode.start(dir.resolve("edge"), origin.port(), seed + NODE);
    // The registry singleton answers once the admin process is up in the cluster.
    await().atMost(DEADLINE).until(() -> api("GET", "/purges", null).statusCode() == 200);
  }

  @AfterAll
  static void stop() {
    if (edge != null) {
      edge.close();
    }
    if (admin != null) {
      admin.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  static HttpResponse<String> api(String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + admin.node().adminPort() + "/api/v1" + path))
        .header("Authorization", "Bearer " + OP).timeout(Duration.ofSeconds(20));
    if (body != null) {
      b.header("Content-Type", "application/json");
    }
    return http.send(b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static void purge(String json) throws Exception {
    HttpResponse<String> r = api("POST", "/purges", json);
    assertEquals(201, r.statusCode(), r.body());
  }

  /** Fetches the object through {@code node}, checks every byte and answers its X-Cache. */
  static String fetch(InProcessNode node, String path, long seed) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(node.url(path)).timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), path);
    assertArrayEquals(TestContent.bytes(seed, 0, LENGTH), r.body(), path);
    return r.headers().firstValue("X-Cache").orElseThrow();
  }

  static void put(String path, long seed) {
    origin.put(path, LENGTH, seed, "application/octet-stream", "\"" + seed + "\"", null);
    origin.headers(path, "Cache-Control: max-age=3600"); // fresh: a HIT here means stored, not revalidated
  }

  static String metrics(InProcessNode node) throws Exception {
    return http.send(HttpRequest.newBuilder(node.health("/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
  }

  @Test
  void purgedUrlIsAMissFetchedFromTheOriginAgainAndOtherObjectsStayHits() throws Exception {
    put("/one/purged.bin", 21);
    put("/one/purged.bin.sig", 22);
    assertEquals("MISS", fetch(edge, "/one/purged.bin", 21));
    assertEquals("HIT", fetch(edge, "/one/purged.bin", 21));
    assertEquals("MISS", fetch(edge, "/one/purged.bin.sig", 22));
    int fetched = origin.requestCount("/one/purged.bin");
    int other = origin.requestCount("/one/purged.bin.sig");

    purge("{\"url\":\"http://" + InProcessNode.ORIGIN_HOST + "/one/purged.bin\"}");

    // Until the purge arrives the object is still a hit (no origin request); then one miss.
    await().atMost(DEADLINE).until(() -> fetch(edge, "/one/purged.bin", 21).equals("MISS"));
    assertTrue(origin.requestCount("/one/purged.bin") > fetched, "fetched from the origin again");
    assertEquals("HIT", fetch(edge, "/one/purged.bin", 21), "stored again: the purge does not drop the new copy");
    assertEquals("HIT", fetch(edge, "/one/purged.bin.sig", 22), "a key the purged one is a prefix of stays");
    assertEquals(other, origin.requestCount("/one/purged.bin.sig"));
    String m = metrics(edge);
    assertTrue(m.contains("ispcache_purged_objects_total"), m);
  }

  @Test
  void nodeThatWasDownAppliesThePrefixPurgeWhenItComesBack() throws Exception {
    put("/dir/x.bin", 31);
    put("/dir/sub/y.bin", 32);
    put("/other/z.bin", 33);
    Path lateDir = dir.resolve("late");
    try (InProcessNode late = InProcessNode.start(lateDir, origin.port(), seed + NODE)) {
      for (String path : new String[] {"/dir/x.bin", "/dir/sub/y.bin", "/other/z.bin"}) {
        long s = path.equals("/dir/x.bin") ? 31 : path.equals("/dir/sub/y.bin") ? 32 : 33;
        fetch(late, path, s);
        assertEquals("HIT", fetch(late, path, s));
      }
    }
    int x = origin.requestCount("/dir/x.bin");
    int z = origin.requestCount("/other/z.bin");

    purge("{\"prefix\":\"http://" + InProcessNode.ORIGIN_HOST + "/dir/\"}");

    try (InProcessNode late = InProcessNode.start(lateDir, origin.port(), seed + NODE)) {
      await().atMost(DEADLINE).until(() -> fetch(late, "/dir/x.bin", 31).equals("MISS"));
      assertTrue(origin.requestCount("/dir/x.bin") > x);
      assertEquals("MISS", fetch(late, "/dir/sub/y.bin", 32), "the whole prefix was dropped");
      assertEquals("HIT", fetch(late, "/other/z.bin", 33), "outside the prefix: kept across the restart");
      assertEquals(z, origin.requestCount("/other/z.bin"));
    }
  }
}
