//! The README's curl walk-through, run as written against a fresh server, so
//! that the README stays true.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use common::{Backend, TestApp};
use serde_json::Value;

/// The ```bash block after the walkthrough marker in README.md.
fn walkthrough() -> String {
    let readme = include_str!("../../../README.md");
    let marked = &readme[readme
        .find("<!-- walkthrough")
        .expect("the walkthrough marker")..];
    let start = marked.find("```bash\n").expect("a bash block") + "```bash\n".len();
    let end = start + marked[start..].find("```").expect("the block's end");
    marked[start..end].to_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_walkthrough_works_as_written() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("SKIPPED the README walk-through: curl is not installed (.ci/run installs it)");
        return;
    }
    let app = TestApp::spawn(Backend::Sqlite).await.unwrap();
    let tenant = app.tenant("Demo").await;
    let script = format!("set -euo pipefail\n{}", walkthrough());
    let mut command = std::process::Command::new("bash");
    command
        .arg("-c")
        .arg(&script)
        .env("KEFU_URL", &app.base)
        .env("API_KEY", &tenant.api_key)
        .env("SECRET_KEY", &tenant.secret_key)
        .env("ADMIN_PASSWORD", &tenant.admin_password);
    // The server runs on this test's runtime: wait for bash off its workers.
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .unwrap()
        .expect("bash and curl run the walkthrough");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // Every answer it printed is a success.
    let answers: Vec<Value> = stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
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
