package io.ispcache.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.jdbc.RegistryDatabase;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stored heartbeats on embedded H2 and on PostgreSQL: what is written is read back, newest wins. */
class HeartbeatTableTest {
  @TempDir Path dir;

  static HeartbeatTable table(Config db) throws Exception {
    Config config = db.withFallback(ConfigFactory.parseResources("ispcache-persistence.conf")).withFallback(ConfigFactory.defaultReference()).resolve();
    RegistryDatabase database = RegistryDatabase.fromConfig(config);
    database.createTablesIfAbsent();
    database.createTablesIfAbsent(); // again at the next start: changes nothing
    return new HeartbeatTable(database);
  }

  static HealthBoard.Report report(String node, long atMillis, boolean healthy, long hits) {
    return new HealthBoard.Report(node, "customer-1", Instant.ofEpochMilli(atMillis), healthy, new Counters(hits, 2, 3, 4),
        new Counters(10, 20, 30, Long.MAX_VALUE), 5, 6);
  }

  @Test
  void heartbeatsAreReadBackAsWrittenOnH2() throws Exception {
    readBackNewestWinsDeleteForgets(table(TestDatabases.h2(dir)));
  }

  @Test
  void heartbeatsAreReadBackAsWrittenOnPostgres() throws Exception {
    String name = TestDatabases.createPostgres();
    try {
      readBackNewestWinsDeleteForgets(table(TestDatabases.postgres(name, dir)));
    } finally {
      TestDatabases.dropPostgres(name);
    }
  }

  private static void readBackNewestWinsDeleteForgets(HeartbeatTable table) throws Exception {
    HealthBoard.Report a = report("node-a", 1_000_000, true, 1);
    HealthBoard.Report b = report("node-b", 2_000_000, false, 7);
    table.save(List.of(a, b));
    assertEquals(List.of(a, b), sorted(table.loadAll()));

    HealthBoard.Report newer = report("node-a", 3_000_000, false, 99);
    table.save(List.of(newer));
    // Another admin node's older report of the same node comes late: it does not replace the newer one.
    table.save(List.of(report("node-a", 2_500_000, true, 50)));
    assertEquals(List.of(newer, b), sorted(table.loadAll()));

    table.delete("node-b");
    assertEquals(List.of(newer), table.loadAll());
    table.save(List.of());
  }

  private static List<HealthBoard.Report> sorted(List<HealthBoard.Report> rs) {
    return rs.stream().sorted(Comparator.comparing(HealthBoard.Report::nodeId)).toList();
  }
}
