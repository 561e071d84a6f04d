//! Webhooks: admins manage them through `/api/v1` (seed 002 dialect), and the
//! tenant's stored events reach a local receiver as signed POSTs, with
//! retries, on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "tests fail loudly on unexpected shapes")]

mod common;

use std::collections::{HashMap, VecDeque};
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use common::{assert_admin_error, eventually, ApiResponse, Login, TestApp};
use hmac::{Hmac, Mac};
use kefu::webhooks::Deliverer;
use reqwest::Method;
use serde_json::{json, Value};
use sha2::Sha256;
use tokio::net::TcpListener;

/// The receivers listen on 127.0.0.1, an internal address: the operator's
/// allowance lets webhooks reach it.
fn local_receivers() -> common::Options {
    common::Options {
        webhook_hosts: vec!["127.0.0.1".into()],
        ..common::Options::default()
    }
}

on_every_backend!(
    options = local_receivers;
    the_secret_is_shown_once_at_creation,
    matching_events_reach_the_receiver_signed,
    a_failing_receiver_gets_retried_until_it_answers_2xx,
    a_receiver_that_was_down_gets_the_event_when_it_comes_back,
    several_nodes_queue_and_send_each_event_once,
    a_paused_webhook_misses_what_happens_meanwhile,
    webhooks_are_changed_deleted_and_limited,
    other_tenants_cannot_see_a_webhook_or_its_log,
    only_administrators_manage_webhooks,
    invalid_urls_and_event_names_are_refused,
    a_customers_rating_reaches_the_receiver,
);

const HOOKS: &str = "/api/v1/webhooks.json";

fn hook(id: &Value) -> String {
    format!("/api/v1/webhooks/{id}.json")
}

fn log_of(id: &Value) -> String {
    format!("/api/v1/webhooks/{id}/deliveries.json")
}

/// One request the receiver got.
#[derive(Clone, Debug)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

impl Received {
    fn header(&self, name: &str) -> &str {
        self.headers.get(name).map_or("", String::as_str)
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap()
    }
}

#[derive(Clone, Default)]
struct Inbox {
    seen: Arc<Mutex<Vec<Received>>>,
    /// Statuses to answer, in order; 200 once they run out.
    script: Arc<Mutex<VecDeque<u16>>>,
}

/// A local HTTP server standing for the enterprise's system: it records
/// every request and answers the scripted statuses.
struct Receiver {
    url: String,
    inbox: Inbox,
    task: tokio::task::JoinHandle<()>,
}

impl Receiver {
    async fn start(script: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        Self::serve(listener, script)
    }

    /// On `addr`, where nothing listened before.
    async fn start_on(addr: SocketAddr) -> Self {
        let listener = TcpListener::bind(addr).await.unwrap();
        Self::serve(listener, &[])
    }

    fn serve(listener: TcpListener, script: &[u16]) -> Self {
        let url = format!("http://{}/kefu-hook", listener.local_addr().unwrap());
        let inbox = Inbox::default();
        inbox.script.lock().unwrap().extend(script);
        let app = axum::Router::new()
            .route("/kefu-hook", axum::routing::post(receive))
            .with_state(inbox.clone());
        let task = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self { url, inbox, task }
    }

    fn received(&self) -> Vec<Received> {
        self.inbox.seen.lock().unwrap().clone()
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

async fn receive(State(inbox): State<Inbox>, headers: HeaderMap, body: String) -> StatusCode {
    let headers = headers
        .iter()
        .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
        .collect();
    inbox.seen.lock().unwrap().push(Received { headers, body });
    let status = inbox.script.lock().unwrap().pop_front().unwrap_or(200);
    StatusCode::from_u16(status).unwrap()
}

/// Checks `X-Kefu-Signature: t=...,v1=...` as a receiver would: the HMAC of
/// "{t}.{body}" under the secret, and a recent `t`.
fn assert_signed(r: &Received, secret: &str) {
    let header = r.header("x-kefu-signature");
    let (t, v1) = header
        .split_once(',')
        .and_then(|(t, v1)| Some((t.strip_prefix("t=")?, v1.strip_prefix("v1=")?)))
        .unwrap_or_else(|| panic!("malformed signature header {header:?}"));
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", r.body).as_bytes());
    let expected: String = mac
        .finalize()
        .into_bytes()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(v1, expected, "the signature does not verify: {header}");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64;
    let t: i64 = t.parse().unwrap();
    assert!((now - t).abs() < 300, "t={t} is not recent (now {now})");
}

async fn create(app: &TestApp, login: &Login, webhook: Value) -> ApiResponse {
    app.api(
        Method::POST,
        HOOKS,
        login,
        Some(json!({ "webhook": webhook })),
    )
    .await
}

/// Creates a webhook; answers its object (with the secret).
async fn created(app: &TestApp, login: &Login, webhook: Value) -> Value {
    let r = create(app, login, webhook).await;
    assert_eq!(r.status, 200, "create webhook: {}", r.body);
    r.body["webhook"].clone()
}

/// The deliveries of a webhook's log, newest first.
async fn deliveries(app: &TestApp, login: &Login, id: &Value) -> Vec<Value> {
    let body = app.api_get(&log_of(id), login).await;
    body["deliveries"].as_array().unwrap().clone()
}

/// Waits until the newest delivery of the webhook's log is delivered; the
/// log then.
async fn newest_delivered(app: &TestApp, login: &Login, id: &Value, what: &str) -> Vec<Value> {
    eventually(what, || async {
        deliveries(app, login, id)
            .await
            .first()
            .is_some_and(|d| d["state"] == "delivered")
    })
    .await;
    deliveries(app, login, id).await
}

async fn the_secret_is_shown_once_at_creation(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let r = create(
        &app,
        &admin,
        json!({ "url": "https://hooks.example.com/kefu", "events": ["message", "finished"] }),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let w = &r.body["webhook"];
    let secret = w["secret"].as_str().unwrap();
    assert!(
        secret.starts_with("whsec_") && secret.len() == 38,
        "{secret}"
    );
    assert_eq!(w["url"], "https://hooks.example.com/kefu");
    assert_eq!(w["events"], json!(["message", "finished"]));
    assert_eq!(w["active"], true);
    assert!(w["created_at"].as_str().unwrap().len() == 19, "{w}");
    let location = r.headers["location"].to_str().unwrap();
    assert_eq!(location, format!("{}{}", app.base, hook(&w["id"])));

    let shown = app.api_get(&hook(&w["id"]), &admin).await;
    assert_eq!(shown["webhook"]["url"], "https://hooks.example.com/kefu");
    assert!(shown["webhook"].get("secret").is_none(), "{shown}");
    let list = app.api_get(HOOKS, &admin).await;
    assert_eq!(list["count"], 1, "{list}");
    assert_eq!(list["webhooks"][0]["id"], w["id"]);
    assert!(list["webhooks"][0].get("secret").is_none(), "{list}");
    assert!(!list.to_string().contains(secret), "{list}");

    // Each webhook gets its own secret.
    let other = created(
        &app,
        &admin,
        json!({ "url": "https://hooks.example.com/other", "events": ["*"] }),
    )
    .await;
    assert_ne!(other["secret"], w["secret"]);
    assert_eq!(other["events"], json!(["*"]));
}

async fn matching_events_reach_the_receiver_signed(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let rx = Receiver::start(&[]).await;
    let c = app.customer(&t, "u-1").await;
    let a = app.agent(&t, "alice", false).await;
    // Stored before the webhook exists: never delivered (no backfill).
    let earlier = app.ask(&c, "旧问题").await;
    app.serve(&a, &earlier).await;

    let w = created(
        &app,
        &admin,
        json!({ "url": rx.url, "events": ["message", "assigned"] }),
    )
    .await;
    let secret = w["secret"].as_str().unwrap().to_owned();
    let q = app.ask(&c, "退款").await;
    app.serve(&a, &q).await;
    let (status, body) = app.act(&a, &q, "request_finish").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app.customer_says(&c, &q, "你好").await;
    assert_eq!(status, 200, "{body}");

    eventually("the message reaches the receiver", || async {
        rx.received().iter().any(|r| r.json()["event"] == "message")
    })
    .await;
    // The message is the tenant's last event: every event before it has
    // been considered, so the log is complete.
    let log = deliveries(&app, &admin, &w["id"]).await;
    let events: Vec<&str> = log.iter().map(|d| d["event"].as_str().unwrap()).collect();
    assert_eq!(events, ["message", "assigned"], "newest first: {log:?}");
    eventually("both are delivered", || async {
        rx.received().len() == 2
            && deliveries(&app, &admin, &w["id"])
                .await
                .iter()
                .all(|d| d["state"] == "delivered")
    })
    .await;

    let received = rx.received();
    let by_event = |name: &str| {
        received
            .iter()
            .find(|r| r.json()["event"] == name)
            .unwrap_or_else(|| panic!("no {name} in {received:?}"))
            .clone()
    };
    let (assigned, message) = (by_event("assigned"), by_event("message"));
    for r in [&assigned, &message] {
        assert_signed(r, &secret);
        let p = r.json();
        assert_eq!(r.header("content-type"), "application/json");
        assert_eq!(r.header("x-kefu-event"), p["event"].as_str().unwrap());
        assert_eq!(r.header("x-kefu-delivery"), p["id"].as_str().unwrap());
        assert!(log.iter().any(|d| d["id"] == p["id"]), "{p} not in the log");
        assert_eq!(p["question_id"], q.as_str());
        assert_eq!(p["user_id"], "u-1");
        assert_eq!(p["serv_id"], "alice");
        assert!(p["created_at"].as_f64().unwrap() > 1.0e9, "{p}");
    }
    let (pa, pm) = (assigned.json(), message.json());
    assert_eq!(pa["message"]["type"], 4);
    assert_eq!(pa["message"]["action"], 1);
    assert_eq!(pm["message"]["type"], 3);
    assert_eq!(pm["message"]["text"], "你好");
    assert_eq!(pm["message"]["sender"], "u-1");
    assert_eq!(pm["message"]["sender_type"], 1);
    let cursor = |p: &Value| p["cursor"].as_str().unwrap().parse::<i64>().unwrap();
    assert!(cursor(&pa) < cursor(&pm), "{pa} {pm}");
    // The history shows the same message the payload carries.
    let history = app.history(&c, &q).await;
    let stored = history.iter().find(|m| m["type"] == 3).unwrap();
    assert_eq!(stored["message_id"], pm["message"]["message_id"]);

    let done = deliveries(&app, &admin, &w["id"]).await;
    for d in &done {
        assert_eq!(d["attempts"], 1, "{d}");
        assert_eq!(d["last_status"], 200, "{d}");
        assert!(d["last_error"].is_null(), "{d}");
        assert!(d["delivered_at"].is_string(), "{d}");
        assert!(d["next_attempt_at"].is_null(), "{d}");
    }
}

async fn a_customers_rating_reaches_the_receiver(app: TestApp) {
    let t = app.tenant("Acme").await;
    let rx = Receiver::start(&[]).await;
    created(
        &app,
        &t.admin(),
        json!({ "url": rx.url, "events": ["rated"] }),
    )
    .await;
    let c = app.customer(&t, "u-1").await;
    let a = app.agent(&t, "alice", false).await;
    let q = app.ask(&c, "退款").await;
    app.serve(&a, &q).await;
    let (status, body) = app.act(&a, &q, "finish").await;
    assert_eq!(status, 200, "{body}");
    let (status, body) = app
        .post(
            &format!("/v1/question/{q}/rate"),
            &[
                ("session", &c.session),
                ("score", "2"),
                ("comment", "太慢了"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    eventually("the rating reaches the receiver", || async {
        !rx.received().is_empty()
    })
    .await;
    let received = rx.received();
    assert_eq!(received.len(), 1, "only rated was asked for: {received:?}");
    let p = received[0].json();
    assert_eq!(p["event"], "rated");
    assert_eq!(p["question_id"], q.as_str());
    assert_eq!(p["serv_id"], "alice");
    assert_eq!(p["message"]["action"], 8);
    assert_eq!(p["message"]["rating"], 2);
    assert_eq!(p["message"]["text"], "太慢了");
}

async fn a_failing_receiver_gets_retried_until_it_answers_2xx(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let rx = Receiver::start(&[500, 500]).await;
    let w = created(&app, &admin, json!({ "url": rx.url, "events": ["*"] })).await;
    let c = app.customer(&t, "u-1").await;
    let a = app.agent(&t, "alice", false).await;
    let q = app.ask(&c, "退款").await;
    app.serve(&a, &q).await;

    let log = newest_delivered(&app, &admin, &w["id"], "the third attempt is delivered").await;
    assert_eq!(log.len(), 1, "{log:?}");
    let d = &log[0];
    assert_eq!(d["event"], "assigned");
    assert_eq!(d["attempts"], 3, "{d}");
    assert_eq!(d["last_status"], 200, "{d}");
    assert!(d["delivered_at"].is_string(), "{d}");

    let received = rx.received();
    assert_eq!(received.len(), 3, "{received:?}");
    let secret = w["secret"].as_str().unwrap();
    for r in &received {
        assert_signed(r, secret);
        // Every attempt is the same delivery, byte for byte.
        assert_eq!(r.header("x-kefu-delivery"), d["id"].as_str().unwrap());
        assert_eq!(r.body, received[0].body);
    }
}

async fn a_receiver_that_was_down_gets_the_event_when_it_comes_back(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    // A port where nothing listens (yet).
    let addr = {
        let probe = TcpListener::bind("127.0.0.1:0").await.unwrap();
        probe.local_addr().unwrap()
    };
    let url = format!("http://{addr}/kefu-hook");
    let w = created(&app, &admin, json!({ "url": url, "events": ["message"] })).await;
    let c = app.customer(&t, "u-1").await;
    let q = app.ask(&c, "退款").await;
    let (status, body) = app.customer_says(&c, &q, "有人吗").await;
    assert_eq!(status, 200, "{body}");

    eventually("a failed attempt is logged", || async {
        deliveries(&app, &admin, &w["id"])
            .await
            .first()
            .is_some_and(|d| {
                d["state"] == "pending"
                    && d["attempts"].as_i64() >= Some(1)
                    && d["last_error"].is_string()
            })
    })
    .await;
    let d = &deliveries(&app, &admin, &w["id"]).await[0];
    assert!(d["last_status"].is_null(), "no answer, no status: {d}");
    assert!(d["next_attempt_at"].is_string(), "{d}");

    let rx = Receiver::start_on(addr).await;
    let back = "the event arrives once the receiver is back";
    let d = &newest_delivered(&app, &admin, &w["id"], back).await[0];
    let received = rx.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_signed(&received[0], w["secret"].as_str().unwrap());
    assert_eq!(received[0].json()["message"]["text"], "有人吗");
    assert!(d["attempts"].as_i64().unwrap() >= 2, "{d}");
    assert!(d["last_error"].is_null(), "{d}");
}

/// Other nodes on the same database: each runs webhook passes in a loop, as
/// `kefu serve` does, until dropped.
struct ExtraNodes(Vec<tokio::task::JoinHandle<()>>);

impl ExtraNodes {
    fn start(app: &TestApp, count: usize) -> Self {
        let tasks = (0..count)
            .map(|_| {
                let node = Deliverer::new(
                    app.engine.store().clone(),
                    app.base.clone(),
                    app.engine.webhook_hosts().clone(),
                );
                tokio::spawn(async move {
                    loop {
                        node.pass().await.unwrap();
                        // The node's own cadence (kefu serve waits up to 1 s).
                        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
                    }
                })
            })
            .collect();
        Self(tasks)
    }
}

impl Drop for ExtraNodes {
    fn drop(&mut self) {
        self.0.iter().for_each(|t| t.abort());
    }
}

async fn several_nodes_queue_and_send_each_event_once(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let rx = Receiver::start(&[]).await;
    let w = created(
        &app,
        &admin,
        json!({ "url": rx.url, "events": ["message"] }),
    )
    .await;
    let _nodes = ExtraNodes::start(&app, 3);
    let c = app.customer(&t, "u-1").await;
    let q = app.ask(&c, "退款").await;
    const SENT: usize = 20;
    for i in 0..SENT {
        let (status, body) = app.customer_says(&c, &q, &format!("第{i}条")).await;
        assert_eq!(status, 200, "{body}");
    }

    eventually("every message is delivered", || async {
        let body = app.api_get(&log_of(&w["id"]), &admin).await;
        body["count"].as_u64() >= Some(SENT as u64)
            && body["deliveries"]
                .as_array()
                .unwrap()
                .iter()
                .all(|d| d["state"] == "delivered")
    })
    .await;
    let log = deliveries(&app, &admin, &w["id"]).await;
    assert_eq!(log.len(), SENT, "one delivery per message: {log:?}");
    for d in &log {
        assert_eq!(d["attempts"], 1, "one attempt each: {d}");
    }
    let received = rx.received();
    let ids: Vec<&str> = received
        .iter()
        .map(|r| r.header("x-kefu-delivery"))
        .collect();
    assert_eq!(received.len(), SENT, "each sent once: {ids:?}");
    let mut texts: Vec<String> = received
        .iter()
        .map(|r| r.json()["message"]["text"].as_str().unwrap().to_owned())
        .collect();
    texts.sort();
    let mut wanted: Vec<String> = (0..SENT).map(|i| format!("第{i}条")).collect();
    wanted.sort();
    assert_eq!(texts, wanted);
}

async fn a_paused_webhook_misses_what_happens_meanwhile(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let rx = Receiver::start(&[]).await;
    let w = created(
        &app,
        &admin,
        json!({ "url": rx.url, "events": ["message"], "active": false }),
    )
    .await;
    assert_eq!(w["active"], false);
    let c = app.customer(&t, "u-1").await;
    let q = app.ask(&c, "退款").await;
    let (status, body) = app.customer_says(&c, &q, "暂停时").await;
    assert_eq!(status, 200, "{body}");

    let on = json!({ "webhook": { "active": true } });
    let r = app
        .api(Method::PUT, &hook(&w["id"]), &admin, Some(on))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["webhook"]["active"], true);
    let (status, body) = app.customer_says(&c, &q, "恢复后").await;
    assert_eq!(status, 200, "{body}");

    let after = "the message after the pause is delivered";
    let log = newest_delivered(&app, &admin, &w["id"], after).await;
    // The later message is delivered, so the earlier one was passed over.
    assert_eq!(log.len(), 1, "{log:?}");
    let received = rx.received();
    assert_eq!(received.len(), 1, "{received:?}");
    assert_eq!(received[0].json()["message"]["text"], "恢复后");
}

async fn webhooks_are_changed_deleted_and_limited(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let w = created(
        &app,
        &admin,
        json!({ "url": "https://hooks.example.com/a", "events": "message,finished" }),
    )
    .await;
    assert_eq!(w["events"], json!(["message", "finished"]));

    let r = app
        .api(
            Method::PUT,
            &hook(&w["id"]),
            &admin,
            Some(json!({ "webhook": { "events": ["transferred"], "active": 0 } })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["webhook"]["events"], json!(["transferred"]));
    assert_eq!(r.body["webhook"]["active"], false);
    assert_eq!(r.body["webhook"]["url"], "https://hooks.example.com/a");
    assert!(r.body["webhook"].get("secret").is_none(), "{}", r.body);
    let shown = app.api_get(&hook(&w["id"]), &admin).await;
    assert_eq!(shown["webhook"]["active"], false);

    let r = app.api(Method::DELETE, &hook(&w["id"]), &admin, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["webhook"]["id"], w["id"]);
    let r = app.api(Method::GET, &hook(&w["id"]), &admin, None).await;
    assert_admin_error(&r, 404, "10040", Some("id"));
    let r = app.api(Method::GET, &log_of(&w["id"]), &admin, None).await;
    assert_admin_error(&r, 404, "10040", Some("id"));

    for i in 0..20 {
        let url = format!("https://hooks.example.com/{i}");
        created(&app, &admin, json!({ "url": url, "events": ["*"] })).await;
    }
    let r = create(
        &app,
        &admin,
        json!({ "url": "https://hooks.example.com/21", "events": ["*"] }),
    )
    .await;
    assert_admin_error(&r, 409, "10050", None);
    let list = app.api_get(HOOKS, &admin).await;
    assert_eq!(list["count"], 20, "{list}");
}

async fn other_tenants_cannot_see_a_webhook_or_its_log(app: TestApp) {
    let a = app.tenant("Acme").await;
    let b = app.tenant("Beta").await;
    let w = created(
        &app,
        &a.admin(),
        json!({ "url": "https://hooks.example.com/a", "events": ["*"] }),
    )
    .await;
    let other = b.admin();
    let change = json!({ "webhook": { "url": "https://evil.example.com/" } });
    for (method, path, body) in [
        (Method::GET, hook(&w["id"]), None),
        (Method::PUT, hook(&w["id"]), Some(change)),
        (Method::DELETE, hook(&w["id"]), None),
        (Method::GET, log_of(&w["id"]), None),
    ] {
        let r = app.api(method.clone(), &path, &other, body).await;
        assert_admin_error(&r, 404, "10040", Some("id"));
    }
    let list = app.api_get(HOOKS, &other).await;
    assert_eq!(list["count"], 0, "{list}");
    assert_eq!(list["webhooks"], json!([]));
    // Untouched for its own tenant.
    let shown = app.api_get(&hook(&w["id"]), &a.admin()).await;
    assert_eq!(shown["webhook"]["url"], "https://hooks.example.com/a");
}

async fn only_administrators_manage_webhooks(app: TestApp) {
    let t = app.tenant("Acme").await;
    let w = created(
        &app,
        &t.admin(),
        json!({ "url": "https://hooks.example.com/a", "events": ["*"] }),
    )
    .await;
    let agent = app.agent(&t, "alice", false).await.login();
    let body = json!({ "webhook": { "url": "https://hooks.example.com/b", "events": ["*"] } });
    for (method, path, body) in [
        (Method::GET, HOOKS.to_owned(), None),
        (Method::POST, HOOKS.to_owned(), Some(body.clone())),
        (Method::GET, hook(&w["id"]), None),
        (Method::PUT, hook(&w["id"]), Some(body)),
        (Method::DELETE, hook(&w["id"]), None),
        (Method::GET, log_of(&w["id"]), None),
    ] {
        let r = app.api(method.clone(), &path, &agent, body).await;
        assert_admin_error(&r, 403, "10030", None);
        assert!(!r.body.to_string().contains("whsec_"), "{}", r.body);
    }
    let list = app.api_get(HOOKS, &t.admin()).await;
    assert_eq!(list["count"], 1, "{list}");
    assert_eq!(list["webhooks"][0]["url"], "https://hooks.example.com/a");
}

async fn invalid_urls_and_event_names_are_refused(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let cases = [
        (
            json!({ "url": "ftp://hooks.example.com/", "events": ["*"] }),
            "10002",
            "url",
        ),
        (
            json!({ "url": "hooks.example.com/kefu", "events": ["*"] }),
            "10002",
            "url",
        ),
        (
            json!({ "url": "https://a b.example.com/", "events": ["*"] }),
            "10002",
            "url",
        ),
        (json!({ "events": ["*"] }), "10001", "url"),
        (
            json!({ "url": "https://hooks.example.com/" }),
            "10001",
            "events",
        ),
        (
            json!({ "url": "https://hooks.example.com/", "events": ["nope"] }),
            "10002",
            "events",
        ),
        (
            json!({ "url": "https://hooks.example.com/", "events": [] }),
            "10002",
            "events",
        ),
        (
            json!({ "url": "https://hooks.example.com/", "events": ["*", "message"] }),
            "10002",
            "events",
        ),
        (
            json!({ "url": "https://hooks.example.com/", "events": [1] }),
            "10002",
            "events",
        ),
    ];
    for (body, code, field) in cases {
        let r = create(&app, &admin, body).await;
        assert_admin_error(&r, 400, code, Some(field));
    }
    let r = app
        .api(
            Method::POST,
            HOOKS,
            &admin,
            Some(json!({ "url": "https://x.example/" })),
        )
        .await;
    assert_admin_error(&r, 400, "10001", Some("webhook"));
    let list = app.api_get(HOOKS, &admin).await;
    assert_eq!(list["count"], 0, "nothing was created: {list}");

    // An update is checked the same way and changes nothing when refused.
    let w = created(
        &app,
        &admin,
        json!({ "url": "https://hooks.example.com/", "events": ["message"] }),
    )
    .await;
    let change =
        json!({ "webhook": { "url": "https://hooks.example.com/new", "events": ["nope"] } });
    let r = app
        .api(Method::PUT, &hook(&w["id"]), &admin, Some(change))
        .await;
    assert_admin_error(&r, 400, "10002", Some("events"));
    let shown = app.api_get(&hook(&w["id"]), &admin).await;
    assert_eq!(shown["webhook"]["url"], "https://hooks.example.com/");
}
