package io.ispcache.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.jdbc.RegistryDatabase;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Write-behind of heartbeats: what could not be written is written at a later tick; the stored board is read at start. */
class HealthSyncTest {
  static final Duration TICK = Duration.ofMillis(200);
  @TempDir Path dir;
  ActorTestKit kit;

  @AfterEach
  void stop() {
    if (kit != null) {
      kit.shutdownTestKit();
    }
  }

  @Test
  void heartbeatsThatCouldNotBeWrittenAreWrittenOnceTheDatabaseIsBack() throws Exception {
    Config config = TestDatabases.h2(dir).withFallback(ConfigFactory.parseString("akka.loglevel = WARNING"))
        .withFallback(ConfigFactory.parseResources("ispcache-persistence.conf")).withFallback(ConfigFactory.defaultReference()).resolve();
    RegistryDatabase db = RegistryDatabase.fromConfig(config);
    db.createTablesIfAbsent();
    HeartbeatTable table = new HeartbeatTable(db);
    kit = ActorTestKit.create(config);
    HealthBoard board = new HealthBoard(Duration.ofSeconds(90), Clock.systemUTC());
    HealthSync sync = HealthSync.start(kit.system(), board, table, TICK, "ispcache.admin-blocking-dispatcher").toCompletableFuture().get(30, TimeUnit.SECONDS);

    // Keep one connection open: an embedded H2 database closes with its last connection.
    try (Connection keep = DriverManager.getConnection(db.url(), db.user(), db.password());
        Statement st = keep.createStatement()) {
      st.execute("DROP TABLE node_heartbeats");
      sync.heartbeat("n", "c", true, new Counters(1, 2, 3, 4), 5, 6);
      assertTrue(board.healthy("n"), "steering on this admin node sees the heartbeat at once");
      // A tick fails while the table is missing; the heartbeat is kept for a later one.
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> sync.failedWrites() > 0);
      db.createTablesIfAbsent();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> table.loadAll().size() == 1);
      assertEquals(board.last("n").orElseThrow(), table.loadAll().get(0));
    }

    HealthBoard fresh = new HealthBoard(Duration.ofSeconds(90), Clock.systemUTC());
    HealthSync.start(kit.system(), fresh, table, Duration.ofMinutes(1), "ispcache.admin-blocking-dispatcher").toCompletableFuture().get(30, TimeUnit.SECONDS);
    assertEquals(board.last("n"), fresh.last("n"), "a new admin process reads the board before it answers");
  }
}
