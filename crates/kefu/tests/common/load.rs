//! A steady load for the reliability battery: senders writing one message
//! after another into one question, spread over the given nodes, counting
//! what was acknowledged; and the check that every acknowledged message is
//! stored once, in its sender's order.

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use serde_json::Value;
use tokio::sync::watch;
use tokio::task::JoinSet;

use super::node::{Http, User};

/// What the senders sent: each acknowledged text with its id, and how many
/// sends were refused or went unanswered.
pub struct Sent {
    pub acked: Vec<(String, String)>,
    pub failed: usize,
}

pub struct Load {
    acked: watch::Receiver<usize>,
    stop: Arc<AtomicBool>,
    senders: JoinSet<Sent>,
}

impl Load {
    /// `senders` senders as `customer` into `question`, sender `s` on
    /// `nodes[s % nodes.len()]`; texts are `s{sender}-{k}`.
    pub fn start(nodes: &[&Http], customer: &User, question: &str, senders: usize) -> Self {
        let (count, acked) = watch::channel(0usize);
        let count = Arc::new(count);
        let stop = Arc::new(AtomicBool::new(false));
        let mut tasks = JoinSet::new();
        for s in 0..senders {
            let http = nodes[s % nodes.len()].clone();
            let (customer, question) = (customer.clone(), question.to_owned());
            let (count, stop) = (count.clone(), stop.clone());
            tasks.spawn(async move {
                let mut sent = Sent {
                    acked: Vec::new(),
                    failed: 0,
                };
                let mut k = 0;
                while !stop.load(Ordering::SeqCst) {
                    let text = format!("s{s}-{k}");
                    k += 1;
                    let (status, body) = http
                        .send_text(&customer.session, &customer.user_id, "1", &question, &text)
                        .await;
                    match body["message_id"].as_str() {
                        Some(id) if status == 200 => {
                            sent.acked.push((text, id.to_owned()));
                            count.send_modify(|n| *n += 1);
                        }
                        _ => sent.failed += 1,
                    }
                }
                sent
            });
        }
        Self {
            acked,
            stop,
            senders: tasks,
        }
    }

    /// Waits until `n` more sends than now were acknowledged, for 60 s at
    /// most (`what` says when, for the failure message).
    pub async fn more(&mut self, n: usize, what: &str) {
        let target = *self.acked.borrow() + n;
        tokio::time::timeout(
            Duration::from_secs(60),
            self.acked.wait_for(|a| *a >= target),
        )
        .await
        .unwrap_or_else(|_| panic!("no {n} more sends acknowledged within 60 s {what}"))
        .expect("the senders are running");
    }

    /// Stops the senders and gathers what they sent.
    pub async fn stop(mut self) -> Sent {
        self.stop.store(true, Ordering::SeqCst);
        let mut all = Sent {
            acked: Vec::new(),
            failed: 0,
        };
        while let Some(done) = self.senders.join_next().await {
            let sent = done.expect("a sender");
            all.acked.extend(sent.acked);
            all.failed += sent.failed;
        }
        all
    }
}

/// Panics unless `history` holds every acknowledged message of `sent` once,
/// each sender's in the order it sent them, and no message twice.
pub fn assert_stored_once_in_order(history: &[Value], sent: &Sent) {
    let mut position = HashMap::new();
    for (i, m) in history.iter().enumerate() {
        if let Some(id) = m["message_id"].as_str() {
            assert!(position.insert(id, i).is_none(), "{id} listed twice");
        }
    }
    let mut last_of: BTreeMap<&str, usize> = BTreeMap::new();
    for (text, id) in &sent.acked {
        let at = *position
            .get(id.as_str())
            .unwrap_or_else(|| panic!("{text} ({id}) was acknowledged but is not stored"));
        let sender = text.split('-').next().unwrap_or_default();
        if let Some(before) = last_of.insert(sender, at) {
            assert!(before < at, "{text} stored out of its sender's order");
        }
    }
}
