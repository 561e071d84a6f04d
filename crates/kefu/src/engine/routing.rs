//! Pushed conversations (seed 001): routing them to agents, the queue,
//! transfers, and the sweeper that times out waiting conversations and
//! offers the queue again when agents may have come free.
//!
//! Every decision runs inside one storage routing round (the tenant's lock):
//! storage reads who can work and the queue, `domain::routing` decides, and
//! storage writes with compare-and-swap. Connects of a tenant that arrive
//! while its round runs are routed together by the next round (see
//! `Engine::open_pushed`).

use std::collections::hash_map::Entry;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use tokio::sync::oneshot;

use super::auth::{AgentCtx, SessionCtx};
use super::duties::local_now;
use super::messages::message_in;
use super::settings::TenantSettings;
use super::{Engine, Entity, Error, Result};
use crate::domain::calendar::{LocalDateTime, TimeOfDay};
use crate::domain::conversation::{decide, Command, State, Status};
use crate::domain::message::{Body, SenderType};
use crate::domain::routing::{self, AgentSlot, Unavailable, Waiting};
use crate::domain::schedule::{self, Shift};
use crate::ids::{now, random_u64};
use crate::storage::{
    ConversationRow, CustomerRow, Round, RoundPlan, RoutableAgent, Snapshot, Transition,
};

/// How many of the oldest waiting conversations one round considers.
const QUEUE_LIMIT: i64 = 1000;
/// Rounds whose compare-and-swap lost to a concurrent change are run again,
/// at most this many times.
const MAX_ROUNDS: usize = 8;
/// Timed-out conversations finished per sweep.
const SWEEP_BATCH: i64 = 500;
/// Most connects one round opens (the rest join the next round).
const MAX_GROUP: usize = 500;

/// Who serves a pushed conversation, or where it waits.
#[derive(Clone, Debug)]
pub struct Routed {
    pub conversation: ConversationRow,
    /// The serving agent's account (seed 003 `serv_id`).
    pub agent: Option<String>,
    /// Its place in the queue (1 = next); 0 when served or finished.
    pub position: i64,
}

/// A new pushed conversation as `connect` opens it for a new customer: the
/// customer, the hash of its first session's token, and the conversation
/// (waiting; the round sets its deadline and queue place).
pub(super) struct NewPushed {
    pub customer: CustomerRow,
    pub token_hash: String,
    pub conversation: ConversationRow,
}

/// Where a new pushed conversation stands after its round, and the tenant's
/// settings that round read.
pub(super) struct Opened {
    pub routed: Routed,
    pub settings: Arc<TenantSettings>,
}

/// A connect waiting for its tenant's next round.
struct Joiner {
    pushed: NewPushed,
    answer: oneshot::Sender<Result<Opened>>,
}

/// The connects waiting for their tenant's next round, by tenant (an
/// engine's; its clones share it). A tenant is present exactly while a
/// router task runs for it.
#[derive(Default)]
pub(super) struct Joining(Mutex<HashMap<i64, Vec<Joiner>>>);

impl Joining {
    fn lock(&self) -> MutexGuard<'_, HashMap<i64, Vec<Joiner>>> {
        // Only pushes and drains under the lock: a panic elsewhere leaves it whole.
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A running router task. Should the task die (a panic), its tenant's
/// waiting connects are dropped, which answers them with an error, and
/// the next connect starts a new router.
struct Router {
    joining: Arc<Joining>,
    tenant_id: i64,
    /// The task removed its tenant itself, having routed everyone.
    done: bool,
}

impl Drop for Router {
    fn drop(&mut self) {
        if !self.done {
            self.joining.lock().remove(&self.tenant_id);
        }
    }
}

/// Where a transfer goes.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// This agent (by id), if it can take one more.
    Agent(i64),
    /// Whoever the tenant's strategy picks in this department.
    Department(i64),
}

impl Engine {
    /// Stores a new customer, its session and its new pushed conversation,
    /// and routes the conversation: an agent now, or a place in the queue.
    ///
    /// Connects are routed like a group commit: the first one of a tenant
    /// starts a router task for it on this engine, and connects that arrive
    /// while its round runs join the next round, which routes them all
    /// together (one transaction, one read of the agents, the tenant's lock
    /// taken once). Each caller still gets its own answer.
    pub(super) async fn open_pushed(&self, pushed: NewPushed) -> Result<Opened> {
        let tenant_id = pushed.customer.tenant_id;
        let (answer, opened) = oneshot::channel();
        let joiner = Joiner { pushed, answer };
        let start = match self.joining.lock().entry(tenant_id) {
            Entry::Occupied(mut waiting) => {
                waiting.get_mut().push(joiner);
                false
            }
            Entry::Vacant(slot) => {
                slot.insert(vec![joiner]);
                true
            }
        };
        if start {
            // A task of its own, so that no caller going away stops the
            // rounds that others wait for.
            tokio::spawn(self.clone().route_joining(tenant_id));
        }
        opened
            .await
            .map_err(|_| Error::Internal("the routing round was lost".to_owned()))?
    }

    /// The router task of a tenant: routes the connects that joined, group
    /// after group, until none are left.
    async fn route_joining(self, tenant_id: i64) {
        let mut router = Router {
            joining: self.joining.clone(),
            tenant_id,
            done: false,
        };
        loop {
            let group: Vec<Joiner> = {
                let mut joining = self.joining.lock();
                let waiting = joining.entry(tenant_id).or_default();
                if waiting.is_empty() {
                    joining.remove(&tenant_id);
                    router.done = true;
                    return;
                }
                let n = waiting.len().min(MAX_GROUP);
                waiting.drain(..n).collect()
            };
            let (pushed, answers): (Vec<NewPushed>, Vec<_>) =
                group.into_iter().map(|j| (j.pushed, j.answer)).unzip();
            match self.open_group(tenant_id, pushed).await {
                Ok(opened) => {
                    for (answer, opened) in answers.into_iter().zip(opened) {
                        // A caller that went away needs no answer.
                        let _ = answer.send(Ok(opened));
                    }
                }
                Err(e) => {
                    let reason = format!("routing round failed: {e}");
                    for answer in answers {
                        let _ = answer.send(Err(Error::Internal(reason.clone())));
                    }
                }
            }
        }
    }

    /// One round for a group of new pushed conversations of a tenant (in
    /// the order they joined): they queue behind those already waiting, and
    /// the queue is offered to agents with room, oldest first. Answers where
    /// each stands.
    async fn open_group(&self, tenant_id: i64, group: Vec<NewPushed>) -> Result<Vec<Opened>> {
        let settings = Arc::new(self.settings(tenant_id).await?);
        let local = local_now(&settings)?;
        let mut round = round(tenant_id, &settings, &local);
        let deadline = deadline(&settings, now());
        for pushed in group {
            let mut conversation = pushed.conversation;
            conversation.deadline = deadline;
            round.join(pushed.customer, pushed.token_hash, conversation);
        }
        let mut accounts = HashMap::new();
        let outcome = self
            .store
            .routing_round(
                round,
                |agents| anyone_free(&settings, &local, agents),
                |snapshot| {
                    accounts.extend(snapshot.agents.iter().map(|a| (a.id, a.account.clone())));
                    plan_drain(tenant_id, &settings, &local, snapshot)
                },
            )
            .await?;
        // Sockets hear of the assignments before the callers, who may act
        // on them at once.
        self.announce_steps(tenant_id, &outcome.applied, true).await;
        let mut opened = Vec::with_capacity(outcome.joined.len());
        if outcome.stale {
            // Some agent's room went unused: offer it again, then read
            // where each conversation stands.
            self.drain(tenant_id).await?;
            for (conversation, _) in outcome.joined {
                let routed = self.routed(tenant_id, &conversation.id).await?;
                let settings = settings.clone();
                opened.push(Opened { routed, settings });
            }
            return Ok(opened);
        }
        for (conversation, place) in outcome.joined {
            let agent = match place {
                Some(_) => None,
                None => conversation
                    .agent_id
                    .and_then(|id| accounts.get(&id).cloned()),
            };
            let routed = Routed {
                conversation,
                agent,
                position: place.unwrap_or(0),
            };
            let settings = settings.clone();
            opened.push(Opened { routed, settings });
        }
        Ok(opened)
    }

    /// Offers the tenant's queue to agents with room, oldest first.
    pub async fn drain(&self, tenant_id: i64) -> Result<()> {
        if !self.store.has_queue(tenant_id).await? {
            return Ok(());
        }
        let settings = self.settings(tenant_id).await?;
        for _ in 0..MAX_ROUNDS {
            let local = local_now(&settings)?;
            let outcome = self
                .store
                .routing_round(
                    round(tenant_id, &settings, &local),
                    |agents| anyone_free(&settings, &local, agents),
                    |snapshot| plan_drain(tenant_id, &settings, &local, snapshot),
                )
                .await?;
            self.announce_steps(tenant_id, &outcome.applied, true).await;
            if !outcome.stale {
                return Ok(());
            }
        }
        Ok(())
    }

    /// The conversation as it stands: its agent, or its place in the queue.
    pub async fn routed(&self, tenant_id: i64, id: &str) -> Result<Routed> {
        let conversation = self
            .store
            .conversation(tenant_id, id)
            .await?
            .ok_or(Error::NotFound(Entity::Question))?;
        let agent = match (conversation.state().status, conversation.agent_id) {
            (Status::Serving, Some(agent_id)) => self
                .store
                .agent_by_id(tenant_id, agent_id)
                .await?
                .map(|a| a.account),
            _ => None,
        };
        let position = self.store.queue_position(tenant_id, id).await?.unwrap_or(0);
        Ok(Routed {
            conversation,
            agent,
            position,
        })
    }

    /// Seed 001 `Transfer`: the customer moves its conversation to `agent`
    /// (an account or numeric id) when given, else to one the strategy picks
    /// in `department_id`; history stays. With an agent, a department given
    /// too becomes the conversation's.
    pub(super) async fn transfer(
        &self,
        by: Mover<'_>,
        settings: &TenantSettings,
        conversation_id: &str,
        agent: Option<&str>,
        department_id: Option<i64>,
    ) -> Result<Routed> {
        let tenant_id = by.tenant_id();
        if let Some(department) = department_id {
            self.check_department(tenant_id, department).await?;
        }
        let target = match (agent, department_id) {
            (Some(agent), _) => Target::Agent(self.agent_named(tenant_id, agent).await?),
            (None, Some(department)) => Target::Department(department),
            (None, None) => {
                return Err(Error::invalid(
                    "agent_id",
                    "agent_id or department_id is required",
                ))
            }
        };
        for _ in 0..MAX_ROUNDS {
            let conversation = match by {
                Mover::Customer(s) => self.own_question(s, conversation_id).await?,
                Mover::Agent(a) => self.served_question(a, conversation_id).await?,
            };
            if conversation.state().status == Status::Finished {
                return Err(crate::domain::conversation::RuleError::Finished.into());
            }
            let local = local_now(settings)?;
            let mut refusal = None;
            let outcome = self
                .store
                .routing_round(
                    round(tenant_id, settings, &local),
                    |_| false,
                    |snapshot| {
                        let request = TransferRequest {
                            by,
                            conversation: &conversation,
                            target,
                            department_id,
                        };
                        match plan_transfer(settings, &local, snapshot, &request) {
                            Ok(plan) => plan,
                            Err(e) => {
                                refusal = Some(e);
                                RoundPlan {
                                    steps: Vec::new(),
                                    cursor: snapshot.cursor,
                                }
                            }
                        }
                    },
                )
                .await?;
            if let Some(e) = refusal {
                return Err(e);
            }
            self.announce_steps(tenant_id, &outcome.applied, true).await;
            if !outcome.stale {
                // The agent it left has room now.
                self.drain(tenant_id).await?;
                return self.routed(tenant_id, conversation_id).await;
            }
        }
        Err(Error::Conflict("the conversation kept changing; retry"))
    }

    /// The sweeper's work, run every second or so by the server: finishes
    /// conversations that waited past their deadline (notice 5), offers
    /// queues to agents who may have come free (a shift began), and forgets
    /// expired access tokens.
    pub async fn sweep(&self) -> Result<()> {
        let now = now();
        for (tenant_id, id) in self.store.expired_waiting(now, SWEEP_BATCH).await? {
            let system = ("system".to_owned(), SenderType::Agent);
            match self.step(tenant_id, &id, system, Command::TimeOut).await {
                Ok(_) | Err(Error::Rule(_)) => {}
                Err(e) => return Err(e),
            }
        }
        for tenant_id in self.store.tenants_with_queue().await? {
            self.drain(tenant_id).await?;
        }
        self.store.delete_expired_access_tokens(now).await?;
        Ok(())
    }

    /// After an admin changed an agent: one who left the service (recycle
    /// bin) hands its conversations back to the queue (notice 2); any change
    /// (restored, accepting again, more capacity, new departments) may let
    /// the queue move.
    pub(super) async fn agent_changed(&self, tenant_id: i64, agent_id: i64) -> Result<()> {
        let Some(agent) = self.store.agent_by_id(tenant_id, agent_id).await? else {
            return Ok(());
        };
        if !agent.is_active() {
            for id in self
                .store
                .serving_conversations(tenant_id, agent_id)
                .await?
            {
                let sender = (agent.account.clone(), SenderType::Agent);
                match self
                    .step(tenant_id, &id, sender, Command::Quit { agent: agent_id })
                    .await
                {
                    Ok(_) | Err(Error::Rule(_)) => {}
                    Err(e) => return Err(e),
                }
            }
        }
        self.drain(tenant_id).await
    }

    /// A department of the tenant, or a params error.
    pub(super) async fn check_department(&self, tenant_id: i64, department: i64) -> Result<()> {
        match self.store.group(tenant_id, department).await? {
            Some(_) => Ok(()),
            None => Err(Error::invalid("department_id", "no such department")),
        }
    }

    /// An agent of the tenant by account, else by numeric id; purged agents
    /// do not exist.
    async fn agent_named(&self, tenant_id: i64, name: &str) -> Result<i64> {
        let by_account = self.store.agent_by_account(tenant_id, name).await?;
        let agent = match (by_account, name.parse::<i64>()) {
            (Some(agent), _) => Some(agent),
            (None, Ok(id)) => self.store.agent_by_id(tenant_id, id).await?,
            (None, Err(_)) => None,
        };
        agent
            .filter(|agent| agent.is_stat != 2)
            .map(|agent| agent.id)
            .ok_or(Error::NotFound(Entity::Agent))
    }
}

/// When a conversation that starts waiting now times out, if ever.
pub(super) fn deadline(settings: &TenantSettings, now: f64) -> Option<f64> {
    let timeout = settings.routing.timeout;
    (timeout > 0).then_some(now + timeout as f64)
}

fn round(tenant_id: i64, settings: &TenantSettings, local: &LocalDateTime) -> Round {
    let terms = settings.sessions.terms(now());
    Round::new(tenant_id, local.date.to_string(), QUEUE_LIMIT, terms)
}

/// Whether some agent has room for a conversation now: if not, a round
/// need not read the queue.
fn anyone_free(settings: &TenantSettings, local: &LocalDateTime, agents: &[RoutableAgent]) -> bool {
    routing::spare(&slots(settings, local, agents))
}

/// The agents as the routing rules see them.
fn slots(
    settings: &TenantSettings,
    local: &LocalDateTime,
    agents: &[RoutableAgent],
) -> Vec<AgentSlot> {
    let accepting = &settings.chat_states.accepting;
    let initial = &settings.chat_states.initial;
    agents
        .iter()
        .map(|agent| {
            let shifts: Vec<Shift> = agent
                .shifts
                .iter()
                .filter_map(|(start, end)| {
                    Shift::new(TimeOfDay::parse(start)?, TimeOfDay::parse(end)?).ok()
                })
                .collect();
            AgentSlot {
                id: agent.id,
                active: true,
                accepting: agent.chat_state.as_ref().unwrap_or(initial) == accepting,
                on_duty: schedule::on_duty(&shifts, local.time_of_day()),
                load: u32::try_from(agent.load).unwrap_or(u32::MAX),
                capacity: u32::try_from(agent.max_chats.unwrap_or(settings.routing.max_chats))
                    .unwrap_or(0),
                departments: agent.departments.clone(),
            }
        })
        .collect()
}

/// Who moves a conversation: its customer (seed 001 `Transfer`) or its
/// serving agent (the console).
#[derive(Clone, Copy)]
pub(super) enum Mover<'a> {
    Customer(&'a SessionCtx),
    Agent(&'a AgentCtx),
}

impl Mover<'_> {
    fn tenant_id(&self) -> i64 {
        match self {
            Mover::Customer(s) => s.tenant_id,
            Mover::Agent(a) => a.tenant_id(),
        }
    }

    /// Who the transfer notice is from.
    fn sender(&self) -> (String, SenderType) {
        match self {
            Mover::Customer(s) => (s.user_id.clone(), SenderType::Customer),
            Mover::Agent(a) => (a.agent.account.clone(), SenderType::Agent),
        }
    }
}

/// A transfer, as the round decides it.
struct TransferRequest<'a> {
    by: Mover<'a>,
    conversation: &'a ConversationRow,
    target: Target,
    department_id: Option<i64>,
}

/// Moves the conversation to the named agent if it can take one more, or to
/// one the strategy picks in the department (not its current agent).
fn plan_transfer(
    settings: &TenantSettings,
    local: &LocalDateTime,
    snapshot: &Snapshot,
    r: &TransferRequest<'_>,
) -> Result<RoundPlan> {
    let slots = slots(settings, local, &snapshot.agents);
    let mut cursor = snapshot.cursor;
    let state = r.conversation.state();
    let (to, department) = match r.target {
        Target::Agent(agent_id) => {
            let slot = slots
                .iter()
                .find(|slot| slot.id == agent_id)
                .ok_or(Unavailable::Inactive)?;
            slot.can_take(None)?;
            (agent_id, r.department_id)
        }
        Target::Department(department) => {
            let roll = random_u64();
            let strategy = settings.routing.strategy;
            let chosen = routing::choose(
                strategy,
                &slots,
                Some(department),
                state.agent,
                &mut cursor,
                roll,
            )
            .ok_or(Error::NoAgentAvailable)?;
            (slots[chosen].id, Some(department))
        }
    };
    let transition = decide(state, Command::Transfer { to })?;
    let tenant_id = r.by.tenant_id();
    let step = Transition {
        tenant_id,
        conversation_id: r.conversation.id.clone(),
        expected_version: r.conversation.version,
        next: transition.next,
        deadline: None,
        department_id: department,
        left_by: None,
        notice: message_in(
            tenant_id,
            &r.conversation.id,
            r.by.sender(),
            Body::Notice(transition.notice),
        ),
    };
    Ok(RoundPlan {
        steps: vec![step],
        cursor,
    })
}

/// Assigns the queue oldest first to agents with room.
fn plan_drain(
    tenant_id: i64,
    settings: &TenantSettings,
    local: &LocalDateTime,
    snapshot: &Snapshot,
) -> RoundPlan {
    let mut slots = slots(settings, local, &snapshot.agents);
    let mut cursor = snapshot.cursor;
    let queue: Vec<Waiting> = snapshot
        .queue
        .iter()
        .map(|q| Waiting {
            department: q.department_id,
            not: q.left_by,
        })
        .collect();
    let assignments = routing::drain(
        settings.routing.strategy,
        &mut slots,
        &queue,
        &mut cursor,
        &mut random_u64,
    );
    let steps = assignments
        .into_iter()
        .filter_map(|(index, agent_id)| {
            let queued = &snapshot.queue[index];
            let agent = snapshot.agents.iter().find(|a| a.id == agent_id)?;
            let waiting = State {
                status: Status::Waiting,
                agent: None,
            };
            let transition = decide(waiting, Command::Claim { agent: agent_id }).ok()?;
            Some(Transition {
                tenant_id,
                conversation_id: queued.id.clone(),
                expected_version: queued.version,
                next: transition.next,
                deadline: None,
                department_id: None,
                left_by: None,
                notice: message_in(
                    tenant_id,
                    &queued.id,
                    (agent.account.clone(), SenderType::Agent),
                    Body::Notice(transition.notice),
                ),
            })
        })
        .collect();
    RoundPlan { steps, cursor }
}
