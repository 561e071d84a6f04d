//! Group commit of chat messages. Concurrent sends queue here and one writer
//! stores whatever is waiting in one transaction: one commit (one WAL write,
//! one fsync under `--durability strict`) and one take of each tenant's
//! message counter per group instead of per message. A lone message is a
//! group of one, so an idle server answers as fast as before.
//!
//! A group that cannot be stored whole (a duplicate client id raced in, a
//! deadlock with another node) is rolled back and its messages are stored one
//! by one on the ordinary path, which sorts out each message's own outcome.

use std::collections::{BTreeMap, HashMap, HashSet};

use sqlx::QueryBuilder;
use tokio::sync::{mpsc, oneshot};

use super::messages::{insert_messages, take_seqs};
use super::{MessageRow, Pools, Result};
use crate::metrics::Metrics;

/// Most messages one transaction stores (13 parameters each: well within
/// SQLite's 32,766 and PostgreSQL's 65,535 per statement).
const MAX_GROUP: usize = 512;

/// What became of a message handed to the group writer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Fate {
    Stored,
    /// The conversation is no longer at the expected version.
    StateChanged,
    /// Not stored with its group: store it alone.
    Alone,
}

struct Job {
    expected_version: i64,
    message: MessageRow,
    done: oneshot::Sender<Fate>,
}

/// The queue in front of the writer. Cheap to clone.
#[derive(Clone)]
pub(super) struct GroupCommit {
    queue: mpsc::UnboundedSender<Job>,
}

impl GroupCommit {
    /// Starts the writer on `pools`; it ends when every handle is dropped.
    pub(super) fn start(pools: Pools, metrics: Metrics) -> Self {
        let (queue, jobs) = mpsc::unbounded_channel();
        tokio::spawn(write_groups(Writer { pools }, jobs, metrics));
        Self { queue }
    }

    /// Stores `message` with whatever else is waiting, if its conversation is
    /// still at `expected_version`.
    pub(super) async fn store(&self, expected_version: i64, message: &MessageRow) -> Fate {
        let (done, fate) = oneshot::channel();
        let job = Job {
            expected_version,
            message: message.clone(),
            done,
        };
        if self.queue.send(job).is_err() {
            return Fate::Alone;
        }
        fate.await.unwrap_or(Fate::Alone)
    }
}

/// The writer's pools (what `with_pool!` reads).
struct Writer {
    pools: Pools,
}

/// The writer: takes everything waiting (up to [`MAX_GROUP`]) as one group.
/// Unbounded on purpose: every sender awaits its answer, so the queue never
/// holds more than the requests in flight.
async fn write_groups(writer: Writer, mut jobs: mpsc::UnboundedReceiver<Job>, metrics: Metrics) {
    let mut group = Vec::with_capacity(MAX_GROUP);
    while jobs.recv_many(&mut group, MAX_GROUP).await > 0 {
        let fates = match store_group(&writer, &group).await {
            Ok(fates) => {
                metrics.group_committed(group.len());
                fates
            }
            Err(e) => {
                tracing::debug!(error = %e, size = group.len(), "group commit fell back to single writes");
                vec![Fate::Alone; group.len()]
            }
        };
        for (job, fate) in group.drain(..).zip(fates) {
            let _ = job.done.send(fate);
        }
    }
}

/// One conversation's part in a group: the version its messages expect and
/// the newest of them.
struct Touch<'a> {
    tenant_id: i64,
    conversation_id: &'a str,
    version: i64,
    last_message_id: &'a str,
    updated_at: f64,
}

/// Stores a group in one transaction: all or nothing.
async fn store_group(writer: &Writer, group: &[Job]) -> Result<Vec<Fate>> {
    let touches = touches(group);
    with_pool!(writer, write, pool => {
        let mut tx = pool.begin().await?;
        // Conversations first, then counters: the lock order of
        // `insert_message!` (tenant, conversations, counter).
        let mut updated: HashSet<(i64, String)> = HashSet::new();
        let ids: Vec<(i64, String)> = touch_rows(&touches)
            .build_query_as()
            .persistent(false)
            .fetch_all(&mut *tx)
            .await?;
        updated.extend(ids);
        // The version each updated conversation was at.
        let at: HashMap<(i64, &str), i64> = touches
            .iter()
            .filter(|t| updated.contains(&(t.tenant_id, t.conversation_id.to_owned())))
            .map(|t| ((t.tenant_id, t.conversation_id), t.version))
            .collect();
        let fates: Vec<Fate> = group
            .iter()
            .map(|job| {
                let m = &job.message;
                match at.get(&(m.tenant_id, m.conversation_id.as_str())) {
                    Some(&version) if version == job.expected_version => Fate::Stored,
                    _ => Fate::StateChanged,
                }
            })
            .collect();
        let mut rows = Vec::with_capacity(group.len());
        let mut per_tenant: BTreeMap<i64, i64> = BTreeMap::new();
        for (job, fate) in group.iter().zip(&fates) {
            if *fate == Fate::Stored {
                *per_tenant.entry(job.message.tenant_id).or_default() += 1;
                rows.push(job.message.clone());
            }
        }
        // Each tenant's numbers for the group, in arrival order.
        let mut next: BTreeMap<i64, i64> = BTreeMap::new();
        for (&tenant_id, &count) in &per_tenant {
            next.insert(tenant_id, take_seqs!(tx, tenant_id, count)?);
        }
        for row in &mut rows {
            let seq = next.get_mut(&row.tenant_id).expect("every tenant has its numbers");
            row.seq = *seq;
            *seq += 1;
        }
        if !rows.is_empty() {
            let mut insert = insert_messages(&rows);
            insert.push(" ON CONFLICT DO NOTHING");
            let inserted = insert
                .build()
                .persistent(false)
                .execute(&mut *tx)
                .await?
                .rows_affected();
            if inserted != rows.len() as u64 {
                // A client id already stored: its number would leave a gap.
                return Err(sqlx::Error::RowNotFound);
            }
        }
        tx.commit().await?;
        Ok(fates)
    })
}

/// The conversations a group writes, each once, in one order every writer
/// shares. Messages of one conversation that expect different versions
/// (rare: one was read before a change, one after) cannot all be right: the
/// newest version is tried, the others are told the state changed and retry.
fn touches(group: &[Job]) -> Vec<Touch<'_>> {
    let mut by_conversation: BTreeMap<(i64, &str), Touch<'_>> = BTreeMap::new();
    for job in group {
        let m = &job.message;
        let touch = by_conversation
            .entry((m.tenant_id, m.conversation_id.as_str()))
            .or_insert(Touch {
                tenant_id: m.tenant_id,
                conversation_id: &m.conversation_id,
                version: job.expected_version,
                last_message_id: &m.id,
                updated_at: m.created_at,
            });
        if job.expected_version > touch.version {
            touch.version = job.expected_version;
            touch.last_message_id = &m.id;
            touch.updated_at = m.created_at;
        } else if job.expected_version == touch.version && m.id.as_str() > touch.last_message_id {
            touch.last_message_id = &m.id;
            touch.updated_at = m.created_at;
        }
    }
    by_conversation.into_values().collect()
}

/// Makes each conversation of `touches` point at its newest message, if it
/// is still at the expected version; returns those it updated.
fn touch_rows<'a, DB>(touches: &'a [Touch<'a>]) -> QueryBuilder<'a, DB>
where
    DB: sqlx::Database,
    i64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    f64: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
    &'a str: sqlx::Encode<'a, DB> + sqlx::Type<DB>,
{
    // VALUES columns are named column1.. on both SQLite and PostgreSQL.
    let mut q = QueryBuilder::new(
        "UPDATE conversations SET
            last_message_id = CASE WHEN conversations.last_message_id IS NULL
                                     OR conversations.last_message_id < v.column3
                                   THEN v.column3 ELSE conversations.last_message_id END,
            updated_at = v.column4
         FROM (",
    );
    q.push_values(touches, |mut b, t| {
        b.push_bind(t.tenant_id)
            .push_bind(t.conversation_id)
            .push_bind(t.last_message_id)
            .push_bind(t.updated_at)
            .push_bind(t.version);
    });
    q.push(
        ") AS v
         WHERE conversations.tenant_id = v.column1 AND conversations.id = v.column2
           AND conversations.version = v.column5
         RETURNING conversations.tenant_id, conversations.id",
    );
    q
}
