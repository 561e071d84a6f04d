//! Webhooks (kefu's addition), in the style of `supportgroups`: list, create,
//! show, change, delete, and the delivery log. Admins only. The signing
//! secret is in the create's answer and nowhere else.

use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::render::Page;
use super::request::{AdminOnly, Fields, IdPath, JsonBody, Query};
use crate::api::{Routes, SharedState};
use crate::domain::calendar::{format_unix, UtcOffset};
use crate::engine::{DeliveryView, Entity, Error, WebhookInput, WebhookView};

type Answer = Result<Json<Value>, AdminError>;

pub fn routes(r: Routes) -> Routes {
    r.get("/api/v1/webhooks.json", list)
        .post("/api/v1/webhooks.json", create)
        .get("/api/v1/webhooks/{id}", show)
        .put("/api/v1/webhooks/{id}", update)
        .delete("/api/v1/webhooks/{id}", delete)
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

/// A malformed id in the path: the same answer as an unknown one.
fn no_such_webhook() -> AdminError {
    Error::NotFound(Entity::Webhook).into()
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
    let (next, previous) = page.links(&state.public_url, "/api/v1/webhooks.json", &q, count);
    let offset = admin.settings.utc_offset();
    let items: Vec<Value> = hooks.iter().map(|w| webhook(offset, w)).collect();
    Ok(Json(
        json!({ "webhooks": items, "count": count, "next_page": next, "previous_page": previous }),
    ))
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
    let mut headers = HeaderMap::new();
    if let Ok(location) = HeaderValue::from_str(&location) {
        headers.insert(header::LOCATION, location);
    }
    Ok((headers, Json(json!({ "webhook": rendered }))))
}

/// `GET /api/v1/webhooks/{id}.json` (管理员).
pub async fn show(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    IdPath(id): IdPath,
) -> Answer {
    let w = state
        .engine
        .webhook(&admin, id.ok_or_else(no_such_webhook)?)
        .await?;
    Ok(Json(
        json!({ "webhook": webhook(admin.settings.utc_offset(), &w) }),
    ))
}

/// `PUT /api/v1/webhooks/{id}.json` (管理员): changes the fields given.
pub async fn update(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    IdPath(id): IdPath,
    body: JsonBody,
) -> Answer {
    let id = id.ok_or_else(no_such_webhook)?;
    let w = state
        .engine
        .update_webhook(&admin, id, &input(&body)?)
        .await?;
    Ok(Json(
        json!({ "webhook": webhook(admin.settings.utc_offset(), &w) }),
    ))
}

/// `DELETE /api/v1/webhooks/{id}.json` (管理员): answers it as it was.
pub async fn delete(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    IdPath(id): IdPath,
) -> Answer {
    let w = state
        .engine
        .delete_webhook(&admin, id.ok_or_else(no_such_webhook)?)
        .await?;
    Ok(Json(
        json!({ "webhook": webhook(admin.settings.utc_offset(), &w) }),
    ))
}

/// `GET /api/v1/webhooks/{id}/deliveries.json` (管理员): the delivery log,
/// newest first.
pub async fn deliveries(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    IdPath(id): IdPath,
    q: Query,
) -> Answer {
    let id = id.ok_or_else(no_such_webhook)?;
    let page = Page::parse(&q, 100)?;
    let (rows, count) = state
        .engine
        .webhook_deliveries(&admin, id, page.per_page, page.offset())
        .await?;
    let path = format!("/api/v1/webhooks/{id}/deliveries.json");
    let (next, previous) = page.links(&state.public_url, &path, &q, count);
    let offset = admin.settings.utc_offset();
    let items: Vec<Value> = rows.iter().map(|d| delivery(offset, d)).collect();
    Ok(Json(json!({
        "deliveries": items,
        "count": count,
        "next_page": next,
        "previous_page": previous,
    })))
}
