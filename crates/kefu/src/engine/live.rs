//! What the engine tells sockets (docs/api/realtime.md). Stored messages
//! need only a "look again" signal (nodes read them from the database);
//! everything else that sockets show live is raised here with its body.

use serde_json::json;

use super::auth::{Caller, SessionCtx};
use super::{Engine, Error, Result};
use crate::domain::conversation::Status;
use crate::domain::message::SenderType;
use crate::realtime::{live_body, Audience, Signals};
use crate::storage::{ConversationRow, Plate, Transition};

/// What a client tells the other side of a conversation, unstored.
#[derive(Clone, Debug)]
pub enum Presence {
    Typing,
    /// Read up to and including this message.
    Read {
        message_id: String,
    },
}

impl Engine {
    /// The engine, raising its signals through `signals` (a node's bus).
    pub fn with_signals(mut self, signals: Signals) -> Self {
        self.signals = signals;
        self
    }

    /// Lifecycle steps were stored: their notices reach the conversations'
    /// sockets, every agent sees the new statuses, and waiting customers
    /// look up their places when the queue may have moved.
    pub(super) async fn announce_steps(
        &self,
        tenant_id: i64,
        steps: &[Transition],
        queue_moved: bool,
    ) {
        if steps.is_empty() {
            return;
        }
        self.signals.stored(tenant_id);
        // A routing round assigns many conversations to few agents: look
        // each agent up once.
        let mut accounts: std::collections::HashMap<i64, Option<String>> = Default::default();
        for step in steps {
            let serv_id = match (step.next.status, step.next.agent) {
                (Status::Serving, Some(agent)) => match accounts.get(&agent) {
                    Some(account) => account.clone(),
                    None => {
                        let account = self.account_of(tenant_id, agent).await;
                        accounts.insert(agent, account.clone());
                        account
                    }
                },
                _ => None,
            };
            let body = live_body(
                "question_status",
                json!({
                    "question_id": step.conversation_id,
                    "status": step.next.status.code(),
                    "serv_id": serv_id,
                }),
            );
            self.signals.live(tenant_id, Audience::Agents, body);
        }
        if queue_moved {
            self.signals.queue_moved(tenant_id);
        }
    }

    /// A question joined the pending pool: every agent hears of it.
    pub(super) fn announce_question(&self, row: &ConversationRow, user_id: &str) {
        let body = live_body(
            "question_created",
            json!({
                "question_id": row.id,
                "title": row.title,
                "user_id": user_id,
                "status": row.status,
            }),
        );
        self.signals.live(row.tenant_id, Audience::Agents, body);
    }

    /// An agent's status changed in a module.
    pub(super) fn announce_agent_status(
        &self,
        tenant_id: i64,
        account: &str,
        plate: Plate,
        state: &str,
        accepting: bool,
    ) {
        let body = live_body(
            "agent_status",
            json!({
                "serv_id": account,
                "module": plate.code(),
                "state": state,
                "accepting": accepting,
            }),
        );
        self.signals.live(tenant_id, Audience::Agents, body);
    }

    /// Typing or a read receipt, to the other side of a conversation the
    /// caller takes part in: its customer, or its serving agent.
    pub async fn relay_presence(
        &self,
        caller: &Caller,
        question_id: &str,
        presence: Presence,
    ) -> Result<()> {
        let question = self.visible_question(caller, question_id).await?;
        let (sender, sender_type, to) = match caller {
            Caller::Customer(s) => {
                let Some(agent) = question.agent_id else {
                    // No agent yet: nobody to tell.
                    return Ok(());
                };
                (
                    s.user_id.clone(),
                    SenderType::Customer,
                    Audience::Agent { id: agent },
                )
            }
            Caller::Agent(a) => {
                if question.agent_id != Some(a.agent.id) {
                    return Err(Error::Rule(
                        crate::domain::conversation::RuleError::ServedByAnother,
                    ));
                }
                let to = Audience::Customer {
                    id: question.customer_id.clone(),
                };
                (a.agent.account.clone(), SenderType::Agent, to)
            }
        };
        let body = match presence {
            Presence::Typing => live_body(
                "typing",
                json!({
                    "question_id": question.id,
                    "sender": sender,
                    "sender_type": sender_type.code(),
                }),
            ),
            Presence::Read { message_id } => live_body(
                "read",
                json!({
                    "question_id": question.id,
                    "message_id": message_id,
                    "sender": sender,
                    "sender_type": sender_type.code(),
                }),
            ),
        };
        self.signals.live(caller.tenant_id(), to, body);
        Ok(())
    }

    /// The customer's conversations waiting in the queue, with their places.
    pub async fn queue_places(&self, s: &SessionCtx) -> Result<Vec<(String, i64)>> {
        Ok(self
            .store
            .queued_of_customer(s.tenant_id, &s.customer_id)
            .await?)
    }

    async fn account_of(&self, tenant_id: i64, agent: i64) -> Option<String> {
        match self.store.agent_by_id(tenant_id, agent).await {
            Ok(found) => found.map(|a| a.account),
            Err(e) => {
                tracing::warn!(error = %e, "cannot name the serving agent for sockets");
                None
            }
        }
    }
}
