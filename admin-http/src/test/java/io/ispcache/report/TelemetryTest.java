package io.ispcache.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.ispcache.jdbc.RegistryDatabase;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An admin node's telemetry over time, on PostgreSQL: heartbeats wait while the database is away
 * and are written when it is back; two days on, their minutes are gone and their hour carries them
 * into the 7-day report.
 */
class TelemetryTest {
  static final long T0 = TelemetryTableTest.T0;

  @TempDir Path dir;

  @Test
  void heartbeatsWaitForTheDatabaseAndTheirHourOutlivesTheirMinutes() throws Exception {
    String name = "ispcache_test_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    RegistryDatabase db = RegistryDatabase.fromConfig(TestDatabases.postgres(name, dir)
        .withFallback(ConfigFactory.parseResources("ispcache-persistence.conf")).withFallback(ConfigFactory.defaultReference()).resolve());
    TestClock clock = new TestClock(Instant.ofEpochMilli(T0 + 40_000));
    TelemetrySettings settings = new TelemetrySettings(Duration.ofHours(48), Duration.ofDays(90), Duration.ofMinutes(5), 1000);
    Telemetry telemetry = new Telemetry(new TelemetryTable(db), settings, clock, Runnable::run);
    try {
      telemetry.take(TelemetryTableTest.beat("a1", T0 + 5_000, 0, true));
      telemetry.take(TelemetryTableTest.beat("a1", T0 + 35_000, 1_000, true));
      telemetry.flush(); // the database is not there
      TestDatabases.createPostgres(name);
      db.createTablesIfAbsent();
      telemetry.flush();
      TelemetryTable table = new TelemetryTable(db);
      assertEquals(1_000, TelemetryTableTest.only(table.minutes(TelemetryTable.Scope.ALL, T0, T0 + 60_000)).traffic().hitBytes());

      clock.set(Instant.ofEpochMilli(T0 + Duration.ofHours(49).toMillis()));
      telemetry.rollUp();
      assertTrue(table.minutes(TelemetryTable.Scope.ALL, T0, T0 + 60_000).isEmpty(), "past minute-retention");
      ReportRange.Window week = ReportRange.WEEK.window(clock.instant());
      List<Bucket> hours = telemetry.buckets(TelemetryTable.Scope.node("a1"), ReportRange.WEEK, week).toCompletableFuture().join();
      TrafficReport report = TrafficReport.of(ReportRange.WEEK, week, hours, 0, 1);
      assertEquals(1_000, report.totals().hitBytes());
      assertEquals(1_000, report.series().stream().filter(p -> p.at().equals(Instant.ofEpochMilli(T0).toString())).findFirst().orElseThrow().hitBytes());
    } finally {
      TestDatabases.dropPostgres(name);
    }
  }
}
