//! Several `kefu` nodes on one PostgreSQL database and one Redis, as the real
//! binary runs them: a customer on one node and an agent on another chat
//! live, agents on both nodes racing for the same questions claim each once,
//! a retried `client_msg_id` on both nodes is one message, a Redis outage
//! delays but never loses a stored message, and PostgreSQL dropping every
//! connection and Redis killed under load are recovered from without help.
//!
//! Needs `KEFU_TEST_POSTGRES_URL` and `KEFU_TEST_REDIS_URL` (the battery under
//! load starts a `redis-server` of its own, to kill); without them each test
//! reports that it was skipped.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::load::{assert_stored_once_in_order, Load};
use common::node::{
    agent, ask, create_tenant, serve, session, Http, Node, Socket, TempDir, TenantKeys, User,
};
use common::pg::Schema;
use common::redis::RedisProcess;
use common::{assert_chat, assert_v1_error, POSTGRES_ENV};
use serde_json::{json, Value};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

const REDIS_ENV: &str = "KEFU_TEST_REDIS_URL";

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_customer_on_one_node_and_an_agent_on_another_chat_live() {
    let Some((postgres, redis)) =
        services("a_customer_on_one_node_and_an_agent_on_another_chat_live")
    else {
        return;
    };
    let c = Cluster::start("chat", &postgres, &redis).await;
    let kim = session(&c.a.http, &c.tenant, "kim").await;
    let alice = agent(&c.a.http, &c.b.http, &c.tenant, "alice").await;
    let question = ask(&c.a.http, &kim, "退款进度").await;

    let (mut kim_ws, hello) = Socket::open(&c.a.base, &kim.query()).await;
    assert_eq!(
        (&hello["role"], &hello["user_id"]),
        (&json!("customer"), &json!("kim")),
        "{hello}"
    );
    let (mut alice_ws, hello) = Socket::open(&c.b.base, &alice.query()).await;
    assert_eq!(
        (&hello["role"], &hello["serv_id"]),
        (&json!("agent"), &json!("alice")),
        "{hello}"
    );

    // alice claims on node B; kim's socket on node A hears of it.
    let (status, body) = serve(&c.b.http, &alice, &question).await;
    assert_eq!(status, 200, "serve: {body}");
    let assigned = kim_ws.next_stored(&question).await;
    assert_eq!(assigned["event"], "assigned", "{assigned}");
    assert_eq!(assigned["message"]["sender"], "alice", "{assigned}");
    assert_eq!(assigned["message"]["sender_type"], 2, "{assigned}");
    assert_eq!(assigned["message"]["type"], 4, "{assigned}");
    assert_eq!(assigned["message"]["action"], 1, "{assigned}");
    let on_b = alice_ws.next_stored(&question).await;
    assert_eq!(on_b["event"], "assigned", "{on_b}");
    assert_eq!(
        on_b["message"], assigned["message"],
        "the same notice on both nodes"
    );

    // kim writes over the socket on A; alice reads it on B.
    kim_ws
        .send(json!({"type": "send", "ref": "k-1", "question_id": question, "text": "在吗？"}))
        .await;
    let ack = kim_ws.expect("kim's ack", |e| e["ref"] == "k-1").await;
    assert_eq!(ack["event"], "ack", "{ack}");
    let from_kim = alice_ws.next_stored(&question).await;
    assert_eq!(from_kim["event"], "message", "{from_kim}");
    let id = text(&ack["message_id"]);
    assert_chat(&from_kim["message"], id, "kim", 1, "在吗？");

    // alice answers over the socket on B; kim reads it on A, after his own.
    alice_ws
        .send(json!({"type": "send", "ref": "a-1", "question_id": question, "text": "在的，请讲"}))
        .await;
    let ack = alice_ws.expect("alice's ack", |e| e["ref"] == "a-1").await;
    assert_eq!(ack["event"], "ack", "{ack}");
    let own = kim_ws.next_stored(&question).await;
    assert_eq!(
        own["message"]["message_id"], from_kim["message"]["message_id"],
        "{own}"
    );
    let from_alice = kim_ws.next_stored(&question).await;
    assert_eq!(from_alice["event"], "message", "{from_alice}");
    let id = text(&ack["message_id"]);
    assert_chat(&from_alice["message"], id, "alice", 2, "在的，请讲");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn agents_on_two_nodes_racing_for_questions_claim_each_once() {
    let Some((postgres, redis)) =
        services("agents_on_two_nodes_racing_for_questions_claim_each_once")
    else {
        return;
    };
    let c = Cluster::start("race", &postgres, &redis).await;
    let nodes = [&c.a.http, &c.b.http];

    // 100 waiting questions from 10 customers, asked on both nodes.
    let mut questions = Vec::new();
    let mut asker = BTreeMap::new();
    for i in 0..10 {
        let http = nodes[i % 2];
        let customer = session(http, &c.tenant, &format!("customer-{i}")).await;
        for j in 0..10 {
            let question = ask(http, &customer, &format!("question {j}")).await;
            asker.insert(question.clone(), (http.clone(), customer.clone()));
            questions.push(question);
        }
    }
    // 20 agents, 10 bound on each node, each claiming every question in its
    // own order, all at once.
    let mut agents = Vec::new();
    for i in 0..20 {
        let http = nodes[i / 10];
        agents.push((
            http.clone(),
            agent(&c.a.http, http, &c.tenant, &format!("agent{i:02}")).await,
        ));
    }
    let start = Arc::new(tokio::sync::Barrier::new(agents.len()));
    let mut racers = tokio::task::JoinSet::new();
    for (i, (http, agent)) in agents.into_iter().enumerate() {
        let mut order = questions.clone();
        shuffle(&mut order, i as u64);
        let start = start.clone();
        racers.spawn(async move {
            start.wait().await;
            let mut results = Vec::new();
            for question in order {
                let result = serve(&http, &agent, &question).await;
                results.push((question, agent.serv_id.clone().unwrap(), result));
            }
            results
        });
    }
    let mut winners: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut attempts = 0;
    while let Some(joined) = racers.join_next().await {
        for (question, serv_id, result) in joined.unwrap() {
            attempts += 1;
            if result.0 == 200 {
                winners.entry(question).or_default().push(serv_id);
            } else {
                assert_v1_error(&result, 409, 4001, Some("question_id"));
            }
        }
    }
    assert_eq!(attempts, 20 * 100);
    for question in &questions {
        let won = winners.get(question).cloned().unwrap_or_default();
        assert_eq!(won.len(), 1, "claims of {question} that succeeded: {won:?}");
    }

    // Each history shows one "agent started" notice, by the winner.
    for question in &questions {
        let (http, customer) = &asker[question];
        let (status, body) = http
            .get(
                &format!("/v1/question/{question}/message"),
                &[("session", &customer.session), ("sort", "1"), ("num", "50")],
            )
            .await;
        assert_eq!(status, 200, "history: {body}");
        let notices: Vec<&Value> = body["messages"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|m| m["type"] == 4)
            .collect();
        assert_eq!(notices.len(), 1, "notices of {question}: {notices:?}");
        assert_eq!(notices[0]["action"], 1, "{}", notices[0]);
        assert_eq!(
            notices[0]["sender"],
            winners[question][0].as_str(),
            "{}",
            notices[0]
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn losing_redis_for_a_while_loses_no_stored_message() {
    let Some((postgres, redis)) = services("losing_redis_for_a_while_loses_no_stored_message")
    else {
        return;
    };
    let mut proxy = Proxy::start(&redis).await;
    let c = Cluster::start("outage", &postgres, &proxy.url).await;
    let kim = session(&c.a.http, &c.tenant, "kim").await;
    let alice = agent(&c.a.http, &c.b.http, &c.tenant, "alice").await;
    let question = ask(&c.a.http, &kim, "断线测试").await;
    let (status, body) = serve(&c.b.http, &alice, &question).await;
    assert_eq!(status, 200, "serve: {body}");
    let (mut kim_ws, _) = Socket::open(&c.a.base, &kim.query()).await;
    let (mut alice_ws, _) = Socket::open(&c.b.base, &alice.query()).await;

    // Through the proxy, Redis works: typing (never stored) crosses nodes, and
    // a message arrives.
    typing_crosses(&mut kim_ws, &mut alice_ws, &question, "before the outage").await;
    let mut sent = vec![say(&c.a.http, &kim, &question, "before").await];
    let got = alice_ws.next_stored(&question).await;
    assert_eq!(got["message"]["message_id"], sent[0], "{got}");

    // Redis is gone: every connection dropped, new ones refused.
    proxy.cut().await;
    let mut during = Vec::new();
    for i in 0..10 {
        during.push(say(&c.a.http, &kim, &question, &format!("during-{i}")).await);
    }
    for (i, id) in during.iter().enumerate() {
        let got = alice_ws.next_stored(&question).await;
        assert_eq!(
            (&got["message"]["message_id"], &got["message"]["text"]),
            (&json!(id), &json!(format!("during-{i}"))),
            "message {i} sent on node A during the outage, as node B delivered it: {got}"
        );
    }
    sent.extend(during);

    // Redis is back: live delivery works again, in order, none twice.
    proxy.restore().await;
    typing_crosses(&mut kim_ws, &mut alice_ws, &question, "after the outage").await;
    for i in 0..3 {
        let reference = format!("after-{i}");
        kim_ws
            .send(
                json!({"type": "send", "ref": reference, "question_id": question,
                         "text": reference}),
            )
            .await;
        let ack = kim_ws
            .expect("ack", |e| e["ref"] == reference.as_str())
            .await;
        assert_eq!(ack["event"], "ack", "{ack}");
        sent.push(ack["message_id"].as_str().unwrap().to_owned());
    }
    for _ in 0..3 {
        alice_ws.next_stored(&question).await;
    }
    let delivered: Vec<&Value> = alice_ws
        .stored
        .iter()
        .filter(|e| e["event"] == "message")
        .map(|e| &e["message"]["message_id"])
        .collect();
    let sent: Vec<Value> = sent.into_iter().map(Value::String).collect();
    assert_eq!(
        delivered,
        sent.iter().collect::<Vec<_>>(),
        "every message reached node B's agent once, in order"
    );
}

/// Sends `typing` from `from` until `to` receives it (live events travel on
/// Redis only, so this shows Redis carries events between the nodes).
async fn typing_crosses(from: &mut Socket, to: &mut Socket, question: &str, when: &str) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        from.send(json!({"type": "typing", "question_id": question}))
            .await;
        let typing = to
            .within(Duration::from_millis(500), |e| {
                e["event"] == "typing" && e["question_id"] == question
            })
            .await;
        if let Some(typing) = typing {
            assert_eq!(typing["sender_type"], 1, "{typing}");
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{when}: no typing event crossed from node A to node B in 30 s"
        );
    }
}

/// The customer's text over HTTP; returns its message id.
async fn say(http: &Http, customer: &User, question: &str, text: &str) -> String {
    let (status, body) = http
        .send_text(&customer.session, &customer.user_id, "1", question, text)
        .await;
    assert_eq!(status, 200, "send_text {text:?}: {body}");
    body["message_id"].as_str().unwrap().to_owned()
}

fn text(v: &Value) -> &str {
    v.as_str().unwrap_or_else(|| panic!("not a string: {v}"))
}

/// Fisher–Yates with a small xorshift generator seeded per agent.
fn shuffle<T>(items: &mut [T], seed: u64) {
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    for i in (1..items.len()).rev() {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        items.swap(i, (state % (i as u64 + 1)) as usize);
    }
}

/// The two service URLs, or `None` (and a SKIPPED line) when one is not set.
fn services(test: &str) -> Option<(String, String)> {
    let var = |name| std::env::var(name).ok().filter(|v: &String| !v.is_empty());
    match (var(POSTGRES_ENV), var(REDIS_ENV)) {
        (Some(postgres), Some(redis)) => Some((postgres, redis)),
        _ => {
            eprintln!("SKIPPED {test}: set {POSTGRES_ENV} and {REDIS_ENV} to run it");
            None
        }
    }
}

/// Two nodes on a fresh PostgreSQL schema and one Redis, with a tenant.
/// Fields drop in order: the nodes stop before the schema goes.
struct Cluster {
    a: Node,
    b: Node,
    tenant: TenantKeys,
    _database: Schema,
    _dir: TempDir,
}

impl Cluster {
    async fn start(what: &str, postgres: &str, redis: &str) -> Self {
        let dir = TempDir::new(&format!("multinode-{what}"));
        let database = Schema::create(postgres, "kefu_mn").await;
        let db = ["--database", database.url.as_str()];
        let tenant = create_tenant(&dir.path, &db);
        let args = ["--database", database.url.as_str(), "--redis", redis];
        let a = Node::start(&dir.path, "a", &args);
        let b = Node::start(&dir.path, "b", &args);
        Self {
            a,
            b,
            tenant,
            _database: database,
            _dir: dir,
        }
    }
}

/// A TCP proxy in front of Redis that the test can cut and restore.
struct Proxy {
    /// The real Redis, `host:port`.
    target: String,
    port: u16,
    /// The Redis URL that goes through the proxy.
    url: String,
    accept: Option<JoinHandle<()>>,
    connections: Arc<Mutex<Vec<JoinHandle<()>>>>,
}

impl Proxy {
    async fn start(redis: &str) -> Self {
        let rest = redis
            .strip_prefix("redis://")
            .unwrap_or_else(|| panic!("{REDIS_ENV} must be redis://..., not {redis}"));
        let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
        let (userinfo, target) = match authority.rfind('@') {
            Some(at) => authority.split_at(at + 1),
            None => ("", authority),
        };
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = listener.local_addr().unwrap().port();
        let mut proxy = Self {
            target: target.to_owned(),
            port,
            url: format!("redis://{userinfo}127.0.0.1:{port}{path}"),
            accept: None,
            connections: Arc::default(),
        };
        proxy.listen(listener);
        proxy
    }

    fn listen(&mut self, listener: TcpListener) {
        let (target, connections) = (self.target.clone(), self.connections.clone());
        self.accept = Some(tokio::spawn(async move {
            loop {
                let Ok((mut client, _)) = listener.accept().await else {
                    continue;
                };
                let target = target.clone();
                let piping = tokio::spawn(async move {
                    if let Ok(mut server) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut client, &mut server).await;
                    }
                });
                connections.lock().unwrap().push(piping);
            }
        }));
    }

    /// Drops every connection and stops listening (new ones are refused).
    async fn cut(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
            let _ = accept.await;
        }
        let connections = std::mem::take(&mut *self.connections.lock().unwrap());
        for connection in connections {
            connection.abort();
            let _ = connection.await;
        }
    }

    /// Listens again on the same port.
    async fn restore(&mut self) {
        let deadline = Instant::now() + Duration::from_secs(10);
        let listener = loop {
            match TcpListener::bind(("127.0.0.1", self.port)).await {
                Ok(listener) => break listener,
                Err(e) => assert!(
                    Instant::now() < deadline,
                    "cannot listen on port {} again: {e}",
                    self.port
                ),
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        self.listen(listener);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(accept) = self.accept.take() {
            accept.abort();
        }
        for connection in self.connections.lock().unwrap().drain(..) {
            connection.abort();
        }
    }
}

/// An agent's session ended on one node closes its sockets on every node
/// within a second: `serv/unbind`, and a password change.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn revocation_closes_sockets_on_every_node_within_a_second() {
    const AT_ONCE: Duration = Duration::from_secs(1);
    const SESSION_ENDED: u16 = 4001;
    let Some((postgres, redis)) =
        services("revocation_closes_sockets_on_every_node_within_a_second")
    else {
        return;
    };
    let c = Cluster::start("revoke", &postgres, &redis).await;
    let alice = agent(&c.a.http, &c.a.http, &c.tenant, "alice").await;
    let bob = agent(&c.b.http, &c.b.http, &c.tenant, "bob").await;
    let (alice_on_a, _) = Socket::open(&c.a.base, &alice.query()).await;
    let (alice_on_b, _) = Socket::open(&c.b.base, &alice.query()).await;
    let (bob_on_a, _) = Socket::open(&c.a.base, &bob.query()).await;

    // alice unbinds on node A: her socket on node B closes too.
    let (status, body) =
        c.a.http
            .post(
                "/v1/serv/unbind",
                &[
                    ("session", alice.session.as_str()),
                    ("serv_id", "alice"),
                    ("password", "pw-alice"),
                ],
            )
            .await;
    assert_eq!(status, 200, "{body}");
    let (on_a, on_b) = tokio::join!(
        alice_on_a.close_code_within(AT_ONCE),
        alice_on_b.close_code_within(AT_ONCE)
    );
    assert_eq!((on_a, on_b), (SESSION_ENDED, SESSION_ENDED));

    // bob's password is changed on node B: his socket on node A closes.
    let list =
        c.b.http
            .api(
                reqwest::Method::GET,
                "/api/v1/supportgroups/supports/search.json?query=sPassportName:bob",
                &c.tenant.admin,
                None,
            )
            .await;
    let sid = &list.body["supports"][0]["sId"];
    let r =
        c.b.http
            .api(
                reqwest::Method::PUT,
                &format!("/api/v1/supports/{sid}.json"),
                &c.tenant.admin,
                Some(json!({ "support": { "password": "pw-bob-2" } })),
            )
            .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(bob_on_a.close_code_within(AT_ONCE).await, SESSION_ENDED);
}

/// The same `client_msg_id` sent 10 times at once, half to each node: one
/// message is stored, and every send is answered with its id.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_same_client_msg_id_ten_times_on_two_nodes_is_one_message() {
    let Some((postgres, redis)) =
        services("the_same_client_msg_id_ten_times_on_two_nodes_is_one_message")
    else {
        return;
    };
    let c = Cluster::start("retries", &postgres, &redis).await;
    let kim = session(&c.a.http, &c.tenant, "kim").await;
    let question = ask(&c.a.http, &kim, "重试").await;
    let mut sends = tokio::task::JoinSet::new();
    for i in 0..10 {
        let http = if i % 2 == 0 { &c.a.http } else { &c.b.http }.clone();
        let (kim, question) = (kim.clone(), question.clone());
        sends.spawn(async move {
            let form = [
                ("session", kim.session.as_str()),
                ("sender", kim.user_id.as_str()),
                ("sender_type", "1"),
                ("text", "只发一次"),
                ("client_msg_id", "retry-1"),
            ];
            http.post(&format!("/v1/question/{question}/message/send_text"), &form)
                .await
        });
    }
    let mut ids = std::collections::HashSet::new();
    while let Some(done) = sends.join_next().await {
        let (status, body) = done.unwrap();
        assert_eq!(status, 200, "{body}");
        ids.insert(body["message_id"].as_str().unwrap().to_owned());
    }
    assert_eq!(ids.len(), 1, "every send answered with the one id: {ids:?}");
    let history = c.b.http.history(&kim.session, &question).await;
    let texts: Vec<&Value> = history.iter().filter(|m| m["type"] == 3).collect();
    assert_eq!(texts.len(), 1, "{history:?}");
    assert_eq!(
        Some(texts[0]["message_id"].as_str().unwrap()),
        ids.iter().next().map(String::as_str)
    );
}

/// Storage and Redis fail under load and come back; kefu is not restarted.
/// Eight senders (four on each node) write into one conversation while
/// PostgreSQL drops every connection kefu has (what its restart does to
/// clients) twice, and Redis (a private `redis-server`) is killed with
/// SIGKILL and, a while later, started again empty on the same port. Each
/// time sends are acknowledged again without help, and once Redis is back
/// live events cross the nodes on it again. Afterwards every acknowledged
/// message is stored once in each sender's order, the agent's socket on the
/// other node received each once, and both nodes are ready.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_and_redis_failing_under_load_lose_nothing_acknowledged() {
    const TEST: &str = "postgres_and_redis_failing_under_load_lose_nothing_acknowledged";
    // Its own Redis, to kill: the machine's keeps serving the other tests.
    let Some(postgres) = common::pg::server(TEST) else {
        return;
    };
    let Some(mut redis) = RedisProcess::start(TEST) else {
        return;
    };
    let redis_url = redis.url();
    let dir = TempDir::new("multinode-chaos");
    let database = Schema::create(&postgres, "kefu_chaos").await;
    // Named, so that only this test's connections are terminated.
    let name = format!("kefu-chaos-{}", kefu::ids::random_token(8).to_lowercase());
    let url = format!("{}&application_name={name}", database.url);
    let tenant = create_tenant(&dir.path, &["--database", &url]);
    let args = ["--database", url.as_str(), "--redis", redis_url.as_str()];
    let a = Node::start(&dir.path, "a", &args);
    let b = Node::start(&dir.path, "b", &args);
    let kim = session(&a.http, &tenant, "kim").await;
    let alice = agent(&a.http, &b.http, &tenant, "alice").await;
    let question = ask(&a.http, &kim, "压力测试").await;
    let (status, body) = serve(&b.http, &alice, &question).await;
    assert_eq!(status, 200, "serve: {body}");
    let (mut alice_ws, _) = Socket::open(&b.base, &alice.query()).await;

    let mut load = Load::start(&[&a.http, &b.http], &kim, &question, 8);
    let admin = sqlx::PgPool::connect(&postgres).await.unwrap();
    let mut terminated = 0;
    load.more(300, "at the start").await;
    for round in 0..2 {
        let dropped: Vec<bool> = sqlx::query_scalar(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        )
        .bind(&name)
        .fetch_all(&admin)
        .await
        .unwrap();
        assert!(!dropped.is_empty(), "kefu's connections are named {name}");
        terminated += dropped.len();
        load.more(300, "after PostgreSQL dropped kefu's connections")
            .await;
        if round == 0 {
            redis.kill();
            load.more(300, "with Redis killed").await;
        }
    }
    redis.start_again();
    // Live events (typing is never stored) cross the nodes again: node A
    // publishes to the new Redis and node B hears it, both by themselves.
    let (mut kim_ws, _) = Socket::open(&a.base, &kim.query()).await;
    let (mut alice_typing_ws, _) = Socket::open(&b.base, &alice.query()).await;
    typing_crosses(
        &mut kim_ws,
        &mut alice_typing_ws,
        &question,
        "after Redis was started again",
    )
    .await;
    load.more(300, "after Redis came back").await;
    let sent = load.stop().await;

    for node in [&a, &b] {
        let (status, ready) = node.http.get("/readyz", &[]).await;
        assert_eq!(status, 200, "{ready}");
    }
    let history = a.http.history(&kim.session, &question).await;
    assert_stored_once_in_order(&history, &sent);
    // Node B's agent received every acknowledged message, each once.
    let wanted: std::collections::HashSet<&str> =
        sent.acked.iter().map(|(_, id)| id.as_str()).collect();
    let mut delivered = std::collections::HashSet::new();
    while !wanted.iter().all(|id| delivered.contains(*id)) {
        let event = alice_ws.next_stored(&question).await;
        if let Some(id) = event["message"]["message_id"].as_str() {
            assert!(delivered.insert(id.to_owned()), "{id} delivered twice");
        }
    }
    println!(
        "BATTERY outage: {} acknowledged messages from 8 senders on 2 nodes checked while \
         PostgreSQL dropped {terminated} connections (twice) and Redis was killed and started \
         again: all stored once in order and delivered to the other node's agent; {} sends \
         refused or failed meanwhile",
        sent.acked.len(),
        sent.failed
    );
}
