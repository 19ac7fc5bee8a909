-- Held actions and their votes (see sqlite-log/V2): shared by every instance on the database.
CREATE TABLE approvals (action_id TEXT PRIMARY KEY, created_ms BIGINT NOT NULL,
  expires_ms BIGINT NOT NULL, json TEXT NOT NULL, open INTEGER NOT NULL);
CREATE INDEX approvals_open ON approvals (open, expires_ms);
CREATE TABLE approval_votes (action_id TEXT NOT NULL, approver TEXT NOT NULL,
  decision TEXT NOT NULL, reason TEXT, time_ms BIGINT NOT NULL,
  PRIMARY KEY (action_id, approver));
