//! `kefu-bench`: the one-command benchmark of kefu.
//!
//! ```sh
//! cargo run --release -p kefu-bench            # SQLite and PostgreSQL, default sizes
//! cargo run --release -p kefu-bench -- --help  # sizes, scenarios, --url, --smoke
//! ```
//!
//! For each backend it starts kefu itself (this very binary, run as
//! `kefu-bench __kefu serve ...`, so the server is exactly kefu's code in a
//! process of its own) on a fresh data folder or a fresh PostgreSQL database,
//! or it drives a running server given by `--url`. Through the public API
//! only, it sets up the demo tenant's agents and customers and measures:
//!
//! - server: resident memory of the idle server;
//! - baseline: `GET /customers/auth_ping` requests/s at full load, the HTTP
//!   ceiling of this stack on this machine;
//! - chat: C served conversations, customers sending over HTTP keep-alive to
//!   agents on WebSockets: messages stored and delivered per second and
//!   end-to-end latency, at full load and at fixed offered rates;
//! - history: message pages and pending-list pages with N messages stored;
//! - connections: memory per idle WebSocket;
//! - burst: N customers connecting at once to B agents, and routing's
//!   capacity promises.
//!
//! It prints a table per backend and writes JSON (`--json`, default
//! `target/kefu-bench.json`) naming the machine, backend and durability.
//! Speed targets are reported, never enforced; the exit status is non-zero
//! only when a scenario could not run or a correctness check failed (a
//! message lost, an agent over capacity, an error answer).

mod args;
mod client;
mod machine;
mod report;
mod scenarios;
mod server;
mod setup;
mod stats;

use std::ffi::{OsStr, OsString};
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Instant;

use clap::Parser;
use serde_json::{json, Value};

use args::{Args, BackendChoice};
use client::Conn;
use report::{Figure, Goal, Report, Run, ScenarioResult};
use scenarios::{chat_agents, chat_capacity, Ctx};
use server::{Options, PgDatabase, Server, Tenant};
use setup::Api;

pub type Error = Box<dyn std::error::Error + Send + Sync>;
pub type Result<T> = std::result::Result<T, Error>;

fn main() -> ExitCode {
    let mut argv = std::env::args_os();
    argv.next();
    if argv.next().as_deref() == Some(OsStr::new("__kefu")) {
        // The child: kefu's own command line, e.g. `serve --listen ...`.
        return kefu::cli::main(std::iter::once(OsString::from("kefu")).chain(argv));
    }
    let args = Args::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(runtime) => runtime,
        Err(e) => {
            eprintln!("kefu-bench: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    // A smoke run (CI) that hangs must fail, not stall the suite.
    let limit = args.smoke.then_some(SMOKE_LIMIT);
    let outcome = runtime.block_on(async move {
        match limit {
            Some(limit) => tokio::time::timeout(limit, bench(args))
                .await
                .unwrap_or_else(|_| Err(format!("the smoke run took over {limit:?}").into())),
            None => bench(args).await,
        }
    });
    match outcome {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("kefu-bench: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The longest a `--smoke` run may take (it takes seconds).
const SMOKE_LIMIT: std::time::Duration = std::time::Duration::from_secs(300);

/// Runs every backend asked for; whether every scenario ran and every
/// correctness check passed.
async fn bench(args: Args) -> Result<bool> {
    let machine = machine::facts();
    let kefu_version = match &args.url {
        Some(url) => served_version(url).await,
        None => None,
    }
    .map_or_else(server::kefu_version, Ok)?;
    println!(
        "kefu-bench on {}; kefu {kefu_version}",
        machine::describe(&machine)
    );
    let mut report = Report {
        machine,
        kefu_version,
        started_at: report::utc_now(),
        runs: Vec::new(),
        skipped: Vec::new(),
    };
    if let Some(url) = &args.url {
        let addr = address_of(url)?;
        let tenant = Tenant {
            api_key: args.api_key.clone().unwrap_or_default(),
            secret_key: args.secret_key.clone().unwrap_or_default(),
            admin: args.admin.clone().unwrap_or_default(),
            admin_password: args.admin_password.clone().unwrap_or_default(),
        };
        let mut notes = Vec::new();
        if args.pid.is_none() {
            notes.push("no --pid: server memory not measured".to_owned());
        }
        let target = Started {
            pid: args.pid,
            rss_at_start: None,
            durability: None,
            label: format!("at {url}"),
            process: None,
        };
        let run = drive(&args, addr, tenant, target, notes).await?;
        print!("{}", run.table());
        report.runs.push(run);
    } else {
        let backends: &[&str] = match args.backend {
            BackendChoice::Sqlite => &["sqlite"],
            BackendChoice::Postgres => &["postgres"],
            BackendChoice::Both => &["sqlite", "postgres"],
        };
        for &backend in backends {
            let database = if backend == "postgres" {
                match PgDatabase::create(&args.postgres_url).await {
                    Ok(database) => Some(database),
                    Err(e) => {
                        let why = format!("cannot connect to {}: {e}", redact(&args.postgres_url));
                        println!("\n== postgres: SKIPPED ({why}) ==");
                        report.skipped.push(("postgres".to_owned(), why));
                        continue;
                    }
                }
            } else {
                None
            };
            let run = start_and_drive(&args, database.as_ref().map(|d| d.url.clone())).await;
            if let Some(database) = database {
                if let Err(e) = database.drop_database().await {
                    eprintln!("kefu-bench: could not drop the bench database: {e}");
                }
            }
            // A server that failed is a failed run; the other backend still runs.
            let run = run.unwrap_or_else(|e| Run::failed(backend, args.durability.as_str(), e));
            print!("{}", run.table());
            report.runs.push(run);
        }
    }
    report.write_json(&args.json)?;
    println!("\nJSON: {}", args.json.display());
    let failures: usize = report.runs.iter().map(Run::failures).sum();
    if failures > 0 {
        println!("{failures} scenario(s) could not run or check(s) failed: see above");
    }
    Ok(failures == 0)
}

/// Starts a fresh kefu (SQLite in its data folder, or `database`) and runs
/// the scenarios on it.
async fn start_and_drive(args: &Args, database: Option<String>) -> Result<Run> {
    let sizes = args.sizes();
    let options = Options {
        database,
        durability: args.durability.as_str(),
        // Room for the idle sockets and every agent's.
        ws_max_per_tenant: (sizes.idle_sockets + 1000).max(20_000),
    };
    eprintln!(
        "starting kefu ({})",
        options.database.as_deref().map_or("sqlite", |_| "postgres")
    );
    let mut server = tokio::task::spawn_blocking(move || Server::start(&options)).await??;
    let durability = Some(args.durability.as_str());
    let (addr, tenant, pid) = (server.addr, server.tenant.clone(), server.pid());
    let started = Started {
        pid: Some(pid),
        // Before any request: the admin logins (argon2) of the setup cost memory.
        rss_at_start: server::rss_kib(pid),
        durability,
        label: "started by kefu-bench".to_owned(),
        process: Some(&mut server),
    };
    let run = drive(args, addr, tenant, started, Vec::new()).await;
    let warnings = tokio::task::spawn_blocking(move || server.stop()).await?;
    let mut run = run?;
    if let Some(first) = warnings.first() {
        run.notes.push(format!(
            "the server logged {} warning(s) or error(s); the first: {first}",
            warnings.len()
        ));
    }
    Ok(run)
}

/// What the bench knows of the server it drives besides its address.
struct Started<'a> {
    /// Its process, for memory and CPU figures.
    pid: Option<u32>,
    /// Its memory before any request, KiB.
    rss_at_start: Option<u64>,
    /// The durability the bench asked for, if it could.
    durability: Option<&'a str>,
    /// How it was reached, for the table.
    label: String,
    /// The child process, when the bench started it: watched for a crash.
    process: Option<&'a mut Server>,
}

/// Sets the tenant up and runs the scenarios on the server at `addr`.
async fn drive(
    args: &Args,
    addr: SocketAddr,
    tenant: Tenant,
    server: Started<'_>,
    notes: Vec<String>,
) -> Result<Run> {
    let Started {
        pid,
        rss_at_start,
        durability,
        label,
        mut process,
    } = server;
    let sizes = args.sizes();
    let api = Api::new(addr, tenant);
    let mut conn = Conn::open(addr).await?;
    let health = conn.get("/healthz", None).await?.ok("healthz")?.json()?;
    let backend = health["storage"].as_str().unwrap_or("unknown").to_owned();
    // The server's own word wins; else what the bench asked for.
    let durability = health["durability"]
        .as_str()
        .or(durability)
        .unwrap_or(if args.url.is_some() {
            "unknown"
        } else {
            "default"
        })
        .to_owned();
    let original = api.settings(&mut conn).await?;
    let max_chats = chat_capacity(sizes.conversations);
    // No timeouts during the run; enough capacity for the chat agents; keep
    // transcripts, so that closing the history's conversations deletes nothing.
    api.put_settings(
        &mut conn,
        json!({ "timeout": 0, "max_chats": max_chats, "keep_transcripts": true }),
    )
    .await?;
    let access_token = api.access_token(&mut conn).await?;
    let idle_rss = pid.and_then(server::rss_kib);
    let mut ctx = Ctx {
        api,
        backend: backend.clone(),
        sizes,
        pid,
        access_token,
        max_chats,
        tag: format!("{:06x}", (server::unix_nanos() / 1_000_000) & 0xff_ffff),
        stored: 0,
        origin: Instant::now(),
    };
    let mib = |kib: Option<u64>| kib.map(|k| k as f64 / 1024.0);
    let mut results = vec![ScenarioResult {
        name: "server",
        outcome: Ok(vec![
            Figure::maybe("idle_rss", mib(idle_rss), "MiB").goal(Goal::AtMost(30.0)),
            Figure::maybe("rss_before_requests", mib(rss_at_start), "MiB"),
            Figure::new(
                "chat_agents",
                chat_agents(ctx.sizes.conversations) as f64,
                "",
            ),
        ]),
    }];
    for scenario in args.scenarios() {
        eprintln!("{backend}: {}", scenario.name());
        let outcome = scenario
            .run(&mut ctx)
            .await
            .map(|mut figures| {
                // How the server's memory grows from scenario to scenario.
                figures.push(Figure::maybe("server_rss", mib(ctx.rss_kib()), "MiB"));
                figures
            })
            .map_err(|e| e.to_string());
        if let Err(e) = &outcome {
            eprintln!("{backend}: {} failed: {e}", scenario.name());
        }
        results.push(ScenarioResult {
            name: scenario.name(),
            outcome,
        });
        if let Some(status) = process.as_mut().and_then(|p| p.exited()) {
            return Err(format!("the server exited ({status}) during {}", scenario.name()).into());
        }
    }
    if args.url.is_some() {
        // A server we did not start gets its settings back.
        let keys = ["timeout", "max_chats", "keep_transcripts"];
        let restore: serde_json::Map<String, Value> = keys
            .iter()
            .filter_map(|k| original.get(*k).map(|v| ((*k).to_owned(), v.clone())))
            .collect();
        ctx.api
            .put_settings(&mut conn, Value::Object(restore))
            .await?;
    }
    Ok(Run {
        backend,
        durability,
        server: label,
        scenarios: results,
        notes,
    })
}

/// `http://HOST:PORT[/]` as a socket address.
fn address_of(url: &str) -> Result<SocketAddr> {
    let rest = url
        .strip_prefix("http://")
        .ok_or("--url must be http://HOST:PORT")?;
    let authority = rest.split('/').next().unwrap_or(rest);
    use std::net::ToSocketAddrs;
    authority
        .to_socket_addrs()?
        .next()
        .ok_or_else(|| format!("{authority} resolves to no address").into())
}

/// `info.version` of a running server's OpenAPI document.
async fn served_version(url: &str) -> Option<String> {
    let mut conn = Conn::open(address_of(url).ok()?).await.ok()?;
    let body = conn.get("/openapi.json", None).await.ok()?.json().ok()?;
    body["info"]["version"].as_str().map(str::to_owned)
}

/// A URL without its password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match url[scheme + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}
