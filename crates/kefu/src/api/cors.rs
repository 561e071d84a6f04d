//! CORS for the APIs a tenant's own web pages call (`/customers`,
//! `/admin/access_token`, `/v1`): a page whose origin some tenant lists in
//! `allowed_origins` may call them (engine::embedding says why the union is
//! safe). Credentials are headers, never cookies, so none are "allowed".

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::SharedState;

/// Whether a path is one of the APIs pages may call cross-origin.
fn is_api(path: &str) -> bool {
    path.starts_with("/customers/") || path.starts_with("/v1/") || path == "/admin/access_token"
}

pub async fn layer(State(state): State<SharedState>, req: Request, next: Next) -> Response {
    let origin = req
        .headers()
        .get(header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .map(str::to_owned);
    // The console and the widget call from kefu's own origin (browsers send
    // `Origin` on their POSTs too): nothing to allow, nothing to read.
    let host = req
        .headers()
        .get(header::HOST)
        .and_then(|h| h.to_str().ok());
    let same_origin = origin.as_deref().is_some_and(|origin| {
        host.is_some_and(|host| origin.split_once("://").is_some_and(|(_, o)| o == host))
    });
    let Some(origin) = origin.filter(|_| is_api(req.uri().path()) && !same_origin) else {
        return next.run(req).await;
    };
    let allowed = match state.engine.cors_allows(&origin).await {
        Ok(allowed) => allowed,
        Err(e) => {
            tracing::warn!(error = %e, "CORS: settings unreadable");
            false
        }
    };
    let preflight = req.method() == Method::OPTIONS
        && req
            .headers()
            .contains_key(header::ACCESS_CONTROL_REQUEST_METHOD);
    let mut response = if preflight {
        StatusCode::NO_CONTENT.into_response()
    } else {
        next.run(req).await
    };
    let h = response.headers_mut();
    h.append(header::VARY, HeaderValue::from_static("Origin"));
    if allowed {
        if let Ok(value) = HeaderValue::from_str(&origin) {
            h.insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, value);
        }
        if preflight {
            h.insert(
                header::ACCESS_CONTROL_ALLOW_METHODS,
                HeaderValue::from_static("GET, POST, PUT, DELETE"),
            );
            h.insert(
                header::ACCESS_CONTROL_ALLOW_HEADERS,
                HeaderValue::from_static("Authorization, Content-Type"),
            );
            h.insert(
                header::ACCESS_CONTROL_MAX_AGE,
                HeaderValue::from_static("600"),
            );
        }
    }
    response
}
