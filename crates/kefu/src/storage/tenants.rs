//! Tenants (企业) and their keys.

use super::{Result, Store};

pub struct TenantRow {
    pub id: i64,
    pub name: String,
    pub api_key: String,
    pub secret_hash: String,
}

/// A new tenant with its first administrator, created together.
pub struct NewTenant<'a> {
    pub name: &'a str,
    pub api_key: &'a str,
    pub secret_hash: &'a str,
    pub admin_account: &'a str,
    pub admin_password_hash: &'a str,
    pub now: f64,
}

impl Store {
    /// Creates the tenant and its admin agent in one transaction; returns
    /// (tenant id, admin agent id).
    pub async fn create_tenant(&self, new: &NewTenant<'_>) -> Result<(i64, i64)> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            let tenant_id: i64 = sqlx::query_scalar(
                "INSERT INTO tenants (name, api_key, secret_hash, created_at)
                 VALUES ($1, $2, $3, $4) RETURNING id",
            )
            .bind(new.name)
            .bind(new.api_key)
            .bind(new.secret_hash)
            .bind(new.now)
            .fetch_one(&mut *tx)
            .await?;
            let admin_id: i64 = sqlx::query_scalar(
                "INSERT INTO agents (tenant_id, account, password_hash, name, is_admin, is_stat, created_at)
                 VALUES ($1, $2, $3, $4, TRUE, 1, $5) RETURNING id",
            )
            .bind(tenant_id)
            .bind(new.admin_account)
            .bind(new.admin_password_hash)
            .bind("管理员")
            .bind(new.now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok((tenant_id, admin_id))
        })
    }

    pub async fn tenant_by_api_key(&self, api_key: &str) -> Result<Option<TenantRow>> {
        with_pool!(self, read, pool => {
            let row = sqlx::query(
                "SELECT id, name, api_key, secret_hash FROM tenants WHERE api_key = $1",
            )
            .bind(api_key)
            .fetch_optional(pool)
            .await?;
            row.map(|row| Ok(decode!(&row => TenantRow { id, name, api_key, secret_hash })))
                .transpose()
        })
    }

    pub async fn tenant_count(&self) -> Result<i64> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM tenants").fetch_one(pool).await
        })
    }
}
