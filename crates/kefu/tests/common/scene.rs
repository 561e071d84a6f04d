//! The browser tests' scene: a kefu on SQLite, the proxy the browser
//! reaches it through, chromedriver and a tenant; and the steps the tests
//! share (signing in to the console, opening the widget, sending, waiting
//! for the timeline, checking a layout and keeping its screenshot).

use std::path::PathBuf;

use serde_json::{json, Value};

use super::browser::{chromedriver, Browser, Driver, Proxy};
use super::{Backend, Tenant, TestApp, ACCEPTING};

/// A kefu, the proxy in front of it, chromedriver, and a tenant.
pub struct Scene {
    pub app: TestApp,
    pub proxy: Proxy,
    pub driver: Driver,
    pub t: Tenant,
}

/// The scene, or None (SKIPPED) without chromedriver.
pub async fn scene(test: &str) -> Option<Scene> {
    let Some(binary) = chromedriver() else {
        eprintln!("SKIPPED {test}: chromedriver is not installed (apt-get install chromium chromium-driver)");
        return None;
    };
    let app = TestApp::spawn(Backend::Sqlite).await.expect("SQLite runs");
    let proxy = Proxy::start(&app.base).await;
    let driver = Driver::start(&binary).await;
    let t = app.tenant("一号店").await;
    Some(Scene {
        app,
        proxy,
        driver,
        t,
    })
}

impl Scene {
    /// A new agent with a display name (password `pw-ACCOUNT`).
    pub async fn agent(&self, account: &str, name: &str) {
        self.app
            .engine
            .create_agent(self.t.id, account, &format!("pw-{account}"), name, false)
            .await
            .expect("create agent");
    }

    /// A console window signed in as `account` (made by [`Self::agent`]).
    pub async fn console(&self, account: &str) -> Browser {
        let b = self.driver.browser(1366, 768).await;
        sign_in(&b, &self.proxy.base, account, &format!("pw-{account}")).await;
        b
    }

    /// The tenant's admin's console window. On a `first` sign-in in this
    /// browser it lands on the checklist; otherwise in the chat workspace.
    pub async fn admin_console(&self, first: bool) -> Browser {
        let b = self.driver.browser(1366, 768).await;
        b.goto(&format!("{}/console", self.proxy.base)).await;
        if !first {
            b.js(
                "localStorage.setItem('kefu.console.checklist-seen.' + arguments[0], '1')",
                json!([self.t.admin_account]),
            )
            .await;
        }
        sign_in(
            &b,
            &self.proxy.base,
            &self.t.admin_account,
            &self.t.admin_password,
        )
        .await;
        b
    }

    /// A chat page (the widget's frame) of a new visitor, phone-sized.
    pub async fn widget(&self) -> Browser {
        let b = self.driver.browser(375, 720).await;
        b.goto(&format!(
            "{}/chat?api_key={}",
            self.proxy.base, self.t.api_key
        ))
        .await;
        b.find("textarea#composer").await;
        b
    }
}

impl Scene {
    /// 张三 online in a console, a visitor in the widget whose conversation
    /// came to him, open in his console: (console, widget, rid).
    pub async fn chatting(&self) -> (Browser, Browser, String) {
        self.agent("zhangsan", "张三").await;
        let console = self.console("zhangsan").await;
        set_status(&console, ACCEPTING).await;
        let widget = self.widget().await;
        let rid = widget_rid(&widget, &self.t.api_key).await;
        open_mine(&console, &rid).await;
        (console, widget, rid)
    }
}

/// Signs in through the console's login form.
pub async fn sign_in(b: &Browser, base: &str, account: &str, password: &str) {
    if b.find_now("#login-account").await.is_none() {
        b.goto(&format!("{base}/console")).await;
    }
    b.find("#login-account").await.type_text(account).await;
    b.find("#login-password").await.type_text(password).await;
    b.find("#login-submit").await.click().await;
    b.find("#me-name").await;
}

/// Waits until nothing matches `css`.
pub async fn gone(b: &Browser, what: &str, css: &str) {
    b.wait_until(
        what,
        "return !document.querySelector(arguments[0])",
        json!([css]),
    )
    .await;
}

/// Picks a status in the console's header.
pub async fn set_status(b: &Browser, state: &str) {
    b.find("#status-select").await;
    b.js(
        "const s = document.querySelector('#status-select'); s.value = arguments[0]; \
         s.dispatchEvent(new Event('change', { bubbles: true }));",
        json!([state]),
    )
    .await;
    b.wait_until(
        "the status is saved",
        "return document.querySelector('#status-select').value === arguments[0]",
        json!([state]),
    )
    .await;
}

/// Types `text` into the composer and sends it.
pub async fn say(b: &Browser, text: &str) {
    b.find("textarea#composer").await.type_text(text).await;
    b.find("#send").await.click().await;
}

/// The conversation (`rid`) the widget holds, from its own storage.
pub async fn widget_rid(b: &Browser, api_key: &str) -> String {
    b.wait_for("the widget stored its conversation", || async {
        let stored = b
            .js(
                "return localStorage.getItem('kefu.widget.' + arguments[0])",
                json!([api_key]),
            )
            .await;
        let stored: Value = serde_json::from_str(stored.as_str()?).ok()?;
        stored["rid"].as_str().map(str::to_owned)
    })
    .await
}

/// Waits until the timeline holds a stored message with this text, and
/// answers how many it holds.
pub async fn sees_text(b: &Browser, text: &str) -> usize {
    b.wait_until(
        &format!("the timeline shows {text:?}"),
        "return [...document.querySelectorAll('.msg[data-message-id] .msg-text')]\
         .some(e => e.textContent === arguments[0])",
        json!([text]),
    )
    .await;
    b.count(".msg[data-message-id]").await
}

/// The texts of the stored messages, in the timeline's order.
pub async fn timeline_texts(b: &Browser) -> Vec<String> {
    b.texts(".msg[data-message-id] .msg-text").await
}

/// Opens a conversation of "my conversations" in the console.
pub async fn open_mine(b: &Browser, rid: &str) {
    let item = format!("#mine .conversation-item[data-question-id='{rid}']");
    b.find(&item).await.click().await;
    b.find(&format!("#conversation[data-question-id='{rid}']"))
        .await;
}

pub fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
        .display()
        .to_string()
}

/// Checks that each element is on screen, not empty, and that no two of
/// them overlap; then keeps the screenshot in docs/screenshots.
pub async fn check_layout_and_keep(b: &Browser, selectors: &[&str], file: &str) {
    let rects = b
        .js(
            "return arguments[0].map(sel => { const e = document.querySelector(sel); \
             if (!e) return null; const r = e.getBoundingClientRect(); \
             return [r.left, r.top, r.right, r.bottom]; })",
            json!([selectors]),
        )
        .await;
    let (width, height) = {
        let size = b.js("return [innerWidth, innerHeight]", json!([])).await;
        (
            size[0].as_f64().unwrap_or(0.0),
            size[1].as_f64().unwrap_or(0.0),
        )
    };
    let rects: Vec<[f64; 4]> = selectors
        .iter()
        .zip(rects.as_array().expect("a list"))
        .map(|(sel, r)| {
            let r: [f64; 4] = serde_json::from_value(r.clone())
                .unwrap_or_else(|_| panic!("{sel} is on the page"));
            assert!(
                r[2] - r[0] >= 8.0 && r[3] - r[1] >= 8.0,
                "{sel} is visible: {r:?}"
            );
            assert!(
                r[0] >= -0.5 && r[1] >= -0.5 && r[2] <= width + 0.5 && r[3] <= height + 0.5,
                "{sel} is inside the {width}×{height} viewport: {r:?}"
            );
            r
        })
        .collect();
    for (i, a) in rects.iter().enumerate() {
        for (j, c) in rects.iter().enumerate().skip(i + 1) {
            let overlap_x = a[2].min(c[2]) - a[0].max(c[0]);
            let overlap_y = a[3].min(c[3]) - a[1].max(c[1]);
            assert!(
                overlap_x <= 0.5 || overlap_y <= 0.5,
                "{} and {} overlap: {a:?} {c:?}",
                selectors[i],
                selectors[j]
            );
        }
    }
    // No horizontal scrolling at this width.
    let scrolls = b
        .js(
            "return document.documentElement.scrollWidth > innerWidth + 1",
            json!([]),
        )
        .await;
    assert_eq!(scrolls, json!(false), "{file}: the page scrolls sideways");
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots");
    std::fs::create_dir_all(&dir).expect("docs/screenshots");
    std::fs::write(dir.join(file), b.screenshot().await).expect("write the screenshot");
}
