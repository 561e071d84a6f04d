//! Running the HTTP server: the app with its request log, on a given listener,
//! until a given shutdown future resolves (then in-flight requests drain).
//! No global state: tests start several servers in one process.

use std::future::Future;
use std::sync::Arc;
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;

use crate::api::{self, AppState};
use crate::config::Config;
use crate::engine::Engine;
use crate::media::MediaStore;
use crate::storage::{ConnectError, Store};

/// Opens storage and media as configured.
pub async fn open_engine(config: &Config) -> Result<Engine, ConnectError> {
    if config.database.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| ConnectError::Open(sqlx::Error::Io(e)))?;
    }
    let store = Store::connect(&config.database).await?;
    Ok(Engine::new(store, MediaStore::new(config.media_dir())))
}

/// The whole application with its request log.
pub fn app(engine: Engine, public_url: String) -> Router {
    api::router(Arc::new(AppState { engine, public_url })).layer(middleware::from_fn(log_request))
}

/// Serves `app` on `listener` until `shutdown` resolves, then lets in-flight
/// requests finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}

/// One log line per request: method, matched route (never the raw URL, which
/// may carry a session), status and latency. Health checks log at debug.
async fn log_request(req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let response = next.run(req).await;
    let latency_ms = started.elapsed().as_secs_f64() * 1000.0;
    let status = response.status().as_u16();
    if route == "/healthz" {
        tracing::debug!(%method, route, status, latency_ms, "request");
    } else {
        tracing::info!(%method, route, status, latency_ms, "request");
    }
    response
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: draining in-flight requests");
}
