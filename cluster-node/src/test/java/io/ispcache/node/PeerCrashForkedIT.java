package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.NodeProcess;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 1: node A fills an object from a slow origin, a client of node B downloads it
 * (B pulls A's chunks), and A fails mid-download: killed with SIGKILL, or hung with SIGSTOP. B's
 * client gets every byte and never waits long for the next ones: B's pulls from the dead peer fail
 * at once (refused, or reset) or by their deadlines (silent), the fills they fed are resumed from
 * the origin, and no client response is cut. Each test starts its own two nodes.
 */
class PeerCrashForkedIT {
  static final String HOST = "origin.example.net";
  static final long MIB = 1024 * 1024;
  /**
   * The longest the client may wait for bytes across the failure. A wait is bounded by the peer's
   * idle timeout (5 s, a hung peer) plus the object entity's ask timeout (1 s when the entity
   * lived on the failed node) plus a new origin fetch's first bytes; the rest is slack for a loaded
   * 2-core machine running three JVMs.
   */
  static final Duration GAP_BOUND = Duration.ofSeconds(20);

  @TempDir Path dir;
  /** Which failure the test is about; names the nodes' logs. */
  String name;
  TestOrigin origin;
  NodeProcess a;
  NodeProcess b;
  int contentA;
  int contentB;
  int healthA;
  int healthB;

  @BeforeEach
  void startTwoNodes(org.junit.jupiter.api.TestInfo test) throws Exception {
    name = test.getTestMethod().orElseThrow().getName().startsWith("aPeerKilled") ? "kill" : "freeze";
    origin = new TestOrigin();
    int one = NodeProcess.freePort();
    int other = NodeProcess.freePort();
    int seedPort = Math.max(one, other); // A's: B's Artery port is the lower, so B survives A
    int remoteB = Math.min(one, other);
    contentA = NodeProcess.freePort();
    healthA = NodeProcess.freePort();
    contentB = NodeProcess.freePort();
    healthB = NodeProcess.freePort();
    a = start(name + "-a", seedPort, seedPort, contentA, healthA);
    b = start(name + "-b", remoteB, seedPort, contentB, healthB);
    a.awaitHealthy(URI.create("http://127.0.0.1:" + healthA + "/health"), Duration.ofSeconds(90));
    b.awaitHealthy(URI.create("http://127.0.0.1:" + healthB + "/health"), Duration.ofSeconds(90));
  }

  NodeProcess start(String name, int remote, int seedPort, int content, int health) throws Exception {
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "ispcache.data-dir = \"" + dir.resolve(name) + "\"",
            "ispcache.content { interface = \"127.0.0.1\", port = " + content + " }",
            "ispcache.health { interface = \"127.0.0.1\", port = " + health + " }",
            "ispcache.peer { interface = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
            "ispcache.store.chunk-size = 1MiB",
            "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 1GiB } ]",
            "ispcache.origins = [ { name = \"test\", hosts = [\"" + HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]",
            "akka.management.http { hostname = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
            "akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = " + remote + " }",
            "akka.cluster.roles = [\"cache\"]",
            "akka.cluster.seed-nodes = [\"akka://ispcache@127.0.0.1:" + seedPort + "\"]",
            // Two nodes split in equal halves: keep-majority (the default) keeps the half with the
            // lowest address, which is B's (see startTwoNodes), and downs A seconds after it is
            // found unreachable.
            "akka.cluster.split-brain-resolver.stable-after = 4s"));
    return NodeProcess.start(conf, NodeProcess.logFile("PeerCrashForkedIT-" + name), "-Xmx384m");
  }

  @AfterEach
  void stop() throws Exception {
    for (NodeProcess p : new NodeProcess[] {a, b}) {
      if (p != null) {
        p.close();
      }
    }
    if (origin != null) {
      origin.close();
    }
  }

  URI url(int port, String path) {
    return URI.create("http://127.0.0.1:" + port + path + "?cacheHostOrigin=" + HOST);
  }

  /** An input stream that records the longest wait for a read that returned bytes. */
  static final class GapMeter extends FilterInputStream {
    volatile long received;
    volatile long longestNanos;
    private long last = System.nanoTime();

    GapMeter(InputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      long now = System.nanoTime();
      if (n > 0) {
        longestNanos = Math.max(longestNanos, now - last);
        received += n;
      }
      last = now;
      return n;
    }
  }

  @Test
  void aPeerKilledMidDownloadCostsTheSurvivorsClientNeitherBytesNorMoreThanABoundedWait() throws Exception {
    downloadThroughBWhileAFails(() -> a.kill9());
  }

  /**
   * A hung peer keeps its connections open and says nothing: B's pulls end by their idle timeout
   * (5 s) instead of a reset, and the entity, if it lived there, by the ask timeout (1 s).
   */
  @Test
  void aPeerThatHangsMidDownloadCostsTheSurvivorsClientNeitherBytesNorMoreThanABoundedWait() throws Exception {
    downloadThroughBWhileAFails(() -> a.freeze());
  }

  interface Failure {
    void inflict() throws Exception;
  }

  void downloadThroughBWhileAFails(Failure failure) throws Exception {
    String path = "/crash/big.bin";
    long length = 48 * MIB;
    origin.put(path, length, 1601, "application/octet-stream", "\"crash\"", null);
    // 1 MiB/s per chunk request, about 8 MiB/s per node with its read-ahead: A is still filling
    // when it dies, and B pulls chunks A is filling.
    origin.fault(path, TestOrigin.Fault.throttle(MIB));
    ExecutorService clients = Executors.newFixedThreadPool(3);
    try {
      clients.submit(() -> {
        HttpURLConnection c = (HttpURLConnection) url(contentA, path).toURL().openConnection();
        try (InputStream in = c.getInputStream()) {
          in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return null; // cut when A dies: not what this test is about
      });
      awaitUntil(() -> origin.bytesSent(path) >= 4 * MIB, Duration.ofSeconds(60), "A's fill did not start");
      GapMeter[] meter = new GapMeter[1];
      Future<Object> survivor = clients.submit(() -> {
        HttpURLConnection c = (HttpURLConnection) url(contentB, path).toURL().openConnection();
        c.setReadTimeout(60_000);
        assertEquals(200, c.getResponseCode());
        try (GapMeter in = new GapMeter(c.getInputStream())) {
          meter[0] = in;
          TestContent.assertSameBytes(in, 1601, 0, length);
        }
        return null;
      });
      // A second client of B asks for two ranges: its multipart body is streamed through Akka,
      // the other way a response reads its fills.
      long tail = 2 * MIB;
      Future<Object> multipart = clients.submit(() -> {
        HttpURLConnection c = (HttpURLConnection) url(contentB, path).toURL().openConnection();
        c.setReadTimeout(60_000);
        c.setRequestProperty("Range", "bytes=0-99," + tail + "-" + (length - 1));
        assertEquals(206, c.getResponseCode());
        byte[] body;
        try (InputStream in = c.getInputStream()) {
          body = in.readAllBytes();
        }
        assertEquals(c.getContentLengthLong(), body.length, "the multipart body was cut");
        byte[] header = ("Content-Range: bytes " + tail + "-" + (length - 1) + "/" + length + "\r\n\r\n")
            .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        int at = indexOf(body, header);
        assertTrue(at > 0, "no second part");
        TestContent.assertSameBytes(
            new java.io.ByteArrayInputStream(body, at + header.length, (int) (length - tail)), 1601, tail, length - tail);
        return null;
      });
      // A is failed while it sends B a chunk mid-body: bytes served to peers that are not a
      // whole number of chunks.
      awaitUntil(() -> meter[0] != null && figure(healthA, "ispcache_peer_served_bytes_total") % MIB != 0, Duration.ofSeconds(60),
          "B never pulled a chunk from A");
      long atKill = meter[0].received;
      failure.inflict();
      survivor.get(4, TimeUnit.MINUTES);
      multipart.get(4, TimeUnit.MINUTES);
      long gapMillis = meter[0].longestNanos / 1_000_000;
      System.out.println("peer " + name + ": B's client had " + atKill / MIB + " MiB when A failed; longest wait for bytes "
          + gapMillis + " ms; B: " + metricsLine(healthB, "ispcache_peer") + " " + metricsLine(healthB, "ispcache_uncoordinated"));
      assertTrue(gapMillis < GAP_BOUND.toMillis(), "B's client waited " + gapMillis + " ms for bytes\n" + b.logTail());
      // Served by a node that stays up, not drained by one on its way out.
      b.awaitHealthy(URI.create("http://127.0.0.1:" + healthB + "/health"), Duration.ofSeconds(5));
    } finally {
      clients.shutdownNow();
    }
  }

  static int indexOf(byte[] in, byte[] what) {
    outer:
    for (int i = 0; i + what.length <= in.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (in[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** A counter from the /metrics of the node with that health port; 0 if it cannot be read. */
  static long figure(int health, String name) {
    String line = metricsLine(health, name + " ");
    return !line.startsWith("ispcache") ? 0 : (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1).trim());
  }

  /** The /metrics lines (of the node with that health port) that start with {@code prefix}, joined. */
  static String metricsLine(int health, String prefix) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + health + "/metrics").toURL().openConnection();
      StringBuilder out = new StringBuilder();
      for (String line : new String(c.getInputStream().readAllBytes()).split("\n")) {
        if (line.startsWith(prefix)) {
          out.append(line).append(' ');
        }
      }
      return out.toString().trim();
    } catch (IOException e) {
      return "(" + e + ")";
    }
  }

  static void awaitUntil(java.util.function.BooleanSupplier condition, Duration deadline, String failure) {
    org.awaitility.Awaitility.await(failure)
        .atMost(deadline)
        .pollInterval(Duration.ofMillis(20))
        .until(condition::getAsBoolean);
  }
}
