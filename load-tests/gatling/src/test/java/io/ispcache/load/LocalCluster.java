package io.ispcache.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * One or more cache node processes on 127.0.0.1, started from the built jar, in one cluster when
 * there are several (configured as the node's forked tests and {@code load-tests/cluster/run.sh}
 * do), in front of the run's origin. Every wait has a deadline; {@link #close()} kills them all.
 */
final class LocalCluster implements AutoCloseable {
  /** One node: its process and ports. */
  record Node(Process process, Path log, int content, int health) {
    URI contentBase() {
      return URI.create("http://127.0.0.1:" + content);
    }

    URI metrics() {
      return URI.create("http://127.0.0.1:" + health + "/metrics");
    }
  }

  private final List<Node> nodes;

  private LocalCluster(List<Node> nodes) {
    this.nodes = nodes;
  }

  static LocalCluster start(LoadParameters p, int originPort, Path work) throws IOException {
    int seed = FreePorts.next();
    List<Node> nodes = new ArrayList<>();
    LocalCluster cluster = new LocalCluster(nodes);
    try {
      for (int n = 0; n < p.nodes(); n++) {
        nodes.add(startNode(p, n, originPort, seed, work));
      }
      for (Node node : nodes) {
        awaitHealthy(node, Duration.ofSeconds(120));
      }
      return cluster;
    } catch (IOException | RuntimeException e) {
      cluster.close();
      throw e;
    }
  }

  private static Node startNode(LoadParameters p, int n, int originPort, int seedPort, Path work) throws IOException {
    int content = FreePorts.next();
    int health = FreePorts.next();
    int peer = FreePorts.next();
    boolean cluster = p.nodes() > 1;
    int remote = !cluster ? 0 : n == 0 ? seedPort : FreePorts.next();
    Path dir = Files.createDirectories(work.resolve("node-" + n));
    List<String> conf = new ArrayList<>(List.of(
        "ispcache.data-dir = \"" + dir.toAbsolutePath() + "\"",
        // Every simulated device comes from 127.0.0.1: the per-client bound would refuse the 513th.
        "ispcache.content { interface = \"127.0.0.1\", port = " + content + ", max-connections-per-client = off }",
        "ispcache.health { interface = \"127.0.0.1\", port = " + health + " }",
        "ispcache.peer { interface = \"127.0.0.1\", port = " + peer + " }",
        "ispcache.store.chunk-size = " + Sizes.format(p.chunkSize()),
        "ispcache.store.drives = [ { path = ${ispcache.data-dir}\"/drive-1\", size = " + Sizes.format(p.cacheSize()) + " } ]",
        "ispcache.origins = [ { name = \"load\", hosts = [\"" + p.originHost() + "\"], upstream-address = \"127.0.0.1:" + originPort + "\" } ]",
        "ispcache.cluster.management = false",
        "akka.remote.artery.canonical { hostname = \"127.0.0.1\", port = " + remote + " }",
        "akka.cluster.roles = [\"cache\"]"));
    if (cluster) {
      conf.add("akka.cluster.seed-nodes = [\"akka://ispcache@127.0.0.1:" + seedPort + "\"]");
      // A killed node is downed seconds after it is found unreachable (as the node's forked tests).
      conf.add("akka.cluster.split-brain-resolver.stable-after = 4s");
    }
    Path file = work.resolve("node-" + n + ".conf");
    Files.write(file, conf, StandardCharsets.UTF_8);
    Path log = work.resolve("node-" + n + ".log");
    String heap = p.nodes() > 1 ? "-Xmx512m" : "-Xmx1g";
    Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:+ExitOnOutOfMemoryError", heap,
            "-Dconfig.file=" + file.toAbsolutePath(), "-jar", p.jar().toAbsolutePath().toString())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    return new Node(process, log, content, health);
  }

  private static void awaitHealthy(Node node, Duration deadline) throws IOException {
    HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    URI health = URI.create("http://127.0.0.1:" + node.health() + "/health");
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (!node.process().isAlive()) {
        throw new IllegalStateException("node exited with " + node.process().exitValue() + ":\n" + tail(node.log()));
      }
      try {
        HttpResponse<Void> r = client.send(HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
    }
    throw new IllegalStateException("node not healthy within " + deadline + ":\n" + tail(node.log()));
  }

  List<URI> contentBases() {
    return nodes.stream().map(Node::contentBase).toList();
  }

  List<URI> metrics() {
    return nodes.stream().map(Node::metrics).toList();
  }

  /** SIGKILL: a node lost without warning (power, kernel panic); the others notice it. */
  void kill(int n) throws InterruptedException {
    Process p = nodes.get(n).process();
    p.destroyForcibly();
    p.waitFor(30, TimeUnit.SECONDS);
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    for (Node n : nodes) {
      n.process().destroyForcibly();
    }
    for (Node n : nodes) {
      try {
        n.process().waitFor(30, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
