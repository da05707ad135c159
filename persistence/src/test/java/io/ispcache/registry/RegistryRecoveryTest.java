package io.ispcache.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.typesafe.config.Config;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stop the registry, start it again on the same database: the state is identical. */
class RegistryRecoveryTest {

  static RegistryState populateThenRecover(Config db) throws Exception {
    RegistryState before;
    try (RegistryHarness h = new RegistryHarness(db)) {
      Customer c = h.customer("Recovering ISP");
      Customer other = h.customer("Other ISP");
      Resource r = h.resource(c, "main");
      Resource ro = h.resource(other, "main");
      CacheNode a = h.node(c, r, "alpha", "20.9.0.1", "30.0.0.0/24, 2a02:100::/56");
      h.node(other, ro, "beta", "20.9.0.2", "30.0.0.0/25");
      CacheNode big = h.node(c, r, "gamma", "20.9.0.3", "31.0.0.0/15");
      h.<CacheNode>ok(rep -> new Registry.ReviewIpSpace(big.id(), true, null, "operator", rep));
      // Enough changes to pass the snapshot interval, so recovery reads a snapshot and events.
      for (int i = 0; i < 210; i++) {
        int egress = 100 + i;
        h.<CacheNode>ok(rep -> new Registry.UpdateCacheNode(a.id(), new Registry.NodeChanges(null, null, egress, null), "customer", rep));
      }
      h.<Customer>ok(rep -> new Registry.AddApiKey(c.id(), "keyhash", "operator", rep));
      before = h.state();
    }
    try (RegistryHarness again = new RegistryHarness(db)) {
      RegistryState after = again.state();
      assertEquals(before, after);
      return after;
    }
  }

  @Test
  void stateIsIdenticalAfterRestartOnEmbeddedH2(@TempDir Path dir) throws Exception {
    RegistryState s = populateThenRecover(RegistryHarness.h2(dir));
    assertEquals(3, s.nodes().size());
  }

  @Test
  void stateIsIdenticalAfterRestartOnPostgreSql() throws Exception {
    String db = RegistryHarness.createPostgresDatabase();
    try {
      RegistryState s = populateThenRecover(RegistryHarness.postgres(db));
      assertEquals(3, s.nodes().size());
      assertEquals(3 + 1 + 210, s.history().values().stream().mapToInt(java.util.List::size).sum());
    } finally {
      RegistryHarness.dropPostgresDatabase(db);
    }
  }
}
