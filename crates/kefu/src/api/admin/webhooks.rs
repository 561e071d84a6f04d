//! Webhooks (kefu's addition), in the style of `supportgroups`: list, create,
//! show, change, delete, and the delivery log. Admins only. The signing
//! secret is in the create's answer and nowhere else.

use axum::extract::State;
use axum::http::HeaderMap;
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::render::{self, Page};
use super::request::{AdminOnly, Fields, IdPath, JsonBody, Query};
use crate::api::{Routes, SharedState};
use crate::domain::calendar::{format_unix, UtcOffset};
use crate::engine::{Admin, DeliveryView, Entity, WebhookInput, WebhookView};

type Answer = Result<Json<Value>, AdminError>;

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/webhooks.json", list)
        .post("/api/v1/webhooks.json", create)
        .get("/api/v1/webhooks/{id}.json", show)
        .put("/api/v1/webhooks/{id}.json", update)
        .delete("/api/v1/webhooks/{id}.json", delete)
        .get("/api/v1/webhooks/{id}/deliveries.json", deliveries)
}

fn webhook(offset: UtcOffset, w: &WebhookView) -> Value {
    json!({
        "id": w.id,
        "url": w.url,
        "events": w.events,
        "active": w.active,
        "created_at": format_unix(w.created_at, offset),
        "updated_at": format_unix(w.updated_at, offset),
    })
}

fn delivery(offset: UtcOffset, d: &DeliveryView) -> Value {
    let time = |t: Option<f64>| t.map(|t| format_unix(t, offset));
    json!({
        "id": d.id,
        "event": d.event,
        "state": d.state,
        "attempts": d.attempts,
        "last_status": d.last_status,
        "last_error": d.last_error,
        "created_at": format_unix(d.created_at, offset),
        "delivered_at": time(d.delivered_at),
        "next_attempt_at": time(d.next_attempt_at),
    })
}

/// `{"webhook": {"url": ..., "events": [...], "active": true}}`; `events`
/// may also be names joined by commas, `active` also 1 or 0.
fn input(body: &JsonBody) -> Result<WebhookInput, AdminError> {
    let fields = body.object("webhook")?;
    Ok(WebhookInput {
        url: fields.text("url")?,
        events: events(&fields)?,
        active: fields.flag("active")?,
    })
}

fn events(fields: &Fields<'_>) -> Result<Option<Vec<String>>, AdminError> {
    let bad = || AdminError::invalid("events", "events must be a list of event names");
    match fields.value("events") {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(
            s.split(',')
                .map(str::trim)
                .filter(|n| !n.is_empty())
                .map(str::to_owned)
                .collect(),
        )),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().map(str::to_owned).ok_or_else(bad))
            .collect::<Result<Vec<_>, _>>()
            .map(Some),
        Some(_) => Err(bad()),
    }
}

/// The answer of one webhook.
fn answer(admin: &Admin, w: &WebhookView) -> Answer {
    Ok(Json(
        json!({ "webhook": webhook(admin.settings.utc_offset(), w) }),
    ))
}

/// `GET /api/v1/webhooks.json` (管理员).
pub async fn list(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    q: Query,
) -> Answer {
    let page = Page::parse(&q, 100)?;
    let (hooks, count) = state
        .engine
        .list_webhooks(&admin, page.per_page, page.offset())
        .await?;
    let offset = admin.settings.utc_offset();
    let items = hooks.iter().map(|w| webhook(offset, w)).collect();
    let links = page.links(&state.public_url, "/api/v1/webhooks.json", &q, count);
    Ok(render::list("webhooks", items, count, links))
}

/// `POST /api/v1/webhooks.json` (管理员): answers the webhook with its
/// `secret`, the one time it is shown, and `Location`.
pub async fn create(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    body: JsonBody,
) -> Result<(HeaderMap, Json<Value>), AdminError> {
    let fields = body.object("webhook")?;
    // Required ones first, as the dialect answers missing fields (10001).
    fields.required_text("url")?;
    if fields.value("events").is_none() {
        return Err(AdminError::missing("events"));
    }
    let created = state.engine.create_webhook(&admin, &input(&body)?).await?;
    let mut rendered = webhook(admin.settings.utc_offset(), &created.webhook);
    rendered["secret"] = json!(created.secret);
    let location = format!(
        "{}/api/v1/webhooks/{}.json",
        state.public_url, created.webhook.id
    );
    Ok(render::created_at(Some(&location), "webhook", rendered))
}

/// `GET /api/v1/webhooks/{id}.json` (管理员).
pub async fn show(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
) -> Answer {
    let w = state
        .engine
        .webhook(&admin, id.of(Entity::Webhook)?)
        .await?;
    answer(&admin, &w)
}

/// `PUT /api/v1/webhooks/{id}.json` (管理员): changes the fields given.
pub async fn update(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
    body: JsonBody,
) -> Answer {
    let id = id.of(Entity::Webhook)?;
    let w = state
        .engine
        .update_webhook(&admin, id, &input(&body)?)
        .await?;
    answer(&admin, &w)
}

/// `DELETE /api/v1/webhooks/{id}.json` (管理员): answers it as it was.
pub async fn delete(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
) -> Answer {
    let id = id.of(Entity::Webhook)?;
    let w = state.engine.delete_webhook(&admin, id).await?;
    answer(&admin, &w)
}

/// `GET /api/v1/webhooks/{id}/deliveries.json` (管理员): the delivery log,
/// newest first.
pub async fn deliveries(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    id: IdPath,
    q: Query,
) -> Answer {
    let id = id.of(Entity::Webhook)?;
    let page = Page::parse(&q, 100)?;
    let (rows, count) = state
        .engine
        .webhook_deliveries(&admin, id, page.per_page, page.offset())
        .await?;
    let offset = admin.settings.utc_offset();
    let items = rows.iter().map(|d| delivery(offset, d)).collect();
    let path = format!("/api/v1/webhooks/{id}/deliveries.json");
    let links = page.links(&state.public_url, &path, &q, count);
    Ok(render::list("deliveries", items, count, links))
}
