//! [`subscribe`]: a background task that keeps one subscription alive.

use std::time::Duration;

use tokio::io::AsyncWriteExt;
use tokio::sync::mpsc;
use tokio::time::{sleep, sleep_until, timeout, Instant};

use super::resp::{command, describe, read_value, Conn, Value};
use super::{Options, RedisError, RedisUrl, DOWN, NEVER, UP};

/// Deliveries queued for a slow receiver before the subscriber stops reading.
const SUBSCRIPTION_BUFFER: usize = 4096;
const FIRST_BACKOFF: Duration = Duration::from_millis(100);
const MAX_BACKOFF: Duration = Duration::from_secs(2);

/// What a subscription yields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery {
    /// The subscription is (re)established: messages published while it was down are gone,
    /// so the receiver should re-check the database.
    Connected,
    Message(Vec<u8>),
}

/// Subscribes to `channel` in a background task that reconnects forever with backoff
/// (100 ms doubling to 2 s) and sends `Connected` after every successful SUBSCRIBE.
/// The task ends when the receiver is dropped. When the receiver lags the task
/// waits (a bounded queue of 4096) rather than drop messages; Redis then holds
/// the rest, and if it gives up on us the reconnect yields `Connected`.
///
/// Must be called within a tokio runtime.
pub fn subscribe(url: RedisUrl, channel: String) -> mpsc::Receiver<Delivery> {
    spawn_subscriber(url, channel, Options::named("kefu-sub"))
}

fn spawn_subscriber(url: RedisUrl, channel: String, options: Options) -> mpsc::Receiver<Delivery> {
    let (tx, rx) = mpsc::channel(SUBSCRIPTION_BUFFER);
    tokio::spawn(run_subscriber(url, channel, options, tx));
    rx
}

async fn run_subscriber(
    url: RedisUrl,
    channel: String,
    options: Options,
    tx: mpsc::Sender<Delivery>,
) {
    let mut state = NEVER;
    let mut backoff = FIRST_BACKOFF;
    loop {
        let error = match timeout(options.timeout, open_subscription(&url, &channel, &options))
            .await
        {
            Err(_) => RedisError::Timeout,
            Ok(Err(e)) => e,
            Ok(Ok(conn)) => {
                match state {
                    DOWN => tracing::info!("redis: subscription to {channel:?} on {url} restored"),
                    NEVER => tracing::info!("redis: subscribed to {channel:?} on {url}"),
                    _ => {}
                }
                state = UP;
                backoff = FIRST_BACKOFF;
                if tx.send(Delivery::Connected).await.is_err() {
                    return;
                }
                match listen(conn, &channel, &options, &tx).await {
                    Ok(()) => return, // the receiver is gone
                    Err(e) => e,
                }
            }
        };
        match state {
            UP => tracing::warn!(
                "redis: subscription to {channel:?} on {url} lost: {error}; reconnecting"
            ),
            NEVER => {
                tracing::warn!("redis: cannot subscribe to {channel:?} on {url}: {error}; retrying")
            }
            _ => tracing::debug!("redis: subscribing to {channel:?} failed again: {error}"),
        }
        state = DOWN;
        tokio::select! {
            _ = tx.closed() => return,
            _ = sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

async fn open_subscription(
    url: &RedisUrl,
    channel: &str,
    options: &Options,
) -> Result<Conn, RedisError> {
    let mut conn = Conn::open(url, &options.name).await?;
    match conn.call(&[b"SUBSCRIBE", channel.as_bytes()]).await? {
        Value::Array(items)
            if matches!(items.as_slice(),
                [Value::Bulk(kind), Value::Bulk(name), Value::Int(_)]
                    if kind == b"subscribe" && name == channel.as_bytes()) =>
        {
            Ok(conn)
        }
        Value::Error(e) => Err(RedisError::Server(format!("SUBSCRIBE: {e}"))),
        other => Err(RedisError::Protocol(format!(
            "unexpected reply to SUBSCRIBE: {}",
            describe(&other)
        ))),
    }
}

/// Forwards messages until the connection fails (`Err`) or the receiver is
/// dropped (`Ok`). Silence is checked with PING: a peer that vanished without
/// closing the connection would otherwise leave the subscription deaf forever.
async fn listen(
    conn: Conn,
    channel: &str,
    options: &Options,
    tx: &mpsc::Sender<Delivery>,
) -> Result<(), RedisError> {
    let Conn {
        mut reader,
        mut writer,
    } = conn;
    loop {
        let frame = {
            let read = read_value(&mut reader);
            tokio::pin!(read);
            let mut wake = Instant::now() + options.ping_idle;
            let mut pinged = false;
            loop {
                tokio::select! {
                    biased;
                    _ = tx.closed() => return Ok(()),
                    frame = &mut read => break frame?,
                    _ = sleep_until(wake) => {
                        if pinged {
                            return Err(RedisError::Timeout);
                        }
                        timeout(options.timeout, writer.write_all(&command(&[b"PING"])))
                            .await
                            .map_err(|_| RedisError::Timeout)??;
                        pinged = true;
                        wake = Instant::now() + options.pong_wait;
                    }
                }
            }
        };
        match frame {
            Value::Array(items) => {
                if let Some(payload) = message_payload(items, channel.as_bytes()) {
                    if tx.send(Delivery::Message(payload)).await.is_err() {
                        return Ok(());
                    }
                }
                // Anything else (the answer to PING) only shows Redis is there.
            }
            Value::Error(e) => return Err(RedisError::Server(e)),
            other => {
                return Err(RedisError::Protocol(format!(
                    "unexpected frame on a subscription: {}",
                    describe(&other)
                )))
            }
        }
    }
}

/// The payload of a `message` push for `channel`, if that is what `items` is.
fn message_payload(items: Vec<Value>, channel: &[u8]) -> Option<Vec<u8>> {
    let mut items = items.into_iter();
    match (items.next(), items.next(), items.next(), items.next()) {
        (Some(Value::Bulk(kind)), Some(Value::Bulk(name)), Some(Value::Bulk(payload)), None)
            if kind == b"message" && name == channel =>
        {
            Some(payload)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::redis::testing::*;
    use crate::realtime::redis::Publisher;
    use tokio::io::BufReader;
    use tokio::net::TcpListener;

    #[test]
    fn only_messages_of_the_channel_are_payloads() {
        let push = |kind: &[u8], chan: &[u8], payload: &[u8]| {
            vec![
                Value::Bulk(kind.to_vec()),
                Value::Bulk(chan.to_vec()),
                Value::Bulk(payload.to_vec()),
            ]
        };
        assert_eq!(
            message_payload(push(b"message", b"c", b"p"), b"c"),
            Some(b"p".to_vec())
        );
        assert_eq!(message_payload(push(b"message", b"d", b"p"), b"c"), None);
        assert_eq!(message_payload(push(b"pong", b"", b""), b"c"), None);
        assert_eq!(
            message_payload(
                vec![Value::Bulk(b"pong".to_vec()), Value::Bulk(Vec::new())],
                b"c"
            ),
            None
        );
    }

    // --- Against a fake Redis -----------------------------------------------

    #[tokio::test]
    async fn subscriber_pings_a_silent_redis_and_reconnects() {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        // (connection number, command) for every command the fake receives.
        let (seen_tx, mut seen) = mpsc::unbounded_channel::<(usize, Vec<String>)>();
        // Confirms the subscription, then never says anything again. It serves
        // one connection at a time, until the client closes it.
        let server = tokio::spawn(async move {
            let mut number = 0;
            while let Ok((stream, _)) = listener.accept().await {
                let (reader, mut writer) = stream.into_split();
                let mut reader = BufReader::new(reader);
                while let Some(cmd) = next_command(&mut reader).await {
                    let _ = seen_tx.send((number, cmd.clone()));
                    let reply: &[u8] = match cmd[0].as_str() {
                        "CLIENT" => b"+OK\r\n",
                        "SUBSCRIBE" => b"*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n",
                        _ => b"",
                    };
                    writer.write_all(reply).await.expect("reply");
                }
                number += 1;
            }
        });
        let url = parsed(&format!("redis://127.0.0.1:{port}"));
        let mut rx = spawn_subscriber(url, "ch".into(), fast("kefu-test"));
        assert_eq!(next(&mut rx).await, Delivery::Connected);
        assert_eq!(next(&mut rx).await, Delivery::Connected);
        // The second connection was served only after the first was closed,
        // so all of the first one's commands are in.
        let mut first = Vec::new();
        while let Ok((number, cmd)) = seen.try_recv() {
            if number == 0 {
                first.push(cmd);
            }
        }
        assert_eq!(
            first,
            [
                vec!["CLIENT", "SETNAME", "kefu-test"],
                vec!["SUBSCRIBE", "ch"],
                vec!["PING"],
            ]
        );
        server.abort();
    }

    // --- Against the real Redis ---------------------------------------------

    fn payload(i: usize) -> Vec<u8> {
        let mut bytes = format!("{i}\r\n*1\r\n$").into_bytes();
        bytes.extend_from_slice(&[0xff, 0xfe, 0x00, b'\r', b'\n']);
        bytes.extend((0..i % 97).map(|k| (k * 7 + i) as u8));
        bytes
    }

    #[tokio::test]
    async fn messages_arrive_exactly_in_order_and_after_a_resubscribe() {
        let Some(url) = redis_url("messages_arrive_exactly_in_order_and_after_a_resubscribe")
        else {
            return;
        };
        let channel = unique("kefu-test-chan");
        let sub_name = unique("kefu-test-sub");
        let mut rx = spawn_subscriber(url.clone(), channel.clone(), Options::named(&sub_name));
        assert_eq!(next(&mut rx).await, Delivery::Connected);

        // More than the queue holds, all published before any is read: the
        // subscriber must wait for the receiver, not drop messages.
        let mut payloads: Vec<Vec<u8>> = (0..SUBSCRIPTION_BUFFER + 1000).map(payload).collect();
        payloads.insert(10, Vec::new());
        payloads.insert(20, (0..3 << 20).map(|k| (k % 251) as u8).collect());
        let publisher = Publisher::new(url.clone());
        for p in &payloads {
            publisher.publish(&channel, p).await.expect("publish");
        }
        for (i, p) in payloads.iter().enumerate() {
            let got = next(&mut rx).await;
            assert!(got == Delivery::Message(p.clone()), "message {i} differs");
        }

        let killed = kill(&url, &sub_name).await;
        assert_eq!(next(&mut rx).await, Delivery::Connected);
        let now = client_ids(&url, &sub_name).await;
        assert!(now.len() == 1 && now[0] != killed, "{killed} then {now:?}");
        publisher
            .publish(&channel, b"after")
            .await
            .expect("publish");
        assert_eq!(next(&mut rx).await, Delivery::Message(b"after".to_vec()));

        // Dropping the receiver ends the task and closes its connection.
        drop(rx);
        until_gone(&url, &sub_name).await;
    }
}
