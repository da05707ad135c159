package io.ispcache.node;

import io.ispcache.metrics.LatencyHistogram;
import io.ispcache.metrics.NodeMetrics;
import java.util.Locale;

/** Renders the node's figures in the Prometheus text exposition format (version 0.0.4). */
final class PrometheusText {
  private PrometheusText() {}

  static String render(NodeStatus status) {
    NodeMetrics m = status.metrics();
    StringBuilder out = new StringBuilder(4096);
    counter(out, "ispcache_requests_total", "Content requests received.", m.requests.sum());
    out.append("# HELP ispcache_responses_total Content responses by cache status.\n");
    out.append("# TYPE ispcache_responses_total counter\n");
    sample(out, "ispcache_responses_total{cache=\"hit\"}", m.hitRequests.sum());
    sample(out, "ispcache_responses_total{cache=\"miss\"}", m.missRequests.sum());
    sample(out, "ispcache_responses_total{cache=\"partial\"}", m.partialRequests.sum());
    sample(out, "ispcache_responses_total{cache=\"peer\"}", m.peerRequests.sum());
    sample(out, "ispcache_responses_total{cache=\"relay\"}", m.relayedRequests.sum());
    sample(out, "ispcache_responses_total{cache=\"error\"}", m.errorResponses.sum());
    counter(out, "ispcache_range_not_satisfiable_total", "416 answers: ranges outside the object, or too many (client errors, not cache errors).",
        m.unsatisfiableRanges.sum());
    out.append("# HELP ispcache_egress_bytes_total Bytes sent to clients by source.\n");
    out.append("# TYPE ispcache_egress_bytes_total counter\n");
    sample(out, "ispcache_egress_bytes_total{source=\"hit\"}", m.hitBytes.sum());
    sample(out, "ispcache_egress_bytes_total{source=\"miss\"}", m.missBytes.sum());
    sample(out, "ispcache_egress_bytes_total{source=\"relay\"}", m.relayBytes.sum());
    counter(out, "ispcache_origin_fetches_total", "Chunk fetches sent to origins.", m.originFetches.sum());
    counter(out, "ispcache_origin_fetch_failures_total", "Chunk fetches that failed.", m.originFetchFailures.sum());
    counter(out, "ispcache_origin_bytes_total", "Bytes received from origins.", m.originBytes.sum());
    counter(out, "ispcache_peer_fetches_total", "Chunk fetches from peer nodes.", m.peerFetches.sum());
    counter(out, "ispcache_peer_fetch_failures_total", "Chunk fetches from peer nodes that failed (unreachable, silent, not held, cut mid-body).", m.peerFetchFailures.sum());
    counter(out, "ispcache_peer_bytes_total", "Bytes received from peer nodes.", m.peerBytes.sum());
    counter(out, "ispcache_peer_served_bytes_total", "Bytes sent to peer nodes from this node's chunks.", m.peerServedBytes.sum());
    counter(out, "ispcache_coalesced_waits_total", "Requests that joined a fill already running.", m.coalescedWaits.sum());
    counter(out, "ispcache_revalidations_total", "Conditional requests sent to an origin to validate a stale object.", m.revalidations.sum());
    counter(out, "ispcache_revalidated_unchanged_total", "Revalidations the origin answered 304: the stored object was kept.", m.revalidatedUnchanged.sum());
    counter(out, "ispcache_stale_responses_total", "Responses of a stale object (origin failing, or revalidation under way).", m.staleResponses.sum());
    counter(out, "ispcache_read_ahead_abandoned_total", "Chunks read ahead and given up unfinished: their clients had left.", m.readAheadAbandoned.sum());
    counter(out, "ispcache_uncoordinated_fills_total", "Fills started without the object's entity (it did not answer).", m.uncoordinatedFills.sum());
    counter(out, "ispcache_forwarded_requests_total", "Requests of other methods than GET and HEAD forwarded to their origin.", m.forwardedRequests.sum());
    counter(out, "ispcache_forwarded_request_bytes_total", "Request body bytes forwarded to origins.", m.forwardedRequestBytes.sum());
    counter(out, "ispcache_forward_failures_total", "Forwarded requests their origin did not answer (unreachable, timed out, broken).", m.forwardFailures.sum());
    counter(out, "ispcache_invalidated_objects_total", "Stored objects dropped after a successful unsafe request to their URI (RFC 9111 §4.4).", m.invalidatedObjects.sum());
    counter(out, "ispcache_purges_applied_total", "Operators' purges applied to this node's store.", m.purgesApplied.sum());
    counter(out, "ispcache_purged_objects_total", "Objects dropped by purges.", m.purgedObjects.sum());
    counter(out, "ispcache_purged_bytes_total", "Bytes of chunks dropped by purges.", m.purgedBytes.sum());
    gauge(out, "ispcache_content_connections", "Client connections open on the content port now (bounded by max-connections).", m.contentPort().openConnections());
    counter(out, "ispcache_content_connections_refused_total", "Content connections closed as they arrived, unread: their client (an IPv4 address, an IPv6 /64) held max-connections-per-client.", m.contentPort().refusedConnections());
    counter(out, "ispcache_content_accept_pauses_total", "Times max-connections were open on the content port: new connections waited in the listen backlog until one closed.", m.contentPort().acceptPauses());
    gauge(out, "ispcache_origin_connections", "Connections to origins open now (bounded per destination by max-connections-per-host).", m.upstream().openConnections());
    gauge(out, "ispcache_origin_pools", "Origin destinations with a connection pool now (idle ones are dropped).", m.upstream().pools());
    histogram(out, "ispcache_fill_seconds", "Time from origin request to chunk committed.", m.fillLatency);
    status.storeStats().ifPresent(s -> {
      out.append("# HELP ispcache_drive_used_bytes Bytes the cache takes on each cache drive as allocated (chunks, meta files, directories, fills in progress).\n");
      out.append("# TYPE ispcache_drive_used_bytes gauge\n");
      for (var d : s.drives()) {
        sample(out, "ispcache_drive_used_bytes{drive=\"" + escape(d.path().toString()) + "\"}", d.usedBytes());
      }
      out.append("# HELP ispcache_drive_capacity_bytes Size limit of each cache drive.\n");
      out.append("# TYPE ispcache_drive_capacity_bytes gauge\n");
      for (var d : s.drives()) {
        sample(out, "ispcache_drive_capacity_bytes{drive=\"" + escape(d.path().toString()) + "\"}", d.maxBytes());
      }
      out.append("# HELP ispcache_drive_chunks Chunks stored on each cache drive.\n");
      out.append("# TYPE ispcache_drive_chunks gauge\n");
      for (var d : s.drives()) {
        sample(out, "ispcache_drive_chunks{drive=\"" + escape(d.path().toString()) + "\"}", d.chunkCount());
      }
      counter(out, "ispcache_evictions_total", "Chunks evicted to make room.", s.evictions());
      counter(out, "ispcache_evicted_bytes_total", "Bytes evicted to make room.", s.evictedBytes());
      out.append("# HELP ispcache_chunk_memory_bytes Bytes of chunks held in memory: being filled, or recently filled.\n");
      out.append("# TYPE ispcache_chunk_memory_bytes gauge\n");
      sample(out, "ispcache_chunk_memory_bytes", s.memoryBytes());
    });
    return out.toString();
  }

  private static void counter(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" counter\n");
    sample(out, name, value);
  }

  private static void histogram(StringBuilder out, String name, String help, LatencyHistogram h) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" histogram\n");
    for (int i = 0; i < LatencyHistogram.BOUNDS.length; i++) {
      out.append(name).append("_bucket{le=\"").append(format(LatencyHistogram.BOUNDS[i])).append("\"} ")
          .append(h.cumulative(i)).append('\n');
    }
    out.append(name).append("_bucket{le=\"+Inf\"} ").append(h.count()).append('\n');
    out.append(name).append("_sum ").append(format(h.sumSeconds())).append('\n');
    out.append(name).append("_count ").append(h.count()).append('\n');
  }

  private static void sample(StringBuilder out, String name, long value) {
    out.append(name).append(' ').append(value).append('\n');
  }

  private static String format(double d) {
    return String.format(Locale.ROOT, "%s", d);
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static void gauge(StringBuilder out, String name, String help, long value) {
    out.append("# HELP ").append(name).append(' ').append(help).append('\n');
    out.append("# TYPE ").append(name).append(" gauge\n");
    sample(out, name, value);
  }
}
