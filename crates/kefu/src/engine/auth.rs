//! Who is calling: tenant keys, customer sessions, and agents bound to them.
//!
//! A session is a 12-character random credential the server issues (seed 003);
//! only its SHA-256 is stored. `serv/bind` proves an agent's password once and
//! binds the agent to the session; from then on the session alone acts as
//! that agent (a `serv_id` sent with it must match), until `serv/unbind`. A
//! `serv_id` alone never acts.

use std::net::IpAddr;

use super::agents::Admin;
use super::passwords::{self, Stored};
use super::tenants::validate_account;
use super::throttle::ThrottleKey;
use super::{Engine, Error, Result};
use crate::ids::{new_id, now, random_token, sha256_hex};
use crate::storage::{AgentRow, CustomerRow, TenantRow};

/// Seed 003 session length.
pub const SESSION_LEN: usize = 12;
/// Seed 001 customer token length (as its example); such a token is a
/// session too, so the customer chats through seed 003 as well.
pub const CUSTOMER_TOKEN_LEN: usize = 43;

/// A customer's session.
#[derive(Clone, Debug)]
pub struct SessionCtx {
    pub tenant_id: i64,
    pub token_hash: String,
    pub customer_id: String,
    pub user_id: String,
    pub identify: Option<String>,
    pub bound_agent: Option<i64>,
}

/// An agent acting through a session bound to it.
#[derive(Clone, Debug)]
pub struct AgentCtx {
    pub session: SessionCtx,
    pub agent: AgentRow,
}

impl AgentCtx {
    pub fn tenant_id(&self) -> i64 {
        self.agent.tenant_id
    }
}

/// Either side of a conversation.
#[derive(Clone, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one short-lived value per request; boxing buys nothing"
)]
pub enum Caller {
    Customer(SessionCtx),
    Agent(AgentCtx),
}

impl Caller {
    pub fn tenant_id(&self) -> i64 {
        match self {
            Caller::Customer(s) => s.tenant_id,
            Caller::Agent(a) => a.tenant_id(),
        }
    }
}

/// Limits on what a tenant's backend may say about its users.
pub const MAX_USER_ID: usize = 64;
pub const MAX_USER_NAME: usize = 64;
pub const MAX_AVATAR_URL: usize = 512;
pub const MAX_IDENTIFY: usize = 80;

/// A customer profile the enterprise backend vouches for.
pub struct NewCustomer<'a> {
    pub user_id: &'a str,
    pub name: &'a str,
    pub avatar_url: &'a str,
    pub identify: Option<&'a str>,
}

impl Engine {
    /// Checks a tenant's key pair (server-side credentials), counting
    /// failures per client address.
    pub async fn tenant_by_keys(
        &self,
        api_key: &str,
        secret_key: &str,
        peer: Option<IpAddr>,
    ) -> Result<TenantRow> {
        let keys = peer.map(ThrottleKey::Keys).into_iter().collect();
        let attempt = self
            .throttle
            .begin(keys, now())
            .await
            .map_err(|retry_after| Error::TooManyAttempts {
                field: "secret_key",
                retry_after,
            })?;
        let tenant = self.store.tenant_by_api_key(api_key).await?;
        let secret_hash = sha256_hex(secret_key.as_bytes());
        match tenant {
            Some(t) if constant_time_eq(t.secret_hash.as_bytes(), secret_hash.as_bytes()) => {
                attempt.succeeded();
                Ok(t)
            }
            _ => Err(Error::BadCredentials("wrong api_key or secret_key")),
        }
    }

    /// Issues a session for one of the tenant's users, creating or updating the
    /// customer. Returns the session (shown once) and the customer.
    pub async fn mint_session(
        &self,
        tenant_id: i64,
        new: &NewCustomer<'_>,
    ) -> Result<(String, CustomerRow)> {
        check_len("user_id", new.user_id, 1, MAX_USER_ID)?;
        check_len("name", new.name, 0, MAX_USER_NAME)?;
        check_len("avatar", new.avatar_url, 0, MAX_AVATAR_URL)?;
        if let Some(identify) = new.identify {
            check_len("identify", identify, 1, MAX_IDENTIFY)?;
        }
        let now = now();
        let customer = CustomerRow {
            id: new_id(),
            tenant_id,
            user_id: new.user_id.to_owned(),
            name: new.name.to_owned(),
            avatar_url: new.avatar_url.to_owned(),
            visitor: false,
        };
        let customer = self.store.upsert_customer(&customer, now).await?;
        if let Some(identify) = new.identify {
            self.store.ensure_app(tenant_id, identify, now).await?;
        }
        let token = self
            .issue_session(tenant_id, &customer.id, new.identify, SESSION_LEN)
            .await?;
        Ok((token, customer))
    }

    /// Issues a new session of `len` characters for a customer; only its hash is kept.
    pub(super) async fn issue_session(
        &self,
        tenant_id: i64,
        customer_id: &str,
        identify: Option<&str>,
        len: usize,
    ) -> Result<String> {
        let token = random_token(len);
        self.store
            .insert_session(
                &sha256_hex(token.as_bytes()),
                tenant_id,
                customer_id,
                identify,
                now(),
            )
            .await?;
        Ok(token)
    }

    /// Resolves a session the server issued.
    pub async fn session(&self, token: &str) -> Result<SessionCtx> {
        let token_hash = sha256_hex(token.as_bytes());
        let row = self
            .store
            .session(&token_hash)
            .await?
            .ok_or(Error::UnknownSession)?;
        Ok(SessionCtx {
            tenant_id: row.tenant_id,
            token_hash,
            customer_id: row.customer_id,
            user_id: row.user_id,
            identify: row.identify,
            bound_agent: row.agent_id,
        })
    }

    /// Resolves a customer's session, remembered after the first call: the
    /// chat hot path. Its `bound_agent` may be out of date; agents are
    /// resolved with [`Self::agent`], which reads the session afresh.
    pub async fn customer_session(&self, token: &str) -> Result<SessionCtx> {
        let token_hash = sha256_hex(token.as_bytes());
        if let Some(session) = self.sessions.get(&token_hash) {
            return Ok(session);
        }
        let session = self.session(token).await?;
        self.sessions.put(token_hash, session.clone());
        Ok(session)
    }

    /// Resolves a session bound to an agent, who must be active: the bound
    /// session alone names the agent; a `serv_id` given as well must be that
    /// agent's account.
    pub async fn agent(&self, token: &str, serv_id: Option<&str>) -> Result<AgentCtx> {
        if let Some(serv_id) = serv_id {
            validate_account(serv_id)?;
        }
        let session = self.session(token).await?;
        self.bound_agent(session, serv_id)
            .await?
            .ok_or(Error::Forbidden(match serv_id {
                Some(_) => "the session is not bound to this serv_id",
                None => "the session is not bound to an agent (serv/bind)",
            }))
    }

    /// Whoever holds the session: the agent bound to it (who must be
    /// active), else its customer.
    pub async fn holder(&self, token: &str) -> Result<Caller> {
        let session = self.session(token).await?;
        if session.bound_agent.is_none() {
            return Ok(Caller::Customer(session));
        }
        match self.bound_agent(session, None).await? {
            Some(agent) => Ok(Caller::Agent(agent)),
            None => Err(Error::Forbidden("the session's agent no longer exists")),
        }
    }

    /// The active agent bound to `session` (and named `serv_id`, when given).
    async fn bound_agent(
        &self,
        session: SessionCtx,
        serv_id: Option<&str>,
    ) -> Result<Option<AgentCtx>> {
        let agent = match session.bound_agent {
            Some(id) => self.store.agent_by_id(session.tenant_id, id).await?,
            None => None,
        };
        match agent {
            Some(agent) if serv_id.is_none_or(|s| s == agent.account) => {
                if !agent.is_active() {
                    return Err(Error::AgentInactive);
                }
                Ok(Some(AgentCtx { session, agent }))
            }
            _ => Ok(None),
        }
    }

    /// Seed 002's HTTP Basic auth: an active agent, by account and password.
    pub async fn admin_login(
        &self,
        account: &str,
        password: &str,
        peer: Option<IpAddr>,
    ) -> Result<Admin> {
        let agent = self.login(None, account, password, peer).await?;
        let settings = self.settings(agent.tenant_id).await?;
        Ok(Admin { agent, settings })
    }

    /// `serv/bind`: proves the agent's password and binds it to the session.
    pub async fn bind(
        &self,
        token: &str,
        serv_id: &str,
        password: &str,
        peer: Option<IpAddr>,
    ) -> Result<AgentCtx> {
        let session = self.session(token).await?;
        let agent = self
            .login(Some(session.tenant_id), serv_id, password, peer)
            .await?;
        self.store
            .bind_session(session.tenant_id, &session.token_hash, Some(agent.id))
            .await?;
        Ok(AgentCtx {
            session: SessionCtx {
                bound_agent: Some(agent.id),
                ..session
            },
            agent,
        })
    }

    /// `serv/unbind`: proves the password again and releases the session.
    pub async fn unbind(
        &self,
        token: &str,
        serv_id: &str,
        password: &str,
        peer: Option<IpAddr>,
    ) -> Result<()> {
        let session = self.session(token).await?;
        let agent = self
            .login(Some(session.tenant_id), serv_id, password, peer)
            .await?;
        if session.bound_agent != Some(agent.id) {
            return Err(Error::Forbidden("the session is not bound to this serv_id"));
        }
        self.store
            .bind_session(session.tenant_id, &session.token_hash, None)
            .await?;
        Ok(())
    }

    /// Proves an agent's password (of `tenant_id`, when the caller's tenant is
    /// known), counting failures per account and per address: past the limit
    /// every attempt is refused, right or wrong, until the window ends.
    async fn login(
        &self,
        tenant_id: Option<i64>,
        account: &str,
        password: &str,
        peer: Option<IpAddr>,
    ) -> Result<AgentRow> {
        const WRONG: Error = Error::BadCredentials("wrong account or password");
        let mut keys = vec![ThrottleKey::Account(account.to_owned())];
        keys.extend(peer.map(ThrottleKey::Address));
        // Counted from here: parallel guesses cannot all reach the check.
        let attempt = self
            .throttle
            .begin(keys, now())
            .await
            .map_err(|retry_after| Error::TooManyAttempts {
                field: "serv_id",
                retry_after,
            })?;
        let well_formed = validate_account(account).is_ok()
            && super::tenants::validate_password(password).is_ok();
        let agent = match well_formed {
            true => self.store.agent_by_login(account).await?,
            false => None,
        }
        .filter(|agent| tenant_id.is_none_or(|t| agent.tenant_id == t));
        // Argon2 on the password thread, unless this agent proved this
        // password against this stored hash a few minutes ago.
        let stored = agent.as_ref().map(|a| Stored {
            agent_id: a.id,
            hash: a.password_hash.clone(),
        });
        if !passwords::verify(password, stored).await? {
            return Err(WRONG);
        }
        attempt.succeeded();
        let agent = agent.ok_or(WRONG)?;
        if !agent.is_active() {
            return Err(Error::AgentInactive);
        }
        Ok(agent)
    }
}

/// Checks that `value` has `min..=max` characters and no control characters.
pub fn check_len(field: &'static str, value: &str, min: usize, max: usize) -> Result<()> {
    let len = value.chars().count();
    if len < min || len > max {
        return Err(Error::invalid(
            field,
            format!("{field} must be {min} to {max} characters"),
        ));
    }
    if value.chars().any(|c| c.is_control() && c != '\n') {
        return Err(Error::invalid(
            field,
            format!("{field} must not contain control characters"),
        ));
    }
    Ok(())
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}
