//! Customer satisfaction and reports in a real browser: a visitor rates
//! the chat its agent finished, the agent's console shows the rating in the
//! timeline, and the admin's reports page counts the conversation and the
//! rating, as the reports API does.

mod common;

use common::scene::*;
use serde_json::json;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_rates_a_finished_chat_and_the_report_shows_it() {
    let Some(s) = scene("a_customer_rates_a_finished_chat_and_the_report_shows_it").await else {
        return;
    };
    let (console, widget, rid) = s.chatting().await;
    say(&widget, "你好，发票怎么开？").await;
    sees_text(&console, "你好，发票怎么开？").await;
    say(&console, "您好，在订单页点「申请发票」即可").await;
    sees_text(&widget, "您好，在订单页点「申请发票」即可").await;

    // No rating while the chat goes on.
    assert_eq!(widget.count("#csat").await, 0);
    console.find("#action-finish").await.click().await;
    console.find("#confirm-finish").await.click().await;

    // The widget asks; the visitor gives 4 stars and a comment.
    widget
        .find("#csat .csat-star[data-score='4']")
        .await
        .click()
        .await;
    check_layout_and_keep(&widget, &["#csat"], "widget-rating.png").await;
    widget
        .find("#csat-comment")
        .await
        .type_text("回复很快，谢谢")
        .await;
    widget.find("#csat-submit").await.click().await;
    widget.find("#csat-done").await;
    assert_eq!(widget.count("#csat-submit").await, 0, "asked once");

    // The agent's timeline shows it live.
    let rating = console
        .find(&format!(
            "#conversation[data-question-id='{rid}'] .msg-rating[data-rating='4']"
        ))
        .await
        .text()
        .await;
    assert!(rating.contains("回复很快，谢谢"), "{rating}");

    // Stored once, as the API says.
    let report = s.app.api_get("/api/v1/reports.json", &s.t.admin()).await;
    let totals = &report["report"]["totals"];
    assert_eq!(totals["csat"]["count"], 1, "{totals}");
    assert_eq!(totals["csat"]["distribution"]["4"], 1, "{totals}");

    // The admin's reports page shows the same.
    let admin = s.admin_console(false).await;
    admin.find("#admin-enter").await.click().await;
    admin.find("a[data-page=reports]").await.click().await;
    admin.find("#report-kpis").await;
    let kpi = |name: &str| format!("#report-kpis .kpi[data-kpi={name}] .kpi-value");
    admin
        .wait_until(
            "the report counts the finished chat",
            "const e = document.querySelector(arguments[0]); return !!e && e.textContent.trim() === '1'",
            json!([kpi("finished")]),
        )
        .await;
    assert_eq!(admin.find(&kpi("started")).await.text().await.trim(), "1");
    let csat = admin.find(&kpi("csat")).await.text().await;
    assert!(csat.starts_with('4'), "the average is 4: {csat}");
    admin.find("#report-csat").await;
    admin.find("#report-agents").await;
    let agents = admin.find("#report-agents").await.text().await;
    assert!(agents.contains("张三"), "{agents}");
    check_layout_and_keep(
        &admin,
        &[
            ".admin-nav",
            "#report-kpis",
            "#report-daily",
            "#report-csat",
        ],
        "admin-reports.png",
    )
    .await;
}
