//! Slows password guessing: after too many failed logins for one account, or
//! from one address, further attempts are refused (HTTP 429) until the window
//! ends. Used by seed 002's Basic auth and seed 003's `serv/bind`/`unbind`.
//!
//! Counters live in this node's memory: behind a load balancer each node
//! counts on its own, which still bounds guesses to nodes × limit per window.

use std::collections::HashMap;
use std::sync::Mutex;

/// Failures allowed per account and per address in one window.
pub const ACCOUNT_LIMIT: u32 = 10;
pub const ADDRESS_LIMIT: u32 = 50;
/// The window, in seconds.
pub const WINDOW_SECS: f64 = 600.0;
/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Clone, Copy, Debug)]
struct Window {
    started: f64,
    failures: u32,
}

/// What is counted: one account, or one client address.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    Account(String),
    Address(std::net::IpAddr),
}

impl ThrottleKey {
    fn limit(&self) -> u32 {
        match self {
            ThrottleKey::Account(_) => ACCOUNT_LIMIT,
            ThrottleKey::Address(_) => ADDRESS_LIMIT,
        }
    }
}

#[derive(Default)]
pub struct LoginThrottle {
    windows: Mutex<HashMap<ThrottleKey, Window>>,
}

impl LoginThrottle {
    /// `Err(seconds to wait)` when any key has used up its failures.
    pub fn check(&self, keys: &[ThrottleKey], now: f64) -> Result<(), u64> {
        let windows = self.lock();
        let mut wait: f64 = 0.0;
        for key in keys {
            if let Some(w) = windows.get(key) {
                let ends = w.started + WINDOW_SECS;
                if w.failures >= key.limit() && ends > now {
                    wait = wait.max(ends - now);
                }
            }
        }
        if wait > 0.0 {
            // Whole seconds, rounded up, for Retry-After.
            Err(wait.ceil() as u64)
        } else {
            Ok(())
        }
    }

    /// Counts a failed attempt against every key.
    pub fn failed(&self, keys: &[ThrottleKey], now: f64) {
        let mut windows = self.lock();
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, w| w.started + WINDOW_SECS > now);
        }
        for key in keys {
            let w = windows.entry(key.clone()).or_insert(Window {
                started: now,
                failures: 0,
            });
            if w.started + WINDOW_SECS <= now {
                *w = Window {
                    started: now,
                    failures: 0,
                };
            }
            w.failures = w.failures.saturating_add(1);
        }
    }

    /// A successful login clears its account's failures (not its address's).
    pub fn succeeded(&self, account: &str) {
        self.lock()
            .remove(&ThrottleKey::Account(account.to_owned()));
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<ThrottleKey, Window>> {
        // A panic while holding the lock cannot leave the map inconsistent.
        self.windows.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn account(name: &str) -> ThrottleKey {
        ThrottleKey::Account(name.to_owned())
    }

    #[test]
    fn refuses_after_the_limit_until_the_window_ends() {
        let t = LoginThrottle::default();
        let keys = [account("alice")];
        for _ in 0..ACCOUNT_LIMIT {
            assert_eq!(t.check(&keys, 100.0), Ok(()));
            t.failed(&keys, 100.0);
        }
        assert_eq!(t.check(&keys, 100.0), Err(600));
        assert_eq!(t.check(&keys, 699.5), Err(1));
        assert_eq!(t.check(&keys, 700.0), Ok(()));
        // Other accounts are not affected.
        assert_eq!(t.check(&[account("bob")], 100.0), Ok(()));
    }

    #[test]
    fn success_clears_the_account_but_not_the_address() {
        let t = LoginThrottle::default();
        let addr = ThrottleKey::Address([10, 0, 0, 1].into());
        for _ in 0..ADDRESS_LIMIT {
            t.failed(&[account("alice"), addr.clone()], 5.0);
        }
        t.succeeded("alice");
        assert_eq!(t.check(&[account("alice")], 6.0), Ok(()));
        assert!(t.check(&[account("carol"), addr], 6.0).is_err());
    }

    #[test]
    fn a_new_window_starts_counting_afresh() {
        let t = LoginThrottle::default();
        let keys = [account("alice")];
        for _ in 0..ACCOUNT_LIMIT - 1 {
            t.failed(&keys, 0.0);
        }
        t.failed(&keys, WINDOW_SECS + 1.0);
        assert_eq!(t.check(&keys, WINDOW_SECS + 1.0), Ok(()));
    }
}
