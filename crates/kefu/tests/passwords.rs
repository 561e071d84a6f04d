//! Password checks (argon2) under load: a server answering many Basic-auth
//! calls keeps its memory bounded (measured on the real `kefu` binary, so
//! that only the server's memory counts), and the credentials it remembers
//! between calls follow password changes at once; on SQLite and PostgreSQL.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::http::Http;
use common::node::{Node, TempDir};
use common::{assert_admin_error, Login, TestApp};
use reqwest::Method;
use serde_json::{json, Value};

const MIB: u64 = 1024 * 1024;

on_every_backend!(
    a_remembered_login_still_refuses_a_wrong_password,
    a_password_change_retires_the_old_password_at_once,
);

// ---------------------------------------------------------------------------
// Remembered credentials.

async fn a_remembered_login_still_refuses_a_wrong_password(app: TestApp) {
    let t = app.tenant("Acme").await;
    let me = format!("/api/v1/supports/{}.json", t.admin_id);
    // The first call proves the password with argon2, the next ones may be
    // answered from memory: each must still tell right from wrong.
    for round in 0..3 {
        let r = app.api(Method::GET, &me, &t.admin(), None).await;
        assert_eq!(r.status, 200, "round {round}: {}", r.body);
        let wrong = Login::new(&t.admin_account, &format!("{}x", t.admin_password));
        let r = app.api(Method::GET, &me, &wrong, None).await;
        assert_admin_error(&r, 401, "10020", None);
        // A prefix of the right password is wrong too.
        let prefix = Login::new(&t.admin_account, &t.admin_password[..8]);
        let r = app.api(Method::GET, &me, &prefix, None).await;
        assert_admin_error(&r, 401, "10020", None);
    }
    // The wrong ones still count toward the throttle: a success clears the
    // account's count, so 2 are counted now, and 8 more reach the limit of
    // 10, past which even the right password is refused.
    for _ in 0..8 {
        let wrong = Login::new(&t.admin_account, "nope");
        let r = app.api(Method::GET, &me, &wrong, None).await;
        assert_admin_error(&r, 401, "10020", None);
    }
    let r = app.api(Method::GET, &me, &t.admin(), None).await;
    assert_admin_error(&r, 429, "10022", None);
}

async fn a_password_change_retires_the_old_password_at_once(app: TestApp) {
    let t = app.tenant("Acme").await;
    let admin = t.admin();
    let support = app
        .api_create_agent(
            &t,
            json!({"sPassportName": "zhangsan", "sNum": "001", "name": "张三", "password": "old-pass-1"}),
        )
        .await;
    let id = support["sId"].as_i64().unwrap();
    let path = format!("/api/v1/supports/{id}.json");
    let old = Login::new("zhangsan", "old-pass-1");
    let new = Login::new("zhangsan", "new-pass-2");
    for _ in 0..2 {
        let r = app.api(Method::GET, &path, &old, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }

    // The admin sets a new password: the old one stops working at once.
    let change = json!({"support": {"password": "new-pass-2"}});
    let r = app.api(Method::PUT, &path, &admin, Some(change)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.api(Method::GET, &path, &old, None).await;
    assert_admin_error(&r, 401, "10020", None);
    for _ in 0..2 {
        let r = app.api(Method::GET, &path, &new, None).await;
        assert_eq!(r.status, 200, "{}", r.body);
    }

    // The agent changes its own password (proving the current one), then
    // changes it back to the first one: each time only the latest works.
    let change = json!({"support": {"password": "third-pass-3"}});
    let r = app.api(Method::PUT, &path, &new, Some(change)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.api(Method::GET, &path, &new, None).await;
    assert_admin_error(&r, 401, "10020", None);
    let third = Login::new("zhangsan", "third-pass-3");
    let change = json!({"support": {"password": "old-pass-1"}});
    let r = app.api(Method::PUT, &path, &third, Some(change)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.api(Method::GET, &path, &third, None).await;
    assert_admin_error(&r, 401, "10020", None);
    let r = app.api(Method::GET, &path, &old, None).await;
    assert_eq!(
        r.status, 200,
        "the first password is the current one again: {}",
        r.body
    );

    // An agent moved to the recycle bin is refused even with the
    // password it used a moment ago.
    let r = app.api(Method::DELETE, &path, &admin, None).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = app.api(Method::GET, &path, &old, None).await;
    assert_admin_error(&r, 403, "10021", None);
}

// ---------------------------------------------------------------------------
// The server's memory.

/// 50 concurrent admin calls with the right password and 20 with wrong ones
/// (unknown accounts included) leave the server's resident memory within
/// 64 MiB of what it was idle, at the peak and after.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_basic_auth_keeps_the_servers_memory_bounded() {
    const RIGHT: usize = 50;
    const BOUND: u64 = 64 * MIB;
    let dir = TempDir::new("passwords-rss");
    let admin = create_tenant(&dir);
    let node = Node::start(&dir.path, "node", &[]);
    let http = node.http.clone();
    let pid = node.pid();
    // Two agents to give wrong passwords to (argon2 against a real hash);
    // their creation hashes on the server too, so memory is taken after.
    for name in ["li", "wang"] {
        let support = json!({"support": {"sPassportName": name, "sNum": name, "name": name,
                                         "password": format!("pw-{name}")}});
        let r = http
            .api(Method::POST, "/api/v1/supports.json", &admin, Some(support))
            .await;
        assert_eq!(r.status, 200, "create {name}: {}", r.body);
    }
    let idle = rss(pid).expect("the server's VmRSS");

    let stop = Arc::new(AtomicBool::new(false));
    let sampler = {
        let stop = stop.clone();
        tokio::spawn(async move {
            let mut peak = 0;
            while !stop.load(Ordering::Relaxed) {
                peak = peak.max(rss(pid).unwrap_or(0));
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            peak.max(rss(pid).unwrap_or(0))
        })
    };
    let started = Instant::now();
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..RIGHT {
        calls.spawn(call(http.clone(), admin.clone(), 200));
    }
    // 20 wrong: 5 per account stays under the account limit (10) and all of
    // them under the address limit (50), so none of the 70 is throttled.
    for account in ["li", "wang", "ghost-1", "ghost-2"] {
        for n in 0..5 {
            let wrong = Login::new(account, &format!("wrong-{n}"));
            calls.spawn(call(http.clone(), wrong, 401));
        }
    }
    while let Some(done) = calls.join_next().await {
        done.expect("a call");
    }
    let took = started.elapsed();
    stop.store(true, Ordering::Relaxed);
    let peak = sampler.await.expect("the sampler");
    let after = rss(pid).expect("the server's VmRSS");
    eprintln!(
        "server RSS: idle {} MiB, peak {} MiB, after {} MiB; 70 calls took {:?}",
        idle / MIB,
        peak / MIB,
        after / MIB,
        took
    );
    assert!(
        peak <= idle + BOUND,
        "RSS peaked at {} MiB, idle was {} MiB",
        peak / MIB,
        idle / MIB
    );
    assert!(
        after <= idle + BOUND,
        "RSS is {} MiB after the calls, idle was {} MiB",
        after / MIB,
        idle / MIB
    );

    // A second round, sequential this time, does not grow it further.
    for _ in 0..RIGHT {
        call(http.clone(), admin.clone(), 200).await;
    }
    let again = rss(pid).expect("the server's VmRSS");
    eprintln!("after 50 more sequential calls: {} MiB", again / MIB);
    assert!(
        again <= idle + BOUND,
        "RSS is {} MiB after a second round, idle was {} MiB",
        again / MIB,
        idle / MIB
    );
}

/// One admin call (`GET /api/v1/supports.json`) that must answer `status`.
async fn call(http: Http, login: Login, status: u16) {
    let r = http
        .api(Method::GET, "/api/v1/supports.json", &login, None)
        .await;
    assert_eq!(r.status, status, "{}: {}", login.account, r.body);
}

/// `kefu tenant create` on the SQLite file the node of `dir` will use; the
/// first admin's login.
fn create_tenant(dir: &TempDir) -> Login {
    let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_kefu"));
    for (name, _) in std::env::vars() {
        if name.starts_with("KEFU_") {
            command.env_remove(name);
        }
    }
    let output = command
        .args(["tenant", "create", "--name", "Acme", "--data-dir"])
        .arg(dir.path.join("node"))
        .output()
        .expect("run kefu tenant create");
    assert!(
        output.status.success(),
        "tenant create: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let created: Value = serde_json::from_slice(&output.stdout).expect("JSON from tenant create");
    Login::new(
        created["admin"]["account"].as_str().unwrap(),
        created["admin"]["password"].as_str().unwrap(),
    )
}

/// The resident memory of a process, in bytes (`None` once it is exiting).
fn rss(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib: u64 = status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())?;
    Some(kib * 1024)
}
