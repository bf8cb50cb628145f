//! The certificate checker on hand-made instances whose optimal flows and dual prices
//! were computed by hand (derivations in the comments). Each optimum is accepted, and
//! each deliberate perturbation is rejected with the expected, fully specified variant.

use aidmatch_assign::dense::Sense;
use aidmatch_assign::verify::{
    DenseCertificate, Value, Violation, verify, verify_dense_parts_f64, verify_dense_parts_i64,
    verify_feasible,
};
use aidmatch_assign::{Matching, Problem, ProblemBuilder};

/// Two rows, two columns, unit capacities, no tiers.
///
/// Arcs (sorted by row, column): a0 = (0,0) w 5, a1 = (0,1) w 3, a2 = (1,0) w 4,
/// a3 = (1,1) w 1. The two perfect matchings weigh 5 + 1 = 6 and 3 + 4 = 7, so the
/// optimum is a1 + a2. Duals: z = (2, 0), y = (3, 2): a1 3 − 3 − 0 = 0, a2 4 − 2 − 2 = 0
/// (tight on the flow), a0 5 − 3 − 2 = 0, a3 1 − 2 − 0 = −1 (no flow); dual objective
/// 3 + 2 + 2 + 0 = 7 = primal.
fn square() -> (Problem, Matching) {
    let mut b = ProblemBuilder::new(2, 2);
    b.arc(0, 0, 5).arc(0, 1, 3).arc(1, 0, 4).arc(1, 1, 1);
    let p = b.build().expect("valid problem");
    let m = Matching {
        flow: vec![0, 1, 1, 0],
        row_price: vec![3, 2],
        col_price: vec![2, 0],
        group_price: vec![],
        tier_bonus: vec![0],
    };
    (p, m)
}

/// Supplies, capacities, arc capacities and one group.
///
/// Rows: r0 supply 3, r1 supply 2, both in group 0 of capacity 4. Columns: c0 capacity
/// 2, c1 capacity 3. Arcs: a0 = (0,0) w 6 cap 2, a1 = (0,1) w 4 cap 3, a2 = (1,0) w 5
/// cap 1, a3 = (1,1) w 3 cap 2. The group lets 4 units through; column 0 takes at most
/// 2 (worth 6 + 6 or 6 + 5), column 1 the rest (4 from r0 while it has supply, else 3),
/// so the optimum is 19: flow (2, 1, 0, 1), or (1, 2, 1, 0).
/// Duals: r1 and c1 are not full, so y1 = z1 = 0. a3 and a1 carry flow below their
/// capacity, so 3 − t = 0 and 4 − y0 − t = 0: t = 3, y0 = 1. a0 at capacity needs
/// 6 − 1 − 3 − z0 ≥ 0 and empty a2 needs 5 − 3 − z0 ≤ 0: z0 = 2. Dual objective
/// 3·1 + 2·2 + 4·3 = 19 = primal.
fn grouped() -> (Problem, Matching) {
    let p = grouped_problem(4);
    let m = Matching {
        flow: vec![2, 1, 0, 1],
        row_price: vec![1, 0],
        col_price: vec![2, 0],
        group_price: vec![3],
        tier_bonus: vec![0],
    };
    (p, m)
}

fn grouped_problem(group_capacity: u32) -> Problem {
    let mut b = ProblemBuilder::new(2, 2);
    b.arc_with_cap(0, 0, 6, 2)
        .arc_with_cap(0, 1, 4, 3)
        .arc_with_cap(1, 0, 5, 1)
        .arc_with_cap(1, 1, 3, 2)
        .row_supply(vec![3, 2])
        .col_capacity(vec![2, 3])
        .groups(vec![0, 0], vec![group_capacity]);
    b.build().expect("valid problem")
}

/// Two tiers competing for one column.
///
/// Row 0 (tier 1) wants column 0 with weight 1, row 1 (tier 2) with weight 10. By the
/// formula of `Problem::tier_bonuses`: W = 1·1 + 1·10 = 11, base 2W + 1 = 23, tier 2
/// bonus 23 rounded up to 32, tier 1 bonus 1·32 + 23 = 55 rounded up to 64. Compound
/// weights 65 and 42: the tier-1 row wins although its weight is lower. Duals: z0 = 65,
/// y = 0.
fn tiered() -> (Problem, Matching) {
    let mut b = ProblemBuilder::new(2, 1);
    b.arc(0, 0, 1).arc(1, 0, 10).row_tier(vec![1, 2]);
    let p = b.build().expect("valid problem");
    let m = Matching {
        flow: vec![1, 0],
        row_price: vec![0, 0],
        col_price: vec![65],
        group_price: vec![],
        tier_bonus: vec![64, 32],
    };
    (p, m)
}

#[test]
fn accepts_hand_made_optima() {
    let (p, m) = square();
    assert_eq!(verify(&p, &m), Ok(()));
    assert_eq!(m.weight(&p), 7);
    let (p, m) = grouped();
    assert_eq!(verify(&p, &m), Ok(()));
    assert_eq!(m.weight(&p), 19);
    // The other optimum of the degenerate instance, with the same prices.
    let other = Matching {
        flow: vec![1, 2, 1, 0],
        ..m.clone()
    };
    assert_eq!(verify(&p, &other), Ok(()));
    assert_eq!(other.weight(&p), 19);
    let (p, m) = tiered();
    assert_eq!(p.tier_bonuses(), Ok(vec![64, 32]));
    assert_eq!(verify(&p, &m), Ok(()));
    // Another valid price split on the tight column: z0 = 42, y0 = 23.
    let split = Matching {
        row_price: vec![23, 0],
        col_price: vec![42],
        ..m
    };
    assert_eq!(verify(&p, &split), Ok(()));
}

#[test]
fn empty_problem_and_empty_matching() {
    let p = ProblemBuilder::new(0, 0).build().expect("valid problem");
    let m = Matching {
        flow: vec![],
        row_price: vec![],
        col_price: vec![],
        group_price: vec![],
        tier_bonus: vec![],
    };
    assert_eq!(verify(&p, &m), Ok(()));
    // Nothing matched with zero prices is optimal when every weight is negative.
    let mut b = ProblemBuilder::new(1, 1);
    b.arc(0, 0, -3);
    let p = b.build().expect("valid problem");
    let m = Matching {
        flow: vec![0],
        row_price: vec![0],
        col_price: vec![0],
        group_price: vec![],
        tier_bonus: vec![0],
    };
    assert_eq!(verify(&p, &m), Ok(()));
    let forced = Matching { flow: vec![1], ..m };
    assert_eq!(
        verify(&p, &forced),
        Err(Violation::NegativeReducedWeightWithFlow {
            arc: 0,
            row: 0,
            col: 0,
            reduced: -3,
            flow: 1
        })
    );
}

#[test]
fn rejects_swapped_pairs() {
    let (p, mut m) = square();
    m.flow = vec![1, 0, 0, 1];
    assert_eq!(
        verify(&p, &m),
        Err(Violation::NegativeReducedWeightWithFlow {
            arc: 3,
            row: 1,
            col: 1,
            reduced: -1,
            flow: 1
        })
    );
}

#[test]
fn rejects_raised_and_lowered_prices() {
    let (p, mut m) = square();
    m.row_price[0] = 4;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::NegativeReducedWeightWithFlow {
            arc: 1,
            row: 0,
            col: 1,
            reduced: -1,
            flow: 1
        })
    );
    let (p, mut m) = square();
    m.col_price[0] = 1;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::PositiveReducedWeightBelowCapacity {
            arc: 0,
            row: 0,
            col: 0,
            reduced: 1,
            flow: 0,
            cap: 1
        })
    );
    // Raising the group price makes the flow on a3 unprofitable.
    let (p, mut m) = grouped();
    m.group_price[0] = 4;
    m.row_price[0] = 0;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::NegativeReducedWeightWithFlow {
            arc: 3,
            row: 1,
            col: 1,
            reduced: -1,
            flow: 1
        })
    );
    // Lowering it leaves profit on a1, which has room.
    let (p, mut m) = grouped();
    m.group_price[0] = 2;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::PositiveReducedWeightBelowCapacity {
            arc: 1,
            row: 0,
            col: 1,
            reduced: 1,
            flow: 1,
            cap: 3
        })
    );
}

#[test]
fn rejects_exceeded_capacities() {
    let (p, mut m) = square();
    m.flow = vec![0, 2, 1, 0];
    assert_eq!(
        verify(&p, &m),
        Err(Violation::ArcOverCapacity {
            arc: 1,
            row: 0,
            col: 1,
            flow: 2,
            cap: 1
        })
    );
    let (p, mut m) = square();
    m.flow = vec![1, 1, 1, 0];
    assert_eq!(
        verify(&p, &m),
        Err(Violation::RowOverSupply {
            row: 0,
            used: 2,
            supply: 1
        })
    );
    let (p, mut m) = square();
    m.flow = vec![1, 0, 1, 0];
    assert_eq!(
        verify(&p, &m),
        Err(Violation::ColumnOverCapacity {
            col: 0,
            used: 2,
            capacity: 1
        })
    );
    // The same flow against a group of capacity 3.
    let (_, m) = grouped();
    let p = grouped_problem(3);
    assert_eq!(
        verify(&p, &m),
        Err(Violation::GroupOverCapacity {
            group: 0,
            used: 4,
            capacity: 3
        })
    );
    assert_eq!(
        verify_feasible(&p, &m.flow),
        Err(Violation::GroupOverCapacity {
            group: 0,
            used: 4,
            capacity: 3
        })
    );
    assert_eq!(verify_feasible(&grouped_problem(4), &m.flow), Ok(()));
}

#[test]
fn rejects_positive_prices_on_slack_constraints() {
    let (p, mut m) = grouped();
    m.col_price[1] = 1;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::PricedColumnNotFull {
            col: 1,
            price: 1,
            used: 2,
            capacity: 3
        })
    );
    let (p, mut m) = grouped();
    m.row_price[1] = 1;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::PricedRowNotFull {
            row: 1,
            price: 1,
            used: 1,
            supply: 2
        })
    );
    // A suboptimal flow (weight 15) cannot keep the optimum's prices.
    let (p, mut m) = grouped();
    m.flow = vec![2, 0, 0, 1];
    assert_eq!(
        verify(&p, &m),
        Err(Violation::PricedRowNotFull {
            row: 0,
            price: 1,
            used: 2,
            supply: 3
        })
    );
    // Group 0 with the flow of r1 removed: 3 of 4 units.
    let (p, mut m) = grouped();
    m.flow = vec![2, 1, 0, 0];
    m.row_price = vec![1, 0];
    assert_eq!(
        verify(&p, &m),
        Err(Violation::PricedGroupNotFull {
            group: 0,
            price: 3,
            used: 3,
            capacity: 4
        })
    );
}

#[test]
fn rejects_negative_prices() {
    let (p, mut m) = square();
    m.col_price[1] = -1;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::NegativeColumnPrice { col: 1, price: -1 })
    );
    let (p, mut m) = square();
    m.row_price[1] = -2;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::NegativeRowPrice { row: 1, price: -2 })
    );
    let (p, mut m) = grouped();
    m.group_price[0] = -3;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::NegativeGroupPrice {
            group: 0,
            price: -3
        })
    );
}

#[test]
fn rejects_wrong_tier_bonuses() {
    // The weight-only optimum with the bonuses dropped would look optimal if the
    // checker trusted the matching's bonuses.
    let (p, _) = tiered();
    let m = Matching {
        flow: vec![0, 1],
        row_price: vec![0, 0],
        col_price: vec![10],
        group_price: vec![],
        tier_bonus: vec![0, 0],
    };
    assert_eq!(
        verify(&p, &m),
        Err(Violation::TierBonus {
            tier: 1,
            expected: 64,
            got: 0
        })
    );
    // With the right bonuses that flow is refuted by the reduced weights.
    let m = Matching {
        tier_bonus: vec![64, 32],
        col_price: vec![42],
        ..m
    };
    assert_eq!(
        verify(&p, &m),
        Err(Violation::PositiveReducedWeightBelowCapacity {
            arc: 0,
            row: 0,
            col: 0,
            reduced: 23,
            flow: 0,
            cap: 1
        })
    );
    let (p, mut m) = tiered();
    m.tier_bonus.pop();
    assert_eq!(
        verify(&p, &m),
        Err(Violation::Length {
            what: "tier_bonus",
            expected: 2,
            got: 1
        })
    );
}

#[test]
fn rejects_wrong_lengths() {
    let (p, mut m) = square();
    m.flow.pop();
    assert_eq!(
        verify(&p, &m),
        Err(Violation::Length {
            what: "flow",
            expected: 4,
            got: 3
        })
    );
    assert_eq!(
        verify_feasible(&p, &m.flow),
        Err(Violation::Length {
            what: "flow",
            expected: 4,
            got: 3
        })
    );
    let (p, mut m) = square();
    m.col_price.push(0);
    assert_eq!(
        verify(&p, &m),
        Err(Violation::Length {
            what: "col_price",
            expected: 2,
            got: 3
        })
    );
    let (p, mut m) = grouped();
    m.group_price.clear();
    assert_eq!(
        verify(&p, &m),
        Err(Violation::Length {
            what: "group_price",
            expected: 1,
            got: 0
        })
    );
}

#[test]
fn overflow_is_a_violation_not_a_panic() {
    let (p, mut m) = square();
    m.row_price[0] = i128::MAX;
    m.col_price[0] = i128::MAX;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::Overflow {
            what: "reduced weight",
            index: 0
        })
    );
    let (p, mut m) = grouped();
    m.row_price[0] = i128::MAX;
    m.group_price[0] = i128::MAX;
    assert_eq!(
        verify(&p, &m),
        Err(Violation::Overflow {
            what: "reduced weight",
            index: 0
        })
    );
}

#[test]
fn messages_are_lower_case_and_name_the_place() {
    let v = Violation::PricedColumnNotFull {
        col: 1,
        price: 1,
        used: 2,
        capacity: 3,
    };
    assert_eq!(
        v.to_string(),
        "column 1 has price 1 but gives only 2 of its capacity 3"
    );
    let v = Violation::DualInfeasible {
        row: 0,
        col: 2,
        sum: Value::Float(1.5),
        cost: Value::Float(1.0),
    };
    assert_eq!(
        v.to_string(),
        "duals of row 0 and column 2 sum to 1.5, beyond the cost 1"
    );
}

// ---- dense certificates ------------------------------------------------------------

/// The example of the scipy documentation of `linear_sum_assignment`:
/// cost [[4, 1, 3], [2, 0, 5], [3, 2, 2]], optimum rows (0, 1, 2) → columns (1, 0, 2),
/// total 1 + 2 + 2 = 5. Duals by hand: u = (2, 1, 2), v = (1, −1, 0); every entry
/// satisfies u_i + v_j ≤ c_ij (e.g. (1,1): 1 − 1 = 0 ≤ 0, (0,0): 3 ≤ 4) with equality on
/// the three pairs; Σu + Σv = 5.
const SCIPY: [i64; 9] = [4, 1, 3, 2, 0, 5, 3, 2, 2];

fn cert<'a, T: Copy>(
    row_ind: &'a [usize],
    col_ind: &'a [usize],
    row_duals: &'a [T],
    col_duals: &'a [T],
    objective: T,
) -> DenseCertificate<'a, T> {
    DenseCertificate {
        row_ind,
        col_ind,
        row_duals,
        col_duals,
        objective,
    }
}

#[test]
fn dense_accepts_the_scipy_example() {
    let c = cert(&[0, 1, 2], &[1, 0, 2], &[2, 1, 2], &[1, -1, 0], 5);
    assert_eq!(
        verify_dense_parts_i64(&SCIPY, 3, 3, None, Sense::Minimize, &c),
        Ok(())
    );
    // Another dual solution: u0 = 3, v1 = −2.
    let c = cert(&[0, 1, 2], &[1, 0, 2], &[3, 1, 2], &[1, -2, 0], 5);
    assert_eq!(
        verify_dense_parts_i64(&SCIPY, 3, 3, None, Sense::Minimize, &c),
        Ok(())
    );
    // Maximising −C: the same pairs, the duals negated.
    let neg: Vec<i64> = SCIPY.iter().map(|c| -c).collect();
    let c = cert(&[0, 1, 2], &[1, 0, 2], &[-2, -1, -2], &[-1, 1, 0], -5);
    assert_eq!(
        verify_dense_parts_i64(&neg, 3, 3, None, Sense::Maximize, &c),
        Ok(())
    );
}

#[test]
fn dense_rejects_perturbations() {
    let run = |c: &DenseCertificate<'_, i128>| {
        verify_dense_parts_i64(&SCIPY, 3, 3, None, Sense::Minimize, c)
    };
    // Swapped pair.
    assert_eq!(
        run(&cert(&[0, 1, 2], &[0, 1, 2], &[2, 1, 2], &[1, -1, 0], 5)),
        Err(Violation::NotTight {
            row: 0,
            col: 0,
            sum: Value::Int(3),
            cost: Value::Int(4)
        })
    );
    // Raised dual, kept tight on the pair: infeasible at (0, 0).
    assert_eq!(
        run(&cert(&[0, 1, 2], &[1, 0, 2], &[4, 1, 2], &[1, -3, 0], 5)),
        Err(Violation::DualInfeasible {
            row: 0,
            col: 0,
            sum: Value::Int(5),
            cost: Value::Int(4)
        })
    );
    assert_eq!(
        run(&cert(&[0, 1, 2], &[1, 0, 2], &[2, 1, 2], &[1, -1, 0], 6)),
        Err(Violation::ObjectiveMismatch {
            reported: Value::Int(6),
            computed: Value::Int(5)
        })
    );
    assert_eq!(
        run(&cert(&[0, 1, 2], &[1, 1, 2], &[2, 1, 2], &[1, -1, 0], 5)),
        Err(Violation::ColumnUsedTwice {
            col: 1,
            first_row: 0,
            second_row: 1
        })
    );
    assert_eq!(
        run(&cert(&[1, 0, 2], &[0, 1, 2], &[2, 1, 2], &[1, -1, 0], 5)),
        Err(Violation::RowsNotIncreasing {
            position: 1,
            previous: 1,
            row: 0
        })
    );
    assert_eq!(
        run(&cert(&[0, 1], &[1, 0], &[2, 1, 2], &[1, -1, 0], 3)),
        Err(Violation::Length {
            what: "row_ind",
            expected: 3,
            got: 2
        })
    );
    assert_eq!(
        run(&cert(&[0, 1, 2], &[1, 0, 3], &[2, 1, 2], &[1, -1, 0], 5)),
        Err(Violation::IndexOutOfRange {
            what: "column",
            index: 3,
            len: 3
        })
    );
    assert_eq!(
        run(&cert(
            &[0, 1, 2],
            &[1, 0, 2],
            &[i128::MAX, 1, 2],
            &[1, 1, 0],
            5
        )),
        Err(Violation::Overflow {
            what: "dual sum of row",
            index: 0
        })
    );
    // Forbidding the pair (0, 1).
    let mut allowed = [true; 9];
    allowed[1] = false;
    let c = cert(&[0, 1, 2], &[1, 0, 2], &[2, 1, 2], &[1, -1, 0], 5);
    assert_eq!(
        verify_dense_parts_i64(&SCIPY, 3, 3, Some(&allowed), Sense::Minimize, &c),
        Err(Violation::ForbiddenPair { row: 0, col: 1 })
    );
    // The wrong sense.
    assert_eq!(
        verify_dense_parts_i64(&SCIPY, 3, 3, None, Sense::Maximize, &c),
        Err(Violation::DualInfeasible {
            row: 0,
            col: 0,
            sum: Value::Int(3),
            cost: Value::Int(4)
        })
    );
    assert_eq!(
        verify_dense_parts_i64(&SCIPY[..8], 3, 3, None, Sense::Minimize, &c),
        Err(Violation::Length {
            what: "costs",
            expected: 9,
            got: 8
        })
    );
}

/// 2 × 3, cost [[1, 2, 3], [2, 4, 6]]. The six assignments cost 5, 7, 4, 8, 5, 7; the
/// minimum 4 is row 0 → column 1, row 1 → column 0. Duals (rows < cols, so v ≤ 0 and
/// v2 = 0 on the unassigned column): v = (−1, 0, 0), u = (2, 3); check (0,0): 1 ≤ 1,
/// (0,2): 2 ≤ 3, (1,1): 3 ≤ 4, (1,2): 3 ≤ 6; Σ = 4.
const WIDE: [i64; 6] = [1, 2, 3, 2, 4, 6];

#[test]
fn dense_rectangular_sign_conditions() {
    let ok = cert(&[0, 1], &[1, 0], &[2, 3], &[-1, 0, 0], 4);
    assert_eq!(
        verify_dense_parts_i64(&WIDE, 2, 3, None, Sense::Minimize, &ok),
        Ok(())
    );
    // Unassigned column with a non-zero (though correctly signed) dual.
    let c = cert(&[0, 1], &[1, 0], &[2, 3], &[-1, 0, -1], 4);
    assert_eq!(
        verify_dense_parts_i64(&WIDE, 2, 3, None, Sense::Minimize, &c),
        Err(Violation::UnassignedDualNonZero {
            side: "column",
            index: 2,
            dual: Value::Int(-1)
        })
    );
    // Shifting 1 from u0 to v1 keeps every constraint but breaks v ≤ 0.
    let c = cert(&[0, 1], &[1, 0], &[1, 3], &[-1, 1, 0], 4);
    assert_eq!(
        verify_dense_parts_i64(&WIDE, 2, 3, None, Sense::Minimize, &c),
        Err(Violation::DualSign {
            side: "column",
            index: 1,
            dual: Value::Int(1)
        })
    );
    // The transpose: 3 × 2, rows > cols, so u ≤ 0 and u = 0 on the unassigned row 2.
    let tall = [1, 2, 2, 4, 3, 6];
    let c = cert(&[0, 1], &[1, 0], &[-1, 0, 0], &[2, 3], 4);
    assert_eq!(
        verify_dense_parts_i64(&tall, 3, 2, None, Sense::Minimize, &c),
        Ok(())
    );
    let c = cert(&[0, 1], &[1, 0], &[-1, 0, -1], &[2, 3], 4);
    assert_eq!(
        verify_dense_parts_i64(&tall, 3, 2, None, Sense::Minimize, &c),
        Err(Violation::UnassignedDualNonZero {
            side: "row",
            index: 2,
            dual: Value::Int(-1)
        })
    );
    // Maximising −C: duals negated, v ≥ 0.
    let neg: Vec<i64> = WIDE.iter().map(|c| -c).collect();
    let c = cert(&[0, 1], &[1, 0], &[-2, -3], &[1, 0, 0], -4);
    assert_eq!(
        verify_dense_parts_i64(&neg, 2, 3, None, Sense::Maximize, &c),
        Ok(())
    );
    let c = cert(&[0, 1], &[1, 0], &[-1, -3], &[1, -1, 0], -4);
    assert_eq!(
        verify_dense_parts_i64(&neg, 2, 3, None, Sense::Maximize, &c),
        Err(Violation::DualSign {
            side: "column",
            index: 1,
            dual: Value::Int(-1)
        })
    );
}

#[test]
fn dense_float_tolerance_and_invalid_entries() {
    let costs: Vec<f64> = SCIPY.iter().map(|&c| c as f64).collect();
    let exact = cert(
        &[0, 1, 2],
        &[1, 0, 2],
        &[2.0, 1.0, 2.0],
        &[1.0, -1.0, 0.0],
        5.0,
    );
    assert_eq!(
        verify_dense_parts_f64(&costs, 3, 3, Sense::Minimize, &exact, 1e-9),
        Ok(())
    );
    let fuzzy = cert(
        &[0, 1, 2],
        &[1, 0, 2],
        &[2.0 + 1e-12, 1.0, 2.0],
        &[1.0, -1.0, 0.0],
        5.0,
    );
    assert_eq!(
        verify_dense_parts_f64(&costs, 3, 3, Sense::Minimize, &fuzzy, 1e-9),
        Ok(())
    );
    let off = cert(
        &[0, 1, 2],
        &[1, 0, 2],
        &[2.0 + 1e-3, 1.0, 2.0],
        &[1.0, -1.0, 0.0],
        5.0,
    );
    assert!(matches!(
        verify_dense_parts_f64(&costs, 3, 3, Sense::Minimize, &off, 1e-9),
        Err(Violation::NotTight { row: 0, col: 1, .. })
    ));
    // +inf forbids an entry when minimising: fine off the assignment, not on it.
    let mut inf = costs.clone();
    inf[0] = f64::INFINITY;
    assert_eq!(
        verify_dense_parts_f64(&inf, 3, 3, Sense::Minimize, &exact, 1e-9),
        Ok(())
    );
    inf[1] = f64::INFINITY;
    assert_eq!(
        verify_dense_parts_f64(&inf, 3, 3, Sense::Minimize, &exact, 1e-9),
        Err(Violation::ForbiddenPair { row: 0, col: 1 })
    );
    let mut bad = costs.clone();
    bad[4] = f64::NAN;
    assert_eq!(
        verify_dense_parts_f64(&bad, 3, 3, Sense::Minimize, &exact, 1e-9),
        Err(Violation::InvalidCost {
            row: 1,
            col: 1,
            value: Value::Float(f64::NAN)
        })
    );
    bad[4] = f64::NEG_INFINITY;
    assert_eq!(
        verify_dense_parts_f64(&bad, 3, 3, Sense::Minimize, &exact, 1e-9),
        Err(Violation::InvalidCost {
            row: 1,
            col: 1,
            value: Value::Float(f64::NEG_INFINITY)
        })
    );
    let nan_dual = cert(
        &[0, 1, 2],
        &[1, 0, 2],
        &[2.0, f64::NAN, 2.0],
        &[1.0, -1.0, 0.0],
        5.0,
    );
    assert_eq!(
        verify_dense_parts_f64(&costs, 3, 3, Sense::Minimize, &nan_dual, 1e-9),
        Err(Violation::NonFiniteDual {
            side: "row",
            index: 1,
            value: Value::Float(f64::NAN)
        })
    );
    // A NaN tolerance fails closed.
    assert!(verify_dense_parts_f64(&costs, 3, 3, Sense::Minimize, &exact, f64::NAN).is_err());
}

/// 100 rows in 100 tiers with weights of 2^53 − 1: each tier's bonus is more than twice
/// the next one's, so the bonuses pass `i128::MAX / 4` long before tier 1.
fn overflowing_tiers() -> Problem {
    let n = 100;
    let mut b = ProblemBuilder::new(n, 1);
    for r in 0..n {
        b.arc(r, 0, (1 << 53) - 1);
    }
    b.row_tier((1..=n as u32).collect());
    b.build().expect("valid problem")
}

#[test]
fn overflowing_tier_bonuses_cannot_be_certified() {
    let p = overflowing_tiers();
    assert!(p.tier_bonuses().is_err());
    let m = Matching {
        flow: vec![0; 100],
        row_price: vec![0; 100],
        col_price: vec![0],
        group_price: vec![],
        tier_bonus: vec![0; 100],
    };
    assert_eq!(verify(&p, &m), Err(Violation::TierBonusUnavailable));
    // Feasibility alone needs no bonuses, and greedy still gives a feasible flow.
    let flow = aidmatch_assign::greedy::greedy(&p);
    assert_eq!(verify_feasible(&p, &flow), Ok(()));
    assert_eq!(flow.iter().sum::<u32>(), 1);
    assert_eq!(flow[0], 1);
}
