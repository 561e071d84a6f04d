//! The one conversation lifecycle shared by every dialect (PRODUCT.md "Lifecycle").
//!
//! The storage layer applies a [`Transition`] with a compare-and-swap on the
//! conversation's version, so these rules decide and storage only enforces that
//! nothing changed in between.

use super::AgentId;

/// Seed 003 question status: 1 待解决, 2 解决中, 3 已解决.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Status {
    Waiting = 1,
    Serving = 2,
    Finished = 3,
}

impl Status {
    pub fn code(self) -> i64 {
        self as i64
    }

    pub fn from_code(code: i64) -> Option<Self> {
        match code {
            1 => Some(Self::Waiting),
            2 => Some(Self::Serving),
            3 => Some(Self::Finished),
            _ => None,
        }
    }
}

/// Notice message actions (seed 003 message type 4; 7 is kefu's addition).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Notice {
    AgentStarted = 1,
    AgentQuit = 2,
    FinishRequested = 3,
    Finished = 4,
    TimedOut = 5,
    Reopened = 6,
    Transferred = 7,
}

impl Notice {
    pub fn code(self) -> i64 {
        self as i64
    }
}

/// Who acts on a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Actor {
    Customer,
    Agent(AgentId),
    System,
}

/// The part of a conversation the rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct State {
    pub status: Status,
    pub agent: Option<AgentId>,
}

impl State {
    pub const NEW: State = State {
        status: Status::Waiting,
        agent: None,
    };
}

/// What someone asks to do to a conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command {
    /// An agent takes a waiting conversation (seed 003 `serve`).
    Claim { agent: AgentId },
    /// The serving agent hands the conversation back to the pool.
    Quit { agent: AgentId },
    /// The serving agent asks the customer whether it may finish (notice 3).
    RequestFinish { agent: AgentId },
    /// The serving agent, or the customer, closes the conversation.
    Finish { by: Actor },
    /// The customer reopens a finished conversation; `agent_available` says whether
    /// the agent who last served it can still work.
    Reopen { agent_available: bool },
    /// The conversation waited longer than the tenant allows.
    TimeOut,
    /// The conversation moves to another agent, history kept.
    Transfer { to: AgentId },
}

/// Why a command is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RuleError {
    #[error("the question is already being served by an agent")]
    AlreadyServed,
    #[error("the question is finished")]
    Finished,
    #[error("the question is not being served yet")]
    NotServing,
    #[error("the question is served by another agent")]
    ServedByAnother,
    #[error("only a finished question can be reopened")]
    NotFinished,
    #[error("only a waiting question can time out")]
    NotWaiting,
    #[error("the question is already served by that agent")]
    SameAgent,
}

/// The outcome of an accepted command: the next state and the notice to record.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transition {
    pub next: State,
    pub notice: Notice,
}

/// Decides whether `command` may run in `state`, and what follows.
///
/// `last_agent` is the agent who served the conversation before it finished
/// (kept in `state.agent` for finished conversations), used by reopen.
pub fn decide(state: State, command: Command) -> Result<Transition, RuleError> {
    use Status::*;
    let to = |status, agent, notice| Transition {
        next: State { status, agent },
        notice,
    };
    match command {
        Command::Claim { agent } => match state.status {
            Waiting => Ok(to(Serving, Some(agent), Notice::AgentStarted)),
            Serving => Err(RuleError::AlreadyServed),
            Finished => Err(RuleError::Finished),
        },
        Command::Quit { agent } => {
            serving_agent_only(state, agent)?;
            Ok(to(Waiting, None, Notice::AgentQuit))
        }
        Command::RequestFinish { agent } => {
            serving_agent_only(state, agent)?;
            Ok(Transition {
                next: state,
                notice: Notice::FinishRequested,
            })
        }
        Command::Finish { by } => {
            match by {
                Actor::Agent(agent) => serving_agent_only(state, agent)?,
                Actor::Customer | Actor::System if state.status == Finished => {
                    return Err(RuleError::Finished)
                }
                Actor::Customer | Actor::System => {}
            }
            // The agent stays recorded so that a reopen can go back to them.
            Ok(to(Finished, state.agent, Notice::Finished))
        }
        Command::Reopen { agent_available } => match (state.status, state.agent) {
            (Finished, Some(agent)) if agent_available => {
                Ok(to(Serving, Some(agent), Notice::Reopened))
            }
            (Finished, _) => Ok(to(Waiting, None, Notice::Reopened)),
            _ => Err(RuleError::NotFinished),
        },
        Command::TimeOut => match state.status {
            Waiting => Ok(to(Finished, None, Notice::TimedOut)),
            _ => Err(RuleError::NotWaiting),
        },
        Command::Transfer { to: agent } => match state.status {
            Finished => Err(RuleError::Finished),
            _ if state.agent == Some(agent) => Err(RuleError::SameAgent),
            _ => Ok(to(Serving, Some(agent), Notice::Transferred)),
        },
    }
}

/// Whether `sender` may post a chat message in `state`: customers until the
/// conversation is finished, agents only while they serve it.
pub fn may_send(state: State, sender: Actor) -> Result<(), RuleError> {
    match sender {
        Actor::Agent(agent) => serving_agent_only(state, agent),
        Actor::Customer | Actor::System => match state.status {
            Status::Finished => Err(RuleError::Finished),
            _ => Ok(()),
        },
    }
}

/// Whether `agent` serves the conversation now (what only its serving
/// agent may do: send, hand it over).
pub fn serving_agent_only(state: State, agent: AgentId) -> Result<(), RuleError> {
    match (state.status, state.agent) {
        (Status::Finished, _) => Err(RuleError::Finished),
        (Status::Waiting, _) => Err(RuleError::NotServing),
        (Status::Serving, Some(serving)) if serving == agent => Ok(()),
        (Status::Serving, _) => Err(RuleError::ServedByAnother),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: AgentId = 1;
    const B: AgentId = 2;

    fn serving(agent: AgentId) -> State {
        State {
            status: Status::Serving,
            agent: Some(agent),
        }
    }

    fn finished(agent: Option<AgentId>) -> State {
        State {
            status: Status::Finished,
            agent,
        }
    }

    #[test]
    fn claim_takes_a_waiting_question_once() {
        let t = decide(State::NEW, Command::Claim { agent: A }).unwrap();
        assert_eq!(t.next, serving(A));
        assert_eq!(t.notice, Notice::AgentStarted);
        assert_eq!(
            decide(t.next, Command::Claim { agent: B }),
            Err(RuleError::AlreadyServed)
        );
        assert_eq!(
            decide(finished(Some(A)), Command::Claim { agent: B }),
            Err(RuleError::Finished)
        );
    }

    #[test]
    fn only_the_serving_agent_quits_and_the_question_waits_again() {
        assert_eq!(
            decide(serving(A), Command::Quit { agent: B }),
            Err(RuleError::ServedByAnother)
        );
        assert_eq!(
            decide(State::NEW, Command::Quit { agent: A }),
            Err(RuleError::NotServing)
        );
        let t = decide(serving(A), Command::Quit { agent: A }).unwrap();
        assert_eq!(t.next, State::NEW);
        assert_eq!(t.notice, Notice::AgentQuit);
        // Any agent may claim it again.
        assert!(decide(t.next, Command::Claim { agent: B }).is_ok());
    }

    #[test]
    fn request_finish_keeps_the_state_and_records_notice_3() {
        let t = decide(serving(A), Command::RequestFinish { agent: A }).unwrap();
        assert_eq!(t.next, serving(A));
        assert_eq!(t.notice.code(), 3);
        assert_eq!(
            decide(serving(A), Command::RequestFinish { agent: B }),
            Err(RuleError::ServedByAnother)
        );
    }

    #[test]
    fn finish_by_agent_needs_to_serve_it_and_keeps_the_agent_for_reopen() {
        assert_eq!(
            decide(
                State::NEW,
                Command::Finish {
                    by: Actor::Agent(A)
                }
            ),
            Err(RuleError::NotServing)
        );
        let t = decide(
            serving(A),
            Command::Finish {
                by: Actor::Agent(A),
            },
        )
        .unwrap();
        assert_eq!(t.next, finished(Some(A)));
        assert_eq!(t.notice, Notice::Finished);
        assert_eq!(
            decide(
                t.next,
                Command::Finish {
                    by: Actor::Agent(A)
                }
            ),
            Err(RuleError::Finished)
        );
    }

    #[test]
    fn the_customer_may_finish_a_waiting_or_served_conversation() {
        let t = decide(
            State::NEW,
            Command::Finish {
                by: Actor::Customer,
            },
        )
        .unwrap();
        assert_eq!(t.next, finished(None));
        assert!(decide(
            serving(B),
            Command::Finish {
                by: Actor::Customer
            }
        )
        .is_ok());
        assert_eq!(
            decide(
                finished(None),
                Command::Finish {
                    by: Actor::Customer
                }
            ),
            Err(RuleError::Finished)
        );
    }

    #[test]
    fn reopen_returns_to_the_same_agent_when_they_can_work() {
        let t = decide(
            finished(Some(A)),
            Command::Reopen {
                agent_available: true,
            },
        )
        .unwrap();
        assert_eq!(t.next, serving(A));
        assert_eq!(t.notice, Notice::Reopened);

        let t = decide(
            finished(Some(A)),
            Command::Reopen {
                agent_available: false,
            },
        )
        .unwrap();
        assert_eq!(t.next, State::NEW);

        let t = decide(
            finished(None),
            Command::Reopen {
                agent_available: true,
            },
        )
        .unwrap();
        assert_eq!(t.next, State::NEW);

        assert_eq!(
            decide(
                serving(A),
                Command::Reopen {
                    agent_available: true
                }
            ),
            Err(RuleError::NotFinished)
        );
    }

    #[test]
    fn only_waiting_conversations_time_out() {
        let t = decide(State::NEW, Command::TimeOut).unwrap();
        assert_eq!(t.next, finished(None));
        assert_eq!(t.notice.code(), 5);
        assert_eq!(
            decide(serving(A), Command::TimeOut),
            Err(RuleError::NotWaiting)
        );
    }

    #[test]
    fn transfer_moves_to_another_agent_unless_finished() {
        let t = decide(serving(A), Command::Transfer { to: B }).unwrap();
        assert_eq!(t.next, serving(B));
        assert_eq!(t.notice.code(), 7);
        assert!(decide(State::NEW, Command::Transfer { to: B }).is_ok());
        assert_eq!(
            decide(serving(A), Command::Transfer { to: A }),
            Err(RuleError::SameAgent)
        );
        assert_eq!(
            decide(finished(Some(A)), Command::Transfer { to: B }),
            Err(RuleError::Finished)
        );
    }

    #[test]
    fn agents_send_only_while_serving_and_customers_until_finished() {
        assert_eq!(may_send(serving(A), Actor::Agent(A)), Ok(()));
        assert_eq!(
            may_send(serving(A), Actor::Agent(B)),
            Err(RuleError::ServedByAnother)
        );
        assert_eq!(
            may_send(State::NEW, Actor::Agent(A)),
            Err(RuleError::NotServing)
        );
        assert_eq!(may_send(State::NEW, Actor::Customer), Ok(()));
        assert_eq!(may_send(serving(A), Actor::Customer), Ok(()));
        assert_eq!(
            may_send(finished(Some(A)), Actor::Customer),
            Err(RuleError::Finished)
        );
        assert_eq!(
            may_send(finished(Some(A)), Actor::Agent(A)),
            Err(RuleError::Finished)
        );
    }

    #[test]
    fn status_codes_round_trip() {
        for s in [Status::Waiting, Status::Serving, Status::Finished] {
            assert_eq!(Status::from_code(s.code()), Some(s));
        }
        assert_eq!(Status::from_code(4), None);
    }
}
