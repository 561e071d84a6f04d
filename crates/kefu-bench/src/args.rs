//! The command line, and the sizes it resolves to (`--smoke` picks tiny ones
//! for CI; a flag given explicitly wins over both).

use std::path::PathBuf;

use clap::{Parser, ValueEnum};

use crate::scenarios::Scenario;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum BackendChoice {
    Sqlite,
    Postgres,
    Both,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Durability {
    Normal,
    Strict,
}

impl Durability {
    pub fn as_str(self) -> &'static str {
        match self {
            Durability::Normal => "normal",
            Durability::Strict => "strict",
        }
    }
}

/// kefu-bench: starts kefu (or targets a running one), sets up a tenant
/// through the public API and measures throughput, latency and memory.
#[derive(Parser, Debug)]
#[command(name = "kefu-bench", version)]
pub struct Args {
    /// Which storage backends to start kefu on
    #[arg(long, value_enum, default_value = "both")]
    pub backend: BackendChoice,
    /// PostgreSQL server for the postgres backend (a fresh database is created
    /// there for the run and dropped after)
    #[arg(
        long = "postgres",
        env = "KEFU_BENCH_POSTGRES_URL",
        default_value = "postgres://root@127.0.0.1:5432/test",
        value_name = "URL"
    )]
    pub postgres_url: String,
    /// Durability setting passed to the server (`kefu serve --durability`)
    #[arg(long, value_enum, default_value = "normal")]
    pub durability: Durability,
    /// Target a running server instead of starting one (its backend and
    /// durability are whatever its /healthz says)
    #[arg(long, value_name = "URL", requires_all = ["api_key", "secret_key", "admin", "admin_password"])]
    pub url: Option<String>,
    /// The tenant's api_key (with --url)
    #[arg(long)]
    pub api_key: Option<String>,
    /// The tenant's secret_key (with --url)
    #[arg(long)]
    pub secret_key: Option<String>,
    /// The tenant admin's account, sPassportName (with --url)
    #[arg(long)]
    pub admin: Option<String>,
    /// The tenant admin's password (with --url)
    #[arg(long)]
    pub admin_password: Option<String>,
    /// The running server's process id, to read its memory (with --url)
    #[arg(long)]
    pub pid: Option<u32>,
    /// Scenarios to run, in this order whatever the order given
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "baseline,chat,history,connections,burst"
    )]
    pub scenarios: Vec<Scenario>,
    /// Concurrent served conversations in the chat scenario (also the number
    /// of keep-alive connections of the baseline) [default: 200]
    #[arg(long, value_name = "C")]
    pub conversations: Option<usize>,
    /// Seconds per measured phase [default: 10]
    #[arg(long, value_name = "D")]
    pub seconds: Option<u64>,
    /// Offered message rates of the open-loop chat phases, msg/s [default: 1000,5000]
    #[arg(long, value_delimiter = ',', value_name = "R,...")]
    pub rates: Option<Vec<u32>>,
    /// Messages the tenant holds when history pages are timed [default: 1000000]
    #[arg(long, value_name = "N")]
    pub history_messages: Option<u64>,
    /// Timed requests of each history read (message pages, pending pages) [default: 2000]
    #[arg(long, value_name = "N")]
    pub history_requests: Option<usize>,
    /// Idle WebSockets held in the connections scenario [default: 10000]
    #[arg(long, value_name = "N")]
    pub idle_sockets: Option<usize>,
    /// Customers that connect at once in the burst scenario [default: 1000]
    #[arg(long, value_name = "N")]
    pub burst_customers: Option<usize>,
    /// Agents online during the burst [default: 50]
    #[arg(long, value_name = "N")]
    pub burst_agents: Option<usize>,
    /// Where to write the JSON results
    #[arg(long, value_name = "PATH", default_value = "target/kefu-bench.json")]
    pub json: PathBuf,
    /// Tiny sizes for CI: C=4, 1 s phases, rate 50, 2000 history messages,
    /// 50 idle sockets, 20 burst customers to 5 agents
    #[arg(long)]
    pub smoke: bool,
}

/// The sizes of one run.
#[derive(Clone, Debug)]
pub struct Sizes {
    pub conversations: usize,
    pub seconds: u64,
    pub rates: Vec<u32>,
    pub history_messages: u64,
    pub history_requests: usize,
    pub idle_sockets: usize,
    pub burst_customers: usize,
    pub burst_agents: usize,
}

impl Args {
    pub fn sizes(&self) -> Sizes {
        let base = if self.smoke {
            Sizes::smoke()
        } else {
            Sizes::full()
        };
        Sizes {
            conversations: self.conversations.unwrap_or(base.conversations).max(1),
            seconds: self.seconds.unwrap_or(base.seconds).max(1),
            rates: self.rates.clone().unwrap_or(base.rates),
            history_messages: self.history_messages.unwrap_or(base.history_messages),
            history_requests: self
                .history_requests
                .unwrap_or(base.history_requests)
                .max(1),
            idle_sockets: self.idle_sockets.unwrap_or(base.idle_sockets).max(1),
            burst_customers: self.burst_customers.unwrap_or(base.burst_customers).max(1),
            burst_agents: self.burst_agents.unwrap_or(base.burst_agents).max(1),
        }
    }

    /// The scenarios to run, in the canonical order, each once.
    pub fn scenarios(&self) -> Vec<Scenario> {
        Scenario::ALL
            .into_iter()
            .filter(|s| self.scenarios.contains(s))
            .collect()
    }
}

impl Sizes {
    fn full() -> Sizes {
        Sizes {
            conversations: 200,
            seconds: 10,
            rates: vec![1000, 5000],
            history_messages: 1_000_000,
            history_requests: 2000,
            idle_sockets: 10_000,
            burst_customers: 1000,
            burst_agents: 50,
        }
    }

    fn smoke() -> Sizes {
        Sizes {
            conversations: 4,
            seconds: 1,
            rates: vec![50],
            history_messages: 2000,
            history_requests: 200,
            idle_sockets: 50,
            burst_customers: 20,
            burst_agents: 5,
        }
    }
}
