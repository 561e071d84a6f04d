//! The bench's clients: one HTTP/1 keep-alive connection per virtual user
//! (hyper's bare client connection: no pool, no per-request URL parsing, so
//! the client spends as little of the shared CPU as possible), and WebSockets.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{HeaderValue, AUTHORIZATION, CONTENT_TYPE, HOST};
use hyper::{Method, Request};
use hyper_util::rt::TokioIo;
use serde_json::Value;
use tokio::net::TcpStream;
use tokio_tungstenite::tungstenite::protocol::WebSocketConfig;
use tokio_tungstenite::tungstenite::{self, Message};
use tokio_tungstenite::WebSocketStream;

use crate::Result;

/// No single request or WebSocket handshake may hang the bench.
const TIMEOUT: Duration = Duration::from_secs(30);

const FORM: &str = "application/x-www-form-urlencoded";

/// An answer: HTTP status and body.
pub struct Reply {
    pub status: u16,
    pub body: Bytes,
}

impl Reply {
    pub fn json(&self) -> Result<Value> {
        serde_json::from_slice(&self.body).map_err(|e| {
            format!(
                "HTTP {} answered no JSON ({e}): {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
            .into()
        })
    }

    /// HTTP 200 whose JSON says `"status": 200` (seed 003), checked on the
    /// bytes: kefu writes compact JSON, and parsing every answer of a hot
    /// loop would cost the server's CPU.
    pub fn is_v1_ok(&self) -> bool {
        const OK: &[u8] = b"\"status\":200";
        self.status == 200 && self.body.windows(OK.len()).any(|w| w == OK)
    }

    /// The answer as an error unless it is HTTP 200.
    pub fn ok(self, what: &str) -> Result<Reply> {
        if self.status == 200 {
            Ok(self)
        } else {
            Err(format!(
                "{what}: HTTP {}: {}",
                self.status,
                String::from_utf8_lossy(&self.body)
            )
            .into())
        }
    }
}

/// One keep-alive HTTP/1 connection to the server.
pub struct Conn {
    addr: SocketAddr,
    host: HeaderValue,
    sender: SendRequest<Full<Bytes>>,
    /// A request timed out: its answer may still come, so the next request
    /// takes a new connection.
    broken: bool,
}

async fn handshake(addr: SocketAddr) -> Result<SendRequest<Full<Bytes>>> {
    let stream = TcpStream::connect(addr)
        .await
        .map_err(|e| format!("cannot connect to {addr}: {e}"))?;
    stream.set_nodelay(true)?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
    tokio::spawn(async move {
        // Ends when the sender is dropped or the server closes.
        let _ = connection.await;
    });
    Ok(sender)
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Conn> {
        Ok(Conn {
            addr,
            host: HeaderValue::from_str(&addr.to_string())?,
            sender: handshake(addr).await?,
            broken: false,
        })
    }

    /// A request with the Host header set.
    pub fn request(&self, method: Method, path: &str) -> hyper::http::request::Builder {
        Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, self.host.clone())
    }

    pub async fn send(&mut self, request: Request<Full<Bytes>>) -> Result<Reply> {
        if self.broken || self.sender.is_closed() {
            self.sender = handshake(self.addr).await?;
            self.broken = false;
        }
        let sender = &mut self.sender;
        let exchange = async {
            sender.ready().await?;
            let response = sender.send_request(request).await?;
            let status = response.status().as_u16();
            let body = response.into_body().collect().await?.to_bytes();
            Ok::<_, crate::Error>(Reply { status, body })
        };
        match tokio::time::timeout(TIMEOUT, exchange).await {
            Ok(reply) => reply,
            Err(_) => {
                self.broken = true;
                Err(format!("no answer within {} s", TIMEOUT.as_secs()).into())
            }
        }
    }

    pub async fn get(&mut self, path: &str, authorization: Option<&str>) -> Result<Reply> {
        let mut request = self.request(Method::GET, path);
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        self.send(request.body(Full::default())?).await
    }

    /// `GET path?query`, the query URL-encoded.
    pub async fn get_query(&mut self, path: &str, query: &[(&str, &str)]) -> Result<Reply> {
        let path = format!("{path}?{}", serde_urlencoded::to_string(query)?);
        self.get(&path, None).await
    }

    /// A POST of an already encoded form body (the hot loops build theirs once).
    pub async fn post_encoded(
        &mut self,
        path: &str,
        authorization: Option<&str>,
        body: Bytes,
    ) -> Result<Reply> {
        let mut request = self.request(Method::POST, path).header(CONTENT_TYPE, FORM);
        if let Some(value) = authorization {
            request = request.header(AUTHORIZATION, value);
        }
        self.send(request.body(Full::new(body))?).await
    }

    pub async fn post_form(
        &mut self,
        path: &str,
        authorization: Option<&str>,
        form: &[(&str, &str)],
    ) -> Result<Reply> {
        let body = serde_urlencoded::to_string(form)?;
        self.post_encoded(path, authorization, Bytes::from(body))
            .await
    }

    /// A JSON request (the administration API), with an optional body.
    pub async fn json(
        &mut self,
        method: Method,
        path: &str,
        authorization: &str,
        body: Option<&Value>,
    ) -> Result<Reply> {
        let request = self
            .request(method, path)
            .header(AUTHORIZATION, authorization);
        let request = match body {
            Some(body) => request
                .header(CONTENT_TYPE, "application/json")
                .body(Full::new(Bytes::from(body.to_string())))?,
            None => request.body(Full::default())?,
        };
        self.send(request).await
    }
}

/// Runs `job(connection, i)` for every `i` in `0..count` on `workers`
/// keep-alive connections at once; the answers in the order of `i`. Setup
/// work: polled in the caller's task, so `job` need not be `Send`.
pub async fn parallel<T>(
    addr: SocketAddr,
    workers: usize,
    count: usize,
    job: impl AsyncFn(&mut Conn, usize) -> Result<T>,
) -> Result<Vec<T>> {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<T>>> = Mutex::new((0..count).map(|_| None).collect());
    let worker = async || -> Result<()> {
        let mut conn = Conn::open(addr).await?;
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            if i >= count {
                return Ok(());
            }
            match job(&mut conn, i).await {
                Ok(value) => results.lock().expect("results lock")[i] = Some(value),
                Err(e) => {
                    // The others stop taking work: the first error is the answer.
                    next.store(count, Ordering::Relaxed);
                    return Err(e);
                }
            }
        }
    };
    let outcomes =
        futures_util::future::join_all((0..workers.clamp(1, count.max(1))).map(|_| worker())).await;
    for outcome in outcomes {
        outcome?;
    }
    let results = results.into_inner().expect("results lock");
    Ok(results
        .into_iter()
        .map(|r| r.expect("every job ran"))
        .collect())
}

pub type Ws = WebSocketStream<TcpStream>;

/// Opens `GET /ws?query` and reads its first frame, `hello`. `small`
/// shrinks the client's buffers, for the thousands of idle sockets.
pub async fn ws_open(addr: SocketAddr, query: &[(&str, &str)], small: bool) -> Result<(Ws, Value)> {
    let url = format!("ws://{addr}/ws?{}", serde_urlencoded::to_string(query)?);
    let mut config = WebSocketConfig::default();
    if small {
        config = config.read_buffer_size(4096).write_buffer_size(0);
    }
    let open = async {
        let stream = TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (mut ws, _) =
            match tokio_tungstenite::client_async_with_config(url, stream, Some(config)).await {
                Ok(opened) => opened,
                Err(tungstenite::Error::Http(response)) => {
                    let body = response.body().clone().unwrap_or_default();
                    return Err(format!(
                        "GET /ws refused with HTTP {}: {}",
                        response.status().as_u16(),
                        String::from_utf8_lossy(&body)
                    )
                    .into());
                }
                Err(e) => return Err(format!("GET /ws failed: {e}").into()),
            };
        loop {
            match ws.next().await {
                Some(Ok(Message::Text(text))) => {
                    let hello: Value = serde_json::from_str(text.as_str())?;
                    if hello["event"] != "hello" {
                        return Err(format!("the first frame is not hello: {hello}").into());
                    }
                    return Ok((ws, hello));
                }
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
                other => return Err(format!("the socket ended before hello: {other:?}").into()),
            }
        }
    };
    tokio::time::timeout(TIMEOUT, open)
        .await
        .map_err(|_| crate::Error::from("no hello within 30 s"))?
}
