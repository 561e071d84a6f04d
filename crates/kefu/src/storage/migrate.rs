//! Embedded migrations, one folder per backend (`migrations/sqlite`,
//! `migrations/postgres`), applied in order at start. A released migration is
//! never edited: add a new file instead.

use super::{Pools, Result, Store};

struct Migration {
    version: i64,
    sqlite: &'static str,
    postgres: &'static str,
}

const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        sqlite: include_str!("../../migrations/sqlite/0001_init.sql"),
        postgres: include_str!("../../migrations/postgres/0001_init.sql"),
    },
    Migration {
        version: 2,
        sqlite: include_str!("../../migrations/sqlite/0002_admin.sql"),
        postgres: include_str!("../../migrations/postgres/0002_admin.sql"),
    },
    Migration {
        version: 3,
        sqlite: include_str!("../../migrations/sqlite/0003_routing.sql"),
        postgres: include_str!("../../migrations/postgres/0003_routing.sql"),
    },
    Migration {
        version: 4,
        sqlite: include_str!("../../migrations/sqlite/0004_realtime.sql"),
        postgres: include_str!("../../migrations/postgres/0004_realtime.sql"),
    },
    Migration {
        version: 5,
        sqlite: include_str!("../../migrations/sqlite/0005_edges.sql"),
        postgres: include_str!("../../migrations/postgres/0005_edges.sql"),
    },
    Migration {
        version: 6,
        sqlite: include_str!("../../migrations/sqlite/0006_insights.sql"),
        postgres: include_str!("../../migrations/postgres/0006_insights.sql"),
    },
    Migration {
        version: 7,
        sqlite: include_str!("../../migrations/sqlite/0007_history_order.sql"),
        postgres: include_str!("../../migrations/postgres/0007_history_order.sql"),
    },
];

/// The newest schema this kefu knows (`kefu_migrations.version`): a
/// database at a newer one was made by a newer kefu.
pub fn schema_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

const CREATE_LEDGER: &str = "CREATE TABLE IF NOT EXISTS kefu_migrations (
    version BIGINT PRIMARY KEY,
    applied_at DOUBLE PRECISION NOT NULL
)";

impl Store {
    pub(super) async fn migrate(&self) -> Result<()> {
        with_pool!(self, write, pool => {
            sqlx::query(CREATE_LEDGER).execute(pool).await?;
            for migration in MIGRATIONS {
                let mut tx = pool.begin().await?;
                if matches!(self.pools, Pools::Postgres(_)) {
                    // Several nodes may start at once: one migrates, the others wait.
                    sqlx::query("SELECT pg_advisory_xact_lock(7190315)")
                        .execute(&mut *tx)
                        .await?;
                }
                let applied: Option<i64> =
                    sqlx::query_scalar("SELECT version FROM kefu_migrations WHERE version = $1")
                        .bind(migration.version)
                        .fetch_optional(&mut *tx)
                        .await?;
                if applied.is_some() {
                    continue;
                }
                let sql = match self.pools {
                    Pools::Sqlite { .. } => migration.sqlite,
                    Pools::Postgres(_) => migration.postgres,
                };
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                sqlx::query("INSERT INTO kefu_migrations (version, applied_at) VALUES ($1, $2)")
                    .bind(migration.version)
                    .bind(crate::ids::now())
                    .execute(&mut *tx)
                    .await?;
                tx.commit().await?;
                tracing::info!(version = migration.version, "applied migration");
            }
            Ok(())
        })
    }
}
