//! Running the HTTP server: the app with its request log and time limits, on
//! a given listener (`accept`), over TLS if configured (`tls`), until a given shutdown future resolves (then
//! in-flight requests drain). No global state: tests start several servers
//! in one process.

mod accept;
mod tls;

pub use accept::HttpLimits;
pub use tls::{Tls, TlsError, TlsFiles};

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::Router;
use tokio::net::TcpListener;

use crate::api::{self, AppState};
use crate::config::Config;
use crate::engine::Engine;
use crate::media::MediaStore;
use crate::metrics::{Metrics, StorageFailed};
use crate::realtime::redis::{RedisError, RedisUrl};
use crate::realtime::{bus, Hub, Limits};
use crate::storage::{ConnectError, Store};
use crate::webhooks::Deliverer;
use tokio::sync::Notify;
use tower_http::timeout::RequestBodyTimeoutLayer;

/// Why the engine cannot open.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Storage(#[from] ConnectError),
    #[error("cannot move the uploaded media into per-tenant folders: {0}")]
    Media(crate::engine::Error),
}

/// Opens storage and media as configured.
pub async fn open_engine(config: &Config) -> Result<Engine, OpenError> {
    if config.database.starts_with("sqlite:") {
        std::fs::create_dir_all(&config.data_dir)
            .map_err(|e| OpenError::Storage(ConnectError::Open(sqlx::Error::Io(e))))?;
    }
    let store = Store::connect_with(&config.database, config.durability).await?;
    let engine = Engine::new(store, MediaStore::new(config.media_dir()))
        .with_webhook_hosts(config.webhook_hosts.clone());
    match engine.move_legacy_media().await {
        Ok(0) => {}
        Ok(moved) => tracing::info!(moved, "moved uploaded media into per-tenant folders"),
        Err(e) => return Err(OpenError::Media(e)),
    }
    Ok(engine)
}

/// Why a node cannot start.
#[derive(Debug, thiserror::Error)]
pub enum NodeError {
    #[error("--redis: {0}")]
    Redis(#[from] RedisError),
    #[error("cannot read the installation id: {0}")]
    Storage(#[from] sqlx::Error),
}

/// How a node meets the world: where clients reach it, what sockets and
/// HTTP clients may cost it, and the Redis that joins it to other nodes.
#[derive(Clone, Debug)]
pub struct NodeSettings {
    pub public_url: String,
    pub ws: Limits,
    pub http: HttpLimits,
    pub redis: Option<String>,
    /// The CA a rediss:// Redis's certificate is checked against (`--redis-ca`).
    pub redis_ca: Option<std::path::PathBuf>,
    /// Where the console's and the widget's files come from.
    pub web: crate::web::Assets,
    /// What `/metrics` asks for, if anything.
    pub metrics_token: Option<String>,
    /// The certificate to serve HTTPS with; `None` for plain HTTP.
    pub tls: Option<Tls>,
}

impl NodeSettings {
    /// The defaults, for a node reached at `public_url`.
    pub fn new(public_url: String) -> Self {
        Self {
            public_url,
            ws: Limits::default(),
            http: HttpLimits::default(),
            redis: None,
            redis_ca: None,
            web: crate::web::Assets::default(),
            metrics_token: None,
            tls: None,
        }
    }
}

/// A node's moving parts beside the HTTP server: fan-out to sockets (the
/// hub, and the bus to other nodes), the sweeper and the webhook deliverer.
/// Dropping it stops them and tells open sockets the server is going away.
pub struct Node {
    pub engine: Engine,
    pub hub: Hub,
    settings: NodeSettings,
    /// Readiness's check of Redis, when the node uses one.
    redis: Option<Arc<bus::Reachability>>,
    tasks: Vec<tokio::task::JoinHandle<()>>,
}

impl Node {
    /// Starts the node's background work for `engine`; with `redis`, signals
    /// travel to and from the other nodes.
    pub async fn start(engine: Engine, settings: NodeSettings) -> Result<Self, NodeError> {
        let remote = match &settings.redis {
            Some(url) => Some(bus::Remote {
                url: RedisUrl::parse_with_ca(url, settings.redis_ca.as_deref())?,
                installation: engine.store().installation_id().await?,
            }),
            None => None,
        };
        let redis = remote.as_ref().map(|r| Arc::new(r.reachability()));
        let public_url = settings.public_url.clone();
        let hub = Hub::new(
            engine.store().clone(),
            public_url.clone(),
            settings.ws.clone(),
        );
        let (signals, mut tasks) = bus::start(hub.clone(), remote);
        let engine = engine.with_signals(signals);
        tasks.push(spawn_sweeper(engine.clone()));
        let hosts = engine.webhook_hosts().clone();
        tasks.push(spawn_webhooks(
            Deliverer::new(engine.store().clone(), public_url, hosts),
            hub.stored_notify(),
        ));
        Ok(Self {
            engine,
            hub,
            settings,
            redis,
            tasks,
        })
    }

    /// The whole HTTP application with its request log and time limits.
    pub fn app(&self) -> Router {
        let state = AppState {
            engine: self.engine.clone(),
            hub: self.hub.clone(),
            public_url: self.settings.public_url.clone(),
            trusted_proxies: self.settings.http.trusted_proxies.clone(),
            web: self.settings.web.clone(),
            metrics_token: self.settings.metrics_token.clone(),
            redis: self.redis.clone(),
        };
        let limits = &self.settings.http;
        let metrics = self.engine.store().metrics().clone();
        api::router(Arc::new(state))
            .layer(middleware::from_fn_with_state(
                limits.request_timeout,
                time_limit,
            ))
            .layer(RequestBodyTimeoutLayer::new(limits.body_timeout))
            .layer(middleware::from_fn_with_state(metrics, observe_request))
    }

    /// Serves the app on `listener` (over TLS if the settings have a
    /// certificate) until `shutdown` resolves, then lets
    /// in-flight requests finish. The future holds what it needs, so it can
    /// be spawned.
    pub fn serve(
        &self,
        listener: TcpListener,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> impl Future<Output = std::io::Result<()>> + Send + 'static {
        accept::serve(
            listener,
            self.app(),
            self.settings.http.clone(),
            self.settings.tls.clone(),
            shutdown,
        )
    }
}

impl Drop for Node {
    fn drop(&mut self) {
        self.hub.shut_down();
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// A request that takes longer than its limit is answered, in its
/// dialect's body, instead of holding the connection.
async fn time_limit(State(limit): State<Duration>, req: Request, next: Next) -> Response {
    let path = req.uri().path().to_owned();
    match tokio::time::timeout(limit, next.run(req)).await {
        Ok(response) => response,
        Err(_) => {
            tracing::warn!(path, "request timed out");
            api::timed_out(&path)
        }
    }
}

/// How often the sweeper runs: queue timeouts are this late at most.
pub const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(1);

/// Least time between webhook passes started by stored messages: under a
/// stream of messages every store notifies, and one pass per message would
/// read the webhook tables thousands of times a second for nothing.
const WEBHOOK_GAP: std::time::Duration = std::time::Duration::from_millis(50);

/// Runs webhook passes: at once while work is waiting, else when messages
/// are stored (at most every [`WEBHOOK_GAP`]) or a second passed (retries
/// come due with time).
fn spawn_webhooks(deliverer: Deliverer, stored: Arc<Notify>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        loop {
            let started = tokio::time::Instant::now();
            match deliverer.pass().await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(e) => tracing::warn!(error = %e, "webhook pass failed; retrying"),
            }
            tokio::select! {
                _ = stored.notified() => tokio::time::sleep_until(started + WEBHOOK_GAP).await,
                _ = tokio::time::sleep(SWEEP_EVERY) => {}
            }
        }
    })
}

/// Runs the engine's sweeper (waiting conversations past their deadline are
/// finished, queues are offered to agents whose shift began, expired access
/// tokens are forgotten) until the returned task is aborted. Every node runs
/// one; each step is a compare-and-swap, so they never do a thing twice.
fn spawn_sweeper(engine: Engine) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(SWEEP_EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if let Err(e) = engine.sweep().await {
                tracing::warn!(error = %e, "sweep failed; retrying on the next tick");
            }
        }
    })
}

/// One log line and one observation (`/metrics`) per request: method,
/// matched route (never the raw URL, which may carry a session), status and
/// latency. Health checks and scrapes log at debug.
async fn observe_request(State(metrics): State<Metrics>, req: Request, next: Next) -> Response {
    let started = Instant::now();
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "(unmatched)".to_owned());
    let response = next.run(req).await;
    let elapsed = started.elapsed().as_secs_f64();
    let latency_ms = elapsed * 1000.0;
    let status = response.status().as_u16();
    if response.extensions().get::<StorageFailed>().is_some() {
        metrics.storage_error();
    }
    let quiet = matches!(route.as_str(), "/healthz" | "/readyz" | "/metrics");
    metrics.request(&method, route.clone(), status, elapsed);
    if quiet {
        tracing::debug!(%method, route, status, latency_ms, "request");
    } else {
        tracing::info!(%method, route, status, latency_ms, "request");
    }
    response
}

/// A future that resolves on Ctrl-C or SIGTERM. The handlers are installed
/// by this call, not when the future is first polled, so a signal that comes
/// right after start-up is not lost (or fatal).
#[cfg(unix)]
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    use tokio::signal::unix::{signal, SignalKind};
    let mut terminate = signal(SignalKind::terminate())?;
    let mut interrupt = signal(SignalKind::interrupt())?;
    Ok(async move {
        tokio::select! {
            _ = terminate.recv() => {},
            _ = interrupt.recv() => {},
        }
        tracing::info!("shutting down: draining in-flight requests");
    })
}

/// A future that resolves on Ctrl-C.
#[cfg(not(unix))]
pub fn shutdown_signal() -> std::io::Result<impl Future<Output = ()> + Send + 'static> {
    Ok(async {
        let _ = tokio::signal::ctrl_c().await;
        tracing::info!("shutting down: draining in-flight requests");
    })
}
