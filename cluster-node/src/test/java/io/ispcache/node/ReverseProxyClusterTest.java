package io.ispcache.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two cache nodes in reverse-proxy mode: a successful POST through one drops the object's copies
 * cluster-wide, so neither node serves the old bytes afterwards, and the node that forwarded it
 * is not sent to its peer's outdated copy either.
 */
class ReverseProxyClusterTest {
  static final int LENGTH = 300_000; // two chunks of 256 KiB
  static final Duration DEADLINE = Duration.ofSeconds(30);
  @TempDir static Path dir;
  static TestOrigin origin;
  static InProcessNode a;
  static InProcessNode b;
  static final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    origin = new TestOrigin();
    String common =
        "ispcache.origins = [ { name = \"web\", hosts = [\"*\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]\n";
    a = InProcessNode.start(dir.resolve("a"), origin.port(), common);
    b = InProcessNode.start(dir.resolve("b"), origin.port(), common + a.seedNodes());
    for (InProcessNode n : new InProcessNode[] {a, b}) {
      await().atMost(DEADLINE).until(() -> StreamSupport.stream(Cluster.get(n.node().system()).state().getMembers().spliterator(), false)
          .filter(m -> m.status() == MemberStatus.up())
          .count() == 2);
    }
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable c : new AutoCloseable[] {b, a}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing
      }
    }
    if (origin != null) {
      origin.close();
    }
  }

  static URI url(InProcessNode node, String path) {
    return URI.create("http://127.0.0.1:" + node.node().contentPort() + path);
  }

  /** The X-Cache of a GET through {@code node}, when its body is the object of {@code seed}; else "other bytes". */
  static String fetch(InProcessNode node, String path, long seed) throws Exception {
    HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(url(node, path)).timeout(DEADLINE).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), path);
    return Arrays.equals(TestContent.bytes(seed, 0, LENGTH), r.body()) ? r.headers().firstValue("X-Cache").orElseThrow() : "other bytes";
  }

  @Test
  void aPostThroughOneNodeDropsTheCopiesOfBoth() throws Exception {
    String path = "/shared/page";
    origin.put(path, LENGTH, 41, "application/octet-stream", "\"41\"", null);
    origin.headers(path, "Cache-Control: max-age=3600");
    assertEquals("MISS", fetch(a, path, 41));
    assertEquals("HIT", fetch(a, path, 41));
    fetch(b, path, 41);
    assertEquals("HIT", fetch(b, path, 41), "both nodes hold the object");

    origin.replace(path, LENGTH, 42, "application/octet-stream", "\"42\"", null);
    HttpResponse<String> posted =
        http.send(HttpRequest.newBuilder(url(a, path)).POST(HttpRequest.BodyPublishers.ofString("edit")).timeout(DEADLINE).build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(200, posted.statusCode(), posted.body());
    assertEquals("edit", origin.received(path).get(0).body());

    assertEquals("MISS", fetch(a, path, 42), "the forwarding node fetches anew, not from its peer's old copy");
    // The other node hears of it a moment later (no wait here is long enough to flake: it only ends early).
    await().atMost(DEADLINE).until(() -> !fetch(b, path, 42).equals("other bytes"));
    assertEquals("HIT", fetch(b, path, 42));
    assertEquals("other bytes", fetch(b, path, 41), "the old bytes are gone");
  }
}
