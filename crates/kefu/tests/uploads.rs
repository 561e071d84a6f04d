//! Uploads: an image is accepted only if it decodes as a JPEG; media are
//! stored per tenant under fresh random names and answered so that a
//! browser can never take them for a page; files of the old shared,
//! content-addressed layout move into their tenants' folders at start.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use base64::Engine as _;
use common::{assert_v1_error, Customer, TestApp};
use kefu::ids::sha256_hex;
use serde_json::Value;

on_every_backend!(
    only_images_that_decode_as_jpeg_are_accepted,
    media_are_answered_so_that_no_browser_runs_them,
    media_names_say_nothing_about_the_bytes_or_other_tenants,
    media_of_the_old_layout_move_into_their_tenants_folders,
);

const JPEG: &[u8] = include_bytes!("fixtures/tiny.jpg");
const PNG: &[u8] = include_bytes!("fixtures/tiny.png");

async fn send_image(app: &TestApp, c: &Customer, q: &str, bytes: &[u8]) -> (u16, Value) {
    let b64 = base64::engine::general_purpose::STANDARD.encode(bytes);
    app.post(
        &format!("/v1/question/{q}/message/send_image"),
        &[
            ("session", c.session.as_str()),
            ("sender", c.user_id.as_str()),
            ("sender_type", "1"),
            ("image", b64.as_str()),
        ],
    )
    .await
}

async fn only_images_that_decode_as_jpeg_are_accepted(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let q = app.ask(&hana, "截图").await;
    let magic_only: Vec<u8> = [&[0xFF, 0xD8, 0xFF, 0xE0][..], &[7u8; 300][..]].concat();
    let cut_short = &JPEG[..JPEG.len() * 2 / 3];
    for (what, bytes) in [
        ("JPEG's first bytes, then junk", magic_only.as_slice()),
        ("a JPEG cut short", cut_short),
        ("a PNG", PNG),
    ] {
        let answer = send_image(&app, &hana, &q, bytes).await;
        assert_v1_error(&answer, 400, 1002, Some("image"));
        assert!(
            answer.1["debug"].as_str().unwrap().contains("JPEG"),
            "{what}: {}",
            answer.1
        );
    }
    assert!(app.history(&hana, &q).await.is_empty(), "nothing stored");
    let (status, body) = send_image(&app, &hana, &q, JPEG).await;
    assert_eq!(status, 200, "{body}");
    assert_eq!(app.history(&hana, &q).await.len(), 1);
}

async fn media_are_answered_so_that_no_browser_runs_them(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let q = app.ask(&hana, "截图").await;
    let (_, body) = send_image(&app, &hana, &q, JPEG).await;
    let url = body["image_url"].as_str().unwrap();
    let r = app.client.get(url).send().await.unwrap();
    assert_eq!(r.status(), 200);
    let h = r.headers();
    assert_eq!(h["content-type"], "image/jpeg");
    assert_eq!(h["x-content-type-options"], "nosniff");
    let name = url.rsplit('/').next().unwrap();
    assert_eq!(
        h["content-disposition"].to_str().unwrap(),
        format!("inline; filename=\"{name}\"")
    );
    let csp = h["content-security-policy"].to_str().unwrap();
    assert!(
        csp.contains("default-src 'none'") && csp.contains("sandbox"),
        "{csp}"
    );
    assert_eq!(r.bytes().await.unwrap().as_ref(), JPEG);
}

async fn media_names_say_nothing_about_the_bytes_or_other_tenants(app: TestApp) {
    let acme = app.tenant("Acme").await;
    let other = app.tenant("Other").await;
    let hana = app.customer(&acme, "hana").await;
    let kim = app.customer(&other, "kim").await;
    let q1 = app.ask(&hana, "one").await;
    let q2 = app.ask(&kim, "two").await;
    let (_, first) = send_image(&app, &hana, &q1, JPEG).await;
    let (_, again) = send_image(&app, &hana, &q1, JPEG).await;
    let (_, theirs) = send_image(&app, &kim, &q2, JPEG).await;
    let urls: Vec<&str> = [&first, &again, &theirs]
        .iter()
        .map(|b| b["image_url"].as_str().unwrap())
        .collect();
    assert_ne!(urls[0], urls[1], "the same bytes, a fresh name");
    assert!(
        urls[0].contains(&format!("/v1/media/{}/", acme.id)),
        "{}",
        urls[0]
    );
    assert!(
        urls[2].contains(&format!("/v1/media/{}/", other.id)),
        "{}",
        urls[2]
    );
    // Knowing the bytes tells nothing: the content hash is no name.
    let hash = sha256_hex(JPEG);
    for path in [
        format!("/v1/media/{hash}.jpg"),
        format!("/v1/media/{}/{hash}.jpg", acme.id),
    ] {
        let (status, _) = app.get(&path, &[]).await;
        assert_eq!(status, 404, "{path}");
    }
    // Another tenant's name under one's own folder is nothing.
    let name = urls[2].rsplit('/').next().unwrap();
    assert_v1_error(
        &app.get(&format!("/v1/media/{}/{name}", acme.id), &[]).await,
        404,
        3005,
        None,
    );
}

async fn media_of_the_old_layout_move_into_their_tenants_folders(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let q = app.ask(&hana, "old").await;
    let (_, sent) = send_image(&app, &hana, &q, JPEG).await;
    let id = sent["message_id"].as_str().unwrap();
    // As a server before per-tenant names left it: a content-addressed file
    // in a folder all tenants share, and the message pointing at it.
    let hash = sha256_hex(JPEG);
    let media = app.data_dir().join("media");
    let shared = media.join(&hash[..2]);
    std::fs::create_dir_all(&shared).unwrap();
    std::fs::write(shared.join(format!("{hash}.jpg")), JPEG).unwrap();
    app.sql(&format!(
        "UPDATE messages SET media_path = '{hash}.jpg' WHERE id = '{id}'"
    ))
    .await;

    assert_eq!(app.engine.move_legacy_media().await.unwrap(), 1);
    assert!(
        !shared.join(format!("{hash}.jpg")).exists(),
        "the old file is gone"
    );
    let history = app.history(&hana, &q).await;
    let url = history[0]["image_url"].as_str().unwrap();
    assert!(url.contains(&format!("/v1/media/{}/", t.id)), "{url}");
    let r = app.client.get(url).send().await.unwrap();
    assert_eq!(r.bytes().await.unwrap().as_ref(), JPEG);
    // Done once: a second start has nothing to move.
    assert_eq!(app.engine.move_legacy_media().await.unwrap(), 0);
}
