//! [`Publisher`]: PUBLISH from any number of tasks.

use std::fmt;
use std::sync::atomic::{AtomicU8, Ordering};

use tokio::sync::Mutex;
use tokio::time::timeout;

use super::resp::{describe, Conn, Value};
use super::{Options, RedisError, RedisUrl, DOWN, NEVER, UP};

/// PUBLISH over one connection, opened lazily and reopened after any failure.
/// Each call has a timeout (2 s) so a dead Redis never hangs a caller.
///
/// Calls from many tasks take turns on the connection. A connection Redis
/// closed while idle is noticed on the next call, which then retries once on a
/// fresh connection; so in rare cases (Redis ran the command but the reply was
/// lost) a message is published twice. Receivers treat messages as hints.
pub struct Publisher {
    url: RedisUrl,
    options: Options,
    /// `None` until the first call and after any failure.
    conn: Mutex<Option<Conn>>,
    /// NEVER, UP or DOWN, as last logged.
    state: AtomicU8,
}

impl Publisher {
    pub fn new(url: RedisUrl) -> Self {
        Self::with_options(url, Options::named("kefu-pub"))
    }

    fn with_options(url: RedisUrl, options: Options) -> Self {
        Self {
            url,
            options,
            conn: Mutex::new(None),
            state: AtomicU8::new(NEVER),
        }
    }

    pub async fn publish(&self, channel: &str, payload: &[u8]) -> Result<(), RedisError> {
        // The timeout covers waiting for other callers too, so no caller waits longer.
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
                if self.state.swap(DOWN, Ordering::Relaxed) != DOWN {
                    tracing::warn!("redis: publishing to {} failed: {e}", self.url);
                } else {
                    tracing::debug!("redis: publishing to {} failed again: {e}", self.url);
                }
            }
        }
        result
    }

    async fn publish_now(&self, channel: &str, payload: &[u8]) -> Result<(), RedisError> {
        let args: [&[u8]; 3] = [b"PUBLISH", channel.as_bytes(), payload];
        let mut slot = self.conn.lock().await;
        // The connection is taken out while in use: if this future is dropped
        // half-way (timeout), the half-used connection is dropped with it.
        if let Some(mut conn) = slot.take() {
            match conn.call(&args).await {
                Ok(reply) => {
                    *slot = Some(conn);
                    return published(reply);
                }
                Err(RedisError::Io(e)) => {
                    tracing::debug!("redis: publisher connection closed ({e}), reconnecting");
                }
                Err(e) => return Err(e),
            }
        }
        let mut conn = Conn::open(&self.url, &self.options.name).await?;
        tracing::debug!("redis: publisher connected to {}", self.url);
        let reply = conn.call(&args).await?;
        *slot = Some(conn);
        published(reply)
    }
}

fn published(reply: Value) -> Result<(), RedisError> {
    match reply {
        Value::Int(_) => Ok(()),
        Value::Error(e) => Err(RedisError::Server(e)),
        other => Err(RedisError::Protocol(format!(
            "unexpected reply to PUBLISH: {}",
            describe(&other)
        ))),
    }
}

impl fmt::Debug for Publisher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Publisher").field("url", &self.url).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::redis::testing::*;
    use crate::realtime::redis::{subscribe, Delivery};
    use std::sync::Arc;
    use std::time::Duration;
    use tokio::io::{AsyncWriteExt, BufReader};
    use tokio::net::TcpListener;

    // --- Against a fake Redis -----------------------------------------------

    #[tokio::test]
    async fn publisher_authenticates_with_user_and_names_itself() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let server = tokio::spawn(async move {
            let (stream, _) = listener.accept().await.expect("accept");
            let (reader, mut writer) = stream.into_split();
            let mut reader = BufReader::new(reader);
            let mut seen = Vec::new();
            for reply in [&b"+OK\r\n"[..], b"+OK\r\n", b":1\r\n"] {
                seen.push(next_command(&mut reader).await.expect("a command"));
                writer.write_all(reply).await.expect("reply");
            }
            seen
        });
        let url = parsed(&format!("redis://alice:s%3Acret@127.0.0.1:{port}"));
        let publisher = Publisher::new(url);
        publisher.publish("ch", b"hi").await.expect("publish");
        assert_eq!(
            server.await.expect("server"),
            vec![
                vec!["AUTH", "alice", "s:cret"],
                vec!["CLIENT", "SETNAME", "kefu-pub"],
                vec!["PUBLISH", "ch", "hi"],
            ]
        );
    }

    #[tokio::test]
    async fn publish_to_a_silent_or_absent_redis_fails_in_time() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        // Accepts connections and never answers.
        let server = tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((stream, _)) = listener.accept().await {
                held.push(stream);
            }
        });
        let url = parsed(&format!("redis://127.0.0.1:{port}"));
        let publisher = Arc::new(Publisher::with_options(url.clone(), fast("kefu-test")));
        let started = std::time::Instant::now();
        // Callers queued behind a stuck one share its deadline rather than add theirs.
        let calls: Vec<_> = (0..5)
            .map(|_| {
                let publisher = publisher.clone();
                tokio::spawn(async move { publisher.publish("ch", b"x").await })
            })
            .collect();
        for call in calls {
            let result = call.await.expect("task");
            assert!(matches!(result, Err(RedisError::Timeout)), "{result:?}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "{:?}",
            started.elapsed()
        );

        server.abort();
        let _ = server.await;
        // Nobody listens any more: refused at once.
        let result = publisher.publish("ch", b"x").await;
        assert!(matches!(result, Err(RedisError::Io(_))), "{result:?}");
    }

    // --- Against the real Redis ---------------------------------------------

    #[tokio::test]
    async fn publisher_reconnects_after_its_connection_is_killed() {
        let Some(url) = redis_url("publisher_reconnects_after_its_connection_is_killed") else {
            return;
        };
        let channel = unique("kefu-test-chan");
        let pub_name = unique("kefu-test-pub");
        let mut rx = subscribe(url.clone(), channel.clone());
        assert_eq!(next(&mut rx).await, Delivery::Connected);
        let publisher = Publisher::with_options(url.clone(), Options::named(&pub_name));
        publisher.publish(&channel, b"one").await.expect("publish");
        assert_eq!(next(&mut rx).await, Delivery::Message(b"one".to_vec()));

        let killed = kill(&url, &pub_name).await;
        publisher
            .publish(&channel, b"two")
            .await
            .expect("the publish after the kill reconnects");
        assert_eq!(next(&mut rx).await, Delivery::Message(b"two".to_vec()));
        let now = client_ids(&url, &pub_name).await;
        assert!(now.len() == 1 && now[0] != killed, "{killed} then {now:?}");
    }

    #[tokio::test]
    async fn concurrent_publishes_share_one_connection() {
        let Some(url) = redis_url("concurrent_publishes_share_one_connection") else {
            return;
        };
        let channel = unique("kefu-test-chan");
        let pub_name = unique("kefu-test-pub");
        let mut rx = subscribe(url.clone(), channel.clone());
        assert_eq!(next(&mut rx).await, Delivery::Connected);
        let publisher = Arc::new(Publisher::with_options(
            url.clone(),
            Options::named(&pub_name),
        ));
        let tasks: Vec<_> = (0..50)
            .map(|t| {
                let (publisher, channel) = (publisher.clone(), channel.clone());
                tokio::spawn(async move {
                    for n in 0..20 {
                        let body = format!("{t} {n}\r\n");
                        publisher
                            .publish(&channel, body.as_bytes())
                            .await
                            .expect("publish");
                    }
                })
            })
            .collect();
        for task in tasks {
            task.await.expect("task");
        }
        // Each task's messages arrive in its own order, none lost or mangled.
        let mut next_of = vec![0; 50];
        for _ in 0..1000 {
            let Delivery::Message(body) = next(&mut rx).await else {
                panic!("a message");
            };
            let text = String::from_utf8(body).expect("text");
            let (t, n) = text.trim_end().split_once(' ').expect("'t n'");
            let (t, n): (usize, usize) = (t.parse().expect("t"), n.parse().expect("n"));
            assert_eq!(n, next_of[t], "task {t}");
            next_of[t] += 1;
        }
        assert_eq!(client_ids(&url, &pub_name).await.len(), 1);
    }

    #[tokio::test]
    async fn a_wrong_password_is_a_server_error() {
        let Some(mut url) = redis_url("a_wrong_password_is_a_server_error") else {
            return;
        };
        url.user = None;
        url.password = Some(unique("kefu-wrong-password"));
        let result = Publisher::new(url).publish("ch", b"x").await;
        assert!(
            matches!(&result, Err(RedisError::Server(e)) if e.starts_with("AUTH")),
            "{result:?}"
        );
    }
}
