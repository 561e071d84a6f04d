//! Tenant settings an admin changes: time zone, the default password of new
//! agents, the status names of each module, the agents' custom fields, and
//! how conversations reach agents (routing, capacity, queue timeout, what
//! seed 001's connect answers).
//! Stored as one JSON document per tenant; missing keys take their defaults,
//! so settings added later need no migration.

use serde::{Deserialize, Serialize};

use super::agents::{validate_max_chats, Admin};
use super::tenants::{hash_password, validate_password};
use super::{Engine, Error, Result};
use crate::domain::calendar::UtcOffset;
use crate::domain::custom_fields::{self, FieldDef};
use crate::domain::link::validate_link;
use crate::domain::origin;
use crate::domain::routing::Strategy;
use crate::ids::now;
use crate::storage::{Plate, SessionTerms};

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(default)]
pub struct TenantSettings {
    /// The tenant's time zone, for seed 002's local times and duty schedules.
    pub utc_offset_minutes: i32,
    /// Argon2id hash of the password given to agents created without one.
    pub default_password_hash: Option<String>,
    pub ticket_states: PlateStates,
    pub chat_states: PlateStates,
    pub call_states: PlateStates,
    pub custom_fields: Vec<FieldDef>,
    pub routing: RoutingSettings,
    pub sessions: SessionSettings,
    pub embedding: EmbeddingSettings,
}

/// Where the tenant's web pages may use kefu from: origins whose pages may
/// call the API (CORS) and sites that may frame the chat widget.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct EmbeddingSettings {
    /// Origins (`https://shop.example.com`, `https://*.example.com`) whose
    /// pages may call the customer and question-chat APIs.
    pub allowed_origins: Vec<String>,
    /// Sites that may show `/chat` in a frame; empty: any site.
    pub frame_ancestors: Vec<String>,
}

impl EmbeddingSettings {
    /// The CSP `frame-ancestors` sources of the widget page.
    pub fn frame_ancestors_csp(&self) -> String {
        if self.frame_ancestors.is_empty() {
            return "*".to_owned();
        }
        self.frame_ancestors.join(" ")
    }
}

/// How long sessions live (seed 003 sessions, bound agents' included, and
/// seed 001 customer tokens).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct SessionSettings {
    /// Seconds a session may go unused (no request, no open socket).
    pub idle_timeout: i64,
    /// Seconds after it was issued that a session ends in any case.
    pub lifetime: i64,
}

pub const DEFAULT_SESSION_IDLE_SECS: i64 = 7 * 24 * 3600;
pub const DEFAULT_SESSION_LIFETIME_SECS: i64 = 30 * 24 * 3600;
pub const MIN_SESSION_IDLE_SECS: i64 = 300;
pub const MAX_SESSION_LIFETIME_SECS: i64 = 365 * 24 * 3600;

impl Default for SessionSettings {
    fn default() -> Self {
        Self {
            idle_timeout: DEFAULT_SESSION_IDLE_SECS,
            lifetime: DEFAULT_SESSION_LIFETIME_SECS,
        }
    }
}

impl SessionSettings {
    /// The terms of a session issued at `now`.
    pub fn terms(&self, now: f64) -> SessionTerms {
        SessionTerms {
            expires_at: now + self.lifetime as f64,
            idle_secs: self.idle_timeout,
        }
    }

    fn validate(&self) -> Result<()> {
        let range = MIN_SESSION_IDLE_SECS..=MAX_SESSION_LIFETIME_SECS;
        if !range.contains(&self.idle_timeout) || !range.contains(&self.lifetime) {
            return Err(Error::invalid(
                "session_lifetime",
                "session_idle_timeout and session_lifetime must be 300 to 31536000 seconds",
            ));
        }
        if self.idle_timeout > self.lifetime {
            return Err(Error::invalid(
                "session_idle_timeout",
                "session_idle_timeout must not exceed session_lifetime",
            ));
        }
        Ok(())
    }
}

/// How pushed conversations (seed 001) reach agents, and what connect answers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct RoutingSettings {
    pub strategy: Strategy,
    /// Max concurrent chats of an agent without its own `maxChats`.
    pub max_chats: i64,
    /// Seconds a conversation may wait for an agent before it is finished
    /// with notice 5; 0 never times out.
    pub timeout: i64,
    /// The welcome text connect answers as `template`.
    pub template: String,
    /// The widget configuration connect answers as `config` (a JSON object).
    pub config: serde_json::Value,
    /// Whether a customer's shutdown keeps the transcript (seed 001: no).
    pub keep_transcripts: bool,
    /// Where customers reach the server (connect's `base`); empty: the
    /// server's own address.
    pub base: String,
    /// Lifetime of seed 001 access tokens, in seconds.
    pub access_token_ttl: i64,
}

impl Default for RoutingSettings {
    fn default() -> Self {
        Self {
            strategy: Strategy::default(),
            max_chats: 5,
            timeout: 200,
            template: String::new(),
            config: serde_json::Value::Object(Default::default()),
            keep_transcripts: false,
            base: String::new(),
            access_token_ttl: 7200,
        }
    }
}

/// What an admin changes in [`RoutingSettings`]; `None` keeps the value.
#[derive(Debug, Default)]
pub struct RoutingChanges {
    pub strategy: Option<Strategy>,
    pub max_chats: Option<i64>,
    pub timeout: Option<i64>,
    pub template: Option<String>,
    pub config: Option<serde_json::Value>,
    pub keep_transcripts: Option<bool>,
    pub base: Option<String>,
    pub access_token_ttl: Option<i64>,
}

pub const MAX_TIMEOUT_SECS: i64 = 7 * 24 * 3600;
pub const MAX_TEMPLATE_CHARS: usize = 2000;
pub const MAX_CONFIG_BYTES: usize = 16 * 1024;
pub const MAX_TOKEN_TTL_SECS: i64 = 30 * 24 * 3600;

impl RoutingChanges {
    fn validate(&self) -> Result<()> {
        if let Some(max_chats) = self.max_chats {
            validate_max_chats("max_chats", max_chats)?;
        }
        if self
            .timeout
            .is_some_and(|t| !(0..=MAX_TIMEOUT_SECS).contains(&t))
        {
            return Err(Error::invalid(
                "timeout",
                "timeout must be 0 to 604800 seconds",
            ));
        }
        if let Some(template) = &self.template {
            if template.chars().count() > MAX_TEMPLATE_CHARS {
                return Err(Error::invalid(
                    "template",
                    "template must be at most 2000 characters",
                ));
            }
        }
        if let Some(config) = &self.config {
            if !config.is_object() || config.to_string().len() > MAX_CONFIG_BYTES {
                return Err(Error::invalid(
                    "config",
                    "config must be a JSON object of at most 16 KiB",
                ));
            }
        }
        if let Some(base) = self.base.as_deref().filter(|b| !b.is_empty()) {
            validate_link(base).map_err(|why| {
                Error::invalid("base", format!("base must be empty or a link: it {why}"))
            })?;
        }
        if self
            .access_token_ttl
            .is_some_and(|t| !(1..=MAX_TOKEN_TTL_SECS).contains(&t))
        {
            return Err(Error::invalid(
                "access_token_ttl",
                "access_token_ttl must be 1 to 2592000 seconds",
            ));
        }
        Ok(())
    }

    fn apply(&self, r: &mut RoutingSettings) {
        if let Some(v) = self.strategy {
            r.strategy = v;
        }
        if let Some(v) = self.max_chats {
            r.max_chats = v;
        }
        if let Some(v) = self.timeout {
            r.timeout = v;
        }
        if let Some(v) = &self.template {
            r.template.clone_from(v);
        }
        if let Some(v) = &self.config {
            r.config.clone_from(v);
        }
        if let Some(v) = self.keep_transcripts {
            r.keep_transcripts = v;
        }
        if let Some(v) = &self.base {
            r.base = v.trim_end_matches('/').to_owned();
        }
        if let Some(v) = self.access_token_ttl {
            r.access_token_ttl = v;
        }
    }
}

/// The status names of one module, e.g. 在线/忙碌/离开/离线.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlateStates {
    pub names: Vec<String>,
    /// The one name that means "accepts work" (routing reads module 2's).
    pub accepting: String,
    /// The status of an agent no one has set one for.
    pub initial: String,
}

impl Default for PlateStates {
    fn default() -> Self {
        Self {
            names: ["在线", "忙碌", "离开", "离线"].map(String::from).to_vec(),
            accepting: "在线".to_owned(),
            initial: "离线".to_owned(),
        }
    }
}

impl Default for TenantSettings {
    fn default() -> Self {
        Self {
            utc_offset_minutes: UtcOffset::CHINA.minutes(),
            default_password_hash: None,
            ticket_states: PlateStates::default(),
            chat_states: PlateStates::default(),
            call_states: PlateStates::default(),
            custom_fields: Vec::new(),
            routing: RoutingSettings::default(),
            sessions: SessionSettings::default(),
            embedding: EmbeddingSettings::default(),
        }
    }
}

impl TenantSettings {
    pub fn utc_offset(&self) -> UtcOffset {
        UtcOffset::from_minutes(i64::from(self.utc_offset_minutes)).unwrap_or(UtcOffset::CHINA)
    }

    pub fn states(&self, plate: Plate) -> &PlateStates {
        match plate {
            Plate::Tickets => &self.ticket_states,
            Plate::OnlineChat => &self.chat_states,
            Plate::CallCenter => &self.call_states,
        }
    }

    fn states_mut(&mut self, plate: Plate) -> &mut PlateStates {
        match plate {
            Plate::Tickets => &mut self.ticket_states,
            Plate::OnlineChat => &mut self.chat_states,
            Plate::CallCenter => &mut self.call_states,
        }
    }
}

/// What an admin changes; `None` keeps the current value.
#[derive(Debug, Default)]
pub struct SettingsChanges {
    pub utc_offset_minutes: Option<i64>,
    /// `Some("")` removes the default password.
    pub default_password: Option<String>,
    pub states: Vec<(Plate, PlateStates)>,
    pub custom_fields: Option<Vec<FieldDef>>,
    pub routing: RoutingChanges,
    pub session_idle_timeout: Option<i64>,
    pub session_lifetime: Option<i64>,
    pub allowed_origins: Option<Vec<String>>,
    pub frame_ancestors: Option<Vec<String>>,
}

pub const MAX_STATES: usize = 20;
pub const MAX_STATE_CHARS: usize = 20;

impl PlateStates {
    fn validate(&self) -> Result<()> {
        if self.names.is_empty() || self.names.len() > MAX_STATES {
            return Err(Error::invalid(
                "states",
                "a module has 1 to 20 status names",
            ));
        }
        for (i, name) in self.names.iter().enumerate() {
            let len = name.chars().count();
            if name.trim().is_empty() || len > MAX_STATE_CHARS || name.chars().any(char::is_control)
            {
                return Err(Error::invalid(
                    "states",
                    "each status name is 1 to 20 characters",
                ));
            }
            if self.names[..i].contains(name) {
                return Err(Error::invalid(
                    "states",
                    format!("status {name:?} is listed twice"),
                ));
            }
        }
        if !self.names.contains(&self.accepting) {
            return Err(Error::invalid(
                "accepting",
                "accepting must be one of the status names",
            ));
        }
        if !self.names.contains(&self.initial) {
            return Err(Error::invalid(
                "initial",
                "initial must be one of the status names",
            ));
        }
        Ok(())
    }
}

impl Engine {
    pub async fn settings(&self, tenant_id: i64) -> Result<TenantSettings> {
        let raw = self.store.tenant_settings(tenant_id).await?;
        Ok(parse_settings(&raw))
    }

    /// Applies an admin's changes, all or none.
    pub async fn update_settings(
        &self,
        admin: &Admin,
        changes: SettingsChanges,
    ) -> Result<TenantSettings> {
        admin.require_admin()?;
        let tenant_id = admin.tenant_id();
        if let Some(minutes) = changes.utc_offset_minutes {
            UtcOffset::from_minutes(minutes).ok_or_else(|| {
                Error::invalid("utc_offset", "utc_offset must be -14 to 14 hours")
            })?;
        }
        for (_, states) in &changes.states {
            states.validate()?;
        }
        changes.routing.validate()?;
        if let Some(defs) = &changes.custom_fields {
            custom_fields::validate_defs(defs)
                .map_err(|e| Error::invalid("custom_fields", e.to_string()))?;
        }
        let origins =
            |field: &'static str, list: &Option<Vec<String>>| -> Result<Option<Vec<String>>> {
                list.as_deref()
                    .map(|list| {
                        origin::parse_list(list)
                            .map(|l| l.iter().map(|o| o.as_str().to_owned()).collect())
                            .map_err(|why| Error::invalid(field, format!("{field}: {why}")))
                    })
                    .transpose()
            };
        let allowed_origins = origins("allowed_origins", &changes.allowed_origins)?;
        let frame_ancestors = origins("frame_ancestors", &changes.frame_ancestors)?;
        let password_hash = match changes.default_password.as_deref() {
            None => None,
            Some("") => Some(None),
            Some(password) => {
                validate_password(password)?;
                Some(Some(hash_password(password.to_owned()).await?))
            }
        };
        // Compare-and-swap on the whole document: concurrent admins never
        // undo each other's changes to other settings.
        loop {
            let seen = self.store.tenant_settings(tenant_id).await?;
            let mut settings = parse_settings(&seen);
            if let Some(minutes) = changes.utc_offset_minutes {
                settings.utc_offset_minutes = i32::try_from(minutes).unwrap_or_default();
            }
            if let Some(hash) = &password_hash {
                settings.default_password_hash.clone_from(hash);
            }
            for (plate, states) in &changes.states {
                *settings.states_mut(*plate) = states.clone();
            }
            if let Some(defs) = &changes.custom_fields {
                settings.custom_fields.clone_from(defs);
            }
            changes.routing.apply(&mut settings.routing);
            if let Some(idle) = changes.session_idle_timeout {
                settings.sessions.idle_timeout = idle;
            }
            if let Some(lifetime) = changes.session_lifetime {
                settings.sessions.lifetime = lifetime;
            }
            settings.sessions.validate()?;
            if let Some(list) = &allowed_origins {
                settings.embedding.allowed_origins.clone_from(list);
            }
            if let Some(list) = &frame_ancestors {
                settings.embedding.frame_ancestors.clone_from(list);
            }
            let json = serde_json::to_string(&settings)
                .map_err(|e| Error::Internal(format!("settings do not serialize: {e}")))?;
            if self
                .store
                .replace_tenant_settings(tenant_id, &seen, &json)
                .await?
            {
                let old = parse_settings(&seen);
                if settings.sessions != old.sessions {
                    let SessionSettings {
                        idle_timeout,
                        lifetime,
                    } = settings.sessions;
                    self.store
                        .retime_sessions(tenant_id, lifetime, idle_timeout)
                        .await?;
                    // This node reads sessions afresh now; others within
                    // the minute they remember one for.
                    self.forget_sessions();
                }
                let old_timeout = old.routing.timeout;
                if settings.routing.timeout != old_timeout {
                    self.store
                        .retime_waiting(tenant_id, old_timeout, settings.routing.timeout, now())
                        .await?;
                }
                if settings.embedding != old.embedding {
                    self.cors_origins.forget();
                }
                // More capacity, another strategy or status names may let the queue move.
                self.drain(tenant_id).await?;
                return Ok(settings);
            }
        }
    }
}

/// A stored document that no longer parses falls back to the defaults (and
/// says so in the log) rather than locking the tenant out.
pub(super) fn parse_settings(raw: &str) -> TenantSettings {
    serde_json::from_str(raw).unwrap_or_else(|e| {
        tracing::error!(error = %e, "tenant settings do not parse; using defaults");
        TenantSettings::default()
    })
}
