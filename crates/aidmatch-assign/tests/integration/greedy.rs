//! The greedy baseline: always feasible, visibly not optimal.

use aidmatch_assign::greedy::greedy;
use aidmatch_assign::verify::verify_feasible;
use aidmatch_assign::{Matching, ProblemBuilder, reference};

fn weight(p: &aidmatch_assign::Problem, flow: &[u32]) -> i128 {
    flow.iter()
        .enumerate()
        .map(|(a, &f)| i128::from(p.arc_weight(a)) * i128::from(f))
        .sum()
}

#[test]
fn greedy_takes_the_heaviest_arc_first_and_loses() {
    // 2 × 2 with weights 5, 3 / 4, 1: greedy takes 5, then only 1 is left (6); the
    // optimum is 3 + 4 = 7.
    let mut b = ProblemBuilder::new(2, 2);
    b.arc(0, 0, 5).arc(0, 1, 3).arc(1, 0, 4).arc(1, 1, 1);
    let p = b.build().expect("valid problem");
    let flow = greedy(&p);
    assert_eq!(flow, vec![1, 0, 0, 1]);
    assert_eq!(verify_feasible(&p, &flow), Ok(()));
    assert_eq!(weight(&p, &flow), 6);
    assert_eq!(reference::sparse(&p).1, 7);
}

#[test]
fn greedy_serves_tiers_in_order_and_respects_every_capacity() {
    // Row 1 is tier 1 with the lighter arc; it goes first.
    let mut b = ProblemBuilder::new(2, 1);
    b.arc(0, 0, 10).arc(1, 0, 1).row_tier(vec![2, 1]);
    let p = b.build().expect("valid problem");
    assert_eq!(greedy(&p), vec![0, 1]);
    // Supplies, caps and a group of capacity 4: arcs by weight are a0 (6, cap 2),
    // a2 (5, cap 1 but column 0 is full), a1 (4, r0 has 1 left), a3 (3, group has 1 left).
    let mut b = ProblemBuilder::new(2, 2);
    b.arc_with_cap(0, 0, 6, 2)
        .arc_with_cap(0, 1, 4, 3)
        .arc_with_cap(1, 0, 5, 1)
        .arc_with_cap(1, 1, 3, 2)
        .row_supply(vec![3, 2])
        .col_capacity(vec![2, 3])
        .groups(vec![0, 0], vec![4]);
    let p = b.build().expect("valid problem");
    let flow = greedy(&p);
    assert_eq!(flow, vec![2, 1, 0, 1]);
    assert_eq!(verify_feasible(&p, &flow), Ok(()));
}

#[test]
fn greedy_leaves_negative_arcs_empty_unless_tiers_pay_for_them() {
    let mut b = ProblemBuilder::new(1, 1);
    b.arc(0, 0, -2);
    assert_eq!(greedy(&b.build().expect("valid problem")), vec![0]);
    // With two tiers every unit is worth its bonus, far above |weight|.
    let mut b = ProblemBuilder::new(2, 2);
    b.arc(0, 0, -2).arc(1, 1, 5).row_tier(vec![1, 2]);
    let p = b.build().expect("valid problem");
    let flow = greedy(&p);
    assert_eq!(flow, vec![1, 1]);
    // It is in fact optimal here: compare with the oracle through Matching's helpers.
    let m = Matching {
        flow,
        row_price: vec![],
        col_price: vec![],
        group_price: vec![],
        tier_bonus: vec![],
    };
    assert_eq!(
        reference::sparse(&p),
        (m.quantity_by_tier(&p), m.weight(&p))
    );
}
