//! Canned replies: admins write templates and items, agents read them by app
//! and page through items; on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::{assert_v1_error, TestApp};
use reqwest::Method;
use serde_json::Value;

on_every_backend!(admins_write_canned_replies_and_agents_read_them);

fn item_ids(body: &Value) -> Vec<String> {
    body["items"]
        .as_array()
        .unwrap_or_else(|| panic!("items in {body}"))
        .iter()
        .map(|i| i["item_id"].as_str().unwrap().to_owned())
        .collect()
}

async fn admins_write_canned_replies_and_agents_read_them(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = app.agent(&t, "boss", true).await;
    let agent = app.agent(&t, "ma", false).await;
    let admin_auth = [("session", admin.session.as_str()), ("serv_id", "boss")];
    let agent_auth = [("session", agent.session.as_str()), ("serv_id", "ma")];

    // Admins create templates for one app or for all apps.
    let with = |extra: &[(&'static str, &'static str)]| {
        let mut form = admin_auth.to_vec();
        form.extend_from_slice(extra);
        form
    };
    let (status, general) = app
        .post("/v1/answer/templates", &with(&[("title", "通用")]))
        .await;
    assert_eq!(status, 200, "{general}");
    let general_id = general["template_id"].as_str().unwrap().to_owned();
    assert_eq!(general["title"], "通用");
    let (_, android) = app
        .post(
            "/v1/answer/templates",
            &with(&[("title", "安卓"), ("identify", "com.acme.android")]),
        )
        .await;
    let android_id = android["template_id"].as_str().unwrap().to_owned();

    // Agents may not.
    let mut denied = agent_auth.to_vec();
    denied.push(("title", "mine"));
    assert_v1_error(
        &app.post("/v1/answer/templates", &denied).await,
        403,
        2003,
        None,
    );
    assert_v1_error(
        &app.post("/v1/answer/templates", &admin_auth).await,
        400,
        1001,
        Some("title"),
    );

    // Templates by app: the app's own and the all-apps ones.
    let (_, all) = app.get("/v1/answer/templates", &agent_auth).await;
    assert_eq!(all["templates"].as_array().unwrap().len(), 2);
    let mut ios = agent_auth.to_vec();
    ios.push(("identify", "com.acme.ios"));
    let (_, for_ios) = app.get("/v1/answer/templates", &ios).await;
    assert_eq!(
        for_ios["templates"],
        serde_json::json!([{ "template_id": general_id, "title": "通用" }])
    );

    // Items, paged by item_id.
    let mut created = Vec::new();
    for i in 0..23 {
        let (status, item) = app
            .post(
                &format!("/v1/answer/template/{general_id}/items"),
                &[
                    ("session", &admin.session),
                    ("serv_id", "boss"),
                    ("question", &format!("问题{i}")),
                    ("content", &format!("回答{i}")),
                ],
            )
            .await;
        assert_eq!(status, 200, "{item}");
        created.push(item["item_id"].as_str().unwrap().to_owned());
    }
    let path = format!("/v1/answer/template/{general_id}");
    let (_, first) = app.get(&path, &agent_auth).await;
    let mut newest = created.clone();
    newest.reverse();
    assert_eq!(item_ids(&first), newest[..20].to_vec());
    assert_eq!(first["items"][0]["question"], "问题22");
    assert_eq!(first["items"][0]["content"], "回答22");
    let mut next = agent_auth.to_vec();
    next.push(("item_id", &newest[19]));
    let (_, second) = app.get(&path, &next).await;
    assert_eq!(item_ids(&second), newest[20..].to_vec());
    let mut oldest = agent_auth.to_vec();
    oldest.extend([("sort", "1"), ("num", "5"), ("page", "1")]);
    let (_, page) = app.get(&path, &oldest).await;
    assert_eq!(item_ids(&page), created[5..10].to_vec());

    // Edit and delete items and templates.
    let item = format!("/v1/answer/item/{}", created[0]);
    let edit = [
        ("session", admin.session.as_str()),
        ("serv_id", "boss"),
        ("question", "新问题"),
        ("content", "新回答"),
    ];
    let (status, edited) = app.request(Method::PUT, &item, &edit).await;
    assert_eq!(status, 200, "{edited}");
    assert_eq!(edited["content"], "新回答");
    assert_v1_error(
        &app.request(Method::DELETE, &item, &agent_auth).await,
        403,
        2003,
        None,
    );
    assert_eq!(app.request(Method::DELETE, &item, &admin_auth).await.0, 200);
    assert_v1_error(
        &app.request(Method::DELETE, &item, &admin_auth).await,
        404,
        3004,
        Some("item_id"),
    );
    let rename = [
        ("session", admin.session.as_str()),
        ("serv_id", "boss"),
        ("title", "安卓专用"),
    ];
    assert_eq!(
        app.request(
            Method::PUT,
            &format!("/v1/answer/template/{android_id}"),
            &rename
        )
        .await
        .0,
        200
    );
    let (_, all) = app.get("/v1/answer/templates", &agent_auth).await;
    assert!(all["templates"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["title"] == "安卓专用"));
    assert_eq!(app.request(Method::DELETE, &path, &admin_auth).await.0, 200);
    assert_v1_error(
        &app.get(&path, &agent_auth).await,
        404,
        3003,
        Some("template_id"),
    );
    let (_, all) = app.get("/v1/answer/templates", &agent_auth).await;
    assert_eq!(all["templates"].as_array().unwrap().len(), 1);
}
