package io.ispcache.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.typesafe.config.Config;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Purges are numbered, listed in order, and survive a restart of the registry on each database. */
class RegistryPurgeTest {

  static void recordedPurgesSurviveRestart(Config db) throws Exception {
    Instant start = Instant.now();
    Purge first;
    Purge second;
    try (RegistryHarness h = new RegistryHarness(db)) {
      first = h.ok(r -> new Registry.RecordPurge("http://dl.example.com/a/x.cab", "dl.example.com/a/x.cab", false, "operator", r));
      second = h.ok(r -> new Registry.RecordPurge("http://dl.example.com/b/", "dl.example.com/b/", true, "operator", r));
      assertEquals(1, first.seq());
      assertEquals(2, second.seq());
      assertFalse(first.at().isBefore(start.minusSeconds(1)));
      Rejection empty = h.<Purge>refused(r -> new Registry.RecordPurge("http://dl.example.com/", "", true, "operator", r));
      assertEquals(400, empty.status());
      assertEquals("prefix", empty.field());
    }
    try (RegistryHarness again = new RegistryHarness(db)) {
      Registry.PurgeList all = again.ok(r -> new Registry.ListPurges(0, 1000, r));
      assertEquals(List.of(first, second), all.purges(), "who, when and what, as recorded");
      assertEquals(2, all.last());
      Registry.PurgeList after1 = again.ok(r -> new Registry.ListPurges(1, 1000, r));
      assertEquals(List.of(second), after1.purges());
      assertEquals(List.of(first), again.<Registry.PurgeList>ok(r -> new Registry.ListPurges(0, 1, r)).purges());
      assertEquals(List.of(), again.<Registry.PurgeList>ok(r -> new Registry.ListPurges(2, 10, r)).purges());
      Purge third = again.ok(r -> new Registry.RecordPurge("http://dl.example.com/c", "dl.example.com/c", false, "operator", r));
      assertEquals(3, third.seq(), "numbering goes on after a restart");
      assertEquals(400, again.<Registry.PurgeList>refused(r -> new Registry.ListPurges(0, 0, r)).status());
    }
  }

  @Test
  void purgesAreNumberedListedAndDurableOnEmbeddedH2(@TempDir Path dir) throws Exception {
    recordedPurgesSurviveRestart(RegistryHarness.h2(dir));
  }

  @Test
  void purgesAreNumberedListedAndDurableOnPostgreSql() throws Exception {
    String db = RegistryHarness.createPostgresDatabase();
    try {
      recordedPurgesSurviveRestart(RegistryHarness.postgres(db));
    } finally {
      RegistryHarness.dropPostgresDatabase(db);
    }
  }
}
