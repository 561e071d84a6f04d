//! Group commit of chat messages (storage/group_commit.rs) as users see it,
//! on SQLite and PostgreSQL: many concurrent sends are all stored, each once,
//! in each sender's order, and numbered (the sockets' cursor) with no gap and
//! no repeat per tenant; concurrent copies of one `client_msg_id` store one
//! message; a send racing a `finish` is stored before the `finished` notice or
//! refused with 4002, never stored after it.
//!
//! Nothing sleeps for timing: the tests wait for answers and events (each
//! socket wait fails after 10 s), and the race with `finish` is started once
//! enough sends were answered, whatever the machine's speed.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::{BTreeMap, HashMap, HashSet};

use common::http::Http;
use common::ws::WsClient;
use common::{assert_v1_error, Agent, Customer, TestApp};
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinSet;

on_every_backend!(
    concurrent_senders_store_every_message_once_in_order_with_gapless_cursors,
    concurrent_copies_of_one_client_msg_id_store_one_message,
    sends_racing_a_finish_are_stored_before_it_or_refused,
);

// ---------------------------------------------------------------------------
// (1) Many concurrent senders.

/// Conversations of each of the two tenants.
const QUESTIONS: usize = 20;
/// Messages each customer sends in its question, one after another.
const CUSTOMER_SAYS: usize = 25;
/// Messages the agent sends in each question, one after another.
const AGENT_SAYS: usize = 10;

/// Two tenants with 20 served questions each; in all 40 at once the customer
/// and the agent send (80 senders, 1400 messages, every sender waiting for
/// each answer before its next send). Every send answers 200; each question's
/// history holds every message once, each sender's in the order sent; each
/// customer's live socket gets its question's messages in that order; and per
/// tenant the numbers (cursors) of what the live sockets got, and of a replay
/// from cursor 0 by the agent serving every question, are 1, 2, 3, ... with no
/// gap and no repeat, the same number for a message on both paths.
async fn concurrent_senders_store_every_message_once_in_order_with_gapless_cursors(app: TestApp) {
    let shops = [
        Shop::open(&app, "GroupA", QUESTIONS).await,
        Shop::open(&app, "GroupB", QUESTIONS).await,
    ];
    let per_question = CUSTOMER_SAYS + AGENT_SAYS;

    // Each customer's socket, opened once every question is served (the
    // tenant's head is then its 20 `assigned` notices), collects its
    // question's messages while they are sent.
    let mut listeners = Vec::new();
    for shop in &shops {
        for (c, q) in &shop.questions {
            let mut ws = WsClient::customer(&app.base, c).await;
            assert_eq!(
                ws.hello["cursor"],
                QUESTIONS.to_string(),
                "the head after {QUESTIONS} claims: {}",
                ws.hello
            );
            let q = q.clone();
            listeners.push(tokio::spawn(async move {
                let mut got = Vec::new();
                for _ in 0..per_question {
                    got.push(Event::of(&ws.next_stored().await));
                }
                assert!(got.iter().all(|e| e.question_id == q), "{got:?}");
                (ws, got)
            }));
        }
    }

    // Every sender at once.
    let mut sends = JoinSet::new();
    for (s, shop) in shops.iter().enumerate() {
        for (i, (c, q)) in shop.questions.iter().enumerate() {
            let senders = [
                (Sender::customer(c), CUSTOMER_SAYS),
                (Sender::agent(&shop.agent), AGENT_SAYS),
            ];
            for (sender, count) in senders {
                let (http, q) = (app.http.clone(), q.clone());
                sends.spawn(async move {
                    let mut ids = Vec::new();
                    for k in 0..count {
                        let text = format!("{s}/{i} {} #{k}", sender.name);
                        ids.push(sender.say_ok(&http, &q, &text, None).await);
                    }
                    ((s, i, sender.name), ids)
                });
            }
        }
    }
    let mut sent: HashMap<(usize, usize, String), Vec<String>> = HashMap::new();
    while let Some(joined) = sends.join_next().await {
        let (key, ids) = joined.unwrap();
        sent.insert(key, ids);
    }

    for (s, shop) in shops.iter().enumerate() {
        // The history: the claim, then every message once, in each sender's order.
        let mut stored_ids = HashSet::new();
        for (i, (c, q)) in shop.questions.iter().enumerate() {
            let history = app.history(c, q).await;
            assert_eq!(history.len(), 1 + per_question, "question {s}/{i}");
            assert_eq!(history[0]["action"], 1, "the claim first: {}", history[0]);
            let chat = chat_messages(&history[1..]);
            assert_sent_in_order(&chat, &sent, s, i, &[&c.user_id, &shop.agent.serv_id]);
            stored_ids.extend(history.iter().map(|m| text(&m["message_id"])));
        }

        // Live: each customer got its question's messages, each sender's in
        // order, and nothing more; together they got every number after the
        // head exactly once.
        let mut live_cursor: HashMap<String, i64> = HashMap::new();
        for (i, listener) in listeners.drain(..QUESTIONS).enumerate() {
            let (mut ws, got) = listener.await.unwrap();
            assert!(
                got.windows(2).all(|w| w[0].cursor < w[1].cursor),
                "question {s}/{i}: cursors not increasing: {got:?}"
            );
            let chat: Vec<(String, String, String)> = got
                .iter()
                .map(|e| (e.sender.clone(), e.id.clone(), e.text.clone()))
                .collect();
            let user_id = &shop.questions[i].0.user_id;
            assert_sent_in_order(&chat, &sent, s, i, &[user_id, &shop.agent.serv_id]);
            ws.assert_quiet("a customer after its question's messages")
                .await;
            live_cursor.extend(got.iter().map(|e| (e.id.clone(), e.cursor)));
        }
        let mut live: Vec<i64> = live_cursor.values().copied().collect();
        live.sort_unstable();
        let total = QUESTIONS * per_question;
        let expected: Vec<i64> = (QUESTIONS as i64 + 1..=(QUESTIONS + total) as i64).collect();
        assert_eq!(live, expected, "tenant {s}: the live numbers");

        // Replay from 0: the agent serving every question sees the tenant's
        // whole stream, numbered 1..=N with no gap, each message under the
        // number the live sockets saw.
        let replay = replay_from_zero(&app, &shop.agent, QUESTIONS + total).await;
        assert_gapless(&replay);
        let replayed: HashSet<String> = replay.iter().map(|e| e.id.clone()).collect();
        assert_eq!(
            replayed, stored_ids,
            "tenant {s}: the replay is the histories"
        );
        for e in &replay {
            if e.event == "message" {
                assert_eq!(Some(&e.cursor), live_cursor.get(&e.id), "{e:?}");
            }
        }
        for (i, (c, q)) in shop.questions.iter().enumerate() {
            let chat: Vec<(String, String, String)> = replay
                .iter()
                .filter(|e| &e.question_id == q && e.event == "message")
                .map(|e| (e.sender.clone(), e.id.clone(), e.text.clone()))
                .collect();
            assert_sent_in_order(&chat, &sent, s, i, &[&c.user_id, &shop.agent.serv_id]);
        }
    }
}

// ---------------------------------------------------------------------------
// (2) Concurrent copies of one client_msg_id.

/// Questions of the duplicates test.
const DUP_QUESTIONS: usize = 6;
/// Rounds of copies, each with its own client id.
const DUP_ROUNDS: usize = 8;
/// Copies of one send in one question, all at once.
const COPIES: usize = 10;
/// What the customer and the agent send meanwhile in every question.
const BACKGROUND_SAYS: usize = 20;

/// Eight rounds, each 10 copies of one send (same `client_msg_id`, same text)
/// in each of two questions at once, while the customer and the agent of six
/// questions keep sending other messages (the customer's with client ids of
/// their own). Every copy answers 200 with one message id per question and
/// round; each history holds that message once and every other message once,
/// in order; the tenant's numbers have no gap (a copy that took a number and
/// then was rolled back must have given it back).
async fn concurrent_copies_of_one_client_msg_id_store_one_message(app: TestApp) {
    let shop = Shop::open(&app, "Dup", DUP_QUESTIONS).await;

    // The other sends, going on all along.
    let mut background = JoinSet::new();
    for (i, (c, q)) in shop.questions.iter().enumerate() {
        for sender in [Sender::customer(c), Sender::agent(&shop.agent)] {
            let (http, q) = (app.http.clone(), q.clone());
            background.spawn(async move {
                let mut ids = Vec::new();
                for k in 0..BACKGROUND_SAYS {
                    let text = format!("0/{i} {} #{k}", sender.name);
                    let client_id = (sender.kind == "1").then(|| format!("bg-{k}"));
                    ids.push(sender.say_ok(&http, &q, &text, client_id.as_deref()).await);
                }
                ((0, i, sender.name), ids)
            });
        }
    }

    // The copies: questions 0 and 1 each get the same client id at once
    // (one message per question: client ids are per question).
    let mut dup_ids: Vec<[String; 2]> = Vec::new();
    for round in 0..DUP_ROUNDS {
        let client_id = format!("dup-{round}");
        let mut copies = JoinSet::new();
        for (i, (c, q)) in shop.questions.iter().take(2).enumerate() {
            for _ in 0..COPIES {
                let (http, q, sender) = (app.http.clone(), q.clone(), Sender::customer(c));
                let client_id = client_id.clone();
                copies.spawn(async move {
                    let text = format!("copy {round}");
                    (i, sender.say_ok(&http, &q, &text, Some(&client_id)).await)
                });
            }
        }
        let mut answers: [HashSet<String>; 2] = Default::default();
        while let Some(joined) = copies.join_next().await {
            let (i, id) = joined.unwrap();
            answers[i].insert(id);
        }
        let [a, b] = answers.map(|ids| {
            assert_eq!(ids.len(), 1, "round {round}: the copies answered {ids:?}");
            ids.into_iter().next().unwrap()
        });
        assert_ne!(a, b, "round {round}: one message per question");
        dup_ids.push([a, b]);
    }
    let mut sent: HashMap<(usize, usize, String), Vec<String>> = HashMap::new();
    while let Some(joined) = background.join_next().await {
        let (key, ids) = joined.unwrap();
        sent.insert(key, ids);
    }

    // A later retry gets the same message; another sender may not use its id.
    let (c0, q0) = &shop.questions[0];
    let retry = Sender::customer(c0)
        .say_ok(&app.http, q0, "copy 0", Some("dup-0"))
        .await;
    assert_eq!(retry, dup_ids[0][0]);
    let taken = Sender::agent(&shop.agent)
        .say(&app.http, q0, "copy 0", Some("dup-0"))
        .await;
    assert_v1_error(&taken, 409, 4006, Some("client_msg_id"));

    let mut stored_ids = HashSet::new();
    let mut total = 0;
    for (i, (c, q)) in shop.questions.iter().enumerate() {
        let history = app.history(c, q).await;
        assert_eq!(history[0]["action"], 1, "the claim first: {}", history[0]);
        let chat = chat_messages(&history[1..]);
        let copies: Vec<&(String, String, String)> = chat
            .iter()
            .filter(|(_, _, text)| text.starts_with("copy "))
            .collect();
        if i < 2 {
            let expected: Vec<(String, String, String)> = (0..DUP_ROUNDS)
                .map(|round| {
                    let id = dup_ids[round][i].clone();
                    (c.user_id.clone(), id, format!("copy {round}"))
                })
                .collect();
            let copies: Vec<(String, String, String)> = copies.into_iter().cloned().collect();
            assert_eq!(copies, expected, "question {i}: one message per round");
        } else {
            assert!(copies.is_empty(), "question {i}: {copies:?}");
        }
        let others: Vec<(String, String, String)> = chat
            .iter()
            .filter(|(_, _, text)| !text.starts_with("copy "))
            .cloned()
            .collect();
        assert_sent_in_order(&others, &sent, 0, i, &[&c.user_id, &shop.agent.serv_id]);
        total += history.len();
        stored_ids.extend(history.iter().map(|m| text(&m["message_id"])));
    }
    assert_eq!(
        total,
        DUP_QUESTIONS * (1 + 2 * BACKGROUND_SAYS) + 2 * DUP_ROUNDS
    );

    let replay = replay_from_zero(&app, &shop.agent, total).await;
    assert_gapless(&replay);
    let replayed: HashSet<String> = replay.iter().map(|e| e.id.clone()).collect();
    assert_eq!(replayed, stored_ids, "the replay is the histories");
}

// ---------------------------------------------------------------------------
// (3) Sends racing a finish.

/// Questions finished while their senders send.
const RACES: usize = 10;
/// Senders on each side (customer, agent) of each question.
const SENDERS_PER_SIDE: usize = 3;
/// Messages answered 200 in a question before its agent finishes it.
const BEFORE_FINISH: usize = 12;
/// A sender that still gets 200 after this many sends fails the test.
const MAX_SENDS: usize = 1000;

/// In ten served questions at once, three customer and three agent senders
/// each send until refused, and the agent finishes the question once 12 of
/// its messages were stored. Each send answers 200 or 409 with 4002 (finished);
/// the `finished` notice is the last of the question's events on the agent's
/// replay (numbered with no gap) and of its history (in id order, what the
/// customer scrolls through); both hold exactly the messages answered 200,
/// each sender's in order.
async fn sends_racing_a_finish_are_stored_before_it_or_refused(app: TestApp) {
    let shop = Shop::open(&app, "Race", RACES).await;

    let mut tasks = JoinSet::new();
    let mut finishes = JoinSet::new();
    for (i, (c, q)) in shop.questions.iter().enumerate() {
        let (stored, mut seen) = watch::channel(0usize);
        let mut senders = Vec::new();
        for n in 0..SENDERS_PER_SIDE {
            senders.push((Sender::customer(c), n));
            senders.push((Sender::agent(&shop.agent), n));
        }
        for (sender, n) in senders {
            let (http, q, stored) = (app.http.clone(), q.clone(), stored.clone());
            tasks.spawn(async move {
                let mut accepted = Vec::new();
                for k in 0..MAX_SENDS {
                    let text = format!("0/{i} {}.{n} #{k}", sender.name);
                    let answer = sender.say(&http, &q, &text, None).await;
                    if answer.0 != 200 {
                        assert_v1_error(&answer, 409, 4002, Some("question_id"));
                        return (i, sender.name, accepted, text);
                    }
                    accepted.push(text_field(&answer.1, "message_id"));
                    stored.send_modify(|count| *count += 1);
                }
                panic!(
                    "question {i}: {MAX_SENDS} sends by {} and no refusal",
                    sender.name
                );
            });
        }
        let (http, agent, q) = (app.http.clone(), shop.agent.clone(), q.clone());
        finishes.spawn(async move {
            seen.wait_for(|count| *count >= BEFORE_FINISH)
                .await
                .expect("the senders run");
            let answer = http.act(&agent.session, &agent.serv_id, &q, "finish").await;
            assert_eq!(answer.0, 200, "finish: {}", answer.1);
            (i, text_field(&answer.1, "message_id"))
        });
    }
    let mut finished: BTreeMap<usize, String> = BTreeMap::new();
    while let Some(joined) = finishes.join_next().await {
        let (i, id) = joined.unwrap();
        finished.insert(i, id);
    }
    let mut accepted: HashMap<usize, HashMap<String, Vec<String>>> = HashMap::new();
    let mut refused: HashMap<usize, Vec<String>> = HashMap::new();
    while let Some(joined) = tasks.join_next().await {
        let (i, name, ids, refused_text) = joined.unwrap();
        accepted
            .entry(i)
            .or_default()
            .entry(name)
            .or_default()
            .extend(ids);
        refused.entry(i).or_default().push(refused_text);
    }

    // The stream first: each question's events are its claim, exactly the
    // messages answered 200, then `finished`; no number missing or repeated.
    let total: usize = accepted
        .values()
        .map(|by| 2 + by.values().map(Vec::len).sum::<usize>())
        .sum();
    let replay = replay_from_zero(&app, &shop.agent, total).await;
    assert_gapless(&replay);
    let mut cursor_of: HashMap<String, i64> = HashMap::new();
    for (i, (_, q)) in shop.questions.iter().enumerate() {
        let events: Vec<&Event> = replay.iter().filter(|e| &e.question_id == q).collect();
        let last = events.last().unwrap();
        assert_eq!(last.event, "finished", "question {i}: {last:?}");
        assert_eq!(last.id, finished[&i], "question {i}: {last:?}");
        assert_eq!(events[0].event, "assigned", "question {i}: {:?}", events[0]);
        let messages: HashSet<&String> = events[1..events.len() - 1]
            .iter()
            .map(|e| {
                assert_eq!(e.event, "message", "question {i}: {e:?}");
                &e.id
            })
            .collect();
        let want: HashSet<&String> = accepted[&i].values().flatten().collect();
        assert_eq!(
            messages, want,
            "question {i}: the stream holds the sends answered 200"
        );
        cursor_of.extend(events.iter().map(|e| (e.id.clone(), e.cursor)));
    }

    // The history: the same messages, each sender's in order, the refused
    // ones nowhere, and nothing after the `finished` notice.
    for (i, (c, q)) in shop.questions.iter().enumerate() {
        let history = app.history(c, q).await;
        let notice = &finished[&i];
        let at = history
            .iter()
            .position(|m| m["message_id"] == notice.as_str())
            .unwrap_or_else(|| panic!("question {i}: no finished notice {notice}"));
        assert_eq!(history[at]["action"], 4, "question {i}: {}", history[at]);
        let after: Vec<String> = history[at + 1..]
            .iter()
            .map(|m| {
                let id = text(&m["message_id"]);
                format!("{m} (cursor {:?})", cursor_of.get(&id))
            })
            .collect();
        assert!(
            after.is_empty(),
            "question {i}: the history shows {} after the `finished` notice {notice} \
             (cursor {:?}): {after:#?}",
            after.len(),
            cursor_of.get(notice),
        );
        assert_eq!(history[0]["action"], 1, "the claim first: {}", history[0]);
        let chat = chat_messages(&history[1..history.len() - 1]);
        let accepted_here = &accepted[&i];
        let count: usize = accepted_here.values().map(Vec::len).sum();
        assert!(count >= BEFORE_FINISH, "question {i}: {count} stored");
        assert_eq!(chat.len(), count, "question {i}: the sends answered 200");
        for (name, ids) in accepted_here {
            // The side's two senders share its name: their messages, together.
            let got: HashSet<&String> = chat
                .iter()
                .filter(|(sender, _, _)| sender == name)
                .map(|(_, id, _)| id)
                .collect();
            let want: HashSet<&String> = ids.iter().collect();
            assert_eq!(got, want, "question {i}: {name}'s messages");
        }
        for n in 0..SENDERS_PER_SIDE {
            for name in [c.user_id.as_str(), shop.agent.serv_id.as_str()] {
                let prefix = format!("0/{i} {name}.{n} #");
                let numbers: Vec<usize> = chat
                    .iter()
                    .filter_map(|(_, _, text)| text.strip_prefix(&prefix))
                    .map(|k| k.parse().unwrap())
                    .collect();
                let expected: Vec<usize> = (0..numbers.len()).collect();
                assert_eq!(numbers, expected, "question {i}: {prefix} in order");
            }
        }
        for text in &refused[&i] {
            assert!(
                chat.iter().all(|(_, _, t)| t != text),
                "question {i}: the refused {text:?} was stored"
            );
        }
    }
}

// ---------------------------------------------------------------------------
// Helpers.

/// A tenant whose one agent (`<name>-agent`: accounts are global) serves every
/// question of its customers.
struct Shop {
    agent: Agent,
    /// Each customer (`u-0`, `u-1`, ...) and its question.
    questions: Vec<(Customer, String)>,
}

impl Shop {
    async fn open(app: &TestApp, name: &str, questions: usize) -> Shop {
        let t = app.tenant(name).await;
        let agent = app
            .agent(&t, &format!("{}-agent", name.to_lowercase()), false)
            .await;
        let mut all = Vec::new();
        for i in 0..questions {
            let c = app.customer(&t, &format!("u-{i}")).await;
            let q = app.ask(&c, &format!("question {i}")).await;
            app.serve(&agent, &q).await;
            all.push((c, q));
        }
        Shop {
            agent,
            questions: all,
        }
    }
}

/// Who sends: a customer (`sender_type` 1) or an agent (2) with its session.
#[derive(Clone)]
struct Sender {
    session: String,
    name: String,
    kind: &'static str,
}

impl Sender {
    fn customer(c: &Customer) -> Self {
        Self {
            session: c.session.clone(),
            name: c.user_id.clone(),
            kind: "1",
        }
    }

    fn agent(a: &Agent) -> Self {
        Self {
            session: a.session.clone(),
            name: a.serv_id.clone(),
            kind: "2",
        }
    }

    /// `POST /v1/question/{q}/message/send_text`; the answer.
    async fn say(
        &self,
        http: &Http,
        q: &str,
        text: &str,
        client_msg_id: Option<&str>,
    ) -> (u16, Value) {
        let mut form = vec![
            ("session", self.session.as_str()),
            ("sender", self.name.as_str()),
            ("sender_type", self.kind),
            ("text", text),
        ];
        if let Some(id) = client_msg_id {
            form.push(("client_msg_id", id));
        }
        http.post(&format!("/v1/question/{q}/message/send_text"), &form)
            .await
    }

    /// A send that must answer 200: the stored message's id.
    async fn say_ok(
        &self,
        http: &Http,
        q: &str,
        text: &str,
        client_msg_id: Option<&str>,
    ) -> String {
        let (status, body) = self.say(http, q, text, client_msg_id).await;
        assert_eq!(status, 200, "send {text:?} by {}: {body}", self.name);
        text_field(&body, "message_id")
    }
}

/// A stored event as a socket delivered it.
#[derive(Debug, Clone)]
struct Event {
    cursor: i64,
    event: String,
    question_id: String,
    id: String,
    sender: String,
    /// The text of a chat message ("" for notices).
    text: String,
}

impl Event {
    fn of(frame: &Value) -> Event {
        let m = &frame["message"];
        Event {
            cursor: text(&frame["cursor"])
                .parse()
                .unwrap_or_else(|e| panic!("a numeric cursor ({e}): {frame}")),
            event: text(&frame["event"]),
            question_id: text(&frame["question_id"]),
            id: text(&m["message_id"]),
            sender: text(&m["sender"]),
            text: m["text"].as_str().unwrap_or_default().to_owned(),
        }
    }
}

/// The agent's socket from cursor 0: the `expected` stored events it
/// replays (then nothing more).
async fn replay_from_zero(app: &TestApp, a: &Agent, expected: usize) -> Vec<Event> {
    let mut ws = WsClient::open(
        &app.base,
        &[
            ("session", a.session.as_str()),
            ("serv_id", a.serv_id.as_str()),
            ("cursor", "0"),
        ],
    )
    .await;
    let mut events = Vec::with_capacity(expected);
    for _ in 0..expected {
        events.push(Event::of(&ws.next_stored().await));
    }
    ws.assert_quiet("the agent after its replay").await;
    ws.close().await;
    events
}

/// The events are numbered 1, 2, 3, ... in order: no gap, no repeat.
fn assert_gapless(events: &[Event]) {
    for (n, e) in events.iter().enumerate() {
        assert_eq!(e.cursor, n as i64 + 1, "event {n} of the stream: {e:?}");
    }
}

/// The chat messages (type 3) of a history: (sender, message_id, text).
/// Panics on anything else.
fn chat_messages(history: &[Value]) -> Vec<(String, String, String)> {
    history
        .iter()
        .map(|m| {
            assert_eq!(m["type"], 3, "a chat message: {m}");
            (text(&m["sender"]), text(&m["message_id"]), text(&m["text"]))
        })
        .collect()
}

/// `chat` (sender, id, text) is exactly what the `senders` of question
/// (`shop`, `question`) sent, each sender's messages in the order sent, each
/// once, with the text it sent.
fn assert_sent_in_order(
    chat: &[(String, String, String)],
    sent: &HashMap<(usize, usize, String), Vec<String>>,
    shop: usize,
    question: usize,
    senders: &[&str],
) {
    let mut expected_len = 0;
    for name in senders {
        let want = &sent[&(shop, question, (*name).to_owned())];
        expected_len += want.len();
        let got: Vec<&String> = chat
            .iter()
            .filter(|(sender, _, _)| sender == name)
            .map(|(_, id, _)| id)
            .collect();
        assert_eq!(
            got,
            want.iter().collect::<Vec<_>>(),
            "question {shop}/{question}: {name}'s messages, once each, in the order sent"
        );
        for (k, (_, _, text)) in chat.iter().filter(|(s, _, _)| s == name).enumerate() {
            assert_eq!(text, &format!("{shop}/{question} {name} #{k}"));
        }
    }
    assert_eq!(
        chat.len(),
        expected_len,
        "question {shop}/{question}: only its senders' messages"
    );
}

fn text_field(body: &Value, field: &str) -> String {
    body[field]
        .as_str()
        .unwrap_or_else(|| panic!("{field} in {body}"))
        .to_owned()
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}
