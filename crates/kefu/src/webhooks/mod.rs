//! Webhook delivery: the tenant's stored events become signed POSTs to the
//! URLs its admins registered (docs/api/admin.md, "Webhooks").
//!
//! Every node runs [`Deliverer::pass`] in a loop against the one database;
//! each step is a compare-and-swap, so nodes never queue an event twice or
//! send the same attempt twice:
//! 1. queue: a webhook's new events become deliveries and its cursor moves,
//!    in one transaction that only commits if the cursor was still where it
//!    was read;
//! 2. attempt: each due delivery is claimed (its attempt counted, leased for
//!    a minute) before it is sent; the outcome is recorded at that attempt.
//!
//! A node that dies mid-attempt leaves a lease that runs out, and the attempt
//! is made again: receivers dedup on `X-Kefu-Delivery`.

mod attempt;
pub mod egress;
pub mod filter;
mod payload;
pub mod sign;

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::domain::egress::AllowedHosts;
use crate::domain::message::event_name;
use crate::ids::{new_id, now};
use crate::storage::{NewDelivery, Reader, Store, StoredEvent, WebhookBehind};

pub use attempt::{backoff_secs, LEASE_SECS, MAX_ATTEMPTS, TIMEOUT};

/// Stored events read per webhook and pass.
const BATCH: i64 = 500;
/// Attempts in flight at once on this node.
const CONCURRENT_ATTEMPTS: usize = 32;

/// Turns stored events into signed POSTs to the tenants' webhooks.
#[derive(Clone)]
pub struct Deliverer {
    store: Store,
    public_url: String,
    /// `None` if the HTTP client could not be built (logged once): events
    /// are still queued, and sent by nodes that have one.
    client: Option<reqwest::Client>,
    /// Internal hosts the operator lets webhooks reach.
    allowed: AllowedHosts,
    /// Free attempt slots on this node, shared by clones.
    slots: Arc<Semaphore>,
}

impl Deliverer {
    pub fn new(store: Store, public_url: String, allowed: AllowedHosts) -> Self {
        // No redirects and no proxy: the address `PublicOnly` checked is the
        // one the request goes to.
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(egress::PublicOnly(allowed.clone())))
            .timeout(TIMEOUT)
            .build()
            .inspect_err(|e| tracing::error!(error = %e, "webhooks: no HTTP client; not sending"))
            .ok();
        Self {
            store,
            public_url,
            client,
            allowed,
            slots: Arc::new(Semaphore::new(CONCURRENT_ATTEMPTS)),
        }
    }

    /// One pass: new stored events become deliveries for every matching
    /// active webhook, then every due delivery is attempted. Returns whether
    /// more work is waiting now (the caller runs another pass at once).
    ///
    /// Attempts run in the background (at most 32 at once per node), so a
    /// slow receiver never holds up queueing or other receivers.
    pub async fn pass(&self) -> Result<bool, sqlx::Error> {
        let mut more = false;
        for webhook in self.store.webhooks_behind().await? {
            more |= self.enqueue(&webhook).await?;
        }
        more |= self.attempt_due().await?;
        Ok(more)
    }

    /// Queues the webhook's next batch of events; true when the batch was
    /// full (more events wait).
    async fn enqueue(&self, w: &WebhookBehind) -> Result<bool, sqlx::Error> {
        let events = self
            .store
            .stored_after(w.tenant_id, w.cursor, &Reader::Tenant, BATCH)
            .await?;
        let full = events.len() as i64 == BATCH;
        let last = events.last().map_or(w.cursor, |e| e.message.seq);
        // Every message numbered up to `last_seq` was committed before it was
        // read: a short batch holds all that still exist, so the cursor may
        // pass the deleted ones too.
        let to = if full { last } else { last.max(w.last_seq) };
        let created_at = now();
        let mut parties = PartyCache::default();
        let mut deliveries = Vec::new();
        for e in &events {
            let event = event_name(e.message.kind, e.message.action);
            if !filter::matches(&w.events, event) {
                continue;
            }
            let id = new_id();
            let (user_id, serv_id) = parties.of(&self.store, w.tenant_id, e).await?;
            let who = payload::Parties {
                user_id: user_id.as_deref(),
                serv_id: serv_id.as_deref(),
            };
            let body = payload::build(&id, event, e, &who, &self.public_url, created_at);
            deliveries.push(NewDelivery {
                id,
                event: event.to_owned(),
                payload: body.to_string(),
            });
        }
        let queued = self
            .store
            .enqueue_deliveries(w.tenant_id, w.id, w.cursor, to, &deliveries, created_at)
            .await?;
        // Not queued: another node moved the cursor first and queued them.
        Ok(queued && full)
    }

    /// Claims and starts as many due attempts as there are free slots; true
    /// when it filled them all (more may be due).
    async fn attempt_due(&self) -> Result<bool, sqlx::Error> {
        let Some(client) = &self.client else {
            return Ok(false);
        };
        let free = self.slots.available_permits();
        if free == 0 {
            return Ok(false);
        }
        let at = now();
        let due = self.store.due_deliveries(at, free as i64).await?;
        let filled = due.len() == free;
        for d in due {
            let Ok(slot) = self.slots.clone().try_acquire_owned() else {
                break;
            };
            if !self
                .store
                .claim_delivery(&d.id, d.attempts, at, at + LEASE_SECS)
                .await?
            {
                continue; // another node claimed this attempt
            }
            let (client, store) = (client.clone(), self.store.clone());
            let allowed = self.allowed.clone();
            tokio::spawn(async move {
                attempt::run(&client, &allowed, &store, &d, d.attempts + 1).await;
                drop(slot);
            });
        }
        Ok(filled)
    }
}

/// The customers' user ids and agents' accounts a batch names, each looked
/// up once.
#[derive(Default)]
struct PartyCache {
    users: HashMap<String, Option<String>>,
    agents: HashMap<i64, Option<String>>,
}

impl PartyCache {
    async fn of(
        &mut self,
        store: &Store,
        tenant_id: i64,
        e: &StoredEvent,
    ) -> Result<(Option<String>, Option<String>), sqlx::Error> {
        let user_id = match self.users.entry(e.customer_id.clone()) {
            Entry::Occupied(known) => known.get().clone(),
            Entry::Vacant(slot) => {
                let customer = store.customer(tenant_id, &e.customer_id).await?;
                slot.insert(customer.map(|c| c.user_id)).clone()
            }
        };
        let serv_id = match e.agent_id.map(|id| self.agents.entry(id)) {
            None => None,
            Some(Entry::Occupied(known)) => known.get().clone(),
            Some(Entry::Vacant(slot)) => {
                let agent = store.agent_by_id(tenant_id, *slot.key()).await?;
                slot.insert(agent.map(|a| a.account)).clone()
            }
        };
        Ok((user_id, serv_id))
    }
}
