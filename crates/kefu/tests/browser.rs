//! The console and the widget in a real browser (headless Chromium over
//! WebDriver), against a real kefu on a random port: a customer in the
//! widget and agents in the console chat, claim, transfer and finish; a
//! reload and a network loss lose nothing and double nothing; a canned reply
//! an admin writes in 快捷回复 is found with `/`; markup in a
//! message stays text; bad input is refused with a message. The
//! screenshots in docs/screenshots are the ones these tests take.
//!
//! The browser reaches kefu through a proxy the network-loss test cuts.

mod common;

use common::browser::Browser;
use common::scene::*;
use common::ACCEPTING;
use serde_json::{json, Value};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_customer_and_an_agent_chat_live_with_text_and_images() {
    let Some(s) = scene("a_customer_and_an_agent_chat_live_with_text_and_images").await else {
        return;
    };
    // The only agent online: the visitor's conversation comes to 张三.
    let (console, widget, _) = s.chatting().await;
    widget
        .wait_until(
            "the widget names the agent",
            "return document.querySelector('#agent-name').textContent.includes('张三')",
            json!([]),
        )
        .await;

    // Typing reaches the agent before the text does.
    widget
        .find("textarea#composer")
        .await
        .type_text("你好，我的订单三天了还没发货")
        .await;
    console
        .wait_until(
            "the agent sees the customer typing",
            "return document.querySelector('#typing').textContent.trim() !== ''",
            json!([]),
        )
        .await;
    widget.find("#send").await.click().await;
    sees_text(&console, "你好，我的订单三天了还没发货").await;
    say(&console, "您好，请提供订单号，我马上为您查询").await;
    sees_text(&widget, "您好，请提供订单号，我马上为您查询").await;
    say(
        &widget,
        "订单号 20261203-8848，详情见 https://shop.example.com/orders/8848",
    )
    .await;
    sees_text(
        &console,
        "订单号 20261203-8848，详情见 https://shop.example.com/orders/8848",
    )
    .await;
    // The link is clickable, and opens safely elsewhere.
    let link = console
        .js(
            "const a = document.querySelector('.msg-text a'); \
             return a && [a.href, a.target, a.rel]",
            json!([]),
        )
        .await;
    assert_eq!(link[0], "https://shop.example.com/orders/8848");
    assert_eq!(link[1], "_blank");
    assert!(link[2].as_str().unwrap_or_default().contains("noopener"));

    // A PNG from the customer arrives as a JPEG the agent sees; and back.
    let image_loaded = "return [...document.querySelectorAll('.msg-image img')]\
        .filter(i => i.complete && i.naturalWidth > 0).length >= arguments[0]";
    widget
        .find("input#file-input")
        .await
        .type_text(&fixture("tiny.png"))
        .await;
    console
        .wait_until("the customer's image shows", image_loaded, json!([1]))
        .await;
    console
        .find("input#file-input")
        .await
        .type_text(&fixture("tiny.jpg"))
        .await;
    widget
        .wait_until("both images show", image_loaded, json!([2]))
        .await;
    console
        .wait_until("both images show", image_loaded, json!([2]))
        .await;

    check_layout_and_keep(
        &console,
        &[
            "#me-name",
            "#status-select",
            "#mine",
            "#timeline",
            "textarea#composer",
            "#customer-panel",
        ],
        "console.png",
    )
    .await;
    check_layout_and_keep(
        &widget,
        &["#agent-name", "#timeline", "textarea#composer", "#send"],
        "widget.png",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_agent_sees_a_pending_question_vanish_when_the_first_claims_it() {
    let Some(s) = scene("a_second_agent_sees_a_pending_question_vanish").await else {
        return;
    };
    s.agent("zhangsan", "张三").await;
    s.agent("lisi", "李四").await;
    let zhang = s.console("zhangsan").await;
    let li = s.console("lisi").await;
    // Both offline: the visitor waits in the pending pool, and knows it.
    let widget = s.widget().await;
    let rid = widget_rid(&widget, &s.t.api_key).await;
    widget.find("#queue").await;
    let item = format!("#pending .pending-item[data-question-id='{rid}']");
    li.find(&item).await;
    zhang.find(&format!("{item} .claim")).await.click().await;

    gone(
        &li,
        "the claimed question leaves 李四's pending pool",
        &item,
    )
    .await;
    zhang
        .find(&format!(
            "#mine .conversation-item[data-question-id='{rid}']"
        ))
        .await;
    widget
        .wait_until(
            "the visitor sees who serves it",
            "return !document.querySelector('#queue') && \
             document.querySelector('#agent-name').textContent.includes('张三')",
            json!([]),
        )
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_agent_transfers_and_the_next_one_finishes() {
    let Some(s) = scene("an_agent_transfers_and_the_next_one_finishes").await else {
        return;
    };
    s.agent("zhangsan", "张三").await;
    s.agent("lisi", "李四").await;
    let zhang = s.console("zhangsan").await;
    set_status(&zhang, ACCEPTING).await;
    let widget = s.widget().await;
    let rid = widget_rid(&widget, &s.t.api_key).await;
    let li = s.console("lisi").await;
    set_status(&li, ACCEPTING).await;
    open_mine(&zhang, &rid).await;
    say(&widget, "我想开发票").await;
    sees_text(&zhang, "我想开发票").await;

    zhang.find("#action-transfer").await.click().await;
    zhang.find("#transfer-dialog").await;
    zhang
        .find(".transfer-agent[data-serv-id='lisi']")
        .await
        .click()
        .await;
    zhang.find("#transfer-confirm").await.click().await;
    let mine = format!("#mine .conversation-item[data-question-id='{rid}']");
    gone(&zhang, "the conversation leaves 张三's list", &mine).await;
    open_mine(&li, &rid).await;
    // 李四 sees the history that came with it.
    sees_text(&li, "我想开发票").await;
    widget
        .wait_until(
            "the visitor sees the new agent",
            "return document.querySelector('#agent-name').textContent.includes('李四')",
            json!([]),
        )
        .await;

    li.find("#action-finish").await.click().await;
    li.find("#confirm-finish").await.click().await;
    widget.find("#new-chat").await;
    gone(&li, "the finished conversation leaves 李四's list", &mine).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_reloads_and_goes_on_in_the_same_conversation() {
    let Some(s) = scene("the_customer_reloads_and_goes_on_in_the_same_conversation").await else {
        return;
    };
    let (console, widget, rid) = s.chatting().await;
    say(&widget, "第一条").await;
    say(&console, "收到").await;
    let before = sees_text(&widget, "收到").await;

    widget.reload().await;
    widget.find("textarea#composer").await;
    assert_eq!(widget_rid(&widget, &s.t.api_key).await, rid);
    sees_text(&widget, "收到").await;
    assert_eq!(timeline_texts(&widget).await, vec!["第一条", "收到"]);
    assert_eq!(widget.count(".msg[data-message-id]").await, before);
    say(&widget, "刷新之后还在").await;
    sees_text(&console, "刷新之后还在").await;
    assert_eq!(
        timeline_texts(&console).await,
        vec!["第一条", "收到", "刷新之后还在"]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_network_loss_every_message_shows_once_in_order() {
    let Some(s) = scene("after_a_network_loss_every_message_shows_once_in_order").await else {
        return;
    };
    let (console, widget, rid) = s.chatting().await;
    let visitor = stored(&widget, &s.t.api_key).await;
    let token = visitor["token"].as_str().expect("token");
    let user_id = visitor["user_id"].as_str().expect("user_id");
    say(&widget, "断网前").await;
    sees_text(&console, "断网前").await;

    s.proxy.cut();
    console.find("#offline").await;
    // The customer goes on writing (its own network is fine).
    for text in ["断网时一", "断网时二", "断网时三"] {
        let (status, body) = s
            .app
            .post(
                &format!("/v1/question/{rid}/message/send_text"),
                &[
                    ("session", token),
                    ("sender", user_id),
                    ("sender_type", "1"),
                    ("text", text),
                ],
            )
            .await;
        assert_eq!(status, 200, "{body}");
    }
    s.proxy.restore();
    sees_text(&console, "断网时三").await;
    console
        .wait_until(
            "the banner goes",
            "return !document.querySelector('#offline')",
            json!([]),
        )
        .await;
    assert_eq!(
        timeline_texts(&console).await,
        vec!["断网前", "断网时一", "断网时二", "断网时三"]
    );
    // And live again after it.
    say(&widget, "恢复之后").await;
    sees_text(&console, "恢复之后").await;
    assert_eq!(console.count(".msg[data-message-id] .msg-text").await, 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_a_message_is_shown_as_text_and_runs_nothing() {
    let Some(s) = scene("markup_in_a_message_is_shown_as_text_and_runs_nothing").await else {
        return;
    };
    let (console, widget, _) = s.chatting().await;
    let payloads = [
        "<img src=x onerror=\"window.__xss=1\">",
        "<script>window.__xss=2</script>",
        "javascript:window.__xss=3",
        "<a href=\"javascript:window.__xss=4\">点我</a>",
    ];
    for payload in payloads {
        say(&widget, payload).await;
        sees_text(&console, payload).await;
    }
    for b in [&console, &widget] {
        assert_eq!(
            b.js("return window.__xss === undefined", json!([])).await,
            json!(true)
        );
        assert_eq!(b.count(".msg-text img, .msg-text script").await, 0);
        let links = b
            .js(
                "return [...document.querySelectorAll('.msg-text a')].map(a => a.protocol)",
                json!([]),
            )
            .await;
        assert!(
            links
                .as_array()
                .expect("a list")
                .iter()
                .all(|p| p == "https:" || p == "http:"),
            "only http(s) links: {links}"
        );
    }
    // Clicking what looks like a link does nothing either.
    console
        .find(".msg[data-message-id]:last-of-type .msg-text")
        .await
        .click()
        .await;
    assert_eq!(
        console
            .js("return window.__xss === undefined", json!([]))
            .await,
        json!(true)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_input_in_forms_shows_a_message_and_changes_nothing() {
    let Some(s) = scene("bad_input_in_forms_shows_a_message_and_changes_nothing").await else {
        return;
    };
    s.agent("zhangsan", "张三").await;
    // Sign-in: empty fields and a wrong password.
    let b = s.driver.browser(1366, 768).await;
    b.goto(&format!("{}/console", s.proxy.base)).await;
    b.find("#login-submit").await.click().await;
    let empty = b.find("#login-error").await.text().await;
    assert!(!empty.trim().is_empty());
    b.find("#login-account").await.type_text("zhangsan").await;
    b.find("#login-password")
        .await
        .type_text("wrong-password")
        .await;
    b.find("#login-submit").await.click().await;
    b.wait_until(
        "a wrong password is said so",
        "const e = document.querySelector('#login-error'); \
         return !!e && e.textContent.trim() !== '' && e.textContent !== arguments[0]",
        json!([empty]),
    )
    .await;
    assert!(b.find_now("#me-name").await.is_none());
    assert_eq!(
        b.js(
            "return sessionStorage.getItem('kefu.console.session')",
            json!([])
        )
        .await,
        Value::Null
    );

    let console = s.console("zhangsan").await;
    set_status(&console, ACCEPTING).await;
    let widget = s.widget().await;
    let rid = widget_rid(&widget, &s.t.api_key).await;
    open_mine(&console, &rid).await;
    say(&widget, "在吗").await;
    sees_text(&console, "在吗").await;

    let too_long = "长".repeat(5001);
    let wrong_file =
        std::env::temp_dir().join(format!("kefu-not-an-image-{}.txt", std::process::id()));
    std::fs::write(&wrong_file, "not a picture").expect("a temp file");
    for b in [&console, &widget] {
        let stored = b.count(".msg[data-message-id]").await;
        // Too long: refused before sending, the text kept for editing.
        b.js(
            "const c = document.querySelector('textarea#composer'); c.value = arguments[0]; \
             c.dispatchEvent(new Event('input', { bubbles: true }));",
            json!([too_long]),
        )
        .await;
        b.find("#send").await.click().await;
        b.wait_until(
            "the composer says the text is too long",
            "const e = document.querySelector('#composer-error'); return !!e && e.textContent.trim() !== ''",
            json!([]),
        )
        .await;
        // Not an image.
        b.js(
            "const c = document.querySelector('textarea#composer'); c.value = ''; \
             c.dispatchEvent(new Event('input', { bubbles: true }));",
            json!([]),
        )
        .await;
        b.find("input#file-input")
            .await
            .type_text(&wrong_file.display().to_string())
            .await;
        b.find("#composer-error").await;
        assert_eq!(b.count(".msg[data-message-id]").await, stored);
    }
    std::fs::remove_file(&wrong_file).ok();
    // Nothing reached the server either.
    let history = s
        .app
        .history(
            &common::Customer {
                user_id: String::new(),
                session: stored(&widget, &s.t.api_key).await["token"]
                    .as_str()
                    .expect("token")
                    .to_owned(),
            },
            &rid,
        )
        .await;
    let chat: Vec<&Value> = history.iter().filter(|m| m["type"] != 4).collect();
    assert_eq!(chat.len(), 1, "only 在吗 was stored: {history:?}");
}

/// What the widget keeps of its visitor (`rid`, `token`, `user_id`).
async fn stored(b: &Browser, api_key: &str) -> Value {
    let stored = b
        .js(
            "return localStorage.getItem('kefu.widget.' + arguments[0])",
            json!([api_key]),
        )
        .await;
    serde_json::from_str(stored.as_str().expect("the widget stored its visitor")).expect("JSON")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_one_line_embed_opens_the_chat_in_a_frame_on_another_site() {
    let Some(s) = scene("the_one_line_embed_opens_the_chat_in_a_frame_on_another_site").await
    else {
        return;
    };
    // The enterprise's page, on an origin of its own, with the one line.
    let page = format!(
        "<!doctype html><html><head><meta charset=utf-8><title>Shop</title></head>\
         <body><h1>Shop</h1><script src=\"{}/widget.js\" data-api-key=\"{}\" async></script></body></html>",
        s.proxy.base, s.t.api_key
    );
    let shop = serve_page(page).await;
    let b = s.driver.browser(1366, 768).await;
    b.goto(&shop).await;
    b.find("#kefu-launcher").await.click().await;
    let frame = b.find("#kefu-frame").await;
    let src = b
        .js(
            "return document.querySelector('#kefu-frame').src",
            json!([]),
        )
        .await;
    let chat = format!("{}/chat?api_key={}", s.proxy.base, s.t.api_key);
    assert!(src.as_str().unwrap_or_default().starts_with(&chat), "{src}");
    // Inside the frame: the chat itself, connected, in a window of its own.
    b.enter_frame(&frame).await;
    b.find("textarea#composer").await;
    widget_rid(&b, &s.t.api_key).await;
    let framed = b.js("return window.top !== window", json!([])).await;
    assert_eq!(framed, json!(true));
}

/// An HTTP server on its own port answering every request with `page`;
/// its URL.
async fn serve_page(page: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let url = format!("http://{}/", listener.local_addr().expect("address"));
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let page = page.clone();
            tokio::spawn(async move {
                let mut request = [0u8; 4096];
                let _ = stream.read(&mut request).await;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
                    page.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
            });
        }
    });
    url
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canned_reply_is_found_with_a_slash_and_sent() {
    let Some(s) = scene("a_canned_reply_is_found_with_a_slash_and_sent").await else {
        return;
    };
    // The admin writes a canned reply in 管理后台 → 快捷回复 (seed 003's
    // templates underneath).
    let admin = s.admin_console(false).await;
    admin.find("#admin-enter").await.click().await;
    admin.find("a[data-page=canned]").await.click().await;
    admin.find("#canned-group-add").await.click().await;
    admin
        .find("#canned-group-title")
        .await
        .type_text("售后")
        .await;
    admin.find("#canned-group-save").await.click().await;
    gone(&admin, "the group dialog closes", "#canned-group-form").await;
    admin.find("#canned-item-add").await.click().await;
    admin
        .find("#canned-item-question")
        .await
        .type_text("退货流程")
        .await;
    admin
        .find("#canned-item-content")
        .await
        .type_text("您好，退货请在订单页点击“申请售后”，我们会在 24 小时内处理。")
        .await;
    admin.find("#canned-item-save").await.click().await;
    gone(&admin, "the reply dialog closes", "#canned-item-form").await;
    // Stored as the API shows it.
    let (status, login) = s
        .app
        .post(
            "/v1/console/login",
            &[
                ("account", &s.t.admin_account),
                ("password", &s.t.admin_password),
            ],
        )
        .await;
    assert_eq!(status, 200, "{login}");
    let session = login["session"].as_str().expect("session");
    let (status, templates) = s
        .app
        .get("/v1/answer/templates", &[("session", session)])
        .await;
    assert_eq!(status, 200, "{templates}");
    assert!(templates.to_string().contains("售后"), "{templates}");

    let (console, widget, _) = s.chatting().await;
    let composer = console.find("textarea#composer").await;
    composer.type_text("/退货").await;
    console
        .wait_until(
            "the picker offers the reply",
            "return [...document.querySelectorAll('#canned .canned-item')]\
             .some(e => e.textContent.includes('退货流程'))",
            json!([]),
        )
        .await;
    composer.type_text("\u{E007}").await; // Enter picks it
    console
        .wait_until(
            "the reply fills the composer",
            "return document.querySelector('textarea#composer').value.startsWith('您好，退货请')",
            json!([]),
        )
        .await;
    console.find("#send").await.click().await;
    sees_text(
        &widget,
        "您好，退货请在订单页点击“申请售后”，我们会在 24 小时内处理。",
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_customer_ends_the_chat_and_starts_a_new_one() {
    let Some(s) = scene("the_customer_ends_the_chat_and_starts_a_new_one").await else {
        return;
    };
    let (console, widget, rid) = s.chatting().await;
    say(&widget, "好的，谢谢").await;
    sees_text(&console, "好的，谢谢").await;
    widget.find("#end-chat").await.click().await;
    widget.find("#confirm-end").await.click().await;
    widget.find("#new-chat").await;
    let mine = format!("#mine .conversation-item[data-question-id='{rid}']");
    gone(&console, "the ended conversation leaves 张三's list", &mine).await;

    widget.find("#new-chat").await.click().await;
    let next = widget
        .wait_for("a new conversation", || async {
            let now = widget_rid(&widget, &s.t.api_key).await;
            (now != rid).then_some(now)
        })
        .await;
    open_mine(&console, &next).await;
    say(&widget, "还有一个问题").await;
    sees_text(&console, "还有一个问题").await;
    assert_eq!(timeline_texts(&console).await, vec!["还有一个问题"]);
}
