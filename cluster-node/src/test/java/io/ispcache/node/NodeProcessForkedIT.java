package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.NodeProcess;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.InputStream;
import java.net.HttpURLConnection;
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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node as a process: refusing bad settings, surviving kill -9, bounded memory. */
class NodeProcessForkedIT {
  static final String HOST = "origin.example.net";
  static TestOrigin origin;

  @BeforeAll
  static void start() throws Exception {
    origin = new TestOrigin();
  }

  @AfterAll
  static void stop() {
    origin.close();
  }

  record Ports(int content, int health, int peer) {}

  static Ports ports() throws Exception {
    return new Ports(NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort());
  }

  static Path config(Path dir, Ports p, String extra) throws Exception {
    Path file = dir.resolve("node.conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            "ispcache.data-dir = \"" + dir.resolve("data") + "\"",
            "ispcache.content { interface = \"127.0.0.1\", port = " + p.content() + " }",
            "ispcache.health { interface = \"127.0.0.1\", port = " + p.health() + " }",
            "ispcache.peer { interface = \"127.0.0.1\", port = " + p.peer() + " }",
            "ispcache.store.chunk-size = 1MiB",
            "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 4GiB } ]",
            "ispcache.origins = [ { name = \"test\", hosts = [\"" + HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]",
            "ispcache.cluster.management = false",
            "akka.remote.artery.canonical.port = 0",
            "akka.cluster.roles = [\"cache\"]",
            extra));
    return file;
  }

  static URI url(Ports p, String path) {
    return URI.create("http://127.0.0.1:" + p.content() + path + "?cacheHostOrigin=" + HOST);
  }

  static URI health(Ports p) {
    return URI.create("http://127.0.0.1:" + p.health() + "/health");
  }

  static void download(URI uri, long seed, long length) throws Exception {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setReadTimeout(60_000);
    assertEquals(200, c.getResponseCode());
    try (InputStream in = c.getInputStream()) {
      TestContent.assertSameBytes(in, seed, 0, length);
    }
  }

  /** {@code n} clients download the object at once, each checking every byte; fails with the node's log. */
  static void downloadAtOnce(NodeProcess node, ExecutorService clients, int n, URI uri, long seed, long length, int minutes)
      throws Exception {
    List<Future<?>> downloads = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      downloads.add(clients.submit(() -> {
        download(uri, seed, length);
        return null;
      }));
    }
    for (Future<?> d : downloads) {
      try {
        d.get(minutes, TimeUnit.MINUTES);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new AssertionError(e.getCause().getMessage() + "; node log:\n" + node.logTail(), e.getCause());
      }
    }
  }

  @Test
  void badDrivePathStopsTheProcessWithOneLineNamingTheSetting(@TempDir Path dir) throws Exception {
    Ports p = ports();
    Path conf = config(dir, p, "ispcache.store.drives = [ { path = \"/\", size = 1GiB } ]");
    Path log = dir.resolve("node.log");
    try (NodeProcess node = NodeProcess.start(conf, log)) {
      assertEquals(2, node.awaitExit(Duration.ofSeconds(60)));
    }
    String output = Files.readString(log, StandardCharsets.UTF_8);
    assertTrue(
        output.contains("ispcache: invalid setting ispcache.store.drives[0].path = \"/\": must not be the root directory"),
        output);
  }

  @Test
  void killNineDuringFillsLeavesNoTornChunkAndTheNodeStartsAgain(@TempDir Path dir) throws Exception {
    Ports p = ports();
    Path conf = config(dir, p, "");
    long length = 24L * 1024 * 1024;
    for (int i = 0; i < 4; i++) {
      origin.put("/crash/obj-" + i + ".bin", length, 200 + i, "application/octet-stream", "\"k" + i + "\"", null);
      origin.fault("/crash/obj-" + i + ".bin", TestOrigin.Fault.throttle(4L * 1024 * 1024));
    }
    ExecutorService clients = Executors.newFixedThreadPool(4);
    try (NodeProcess node = NodeProcess.start(conf, dir.resolve("first.log"))) {
      node.awaitHealthy(health(p), Duration.ofSeconds(60));
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        URI u = url(p, "/crash/obj-" + i + ".bin");
        running.add(clients.submit(() -> {
          HttpURLConnection c = (HttpURLConnection) u.toURL().openConnection();
          try (InputStream in = c.getInputStream()) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
          }
          return null;
        }));
      }
      // Kill while every object is part-way through: some chunks committed, others half-written.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (origin.bytesSent("/crash/obj-3.bin") < 3L * 1024 * 1024) {
        assertTrue(System.nanoTime() < deadline, "fills did not start");
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
      }
      node.kill9();
    } finally {
      clients.shutdownNow();
    }
    for (int i = 0; i < 4; i++) {
      origin.clearFaults("/crash/obj-" + i + ".bin");
    }
    try (NodeProcess again = NodeProcess.start(conf, dir.resolve("second.log"))) {
      again.awaitHealthy(health(p), Duration.ofSeconds(60));
      for (int i = 0; i < 4; i++) {
        download(url(p, "/crash/obj-" + i + ".bin"), 200 + i, length);
        download(url(p, "/crash/obj-" + i + ".bin"), 200 + i, length);
      }
    }
  }

  @Test
  void withLittleDirectMemoryChunksAreHeldOnTheHeapAndEveryByteArrives(@TempDir Path dir) throws Exception {
    Ports p = ports();
    Path conf = config(dir, p, "");
    long length = 48L << 20;
    origin.put("/memory/little-direct.bin", length, 301, "application/octet-stream", "\"d\"", null);
    ExecutorService clients = Executors.newFixedThreadPool(4);
    // 512 MiB of heap: the node now ends at once on a heap OutOfMemoryError (ExitOnOutOfMemoryError),
    // and four readers of heap-held chunks came near 256 MiB. 24 MiB of direct memory: at most 12 chunk buffers of 1 MiB, while 48 chunks are filled and
    // the store keeps up to 64 in memory; the others are held on the heap.
    Path nodeLog = NodeProcess.logFile("NodeProcessForkedIT-little-direct"); // kept under target/ for a failed run
    try (NodeProcess node = NodeProcess.start(conf, nodeLog, "-Xmx512m", "-XX:MaxDirectMemorySize=24m")) {
      node.awaitHealthy(health(p), Duration.ofSeconds(60));
      downloadAtOnce(node, clients, 4, url(p, "/memory/little-direct.bin"), 301, length, 5);
      download(url(p, "/memory/little-direct.bin"), 301, length); // and again, as hits
      assertTrue(node.isAlive(), "node survived: " + node.logTail());
      String log = Files.readString(nodeLog);
      assertTrue(!log.contains("OutOfMemoryError"), log);
      assertEquals(length, origin.bytesSent("/memory/little-direct.bin"), "filled once; node log:\n" + node.logTail());
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void oneGibObjectToSixteenClientsRunsIn256MiBOfHeap(@TempDir Path dir) throws Exception {
    Ports p = ports();
    Path conf = config(dir, p, "");
    long length = 1L << 30;
    origin.put("/memory/one-gib.bin", length, 300, "application/octet-stream", "\"m\"", null);
    ExecutorService clients = Executors.newFixedThreadPool(16);
    try (NodeProcess node = NodeProcess.start(conf, dir.resolve("node.log"), "-Xmx256m")) {
      node.awaitHealthy(health(p), Duration.ofSeconds(60));
      downloadAtOnce(node, clients, 16, url(p, "/memory/one-gib.bin"), 300, length, 10);
      assertTrue(node.isAlive(), "node survived: " + node.logTail());
      String log = Files.readString(dir.resolve("node.log"));
      assertTrue(!log.contains("OutOfMemoryError"), log);
      assertEquals(length, origin.bytesSent("/memory/one-gib.bin"), "filled once for all 16 clients; node log:\n" + node.logTail());
    } finally {
      clients.shutdownNow();
    }
  }
}
