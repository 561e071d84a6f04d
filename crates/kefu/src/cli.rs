//! The `kefu` command line: `kefu serve` runs the whole product; `kefu
//! tenant create|list|rotate-keys`, `kefu agent reset-password` and `kefu
//! backup|restore` are the operator's (lost secrets are replaced, never
//! shown). In the library so that `kefu-bench` can run the very same server
//! in a child process of its own binary.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::config::{Config, Settings};
use crate::server;
use clap::{Parser, Subcommand};
use tokio::net::TcpListener;

#[derive(Parser)]
#[command(
    name = "kefu",
    version,
    about = "kefu (客服): customer-service chat server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Log lines on stderr as text (for people) or JSON, one object per line
    /// (for log shippers)
    #[arg(
        long,
        env = "KEFU_LOG_FORMAT",
        value_enum,
        global = true,
        default_value_t = LogFormat::Text
    )]
    log_format: LogFormat,
}

#[derive(Clone, Copy, Debug, clap::ValueEnum)]
enum LogFormat {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Run the server (with no flags: 127.0.0.1:8080, everything in ./kefu-data).
    Serve {
        #[command(flatten)]
        settings: Settings,
        /// TOML file with any of: listen, data_dir, database, durability, redis, public_url,
        /// tls_cert, tls_key, ... (the flags' names with `_`)
        #[arg(long, env = "KEFU_CONFIG", value_name = "FILE")]
        config: Option<PathBuf>,
    },
    /// Manage tenants (on the database the server uses).
    Tenant {
        #[command(subcommand)]
        command: TenantCommand,
    },
    /// Manage agents (on the database the server uses).
    Agent {
        #[command(subcommand)]
        command: AgentCommand,
    },
    /// Copy the SQLite database and the media into a new folder, while the
    /// server runs; prints what was copied as JSON (PostgreSQL: use pg_dump).
    Backup {
        /// The folder to write the backup into: new or empty.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        #[command(flatten)]
        storage: Storage,
    },
    /// Put a backup back as the database and media (stop the server first);
    /// prints what was restored as JSON.
    Restore {
        /// The folder `kefu backup --to` wrote.
        #[arg(long, value_name = "DIR")]
        from: PathBuf,
        /// Restore over an existing database, which is kept aside as
        /// kefu.db.before-restore-TIME (its media as media.before-restore-TIME).
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        storage: Storage,
    },
}

/// Where a management command finds the database: the flags `kefu serve` takes.
#[derive(clap::Args)]
struct Storage {
    #[command(flatten)]
    settings: Settings,
    #[arg(long, env = "KEFU_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
}

impl Storage {
    fn resolve(self) -> Result<Config, String> {
        Config::resolve(self.settings, self.config.as_deref()).map_err(|e| e.to_string())
    }
}

#[derive(Subcommand)]
enum TenantCommand {
    /// Create a tenant; prints its api_key, secret_key and admin login as JSON.
    Create {
        /// The tenant's name.
        #[arg(long)]
        name: String,
        #[command(flatten)]
        storage: Storage,
    },
    /// List the tenants (id, name, api_key, admins, agents) as JSON; secrets
    /// are stored hashed and never shown.
    List {
        #[command(flatten)]
        storage: Storage,
    },
    /// Give a tenant a new secret_key (printed once, as JSON); access tokens
    /// bought with the old one stop working.
    RotateKeys {
        /// The tenant's id (`kefu tenant list`).
        #[arg(long)]
        tenant: i64,
        /// Give it a new api_key too (widgets and apps must then be updated).
        #[arg(long)]
        api_key: bool,
        #[command(flatten)]
        storage: Storage,
    },
}

#[derive(Subcommand)]
enum AgentCommand {
    /// Set an agent's password (a random one unless given), printed once as
    /// JSON; the agent's bound sessions end.
    ResetPassword {
        /// The agent's account (serv_id / sPassportName).
        #[arg(long)]
        account: String,
        /// The new password (1–20 characters) [default: a random one]
        #[arg(long)]
        password: Option<String>,
        #[command(flatten)]
        storage: Storage,
    },
}

/// Runs the command line `args` (the program name first), as `kefu` does.
pub fn main<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = Cli::parse_from(args);
    init_logs(cli.log_format);
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("kefu: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli.command)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("kefu: {message}");
            ExitCode::FAILURE
        }
    }
}

/// Logs go to stderr (stdout carries the banner and commands' JSON), at the
/// level `KEFU_LOG` sets (`info` by default).
fn init_logs(format: LogFormat) {
    let logs = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("KEFU_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn")),
        )
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => logs
            .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stderr()))
            .init(),
        // Fields at the top level ({"timestamp", "level", "message",
        // "route", ...}), as shippers index them.
        LogFormat::Json => logs.json().flatten_event(true).init(),
    }
}

async fn run(command: Command) -> Result<(), String> {
    match command {
        Command::Serve { settings, config } => serve(settings, config).await,
        Command::Tenant { command } => match command {
            TenantCommand::Create { name, storage } => {
                manage(storage, |engine| async move {
                    engine.create_tenant(&name).await
                })
                .await
            }
            TenantCommand::List { storage } => {
                manage(storage, |engine| async move { engine.list_tenants().await }).await
            }
            TenantCommand::RotateKeys {
                tenant,
                api_key,
                storage,
            } => {
                manage(storage, |engine| async move {
                    engine.rotate_tenant_keys(tenant, api_key).await
                })
                .await
            }
        },
        Command::Agent {
            command:
                AgentCommand::ResetPassword {
                    account,
                    password,
                    storage,
                },
        } => {
            manage(storage, |engine| async move {
                engine.reset_password(&account, password).await
            })
            .await
        }
        Command::Backup { to, storage } => {
            let written = crate::backup::backup(&storage.resolve()?, &to).await;
            print_json(&written.map_err(|e| e.to_string())?)
        }
        Command::Restore {
            from,
            force,
            storage,
        } => {
            let restored = crate::backup::restore(&storage.resolve()?, &from, force).await;
            print_json(&restored.map_err(|e| e.to_string())?)
        }
    }
}

/// Runs a management command on the configured database and prints its
/// answer as JSON.
async fn manage<T, F, Fut>(storage: Storage, command: F) -> Result<(), String>
where
    T: serde::Serialize,
    F: FnOnce(crate::engine::Engine) -> Fut,
    Fut: std::future::Future<Output = crate::engine::Result<T>>,
{
    let config = storage.resolve()?;
    let engine = server::open_engine(&config)
        .await
        .map_err(|e| e.to_string())?;
    let store = engine.store().clone();
    let answer = command(engine).await.map_err(|e| e.to_string());
    store.close().await;
    print_json(&answer?)
}

fn print_json(answer: &impl serde::Serialize) -> Result<(), String> {
    let json = serde_json::to_string_pretty(answer).map_err(|e| e.to_string())?;
    println!("{json}");
    Ok(())
}

async fn serve(settings: Settings, config: Option<PathBuf>) -> Result<(), String> {
    let mut config = Config::resolve(settings, config.as_deref()).map_err(|e| e.to_string())?;
    // The TLS files are read before anything is opened: a bad one stops here.
    let mut node_settings = config.node_settings().map_err(|e| e.to_string())?;
    let engine = server::open_engine(&config)
        .await
        .map_err(|e| e.to_string())?;
    let shutdown =
        server::shutdown_signal().map_err(|e| format!("cannot watch for signals: {e}"))?;
    // Bound before the demo tenant is made: a start that cannot listen must
    // not create secrets it never prints.
    let listener = TcpListener::bind(config.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", config.listen))?;
    let demo = engine
        .ensure_demo_tenant()
        .await
        .map_err(|e| e.to_string())?;
    let address = listener.local_addr().map_err(|e| e.to_string())?;
    if config.public_url_is_default() {
        // The default public URL is the listen address; with port 0 only the
        // bound socket knows the port that clients (and media links) must use.
        config.public_url = format!("{}://{address}", config.scheme());
        node_settings.public_url = config.public_url.clone();
    }
    let fan_out = match &config.redis {
        Some(url) => format!("Redis pub/sub ({})", redact(url)),
        None => "in process (one node)".to_owned(),
    };
    let mut banner = vec![
        format!("kefu is listening on {}://{address}", config.scheme()),
        format!(
            "  console:  {}/console  (agents sign in with their account and password)",
            config.public_url
        ),
        format!(
            "  widget:   <script src=\"{}/widget.js\" data-api-key=\"API_KEY\" async></script>",
            config.public_url
        ),
        format!(
            "  storage:  {} ({}), durability {}",
            engine.store().backend(),
            redact(&config.database),
            config.durability.name()
        ),
        format!(
            "  API:      {}/v1  (question chat, seed 003)",
            config.public_url
        ),
        format!(
            "  API:      {}/api/v1  (agent administration, seed 002; HTTP Basic with the admin login)",
            config.public_url
        ),
        format!(
            "  API:      {}/customers  (customer IM, seed 001; access token from POST /admin/access_token)",
            config.public_url
        ),
        format!(
            "  events:   {}/ws  (WebSocket for customers and agents; fan-out {fan_out})",
            config.public_url.replacen("http", "ws", 1)
        ),
        format!(
            "  ops:      {0}/healthz (alive), {0}/readyz (ready), {0}/metrics (Prometheus{1})",
            config.public_url,
            if config.metrics_token.is_some() { ", token required" } else { "" }
        ),
        format!("  API docs: {}/openapi.json", config.public_url),
    ];
    if let Some(demo) = demo {
        banner.extend([
            String::new(),
            "First start: created the demo tenant. These secrets are shown only now:".to_owned(),
            format!("  api_key:    {}", demo.api_key),
            format!("  secret_key: {}", demo.secret_key),
            format!(
                "  admin login (serv_id / sPassportName, password): {} / {}",
                demo.admin.account, demo.admin.password
            ),
            format!(
                "  sign in at {}/console as {} with that password; customers chat at {}/chat?api_key={}",
                config.public_url, demo.admin.account, config.public_url, demo.api_key
            ),
        ]);
    } else {
        banner.push(
            "  console login: the first start printed the admin's; `kefu agent reset-password --account admin` makes a new one"
                .to_owned(),
        );
    }
    print_banner(&banner);
    if config.redis.is_some() && config.database.starts_with("sqlite:") {
        tracing::warn!(
            "--redis with SQLite: nodes can share only a database they all reach; \
             run several nodes against PostgreSQL"
        );
    }
    let node = server::Node::start(engine.clone(), node_settings)
        .await
        .map_err(|e| e.to_string())?;
    let hub = node.hub.clone();
    let shutdown = async move {
        shutdown.await;
        // Upgraded sockets are not requests: tell them to close (1001).
        hub.shut_down();
    };
    node.serve(listener, shutdown)
        .await
        .map_err(|e| e.to_string())?;
    drop(node);
    engine.store().close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Prints the start-up banner. A closed stdout (a detached service) must not
/// stop the server, so write errors are ignored.
fn print_banner(lines: &[String]) {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    for line in lines {
        let _ = writeln!(out, "{line}");
    }
    let _ = out.flush();
}

/// A database URL without its password, for printing.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme_end), Some(at)) if at > scheme_end => {
            let userinfo = &url[scheme_end + 3..at];
            match userinfo.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..scheme_end + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}
