//! Webhooks and their deliveries (migrations/*/0004_realtime.sql).
//!
//! Every step that several nodes may take at once is a compare-and-swap: a
//! webhook's `cursor` moves only from the value its reader saw, and an attempt
//! is claimed, and its outcome recorded, only at the `attempts` its claimer saw.

use super::{Result, Store};

/// A webhook as stored. `events` is the filter: names joined by commas, or `*`.
#[derive(Clone, Debug)]
pub struct WebhookRow {
    pub id: i64,
    pub tenant_id: i64,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub active: bool,
    pub cursor: i64,
    pub created_at: f64,
    pub updated_at: f64,
}

/// A webhook to create.
#[derive(Clone, Debug)]
pub struct NewWebhook {
    pub tenant_id: i64,
    pub url: String,
    pub events: String,
    pub secret: String,
    pub active: bool,
}

/// What an update writes; `None` keeps the stored value.
#[derive(Clone, Debug, Default)]
pub struct WebhookWrite {
    pub url: Option<String>,
    pub events: Option<String>,
    pub active: Option<bool>,
}

/// A delivery as the admins' log shows it.
#[derive(Clone, Debug)]
pub struct DeliveryRow {
    pub id: String,
    pub webhook_id: i64,
    pub event: String,
    pub state: String,
    pub attempts: i64,
    pub last_status: Option<i64>,
    pub last_error: Option<String>,
    pub created_at: f64,
    pub delivered_at: Option<f64>,
    pub next_attempt_at: Option<f64>,
}

/// An active webhook with messages it has not turned into deliveries yet.
#[derive(Clone, Debug)]
pub struct WebhookBehind {
    pub id: i64,
    pub tenant_id: i64,
    pub events: String,
    pub cursor: i64,
    /// The tenant's last message number when read.
    pub last_seq: i64,
}

/// A delivery to insert (state pending, due now).
#[derive(Clone, Debug)]
pub struct NewDelivery {
    pub id: String,
    pub event: String,
    pub payload: String,
}

/// How an attempt ended.
#[derive(Clone, Debug)]
pub struct AttemptOutcome {
    pub delivered: bool,
    /// The receiver's HTTP status, when it answered.
    pub status: Option<i64>,
    /// Why it failed, briefly.
    pub error: Option<String>,
    /// When to try again; `None` after a failure: given up.
    pub next: Option<f64>,
}

/// A pending delivery whose attempt is due, with where it goes.
#[derive(Clone, Debug)]
pub struct DueDelivery {
    pub id: String,
    pub event: String,
    pub payload: String,
    pub attempts: i64,
    pub url: String,
    pub secret: String,
}

pub const STATE_PENDING: &str = "pending";
pub const STATE_DELIVERED: &str = "delivered";
pub const STATE_FAILED: &str = "failed";

const WEBHOOK_COLUMNS: &str =
    "id, tenant_id, url, events, secret, active, cursor, created_at, updated_at";
const DELIVERY_COLUMNS: &str = "id, webhook_id, event, state, attempts, last_status, last_error, \
     created_at, delivered_at, next_attempt_at";

macro_rules! decode_webhook {
    ($row:expr) => {
        decode!($row => WebhookRow {
            id, tenant_id, url, events, secret, active, cursor, created_at, updated_at
        })
    };
}

macro_rules! decode_delivery {
    ($row:expr) => {
        decode!($row => DeliveryRow {
            id, webhook_id, event, state, attempts, last_status, last_error, created_at,
            delivered_at, next_attempt_at
        })
    };
}

impl Store {
    /// Creates a webhook that starts at the tenant's last message number (no
    /// backfill), unless the tenant already has `max` of them (`None`).
    pub async fn insert_webhook(&self, w: &NewWebhook, max: i64, now: f64) -> Result<Option<i64>> {
        let tenant_id = w.tenant_id;
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            // Locks the tenant's row (PostgreSQL), so that concurrent creates
            // count one after the other and the limit holds.
            sqlx::query("UPDATE tenants SET queue_seq = queue_seq WHERE id = $1")
                .bind(tenant_id)
                .execute(&mut *tx)
                .await?;
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_one(&mut *tx)
                .await?;
            if count >= max {
                return Ok(None);
            }
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO webhooks
                 (tenant_id, url, events, secret, active, cursor, created_at, updated_at)
                 VALUES ($1, $2, $3, $4, $5,
                         COALESCE((SELECT seq FROM event_seqs WHERE tenant_id = $1), 0), $6, $6)
                 RETURNING id",
            )
            .bind(tenant_id)
            .bind(&w.url)
            .bind(&w.events)
            .bind(&w.secret)
            .bind(w.active)
            .bind(now)
            .fetch_one(&mut *tx)
            .await?;
            tx.commit().await?;
            Ok(Some(id))
        })
    }

    pub async fn webhook(&self, tenant_id: i64, id: i64) -> Result<Option<WebhookRow>> {
        let sql =
            format!("SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = $1 AND id = $2");
        with_pool!(self, read, pool => {
            let row = sqlx::query(&sql).bind(tenant_id).bind(id).fetch_optional(pool).await?;
            row.map(|row| Ok(decode_webhook!(&row))).transpose()
        })
    }

    /// One page of a tenant's webhooks in id order, and their number.
    pub async fn list_webhooks(
        &self,
        tenant_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<WebhookRow>, i64)> {
        let sql = format!(
            "SELECT {WEBHOOK_COLUMNS} FROM webhooks WHERE tenant_id = $1
             ORDER BY id LIMIT $2 OFFSET $3"
        );
        with_pool!(self, read, pool => {
            let count: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM webhooks WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_one(pool)
                .await?;
            let rows = sqlx::query(&sql)
                .bind(tenant_id)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            let rows = rows.iter().map(|row| Ok(decode_webhook!(row))).collect::<Result<_>>()?;
            Ok((rows, count))
        })
    }

    /// Changes the fields given. A webhook switched back on starts again at
    /// the tenant's last message number: what happened while it was off is
    /// not delivered. False when there is no such webhook.
    pub async fn update_webhook(
        &self,
        tenant_id: i64,
        id: i64,
        w: &WebhookWrite,
        now: f64,
    ) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query(
                "UPDATE webhooks SET
                    url = COALESCE($1, url),
                    events = COALESCE($2, events),
                    cursor = CASE WHEN active = FALSE AND $3 = TRUE
                        THEN COALESCE((SELECT seq FROM event_seqs WHERE tenant_id = $4), 0)
                        ELSE cursor END,
                    active = COALESCE($3, active),
                    updated_at = $5
                 WHERE tenant_id = $4 AND id = $6",
            )
            .bind(&w.url)
            .bind(&w.events)
            .bind(w.active)
            .bind(tenant_id)
            .bind(now)
            .bind(id)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Deletes a webhook; its delivery log goes with it (the schema's
    /// `ON DELETE CASCADE`, pinned by a test below).
    pub async fn delete_webhook(&self, tenant_id: i64, id: i64) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query("DELETE FROM webhooks WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// One page of a webhook's deliveries, newest first, and their number.
    pub async fn list_deliveries(
        &self,
        tenant_id: i64,
        webhook_id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<DeliveryRow>, i64)> {
        let sql = format!(
            "SELECT {DELIVERY_COLUMNS} FROM webhook_deliveries
             WHERE tenant_id = $1 AND webhook_id = $2
             ORDER BY id DESC LIMIT $3 OFFSET $4"
        );
        with_pool!(self, read, pool => {
            let count: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM webhook_deliveries WHERE tenant_id = $1 AND webhook_id = $2",
            )
            .bind(tenant_id)
            .bind(webhook_id)
            .fetch_one(pool)
            .await?;
            let rows = sqlx::query(&sql)
                .bind(tenant_id)
                .bind(webhook_id)
                .bind(limit)
                .bind(offset)
                .fetch_all(pool)
                .await?;
            let rows = rows.iter().map(|row| Ok(decode_delivery!(row))).collect::<Result<_>>()?;
            Ok((rows, count))
        })
    }

    /// Active webhooks of every tenant whose cursor is behind the tenant's
    /// last message number.
    pub async fn webhooks_behind(&self) -> Result<Vec<WebhookBehind>> {
        with_pool!(self, read, pool => {
            let rows = sqlx::query(
                "SELECT w.id, w.tenant_id, w.events, w.cursor, s.seq AS last_seq
                 FROM webhooks w JOIN event_seqs s ON s.tenant_id = w.tenant_id
                 WHERE w.active = TRUE AND w.cursor < s.seq
                 ORDER BY w.id",
            )
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(decode!(row => WebhookBehind { id, tenant_id, events, cursor, last_seq }))
                })
                .collect()
        })
    }

    /// Moves a webhook's cursor from `from` to `to` and stores `deliveries`,
    /// in one transaction. False (and nothing stored) when the cursor is no
    /// longer at `from`: another node did it meanwhile.
    pub async fn enqueue_deliveries(
        &self,
        tenant_id: i64,
        webhook_id: i64,
        from: i64,
        to: i64,
        deliveries: &[NewDelivery],
        now: f64,
    ) -> Result<bool> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            // First, so that a concurrent node waits on the row here (PostgreSQL)
            // and then finds the cursor moved, before inserting anything.
            let moved = sqlx::query(
                "UPDATE webhooks SET cursor = $1
                 WHERE tenant_id = $2 AND id = $3 AND cursor = $4",
            )
            .bind(to)
            .bind(tenant_id)
            .bind(webhook_id)
            .bind(from)
            .execute(&mut *tx)
            .await?;
            if moved.rows_affected() != 1 {
                tx.rollback().await?;
                return Ok(false);
            }
            for d in deliveries {
                sqlx::query(
                    "INSERT INTO webhook_deliveries
                     (id, tenant_id, webhook_id, event, payload, state, attempts, next_attempt_at,
                      created_at)
                     VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $7)",
                )
                .bind(&d.id)
                .bind(tenant_id)
                .bind(webhook_id)
                .bind(&d.event)
                .bind(&d.payload)
                .bind(STATE_PENDING)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(true)
        })
    }

    /// Up to `limit` pending deliveries of active webhooks due at `now`,
    /// longest due first.
    pub async fn due_deliveries(&self, now: f64, limit: i64) -> Result<Vec<DueDelivery>> {
        with_pool!(self, read, pool => {
            let rows = sqlx::query(
                "SELECT d.id, d.event, d.payload, d.attempts, w.url, w.secret
                 FROM webhook_deliveries d JOIN webhooks w ON w.id = d.webhook_id
                 WHERE d.state = $1 AND d.next_attempt_at <= $2 AND w.active = TRUE
                 ORDER BY d.next_attempt_at LIMIT $3",
            )
            .bind(STATE_PENDING)
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(decode!(row => DueDelivery { id, event, payload, attempts, url, secret }))
                })
                .collect()
        })
    }

    /// Claims the next attempt of a delivery last seen at `attempts`: counts
    /// it and leases it until `lease_until`, so no other node sends it
    /// meanwhile. False when another node claimed it first.
    pub async fn claim_delivery(
        &self,
        id: &str,
        attempts: i64,
        now: f64,
        lease_until: f64,
    ) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query(
                "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $1
                 WHERE id = $2 AND state = $3 AND attempts = $4 AND next_attempt_at <= $5",
            )
            .bind(lease_until)
            .bind(id)
            .bind(STATE_PENDING)
            .bind(attempts)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Records the outcome of the attempt numbered `attempts` (as claimed):
    /// delivered, or failed with the next attempt at `next` (`None`: given up).
    /// Ignored if the lease ran out and another node took the delivery over.
    pub async fn record_attempt(
        &self,
        id: &str,
        attempts: i64,
        outcome: &AttemptOutcome,
        now: f64,
    ) -> Result<bool> {
        let state = match (outcome.delivered, outcome.next) {
            (true, _) => STATE_DELIVERED,
            (false, Some(_)) => STATE_PENDING,
            (false, None) => STATE_FAILED,
        };
        let delivered_at = outcome.delivered.then_some(now);
        let next = if outcome.delivered {
            None
        } else {
            outcome.next
        };
        with_pool!(self, write, pool => {
            let done = sqlx::query(
                "UPDATE webhook_deliveries SET state = $1, last_status = $2, last_error = $3,
                    next_attempt_at = $4, delivered_at = $5
                 WHERE id = $6 AND state = $7 AND attempts = $8",
            )
            .bind(state)
            .bind(outcome.status)
            .bind(&outcome.error)
            .bind(next)
            .bind(delivered_at)
            .bind(id)
            .bind(STATE_PENDING)
            .bind(attempts)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::NewTenant;

    #[tokio::test]
    async fn a_deleted_webhook_takes_its_delivery_log_along() {
        let path =
            std::env::temp_dir().join(format!("kefu-webhooks-{}.db", crate::ids::random_token(8)));
        let store = Store::connect(&format!("sqlite://{}", path.display()))
            .await
            .expect("open a SQLite file");
        let tenant = NewTenant {
            name: "Acme",
            api_key: "key",
            secret_hash: "hash",
            admin_account: "admin",
            admin_password_hash: "hash",
            now: 1.0,
        };
        let (tenant_id, _, _) = store.create_tenant(&tenant).await.expect("tenant");
        let new = NewWebhook {
            tenant_id,
            url: "https://hooks.example.com/a".into(),
            events: "*".into(),
            secret: "whsec_test".into(),
            active: true,
        };
        let id = store
            .insert_webhook(&new, 20, 1.0)
            .await
            .expect("insert")
            .expect("under the limit");
        let delivery = NewDelivery {
            id: "d1".into(),
            event: "message".into(),
            payload: "{}".into(),
        };
        assert!(store
            .enqueue_deliveries(tenant_id, id, 0, 1, &[delivery], 2.0)
            .await
            .expect("enqueue"));
        let (_, logged) = store
            .list_deliveries(tenant_id, id, 10, 0)
            .await
            .expect("log");
        assert_eq!(logged, 1);

        assert!(store.delete_webhook(tenant_id, id).await.expect("delete"));
        let (_, left) = store
            .list_deliveries(tenant_id, id, 10, 0)
            .await
            .expect("log");
        assert_eq!(left, 0, "the log outlived its webhook");
        assert!(!store.delete_webhook(tenant_id, id).await.expect("again"));
        store.close().await;
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
        }
    }
}
