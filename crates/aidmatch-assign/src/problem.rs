//! The sparse b-matching problem: rows, columns, weighted arcs, capacities, tiers, groups.
//!
//! A [`Problem`] is immutable once built and stores its arcs compactly in compressed
//! sparse row (CSR) form, sorted by row and then column: about 12 bytes an arc (a `u32`
//! column and an `i64` weight), plus 4 when arcs carry capacities other than 1.
//!
//! The model, in the words of linear programming (maximisation):
//!
//! ```text
//! maximise   Σ_a c_a x_a             c_a = w_a + bonus(tier(row(a)))
//! subject to Σ_{a ∈ row i} x_a ≤ supply_i            for every row i
//!            Σ_{a ∈ col j} x_a ≤ capacity_j          for every column j
//!            Σ_{a ∈ rows of g} x_a ≤ group_cap_g    for every group g
//!            0 ≤ x_a ≤ cap_a                          for every arc a
//! ```
//!
//! The tier bonuses are chosen so that the optimum maximises the matched quantity of
//! tier 1 first, then of tier 2, and so on, and only then the total weight
//! (see [`Problem::tier_bonuses`]).

use crate::AssignError;

/// Largest magnitude of an arc weight: 2^53 − 1, so that every weight is also exact as
/// an `f64` and every internal sum fits comfortably in `i128`.
pub const MAX_WEIGHT: i64 = (1 << 53) - 1;
/// Highest tier number; tier 1 is the most urgent.
pub const MAX_TIER: u32 = 255;
/// The group of a row that belongs to none (only inside a relaxed problem).
const NO_GROUP: u32 = u32::MAX;

/// A sparse maximum-weight b-matching problem. Build it with [`ProblemBuilder`],
/// [`Problem::from_csr`] or, from arrays it may keep, [`Problem::from_rows`].
#[derive(Debug, Clone, PartialEq)]
pub struct Problem {
    n_rows: usize,
    n_cols: usize,
    row_start: Vec<usize>,
    arc_col: Vec<u32>,
    arc_weight: Vec<i64>,
    arc_cap: Option<Vec<u32>>,
    row_supply: Option<Vec<u32>>,
    col_capacity: Vec<u32>,
    row_tier: Option<Vec<u8>>,
    row_group: Option<Vec<u32>>,
    group_capacity: Vec<u32>,
}

impl Problem {
    /// Builds a problem from compressed sparse row arrays: the arcs of row `i` are
    /// `row_start[i]..row_start[i + 1]` of `cols` and `weights`. Columns within a row
    /// may come in any order; every column gets capacity 1 and every row supply 1
    /// until set otherwise on the returned builder.
    ///
    /// # Errors
    /// [`AssignError::Length`] for inconsistent arrays, [`AssignError::IndexOutOfRange`],
    /// [`AssignError::DuplicateArc`], [`AssignError::WeightOutOfRange`].
    pub fn from_csr(
        n_rows: usize,
        n_cols: usize,
        row_start: &[usize],
        cols: &[usize],
        weights: &[i64],
    ) -> Result<ProblemBuilder, AssignError> {
        check_csr_lengths(n_rows, row_start.len(), cols.len(), weights.len())?;
        let mut b = ProblemBuilder::new(n_rows, n_cols);
        b.arcs.reserve(cols.len());
        for row in 0..n_rows {
            let (lo, hi) = (row_start[row], row_start[row + 1]);
            if lo > hi || hi > cols.len() {
                return Err(AssignError::Length {
                    what: "row_start (not monotone or past the arcs)",
                    expected: cols.len(),
                    got: hi,
                });
            }
            for a in lo..hi {
                b.arc(row, cols[a], weights[a]);
            }
        }
        if row_start[n_rows] != cols.len() {
            return Err(AssignError::Length {
                what: "row_start[last]",
                expected: cols.len(),
                got: row_start[n_rows],
            });
        }
        Ok(b)
    }

    /// As [`Problem::from_csr`], taking the arrays over instead of copying them arc by
    /// arc: the problem keeps `cols` and `weights` as its own arc arrays when each row's
    /// columns come in increasing order (a row that does not is sorted in place, its
    /// weights alongside). One pass of checks, no sort of the whole, so a caller that
    /// has its arcs by row already (the two-lists engine: 16 million at province scale)
    /// skips the builder's counting sort and its per-arc records. Finish with
    /// [`ProblemBuilder::into_problem`] to move the arrays into the problem.
    ///
    /// # Errors
    /// As [`Problem::from_csr`]; arc numbers in errors count arcs in the given order,
    /// except that a duplicate within a row that was not sorted is reported by its
    /// positions after the row's sort.
    pub fn from_rows(
        n_rows: usize,
        n_cols: usize,
        row_start: Vec<usize>,
        mut cols: Vec<u32>,
        mut weights: Vec<i64>,
    ) -> Result<ProblemBuilder, AssignError> {
        if n_rows > u32::MAX as usize || n_cols > u32::MAX as usize {
            return Err(AssignError::Length {
                what: "rows or columns (at most 2^32 - 1)",
                expected: u32::MAX as usize,
                got: n_rows.max(n_cols),
            });
        }
        check_csr_lengths(n_rows, row_start.len(), cols.len(), weights.len())?;
        if row_start[0] != 0 {
            return Err(AssignError::Length {
                what: "row_start[0]",
                expected: 0,
                got: row_start[0],
            });
        }
        if row_start[n_rows] != cols.len() {
            return Err(AssignError::Length {
                what: "row_start[last]",
                expected: cols.len(),
                got: row_start[n_rows],
            });
        }
        for row in 0..n_rows {
            let (lo, hi) = (row_start[row], row_start[row + 1]);
            if lo > hi {
                return Err(AssignError::Length {
                    what: "row_start (not monotone or past the arcs)",
                    expected: cols.len(),
                    got: hi,
                });
            }
            for a in lo..hi {
                if cols[a] as usize >= n_cols {
                    return Err(AssignError::IndexOutOfRange {
                        arc: a,
                        side: "column",
                        index: cols[a] as usize,
                        len: n_cols,
                    });
                }
                if weights[a].unsigned_abs() > MAX_WEIGHT as u64 {
                    return Err(AssignError::WeightOutOfRange {
                        arc: a,
                        value: weights[a],
                        limit: MAX_WEIGHT,
                    });
                }
            }
            let row_cols = &cols[lo..hi];
            if !row_cols.windows(2).all(|w| w[0] < w[1]) {
                let mut pairs: Vec<(u32, i64)> = row_cols
                    .iter()
                    .copied()
                    .zip(weights[lo..hi].iter().copied())
                    .collect();
                // Stable: of two equal columns, the first given stays first.
                pairs.sort_by_key(|&(c, _)| c);
                for (k, (c, w)) in pairs.into_iter().enumerate() {
                    cols[lo + k] = c;
                    weights[lo + k] = w;
                }
            }
            if let Some(k) = (lo + 1..hi).find(|&a| cols[a] == cols[a - 1]) {
                return Err(AssignError::DuplicateArc {
                    row,
                    col: cols[k] as usize,
                    first: k - 1,
                    second: k,
                });
            }
        }
        let mut b = ProblemBuilder::new(n_rows, n_cols);
        b.rows = Some(RowArcs {
            row_start,
            cols,
            weights,
        });
        Ok(b)
    }

    pub fn n_rows(&self) -> usize {
        self.n_rows
    }
    pub fn n_cols(&self) -> usize {
        self.n_cols
    }
    pub fn n_arcs(&self) -> usize {
        self.arc_col.len()
    }
    /// Number of groups (0 when rows are not grouped).
    pub fn n_groups(&self) -> usize {
        self.group_capacity.len()
    }
    /// Highest tier used by any row (1 when tiers are not set; 0 for no rows).
    pub fn n_tiers(&self) -> usize {
        match &self.row_tier {
            Some(t) => t.iter().copied().max().unwrap_or(0) as usize,
            None => usize::from(self.n_rows > 0),
        }
    }
    /// The arc indices of row `row`, sorted by column.
    #[inline]
    pub fn arcs_of(&self, row: usize) -> std::ops::Range<usize> {
        self.row_start[row]..self.row_start[row + 1]
    }
    /// CSR offsets: `row_start()[i]..row_start()[i + 1]` are the arcs of row `i`.
    pub fn row_start(&self) -> &[usize] {
        &self.row_start
    }
    /// Column of every arc.
    pub fn arc_cols(&self) -> &[u32] {
        &self.arc_col
    }
    /// Weight of every arc.
    pub fn arc_weights(&self) -> &[i64] {
        &self.arc_weight
    }
    #[inline]
    pub fn arc_col(&self, arc: usize) -> usize {
        self.arc_col[arc] as usize
    }
    #[inline]
    pub fn arc_weight(&self, arc: usize) -> i64 {
        self.arc_weight[arc]
    }
    /// Capacity of an arc (1 unless set).
    #[inline]
    pub fn arc_cap(&self, arc: usize) -> u32 {
        self.arc_cap.as_ref().map_or(1, |c| c[arc])
    }
    /// Supply of a row: how many units it may receive in all (1 unless set).
    #[inline]
    pub fn row_supply(&self, row: usize) -> u32 {
        self.row_supply.as_ref().map_or(1, |s| s[row])
    }
    #[inline]
    pub fn col_capacity(&self, col: usize) -> u32 {
        self.col_capacity[col]
    }
    /// Tier of a row, 1 = most urgent (1 unless set).
    #[inline]
    pub fn row_tier(&self, row: usize) -> u32 {
        self.row_tier.as_ref().map_or(1, |t| u32::from(t[row]))
    }
    /// Group of a row, if rows are grouped.
    #[inline]
    pub fn row_group(&self, row: usize) -> Option<usize> {
        match self.row_group.as_ref().map(|g| g[row]) {
            Some(NO_GROUP) | None => None,
            Some(g) => Some(g as usize),
        }
    }

    /// The same problem without the groups that can never be full: a group whose
    /// capacity is at least what its rows can receive in all (`Σ min(supply_i, Σ_a cap_a)`)
    /// constrains nothing, and its rows are solved as ungrouped rows (a group node on
    /// their paths only slows the searches). The groups keep their indices, so a
    /// solution of the result is a solution of `self`, with price 0 for the groups
    /// taken out. Borrowed when no group is slack. O(rows + arcs).
    pub fn without_slack_groups(&self) -> std::borrow::Cow<'_, Problem> {
        match self.groups_without_slack() {
            None => std::borrow::Cow::Borrowed(self),
            Some(kept) => {
                let mut relaxed = self.clone();
                relaxed.row_group = kept;
                std::borrow::Cow::Owned(relaxed)
            }
        }
    }

    /// [`Problem::without_slack_groups`] in place, without copying the arcs: for a
    /// problem that a [`super::sparse::Session`] will own (a session solves the problem
    /// it is given, slack groups included). O(rows + arcs).
    pub fn drop_slack_groups(&mut self) {
        if let Some(kept) = self.groups_without_slack() {
            self.row_group = kept;
        }
    }

    /// The rows' groups with every slack group taken out (`NO_GROUP`; `None` when no
    /// group is left), or `None` when no group is slack.
    #[allow(clippy::option_option)]
    fn groups_without_slack(&self) -> Option<Option<Vec<u32>>> {
        let row_group = self.row_group.as_ref()?;
        let room = self.group_room(row_group);
        let slack = |g: u32| {
            g != NO_GROUP && room[g as usize] <= u64::from(self.group_capacity[g as usize])
        };
        if !row_group.iter().any(|&g| slack(g)) {
            return None;
        }
        let kept: Vec<u32> = row_group
            .iter()
            .map(|&g| if slack(g) { NO_GROUP } else { g })
            .collect();
        Some(kept.iter().any(|&g| g != NO_GROUP).then_some(kept))
    }
    #[inline]
    pub fn group_capacity(&self, group: usize) -> u32 {
        self.group_capacity[group]
    }
    /// Whether any arc has a capacity other than 1.
    pub fn has_arc_caps(&self) -> bool {
        self.arc_cap.is_some()
    }
    /// Whether rows carry tiers.
    pub fn has_tiers(&self) -> bool {
        self.row_tier.is_some()
    }

    /// The bonus added to the weight of every arc of a row of tier `t`
    /// (`tier_bonuses()[t - 1]`), making the weighted optimum lexicographic.
    ///
    /// With `W = Σ_rows supply_i · max_a |w_a|` (an upper bound on how much the total
    /// weight of two feasible solutions can differ, plus one) the last tier `T` gets
    /// bonus `2W + 1` and tier `t < T` gets `Σ_{s > t} K_s · B_s + 2W + 1`, where `K_s`
    /// bounds how many units of tier `s` one simple cycle of the flow network can add
    /// or remove. One more matched unit of tier `t` then outweighs any change in every
    /// later tier and in the weights, cycle by cycle, and so (the difference of two
    /// flows splits into such cycles, and one of them must improve the lexicographic
    /// objective if the difference does) the weighted optimum is lexicographic.
    ///
    /// `K_s` is `Q_s`, the total supply of tier `s`, or less: a simple cycle changes
    /// what a row receives only on the arc from its head (the hub, or its group) and
    /// visits every head once, each visit adding one unit to one row and removing one
    /// from another; only the hub, and groups that can be full (their rows can receive
    /// more than the group's capacity) holding rows of tier `s` and of another tier,
    /// can trade tier-`s` units for others, so `K_s ≤ 2 + M_s` with `M_s` the number of
    /// such groups. Without mixed groups the bonuses grow linearly with the tiers, not
    /// geometrically, and stay small enough for 64-bit arithmetic at any scale.
    ///
    /// Each bonus is rounded up to a power of two (at most doubling it; any bonus above
    /// the bound serves). The bound moves with every edit of the problem (a forbidden
    /// arc changes `W`, new rows change `Q_s`), and a bonus that moves changes every
    /// compound weight of its tier, so that a warm start's prices no longer fit; rounded,
    /// the bonuses stay the same across the small edits of a re-match (on the city-scale
    /// re-match of the engine's `rematch_timing` example, 863 declined pairs on the same
    /// day, the rows a warm start takes out fell from 10,055 to 830).
    ///
    /// When tiers are set, even if every row is tier 1, the optimum matches the most
    /// units first; without tiers it maximises the weight alone and every bonus is 0.
    ///
    /// # Errors
    /// [`AssignError::TierOverflow`] when the bonuses do not fit in `i128`.
    pub fn tier_bonuses(&self) -> Result<Vec<i128>, AssignError> {
        let tiers = self.n_tiers();
        if !self.has_tiers() || tiers == 0 {
            return Ok(vec![0; tiers]);
        }
        let mut quantity = vec![0u128; tiers + 1];
        let mut span: u128 = 0;
        for row in 0..self.n_rows {
            let supply = u128::from(self.row_supply(row));
            quantity[self.row_tier(row) as usize] += supply;
            let max_abs = self
                .arcs_of(row)
                .map(|a| self.arc_weight[a].unsigned_abs())
                .max()
                .unwrap_or(0);
            span += supply * u128::from(max_abs);
        }
        let total: u128 = quantity.iter().sum();
        let overflow = || AssignError::TierOverflow {
            tiers,
            quantity: total,
        };
        let base = span
            .checked_mul(2)
            .and_then(|s| s.checked_add(1))
            .ok_or_else(overflow)?;
        let mixed = self.mixed_groups_by_tier(tiers);
        let mut bonus = vec![0u128; tiers];
        // `lower` accumulates Σ_{s > t} K_s · B_s: the most that all later tiers can add.
        let mut lower: u128 = 0;
        for t in (1..=tiers).rev() {
            let b = lower
                .checked_add(base)
                .and_then(u128::checked_next_power_of_two)
                .ok_or_else(overflow)?;
            bonus[t - 1] = b;
            let k = quantity[t].min(2 + mixed[t]);
            lower = k
                .checked_mul(b)
                .and_then(|x| x.checked_add(lower))
                .ok_or_else(overflow)?;
        }
        // Compound weights and dual sums must fit in i128 with room to spare.
        let limit = (i128::MAX / 4) as u128;
        if lower > limit {
            return Err(overflow());
        }
        Ok(bonus.into_iter().map(|b| b as i128).collect())
    }

    /// What the rows of each group can receive in all, `Σ min(supply_i, Σ_a cap_a)`: a
    /// group whose capacity covers it can never be full. O(rows + arcs).
    fn group_room(&self, row_group: &[u32]) -> Vec<u64> {
        let mut room = vec![0u64; self.group_capacity.len()];
        for (row, &g) in row_group.iter().enumerate() {
            if g != NO_GROUP {
                let arcs: u64 = self.arcs_of(row).map(|a| u64::from(self.arc_cap(a))).sum();
                room[g as usize] += arcs.min(u64::from(self.row_supply(row)));
            }
        }
        room
    }

    /// `M_t` of [`Problem::tier_bonuses`], indexed by tier (index 0 unused): how many
    /// groups that can be full hold rows of tier `t` and of another tier. O(rows + arcs).
    fn mixed_groups_by_tier(&self, tiers: usize) -> Vec<u128> {
        let mut mixed = vec![0u128; tiers + 1];
        let Some(row_group) = self.row_group.as_ref() else {
            return mixed;
        };
        let ng = self.group_capacity.len();
        let room = self.group_room(row_group);
        let mut low = vec![u32::MAX; ng];
        let mut high = vec![0u32; ng];
        for (row, &g) in row_group.iter().enumerate() {
            if g != NO_GROUP {
                let g = g as usize;
                let t = self.row_tier(row);
                low[g] = low[g].min(t);
                high[g] = high[g].max(t);
            }
        }
        let counted = |g: usize| room[g] > u64::from(self.group_capacity[g]) && low[g] < high[g];
        // (group, tier) pairs of the mixed groups, each counted once.
        let mut pairs: Vec<(u32, u32)> = row_group
            .iter()
            .enumerate()
            .filter(|&(_, &g)| g != NO_GROUP && counted(g as usize))
            .map(|(row, &g)| (g, self.row_tier(row)))
            .collect();
        pairs.sort_unstable();
        pairs.dedup();
        for (_, t) in pairs {
            mixed[t as usize] += 1;
        }
        mixed
    }
}

/// In-place edits for [`crate::sparse::Session`]; the session validates its inputs.
impl Problem {
    /// Whether rows carry groups (even if there are none yet).
    pub(crate) fn grouped(&self) -> bool {
        self.row_group.is_some()
    }
    pub(crate) fn set_col_capacity_at(&mut self, col: usize, capacity: u32) {
        self.col_capacity[col] = capacity;
    }
    pub(crate) fn set_row_supply_at(&mut self, row: usize, supply: u32) {
        let n = self.n_rows;
        self.row_supply.get_or_insert_with(|| vec![1; n])[row] = supply;
    }
    pub(crate) fn set_arc_cap_at(&mut self, arc: usize, cap: u32) {
        let m = self.arc_col.len();
        self.arc_cap.get_or_insert_with(|| vec![1; m])[arc] = cap;
    }
    /// Appends a row; `arcs` are `(col, weight, cap)` sorted by column, validated.
    pub(crate) fn push_row(
        &mut self,
        arcs: &[(u32, i64, u32)],
        supply: u32,
        tier: u8,
        group: Option<u32>,
    ) {
        let (n, m) = (self.n_rows, self.arc_col.len());
        if arcs.iter().any(|a| a.2 != 1) {
            self.arc_cap.get_or_insert_with(|| vec![1; m]);
        }
        for &(c, w, cap) in arcs {
            self.arc_col.push(c);
            self.arc_weight.push(w);
            if let Some(caps) = self.arc_cap.as_mut() {
                caps.push(cap);
            }
        }
        self.row_start.push(self.arc_col.len());
        if supply != 1 {
            self.row_supply.get_or_insert_with(|| vec![1; n]);
        }
        if let Some(s) = self.row_supply.as_mut() {
            s.push(supply);
        }
        if tier != 1 {
            self.row_tier.get_or_insert_with(|| vec![1; n]);
        }
        if let Some(t) = self.row_tier.as_mut() {
            t.push(tier);
        }
        if let Some(gs) = self.row_group.as_mut() {
            gs.push(group.unwrap_or(NO_GROUP));
        }
        self.n_rows += 1;
    }
}

/// Collects arcs and side arrays, then validates them into a [`Problem`].
#[derive(Debug, Clone)]
pub struct ProblemBuilder {
    n_rows: usize,
    n_cols: usize,
    arcs: Vec<(u32, u32, i64, u32)>,
    arc_caps_set: bool,
    row_supply: Option<Vec<u32>>,
    col_capacity: Option<Vec<u32>>,
    row_tier: Option<Vec<u32>>,
    groups: Option<(Vec<usize>, Vec<u32>)>,
    bad_index: Option<(usize, &'static str, usize, usize)>,
    /// Arcs handed over whole by [`Problem::from_rows`], already checked and in
    /// (row, column) order; `arcs` then holds only arcs added after it.
    rows: Option<RowArcs>,
}

/// Arcs in compressed sparse row form, columns increasing within each row.
#[derive(Debug, Clone)]
struct RowArcs {
    row_start: Vec<usize>,
    cols: Vec<u32>,
    weights: Vec<i64>,
}

impl ProblemBuilder {
    pub fn new(n_rows: usize, n_cols: usize) -> Self {
        Self {
            n_rows,
            n_cols,
            arcs: Vec::new(),
            arc_caps_set: false,
            row_supply: None,
            col_capacity: None,
            row_tier: None,
            groups: None,
            bad_index: None,
            rows: None,
        }
    }
    /// Adds an arc of capacity 1.
    pub fn arc(&mut self, row: usize, col: usize, weight: i64) -> &mut Self {
        self.arc_with_cap(row, col, weight, 1)
    }
    /// Adds an arc with its own capacity.
    pub fn arc_with_cap(&mut self, row: usize, col: usize, weight: i64, cap: u32) -> &mut Self {
        let arc = self.arcs.len();
        if self.bad_index.is_none() {
            if row >= self.n_rows {
                self.bad_index = Some((arc, "row", row, self.n_rows));
            } else if col >= self.n_cols {
                self.bad_index = Some((arc, "column", col, self.n_cols));
            }
        }
        self.arc_caps_set |= cap != 1;
        self.arcs.push((row as u32, col as u32, weight, cap));
        self
    }
    /// Supply of every row (default 1).
    pub fn row_supply(&mut self, supply: Vec<u32>) -> &mut Self {
        self.row_supply = Some(supply);
        self
    }
    /// Capacity of every column (default 1).
    pub fn col_capacity(&mut self, capacity: Vec<u32>) -> &mut Self {
        self.col_capacity = Some(capacity);
        self
    }
    /// Tier of every row, 1 (most urgent) to [`MAX_TIER`].
    pub fn row_tier(&mut self, tier: Vec<u32>) -> &mut Self {
        self.row_tier = Some(tier);
        self
    }
    /// Group of every row and capacity of every group.
    pub fn groups(&mut self, row_group: Vec<usize>, group_capacity: Vec<u32>) -> &mut Self {
        self.groups = Some((row_group, group_capacity));
        self
    }

    /// Validates and builds. Arcs are sorted by (row, column).
    ///
    /// # Errors
    /// [`AssignError::IndexOutOfRange`], [`AssignError::DuplicateArc`],
    /// [`AssignError::WeightOutOfRange`], [`AssignError::Length`],
    /// [`AssignError::TierOutOfRange`].
    pub fn build(&self) -> Result<Problem, AssignError> {
        self.assemble(self.rows.clone())
    }

    /// As [`ProblemBuilder::build`], moving the arrays of [`Problem::from_rows`] into
    /// the problem instead of copying them.
    ///
    /// # Errors
    /// As [`ProblemBuilder::build`].
    pub fn into_problem(mut self) -> Result<Problem, AssignError> {
        let rows = self.rows.take();
        self.assemble(rows)
    }

    fn assemble(&self, rows: Option<RowArcs>) -> Result<Problem, AssignError> {
        let (n_rows, n_cols) = (self.n_rows, self.n_cols);
        if let Some((arc, side, index, len)) = self.bad_index {
            return Err(AssignError::IndexOutOfRange {
                arc,
                side,
                index,
                len,
            });
        }
        if n_rows > u32::MAX as usize || n_cols > u32::MAX as usize {
            return Err(AssignError::Length {
                what: "rows or columns (at most 2^32 - 1)",
                expected: u32::MAX as usize,
                got: n_rows.max(n_cols),
            });
        }
        for (arc, &(_, _, w, _)) in self.arcs.iter().enumerate() {
            if w.unsigned_abs() > MAX_WEIGHT as u64 {
                return Err(AssignError::WeightOutOfRange {
                    arc,
                    value: w,
                    limit: MAX_WEIGHT,
                });
            }
        }
        let check_len = |what, v: Option<usize>, expected| match v {
            Some(got) if got != expected => Err(AssignError::Length {
                what,
                expected,
                got,
            }),
            _ => Ok(()),
        };
        check_len("row_supply", self.row_supply.as_ref().map(Vec::len), n_rows)?;
        check_len(
            "col_capacity",
            self.col_capacity.as_ref().map(Vec::len),
            n_cols,
        )?;
        check_len("row_tier", self.row_tier.as_ref().map(Vec::len), n_rows)?;
        let row_tier = match &self.row_tier {
            None => None,
            Some(t) => {
                let mut out = Vec::with_capacity(n_rows);
                for (row, &tier) in t.iter().enumerate() {
                    if !(1..=MAX_TIER).contains(&tier) {
                        return Err(AssignError::TierOutOfRange {
                            row,
                            tier,
                            max: MAX_TIER,
                        });
                    }
                    out.push(tier as u8);
                }
                Some(out)
            }
        };
        let (row_group, group_capacity) = match &self.groups {
            None => (None, Vec::new()),
            Some((rg, gc)) => {
                check_len("row_group", Some(rg.len()), n_rows)?;
                let mut out = Vec::with_capacity(n_rows);
                for (row, &g) in rg.iter().enumerate() {
                    if g >= gc.len() {
                        return Err(AssignError::IndexOutOfRange {
                            arc: row,
                            side: "group",
                            index: g,
                            len: gc.len(),
                        });
                    }
                    out.push(g as u32);
                }
                (Some(out), gc.clone())
            }
        };
        let (row_start, arc_col, arc_weight, arc_cap) = match rows {
            Some(r) if self.arcs.is_empty() => (r.row_start, r.cols, r.weights, None),
            // Arcs added after `from_rows`: all of them through the general path.
            Some(r) => {
                let mut all = Vec::with_capacity(r.cols.len() + self.arcs.len());
                for row in 0..n_rows {
                    for a in r.row_start[row]..r.row_start[row + 1] {
                        all.push((row as u32, r.cols[a], r.weights[a], 1));
                    }
                }
                all.extend_from_slice(&self.arcs);
                sort_arcs(&all, n_rows, self.arc_caps_set)?
            }
            None => sort_arcs(&self.arcs, n_rows, self.arc_caps_set)?,
        };
        Ok(Problem {
            n_rows,
            n_cols,
            row_start,
            arc_col,
            arc_weight,
            arc_cap,
            row_supply: self.row_supply.clone(),
            col_capacity: self.col_capacity.clone().unwrap_or_else(|| vec![1; n_cols]),
            row_tier,
            row_group,
            group_capacity,
        })
    }
}

/// The lengths [`Problem::from_csr`] and [`Problem::from_rows`] check alike: `n_rows + 1`
/// row starts, one weight per column entry.
fn check_csr_lengths(
    n_rows: usize,
    row_start: usize,
    cols: usize,
    weights: usize,
) -> Result<(), AssignError> {
    let expected = n_rows.checked_add(1).ok_or(AssignError::Length {
        what: "rows (at most 2^32 - 1)",
        expected: u32::MAX as usize,
        got: n_rows,
    })?;
    if row_start != expected {
        return Err(AssignError::Length {
            what: "row_start",
            expected,
            got: row_start,
        });
    }
    if cols != weights {
        return Err(AssignError::Length {
            what: "weights",
            expected: cols,
            got: weights,
        });
    }
    Ok(())
}

/// The CSR arrays of `arcs` (row, column, weight, capacity), ordered by (row, column).
type Csr = (Vec<usize>, Vec<u32>, Vec<i64>, Option<Vec<u32>>);

fn sort_arcs(
    arcs: &[(u32, u32, i64, u32)],
    n_rows: usize,
    caps_set: bool,
) -> Result<Csr, AssignError> {
    // Arc indices by (row, col), stable, so the first duplicate is reported first:
    // a counting sort by row, then each row's few arcs by column (skipped when they
    // come sorted). O(arcs) besides the rows' own sorts; a global sort of the keys
    // took most of the engine's network stage at province scale.
    let mut row_start = vec![0usize; n_rows + 1];
    for &(r, _, _, _) in arcs {
        row_start[r as usize + 1] += 1;
    }
    for i in 0..n_rows {
        row_start[i + 1] += row_start[i];
    }
    let mut order = vec![0u32; arcs.len()];
    let mut next = row_start.clone();
    for (a, &(r, _, _, _)) in arcs.iter().enumerate() {
        order[next[r as usize]] = a as u32;
        next[r as usize] += 1;
    }
    drop(next);
    for i in 0..n_rows {
        let row = &mut order[row_start[i]..row_start[i + 1]];
        let col = |a: &u32| arcs[*a as usize].1;
        if !row.windows(2).all(|w| col(&w[0]) < col(&w[1])) {
            row.sort_by_key(col);
        }
    }
    let mut arc_col = Vec::with_capacity(order.len());
    let mut arc_weight = Vec::with_capacity(order.len());
    let mut arc_cap = caps_set.then(|| Vec::with_capacity(order.len()));
    for (k, &a) in order.iter().enumerate() {
        let (r, c, w, cap) = arcs[a as usize];
        if k > 0 {
            let prev = order[k - 1] as usize;
            let (pr, pc, _, _) = arcs[prev];
            if pr == r && pc == c {
                return Err(AssignError::DuplicateArc {
                    row: r as usize,
                    col: c as usize,
                    first: prev.min(a as usize),
                    second: prev.max(a as usize),
                });
            }
        }
        arc_col.push(c);
        arc_weight.push(w);
        if let Some(caps) = arc_cap.as_mut() {
            caps.push(cap);
        }
    }
    Ok((row_start, arc_col, arc_weight, arc_cap))
}
