//! Webhooks cannot probe the network kefu runs in: internal addresses are
//! refused when an admin registers a URL, and again on the address an
//! attempt would connect to, unless the operator allows the host.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use common::{assert_admin_error, eventually, Login, TestApp};
use kefu::ids::now;
use kefu::storage::NewWebhook;
use reqwest::Method;
use serde_json::{json, Value};
use tokio::net::TcpListener;

on_every_backend!(
    internal_urls_are_refused_at_registration,
    an_attempt_to_an_internal_address_is_refused_and_sends_nothing,
);

const HOOKS: &str = "/api/v1/webhooks.json";

async fn create(app: &TestApp, admin: &Login, url: &str) -> common::ApiResponse {
    let body = json!({ "webhook": { "url": url, "events": ["*"] } });
    app.api(Method::POST, HOOKS, admin, Some(body)).await
}

async fn internal_urls_are_refused_at_registration(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    for url in [
        "http://127.0.0.1:9/hook",
        "http://localhost:9/hook",
        "http://[::1]:9/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://10.0.0.8/hook",
        "http://192.168.1.20:8080/hook",
        "http://0.0.0.0:80/hook",
    ] {
        let r = create(&app, &admin, url).await;
        assert_admin_error(&r, 400, "10002", Some("url"));
        assert!(
            r.body["message"].as_str().unwrap().contains("internal"),
            "{url}: {}",
            r.body
        );
    }
    // A public address is fine, and so is a change that keeps one; a change
    // to an internal one is refused.
    let ok = create(&app, &admin, "https://8.8.8.8/kefu").await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let id = &ok.body["webhook"]["id"];
    let path = format!("/api/v1/webhooks/{id}.json");
    let moved = app
        .api(
            Method::PUT,
            &path,
            &admin,
            Some(json!({ "webhook": { "url": "http://127.0.0.1/x" } })),
        )
        .await;
    assert_admin_error(&moved, 400, "10002", Some("url"));
    let list = app.api_get(HOOKS, &admin).await;
    assert_eq!(list["webhooks"][0]["url"], "https://8.8.8.8/kefu", "{list}");
}

/// A URL that pointed elsewhere when it was registered (its name resolves
/// to loopback now, or it was stored before this check): the attempt is
/// refused on the address, nothing reaches the listener, and the log says why.
async fn an_attempt_to_an_internal_address_is_refused_and_sends_nothing(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let reached = Arc::new(AtomicUsize::new(0));
    let counter = reached.clone();
    let accepting = tokio::spawn(async move {
        while listener.accept().await.is_ok() {
            counter.fetch_add(1, Ordering::SeqCst);
        }
    });
    let mut ids = Vec::new();
    for url in [
        format!("http://127.0.0.1:{port}/hook"),
        format!("http://localhost:{port}/hook"),
    ] {
        let new = NewWebhook {
            tenant_id: t.id,
            url,
            events: "*".into(),
            secret: "whsec_test".into(),
            active: true,
        };
        let id = app
            .engine
            .store()
            .insert_webhook(&new, 20, now())
            .await
            .unwrap()
            .unwrap();
        ids.push(id);
    }
    let c = app.customer(&t, "u-1").await;
    let q = app.ask(&c, "退款").await;
    let (status, body) = app.customer_says(&c, &q, "有人吗").await;
    assert_eq!(status, 200, "{body}");

    for id in ids {
        let log = format!("/api/v1/webhooks/{id}/deliveries.json");
        let newest = || async {
            let body = app.api_get(&log, &admin).await;
            body["deliveries"][0].clone()
        };
        eventually("the attempt is refused and logged", || async {
            let d: Value = newest().await;
            d["attempts"].as_i64() >= Some(1) && d["last_error"].is_string()
        })
        .await;
        let last = newest().await;
        let error = last["last_error"].as_str().unwrap();
        assert!(error.contains("internal"), "{last}");
        assert_eq!(last["state"], "pending", "retried later: {last}");
    }
    assert_eq!(reached.load(Ordering::SeqCst), 0, "nothing connected");
    accepting.abort();
}
