//! The whole life of a question over HTTP: ask, list, claim, chat, quit,
//! re-claim, request finish, finish, reopen; on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::{assert_v1_error, question_ids, TestApp};
use serde_json::Value;

on_every_backend!(
    a_question_goes_through_its_whole_life,
    reopen_goes_back_to_the_pool_when_the_agent_left,
    a_retried_send_with_a_client_id_stores_one_message,
    images_and_audio_are_stored_and_served_back,
    the_user_page_shows_name_devices_and_groups,
    unbind_stops_the_session_acting_as_the_agent,
    tasks_are_read_by_the_agent_in_the_path_or_an_admin,
);

fn actions(history: &[Value]) -> Vec<i64> {
    history
        .iter()
        .filter(|m| m["type"] == 4)
        .map(|m| m["action"].as_i64().expect("action"))
        .collect()
}

async fn a_question_goes_through_its_whole_life(app: TestApp) {
    let t = app.tenant("Acme").await;
    let alice = app.customer(&t, "alice").await;
    let wang = app.agent(&t, "wang", false).await;
    let li = app.agent(&t, "li", false).await;

    // Ask, with labels; it waits.
    let (status, body) = app
        .post(
            "/v1/question/new",
            &[
                ("session", &alice.session),
                ("title", "无法激活"),
                ("label", r#"["激活","安卓4.3"]"#),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let q = body["question_id"].as_str().unwrap().to_owned();
    assert_eq!(q.len(), 24);
    assert_eq!(body["question"]["id"], q.as_str());
    assert_eq!(body["question"]["status"], 1);

    // The customer writes while waiting; the pending list shows it.
    assert_eq!(app.customer_says(&alice, &q, "手机激活不了").await.0, 200);
    let (status, pending) = app
        .get(
            "/v1/question/list",
            &[("session", &wang.session), ("serv_id", "wang")],
        )
        .await;
    assert_eq!(status, 200, "{pending}");
    let line = &pending["questions"][0];
    assert_eq!(line["question_id"], q.as_str());
    assert_eq!(line["user_id"], "alice");
    assert_eq!(line["user_name"], "alice");
    assert_eq!(line["title"], "无法激活");
    assert_eq!(line["last_mess_text"], "手机激活不了");
    assert_eq!(line["last_mess_sender"], "alice");
    assert_eq!(line["last_mess_sender_type"], 1);
    assert!(line["timestamp"].as_f64().unwrap() <= line["last_mess_timestamp"].as_f64().unwrap());
    let waits = app
        .get("/v1/user/alice/waits", &[("session", &alice.session)])
        .await
        .1;
    assert_eq!(question_ids(&waits), vec![q.clone()]);

    // An agent may not talk before claiming.
    assert_v1_error(
        &app.agent_says(&wang, &q, "hi").await,
        409,
        4003,
        Some("question_id"),
    );

    // Wang claims: it leaves the pool and is in Wang's tasks.
    app.serve(&wang, &q).await;
    let pending = app
        .get(
            "/v1/question/list",
            &[("session", &wang.session), ("serv_id", "wang")],
        )
        .await
        .1;
    assert!(question_ids(&pending).is_empty());
    let tasks = app
        .get(
            "/v1/serv/wang/tasks",
            &[("session", &wang.session), ("serv_id", "wang")],
        )
        .await
        .1;
    assert_eq!(question_ids(&tasks), vec![q.clone()]);
    let user_tasks = app
        .get("/v1/user/alice/tasks", &[("session", &alice.session)])
        .await
        .1;
    assert_eq!(user_tasks["questions"][0]["serv_id"], "wang");

    // Both sides chat; Li may not.
    assert_eq!(
        app.agent_says(&wang, &q, "您好，请问什么型号？").await.0,
        200
    );
    assert_eq!(app.customer_says(&alice, &q, "小米").await.0, 200);
    assert_v1_error(
        &app.agent_says(&li, &q, "我来").await,
        409,
        4004,
        Some("question_id"),
    );

    // Wang quits: back in the pool; Li claims it.
    let (status, body) = app
        .post(
            &format!("/v1/question/{q}/quit"),
            &[("session", &wang.session), ("serv_id", "wang")],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["message_id"].as_str().unwrap().len(), 24);
    let pending = app
        .get(
            "/v1/question/list",
            &[("session", &li.session), ("serv_id", "li")],
        )
        .await
        .1;
    assert_eq!(question_ids(&pending), vec![q.clone()]);
    app.serve(&li, &q).await;
    assert_eq!(app.agent_says(&li, &q, "请重启试试").await.0, 200);

    // Li asks to finish (notice 3), then finishes.
    let (status, _) = app
        .post(
            &format!("/v1/question/{q}/request_finish"),
            &[("session", &li.session), ("serv_id", "li")],
        )
        .await;
    assert_eq!(status, 200);
    let (status, _) = app
        .post(
            &format!("/v1/question/{q}/finish"),
            &[("session", &li.session), ("serv_id", "li")],
        )
        .await;
    assert_eq!(status, 200);
    assert_v1_error(
        &app.customer_says(&alice, &q, "还在吗").await,
        409,
        4002,
        Some("question_id"),
    );
    let overs = app
        .get("/v1/user/alice/overs", &[("session", &alice.session)])
        .await
        .1;
    assert_eq!(overs["questions"][0]["serv_id"], "li");
    let tasks = app
        .get(
            "/v1/serv/li/tasks",
            &[("session", &li.session), ("serv_id", "li")],
        )
        .await
        .1;
    assert!(question_ids(&tasks).is_empty());

    // Alice reopens: back with Li, who sees it in tasks again.
    let (status, body) = app
        .post(
            &format!("/v1/question/{q}/reopen"),
            &[("session", &alice.session)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let tasks = app
        .get(
            "/v1/serv/li/tasks",
            &[("session", &li.session), ("serv_id", "li")],
        )
        .await
        .1;
    assert_eq!(question_ids(&tasks), vec![q.clone()]);
    let alls = app
        .get("/v1/user/alice/alls", &[("session", &alice.session)])
        .await
        .1;
    assert_eq!(alls["questions"][0]["status"], 2);
    assert_eq!(alls["questions"][0]["serv_id"], "li");

    // The history has every message and notice, in order.
    let history = app.history(&alice, &q).await;
    assert_eq!(actions(&history), vec![1, 2, 1, 3, 4, 6]);
    let texts: Vec<&str> = history.iter().filter_map(|m| m["text"].as_str()).collect();
    assert_eq!(
        texts,
        vec!["手机激活不了", "您好，请问什么型号？", "小米", "请重启试试"]
    );
    let ids: Vec<&str> = history
        .iter()
        .map(|m| m["message_id"].as_str().unwrap())
        .collect();
    assert!(
        ids.windows(2).all(|w| w[0] < w[1]),
        "history is in id order"
    );
    let first_notice = history.iter().find(|m| m["type"] == 4).unwrap();
    assert_eq!(first_notice["sender"], "wang");
    assert_eq!(first_notice["sender_type"], 2);
    let customer_line = history.iter().find(|m| m["text"] == "小米").unwrap();
    assert_eq!(customer_line["sender"], "alice");
    assert_eq!(customer_line["sender_type"], 1);
    assert!(customer_line["timestamp"].as_f64().unwrap() > 1.6e9);
}

async fn reopen_goes_back_to_the_pool_when_the_agent_left(app: TestApp) {
    let t = app.tenant("Acme").await;
    let bob = app.customer(&t, "bob").await;
    let zhao = app.agent(&t, "zhao", false).await;
    let q = app.ask(&bob, "退款").await;
    app.serve(&zhao, &q).await;
    let (status, _) = app
        .post(
            &format!("/v1/question/{q}/finish"),
            &[("session", &zhao.session), ("serv_id", "zhao")],
        )
        .await;
    assert_eq!(status, 200);
    // Zhao goes to the recycle bin: the reopened question waits for anyone.
    let deleted = app
        .api(
            reqwest::Method::DELETE,
            &format!("/api/v1/supports/{}.json", zhao.id),
            &t.admin(),
            None,
        )
        .await;
    assert_eq!(deleted.status, 200, "{}", deleted.body);
    let (status, _) = app
        .post(
            &format!("/v1/question/{q}/reopen"),
            &[("session", &bob.session)],
        )
        .await;
    assert_eq!(status, 200);
    let waits = app
        .get("/v1/user/bob/waits", &[("session", &bob.session)])
        .await
        .1;
    assert_eq!(question_ids(&waits), vec![q.clone()]);
    // And an inactive agent cannot act any more.
    assert_v1_error(
        &app.post(
            &format!("/v1/question/{q}/serve"),
            &[("session", &zhao.session), ("serv_id", "zhao")],
        )
        .await,
        403,
        2004,
        Some("serv_id"),
    );
    // Reopening a question that is not finished is refused.
    assert_v1_error(
        &app.post(
            &format!("/v1/question/{q}/reopen"),
            &[("session", &bob.session)],
        )
        .await,
        409,
        4005,
        Some("question_id"),
    );
}

async fn a_retried_send_with_a_client_id_stores_one_message(app: TestApp) {
    let t = app.tenant("Acme").await;
    let carol = app.customer(&t, "carol").await;
    let q = app.ask(&carol, "发票").await;
    let path = format!("/v1/question/{q}/message/send_text");
    let form = [
        ("session", carol.session.as_str()),
        ("sender", "carol"),
        ("sender_type", "1"),
        ("text", "开发票"),
        ("client_msg_id", "c-1"),
    ];
    let send = || app.post(&path, &form);
    let first = send().await;
    let second = send().await;
    assert_eq!(first.0, 200);
    assert_eq!(second.0, 200);
    assert_eq!(first.1["message_id"], second.1["message_id"]);
    let history = app.history(&carol, &q).await;
    assert_eq!(history.len(), 1);
    // Without a client id, two sends are two messages.
    app.customer_says(&carol, &q, "again").await;
    app.customer_says(&carol, &q, "again").await;
    assert_eq!(app.history(&carol, &q).await.len(), 3);
}

async fn images_and_audio_are_stored_and_served_back(app: TestApp) {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    let t = app.tenant("Acme").await;
    let dan = app.customer(&t, "dan").await;
    let q = app.ask(&dan, "截图").await;
    let jpeg = include_bytes!("fixtures/tiny.jpg").to_vec();
    let (status, body) = app
        .post(
            &format!("/v1/question/{q}/message/send_image"),
            &[
                ("session", &dan.session),
                ("sender", "dan"),
                ("sender_type", "1"),
                ("image", &b64.encode(&jpeg)),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    let url = body["image_url"].as_str().unwrap().to_owned();
    assert!(url.starts_with(&app.base), "{url}");
    let fetched = app.client.get(&url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.headers()["content-type"], "image/jpeg");
    assert_eq!(fetched.bytes().await.unwrap().to_vec(), jpeg);

    let amr = b"#!AMR\n0123456789".to_vec();
    let (status, body) = app
        .post(
            &format!("/v1/question/{q}/message/send_audio"),
            &[
                ("session", &dan.session),
                ("sender", "dan"),
                ("sender_type", "1"),
                ("audio", &b64.encode(&amr)),
                ("audio_len", "3"),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");

    let history = app.history(&dan, &q).await;
    assert_eq!(history[0]["type"], 2);
    assert_eq!(history[0]["image_url"], url.as_str());
    assert_eq!(history[1]["type"], 1);
    assert_eq!(history[1]["audio_len"], 3);
    let audio = app
        .client
        .get(history[1]["audio_url"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(audio.bytes().await.unwrap().to_vec(), amr);

    let agent = app.agent(&t, "qian", false).await;
    let pending = app
        .get(
            "/v1/question/list",
            &[("session", &agent.session), ("serv_id", "qian")],
        )
        .await
        .1;
    assert_eq!(pending["questions"][0]["last_mess_text"], "[语音]");
    let missing = app
        .get(&format!("/v1/media/{}/{}.jpg", t.id, "a".repeat(32)), &[])
        .await;
    assert_v1_error(&missing, 404, 3005, None);
}

async fn the_user_page_shows_name_devices_and_groups(app: TestApp) {
    let t = app.tenant("Acme").await;
    let eve = app.customer(&t, "eve<script>").await;
    app.customer(&t, "eve<script>").await; // a second device
    let q = app.ask(&eve, "one").await;
    app.ask(&eve, "two").await;
    let sun = app.agent(&t, "sun", false).await;
    let response = app
        .client
        .get(format!("{}/v1/user", app.base))
        .query(&[
            ("session", sun.session.as_str()),
            ("serv_id", "sun"),
            ("question_id", q.as_str()),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    assert!(response.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/html"));
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r#"<dd id="user_name">eve&lt;script&gt;</dd>"#),
        "{html}"
    );
    assert!(html.contains(r#"<dd id="device_count">2</dd>"#), "{html}");
    assert!(html.contains(r#"<dd id="group_count">2</dd>"#), "{html}");
    // Customers may not read it: their session is bound to no agent.
    let denied = app
        .get(
            "/v1/user",
            &[("session", &eve.session), ("question_id", &q)],
        )
        .await;
    assert_v1_error(&denied, 403, 2003, None);
}

async fn unbind_stops_the_session_acting_as_the_agent(app: TestApp) {
    let t = app.tenant("Acme").await;
    let zhou = app.agent(&t, "zhou", false).await;
    let list = [("session", zhou.session.as_str()), ("serv_id", "zhou")];
    assert_eq!(app.get("/v1/question/list", &list).await.0, 200);
    let wrong = app
        .post(
            "/v1/serv/unbind",
            &[
                ("session", &zhou.session),
                ("serv_id", "zhou"),
                ("password", "nope"),
            ],
        )
        .await;
    assert_v1_error(&wrong, 401, 2002, None);
    let (status, body) = app
        .post(
            "/v1/serv/unbind",
            &[
                ("session", &zhou.session),
                ("serv_id", "zhou"),
                ("password", &zhou.password),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body, serde_json::json!({ "status": 200 }));
    assert_v1_error(&app.get("/v1/question/list", &list).await, 403, 2003, None);
}

async fn tasks_are_read_by_the_agent_in_the_path_or_an_admin(app: TestApp) {
    let t = app.tenant("Acme").await;
    let nia = app.customer(&t, "nia").await;
    let wang = app.agent(&t, "wang", false).await;
    let li = app.agent(&t, "li", false).await;
    let boss = app.agent(&t, "boss", true).await;
    let q = app.ask(&nia, "x").await;
    app.serve(&wang, &q).await;

    // As the seed sends it: the agent only in the path.
    let (status, tasks) = app
        .get("/v1/serv/wang/tasks", &[("session", &wang.session)])
        .await;
    assert_eq!(status, 200, "{tasks}");
    assert_eq!(question_ids(&tasks), vec![q.clone()]);
    // Li's session is not Wang's.
    let denied = app
        .get("/v1/serv/wang/tasks", &[("session", &li.session)])
        .await;
    assert_v1_error(&denied, 403, 2003, None);
    let denied = app
        .get(
            "/v1/serv/wang/tasks",
            &[("session", &li.session), ("serv_id", "li")],
        )
        .await;
    assert_v1_error(&denied, 403, 2003, None);
    // An admin names itself and reads anyone's.
    let (status, tasks) = app
        .get(
            "/v1/serv/wang/tasks",
            &[("session", &boss.session), ("serv_id", "boss")],
        )
        .await;
    assert_eq!(status, 200);
    assert_eq!(question_ids(&tasks), vec![q]);
    let unknown = app
        .get(
            "/v1/serv/nobody/tasks",
            &[("session", &boss.session), ("serv_id", "boss")],
        )
        .await;
    assert_v1_error(&unknown, 404, 3006, Some("serv_id"));
}
