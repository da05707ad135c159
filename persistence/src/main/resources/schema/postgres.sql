-- ispcache registry tables for PostgreSQL (akka-persistence-jdbc 5.1 journal and snapshots).
-- Idempotent: safe to run at every start. Apply by hand with psql, or let the admin plane do it.
CREATE TABLE IF NOT EXISTS public.event_journal(
  ordering BIGSERIAL,
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  deleted BOOLEAN DEFAULT FALSE NOT NULL,
  writer VARCHAR(255) NOT NULL,
  write_timestamp BIGINT,
  adapter_manifest VARCHAR(255),
  event_ser_id INTEGER NOT NULL,
  event_ser_manifest VARCHAR(255) NOT NULL,
  event_payload BYTEA NOT NULL,
  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,
  PRIMARY KEY(persistence_id, sequence_number)
);
CREATE UNIQUE INDEX IF NOT EXISTS event_journal_ordering_idx ON public.event_journal(ordering);
CREATE TABLE IF NOT EXISTS public.event_tag(
  event_id BIGINT,
  tag VARCHAR(256),
  PRIMARY KEY(event_id, tag),
  CONSTRAINT fk_event_journal FOREIGN KEY(event_id) REFERENCES event_journal(ordering) ON DELETE CASCADE
);
CREATE TABLE IF NOT EXISTS public.snapshot (
  persistence_id VARCHAR(255) NOT NULL,
  sequence_number BIGINT NOT NULL,
  created BIGINT NOT NULL,
  snapshot_ser_id INTEGER NOT NULL,
  snapshot_ser_manifest VARCHAR(255) NOT NULL,
  snapshot_payload BYTEA NOT NULL,
  meta_ser_id INTEGER,
  meta_ser_manifest VARCHAR(255),
  meta_payload BYTEA,
  PRIMARY KEY(persistence_id, sequence_number)
);
-- Each cache node's last heartbeat, shared by every admin node (steering and the summary report
-- read it at start). Counters: as last reported, and carried over from before the node's restarts.
CREATE TABLE IF NOT EXISTS public.node_heartbeats (
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
