//! Tiny matrices (the longer side at most [`MAX_SIDE`]): shortest augmenting paths on
//! stack arrays, without the phases and scratch vectors of [`super::kernel`].
//!
//! A 5 × 5 solve through the general kernel spends most of its time allocating (some
//! twenty small vectors); callers that solve many tiny problems (one per Python call,
//! say) pay that on every call. This path allocates only its three result vectors.
//!
//! # Algorithm and complexity
//!
//! For each row of the working `n × m` matrix (`n <= m`) in turn, a Dijkstra search on
//! reduced costs `c_ij - u_i - v_j` over the columns finds a shortest augmenting path to
//! a free column; the prices of the rows and columns it reached are then updated so that
//! every reduced cost stays non-negative and those on the matching are zero, and the path
//! is flipped (the method of Crouse, *IEEE Trans. Aerospace and Electronic Systems* 52,
//! 2016, which scipy also uses). `O(n² m)` time, `O(m)` stack space.
//!
//! Prices start at zero and column prices only go down, and only on columns that are
//! assigned for good; the column that ends a path keeps its price (it is reached at the
//! minimum distance), so free columns keep `v_j = 0` and every `v_j <= 0`: the
//! rectangular dual convention of [`super`]. Ties prefer a free column, then the lowest
//! index, so a constant matrix gives the identity, as the general kernel does.

use super::kernel::{Cost, Solved, Stop};

/// Largest longer side solved here. The search is `O(n² m)` without the general
/// kernel's initialisation, so beyond this the general kernel is faster.
pub(crate) const MAX_SIDE: usize = 8;

const NONE: u8 = u8::MAX;

/// Solves `min Σ cost(i, x_i)` over injective `x: 0..n → 0..m`, `n <= m <= MAX_SIDE`.
/// `cost` returns [`Cost::INF`] for a forbidden pair.
pub(crate) fn solve<T: Cost>(
    n: usize,
    m: usize,
    cost: impl Fn(usize, usize) -> T,
) -> Result<Solved<T>, Stop> {
    debug_assert!(n <= m && m <= MAX_SIDE);
    // The working matrix, row-major with stride `m`, read once.
    let mut c = [T::INF; MAX_SIDE * MAX_SIDE];
    for i in 0..n {
        for j in 0..m {
            c[i * m + j] = cost(i, j);
        }
    }
    let mut u = [T::ZERO; MAX_SIDE];
    let mut v = [T::ZERO; MAX_SIDE];
    let mut col_of_row = [NONE; MAX_SIDE];
    let mut row_of_col = [NONE; MAX_SIDE];
    let mut pred = [0u8; MAX_SIDE];
    let mut dist = [T::INF; MAX_SIDE];
    for root in 0..n {
        dist[..m].fill(T::INF);
        // Bit sets of the rows reached and of the columns finalised.
        let (mut rows_seen, mut cols_done) = (0u32, 0u32);
        let mut i = root;
        let mut min = T::ZERO;
        let sink = loop {
            rows_seen |= 1 << i;
            let mut best = T::INF;
            let mut best_j = usize::MAX;
            let mut best_free = false;
            let h = min - u[i];
            let row = &c[i * m..(i + 1) * m];
            for j in 0..m {
                if cols_done & (1 << j) != 0 {
                    continue;
                }
                let r = h + row[j] - v[j];
                if r < dist[j] {
                    dist[j] = r;
                    pred[j] = i as u8;
                }
                let free = row_of_col[j] == NONE;
                if dist[j] < best || (dist[j] == best && free && !best_free) {
                    best = dist[j];
                    best_j = j;
                    best_free = free;
                }
            }
            if best_j == usize::MAX || best.is_inf() {
                return Err(Stop::Infeasible);
            }
            min = best;
            cols_done |= 1 << best_j;
            if best_free {
                break best_j;
            }
            i = usize::from(row_of_col[best_j]);
        };
        // Prices: every reduced cost stays >= 0, those on the new path become 0.
        u[root] = u[root] + min;
        for k in 0..n {
            if k != root && rows_seen & (1 << k) != 0 {
                let j = usize::from(col_of_row[k]);
                u[k] = u[k] + min - dist[j];
            }
        }
        for j in 0..m {
            if cols_done & (1 << j) != 0 {
                v[j] = v[j] - (min - dist[j]);
            }
        }
        // Flip the path.
        let mut j = sink;
        loop {
            let i = usize::from(pred[j]);
            row_of_col[j] = i as u8;
            let next = col_of_row[i];
            col_of_row[i] = j as u8;
            if i == root {
                break;
            }
            j = usize::from(next);
        }
    }
    let col_of_row: Vec<usize> = col_of_row[..n].iter().map(|&j| usize::from(j)).collect();
    // As the general kernel does: u from the matched pairs, so that they are tight.
    let u = col_of_row
        .iter()
        .enumerate()
        .map(|(i, &j)| c[i * m + j] - v[j])
        .collect();
    Ok(Solved {
        col_of_row,
        u,
        v: v[..m].to_vec(),
    })
}
