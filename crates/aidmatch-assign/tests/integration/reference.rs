//! The brute-force oracle on instances whose optimum is known by hand or published.

use aidmatch_assign::dense::Sense;
use aidmatch_assign::reference::{self, dense_f64, dense_i64, is_tiered};
use aidmatch_assign::{Problem, ProblemBuilder};

/// The example of the scipy documentation of `scipy.optimize.linear_sum_assignment`:
/// minimum 5 (rows 0, 1, 2 → columns 1, 0, 2). By hand, the six permutations cost
/// 6, 11, 5, 9, 7, 6, so the maximum is 11 (columns 0, 2, 1).
const SCIPY: [i64; 9] = [4, 1, 3, 2, 0, 5, 3, 2, 2];

#[test]
fn dense_scipy_example() {
    assert_eq!(dense_i64(&SCIPY, 3, 3, None, Sense::Minimize), Some(5));
    assert_eq!(dense_i64(&SCIPY, 3, 3, None, Sense::Maximize), Some(11));
    let f: Vec<f64> = SCIPY.iter().map(|&c| c as f64).collect();
    assert_eq!(dense_f64(&f, 3, 3, Sense::Minimize), Some(5.0));
    assert_eq!(dense_f64(&f, 3, 3, Sense::Maximize), Some(11.0));
}

#[test]
fn dense_rectangular_both_ways() {
    // [[1, 2, 3], [2, 4, 6]]: the six assignments cost 5, 7, 4, 8, 5, 7.
    let wide = [1, 2, 3, 2, 4, 6];
    assert_eq!(dense_i64(&wide, 2, 3, None, Sense::Minimize), Some(4));
    assert_eq!(dense_i64(&wide, 2, 3, None, Sense::Maximize), Some(8));
    let tall = [1, 2, 2, 4, 3, 6];
    assert_eq!(dense_i64(&tall, 3, 2, None, Sense::Minimize), Some(4));
    assert_eq!(dense_i64(&tall, 3, 2, None, Sense::Maximize), Some(8));
    // An empty side has the empty assignment.
    assert_eq!(dense_i64(&[], 0, 3, None, Sense::Minimize), Some(0));
    assert_eq!(dense_i64(&[], 2, 0, None, Sense::Maximize), Some(0));
    assert_eq!(dense_f64(&[], 0, 0, Sense::Minimize), Some(0.0));
}

#[test]
fn dense_forbidden_entries() {
    // Forbidding (0, 1) in the scipy example: the best remaining permutation is
    // columns (0, 1, 2) at 4 + 0 + 2 = 6.
    let mut allowed = [true; 9];
    allowed[1] = false;
    assert_eq!(
        dense_i64(&SCIPY, 3, 3, Some(&allowed), Sense::Minimize),
        Some(6)
    );
    let mut f: Vec<f64> = SCIPY.iter().map(|&c| c as f64).collect();
    f[1] = f64::INFINITY;
    assert_eq!(dense_f64(&f, 3, 3, Sense::Minimize), Some(6.0));
    // Both rows can only use column 0: infeasible.
    let allowed = [true, false, true, false];
    assert_eq!(
        dense_i64(&[1, 2, 3, 4], 2, 2, Some(&allowed), Sense::Minimize),
        None
    );
    let f = [1.0, f64::INFINITY, 3.0, f64::INFINITY];
    assert_eq!(dense_f64(&f, 2, 2, Sense::Minimize), None);
    // Large costs are summed exactly in i128.
    let big = [i64::MAX, i64::MAX, i64::MAX, i64::MAX];
    assert_eq!(
        dense_i64(&big, 2, 2, None, Sense::Maximize),
        Some(2 * i128::from(i64::MAX))
    );
}

#[test]
#[should_panic(expected = "tiny instances only")]
fn dense_refuses_large_instances() {
    let costs = vec![0i64; 12 * 12];
    let _ = dense_i64(&costs, 12, 12, None, Sense::Minimize);
}

fn square() -> Problem {
    let mut b = ProblemBuilder::new(2, 2);
    b.arc(0, 0, 5).arc(0, 1, 3).arc(1, 0, 4).arc(1, 1, 1);
    b.build().expect("valid problem")
}

#[test]
fn sparse_hand_instances() {
    // Weighted 2 × 2: 3 + 4 beats 5 + 1.
    assert_eq!(reference::sparse(&square()), (vec![2], 7));
    // Supplies, capacities, arc caps and a group of capacity 4 (see verify.rs): 19.
    let mut b = ProblemBuilder::new(2, 2);
    b.arc_with_cap(0, 0, 6, 2)
        .arc_with_cap(0, 1, 4, 3)
        .arc_with_cap(1, 0, 5, 1)
        .arc_with_cap(1, 1, 3, 2)
        .row_supply(vec![3, 2])
        .col_capacity(vec![2, 3])
        .groups(vec![0, 0], vec![4]);
    let p = b.build().expect("valid problem");
    assert_eq!(reference::sparse(&p), (vec![4], 19));
    // Without the group, 5 units fit: 6 + 6 (c0) + 4 (r0's last unit) + 3 + 3 = 22.
    let mut b = ProblemBuilder::new(2, 2);
    b.arc_with_cap(0, 0, 6, 2)
        .arc_with_cap(0, 1, 4, 3)
        .arc_with_cap(1, 0, 5, 1)
        .arc_with_cap(1, 1, 3, 2)
        .row_supply(vec![3, 2])
        .col_capacity(vec![2, 3]);
    assert_eq!(
        reference::sparse(&b.build().expect("valid problem")),
        (vec![5], 22)
    );
}

#[test]
fn sparse_never_forces_a_match() {
    let mut b = ProblemBuilder::new(1, 1);
    b.arc(0, 0, -3);
    let p = b.build().expect("valid problem");
    assert!(!is_tiered(&p));
    assert_eq!(reference::sparse(&p), (vec![0], 0));
    // A zero-weight arc: the weight is 0 either way; the oracle reports the larger
    // quantity.
    let mut b = ProblemBuilder::new(1, 1);
    b.arc(0, 0, 0);
    assert_eq!(
        reference::sparse(&b.build().expect("valid problem")),
        (vec![1], 0)
    );
    // No arcs, no rows.
    let p = ProblemBuilder::new(0, 0).build().expect("valid problem");
    assert_eq!(reference::sparse(&p), (vec![], 0));
}

#[test]
fn sparse_tiers_are_lexicographic() {
    // Rows 0 and 1 are tier 1, row 2 tier 2. Weight alone would take (0,0) w 100 and
    // (2,1) w 50 = 150, serving one tier-1 row. Lexicographically two tier-1 units come
    // first: (0,1) w 1 and (1,0) w 1, leaving nothing for row 2: ([2, 0], 2).
    let mut b = ProblemBuilder::new(3, 2);
    b.arc(0, 0, 100)
        .arc(0, 1, 1)
        .arc(1, 0, 1)
        .arc(2, 1, 50)
        .row_tier(vec![1, 1, 2]);
    let p = b.build().expect("valid problem");
    assert!(is_tiered(&p));
    assert_eq!(reference::sparse(&p), (vec![2, 0], 2));
    // The same arcs untiered: weight only.
    let mut b = ProblemBuilder::new(3, 2);
    b.arc(0, 0, 100).arc(0, 1, 1).arc(1, 0, 1).arc(2, 1, 50);
    assert_eq!(
        reference::sparse(&b.build().expect("valid problem")),
        (vec![2], 150)
    );
    // Tiered with negative weights: quantity still comes first.
    let mut b = ProblemBuilder::new(2, 1);
    b.arc(0, 0, -7).arc(1, 0, 3).row_tier(vec![2, 3]);
    let p = b.build().expect("valid problem");
    assert_eq!(reference::sparse(&p), (vec![0, 1, 0], -7));
    // Within a tier, quantity beats weight: one unit of 100 vs two units of 1.
    let mut b = ProblemBuilder::new(3, 2);
    b.arc(0, 0, 100)
        .arc(0, 1, 1)
        .arc(1, 0, 1)
        .row_tier(vec![1, 1, 2]);
    assert_eq!(
        reference::sparse(&b.build().expect("valid problem")),
        (vec![2, 0], 2)
    );
}

#[test]
#[should_panic(expected = "tiny instances only")]
fn sparse_refuses_large_instances() {
    let mut b = ProblemBuilder::new(5, 5);
    for r in 0..5 {
        for c in 0..5 {
            b.arc_with_cap(r, c, 1, 4);
        }
    }
    b.row_supply(vec![20; 5]).col_capacity(vec![20; 5]);
    let _ = reference::sparse(&b.build().expect("valid problem"));
}
