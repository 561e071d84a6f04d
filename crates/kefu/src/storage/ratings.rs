//! Ratings (CSAT): a notice with a score, one per conversation (the unique
//! index `messages_one_rating` settles two at once).

use super::messages::{decode_message, insert_message, stamp_locked, COLUMNS};
use super::{MessageRow, Result, Store};
use crate::domain::rating::RATED;

/// What storing a rating came to.
#[derive(Debug, PartialEq, Eq)]
pub enum RatingOutcome {
    Stored,
    /// The conversation has its rating already.
    AlreadyRated,
    /// The conversation changed since it was read: decide again.
    StateChanged,
}

impl Store {
    /// Stores the rating notice if the conversation is still at
    /// `expected_version` (compare and swap, as every lifecycle step) and has
    /// no rating yet. The conversation's row is locked first (its version
    /// moves), then the notice takes its id and number, as every notice does.
    pub async fn insert_rating(
        &self,
        expected_version: i64,
        notice: &mut MessageRow,
    ) -> Result<RatingOutcome> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            let locked = sqlx::query(
                "UPDATE conversations SET version = version + 1
                 WHERE tenant_id = $1 AND id = $2 AND version = $3",
            )
            .bind(notice.tenant_id)
            .bind(&notice.conversation_id)
            .bind(expected_version)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if locked == 0 {
                return Ok(RatingOutcome::StateChanged);
            }
            stamp_locked(notice);
            if insert_message!(tx, &*notice)? == 0 {
                // Rolled back: the number taken goes back.
                return Ok(RatingOutcome::AlreadyRated);
            }
            tx.commit().await?;
            Ok(RatingOutcome::Stored)
        })
    }

    /// The rating notice of a conversation, if it has one.
    pub async fn rating(
        &self,
        tenant_id: i64,
        conversation_id: &str,
    ) -> Result<Option<MessageRow>> {
        with_pool!(self, read, pool => {
            let sql = format!(
                "SELECT {COLUMNS} FROM messages
                 WHERE conversation_id = $1 AND tenant_id = $2 AND action = $3"
            );
            let row = sqlx::query(&sql)
                .bind(conversation_id)
                .bind(tenant_id)
                .bind(RATED)
                .fetch_optional(pool)
                .await?;
            row.map(|row| Ok(decode_message!(&row))).transpose()
        })
    }
}
