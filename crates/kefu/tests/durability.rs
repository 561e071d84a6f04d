//! `--durability` keeps its promise against the real `kefu` binary, on
//! SQLite and on PostgreSQL: a node killed with SIGKILL while 32 senders are
//! writing as fast as they can loses no acknowledged message. After a
//! restart on the same data the question's history holds every message
//! answered 200 exactly once (with the id the answer gave), each sender's in
//! the order it sent them; a send that failed or got no answer may or may
//! not be there, never twice; nothing appears that was never sent; SQLite's
//! `PRAGMA integrity_check` passes; and the restarted node answers a new
//! send normally. Rounds of kill and restart, each on what the previous kill
//! left, until the battery's kills came while sends were in flight (a send
//! that started before the kill got no answer). The reliability battery
//! (RELIABILITY.md) is 20 kills of 500 acknowledged sends each, so at least
//! 10,000 acknowledged messages, on each backend.
//!
//! Nothing sleeps for timing: each kill comes once the round's own counter
//! of acknowledged sends reaches its threshold, whatever the machine's
//! speed. The sender that counted that answer pulls the trigger itself, and a
//! shell armed beforehand delivers the signal (its builtin `kill` runs
//! microseconds after the trigger, not a process start later), so the kill
//! lands right after an answer, while the group behind it is being written.
//! The test fails if the server answered a send before its group's commit
//! (that group would be missing after the restart) or stored a message twice.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::node::{ask, create_tenant, session, Http, Node, TempDir, User};
use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinSet;

/// Concurrent senders, each sending one message after another.
const SENDERS: usize = 32;
/// How hard a test pushes: kills with sends in flight, and acknowledged
/// sends per round after which the node is killed.
#[derive(Clone, Copy)]
struct Battery {
    kills: usize,
    kill_after: usize,
}

/// The reliability battery: 20 kills, 10,000 acknowledged messages at least.
const BATTERY: Battery = Battery {
    kills: 20,
    kill_after: 500,
};
/// `--durability strict` runs shorter: what it adds (waiting for the disk)
/// a kill of the process cannot tell apart.
const SHORT: Battery = Battery {
    kills: 5,
    kill_after: 300,
};
/// Messages per page of history (the largest `num` seed 003 allows).
const PAGE: &str = "50";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_normal_a_killed_node_loses_no_acknowledged_message() {
    a_killed_node_loses_no_acknowledged_message("normal", None, BATTERY).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_strict_a_killed_node_loses_no_acknowledged_message() {
    a_killed_node_loses_no_acknowledged_message("strict", None, SHORT).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_normal_a_killed_node_loses_no_acknowledged_message() {
    let Some(base) = common::pg::server("the PostgreSQL kill battery") else {
        return;
    };
    // A kill of kefu, not of PostgreSQL: a commit PostgreSQL acknowledged
    // (even with synchronous_commit off) is the server's to keep.
    let schema = common::pg::Schema::create(&base, "kefu_kill").await;
    a_killed_node_loses_no_acknowledged_message("normal", Some(&schema.url), BATTERY).await;
}

async fn a_killed_node_loses_no_acknowledged_message(
    durability: &str,
    database: Option<&str>,
    battery: Battery,
) {
    let backend = if database.is_some() {
        "postgres"
    } else {
        "sqlite"
    };
    let dir = TempDir::new(&format!("durability-{backend}-{durability}"));
    let mut args = vec!["--durability", durability];
    if let Some(url) = database {
        args.extend(["--database", url]);
    }
    let tenant = create_tenant(&dir.path, &args[2..]);
    let mut node = Node::start(&dir.path, "node", &args);
    let (status, health) = node.http.get("/healthz", &[]).await;
    assert_eq!(status, 200, "healthz: {health}");
    assert_eq!(health["storage"], backend, "{health}");
    assert_eq!(health["durability"], durability, "{health}");
    let kill_after = battery.kill_after;
    let max_rounds = 3 * battery.kills;

    let customer = session(&node.http, &tenant, "writer").await;
    let question = ask(&node.http, &customer, "what survives a kill").await;
    let mut sends = Sends::default();
    let mut last_sent = None;
    let (mut round, mut kills) = (0, 0);
    while kills < battery.kills {
        assert!(
            round < max_rounds,
            "only {kills} of {round} kills came while sends were in flight"
        );
        let run = send_until_killed(node, &customer, &question, round, kill_after).await;
        let (acked, refused, in_flight, unanswered) = run.counts();
        eprintln!(
            "{backend} --durability {durability}, round {round}: the kill came at {} acknowledged; \
             in all {acked} acknowledged, {refused} refused, {unanswered} unanswered \
             ({in_flight} of them in flight at the kill)",
            run.acked_at_kill
        );
        assert!(acked >= kill_after, "round {round}: {acked} acknowledged");
        if in_flight > 0 {
            kills += 1;
        }
        assert_eq!(
            refused,
            0,
            "round {round}: a node under load refused sends it should have stored: {:?}",
            run.outcomes
                .iter()
                .filter(|o| matches!(o, Outcome::Refused { .. }))
                .take(5)
                .collect::<Vec<_>>()
        );
        sends.add(run.outcomes);

        // The same data folder, a new process (the killed one's log kept).
        let killed_log = dir.path.join(format!("node-killed-{round}.log"));
        std::fs::rename(dir.path.join("node.log"), killed_log).expect("keep the killed log");
        node = Node::start(&dir.path, "node", &args);
        let history = history(&node.http, &customer, &question).await;
        let checked = sends
            .check(&history)
            .unwrap_or_else(|wrong| panic!("after kill {round} and a restart: {wrong}"));
        if database.is_none() {
            assert_eq!(integrity_check(&dir.path).await, "ok", "after kill {round}");
        }
        eprintln!(
            "{backend} --durability {durability}, round {round}: the history holds {} messages; \
             {} of the {} unanswered sends so far were stored",
            history.len(),
            checked.unanswered_stored,
            sends.unanswered.len()
        );
        assert_eq!(checked.others, Vec::<String>::new(), "never sent");

        // The restarted node answers normally: a new send, with the old session.
        let text = format!("after restart {round}");
        let (status, body) = node
            .http
            .send_text(&customer.session, &customer.user_id, "1", &question, &text)
            .await;
        assert_eq!(status, 200, "a send after restart {round}: {body}");
        let id = body["message_id"]
            .as_str()
            .expect("a message_id")
            .to_owned();
        sends.add([Outcome::Acked {
            text: text.clone(),
            id: Some(id.clone()),
        }]);
        last_sent = Some((id, text));
        round += 1;
    }

    let history = history(&node.http, &customer, &question).await;
    let checked = sends
        .check(&history)
        .unwrap_or_else(|wrong| panic!("after the last restart: {wrong}"));
    assert_eq!(checked.others, Vec::<String>::new(), "never sent");
    let (id, text) = last_sent.expect("a send after the last restart");
    let last = history.last().expect("a history");
    assert_eq!(
        (&last["message_id"], &last["text"]),
        (&Value::from(id), &Value::from(text)),
        "the send after the last restart comes last"
    );
    // The battery's figures (RELIABILITY.md); shown with --nocapture.
    println!(
        "BATTERY kill-9 {backend} --durability {durability}: {kills} kills with sends in flight \
         in {round} rounds; {} acknowledged messages checked, each stored once and in its \
         sender's order, none lost{}",
        sends.acked.len(),
        if database.is_none() {
            "; SQLite integrity_check ok after every restart"
        } else {
            ""
        }
    );
}

/// `PRAGMA integrity_check` of the node's SQLite database, on a read-only
/// connection of its own (the restarted node keeps running).
async fn integrity_check(dir: &std::path::Path) -> String {
    use sqlx::sqlite::SqliteConnectOptions;
    use sqlx::ConnectOptions;
    let mut conn = SqliteConnectOptions::new()
        .filename(dir.join("node").join("kefu.db"))
        .read_only(true)
        .connect()
        .await
        .expect("open the database read-only");
    let rows: Vec<String> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await
        .expect("integrity_check");
    rows.join("; ")
}

/// The sends of one round and when its kill came.
struct Run {
    outcomes: Vec<Outcome>,
    acked_at_kill: usize,
}

impl Run {
    /// How many sends were acknowledged, refused, unanswered having started
    /// before the kill (in flight at the kill), and unanswered in all.
    fn counts(&self) -> (usize, usize, usize, usize) {
        let mut counts = (0, 0, 0, 0);
        for outcome in &self.outcomes {
            match outcome {
                Outcome::Acked { .. } => counts.0 += 1,
                Outcome::Refused { .. } => counts.1 += 1,
                Outcome::Unanswered { before_kill, .. } => {
                    counts.2 += usize::from(*before_kill);
                    counts.3 += 1;
                }
            }
        }
        counts
    }
}

/// [`SENDERS`] senders at once, as fast as answers come, until `node` is
/// killed `kill_after` acknowledgements in; then it is reaped.
async fn send_until_killed(
    node: Node,
    customer: &User,
    question: &str,
    round: usize,
    kill_after: usize,
) -> Run {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("an HTTP client");
    let url = format!("{}/v1/question/{question}/message/send_text", node.base);
    let (mut shell, trigger) = Trigger::arm(node.pid());
    let trigger = Arc::new(trigger);
    let (acked, mut acked_seen) = watch::channel(0usize);
    let acked = Arc::new(acked);
    let stop = Arc::new(AtomicBool::new(false));
    let mut senders = JoinSet::new();
    for task in 0..SENDERS {
        let sender = Sender {
            client: client.clone(),
            url: url.clone(),
            customer: customer.clone(),
            prefix: format!("r{round}-s{task}"),
            acked: acked.clone(),
            trigger: trigger.clone(),
            stop: stop.clone(),
            kill_after,
        };
        senders.spawn(sender.run());
    }

    // The sender counting the kill_after-th answer pulls the trigger itself.
    tokio::time::timeout(
        Duration::from_secs(120),
        acked_seen.wait_for(|n| *n >= kill_after),
    )
    .await
    .unwrap_or_else(|_| {
        panic!(
            "round {round}: fewer than {kill_after} sends acknowledged in 120 s ({} so far)",
            *acked.borrow()
        )
    })
    .expect("the senders hold the counter");
    let killed = shell.wait().expect("the killing shell ends");
    assert!(killed.success(), "kill -KILL {}: {killed}", node.pid());
    // Only now: sends in flight at the kill must stay in flight until it.
    stop.store(true, Ordering::SeqCst);
    let acked_at_kill = *acked_seen.borrow();
    let mut outcomes = Vec::new();
    while let Some(joined) = senders.join_next().await {
        outcomes.extend(joined.unwrap());
    }
    // Dead and not yet reaped (the Node still holds it): a zombie. Then the
    // drop reaps it; its SIGTERM reaches no one.
    assert_dead(node.pid());
    drop(node);
    Run {
        outcomes,
        acked_at_kill,
    }
}

/// The kill, armed ahead: a shell waiting on its standard input to SIGKILL
/// the node, so that the kill lands microseconds after [`Trigger::pull`]
/// rather than a process start later. If the test fails first, the shell's
/// input closes and it exits without killing.
struct Trigger {
    /// Set just before the kill is triggered.
    fired: AtomicBool,
    pipe: Mutex<Option<ChildStdin>>,
}

impl Trigger {
    /// The shell (to wait for: it ends once the signal was sent) and its trigger.
    fn arm(pid: u32) -> (Child, Self) {
        let mut shell = Command::new("sh")
            .args(["-c", &format!("read go && kill -KILL {pid}")])
            .stdin(Stdio::piped())
            .spawn()
            .expect("start the killing shell");
        let pipe = shell.stdin.take().expect("piped stdin");
        let trigger = Self {
            fired: AtomicBool::new(false),
            pipe: Mutex::new(Some(pipe)),
        };
        (shell, trigger)
    }

    /// Kills the node; only the first pull does anything.
    fn pull(&self) {
        self.fired.store(true, Ordering::SeqCst);
        let pipe = self.pipe.lock().expect("the trigger's lock").take();
        if let Some(mut pipe) = pipe {
            pipe.write_all(b"go\n").expect("trigger the kill");
        }
    }

    fn fired(&self) -> bool {
        self.fired.load(Ordering::SeqCst)
    }
}

/// What one send came to.
#[derive(Debug)]
enum Outcome {
    /// Answered 200; the id the answer gave, if its body arrived whole.
    Acked { text: String, id: Option<String> },
    /// Answered with another status.
    Refused {
        text: String,
        status: u16,
        body: String,
    },
    /// No answer (the kill cut the connection, or it was refused);
    /// `before_kill` if the send started before the kill was triggered.
    Unanswered {
        text: String,
        error: String,
        before_kill: bool,
    },
}

/// One of the concurrent senders: the customer's text messages, each text
/// unique (`{prefix}-{k}`).
struct Sender {
    client: reqwest::Client,
    url: String,
    customer: User,
    prefix: String,
    acked: Arc<watch::Sender<usize>>,
    trigger: Arc<Trigger>,
    stop: Arc<AtomicBool>,
    kill_after: usize,
}

impl Sender {
    async fn run(self) -> Vec<Outcome> {
        let mut outcomes = Vec::new();
        let mut k = 0;
        while !self.stop.load(Ordering::SeqCst) {
            let text = format!("{}-{k}", self.prefix);
            k += 1;
            let outcome = self.send(text).await;
            if matches!(outcome, Outcome::Acked { .. }) {
                self.acked.send_modify(|n| *n += 1);
                if *self.acked.borrow() >= self.kill_after {
                    self.trigger.pull();
                }
            }
            outcomes.push(outcome);
        }
        outcomes
    }

    async fn send(&self, text: String) -> Outcome {
        let form = [
            ("session", self.customer.session.as_str()),
            ("sender", self.customer.user_id.as_str()),
            ("sender_type", "1"),
            ("text", text.as_str()),
        ];
        let before_kill = !self.trigger.fired();
        let response = match self.client.post(&self.url).form(&form).send().await {
            Ok(response) => response,
            Err(e) => {
                return Outcome::Unanswered {
                    text,
                    error: e.to_string(),
                    before_kill,
                }
            }
        };
        let status = response.status().as_u16();
        // A 200 counts as acknowledged even if the kill cut its body: the
        // server chose to answer 200.
        let body = response.text().await.unwrap_or_default();
        if status == 200 {
            let id = serde_json::from_str::<Value>(&body)
                .ok()
                .and_then(|b| b["message_id"].as_str().map(str::to_owned));
            Outcome::Acked { text, id }
        } else {
            Outcome::Refused { text, status, body }
        }
    }
}

/// Every send of the test, by outcome.
#[derive(Default)]
struct Sends {
    /// Text → the id its answer gave.
    acked: HashMap<String, Option<String>>,
    refused: Vec<(String, u16, String)>,
    unanswered: Vec<(String, String)>,
}

/// What the history held beyond the acknowledged messages.
#[derive(Debug, PartialEq, Eq)]
struct Checked {
    /// Unanswered sends that were stored anyway (each once).
    unanswered_stored: usize,
    /// Texts in the history that no send wrote.
    others: Vec<String>,
}

impl Sends {
    fn add(&mut self, outcomes: impl IntoIterator<Item = Outcome>) {
        for outcome in outcomes {
            match outcome {
                Outcome::Acked { text, id } => {
                    let again = self.acked.insert(text.clone(), id);
                    assert!(again.is_none(), "text {text} sent twice");
                }
                Outcome::Refused { text, status, body } => self.refused.push((text, status, body)),
                Outcome::Unanswered { text, error, .. } => self.unanswered.push((text, error)),
            }
        }
    }

    /// What `history` (oldest first) held beyond the acknowledged messages, or
    /// what is wrong with it: an acknowledged text missing or stored with
    /// another id than its answer gave, a text or id listed twice, a
    /// sender's texts out of order, a message that is not a text. (Ids need
    /// not rise: the history is in commit order, see migration 0007.)
    fn check(&self, history: &[Value]) -> Result<Checked, String> {
        let mut by_text: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut ids = HashSet::new();
        let mut last_of_sender: HashMap<&str, u64> = HashMap::new();
        for m in history {
            let (Some(id), Some(text), 3) = (
                m["message_id"].as_str(),
                m["text"].as_str(),
                m["type"].as_i64().unwrap_or_default(),
            ) else {
                return Err(format!("not a text message with an id: {m}"));
            };
            if !ids.insert(id) {
                return Err(format!("message {id} listed twice: {m}"));
            }
            // A sender waits for each answer before its next send, so its
            // texts (`r{round}-s{sender}-{k}`) come in the order of `k`.
            if let Some((sender, k)) = text.rsplit_once('-') {
                if let Ok(k) = k.parse::<u64>() {
                    if let Some(before) = last_of_sender.insert(sender, k) {
                        if before >= k {
                            return Err(format!(
                                "{text} out of its sender's order (after {sender}-{before})"
                            ));
                        }
                    }
                }
            }
            by_text.entry(text).or_default().push(id);
        }
        let mut twice: Vec<_> = by_text.iter().filter(|(_, ids)| ids.len() > 1).collect();
        if !twice.is_empty() {
            twice.sort();
            return Err(format!("texts stored more than once: {twice:?}"));
        }

        let mut lost: Vec<&String> = self
            .acked
            .keys()
            .filter(|text| !by_text.contains_key(text.as_str()))
            .collect();
        if !lost.is_empty() {
            lost.sort();
            return Err(format!(
                "{} of {} acknowledged messages lost: {lost:?}",
                lost.len(),
                self.acked.len()
            ));
        }
        for (text, id) in &self.acked {
            match (id, by_text[text.as_str()].as_slice()) {
                (Some(id), [stored]) if stored != id => {
                    return Err(format!(
                        "{text} was answered as {id} but stored as {stored}"
                    ))
                }
                _ => {}
            }
        }

        let unanswered: HashSet<&str> = self.unanswered.iter().map(|(t, _)| t.as_str()).collect();
        let refused: HashSet<&str> = self.refused.iter().map(|(t, _, _)| t.as_str()).collect();
        let mut checked = Checked {
            unanswered_stored: 0,
            others: Vec::new(),
        };
        for (text, _) in by_text {
            if unanswered.contains(text) {
                checked.unanswered_stored += 1;
            } else if !self.acked.contains_key(text) && !refused.contains(text) {
                checked.others.push(text.to_owned());
            }
        }
        Ok(checked)
    }
}

/// The question's whole history as its customer reads it, oldest first,
/// page by page after the previous page's last id.
async fn history(http: &Http, customer: &User, question: &str) -> Vec<Value> {
    let path = format!("/v1/question/{question}/message");
    let mut all: Vec<Value> = Vec::new();
    loop {
        let mut query = vec![
            ("session", customer.session.as_str()),
            ("sort", "1"),
            ("num", PAGE),
        ];
        let cursor = all
            .last()
            .map(|m| m["message_id"].as_str().expect("a message_id").to_owned());
        if let Some(cursor) = &cursor {
            query.push(("message_id", cursor));
        }
        let (status, body) = http.get(&path, &query).await;
        assert_eq!(status, 200, "history: {body}");
        let page = body["messages"].as_array().expect("messages");
        if page.is_empty() {
            return all;
        }
        all.extend(page.iter().cloned());
    }
}

/// Panics unless `pid` ends as a zombie (killed, not yet reaped) within 10 s;
/// polls its state every 10 ms.
fn assert_dead(pid: u32) {
    let stat = format!("/proc/{pid}/stat");
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let text = std::fs::read_to_string(&stat).unwrap_or_default();
        // `PID (comm) STATE ...`; comm may hold spaces, so after the last ')'.
        let state = text.rsplit(')').next().unwrap_or_default().trim_start();
        if state.starts_with('Z') {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "kefu {pid} still alive 10 s after SIGKILL: {text}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// The checker itself fails on what it must catch: a lost acknowledged
/// message, a message stored twice, an id other than the answer's, paging
/// gone wrong; and tells what no send wrote.
#[test]
fn the_check_catches_lost_duplicated_and_misidentified_messages() {
    let message =
        |id: &str, text: &str| serde_json::json!({"message_id": id, "text": text, "type": 3});
    let mut sends = Sends::default();
    sends.add([
        Outcome::Acked {
            text: "a".into(),
            id: Some("01".into()),
        },
        Outcome::Acked {
            text: "b".into(),
            id: None,
        },
        Outcome::Unanswered {
            text: "c".into(),
            error: "reset".into(),
            before_kill: true,
        },
        Outcome::Refused {
            text: "d".into(),
            status: 500,
            body: String::new(),
        },
    ]);
    let whole = [message("01", "a"), message("02", "b"), message("03", "c")];
    assert_eq!(
        sends.check(&whole),
        Ok(Checked {
            unanswered_stored: 1,
            others: Vec::new()
        })
    );
    let with_d_and_x = [
        message("01", "a"),
        message("02", "b"),
        message("04", "d"),
        message("05", "x"),
    ];
    assert_eq!(
        sends.check(&with_d_and_x),
        Ok(Checked {
            unanswered_stored: 0,
            others: vec!["x".to_owned()]
        })
    );

    let wrong = |history: &[Value], expected: &str| {
        let error = sends.check(history).expect_err(expected);
        assert!(error.contains(expected), "{expected:?} not in {error:?}");
    };
    wrong(&[message("01", "a")], "1 of 2 acknowledged messages lost");
    wrong(&[message("02", "b")], "lost: [\"a\"]");
    let b_twice = [message("01", "a"), message("02", "b"), message("03", "b")];
    wrong(&b_twice, "texts stored more than once");
    let c_twice = [
        message("01", "a"),
        message("02", "b"),
        message("03", "c"),
        message("04", "c"),
    ];
    wrong(&c_twice, "texts stored more than once");
    let d_twice = [
        message("01", "a"),
        message("02", "b"),
        message("04", "d"),
        message("05", "d"),
    ];
    wrong(&d_twice, "texts stored more than once");
    wrong(
        &[message("00", "a"), message("02", "b")],
        "a was answered as 01 but stored as 00",
    );
    wrong(
        &[message("01", "r0-s1-1"), message("02", "r0-s1-0")],
        "r0-s1-0 out of its sender's order (after r0-s1-1)",
    );
    wrong(&[message("01", "a"), message("01", "b")], "listed twice");
    let notice = serde_json::json!({"message_id": "02", "type": 4, "action": 1});
    wrong(&[message("01", "a"), notice], "not a text message");
}
