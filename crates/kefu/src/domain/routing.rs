//! Routing (seed 001): which agent a waiting conversation is pushed to.
//!
//! Storage reads the tenant's agents into [`AgentSlot`]s inside a transaction,
//! calls [`choose`] or [`drain`], and writes what they decide. The rules hold
//! no RNG and no clock: random numbers and round-robin's cursor are passed in,
//! so every decision is reproducible in tests.

use super::AgentId;

/// A tenant's routing strategy. Seed 001 says "randomly pick an online agent",
/// so Random is the default.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strategy {
    #[default]
    Random,
    LeastBusy,
    RoundRobin,
}

impl Strategy {
    pub const ALL: [Strategy; 3] = [Strategy::Random, Strategy::LeastBusy, Strategy::RoundRobin];

    /// The stored and wire name: "random", "least_busy", "round_robin".
    pub fn as_str(self) -> &'static str {
        match self {
            Strategy::Random => "random",
            Strategy::LeastBusy => "least_busy",
            Strategy::RoundRobin => "round_robin",
        }
    }

    /// Exact lowercase names only, so a stored value round-trips unchanged.
    pub fn parse(s: &str) -> Option<Strategy> {
        Strategy::ALL.into_iter().find(|st| st.as_str() == s)
    }
}

/// What routing knows about one agent of the tenant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgentSlot {
    pub id: AgentId,
    /// In service (not in the recycle bin).
    pub active: bool,
    /// Its online-chat status is the tenant's "accepts work" name.
    pub accepting: bool,
    /// Inside one of today's shifts, or no shifts today (see `schedule::on_duty`).
    pub on_duty: bool,
    /// Conversations it serves now.
    pub load: u32,
    /// Its max concurrent chats.
    pub capacity: u32,
    /// Department (group) ids it belongs to.
    pub departments: Vec<i64>,
}

/// Why an agent cannot take a conversation now (for transfers to a named agent).
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Unavailable {
    #[error("the agent is not active")]
    Inactive,
    #[error("the agent is not accepting chats")]
    NotAccepting,
    #[error("the agent is off duty")]
    OffDuty,
    #[error("the agent is serving as many chats as allowed")]
    Full,
    #[error("the agent is not in that department")]
    OtherDepartment,
}

impl AgentSlot {
    /// Ok when this agent may take one more conversation of `department`
    /// (None = any department); the first failing reason in the enum's order
    /// otherwise, so the message shown for a refused transfer is stable.
    pub fn can_take(&self, department: Option<i64>) -> Result<(), Unavailable> {
        if !self.active {
            return Err(Unavailable::Inactive);
        }
        if !self.accepting {
            return Err(Unavailable::NotAccepting);
        }
        if !self.on_duty {
            return Err(Unavailable::OffDuty);
        }
        if self.load >= self.capacity {
            return Err(Unavailable::Full);
        }
        match department {
            Some(d) if !self.departments.contains(&d) => Err(Unavailable::OtherDepartment),
            _ => Ok(()),
        }
    }

    /// Could take a conversation of some department (department not checked).
    fn has_room(&self) -> bool {
        self.active && self.accepting && self.on_duty && self.load < self.capacity
    }
}

/// Round-robin's memory: the agent chosen last (None = start from the lowest id).
pub type Cursor = Option<AgentId>;

/// Whether any active, accepting, on-duty agent is under capacity. When not,
/// no waiting conversation can be assigned, so a drain stops early.
pub fn spare(agents: &[AgentSlot]) -> bool {
    agents.iter().any(AgentSlot::has_room)
}

/// Chooses an agent for one conversation of `department`, among agents that
/// [`AgentSlot::can_take`] it, except `exclude` (the current agent, for transfers).
/// `roll` is a random number supplied by the caller (the rules hold no RNG):
///  - Random: the candidates in slice order, pick index `roll % n`.
///  - LeastBusy: the lowest `load`; among equal loads pick `roll % ties`,
///    candidates in slice order.
///  - RoundRobin: the candidate with the smallest id greater than `*cursor`, else
///    (wrap around) the smallest id; sets `*cursor` to the chosen id.
///
/// Returns the index into `agents`. Does not change loads.
pub fn choose(
    strategy: Strategy,
    agents: &[AgentSlot],
    department: Option<i64>,
    exclude: Option<AgentId>,
    cursor: &mut Cursor,
    roll: u64,
) -> Option<usize> {
    let candidates: Vec<usize> = agents
        .iter()
        .enumerate()
        .filter(|(_, a)| Some(a.id) != exclude && a.can_take(department).is_ok())
        .map(|(i, _)| i)
        .collect();
    if candidates.is_empty() {
        return None;
    }
    match strategy {
        Strategy::Random => Some(pick(&candidates, roll)),
        Strategy::LeastBusy => {
            let least = candidates.iter().map(|&i| agents[i].load).min()?;
            let ties: Vec<usize> = candidates
                .into_iter()
                .filter(|&i| agents[i].load == least)
                .collect();
            Some(pick(&ties, roll))
        }
        Strategy::RoundRobin => {
            let by_id = |i: &usize| agents[*i].id;
            let after = |i: &&usize| cursor.is_none_or(|last| agents[**i].id > last);
            let next = *candidates
                .iter()
                .filter(after)
                .min_by_key(|i| by_id(i))
                .or_else(|| candidates.iter().min_by_key(|i| by_id(i)))?;
            *cursor = Some(agents[next].id);
            Some(next)
        }
    }
}

/// `items[roll % len]`; `items` is not empty.
fn pick(items: &[usize], roll: u64) -> usize {
    // The remainder is below `items.len()`, so it fits in usize.
    items[(roll % items.len() as u64) as usize]
}

/// A waiting conversation as routing sees it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Waiting {
    /// Its department (None = any agent).
    pub department: Option<i64>,
    /// The agent who handed it back (quit): not offered to them again, or an
    /// agent who cannot take it would get it straight back.
    pub not: Option<AgentId>,
}

/// Assigns waiting conversations, oldest first. `queue[i]` is the i-th oldest
/// waiting conversation. Each assignment adds 1 to
/// the chosen agent's `load` (so no agent goes over capacity), and a
/// conversation no agent can take stays waiting while younger ones of other
/// departments may still be assigned. `rolls` yields one random number per
/// choice. Returns (queue index, agent id) pairs in queue order. Stops early
/// once no agent has spare capacity (queues can be long).
pub fn drain(
    strategy: Strategy,
    agents: &mut [AgentSlot],
    queue: &[Waiting],
    cursor: &mut Cursor,
    rolls: &mut impl FnMut() -> u64,
) -> Vec<(usize, AgentId)> {
    let mut assigned = Vec::new();
    for (qi, waiting) in queue.iter().enumerate() {
        if !spare(agents) {
            break;
        }
        let roll = rolls();
        if let Some(ai) = choose(
            strategy,
            agents,
            waiting.department,
            waiting.not,
            cursor,
            roll,
        ) {
            agents[ai].load += 1;
            assigned.push((qi, agents[ai].id));
        }
    }
    assigned
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    impl Waiting {
        const ANY: Waiting = Waiting {
            department: None,
            not: None,
        };

        fn of(department: Option<i64>) -> Waiting {
            Waiting {
                department,
                not: None,
            }
        }
    }
    use std::collections::BTreeSet;

    fn agent(id: AgentId) -> AgentSlot {
        AgentSlot {
            id,
            active: true,
            accepting: true,
            on_duty: true,
            load: 0,
            capacity: 5,
            departments: vec![],
        }
    }

    fn agents(ids: impl IntoIterator<Item = AgentId>) -> Vec<AgentSlot> {
        ids.into_iter().map(agent).collect()
    }

    /// Every agent id `strategy` picks over rolls 0..20 (round robin moving on).
    fn reached(strategy: Strategy, agents: &[AgentSlot], dept: Option<i64>) -> BTreeSet<AgentId> {
        let mut cursor = None;
        (0..20)
            .filter_map(|roll| choose(strategy, agents, dept, None, &mut cursor, roll))
            .map(|i| agents[i].id)
            .collect()
    }

    #[test]
    fn strategy_names_round_trip_and_default_is_random() {
        assert_eq!(Strategy::default(), Strategy::Random);
        for s in Strategy::ALL {
            assert_eq!(Strategy::parse(s.as_str()), Some(s));
            let json = serde_json::to_string(&s).unwrap();
            assert_eq!(json, format!("\"{}\"", s.as_str()));
        }
        assert_eq!(Strategy::parse("least_busy"), Some(Strategy::LeastBusy));
        for bad in ["Random", "round-robin", ""] {
            assert_eq!(Strategy::parse(bad), None);
        }
    }

    #[test]
    fn random_picks_only_candidates_and_rolls_reach_each_one() {
        let mut agents = agents(1..=4);
        agents[1].accepting = false;
        assert_eq!(
            reached(Strategy::Random, &agents, None),
            BTreeSet::from([1, 3, 4])
        );
    }

    #[test]
    fn least_busy_picks_the_least_loaded() {
        let mut agents = agents(1..=4);
        for (a, load) in agents.iter_mut().zip([3, 1, 4, 1]) {
            a.load = load;
        }
        agents[1].on_duty = false; // the other least-loaded one is not a candidate
        assert_eq!(
            reached(Strategy::LeastBusy, &agents, None),
            BTreeSet::from([4])
        );
        agents[1].on_duty = true;
        assert_eq!(
            reached(Strategy::LeastBusy, &agents, None),
            BTreeSet::from([2, 4])
        );
    }

    #[test]
    fn round_robin_cycles_in_id_order_skips_non_candidates_and_wraps() {
        // Slice order differs from id order on purpose.
        let mut agents = agents([30, 10, 40, 20]);
        agents[2].active = false; // 40
        let mut cursor = None;
        let picks: Vec<AgentId> = (0..7)
            .map(|_| choose(Strategy::RoundRobin, &agents, None, None, &mut cursor, 0).unwrap())
            .map(|i| agents[i].id)
            .collect();
        assert_eq!(picks, [10, 20, 30, 10, 20, 30, 10]);
        assert_eq!(cursor, Some(10));
        // A cursor naming an agent that has since left still moves on to the next id.
        let mut cursor = Some(25);
        let i = choose(Strategy::RoundRobin, &agents, None, None, &mut cursor, 0).unwrap();
        assert_eq!((agents[i].id, cursor), (30, Some(30)));
    }

    #[test]
    fn unavailable_and_excluded_agents_are_never_chosen() {
        let mut agents = agents(1..=7);
        agents[0].active = false;
        agents[1].accepting = false;
        agents[2].on_duty = false;
        agents[3].load = 5;
        agents[4].departments = vec![8];
        agents[5].departments = vec![7, 9];
        agents[6].departments = vec![7];
        for strategy in Strategy::ALL {
            assert_eq!(reached(strategy, &agents, Some(7)), BTreeSet::from([6, 7]));
            let mut cursor = None;
            for roll in 0..10 {
                let i = choose(strategy, &agents, Some(7), Some(7), &mut cursor, roll);
                assert_eq!(i, Some(5), "{strategy:?} must skip the excluded agent");
            }
            assert_eq!(
                choose(strategy, &agents, Some(9), Some(6), &mut cursor, 0),
                None
            );
            assert_eq!(
                choose(strategy, &agents, Some(1), None, &mut cursor, 0),
                None
            );
        }
    }

    #[test]
    fn any_department_accepts_every_agent_and_a_department_needs_membership() {
        let mut agents = agents(1..=3);
        agents[1].departments = vec![7];
        agents[2].departments = vec![8, 9];
        assert_eq!(
            reached(Strategy::Random, &agents, None),
            BTreeSet::from([1, 2, 3])
        );
        assert_eq!(
            reached(Strategy::Random, &agents, Some(9)),
            BTreeSet::from([3])
        );
    }

    #[test]
    fn can_take_gives_the_first_reason() {
        let mut a = agent(1);
        a.departments = vec![7];
        assert_eq!(a.can_take(None), Ok(()));
        assert_eq!(a.can_take(Some(7)), Ok(()));
        assert_eq!(a.can_take(Some(8)), Err(Unavailable::OtherDepartment));
        a.load = 5;
        assert_eq!(a.can_take(Some(8)), Err(Unavailable::Full));
        a.on_duty = false;
        assert_eq!(a.can_take(None), Err(Unavailable::OffDuty));
        a.accepting = false;
        assert_eq!(a.can_take(None), Err(Unavailable::NotAccepting));
        a.active = false;
        assert_eq!(a.can_take(None), Err(Unavailable::Inactive));
        let msg = Unavailable::Full.to_string();
        assert_eq!(msg, "the agent is serving as many chats as allowed");
    }

    #[test]
    fn drain_fills_every_agent_to_capacity_with_the_oldest() {
        for strategy in Strategy::ALL {
            let mut agents = agents(1..=10);
            let mut n = 0u64;
            let mut rolls = || {
                n = n
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                n >> 33
            };
            let got = drain(
                strategy,
                &mut agents,
                &[Waiting::ANY; 200],
                &mut None,
                &mut rolls,
            );
            assert_eq!(got.len(), 50, "{strategy:?}");
            assert!(got.iter().map(|&(q, _)| q).eq(0..50), "{strategy:?}");
            for a in &agents {
                let count = got.iter().filter(|&&(_, id)| id == a.id).count();
                assert_eq!((a.load, count), (5, 5), "{strategy:?}");
            }
            assert!(!spare(&agents));
        }
    }

    #[test]
    fn drain_leaves_an_untakeable_department_waiting_and_serves_younger_ones() {
        let mut agents = agents([1]);
        agents[0].departments = vec![7];
        let queue = [Some(8), None, Some(7), Some(8)].map(Waiting::of);
        let got = drain(Strategy::Random, &mut agents, &queue, &mut None, &mut || 0);
        assert_eq!(got, [(1, 1), (2, 1)]);
        assert_eq!(agents[0].load, 2);
    }

    #[test]
    fn a_conversation_is_not_offered_back_to_the_agent_who_quit_it() {
        let mut agents = agents([1, 2]);
        let queue = [Waiting {
            department: None,
            not: Some(1),
        }];
        for roll in 0..4 {
            let got = drain(
                Strategy::Random,
                &mut agents.clone(),
                &queue,
                &mut None,
                &mut || roll,
            );
            assert_eq!(got, [(0, 2)]);
        }
        agents[1].accepting = false;
        let got = drain(Strategy::Random, &mut agents, &queue, &mut None, &mut || 0);
        assert!(got.is_empty(), "only the agent who quit could take it");
    }

    #[test]
    fn round_robin_drain_spreads_evenly() {
        let mut agents = agents([3, 1, 2]);
        let mut cursor = None;
        let got = drain(
            Strategy::RoundRobin,
            &mut agents,
            &[Waiting::ANY; 7],
            &mut cursor,
            &mut || 0,
        );
        let order: Vec<AgentId> = got.iter().map(|&(_, id)| id).collect();
        assert_eq!(order, [1, 2, 3, 1, 2, 3, 1]);
        // The cursor carries over to the next drain.
        let got = drain(
            Strategy::RoundRobin,
            &mut agents,
            &[Waiting::ANY],
            &mut cursor,
            &mut || 0,
        );
        assert_eq!(got, [(0, 2)]);
    }

    #[test]
    fn zero_capacity_agents_are_never_assigned() {
        let mut agents = agents(1..=3);
        agents[0].capacity = 0;
        agents[2].capacity = 0;
        for strategy in Strategy::ALL {
            let mut slots = agents.clone();
            let got = drain(
                strategy,
                &mut slots,
                &[Waiting::ANY; 10],
                &mut None,
                &mut || 0,
            );
            assert_eq!(
                got,
                [(0, 2), (1, 2), (2, 2), (3, 2), (4, 2)],
                "{strategy:?}"
            );
        }
        agents[1].capacity = 0;
        assert!(!spare(&agents));
        assert!(drain(
            Strategy::Random,
            &mut agents,
            &[Waiting::ANY; 3],
            &mut None,
            &mut || 0
        )
        .is_empty());
    }

    #[test]
    fn drain_with_empty_queue_or_no_agents_assigns_nothing() {
        let mut calls = 0;
        let mut rolls = || {
            calls += 1;
            0
        };
        let mut agents = agents([1]);
        assert!(drain(Strategy::Random, &mut agents, &[], &mut None, &mut rolls).is_empty());
        assert!(drain(
            Strategy::Random,
            &mut [],
            &[Waiting::ANY; 5],
            &mut None,
            &mut rolls
        )
        .is_empty());
        assert_eq!(calls, 0);
        assert_eq!(agents[0].load, 0);
    }
}
