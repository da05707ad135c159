package io.ispcache.node;

import static io.ispcache.node.PeerCrashForkedIT.awaitUntil;
import static io.ispcache.node.PeerCrashForkedIT.metricsLine;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.NodeProcess;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 2: three nodes, a herd of clients on two of them downloading one object, and the
 * node that hosts the object's entity (which coordinates its fills) killed with SIGKILL mid-way.
 * The survivors stop waiting on the lost entity: their clients get every byte and never wait long
 * for the next ones, while the lost node is found unreachable, downed, removed and its shards move;
 * meanwhile each chunk is filled by one stand-in survivor and pulled by the other, so the origin
 * still sends the object about once.
 */
class EntityCrashForkedIT {
  static final String HOST = "origin.example.net";
  static final long MIB = 1024 * 1024;
  /**
   * The longest a client may wait for bytes. The target is 2 s: an ask of the lost entity waits
   * ispcache.object.ask-timeout (1 s) before the crash is noticed, 0.5 s after, once per shard
   * of the lost node, then a new origin request's first bytes come; the rest is slack for three
   * JVMs and eight clients on a loaded 2-core machine.
   */
  static final Duration GAP_BOUND = Duration.ofSeconds(4);

  @TempDir Path dir;
  TestOrigin origin;
  final List<NodeProcess> nodes = new ArrayList<>();
  final List<int[]> ports = new ArrayList<>(); // content, health, management

  NodeProcess start(int index, int remote, int seedPort) throws Exception {
    int[] p = {NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort()};
    String name = "node-" + index;
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "ispcache.data-dir = \"" + dir.resolve(name) + "\"",
            "ispcache.content { interface = \"127.0.0.1\", port = " + p[0] + " }",
            "ispcache.health { interface = \"127.0.0.1\", port = " + p[1] + " }",
            "ispcache.peer { interface = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
            "ispcache.store.chunk-size = 1MiB",
            "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 1GiB } ]",
            "ispcache.origins = [ { name = \"test\", hosts = [\"" + HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]",
            "akka.management.http { hostname = \"127.0.0.1\", port = " + p[2] + " }",
            "akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = " + remote + " }",
            "akka.cluster.roles = [\"cache\"]",
            "akka.cluster.seed-nodes = [\"akka://ispcache@127.0.0.1:" + seedPort + "\"]"));
    ports.add(p);
    NodeProcess node = NodeProcess.start(conf, NodeProcess.logFile("EntityCrashForkedIT-" + name), "-Xmx384m");
    nodes.add(node);
    return node;
  }

  @AfterEach
  void stop() throws Exception {
    for (NodeProcess p : nodes) {
      p.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  URI url(int node, String path) {
    return URI.create("http://127.0.0.1:" + ports.get(node)[0] + path + "?cacheHostOrigin=" + HOST);
  }

  /** Whether the node's shard region hosts an entity (there is one object: its entity). */
  boolean hostsEntity(int node) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + ports.get(node)[2] + "/cluster/shards/ContentObject").toURL().openConnection();
      String json = new String(c.getInputStream().readAllBytes());
      return json.matches("(?s).*\"numEntities\"\\s*:\\s*[1-9].*");
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void theEntityHostKilledMidHerdCostsTheSurvivorsClientsNeitherBytesNorMoreThanAShortWait() throws Exception {
    origin = new TestOrigin();
    int seed = NodeProcess.freePort();
    start(0, seed, seed);
    start(1, NodeProcess.freePort(), seed);
    start(2, NodeProcess.freePort(), seed);
    for (int i = 0; i < 3; i++) {
      nodes.get(i).awaitHealthy(URI.create("http://127.0.0.1:" + ports.get(i)[1] + "/health"), Duration.ofSeconds(90));
    }
    String path = "/entity-crash/big.bin";
    long length = 160 * MIB;
    origin.put(path, length, 1603, "application/octet-stream", "\"ec\"", null);

    // Make the object's entity live somewhere, and find where.
    HttpURLConnection first = (HttpURLConnection) url(0, path).toURL().openConnection();
    first.setRequestProperty("Range", "bytes=0-0");
    assertEquals(206, first.getResponseCode());
    first.getInputStream().readAllBytes();
    int[] host = {-1};
    awaitUntil(() -> {
      for (int i = 0; i < 3; i++) {
        if (hostsEntity(i)) {
          host[0] = i;
          return true;
        }
      }
      return false;
    }, Duration.ofSeconds(30), "no node reports the object's entity");
    int victim = host[0];
    List<Integer> survivors = new ArrayList<>(List.of(0, 1, 2));
    survivors.remove(Integer.valueOf(victim));

    // ~1 MiB/s per chunk request, 8 chunks read ahead per node: the herd lasts well past the
    // ~15 s the cluster takes to move the lost node's shards.
    origin.fault(path, TestOrigin.Fault.throttle(MIB));
    ExecutorService clients = Executors.newFixedThreadPool(8);
    List<PeerCrashForkedIT.GapMeter> meters = java.util.Collections.synchronizedList(new ArrayList<>());
    List<Future<Object>> downloads = new ArrayList<>();
    try {
      for (int c = 0; c < 8; c++) {
        int node = survivors.get(c % 2);
        downloads.add(clients.submit(() -> {
          HttpURLConnection conn = (HttpURLConnection) url(node, path).toURL().openConnection();
          conn.setReadTimeout(60_000);
          assertEquals(200, conn.getResponseCode());
          try (PeerCrashForkedIT.GapMeter in = new PeerCrashForkedIT.GapMeter(conn.getInputStream())) {
            meters.add(in);
            TestContent.assertSameBytes(in, 1603, 0, length);
          }
          return null;
        }));
      }
      awaitUntil(() -> origin.bytesSent(path) >= 24 * MIB, Duration.ofSeconds(60), "the herd's fills did not start");
      long killedAt = System.nanoTime();
      System.out.println("entity crash: node " + victim + " killed at " + java.time.Instant.now());
      nodes.get(victim).kill9();
      for (Future<Object> d : downloads) {
        d.get(4, TimeUnit.MINUTES);
      }
      long seconds = (System.nanoTime() - killedAt) / 1_000_000_000L;
      long longest = meters.stream().mapToLong(m -> m.longestNanos).max().orElseThrow() / 1_000_000;
      double originRatio = (double) origin.bytesSent(path) / length;
      StringBuilder figures = new StringBuilder();
      for (int s : survivors) {
        figures.append(" node ").append(s).append(": ").append(metricsLine(ports.get(s)[1], "ispcache_uncoordinated"))
            .append(' ').append(metricsLine(ports.get(s)[1], "ispcache_peer_fetches"));
      }
      System.out.printf("entity crash: the herd ended %d s after the kill; longest wait for bytes %d ms; origin bytes %.3fx the object;%s%n",
          seconds, longest, originRatio, figures);
      assertTrue(longest < GAP_BOUND.toMillis(), "a client waited " + longest + " ms for bytes\n" + nodes.get(survivors.get(0)).logTail());
      // The target is 1.05x (measured 1.000-1.063x): chunks in flight when the entity is lost or
      // when its shard moves back may be filled twice; the bound leaves room for a loaded machine.
      assertTrue(originRatio <= 1.10,
          "the survivors fill each chunk once between them while the entity is lost (a stand-in per chunk): " + originRatio + "x");
    } finally {
      clients.shutdownNow();
    }
  }
}
