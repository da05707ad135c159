-- ispcache registry tables for embedded H2 2.x (akka-persistence-jdbc 5.1 journal and snapshots).
-- Idempotent: safe to run at every start.
CREATE TABLE IF NOT EXISTS "event_journal" (
  "ordering" BIGINT UNIQUE NOT NULL AUTO_INCREMENT,
  "deleted" BOOLEAN DEFAULT false NOT NULL,
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "writer" VARCHAR NOT NULL,
  "write_timestamp" BIGINT NOT NULL,
  "adapter_manifest" VARCHAR NOT NULL,
  "event_payload" BLOB NOT NULL,
  "event_ser_id" INTEGER NOT NULL,
  "event_ser_manifest" VARCHAR NOT NULL,
  "meta_payload" BLOB,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  PRIMARY KEY("persistence_id","sequence_number")
);
CREATE UNIQUE INDEX IF NOT EXISTS "event_journal_ordering_idx" ON "event_journal" ("ordering");
CREATE TABLE IF NOT EXISTS "event_tag" (
  "event_id" BIGINT NOT NULL,
  "tag" VARCHAR NOT NULL,
  PRIMARY KEY("event_id", "tag"),
  CONSTRAINT fk_event_journal FOREIGN KEY("event_id") REFERENCES "event_journal"("ordering") ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS "snapshot" (
  "persistence_id" VARCHAR(255) NOT NULL,
  "sequence_number" BIGINT NOT NULL,
  "created" BIGINT NOT NULL,
  "snapshot_ser_id" INTEGER NOT NULL,
  "snapshot_ser_manifest" VARCHAR NOT NULL,
  "snapshot_payload" BLOB NOT NULL,
  "meta_ser_id" INTEGER,
  "meta_ser_manifest" VARCHAR,
  "meta_payload" BLOB,
  PRIMARY KEY("persistence_id","sequence_number")
);
-- Each cache node's last heartbeat, shared by every admin node (steering and the summary report
-- read it at start). Counters: as last reported, and carried over from before the node's restarts.
CREATE TABLE IF NOT EXISTS node_heartbeats (
  node_id VARCHAR(255) PRIMARY KEY,
  customer_id VARCHAR(255) NOT NULL,
  received_at_ms BIGINT NOT NULL,
  healthy BOOLEAN NOT NULL,
  hit_bytes BIGINT NOT NULL,
  miss_bytes BIGINT NOT NULL,
  egress_bytes BIGINT NOT NULL,
  requests BIGINT NOT NULL,
  carried_hit_bytes BIGINT NOT NULL,
  carried_miss_bytes BIGINT NOT NULL,
  carried_egress_bytes BIGINT NOT NULL,
  carried_requests BIGINT NOT NULL,
  disk_used_bytes BIGINT NOT NULL,
  disk_capacity_bytes BIGINT NOT NULL
);
-- Traffic telemetry (the admin plane's reports), the same DDL on H2 and PostgreSQL.
-- Each cache node's counters as of the last heartbeat taken into the series: the baseline that the
-- next heartbeat's differences are computed from (locked while they are, so that two admin nodes
-- never count the same traffic twice).
CREATE TABLE IF NOT EXISTS node_counters (
  node_id VARCHAR(255) PRIMARY KEY,
  received_at_ms BIGINT NOT NULL,
  hit_bytes BIGINT NOT NULL,
  miss_bytes BIGINT NOT NULL,
  peer_bytes BIGINT NOT NULL,
  origin_bytes BIGINT NOT NULL,
  egress_bytes BIGINT NOT NULL,
  requests BIGINT NOT NULL,
  hit_requests BIGINT NOT NULL,
  errors BIGINT NOT NULL
);
-- Per node and minute (at_ms: the minute's start, epoch milliseconds): what the node counted, its
-- drives' highest usage, and how many heartbeats came and how many said healthy. Kept
-- ispcache.admin.telemetry.minute-retention (48 h).
CREATE TABLE IF NOT EXISTS node_traffic_minutes (
  node_id VARCHAR(255) NOT NULL,
  at_ms BIGINT NOT NULL,
  customer_id VARCHAR(255) NOT NULL,
  resource_id VARCHAR(255) NOT NULL,
  hit_bytes BIGINT NOT NULL,
  miss_bytes BIGINT NOT NULL,
  peer_bytes BIGINT NOT NULL,
  origin_bytes BIGINT NOT NULL,
  egress_bytes BIGINT NOT NULL,
  requests BIGINT NOT NULL,
  hit_requests BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  disk_used_bytes BIGINT NOT NULL,
  disk_capacity_bytes BIGINT NOT NULL,
  beats INTEGER NOT NULL,
  healthy_beats INTEGER NOT NULL,
  PRIMARY KEY (node_id, at_ms)
);
CREATE INDEX IF NOT EXISTS node_traffic_minutes_at ON node_traffic_minutes (at_ms);
CREATE INDEX IF NOT EXISTS node_traffic_minutes_customer ON node_traffic_minutes (customer_id, at_ms);
CREATE INDEX IF NOT EXISTS node_traffic_minutes_resource ON node_traffic_minutes (resource_id, at_ms);
-- The same per node and hour, rolled up from the minutes; kept ispcache.admin.telemetry.hour-retention (90 d).
CREATE TABLE IF NOT EXISTS node_traffic_hours (
  node_id VARCHAR(255) NOT NULL,
  at_ms BIGINT NOT NULL,
  customer_id VARCHAR(255) NOT NULL,
  resource_id VARCHAR(255) NOT NULL,
  hit_bytes BIGINT NOT NULL,
  miss_bytes BIGINT NOT NULL,
  peer_bytes BIGINT NOT NULL,
  origin_bytes BIGINT NOT NULL,
  egress_bytes BIGINT NOT NULL,
  requests BIGINT NOT NULL,
  hit_requests BIGINT NOT NULL,
  errors BIGINT NOT NULL,
  disk_used_bytes BIGINT NOT NULL,
  disk_capacity_bytes BIGINT NOT NULL,
  beats INTEGER NOT NULL,
  healthy_beats INTEGER NOT NULL,
  PRIMARY KEY (node_id, at_ms)
);
CREATE INDEX IF NOT EXISTS node_traffic_hours_at ON node_traffic_hours (at_ms);
CREATE INDEX IF NOT EXISTS node_traffic_hours_customer ON node_traffic_hours (customer_id, at_ms);
CREATE INDEX IF NOT EXISTS node_traffic_hours_resource ON node_traffic_hours (resource_id, at_ms);
