//! PostgreSQL really restarted under load (the reliability battery,
//! RELIABILITY.md): a private PostgreSQL cluster the test owns is restarted
//! cleanly (`pg_ctl restart -m fast`) and then crashed (`-m immediate`) while
//! 8 senders write into one question through the real `kefu serve`
//! (`--durability strict`). kefu is not touched: after each blow sends are
//! acknowledged again by themselves, and at the end every acknowledged
//! message is stored once, in its sender's order, and the node is ready.
//!
//! Needs PostgreSQL's server binaries (`initdb`, `pg_ctl`: Debian's
//! postgresql package); without them the test reports that it was skipped.

#![allow(clippy::unwrap_used, reason = "in tests a panic is the failure report")]

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::load::{assert_stored_once_in_order, Load};
use common::node::{ask, create_tenant, session, Node, TempDir};

/// A PostgreSQL cluster of the test's own on a free port; stopped and
/// removed when dropped.
struct PrivatePostgres {
    bin: PathBuf,
    data: PathBuf,
    port: u16,
    /// The server's own user when the test runs as root (PostgreSQL
    /// refuses to run as root).
    run_as: Option<&'static str>,
}

impl PrivatePostgres {
    fn start(dir: &Path) -> Option<Self> {
        let bin = std::fs::read_dir("/usr/lib/postgresql")
            .ok()?
            .filter_map(|e| e.ok().map(|e| e.path().join("bin")))
            .find(|bin| bin.join("initdb").exists() && bin.join("pg_ctl").exists())?;
        let root = std::process::Command::new("id")
            .arg("-u")
            .output()
            .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
            .unwrap_or(false);
        let run_as = root.then_some("postgres");
        let data = dir.join("pgdata");
        std::fs::create_dir_all(&data).unwrap();
        if let Some(user) = run_as {
            // The cluster's folder must belong to the user that runs it.
            let status = Command::new("chown")
                .args(["-R", user])
                .arg(dir)
                .status()
                .unwrap();
            assert!(status.success());
        }
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let pg = Self {
            bin,
            data,
            port,
            run_as,
        };
        pg.run("initdb", &["-A", "trust", "-U", "kefu", "--no-sync", "-D"]);
        pg.ctl(&["start"]);
        Some(pg)
    }

    fn url(&self) -> String {
        format!("postgres://kefu@127.0.0.1:{}/postgres", self.port)
    }

    /// `pg_ctl ARGS` on the cluster, waiting for it to finish.
    fn ctl(&self, args: &[&str]) {
        let output = self.pg_ctl(args).output().unwrap();
        assert!(
            output.status.success(),
            "pg_ctl {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    fn pg_ctl(&self, args: &[&str]) -> Command {
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1",
            self.port,
            self.data.display()
        );
        let log = self.data.join("server.log").display().to_string();
        let mut all = vec!["-w", "-l", log.as_str(), "-o", options.as_str()];
        all.extend_from_slice(args);
        all.push("-D");
        self.command("pg_ctl", &all)
    }

    /// Runs a server binary with `args` and the data folder last.
    fn run(&self, program: &str, args: &[&str]) {
        let output = self.command(program, args).output().unwrap();
        assert!(
            output.status.success(),
            "{program} {args:?}: {}{}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        );
    }

    /// A server binary with `args` and the data folder last, as the
    /// cluster's user.
    fn command(&self, program: &str, args: &[&str]) -> Command {
        let binary = self.bin.join(program);
        let mut command = match self.run_as {
            Some(user) => {
                let mut c = Command::new("runuser");
                c.args(["-u", user, "--"]).arg(&binary);
                c
            }
            None => Command::new(&binary),
        };
        command.args(args).arg(&self.data).current_dir("/");
        command
    }
}

impl Drop for PrivatePostgres {
    fn drop(&mut self) {
        let _ = self.pg_ctl(&["stop", "-m", "immediate"]).output();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_restarted_and_crashed_under_load_loses_nothing_acknowledged() {
    let dir = TempDir::new("pg-restart");
    let Some(pg) = PrivatePostgres::start(&dir.path) else {
        eprintln!(
            "SKIPPED the PostgreSQL restart battery: no initdb/pg_ctl in /usr/lib/postgresql"
        );
        return;
    };
    let url = pg.url();
    let db = ["--database", url.as_str()];
    let tenant = create_tenant(&dir.path, &db);
    let args = ["--database", url.as_str(), "--durability", "strict"];
    let node = Node::start(&dir.path, "node", &args);
    let kim = session(&node.http, &tenant, "kim").await;
    let question = ask(&node.http, &kim, "数据库重启").await;

    let mut load = Load::start(&[&node.http], &kim, &question, 8);
    load.more(300, "at the start").await;
    pg.ctl(&["restart", "-m", "fast"]);
    load.more(300, "after a clean restart of PostgreSQL").await;
    // A crash: PostgreSQL replays its WAL on start. With --durability
    // strict every acknowledged commit was flushed before the answer.
    pg.ctl(&["restart", "-m", "immediate"]);
    load.more(300, "after PostgreSQL crashed and started again")
        .await;
    let sent = load.stop().await;

    let (status, ready) = node.http.get("/readyz", &[]).await;
    assert_eq!(status, 200, "{ready}");
    let history = node.http.history(&kim.session, &question).await;
    assert_stored_once_in_order(&history, &sent);
    println!(
        "BATTERY postgres-restart: {} acknowledged messages from 8 senders checked across a \
         clean restart and a crash of PostgreSQL: all stored once in order, the node ready \
         without a restart; {} sends refused or failed meanwhile",
        sent.acked.len(),
        sent.failed
    );
}
