//! A persistent solver: edit the problem, re-solve only what the edits touched.
//!
//! A [`Session`] owns the [`Problem`], its optimal [`Matching`] and the solver's whole
//! state: flows, node potentials, the per-column lists of arcs with flow, and the
//! column-major index of the arcs that backward searches use. Edits
//! ([`Session::set_col_capacity`], [`Session::set_row_supply`], [`Session::remove_arc`],
//! [`Session::remove_row`], [`Session::add_row`]) change the problem in place and are
//! recorded; [`Session::resolve`] then repairs only what they touched:
//!
//! 1. the potentials are reset to the certificate's clamped prices (`O(nodes)`, no
//!    pass over the arcs);
//! 2. rows whose supply or arcs changed, and rows over a cut column's new capacity,
//!    are taken out with their flow;
//! 3. groups and columns left with free capacity and a positive price are repaired:
//!    a group's price drops to zero, a column is filled by backward searches over the
//!    kept column index (rows appended since it was built sit in short per-column
//!    side lists, scanned eagerly);
//! 4. the rows taken out and the appended rows are added back by forward searches.
//!
//! Each step keeps every residual reduced cost non-negative (see the module docs of
//! [`crate::sparse`]), so the result is exactly optimal and its certificate verifies.
//! A resolve costs `O(nodes)` plus the searches; the arcs are never scanned as a
//! whole. Inserting one row is one forward search.
//!
//! With groups, re-adding a row whose group is full costs a forward search to the
//! hub and a backward one from the group (see the module docs of [`crate::sparse`]),
//! never a scan of the hub, so a grouped session repairs any number of edited rows
//! (1% of the rows of a grouped, tiered million-row problem re-arced: 1.3 s against
//! 12.3 s cold, `sparse_timing -- 1m 3 --session --groups 3 2 --tiers --verify`).
//!
//! A session starts cold ([`Session::new`]), from a matching found elsewhere
//! ([`Session::from_matching`], one warm solve) or from the warm start of a slightly
//! different problem ([`Session::from_warm`], as [`super::solve_warm`]). However it
//! starts, each column's list of arcs with flow is then in arc order, so that later
//! repairs make the same choices from the same optimum.
//!
//! Two cases fall back to a full warm solve ([`super::solve_warm`]'s machinery on
//! the session's state): the tier bonuses changed (with them every compound weight;
//! rounded up to powers of two, they change only when an edit moves their bound past
//! one, see [`Problem::tier_bonuses`]), or the `i64`
//! arithmetic overflowed (the session then continues in `i128`). An interrupted
//! resolve leaves the session consistent: the next resolve rebuilds it warm.
//!
//! Memory: besides the problem and the matching, `O(nodes)` words and the column
//! index, 16 bytes an arc with `i64` arithmetic (32 with `i128`), kept for the
//! session's life.

use std::sync::atomic::Ordering;

use super::solver::{Fail, LocalWarm, Part, Shared, Solver, State};
use super::{Drive, Options, choose_drive, overflow_error, whole};
use crate::{AssignError, MAX_TIER, MAX_WEIGHT, Matching, Problem};

#[derive(Clone)]
enum Engine {
    I64(State<i64>),
    I128(State<i128>),
}

/// A problem with its optimal matching and the solver state, re-solved incrementally
/// after edits. See the [module docs](self).
///
/// ```
/// use aidmatch_assign::{sparse, ProblemBuilder};
///
/// let mut b = ProblemBuilder::new(2, 2);
/// b.arc(0, 0, 5).arc(1, 0, 7).arc(1, 1, 4);
/// let mut s = sparse::Session::new(b.build()?, &sparse::Options::default())?;
/// assert_eq!(s.matching().weight(s.problem()), 9);
/// s.set_col_capacity(1, 0)?; // column 1 closes: row 1 takes column 0
/// s.resolve()?;
/// assert_eq!(s.matching().weight(s.problem()), 7);
/// let r = s.add_row(&[(1, 50)], 1, 1, None)?; // column 1 reopens for a new row
/// s.set_col_capacity(1, 1)?;
/// s.resolve()?;
/// assert_eq!(s.matching().weight(s.problem()), 57);
/// assert_eq!(r, 2);
/// # Ok::<(), aidmatch_assign::AssignError>(())
/// ```
///
/// A `Session` is `Clone` (a full copy, column index included): clone it to try
/// edits without losing the current state.
#[derive(Clone)]
pub struct Session {
    problem: Problem,
    part: Part,
    col_local: Vec<u32>,
    group_local: Vec<u32>,
    bonus: Vec<i128>,
    options: Options,
    /// `None`: the state must be rebuilt (after an interrupt or an overflow).
    engine: Option<Engine>,
    matching: Matching,
    /// Rows whose supply or arcs changed since the last resolve.
    rows: Vec<u32>,
    /// Columns whose capacity changed since the last resolve.
    cols: Vec<u32>,
    /// Rows appended since the last resolve (the last `added` rows).
    added: usize,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("rows", &self.problem.n_rows())
            .field("cols", &self.problem.n_cols())
            .field("arcs", &self.problem.n_arcs())
            .field("pending_rows", &(self.rows.len() + self.added))
            .field("pending_cols", &self.cols.len())
            .finish_non_exhaustive()
    }
}

fn bad(detail: String) -> AssignError {
    AssignError::WarmStart { detail }
}

/// Prices of a state, in the matching's vectors.
fn prices<C: super::cost::Cost>(s: &mut Solver<'_, C>, m: &mut Matching) -> Result<(), Fail> {
    s.update_prices(&mut m.row_price, &mut m.col_price, &mut m.group_price)
}

/// A fresh whole-problem state: cold, or warm from `warm`. `Ok(None)` when a tier
/// bonus does not fit `C`.
fn fresh<C: super::cost::Cost>(
    sh: &Shared<'_>,
    part: &Part,
    warm: Option<LocalWarm>,
    m: &mut Matching,
) -> Result<Option<State<C>>, Fail> {
    let Some(mut s) = Solver::<C>::new(sh, part) else {
        return Ok(None);
    };
    s.keep_index(false)?;
    match warm {
        // As `super::solve`: tiered problems tier by tier (see `tiered.rs`).
        None if sh.drive == Drive::Auto && s.has_several_tiers() => s.run_cold_tiered()?,
        None => match choose_drive(sh, part) {
            Drive::Cols => s.run_cold_by_cols()?,
            _ => s.run_cold()?,
        },
        Some(w) => s.run_warm(w)?,
    }
    s.keep_index(true)?;
    s.canonical_assigned();
    prices(&mut s, m)?;
    let mut st = s.into_state();
    m.flow = st.take_flow();
    Ok(Some(st))
}

/// Repairs `st` after edits; the state comes back even on failure.
fn repair<C: super::cost::Cost>(
    sh: &Shared<'_>,
    part: &Part,
    mut st: State<C>,
    pending: (&[u32], &[u32], usize),
    m: &mut Matching,
) -> (State<C>, Result<(), Fail>) {
    st.put_flow(std::mem::take(&mut m.flow));
    let mut s = Solver::from_state(sh, part, st);
    let p = sh.problem;
    let (rows, cols, added) = pending;
    let res = (|| {
        s.append_rows()?;
        for &r in rows {
            s.set_supply(r as usize, p.row_supply(r as usize));
        }
        for &j in cols {
            s.set_col_cap(j as usize, p.col_capacity(j as usize));
        }
        s.repair(rows, cols, added)?;
        prices(&mut s, m)
    })();
    let mut st = s.into_state();
    m.flow = st.take_flow();
    (st, res)
}

impl Session {
    /// Solves `problem` from scratch and keeps everything for later re-solves.
    ///
    /// # Errors
    /// As [`super::solve`].
    pub fn new(problem: Problem, options: &Options) -> Result<Session, AssignError> {
        Session::start(problem, Matching::default(), options, false)
    }

    /// Starts from `matching`, an optimum of `problem` found elsewhere (by
    /// [`super::solve`], say, which splits components and solves them in parallel):
    /// one warm solve installs it (a pass over the arcs, no searches when it is
    /// optimal) and builds the column index, and later edits are repaired as usual.
    /// Exact whatever `matching` holds: a non-optimal one only costs more searches.
    ///
    /// # Errors
    /// As [`super::solve`], and [`AssignError::WarmStart`] when a vector of `matching`
    /// has neither the problem's length nor 0, or a price is negative.
    pub fn from_matching(
        problem: Problem,
        matching: Matching,
        options: &Options,
    ) -> Result<Session, AssignError> {
        super::check_prices("row_price", &matching.row_price, problem.n_rows())?;
        super::check_prices("col_price", &matching.col_price, problem.n_cols())?;
        super::check_prices("group_price", &matching.group_price, problem.n_groups())?;
        if !matching.flow.is_empty() && matching.flow.len() != problem.n_arcs() {
            return Err(bad(format!(
                "flow has length {}, expected {} or 0",
                matching.flow.len(),
                problem.n_arcs()
            )));
        }
        Session::start(problem, matching, options, true)
    }

    /// Starts from a [`super::WarmStart`] (pairs and prices of a slightly different
    /// problem, say the previous round's): one warm solve, as [`super::solve_warm`]
    /// does, and the session keeps its state. Starting a session this way instead of
    /// `solve_warm` then [`Session::from_matching`] spares the second solve's passes
    /// over the arcs.
    ///
    /// # Errors
    /// As [`super::solve_warm`].
    pub fn from_warm(
        problem: Problem,
        warm: &super::WarmStart,
        options: &Options,
    ) -> Result<Session, AssignError> {
        let flow = super::prepare_warm(&problem, warm)?.flow;
        let matching = Matching {
            flow,
            row_price: warm.row_price.clone(),
            col_price: warm.col_price.clone(),
            group_price: warm.group_price.clone(),
            tier_bonus: Vec::new(),
        };
        Session::start(problem, matching, options, true)
    }

    /// A session on the whole problem, solved cold or warm from `matching`.
    fn start(
        problem: Problem,
        matching: Matching,
        options: &Options,
        warm: bool,
    ) -> Result<Session, AssignError> {
        super::check_size(&problem)?;
        let bonus = problem.tier_bonuses()?;
        let (mut parts, col_local, group_local) = whole(&problem);
        let part = parts.pop().unwrap_or_default();
        let mut s = Session {
            problem,
            part,
            col_local,
            group_local,
            bonus,
            options: options.clone(),
            engine: None,
            matching,
            rows: Vec::new(),
            cols: Vec::new(),
            added: 0,
        };
        s.rebuild(warm)?;
        Ok(s)
    }

    /// The problem with every edit so far.
    pub fn problem(&self) -> &Problem {
        &self.problem
    }

    /// The optimum found by the last solve ([`Session::new`] or [`Session::resolve`]);
    /// after edits it refers to the problem before them until the next resolve.
    pub fn matching(&self) -> &Matching {
        &self.matching
    }

    /// The problem and its last matching.
    pub fn into_parts(self) -> (Problem, Matching) {
        (self.problem, self.matching)
    }

    /// Whether edits wait for a [`Session::resolve`].
    pub fn is_dirty(&self) -> bool {
        !self.rows.is_empty() || !self.cols.is_empty() || self.added > 0
    }

    fn check_row(&self, row: usize) -> Result<(), AssignError> {
        if row >= self.problem.n_rows() {
            return Err(bad(format!(
                "row {row} is outside the problem ({} rows)",
                self.problem.n_rows()
            )));
        }
        Ok(())
    }

    fn check_col(&self, col: usize) -> Result<(), AssignError> {
        if col >= self.problem.n_cols() {
            return Err(bad(format!(
                "column {col} is outside the problem ({} columns)",
                self.problem.n_cols()
            )));
        }
        Ok(())
    }

    /// Sets the capacity of column `col`.
    ///
    /// # Errors
    /// [`AssignError::WarmStart`] when the column is outside the problem.
    pub fn set_col_capacity(&mut self, col: usize, capacity: u32) -> Result<(), AssignError> {
        self.check_col(col)?;
        if self.problem.col_capacity(col) != capacity {
            self.problem.set_col_capacity_at(col, capacity);
            self.cols.push(col as u32);
        }
        Ok(())
    }

    /// Sets the supply of row `row`.
    ///
    /// # Errors
    /// [`AssignError::WarmStart`] when the row is outside the problem.
    pub fn set_row_supply(&mut self, row: usize, supply: u32) -> Result<(), AssignError> {
        self.check_row(row)?;
        if self.problem.row_supply(row) != supply {
            self.problem.set_row_supply_at(row, supply);
            self.rows.push(row as u32);
        }
        Ok(())
    }

    /// Removes row `row` from the market: its supply becomes 0 (indices stay stable).
    ///
    /// # Errors
    /// [`AssignError::WarmStart`] when the row is outside the problem.
    pub fn remove_row(&mut self, row: usize) -> Result<(), AssignError> {
        self.set_row_supply(row, 0)
    }

    /// Forbids the arc from `row` to `col`: its capacity becomes 0 (the arc stays in
    /// the problem's arrays, unusable).
    ///
    /// # Errors
    /// [`AssignError::WarmStart`] when the row or column is outside the problem or
    /// the row has no arc to the column.
    pub fn remove_arc(&mut self, row: usize, col: usize) -> Result<(), AssignError> {
        self.check_row(row)?;
        self.check_col(col)?;
        let range = self.problem.arcs_of(row);
        let lo = range.start;
        let Ok(off) = self.problem.arc_cols()[range].binary_search(&(col as u32)) else {
            return Err(bad(format!("row {row} has no arc to column {col}")));
        };
        let a = lo + off;
        if self.problem.arc_cap(a) == 0 {
            return Ok(());
        }
        self.problem.set_arc_cap_at(a, 0);
        // An arc without flow can go without repair: the flow stays feasible and
        // the prices still satisfy every remaining arc. With tiers and groups the
        // row is still noted: the arc may decide whether its group can be full, on
        // which the tier bonuses depend (`resolve` recomputes them for noted edits).
        let grouped_tiers = self.problem.has_tiers() && self.problem.row_group(row).is_some();
        if grouped_tiers || self.matching.flow.get(a).copied().unwrap_or(0) > 0 {
            self.rows.push(row as u32);
        }
        Ok(())
    }

    /// Appends a row with arcs `(column, weight)` (capacity 1 each), a supply, a tier
    /// (1 = most urgent) and a group (required exactly when the problem's rows are
    /// grouped). Returns the new row's index. With tiers, a new row changes the tier
    /// bonuses and the next resolve is a full warm solve.
    ///
    /// # Errors
    /// [`AssignError::WarmStart`] for a column or group outside the problem or a
    /// group given to an ungrouped problem (or missing in a grouped one);
    /// [`AssignError::DuplicateArc`], [`AssignError::WeightOutOfRange`] (`arc` is the
    /// position in `arcs`), [`AssignError::TierOutOfRange`],
    /// [`AssignError::Length`] when the problem would outgrow the solver's indices.
    pub fn add_row(
        &mut self,
        arcs: &[(usize, i64)],
        supply: u32,
        tier: u32,
        group: Option<usize>,
    ) -> Result<usize, AssignError> {
        let row = self.problem.n_rows();
        let mut list: Vec<(u32, i64, u32)> = Vec::with_capacity(arcs.len());
        for (i, &(col, w)) in arcs.iter().enumerate() {
            self.check_col(col)?;
            if w.unsigned_abs() > MAX_WEIGHT as u64 {
                return Err(AssignError::WeightOutOfRange {
                    arc: i,
                    value: w,
                    limit: MAX_WEIGHT,
                });
            }
            list.push((col as u32, w, 1));
        }
        list.sort_by_key(|a| a.0);
        if let Some(w) = list.windows(2).find(|w| w[0].0 == w[1].0) {
            let col = w[0].0 as usize;
            let mut at = arcs
                .iter()
                .enumerate()
                .filter(|(_, a)| a.0 == col)
                .map(|x| x.0);
            let first = at.next().unwrap_or(0);
            let second = at.next().unwrap_or(first);
            return Err(AssignError::DuplicateArc {
                row,
                col,
                first,
                second,
            });
        }
        if !(1..=MAX_TIER).contains(&tier) {
            return Err(AssignError::TierOutOfRange {
                row,
                tier,
                max: MAX_TIER,
            });
        }
        let group = match (group, self.problem.grouped()) {
            (Some(g), true) if g < self.problem.n_groups() => Some(g as u32),
            (Some(g), true) => {
                return Err(bad(format!(
                    "group {g} is outside the problem ({} groups)",
                    self.problem.n_groups()
                )));
            }
            (None, false) => None,
            (Some(g), false) => {
                return Err(bad(format!("group {g} given, but rows are not grouped")));
            }
            (None, true) => {
                return Err(bad(format!("row {row} needs a group: rows are grouped")));
            }
        };
        let nodes =
            row as u64 + 1 + 2 * self.problem.n_cols() as u64 + self.problem.n_groups() as u64;
        let arcs_total = self.problem.n_arcs() as u64 + list.len() as u64;
        if nodes >= u64::from(u32::MAX) || arcs_total > u64::from(u32::MAX) {
            return Err(AssignError::Length {
                what: "rows + 2 · columns + groups, or arcs (below 2^32 - 1)",
                expected: u32::MAX as usize,
                got: nodes.max(arcs_total) as usize,
            });
        }
        self.problem.push_row(&list, supply, tier as u8, group);
        self.part.rows.push(row as u32);
        self.added += 1;
        Ok(row)
    }

    /// Re-solves after the edits made since the last solve, repairing only what they
    /// touched (see the [module docs](self)). Exact: the result equals a cold
    /// [`super::solve`] of [`Session::problem`] in tier quantities and weight, and its
    /// certificate verifies.
    ///
    /// # Errors
    /// [`AssignError::TierOverflow`] as [`super::solve`]; [`AssignError::Interrupted`]
    /// when [`Options::cancel`] is set (the edits stay pending and the next resolve
    /// rebuilds the state warm).
    pub fn resolve(&mut self) -> Result<&Matching, AssignError> {
        if !self.is_dirty() && self.engine.is_some() {
            return Ok(&self.matching);
        }
        if let Some(c) = self.options.cancel.as_deref() {
            if c.load(Ordering::Relaxed) {
                return Err(AssignError::Interrupted);
            }
        }
        // Column capacities do not enter the tier bonuses (`Problem::tier_bonuses`):
        // with only column edits pending (a budget step's), no pass over the arcs.
        if !self.rows.is_empty() || self.added > 0 {
            let bonus = self.problem.tier_bonuses()?;
            if bonus != self.bonus {
                self.bonus = bonus;
                self.engine = None;
            }
        }
        self.matching.tier_bonus.clone_from(&self.bonus);
        if let Some(engine) = self.engine.take() {
            let sh = Shared {
                problem: &self.problem,
                col_local: &self.col_local,
                group_local: &self.group_local,
                bonus: &self.bonus,
                cancel: self.options.cancel.as_deref(),
                drive: Drive::Auto,
                parallel: self.options.parallel,
            };
            let pending = (&self.rows[..], &self.cols[..], self.added);
            let (engine, res) = match engine {
                Engine::I64(st) => {
                    let (st, res) = repair(&sh, &self.part, st, pending, &mut self.matching);
                    (Engine::I64(st), res)
                }
                Engine::I128(st) => {
                    let (st, res) = repair(&sh, &self.part, st, pending, &mut self.matching);
                    (Engine::I128(st), res)
                }
            };
            match res {
                Ok(()) => {
                    self.engine = Some(engine);
                    self.clear_pending();
                    return Ok(&self.matching);
                }
                // The state is half-repaired: rebuild it (below, or on the next call).
                Err(Fail::Interrupted) => return Err(AssignError::Interrupted),
                Err(Fail::Overflow) => {}
            }
        }
        self.rebuild(true)?;
        Ok(&self.matching)
    }

    fn clear_pending(&mut self) {
        self.rows.clear();
        self.cols.clear();
        self.added = 0;
    }

    /// A whole-problem solve, warm from the current matching when `warm`, in `i64`
    /// if it fits, else `i128`.
    fn rebuild(&mut self, warm: bool) -> Result<(), AssignError> {
        self.engine = None;
        let p = &self.problem;
        let local = |m: &Matching| -> LocalWarm {
            let mut flow = m.flow.clone();
            flow.resize(p.n_arcs(), 0);
            for (a, f) in flow.iter_mut().enumerate() {
                *f = (*f).min(p.arc_cap(a));
            }
            let pad = |v: &[i128], n: usize| {
                let mut v = v.to_vec();
                v.resize(n, 0);
                v
            };
            LocalWarm {
                flow,
                row_price: pad(&m.row_price, p.n_rows()),
                col_price: pad(&m.col_price, p.n_cols()),
                group_price: pad(&m.group_price, p.n_groups()),
            }
        };
        let sh = Shared {
            problem: p,
            col_local: &self.col_local,
            group_local: &self.group_local,
            bonus: &self.bonus,
            cancel: self.options.cancel.as_deref(),
            drive: Drive::Auto,
            parallel: self.options.parallel,
        };
        let map = |f: Fail| match f {
            Fail::Interrupted => AssignError::Interrupted,
            Fail::Overflow => overflow_error(p),
        };
        // The solve writes the flow and prices into `m` (a fresh solver writes every
        // price); the current matching stays as it is until the solve succeeds (and is
        // the warm start of the `i128` retry).
        let mut m = Matching {
            flow: Vec::new(),
            row_price: Vec::new(),
            col_price: Vec::new(),
            group_price: Vec::new(),
            tier_bonus: self.bonus.clone(),
        };
        let w = warm.then(|| local(&self.matching));
        let engine = match fresh::<i64>(&sh, &self.part, w, &mut m) {
            Ok(Some(st)) => Engine::I64(st),
            Ok(None) | Err(Fail::Overflow) => {
                let w = warm.then(|| local(&self.matching));
                match fresh::<i128>(&sh, &self.part, w, &mut m) {
                    Ok(Some(st)) => Engine::I128(st),
                    Ok(None) => return Err(overflow_error(p)),
                    Err(f) => return Err(map(f)),
                }
            }
            Err(f) => return Err(map(f)),
        };
        self.matching = m;
        self.engine = Some(engine);
        self.clear_pending();
        Ok(())
    }
}
