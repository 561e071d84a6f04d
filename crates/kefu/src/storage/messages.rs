//! Messages: the chat history of a conversation, in id (= time) order.

use sqlx::QueryBuilder;

use super::group_commit::Fate;
use super::{Result, Store};
use crate::domain::paging::PageRequest;

#[derive(Clone, Debug, PartialEq)]
pub struct MessageRow {
    pub id: String,
    pub tenant_id: i64,
    pub conversation_id: String,
    pub sender: String,
    pub sender_type: i64,
    pub kind: i64,
    pub text: Option<String>,
    pub media_path: Option<String>,
    pub audio_len: Option<i64>,
    pub action: Option<i64>,
    /// A rating notice's score, 1 to 5.
    pub rating: Option<i64>,
    pub client_msg_id: Option<String>,
    pub created_at: f64,
    /// Its number in the tenant's stream of stored messages (the sockets'
    /// cursor); 0 until stored.
    pub seq: i64,
}

/// What storing a chat message came to.
#[derive(Debug)]
pub enum InsertOutcome {
    Stored,
    /// The client already sent a message with this client id: that one.
    Duplicate(Box<MessageRow>),
    /// The conversation changed since it was read: decide again.
    StateChanged,
}

pub(super) const COLUMNS: &str =
    "id, tenant_id, conversation_id, sender, sender_type, kind, text, media_path, \
                       audio_len, action, rating, client_msg_id, created_at, seq";

macro_rules! decode_message {
    ($row:expr) => {
        decode!($row => MessageRow {
            id, tenant_id, conversation_id, sender, sender_type, kind, text, media_path,
            audio_len, action, rating, client_msg_id, created_at, seq
        })
    };
}

/// Takes the next `$count` numbers of tenant `$tenant_id`'s message stream on
/// `$conn`, the caller's transaction (the counter row stays locked until
/// commit: see migrations/*/0004_realtime.sql); evaluates to the first.
macro_rules! take_seqs {
    ($conn:expr, $tenant_id:expr, $count:expr) => {{
        let count: i64 = $count;
        sqlx::query_scalar::<_, i64>(
            "INSERT INTO event_seqs (tenant_id, seq) VALUES ($1, $2)
             ON CONFLICT (tenant_id) DO UPDATE SET seq = event_seqs.seq + $2
             RETURNING seq",
        )
        .bind($tenant_id)
        .bind(count)
        .fetch_one(&mut *$conn)
        .await
        .map(|last| last - count + 1)
    }};
}
pub(super) use take_seqs;

/// Inserts one message (`$m: &MessageRow`) on `$conn`, the caller's
/// transaction, numbered with the tenant's next message number (see
/// migrations/*/0004_realtime.sql: taking it locks the tenant's counter until
/// commit, so numbers follow commit order). Evaluates to the number of rows
/// stored (0 for a duplicate, whose caller must roll back to give the number
/// back). Take it after every conversation row the transaction updates: rows
/// are locked in the order tenant, conversations, counter, never the reverse.
macro_rules! insert_message {
    ($conn:expr, $m:expr) => {{
        let m: &$crate::storage::MessageRow = $m;
        let seq = $crate::storage::messages::take_seqs!($conn, m.tenant_id, 1)?;
        sqlx::query(
            "INSERT INTO messages
             (id, tenant_id, conversation_id, sender, sender_type, kind, text, media_path,
              audio_len, action, rating, client_msg_id, created_at, seq)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
             ON CONFLICT DO NOTHING",
        )
        .bind(&m.id)
        .bind(m.tenant_id)
        .bind(&m.conversation_id)
        .bind(&m.sender)
        .bind(m.sender_type)
        .bind(m.kind)
        .bind(&m.text)
        .bind(&m.media_path)
        .bind(m.audio_len)
        .bind(m.action)
        .bind(m.rating)
        .bind(&m.client_msg_id)
        .bind(m.created_at)
        .bind(seq)
        .execute(&mut *$conn)
        .await
        .map(|done| done.rows_affected())
    }};
}
pub(super) use decode_message;

/// One multi-row INSERT of messages numbered already (`insert_message!`'s
/// columns); callers add a conflict clause if they need one.
pub(super) fn insert_messages<'a, DB>(
    rows: impl IntoIterator<Item = &'a MessageRow>,
) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<&'a str>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    Option<i64>: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut q = QueryBuilder::new(format!("INSERT INTO messages ({COLUMNS}) "));
    q.push_values(rows, |mut b, m| {
        b.push_bind(m.id.as_str())
            .push_bind(m.tenant_id)
            .push_bind(m.conversation_id.as_str())
            .push_bind(m.sender.as_str())
            .push_bind(m.sender_type)
            .push_bind(m.kind)
            .push_bind(m.text.as_deref())
            .push_bind(m.media_path.as_deref())
            .push_bind(m.audio_len)
            .push_bind(m.action)
            .push_bind(m.rating)
            .push_bind(m.client_msg_id.as_deref())
            .push_bind(m.created_at)
            .push_bind(m.seq);
    });
    q
}

/// Gives a notice its id and time once its conversation row is locked in the
/// writing transaction. Ids order a history, so a notice must be newer than
/// every message stored before it: a chat message that commits first took its
/// id before that (an earlier id), one that comes after finds the version
/// changed and is decided again with a new id (see `Engine::send`).
pub(super) fn stamp_locked(notice: &mut MessageRow) {
    notice.id = crate::ids::new_id();
    notice.created_at = crate::ids::now();
}
pub(super) use insert_message;

impl Store {
    /// Stores a chat message if the conversation is still at `expected_version`,
    /// and makes it the conversation's last message. A message whose client id
    /// was already stored in this conversation is not stored again (the caller
    /// looks for it first; this settles concurrent retries).
    pub async fn insert_chat_message(
        &self,
        expected_version: i64,
        m: &MessageRow,
    ) -> Result<InsertOutcome> {
        let outcome = match self.messages.store(expected_version, m).await {
            Fate::Stored => InsertOutcome::Stored,
            Fate::StateChanged => InsertOutcome::StateChanged,
            Fate::Alone => self.insert_one_message(expected_version, m).await?,
        };
        if matches!(outcome, InsertOutcome::Stored) {
            self.metrics.messages_stored(1);
        }
        Ok(outcome)
    }

    /// [`Self::insert_chat_message`] in a transaction of its own.
    async fn insert_one_message(
        &self,
        expected_version: i64,
        m: &MessageRow,
    ) -> Result<InsertOutcome> {
        let stored = with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            // Locks the conversation row (PostgreSQL) so that a concurrent quit or
            // finish cannot slip between this check and the insert.
            let done = sqlx::query(
                "UPDATE conversations SET
                    last_message_id = CASE WHEN last_message_id IS NULL OR last_message_id < $1
                                           THEN $1 ELSE last_message_id END,
                    updated_at = $2
                 WHERE tenant_id = $3 AND id = $4 AND version = $5",
            )
            .bind(&m.id)
            .bind(m.created_at)
            .bind(m.tenant_id)
            .bind(&m.conversation_id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?;
            if done.rows_affected() == 0 {
                return Ok(InsertOutcome::StateChanged);
            }
            let inserted = insert_message!(tx, m)? == 1;
            // A duplicate must not leave the conversation pointing at it.
            if inserted {
                tx.commit().await?;
            }
            inserted
        });
        if stored {
            return Ok(InsertOutcome::Stored);
        }
        // A concurrent retry with the same client id won the race.
        let client_msg_id = m.client_msg_id.as_deref().unwrap_or_default();
        match self
            .message_by_client_id(m.tenant_id, &m.conversation_id, client_msg_id)
            .await?
        {
            Some(existing) => Ok(InsertOutcome::Duplicate(Box::new(existing))),
            None => Err(sqlx::Error::RowNotFound),
        }
    }

    /// The message a client already sent with this id in this conversation.
    pub async fn message_by_client_id(
        &self,
        tenant_id: i64,
        conversation_id: &str,
        client_msg_id: &str,
    ) -> Result<Option<MessageRow>> {
        with_pool!(self, read, pool => {
            let sql = format!(
                "SELECT {COLUMNS} FROM messages
                 WHERE tenant_id = $1 AND conversation_id = $2 AND client_msg_id = $3"
            );
            let row = sqlx::query(&sql)
                .bind(tenant_id)
                .bind(conversation_id)
                .bind(client_msg_id)
                .fetch_optional(pool)
                .await?;
            row.map(|row| Ok(decode_message!(&row))).transpose()
        })
    }

    /// One page of a conversation's history.
    pub async fn list_messages(
        &self,
        tenant_id: i64,
        conversation_id: &str,
        page: &PageRequest,
    ) -> Result<Vec<MessageRow>> {
        with_pool!(self, read, pool => {
            // The cursor's place in commit order (one probe by primary key).
            // A cursor that names no message of the conversation has nothing
            // after (or before) it.
            let cursor = match &page.cursor {
                Some(cursor) => {
                    let seq: Option<i64> = sqlx::query_scalar(
                        "SELECT seq FROM messages WHERE id = $1 AND tenant_id = $2 AND conversation_id = $3",
                    )
                    .bind(cursor.as_str())
                    .bind(tenant_id)
                    .bind(conversation_id)
                    .fetch_optional(pool)
                    .await?;
                    match seq {
                        Some(seq) => Some((seq, cursor.as_str().to_owned())),
                        None => return Ok(Vec::new()),
                    }
                }
                None => None,
            };
            let rows = history_query(tenant_id, conversation_id, page, cursor)
                .build()
                .fetch_all(pool)
                .await?;
            rows.iter().map(|row| Ok(decode_message!(row))).collect()
        })
    }
}

/// The SQL of one page of a conversation's history, for either backend, in
/// commit order (`seq`, then `id` for messages from before 0004; see
/// migration 0007): the order sockets deliver in. `cursor` is the cursor
/// message's `seq` and id; the page's own cursor is not read.
pub(super) fn history_query<'a, DB>(
    tenant_id: i64,
    conversation_id: &str,
    page: &PageRequest,
    cursor: Option<(i64, String)>,
) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    use crate::domain::paging::Order;
    let mut q = QueryBuilder::new(format!("SELECT {COLUMNS} FROM messages WHERE tenant_id = "));
    q.push_bind(tenant_id);
    q.push(" AND conversation_id = ")
        .push_bind(conversation_id.to_owned());
    let (after, direction) = match page.order {
        Order::OldestFirst => (">", "ASC"),
        Order::NewestFirst => ("<", "DESC"),
    };
    if let Some((seq, id)) = cursor {
        q.push(format!(" AND (seq, id) {after} ("))
            .push_bind(seq)
            .push(", ")
            .push_bind(id)
            .push(")");
    }
    q.push(format!(" ORDER BY seq {direction}, id {direction}"));
    q.push(" LIMIT ").push_bind(i64::from(page.limit));
    q.push(" OFFSET ").push_bind(i64::from(page.offset));
    q
}

impl Store {
    /// Deletes a conversation's messages (seed 001 shutdown without transcripts).
    pub async fn delete_messages(&self, tenant_id: i64, conversation_id: &str) -> Result<u64> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("UPDATE conversations SET last_message_id = NULL WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(conversation_id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM messages WHERE tenant_id = $1 AND conversation_id = $2")
                .bind(tenant_id)
                .bind(conversation_id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(done.rows_affected())
        })
    }

    /// Messages whose media still have an old-layout name (no tenant
    /// folder): (tenant, message id, path), at most `limit`.
    pub async fn legacy_media(&self, limit: i64) -> Result<Vec<(i64, String, String)>> {
        with_pool!(self, read, pool => {
            sqlx::query_as(
                "SELECT tenant_id, id, media_path FROM messages
                 WHERE media_path IS NOT NULL AND media_path NOT LIKE '%/%' LIMIT $1",
            )
            .bind(limit)
            .fetch_all(pool)
            .await
        })
    }

    /// Points a message at its moved media file, if it still points at `from`.
    pub async fn move_media(&self, tenant_id: i64, id: &str, from: &str, to: &str) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query(
                "UPDATE messages SET media_path = $1
                 WHERE tenant_id = $2 AND id = $3 AND media_path = $4",
            )
            .bind(to)
            .bind(tenant_id)
            .bind(id)
            .bind(from)
            .execute(pool)
            .await?;
            Ok(done.rows_affected() == 1)
        })
    }
}
