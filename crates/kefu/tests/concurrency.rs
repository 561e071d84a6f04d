//! Claims race: of 50 concurrent `serve` calls on one question exactly one
//! wins; on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::{assert_v1_error, TestApp};
use tokio::task::JoinSet;

on_every_backend!(
    fifty_concurrent_claims_have_one_winner,
    concurrent_retries_store_one_message
);

async fn fifty_concurrent_claims_have_one_winner(app: TestApp) {
    let t = app.tenant("Acme").await;
    let kim = app.customer(&t, "kim").await;
    let q = app.ask(&kim, "race").await;
    let mut agents = Vec::new();
    for i in 0..10 {
        agents.push(app.agent(&t, &format!("agent{i}"), false).await);
    }
    let app = std::sync::Arc::new(app);
    let mut claims = JoinSet::new();
    for i in 0..50 {
        let (app, agent, q) = (app.clone(), agents[i % 10].clone(), q.clone());
        claims.spawn(async move {
            let result = app
                .post(
                    &format!("/v1/question/{q}/serve"),
                    &[("session", &agent.session), ("serv_id", &agent.serv_id)],
                )
                .await;
            (agent.serv_id, result)
        });
    }
    let mut winners = Vec::new();
    let mut losers = 0;
    while let Some(joined) = claims.join_next().await {
        let (serv_id, result) = joined.unwrap();
        if result.0 == 200 {
            winners.push(serv_id);
        } else {
            assert_v1_error(&result, 409, 4001, Some("question_id"));
            losers += 1;
        }
    }
    assert_eq!(winners.len(), 1, "exactly one claim wins");
    assert_eq!(losers, 49);

    // The question has one agent: the winner's tasks hold it, nobody else's.
    let mut holders = Vec::new();
    for agent in &agents {
        let (_, tasks) = app
            .get(
                &format!("/v1/serv/{}/tasks", agent.serv_id),
                &[("session", &agent.session), ("serv_id", &agent.serv_id)],
            )
            .await;
        if !tasks["questions"].as_array().unwrap().is_empty() {
            holders.push(agent.serv_id.clone());
        }
    }
    assert_eq!(holders, winners);
    let (_, user_tasks) = app
        .get("/v1/user/kim/tasks", &[("session", &kim.session)])
        .await;
    assert_eq!(user_tasks["questions"][0]["serv_id"], winners[0].as_str());
    let starts = app
        .history(&kim, &q)
        .await
        .into_iter()
        .filter(|m| m["action"] == 1)
        .count();
    assert_eq!(starts, 1, "one 'agent started' notice");
}

async fn concurrent_retries_store_one_message(app: TestApp) {
    let t = app.tenant("Acme").await;
    let lee = app.customer(&t, "lee").await;
    let q = app.ask(&lee, "retry storm").await;
    let app = std::sync::Arc::new(app);
    let mut sends = JoinSet::new();
    for _ in 0..20 {
        let (app, lee, q) = (app.clone(), lee.clone(), q.clone());
        sends.spawn(async move {
            app.post(
                &format!("/v1/question/{q}/message/send_text"),
                &[
                    ("session", &lee.session),
                    ("sender", "lee"),
                    ("sender_type", "1"),
                    ("text", "once"),
                    ("client_msg_id", "same-id"),
                ],
            )
            .await
        });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(joined) = sends.join_next().await {
        let (status, body) = joined.unwrap();
        assert_eq!(status, 200, "{body}");
        ids.insert(body["message_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "every retry got the same message id");
    assert_eq!(app.history(&lee, &q).await.len(), 1);
    // The question's last message is the one stored, as agents see it.
    let agent = app.agent(&t, "wei", false).await;
    let (_, pending) = app
        .get(
            "/v1/question/list",
            &[("session", &agent.session), ("serv_id", "wei")],
        )
        .await;
    assert_eq!(
        pending["questions"][0]["last_mess_text"], "once",
        "{pending}"
    );
}
