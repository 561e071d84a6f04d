//! Storage: one interface ([`Store`]) over two backends, SQLite (embedded
//! default, WAL) and PostgreSQL, chosen from the database URL's scheme.
//!
//! Every query is written once: [`with_pool!`] expands the same code for each
//! backend's pool, so the two cannot drift apart; only connection setup and
//! migrations differ. Every query takes the tenant id, so no caller can read
//! across tenants by forgetting a filter.

use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions};

/// Runs `$body` with `$pool` bound to the backend's pool: the reading pool or
/// the writing one (on SQLite one connection writes, so writers queue instead
/// of failing with SQLITE_BUSY; PostgreSQL uses one pool for both).
macro_rules! with_pool {
    ($store:expr, read, $pool:ident => $body:expr) => {
        match &$store.pools {
            $crate::storage::Pools::Sqlite { read: $pool, .. } => $body,
            $crate::storage::Pools::Postgres($pool) => $body,
        }
    };
    ($store:expr, write, $pool:ident => $body:expr) => {
        match &$store.pools {
            $crate::storage::Pools::Sqlite { write: $pool, .. } => $body,
            $crate::storage::Pools::Postgres($pool) => $body,
        }
    };
}

/// Builds a row struct from a result row, column names = field names.
macro_rules! decode {
    ($row:expr => $ty:ident { $($field:ident),* $(,)? }) => {
        $ty { $($field: sqlx::Row::try_get($row, stringify!($field))?,)* }
    };
}

/// Appends keyset paging on the time-ordered id `$column`: after the cursor
/// in the page's order (an index range scan however deep the list), then
/// LIMIT/OFFSET (the offset is bounded by the seed's page ≤ 50).
macro_rules! push_page {
    ($q:expr, $column:literal, $page:expr) => {{
        use $crate::domain::paging::Order;
        let page: &$crate::domain::paging::PageRequest = $page;
        if let Some(cursor) = &page.cursor {
            $q.push(match page.order {
                Order::OldestFirst => concat!(" AND ", $column, " > "),
                Order::NewestFirst => concat!(" AND ", $column, " < "),
            })
            .push_bind(cursor.as_str().to_owned());
        }
        $q.push(match page.order {
            Order::OldestFirst => concat!(" ORDER BY ", $column, " ASC"),
            Order::NewestFirst => concat!(" ORDER BY ", $column, " DESC"),
        });
        $q.push(" LIMIT ").push_bind(i64::from(page.limit));
        $q.push(" OFFSET ").push_bind(i64::from(page.offset));
    }};
}

mod agents;
mod checkins;
mod checkpoint;
mod conversations;
mod customers;
mod durability;
mod duties;
mod events;
mod group_commit;
mod groups;
mod messages;
mod migrate;
#[cfg(test)]
mod plans;
mod ratings;
mod reports;
mod routing;
mod templates;
mod tenants;
mod webhooks;

pub use agents::{
    AgentOrder, AgentProfile, AgentQuery, AgentRow, NewAgent, Plate, ProfileWrite, SearchColumn,
    UnknownGroup,
};
pub use checkins::{CheckinQuery, CheckinRow, NewCheckin};
pub use conversations::{
    ConversationFilter, ConversationRow, ConversationSummary, Scope, Transition,
};
pub use customers::{CustomerRow, SessionRow, SessionTerms};
pub use durability::Durability;
pub use duties::DutyRow;
pub use events::{Reader, StoredEvent};
pub use groups::GroupRow;
pub use messages::{InsertOutcome, MessageRow};
pub use migrate::schema_version;
pub use ratings::RatingOutcome;
pub use routing::{Queued, Round, RoundOutcome, RoundPlan, RoutableAgent, Snapshot};
pub use templates::{ItemRow, TemplateRow};
pub use tenants::{NewTenant, TenantRow, TenantSummary};
pub use webhooks::*;

pub type Result<T> = std::result::Result<T, sqlx::Error>;

#[derive(Clone)]
pub(crate) enum Pools {
    Sqlite {
        read: SqlitePool,
        write: SqlitePool,
        /// Copies the WAL into the database in the background.
        checkpointer: SqlitePool,
    },
    Postgres(PgPool),
}

/// The one storage interface of kefu. Cheap to clone (it holds pools).
#[derive(Clone)]
pub struct Store {
    pools: Pools,
    /// Where chat messages queue to be committed in groups.
    messages: group_commit::GroupCommit,
    durability: Durability,
    /// The node's counters: every part holds the store (`crate::metrics`).
    metrics: crate::metrics::Metrics,
}

#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    #[error("unsupported database URL {0:?}: use sqlite://PATH or postgres://...")]
    UnknownScheme(String),
    #[error("cannot open the database: {0}")]
    Open(#[from] sqlx::Error),
    #[error("cannot migrate the database: {0}")]
    Migrate(sqlx::Error),
}

impl Store {
    /// Opens the database named by `url` and applies pending migrations.
    pub async fn connect(url: &str) -> std::result::Result<Self, ConnectError> {
        Self::connect_with(url, Durability::default()).await
    }

    /// Opens the database named by `url`, committing as `durability` says.
    pub async fn connect_with(
        url: &str,
        durability: Durability,
    ) -> std::result::Result<Self, ConnectError> {
        let pools = if url.starts_with("sqlite:") {
            let options = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(durability.sqlite())
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            // The WAL file is cut back to 64 MiB after each reset.
            let options = options.pragma("journal_size_limit", "67108864");
            // A file cannot drop a connection: no ping before each use (it
            // was a round trip to SQLite's thread on every acquire).
            let write = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(
                    options
                        .clone()
                        .pragma("wal_autocheckpoint", checkpoint::WRITER_BACKSTOP_PAGES),
                )
                .await?;
            let checkpointer = SqlitePoolOptions::new()
                .max_connections(1)
                .test_before_acquire(false)
                .connect_with(options.clone())
                .await?;
            checkpoint::start(checkpointer.clone());
            let read = SqlitePoolOptions::new()
                .max_connections(4)
                .test_before_acquire(false)
                .connect_with(options.read_only(true))
                .await?;
            Pools::Sqlite {
                read,
                write,
                checkpointer,
            }
        } else if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            let options = PgConnectOptions::from_str(url)?
                .options([("synchronous_commit", durability.postgres())]);
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(options)
                .await?;
            Pools::Postgres(pool)
        } else {
            return Err(ConnectError::UnknownScheme(url.to_owned()));
        };
        let metrics = crate::metrics::Metrics::new();
        let messages = group_commit::GroupCommit::start(pools.clone(), metrics.clone());
        let store = Self {
            pools,
            messages,
            durability,
            metrics,
        };
        store.migrate().await.map_err(ConnectError::Migrate)?;
        store
            .fold_agent_fields()
            .await
            .map_err(ConnectError::Migrate)?;
        Ok(store)
    }

    /// The node's counters, for `/metrics`.
    pub fn metrics(&self) -> &crate::metrics::Metrics {
        &self.metrics
    }

    /// What an acknowledged write survives.
    pub fn durability(&self) -> Durability {
        self.durability
    }

    /// "sqlite" or "postgres".
    pub fn backend(&self) -> &'static str {
        match self.pools {
            Pools::Sqlite { .. } => "sqlite",
            Pools::Postgres(_) => "postgres",
        }
    }

    /// Answers whether the database can be reached (for `/healthz`).
    pub async fn ping(&self) -> Result<()> {
        with_pool!(self, read, pool => sqlx::query("SELECT 1").execute(pool).await.map(drop))
    }

    /// What waits across all tenants (for `/metrics`): conversations for an
    /// agent, and webhook deliveries to be made.
    pub async fn backlog(&self) -> Result<(i64, i64)> {
        with_pool!(self, read, pool => {
            let waiting: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM conversations WHERE status = $1")
                    .bind(crate::domain::conversation::Status::Waiting.code())
                    .fetch_one(pool)
                    .await?;
            let pending: i64 =
                sqlx::query_scalar("SELECT COUNT(*) FROM webhook_deliveries WHERE state = $1")
                    .bind(webhooks::STATE_PENDING)
                    .fetch_one(pool)
                    .await?;
            Ok((waiting, pending))
        })
    }

    /// Closes every connection (at shutdown, after requests drained).
    pub async fn close(&self) {
        match &self.pools {
            Pools::Sqlite {
                read,
                write,
                checkpointer,
            } => {
                read.close().await;
                write.close().await;
                checkpointer.close().await;
            }
            Pools::Postgres(pool) => pool.close().await,
        }
    }
}

/// Whether `err` is a unique-constraint violation (a duplicate, not a failure).
pub fn is_unique_violation(err: &sqlx::Error) -> bool {
    err.as_database_error()
        .is_some_and(|e| e.is_unique_violation())
}
