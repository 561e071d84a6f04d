//! Questions (conversations): asking, the lists, and every lifecycle step.

use super::auth::{AgentCtx, Caller, SessionCtx};
use super::messages::{agent_sender, new_message};
use super::routing::deadline;
use super::{Engine, Entity, Error, Result};
use crate::domain::conversation::{decide, Actor, Command, Status};
use crate::domain::message::{Body, SenderType};
use crate::domain::paging::PageRequest;
use crate::domain::question::validate_title;
use crate::ids::{new_id, now};
use crate::storage::{
    ConversationFilter, ConversationRow, ConversationSummary, MessageRow, Scope, Transition,
};

/// A compare-and-swap that keeps losing means the conversation is changing
/// under us faster than we can decide; give up after this many rounds.
const MAX_ATTEMPTS: usize = 8;

/// Seed 003's four per-user lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CustomerList {
    /// `waits`: not yet claimed.
    Waits,
    /// `tasks`: being served.
    Tasks,
    /// `overs`: finished.
    Overs,
    /// `alls`: every status.
    Alls,
}

/// What `/user` shows an agent about a question's customer.
#[derive(Clone, Debug)]
pub struct CustomerProfile {
    pub user_id: String,
    pub name: String,
    pub device_count: i64,
    pub group_count: i64,
}

impl Engine {
    /// A customer asks a new question; it waits in the pending pool.
    pub async fn ask(
        &self,
        s: &SessionCtx,
        title: &str,
        labels: &[String],
    ) -> Result<ConversationRow> {
        validate_title(title).map_err(|why| Error::invalid("title", why))?;
        let settings = self.settings(s.tenant_id).await?;
        let created_at = now();
        let row = ConversationRow {
            id: new_id(),
            tenant_id: s.tenant_id,
            identify: s.identify.clone(),
            customer_id: s.customer_id.clone(),
            title: title.to_owned(),
            labels: serde_json::to_string(labels).map_err(|e| Error::Internal(e.to_string()))?,
            status: Status::Waiting.code(),
            agent_id: None,
            version: 0,
            created_at,
            department_id: None,
            queue_seq: None,
            deadline: deadline(&settings, created_at),
        };
        self.store.insert_conversation(&row, labels).await?;
        self.announce_question(&row, &s.user_id);
        Ok(row)
    }

    /// The tenant's pending pool, as an agent sees it.
    pub async fn pending(
        &self,
        a: &AgentCtx,
        identify: Option<String>,
        label: Option<String>,
        page: &PageRequest,
    ) -> Result<Vec<ConversationSummary>> {
        let filter = ConversationFilter {
            tenant_id: a.tenant_id(),
            scope: Scope::Pending,
            identify,
            label,
        };
        Ok(self.store.list_conversations(&filter, page).await?)
    }

    /// What agent `serv_id` is serving. Agents see their own tasks; admins anyone's.
    pub async fn agent_tasks(
        &self,
        a: &AgentCtx,
        serv_id: &str,
        identify: Option<String>,
        page: &PageRequest,
    ) -> Result<Vec<ConversationSummary>> {
        let agent_id = if serv_id == a.agent.account {
            a.agent.id
        } else if a.agent.is_admin {
            self.store
                .agent_by_account(a.tenant_id(), serv_id)
                .await?
                .ok_or(Error::NotFound(Entity::Agent))?
                .id
        } else {
            return Err(Error::Forbidden("agents may only list their own tasks"));
        };
        let filter = ConversationFilter {
            tenant_id: a.tenant_id(),
            scope: Scope::AgentTasks { agent_id },
            identify,
            label: None,
        };
        Ok(self.store.list_conversations(&filter, page).await?)
    }

    /// A user's questions of one kind, for the user or any agent of the tenant.
    pub async fn customer_questions(
        &self,
        caller: &Caller,
        user_id: &str,
        list: CustomerList,
        identify: Option<String>,
        page: &PageRequest,
    ) -> Result<Vec<ConversationSummary>> {
        let customer_id = match caller {
            Caller::Customer(s) if s.user_id == user_id => s.customer_id.clone(),
            Caller::Customer(_) => {
                return Err(Error::Forbidden("a user may only list their own questions"))
            }
            Caller::Agent(a) => {
                self.store
                    .customer_by_user_id(a.tenant_id(), user_id)
                    .await?
                    .ok_or(Error::NotFound(Entity::User))?
                    .id
            }
        };
        let status = match list {
            CustomerList::Waits => Some(Status::Waiting),
            CustomerList::Tasks => Some(Status::Serving),
            CustomerList::Overs => Some(Status::Finished),
            CustomerList::Alls => None,
        };
        let filter = ConversationFilter {
            tenant_id: caller.tenant_id(),
            scope: Scope::Customer {
                customer_id,
                status,
            },
            identify,
            label: None,
        };
        Ok(self.store.list_conversations(&filter, page).await?)
    }

    /// `serve`: the agent claims a waiting question. Of concurrent claims one wins.
    pub async fn serve(&self, a: &AgentCtx, question_id: &str) -> Result<MessageRow> {
        let agent = a.agent.id;
        self.step(
            a.tenant_id(),
            question_id,
            agent_sender(&a.agent),
            Command::Claim { agent },
        )
        .await
    }

    /// `quit`: the serving agent hands the question back to the pool.
    pub async fn quit(&self, a: &AgentCtx, question_id: &str) -> Result<MessageRow> {
        let agent = a.agent.id;
        self.step(
            a.tenant_id(),
            question_id,
            agent_sender(&a.agent),
            Command::Quit { agent },
        )
        .await
    }

    /// `finish`: the serving agent closes the question.
    pub async fn finish(&self, a: &AgentCtx, question_id: &str) -> Result<MessageRow> {
        let by = Actor::Agent(a.agent.id);
        self.step(
            a.tenant_id(),
            question_id,
            agent_sender(&a.agent),
            Command::Finish { by },
        )
        .await
    }

    /// The serving agent asks the customer to let it finish (notice 3).
    pub async fn request_finish(&self, a: &AgentCtx, question_id: &str) -> Result<MessageRow> {
        let agent = a.agent.id;
        self.step(
            a.tenant_id(),
            question_id,
            agent_sender(&a.agent),
            Command::RequestFinish { agent },
        )
        .await
    }

    /// `reopen`: the customer reopens a finished question; it goes back to its
    /// agent if that agent can still work, else to the pending pool.
    pub async fn reopen(&self, s: &SessionCtx, question_id: &str) -> Result<MessageRow> {
        let own = self.own_question(s, question_id).await?;
        let agent_available = match own.agent_id {
            Some(id) => self
                .store
                .agent_by_id(s.tenant_id, id)
                .await?
                .is_some_and(|agent| agent.is_active()),
            None => false,
        };
        let sender = (s.user_id.clone(), SenderType::Customer);
        self.step(
            s.tenant_id,
            question_id,
            sender,
            Command::Reopen { agent_available },
        )
        .await
    }

    /// What `/user` shows about the customer who asked a question.
    pub async fn customer_profile(
        &self,
        a: &AgentCtx,
        question_id: &str,
    ) -> Result<CustomerProfile> {
        let tenant_id = a.tenant_id();
        let question = self
            .store
            .conversation(tenant_id, question_id)
            .await?
            .ok_or(Error::NotFound(Entity::Question))?;
        let customer = self
            .store
            .customer(tenant_id, &question.customer_id)
            .await?
            .ok_or(Error::NotFound(Entity::User))?;
        Ok(CustomerProfile {
            device_count: self.store.session_count(tenant_id, &customer.id).await?,
            group_count: self
                .store
                .customer_conversation_count(tenant_id, &customer.id)
                .await?,
            user_id: customer.user_id,
            name: customer.name,
        })
    }

    /// A question of this customer (others' questions do not exist for them).
    pub(super) async fn own_question(
        &self,
        s: &SessionCtx,
        question_id: &str,
    ) -> Result<ConversationRow> {
        match self.store.conversation(s.tenant_id, question_id).await? {
            Some(q) if q.customer_id == s.customer_id => Ok(q),
            _ => Err(Error::NotFound(Entity::Question)),
        }
    }

    /// Runs one lifecycle step: read, let the rules decide, write if nothing
    /// changed meanwhile (else decide again on the fresh state). Returns the
    /// notice message that records the step. A step that frees an agent or
    /// returns a pushed conversation to the queue offers the queue again.
    pub(super) async fn step(
        &self,
        tenant_id: i64,
        question_id: &str,
        sender: (String, SenderType),
        command: Command,
    ) -> Result<MessageRow> {
        for _ in 0..MAX_ATTEMPTS {
            let question = self
                .store
                .conversation(tenant_id, question_id)
                .await?
                .ok_or(Error::NotFound(Entity::Question))?;
            let before = question.state();
            let transition = decide(before, command)?;
            let notice = new_message(
                &question,
                sender.clone(),
                Body::Notice(transition.notice),
                None,
            );
            let deadline = match (before.status, transition.next.status) {
                (Status::Waiting, Status::Waiting) => question.deadline,
                // Settings are read only here: most steps never need them.
                (_, Status::Waiting) => {
                    deadline(&self.settings(tenant_id).await?, notice.created_at)
                }
                _ => None,
            };
            let mut step = Transition {
                tenant_id,
                conversation_id: question.id.clone(),
                expected_version: question.version,
                next: transition.next,
                deadline,
                department_id: None,
                left_by: match command {
                    Command::Quit { agent } => Some(agent),
                    _ => None,
                },
                notice,
            };
            if self.store.apply_transition(&mut step).await? {
                let pushed = question.queue_seq.is_some();
                let queue_moved = pushed
                    && (before.status == Status::Waiting)
                        != (transition.next.status == Status::Waiting);
                self.announce_steps(tenant_id, std::slice::from_ref(&step), queue_moved)
                    .await;
                let freed = before.status == Status::Serving && transition.next != before;
                if freed || transition.next.status == Status::Waiting {
                    self.drain(tenant_id).await?;
                }
                return Ok(step.notice);
            }
        }
        Err(Error::Conflict("the question kept changing; retry"))
    }
}
