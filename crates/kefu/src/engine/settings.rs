//! Tenant settings an admin changes: time zone, the default password of new
//! agents, the status names of each module, and the agents' custom fields.
//! Stored as one JSON document per tenant; missing keys take their defaults,
//! so settings added later need no migration.

use serde::{Deserialize, Serialize};

use super::agents::Admin;
use super::tenants::{hash_password, validate_password};
use super::{Engine, Error, Result};
use crate::domain::calendar::UtcOffset;
use crate::domain::custom_fields::{self, FieldDef};
use crate::storage::Plate;

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
        if let Some(defs) = &changes.custom_fields {
            custom_fields::validate_defs(defs)
                .map_err(|e| Error::invalid("custom_fields", e.to_string()))?;
        }
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
            let json = serde_json::to_string(&settings)
                .map_err(|e| Error::Internal(format!("settings do not serialize: {e}")))?;
            if self
                .store
                .replace_tenant_settings(tenant_id, &seen, &json)
                .await?
            {
                return Ok(settings);
            }
        }
    }
}

/// A stored document that no longer parses falls back to the defaults (and
/// says so in the log) rather than locking the tenant out.
fn parse_settings(raw: &str) -> TenantSettings {
    serde_json::from_str(raw).unwrap_or_else(|e| {
        tracing::error!(error = %e, "tenant settings do not parse; using defaults");
        TenantSettings::default()
    })
}
