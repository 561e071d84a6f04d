//! The node's Prometheus metrics (`GET /metrics`, text format 0.0.4).
//!
//! One [`Metrics`] per store, not a global: tests run many servers in one
//! process and each must count only its own. Every part of a node already
//! holds the store, so the counters are reached through
//! `Store::metrics()`. Counters are bumped where the thing happens; what is
//! a level rather than an event (sockets open, queues) is read at scrape
//! time and set just before encoding.
//!
//! Labels are bounded: routes are the router's patterns, never raw paths,
//! and methods outside the standard set are "other".

use std::sync::Arc;

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::Histogram;
use prometheus_client::registry::Registry;

/// The `Content-Type` of what [`Metrics::encode`] writes.
pub use prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// Request latency buckets, in seconds: from a cached page (~1 ms) to a
/// request near its time limit.
const LATENCY_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Group sizes: powers of two up to the writer's largest group (512).
fn group_buckets() -> impl Iterator<Item = f64> {
    (0..10).map(|i| f64::from(1u32 << i))
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
pub struct RequestLabels {
    pub method: &'static str,
    /// The matched route pattern, e.g. `/v1/question/{id}`.
    pub route: String,
    pub status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct OutcomeLabels {
    outcome: &'static str,
}

/// How a routing round ended.
#[derive(Clone, Copy, Debug)]
pub enum RoundOutcome {
    /// Its plan was applied (conversations assigned or queued).
    Applied,
    /// Something changed under it: it is planned again.
    Stale,
    /// Nobody could take anything: nothing to do.
    Idle,
}

/// The counters and levels of one node. Cheap to clone.
#[derive(Clone)]
pub struct Metrics(Arc<Inner>);

struct Inner {
    registry: Registry,
    requests: Family<RequestLabels, Histogram, fn() -> Histogram>,
    messages_stored: Counter,
    group_commit_size: Histogram,
    routing_rounds: Family<OutcomeLabels, Counter>,
    webhook_attempts: Family<OutcomeLabels, Counter>,
    storage_errors: Counter,
    sockets_open: Gauge,
    conversations_waiting: Gauge,
    webhook_deliveries_pending: Gauge,
}

/// What is read at scrape time.
#[derive(Clone, Copy, Debug, Default)]
pub struct Levels {
    pub sockets_open: i64,
    pub conversations_waiting: i64,
    pub webhook_deliveries_pending: i64,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("kefu");
        let requests =
            Family::<RequestLabels, Histogram, fn() -> Histogram>::new_with_constructor(|| {
                Histogram::new(LATENCY_BUCKETS)
            });
        registry.register(
            "http_request_duration_seconds",
            "HTTP requests by method, route and status, and how long they took",
            requests.clone(),
        );
        let messages_stored = Counter::default();
        registry.register(
            "messages_stored",
            "Chat messages stored",
            messages_stored.clone(),
        );
        let group_commit_size = Histogram::new(group_buckets());
        registry.register(
            "group_commit_size",
            "Chat messages committed together in one transaction",
            group_commit_size.clone(),
        );
        let routing_rounds = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "routing_rounds",
            "Routing rounds, by outcome: applied, stale (planned again) or idle",
            routing_rounds.clone(),
        );
        let webhook_attempts = Family::<OutcomeLabels, Counter>::default();
        registry.register(
            "webhook_attempts",
            "Webhook delivery attempts, by outcome: delivered or failed",
            webhook_attempts.clone(),
        );
        let storage_errors = Counter::default();
        registry.register(
            "storage_errors",
            "Requests and socket frames that failed because storage did",
            storage_errors.clone(),
        );
        let sockets_open = Gauge::default();
        registry.register(
            "sockets_open",
            "WebSockets open on this node",
            sockets_open.clone(),
        );
        let conversations_waiting = Gauge::default();
        registry.register(
            "conversations_waiting",
            "Conversations queued for an agent, all tenants",
            conversations_waiting.clone(),
        );
        let webhook_deliveries_pending = Gauge::default();
        registry.register(
            "webhook_deliveries_pending",
            "Webhook deliveries not yet delivered or given up, all tenants",
            webhook_deliveries_pending.clone(),
        );
        Self(Arc::new(Inner {
            registry,
            requests,
            messages_stored,
            group_commit_size,
            routing_rounds,
            webhook_attempts,
            storage_errors,
            sockets_open,
            conversations_waiting,
            webhook_deliveries_pending,
        }))
    }

    /// One HTTP request answered.
    pub fn request(&self, method: &axum::http::Method, route: String, status: u16, secs: f64) {
        let labels = RequestLabels {
            method: method_label(method),
            route,
            status,
        };
        self.0.requests.get_or_create(&labels).observe(secs);
    }

    pub fn messages_stored(&self, count: u64) {
        self.0.messages_stored.inc_by(count);
    }

    pub fn group_committed(&self, size: usize) {
        self.0.group_commit_size.observe(size as f64);
    }

    pub fn routing_round(&self, outcome: RoundOutcome) {
        let outcome = match outcome {
            RoundOutcome::Applied => "applied",
            RoundOutcome::Stale => "stale",
            RoundOutcome::Idle => "idle",
        };
        self.0
            .routing_rounds
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    pub fn webhook_attempt(&self, delivered: bool) {
        let outcome = if delivered { "delivered" } else { "failed" };
        self.0
            .webhook_attempts
            .get_or_create(&OutcomeLabels { outcome })
            .inc();
    }

    pub fn storage_error(&self) {
        self.0.storage_errors.inc();
    }

    /// The exposition, with `levels` as the current levels.
    pub fn encode(&self, levels: Levels) -> String {
        self.0.sockets_open.set(levels.sockets_open);
        self.0
            .conversations_waiting
            .set(levels.conversations_waiting);
        self.0
            .webhook_deliveries_pending
            .set(levels.webhook_deliveries_pending);
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = prometheus_client::encoding::prometheus_text::encode(&mut out, &self.0.registry);
        out
    }
}

fn method_label(method: &axum::http::Method) -> &'static str {
    use axum::http::Method as M;
    match *method {
        M::GET => "GET",
        M::POST => "POST",
        M::PUT => "PUT",
        M::DELETE => "DELETE",
        M::PATCH => "PATCH",
        M::HEAD => "HEAD",
        M::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Marks a response that failed because storage did: the dialects' error
/// bodies carry it, and the request middleware counts it (the dialects'
/// error types hold no state to count with).
#[derive(Clone, Copy, Debug)]
pub struct StorageFailed;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_exposition_names_every_family_with_its_labels() {
        let m = Metrics::new();
        m.request(
            &axum::http::Method::GET,
            "/v1/question/{id}".into(),
            200,
            0.003,
        );
        m.request(&"BREW".parse().unwrap(), "(unmatched)".into(), 405, 0.0001);
        m.messages_stored(3);
        m.group_committed(3);
        m.routing_round(RoundOutcome::Applied);
        m.webhook_attempt(false);
        m.storage_error();
        let text = m.encode(Levels {
            sockets_open: 2,
            conversations_waiting: 5,
            webhook_deliveries_pending: 1,
        });
        for line in [
            r#"kefu_http_request_duration_seconds_count{method="GET",route="/v1/question/{id}",status="200"} 1"#,
            r#"kefu_http_request_duration_seconds_bucket{method="GET",route="/v1/question/{id}",status="200",le="0.005"} 1"#,
            r#"kefu_http_request_duration_seconds_count{method="other",route="(unmatched)",status="405"} 1"#,
            "kefu_messages_stored_total 3",
            r#"kefu_group_commit_size_bucket{le="4"} 1"#,
            r#"kefu_routing_rounds_total{outcome="applied"} 1"#,
            r#"kefu_webhook_attempts_total{outcome="failed"} 1"#,
            "kefu_storage_errors_total 1",
            "kefu_sockets_open 2",
            "kefu_conversations_waiting 5",
            "kefu_webhook_deliveries_pending 1",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} missing in\n{text}");
        }
    }
}
