package io.ispcache.report;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The latest heartbeat of every cache node, as this admin process knows it: health for steering
 * (a node that stops reporting is unhealthy after the timeout) and traffic figures for the summary
 * report. {@link HealthSync} keeps it durable and the same on every admin node.
 */
public final class HealthBoard {
  /**
   * What a node reported last, and when. {@code reported} are the node's counters as sent (since
   * the node process started); {@code carried} what it had counted before its last restarts, so
   * that the traffic figures stay totals when a node restarts.
   */
  public record Report(
      String nodeId,
      String customerId,
      Instant at,
      boolean healthy,
      Counters reported,
      Counters carried,
      long diskUsedBytes,
      long diskCapacityBytes) {

    public long hitBytes() {
      return Counters.sum(carried.hitBytes(), reported.hitBytes());
    }

    public long missBytes() {
      return Counters.sum(carried.missBytes(), reported.missBytes());
    }

    public long egressBytes() {
      return Counters.sum(carried.egressBytes(), reported.egressBytes());
    }

    public long requests() {
      return Counters.sum(carried.requests(), reported.requests());
    }
  }

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

  /**
   * Takes a heartbeat. Counters below the previous report's mean the node restarted (they count
   * from zero again): what it had counted is carried over, not refused.
   */
  public Report record(String nodeId, String customerId, boolean healthy, Counters counters, long diskUsedBytes, long diskCapacityBytes) {
    return reports.compute(nodeId, (id, previous) -> {
      Counters carried = Counters.ZERO;
      if (previous != null) {
        carried = counters.anyBelow(previous.reported()) ? previous.carried().plus(previous.reported()) : previous.carried();
      }
      // Milliseconds, as stored: every admin node shows the same time, before and after a restart.
      return new Report(id, customerId, clock.instant().truncatedTo(ChronoUnit.MILLIS), healthy, counters, carried, diskUsedBytes, diskCapacityBytes);
    });
  }

  /** Takes a report read from the shared store when it is newer than the one held. */
  public void merge(Report stored) {
    reports.merge(stored.nodeId(), stored, (held, s) -> s.at().isAfter(held.at()) ? s : held);
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
      hit = Counters.sum(hit, r.hitBytes());
      miss = Counters.sum(miss, r.missBytes());
      egress = Counters.sum(egress, r.egressBytes());
      requests = Counters.sum(requests, r.requests());
      used = Counters.sum(used, r.diskUsedBytes());
      capacity = Counters.sum(capacity, r.diskCapacityBytes());
    }
    return new Summary(reporting, healthy, hit, miss, egress, hit + miss == 0 ? 0 : (double) hit / ((double) hit + miss), requests, used, capacity);
  }

  public List<Report> all() {
    return List.copyOf(reports.values());
  }
}
