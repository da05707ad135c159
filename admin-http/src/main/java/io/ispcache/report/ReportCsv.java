package io.ispcache.report;

import java.util.List;

/**
 * A traffic report as CSV (RFC 4180, CRLF line ends): a header, one row per point of the series,
 * then a {@code total} row over the range (its rates are the range's averages, its drive usage and
 * node counts the totals'). A figure that has no value (efficiency without traffic) is empty.
 */
public final class ReportCsv {
  static final String HEADER =
      "at,egressMbps,originMbps,hitBytes,missBytes,peerBytes,originBytes,egressBytes,requests,hitRequests,errors,"
          + "cacheEfficiency,hitRatio,diskUsedBytes,diskCapacityBytes,healthyNodes,unhealthyNodes";

  private ReportCsv() {}

  public static String of(TrafficReport r) {
    StringBuilder out = new StringBuilder(HEADER).append("\r\n");
    for (TrafficReport.Point p : r.series()) {
      row(out, List.of(p.at(), p.egressMbps(), p.originMbps(), p.hitBytes(), p.missBytes(), p.peerBytes(), p.originBytes(), p.egressBytes(),
          p.requests(), p.hitRequests(), p.errors(), blank(p.cacheEfficiency()), blank(p.hitRatio()), p.diskUsedBytes(), p.diskCapacityBytes(),
          p.healthyNodes(), p.unhealthyNodes()));
    }
    TrafficReport.Totals t = r.totals();
    row(out, List.of("total", t.avgEgressMbps(), t.avgOriginMbps(), t.hitBytes(), t.missBytes(), t.peerBytes(), t.originBytes(), t.egressBytes(),
        t.requests(), t.hitRequests(), t.errors(), blank(t.cacheEfficiency()), blank(t.hitRatio()), t.diskUsedBytes(), t.diskCapacityBytes(),
        t.healthyNodes(), t.unhealthyNodes()));
    return out.toString();
  }

  static final String NODES_HEADER =
      "nodeId,name,resourceId,customerId,healthy,avgEgressMbps,peakEgressMbps,lastEgressMbps,avgOriginMbps,peakOriginMbps,hitBytes,missBytes,"
          + "peerBytes,originBytes,egressBytes,requests,hitRequests,errors,cacheEfficiency,hitRatio";

  /** A node list: a header and a row per node; the name is quoted (RFC 4180: doubled quotes inside). */
  public static String of(NodeTrafficList l) {
    StringBuilder out = new StringBuilder(NODES_HEADER).append("\r\n");
    for (NodeTrafficList.Row r : l.nodes()) {
      row(out, List.of(r.nodeId(), "\"" + r.name().replace("\"", "\"\"") + "\"", r.resourceId(), r.customerId(), r.healthy(), r.avgEgressMbps(),
          r.peakEgressMbps(), r.lastEgressMbps(), r.avgOriginMbps(), r.peakOriginMbps(), r.hitBytes(), r.missBytes(), r.peerBytes(), r.originBytes(),
          r.egressBytes(), r.requests(), r.hitRequests(), r.errors(), blank(r.cacheEfficiency()), blank(r.hitRatio())));
    }
    return out.toString();
  }

  private static Object blank(Double d) {
    return d == null ? "" : d;
  }

  /** Values are numbers, timestamps, ids and fixed words (none needs quoting) or quoted already. */
  private static void row(StringBuilder out, List<Object> values) {
    for (int i = 0; i < values.size(); i++) {
      if (i > 0) {
        out.append(',');
      }
      out.append(values.get(i));
    }
    out.append("\r\n");
  }
}
