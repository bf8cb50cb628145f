//! Tests of `aidmatch_assign::dense`: edge cases, errors, ties, and a property test
//! against exhaustive search with a direct check of the dual certificate.

use aidmatch_assign::AssignError;
use aidmatch_assign::dense::{
    Assignment, DenseOptions, SMALL_SIDE, Sense, linear_sum_assignment, linear_sum_assignment_i64,
    linear_sum_assignment_i64_with, linear_sum_assignment_with,
};
use aidmatch_assign::reference;
use aidmatch_assign::verify::{verify_dense_f64, verify_dense_i64};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

const MAX_WEIGHT: i64 = (1 << 53) - 1;

/// Optimal objective by trying every injective map of the smaller side; None if no
/// assignment avoids the forbidden entries.
fn brute_force(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
) -> Option<i128> {
    let ok = |i: usize, j: usize| allowed.is_none_or(|m| m[i * cols + j]);
    let at = |i: usize, j: usize| i128::from(costs[i * cols + j]);
    // Assign each element of the small side to a distinct element of the large side.
    struct Search<'a> {
        small: usize,
        large: usize,
        used: Vec<bool>,
        best: Option<i128>,
        value: &'a dyn Fn(usize, usize) -> Option<i128>,
        better: &'a dyn Fn(i128, i128) -> bool,
    }
    impl Search<'_> {
        fn rec(&mut self, s: usize, acc: i128) {
            if s == self.small {
                if self.best.is_none_or(|b| (self.better)(acc, b)) {
                    self.best = Some(acc);
                }
                return;
            }
            for l in 0..self.large {
                if self.used[l] {
                    continue;
                }
                if let Some(c) = (self.value)(s, l) {
                    self.used[l] = true;
                    self.rec(s + 1, acc + c);
                    self.used[l] = false;
                }
            }
        }
    }
    let (small, large) = (rows.min(cols), rows.max(cols));
    let value = |s: usize, l: usize| {
        let (i, j) = if rows <= cols { (s, l) } else { (l, s) };
        ok(i, j).then(|| at(i, j))
    };
    let better = |a: i128, b: i128| match sense {
        Sense::Minimize => a < b,
        Sense::Maximize => a > b,
    };
    let mut search = Search {
        small,
        large,
        used: vec![false; large],
        best: None,
        value: &value,
        better: &better,
    };
    search.rec(0, 0);
    search.best
}

/// Checks everything the contract promises about an integer result, exactly: the pairs,
/// the objective, and the dual certificate (which proves optimality on its own).
fn check_i64(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
    a: &Assignment<i128>,
) {
    let ok = |i: usize, j: usize| allowed.is_none_or(|m| m[i * cols + j]);
    let n = rows.min(cols);
    assert_eq!(a.len(), n);
    assert_eq!(a.col_ind().len(), n);
    assert!(
        a.row_ind().windows(2).all(|w| w[0] < w[1]),
        "row_ind sorted"
    );
    let mut col_used = vec![false; cols];
    let mut row_used = vec![false; rows];
    let mut total: i128 = 0;
    for (&i, &j) in a.row_ind().iter().zip(a.col_ind()) {
        assert!(i < rows && j < cols);
        assert!(!col_used[j], "column {j} used twice");
        col_used[j] = true;
        row_used[i] = true;
        assert!(ok(i, j), "forbidden pair ({i}, {j}) chosen");
        assert_eq!(a.mate(i), Some(j));
        total += i128::from(costs[i * cols + j]);
    }
    for (i, _) in row_used.iter().enumerate().filter(|(_, used)| !**used) {
        assert_eq!(a.mate(i), None);
    }
    assert_eq!(a.objective(), total);
    // Duals in the minimisation sign.
    let s: i128 = if sense == Sense::Minimize { 1 } else { -1 };
    let u: Vec<i128> = a.row_duals().iter().map(|&x| s * x).collect();
    let v: Vec<i128> = a.col_duals().iter().map(|&x| s * x).collect();
    assert_eq!(u.len(), rows);
    assert_eq!(v.len(), cols);
    for i in 0..rows {
        for j in 0..cols {
            if ok(i, j) {
                let c = s * i128::from(costs[i * cols + j]);
                assert!(u[i] + v[j] <= c, "dual infeasible at ({i}, {j})");
                if a.mate(i) == Some(j) {
                    assert_eq!(u[i] + v[j], c, "not tight at ({i}, {j})");
                }
            }
        }
    }
    if rows < cols {
        for j in 0..cols {
            assert!(v[j] <= 0, "v[{j}] = {} > 0", v[j]);
            if !col_used[j] {
                assert_eq!(v[j], 0, "unassigned column {j} has a price");
            }
        }
    }
    if rows > cols {
        for i in 0..rows {
            assert!(u[i] <= 0, "u[{i}] = {} > 0", u[i]);
            if !row_used[i] {
                assert_eq!(u[i], 0, "unassigned row {i} has a price");
            }
        }
    }
    // Strong duality: the certificate's value equals the objective.
    let dual: i128 = u.iter().chain(&v).sum();
    assert_eq!(dual, s * total);
    // And the independent checker agrees.
    assert_eq!(
        verify_dense_i64(costs, rows, cols, allowed, sense, a),
        Ok(())
    );
}

/// The f64 twin of [`check_i64`], with a tolerance on the dual inequalities.
fn check_f64(costs: &[f64], rows: usize, cols: usize, sense: Sense, a: &Assignment<f64>) {
    let n = rows.min(cols);
    assert_eq!(a.len(), n);
    assert!(a.row_ind().windows(2).all(|w| w[0] < w[1]));
    let mut col_used = vec![false; cols];
    let mut total = 0.0;
    for (&i, &j) in a.row_ind().iter().zip(a.col_ind()) {
        assert!(!col_used[j]);
        col_used[j] = true;
        let c = costs[i * cols + j];
        assert!(c.is_finite(), "forbidden pair ({i}, {j}) chosen");
        total += c;
    }
    assert_eq!(a.objective(), total);
    let s = if sense == Sense::Minimize { 1.0 } else { -1.0 };
    let tol = 1e-9
        * (1.0
            + costs
                .iter()
                .filter(|c| c.is_finite())
                .fold(0.0f64, |m, c| m.max(c.abs())));
    for i in 0..rows {
        for j in 0..cols {
            let c = s * costs[i * cols + j];
            if c.is_finite() {
                let r = c - s * a.row_duals()[i] - s * a.col_duals()[j];
                assert!(r >= -tol, "dual infeasible at ({i}, {j}): {r}");
                if a.mate(i) == Some(j) {
                    assert!(r.abs() <= tol, "not tight at ({i}, {j}): {r}");
                }
            }
        }
    }
    if rows < cols {
        for (&vj, &used) in a.col_duals().iter().zip(&col_used) {
            assert!(s * vj <= 0.0);
            if !used {
                assert_eq!(vj, 0.0);
            }
        }
    }
    if rows > cols {
        for i in 0..rows {
            assert!(s * a.row_duals()[i] <= 0.0);
            if a.mate(i).is_none() {
                assert_eq!(a.row_duals()[i], 0.0);
            }
        }
    }
    assert_eq!(verify_dense_f64(costs, rows, cols, sense, a, tol), Ok(()));
}

fn solve_i64(
    costs: &[i64],
    rows: usize,
    cols: usize,
    allowed: Option<&[bool]>,
    sense: Sense,
) -> Assignment<i128> {
    let a = linear_sum_assignment_i64(costs, rows, cols, allowed, sense).expect("feasible");
    check_i64(costs, rows, cols, allowed, sense, &a);
    a
}

#[test]
fn doc_story_three_by_three() {
    let minutes = [40, 25, 90, 30, 60, 35, 50, 20, 80];
    let a = solve_i64(&minutes, 3, 3, None, Sense::Minimize);
    assert_eq!(a.col_ind(), &[0, 2, 1]);
    assert_eq!(a.objective(), 95);
}

#[test]
fn empty_shapes() {
    for (r, c) in [(0, 0), (0, 5), (5, 0)] {
        let a = linear_sum_assignment(&[], r, c, Sense::Minimize).expect("empty is fine");
        assert!(a.is_empty());
        assert_eq!(a.row_duals().len(), r);
        assert_eq!(a.col_duals().len(), c);
        assert_eq!(a.objective(), 0.0);
        let b = linear_sum_assignment_i64(&[], r, c, None, Sense::Maximize).expect("empty is fine");
        assert!(b.is_empty());
        assert_eq!(b.objective(), 0);
        assert_eq!(b.row_duals(), vec![0; r].as_slice());
        assert_eq!(b.col_duals(), vec![0; c].as_slice());
    }
}

#[test]
fn one_by_one() {
    let a = linear_sum_assignment(&[-2.5], 1, 1, Sense::Minimize).expect("ok");
    assert_eq!(
        (a.row_ind(), a.col_ind(), a.objective()),
        (&[0][..], &[0][..], -2.5)
    );
    assert_eq!(a.row_duals()[0] + a.col_duals()[0], -2.5);
    let b = solve_i64(&[7], 1, 1, None, Sense::Maximize);
    assert_eq!(b.objective(), 7);
}

#[test]
fn shape_errors() {
    assert!(matches!(
        linear_sum_assignment(&[1.0, 2.0, 3.0], 2, 2, Sense::Minimize),
        Err(AssignError::Shape {
            rows: 2,
            cols: 2,
            expected: 4,
            got: 3
        })
    ));
    assert!(matches!(
        linear_sum_assignment_i64(&[1, 2, 3, 4], 2, 2, Some(&[true; 3]), Sense::Minimize),
        Err(AssignError::Shape {
            expected: 4,
            got: 3,
            ..
        })
    ));
}

#[test]
fn invalid_entries_are_located() {
    let nan = [0.0, 1.0, 2.0, f64::NAN, 4.0, 5.0];
    match linear_sum_assignment(&nan, 2, 3, Sense::Minimize) {
        Err(AssignError::InvalidEntry {
            row: 1,
            col: 0,
            value,
        }) => assert!(value.is_nan()),
        other => panic!("expected InvalidEntry, got {other:?}"),
    }
    let neg = [0.0, 1.0, 2.0, 3.0, f64::NEG_INFINITY, 5.0];
    assert_eq!(
        linear_sum_assignment(&neg, 3, 2, Sense::Minimize),
        Err(AssignError::InvalidEntry {
            row: 2,
            col: 0,
            value: f64::NEG_INFINITY
        })
    );
    // -inf is a forbidden entry when maximising, +inf is invalid.
    let a = linear_sum_assignment(&neg, 3, 2, Sense::Maximize).expect("feasible");
    check_f64(&neg, 3, 2, Sense::Maximize, &a);
    assert_eq!(a.objective(), 7.0);
    let pos = [0.0, f64::INFINITY, 2.0, 3.0];
    assert_eq!(
        linear_sum_assignment(&pos, 2, 2, Sense::Maximize),
        Err(AssignError::InvalidEntry {
            row: 0,
            col: 1,
            value: f64::INFINITY
        })
    );
    let a = linear_sum_assignment(&pos, 2, 2, Sense::Minimize).expect("feasible");
    assert_eq!((a.col_ind(), a.objective()), (&[0, 1][..], 3.0));
}

#[test]
fn infeasible() {
    let inf = f64::INFINITY;
    // A row with no permitted entry.
    let c = [1.0, 2.0, 3.0, inf, inf, inf];
    assert_eq!(
        linear_sum_assignment(&c, 2, 3, Sense::Minimize),
        Err(AssignError::Infeasible)
    );
    let mask = [true, true, true, false, false, false];
    assert_eq!(
        linear_sum_assignment_i64(&[1, 2, 3, 4, 5, 6], 2, 3, Some(&mask), Sense::Minimize),
        Err(AssignError::Infeasible)
    );
    // Two rows that can only use the same column (Hall's condition fails).
    let c = [1.0, inf, inf, 2.0, inf, inf, 3.0, 4.0, 5.0];
    assert_eq!(
        linear_sum_assignment(&c, 3, 3, Sense::Minimize),
        Err(AssignError::Infeasible)
    );
    // Tall: a column with no permitted entry.
    let c = [1.0, inf, 2.0, inf, 3.0, inf];
    assert_eq!(
        linear_sum_assignment(&c, 3, 2, Sense::Minimize),
        Err(AssignError::Infeasible)
    );
    // Wide: a forbidden column is simply left out.
    let c = [1.0, inf, 2.0, 5.0, inf, 4.0];
    let a = linear_sum_assignment(&c, 2, 3, Sense::Minimize).expect("feasible");
    assert_eq!((a.col_ind(), a.objective()), (&[0, 2][..], 5.0));
    check_f64(&c, 2, 3, Sense::Minimize, &a);
    let ninf = f64::NEG_INFINITY;
    let c = [1.0, ninf, ninf, 2.0, ninf, ninf];
    assert_eq!(
        linear_sum_assignment(&c, 2, 3, Sense::Maximize),
        Err(AssignError::Infeasible)
    );
}

#[test]
fn constant_matrix_gives_identity() {
    for (r, c) in [(1, 1), (4, 4), (3, 6), (6, 3), (1, 5), (5, 1)] {
        let n = r.min(c);
        let ident: Vec<usize> = (0..n).collect();
        for value in [0.0, 7.5, -3.0] {
            let costs = vec![value; r * c];
            for sense in [Sense::Minimize, Sense::Maximize] {
                let a = linear_sum_assignment(&costs, r, c, sense).expect("ok");
                assert_eq!(a.row_ind(), ident.as_slice(), "{r}x{c}");
                assert_eq!(a.col_ind(), ident.as_slice(), "{r}x{c}");
                check_f64(&costs, r, c, sense, &a);
            }
        }
        let costs = vec![42_i64; r * c];
        for sense in [Sense::Minimize, Sense::Maximize] {
            let a = solve_i64(&costs, r, c, None, sense);
            assert_eq!(a.row_ind(), ident.as_slice());
            assert_eq!(a.col_ind(), ident.as_slice());
        }
    }
}

#[test]
fn rectangular_both_orientations() {
    // scipy's documented example, and its transpose.
    let c = [4, 1, 3, 2, 0, 5, 3, 2, 2];
    let a = solve_i64(&c, 3, 3, None, Sense::Minimize);
    assert_eq!((a.col_ind(), a.objective()), (&[1, 0, 2][..], 5));
    let wide = [4, 1, 5, 9, 2, 0, 6, 9];
    let a = solve_i64(&wide, 2, 4, None, Sense::Minimize);
    assert_eq!(
        (a.row_ind(), a.col_ind(), a.objective()),
        (&[0, 1][..], &[1, 0][..], 3)
    );
    let tall = [4, 2, 1, 0, 5, 6, 9, 9];
    let a = solve_i64(&tall, 4, 2, None, Sense::Minimize);
    assert_eq!(
        (a.row_ind(), a.col_ind(), a.objective()),
        (&[0, 1][..], &[1, 0][..], 3)
    );
    let a = solve_i64(&tall, 4, 2, None, Sense::Maximize);
    assert_eq!(
        (a.row_ind(), a.col_ind(), a.objective()),
        (&[2, 3][..], &[1, 0][..], 15)
    );
    let f: Vec<f64> = tall.iter().map(|&x| x as f64).collect();
    let b = linear_sum_assignment(&f, 4, 2, Sense::Maximize).expect("ok");
    assert_eq!(
        (b.row_ind(), b.col_ind(), b.objective()),
        (&[2, 3][..], &[1, 0][..], 15.0)
    );
    check_f64(&f, 4, 2, Sense::Maximize, &b);
}

#[test]
fn maximize() {
    let c = [1, 2, 3, 2, 4, 6, 3, 6, 9];
    let a = solve_i64(&c, 3, 3, None, Sense::Maximize);
    assert_eq!(
        a.objective(),
        brute_force(&c, 3, 3, None, Sense::Maximize).expect("feasible")
    );
    assert_eq!(a.objective(), 1 + 4 + 9);
}

#[test]
fn i64_limits() {
    assert_eq!(
        linear_sum_assignment_i64(&[0, 1, MAX_WEIGHT + 1, 2], 2, 2, None, Sense::Minimize),
        Err(AssignError::CostOutOfRange {
            row: 1,
            col: 0,
            value: MAX_WEIGHT + 1,
            limit: MAX_WEIGHT
        })
    );
    assert_eq!(
        linear_sum_assignment_i64(&[0, i64::MIN], 1, 2, None, Sense::Maximize),
        Err(AssignError::CostOutOfRange {
            row: 0,
            col: 1,
            value: i64::MIN,
            limit: MAX_WEIGHT
        })
    );
    // Out-of-range values on forbidden entries are ignored.
    let c = [i64::MAX, 5, 6, i64::MIN];
    let mask = [false, true, true, false];
    let a = solve_i64(&c, 2, 2, Some(&mask), Sense::Minimize);
    assert_eq!(a.objective(), 11);
    // The extremes themselves are exact, in the i64 kernel (n <= 3) and the i128 one.
    for n in [1, 2, 3, 4, 6] {
        let mut rng = ChaCha8Rng::seed_from_u64(n as u64);
        for _ in 0..20 {
            let c: Vec<i64> = (0..n * n)
                .map(|_| match rng.random_range(0..4) {
                    0 => MAX_WEIGHT,
                    1 => -MAX_WEIGHT,
                    2 => MAX_WEIGHT - rng.random_range(0..3),
                    _ => rng.random_range(-MAX_WEIGHT..=MAX_WEIGHT),
                })
                .collect();
            let mask: Vec<bool> = (0..n * n).map(|_| rng.random_bool(0.8)).collect();
            for sense in [Sense::Minimize, Sense::Maximize] {
                for allowed in [None, Some(mask.as_slice())] {
                    let want = brute_force(&c, n, n, allowed, sense);
                    match linear_sum_assignment_i64(&c, n, n, allowed, sense) {
                        Ok(a) => {
                            check_i64(&c, n, n, allowed, sense, &a);
                            assert_eq!(Some(a.objective()), want);
                        }
                        Err(e) => {
                            assert_eq!(e, AssignError::Infeasible);
                            assert_eq!(want, None);
                        }
                    }
                }
            }
        }
    }
}

/// Larger instances, many ties and forbidden entries: the certificate alone proves the
/// optimum, and the f64 solver must agree with the exact one on integer-valued costs.
#[test]
fn certificates_on_larger_random_instances() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for round in 0..120 {
        let rows = rng.random_range(1..60);
        let cols = rng.random_range(1..60);
        let range = [2, 10, 1000, 1 << 40][round % 4];
        let density = [1.0, 0.9, 0.5, 0.2][(round / 4) % 4];
        let c: Vec<i64> = (0..rows * cols)
            .map(|_| rng.random_range(-range..range))
            .collect();
        let mask: Vec<bool> = (0..rows * cols).map(|_| rng.random_bool(density)).collect();
        let allowed = (density < 1.0).then_some(mask.as_slice());
        for sense in [Sense::Minimize, Sense::Maximize] {
            let exact = linear_sum_assignment_i64(&c, rows, cols, allowed, sense);
            if let Ok(a) = &exact {
                check_i64(&c, rows, cols, allowed, sense, a);
            }
            let forbid = if sense == Sense::Minimize {
                f64::INFINITY
            } else {
                f64::NEG_INFINITY
            };
            let f: Vec<f64> = c
                .iter()
                .zip(&mask)
                .map(|(&x, &ok)| {
                    if ok || allowed.is_none() {
                        x as f64
                    } else {
                        forbid
                    }
                })
                .collect();
            let float = linear_sum_assignment(&f, rows, cols, sense);
            match (&exact, &float) {
                (Ok(a), Ok(b)) => {
                    check_f64(&f, rows, cols, sense, b);
                    if range < 1 << 40 {
                        assert_eq!(a.objective() as f64, b.objective());
                    }
                }
                (Err(AssignError::Infeasible), Err(AssignError::Infeasible)) => {}
                other => panic!("solvers disagree: {other:?}"),
            }
        }
    }
}

/// Options with the tiny-matrix path on or off: the property tests run both paths.
fn path(small_path: bool) -> DenseOptions<'static> {
    let mut o = DenseOptions::default();
    o.small_path = small_path;
    o
}

fn small_instance() -> impl Strategy<Value = (usize, usize, Vec<i64>, Vec<bool>, bool)> {
    (0usize..=6, 0usize..=9).prop_flat_map(|(r, c)| {
        (
            Just(r),
            Just(c),
            prop::collection::vec(-20i64..20, r * c),
            prop::collection::vec(prop::bool::weighted(0.8), r * c),
            any::<bool>(),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn matches_brute_force((rows, cols, costs, mask, use_mask) in small_instance(), maximize in any::<bool>()) {
        let sense = if maximize { Sense::Maximize } else { Sense::Minimize };
        let allowed = use_mask.then_some(mask.as_slice());
        let want = brute_force(&costs, rows, cols, allowed, sense);
        prop_assert_eq!(want, reference::dense_i64(&costs, rows, cols, allowed, sense));
        for small_path in [true, false] {
            match linear_sum_assignment_i64_with(&costs, rows, cols, allowed, sense, &path(small_path)) {
                Ok(a) => {
                    check_i64(&costs, rows, cols, allowed, sense, &a);
                    prop_assert_eq!(Some(a.objective()), want);
                }
                Err(e) => {
                    prop_assert_eq!(e, AssignError::Infeasible);
                    prop_assert_eq!(want, None);
                }
            }
        }
        // The same instance in f64, forbidden entries as infinities.
        let forbid = if maximize { f64::NEG_INFINITY } else { f64::INFINITY };
        let f: Vec<f64> = costs
            .iter()
            .zip(&mask)
            .map(|(&x, &ok)| if ok || !use_mask { x as f64 } else { forbid })
            .collect();
        for small_path in [true, false] {
            match linear_sum_assignment_with(&f, rows, cols, sense, &path(small_path)) {
                Ok(b) => {
                    check_f64(&f, rows, cols, sense, &b);
                    prop_assert_eq!(want.map(|w| w as f64), Some(b.objective()));
                }
                Err(e) => {
                    prop_assert_eq!(e, AssignError::Infeasible);
                    prop_assert_eq!(want, None);
                }
            }
        }
    }
}

/// The float path proper (non-integer costs): quarters are exact in binary, so sums are
/// exact and the objective must equal four times the integer optimum.
fn small_float_instance() -> impl Strategy<Value = (usize, usize, Vec<i64>, Vec<bool>)> {
    (1usize..=6, 1usize..=9).prop_flat_map(|(r, c)| {
        (
            Just(r),
            Just(c),
            prop::collection::vec(-80i64..80, r * c),
            prop::collection::vec(prop::bool::weighted(0.85), r * c),
        )
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn float_path_matches_brute_force((rows, cols, quarters, mask) in small_float_instance(), maximize in any::<bool>()) {
        let sense = if maximize { Sense::Maximize } else { Sense::Minimize };
        let forbid = if maximize { f64::NEG_INFINITY } else { f64::INFINITY };
        // Shift by 1/8 so that no matrix is integral (that would take the exact path).
        let f: Vec<f64> = quarters
            .iter()
            .zip(&mask)
            .map(|(&q, &ok)| if ok { q as f64 / 4.0 + 0.125 } else { forbid })
            .collect();
        let eighths: Vec<i64> = quarters.iter().map(|&q| 2 * q + 1).collect();
        let want = brute_force(&eighths, rows, cols, Some(&mask), sense);
        for small_path in [true, false] {
            match linear_sum_assignment_with(&f, rows, cols, sense, &path(small_path)) {
                Ok(b) => {
                    check_f64(&f, rows, cols, sense, &b);
                    prop_assert_eq!(want.map(|w| w as f64 / 8.0), Some(b.objective()));
                }
                Err(e) => {
                    prop_assert_eq!(e, AssignError::Infeasible);
                    prop_assert_eq!(want, None);
                }
            }
        }
    }
}

/// Entries at the edges of the compact storage types (i16, i32) and beyond, in both
/// senses (negation moves the edges), against brute force.
#[test]
fn compact_storage_boundaries() {
    let edges: [i64; 8] = [
        i64::from(i16::MAX),
        i64::from(i16::MIN),
        i64::from(i16::MAX) + 1,
        i64::from(i32::MAX),
        i64::from(i32::MIN),
        i64::from(i32::MAX) + 1,
        -(1 << 40),
        0,
    ];
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for &edge in &edges {
        for _ in 0..30 {
            let rows = rng.random_range(1..6);
            let cols = rng.random_range(1..6);
            let c: Vec<i64> = (0..rows * cols)
                .map(|_| match rng.random_range(0..3) {
                    0 => edge,
                    1 => edge.signum() * rng.random_range(0..100),
                    _ => rng.random_range(-50..50),
                })
                .collect();
            for sense in [Sense::Minimize, Sense::Maximize] {
                let a = solve_i64(&c, rows, cols, None, sense);
                assert_eq!(
                    Some(a.objective()),
                    brute_force(&c, rows, cols, None, sense)
                );
                // The same integers as floats: exact path within 31 bits, float beyond.
                let f: Vec<f64> = c.iter().map(|&x| x as f64).collect();
                let b = linear_sum_assignment(&f, rows, cols, sense).expect("feasible");
                check_f64(&f, rows, cols, sense, &b);
                assert_eq!(b.objective(), a.objective() as f64);
            }
        }
    }
}

/// Uniform random floats (the float path) on larger matrices: the certificate proves
/// optimality up to rounding.
#[test]
fn float_certificates_on_larger_random_instances() {
    let mut rng = ChaCha8Rng::seed_from_u64(3);
    for _ in 0..40 {
        let rows = rng.random_range(1..80);
        let cols = rng.random_range(1..80);
        // Forbidden entries off the diagonal only, so the instance is feasible.
        let c: Vec<f64> = (0..rows * cols)
            .map(|k| {
                if k / cols != k % cols && rng.random_bool(0.1) {
                    f64::INFINITY
                } else {
                    rng.random::<f64>() * 100.0
                }
            })
            .collect();
        for sense in [Sense::Minimize, Sense::Maximize] {
            let c: Vec<f64> = match sense {
                Sense::Minimize => c.clone(),
                Sense::Maximize => c.iter().map(|&x| -x).collect(),
            };
            let a = linear_sum_assignment(&c, rows, cols, sense).expect("feasible");
            check_f64(&c, rows, cols, sense, &a);
        }
    }
}

/// Every tiny shape (both sides up to `SMALL_SIDE` + 1, so both paths and their
/// boundary), ties everywhere (costs in 0..3), both senses: the tiny-matrix path and the
/// general kernel reach the same optimum and both certificates verify.
#[test]
fn tiny_path_agrees_with_the_kernel_on_every_shape() {
    let mut rng = ChaCha8Rng::seed_from_u64(31);
    for rows in 0..=SMALL_SIDE + 1 {
        for cols in 0..=SMALL_SIDE + 1 {
            for _ in 0..40 {
                let costs: Vec<i64> = (0..rows * cols).map(|_| rng.random_range(0..3)).collect();
                let mask: Vec<bool> = (0..rows * cols).map(|_| rng.random_bool(0.9)).collect();
                for sense in [Sense::Minimize, Sense::Maximize] {
                    let solve = |small: bool| {
                        linear_sum_assignment_i64_with(
                            &costs,
                            rows,
                            cols,
                            Some(&mask),
                            sense,
                            &path(small),
                        )
                    };
                    let (a, b) = (solve(true), solve(false));
                    match (&a, &b) {
                        (Ok(a), Ok(b)) => {
                            assert_eq!(
                                a.objective(),
                                b.objective(),
                                "{rows}x{cols} {costs:?} {mask:?}"
                            );
                            check_i64(&costs, rows, cols, Some(&mask), sense, a);
                        }
                        _ => assert_eq!(a, b),
                    }
                }
            }
        }
    }
}

/// A cancel flag set before the solve stops a matrix of the general kernel with
/// `Interrupted`; a clear flag changes nothing.
#[test]
fn cancel_flag_interrupts_the_kernel() {
    use std::sync::atomic::AtomicBool;
    let n = 600;
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let costs: Vec<f64> = (0..n * n).map(|_| rng.random::<f64>()).collect();
    let ints: Vec<i64> = (0..n * n).map(|_| rng.random_range(0..1_000_000)).collect();
    let set = AtomicBool::new(true);
    let clear = AtomicBool::new(false);
    let mut o = DenseOptions::default();
    o.cancel = Some(&set);
    assert_eq!(
        linear_sum_assignment_with(&costs, n, n, Sense::Minimize, &o),
        Err(AssignError::Interrupted)
    );
    assert_eq!(
        linear_sum_assignment_i64_with(&ints, n, n, None, Sense::Maximize, &o),
        Err(AssignError::Interrupted)
    );
    o.cancel = Some(&clear);
    let with = linear_sum_assignment_with(&costs, n, n, Sense::Minimize, &o).expect("solves");
    let without = linear_sum_assignment(&costs, n, n, Sense::Minimize).expect("solves");
    assert_eq!(with, without);
    let with =
        linear_sum_assignment_i64_with(&ints, n, n, None, Sense::Maximize, &o).expect("solves");
    assert_eq!(
        with,
        linear_sum_assignment_i64(&ints, n, n, None, Sense::Maximize).expect("solves")
    );
}

/// A flag set by another thread while a long solve runs stops it: Machol–Wien costs
/// `c_ij = i j` make every augmenting path long, and n = 3000 takes about 16 s on the
/// development machine, far longer than the 50 ms before the flag is set.
#[test]
fn cancel_flag_set_during_a_solve_stops_it() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::time::Duration;
    let n = 3000;
    let costs: Vec<i64> = (0..n * n).map(|k| ((k / n) * (k % n)) as i64).collect();
    let flag = AtomicBool::new(false);
    let mut o = DenseOptions::default();
    o.cancel = Some(&flag);
    let result = std::thread::scope(|s| {
        let solver =
            s.spawn(|| linear_sum_assignment_i64_with(&costs, n, n, None, Sense::Minimize, &o));
        std::thread::sleep(Duration::from_millis(50));
        flag.store(true, Ordering::Relaxed);
        solver.join().expect("no panic")
    });
    assert_eq!(result.map(|a| a.objective()), Err(AssignError::Interrupted));
}

/// The shortest path search scans rows in blocks of 64 columns over their full width,
/// and small-integer matrices run in `i32` arithmetic when `16 (n + 1) max|c| <= 2^27`:
/// shapes on and around the block boundaries, both arithmetic widths (n = 256 with
/// entries up to 32640 is the last `i32` case, 32641 the first `i64` one), many ties
/// (costs in 0..3, where free and assigned columns tie at the minimum), masks (the `i64`
/// kernel with forbidden entries), floats, both senses: every certificate verifies, and
/// the integer and float solves agree on the optimum.
#[test]
fn full_width_scan_on_block_boundaries_and_both_widths() {
    let mut rng = ChaCha8Rng::seed_from_u64(64);
    let shapes = [
        (64, 64),
        (63, 65),
        (65, 63),
        (100, 128),
        (129, 130),
        (200, 200),
        (40, 300),
        (300, 40),
        (256, 256),
    ];
    for &(rows, cols) in &shapes {
        for range in [3, 1000, 32640, 32641] {
            let c: Vec<i64> = (0..rows * cols)
                .map(|_| rng.random_range(-range..=range))
                .collect();
            let mask: Vec<bool> = (0..rows * cols)
                .map(|k| k / cols == k % cols || rng.random_bool(0.8))
                .collect();
            for sense in [Sense::Minimize, Sense::Maximize] {
                let a = solve_i64(&c, rows, cols, None, sense);
                solve_i64(&c, rows, cols, Some(&mask), sense);
                let f: Vec<f64> = c.iter().map(|&x| x as f64).collect();
                let b = linear_sum_assignment(&f, rows, cols, sense).expect("feasible");
                check_f64(&f, rows, cols, sense, &b);
                assert_eq!(b.objective(), a.objective() as f64);
                // Off the integers: the float kernel proper.
                let g: Vec<f64> = c.iter().map(|&x| x as f64 + 0.25).collect();
                let b = linear_sum_assignment(&g, rows, cols, sense).expect("feasible");
                check_f64(&g, rows, cols, sense, &b);
            }
        }
    }
}
