//! Seeded benchmark instances for aidmatch and its peers.
//!
//! This crate serves the criterion benches (`benches/benches/*.rs`), the bench binary
//! `aidmatch-bench` (one solve, verified, as one JSON line) and the side-by-side
//! comparison `benches/compare.py`, which runs scipy, lap and OR-tools on *the same*
//! instances. It is not part of the published library.
//!
//! # Families
//!
//! * [`dense_uniform`]: an `rows × cols` matrix of integer costs uniform in `[0, 1000)`,
//!   the classic random assignment benchmark (square or rectangular).
//! * [`geometric`]: `n` points uniform in the unit square on each side; the cost of a pair
//!   is their Euclidean distance times 100, rounded to the nearest integer. Many ties and
//!   a metric structure make it harder for shortest augmenting path methods than uniform
//!   costs.
//! * [`two_lists`]: a synthetic needs × supply instance as a sparse [`Problem`]: `rows`
//!   rows of supply 1, `cols` columns with capacity uniform in `1..=8`, each row linked to
//!   `degree` distinct uniformly random columns with weights uniform in `1..=1000`.
//!
//! # Reproducibility
//!
//! Every generator takes a seed and draws from [`ChaCha8Rng`] with fixed-width integer
//! ranges (`u32`) and `f64` values derived from `u64` draws, so an instance is the same
//! bit for bit on every platform. The peers do not regenerate instances: the bench binary
//! writes them to a directory of `.npy` files ([`store`]) which `numpy.load` reads.
//!
//! # Complexity
//!
//! Generation is linear in the output: `O(rows · cols)` for the dense families,
//! `O(rows · degree²)` for the sparse one (distinctness is checked within each row).

#![forbid(unsafe_code)]

pub mod npy;
pub mod store;

use aidmatch_assign::{AssignError, Problem, ProblemBuilder};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// The seed every tool uses unless told otherwise.
pub const DEFAULT_SEED: u64 = 20_240_601;

/// A dense cost matrix, row-major.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenseInstance {
    pub rows: usize,
    pub cols: usize,
    /// `rows * cols` costs, row-major.
    pub costs: Vec<i64>,
}

/// A sparse instance in compressed sparse row form, the arrays a [`Problem`] is built from.
///
/// Every row has supply 1 and every arc capacity 1; columns have the given capacities.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SparseInstance {
    pub rows: usize,
    pub cols: usize,
    /// `rows + 1` offsets: the arcs of row `i` are `row_start[i]..row_start[i + 1]`.
    pub row_start: Vec<u64>,
    /// Column of every arc, ascending within a row.
    pub arc_col: Vec<u32>,
    /// Weight of every arc.
    pub arc_weight: Vec<i64>,
    /// Capacity of every column.
    pub col_capacity: Vec<u32>,
}

/// Costs uniform in `[0, 1000)`.
pub fn dense_uniform(rows: usize, cols: usize, seed: u64) -> DenseInstance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let costs = (0..rows * cols)
        .map(|_| i64::from(rng.random_range(0u32..1000)))
        .collect();
    DenseInstance { rows, cols, costs }
}

/// `n × n` rounded Euclidean distances (× 100) between two sets of `n` uniform points in
/// the unit square: costs in `0..=141`.
pub fn geometric(n: usize, seed: u64) -> DenseInstance {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut point = || (rng.random::<f64>(), rng.random::<f64>());
    let left: Vec<(f64, f64)> = (0..n).map(|_| point()).collect();
    let right: Vec<(f64, f64)> = (0..n).map(|_| point()).collect();
    let mut costs = Vec::with_capacity(n * n);
    for &(x, y) in &left {
        for &(u, v) in &right {
            // sqrt is correctly rounded by IEEE 754, so the result is portable.
            let d = ((x - u) * (x - u) + (y - v) * (y - v)).sqrt();
            costs.push((100.0 * d).round() as i64);
        }
    }
    DenseInstance {
        rows: n,
        cols: n,
        costs,
    }
}

/// The "two lists" family: `rows` rows of supply 1, `cols` columns of capacity uniform in
/// `1..=8`, each row linked to `degree.min(cols)` distinct random columns with weights
/// uniform in `1..=1000`.
///
/// # Panics
/// When `cols` exceeds `u32::MAX` (a generator argument, not user input).
pub fn two_lists(rows: usize, cols: usize, degree: usize, seed: u64) -> SparseInstance {
    let n_cols = u32::try_from(cols).expect("two_lists: cols must fit in u32");
    let degree = degree.min(cols);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let col_capacity: Vec<u32> = (0..cols).map(|_| rng.random_range(1u32..=8)).collect();
    let mut row_start = Vec::with_capacity(rows + 1);
    let mut arc_col = Vec::with_capacity(rows * degree);
    let mut arc_weight = Vec::with_capacity(rows * degree);
    let mut picked: Vec<(u32, i64)> = Vec::with_capacity(degree);
    row_start.push(0u64);
    for _ in 0..rows {
        picked.clear();
        while picked.len() < degree {
            let c = rng.random_range(0..n_cols);
            if picked.iter().all(|&(p, _)| p != c) {
                picked.push((c, i64::from(rng.random_range(1u32..=1000))));
            }
        }
        picked.sort_unstable_by_key(|&(c, _)| c);
        for &(c, w) in &picked {
            arc_col.push(c);
            arc_weight.push(w);
        }
        row_start.push(arc_col.len() as u64);
    }
    SparseInstance {
        rows,
        cols,
        row_start,
        arc_col,
        arc_weight,
        col_capacity,
    }
}

impl SparseInstance {
    /// Number of arcs.
    pub fn n_arcs(&self) -> usize {
        self.arc_col.len()
    }

    /// Builds the solver's [`Problem`].
    ///
    /// # Errors
    /// Whatever [`ProblemBuilder::build`] reports for inconsistent arrays.
    pub fn to_problem(&self) -> Result<Problem, AssignError> {
        let mut b = ProblemBuilder::new(self.rows, self.cols);
        for row in 0..self.rows {
            let (lo, hi) = (
                self.row_start[row] as usize,
                self.row_start[row + 1] as usize,
            );
            for a in lo..hi {
                b.arc(row, self.arc_col[a] as usize, self.arc_weight[a]);
            }
        }
        b.col_capacity(self.col_capacity.clone());
        b.build()
    }

    /// The same instance after "capacity cuts": `fraction` of the columns (at least one
    /// when there are columns), chosen at random, lose half their capacity (rounded up,
    /// so a column of capacity 1 drops to 0). Arcs are unchanged, so arc indices carry
    /// over and a previous solution can warm-start the new one.
    pub fn with_capacity_cuts(&self, fraction: f64, seed: u64) -> SparseInstance {
        let mut out = self.clone();
        if self.cols == 0 {
            return out;
        }
        let k = ((self.cols as f64 * fraction).round() as usize).clamp(1, self.cols);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut cut = vec![false; self.cols];
        let mut done = 0;
        while done < k {
            let c = rng.random_range(0..self.cols as u32) as usize;
            if !cut[c] {
                cut[c] = true;
                done += 1;
                out.col_capacity[c] /= 2;
            }
        }
        out
    }
}

impl DenseInstance {
    /// A fixed-seed instance of the dense family at one size, for benches and tests.
    pub fn uniform(rows: usize, cols: usize) -> DenseInstance {
        dense_uniform(rows, cols, DEFAULT_SEED)
    }
}

/// An instance of any family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Instance {
    /// Minimise the total cost of a full assignment of the smaller side.
    Dense(DenseInstance),
    /// Maximise the total weight of a b-matching; nobody is forced.
    Sparse(SparseInstance),
}

/// The instance families, by the names the bench binary and `compare.py` use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// [`dense_uniform`], size `N` (square) or `RxC`.
    Dense,
    /// [`dense_uniform`], size `RxC` (an alias of `dense` for tables).
    Rect,
    /// [`geometric`], size `N`.
    Geometric,
    /// [`two_lists`], size `ROWS,COLS,DEGREE`.
    TwoLists,
}

impl Family {
    /// Parses `dense`, `rect`, `geometric` or `two-lists`.
    pub fn parse(name: &str) -> Option<Family> {
        match name {
            "dense" => Some(Family::Dense),
            "rect" => Some(Family::Rect),
            "geometric" => Some(Family::Geometric),
            "two-lists" | "two_lists" => Some(Family::TwoLists),
            _ => None,
        }
    }

    /// The canonical name.
    pub fn name(self) -> &'static str {
        match self {
            Family::Dense => "dense",
            Family::Rect => "rect",
            Family::Geometric => "geometric",
            Family::TwoLists => "two-lists",
        }
    }

    /// Generates the instance of this family at `size` (see the variants for the syntax).
    ///
    /// # Errors
    /// A message naming the size that does not parse.
    pub fn generate(self, size: &str, seed: u64) -> Result<Instance, String> {
        let bad = || format!("size {size:?} does not fit family {}", self.name());
        let nums: Vec<usize> = size
            .split(['x', 'X', ',', '*'])
            .map(|s| s.trim().parse::<usize>())
            .collect::<Result<_, _>>()
            .map_err(|_| bad())?;
        match (self, nums.as_slice()) {
            (Family::Dense, &[n]) => Ok(Instance::Dense(dense_uniform(n, n, seed))),
            (Family::Dense | Family::Rect, &[r, c]) => {
                Ok(Instance::Dense(dense_uniform(r, c, seed)))
            }
            (Family::Geometric, &[n]) => Ok(Instance::Dense(geometric(n, seed))),
            (Family::TwoLists, &[r, c, d]) if c <= u32::MAX as usize => {
                Ok(Instance::Sparse(two_lists(r, c, d, seed)))
            }
            _ => Err(bad()),
        }
    }
}

/// Peak resident set size of this process so far, in KiB (`VmHWM` of `/proc/self/status`),
/// or `None` where `/proc` is not available.
pub fn peak_rss_kb() -> Option<u64> {
    proc_status_kb("VmHWM:")
}

/// Current resident set size of this process in KiB (`VmRSS`).
pub fn current_rss_kb() -> Option<u64> {
    proc_status_kb("VmRSS:")
}

/// Resets the peak resident set size to the current one (Linux ≥ 4.0: writing `5` to
/// `/proc/self/clear_refs`), so that a later [`peak_rss_kb`] measures one phase only.
/// Returns whether the reset worked.
pub fn reset_peak_rss() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn proc_status_kb(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(key))?;
    line[key.len()..].split_whitespace().next()?.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dense_is_seeded_and_in_range() {
        let a = dense_uniform(30, 40, 7);
        assert_eq!(a, dense_uniform(30, 40, 7));
        assert_ne!(a, dense_uniform(30, 40, 8));
        assert_eq!(a.costs.len(), 1200);
        assert!(a.costs.iter().all(|&c| (0..1000).contains(&c)));
        // All 1000 values are reachable: a sample of 1200 draws spans most of the range.
        assert!(a.costs.iter().max() > Some(&950) && a.costs.iter().min() < Some(&50));
    }

    #[test]
    fn streams_are_pinned() {
        // Guards portability and stability: these values were read back with numpy from
        // the stored instances (`aidmatch-bench --emit`). If the generator or the sampling
        // changes, stored instances and published figures no longer match the code.
        let a = dense_uniform(2, 8, DEFAULT_SEED);
        assert_eq!(&a.costs[..8], &[96, 304, 526, 838, 239, 4, 508, 284]);
        let s = two_lists(3, 2000, 20, DEFAULT_SEED);
        assert_eq!(&s.col_capacity[..5], &[1, 3, 5, 7, 2]);
        assert_eq!(&s.arc_col[..5], &[96, 151, 325, 329, 593]);
        assert_eq!(&s.arc_weight[..5], &[552, 466, 904, 117, 252]);
    }

    #[test]
    fn geometric_costs_are_rounded_distances() {
        let g = geometric(50, 3);
        assert_eq!(g.costs.len(), 2500);
        assert!(g.costs.iter().all(|&c| (0..=142).contains(&c)));
        assert_eq!(g, geometric(50, 3));
    }

    #[test]
    fn two_lists_has_distinct_sorted_columns_and_ranges() {
        let s = two_lists(500, 60, 20, 11);
        assert_eq!(s, two_lists(500, 60, 20, 11));
        assert_eq!(s.row_start.len(), 501);
        assert_eq!(s.n_arcs(), 500 * 20);
        for r in 0..500 {
            let cols = &s.arc_col[s.row_start[r] as usize..s.row_start[r + 1] as usize];
            assert_eq!(cols.len(), 20);
            assert!(cols.windows(2).all(|w| w[0] < w[1]), "row {r}: {cols:?}");
            assert!(cols.iter().all(|&c| c < 60));
        }
        assert!(s.arc_weight.iter().all(|&w| (1..=1000).contains(&w)));
        assert!(s.col_capacity.iter().all(|&c| (1..=8).contains(&c)));
        let p = s.to_problem().expect("a generated instance builds");
        assert_eq!((p.n_rows(), p.n_cols(), p.n_arcs()), (500, 60, 10_000));
        assert_eq!(p.col_capacity(5), s.col_capacity[5]);
    }

    #[test]
    fn degree_is_capped_by_columns() {
        let s = two_lists(10, 3, 20, 1);
        assert_eq!(s.n_arcs(), 30);
    }

    #[test]
    fn capacity_cuts_touch_one_percent_of_columns() {
        let s = two_lists(1000, 1000, 5, 2);
        let t = s.with_capacity_cuts(0.01, 9);
        let changed: Vec<usize> = (0..1000)
            .filter(|&c| t.col_capacity[c] != s.col_capacity[c])
            .collect();
        assert_eq!(changed.len(), 10);
        for c in changed {
            assert_eq!(t.col_capacity[c], s.col_capacity[c] / 2);
        }
        assert_eq!(
            (t.arc_col == s.arc_col, t.arc_weight == s.arc_weight),
            (true, true)
        );
    }

    #[test]
    fn rss_is_readable_on_linux() {
        if cfg!(target_os = "linux") {
            // Both are read, not compared: other tests of this binary allocate
            // between the two reads, so the current size may pass an earlier peak.
            let now = current_rss_kb().expect("VmRSS readable");
            let peak = peak_rss_kb().expect("VmHWM readable");
            assert!(now > 0 && peak > 0, "VmRSS {now} KiB, VmHWM {peak} KiB");
        }
    }
}
