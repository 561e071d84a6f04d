-- Real-time delivery and webhooks.
-- Keep in step with ../postgres/0004_realtime.sql.

-- Each tenant's stored messages are numbered 1, 2, 3, ... in commit order:
-- a message takes the next number in the transaction that stores it, so the
-- row stays locked until commit (PostgreSQL) and a rolled-back message gives
-- its number back. Sockets resume from that number (their cursor), and every
-- node reads new messages by it, so all see one order with no gaps.
CREATE TABLE event_seqs (
    tenant_id BIGINT PRIMARY KEY REFERENCES tenants(id),
    seq       BIGINT NOT NULL
);
-- This installation's id (one row, written at first start). It names the
-- Redis channel, so installations that share a Redis never hear each other.
CREATE TABLE installation (
    singleton INTEGER PRIMARY KEY CHECK (singleton = 1),
    id        TEXT NOT NULL
);

-- Messages stored before this migration keep 0 and are never replayed.
ALTER TABLE messages ADD COLUMN seq BIGINT NOT NULL DEFAULT 0;
CREATE INDEX messages_by_seq ON messages (tenant_id, seq);

-- Webhooks: where a tenant's events are POSTed, signed with HMAC-SHA256.
-- The signing secret is kept as given: a signature needs the key itself.
-- `cursor` is the last message number already turned into deliveries.
CREATE TABLE webhooks (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants(id),
    url        TEXT NOT NULL,
    events     TEXT NOT NULL,
    secret     TEXT NOT NULL,
    active     BOOLEAN NOT NULL DEFAULT TRUE,
    cursor     BIGINT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX webhooks_by_tenant ON webhooks (tenant_id, id);

-- One event to one webhook, with its attempts; admins read it as the log.
CREATE TABLE webhook_deliveries (
    id              TEXT PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    webhook_id      BIGINT NOT NULL REFERENCES webhooks(id) ON DELETE CASCADE,
    event           TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL,
    attempts        BIGINT NOT NULL DEFAULT 0,
    next_attempt_at DOUBLE PRECISION,
    last_status     BIGINT,
    last_error      TEXT,
    created_at      DOUBLE PRECISION NOT NULL,
    delivered_at    DOUBLE PRECISION
);
-- The log (by webhook, newest first) and the cascade when a webhook is deleted.
CREATE INDEX webhook_deliveries_by_webhook ON webhook_deliveries (webhook_id, id);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (state, next_attempt_at);
