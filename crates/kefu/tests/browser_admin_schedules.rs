//! The admin's duty roster in a real browser: shifts made in the week view
//! decide who is given a visitor's chat. An agent with shifts today takes
//! chats only inside one of them (start included, end not); an agent with
//! no shift today is not restricted, so the test gives the second agent a
//! shift later today: only a week view that saved the right times, in the
//! tenant's time zone, sends the chat to the first agent.

mod common;

use std::time::{SystemTime, UNIX_EPOCH};

use common::browser::Browser;
use common::scene::*;
use common::ACCEPTING;
use kefu::domain::calendar::{Date, LocalDateTime, TimeOfDay, UtcOffset};
use reqwest::Method;
use serde_json::{json, Value};

const SCHEDULES: &str = "/api/v1/schedules.json";

/// The tenant's local time now, at `offset_hours` east of UTC.
fn local_now(offset_hours: i64) -> LocalDateTime {
    let unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("the clock is after 1970")
        .as_secs_f64();
    let offset = UtcOffset::from_minutes(offset_hours * 60).expect("a valid offset");
    LocalDateTime::from_unix(unix, offset).expect("now is a date")
}

/// "HH:MM" of `minutes` after midnight.
fn hhmm(minutes: u32) -> String {
    TimeOfDay::new(minutes / 60, minutes % 60)
        .expect("a time of day")
        .to_string()
}

/// The admin signs in through the login form and opens 排班.
async fn admin_opens_schedules(s: &Scene) -> Browser {
    let b = s.admin_console(false).await;
    b.find("#admin-enter").await.click().await;
    b.find("a[data-page=schedules]").await.click().await;
    b.find("#sched-week[aria-busy=false]").await;
    b
}

/// Sets a form control's value as the user's picking does.
async fn fill(b: &Browser, css: &str, value: &str) {
    b.find(css).await;
    b.js(
        "const e = document.querySelector(arguments[0]); e.value = arguments[1]; \
         e.dispatchEvent(new Event('input', { bubbles: true })); \
         e.dispatchEvent(new Event('change', { bubbles: true }));",
        json!([css, value]),
    )
    .await;
}

/// The agent's `sId`, from the admin API.
async fn sid_of(s: &Scene, account: &str) -> i64 {
    let r = s
        .app
        .api(Method::GET, "/api/v1/supports.json", &s.t.admin(), None)
        .await;
    r.body["supports"]
        .as_array()
        .expect("a list of agents")
        .iter()
        .find(|a| a["sPassportName"] == account)
        .and_then(|a| a["sId"].as_i64())
        .unwrap_or_else(|| panic!("{account} is listed"))
}

/// The shifts the API lists for one agent on one date: (dutyId, start, end).
async fn listed(s: &Scene, sid: i64, date: &str) -> Vec<(String, String, String)> {
    let path = format!("{SCHEDULES}?startDT={date}&endDT={date}&sid={sid}");
    let r = s.app.api(Method::GET, &path, &s.t.admin(), None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let days = r.body["data"]["duty"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    days.iter()
        .flat_map(|d| d["schedules"].as_array().cloned().unwrap_or_default())
        .map(|shift: Value| {
            let text = |k: &str| shift[k].as_str().unwrap_or_default().to_owned();
            (text("dutyId"), text("start_time"), text("end_time"))
        })
        .collect()
}

/// Shifts on this week's other days, made through the API, so that the
/// week view (and its screenshot) looks like a team's; today stays empty.
async fn lived_in_week(s: &Scene, now: &LocalDateTime, agents: &[i64]) {
    let days = now.date.days_since_epoch();
    // 1970-01-01 was a Thursday.
    let monday = days - (days + 3).rem_euclid(7);
    let mut duty = Vec::new();
    for (i, sid) in agents.iter().enumerate() {
        for day in (monday..monday + 7).filter(|d| *d != days && (d + i as i64) % 3 != 0) {
            let date = Date::from_days_since_epoch(day).expect("a date");
            let (name, start, end) =
                [("早班", "08:00", "16:00"), ("晚班", "14:00", "22:00")][i % 2];
            duty.push(json!({"sid": sid, "date": date.to_string(),
                "schedules": [{"name": name, "start_time": start, "end_time": end}]}));
        }
    }
    let r = s
        .app
        .api(
            Method::POST,
            SCHEDULES,
            &s.t.admin(),
            Some(json!({ "duty": duty })),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

/// Clicks an empty cell of the week view, fills the new shift's hours and
/// saves; answers the block that appears.
async fn create_in_cell(b: &Browser, sid: i64, date: &str, start: &str, end: &str) {
    let cell = format!(".sched-cell[data-sid='{sid}'][data-date='{date}']");
    b.find(&cell).await.click().await;
    b.find("#shift-dialog").await;
    // The cell chose the agent and the date.
    b.wait_until(
        "the dialog holds the cell's agent and date",
        "return document.querySelector('#shift-agent').value === arguments[0] \
         && document.querySelector('#shift-date').value === arguments[1]",
        json!([sid.to_string(), date]),
    )
    .await;
    fill(b, "#shift-start", start).await;
    fill(b, "#shift-end", end).await;
    b.find("#shift-save").await.click().await;
    gone(b, "the dialog closes", "#shift-dialog").await;
    b.wait_until(
        "the week shows the new shift",
        "return [...document.querySelectorAll(arguments[0] + ' .sched-shift .sched-shift-time')] \
         .some(e => e.textContent.trim() === arguments[1])",
        json!([cell, format!("{start}–{end}")]),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shifts_made_in_the_week_view_decide_who_takes_a_chat() {
    let Some(s) = scene("shifts_made_in_the_week_view_decide_who_takes_a_chat").await else {
        return;
    };
    s.agent("anna", "安娜").await;
    s.agent("bob", "鲍勃").await;
    let (anna, bob) = (sid_of(&s, "anna").await, sid_of(&s, "bob").await);

    // Shifts never cross midnight: near it, the tenant moves to UTC so that
    // both shifts below fit in one day (and the page must follow the zone).
    let mut offset = 8;
    let mut now = local_now(offset);
    let minute = now.time_of_day().minutes();
    if !(90..1320).contains(&minute) {
        offset = 0;
        let r = s
            .app
            .api(
                Method::PUT,
                "/api/v1/settings.json",
                &s.t.admin(),
                Some(json!({"settings": {"utc_offset": offset}})),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        now = local_now(offset);
    }
    let today = now.date.to_string();
    let minute = now.time_of_day().minutes();
    // 安娜 works now; 鲍勃 has a shift today that starts in half an hour.
    let (a_start, a_end) = (hhmm(minute - 60), hhmm(minute + 60));
    let (b_start, b_end) = (hhmm(minute + 30), hhmm(minute + 90));

    lived_in_week(&s, &now, &[anna, bob]).await;

    let admin = admin_opens_schedules(&s).await;
    admin
        .wait_until(
            "today is highlighted in the tenant's time zone",
            "return document.querySelector('th.sched-day.today')?.dataset.date === arguments[0]",
            json!([today]),
        )
        .await;
    let rule = admin.find("#sched-rule").await.text().await;
    assert!(rule.contains("今天没有排班的客服不受排班限制"), "{rule}");

    create_in_cell(&admin, anna, &today, &a_start, &a_end).await;
    create_in_cell(&admin, bob, &today, &b_start, &b_end).await;
    let a_shifts = listed(&s, anna, &today).await;
    let b_shifts = listed(&s, bob, &today).await;
    assert_eq!(
        a_shifts
            .iter()
            .map(|(_, a, b)| (a.as_str(), b.as_str()))
            .collect::<Vec<_>>(),
        [(a_start.as_str(), a_end.as_str())],
        "安娜's shift is saved as entered"
    );
    assert_eq!(
        b_shifts
            .iter()
            .map(|(_, a, b)| (a.as_str(), b.as_str()))
            .collect::<Vec<_>>(),
        [(b_start.as_str(), b_end.as_str())],
        "鲍勃's shift is saved as entered"
    );
    let b_duty = b_shifts[0].0.clone();

    // The rows say who routing lets take chats now.
    admin
        .wait_until(
            "安娜 is on duty, 鲍勃 off shift",
            "return document.querySelector(`tr[data-sid='${arguments[0]}'] [data-duty]`)?.dataset.duty === 'on' \
             && document.querySelector(`tr[data-sid='${arguments[1]}'] [data-duty]`)?.dataset.duty === 'off'",
            json!([anna.to_string(), bob.to_string()]),
        )
        .await;
    // 安娜's shift has started: locked, no way to delete it.
    let a_block = format!(".sched-shift[data-sid='{anna}'][data-date='{today}']");
    admin
        .find(&format!("{a_block}[data-locked=true]"))
        .await
        .click()
        .await;
    admin.find("#shift-locked").await;
    assert_eq!(
        admin.count("#shift-delete").await,
        0,
        "a started shift offers no delete"
    );
    admin.find("#shift-cancel").await.click().await;
    gone(&admin, "the dialog closes", "#shift-dialog").await;

    // The picture shows the week, not the saved-shift toasts over it.
    gone(&admin, "the toasts fade", ".toast").await;
    check_layout_and_keep(
        &admin,
        &["#sched-rule", ".sched-toolbar", "#sched-week"],
        "admin-schedules.png",
    )
    .await;

    // Both online; the visitor's chat goes to the one on shift.
    let a_console = s.console("anna").await;
    set_status(&a_console, ACCEPTING).await;
    let b_console = s.console("bob").await;
    set_status(&b_console, ACCEPTING).await;
    let widget = s.widget().await;
    let rid = widget_rid(&widget, &s.t.api_key).await;
    a_console
        .find(&format!(
            "#mine .conversation-item[data-question-id='{rid}']"
        ))
        .await;
    widget
        .wait_until(
            "the widget names 安娜",
            "return document.querySelector('#agent-name').textContent.includes('安娜')",
            json!([]),
        )
        .await;
    assert_eq!(
        b_console.count("#mine .conversation-item").await,
        0,
        "鲍勃 is off shift and given nothing"
    );

    // The admin moves 鲍勃's shift, then deletes it.
    let b_block = format!(".sched-shift[data-duty-id='{b_duty}']");
    let later = hhmm(minute + 120);
    admin.find(&b_block).await.click().await;
    admin.find("#shift-delete").await;
    fill(&admin, "#shift-end", &later).await;
    admin.find("#shift-save").await.click().await;
    gone(&admin, "the dialog closes", "#shift-dialog").await;
    admin
        .wait_until(
            "the block shows the new end",
            "return document.querySelector(arguments[0] + ' .sched-shift-time')?.textContent.trim() === arguments[1]",
            json!([b_block, format!("{b_start}–{later}")]),
        )
        .await;
    assert_eq!(
        listed(&s, bob, &today).await,
        [(b_duty.clone(), b_start.clone(), later.clone())],
        "the API has the edit"
    );

    admin.find(&b_block).await.click().await;
    admin.find("#shift-delete").await.click().await;
    admin.find("#shift-delete-confirm").await.click().await;
    gone(&admin, "the dialog closes", "#shift-dialog").await;
    gone(&admin, "鲍勃's block vanishes", &b_block).await;
    assert!(listed(&s, bob, &today).await.is_empty(), "the API agrees");
    assert_eq!(
        listed(&s, anna, &today).await.len(),
        1,
        "安娜's shift stays"
    );
}
