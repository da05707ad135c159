package io.ispcache.load;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class NodeMetricsTest {
  static final String TODAY = """
      # HELP ispcache_responses_total Responses by cache outcome.
      # TYPE ispcache_responses_total counter
      ispcache_responses_total{cache="hit"} 90
      ispcache_responses_total{cache="miss"} 10
      ispcache_responses_total{cache="peer"} 2
      ispcache_egress_bytes_total{source="hit"} 1048576
      ispcache_egress_bytes_total{source="miss"} 524288
      ispcache_origin_bytes_total 524288
      ispcache_origin_bytes_total_extra 7
      ispcache_evicted_bytes_total 3
      """;

  // As Micrometer's Prometheus registry writes counters: other labels, float values, name without _total in HELP.
  static final String MICROMETER = """
      # HELP ispcache_responses Responses by cache outcome.
      # TYPE ispcache_responses counter
      ispcache_responses_total{application="ispcache",cache="hit",} 90.0
      ispcache_responses_total{cache="miss",application="ispcache"} 1.0E1
      ispcache_egress_bytes_total{source="hit",node="a"} 1048576.0
      ispcache_origin_bytes 524288.0
      """;

  @Test
  void aCounterIsFoundWithOrWithoutItsTotalSuffixAndItsLabels() {
    assertEquals(90, NodeMetrics.sum(TODAY, "ispcache_responses", Map.of("cache", "hit")));
    assertEquals(90, NodeMetrics.sum(TODAY, "ispcache_responses_total", Map.of("cache", "hit")));
    assertEquals(102, NodeMetrics.sum(TODAY, "ispcache_responses"));
    assertEquals(1_572_864, NodeMetrics.sum(TODAY, "ispcache_egress_bytes"));
    assertEquals(524_288, NodeMetrics.sum(TODAY, "ispcache_origin_bytes"), "a longer name with the same prefix is another metric");
  }

  @Test
  void micrometersExpositionReadsTheSame() {
    assertEquals(90, NodeMetrics.sum(MICROMETER, "ispcache_responses", Map.of("cache", "hit")));
    assertEquals(10, NodeMetrics.sum(MICROMETER, "ispcache_responses", Map.of("cache", "miss")));
    assertEquals(1_048_576, NodeMetrics.sum(MICROMETER, "ispcache_egress_bytes", Map.of("source", "hit")));
    assertEquals(524_288, NodeMetrics.sum(MICROMETER, "ispcache_origin_bytes_total"));
  }

  @Test
  void nodeFiguresAddUpAcrossNodesAndDifferencesNeverGoNegative() {
    NodeFigures a = NodeFigures.parse(TODAY);
    assertEquals(90, a.hitRequests());
    assertEquals(2, a.otherRequests());
    assertEquals(90.0 / 102, a.hitRatio(), 1e-9);
    NodeFigures two = a.plus(NodeFigures.parse(MICROMETER));
    assertEquals(2, two.answering());
    assertEquals(180, two.hitRequests());
    assertEquals(0, a.since(two).hitRequests(), "a node that went away does not make counts negative");
    assertTrue(Double.isNaN(NodeFigures.NONE.hitRatio()));
  }

  @Test
  void malformedLinesAreSkipped() {
    assertEquals(5, NodeMetrics.sum("ispcache_origin_bytes_total{broken 9\nispcache_origin_bytes_total five\nispcache_origin_bytes_total 5\n", "ispcache_origin_bytes"));
  }

  @Test
  void zipfRanksArePopularInOrderAndWithinTheCatalogue() {
    Zipf zipf = new Zipf(100, 1.0);
    int[] counts = new int[100];
    SplittableRandom random = new SplittableRandom(1);
    for (int i = 0; i < 100_000; i++) {
      counts[zipf.next(random)]++;
    }
    assertTrue(counts[0] > counts[1] && counts[1] > counts[9] && counts[9] > counts[99]);
    // rank 1 of 100 at s=1: 1/H(100) ≈ 19.3 %
    assertEquals(0.193, counts[0] / 100_000.0, 0.01);
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Zipf(0, 1)).getMessage().contains("at least one rank"));
    assertTrue(assertThrows(IllegalArgumentException.class, () -> new Zipf(10, 0)).getMessage().contains("exponent"));
  }
}
