//! The server under test: kefu's own command line run in a child process of
//! this binary (`kefu-bench __kefu serve ...`), so it is exactly kefu's code
//! with a memory of its own to measure; its first-start banner gives the
//! address and the demo tenant's keys. Also the fresh PostgreSQL database of
//! a run.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use sqlx::Connection;

use crate::Result;

/// How long the server may take to print its banner (migrations included).
const START: Duration = Duration::from_secs(120);

/// What `kefu serve` printed on its first start.
#[derive(Clone, Debug)]
pub struct Tenant {
    pub api_key: String,
    pub secret_key: String,
    pub admin: String,
    pub admin_password: String,
}

/// A running `kefu serve` with a fresh data folder; stopped and its folder
/// removed when dropped.
pub struct Server {
    child: Child,
    dir: PathBuf,
    pub addr: SocketAddr,
    pub tenant: Tenant,
}

/// `kefu serve` flags besides the fixed ones.
pub struct Options {
    pub database: Option<String>,
    pub durability: &'static str,
    pub ws_max_per_tenant: usize,
}

/// This binary as `kefu`, with the caller's `KEFU_*` variables removed so
/// that only the flags configure the server.
pub fn kefu_command() -> Result<Command> {
    let mut command = Command::new(std::env::current_exe()?);
    command.arg("__kefu");
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("KEFU_") {
            command.env_remove(name);
        }
    }
    Ok(command)
}

/// The version of the kefu linked into this binary (`kefu --version`).
pub fn kefu_version() -> Result<String> {
    let output = kefu_command()?.arg("--version").output()?;
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text.trim().trim_start_matches("kefu").trim().to_owned())
}

impl Server {
    pub fn start(options: &Options) -> Result<Server> {
        let dir = std::env::temp_dir().join(format!(
            "kefu-bench-{}-{}",
            std::process::id(),
            unix_nanos()
        ));
        std::fs::create_dir_all(&dir)?;
        let log = std::fs::File::create(dir.join("server.log"))?;
        let mut command = kefu_command()?;
        command
            .args(["serve", "--listen", "127.0.0.1:0", "--data-dir"])
            .arg(dir.join("data"))
            .args([
                "--ws-max-per-tenant",
                &options.ws_max_per_tenant.to_string(),
            ])
            // The load comes from one address: thousands of sockets.
            .args(["--max-connections-per-ip", "0"]);
        if let Some(database) = &options.database {
            command.args(["--database", database]);
        }
        command.args(["--durability", options.durability]);
        let child = command
            .env("KEFU_LOG", "warn")
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(log)
            .spawn()?;
        // The folder and child are cleaned up by Drop if the banner fails.
        let mut server = Server {
            child,
            dir,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            tenant: Tenant {
                api_key: String::new(),
                secret_key: String::new(),
                admin: String::new(),
                admin_password: String::new(),
            },
        };
        let (addr, tenant) = server.read_banner()?;
        server.addr = addr;
        server.tenant = tenant;
        Ok(server)
    }

    /// Reads stdout until the demo tenant's admin login, on a thread (which
    /// then keeps draining stdout) so that a silent server cannot hang us.
    fn read_banner(&mut self) -> Result<(SocketAddr, Tenant)> {
        let stdout = self.child.stdout.take().ok_or("no stdout")?;
        let (lines_tx, lines) = mpsc::channel::<String>();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { return };
                if lines_tx.send(line).is_err() {
                    // Nobody listens any more: keep reading so writes never block.
                    continue;
                }
            }
        });
        let deadline = Instant::now() + START;
        let (mut addr, mut api_key, mut secret_key) = (None, None, None);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = match lines.recv_timeout(left) {
                Ok(line) => line,
                Err(_) => {
                    return Err(format!(
                        "kefu serve printed no complete banner within {} s; its log:\n{}",
                        START.as_secs(),
                        self.log()
                    )
                    .into())
                }
            };
            let line = line.trim();
            if let Some(url) = line.strip_prefix("kefu is listening on http://") {
                addr = Some(url.parse::<SocketAddr>()?);
            } else if let Some(key) = line.strip_prefix("api_key:") {
                api_key = Some(key.trim().to_owned());
            } else if let Some(key) = line.strip_prefix("secret_key:") {
                secret_key = Some(key.trim().to_owned());
            } else if line.starts_with("admin login") {
                let (_, login) = line.split_once("): ").ok_or("an admin login line")?;
                let (admin, password) = login.split_once(" / ").ok_or("ACCOUNT / PASSWORD")?;
                let missing = || crate::Error::from("the banner misses the address or keys");
                return Ok((
                    addr.ok_or_else(missing)?,
                    Tenant {
                        api_key: api_key.ok_or_else(missing)?,
                        secret_key: secret_key.ok_or_else(missing)?,
                        admin: admin.trim().to_owned(),
                        admin_password: password.trim().to_owned(),
                    },
                ));
            }
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Whether the server is still running; its exit status if not.
    pub fn exited(&mut self) -> Option<String> {
        match self.child.try_wait() {
            Ok(Some(status)) => Some(status.to_string()),
            _ => None,
        }
    }

    /// The server's log (stderr, at `warn`).
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default()
    }

    /// SIGTERM, then SIGKILL after 10 s; returns the log's warnings.
    pub fn stop(mut self) -> Vec<String> {
        self.terminate();
        self.log()
            .lines()
            .filter(|l| l.contains("WARN") || l.contains("ERROR"))
            .map(str::to_owned)
            .collect()
    }

    fn terminate(&mut self) {
        if self.exited().is_some() {
            return;
        }
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.terminate();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// Resident memory of a process, KiB (`VmRSS` of /proc/PID/status).
pub fn rss_kib(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
}

/// CPU time a process used so far, seconds (utime + stime of
/// /proc/PID/stat, or `self`), at the usual 100 clock ticks per second.
pub fn cpu_seconds(pid: Option<u32>) -> Option<f64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/stat"),
        None => "/proc/self/stat".to_owned(),
    };
    let stat = std::fs::read_to_string(path).ok()?;
    // The command name may hold spaces: fields are counted after its ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<u64>().ok());
    // utime and stime are fields 14 and 15; state (field 3) is fields[0].
    Some((ticks(11)? + ticks(12)?) as f64 / 100.0)
}

/// The soft limit on open files of a process (`/proc/PID/limits`, or `self`).
pub fn open_files_limit(pid: Option<u32>) -> Option<u64> {
    let path = match pid {
        Some(pid) => format!("/proc/{pid}/limits"),
        None => "/proc/self/limits".to_owned(),
    };
    let limits = std::fs::read_to_string(path).ok()?;
    let line = limits.lines().find(|l| l.starts_with("Max open files"))?;
    let soft = line
        .trim_start_matches("Max open files")
        .split_whitespace()
        .next()?;
    match soft {
        "unlimited" => Some(u64::MAX),
        n => n.parse().ok(),
    }
}

pub fn unix_nanos() -> u128 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or_default()
}

/// A database created for one run on a PostgreSQL server, dropped after.
pub struct PgDatabase {
    admin_url: String,
    name: String,
    /// The URL the server uses.
    pub url: String,
}

impl PgDatabase {
    /// `CREATE DATABASE kefu_bench_<pid>_<unix time>`; an error when the
    /// server cannot be reached.
    pub async fn create(admin_url: &str) -> Result<PgDatabase> {
        let name = format!(
            "kefu_bench_{}_{}",
            std::process::id(),
            unix_nanos() / 1_000_000_000
        );
        let mut conn = connect(admin_url).await?;
        sqlx::raw_sql(&format!("CREATE DATABASE {name}"))
            .execute(&mut conn)
            .await?;
        conn.close().await?;
        Ok(PgDatabase {
            admin_url: admin_url.to_owned(),
            url: with_database(admin_url, &name),
            name,
        })
    }

    /// `DROP DATABASE ... WITH (FORCE)`: the server is gone by then, but
    /// FORCE also ends any connection it left.
    pub async fn drop_database(self) -> Result<()> {
        let mut conn = connect(&self.admin_url).await?;
        sqlx::raw_sql(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ))
        .execute(&mut conn)
        .await?;
        conn.close().await?;
        Ok(())
    }
}

async fn connect(url: &str) -> Result<sqlx::PgConnection> {
    match tokio::time::timeout(Duration::from_secs(10), sqlx::PgConnection::connect(url)).await {
        Ok(conn) => Ok(conn?),
        Err(_) => Err("no answer within 10 s".into()),
    }
}

/// `url` with its database (the path) replaced by `name`; the query kept.
pub fn with_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((base, query)) => (base, Some(query)),
        None => (url, None),
    };
    let authority_start = base.find("://").map_or(0, |i| i + 3);
    let server = match base[authority_start..].find('/') {
        Some(slash) => &base[..authority_start + slash],
        None => base,
    };
    match query {
        Some(query) => format!("{server}/{name}?{query}"),
        None => format!("{server}/{name}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_database_of_a_url_is_replaced() {
        assert_eq!(
            with_database("postgres://root@127.0.0.1:5432/test", "b1"),
            "postgres://root@127.0.0.1:5432/b1"
        );
        assert_eq!(
            with_database("postgres://u:p@h/test?sslmode=disable", "b1"),
            "postgres://u:p@h/b1?sslmode=disable"
        );
        assert_eq!(
            with_database("postgres://h:5432", "b1"),
            "postgres://h:5432/b1"
        );
    }
}
