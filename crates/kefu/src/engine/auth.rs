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
use crate::domain::link::validate_link;
use crate::ids::{new_id, now, random_token, sha256_hex};
use crate::realtime::Revoked;
use crate::storage::{AgentRow, CustomerRow, SessionRow, SessionTerms, TenantRow};

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
    pub terms: SessionTerms,
    /// When it was last recorded as used.
    pub last_used_at: f64,
}

impl SessionCtx {
    /// When it ends if nothing uses it from now on.
    pub fn ends_at(&self) -> f64 {
        self.terms
            .expires_at
            .min(self.last_used_at + self.terms.idle_secs as f64)
    }

    /// Whether its last recorded use is old enough to record a new one: a
    /// tenth of the idle time, so a session in use costs a write now and
    /// then, not per request (and may end up to a tenth early).
    fn use_is_due(&self, now: f64) -> bool {
        now - self.last_used_at >= (self.terms.idle_secs as f64 / 10.0).max(1.0)
    }

    fn from_row(token_hash: String, row: SessionRow) -> Self {
        Self {
            tenant_id: row.tenant_id,
            token_hash,
            terms: row.terms(),
            last_used_at: row.last_used_at,
            customer_id: row.customer_id,
            user_id: row.user_id,
            identify: row.identify,
            bound_agent: row.agent_id,
        }
    }
}

/// A remembered customer session is read again after this many seconds.
const REREAD_AFTER: f64 = 60.0;

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
        if !new.avatar_url.is_empty() {
            // Shown as a picture by agent apps and the console: never a
            // javascript: or data: link.
            validate_link(new.avatar_url)
                .map_err(|why| Error::invalid("avatar", format!("avatar {why}")))?;
        }
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
        let now = now();
        let terms = self.settings(tenant_id).await?.sessions.terms(now);
        self.store
            .insert_session(
                &sha256_hex(token.as_bytes()),
                tenant_id,
                customer_id,
                identify,
                terms,
                now,
            )
            .await?;
        Ok(token)
    }

    /// Resolves a session the server issued, unless it expired; records
    /// the use when one is due.
    pub async fn session(&self, token: &str) -> Result<SessionCtx> {
        self.session_by_hash(sha256_hex(token.as_bytes())).await
    }

    async fn session_by_hash(&self, token_hash: String) -> Result<SessionCtx> {
        let row = self
            .store
            .session(&token_hash)
            .await?
            .ok_or(Error::UnknownSession)?;
        self.used(SessionCtx::from_row(token_hash, row)).await
    }

    /// Refuses an expired session, and records its use when one is due.
    async fn used(&self, mut session: SessionCtx) -> Result<SessionCtx> {
        let now = now();
        if now >= session.ends_at() {
            return Err(Error::SessionExpired);
        }
        if session.use_is_due(now) {
            self.store
                .touch_session(session.tenant_id, &session.token_hash, now)
                .await?;
            session.last_used_at = now;
        }
        Ok(session)
    }

    /// Resolves a customer's session, remembered for a minute after it is
    /// read: the chat hot path. Its `bound_agent` may be out of date; agents
    /// are resolved with [`Self::agent`], which reads the session afresh.
    pub async fn customer_session(&self, token: &str) -> Result<SessionCtx> {
        let token_hash = sha256_hex(token.as_bytes());
        if let Some((remembered, read_at)) = self.sessions.get(&token_hash) {
            if now() - read_at < REREAD_AFTER {
                let last_used_at = remembered.last_used_at;
                let session = self.used(remembered).await?;
                if session.last_used_at != last_used_at {
                    self.sessions.put(token_hash, (session.clone(), read_at));
                }
                return Ok(session);
            }
        }
        let session = self.session_by_hash(token_hash.clone()).await?;
        self.sessions.put(token_hash, (session.clone(), now()));
        Ok(session)
    }

    /// Forgets the customer sessions this node remembers.
    pub(super) fn forget_sessions(&self) {
        self.sessions.clear();
    }

    /// Whether the holder of an open socket may keep it: its session has
    /// not expired (its use recorded when due) and, for an agent, is still
    /// bound to that active agent. Read afresh for agents (few, and their
    /// sessions are revoked by others); from memory for customers.
    pub async fn still_holds(&self, caller: &Caller) -> Result<Caller> {
        match caller {
            Caller::Customer(s) => Ok(Caller::Customer(self.used(s.clone()).await?)),
            Caller::Agent(a) => {
                let session = self.session_by_hash(a.session.token_hash.clone()).await?;
                match self.bound_agent(session, Some(&a.agent.account)).await? {
                    Some(agent) if agent.agent.id == a.agent.id => Ok(Caller::Agent(agent)),
                    _ => Err(Error::Forbidden(
                        "the session is no longer bound to the agent",
                    )),
                }
            }
        }
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

    /// The agent a console session is bound to, as the administration API's
    /// caller: the console's admin pages call seed 002 with their session
    /// instead of sending the password with every request.
    pub async fn admin_by_session(&self, token: &str) -> Result<Admin> {
        let AgentCtx { agent, .. } = self.agent(token, None).await?;
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
        // Its sockets, on every node, close.
        self.signals.revoked(
            session.tenant_id,
            Revoked::Session {
                token_hash: session.token_hash,
            },
        );
        Ok(())
    }

    /// Unbinds every session bound to the agent but `keep` (the session
    /// that made the change), after its password changed: each must prove
    /// the new one. Their sockets close on every node.
    pub(super) async fn end_agent_sessions(
        &self,
        tenant_id: i64,
        agent_id: i64,
        keep: Option<&str>,
    ) -> Result<()> {
        self.store
            .unbind_agent_sessions(tenant_id, agent_id, keep)
            .await?;
        self.close_agent_sockets(tenant_id, agent_id, keep);
        Ok(())
    }

    /// Closes the agent's sockets on every node but those of `keep`. An
    /// agent put in the recycle bin keeps its bindings (its calls answer
    /// "not active", 2004) and loses its sockets.
    pub(super) fn close_agent_sockets(&self, tenant_id: i64, agent_id: i64, keep: Option<&str>) {
        self.signals.revoked(
            tenant_id,
            Revoked::Agent {
                id: agent_id,
                keep: keep.map(str::to_owned),
            },
        );
    }

    /// Proves an agent's password (of `tenant_id`, when the caller's tenant is
    /// known), counting failures per account and per address: past the limit
    /// every attempt is refused, right or wrong, until the window ends.
    pub(super) async fn login(
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
