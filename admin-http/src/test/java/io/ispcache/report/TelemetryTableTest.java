package io.ispcache.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.jdbc.RegistryDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The traffic series on embedded H2 and on PostgreSQL: heartbeats' counters become per-minute
 * traffic, exactly once whichever admin node writes them, across node restarts; minutes roll up into
 * hours, and what is past retention goes.
 */
class TelemetryTableTest {
  /** 2026-01-01T00:00:00Z: whole hours and minutes from here. */
  static final long T0 = 1_767_225_600_000L;
  static final long MIN = 60_000;
  static final long HOUR = 3_600_000;

  @TempDir Path dir;

  static TelemetryTable table(Config db) throws Exception {
    Config config = db.withFallback(ConfigFactory.parseResources("ispcache-persistence.conf")).withFallback(ConfigFactory.defaultReference()).resolve();
    RegistryDatabase database = RegistryDatabase.fromConfig(config);
    database.createTablesIfAbsent();
    database.createTablesIfAbsent(); // again at the next start: changes nothing
    return new TelemetryTable(database);
  }

  /** A heartbeat of {@code node} (customer c1, resource r1 unless node starts with "b") with hit counter {@code hit}. */
  static Sample beat(String node, long atMs, long hit, boolean healthy) {
    String owner = node.startsWith("b") ? "2" : "1";
    return new Sample(node, "c" + owner, "r" + owner, Instant.ofEpochMilli(atMs), healthy,
        new Figures(hit, hit / 2, hit / 4, hit / 2, hit + hit / 2, hit / 100, hit / 200, hit / 1000), 500 + hit, 10_000);
  }

  interface Body {
    void run(TelemetryTable a, TelemetryTable b) throws Exception;
  }

  /** Runs {@code body} with two writers (two admin nodes) on the same H2 database, then on a fresh PostgreSQL one. */
  void onBoth(Body body) throws Exception {
    body.run(table(TestDatabases.h2(dir.resolve("h2"))), table(TestDatabases.h2(dir.resolve("h2"))));
    String name = TestDatabases.createPostgres();
    try {
      body.run(table(TestDatabases.postgres(name, dir)), table(TestDatabases.postgres(name, dir)));
    } finally {
      TestDatabases.dropPostgres(name);
    }
  }

  static Bucket only(List<Bucket> buckets) {
    assertEquals(1, buckets.size(), buckets.toString());
    return buckets.get(0);
  }

  @Test
  void countersBecomeTrafficPerMinuteAndARestartCountsFromZero() throws Exception {
    onBoth((t, other) -> {
      // The first heartbeat ever only sets the baseline: what came before it is not this minute's.
      t.record(List.of(beat("a1", T0 + 5_000, 1_000, true)));
      t.record(List.of(beat("a1", T0 + 35_000, 3_000, true), beat("a1", T0 + MIN + 5_000, 7_000, false)));
      // The node restarted: 400 is what it counted since, all of it new (what it had counted after 7000 is lost).
      t.record(List.of(beat("a1", T0 + MIN + 35_000, 400, true)));

      Bucket first = only(t.minutes(TelemetryTable.Scope.node("a1"), T0, T0 + MIN));
      assertEquals(2_000, first.traffic().hitBytes());
      assertEquals(1_000, first.traffic().missBytes());
      assertEquals(500, first.traffic().peerBytes());
      assertEquals(3_000, first.traffic().egressBytes());
      assertEquals(20, first.traffic().requests());
      assertEquals(3_500, first.diskUsedBytes(), "the highest usage in the minute");
      assertEquals(1, first.reportingNodes());
      assertEquals(1, first.healthyNodes());

      Bucket second = only(t.minutes(TelemetryTable.Scope.node("a1"), T0 + MIN, T0 + 2 * MIN));
      assertEquals(4_000 + 400, second.traffic().hitBytes());
      assertEquals(2_000 + 200, second.traffic().missBytes());
      assertEquals(0, second.healthyNodes(), "one heartbeat of the minute said unhealthy");
    });
  }

  @Test
  void trafficNoNodeCanServeInTheIntervalIsNotCountedAndTheNextHeartbeatCountsFromIt() throws Exception {
    onBoth((t, other) -> {
      t.record(List.of(beat("a5", T0, 1_000, true)));
      // 2^50 bytes in 30 s (300 Tbit/s): a node's bug; then the node counts on from there.
      t.record(List.of(beat("a5", T0 + 30_000, 1L << 50, true), beat("a5", T0 + 50_000, (1L << 50) + 5_000, true)));
      assertEquals(5_000, only(t.minutes(TelemetryTable.Scope.node("a5"), T0, T0 + MIN)).traffic().hitBytes());
    });
  }

  @Test
  void twoAdminNodesWritingTheSameNodeCountItsTrafficOnce() throws Exception {
    onBoth((a, b) -> {
      a.record(List.of(beat("a2", T0 + 1_000, 100, true)));
      // The node's heartbeats go to b, then to a: each counts from the baseline the other left.
      b.record(List.of(beat("a2", T0 + 31_000, 600, true)));
      a.record(List.of(beat("a2", T0 + 61_000, 1_600, true)));
      // a's heartbeat of 31 s came late (a slow flush): b has counted past it, it adds nothing.
      a.record(List.of(beat("a2", T0 + 31_000, 600, true), beat("a2", T0 + 45_000, 900, true)));
      List<Bucket> minutes = a.minutes(TelemetryTable.Scope.node("a2"), T0, T0 + 2 * MIN);
      assertEquals(List.of(500L, 1_000L), minutes.stream().map(m -> m.traffic().hitBytes()).toList());
      // The late heartbeats are not counted as heartbeats either.
      assertEquals(1, minutes.get(1).reportingNodes());
    });
  }

  @Test
  void aMinuteIsFromItsFirstMillisecondToBeforeTheNextOnesAndScopesSplitNodes() throws Exception {
    onBoth((t, other) -> {
      t.record(List.of(beat("a3", T0 - 1, 0, true), beat("b3", T0 - 1, 0, true)));
      t.record(List.of(beat("a3", T0, 10, true), beat("b3", T0 + 1, 1_000, true)));
      t.record(List.of(beat("a3", T0 + MIN - 1, 30, true), beat("b3", T0 + MIN, 5_000, true)));
      Bucket all = only(t.minutes(TelemetryTable.Scope.ALL, T0, T0 + MIN));
      assertEquals(T0, all.atMs());
      assertEquals(30 + 1_000, all.traffic().hitBytes(), "both nodes' first minute, and not b3's heartbeat at the next minute's start");
      assertEquals(2, all.reportingNodes());
      assertEquals(30, only(t.minutes(TelemetryTable.Scope.customer("c1"), T0, T0 + MIN)).traffic().hitBytes());
      assertEquals(1_000, only(t.minutes(TelemetryTable.Scope.resource("r2"), T0, T0 + MIN)).traffic().hitBytes());
      assertEquals(4_000, only(t.minutes(TelemetryTable.Scope.node("b3"), T0 + MIN, T0 + 2 * MIN)).traffic().hitBytes());
      assertTrue(t.minutes(TelemetryTable.Scope.node("b3"), T0 + 2 * MIN, T0 + 3 * MIN).isEmpty());

      // Per node over two minutes: sums, the highest minute, the last minute.
      List<TelemetryTable.NodeTotals> perNode = t.perNode(TelemetryTable.Scope.ALL, T0, T0 + 2 * MIN, MIN, T0);
      assertEquals(List.of("a3", "b3"), perNode.stream().map(TelemetryTable.NodeTotals::nodeId).toList());
      assertEquals(30, perNode.get(0).traffic().hitBytes());
      assertEquals(0, perNode.get(0).lastEgressBytes());
      assertEquals(5_000, perNode.get(1).traffic().hitBytes());
      assertEquals(6_000, perNode.get(1).peakEgressBytes(), "4000 hit + 2000 miss bytes in b3's second minute");
      assertEquals(6_000, perNode.get(1).lastEgressBytes());
      assertEquals(List.of("b3"), t.perNode(TelemetryTable.Scope.customer("c2"), T0, T0 + 2 * MIN, MIN, T0).stream()
          .map(TelemetryTable.NodeTotals::nodeId).toList());
    });
  }

  @Test
  void minutesRollUpIntoHoursIdempotentlyAndAgeOut() throws Exception {
    onBoth((t, other) -> {
      t.record(List.of(beat("a4", T0, 0, true), beat("b4", T0, 0, true)));
      long hit = 0;
      List<Sample> batch = new java.util.ArrayList<>();
      for (long m = 1; m <= 120; m++) { // two hours of a heartbeat a minute, 1000 bytes each, written 10 minutes at a time
        hit += 1_000;
        batch.add(beat("a4", T0 + m * MIN, hit, m != 90));
        batch.add(beat("b4", T0 + m * MIN, 2 * hit, true));
        if (m % 10 == 0) {
          t.record(batch);
          batch.clear();
        }
      }
      // From the minutes (as if minutes were kept for all of it): hour 0 has minutes 1-59, hour 1 minutes 60-119.
      List<Bucket> fromMinutes = t.hours(TelemetryTable.Scope.ALL, T0, T0 + 2 * HOUR, T0);
      assertEquals(List.of(59L * 3_000, 60L * 3_000), fromMinutes.stream().map(m -> m.traffic().hitBytes()).toList());
      assertEquals(1, fromMinutes.get(1).healthyNodes(), "a4 was unhealthy once in hour 1");

      assertEquals(4, t.rollUp(T0, T0 + 2 * HOUR + 30 * MIN));
      assertEquals(4, t.rollUp(T0, T0 + 2 * HOUR + 30 * MIN), "an hour is recomputed, not added to");
      assertEquals(4, other.rollUp(T0 - HOUR, T0 + 2 * HOUR), "another admin node's roll-up changes nothing");
      t.prune(T0 + 2 * HOUR, T0 - HOUR);
      // Now only the hours hold hour 0 and 1: the same figures.
      List<Bucket> rolled = t.hours(TelemetryTable.Scope.ALL, T0, T0 + 2 * HOUR, T0 + 2 * HOUR);
      assertEquals(fromMinutes, rolled);
      assertEquals(List.of(59L * 1_000, 60L * 1_000), t.hours(TelemetryTable.Scope.customer("c1"), T0, T0 + 2 * HOUR, T0 + 2 * HOUR)
          .stream().map(m -> m.traffic().hitBytes()).toList());
      assertEquals(T0 + 2 * HOUR, t.oldestMinute().orElseThrow());
      List<TelemetryTable.NodeTotals> perNode = t.perNode(TelemetryTable.Scope.ALL, T0, T0 + 2 * HOUR, HOUR, T0 + 2 * HOUR);
      assertEquals(List.of(119L * 1_000, 119L * 2_000), perNode.stream().map(n -> n.traffic().hitBytes()).toList());
      assertEquals(60L * 3_000, perNode.get(1).peakEgressBytes(), "b4's hour 1: 60 minutes of 2000 hit and 1000 miss bytes");

      t.prune(T0 + 2 * HOUR, T0 + HOUR);
      assertEquals(List.of(T0 + HOUR), t.hours(TelemetryTable.Scope.ALL, T0, T0 + 2 * HOUR, T0 + 2 * HOUR).stream().map(Bucket::atMs).toList());
    });
  }
}
