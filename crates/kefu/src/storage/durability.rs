//! How far a commit goes before kefu answers. Message writes are committed in
//! groups (see `group_commit.rs`), so the stricter setting costs latency per
//! group, not throughput per message.

use sqlx::sqlite::SqliteSynchronous;

/// `--durability`: what an acknowledged write survives.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Durability {
    /// Survives a killed kefu process. SQLite: WAL with `synchronous=NORMAL`
    /// (commits reach the operating system, fsync at checkpoints).
    /// PostgreSQL: `synchronous_commit=off` (a crash of PostgreSQL itself or
    /// of the machine may lose the last few hundred milliseconds).
    #[default]
    Normal,
    /// Survives power loss: every commit is on disk before kefu answers.
    /// SQLite `synchronous=FULL`, PostgreSQL `synchronous_commit=on`.
    Strict,
}

impl Durability {
    pub fn name(self) -> &'static str {
        match self {
            Durability::Normal => "normal",
            Durability::Strict => "strict",
        }
    }

    pub(super) fn sqlite(self) -> SqliteSynchronous {
        match self {
            Durability::Normal => SqliteSynchronous::Normal,
            Durability::Strict => SqliteSynchronous::Full,
        }
    }

    pub(super) fn postgres(self) -> &'static str {
        match self {
            Durability::Normal => "off",
            Durability::Strict => "on",
        }
    }
}
