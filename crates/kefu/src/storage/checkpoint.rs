//! SQLite's WAL is copied into the database file by a connection of its own,
//! in the background. Left to the writer, a checkpoint runs inside the commit
//! that crosses the WAL's size limit and every write waits behind it: those
//! stalls were the benchmark's p99 latency.

use std::time::Duration;

use sqlx::sqlite::SqlitePool;

/// How often the background checkpoint runs.
const EVERY: Duration = Duration::from_millis(250);
/// WAL pages after which the writer checkpoints by itself anyway: only when
/// the background cannot keep up (readers holding old snapshots).
pub(super) const WRITER_BACKSTOP_PAGES: &str = "16384";

/// Runs a passive checkpoint (never waits for readers or the writer) every
/// [`EVERY`] until `pool` is closed.
pub(super) fn start(pool: SqlitePool) {
    tokio::spawn(async move {
        let mut every = tokio::time::interval(EVERY);
        every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every.tick().await;
            if pool.is_closed() {
                break;
            }
            if let Err(e) = sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
                .execute(&pool)
                .await
            {
                tracing::debug!(error = %e, "background checkpoint failed; retrying");
            }
        }
    });
}
