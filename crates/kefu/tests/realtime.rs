//! Real-time events over `GET /ws` (docs/api/realtime.md) as customers and
//! agents see them, on SQLite and PostgreSQL: live chat both ways, the pending
//! pool, queue places, reconnecting by cursor, sending by the HTTP rules, bad
//! frames, typing and read receipts, rate and connection limits, agent status,
//! tenant isolation and the `hello` frame.
//!
//! Nothing sleeps for timing: tests wait for the events themselves (each wait
//! fails after 10 s), and "nothing arrived" is a `ping` whose `pong` is the
//! next frame, asked after the intended receivers got theirs.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::HashSet;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::desk::Desk;
use common::ws::WsClient;
use common::{assert_chat, eventually, TestApp, ACCEPTING};
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    a_customer_and_an_agent_chat_live_in_both_directions,
    agents_see_questions_enter_and_leave_the_pending_pool,
    a_waiting_customer_sees_its_queue_place_fall,
    every_step_of_a_conversation_reaches_its_sockets_as_its_event,
    timeouts_and_transfers_reach_the_sockets_of_those_concerned,
    a_reconnecting_customer_gets_every_message_once_in_order,
    sending_over_the_socket_follows_the_http_rules,
    bad_frames_get_errors_and_the_socket_stays_usable,
    refused_upgrades_answer_with_seed_003_errors,
    typing_and_read_receipts_reach_only_the_other_side,
    a_burst_of_frames_is_rate_limited_and_the_socket_recovers,
    agents_see_another_agent_change_status,
    another_tenant_receives_none_of_the_events,
    hello_comes_first_and_nothing_old_is_replayed_without_a_cursor,
    a_hello_cursor_resumes_with_what_was_stored_since,
    a_ninth_socket_of_one_customer_is_refused,
    a_frame_over_64_kib_closes_the_socket_with_1009,
);

// ---------------------------------------------------------------------------
// (1) Live chat.

/// A customer and an agent each hold a socket: the claim, a message the
/// customer sends over the socket and one the agent sends over HTTP reach
/// both, and the events' message ids are the stored history, in order.
async fn a_customer_and_an_agent_chat_live_in_both_directions(app: TestApp) {
    let t = app.tenant("Live").await;
    let c = app.customer(&t, "u-live").await;
    let alice = app.agent(&t, "alice", false).await;
    let mut cs = WsClient::customer(&app.base, &c).await;
    let q = app.ask(&c, "退款").await;
    let mut ags = WsClient::agent(&app.base, &alice).await;
    app.serve(&alice, &q).await;
    // Every agent hears the claim: the pool drops the question.
    let e = ags.next_event("question_status").await;
    assert_eq!(e["question_id"], q.as_str(), "{e}");
    assert_eq!(e["status"], 2, "{e}");
    assert_eq!(e["serv_id"], "alice", "{e}");

    // The claim: the notice `assigned`, the same message on both sides.
    let on_c = cs.next_stored().await;
    let on_a = ags.next_stored().await;
    for e in [&on_c, &on_a] {
        assert_eq!(e["event"], "assigned", "{e}");
        assert_eq!(e["question_id"], q.as_str(), "{e}");
        assert_eq!(e["message"]["type"], 4, "{e}");
        assert_eq!(e["message"]["action"], 1, "{e}");
        assert_eq!(e["message"]["sender"], "alice", "{e}");
        assert_eq!(e["message"]["sender_type"], 2, "{e}");
    }
    assert_eq!(on_c["message"]["message_id"], on_a["message"]["message_id"]);

    // Customer → agent over the socket: an ack with the message id, and the
    // message on both sides (the sender's own included).
    cs.send(json!({ "type": "send", "ref": "c-17", "question_id": q, "text": "你好" }))
        .await;
    let ack = cs.next_event("ack").await;
    assert_eq!(ack["ref"], "c-17", "{ack}");
    let m1 = text(&ack["message_id"]);
    for ws in [&mut ags, &mut cs] {
        let e = ws.next_stored().await;
        assert_eq!(e["event"], "message", "{e}");
        assert_eq!(e["question_id"], q.as_str(), "{e}");
        assert_chat(&e["message"], &m1, &c.user_id, 1, "你好");
    }

    // Agent → customer over HTTP.
    let (status, body) = app.agent_says(&alice, &q, "您好，请讲").await;
    assert_eq!(status, 200, "{body}");
    let m2 = text(&body["message_id"]);
    for ws in [&mut cs, &mut ags] {
        let e = ws.next_stored().await;
        assert_eq!(e["event"], "message", "{e}");
        assert_eq!(e["question_id"], q.as_str(), "{e}");
        assert_chat(&e["message"], &m2, "alice", 2, "您好，请讲");
    }

    // What both saw is the stored history, in order.
    let history = ids(&app.history(&c, &q).await);
    let seen = vec![text(&on_c["message"]["message_id"]), m1, m2];
    assert_eq!(history, seen);
    cs.assert_quiet("the customer").await;
    ags.assert_quiet("the agent").await;
}

// ---------------------------------------------------------------------------
// (2) The pending pool.

/// Every agent sees a new question arrive, sees it leave when another agent
/// claims it, and come back when that agent hands it back.
async fn agents_see_questions_enter_and_leave_the_pending_pool(app: TestApp) {
    let t = app.tenant("Pool").await;
    let c = app.customer(&t, "u-pool").await;
    let alice = app.agent(&t, "alice", false).await;
    let bob = app.agent(&t, "bob", false).await;
    let mut wa = WsClient::agent(&app.base, &alice).await;
    let mut wb = WsClient::agent(&app.base, &bob).await;

    let q = app.ask(&c, "发票").await;
    for ws in [&mut wa, &mut wb] {
        let e = ws.next_event("question_created").await;
        assert_eq!(e["question_id"], q.as_str(), "{e}");
        assert_eq!(e["title"], "发票", "{e}");
        assert_eq!(e["user_id"], c.user_id.as_str(), "{e}");
        assert_eq!(e["status"], 1, "{e}");
    }

    app.serve(&bob, &q).await;
    for ws in [&mut wa, &mut wb] {
        let e = ws.next_event("question_status").await;
        assert_eq!(e["question_id"], q.as_str(), "{e}");
        assert_eq!(e["status"], 2, "{e}");
        assert_eq!(e["serv_id"], "bob", "{e}");
    }
    // Only the claimer gets the conversation's notice.
    let e = wb.next_event("assigned").await;
    assert_eq!(e["question_id"], q.as_str(), "{e}");
    wa.assert_quiet("alice after bob's claim").await;

    let (status, body) = app.act(&bob, &q, "quit").await;
    assert_eq!(status, 200, "{body}");
    for ws in [&mut wa, &mut wb] {
        let e = ws.next_event("question_status").await;
        assert_eq!(e["question_id"], q.as_str(), "{e}");
        assert_eq!(e["status"], 1, "{e}");
        assert!(e["serv_id"].is_null(), "{e}");
    }
}

// ---------------------------------------------------------------------------
// (3) Queue places (seed 001 push routing).

/// One agent with room for one; three customers connect (one served, two
/// waiting). When the first conversation ends, the second is assigned and the
/// third, watching on its socket, sees its place go from 2 to 1.
async fn a_waiting_customer_sees_its_queue_place_fall(app: TestApp) {
    let desk = Desk::new(&app, "Queue").await;
    desk.settings_ok(json!({ "max_chats": 1 })).await;
    let solo = app.agent(&desk.t, "solo", false).await;
    desk.set_state(solo.id, ACCEPTING).await;

    let first = desk.connect("c1").await;
    assert_eq!(first["agent_id"], "solo", "{first}");
    let second = desk.connect("c2").await;
    assert_eq!(second["wait"], 1, "{second}");
    let third = desk.connect("c3").await;
    assert_eq!(third["wait"], 2, "{third}");

    let mut ws3 = WsClient::open(&app.base, &[("session", &text(&third["token"]))]).await;
    assert_eq!(ws3.hello["role"], "customer", "{}", ws3.hello);
    assert_eq!(
        ws3.hello["user_id"], third["im"]["username"],
        "{}",
        ws3.hello
    );
    let mut ws2 = WsClient::open(&app.base, &[("session", &text(&second["token"]))]).await;

    let (status, body) = app.act(&solo, &text(&first["rid"]), "finish").await;
    assert_eq!(status, 200, "{body}");

    // The second is served: the notice; a socket that told it a place
    // (its first look at the queue may come after the finish) tells it 0.
    let e = ws2.next_event("assigned").await;
    assert_eq!(e["question_id"], second["rid"], "{e}");
    assert_eq!(e["message"]["sender"], "solo", "{e}");
    let told: Vec<i64> = ws2
        .take_pending()
        .iter()
        .map(|f| {
            assert_eq!(f["event"], "queue_position", "{f}");
            assert_eq!(f["question_id"], second["rid"], "{f}");
            f["wait"].as_i64().unwrap()
        })
        .collect();
    if told.contains(&1) && told.last() != Some(&0) {
        let e = ws2.next_event("queue_position").await;
        assert_eq!(e["question_id"], second["rid"], "{e}");
        assert_eq!(e["wait"], 0, "after {told:?}: {e}");
    } else {
        assert!(told.iter().all(|w| *w == 1 || *w == 0), "{told:?}");
    }

    // The third moves up: any repeat of its old place first, then 1.
    let e = ws3
        .next_where("queue_position below 2", |f| {
            f["event"] == "queue_position" && f["wait"] != 2
        })
        .await;
    assert_eq!(e["question_id"], third["rid"], "{e}");
    assert_eq!(e["wait"], 1, "{e}");
    for f in ws3.take_pending() {
        assert_eq!(f["event"], "queue_position", "{f}");
        assert_eq!(f["question_id"], third["rid"], "{f}");
        assert_eq!(f["wait"], 2, "{f}");
    }
}

/// The next stored event: its name and its notice's action.
async fn step_of(ws: &mut WsClient, question_id: &str) -> (String, i64) {
    let e = ws.next_stored().await;
    assert_eq!(e["question_id"], question_id, "{e}");
    assert_eq!(e["message"]["type"], 4, "{e}");
    (text(&e["event"]), e["message"]["action"].as_i64().unwrap())
}

/// Claim, request to finish, finish, reopen (back to the same agent) and
/// quit each reach the customer's socket as the event of its notice, and
/// the serving agent's socket while it serves.
async fn every_step_of_a_conversation_reaches_its_sockets_as_its_event(app: TestApp) {
    let t = app.tenant("Steps").await;
    let c = app.customer(&t, "u-steps").await;
    let alice = app.agent(&t, "st_alice", false).await;
    let q = app.ask(&c, "每一步").await;
    let mut cs = WsClient::customer(&app.base, &c).await;
    let mut al = WsClient::agent(&app.base, &alice).await;

    app.serve(&alice, &q).await;
    for ws in [&mut cs, &mut al] {
        assert_eq!(step_of(ws, &q).await, ("assigned".to_owned(), 1));
    }
    for (action, event, number) in [
        ("request_finish", "finish_requested", 3),
        ("finish", "finished", 4),
    ] {
        let (status, body) = app.act(&alice, &q, action).await;
        assert_eq!(status, 200, "{action}: {body}");
        for ws in [&mut cs, &mut al] {
            assert_eq!(step_of(ws, &q).await, (event.to_owned(), number));
        }
    }
    let (status, body) = app
        .post(
            &format!("/v1/question/{q}/reopen"),
            &[("session", &c.session)],
        )
        .await;
    assert_eq!(status, 200, "reopen: {body}");
    for ws in [&mut cs, &mut al] {
        assert_eq!(step_of(ws, &q).await, ("reopened".to_owned(), 6));
    }
    // Quitting hands it back to the pool: the customer hears of it (the
    // agent, who quit, is no longer its agent).
    let (status, body) = app.act(&alice, &q, "quit").await;
    assert_eq!(status, 200, "quit: {body}");
    assert_eq!(step_of(&mut cs, &q).await, ("quit".to_owned(), 2));
    let e = al
        .next_where("the question back in the pool", |f| {
            f["event"] == "question_status" && f["status"] == 1
        })
        .await;
    assert_eq!(e["question_id"], q.as_str(), "{e}");
    assert_eq!(e["serv_id"], Value::Null, "{e}");
}

/// A conversation that waits past the timeout tells its customer
/// `timed_out`; a transfer tells the customer and the new agent
/// `transferred`.
async fn timeouts_and_transfers_reach_the_sockets_of_those_concerned(app: TestApp) {
    let desk = Desk::new(&app, "Moves").await;
    desk.settings_ok(json!({ "timeout": 1 })).await;
    let waiting = desk.connect("等不及").await;
    assert_eq!(waiting["wait"], 1, "{waiting}");
    let rid = text(&waiting["rid"]);
    let mut ws = WsClient::open(&app.base, &[("session", &text(&waiting["token"]))]).await;
    assert_eq!(step_of(&mut ws, &rid).await, ("timed_out".to_owned(), 5));

    let wang = app.agent(&desk.t, "mv_wang", false).await;
    let li = app.agent(&desk.t, "mv_li", false).await;
    desk.set_state(wang.id, ACCEPTING).await;
    let served = desk.connect("转人工").await;
    assert_eq!(served["agent_id"], "mv_wang", "{served}");
    let (rid, token) = (text(&served["rid"]), text(&served["token"]));
    desk.set_state(li.id, ACCEPTING).await;
    let mut cs = WsClient::open(&app.base, &[("session", &token)]).await;
    let mut ls = WsClient::agent(&app.base, &li).await;
    let r = app
        .client
        .post(format!("{}/customers/Transfer", app.base))
        .header(reqwest::header::AUTHORIZATION, &token)
        .form(&[("group_id", rid.as_str()), ("agent_id", "mv_li")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "{}", r.text().await.unwrap());
    for ws in [&mut cs, &mut ls] {
        assert_eq!(step_of(ws, &rid).await, ("transferred".to_owned(), 7));
    }
}

// ---------------------------------------------------------------------------
// (4) Reconnecting.

/// 1,000 messages are sent to a customer while its socket drops after about
/// 100 and comes back with its last cursor: it ends with all 1,000, in the
/// stored order, none twice.
async fn a_reconnecting_customer_gets_every_message_once_in_order(app: TestApp) {
    const TOTAL: usize = 1000;
    let t = app.tenant("Resume").await;
    let c = app.customer(&t, "u-resume").await;
    let alice = app.agent(&t, "alice", false).await;
    let q = app.ask(&c, "很多消息").await;
    app.serve(&alice, &q).await;
    let mut ws = WsClient::customer(&app.base, &c).await;

    let sent = Arc::new(AtomicUsize::new(0));
    let sender = {
        let (http, alice, q, sent) = (app.http.clone(), alice.clone(), q.clone(), sent.clone());
        tokio::spawn(async move {
            for i in 0..TOTAL {
                let (status, body) = http
                    .send_text(&alice.session, &alice.serv_id, "2", &q, &format!("m{i}"))
                    .await;
                assert_eq!(status, 200, "send {i}: {body}");
                sent.fetch_add(1, Ordering::SeqCst);
            }
        })
    };

    let mut got: Vec<(String, String)> = Vec::new();
    while got.len() < 100 {
        got.push(message_of(&ws.next().await));
    }
    let cursor = ws.cursor().to_owned();
    drop(ws);
    // Messages keep being stored while the socket is gone.
    let away_at = got.len();
    eventually("more messages are sent while the customer is away", || {
        let sent = sent.load(Ordering::SeqCst);
        async move { sent >= (away_at + 100).min(TOTAL) }
    })
    .await;

    let mut ws = WsClient::open(
        &app.base,
        &[("session", c.session.as_str()), ("cursor", cursor.as_str())],
    )
    .await;
    while got.len() < TOTAL {
        got.push(message_of(&ws.next().await));
    }
    sender.await.unwrap();
    ws.assert_quiet("the customer after all 1,000").await;

    let unique: HashSet<&String> = got.iter().map(|(id, _)| id).collect();
    assert_eq!(unique.len(), TOTAL, "a message arrived twice");
    let texts: Vec<String> = got.iter().map(|(_, t)| t.clone()).collect();
    let expected: Vec<String> = (0..TOTAL).map(|i| format!("m{i}")).collect();
    assert_eq!(texts, expected, "the messages in the order sent");
    let stored: Vec<String> = app
        .history(&c, &q)
        .await
        .iter()
        .filter(|m| m["type"] == 3)
        .map(|m| text(&m["message_id"]))
        .collect();
    let received: Vec<String> = got.into_iter().map(|(id, _)| id).collect();
    assert_eq!(received, stored, "the stored order");
}

/// (message_id, text) of a `message` event.
fn message_of(frame: &Value) -> (String, String) {
    assert_eq!(frame["event"], "message", "{frame}");
    (
        text(&frame["message"]["message_id"]),
        text(&frame["message"]["text"]),
    )
}

// ---------------------------------------------------------------------------
// (5) Sending by the HTTP rules, bad frames, refused upgrades.

async fn sending_over_the_socket_follows_the_http_rules(app: TestApp) {
    let t = app.tenant("Rules").await;
    let c = app.customer(&t, "u-rules").await;
    let alice = app.agent(&t, "alice", false).await;
    let bob = app.agent(&t, "bob", false).await;
    let waiting = app.ask(&c, "等待").await;
    let done = app.ask(&c, "完成").await;
    app.serve(&alice, &done).await;
    let (status, body) = app.act(&alice, &done, "finish").await;
    assert_eq!(status, 200, "{body}");
    let live = app.ask(&c, "进行").await;
    app.serve(&alice, &live).await;

    let mut cs = WsClient::customer(&app.base, &c).await;
    let mut wa = WsClient::agent(&app.base, &alice).await;
    let mut wb = WsClient::agent(&app.base, &bob).await;

    // The same refusals as over HTTP, with the frame's ref.
    assert_ws_error(&wa.say(&waiting, "在吗").await, 4003);
    assert_ws_error(&wa.say(&done, "在吗").await, 4002);
    assert_ws_error(&cs.say(&done, "在吗").await, 4002);
    assert_ws_error(&wb.say(&live, "我来").await, 4004);
    assert_ws_error(&cs.say("0190f5c3a1b2000000000001", "在吗").await, 3001);
    let long = "字".repeat(5001);
    let e = cs.say(&live, &long).await;
    assert_ws_error(&e, 1002);
    assert_eq!(e["field"], "text", "{e}");
    // A customer may write while waiting.
    cs.say_ok(&waiting, "还在排队吗").await;

    // The same client_msg_id twice: one message, both acks name it.
    let again =
        json!({ "type": "send", "question_id": live, "text": "只一次", "client_msg_id": "k-1" });
    let first = cs.call(again.clone()).await;
    let second = cs.call(again).await;
    assert_eq!(first["event"], "ack", "{first}");
    assert_eq!(second["event"], "ack", "{second}");
    assert_eq!(first["message_id"], second["message_id"]);
    let m1 = text(&first["message_id"]);
    let m2 = cs.say_ok(&live, "第二条").await;
    // The agent sees each message once, in order.
    for want in [&m1, &m2] {
        let e = wa.next_stored().await;
        assert_eq!(e["event"], "message", "{e}");
        assert_eq!(e["message"]["message_id"], want.as_str(), "{e}");
    }
    let history = app.history(&c, &live).await;
    let chat: Vec<String> = history
        .iter()
        .filter(|m| m["type"] == 3)
        .map(|m| text(&m["message_id"]))
        .collect();
    assert_eq!(chat, [m1, m2]);

    // An agent who serves may send; nothing was stored for the refusals.
    wa.say_ok(&live, "您好").await;
    let history = app.history(&c, &done).await;
    assert!(history.iter().all(|m| m["type"] == 4), "{history:?}");
    let body = app.pending(&alice).await;
    let waiting_line = body["questions"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["question_id"] == waiting.as_str())
        .cloned()
        .unwrap_or_else(|| panic!("{waiting} pending in {body}"));
    assert_eq!(
        waiting_line["last_mess_text"], "还在排队吗",
        "{waiting_line}"
    );
}

/// Frames that are not JSON (1003), have an unknown `type` (1002) or lack a
/// field (1001) are answered with an `error` and the socket goes on working.
async fn bad_frames_get_errors_and_the_socket_stays_usable(app: TestApp) {
    let t = app.tenant("Frames").await;
    let c = app.customer(&t, "u-frames").await;
    let q = app.ask(&c, "坏帧").await;
    let mut cs = WsClient::customer(&app.base, &c).await;

    // Not a JSON object: 1003, as a body that cannot be decoded over HTTP.
    cs.send_raw("this is not JSON").await;
    let e = cs.next_event("error").await;
    assert_ws_error(&e, 1003);
    assert_eq!(e["field"], "frame", "{e}");

    cs.send(json!({ "type": "dance", "ref": "x-1" })).await;
    let e = cs.next_event("error").await;
    assert_ws_error(&e, 1002);
    assert_eq!(e["ref"], "x-1", "{e}");

    cs.send(json!({ "ref": "x-2", "question_id": q, "text": "没有类型" }))
        .await;
    let e = cs.next_event("error").await;
    assert_ws_error(&e, 1001);
    assert_eq!(e["ref"], "x-2", "{e}");
    assert_eq!(e["field"], "type", "{e}");

    cs.send(json!({ "type": "send", "ref": "x-3", "question_id": q }))
        .await;
    let e = cs.next_event("error").await;
    assert_ws_error(&e, 1001);
    assert_eq!(e["ref"], "x-3", "{e}");
    assert_eq!(e["field"], "text", "{e}");

    cs.send(json!({ "type": "send", "ref": "x-4", "text": "没有问题" }))
        .await;
    let e = cs.next_event("error").await;
    assert_ws_error(&e, 1001);
    assert_eq!(e["ref"], "x-4", "{e}");
    assert_eq!(e["field"], "question_id", "{e}");

    // Still open and working.
    cs.assert_quiet("after the bad frames").await;
    let id = cs.say_ok(&q, "还能用").await;
    let e = cs.next_stored().await;
    assert_eq!(e["message"]["message_id"], id.as_str(), "{e}");
    assert_eq!(ids(&app.history(&c, &q).await), [id]);
}

/// A refused upgrade answers over HTTP with seed 003's error body.
async fn refused_upgrades_answer_with_seed_003_errors(app: TestApp) {
    let t = app.tenant("Refuse").await;
    let c = app.customer(&t, "u-refuse").await;
    let alice = app.agent(&t, "alice", false).await;
    let bob = app.agent(&t, "bob", false).await;
    let base = app.base.as_str();

    let r = WsClient::connect(base, &[("session", "nosuchsessio")])
        .await
        .err()
        .expect("an unknown session is refused");
    assert_refused(&r, 401, 2001);
    let r = WsClient::connect(base, &[("session", &bob.session), ("serv_id", "alice")])
        .await
        .err()
        .expect("a session bound to bob is not alice's");
    assert_refused(&r, 403, 2003);
    let r = WsClient::connect(base, &[("session", &c.session), ("serv_id", "alice")])
        .await
        .err()
        .expect("a customer's session is no agent's");
    assert_refused(&r, 403, 2003);
    let r = WsClient::connect(base, &[("session", &c.session), ("cursor", "not a cursor")])
        .await
        .err()
        .expect("a malformed cursor is refused");
    assert_refused(&r, 400, 1002);
    // A cursor this server never gave (its database was reset) would skip
    // events silently: refused.
    let r = WsClient::connect(base, &[("session", &c.session), ("cursor", "999999")])
        .await
        .err()
        .expect("a cursor ahead of the server is refused");
    assert_refused(&r, 400, 1002);

    // An agent in the recycle bin.
    let path = format!("/api/v1/supports/{}.json", bob.id);
    let d = app.api(Method::DELETE, &path, &t.admin(), None).await;
    assert_eq!(d.status, 200, "{}", d.body);
    let r = WsClient::connect(base, &[("session", &bob.session), ("serv_id", "bob")])
        .await
        .err()
        .expect("a binned agent is refused");
    assert_refused(&r, 403, 2004);

    // The session may come as a Bearer header instead of the query.
    let ws = WsClient::connect_with(base, &[], Some(&c.session))
        .await
        .unwrap();
    assert_eq!(ws.hello["role"], "customer", "{}", ws.hello);
    assert_eq!(ws.hello["user_id"], "u-refuse", "{}", ws.hello);
    let ws = WsClient::connect_with(base, &[("serv_id", "alice")], Some(&alice.session))
        .await
        .unwrap();
    assert_eq!(ws.hello["role"], "agent", "{}", ws.hello);
    assert_eq!(ws.hello["serv_id"], "alice", "{}", ws.hello);
}

// ---------------------------------------------------------------------------
// (6) Typing and read receipts.

async fn typing_and_read_receipts_reach_only_the_other_side(app: TestApp) {
    let t = app.tenant("Typing").await;
    let c = app.customer(&t, "u-typing").await;
    let other = app.customer(&t, "u-other").await;
    let alice = app.agent(&t, "alice", false).await;
    let bob = app.agent(&t, "bob", false).await;
    let q = app.ask(&c, "打字").await;
    app.serve(&alice, &q).await;
    let (status, body) = app.agent_says(&alice, &q, "在的").await;
    assert_eq!(status, 200, "{body}");
    let from_agent = text(&body["message_id"]);

    let mut cs = WsClient::customer(&app.base, &c).await;
    let mut wa = WsClient::agent(&app.base, &alice).await;
    let mut third_c = WsClient::customer(&app.base, &other).await;
    let mut third_a = WsClient::agent(&app.base, &bob).await;

    cs.send(json!({ "type": "typing", "question_id": q })).await;
    let e = wa.next_event("typing").await;
    assert_eq!(e["question_id"], q.as_str(), "{e}");
    assert_eq!(e["sender"], "u-typing", "{e}");
    assert_eq!(e["sender_type"], 1, "{e}");

    wa.send(json!({ "type": "typing", "question_id": q })).await;
    let e = cs.next_event("typing").await;
    assert_eq!(e["question_id"], q.as_str(), "{e}");
    assert_eq!(e["sender"], "alice", "{e}");
    assert_eq!(e["sender_type"], 2, "{e}");

    cs.send(json!({ "type": "read", "question_id": q, "message_id": from_agent }))
        .await;
    let e = wa.next_event("read").await;
    assert_eq!(e["question_id"], q.as_str(), "{e}");
    assert_eq!(e["message_id"], from_agent.as_str(), "{e}");
    assert_eq!(e["sender"], "u-typing", "{e}");
    assert_eq!(e["sender_type"], 1, "{e}");

    let from_customer = cs.say_ok(&q, "好的").await;
    wa.send(json!({ "type": "read", "question_id": q, "message_id": from_customer }))
        .await;
    let e = cs.next_event("read").await;
    assert_eq!(e["question_id"], q.as_str(), "{e}");
    assert_eq!(e["message_id"], from_customer.as_str(), "{e}");
    assert_eq!(e["sender"], "alice", "{e}");
    assert_eq!(e["sender_type"], 2, "{e}");

    // Nobody else heard any of it, and nobody heard themselves.
    third_c.assert_quiet("another customer").await;
    third_a.assert_quiet("an agent not serving it").await;
    let e = wa.next_stored().await;
    assert_eq!(e["message"]["message_id"], from_customer.as_str(), "{e}");
    wa.assert_quiet("alice after her own typing and read").await;
    let e = cs.next_stored().await;
    assert_eq!(e["message"]["message_id"], from_customer.as_str(), "{e}");
    cs.assert_quiet("the customer after its own typing and read")
        .await;
}

// ---------------------------------------------------------------------------
// (7) Rate limit.

/// 200 frames at once: each is answered once, some with `error` 2006; the
/// socket stays open and works again once the rate allows.
async fn a_burst_of_frames_is_rate_limited_and_the_socket_recovers(app: TestApp) {
    let t = app.tenant("Burst").await;
    let c = app.customer(&t, "u-burst").await;
    let q = app.ask(&c, "刷屏").await;
    let mut cs = WsClient::customer(&app.base, &c).await;

    for i in 0..200 {
        cs.send(json!({ "type": "ping", "ref": format!("b-{i}") }))
            .await;
    }
    let mut answered = HashSet::new();
    let (mut pongs, mut limited) = (0, 0);
    for _ in 0..200 {
        let e = cs.next().await;
        let r = text(&e["ref"]);
        assert!(r.starts_with("b-"), "{e}");
        assert!(answered.insert(r), "answered twice: {e}");
        match e["event"].as_str() {
            Some("pong") => pongs += 1,
            Some("error") => {
                assert_ws_error(&e, 2006);
                limited += 1;
            }
            _ => panic!("an answer to a ping: {e}"),
        }
    }
    assert!(limited > 0, "200 frames at once were all allowed");
    assert!(pongs > 0, "the burst allowance let none through");

    // Works again once the rate allows: a refused send stored nothing, so
    // the client retries it until it is taken.
    let deadline = Instant::now() + Duration::from_secs(10);
    let id = loop {
        let e = cs.say(&q, "恢复了").await;
        if e["event"] == "ack" {
            break text(&e["message_id"]);
        }
        assert_ws_error(&e, 2006);
        assert!(Instant::now() < deadline, "still limited after 10 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    let e = cs.next_stored().await;
    assert_eq!(e["message"]["message_id"], id.as_str(), "{e}");
    assert_eq!(ids(&app.history(&c, &q).await), [id]);
}

// ---------------------------------------------------------------------------
// (8) Agent status.

async fn agents_see_another_agent_change_status(app: TestApp) {
    let t = app.tenant("Status").await;
    let alice = app.agent(&t, "alice", false).await;
    let bob = app.agent(&t, "bob", false).await;
    let c = app.customer(&t, "u-status").await;
    let mut wb = WsClient::agent(&app.base, &bob).await;
    let mut cs = WsClient::customer(&app.base, &c).await;

    app.set_state(&t, alice.id, ACCEPTING).await;
    let e = wb.next_event("agent_status").await;
    assert_eq!(e["serv_id"], "alice", "{e}");
    assert_eq!(e["module"], 2, "{e}");
    assert_eq!(e["state"], ACCEPTING, "{e}");
    assert_eq!(e["accepting"], true, "{e}");

    app.set_state(&t, alice.id, "离开").await;
    let e = wb.next_event("agent_status").await;
    assert_eq!(e["serv_id"], "alice", "{e}");
    assert_eq!(e["module"], 2, "{e}");
    assert_eq!(e["state"], "离开", "{e}");
    assert_eq!(e["accepting"], false, "{e}");

    cs.assert_quiet("a customer").await;
}

// ---------------------------------------------------------------------------
// (9) Tenant isolation.

/// Another tenant's agent and customer (with the same `user_id`) hear
/// nothing of what happens in the first tenant.
async fn another_tenant_receives_none_of_the_events(app: TestApp) {
    let desk = Desk::new(&app, "Here").await;
    let there = app.tenant("There").await;
    // Accounts are unique across tenants; customer ids are per tenant.
    let outsider_a = app.agent(&there, "alice_there", false).await;
    let outsider_c = app.customer(&there, "u-1").await;
    let mut xa = WsClient::agent(&app.base, &outsider_a).await;
    let mut xc = WsClient::customer(&app.base, &outsider_c).await;

    let t = &desk.t;
    let alice = app.agent(t, "alice", false).await;
    let bob = app.agent(t, "bob", false).await;
    let c = app.customer(t, "u-1").await;
    let mut wa = WsClient::agent(&app.base, &alice).await;
    let mut wb = WsClient::agent(&app.base, &bob).await;
    let mut cs = WsClient::customer(&app.base, &c).await;

    // question_created, question_status, assigned, messages, typing, read.
    let q = app.ask(&c, "隔离").await;
    wa.next_event("question_created").await;
    app.serve(&alice, &q).await;
    wb.next_event("question_status").await;
    cs.next_stored().await;
    let m = cs.say_ok(&q, "你好").await;
    wa.next_where("the customer's message", |f| {
        f["event"] == "message" && f["message"]["message_id"] == m.as_str()
    })
    .await;
    let (status, body) = app.agent_says(&alice, &q, "您好").await;
    assert_eq!(status, 200, "{body}");
    cs.next_where("the agent's message", |f| {
        f["event"] == "message" && f["message"]["message_id"] == body["message_id"]
    })
    .await;
    cs.send(json!({ "type": "typing", "question_id": q })).await;
    wa.next_event("typing").await;
    wa.send(json!({ "type": "read", "question_id": q, "message_id": m }))
        .await;
    cs.next_event("read").await;

    // agent_status, queue_position (seed 001).
    desk.settings_ok(json!({ "max_chats": 1 })).await;
    app.set_state(t, bob.id, ACCEPTING).await;
    wa.next_event("agent_status").await;
    let served = desk.connect("c1").await;
    assert_eq!(served["agent_id"], "bob", "{served}");
    let next = desk.connect("c2").await;
    assert_eq!(next["wait"], 1, "{next}");
    let mut ws2 = WsClient::open(&app.base, &[("session", &text(&next["token"]))]).await;
    let behind = desk.connect("c3").await;
    assert_eq!(behind["wait"], 2, "{behind}");
    let mut ws3 = WsClient::open(&app.base, &[("session", &text(&behind["token"]))]).await;
    let (status, body) = app.act(&bob, &text(&served["rid"]), "finish").await;
    assert_eq!(status, 200, "{body}");
    ws2.next_event("assigned").await;
    ws3.next_where("queue_position 1", |f| {
        f["event"] == "queue_position" && f["wait"] == 1
    })
    .await;
    wa.next_where("the finish seen in the pool", |f| {
        f["event"] == "question_status" && f["status"] == 3
    })
    .await;

    xa.assert_quiet("the other tenant's agent").await;
    xc.assert_quiet("the other tenant's u-1").await;
}

// ---------------------------------------------------------------------------
// (10) hello and cursors.

/// The first frame is `hello` with the role; without a cursor nothing stored
/// earlier is replayed, and the next message is the first frame after it.
async fn hello_comes_first_and_nothing_old_is_replayed_without_a_cursor(app: TestApp) {
    let t = app.tenant("Hello").await;
    let c = app.customer(&t, "u-hello").await;
    let alice = app.agent(&t, "alice", false).await;
    let q = app.ask(&c, "旧事").await;
    app.serve(&alice, &q).await;
    assert_eq!(app.agent_says(&alice, &q, "旧消息").await.0, 200);
    assert_eq!(app.customer_says(&c, &q, "旧的回答").await.0, 200);

    let mut cs = WsClient::customer(&app.base, &c).await;
    let mut wa = WsClient::agent(&app.base, &alice).await;
    let h = &cs.hello;
    assert_eq!(h["role"], "customer", "{h}");
    assert_eq!(h["user_id"], "u-hello", "{h}");
    assert_eq!(h["heartbeat"], 20, "{h}");
    assert!(!text(&h["cursor"]).is_empty(), "{h}");
    let h = &wa.hello;
    assert_eq!(h["role"], "agent", "{h}");
    assert_eq!(h["serv_id"], "alice", "{h}");
    assert_eq!(h["heartbeat"], 20, "{h}");
    assert!(!text(&h["cursor"]).is_empty(), "{h}");

    cs.assert_quiet("a new customer socket").await;
    wa.assert_quiet("a new agent socket").await;
    let (status, body) = app.agent_says(&alice, &q, "新消息").await;
    assert_eq!(status, 200, "{body}");
    for ws in [&mut cs, &mut wa] {
        let e = ws.next().await;
        assert_eq!(e["event"], "message", "{e}");
        assert_eq!(e["message"]["message_id"], body["message_id"], "{e}");
        assert_eq!(e["message"]["text"], "新消息", "{e}");
    }
}

/// The hello's cursor is a place to resume from: reconnecting with it
/// replays exactly what was stored since, in order, then goes live.
async fn a_hello_cursor_resumes_with_what_was_stored_since(app: TestApp) {
    let t = app.tenant("Since").await;
    let c = app.customer(&t, "u-since").await;
    let alice = app.agent(&t, "alice", false).await;
    let q = app.ask(&c, "之后").await;
    app.serve(&alice, &q).await;
    assert_eq!(app.agent_says(&alice, &q, "之前").await.0, 200);

    let cs = WsClient::customer(&app.base, &c).await;
    let cursor = text(&cs.hello["cursor"]);
    cs.close().await;
    let mut since = Vec::new();
    for words in ["一", "二", "三"] {
        let (status, body) = app.agent_says(&alice, &q, words).await;
        assert_eq!(status, 200, "{body}");
        since.push(text(&body["message_id"]));
    }
    let (status, body) = app.act(&alice, &q, "finish").await;
    assert_eq!(status, 200, "{body}");

    let mut cs = WsClient::open(
        &app.base,
        &[("session", c.session.as_str()), ("cursor", cursor.as_str())],
    )
    .await;
    let mut replayed = Vec::new();
    for _ in 0..4 {
        let e = cs.next().await;
        assert_eq!(e["question_id"], q.as_str(), "{e}");
        replayed.push((text(&e["event"]), text(&e["message"]["message_id"])));
    }
    let history = ids(&app.history(&c, &q).await);
    let expected: Vec<(String, String)> = history[history.len() - 4..]
        .iter()
        .enumerate()
        .map(|(i, id)| {
            let event = if i < 3 { "message" } else { "finished" };
            (event.to_owned(), id.clone())
        })
        .collect();
    assert_eq!(replayed, expected);
    assert_eq!(
        replayed[..3].iter().map(|(_, id)| id).collect::<Vec<_>>(),
        since.iter().collect::<Vec<_>>()
    );
    cs.assert_quiet("the customer after the replay").await;
}

// ---------------------------------------------------------------------------
// Connection limits and frame size.

/// Eight sockets of one customer are allowed (`ws_max_per_user`), the ninth
/// is refused with 429 and code 2006; closing one makes room again.
async fn a_ninth_socket_of_one_customer_is_refused(app: TestApp) {
    let t = app.tenant("Limit").await;
    let c = app.customer(&t, "u-limit").await;
    let mut sockets = Vec::new();
    for _ in 0..8 {
        sockets.push(WsClient::customer(&app.base, &c).await);
    }
    let r = WsClient::connect(&app.base, &[("session", &c.session)])
        .await
        .err()
        .expect("a ninth socket is refused");
    assert_refused(&r, 429, 2006);
    // Another customer of the tenant is not affected.
    let other = app.customer(&t, "u-other").await;
    WsClient::customer(&app.base, &other).await;

    sockets.pop().unwrap().close().await;
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match WsClient::connect(&app.base, &[("session", &c.session)]).await {
            Ok(ws) => {
                assert_eq!(ws.hello["user_id"], "u-limit", "{}", ws.hello);
                break;
            }
            Err(r) => {
                assert_refused(&r, 429, 2006);
                assert!(Instant::now() < deadline, "no room 10 s after a close");
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }
}

async fn a_frame_over_64_kib_closes_the_socket_with_1009(app: TestApp) {
    let t = app.tenant("Big").await;
    let c = app.customer(&t, "u-big").await;
    let q = app.ask(&c, "大帧").await;
    let mut cs = WsClient::customer(&app.base, &c).await;
    let big =
        json!({ "type": "send", "ref": "big", "question_id": q, "text": "x".repeat(70 * 1024) });
    cs.send(big).await;
    assert_eq!(cs.closed_by_server().await, Some(1009));
    assert!(app.history(&c, &q).await.is_empty());
}

// ---------------------------------------------------------------------------
// Helpers.

/// An `error` frame with seed 003's body and this code.
fn assert_ws_error(e: &Value, code: u64) {
    assert_eq!(e["event"], "error", "{e}");
    assert_eq!(e["status"], 300, "{e}");
    assert_eq!(e["error"], code, "{e}");
    assert!(e["debug"].as_str().is_some_and(|d| !d.is_empty()), "{e}");
}

/// A refused upgrade: the HTTP status and seed 003's error body.
fn assert_refused(r: &common::ws::Refused, http: u16, code: u64) {
    assert_eq!(r.status, http, "{:?}", r.body);
    assert_eq!(r.body["status"], 300, "{}", r.body);
    assert_eq!(r.body["error"], code, "{}", r.body);
    assert!(
        r.body["debug"].as_str().is_some_and(|d| !d.is_empty()),
        "{}",
        r.body
    );
}

fn ids(history: &[Value]) -> Vec<String> {
    history.iter().map(|m| text(&m["message_id"])).collect()
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}
