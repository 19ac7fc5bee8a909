-- Approval tokens used (see sqlite-log/V3): shared by every instance on the database.
CREATE TABLE approval_token_uses (nonce TEXT PRIMARY KEY, action_id TEXT NOT NULL,
  used_ms BIGINT NOT NULL);
