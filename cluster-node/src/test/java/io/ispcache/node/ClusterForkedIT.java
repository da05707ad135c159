package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.NodeProcess;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/** Three (then four) cache node processes in one cluster on 127.0.0.1. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterForkedIT {
  static final String HOST = "origin.example.net";
  static final long MIB = 1024 * 1024;
  @TempDir static Path dir;
  static TestOrigin origin;
  static final List<Member> members = new ArrayList<>();
  static int seedPort;

  record Member(NodeProcess process, int content, int health, int management) {
    URI url(String path) {
      return URI.create("http://127.0.0.1:" + content + path + "?cacheHostOrigin=" + HOST);
    }
  }

  static Member start(int n) throws Exception {
    int content = NodeProcess.freePort();
    int health = NodeProcess.freePort();
    int peer = NodeProcess.freePort();
    int management = NodeProcess.freePort();
    int remote = n == 1 ? seedPort : NodeProcess.freePort();
    Path conf = dir.resolve("node-" + n + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "ispcache.data-dir = \"" + dir.resolve("node-" + n) + "\"",
            "ispcache.content { interface = \"127.0.0.1\", port = " + content + " }",
            "ispcache.health { interface = \"127.0.0.1\", port = " + health + " }",
            "ispcache.peer { interface = \"127.0.0.1\", port = " + peer + " }",
            "ispcache.store.chunk-size = 1MiB",
            "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 2GiB } ]",
            "ispcache.origins = [ { name = \"test\", hosts = [\"" + HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]",
            "akka.management.http { hostname = \"127.0.0.1\", port = " + management + " }",
            "akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = " + remote + " }",
            "akka.cluster.roles = [\"cache\"]",
            "akka.cluster.seed-nodes = [\"akka://ispcache@127.0.0.1:" + seedPort + "\"]",
            // Quick downing for the test: a crashed node is downed seconds after it is found
            // unreachable. Failure detection and the entity's ask timeout keep their defaults: on a
            // loaded 2-core machine shorter ones mark busy nodes unreachable and start fills
            // without the entity, which is a second origin fetch.
            "akka.cluster.split-brain-resolver.stable-after = 4s"));
    NodeProcess p = NodeProcess.start(conf, dir.resolve("node-" + n + ".log"), "-Xmx384m");
    return new Member(p, content, health, management);
  }

  static void awaitHealthy(Member m) {
    m.process().awaitHealthy(URI.create("http://127.0.0.1:" + m.health() + "/health"), Duration.ofSeconds(90));
  }

  @BeforeAll
  static void startCluster() throws Exception {
    origin = new TestOrigin();
    seedPort = NodeProcess.freePort();
    for (int n = 1; n <= 3; n++) {
      members.add(start(n));
    }
    for (Member m : members) {
      awaitHealthy(m);
    }
  }

  @AfterAll
  static void stopCluster() throws Exception {
    for (Member m : members) {
      m.process().close();
    }
    origin.close();
  }

  static void download(URI uri, long seed, long length) throws Exception {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setReadTimeout(60_000);
    assertEquals(200, c.getResponseCode(), uri.toString());
    try (InputStream in = c.getInputStream()) {
      TestContent.assertSameBytes(in, seed, 0, length);
    }
  }

  static void parallel(int clients, List<java.util.concurrent.Callable<Object>> work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    try {
      List<Future<Object>> all = pool.invokeAll(work, 5, TimeUnit.MINUTES);
      for (Future<Object> f : all) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  @Order(1)
  void sameObjectThroughAllThreeNodesIsFetchedFromTheOriginOnce() throws Exception {
    long length = 12 * MIB + 321;
    origin.put("/c/once.bin", length, 501, "application/octet-stream", "\"o\"", null);
    for (Member m : members) {
      download(m.url("/c/once.bin"), 501, length);
    }
    assertEquals(length, origin.bytesSent("/c/once.bin"), "origin bytes = 1.0x the object");
  }

  @Test
  @Order(2)
  void thirtyTwoColdRequestsOverThreeNodesFetchEachChunkOnce() throws Exception {
    long length = 24 * MIB;
    origin.put("/c/herd.bin", length, 502, "application/octet-stream", "\"h\"", null);
    List<java.util.concurrent.Callable<Object>> work = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      Member m = members.get(i % 3);
      work.add(() -> {
        download(m.url("/c/herd.bin"), 502, length);
        return null;
      });
    }
    parallel(32, work);
    assertEquals(24, origin.requestCount("/c/herd.bin"), () -> "one origin fetch per chunk; " + fillCounters());
    assertEquals(length, origin.bytesSent("/c/herd.bin"));
  }

  /** Each node's fill counters, to tell why a chunk was fetched twice. */
  static String fillCounters() {
    StringBuilder out = new StringBuilder();
    for (Member m : members) {
      out.append("node :").append(m.content()).append(' ');
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + m.health() + "/metrics").toURL().openConnection();
        for (String line : new String(c.getInputStream().readAllBytes()).split("\n")) {
          if (!line.startsWith("#") && line.matches("ispcache_(origin_fetch|peer_fetch|uncoordinated).*")) {
            out.append(line).append("; ");
          }
        }
      } catch (java.io.IOException e) {
        out.append(e).append("; ");
      }
    }
    return out.toString();
  }

  @Test
  @Order(3)
  void fourthNodeJoinsUnderLoadAndTakesShards() throws Exception {
    List<java.util.concurrent.Callable<Object>> load = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      String path = "/c/load-" + i + ".bin";
      origin.put(path, 4 * MIB, 600 + i, "application/octet-stream", "\"l" + i + "\"", null);
      origin.fault(path, TestOrigin.Fault.throttle(2 * MIB));
      Member m = members.get(i % 3);
      long seed = 600 + i;
      load.add(() -> {
        download(m.url(path), seed, 4 * MIB);
        return null;
      });
    }
    ExecutorService pool = Executors.newFixedThreadPool(12);
    try {
      List<Future<Object>> running = new ArrayList<>();
      for (var w : load) {
        running.add(pool.submit(w));
      }
      Member fourth = start(4);
      members.add(fourth);
      awaitHealthy(fourth);
      for (Future<Object> f : running) {
        f.get(3, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    Member fourth = members.get(3);
    // New objects are spread over all four nodes' shard regions.
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    int i = 0;
    while (shardsOn(fourth) == 0) {
      assertTrue(System.nanoTime() < deadline, "the fourth node never hosted a shard");
      String path = "/c/after-" + (i++) + ".bin";
      origin.put(path, 64 * 1024, 700 + i, "application/octet-stream", "\"a\"", null);
      download(members.get(i % 3).url(path), 700 + i, 64 * 1024);
    }
  }

  static int shardsOn(Member m) throws Exception {
    HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + m.management() + "/cluster/shards/ContentObject").toURL().openConnection();
    if (c.getResponseCode() != 200) {
      return 0;
    }
    String body = new String(c.getInputStream().readAllBytes());
    return body.split("\"shardId\"", -1).length - 1;
  }

  @Test
  @Order(4)
  void gracefulLeaveLetsItsDownloadsFinishAndExitsZero() throws Exception {
    Member leaving = members.remove(3);
    String path = "/c/leave.bin";
    origin.put(path, 6 * MIB, 800, "application/octet-stream", "\"g\"", null);
    origin.fault(path, TestOrigin.Fault.throttle(3 * MIB));
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Object>> running = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        running.add(pool.submit(() -> {
          download(leaving.url(path), 800, 6 * MIB);
          return null;
        }));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (origin.bytesSent(path) < MIB) {
        assertTrue(System.nanoTime() < deadline, "downloads did not start");
        LockSupport.parkNanos(20_000_000);
      }
      assertEquals(0, leaving.process().terminate(Duration.ofSeconds(90)), leaving.process().logTail());
      for (Future<Object> f : running) {
        f.get(2, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
    download(members.get(0).url(path), 800, 6 * MIB);
  }

  @Test
  @Order(5)
  void killNineOfANodeDuringDownloadsLeavesTheSurvivorsServingCorrectBytes() throws Exception {
    List<java.util.concurrent.Callable<Object>> work = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String path = "/c/crash-" + i + ".bin";
      origin.put(path, 8 * MIB, 900 + i, "application/octet-stream", "\"k" + i + "\"", null);
      origin.fault(path, TestOrigin.Fault.throttle(4 * MIB));
      Member m = members.get(i % 2); // clients of nodes 1 and 2; node 3 dies
      long seed = 900 + i;
      work.add(() -> {
        download(m.url(path), seed, 8 * MIB);
        download(m.url(path), seed, 8 * MIB);
        return null;
      });
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Object>> running = new ArrayList<>();
      for (var w : work) {
        running.add(pool.submit(w));
      }
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (origin.bytesSent("/c/crash-7.bin") < 2 * MIB) {
        assertTrue(System.nanoTime() < deadline, "downloads did not start");
        LockSupport.parkNanos(20_000_000);
      }
      members.get(2).process().kill9();
      for (Future<Object> f : running) {
        f.get(4, TimeUnit.MINUTES);
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
