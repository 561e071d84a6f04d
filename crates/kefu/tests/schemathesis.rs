//! schemathesis (PyPI) against the document kefu serves at `/openapi.json`:
//! the real `kefu serve` on a fresh data folder, valid credentials for each
//! dialect, and one schemathesis run per dialect with a fixed seed. Every
//! answer must be no 5xx, have a documented status and content type, and match
//! its documented schema. The requests of each run are counted by kefu itself
//! (its `/metrics` request counter before and after), and printed.
//!
//! schemathesis is found in `KEFU_SCHEMATHESIS` (the `st` program), in the
//! virtualenv `.ci/run` makes (`~/.cache/kefu-schemathesis`), or on the PATH.
//! Without it the test says SKIPPED, unless `KEFU_TEST_SCHEMATHESIS` is
//! `required` (CI), when it fails.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use common::binary::{address, banner_value, start, stop, temp_dir};
use serde_json::{json, Value};

const REQUIRED_ENV: &str = "KEFU_TEST_SCHEMATHESIS";

/// Fixed, so that a failure in CI reproduces with the command it prints.
const SEED: u64 = 16;

/// What every answer is checked for.
const CHECKS: &str = "not_a_server_error,status_code_conformance,content_type_conformance,\
response_schema_conformance";

/// The `st` program, or `None` (after saying so) when it is not installed and
/// not required.
fn schemathesis() -> Option<PathBuf> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let found = std::env::var_os("KEFU_SCHEMATHESIS")
        .map(PathBuf::from)
        .into_iter()
        .chain(home.map(|h| h.join(".cache/kefu-schemathesis/bin/st")))
        .chain(std::env::split_paths(&path).map(|dir| dir.join("st")))
        .find(|bin| bin.is_file());
    if found.is_none() {
        assert_ne!(
            std::env::var(REQUIRED_ENV).as_deref(),
            Ok("required"),
            "{REQUIRED_ENV}=required but schemathesis is not installed (.ci/run installs it \
             into ~/.cache/kefu-schemathesis)"
        );
        eprintln!(
            "SKIPPED the schemathesis run: schemathesis is not installed (python3 -m venv \
             ~/.cache/kefu-schemathesis && ~/.cache/kefu-schemathesis/bin/pip install \
             schemathesis==4.32.5; {REQUIRED_ENV}=required makes this a failure)"
        );
    }
    found
}

/// One schemathesis run: the operations it covers and the credentials it
/// sends.
struct Run {
    name: &'static str,
    /// schemathesis's `--include-*` / `--exclude-*` options.
    filter: Vec<String>,
    /// `schemathesis.toml` lines: fixed parameter values, headers, auth.
    config: String,
    /// Test cases per operation and phase (`--max-examples`).
    examples: u32,
}

fn toml_string(text: &str) -> String {
    serde_json::to_string(text).unwrap()
}

/// A config whose `[parameters]` fix `values` and whose requests carry
/// `headers`; each run has its own `X-Forwarded-For` (kefu trusts 127.0.0.1
/// here), so the failed logins one run provokes are not counted against the
/// address of the next.
fn config(run: u8, headers: &[(&str, &str)], values: &[(&str, &str)]) -> String {
    let mut text = String::new();
    let forwarded = format!("192.0.2.{run}");
    let headers = [&[("X-Forwarded-For", forwarded.as_str())][..], headers].concat();
    let headers: Vec<String> = headers
        .iter()
        .map(|(k, v)| format!("{} = {}", toml_string(k), toml_string(v)))
        .collect();
    writeln!(text, "headers = {{ {} }}", headers.join(", ")).unwrap();
    writeln!(text, "[parameters]").unwrap();
    for (key, value) in values {
        writeln!(text, "{} = {}", toml_string(key), toml_string(value)).unwrap();
    }
    text
}

fn args(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

/// kefu's request counters (`kefu_http_request_duration_seconds_count`, by
/// method, route and status), from `/metrics`.
async fn request_counts(base: &str) -> Vec<String> {
    let text = reqwest::get(format!("{base}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    text.lines()
        .filter(|l| l.starts_with("kefu_http_request_duration_seconds_count"))
        .map(str::to_owned)
        .collect()
}

/// kefu's own count of the requests it answered so far.
async fn answered(base: &str) -> u64 {
    let total: f64 = request_counts(base)
        .await
        .iter()
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    total as u64
}

/// The 5xx answers kefu counted, by route and status.
async fn server_errors(base: &str) -> Vec<String> {
    let mut counts = request_counts(base).await;
    counts.retain(|l| l.contains("status=\"5"));
    counts
}

async fn post_form(http: &reqwest::Client, url: String, form: &[(&str, &str)]) -> Value {
    let r = http.post(&url).form(form).send().await.unwrap();
    assert!(r.status().is_success(), "POST {url}: {}", r.status());
    r.json().await.unwrap()
}

#[tokio::test]
async fn every_dialect_holds_to_its_openapi_document() {
    let Some(st) = schemathesis() else { return };
    let dir = temp_dir();
    let (mut child, mut output, banner) = start(&dir, &["--trusted-proxy", "127.0.0.1"]);
    let base = address(&banner);
    let rest: Vec<String> = output.by_ref().take(5).map(Result::unwrap).collect();
    let api_key = banner_value(&rest, "api_key:");
    let secret_key = banner_value(&rest, "secret_key:");
    let login = banner_value(&rest, "admin login (serv_id / sPassportName, password):");
    let (admin, admin_password) = login.split_once(" / ").unwrap();
    let http = reqwest::Client::new();

    // A customer with a question, and a second administrator bound to a
    // session who serves it and answers: the runs then read real lines and
    // messages, not only empty lists. The agent runs use this second one, so
    // that a fuzzed wrong password never locks the login the seed 002 run uses.
    let session = post_form(
        &http,
        format!("{base}/v1/session"),
        &[
            ("api_key", &api_key),
            ("secret_key", &secret_key),
            ("user_id", "schemathesis"),
        ],
    )
    .await["session"]
        .as_str()
        .unwrap()
        .to_owned();
    let asked = post_form(
        &http,
        format!("{base}/v1/question/new"),
        &[("session", &session), ("title", "schemathesis")],
    )
    .await;
    let question = asked["question_id"].as_str().unwrap().to_owned();
    let (agent, agent_password) = ("st-agent", "st-pass-9");
    let created = http
        .post(format!("{base}/api/v1/supports.json"))
        .basic_auth(admin, Some(admin_password))
        .json(
            &json!({ "support": { "sPassportName": agent, "sNum": "st", "name": "st",
            "password": agent_password, "isAdmin": "1" } }),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 200, "{}", created.text().await.unwrap());
    let agent_session = post_form(
        &http,
        format!("{base}/v1/session"),
        &[
            ("api_key", &api_key),
            ("secret_key", &secret_key),
            ("user_id", "schemathesis-agent-phone"),
        ],
    )
    .await["session"]
        .as_str()
        .unwrap()
        .to_owned();
    let bind = [
        ("session", agent_session.as_str()),
        ("serv_id", agent),
        ("password", agent_password),
    ];
    post_form(&http, format!("{base}/v1/serv/bind"), &bind).await;
    let agent_form = [("session", agent_session.as_str()), ("serv_id", agent)];
    post_form(
        &http,
        format!("{base}/v1/question/{question}/serve"),
        &agent_form,
    )
    .await;
    let says = [
        ("session", agent_session.as_str()),
        ("sender", agent),
        ("sender_type", "2"),
        ("text", "您好"),
    ];
    let send = format!("{base}/v1/question/{question}/message/send_text");
    post_form(&http, send, &says).await;
    // Seed 001: the backend's access token and a connected customer's token.
    let access = post_form(
        &http,
        format!("{base}/admin/access_token"),
        &[("api_key", &api_key), ("secret_key", &secret_key)],
    )
    .await["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let connected = http
        .post(format!("{base}/customers/connect"))
        .header("Authorization", &access)
        .form(&[("name", "schemathesis")])
        .send()
        .await
        .unwrap();
    assert_eq!(connected.status(), 200);
    let connected: Value = connected.json().await.unwrap();
    let token = connected["token"].as_str().unwrap().to_owned();
    let rid = connected["rid"].as_str().unwrap().to_owned();
    let admin_basic = format!(
        "[auth]\nbasic = {{ username = {}, password = {} }}\n",
        toml_string(admin),
        toml_string(admin_password)
    );

    let v1 = "^/(v1/|ws$)";
    let runs = [
        Run {
            name: "meta (no credential)",
            filter: args(&["--include-tag", "meta"]),
            config: config(1, &[], &[]),
            examples: 100,
        },
        Run {
            name: "seed 003 /v1, customer session",
            // `console/logout` ends the session it is sent with, and every
            // later request of the run needs it.
            filter: args(&[
                "--include-path-regex",
                v1,
                "--exclude-path",
                "/v1/console/logout",
            ]),
            config: config(
                2,
                &[],
                &[
                    ("query.session", &session),
                    ("body.session", &session),
                    ("path.question_id", &question),
                ],
            ),
            examples: 60,
        },
        Run {
            name: "seed 003 /v1, bound agent session",
            // Logins take an account's password: wrong ones would throttle
            // the agent whose session this run uses (the customer run tries
            // them); `console/logout` would end that session.
            filter: args(&[
                "--include-path-regex",
                v1,
                "--exclude-path-regex",
                "^/v1/(serv/(bind|unbind)|console/(login|logout))$",
            ]),
            config: config(
                3,
                &[],
                &[
                    ("query.session", &agent_session),
                    ("body.session", &agent_session),
                    ("query.serv_id", agent),
                    ("body.serv_id", agent),
                    ("body.sender", agent),
                    ("path.question_id", &question),
                ],
            ),
            examples: 60,
        },
        Run {
            name: "seed 001, access token",
            filter: args(&["--include-tag-regex", "^(access_token|customers)$"]),
            config: config(4, &[("Authorization", &access)], &[]),
            examples: 100,
        },
        Run {
            name: "seed 001, customer token",
            filter: args(&["--include-tag", "rooms"]),
            config: config(
                5,
                &[("Authorization", &token)],
                &[("query.room_id", &rid), ("body.rid", &rid)],
            ),
            examples: 100,
        },
        Run {
            name: "seed 002 /api/v1, admin Basic",
            filter: args(&["--include-path-regex", "^/api/v1/"]),
            // A fuzzed change of the caller's own password keeps the
            // password it logs in with.
            config: config(6, &[], &[("body.support.password", admin_password)]) + &admin_basic,
            examples: 30,
        },
    ];

    let work = dir.join("schemathesis");
    std::fs::create_dir_all(&work).unwrap();
    let started = Instant::now();
    let mut counts = Vec::new();
    let mut failed = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        let config_file = work.join(format!("run-{i}.toml"));
        std::fs::write(&config_file, &run.config).unwrap();
        let before = answered(&base).await;
        let at = Instant::now();
        let out = run_schemathesis(&st, &work, &config_file, &base, run);
        let requests = answered(&base).await - before - 1;
        let secs = at.elapsed().as_secs_f64();
        println!(
            "schemathesis: {}: {requests} requests in {secs:.0} s",
            run.name
        );
        if !out.status.success() {
            let stdout = String::from_utf8_lossy(&out.stdout);
            let stderr = String::from_utf8_lossy(&out.stderr);
            println!("--- {} ---\n{stdout}\n{stderr}", run.name);
            failed.push(run.name);
        }
        counts.push(requests);
    }
    let total: u64 = counts.iter().sum();
    println!(
        "schemathesis: {total} requests in all, {:.0} s, seed {SEED}",
        started.elapsed().as_secs_f64()
    );
    let errors = server_errors(&base).await;
    stop(&mut child);
    assert!(
        failed.is_empty(),
        "schemathesis found failures in: {failed:?}"
    );
    assert!(errors.is_empty(), "kefu answered 5xx: {errors:#?}");
    assert!(total >= 10_000, "only {total} requests were generated");
    let _ = std::fs::remove_dir_all(&dir);
}

fn run_schemathesis(
    st: &Path,
    work: &Path,
    config_file: &Path,
    base: &str,
    run: &Run,
) -> std::process::Output {
    let examples = run.examples.to_string();
    let seed = SEED.to_string();
    let mut command = Command::new(st);
    command
        .current_dir(work)
        .arg("--config-file")
        .arg(config_file)
        .args(["run", &format!("{base}/openapi.json")])
        .args([
            "--checks",
            CHECKS,
            "--seed",
            &seed,
            "--max-examples",
            &examples,
        ])
        // One worker: with threads, Hypothesis's lambda descriptions call
        // `ast.parse` concurrently, which CPython 3.11 can fail ("AST
        // constructor recursion depth mismatch"), a flaky error of the tool.
        .args([
            "--workers",
            "1",
            "--generation-database",
            "none",
            "--no-color",
        ])
        .args(["--phases", "examples,coverage,fuzzing"])
        .args(&run.filter);
    command.output().expect("run schemathesis")
}
