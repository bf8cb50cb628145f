//! The numeric core of [`super`]: Jonker–Volgenant on a row-major `n × m` matrix with
//! `n <= m`, minimising, generic over the stored entries `E` and the arithmetic `T`
//! ([`Cost`]; entries are widened on load, so a compact `i16` copy of a small-integer
//! matrix is scanned at a quarter of the memory traffic).
//!
//! Phases:
//!
//! 1. *Reduction*: `u_i = min_j c_ij` and `v = 0`. For a square matrix (whose duals have
//!    no sign condition) also `v_j = min_i (c_ij - u_i) >= 0`, the column reduction, so
//!    that every column has a tight pair as well. For a rectangular one `v` stays `0`:
//!    positive prices on columns that may end up free would break the dual convention.
//!    Each row takes its lowest-index free *tight* column (reduced cost zero), if any;
//!    a constant matrix is solved here, as the identity.
//! 2. *Tight matching*: augmenting paths in the sparse graph of tight pairs (up to
//!    [`TIGHT`] per row), by depth-first search; prices do not change. On integer costs
//!    with many ties this assigns nearly every row in `O(n m)`.
//! 3. *Augmenting row reduction* (two passes, as in Jonker and Volgenant 1987): a free row
//!    takes its cheapest column, lowering that column's price `v_j` to the row's second
//!    reduced cost, and evicts the previous owner. Prices only go down, and only on
//!    columns that become assigned, so in the rectangular case `v <= 0` with `v = 0` on
//!    free columns throughout.
//! 4. *Shortest augmenting paths*: for each remaining free row, Dijkstra on reduced costs
//!    over the columns, stopping at the first free column at the minimum distance
//!    (preferring a free column among ties), then lowering the prices of the finalised
//!    columns and flipping the path. Each row scan runs over the full row, branch-free
//!    on contiguous arrays, so that it vectorises (finalised columns hold sentinel
//!    prices that no scan can lower, see [`Cost::PARKED_PRICE`]); predecessors are
//!    recomputed for the columns of the path only.
//!
//! Forbidden entries hold [`Cost::INF`]; arithmetic on them stays far above every finite
//! value (see `super` for the bound), so a minimum distance at infinity level means no
//! augmenting path exists: the instance is infeasible.

use std::ops::{Add, Sub};
use std::sync::atomic::{AtomicBool, Ordering};

/// Arithmetic the kernel runs in. Implemented for `f64`, `i32`, `i64` and `i128`.
///
/// Comparisons are exact, and equal values are equal: ties are broken by index, which
/// makes results deterministic.
pub(crate) trait Cost: Copy + PartialOrd + Add<Output = Self> + Sub<Output = Self> {
    /// Additive identity.
    const ZERO: Self;
    /// The value stored in the working matrix for a forbidden entry.
    const INF: Self;
    /// Whether `self` is at infinity level (derived from a forbidden entry).
    fn is_inf(self) -> bool;
    /// Price that a column *parked* by the shortest path search (finalised) holds while
    /// the search runs: every reduced cost `c - PARKED_PRICE - h` computed from it is at
    /// least [`Self::PARKED_LABEL`], so a row scan never lowers a parked column's label.
    const PARKED_PRICE: Self;
    /// Label a parked column holds while the search runs: above every finite label, and
    /// at infinity level ([`Self::is_inf`]), so it is the minimum only when no finite
    /// label is left (then the instance is infeasible).
    const PARKED_LABEL: Self;
}

impl Cost for f64 {
    const ZERO: Self = 0.0;
    const INF: Self = f64::INFINITY;
    #[inline(always)]
    fn is_inf(self) -> bool {
        self == f64::INFINITY
    }
    /// `c + inf - h` is `+inf` for every `c` in `(-inf, +inf]` and finite `h`.
    const PARKED_PRICE: Self = f64::NEG_INFINITY;
    const PARKED_LABEL: Self = f64::INFINITY;
}

impl Cost for i32 {
    const ZERO: Self = 0;
    /// Finite values stay below 2^27 in magnitude (checked by the caller: it runs the
    /// kernel in `i32` only when `16 (n + 1) max|c| <= 2^27`), so every value derived
    /// from `INF` lies in `[2^30 - 2^28, 2^30 + 2^28]`, without overflow.
    const INF: Self = 1 << 30;
    #[inline(always)]
    fn is_inf(self) -> bool {
        self >= 1 << 29
    }
    /// `c + 3·2^28 - h` with `|c|, |h| <= 2^27` is at least `2^29` = `PARKED_LABEL`,
    /// and with `c = INF` at most `2^30 + 3·2^28 + 2^27 < 2^31`.
    const PARKED_PRICE: Self = -(3 << 28);
    const PARKED_LABEL: Self = 1 << 29;
}

impl Cost for i64 {
    const ZERO: Self = 0;
    /// Finite values stay below 2^59 in magnitude (checked by the caller), so every value
    /// derived from `INF` lies in `[2^62 - 2^60, 2^62 + 2^60]`, without overflow.
    const INF: Self = 1 << 62;
    #[inline(always)]
    fn is_inf(self) -> bool {
        self >= 1 << 61
    }
    /// `c + 3·2^60 - h` with `|c|, |h| <= 2^59` is at least `2^61` = `PARKED_LABEL`,
    /// and with `c = INF` at most `2^62 + 3·2^60 + 2^59 < 2^63`.
    const PARKED_PRICE: Self = -(3 << 60);
    const PARKED_LABEL: Self = 1 << 61;
}

impl Cost for i128 {
    const ZERO: Self = 0;
    /// Finite values stay below 2^119 in magnitude (checked by the caller).
    const INF: Self = 1 << 122;
    #[inline(always)]
    fn is_inf(self) -> bool {
        self >= 1 << 121
    }
    /// As for `i64`, scaled by 2^60.
    const PARKED_PRICE: Self = -(3 << 120);
    const PARKED_LABEL: Self = 1 << 121;
}

/// Marker for "no partner".
const NONE: u32 = u32::MAX;

/// How many tight columns (reduced cost 0 after row reduction) each row remembers for
/// the matching on the tight graph.
const TIGHT: usize = 8;

/// Why the kernel stopped without a solution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stop {
    /// A row cannot be assigned.
    Infeasible,
    /// The caller's cancel flag was set.
    Interrupted,
}

/// How many cost entries the kernel reads between two looks at the cancel flag: about
/// a tenth of a millisecond of work, so a flag is noticed long before a second passes
/// and the look (one relaxed load) costs nothing measurable.
pub const CANCEL_EVERY: usize = 1 << 16;

/// The caller's cancel flag and the work done since it was last read.
#[derive(Debug)]
pub(crate) struct Cancel<'a> {
    flag: Option<&'a AtomicBool>,
    work: usize,
}

impl<'a> Cancel<'a> {
    pub(crate) fn new(flag: Option<&'a AtomicBool>) -> Self {
        Cancel { flag, work: 0 }
    }

    /// Counts `entries` read; every [`CANCEL_EVERY`] entries, reads the flag.
    #[inline(always)]
    pub(crate) fn tick(&mut self, entries: usize) -> Result<(), Stop> {
        let Some(flag) = self.flag else {
            return Ok(());
        };
        self.work += entries;
        if self.work < CANCEL_EVERY {
            return Ok(());
        }
        self.work = 0;
        if flag.load(Ordering::Relaxed) {
            Err(Stop::Interrupted)
        } else {
            Ok(())
        }
    }
}

/// An optimal assignment of every row of the working matrix, with its duals.
#[derive(Debug, Clone)]
pub(crate) struct Solved<T> {
    /// Column assigned to each row.
    pub(crate) col_of_row: Vec<usize>,
    /// Row duals `u`.
    pub(crate) u: Vec<T>,
    /// Column duals `v` (`<= 0`, and `0` on free columns).
    pub(crate) v: Vec<T>,
}

/// Solves `min Σ c[i][x_i]` over injective `x: rows → cols` for the row-major `n × m`
/// matrix `c`, `n <= m < u32::MAX`.
///
/// `v_floor` bounds how low augmenting row reduction may push a column price (it keeps
/// integer arithmetic within the range the caller checked); it does not affect
/// optimality, only how much work the initialisation takes over from the augmentation.
/// `cancel` is read every [`CANCEL_EVERY`] entries scanned.
pub(crate) fn solve<E: Copy + Into<T>, T: Cost>(
    c: &[E],
    n: usize,
    m: usize,
    v_floor: T,
    cancel: &mut Cancel<'_>,
) -> Result<Solved<T>, Stop> {
    debug_assert!(n <= m && m < NONE as usize);
    debug_assert_eq!(c.len(), n * m);
    let mut s = State {
        c,
        m,
        x: vec![NONE; n],
        y: vec![NONE; m],
        v: vec![T::ZERO; m],
    };
    if n > 0 {
        let (mut free, tight) = s.row_reduction(cancel)?;
        if !free.is_empty() {
            free = s.tight_matching(&free, &tight);
        }
        drop(tight);
        for _ in 0..2 {
            if free.is_empty() {
                break;
            }
            free = s.augmenting_row_reduction(&free, v_floor, cancel)?;
        }
        if !free.is_empty() {
            free.sort_unstable();
            let mut scan = Scan {
                d: vec![T::ZERO; m],
                block_min: vec![T::ZERO; m.div_ceil(BLOCK)],
                parked: Vec::new(),
                scans: Vec::new(),
            };
            for &i in &free {
                s.augment(&mut scan, i as usize, cancel)?;
            }
        }
    }
    let u =
        s.x.iter()
            .enumerate()
            .map(|(i, &j)| s.c[i * m + j as usize].into() - s.v[j as usize])
            .collect();
    Ok(Solved {
        col_of_row: s.x.iter().map(|&j| j as usize).collect(),
        u,
        v: s.v,
    })
}

struct State<'a, E, T> {
    c: &'a [E],
    m: usize,
    /// Column of each row, or NONE.
    x: Vec<u32>,
    /// Row of each column, or NONE.
    y: Vec<u32>,
    /// Column prices.
    v: Vec<T>,
}

/// Up to [`TIGHT`] tight columns per row, ascending.
struct Tight {
    cols: Vec<u32>,
    len: Vec<u8>,
}

impl Tight {
    #[inline]
    fn of(&self, i: usize) -> &[u32] {
        &self.cols[i * TIGHT..i * TIGHT + usize::from(self.len[i])]
    }
}

/// Scratch space of the full-width shortest path search ([`State::augment`]), allocated
/// once per solve.
struct Scan<T> {
    /// Label of each column (its reduced path length); [`Cost::PARKED_LABEL`] on parked
    /// columns while a search runs.
    d: Vec<T>,
    /// Smallest label of each block of [`BLOCK`] columns, after the last row scan.
    block_min: Vec<T>,
    /// Columns parked (finalised) by the running search, with their price and label.
    parked: Vec<(u32, T, T)>,
    /// Rows scanned by the running search, in order, with the offset `h` of the scan.
    scans: Vec<(u32, T)>,
}

/// Columns per block of the full-width row scan: the scan keeps the smallest label of
/// each block, so the minimum is found among `m / BLOCK` values, and then in one block.
const BLOCK: usize = 64;

/// Lanes of the running minimum inside a block (independent accumulators, so that the
/// minimum is vectorised for every arithmetic type, floats included).
const LANES: usize = 8;

impl<E: Copy + Into<T>, T: Cost> State<'_, E, T> {
    #[inline(always)]
    fn row(&self, i: usize) -> &[E] {
        &self.c[i * self.m..(i + 1) * self.m]
    }

    #[inline(always)]
    fn assign(&mut self, i: usize, j: usize) {
        self.x[i] = j as u32;
        self.y[j] = i as u32;
    }

    /// Phase 1. Returns the free rows in ascending order and the tight lists.
    ///
    /// Rectangular: `u_i = min_j c_ij`, `v = 0`. Square (no sign condition on the
    /// duals): then also `v_j = min_i (c_ij - u_i) >= 0`, so that every column has a
    /// tight pair too. Each row takes its lowest free tight column, if any.
    fn row_reduction(&mut self, cancel: &mut Cancel<'_>) -> Result<(Vec<u32>, Tight), Stop> {
        let (n, m) = (self.x.len(), self.m);
        let mut tight = Tight {
            cols: vec![0; n * TIGHT],
            len: vec![0; n],
        };
        let mut u = vec![T::ZERO; n];
        if n == m {
            let mut colmin = vec![T::INF; m];
            for (i, ui) in u.iter_mut().enumerate() {
                cancel.tick(m)?;
                let row = self.row(i);
                let mut min: T = row[0].into();
                for &cij in row {
                    let cij: T = cij.into();
                    if cij < min {
                        min = cij;
                    }
                }
                if min.is_inf() {
                    return Err(Stop::Infeasible);
                }
                *ui = min;
                for (cm, &cij) in colmin.iter_mut().zip(row) {
                    let r = cij.into() - min;
                    if r < *cm {
                        *cm = r;
                    }
                }
            }
            if colmin.iter().any(|&r| r.is_inf()) {
                return Err(Stop::Infeasible);
            }
            self.v = colmin;
        }
        let mut free = Vec::new();
        for (i, ui) in u.iter_mut().enumerate() {
            cancel.tick(m)?;
            let row = &self.c[i * m..(i + 1) * m];
            let buf = &mut tight.cols[i * TIGHT..(i + 1) * TIGHT];
            let mut count = 0;
            let min = if n == m {
                let min = *ui;
                for (j, (&cij, &vj)) in row.iter().zip(&self.v).enumerate() {
                    if cij.into() - min == vj {
                        if count < TIGHT {
                            buf[count] = j as u32;
                        }
                        count += 1;
                    }
                }
                min
            } else {
                let mut min: T = row[0].into();
                for (j, &cij) in row.iter().enumerate() {
                    let cij: T = cij.into();
                    if cij <= min {
                        if cij < min {
                            min = cij;
                            count = 0;
                        }
                        if count < TIGHT {
                            buf[count] = j as u32;
                        }
                        count += 1;
                    }
                }
                if min.is_inf() {
                    return Err(Stop::Infeasible);
                }
                min
            };
            let len = count.min(TIGHT);
            tight.len[i] = len as u8;
            let y = &self.y;
            let mut chosen = buf[..len]
                .iter()
                .map(|&j| j as usize)
                .find(|&j| y[j] == NONE);
            if chosen.is_none() && count > TIGHT {
                // More tight columns than remembered: the lowest free one, if any.
                let start = buf[TIGHT - 1] as usize + 1;
                chosen = row[start..]
                    .iter()
                    .zip(&self.v[start..])
                    .zip(&y[start..])
                    .position(|((&cij, &vj), &r)| r == NONE && cij.into() - min == vj)
                    .map(|p| start + p);
            }
            match chosen {
                Some(j) => {
                    self.x[i] = j as u32;
                    self.y[j] = i as u32;
                }
                None => free.push(i as u32),
            }
        }
        Ok((free, tight))
    }

    /// Phase 1b: augmenting paths in the graph of tight pairs (reduced cost zero), by
    /// depth-first search. Prices do not change. Returns the rows still free.
    fn tight_matching(&mut self, free: &[u32], tight: &Tight) -> Vec<u32> {
        let mut seen = vec![0u32; self.m];
        let mut stamp = 0u32;
        let mut stack: Vec<(u32, u8)> = Vec::new();
        let mut still_free = Vec::new();
        for &root in free {
            stamp += 1;
            stack.clear();
            stack.push((root, 0));
            let mut found = false;
            while let Some(top) = stack.last_mut() {
                let (i, e) = (top.0 as usize, usize::from(top.1));
                let list = tight.of(i);
                let Some(&j) = list.get(e) else {
                    stack.pop();
                    continue;
                };
                top.1 += 1;
                let j = j as usize;
                if seen[j] == stamp {
                    continue;
                }
                seen[j] = stamp;
                let owner = self.y[j];
                if owner == NONE {
                    found = true;
                    break;
                }
                // Look ahead: a free tight column of the owner ends the path at once.
                let olist = tight.of(owner as usize);
                match olist.iter().position(|&k| self.y[k as usize] == NONE) {
                    Some(p) => {
                        stack.push((owner, p as u8 + 1));
                        found = true;
                        break;
                    }
                    None => stack.push((owner, 0)),
                }
            }
            if found {
                for &(i, e) in &stack {
                    let j = tight.of(i as usize)[usize::from(e) - 1];
                    self.assign(i as usize, j as usize);
                }
            } else {
                still_free.push(root);
            }
        }
        still_free
    }

    /// Phase 2, one pass over `free`. Returns the rows still free.
    fn augmenting_row_reduction(
        &mut self,
        free: &[u32],
        v_floor: T,
        cancel: &mut Cancel<'_>,
    ) -> Result<Vec<u32>, Stop> {
        let mut still_free = Vec::new();
        // Bounds the work of a pass; rows left over go to the augmentation phase.
        let mut budget = 4 * free.len() + 64;
        let mut queue = free.iter().copied();
        let mut carry: Option<u32> = None;
        while let Some(i) = carry.take().or_else(|| queue.next()) {
            if budget == 0 {
                still_free.push(i);
                continue;
            }
            budget -= 1;
            cancel.tick(self.m)?;
            let (u1, j1, u2, j2) = two_smallest(self.row(i as usize), &self.v);
            let mut j = j1;
            let lowered = if u1 < u2 && !u2.is_inf() && self.v[j1] - (u2 - u1) >= v_floor {
                self.v[j1] = self.v[j1] - (u2 - u1);
                true
            } else {
                false
            };
            if !lowered && self.y[j1] != NONE {
                if u1 < u2 || j2 == usize::MAX {
                    // Cannot lower the price: evicting the owner would cycle.
                    still_free.push(i);
                    continue;
                }
                // A tie: take the second cheapest column instead.
                j = j2;
            }
            let evicted = self.y[j];
            self.assign(i as usize, j);
            if evicted != NONE {
                self.x[evicted as usize] = NONE;
                if lowered {
                    carry = Some(evicted);
                } else {
                    still_free.push(evicted);
                }
            }
        }
        Ok(still_free)
    }

    /// Phase 4: one shortest augmenting path from free row `i0`.
    ///
    /// Dijkstra over columns with labels `d` (reduced path lengths), each row scan over
    /// the full width of the row, contiguously, so that it vectorises: a finalised
    /// (*parked*) column temporarily holds the price [`Cost::PARKED_PRICE`] and the label
    /// [`Cost::PARKED_LABEL`], which no scan lowers and which no finite label exceeds,
    /// so parked columns need no test. Each scan also records the smallest label of each
    /// block of [`BLOCK`] columns, where the next column to finalise is looked up: the
    /// lowest-index column at the minimum. The search ends when that column is free.
    ///
    /// The scans keep no predecessors: the predecessor of a column on the path is the
    /// first scanned row whose reduced cost equals the column's final label (labels only
    /// go down, strictly, so that row set it), recomputed by the same expression, hence
    /// bit for bit, floats included. `O(m)` per scanned row, plus `O(scans)` per column
    /// of the path.
    fn augment(
        &mut self,
        scan: &mut Scan<T>,
        i0: usize,
        cancel: &mut Cancel<'_>,
    ) -> Result<(), Stop> {
        let m = self.m;
        let Scan {
            d,
            block_min,
            parked,
            scans,
        } = scan;
        let (x, y, v) = (&mut self.x, &mut self.y, &mut self.v);
        let c = self.c;
        parked.clear();
        scans.clear();
        cancel.tick(m)?;
        d.fill(T::INF);
        scans.push((i0 as u32, T::ZERO));
        relax(&c[i0 * m..(i0 + 1) * m], v, d, block_min, T::ZERO);
        let (mu, end) = loop {
            let mu = block_min
                .iter()
                .fold(T::INF, |a, &b| if b < a { b } else { a });
            if mu.is_inf() {
                return Err(Stop::Infeasible);
            }
            // The lowest free column at `mu` ends the search; else the lowest column at
            // `mu` is parked. Only the blocks whose minimum is `mu` are looked at.
            let mut lowest = None;
            let mut free_at = None;
            for (b, _) in block_min.iter().enumerate().filter(|&(_, &bm)| bm == mu) {
                let start = b * BLOCK;
                let block = &d[start..m.min(start + BLOCK)];
                for (k, _) in block.iter().enumerate().filter(|&(_, &dj)| dj == mu) {
                    if y[start + k] == NONE {
                        free_at = Some(start + k);
                        break;
                    }
                    lowest = lowest.or(Some(start + k));
                }
                if free_at.is_some() {
                    break;
                }
            }
            if let Some(j) = free_at {
                break (mu, j);
            }
            let Some(j1) = lowest else {
                // Unreachable: some block holds its minimum.
                return Err(Stop::Infeasible);
            };
            cancel.tick(m)?;
            // Park j1 and scan the row assigned to it.
            let v1 = v[j1];
            parked.push((j1 as u32, v1, mu));
            v[j1] = T::PARKED_PRICE;
            d[j1] = T::PARKED_LABEL;
            let i = y[j1] as usize;
            let row = &c[i * m..(i + 1) * m];
            let h = row[j1].into() - v1 - mu;
            scans.push((i as u32, h));
            relax(row, v, d, block_min, h);
        };
        // Unpark: prices and labels as they were when each column was finalised.
        for &(j, vj, dj) in parked.iter() {
            v[j as usize] = vj;
            d[j as usize] = dj;
        }
        let mut j = end;
        loop {
            let (vj, dj) = (v[j], d[j]);
            let i = scans
                .iter()
                .find(|&&(r, h)| c[r as usize * m + j].into() - vj - h == dj)
                .map_or(i0, |&(r, _)| r as usize);
            debug_assert!(
                c[i * m + j].into()
                    - vj
                    - scans
                        .iter()
                        .find(|s| s.0 as usize == i)
                        .map_or(T::INF, |s| s.1)
                    == dj,
                "a path column has a predecessor"
            );
            y[j] = i as u32;
            let next = x[i];
            x[i] = j as u32;
            if i == i0 {
                break;
            }
            j = next as usize;
        }
        for &(j, vj, dj) in parked.iter() {
            v[j as usize] = vj + dj - mu;
        }
        Ok(())
    }
}

/// One row scan of the shortest path search: for every column `j`,
/// `d[j] = min(d[j], row[j] - v[j] - h)`; then `block_min[b]` is the smallest label of
/// block `b`. Branch-free on contiguous arrays, so LLVM vectorises it.
#[inline(always)]
fn relax<E: Copy + Into<T>, T: Cost>(row: &[E], v: &[T], d: &mut [T], block_min: &mut [T], h: T) {
    let m = row.len();
    let (v, d) = (&v[..m], &mut d[..m]);
    let full = m / BLOCK * BLOCK;
    for (((rb, vb), db), bm) in row[..full]
        .chunks_exact(BLOCK)
        .zip(v[..full].chunks_exact(BLOCK))
        .zip(d[..full].chunks_exact_mut(BLOCK))
        .zip(block_min.iter_mut())
    {
        *bm = relax_block(rb, vb, db, h);
    }
    if full < m {
        let mut min = T::INF;
        for ((&r, &vj), dj) in row[full..].iter().zip(&v[full..]).zip(&mut d[full..]) {
            let cred = r.into() - vj - h;
            if cred < *dj {
                *dj = cred;
            }
            if *dj < min {
                min = *dj;
            }
        }
        if let Some(bm) = block_min.get_mut(full / BLOCK) {
            *bm = min;
        }
    }
}

/// [`relax`] on one block of exactly [`BLOCK`] columns; returns its smallest label.
#[inline(always)]
fn relax_block<E: Copy + Into<T>, T: Cost>(row: &[E], v: &[T], d: &mut [T], h: T) -> T {
    for ((&r, &vj), dj) in row.iter().zip(v).zip(d.iter_mut()) {
        let cred = r.into() - vj - h;
        *dj = if cred < *dj { cred } else { *dj };
    }
    // The block's minimum, in independent lanes (re-reading `d` from L1).
    let mut acc = [T::INF; LANES];
    for lanes in d.chunks_exact(LANES) {
        for (a, &x) in acc.iter_mut().zip(lanes) {
            *a = if x < *a { x } else { *a };
        }
    }
    acc.iter().fold(T::INF, |a, &b| if b < a { b } else { a })
}

/// Smallest and second smallest reduced cost `row[j] - v[j]`, with their lowest columns.
/// The second column is `usize::MAX` (and its value INF) when the row has one column.
#[inline]
fn two_smallest<E: Copy + Into<T>, T: Cost>(row: &[E], v: &[T]) -> (T, usize, T, usize) {
    let mut u1 = row[0].into() - v[0];
    let mut j1 = 0;
    let mut u2 = T::INF;
    let mut j2 = usize::MAX;
    for (j, (&cij, &vj)) in row.iter().zip(v).enumerate().skip(1) {
        let h = cij.into() - vj;
        if h < u2 {
            if h < u1 {
                u2 = u1;
                j2 = j1;
                u1 = h;
                j1 = j;
            } else {
                u2 = h;
                j2 = j;
            }
        }
    }
    (u1, j1, u2, j2)
}
