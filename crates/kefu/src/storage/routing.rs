//! Routing rounds: the one transaction in which pushed conversations get
//! their agents. A round first updates the tenant's row, which serializes the
//! tenant's rounds on every node (PostgreSQL row lock; on SQLite the one
//! writing connection already does). Inside it, the round reads who can work
//! and, when someone has room, the queue; lets the caller's pure `plan`
//! decide; and writes each assignment with a compare-and-swap on the
//! conversation's version. So no agent goes over capacity, no conversation
//! gets two agents, and queue places are handed out in one order.
//!
//! New pushed conversations join a round (seed 001 connects, many at once
//! in a burst): the round stores them with their new customers and sessions
//! in a few multi-row statements, queues them behind those waiting, and
//! plans them with the queue.

use std::collections::HashMap;

use super::conversations::{
    insert_conversations, update_conversation, ConversationRow, Transition,
};
use super::customers::{insert_customers, insert_sessions, CustomerRow, SessionTerms};
use super::messages::{insert_messages, take_seqs, MessageRow};
use super::{Result, Store};
use crate::domain::conversation::Status;

/// An active agent as a round sees it.
#[derive(Clone, Debug)]
pub struct RoutableAgent {
    pub id: i64,
    pub account: String,
    /// Online-chat status name; None is the tenant's initial one.
    pub chat_state: Option<String>,
    /// None is the tenant's default.
    pub max_chats: Option<i64>,
    /// Conversations it serves now.
    pub load: i64,
    pub departments: Vec<i64>,
    /// Today's shifts as stored ("HH:MM" start and end).
    pub shifts: Vec<(String, String)>,
}

/// A pushed conversation waiting for an agent, oldest first.
#[derive(Clone, Debug)]
pub struct Queued {
    pub id: String,
    pub department_id: Option<i64>,
    pub version: i64,
    /// The agent who last quit it.
    pub left_by: Option<i64>,
}

/// What a round reads under the tenant's lock.
#[derive(Clone, Debug)]
pub struct Snapshot {
    pub agents: Vec<RoutableAgent>,
    pub queue: Vec<Queued>,
    /// Round robin's last agent.
    pub cursor: Option<i64>,
}

/// What the caller's plan decided.
#[derive(Clone, Debug, Default)]
pub struct RoundPlan {
    pub steps: Vec<Transition>,
    pub cursor: Option<i64>,
}

/// One round's request: see [`Round::new`] and [`Round::join`].
pub struct Round {
    pub tenant_id: i64,
    /// The tenant's local date today (whose shifts count).
    pub today: String,
    /// How many of the oldest waiting conversations to consider.
    pub queue_limit: i64,
    /// New pushed conversations to queue first, in this order.
    joining: Vec<Joining>,
    /// The lifetimes of the joining customers' first sessions.
    terms: SessionTerms,
}

/// A new pushed conversation, with the new customer it is opened for and
/// that customer's first session.
struct Joining {
    customer: CustomerRow,
    /// The session token's hash.
    token_hash: String,
    conversation: ConversationRow,
}

impl Round {
    /// A round; sessions it creates for joining customers get `terms`.
    pub fn new(tenant_id: i64, today: String, queue_limit: i64, terms: SessionTerms) -> Self {
        Self {
            tenant_id,
            today,
            queue_limit,
            joining: Vec::new(),
            terms,
        }
    }

    /// Queues a new pushed conversation in this round, behind those joined
    /// before (its `queue_seq` is set by the round), and creates its new
    /// customer with the session `token_hash`: all written in the round's
    /// transaction, at the conversation's `created_at`.
    pub fn join(
        &mut self,
        customer: CustomerRow,
        token_hash: String,
        conversation: ConversationRow,
    ) {
        self.joining.push(Joining {
            customer,
            token_hash,
            conversation,
        });
    }
}

/// What a round did.
#[derive(Clone, Debug)]
pub struct RoundOutcome {
    /// The steps whose compare-and-swap held (others lost to a concurrent change).
    pub applied: Vec<Transition>,
    /// Whether some step was skipped because its conversation had changed.
    pub stale: bool,
    /// The joined conversations as stored, in the order joined, each with
    /// its queue place taken inside the round (so two joining at once never
    /// hear the same place); None once assigned.
    pub joined: Vec<(ConversationRow, Option<i64>)>,
}

/// A waiting pushed conversation's place in its department's queue (1 = next).
const QUEUE_POSITION: &str = "SELECT (SELECT COUNT(*) FROM conversations o
          WHERE o.status = c.status AND o.tenant_id = c.tenant_id
            AND o.queue_seq <= c.queue_seq
            AND COALESCE(o.department_id, 0) = COALESCE(c.department_id, 0))
 FROM conversations c
 WHERE c.tenant_id = $1 AND c.id = $2 AND c.status = $3 AND c.queue_seq IS NOT NULL";

/// Row counts of multi-row `INSERT`s, largest first: a few statements,
/// each kept prepared, and well under either backend's limit on parameters.
const CHUNKS: [usize; 5] = [256, 64, 16, 4, 1];

impl Store {
    /// Runs one routing round for a tenant. `wants_queue` sees the agents
    /// and says whether the queue is worth reading (with no agent free, no
    /// waiting conversation can move); `plan` then decides with no I/O.
    /// Conversations joining the round queue behind those waiting (if the
    /// queue is read, up to its limit, they are planned with it) and are
    /// stored as the plan leaves them.
    pub async fn routing_round<Q, F>(
        &self,
        round: Round,
        wants_queue: Q,
        plan: F,
    ) -> Result<RoundOutcome>
    where
        Q: FnOnce(&[RoutableAgent]) -> bool + Send,
        F: FnOnce(&Snapshot) -> RoundPlan + Send,
    {
        let tenant_id = round.tenant_id;
        let mut joining = round.joining;
        let terms = round.terms;
        let joined_count = i64::try_from(joining.len()).unwrap_or(i64::MAX);
        let outcome = with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            // The lock, and the queue places of the conversations joining.
            let row = sqlx::query(
                "UPDATE tenants SET queue_seq = queue_seq + $1 WHERE id = $2
                 RETURNING queue_seq, route_cursor",
            )
            .bind(joined_count)
            .bind(tenant_id)
            .fetch_one(&mut *tx)
            .await?;
            let last_seq: i64 = sqlx::Row::try_get(&row, "queue_seq")?;
            let cursor: Option<i64> = sqlx::Row::try_get(&row, "route_cursor")?;
            let first_seq = last_seq - joined_count + 1;
            for (seq, j) in (first_seq..).zip(&mut joining) {
                j.conversation.queue_seq = Some(seq);
            }

            // Who can work.
            let rows = sqlx::query(
                "SELECT a.id, a.account, a.chat_state, a.max_chats,
                        (SELECT COUNT(*) FROM conversations c
                          WHERE c.tenant_id = a.tenant_id AND c.status = $2 AND c.agent_id = a.id) AS load
                 FROM agents a WHERE a.tenant_id = $1 AND a.is_stat = 1 ORDER BY a.id",
            )
            .bind(tenant_id)
            .bind(Status::Serving.code())
            .fetch_all(&mut *tx)
            .await?;
            let mut agents = rows
                .iter()
                .map(|row| {
                    Ok(RoutableAgent {
                        id: sqlx::Row::try_get(row, "id")?,
                        account: sqlx::Row::try_get(row, "account")?,
                        chat_state: sqlx::Row::try_get(row, "chat_state")?,
                        max_chats: sqlx::Row::try_get(row, "max_chats")?,
                        load: sqlx::Row::try_get(row, "load")?,
                        departments: Vec::new(),
                        shifts: Vec::new(),
                    })
                })
                .collect::<Result<Vec<_>>>()?;
            let members: Vec<(i64, i64)> = sqlx::query_as(
                "SELECT agent_id, group_id FROM agent_group_members WHERE tenant_id = $1",
            )
            .bind(tenant_id)
            .fetch_all(&mut *tx)
            .await?;
            let shifts: Vec<(i64, String, String)> = sqlx::query_as(
                "SELECT agent_id, start_time, end_time FROM duties WHERE tenant_id = $1 AND date = $2",
            )
            .bind(tenant_id)
            .bind(&round.today)
            .fetch_all(&mut *tx)
            .await?;
            for agent in &mut agents {
                agent.departments = members
                    .iter()
                    .filter(|(a, _)| *a == agent.id)
                    .map(|(_, g)| *g)
                    .collect();
                agent.shifts = shifts
                    .iter()
                    .filter(|(a, _, _)| *a == agent.id)
                    .map(|(_, start, end)| (start.clone(), end.clone()))
                    .collect();
            }

            // The queue, oldest first, the joining ones last.
            let mut queue: Vec<Queued> = Vec::new();
            if wants_queue(&agents) {
                let waiting: Vec<(String, Option<i64>, i64, Option<i64>)> = sqlx::query_as(
                    "SELECT id, department_id, version, left_by FROM conversations
                     WHERE status = $1 AND tenant_id = $2 AND queue_seq IS NOT NULL
                     ORDER BY queue_seq LIMIT $3",
                )
                .bind(Status::Waiting.code())
                .bind(tenant_id)
                .bind(round.queue_limit)
                .fetch_all(&mut *tx)
                .await?;
                queue.extend(waiting.into_iter().map(|(id, department_id, version, left_by)| {
                    Queued { id, department_id, version, left_by }
                }));
                let room = usize::try_from(round.queue_limit).unwrap_or(0).saturating_sub(queue.len());
                queue.extend(joining.iter().take(room).map(|j| Queued {
                    id: j.conversation.id.clone(),
                    department_id: j.conversation.department_id,
                    version: j.conversation.version,
                    left_by: None,
                }));
            }
            let snapshot = Snapshot { agents, queue, cursor };
            let plan = plan(&snapshot);

            // The plan's steps: a joining conversation is stored as its step
            // leaves it; the others change if still as read (else stale).
            let mut applied = Vec::with_capacity(plan.steps.len());
            let mut stale = false;
            let by_id: HashMap<String, usize> = joining
                .iter()
                .enumerate()
                .map(|(i, j)| (j.conversation.id.clone(), i))
                .collect();
            for step in plan.steps {
                let held = match by_id.get(&step.conversation_id) {
                    Some(&i) => step_new(&mut joining[i].conversation, &step),
                    None => update_conversation!(tx, &step)?,
                };
                if held {
                    applied.push(step);
                } else {
                    stale = true;
                }
            }
            for chunk in chunks(&joining) {
                let customers: Vec<_> = chunk
                    .iter()
                    .map(|j| (&j.customer, j.conversation.created_at))
                    .collect();
                insert_customers(&customers).build().execute(&mut *tx).await?;
                let sessions: Vec<_> = chunk
                    .iter()
                    .map(|j| (j.token_hash.as_str(), &j.customer, j.conversation.created_at))
                    .collect();
                insert_sessions(&sessions, terms).build().execute(&mut *tx).await?;
                let conversations: Vec<_> = chunk.iter().map(|j| &j.conversation).collect();
                insert_conversations(&conversations).build().execute(&mut *tx).await?;
            }
            // The notices, numbered last (rows lock in the order tenant,
            // conversations, counter): the next numbers, taken at once.
            if !applied.is_empty() {
                let count = i64::try_from(applied.len()).unwrap_or(i64::MAX);
                let first = take_seqs!(tx, tenant_id, count)?;
                for (seq, step) in (first..).zip(&mut applied) {
                    super::messages::stamp_locked(&mut step.notice);
                    step.notice.seq = seq;
                }
                let notices: Vec<&MessageRow> = applied.iter().map(|step| &step.notice).collect();
                for chunk in chunks(&notices) {
                    insert_messages(chunk.iter().copied()).build().execute(&mut *tx).await?;
                }
            }
            if plan.cursor != cursor {
                sqlx::query("UPDATE tenants SET route_cursor = $1 WHERE id = $2")
                    .bind(plan.cursor)
                    .bind(tenant_id)
                    .execute(&mut *tx)
                    .await?;
            }

            // The places of the joined ones still waiting: those of their
            // department waiting from before them, then the joined ones of
            // their department up to them.
            let mut ahead: HashMap<i64, i64> = HashMap::new();
            let waiting = |j: &Joining| j.conversation.status == Status::Waiting.code();
            if joining.iter().any(waiting) {
                let counts: Vec<(i64, i64)> = sqlx::query_as(
                    "SELECT COALESCE(department_id, 0), COUNT(*) FROM conversations
                     WHERE status = $1 AND tenant_id = $2 AND queue_seq < $3
                     GROUP BY COALESCE(department_id, 0)",
                )
                .bind(Status::Waiting.code())
                .bind(tenant_id)
                .bind(first_seq)
                .fetch_all(&mut *tx)
                .await?;
                ahead.extend(counts);
            }
            tx.commit().await?;
            let joined = joining
                .into_iter()
                .map(|j| {
                    let place = waiting(&j).then(|| {
                        let ahead = ahead
                            .entry(j.conversation.department_id.unwrap_or(0))
                            .or_default();
                        *ahead += 1;
                        *ahead
                    });
                    (j.conversation, place)
                })
                .collect();
            Ok::<_, sqlx::Error>(RoundOutcome { applied, stale, joined })
        })?;
        self.metrics
            .routing_round(match (&outcome.applied[..], outcome.stale) {
                (_, true) => crate::metrics::RoundOutcome::Stale,
                ([], false) if outcome.joined.is_empty() => crate::metrics::RoundOutcome::Idle,
                _ => crate::metrics::RoundOutcome::Applied,
            });
        Ok(outcome)
    }

    /// A waiting pushed conversation's place in its department's queue
    /// (1 = next); None when it is not waiting in the queue.
    pub async fn queue_position(&self, tenant_id: i64, id: &str) -> Result<Option<i64>> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar(QUEUE_POSITION)
            .bind(tenant_id)
            .bind(id)
            .bind(Status::Waiting.code())
            .fetch_optional(pool)
            .await
        })
    }

    /// This customer's pushed conversations waiting in the queue, with their
    /// places (1 = next).
    pub async fn queued_of_customer(
        &self,
        tenant_id: i64,
        customer_id: &str,
    ) -> Result<Vec<(String, i64)>> {
        with_pool!(self, read, pool => {
            let ids: Vec<String> = sqlx::query_scalar(
                "SELECT id FROM conversations
                 WHERE tenant_id = $1 AND customer_id = $2 AND status = $3 AND queue_seq IS NOT NULL",
            )
            .bind(tenant_id)
            .bind(customer_id)
            .bind(Status::Waiting.code())
            .fetch_all(pool)
            .await?;
            let mut places = Vec::with_capacity(ids.len());
            for id in ids {
                let place: Option<i64> = sqlx::query_scalar(QUEUE_POSITION)
                    .bind(tenant_id)
                    .bind(&id)
                    .bind(Status::Waiting.code())
                    .fetch_optional(pool)
                    .await?;
                if let Some(place) = place {
                    places.push((id, place));
                }
            }
            Ok(places)
        })
    }

    /// Whether the tenant has pushed conversations waiting.
    pub async fn has_queue(&self, tenant_id: i64) -> Result<bool> {
        with_pool!(self, read, pool => {
            let found: Option<String> = sqlx::query_scalar(
                "SELECT id FROM conversations
                 WHERE status = $1 AND tenant_id = $2 AND queue_seq IS NOT NULL LIMIT 1",
            )
            .bind(Status::Waiting.code())
            .bind(tenant_id)
            .fetch_optional(pool)
            .await?;
            Ok(found.is_some())
        })
    }

    /// Tenants with pushed conversations waiting (the sweeper offers them
    /// to agents whose shift began or who came back).
    pub async fn tenants_with_queue(&self) -> Result<Vec<i64>> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar(
                "SELECT DISTINCT tenant_id FROM conversations
                 WHERE status = $1 AND queue_seq IS NOT NULL",
            )
            .bind(Status::Waiting.code())
            .fetch_all(pool)
            .await
        })
    }

    /// Waiting conversations past their deadline, oldest deadline first:
    /// (tenant, conversation).
    pub async fn expired_waiting(&self, now: f64, limit: i64) -> Result<Vec<(i64, String)>> {
        with_pool!(self, read, pool => {
            sqlx::query_as(
                "SELECT tenant_id, id FROM conversations
                 WHERE status = $1 AND deadline <= $2 ORDER BY deadline LIMIT $3",
            )
            .bind(Status::Waiting.code())
            .bind(now)
            .bind(limit)
            .fetch_all(pool)
            .await
        })
    }

    /// Moves the deadlines of the tenant's waiting conversations from timeout
    /// `old` to `new` seconds (0 = never): a conversation that has waited
    /// `w` seconds times out at `new - w` from now, or now if that passed.
    pub async fn retime_waiting(&self, tenant_id: i64, old: i64, new: i64, now: f64) -> Result<()> {
        with_pool!(self, write, pool => {
            if new == 0 {
                sqlx::query("UPDATE conversations SET deadline = NULL WHERE status = $1 AND tenant_id = $2")
                    .bind(Status::Waiting.code())
                    .bind(tenant_id)
                    .execute(pool)
                    .await?;
            } else {
                // Without an old deadline (the timeout was 0) the wait starts now.
                sqlx::query(
                    "UPDATE conversations SET deadline =
                        CASE WHEN deadline IS NULL THEN $3 + $5 ELSE deadline - $4 + $5 END
                     WHERE status = $1 AND tenant_id = $2",
                )
                .bind(Status::Waiting.code())
                .bind(tenant_id)
                .bind(now)
                .bind(old as f64)
                .bind(new as f64)
                .execute(pool)
                .await?;
            }
            Ok(())
        })
    }

    /// How many conversations each agent of the tenant serves now.
    pub async fn serving_counts(&self, tenant_id: i64) -> Result<Vec<(i64, i64)>> {
        with_pool!(self, read, pool => {
            sqlx::query_as(
                "SELECT agent_id, COUNT(*) FROM conversations
                 WHERE tenant_id = $1 AND status = $2 AND agent_id IS NOT NULL
                 GROUP BY agent_id",
            )
            .bind(tenant_id)
            .bind(Status::Serving.code())
            .fetch_all(pool)
            .await
        })
    }

    /// The conversations an agent serves now.
    pub async fn serving_conversations(
        &self,
        tenant_id: i64,
        agent_id: i64,
    ) -> Result<Vec<String>> {
        with_pool!(self, read, pool => {
            sqlx::query_scalar(
                "SELECT id FROM conversations WHERE agent_id = $1 AND status = $2 AND tenant_id = $3",
            )
            .bind(agent_id)
            .bind(Status::Serving.code())
            .bind(tenant_id)
            .fetch_all(pool)
            .await
        })
    }
}

/// A joining (not yet stored) conversation as `step` leaves it, the way
/// `update_conversation!` changes a stored one; false if the step expected
/// another version.
fn step_new(row: &mut ConversationRow, step: &Transition) -> bool {
    if step.expected_version != row.version {
        return false;
    }
    row.status = step.next.status.code();
    row.agent_id = step.next.agent;
    row.deadline = step.deadline;
    row.department_id = step.department_id.or(row.department_id);
    row.version += 1;
    true
}

/// `items` in runs of [`CHUNKS`] sizes, largest first.
fn chunks<T>(mut items: &[T]) -> impl Iterator<Item = &[T]> {
    std::iter::from_fn(move || {
        let size = CHUNKS.into_iter().find(|&c| c <= items.len())?;
        let (chunk, rest) = items.split_at(size);
        items = rest;
        Some(chunk)
    })
}
