package io.ispcache.report;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * A traffic report over one range: a point per step (every step present; a step without figures
 * reads zero) and the range's totals. Rates are megabits per second (10^6 bit/s) over the step;
 * cache efficiency is MCC's, hit bytes ÷ requested bytes, where requested = hit + miss bytes (bytes a
 * node pulled from a peer node are misses of that node: they are in {@code missBytes}, and also
 * counted alone in {@code peerBytes}); hit ratio is by requests. Both are null without traffic.
 */
public record TrafficReport(String range, String from, String to, long stepSeconds, Totals totals, List<Point> series) {

  /** One step. {@code unhealthyNodes}: nodes that reported in the step, not healthy in every heartbeat. */
  public record Point(
      String at,
      double egressMbps,
      double originMbps,
      long hitBytes,
      long missBytes,
      long peerBytes,
      long originBytes,
      long egressBytes,
      long requests,
      long hitRequests,
      long errors,
      Double cacheEfficiency,
      Double hitRatio,
      long diskUsedBytes,
      long diskCapacityBytes,
      int healthyNodes,
      int unhealthyNodes) {}

  /**
   * The range's totals: averages over the whole range, peaks of its points (so of 1-hour averages
   * for 7 d and 30 d); drive usage as of the last point with a report; node counts as of now
   * (a node that stopped reporting is unhealthy).
   */
  public record Totals(
      double avgEgressMbps,
      double peakEgressMbps,
      double avgOriginMbps,
      double peakOriginMbps,
      long hitBytes,
      long missBytes,
      long peerBytes,
      long originBytes,
      long egressBytes,
      long requests,
      long hitRequests,
      long errors,
      Double cacheEfficiency,
      Double hitRatio,
      long diskUsedBytes,
      long diskCapacityBytes,
      int healthyNodes,
      int unhealthyNodes) {}

  /** The report of {@code buckets} (at most one per step of the window) with the node counts of now. */
  public static TrafficReport of(ReportRange range, ReportRange.Window w, List<Bucket> buckets, int healthyNow, int unhealthyNow) {
    Map<Long, Bucket> byStep = buckets.stream().collect(Collectors.toMap(Bucket::atMs, Function.identity(), (a, b) -> a));
    double stepSeconds = w.stepMs() / 1000.0;
    List<Point> points = new ArrayList<>(w.points());
    Figures sum = Figures.ZERO;
    double peakEgress = 0;
    double peakOrigin = 0;
    long diskUsed = 0;
    long diskCapacity = 0;
    for (long t = w.fromMs(); t < w.toMs(); t += w.stepMs()) {
      Bucket b = byStep.get(t);
      Figures f = b == null ? Figures.ZERO : b.traffic();
      double egress = mbps(f.egressBytes(), stepSeconds);
      double origin = mbps(f.originBytes(), stepSeconds);
      peakEgress = Math.max(peakEgress, egress);
      peakOrigin = Math.max(peakOrigin, origin);
      sum = sum.plus(f);
      if (b != null && b.reportingNodes() > 0) {
        diskUsed = b.diskUsedBytes();
        diskCapacity = b.diskCapacityBytes();
      }
      points.add(new Point(Instant.ofEpochMilli(t).toString(), egress, origin, f.hitBytes(), f.missBytes(), f.peerBytes(), f.originBytes(),
          f.egressBytes(), f.requests(), f.hitRequests(), f.errors(), efficiency(f), hitRatio(f),
          b == null ? 0 : b.diskUsedBytes(), b == null ? 0 : b.diskCapacityBytes(),
          b == null ? 0 : b.healthyNodes(), b == null ? 0 : b.reportingNodes() - b.healthyNodes()));
    }
    double seconds = (w.toMs() - w.fromMs()) / 1000.0;
    Totals totals = new Totals(mbps(sum.egressBytes(), seconds), peakEgress, mbps(sum.originBytes(), seconds), peakOrigin,
        sum.hitBytes(), sum.missBytes(), sum.peerBytes(), sum.originBytes(), sum.egressBytes(), sum.requests(), sum.hitRequests(),
        sum.errors(), efficiency(sum), hitRatio(sum), diskUsed, diskCapacity, healthyNow, unhealthyNow);
    return new TrafficReport(range.label, Instant.ofEpochMilli(w.fromMs()).toString(), Instant.ofEpochMilli(w.toMs()).toString(),
        w.stepMs() / 1000, totals, points);
  }

  /** Megabits per second, to the bit per second. */
  static double mbps(long bytes, double seconds) {
    return Math.round(bytes * 8.0 / seconds) / 1e6;
  }

  static Double efficiency(Figures f) {
    double requested = (double) f.hitBytes() + f.missBytes();
    return requested == 0 ? null : f.hitBytes() / requested;
  }

  static Double hitRatio(Figures f) {
    return f.requests() == 0 ? null : (double) f.hitRequests() / f.requests();
  }
}
