package io.ispcache.load;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** The content counters of a set of nodes, summed over the nodes that answered their {@code /metrics}. */
record NodeFigures(
    int answering, double hitRequests, double missRequests, double otherRequests, double errorResponses,
    double egressBytes, double hitBytes, double originBytes, double peerBytes, double evictedBytes) {

  static final NodeFigures NONE = new NodeFigures(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

  static NodeFigures parse(String text) {
    double hit = NodeMetrics.sum(text, "ispcache_responses", Map.of("cache", "hit"));
    double miss = NodeMetrics.sum(text, "ispcache_responses", Map.of("cache", "miss"));
    double other = NodeMetrics.sum(text, "ispcache_responses", Map.of("cache", "partial"))
        + NodeMetrics.sum(text, "ispcache_responses", Map.of("cache", "peer"));
    return new NodeFigures(1, hit, miss, other,
        NodeMetrics.sum(text, "ispcache_responses", Map.of("cache", "error")),
        NodeMetrics.sum(text, "ispcache_egress_bytes"),
        NodeMetrics.sum(text, "ispcache_egress_bytes", Map.of("source", "hit")),
        NodeMetrics.sum(text, "ispcache_origin_bytes"),
        NodeMetrics.sum(text, "ispcache_peer_bytes"),
        NodeMetrics.sum(text, "ispcache_evicted_bytes"));
  }

  /** Reads every node; one that does not answer within a second (a killed node) adds nothing. */
  static NodeFigures read(HttpClient client, List<URI> metrics) {
    NodeFigures sum = NONE;
    for (URI uri : metrics) {
      try {
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(1)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() == 200) {
          sum = sum.plus(parse(r.body()));
        }
      } catch (IOException gone) {
        // a node that is down: counted as not answering
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return sum;
      }
    }
    return sum;
  }

  NodeFigures plus(NodeFigures o) {
    return new NodeFigures(answering + o.answering, hitRequests + o.hitRequests, missRequests + o.missRequests,
        otherRequests + o.otherRequests, errorResponses + o.errorResponses, egressBytes + o.egressBytes, hitBytes + o.hitBytes,
        originBytes + o.originBytes, peerBytes + o.peerBytes, evictedBytes + o.evictedBytes);
  }

  /** The change since {@code before}, each counter floored at 0 (a node gone takes its counts with it). */
  NodeFigures since(NodeFigures before) {
    return new NodeFigures(answering, pos(hitRequests - before.hitRequests), pos(missRequests - before.missRequests),
        pos(otherRequests - before.otherRequests), pos(errorResponses - before.errorResponses), pos(egressBytes - before.egressBytes),
        pos(hitBytes - before.hitBytes), pos(originBytes - before.originBytes), pos(peerBytes - before.peerBytes),
        pos(evictedBytes - before.evictedBytes));
  }

  double requests() {
    return hitRequests + missRequests + otherRequests;
  }

  /** Hit requests ÷ requests answered from the cache path, or NaN without requests. */
  double hitRatio() {
    return requests() == 0 ? Double.NaN : hitRequests / requests();
  }

  private static double pos(double d) {
    return Math.max(0, d);
  }
}
