-- The shared action log. One sequence for every instance: a writer takes the transaction-scoped
-- advisory lock (see PostgresLogStore) before it reads the size, so appends are serialised across
-- instances; the primary key on seq refuses a fork even if a writer skipped the lock.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE receipts (seq BIGINT PRIMARY KEY, id TEXT NOT NULL UNIQUE,
  action_id TEXT NOT NULL, state TEXT NOT NULL, time_ms BIGINT NOT NULL,
  json TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX receipts_by_action ON receipts (action_id, seq);
CREATE INDEX receipts_by_time ON receipts (time_ms);
CREATE TABLE merkle_nodes (level INTEGER NOT NULL, idx BIGINT NOT NULL,
  hash BYTEA NOT NULL, PRIMARY KEY (level, idx));
CREATE TABLE checkpoints (id BIGSERIAL PRIMARY KEY, size BIGINT NOT NULL,
  time_ms BIGINT NOT NULL, json TEXT NOT NULL);
CREATE INDEX checkpoints_by_size ON checkpoints (size);
CREATE TABLE cosignatures (id BIGSERIAL PRIMARY KEY, size BIGINT NOT NULL,
  witness_key_id TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX cosignatures_by_size ON cosignatures (size);
