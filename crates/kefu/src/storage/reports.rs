//! What reports and transcript exports read: the conversations a range of
//! time started (index `conversations_by_start`), each folded with its
//! messages (index `messages_by_conversation`) into one row of facts, the
//! agents' status changes (`agent_status_log`), and a conversation's whole
//! transcript. The work grows with the range asked for, never with the whole
//! history.

use sqlx::Row;

use super::messages::{decode_message, COLUMNS as MESSAGE_COLUMNS};
use super::{MessageRow, Result, Store};
use crate::domain::rating::RATED;
use crate::domain::report::{ConversationFacts, StatusChange};

/// One conversation's facts: its row and aggregates of its messages
/// (kinds 1–3 are chat, 4 notices with action 1 assigned, 4 finished,
/// 5 timed out, 8 rated). Messages join by conversation id alone (ids are
/// unique across tenants): adding the tenant would let SQLite walk the
/// tenant's whole stream (`messages_by_seq`) instead.
pub(super) const FACTS: &str = "
    SELECT c.created_at AS started_at, c.agent_id, c.department_id,
        MIN(CASE WHEN m.kind = 4 AND m.action = 1 THEN m.created_at END) AS assigned_at,
        MIN(CASE WHEN m.kind < 4 AND m.sender_type = 2 THEN m.created_at END) AS first_reply_at,
        MIN(CASE WHEN m.kind = 4 AND m.action = 4 THEN m.created_at END) AS finished_at,
        CAST(COALESCE(MAX(CASE WHEN m.kind = 4 AND m.action = 5 THEN 1 ELSE 0 END), 0) AS BIGINT)
            AS timed_out,
        CAST(COALESCE(SUM(CASE WHEN m.kind < 4 AND m.sender_type = 1 THEN 1 ELSE 0 END), 0) AS BIGINT)
            AS customer_messages,
        CAST(COALESCE(SUM(CASE WHEN m.kind < 4 AND m.sender_type = 2 THEN 1 ELSE 0 END), 0) AS BIGINT)
            AS agent_messages,
        MAX(CASE WHEN m.action = $4 THEN m.rating END) AS rating
    FROM conversations c
    LEFT JOIN messages m ON m.conversation_id = c.id
    WHERE c.tenant_id = $1 AND c.created_at >= $2 AND c.created_at < $3
    GROUP BY c.id, c.created_at, c.agent_id, c.department_id";

impl Store {
    /// The facts of every conversation of the tenant started in `[from, until)`.
    pub async fn report_facts(
        &self,
        tenant_id: i64,
        from: f64,
        until: f64,
    ) -> Result<Vec<ConversationFacts>> {
        with_pool!(self, read, pool => {
            let rows = sqlx::query(FACTS)
                .bind(tenant_id)
                .bind(from)
                .bind(until)
                .bind(RATED)
                .fetch_all(pool)
                .await?;
            rows.iter()
                .map(|row| {
                    Ok(ConversationFacts {
                        started_at: row.try_get("started_at")?,
                        agent_id: row.try_get("agent_id")?,
                        department_id: row.try_get("department_id")?,
                        assigned_at: row.try_get("assigned_at")?,
                        first_reply_at: row.try_get("first_reply_at")?,
                        finished_at: row.try_get("finished_at")?,
                        timed_out: row.try_get::<i64, _>("timed_out")? != 0,
                        customer_messages: row.try_get("customer_messages")?,
                        agent_messages: row.try_get("agent_messages")?,
                        rating: row.try_get("rating")?,
                    })
                })
                .collect()
        })
    }

    /// The agents accepting work at `at`: each agent's last status change
    /// before it (one index lookup per agent of the tenant).
    pub async fn accepting_at(&self, tenant_id: i64, at: f64) -> Result<Vec<i64>> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar(
                "SELECT a.id FROM agents a
                 WHERE a.tenant_id = $1 AND 1 = (
                     SELECT l.accepting FROM agent_status_log l
                     WHERE l.tenant_id = a.tenant_id AND l.agent_id = a.id AND l.at < $2
                     ORDER BY l.at DESC LIMIT 1)",
            )
            .bind(tenant_id)
            .bind(at)
            .fetch_all(pool)
            .await
        })
    }

    /// The status changes of the tenant's agents in `[from, until)`, in time order.
    pub async fn status_changes(
        &self,
        tenant_id: i64,
        from: f64,
        until: f64,
    ) -> Result<Vec<StatusChange>> {
        with_pool!(self, read, pool => {
            let rows = sqlx::query(
                "SELECT agent_id, accepting, at FROM agent_status_log
                 WHERE tenant_id = $1 AND at >= $2 AND at < $3 ORDER BY at",
            )
            .bind(tenant_id)
            .bind(from)
            .bind(until)
            .fetch_all(pool)
            .await?;
            rows.iter()
                .map(|row| {
                    Ok(StatusChange {
                        agent_id: row.try_get("agent_id")?,
                        accepting: row.try_get::<i64, _>("accepting")? != 0,
                        at: row.try_get("at")?,
                    })
                })
                .collect()
        })
    }

    /// Every message of a conversation, oldest first.
    pub async fn transcript(
        &self,
        tenant_id: i64,
        conversation_id: &str,
    ) -> Result<Vec<MessageRow>> {
        with_pool!(self, read, pool => {
            let sql = format!(
                "SELECT {MESSAGE_COLUMNS} FROM messages
                 WHERE conversation_id = $1 AND tenant_id = $2 ORDER BY seq, id"
            );
            let rows = sqlx::query(&sql)
                .bind(conversation_id)
                .bind(tenant_id)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|row| Ok(decode_message!(row))).collect()
        })
    }
}
