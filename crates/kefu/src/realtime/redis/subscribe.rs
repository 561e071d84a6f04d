//! [`subscribe`]: a background task that keeps one subscription alive.

use std::time::Duration;

use futures_util::StreamExt;
use redis::aio::{PubSubSink, PubSubStream};
use tokio::sync::mpsc;
use tokio::time::{sleep, timeout};

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

pub(super) fn spawn_subscriber(
    url: RedisUrl,
    channel: String,
    options: Options,
) -> mpsc::Receiver<Delivery> {
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
        let error = match timeout(options.timeout, open_subscription(&url, &channel)).await {
            Err(_) => RedisError::Timeout,
            Ok(Err(e)) => e,
            Ok(Ok((sink, stream))) => {
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
                match listen(sink, stream, &options, &tx).await {
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
) -> Result<(PubSubSink, PubSubStream), RedisError> {
    let mut pubsub = url.client.get_async_pubsub().await?;
    pubsub.subscribe(channel).await?;
    Ok(pubsub.split())
}

/// Forwards messages until the connection fails (`Err`) or the receiver is
/// dropped (`Ok`). Silence is checked with PING: a peer that vanished without
/// closing the connection would otherwise leave the subscription deaf forever.
async fn listen(
    mut sink: PubSubSink,
    mut stream: PubSubStream,
    options: &Options,
    tx: &mpsc::Sender<Delivery>,
) -> Result<(), RedisError> {
    loop {
        let message = tokio::select! {
            biased;
            _ = tx.closed() => return Ok(()),
            message = stream.next() => message,
            _ = sleep(options.ping_idle) => {
                // The answer travels on the sink's own path, not the stream.
                match timeout(options.pong_wait, sink.ping::<redis::Value>()).await {
                    Ok(Ok(_)) => continue,
                    Ok(Err(e)) => return Err(e.into()),
                    Err(_) => return Err(RedisError::Timeout),
                }
            }
        };
        let Some(message) = message else {
            return Err(RedisError::Redis(redis::RedisError::from((
                redis::ErrorKind::Io,
                "the subscription's connection closed",
            ))));
        };
        if tx
            .send(Delivery::Message(message.get_payload_bytes().to_vec()))
            .await
            .is_err()
        {
            return Ok(());
        }
    }
}
