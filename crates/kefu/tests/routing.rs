//! Routing of pushed conversations (seed 001 `connect` / `client_connect`) as
//! a user observes it over HTTP, on SQLite and PostgreSQL: who gets a
//! conversation (agent_id) or where it waits (wait), the strategies, which
//! agents are candidates, departments, the queue moving when capacity frees,
//! the waiting timeout, and the routing settings.
//!
//! Nothing sleeps for timing: what the 1-second sweeper does is awaited by
//! polling the observable state with a deadline.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use common::desk::{Desk, SETTINGS};
use common::{eventually, question_ids, Agent, TestApp, ACCEPTING};
use reqwest::header::AUTHORIZATION;
use reqwest::Method;
use serde_json::{json, Value};

on_every_backend!(
    a_burst_fills_every_agent_and_the_queue_drains_oldest_first,
    least_busy_sends_a_conversation_to_the_agent_with_fewest,
    round_robin_cycles_through_accepting_agents_in_id_order,
    random_picks_only_accepting_agents,
    only_accepting_on_duty_agents_with_room_get_conversations,
    department_conversations_go_to_members_and_do_not_block_others,
    freed_capacity_moves_the_queue,
    shutdown_and_transfer_away_free_capacity_for_the_queue,
    a_quit_conversation_is_not_offered_back_to_the_agent_who_quit,
    deleting_a_department_lets_any_agent_take_its_queue,
    a_conversation_waiting_past_the_timeout_is_finished,
    a_changed_timeout_applies_to_conversations_already_waiting,
    a_timeout_of_zero_never_finishes_a_waiting_conversation,
    routing_settings_round_trip_and_invalid_values_change_nothing,
);

// ---------------------------------------------------------------------------
// (1) The burst.

/// 200 customers connect at once to 10 agents of capacity 5 (half through
/// the backend's `connect`, half as web visitors through `client_connect`):
/// 50 are served, 5 per agent, and 150 wait at places 1..=150. As agents
/// finish one at a time, the oldest waiting one goes to the agent who freed
/// up and everyone behind moves up one place, until nobody waits.
async fn a_burst_fills_every_agent_and_the_queue_drains_oldest_first(app: TestApp) {
    let desk = Desk::new(&app, "Burst").await;
    desk.settings_ok(json!({ "max_chats": 5 })).await;
    let mut agents = Vec::new();
    for i in 0..10 {
        let agent = app.agent(&desk.t, &format!("burst_{i}"), false).await;
        desk.set_state(agent.id, ACCEPTING).await;
        agents.push(agent);
    }

    // All at once: every task waits at the barrier, then connects.
    let barrier = Arc::new(tokio::sync::Barrier::new(200));
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let request = if i % 2 == 0 {
                app.client
                    .post(format!("{}/customers/connect", app.base))
                    .header(AUTHORIZATION, &desk.access_token)
                    .form(&[("name", format!("客户{i}"))])
            } else {
                app.client
                    .post(format!("{}/customers/client_connect", app.base))
                    .form(&[("api_key", &desk.t.api_key)])
            };
            let barrier = barrier.clone();
            tokio::spawn(async move {
                barrier.wait().await;
                let response = request.send().await.unwrap();
                let status = response.status().as_u16();
                let text = response.text().await.unwrap();
                assert_eq!(status, 200, "connect {i}: {text}");
                serde_json::from_str::<Value>(&text).unwrap()
            })
        })
        .collect();
    let mut answers = Vec::new();
    for task in tasks {
        answers.push(task.await.unwrap());
    }
    for a in answers.iter().filter(|a| is_visitor(a)) {
        desk.visitor_tokens
            .lock()
            .unwrap()
            .insert(text(&a["rid"]), text(&a["token"]));
    }

    // 50 served, exactly 5 per agent; 150 waiting at places 1..=150.
    let mut serving: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut waiting: Vec<(i64, &Value)> = Vec::new();
    for a in &answers {
        match text(&a["agent_id"]).as_str() {
            "" => waiting.push((a["wait"].as_i64().unwrap(), a)),
            agent => {
                assert_eq!(a["wait"], 0, "{a}");
                let rids = serving.entry(agent.to_owned()).or_default();
                rids.push(text(&a["rid"]));
            }
        }
    }
    let accounts: BTreeSet<String> = agents.iter().map(|a| a.serv_id.clone()).collect();
    assert_eq!(
        serving.keys().cloned().collect::<BTreeSet<_>>(),
        accounts,
        "every agent serves"
    );
    for (agent, rids) in &serving {
        assert_eq!(rids.len(), 5, "{agent} serves {rids:?}");
    }
    waiting.sort_by_key(|(w, _)| *w);
    let places: Vec<i64> = waiting.iter().map(|(w, _)| *w).collect();
    assert_eq!(places, (1..=150).collect::<Vec<_>>());
    let queue: Vec<&Value> = waiting.into_iter().map(|(_, a)| a).collect();
    for agent in &agents {
        assert_eq!(
            sorted(desk.tasks(agent).await),
            sorted(serving[&agent.serv_id].clone()),
            "tasks of {}",
            agent.serv_id
        );
    }
    // Visitors can ask where they stand again; the sample of places is read
    // from them.
    let visitors: Vec<usize> = (0..queue.len()).filter(|j| is_visitor(queue[*j])).collect();
    assert!(visitors.len() >= 50, "100 visitors, at most 50 served");

    // Agents finish one at a time; the queue drains oldest first.
    for k in 0..queue.len() {
        let agent = &agents[k % agents.len()];
        let done = serving.get_mut(&agent.serv_id).unwrap().remove(0);
        let (status, body) = app.act(agent, &done, "finish").await;
        assert_eq!(status, 200, "finish: {body}");

        // The one that waited first is now served by the agent who freed up.
        let next = queue[k];
        assert_eq!(
            desk.customer_view(next).await,
            (2, agent.serv_id.clone()),
            "the oldest waiting after finish {k}: {next}"
        );
        if is_visitor(next) {
            assert_eq!(
                desk.where_is(&text(&next["rid"])).await,
                (agent.serv_id.clone(), 0),
                "the oldest waiting after finish {k}"
            );
        }
        serving
            .get_mut(&agent.serv_id)
            .unwrap()
            .push(text(&next["rid"]));

        // Everyone behind moved up one place (a sample: the next visitor, a
        // middle one and the last), and the next one still waits.
        let behind: Vec<usize> = visitors.iter().copied().filter(|j| *j > k).collect();
        let sample: BTreeSet<usize> = [behind.first(), behind.get(behind.len() / 2), behind.last()]
            .into_iter()
            .flatten()
            .copied()
            .collect();
        for j in sample {
            assert_eq!(
                desk.where_is(&text(&queue[j]["rid"])).await,
                (String::new(), (j - k) as i64),
                "place of queue[{j}] after finish {k}"
            );
        }
        if let Some(after) = queue.get(k + 1) {
            assert_eq!(desk.customer_view(after).await.0, 1, "{after}");
        }

        // Never more than 5 each: the agent's own list, and everyone's every round.
        assert_eq!(
            sorted(desk.tasks(agent).await),
            sorted(serving[&agent.serv_id].clone()),
            "tasks of {} after finish {k}",
            agent.serv_id
        );
        if k % agents.len() == agents.len() - 1 {
            for other in &agents {
                assert_eq!(desk.tasks(other).await.len(), 5, "{}", other.serv_id);
            }
        }
    }

    // Everyone finishes the rest: nobody serves, nobody waits.
    for agent in &agents {
        for rid in serving[&agent.serv_id].clone() {
            let (status, body) = app.act(agent, &rid, "finish").await;
            assert_eq!(status, 200, "finish: {body}");
        }
        assert!(desk.tasks(agent).await.is_empty(), "{}", agent.serv_id);
    }
    assert!(desk.pending(&agents[0]).await.is_empty());
    for a in answers.iter().step_by(7) {
        assert_eq!(desk.customer_view(a).await.0, 3, "{a}");
    }
}

// ---------------------------------------------------------------------------
// (2) Strategies.

async fn least_busy_sends_a_conversation_to_the_agent_with_fewest(app: TestApp) {
    let desk = Desk::new(&app, "Least").await;
    desk.settings_ok(json!({ "routing_strategy": "least_busy" }))
        .await;
    let a = app.agent(&desk.t, "lb_a", false).await;
    let b = app.agent(&desk.t, "lb_b", false).await;
    let c = app.agent(&desk.t, "lb_c", false).await;

    // Loads 2, 1, 0: A alone takes two, then B one, then C comes online.
    desk.set_state(a.id, ACCEPTING).await;
    let a1 = desk.connected_to("c1", &a).await;
    desk.connected_to("c2", &a).await;
    desk.set_state(b.id, ACCEPTING).await;
    let b1 = desk.connected_to("c3", &b).await;
    desk.set_state(c.id, ACCEPTING).await;
    desk.connected_to("c4", &c).await;

    // Now A 2, B 1, C 1: B or C, then the other of the two.
    let first = text(&desk.connect("c5").await["agent_id"]);
    assert!(first == b.serv_id || first == c.serv_id, "{first}");
    let other = if first == b.serv_id { &c } else { &b };
    desk.connected_to("c6", other).await;

    // All at 2; B finishes one: B has fewest.
    let (status, body) = app.act(&b, &b1, "finish").await;
    assert_eq!(status, 200, "{body}");
    desk.connected_to("c7", &b).await;
    // A finishes one: A has fewest.
    let (status, body) = app.act(&a, &a1, "finish").await;
    assert_eq!(status, 200, "{body}");
    desk.connected_to("c8", &a).await;
    assert_eq!(desk.tasks(&a).await.len(), 2);
    assert_eq!(desk.tasks(&b).await.len(), 2);
    assert_eq!(desk.tasks(&c).await.len(), 2);
}

async fn round_robin_cycles_through_accepting_agents_in_id_order(app: TestApp) {
    let desk = Desk::new(&app, "Robin").await;
    desk.settings_ok(json!({ "routing_strategy": "round_robin", "max_chats": 10 }))
        .await;
    let a = app.agent(&desk.t, "rr_a", false).await;
    let b = app.agent(&desk.t, "rr_b", false).await;
    let c = app.agent(&desk.t, "rr_c", false).await;
    assert!(a.id < b.id && b.id < c.id);
    for agent in [&c, &a, &b] {
        desk.set_state(agent.id, ACCEPTING).await;
    }

    let mut got = Vec::new();
    for i in 0..6 {
        got.push(text(&desk.connect(&format!("r{i}")).await["agent_id"]));
    }
    assert_eq!(got, ["rr_a", "rr_b", "rr_c", "rr_a", "rr_b", "rr_c"]);

    // B stops accepting: it is skipped; back again, it takes its turn.
    desk.set_state(b.id, "忙碌").await;
    let mut got = Vec::new();
    for i in 0..3 {
        got.push(text(&desk.connect(&format!("s{i}")).await["agent_id"]));
    }
    assert_eq!(got, ["rr_a", "rr_c", "rr_a"]);
    desk.set_state(b.id, ACCEPTING).await;
    desk.connected_to("t0", &b).await;
    desk.connected_to("t1", &c).await;
    assert_eq!(desk.tasks(&a).await.len(), 4);
    assert_eq!(desk.tasks(&b).await.len(), 3);
    assert_eq!(desk.tasks(&c).await.len(), 4);
}

async fn random_picks_only_accepting_agents(app: TestApp) {
    let desk = Desk::new(&app, "Random").await;
    let settings = desk.settings_ok(json!({})).await;
    assert_eq!(settings["routing_strategy"], "random", "the default");
    let on1 = app.agent(&desk.t, "rnd_on1", false).await;
    let on2 = app.agent(&desk.t, "rnd_on2", false).await;
    let busy = app.agent(&desk.t, "rnd_busy", false).await;
    let off = app.agent(&desk.t, "rnd_off", false).await;
    desk.set_state(on1.id, ACCEPTING).await;
    desk.set_state(on2.id, ACCEPTING).await;
    desk.set_state(busy.id, "忙碌").await;

    // Two accepting agents of capacity 5: ten are served by them, five each,
    // and the next ones wait although two more agents have room.
    let mut by_agent: BTreeMap<String, usize> = BTreeMap::new();
    for i in 0..10 {
        let answer = desk.connect(&format!("v{i}")).await;
        *by_agent.entry(text(&answer["agent_id"])).or_default() += 1;
    }
    let expected: BTreeMap<String, usize> = [("rnd_on1".to_owned(), 5), ("rnd_on2".to_owned(), 5)]
        .into_iter()
        .collect();
    assert_eq!(by_agent, expected);
    for i in 1..=2 {
        let answer = desk.connect(&format!("w{i}")).await;
        assert_eq!(answer["agent_id"], "", "{answer}");
        assert_eq!(answer["wait"], i, "{answer}");
    }
    assert!(desk.tasks(&busy).await.is_empty());
    assert!(desk.tasks(&off).await.is_empty());
}

// ---------------------------------------------------------------------------
// (3) Candidates.

/// Offline, busy, recycle-bin, zero-capacity and off-duty agents never get
/// pushed conversations, not even when the sweeper offers the queue again;
/// an agent whose shift covers now does.
async fn only_accepting_on_duty_agents_with_room_get_conversations(app: TestApp) {
    let desk = Desk::new(&app, "Filters").await;
    let today = desk.around_noon().await;
    let offline = app.agent(&desk.t, "f_offline", false).await;
    let busy = app.agent(&desk.t, "f_busy", false).await;
    let binned = app.agent(&desk.t, "f_binned", false).await;
    let zero = app.agent(&desk.t, "f_zero", false).await;
    let later = app.agent(&desk.t, "f_later", false).await;
    let now_on = app.agent(&desk.t, "f_on_duty", false).await;
    desk.set_state(offline.id, "离线").await;
    desk.set_state(busy.id, "忙碌").await;
    for agent in [&binned, &zero, &later, &now_on] {
        desk.set_state(agent.id, ACCEPTING).await;
    }
    desk.bin(binned.id).await;
    desk.set_agent(zero.id, json!({ "maxChats": 0 })).await;
    // Local time is about noon: a shift tonight, and one around now.
    let tonight = desk.shift(later.id, &today, "20:00", "22:00").await;
    desk.shift(now_on.id, &today, "11:00", "14:00").await;

    let mut rids = Vec::new();
    for i in 0..5 {
        rids.push(desk.connected_to(&format!("u{i}"), &now_on).await);
    }
    let mut queue = Vec::new();
    for i in 1..=2 {
        let answer = desk.visitor(None).await;
        assert_eq!(answer["agent_id"], "", "{answer}");
        assert_eq!(answer["wait"], i, "{answer}");
        queue.push(text(&answer["rid"]));
    }

    // The sweeper offers the queue every second: still nobody takes them.
    sweeps_ran(&app, "Filters-sweep").await;
    assert_eq!(desk.where_is(&queue[0]).await, (String::new(), 1));
    assert_eq!(desk.where_is(&queue[1]).await, (String::new(), 2));
    for agent in [&offline, &busy, &zero, &later] {
        assert!(desk.tasks(agent).await.is_empty(), "{}", agent.serv_id);
    }
    assert_eq!(sorted(desk.tasks(&now_on).await), sorted(rids));

    // Without tonight's shift, f_later has no shifts today: on duty, and the
    // sweeper hands it the queue, oldest first.
    desk.unshift(&tonight).await;
    eventually(
        "the queue reaches the agent whose shift was removed",
        || async { desk.where_is(&queue[1]).await.0 == later.serv_id },
    )
    .await;
    assert_eq!(desk.where_is(&queue[0]).await, (later.serv_id.clone(), 0));
}

// ---------------------------------------------------------------------------
// (4) Departments.

async fn department_conversations_go_to_members_and_do_not_block_others(app: TestApp) {
    let desk = Desk::new(&app, "Depts").await;
    let sales = desk.department("售后").await;
    let member = app.agent(&desk.t, "d_member", false).await;
    let outsider = app.agent(&desk.t, "d_outsider", false).await;
    desk.set_agent(
        member.id,
        json!({ "groupId": sales.to_string(), "maxChats": 1 }),
    )
    .await;
    desk.set_agent(outsider.id, json!({ "maxChats": 1 })).await;

    // Nobody accepts: each department has its own queue.
    let d1 = desk.visitor(Some(sales)).await;
    let p1 = desk.visitor(None).await;
    let d2 = desk.visitor(Some(sales)).await;
    for (answer, wait) in [(&d1, 1), (&p1, 1), (&d2, 2)] {
        assert_eq!(answer["agent_id"], "", "{answer}");
        assert_eq!(answer["wait"], wait, "{answer}");
    }
    let (d1, p1, d2) = (text(&d1["rid"]), text(&p1["rid"]), text(&d2["rid"]));
    let visit = desk.visit(&d1).await;
    assert_eq!(
        visit["group_name"],
        format!("售后_{}_{d1}", visit["customer_name"].as_str().unwrap())
    );

    // The outsider comes online: the older department conversations stay,
    // the younger one without department is served.
    desk.set_state(outsider.id, ACCEPTING).await;
    assert_eq!(desk.where_is(&p1).await, (outsider.serv_id.clone(), 0));
    assert_eq!(desk.where_is(&d1).await, (String::new(), 1));
    assert_eq!(desk.where_is(&d2).await, (String::new(), 2));

    // The member comes online: the oldest of its department.
    desk.set_state(member.id, ACCEPTING).await;
    assert_eq!(desk.where_is(&d1).await, (member.serv_id.clone(), 0));
    assert_eq!(desk.where_is(&d2).await, (String::new(), 1));

    // The outsider has room, but a department conversation still waits for a member.
    desk.set_agent(outsider.id, json!({ "maxChats": 5 })).await;
    assert_eq!(desk.where_is(&d2).await, (String::new(), 1));
    let d3 = desk.visitor(Some(sales)).await;
    assert_eq!(d3["agent_id"], "", "{d3}");
    assert_eq!(d3["wait"], 2, "{d3}");
    desk.set_agent(member.id, json!({ "maxChats": 4 })).await;
    assert_eq!(desk.where_is(&d2).await, (member.serv_id.clone(), 0));
    assert_eq!(
        desk.where_is(&text(&d3["rid"])).await,
        (member.serv_id.clone(), 0)
    );
    // The member has room for one more, the outsider for four: department
    // conversations go to the member only.
    for i in 0..3 {
        let answer = desk.connect_in(&format!("e{i}"), Some(sales)).await;
        let (agent, wait) = (text(&answer["agent_id"]), answer["wait"].as_i64().unwrap());
        if i == 0 {
            assert_eq!((agent, wait), (member.serv_id.clone(), 0), "{answer}");
        } else {
            assert_eq!((agent, wait), (String::new(), i), "{answer}");
        }
    }
    assert_eq!(desk.tasks(&outsider).await, vec![p1]);
}

// ---------------------------------------------------------------------------
// (5) Capacity frees: the queue moves.

async fn freed_capacity_moves_the_queue(app: TestApp) {
    let desk = Desk::new(&app, "Frees").await;
    let a = app.agent(&desk.t, "fr_a", false).await;
    let b = app.agent(&desk.t, "fr_b", false).await;
    let c = app.agent(&desk.t, "fr_c", false).await;
    desk.set_agent(a.id, json!({ "maxChats": 1 })).await;
    desk.set_agent(b.id, json!({ "maxChats": 1 })).await;
    desk.set_state(b.id, ACCEPTING).await;
    desk.bin(b.id).await;

    let mut k = Vec::new();
    for i in 1..=3 {
        let answer = desk.visitor(None).await;
        assert_eq!(answer["agent_id"], "", "{answer}");
        assert_eq!(answer["wait"], i, "{answer}");
        k.push(text(&answer["rid"]));
    }

    // A comes online with room for one: the oldest.
    desk.set_state(a.id, ACCEPTING).await;
    assert_eq!(desk.where_is(&k[0]).await, (a.serv_id.clone(), 0));
    assert_eq!(desk.where_is(&k[1]).await, (String::new(), 1));
    assert_eq!(desk.where_is(&k[2]).await, (String::new(), 2));

    // A may take two: the next.
    desk.set_agent(a.id, json!({ "maxChats": 2 })).await;
    assert_eq!(desk.where_is(&k[1]).await, (a.serv_id.clone(), 0));
    assert_eq!(desk.where_is(&k[2]).await, (String::new(), 1));

    // B comes back from the recycle bin: the last.
    desk.restore(b.id).await;
    assert_eq!(desk.where_is(&k[2]).await, (b.serv_id.clone(), 0));

    // C comes online with nothing to do; A goes to the recycle bin: its two
    // conversations return to the queue (notice 2) and C takes them.
    desk.set_state(c.id, ACCEPTING).await;
    assert!(desk.tasks(&c).await.is_empty());
    desk.bin(a.id).await;
    assert_eq!(desk.where_is(&k[0]).await, (c.serv_id.clone(), 0));
    assert_eq!(desk.where_is(&k[1]).await, (c.serv_id.clone(), 0));
    assert_eq!(desk.where_is(&k[2]).await, (b.serv_id.clone(), 0));
    assert_eq!(sorted(desk.tasks(&c).await), sorted(k[..2].to_vec()));
    let token = text(&desk.visit(&k[0]).await["token"]);
    let notices = notices(&desk.history(&token, &k[0]).await);
    assert_eq!(
        notices,
        [
            (1, "fr_a".to_owned()),
            (2, "fr_a".to_owned()),
            (1, "fr_c".to_owned())
        ]
    );
}

/// A customer's shutdown, and a transfer to another agent, free the agent
/// they leave: the oldest conversation only that agent can take goes to it.
async fn shutdown_and_transfer_away_free_capacity_for_the_queue(app: TestApp) {
    let desk = Desk::new(&app, "Frees").await;
    let night = desk.department("夜班").await;
    let a = app.agent(&desk.t, "st_a", false).await;
    let b = app.agent(&desk.t, "st_b", false).await;
    desk.set_agent(a.id, json!({ "maxChats": 1, "groupId": night.to_string() }))
        .await;
    desk.set_state(a.id, ACCEPTING).await;
    desk.set_state(b.id, ACCEPTING).await;
    let customer_call = |path: &'static str, answer: &Value, form: Vec<(&'static str, String)>| {
        let token = text(&answer["token"]);
        let request = app
            .client
            .post(format!("{}/customers/{path}", app.base))
            .header(AUTHORIZATION, token)
            .form(&form);
        async move {
            let response = request.send().await.unwrap();
            assert_eq!(
                response.status(),
                200,
                "{path}: {}",
                response.text().await.unwrap()
            );
        }
    };

    let first = desk.visitor(Some(night)).await;
    assert_eq!(first["agent_id"], a.serv_id.as_str(), "{first}");
    let second = desk.visitor(Some(night)).await;
    assert_eq!(second["wait"], 1, "only A is of the night shift: {second}");

    customer_call(
        "shutdown_service",
        &first,
        vec![("group_id", text(&first["rid"]))],
    )
    .await;
    assert_eq!(
        desk.where_is(&text(&second["rid"])).await,
        (a.serv_id.clone(), 0)
    );

    let third = desk.visitor(Some(night)).await;
    assert_eq!(third["wait"], 1, "{third}");
    let form = vec![
        ("group_id", text(&second["rid"])),
        ("agent_id", b.serv_id.clone()),
    ];
    customer_call("Transfer", &second, form).await;
    assert_eq!(
        desk.where_is(&text(&second["rid"])).await,
        (b.serv_id.clone(), 0)
    );
    assert_eq!(
        desk.where_is(&text(&third["rid"])).await,
        (a.serv_id.clone(), 0)
    );
}

/// An agent who quits a pushed conversation does not get it straight back:
/// it waits for another agent; once another serves it, the memory is gone.
async fn a_quit_conversation_is_not_offered_back_to_the_agent_who_quit(app: TestApp) {
    let desk = Desk::new(&app, "Quit").await;
    let a = app.agent(&desk.t, "q_a", false).await;
    let b = app.agent(&desk.t, "q_b", false).await;
    desk.set_state(a.id, ACCEPTING).await;
    let answer = desk.visitor(None).await;
    let rid = text(&answer["rid"]);
    assert_eq!(answer["agent_id"], a.serv_id.as_str(), "{answer}");

    let (status, body) = app.act(&a, &rid, "quit").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(desk.where_is(&rid).await, (String::new(), 1));
    assert!(desk.tasks(&a).await.is_empty());

    // Another agent comes online and takes it; when that one quits, the
    // first agent may have it again.
    desk.set_state(b.id, ACCEPTING).await;
    assert_eq!(desk.where_is(&rid).await, (b.serv_id.clone(), 0));
    let (status, body) = app.act(&b, &rid, "quit").await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(desk.where_is(&rid).await, (a.serv_id.clone(), 0));
}

/// A conversation waiting for a department that is then deleted goes to
/// any agent with room.
async fn deleting_a_department_lets_any_agent_take_its_queue(app: TestApp) {
    let desk = Desk::new(&app, "Gone").await;
    let department = desk.department("夜班").await;
    let outsider = app.agent(&desk.t, "dg_out", false).await;
    desk.set_state(outsider.id, ACCEPTING).await;
    let answer = desk.visitor(Some(department)).await;
    let rid = text(&answer["rid"]);
    assert_eq!(desk.where_is(&rid).await, (String::new(), 1));

    let path = format!("/api/v1/supportgroups/{department}.json");
    let r = desk.admin(Method::DELETE, &path, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(desk.where_is(&rid).await, (outsider.serv_id.clone(), 0));
}

// ---------------------------------------------------------------------------
// (6) Timeout.

async fn a_conversation_waiting_past_the_timeout_is_finished(app: TestApp) {
    let desk = Desk::new(&app, "Timeout").await;
    desk.settings_ok(json!({ "timeout": 1 })).await;
    let answer = desk.connect("等不及").await;
    assert_eq!(answer["agent_id"], "", "{answer}");
    assert_eq!(answer["wait"], 1, "{answer}");
    let (rid, token) = (text(&answer["rid"]), text(&answer["token"]));

    eventually("notice 5 within the timeout and a sweep", || async {
        !desk.history(&token, &rid).await.is_empty()
    })
    .await;
    let history = desk.history(&token, &rid).await;
    assert_eq!(history.len(), 1, "{history:?}");
    let notice = &history[0];
    assert_eq!(notice["type"], 4, "{notice}");
    assert_eq!(notice["action"], 5, "{notice}");
    assert_eq!(notice["sender"], "system", "{notice}");
    assert_eq!(notice["sender_type"], 2, "{notice}");
    assert_eq!(desk.customer_view(&answer).await, (3, String::new()));
}

/// A changed timeout reaches conversations already waiting: 0 cancels their
/// deadline, and a short one then finishes them.
async fn a_changed_timeout_applies_to_conversations_already_waiting(app: TestApp) {
    let desk = Desk::new(&app, "Retimed").await;
    let waiting = desk.visitor(None).await;
    let (rid, token) = (text(&waiting["rid"]), text(&waiting["token"]));
    desk.settings_ok(json!({ "timeout": 0 })).await;
    sweeps_ran(&app, "Retimed-Hasty").await;
    assert_eq!(desk.where_is(&rid).await, (String::new(), 1));

    desk.settings_ok(json!({ "timeout": 1 })).await;
    eventually("notice 5 after the timeout shrank", || async {
        !desk.history(&token, &rid).await.is_empty()
    })
    .await;
    let history = desk.history(&token, &rid).await;
    assert_eq!(notices(&history), [(5, "system".to_owned())]);
    assert_eq!(desk.customer_view(&waiting).await, (3, String::new()));
}

/// A tenant with timeout 0 keeps its conversation waiting, even after a
/// sweep that timed out another tenant's younger conversation.
async fn a_timeout_of_zero_never_finishes_a_waiting_conversation(app: TestApp) {
    let patient = Desk::new(&app, "Patient").await;
    patient.settings_ok(json!({ "timeout": 0 })).await;
    let waiting = patient.visitor(None).await;
    assert_eq!(waiting["wait"], 1, "{waiting}");

    sweeps_ran(&app, "Hasty").await;
    assert_eq!(patient.customer_view(&waiting).await, (1, String::new()));
    assert_eq!(
        patient.where_is(&text(&waiting["rid"])).await,
        (String::new(), 1)
    );
    let token = text(&waiting["token"]);
    assert!(patient
        .history(&token, &text(&waiting["rid"]))
        .await
        .is_empty());
}

// ---------------------------------------------------------------------------
// (7) Settings.

async fn routing_settings_round_trip_and_invalid_values_change_nothing(app: TestApp) {
    let desk = Desk::new(&app, "Settings").await;
    let defaults = desk.get_settings().await;
    let routing_keys = [
        ("routing_strategy", json!("random")),
        ("max_chats", json!(5)),
        ("timeout", json!(200)),
        ("template", json!("")),
        ("config", json!({})),
        ("keep_transcripts", json!(false)),
        ("base", json!("")),
        ("access_token_ttl", json!(7200)),
    ];
    for (key, value) in &routing_keys {
        assert_eq!(&defaults[*key], value, "default {key}: {defaults}");
    }

    let config = json!({ "color": "#ff6600", "position": "right", "title": "在线客服" });
    let changed = desk
        .settings_ok(json!({
            "routing_strategy": "least_busy",
            "max_chats": 1000,
            "timeout": 604800,
            "template": "您好，请问有什么可以帮您？",
            "config": config,
            "keep_transcripts": 1,
            "base": "https://kefu.example.com/",
            "access_token_ttl": 600,
        }))
        .await;
    let expected = [
        ("routing_strategy", json!("least_busy")),
        ("max_chats", json!(1000)),
        ("timeout", json!(604800)),
        ("template", json!("您好，请问有什么可以帮您？")),
        ("config", config.clone()),
        ("keep_transcripts", json!(true)),
        ("base", json!("https://kefu.example.com")),
        ("access_token_ttl", json!(600)),
    ];
    for (key, value) in &expected {
        assert_eq!(&changed[*key], value, "{key}: {changed}");
    }
    assert_eq!(desk.get_settings().await, changed);

    // Other keys are kept; the values reach connect and client_connect.
    let changed = desk
        .settings_ok(json!({ "max_chats": 0, "timeout": 30, "keep_transcripts": false }))
        .await;
    assert_eq!(changed["routing_strategy"], "least_busy");
    assert_eq!(changed["max_chats"], 0);
    assert_eq!(changed["timeout"], 30);
    assert_eq!(changed["keep_transcripts"], false);
    assert_eq!(changed["access_token_ttl"], 600);
    let (status, body) = app
        .post(
            "/admin/access_token",
            &[
                ("api_key", &desk.t.api_key),
                ("secret_key", &desk.t.secret_key),
            ],
        )
        .await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(body["expires_in"], 600, "{body}");
    let connected = desk.connect("看设置").await;
    assert_eq!(connected["base"], "https://kefu.example.com");
    assert_eq!(connected["config"], config);
    let visit = desk.visitor(None).await;
    assert_eq!(visit["template"], "您好，请问有什么可以帮您？");
    assert_eq!(visit["timeout"], 30);
    assert_eq!(visit["config"], config);
    assert_eq!(visit["base"], "https://kefu.example.com");

    // Invalid values: 400 naming the field, and nothing changes.
    let before = desk.get_settings().await;
    let invalid = [
        (json!({ "routing_strategy": "fastest" }), "routing_strategy"),
        (
            json!({ "routing_strategy": "Round_Robin" }),
            "routing_strategy",
        ),
        (json!({ "max_chats": -1 }), "max_chats"),
        (json!({ "max_chats": 1001 }), "max_chats"),
        (json!({ "timeout": -1 }), "timeout"),
        (json!({ "timeout": 604801 }), "timeout"),
        (json!({ "config": "color=red" }), "config"),
        (json!({ "config": [1, 2] }), "config"),
        (json!({ "base": "ftp://x" }), "base"),
        (json!({ "access_token_ttl": 0 }), "access_token_ttl"),
        (json!({ "access_token_ttl": 2592001 }), "access_token_ttl"),
        // All or none: the valid key is not applied either.
        (json!({ "max_chats": 3, "timeout": -1 }), "timeout"),
    ];
    for (body, field) in invalid {
        let r = desk.put_settings(body.clone()).await;
        assert_eq!(r.status, 400, "{body} -> {}", r.body);
        assert_eq!(r.body["status"], 400, "{body} -> {}", r.body);
        assert_eq!(r.body["field"], field, "{body} -> {}", r.body);
        assert!(!text(&r.body["message"]).is_empty(), "{}", r.body);
        assert_eq!(desk.get_settings().await, before, "after {body}");
    }

    // An agent may not change them.
    let agent = app.agent(&desk.t, "set_agent", false).await;
    let r = app
        .api(
            Method::PUT,
            SETTINGS,
            &agent.login(),
            Some(json!({ "settings": { "max_chats": 9 } })),
        )
        .await;
    assert_eq!(r.status, 403, "{}", r.body);
    assert_eq!(desk.get_settings().await, before);
}

// ---------------------------------------------------------------------------
// Helpers.

/// The calls of `Desk` (tests/common/desk.rs) only routing makes.
impl Desk<'_> {
    /// A new web visitor (`client_connect` without `group_id`); the answer.
    async fn visitor(&self, department: Option<i64>) -> Value {
        let department = department.map(|d| d.to_string());
        let mut form = vec![("api_key", self.t.api_key.as_str())];
        if let Some(department) = &department {
            form.push(("department_id", department));
        }
        let (status, body) = self.app.post("/customers/client_connect", &form).await;
        assert_eq!(status, 200, "client_connect: {body}");
        self.visitor_tokens
            .lock()
            .unwrap()
            .insert(text(&body["rid"]), text(&body["token"]));
        body
    }

    /// Connects and asserts `agent` serves at once; the rid.
    async fn connected_to(&self, name: &str, agent: &Agent) -> String {
        let answer = self.connect(name).await;
        assert_eq!(
            answer["agent_id"],
            agent.serv_id.as_str(),
            "{name}: {answer}"
        );
        assert_eq!(answer["wait"], 0, "{name}: {answer}");
        text(&answer["rid"])
    }

    /// `client_connect` with a visitor's `group_id` and token: the same
    /// (unfinished) conversation back, as it stands.
    async fn visit(&self, rid: &str) -> Value {
        let token = self.visitor_tokens.lock().unwrap()[rid].clone();
        let (status, body) = self
            .app
            .post(
                "/customers/client_connect",
                &[
                    ("api_key", &self.t.api_key),
                    ("group_id", rid),
                    ("token", &token),
                ],
            )
            .await;
        assert_eq!(status, 200, "client_connect: {body}");
        assert_eq!(body["rid"], rid, "the same conversation: {body}");
        body
    }

    /// A visitor's conversation: (serving agent or "", queue place or 0).
    async fn where_is(&self, rid: &str) -> (String, i64) {
        let body = self.visit(rid).await;
        (text(&body["agent_id"]), body["wait"].as_i64().unwrap())
    }

    /// What the customer of a connect or client_connect answer reads in
    /// `/v1/user/<user_id>/alls`: its conversation's status (1 waiting, 2
    /// served, 3 finished) and agent ("" while it waited).
    async fn customer_view(&self, answer: &Value) -> (i64, String) {
        let user = match answer.get("im") {
            Some(im) => text(&im["username"]),
            None => text(&answer["user_id"]),
        };
        let token = text(&answer["token"]);
        let (status, body) = self
            .app
            .get(&format!("/v1/user/{user}/alls"), &[("session", &token)])
            .await;
        assert_eq!(status, 200, "alls: {body}");
        let lines = body["questions"].as_array().unwrap();
        assert_eq!(lines.len(), 1, "{body}");
        let line = &lines[0];
        assert_eq!(line["question_id"], answer["rid"], "{body}");
        let agent = line["serv_id"].as_str().unwrap_or_default().to_owned();
        (line["status"].as_i64().unwrap(), agent)
    }

    /// `history_message`, oldest first, with the customer's token.
    async fn history(&self, token: &str, rid: &str) -> Vec<Value> {
        let response = self
            .app
            .client
            .get(format!("{}/customers/history_message", self.app.base))
            .header(AUTHORIZATION, token)
            .query(&[("room_id", rid), ("sort", "1"), ("num", "50")])
            .send()
            .await
            .unwrap();
        let status = response.status().as_u16();
        let body: Value = serde_json::from_str(&response.text().await.unwrap()).unwrap();
        assert_eq!(status, 200, "history: {body}");
        assert_eq!(body["status"], "success", "{body}");
        body["messages"].as_array().unwrap().clone()
    }

    /// The question ids an agent serves (`/v1/serv/<serv_id>/tasks`).
    async fn tasks(&self, agent: &Agent) -> Vec<String> {
        let path = format!("/v1/serv/{}/tasks", agent.serv_id);
        let (status, body) = self
            .app
            .get(
                &path,
                &[
                    ("session", agent.session.as_str()),
                    ("serv_id", agent.serv_id.as_str()),
                    ("num", "50"),
                ],
            )
            .await;
        assert_eq!(status, 200, "tasks: {body}");
        question_ids(&body)
    }

    /// The pending pool as an agent sees it.
    async fn pending(&self, agent: &Agent) -> Vec<String> {
        question_ids(&self.app.pending(agent).await)
    }

    /// `PUT /api/v1/supports/{id}.json` with these fields.
    async fn set_agent(&self, id: i64, support: Value) {
        let path = format!("/api/v1/supports/{id}.json");
        let r = self
            .admin(Method::PUT, &path, Some(json!({ "support": support })))
            .await;
        assert_eq!(r.status, 200, "update agent: {}", r.body);
    }

    /// Moves an agent to the recycle bin.
    async fn bin(&self, id: i64) {
        let path = format!("/api/v1/supports/{id}.json");
        let r = self.admin(Method::DELETE, &path, None).await;
        assert_eq!(r.status, 200, "delete agent: {}", r.body);
        assert_eq!(r.body["support"]["isStat"], "0", "{}", r.body);
    }

    /// Restores an agent from the recycle bin.
    async fn restore(&self, id: i64) {
        let path = format!("/api/v1/servicers/{id}.json");
        let body = json!({ "support": { "isStat": "1" } });
        let r = self.admin(Method::PUT, &path, Some(body)).await;
        assert_eq!(r.status, 200, "restore agent: {}", r.body);
    }

    /// A new department; its id.
    async fn department(&self, name: &str) -> i64 {
        let body = json!({ "supportgroup": { "name": name } });
        let r = self
            .admin(Method::POST, "/api/v1/supportgroups.json", Some(body))
            .await;
        assert_eq!(r.status, 200, "create group: {}", r.body);
        r.body["supportgroup"]["groupId"].as_i64().unwrap()
    }

    /// Sets the tenant's time zone so that local time is about noon (so the
    /// shifts below cannot straddle midnight); today's local date.
    async fn around_noon(&self) -> String {
        use kefu::domain::calendar::{LocalDateTime, UtcOffset};
        let utc_hour = (kefu::ids::now() as i64 / 3600).rem_euclid(24);
        let offset = 12 - utc_hour;
        self.settings_ok(json!({ "utc_offset": offset })).await;
        let local = LocalDateTime::from_unix(
            kefu::ids::now(),
            UtcOffset::from_minutes(offset * 60).unwrap(),
        )
        .unwrap();
        assert!(
            (11..14).contains(&(local.seconds / 3600)),
            "local {local:?}"
        );
        local.date.to_string()
    }

    /// Schedules one shift; its dutyId.
    async fn shift(&self, agent: i64, date: &str, start: &str, end: &str) -> String {
        let shift = json!({ "name": "班", "start_time": start, "end_time": end });
        let body = json!({ "duty": [{ "sid": agent, "date": date, "schedules": [shift] }] });
        let r = self
            .admin(Method::POST, "/api/v1/schedules.json", Some(body))
            .await;
        assert_eq!(r.status, 200, "schedule: {}", r.body);
        assert_eq!(r.body["code"], "0", "{}", r.body);
        text(&r.body["data"]["duty"][0]["schedules"][0]["dutyId"])
    }

    async fn unshift(&self, duty_id: &str) {
        let path = format!("/api/v1/schedules.json?dutyId={duty_id}");
        let r = self.admin(Method::DELETE, &path, None).await;
        assert_eq!(r.status, 200, "delete schedule: {}", r.body);
    }
}

/// Waits until two sweeps have run since the call, as a user can tell: a
/// conversation of a new tenant with timeout 1 is finished by the sweeper,
/// twice in a row (the second sweep starts after the first one ended, so
/// every tenant's queue has been offered once in between).
async fn sweeps_ran(app: &TestApp, name: &str) {
    for round in 0..2 {
        let desk = Desk::new(app, &format!("{name}-{round}")).await;
        desk.settings_ok(json!({ "timeout": 1 })).await;
        let answer = desk.connect("哨兵").await;
        let (rid, token) = (text(&answer["rid"]), text(&answer["token"]));
        eventually("the sweeper times out a conversation", || async {
            notices(&desk.history(&token, &rid).await) == [(5, "system".to_owned())]
        })
        .await;
    }
}

/// The notices of a history: (action, sender).
fn notices(history: &[Value]) -> Vec<(i64, String)> {
    history
        .iter()
        .filter(|m| m["type"] == 4)
        .map(|m| (m["action"].as_i64().unwrap(), text(&m["sender"])))
        .collect()
}

/// Whether an answer came from `client_connect` (a web visitor).
fn is_visitor(answer: &Value) -> bool {
    answer.get("customer_name").is_some()
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
