//! The bus: carries the engine's signals to this node's hub at once and,
//! with Redis, to every other node (one pub/sub channel).
//!
//! Signals that pile up are coalesced ("tenant 7 stored messages" a hundred
//! times is one read). Redis only ever carries "look again" and live events:
//! messages stay in the database, so a Redis outage delays delivery (every
//! node re-reads the database each second) but loses nothing stored.

use std::collections::HashSet;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::hub::Hub;
use super::redis::{self, Delivery, Publisher, RedisUrl};
use super::signal::{Signal, Signals};

/// How often a node re-reads the database for stored events it was not told of.
pub const CHECK_EVERY: Duration = Duration::from_secs(1);
/// Signals handled (and published) together at most.
const BATCH: usize = 512;
/// Batches waiting for Redis at most; more are dropped while it is down
/// (the database check covers stored messages).
const PUBLISH_QUEUE: usize = 256;

/// What one node publishes: its signals, tagged so it ignores its own echo.
#[derive(Serialize, Deserialize)]
struct Envelope {
    node: u64,
    signals: Vec<Signal>,
}

/// Where a bus meets the other nodes: a Redis server and the installation's
/// channel on it (installations sharing a Redis must not hear each other).
pub struct Remote {
    pub url: RedisUrl,
    /// The installation's id (`Store::installation_id`).
    pub installation: String,
}

impl Remote {
    fn channel(&self) -> String {
        format!("kefu:{}:signals", self.installation)
    }

    /// A check of this Redis for readiness, on a connection of its own (a
    /// bus that is behind must not make the node look down).
    pub fn reachability(&self) -> Reachability {
        Reachability {
            publisher: Publisher::new(self.url.clone()),
            channel: format!("kefu:{}:ready", self.installation),
        }
    }
}

/// Whether the node's Redis answers: a PUBLISH nobody listens to, with the
/// publisher's time limit.
pub struct Reachability {
    publisher: Publisher,
    channel: String,
}

impl Reachability {
    pub async fn check(&self) -> Result<(), redis::RedisError> {
        self.publisher.publish(&self.channel, b"").await
    }
}

/// Starts the bus for `hub`: in process, or over Redis when `remote` is set.
/// Returns the engine's handle and the tasks (abort them to stop).
pub fn start(hub: Hub, remote: Option<Remote>) -> (Signals, Vec<JoinHandle<()>>) {
    let (to_bus, from_engine) = mpsc::unbounded_channel();
    let node = crate::ids::random_u64();
    let mut tasks = Vec::new();
    let publish = remote.as_ref().map(|remote| {
        let (tx, rx) = mpsc::channel(PUBLISH_QUEUE);
        let publisher = Publisher::new(remote.url.clone());
        tasks.push(tokio::spawn(publish_loop(
            publisher,
            remote.channel(),
            node,
            rx,
        )));
        tx
    });
    tasks.push(tokio::spawn(local_loop(hub.clone(), from_engine, publish)));
    if let Some(remote) = remote {
        let channel = remote.channel();
        tasks.push(tokio::spawn(subscribe_loop(
            hub.clone(),
            remote.url,
            channel,
            node,
        )));
    }
    tasks.push(tokio::spawn(check_loop(hub)));
    (Signals::new(to_bus), tasks)
}

/// This node's signals: to the hub now, and on to Redis.
async fn local_loop(
    hub: Hub,
    mut from_engine: mpsc::UnboundedReceiver<Signal>,
    publish: Option<mpsc::Sender<Vec<Signal>>>,
) {
    let mut batch = Vec::with_capacity(BATCH);
    while from_engine.recv_many(&mut batch, BATCH).await > 0 {
        let signals = coalesce(std::mem::take(&mut batch));
        for signal in &signals {
            hub.handle(signal.clone());
        }
        if let Some(publish) = &publish {
            if publish.try_send(signals).is_err() {
                tracing::debug!(
                    "Redis is behind; other nodes will find stored events by their check"
                );
            }
        }
    }
}

/// Keeps one `Stored` and one `QueueMoved` per tenant; live events and
/// revocations all stay, in order.
fn coalesce(signals: Vec<Signal>) -> Vec<Signal> {
    let mut seen = HashSet::new();
    signals
        .into_iter()
        .filter(|s| match s {
            Signal::Live { .. } | Signal::Revoked { .. } => true,
            other => seen.insert(other.clone()),
        })
        .collect()
}

async fn publish_loop(
    publisher: Publisher,
    channel: String,
    node: u64,
    mut batches: mpsc::Receiver<Vec<Signal>>,
) {
    let mut failing = false;
    while let Some(signals) = batches.recv().await {
        let payload = match serde_json::to_vec(&Envelope { node, signals }) {
            Ok(payload) => payload,
            Err(e) => {
                tracing::error!(error = %e, "cannot encode signals");
                continue;
            }
        };
        match publisher.publish(&channel, &payload).await {
            Ok(()) if failing => {
                failing = false;
                tracing::info!("publishing to Redis again");
            }
            Ok(()) => {}
            Err(e) if !failing => {
                failing = true;
                tracing::warn!(error = %e, "cannot publish to Redis; other nodes fall back to their database check");
            }
            Err(_) => {}
        }
    }
}

async fn subscribe_loop(hub: Hub, url: RedisUrl, channel: String, node: u64) {
    let mut deliveries = redis::subscribe(url, channel);
    while let Some(delivery) = deliveries.recv().await {
        match delivery {
            // Whatever was published while the subscription was down is gone.
            Delivery::Connected => hub.check_all(),
            Delivery::Message(payload) => match serde_json::from_slice::<Envelope>(&payload) {
                Ok(envelope) if envelope.node != node => {
                    for signal in envelope.signals {
                        hub.handle(signal);
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "ignoring an unreadable signal from Redis"),
            },
        }
    }
}

async fn check_loop(hub: Hub) {
    let mut every = tokio::time::interval(CHECK_EVERY);
    every.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        every.tick().await;
        hub.check_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realtime::signal::Audience;

    #[test]
    fn repeated_lookups_coalesce_and_live_events_keep_their_order() {
        let live = |body: &str| Signal::Live {
            tenant: 1,
            to: Audience::Agents,
            body: body.into(),
        };
        let signals = vec![
            Signal::Stored { tenant: 1 },
            live("a"),
            Signal::Stored { tenant: 1 },
            Signal::Stored { tenant: 2 },
            live("b"),
            Signal::QueueMoved { tenant: 1 },
            Signal::QueueMoved { tenant: 1 },
        ];
        assert_eq!(
            coalesce(signals),
            vec![
                Signal::Stored { tenant: 1 },
                live("a"),
                Signal::Stored { tenant: 2 },
                live("b"),
                Signal::QueueMoved { tenant: 1 },
            ]
        );
    }
}
