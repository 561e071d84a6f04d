//! Seed 001, the customer IM dialect, mounted at `/customers` (and
//! `/admin/access_token`): the enterprise backend gets an access token and
//! connects its users; web visitors connect anonymously with the tenant's
//! `api_key`; customers read their history, close, or ask for a transfer.
//! Conversations here are pushed to agents (see `engine::routing`).

pub mod error;
mod render;
mod request;

use axum::extract::State;
use axum::Json;
use serde_json::{json, Value};

use super::{authorization_token, PeerAddr, Routes, SharedState};
use crate::domain::paging::PageRequest;
use crate::engine::Resume;
use error::CustomerError;
use request::{Backend, Customer, Form};

type Reply = Result<Json<Value>, CustomerError>;

pub fn routes(r: Routes) -> Routes {
    r.post("/admin/access_token", access_token)
        .get("/customers/auth_ping", auth_ping)
        .post("/customers/connect", connect)
        .post("/customers/client_connect", client_connect)
        .get("/customers/history_message", history_message)
        .post("/customers/shutdown_service", shutdown_service)
        // The seed capitalises this one path; clients may not.
        .post("/customers/Transfer", transfer)
        .post("/customers/transfer", transfer)
}

/// `POST /admin/access_token` with `api_key` and `secret_key`.
async fn access_token(
    State(state): State<SharedState>,
    PeerAddr(peer): PeerAddr,
    f: Form,
) -> Reply {
    let api_key = f.required("api_key")?;
    let secret_key = f.required("secret_key")?;
    let (token, ttl) = state
        .engine
        .issue_access_token(api_key, secret_key, peer)
        .await?;
    Ok(Json(json!({ "access_token": token, "expires_in": ttl })))
}

/// `GET /customers/auth_ping`: "pong" for a valid access token.
async fn auth_ping(_: Backend) -> Json<&'static str> {
    Json("pong")
}

async fn connect(State(state): State<SharedState>, Backend(tenant_id): Backend, f: Form) -> Reply {
    let name = f.required("name")?;
    let connected = state
        .engine
        .connect(tenant_id, name, f.department()?)
        .await?;
    Ok(Json(render::connect(&connected, &state.public_url)))
}

/// `client_connect`; resuming (`group_id`) takes the visitor's token, in
/// `Authorization` as the other customer calls send it, or as `token`.
async fn client_connect(
    State(state): State<SharedState>,
    headers: axum::http::HeaderMap,
    f: Form,
) -> Reply {
    let api_key = f.required("api_key")?;
    let group_id = f.optional_room("group_id")?;
    let token = authorization_token(&headers).or(f.optional("token"));
    let resume = group_id
        .as_deref()
        .map(|group_id| Resume { group_id, token });
    let connected = state
        .engine
        .client_connect(api_key, resume, f.department()?)
        .await?;
    Ok(Json(render::visit(&connected, &state.public_url)))
}

/// The customer's history, in seed 003's message shape and paging
/// (`page`, `num`, `message_id`, `sort`).
async fn history_message(State(state): State<SharedState>, c: Customer, f: Form) -> Reply {
    let room = f.room("room_id")?;
    let page = PageRequest::parse(
        f.optional("page"),
        f.optional("num"),
        f.optional("message_id"),
        f.optional("sort"),
        "message_id",
    )
    .map_err(|(_, why)| CustomerError::invalid(why))?;
    let caller = crate::engine::Caller::Customer(c.session);
    let messages = state.engine.history(&caller, &room, &page).await?;
    let messages: Vec<Value> = messages
        .iter()
        .map(|m| super::v1::render::message(m, &state.public_url))
        .collect();
    Ok(Json(
        json!({ "status": "success", "room_id": room, "messages": messages }),
    ))
}

async fn shutdown_service(State(state): State<SharedState>, c: Customer, f: Form) -> Reply {
    let room = f.room("group_id")?;
    state.engine.shutdown_service(&c.session, &room).await?;
    Ok(Json(json!({ "status": "success" })))
}

/// `Transfer`: to `agent_id`, else to someone in `department_id`.
async fn transfer(State(state): State<SharedState>, c: Customer, f: Form) -> Reply {
    let room = f.room("group_id")?;
    let agent = f.optional("agent_id");
    if agent.is_some_and(|a| a.chars().count() > 64) {
        return Err(CustomerError::invalid("agent_id is too long"));
    }
    let connected = state
        .engine
        .transfer_for_customer(&c.session, c.token, &room, agent, f.department()?)
        .await?;
    Ok(Json(render::visit(&connected, &state.public_url)))
}
