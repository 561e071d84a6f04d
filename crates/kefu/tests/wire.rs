//! Wire compatibility at the edges, as clients written against the seeds
//! send and read: a bound session alone names the agent, multipart forms,
//! NUL characters refused alike on both backends, no `null` where a seed
//! shows a type, and agent search that folds case beyond ASCII.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::http::Part;
use common::ws::WsClient;
use common::{assert_admin_error, assert_v1_error, question_ids, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    a_bound_session_alone_is_the_agent,
    a_serv_id_sent_must_match_the_bound_session,
    multipart_forms_are_read_like_urlencoded_ones,
    nul_characters_are_refused_with_a_clear_400,
    question_lines_hold_no_null,
    agent_search_folds_case_beyond_ascii,
    links_users_supply_are_http_only,
);

const JPEG: &[u8] = include_bytes!("fixtures/tiny.jpg");

/// Seed 003's agent calls whose tables list no `serv_id`, with the bound
/// session and nothing else, as an agent app written against the seed sends them.
async fn a_bound_session_alone_is_the_agent(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let q = app.ask(&hana, "激活失败").await;
    // The tenant's admin, bound on its phone.
    let phone = app.customer(&t, "admin-phone").await;
    app.http
        .bind(&phone.session, &t.admin_account, &t.admin_password)
        .await;
    let s = phone.session.as_str();

    let (status, pending) = app.get("/v1/question/list", &[("session", s)]).await;
    assert_eq!(status, 200, "{pending}");
    assert_eq!(question_ids(&pending), vec![q.clone()]);

    let (status, created) = app
        .post("/v1/answer/templates", &[("session", s), ("title", "问候")])
        .await;
    assert_eq!(status, 200, "{created}");
    let template = created["template_id"].as_str().unwrap().to_owned();
    let path = format!("/v1/answer/template/{template}/items");
    let (status, item) = app
        .post(
            &path,
            &[("session", s), ("question", "你好"), ("content", "您好!")],
        )
        .await;
    assert_eq!(status, 200, "{item}");
    let (status, templates) = app.get("/v1/answer/templates", &[("session", s)]).await;
    assert_eq!(status, 200, "{templates}");
    assert_eq!(templates["templates"][0]["title"], "问候", "{templates}");
    let (status, items) = app
        .get(
            &format!("/v1/answer/template/{template}"),
            &[("session", s)],
        )
        .await;
    assert_eq!(status, 200, "{items}");
    assert_eq!(items["items"][0]["content"], "您好!", "{items}");

    let page = app
        .client
        .get(format!("{}/v1/user", app.base))
        .query(&[("session", s), ("question_id", &q)])
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("hana"));

    let (status, alls) = app.get("/v1/user/hana/alls", &[("session", s)]).await;
    assert_eq!(status, 200, "{alls}");
    assert_eq!(question_ids(&alls), vec![q.clone()]);
    let (status, history) = app
        .get(&format!("/v1/question/{q}/message"), &[("session", s)])
        .await;
    assert_eq!(status, 200, "{history}");

    // The seed requires serv_id to claim; with it the claim works, and the
    // tasks list (serv_id in the path only) shows the question.
    assert_v1_error(
        &app.post(&format!("/v1/question/{q}/serve"), &[("session", s)])
            .await,
        400,
        1001,
        Some("serv_id"),
    );
    let (status, served) = app
        .post(
            &format!("/v1/question/{q}/serve"),
            &[("session", s), ("serv_id", &t.admin_account)],
        )
        .await;
    assert_eq!(status, 200, "{served}");
    let (status, tasks) = app
        .get(
            &format!("/v1/serv/{}/tasks", t.admin_account),
            &[("session", s)],
        )
        .await;
    assert_eq!(status, 200, "{tasks}");
    assert_eq!(question_ids(&tasks), vec![q.clone()]);

    // The socket, too: the bound session alone opens an agent's socket.
    let ws = WsClient::open(&app.base, &[("session", s)]).await;
    assert_eq!(ws.hello["role"], "agent", "{}", ws.hello);
    assert_eq!(
        ws.hello["serv_id"],
        t.admin_account.as_str(),
        "{}",
        ws.hello
    );
    ws.close().await;
}

/// A `serv_id` sent with a bound session must be its agent's; an unbound
/// session is no agent, and after `serv/unbind` the session is no agent again.
async fn a_serv_id_sent_must_match_the_bound_session(app: TestApp) {
    let t = app.tenant("Acme").await;
    let ma = app.agent(&t, "ma", false).await;
    app.agent(&t, "li", false).await;
    let s = ma.session.as_str();

    let mismatch = app
        .get("/v1/question/list", &[("session", s), ("serv_id", "li")])
        .await;
    assert_v1_error(&mismatch, 403, 2003, None);
    let ws = WsClient::connect(&app.base, &[("session", s), ("serv_id", "li")]).await;
    let refused = ws.err().expect("a socket as another agent is refused");
    assert_eq!(refused.status, 403, "{:?}", refused.body);

    let hana = app.customer(&t, "hana").await;
    let not_bound = app
        .get("/v1/question/list", &[("session", &hana.session)])
        .await;
    assert_v1_error(&not_bound, 403, 2003, None);
    let ws = WsClient::open(&app.base, &[("session", &hana.session)]).await;
    assert_eq!(ws.hello["role"], "customer", "{}", ws.hello);
    ws.close().await;

    let (status, body) = app
        .post(
            "/v1/serv/unbind",
            &[
                ("session", s),
                ("serv_id", "ma"),
                ("password", &ma.password),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_v1_error(
        &app.get("/v1/question/list", &[("session", s)]).await,
        403,
        2003,
        None,
    );
}

/// `curl -F`, a browser's `FormData` and Postman send `multipart/form-data`:
/// every form endpoint reads it as it reads a URL-encoded form, and a file
/// part is an upload.
async fn multipart_forms_are_read_like_urlencoded_ones(app: TestApp) {
    let t = app.tenant("Acme").await;
    let ma = app.agent(&t, "ma", false).await;
    let http = &app.http;

    let (status, minted) = http
        .post_multipart(
            "/v1/session",
            &[
                ("api_key", Part::Text(&t.api_key)),
                ("secret_key", Part::Text(&t.secret_key)),
                ("user_id", Part::Text("hana")),
                ("name", Part::Text("花子")),
            ],
        )
        .await;
    assert_eq!(status, 200, "{minted}");
    let session = minted["session"].as_str().unwrap().to_owned();
    let (status, asked) = http
        .post_multipart(
            "/v1/question/new",
            &[
                ("session", Part::Text(&session)),
                ("title", Part::Text("无法激活")),
                ("label", Part::Text(r#"["激活","安卓4.3"]"#)),
            ],
        )
        .await;
    assert_eq!(status, 200, "{asked}");
    let q = asked["question_id"].as_str().unwrap().to_owned();
    let (status, said) = http
        .post_multipart(
            &format!("/v1/question/{q}/message/send_text"),
            &[
                ("session", Part::Text(&session)),
                ("sender", Part::Text("hana")),
                ("sender_type", Part::Text("1")),
                ("text", Part::Text("手机激活不了")),
            ],
        )
        .await;
    assert_eq!(status, 200, "{said}");
    app.serve(&ma, &q).await;
    // A picked file, sent as a file part.
    let (status, sent) = http
        .post_multipart(
            &format!("/v1/question/{q}/message/send_image"),
            &[
                ("session", Part::Text(&ma.session)),
                ("sender", Part::Text("ma")),
                ("sender_type", Part::Text("2")),
                (
                    "image",
                    Part::File {
                        file_name: "screen.jpg",
                        bytes: JPEG,
                    },
                ),
            ],
        )
        .await;
    assert_eq!(status, 200, "{sent}");
    let url = sent["image_url"].as_str().unwrap();
    let fetched = app.client.get(url).send().await.unwrap();
    assert_eq!(fetched.status(), 200);
    assert_eq!(fetched.bytes().await.unwrap().as_ref(), JPEG);

    let customer = common::Customer {
        user_id: "hana".into(),
        session: session.clone(),
    };
    let history = app.history(&customer, &q).await;
    let texts: Vec<&Value> = history.iter().map(|m| &m["text"]).collect();
    assert!(texts.contains(&&json!("手机激活不了")), "{history:?}");
    assert!(history.iter().any(|m| m["type"] == 2), "{history:?}");

    // Seed 001's "Form Data Parameters", as multipart.
    let (status, token) = http
        .post_multipart(
            "/admin/access_token",
            &[
                ("api_key", Part::Text(&t.api_key)),
                ("secret_key", Part::Text(&t.secret_key)),
            ],
        )
        .await;
    assert_eq!(status, 200, "{token}");
    assert!(token["access_token"].is_string(), "{token}");

    // A body that claims multipart but is not: the dialect's 400.
    let broken = app
        .client
        .post(format!("{}/v1/question/new", app.base))
        .header("content-type", "multipart/form-data; boundary=xyz")
        .body("no parts here")
        .send()
        .await
        .unwrap();
    let broken = common::http::read(broken).await;
    assert_v1_error(&(broken.status, broken.body), 400, 1003, Some("body"));
}

/// PostgreSQL cannot store U+0000 in text; both backends refuse it the same
/// way, in each dialect's body, and store nothing.
async fn nul_characters_are_refused_with_a_clear_400(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let ma = app.agent(&t, "ma", false).await;
    let q = app.ask(&hana, "help").await;
    app.serve(&ma, &q).await;
    let s = hana.session.as_str();

    assert_v1_error(
        &app.post("/v1/question/new", &[("session", s), ("title", "a\0b")])
            .await,
        400,
        1002,
        Some("body"),
    );
    assert_v1_error(
        &app.customer_says(&hana, &q, "nul\0here").await,
        400,
        1002,
        Some("body"),
    );
    assert_v1_error(
        &app.get(
            "/v1/question/list",
            &[("session", &ma.session), ("label", "x\0")],
        )
        .await,
        400,
        1002,
        Some("query"),
    );
    assert_v1_error(
        &app.get(&format!("/v1/user/ha%00na/alls?session={s}"), &[])
            .await,
        400,
        1002,
        Some("path"),
    );
    let json_body = app
        .http
        .post_json(
            "/v1/question/new",
            &json!({ "session": s, "title": "json\u{0}nul" }),
        )
        .await;
    assert_v1_error(&json_body, 400, 1002, Some("body"));
    let (status, minted) = app
        .post(
            "/v1/session",
            &[
                ("api_key", &t.api_key),
                ("secret_key", &t.secret_key),
                ("user_id", "nul\0user"),
            ],
        )
        .await;
    assert_eq!(status, 400, "{minted}");

    // Seed 001.
    let (status, token) = app
        .post(
            "/admin/access_token",
            &[("api_key", &t.api_key), ("secret_key", &t.secret_key)],
        )
        .await;
    assert_eq!(status, 200, "{token}");
    let connect = app
        .client
        .post(format!("{}/customers/connect", app.base))
        .header("authorization", token["access_token"].as_str().unwrap())
        .form(&[("name", "小\0红")])
        .send()
        .await
        .unwrap();
    let connect = common::http::read(connect).await;
    assert_eq!(connect.status, 400, "{}", connect.body);
    assert_eq!(connect.body["status"], "params invalid", "{}", connect.body);

    // Seed 002.
    let admin = t.admin();
    let put = app
        .api(
            Method::PUT,
            &format!("/api/v1/supports/{}.json", ma.id),
            &admin,
            Some(json!({ "support": { "name": "张\u{0}三" } })),
        )
        .await;
    assert_admin_error(&put, 400, "10002", Some("body"));
    let path = app
        .api(Method::GET, "/api/v1/supports/1%00.json", &admin, None)
        .await;
    assert_admin_error(&path, 400, "10002", Some("path"));
    let query = app
        .api(
            Method::GET,
            "/api/v1/supportgroups/supports/search.json?query=name:%00",
            &admin,
            None,
        )
        .await;
    assert_admin_error(&query, 400, "10002", Some("query"));

    // Over the socket.
    let mut ws = WsClient::customer(&app.base, &hana).await;
    let answer = ws.say(&q, "socket\0nul").await;
    assert_eq!(answer["event"], "error", "{answer}");
    assert_eq!(answer["error"], 1002, "{answer}");
    ws.close().await;

    // Nothing of it was stored.
    let history = app.history(&hana, &q).await;
    assert!(
        history.iter().all(|m| m["type"] == 4),
        "only notices: {history:?}"
    );
    let (_, alls) = app.get("/v1/user/hana/alls", &[("session", s)]).await;
    assert_eq!(question_ids(&alls), vec![q]);
}

/// A question with no chat message yet, and before any agent: every field
/// has the type the seed shows.
async fn question_lines_hold_no_null(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let ma = app.agent(&t, "ma", false).await;
    let q = app.ask(&hana, "help").await;

    let pending = app.pending(&ma).await;
    let line = &pending["questions"][0];
    assert_eq!(line["question_id"], q.as_str(), "{line}");
    assert_eq!(line["last_mess_text"], "", "{line}");
    assert_eq!(line["last_mess_sender"], "", "{line}");
    assert_eq!(line["last_mess_sender_type"], 0, "{line}");
    assert!(line["last_mess_timestamp"].is_f64(), "{line}");
    assert_eq!(line["last_mess_timestamp"], line["timestamp"], "{line}");
    assert_no_null(line);

    let (_, alls) = app
        .get("/v1/user/hana/alls", &[("session", &hana.session)])
        .await;
    let line = &alls["questions"][0];
    assert_eq!(line["serv_id"], "", "{line}");
    assert_no_null(line);
    let (_, waits) = app
        .get("/v1/user/hana/waits", &[("session", &hana.session)])
        .await;
    assert_no_null(&waits["questions"][0]);

    // Once there is a message and an agent, the fields describe them.
    app.customer_says(&hana, &q, "在吗").await;
    let pending = app.pending(&ma).await;
    let line = &pending["questions"][0];
    assert_eq!(line["last_mess_text"], "在吗", "{line}");
    assert_eq!(line["last_mess_sender"], "hana", "{line}");
    assert_eq!(line["last_mess_sender_type"], 1, "{line}");
    app.serve(&ma, &q).await;
    let (_, alls) = app
        .get("/v1/user/hana/alls", &[("session", &hana.session)])
        .await;
    assert_eq!(alls["questions"][0]["serv_id"], "ma", "{alls}");
}

fn assert_no_null(line: &Value) {
    for (key, value) in line.as_object().unwrap() {
        assert!(!value.is_null(), "{key} is null in {line}");
    }
}

/// `name:ärger` finds "Ärger" on SQLite as on PostgreSQL, whether the name
/// was given at creation or by an edit, and in the account and number too.
async fn agent_search_folds_case_beyond_ascii(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let created = app
        .api_create_agent(
            &t,
            json!({"sPassportName": "Émile", "name": "Ärger", "sNum": "Ω-7",
                "password": "pw-search"}),
        )
        .await;
    let emile = created["sId"].as_i64().unwrap();
    let other = app
        .api_create_agent(
            &t,
            json!({"sPassportName": "zoe", "name": "Zoë", "sNum": "Z1", "password": "pw-search"}),
        )
        .await;
    let zoe = other["sId"].as_i64().unwrap();
    let search = |query: &str| {
        let path = format!("/api/v1/supportgroups/supports/search.json?query={query}");
        let app = &app;
        let admin = admin.clone();
        async move {
            let body = app.api_get(&path, &admin).await;
            body["supports"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| s["sId"].as_i64().unwrap())
                .collect::<Vec<_>>()
        }
    };
    assert_eq!(search("name:ärger").await, vec![emile]);
    assert_eq!(search("name:ÄRG").await, vec![emile]);
    assert_eq!(search("sPassportName:émile").await, vec![emile]);
    assert_eq!(search("sNum:ω").await, vec![emile]);
    assert_eq!(search("name:ZOË").await, vec![zoe]);

    let put = app
        .api(
            Method::PUT,
            &format!("/api/v1/supports/{zoe}.json"),
            &admin,
            Some(json!({ "support": { "name": "Ölgemälde" } })),
        )
        .await;
    assert_eq!(put.status, 200, "{}", put.body);
    assert_eq!(search("name:ölgemälde").await, vec![zoe]);
    assert_eq!(search("name:zoë").await, Vec::<i64>::new());
}

/// An avatar is shown as a picture by agent apps: only http(s) links.
async fn links_users_supply_are_http_only(app: TestApp) {
    let t = app.tenant("Acme").await;
    let mint = |avatar: &str| {
        let form = [
            ("api_key", t.api_key.clone()),
            ("secret_key", t.secret_key.clone()),
            ("user_id", "hana".to_owned()),
            ("avatar", avatar.to_owned()),
        ];
        let app = &app;
        async move {
            let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            app.post("/v1/session", &form).await
        }
    };
    for bad in [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        "data:text/html,<script>alert(1)</script>",
        "ftp://files.example.com/a.png",
        "//evil.example.com/a.png",
    ] {
        assert_v1_error(&mint(bad).await, 400, 1002, Some("avatar"));
    }
    let (status, body) = mint("https://cdn.example.com/hana.png").await;
    assert_eq!(status, 200, "{body}");
    let hana = common::Customer {
        user_id: "hana".into(),
        session: body["session"].as_str().unwrap().to_owned(),
    };
    app.ask(&hana, "help").await;
    let ma = app.agent(&t, "ma", false).await;
    let pending = app.pending(&ma).await;
    assert_eq!(
        pending["questions"][0]["user_image_url"],
        "https://cdn.example.com/hana.png"
    );
}
