//! Sessions end, and their sockets with them: `serv/unbind`, a password
//! change (which ends every session of the agent), the recycle bin, and the
//! tenant's idle and absolute lifetimes. Each socket's close (code 4001) is
//! observed within a second. The two-node case is in `multinode.rs`.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::time::Duration;

use common::ws::WsClient;
use common::{assert_v1_error, Agent, TestApp};
use kefu::ids::{now, sha256_hex};
use reqwest::Method;
use serde_json::json;

on_every_backend!(
    unbind_closes_the_sessions_sockets_at_once,
    a_password_change_ends_every_session_of_the_agent,
    the_recycle_bin_closes_the_agents_sockets,
    a_session_past_its_lifetime_is_refused_and_its_socket_closes,
    a_session_unused_past_its_idle_time_is_refused,
    a_session_in_use_stays_alive,
    lifetimes_are_tenant_settings_that_apply_to_existing_sessions,
);

/// Revocation reaches a socket within this (the promise).
const AT_ONCE: Duration = Duration::from_secs(1);
/// The close code of a socket whose session ended.
const SESSION_ENDED: u16 = 4001;

fn hash(session: &str) -> String {
    sha256_hex(session.as_bytes())
}

async fn as_agent(app: &TestApp, a: &Agent) -> (u16, serde_json::Value) {
    app.get("/v1/question/list", &[("session", &a.session)])
        .await
}

async fn unbind_closes_the_sessions_sockets_at_once(app: TestApp) {
    let t = app.tenant("Acme").await;
    let ma = app.agent(&t, "ma", false).await;
    // The same agent on a second device keeps its socket.
    let tablet = app.customer(&t, "ma-tablet").await;
    app.http.bind(&tablet.session, "ma", &ma.password).await;
    let phone_ws = WsClient::agent(&app.base, &ma).await;
    let mut tablet_ws = WsClient::open(&app.base, &[("session", &tablet.session)]).await;

    let (status, body) = app
        .post(
            "/v1/serv/unbind",
            &[
                ("session", &ma.session),
                ("serv_id", "ma"),
                ("password", &ma.password),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(phone_ws.close_code_within(AT_ONCE).await, SESSION_ENDED);
    assert_v1_error(&as_agent(&app, &ma).await, 403, 2003, None);
    tablet_ws.assert_quiet("the other device").await;
    assert_eq!(
        app.get("/v1/question/list", &[("session", &tablet.session)])
            .await
            .0,
        200
    );
}

async fn a_password_change_ends_every_session_of_the_agent(app: TestApp) {
    let t = app.tenant("Acme").await;
    let ma = app.agent(&t, "ma", false).await;
    let tablet = app.customer(&t, "ma-tablet").await;
    app.http.bind(&tablet.session, "ma", &ma.password).await;
    let li = app.agent(&t, "li", false).await;
    let phone_ws = WsClient::agent(&app.base, &ma).await;
    let tablet_ws = WsClient::open(&app.base, &[("session", &tablet.session)]).await;
    let mut li_ws = WsClient::agent(&app.base, &li).await;

    let path = format!("/api/v1/supports/{}.json", ma.id);
    let body = json!({ "support": { "password": "new-secret" } });
    let r = app.api(Method::PUT, &path, &t.admin(), Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.body);

    assert_eq!(phone_ws.close_code_within(AT_ONCE).await, SESSION_ENDED);
    assert_eq!(tablet_ws.close_code_within(AT_ONCE).await, SESSION_ENDED);
    assert_v1_error(&as_agent(&app, &ma).await, 403, 2003, None);
    let tablet_list = app
        .get("/v1/question/list", &[("session", &tablet.session)])
        .await;
    assert_v1_error(&tablet_list, 403, 2003, None);
    // Another agent is untouched.
    li_ws.assert_quiet("li").await;
    assert_eq!(as_agent(&app, &li).await.0, 200);
    // The old password binds no more; the new one does.
    let old = app
        .post(
            "/v1/serv/bind",
            &[
                ("session", &ma.session),
                ("serv_id", "ma"),
                ("password", &ma.password),
            ],
        )
        .await;
    assert_v1_error(&old, 401, 2002, None);
    app.http.bind(&ma.session, "ma", "new-secret").await;
    assert_eq!(as_agent(&app, &ma).await.0, 200);
}

async fn the_recycle_bin_closes_the_agents_sockets(app: TestApp) {
    let t = app.tenant("Acme").await;
    let ma = app.agent(&t, "ma", false).await;
    let ws = WsClient::agent(&app.base, &ma).await;
    let r = app
        .api(
            Method::DELETE,
            &format!("/api/v1/supports/{}.json", ma.id),
            &t.admin(),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(ws.close_code_within(AT_ONCE).await, SESSION_ENDED);
    assert_v1_error(&as_agent(&app, &ma).await, 403, 2004, Some("serv_id"));
    let again = WsClient::connect(&app.base, &[("session", &ma.session)]).await;
    assert_eq!(again.err().expect("refused").status, 403);
}

async fn a_session_past_its_lifetime_is_refused_and_its_socket_closes(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let ma = app.agent(&t, "ma", false).await;
    // Both reach the end of their lifetime a moment from now.
    let soon = now() + 1.5;
    for session in [&hana.session, &ma.session] {
        let statement = format!(
            "UPDATE sessions SET expires_at = {soon} WHERE token_hash = '{}'",
            hash(session)
        );
        app.sql(&statement).await;
    }
    let customer_ws = WsClient::customer(&app.base, &hana).await;
    let agent_ws = WsClient::agent(&app.base, &ma).await;
    let patience = Duration::from_secs(10);
    assert_eq!(customer_ws.close_code_within(patience).await, SESSION_ENDED);
    assert_eq!(agent_ws.close_code_within(patience).await, SESSION_ENDED);
    let asked = app
        .post("/v1/question/new", &[("session", &hana.session)])
        .await;
    assert_v1_error(&asked, 401, 2001, Some("session"));
    assert!(
        asked.1["debug"].as_str().unwrap().contains("expired"),
        "{}",
        asked.1
    );
    assert_v1_error(&as_agent(&app, &ma).await, 401, 2001, Some("session"));
    let refused = WsClient::connect(&app.base, &[("session", &hana.session)]).await;
    assert_eq!(refused.err().expect("refused").status, 401);
}

async fn a_session_unused_past_its_idle_time_is_refused(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let idle = kefu::engine::SessionSettings::default().idle_timeout as f64;
    let long_ago = now() - idle - 10.0;
    app.sql(&format!(
        "UPDATE sessions SET last_used_at = {long_ago} WHERE token_hash = '{}'",
        hash(&hana.session)
    ))
    .await;
    let asked = app
        .post("/v1/question/new", &[("session", &hana.session)])
        .await;
    assert_v1_error(&asked, 401, 2001, Some("session"));
    // A fresh session of the same user works.
    let again = app.customer(&t, "hana").await;
    assert_eq!(app.ask(&again, "hi").await.len(), 24);
}

/// A use restarts the idle clock: a session last used a moment before its
/// idle end, used now, is far from it afterwards.
async fn a_session_in_use_stays_alive(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let idle = kefu::engine::SessionSettings::default().idle_timeout as f64;
    let nearly = now() - idle + 30.0;
    app.sql(&format!(
        "UPDATE sessions SET last_used_at = {nearly} WHERE token_hash = '{}'",
        hash(&hana.session)
    ))
    .await;
    let q = app.ask(&hana, "still here").await;
    // Were the use not recorded, this would be past the idle time now (the
    // history reads the session afresh).
    app.sql(&format!(
        "UPDATE sessions SET last_used_at = last_used_at - 60 WHERE token_hash = '{}'",
        hash(&hana.session)
    ))
    .await;
    let (status, body) = app
        .get(
            &format!("/v1/question/{q}/message"),
            &[("session", &hana.session)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
}

async fn lifetimes_are_tenant_settings_that_apply_to_existing_sessions(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let hana = app.customer(&t, "hana").await;
    let put = |settings: serde_json::Value| {
        let app = &app;
        let admin = admin.clone();
        async move {
            app.api(
                Method::PUT,
                "/api/v1/settings.json",
                &admin,
                Some(json!({ "settings": settings })),
            )
            .await
        }
    };
    let shown = app.api_get("/api/v1/settings.json", &admin).await;
    assert_eq!(
        shown["settings"]["session_idle_timeout"], 604_800,
        "{shown}"
    );
    assert_eq!(shown["settings"]["session_lifetime"], 2_592_000, "{shown}");

    // Invalid values change nothing.
    for bad in [
        json!({ "session_lifetime": 299 }),
        json!({ "session_idle_timeout": 3600, "session_lifetime": 1800 }),
        json!({ "session_idle_timeout": "soon" }),
    ] {
        let r = put(bad.clone()).await;
        assert_eq!(r.status, 400, "{bad}: {}", r.body);
    }
    let shown = app.api_get("/api/v1/settings.json", &admin).await;
    assert_eq!(shown["settings"]["session_lifetime"], 2_592_000, "{shown}");

    // hana's session was issued 400 s ago: a lifetime of 600 s keeps it,
    // one of 300 s ends it at once.
    app.sql(&format!(
        "UPDATE sessions SET created_at = {} WHERE token_hash = '{}'",
        now() - 400.0,
        hash(&hana.session)
    ))
    .await;
    let r = put(json!({ "session_idle_timeout": 300, "session_lifetime": 600 })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(app.ask(&hana, "one").await.len(), 24);
    let r = put(json!({ "session_lifetime": 300 })).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let refused = app
        .post("/v1/question/new", &[("session", &hana.session)])
        .await;
    assert_v1_error(&refused, 401, 2001, Some("session"));
    // New sessions get the new terms and work.
    let fresh = app.customer(&t, "hana").await;
    assert_eq!(app.ask(&fresh, "two").await.len(), 24);
}
