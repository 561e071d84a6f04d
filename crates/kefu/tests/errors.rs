//! Bad input of every kind gets seed 003's error body with a fitting HTTP
//! status, never a 500, and changes nothing; on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use base64::Engine as _;
use common::{assert_v1_error, TestApp};

on_every_backend!(
    bad_input_is_refused_with_the_documented_error,
    refused_lifecycle_steps_change_nothing,
    a_body_that_is_not_a_form_or_json_is_refused,
);

async fn bad_input_is_refused_with_the_documented_error(app: TestApp) {
    let t = app.tenant("Acme").await;
    let hana = app.customer(&t, "hana").await;
    let ma = app.agent(&t, "ma", false).await;
    let q = app.ask(&hana, "help").await;
    let s = hana.session.as_str();

    // Sessions and keys.
    assert_v1_error(
        &app.post("/v1/question/new", &[("title", "x")]).await,
        400,
        1001,
        Some("session"),
    );
    assert_v1_error(
        &app.post("/v1/question/new", &[("session", "short")]).await,
        400,
        1002,
        Some("session"),
    );
    assert_v1_error(
        &app.post("/v1/question/new", &[("session", "AAAAAAAAAAAA")])
            .await,
        401,
        2001,
        Some("session"),
    );
    let wrong_keys = app
        .post(
            "/v1/session",
            &[
                ("api_key", &t.api_key),
                ("secret_key", "guess"),
                ("user_id", "x"),
            ],
        )
        .await;
    assert_v1_error(&wrong_keys, 401, 2002, None);
    let no_user = app
        .post(
            "/v1/session",
            &[("api_key", &t.api_key), ("secret_key", &t.secret_key)],
        )
        .await;
    assert_v1_error(&no_user, 400, 1001, Some("user_id"));
    let long_user = "u".repeat(65);
    let too_long = app
        .post(
            "/v1/session",
            &[
                ("api_key", &t.api_key),
                ("secret_key", &t.secret_key),
                ("user_id", &long_user),
            ],
        )
        .await;
    assert_v1_error(&too_long, 400, 1002, Some("user_id"));

    // Asking.
    let long_title = "题".repeat(201);
    assert_v1_error(
        &app.post(
            "/v1/question/new",
            &[("session", s), ("title", &long_title)],
        )
        .await,
        400,
        1002,
        Some("title"),
    );
    assert_v1_error(
        &app.post("/v1/question/new", &[("session", s), ("label", "激活")])
            .await,
        400,
        1002,
        Some("label"),
    );

    // Binding.
    assert_v1_error(&bind(&app, s, "ma", "wrong").await, 401, 2002, None);
    assert_v1_error(&bind(&app, s, "nobody", "wrong").await, 401, 2002, None);
    assert_v1_error(
        &bind(&app, s, "a-very-long-account-name", "x").await,
        400,
        1002,
        Some("serv_id"),
    );
    assert_v1_error(
        &app.post("/v1/serv/bind", &[("session", s), ("serv_id", "ma")])
            .await,
        400,
        1001,
        Some("password"),
    );
    // A customer session not bound to the agent cannot act as it.
    assert_v1_error(
        &app.get("/v1/question/list", &[("session", s), ("serv_id", "ma")])
            .await,
        403,
        2003,
        None,
    );

    // Question ids.
    let agent = [("session", ma.session.as_str()), ("serv_id", "ma")];
    assert_v1_error(
        &app.post("/v1/question/not-an-id/serve", &agent).await,
        400,
        1002,
        Some("question_id"),
    );
    let unknown = "0123456789abcdef01234567";
    assert_v1_error(
        &app.post(&format!("/v1/question/{unknown}/serve"), &agent)
            .await,
        404,
        3001,
        Some("question_id"),
    );

    // Sending.
    let send = format!("/v1/question/{q}/message/send_text");
    let long_text = "字".repeat(5001);
    for (form, http, code, field) in [
        (
            vec![("session", s), ("sender", "hana"), ("sender_type", "1")],
            400,
            1001,
            "text",
        ),
        (
            vec![
                ("session", s),
                ("sender", "hana"),
                ("sender_type", "1"),
                ("text", "  "),
            ],
            400,
            1002,
            "text",
        ),
        (
            vec![
                ("session", s),
                ("sender", "hana"),
                ("sender_type", "1"),
                ("text", &long_text),
            ],
            400,
            1002,
            "text",
        ),
        (
            vec![
                ("session", s),
                ("sender", "hana"),
                ("sender_type", "3"),
                ("text", "x"),
            ],
            400,
            1002,
            "sender_type",
        ),
        (
            vec![
                ("session", s),
                ("sender", "other"),
                ("sender_type", "1"),
                ("text", "x"),
            ],
            400,
            1002,
            "sender",
        ),
        (
            vec![("session", s), ("sender_type", "1"), ("text", "x")],
            400,
            1001,
            "sender",
        ),
        (
            vec![
                ("session", s),
                ("sender", "hana"),
                ("sender_type", "1"),
                ("text", "x"),
                ("client_msg_id", "a b"),
            ],
            400,
            1002,
            "client_msg_id",
        ),
    ] {
        assert_v1_error(&app.post(&send, &form).await, http, code, Some(field));
    }
    // An agent sending as someone else's serv_id.
    assert_v1_error(
        &app.post(
            &send,
            &[
                ("session", &ma.session),
                ("sender", "ma"),
                ("serv_id", "li"),
                ("sender_type", "2"),
                ("text", "x"),
            ],
        )
        .await,
        400,
        1002,
        Some("sender"),
    );

    // Images.
    let image = format!("/v1/question/{q}/message/send_image");
    let b64 = base64::engine::general_purpose::STANDARD;
    let png = b64.encode(b"\x89PNG\r\n\x1a\n0000");
    let huge = b64.encode([&[0xFF, 0xD8, 0xFF, 0xE0][..], &vec![0u8; 2 * 1024 * 1024]].concat());
    for (data, http, code, field) in [
        ("@@not base64@@", 400, 1003, Some("image")),
        (png.as_str(), 400, 1002, Some("image")),
        (huge.as_str(), 413, 1004, Some("image")),
    ] {
        let form = [
            ("session", s),
            ("sender", "hana"),
            ("sender_type", "1"),
            ("image", data),
        ];
        assert_v1_error(&app.post(&image, &form).await, http, code, field);
    }
    let audio = format!("/v1/question/{q}/message/send_audio");
    let amr = b64.encode(b"#!AMR\n0000");
    for (len, field) in [("0", "audio_len"), ("x", "audio_len")] {
        let form = [
            ("session", s),
            ("sender", "hana"),
            ("sender_type", "1"),
            ("audio", amr.as_str()),
            ("audio_len", len),
        ];
        assert_v1_error(&app.post(&audio, &form).await, 400, 1002, Some(field));
    }

    // Nothing of the above was stored.
    assert!(app.history(&hana, &q).await.is_empty());
    let (_, alls) = app.get("/v1/user/hana/alls", &[("session", s)]).await;
    assert_eq!(alls["questions"].as_array().unwrap().len(), 1);

    // A path that does not decode, unknown routes and methods answer in the dialect too.
    assert_v1_error(
        &app.post("/v1/question/%FF%FE/serve", &agent).await,
        400,
        1003,
        Some("path"),
    );
    // Unknown routes and methods answer in the dialect too.
    assert_v1_error(&app.get("/v1/no/such/thing", &[]).await, 404, 3000, None);
    assert_v1_error(&app.get("/v1/question/new", &[]).await, 405, 3007, None);
}

async fn refused_lifecycle_steps_change_nothing(app: TestApp) {
    let t = app.tenant("Acme").await;
    let ivy = app.customer(&t, "ivy").await;
    let he = app.agent(&t, "he", false).await;
    let lu = app.agent(&t, "lu", false).await;
    let q = app.ask(&ivy, "x").await;
    // Waiting: nobody can quit, finish or ask to finish.
    for action in ["quit", "finish", "request_finish"] {
        assert_v1_error(
            &app.act(&he, &q, action).await,
            409,
            4003,
            Some("question_id"),
        );
    }
    app.serve(&he, &q).await;
    // Served by He: Lu can do nothing to it.
    assert_v1_error(
        &app.act(&lu, &q, "serve").await,
        409,
        4001,
        Some("question_id"),
    );
    for action in ["quit", "finish", "request_finish"] {
        assert_v1_error(
            &app.act(&lu, &q, action).await,
            409,
            4004,
            Some("question_id"),
        );
    }
    assert_eq!(app.act(&he, &q, "finish").await.0, 200);
    // Finished: nothing but reopen.
    for action in ["serve", "quit", "finish", "request_finish"] {
        assert_v1_error(
            &app.act(&he, &q, action).await,
            409,
            4002,
            Some("question_id"),
        );
    }
    let history = app.history(&ivy, &q).await;
    let actions: Vec<i64> = history
        .iter()
        .map(|m| m["action"].as_i64().unwrap())
        .collect();
    assert_eq!(actions, vec![1, 4]);
}

async fn a_body_that_is_not_a_form_or_json_is_refused(app: TestApp) {
    let response = app
        .client
        .post(format!("{}/v1/question/new", app.base))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.unwrap();
    assert_v1_error(&(status, body), 400, 1003, Some("body"));

    // JSON bodies work like forms, numbers and lists included.
    let t = app.tenant("Acme").await;
    let jo = app.customer(&t, "jo").await;
    let response = app
        .client
        .post(format!("{}/v1/question/new", app.base))
        .json(&serde_json::json!({ "session": jo.session, "title": "json", "label": ["激活"] }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
}

async fn bind(
    app: &TestApp,
    session: &str,
    serv_id: &str,
    password: &str,
) -> (u16, serde_json::Value) {
    app.post(
        "/v1/serv/bind",
        &[
            ("session", session),
            ("serv_id", serv_id),
            ("password", password),
        ],
    )
    .await
}
