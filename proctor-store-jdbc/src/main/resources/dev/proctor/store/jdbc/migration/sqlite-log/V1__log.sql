-- The action log as it was before versioned migrations; IF NOT EXISTS so that a file made by an
-- earlier build (baselined at version 0) passes through unchanged.
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS receipts (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,
  action_id TEXT NOT NULL, state TEXT NOT NULL, time_ms INTEGER NOT NULL,
  json TEXT NOT NULL, hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS receipts_by_action ON receipts (action_id, seq);
CREATE TABLE IF NOT EXISTS merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL,
  hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER NOT NULL, time_ms INTEGER NOT NULL,
  json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS checkpoints_by_size ON checkpoints (size);
CREATE TABLE IF NOT EXISTS cosignatures (size INTEGER NOT NULL,
  witness_key_id TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS cosignatures_by_size ON cosignatures (size);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1');
