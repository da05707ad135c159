package io.ispcache.testing;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A cache node in its own JVM, started from the shaded jar: for crash, memory and multi-process
 * tests. Every wait has a deadline and {@link #close()} always kills the process.
 */
public final class NodeProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private NodeProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts {@code java -XX:+ExitOnOutOfMemoryError [jvmArgs] -Dconfig.file=config -jar ispcache-node.jar}. */
  public static NodeProcess start(Path config, Path log, String... jvmArgs) throws IOException {
    String jar = System.getProperty("ispcache.nodeJar");
    if (jar == null || !Files.exists(Path.of(jar))) {
      throw new IllegalStateException("system property ispcache.nodeJar must name the built shaded jar (run through mvn verify)");
    }
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // As bin/ispcache: a JVM out of heap ends at once, non-zero, instead of limping on.
    command.add("-XX:+ExitOnOutOfMemoryError");
    command.addAll(List.of(jvmArgs));
    command.add("-Dconfig.file=" + config);
    command.add("-jar");
    command.add(jar);
    Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    return new NodeProcess(p, log);
  }

  /** Starts the node with {@code jvmArgs} (e.g. -Xmx256m) and each entry as a {@code -Dkey=value}. */
  public static NodeProcess start(Path config, Path log, List<String> jvmArgs, Map<String, String> systemProperties)
      throws IOException {
    List<String> args = new ArrayList<>(jvmArgs);
    new TreeMap<>(systemProperties).forEach((k, v) -> args.add("-D" + k + "=" + v));
    return start(config, log, args.toArray(String[]::new));
  }

  /** A fresh log file for a forked node under the build's target directory, named after the test. */
  public static Path logFile(String name) throws IOException {
    Path dir = Path.of("target", "node-logs");
    Files.createDirectories(dir);
    return dir.resolve(name + ".log");
  }

  /** A port free at the moment of asking (another process could take it before the node binds). */
  public static int freePort() throws IOException {
    // Below the kernel's ephemeral range: a port from it (what binding port 0 hands out) can be
    // taken as the source port of any outgoing connection before the forked node binds it, and a
    // loaded run makes thousands of those. Never the same port twice in one test JVM.
    int below = ephemeralStart();
    for (int attempt = 0; attempt < 1000; attempt++) {
      int port = 10_000 + java.util.concurrent.ThreadLocalRandom.current().nextInt(below - 10_000);
      if (!HANDED_OUT.add(port)) {
        continue;
      }
      try (ServerSocket s = new ServerSocket()) {
        s.bind(new java.net.InetSocketAddress("127.0.0.1", port));
        return port;
      } catch (IOException taken) {
        // in use: another
      }
    }
    throw new IOException("no free port found below " + below);
  }

  private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

  /** The first port of the kernel's ephemeral range (Linux default 32768). */
  private static int ephemeralStart() {
    try {
      String range = Files.readString(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).trim();
      int start = Integer.parseInt(range.split("\\s+")[0]);
      return start > 12_000 ? start : 32_768;
    } catch (IOException | RuntimeException e) {
      return 32_768;
    }
  }

  /** Polls {@code url} until it answers 200; fails with the log's tail if the process dies or time runs out. */
  public void awaitHealthy(URI url, Duration deadline) {
    long end = System.nanoTime() + deadline.toNanos();
    while (System.nanoTime() < end) {
      if (!process.isAlive()) {
        throw new AssertionError("node exited with " + process.exitValue() + ":\n" + logTail());
      }
      try {
        HttpURLConnection c = (HttpURLConnection) url.toURL().openConnection();
        c.setConnectTimeout(500);
        c.setReadTimeout(2000);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
    }
    throw new AssertionError("node not healthy within " + deadline + ":\n" + logTail());
  }

  /** Waits for the process to end by itself; its exit code. */
  public int awaitExit(Duration deadline) throws InterruptedException {
    if (!process.waitFor(deadline.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("node still running after " + deadline + ":\n" + logTail());
    }
    return process.exitValue();
  }

  /** SIGKILL: the crash nobody cleans up after. */
  public void kill9() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  /**
   * SIGSTOP: a node that hangs (a frozen VM, a stalled disk, a long pause) with its connections
   * open and silent. {@link #close()} still ends it.
   */
  public void freeze() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-STOP", Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -STOP " + process.pid() + " failed");
    }
  }

  /** SIGCONT: a node stopped by {@link #freeze()} runs on. */
  public void thaw() throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-CONT", Long.toString(process.pid())).start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException("kill -CONT " + process.pid() + " failed");
    }
  }

  /** SIGTERM, without waiting: the node leaves its cluster gracefully (see {@link #awaitExit}). */
  public void sigterm() {
    process.destroy();
  }

  /** SIGTERM, then the exit code (within {@code deadline}). */
  public int terminate(Duration deadline) throws InterruptedException {
    process.destroy();
    return awaitExit(deadline);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public long pid() {
    return process.pid();
  }

  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      kill9();
    }
  }
}
