-- Routing (seed 001): conversations pushed to agents, their queue and
-- timeouts, agents' capacity, and the access tokens of the customer API.
-- Keep in step with ../postgres/0003_routing.sql.

-- The tenant row is the routing lock: a routing round updates it first, so
-- rounds of one tenant run one at a time on every node. queue_seq orders
-- pushed conversations; route_cursor is round robin's last agent.
ALTER TABLE tenants ADD COLUMN queue_seq BIGINT NOT NULL DEFAULT 0;
ALTER TABLE tenants ADD COLUMN route_cursor BIGINT;

-- Max concurrent chats; NULL means the tenant's default.
ALTER TABLE agents ADD COLUMN max_chats BIGINT;
-- A round reads the tenant's memberships in one range.
CREATE INDEX agent_group_members_by_tenant ON agent_group_members (tenant_id, agent_id);

-- The department a conversation is routed in (NULL: any agent).
ALTER TABLE conversations ADD COLUMN department_id BIGINT;
-- Set for pushed conversations (seed 001): their place in the queue.
ALTER TABLE conversations ADD COLUMN queue_seq BIGINT;
-- The agent who last quit it: routing does not hand it straight back.
ALTER TABLE conversations ADD COLUMN left_by BIGINT;
-- When a waiting conversation times out (NULL: never, or not waiting).
ALTER TABLE conversations ADD COLUMN deadline DOUBLE PRECISION;
CREATE INDEX conversations_queue ON conversations (status, tenant_id, queue_seq);
CREATE INDEX conversations_deadline ON conversations (status, deadline);

-- Anonymous web visitors (seed 001 client_connect): only their unfinished
-- conversations may be resumed by rid.
ALTER TABLE customers ADD COLUMN visitor BOOLEAN NOT NULL DEFAULT FALSE;

-- Seed 001 access tokens (POST /admin/access_token), stored hashed.
CREATE TABLE access_tokens (
    token_hash TEXT PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants(id),
    expires_at DOUBLE PRECISION NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX access_tokens_by_expiry ON access_tokens (expires_at);
