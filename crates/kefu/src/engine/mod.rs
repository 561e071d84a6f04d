//! The engine: the shared services every dialect calls. It applies the
//! domain rules, talks to storage and media, and answers in domain terms;
//! the dialects in `api/` only translate paths, fields, envelopes and errors.

mod agents;
mod auth;
mod checkins;
mod console;
mod customers;
mod duties;
mod embedding;
mod groups;
mod live;
mod messages;
mod passwords;
mod questions;
mod ratings;
mod recent;
mod reports;
mod routing;
mod settings;
mod templates;
mod tenants;
pub mod throttle;
mod webhooks;

pub use agents::{current_state, Admin, AgentChanges, AgentView};
pub use auth::{AgentCtx, Caller, NewCustomer, SessionCtx, CUSTOMER_TOKEN_LEN, SESSION_LEN};
pub use checkins::{CheckinInput, CheckinView};
pub use console::{Colleague, Me, QuestionDetail, CONSOLE_USER_PREFIX};
pub use customers::{Connected, Resume};
pub use duties::{DutyDay, DutyInput, DutyText};
pub use groups::GroupView;
pub use live::Presence;
pub use messages::Upload;
pub use questions::{CustomerList, CustomerProfile};
pub use reports::{ReportView, Selection, Transcript, EXPORT_LIMIT};
pub use routing::Routed;
pub use settings::{
    EmbeddingSettings, PlateStates, RoutingChanges, RoutingSettings, SessionSettings,
    SettingsChanges, TenantSettings,
};
pub use tenants::{AdminLogin, NewKeys, TenantCredentials};
pub use webhooks::*;

use crate::domain::conversation::RuleError;
use crate::media::MediaStore;
use crate::storage::Store;

/// Everything that can go wrong in an engine call, in domain terms.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A parameter is missing, malformed or out of bounds.
    #[error("{field}: {reason}")]
    Invalid { field: &'static str, reason: String },
    /// The session is not one the server issued.
    #[error("unknown session")]
    UnknownSession,
    /// The session was unused too long or reached its lifetime.
    #[error("the session expired; get a new one")]
    SessionExpired,
    /// A password or key pair did not match.
    #[error("{0}")]
    BadCredentials(&'static str),
    /// The agent is in the recycle bin or purged.
    #[error("the agent is not active")]
    AgentInactive,
    /// The caller is known but may not do this.
    #[error("{0}")]
    Forbidden(&'static str),
    /// No such thing, or not of the caller's tenant.
    #[error("{0} not found")]
    NotFound(Entity),
    /// The conversation's state does not allow it.
    #[error(transparent)]
    Rule(#[from] RuleError),
    /// A rating the conversation does not take (not finished, never
    /// served, or rated already).
    #[error("{0}")]
    NotRateable(Unrateable),
    /// The client message id was already used by another sender.
    #[error("client_msg_id is already used in this question")]
    ClientIdTaken,
    /// Too many failed logins (or key checks) for `field`: retry after this
    /// many seconds.
    #[error("too many failed attempts; retry in {retry_after} seconds")]
    TooManyAttempts {
        field: &'static str,
        retry_after: u64,
    },
    /// The named agent cannot take a conversation now.
    #[error(transparent)]
    Unavailable(#[from] crate::domain::routing::Unavailable),
    /// No agent of the department can take a conversation now.
    #[error("no agent of that department can take the conversation now")]
    NoAgentAvailable,
    /// It collides with something that exists.
    #[error("{0}")]
    Conflict(&'static str),
    /// A value that must be unique is taken already (an account, a name).
    #[error("{reason}")]
    Taken {
        field: &'static str,
        reason: &'static str,
    },
    /// An upload exceeds its size limit.
    #[error("{reason}")]
    TooLarge { field: &'static str, reason: String },
    #[error("storage failed: {0}")]
    Storage(#[from] sqlx::Error),
    #[error("internal error: {0}")]
    Internal(String),
}

/// Why a conversation takes no rating.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unrateable {
    #[error("only a finished question can be rated")]
    NotFinished,
    #[error("no agent served this question: there is nothing to rate")]
    NeverServed,
    #[error("this question was rated already")]
    AlreadyRated,
}

/// What a [`Error::NotFound`] is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Entity {
    Question,
    User,
    Agent,
    Template,
    Item,
    Group,
    Duty,
    Webhook,
}

impl std::fmt::Display for Entity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Entity::Question => "question",
            Entity::User => "user",
            Entity::Agent => "agent",
            Entity::Template => "template",
            Entity::Item => "item",
            Entity::Group => "group",
            Entity::Duty => "duty",
            Entity::Webhook => "webhook",
        })
    }
}

impl Error {
    pub fn invalid(field: &'static str, reason: impl Into<String>) -> Self {
        Self::Invalid {
            field,
            reason: reason.into(),
        }
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// The shared services. Cheap to clone.
#[derive(Clone)]
pub struct Engine {
    store: Store,
    media: MediaStore,
    throttle: std::sync::Arc<throttle::LoginThrottle>,
    /// Where changes are announced to sockets (nowhere until a node sets it).
    signals: crate::realtime::Signals,
    /// Customer sessions by token hash, with when they were read: sessions
    /// never change owner, and one read over a minute ago is read again (its
    /// lifetimes may have changed).
    sessions: std::sync::Arc<recent::Recent<String, (SessionCtx, f64)>>,
    /// Conversations being chatted in, by (tenant, id): the send path's first
    /// guess, checked by the write (see `messages.rs`).
    chatting: std::sync::Arc<recent::Recent<(i64, String), crate::storage::ConversationRow>>,
    /// Connects waiting for their tenant's next routing round.
    joining: std::sync::Arc<routing::Joining>,
    /// Internal hosts the operator lets webhooks reach (`--webhook-allow-host`).
    webhook_hosts: crate::domain::egress::AllowedHosts,
    /// The origins some tenant lets call the API, read now and then.
    cors_origins: std::sync::Arc<embedding::CorsOrigins>,
}

/// How many sessions and conversations a node remembers (a few MiB at most).
const REMEMBERED: usize = 16_384;

impl Engine {
    pub fn new(store: Store, media: MediaStore) -> Self {
        Self {
            store,
            media,
            throttle: Default::default(),
            signals: Default::default(),
            sessions: std::sync::Arc::new(recent::Recent::new(REMEMBERED)),
            chatting: std::sync::Arc::new(recent::Recent::new(REMEMBERED)),
            joining: Default::default(),
            webhook_hosts: Default::default(),
            cors_origins: Default::default(),
        }
    }

    /// Lets webhooks reach these hosts even where they resolve to internal
    /// addresses (an on-premise receiver).
    pub fn with_webhook_hosts(self, hosts: crate::domain::egress::AllowedHosts) -> Self {
        Self {
            webhook_hosts: hosts,
            ..self
        }
    }

    pub fn webhook_hosts(&self) -> &crate::domain::egress::AllowedHosts {
        &self.webhook_hosts
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    pub fn media(&self) -> &MediaStore {
        &self.media
    }
}
