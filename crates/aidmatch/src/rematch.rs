//! Re-matching: carry a round forward from its [`State`] and the feedback on it, without
//! starting from zero and without undoing what is agreed.
//!
//! # What a re-match does
//!
//! 1. **Outcomes** ([`crate::outcome::apply_outcomes`]): feedback moves each proposed pair
//!    through the state machine; proposals without an answer for longer than
//!    [`LoopRules::proposal_expiry_days`] expire.
//! 2. **Kept pairs.** Accepted and delivered pairs (and, with [`Continuity::Keep`], open
//!    proposals of a continuing provider kind) stand: their needs are not matched again,
//!    and each takes one place and its amount of budget from its resource (the supply
//!    list passed to the engine has `capacity` and `budget` lowered accordingly).
//! 3. **Forbidden pairs.** Every declined (need, resource) pair, from this round's
//!    feedback or earlier ones, is removed from the eligible pairs: it never returns.
//! 4. **Freed places.** Declined, expired and failed pairs hold no place; their needs are
//!    matched again (failed and expired ones may get the same resource again).
//!    A need declined by its recipient as `no_longer_needed` leaves the needs list.
//! 5. **Solve, warm.** The engine runs on this state (new needs added, the supply replaced
//!    if a new one is given) with the previous round's first solve (budgets relaxed: the
//!    open proposals, but for the needs the budget step moved, and that solve's dual
//!    prices; see [`crate::snapshot::FirstSolvePair`]) mapped by id onto the new network's
//!    rows, columns and groups as the warm start of its own first solve
//!    (`aidmatch_assign::sparse::solve_warm`, or `Session::from_warm` when a budget
//!    step follows). Pairs whose need or resource is gone,
//!    or whose pair is no longer eligible, are dropped from the warm start; with no
//!    usable pair and no price the solve is cold, and [`RematchSummary::warm`] says so.
//!    `solve_warm` is exact whatever it starts from and its certificate is verified, so the
//!    result is the optimum of the state, the same objective as a cold solve.
//! 6. **Diff** ([`Change`]): per need `kept`, `unchanged`, `moved`, `dropped`, `new` or
//!    `unmatched`, and the next [`State`] (open proposals that did not move keep their
//!    proposal date; moved or dropped ones are withdrawn from the pair list).
//!
//! Continuity: with [`Continuity::Bonus`] (default) every kept (household, provider) pair
//! (accepted, delivered; with [`Continuity::Keep`] also the hard-kept ones) is passed to
//! the engine as a previous pair, so the policy's `score.continuity` bonus applies to the
//! household's other needs with that provider: a 1+N pairing draws the household's new
//! needs to the same cadre or organisation.
//!
//! Household limit: a household's kept pairs (accepted, delivered, hard-kept) take
//! places of `household.max_needs_per_round` too ([`EngineHook::household_taken`]), so
//! its kept and newly matched needs together never exceed the limit; the needs left out
//! for it are unmatched with the household limit named in their detail. Kept pairs stay
//! in the state (and count) until their need leaves the list; a new period starts from
//! a first round.
//!
//! # Complexity
//! O(pairs + needs + resources) besides the engine's run, by walks over the id-sorted
//! lists. A warm re-match of a state still in memory (from [`State::from_run`] or a
//! re-match, not loaded from files) carries the previous run's eligible pairs and
//! scores over for the needs where nothing they depend on changed ([`crate::carry`]:
//! about 93% of a province's needs a week later), so eligibility and scoring check
//! and score the rest only; the result is identical to a re-match of the same state
//! loaded from files. The network, the report, the diff and the next state are built
//! whole. The warm solve is exact but at province scale no faster than a cold one;
//! what it keeps is continuity: about a quarter of the moved proposals of a cold
//! re-match (see README).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use aidmatch_assign::{Matching, Problem, sparse};
use serde::Serialize;

use crate::date::Date;
use crate::engine::{MatchResult, PreviousPair, RunOptions, run};
use crate::error::{Error, InputProblem, ProblemKind};
use crate::model::{Inputs, Need, Outcome, Quantity, Resource};
use crate::outcome::{Continuity, LoopRules, OutcomeCounts, Pair, PairStatus, apply_outcomes};
use crate::report::AssignmentRow;
use crate::report::write_atomic;
use crate::snapshot::{
    FirstSolvePair, IdPrices, SNAPSHOT_FORMAT, Snapshot, State, pair_key, sort_pairs,
};
use crate::taxonomy::{DeclineReason, DeclinedBy};

/// What a re-match hands to the engine (through `RunOptions::rematch`), by id.
#[derive(Debug, Clone, Default)]
pub struct EngineHook {
    /// (need id, resource id) pairs never matched.
    pub forbidden: Vec<(String, String)>,
    /// (need id, resource id) pairs of the previous round's first solve (the open
    /// proposals, but for the needs the budget step moved: [`crate::snapshot::FirstSolvePair`]).
    pub warm_pairs: Vec<(String, String)>,
    /// Dual prices of the previous round's first solve.
    pub prices: Option<Arc<IdPrices>>,
    /// Start the solve from `warm_pairs` and `prices`; false: solve cold (nothing is
    /// mapped).
    pub warm: bool,
    /// Places of `household.max_needs_per_round` already taken by kept pairs, by
    /// household id (households without a kept pair left out).
    pub household_taken: Vec<(String, u32)>,
    /// The previous run, kept in memory with its state: the engine carries its eligible
    /// pairs and scores over where they cannot have changed ([`crate::carry`]).
    pub(crate) carry: Held,
}

/// A run kept in memory with the state it made ([`State::from_run`], or a re-match's next
/// state), so that the next re-match can carry its eligible pairs and scores over
/// ([`crate::carry`]). A cache: never saved, and never part of a state's equality (every
/// record it stands for is compared before use). A loaded state has none.
#[derive(Clone, Default)]
pub(crate) struct Held(pub(crate) Option<Arc<crate::engine::Context>>);

impl std::fmt::Debug for Held {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_some() {
            "Held(run)"
        } else {
            "Held(none)"
        })
    }
}

impl PartialEq for Held {
    fn eq(&self, _: &Held) -> bool {
        true
    }
}

/// A run's first solve (budgets relaxed, see [`crate::network`]): its dual prices and
/// its assignment, by need, resource and household index of the run's canonical order.
/// The next round's first solve relaxes the budgets again, so this, not the final
/// (budget-capped) solve, is its warm start: starting from the final one, every column
/// the budget step capped has room again at a positive price and must be refilled by
/// searches (about 2,900 columns and 1.7 s at province scale).
#[derive(Debug, Clone, Default)]
pub(crate) struct FirstSolve {
    pub need: Vec<i128>,
    pub resource: Vec<i128>,
    pub household: Vec<i128>,
    /// Resource index each need went to (`u32::MAX` = none).
    pub assigned: Vec<u32>,
}

impl FirstSolve {
    /// Re-indexes the solver's solution: row `r` is need `order[r]`, columns are
    /// resources, groups are households. O(rows + columns + groups + arcs with flow).
    pub(crate) fn of(problem: &Problem, m: &Matching, order: &[u32]) -> FirstSolve {
        let mut need = vec![0i128; order.len()];
        for (r, &i) in order.iter().enumerate() {
            if let (Some(slot), Some(&y)) = (need.get_mut(i as usize), m.row_price.get(r)) {
                *slot = y;
            }
        }
        let mut assigned = vec![u32::MAX; order.len()];
        for (row, col, units) in m.pairs(problem) {
            if let (true, Some(&i)) = (units > 0, order.get(row)) {
                assigned[i as usize] = col as u32;
            }
        }
        FirstSolve {
            need,
            resource: m.col_price.clone(),
            household: m.group_price.clone(),
            assigned,
        }
    }
}

fn need_index(needs: &[Need], id: &str) -> Option<usize> {
    needs.binary_search_by(|n| n.need_id.as_str().cmp(id)).ok()
}

fn resource_index(resources: &[Resource], id: &str) -> Option<usize> {
    resources
        .binary_search_by(|r| r.resource_id.as_str().cmp(id))
        .ok()
}

/// The key of a forbidden (need index, resource index) pair in a run's set.
pub(crate) fn forbidden_key(need: usize, res: usize) -> u64 {
    ((need as u64) << 32) | res as u64
}

/// The (need index, resource index) pair of a [`forbidden_key`].
pub(crate) fn forbidden_pair(key: u64) -> (usize, usize) {
    ((key >> 32) as usize, key as u32 as usize)
}

/// The forbidden (need index, resource index) pairs of the hook, on the engine's sorted
/// needs and resources. O(forbidden · log n).
pub(crate) fn forbidden_set(
    hook: Option<&EngineHook>,
    needs: &[Need],
    resources: &[Resource],
) -> HashSet<u64> {
    let mut out = HashSet::new();
    if let Some(h) = hook {
        for (n, r) in &h.forbidden {
            if let (Some(i), Some(j)) = (need_index(needs, n), resource_index(resources, r)) {
                out.insert(forbidden_key(i, j));
            }
        }
    }
    out
}

/// Places of the household limit already taken, per household of the engine's sorted
/// household ids (all zero without a hook). O(households + taken · log households).
pub(crate) fn household_taken(hook: Option<&EngineHook>, households: &[&str]) -> Vec<u32> {
    let mut out = vec![0u32; households.len()];
    if let Some(h) = hook {
        for (id, n) in &h.household_taken {
            if let Ok(k) = households.binary_search(&id.as_str()) {
                out[k] = out[k].saturating_add(*n);
            }
        }
    }
    out
}

/// True if the pair (need `i`, resource `r`) is forbidden. O(1).
#[inline]
pub(crate) fn forbids(set: &HashSet<u64>, i: usize, r: u32) -> bool {
    !set.is_empty() && set.contains(&forbidden_key(i, r as usize))
}

/// What of a hook's previous solution maps onto a run's lists: the engine counts it
/// while it builds the warm start (by binary search on its sorted lists), so that a
/// re-match needs no id sets of its own.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct WarmMapped {
    /// Pairs whose need and resource are both in the run.
    pub pairs: u64,
    /// Needs, resources and households of the run with a previous price.
    pub prices: u64,
    /// Needs whose eligible pairs and scores carried over ([`crate::carry`]).
    pub needs_carried: u64,
}

/// The warm start of the hook in the new network's index space: row `r` is need
/// `order[r]`, columns are resources, groups are households (`households`: the run's
/// sorted household ids), and what of it maps. `None` (a cold solve) when there is no
/// hook, its `warm` is false (then nothing is mapped or counted), or nothing maps.
/// Prices are matched by walking each id-sorted price map alongside the id-sorted
/// list it belongs to (a lookup per need cost 2 s at province scale).
/// O(pairs · log pairs + rows + columns + prices).
pub(crate) fn warm_start(
    hook: Option<&EngineHook>,
    needs: &[Need],
    resources: &[Resource],
    households: &[&str],
    order: &[u32],
) -> (Option<sparse::WarmStart>, Option<WarmMapped>) {
    let Some(h) = hook else {
        return (None, None);
    };
    if !h.warm {
        return (None, Some(WarmMapped::default()));
    }
    let mut row_of = vec![0u32; needs.len()];
    for (r, &i) in order.iter().enumerate() {
        row_of[i as usize] = r as u32;
    }
    // Pairs by need id, walked alongside the needs; resources through a map.
    let mut by_need: Vec<&(String, String)> = h.warm_pairs.iter().collect();
    if !by_need.is_sorted_by(|a, b| a.0 <= b.0) {
        by_need.sort_by(|a, b| a.0.cmp(&b.0));
    }
    let resource_of: HashMap<&str, u32> = resources
        .iter()
        .enumerate()
        .map(|(j, r)| (r.resource_id.as_str(), j as u32))
        .collect();
    let mut pairs = Vec::with_capacity(h.warm_pairs.len());
    let mut k = 0;
    for (i, need) in needs.iter().enumerate() {
        let id = need.need_id.as_str();
        while by_need.get(k).is_some_and(|p| p.0.as_str() < id) {
            k += 1;
        }
        while let Some(p) = by_need.get(k).filter(|p| p.0 == id) {
            if let Some(&j) = resource_of.get(p.1.as_str()) {
                pairs.push((row_of[i], j, 1));
            }
            k += 1;
        }
    }
    let mut mapped = WarmMapped {
        pairs: pairs.len() as u64,
        ..WarmMapped::default()
    };
    let mut warm = sparse::WarmStart {
        pairs,
        ..sparse::WarmStart::default()
    };
    if let Some(p) = &h.prices {
        let mut row_price = vec![0i128; needs.len()];
        for (i, y) in matched(needs.iter().map(|n| n.need_id.as_str()), &p.need) {
            row_price[row_of[i] as usize] = y;
            mapped.prices += 1;
        }
        let mut group_price = vec![0i128; households.len()];
        for (g, t) in matched(households.iter().copied(), &p.household) {
            group_price[g] = t;
            mapped.prices += 1;
        }
        let mut col_price = vec![0i128; resources.len()];
        for (j, z) in matched(
            resources.iter().map(|r| r.resource_id.as_str()),
            &p.resource,
        ) {
            col_price[j] = z;
            mapped.prices += 1;
        }
        if mapped.prices > 0 {
            warm.row_price = row_price;
            warm.col_price = col_price;
            warm.group_price = group_price;
        }
    }
    let usable = !warm.pairs.is_empty() || mapped.prices > 0;
    (usable.then_some(warm), Some(mapped))
}

/// The (position, price) of every id of the ascending `ids` that `prices` holds as a
/// valid non-negative integer, by one walk over both in id order.
fn matched<'a>(
    ids: impl Iterator<Item = &'a str> + 'a,
    prices: &'a std::collections::BTreeMap<String, String>,
) -> impl Iterator<Item = (usize, i128)> + 'a {
    let mut it = prices.iter().peekable();
    ids.enumerate().filter_map(move |(k, id)| {
        while it.next_if(|(key, _)| key.as_str() < id).is_some() {}
        let (_, v) = it.next_if(|(key, _)| key.as_str() == id)?;
        v.parse::<i128>().ok().filter(|&v| v >= 0).map(|v| (k, v))
    })
}

/// How the solve started, from what the engine mapped.
fn warm_report(hook: &EngineHook, mapped: WarmMapped, warm: bool) -> WarmReport {
    let reason = if !warm {
        Some("cold solve requested")
    } else if mapped.pairs == 0 && mapped.prices == 0 {
        Some("no previous pair or price maps onto the new lists")
    } else {
        None
    };
    WarmReport {
        mode: if reason.is_some() { "cold" } else { "warm" }.to_owned(),
        reason: reason.map(str::to_owned),
        pairs_offered: hook.warm_pairs.len() as u64,
        pairs_mapped: mapped.pairs,
        prices_mapped: mapped.prices,
        needs_carried: mapped.needs_carried,
    }
}

/// How to re-match.
#[derive(Clone)]
#[non_exhaustive]
pub struct RematchOptions {
    /// The date of this round (expiry, validity dates, waiting time).
    pub as_of: Date,
    /// Start from the previous solution and prices (default true). False gives the cold
    /// solve of the same state (for comparison).
    pub warm: bool,
    /// Use rayon's pool (default true).
    pub parallel: bool,
    /// Set from another thread to abandon the run.
    pub cancel: Option<Arc<AtomicBool>>,
    /// The closed-loop rules; default: those of the previous snapshot.
    pub rules: Option<LoopRules>,
    /// The policy; default: that of the previous state.
    pub policy: Option<crate::policy::Policy>,
    /// Passed to the engine's `RunOptions::on_stage` (per-stage and per-solve times).
    pub on_stage: Option<crate::engine::StageCallback>,
    /// The row number of the first outcome in feedback errors (default 1, the 1-based
    /// record of a JSON list; 2 for the spreadsheet rows of a CSV file, as its reading
    /// problems count: see [`crate::outcome::OutcomeError::counted_from`]).
    pub outcome_rows_from: usize,
}

impl std::fmt::Debug for RematchOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RematchOptions")
            .field("as_of", &self.as_of)
            .field("warm", &self.warm)
            .field("parallel", &self.parallel)
            .field("rules", &self.rules)
            .field("policy", &self.policy.as_ref().map(|p| p.version.clone()))
            .field("on_stage", &self.on_stage.is_some())
            .field("outcome_rows_from", &self.outcome_rows_from)
            .finish_non_exhaustive()
    }
}

impl RematchOptions {
    /// Warm, parallel, no cancel flag, the previous rules and policy.
    pub fn new(as_of: Date) -> RematchOptions {
        RematchOptions {
            as_of,
            warm: true,
            parallel: true,
            cancel: None,
            rules: None,
            policy: None,
            on_stage: None,
            outcome_rows_from: 1,
        }
    }
}

/// What happened to a need in a re-match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// Accepted or delivered (or hard-kept) pair: stands, not matched again.
    Kept,
    /// Open proposal, same resource.
    Unchanged,
    /// Open proposal, now another resource.
    Moved,
    /// Open proposal, now unmatched (its place went to a higher-priority need).
    Dropped,
    /// No open proposal before (new need, or declined/expired/failed, or unmatched),
    /// matched now.
    New,
    /// No open proposal before, unmatched now.
    Unmatched,
}

impl ChangeKind {
    /// Lower-case id.
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeKind::Kept => "kept",
            ChangeKind::Unchanged => "unchanged",
            ChangeKind::Moved => "moved",
            ChangeKind::Dropped => "dropped",
            ChangeKind::New => "new",
            ChangeKind::Unmatched => "unmatched",
        }
    }
}

/// One row of `changes.csv`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The need.
    pub need_id: String,
    /// What happened.
    pub change: ChangeKind,
    /// Resource of its open or kept pair before, if any.
    pub previous_resource_id: Option<String>,
    /// Resource now, if any.
    pub resource_id: Option<String>,
}

/// How the solve was started.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct WarmReport {
    /// `warm` or `cold`.
    pub mode: String,
    /// Why cold, when cold.
    pub reason: Option<String>,
    /// Open proposals offered as the starting solution.
    pub pairs_offered: u64,
    /// Of those, pairs whose need and resource are both in the new lists (0 for a cold
    /// solve, which maps nothing).
    pub pairs_mapped: u64,
    /// Prices carried over: needs, resources and households of the run with a previous
    /// price (0 for a cold solve).
    pub prices_mapped: u64,
    /// Needs whose eligible pairs and scores were carried over from the previous run
    /// instead of checked and scored again: only when the previous state is still in
    /// memory (not for a state loaded from files, nor a cold solve); the result is the
    /// same either way. A figure of the computation, like the timings, and not written
    /// to `rematch.json`, which is the same whether the state was in memory or loaded.
    #[serde(skip)]
    pub needs_carried: u64,
}

/// The figures of a re-match (`rematch.json`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RematchSummary {
    /// Previous run date.
    pub previous_run_date: Option<Date>,
    /// This run date.
    pub run_date: Option<Date>,
    /// What the feedback did.
    pub outcomes: OutcomeCounts,
    /// Pairs kept (not matched again).
    pub kept_pairs: u64,
    /// Declined pairs excluded from the matching (all rounds).
    pub forbidden_pairs: u64,
    /// Needs added.
    pub new_needs: u64,
    /// Needs removed as no longer needed.
    pub removed_needs: u64,
    /// Needs matched in this run (kept ones excluded).
    pub needs_in_run: u64,
    /// The warm start.
    pub warm: WarmReport,
    /// Count of each change.
    pub changes: std::collections::BTreeMap<String, u64>,
    /// Milliseconds of the engine's solve stage(s). Not in `rematch.json`, which is
    /// byte-identical for the same round, like `summary.json`.
    #[serde(skip)]
    pub solve_ms: f64,
    /// Milliseconds of the whole engine run (not in `rematch.json` either).
    #[serde(skip)]
    pub run_ms: f64,
}

/// The result of a re-match.
#[derive(Debug, Clone)]
pub struct Rematch {
    /// The engine's result on the state (needs that are kept are not in it).
    pub result: MatchResult,
    /// One change per need of the round (kept ones included), by need id.
    pub changes: Vec<Change>,
    /// The state to store for the next round.
    pub state: State,
    /// Figures.
    pub summary: RematchSummary,
    /// The lists the engine ran on (capacities and budgets net of kept pairs).
    pub run_inputs: Inputs,
}

/// Why a re-match has no explanation of a need ([`Rematch::explain`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unexplained {
    /// The round has no need with this id.
    #[error("the round has no need {0:?}")]
    Unknown(String),
    /// The need's pair was agreed (accepted or delivered) in an earlier round and kept:
    /// it is not matched again, so this round's run knows nothing of it.
    #[error(
        "need {need_id:?} kept its agreed pair with {resource_id:?} from an earlier round \
         (accepted and delivered pairs are not matched again), so this round does not \
         explain it"
    )]
    Kept {
        /// The need.
        need_id: String,
        /// The resource of its kept pair.
        resource_id: String,
    },
}

impl Rematch {
    /// Why one need of the round went where it went ([`MatchResult::explain`] of
    /// [`Rematch::result`]), or why there is no explanation: a need kept from an earlier
    /// round, or none of the round.
    ///
    /// # Errors
    /// [`Unexplained`], saying which.
    pub fn explain(&self, need_id: &str) -> Result<crate::explain::Explanation, Unexplained> {
        if let Some(e) = self.result.explain(need_id) {
            return Ok(e);
        }
        // The changes are in need-id order, one or more per need.
        let from = self
            .changes
            .partition_point(|c| c.need_id.as_str() < need_id);
        let kept = self.changes[from..]
            .iter()
            .take_while(|c| c.need_id == need_id)
            .find(|c| c.change == ChangeKind::Kept)
            .and_then(|c| c.resource_id.clone());
        Err(match kept {
            Some(resource_id) => Unexplained::Kept {
                need_id: need_id.to_owned(),
                resource_id,
            },
            None => Unexplained::Unknown(need_id.to_owned()),
        })
    }

    /// Writes the engine's result files, the next state (see [`crate::snapshot`]),
    /// `changes.csv` and `rematch.json` into `dir`, each file atomically (temporary
    /// file, then rename).
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that failed.
    pub fn write_dir(&self, dir: &std::path::Path) -> Result<(), Error> {
        self.write_results(dir)?;
        self.state.save(dir)
    }

    /// What [`Rematch::write_dir`] writes but the next state: the spec's result files,
    /// `changes.csv` and `rematch.json` (the state, which holds the needs' personal
    /// fields, can then be saved apart with [`State::save`]).
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that failed.
    pub fn write_results(&self, dir: &std::path::Path) -> Result<(), Error> {
        self.result.write_dir(dir)?;
        write_changes(dir, &self.changes)?;
        write_atomic(dir, "rematch.json", |w| {
            serde_json::to_writer_pretty(&mut *w, &self.summary).map_err(std::io::Error::other)?;
            std::io::Write::write_all(w, b"\n")
        })
    }

    /// The result as one JSON document: the engine's result (`assignments`, `unmatched`,
    /// `referrals`, `summary`, as [`MatchResult::to_json`]) followed by `changes` (the
    /// rows of `changes.csv`) and `rematch` (the figures of `rematch.json`). The next
    /// state is separate: [`State::to_json`] of [`Rematch::state`].
    pub fn to_json(&self) -> String {
        #[derive(Serialize)]
        struct Doc<'a> {
            #[serde(flatten)]
            result: &'a MatchResult,
            changes: &'a [Change],
            rematch: &'a RematchSummary,
        }
        // Serialising strings, integers and finite floats cannot fail.
        serde_json::to_string(&Doc {
            result: &self.result,
            changes: &self.changes,
            rematch: &self.summary,
        })
        .unwrap_or_default()
    }
}

/// The assignment row of a need that kept an agreed pair from an earlier round, with
/// what its coverage cells need.
struct KeptRow {
    row: AssignmentRow,
    category: &'static str,
    county: u32,
}

/// The rows of the needs that kept an agreed pair (`kept`, in need order): the pair's
/// resource, amount and score; the need's tier now; `why` =
/// `kept=<status>;proposed_at=<date>`.
fn kept_rows(kept: &[(&Need, &Pair)], policy: &crate::Policy) -> Vec<KeptRow> {
    if kept.is_empty() {
        return Vec::new();
    }
    let policy = policy.normalized();
    let fast: crate::taxonomy::StatusSet = policy.fast_track.statuses.iter().copied().collect();
    kept.iter()
        .map(|&(need, pair)| KeptRow {
            row: AssignmentRow {
                need_id: need.need_id.clone(),
                household_id: need.household_id.clone(),
                resource_id: pair.resource_id.clone(),
                provider_id: pair.provider_id.clone(),
                quantity: pair.amount,
                score: pair.score,
                tier: policy.tier_of(need.urgency, |s| need.statuses.contains(s)),
                fast_track: need.statuses.intersects(fast),
                why: format!("kept={};proposed_at={}", pair.status, pair.proposed_at),
            },
            category: need.category.as_str(),
            county: need.region.county(),
        })
        .collect()
}

/// Puts the kept needs' rows into a re-match's result, so that every need of the round
/// is in `assignments` or `unmatched` as the spec asks, and counts them in
/// `summary.counts` (needs, households, assigned, fast track) and the coverage. The
/// objective, the budget figures and the certificate stay those of this round's solve,
/// which did not see these needs. O(kept + assignments + needs of the run).
fn add_kept(result: &mut MatchResult, kept: Vec<KeptRow>) {
    if kept.is_empty() {
        return;
    }
    let summary = &mut result.summary;
    for k in &kept {
        let coverage = &mut summary.coverage;
        coverage.by_tier.entry(k.row.tier).or_default().add(true);
        coverage
            .by_category
            .entry(k.category.to_owned())
            .or_default()
            .add(true);
        coverage
            .by_county
            .entry(format!("{:06}", k.county))
            .or_default()
            .add(true);
        summary.counts.fast_track_assigned += u64::from(k.row.fast_track);
    }
    summary.coverage.finish();
    // Households of kept needs that no need of the run has.
    let mut only_kept: HashSet<&str> = kept.iter().map(|k| k.row.household_id.as_str()).collect();
    for n in &result.ctx.needs {
        if only_kept.is_empty() {
            break;
        }
        only_kept.remove(n.household_id.as_str());
    }
    summary.counts.households += only_kept.len() as u64;
    summary.counts.needs += kept.len() as u64;
    summary.counts.assigned += kept.len() as u64;
    // Both lists in need order: merged.
    let run_rows = std::mem::take(&mut result.assignments);
    let mut merged = Vec::with_capacity(run_rows.len() + kept.len());
    let mut kept = kept.into_iter().map(|k| k.row).peekable();
    for a in run_rows {
        while let Some(k) = kept.next_if(|k| k.need_id < a.need_id) {
            merged.push(k);
        }
        merged.push(a);
    }
    merged.extend(kept);
    result.assignments = merged;
}

/// Writes `changes.csv` (`need_id, change, previous_resource_id, resource_id`) atomically.
pub(crate) fn write_changes(dir: &std::path::Path, changes: &[Change]) -> Result<(), Error> {
    let mut text = String::from("need_id,change,previous_resource_id,resource_id\n");
    for c in changes {
        let cell = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        };
        text.push_str(&format!(
            "{},{},{},{}\n",
            cell(&c.need_id),
            c.change.as_str(),
            cell(c.previous_resource_id.as_deref().unwrap_or("")),
            cell(c.resource_id.as_deref().unwrap_or(""))
        ));
    }
    write_atomic(dir, "changes.csv", |w| {
        std::io::Write::write_all(w, text.as_bytes())
    })
}

/// The state of a round after feedback: what the engine runs on, and what it keeps.
pub(crate) struct Prepared {
    pub rules: LoopRules,
    pub policy: crate::policy::Policy,
    /// All pairs after feedback and expiry.
    pub pairs: Vec<Pair>,
    /// Index into `pairs` of the fixed (kept) pairs.
    pub fixed: Vec<bool>,
    /// Every need still relevant (kept ones included), in input order.
    pub all_needs: Vec<Need>,
    /// Full-capacity supply.
    pub supply: Vec<Resource>,
    /// The engine's input: needs without a fixed pair; supply net of fixed pairs.
    pub run_inputs: Inputs,
    pub hook: Arc<EngineHook>,
    pub previous_pairs: Vec<PreviousPair>,
    pub outcome_counts: OutcomeCounts,
    pub removed_needs: u64,
    pub new_needs: u64,
}

/// Steps 1 to 4 of the module docs, and the hook of step 5.
pub(crate) fn prepare(
    previous: &State,
    outcomes: &[Outcome],
    new_needs: Vec<Need>,
    supply: Option<Vec<Resource>>,
    options: &RematchOptions,
) -> Result<Prepared, Error> {
    previous.check_continues_on(options.as_of)?;
    let rules = options
        .rules
        .clone()
        .unwrap_or_else(|| previous.snapshot.rules.clone());
    let policy = options
        .policy
        .clone()
        .unwrap_or_else(|| previous.policy.clone());
    let mut pairs = previous.snapshot.pairs.clone();
    // Everything below walks the pairs in need order; a stored state's may not be.
    sort_pairs(&mut pairs);
    let outcome_counts = apply_outcomes(&mut pairs, outcomes, &rules, options.as_of)
        .map_err(|e| e.counted_from(options.outcome_rows_from))?;
    let supply = supply.unwrap_or_else(|| previous.inputs.resources.clone());
    let kind_of: HashMap<&str, crate::taxonomy::ProviderKind> = supply
        .iter()
        .map(|r| (r.resource_id.as_str(), r.provider_kind))
        .collect();
    let fixed: Vec<bool> = pairs
        .iter()
        .map(|p| {
            p.status.is_kept()
                || (rules.continuity == Continuity::Keep
                    && p.status == PairStatus::Proposed
                    && kind_of
                        .get(p.resource_id.as_str())
                        .is_some_and(|k| rules.continuing_kinds.contains(k)))
        })
        .collect();
    // Needs no longer needed leave the list.
    let removed: HashSet<&str> = pairs
        .iter()
        .filter(|p| {
            p.status == PairStatus::Declined
                && p.declined_by == Some(DeclinedBy::Recipient)
                && p.reason == Some(DeclineReason::NoLongerNeeded)
        })
        .map(|p| p.need_id.as_str())
        .collect();
    // A new need must not take the id of a need of the round (kept ones included: the
    // engine does not see those, so it could not tell) or of another new need. (A map
    // of the new ids, against which the round's needs are checked: the new ones are few.)
    let mut first_of: HashMap<&str, usize> = HashMap::with_capacity(new_needs.len());
    let mut taken = vec![false; new_needs.len()];
    for (k, n) in new_needs.iter().enumerate() {
        match first_of.entry(n.need_id.as_str()) {
            std::collections::hash_map::Entry::Occupied(_) => taken[k] = true,
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(k);
            }
        }
    }
    if !first_of.is_empty() {
        for n in &previous.inputs.needs {
            if let Some(&k) = first_of.get(n.need_id.as_str()) {
                taken[k] = true;
            }
        }
    }
    let mut duplicates = Vec::new();
    for (k, n) in new_needs.iter().enumerate().filter(|(k, _)| taken[*k]) {
        duplicates.push(InputProblem {
            file: "new needs".to_owned(),
            row: k + 1,
            column: "need_id".to_owned(),
            value: n.need_id.clone(),
            kind: ProblemKind::DuplicateId,
            message: format!(
                "need_id {:?} of new need number {} is already a need of the round",
                n.need_id,
                k + 1
            ),
        });
    }
    if !duplicates.is_empty() {
        return Err(Error::Invalid {
            problems: duplicates,
            truncated: false,
        });
    }
    let n_new = new_needs.len() as u64;
    let mut all_needs: Vec<Need> =
        Vec::with_capacity(previous.inputs.needs.len() + new_needs.len());
    let mut removed_needs = 0u64;
    for n in previous.inputs.needs.iter().cloned().chain(new_needs) {
        if removed.contains(n.need_id.as_str()) {
            removed_needs += 1;
        } else {
            all_needs.push(n);
        }
    }
    // Fixed pairs: their needs are not matched, their places and amounts are taken.
    let fixed_needs: HashSet<&str> = pairs
        .iter()
        .zip(&fixed)
        .filter(|(_, f)| **f)
        .map(|(p, _)| p.need_id.as_str())
        .collect();
    let mut taken: HashMap<&str, (u32, u64)> = HashMap::new();
    for (p, _) in pairs.iter().zip(&fixed).filter(|(_, f)| **f) {
        let e = taken.entry(p.resource_id.as_str()).or_default();
        e.0 += 1;
        e.1 = e.1.saturating_add(p.amount.hundredths());
    }
    let run_resources: Vec<Resource> = supply
        .iter()
        .map(|r| {
            let mut r = r.clone();
            if let Some(&(n, spent)) = taken.get(r.resource_id.as_str()) {
                r.capacity = r.capacity.saturating_sub(n);
                r.budget = r
                    .budget
                    .map(|b| Quantity(b.hundredths().saturating_sub(spent)));
            }
            r
        })
        .collect();
    let run_needs: Vec<Need> = all_needs
        .iter()
        .filter(|n| !fixed_needs.contains(n.need_id.as_str()))
        .cloned()
        .collect();
    // Household places taken: one per kept need still in the round's list.
    let mut taken_by: std::collections::BTreeMap<&str, u32> = std::collections::BTreeMap::new();
    for n in &all_needs {
        if fixed_needs.contains(n.need_id.as_str()) {
            *taken_by.entry(n.household_id.as_str()).or_default() += 1;
        }
    }
    let household_taken: Vec<(String, u32)> = taken_by
        .into_iter()
        .map(|(h, n)| (h.to_owned(), n))
        .collect();
    let forbidden: Vec<(String, String)> = pairs
        .iter()
        .filter(|p| p.status == PairStatus::Declined)
        .map(|p| (p.need_id.clone(), p.resource_id.clone()))
        .collect();
    // The warm start is the previous first solve (see `FirstSolve`): the open proposals,
    // except for the needs it matched otherwise or left out.
    let first: HashMap<&str, Option<&str>> = previous
        .snapshot
        .first_solve
        .iter()
        .map(|p| (p.need_id.as_str(), p.resource_id.as_deref()))
        .collect();
    let mut warm_pairs: Vec<(String, String)> = pairs
        .iter()
        .zip(&fixed)
        .filter(|(p, f)| {
            !**f && p.status == PairStatus::Proposed && !first.contains_key(p.need_id.as_str())
        })
        .map(|(p, _)| (p.need_id.clone(), p.resource_id.clone()))
        .collect();
    for p in &previous.snapshot.first_solve {
        if let (Some(r), false) = (&p.resource_id, fixed_needs.contains(p.need_id.as_str())) {
            warm_pairs.push((p.need_id.clone(), r.clone()));
        }
    }
    // Continuity relations: the agreed pairs (kept ones). Open proposals are not
    // relations yet; leaving them out also keeps their weights, so the previous prices
    // stay tight for the warm start.
    let previous_pairs: Vec<PreviousPair> = pairs
        .iter()
        .zip(&fixed)
        .filter(|(_, f)| **f)
        .map(|(p, _)| p)
        .map(|p| PreviousPair {
            household_id: p.household_id.clone(),
            provider_id: p.provider_id.clone(),
        })
        .collect();
    // The engine maps the warm start by id and counts what maps (`WarmMapped`).
    let hook = Arc::new(EngineHook {
        forbidden,
        warm_pairs,
        prices: options.warm.then(|| previous.snapshot.prices.clone()),
        household_taken,
        warm: options.warm,
        carry: if options.warm {
            previous.held.clone()
        } else {
            Held::default()
        },
    });
    let run_inputs = Inputs {
        needs: run_needs,
        resources: run_resources,
        exclusions: previous.inputs.exclusions.clone(),
    };
    Ok(Prepared {
        rules,
        policy,
        pairs,
        fixed,
        all_needs,
        supply,
        run_inputs,
        hook,
        previous_pairs,
        outcome_counts,
        removed_needs,
        new_needs: n_new,
    })
}

/// Re-matches a round: see the module documentation for the steps.
///
/// # Errors
/// [`Error::Outcome`] for feedback that cannot be applied (naming the need and resource),
/// [`Error::Invalid`] (`DuplicateId`) for a new need whose id the round already has, and
/// the engine's errors (duplicate ids, invalid policy, interrupted, certificate).
pub fn rematch(
    previous: &State,
    outcomes: &[Outcome],
    new_needs: Vec<Need>,
    supply: Option<Vec<Resource>>,
    options: &RematchOptions,
) -> Result<Rematch, Error> {
    let prep = prepare(previous, outcomes, new_needs, supply, options)?;
    finish(previous, prep, options)
}

/// Step 5 and 6: run the engine on the prepared state, diff, next state.
pub(crate) fn finish(
    previous: &State,
    prep: Prepared,
    options: &RematchOptions,
) -> Result<Rematch, Error> {
    let mut run_options = RunOptions::new(options.as_of);
    run_options.parallel = options.parallel;
    run_options.cancel = options.cancel.clone();
    run_options.previous_pairs = Some(prep.previous_pairs.clone());
    run_options.rematch = Some(prep.hook.clone());
    run_options.on_stage = options.on_stage.clone();
    let clock = std::time::Instant::now();
    let mut result = run(&prep.run_inputs, &prep.policy, &run_options)?;
    let run_ms = clock.elapsed().as_secs_f64() * 1e3;
    let solve_ms = result.stage_times().solve.as_secs_f64() * 1e3;

    // The diff, by walks in need-id order: the run's needs are sorted (the engine's
    // canonical order) and so are the pairs (`prepare` sorts them when a stored state's
    // are not), so no map of a million ids is built.
    let ctx = &result.ctx;
    let resource_of =
        |j: u32| (j != u32::MAX).then(|| ctx.resources[j as usize].resource_id.as_str());
    let mut open: Vec<(&str, &str)> = Vec::new();
    let mut kept_of: HashMap<&str, &Pair> = HashMap::new();
    for (p, &f) in prep.pairs.iter().zip(&prep.fixed) {
        if f {
            kept_of.insert(&p.need_id, p);
        } else if p.status == PairStatus::Proposed {
            open.push((&p.need_id, &p.resource_id));
        }
    }
    // The open proposal of each run need (the last, should a need have two).
    let mut before: Vec<Option<&str>> = vec![None; ctx.needs.len()];
    let mut k = 0;
    for (i, need) in ctx.needs.iter().enumerate() {
        let id = need.need_id.as_str();
        while open.get(k).is_some_and(|o| o.0 < id) {
            k += 1;
        }
        while let Some(o) = open.get(k).filter(|o| o.0 == id) {
            before[i] = Some(o.1);
            k += 1;
        }
    }
    let mut kept: Vec<Change> = Vec::new();
    let mut kept_needs: Vec<(&Need, &Pair)> = Vec::new();
    if !kept_of.is_empty() {
        for n in &prep.all_needs {
            if let Some(&p) = kept_of.get(n.need_id.as_str()) {
                kept.push(Change {
                    need_id: n.need_id.clone(),
                    change: ChangeKind::Kept,
                    previous_resource_id: Some(p.resource_id.clone()),
                    resource_id: Some(p.resource_id.clone()),
                });
                kept_needs.push((n, p));
            }
        }
        kept.sort_by(|a, b| a.need_id.cmp(&b.need_id));
        kept_needs.sort_by(|a, b| a.0.need_id.cmp(&b.0.need_id));
    }
    let mut kept = kept.into_iter().peekable();
    let mut changes = Vec::with_capacity(prep.all_needs.len());
    for (i, need) in ctx.needs.iter().enumerate() {
        while let Some(c) = kept.next_if(|c| c.need_id < need.need_id) {
            changes.push(c);
        }
        let (b, a) = (before[i], resource_of(ctx.assigned_to[i]));
        let kind = match (b, a) {
            (Some(b), Some(a)) if a == b => ChangeKind::Unchanged,
            (Some(_), Some(_)) => ChangeKind::Moved,
            (Some(_), None) => ChangeKind::Dropped,
            (None, Some(_)) => ChangeKind::New,
            (None, None) => ChangeKind::Unmatched,
        };
        changes.push(Change {
            need_id: need.need_id.clone(),
            change: kind,
            previous_resource_id: b.map(str::to_owned),
            resource_id: a.map(str::to_owned),
        });
    }
    changes.extend(kept);

    // The next state: fixed and history pairs stay; open proposals stay if unchanged
    // (taking the run's score, tier and amount); new proposals for the rest of the
    // matched needs. The rows of `assignments` are in need order too.
    let as_of = options.as_of;
    let mut rows = result.assignments.iter().peekable();
    let mut stays = Vec::with_capacity(prep.pairs.len());
    for (p, &f) in prep.pairs.iter().zip(&prep.fixed) {
        if f || p.status != PairStatus::Proposed {
            stays.push(None);
            continue;
        }
        while rows.next_if(|a| a.need_id < p.need_id).is_some() {}
        stays.push(Some(
            rows.peek()
                .filter(|a| a.need_id == p.need_id && a.resource_id == p.resource_id)
                .copied(),
        ));
    }
    let mut fresh: Vec<Pair> = Vec::new();
    // One assignment row per matched need, in need order.
    let matched = (0..ctx.needs.len()).filter(|&i| ctx.assigned_to[i] != u32::MAX);
    for (i, a) in matched.zip(&result.assignments) {
        if before[i] == Some(a.resource_id.as_str()) {
            continue;
        }
        fresh.push(Pair {
            need_id: a.need_id.clone(),
            household_id: a.household_id.clone(),
            resource_id: a.resource_id.clone(),
            provider_id: a.provider_id.clone(),
            amount: a.quantity,
            tier: a.tier,
            score: a.score,
            status: PairStatus::Proposed,
            proposed_at: as_of,
            updated_at: as_of,
            declined_by: None,
            reason: None,
        });
    }
    let kept_rows = kept_rows(&kept_needs, &prep.policy);
    drop(kept_needs);
    let n_previous = prep.pairs.len();
    let mut staying = prep
        .pairs
        .into_iter()
        .zip(stays)
        .filter_map(|(mut p, stay)| match stay {
            None => Some(p),
            Some(Some(a)) => {
                p.score = a.score;
                p.tier = a.tier;
                p.amount = a.quantity;
                Some(p)
            }
            Some(None) => None,
        })
        .peekable();
    // Both lists are in pair order (the new pairs one per need, in need order; the
    // state's as `prepare` left them): merged, a new pair first on equal keys, as a
    // stable sort of the new pairs followed by the others would order them; `sort_pairs`
    // then only checks the order. The merge spares sorting a million records.
    let mut pairs: Vec<Pair> = Vec::with_capacity(fresh.len() + n_previous);
    for p in fresh {
        while let Some(q) = staying.next_if(|q| pair_key(q) < pair_key(&p)) {
            pairs.push(q);
        }
        pairs.push(p);
    }
    pairs.extend(staying);
    sort_pairs(&mut pairs);
    let state = State {
        snapshot: Snapshot {
            format: SNAPSHOT_FORMAT.to_owned(),
            engine_version: result.summary.engine_version.clone(),
            run_date: as_of,
            input_sha256: result.summary.input_sha256.clone(),
            policy_sha256: result.summary.policy_sha256.clone(),
            rules: prep.rules.clone(),
            pairs,
            prices: Arc::new(IdPrices::of_result(&result)),
            first_solve: FirstSolvePair::of_result(&result),
        },
        inputs: Inputs {
            needs: prep.all_needs,
            resources: prep.supply,
            exclusions: previous.inputs.exclusions.clone(),
        },
        policy: prep.policy,
        held: Held(Some(result.ctx.clone())),
    };
    add_kept(&mut result, kept_rows);
    let mut counts = std::collections::BTreeMap::new();
    for k in [
        ChangeKind::Kept,
        ChangeKind::Unchanged,
        ChangeKind::Moved,
        ChangeKind::Dropped,
        ChangeKind::New,
        ChangeKind::Unmatched,
    ] {
        counts.insert(k.as_str().to_owned(), 0u64);
    }
    for c in &changes {
        *counts.entry(c.change.as_str().to_owned()).or_insert(0) += 1;
    }
    let summary = RematchSummary {
        previous_run_date: Some(previous.snapshot.run_date),
        run_date: Some(as_of),
        outcomes: prep.outcome_counts,
        kept_pairs: prep.fixed.iter().filter(|&&f| f).count() as u64,
        forbidden_pairs: prep.hook.forbidden.len() as u64,
        new_needs: prep.new_needs,
        removed_needs: prep.removed_needs,
        needs_in_run: prep.run_inputs.needs.len() as u64,
        warm: warm_report(
            &prep.hook,
            result.warm_mapped.unwrap_or_default(),
            options.warm,
        ),
        changes: counts,
        solve_ms,
        run_ms,
    };
    Ok(Rematch {
        result,
        changes,
        state,
        summary,
        run_inputs: prep.run_inputs,
    })
}
