package dev.proctor.store.jdbc;

/**
 * Every table Proctor keeps in SQLite, in one place: the action log's ({@code proctor.db}) and the
 * identity store's ({@code identity.db}). Each schema has a version its {@code meta} table records;
 * a file of another version is refused rather than read. Versioned migrations (Flyway) will start
 * from these statements as their first version.
 */
final class SqliteSchema {

  private SqliteSchema() {}

  /** The action log's schema version. */
  static final int LOG_VERSION = 1;

  /** The action log: receipts, Merkle nodes, checkpoints, co-signatures. */
  static final String[] LOG = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS receipts (seq INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE,"
        + " action_id TEXT NOT NULL, state TEXT NOT NULL, time_ms INTEGER NOT NULL,"
        + " json TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS receipts_by_action ON receipts (action_id, seq)",
    "CREATE TABLE IF NOT EXISTS merkle_nodes (level INTEGER NOT NULL, idx INTEGER NOT NULL,"
        + " hash BLOB NOT NULL, PRIMARY KEY (level, idx)) WITHOUT ROWID",
    "CREATE TABLE IF NOT EXISTS checkpoints (size INTEGER NOT NULL, time_ms INTEGER NOT NULL,"
        + " json TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS checkpoints_by_size ON checkpoints (size)",
    "CREATE TABLE IF NOT EXISTS cosignatures (size INTEGER NOT NULL,"
        + " witness_key_id TEXT NOT NULL, json TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS cosignatures_by_size ON cosignatures (size)"
  };

  /** The identity store's schema version. */
  static final int IDENTITY_VERSION = 1;

  /** The identity store: agents' keys (hashed), people's accounts and sessions (hashed). */
  static final String[] IDENTITY = {
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS agent_keys (key_id TEXT PRIMARY KEY, name TEXT NOT NULL,"
        + " secret_hash TEXT NOT NULL, groups_json TEXT NOT NULL, owner TEXT, tenant TEXT,"
        + " created_ms INTEGER NOT NULL, revoked_ms INTEGER)",
    "CREATE UNIQUE INDEX IF NOT EXISTS agent_keys_active_name ON agent_keys (name)"
        + " WHERE revoked_ms IS NULL",
    "CREATE TABLE IF NOT EXISTS users (name TEXT PRIMARY KEY, password_hash TEXT NOT NULL,"
        + " roles_json TEXT NOT NULL, disabled INTEGER NOT NULL, created_ms INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS sessions (id_hash TEXT PRIMARY KEY, user TEXT NOT NULL,"
        + " created_ms INTEGER NOT NULL, last_seen_ms INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS sessions_by_user ON sessions (user)"
  };
}
