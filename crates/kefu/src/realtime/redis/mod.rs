//! A minimal Redis client: PUBLISH and SUBSCRIBE over RESP2.
//!
//! kefu needs only these two commands, so it speaks the protocol itself over a
//! tokio `TcpStream` rather than pull in the `redis` crate and its dependency
//! tree. Redis is a notification channel here, never the store: a message lost
//! on Redis is found again in the database (see docs/api/realtime.md, "Several
//! nodes").
//!
//! `url` parses `--redis`; `resp` speaks the wire format and opens
//! connections, which `publish` and `subscribe` use.

mod publish;
mod resp;
mod subscribe;
#[cfg(test)]
mod testing;
mod url;

use std::time::Duration;

pub use publish::Publisher;
pub use subscribe::{subscribe, Delivery};
pub use url::RedisUrl;

#[derive(Debug, thiserror::Error)]
pub enum RedisError {
    #[error("redis connection: {0}")]
    Io(#[from] std::io::Error),
    #[error("redis protocol error: {0}")]
    Protocol(String),
    #[error("redis replied with an error: {0}")]
    Server(String),
    #[error("bad redis URL: {0}")]
    BadUrl(String),
    #[error("redis did not answer in time")]
    Timeout,
}

/// Timings and the client name, shared by publisher and subscriber; tests
/// shorten the timings.
#[derive(Clone, Debug)]
struct Options {
    /// Shown by `CLIENT LIST`, so operators see which connections are kefu's.
    name: String,
    /// Bound on connecting (with AUTH) and on each publish.
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
