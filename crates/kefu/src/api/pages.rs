//! The pages people open: the agent console (`/console`), the customer chat
//! (`/chat`, also the widget's frame), the embed script (`/widget.js`) and
//! their files (`/assets/{version}/...`), from `crate::web`. Every page has
//! a Content-Security-Policy with no inline script; the console may not be
//! framed, the chat only by the sites its tenant allows.

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;

use super::SharedState;
use crate::web::Asset;

pub fn routes() -> Router<SharedState> {
    Router::new()
        .route("/", get(|| async { Redirect::to("/console") }))
        .route("/console", get(console))
        .route("/chat", get(chat))
        .route("/widget.js", get(widget_js))
        .route("/assets/{version}/{*path}", get(asset))
}

/// Everything but `frame-ancestors`. Media may come from the server's
/// public URL and avatars from any http(s) site.
const POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; \
     img-src 'self' data: blob: https: http:; media-src 'self' blob: https: http:; \
     connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'";

async fn console(State(state): State<SharedState>) -> Response {
    let mut response = page(&state, "console/index.html").await;
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        csp(&format!("{POLICY}; frame-ancestors 'none'")),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    response
}

#[derive(serde::Deserialize)]
struct ChatQuery {
    api_key: Option<String>,
}

async fn chat(State(state): State<SharedState>, Query(query): Query<ChatQuery>) -> Response {
    // The tenant's sites may frame it; an unknown key frames nowhere (the
    // page itself says the key is wrong).
    let ancestors = match query.api_key.as_deref() {
        Some(key) => match state.engine.embedding_by_api_key(key).await {
            Ok(Some(embedding)) => embedding.frame_ancestors_csp(),
            Ok(None) => "'none'".to_owned(),
            Err(e) => return unavailable(e),
        },
        None => "'none'".to_owned(),
    };
    let mut response = page(&state, "widget/chat.html").await;
    response.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        csp(&format!("{POLICY}; frame-ancestors {ancestors}")),
    );
    response
}

fn unavailable(e: crate::engine::Error) -> Response {
    tracing::warn!(error = %e, "chat page: settings unreadable");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        "storage unavailable; retry",
    )
        .into_response()
}

/// A page, with `%ASSETS%` made the versioned prefix of its files.
async fn page(state: &SharedState, path: &str) -> Response {
    let Some(asset) = state.web.get(path).await else {
        return missing();
    };
    let text = String::from_utf8_lossy(&asset.bytes)
        .replace("%ASSETS%", &format!("/assets/{}", state.web.version()));
    let mut response = (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static(asset.content_type),
            ),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        text,
    )
        .into_response();
    secure(response.headers_mut());
    response
}

async fn widget_js(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    match state.web.get("widget/embed.js").await {
        // Its URL has no version: caches check back every few minutes.
        Some(asset) => file(asset, &headers, "public, max-age=300"),
        None => missing(),
    }
}

async fn asset(
    State(state): State<SharedState>,
    Path((version, path)): Path<(String, String)>,
    headers: HeaderMap,
) -> Response {
    let Some(asset) = state.web.get(&path).await else {
        return missing();
    };
    // A page of an older build asks for its own version: answer with this
    // build's file, but let nobody keep it.
    let cache = if state.web.immutable() && version == state.web.version() {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    file(asset, &headers, cache)
}

/// A file, gzipped when the client takes it.
fn file(asset: Asset, headers: &HeaderMap, cache: &'static str) -> Response {
    let gzip = asset.gzipped.filter(|_| accepts_gzip(headers));
    let mut response = match gzip {
        Some(gz) => ([(header::CONTENT_ENCODING, "gzip")], gz).into_response(),
        None => asset.bytes.into_owned().into_response(),
    };
    let h = response.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static(asset.content_type),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static(cache));
    h.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    secure(h);
    response
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|coding| {
            let mut parts = coding.split(';');
            let name = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| matches!(p.trim(), "q=0" | "q=0.0" | "q=0.00" | "q=0.000"));
            (name.eq_ignore_ascii_case("gzip") || name == "*") && !refused
        })
}

fn secure(h: &mut HeaderMap) {
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
}

fn csp(policy: &str) -> HeaderValue {
    HeaderValue::from_str(policy).unwrap_or_else(|_| HeaderValue::from_static("default-src 'none'"))
}

fn missing() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}
