-- Safe at the edges: session lifetimes and agent search that folds case.
-- Keep in step with ../postgres/0005_edges.sql.

-- Case-folded copies of the fields agents are searched by (Rust's Unicode
-- lowercase, so `name:ärger` finds "Ärger" on both backends alike; SQLite's
-- LOWER folds ASCII only). Written with the fields; NULL in rows older than
-- this migration until kefu's start-up fills them.
ALTER TABLE agents ADD COLUMN account_folded TEXT;
ALTER TABLE agents ADD COLUMN name_folded TEXT;
ALTER TABLE agents ADD COLUMN num_folded TEXT;
ALTER TABLE agents ADD COLUMN mobile_folded TEXT;

-- A session ends `idle_secs` after its last use, and at `expires_at` in any
-- case (both from the tenant's settings when it was issued, and rewritten
-- when an admin changes them). 0 is long past: a row written without them
-- is expired, never immortal.
ALTER TABLE sessions ADD COLUMN last_used_at DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN expires_at DOUBLE PRECISION NOT NULL DEFAULT 0;
ALTER TABLE sessions ADD COLUMN idle_secs BIGINT NOT NULL DEFAULT 0;
UPDATE sessions SET last_used_at = created_at, expires_at = created_at + 2592000,
    idle_secs = 604800;
-- The sessions bound to an agent, ended together (password change, recycle bin).
CREATE INDEX sessions_by_agent ON sessions (agent_id);
