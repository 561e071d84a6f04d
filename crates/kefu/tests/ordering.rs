//! One order for everyone (the reliability battery, RELIABILITY.md): 20
//! senders × 500 messages at once into one conversation, on SQLite and
//! PostgreSQL. The HTTP history, an agent's socket that watched it live, a
//! socket reconnecting from the start and one reconnecting half-way all see
//! the same messages in the same order, with cursors that count up by one
//! (no event skipped, none twice); each sender's messages come in the order
//! it sent them.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::HashMap;
use std::sync::Arc;

use common::ws::WsClient;
use common::{is_stored, TestApp};
use serde_json::Value;
use tokio::task::JoinSet;

const SENDERS: usize = 20;
const EACH: usize = 500;

on_every_backend!(twenty_senders_into_one_conversation_are_seen_in_one_gapless_order);

/// A stored event as the order is compared: cursor and message id.
fn stored(frame: &Value) -> (u64, String) {
    let cursor = frame["cursor"].as_str().unwrap().parse().unwrap();
    let id = frame["message"]["message_id"].as_str().unwrap().to_owned();
    (cursor, id)
}

/// Reads stored events of `socket` until it has `count` of them.
async fn collect(socket: &mut WsClient, count: usize) -> Vec<(u64, String)> {
    let mut events = Vec::with_capacity(count);
    while events.len() < count {
        let frame = socket.next().await;
        if is_stored(&frame) {
            events.push(stored(&frame));
        }
    }
    events
}

fn assert_gapless(events: &[(u64, String)], what: &str) {
    for pair in events.windows(2) {
        assert_eq!(pair[1].0, pair[0].0 + 1, "{what}: cursors {pair:?}");
    }
}

async fn twenty_senders_into_one_conversation_are_seen_in_one_gapless_order(app: TestApp) {
    let t = app.tenant("Acme").await;
    let kim = app.customer(&t, "kim").await;
    let alice = app.agent(&t, "alice", false).await;
    let question = app.ask(&kim, "a busy chat").await;
    app.serve(&alice, &question).await;
    let mut watcher = WsClient::agent(&app.base, &alice).await;
    let start = watcher.cursor().to_owned();

    // Half the senders write as the customer, half as the agent: one
    // sender's messages wait for each answer, so they have a send order.
    let app = Arc::new(app);
    let total = SENDERS * EACH;
    let watching = tokio::spawn(async move {
        let events = collect(&mut watcher, total).await;
        (watcher, events)
    });
    let mut senders = JoinSet::new();
    for s in 0..SENDERS {
        let (app, kim, alice, question) =
            (app.clone(), kim.clone(), alice.clone(), question.clone());
        senders.spawn(async move {
            let mut ids = Vec::with_capacity(EACH);
            for k in 0..EACH {
                let text = format!("s{s}-{k}");
                let (status, body) = if s % 2 == 0 {
                    app.customer_says(&kim, &question, &text).await
                } else {
                    app.agent_says(&alice, &question, &text).await
                };
                assert_eq!(status, 200, "{text}: {body}");
                ids.push(body["message_id"].as_str().unwrap().to_owned());
            }
            (s, ids)
        });
    }
    let mut sent: HashMap<String, (usize, usize)> = HashMap::new();
    while let Some(done) = senders.join_next().await {
        let (s, ids) = done.unwrap();
        for (k, id) in ids.into_iter().enumerate() {
            sent.insert(id, (s, k));
        }
    }
    assert_eq!(sent.len(), total, "every send answered with its own id");

    // The socket that watched it happen.
    let (mut watcher, live) = watching.await.unwrap();
    assert_gapless(&live, "live");
    let live_ids: Vec<&String> = live.iter().map(|(_, id)| id).collect();

    // The HTTP history, paged as a client pages it.
    let history: Vec<String> = app
        .history(&kim, &question)
        .await
        .into_iter()
        .filter(|m| m["type"] == 3)
        .map(|m| m["message_id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(history.len(), total, "the history holds every message once");
    if let Some(i) = (0..total).find(|&i| &history[i] != live_ids[i]) {
        panic!(
            "HTTP history and the live socket disagree first at {i}: history {:?}, live {:?}",
            &history[i.saturating_sub(2)..(i + 3).min(total)],
            &live[i.saturating_sub(2)..(i + 3).min(total)]
        );
    }
    // Each sender's messages in the order it sent them.
    let mut next_of = [0usize; SENDERS];
    for id in &history {
        let (s, k) = sent[id];
        assert_eq!(k, next_of[s], "sender {s}: message {k} out of order");
        next_of[s] += 1;
    }

    // Reconnecting from the start replays the very same order...
    let replay = |cursor: String| {
        let (base, alice) = (app.base.clone(), alice.clone());
        async move {
            WsClient::open(
                &base,
                &[
                    ("session", alice.session.as_str()),
                    ("serv_id", alice.serv_id.as_str()),
                    ("cursor", cursor.as_str()),
                ],
            )
            .await
        }
    };
    let mut again = replay(start).await;
    let replayed = collect(&mut again, total).await;
    assert_eq!(replayed, live, "a reconnect from the start sees the same");
    // ...and from half-way, exactly the rest.
    let half = live[total / 2 - 1].0.to_string();
    let mut rest = replay(half).await;
    let second_half = collect(&mut rest, total - total / 2).await;
    assert_eq!(
        second_half,
        live[total / 2..],
        "a reconnect half-way sees the rest"
    );
    // Nothing more came than was sent.
    watcher
        .send(serde_json::json!({"type": "ping", "ref": "end"}))
        .await;
    let pong = watcher.next().await;
    assert_eq!(
        pong["ref"], "end",
        "no stored event beyond the sends: {pong}"
    );
    println!(
        "BATTERY order: {SENDERS} senders x {EACH} messages into one conversation; \
         {total} messages in one gapless order over HTTP history, the live socket, \
         a replay from the start and one from half-way"
    );
}
