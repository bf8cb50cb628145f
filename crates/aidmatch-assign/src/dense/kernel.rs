//! The numeric core of [`super`]: Jonker–Volgenant on a row-major `n × m` matrix with
//! `n <= m`, minimising, generic over the arithmetic ([`Cost`]).
//!
//! Phases:
//!
//! 1. *Row reduction*: `u_i = min_j c_ij`, `v = 0`; each row takes the lowest-index free
//!    column among its minima, if one is free. A constant matrix is solved here, as the
//!    identity.
//! 2. *Augmenting row reduction* (two passes, as in Jonker and Volgenant 1987): a free row
//!    takes its cheapest column, lowering that column's price `v_j` to the row's second
//!    reduced cost, and evicts the previous owner. Prices only go down, and only on
//!    columns that become assigned, so `v <= 0` with `v = 0` on free columns, which is
//!    the dual convention of the rectangular problem. (Column reduction, the first phase
//!    of square LAPJV, would set positive prices on columns that may end up free.)
//! 3. *Shortest augmenting paths*: for each remaining free row, Dijkstra on reduced costs
//!    over the columns, processing all columns at the current minimum distance together,
//!    stopping at the first free column reached, then updating the prices of the columns
//!    that were finalised and flipping the path.
//!
//! Forbidden entries hold [`Cost::INF`]; arithmetic on them stays far above every finite
//! value (see `super` for the bound), so a minimum distance at infinity level means no
//! augmenting path exists: the instance is infeasible.

use std::ops::{Add, Sub};

/// Arithmetic the kernel runs in. Implemented for `f64`, `i64` and `i128`.
pub(crate) trait Cost: Copy + PartialOrd + Add<Output = Self> + Sub<Output = Self> {
    /// Additive identity.
    const ZERO: Self;
    /// The value stored in the working matrix for a forbidden entry.
    const INF: Self;
    /// Whether `self` is at infinity level (derived from a forbidden entry).
    fn is_inf(self) -> bool;
}

impl Cost for f64 {
    const ZERO: Self = 0.0;
    const INF: Self = f64::INFINITY;
    #[inline(always)]
    fn is_inf(self) -> bool {
        self == f64::INFINITY
    }
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
}

impl Cost for i128 {
    const ZERO: Self = 0;
    /// Finite values stay below 2^119 in magnitude (checked by the caller).
    const INF: Self = 1 << 122;
    #[inline(always)]
    fn is_inf(self) -> bool {
        self >= 1 << 121
    }
}

/// Marker for "no partner".
const NONE: usize = usize::MAX;

/// The kernel found a row that cannot be assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Infeasible;

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
/// matrix `c`, `n <= m`.
///
/// `v_floor` bounds how low augmenting row reduction may push a column price (it keeps
/// integer arithmetic within the range the caller checked); it does not affect
/// optimality, only how much work the initialisation takes over from the augmentation.
pub(crate) fn solve<T: Cost>(
    c: &[T],
    n: usize,
    m: usize,
    v_floor: T,
) -> Result<Solved<T>, Infeasible> {
    debug_assert!(n <= m);
    debug_assert_eq!(c.len(), n * m);
    let mut s = State {
        c,
        m,
        x: vec![NONE; n],
        y: vec![NONE; m],
        v: vec![T::ZERO; m],
    };
    if n == 0 {
        return Ok(Solved {
            col_of_row: Vec::new(),
            u: Vec::new(),
            v: s.v,
        });
    }
    let mut free = s.row_reduction()?;
    for _ in 0..2 {
        if free.is_empty() {
            break;
        }
        free = s.augmenting_row_reduction(&free, v_floor);
    }
    if !free.is_empty() {
        free.sort_unstable();
        let mut sap = Sap {
            d: vec![T::ZERO; m],
            pred: vec![0; m],
            cols: vec![0; m],
        };
        for &i in &free {
            s.augment(&mut sap, i)?;
        }
    }
    let u =
        s.x.iter()
            .enumerate()
            .map(|(i, &j)| s.c[i * m + j] - s.v[j])
            .collect();
    Ok(Solved {
        col_of_row: s.x,
        u,
        v: s.v,
    })
}

struct State<'a, T> {
    c: &'a [T],
    m: usize,
    /// Column of each row, or NONE.
    x: Vec<usize>,
    /// Row of each column, or NONE.
    y: Vec<usize>,
    /// Column prices.
    v: Vec<T>,
}

/// Scratch space of the shortest path phase, allocated once per solve.
struct Sap<T> {
    d: Vec<T>,
    pred: Vec<usize>,
    cols: Vec<usize>,
}

impl<T: Cost> State<'_, T> {
    #[inline(always)]
    fn row(&self, i: usize) -> &[T] {
        &self.c[i * self.m..(i + 1) * self.m]
    }

    /// Phase 1. Returns the free rows in ascending order.
    fn row_reduction(&mut self) -> Result<Vec<usize>, Infeasible> {
        let n = self.x.len();
        let mut free = Vec::new();
        for i in 0..n {
            let row = self.row(i);
            let mut best = row[0];
            let mut arg = 0;
            for (j, &cij) in row.iter().enumerate().skip(1) {
                if cij < best {
                    best = cij;
                    arg = j;
                }
            }
            if best.is_inf() {
                return Err(Infeasible);
            }
            if self.y[arg] != NONE {
                // Lowest free column among the minima, if any.
                let y = &self.y;
                arg = row[arg + 1..]
                    .iter()
                    .zip(&y[arg + 1..])
                    .position(|(&cij, &r)| r == NONE && cij == best)
                    .map_or(NONE, |p| arg + 1 + p);
            }
            if arg == NONE {
                free.push(i);
            } else {
                self.x[i] = arg;
                self.y[arg] = i;
            }
        }
        Ok(free)
    }

    /// Phase 2, one pass over `free`. Returns the rows still free.
    fn augmenting_row_reduction(&mut self, free: &[usize], v_floor: T) -> Vec<usize> {
        let mut still_free = Vec::new();
        // Bounds the work of a pass; rows left over go to the augmentation phase.
        let mut budget = 4 * free.len() + 64;
        let mut queue = free.iter().copied();
        let mut carry: Option<usize> = None;
        while let Some(i) = carry.take().or_else(|| queue.next()) {
            if budget == 0 {
                still_free.push(i);
                continue;
            }
            budget -= 1;
            let (u1, j1, u2, j2) = two_smallest(self.row(i), &self.v);
            let mut j = j1;
            let lowered = if u1 < u2 && !u2.is_inf() && self.v[j1] - (u2 - u1) >= v_floor {
                self.v[j1] = self.v[j1] - (u2 - u1);
                true
            } else {
                false
            };
            if !lowered && self.y[j1] != NONE {
                if u1 < u2 || j2 == NONE {
                    // Cannot lower the price: evicting the owner would cycle.
                    still_free.push(i);
                    continue;
                }
                // A tie: take the second cheapest column instead.
                j = j2;
            }
            let evicted = self.y[j];
            self.x[i] = j;
            self.y[j] = i;
            if evicted != NONE {
                self.x[evicted] = NONE;
                if lowered {
                    carry = Some(evicted);
                } else {
                    still_free.push(evicted);
                }
            }
        }
        still_free
    }

    /// Phase 3: one shortest augmenting path from free row `i0`.
    fn augment(&mut self, sap: &mut Sap<T>, i0: usize) -> Result<(), Infeasible> {
        let m = self.m;
        let Sap { d, pred, cols } = sap;
        let (x, y, v) = (&mut self.x, &mut self.y, &mut self.v);
        let c = self.c;
        let row0 = &c[i0 * m..(i0 + 1) * m];
        for (j, ((dj, (&cij, &vj)), (pj, cj))) in d
            .iter_mut()
            .zip(row0.iter().zip(v.iter()))
            .zip(pred.iter_mut().zip(cols.iter_mut()))
            .enumerate()
        {
            *dj = cij - vj;
            *pj = i0;
            *cj = j;
        }
        // cols[..low]: finalised; cols[low..up]: at distance mu, to scan; cols[up..]: rest.
        let mut low = 0;
        let mut up = 0;
        let mut last = 0;
        let mut mu = T::ZERO;
        let end;
        'search: loop {
            if low == up {
                last = low;
                mu = d[cols[up]];
                // The range is fixed at the start; `up` moves within it.
                for k in low..m {
                    let j = cols[k];
                    let dj = d[j];
                    if dj <= mu {
                        if dj < mu {
                            up = low;
                            mu = dj;
                        }
                        cols[k] = cols[up];
                        cols[up] = j;
                        up += 1;
                    }
                }
                if mu.is_inf() {
                    return Err(Infeasible);
                }
                for &j in &cols[low..up] {
                    if y[j] == NONE {
                        end = j;
                        break 'search;
                    }
                }
            }
            let j1 = cols[low];
            low += 1;
            let i = y[j1];
            let row = &c[i * m..(i + 1) * m];
            let h = row[j1] - v[j1] - mu;
            let mut k = up;
            while k < m {
                let j = cols[k];
                let cred = row[j] - v[j] - h;
                if cred < d[j] {
                    d[j] = cred;
                    pred[j] = i;
                    if cred == mu {
                        if y[j] == NONE {
                            end = j;
                            break 'search;
                        }
                        cols[k] = cols[up];
                        cols[up] = j;
                        up += 1;
                    }
                }
                k += 1;
            }
        }
        for &j in &cols[..last] {
            v[j] = v[j] + d[j] - mu;
        }
        let mut j = end;
        loop {
            let i = pred[j];
            y[j] = i;
            let next = x[i];
            x[i] = j;
            if i == i0 {
                break;
            }
            j = next;
        }
        Ok(())
    }
}

/// Smallest and second smallest reduced cost `row[j] - v[j]`, with their lowest columns.
/// The second column is NONE (and its value INF) when the row has one column.
#[inline]
fn two_smallest<T: Cost>(row: &[T], v: &[T]) -> (T, usize, T, usize) {
    let mut u1 = row[0] - v[0];
    let mut j1 = 0;
    let mut u2 = T::INF;
    let mut j2 = NONE;
    for (j, (&cij, &vj)) in row.iter().zip(v).enumerate().skip(1) {
        let h = cij - vj;
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
