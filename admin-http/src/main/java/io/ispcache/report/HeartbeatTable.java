package io.ispcache.report;

import io.ispcache.jdbc.RegistryDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The {@code node_heartbeats} table in the registry's database: each node's last heartbeat, one
 * row per node. Blocking JDBC: call it on a blocking dispatcher only.
 */
public final class HeartbeatTable {
  private static final String COLUMNS =
      "node_id, customer_id, received_at_ms, healthy, hit_bytes, miss_bytes, egress_bytes, requests, "
          + "carried_hit_bytes, carried_miss_bytes, carried_egress_bytes, carried_requests, disk_used_bytes, disk_capacity_bytes";
  private static final String PARAMETERS = "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?";
  private static final String UPDATES =
      "customer_id = %1$s.customer_id, received_at_ms = %1$s.received_at_ms, healthy = %1$s.healthy, hit_bytes = %1$s.hit_bytes, "
          + "miss_bytes = %1$s.miss_bytes, egress_bytes = %1$s.egress_bytes, requests = %1$s.requests, "
          + "carried_hit_bytes = %1$s.carried_hit_bytes, carried_miss_bytes = %1$s.carried_miss_bytes, "
          + "carried_egress_bytes = %1$s.carried_egress_bytes, carried_requests = %1$s.carried_requests, "
          + "disk_used_bytes = %1$s.disk_used_bytes, disk_capacity_bytes = %1$s.disk_capacity_bytes";

  private final RegistryDatabase db;
  private final String upsert;

  public HeartbeatTable(RegistryDatabase db) {
    this.db = db;
    // An older report never replaces a newer one: two admin nodes may write the same node's row.
    this.upsert =
        db.dialect() == RegistryDatabase.Dialect.POSTGRES
            ? "INSERT INTO node_heartbeats (" + COLUMNS + ") VALUES (" + PARAMETERS + ") ON CONFLICT (node_id) DO UPDATE SET "
                + UPDATES.formatted("EXCLUDED") + " WHERE node_heartbeats.received_at_ms <= EXCLUDED.received_at_ms"
            : "MERGE INTO node_heartbeats t USING (VALUES (" + PARAMETERS + ")) s (" + COLUMNS + ") ON t.node_id = s.node_id "
                + "WHEN MATCHED AND t.received_at_ms <= s.received_at_ms THEN UPDATE SET " + UPDATES.formatted("s")
                + " WHEN NOT MATCHED THEN INSERT (" + COLUMNS + ") VALUES (" + prefixed("s") + ")";
  }

  private static String prefixed(String alias) {
    return String.join(", ", java.util.Arrays.stream(COLUMNS.split(", ")).map(c -> alias + "." + c).toList());
  }

  /** Writes the reports in one transaction. */
  public void save(Collection<HealthBoard.Report> reports) throws SQLException {
    if (reports.isEmpty()) {
      return;
    }
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(upsert)) {
      c.setAutoCommit(false);
      for (HealthBoard.Report r : reports) {
        int i = 1;
        st.setString(i++, r.nodeId());
        st.setString(i++, r.customerId());
        st.setLong(i++, r.at().toEpochMilli());
        st.setBoolean(i++, r.healthy());
        for (Counters k : List.of(r.reported(), r.carried())) {
          st.setLong(i++, k.hitBytes());
          st.setLong(i++, k.missBytes());
          st.setLong(i++, k.egressBytes());
          st.setLong(i++, k.requests());
        }
        st.setLong(i++, r.diskUsedBytes());
        st.setLong(i, r.diskCapacityBytes());
        st.addBatch();
      }
      st.executeBatch();
      c.commit();
    }
  }

  /** Every node's last report. */
  public List<HealthBoard.Report> loadAll() throws SQLException {
    List<HealthBoard.Report> out = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement("SELECT " + COLUMNS + " FROM node_heartbeats");
        ResultSet rs = st.executeQuery()) {
      while (rs.next()) {
        out.add(new HealthBoard.Report(
            rs.getString(1),
            rs.getString(2),
            Instant.ofEpochMilli(rs.getLong(3)),
            rs.getBoolean(4),
            new Counters(rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8)),
            new Counters(rs.getLong(9), rs.getLong(10), rs.getLong(11), rs.getLong(12)),
            rs.getLong(13),
            rs.getLong(14)));
      }
    }
    return out;
  }

  /** Forgets a deleted node. */
  public void delete(String nodeId) throws SQLException {
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement("DELETE FROM node_heartbeats WHERE node_id = ?")) {
      st.setString(1, nodeId);
      st.executeUpdate();
    }
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }
}
