//! The `kefu` binary as a user runs it: `kefu serve` with a fresh data folder
//! prints where it listens and the demo login, answers, and stops cleanly on
//! SIGTERM; `kefu tenant create` prints a working tenant as JSON.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::path::Path;
use std::process::Command;

use common::binary::{address, banner_value, start, temp_dir, terminate, KEFU};
use serde_json::Value;

#[tokio::test]
async fn serve_prints_the_demo_login_once_and_stops_cleanly_on_sigterm() {
    let dir = temp_dir();
    let (child, mut output, banner) = start(&dir, &[]);
    let base = address(&banner);
    for mount in ["/v1 ", "/api/v1 ", "/customers "] {
        let line = format!("{base}{mount}");
        assert!(
            banner.iter().any(|l| l.contains(&line)),
            "the banner names {line}: {banner:?}"
        );
    }
    let client = reqwest::Client::new();
    let health: Value = client
        .get(format!("{base}/healthz"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
    assert_eq!(health["storage"], "sqlite");
    assert_eq!(
        health["durability"], "normal",
        "the default survives a killed process"
    );
    assert!(
        dir.join("kefu.db").exists(),
        "the database lives in the data folder"
    );

    // The rest of the banner has the demo tenant's keys and admin login.
    let rest: Vec<String> = output.by_ref().take(5).map(Result::unwrap).collect();
    let value = |key: &str| banner_value(&rest, key);
    let api_key = value("api_key:");
    let secret_key = value("secret_key:");
    let login = value("admin login (serv_id / sPassportName, password):");
    let (account, password) = login.split_once(" / ").unwrap();

    // The printed keys and login work.
    let session: Value = client
        .post(format!("{base}/v1/session"))
        .form(&[
            ("api_key", api_key.as_str()),
            ("secret_key", &secret_key),
            ("user_id", "agent-phone"),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let session = session["session"].as_str().unwrap();
    let bind = client
        .post(format!("{base}/v1/serv/bind"))
        .form(&[
            ("session", session),
            ("serv_id", account),
            ("password", password),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(bind.status(), 200);
    // The same login is the administration API's Basic auth.
    let agents = client
        .get(format!("{base}/api/v1/supports.json"))
        .basic_auth(account, Some(password))
        .send()
        .await
        .unwrap();
    assert_eq!(agents.status(), 200);
    let agents: Value = agents.json().await.unwrap();
    assert_eq!(agents["supports"][0]["sPassportName"], account);
    assert_eq!(
        agents["supports"][0]["sNum"], account,
        "seed 002 needs an sNum"
    );
    // The printed keys give the customer API an access token.
    let token: Value = client
        .post(format!("{base}/admin/access_token"))
        .form(&[("api_key", api_key.as_str()), ("secret_key", &secret_key)])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ping = client
        .get(format!("{base}/customers/auth_ping"))
        .header("Authorization", token["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(ping.text().await.unwrap(), "\"pong\"");

    assert!(terminate(child).success(), "SIGTERM ends kefu with success");
    // Only hashes of the session and the admin password were stored.
    let stored = [
        std::fs::read(dir.join("kefu.db")).unwrap(),
        std::fs::read(dir.join("kefu.db-wal")).unwrap_or_default(),
    ]
    .concat();
    for secret in [session, password] {
        assert!(
            !stored.windows(secret.len()).any(|w| w == secret.as_bytes()),
            "{secret} is stored in plain text"
        );
    }

    // A second start keeps the data and creates no second demo tenant.
    let (child, _output, banner) = start(&dir, &[]);
    assert!(!banner.iter().any(|l| l.contains("demo tenant")));
    assert!(terminate(child).success());
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn durability_is_chosen_by_a_flag_and_shown() {
    let dir = temp_dir();
    let (child, _output, banner) = start(&dir, &["--durability", "strict"]);
    assert!(
        banner
            .iter()
            .any(|l| l.contains("storage:") && l.contains("durability strict")),
        "the banner says what a write survives: {banner:?}"
    );
    let health: Value = reqwest::get(format!("{}/healthz", address(&banner)))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["durability"], "strict");
    assert!(terminate(child).success());

    let refused = Command::new(KEFU)
        .args(["serve", "--durability", "sometimes", "--data-dir"])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!refused.status.success());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert!(
        stderr.contains("normal") && stderr.contains("strict"),
        "an unknown level is refused with the choices: {stderr}"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn tenant_create_prints_keys_and_admin_as_json() {
    let dir = temp_dir();
    let output = Command::new(KEFU)
        .args(["tenant", "create", "--name", "示例企业", "--data-dir"])
        .arg(&dir)
        .env_remove("KEFU_DATABASE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let created: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(created["name"], "示例企业");
    assert_eq!(created["api_key"].as_str().unwrap().len(), 24);
    assert_eq!(created["secret_key"].as_str().unwrap().len(), 40);
    assert_eq!(created["admin"]["account"], "admin");
    assert!(!created["admin"]["password"].as_str().unwrap().is_empty());
    // The secret is stored hashed: the database file does not contain it.
    let db = std::fs::read(dir.join("kefu.db")).unwrap();
    let wal = std::fs::read(dir.join("kefu.db-wal")).unwrap_or_default();
    let secret = created["secret_key"].as_str().unwrap().as_bytes();
    for bytes in [&db, &wal] {
        assert!(!bytes.windows(secret.len()).any(|w| w == secret));
    }

    let bad = Command::new(KEFU)
        .args([
            "tenant",
            "create",
            "--name",
            "x",
            "--database",
            "mysql://nope",
        ])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("sqlite://"));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn flags_beat_environment_which_beats_the_config_file() {
    let dir = temp_dir();
    let config = dir.join("kefu.toml");
    let (from_file, from_env, from_flag) = (dir.join("file"), dir.join("env"), dir.join("flag"));
    std::fs::write(&config, format!("data_dir = \"{}\"\n", from_file.display())).unwrap();
    let create = |env: Option<&Path>, flag: Option<&Path>| {
        let mut command = Command::new(KEFU);
        command
            .args(["tenant", "create", "--name", "t", "--config"])
            .arg(&config)
            .env_remove("KEFU_DATABASE")
            .env_remove("KEFU_DATA_DIR");
        if let Some(env) = env {
            command.env("KEFU_DATA_DIR", env);
        }
        if let Some(flag) = flag {
            command.arg("--data-dir").arg(flag);
        }
        let output = command.output().unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    };
    create(None, None);
    assert!(from_file.join("kefu.db").exists(), "the file's data_dir");
    create(Some(&from_env), None);
    assert!(
        from_env.join("kefu.db").exists(),
        "the environment over the file"
    );
    create(Some(&from_env), Some(&from_flag));
    assert!(
        from_flag.join("kefu.db").exists(),
        "the flag over the environment"
    );
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn serve_help_documents_every_flag_with_its_variable() {
    let output = Command::new(KEFU)
        .args(["serve", "--help"])
        .output()
        .unwrap();
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for (flag, env) in [
        ("--listen", "KEFU_LISTEN"),
        ("--data-dir", "KEFU_DATA_DIR"),
        ("--database", "KEFU_DATABASE"),
        ("--durability", "KEFU_DURABILITY"),
        ("--redis", "KEFU_REDIS"),
        ("--public-url", "KEFU_PUBLIC_URL"),
        ("--tls-cert", "KEFU_TLS_CERT"),
        ("--tls-key", "KEFU_TLS_KEY"),
        ("--config", "KEFU_CONFIG"),
    ] {
        let line = help
            .lines()
            .find(|l| l.trim_start().starts_with(flag))
            .unwrap_or_else(|| panic!("{flag} in {help}"));
        assert!(line.contains(env), "{line}");
    }
}

/// `kefu` with these arguments on the data folder `dir`; its JSON answer.
fn kefu_json(dir: &Path, args: &[&str]) -> Value {
    let output = Command::new(KEFU)
        .args(args)
        .arg("--data-dir")
        .arg(dir)
        .env_remove("KEFU_DATABASE")
        .output()
        .unwrap();
    assert!(
        output.status.success(),
        "kefu {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).unwrap()
}

/// A first start that cannot listen (the port is taken) stops before it
/// makes the demo tenant, whose secrets it could never print; the next
/// start that can listen makes and prints it.
#[tokio::test]
async fn a_start_that_cannot_listen_creates_no_tenant() {
    let dir = temp_dir();
    let taken = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = taken.local_addr().unwrap().to_string();
    let output = Command::new(KEFU)
        .args(["serve", "--listen", &port, "--data-dir"])
        .arg(&dir)
        .env_remove("KEFU_DATABASE")
        .env_remove("KEFU_LISTEN")
        .output()
        .unwrap();
    assert!(!output.status.success());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("cannot listen on"), "{stderr}");
    assert!(
        !String::from_utf8_lossy(&output.stdout).contains("secret_key"),
        "no secret printed"
    );
    assert_eq!(kefu_json(&dir, &["tenant", "list"]), serde_json::json!([]));
    drop(taken);

    let (child, mut rest, _) = start(&dir, &[]);
    let printed: Vec<String> = rest
        .by_ref()
        .map(Result::unwrap)
        .take_while(|l| !l.contains("admin login"))
        .collect();
    assert!(
        printed.iter().any(|l| l.contains("secret_key")),
        "{printed:?}"
    );
    terminate(child);
    std::fs::remove_dir_all(dir).ok();
}

/// Lost secrets are replaced by the operator: `tenant list` finds the
/// tenant (never a secret), `tenant rotate-keys` gives it a new secret_key
/// (the old one stops working), `agent reset-password` a new password.
#[tokio::test]
async fn the_operator_replaces_lost_secrets() {
    let dir = temp_dir();
    let created = kefu_json(&dir, &["tenant", "create", "--name", "Acme"]);
    let listed = kefu_json(&dir, &["tenant", "list"]);
    let tenants = listed.as_array().unwrap();
    assert_eq!(tenants.len(), 1, "{listed}");
    assert_eq!(tenants[0]["id"], created["tenant_id"], "{listed}");
    assert_eq!(tenants[0]["name"], "Acme");
    assert_eq!(tenants[0]["api_key"], created["api_key"]);
    assert_eq!(tenants[0]["admins"], serde_json::json!(["admin"]));
    assert_eq!(tenants[0]["agents"], 1);
    assert!(!listed
        .to_string()
        .contains(created["secret_key"].as_str().unwrap()));

    let id = created["tenant_id"].to_string();
    let rotated = kefu_json(&dir, &["tenant", "rotate-keys", "--tenant", &id]);
    assert_eq!(
        rotated["api_key"], created["api_key"],
        "the public key stays"
    );
    assert_ne!(rotated["secret_key"], created["secret_key"]);
    let both = kefu_json(
        &dir,
        &["tenant", "rotate-keys", "--tenant", &id, "--api-key"],
    );
    assert_ne!(both["api_key"], created["api_key"]);
    let reset = kefu_json(
        &dir,
        &[
            "agent",
            "reset-password",
            "--account",
            "admin",
            "--password",
            "Fresh-123",
        ],
    );
    assert_eq!(reset["account"], "admin");
    assert_eq!(reset["password"], "Fresh-123");
    let unknown = Command::new(KEFU)
        .args([
            "agent",
            "reset-password",
            "--account",
            "nobody",
            "--data-dir",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(!unknown.status.success());

    let (child, _, banner) = start(&dir, &[]);
    let base = address(&banner);
    let client = reqwest::Client::new();
    let token = |api_key: Value, secret: Value| {
        let client = client.clone();
        let url = format!("{base}/admin/access_token");
        async move {
            let form = [
                ("api_key", api_key.as_str().unwrap().to_owned()),
                ("secret_key", secret.as_str().unwrap().to_owned()),
            ];
            client
                .post(url)
                .form(&form)
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(
        token(created["api_key"].clone(), created["secret_key"].clone()).await,
        401
    );
    assert_eq!(
        token(both["api_key"].clone(), rotated["secret_key"].clone()).await,
        401
    );
    assert_eq!(
        token(both["api_key"].clone(), both["secret_key"].clone()).await,
        200
    );
    let login = |password: &'static str| {
        let client = client.clone();
        let url = format!("{base}/api/v1/supports.json");
        async move {
            client
                .get(url)
                .basic_auth("admin", Some(password))
                .send()
                .await
                .unwrap()
                .status()
                .as_u16()
        }
    };
    assert_eq!(login("Fresh-123").await, 200);
    assert_eq!(login("wrong-pass").await, 401);
    terminate(child);
    std::fs::remove_dir_all(dir).ok();
}
