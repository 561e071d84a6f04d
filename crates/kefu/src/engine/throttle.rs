//! Slows guessing: after too many failed logins for one account, or from one
//! address, further attempts are refused (HTTP 429) until the window ends.
//! Used by seed 002's Basic auth, seed 003's `serv/bind`/`unbind`, and the
//! tenant key checks (`/admin/access_token`, `/v1/session`).
//!
//! An attempt is counted when it starts, not when its password check ends:
//! [`LoginThrottle::begin`] checks and takes a place under one lock, and an
//! attempt that could still fail counts against the limit while it runs.
//! When failures and attempts under way together reach the limit, the next
//! attempt waits for one of them to settle (the password thread checks one
//! at a time anyway): sixty guesses sent at once are not all checked while
//! none has failed yet, and sixty right passwords sent at once all pass.
//!
//! Counters live in this node's memory: behind a load balancer each node
//! counts on its own, which still bounds guesses to nodes × limit per window.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::Notify;

/// Failures allowed per account, per address and for tenant keys per
/// address in one window.
pub const ACCOUNT_LIMIT: u32 = 10;
pub const ADDRESS_LIMIT: u32 = 50;
pub const KEYS_LIMIT: u32 = 20;
/// The window, in seconds.
pub const WINDOW_SECS: f64 = 600.0;
/// Entries kept before expired ones are swept.
const SWEEP_AT: usize = 10_000;

#[derive(Clone, Copy, Debug)]
struct Window {
    started: f64,
    failures: u32,
    /// Attempts begun and not settled yet.
    under_way: u32,
}

impl Window {
    fn new(now: f64) -> Self {
        Self {
            started: now,
            failures: 0,
            under_way: 0,
        }
    }
}

/// What is counted.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ThrottleKey {
    /// One agent account's passwords.
    Account(String),
    /// Agent passwords from one client address.
    Address(IpAddr),
    /// Tenant `secret_key`s from one client address. Not per `api_key`:
    /// that key is public, and counting by it would let anyone lock a
    /// tenant's backend out.
    Keys(IpAddr),
}

impl ThrottleKey {
    fn limit(&self) -> u32 {
        match self {
            ThrottleKey::Account(_) => ACCOUNT_LIMIT,
            ThrottleKey::Address(_) => ADDRESS_LIMIT,
            ThrottleKey::Keys(_) => KEYS_LIMIT,
        }
    }
}

#[derive(Default)]
pub struct LoginThrottle {
    windows: Mutex<HashMap<ThrottleKey, Window>>,
    /// Woken whenever an attempt settles.
    settled: Notify,
}

/// One attempt under way. [`Attempt::succeeded`] settles it as a success;
/// dropped otherwise, it counts as a failure.
pub struct Attempt {
    throttle: Arc<LoginThrottle>,
    keys: Vec<ThrottleKey>,
    succeeded: bool,
}

impl Attempt {
    /// The credentials were right: the account's failures are cleared.
    pub fn succeeded(mut self) {
        self.succeeded = true;
    }
}

impl Drop for Attempt {
    fn drop(&mut self) {
        let mut windows = self.throttle.lock();
        for key in &self.keys {
            let Some(w) = windows.get_mut(key) else {
                continue;
            };
            w.under_way = w.under_way.saturating_sub(1);
            match (self.succeeded, key) {
                (true, ThrottleKey::Account(_)) => w.failures = 0,
                (true, _) => {}
                (false, _) => w.failures = w.failures.saturating_add(1),
            }
        }
        drop(windows);
        self.throttle.settled.notify_waiters();
    }
}

/// What [`LoginThrottle::try_begin`] found.
enum Begun {
    Started(Attempt),
    /// A key used up its failures: seconds until its window ends.
    Refused(u64),
    /// Attempts under way could use up a key's failures: wait for one.
    Wait,
}

impl LoginThrottle {
    /// Starts an attempt counted against every key, waiting while attempts
    /// under way could still use up a key's failures; `Err(seconds to wait)`
    /// when a key has used them up.
    pub async fn begin(self: &Arc<Self>, keys: Vec<ThrottleKey>, now: f64) -> Result<Attempt, u64> {
        loop {
            let settled = self.settled.notified();
            tokio::pin!(settled);
            // Registered before the check, so a settle in between wakes it.
            settled.as_mut().enable();
            match self.try_begin(&keys, now) {
                Begun::Started(attempt) => return Ok(attempt),
                Begun::Refused(wait) => return Err(wait),
                Begun::Wait => settled.await,
            }
        }
    }

    fn try_begin(self: &Arc<Self>, keys: &[ThrottleKey], now: f64) -> Begun {
        let mut windows = self.lock();
        if windows.len() >= SWEEP_AT {
            windows.retain(|_, w| w.under_way > 0 || w.started + WINDOW_SECS > now);
        }
        let mut refused: f64 = 0.0;
        let mut full = false;
        for key in keys {
            let w = windows.entry(key.clone()).or_insert(Window::new(now));
            if w.started + WINDOW_SECS <= now {
                *w = Window {
                    under_way: w.under_way,
                    ..Window::new(now)
                };
            }
            if w.failures >= key.limit() {
                refused = refused.max(w.started + WINDOW_SECS - now);
            } else if w.failures + w.under_way >= key.limit() {
                full = true;
            }
        }
        if refused > 0.0 {
            // Whole seconds, rounded up, for Retry-After.
            return Begun::Refused(refused.ceil() as u64);
        }
        if full {
            return Begun::Wait;
        }
        for key in keys {
            if let Some(w) = windows.get_mut(key) {
                w.under_way += 1;
            }
        }
        Begun::Started(Attempt {
            throttle: self.clone(),
            keys: keys.to_vec(),
            succeeded: false,
        })
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<ThrottleKey, Window>> {
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

    #[tokio::test]
    async fn refuses_after_the_limit_until_the_window_ends() {
        let t = Arc::new(LoginThrottle::default());
        for _ in 0..ACCOUNT_LIMIT {
            drop(t.begin(vec![account("alice")], 100.0).await.unwrap());
        }
        assert_eq!(
            t.begin(vec![account("alice")], 100.0).await.err(),
            Some(600)
        );
        assert_eq!(t.begin(vec![account("alice")], 699.5).await.err(), Some(1));
        assert!(t.begin(vec![account("alice")], 700.0).await.is_ok());
        // Other accounts are not affected.
        assert!(t.begin(vec![account("bob")], 100.0).await.is_ok());
    }

    #[tokio::test]
    async fn attempts_under_way_hold_back_the_next_until_they_settle() {
        let t = Arc::new(LoginThrottle::default());
        let mut under_way = Vec::new();
        for _ in 0..ACCOUNT_LIMIT {
            under_way.push(t.begin(vec![account("alice")], 5.0).await.unwrap());
        }
        // None has failed yet, and still the next one does not start.
        let next = tokio::spawn({
            let t = t.clone();
            async move { t.begin(vec![account("alice")], 5.0).await.map(|_| ()) }
        });
        tokio::task::yield_now().await;
        assert!(!next.is_finished());
        // All of them fail: the one waiting is refused, unchecked.
        drop(under_way);
        assert!(next.await.unwrap().is_err());
    }

    #[tokio::test]
    async fn a_success_lets_the_waiting_attempt_start() {
        let t = Arc::new(LoginThrottle::default());
        let mut under_way = Vec::new();
        for _ in 0..ACCOUNT_LIMIT {
            under_way.push(t.begin(vec![account("alice")], 5.0).await.unwrap());
        }
        let next = tokio::spawn({
            let t = t.clone();
            async move { t.begin(vec![account("alice")], 5.0).await.map(|_| ()) }
        });
        under_way.pop().unwrap().succeeded();
        assert!(next.await.unwrap().is_ok());
    }

    #[tokio::test]
    async fn success_clears_the_account_but_not_the_address() {
        let t = Arc::new(LoginThrottle::default());
        let addr = ThrottleKey::Address([10, 0, 0, 1].into());
        for i in 0..ADDRESS_LIMIT - 1 {
            let guess = vec![account(&format!("guess{}", i % 5)), addr.clone()];
            drop(t.begin(guess, 5.0).await.unwrap());
        }
        // alice's own failures are cleared by her success; the address keeps its.
        for _ in 0..ACCOUNT_LIMIT - 1 {
            drop(t.begin(vec![account("alice")], 5.0).await.unwrap());
        }
        t.begin(vec![account("alice"), addr.clone()], 6.0)
            .await
            .expect("below the address limit")
            .succeeded();
        for _ in 0..ACCOUNT_LIMIT - 1 {
            drop(t.begin(vec![account("alice")], 6.0).await.unwrap());
        }
        assert!(t.begin(vec![account("alice")], 6.0).await.is_ok());
        // One more failure from the address locks it for everyone.
        drop(
            t.begin(vec![account("carol"), addr.clone()], 6.0)
                .await
                .unwrap(),
        );
        assert!(t.begin(vec![account("dave"), addr], 6.0).await.is_err());
    }

    #[tokio::test]
    async fn a_new_window_starts_counting_afresh() {
        let t = Arc::new(LoginThrottle::default());
        for _ in 0..ACCOUNT_LIMIT - 1 {
            drop(t.begin(vec![account("alice")], 0.0).await);
        }
        drop(t.begin(vec![account("alice")], WINDOW_SECS + 1.0).await);
        assert!(t
            .begin(vec![account("alice")], WINDOW_SECS + 1.0)
            .await
            .is_ok());
    }
}
