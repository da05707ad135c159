package io.ispcache.load;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The nodes' counters sampled every interval while a simulation runs: hit ratio, egress and
 * origin throughput over time, as a table for the report (Gatling's own charts have requests and
 * response times, not the cache's view).
 */
final class Timeline implements AutoCloseable {
  /** One interval: seconds since the start, and what the nodes counted in it. */
  record Row(double at, NodeFigures delta, double seconds) {}

  private final HttpClient client;
  private final List<URI> metrics;
  private final long start = System.nanoTime();
  private final List<Row> rows = new ArrayList<>();
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor(r -> {
    Thread t = new Thread(r, "metrics-sampler");
    t.setDaemon(true);
    return t;
  });
  private final NodeFigures first;
  private NodeFigures last;
  private long lastAt = start;

  Timeline(HttpClient client, List<URI> metrics, Duration interval) {
    this.client = client;
    this.metrics = metrics;
    this.first = NodeFigures.read(client, metrics);
    this.last = first;
    sampler.scheduleAtFixedRate(this::sample, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private synchronized void sample() {
    NodeFigures now = NodeFigures.read(client, metrics);
    long at = System.nanoTime();
    rows.add(new Row((at - start) / 1e9, now.since(last), (at - lastAt) / 1e9));
    last = now;
    lastAt = at;
  }

  /** Everything the nodes counted since the run started (nodes lost meanwhile count up to their last sample). */
  synchronized NodeFigures total() {
    NodeFigures sum = NodeFigures.NONE;
    for (Row r : rows) {
      sum = sum.plus(r.delta());
    }
    NodeFigures tail = NodeFigures.read(client, metrics).since(last);
    return sum.plus(tail);
  }

  synchronized String table() {
    StringBuilder b = new StringBuilder("| s | nodes up | requests/s | hit ratio | egress MiB/s | origin MiB/s | evicted MiB/s |\n| --- | --- | --- | --- | --- | --- | --- |\n");
    // From the first interval with traffic: Gatling starts its clock seconds after the nodes are up.
    int from = 0;
    while (from < rows.size() - 1 && rows.get(from).delta().requests() == 0 && rows.get(from).delta().egressBytes() == 0) {
      from++;
    }
    for (Row r : rows.subList(from, rows.size())) {
      NodeFigures d = r.delta();
      b.append(String.format(Locale.ROOT, "| %.0f | %d | %.0f | %s | %.1f | %.1f | %.1f |%n", r.at(), d.answering(),
          d.requests() / r.seconds(), percent(d.hitRatio()), d.egressBytes() / r.seconds() / (1 << 20),
          d.originBytes() / r.seconds() / (1 << 20), d.evictedBytes() / r.seconds() / (1 << 20)));
    }
    return b.toString();
  }

  static String percent(double ratio) {
    return Double.isNaN(ratio) ? "-" : String.format(Locale.ROOT, "%.1f %%", ratio * 100);
  }

  @Override
  public void close() {
    sampler.shutdownNow();
  }
}
