//! Webhooks: URLs of the enterprise's own systems that receive the tenant's
//! events, signed with a secret kefu issues (crate::webhooks delivers them).
//! Admins create, list, change and delete them and read their delivery log.
//!
//! A webhook that does not exist or belongs to another tenant is
//! `NotFound(Entity::Webhook)` either way: the dialect says "not found".

use super::agents::Admin;
use super::{Engine, Entity, Error, Result};
use crate::domain::link::validate_link;
use crate::ids::{now, random_token};
use crate::storage::{DeliveryRow, NewWebhook, WebhookRow, WebhookWrite};
use crate::webhooks::{egress, filter};

/// Webhooks a tenant may have.
pub const MAX_WEBHOOKS: i64 = 20;
/// How every signing secret starts (so it is recognisable in a config file).
pub const SECRET_PREFIX: &str = "whsec_";
/// Random characters after the prefix (about 190 bits).
pub const SECRET_CHARS: usize = 32;

/// A webhook as admins see it: never its secret.
#[derive(Clone, Debug)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    /// Event names, or `["*"]`.
    pub events: Vec<String>,
    pub active: bool,
    pub created_at: f64,
    pub updated_at: f64,
}

impl From<WebhookRow> for WebhookView {
    fn from(w: WebhookRow) -> Self {
        Self {
            id: w.id,
            events: filter::names(&w.events),
            url: w.url,
            active: w.active,
            created_at: w.created_at,
            updated_at: w.updated_at,
        }
    }
}

/// A new webhook with its signing secret, shown this once.
#[derive(Clone, Debug)]
pub struct CreatedWebhook {
    pub webhook: WebhookView,
    pub secret: String,
}

/// What an admin sends; `None` is "not given".
#[derive(Clone, Debug, Default)]
pub struct WebhookInput {
    pub url: Option<String>,
    pub events: Option<Vec<String>>,
    pub active: Option<bool>,
}

pub type DeliveryView = DeliveryRow;

fn checked_url(url: &str) -> Result<String> {
    let url = url.trim();
    if url.is_empty() {
        return Err(Error::invalid("url", "url is required"));
    }
    validate_link(url).map_err(|why| Error::invalid("url", format!("url {why}")))?;
    Ok(url.to_owned())
}

fn checked_events(events: &[String]) -> Result<String> {
    filter::parse(events).map_err(|why| Error::invalid("events", why))
}

fn checked(input: &WebhookInput) -> Result<WebhookWrite> {
    Ok(WebhookWrite {
        url: input.url.as_deref().map(checked_url).transpose()?,
        events: input.events.as_deref().map(checked_events).transpose()?,
        active: input.active,
    })
}

impl Engine {
    /// Creates a webhook (`url` and `events` required, `active` default
    /// true). It receives events stored from now on, not earlier ones.
    pub async fn create_webhook(
        &self,
        admin: &Admin,
        input: &WebhookInput,
    ) -> Result<CreatedWebhook> {
        admin.require_admin()?;
        let write = checked(input)?;
        self.check_reachable(&write).await?;
        let url = write
            .url
            .ok_or_else(|| Error::invalid("url", "url is required"))?;
        let events = write
            .events
            .ok_or_else(|| Error::invalid("events", "events is required"))?;
        let secret = format!("{SECRET_PREFIX}{}", random_token(SECRET_CHARS));
        let new = NewWebhook {
            tenant_id: admin.tenant_id(),
            url,
            events,
            secret: secret.clone(),
            active: write.active.unwrap_or(true),
        };
        let id = self
            .store
            .insert_webhook(&new, MAX_WEBHOOKS, now())
            .await?
            .ok_or(Error::Conflict("a tenant may have at most 20 webhooks"))?;
        let webhook = match self.webhook(admin, id).await {
            Err(Error::NotFound(_)) => Err(Error::Internal("a created webhook is gone".into())),
            found => found,
        }?;
        Ok(CreatedWebhook { webhook, secret })
    }

    /// Refuses a URL whose host is internal (loopback, private, link-local,
    /// cloud metadata), unless the operator allows it.
    async fn check_reachable(&self, write: &WebhookWrite) -> Result<()> {
        let Some(url) = &write.url else { return Ok(()) };
        match egress::refusal(url, &self.webhook_hosts).await {
            Some(why) => Err(Error::invalid("url", why)),
            None => Ok(()),
        }
    }

    pub async fn webhook(&self, admin: &Admin, id: i64) -> Result<WebhookView> {
        admin.require_admin()?;
        self.store
            .webhook(admin.tenant_id(), id)
            .await?
            .map(WebhookView::from)
            .ok_or(Error::NotFound(Entity::Webhook))
    }

    /// One page of the tenant's webhooks by id, and their number.
    pub async fn list_webhooks(
        &self,
        admin: &Admin,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<WebhookView>, i64)> {
        admin.require_admin()?;
        let (rows, count) = self
            .store
            .list_webhooks(admin.tenant_id(), limit, offset)
            .await?;
        Ok((rows.into_iter().map(WebhookView::from).collect(), count))
    }

    /// Changes the fields given; the secret never changes (delete and
    /// create again to rotate it). Switched back on, a webhook receives
    /// events stored from then on.
    pub async fn update_webhook(
        &self,
        admin: &Admin,
        id: i64,
        input: &WebhookInput,
    ) -> Result<WebhookView> {
        admin.require_admin()?;
        let write = checked(input)?;
        self.check_reachable(&write).await?;
        if !self
            .store
            .update_webhook(admin.tenant_id(), id, &write, now())
            .await?
        {
            return Err(Error::NotFound(Entity::Webhook));
        }
        self.webhook(admin, id).await
    }

    /// Deletes a webhook and its log; answers it as it was.
    pub async fn delete_webhook(&self, admin: &Admin, id: i64) -> Result<WebhookView> {
        let webhook = self.webhook(admin, id).await?;
        if !self.store.delete_webhook(admin.tenant_id(), id).await? {
            return Err(Error::NotFound(Entity::Webhook));
        }
        Ok(webhook)
    }

    /// One page of a webhook's delivery log, newest first, and its length.
    pub async fn webhook_deliveries(
        &self,
        admin: &Admin,
        id: i64,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<DeliveryView>, i64)> {
        self.webhook(admin, id).await?;
        Ok(self
            .store
            .list_deliveries(admin.tenant_id(), id, limit, offset)
            .await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_must_be_http_links() {
        assert_eq!(
            checked_url(" https://hooks.example.com/kefu ")
                .ok()
                .as_deref(),
            Some("https://hooks.example.com/kefu")
        );
        assert!(checked_url("http://127.0.0.1:8080/hook").is_ok());
        for bad in ["", "ftp://example.com", "https://", "https://a b"] {
            assert!(
                matches!(checked_url(bad), Err(Error::Invalid { field: "url", .. })),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn an_update_checks_only_what_it_changes() {
        let input = WebhookInput {
            active: Some(false),
            ..Default::default()
        };
        let write = checked(&input).ok();
        assert!(write.is_some_and(|w| w.url.is_none() && w.events.is_none()));
        let input = WebhookInput {
            events: Some(vec!["nope".into()]),
            ..Default::default()
        };
        assert!(matches!(
            checked(&input),
            Err(Error::Invalid {
                field: "events",
                ..
            })
        ));
    }
}
