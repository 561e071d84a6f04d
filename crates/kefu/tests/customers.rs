//! Seed 001, the customer IM dialect, over HTTP on SQLite and PostgreSQL:
//! `POST /admin/access_token` and its lifetime, `auth_ping`, `connect`
//! (enterprise customers) and `client_connect` (anonymous visitors),
//! `history_message`, `shutdown_service` (with and without kept transcripts),
//! `Transfer`/`transfer` to a named agent or a department and every refusal,
//! and how a seed 001 customer meets seed 003: its token is a `/v1` session,
//! its room is a question agents see, claim and answer.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::http::read;
use common::{eventually, question_ids, Agent, ApiResponse, Customer, Tenant, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    access_token_is_issued_for_the_tenant_keys_only,
    auth_ping_answers_pong_to_access_tokens_only,
    access_tokens_expire_after_the_tenant_ttl,
    connect_creates_a_customer_with_a_usable_room,
    connect_refuses_bad_names_and_tokens,
    connect_with_another_tenants_token_stays_in_that_tenant,
    client_connect_answers_a_visitor_and_resumes_its_room,
    client_connect_starts_over_and_checks_its_parameters,
    history_message_shows_only_the_customers_own_room,
    shutdown_service_finishes_and_forgets_the_conversation,
    shutdown_service_keeps_the_transcript_when_the_tenant_says_so,
    transfer_moves_the_conversation_to_a_named_agent,
    transfer_refuses_agents_who_cannot_take_it,
    transfer_by_department_picks_an_available_member,
    connected_customers_meet_agents_through_seed_003,
);

const PARAMS_INVALID: &str = "params invalid";
const UNAUTHORIZED: &str = "unauthorized";
const SETTINGS: &str = "/api/v1/settings.json";

/// The keys of `client_connect` and `Transfer`, as the seed shows them.
const VISIT_KEYS: [&str; 13] = [
    "agent_id",
    "base",
    "config",
    "customer_name",
    "group_name",
    "id",
    "rid",
    "status",
    "template",
    "timeout",
    "token",
    "user_id",
    "wait",
];

// ---------------------------------------------------------------------------
// Access tokens and auth_ping
// ---------------------------------------------------------------------------

async fn access_token_is_issued_for_the_tenant_keys_only(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;

    let r = issue(&app, &t.api_key, &t.secret_key).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(keys(&r.body), ["access_token", "expires_in"]);
    let token = r.body["access_token"].as_str().unwrap();
    assert_eq!(token.len(), 43, "{}", r.body);
    let ttl = app.api_get(SETTINGS, &t.admin()).await["settings"]["access_token_ttl"].clone();
    assert_eq!(ttl, 7200);
    assert_eq!(r.body["expires_in"], ttl);
    assert_eq!(ping(&app, Some(token)).await.body, "pong");

    // A second token is another token; both work.
    let second = access_token(&app, &t).await;
    assert_ne!(second, token);
    assert_eq!(ping(&app, Some(&second)).await.status, 200);
    assert_eq!(ping(&app, Some(token)).await.status, 200);

    // expires_in follows the tenant's setting.
    put_settings(&app, &t, json!({ "access_token_ttl": 600 })).await;
    let r = issue(&app, &t.api_key, &t.secret_key).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["expires_in"], 600);

    // Wrong keys: 401, whatever is wrong.
    for (api_key, secret_key) in [
        (t.api_key.as_str(), "wrong-secret"),
        (t.api_key.as_str(), other.secret_key.as_str()),
        ("no-such-api-key", t.secret_key.as_str()),
        (other.api_key.as_str(), t.secret_key.as_str()),
    ] {
        let r = issue(&app, api_key, secret_key).await;
        assert_error(&r, 401, UNAUTHORIZED);
    }

    // Missing (or empty) parameters: 400.
    let path = "/admin/access_token";
    for form in [
        vec![("api_key", t.api_key.as_str())],
        vec![("secret_key", t.secret_key.as_str())],
        vec![("api_key", ""), ("secret_key", t.secret_key.as_str())],
        vec![],
    ] {
        let r = call(&app, Method::POST, path, None, &form).await;
        assert_error(&r, 400, PARAMS_INVALID);
    }
}

async fn auth_ping_answers_pong_to_access_tokens_only(app: TestApp) {
    let t = app.tenant("Acme").await;
    let token = access_token(&app, &t).await;

    let r = ping(&app, Some(&token)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, json!("pong"));
    let bearer = format!("Bearer {token}");
    let r = ping(&app, Some(&bearer)).await;
    assert_eq!((r.status, r.body), (200, json!("pong")));

    // No token, an empty one, an unknown one, a customer's token.
    let customer = connect(&app, &token, "alice").await;
    let customer_token = customer["token"].as_str().unwrap().to_owned();
    let unknown = "x".repeat(43);
    for auth in [
        None,
        Some(""),
        Some("Bearer "),
        Some(unknown.as_str()),
        Some(customer_token.as_str()),
    ] {
        let r = ping(&app, auth).await;
        assert_error(&r, 401, UNAUTHORIZED);
        assert_eq!(r.headers["www-authenticate"], "Bearer", "{auth:?}");
    }
}

async fn access_tokens_expire_after_the_tenant_ttl(app: TestApp) {
    let t = app.tenant("Acme").await;
    let long_lived = access_token(&app, &t).await;
    put_settings(&app, &t, json!({ "access_token_ttl": 1 })).await;
    let r = issue(&app, &t.api_key, &t.secret_key).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["expires_in"], 1);
    let short_lived = r.body["access_token"].as_str().unwrap().to_owned();

    eventually("the 1-second access token expires", || async {
        ping(&app, Some(&short_lived)).await.status == 401
    })
    .await;
    let r = ping(&app, Some(&short_lived)).await;
    assert_error(&r, 401, UNAUTHORIZED);
    let r = call(
        &app,
        Method::POST,
        "/customers/connect",
        Some(&short_lived),
        &[("name", "late")],
    )
    .await;
    assert_error(&r, 401, UNAUTHORIZED);

    // A token keeps the lifetime it was issued with.
    assert_eq!(ping(&app, Some(&long_lived)).await.status, 200);
}

// ---------------------------------------------------------------------------
// connect
// ---------------------------------------------------------------------------

async fn connect_creates_a_customer_with_a_usable_room(app: TestApp) {
    let t = app.tenant("Acme").await;
    let token = access_token(&app, &t).await;

    // Nobody accepts chats yet: the customer waits, first in the queue.
    let body = connect(&app, &token, "suzhou").await;
    assert_eq!(
        keys(&body),
        ["agent_id", "base", "config", "im", "rid", "token", "wait"]
    );
    assert_eq!(body["base"], app.base.as_str());
    assert_eq!(body["config"], json!({}));
    let im = &body["im"];
    assert_eq!(
        keys(im),
        [
            "_id",
            "active",
            "name",
            "status",
            "type",
            "username",
            "utcOffset"
        ]
    );
    assert!(im["_id"].as_str().is_some_and(|id| !id.is_empty()), "{im}");
    assert_eq!(im["type"], "user");
    assert!(im["status"].is_string(), "{im}");
    assert_eq!(im["active"], true);
    assert_eq!(im["name"], "suzhou");
    assert_eq!(im["utcOffset"], 8);
    let username = im["username"].as_str().unwrap();
    let suffix = username
        .strip_prefix("suzhou")
        .expect("username starts with the name");
    assert!(is_uuid_v4(suffix), "{username}");
    let rid = body["rid"].as_str().unwrap();
    assert!(is_id(rid), "{body}");
    assert_eq!(body["token"].as_str().unwrap().len(), 43, "{body}");
    assert_eq!(body["agent_id"], "");
    assert_eq!(body["wait"], 1);

    // The rid is a room the customer can use at once.
    let customer = customer_of(&body);
    let (status, sent) = app.customer_says(&customer, rid, "在吗").await;
    assert_eq!(status, 200, "{sent}");
    let history = history_message(&app, &customer.session, rid).await;
    assert_eq!(texts(&history), ["在吗"]);

    // Same name again: another customer, another room, next in the queue.
    let again = connect(&app, &token, "suzhou").await;
    assert_ne!(again["im"]["username"], im["username"]);
    assert_ne!(again["im"]["_id"], im["_id"]);
    assert_ne!(again["rid"], body["rid"]);
    assert_ne!(again["token"], body["token"]);
    assert_eq!(again["wait"], 2);

    // An accepting agent: the next customer is served at once (the queue
    // goes to it first, within its capacity).
    let wang = app.agent(&t, "cc_wang", false).await;
    app.set_state(&t, wang.id, "在线").await;
    let served = connect(&app, &token, "served").await;
    assert_eq!(served["agent_id"], "cc_wang");
    assert_eq!(served["wait"], 0);

    // The 64-character limit counts characters, and the tenant's settings
    // shape the answer.
    put_settings(
        &app,
        &t,
        json!({ "utc_offset": 5.5, "base": "https://chat.example.com/", "config": { "color": "red" } }),
    )
    .await;
    let long = "客".repeat(64);
    let body = connect(&app, &token, &long).await;
    assert_eq!(body["im"]["name"], long.as_str());
    assert!(body["im"]["username"].as_str().unwrap().starts_with(&long));
    assert_eq!(body["im"]["utcOffset"], 5.5);
    assert_eq!(body["base"], "https://chat.example.com");
    assert_eq!(body["config"], json!({ "color": "red" }));
}

async fn connect_refuses_bad_names_and_tokens(app: TestApp) {
    let t = app.tenant("Acme").await;
    let agent = app.agent(&t, "cr_agent", false).await;
    let token = access_token(&app, &t).await;
    let path = "/customers/connect";

    let long = "n".repeat(65);
    let bad = [
        vec![],
        vec![("name", "")],
        vec![("name", long.as_str())],
        vec![("name", "two\nlines")],
        vec![("name", "bell\u{7}")],
    ];
    for form in bad {
        let r = call(&app, Method::POST, path, Some(&token), &form).await;
        assert_error(&r, 400, PARAMS_INVALID);
    }
    let r = call(
        &app,
        Method::POST,
        path,
        Some(&token),
        &[("name", "x"), ("department_id", "999999")],
    )
    .await;
    assert_error(&r, 400, PARAMS_INVALID);

    let customer = connect(&app, &token, "alice").await;
    let customer_token = customer["token"].as_str().unwrap().to_owned();
    let unknown = "y".repeat(43);
    for auth in [None, Some(unknown.as_str()), Some(customer_token.as_str())] {
        let r = call(&app, Method::POST, path, auth, &[("name", "bob")]).await;
        assert_error(&r, 401, UNAUTHORIZED);
    }
    // Only alice's room was created.
    let pending = pending_ids(&app, &agent).await;
    assert_eq!(pending, [customer["rid"].as_str().unwrap()]);
}

async fn connect_with_another_tenants_token_stays_in_that_tenant(app: TestApp) {
    let a = app.tenant("Acme").await;
    let b = app.tenant("Beta").await;
    let a_agent = app.agent(&a, "ot_a", false).await;
    let b_agent = app.agent(&b, "ot_b", false).await;
    let b_token = access_token(&app, &b).await;

    let body = connect(&app, &b_token, "visitor").await;
    let rid = body["rid"].as_str().unwrap();
    assert!(pending_ids(&app, &a_agent).await.is_empty());
    assert_eq!(pending_ids(&app, &b_agent).await, [rid]);

    // Tenant A's agent cannot reach the room either.
    let r = app.act(&a_agent, rid, "serve").await;
    common::assert_v1_error(&r, 404, 3001, Some("question_id"));
    app.serve(&b_agent, rid).await;
}

// ---------------------------------------------------------------------------
// client_connect
// ---------------------------------------------------------------------------

async fn client_connect_answers_a_visitor_and_resumes_its_room(app: TestApp) {
    let t = app.tenant("Acme").await;

    let first = visit(&app, &[("api_key", &t.api_key)]).await;
    assert_eq!(keys(&first), VISIT_KEYS);
    assert_eq!(first["status"], "success");
    assert_eq!(first["agent_id"], "");
    assert_eq!(first["wait"], 1);
    assert_eq!(first["base"], app.base.as_str());
    assert_eq!(first["config"], json!({}));
    assert_eq!(first["template"], "");
    assert_eq!(first["timeout"], 200);
    let name = first["customer_name"].as_str().unwrap();
    assert!(
        name.starts_with("访客") && name.chars().count() > 2,
        "{first}"
    );
    let rid = first["rid"].as_str().unwrap();
    assert!(is_id(rid), "{first}");
    assert_eq!(first["group_name"], format!("default_{name}_{rid}"));
    assert!(
        first["id"].as_str().is_some_and(|id| !id.is_empty()),
        "{first}"
    );
    assert!(is_uuid_v4(first["user_id"].as_str().unwrap()), "{first}");
    let first_token = first["token"].as_str().unwrap();
    assert_eq!(first_token.len(), 43, "{first}");

    // The visitor's token is a customer token.
    let visitor = customer_of_visit(&first);
    assert_eq!(app.customer_says(&visitor, rid, "第一句").await.0, 200);

    // Back with its group_id (in any case) and its own token: the same room,
    // customer and token.
    let upper = rid.to_ascii_uppercase();
    let form = [
        ("api_key", t.api_key.as_str()),
        ("group_id", upper.as_str()),
    ];
    let r = call(
        &app,
        Method::POST,
        "/customers/client_connect",
        Some(first_token),
        &form,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let back = r.body;
    assert_eq!(keys(&back), VISIT_KEYS);
    for field in [
        "rid",
        "id",
        "user_id",
        "customer_name",
        "group_name",
        "token",
    ] {
        assert_eq!(back[field], first[field], "{field}");
    }
    // The token may come as a form field too.
    let with_field = visit(
        &app,
        &[
            ("api_key", &t.api_key),
            ("group_id", rid),
            ("token", first_token),
        ],
    )
    .await;
    assert_eq!(with_field["rid"], rid);
    assert_eq!(app.customer_says(&visitor, rid, "第二句").await.0, 200);
    assert_eq!(
        texts(&history_message(&app, first_token, rid).await),
        ["第一句", "第二句"]
    );

    // The rid and the public api_key alone get nothing; nor does another
    // visitor's token: that visitor gets a room of its own.
    let r = call(&app, Method::POST, "/customers/client_connect", None, &form).await;
    assert_error(&r, 401, UNAUTHORIZED);
    let stranger = visit(&app, &[("api_key", &t.api_key)]).await;
    let stranger_token = stranger["token"].as_str().unwrap();
    let r = call(
        &app,
        Method::POST,
        "/customers/client_connect",
        Some(stranger_token),
        &form,
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_ne!(r.body["rid"], rid, "{}", r.body);
    assert_ne!(r.body["user_id"], first["user_id"], "{}", r.body);
    let r = call(
        &app,
        Method::POST,
        "/customers/client_connect",
        Some(&"x".repeat(43)),
        &form,
    )
    .await;
    assert_error(&r, 401, UNAUTHORIZED);

    // The tenant's settings, an accepting agent, and a department.
    put_settings(
        &app,
        &t,
        json!({ "template": "欢迎光临", "timeout": 300, "config": { "lang": "zh" } }),
    )
    .await;
    let wang = app.agent(&t, "cv_wang", false).await;
    app.set_state(&t, wang.id, "在线").await;
    let presale = create_group(&app, &t, "售前").await;
    let served = visit(
        &app,
        &[
            ("api_key", &t.api_key),
            ("department_id", &presale.to_string()),
        ],
    )
    .await;
    assert_eq!(keys(&served), VISIT_KEYS);
    assert_eq!(served["template"], "欢迎光临");
    assert_eq!(served["timeout"], 300);
    assert_eq!(served["config"], json!({ "lang": "zh" }));
    let name = served["customer_name"].as_str().unwrap();
    let served_rid = served["rid"].as_str().unwrap();
    assert_eq!(served["group_name"], format!("售前_{name}_{served_rid}"));
    // Wang is in no department, so the 售前 visitor waits; the first
    // visitor (any department) went to Wang when Wang came online.
    assert_eq!(served["agent_id"], "");
    assert_eq!(served["wait"], 1);
    let back = visit(
        &app,
        &[
            ("api_key", &t.api_key),
            ("group_id", rid),
            ("token", first_token),
        ],
    )
    .await;
    assert_eq!(back["agent_id"], "cv_wang");
    assert_eq!(back["wait"], 0);
}

async fn client_connect_starts_over_and_checks_its_parameters(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let path = "/customers/client_connect";

    let first = visit(&app, &[("api_key", &t.api_key)]).await;
    let rid = first["rid"].as_str().unwrap().to_owned();

    let token = first["token"].as_str().unwrap();
    let with_token = |api_key: &str, group_id: &str| {
        let form = [
            ("api_key", api_key.to_owned()),
            ("group_id", group_id.to_owned()),
        ];
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let r = call(app, Method::POST, path, Some(token), &form).await;
            assert_eq!(r.status, 200, "{}", r.body);
            r.body
        }
    };

    // Another tenant's room: a new visitor of that other tenant.
    let foreign = with_token(&other.api_key, &rid).await;
    assert_ne!(foreign["rid"], rid.as_str());
    assert_ne!(foreign["user_id"], first["user_id"]);
    let other_agent = app.agent(&other, "cs_other", false).await;
    assert_eq!(
        pending_ids(&app, &other_agent).await,
        [foreign["rid"].as_str().unwrap()]
    );

    // An unknown room: a new visitor.
    let unknown = "0123456789abcdef01234567";
    let fresh = with_token(&t.api_key, unknown).await;
    assert_ne!(fresh["rid"], unknown);
    assert_ne!(fresh["rid"], rid.as_str());
    assert_ne!(fresh["user_id"], first["user_id"]);

    // A finished room: a new visitor too.
    let r = shutdown(&app, token, &rid).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let after = with_token(&t.api_key, &rid).await;
    assert_ne!(after["rid"], rid.as_str());
    assert_ne!(after["user_id"], first["user_id"]);
    assert_ne!(after["id"], first["id"]);

    // The rid of a backend-connected customer or of a seed 003 question,
    // with the public api_key and a visitor's token, never yields their
    // session.
    let known = connect(&app, &access_token(&app, &t).await, "known").await;
    let question = app
        .ask(&app.customer(&t, "u-known").await, "私密问题")
        .await;
    for room in [known["rid"].as_str().unwrap(), question.as_str()] {
        let taken = with_token(&t.api_key, room).await;
        assert_ne!(taken["rid"], room, "{taken}");
        assert_ne!(taken["token"], known["token"]);
        assert!(taken["customer_name"].as_str().unwrap().starts_with("访客"));
    }

    // Bad parameters.
    let unknown_key = "k".repeat(t.api_key.len());
    let r = call(&app, Method::POST, path, None, &[("api_key", &unknown_key)]).await;
    assert_error(&r, 401, UNAUTHORIZED);
    let r = call(&app, Method::POST, path, None, &[]).await;
    assert_error(&r, 400, PARAMS_INVALID);
    for group_id in ["xyz", "0123456789abcdef0123456", "0123456789abcdef0123456z"] {
        let form = [("api_key", t.api_key.as_str()), ("group_id", group_id)];
        let r = call(&app, Method::POST, path, Some(token), &form).await;
        assert_error(&r, 400, PARAMS_INVALID);
    }
    let foreign_group = create_group(&app, &other, "外部").await.to_string();
    for department in ["999999", "abc", "0", "-3", foreign_group.as_str()] {
        let form = [
            ("api_key", t.api_key.as_str()),
            ("department_id", department),
        ];
        let r = call(&app, Method::POST, path, None, &form).await;
        assert_error(&r, 400, PARAMS_INVALID);
    }
}

// ---------------------------------------------------------------------------
// history_message
// ---------------------------------------------------------------------------

async fn history_message_shows_only_the_customers_own_room(app: TestApp) {
    let t = app.tenant("Acme").await;
    let token = access_token(&app, &t).await;
    let alice = connect(&app, &token, "alice").await;
    let bob = connect(&app, &token, "bob").await;
    let rid = alice["rid"].as_str().unwrap();
    let alice_c = customer_of(&alice);
    let bob_c = customer_of(&bob);

    for text in ["你好", "在吗"] {
        let (status, body) = app.customer_says(&alice_c, rid, text).await;
        assert_eq!(status, 200, "{body}");
    }
    let r = call(
        &app,
        Method::GET,
        "/customers/history_message",
        Some(&alice_c.session),
        &[("room_id", rid), ("sort", "1")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(keys(&r.body), ["messages", "room_id", "status"]);
    assert_eq!(r.body["status"], "success");
    assert_eq!(r.body["room_id"], rid);
    let messages = r.body["messages"].as_array().unwrap();
    assert_eq!(texts(messages), ["你好", "在吗"]);
    for m in messages {
        assert_eq!(
            keys(m),
            [
                "message_id",
                "sender",
                "sender_type",
                "text",
                "timestamp",
                "type"
            ]
        );
        assert!(is_id(m["message_id"].as_str().unwrap()), "{m}");
        assert_eq!(m["sender"], alice_c.user_id.as_str());
        assert_eq!(m["sender_type"], 1);
        assert_eq!(m["type"], 3);
        assert!(m["timestamp"].as_f64().unwrap() > 1.6e9, "{m}");
    }

    // Seed 003 paging: newest first by default, `num`, and the form body.
    let bearer = format!("Bearer {}", alice_c.session);
    let r = call(
        &app,
        Method::GET,
        "/customers/history_message",
        Some(&bearer),
        &[("room_id", rid), ("num", "1")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(texts(r.body["messages"].as_array().unwrap()), ["在吗"]);
    let r = app
        .client
        .get(format!("{}/customers/history_message", app.base))
        .header("Authorization", &alice_c.session)
        .form(&[("room_id", rid), ("sort", "1")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let body: Value = r.json().await.unwrap();
    assert_eq!(
        texts(body["messages"].as_array().unwrap()),
        ["你好", "在吗"]
    );

    // Bob may not read Alice's room; a room no one has is as unknown.
    let unknown = "0123456789abcdef01234567";
    for room in [rid, unknown] {
        let r = call(
            &app,
            Method::GET,
            "/customers/history_message",
            Some(&bob_c.session),
            &[("room_id", room)],
        )
        .await;
        assert_error(&r, 404, "not found");
    }
    assert!(
        history_message(&app, &bob_c.session, bob["rid"].as_str().unwrap())
            .await
            .is_empty()
    );

    // Bad parameters and tokens.
    for form in [vec![], vec![("room_id", "nope")]] {
        let r = call(
            &app,
            Method::GET,
            "/customers/history_message",
            Some(&alice_c.session),
            &form,
        )
        .await;
        assert_error(&r, 400, PARAMS_INVALID);
    }
    let unknown_token = "z".repeat(43);
    for auth in [None, Some(unknown_token.as_str()), Some(token.as_str())] {
        let r = call(
            &app,
            Method::GET,
            "/customers/history_message",
            auth,
            &[("room_id", rid)],
        )
        .await;
        assert_error(&r, 401, UNAUTHORIZED);
    }
}

// ---------------------------------------------------------------------------
// shutdown_service
// ---------------------------------------------------------------------------

async fn shutdown_service_finishes_and_forgets_the_conversation(app: TestApp) {
    let t = app.tenant("Acme").await;
    let wang = app.agent(&t, "sd_wang", false).await;
    app.set_state(&t, wang.id, "在线").await;
    let token = access_token(&app, &t).await;
    let alice = connect(&app, &token, "alice").await;
    let bob = connect(&app, &token, "bob").await;
    assert_eq!(alice["agent_id"], "sd_wang");
    let rid = alice["rid"].as_str().unwrap();
    let alice_c = customer_of(&alice);
    let bob_c = customer_of(&bob);
    assert_eq!(app.customer_says(&alice_c, rid, "退款").await.0, 200);
    assert_eq!(app.agent_says(&wang, rid, "好的").await.0, 200);
    assert_eq!(history_message(&app, &alice_c.session, rid).await.len(), 3);

    // Bob cannot close Alice's room; bad requests change nothing.
    assert_error(&shutdown(&app, &bob_c.session, rid).await, 404, "not found");
    let path = "/customers/shutdown_service";
    let r = call(&app, Method::POST, path, Some(&alice_c.session), &[]).await;
    assert_error(&r, 400, PARAMS_INVALID);
    let r = call(&app, Method::POST, path, None, &[("group_id", rid)]).await;
    assert_error(&r, 401, UNAUTHORIZED);
    assert_eq!(status_in_alls(&app, &alice_c, rid).await, 2);

    let r = shutdown(&app, &alice_c.session, rid).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body, json!({ "status": "success" }));
    assert!(history_message(&app, &alice_c.session, rid)
        .await
        .is_empty());
    assert!(app.history(&alice_c, rid).await.is_empty());
    assert_eq!(status_in_alls(&app, &alice_c, rid).await, 3);
    // Wang serves only Bob now.
    assert_eq!(task_ids(&app, &wang).await, [bob["rid"].as_str().unwrap()]);
    let (status, _) = app.customer_says(&alice_c, rid, "还在吗").await;
    assert_eq!(status, 409);

    // Again: still fine, still finished; Bob's room is untouched.
    let r = shutdown(&app, &alice_c.session, rid).await;
    assert_eq!((r.status, r.body), (200, json!({ "status": "success" })));
    assert_eq!(status_in_alls(&app, &alice_c, rid).await, 3);
    assert_eq!(
        status_in_alls(&app, &bob_c, bob["rid"].as_str().unwrap()).await,
        2
    );
}

async fn shutdown_service_keeps_the_transcript_when_the_tenant_says_so(app: TestApp) {
    let t = app.tenant("Acme").await;
    put_settings(&app, &t, json!({ "keep_transcripts": true })).await;
    let wang = app.agent(&t, "kt_wang", false).await;
    app.set_state(&t, wang.id, "在线").await;
    let token = access_token(&app, &t).await;
    let alice = connect(&app, &token, "alice").await;
    let rid = alice["rid"].as_str().unwrap();
    let alice_c = customer_of(&alice);
    assert_eq!(app.customer_says(&alice_c, rid, "退款").await.0, 200);
    assert_eq!(app.agent_says(&wang, rid, "好的").await.0, 200);

    let r = shutdown(&app, &alice_c.session, rid).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let history = history_message(&app, &alice_c.session, rid).await;
    assert_eq!(texts(&history), ["退款", "好的"]);
    assert_eq!(actions(&history), [1, 4]);
    let finished = history.iter().find(|m| m["action"] == 4).unwrap();
    assert_eq!(finished["sender"], alice_c.user_id.as_str());
    assert_eq!(finished["sender_type"], 1);
    assert_eq!(finished["type"], 4);
    assert_eq!(status_in_alls(&app, &alice_c, rid).await, 3);
    // The agent still reads it through seed 003.
    let (status, body) = app
        .get(
            &format!("/v1/question/{rid}/message"),
            &[("session", &wang.session), ("serv_id", "kt_wang")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["messages"].as_array().unwrap().len(), 4);
}

// ---------------------------------------------------------------------------
// Transfer
// ---------------------------------------------------------------------------

async fn transfer_moves_the_conversation_to_a_named_agent(app: TestApp) {
    let t = app.tenant("Acme").await;
    let wang = app.agent(&t, "tr_wang", false).await;
    let li = app.agent(&t, "tr_li", false).await;
    app.set_state(&t, wang.id, "在线").await;
    let token = access_token(&app, &t).await;
    let alice = connect(&app, &token, "alice").await;
    assert_eq!(alice["agent_id"], "tr_wang");
    let rid = alice["rid"].as_str().unwrap();
    let alice_c = customer_of(&alice);
    assert_eq!(app.customer_says(&alice_c, rid, "转人工").await.0, 200);
    app.set_state(&t, li.id, "在线").await;

    let r = transfer(
        &app,
        "Transfer",
        &alice_c.session,
        &[("group_id", rid), ("agent_id", "tr_li")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(keys(&r.body), VISIT_KEYS);
    assert_eq!(r.body["status"], "success");
    assert_eq!(r.body["agent_id"], "tr_li");
    assert_eq!(r.body["wait"], 0);
    assert_eq!(r.body["rid"], rid);
    assert_eq!(r.body["token"], alice_c.session.as_str());
    assert_eq!(r.body["user_id"], alice_c.user_id.as_str());
    assert_eq!(r.body["customer_name"], "alice");
    assert_eq!(r.body["group_name"], format!("default_alice_{rid}"));
    assert_eq!(r.body["id"], alice["im"]["_id"]);

    let history = history_message(&app, &alice_c.session, rid).await;
    assert_eq!(texts(&history), ["转人工"]);
    assert_eq!(actions(&history), [1, 7]);
    let notice = history.last().unwrap();
    assert_eq!(notice["action"], 7);
    assert_eq!(notice["sender"], alice_c.user_id.as_str());
    assert_eq!(notice["sender_type"], 1);
    assert_eq!(task_ids(&app, &li).await, [rid]);
    assert!(task_ids(&app, &wang).await.is_empty());
    // Li talks now; Wang may not.
    assert_eq!(app.agent_says(&li, rid, "我是小李").await.0, 200);
    assert_eq!(app.agent_says(&wang, rid, "我是小王").await.0, 409);

    // The lowercase path, by numeric sId, back to Wang.
    let wang_id = wang.id.to_string();
    let r = transfer(
        &app,
        "transfer",
        &alice_c.session,
        &[("group_id", rid), ("agent_id", &wang_id)],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["agent_id"], "tr_wang");
    assert_eq!(task_ids(&app, &wang).await, [rid]);
    assert!(task_ids(&app, &li).await.is_empty());

    // To the agent already serving: a conflict, nothing recorded.
    let r = transfer(
        &app,
        "Transfer",
        &alice_c.session,
        &[("group_id", rid), ("agent_id", "tr_wang")],
    )
    .await;
    assert_error(&r, 409, "conflict");
    let history = history_message(&app, &alice_c.session, rid).await;
    assert_eq!(texts(&history), ["转人工", "我是小李"]);
    assert_eq!(actions(&history), [1, 7, 7]);
}

async fn transfer_refuses_agents_who_cannot_take_it(app: TestApp) {
    let t = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let wang = app.agent(&t, "rf_wang", false).await;
    let offline = app.agent(&t, "rf_offline", false).await;
    let full = app.agent(&t, "rf_full", false).await;
    let gone = app.agent(&t, "rf_gone", false).await;
    let _stranger = app.agent(&other, "rf_stranger", false).await;
    app.set_state(&t, wang.id, "在线").await;
    let token = access_token(&app, &t).await;
    let alice = connect(&app, &token, "alice").await;
    let bob = connect(&app, &token, "bob").await;
    assert_eq!(alice["agent_id"], "rf_wang");
    let rid = alice["rid"].as_str().unwrap();
    let alice_c = customer_of(&alice);
    let bob_c = customer_of(&bob);
    assert_eq!(app.customer_says(&alice_c, rid, "转人工").await.0, 200);

    // Full: accepting, but its own maxChats is 0.
    app.set_state(&t, full.id, "在线").await;
    set_max_chats(&app, &t, &full, json!(0)).await;
    // Gone: accepting, then moved to the recycle bin.
    app.set_state(&t, gone.id, "在线").await;
    let r = app
        .api(
            Method::DELETE,
            &format!("/api/v1/supports/{}.json", gone.id),
            &t.admin(),
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    // Offline: set back to the non-accepting status explicitly too.
    app.set_state(&t, offline.id, "离开").await;

    for (target, http, status) in [
        ("nobody", 404, "not found"),
        ("rf_stranger", 404, "not found"),
        ("99999999", 404, "not found"),
        ("rf_offline", 409, "agent unavailable"),
        ("rf_full", 409, "agent unavailable"),
        ("rf_gone", 409, "agent unavailable"),
    ] {
        for path in ["Transfer", "transfer"] {
            let form = [("group_id", rid), ("agent_id", target)];
            let r = transfer(&app, path, &alice_c.session, &form).await;
            assert_error(&r, http, status);
        }
    }

    // Bad requests.
    let no_room = [("agent_id", "rf_full")];
    let r = transfer(&app, "Transfer", &alice_c.session, &no_room).await;
    assert_error(&r, 400, PARAMS_INVALID);
    let r = transfer(&app, "Transfer", &alice_c.session, &[("group_id", rid)]).await;
    assert_error(&r, 400, PARAMS_INVALID);
    let r = transfer(
        &app,
        "Transfer",
        &alice_c.session,
        &[("group_id", "bad"), ("agent_id", "rf_wang")],
    )
    .await;
    assert_error(&r, 400, PARAMS_INVALID);
    let r = transfer(
        &app,
        "Transfer",
        &alice_c.session,
        &[("group_id", rid), ("department_id", "999999")],
    )
    .await;
    assert_error(&r, 400, PARAMS_INVALID);
    let r = call(
        &app,
        Method::POST,
        "/customers/Transfer",
        None,
        &[("group_id", rid), ("agent_id", "rf_full")],
    )
    .await;
    assert_error(&r, 401, UNAUTHORIZED);
    let r = transfer(
        &app,
        "Transfer",
        &bob_c.session,
        &[("group_id", rid), ("agent_id", "rf_full")],
    )
    .await;
    assert_error(&r, 404, "not found");

    // None of it moved the conversation.
    let history = history_message(&app, &alice_c.session, rid).await;
    assert_eq!(actions(&history), [1]);
    let mut tasks = task_ids(&app, &wang).await;
    tasks.sort();
    let mut both = [rid, bob["rid"].as_str().unwrap()];
    both.sort_unstable();
    assert_eq!(tasks, both, "Wang still serves Alice and Bob");

    // With room again, the full agent takes it; a finished room moves nowhere.
    set_max_chats(&app, &t, &full, json!(null)).await;
    let r = transfer(
        &app,
        "Transfer",
        &alice_c.session,
        &[("group_id", rid), ("agent_id", "rf_full")],
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.body["agent_id"], "rf_full");
    assert_eq!(shutdown(&app, &alice_c.session, rid).await.status, 200);
    let r = transfer(
        &app,
        "Transfer",
        &alice_c.session,
        &[("group_id", rid), ("agent_id", "rf_wang")],
    )
    .await;
    assert_error(&r, 409, "finished");
    assert_eq!(status_in_alls(&app, &alice_c, rid).await, 3);
}

async fn transfer_by_department_picks_an_available_member(app: TestApp) {
    let t = app.tenant("Acme").await;
    let wang = app.agent(&t, "dp_wang", false).await;
    let li = app.agent(&t, "dp_li", false).await;
    let zhao = app.agent(&t, "dp_zhao", false).await;
    let qian = app.agent(&t, "dp_qian", false).await;
    app.set_state(&t, wang.id, "在线").await;
    let token = access_token(&app, &t).await;
    let alice = connect(&app, &token, "alice").await;
    assert_eq!(alice["agent_id"], "dp_wang");
    let rid = alice["rid"].as_str().unwrap();
    let alice_c = customer_of(&alice);

    // 售后: Li (accepting) and Zhao (offline). 售前: Zhao only. 大客户: nobody.
    // VIP: Wang only, who serves the room already.
    let after_sales = create_group(&app, &t, "售后").await;
    let pre_sales = create_group(&app, &t, "售前").await;
    let empty = create_group(&app, &t, "大客户").await;
    let vip = create_group(&app, &t, "VIP").await;
    assign(&app, &t, &li, &after_sales.to_string()).await;
    assign(&app, &t, &zhao, &format!("{after_sales},{pre_sales}")).await;
    assign(&app, &t, &wang, &vip.to_string()).await;
    app.set_state(&t, li.id, "在线").await;
    app.set_state(&t, qian.id, "在线").await;

    // Each round: away to Qian (outside 售后), then back into 售后 must be Li.
    let after_sales_id = after_sales.to_string();
    for round in 0..3 {
        let r = transfer(
            &app,
            "Transfer",
            &alice_c.session,
            &[("group_id", rid), ("agent_id", "dp_qian")],
        )
        .await;
        assert_eq!(r.status, 200, "{}", r.body);
        assert_eq!(r.body["agent_id"], "dp_qian");
        let r = transfer(
            &app,
            "transfer",
            &alice_c.session,
            &[("group_id", rid), ("department_id", &after_sales_id)],
        )
        .await;
        assert_eq!(r.status, 200, "round {round}: {}", r.body);
        assert_eq!(r.body["agent_id"], "dp_li", "round {round}");
        assert_eq!(r.body["group_name"], format!("售后_alice_{rid}"));
        assert_eq!(r.body["token"], alice_c.session.as_str());
    }
    assert_eq!(task_ids(&app, &li).await, [rid]);

    // Nobody available: only an offline member, no member, or only the
    // agent already serving.
    transfer_ok(&app, &alice_c, rid, "dp_wang").await;
    for department in [pre_sales, empty, vip] {
        let form = [
            ("group_id", rid),
            ("department_id", &department.to_string()),
        ];
        let r = transfer(&app, "Transfer", &alice_c.session, &form).await;
        assert_error(&r, 409, "agent unavailable");
    }
    assert_eq!(task_ids(&app, &wang).await, [rid]);
    let history = history_message(&app, &alice_c.session, rid).await;
    assert_eq!(actions(&history).iter().filter(|a| **a == 7).count(), 7);
}

// ---------------------------------------------------------------------------
// Seed 003 interop
// ---------------------------------------------------------------------------

async fn connected_customers_meet_agents_through_seed_003(app: TestApp) {
    let t = app.tenant("Acme").await;
    let wang = app.agent(&t, "io_wang", false).await;
    let token = access_token(&app, &t).await;
    let body = connect(&app, &token, "alice").await;
    assert_eq!(body["wait"], 1);
    let rid = body["rid"].as_str().unwrap();
    let alice = customer_of(&body);

    // The token is a /v1 session: the customer writes and lists its rooms.
    let (status, sent) = app.customer_says(&alice, rid, "手机激活不了").await;
    assert_eq!(status, 200, "{sent}");
    let (status, alls) = app
        .get(
            &format!("/v1/user/{}/alls", alice.user_id),
            &[("session", &alice.session)],
        )
        .await;
    assert_eq!(status, 200, "{alls}");
    assert_eq!(question_ids(&alls), [rid]);
    assert_eq!(alls["questions"][0]["status"], 1);

    // Agents see it waiting in the pool, with the customer's name and message.
    let pending = app.pending(&wang).await;
    assert_eq!(question_ids(&pending), [rid]);
    let line = &pending["questions"][0];
    assert_eq!(line["user_id"], alice.user_id.as_str());
    assert_eq!(line["user_name"], "alice");
    assert_eq!(line["last_mess_text"], "手机激活不了");

    // Wang claims it there and answers.
    app.serve(&wang, rid).await;
    assert!(pending_ids(&app, &wang).await.is_empty());
    let (status, sent) = app.agent_says(&wang, rid, "请重启试试").await;
    assert_eq!(status, 200, "{sent}");
    assert_eq!(status_in_alls(&app, &alice, rid).await, 2);

    // The customer reads the answer through seed 001.
    let history = history_message(&app, &alice.session, rid).await;
    assert_eq!(texts(&history), ["手机激活不了", "请重启试试"]);
    let reply = history.iter().find(|m| m["text"] == "请重启试试").unwrap();
    assert_eq!(reply["sender"], "io_wang");
    assert_eq!(reply["sender_type"], 2);
    assert_eq!(reply["type"], 3);
    assert_eq!(actions(&history), [1]);
    let started = history.iter().find(|m| m["type"] == 4).unwrap();
    assert_eq!(started["sender"], "io_wang");
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

/// A seed 001 call; `auth` goes in the `Authorization` header as given. GET
/// sends the form in the query string, other methods as a URL-encoded body.
async fn call(
    app: &TestApp,
    method: Method,
    path: &str,
    auth: Option<&str>,
    form: &[(&str, &str)],
) -> ApiResponse {
    let mut request = app
        .client
        .request(method.clone(), format!("{}{path}", app.base));
    if let Some(auth) = auth {
        request = request.header("Authorization", auth);
    }
    request = if method == Method::GET {
        request.query(form)
    } else {
        request.form(form)
    };
    read(request.send().await.expect("request")).await
}

/// A seed 001 error: the HTTP status, the `status` word and a message.
fn assert_error(r: &ApiResponse, http: u16, status: &str) {
    assert_eq!(r.status, http, "HTTP status of {}", r.body);
    assert_eq!(keys(&r.body), ["message", "status"], "{}", r.body);
    assert_eq!(r.body["status"], status, "{}", r.body);
    assert!(
        r.body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{}",
        r.body
    );
}

async fn issue(app: &TestApp, api_key: &str, secret_key: &str) -> ApiResponse {
    let form = [("api_key", api_key), ("secret_key", secret_key)];
    call(app, Method::POST, "/admin/access_token", None, &form).await
}

async fn access_token(app: &TestApp, t: &Tenant) -> String {
    let r = issue(app, &t.api_key, &t.secret_key).await;
    assert_eq!(r.status, 200, "access_token: {}", r.body);
    r.body["access_token"].as_str().unwrap().to_owned()
}

async fn ping(app: &TestApp, auth: Option<&str>) -> ApiResponse {
    call(app, Method::GET, "/customers/auth_ping", auth, &[]).await
}

/// `connect` with an access token; panics unless it succeeds.
async fn connect(app: &TestApp, access_token: &str, name: &str) -> Value {
    let form = [("name", name)];
    let r = call(
        app,
        Method::POST,
        "/customers/connect",
        Some(access_token),
        &form,
    )
    .await;
    assert_eq!(r.status, 200, "connect: {}", r.body);
    r.body
}

/// `client_connect`; panics unless it succeeds.
async fn visit(app: &TestApp, form: &[(&str, &str)]) -> Value {
    let r = call(app, Method::POST, "/customers/client_connect", None, form).await;
    assert_eq!(r.status, 200, "client_connect: {}", r.body);
    r.body
}

/// The seed 003 view of a connected customer: its username and token.
fn customer_of(connected: &Value) -> Customer {
    Customer {
        user_id: connected["im"]["username"].as_str().unwrap().to_owned(),
        session: connected["token"].as_str().unwrap().to_owned(),
    }
}

fn customer_of_visit(visited: &Value) -> Customer {
    Customer {
        user_id: visited["user_id"].as_str().unwrap().to_owned(),
        session: visited["token"].as_str().unwrap().to_owned(),
    }
}

/// The whole history through `history_message`, oldest first.
async fn history_message(app: &TestApp, token: &str, room: &str) -> Vec<Value> {
    let form = [("room_id", room), ("sort", "1"), ("num", "50")];
    let r = call(
        app,
        Method::GET,
        "/customers/history_message",
        Some(token),
        &form,
    )
    .await;
    assert_eq!(r.status, 200, "history_message: {}", r.body);
    assert_eq!(r.body["status"], "success");
    r.body["messages"].as_array().unwrap().clone()
}

async fn shutdown(app: &TestApp, token: &str, room: &str) -> ApiResponse {
    let form = [("group_id", room)];
    call(
        app,
        Method::POST,
        "/customers/shutdown_service",
        Some(token),
        &form,
    )
    .await
}

async fn transfer(app: &TestApp, path: &str, token: &str, form: &[(&str, &str)]) -> ApiResponse {
    let path = format!("/customers/{path}");
    call(app, Method::POST, &path, Some(token), form).await
}

async fn transfer_ok(app: &TestApp, c: &Customer, room: &str, agent: &str) {
    let form = [("group_id", room), ("agent_id", agent)];
    let r = transfer(app, "Transfer", &c.session, &form).await;
    assert_eq!(r.status, 200, "transfer to {agent}: {}", r.body);
    assert_eq!(r.body["agent_id"], agent);
}

fn texts(history: &[Value]) -> Vec<&str> {
    history.iter().filter_map(|m| m["text"].as_str()).collect()
}

fn actions(history: &[Value]) -> Vec<i64> {
    history
        .iter()
        .filter(|m| m["type"] == 4)
        .map(|m| m["action"].as_i64().unwrap())
        .collect()
}

/// The agent's `/v1/question/list` (the waiting pool).
async fn pending_ids(app: &TestApp, a: &Agent) -> Vec<String> {
    question_ids(&app.pending(a).await)
}

/// The agent's `/v1/serv/<serv_id>/tasks` (what it serves now).
async fn task_ids(app: &TestApp, a: &Agent) -> Vec<String> {
    let (status, body) = app
        .get(
            &format!("/v1/serv/{}/tasks", a.serv_id),
            &[("session", &a.session), ("serv_id", &a.serv_id)],
        )
        .await;
    assert_eq!(status, 200, "tasks: {body}");
    question_ids(&body)
}

/// The room's status (1 waiting, 2 serving, 3 finished) in the customer's
/// `/v1/user/<user_id>/alls`.
async fn status_in_alls(app: &TestApp, c: &Customer, room: &str) -> i64 {
    let (status, body) = app
        .get(
            &format!("/v1/user/{}/alls", c.user_id),
            &[("session", &c.session)],
        )
        .await;
    assert_eq!(status, 200, "alls: {body}");
    body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["question_id"] == room)
        .unwrap_or_else(|| panic!("{room} not in {body}"))["status"]
        .as_i64()
        .unwrap()
}

async fn put_settings(app: &TestApp, t: &Tenant, settings: Value) {
    let body = json!({ "settings": settings });
    let r = app.api(Method::PUT, SETTINGS, &t.admin(), Some(body)).await;
    assert_eq!(r.status, 200, "settings: {}", r.body);
}

async fn set_max_chats(app: &TestApp, t: &Tenant, a: &Agent, max_chats: Value) {
    let body = json!({ "support": { "maxChats": max_chats } });
    let path = format!("/api/v1/supports/{}.json", a.id);
    let r = app.api(Method::PUT, &path, &t.admin(), Some(body)).await;
    assert_eq!(r.status, 200, "maxChats: {}", r.body);
    assert_eq!(r.body["support"]["maxChats"], max_chats);
}

/// A department (seed 002 support group); its id.
async fn create_group(app: &TestApp, t: &Tenant, name: &str) -> i64 {
    let body = json!({ "supportgroup": { "name": name } });
    let r = app
        .api(
            Method::POST,
            "/api/v1/supportgroups.json",
            &t.admin(),
            Some(body),
        )
        .await;
    assert_eq!(r.status, 200, "create group: {}", r.body);
    r.body["supportgroup"]["groupId"].as_i64().unwrap()
}

/// Puts the agent in these departments (comma-separated ids).
async fn assign(app: &TestApp, t: &Tenant, a: &Agent, groups: &str) {
    let body = json!({ "support": { "groupId": groups } });
    let path = format!("/api/v1/supports/{}.json", a.id);
    let r = app.api(Method::PUT, &path, &t.admin(), Some(body)).await;
    assert_eq!(r.status, 200, "assign: {}", r.body);
}

fn keys(v: &Value) -> Vec<&str> {
    let mut keys: Vec<&str> = v
        .as_object()
        .unwrap_or_else(|| panic!("an object: {v}"))
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    keys
}

/// 24 lowercase hex digits: a room or message id.
fn is_id(s: &str) -> bool {
    s.len() == 24 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn is_uuid_v4(s: &str) -> bool {
    let parts: Vec<&str> = s.split('-').collect();
    let lens: Vec<usize> = parts.iter().map(|p| p.len()).collect();
    lens == [8, 4, 4, 4, 12]
        && parts
            .iter()
            .all(|p| p.bytes().all(|b| b.is_ascii_hexdigit()))
        && parts[2].starts_with('4')
}
