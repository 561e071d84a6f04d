-- The agent administration API (seed 002): agent profiles, departments,
-- per-module status, call-center permission, check-ins and duty schedules.
-- Keep in step with ../postgres/0002_admin.sql.

ALTER TABLE agents ADD COLUMN num TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN gender BIGINT NOT NULL DEFAULT 1;
ALTER TABLE agents ADD COLUMN email TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN fixnumber TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN mobile TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN qq TEXT NOT NULL DEFAULT '';
ALTER TABLE agents ADD COLUMN custom_fields TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN call_center BOOLEAN NOT NULL DEFAULT FALSE;
-- Per-module status names (plates 1 tickets, 2 online chat, 3 call center);
-- NULL means the tenant's initial status for that module.
ALTER TABLE agents ADD COLUMN ticket_state TEXT;
ALTER TABLE agents ADD COLUMN chat_state TEXT;
ALTER TABLE agents ADD COLUMN call_state TEXT;
ALTER TABLE agents ADD COLUMN updated_at DOUBLE PRECISION NOT NULL DEFAULT 0;
UPDATE agents SET updated_at = created_at;

-- HTTP Basic auth names no tenant, so an account (sPassportName) is unique
-- across the server. Accounts that collided across tenants get a suffix.
UPDATE agents SET account = account || '-' || tenant_id
 WHERE id NOT IN (SELECT MIN(id) FROM agents GROUP BY account);
CREATE UNIQUE INDEX agents_by_account ON agents (account);
CREATE INDEX agents_by_tenant ON agents (tenant_id, id);
CREATE INDEX agents_by_created ON agents (tenant_id, created_at, id);

-- Departments (seed 002 groupId, seed 001 department_id).
CREATE TABLE agent_groups (
    id         INTEGER PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants(id),
    name       TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    UNIQUE (tenant_id, name)
);
CREATE INDEX agent_groups_by_tenant ON agent_groups (tenant_id, id);

CREATE TABLE agent_group_members (
    group_id  BIGINT NOT NULL REFERENCES agent_groups(id),
    agent_id  BIGINT NOT NULL REFERENCES agents(id),
    tenant_id BIGINT NOT NULL,
    PRIMARY KEY (group_id, agent_id)
);
CREATE INDEX agent_group_members_by_agent ON agent_group_members (agent_id, group_id);

-- Check-in and check-out records (签到/签退).
CREATE TABLE checkins (
    id          INTEGER PRIMARY KEY,
    tenant_id   BIGINT NOT NULL REFERENCES tenants(id),
    agent_id    BIGINT NOT NULL REFERENCES agents(id),
    kind        BIGINT NOT NULL,
    remark      TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',
    tags        TEXT NOT NULL DEFAULT '[]',
    location    TEXT NOT NULL DEFAULT '',
    created_at  DOUBLE PRECISION NOT NULL
);
CREATE INDEX checkins_by_tenant ON checkins (tenant_id, created_at, id);
CREATE INDEX checkins_by_agent ON checkins (tenant_id, agent_id, created_at, id);

-- Duty schedules (排班): one row per shift; id is the seed's dutyId.
CREATE TABLE duties (
    id         TEXT PRIMARY KEY,
    tenant_id  BIGINT NOT NULL REFERENCES tenants(id),
    agent_id   BIGINT NOT NULL REFERENCES agents(id),
    date       TEXT NOT NULL,
    start_time TEXT NOT NULL,
    end_time   TEXT NOT NULL,
    name       TEXT NOT NULL DEFAULT '',
    remark     TEXT NOT NULL DEFAULT '',
    url        TEXT NOT NULL DEFAULT '',
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX duties_by_date ON duties (tenant_id, date, agent_id, start_time);
CREATE INDEX duties_by_agent ON duties (agent_id, date, start_time);
