package io.ispcache.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import akka.actor.testkit.typed.javadsl.ActorTestKit;
import akka.serialization.Serialization;
import akka.serialization.SerializationExtension;
import akka.serialization.Serializer;
import akka.serialization.Serializers;
import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.ispcache.jdbc.RegistryDatabase;
import io.ispcache.serialization.CborSerializable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A journal and a snapshot written before arbitration (cache nodes without {@code conflict} and
 * {@code requestedAt}, history entries and node updates without {@code cause}) replay into today's
 * state, and the registry arbitrates on from there.
 */
class RegistryOldJournalTest {
  /** The shapes as the journal held them: same field names, fewer fields. */
  record OldCacheNode(
      String id, String customerId, String resourceId, String name, String serverIp, String cidrBlocks, int maxEgressMbps,
      boolean enabled, List<NodeDrive> drives, IpSpaceStatus status, String statusReason, boolean approved, long ipv4Addresses,
      String ipv6Networks, String nodeKeyHash, Instant createdAt) implements CborSerializable {}

  record OldCacheNodeCreated(OldCacheNode node, String actor, Instant at) implements CborSerializable {}

  record OldCacheNodeUpdated(OldCacheNode node, String change, String actor, Instant at) implements CborSerializable {}

  record OldHistoryEntry(Instant at, String actor, String change) implements CborSerializable {}

  record OldState(
      Map<String, Customer> customers, Map<String, Resource> resources, Map<String, OldCacheNode> nodes,
      Map<String, List<OldHistoryEntry>> history, List<Purge> purges) implements CborSerializable {}

  static final Instant T0 = Instant.parse("2026-01-05T10:00:00Z");
  static final Customer A = new Customer("cust-a", "Old A", List.of(), T0);
  static final Customer B = new Customer("cust-b", "Old B", List.of(), T0);
  static final Customer C = new Customer("cust-c", "Old C", List.of(), T0);
  static final Resource RA = new Resource("res-a", A.id(), "main");
  static final Resource RB = new Resource("res-b", B.id(), "main");
  static final Resource RC = new Resource("res-c", C.id(), "main");

  static OldCacheNode node(String id, Customer c, Resource r, String ip, String blocks, IpSpaceStatus s, String reason, Instant at) {
    return new OldCacheNode(id, c.id(), r.id(), id, ip, blocks, 1000, true, List.of(), s, reason, false, 256, "0", "hash", at);
  }

  @Test
  void anOldJournalAndSnapshotReplayOnEmbeddedH2(@TempDir Path dir) throws Exception {
    Config db = RegistryHarness.h2(dir);
    replays(db, "jdbc:h2:file:" + dir + "/registry/registry", "ispcache");
  }

  @Test
  void anOldJournalAndSnapshotReplayOnPostgreSql() throws Exception {
    String name = RegistryHarness.createPostgresDatabase();
    try {
      replays(RegistryHarness.postgres(name), "jdbc:postgresql://127.0.0.1:5432/" + name, "postgres");
    } finally {
      RegistryHarness.dropPostgresDatabase(name);
    }
  }

  static void replays(Config db, String url, String user) throws Exception {
    Config config = db.withFallback(ConfigFactory.parseString("akka.loglevel = WARNING"))
        .withFallback(ConfigFactory.parseResources("ispcache-persistence.conf"))
        .withFallback(ConfigFactory.defaultReference()).resolve();
    RegistryDatabase.fromConfig(config).createTablesIfAbsent();

    OldCacheNode a1 = node("a1", A, RA, "20.80.0.1", "2.21.234.0/24", IpSpaceStatus.VALID, null, T0.plusSeconds(1));
    // As the old registry wrote it: B's reason quotes A's block; A's re-evaluation by B's edit.
    OldCacheNode b1 = node("b1", B, RB, "20.80.0.2", "2.21.234.128/25", IpSpaceStatus.ATTENTION_REQUIRED,
        "2.21.234.128/25 overlaps 2.21.234.0/24 of another customer's cache node", T0.plusSeconds(2));
    OldCacheNode c1 = node("c1", C, RC, "20.80.0.3", "2.21.234.0/26", IpSpaceStatus.ATTENTION_REQUIRED,
        "2.21.234.0/26 overlaps 2.21.234.0/24 of another customer's cache node", T0.plusSeconds(3));
    OldState snapshot = new OldState(
        Map.of(A.id(), A, B.id(), B, C.id(), C), Map.of(RA.id(), RA, RB.id(), RB, RC.id(), RC), Map.of("a1", a1),
        Map.of("a1", List.of(new OldHistoryEntry(a1.createdAt(), "customer:" + A.id(), "created"))), List.of());

    ActorTestKit writer = ActorTestKit.create(config);
    try (Connection c = DriverManager.getConnection(url, user, "")) {
      Serialization ser = SerializationExtension.get(writer.system());
      // Manifests are those of today's classes: the journal names the event type, not our old shapes.
      RegistryState nowState = RegistryState.empty();
      insertSnapshot(c, ser, 6, snapshot, nowState);
      insertEvent(c, ser, 7, new OldCacheNodeCreated(b1, "customer:" + B.id(), b1.createdAt()), new Registry.CacheNodeCreated(null, null, null));
      insertEvent(c, ser, 8, new OldCacheNodeCreated(c1, "customer:" + C.id(), c1.createdAt()), new Registry.CacheNodeCreated(null, null, null));
      insertEvent(c, ser, 9, new OldCacheNodeUpdated(a1, "IP space evaluated again: VALID", "customer:" + B.id(), T0.plusSeconds(4)),
          new Registry.CacheNodeUpdated(null, null, null, null));
    } finally {
      writer.shutdownTestKit();
    }

    try (RegistryHarness h = new RegistryHarness(db)) {
      RegistryState s = h.state();
      assertEquals(3, s.nodes().size());
      CacheNode b = s.nodes().get("b1");
      assertEquals(IpSpaceStatus.ATTENTION_REQUIRED, b.status());
      assertNull(b.conflict());
      assertNull(b.requestedAt());
      assertEquals(b1.createdAt(), b.askedAt());
      List<HistoryEntry> history = s.history().get("a1");
      assertEquals(2, history.size());
      assertNull(history.get(1).cause());

      // The registry arbitrates on: A frees the space, B (asked before C) takes it.
      h.<akka.Done>ok(r -> new Registry.DeleteCacheNode("a1", "customer:" + A.id(), r));
      RegistryState after = h.state();
      assertEquals(IpSpaceStatus.VALID, after.nodes().get("b1").status());
      assertEquals(IpSpaceStatus.VALID, after.nodes().get("c1").status(), "C's /26 does not overlap B's /25");
      assertEquals(HistoryEntry.REGISTRY, after.history().get("b1").get(1).actor());
    }
  }

  static void insertEvent(Connection c, Serialization ser, long seq, Object old, Object today) throws Exception {
    Serializer s = ser.findSerializerFor(old);
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO \"event_journal\" (\"persistence_id\", \"sequence_number\", \"deleted\", \"writer\", \"write_timestamp\","
            + " \"adapter_manifest\", \"event_payload\", \"event_ser_id\", \"event_ser_manifest\") VALUES (?, ?, false, 'old', ?, '', ?, ?, ?)")) {
      st.setString(1, Registry.PERSISTENCE_ID.id());
      st.setLong(2, seq);
      st.setLong(3, T0.toEpochMilli());
      st.setBytes(4, s.toBinary(old));
      st.setInt(5, s.identifier());
      st.setString(6, Serializers.manifestFor(ser.findSerializerFor(today), today));
      st.executeUpdate();
    }
  }

  static void insertSnapshot(Connection c, Serialization ser, long seq, Object old, Object today) throws Exception {
    Serializer s = ser.findSerializerFor(old);
    try (PreparedStatement st = c.prepareStatement(
        "INSERT INTO \"snapshot\" (\"persistence_id\", \"sequence_number\", \"created\", \"snapshot_ser_id\", \"snapshot_ser_manifest\","
            + " \"snapshot_payload\") VALUES (?, ?, ?, ?, ?, ?)")) {
      st.setString(1, Registry.PERSISTENCE_ID.id());
      st.setLong(2, seq);
      st.setLong(3, T0.toEpochMilli());
      st.setInt(4, s.identifier());
      st.setString(5, Serializers.manifestFor(ser.findSerializerFor(today), today));
      st.setBytes(6, s.toBinary(old));
      st.executeUpdate();
    }
  }
}
