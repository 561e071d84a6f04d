//! The admin area's service pages in a real browser: a tenant's admin
//! signing in for the first time lands on 开始使用, whose snippet names the
//! tenant's api_key; and the welcome text the admin saves in 设置 is what
//! the next customer's chat window shows, as the API says.

mod common;

use common::browser::Browser;
use common::scene::*;
use serde_json::json;

/// Whether a checklist step shows as done.
async fn step_done(b: &Browser, step: &str) -> bool {
    let done = b
        .js(
            "return document.querySelector('#checklist-' + arguments[0]).dataset.done",
            json!([step]),
        )
        .await;
    done == json!("true")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_admins_first_sign_in_lands_on_the_checklist_with_the_widget_snippet() {
    let Some(s) =
        scene("an_admins_first_sign_in_lands_on_the_checklist_with_the_widget_snippet").await
    else {
        return;
    };
    let b = s.admin_console(true).await;
    b.find("#admin-main #checklist-code").await;
    assert_eq!(
        b.js(
            "return document.querySelector('.admin').dataset.page",
            json!([])
        )
        .await,
        json!("checklist"),
        "the first sign-in opens the checklist"
    );

    // The snippet is the one line a site needs, with this tenant's api_key.
    let origin = b.js("return location.origin", json!([])).await;
    let origin = origin.as_str().expect("an origin");
    let snippet = format!(
        "<script src=\"{origin}/widget.js\" data-api-key=\"{}\" async></script>",
        s.t.api_key
    );
    let shown = b
        .wait_for("the snippet is loaded", || async {
            let text = b
                .js(
                    "return document.querySelector('#checklist-code').textContent",
                    json!([]),
                )
                .await;
            text.as_str()
                .filter(|t| t.contains("data-api-key"))
                .map(str::to_owned)
        })
        .await;
    assert_eq!(shown, snippet);
    let try_it = b
        .js(
            "return document.querySelector('#checklist-try').href",
            json!([]),
        )
        .await;
    assert_eq!(
        try_it,
        json!(format!("{origin}/chat?api_key={}", s.t.api_key))
    );

    // A new tenant has done nothing yet: default statuses, one agent.
    b.wait_until(
        "the agent count is loaded",
        "return document.querySelector('#checklist-agents .ck-note').textContent.includes('1')",
        json!([]),
    )
    .await;
    for step in ["states", "agents", "snippet"] {
        assert!(!step_done(&b, step).await, "{step} is still to do");
    }
    // Keeping the default names is a choice: the step is done.
    b.find("#checklist-states-keep").await.click().await;
    b.wait_until(
        "the status step is done",
        "return document.querySelector('#checklist-states').dataset.done === 'true' \
         && document.querySelector('#checklist-progress').textContent.includes('1')",
        json!([]),
    )
    .await;

    // A second agent, and the checklist (opened again) counts it.
    s.agent("zhangsan", "张三").await;
    b.find(".admin-nav-item[data-page='settings']")
        .await
        .click()
        .await;
    b.find("#settings-states").await;
    b.find(".admin-nav-item[data-page='checklist']")
        .await
        .click()
        .await;
    b.wait_until(
        "the agent step is done",
        "return document.querySelector('#checklist-agents').dataset.done === 'true'",
        json!([]),
    )
    .await;
    assert!(!step_done(&b, "snippet").await, "nothing was copied");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_welcome_text_an_admin_saves_is_what_a_new_customer_sees() {
    let Some(s) = scene("the_welcome_text_an_admin_saves_is_what_a_new_customer_sees").await else {
        return;
    };
    let b = s.admin_console(false).await;
    b.find("#admin-enter").await.click().await;
    b.find(".admin-nav-item[data-page='settings']")
        .await
        .click()
        .await;
    b.find("#settings-template").await;
    check_layout_and_keep(
        &b,
        &[
            ".admin-nav",
            ".admin-page-header",
            ".svc-contents",
            "#settings-states",
        ],
        "admin-settings.png",
    )
    .await;
    let save_enabled =
        "return !document.querySelector('#settings-routing-save').disabled === arguments[0]";
    b.wait_until("nothing to save yet", save_enabled, json!([false]))
        .await;

    // An out-of-range limit is refused beside its field, and nothing is sent.
    b.js(
        "const e = document.querySelector('#settings-max-chats'); e.value = ''; \
         e.dispatchEvent(new Event('input', { bubbles: true }));",
        json!([]),
    )
    .await;
    b.find("#settings-max-chats").await.type_text("2000").await;
    b.wait_until("the card is dirty", save_enabled, json!([true]))
        .await;
    b.find("#settings-routing-save").await.click().await;
    b.wait_until(
        "the limit is refused beside its field",
        "return document.querySelector('#settings-routing .admin-field-error')?.textContent.includes('1000')",
        json!([]),
    )
    .await;
    let settings = s.app.api_get("/api/v1/settings.json", &s.t.admin()).await;
    assert_eq!(settings["settings"]["max_chats"], json!(5), "nothing saved");

    // The welcome text and a good limit, saved together by the card.
    let welcome = "您好，欢迎光临一号店！请问有什么可以帮您？";
    b.find("#settings-template").await.type_text(welcome).await;
    b.js(
        "const e = document.querySelector('#settings-max-chats'); e.value = '8'; \
         e.dispatchEvent(new Event('input', { bubbles: true }));",
        json!([]),
    )
    .await;
    b.find("#settings-routing-save").await.click().await;
    b.wait_until(
        "the card is saved",
        "return document.querySelector('#settings-routing-save').disabled \
         && !document.querySelector('#settings-routing .svc-unsaved') \
         && [...document.querySelectorAll('.toast')].some(t => t.textContent.includes('分配规则已保存'))",
        json!([]),
    )
    .await;
    let settings = s.app.api_get("/api/v1/settings.json", &s.t.admin()).await;
    assert_eq!(settings["settings"]["template"], json!(welcome));
    assert_eq!(settings["settings"]["max_chats"], json!(8));
    // Only the card's keys were sent: the others keep their defaults.
    assert_eq!(settings["settings"]["utc_offset"], json!(8));
    assert_eq!(settings["settings"]["timeout"], json!(200));

    // The next customer's chat window greets with it.
    let widget = s.widget().await;
    widget
        .wait_until(
            "the widget shows the saved welcome text",
            "return document.querySelector('#welcome')?.textContent.includes(arguments[0])",
            json!([welcome]),
        )
        .await;
}
