//! Customers (客户), the apps they use (`identify`) and their sessions.
//! Sessions are stored as SHA-256 hashes only: a leaked database holds no
//! usable credential.

use sqlx::QueryBuilder;

use super::{Result, Store};

#[derive(Clone, Debug)]
pub struct CustomerRow {
    pub id: String,
    pub tenant_id: i64,
    pub user_id: String,
    pub name: String,
    pub avatar_url: String,
    /// An anonymous web visitor (seed 001 `client_connect`).
    pub visitor: bool,
}

/// A session with the customer it belongs to and the agent bound to it, if any.
#[derive(Clone, Debug)]
pub struct SessionRow {
    pub tenant_id: i64,
    pub customer_id: String,
    pub user_id: String,
    pub identify: Option<String>,
    pub agent_id: Option<i64>,
    pub last_used_at: f64,
    pub expires_at: f64,
    pub idle_secs: i64,
}

/// When a session ends: `idle_secs` after its last use, and at
/// `expires_at` in any case.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SessionTerms {
    pub expires_at: f64,
    pub idle_secs: i64,
}

impl SessionRow {
    pub fn terms(&self) -> SessionTerms {
        SessionTerms {
            expires_at: self.expires_at,
            idle_secs: self.idle_secs,
        }
    }
}

impl Store {
    /// Creates the customer, or refreshes its name and avatar if the tenant
    /// already has one with this `user_id` (`c.id` is the id for a new one;
    /// `visitor` is only set on creation).
    pub async fn upsert_customer(&self, c: &CustomerRow, now: f64) -> Result<CustomerRow> {
        with_pool!(self, write, pool => {
            let row = sqlx::query(
                "INSERT INTO customers (id, tenant_id, user_id, name, avatar_url, visitor, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (tenant_id, user_id)
                 DO UPDATE SET name = excluded.name, avatar_url = excluded.avatar_url
                 RETURNING id, tenant_id, user_id, name, avatar_url, visitor",
            )
            .bind(&c.id)
            .bind(c.tenant_id)
            .bind(&c.user_id)
            .bind(&c.name)
            .bind(&c.avatar_url)
            .bind(c.visitor)
            .bind(now)
            .fetch_one(pool)
            .await?;
            Ok(decode!(&row => CustomerRow { id, tenant_id, user_id, name, avatar_url, visitor }))
        })
    }

    /// A customer by kefu's own id.
    pub async fn customer(&self, tenant_id: i64, id: &str) -> Result<Option<CustomerRow>> {
        self.customer_where("id", tenant_id, id).await
    }

    /// A customer by the enterprise's id for it.
    pub async fn customer_by_user_id(
        &self,
        tenant_id: i64,
        user_id: &str,
    ) -> Result<Option<CustomerRow>> {
        self.customer_where("user_id", tenant_id, user_id).await
    }

    async fn customer_where(
        &self,
        column: &'static str,
        tenant_id: i64,
        key: &str,
    ) -> Result<Option<CustomerRow>> {
        with_pool!(self, read, pool => {
            let sql = format!(
                "SELECT id, tenant_id, user_id, name, avatar_url, visitor FROM customers
                 WHERE tenant_id = $1 AND {column} = $2"
            );
            let row = sqlx::query(&sql).bind(tenant_id).bind(key).fetch_optional(pool).await?;
            row.map(|row| {
                Ok(decode!(&row => CustomerRow { id, tenant_id, user_id, name, avatar_url, visitor }))
            })
                .transpose()
        })
    }

    /// Records an app (`identify`) of the tenant the first time it is seen.
    pub async fn ensure_app(&self, tenant_id: i64, identify: &str, now: f64) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query(
                "INSERT INTO apps (tenant_id, identify, created_at) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
            )
            .bind(tenant_id)
            .bind(identify)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    pub async fn insert_session(
        &self,
        token_hash: &str,
        tenant_id: i64,
        customer_id: &str,
        identify: Option<&str>,
        terms: SessionTerms,
        now: f64,
    ) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query(
                "INSERT INTO sessions (token_hash, tenant_id, customer_id, identify, created_at,
                    last_used_at, expires_at, idle_secs)
                 VALUES ($1, $2, $3, $4, $5, $5, $6, $7)",
            )
            .bind(token_hash)
            .bind(tenant_id)
            .bind(customer_id)
            .bind(identify)
            .bind(now)
            .bind(terms.expires_at)
            .bind(terms.idle_secs)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    pub async fn session(&self, token_hash: &str) -> Result<Option<SessionRow>> {
        with_pool!(self, read, pool => {
            let row = sqlx::query(
                "SELECT s.tenant_id, s.customer_id, c.user_id, s.identify, s.agent_id,
                    s.last_used_at, s.expires_at, s.idle_secs
                 FROM sessions s JOIN customers c ON c.id = s.customer_id
                 WHERE s.token_hash = $1",
            )
            .bind(token_hash)
            .fetch_optional(pool)
            .await?;
            row.map(|row| {
                Ok(decode!(&row => SessionRow { tenant_id, customer_id, user_id, identify,
                    agent_id, last_used_at, expires_at, idle_secs }))
            })
            .transpose()
        })
    }

    /// Records that the session was used at `now` (its idle time restarts).
    pub async fn touch_session(&self, tenant_id: i64, token_hash: &str, now: f64) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query(
                "UPDATE sessions SET last_used_at = $1
                 WHERE tenant_id = $2 AND token_hash = $3 AND last_used_at < $1",
            )
            .bind(now)
            .bind(tenant_id)
            .bind(token_hash)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Binds the session to an agent (`Some`) or unbinds it (`None`).
    pub async fn bind_session(
        &self,
        tenant_id: i64,
        token_hash: &str,
        agent_id: Option<i64>,
    ) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query("UPDATE sessions SET agent_id = $1 WHERE tenant_id = $2 AND token_hash = $3")
                .bind(agent_id)
                .bind(tenant_id)
                .bind(token_hash)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Ends a session for good (a console logout): nothing can revive it.
    pub async fn delete_session(&self, tenant_id: i64, token_hash: &str) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query("DELETE FROM sessions WHERE tenant_id = $1 AND token_hash = $2")
                .bind(tenant_id)
                .bind(token_hash)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Unbinds every session bound to the agent but `keep` (the one making
    /// the change, if any); how many were bound.
    pub async fn unbind_agent_sessions(
        &self,
        tenant_id: i64,
        agent_id: i64,
        keep: Option<&str>,
    ) -> Result<u64> {
        with_pool!(self, write, pool => {
            let done = sqlx::query(
                "UPDATE sessions SET agent_id = NULL
                 WHERE agent_id = $1 AND tenant_id = $2 AND token_hash <> $3",
            )
            .bind(agent_id)
            .bind(tenant_id)
            .bind(keep.unwrap_or_default())
            .execute(pool)
            .await?;
            Ok(done.rows_affected())
        })
    }

    /// Gives every session of the tenant new lifetimes (an admin changed them).
    pub async fn retime_sessions(
        &self,
        tenant_id: i64,
        lifetime: i64,
        idle_secs: i64,
    ) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query(
                "UPDATE sessions SET expires_at = created_at + $1, idle_secs = $2
                 WHERE tenant_id = $3",
            )
            .bind(lifetime as f64)
            .bind(idle_secs)
            .bind(tenant_id)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// How many sessions (devices) the customer holds.
    pub async fn session_count(&self, tenant_id: i64, customer_id: &str) -> Result<i64> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE tenant_id = $1 AND customer_id = $2")
                .bind(tenant_id)
                .bind(customer_id)
                .fetch_one(pool)
                .await
        })
    }
}

/// The `INSERT` of customers new to the tenant (seed 001 connects, written
/// in a routing round), each created at `created_at`: one statement for all.
/// `customers` is not empty.
pub(super) fn insert_customers<'a, DB>(customers: &[(&CustomerRow, f64)]) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    bool: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'a, DB>,
{
    let mut q = QueryBuilder::new(
        "INSERT INTO customers (id, tenant_id, user_id, name, avatar_url, visitor, created_at) ",
    );
    q.push_values(customers, |mut row, (c, created_at)| {
        row.push_bind(c.id.clone())
            .push_bind(c.tenant_id)
            .push_bind(c.user_id.clone())
            .push_bind(c.name.clone())
            .push_bind(c.avatar_url.clone())
            .push_bind(c.visitor)
            .push_bind(*created_at);
    });
    q
}

/// The `INSERT` of customers' first sessions, as (token hash, customer,
/// created at), all with `terms`: one statement for all. `sessions` is not
/// empty.
pub(super) fn insert_sessions<'a, DB>(
    sessions: &[(&str, &CustomerRow, f64)],
    terms: SessionTerms,
) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'a, DB>,
{
    let mut q = QueryBuilder::new(
        "INSERT INTO sessions (token_hash, tenant_id, customer_id, identify, created_at,
            last_used_at, expires_at, idle_secs) ",
    );
    q.push_values(sessions, |mut row, (token_hash, c, created_at)| {
        row.push_bind(token_hash.to_string())
            .push_bind(c.tenant_id)
            .push_bind(c.id.clone())
            .push_bind(None::<String>)
            .push_bind(*created_at)
            .push_bind(*created_at)
            .push_bind(terms.expires_at)
            .push_bind(terms.idle_secs);
    });
    q
}

/// Seed 001 access tokens: hashed, with an expiry.
impl Store {
    pub async fn insert_access_token(
        &self,
        token_hash: &str,
        tenant_id: i64,
        expires_at: f64,
        now: f64,
    ) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query(
                "INSERT INTO access_tokens (token_hash, tenant_id, expires_at, created_at)
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash)
            .bind(tenant_id)
            .bind(expires_at)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// The tenant of an access token that has not expired at `now`.
    pub async fn access_token_tenant(&self, token_hash: &str, now: f64) -> Result<Option<i64>> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar(
                "SELECT tenant_id FROM access_tokens WHERE token_hash = $1 AND expires_at > $2",
            )
            .bind(token_hash)
            .bind(now)
            .fetch_optional(pool)
            .await
        })
    }

    /// Forgets tokens that expired before `now`.
    pub async fn delete_expired_access_tokens(&self, now: f64) -> Result<u64> {
        with_pool!(self, write, pool => {
            let done = sqlx::query("DELETE FROM access_tokens WHERE expires_at <= $1")
                .bind(now)
                .execute(pool)
                .await?;
            Ok(done.rows_affected())
        })
    }
}
