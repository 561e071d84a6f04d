//! Conversations (seed 003 questions, seed 001 rooms) and their lists.

use sqlx::QueryBuilder;

use super::messages::MessageRow;
use super::{Result, Store};
use crate::domain::conversation::{State, Status};
use crate::domain::paging::PageRequest;

/// One compare-and-swap step of a conversation: its next state, written
/// only if it is still at `expected_version`, and the notice recording it.
#[derive(Clone, Debug)]
pub struct Transition {
    pub tenant_id: i64,
    pub conversation_id: String,
    pub expected_version: i64,
    pub next: State,
    /// When it times out (written as given: None when it is not waiting).
    pub deadline: Option<f64>,
    /// Moves it to this department (transfers); None keeps its department.
    pub department_id: Option<i64>,
    /// Records the agent who quit it (None keeps the record; serving again
    /// forgets it).
    pub left_by: Option<i64>,
    pub notice: MessageRow,
}

/// Writes the conversation side of `$t: &Transition` on `$conn` (a
/// transaction), not its notice; evaluates to whether the conversation was
/// still at the expected version. A round of several steps updates every
/// conversation first and inserts the notices after (see `insert_message!`).
macro_rules! update_conversation {
    ($conn:expr, $t:expr) => {{
        let t: &$crate::storage::Transition = $t;
        sqlx::query(
            "UPDATE conversations SET status = $1, agent_id = $2, deadline = $3,
                department_id = COALESCE($4, department_id), version = version + 1,
                updated_at = $5,
                left_by = CASE WHEN $1 = $10 THEN NULL ELSE COALESCE($9, left_by) END
             WHERE tenant_id = $6 AND id = $7 AND version = $8",
        )
        .bind(t.next.status.code())
        .bind(t.next.agent)
        .bind(t.deadline)
        .bind(t.department_id)
        .bind(t.notice.created_at)
        .bind(t.tenant_id)
        .bind(&t.conversation_id)
        .bind(t.expected_version)
        .bind(t.left_by)
        .bind($crate::domain::conversation::Status::Serving.code())
        .execute(&mut *$conn)
        .await
        .map(|done| done.rows_affected() == 1)
    }};
}
pub(super) use update_conversation;

#[derive(Clone, Debug)]
pub struct ConversationRow {
    pub id: String,
    pub tenant_id: i64,
    pub identify: Option<String>,
    pub customer_id: String,
    pub title: String,
    pub labels: String,
    pub status: i64,
    pub agent_id: Option<i64>,
    pub version: i64,
    pub created_at: f64,
    /// The department it is routed in (None: any agent).
    pub department_id: Option<i64>,
    /// Set for pushed conversations (seed 001): their place in the queue.
    pub queue_seq: Option<i64>,
    /// When it times out if still waiting.
    pub deadline: Option<f64>,
}

impl ConversationRow {
    /// The state the domain rules decide on. A status the code does not know
    /// cannot be stored (the domain writes it), so Waiting is only a fallback.
    pub fn state(&self) -> State {
        State {
            status: Status::from_code(self.status).unwrap_or(Status::Waiting),
            agent: self.agent_id,
        }
    }
}

/// One line of a question list, with its customer, agent and last chat message.
#[derive(Clone, Debug)]
pub struct ConversationSummary {
    pub id: String,
    pub title: String,
    pub status: i64,
    pub created_at: f64,
    pub user_id: String,
    pub user_name: String,
    pub avatar_url: String,
    /// The serving (or last) agent's account, seed 003 `serv_id`.
    pub serv_id: Option<String>,
    pub last_kind: Option<i64>,
    pub last_text: Option<String>,
    pub last_sender: Option<String>,
    pub last_sender_type: Option<i64>,
    pub last_at: Option<f64>,
}

/// Which conversations a list shows.
#[derive(Clone, Debug)]
pub enum Scope {
    /// The tenant's pending pool (status 1).
    Pending,
    /// What an agent is serving (status 2).
    AgentTasks { agent_id: i64 },
    /// A customer's conversations, of one status or all.
    Customer {
        customer_id: String,
        status: Option<Status>,
    },
}

#[derive(Clone, Debug)]
pub struct ConversationFilter {
    pub tenant_id: i64,
    pub scope: Scope,
    pub identify: Option<String>,
    pub label: Option<String>,
}

const COLUMNS: &str = "id, tenant_id, identify, customer_id, title, labels, status, agent_id, \
    version, created_at, department_id, queue_seq, deadline";

macro_rules! decode_conversation {
    ($row:expr) => {
        decode!($row => ConversationRow {
            id, tenant_id, identify, customer_id, title, labels, status, agent_id, version,
            created_at, department_id, queue_seq, deadline
        })
    };
}

/// One multi-row INSERT of new conversations (`updated_at` = `created_at`).
/// `rows` is not empty.
pub(super) fn insert_conversations<'a, DB>(rows: &[&ConversationRow]) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<String>: sqlx::Encode<'a, DB>,
    Option<i64>: sqlx::Encode<'a, DB>,
    Option<f64>: sqlx::Encode<'a, DB>,
{
    let mut q = QueryBuilder::new(
        "INSERT INTO conversations
         (id, tenant_id, identify, customer_id, title, labels, status, agent_id, version,
          created_at, updated_at, department_id, queue_seq, deadline) ",
    );
    q.push_values(rows, |mut b, row| {
        b.push_bind(row.id.clone())
            .push_bind(row.tenant_id)
            .push_bind(row.identify.clone())
            .push_bind(row.customer_id.clone())
            .push_bind(row.title.clone())
            .push_bind(row.labels.clone())
            .push_bind(row.status)
            .push_bind(row.agent_id)
            .push_bind(row.version)
            .push_bind(row.created_at)
            .push_bind(row.created_at)
            .push_bind(row.department_id)
            .push_bind(row.queue_seq)
            .push_bind(row.deadline);
    });
    q
}

impl Store {
    /// Stores a new waiting conversation with its labels.
    pub async fn insert_conversation(
        &self,
        row: &ConversationRow,
        labels: &[String],
    ) -> Result<()> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            insert_conversations(&[row]).build().execute(&mut *tx).await?;
            for label in labels {
                sqlx::query(
                    "INSERT INTO conversation_labels (conversation_id, tenant_id, label)
                     VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                )
                .bind(&row.id)
                .bind(row.tenant_id)
                .bind(label)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
            Ok(())
        })
    }

    pub async fn conversation(&self, tenant_id: i64, id: &str) -> Result<Option<ConversationRow>> {
        with_pool!(self, read, pool => {
            let sql = format!("SELECT {COLUMNS} FROM conversations WHERE tenant_id = $1 AND id = $2");
            let row = sqlx::query(&sql).bind(tenant_id).bind(id).fetch_optional(pool).await?;
            row.map(|row| Ok(decode_conversation!(&row))).transpose()
        })
    }

    /// Up to `limit` conversations of the tenant started in `[from, until)`,
    /// oldest first (ids are time-ordered), after the id `after` (a
    /// transcript export's cursor).
    pub async fn conversations_started(
        &self,
        tenant_id: i64,
        from: f64,
        until: f64,
        after: Option<&str>,
        limit: i64,
    ) -> Result<Vec<ConversationRow>> {
        with_pool!(self, read, pool => {
            let sql = format!(
                "SELECT {COLUMNS} FROM conversations
                 WHERE tenant_id = $1 AND created_at >= $2 AND created_at < $3 AND id > $4
                 ORDER BY id LIMIT $5"
            );
            let rows = sqlx::query(&sql)
                .bind(tenant_id)
                .bind(from)
                .bind(until)
                .bind(after.unwrap_or(""))
                .bind(limit)
                .fetch_all(pool)
                .await?;
            rows.iter().map(|row| Ok(decode_conversation!(row))).collect()
        })
    }

    /// Moves the conversation to `next` and records the notice, but only if
    /// nobody changed it since it was read at `expected_version` (compare and
    /// swap). Returns false when it changed: the caller re-reads and decides
    /// again. The notice is stamped anew once the conversation is locked (see
    /// [`stamp_locked`](super::messages::stamp_locked)).
    pub async fn apply_transition(&self, t: &mut Transition) -> Result<bool> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            let applied = update_conversation!(tx, t)?;
            if applied {
                super::messages::stamp_locked(&mut t.notice);
                super::messages::insert_message!(tx, &t.notice)?;
                tx.commit().await?;
            }
            Ok(applied)
        })
    }

    /// One page of a question list. Keyset paging on the time-ordered id keeps
    /// every page an index range scan, however long the list.
    pub async fn list_conversations(
        &self,
        filter: &ConversationFilter,
        page: &PageRequest,
    ) -> Result<Vec<ConversationSummary>> {
        with_pool!(self, read, pool => {
            let rows = list_query(filter, page).build().fetch_all(pool).await?;
            rows.iter()
                .map(|row| {
                    Ok(decode!(row => ConversationSummary {
                        id, title, status, created_at, user_id, user_name, avatar_url, serv_id,
                        last_kind, last_text, last_sender, last_sender_type, last_at
                    }))
                })
                .collect()
        })
    }

    /// How many conversations (seed 001 groups) the customer has had.
    pub async fn customer_conversation_count(
        &self,
        tenant_id: i64,
        customer_id: &str,
    ) -> Result<i64> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE tenant_id = $1 AND customer_id = $2")
                .bind(tenant_id)
                .bind(customer_id)
                .fetch_one(pool)
                .await
        })
    }
}

/// The SQL of one page of a question list, for either backend.
pub(super) fn list_query<'a, DB>(
    filter: &ConversationFilter,
    page: &PageRequest,
) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut q = QueryBuilder::new(
        "SELECT c.id, c.title, c.status, c.created_at,
                cu.user_id, cu.name AS user_name, cu.avatar_url,
                a.account AS serv_id,
                m.kind AS last_kind, m.text AS last_text, m.sender AS last_sender,
                m.sender_type AS last_sender_type, m.created_at AS last_at
         FROM conversations c
         JOIN customers cu ON cu.id = c.customer_id
         LEFT JOIN agents a ON a.id = c.agent_id
         LEFT JOIN messages m ON m.id = c.last_message_id
         WHERE c.tenant_id = ",
    );
    q.push_bind(filter.tenant_id);
    match &filter.scope {
        Scope::Pending => {
            q.push(" AND c.status = ").push_bind(Status::Waiting.code());
        }
        Scope::AgentTasks { agent_id } => {
            q.push(" AND c.agent_id = ").push_bind(*agent_id);
            q.push(" AND c.status = ").push_bind(Status::Serving.code());
        }
        Scope::Customer {
            customer_id,
            status,
        } => {
            q.push(" AND c.customer_id = ")
                .push_bind(customer_id.clone());
            if let Some(status) = status {
                q.push(" AND c.status = ").push_bind(status.code());
            }
        }
    }
    if let Some(identify) = &filter.identify {
        // For an agent's or a customer's list, their own index is far more
        // selective than the app's; the expression keeps a planner without
        // statistics from choosing the app index instead.
        q.push(match filter.scope {
            Scope::Pending => " AND c.identify = ",
            _ => " AND COALESCE(c.identify, '') = ",
        })
        .push_bind(identify.clone());
    }
    if let Some(label) = &filter.label {
        q.push(" AND c.id IN (SELECT conversation_id FROM conversation_labels WHERE tenant_id = ")
            .push_bind(filter.tenant_id)
            .push(" AND label = ")
            .push_bind(label.clone())
            .push(")");
    }
    push_page!(q, "c.id", page);
    q
}
