//! Agent administration (seed 002): profiles, the recycle bin, departments,
//! custom fields, the call-center permission and per-module status. Every
//! call acts as an [`Admin`] caller (an agent proved by Basic auth) and stays
//! inside the caller's tenant.

use serde_json::Value;

use super::settings::TenantSettings;
use super::tenants::{hash_password, validate_password};
use super::{Engine, Entity, Error, Result};
use crate::domain::agent::{may_edit, validate_field, GENDERS};
use crate::domain::custom_fields::{self, FieldValue};
use crate::ids::now;
use crate::storage::{
    is_unique_violation, AgentProfile, AgentQuery, AgentRow, NewAgent, Plate, ProfileWrite,
    UnknownGroup,
};

/// An agent acting through the administration API, with its tenant's settings.
#[derive(Clone, Debug)]
pub struct Admin {
    pub agent: AgentRow,
    pub settings: TenantSettings,
}

impl Admin {
    pub fn tenant_id(&self) -> i64 {
        self.agent.tenant_id
    }

    /// Seed 002's 管理员 permission.
    pub fn require_admin(&self) -> Result<()> {
        if self.agent.is_admin {
            Ok(())
        } else {
            Err(Error::Forbidden("only an administrator may do this"))
        }
    }
}

/// An agent as the administration API shows it.
#[derive(Clone, Debug)]
pub struct AgentView {
    pub agent: AgentRow,
    /// Department ids, ascending.
    pub group_ids: Vec<i64>,
    /// Values of the fields the tenant defines, in definition order.
    pub custom_fields: Vec<FieldValue>,
}

/// A create or an update; `None` leaves a field as it is (or at its default).
#[derive(Clone, Debug, Default)]
pub struct AgentChanges {
    /// `sPassportName`: given on create only (it never changes).
    pub account: Option<String>,
    pub password: Option<String>,
    pub num: Option<String>,
    pub name: Option<String>,
    pub gender: Option<i64>,
    pub email: Option<String>,
    pub fixnumber: Option<String>,
    pub mobile: Option<String>,
    pub qq: Option<String>,
    pub is_admin: Option<bool>,
    pub group_ids: Option<Vec<i64>>,
    /// The `custom_fields` list as sent.
    pub custom_fields: Option<Value>,
    /// `isStat` 0 (recycle bin) or 1 (active).
    pub is_stat: Option<i64>,
    /// kefu's `maxChats`: `Some(None)` returns the agent to the tenant default.
    pub max_chats: Option<Option<i64>>,
}

/// The most concurrent chats an agent (or a tenant default) may allow.
pub const MAX_CHATS_LIMIT: i64 = 1000;

/// Checks a max-concurrent-chats value (0 takes no pushed chats).
pub fn validate_max_chats(field: &'static str, value: i64) -> Result<()> {
    if (0..=MAX_CHATS_LIMIT).contains(&value) {
        Ok(())
    } else {
        Err(Error::invalid(
            field,
            format!("{field} must be 0 to {MAX_CHATS_LIMIT}"),
        ))
    }
}

impl AgentChanges {
    /// Whether it changes `isAdmin`, `groupId`, `isStat` or `maxChats`
    /// (sending back the values an agent already has is not a change).
    fn changes_privileged(&self, current: &AgentRow, current_groups: &[i64]) -> bool {
        let groups_differ = self.group_ids.as_ref().is_some_and(|groups| {
            let mut groups = groups.clone();
            groups.sort_unstable();
            groups.dedup();
            groups != current_groups
        });
        self.is_admin.is_some_and(|v| v != current.is_admin)
            || self.is_stat.is_some_and(|v| v != current.is_stat)
            || self.max_chats.is_some_and(|v| v != current.max_chats)
            || groups_differ
    }

    /// Validates every given field and applies them onto `profile`.
    fn apply(
        &self,
        settings: &TenantSettings,
        profile: &mut AgentProfile,
        creating: bool,
    ) -> Result<()> {
        let texts = [
            ("sNum", &self.num, &mut profile.num),
            ("name", &self.name, &mut profile.name),
            ("email", &self.email, &mut profile.email),
            ("fixnumber", &self.fixnumber, &mut profile.fixnumber),
            ("mobile", &self.mobile, &mut profile.mobile),
            ("QQ", &self.qq, &mut profile.qq),
        ];
        for (field, given, slot) in texts {
            if let Some(value) = given {
                validate_field(field, value).map_err(|reason| invalid_field(field, reason))?;
                slot.clone_from(value);
            }
        }
        if let Some(gender) = self.gender {
            if !GENDERS.contains(&gender) {
                return Err(Error::invalid(
                    "gnder",
                    "gnder must be 1 (female) or 2 (male)",
                ));
            }
            profile.gender = gender;
        }
        if let Some(is_admin) = self.is_admin {
            profile.is_admin = is_admin;
        }
        if let Some(max_chats) = self.max_chats {
            if let Some(value) = max_chats {
                validate_max_chats("maxChats", value)?;
            }
            profile.max_chats = max_chats;
        }
        if let Some(groups) = &self.group_ids {
            let mut groups = groups.clone();
            groups.sort_unstable();
            groups.dedup();
            profile.group_ids = Some(groups);
        }
        let existing: Vec<FieldValue> =
            serde_json::from_str(&profile.custom_fields).unwrap_or_default();
        let values = match &self.custom_fields {
            Some(input) => {
                custom_fields::apply_values(&settings.custom_fields, &existing, input, creating)
                    .map_err(|e| Error::invalid("custom_fields", e.to_string()))?
            }
            None if creating => custom_fields::apply_values(
                &settings.custom_fields,
                &[],
                &Value::Array(Vec::new()),
                true,
            )
            .map_err(|e| Error::invalid("custom_fields", e.to_string()))?,
            None => custom_fields::retain_defined(&settings.custom_fields, &existing),
        };
        profile.custom_fields = serde_json::to_string(&values)
            .map_err(|e| Error::Internal(format!("custom fields do not serialize: {e}")))?;
        Ok(())
    }
}

/// Field names are the seed's, which are not `'static` strings in general.
fn invalid_field(field: &'static str, reason: &str) -> Error {
    Error::invalid(field, format!("{field} {reason}"))
}

fn profile_of(agent: &AgentRow) -> AgentProfile {
    AgentProfile {
        num: agent.num.clone(),
        name: agent.name.clone(),
        gender: agent.gender,
        email: agent.email.clone(),
        fixnumber: agent.fixnumber.clone(),
        mobile: agent.mobile.clone(),
        qq: agent.qq.clone(),
        is_admin: agent.is_admin,
        custom_fields: agent.custom_fields.clone(),
        max_chats: agent.max_chats,
        group_ids: None,
    }
}

impl Engine {
    /// One page of the tenant's agents (never purged ones) and the total.
    pub async fn list_agents(
        &self,
        admin: &Admin,
        mut query: AgentQuery,
    ) -> Result<(Vec<AgentView>, i64)> {
        admin.require_admin()?;
        query.tenant_id = admin.tenant_id();
        let (rows, count) = self.store.list_agents(&query).await?;
        Ok((self.views(admin, rows).await?, count))
    }

    /// Seed 002 `show_many`: the listed agents that exist, in id order.
    pub async fn agents_by_ids(&self, admin: &Admin, ids: &[i64]) -> Result<Vec<AgentView>> {
        admin.require_admin()?;
        let rows = self.store.agents_by_ids(admin.tenant_id(), ids).await?;
        self.views(admin, rows).await
    }

    /// Any agent of the tenant may look at any other (seed 002: 所有客服).
    pub async fn agent_view(&self, admin: &Admin, id: i64) -> Result<AgentView> {
        let row = self.listed_agent(admin, id).await?;
        let mut views = self.views(admin, vec![row]).await?;
        views.pop().ok_or(Error::NotFound(Entity::Agent))
    }

    /// Creates an agent. Without a password it gets the tenant's default one.
    pub async fn admin_create_agent(
        &self,
        admin: &Admin,
        changes: AgentChanges,
    ) -> Result<AgentView> {
        admin.require_admin()?;
        let id = self
            .insert_agent(admin.tenant_id(), &admin.settings, &changes)
            .await?;
        self.agent_view(admin, id).await
    }

    /// Creates an agent of a tenant, without an admin caller (test set-up
    /// and tools; the API goes through [`Engine::admin_create_agent`]).
    pub async fn create_agent(
        &self,
        tenant_id: i64,
        account: &str,
        password: &str,
        name: &str,
        is_admin: bool,
    ) -> Result<i64> {
        let settings = self.settings(tenant_id).await?;
        let changes = AgentChanges {
            account: Some(account.to_owned()),
            password: Some(password.to_owned()),
            num: Some(account.to_owned()),
            name: Some(name.to_owned()),
            is_admin: Some(is_admin),
            ..AgentChanges::default()
        };
        self.insert_agent(tenant_id, &settings, &changes).await
    }

    async fn insert_agent(
        &self,
        tenant_id: i64,
        settings: &TenantSettings,
        changes: &AgentChanges,
    ) -> Result<i64> {
        let account = changes
            .account
            .as_deref()
            .ok_or(Error::invalid("sPassportName", "sPassportName is required"))?;
        validate_field("sPassportName", account).map_err(|r| invalid_field("sPassportName", r))?;
        if changes.num.is_none() {
            return Err(Error::invalid("sNum", "sNum is required"));
        }
        let mut profile = AgentProfile {
            gender: 1,
            group_ids: Some(Vec::new()),
            ..AgentProfile::default()
        };
        changes.apply(settings, &mut profile, true)?;
        let password_hash = match (&changes.password, &settings.default_password_hash) {
            (Some(password), _) => {
                validate_password(password)?;
                hash_password(password.clone()).await?
            }
            (None, Some(hash)) => hash.clone(),
            (None, None) => {
                return Err(Error::invalid(
                    "password",
                    "password is required: the tenant has no default agent password",
                ))
            }
        };
        let created = self
            .store
            .insert_agent(&NewAgent {
                tenant_id,
                account,
                password_hash: &password_hash,
                profile: &profile,
                now: now(),
            })
            .await;
        match created {
            Ok(Ok(id)) => Ok(id),
            Ok(Err(UnknownGroup)) => Err(unknown_group()),
            // Accounts are unique on the whole server.
            Err(e) if is_unique_violation(&e) => Err(Error::Taken {
                field: "sPassportName",
                reason: "the sPassportName is already taken",
            }),
            Err(e) => Err(e.into()),
        }
    }

    /// Updates a profile: admins anyone's, agents their own (not `isAdmin`,
    /// `groupId` or `isStat`). `sPassportName` never changes.
    pub async fn update_agent(
        &self,
        admin: &Admin,
        id: i64,
        changes: AgentChanges,
    ) -> Result<AgentView> {
        if !may_edit(admin.agent.id, admin.agent.is_admin, id, false) {
            return Err(Error::Forbidden("an agent may change only its own profile"));
        }
        if changes.is_stat.is_some_and(|stat| stat != 0 && stat != 1) {
            return Err(Error::invalid(
                "isStat",
                "isStat must be 0 (recycle bin) or 1 (active)",
            ));
        }
        let current = self.listed_agent(admin, id).await?;
        let current_groups: Vec<i64> = self
            .store
            .groups_of_agents(admin.tenant_id(), &[id])
            .await?
            .into_iter()
            .map(|(_, group)| group)
            .collect();
        if !may_edit(
            admin.agent.id,
            admin.agent.is_admin,
            id,
            changes.changes_privileged(&current, &current_groups),
        ) {
            return Err(Error::Forbidden(
                "an agent cannot change its own isAdmin, groupId, isStat or maxChats",
            ));
        }
        if let Some(account) = &changes.account {
            if *account != current.account {
                return Err(Error::invalid(
                    "sPassportName",
                    "sPassportName cannot be changed",
                ));
            }
        }
        if admin.agent.is_admin
            && id == admin.agent.id
            && (changes.is_admin == Some(false) || changes.is_stat == Some(0))
        {
            return Err(Error::Conflict(
                "an administrator cannot demote or delete itself",
            ));
        }
        let password_hash = match &changes.password {
            Some(password) => {
                validate_password(password)?;
                Some(hash_password(password.clone()).await?)
            }
            None => None,
        };
        let mut seen = current;
        loop {
            let mut profile = profile_of(&seen);
            changes.apply(&admin.settings, &mut profile, false)?;
            let written = self
                .store
                .update_agent(
                    admin.tenant_id(),
                    id,
                    &ProfileWrite {
                        profile: &profile,
                        password_hash: password_hash.as_deref(),
                        is_stat: changes.is_stat,
                        seen_updated_at: seen.updated_at,
                        now: now(),
                    },
                )
                .await?;
            match written {
                Some(Ok(())) => break,
                Some(Err(UnknownGroup)) => return Err(unknown_group()),
                // Changed meanwhile: apply the changes onto the new version.
                None => seen = self.listed_agent(admin, id).await?,
            }
        }
        // A new password must be proved again; the recycle bin ends work.
        if password_hash.is_some() {
            self.end_agent_sessions(admin.tenant_id(), id, None).await?;
        } else if changes.is_stat == Some(0) {
            self.close_agent_sockets(admin.tenant_id(), id, None);
        }
        self.agent_changed(admin.tenant_id(), id).await?;
        self.agent_view(admin, id).await
    }

    /// Seed 002 delete: an active agent goes to the recycle bin (0); one
    /// already there is purged (2), after which it is gone for good.
    pub async fn delete_agent(&self, admin: &Admin, id: i64) -> Result<AgentView> {
        admin.require_admin()?;
        if id == admin.agent.id {
            return Err(Error::Conflict("an administrator cannot delete itself"));
        }
        let view = self.agent_view(admin, id).await?;
        let (from, to) = if view.agent.is_active() {
            (1, 0)
        } else {
            (0, 2)
        };
        if !self
            .store
            .set_agent_stat(admin.tenant_id(), id, &[from], to, now())
            .await?
        {
            return Err(Error::Conflict("the agent was changed meanwhile; retry"));
        }
        self.close_agent_sockets(admin.tenant_id(), id, None);
        self.agent_changed(admin.tenant_id(), id).await?;
        Ok(AgentView {
            agent: AgentRow {
                is_stat: to,
                ..view.agent
            },
            ..view
        })
    }

    /// Seed 002 `servicers`: `isStat` 1 restores from the recycle bin, 0 moves
    /// there. A purged agent cannot come back.
    pub async fn set_agent_stat(&self, admin: &Admin, id: i64, is_stat: i64) -> Result<()> {
        admin.require_admin()?;
        match is_stat {
            0 if id == admin.agent.id => {
                return Err(Error::Conflict("an administrator cannot delete itself"))
            }
            0 | 1 => {}
            _ => {
                return Err(Error::invalid(
                    "isStat",
                    "isStat must be 0 (recycle bin) or 1 (active)",
                ))
            }
        }
        if !self
            .store
            .set_agent_stat(admin.tenant_id(), id, &[0, 1], is_stat, now())
            .await?
        {
            return Err(Error::NotFound(Entity::Agent));
        }
        if is_stat == 0 {
            self.close_agent_sockets(admin.tenant_id(), id, None);
        }
        self.agent_changed(admin.tenant_id(), id).await
    }

    /// Opens or closes the call-center module (seed 002 `mType` 4).
    pub async fn set_call_center(&self, admin: &Admin, id: i64, open: bool) -> Result<()> {
        admin.require_admin()?;
        if !self
            .store
            .set_call_center(admin.tenant_id(), id, open)
            .await?
        {
            return Err(Error::NotFound(Entity::Agent));
        }
        Ok(())
    }

    /// Whether the call-center module is open for an agent.
    pub async fn call_center(&self, admin: &Admin, id: i64) -> Result<bool> {
        admin.require_admin()?;
        Ok(self.listed_agent(admin, id).await?.call_center)
    }

    /// An agent's status name in one module.
    pub async fn agent_state(&self, admin: &Admin, id: i64, plate: Plate) -> Result<String> {
        admin.require_admin()?;
        let agent = self.listed_agent(admin, id).await?;
        Ok(current_state(&admin.settings, &agent, plate))
    }

    /// Sets an agent's status in one module to one of the tenant's names.
    pub async fn set_agent_state(
        &self,
        admin: &Admin,
        id: i64,
        plate: Plate,
        state: &str,
    ) -> Result<()> {
        admin.require_admin()?;
        let agent = self.listed_agent(admin, id).await?;
        self.change_state(&admin.settings, &agent, plate, state)
            .await
    }

    /// Sets the agent's status in one module (an admin's change, or the
    /// agent's own in the console) and tells every agent.
    pub(super) async fn change_state(
        &self,
        settings: &TenantSettings,
        agent: &AgentRow,
        plate: Plate,
        state: &str,
    ) -> Result<()> {
        if !settings.states(plate).names.iter().any(|n| n == state) {
            return Err(Error::invalid(
                "state",
                "the status name is not one the tenant configured",
            ));
        }
        let tenant_id = agent.tenant_id;
        let accepting = settings.states(plate).accepting == state;
        let logged = (plate == Plate::OnlineChat).then_some(accepting);
        if !self
            .store
            .set_agent_state(tenant_id, agent.id, plate, state, logged)
            .await?
        {
            return Err(Error::NotFound(Entity::Agent));
        }
        self.announce_agent_status(tenant_id, &agent.account, plate, state, accepting);
        if plate == Plate::OnlineChat {
            self.drain(tenant_id).await?;
        }
        Ok(())
    }

    /// An agent of the caller's tenant that is not purged.
    async fn listed_agent(&self, admin: &Admin, id: i64) -> Result<AgentRow> {
        match self.store.agent_by_id(admin.tenant_id(), id).await? {
            Some(agent) if agent.is_stat != 2 => Ok(agent),
            _ => Err(Error::NotFound(Entity::Agent)),
        }
    }

    async fn views(&self, admin: &Admin, rows: Vec<AgentRow>) -> Result<Vec<AgentView>> {
        let ids: Vec<i64> = rows.iter().map(|a| a.id).collect();
        let memberships = self.store.groups_of_agents(admin.tenant_id(), &ids).await?;
        Ok(rows
            .into_iter()
            .map(|agent| {
                let group_ids = memberships
                    .iter()
                    .filter(|(a, _)| *a == agent.id)
                    .map(|(_, g)| *g)
                    .collect();
                let stored: Vec<FieldValue> =
                    serde_json::from_str(&agent.custom_fields).unwrap_or_default();
                let custom_fields =
                    custom_fields::retain_defined(&admin.settings.custom_fields, &stored);
                AgentView {
                    agent,
                    group_ids,
                    custom_fields,
                }
            })
            .collect())
    }
}

/// An agent's status in a module: the one set, or the tenant's initial one.
pub fn current_state(settings: &TenantSettings, agent: &AgentRow, plate: Plate) -> String {
    let set = match plate {
        Plate::Tickets => &agent.ticket_state,
        Plate::OnlineChat => &agent.chat_state,
        Plate::CallCenter => &agent.call_state,
    };
    set.clone()
        .unwrap_or_else(|| settings.states(plate).initial.clone())
}

fn unknown_group() -> Error {
    Error::invalid("groupId", "groupId names a group that does not exist")
}
