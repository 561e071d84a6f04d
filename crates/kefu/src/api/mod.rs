//! HTTP: the dialects, each a thin adapter over the engine, and the route
//! table they are mounted from.
//!
//! - `v1`: seed 003, question chat (customer and agent apps), at `/v1`.
//! - `admin`: seed 002, agent administration (HTTP Basic), at `/api/v1`.
//! - `customers`: seed 001, customer IM (access tokens, connect, transfer),
//!   at `/customers` and `/admin/access_token`.

pub mod admin;
mod cors;
pub mod customers;
pub(crate) mod form;
pub mod openapi;
mod ops;
mod pages;
mod peer;
pub mod v1;
pub(crate) mod ws;

use std::sync::Arc;

use axum::extract::DefaultBodyLimit;
use axum::handler::Handler;
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::routing::MethodRouter;
use axum::{Json, Router};
use serde_json::json;

use crate::engine::Engine;
pub use peer::{Network, TrustedProxies};

/// What every handler can reach.
pub struct AppState {
    pub engine: Engine,
    /// This node's sockets (`/ws`).
    pub hub: crate::realtime::Hub,
    /// Where clients reach this server, e.g. `https://kefu.example.com`; media
    /// URLs in responses start with it.
    pub public_url: String,
    /// The reverse proxies whose `X-Forwarded-For` names the client.
    pub trusted_proxies: TrustedProxies,
    /// The console's and the widget's files.
    pub web: crate::web::Assets,
    /// What `/metrics` asks for, if anything (`--metrics-token`).
    pub metrics_token: Option<String>,
    /// Readiness's check of Redis, when the node uses one.
    pub redis: Option<Arc<crate::realtime::bus::Reachability>>,
}

pub type SharedState = Arc<AppState>;

/// The token of the `Authorization` header, bare (as seed 001 shows) or
/// after `Bearer `; None when the header is missing or empty.
pub(crate) fn authorization_token(headers: &axum::http::HeaderMap) -> Option<&str> {
    let value = headers
        .get(axum::http::header::AUTHORIZATION)?
        .to_str()
        .ok()?
        .trim();
    let token = value.strip_prefix("Bearer ").unwrap_or(value).trim();
    (!token.is_empty()).then_some(token)
}

/// The client's address (for counting failed logins): the connection's
/// peer, or the client a trusted proxy names (`api::peer`). `None` without
/// connection info.
pub struct PeerAddr(pub Option<std::net::IpAddr>);

impl axum::extract::FromRequestParts<SharedState> for PeerAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut axum::http::request::Parts,
        state: &SharedState,
    ) -> Result<Self, Self::Rejection> {
        let info = parts
            .extensions
            .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>();
        Ok(Self(info.map(|info| {
            state.trusted_proxies.client(info.0.ip(), &parts.headers)
        })))
    }
}

/// A router that also records each (method, path) it serves, so that the
/// OpenAPI document can be checked against what is really routed.
pub struct Routes {
    router: Router<SharedState>,
    table: Vec<(&'static str, &'static str)>,
}

impl Routes {
    fn new() -> Self {
        Self {
            router: Router::new(),
            table: Vec::new(),
        }
    }

    /// Routes `path` as written in the seeds and the OpenAPI document. A
    /// seed 002 id segment such as `{id}.json` is routed as the whole
    /// segment `{id}` (the router takes no suffix after a parameter); the
    /// handler strips the `.json`.
    fn add(
        mut self,
        method: &'static str,
        path: &'static str,
        route: MethodRouter<SharedState>,
    ) -> Self {
        self.router = self.router.route(&path.replace("{id}.json", "{id}"), route);
        self.table.push((method, path));
        self
    }

    /// Registers a group of routes written elsewhere (`r.merge(area::routes)`).
    pub fn merge(self, group: impl FnOnce(Self) -> Self) -> Self {
        group(self)
    }

    pub fn get<H: Handler<T, SharedState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("get", path, axum::routing::get(h))
    }

    pub fn post<H: Handler<T, SharedState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("post", path, axum::routing::post(h))
    }

    pub fn put<H: Handler<T, SharedState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("put", path, axum::routing::put(h))
    }

    pub fn delete<H: Handler<T, SharedState>, T: 'static>(self, path: &'static str, h: H) -> Self {
        self.add("delete", path, axum::routing::delete(h))
    }

    /// A POST that carries an upload, with a body limit of `limit` bytes.
    pub fn post_upload<H: Handler<T, SharedState>, T: 'static>(
        self,
        path: &'static str,
        limit: usize,
        h: H,
    ) -> Self {
        self.add(
            "post",
            path,
            axum::routing::post(h).layer(DefaultBodyLimit::max(limit)),
        )
    }
}

fn all_routes() -> Routes {
    let routes = Routes::new()
        .get("/healthz", ops::healthz)
        .get("/readyz", ops::readyz)
        .get("/metrics", ops::metrics)
        .get("/openapi.json", openapi::serve);
    ws::routes(customers::routes(admin::routes(v1::routes(routes))))
}

/// Every (method, path) the server routes, in registration order.
pub fn route_table() -> Vec<(&'static str, &'static str)> {
    all_routes().table
}

/// The whole HTTP application: the APIs, and the pages of the console and
/// the widget.
pub fn router(state: SharedState) -> Router {
    all_routes()
        .router
        .merge(pages::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            cors::layer,
        ))
        .with_state(state)
}

/// Unknown paths answer in the dialect their prefix names.
async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/v1/") {
        return v1::error::V1Error::no_route().into_response();
    }
    if uri.path().starts_with("/api/v1/") {
        return admin::error::AdminError::not_found("no such endpoint").into_response();
    }
    (
        StatusCode::NOT_FOUND,
        Json(json!({ "status": "not found" })),
    )
        .into_response()
}

/// The answer to a request over its time limit (`server`'s `time_limit`),
/// in the dialect its path names.
pub fn timed_out(path: &str) -> Response {
    const WHY: &str = "the request took too long; retry";
    if path.starts_with("/v1/") {
        return v1::error::V1Error::new(StatusCode::SERVICE_UNAVAILABLE, 5002, None, WHY)
            .into_response();
    }
    if path.starts_with("/api/v1/") {
        return admin::error::AdminError::timed_out(WHY).into_response();
    }
    (
        StatusCode::SERVICE_UNAVAILABLE,
        Json(json!({ "status": "timeout", "message": WHY })),
    )
        .into_response()
}

async fn method_not_allowed(uri: Uri) -> Response {
    if uri.path().starts_with("/v1/") {
        return v1::error::V1Error::method_not_allowed().into_response();
    }
    if uri.path().starts_with("/api/v1/") {
        return admin::error::AdminError::method_not_allowed().into_response();
    }
    (
        StatusCode::METHOD_NOT_ALLOWED,
        Json(json!({ "status": "method not allowed" })),
    )
        .into_response()
}
