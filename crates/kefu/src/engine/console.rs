//! What the agent console needs beyond the seeds: signing in with account
//! and password alone (a session bound to the agent, as a device's
//! `POST /v1/session` + `serv/bind` would give), signing out, the agent's
//! own online-chat status, who a conversation can go to, one question's
//! details and the serving agent's transfer.

use std::net::IpAddr;

use super::auth::SESSION_LEN;
use super::routing::{Mover, Routed};
use super::{current_state, AgentCtx, Caller, Engine, Entity, Error, Result, TenantSettings};
use crate::domain::conversation::{serving_agent_only, Status};
use crate::ids::{new_id, now, sha256_hex};
use crate::realtime::Revoked;
use crate::storage::{AgentQuery, AgentRow, ConversationRow, CustomerRow, MessageRow, Plate};

/// The prefix of the customer record that holds an agent's console
/// sessions (a session always belongs to a customer; this one never asks).
pub const CONSOLE_USER_PREFIX: &str = "@console:";

/// The agent as the console's header shows it.
pub struct Me {
    pub agent: AgentRow,
    pub tenant: String,
    pub state: String,
    pub accepting: bool,
    pub states: Vec<String>,
    pub accepting_state: String,
}

/// An agent a conversation could go to.
pub struct Colleague {
    pub agent: AgentRow,
    pub state: String,
    pub accepting: bool,
    pub serving: i64,
    pub max_chats: i64,
    pub departments: Vec<i64>,
}

/// One question with its customer and agent.
pub struct QuestionDetail {
    pub question: ConversationRow,
    pub customer: CustomerRow,
    pub agent: Option<AgentRow>,
    /// The customer's rating notice, once it rated the question.
    pub rating: Option<MessageRow>,
}

impl Engine {
    /// Proves the agent's password (under the login throttle) and issues a
    /// new session bound to it.
    pub async fn console_login(
        &self,
        account: &str,
        password: &str,
        peer: Option<IpAddr>,
    ) -> Result<(String, AgentRow)> {
        let agent = self.login(None, account, password, peer).await?;
        let holder = CustomerRow {
            id: new_id(),
            tenant_id: agent.tenant_id,
            user_id: format!("{CONSOLE_USER_PREFIX}{}", agent.account),
            name: agent.name.clone(),
            avatar_url: String::new(),
            visitor: false,
        };
        let holder = self.store.upsert_customer(&holder, now()).await?;
        let token = self
            .issue_session(agent.tenant_id, &holder.id, None, SESSION_LEN)
            .await?;
        self.store
            .bind_session(
                agent.tenant_id,
                &sha256_hex(token.as_bytes()),
                Some(agent.id),
            )
            .await?;
        Ok((token, agent))
    }

    /// Ends the session for good; its sockets close on every node.
    pub async fn console_logout(&self, a: &AgentCtx) -> Result<()> {
        let tenant_id = a.tenant_id();
        self.store
            .delete_session(tenant_id, &a.session.token_hash)
            .await?;
        self.signals.revoked(
            tenant_id,
            Revoked::Session {
                token_hash: a.session.token_hash.clone(),
            },
        );
        Ok(())
    }

    pub async fn me(&self, a: &AgentCtx) -> Result<Me> {
        let settings = self.settings(a.tenant_id()).await?;
        self.me_with(&settings, a.agent.clone()).await
    }

    async fn me_with(&self, settings: &TenantSettings, agent: AgentRow) -> Result<Me> {
        let states = settings.states(Plate::OnlineChat);
        let state = current_state(settings, &agent, Plate::OnlineChat);
        Ok(Me {
            tenant: self.store.tenant_name(agent.tenant_id).await?,
            accepting: state == states.accepting,
            state,
            states: states.names.clone(),
            accepting_state: states.accepting.clone(),
            agent,
        })
    }

    /// The agent sets its own online-chat status.
    pub async fn set_own_state(&self, a: &AgentCtx, state: &str) -> Result<Me> {
        let settings = self.settings(a.tenant_id()).await?;
        self.change_state(&settings, &a.agent, Plate::OnlineChat, state)
            .await?;
        let agent = AgentRow {
            chat_state: Some(state.to_owned()),
            ..a.agent.clone()
        };
        self.me_with(&settings, agent).await
    }

    /// The tenant's active agents with their status and load, and its
    /// departments.
    pub async fn colleagues(
        &self,
        a: &AgentCtx,
    ) -> Result<(Vec<Colleague>, Vec<crate::storage::GroupRow>)> {
        let tenant_id = a.tenant_id();
        let settings = self.settings(tenant_id).await?;
        let (agents, _) = self
            .store
            .list_agents(&AgentQuery {
                tenant_id,
                limit: 1000,
                ..AgentQuery::default()
            })
            .await?;
        let agents: Vec<AgentRow> = agents.into_iter().filter(AgentRow::is_active).collect();
        let ids: Vec<i64> = agents.iter().map(|a| a.id).collect();
        let memberships = self.store.groups_of_agents(tenant_id, &ids).await?;
        let serving = self.store.serving_counts(tenant_id).await?;
        let accepting_state = &settings.states(Plate::OnlineChat).accepting;
        let colleagues = agents
            .into_iter()
            .map(|agent| {
                let state = current_state(&settings, &agent, Plate::OnlineChat);
                Colleague {
                    accepting: &state == accepting_state,
                    state,
                    serving: serving
                        .iter()
                        .find(|(id, _)| *id == agent.id)
                        .map_or(0, |(_, n)| *n),
                    max_chats: agent.max_chats.unwrap_or(settings.routing.max_chats),
                    departments: memberships
                        .iter()
                        .filter(|(id, _)| *id == agent.id)
                        .map(|(_, g)| *g)
                        .collect(),
                    agent,
                }
            })
            .collect();
        let (departments, _) = self.store.list_groups(tenant_id, 1000, 0).await?;
        Ok((colleagues, departments))
    }

    /// A question, for its customer or any agent of its tenant.
    pub async fn question_detail(&self, caller: &Caller, id: &str) -> Result<QuestionDetail> {
        let tenant_id = caller.tenant_id();
        let question = match caller {
            Caller::Customer(s) => self.own_question(s, id).await?,
            Caller::Agent(_) => self
                .store
                .conversation(tenant_id, id)
                .await?
                .ok_or(Error::NotFound(Entity::Question))?,
        };
        let customer = self
            .store
            .customer(tenant_id, &question.customer_id)
            .await?
            .ok_or(Error::NotFound(Entity::User))?;
        let agent = match question.agent_id {
            Some(agent_id) => self.store.agent_by_id(tenant_id, agent_id).await?,
            None => None,
        };
        // Only a finished question can have one: skip the read otherwise.
        let rating = match question.state().status {
            Status::Finished => self.rating_of(tenant_id, &question.id).await?,
            _ => None,
        };
        Ok(QuestionDetail {
            question,
            customer,
            agent,
            rating,
        })
    }

    /// The serving agent moves its conversation to another agent or a
    /// department.
    pub async fn agent_transfer(
        &self,
        a: &AgentCtx,
        question_id: &str,
        agent: Option<&str>,
        department_id: Option<i64>,
    ) -> Result<Routed> {
        let settings = self.settings(a.tenant_id()).await?;
        self.transfer(
            Mover::Agent(a),
            &settings,
            question_id,
            agent,
            department_id,
        )
        .await
    }

    /// A question the agent serves now.
    pub(super) async fn served_question(
        &self,
        a: &AgentCtx,
        question_id: &str,
    ) -> Result<ConversationRow> {
        let question = self
            .store
            .conversation(a.tenant_id(), question_id)
            .await?
            .ok_or(Error::NotFound(Entity::Question))?;
        serving_agent_only(question.state(), a.agent.id)?;
        Ok(question)
    }
}
