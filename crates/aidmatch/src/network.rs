//! The network: needs as rows, resources as columns, households as groups.
//!
//! # The model
//!
//! ```text
//!   household ──(group capacity = policy.household.max_needs_per_round)──┐
//!   need i (row, supply 1, tier from the policy) ──arc (i,j), weight = score──▶ resource j
//!   resource j (column, capacity = effective capacity, see below)
//! ```
//!
//! Rows are the needs in (tier, division code, need id) order: the solver adds rows in
//! index order, so the most urgent needs are placed first, and within a tier the needs
//! of one place are neighbours. A search from a row explores the needs and resources of
//! its place; with rows in input order (ids carry no geography) those sit all over
//! memory, and at province scale that alone made the first solve 2.4x slower.
//!
//! A household with no more needs than the limit gets a group capacity one above its
//! number of needs: the same constraint (never binding), but the group is never full,
//! which keeps the solver's searches short.
//!
//! * Each need is matched at most once, to one resource, and then receives
//!   `amount = min(quantity, max_per_need)` from it (the whole quantity when the resource
//!   sets no `max_per_need`). A need is never split across resources, so it never gets
//!   more than its quantity, and no resource gives more than its `max_per_need` to one
//!   need.
//! * A resource takes at most `capacity` needs, and the amounts it gives sum to at most
//!   its `budget`.
//! * A household has at most `max_needs_per_round` needs matched in one round.
//! * Tier 1 needs are matched as many as possible, then tier 2, ...; then the total score
//!   is maximised (the solver's lexicographic optimum, `aidmatch_assign::sparse::solve`).
//!
//! # Budgets: a knapsack, and how it is solved
//!
//! With a budget, choosing which needs a resource takes is a knapsack problem (NP-hard
//! in general), because needs ask for different amounts. The engine turns each budget
//! into an *effective capacity* and re-solves exactly:
//!
//! 1. **Relaxation.** `cap_j = min(capacity_j, ⌊budget_j / a_min,j⌋)` where `a_min,j` is
//!    the smallest amount among the needs eligible for `j`. Every budget-feasible matching
//!    respects these capacities, so the optimum of this b-matching is an upper **bound**
//!    on the budgeted optimum (lexicographically: per tier, then score). When every
//!    eligible need of a resource asks for the same amount (the common case of a grant of
//!    a fixed sum, or any resource with a `max_per_need` below all requests) this
//!    capacity is *exactly* the budget, and the method is exact.
//! 2. **Tightening.** If the optimum overspends a budget, that resource's capacity is
//!    lowered to the number of its assigned needs that fit the budget when the smallest
//!    amounts are taken first, and the problem is solved again, exactly: an
//!    `aidmatch_assign::sparse::Session` started from the first optimum repairs only
//!    the needs over a lowered capacity (province: 35-75 ms a re-solve instead of a
//!    0.5 s pass over the arcs; the session's start costs one such pass). The final
//!    certificate is verified. Capacities only decrease, so this terminates; after
//!    [`MAX_BUDGET_SOLVES`] solves every budgeted capacity is set to the always-safe
//!    `⌊budget_j / a_max,j⌋` for one last solve.
//! 3. **Gap.** The summary reports the bound of step 1, the achieved objective, and their
//!    difference; `exact` is true when the bound is attained (then the result is proven
//!    optimal with the budgets too).
//!
//! Each solve is exact for its capacities and its certificate is verified by
//! `aidmatch_assign::verify::verify`; only the budget step can leave a (reported) gap.
//!
//! # Complexity
//! Building the problem is O(arcs) (the arcs are copied in row order). The
//! budget check after a solve is O(arcs + matched log matched).

use aidmatch_assign::{AssignError, Problem};

use crate::model::{Need, Quantity, Resource};

/// After this many solves the budget step falls back to the always-feasible capacities.
pub const MAX_BUDGET_SOLVES: u32 = 8;

/// Eligible arcs in compressed sparse row form: the arcs of need `i` are
/// `row_start[i]..row_start[i + 1]`, sorted by resource index.
#[derive(Debug, Clone, Default)]
pub(crate) struct Arcs {
    pub row_start: Vec<usize>,
    /// Resource index of every arc.
    pub res: Vec<u32>,
    /// Digits of the longest area prefix of the resource containing the need's region.
    pub prefix_len: Vec<u8>,
    /// Score of every arc (filled by scoring).
    pub score: Vec<i64>,
}

impl Arcs {
    pub(crate) fn len(&self) -> usize {
        self.res.len()
    }
    pub(crate) fn of(&self, row: usize) -> std::ops::Range<usize> {
        self.row_start[row]..self.row_start[row + 1]
    }
    /// The arc from `row` to resource `res`, if eligible. O(log degree).
    pub(crate) fn find(&self, row: usize, res: u32) -> Option<usize> {
        let r = self.of(row);
        let start = r.start;
        self.res[r].binary_search(&res).ok().map(|k| start + k)
    }
}

/// The fixed parts of the network.
#[derive(Debug, Clone)]
pub(crate) struct Shape<'a> {
    pub arcs: &'a Arcs,
    /// The need of every row: rows are the needs ordered by (tier, division code, need
    /// id), so that the solver, which adds rows in index order, places the most urgent
    /// needs first and rarely has to displace a less urgent one, and the rows a search
    /// visits lie close together in memory (see the module docs).
    pub order: &'a [u32],
    /// Tier of every need (1-based).
    pub tier: &'a [u8],
    /// Household index of every need.
    pub household: &'a [u32],
    pub n_households: usize,
    pub household_limit: u32,
    /// Places of the limit each household already used (kept pairs of a re-match).
    pub household_taken: &'a [u32],
    pub n_resources: usize,
}

/// Builds the solver's problem for given column capacities: row `r` is need
/// `shape.order[r]`. O(arcs): each need's arcs are copied in row order, already
/// sorted by resource, into the problem's own arrays ([`Problem::from_rows`]).
pub(crate) fn build_problem(
    shape: &Shape<'_>,
    col_capacity: &[u32],
) -> Result<Problem, AssignError> {
    let arcs = shape.arcs;
    let mut row_start = Vec::with_capacity(shape.order.len() + 1);
    let mut cols = Vec::with_capacity(arcs.len());
    let mut weights = Vec::with_capacity(arcs.len());
    row_start.push(0);
    for &need in shape.order {
        let range = arcs.of(need as usize);
        cols.extend_from_slice(&arcs.res[range.clone()]);
        weights.extend_from_slice(&arcs.score[range]);
        row_start.push(cols.len());
    }
    let mut b = Problem::from_rows(
        shape.order.len(),
        shape.n_resources,
        row_start,
        cols,
        weights,
    )?;
    b.row_tier(
        shape
            .order
            .iter()
            .map(|&i| u32::from(shape.tier[i as usize]))
            .collect(),
    );
    // A household with no more needs than the limit is never bound by it: its group gets
    // one place more than its needs, so that the group is never full (full groups cost
    // the solver wider searches) while the model stays the same.
    let mut group_capacity = vec![0u32; shape.n_households];
    for &h in shape.household {
        group_capacity[h as usize] += 1;
    }
    for (h, c) in group_capacity.iter_mut().enumerate() {
        let taken = shape.household_taken.get(h).copied().unwrap_or(0);
        let limit = shape.household_limit.saturating_sub(taken);
        *c = if *c > limit { limit } else { *c + 1 };
    }
    b.groups(
        shape
            .order
            .iter()
            .map(|&i| shape.household[i as usize] as usize)
            .collect(),
        group_capacity,
    );
    b.col_capacity(col_capacity.to_vec());
    // Those never-full groups only slow the searches: the problem goes to the solver
    // without them (`solve` would drop them itself, on a copy; a budget session solves
    // what it is given).
    let mut problem = b.into_problem()?;
    problem.drop_slack_groups();
    Ok(problem)
}

/// Per-resource amounts over the eligible arcs: (smallest, largest) in hundredths.
pub(crate) fn amount_range(
    arcs: &Arcs,
    needs: &[Need],
    per_need: &[Option<u64>],
) -> Vec<Option<(u64, u64)>> {
    let mut out: Vec<Option<(u64, u64)>> = vec![None; per_need.len()];
    for (row, need) in needs.iter().enumerate() {
        let quantity = need.quantity.hundredths();
        for a in arcs.of(row) {
            let j = arcs.res[a] as usize;
            let Some(cap) = per_need[j] else {
                continue;
            };
            let q = quantity.min(cap);
            out[j] = Some(match out[j] {
                None => (q, q),
                Some((lo, hi)) => (lo.min(q), hi.max(q)),
            });
        }
    }
    out
}

/// Per resource, what a budget counts: `None` without a budget, else the most one need
/// receives (`max_per_need`, hundredths; `u64::MAX` without one), so that a need's
/// amount is `min(quantity, cap)`, as [`crate::eligibility::amount`] gives it. A few
/// bytes a resource, read once per arc where the records would be a cache miss each.
pub(crate) fn budget_caps(resources: &[Resource]) -> Vec<Option<u64>> {
    resources
        .iter()
        .map(|r| {
            r.budget
                .map(|_| r.max_per_need.map_or(u64::MAX, Quantity::hundredths))
        })
        .collect()
}

/// Capacity allowed by a budget for needs of amount `per_need` (hundredths).
fn budget_cap(capacity: u32, budget: u64, per_need: u64) -> u32 {
    match budget.checked_div(per_need) {
        None => capacity,
        Some(n) => capacity.min(u32::try_from(n).unwrap_or(u32::MAX)),
    }
}

/// Step 1: the relaxed capacities (`⌊budget / a_min⌋`).
pub(crate) fn relaxed_capacities(resources: &[Resource], range: &[Option<(u64, u64)>]) -> Vec<u32> {
    resources
        .iter()
        .zip(range)
        .map(|(r, rg)| match (r.budget, rg) {
            (Some(b), Some((lo, _))) => budget_cap(r.capacity, b.hundredths(), *lo),
            _ => r.capacity,
        })
        .collect()
}

/// The fallback: capacities that no choice of needs can overspend (`⌊budget / a_max⌋`).
pub(crate) fn safe_capacities(
    resources: &[Resource],
    range: &[Option<(u64, u64)>],
    current: &[u32],
) -> Vec<u32> {
    resources
        .iter()
        .zip(range)
        .zip(current)
        .map(|((r, rg), &cur)| match (r.budget, rg) {
            (Some(b), Some((_, hi))) => cur.min(budget_cap(r.capacity, b.hundredths(), *hi)),
            _ => cur,
        })
        .collect()
}

/// Step 2: for each resource whose assigned amounts exceed its budget, the capacity
/// that keeps the smallest assigned amounts within it. `assigned[j]` lists the amounts
/// (hundredths) given by resource `j`. Returns the resources tightened.
pub(crate) fn tighten(
    resources: &[Resource],
    assigned: &mut [Vec<u64>],
    caps: &mut [u32],
) -> Vec<usize> {
    let mut changed = Vec::new();
    for (j, r) in resources.iter().enumerate() {
        let Some(budget) = r.budget else { continue };
        let amounts = &mut assigned[j];
        let total: u128 = amounts.iter().map(|&q| u128::from(q)).sum();
        if total <= u128::from(budget.hundredths()) {
            continue;
        }
        amounts.sort_unstable();
        let mut sum: u128 = 0;
        let mut fit = 0u32;
        for &q in amounts.iter() {
            sum += u128::from(q);
            if sum > u128::from(budget.hundredths()) {
                break;
            }
            fit += 1;
        }
        caps[j] = caps[j].min(fit);
        changed.push(j);
    }
    changed
}
