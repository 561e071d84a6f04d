//! Tenants: creation (CLI, first start) and credentials; password hashing.

use serde::Serialize;

use super::agents::Admin;
use super::{Engine, Error, Result};
use crate::ids::{now, random_token, sha256_hex};
use crate::storage::{NewTenant, TenantSummary};

/// What a new tenant's owner is shown once: its keys and admin login.
#[derive(Debug, Serialize)]
pub struct TenantCredentials {
    pub tenant_id: i64,
    pub name: String,
    pub api_key: String,
    pub secret_key: String,
    pub admin: AdminLogin,
}

#[derive(Debug, Serialize)]
pub struct AdminLogin {
    /// Seed 003 `serv_id`, seed 002 `sPassportName`.
    pub account: String,
    pub password: String,
    #[serde(rename = "sId")]
    pub agent_id: i64,
}

/// A tenant's keys after a rotation; the secret is shown only now.
#[derive(Debug, Serialize)]
pub struct NewKeys {
    pub tenant_id: i64,
    pub api_key: String,
    pub secret_key: String,
}

pub const MAX_TENANT_NAME: usize = 100;
const API_KEY_LEN: usize = 24;
const SECRET_KEY_LEN: usize = 40;

impl Engine {
    /// Creates a tenant with fresh keys and an `admin` agent with a random password.
    pub async fn create_tenant(&self, name: &str) -> Result<TenantCredentials> {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_TENANT_NAME {
            return Err(Error::invalid("name", "name must be 1 to 100 characters"));
        }
        let api_key = random_token(API_KEY_LEN);
        let secret_key = random_token(SECRET_KEY_LEN);
        let password = random_token(16);
        let password_hash = hash_password(password.clone()).await?;
        let (tenant_id, agent_id, account) = self
            .store
            .create_tenant(&NewTenant {
                name,
                api_key: &api_key,
                secret_hash: &sha256_hex(secret_key.as_bytes()),
                admin_account: "admin",
                admin_password_hash: &password_hash,
                now: now(),
            })
            .await?;
        Ok(TenantCredentials {
            tenant_id,
            name: name.to_owned(),
            api_key,
            secret_key,
            admin: AdminLogin {
                account,
                password,
                agent_id,
            },
        })
    }

    /// Every tenant, for the operator (`kefu tenant list`).
    pub async fn list_tenants(&self) -> Result<Vec<TenantSummary>> {
        Ok(self.store.list_tenants().await?)
    }

    /// The admin's tenant's api_key: public (every page with the widget
    /// carries it), so an admin may read it; the secret is shown only once.
    pub async fn api_key(&self, admin: &Admin) -> Result<String> {
        admin.require_admin()?;
        Ok(self.store.tenant_api_key(admin.tenant_id()).await?)
    }

    /// An admin rotates its tenant's keys ([`Self::rotate_tenant_keys`]).
    pub async fn admin_rotate_keys(&self, admin: &Admin, api_key: bool) -> Result<NewKeys> {
        admin.require_admin()?;
        self.rotate_tenant_keys(admin.tenant_id(), api_key).await
    }

    /// Gives a tenant a new secret_key (and a new api_key with `api_key`),
    /// shown once; access tokens bought with the old secret stop working.
    /// For an operator whose tenant lost its secret (`kefu tenant rotate-keys`).
    pub async fn rotate_tenant_keys(&self, tenant_id: i64, api_key: bool) -> Result<NewKeys> {
        let new_api_key = api_key.then(|| random_token(API_KEY_LEN));
        let secret_key = random_token(SECRET_KEY_LEN);
        let api_key = self
            .store
            .replace_tenant_keys(
                tenant_id,
                new_api_key.as_deref(),
                &sha256_hex(secret_key.as_bytes()),
            )
            .await?
            .ok_or_else(|| Error::invalid("tenant", "no such tenant"))?;
        Ok(NewKeys {
            tenant_id,
            api_key,
            secret_key,
        })
    }

    /// Sets an agent's password (a random one unless given), shown once,
    /// and ends its sessions: for an operator whose admin lost its login
    /// (`kefu agent reset-password`).
    pub async fn reset_password(
        &self,
        account: &str,
        password: Option<String>,
    ) -> Result<AdminLogin> {
        let agent = self
            .store
            .agent_by_login(account)
            .await?
            .filter(|a| a.is_stat != 2)
            .ok_or(Error::NotFound(super::Entity::Agent))?;
        let password = password.unwrap_or_else(|| random_token(16));
        validate_password(&password)?;
        let hash = hash_password(password.clone()).await?;
        if !self
            .store
            .set_agent_password(agent.tenant_id, agent.id, &hash, now())
            .await?
        {
            return Err(Error::NotFound(super::Entity::Agent));
        }
        self.end_agent_sessions(agent.tenant_id, agent.id, None)
            .await?;
        Ok(AdminLogin {
            account: agent.account,
            password,
            agent_id: agent.id,
        })
    }

    /// On a first start (no tenant at all), creates the demo tenant.
    pub async fn ensure_demo_tenant(&self) -> Result<Option<TenantCredentials>> {
        if self.store.tenant_count().await? > 0 {
            return Ok(None);
        }
        self.create_tenant("Demo").await.map(Some)
    }
}

/// Seed 003 `serv_id`: 1–20 characters.
pub fn validate_account(account: &str) -> Result<()> {
    let len = account.chars().count();
    if len == 0 || len > 20 || account.chars().any(char::is_control) {
        return Err(Error::invalid(
            "serv_id",
            "serv_id must be 1 to 20 characters",
        ));
    }
    Ok(())
}

/// Seed 003 `password`: 1–20 characters.
pub fn validate_password(password: &str) -> Result<()> {
    let len = password.chars().count();
    if len == 0 || len > 20 {
        return Err(Error::invalid(
            "password",
            "password must be 1 to 20 characters",
        ));
    }
    Ok(())
}

/// Argon2id with the crate's defaults, on the one password thread (see
/// `passwords.rs`).
pub async fn hash_password(password: String) -> Result<String> {
    super::passwords::hash(password).await
}
