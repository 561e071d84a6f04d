//! Agents (客服): what bind and the chat rules need. The administration API
//! (seed 002) extends this table.

use super::{Result, Store};

macro_rules! decode_agent {
    ($row:expr) => {
        decode!($row => AgentRow { id, tenant_id, account, password_hash, name, is_admin, is_stat })
    };
}

#[derive(Clone, Debug)]
pub struct AgentRow {
    pub id: i64,
    pub tenant_id: i64,
    pub account: String,
    pub password_hash: String,
    pub name: String,
    pub is_admin: bool,
    /// 1 active, 0 recycle bin, 2 purged (seed 002 `isStat`).
    pub is_stat: i64,
}

impl AgentRow {
    pub fn is_active(&self) -> bool {
        self.is_stat == 1
    }
}

const COLUMNS: &str = "id, tenant_id, account, password_hash, name, is_admin, is_stat";

pub struct NewAgent<'a> {
    pub tenant_id: i64,
    pub account: &'a str,
    pub password_hash: &'a str,
    pub name: &'a str,
    pub is_admin: bool,
    pub now: f64,
}

impl Store {
    pub async fn insert_agent(&self, new: &NewAgent<'_>) -> Result<i64> {
        with_pool!(self, write, pool => {
            sqlx::query_scalar(
                "INSERT INTO agents (tenant_id, account, password_hash, name, is_admin, is_stat, created_at)
                 VALUES ($1, $2, $3, $4, $5, 1, $6) RETURNING id",
            )
            .bind(new.tenant_id)
            .bind(new.account)
            .bind(new.password_hash)
            .bind(new.name)
            .bind(new.is_admin)
            .bind(new.now)
            .fetch_one(pool)
            .await
        })
    }

    pub async fn agent_by_account(
        &self,
        tenant_id: i64,
        account: &str,
    ) -> Result<Option<AgentRow>> {
        self.agent_where("tenant_id = $1 AND account = $2", tenant_id, account)
            .await
    }

    pub async fn agent_by_id(&self, tenant_id: i64, id: i64) -> Result<Option<AgentRow>> {
        with_pool!(self, read, pool => {
            let sql = format!("SELECT {COLUMNS} FROM agents WHERE tenant_id = $1 AND id = $2");
            let row = sqlx::query(&sql).bind(tenant_id).bind(id).fetch_optional(pool).await?;
            row.map(|row| Ok(decode_agent!(&row))).transpose()
        })
    }

    /// Sets an agent's `isStat` (1 active, 0 recycle bin, 2 purged).
    pub async fn set_agent_stat(&self, tenant_id: i64, id: i64, is_stat: i64) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query("UPDATE agents SET is_stat = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(is_stat)
                .bind(tenant_id)
                .bind(id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    async fn agent_where(
        &self,
        filter: &str,
        tenant_id: i64,
        key: &str,
    ) -> Result<Option<AgentRow>> {
        with_pool!(self, read, pool => {
            let sql = format!("SELECT {COLUMNS} FROM agents WHERE {filter}");
            let row = sqlx::query(&sql).bind(tenant_id).bind(key).fetch_optional(pool).await?;
            row.map(|row| Ok(decode_agent!(&row))).transpose()
        })
    }
}
