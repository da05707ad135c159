package io.ispcache.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The arithmetic of a traffic report: windows, rates, peaks, efficiency, counter resets. */
class TrafficReportTest {
  static final Instant NOW = Instant.parse("2026-03-10T12:34:56.789Z");

  @Test
  void rangesEndAtTheStartOfTheCurrentStepAndHoldWholeSteps() {
    ReportRange.Window hour = ReportRange.HOUR.window(NOW);
    assertEquals(Instant.parse("2026-03-10T12:34:00Z").toEpochMilli(), hour.toMs());
    assertEquals(Instant.parse("2026-03-10T11:34:00Z").toEpochMilli(), hour.fromMs());
    assertEquals(60, hour.points());
    assertEquals(1440, ReportRange.DAY.window(NOW).points());
    ReportRange.Window week = ReportRange.WEEK.window(NOW);
    assertEquals(Instant.parse("2026-03-10T12:00:00Z").toEpochMilli(), week.toMs());
    assertEquals(Instant.parse("2026-03-03T12:00:00Z").toEpochMilli(), week.fromMs());
    assertEquals(168, week.points());
    assertEquals(720, ReportRange.MONTH.window(NOW).points());
    // Exactly on a step's start, that step has not begun to fill: it is not in the range.
    assertEquals(Instant.parse("2026-03-10T12:00:00Z").toEpochMilli(), ReportRange.WEEK.window(Instant.parse("2026-03-10T12:00:00Z")).toMs());
  }

  @Test
  void onlyTheFourRangesAreNamed() {
    assertEquals(Optional.of(ReportRange.MONTH), ReportRange.named("30d"));
    for (String bad : List.of("30D", "1d", "60m", " 1h", "")) {
      assertTrue(ReportRange.named(bad).isEmpty(), bad);
    }
  }

  static Figures traffic(long hit, long miss, long origin, long requests, long hitRequests) {
    return new Figures(hit, miss, 0, origin, hit + miss, requests, hitRequests, 0);
  }

  @Test
  void everyStepIsThereRatesAreOverTheStepAndTotalsOverTheRange() {
    ReportRange.Window w = ReportRange.HOUR.window(NOW);
    long t1 = w.fromMs() + 10 * 60_000;
    long t2 = w.fromMs() + 20 * 60_000;
    TrafficReport r = TrafficReport.of(ReportRange.HOUR, w, List.of(
        new Bucket(t1, traffic(600_000_000, 150_000_000, 100_000_000, 1000, 900), 100, 1000, 2, 2),
        new Bucket(t2, traffic(0, 75_000_000, 75_000_000, 10, 0), 300, 1000, 2, 1)), 1, 1);

    assertEquals(60, r.series().size());
    TrafficReport.Point p1 = r.series().get(10);
    assertEquals(Instant.ofEpochMilli(t1).toString(), p1.at());
    assertEquals(100.0, p1.egressMbps(), 1e-9, "750 MB in 60 s");
    assertEquals(13.333333, p1.originMbps(), 1e-9);
    assertEquals(0.8, p1.cacheEfficiency(), 1e-9);
    assertEquals(0.9, p1.hitRatio(), 1e-9);
    assertEquals(0, p1.unhealthyNodes());
    assertEquals(1, r.series().get(20).unhealthyNodes());
    TrafficReport.Point empty = r.series().get(0);
    assertEquals(0, empty.egressBytes());
    assertNull(empty.cacheEfficiency());
    assertNull(empty.hitRatio());

    TrafficReport.Totals t = r.totals();
    assertEquals(825_000_000, t.egressBytes());
    assertEquals(825_000_000 * 8.0 / 3600 / 1e6, t.avgEgressMbps(), 1e-6);
    assertEquals(100.0, t.peakEgressMbps(), 1e-9);
    assertEquals(13.333333, t.peakOriginMbps(), 1e-9);
    assertEquals(600.0 / 825, t.cacheEfficiency(), 1e-9);
    assertEquals(900.0 / 1010, t.hitRatio(), 1e-9);
    assertEquals(300, t.diskUsedBytes(), "the last step with a report");
    assertEquals(1, t.healthyNodes());
    assertEquals(1, t.unhealthyNodes());
    assertEquals(60, r.stepSeconds());
  }

  @Test
  void aCounterBelowItsLastValueIsARestartAndTheNewValueIsTheTraffic() {
    Figures before = new Figures(1000, 500, 10, 400, 1600, 50, 40, 1);
    assertEquals(new Figures(500, 0, 0, 100, 500, 5, 5, 0), new Figures(1500, 500, 10, 500, 2100, 55, 45, 1).since(before));
    // Any one counter going down is enough: the node's process started again.
    Figures restarted = new Figures(2000, 600, 20, 500, 2700, 60, 50, 0);
    assertEquals(restarted, restarted.since(before));
    assertEquals(Figures.ZERO, before.since(before));
  }

  @Test
  void csvFiguresWithoutAValueAreEmpty() {
    TrafficReport r = TrafficReport.of(ReportRange.HOUR, ReportRange.HOUR.window(NOW), List.of(), 0, 3);
    List<String> lines = ReportCsv.of(r).lines().toList();
    assertEquals(62, lines.size());
    assertEquals("total,0.0,0.0,0,0,0,0,0,0,0,0,,,0,0,0,3", lines.get(61));
  }
}
