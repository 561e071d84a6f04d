//! The agent console's API (docs/api/console.md): signing in with account
//! and password alone, the session in a header or a WebSocket subprotocol
//! (never a URL), signing out, the agent's own status, who can take a
//! conversation, one question's details and the serving agent's transfer.

mod common;

use common::desk::Desk;
use common::ws::WsClient;
use common::{assert_v1_error, eventually, question_ids, Agent, TestApp, ACCEPTING};
use reqwest::Method;
use serde_json::Value;

/// A call with the session in `Authorization: Bearer`, as the console sends it.
async fn bearer(
    app: &TestApp,
    method: Method,
    path: &str,
    session: &str,
    form: &[(&str, &str)],
) -> (u16, Value) {
    let request = app
        .client
        .request(method.clone(), format!("{}{path}", app.base))
        .bearer_auth(session);
    let request = if method == Method::GET {
        request.query(form)
    } else {
        request.form(form)
    };
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn login(app: &TestApp, account: &str, password: &str) -> (u16, Value) {
    app.post(
        "/v1/console/login",
        &[("account", account), ("password", password)],
    )
    .await
}

async fn login_ok(app: &TestApp, account: &str, password: &str) -> String {
    let (status, body) = login(app, account, password).await;
    assert_eq!(status, 200, "login: {body}");
    body["session"].as_str().expect("a session").to_owned()
}

async fn signing_in_gives_a_session_that_alone_is_the_agent(app: TestApp) {
    let t = app.tenant("一号店").await;
    let (status, body) = login(&app, &t.admin_account, &t.admin_password).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["serv_id"], t.admin_account.as_str());
    assert_eq!(body["is_admin"], true);
    let session = body["session"].as_str().expect("session").to_owned();
    assert_eq!(session.len(), 12);

    // In the header, with no session parameter and no serv_id.
    let (status, me) = bearer(&app, Method::GET, "/v1/console/me", &session, &[]).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["tenant"], "一号店");
    assert_eq!(me["state"], "离线");
    assert_eq!(me["accepting"], false);
    assert_eq!(me["accepting_state"], ACCEPTING);
    let customer = app.customer(&t, "u-1").await;
    let question = app.ask(&customer, "无法登录").await;
    let (status, pending) = bearer(&app, Method::GET, "/v1/question/list", &session, &[]).await;
    assert_eq!(status, 200, "{pending}");
    assert_eq!(question_ids(&pending), vec![question.clone()]);
    let (status, served) = bearer(
        &app,
        Method::POST,
        &format!("/v1/question/{question}/serve"),
        &session,
        &[("serv_id", &t.admin_account)],
    )
    .await;
    assert_eq!(status, 200, "{served}");

    // Each sign-in is a session of its own: the first keeps working.
    let second = login_ok(&app, &t.admin_account, &t.admin_password).await;
    assert_ne!(second, session);
    assert_eq!(
        bearer(&app, Method::GET, "/v1/console/me", &session, &[])
            .await
            .0,
        200
    );
}

async fn wrong_or_missing_credentials_are_refused_in_the_dialects_body(app: TestApp) {
    let t = app.tenant("一号店").await;
    assert_v1_error(
        &login(&app, &t.admin_account, "wrong-password").await,
        401,
        2002,
        None,
    );
    assert_v1_error(&login(&app, "nobody", "whatever1").await, 401, 2002, None);
    assert_v1_error(
        &login(&app, "", "whatever1").await,
        400,
        1001,
        Some("account"),
    );
    assert_v1_error(
        &login(&app, &t.admin_account, "").await,
        400,
        1001,
        Some("password"),
    );
    let long = "x".repeat(21);
    assert_v1_error(
        &login(&app, &long, "whatever1").await,
        400,
        1002,
        Some("account"),
    );
    // An agent in the recycle bin cannot sign in.
    let agent = app.agent(&t, "lisi", false).await;
    let desk_admin = t.admin();
    let r = app
        .api(
            Method::DELETE,
            &format!("/api/v1/supports/{}.json", agent.id),
            &desk_admin,
            None,
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_v1_error(
        &login(&app, "lisi", &agent.password).await,
        403,
        2004,
        Some("serv_id"),
    );
    // No session: the call says which parameter is missing.
    assert_v1_error(
        &app.get("/v1/console/me", &[]).await,
        400,
        1001,
        Some("session"),
    );
}

async fn failed_sign_ins_share_the_login_throttle(app: TestApp) {
    let t = app.tenant("一号店").await;
    for _ in 0..10 {
        assert_v1_error(
            &login(&app, &t.admin_account, "wrong-password").await,
            401,
            2002,
            None,
        );
    }
    // The right password too, now; and serv/bind of the same account.
    let refused = login(&app, &t.admin_account, &t.admin_password).await;
    assert_v1_error(&refused, 429, 2005, Some("serv_id"));
    let device = app.customer(&t, "device").await;
    let bind = app
        .post(
            "/v1/serv/bind",
            &[
                ("session", &device.session),
                ("serv_id", &t.admin_account),
                ("password", &t.admin_password),
            ],
        )
        .await;
    assert_v1_error(&bind, 429, 2005, Some("serv_id"));
}

async fn signing_out_ends_the_session_and_closes_its_sockets(app: TestApp) {
    let t = app.tenant("一号店").await;
    let session = login_ok(&app, &t.admin_account, &t.admin_password).await;
    let (socket, protocol) = WsClient::connect_as_browser(&app.base, &session)
        .await
        .expect("the socket opens with the session as subprotocol");
    assert_eq!(protocol.as_deref(), Some("kefu"));
    assert_eq!(socket.hello["role"], "agent");
    assert_eq!(socket.hello["serv_id"], t.admin_account.as_str());

    let (status, body) = bearer(&app, Method::POST, "/v1/console/logout", &session, &[]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(
        socket
            .close_code_within(std::time::Duration::from_secs(5))
            .await,
        4001
    );
    let after = bearer(&app, Method::GET, "/v1/console/me", &session, &[]).await;
    assert_v1_error(&after, 401, 2001, Some("session"));
    // Not even as a customer's session, and not after settings retime sessions.
    let desk = Desk {
        app: &app,
        t,
        access_token: String::new(),
        visitor_tokens: Default::default(),
    };
    desk.settings_ok(serde_json::json!({"session_idle_timeout": 3600, "session_lifetime": 86400}))
        .await;
    let ask = bearer(
        &app,
        Method::POST,
        "/v1/question/new",
        &session,
        &[("title", "x")],
    )
    .await;
    assert_v1_error(&ask, 401, 2001, Some("session"));
    assert!(WsClient::connect_as_browser(&app.base, &session)
        .await
        .is_err());
}

async fn an_agent_sets_its_own_status_and_colleagues_see_who_can_take_work(app: TestApp) {
    let t = app.tenant("一号店").await;
    let lisi = app.agent(&t, "lisi", false).await;
    let session = login_ok(&app, &t.admin_account, &t.admin_password).await;
    let mut watcher = WsClient::agent(&app.base, &lisi).await;

    let (status, me) = bearer(
        &app,
        Method::PUT,
        "/v1/console/status",
        &session,
        &[("state", ACCEPTING)],
    )
    .await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["state"], ACCEPTING);
    assert_eq!(me["accepting"], true);
    let event = watcher.next_event("agent_status").await;
    assert_eq!(event["serv_id"], t.admin_account.as_str());
    assert_eq!(event["accepting"], true);
    let bad = bearer(
        &app,
        Method::PUT,
        "/v1/console/status",
        &session,
        &[("state", "摸鱼")],
    )
    .await;
    assert_v1_error(&bad, 400, 1002, Some("state"));

    // lisi is offline; the admin accepts and serves one conversation.
    let customer = app.customer(&t, "u-1").await;
    let question = app.ask(&customer, "退款").await;
    bearer(
        &app,
        Method::POST,
        &format!("/v1/question/{question}/serve"),
        &session,
        &[],
    )
    .await;
    let (status, body) = bearer(&app, Method::GET, "/v1/console/agents", &lisi.session, &[]).await;
    assert_eq!(status, 200, "{body}");
    let agents = body["agents"].as_array().expect("agents");
    let admin = agents
        .iter()
        .find(|a| a["serv_id"] == t.admin_account.as_str())
        .expect("the admin");
    let li = agents
        .iter()
        .find(|a| a["serv_id"] == "lisi")
        .expect("lisi");
    assert_eq!(admin["accepting"], true);
    assert_eq!(admin["max_chats"], 5);
    assert_eq!(li["accepting"], false);
    assert_eq!(li["serving"], 0);
    // Another tenant's agents are not listed.
    let other = app.tenant("二号店").await;
    let stranger = app.agent(&other, "wangwu", false).await;
    let (_, theirs) = bearer(
        &app,
        Method::GET,
        "/v1/console/agents",
        &stranger.session,
        &[],
    )
    .await;
    assert!(theirs["agents"]
        .as_array()
        .expect("agents")
        .iter()
        .all(|a| a["serv_id"] != "lisi"));
}

async fn a_question_shows_its_customer_and_agent_to_both_sides_only(app: TestApp) {
    let t = app.tenant("一号店").await;
    let agent = app.agent(&t, "zhangsan", false).await;
    let customer = app.customer(&t, "u-1").await;
    let question = app.ask(&customer, "无法登录").await;
    let path = format!("/v1/question/{question}");
    let (status, before) = bearer(&app, Method::GET, &path, &customer.session, &[]).await;
    assert_eq!(status, 200, "{before}");
    assert_eq!(before["status_code"], 1);
    assert_eq!(before["serv_name"], "");
    assert_eq!(before["title"], "无法登录");
    app.serve(&agent, &question).await;
    let (status, after) = bearer(&app, Method::GET, &path, &agent.session, &[]).await;
    assert_eq!(status, 200, "{after}");
    assert_eq!(after["status_code"], 2);
    assert_eq!(after["serv_id"], "zhangsan");
    assert_eq!(after["serv_name"], "zhangsan");
    assert_eq!(after["user_id"], "u-1");
    // Another customer of the tenant, and another tenant's agent: not found.
    let other_customer = app.customer(&t, "u-2").await;
    assert_v1_error(
        &bearer(&app, Method::GET, &path, &other_customer.session, &[]).await,
        404,
        3001,
        Some("question_id"),
    );
    let other = app.tenant("二号店").await;
    let stranger = app.agent(&other, "wangwu", false).await;
    assert_v1_error(
        &bearer(&app, Method::GET, &path, &stranger.session, &[]).await,
        404,
        3001,
        Some("question_id"),
    );
}

async fn transfer(app: &TestApp, a: &Agent, question: &str, form: &[(&str, &str)]) -> (u16, Value) {
    bearer(
        app,
        Method::POST,
        &format!("/v1/question/{question}/transfer"),
        &a.session,
        form,
    )
    .await
}

async fn the_serving_agent_transfers_to_an_available_colleague(app: TestApp) {
    let desk = Desk::new(&app, "一号店").await;
    let t = &desk.t;
    let zhang = app.agent(t, "zhangsan", false).await;
    let li = app.agent(t, "lisi", false).await;
    let customer = app.customer(t, "u-1").await;
    let question = app.ask(&customer, "发票").await;
    app.serve(&zhang, &question).await;
    let mut customer_socket = WsClient::customer(&app.base, &customer).await;
    let mut li_socket = WsClient::agent(&app.base, &li).await;

    // lisi is offline: not available.
    assert_v1_error(
        &transfer(&app, &zhang, &question, &[("agent_id", "lisi")]).await,
        409,
        4008,
        None,
    );
    assert_v1_error(
        &transfer(&app, &zhang, &question, &[]).await,
        400,
        1001,
        Some("agent_id"),
    );
    assert_v1_error(
        &transfer(&app, &li, &question, &[("agent_id", "zhangsan")]).await,
        409,
        4004,
        Some("question_id"),
    );
    desk.set_state(li.id, ACCEPTING).await;

    let (status, body) = transfer(&app, &zhang, &question, &[("agent_id", "lisi")]).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["serv_id"], "lisi");
    let notice = customer_socket.next_event("transferred").await;
    assert_eq!(notice["message"]["sender"], "zhangsan");
    assert_eq!(notice["message"]["sender_type"], 2);
    let to_li = li_socket.next_event("transferred").await;
    assert_eq!(to_li["question_id"], question.as_str());
    // lisi chats now; zhangsan no longer may.
    assert_eq!(
        app.agent_says(&li, &question, "您好，我来处理").await.0,
        200
    );
    let (status, refused) = app.agent_says(&zhang, &question, "还在吗").await;
    assert_eq!(status, 409, "{refused}");
    eventually("lisi's tasks hold the question", || async {
        let (_, tasks) = bearer(&app, Method::GET, "/v1/serv/lisi/tasks", &li.session, &[]).await;
        question_ids(&tasks).contains(&question)
    })
    .await;
}

async fn a_visitor_no_agent_can_take_appears_in_every_agents_pending_pool(app: TestApp) {
    let desk = Desk::new(&app, "一号店").await;
    let zhang = app.agent(&desk.t, "zhangsan", false).await;
    let mut socket = WsClient::agent(&app.base, &zhang).await;
    // Nobody accepts: the visitor waits in the queue.
    let (status, visitor) = app
        .post("/customers/client_connect", &[("api_key", &desk.t.api_key)])
        .await;
    assert_eq!(status, 200, "{visitor}");
    assert_eq!(visitor["agent_id"], "");
    let created = socket.next_event("question_created").await;
    assert_eq!(created["question_id"], visitor["rid"]);
    assert_eq!(created["status"], 1);
    assert_eq!(created["user_id"], visitor["user_id"]);
}

/// A call of the administration API (seed 002) with the console's session
/// as `Bearer`, as the console's admin pages send it.
async fn admin_bearer(
    app: &TestApp,
    method: Method,
    path: &str,
    session: &str,
    body: Option<Value>,
) -> (u16, Value) {
    let mut request = app
        .client
        .request(method, format!("{}{path}", app.base))
        .bearer_auth(session);
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("the server answers");
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn the_admin_api_takes_an_admins_console_session_and_refuses_anyone_elses(app: TestApp) {
    let t = app.tenant("一号店").await;
    let admin = login_ok(&app, &t.admin_account, &t.admin_password).await;
    let (status, created) = admin_bearer(
        &app,
        Method::POST,
        "/api/v1/supports.json",
        &admin,
        Some(serde_json::json!({"support": {
            "sPassportName": "wangwu", "password": "wangwu-pass-1", "name": "王五", "sNum": "007"
        }})),
    )
    .await;
    assert_eq!(status, 200, "{created}");
    assert_eq!(created["support"]["name"], "王五");

    // A non-admin agent's console session: 403 for reads and writes alike,
    // and nothing changes.
    let agent = login_ok(&app, "wangwu", "wangwu-pass-1").await;
    let before = app.api_get("/api/v1/supports.json", &t.admin()).await;
    let settings_before = app.api_get("/api/v1/settings.json", &t.admin()).await;
    for (method, path, body) in [
        (Method::GET, "/api/v1/supports.json", None),
        (
            Method::POST,
            "/api/v1/supports.json",
            Some(
                serde_json::json!({"support": {"sPassportName": "zhao", "password": "zhao-pass-1", "sNum": "8"}}),
            ),
        ),
        (
            Method::PUT,
            "/api/v1/settings.json",
            Some(serde_json::json!({"settings": {"timeout": 60}})),
        ),
        (Method::DELETE, "/api/v1/supports/1.json", None),
    ] {
        let (status, body) = admin_bearer(&app, method.clone(), path, &agent, body).await;
        assert_eq!(status, 403, "{method} {path}: {body}");
        assert_eq!(body["code"], "10030", "{body}");
    }
    assert_eq!(
        app.api_get("/api/v1/supports.json", &t.admin()).await,
        before
    );
    assert_eq!(
        app.api_get("/api/v1/settings.json", &t.admin()).await,
        settings_before
    );

    // A signed-out session and a customer's unbound session are no caller.
    let customer = app.customer(&t, "u-1").await;
    let (status, body) = admin_bearer(
        &app,
        Method::GET,
        "/api/v1/supports.json",
        &customer.session,
        None,
    )
    .await;
    assert_eq!(status, 403, "a customer's session is no agent's: {body}");
    assert_eq!(body["code"], "10030", "{body}");
    let (status, _) = bearer(&app, Method::POST, "/v1/console/logout", &admin, &[]).await;
    assert_eq!(status, 200);
    let (status, body) =
        admin_bearer(&app, Method::GET, "/api/v1/supports.json", &admin, None).await;
    assert_eq!(status, 401, "{body}");
}

on_every_backend!(
    a_visitor_no_agent_can_take_appears_in_every_agents_pending_pool,
    signing_in_gives_a_session_that_alone_is_the_agent,
    wrong_or_missing_credentials_are_refused_in_the_dialects_body,
    failed_sign_ins_share_the_login_throttle,
    signing_out_ends_the_session_and_closes_its_sockets,
    an_agent_sets_its_own_status_and_colleagues_see_who_can_take_work,
    a_question_shows_its_customer_and_agent_to_both_sides_only,
    the_serving_agent_transfers_to_an_available_colleague,
    the_admin_api_takes_an_admins_console_session_and_refuses_anyone_elses,
);
