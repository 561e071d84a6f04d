//! Customer satisfaction (docs/api/question-chat.md, Ratings): a customer
//! rates a finished conversation an agent served, once; the rating shows in
//! the question, in the history as a notice, and live on the sockets.

mod common;

use common::desk::Desk;
use common::ws::WsClient;
use common::{assert_v1_error, eventually, Customer, TestApp};
use serde_json::{json, Value};

async fn rate(app: &TestApp, c: &Customer, q: &str, score: &str, comment: &str) -> (u16, Value) {
    app.post(
        &format!("/v1/question/{q}/rate"),
        &[
            ("session", &c.session),
            ("score", score),
            ("comment", comment),
        ],
    )
    .await
}

async fn question(app: &TestApp, session: &str, q: &str) -> Value {
    let (status, body) = app
        .get(&format!("/v1/question/{q}"), &[("session", session)])
        .await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn a_customer_rates_a_finished_chat_once(app: TestApp) {
    let t = app.tenant("一号店").await;
    let c = app.customer(&t, "u-1").await;
    let a = app.agent(&t, "zhangsan", false).await;
    let q = app.ask(&c, "退款").await;
    app.serve(&a, &q).await;
    let mut agent_socket = WsClient::agent(&app.base, &a).await;

    // Still being served: not yet.
    assert_v1_error(
        &rate(&app, &c, &q, "5", "").await,
        409,
        4011,
        Some("question_id"),
    );
    let (status, body) = app.act(&a, &q, "finish").await;
    assert_eq!(status, 200, "{body}");
    assert!(question(&app, &c.session, &q).await["rating"].is_null());

    let (status, body) = rate(&app, &c, &q, "4", "  回复很快 ").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["rating"]["score"], 4);
    assert_eq!(body["rating"]["comment"], "回复很快");

    // Once: a second rating, even a different one, is refused and changes nothing.
    assert_v1_error(
        &rate(&app, &c, &q, "1", "改主意了").await,
        409,
        4012,
        Some("question_id"),
    );
    for session in [&c.session, &a.session] {
        let shown = question(&app, session, &q).await;
        assert_eq!(shown["rating"]["score"], 4, "{shown}");
        assert_eq!(shown["rating"]["comment"], "回复很快", "{shown}");
    }
    let notices: Vec<Value> = app
        .history(&c, &q)
        .await
        .into_iter()
        .filter(|m| m["action"] == 8)
        .collect();
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert_eq!(notices[0]["type"], 4);
    assert_eq!(notices[0]["rating"], 4);
    assert_eq!(notices[0]["text"], "回复很快");
    assert_eq!(notices[0]["sender_type"], 1);

    // The agent who served it hears of it live.
    let event = agent_socket.next_event("rated").await;
    assert_eq!(event["question_id"], q.as_str());
    assert_eq!(event["message"]["rating"], 4);
}

async fn only_the_customer_of_a_served_chat_rates_it_with_a_valid_score(app: TestApp) {
    let t = app.tenant("一号店").await;
    let c = app.customer(&t, "u-1").await;
    let other = app.customer(&t, "u-2").await;
    let a = app.agent(&t, "zhangsan", false).await;
    let q = app.ask(&c, "发票").await;
    app.serve(&a, &q).await;
    let (status, body) = app.act(&a, &q, "finish").await;
    assert_eq!(status, 200, "{body}");

    assert_v1_error(
        &rate(&app, &other, &q, "5", "").await,
        404,
        3001,
        Some("question_id"),
    );
    for bad in ["0", "6", "4.5", "五"] {
        assert_v1_error(&rate(&app, &c, &q, bad, "").await, 400, 1002, Some("score"));
    }
    assert_v1_error(&rate(&app, &c, &q, "", "").await, 400, 1001, Some("score"));
    let long = "好".repeat(501);
    assert_v1_error(
        &rate(&app, &c, &q, "5", &long).await,
        400,
        1002,
        Some("comment"),
    );
    // Another tenant's customer cannot reach it at all.
    let t2 = app.tenant("二号店").await;
    let stranger = app.customer(&t2, "u-1").await;
    assert_v1_error(
        &rate(&app, &stranger, &q, "5", "").await,
        404,
        3001,
        Some("question_id"),
    );
    assert!(question(&app, &c.session, &q).await["rating"].is_null());

    let (status, body) = rate(&app, &c, &q, "5", "").await;
    assert_eq!(status, 200, "{body}");
}

async fn a_chat_that_timed_out_in_the_queue_has_nothing_to_rate(app: TestApp) {
    let desk = Desk::new(&app, "Timeout").await;
    desk.settings_ok(json!({ "timeout": 1 })).await;
    let answer = desk.connect("等不及").await;
    let text = |v: &Value| v.as_str().unwrap_or_default().to_owned();
    let (rid, token) = (text(&answer["rid"]), text(&answer["token"]));
    let visitor = Customer {
        user_id: String::new(),
        session: token,
    };
    eventually("the queue times it out", || async {
        question(&app, &visitor.session, &rid).await["status_code"] == 3
    })
    .await;
    assert_v1_error(
        &rate(&app, &visitor, &rid, "3", "").await,
        409,
        4011,
        Some("question_id"),
    );
    assert!(question(&app, &visitor.session, &rid).await["rating"].is_null());
}

on_every_backend!(
    a_customer_rates_a_finished_chat_once,
    only_the_customer_of_a_served_chat_rates_it_with_a_valid_score,
    a_chat_that_timed_out_in_the_queue_has_nothing_to_rate,
);
