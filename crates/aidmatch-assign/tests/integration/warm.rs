//! Tests of `sparse::Session`: after random edit sequences, `resolve` equals a cold
//! `solve` of the edited problem (tier quantities and weight), its certificate
//! verifies, and on tiny instances it equals the brute-force reference.

use aidmatch_assign::sparse::{self, Options, Session};
use aidmatch_assign::{AssignError, Matching, Problem, ProblemBuilder, reference, verify};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A random problem: `tiers` and `groups` switch the features on.
fn random_problem(
    rng: &mut ChaCha8Rng,
    rows: usize,
    cols: usize,
    tiers: bool,
    groups: bool,
) -> Problem {
    let mut b = ProblemBuilder::new(rows, cols);
    for r in 0..rows {
        let mut used = std::collections::BTreeSet::new();
        for _ in 0..rng.random_range(0..5) {
            used.insert(rng.random_range(0..cols));
        }
        for c in used {
            b.arc_with_cap(r, c, rng.random_range(-20..100), rng.random_range(1..3));
        }
    }
    b.col_capacity((0..cols).map(|_| rng.random_range(0..4)).collect());
    b.row_supply((0..rows).map(|_| rng.random_range(0..3)).collect());
    if tiers {
        b.row_tier((0..rows).map(|_| rng.random_range(1..4)).collect());
    }
    if groups {
        let ng = rows / 3 + 1;
        b.groups(
            (0..rows).map(|_| rng.random_range(0..ng)).collect(),
            (0..ng).map(|_| rng.random_range(0..4)).collect(),
        );
    }
    b.build().expect("random problem")
}

/// One random edit; returns a short description for failure messages.
fn random_edit(rng: &mut ChaCha8Rng, s: &mut Session) -> String {
    let p = s.problem();
    let (rows, cols) = (p.n_rows(), p.n_cols());
    match rng.random_range(0..6) {
        0 if cols > 0 => {
            let j = rng.random_range(0..cols);
            let cap = rng.random_range(0..5);
            s.set_col_capacity(j, cap).expect("col");
            format!("col {j} cap {cap}")
        }
        1 if rows > 0 => {
            let r = rng.random_range(0..rows);
            let sup = rng.random_range(0..3);
            s.set_row_supply(r, sup).expect("supply");
            format!("row {r} supply {sup}")
        }
        2 if rows > 0 => {
            let r = rng.random_range(0..rows);
            s.remove_row(r).expect("remove row");
            format!("remove row {r}")
        }
        3 if rows > 0 => {
            let r = rng.random_range(0..rows);
            let arcs: Vec<usize> = p.arcs_of(r).map(|a| p.arc_col(a)).collect();
            if arcs.is_empty() {
                return "nothing".into();
            }
            let c = arcs[rng.random_range(0..arcs.len())];
            s.remove_arc(r, c).expect("remove arc");
            format!("remove arc ({r}, {c})")
        }
        _ if cols > 0 => {
            let mut used = std::collections::BTreeSet::new();
            for _ in 0..rng.random_range(0..5) {
                used.insert(rng.random_range(0..cols));
            }
            let arcs: Vec<(usize, i64)> = used
                .into_iter()
                .map(|c| (c, rng.random_range(-20..100)))
                .collect();
            let tier = if p.has_tiers() {
                rng.random_range(1..4)
            } else {
                1
            };
            let group = (p.n_groups() > 0).then(|| rng.random_range(0..p.n_groups()));
            let sup = rng.random_range(0..3);
            let r = s.add_row(&arcs, sup, tier, group).expect("add row");
            format!("add row {r} {arcs:?} supply {sup} tier {tier} group {group:?}")
        }
        _ => "nothing".into(),
    }
}

/// Runs `steps` rounds of a few edits and a resolve, comparing every resolve with a
/// cold solve (and with the brute force when `brute`).
fn check_sequence(seed: u64, rows: usize, cols: usize, steps: usize, brute: bool) {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let (tiers, groups) = (seed % 2 == 1, seed % 3 == 2);
    let p = random_problem(&mut rng, rows, cols, tiers, groups);
    let opts = Options {
        parallel: seed % 4 == 0,
        cancel: None,
    };
    // Some sessions start from a solution found elsewhere: the cold optimum, or
    // nothing at all (an empty matching, far from optimal).
    let mut s = match seed % 5 {
        3 => {
            let m = sparse::solve(&p, &opts).expect("cold");
            Session::from_matching(p, m, &opts).expect("from optimum")
        }
        4 => Session::from_matching(p, Matching::default(), &opts).expect("from nothing"),
        _ => Session::new(p, &opts).expect("session"),
    };
    verify::verify(s.problem(), s.matching()).expect("initial certificate");
    let mut log = Vec::new();
    for step in 0..steps {
        for _ in 0..rng.random_range(1..4) {
            log.push(random_edit(&mut rng, &mut s));
        }
        let m = s.resolve().expect("resolve").clone();
        let p = s.problem();
        if let Err(v) = verify::verify(p, &m) {
            panic!("seed {seed} step {step}: certificate {v} after {log:?}");
        }
        // Without tiers only the weight is optimised: optima of equal weight may match
        // different quantities.
        let value = |q: Vec<u64>, w: i128| (if p.has_tiers() { q } else { Vec::new() }, w);
        let cold = sparse::solve(p, &Options::default()).expect("cold");
        assert_eq!(
            value(m.quantity_by_tier(p), m.weight(p)),
            value(cold.quantity_by_tier(p), cold.weight(p)),
            "seed {seed} step {step}: session differs from cold after {log:?}"
        );
        if brute {
            let (q, w) = reference::sparse(p);
            assert_eq!(
                value(m.quantity_by_tier(p), m.weight(p)),
                value(q, w),
                "seed {seed} step {step}: session differs from brute force after {log:?}"
            );
        }
    }
}

#[test]
fn session_equals_cold_over_seeded_edit_sequences() {
    for seed in 0..1000 {
        check_sequence(seed, 40, 15, 6, false);
    }
}

#[test]
fn session_equals_cold_on_larger_instances() {
    for seed in 0..20 {
        check_sequence(1000 + seed, 400, 60, 5, false);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn session_equals_brute_force_on_tiny_instances(seed in any::<u64>()) {
        check_sequence(seed, 4, 3, 3, true);
    }

    #[test]
    fn session_equals_cold_on_small_instances(seed in any::<u64>(), rows in 1usize..60, cols in 1usize..20) {
        check_sequence(seed, rows, cols, 4, false);
    }
}

#[test]
fn one_row_insertion_takes_the_best_free_column() {
    let mut b = ProblemBuilder::new(2, 3);
    b.arc(0, 0, 10).arc(1, 1, 10);
    let mut s = Session::new(b.build().expect("build"), &Options::default()).expect("new");
    let r = s.add_row(&[(0, 50), (2, 5)], 1, 1, None).expect("add");
    s.resolve().expect("resolve");
    let m = s.matching();
    // Row 2 takes column 0 (50) and pushes row 0 out: 50 + 10 beats 10 + 10 + 5.
    let p = s.problem();
    assert_eq!(r, 2);
    assert_eq!(m.weight(p), 60);
    verify::verify(p, m).expect("certificate");
}

#[test]
fn edits_reject_bad_input() {
    let mut b = ProblemBuilder::new(1, 2);
    b.arc(0, 0, 1);
    let mut s = Session::new(b.build().expect("build"), &Options::default()).expect("new");
    assert!(matches!(
        s.set_col_capacity(2, 1),
        Err(AssignError::WarmStart { .. })
    ));
    assert!(matches!(
        s.set_row_supply(1, 1),
        Err(AssignError::WarmStart { .. })
    ));
    assert!(matches!(
        s.remove_arc(0, 1),
        Err(AssignError::WarmStart { .. })
    ));
    assert!(matches!(
        s.add_row(&[(0, 1), (0, 2)], 1, 1, None),
        Err(AssignError::DuplicateArc { .. })
    ));
    assert!(matches!(
        s.add_row(&[(1, i64::MAX)], 1, 1, None),
        Err(AssignError::WeightOutOfRange { .. })
    ));
    assert!(matches!(
        s.add_row(&[(1, 1)], 1, 0, None),
        Err(AssignError::TierOutOfRange { .. })
    ));
    assert!(matches!(
        s.add_row(&[(1, 1)], 1, 1, Some(0)),
        Err(AssignError::WarmStart { .. })
    ));
    assert!(!s.is_dirty(), "rejected edits leave nothing pending");
    let p = s.problem().clone();
    let negative = Matching {
        col_price: vec![0, -1],
        ..Matching::default()
    };
    assert!(matches!(
        Session::from_matching(p.clone(), negative, &Options::default()),
        Err(AssignError::WarmStart { .. })
    ));
    let short = Matching {
        flow: vec![1; p.n_arcs() + 1],
        ..Matching::default()
    };
    assert!(matches!(
        Session::from_matching(p, short, &Options::default()),
        Err(AssignError::WarmStart { .. })
    ));
    assert_eq!(s.problem().n_rows(), 1);
}

/// Resolves `s` and checks it against a cold solve: certificate, weight, and tier
/// quantities when tiered.
fn resolve_equals_cold(s: &mut Session, seed: u64) {
    let m = s.resolve().expect("resolve").clone();
    let p = s.problem();
    verify::verify(p, &m).expect("certificate");
    let cold = sparse::solve(p, &Options::default()).expect("cold");
    assert_eq!(m.weight(p), cold.weight(p), "seed {seed}");
    if p.has_tiers() {
        assert_eq!(
            m.quantity_by_tier(p),
            cold.quantity_by_tier(p),
            "seed {seed}"
        );
    }
}

/// Many edits at once on grouped problems take the cold path; still exact.
#[test]
fn many_edits_on_grouped_problems_equal_cold() {
    for seed in 0..40 {
        let mut rng = ChaCha8Rng::seed_from_u64(5000 + seed);
        let p = random_problem(&mut rng, 80, 20, seed % 2 == 1, true);
        let mut s = Session::new(p, &Options::default()).expect("session");
        for _ in 0..3 {
            for _ in 0..rng.random_range(10..40) {
                random_edit(&mut rng, &mut s);
            }
            resolve_equals_cold(&mut s, seed);
        }
    }
}

/// Many lowered column capacities at once on grouped problems (the engine's budget
/// step) are repaired, not re-solved cold; still exact.
#[test]
fn many_capacity_cuts_on_grouped_problems_equal_cold() {
    for seed in 0..60 {
        let mut rng = ChaCha8Rng::seed_from_u64(7000 + seed);
        let p = random_problem(&mut rng, 120, 30, seed % 2 == 1, true);
        let m = sparse::solve(&p, &Options::default()).expect("cold");
        let mut s = Session::from_matching(p, m, &Options::default()).expect("session");
        for _ in 0..4 {
            for _ in 0..rng.random_range(10..30) {
                let j = rng.random_range(0..s.problem().n_cols());
                let cap = s.problem().col_capacity(j);
                s.set_col_capacity(j, cap.saturating_sub(rng.random_range(0..2)))
                    .expect("cut");
            }
            resolve_equals_cold(&mut s, seed);
        }
    }
}
