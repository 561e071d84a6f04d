//! Two tenants side by side: nothing of tenant A's can be read, listed or
//! changed with tenant B's sessions, agents or keys; on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::{assert_v1_error, TestApp};
use reqwest::Method;

on_every_backend!(
    tenants_never_see_each_other,
    an_admin_reads_the_api_key_and_rotates_the_secret,
);

async fn an_admin_reads_the_api_key_and_rotates_the_secret(app: TestApp) {
    let t = app.tenant("A").await;
    let other = app.tenant("B").await;
    let shown = app.api_get("/api/v1/keys.json", &t.admin()).await;
    assert_eq!(shown["keys"]["api_key"], t.api_key.as_str());
    assert_eq!(shown["keys"]["tenant_id"], t.id);
    assert!(shown["keys"].get("secret_key").is_none(), "{shown}");
    let token = |api_key: String, secret_key: String| {
        let app = &app;
        async move {
            app.post(
                "/admin/access_token",
                &[("api_key", &api_key), ("secret_key", &secret_key)],
            )
            .await
            .0
        }
    };
    // A non-admin reads nothing and rotates nothing.
    let agent = app.agent(&t, "zhang", false).await;
    for method in [Method::GET, Method::POST] {
        let body = Some(serde_json::json!({ "keys": { "api_key": true } }));
        let r = app
            .api(method, "/api/v1/keys.json", &agent.login(), body)
            .await;
        assert_eq!(r.status, 403, "{}", r.body);
    }
    assert_eq!(token(t.api_key.clone(), t.secret_key.clone()).await, 200);

    // The secret only: the old one stops working, the api_key stays.
    let r = app
        .api(
            Method::POST,
            "/api/v1/keys.json",
            &t.admin(),
            Some(serde_json::json!({ "keys": { "api_key": false } })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let secret = r.body["keys"]["secret_key"].as_str().unwrap().to_owned();
    assert_eq!(r.body["keys"]["api_key"], t.api_key.as_str());
    assert_ne!(secret, t.secret_key);
    assert_eq!(token(t.api_key.clone(), t.secret_key.clone()).await, 401);
    assert_eq!(token(t.api_key.clone(), secret.clone()).await, 200);
    // Both: the widget's key changes too.
    let r = app
        .api(
            Method::POST,
            "/api/v1/keys.json",
            &t.admin(),
            Some(serde_json::json!({ "keys": { "api_key": true } })),
        )
        .await;
    let api_key = r.body["keys"]["api_key"].as_str().unwrap().to_owned();
    assert_ne!(api_key, t.api_key);
    let secret = r.body["keys"]["secret_key"].as_str().unwrap().to_owned();
    assert_eq!(token(api_key, secret).await, 200);
    // The other tenant's keys never moved.
    assert_eq!(
        token(other.api_key.clone(), other.secret_key.clone()).await,
        200
    );
}

async fn tenants_never_see_each_other(app: TestApp) {
    let a = app.tenant("A").await;
    let b = app.tenant("B").await;
    let alice = app.customer(&a, "alice").await;
    let a_admin = app.agent(&a, "boss", true).await;
    let qa = app.ask(&alice, "secret of A").await;
    app.customer_says(&alice, &qa, "A's message").await;
    let (_, template) = app
        .post(
            "/v1/answer/templates",
            &[
                ("session", &a_admin.session),
                ("serv_id", "boss"),
                ("title", "A's replies"),
            ],
        )
        .await;
    let ta = template["template_id"].as_str().unwrap().to_owned();

    // Tenant B has a customer with the same user id, and an admin agent
    // (accounts are unique on the server, so not another "boss").
    let mallory = app.customer(&b, "alice").await;
    let b_admin = app.agent(&b, "bboss", true).await;
    let b_auth = [("session", b_admin.session.as_str()), ("serv_id", "bboss")];

    // Listing: B's pool, tasks, user lists show nothing of A's.
    let (status, pending) = app.get("/v1/question/list", &b_auth).await;
    assert_eq!(status, 200);
    assert!(pending["questions"].as_array().unwrap().is_empty());
    let (_, alls) = app.get("/v1/user/alice/alls", &b_auth).await;
    assert!(
        alls["questions"].as_array().unwrap().is_empty(),
        "B's alice is another user"
    );
    let (_, alls) = app
        .get("/v1/user/alice/alls", &[("session", &mallory.session)])
        .await;
    assert!(alls["questions"].as_array().unwrap().is_empty());
    let (_, templates) = app.get("/v1/answer/templates", &b_auth).await;
    assert!(templates["templates"].as_array().unwrap().is_empty());

    // Reading A's question, messages, user page and template from B.
    for path in [format!("/v1/question/{qa}/message"), "/v1/user".to_owned()] {
        let mut query = b_auth.to_vec();
        query.push(("question_id", &qa));
        assert_v1_error(
            &app.get(&path, &query).await,
            404,
            3001,
            Some("question_id"),
        );
    }
    assert_v1_error(
        &app.get(
            &format!("/v1/question/{qa}/message"),
            &[("session", &mallory.session)],
        )
        .await,
        404,
        3001,
        Some("question_id"),
    );
    assert_v1_error(
        &app.get(&format!("/v1/answer/template/{ta}"), &b_auth).await,
        404,
        3003,
        Some("template_id"),
    );

    // Changing A's question and template from B.
    for action in ["serve", "quit", "finish", "request_finish"] {
        assert_v1_error(
            &app.act(&b_admin, &qa, action).await,
            404,
            3001,
            Some("question_id"),
        );
    }
    assert_v1_error(
        &app.post(
            &format!("/v1/question/{qa}/reopen"),
            &[("session", &mallory.session)],
        )
        .await,
        404,
        3001,
        Some("question_id"),
    );
    assert_v1_error(
        &app.agent_says(&b_admin, &qa, "hi from B").await,
        404,
        3001,
        Some("question_id"),
    );
    assert_v1_error(
        &app.customer_says(&mallory, &qa, "hi from B").await,
        404,
        3001,
        Some("question_id"),
    );
    let rename = app
        .request(
            Method::PUT,
            &format!("/v1/answer/template/{ta}"),
            &[
                ("session", &b_admin.session),
                ("serv_id", "bboss"),
                ("title", "pwned"),
            ],
        )
        .await;
    assert_v1_error(&rename, 404, 3003, Some("template_id"));
    let delete = app
        .request(
            Method::DELETE,
            &format!("/v1/answer/template/{ta}"),
            &[("session", &b_admin.session), ("serv_id", "bboss")],
        )
        .await;
    assert_v1_error(&delete, 404, 3003, Some("template_id"));

    // Credentials do not cross: A's admin, right password and all, does not
    // bind to a session of B; B's own admin does, and acting as it shows B's
    // pool, never A's question.
    let bind = app
        .post(
            "/v1/serv/bind",
            &[
                ("session", &mallory.session),
                ("serv_id", "boss"),
                ("password", &a_admin.password),
            ],
        )
        .await;
    assert_v1_error(&bind, 401, 2002, None);
    let bind = app
        .post(
            "/v1/serv/bind",
            &[
                ("session", &mallory.session),
                ("serv_id", "bboss"),
                ("password", &b_admin.password),
            ],
        )
        .await;
    assert_eq!(bind.0, 200, "B's own admin binds: {}", bind.1);
    let (_, pool) = app
        .get(
            "/v1/question/list",
            &[("session", &mallory.session), ("serv_id", "bboss")],
        )
        .await;
    assert!(pool["questions"].as_array().unwrap().is_empty(), "{pool}");
    assert_v1_error(
        &app.post(
            &format!("/v1/question/{qa}/serve"),
            &[("session", &mallory.session), ("serv_id", "bboss")],
        )
        .await,
        404,
        3001,
        Some("question_id"),
    );
    // An account that exists only in A does not bind with B's session; nor do A's key and B's secret.
    let other = app.agent(&a, "only-in-a", false).await;
    let bind = app
        .post(
            "/v1/serv/bind",
            &[
                ("session", &mallory.session),
                ("serv_id", "only-in-a"),
                ("password", &other.password),
            ],
        )
        .await;
    assert_v1_error(&bind, 401, 2002, None);
    let keys = app
        .post(
            "/v1/session",
            &[
                ("api_key", &a.api_key),
                ("secret_key", &b.secret_key),
                ("user_id", "x"),
            ],
        )
        .await;
    assert_v1_error(&keys, 401, 2002, None);

    // A's data is intact.
    let history = app.history(&alice, &qa).await;
    assert_eq!(history.len(), 1);
    assert_eq!(history[0]["text"], "A's message");
    let (_, template) = app
        .get(
            &format!("/v1/answer/template/{ta}"),
            &[("session", &a_admin.session), ("serv_id", "boss")],
        )
        .await;
    assert_eq!(template["status"], 200);
    let (_, templates) = app
        .get(
            "/v1/answer/templates",
            &[("session", &a_admin.session), ("serv_id", "boss")],
        )
        .await;
    assert_eq!(templates["templates"][0]["title"], "A's replies");
}
