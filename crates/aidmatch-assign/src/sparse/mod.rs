//! Exact maximum-weight b-matching (bipartite transportation) on a sparse [`Problem`].
//!
//! # The model
//!
//! Rows `i` have a supply `a_i`, columns `j` a capacity `b_j`, arcs `a = (i, j)` a
//! capacity `u_a` and an integer weight `w_a`; rows may belong to groups `g` with a
//! group capacity. Rows carry tiers; the compound weight `c_a = w_a + bonus(tier(i))`
//! (see [`Problem::tier_bonuses`]) makes the optimum lexicographic: most tier-1 units
//! first, then tier 2, …, then the most weight. [`solve`] finds integer flows `x_a`
//!
//! ```text
//! maximise   Σ_a c_a x_a
//! subject to Σ_{a from i} x_a ≤ a_i,   Σ_{a into j} x_a ≤ b_j,   Σ_{a from rows of g} x_a ≤ G_g,
//!            0 ≤ x_a ≤ u_a  integer.
//! ```
//!
//! Nobody is forced to be matched: an arc of negative weight is used only when a tier
//! bonus makes it worthwhile. The result carries dual prices that prove optimality
//! (see [`Matching`]); [`crate::verify::verify`] checks them independently.
//!
//! # The algorithm
//!
//! The problem is a min-cost circulation on `O → group → row → column → O`, with one
//! hub `O`. Independent connected components (union-find over arcs and groups) are
//! solved separately, in parallel with rayon when [`Options::parallel`] is set, and
//! merged in a fixed order, so the output is bit-identical for any number of threads.
//!
//! Within a component, the nodes of one side are added one at a time, in index order,
//! keeping the flow optimal for the nodes added so far (the successive-shortest-path /
//! Hungarian scheme of LAPJV's augmentation phase, generalised to capacities, groups
//! and an optional match). Which side: the scarce one (total column capacity at most
//! the total row supply, or rows in groups: columns; otherwise rows), so that the other
//! side has free capacity that ends the searches early.
//!
//! * *By rows.* A new row gets the largest reduced profit among its arcs as its
//!   price; that price is the *gap* it may spend. A Dijkstra search over reduced costs
//!   from the row looks for an augmenting cycle back to the row's group (or to `O`),
//!   pruning every label at the gap, which is the value of leaving the unit unmatched.
//! * *By columns.* The mirror image: a new column gets the price that makes all its
//!   arcs non-negative, and a Dijkstra search *backwards* from the column, over a
//!   column-major index of the arcs, looks for the cheapest way to fill it. Each
//!   column's entries are sorted lazily, heaviest first, a few at a time (a selection,
//!   then a small sort), and scanned only while a lower bound on the label they can
//!   give is below the heap's minimum; in a crowded market a search touches a handful
//!   of entries of a column of hundreds.
//!
//! A search pushes no label at or above its target's current label. In a row search,
//! a column with room labels the hub as soon as the column itself is labelled
//! (through that tentative path, improved with it), so the nearest free capacity bounds
//! the search from the moment it is seen; labels beyond it are never pushed (on the
//! province network this halves the labels a search pushes and the first solve's time).
//!
//! Each augmentation or failed search ends with the usual potential update, which
//! keeps every residual reduced cost non-negative; at the end the potentials are the
//! certificate's prices. Backward arcs are never materialised: a column keeps the
//! short list of arcs that carry flow into it, and the forward arcs are the
//! [`Problem`]'s own CSR.
//!
//! Arithmetic is `i64` when every tier bonus is at most 2^61 (in particular without
//! tiers), `i128` otherwise; every sum involving prices is checked, and an `i64`
//! overflow re-solves the component in `i128`. Nothing ever wraps.
//!
//! [`solve_warm`] starts from a previous flow and prices: it installs them, drops flow
//! that is infeasible, takes out every row that violates a reduced-cost condition
//! (after edits: changed arcs, new rows), repairs columns that lost flow but kept a
//! positive price by backward searches from the column, and then adds the rows taken
//! out by forward searches. The searches touch little more than the edits; the
//! linear passes over all arcs (checking every reduced cost, and building the column
//! index when some column needs a repair) are what a warm solve costs at scale.
//!
//! [`Session`] removes those passes: it keeps the problem, flows, potentials and the
//! column index between solves, records edits (capacities, supplies, forbidden arcs,
//! appended or removed rows) and repairs only what they touched, in `O(nodes)` plus
//! the searches; one inserted row is one forward search (see its module docs).
//!
//! # Complexity
//!
//! Time: `O(F · (m + n log n))` in the worst case for `F` augmentations (at most the
//! total supply) on a component with `m` arcs and `n` nodes; in practice each search
//! is pruned at the gap and explores a small neighbourhood. Components are found in
//! `O(m α(n))`. Space: the problem's CSR plus `O(n)` words per node, one `u32` flow
//! per arc, and one entry per arc carrying flow; solving by columns (and a warm repair
//! of a column) adds the column index, 16 bytes per arc with `i64` arithmetic (32 with
//! `i128`). A row search whose group is full never scans the residual arcs of `O`
//! (`O(n)`), which would settle every node closer than the group, a whole region when
//! the row's gap is a tier bonus: a full group's potential is first lifted to its
//! weakest member's (`lift_group`: a row that does not beat a sibling then has no gap
//! and no search); a search ends as soon as its target (or the hub, for a group with
//! room) is labelled at the current distance instead of after the plateau of equal
//! labels before it; when the hub is reached, a breadth-first search over arcs of zero
//! reduced cost, backwards from the full group, looks for the sibling swap that costs
//! nothing more; and failing that, the search is finished by a backward Dijkstra from
//! the group that stops at the forward search's tree (`through_hub`, exact: its
//! docs give the argument). Both need the column index, built on first use.
//! Untiered grouped components are solved by columns, whose backward searches never
//! expand `O`; warm starts add rows by row searches, with the same shortcuts.
//!
//! # Example
//!
//! Two rows compete for column 0, which has room for one unit; column 1 has room for
//! two but only row 1 reaches it:
//!
//! ```
//! use aidmatch_assign::{sparse, ProblemBuilder};
//!
//! let mut b = ProblemBuilder::new(2, 2);
//! b.arc(0, 0, 5).arc(1, 0, 7).arc(1, 1, 4);
//! b.col_capacity(vec![1, 2]);
//! let problem = b.build()?;
//! let m = sparse::solve(&problem, &sparse::Options::default())?;
//! // Row 0 takes column 0 (5) and row 1 column 1 (4): 9 beats 7.
//! assert_eq!(m.pairs(&problem).collect::<Vec<_>>(), vec![(0, 0, 1), (1, 1, 1)]);
//! assert_eq!(m.weight(&problem), 9);
//! # Ok::<(), aidmatch_assign::AssignError>(())
//! ```

mod cost;
mod session;
mod solver;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use rayon::prelude::*;

use crate::{AssignError, Matching, Problem};
pub use session::Session;
use solver::{Drive, Fail, LocalWarm, Outcome, Part, Shared, Solver};

/// How to run a sparse solve. The default solves in parallel, without a cancel flag.
#[derive(Debug, Clone)]
pub struct Options {
    /// Solve independent components (and build the column index) in parallel on
    /// rayon's current pool (default true). The result is the same either way.
    pub parallel: bool,
    /// Set by the caller from another thread to abandon the solve:
    /// [`AssignError::Interrupted`].
    pub cancel: Option<Arc<AtomicBool>>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            parallel: true,
            cancel: None,
        }
    }
}

/// A previous solution expressed in the new problem's index space.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WarmStart {
    /// `(row, col, units)`; pairs whose arc no longer exists are dropped, units beyond
    /// the arc's capacity are cut, and duplicate pairs add up.
    pub pairs: Vec<(u32, u32, u32)>,
    /// Row prices (empty = all zero).
    pub row_price: Vec<i128>,
    /// Column prices (empty = all zero).
    pub col_price: Vec<i128>,
    /// Group prices (empty = all zero).
    pub group_price: Vec<i128>,
}

impl WarmStart {
    /// The warm start of `m` on the problem it solves (same index space); callers map
    /// its rows and columns when the problem changes.
    pub fn from_matching(problem: &Problem, m: &Matching) -> WarmStart {
        WarmStart {
            pairs: m
                .pairs(problem)
                .map(|(r, c, u)| (r as u32, c as u32, u))
                .collect(),
            row_price: m.row_price.clone(),
            col_price: m.col_price.clone(),
            group_price: m.group_price.clone(),
        }
    }
}

/// Exact maximum-weight b-matching, lexicographic by tier, then weight. Never forces a
/// match. See the [module docs](self) for the model and the algorithm.
///
/// # Errors
/// [`AssignError::TierOverflow`] when the tier bonuses (or, in pathological cases, the
/// prices) do not fit in `i128`; [`AssignError::Length`] for more than 2^32 − 1 arcs;
/// [`AssignError::Interrupted`] when [`Options::cancel`] is set during the solve.
pub fn solve(problem: &Problem, options: &Options) -> Result<Matching, AssignError> {
    run(problem, None, options, Drive::Auto)
}

/// The same optimum as [`solve`] (its certificate verifies), starting from `warm`.
/// Exact whatever `warm` holds; fast when `warm` is the optimum of a slightly different
/// problem.
///
/// # Errors
/// As [`solve`], and [`AssignError::WarmStart`] when a pair names a row or column
/// outside the problem, a price vector has the wrong length, or a price is negative.
pub fn solve_warm(
    problem: &Problem,
    warm: &WarmStart,
    options: &Options,
) -> Result<Matching, AssignError> {
    run(problem, Some(warm), options, Drive::Auto)
}

/// Warm-start data validated and laid out on the problem's arcs.
struct GlobalWarm<'w> {
    flow: Vec<u32>,
    warm: &'w WarmStart,
}

fn check_prices(what: &str, prices: &[i128], len: usize) -> Result<(), AssignError> {
    if !prices.is_empty() && prices.len() != len {
        return Err(AssignError::WarmStart {
            detail: format!("{what} has length {}, expected {len} or 0", prices.len()),
        });
    }
    if let Some((i, p)) = prices.iter().enumerate().find(|&(_, &p)| p < 0) {
        return Err(AssignError::WarmStart {
            detail: format!("{what}[{i}] is negative ({p})"),
        });
    }
    Ok(())
}

fn prepare_warm<'w>(problem: &Problem, warm: &'w WarmStart) -> Result<GlobalWarm<'w>, AssignError> {
    check_prices("row_price", &warm.row_price, problem.n_rows())?;
    check_prices("col_price", &warm.col_price, problem.n_cols())?;
    check_prices("group_price", &warm.group_price, problem.n_groups())?;
    let mut flow = vec![0u32; problem.n_arcs()];
    let cols = problem.arc_cols();
    for &(row, col, units) in &warm.pairs {
        let (row, col) = (row as usize, col as usize);
        if row >= problem.n_rows() || col >= problem.n_cols() {
            return Err(AssignError::WarmStart {
                detail: format!(
                    "pair ({row}, {col}) is outside the problem ({} rows, {} columns)",
                    problem.n_rows(),
                    problem.n_cols()
                ),
            });
        }
        let range = problem.arcs_of(row);
        let lo = range.start;
        if let Ok(off) = cols[range].binary_search(&(col as u32)) {
            let a = lo + off;
            flow[a] = flow[a].saturating_add(units).min(problem.arc_cap(a));
        }
    }
    Ok(GlobalWarm { flow, warm })
}

/// Parts, and the maps global column → local column and global group → local group.
type Split = (Vec<Part>, Vec<u32>, Vec<u32>);

/// Splits the problem into connected components. Rows without arcs or group, and
/// columns and groups without rows, belong to none (they stay unmatched at price 0).
fn components(problem: &Problem, cancel: Option<&AtomicBool>) -> Result<Split, AssignError> {
    let (nr, nc, ng) = (problem.n_rows(), problem.n_cols(), problem.n_groups());
    let mut parent: Vec<u32> = (0..(nr + nc + ng) as u32).collect();
    fn find(parent: &mut [u32], mut x: u32) -> u32 {
        while parent[x as usize] != x {
            let up = parent[parent[x as usize] as usize];
            parent[x as usize] = up;
            x = up;
        }
        x
    }
    let union = |parent: &mut [u32], a: u32, b: u32| {
        let (ra, rb) = (find(parent, a), find(parent, b));
        if ra != rb {
            // The smaller index becomes the root: deterministic and cheap.
            let (lo, hi) = if ra < rb { (ra, rb) } else { (rb, ra) };
            parent[hi as usize] = lo;
        }
    };
    let cols = problem.arc_cols();
    for row in 0..nr {
        if row % 65536 == 0 && cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
            return Err(AssignError::Interrupted);
        }
        if let Some(g) = problem.row_group(row) {
            union(&mut parent, row as u32, (nr + nc + g) as u32);
        }
        for a in problem.arcs_of(row) {
            union(&mut parent, row as u32, (nr + cols[a] as usize) as u32);
        }
    }
    const NO: u32 = u32::MAX;
    let mut comp_of_root = vec![NO; nr + nc + ng];
    let mut parts: Vec<Part> = Vec::new();
    for row in 0..nr {
        if problem.arcs_of(row).is_empty() && problem.row_group(row).is_none() {
            continue;
        }
        let root = find(&mut parent, row as u32) as usize;
        if comp_of_root[root] == NO {
            comp_of_root[root] = parts.len() as u32;
            parts.push(Part::default());
        }
        parts[comp_of_root[root] as usize].rows.push(row as u32);
    }
    // Local columns are numbered in the order the part's rows first reach them, so
    // that columns serving the same rows (the same place, when rows are sorted by
    // place) sit together in the solver's per-node arrays.
    let mut col_local = vec![NO; nc];
    for part in parts.iter_mut() {
        for &row in &part.rows {
            for a in problem.arcs_of(row as usize) {
                let col = cols[a] as usize;
                if col_local[col] == NO {
                    col_local[col] = part.cols.len() as u32;
                    part.cols.push(col as u32);
                }
            }
        }
    }
    let mut group_local = vec![NO; ng];
    for (g, slot) in group_local.iter_mut().enumerate() {
        let root = find(&mut parent, (nr + nc + g) as u32) as usize;
        let c = comp_of_root[root];
        if c != NO {
            let part = &mut parts[c as usize];
            *slot = part.groups.len() as u32;
            part.groups.push(g as u32);
        }
    }
    Ok((parts, col_local, group_local))
}

/// The whole problem as one part (identity index maps).
fn whole(problem: &Problem) -> Split {
    let part = Part {
        rows: (0..problem.n_rows() as u32).collect(),
        cols: (0..problem.n_cols() as u32).collect(),
        groups: (0..problem.n_groups() as u32).collect(),
    };
    let (cols, groups) = (part.cols.clone(), part.groups.clone());
    (vec![part], cols, groups)
}

fn local_warm(problem: &Problem, part: &Part, gw: &GlobalWarm<'_>) -> LocalWarm {
    let mut flow = Vec::new();
    for &r in &part.rows {
        flow.extend_from_slice(&gw.flow[problem.arcs_of(r as usize)]);
    }
    let pick = |v: &[i128], idx: &[u32]| -> Vec<i128> {
        if v.is_empty() {
            Vec::new()
        } else {
            idx.iter().map(|&i| v[i as usize]).collect()
        }
    };
    LocalWarm {
        flow,
        row_price: pick(&gw.warm.row_price, &part.rows),
        col_price: pick(&gw.warm.col_price, &part.cols),
        group_price: pick(&gw.warm.group_price, &part.groups),
    }
}

fn overflow_error(problem: &Problem) -> AssignError {
    AssignError::TierOverflow {
        tiers: problem.n_tiers(),
        quantity: (0..problem.n_rows())
            .map(|r| u128::from(problem.row_supply(r)))
            .sum(),
    }
}

fn attempt<C: cost::Cost>(
    sh: &Shared<'_>,
    part: &Part,
    warm: Option<&GlobalWarm<'_>>,
) -> Result<Option<Outcome>, Fail> {
    let Some(mut s) = Solver::<C>::new(sh, part) else {
        return Ok(None);
    };
    match warm {
        // Tiered components go tier by tier (see `tiered.rs`); a forced drive keeps
        // the single pass.
        None if sh.drive == Drive::Auto && s.has_several_tiers() => s.run_cold_tiered()?,
        None => match choose_drive(sh, part) {
            Drive::Cols => s.run_cold_by_cols()?,
            _ => s.run_cold()?,
        },
        Some(gw) => s.run_warm(local_warm(sh.problem, part, gw))?,
    }
    s.finish().map(Some)
}

/// Which side drives a cold solve of `part`: the scarce one, so that the other side
/// has free capacity that ends searches early. Grouped rows always go by columns, whose
/// backward searches never scan the hub.
fn choose_drive(sh: &Shared<'_>, part: &Part) -> Drive {
    if sh.drive != Drive::Auto {
        return sh.drive;
    }
    let p = sh.problem;
    if !part.groups.is_empty() {
        return Drive::Cols;
    }
    let supply: u64 = part
        .rows
        .iter()
        .map(|&r| u64::from(p.row_supply(r as usize)))
        .sum();
    let capacity: u64 = part
        .cols
        .iter()
        .map(|&j| u64::from(p.col_capacity(j as usize)))
        .sum();
    if capacity <= supply {
        Drive::Cols
    } else {
        Drive::Rows
    }
}

fn solve_part(
    sh: &Shared<'_>,
    part: &Part,
    warm: Option<&GlobalWarm<'_>>,
) -> Result<Outcome, AssignError> {
    let map = |f: Fail| match f {
        Fail::Interrupted => AssignError::Interrupted,
        Fail::Overflow => overflow_error(sh.problem),
    };
    match attempt::<i64>(sh, part, warm) {
        Ok(Some(out)) => return Ok(out),
        Ok(None) | Err(Fail::Overflow) => {}
        Err(f) => return Err(map(f)),
    }
    match attempt::<i128>(sh, part, warm) {
        Ok(Some(out)) => Ok(out),
        Ok(None) => Err(overflow_error(sh.problem)),
        Err(f) => Err(map(f)),
    }
}

/// The solver's index limits: nodes and arcs below 2^32 − 1.
fn check_size(problem: &Problem) -> Result<(), AssignError> {
    let nodes = problem.n_rows() as u64 + 2 * problem.n_cols() as u64 + problem.n_groups() as u64;
    if nodes >= u64::from(u32::MAX) {
        return Err(AssignError::Length {
            what: "rows + 2 · columns + groups (below 2^32 - 1)",
            expected: u32::MAX as usize,
            got: nodes as usize,
        });
    }
    if problem.n_arcs() > u32::MAX as usize {
        return Err(AssignError::Length {
            what: "arcs (at most 2^32 - 1)",
            expected: u32::MAX as usize,
            got: problem.n_arcs(),
        });
    }
    Ok(())
}

fn run(
    problem: &Problem,
    warm: Option<&WarmStart>,
    options: &Options,
    drive: Drive,
) -> Result<Matching, AssignError> {
    // Groups that can never be full only slow the searches: solve without them.
    let relaxed = problem.without_slack_groups();
    let problem = &*relaxed;
    let bonus = problem.tier_bonuses()?;
    check_size(problem)?;
    let gw = match warm {
        Some(w) => Some(prepare_warm(problem, w)?),
        None => None,
    };
    let cancel = options.cancel.as_deref();
    if cancel.is_some_and(|c| c.load(Ordering::Relaxed)) {
        return Err(AssignError::Interrupted);
    }
    // A warm start repairs locally and gains nothing from splitting: it solves the
    // whole problem as one part, with local indices equal to global ones.
    let (parts, col_local, group_local) = if gw.is_some() {
        whole(problem)
    } else {
        components(problem, cancel)?
    };
    let sh = Shared {
        problem,
        col_local: &col_local,
        group_local: &group_local,
        bonus: &bonus,
        cancel,
        drive,
        parallel: options.parallel,
    };
    let outcomes: Vec<Outcome> = if options.parallel && parts.len() > 1 {
        parts
            .par_iter()
            .map(|part| solve_part(&sh, part, gw.as_ref()))
            .collect::<Result<_, _>>()?
    } else {
        parts
            .iter()
            .map(|part| solve_part(&sh, part, gw.as_ref()))
            .collect::<Result<_, _>>()?
    };
    drop(gw);
    let in_order =
        |v: &[u32], n: usize| v.len() == n && v.iter().enumerate().all(|(i, &x)| i == x as usize);
    let identity = parts.len() == 1
        && parts[0].rows.len() == problem.n_rows()
        && in_order(&parts[0].cols, problem.n_cols())
        && parts[0].groups.len() == problem.n_groups();
    let mut outcomes = outcomes;
    if identity {
        // One part with identity maps: its arrays are the answer.
        if let Some(out) = outcomes.pop() {
            return Ok(Matching {
                flow: out.flow,
                row_price: out.row_price,
                col_price: out.col_price,
                group_price: out.group_price,
                tier_bonus: bonus,
            });
        }
    }
    let mut m = Matching {
        flow: vec![0; problem.n_arcs()],
        row_price: vec![0; problem.n_rows()],
        col_price: vec![0; problem.n_cols()],
        group_price: vec![0; problem.n_groups()],
        tier_bonus: bonus,
    };
    for (part, out) in parts.iter().zip(outcomes) {
        let mut k = 0;
        for (r, &row) in part.rows.iter().enumerate() {
            let range = problem.arcs_of(row as usize);
            let len = range.len();
            m.flow[range].copy_from_slice(&out.flow[k..k + len]);
            k += len;
            m.row_price[row as usize] = out.row_price[r];
        }
        for (j, &col) in part.cols.iter().enumerate() {
            m.col_price[col as usize] = out.col_price[j];
        }
        for (g, &group) in part.groups.iter().enumerate() {
            m.group_price[group as usize] = out.group_price[g];
        }
    }
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ProblemBuilder;
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    fn random(seed: u64) -> Problem {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let rows = rng.random_range(1..60);
        let cols = rng.random_range(1..30);
        let mut b = ProblemBuilder::new(rows, cols);
        for r in 0..rows {
            let mut used = std::collections::BTreeSet::new();
            for _ in 0..rng.random_range(0..6) {
                used.insert(rng.random_range(0..cols));
            }
            for c in used {
                b.arc_with_cap(r, c, rng.random_range(-10..100), rng.random_range(1..3));
            }
        }
        b.col_capacity((0..cols).map(|_| rng.random_range(0..6)).collect());
        b.row_supply((0..rows).map(|_| rng.random_range(0..3)).collect());
        if seed % 2 == 0 {
            b.row_tier((0..rows).map(|_| rng.random_range(1..4)).collect());
        }
        if seed % 3 == 0 {
            let ng = rows / 3 + 1;
            b.groups(
                (0..rows).map(|_| rng.random_range(0..ng)).collect(),
                (0..ng).map(|_| rng.random_range(0..4)).collect(),
            );
        }
        b.build().expect("random problem")
    }

    /// Both drives (rows and columns) give certified optima of the same value.
    #[test]
    fn both_drives_agree_and_verify() {
        for seed in 0..400 {
            let p = random(seed);
            let opts = Options::default();
            let a = run(&p, None, &opts, Drive::Rows).expect("rows");
            let b = run(&p, None, &opts, Drive::Cols).expect("cols");
            crate::verify::verify(&p, &a).expect("rows verifies");
            crate::verify::verify(&p, &b).expect("cols verifies");
            assert_eq!(a.weight(&p), b.weight(&p), "seed {seed}");
            // Without tiers only the weight is optimised: optima of equal weight may
            // match different quantities (arcs of weight 0).
            if p.has_tiers() {
                assert_eq!(
                    a.quantity_by_tier(&p),
                    b.quantity_by_tier(&p),
                    "seed {seed}"
                );
            }
        }
    }
}
