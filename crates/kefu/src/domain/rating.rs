//! Customer satisfaction (CSAT): a customer rates a finished conversation
//! that an agent served, 1 to 5 with an optional comment, once. The rating
//! is stored as a notice (seed 003 `type` 4) with its own action.

use super::conversation::{State, Status};

/// The notice action of a rating (seed 003 uses 1 to 7 for the lifecycle).
pub const RATED: i64 = 8;
/// Longest comment, in characters.
pub const MAX_COMMENT_CHARS: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rating {
    pub score: i64,
    pub comment: String,
}

/// Why a rating is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum RatingError {
    /// `field` and what is wrong with it.
    Invalid(&'static str, &'static str),
    /// The conversation is not finished yet.
    NotFinished,
    /// No agent served it (it timed out in the queue): nothing to rate.
    NeverServed,
}

impl Rating {
    /// A rating as the customer sends it: a whole score 1 to 5, a comment of
    /// at most [`MAX_COMMENT_CHARS`] (trimmed; empty is none).
    pub fn new(score: i64, comment: &str) -> Result<Self, RatingError> {
        if !(1..=5).contains(&score) {
            return Err(RatingError::Invalid(
                "score",
                "score must be 1, 2, 3, 4 or 5",
            ));
        }
        let comment = comment.trim();
        if comment.chars().count() > MAX_COMMENT_CHARS {
            return Err(RatingError::Invalid(
                "comment",
                "comment must be at most 500 characters",
            ));
        }
        Ok(Self {
            score,
            comment: comment.to_owned(),
        })
    }
}

/// Whether a conversation in `state` may be rated: finished with an agent
/// (a finished conversation keeps the agent who served it; a timed-out one
/// has none).
pub fn may_rate(state: State) -> Result<(), RatingError> {
    match (state.status, state.agent) {
        (Status::Finished, Some(_)) => Ok(()),
        (Status::Finished, None) => Err(RatingError::NeverServed),
        _ => Err(RatingError::NotFinished),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_score_is_one_to_five_and_a_comment_is_short() {
        assert_eq!(Rating::new(5, "  很好 ").unwrap().comment, "很好");
        assert_eq!(Rating::new(1, "").unwrap().score, 1);
        for bad in [0, 6, -1] {
            assert!(matches!(
                Rating::new(bad, ""),
                Err(RatingError::Invalid("score", _))
            ));
        }
        let long = "好".repeat(501);
        assert!(matches!(
            Rating::new(3, &long),
            Err(RatingError::Invalid("comment", _))
        ));
        assert!(Rating::new(3, &"好".repeat(500)).is_ok());
    }

    #[test]
    fn only_a_served_and_finished_conversation_is_rated() {
        let state = |status, agent| State { status, agent };
        assert_eq!(may_rate(state(Status::Finished, Some(3))), Ok(()));
        assert_eq!(
            may_rate(state(Status::Finished, None)),
            Err(RatingError::NeverServed)
        );
        assert_eq!(
            may_rate(state(Status::Serving, Some(3))),
            Err(RatingError::NotFinished)
        );
        assert_eq!(
            may_rate(state(Status::Waiting, None)),
            Err(RatingError::NotFinished)
        );
    }
}
