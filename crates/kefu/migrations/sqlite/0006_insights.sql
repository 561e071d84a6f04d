-- Customer satisfaction and reports. Keep in step with ../postgres/0006_insights.sql.

-- A customer's rating is a notice (action 8) that carries its score, 1 to 5;
-- NULL for every other message. One per conversation, whoever asks twice.
ALTER TABLE messages ADD COLUMN rating BIGINT;
CREATE UNIQUE INDEX messages_one_rating ON messages (conversation_id) WHERE action = 8;

-- Reports read the conversations a range of days started, oldest first.
CREATE INDEX conversations_by_start ON conversations (tenant_id, created_at);

-- When agents started and stopped accepting work (online chat), for
-- "agents online over time": one row per change.
CREATE TABLE agent_status_log (
    tenant_id BIGINT NOT NULL REFERENCES tenants(id),
    agent_id  BIGINT NOT NULL REFERENCES agents(id),
    accepting BIGINT NOT NULL,
    at        DOUBLE PRECISION NOT NULL
);
CREATE INDEX agent_status_log_by_time ON agent_status_log (tenant_id, at);
CREATE INDEX agent_status_log_by_agent ON agent_status_log (tenant_id, agent_id, at);
