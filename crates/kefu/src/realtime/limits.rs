//! Per-node limits on WebSockets and the token bucket that enforces rates.

use std::time::Duration;

/// Per-node limits on WebSockets (docs/api/realtime.md, "Keeping the server healthy").
#[derive(Clone, Debug)]
pub struct Limits {
    /// Sockets of one tenant.
    pub max_per_tenant: usize,
    /// Sockets of one customer or agent.
    pub max_per_user: usize,
    /// Frames per second from one socket (burst twice that).
    pub rate: u32,
    /// Frames per second from all sockets of one tenant.
    pub tenant_rate: u32,
    /// Events queued for one socket before it is closed as too slow.
    pub buffer: usize,
    /// Time between pings; two silent intervals close the socket.
    pub heartbeat: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_per_tenant: 10_000,
            max_per_user: 8,
            rate: 20,
            tenant_rate: 2000,
            buffer: 256,
            heartbeat: Duration::from_secs(20),
        }
    }
}

impl Limits {
    /// Refuses limits that would make sockets unusable.
    pub fn check(&self) -> Result<(), String> {
        if self.max_per_tenant == 0 || self.max_per_user == 0 {
            return Err("--ws-max-per-tenant and --ws-max-per-user must be at least 1".into());
        }
        if self.rate == 0 || self.tenant_rate == 0 {
            return Err("--ws-rate and --ws-tenant-rate must be at least 1".into());
        }
        if self.buffer < 4 {
            return Err("--ws-buffer must be at least 4".into());
        }
        if self.heartbeat.is_zero() {
            return Err("--ws-heartbeat must be at least 1 second".into());
        }
        Ok(())
    }
}

/// A token bucket: `rate` tokens a second, holding at most `burst`.
#[derive(Debug)]
pub struct TokenBucket {
    rate: f64,
    burst: f64,
    tokens: f64,
    last: std::time::Instant,
}

impl TokenBucket {
    pub fn new(rate: u32, burst: u32) -> Self {
        Self {
            rate: f64::from(rate),
            burst: f64::from(burst),
            tokens: f64::from(burst),
            last: std::time::Instant::now(),
        }
    }

    /// Takes one token if there is one.
    pub fn take(&mut self) -> bool {
        let now = std::time::Instant::now();
        let refill = now.duration_since(self.last).as_secs_f64() * self.rate;
        self.tokens = (self.tokens + refill).min(self.burst);
        self.last = now;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_allows_its_burst_then_refuses() {
        let mut bucket = TokenBucket::new(1, 3);
        assert!((0..3).all(|_| bucket.take()));
        assert!(!bucket.take());
    }

    #[test]
    fn limits_that_would_make_sockets_unusable_are_refused() {
        assert!(Limits::default().check().is_ok());
        let zero_buffer = Limits {
            buffer: 0,
            ..Limits::default()
        };
        assert!(zero_buffer.check().is_err());
        let no_heartbeat = Limits {
            heartbeat: Duration::ZERO,
            ..Limits::default()
        };
        assert!(no_heartbeat.check().is_err());
    }
}
