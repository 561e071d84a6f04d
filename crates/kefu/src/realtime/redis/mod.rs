//! Redis for fan-out between nodes: PUBLISH and SUBSCRIBE on one channel,
//! over the `redis` crate (plain TCP or TLS, `rediss://`; a password or an
//! ACL user).
//!
//! Redis is a notification channel here, never the store: a message lost on
//! Redis is found again in the database (see docs/api/realtime.md, "Several
//! nodes"). So what this module adds over the crate is about staying
//! connected: every call has a time limit, a lost connection is reopened
//! (the subscriber with backoff, announcing each new subscription so the
//! node re-reads the database), and a subscription that goes silent is
//! checked with PING, since a peer that vanished without closing the
//! connection would otherwise leave it deaf forever.
//!
//! `target` parses `--redis` (and `--redis-ca`); `publish` and `subscribe`
//! use it.

mod publish;
mod subscribe;
mod target;
#[cfg(test)]
mod testing;
#[cfg(test)]
mod tests;

use std::time::Duration;

pub use publish::Publisher;
pub use subscribe::{subscribe, Delivery};
pub use target::RedisUrl;

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    /// Connecting, the TLS handshake, AUTH, or the command failed.
    #[error("{0}")]
    Redis(#[from] redis::RedisError),
    #[error("bad redis URL: {0}")]
    BadUrl(String),
    #[error("--redis-ca {path}: {why}")]
    BadCa { path: String, why: String },
    #[error("redis did not answer in time")]
    Timeout,
}

/// Timings and the client name, shared by publisher and subscriber; tests
/// shorten the timings.
#[derive(Clone, Debug)]
struct Options {
    /// Shown by `CLIENT LIST` (`name=`), so operators see which connections
    /// are kefu's.
    name: String,
    /// Bound on connecting (TLS and AUTH included) and on each command.
    timeout: Duration,
    /// Silence on a subscription after which a PING checks that Redis is there.
    ping_idle: Duration,
    /// How long the answer to that PING may take before the connection counts as dead.
    pong_wait: Duration,
}

impl Options {
    fn named(name: &str) -> Self {
        Self {
            name: name.to_owned(),
            timeout: Duration::from_secs(2),
            ping_idle: Duration::from_secs(10),
            pong_wait: Duration::from_secs(5),
        }
    }
}

// Connection health as last logged, so a flapping Redis logs one line per
// change rather than one per failure.
const NEVER: u8 = 0;
const UP: u8 = 1;
const DOWN: u8 = 2;
