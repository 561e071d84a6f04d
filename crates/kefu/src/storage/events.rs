//! The tenant's stream of stored messages, by number (`messages.seq`): what
//! sockets replay after a reconnect and what every node reads to fan out.

use super::messages::{decode_message, MessageRow, COLUMNS};
use super::{Result, Store};

/// A stored message with who it reaches.
#[derive(Clone, Debug)]
pub struct StoredEvent {
    pub message: MessageRow,
    /// The conversation's customer.
    pub customer_id: String,
    /// The conversation's agent now (serving, or the last one).
    pub agent_id: Option<i64>,
}

/// Whose messages a replay selects.
#[derive(Clone, Debug)]
pub enum Reader {
    /// Every message of the tenant (fan-out, webhooks).
    Tenant,
    /// The messages of this customer's conversations.
    Customer(String),
    /// The messages of the conversations this agent serves (or served last).
    Agent(i64),
}

impl Store {
    /// This installation's id, made at first call (every node of one
    /// installation shares the database, so they read the same one).
    pub async fn installation_id(&self) -> Result<String> {
        let fresh = crate::ids::random_token(16);
        with_pool!(self, write, pool => {
            sqlx::query(
                "INSERT INTO installation (singleton, id) VALUES (1, $1)
                 ON CONFLICT (singleton) DO NOTHING",
            )
            .bind(&fresh)
            .execute(pool)
            .await?;
            sqlx::query_scalar("SELECT id FROM installation WHERE singleton = 1")
                .fetch_one(pool)
                .await
        })
    }

    /// The tenant's last message number (0 before its first message).
    pub async fn last_seq(&self, tenant_id: i64) -> Result<i64> {
        with_pool!(self, read, pool => {
            let seq: Option<i64> = sqlx::query_scalar("SELECT seq FROM event_seqs WHERE tenant_id = $1")
                .bind(tenant_id)
                .fetch_optional(pool)
                .await?;
            Ok(seq.unwrap_or(0))
        })
    }

    /// Up to `limit` of the tenant's messages numbered after `after`, in
    /// number order, that `reader` may see. Messages numbered but deleted
    /// since (seed 001 shutdown without transcript) are simply absent.
    pub async fn stored_after(
        &self,
        tenant_id: i64,
        after: i64,
        reader: &Reader,
        limit: i64,
    ) -> Result<Vec<StoredEvent>> {
        let columns = COLUMNS
            .split(", ")
            .map(|c| format!("m.{}", c.trim()))
            .collect::<Vec<_>>()
            .join(", ");
        let filter = match reader {
            Reader::Tenant => "",
            Reader::Customer(_) => " AND c.customer_id = $4",
            Reader::Agent(_) => " AND c.agent_id = $4",
        };
        let sql = format!(
            "SELECT {columns}, c.customer_id AS conversation_customer, c.agent_id AS conversation_agent
             FROM messages m JOIN conversations c ON c.tenant_id = m.tenant_id AND c.id = m.conversation_id
             WHERE m.tenant_id = $1 AND m.seq > $2{filter}
             ORDER BY m.seq LIMIT $3"
        );
        with_pool!(self, read, pool => {
            let mut q = sqlx::query(&sql).bind(tenant_id).bind(after).bind(limit);
            q = match reader {
                Reader::Tenant => q,
                Reader::Customer(id) => q.bind(id.clone()),
                Reader::Agent(id) => q.bind(*id),
            };
            let rows = q.fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    Ok(StoredEvent {
                        message: decode_message!(row),
                        customer_id: sqlx::Row::try_get(row, "conversation_customer")?,
                        agent_id: sqlx::Row::try_get(row, "conversation_agent")?,
                    })
                })
                .collect()
        })
    }
}
