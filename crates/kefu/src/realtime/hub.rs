//! The node's hub: which sockets are open here, and what each receives.
//!
//! Stored events are read from the database by number, one reader per tenant
//! at a time, so every socket gets them in stored order; a signal only says
//! "there is more". Each socket has a bounded queue: a socket whose queue is
//! full is dropped from the hub and told to close (slow consumer) instead of
//! letting memory grow. Nothing here awaits while holding the lock.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use tokio::sync::{mpsc, watch, Notify};

use super::event::durable_body;
use super::limits::{Limits, TokenBucket};
use super::signal::{Audience, Revoked, Signal};
use crate::storage::{Reader, Store};

/// Stored events one database read takes.
const READ_BATCH: i64 = 256;

/// Who holds a socket.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum Who {
    /// kefu's customer id.
    Customer(String),
    /// The agent's id.
    Agent(i64),
}

impl Who {
    /// Whose stored events a replay reads.
    pub fn reader(&self) -> Reader {
        match self {
            Who::Customer(id) => Reader::Customer(id.clone()),
            Who::Agent(id) => Reader::Agent(*id),
        }
    }
}

/// What a socket's queue carries.
#[derive(Clone, Debug)]
pub enum Outbound {
    /// A stored event: its number (the cursor) and body.
    Stored { seq: i64, body: Arc<str> },
    /// A live event's body.
    Live(Arc<str>),
    /// The tenant's queue moved: the socket looks up its places.
    QueueMoved,
}

/// Why a socket may not open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    TenantFull,
    UserFull,
}

/// Tells a socket to close: it did not keep up, or its session ended.
#[derive(Debug, Default)]
pub struct Kick {
    notify: Notify,
    revoked: AtomicBool,
}

impl Kick {
    /// Resolves once the hub dropped the socket.
    pub async fn kicked(&self) {
        self.notify.notified().await
    }

    /// Whether it was dropped because its session ended (else: too slow).
    pub fn revoked(&self) -> bool {
        self.revoked.load(Ordering::Relaxed)
    }

    fn kick(&self) {
        // notify_one keeps a permit if the socket is not waiting right now.
        self.notify.notify_one();
    }

    fn revoke(&self) {
        self.revoked.store(true, Ordering::Relaxed);
        self.notify.notify_one();
    }
}

struct Entry {
    who: Who,
    /// The hash of the session it was opened with.
    session: String,
    /// Stored events go to the socket only once its replay is done (it
    /// reads them from the database until then).
    live: bool,
    tx: mpsc::Sender<Outbound>,
    kick: Arc<Kick>,
}

#[derive(Default)]
struct TenantSockets {
    sockets: HashMap<u64, Entry>,
    by_who: HashMap<Who, Vec<u64>>,
    /// The last stored event read for this tenant.
    cursor: i64,
    reading: bool,
    /// More was stored while a read was under way.
    dirty: bool,
    rate: Option<TokenBucket>,
}

impl TenantSockets {
    fn remove(&mut self, id: u64) -> bool {
        let Some(entry) = self.sockets.remove(&id) else {
            return false;
        };
        if let Some(ids) = self.by_who.get_mut(&entry.who) {
            ids.retain(|other| *other != id);
            if ids.is_empty() {
                self.by_who.remove(&entry.who);
            }
        }
        true
    }

    /// Queues `out` for socket `id`; a full queue drops it as too slow.
    /// Returns whether the socket was dropped.
    fn offer(&mut self, id: u64, out: Outbound) -> bool {
        let Some(entry) = self.sockets.get(&id) else {
            return false;
        };
        match entry.tx.try_send(out) {
            Ok(()) => false,
            Err(mpsc::error::TrySendError::Full(_)) => {
                entry.kick.kick();
                self.remove(id)
            }
            // The socket is going away; its registration removes it.
            Err(mpsc::error::TrySendError::Closed(_)) => false,
        }
    }

    fn ids_of(&self, who: &Who) -> Vec<u64> {
        self.by_who.get(who).cloned().unwrap_or_default()
    }

    fn agent_ids(&self) -> Vec<u64> {
        self.sockets
            .iter()
            .filter(|(_, e)| matches!(e.who, Who::Agent(_)))
            .map(|(id, _)| *id)
            .collect()
    }

    fn customer_ids(&self) -> Vec<u64> {
        self.sockets
            .iter()
            .filter(|(_, e)| matches!(e.who, Who::Customer(_)))
            .map(|(id, _)| *id)
            .collect()
    }
}

struct Inner {
    store: Store,
    public_url: String,
    limits: Limits,
    tenants: Mutex<HashMap<i64, TenantSockets>>,
    next_id: AtomicU64,
    open: AtomicUsize,
    stored: Arc<Notify>,
    closing: watch::Sender<bool>,
}

/// The node's registry of sockets. Cheap to clone.
#[derive(Clone)]
pub struct Hub {
    inner: Arc<Inner>,
}

/// A socket's place in the hub: its queue, and its leaving on drop.
pub struct Registration {
    hub: Hub,
    tenant: i64,
    id: u64,
    pub rx: mpsc::Receiver<Outbound>,
    pub kick: Arc<Kick>,
}

impl Registration {
    /// From now on stored events reach the queue too (after its replay).
    pub fn go_live(&self) {
        if let Some(entry) = self
            .hub
            .lock()
            .get_mut(&self.tenant)
            .and_then(|t| t.sockets.get_mut(&self.id))
        {
            entry.live = true;
        }
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        let mut tenants = self.hub.lock();
        if let Some(t) = tenants.get_mut(&self.tenant) {
            if t.remove(self.id) {
                self.hub.inner.open.fetch_sub(1, Ordering::Relaxed);
            }
            if t.sockets.is_empty() && !t.reading {
                tenants.remove(&self.tenant);
            }
        }
    }
}

impl Hub {
    pub fn new(store: Store, public_url: String, limits: Limits) -> Self {
        Self {
            inner: Arc::new(Inner {
                store,
                public_url,
                limits,
                tenants: Mutex::new(HashMap::new()),
                next_id: AtomicU64::new(1),
                open: AtomicUsize::new(0),
                stored: Arc::new(Notify::new()),
                closing: watch::Sender::new(false),
            }),
        }
    }

    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }

    /// Takes one frame from the tenant's rate (all its sockets on this node).
    pub fn tenant_allows_frame(&self, tenant: i64) -> bool {
        let limit = self.inner.limits.tenant_rate;
        let mut tenants = self.lock();
        match tenants.get_mut(&tenant) {
            Some(t) => t
                .rate
                .get_or_insert_with(|| TokenBucket::new(limit, limit))
                .take(),
            None => false,
        }
    }

    /// Tells every socket of this node to close (1001): the server stops.
    pub fn shut_down(&self) {
        let _ = self.inner.closing.send(true);
    }

    /// Changes once when the server starts shutting down.
    pub fn closing(&self) -> watch::Receiver<bool> {
        self.inner.closing.subscribe()
    }

    /// Sockets open on this node.
    pub fn open_sockets(&self) -> usize {
        self.inner.open.load(Ordering::Relaxed)
    }

    /// Notified whenever a tenant stored messages (wakes the webhook deliverer).
    pub fn stored_notify(&self) -> Arc<Notify> {
        self.inner.stored.clone()
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<i64, TenantSockets>> {
        // A panic while holding the lock cannot leave the map half-written
        // (every change is a single insert or remove), so poison is ignored.
        self.inner
            .tenants
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Registers a socket of `tenant`, not yet live. `head` is the tenant's
    /// last stored event, read before this call: the tenant's reader starts
    /// there when this is its first socket on the node.
    pub fn register(
        &self,
        tenant: i64,
        who: Who,
        session: String,
        head: i64,
    ) -> Result<Registration, Refused> {
        let limits = &self.inner.limits;
        let (tx, rx) = mpsc::channel(limits.buffer);
        let kick = Arc::new(Kick::default());
        let id = self.inner.next_id.fetch_add(1, Ordering::Relaxed);
        {
            let mut tenants = self.lock();
            let t = tenants.entry(tenant).or_insert_with(|| TenantSockets {
                cursor: head,
                ..TenantSockets::default()
            });
            if t.sockets.len() >= limits.max_per_tenant {
                return Err(Refused::TenantFull);
            }
            if t.by_who.get(&who).map_or(0, Vec::len) >= limits.max_per_user {
                return Err(Refused::UserFull);
            }
            t.by_who.entry(who.clone()).or_default().push(id);
            t.sockets.insert(
                id,
                Entry {
                    who,
                    session,
                    live: false,
                    tx,
                    kick: kick.clone(),
                },
            );
        }
        self.inner.open.fetch_add(1, Ordering::Relaxed);
        Ok(Registration {
            hub: self.clone(),
            tenant,
            id,
            rx,
            kick,
        })
    }

    /// Acts on a signal from this node or another.
    pub fn handle(&self, signal: Signal) {
        match signal {
            Signal::Stored { tenant } => {
                self.inner.stored.notify_one();
                self.read_tenant(tenant);
            }
            Signal::Live { tenant, to, body } => {
                let body: Arc<str> = body.into();
                let mut tenants = self.lock();
                let Some(t) = tenants.get_mut(&tenant) else {
                    return;
                };
                let ids = match &to {
                    Audience::Agents => t.agent_ids(),
                    Audience::Customer { id } => t.ids_of(&Who::Customer(id.clone())),
                    Audience::Agent { id } => t.ids_of(&Who::Agent(*id)),
                };
                let dropped = ids
                    .into_iter()
                    .filter(|id| t.offer(*id, Outbound::Live(body.clone())))
                    .count();
                self.inner.open.fetch_sub(dropped, Ordering::Relaxed);
            }
            Signal::Revoked { tenant, revoked } => {
                let mut tenants = self.lock();
                let Some(t) = tenants.get_mut(&tenant) else {
                    return;
                };
                let ended: Vec<u64> = t
                    .sockets
                    .iter()
                    .filter(|(_, e)| match &revoked {
                        Revoked::Session { token_hash } => e.session == *token_hash,
                        Revoked::Agent { id, keep } => {
                            e.who == Who::Agent(*id) && keep.as_ref() != Some(&e.session)
                        }
                    })
                    .map(|(id, _)| *id)
                    .collect();
                for id in ended {
                    if let Some(entry) = t.sockets.get(&id) {
                        entry.kick.revoke();
                    }
                    if t.remove(id) {
                        self.inner.open.fetch_sub(1, Ordering::Relaxed);
                    }
                }
            }
            Signal::QueueMoved { tenant } => {
                let mut tenants = self.lock();
                let Some(t) = tenants.get_mut(&tenant) else {
                    return;
                };
                let dropped = t
                    .customer_ids()
                    .into_iter()
                    .filter(|id| t.offer(*id, Outbound::QueueMoved))
                    .count();
                self.inner.open.fetch_sub(dropped, Ordering::Relaxed);
            }
        }
    }

    /// Reads every tenant with sockets here for stored events it has not
    /// seen: the safety net for signals lost on the way (Redis down).
    pub fn check_all(&self) {
        let tenants: Vec<i64> = self.lock().keys().copied().collect();
        for tenant in tenants {
            self.read_tenant(tenant);
        }
    }

    /// Starts the tenant's reader, or tells the running one to read again.
    fn read_tenant(&self, tenant: i64) {
        {
            let mut tenants = self.lock();
            let Some(t) = tenants.get_mut(&tenant) else {
                return;
            };
            if t.reading {
                t.dirty = true;
                return;
            }
            t.reading = true;
            t.dirty = false;
        }
        let hub = self.clone();
        tokio::spawn(async move { hub.run_reader(tenant).await });
    }

    /// The tenant's one reader: reads stored events after its cursor and
    /// hands them out, until nothing more is waiting.
    async fn run_reader(&self, tenant: i64) {
        loop {
            let Some(cursor) = self.lock().get(&tenant).map(|t| t.cursor) else {
                return;
            };
            let read = self
                .inner
                .store
                .stored_after(tenant, cursor, &Reader::Tenant, READ_BATCH)
                .await;
            let events = match read {
                Ok(events) => events,
                Err(e) => {
                    tracing::warn!(tenant, error = %e, "reading stored events failed; retrying on the next check");
                    self.finish_reading(tenant);
                    return;
                }
            };
            let full = events.len() as i64 == READ_BATCH;
            let frames: Vec<_> = events
                .into_iter()
                .map(|e| {
                    let body: Arc<str> = durable_body(&e.message, &self.inner.public_url).into();
                    (e.message.seq, body, e.customer_id, e.agent_id)
                })
                .collect();
            let mut tenants = self.lock();
            let Some(t) = tenants.get_mut(&tenant) else {
                return;
            };
            let mut dropped = 0;
            for (seq, body, customer, agent) in frames {
                let mut ids = t.ids_of(&Who::Customer(customer));
                if let Some(agent) = agent {
                    ids.extend(t.ids_of(&Who::Agent(agent)));
                }
                for id in ids {
                    if t.sockets.get(&id).is_some_and(|e| e.live) {
                        let out = Outbound::Stored {
                            seq,
                            body: body.clone(),
                        };
                        dropped += usize::from(t.offer(id, out));
                    }
                }
                t.cursor = seq;
            }
            self.inner.open.fetch_sub(dropped, Ordering::Relaxed);
            if full || t.dirty {
                t.dirty = false;
                continue;
            }
            t.reading = false;
            if t.sockets.is_empty() {
                tenants.remove(&tenant);
            }
            return;
        }
    }

    fn finish_reading(&self, tenant: i64) {
        let mut tenants = self.lock();
        if let Some(t) = tenants.get_mut(&tenant) {
            t.reading = false;
            if t.sockets.is_empty() {
                tenants.remove(&tenant);
            }
        }
    }
}
