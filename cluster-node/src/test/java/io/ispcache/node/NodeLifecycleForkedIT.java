package io.ispcache.node;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ispcache.testing.Distribution;
import io.ispcache.testing.Distribution.Run;
import io.ispcache.testing.NodeProcess;
import io.ispcache.testing.TestContent;
import io.ispcache.testing.TestOrigin;
import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An installed node's life, with the distribution's scripts run for real in a temporary root and
 * the node started by them (without systemd): a warm cache survives an update, an update to a
 * broken build rolls back, uninstall keeps the cached content. The node fetches from a local test
 * origin through the origin's upstream-address, as an operator checks a node without the internet.
 */
class NodeLifecycleForkedIT {
  static final String HOST = "origin.example.net";
  static final String PATH = "/updates/kb-warm.cab";
  static final long LENGTH = 5L * 1024 * 1024;
  static final long SEED = 4242;
  static final String PEER_SECRET = "lifecycle-peer-secret-0123456789abcdefghij";
  static final String OPERATOR_KEY = "lifecycle-operator-key-0123456789abcdef";

  @TempDir Path work;
  Path root;
  TestOrigin origin;
  Distribution dist;
  int contentPort;
  int healthPort;

  @BeforeEach
  void install() throws Exception {
    origin = new TestOrigin();
    origin.put(PATH, LENGTH, SEED, "application/vnd.ms-cab-compressed", "\"v1\"", null);
    origin.headers(PATH, "Cache-Control: max-age=86400");
    dist = Distribution.unpack(Files.createDirectories(work.resolve("dist")));
    root = Files.createDirectories(work.resolve("root"));
    // The operator's allowlist for an offline check: the origin's host fetched from a local address.
    Files.createDirectories(root.resolve("etc/ispcache"));
    Files.writeString(
        root.resolve("etc/ispcache/origins.conf"),
        "ispcache.origins = [ { name = test, hosts = [\"" + HOST + "\"], upstream-address = \"127.0.0.1:" + origin.port() + "\" } ]\n");
    contentPort = NodeProcess.freePort();
    healthPort = NodeProcess.freePort();
    Run run =
        dist.script(
            "install",
            List.of(
                "--root", root.toString(), "--no-user", "--no-systemd", "--force",
                "--drive", "/srv/cache1:2GiB",
                "--content-port", Integer.toString(contentPort),
                "--health-port", Integer.toString(healthPort),
                "--health-interface", "127.0.0.1",
                "--content-interface", "127.0.0.1",
                "--peer-port", Integer.toString(NodeProcess.freePort()),
                "--remoting-port", Integer.toString(NodeProcess.freePort()),
                "--management-port", Integer.toString(NodeProcess.freePort()),
                "--admin-port", Integer.toString(NodeProcess.freePort()),
                "--peer-secret", PEER_SECRET,
                "--operator-key", OPERATOR_KEY),
            180);
    assertEquals(0, run.exit(), run.output());
    // A small heap: several JVMs share the test machine.
    Files.writeString(root.resolve("etc/ispcache/ispcache.env"), "ISPCACHE_HEAP=384m\n", StandardOpenOption.APPEND);
  }

  @AfterEach
  void killWhatWasStarted() throws Exception {
    nodePid().flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
    origin.close();
  }

  Optional<Long> nodePid() throws IOException {
    Path pid = root.resolve("var/lib/ispcache/ispcache.pid");
    return Files.exists(pid) ? Optional.of(Long.parseLong(Files.readString(pid).strip())) : Optional.empty();
  }

  Run installed(String script, String... args) throws Exception {
    List<String> all = new java.util.ArrayList<>(List.of("--root", root.toString()));
    all.addAll(List.of(args));
    return Distribution.runScript(root.resolve("opt/ispcache/current/bin/" + script), all, java.util.Map.of(), 300);
  }

  Run service(String action) throws Exception {
    return Distribution.runScript(
        root.resolve("opt/ispcache/current/bin/ispcache-service"), List.of("--root", root.toString(), action), java.util.Map.of(), 180);
  }

  void awaitHealthy() {
    URI health = URI.create("http://127.0.0.1:" + healthPort + "/health");
    // The first start opens H2 and forms a cluster of one; on a loaded 2-core machine this takes seconds.
    await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
        .until(() -> status(health) == 200);
  }

  static int status(URI uri) throws IOException {
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setConnectTimeout(1000);
    c.setReadTimeout(5000);
    return c.getResponseCode();
  }

  /** Downloads the object, checking every byte; the X-Cache it came with. */
  String download() throws IOException {
    URI uri = URI.create("http://127.0.0.1:" + contentPort + PATH + "?cacheHostOrigin=" + HOST);
    HttpURLConnection c = (HttpURLConnection) uri.toURL().openConnection();
    c.setReadTimeout(60_000);
    assertEquals(200, c.getResponseCode());
    try (InputStream in = c.getInputStream()) {
      TestContent.assertSameBytes(in, SEED, 0, LENGTH);
    }
    return c.getHeaderField("X-Cache");
  }

  static long filesUnder(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void anUpdateKeepsTheWarmCacheAndABrokenUpdateRollsBack() throws Exception {
    Run started = service("start");
    assertEquals(0, started.exit(), started.output());
    awaitHealthy();
    assertEquals("MISS", download());
    int fetched = origin.requestCount(PATH);
    assertEquals("HIT", download());
    // Every content response is a line of access.log (written from a queue, so a moment later).
    Path accessLog = root.resolve("var/log/ispcache/access.log");
    String requestLine = "\"GET " + PATH + "?cacheHostOrigin=" + HOST + " HTTP/1.1\" 200 ";
    await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(
        () -> Files.readAllLines(accessLog).stream().filter(l -> l.contains(requestLine)).map(l -> l.split(" ")[l.split(" ").length - 2]).toList(),
        cacheStatuses -> cacheStatuses.equals(List.of("MISS", "HIT")));

    Path next = dist.repack(Files.createDirectories(work.resolve("next")), "9.9.1", folder -> {});
    Run update = installed("update", "--timeout", "120", next.toString());
    assertEquals(0, update.exit(), update.output());
    assertTrue(update.output().contains("updated to 9.9.1"), update.output());
    assertEquals("releases/9.9.1", Files.readSymbolicLink(root.resolve("opt/ispcache/current")).toString());
    awaitHealthy();
    assertEquals("HIT", download());
    assertEquals(fetched, origin.requestCount(PATH), "the updated node fetched a cached object again");
    assertTrue(Files.readString(root.resolve("etc/ispcache/origins.conf")).contains(HOST), "config kept");

    Path broken =
        dist.repack(
            Files.createDirectories(work.resolve("broken")),
            "9.9.2-broken",
            folder -> Files.writeString(folder.resolve("lib/ispcache-node.jar"), "not a jar"));
    Run failed = installed("update", "--timeout", "120", broken.toString());
    assertEquals(1, failed.exit(), failed.output());
    assertTrue(failed.output().contains("9.9.2-broken exited without becoming healthy; rolling back to 9.9.1"), failed.output());
    assertTrue(failed.output().contains("rolled back: 9.9.1 is running and healthy again"), failed.output());
    assertEquals("releases/9.9.1", Files.readSymbolicLink(root.resolve("opt/ispcache/current")).toString());
    assertFalse(Files.exists(root.resolve("opt/ispcache/releases/9.9.2-broken")));
    awaitHealthy();
    assertEquals("HIT", download());
    assertEquals(fetched, origin.requestCount(PATH));

    // A support bundle of the running node: its state, and none of its secrets.
    Path out = Files.createDirectories(work.resolve("bundle"));
    Run bundle = installed("collect-diagnostics", "--output", out.toString());
    assertEquals(0, bundle.exit(), bundle.output());
    Path unpacked = Files.createDirectories(out.resolve("x"));
    String tarball = bundle.output().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertEquals(0, Distribution.run(List.of("tar", "-xzf", tarball, "-C", unpacked.toString()), java.util.Map.of(), 60).exit());
    try (Stream<Path> walk = Files.walk(unpacked)) {
      for (Path f : walk.filter(Files::isRegularFile).toList()) {
        String text = new String(Files.readAllBytes(f), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(PEER_SECRET), "peer secret in " + f);
        assertFalse(text.contains(OPERATOR_KEY), "operator key in " + f);
        if (f.endsWith("node/health.json")) {
          assertTrue(text.contains("\"healthy\":true"), text);
        }
        if (f.endsWith("node/cluster-members.json")) {
          assertTrue(text.contains("\"status\":\"Up\""), text);
        }
        if (f.endsWith("node/metrics.txt")) {
          assertTrue(text.contains("ispcache_"), text);
        }
        if (f.endsWith("version.txt")) {
          assertEquals("9.9.1", text.strip());
        }
      }
    }

    long cached = filesUnder(root.resolve("srv/cache1"));
    Run uninstall = installed("uninstall");
    assertEquals(0, uninstall.exit(), uninstall.output());
    assertTrue(uninstall.output().contains("cached content: " + root.resolve("srv/cache1")), uninstall.output());
    assertTrue(uninstall.output().contains("config and secrets: " + root.resolve("etc/ispcache")), uninstall.output());
    assertFalse(Files.exists(root.resolve("opt/ispcache")));
    assertFalse(Files.exists(root.resolve("etc/systemd/system/ispcache.service")));
    assertEquals(cached, filesUnder(root.resolve("srv/cache1")), "uninstall kept every cached file");
    assertTrue(Files.exists(root.resolve("etc/ispcache/node.conf")));
    assertTrue(Files.isDirectory(root.resolve("var/lib/ispcache/registry")));
    assertFalse(nodePid().flatMap(ProcessHandle::of).map(ProcessHandle::isAlive).orElse(false), "the node was stopped");
  }

  @Test
  void withJsonLogsEveryLineIsAnObjectAndPurgeRemovesContentDataAndConfig() throws Exception {
    Path env = root.resolve("etc/ispcache/ispcache.env");
    Files.writeString(env, Files.readString(env).replace("ISPCACHE_LOG_FORMAT=text", "ISPCACHE_LOG_FORMAT=json"));
    assertEquals(0, service("start").exit());
    awaitHealthy();
    assertEquals("MISS", download());
    List<String> lines = Files.readAllLines(root.resolve("var/log/ispcache/node.log"));
    assertTrue(lines.size() > 5, lines.toString());
    com.fasterxml.jackson.databind.ObjectMapper mapper = new com.fasterxml.jackson.databind.ObjectMapper();
    for (String line : lines) {
      assertTrue(mapper.readTree(line).has("message"), line);
    }
    assertTrue(lines.stream().anyMatch(l -> l.contains("effective config (secrets redacted)")), "the effective config is logged");
    assertTrue(lines.stream().noneMatch(l -> l.contains(PEER_SECRET) || l.contains(OPERATOR_KEY)), "no secret logged");

    Run uninstall = installed("uninstall", "--purge-data", "--purge-config");
    assertEquals(0, uninstall.exit(), uninstall.output());
    assertEquals(0, filesUnder(root.resolve("srv/cache1")), "the drive folder is left empty (it may be a mount point)");
    assertFalse(Files.exists(root.resolve("var/lib/ispcache")));
    assertFalse(Files.exists(root.resolve("etc/ispcache")));
    assertFalse(Files.exists(root.resolve("opt/ispcache")));
    assertFalse(uninstall.output().contains("kept"), uninstall.output());
  }
}
