-- kefu schema, SQLite flavour. Keep in step with ../postgres/0001_init.sql:
-- same tables, same columns, same indexes.

CREATE TABLE tenants (
    id          INTEGER PRIMARY KEY,
    name        TEXT NOT NULL,
    api_key     TEXT NOT NULL UNIQUE,
    secret_hash TEXT NOT NULL,
    settings    TEXT NOT NULL DEFAULT '{}',
    created_at  DOUBLE PRECISION NOT NULL
);

CREATE TABLE agents (
    id            INTEGER PRIMARY KEY,
    tenant_id     BIGINT NOT NULL REFERENCES tenants(id),
    account       TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    name          TEXT NOT NULL DEFAULT '',
    is_admin      BOOLEAN NOT NULL DEFAULT FALSE,
    is_stat       BIGINT NOT NULL DEFAULT 1,
    created_at    DOUBLE PRECISION NOT NULL,
    UNIQUE (tenant_id, account)
);

CREATE TABLE apps (
    tenant_id  BIGINT NOT NULL REFERENCES tenants(id),
    identify   TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (tenant_id, identify)
);

CREATE TABLE customers (
    id         TEXT PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants(id),
    user_id    TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    avatar_url TEXT NOT NULL DEFAULT '',
    created_at DOUBLE PRECISION NOT NULL,
    UNIQUE (tenant_id, user_id)
);

CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id),
    customer_id TEXT NOT NULL REFERENCES customers(id),
    identify    TEXT,
    agent_id    BIGINT REFERENCES agents(id),
    created_at  DOUBLE PRECISION NOT NULL
);
CREATE INDEX sessions_by_customer ON sessions (customer_id);

CREATE TABLE conversations (
    id              TEXT PRIMARY KEY,
    tenant_id       BIGINT NOT NULL REFERENCES tenants(id),
    identify        TEXT,
    customer_id     TEXT NOT NULL REFERENCES customers(id),
    title           TEXT NOT NULL DEFAULT '',
    labels          TEXT NOT NULL DEFAULT '[]',
    status          BIGINT NOT NULL,
    agent_id        BIGINT REFERENCES agents(id),
    version         BIGINT NOT NULL DEFAULT 0,
    last_message_id TEXT,
    created_at      DOUBLE PRECISION NOT NULL,
    updated_at      DOUBLE PRECISION NOT NULL
);
-- The pending pool, with and without the app filter.
CREATE INDEX conversations_by_status ON conversations (tenant_id, status, id);
CREATE INDEX conversations_by_app_status ON conversations (tenant_id, identify, status, id);
-- An agent's tasks.
CREATE INDEX conversations_by_agent ON conversations (agent_id, status, id);
-- A customer's lists (waits, tasks, overs, alls).
CREATE INDEX conversations_by_customer ON conversations (customer_id, status, id);
CREATE INDEX conversations_by_customer_all ON conversations (customer_id, id);

CREATE TABLE conversation_labels (
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    tenant_id       BIGINT NOT NULL,
    label           TEXT NOT NULL,
    PRIMARY KEY (conversation_id, label)
);
CREATE INDEX conversation_labels_lookup ON conversation_labels (tenant_id, label, conversation_id);

CREATE TABLE messages (
    id              TEXT PRIMARY KEY,
    tenant_id       BIGINT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations(id),
    sender          TEXT NOT NULL,
    sender_type     BIGINT NOT NULL,
    kind            BIGINT NOT NULL,
    text            TEXT,
    media_path      TEXT,
    audio_len       BIGINT,
    action          BIGINT,
    client_msg_id   TEXT,
    created_at      DOUBLE PRECISION NOT NULL
);
CREATE INDEX messages_by_conversation ON messages (conversation_id, id);
CREATE UNIQUE INDEX messages_by_client_id ON messages (conversation_id, client_msg_id)
    WHERE client_msg_id IS NOT NULL;

CREATE TABLE answer_templates (
    id         TEXT PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants(id),
    identify   TEXT,
    title      TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX answer_templates_by_tenant ON answer_templates (tenant_id, id);

CREATE TABLE answer_items (
    id          TEXT PRIMARY KEY,
    tenant_id   BIGINT NOT NULL,
    template_id TEXT NOT NULL REFERENCES answer_templates(id),
    question    TEXT NOT NULL,
    content     TEXT NOT NULL,
    created_at  DOUBLE PRECISION NOT NULL
);
CREATE INDEX answer_items_by_template ON answer_items (template_id, id);
