//! Sessions and agent binding: `session` (kefu's addition, so the enterprise
//! backend can issue sessions for its users), `serv/bind`, `serv/unbind`.

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::error::V1Error;
use super::params::Params;
use super::render::ok;
use crate::api::{PeerAddr, SharedState};
use crate::engine::NewCustomer;

/// `POST /v1/session`: the tenant's backend (api_key + secret_key) issues a
/// session for one of its users.
pub async fn mint_session(
    State(state): State<SharedState>,
    PeerAddr(peer): PeerAddr,
    p: Params,
) -> Result<Json<Value>, V1Error> {
    let tenant = state
        .engine
        .tenant_by_keys(p.required("api_key")?, p.required("secret_key")?, peer)
        .await?;
    let identify = p.identify()?;
    let new = NewCustomer {
        user_id: p.required("user_id")?,
        name: p.optional("name").unwrap_or_default(),
        avatar_url: p.optional("avatar").unwrap_or_default(),
        identify: identify.as_deref(),
    };
    let (session, customer) = state.engine.mint_session(tenant.id, &new).await?;
    Ok(Json(ok(
        json!({ "session": session, "user_id": customer.user_id }),
    )))
}

pub async fn bind(
    State(state): State<SharedState>,
    PeerAddr(peer): PeerAddr,
    p: Params,
) -> Result<Json<Value>, V1Error> {
    let (session, serv_id, password) = credentials(&p)?;
    state.engine.bind(session, serv_id, password, peer).await?;
    Ok(Json(ok(json!({}))))
}

pub async fn unbind(
    State(state): State<SharedState>,
    PeerAddr(peer): PeerAddr,
    p: Params,
) -> Result<Json<Value>, V1Error> {
    let (session, serv_id, password) = credentials(&p)?;
    state
        .engine
        .unbind(session, serv_id, password, peer)
        .await?;
    Ok(Json(ok(json!({}))))
}

fn credentials(p: &Params) -> Result<(&str, &str, &str), V1Error> {
    Ok((
        p.session()?,
        p.bounded("serv_id", 1, 20)?,
        p.bounded("password", 1, 20)?,
    ))
}
