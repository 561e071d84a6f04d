//! The admin area's team pages in a real browser: the tenant's admin
//! creates an agent in 管理后台 → 客服, and that agent signs in and chats
//! with a visitor at once; an agent who is not an admin has no way in, by
//! the header or by the URL, and the administration API refuses them.

mod common;

use common::browser::Browser;
use common::scene::*;
use common::ACCEPTING;
use reqwest::Method;
use serde_json::{json, Value};

/// A department through the API; answers its id.
async fn department(s: &Scene, name: &str) -> i64 {
    let r = s
        .app
        .api(
            Method::POST,
            "/api/v1/supportgroups.json",
            &s.t.admin(),
            Some(json!({ "supportgroup": { "name": name } })),
        )
        .await;
    assert_eq!(r.status, 200, "create department: {}", r.body);
    r.body["supportgroup"]["groupId"]
        .as_i64()
        .expect("a groupId")
}

/// Replaces what an input of the page holds, as typing over it would.
async fn clear(b: &Browser, css: &str) {
    b.js(
        "const e = document.querySelector(arguments[0]); e.value = ''; \
         e.dispatchEvent(new Event('input', { bubbles: true }));",
        json!([css]),
    )
    .await;
}

/// The accounts of the tenant's agents, as the admin's API lists them.
async fn accounts(s: &Scene) -> Vec<String> {
    let list = s.app.api_get("/api/v1/supports.json", &s.t.admin()).await;
    list["supports"]
        .as_array()
        .expect("a list")
        .iter()
        .filter_map(|a| a["sPassportName"].as_str().map(str::to_owned))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admin_creates_an_agent_who_then_chats_with_a_visitor() {
    let Some(s) = scene("an_admin_creates_an_agent_who_then_chats_with_a_visitor").await else {
        return;
    };
    let presales = department(&s, "售前").await;
    department(&s, "售后").await;
    s.app
        .api_create_agent(
            &s.t,
            json!({ "sPassportName": "lisi", "sNum": "001", "name": "李四", "password": "pw-lisi",
                    "groupId": presales.to_string(), "maxChats": 8 }),
        )
        .await;
    s.app
        .api_create_agent(
            &s.t,
            json!({ "sPassportName": "wangwu", "sNum": "002", "name": "王五", "password": "pw-wangwu",
                    "isAdmin": "1" }),
        )
        .await;

    // 管理后台 → 客服: the agents already there are listed.
    let admin = s.admin_console(false).await;
    admin.find("#admin-enter").await.click().await;
    admin.find("a[data-page=agents]").await.click().await;
    admin.find("main.admin[data-page=agents]").await;
    admin.find("tr.agent-row[data-account=lisi]").await;
    let lisi = admin
        .find("tr.agent-row[data-account=lisi]")
        .await
        .text()
        .await;
    assert!(
        lisi.contains("李四") && lisi.contains("售前") && lisi.contains('8'),
        "李四's row names the department and the limit: {lisi}"
    );

    // A taken account is refused next to the account field.
    admin.find("#agent-create").await.click().await;
    admin.find("#agent-account").await.type_text("lisi").await;
    let password = "Welcome-2026";
    admin
        .find("#agent-password")
        .await
        .type_text(password)
        .await;
    admin.find("#agent-name").await.type_text("小美").await;
    admin.find("#agent-snum").await.type_text("007").await;
    admin
        .find(&format!("#agent-groups input[value='{presales}']"))
        .await
        .click()
        .await;
    admin.find("#agent-save").await.click().await;
    admin
        .wait_until(
            "the account field says it is taken",
            "const f = document.querySelector('#agent-account').closest('.admin-field'); \
             const e = f && f.querySelector('.admin-field-error'); \
             return !!e && e.textContent.includes('已被使用')",
            json!([]),
        )
        .await;
    assert!(!accounts(&s).await.iter().any(|a| a == "xiaomei"));

    clear(&admin, "#agent-account").await;
    admin
        .find("#agent-account")
        .await
        .type_text("xiaomei")
        .await;
    admin.find("#agent-save").await.click().await;
    gone(&admin, "the dialog closes", "#agent-dialog").await;
    let row = admin
        .find("tr.agent-row[data-account=xiaomei]")
        .await
        .text()
        .await;
    assert!(
        row.contains("小美") && row.contains("007") && row.contains("售前"),
        "the new agent's row: {row}"
    );
    assert!(accounts(&s).await.iter().any(|a| a == "xiaomei"));

    // 小美 signs in with the password the admin typed, and takes work.
    let agent = s.driver.browser(1366, 768).await;
    agent.goto(&format!("{}/console", s.proxy.base)).await;
    agent
        .find("#login-account")
        .await
        .type_text("xiaomei")
        .await;
    agent
        .find("#login-password")
        .await
        .type_text(password)
        .await;
    agent.find("#login-submit").await.click().await;
    agent.find("#me-name").await;
    assert_eq!(agent.count("#admin-enter").await, 0, "小美 is no admin");
    set_status(&agent, ACCEPTING).await;

    // The only agent taking work: the visitor's conversation comes to her.
    let widget = s.widget().await;
    let rid = widget_rid(&widget, &s.t.api_key).await;
    open_mine(&agent, &rid).await;
    say(&widget, "你好，请问今天下单什么时候发货？").await;
    sees_text(&agent, "你好，请问今天下单什么时候发货？").await;
    say(&agent, "您好，今天 16 点前下单当天发货").await;
    sees_text(&widget, "您好，今天 16 点前下单当天发货").await;

    // The admin's list shows her status live.
    admin
        .wait_until(
            "the admin sees 小美 online",
            "const p = document.querySelector('tr.agent-row[data-account=xiaomei] .team-state-pill'); \
             return !!p && p.textContent.trim() === arguments[0]",
            json!([ACCEPTING]),
        )
        .await;
    // How many each serves comes on 刷新 (or within 20 s): hers is one.
    gone(&admin, "the toasts are gone", ".toast").await;
    admin.find("#agents-refresh").await.click().await;
    admin
        .wait_until(
            "the admin sees 小美 serving one conversation",
            "const v = document.querySelector('#stat-serving .team-stat-value'); \
             const row = document.querySelector('tr.agent-row[data-account=xiaomei] .team-serving'); \
             return !!v && v.textContent.trim() === '1' && !!row && row.textContent.includes('1')",
            json!([]),
        )
        .await;
    check_layout_and_keep(
        &admin,
        &[
            ".admin-nav",
            ".admin-page-header",
            "#agent-stats",
            ".team-card-header",
            "#agent-table thead",
            "tr.agent-row[data-account=lisi]",
            "tr.agent-row[data-account=xiaomei]",
        ],
        "admin-agents.png",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_who_is_not_an_admin_has_no_admin_area() {
    let Some(s) = scene("an_agent_who_is_not_an_admin_has_no_admin_area").await else {
        return;
    };
    s.agent("lisi", "李四").await;
    let before = accounts(&s).await;
    let b = s.console("lisi").await;
    b.find("main.workspace").await;
    assert_eq!(
        b.count("#admin-enter").await,
        0,
        "no way into the admin area"
    );

    // Typing the address: the hash is dropped and the chat stays.
    b.js("location.hash = '#admin/agents'", json!([])).await;
    b.wait_until(
        "the hash is dropped",
        "return location.hash === ''",
        json!([]),
    )
    .await;
    assert_eq!(b.count("main.admin").await, 0);
    assert_eq!(b.count("main.workspace").await, 1);

    // Loading the console at that address does no better.
    b.js(
        "history.replaceState(null, '', '/console#admin/agents')",
        json!([]),
    )
    .await;
    b.reload().await;
    b.find("main.workspace").await;
    assert_eq!(b.count("main.admin").await, 0);
    assert_eq!(b.count("#agent-table").await, 0);

    // The API refuses the agent's own session, whatever the page does.
    let call = "const s = JSON.parse(sessionStorage.getItem('kefu.console.session')); \
        return fetch(arguments[0], { method: arguments[1], headers: { Authorization: 'Bearer ' + s.token, \
        'Content-Type': 'application/json' }, body: arguments[2] }) \
        .then(async r => [r.status, await r.json()])";
    let list = b
        .js(call, json!(["/api/v1/supports.json", "GET", Value::Null]))
        .await;
    assert_eq!(list[0], 403, "the list is refused: {list}");
    assert_eq!(list[1]["code"], "10030", "{list}");
    let create =
        json!({ "support": { "sPassportName": "intruder", "sNum": "9", "password": "x" } });
    let made = b
        .js(
            call,
            json!(["/api/v1/supports.json", "POST", create.to_string()]),
        )
        .await;
    assert_eq!(made[0], 403, "the create is refused: {made}");
    assert_eq!(made[1]["code"], "10030", "{made}");
    assert_eq!(accounts(&s).await, before, "the agent list is unchanged");
}
