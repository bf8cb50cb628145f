//! Emergency insertion (急难): one new need matched at once, between rounds.
//!
//! # Method
//!
//! Preparing a state (once): the candidate index of the supply, the places and budget
//! each resource has left after every pair that holds a place (proposed, accepted,
//! delivered; proposals past their expiry hold none), the active pairs of each
//! household, the exclusions, and for each resource the lowest-priority (highest) tier
//! among its open proposals. O(resources · areas + pairs + needs).
//!
//! Placing a need then matches it against the **remaining** capacity: among its
//! eligible resources (the engine's own eligibility checks and score) that still have a
//! place and enough budget, the best-scored (ties: smallest resource id), unless its
//! household already has `max_needs_per_round` active pairs. Every other pair stays
//! where it is, so this is the exact optimum of inserting one row into the current
//! solution with the rest fixed. O(candidates of the need).
//!
//! When no eligible resource has room and [`LoopRules::urgent_may_displace`] is set and
//! some eligible resource holds an open (not accepted) proposal of a lower priority tier
//! than the emergency need, the whole state is re-matched exactly with the need added
//! ([`crate::rematch::rematch`], warm-started from the current solution and prices;
//! accepted and delivered pairs stay fixed). The lexicographic optimum then gives the
//! need a place taken from a lower tier, and the displaced needs are matched again in
//! the same call; [`DeskOutcome::changes`] lists what moved.
//!
//! # Three ways in
//!
//! - [`UrgentDesk`]: the platform's way. Opened once from a [`State`] (it takes the
//!   state, no copy), it answers each emergency need in O(candidates) and updates its
//!   remaining capacity in place (O(1) per insertion besides the placement); the next
//!   state is materialised only when asked ([`UrgentDesk::state`],
//!   [`UrgentDesk::into_state`]). A displacement is a full re-match (seconds at province
//!   scale) after which the desk prepares itself again from the re-match's state.
//! - [`insert_urgent`]: one need into a borrowed state, returning the next state (a desk
//!   opened on a copy of the state: O(state) per call, for a process that handles one
//!   need and exits, like the command line).
//! - [`UrgentIndex`]: the placement alone over a borrowed state (no insertion), for
//!   measurements and what-if questions.
//!
//! A desk's state after a sequence of insertions is identical, field by field, to the
//! state that successive [`insert_urgent`] calls give (tested), duplicate ids refused
//! the same way.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::date::Date;
use crate::eligibility::{CheckEnv, PairSet, ResourceIndex, amount, check_rest};
use crate::error::{Error, InputProblem, ProblemKind};
use crate::model::{Need, Resource};
use crate::outcome::{Continuity, LoopRules, Pair, PairStatus, expire};
use crate::policy::Policy;
use crate::rematch::{Change, ChangeKind, RematchOptions, rematch};
use crate::scoring::{Scorer, score};
use crate::snapshot::{State, sort_pairs};

/// Where an emergency need can go now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Placement {
    /// Best eligible resource with a free place (index into the state's supply), and the
    /// pair's score.
    pub best: Option<(usize, i64)>,
    /// The need's tier under the policy.
    pub tier: u8,
    /// Eligible resources, with or without room.
    pub eligible: usize,
    /// The household already has its maximum of active pairs.
    pub household_full: bool,
    /// Some eligible full resource holds an open proposal of a lower priority tier.
    pub displaceable: bool,
}

/// The remaining capacity of a state, owned (no borrow of the state), and updated in
/// place by each insertion.
#[derive(Debug)]
struct Remaining {
    rules: LoopRules,
    policy: Policy,
    as_of: Date,
    scorer: Scorer,
    index: ResourceIndex,
    /// Places left per resource.
    room: Vec<u32>,
    /// Budget left per resource (hundredths), `None` = no budget.
    budget_left: Vec<Option<u64>>,
    /// Highest (least urgent) tier of an open, not kept proposal per resource (0 = none).
    worst_open_tier: Vec<u8>,
    /// Index of each household id met in the state's pairs and exclusions.
    household_ix: HashMap<String, u32>,
    /// Index of each household id first met in an insertion (kept apart so that the
    /// large map above never grows, hence never rehashes, during insertions).
    added_households: HashMap<String, u32>,
    /// Active (place-holding) pairs per household index.
    household_active: Vec<u32>,
    /// Provider index of each resource.
    provider_of: Vec<u32>,
    /// Excluded (household, provider) pairs.
    excluded: PairSet,
    /// Continuing (household, provider) relations: kept and hard-kept pairs.
    continuing: PairSet,
    /// Every need id of the state when prepared.
    need_ids: HashSet<String>,
    /// The need ids inserted since (apart, for the same reason as `added_households`).
    added_ids: HashSet<String>,
}

/// Room reserved at preparation for the households of this many insertions, so that
/// the usual day of emergencies never reallocates the per-household counts.
const RESERVED_INSERTIONS: usize = 4096;

fn intern(map: &mut HashMap<String, u32>, id: &str) -> u32 {
    if let Some(&k) = map.get(id) {
        return k;
    }
    let k = map.len() as u32;
    map.insert(id.to_owned(), k);
    k
}

impl Remaining {
    /// [`Remaining::new`] for a desk that owns `state`: the proposals expired on
    /// `as_of` are also marked so in the state.
    fn open(state: &mut State, as_of: Date) -> Result<Remaining, Error> {
        let core = Remaining::new(state, as_of)?;
        let snapshot = &mut state.snapshot;
        expire(&mut snapshot.pairs, &snapshot.rules, as_of);
        Ok(core)
    }

    /// Prepares the remaining capacity of `state` on `as_of` (proposals expired by then
    /// hold no place; the state is not changed). O(resources · areas + pairs + needs).
    fn new(state: &State, as_of: Date) -> Result<Remaining, Error> {
        state.check_continues_on(as_of)?;
        state.policy.validate()?;
        let policy = state.policy.normalized();
        let rules = state.snapshot.rules.clone();
        let pairs = &state.snapshot.pairs;
        let resources = &state.inputs.resources;
        let pos: HashMap<&str, usize> = resources
            .iter()
            .enumerate()
            .map(|(j, r)| (r.resource_id.as_str(), j))
            .collect();
        let mut provider_ix = HashMap::new();
        let provider_of: Vec<u32> = resources
            .iter()
            .map(|r| intern(&mut provider_ix, &r.provider_id))
            .collect();
        let mut household_ix = HashMap::new();
        let mut household_active: Vec<u32> = Vec::new();
        let mut room: Vec<u32> = resources.iter().map(|r| r.capacity).collect();
        let mut budget_left: Vec<Option<u64>> = resources
            .iter()
            .map(|r| r.budget.map(|b| b.hundredths()))
            .collect();
        let mut worst_open_tier = vec![0u8; resources.len()];
        let mut continuing = PairSet::default();
        for p in pairs {
            let status = rules.status_on(p, as_of);
            if !status.holds_place() {
                continue;
            }
            let h = intern(&mut household_ix, &p.household_id) as usize;
            if h >= household_active.len() {
                household_active.resize(h + 1, 0);
            }
            household_active[h] += 1;
            let j = pos.get(p.resource_id.as_str()).copied();
            // Continuity relations as in a re-match: kept pairs.
            let hard_kept = rules.continuity == Continuity::Keep
                && status == PairStatus::Proposed
                && j.is_some_and(|j| rules.continuing_kinds.contains(&resources[j].provider_kind));
            if status.is_kept() || hard_kept {
                let pr = intern(&mut provider_ix, &p.provider_id);
                continuing.insert(h as u32, pr);
            }
            if let Some(j) = j {
                room[j] = room[j].saturating_sub(1);
                if let Some(b) = &mut budget_left[j] {
                    *b = b.saturating_sub(p.amount.hundredths());
                }
                if status == PairStatus::Proposed && !hard_kept {
                    worst_open_tier[j] = worst_open_tier[j].max(p.tier);
                }
            }
        }
        let mut excluded = PairSet::default();
        for e in &state.inputs.exclusions {
            let h = intern(&mut household_ix, &e.household_id);
            let pr = intern(&mut provider_ix, &e.provider_id);
            excluded.insert(h, pr);
        }
        household_active.resize(household_ix.len(), 0);
        household_active.reserve(RESERVED_INSERTIONS);
        let need_ids = state
            .inputs
            .needs
            .iter()
            .map(|n| n.need_id.clone())
            .collect();
        Ok(Remaining {
            scorer: Scorer::new(&policy.score, as_of),
            index: ResourceIndex::build(resources),
            policy,
            rules,
            as_of,
            room,
            budget_left,
            worst_open_tier,
            household_ix,
            added_households: HashMap::new(),
            household_active,
            provider_of,
            excluded,
            continuing,
            need_ids,
            added_ids: HashSet::new(),
        })
    }

    /// The best free place for `need` among `resources` (those the index was built
    /// on). O(candidates).
    fn place(&self, resources: &[Resource], need: &Need) -> Placement {
        let tier = self
            .policy
            .tier_of(need.urgency, |s| need.statuses.contains(s));
        let no_exclusions = PairSet::default();
        let env = CheckEnv {
            as_of: self.as_of,
            excluded: &no_exclusions,
        };
        let h = self.household(&need.household_id);
        let active = h.map_or(0, |h| self.household_active[h as usize]);
        let household_full = active >= self.policy.household.max_needs_per_round;
        let nt = self.scorer.need_terms(need);
        let mut cand = Vec::new();
        self.index.candidates(need, &mut cand);
        let mut best: Option<(usize, i64)> = None;
        let mut eligible = 0;
        let mut displaceable = false;
        for &(r, len) in &cand {
            let j = r as usize;
            let res: &Resource = &resources[j];
            let provider = self.provider_of[j];
            if !check_rest(env, need, 0, res, 0).is_empty()
                || h.is_some_and(|h| self.excluded.contains(h, provider))
            {
                continue;
            }
            eligible += 1;
            let q = amount(need, res).hundredths();
            let has_room = self.room[j] > 0 && self.budget_left[j].is_none_or(|b| b >= q);
            if !has_room {
                displaceable |= self.worst_open_tier[j] > tier;
                continue;
            }
            let cont = h.is_some_and(|h| self.continuing.contains(h, provider));
            let s = score(&self.scorer, need, nt, res, len, cont);
            let better = match best {
                None => true,
                Some((bj, bs)) => {
                    s > bs || (s == bs && res.resource_id < resources[bj].resource_id)
                }
            };
            if better {
                best = Some((j, s));
            }
        }
        Placement {
            best: if household_full { None } else { best },
            tier,
            eligible,
            household_full,
            displaceable: displaceable && !household_full,
        }
    }

    /// Records a new proposal `pair` of resource `j`: what [`Remaining::new`] would
    /// count for it on a state that holds it. O(1) expected.
    fn take(&mut self, resources: &[Resource], j: usize, pair: &Pair) {
        let h = match self.household(&pair.household_id) {
            Some(h) => h as usize,
            None => {
                let h = self.household_ix.len() + self.added_households.len();
                self.added_households
                    .insert(pair.household_id.clone(), h as u32);
                self.household_active.push(0);
                h
            }
        };
        self.household_active[h] += 1;
        let hard_kept = self.rules.continuity == Continuity::Keep
            && self
                .rules
                .continuing_kinds
                .contains(&resources[j].provider_kind);
        if hard_kept {
            // The pair's provider is its resource's.
            self.continuing.insert(h as u32, self.provider_of[j]);
        } else {
            self.worst_open_tier[j] = self.worst_open_tier[j].max(pair.tier);
        }
        self.room[j] = self.room[j].saturating_sub(1);
        if let Some(b) = &mut self.budget_left[j] {
            *b = b.saturating_sub(pair.amount.hundredths());
        }
    }

    /// The index of a household, if met before. O(1) expected.
    fn household(&self, id: &str) -> Option<u32> {
        self.household_ix
            .get(id)
            .or_else(|| self.added_households.get(id))
            .copied()
    }

    /// The duplicate-id error of `need`, if its id is in the state.
    fn check_new(&self, need: &Need) -> Result<(), Error> {
        let id = need.need_id.as_str();
        if !self.need_ids.contains(id) && !self.added_ids.contains(id) {
            return Ok(());
        }
        Err(Error::Invalid {
            problems: vec![InputProblem {
                file: "need".to_owned(),
                row: 1,
                column: "need_id".to_owned(),
                value: need.need_id.clone(),
                kind: ProblemKind::DuplicateId,
                message: format!("need_id {:?} is already in the state", need.need_id),
            }],
            truncated: false,
        })
    }
}

/// The prepared state for placements over a borrowed state (see the module docs).
#[derive(Debug)]
pub struct UrgentIndex<'a> {
    state: &'a State,
    core: Remaining,
}

impl<'a> UrgentIndex<'a> {
    /// Prepares placements into `state` on `as_of`. O(resources · areas + pairs + needs).
    ///
    /// # Errors
    /// [`Error::Policy`] if the state's policy is invalid.
    pub fn new(state: &'a State, as_of: Date) -> Result<UrgentIndex<'a>, Error> {
        let core = Remaining::new(state, as_of)?;
        Ok(UrgentIndex { state, core })
    }

    /// The best free place for `need` (see the module docs). O(candidates).
    pub fn place(&self, need: &Need) -> Placement {
        self.core.place(&self.state.inputs.resources, need)
    }
}

/// How the emergency need was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UrgentMode {
    /// Matched to a free place; nothing else changed.
    FreePlace,
    /// Matched by an exact warm re-match that displaced lower-tier proposals.
    Displaced,
    /// No place: no eligible resource, all full with no displaceable proposal, or the
    /// household limit.
    Unmatched,
}

/// Where one emergency need went: the content of `urgent.json` for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeskOutcome {
    /// The emergency need's id.
    pub need_id: String,
    /// How it was handled.
    pub mode: UrgentMode,
    /// The resource the need got, if any.
    pub resource_id: Option<String>,
    /// The pair's score.
    pub score: Option<i64>,
    /// The need's tier.
    pub tier: u8,
    /// Why unmatched: `no_eligible_resource`, `capacity_exhausted` (every eligible
    /// resource is full or short of budget, and nothing could be displaced) or
    /// `household_limit`.
    pub reason: Option<&'static str>,
    /// Changes of other needs (displacement only; the new need's own row included).
    pub changes: Vec<Change>,
    /// Time of the placement (and of the re-match when displacing).
    pub insert_time: Duration,
}

/// The report of an insertion as serialised (see [`DeskOutcome::to_json`]).
#[derive(Serialize)]
struct UrgentDoc<'a> {
    need_id: &'a str,
    mode: UrgentMode,
    resource_id: Option<&'a str>,
    score: Option<i64>,
    tier: u8,
    reason: Option<&'a str>,
    changes: &'a [Change],
    insert_ms: f64,
}

impl DeskOutcome {
    fn doc(&self) -> UrgentDoc<'_> {
        UrgentDoc {
            need_id: &self.need_id,
            mode: self.mode,
            resource_id: self.resource_id.as_deref(),
            score: self.score,
            tier: self.tier,
            reason: self.reason,
            changes: &self.changes,
            insert_ms: self.insert_time.as_secs_f64() * 1e3,
        }
    }

    /// The report as one JSON object, the content of the command line's `urgent.json`:
    /// `need_id`, `mode` (`free_place`, `displaced`, `unmatched`), `resource_id`,
    /// `score`, `tier`, `reason`, `changes` (as in `changes.csv`) and `insert_ms`.
    pub fn to_json(&self) -> String {
        // Serialising strings, integers and finite floats cannot fail.
        serde_json::to_string(&self.doc()).unwrap_or_default()
    }
}

/// An emergency desk: a state and its remaining capacity, prepared once, into which
/// emergency needs are inserted one at a time (see the module docs).
///
/// # Example
///
/// One charity place left in a village; two emergencies arrive.
///
/// ```
/// use aidmatch::date::Date;
/// use aidmatch::division::{AreaPrefix, Division};
/// use aidmatch::model::{Inputs, Need, Resource};
/// use aidmatch::outcome::LoopRules;
/// use aidmatch::snapshot::State;
/// use aidmatch::taxonomy::{Category, ProviderKind, Urgency};
/// use aidmatch::urgent::{UrgentDesk, UrgentMode};
/// use aidmatch::{Policy, RunOptions};
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let day = Date::parse("2024-10-01")?;
/// let village = Division::parse("610122100201")?;
/// let need = |id: &str, household: &str| Need::new(id, household, village, Category::Living, true);
/// let places = Resource::new(
///     "R1", "P1", ProviderKind::Charity,
///     [Category::Living].into_iter().collect(), 2,
///     vec![AreaPrefix::parse("610122")?],
/// );
/// let inputs = Inputs { needs: vec![need("N1", "H1")], resources: vec![places], exclusions: vec![] };
/// let policy = Policy::default();
/// let round = aidmatch::run(&inputs, &policy, &RunOptions::new(day))?;
/// let state = State::from_run(&inputs, &policy, &LoopRules::default(), &round);
///
/// let mut desk = UrgentDesk::open(state, day)?; // once per state
/// let mut e1 = need("E1", "H2");
/// e1.urgency = Urgency::Emergency;
/// let o = desk.insert(e1)?; // R1's free place, microseconds
/// assert_eq!((o.mode, o.resource_id.as_deref()), (UrgentMode::FreePlace, Some("R1")));
/// let mut e2 = need("E2", "H3");
/// e2.urgency = Urgency::Emergency;
/// let o = desk.insert(e2)?; // R1 is full: N1's lower-tier proposal is displaced
/// assert_eq!(o.mode, UrgentMode::Displaced);
/// assert!(o.changes.iter().any(|c| c.need_id == "N1"));
/// let next = desk.into_state(); // to store
/// assert_eq!(next.inputs.needs.len(), 3);
/// # Ok(())
/// # }
/// ```
///
/// # Complexity
/// [`UrgentDesk::open`]: O(resources · areas + pairs + needs), once.
/// [`UrgentDesk::insert`]: O(candidates of the need) to place it, O(1) expected to
/// record it (remaining places and budget of its resource, its household's active
/// pairs, the need id, the pair appended to the pending pairs); a displacement is a
/// whole re-match plus a new preparation. [`UrgentDesk::state`]: O(pairs · log pairs)
/// the first time after insertions (the pending pairs are merged into the sorted pair
/// list), then O(1).
#[derive(Debug)]
pub struct UrgentDesk {
    /// The state; its pairs are those after expiry at `as_of`, without `pending`.
    state: State,
    core: Remaining,
    /// Pairs proposed by insertions, not yet merged into the state's pair list.
    pending: Vec<Pair>,
    /// Needs inserted, not yet appended to the state's needs (a push onto the state's
    /// own list could reallocate and copy it: milliseconds at province scale).
    pending_needs: Vec<Need>,
    as_of: Date,
    open_time: Duration,
}

impl UrgentDesk {
    /// Opens a desk on `state` for insertions on `as_of` (expired proposals hold no
    /// place from then on).
    ///
    /// # Errors
    /// [`Error::Policy`] if the state's policy is invalid.
    pub fn open(mut state: State, as_of: Date) -> Result<UrgentDesk, Error> {
        let clock = Instant::now();
        let core = Remaining::open(&mut state, as_of)?;
        Ok(UrgentDesk {
            state,
            core,
            pending: Vec::new(),
            pending_needs: Vec::new(),
            as_of,
            open_time: clock.elapsed(),
        })
    }

    /// The run date of the insertions.
    pub fn as_of(&self) -> Date {
        self.as_of
    }

    /// How long [`UrgentDesk::open`] (or the preparation after the last displacement)
    /// took.
    pub fn open_time(&self) -> Duration {
        self.open_time
    }

    /// Needs in the desk's state (those inserted included).
    pub fn needs(&self) -> usize {
        self.state.inputs.needs.len() + self.pending_needs.len()
    }

    /// Places `need` and records it (see the module docs).
    ///
    /// # Errors
    /// [`Error::Invalid`] (`DuplicateId`) when the need id is already in the state (the
    /// desk is unchanged); the re-match's errors when displacing (the desk is unchanged).
    pub fn insert(&mut self, need: Need) -> Result<DeskOutcome, Error> {
        self.core.check_new(&need)?;
        let clock = Instant::now();
        let resources = &self.state.inputs.resources;
        let placement = self.core.place(resources, &need);
        if let Some((j, s)) = placement.best {
            let res = &resources[j];
            let pair = Pair {
                need_id: need.need_id.clone(),
                household_id: need.household_id.clone(),
                resource_id: res.resource_id.clone(),
                provider_id: res.provider_id.clone(),
                amount: amount(&need, res),
                tier: placement.tier,
                score: s,
                status: PairStatus::Proposed,
                proposed_at: self.as_of,
                updated_at: self.as_of,
                declined_by: None,
                reason: None,
            };
            self.core.take(resources, j, &pair);
            let resource_id = Some(pair.resource_id.clone());
            self.pending.push(pair);
            let need_id = need.need_id.clone();
            self.core.added_ids.insert(need.need_id.clone());
            self.pending_needs.push(need);
            return Ok(DeskOutcome {
                need_id,
                mode: UrgentMode::FreePlace,
                resource_id,
                score: Some(s),
                tier: placement.tier,
                reason: None,
                changes: Vec::new(),
                insert_time: clock.elapsed(),
            });
        }
        if placement.displaceable && self.core.rules.urgent_may_displace {
            return self.displace(need, placement.tier, clock);
        }
        let reason = if placement.household_full {
            "household_limit"
        } else if placement.eligible == 0 {
            "no_eligible_resource"
        } else {
            "capacity_exhausted"
        };
        let need_id = need.need_id.clone();
        self.core.added_ids.insert(need.need_id.clone());
        self.pending_needs.push(need);
        Ok(DeskOutcome {
            need_id,
            mode: UrgentMode::Unmatched,
            resource_id: None,
            score: None,
            tier: placement.tier,
            reason: Some(reason),
            changes: Vec::new(),
            insert_time: clock.elapsed(),
        })
    }

    /// The exact re-match with `need` added, then a new preparation from its state.
    fn displace(&mut self, need: Need, tier: u8, clock: Instant) -> Result<DeskOutcome, Error> {
        self.merge_pending();
        let need_id = need.need_id.clone();
        let r = rematch(
            &self.state,
            &[],
            vec![need],
            None,
            &RematchOptions::new(self.as_of),
        )?;
        let insert_time = clock.elapsed();
        let mine = r.result.assignments.iter().find(|a| a.need_id == need_id);
        let outcome = DeskOutcome {
            need_id: need_id.clone(),
            mode: if mine.is_some() {
                UrgentMode::Displaced
            } else {
                UrgentMode::Unmatched
            },
            resource_id: mine.map(|a| a.resource_id.clone()),
            score: mine.map(|a| a.score),
            tier,
            reason: mine.is_none().then_some("capacity_exhausted"),
            changes: r
                .changes
                .iter()
                .filter(|c| {
                    c.need_id == need_id
                        || !matches!(
                            c.change,
                            ChangeKind::Kept | ChangeKind::Unchanged | ChangeKind::Unmatched
                        )
                })
                .cloned()
                .collect(),
            insert_time,
        };
        let clock = Instant::now();
        let mut state = r.state;
        let core = Remaining::open(&mut state, self.as_of)?;
        self.state = state;
        self.core = core;
        self.open_time = clock.elapsed();
        Ok(outcome)
    }

    /// Appends the pending needs to the state's needs, and merges the pending pairs
    /// into its pair list (the snapshot's order).
    fn merge_pending(&mut self) {
        self.state.inputs.needs.append(&mut self.pending_needs);
        if self.pending.is_empty() {
            return;
        }
        let pairs = &mut self.state.snapshot.pairs;
        pairs.append(&mut self.pending);
        sort_pairs(pairs);
    }

    /// The next state: the desk's state with every insertion so far (see
    /// [`UrgentDesk`]'s complexity). It equals what successive [`insert_urgent`] calls
    /// give.
    pub fn state(&mut self) -> &State {
        self.merge_pending();
        &self.state
    }

    /// The next state, consuming the desk.
    pub fn into_state(mut self) -> State {
        self.merge_pending();
        self.state
    }
}

/// The result of an emergency insertion by [`insert_urgent`].
#[derive(Debug, Clone)]
pub struct UrgentResult {
    /// The emergency need's id.
    pub need_id: String,
    /// How it was handled.
    pub mode: UrgentMode,
    /// The resource the need got, if any.
    pub resource_id: Option<String>,
    /// The pair's score.
    pub score: Option<i64>,
    /// The need's tier.
    pub tier: u8,
    /// Why unmatched (`no_eligible_resource`, `capacity_exhausted`, `household_limit`).
    pub reason: Option<&'static str>,
    /// Changes of other needs (displacement only; the new need's own row included).
    pub changes: Vec<Change>,
    /// The next state (the need added; its pair proposed on `as_of`).
    pub state: State,
    /// Time of the preparation of the state (the desk's opening, the copy excluded).
    pub prepare_time: Duration,
    /// Time of the placement (and of the re-match when displacing).
    pub insert_time: Duration,
}

impl UrgentResult {
    /// The need's outcome alone (the fields of `urgent.json`).
    pub fn outcome(&self) -> DeskOutcome {
        DeskOutcome {
            need_id: self.need_id.clone(),
            mode: self.mode,
            resource_id: self.resource_id.clone(),
            score: self.score,
            tier: self.tier,
            reason: self.reason,
            changes: self.changes.clone(),
            insert_time: self.insert_time,
        }
    }

    /// The report as one JSON object, the content of the command line's `urgent.json`
    /// (see [`DeskOutcome::to_json`]). The next state is separate:
    /// [`crate::snapshot::State::to_json`] of [`UrgentResult::state`].
    pub fn to_json(&self) -> String {
        self.outcome().to_json()
    }

    /// Writes the next state (see [`crate::snapshot`]) and `urgent.json`
    /// ([`UrgentResult::to_json`], pretty-printed) into `dir` (created if missing), each
    /// file atomically.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that failed.
    pub fn write_dir(&self, dir: &std::path::Path) -> Result<(), Error> {
        write_dir(dir, &self.state, &self.outcome())
    }

    /// `urgent.json` alone, without the next state (save that apart with
    /// [`State::save`]: it holds the needs' personal fields).
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that failed.
    pub fn write_outcome(&self, dir: &std::path::Path) -> Result<(), Error> {
        write_outcome(dir, &self.outcome())
    }
}

/// Writes `state` and `urgent.json` of `outcome` (pretty-printed) into `dir`.
///
/// # Errors
/// [`Error::Io`] naming the path that failed.
pub fn write_dir(dir: &std::path::Path, state: &State, outcome: &DeskOutcome) -> Result<(), Error> {
    state.save(dir)?;
    write_outcome(dir, outcome)
}

/// Writes `urgent.json` of `outcome` (pretty-printed) into `dir` (created if missing).
fn write_outcome(dir: &std::path::Path, outcome: &DeskOutcome) -> Result<(), Error> {
    std::fs::create_dir_all(dir).map_err(|source| Error::Io {
        path: dir.display().to_string(),
        source,
    })?;
    crate::report::write_atomic(dir, "urgent.json", |w| {
        serde_json::to_writer_pretty(&mut *w, &outcome.doc()).map_err(std::io::Error::other)?;
        std::io::Write::write_all(w, b"\n")
    })
}

/// Inserts one emergency need into a state on `as_of` (see the module docs): an
/// [`UrgentDesk`] opened on a copy of `state`, one insertion, the desk's state.
/// O(state) for the copy; a platform that keeps the state in memory opens a desk once
/// instead.
///
/// # Errors
/// [`Error::Invalid`] when the need id is already in the state; the re-match's errors
/// when displacing.
pub fn insert_urgent(state: &State, need: Need, as_of: Date) -> Result<UrgentResult, Error> {
    let mut desk = UrgentDesk::open(state.clone(), as_of)?;
    let prepare_time = desk.open_time();
    let o = desk.insert(need)?;
    Ok(UrgentResult {
        need_id: o.need_id,
        mode: o.mode,
        resource_id: o.resource_id,
        score: o.score,
        tier: o.tier,
        reason: o.reason,
        changes: o.changes,
        state: desk.into_state(),
        prepare_time,
        insert_time: o.insert_time,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::generate::{AS_OF, Scale, generate};
    use crate::outcome::{OutcomeError, apply_outcomes};

    /// `expire` and `status_on` agree with `apply_outcomes` without feedback, on every
    /// pair of a generated round, before, at and after the expiry.
    #[test]
    fn expiry_is_that_of_apply_outcomes() -> Result<(), OutcomeError> {
        let inputs = generate(Scale::Sample, 3);
        let policy = Policy::default();
        let r = crate::run(&inputs, &policy, &crate::RunOptions::new(AS_OF)).expect("run");
        let mut state = State::from_run(&inputs, &policy, &LoopRules::default(), &r);
        // Pairs of several proposal dates and statuses.
        for (k, p) in state.snapshot.pairs.iter_mut().enumerate() {
            p.proposed_at = AS_OF.add_days(-((k % 40) as i32)).expect("date");
            if k % 7 == 3 {
                p.status = PairStatus::Accepted;
            }
        }
        let rules = &state.snapshot.rules;
        assert!(!state.snapshot.pairs.is_empty());
        for days in [0, 13, 14, 15, 30, 60] {
            let day = AS_OF.add_days(days).expect("date");
            let mut by_outcomes = state.snapshot.pairs.clone();
            apply_outcomes(&mut by_outcomes, &[], rules, day)?;
            let mut by_expire = state.snapshot.pairs.clone();
            expire(&mut by_expire, rules, day);
            assert_eq!(by_expire, by_outcomes, "on day {days}");
            for (p, q) in state.snapshot.pairs.iter().zip(&by_outcomes) {
                assert_eq!(rules.status_on(p, day), q.status);
            }
        }
        Ok(())
    }
}
