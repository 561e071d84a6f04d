//! Customer satisfaction: the customer rates a finished conversation once
//! (domain::rating has the rules); the rating is a notice in the
//! conversation, so the timeline, the sockets and the webhooks carry it
//! like any other.

use super::messages::message_in;
use super::{Engine, Error, Result, SessionCtx, Unrateable};
use crate::domain::message::{Body, SenderType};
use crate::domain::rating::{may_rate, Rating, RatingError};
use crate::storage::{MessageRow, RatingOutcome};

/// Reads and decides again at most this often when others keep changing
/// the conversation.
const MAX_ATTEMPTS: usize = 8;

impl Engine {
    /// The customer of `question_id` rates it: `score` 1 to 5, an optional
    /// comment. Answers the stored rating notice.
    pub async fn rate(
        &self,
        s: &SessionCtx,
        question_id: &str,
        score: i64,
        comment: &str,
    ) -> Result<MessageRow> {
        let rating = Rating::new(score, comment).map_err(refused)?;
        // Read, let the rule decide, write if nothing changed meanwhile (a
        // reopen, say); else decide again on the fresh state.
        for _ in 0..MAX_ATTEMPTS {
            let question = self.own_question(s, question_id).await?;
            may_rate(question.state()).map_err(refused)?;
            let mut notice = message_in(
                s.tenant_id,
                &question.id,
                (s.user_id.clone(), SenderType::Customer),
                Body::Rating(rating.clone()),
            );
            match self
                .store
                .insert_rating(question.version, &mut notice)
                .await?
            {
                RatingOutcome::Stored => {
                    self.signals.stored(s.tenant_id);
                    return Ok(notice);
                }
                RatingOutcome::AlreadyRated => {
                    return Err(Error::NotRateable(Unrateable::AlreadyRated))
                }
                RatingOutcome::StateChanged => continue,
            }
        }
        Err(Error::Conflict("the question kept changing; retry"))
    }

    /// The rating notice of a question of the caller's tenant, if it has one.
    pub async fn rating_of(&self, tenant_id: i64, question_id: &str) -> Result<Option<MessageRow>> {
        Ok(self.store.rating(tenant_id, question_id).await?)
    }
}

fn refused(e: RatingError) -> Error {
    match e {
        RatingError::Invalid(field, reason) => Error::invalid(field, reason),
        RatingError::NotFinished => Error::NotRateable(Unrateable::NotFinished),
        RatingError::NeverServed => Error::NotRateable(Unrateable::NeverServed),
    }
}
