-- Held actions: one row per action held for approval, and the votes cast on it. The action's
-- state is not kept here: the log's last receipt for the action is the one source of truth.
CREATE TABLE approvals (action_id TEXT PRIMARY KEY, created_ms INTEGER NOT NULL,
  expires_ms INTEGER NOT NULL, json TEXT NOT NULL, open INTEGER NOT NULL);
CREATE INDEX approvals_open ON approvals (open, expires_ms);
CREATE TABLE approval_votes (action_id TEXT NOT NULL, approver TEXT NOT NULL,
  decision TEXT NOT NULL, reason TEXT, time_ms INTEGER NOT NULL,
  PRIMARY KEY (action_id, approver));
UPDATE meta SET value = '2' WHERE key = 'schema_version';
