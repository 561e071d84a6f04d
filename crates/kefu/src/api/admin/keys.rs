//! The tenant's keys (kefu's addition), admins only: the public `api_key`
//! the widget snippet needs, and rotation, which answers the new
//! `secret_key` this once (it is stored hashed).

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::error::AdminError;
use super::request::{AdminOnly, JsonBody};
use crate::api::SharedState;

/// `GET /api/v1/keys.json`: `{"keys": {"tenant_id", "api_key"}}`.
pub async fn show(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
) -> Result<Json<Value>, AdminError> {
    let api_key = state.engine.api_key(&admin).await?;
    Ok(Json(
        json!({ "keys": { "tenant_id": admin.tenant_id(), "api_key": api_key } }),
    ))
}

/// `POST /api/v1/keys.json` with `{"keys": {"api_key": true}}`: a new
/// `secret_key` (and with `api_key`, a new `api_key` too). Access tokens
/// bought with the old secret stop working; a new api_key means every page's
/// widget snippet must change.
pub async fn rotate(
    State(state): State<SharedState>,
    AdminOnly(admin): AdminOnly,
    body: JsonBody,
) -> Result<Json<Value>, AdminError> {
    let f = body.object("keys")?;
    let api_key = f.flag("api_key")?.unwrap_or(false);
    let keys = state.engine.admin_rotate_keys(&admin, api_key).await?;
    Ok(Json(json!({ "keys": {
        "tenant_id": keys.tenant_id,
        "api_key": keys.api_key,
        "secret_key": keys.secret_key,
    }})))
}
