//! WebSockets kept healthy, against the real `kefu` binary on SQLite (memory
//! is measured on the server process, so it cannot run in-process): a client
//! that stops reading is closed without the server hoarding its events, a
//! client that never answers pings is closed while one that does stays, and a
//! customer over its socket limit is refused with 429.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use common::eventually;
use common::node::{agent, ask, create_tenant, serve, session, ws_target, Node, Socket, TempDir};
use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const MIB: u64 = 1024 * 1024;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_socket_that_stops_reading_is_closed_without_hoarding_its_events() {
    let dir = TempDir::new("sockets-slow");
    let tenant = create_tenant(&dir.path, &[]);
    let node = Node::start(&dir.path, "node", &["--ws-buffer", "16"]);
    let http = node.http.clone();
    let customer = session(&http, &tenant, "talker").await;
    let agent = agent(&http, &http, &tenant, "slowpoke").await;
    let question = ask(&http, &customer, "a lot to say").await;
    let (status, body) = serve(&http, &agent, &question).await;
    assert_eq!(status, 200, "serve: {body}");

    // The agent's socket completes the handshake and then never reads.
    let mut raw = RawSocket::open(&node.addr, &ws_target(&agent.query())).await;
    eventually("/healthz counts the agent's socket", || async {
        node.sockets().await == Some(1)
    })
    .await;
    let before = rss(node.pid()).expect("the server's VmRSS");
    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let (stop, pid) = (stop.clone(), node.pid());
        tokio::spawn(async move {
            let mut peak = 0;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(rss(pid).unwrap_or(0));
                tokio::time::sleep(Duration::from_millis(25)).await;
            }
            peak.max(rss(pid).unwrap_or(0))
        })
    };

    // ~100 MB of text for that agent: 8 senders × 1050 messages of 4,000
    // three-byte characters.
    const SENDERS: usize = 8;
    const EACH: usize = 1050;
    let text = Arc::new("字".repeat(4000));
    let sent = (SENDERS * EACH * text.len()) as u64;
    let mut senders = tokio::task::JoinSet::new();
    for _ in 0..SENDERS {
        let (http, customer, question, text) = (
            http.clone(),
            customer.clone(),
            question.clone(),
            text.clone(),
        );
        senders.spawn(async move {
            for _ in 0..EACH {
                let (status, body) = http
                    .post_json(
                        &format!("/v1/question/{question}/message/send_text"),
                        &json!({"session": customer.session, "sender": customer.user_id,
                                "sender_type": 1, "text": text.as_str()}),
                    )
                    .await;
                assert_eq!(status, 200, "send_text: {body}");
            }
        });
    }
    while let Some(joined) = senders.join_next().await {
        joined.unwrap();
    }

    stop.store(true, Ordering::Relaxed);
    let peak = sampler.await.unwrap();
    let growth = peak.saturating_sub(before);
    assert!(
        growth < 64 * MIB,
        "the server's RSS grew by {} MiB (from {} MiB) while {} MiB went to a client that \
         does not read",
        growth / MIB,
        before / MIB,
        sent / MIB
    );

    // The server gave up on the socket although the client still holds it.
    eventually("/healthz reports no socket left", || async {
        node.sockets().await == Some(0)
    })
    .await;

    // What reaches the client is bounded, and the connection ends.
    let drained = raw.drain(Duration::from_secs(30)).await;
    assert!(
        drained.ended,
        "the server still holds the TCP connection 30 s after dropping the socket \
         ({} bytes read)",
        drained.bytes
    );
    assert!(
        drained.bytes < 16 * MIB,
        "{} MiB ({} events) reached the client that stopped reading ({} MiB were sent)",
        drained.bytes / MIB,
        drained.texts,
        sent / MIB
    );
    if let Some(code) = drained.close {
        assert_eq!(code, 4008, "close code for a slow consumer");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_that_never_answers_pings_is_closed_and_one_that_does_stays() {
    let dir = TempDir::new("sockets-heartbeat");
    let tenant = create_tenant(&dir.path, &[]);
    let node = Node::start(&dir.path, "node", &["--ws-heartbeat", "1"]);
    let customer = session(&node.http, &tenant, "kim").await;

    let (mut good, hello) = Socket::open(&node.base, &customer.query()).await;
    assert_eq!(
        hello["heartbeat"], 1,
        "hello announces the interval: {hello}"
    );
    let mut silent = RawSocket::open(&node.addr, &ws_target(&customer.query())).await;

    // Both at once: the silent client only reads, tungstenite answers pings
    // while it reads.
    let (drained, pings) = tokio::join!(
        silent.drain(Duration::from_secs(15)),
        good.read_for(Duration::from_secs(6))
    );
    assert!(
        drained.ended,
        "a client that answered no ping for 15 s is still connected ({} pings seen)",
        drained.pings
    );
    assert!(
        drained.pings >= 1,
        "the silent client was closed before it was ever pinged: {drained:?}"
    );
    assert!(
        pings >= 3,
        "the answering client saw {pings} pings in 6 s with --ws-heartbeat 1"
    );
    good.send(json!({"type": "ping", "ref": "still-there"}))
        .await;
    let pong = good
        .expect("pong", |e| {
            e["event"] == "pong" && e["ref"] == "still-there"
        })
        .await;
    assert!(pong["cursor"].is_string(), "{pong}");
    assert_eq!(node.sockets().await, Some(1), "only the answering socket");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_over_its_socket_limit_is_refused_with_429() {
    let dir = TempDir::new("sockets-limits");
    let tenant = create_tenant(&dir.path, &[]);
    let node = Node::start(&dir.path, "node", &["--ws-max-per-user", "2"]);
    let kim = session(&node.http, &tenant, "kim").await;
    let lee = session(&node.http, &tenant, "lee").await;

    let (first, _) = Socket::open(&node.base, &kim.query()).await;
    let (_second, _) = Socket::open(&node.base, &kim.query()).await;
    let refused = match Socket::try_open(&node.base, &kim.query()).await {
        Ok(_) => panic!("a third socket of kim was accepted with --ws-max-per-user 2"),
        Err(e) => e,
    };
    assert_eq!(refused.0, 429, "{refused:?}");
    assert_eq!(refused.1["status"], 300, "{}", refused.1);
    assert_eq!(refused.1["error"], 2006, "{}", refused.1);
    assert!(
        refused.1["debug"].as_str().is_some_and(|d| !d.is_empty()),
        "{}",
        refused.1
    );

    // The limit is per user, and closing a socket gives its place back.
    let (_lee, hello) = Socket::open(&node.base, &lee.query()).await;
    assert_eq!(hello["user_id"], "lee", "{hello}");
    first.close().await;
    eventually("kim's closed socket is released", || async {
        node.sockets().await == Some(2)
    })
    .await;
    let (_again, hello) = Socket::open(&node.base, &kim.query()).await;
    assert_eq!(hello["role"], "customer", "{hello}");
}

// ---------------------------------------------------------------------------
// The server's memory and a client that does not behave.

/// The resident memory of a process, in bytes (`None` once it is exiting).
fn rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())?;
    Some(kib * 1024)
}

/// A client written on raw TCP: it completes the handshake and then only
/// reads when told to, and never answers anything.
struct RawSocket {
    stream: TcpStream,
    buf: Vec<u8>,
}

/// What a raw client read until the server ended the connection.
#[derive(Debug, Default)]
struct Drained {
    bytes: u64,
    texts: usize,
    pings: usize,
    /// The code of the server's close frame, if one arrived.
    close: Option<u16>,
    /// The server ended the connection (EOF or reset) before the time limit.
    ended: bool,
}

impl RawSocket {
    async fn open(addr: &str, target: &str) -> Self {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: {addr}\r\nUpgrade: websocket\r\n\
             Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\
             Sec-WebSocket-Version: 13\r\n\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut buf = Vec::new();
        let end = loop {
            if let Some(at) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = stream.read(&mut chunk).await.unwrap();
            assert!(n > 0, "connection closed during the handshake");
            buf.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buf[..end]).into_owned();
        assert!(head.starts_with("HTTP/1.1 101"), "handshake answer: {head}");
        buf.drain(..end);
        Self { stream, buf }
    }

    /// Reads and parses frames until the server ends the connection or
    /// `limit` passes.
    async fn drain(&mut self, limit: Duration) -> Drained {
        let deadline = tokio::time::Instant::now() + limit;
        let mut drained = Drained {
            bytes: self.buf.len() as u64,
            ..Drained::default()
        };
        let mut chunk = vec![0u8; 64 * 1024];
        loop {
            while let Some((opcode, payload, used)) = frame(&self.buf) {
                match opcode {
                    0x1 => drained.texts += 1,
                    0x8 if payload.len() >= 2 => {
                        drained.close = Some(u16::from_be_bytes([payload[0], payload[1]]))
                    }
                    0x9 => drained.pings += 1,
                    _ => {}
                }
                self.buf.drain(..used);
            }
            match tokio::time::timeout_at(deadline, self.stream.read(&mut chunk)).await {
                Err(_) => return drained,
                Ok(Ok(0) | Err(_)) => {
                    drained.ended = true;
                    return drained;
                }
                Ok(Ok(n)) => {
                    drained.bytes += n as u64;
                    self.buf.extend_from_slice(&chunk[..n]);
                }
            }
        }
    }
}

/// One complete server frame at the start of `buf`: opcode, payload, length.
fn frame(buf: &[u8]) -> Option<(u8, &[u8], usize)> {
    let (&first, &second) = (buf.first()?, buf.get(1)?);
    assert_eq!(second & 0x80, 0, "server frames are not masked");
    let (len, start) = match second & 0x7f {
        126 => (
            u16::from_be_bytes(buf.get(2..4)?.try_into().ok()?) as usize,
            4,
        ),
        127 => (
            u64::from_be_bytes(buf.get(2..10)?.try_into().ok()?) as usize,
            10,
        ),
        n => (n as usize, 2),
    };
    let payload = buf.get(start..start + len)?;
    Some((first & 0x0f, payload, start + len))
}

/// A plain GET of `/ws` (no upgrade headers) answers seed 003's JSON error,
/// not axum's plain-text rejection (schemathesis found the undocumented
/// `text/plain` body).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_get_that_is_no_upgrade_answers_the_v1_error_body() {
    let dir = TempDir::new("sockets-plain-get");
    let tenant = create_tenant(&dir.path, &[]);
    let node = Node::start(&dir.path, "node", &[]);
    let kim = session(&node.http, &tenant, "kim").await;
    let (status, body) = node.http.get("/ws", &kim.query()).await;
    assert_eq!(status, 400, "{body}");
    assert_eq!(body["status"], 300, "{body}");
    assert_eq!(body["error"], 1002, "{body}");
    assert_eq!(body["field"], "Upgrade", "{body}");
}
