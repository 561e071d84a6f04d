//! Canned replies (快速回答): templates holding question/answer items, per
//! tenant and, optionally, per app.

use sqlx::QueryBuilder;

use super::{Result, Store};
use crate::domain::paging::PageRequest;

#[derive(Clone, Debug)]
pub struct TemplateRow {
    pub id: String,
    pub identify: Option<String>,
    pub title: String,
}

#[derive(Clone, Debug)]
pub struct ItemRow {
    pub id: String,
    pub template_id: String,
    pub question: String,
    pub content: String,
}

/// Templates listed at most, per request (the seed does not page them).
pub const MAX_TEMPLATES: i64 = 500;

impl Store {
    /// The tenant's templates for an app: those of that app and those of all apps.
    pub async fn list_templates(
        &self,
        tenant_id: i64,
        identify: Option<&str>,
    ) -> Result<Vec<TemplateRow>> {
        with_pool!(self, read, pool => {
            let mut q = QueryBuilder::new("SELECT id, identify, title FROM answer_templates WHERE tenant_id = ");
            q.push_bind(tenant_id);
            if let Some(identify) = identify {
                q.push(" AND (identify IS NULL OR identify = ").push_bind(identify.to_owned()).push(")");
            }
            q.push(" ORDER BY id LIMIT ").push_bind(MAX_TEMPLATES);
            let rows = q.build().fetch_all(pool).await?;
            rows.iter().map(|row| Ok(decode!(row => TemplateRow { id, identify, title }))).collect()
        })
    }

    pub async fn template(&self, tenant_id: i64, id: &str) -> Result<Option<TemplateRow>> {
        with_pool!(self, read, pool => {
            let row = sqlx::query("SELECT id, identify, title FROM answer_templates WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(pool)
                .await?;
            row.map(|row| Ok(decode!(&row => TemplateRow { id, identify, title }))).transpose()
        })
    }

    pub async fn insert_template(&self, tenant_id: i64, t: &TemplateRow, now: f64) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query("INSERT INTO answer_templates (id, tenant_id, identify, title, created_at) VALUES ($1, $2, $3, $4, $5)")
                .bind(&t.id)
                .bind(tenant_id)
                .bind(&t.identify)
                .bind(&t.title)
                .bind(now)
                .execute(pool)
                .await?;
            Ok(())
        })
    }

    /// Renames a template; false if the tenant has no such template.
    pub async fn rename_template(&self, tenant_id: i64, id: &str, title: &str) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query("UPDATE answer_templates SET title = $1 WHERE tenant_id = $2 AND id = $3")
                .bind(title)
                .bind(tenant_id)
                .bind(id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    /// Deletes a template and its items; false if the tenant has no such template.
    pub async fn delete_template(&self, tenant_id: i64, id: &str) -> Result<bool> {
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            sqlx::query("DELETE FROM answer_items WHERE tenant_id = $1 AND template_id = $2")
                .bind(tenant_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            let done = sqlx::query("DELETE FROM answer_templates WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(id)
                .execute(&mut *tx)
                .await?;
            tx.commit().await?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn list_items(
        &self,
        tenant_id: i64,
        template_id: &str,
        page: &PageRequest,
    ) -> Result<Vec<ItemRow>> {
        with_pool!(self, read, pool => {
            let rows = items_query(tenant_id, template_id, page).build().fetch_all(pool).await?;
            rows.iter()
                .map(|row| Ok(decode!(row => ItemRow { id, template_id, question, content })))
                .collect()
        })
    }

    pub async fn insert_item(&self, tenant_id: i64, item: &ItemRow, now: f64) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query(
                "INSERT INTO answer_items (id, tenant_id, template_id, question, content, created_at)
                 VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(&item.id)
            .bind(tenant_id)
            .bind(&item.template_id)
            .bind(&item.question)
            .bind(&item.content)
            .bind(now)
            .execute(pool)
            .await?;
            Ok(())
        })
    }

    /// Rewrites an item; false if the tenant has no such item.
    pub async fn update_item(
        &self,
        tenant_id: i64,
        id: &str,
        question: &str,
        content: &str,
    ) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query("UPDATE answer_items SET question = $1, content = $2 WHERE tenant_id = $3 AND id = $4")
                .bind(question)
                .bind(content)
                .bind(tenant_id)
                .bind(id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }

    pub async fn item(&self, tenant_id: i64, id: &str) -> Result<Option<ItemRow>> {
        with_pool!(self, read, pool => {
            let row = sqlx::query("SELECT id, template_id, question, content FROM answer_items WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(id)
                .fetch_optional(pool)
                .await?;
            row.map(|row| Ok(decode!(&row => ItemRow { id, template_id, question, content }))).transpose()
        })
    }

    pub async fn delete_item(&self, tenant_id: i64, id: &str) -> Result<bool> {
        with_pool!(self, write, pool => {
            let done = sqlx::query("DELETE FROM answer_items WHERE tenant_id = $1 AND id = $2")
                .bind(tenant_id)
                .bind(id)
                .execute(pool)
                .await?;
            Ok(done.rows_affected() == 1)
        })
    }
}

/// The SQL of one page of a template's items, for either backend.
pub(super) fn items_query<'a, DB>(
    tenant_id: i64,
    template_id: &str,
    page: &PageRequest,
) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    String: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    let mut q = QueryBuilder::new(
        "SELECT id, template_id, question, content FROM answer_items WHERE tenant_id = ",
    );
    q.push_bind(tenant_id);
    q.push(" AND template_id = ")
        .push_bind(template_id.to_owned());
    push_page!(q, "id", page);
    q
}
