//! [`Publisher`]: PUBLISH from any number of tasks.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

use redis::aio::MultiplexedConnection;
use redis::AsyncConnectionConfig;
use tokio::sync::Mutex;
use tokio::time::timeout;

use super::{Options, RedisError, RedisUrl, DOWN, NEVER, UP};

/// PUBLISH over one multiplexed connection, opened lazily and reopened
/// after any failure. Each call has a time limit (2 s), waiting for the
/// connection included, so a dead Redis never hangs a caller.
///
/// A connection that failed is dropped and the call fails; the next call
/// opens a fresh one. So a publish that Redis ran but whose reply was lost
/// may be sent again by the caller: receivers treat messages as hints.
pub struct Publisher {
    url: RedisUrl,
    options: Options,
    /// `None` until the first call and after any failure.
    conn: Mutex<Option<MultiplexedConnection>>,
    /// NEVER, UP or DOWN, as last logged.
    state: AtomicU8,
}

impl Publisher {
    pub fn new(url: RedisUrl) -> Self {
        Self::with_options(url, Options::named("kefu-pub"))
    }

    pub(super) fn with_options(url: RedisUrl, options: Options) -> Self {
        Self {
            url,
            options,
            conn: Mutex::new(None),
            state: AtomicU8::new(NEVER),
        }
    }

    pub async fn publish(&self, channel: &str, payload: &[u8]) -> Result<(), RedisError> {
        let result = match timeout(self.options.timeout, self.publish_now(channel, payload)).await {
            Ok(result) => result,
            Err(_) => Err(RedisError::Timeout),
        };
        match &result {
            Ok(()) => {
                if self.state.swap(UP, Ordering::Relaxed) == DOWN {
                    tracing::info!("redis: publishing to {} works again", self.url);
                }
            }
            Err(e) => {
                // Whatever failed, the next call starts on a fresh connection.
                if let Ok(mut slot) = self.conn.try_lock() {
                    *slot = None;
                }
                if self.state.swap(DOWN, Ordering::Relaxed) != DOWN {
                    tracing::warn!("redis: publishing to {} failed: {e}", self.url);
                } else {
                    tracing::debug!("redis: publishing to {} failed again: {e}", self.url);
                }
            }
        }
        result
    }

    /// Publishes; a connection Redis closed while idle (a restart, a
    /// `timeout` setting, a failover) is noticed here and replaced once.
    async fn publish_now(&self, channel: &str, payload: &[u8]) -> Result<(), RedisError> {
        let publish = redis::cmd("PUBLISH").arg(channel).arg(payload).clone();
        let mut conn = self.connection().await?;
        match publish.query_async::<i64>(&mut conn).await {
            Ok(_) => Ok(()),
            Err(e) if e.is_connection_dropped() || e.is_io_error() => {
                tracing::debug!("redis: publisher connection closed ({e}), reconnecting");
                *self.conn.lock().await = None;
                let mut conn = self.connection().await?;
                publish.query_async::<i64>(&mut conn).await?;
                Ok(())
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The shared connection, opened (and named) if there is none. Callers
    /// queue here only while it is being opened; commands then run side by
    /// side on it.
    async fn connection(&self) -> Result<MultiplexedConnection, RedisError> {
        let mut slot = self.conn.lock().await;
        if let Some(conn) = &*slot {
            return Ok(conn.clone());
        }
        let config = AsyncConnectionConfig::new()
            .set_connection_timeout(Some(self.options.timeout))
            .set_response_timeout(Some(self.options.timeout));
        let mut conn = self
            .url
            .client
            .get_multiplexed_async_connection_with_config(&config)
            .await?;
        redis::cmd("CLIENT")
            .arg("SETNAME")
            .arg(&self.options.name)
            .query_async::<()>(&mut conn)
            .await?;
        tracing::debug!("redis: publisher connected to {}", self.url);
        *slot = Some(conn.clone());
        Ok(conn)
    }
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher").field("url", &self.url).finish()
    }
}
