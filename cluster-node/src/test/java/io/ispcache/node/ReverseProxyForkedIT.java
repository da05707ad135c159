package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.NodeProcess;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node as a process in reverse-proxy mode ({@code hosts = ["*"]} with a fixed upstream address):
 * POST, PUT and DELETE reach the web origin with their bodies (Content-Length, chunked, behind
 * {@code Expect: 100-continue}), past the origin's interim 100, and each successful one drops the
 * stored GET of its URI, so the next GET fetches the origin's new content.
 */
class ReverseProxyForkedIT {
  static final String CDN = "cdn.example.net";
  static final int LENGTH = 300_000;
  static TestOrigin origin;
  static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @BeforeAll
  static void start() throws Exception {
    origin = new TestOrigin();
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  static Path config(Path dir, int content, int health) throws Exception {
    Path file = dir.resolve("node.conf");
    String upstream = "\"127.0.0.1:" + origin.port() + "\"";
    Files.writeString(
        file,
        String.join(
            "\n",
            "ispcache.data-dir = \"" + dir.resolve("data") + "\"",
            "ispcache.content { interface = \"127.0.0.1\", port = " + content + " }",
            "ispcache.health { interface = \"127.0.0.1\", port = " + health + " }",
            "ispcache.peer { interface = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
            "ispcache.store.chunk-size = 1MiB",
            "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 1GiB } ]",
            "ispcache.origins = [",
            "  { name = \"web\", hosts = [\"*\"], upstream-address = " + upstream + " }",
            "  { name = \"cdn\", hosts = [\"" + CDN + "\"], upstream-address = " + upstream + " }",
            "]",
            "ispcache.cluster.management = false",
            "akka.remote.artery.canonical.port = 0",
            "akka.cluster.roles = [\"cache\"]"));
    return file;
  }

  static HttpResponse<byte[]> send(HttpRequest.Builder request) throws Exception {
    return http.send(request.timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  static void assertGet(URI uri, String cache, long seed) throws Exception {
    HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri));
    assertEquals(200, r.statusCode());
    assertEquals(cache, r.headers().firstValue("X-Cache").orElse(""), uri.toString());
    assertArrayEquals(TestContent.bytes(seed, 0, LENGTH), r.body());
  }

  @Test
  void unsafeMethodsReachTheOriginWithTheirBodiesAndInvalidateTheStoredGet(@TempDir Path dir) throws Exception {
    int content = NodeProcess.freePort();
    int health = NodeProcess.freePort();
    String path = "/app/document";
    origin.put(path, LENGTH, 1, "application/octet-stream", "\"v1\"", null);
    origin.headers(path, "Cache-Control: max-age=3600");
    URI uri = URI.create("http://127.0.0.1:" + content + path);
    try (NodeProcess node = NodeProcess.start(config(dir, content, health), dir.resolve("node.log"))) {
      node.awaitHealthy(URI.create("http://127.0.0.1:" + health + "/health"), Duration.ofSeconds(60));
      try {
        assertGet(uri, "MISS", 1);
        assertGet(uri, "HIT", 1);

        byte[] form = "name=value&other=1".getBytes(StandardCharsets.US_ASCII);
        byte[] upload = new byte[100_000];
        new java.util.Random(3).nextBytes(upload);
        String uploaded = new String(upload, StandardCharsets.ISO_8859_1);
        List<HttpRequest.Builder> unsafe =
            List.of(
                // Content-Length, and the client waits for 100 Continue, which the node sends itself.
                HttpRequest.newBuilder(uri).expectContinue(true).header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(form)),
                // A body of unknown length: sent chunked.
                HttpRequest.newBuilder(uri).PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(upload))),
                HttpRequest.newBuilder(uri).method("DELETE", HttpRequest.BodyPublishers.ofString("because")));
        List<String> bodies = List.of("name=value&other=1", uploaded, "because");
        List<String> methods = List.of("POST", "PUT", "DELETE");
        long seed = 1;
        for (int i = 0; i < unsafe.size(); i++) {
          seed++;
          origin.replace(path, LENGTH, seed, "application/octet-stream", "\"v" + seed + "\"", null);
          int getsBefore = origin.requestCount(path) - origin.received(path).size();

          HttpResponse<byte[]> r = send(unsafe.get(i));

          String method = methods.get(i);
          assertEquals(200, r.statusCode(), method + ": " + new String(r.body(), StandardCharsets.UTF_8) + "\n" + node.logTail());
          assertEquals(method + " " + bodies.get(i).length(), new String(r.body(), StandardCharsets.US_ASCII), "the origin's answer, past its 100");
          assertEquals(method, r.headers().firstValue("X-Method").orElse(""));
          TestOrigin.Received got = origin.received(path).get(i);
          assertEquals(method, got.method());
          assertEquals(bodies.get(i), got.body(), method + " reached the origin with its body");
          assertTrue(got.head().stream().noneMatch(h -> h.toLowerCase().startsWith("expect:")), "the node met the expectation itself");
          if (method.equals("POST")) {
            assertTrue(got.head().contains("Content-Type: application/x-www-form-urlencoded"), got.head().toString());
          }
          assertTrue(got.head().contains("X-Forwarded-For: 127.0.0.1"), got.head().toString());
          assertTrue(got.head().contains("Via: 1.1 ispcache"), got.head().toString());

          // The stored GET is gone: the next one is fetched anew, with the origin's new bytes.
          assertGet(uri, "MISS", seed);
          assertTrue(origin.requestCount(path) - origin.received(path).size() > getsBefore, "the GET went to the origin");
          assertGet(uri, "HIT", seed);
        }

        String metrics = new String(send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + health + "/metrics"))).body(), StandardCharsets.UTF_8);
        assertEquals(3, io.ispcache.testing.MetricsText.of(metrics).count("ispcache_forwarded_requests_total"), metrics);
        assertEquals(3, io.ispcache.testing.MetricsText.of(metrics).count("ispcache_invalidated_objects_total"), metrics);
      } catch (AssertionError e) {
        throw new AssertionError(e.getMessage() + "\nnode log:\n" + node.logTail(), e);
      }
    }
  }

  @Test
  void theAllowlistedCdnStillRefusesOtherMethodsWithoutAskingItsOrigin(@TempDir Path dir) throws Exception {
    int content = NodeProcess.freePort();
    int health = NodeProcess.freePort();
    String path = "/cdn/object";
    try (NodeProcess node = NodeProcess.start(config(dir, content, health), dir.resolve("node.log"))) {
      node.awaitHealthy(URI.create("http://127.0.0.1:" + health + "/health"), Duration.ofSeconds(60));
      HttpResponse<byte[]> r =
          send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + content + path + "?cacheHostOrigin=" + CDN))
              .POST(HttpRequest.BodyPublishers.ofString("x")));

      assertEquals(405, r.statusCode());
      assertEquals("GET, HEAD", r.headers().firstValue("Allow").orElse(""));
      assertEquals(0, origin.requestCount(path));
    }
  }
}
