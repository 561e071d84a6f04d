//! Canned replies: agents read them, admins write them.

use super::auth::{check_len, AgentCtx};
use super::{Engine, Entity, Error, Result};
use crate::domain::paging::PageRequest;
use crate::ids::{new_id, now};
use crate::storage::{ItemRow, TemplateRow};

pub const MAX_TEMPLATE_TITLE: usize = 100;
pub const MAX_ITEM_QUESTION: usize = 500;
pub const MAX_ITEM_CONTENT: usize = 5000;

impl Engine {
    pub async fn templates(
        &self,
        a: &AgentCtx,
        identify: Option<&str>,
    ) -> Result<Vec<TemplateRow>> {
        Ok(self.store.list_templates(a.tenant_id(), identify).await?)
    }

    pub async fn template_items(
        &self,
        a: &AgentCtx,
        template_id: &str,
        page: &PageRequest,
    ) -> Result<Vec<ItemRow>> {
        self.existing_template(a, template_id).await?;
        Ok(self
            .store
            .list_items(a.tenant_id(), template_id, page)
            .await?)
    }

    pub async fn create_template(
        &self,
        a: &AgentCtx,
        title: &str,
        identify: Option<&str>,
    ) -> Result<TemplateRow> {
        admin_only(a)?;
        check_len("title", title, 1, MAX_TEMPLATE_TITLE)?;
        let template = TemplateRow {
            id: new_id(),
            identify: identify.map(str::to_owned),
            title: title.to_owned(),
        };
        self.store
            .insert_template(a.tenant_id(), &template, now())
            .await?;
        Ok(template)
    }

    pub async fn rename_template(
        &self,
        a: &AgentCtx,
        template_id: &str,
        title: &str,
    ) -> Result<()> {
        admin_only(a)?;
        check_len("title", title, 1, MAX_TEMPLATE_TITLE)?;
        found(
            self.store
                .rename_template(a.tenant_id(), template_id, title)
                .await?,
            Entity::Template,
        )
    }

    pub async fn delete_template(&self, a: &AgentCtx, template_id: &str) -> Result<()> {
        admin_only(a)?;
        found(
            self.store
                .delete_template(a.tenant_id(), template_id)
                .await?,
            Entity::Template,
        )
    }

    pub async fn create_item(
        &self,
        a: &AgentCtx,
        template_id: &str,
        question: &str,
        content: &str,
    ) -> Result<ItemRow> {
        admin_only(a)?;
        check_item(question, content)?;
        self.existing_template(a, template_id).await?;
        let item = ItemRow {
            id: new_id(),
            template_id: template_id.to_owned(),
            question: question.to_owned(),
            content: content.to_owned(),
        };
        self.store.insert_item(a.tenant_id(), &item, now()).await?;
        Ok(item)
    }

    pub async fn update_item(
        &self,
        a: &AgentCtx,
        item_id: &str,
        question: &str,
        content: &str,
    ) -> Result<ItemRow> {
        admin_only(a)?;
        check_item(question, content)?;
        found(
            self.store
                .update_item(a.tenant_id(), item_id, question, content)
                .await?,
            Entity::Item,
        )?;
        self.store
            .item(a.tenant_id(), item_id)
            .await?
            .ok_or(Error::NotFound(Entity::Item))
    }

    pub async fn delete_item(&self, a: &AgentCtx, item_id: &str) -> Result<()> {
        admin_only(a)?;
        found(
            self.store.delete_item(a.tenant_id(), item_id).await?,
            Entity::Item,
        )
    }

    async fn existing_template(&self, a: &AgentCtx, template_id: &str) -> Result<TemplateRow> {
        self.store
            .template(a.tenant_id(), template_id)
            .await?
            .ok_or(Error::NotFound(Entity::Template))
    }
}

fn admin_only(a: &AgentCtx) -> Result<()> {
    if a.agent.is_admin {
        Ok(())
    } else {
        Err(Error::Forbidden(
            "only administrators may change canned replies",
        ))
    }
}

fn check_item(question: &str, content: &str) -> Result<()> {
    check_len("question", question, 1, MAX_ITEM_QUESTION)?;
    check_len("content", content, 1, MAX_ITEM_CONTENT)
}

fn found(done: bool, what: Entity) -> Result<()> {
    if done {
        Ok(())
    } else {
        Err(Error::NotFound(what))
    }
}
