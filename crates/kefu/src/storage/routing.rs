//! Routing rounds: the one transaction in which pushed conversations get
//! their agents. A round first updates the tenant's row, which serializes the
//! tenant's rounds on every node (PostgreSQL row lock; on SQLite the one
//! writing connection already does). Inside it, the round reads who can work
//! and the queue, lets the caller's pure `plan` decide, and writes each
//! assignment with a compare-and-swap on the conversation's version. So no
//! agent goes over capacity, no conversation gets two agents, and queue
//! places are handed out in one order.

use super::conversations::{insert_conversation, update_conversation, ConversationRow, Transition};
use super::messages::insert_message;
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

/// One round's request.
pub struct Round {
    pub tenant_id: i64,
    /// The tenant's local date today (whose shifts count).
    pub today: String,
    /// A new pushed conversation to queue first (its `queue_seq` is set here).
    pub new: Option<ConversationRow>,
    /// How many of the oldest waiting conversations to consider.
    pub queue_limit: i64,
}

/// What a round did.
#[derive(Clone, Debug)]
pub struct RoundOutcome {
    /// The steps whose compare-and-swap held (others lost to a concurrent change).
    pub applied: Vec<Transition>,
    /// Whether some step was skipped because its conversation had changed.
    pub stale: bool,
    /// The new conversation, as stored.
    pub new: Option<ConversationRow>,
    /// The new conversation's queue place, taken inside the round (so two
    /// joining at once never hear the same place); None once assigned.
    pub new_position: Option<i64>,
}

/// A waiting pushed conversation's place in its department's queue (1 = next).
const QUEUE_POSITION: &str = "SELECT (SELECT COUNT(*) FROM conversations o
          WHERE o.status = c.status AND o.tenant_id = c.tenant_id
            AND o.queue_seq <= c.queue_seq
            AND COALESCE(o.department_id, 0) = COALESCE(c.department_id, 0))
 FROM conversations c
 WHERE c.tenant_id = $1 AND c.id = $2 AND c.status = $3 AND c.queue_seq IS NOT NULL";

impl Store {
    /// Runs one routing round for a tenant; `plan` decides with no I/O.
    pub async fn routing_round<F>(&self, round: Round, plan: F) -> Result<RoundOutcome>
    where
        F: FnOnce(&Snapshot) -> RoundPlan + Send,
    {
        let tenant_id = round.tenant_id;
        let bump = i64::from(round.new.is_some());
        with_pool!(self, write, pool => {
            let mut tx = pool.begin().await?;
            // The lock, and the next queue place when a conversation joins.
            let row = sqlx::query(
                "UPDATE tenants SET queue_seq = queue_seq + $1 WHERE id = $2
                 RETURNING queue_seq, route_cursor",
            )
            .bind(bump)
            .bind(tenant_id)
            .fetch_one(&mut *tx)
            .await?;
            let seq: i64 = sqlx::Row::try_get(&row, "queue_seq")?;
            let cursor: Option<i64> = sqlx::Row::try_get(&row, "route_cursor")?;
            let mut new = round.new;
            if let Some(conversation) = &mut new {
                conversation.queue_seq = Some(seq);
                insert_conversation!(&mut *tx, conversation)?;
            }

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
            let queue: Vec<(String, Option<i64>, i64, Option<i64>)> = sqlx::query_as(
                "SELECT id, department_id, version, left_by FROM conversations
                 WHERE status = $1 AND tenant_id = $2 AND queue_seq IS NOT NULL
                 ORDER BY queue_seq LIMIT $3",
            )
            .bind(Status::Waiting.code())
            .bind(tenant_id)
            .bind(round.queue_limit)
            .fetch_all(&mut *tx)
            .await?;
            let snapshot = Snapshot {
                agents,
                queue: queue
                    .into_iter()
                    .map(|(id, department_id, version, left_by)| Queued {
                        id,
                        department_id,
                        version,
                        left_by,
                    })
                    .collect(),
                cursor,
            };

            let plan = plan(&snapshot);
            let mut applied = Vec::with_capacity(plan.steps.len());
            let mut stale = false;
            for step in plan.steps {
                if update_conversation!(tx, &step)? {
                    applied.push(step);
                } else {
                    stale = true;
                }
            }
            for step in &mut applied {
                super::messages::stamp_locked(&mut step.notice);
                insert_message!(tx, &step.notice)?;
            }
            if plan.cursor != cursor {
                sqlx::query("UPDATE tenants SET route_cursor = $1 WHERE id = $2")
                    .bind(plan.cursor)
                    .bind(tenant_id)
                    .execute(&mut *tx)
                    .await?;
            }
            let new_position = match &new {
                Some(conversation) => sqlx::query_scalar(QUEUE_POSITION)
                    .bind(tenant_id)
                    .bind(&conversation.id)
                    .bind(Status::Waiting.code())
                    .fetch_optional(&mut *tx)
                    .await?,
                None => None,
            };
            tx.commit().await?;
            Ok(RoundOutcome { applied, stale, new, new_position })
        })
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
