//! Many seed 001 connects at once, on SQLite and PostgreSQL: connects that
//! arrive while a routing round runs are routed together by the next one,
//! and the routing promises of docs/api/customers.md still hold: every
//! answer is an agent or a queue place, no agent over capacity, distinct
//! places per queue, oldest first, also with two engines (nodes) on one
//! database.
//!
//! Nothing sleeps for timing; nothing asserts how long anything took.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use common::desk::Desk;
use common::{question_ids, Agent, TestApp, ACCEPTING};
use kefu::engine::Engine;
use reqwest::header::AUTHORIZATION;
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    three_hundred_connects_at_once_fill_every_agent_and_queue_the_rest_in_order,
    a_burst_numbers_the_department_queue_and_the_general_queue_apart,
    two_engines_on_one_database_route_a_burst_as_one,
);

/// 300 customers connect at once to 10 agents of capacity 5 (every third a
/// web visitor, through `client_connect`): exactly 50 are served, 5 by each
/// agent (as the answers say and as the agents' own lists say), and 250
/// wait at places 1..=250. Then agents finish one conversation at a time
/// and the queue moves oldest first, everyone behind moving up one place.
async fn three_hundred_connects_at_once_fill_every_agent_and_queue_the_rest_in_order(app: TestApp) {
    let desk = Desk::new(&app, "Burst").await;
    desk.settings_ok(json!({ "max_chats": 5 })).await;
    let agents = online_agents(&app, &desk, "b", 10).await;

    let answers = connect_at_once(&desk, 300, None).await;
    let (serving, queue) = sort_out(&answers);

    // 50 served, 5 by each agent: by the answers and by the server.
    assert_eq!(serving.values().map(Vec::len).sum::<usize>(), 50);
    for agent in &agents {
        let rids = serving.get(&agent.serv_id).cloned().unwrap_or_default();
        assert_eq!(rids.len(), 5, "{} serves {rids:?}", agent.serv_id);
        assert_eq!(sorted(tasks(&app, agent).await), sorted(rids));
    }
    assert!(
        serving
            .keys()
            .all(|a| agents.iter().any(|b| &b.serv_id == a)),
        "{serving:?}"
    );
    // 250 wait, each at a place of its own.
    let places: Vec<i64> = queue.iter().map(|a| a.wait).collect();
    assert_eq!(places, (1..=250).collect::<Vec<_>>());
    for a in queue.iter().step_by(25) {
        assert_eq!(customer_view(&app, a).await, (1, String::new()), "{a:?}");
    }

    // Agents finish one at a time: the one waiting longest goes to the agent
    // who freed up, and visitors behind it hear a place one lower.
    for k in 0..20 {
        let agent = &agents[k % agents.len()];
        let done = serving[&agent.serv_id][k / agents.len()].clone();
        let (status, body) = app.act(agent, &done, "finish").await;
        assert_eq!(status, 200, "finish: {body}");
        let next = &queue[k];
        assert_eq!(
            customer_view(&app, next).await,
            (2, agent.serv_id.clone()),
            "the oldest waiting after finish {k}: {next:?}"
        );
        for behind in queue[k + 1..].iter().filter(|a| a.visitor).take(3) {
            assert_eq!(
                where_is(&desk, behind).await,
                (String::new(), behind.wait - k as i64 - 1),
                "after finish {k}: {behind:?}"
            );
        }
        assert_eq!(tasks(&app, agent).await.len(), 5, "{}", agent.serv_id);
    }
    for agent in &agents {
        assert_eq!(tasks(&app, agent).await.len(), 5, "{}", agent.serv_id);
    }
}

/// A burst of 120 connects, half in a department with 3 member agents and
/// half without one, to 5 agents of capacity 2 (2 of them in no
/// department): all 10 places at agents fill, department conversations go
/// to members only, and each queue numbers its own places 1, 2, 3...
async fn a_burst_numbers_the_department_queue_and_the_general_queue_apart(app: TestApp) {
    let desk = Desk::new(&app, "Departments").await;
    desk.settings_ok(json!({ "max_chats": 2 })).await;
    let sales = department(&desk, "售前").await;
    let members = online_agents(&app, &desk, "m", 3).await;
    for member in &members {
        set_agent(&desk, member.id, json!({ "groupId": sales.to_string() })).await;
    }
    let others = online_agents(&app, &desk, "o", 2).await;

    let answers = connect_at_once(&desk, 120, Some(sales)).await;
    let (serving, _) = sort_out(&answers);
    assert_eq!(serving.values().map(Vec::len).sum::<usize>(), 10);
    for agent in members.iter().chain(&others) {
        let rids = serving.get(&agent.serv_id).cloned().unwrap_or_default();
        assert_eq!(rids.len(), 2, "{} serves {rids:?}", agent.serv_id);
        assert_eq!(sorted(tasks(&app, agent).await), sorted(rids));
    }
    for a in answers.iter().filter(|a| a.department.is_some()) {
        assert!(
            a.agent.is_empty() || members.iter().any(|m| m.serv_id == a.agent),
            "a department conversation served by a non-member: {a:?}"
        );
    }
    let places = |department: Option<i64>| -> Vec<i64> {
        let mut places: Vec<i64> = answers
            .iter()
            .filter(|a| a.agent.is_empty() && a.department == department)
            .map(|a| a.wait)
            .collect();
        places.sort_unstable();
        places
    };
    let (in_sales, general) = (places(Some(sales)), places(None));
    assert_eq!(in_sales.len() + general.len(), 110);
    assert_eq!(in_sales, (1..=in_sales.len() as i64).collect::<Vec<_>>());
    assert_eq!(general, (1..=general.len() as i64).collect::<Vec<_>>());
}

/// Two engines on one database, as two nodes are: 100 connects over HTTP
/// (the first engine) and 100 on a second engine at once, to 4 agents of
/// capacity 5. Each engine groups its own connects; the tenant's lock keeps
/// one queue: 20 served, 5 each, 180 waiting at places 1..=180.
async fn two_engines_on_one_database_route_a_burst_as_one(app: TestApp) {
    let desk = Desk::new(&app, "Two nodes").await;
    desk.settings_ok(json!({ "max_chats": 5 })).await;
    let agents = online_agents(&app, &desk, "n", 4).await;
    let other = Engine::new(app.engine.store().clone(), app.engine.media().clone());

    let barrier = Arc::new(tokio::sync::Barrier::new(200));
    let mut tasks_of_other = Vec::new();
    for i in 0..100 {
        let (engine, barrier, tenant) = (other.clone(), barrier.clone(), desk.t.id);
        tasks_of_other.push(tokio::spawn(async move {
            barrier.wait().await;
            let c = engine.connect(tenant, &format!("其他{i}"), None).await;
            let c = c.unwrap();
            Answer {
                rid: c.routed.conversation.id,
                agent: c.routed.agent.unwrap_or_default(),
                wait: c.routed.position,
                department: None,
                visitor: false,
                user: c.customer.user_id,
                token: c.token,
            }
        }));
    }
    let mut answers = connect_with(&desk, 100, None, barrier).await;
    for task in tasks_of_other {
        answers.push(task.await.unwrap());
    }

    let (serving, queue) = sort_out(&answers);
    for agent in &agents {
        let rids = serving.get(&agent.serv_id).cloned().unwrap_or_default();
        assert_eq!(rids.len(), 5, "{} serves {rids:?}", agent.serv_id);
        assert_eq!(sorted(tasks(&app, agent).await), sorted(rids));
    }
    let places: Vec<i64> = queue.iter().map(|a| a.wait).collect();
    assert_eq!(places, (1..=180).collect::<Vec<_>>());

    // The queue is one: whichever engine took a customer, the oldest
    // waiting goes first.
    let (status, body) = app
        .act(&agents[0], &serving[&agents[0].serv_id][0], "finish")
        .await;
    assert_eq!(status, 200, "finish: {body}");
    assert_eq!(
        customer_view(&app, &queue[0]).await,
        (2, agents[0].serv_id.clone())
    );
    assert_eq!(customer_view(&app, &queue[1]).await.0, 1);
}

// ---------------------------------------------------------------------------

/// A connect's answer, as routing tests read it.
#[derive(Clone, Debug)]
struct Answer {
    rid: String,
    /// The serving agent's account, "" while waiting.
    agent: String,
    /// The place in the queue, 0 when served.
    wait: i64,
    department: Option<i64>,
    /// Came through `client_connect` (can ask where it stands again).
    visitor: bool,
    /// The customer's seed 003 user_id and token.
    user: String,
    token: String,
}

/// `n` agents named `{prefix}{i}`, online to take chats.
async fn online_agents(app: &TestApp, desk: &Desk<'_>, prefix: &str, n: usize) -> Vec<Agent> {
    let mut agents = Vec::new();
    for i in 0..n {
        let agent = app.agent(&desk.t, &format!("{prefix}_{i}"), false).await;
        desk.set_state(agent.id, ACCEPTING).await;
        agents.push(agent);
    }
    agents
}

/// `n` customers connect at once, each on a connection of its own: every
/// third a web visitor (`client_connect`), the others through `connect`;
/// with `department`, every other one in it. Answers in the order started.
async fn connect_at_once(desk: &Desk<'_>, n: usize, department: Option<i64>) -> Vec<Answer> {
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    connect_with(desk, n, department, barrier).await
}

/// [`connect_at_once`], released by `barrier` (shared with other callers).
async fn connect_with(
    desk: &Desk<'_>,
    n: usize,
    department: Option<i64>,
    barrier: Arc<tokio::sync::Barrier>,
) -> Vec<Answer> {
    let base = &desk.app.base;
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let visitor = i % 3 == 2;
            let department = department.filter(|_| i % 2 == 0);
            let mut form = vec![("department_id", department.map(|d| d.to_string()))];
            // A client of its own: a connection of its own.
            let client = reqwest::Client::new();
            let request = if visitor {
                form.push(("api_key", Some(desk.t.api_key.clone())));
                client.post(format!("{base}/customers/client_connect"))
            } else {
                form.push(("name", Some(format!("客户{i}"))));
                client
                    .post(format!("{base}/customers/connect"))
                    .header(AUTHORIZATION, &desk.access_token)
            };
            let form: Vec<(&str, String)> = form
                .into_iter()
                .filter_map(|(k, v)| Some((k, v?)))
                .collect();
            let request = request.form(&form);
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let body = response.text().await.unwrap();
                let body: Value = serde_json::from_str(&body).unwrap_or(Value::String(body));
                assert_eq!(status, 200, "connect {i}: {body}");
                let user = match body.get("im") {
                    Some(im) => text(&im["username"]),
                    None => text(&body["user_id"]),
                };
                Answer {
                    rid: text(&body["rid"]),
                    agent: text(&body["agent_id"]),
                    wait: body["wait"].as_i64().unwrap(),
                    department,
                    visitor,
                    user,
                    token: text(&body["token"]),
                }
            })
        })
        .collect();
    let mut answers = Vec::with_capacity(n);
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    answers
}

/// The served conversations by agent, and the waiting answers by place;
/// asserts that every answer is one or the other.
fn sort_out(answers: &[Answer]) -> (BTreeMap<String, Vec<String>>, Vec<Answer>) {
    let mut serving: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut queue = Vec::new();
    for a in answers {
        if a.agent.is_empty() {
            assert!(a.wait >= 1, "neither served nor queued: {a:?}");
            queue.push(a.clone());
        } else {
            assert_eq!(a.wait, 0, "served and queued: {a:?}");
            serving
                .entry(a.agent.clone())
                .or_default()
                .push(a.rid.clone());
        }
    }
    let rids: BTreeSet<&str> = answers.iter().map(|a| a.rid.as_str()).collect();
    assert_eq!(rids.len(), answers.len(), "one conversation each");
    queue.sort_by_key(|a| a.wait);
    (serving, queue)
}

/// The agent's own list of conversations it serves (seed 003 `tasks`).
async fn tasks(app: &TestApp, agent: &Agent) -> Vec<String> {
    let path = format!("/v1/serv/{}/tasks", agent.serv_id);
    let query = [
        ("session", agent.session.as_str()),
        ("serv_id", agent.serv_id.as_str()),
        ("num", "50"),
    ];
    let (status, body) = app.get(&path, &query).await;
    assert_eq!(status, 200, "tasks: {body}");
    question_ids(&body)
}

/// What the customer reads in `/v1/user/<user_id>/alls`: its conversation's
/// status (1 waiting, 2 served, 3 finished) and agent ("" while waiting).
async fn customer_view(app: &TestApp, a: &Answer) -> (i64, String) {
    let path = format!("/v1/user/{}/alls", a.user);
    let (status, body) = app.get(&path, &[("session", &a.token)]).await;
    assert_eq!(status, 200, "alls: {body}");
    let lines = body["questions"].as_array().unwrap();
    assert_eq!(lines.len(), 1, "{body}");
    assert_eq!(lines[0]["question_id"], a.rid.as_str(), "{body}");
    let agent = lines[0]["serv_id"].as_str().unwrap_or_default().to_owned();
    (lines[0]["status"].as_i64().unwrap(), agent)
}

/// A visitor asks where it stands (`client_connect` with its `group_id`):
/// its agent, or its place.
async fn where_is(desk: &Desk<'_>, a: &Answer) -> (String, i64) {
    assert!(a.visitor, "only visitors resume: {a:?}");
    let form = [
        ("api_key", desk.t.api_key.as_str()),
        ("group_id", &a.rid),
        ("token", &a.token),
    ];
    let (status, body) = desk.app.post("/customers/client_connect", &form).await;
    assert_eq!(status, 200, "client_connect: {body}");
    assert_eq!(body["rid"], a.rid.as_str(), "the same conversation: {body}");
    (text(&body["agent_id"]), body["wait"].as_i64().unwrap())
}

/// A new department; its id.
async fn department(desk: &Desk<'_>, name: &str) -> i64 {
    let body = json!({ "supportgroup": { "name": name } });
    let r = desk
        .admin(Method::POST, "/api/v1/supportgroups.json", Some(body))
        .await;
    assert_eq!(r.status, 200, "create group: {}", r.body);
    r.body["supportgroup"]["groupId"].as_i64().unwrap()
}

/// `PUT /api/v1/supports/{id}.json` with these fields.
async fn set_agent(desk: &Desk<'_>, id: i64, support: Value) {
    let path = format!("/api/v1/supports/{id}.json");
    let r = desk
        .admin(Method::PUT, &path, Some(json!({ "support": support })))
        .await;
    assert_eq!(r.status, 200, "update agent: {}", r.body);
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn text(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_owned()
}
