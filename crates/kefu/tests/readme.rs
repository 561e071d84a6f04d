//! The README's curl walk-throughs, run as written and in order against one
//! fresh server, so that the README stays true.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::{Backend, Tenant, TestApp};
use serde_json::Value;

/// The ```bash block after `marker` in README.md.
fn walkthrough(marker: &str) -> String {
    let readme = include_str!("../../../README.md");
    let marked = &readme[readme.find(marker).expect("the walkthrough marker")..];
    let start = marked.find("```bash\n").expect("a bash block") + "```bash\n".len();
    let end = start + marked[start..].find("```").expect("the block's end");
    marked[start..end].to_owned()
}

/// Whether curl is here to run the walk-throughs with.
fn have_curl() -> bool {
    let found = std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_ok();
    if !found {
        eprintln!("SKIPPED the README walk-throughs: curl is not installed (.ci/run installs it)");
    }
    found
}

/// Runs `script` with bash against `app`, with the README's three variables
/// set from `tenant`: whether it succeeded, and what it wrote to stdout and
/// stderr.
async fn run_bash(app: &TestApp, tenant: &Tenant, script: &str) -> (bool, String, String) {
    let mut command = std::process::Command::new("bash");
    command
        .arg("-c")
        .arg(format!("set -euo pipefail\n{script}"))
        .env("KEFU_URL", &app.base)
        .env("API_KEY", &tenant.api_key)
        .env("SECRET_KEY", &tenant.secret_key)
        .env("ADMIN_PASSWORD", &tenant.admin_password);
    // The server runs on this test's runtime: wait for bash off its workers.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("bash and curl run the walkthrough");
    (
        output.status.success(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Runs one README block; each line it printed, parsed as JSON.
async fn run_walkthrough(app: &TestApp, tenant: &Tenant, marker: &str) -> Vec<Value> {
    let (ok, stdout, stderr) = run_bash(app, tenant, &walkthrough(marker)).await;
    assert!(ok, "{marker}\n{stdout}\n{stderr}");
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|_| panic!("not JSON: {l}")))
        .collect()
}

/// The three walk-throughs, in the README's order, on one server (as a
/// newcomer runs them in one terminal).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_walkthroughs_work_in_order_on_one_server() {
    if !have_curl() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let tenant = app.tenant("Demo").await;
    assert_eq!(tenant.admin_account, "admin", "the README's admin account");
    questions(run_walkthrough(&app, &tenant, "<!-- walkthrough:").await);
    agents(run_walkthrough(&app, &tenant, "<!-- walkthrough-admin").await);
    customers(run_walkthrough(&app, &tenant, "<!-- walkthrough-customers").await);
}

/// A step that goes wrong prints the server's error and stops the block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_step_shows_the_servers_error() {
    if !have_curl() {
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let mut tenant = app.tenant("Demo").await;
    tenant.admin_password = "not-the-password".into();
    let (ok, stdout, stderr) = run_bash(&app, &tenant, &walkthrough("<!-- walkthrough:")).await;
    assert!(!ok, "the block stops: {stdout}");
    assert!(stderr.contains("kefu refused"), "{stderr}");
    assert!(
        stderr.contains("\"error\":2002"),
        "the server's error body: {stderr}"
    );
}

fn questions(answers: Vec<Value>) {
    let stdout = serde_json::to_string_pretty(&answers).unwrap();
    // Every answer it printed is a success.
    assert_eq!(answers.len(), 8, "{stdout}");
    assert!(answers.iter().all(|a| a["status"] == 200), "{stdout}");

    // The agent saw the question, and the customer's overs list holds it.
    assert_eq!(answers[2]["questions"][0]["title"], "无法激活");
    assert_eq!(answers[6]["questions"][0]["serv_id"], "admin");
    // The final history: text, agent started, reply, finished.
    let history = answers[7]["messages"].as_array().unwrap();
    let shape: Vec<(i64, Value)> = history
        .iter()
        .map(|m| {
            (
                m["type"].as_i64().unwrap(),
                m.get("text").or(m.get("action")).cloned().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (3, Value::from("手机激活不了")),
            (4, Value::from(1)),
            (3, Value::from("请重启后再试")),
            (4, Value::from(4)),
        ]
    );
}

fn agents(answers: Vec<Value>) {
    let all = serde_json::to_string_pretty(&answers).unwrap();
    assert_eq!(answers.len(), 8, "{all}");
    // Nothing answered an error body.
    assert!(
        answers
            .iter()
            .all(|a| a.get("code").is_none_or(|c| c == "0")),
        "{all}"
    );
    assert_eq!(answers[0]["plate_service_state"]["state"], "在线", "{all}");
    let duty = &answers[1]["data"]["duty"][0];
    assert_eq!(duty["schedules"][0]["name"], "早班", "{all}");
    assert_eq!(answers[2]["data"]["signIn"]["name"], "张三", "{all}");
    assert_eq!(answers[2]["data"]["signIn"]["tags"][0], "签到", "{all}");
    assert_eq!(answers[3]["count"], "1", "{all}");
    assert_eq!(
        answers[3]["supports"][0]["sPassportName"], "zhangsan",
        "{all}"
    );
    assert_eq!(answers[4]["support"]["isStat"], "0", "{all}");
    assert_eq!(answers[5]["support"]["isStat"], "1", "{all}");
    // The list: the admin and the restored agent, in its department.
    let list = answers[6]["supports"].as_array().unwrap();
    assert_eq!(answers[6]["count"], 2, "{all}");
    let zhang = list
        .iter()
        .find(|a| a["sPassportName"] == "zhangsan")
        .unwrap();
    assert_eq!(zhang["isStat"], "1");
    assert!(!zhang["groupId"].as_str().unwrap().is_empty(), "{all}");
    assert_eq!(answers[7]["plate_service_state"]["state"], "离线", "{all}");
}

fn customers(answers: Vec<Value>) {
    let all = serde_json::to_string_pretty(&answers).unwrap();
    assert_eq!(answers.len(), 9, "{all}");
    assert_eq!(answers[0]["plate_service_state"]["state"], "在线", "{all}");
    assert_eq!(answers[1], "pong", "{all}");
    // 小红 was routed to the admin at once.
    let connect = &answers[2];
    assert_eq!(connect["im"]["name"], "小红", "{all}");
    assert_eq!(connect["agent_id"], "admin", "{all}");
    assert_eq!(connect["wait"], 0, "{all}");
    for sent in [3, 5] {
        assert_eq!(answers[sent]["status"], 200, "{all}");
    }
    // The history: the agent started, her line, the reply.
    let history = answers[6]["messages"].as_array().unwrap();
    let shape: Vec<(i64, Value)> = history
        .iter()
        .map(|m| {
            let body = m.get("text").or(m.get("action")).cloned().unwrap();
            (m["type"].as_i64().unwrap(), body)
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            (4, Value::from(1)),
            (3, Value::from("你好，订单没有发货")),
            (3, Value::from("马上为您处理")),
        ],
        "{all}"
    );
    assert_eq!(answers[7]["status"], "success", "{all}");
    assert_eq!(answers[8]["messages"], serde_json::json!([]), "{all}");
}

/// What a newcomer reads first holds: the license the crates declare, a
/// data folder git ignores, the seeds' words explained, how to get `kefu`
/// on the PATH, the time zone and the public URL behind `0.0.0.0`.
#[test]
fn the_readme_and_the_repository_answer_a_newcomers_questions() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let read = |name: &str| std::fs::read_to_string(format!("{root}/{name}")).unwrap();
    let cargo = read("Cargo.toml");
    assert!(cargo.contains("license = \"Apache-2.0\""), "{cargo}");
    let license = read("LICENSE");
    assert!(license.contains("Apache License") && license.contains("Version 2.0"));
    assert!(read(".gitignore").lines().any(|l| l.trim() == "kefu-data/"));
    let readme = read("README.md");
    for word in [
        "question",
        "serv_id",
        "sPassportName",
        "plate",
        "在线",
        "`rid`",
        "`session`",
        "isStat",
    ] {
        assert!(readme.contains(word), "the glossary explains {word}");
    }
    for needed in [
        "cargo install --path crates/kefu",
        "utc_offset",
        "--public-url",
        "0.0.0.0",
        "--trusted-proxy",
        "kefu tenant rotate-keys",
        "kefu agent reset-password",
    ] {
        assert!(readme.contains(needed), "the README says {needed}");
    }
    assert!(read("docs/api/realtime.md").contains("send_text"));
}
