//! aidmatch_lsap_f64 / aidmatch_lsap_i64 called as a C host would, kindly and hostilely.

use super::util::*;
use crate::lsap::MAX_SIDE;
use crate::*;

const NO_ERR: *mut aidmatch_error = std::ptr::null_mut();

/// Calls aidmatch_lsap_f64 with Rust buffers; returns the status and the outputs.
fn f64_solve(
    rows: usize,
    cols: usize,
    costs: &[f64],
    maximize: bool,
    err: &ErrObj,
) -> (aidmatch_status, Vec<usize>, Vec<usize>) {
    let n = rows.min(cols);
    let (mut r, mut c) = (vec![usize::MAX; n], vec![usize::MAX; n]);
    // SAFETY: every buffer is valid for its length.
    let status = unsafe {
        aidmatch_lsap_f64(
            rows,
            cols,
            costs.as_ptr(),
            costs.len(),
            maximize,
            r.as_mut_ptr(),
            c.as_mut_ptr(),
            n,
            err.0,
        )
    };
    (status, r, c)
}

fn i64_solve(
    rows: usize,
    cols: usize,
    costs: &[i64],
    allowed: Option<&[u8]>,
    maximize: bool,
    err: &ErrObj,
) -> (aidmatch_status, Vec<usize>, Vec<usize>) {
    let n = rows.min(cols);
    let (mut r, mut c) = (vec![usize::MAX; n], vec![usize::MAX; n]);
    let (ap, al) = allowed.map_or((std::ptr::null(), 0), |a| (a.as_ptr(), a.len()));
    // SAFETY: every buffer is valid for its length.
    let status = unsafe {
        aidmatch_lsap_i64(
            rows,
            cols,
            costs.as_ptr(),
            costs.len(),
            ap,
            al,
            maximize,
            r.as_mut_ptr(),
            c.as_mut_ptr(),
            n,
            err.0,
        )
    };
    (status, r, c)
}

/// The scipy documentation's example: 3 workers × 3 jobs.
const SCIPY: [f64; 9] = [4.0, 1.0, 3.0, 2.0, 0.0, 5.0, 3.0, 2.0, 2.0];

#[test]
fn scipy_documentation_example() {
    let err = ErrObj::new();
    let (s, r, c) = f64_solve(3, 3, &SCIPY, false, &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert_eq!((r, c), (vec![0, 1, 2], vec![1, 0, 2]));
    let (s, r, c) = f64_solve(3, 3, &SCIPY, true, &err);
    assert_eq!(s, AIDMATCH_STATUS_OK);
    // 4 + 5 + 2 = 11 is the only maximum.
    assert_eq!((r, c), (vec![0, 1, 2], vec![0, 2, 1]));
    let ints: Vec<i64> = SCIPY.iter().map(|&x| x as i64).collect();
    let (s, r, c) = i64_solve(3, 3, &ints, None, false, &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert_eq!((r, c), (vec![0, 1, 2], vec![1, 0, 2]));
}

/// Objective of every way to give each of the `rows` (<= cols) rows a distinct column.
fn brute_force_min(costs: &[i64], rows: usize, cols: usize) -> i64 {
    fn go(costs: &[i64], row: usize, rows: usize, cols: usize, used: &mut Vec<bool>) -> i64 {
        if row == rows {
            return 0;
        }
        let mut best = i64::MAX;
        for j in 0..cols {
            if !used[j] {
                used[j] = true;
                best = best.min(costs[row * cols + j] + go(costs, row + 1, rows, cols, used));
                used[j] = false;
            }
        }
        best
    }
    go(costs, 0, rows, cols, &mut vec![false; cols])
}

#[test]
fn rectangular_instances_agree_with_brute_force() {
    let err = ErrObj::new();
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    for (rows, cols) in [(1, 1), (1, 4), (2, 3), (3, 5), (4, 4), (3, 6)] {
        for _ in 0..20 {
            let costs: Vec<i64> = (0..rows * cols)
                .map(|_| {
                    state = state
                        .wrapping_mul(6364136223846793005)
                        .wrapping_add(1442695040888963407);
                    ((state >> 33) % 41) as i64 - 20
                })
                .collect();
            let (s, r, c) = i64_solve(rows, cols, &costs, None, false, &err);
            assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
            assert_eq!(r, (0..rows).collect::<Vec<_>>());
            let mut seen = c.clone();
            seen.sort_unstable();
            seen.dedup();
            assert_eq!(seen.len(), rows, "columns are distinct");
            let total: i64 = r.iter().zip(&c).map(|(&i, &j)| costs[i * cols + j]).sum();
            assert_eq!(total, brute_force_min(&costs, rows, cols));
            // The same numbers as doubles, and the transposed (tall) problem.
            let floats: Vec<f64> = costs.iter().map(|&x| x as f64).collect();
            let (s, fr, fc) = f64_solve(rows, cols, &floats, false, &err);
            assert_eq!(s, AIDMATCH_STATUS_OK);
            let ftotal: f64 = fr
                .iter()
                .zip(&fc)
                .map(|(&i, &j)| floats[i * cols + j])
                .sum();
            assert_eq!(ftotal, total as f64);
            let transposed: Vec<i64> = (0..rows * cols)
                .map(|k| costs[(k % rows) * cols + k / rows])
                .collect();
            let (s, tr, tc) = i64_solve(cols, rows, &transposed, None, false, &err);
            assert_eq!(s, AIDMATCH_STATUS_OK);
            assert_eq!(tr.len(), rows);
            let ttotal: i64 = tr
                .iter()
                .zip(&tc)
                .map(|(&i, &j)| transposed[i * rows + j])
                .sum();
            assert_eq!(ttotal, total);
        }
    }
}

#[test]
fn zero_sized_matrices_assign_nothing_and_accept_null() {
    let err = ErrObj::new();
    for (rows, cols) in [(0, 0), (0, 5), (5, 0)] {
        // SAFETY: all buffers have length 0, so NULL is allowed.
        let s = unsafe {
            aidmatch_lsap_f64(
                rows,
                cols,
                std::ptr::null(),
                0,
                false,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                0,
                err.0,
            )
        };
        assert_eq!(s, AIDMATCH_STATUS_OK, "{rows}×{cols}: {}", err.message());
        // SAFETY: as above.
        let s = unsafe {
            aidmatch_lsap_i64(
                rows,
                cols,
                std::ptr::null(),
                0,
                std::ptr::null(),
                0,
                true,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                0,
                err.0,
            )
        };
        assert_eq!(s, AIDMATCH_STATUS_OK, "{rows}×{cols}: {}", err.message());
    }
}

#[test]
fn null_buffers_of_nonzero_length_are_null_parameters() {
    let err = ErrObj::new();
    let mut out = [9usize; 3];
    // SAFETY: NULL costs with a non-zero length must be rejected before any read.
    let s = unsafe {
        aidmatch_lsap_f64(
            3,
            3,
            std::ptr::null(),
            9,
            false,
            out.as_mut_ptr(),
            out.as_mut_ptr(),
            3,
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    assert_eq!(err.message(), "argument `costs` is NULL");
    // SAFETY: NULL outputs must be rejected before solving.
    let s = unsafe {
        aidmatch_lsap_f64(
            3,
            3,
            SCIPY.as_ptr(),
            9,
            false,
            out.as_mut_ptr(),
            std::ptr::null_mut(),
            3,
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    assert_eq!(err.message(), "argument `col_ind` is NULL");
    assert_eq!(out, [9; 3], "outputs untouched on failure");
    // The same without an error object.
    // SAFETY: as above.
    let s = unsafe {
        aidmatch_lsap_f64(
            3,
            3,
            SCIPY.as_ptr(),
            9,
            false,
            std::ptr::null_mut(),
            out.as_mut_ptr(),
            3,
            NO_ERR,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
}

#[test]
fn huge_and_inconsistent_sizes_are_invalid_input() {
    let err = ErrObj::new();
    let mut r = [9usize; 3];
    let mut c = [9usize; 3];
    let mut call = |rows, cols, len, ind_len| {
        // SAFETY: the buffers are valid for 9 and 3 elements; larger claimed lengths must
        // be rejected before any access.
        unsafe {
            aidmatch_lsap_f64(
                rows,
                cols,
                SCIPY.as_ptr(),
                len,
                false,
                r.as_mut_ptr(),
                c.as_mut_ptr(),
                ind_len,
                err.0,
            )
        }
    };
    assert_eq!(call(usize::MAX, 2, 9, 3), AIDMATCH_STATUS_INVALID_INPUT);
    assert!(
        err.message().contains("overflows size_t"),
        "{}",
        err.message()
    );
    assert_eq!(call(3, 3, usize::MAX, 3), AIDMATCH_STATUS_INVALID_INPUT);
    assert!(err.message().contains("address space"), "{}", err.message());
    assert_eq!(call(3, 3, 8, 3), AIDMATCH_STATUS_INVALID_INPUT, "shape");
    assert!(err.message().contains('9'), "{}", err.message());
    assert_eq!(
        call(3, 3, 9, 2),
        AIDMATCH_STATUS_INVALID_INPUT,
        "short outputs"
    );
    assert!(err.message().contains("room for 2"), "{}", err.message());
    assert_eq!((r, c), ([9; 3], [9; 3]), "outputs untouched on failure");
    // Longer outputs than needed are fine: exactly min(rows, cols) entries are written.
    let mut r4 = [9usize; 4];
    let mut c4 = [9usize; 4];
    // SAFETY: the buffers are valid for their lengths.
    let s = unsafe {
        aidmatch_lsap_f64(
            3,
            3,
            SCIPY.as_ptr(),
            9,
            false,
            r4.as_mut_ptr(),
            c4.as_mut_ptr(),
            4,
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_OK);
    assert_eq!((r4, c4), ([0, 1, 2, 9], [1, 0, 2, 9]));
}

#[test]
fn misaligned_buffers_are_rejected() {
    let err = ErrObj::new();
    let bytes = [0u8; 9 * 8 + 1];
    let misaligned = bytes[1..].as_ptr().cast::<f64>();
    let mut r = [0usize; 3];
    let mut c = [0usize; 3];
    // SAFETY: the pointer is rejected before any read.
    let s = unsafe {
        aidmatch_lsap_f64(
            3,
            3,
            misaligned,
            9,
            false,
            r.as_mut_ptr(),
            c.as_mut_ptr(),
            3,
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert!(err.message().contains("aligned"), "{}", err.message());
}

#[test]
fn nan_is_located_by_row_column_and_value() {
    let err = ErrObj::new();
    let mut costs = SCIPY;
    costs[5] = f64::NAN;
    let (s, r, _) = f64_solve(3, 3, &costs, false, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(
        (err.row(), err.column().as_deref(), err.value().as_deref()),
        (1, Some("2"), Some("NaN"))
    );
    assert_eq!(r, [usize::MAX; 3]);
}

#[test]
fn a_finite_cost_beyond_the_float_limit_is_located_and_short() {
    let err = ErrObj::new();
    // Up to 1e300 is fine for any size; 1e308 is above DBL_MAX / (4 (n + 1)) for n = 3.
    let mut costs = SCIPY;
    costs[4] = 1e300;
    assert_eq!(f64_solve(3, 3, &costs, false, &err).0, AIDMATCH_STATUS_OK);
    for (value, text) in [(1e308, "1e308"), (-1e308, "-1e308")] {
        costs[4] = value;
        let (s, r, _) = f64_solve(3, 3, &costs, false, &err);
        assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT, "{}", err.message());
        assert_eq!(
            (err.row(), err.column().as_deref(), err.value().as_deref()),
            (1, Some("1"), Some(text))
        );
        let limit = f64::MAX / 16.0;
        assert_eq!(
            err.message(),
            format!(
                "cost {text} at row 1, column 1 is outside the supported range ±{limit:e} \
                 (DBL_MAX / (4 (min(rows, cols) + 1)))"
            )
        );
        assert!(err.message().len() < 150, "{}", err.message());
        assert_eq!(r, [usize::MAX; 3], "outputs untouched");
    }
}

#[test]
fn a_side_above_the_solvers_limit_is_named_at_most() {
    let err = ErrObj::new();
    for (rows, cols, name) in [(0, usize::MAX, "cols"), (MAX_SIDE + 1, 0, "rows")] {
        // SAFETY: zero-length buffers may be NULL.
        let s = unsafe {
            aidmatch_lsap_f64(
                rows,
                cols,
                std::ptr::null(),
                0,
                false,
                std::ptr::null_mut(),
                std::ptr::null_mut(),
                0,
                err.0,
            )
        };
        assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
        let side = rows.max(cols);
        assert_eq!(
            err.message(),
            format!(
                "argument `{name}` is {side}, but a side of the matrix may be at most \
                 4294967294 (2^32 - 2)"
            )
        );
        assert_eq!(err.column().as_deref(), Some(name));
        assert_eq!(err.value(), Some(side.to_string()));
    }
    // The binding's limit is the solver's own (its refusal names the longest side it
    // takes; a solve at the limit itself could allocate gigabytes).
    let solver = aidmatch_assign::dense::linear_sum_assignment(
        &[],
        MAX_SIDE + 1,
        0,
        aidmatch_assign::dense::Sense::Minimize,
    );
    assert!(
        matches!(
            solver,
            Err(aidmatch_assign::AssignError::Length { expected, .. }) if expected == MAX_SIDE
        ),
        "{solver:?}"
    );
}

#[test]
fn forbidden_entries_can_make_it_infeasible() {
    let err = ErrObj::new();
    // Both rows may only use column 0.
    let (s, _, _) = i64_solve(2, 2, &[1, 2, 3, 4], Some(&[1, 0, 1, 0]), false, &err);
    assert_eq!(s, AIDMATCH_STATUS_INFEASIBLE);
    assert_eq!(err.message(), "cost matrix is infeasible");
    // A mask byte of any non-zero value permits the entry; the best is then the diagonal
    // 1 + 4 = 5, not 2 + 3.
    let (s, r, c) = i64_solve(2, 2, &[1, 2, 3, 4], Some(&[7, 0, 0, 255]), false, &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert_eq!((r, c), (vec![0, 1], vec![0, 1]));
    let inf = f64::INFINITY;
    let (s, _, _) = f64_solve(2, 2, &[1.0, inf, 2.0, inf], false, &err);
    assert_eq!(s, AIDMATCH_STATUS_INFEASIBLE);
}

#[test]
fn mask_length_and_cost_range_are_checked() {
    let err = ErrObj::new();
    let (s, _, _) = i64_solve(2, 2, &[1, 2, 3, 4], Some(&[1, 1, 1]), false, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT, "{}", err.message());
    // SAFETY: NULL mask with a non-zero length is rejected before any read.
    let s = unsafe {
        aidmatch_lsap_i64(
            1,
            1,
            [5i64].as_ptr(),
            1,
            std::ptr::null(),
            1,
            false,
            [0].as_mut_ptr(),
            [0].as_mut_ptr(),
            1,
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert!(err.message().contains("allowed"), "{}", err.message());
    let (s, _, _) = i64_solve(1, 2, &[0, i64::MAX], None, false, &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT, "{}", err.message());
    assert_eq!(err.row(), 0);
    assert_eq!(err.column().as_deref(), Some("1"));
    assert_eq!(err.value(), Some(i64::MAX.to_string()));
}

#[test]
fn concurrent_calls_with_their_own_error_objects_agree() {
    let matrices: Vec<Vec<i64>> = (0..8u64)
        .map(|seed| {
            (0..30 * 40)
                .map(|k| ((seed * 7919 + k as u64 * 104_729) % 1000) as i64 - 500)
                .collect()
        })
        .collect();
    let solve = |costs: &[i64]| {
        let err = ErrObj::new();
        let (s, r, c) = i64_solve(30, 40, costs, None, false, &err);
        assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
        (r, c)
    };
    let expected: Vec<_> = matrices.iter().map(|m| solve(m)).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..4)
            .map(|_| {
                scope.spawn(|| {
                    (0..5)
                        .flat_map(|_| matrices.iter().map(|m| solve(m)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        for h in handles {
            let got = h.join().expect("thread");
            for (k, pair) in got.iter().enumerate() {
                assert_eq!(pair, &expected[k % matrices.len()]);
            }
        }
    });
}
