package io.ispcache.report;

import io.ispcache.jdbc.RegistryDatabase;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The traffic series in the registry's database ({@code node_counters}, {@code
 * node_traffic_minutes}, {@code node_traffic_hours}); the same SQL on H2 and PostgreSQL. Blocking
 * JDBC: call it on a blocking dispatcher only.
 *
 * <p>Exactly once across admin nodes: a heartbeat's traffic is its counters minus the node's
 * baseline in {@code node_counters}, which the writing transaction holds locked; a heartbeat not
 * newer than the baseline was counted already (another admin node wrote a later one of the same
 * node first) and adds nothing. Each admin node writes only the heartbeats it received.
 */
public final class TelemetryTable {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(TelemetryTable.class);
  static final long MINUTE_MS = 60_000;
  static final long HOUR_MS = 3_600_000;

  private static final String FIGURES = "hit_bytes, miss_bytes, peer_bytes, origin_bytes, egress_bytes, requests, hit_requests, errors";
  private static final String COLUMNS =
      "node_id, at_ms, customer_id, resource_id, " + FIGURES + ", disk_used_bytes, disk_capacity_bytes, beats, healthy_beats";
  private static final String ADD_TO_MINUTE =
      "UPDATE node_traffic_minutes SET hit_bytes = hit_bytes + ?, miss_bytes = miss_bytes + ?, peer_bytes = peer_bytes + ?, "
          + "origin_bytes = origin_bytes + ?, egress_bytes = egress_bytes + ?, requests = requests + ?, hit_requests = hit_requests + ?, "
          + "errors = errors + ?, disk_used_bytes = GREATEST(disk_used_bytes, ?), disk_capacity_bytes = GREATEST(disk_capacity_bytes, ?), "
          + "beats = beats + ?, healthy_beats = healthy_beats + ? WHERE node_id = ? AND at_ms = ?";
  private static final String INSERT_MINUTE =
      "INSERT INTO node_traffic_minutes (" + FIGURES + ", disk_used_bytes, disk_capacity_bytes, beats, healthy_beats, node_id, at_ms, "
          + "customer_id, resource_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
  /** Per node and hour: sums, the highest drive usage, heartbeats. Also the roll-up's source. */
  private static final String MINUTES_BY_NODE_HOUR =
      "SELECT node_id, at_ms / " + HOUR_MS + " * " + HOUR_MS + " AS at_ms, MAX(customer_id) AS customer_id, MAX(resource_id) AS resource_id, "
          + "SUM(hit_bytes) AS hit_bytes, SUM(miss_bytes) AS miss_bytes, SUM(peer_bytes) AS peer_bytes, SUM(origin_bytes) AS origin_bytes, "
          + "SUM(egress_bytes) AS egress_bytes, SUM(requests) AS requests, SUM(hit_requests) AS hit_requests, SUM(errors) AS errors, "
          + "MAX(disk_used_bytes) AS disk_used_bytes, MAX(disk_capacity_bytes) AS disk_capacity_bytes, SUM(beats) AS beats, "
          + "SUM(healthy_beats) AS healthy_beats FROM node_traffic_minutes WHERE %s at_ms >= ? AND at_ms < ? "
          + "GROUP BY node_id, at_ms / " + HOUR_MS + " * " + HOUR_MS;
  /** Across the nodes of a scope, per step, from per-node rows (a table or {@link #MINUTES_BY_NODE_HOUR}). */
  private static final String ACROSS_NODES =
      "SELECT at_ms, SUM(hit_bytes), SUM(miss_bytes), SUM(peer_bytes), SUM(origin_bytes), SUM(egress_bytes), SUM(requests), "
          + "SUM(hit_requests), SUM(errors), SUM(disk_used_bytes), SUM(disk_capacity_bytes), COUNT(*), "
          + "SUM(CASE WHEN beats > 0 AND healthy_beats = beats THEN 1 ELSE 0 END) FROM %s GROUP BY at_ms ORDER BY at_ms";

  /** Which nodes a report covers: all, or those of one node, resource or customer (the column). */
  public record Scope(String column, String id) {
    public static final Scope ALL = new Scope(null, null);

    public static Scope node(String id) {
      return new Scope("node_id", id);
    }

    public static Scope resource(String id) {
      return new Scope("resource_id", id);
    }

    public static Scope customer(String id) {
      return new Scope("customer_id", id);
    }

    String condition() {
      return column == null ? "" : column + " = ? AND";
    }
  }

  private final RegistryDatabase db;

  public TelemetryTable(RegistryDatabase db) {
    this.db = db;
  }

  /**
   * Adds the traffic of {@code samples} (heartbeats this admin node received, in any order) to the
   * minute series, in one transaction. A node's first heartbeat ever only sets its baseline: its
   * counters hold what it served before (at most one heartbeat interval after it started, or all
   * its traffic when it reported before telemetry existed), which no minute can be charged with.
   * (So when a new node's first heartbeats reach two admin nodes within one write interval and the
   * later one is written first, the traffic between them is not counted; with the default 30 s
   * heartbeats and 5 s writes they never do.) On failure nothing is written and the samples may be
   * offered again.
   */
  public void record(List<Sample> samples) throws SQLException {
    if (samples.isEmpty()) {
      return;
    }
    Map<String, List<Sample>> byNode = new TreeMap<>(); // node order: admin nodes lock alike, without deadlocks
    for (Sample s : samples) {
      byNode.computeIfAbsent(s.nodeId(), k -> new ArrayList<>()).add(s);
    }
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try {
        Map<List<Object>, Minute> minutes = new LinkedHashMap<>();
        try (PreparedStatement lock = c.prepareStatement("SELECT received_at_ms, " + FIGURES + " FROM node_counters WHERE node_id = ? FOR UPDATE");
            PreparedStatement update = c.prepareStatement("UPDATE node_counters SET received_at_ms = ?, hit_bytes = ?, miss_bytes = ?, "
                + "peer_bytes = ?, origin_bytes = ?, egress_bytes = ?, requests = ?, hit_requests = ?, errors = ? WHERE node_id = ?");
            PreparedStatement insert = c.prepareStatement("INSERT INTO node_counters (received_at_ms, " + FIGURES + ", node_id) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
          for (Map.Entry<String, List<Sample>> e : byNode.entrySet()) {
            lock.setString(1, e.getKey());
            long baselineAt = Long.MIN_VALUE;
            Figures baseline = null;
            try (ResultSet rs = lock.executeQuery()) {
              if (rs.next()) {
                baselineAt = rs.getLong(1);
                baseline = figures(rs, 2);
              }
            }
            boolean known = baseline != null;
            List<Sample> ordered = e.getValue().stream().sorted(Comparator.comparing(Sample::at)).toList();
            for (Sample s : ordered) {
              long at = s.at().toEpochMilli();
              if (at <= baselineAt) {
                continue;
              }
              Figures traffic = baseline == null ? Figures.ZERO : s.counters().since(baseline);
              if (!traffic.possibleWithin(at - baselineAt)) {
                log.warn("cache node {} reports more traffic than a node can serve in {} ms ({}): not counted, its next heartbeat counts from here",
                    s.nodeId(), at - baselineAt, traffic);
                traffic = Figures.ZERO;
              }
              long minute = Math.floorDiv(at, MINUTE_MS) * MINUTE_MS;
              minutes.computeIfAbsent(List.of(s.nodeId(), minute), k -> new Minute(s, minute)).add(s, traffic);
              baseline = s.counters();
              baselineAt = at;
            }
            if (baseline != null) {
              PreparedStatement st = known ? update : insert;
              st.setLong(1, baselineAt);
              setFigures(st, 2, baseline);
              st.setString(10, e.getKey());
              st.executeUpdate();
            }
          }
        }
        writeMinutes(c, List.copyOf(minutes.values()));
        c.commit();
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** One node's minute as this transaction adds to it. */
  private static final class Minute {
    final String nodeId;
    final String customerId;
    final String resourceId;
    final long atMs;
    Figures traffic = Figures.ZERO;
    long diskUsed;
    long diskCapacity;
    int beats;
    int healthyBeats;

    Minute(Sample s, long atMs) {
      this.nodeId = s.nodeId();
      this.customerId = s.customerId();
      this.resourceId = s.resourceId();
      this.atMs = atMs;
    }

    void add(Sample s, Figures t) {
      traffic = traffic.plus(t);
      diskUsed = Math.max(diskUsed, s.diskUsedBytes());
      diskCapacity = Math.max(diskCapacity, s.diskCapacityBytes());
      beats++;
      healthyBeats += s.healthy() ? 1 : 0;
    }

    /** The figures, drive usage and heartbeats from parameter {@code i}; then node id and minute. */
    int set(PreparedStatement st, int i) throws SQLException {
      i = setFigures(st, i, traffic);
      st.setLong(i++, diskUsed);
      st.setLong(i++, diskCapacity);
      st.setInt(i++, beats);
      st.setInt(i++, healthyBeats);
      st.setString(i++, nodeId);
      st.setLong(i++, atMs);
      return i;
    }
  }

  /** Adds to the minutes that have rows; inserts the others (the node's row lock keeps them ours). */
  private static void writeMinutes(Connection c, List<Minute> minutes) throws SQLException {
    if (minutes.isEmpty()) {
      return;
    }
    int[] updated;
    try (PreparedStatement st = c.prepareStatement(ADD_TO_MINUTE)) {
      for (Minute m : minutes) {
        m.set(st, 1);
        st.addBatch();
      }
      updated = st.executeBatch();
    }
    try (PreparedStatement st = c.prepareStatement(INSERT_MINUTE)) {
      boolean any = false;
      for (int k = 0; k < minutes.size(); k++) {
        if (updated[k] == 0) {
          Minute m = minutes.get(k);
          int i = m.set(st, 1);
          st.setString(i++, m.customerId);
          st.setString(i, m.resourceId);
          st.addBatch();
          any = true;
        }
      }
      if (any) {
        st.executeBatch();
      }
    }
  }

  /**
   * Rolls the minutes of the hours in [{@code fromMs}, {@code toMs}) up into hour rows. Idempotent:
   * an hour's row is recomputed from its minutes, never added to, so any admin node may run it, at
   * any time, as often as it likes; when two run it at once, one of them fails on the other's rows
   * and changes nothing.
   */
  public int rollUp(long fromMs, long toMs) throws SQLException {
    long from = Math.floorDiv(fromMs, HOUR_MS) * HOUR_MS;
    long to = Math.floorDiv(toMs, HOUR_MS) * HOUR_MS;
    if (to <= from) {
      return 0;
    }
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (PreparedStatement delete = c.prepareStatement("DELETE FROM node_traffic_hours WHERE at_ms >= ? AND at_ms < ?");
          PreparedStatement insert = c.prepareStatement("INSERT INTO node_traffic_hours (" + COLUMNS + ") " + MINUTES_BY_NODE_HOUR.formatted(""))) {
        delete.setLong(1, from);
        delete.setLong(2, to);
        delete.executeUpdate();
        insert.setLong(1, from);
        insert.setLong(2, to);
        int rows = insert.executeUpdate();
        c.commit();
        return rows;
      } catch (SQLException | RuntimeException e) {
        c.rollback();
        throw e;
      }
    }
  }

  /** The start of the oldest minute stored, if any. */
  public java.util.OptionalLong oldestMinute() throws SQLException {
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement("SELECT MIN(at_ms) FROM node_traffic_minutes");
        ResultSet rs = st.executeQuery()) {
      rs.next();
      long v = rs.getLong(1);
      return rs.wasNull() ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(v);
    }
  }

  /** Deletes minutes before {@code minutesBeforeMs} and hours before {@code hoursBeforeMs}. */
  public void prune(long minutesBeforeMs, long hoursBeforeMs) throws SQLException {
    try (Connection c = connect();
        PreparedStatement minutes = c.prepareStatement("DELETE FROM node_traffic_minutes WHERE at_ms < ?");
        PreparedStatement hours = c.prepareStatement("DELETE FROM node_traffic_hours WHERE at_ms < ?")) {
      minutes.setLong(1, minutesBeforeMs);
      minutes.executeUpdate();
      hours.setLong(1, hoursBeforeMs);
      hours.executeUpdate();
    }
  }

  /** The stored minutes of {@code scope} in [{@code fromMs}, {@code toMs}), one bucket per minute with figures. */
  public List<Bucket> minutes(Scope scope, long fromMs, long toMs) throws SQLException {
    String perNode = "(SELECT * FROM node_traffic_minutes WHERE " + scope.condition() + " at_ms >= ? AND at_ms < ?) n";
    return buckets(ACROSS_NODES.formatted(perNode), scope, fromMs, toMs);
  }

  /**
   * The hours of {@code scope} in [{@code fromMs}, {@code toMs}): those from {@code fromMinutesMs}
   * on summed from the minutes (whole and up to date, as long as minutes are kept), the earlier
   * ones from the rolled-up hours.
   */
  public List<Bucket> hours(Scope scope, long fromMs, long toMs, long fromMinutesMs) throws SQLException {
    long split = Math.max(fromMs, Math.min(toMs, Math.floorDiv(fromMinutesMs + HOUR_MS - 1, HOUR_MS) * HOUR_MS));
    List<Bucket> out = new ArrayList<>();
    if (split > fromMs) {
      String rolled = "(SELECT * FROM node_traffic_hours WHERE " + scope.condition() + " at_ms >= ? AND at_ms < ?) n";
      out.addAll(buckets(ACROSS_NODES.formatted(rolled), scope, fromMs, split));
    }
    if (toMs > split) {
      out.addAll(buckets(ACROSS_NODES.formatted("(" + MINUTES_BY_NODE_HOUR.formatted(scope.condition()) + ") n"), scope, split, toMs));
    }
    return out;
  }

  private List<Bucket> buckets(String sql, Scope scope, long fromMs, long toMs) throws SQLException {
    List<Bucket> out = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(sql)) {
      int i = 1;
      if (scope.column() != null) {
        st.setString(i++, scope.id());
      }
      st.setLong(i++, fromMs);
      st.setLong(i, toMs);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(new Bucket(rs.getLong(1), figures(rs, 2), rs.getLong(10), rs.getLong(11), rs.getInt(12), rs.getInt(13)));
        }
      }
    }
    return out;
  }

  /** One node's figures over a range: sums, its highest step's egress and origin bytes, and its last step's egress. */
  public record NodeTotals(String nodeId, Figures traffic, long peakEgressBytes, long peakOriginBytes, long lastEgressBytes) {}

  /**
   * Each node's totals in {@code scope} over [{@code fromMs}, {@code toMs}) in steps of {@code
   * stepMs} (a minute, or an hour: then split as {@link #hours}); nodes without figures are absent.
   */
  public List<NodeTotals> perNode(Scope scope, long fromMs, long toMs, long stepMs, long fromMinutesMs) throws SQLException {
    List<Object> params = new ArrayList<>();
    params.add(toMs - stepMs);
    String steps;
    if (stepMs == MINUTE_MS) {
      steps = "SELECT * FROM node_traffic_minutes WHERE " + scope.condition() + " at_ms >= ? AND at_ms < ?";
      scoped(params, scope, fromMs, toMs);
    } else {
      long split = Math.max(fromMs, Math.min(toMs, Math.floorDiv(fromMinutesMs + HOUR_MS - 1, HOUR_MS) * HOUR_MS));
      steps = "SELECT " + COLUMNS + " FROM node_traffic_hours WHERE " + scope.condition() + " at_ms >= ? AND at_ms < ? UNION ALL "
          + MINUTES_BY_NODE_HOUR.formatted(scope.condition());
      scoped(params, scope, fromMs, split);
      scoped(params, scope, split, toMs);
    }
    String sql = "SELECT node_id, SUM(hit_bytes), SUM(miss_bytes), SUM(peer_bytes), SUM(origin_bytes), SUM(egress_bytes), SUM(requests), "
        + "SUM(hit_requests), SUM(errors), MAX(egress_bytes), MAX(origin_bytes), SUM(CASE WHEN at_ms = ? THEN egress_bytes ELSE 0 END) "
        + "FROM (" + steps + ") n GROUP BY node_id ORDER BY node_id";
    List<NodeTotals> out = new ArrayList<>();
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement(sql)) {
      for (int i = 0; i < params.size(); i++) {
        st.setObject(i + 1, params.get(i));
      }
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          out.add(new NodeTotals(rs.getString(1), figures(rs, 2), rs.getLong(10), rs.getLong(11), rs.getLong(12)));
        }
      }
    }
    return out;
  }

  private static void scoped(List<Object> params, Scope scope, long fromMs, long toMs) {
    if (scope.column() != null) {
      params.add(scope.id());
    }
    params.add(fromMs);
    params.add(toMs);
  }

  /** Forgets a deleted node's baseline (its series stay until they age out: customer totals keep its traffic). */
  public void forget(String nodeId) throws SQLException {
    try (Connection c = connect();
        PreparedStatement st = c.prepareStatement("DELETE FROM node_counters WHERE node_id = ?")) {
      st.setString(1, nodeId);
      st.executeUpdate();
    }
  }

  private static Figures figures(ResultSet rs, int i) throws SQLException {
    return new Figures(rs.getLong(i), rs.getLong(i + 1), rs.getLong(i + 2), rs.getLong(i + 3), rs.getLong(i + 4), rs.getLong(i + 5),
        rs.getLong(i + 6), rs.getLong(i + 7));
  }

  private static int setFigures(PreparedStatement st, int i, Figures f) throws SQLException {
    st.setLong(i++, f.hitBytes());
    st.setLong(i++, f.missBytes());
    st.setLong(i++, f.peerBytes());
    st.setLong(i++, f.originBytes());
    st.setLong(i++, f.egressBytes());
    st.setLong(i++, f.requests());
    st.setLong(i++, f.hitRequests());
    st.setLong(i++, f.errors());
    return i;
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(db.url(), db.user(), db.password());
  }
}
