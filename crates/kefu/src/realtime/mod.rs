//! Real-time fan-out (being written).

pub mod redis;

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
