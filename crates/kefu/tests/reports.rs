//! Reports and transcript exports (docs/api/admin.md, Reports): a scripted
//! history on kefu's clock, which these tests move, and the figures it must
//! give, per day, agent and department, as JSON and CSV, on both backends.

mod common;

use common::desk::Desk;
use common::{Agent, Customer, TestApp};
use kefu::domain::calendar::{LocalDateTime, UtcOffset};
use kefu::ids::freeze_clock;
use reqwest::Method;
use serde_json::{json, Value};

/// The clock is one per process: the tests that move it take turns.
static CLOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Stops kefu's clock at a local time of the tenant (UTC+8).
fn clock_at(local: &str) {
    let at = LocalDateTime::parse(local)
        .expect("a local time")
        .to_unix(UtcOffset::CHINA);
    freeze_clock(Some(at));
}

async fn set_state(desk: &Desk<'_>, agent: &Agent, state: &str) {
    desk.app.set_state(&desk.t, agent.id, state).await;
}

/// A question asked, taken, answered and (maybe) finished and rated at
/// the given local times.
struct Script<'a> {
    app: &'a TestApp,
    customer: Customer,
    agent: &'a Agent,
}

impl<'a> Script<'a> {
    async fn new(app: &'a TestApp, desk: &Desk<'_>, agent: &'a Agent, user: &str) -> Script<'a> {
        Script {
            app,
            customer: app.customer(&desk.t, user).await,
            agent,
        }
    }

    async fn ask(&self, at: &str) -> String {
        clock_at(at);
        self.app.ask(&self.customer, "咨询").await
    }

    async fn serve(&self, q: &str, at: &str) {
        clock_at(at);
        self.app.serve(self.agent, q).await;
    }

    async fn agent_says(&self, q: &str, at: &str) {
        clock_at(at);
        let (status, body) = self.app.agent_says(self.agent, q, "您好，请讲").await;
        assert_eq!(status, 200, "{body}");
    }

    async fn customer_says(&self, q: &str, at: &str) {
        clock_at(at);
        let (status, body) = self.app.customer_says(&self.customer, q, "我的订单").await;
        assert_eq!(status, 200, "{body}");
    }

    async fn finish_and_rate(&self, q: &str, at: &str, score: &str) {
        clock_at(at);
        let (status, body) = self.app.act(self.agent, q, "finish").await;
        assert_eq!(status, 200, "{body}");
        let (status, body) = self
            .app
            .post(
                &format!("/v1/question/{q}/rate"),
                &[("session", &self.customer.session), ("score", score)],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
}

async fn report(desk: &Desk<'_>, query: &str) -> Value {
    let r = desk
        .admin(Method::GET, &format!("/api/v1/reports.json?{query}"), None)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.body["report"].clone()
}

fn spread(f: &Value, name: &str) -> (Value, Value) {
    (f[name]["median"].clone(), f[name]["p90"].clone())
}

async fn figures_follow_a_scripted_history(app: TestApp) {
    let _turn = CLOCK.lock().await;
    let desk = Desk::new(&app, "报表店").await;
    desk.settings_ok(json!({ "timeout": 300 })).await;
    let zhang = app.agent(&desk.t, "zhang", false).await;
    let li = app.agent(&desk.t, "li", false).await;
    let r = desk
        .admin(
            Method::POST,
            "/api/v1/supportgroups.json",
            Some(json!({ "supportgroup": { "name": "售后" } })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let department = r.body["supportgroup"]["groupId"].as_i64().expect("groupId");
    // Day 1, Monday 2026-11-02 (UTC+8).
    clock_at("2026-11-02 08:59:00");
    set_state(&desk, &zhang, common::ACCEPTING).await;
    let a = Script::new(&app, &desk, &zhang, "u-a").await;
    let q1 = a.ask("2026-11-02 09:00:00").await;
    a.serve(&q1, "2026-11-02 09:00:30").await; // waited 30 s
    a.agent_says(&q1, "2026-11-02 09:01:30").await; // first response 90 s
    a.customer_says(&q1, "2026-11-02 09:01:40").await;
    a.finish_and_rate(&q1, "2026-11-02 09:10:00", "5").await; // resolved in 600 s

    let b = Script::new(&app, &desk, &li, "u-b").await;
    let q2 = b.ask("2026-11-02 10:00:00").await;
    b.serve(&q2, "2026-11-02 10:02:00").await; // 120 s
    clock_at("2026-11-02 10:15:00");
    set_state(&desk, &li, common::ACCEPTING).await;
    b.agent_says(&q2, "2026-11-02 10:02:30").await; // 150 s
    clock_at("2026-11-02 10:45:00");
    set_state(&desk, &li, "离线").await;
    b.finish_and_rate(&q2, "2026-11-02 10:30:00", "3").await; // 1800 s
    clock_at("2026-11-02 12:00:00");
    set_state(&desk, &zhang, "离线").await;

    // Day 2: one answered and still open, one that times out in the queue.
    let c = Script::new(&app, &desk, &zhang, "u-c").await;
    let q3 = c.ask("2026-11-03 09:00:00").await;
    c.serve(&q3, "2026-11-03 09:00:10").await; // 10 s
    c.agent_says(&q3, "2026-11-03 09:00:40").await; // 40 s
    c.customer_says(&q3, "2026-11-03 09:01:00").await;
    clock_at("2026-11-03 11:00:00");
    let waiting = desk.connect_in("等不及", Some(department)).await;
    assert_eq!(waiting["agent_id"], "", "nobody is online: {waiting}");
    clock_at("2026-11-03 11:06:00");
    let rid = waiting["rid"].as_str().unwrap_or_default().to_owned();
    let token = waiting["token"].as_str().unwrap_or_default().to_owned();
    common::eventually("the sweeper times the visitor out", || async {
        let (_, q) = app
            .get(&format!("/v1/question/{rid}"), &[("session", &token)])
            .await;
        q["status_code"] == 3
    })
    .await;

    let r = report(&desk, "from=2026-11-02&to=2026-11-03").await;
    assert_eq!(r["from"], "2026-11-02");
    assert_eq!(r["utc_offset"], 8.0);
    let days = r["days"].as_array().expect("days").clone();
    assert_eq!(days.len(), 2, "{r}");
    let (d1, d2, total) = (&days[0], &days[1], &r["totals"]);
    assert_eq!(d1["date"], "2026-11-02");
    let counts = |f: &Value| {
        [
            "started",
            "served",
            "finished",
            "timed_out",
            "messages",
            "customer_messages",
        ]
        .map(|k| f[k].as_i64().unwrap_or(-1))
    };
    assert_eq!(counts(d1), [2, 2, 2, 0, 3, 1], "{d1}");
    assert_eq!(counts(d2), [2, 1, 0, 1, 2, 1], "{d2}");
    assert_eq!(counts(total), [4, 3, 2, 1, 5, 2], "{total}");
    assert_eq!(spread(d1, "queue_wait"), (json!(30.0), json!(120.0)));
    assert_eq!(spread(d1, "first_response"), (json!(90.0), json!(150.0)));
    assert_eq!(spread(d1, "resolution"), (json!(600.0), json!(1800.0)));
    assert_eq!(spread(d2, "first_response"), (json!(40.0), json!(40.0)));
    assert_eq!(spread(d2, "resolution"), (Value::Null, Value::Null));
    // Totals over 40, 90, 150: nearest rank.
    assert_eq!(spread(total, "first_response"), (json!(90.0), json!(150.0)));
    assert_eq!(total["csat"]["count"], 2);
    assert_eq!(total["csat"]["average"], 4.0);
    assert_eq!(
        total["csat"]["distribution"],
        json!({"1": 0, "2": 0, "3": 1, "4": 0, "5": 1})
    );
    assert_eq!(d2["csat"]["average"], Value::Null);

    let agents = r["agents"].as_array().expect("agents");
    let of = |account: &str| {
        agents
            .iter()
            .find(|a| a["sPassportName"] == account)
            .unwrap_or_else(|| panic!("{account} in {agents:?}"))
    };
    assert_eq!(counts(of("zhang")), [2, 2, 1, 0, 4, 2]);
    assert_eq!(of("zhang")["csat"]["average"], 5.0);
    assert_eq!(counts(of("li")), [1, 1, 1, 0, 1, 0]);
    assert_eq!(agents.len(), 2, "the timed-out visitor had no agent");
    let departments = r["departments"].as_array().expect("departments");
    assert_eq!(departments.len(), 1, "{departments:?}");
    assert_eq!(departments[0]["name"], "售后");
    assert_eq!(counts(&departments[0]), [1, 0, 0, 1, 0, 0]);

    // Agents accepting at some moment of each hour of day 1.
    let online = r["online"].as_array().expect("online");
    let hour = |date: &str, h: i64| {
        online
            .iter()
            .find(|o| o["date"] == date && o["hour"] == h)
            .map(|o| o["agents"].as_i64().unwrap_or(-1))
    };
    assert_eq!(hour("2026-11-02", 8), Some(1), "zhang since 08:59");
    assert_eq!(hour("2026-11-02", 10), Some(2), "li 10:15 to 10:45");
    assert_eq!(hour("2026-11-02", 11), Some(1));
    assert_eq!(hour("2026-11-02", 12), Some(0), "zhang off at 12:00 sharp");
    assert_eq!(hour("2026-11-02", 7), Some(0));
    assert_eq!(hour("2026-11-03", 12), None, "after kefu's now");

    // One day only: the other day's conversations are not in it.
    let only_day2 = report(&desk, "from=2026-11-03&to=2026-11-03").await;
    assert_eq!(counts(&only_day2["totals"]), [2, 1, 0, 1, 2, 1]);

    // The same figures as CSV, with a byte-order mark for spreadsheets.
    let csv = app
        .client
        .get(format!(
            "{}/api/v1/reports.csv?from=2026-11-02&to=2026-11-03&by=agent",
            app.base
        ))
        .basic_auth(&desk.t.admin_account, Some(&desk.t.admin_password))
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"]
        .to_str()
        .unwrap_or_default()
        .starts_with("text/csv"));
    let text = csv.text().await.expect("text");
    assert!(text.starts_with('\u{feff}'), "BOM");
    let lines: Vec<&str> = text.trim_start_matches('\u{feff}').lines().collect();
    assert!(lines[0].starts_with("agent,name,started,served,finished,timed_out,messages"));
    assert_eq!(lines.len(), 3, "{text}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with(&format!("{},zhang,2,2,1,0,4,", zhang.id))),
        "{text}"
    );

    // The transcripts of those days, oldest first, each with its messages.
    let t = desk
        .admin(
            Method::GET,
            "/api/v1/transcripts.json?from=2026-11-02&to=2026-11-03",
            None,
        )
        .await;
    assert_eq!(t.status, 200, "{}", t.body);
    let list = t.body["transcripts"].as_array().expect("transcripts");
    let ids: Vec<&str> = list
        .iter()
        .filter_map(|x| x["question_id"].as_str())
        .collect();
    assert_eq!(ids, [q1.as_str(), q2.as_str(), q3.as_str(), rid.as_str()]);
    assert_eq!(t.body["next"], Value::Null);
    assert_eq!(list[0]["rating"]["score"], 5);
    assert_eq!(list[0]["agent"]["sPassportName"], "zhang");
    let texts: Vec<&str> = list[0]["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter_map(|m| m["text"].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    assert_eq!(texts, ["您好，请讲", "我的订单"]);
    let one = desk
        .admin(
            Method::GET,
            &format!("/api/v1/transcripts.csv?question_id={q2}"),
            None,
        )
        .await;
    assert_eq!(one.status, 200);
    freeze_clock(None);
}

async fn reports_are_for_admins_and_check_their_range(app: TestApp) {
    // The last 7 days are counted from kefu's clock: let it run.
    let _turn = CLOCK.lock().await;
    let desk = Desk::new(&app, "报表店").await;
    let agent = app.agent(&desk.t, "zhang", false).await;
    for path in [
        "/api/v1/reports.json",
        "/api/v1/reports.csv",
        "/api/v1/transcripts.json?from=2026-11-02&to=2026-11-02",
        "/api/v1/transcripts.csv?from=2026-11-02&to=2026-11-02",
    ] {
        let r = app.api(Method::GET, path, &agent.login(), None).await;
        assert_eq!(r.status, 403, "{path}: {}", r.body);
        assert_eq!(r.body["code"], "10030", "{path}");
    }
    for (query, field) in [
        ("from=2026-11-3&to=2026-11-04", "from"),
        ("from=2026-11-05&to=2026-11-04", "from"),
        ("from=2026-01-01&to=2026-12-31", "to"),
        ("from=2026-02-30", "from"),
    ] {
        let r = desk
            .admin(Method::GET, &format!("/api/v1/reports.json?{query}"), None)
            .await;
        assert_eq!(r.status, 400, "{query}: {}", r.body);
        assert_eq!(r.body["field"], field, "{query}: {}", r.body);
    }
    let r = desk
        .admin(Method::GET, "/api/v1/reports.csv?by=week", None)
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(r.body["field"], "by");
    // Another tenant's conversation is not found.
    let other = Desk::new(&app, "别家").await;
    let c = app.customer(&other.t, "u-1").await;
    let q = app.ask(&c, "别家的问题").await;
    let r = desk
        .admin(
            Method::GET,
            &format!("/api/v1/transcripts.json?question_id={q}"),
            None,
        )
        .await;
    assert_eq!(r.status, 404, "{}", r.body);
    // With no history, a report is all zeros and no averages.
    let r = report(&desk, "").await;
    assert_eq!(
        r["days"].as_array().map(Vec::len),
        Some(7),
        "the last 7 days by default"
    );
    assert_eq!(r["totals"]["started"], 0);
    assert_eq!(r["totals"]["csat"]["average"], Value::Null);
}

on_every_backend!(
    figures_follow_a_scripted_history,
    reports_are_for_admins_and_check_their_range,
);
