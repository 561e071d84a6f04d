//! What a slow or greedy client may cost the server, over raw TCP: headers
//! that never finish, a body that stalls, a request that outlasts its limit,
//! too many connections from one address; and whose address counts behind a
//! reverse proxy. Not storage-related, so on SQLite only.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::time::Duration;

use common::{eventually, Backend, Options, TestApp};
use kefu::server::HttpLimits;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// Longest a test waits for the server to act (its limits here are 1–2 s).
const PATIENCE: Duration = Duration::from_secs(10);

async fn app_with(http: HttpLimits) -> TestApp {
    let options = Options {
        http,
        ..Options::default()
    };
    TestApp::spawn_with(Backend::Sqlite, options).await.unwrap()
}

fn limits() -> HttpLimits {
    HttpLimits {
        max_connections_per_ip: 0,
        ..HttpLimits::default()
    }
}

async fn connect(app: &TestApp) -> TcpStream {
    TcpStream::connect(app.base.trim_start_matches("http://"))
        .await
        .unwrap()
}

/// Everything the server sends until it closes the connection.
async fn until_closed(stream: &mut TcpStream) -> String {
    let mut answer = Vec::new();
    tokio::time::timeout(PATIENCE, stream.read_to_end(&mut answer))
        .await
        .expect("the server closed the connection")
        .ok();
    String::from_utf8_lossy(&answer).into_owned()
}

/// Asks for `/healthz` on a kept-alive connection and checks the answer's
/// status line.
async fn healthy(stream: &mut TcpStream) {
    stream
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: kefu\r\n\r\n")
        .await
        .unwrap();
    let mut status = [0u8; 12];
    stream.read_exact(&mut status).await.unwrap();
    assert_eq!(&status, b"HTTP/1.1 200");
}

/// The JSON body of a raw HTTP answer.
fn body_of(answer: &str) -> Value {
    let body = answer.split_once("\r\n\r\n").map_or("", |(_, b)| b);
    serde_json::from_str(body).unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_that_never_finish_are_cut_off() {
    let app = app_with(HttpLimits {
        header_timeout: Duration::from_secs(1),
        ..limits()
    })
    .await;
    let mut slow = connect(&app).await;
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: kefu\r\nX-Slow: ")
        .await
        .unwrap();
    let answer = until_closed(&mut slow).await;
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 408"),
        "{answer}"
    );
    // The server still serves others.
    assert_eq!(app.get("/healthz", &[]).await.0, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stalls_is_refused_in_the_dialects_body() {
    let app = app_with(HttpLimits {
        body_timeout: Duration::from_secs(1),
        ..limits()
    })
    .await;
    let mut slow = connect(&app).await;
    slow.write_all(
        b"POST /v1/question/new HTTP/1.1\r\nHost: kefu\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\nsession=",
    )
    .await
    .unwrap();
    let answer = until_closed(&mut slow).await;
    assert!(answer.starts_with("HTTP/1.1 400"), "{answer}");
    let body = body_of(&answer);
    assert_eq!(body["status"], 300, "{answer}");
    assert_eq!(body["field"], "body", "{answer}");
}

/// A body that trickles in just fast enough for the body timeout still
/// meets the whole request's limit.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_its_time_limit_is_answered_and_closed() {
    let app = app_with(HttpLimits {
        body_timeout: Duration::from_secs(5),
        request_timeout: Duration::from_secs(2),
        ..limits()
    })
    .await;
    let mut slow = connect(&app).await;
    slow.write_all(
        b"POST /v1/question/new HTTP/1.1\r\nHost: kefu\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\n",
    )
    .await
    .unwrap();
    let trickle = async {
        // A byte every 200 ms (a slow client), until the server answers.
        while slow.write_all(b"x").await.is_ok() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            let mut peek = [0u8; 1];
            if let Ok(Ok(n)) =
                tokio::time::timeout(Duration::from_millis(1), slow.peek(&mut peek)).await
            {
                if n > 0 {
                    break;
                }
            }
        }
    };
    tokio::time::timeout(PATIENCE, trickle)
        .await
        .expect("answered in time");
    let answer = until_closed(&mut slow).await;
    assert!(answer.starts_with("HTTP/1.1 503"), "{answer}");
    let body = body_of(&answer);
    assert_eq!(body["error"], 5002, "{answer}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_holds_at_most_its_connections() {
    let app = app_with(HttpLimits {
        max_connections_per_ip: 3,
        ..limits()
    })
    .await;
    let mut open = Vec::new();
    for _ in 0..3 {
        open.push(connect(&app).await);
    }
    // The three are served (each answers a request and stays open).
    for stream in &mut open {
        healthy(stream).await;
    }
    let mut fourth = connect(&app).await;
    let answer = until_closed(&mut fourth).await;
    assert!(answer.starts_with("HTTP/1.1 429"), "{answer}");
    assert_eq!(
        body_of(&answer)["status"],
        "too many connections from this address"
    );
    // One leaves; its place is free again.
    drop(open.pop());
    eventually("a place frees up", || async {
        let mut again = connect(&app).await;
        again
            .write_all(b"GET /healthz HTTP/1.1\r\nHost: kefu\r\nConnection: close\r\n\r\n")
            .await
            .is_ok()
            && until_closed(&mut again).await.starts_with("HTTP/1.1 200")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_trusted_proxy_is_not_capped() {
    let app = app_with(HttpLimits {
        max_connections_per_ip: 1,
        trusted_proxies: kefu::api::TrustedProxies(vec!["127.0.0.1".parse().unwrap()]),
        ..limits()
    })
    .await;
    let mut open = Vec::new();
    for _ in 0..5 {
        let mut stream = connect(&app).await;
        healthy(&mut stream).await;
        open.push(stream);
    }
}

/// Wrong tenant keys are counted per client address (20 per window): behind
/// a trusted proxy the address is the one it names in X-Forwarded-For; from
/// anyone else the header is ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn x_forwarded_for_counts_only_from_a_trusted_proxy() {
    use kefu::engine::throttle::KEYS_LIMIT;
    async fn wrong_key(app: &TestApp, api_key: &str, client: &str) -> u16 {
        app.client
            .post(format!("{}/admin/access_token", app.base))
            .header("x-forwarded-for", client)
            .form(&[("api_key", api_key), ("secret_key", "guess")])
            .send()
            .await
            .unwrap()
            .status()
            .as_u16()
    }

    let proxied = app_with(HttpLimits {
        trusted_proxies: kefu::api::TrustedProxies(vec!["127.0.0.1".parse().unwrap()]),
        ..limits()
    })
    .await;
    let t = proxied.tenant("Acme").await;
    for _ in 0..KEYS_LIMIT {
        assert_eq!(wrong_key(&proxied, &t.api_key, "198.51.100.1").await, 401);
    }
    assert_eq!(wrong_key(&proxied, &t.api_key, "198.51.100.1").await, 429);
    assert_eq!(wrong_key(&proxied, &t.api_key, "198.51.100.2").await, 401);

    let direct = app_with(limits()).await;
    let t = direct.tenant("Acme").await;
    for n in 0..KEYS_LIMIT {
        let claimed = format!("203.0.113.{n}");
        assert_eq!(wrong_key(&direct, &t.api_key, &claimed).await, 401);
    }
    // Every claim was the same client: 127.0.0.1.
    assert_eq!(wrong_key(&direct, &t.api_key, "203.0.113.200").await, 429);
}
