//! Guesses sent all at once: the login limit counts an attempt when it
//! starts, so of 60 wrong passwords for one account at most the limit are
//! checked and the rest are refused (429); wrong tenant keys are limited per
//! address; and 60 right passwords at once all pass.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::BTreeMap;

use common::{Login, TestApp};
use kefu::engine::throttle::{ACCOUNT_LIMIT, KEYS_LIMIT};
use reqwest::Method;
use serde_json::Value;

on_every_backend!(
    parallel_wrong_basic_auth_passwords_are_checked_at_most_the_limit,
    parallel_wrong_bind_passwords_are_checked_at_most_the_limit,
    parallel_wrong_secret_keys_are_checked_at_most_the_limit,
    parallel_right_passwords_all_pass,
);

const AT_ONCE: usize = 60;

/// How many answers had each status.
async fn statuses<F>(calls: impl Iterator<Item = F>) -> BTreeMap<u16, usize>
where
    F: std::future::Future<Output = u16> + Send + 'static,
{
    let mut set = tokio::task::JoinSet::new();
    for call in calls {
        set.spawn(call);
    }
    let mut counts = BTreeMap::new();
    while let Some(status) = set.join_next().await {
        *counts.entry(status.unwrap()).or_insert(0) += 1;
    }
    counts
}

fn assert_limited(counts: &BTreeMap<u16, usize>, checked: u16, limit: u32) {
    let wrong = counts.get(&checked).copied().unwrap_or(0);
    let refused = counts.get(&429).copied().unwrap_or(0);
    assert!(
        wrong as u32 <= limit,
        "{wrong} checked, limit {limit}: {counts:?}"
    );
    assert_eq!(
        wrong + refused,
        AT_ONCE,
        "only {checked} and 429: {counts:?}"
    );
    assert!(wrong > 0, "some were checked: {counts:?}");
}

async fn parallel_wrong_basic_auth_passwords_are_checked_at_most_the_limit(app: TestApp) {
    let t = app.tenant("Acme").await;
    let ma = app.agent(&t, "ma", false).await;
    let calls = (0..AT_ONCE).map(|n| {
        let http = app.http.clone();
        let wrong = Login::new("ma", &format!("guess-{n}"));
        async move {
            let path = "/api/v1/supports/show_many.json?ids=1";
            http.api(Method::GET, path, &wrong, None).await.status
        }
    });
    let counts = statuses(calls).await;
    assert_limited(&counts, 401, ACCOUNT_LIMIT);
    // The account stays locked, even for its right password.
    let own = format!("/api/v1/supports/{}.json", ma.id);
    let right = app.api(Method::GET, &own, &ma.login(), None).await;
    assert_eq!(right.status, 429, "{}", right.body);
}

async fn parallel_wrong_bind_passwords_are_checked_at_most_the_limit(app: TestApp) {
    let t = app.tenant("Acme").await;
    app.agent(&t, "ma", false).await;
    let phone = app.customer(&t, "phone").await;
    let calls = (0..AT_ONCE).map(|n| {
        let http = app.http.clone();
        let session = phone.session.clone();
        async move {
            let guess = format!("guess-{n}");
            let form = [
                ("session", session.as_str()),
                ("serv_id", "ma"),
                ("password", guess.as_str()),
            ];
            let (status, body): (u16, Value) = http.post("/v1/serv/bind", &form).await;
            if status == 429 {
                assert_eq!(body["error"], 2005, "{body}");
            }
            status
        }
    });
    let counts = statuses(calls).await;
    assert_limited(&counts, 401, ACCOUNT_LIMIT);
}

async fn parallel_wrong_secret_keys_are_checked_at_most_the_limit(app: TestApp) {
    let t = app.tenant("Acme").await;
    let calls = (0..AT_ONCE).map(|n| {
        let http = app.http.clone();
        let api_key = t.api_key.clone();
        async move {
            let secret = format!("guess-{n}");
            let form = [
                ("api_key", api_key.as_str()),
                ("secret_key", secret.as_str()),
            ];
            http.post("/admin/access_token", &form).await.0
        }
    });
    let counts = statuses(calls).await;
    assert_limited(&counts, 401, KEYS_LIMIT);
    // The address is held back on /v1/session too (the same keys).
    let (status, body) = app
        .post(
            "/v1/session",
            &[
                ("api_key", &t.api_key),
                ("secret_key", &t.secret_key),
                ("user_id", "u1"),
            ],
        )
        .await;
    assert_eq!(status, 429, "{body}");
    assert_eq!(body["field"], "secret_key", "{body}");
}

async fn parallel_right_passwords_all_pass(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let calls = (0..AT_ONCE).map(|_| {
        let http = app.http.clone();
        let admin = admin.clone();
        async move {
            http.api(Method::GET, "/api/v1/supports.json", &admin, None)
                .await
                .status
        }
    });
    let counts = statuses(calls).await;
    assert_eq!(counts, BTreeMap::from([(200, AT_ONCE)]), "{counts:?}");
}
