package io.ispcache.report;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every node of a scope with its traffic over one range, for node tables: the figures of {@link
 * TrafficReport}'s totals per node, and {@code lastEgressMbps}, its egress in the range's last step
 * (the last whole minute for 1 h and 24 h). A node without figures in the range reads zero.
 */
public record NodeTrafficList(String range, String from, String to, long stepSeconds, List<Row> nodes) {

  /** A node as the registry knows it, and whether it is healthy now. */
  public record Node(String id, String name, String resourceId, String customerId, boolean healthy) {}

  public record Row(
      String nodeId,
      String name,
      String resourceId,
      String customerId,
      boolean healthy,
      double avgEgressMbps,
      double peakEgressMbps,
      double lastEgressMbps,
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
      Double hitRatio) {}

  public static NodeTrafficList of(ReportRange range, ReportRange.Window w, List<Node> nodes, List<TelemetryTable.NodeTotals> totals) {
    Map<String, TelemetryTable.NodeTotals> byNode = totals.stream().collect(Collectors.toMap(TelemetryTable.NodeTotals::nodeId, Function.identity()));
    double seconds = (w.toMs() - w.fromMs()) / 1000.0;
    double step = w.stepMs() / 1000.0;
    List<Row> rows = nodes.stream().map(n -> {
      TelemetryTable.NodeTotals t = byNode.getOrDefault(n.id(), new TelemetryTable.NodeTotals(n.id(), Figures.ZERO, 0, 0, 0));
      Figures f = t.traffic();
      return new Row(n.id(), n.name(), n.resourceId(), n.customerId(), n.healthy(), TrafficReport.mbps(f.egressBytes(), seconds),
          TrafficReport.mbps(t.peakEgressBytes(), step), TrafficReport.mbps(t.lastEgressBytes(), step), TrafficReport.mbps(f.originBytes(), seconds),
          TrafficReport.mbps(t.peakOriginBytes(), step), f.hitBytes(), f.missBytes(), f.peerBytes(), f.originBytes(), f.egressBytes(), f.requests(),
          f.hitRequests(), f.errors(), TrafficReport.efficiency(f), TrafficReport.hitRatio(f));
    }).toList();
    return new NodeTrafficList(range.label, Instant.ofEpochMilli(w.fromMs()).toString(), Instant.ofEpochMilli(w.toMs()).toString(), w.stepMs() / 1000, rows);
  }
}
