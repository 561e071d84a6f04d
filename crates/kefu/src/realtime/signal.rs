//! Signals: what the engine tells the nodes, and the handle it tells them by.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

/// Something every node may need to act on.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Signal {
    /// Messages were stored for this tenant: read them by number.
    Stored { tenant: i64 },
    /// A live event for some of the tenant's sockets. `body` is the event's
    /// JSON object without its cursor (the socket adds it).
    Live {
        tenant: i64,
        to: Audience,
        body: String,
    },
    /// The tenant's queue moved: waiting customers' places may have changed.
    QueueMoved { tenant: i64 },
    /// Sessions ended: their sockets close.
    Revoked { tenant: i64, revoked: Revoked },
}

/// Which sessions ended.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "what", rename_all = "snake_case")]
pub enum Revoked {
    /// One session (by its token's hash): unbound, or expired.
    Session { token_hash: String },
    /// Every session of an agent but `keep`: its password changed, it went
    /// to the recycle bin.
    Agent { id: i64, keep: Option<String> },
}

/// Which of a tenant's sockets a live event is for.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "to", rename_all = "snake_case")]
pub enum Audience {
    /// Every agent of the tenant.
    Agents,
    /// One customer (kefu's customer id).
    Customer { id: String },
    /// One agent (its id).
    Agent { id: i64 },
}

/// The engine's handle for raising signals; cheap to clone. Without a node
/// (a CLI command, a unit test) signals go nowhere.
#[derive(Clone, Default)]
pub struct Signals {
    to_bus: Option<Arc<mpsc::UnboundedSender<Signal>>>,
}

impl Signals {
    pub(super) fn new(to_bus: mpsc::UnboundedSender<Signal>) -> Self {
        Self {
            to_bus: Some(Arc::new(to_bus)),
        }
    }

    /// Raises a signal. Never blocks: the bus coalesces what piles up.
    pub fn raise(&self, signal: Signal) {
        if let Some(to_bus) = &self.to_bus {
            // Fails only once the node stopped; nobody is left to tell.
            let _ = to_bus.send(signal);
        }
    }

    pub fn stored(&self, tenant: i64) {
        self.raise(Signal::Stored { tenant });
    }

    pub fn live(&self, tenant: i64, to: Audience, body: String) {
        self.raise(Signal::Live { tenant, to, body });
    }

    pub fn queue_moved(&self, tenant: i64) {
        self.raise(Signal::QueueMoved { tenant });
    }

    pub fn revoked(&self, tenant: i64, revoked: Revoked) {
        self.raise(Signal::Revoked { tenant, revoked });
    }
}
