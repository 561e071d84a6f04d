//! What operators and their tools read: liveness (`/healthz`), readiness
//! (`/readyz`) and Prometheus metrics (`/metrics`).
//!
//! Liveness says only that the process serves requests: an orchestrator
//! that restarts kefu because PostgreSQL is down would not bring the
//! database back. Readiness says whether this node can do its work now
//! (storage and, when configured, Redis answer): a load balancer sends
//! traffic elsewhere until it can.

use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::json;

use super::SharedState;
use crate::metrics::{Levels, CONTENT_TYPE};

pub async fn healthz(State(state): State<SharedState>) -> Response {
    let store = state.engine.store();
    Json(json!({
        "status": "ok",
        "storage": store.backend(),
        "durability": store.durability().name(),
        "sockets": state.hub.open_sockets(),
    }))
    .into_response()
}

pub async fn readyz(State(state): State<SharedState>) -> Response {
    let storage = match state.engine.store().ping().await {
        Ok(()) => "ok",
        Err(e) => {
            tracing::warn!(error = %e, "readiness: storage unreachable");
            "unreachable"
        }
    };
    let redis = match &state.redis {
        None => "not used",
        Some(redis) => match redis.check().await {
            Ok(()) => "ok",
            Err(e) => {
                tracing::warn!(error = %e, "readiness: Redis unreachable");
                "unreachable"
            }
        },
    };
    let ready = storage == "ok" && redis != "unreachable";
    let status = if ready {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    let body = json!({
        "status": if ready { "ready" } else { "not ready" },
        "storage": storage,
        "redis": redis,
    });
    (status, Json(body)).into_response()
}

pub async fn metrics(State(state): State<SharedState>, headers: HeaderMap) -> Response {
    if let Some(token) = &state.metrics_token {
        let given = super::authorization_token(&headers).unwrap_or_default();
        if !same_secret(given, token) {
            return (
                StatusCode::UNAUTHORIZED,
                [(header::WWW_AUTHENTICATE, "Bearer")],
                Json(json!({ "status": "a metrics token is required" })),
            )
                .into_response();
        }
    }
    let store = state.engine.store();
    let mut levels = Levels {
        sockets_open: i64::try_from(state.hub.open_sockets()).unwrap_or(i64::MAX),
        ..Levels::default()
    };
    match store.backlog().await {
        Ok((waiting, pending)) => {
            levels.conversations_waiting = waiting;
            levels.webhook_deliveries_pending = pending;
        }
        // The scrape still answers: the counters matter most when storage
        // fails, and the failure is counted.
        Err(e) => {
            tracing::warn!(error = %e, "metrics: cannot read the backlog");
            store.metrics().storage_error();
        }
    }
    (
        [(header::CONTENT_TYPE, CONTENT_TYPE)],
        store.metrics().encode(levels),
    )
        .into_response()
}

/// Compares a given token with the configured one in time that does not
/// depend on where they differ.
fn same_secret(given: &str, expected: &str) -> bool {
    use sha2::{Digest, Sha256};
    let (a, b) = (Sha256::digest(given), Sha256::digest(expected));
    a.iter()
        .zip(b.iter())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}
