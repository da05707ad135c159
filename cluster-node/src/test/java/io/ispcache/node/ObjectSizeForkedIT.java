package io.ispcache.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A node as a process under stated huge sizes and out of heap: it serves on, or it ends. */
class ObjectSizeForkedIT {
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

  static Path config(Path dir, int content, int health, int peer) throws Exception {
    Path file = dir.resolve("node.conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            "ispcache.data-dir = \"" + dir.resolve("data") + "\"",
            "ispcache.content { interface = \"127.0.0.1\", port = " + content + " }",
            "ispcache.health { interface = \"127.0.0.1\", port = " + health + " }",
            "ispcache.peer { interface = \"127.0.0.1\", port = " + peer + " }",
            "ispcache.store.chunk-size = 1MiB",
            "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = 1GiB } ]",
            "ispcache.origins = [ { name = \"test\", hosts = [\"" + HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]",
            "ispcache.cluster.management = false",
            "akka.remote.artery.canonical.port = 0",
            "akka.cluster.roles = [\"cache\"]"));
    return file;
  }

  static int status(URI uri) throws Exception {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout(5_000);
    c.setReadTimeout(20_000);
    int status = c.getResponseCode();
    try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
      if (in != null) {
        in.readNBytes(1 << 16);
      }
    }
    c.disconnect();
    return status;
  }

  @Test
  void aNodeIn256MiBOfHeapAnsweredAPebibyteByItsOriginKeepsServingOtherObjects(@TempDir Path dir) throws Exception {
    int content = NodeProcess.freePort();
    int health = NodeProcess.freePort();
    Path conf = config(dir, content, health, NodeProcess.freePort());
    origin.put("/huge/pebibyte.bin", 1L << 50, 401, "application/octet-stream", "\"p\"", null);
    long length = 8L << 20;
    origin.put("/fine/eight-mib.bin", length, 402, "application/octet-stream", "\"f\"", null);
    URI huge = URI.create("http://127.0.0.1:" + content + "/huge/pebibyte.bin?cacheHostOrigin=" + HOST);
    URI fine = URI.create("http://127.0.0.1:" + content + "/fine/eight-mib.bin?cacheHostOrigin=" + HOST);
    ExecutorService clients = Executors.newFixedThreadPool(6);
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger served = new AtomicInteger();
    try (NodeProcess node = NodeProcess.start(conf, dir.resolve("node.log"), "-Xmx256m")) {
      node.awaitHealthy(URI.create("http://127.0.0.1:" + health + "/health"), Duration.ofSeconds(60));
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      List<Future<?>> running = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        boolean attacker = i % 2 == 0;
        running.add(clients.submit(() -> {
          while (System.nanoTime() < end) {
            if (attacker) {
              assertEquals(502, status(huge));
              refused.incrementAndGet();
            } else {
              HttpURLConnection c = (HttpURLConnection) fine.toURL().openConnection();
              c.setReadTimeout(20_000);
              assertEquals(200, c.getResponseCode());
              try (InputStream in = c.getInputStream()) {
                TestContent.assertSameBytes(in, 402, 0, length);
              }
              served.incrementAndGet();
            }
          }
          return null;
        }));
      }
      for (Future<?> f : running) {
        try {
          f.get(2, TimeUnit.MINUTES);
        } catch (java.util.concurrent.ExecutionException e) {
          throw new AssertionError(e.getCause() + "; node log:\n" + node.logTail(), e.getCause());
        }
      }
      assertTrue(node.isAlive(), "node survived: " + node.logTail());
      assertTrue(refused.get() > 0 && served.get() > 0, refused + " refused, " + served + " served");
      String log = Files.readString(dir.resolve("node.log"));
      assertTrue(!log.contains("OutOfMemoryError"), log);
      assertEquals(length, origin.bytesSent("/fine/eight-mib.bin"), "the fine object filled once");
    } finally {
      clients.shutdownNow();
    }
  }

  @Test
  void aNodeWithTooLittleHeapToStartExitsNonZeroInsteadOfLingering(@TempDir Path dir) throws Exception {
    Path conf = config(dir, NodeProcess.freePort(), NodeProcess.freePort(), NodeProcess.freePort());
    try (NodeProcess node = NodeProcess.start(conf, dir.resolve("node.log"), "-Xmx12m")) {
      int exit = node.awaitExit(Duration.ofSeconds(60));
      assertNotEquals(0, exit, node.logTail());
      assertTrue(node.logTail().contains("OutOfMemoryError"), node.logTail());
    }
  }
}
