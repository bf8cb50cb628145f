//! Carrying a previous run's eligible pairs and scores over to a re-match.
//!
//! A re-match of a state kept in memory (made by [`crate::snapshot::State::from_run`] or
//! by a re-match) runs the engine on almost the same lists as the run before it: a few
//! needs added, fixed or removed, some pairs declined, a week later. Eligibility and
//! scoring, a pass over every candidate pair of every need, would give most needs the
//! same pairs again. This module decides, per need, whether the previous run's pairs and
//! scores of that need are exactly what this run would compute, and the engine copies
//! them instead of checking and scoring again.
//!
//! # When a need's pairs carry over
//!
//! The eligible pairs of a need and their scores are a function of: the need's record;
//! the records of its candidate resources and, through their validity dates, the run
//! date; the policy; the exclusions; the declined (forbidden) pairs of the need; the
//! continuity pairs of its household; and the run date through the waiting-time term.
//! The whole carry-over is off (every need computed afresh) unless the policy, the
//! exclusions and the resource ids (in order) are the same as the previous run's. Then a
//! need's pairs carry over when it was in the previous run with an equal record and at
//! least one eligible pair, its forbidden pairs are the same, and none of the resources
//! it could be a candidate of changed in a way that could give it a pair it did not
//! have (found with small indexes of the changed resources only):
//!
//! - a resource whose record differs in a field the checks or scores read, or that is
//!   open on one run date and not the other, or whose capacity rose from zero, sends
//!   every need it could serve back to the checks;
//! - a resource whose budget alone rose (places of failed pairs given back) sends back
//!   only the needs whose amount its old budget could not give;
//! - a resource whose budget fell or whose capacity changed otherwise (places taken by
//!   kept pairs) sends no need back: a carried need's pairs with it are checked again
//!   and kept if they still pass.
//!
//! A carried need's scores then differ from the previous ones by the change of its
//! waiting-time term alone (a score is the sum of its terms, and that term depends on
//! the need and the run date only), which is added; if its household's continuity pairs
//! changed, its scores are computed afresh instead. Everything else is computed as in a
//! cold run, so the run's eligible pairs and scores are identical to a cold run's (the
//! tests compare whole re-match results with and without the carry-over).
//!
//! Needs without an eligible pair are always recomputed: their diagnosis names the run
//! date. The cost is O(needs + resources + forbidden pairs + continuity pairs) comparisons
//! and lookups in the indexes of the changed resources, instead of O(candidate pairs)
//! checks.

use std::collections::HashSet;

use crate::date::Date;
use crate::eligibility::{ResourceIndex, amount};
use crate::engine::{Context, PreviousPair};
use crate::model::{Exclusion, Need, Resource};
use crate::policy::Policy;
use crate::rematch::{forbidden_key, forbidden_pair};

/// What a run carries over from the previous run (see the [module docs](self)).
pub(crate) struct Carry<'a> {
    /// The previous run.
    pub held: &'a Context,
    /// Previous need index of each need of the run; `u32::MAX` for new ones and those
    /// whose forbidden pairs changed.
    from: Vec<u32>,
    /// The resources that changed otherwise ([`Change::Other`]).
    changed: ResourceIndex,
    /// The resources whose change can only remove pairs ([`Change::Tightened`]).
    tightened: Vec<bool>,
    /// The resources whose budget rose ([`Change::Loosened`]), and the budget each had
    /// in the previous run (hundredths; `u64::MAX` for none).
    loosened: ResourceIndex,
    held_budget: Vec<u64>,
    /// The run's resources.
    resources: &'a [Resource],
    /// Households whose continuity pairs changed.
    households: HashSet<&'a str>,
}

/// A need whose eligible pairs carry over.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Carried {
    /// Its index in the previous run.
    pub from: usize,
    /// Its household's continuity pairs changed: the pairs carry over, the scores are
    /// computed afresh.
    pub rescore: bool,
}

/// What the run knows that decides the carry-over, besides the previous run.
pub(crate) struct RunFacts<'a> {
    pub policy: &'a Policy,
    pub as_of: Date,
    /// The run's needs and resources, sorted by id.
    pub needs: &'a [Need],
    pub resources: &'a [Resource],
    /// Sorted.
    pub exclusions: &'a [Exclusion],
    /// Sorted, deduplicated.
    pub previous: &'a [PreviousPair],
    /// The run's forbidden pairs ([`crate::rematch::forbids`]).
    pub forbidden: &'a HashSet<u64>,
}

impl<'a> Carry<'a> {
    /// The carry-over from `held` to a run, or `None` when nothing carries over (another
    /// policy, other exclusions, other resource ids). O(needs + resources + forbidden
    /// pairs + continuity pairs).
    pub(crate) fn plan(held: &'a Context, run: &RunFacts<'a>) -> Option<Carry<'a>> {
        if held.policy != *run.policy
            || held.exclusions.as_slice() != run.exclusions
            || held.resources.len() != run.resources.len()
            || held
                .resources
                .iter()
                .zip(run.resources)
                .any(|(a, b)| a.resource_id != b.resource_id)
        {
            return None;
        }
        let change: Vec<Change> = held
            .resources
            .iter()
            .zip(run.resources)
            .map(|(a, b)| Change::of(a, held.as_of, b, run.as_of))
            .collect();
        let changed = ResourceIndex::build_subset(run.resources, |j| change[j] == Change::Other);
        let loosened =
            ResourceIndex::build_subset(run.resources, |j| change[j] == Change::Loosened);
        let tightened: Vec<bool> = change.iter().map(|&c| c == Change::Tightened).collect();
        // Both need lists are sorted by id: one walk maps them both ways.
        let mut from = vec![u32::MAX; run.needs.len()];
        let mut to = vec![u32::MAX; held.needs.len()];
        let mut o = 0;
        for (i, need) in run.needs.iter().enumerate() {
            let id = need.need_id.as_str();
            while held.needs.get(o).is_some_and(|h| h.need_id.as_str() < id) {
                o += 1;
            }
            if held.needs.get(o).is_some_and(|h| h.need_id == id) {
                from[i] = o as u32;
                to[o] = i as u32;
            }
        }
        // A need whose forbidden pairs differ (either way) is computed afresh.
        for &k in run.forbidden {
            let (i, j) = forbidden_pair(k);
            if let Some(&o) = from.get(i).filter(|&&o| o != u32::MAX)
                && !held.forbidden.contains(&forbidden_key(o as usize, j))
            {
                from[i] = u32::MAX;
            }
        }
        for &k in &held.forbidden {
            let (o, j) = forbidden_pair(k);
            if let Some(&i) = to.get(o).filter(|&&i| i != u32::MAX)
                && !run.forbidden.contains(&forbidden_key(i as usize, j))
            {
                from[i as usize] = u32::MAX;
            }
        }
        Some(Carry {
            held,
            from,
            changed,
            tightened,
            loosened,
            held_budget: held.resources.iter().map(budget).collect(),
            resources: run.resources,
            households: changed_households(&held.previous_pairs, run.previous),
        })
    }

    /// Whether need `i`'s pairs (and scores) carry over. `scratch` is working space.
    /// O(prefix lengths of the changed and loosened resources + their candidates).
    pub(crate) fn row(
        &self,
        i: usize,
        need: &Need,
        scratch: &mut Vec<(u32, u8)>,
    ) -> Option<Carried> {
        let o = *self.from.get(i).filter(|&&o| o != u32::MAX)? as usize;
        let held = self.held;
        if held.arcs.of(o).is_empty() || held.needs[o] != *need {
            return None;
        }
        self.changed.candidates(need, scratch);
        if !scratch.is_empty() {
            return None;
        }
        // A higher budget admits the needs whose amount the old one could not give.
        self.loosened.candidates(need, scratch);
        for &(r, _) in scratch.iter() {
            let res = &self.resources[r as usize];
            if amount(need, res).hundredths() > self.held_budget[r as usize] {
                return None;
            }
        }
        Some(Carried {
            from: o,
            rescore: self.households.contains(need.household_id.as_str()),
        })
    }

    /// True if a carried pair with resource `r` must pass the checks again
    /// ([`Change::Tightened`]). O(1).
    #[inline]
    pub(crate) fn recheck(&self, r: u32) -> bool {
        self.tightened[r as usize]
    }
}

/// How a resource changed between the previous run and this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Change {
    None,
    /// Only a lower budget, or a capacity down to zero, or another capacity (places
    /// taken by kept pairs): the checks can only fail where they passed, and no score
    /// depends on either, so a carried need keeps those of its pairs with the resource
    /// that pass the checks again.
    Tightened,
    /// Only a higher budget (places of failed kept pairs given back), capacity not
    /// zero: every pair passes again, and the needs whose amount exceeds the old budget
    /// are computed afresh.
    Loosened,
    /// Anything else (a date, a field the checks or scores read, a capacity up from
    /// zero): the needs it may be a candidate of are computed afresh.
    Other,
}

/// A resource's budget in hundredths; `u64::MAX` for none (no limit).
fn budget(r: &Resource) -> u64 {
    r.budget.map_or(u64::MAX, |b| b.hundredths())
}

impl Change {
    fn of(held: &Resource, held_as_of: Date, run: &Resource, as_of: Date) -> Change {
        if held.is_open_on(held_as_of) != run.is_open_on(as_of) {
            return Change::Other;
        }
        if held == run {
            return Change::None;
        }
        let same_otherwise = Resource {
            capacity: held.capacity,
            budget: held.budget,
            ..run.clone()
        } == *held;
        if !same_otherwise || (held.capacity == 0 && run.capacity > 0) {
            Change::Other
        } else if budget(run) <= budget(held) || run.capacity == 0 {
            Change::Tightened
        } else {
            Change::Loosened
        }
    }
}

/// Households with a continuity pair in one list and not the other (both sorted).
fn changed_households<'a>(a: &'a [PreviousPair], b: &'a [PreviousPair]) -> HashSet<&'a str> {
    let mut out = HashSet::new();
    let (mut x, mut y) = (a.iter().peekable(), b.iter().peekable());
    loop {
        match (x.peek(), y.peek()) {
            (Some(p), Some(q)) if p == q => {
                x.next();
                y.next();
            }
            (Some(p), Some(q)) if p < q => {
                out.insert(p.household_id.as_str());
                x.next();
            }
            (_, Some(q)) => {
                out.insert(q.household_id.as_str());
                y.next();
            }
            (Some(p), None) => {
                out.insert(p.household_id.as_str());
                x.next();
            }
            (None, None) => return out,
        }
    }
}
