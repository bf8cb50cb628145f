//! Hostile numbers for the solvers: the crashers found by the fuzz targets in `fuzz/`
//! replayed as ordinary tests, and the edges of the integer and float ranges (see
//! `fuzz/CATALOGUE.md`).
use aidmatch_assign::dense::{Sense, linear_sum_assignment, linear_sum_assignment_i64};
use aidmatch_assign::sparse::{Options, solve};
use aidmatch_assign::verify::{verify, verify_dense_f64, verify_dense_i64};
use aidmatch_assign::{AssignError, MAX_TIER, MAX_WEIGHT, ProblemBuilder, reference};

const INF: f64 = f64::INFINITY;

/// fuzz/dense crash-0d63692c: a cost of `f64::MAX` next to `1e300` made a path sum
/// overflow to infinity; the solver then returned a forbidden pair with objective `inf`
/// on an infeasible matrix. Such costs are now refused with a typed error.
#[test]
fn dense_f64_max_cost_is_refused_not_a_forbidden_pair() {
    let costs = [
        INF,
        INF,
        INF,
        7.0,
        f64::MAX,
        1e300,
        -9.0,
        INF,
        -0.0,
        INF,
        INF,
        INF,
    ];
    let got = linear_sum_assignment(&costs, 4, 3, Sense::Minimize);
    match got {
        Err(AssignError::FloatCostOutOfRange {
            row,
            col,
            value,
            limit,
        }) => {
            assert_eq!((row, col), (1, 1));
            assert_eq!(value, f64::MAX);
            assert_eq!(limit, f64::MAX / 16.0);
        }
        other => panic!("expected FloatCostOutOfRange, got {other:?}"),
    }
    // Below the limit the same shape is solved, and is infeasible as brute force says.
    let costs = [
        INF, INF, INF, 7.0, 1e305, 1e300, -9.0, INF, -0.0, INF, INF, INF,
    ];
    assert_eq!(reference::dense_f64(&costs, 4, 3, Sense::Minimize), None);
    assert_eq!(
        linear_sum_assignment(&costs, 4, 3, Sense::Minimize),
        Err(AssignError::Infeasible)
    );
}

/// The float limit is `f64::MAX / (4 (n + 1))`: the largest cost at the limit solves
/// and verifies, the next float above it is refused, in both senses.
#[test]
fn dense_f64_cost_at_the_limit() {
    let limit = f64::MAX / (4.0 * 3.0); // n = 2
    for sense in [Sense::Minimize, Sense::Maximize] {
        let costs = [limit, -limit, limit / 2.0, -limit];
        let a = linear_sum_assignment(&costs, 2, 2, sense).expect("at the limit");
        verify_dense_f64(&costs, 2, 2, sense, &a, 1e-12).expect("verifies");
        assert_eq!(
            Some(a.objective()),
            reference::dense_f64(&costs, 2, 2, sense)
        );
        let above = f64::from_bits(limit.to_bits() + 1);
        let costs = [1.0, above, 2.0, 3.0];
        assert!(matches!(
            linear_sum_assignment(&costs, 2, 2, sense),
            Err(AssignError::FloatCostOutOfRange { row: 0, col: 1, .. })
        ));
    }
}

/// Floats that do not scale exactly: solved in f64 like scipy, and optimal up to
/// rounding; integers below 2^31 are solved exactly.
#[test]
fn dense_f64_inexact_and_exact_floats() {
    let costs = [0.1, 0.2, 0.3, 0.1 + 0.2, 0.3, 0.1];
    let a = linear_sum_assignment(&costs, 2, 3, Sense::Minimize).expect("solves");
    verify_dense_f64(&costs, 2, 3, Sense::Minimize, &a, 1e-12).expect("verifies");
    let best = reference::dense_f64(&costs, 2, 3, Sense::Minimize).expect("feasible");
    assert!((a.objective() - best).abs() <= 1e-15);
    // 2^31 - 1 is still exact: zero tolerance.
    let m = f64::from(i32::MAX);
    let costs = [m, -m, m - 1.0, 1.0];
    let a = linear_sum_assignment(&costs, 2, 2, Sense::Maximize).expect("solves");
    verify_dense_f64(&costs, 2, 2, Sense::Maximize, &a, 0.0).expect("exact");
    assert_eq!(a.objective(), m + 1.0);
}

/// Integer costs at ±MAX_WEIGHT solve exactly; one beyond is a typed error naming the
/// limit; i64::MIN / i64::MAX are refused even when masked in only.
#[test]
fn dense_i64_at_the_limits() {
    let w = MAX_WEIGHT;
    for sense in [Sense::Minimize, Sense::Maximize] {
        let costs = [w, -w, -w, w, w, w];
        let a = linear_sum_assignment_i64(&costs, 2, 3, None, sense).expect("at the limit");
        verify_dense_i64(&costs, 2, 3, None, sense, &a).expect("verifies");
        assert_eq!(
            Some(a.objective()),
            reference::dense_i64(&costs, 2, 3, None, sense)
        );
        for bad in [w + 1, -w - 1, i64::MAX, i64::MIN] {
            let costs = [0, bad, 1, 2];
            assert_eq!(
                linear_sum_assignment_i64(&costs, 2, 2, None, sense).map(|a| a.objective()),
                Err(AssignError::CostOutOfRange {
                    row: 0,
                    col: 1,
                    value: bad,
                    limit: w
                })
            );
            // A forbidden entry may hold anything.
            let allowed = [true, false, true, true];
            let a =
                linear_sum_assignment_i64(&costs, 2, 2, Some(&allowed), sense).expect("masked out");
            assert_eq!(a.objective(), 2);
        }
    }
}

/// Sparse weights at ±MAX_WEIGHT with capacities near u32::MAX: the objective is exact in
/// i128 and the certificate verifies; a weight beyond is a typed error.
#[test]
fn sparse_weights_and_capacities_at_the_limits() {
    let w = MAX_WEIGHT;
    let mut b = ProblemBuilder::new(2, 2);
    b.arc_with_cap(0, 0, w, u32::MAX)
        .arc_with_cap(0, 1, w - 1, u32::MAX)
        .arc_with_cap(1, 0, -w, u32::MAX)
        .arc_with_cap(1, 1, w, u32::MAX)
        .row_supply(vec![u32::MAX, u32::MAX])
        .col_capacity(vec![u32::MAX, u32::MAX - 1]);
    let p = b.build().expect("in range");
    let m = solve(&p, &Options::default()).expect("solves");
    verify(&p, &m).expect("verifies");
    let expected = i128::from(w) * i128::from(u32::MAX) + i128::from(w) * i128::from(u32::MAX - 1);
    assert_eq!(m.weight(&p), expected);
    for bad in [w + 1, -w - 1, i64::MIN, i64::MAX] {
        let mut b = ProblemBuilder::new(1, 1);
        b.arc(0, 0, bad);
        assert!(matches!(
            b.build(),
            Err(AssignError::WeightOutOfRange { arc: 0, value, limit }) if value == bad && limit == w
        ));
    }
}

/// Tiers at MAX_TIER with the largest quantities: either an exact lexicographic optimum
/// or TierOverflow, never a wrapped one; a tier beyond MAX_TIER is a typed error.
#[test]
fn sparse_tiers_at_the_limits() {
    let mut b = ProblemBuilder::new(3, 1);
    b.arc_with_cap(0, 0, 1, u32::MAX)
        .arc_with_cap(1, 0, MAX_WEIGHT, u32::MAX)
        .arc_with_cap(2, 0, MAX_WEIGHT, u32::MAX)
        .row_supply(vec![u32::MAX; 3])
        .col_capacity(vec![u32::MAX])
        .row_tier(vec![1, MAX_TIER, MAX_TIER]);
    let p = b.build().expect("valid");
    match solve(&p, &Options::default()) {
        Ok(m) => {
            verify(&p, &m).expect("verifies");
            // Tier 1 first, whatever the weights.
            assert_eq!(m.quantity_by_tier(&p)[0], u64::from(u32::MAX));
        }
        Err(AssignError::TierOverflow { .. }) => {}
        Err(e) => panic!("unexpected {e:?}"),
    }
    let mut b = ProblemBuilder::new(1, 1);
    b.arc(0, 0, 1).row_tier(vec![MAX_TIER + 1]);
    assert!(matches!(
        b.build(),
        Err(AssignError::TierOutOfRange { row: 0, tier, max }) if tier == MAX_TIER + 1 && max == MAX_TIER
    ));
    let mut b = ProblemBuilder::new(1, 1);
    b.arc(0, 0, 1).row_tier(vec![0]);
    assert!(matches!(
        b.build(),
        Err(AssignError::TierOutOfRange {
            row: 0,
            tier: 0,
            ..
        })
    ));
}
