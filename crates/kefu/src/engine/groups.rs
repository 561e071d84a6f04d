//! Departments (部门/分组): admins create, rename, list and delete them; an
//! agent's `groupId` names them, and routing filters by them.

use super::agents::{Admin, AgentView};
use super::{Engine, Entity, Error, Result};
use crate::ids::now;
use crate::storage::{is_unique_violation, AgentQuery, GroupRow};

pub type GroupView = GroupRow;

pub const MAX_GROUP_NAME: usize = 30;

fn validate_name(name: &str) -> Result<&str> {
    let name = name.trim();
    if name.is_empty()
        || name.chars().count() > MAX_GROUP_NAME
        || name.chars().any(char::is_control)
    {
        return Err(Error::invalid("name", "name must be 1 to 30 characters"));
    }
    Ok(name)
}

fn taken(e: sqlx::Error) -> Error {
    if is_unique_violation(&e) {
        Error::Taken {
            field: "name",
            reason: "a group with this name already exists",
        }
    } else {
        e.into()
    }
}

impl Engine {
    pub async fn create_group(&self, admin: &Admin, name: &str) -> Result<GroupView> {
        admin.require_admin()?;
        let name = validate_name(name)?;
        let id = self
            .store
            .insert_group(admin.tenant_id(), name, now())
            .await
            .map_err(taken)?;
        self.group(admin, id).await
    }

    pub async fn rename_group(&self, admin: &Admin, id: i64, name: &str) -> Result<GroupView> {
        admin.require_admin()?;
        let name = validate_name(name)?;
        if !self
            .store
            .rename_group(admin.tenant_id(), id, name, now())
            .await
            .map_err(taken)?
        {
            return Err(Error::NotFound(Entity::Group));
        }
        self.group(admin, id).await
    }

    /// Deletes a department; its agents stay, without it, and conversations
    /// waiting for it may go to any agent.
    pub async fn delete_group(&self, admin: &Admin, id: i64) -> Result<GroupView> {
        let group = self.group(admin, id).await?;
        if !self.store.delete_group(admin.tenant_id(), id).await? {
            return Err(Error::NotFound(Entity::Group));
        }
        self.drain(admin.tenant_id()).await?;
        Ok(group)
    }

    pub async fn group(&self, admin: &Admin, id: i64) -> Result<GroupView> {
        admin.require_admin()?;
        self.store
            .group(admin.tenant_id(), id)
            .await?
            .ok_or(Error::NotFound(Entity::Group))
    }

    pub async fn list_groups(
        &self,
        admin: &Admin,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<GroupView>, i64)> {
        admin.require_admin()?;
        Ok(self
            .store
            .list_groups(admin.tenant_id(), limit, offset)
            .await?)
    }

    /// One page of a department's agents.
    pub async fn group_members(
        &self,
        admin: &Admin,
        id: i64,
        mut query: AgentQuery,
    ) -> Result<(Vec<AgentView>, i64)> {
        self.group(admin, id).await?;
        query.group_id = Some(id);
        self.list_agents(admin, query).await
    }
}
