package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.cluster.MemberStatus;
import akka.cluster.typed.Cluster;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three cache nodes in one cluster fetch each chunk from the origin once and share it. */
class ClusterFillTest {
  static final int CHUNK = 256 * 1024;
  @TempDir static Path dataDir;
  static TestOrigin origin;
  static final List<InProcessNode> nodes = new ArrayList<>();
  static HttpClient http;

  @BeforeAll
  static void start() throws IOException {
    origin = new TestOrigin();
    // The first node forms the cluster by itself; the others join it at its bound address.
    nodes.add(InProcessNode.start(dataDir.resolve("node-0"), origin.port(), ""));
    for (int i = 1; i < 3; i++) {
      nodes.add(InProcessNode.start(dataDir.resolve("node-" + i), origin.port(), nodes.get(0).seedNodes()));
    }
    awaitMembers(3, Duration.ofSeconds(30));
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  static void stop() {
    for (InProcessNode n : nodes) {
      n.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  static void awaitMembers(int count, Duration deadline) {
    for (InProcessNode n : nodes) {
      org.awaitility.Awaitility.await("a cluster of " + count)
          .atMost(deadline)
          .until(() -> StreamSupport.stream(Cluster.get(n.node().system()).state().getMembers().spliterator(), false)
              .filter(m -> m.status() == MemberStatus.up())
              .count() >= count);
    }
  }

  static byte[] get(InProcessNode node, String path) throws Exception {
    HttpResponse<byte[]> r =
        http.send(HttpRequest.newBuilder(node.url(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals(200, r.statusCode(), new String(r.body()));
    return r.body();
  }

  static byte[] expected(long seed, int length) {
    byte[] b = new byte[length];
    TestContent.fill(seed, 0, b, 0, length);
    return b;
  }

  @Test
  void objectRequestedThroughEveryNodeIsFetchedFromTheOriginOnce() throws Exception {
    int length = 6 * CHUNK + 17;
    origin.put("/cluster/once.bin", length, 41, "application/octet-stream", "\"c1\"", null);
    origin.headers("/cluster/once.bin", "Cache-Control: max-age=3600"); // fresh: this test is not about revalidation

    for (InProcessNode n : nodes) {
      assertArrayEquals(expected(41, length), get(n, "/cluster/once.bin"));
    }
    for (InProcessNode n : nodes) {
      assertArrayEquals(expected(41, length), get(n, "/cluster/once.bin"), "local hit");
    }

    assertEquals(length, origin.bytesSent("/cluster/once.bin"), "origin bytes = 1.0x the object");
    assertEquals(7, origin.requestCount("/cluster/once.bin"));
  }

  @Test
  void concurrentColdRequestsOverAllNodesFetchEachChunkOnce() throws Exception {
    long length = 40L * CHUNK;
    origin.put("/cluster/herd.bin", length, 42, "application/octet-stream", "\"c2\"", null);
    origin.headers("/cluster/herd.bin", "Cache-Control: max-age=3600"); // fresh: this test is not about revalidation
    ExecutorService pool = Executors.newFixedThreadPool(32);
    try {
      CompletableFuture<Void> go = new CompletableFuture<>();
      List<Future<?>> downloads = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        InProcessNode node = nodes.get(i % 3);
        downloads.add(pool.submit(() -> {
          go.join();
          HttpResponse<InputStream> r =
              http.send(HttpRequest.newBuilder(node.url("/cluster/herd.bin")).build(), HttpResponse.BodyHandlers.ofInputStream());
          assertEquals(200, r.statusCode());
          try (InputStream in = r.body()) {
            TestContent.assertSameBytes(in, 42, 0, length);
          }
          return null;
        }));
      }
      go.complete(null);
      for (Future<?> d : downloads) {
        d.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(40, origin.requestCount("/cluster/herd.bin"), "one origin fetch per chunk");
    assertEquals(length, origin.bytesSent("/cluster/herd.bin"));
  }

  @Test
  void aStaleObjectUnderAHerdOnThreeNodesCostsOneConditionalRequestAndNoBodyBytes() throws Exception {
    String path = "/cluster/stale-herd.bin";
    long length = 4L * CHUNK;
    origin.put(path, length, 43, "application/octet-stream", "\"c3\"", null);
    // Stale on arrival (an Age beyond its max-age, as from a CDN edge that held it long): every
    // node stores it stale. The origin's 304 then says max-age=60 without an Age: fresh again.
    origin.headers(path, "Cache-Control: max-age=60", "Age: 120");
    for (InProcessNode node : nodes) {
      assertArrayEquals(expected(43, (int) length), get(node, path));
    }
    int requestsBefore = origin.requestCount(path);
    long bytesBefore = origin.bytesSent(path);
    origin.headers(path, "Cache-Control: max-age=60");

    ExecutorService pool = Executors.newFixedThreadPool(32);
    List<String> statuses = java.util.Collections.synchronizedList(new ArrayList<>());
    try {
      CompletableFuture<Void> go = new CompletableFuture<>();
      List<Future<?>> downloads = new ArrayList<>();
      for (int i = 0; i < 32; i++) {
        InProcessNode node = nodes.get(i % 3);
        downloads.add(pool.submit(() -> {
          go.join();
          HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(node.url(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
          assertEquals(200, r.statusCode());
          assertArrayEquals(expected(43, (int) length), r.body());
          statuses.add(r.headers().firstValue("X-Cache").orElse(""));
          return null;
        }));
      }
      go.complete(null);
      for (Future<?> d : downloads) {
        d.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, origin.conditionalRequests(path), "one conditional request for the whole cluster");
    assertEquals(1, origin.notModifiedAnswers(path));
    assertEquals(requestsBefore + 1, origin.requestCount(path), "nothing else went to the origin");
    assertEquals(bytesBefore, origin.bytesSent(path), "no body bytes: every chunk was kept");
    assertTrue(statuses.contains("REVALIDATED"), statuses.toString());
  }

  /** A node's figure from /metrics (a sample line's value), or from /summary (a JSON field). */
  static long figure(InProcessNode node, String endpoint, String name) throws Exception {
    if (endpoint.equals("/metrics")) {
      return io.ispcache.testing.MetricsText.scrape(node.health(endpoint)).count(name);
    }
    String body = http.send(HttpRequest.newBuilder(node.health(endpoint)).build(), HttpResponse.BodyHandlers.ofString()).body();
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\"" + java.util.regex.Pattern.quote(name) + "\":(\\d+)").matcher(body);
    assertTrue(m.find(), name + " not in " + endpoint + ":\n" + body);
    return Long.parseLong(m.group(1));
  }

  @Test
  void aResponseFilledFromAPeerSaysPeerAndBothNodesCountThePeerBytes() throws Exception {
    String path = "/cluster/from-peer.bin";
    int length = 3 * CHUNK + 5;
    origin.put(path, length, 44, "application/octet-stream", "\"c4\"", null);
    origin.headers(path, "Cache-Control: max-age=3600"); // fresh: this test is not about revalidation
    InProcessNode holder = nodes.get(0);
    InProcessNode puller = nodes.get(1);
    long servedBefore = figure(holder, "/metrics", "ispcache_peer_served_bytes_total");
    long pulledBefore = figure(puller, "/metrics", "ispcache_peer_bytes_total");
    long peerResponsesBefore = figure(puller, "/metrics", "ispcache_responses_total{cache=\"peer\"}");
    long peerRequestsBefore = figure(puller, "/summary", "peerRequests");

    HttpResponse<byte[]> first = http.send(HttpRequest.newBuilder(holder.url(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("MISS", first.headers().firstValue("X-Cache").orElse(""));
    HttpResponse<byte[]> pulled = http.send(HttpRequest.newBuilder(puller.url(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertArrayEquals(expected(44, length), pulled.body());
    assertEquals("PEER", pulled.headers().firstValue("X-Cache").orElse(""), "every byte came from node 0");
    HttpResponse<byte[]> again = http.send(HttpRequest.newBuilder(puller.url(path)).build(), HttpResponse.BodyHandlers.ofByteArray());
    assertEquals("HIT", again.headers().firstValue("X-Cache").orElse(""), "kept where it was served");
    assertEquals(length, origin.bytesSent(path), "the origin sent the object once");

    assertEquals(length, figure(holder, "/metrics", "ispcache_peer_served_bytes_total") - servedBefore);
    assertEquals(length, figure(puller, "/metrics", "ispcache_peer_bytes_total") - pulledBefore);
    assertEquals(1, figure(puller, "/metrics", "ispcache_responses_total{cache=\"peer\"}") - peerResponsesBefore);
    assertEquals(1, figure(puller, "/summary", "peerRequests") - peerRequestsBefore);
    assertTrue(figure(puller, "/summary", "peerBytes") >= length);
    assertTrue(figure(holder, "/summary", "peerServedBytes") >= length);
    assertEquals(0, figure(puller, "/metrics", "ispcache_peer_fetch_failures_total"));
  }
}
