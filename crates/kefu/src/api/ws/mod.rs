//! `GET /ws`: the one WebSocket endpoint of customers and agents
//! (docs/api/realtime.md). It authenticates like seed 003 over HTTP and
//! answers a refused upgrade with seed 003's error body; `socket` runs the
//! open connection.

pub(crate) mod frames;
mod socket;

use axum::extract::ws::rejection::WebSocketUpgradeRejection;
use axum::extract::ws::WebSocketUpgrade;
use axum::extract::{RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use super::v1::error::V1Error;
use super::v1::params::check_session;
use super::{authorization_token, Routes, SharedState};
use crate::engine::Caller;
use crate::realtime::{Refused, Who};

/// Largest frame a client may send (a text message is at most 5,000 characters).
const MAX_CLIENT_FRAME: usize = 64 * 1024;
/// tungstenite reserves its read buffer per socket (128 KiB unless told):
/// client frames are small, so a small buffer keeps idle sockets cheap.
const READ_BUFFER: usize = 4 * 1024;
const WRITE_BUFFER: usize = 4 * 1024;

pub fn routes(r: Routes) -> Routes {
    r.get("/ws", upgrade)
}

#[derive(Default, Deserialize)]
struct Query {
    session: Option<String>,
    serv_id: Option<String>,
    cursor: Option<String>,
}

async fn upgrade(
    State(state): State<SharedState>,
    RawQuery(raw): RawQuery,
    headers: HeaderMap,
    ws: Result<WebSocketUpgrade, WebSocketUpgradeRejection>,
) -> Response {
    // A plain GET (no `Connection: upgrade`, no key): seed 003's error body
    // like every other refusal, not axum's plain-text one.
    let ws = match ws {
        Ok(ws) => ws,
        Err(rejection) => {
            return V1Error::invalid("Upgrade", rejection.body_text()).into_response()
        }
    };
    match open(&state, raw.as_deref().unwrap_or(""), &headers).await {
        Ok(start) => ws
            .protocols([SUBPROTOCOL])
            .read_buffer_size(READ_BUFFER)
            .write_buffer_size(WRITE_BUFFER)
            .max_message_size(MAX_CLIENT_FRAME)
            .max_frame_size(MAX_CLIENT_FRAME)
            .on_upgrade(move |ws| socket::run(state, ws, start)),
        Err(e) => e.into_response(),
    }
}

/// The subprotocol a browser names with its session (`["kefu",
/// "bearer.SESSION"]`), since it cannot set headers on a WebSocket and a
/// session in the URL would be logged; the server answers with it.
const SUBPROTOCOL: &str = "kefu";

/// The session in a `bearer.SESSION` subprotocol, if the client sent one.
fn subprotocol_session(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(axum::http::header::SEC_WEBSOCKET_PROTOCOL)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .find_map(|p| p.trim().strip_prefix("bearer."))
        .filter(|s| !s.is_empty())
}

/// Everything a socket needs once upgraded.
pub(super) struct Start {
    pub caller: Caller,
    pub registration: crate::realtime::Registration,
    /// Where its replay starts: the client's cursor, or the tenant's last
    /// stored event when it gave none.
    pub cursor: i64,
}

/// Authenticates, reads the cursor and takes a place in the hub (limits).
async fn open(state: &SharedState, raw: &str, headers: &HeaderMap) -> Result<Start, V1Error> {
    let query: Query = serde_urlencoded::from_str(raw)
        .map_err(|e| V1Error::bad_encoding("query", e.to_string()))?;
    let session = match query
        .session
        .as_deref()
        .or(authorization_token(headers))
        .or(subprotocol_session(headers))
    {
        Some(session) => session.to_owned(),
        None => return Err(V1Error::missing("session")),
    };
    check_session(&session)?;
    let cursor = match &query.cursor {
        Some(raw) => Some(
            raw.parse::<i64>()
                .ok()
                .filter(|c| *c >= 0)
                .ok_or_else(|| V1Error::invalid("cursor", "cursor must be one the server sent"))?,
        ),
        None => None,
    };
    let engine = &state.engine;
    // The bound session alone is the agent; a serv_id sent must match it.
    let caller = match &query.serv_id {
        Some(serv_id) => Caller::Agent(engine.agent(&session, Some(serv_id)).await?),
        None => engine.holder(&session).await?,
    };
    let who = match &caller {
        Caller::Customer(s) => Who::Customer(s.customer_id.clone()),
        Caller::Agent(a) => Who::Agent(a.agent.id),
    };
    let tenant = caller.tenant_id();
    let head = engine
        .store()
        .last_seq(tenant)
        .await
        .map_err(crate::engine::Error::from)?;
    if cursor.is_some_and(|c| c > head) {
        // Only a cursor from another database (a reset, another installation)
        // can be ahead: replaying from it would skip events silently.
        return Err(V1Error::invalid(
            "cursor",
            "the cursor is ahead of this server's events; reconnect without it",
        ));
    }
    let session = match &caller {
        Caller::Customer(s) => s.token_hash.clone(),
        Caller::Agent(a) => a.session.token_hash.clone(),
    };
    let registration = state
        .hub
        .register(tenant, who, session, head)
        .map_err(|refused| {
            let why = match refused {
                Refused::TenantFull => "the tenant has too many open sockets on this server",
                Refused::UserFull => "this user has too many open sockets",
            };
            V1Error::new(StatusCode::TOO_MANY_REQUESTS, 2006, None, why)
        })?;
    Ok(Start {
        caller,
        registration,
        cursor: cursor.unwrap_or(head),
    })
}
