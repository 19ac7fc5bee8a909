-- TOTP step-up (RFC 6238): one row per person who enrolled. The secret is base32; the row is
-- pending until the person confirms it with a first code; last_step is the newest time step a
-- code was accepted for, so that a code is refused the second time, also after a restart.
CREATE TABLE totp (user TEXT PRIMARY KEY, secret TEXT NOT NULL, active INTEGER NOT NULL,
  last_step INTEGER NOT NULL, created_ms INTEGER NOT NULL);
UPDATE meta SET value = '2' WHERE key = 'schema_version';
