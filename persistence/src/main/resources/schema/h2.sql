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
