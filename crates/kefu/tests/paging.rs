//! Every list pages by cursor and by page number, both ways, with its filters,
//! and no row is lost or repeated across pages; on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::{assert_v1_error, Agent, Customer, TestApp};
use serde_json::Value;

on_every_backend!(
    the_pending_list_pages_and_filters,
    agent_and_user_lists_page_by_cursor,
    message_history_pages_both_ways,
);

fn ids(body: &Value, list: &str, key: &str) -> Vec<String> {
    body[list]
        .as_array()
        .unwrap_or_else(|| panic!("{list} in {body}"))
        .iter()
        .map(|q| q[key].as_str().expect("id").to_owned())
        .collect()
}

/// Follows the cursor `cursor_field` through a list, `num` at a time.
async fn walk(
    app: &TestApp,
    path: &str,
    auth: &[(&str, &str)],
    extra: &[(&str, &str)],
    sort: &str,
    num: &str,
    (list, key, cursor_field): (&str, &str, &str),
) -> Vec<String> {
    let mut all = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let mut query: Vec<(&str, &str)> = auth.to_vec();
        query.extend_from_slice(extra);
        query.push(("sort", sort));
        query.push(("num", num));
        if let Some(cursor) = &cursor {
            query.push((cursor_field, cursor));
        }
        let (status, body) = app.get(path, &query).await;
        assert_eq!(status, 200, "{body}");
        let page = ids(&body, list, key);
        assert!(page.len() <= num.parse().unwrap());
        if page.is_empty() {
            return all;
        }
        cursor = page.last().cloned();
        all.extend(page);
    }
}

fn sorted(mut v: Vec<String>, descending: bool) -> Vec<String> {
    v.sort();
    if descending {
        v.reverse();
    }
    v
}

async fn ask_with(app: &TestApp, c: &Customer, title: &str, labels: &str) -> String {
    let (status, body) = app
        .post(
            "/v1/question/new",
            &[("session", &c.session), ("title", title), ("label", labels)],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["question_id"].as_str().unwrap().to_owned()
}

async fn the_pending_list_pages_and_filters(app: TestApp) {
    let t = app.tenant("Acme").await;
    let in_a = app.customer_in_app(&t, "ua", Some("com.acme.a")).await;
    let in_b = app.customer_in_app(&t, "ub", Some("com.acme.b")).await;
    let mut all = Vec::new();
    let mut activation = Vec::new();
    let mut app_a = Vec::new();
    for i in 0..45 {
        let (customer, labels) = if i % 3 == 0 {
            (&in_a, r#"["激活","安卓4.3"]"#)
        } else {
            (&in_b, r#"["退款"]"#)
        };
        let id = ask_with(&app, customer, &format!("q{i}"), labels).await;
        if i % 3 == 0 {
            activation.push(id.clone());
            app_a.push(id.clone());
        }
        all.push(id);
    }
    let agent: Agent = app.agent(&t, "wang", false).await;
    let auth = [("session", agent.session.as_str()), ("serv_id", "wang")];
    let shape = ("questions", "question_id", "question_id");

    // Cursor paging, newest first (the default) and oldest first.
    let newest = walk(&app, "/v1/question/list", &auth, &[], "-1", "20", shape).await;
    assert_eq!(newest, sorted(all.clone(), true));
    let oldest = walk(&app, "/v1/question/list", &auth, &[], "1", "7", shape).await;
    assert_eq!(oldest, sorted(all.clone(), false));

    // Default page size is 20; page numbers are offsets of whole pages.
    let (_, first) = app.get("/v1/question/list", &auth).await;
    assert_eq!(
        ids(&first, "questions", "question_id"),
        newest[..20].to_vec()
    );
    let mut q = auth.to_vec();
    q.push(("page", "2"));
    let (_, third) = app.get("/v1/question/list", &q).await;
    assert_eq!(
        ids(&third, "questions", "question_id"),
        newest[40..].to_vec()
    );
    q.push(("num", "50"));
    let (_, beyond) = app.get("/v1/question/list", &q).await;
    assert!(ids(&beyond, "questions", "question_id").is_empty());

    // Filters: label, app, both.
    let by_label = walk(
        &app,
        "/v1/question/list",
        &auth,
        &[("label", "激活")],
        "1",
        "4",
        shape,
    )
    .await;
    assert_eq!(by_label, sorted(activation.clone(), false));
    let by_app = walk(
        &app,
        "/v1/question/list",
        &auth,
        &[("identify", "com.acme.a")],
        "-1",
        "5",
        shape,
    )
    .await;
    assert_eq!(by_app, sorted(app_a.clone(), true));
    let none = walk(
        &app,
        "/v1/question/list",
        &auth,
        &[("identify", "com.acme.b"), ("label", "激活")],
        "1",
        "20",
        shape,
    )
    .await;
    assert!(none.is_empty());

    // The app filter on a user's and an agent's lists.
    let user_a = [("session", in_a.session.as_str())];
    let own_app = walk(
        &app,
        "/v1/user/ua/alls",
        &user_a,
        &[("identify", "com.acme.a")],
        "1",
        "6",
        shape,
    )
    .await;
    assert_eq!(own_app, sorted(app_a.clone(), false));
    let other_app = walk(
        &app,
        "/v1/user/ua/alls",
        &user_a,
        &[("identify", "com.acme.b")],
        "1",
        "6",
        shape,
    )
    .await;
    assert!(other_app.is_empty());

    // A claimed question leaves the pool between two pages without breaking the walk.
    app.serve(&agent, &activation[0]).await;
    let after = walk(
        &app,
        "/v1/question/list",
        &auth,
        &[("label", "激活")],
        "1",
        "4",
        shape,
    )
    .await;
    assert_eq!(after, sorted(activation[1..].to_vec(), false));

    // Bad paging parameters.
    for (field, value, expected) in [
        ("page", "51", "page"),
        ("num", "0", "num"),
        ("num", "51", "num"),
        ("sort", "0", "sort"),
        ("question_id", "123", "question_id"),
    ] {
        let mut q = auth.to_vec();
        q.push((field, value));
        assert_v1_error(
            &app.get("/v1/question/list", &q).await,
            400,
            1002,
            Some(expected),
        );
    }
    let long_identify = "x".repeat(81);
    let mut q = auth.to_vec();
    q.push(("identify", &long_identify));
    assert_v1_error(
        &app.get("/v1/question/list", &q).await,
        400,
        1002,
        Some("identify"),
    );
}

async fn agent_and_user_lists_page_by_cursor(app: TestApp) {
    let t = app.tenant("Acme").await;
    let frank = app.customer(&t, "frank").await;
    let wu = app.agent(&t, "wu", false).await;
    let mut served = Vec::new();
    let mut waiting = Vec::new();
    for i in 0..23 {
        let q = app.ask(&frank, &format!("q{i}")).await;
        if i % 2 == 0 {
            app.serve(&wu, &q).await;
            served.push(q);
        } else {
            waiting.push(q);
        }
    }
    let agent_auth = [("session", wu.session.as_str()), ("serv_id", "wu")];
    let shape = ("questions", "question_id", "question_id");
    let tasks = walk(
        &app,
        "/v1/serv/wu/tasks",
        &agent_auth,
        &[],
        "-1",
        "5",
        shape,
    )
    .await;
    assert_eq!(tasks, sorted(served.clone(), true));
    let tasks = walk(&app, "/v1/serv/wu/tasks", &agent_auth, &[], "1", "4", shape).await;
    assert_eq!(tasks, sorted(served.clone(), false));

    let user_auth = [("session", frank.session.as_str())];
    let waits = walk(
        &app,
        "/v1/user/frank/waits",
        &user_auth,
        &[],
        "1",
        "3",
        shape,
    )
    .await;
    assert_eq!(waits, sorted(waiting.clone(), false));
    let user_tasks = walk(
        &app,
        "/v1/user/frank/tasks",
        &user_auth,
        &[],
        "-1",
        "4",
        shape,
    )
    .await;
    assert_eq!(user_tasks, sorted(served.clone(), true));
    let alls = walk(
        &app,
        "/v1/user/frank/alls",
        &user_auth,
        &[],
        "1",
        "10",
        shape,
    )
    .await;
    assert_eq!(
        alls,
        sorted([served.clone(), waiting.clone()].concat(), false)
    );
    // Agents read a user's lists too.
    let seen_by_agent = walk(
        &app,
        "/v1/user/frank/waits",
        &agent_auth,
        &[],
        "1",
        "50",
        shape,
    )
    .await;
    assert_eq!(seen_by_agent, sorted(waiting, false));

    for q in &served[..3] {
        let (status, _) = app
            .post(
                &format!("/v1/question/{q}/finish"),
                &[("session", &wu.session), ("serv_id", "wu")],
            )
            .await;
        assert_eq!(status, 200);
    }
    let overs = walk(
        &app,
        "/v1/user/frank/overs",
        &user_auth,
        &[],
        "1",
        "2",
        shape,
    )
    .await;
    assert_eq!(overs, sorted(served[..3].to_vec(), false));
    let (_, alls) = app
        .get(
            "/v1/user/frank/alls",
            &[("session", &frank.session), ("num", "50")],
        )
        .await;
    let finished = alls["questions"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|q| q["status"] == 3)
        .count();
    assert_eq!(finished, 3);
}

async fn message_history_pages_both_ways(app: TestApp) {
    let t = app.tenant("Acme").await;
    let gina = app.customer(&t, "gina").await;
    let q = app.ask(&gina, "long chat").await;
    let mut sent = Vec::new();
    for i in 0..57 {
        let (status, body) = app.customer_says(&gina, &q, &format!("m{i}")).await;
        assert_eq!(status, 200);
        sent.push(body["message_id"].as_str().unwrap().to_owned());
    }
    let path = format!("/v1/question/{q}/message");
    let auth = [("session", gina.session.as_str())];
    let shape = ("messages", "message_id", "message_id");
    assert_eq!(walk(&app, &path, &auth, &[], "1", "20", shape).await, sent);
    let mut reversed = sent.clone();
    reversed.reverse();
    assert_eq!(
        walk(&app, &path, &auth, &[], "-1", "13", shape).await,
        reversed
    );
    let (_, page1) = app
        .get(
            &path,
            &[("session", &gina.session), ("page", "1"), ("num", "10")],
        )
        .await;
    assert_eq!(
        ids(&page1, "messages", "message_id"),
        reversed[10..20].to_vec()
    );
    assert_v1_error(
        &app.get(
            &path,
            &[
                ("session", &gina.session),
                ("message_id", "nothex-nothex-nothex-xx"),
            ],
        )
        .await,
        400,
        1002,
        Some("message_id"),
    );
}
