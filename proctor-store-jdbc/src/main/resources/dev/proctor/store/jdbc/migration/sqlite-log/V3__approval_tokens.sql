-- Approval tokens used: one row per token nonce, so that a token works once across restarts and
-- across every process on the file (the primary key settles a race).
CREATE TABLE approval_token_uses (nonce TEXT PRIMARY KEY, action_id TEXT NOT NULL,
  used_ms INTEGER NOT NULL);
UPDATE meta SET value = '3' WHERE key = 'schema_version';
