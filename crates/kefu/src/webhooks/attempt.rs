//! One attempt of one delivery: the signed POST, and what it came to. The
//! caller has claimed the attempt (storage counts it and leases it), so the
//! outcome is recorded only at that attempt number.

use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, USER_AGENT};

use super::{egress, sign};
use crate::domain::egress::AllowedHosts;
use crate::ids::now;
use crate::storage::{AttemptOutcome, DueDelivery, Store};

/// How long a receiver has to answer.
pub const TIMEOUT: Duration = Duration::from_secs(10);
/// How long a claimed attempt is leased: past it (its node died), another
/// node may try again. Longer than [`TIMEOUT`], so a live attempt keeps it.
pub const LEASE_SECS: f64 = 60.0;
/// Attempts before a delivery is given up ("failed").
pub const MAX_ATTEMPTS: i64 = 12;
/// The longest wait between two attempts.
pub const MAX_BACKOFF_SECS: f64 = 3600.0;
/// Longest `last_error` kept, in characters.
const MAX_ERROR_CHARS: usize = 200;

/// Seconds to wait after the `attempts`-th failed attempt: 1, 2, 4, … 1 h.
pub fn backoff_secs(attempts: i64) -> f64 {
    let exponent = attempts.clamp(1, 31) - 1;
    (2f64.powi(exponent as i32)).min(MAX_BACKOFF_SECS)
}

/// When to try again after the `attempts`-th attempt failed at `at`
/// (`None`: that was the last one).
pub fn next_attempt(attempts: i64, at: f64) -> Option<f64> {
    (attempts < MAX_ATTEMPTS).then(|| at + backoff_secs(attempts))
}

/// Sends attempt number `attempts` of `d` and records how it went.
pub async fn run(
    client: &reqwest::Client,
    allowed: &AllowedHosts,
    store: &Store,
    d: &DueDelivery,
    attempts: i64,
) {
    let outcome = send(client, allowed, d, attempts).await;
    store.metrics().webhook_attempt(outcome.delivered);
    if !outcome.delivered {
        tracing::info!(
            delivery = %d.id, attempts, status = ?outcome.status, error = ?outcome.error,
            given_up = outcome.next.is_none(), "webhook delivery failed"
        );
    }
    match store.record_attempt(&d.id, attempts, &outcome, now()).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(
            delivery = %d.id, attempts,
            "webhook attempt outlived its lease; another node took the delivery over"
        ),
        Err(e) => tracing::warn!(
            delivery = %d.id, error = %e,
            "could not record a webhook attempt; it is retried when its lease ends"
        ),
    }
}

async fn send(
    client: &reqwest::Client,
    allowed: &AllowedHosts,
    d: &DueDelivery,
    attempts: i64,
) -> AttemptOutcome {
    let sent_at = now();
    let failed = |status: Option<i64>, error: String| AttemptOutcome {
        delivered: false,
        status,
        error: Some(error.chars().take(MAX_ERROR_CHARS).collect()),
        next: next_attempt(attempts, now()),
    };
    // An address written in the URL meets no resolver: check it here. Names
    // are checked by the client's resolver, on what they resolve to now.
    let url = match reqwest::Url::parse(&d.url) {
        Ok(url) => url,
        Err(_) => return failed(None, "the URL cannot be requested".into()),
    };
    if let Some(ip) = egress::literal(&url) {
        if !allowed.may_reach(url.host_str().unwrap_or_default(), ip) {
            return failed(None, format!("refused: {ip} is an internal address"));
        }
    }
    let Some(signature) = sign::signature(&d.secret, sent_at as i64, d.payload.as_bytes()) else {
        return failed(None, "could not sign the payload".into());
    };
    let request = client
        .post(url)
        .header(CONTENT_TYPE, "application/json")
        .header(
            USER_AGENT,
            concat!("kefu-webhooks/", env!("CARGO_PKG_VERSION")),
        )
        .header("X-Kefu-Event", &d.event)
        .header("X-Kefu-Delivery", &d.id)
        .header(sign::HEADER, signature)
        .timeout(TIMEOUT)
        .body(d.payload.clone());
    match request.send().await {
        Ok(response) if response.status().is_success() => AttemptOutcome {
            delivered: true,
            status: Some(i64::from(response.status().as_u16())),
            error: None,
            next: None,
        },
        Ok(response) => {
            let status = response.status();
            let why = if status.is_redirection() {
                format!("answered {status} (redirects are not followed)")
            } else {
                format!("answered {status}")
            };
            failed(Some(i64::from(status.as_u16())), why)
        }
        Err(e) => failed(None, describe(&e)),
    }
}

/// A short reason for a request that got no answer.
fn describe(e: &reqwest::Error) -> String {
    let what = if e.is_timeout() {
        "timed out after 10 s"
    } else if e.is_connect() {
        "could not connect"
    } else if e.is_builder() {
        "the URL cannot be requested"
    } else {
        "the request failed"
    };
    // The innermost cause says why (connection refused, dns error, ...).
    let mut cause: &dyn std::error::Error = e;
    while let Some(source) = cause.source() {
        cause = source;
    }
    format!("{what}: {cause}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_from_one_second_up_to_an_hour() {
        let waits: Vec<f64> = (1..=5).map(backoff_secs).collect();
        assert_eq!(waits, [1.0, 2.0, 4.0, 8.0, 16.0]);
        assert_eq!(backoff_secs(12), 2048.0);
        assert_eq!(backoff_secs(13), MAX_BACKOFF_SECS);
        assert_eq!(backoff_secs(1000), MAX_BACKOFF_SECS);
    }

    #[test]
    fn the_twelfth_failure_gives_up() {
        assert_eq!(next_attempt(1, 100.0), Some(101.0));
        assert_eq!(next_attempt(11, 100.0), Some(100.0 + 1024.0));
        assert_eq!(next_attempt(MAX_ATTEMPTS, 100.0), None);
    }
}
