package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.NodeProcess;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16, item 3: a node leaving its cluster (SIGTERM, or the admin API's leave) refuses new
 * connections and turns /health 503 at once, lets a download in flight finish within its drain
 * time (ispcache.content.drain-time) with nothing read ahead from the origin meanwhile, cuts what
 * is left at a chunk boundary once the drain time is over, and exits 0. Node A (cache and admin)
 * stays; node B leaves. Each test starts its own two nodes.
 */
class LeaveDrainForkedIT {
  static final String HOST = "origin.example.net";
  static final String OP = "operator-key-for-leave-tests-0123456";
  static final long MIB = 1024 * 1024;
  /** ispcache.store.chunk-size (the default). */
  static final long CHUNK = 2 * MIB;
  /** The slow client's pace: a 38 MiB download takes about 38 s, longer than the old 35 s drain. */
  static final long CLIENT_BYTES_PER_SECOND = MIB;
  /**
   * How far the origin may be ahead of what the slow client has received without read-ahead: the
   * chunk being sent, one more begun as the response reaches it, and the kernel's socket buffers
   * between node and client (up to 4 MiB on loopback). Read-ahead (8 chunks of 2 MiB) puts it 16
   * MiB further ahead.
   */
  static final long NO_READ_AHEAD_SLACK = 2 * CHUNK + 4 * MIB;

  @TempDir Path dir;
  TestOrigin origin;
  NodeProcess a;
  NodeProcess b;
  int contentA;
  int contentB;
  int healthA;
  int healthB;
  int adminA;
  int remoteB;
  String drainTime;

  void startTwoNodes(String name, String drainTime) throws Exception {
    this.drainTime = drainTime;
    origin = new TestOrigin();
    int one = NodeProcess.freePort();
    int other = NodeProcess.freePort();
    // A's Artery port is the lower: with two nodes split in halves keep-majority keeps A's.
    int seedPort = Math.min(one, other);
    remoteB = Math.max(one, other);
    contentA = NodeProcess.freePort();
    healthA = NodeProcess.freePort();
    adminA = NodeProcess.freePort();
    contentB = NodeProcess.freePort();
    healthB = NodeProcess.freePort();
    a = start(name + "-a", seedPort, seedPort, contentA, healthA, "[\"cache\", \"admin\"]");
    b = start(name + "-b", remoteB, seedPort, contentB, healthB, "[\"cache\"]");
    a.awaitHealthy(URI.create("http://127.0.0.1:" + healthA + "/health"), Duration.ofSeconds(90));
    b.awaitHealthy(URI.create("http://127.0.0.1:" + healthB + "/health"), Duration.ofSeconds(90));
  }

  NodeProcess start(String name, int remote, int seedPort, int content, int health, String roles) throws Exception {
    Path conf = dir.resolve(name + ".conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            "ispcache.data-dir = \"" + dir.resolve(name) + "\"",
            "ispcache.content { interface = \"127.0.0.1\", port = " + content + ", drain-time = " + drainTime + " }",
            "ispcache.health { interface = \"127.0.0.1\", port = " + health + " }",
            "ispcache.peer { interface = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
            "ispcache.admin { interface = \"127.0.0.1\", port = " + adminA + ", operator-key = \"" + OP + "\" }",
            "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 1GiB } ]",
            "ispcache.origins = [ { name = \"test\", hosts = [\"" + HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]",
            "akka.management.http { hostname = \"127.0.0.1\", port = " + NodeProcess.freePort() + " }",
            "akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = " + remote + " }",
            "akka.cluster.roles = " + roles,
            "akka.cluster.seed-nodes = [\"akka://ispcache@127.0.0.1:" + seedPort + "\"]"));
    return NodeProcess.start(conf, NodeProcess.logFile("LeaveDrainForkedIT-" + name), "-Xmx384m");
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

  /** What the slow client saw: bytes received (all checked), and origin bytes as it went. */
  static final class SlowDownload {
    volatile int status;
    volatile long received;
    volatile boolean ended;
    /** (received, origin bytes sent) pairs, taken after {@link #watchFrom} was set. */
    final List<long[]> samples = java.util.Collections.synchronizedList(new ArrayList<>());
    volatile boolean watch;
    long nanos;
  }

  /**
   * Downloads {@code path} from {@code port} at {@link #CLIENT_BYTES_PER_SECOND} over a socket with
   * a small receive buffer, checking every byte, until the body is complete or the node closes the
   * connection.
   */
  SlowDownload slowly(ExecutorService pool, List<Future<?>> running, int port, String path, long seed) {
    SlowDownload d = new SlowDownload();
    running.add(pool.submit(() -> {
      long began = System.nanoTime();
      try (Socket s = new Socket()) {
        s.setReceiveBufferSize(32 * 1024);
        s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        s.setSoTimeout(60_000);
        s.getOutputStream().write(("GET " + path + "?cacheHostOrigin=" + HOST + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        InputStream in = s.getInputStream();
        String head = readHead(in);
        d.status = Integer.parseInt(head.substring(9, 12));
        byte[] got = new byte[64 * 1024];
        byte[] want = new byte[got.length];
        while (true) {
          int n = in.read(got);
          if (n < 0) {
            break;
          }
          TestContent.fill(seed, d.received, want, 0, n);
          for (int i = 0; i < n; i++) {
            if (got[i] != want[i]) {
              throw new AssertionError("bytes differ at offset " + (d.received + i));
            }
          }
          d.received += n;
          if (d.watch) {
            d.samples.add(new long[] {d.received, origin.bytesSent(path)});
          }
          // Paced, not synchronised: the client reads at its line's speed.
          long due = began + d.received * 1_000_000_000L / CLIENT_BYTES_PER_SECOND;
          LockSupport.parkNanos(due - System.nanoTime());
        }
      } catch (java.net.SocketException cut) {
        // a reset: the node cut the connection; received says where
      }
      d.nanos = System.nanoTime() - began;
      d.ended = true;
      return null;
    }));
    return d;
  }

  static String readHead(InputStream in) throws IOException {
    StringBuilder h = new StringBuilder();
    while (!h.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in the response head: " + h);
      }
      h.append((char) c);
    }
    return h.toString();
  }

  /** The status of B's /health and its body. */
  String health(int port) {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + port + "/health").toURL().openConnection();
      c.setConnectTimeout(1000);
      c.setReadTimeout(2000);
      int code = c.getResponseCode();
      InputStream body = code == 200 ? c.getInputStream() : c.getErrorStream();
      return code + " " + (body == null ? "" : new String(body.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      return "unreachable " + e;
    }
  }

  boolean adminAnswers() {
    try {
      HttpURLConnection c = (HttpURLConnection) URI.create("http://127.0.0.1:" + adminA + "/api/v1/cluster/members").toURL().openConnection();
      c.setRequestProperty("Authorization", "Bearer " + OP);
      c.setConnectTimeout(1000);
      c.setReadTimeout(5000);
      return c.getResponseCode() == 200;
    } catch (IOException notYet) {
      return false;
    }
  }

  static boolean refusesConnections(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 1000);
      return false;
    } catch (ConnectException refused) {
      return true;
    } catch (IOException other) {
      return false;
    }
  }

  /** Once a leave has begun: /health says so with a 503, and new connections are refused. */
  void awaitLeaving() {
    awaitUntil(() -> health(healthB).startsWith("503") && health(healthB).contains("leaving"), Duration.ofSeconds(30),
        "B's /health did not turn 503 (leaving): " + health(healthB));
    awaitUntil(() -> refusesConnections(contentB), Duration.ofSeconds(10), "B still accepts content connections");
  }

  @Test
  void aDownloadLongerThanThirtyFiveSecondsCompletesAcrossSigtermAndNothingIsReadAheadAfterIt() throws Exception {
    startTwoNodes("sigterm", "2m");
    String path = "/leave/long.bin";
    long length = 38 * MIB;
    origin.put(path, length, 1603, "application/octet-stream", "\"long\"", null);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> running = new ArrayList<>();
    try {
      SlowDownload d = slowly(pool, running, contentB, path, 1603);
      awaitUntil(() -> d.received >= 2 * MIB, Duration.ofSeconds(30), "the download did not start");
      b.sigterm();
      awaitLeaving();
      // Fills begun before the leave end at the origin's speed (milliseconds); what comes after is
      // fetched only as the client reaches it.
      awaitUntil(() -> origin.openBodies(path) == 0, Duration.ofSeconds(10), "fills begun before the leave did not end");
      long base = origin.bytesSent(path);
      d.watch = true;
      running.get(0).get(2, TimeUnit.MINUTES);
      assertEquals(200, d.status);
      assertEquals(length, d.received, "the download was cut\n" + b.logTail());
      assertTrue(d.nanos > TimeUnit.SECONDS.toNanos(35), "the download took only " + d.nanos / 1_000_000 + " ms");
      long beyond = 0;
      long ahead = 0;
      for (long[] s : List.copyOf(d.samples)) {
        if (s[1] > base) {
          ahead = Math.max(ahead, s[1] - s[0]);
          beyond++;
          assertTrue(s[1] <= s[0] + NO_READ_AHEAD_SLACK,
              "the origin had sent " + s[1] / MIB + " MiB when the client had " + s[0] / MIB + " MiB: read ahead during the leave");
        }
      }
      System.out.println("leave: the download took " + d.nanos / 1_000_000 + " ms; after the leave the origin was at most "
          + ahead / 1024 + " KiB ahead of the client, over " + beyond + " reads past the " + base / MIB + " MiB fetched before it");
      assertTrue(beyond > 0, "no chunk was fetched after the leave began (base " + base / MIB + " MiB)");
      assertTrue(origin.bytesSent(path) <= length + CHUNK, "origin sent " + origin.bytesSent(path) + " bytes");
      assertEquals(0, b.awaitExit(Duration.ofSeconds(60)), b.logTail());
      // The node that stays serves on.
      assertTrue(health(healthA).startsWith("200"), health(healthA));
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void afterTheDrainTimeAnAdminApiLeaveCutsTheDownloadAtAChunkBoundaryAndTheNodeExits() throws Exception {
    startTwoNodes("admin-leave", "3s");
    // A's admin API binds once the registry's first routing table is there, after /health.
    awaitUntil(() -> adminAnswers(), Duration.ofSeconds(60), "A's admin API never answered");
    String path = "/leave/cut.bin";
    long length = 38 * MIB;
    origin.put(path, length, 1604, "application/octet-stream", "\"cut\"", null);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<?>> running = new ArrayList<>();
    try {
      SlowDownload d = slowly(pool, running, contentB, path, 1604);
      awaitUntil(() -> d.received >= 2 * MIB, Duration.ofSeconds(30), "the download did not start");
      HttpURLConnection leave = (HttpURLConnection) URI.create("http://127.0.0.1:" + adminA + "/api/v1/cluster/members/leave")
          .toURL().openConnection();
      leave.setRequestMethod("POST");
      leave.setDoOutput(true);
      leave.setRequestProperty("Authorization", "Bearer " + OP);
      leave.setRequestProperty("Content-Type", "application/json");
      leave.getOutputStream().write(("{\"address\":\"akka://ispcache@127.0.0.1:" + remoteB + "\"}").getBytes(StandardCharsets.UTF_8));
      assertEquals(200, leave.getResponseCode());
      awaitLeaving();
      running.get(0).get(2, TimeUnit.MINUTES);
      assertEquals(200, d.status);
      assertTrue(d.received < length, "the download was not cut");
      assertEquals(0, d.received % CHUNK, "cut at " + d.received + " bytes, not at a chunk boundary\n" + b.logTail());
      assertEquals(0, b.awaitExit(Duration.ofSeconds(60)), b.logTail());
      // A client resumes by range from where it was cut, at the node that stays.
      HttpURLConnection resume = (HttpURLConnection) URI.create(
          "http://127.0.0.1:" + contentA + path + "?cacheHostOrigin=" + HOST).toURL().openConnection();
      resume.setRequestProperty("Range", "bytes=" + d.received + "-");
      resume.setReadTimeout(60_000);
      assertEquals(206, resume.getResponseCode());
      try (InputStream in = resume.getInputStream()) {
        TestContent.assertSameBytes(in, 1604, d.received, length - d.received);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  static void awaitUntil(java.util.function.BooleanSupplier condition, Duration deadline, String failure) {
    org.awaitility.Awaitility.await(failure)
        .atMost(deadline)
        .pollInterval(Duration.ofMillis(50))
        .until(condition::getAsBoolean);
  }
}
