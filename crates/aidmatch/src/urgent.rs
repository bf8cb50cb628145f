//! Emergency insertion (急难): one new need matched at once, between rounds.
//!
//! # Method
//!
//! [`UrgentIndex::new`] prepares, once per state, what the insertion needs: the
//! candidate index of the supply, the places and budget each resource has left after
//! every pair that holds a place (proposed, accepted, delivered; proposals past their
//! expiry hold none), the active pairs of each household, the exclusions, and for each
//! resource the lowest-priority (highest) tier among its open proposals.
//! O(resources · areas + pairs).
//!
//! [`UrgentIndex::place`] then matches the need against the **remaining** capacity:
//! among its eligible resources (the engine's own eligibility checks and score) that
//! still have a place and enough budget, the best-scored (ties: smallest resource id),
//! unless its household already has `max_needs_per_round` active pairs. Every other
//! pair stays where it is, so this is the exact optimum of inserting one row into the
//! current solution with the rest fixed. O(candidates of the need).
//!
//! When no eligible resource has room and [`LoopRules::urgent_may_displace`] is set and
//! some eligible resource holds an open (not accepted) proposal of a lower priority tier
//! than the emergency need, [`insert_urgent`] re-matches the whole state exactly with
//! the need added ([`crate::rematch::rematch`], warm-started from the current solution
//! and prices; accepted and delivered pairs stay fixed). The lexicographic optimum then
//! gives the need a place taken from a lower tier, and the displaced needs are matched
//! again in the same call; [`UrgentResult::changes`] lists what moved.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::date::Date;
use crate::eligibility::{CheckEnv, PairSet, ResourceIndex, amount, check_rest};
use crate::error::{Error, InputProblem, ProblemKind};
use crate::model::{Need, Resource};
use crate::outcome::{Continuity, LoopRules, Pair, PairStatus, apply_outcomes};
use crate::policy::Policy;
use crate::rematch::{Change, RematchOptions, rematch};
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

/// The prepared state for insertions (see the module docs).
#[derive(Debug)]
pub struct UrgentIndex<'a> {
    state: &'a State,
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
    household_active: HashMap<&'a str, u32>,
    excluded: HashSet<(&'a str, &'a str)>,
    continuing: HashSet<(&'a str, &'a str)>,
    need_ids: HashSet<&'a str>,
    /// The pairs after expiry at `as_of`.
    pairs: Vec<Pair>,
}

impl<'a> UrgentIndex<'a> {
    /// Prepares insertions into `state` on `as_of`. O(resources · areas + pairs).
    ///
    /// # Errors
    /// [`Error::Policy`] if the state's policy is invalid.
    pub fn new(state: &'a State, as_of: Date) -> Result<UrgentIndex<'a>, Error> {
        state.policy.validate()?;
        let policy = state.policy.normalized();
        let rules = state.snapshot.rules.clone();
        let mut pairs = state.snapshot.pairs.clone();
        // Expiry only (no feedback rows): cannot fail.
        apply_outcomes(&mut pairs, &[], &rules, as_of)?;
        let resources = &state.inputs.resources;
        let pos: HashMap<&str, usize> = resources
            .iter()
            .enumerate()
            .map(|(j, r)| (r.resource_id.as_str(), j))
            .collect();
        let mut room: Vec<u32> = resources.iter().map(|r| r.capacity).collect();
        let mut budget_left: Vec<Option<u64>> = resources
            .iter()
            .map(|r| r.budget.map(|b| b.hundredths()))
            .collect();
        let mut worst_open_tier = vec![0u8; resources.len()];
        let mut household_active: HashMap<&str, u32> = HashMap::new();
        let mut continuing = HashSet::new();
        for (k, p) in pairs.iter().enumerate() {
            if !p.status.holds_place() {
                continue;
            }
            let orig = &state.snapshot.pairs[k];
            *household_active
                .entry(orig.household_id.as_str())
                .or_default() += 1;
            let j = pos.get(p.resource_id.as_str()).copied();
            // Continuity relations as in a re-match: kept pairs.
            let hard_kept = rules.continuity == Continuity::Keep
                && p.status == PairStatus::Proposed
                && j.is_some_and(|j| rules.continuing_kinds.contains(&resources[j].provider_kind));
            if p.status.is_kept() || hard_kept {
                continuing.insert((orig.household_id.as_str(), orig.provider_id.as_str()));
            }
            if let Some(j) = j {
                room[j] = room[j].saturating_sub(1);
                if let Some(b) = &mut budget_left[j] {
                    *b = b.saturating_sub(p.amount.hundredths());
                }
                if p.status == PairStatus::Proposed && !hard_kept {
                    worst_open_tier[j] = worst_open_tier[j].max(p.tier);
                }
            }
        }
        let excluded = state
            .inputs
            .exclusions
            .iter()
            .map(|e| (e.household_id.as_str(), e.provider_id.as_str()))
            .collect();
        Ok(UrgentIndex {
            state,
            scorer: Scorer::new(&policy.score, as_of),
            index: ResourceIndex::build(resources),
            policy,
            rules,
            as_of,
            room,
            budget_left,
            worst_open_tier,
            household_active,
            excluded,
            continuing,
            need_ids: state
                .inputs
                .needs
                .iter()
                .map(|n| n.need_id.as_str())
                .collect(),
            pairs,
        })
    }

    /// The best free place for `need` (see the module docs). O(candidates).
    pub fn place(&self, need: &Need) -> Placement {
        let resources = &self.state.inputs.resources;
        let tier = self
            .policy
            .tier_of(need.urgency, |s| need.statuses.contains(s));
        let no_exclusions = PairSet::default();
        let env = CheckEnv {
            as_of: self.as_of,
            excluded: &no_exclusions,
        };
        let household_full = self
            .household_active
            .get(need.household_id.as_str())
            .copied()
            .unwrap_or(0)
            >= self.policy.household.max_needs_per_round;
        let nt = self.scorer.need_terms(need);
        let mut cand = Vec::new();
        self.index.candidates(need, &mut cand);
        let mut best: Option<(usize, i64)> = None;
        let mut eligible = 0;
        let mut displaceable = false;
        for &(r, len) in &cand {
            let j = r as usize;
            let res: &Resource = &resources[j];
            if !check_rest(env, need, 0, res, 0).is_empty()
                || self
                    .excluded
                    .contains(&(need.household_id.as_str(), res.provider_id.as_str()))
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
            let cont = self
                .continuing
                .contains(&(need.household_id.as_str(), res.provider_id.as_str()));
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

/// The result of an emergency insertion.
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
    /// Time of [`UrgentIndex::new`].
    pub prepare_time: Duration,
    /// Time of [`UrgentIndex::place`] (and of the re-match when displacing).
    pub insert_time: Duration,
}

/// The report of an insertion as serialised (see [`UrgentResult::to_json`]).
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

impl UrgentResult {
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
    /// `score`, `tier`, `reason`, `changes` (as in `changes.csv`) and `insert_ms`. The
    /// next state is separate: [`crate::snapshot::State::to_json`] of
    /// [`UrgentResult::state`].
    pub fn to_json(&self) -> String {
        // Serialising strings, integers and finite floats cannot fail.
        serde_json::to_string(&self.doc()).unwrap_or_default()
    }

    /// Writes the next state (see [`crate::snapshot`]) and `urgent.json`
    /// ([`UrgentResult::to_json`], pretty-printed) into `dir` (created if missing), each
    /// file atomically.
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that failed.
    pub fn write_dir(&self, dir: &std::path::Path) -> Result<(), Error> {
        self.state.save(dir)?;
        crate::report::write_atomic(dir, "urgent.json", |w| {
            serde_json::to_writer_pretty(&mut *w, &self.doc()).map_err(std::io::Error::other)?;
            std::io::Write::write_all(w, b"\n")
        })
    }
}

/// Inserts one emergency need into a state on `as_of` (see the module docs).
///
/// # Errors
/// [`Error::Invalid`] when the need id is already in the state; the re-match's errors
/// when displacing.
pub fn insert_urgent(state: &State, need: Need, as_of: Date) -> Result<UrgentResult, Error> {
    let clock = Instant::now();
    let idx = UrgentIndex::new(state, as_of)?;
    let prepare_time = clock.elapsed();
    if idx.need_ids.contains(need.need_id.as_str()) {
        return Err(Error::Invalid {
            problems: vec![InputProblem {
                file: "need".to_owned(),
                row: 1,
                column: "need_id".to_owned(),
                value: need.need_id.clone(),
                kind: ProblemKind::DuplicateId,
                message: format!("need_id {:?} is already in the state", need.need_id),
            }],
            truncated: false,
        });
    }
    let clock = Instant::now();
    let placement = idx.place(&need);
    let mut insert_time = clock.elapsed();
    if let Some((j, s)) = placement.best {
        let res = &state.inputs.resources[j];
        let mut pairs = idx.pairs.clone();
        pairs.push(Pair {
            need_id: need.need_id.clone(),
            household_id: need.household_id.clone(),
            resource_id: res.resource_id.clone(),
            provider_id: res.provider_id.clone(),
            amount: amount(&need, res),
            tier: placement.tier,
            score: s,
            status: PairStatus::Proposed,
            proposed_at: as_of,
            updated_at: as_of,
            declined_by: None,
            reason: None,
        });
        sort_pairs(&mut pairs);
        let mut next = state.clone();
        next.snapshot.pairs = pairs;
        next.inputs.needs.push(need.clone());
        return Ok(UrgentResult {
            need_id: need.need_id.clone(),
            mode: UrgentMode::FreePlace,
            resource_id: Some(res.resource_id.clone()),
            score: Some(s),
            tier: placement.tier,
            reason: None,
            changes: Vec::new(),
            state: next,
            prepare_time,
            insert_time,
        });
    }
    if placement.displaceable && idx.rules.urgent_may_displace {
        let clock = Instant::now();
        let need_id = need.need_id.clone();
        let r = rematch(state, &[], vec![need], None, &RematchOptions::new(as_of))?;
        insert_time += clock.elapsed();
        let mine = r.result.assignments.iter().find(|a| a.need_id == need_id);
        let changes: Vec<Change> = r
            .changes
            .iter()
            .filter(|c| {
                c.need_id == need_id
                    || !matches!(
                        c.change,
                        crate::rematch::ChangeKind::Kept
                            | crate::rematch::ChangeKind::Unchanged
                            | crate::rematch::ChangeKind::Unmatched
                    )
            })
            .cloned()
            .collect();
        return Ok(UrgentResult {
            need_id: need_id.clone(),
            mode: if mine.is_some() {
                UrgentMode::Displaced
            } else {
                UrgentMode::Unmatched
            },
            resource_id: mine.map(|a| a.resource_id.clone()),
            score: mine.map(|a| a.score),
            tier: placement.tier,
            reason: mine.is_none().then_some("capacity_exhausted"),
            changes,
            state: r.state,
            prepare_time,
            insert_time,
        });
    }
    let reason = if placement.household_full {
        "household_limit"
    } else if placement.eligible == 0 {
        "no_eligible_resource"
    } else {
        "capacity_exhausted"
    };
    let mut next = state.clone();
    next.snapshot.pairs = idx.pairs.clone();
    let need_id = need.need_id.clone();
    next.inputs.needs.push(need);
    Ok(UrgentResult {
        need_id,
        mode: UrgentMode::Unmatched,
        resource_id: None,
        score: None,
        tier: placement.tier,
        reason: Some(reason),
        changes: Vec::new(),
        state: next,
        prepare_time,
        insert_time,
    })
}
