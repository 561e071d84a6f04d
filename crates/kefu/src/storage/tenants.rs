//! Tenants (企业) and their keys.

use super::{Result, Store};
use crate::domain::agent::search_key;

/// The name of a new tenant's first admin.
const ADMIN_NAME: &str = "管理员";

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
    /// (tenant id, admin agent id, admin account). Accounts are unique on the
    /// server, so when `admin_account` is taken the tenant id is appended.
    /// The admin's `sNum` (required by seed 002) starts as its account.
    pub async fn create_tenant(&self, new: &NewTenant<'_>) -> Result<(i64, i64, String)> {
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
            let taken: Option<i64> = sqlx::query_scalar("SELECT id FROM agents WHERE account = $1")
                .bind(new.admin_account)
                .fetch_optional(&mut *tx)
                .await?;
            let account = match taken {
                Some(_) => format!("{}{tenant_id}", new.admin_account),
                None => new.admin_account.to_owned(),
            };
            let admin_id: i64 = sqlx::query_scalar(
                "INSERT INTO agents (tenant_id, account, num, password_hash, name, is_admin,
                    is_stat, created_at, updated_at, account_folded, num_folded, name_folded,
                    mobile_folded)
                 VALUES ($1, $2, $2, $3, $4, TRUE, 1, $5, $5, $6, $6, $7, '') RETURNING id",
            )
            .bind(tenant_id)
            .bind(&account)
            .bind(new.admin_password_hash)
            .bind(ADMIN_NAME)
            .bind(new.now)
            .bind(search_key(&account))
            .bind(search_key(ADMIN_NAME))
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok((tenant_id, admin_id, account))
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

    pub async fn tenant_name(&self, tenant_id: i64) -> Result<String> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar("SELECT name FROM tenants WHERE id = $1")
                .bind(tenant_id)
                .fetch_one(pool)
                .await
        })
    }

    /// The tenant's public key (the widget's `data-api-key`).
    pub async fn tenant_api_key(&self, tenant_id: i64) -> Result<String> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar("SELECT api_key FROM tenants WHERE id = $1")
                .bind(tenant_id)
                .fetch_one(pool)
                .await
        })
    }

    /// The tenant's settings document (JSON).
    pub async fn tenant_settings(&self, tenant_id: i64) -> Result<String> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar("SELECT settings FROM tenants WHERE id = $1")
                .bind(tenant_id)
                .fetch_one(pool)
                .await
        })
    }

    /// Replaces the settings document if it still reads `seen` (so that two
    /// admins editing different settings at once cannot undo each other).
    pub async fn replace_tenant_settings(
        &self,
        tenant_id: i64,
        seen: &str,
        settings: &str,
    ) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query("UPDATE tenants SET settings = $1 WHERE id = $2 AND settings = $3")
                .bind(settings)
                .bind(tenant_id)
                .bind(seen)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Every tenant's settings document, for the origins any tenant lets
    /// call the API (CORS answers before it knows the tenant).
    pub async fn every_tenant_settings(&self) -> Result<Vec<String>> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar("SELECT settings FROM tenants").fetch_all(pool).await
        })
    }

    pub async fn tenant_count(&self) -> Result<i64> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM tenants").fetch_one(pool).await
        })
    }

    /// Every tenant with its public key, its admins' accounts and how many
    /// agents it has (the operator's `kefu tenant list`), oldest first.
    pub async fn list_tenants(&self) -> Result<Vec<TenantSummary>> {
        with_pool!(self, read, pool => {
            let rows = sqlx::query(
                "SELECT t.id, t.name, t.api_key, t.created_at,
                    (SELECT COUNT(*) FROM agents a WHERE a.tenant_id = t.id AND a.is_stat IN (0, 1))
                        AS agents
                 FROM tenants t ORDER BY t.id",
            )
            .fetch_all(pool)
            .await?;
            let mut tenants = Vec::with_capacity(rows.len());
            for row in &rows {
                let get = |column| sqlx::Row::try_get::<i64, _>(row, column);
                let mut tenant = TenantSummary {
                    id: get("id")?,
                    name: sqlx::Row::try_get(row, "name")?,
                    api_key: sqlx::Row::try_get(row, "api_key")?,
                    created_at: sqlx::Row::try_get(row, "created_at")?,
                    agents: get("agents")?,
                    admins: Vec::new(),
                };
                tenant.admins = sqlx::query_scalar(
                    "SELECT account FROM agents
                     WHERE tenant_id = $1 AND is_admin = TRUE AND is_stat = 1 ORDER BY id",
                )
                .bind(tenant.id)
                .fetch_all(pool)
                .await?;
                tenants.push(tenant);
            }
            Ok(tenants)
        })
    }

    /// Replaces the tenant's secret (and its api_key, when given) and
    /// forgets the access tokens the old secret bought; the api_key it has
    /// now, `None` for an unknown tenant.
    pub async fn replace_tenant_keys(
        &self,
        tenant_id: i64,
        api_key: Option<&str>,
        secret_hash: &str,
    ) -> Result<Option<String>> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            let key: Option<String> = sqlx::query_scalar(
                "UPDATE tenants SET secret_hash = $1, api_key = COALESCE($2, api_key)
                 WHERE id = $3 RETURNING api_key",
            )
            .bind(secret_hash)
            .bind(api_key)
            .bind(tenant_id)
            .fetch_optional(&mut *tx)
            .await?;
            sqlx::query("DELETE FROM access_tokens WHERE tenant_id = $1")
                .bind(tenant_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(key)
        })
    }
}

/// A tenant as `kefu tenant list` shows it: never its secret.
#[derive(Debug, serde::Serialize)]
pub struct TenantSummary {
    pub id: i64,
    pub name: String,
    pub api_key: String,
    pub created_at: f64,
    pub agents: i64,
    /// The accounts of its active admins.
    pub admins: Vec<String>,
}
