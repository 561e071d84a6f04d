//! Accepting connections: HTTP/1.1 (WebSocket upgrades included) on a TCP
//! listener, with what a slow or greedy client may cost bounded.
//!
//! - Every accepted socket sets `TCP_NODELAY`: events are small frames, and
//!   Nagle's algorithm would hold one back until the client's delayed ACK.
//! - With TLS (`--tls-cert`), the handshake runs in the connection's own
//!   task, never in the accept loop, and must finish within
//!   `header_timeout`; then the request headers get `header_timeout` again.
//! - Request headers must arrive within `header_timeout` (slowloris).
//! - One client address holds at most `max_connections_per_ip` connections
//!   (trusted proxies carry many clients and are not capped); a handshake
//!   under way holds its place.
//! - Bodies and whole requests have their own timeouts, as layers of the app
//!   (see `Node::app`).
//!
//! Shutdown stops accepting, lets each connection finish its request in
//! flight and closes it; upgraded sockets are the hub's to close.

use std::collections::HashMap;
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::Request;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::service::TowerToHyperService;
use tokio::io::{AsyncRead, AsyncWrite, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tower::ServiceExt;

use super::tls::Tls;
use crate::api::TrustedProxies;

/// What HTTP clients may cost a node, and whose word on addresses it takes.
#[derive(Clone, Debug)]
pub struct HttpLimits {
    /// The whole request head must arrive within this.
    pub header_timeout: Duration,
    /// Longest wait for the next piece of a request body.
    pub body_timeout: Duration,
    /// Longest a request may take, body and answer included.
    pub request_timeout: Duration,
    /// Connections one client address may hold; 0 for no cap.
    pub max_connections_per_ip: usize,
    pub trusted_proxies: TrustedProxies,
}

impl Default for HttpLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(60),
            max_connections_per_ip: 256,
            trusted_proxies: TrustedProxies::default(),
        }
    }
}

/// The answer to a connection over its address's cap, before it is closed.
const TOO_MANY: &[u8] = b"HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\n\
connection: close\r\ncontent-length: 52\r\n\r\n{\"status\":\"too many connections from this address\"}";

/// Serves `app` on `listener` (over TLS with `tls`) until `shutdown`
/// resolves, then lets requests in flight finish.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    limits: HttpLimits,
    tls: Option<Tls>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let counts = Counts::default();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    // Told to stop: every connection task holds a receiver and drops it
    // once its connection ended, so the sender sees when all are gone.
    let (stop, stopping) = watch::channel(false);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    wait_after_accept_error(e).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        configure(&stream);
        let capped = !limits.trusted_proxies.trusts(peer.ip());
        let slot = match counts.take(peer.ip(), capped, limits.max_connections_per_ip) {
            Some(slot) => slot,
            None => {
                tokio::spawn(refuse(stream, tls.is_some()));
                continue;
            }
        };
        let service = app.clone().map_request(move |mut req: Request<Incoming>| {
            req.extensions_mut().insert(ConnectInfo(peer));
            req.map(Body::new)
        });
        let (http, tls, mut stopping) = (http.clone(), tls.clone(), stopping.clone());
        let handshake_within = limits.header_timeout;
        tokio::spawn(async move {
            let _slot = slot;
            let Some(tls) = tls else {
                return connection(&http, stream, service, &mut stopping).await;
            };
            let handshake = tokio::select! {
                done = tls.accept(stream, handshake_within) => done,
                // Shutting down: a handshake has no request to finish.
                _ = stopping.changed() => return,
            };
            match handshake {
                Ok(stream) => connection(&http, stream, service, &mut stopping).await,
                Err(e) => tracing::debug!(error = %e, "TLS handshake failed"),
            }
        });
    }
    drop(listener);
    let _ = stop.send(true);
    drop(stopping);
    stop.closed().await;
    Ok(())
}

/// Serves HTTP/1.1 (and upgrades) on one connection, plain or TLS, until it
/// ends; once told to stop, it finishes the request in flight and closes.
async fn connection<I, S>(
    http: &http1::Builder,
    io: I,
    service: S,
    stopping: &mut watch::Receiver<bool>,
) where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: tower::Service<Request<Incoming>, Response = axum::response::Response>
        + Clone
        + Send
        + 'static,
    S::Future: Send + 'static,
    S::Error: std::error::Error + Send + Sync + 'static,
{
    let conn = http
        .serve_connection(TokioIo::new(io), TowerToHyperService::new(service))
        .with_upgrades();
    tokio::pin!(conn);
    loop {
        tokio::select! {
            result = conn.as_mut() => {
                if let Err(e) = result {
                    tracing::debug!(error = %e, "connection ended with an error");
                }
                break;
            }
            _ = stopping.changed() => conn.as_mut().graceful_shutdown(),
        }
    }
}

/// What every accepted socket sets.
fn configure(stream: &TcpStream) {
    if let Err(e) = stream.set_nodelay(true) {
        tracing::debug!(error = %e, "cannot set TCP_NODELAY");
    }
}

/// Tells a connection over its address's cap why, and closes it. Over TLS
/// it is closed unanswered: a handshake only to refuse would spend on the
/// greedy client what the cap saves.
async fn refuse(mut stream: TcpStream, tls: bool) {
    if !tls {
        let _ = tokio::time::timeout(Duration::from_secs(1), stream.write_all(TOO_MANY)).await;
    }
    let _ = stream.shutdown().await;
}

/// An accept error other than a connection's own (out of file descriptors,
/// say) would repeat at once: wait a moment before the next accept.
async fn wait_after_accept_error(e: std::io::Error) {
    use std::io::ErrorKind as K;
    if matches!(
        e.kind(),
        K::ConnectionRefused | K::ConnectionAborted | K::ConnectionReset
    ) {
        return;
    }
    tracing::error!(error = %e, "accept failed; retrying in a second");
    tokio::time::sleep(Duration::from_secs(1)).await;
}

/// Open connections per client address.
#[derive(Clone, Default)]
struct Counts(Arc<Mutex<HashMap<IpAddr, usize>>>);

/// One open connection; dropping it frees its place.
struct Slot {
    counts: Option<Counts>,
    ip: IpAddr,
}

impl Counts {
    /// A place for one more connection from `ip`, unless it holds `max`
    /// already (`capped` false or `max` 0: no cap, nothing counted).
    fn take(&self, ip: IpAddr, capped: bool, max: usize) -> Option<Slot> {
        if !capped || max == 0 {
            return Some(Slot { counts: None, ip });
        }
        let mut counts = self.lock();
        let open = counts.entry(ip).or_insert(0);
        if *open >= max {
            return None;
        }
        *open += 1;
        Some(Slot {
            counts: Some(self.clone()),
            ip,
        })
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<IpAddr, usize>> {
        // A panic while holding the lock leaves at worst a count off by one.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Drop for Slot {
    fn drop(&mut self) {
        let Some(counts) = &self.counts else { return };
        let mut counts = counts.lock();
        if let Some(open) = counts.get_mut(&self.ip) {
            *open -= 1;
            if *open == 0 {
                counts.remove(&self.ip);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn accepted_sockets_send_small_frames_at_once() {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let _client = TcpStream::connect(addr).await.unwrap();
        let (accepted, _) = listener.accept().await.unwrap();
        assert!(!accepted.nodelay().unwrap(), "the OS default is Nagle's");
        configure(&accepted);
        assert!(accepted.nodelay().unwrap());
    }

    #[test]
    fn an_address_holds_at_most_its_cap_and_gets_places_back() {
        let counts = Counts::default();
        let ip: IpAddr = [192, 0, 2, 1].into();
        let a = counts.take(ip, true, 2).unwrap();
        let _b = counts.take(ip, true, 2).unwrap();
        assert!(counts.take(ip, true, 2).is_none());
        assert!(counts.take([192, 0, 2, 2].into(), true, 2).is_some());
        assert!(counts.take(ip, false, 2).is_some(), "trusted: not capped");
        drop(a);
        assert!(counts.take(ip, true, 2).is_some());
    }
}
