package io.ispcache.load;

import io.gatling.javaapi.core.Session;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;

/**
 * What one content simulation runs against and what it saw: the object set with its checksums,
 * the nodes (started here with their origin on 127.0.0.1, or a real deployment's), the nodes'
 * counters over time, and the client's own tally of bytes, wrong bytes and failures.
 */
final class LoadRun implements AutoCloseable {
  final String simulation;
  final LoadParameters params;
  final ObjectSet objects;
  private final Path work;
  private final Nginx origin;
  private final Nginx slice;
  private final LocalCluster cluster;
  private final List<URI> bases;
  private final List<URI> metrics;
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
  private Timeline timeline;
  private final long started = System.nanoTime();
  private final LongAdder okBytes = new LongAdder();
  private final LongAdder okResponses = new LongAdder();
  private final LongAdder wrongBytes = new LongAdder();
  private final List<Failure> failures = new ArrayList<>();
  private final AtomicLong killedAtNanos = new AtomicLong();
  private volatile String verdict = "";

  /** A failed request: which node, when (seconds since the start). */
  record Failure(int node, double at) {}

  private LoadRun(String simulation, LoadParameters params, ObjectSet objects, Path work, Nginx origin, Nginx slice, LocalCluster cluster,
      List<URI> bases, List<URI> metrics) {
    this.simulation = simulation;
    this.params = params;
    this.objects = objects;
    this.work = work;
    this.origin = origin;
    this.slice = slice;
    this.cluster = cluster;
    this.bases = bases;
    this.metrics = metrics;
  }

  /** Prepares the objects and, for a local run, starts the origin and the nodes. */
  static LoadRun start(String simulation, LoadParameters p, String objectsName) {
    try {
      Path target = Path.of("target").toAbsolutePath();
      if (!p.local()) {
        ObjectSet set = p.objectSet(objectsName).prepare(null);
        return started(new LoadRun(simulation, p, set, null, null, null, null, p.targets(), p.metrics()));
      }
      ObjectSet set = p.objectSet(objectsName).prepare(target.resolve("load-content"));
      // Readable by nginx's workers, which run as another user when the run is root's.
      Path work = Files.createTempDirectory(Files.createDirectories(target.resolve("load-runs")), simulation + "-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
      Nginx origin = Nginx.origin(target.resolve("load-content"), work);
      try {
        if (p.server().equals("nginx-slice")) {
          Nginx slice = Nginx.sliceCache(origin.port, p.cacheSize(), work);
          return started(new LoadRun(simulation, p, set, work, origin, slice, null, List.of(slice.base()), List.of()));
        }
        LocalCluster cluster = LocalCluster.start(p, origin.port, work);
        return started(new LoadRun(simulation, p, set, work, origin, null, cluster, cluster.contentBases(), cluster.metrics()));
      } catch (IOException | RuntimeException e) {
        origin.close();
        throw e;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static LoadRun started(LoadRun run) {
    run.timeline = new Timeline(run.client, run.metrics, Duration.ofSeconds(run.params.profile().equals("smoke") ? 1 : 5));
    // Gatling ends its JVM after the run; the processes started here end with it, whatever happened.
    Runtime.getRuntime().addShutdownHook(new Thread(run::stopProcesses, "load-run-stop"));
    return run;
  }

  /** Where the closing verdict request goes: a node's metrics, or (nginx has none) an object on the cache. */
  String verdictUrl(int node) {
    return metrics.isEmpty() ? url(node, 0) : metrics.get(node).toString();
  }

  int nodes() {
    return bases.size();
  }

  /** The URL of an object on a node, as a device asks for it (the origin host in the query). */
  String url(int node, int object) {
    return bases.get(node) + objects.path(object) + "?cacheHostOrigin=" + params.originHost();
  }

  /**
   * The SHA-256 of a body, counting it: bytes of the expected length with another hash are wrong
   * content, which no run may have (an error answer's body is a failure, not wrong content).
   */
  String checked(byte[] body, Session session) {
    String got = Content.sha256(body);
    if (got.equals(session.getString("sha256"))) {
      okBytes.add(body.length);
      okResponses.increment();
    } else if (body.length == session.getLong("to") - session.getLong("from") + 1) {
      wrongBytes.increment();
    }
    return got;
  }

  /** Notes a failed request of the session (on its node) and lets the device go on. */
  Session afterRequest(Session session, int node) {
    if (session.isFailed()) {
      synchronized (failures) {
        failures.add(new Failure(node, seconds(System.nanoTime())));
      }
      return session.markAsSucceeded();
    }
    return session;
  }

  void kill(int node) {
    if (cluster == null) {
      throw new IllegalStateException("only a local run kills a node");
    }
    killedAtNanos.set(System.nanoTime());
    try {
      cluster.kill(node);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  long wrongResponses() {
    return wrongBytes.sum();
  }

  /** Body bytes the origin sent during the run: its own count when it is ours, else the nodes'. */
  double originBytes() {
    return origin != null ? origin.bytesSent() : timeline.total().originBytes();
  }

  NodeFigures nodeTotals() {
    return timeline.total();
  }

  List<Failure> failures() {
    synchronized (failures) {
      return List.copyOf(failures);
    }
  }

  /** Seconds after the kill, or NaN when no node was killed. */
  double killedAt() {
    long k = killedAtNanos.get();
    return k == 0 ? Double.NaN : seconds(k);
  }

  private double seconds(long nanos) {
    return (nanos - started) / 1e9;
  }

  /**
   * Records the run's verdict (empty when it passed) and returns it as the check's value: the
   * simulation's last request compares it with "ok", so a failed verdict fails the run.
   */
  String verdict(List<String> found) {
    List<String> problems = new ArrayList<>(found);
    if (okResponses.sum() == 0) {
      problems.add("no response had the right bytes");
    }
    verdict = problems.isEmpty() ? "" : String.join("; ", problems);
    return problems.isEmpty() ? "ok" : verdict;
  }

  /** The run's summary: printed, and kept in target/load-results/ for the README. */
  String summary(List<String> lines) {
    NodeFigures n = timeline.total();
    double origin = originBytes();
    List<String> out = new ArrayList<>();
    out.add("## " + simulation + " (" + params.profile() + ")");
    out.add("");
    out.add("| figure | value |");
    out.add("| --- | --- |");
    out.add(row("target", slice != null ? "nginx proxy_cache slice 1m, nginx origin, 127.0.0.1"
        : params.local() ? params.nodes() + " local node(s), nginx origin, 127.0.0.1" : params.targets().toString()));
    out.add(row("objects", objects.count + " x " + Sizes.format(objects.size) + " (" + Sizes.mib(objects.totalBytes()) + "), pieces of " + Sizes.format(objects.pieceSize)));
    out.add(row("devices / duration", params.devices() + " / " + params.duration().toSeconds() + " s"));
    out.add(row("responses with the right bytes", okResponses.sum() + " (" + Sizes.mib(okBytes.sum()) + ")"));
    out.add(row("responses with wrong bytes", Long.toString(wrongBytes.sum())));
    out.add(row("failed requests", Integer.toString(failures().size())));
    out.add(row("node egress (served)", Sizes.mib(n.egressBytes())));
    out.add(row("origin bytes" + (this.origin != null ? " (origin's access log)" : " (nodes' counters)"), Sizes.mib(origin)));
    out.add(row("nodes' origin bytes / peer bytes", Sizes.mib(n.originBytes()) + " / " + Sizes.mib(n.peerBytes())));
    // nginx has no counters of its own here: what it served is what the devices received.
    double served = metrics.isEmpty() ? okBytes.sum() : n.egressBytes();
    out.add(row("served / origin", origin == 0 ? "-" : String.format(Locale.ROOT, "%.2f", served / origin)));
    out.add(row("origin / object set", String.format(Locale.ROOT, "%.3f", origin / objects.totalBytes())));
    out.add(row("hit ratio (requests)", Timeline.percent(n.hitRatio())));
    out.add(row("node error responses", String.format(Locale.ROOT, "%.0f", n.errorResponses())));
    out.addAll(lines.stream().map(l -> l.startsWith("|") ? l : row(l.substring(0, l.indexOf(':')), l.substring(l.indexOf(':') + 1).strip())).toList());
    out.add(row("verdict", verdict.isEmpty() ? "passed" : "FAILED: " + verdict));
    out.add("");
    out.add("Over time (the nodes' counters):");
    out.add("");
    out.add(timeline.table());
    String text = String.join("\n", out);
    try {
      Path dir = Files.createDirectories(Path.of("target", "load-results"));
      Files.writeString(dir.resolve(simulation + "-" + params.profile() + ".md"), text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      System.err.println("could not keep the summary: " + e);
    }
    return text;
  }

  private static String row(String k, String v) {
    return "| " + k + " | " + v + " |";
  }

  private void stopProcesses() {
    if (timeline != null) {
      timeline.close();
    }
    if (cluster != null) {
      cluster.close();
    }
    if (slice != null) {
      slice.close();
    }
    if (origin != null) {
      origin.close();
    }
  }

  @Override
  public void close() {
    stopProcesses();
    if (work != null) {
      // The nodes' drives (up to the cache size each) go; their logs and configs stay beside
      // them, and the objects in target/load-content stay for the next run.
      try (Stream<Path> drives = Files.list(work)) {
        for (Path d : drives.filter(f -> Files.isDirectory(f) && f.getFileName().toString().startsWith("node-")).toList()) {
          try (Stream<Path> all = Files.walk(d)) {
            all.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
          }
        }
      } catch (IOException e) {
        System.err.println("could not delete the drives under " + work + ": " + e);
      }
    }
  }
}
