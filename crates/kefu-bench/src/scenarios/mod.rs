//! The scenarios, run in this order on one server and one tenant: each
//! leaves the agents it put online offline again, so that the next one's
//! routing starts from a known state.

pub mod baseline;
pub mod burst;
pub mod chat;
pub mod connections;
pub mod history;

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use clap::ValueEnum;
use tokio::task::JoinHandle;

use crate::args::Sizes;
use crate::client::Conn;
use crate::report::Figure;
use crate::server::cpu_seconds;
use crate::setup::Api;
use crate::Result;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Scenario {
    Baseline,
    Chat,
    History,
    Connections,
    Burst,
}

impl Scenario {
    pub const ALL: [Scenario; 5] = [
        Scenario::Baseline,
        Scenario::Chat,
        Scenario::History,
        Scenario::Connections,
        Scenario::Burst,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Scenario::Baseline => "baseline",
            Scenario::Chat => "chat",
            Scenario::History => "history",
            Scenario::Connections => "connections",
            Scenario::Burst => "burst",
        }
    }

    pub async fn run(self, ctx: &mut Ctx) -> Result<Vec<Figure>> {
        match self {
            Scenario::Baseline => baseline::run(ctx).await,
            Scenario::Chat => chat::run(ctx).await,
            Scenario::History => history::run(ctx).await,
            Scenario::Connections => connections::run(ctx).await,
            Scenario::Burst => burst::run(ctx).await,
        }
    }
}

/// Warm-up before a measured closed-loop phase, not counted.
pub const WARM_UP: Duration = Duration::from_secs(1);

/// What the scenarios of one run share.
pub struct Ctx {
    pub api: Api,
    /// `sqlite` or `postgres`, as the server's /healthz says.
    pub backend: String,
    pub sizes: Sizes,
    /// The server's process, for its memory (`None`: not measured).
    pub pid: Option<u32>,
    /// A seed 001 access token of the tenant.
    pub access_token: String,
    /// The tenant's `max_chats` as the bench set it.
    pub max_chats: usize,
    /// Makes account names unique on the server (accounts are server-wide).
    pub tag: String,
    /// Messages this run stored so far (texts and notices), for history.
    pub stored: u64,
    /// The clock every latency stamp counts from.
    pub origin: Instant,
}

impl Ctx {
    pub fn addr(&self) -> SocketAddr {
        self.api.addr
    }

    pub async fn conn(&self) -> Result<Conn> {
        Conn::open(self.addr()).await
    }

    /// Server memory now, KiB.
    pub fn rss_kib(&self) -> Option<u64> {
        self.pid.and_then(crate::server::rss_kib)
    }

    /// Fresh agent accounts `b{tag}{kind}{i}` (at most 20 characters).
    pub fn accounts(&self, kind: char, count: usize) -> Vec<String> {
        (0..count)
            .map(|i| format!("b{}{kind}{i}", self.tag))
            .collect()
    }

    /// Nanoseconds since `origin`.
    pub fn now_ns(&self) -> u64 {
        self.origin.elapsed().as_nanos() as u64
    }
}

/// CPU used by the server and by the bench (figures `{prefix}server_cpu`,
/// `{prefix}bench_cpu`) between `start_ns` and `end_ns`
/// of the shared clock, in % of one core (two cores: up to 200 % together),
/// to tell a saturated server from a saturated client.
pub fn cpu_during(ctx: &Ctx, prefix: &str, start_ns: u64, end_ns: u64) -> JoinHandle<Vec<Figure>> {
    let (origin, pid, prefix) = (ctx.origin, ctx.pid, prefix.to_owned());
    tokio::spawn(async move {
        let at = |ns: u64| tokio::time::Instant::from_std(origin + Duration::from_nanos(ns));
        tokio::time::sleep_until(at(start_ns)).await;
        let server = || pid.and_then(|pid| cpu_seconds(Some(pid)));
        let before = (server(), cpu_seconds(None));
        tokio::time::sleep_until(at(end_ns)).await;
        let after = (server(), cpu_seconds(None));
        let seconds = (end_ns - start_ns) as f64 / 1e9;
        let percent = |b: Option<f64>, a: Option<f64>| Some((a? - b?) / seconds * 100.0);
        vec![
            Figure::maybe(
                format!("{prefix}server_cpu"),
                percent(before.0, after.0),
                "%",
            ),
            Figure::maybe(
                format!("{prefix}bench_cpu"),
                percent(before.1, after.1),
                "%",
            ),
        ]
    })
}

/// Agents of the chat scenario for `conversations`: one per ten, at least one.
pub fn chat_agents(conversations: usize) -> usize {
    (conversations / 10).max(1)
}

/// `max_chats` so that the chat agents can serve every conversation at once.
pub fn chat_capacity(conversations: usize) -> usize {
    conversations.div_ceil(chat_agents(conversations))
}
