//! The pages the binary serves (the console, the chat page, the embed
//! script and their files) and the per-tenant embedding rules: which sites
//! may frame the chat, which origins may call the API (CORS).

mod common;

use common::desk::Desk;
use common::TestApp;
use reqwest::header::{HeaderMap, ACCEPT_ENCODING};
use reqwest::redirect::Policy;
use serde_json::json;

async fn head(app: &TestApp, path: &str) -> (u16, HeaderMap, String) {
    let response = app
        .client
        .get(format!("{}{path}", app.base))
        .send()
        .await
        .expect("answered");
    let status = response.status().as_u16();
    let headers = response.headers().clone();
    (status, headers, response.text().await.expect("a body"))
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
}

/// The CSP's sources for one directive.
fn directive<'a>(csp: &'a str, name: &str) -> &'a str {
    csp.split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix(name).map(str::trim))
        .unwrap_or_else(|| panic!("{name} in {csp}"))
}

async fn the_console_runs_no_inline_script_and_refuses_frames(app: TestApp) {
    let no_redirects = reqwest::Client::builder()
        .redirect(Policy::none())
        .build()
        .expect("a client");
    let root = no_redirects
        .get(format!("{}/", app.base))
        .send()
        .await
        .expect("answered");
    assert_eq!(root.status().as_u16(), 303);
    assert_eq!(header(root.headers(), "location"), "/console");

    let (status, headers, body) = head(&app, "/console").await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type").starts_with("text/html"));
    let csp = header(&headers, "content-security-policy");
    assert_eq!(directive(csp, "script-src"), "'self'");
    assert_eq!(directive(csp, "frame-ancestors"), "'none'");
    assert!(!csp.contains("unsafe"), "{csp}");
    assert_eq!(header(&headers, "x-frame-options"), "DENY");
    assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
    // No inline script: every <script> has a src under the versioned prefix.
    assert!(!body.contains("%ASSETS%"));
    let scripts: Vec<&str> = body.split("<script").skip(1).collect();
    assert!(!scripts.is_empty());
    for script in scripts {
        assert!(
            script.contains("src=\"/assets/"),
            "inline script: <script{script}"
        );
    }
}

async fn assets_are_versioned_cached_for_good_and_gzipped(app: TestApp) {
    let (_, _, body) = head(&app, "/console").await;
    let src = body
        .split("src=\"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .expect("a script src")
        .to_owned();
    let response = app
        .client
        .get(format!("{}{src}", app.base))
        .header(ACCEPT_ENCODING, "gzip")
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 200, "{src}");
    let h = response.headers();
    assert_eq!(
        header(h, "cache-control"),
        "public, max-age=31536000, immutable"
    );
    assert!(header(h, "content-type").starts_with("text/javascript"));
    // reqwest here has no gzip decoder: the body is the gzip stream itself.
    assert_eq!(header(h, "content-encoding"), "gzip");
    assert_eq!(&response.bytes().await.expect("a body")[..2], &[0x1f, 0x8b]);

    // Without gzip, the file as written; another version is not kept.
    let file = src.splitn(4, '/').nth(3).expect("/assets/VERSION/FILE");
    let stale = format!("/assets/000000000000/{file}");
    let (status, headers, text) = head(&app, &stale).await;
    assert_eq!(status, 200, "{stale}");
    assert_eq!(header(&headers, "cache-control"), "no-cache");
    assert!(header(&headers, "content-encoding").is_empty());
    assert!(text.contains("import"), "{text:.80}");
    // Nothing outside the served folders, and no walking up.
    for path in [
        "/assets/x/package.json",
        "/assets/x/vendor/verify.mjs",
        "/assets/x/../Cargo.toml",
        "/assets/x/console/%2e%2e/%2e%2e/Cargo.toml",
        "/assets/x/console/missing.js",
    ] {
        assert_eq!(head(&app, path).await.0, 404, "{path}");
    }
    let (status, headers, embed) = head(&app, "/widget.js").await;
    assert_eq!(status, 200);
    assert!(header(&headers, "content-type").starts_with("text/javascript"));
    assert_eq!(header(&headers, "cache-control"), "public, max-age=300");
    assert!(embed.contains("data-api-key") || embed.contains("apiKey"));
}

async fn the_chat_may_be_framed_only_by_the_tenants_sites(app: TestApp) {
    let desk = Desk::new(&app, "一号店").await;
    let chat = format!("/chat?api_key={}", desk.t.api_key);
    let ancestors = |csp: String| directive(&csp, "frame-ancestors").to_owned();
    let (status, headers, _) = head(&app, &chat).await;
    assert_eq!(status, 200);
    assert_eq!(
        ancestors(header(&headers, "content-security-policy").to_owned()),
        "*"
    );
    assert!(header(&headers, "x-frame-options").is_empty());

    let settings = desk
        .settings_ok(
            json!({"frame_ancestors": ["https://shop.example.com", "https://*.example.cn"]}),
        )
        .await;
    assert_eq!(
        settings["frame_ancestors"],
        json!(["https://shop.example.com", "https://*.example.cn"])
    );
    let (_, headers, _) = head(&app, &chat).await;
    assert_eq!(
        ancestors(header(&headers, "content-security-policy").to_owned()),
        "https://shop.example.com https://*.example.cn"
    );
    // An unknown key frames nowhere.
    let (_, headers, _) = head(&app, "/chat?api_key=nope").await;
    assert_eq!(
        ancestors(header(&headers, "content-security-policy").to_owned()),
        "'none'"
    );

    // Bad entries are refused whole, in the admin dialect's body.
    for bad in [
        json!(["shop.example.com"]),
        json!(["https://a.com/path"]),
        json!("https://a.com"),
        json!(["'unsafe-inline'"]),
    ] {
        let r = desk.put_settings(json!({ "frame_ancestors": bad })).await;
        common::assert_admin_error(&r, 400, "10002", Some("frame_ancestors"));
    }
    assert_eq!(
        desk.get_settings().await["frame_ancestors"],
        settings["frame_ancestors"]
    );
}

/// An `OPTIONS` preflight from a page at `origin`; the answer's headers.
async fn preflight(app: &TestApp, path: &str, origin: &str) -> HeaderMap {
    let response = app
        .client
        .request(reqwest::Method::OPTIONS, format!("{}{path}", app.base))
        .header("origin", origin)
        .header("access-control-request-method", "POST")
        .header("access-control-request-headers", "authorization")
        .send()
        .await
        .expect("answered");
    if !path.starts_with("/api/") {
        assert_eq!(response.status().as_u16(), 204, "{path}");
    }
    response.headers().clone()
}

async fn only_allowed_origins_may_call_the_api_from_their_pages(app: TestApp) {
    let desk = Desk::new(&app, "一号店").await;
    let shop = "https://shop.example.com";
    let before = preflight(&app, "/customers/client_connect", shop).await;
    assert!(header(&before, "access-control-allow-origin").is_empty());

    desk.settings_ok(json!({"allowed_origins": [shop]})).await;
    let allowed = preflight(&app, "/customers/client_connect", shop).await;
    assert_eq!(header(&allowed, "access-control-allow-origin"), shop);
    assert!(header(&allowed, "access-control-allow-headers").contains("Authorization"));
    assert!(header(&allowed, "access-control-allow-methods").contains("POST"));
    let other = preflight(&app, "/v1/question/new", "https://evil.example.net").await;
    assert!(header(&other, "access-control-allow-origin").is_empty());

    // The real call carries the header too; the admin API never does.
    let response = app
        .client
        .post(format!("{}/customers/client_connect", app.base))
        .header("origin", shop)
        .form(&[("api_key", desk.t.api_key.as_str())])
        .send()
        .await
        .expect("answered");
    assert_eq!(response.status().as_u16(), 200);
    assert_eq!(
        header(response.headers(), "access-control-allow-origin"),
        shop
    );
    let admin = preflight(&app, "/api/v1/supports.json", shop).await;
    assert!(header(&admin, "access-control-allow-origin").is_empty());

    let r = desk.put_settings(json!({"allowed_origins": ["*"]})).await;
    common::assert_admin_error(&r, 400, "10002", Some("allowed_origins"));
}

on_every_backend!(
    the_console_runs_no_inline_script_and_refuses_frames,
    assets_are_versioned_cached_for_good_and_gzipped,
    the_chat_may_be_framed_only_by_the_tenants_sites,
    only_allowed_origins_may_call_the_api_from_their_pages,
);
