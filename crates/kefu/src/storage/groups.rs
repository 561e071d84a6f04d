//! Departments (部门/分组): seed 002's `groupId`, seed 001's `department_id`.

use super::{Result, Store};

#[derive(Clone, Debug)]
pub struct GroupRow {
    pub id: i64,
    pub name: String,
    pub created_at: f64,
    pub updated_at: f64,
    /// How many agents (not purged) belong to it.
    pub members: i64,
}

const SELECT: &str = "SELECT g.id, g.name, g.created_at, g.updated_at,
        (SELECT COUNT(*) FROM agent_group_members m JOIN agents a ON a.id = m.agent_id
          WHERE m.group_id = g.id AND a.is_stat IN (0, 1)) AS members
     FROM agent_groups g";

impl Store {
    pub async fn insert_group(&self, tenant_id: i64, name: &str, now: f64) -> Result<i64> {
        with_pool!(self, write, pool => {
            sqlx::query_scalar(
                "INSERT INTO agent_groups (tenant_id, name, created_at, updated_at)
                 VALUES ($1, $2, $3, $3) RETURNING id",
            )
            .bind(tenant_id)
            .bind(name)
            .bind(now)
            .fetch_one(pool)
            .await
        })
    }

    pub async fn rename_group(
        &self,
        tenant_id: i64,
        id: i64,
        name: &str,
        now: f64,
    ) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query(
                "UPDATE agent_groups SET name = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
            )
            .bind(name)
            .bind(now)
            .bind(tenant_id)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Deletes a department and its memberships (its agents stay);
    /// conversations waiting in it join the general queue.
    pub async fn delete_group(&self, tenant_id: i64, id: i64) -> Result<bool> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM agent_group_members WHERE tenant_id = $1 AND group_id = $2")
                .bind(tenant_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            // Conversations waiting for it would wait for no one: any agent may take them.
            sqlx::query(
                "UPDATE conversations SET department_id = NULL
                 WHERE tenant_id = $1 AND department_id = $2 AND status = $3",
            )
            .bind(tenant_id)
            .bind(id)
            .bind(crate::domain::conversation::Status::Waiting.code())
            .execute(&mut *tx)
            .await?;
            let done = sqlx::query("DELETE FROM agent_groups WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn group(&self, tenant_id: i64, id: i64) -> Result<Option<GroupRow>> {
        with_pool!(self, read, pool => {
            let sql = format!("{SELECT} WHERE g.tenant_id = $1 AND g.id = $2");
            let row = sqlx::query(&sql).bind(tenant_id).bind(id).fetch_optional(pool).await?;
            row.map(|row| Ok(decode!(&row => GroupRow { id, name, created_at, updated_at, members })))
                .transpose()
        })
    }

    /// One page of a tenant's departments in id order, and their number.
    pub async fn list_groups(
        &self,
        tenant_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<GroupRow>, i64)> {
        with_pool!(self, read, pool => {
            let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM agent_groups WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_one(pool)
                .await?;
            let sql = format!("{SELECT} WHERE g.tenant_id = $1 ORDER BY g.id LIMIT $2 OFFSET $3");
            let rows = sqlx::query(&sql)
                .bind(tenant_id)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            let rows = rows
                .iter()
                .map(|row| Ok(decode!(row => GroupRow { id, name, created_at, updated_at, members })))
                .collect::<Result<_>>()?;
            Ok((rows, count))
        })
    }
}
