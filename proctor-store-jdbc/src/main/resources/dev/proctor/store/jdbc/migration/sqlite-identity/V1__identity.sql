-- The identity store as it was before versioned migrations (see sqlite-log/V1).
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS agent_keys (key_id TEXT PRIMARY KEY, name TEXT NOT NULL,
  secret_hash TEXT NOT NULL, groups_json TEXT NOT NULL, owner TEXT, tenant TEXT,
  created_ms INTEGER NOT NULL, revoked_ms INTEGER);
CREATE UNIQUE INDEX IF NOT EXISTS agent_keys_active_name ON agent_keys (name)
  WHERE revoked_ms IS NULL;
CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL,
  roles_json TEXT NOT NULL, disabled INTEGER NOT NULL, created_ms INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS sessions (id_hash TEXT PRIMARY KEY, user TEXT NOT NULL,
  created_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user);
INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', '1');
