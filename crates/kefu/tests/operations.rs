//! What operators read: `/metrics` (Prometheus text, optionally behind a
//! token), liveness (`/healthz`) and readiness (`/readyz`: storage, and
//! Redis when used), and `--log-format json`.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::HashMap;

use common::node::{Node, TempDir};
use common::{eventually, Options, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

/// Options with webhooks allowed to reach 127.0.0.1 (a receiver that is
/// not there: every attempt fails).
fn local_webhooks() -> Options {
    Options {
        webhook_hosts: vec!["127.0.0.1".into()],
        ..Options::default()
    }
}

on_every_backend!(
    options = local_webhooks;
    metrics_count_what_the_node_did,
    storage_failures_are_counted_and_make_the_node_unready,
);

/// A scrape: each sample line `name{labels} value` as name{labels} → value.
struct Scrape {
    samples: HashMap<String, f64>,
}

impl Scrape {
    async fn of(app: &TestApp) -> Self {
        let response = app
            .client
            .get(format!("{}/metrics", app.base))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        assert_eq!(
            response.headers()["content-type"],
            "text/plain; version=0.0.4; charset=utf-8"
        );
        Self::parse(&response.text().await.unwrap())
    }

    fn parse(text: &str) -> Self {
        let samples = text
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .map(|l| {
                let (name, value) = l.rsplit_once(' ').unwrap();
                (name.to_owned(), value.parse().unwrap())
            })
            .collect();
        Self { samples }
    }

    /// The sample named exactly so (labels in the exposition's order).
    fn get(&self, sample: &str) -> f64 {
        *self
            .samples
            .get(sample)
            .unwrap_or_else(|| panic!("no sample {sample} in {:?}", self.samples.keys()))
    }
}

async fn metrics_count_what_the_node_did(app: TestApp) {
    let before = Scrape::of(&app).await;
    assert_eq!(before.get("kefu_messages_stored_total"), 0.0);
    assert_eq!(before.get("kefu_conversations_waiting"), 0.0);

    let t = app.tenant("Acme").await;
    let customer = app.customer(&t, "u1").await;
    let agent = app.agent(&t, "alice", false).await;
    let question = app.ask(&customer, "where is my order").await;
    let waiting = Scrape::of(&app).await;
    assert_eq!(waiting.get("kefu_conversations_waiting"), 1.0);

    // A webhook whose receiver is not there: its attempts fail and wait.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", closed.local_addr().unwrap());
    drop(closed);
    let r = app
        .api(
            Method::POST,
            "/api/v1/webhooks.json",
            &t.admin(),
            Some(json!({ "webhook": { "url": url, "events": ["message"] } })),
        )
        .await;
    assert_eq!(r.status, 200, "create webhook: {}", r.body);

    app.serve(&agent, &question).await;
    for i in 0..5 {
        let (status, body) = app
            .customer_says(&customer, &question, &format!("m{i}"))
            .await;
        assert_eq!(status, 200, "{body}");
    }
    let (status, body) = app.agent_says(&agent, &question, "on its way").await;
    assert_eq!(status, 200, "{body}");
    // Open once its hello arrived.
    let _socket = common::ws::WsClient::agent(&app.base, &agent).await;

    eventually("a failed webhook attempt is counted", || async {
        let s = Scrape::of(&app).await;
        s.samples
            .get(r#"kefu_webhook_attempts_total{outcome="failed"}"#)
            .is_some_and(|n| *n >= 1.0)
    })
    .await;
    let after = Scrape::of(&app).await;
    assert_eq!(after.get("kefu_messages_stored_total"), 6.0);
    assert_eq!(after.get("kefu_conversations_waiting"), 0.0);
    assert_eq!(after.get("kefu_sockets_open"), 1.0);
    assert!(after.get("kefu_webhook_deliveries_pending") >= 1.0);
    // Every stored message went through a group of at least one.
    let grouped = after.get("kefu_group_commit_size_sum");
    assert_eq!(grouped, 6.0, "group sizes add up to the messages");
    assert!(after.get("kefu_group_commit_size_count") >= 1.0);
    // Requests by route pattern (never the raw path) and status.
    let sent = r#"kefu_http_request_duration_seconds_count{method="POST",route="/v1/question/{question_id}/message/send_text",status="200"}"#;
    assert_eq!(after.get(sent), 6.0);
    let scrapes =
        r#"kefu_http_request_duration_seconds_count{method="GET",route="/metrics",status="200"}"#;
    assert!(after.get(scrapes) >= 3.0);
    let unknown = r#"kefu_http_request_duration_seconds_count{method="GET",route="(unmatched)",status="404"}"#;
    assert!(!after.samples.contains_key(unknown));
    assert_eq!(app.get("/no/such/page", &[]).await.0, 404);
    assert_eq!(Scrape::of(&app).await.get(unknown), 1.0);
    assert_eq!(after.get("kefu_storage_errors_total"), 0.0);
}

/// Routing rounds are counted when seed 001 pushes a conversation.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn routing_rounds_are_counted() {
    let app = TestApp::spawn(common::Backend::Sqlite).await.unwrap();
    let desk = common::desk::Desk::new(&app, "Acme").await;
    desk.connect("visitor").await;
    let s = Scrape::of(&app).await;
    let rounds: f64 = ["applied", "stale", "idle"]
        .iter()
        .filter_map(|o| {
            s.samples
                .get(&format!(r#"kefu_routing_rounds_total{{outcome="{o}"}}"#))
        })
        .sum();
    assert!(rounds >= 1.0, "{:?}", s.samples);
}

async fn storage_failures_are_counted_and_make_the_node_unready(app: TestApp) {
    let t = app.tenant("Acme").await;
    let customer = app.customer(&t, "u1").await;
    let (status, ready) = app.get("/readyz", &[]).await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(
        ready,
        json!({ "status": "ready", "storage": "ok", "redis": "not used" })
    );

    // The database goes away under the running node.
    app.engine.store().close().await;
    let (status, body) = app
        .get("/v1/question/list", &[("session", &customer.session)])
        .await;
    assert_eq!(status, 503, "{body}");
    let (status, ready) = app.get("/readyz", &[]).await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(ready["status"], "not ready");
    assert_eq!(ready["storage"], "unreachable");
    // Alive all the same: restarting the process would not bring the
    // database back.
    let (status, health) = app.get("/healthz", &[]).await;
    assert_eq!(status, 200, "{health}");
    assert_eq!(health["status"], "ok");
    let s = Scrape::of(&app).await;
    // The failed request, and the backlog this very scrape could not read.
    assert!(s.get("kefu_storage_errors_total") >= 2.0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metrics_behind_a_token_answer_only_to_it() {
    let app = TestApp::spawn_with(
        common::Backend::Sqlite,
        Options {
            metrics_token: Some("s3cret-scrape".into()),
            ..Options::default()
        },
    )
    .await
    .unwrap();
    let scrape = |token: Option<&'static str>| {
        let mut request = app.client.get(format!("{}/metrics", app.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        async move { request.send().await.unwrap() }
    };
    for wrong in [None, Some("s3cret"), Some("s3cret-scrape-"), Some("")] {
        let response = scrape(wrong).await;
        assert_eq!(response.status(), 401, "{wrong:?}");
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
    }
    let response = scrape(Some("s3cret-scrape")).await;
    assert_eq!(response.status(), 200);
    let text = response.text().await.unwrap();
    assert!(
        text.contains("# TYPE kefu_messages_stored_total counter"),
        "{text}"
    );
    // Health stays open: load balancers send no token.
    assert_eq!(app.get("/readyz", &[]).await.0, 200);
}

/// Readiness checks the Redis a node fans out through: a node told to use
/// one that is not there is alive but not ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readiness_checks_redis() {
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let nowhere = format!("redis://{}", closed.local_addr().unwrap());
    drop(closed);
    let dir = TempDir::new("ready-redis");
    let node = Node::start(&dir.path, "node", &["--redis", &nowhere]);
    let (status, ready) = node.http.get("/readyz", &[]).await;
    assert_eq!(status, 503, "{ready}");
    assert_eq!(
        ready,
        json!({ "status": "not ready", "storage": "ok", "redis": "unreachable" })
    );
    assert_eq!(node.http.get("/healthz", &[]).await.0, 200);
    drop(node);

    let Some(redis) = std::env::var("KEFU_TEST_REDIS_URL")
        .ok()
        .filter(|v| !v.is_empty())
    else {
        eprintln!("SKIPPED the reachable half: set KEFU_TEST_REDIS_URL");
        return;
    };
    let node = Node::start(&dir.path, "node", &["--redis", &redis]);
    let (status, ready) = node.http.get("/readyz", &[]).await;
    assert_eq!(status, 200, "{ready}");
    assert_eq!(ready["redis"], "ok");
}

/// `--log-format json`: every line on stderr is one JSON object with the
/// level, the message and the fields at the top level.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn json_logs_are_one_object_per_line() {
    let dir = TempDir::new("json-logs");
    let node = Node::start(&dir.path, "node", &["--log-format", "json"]);
    let (status, _) = node.http.get("/openapi.json", &[]).await;
    assert_eq!(status, 200);
    let log = dir.path.join("node.log");
    eventually("the request is logged", || async {
        std::fs::read_to_string(&log)
            .unwrap()
            .contains("/openapi.json")
    })
    .await;
    drop(node);
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<Value> = text
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    assert!(!lines.is_empty());
    for line in &lines {
        assert!(line["timestamp"].is_string(), "{line}");
        assert!(line["level"].is_string(), "{line}");
        assert!(line["message"].is_string(), "{line}");
    }
    let request = lines
        .iter()
        .find(|l| l["route"] == "/openapi.json")
        .unwrap_or_else(|| panic!("no request line in {text}"));
    assert_eq!(request["level"], "INFO");
    assert_eq!(request["message"], "request");
    assert_eq!(request["status"], 200);
    assert_eq!(request["method"], "GET");
}
