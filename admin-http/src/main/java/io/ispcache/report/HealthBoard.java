package io.ispcache.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest heartbeat of every cache node, kept by the admin plane: health for steering (a node
 * that stops reporting is unhealthy after the timeout) and traffic figures for the summary report.
 */
public final class HealthBoard {
  /** What a node reported last, and when. */
  public record Report(
      String nodeId,
      String customerId,
      Instant at,
      boolean healthy,
      long hitBytes,
      long missBytes,
      long egressBytes,
      long requests,
      long diskUsedBytes,
      long diskCapacityBytes) {}

  /** Traffic totals over a set of nodes, as MCC's summary report shows them. */
  public record Summary(
      int nodesReporting,
      int nodesHealthy,
      long hitBytes,
      long missBytes,
      long egressBytes,
      double hitRatioBytes,
      long requests,
      long diskUsedBytes,
      long diskCapacityBytes) {}

  private final Map<String, Report> reports = new ConcurrentHashMap<>();
  private final Duration timeout;
  private final Clock clock;

  public HealthBoard(Duration timeout, Clock clock) {
    this.timeout = timeout;
    this.clock = clock;
  }

  public void record(Report r) {
    reports.put(r.nodeId(), r);
  }

  public void forget(String nodeId) {
    reports.remove(nodeId);
  }

  public Optional<Report> last(String nodeId) {
    return Optional.ofNullable(reports.get(nodeId));
  }

  /** Reported healthy within the timeout. */
  public boolean healthy(String nodeId) {
    Report r = reports.get(nodeId);
    return r != null && r.healthy() && Duration.between(r.at(), clock.instant()).compareTo(timeout) <= 0;
  }

  public Summary summary(Collection<String> nodeIds) {
    long hit = 0;
    long miss = 0;
    long egress = 0;
    long requests = 0;
    long used = 0;
    long capacity = 0;
    int reporting = 0;
    int healthy = 0;
    for (String id : nodeIds) {
      Report r = reports.get(id);
      if (r == null) {
        continue;
      }
      reporting++;
      if (healthy(id)) {
        healthy++;
      }
      hit += r.hitBytes();
      miss += r.missBytes();
      egress += r.egressBytes();
      requests += r.requests();
      used += r.diskUsedBytes();
      capacity += r.diskCapacityBytes();
    }
    return new Summary(reporting, healthy, hit, miss, egress, hit + miss == 0 ? 0 : (double) hit / (hit + miss), requests, used, capacity);
  }

  public List<Report> all() {
    return List.copyOf(reports.values());
  }
}
