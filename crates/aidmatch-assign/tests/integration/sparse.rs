//! Tests of `sparse::solve` and `sparse::solve_warm`: hand instances, brute force on
//! tiny random instances with every feature, thread independence, warm = cold.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use aidmatch_assign::sparse::{self, Options, WarmStart};
use aidmatch_assign::{AssignError, Matching, Problem, ProblemBuilder, reference, verify};
use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A second, private certificate check (besides `verify::verify`): feasibility and
/// complementary slackness, recomputed naively.
fn certificate(p: &Problem, m: &Matching) -> Result<(), String> {
    let bonus = p.tier_bonuses().map_err(|e| e.to_string())?;
    if m.tier_bonus != bonus {
        return Err("tier bonus".into());
    }
    let mut col = vec![0u64; p.n_cols()];
    let mut group = vec![0u64; p.n_groups()];
    for i in 0..p.n_rows() {
        let mut row = 0u64;
        for a in p.arcs_of(i) {
            let f = m.flow[a];
            if f > p.arc_cap(a) {
                return Err(format!("arc {a} over capacity"));
            }
            row += u64::from(f);
            col[p.arc_col(a)] += u64::from(f);
            let c = i128::from(p.arc_weight(a)) + bonus[p.row_tier(i) as usize - 1];
            let t = p.row_group(i).map_or(0, |g| m.group_price[g]);
            let r = c - m.row_price[i] - t - m.col_price[p.arc_col(a)];
            if r > 0 && f < p.arc_cap(a) {
                return Err(format!(
                    "arc {a} (row {i}) has reduced weight {r} > 0 but is not full"
                ));
            }
            if r < 0 && f > 0 {
                return Err(format!(
                    "arc {a} (row {i}) has reduced weight {r} < 0 but carries flow"
                ));
            }
        }
        if row > u64::from(p.row_supply(i)) {
            return Err(format!("row {i} over supply"));
        }
        if m.row_price[i] < 0 || (m.row_price[i] > 0 && row < u64::from(p.row_supply(i))) {
            return Err(format!("row {i} price {}", m.row_price[i]));
        }
        if let Some(g) = p.row_group(i) {
            group[g] += row;
        }
    }
    for (j, &flow) in col.iter().enumerate() {
        let cap = u64::from(p.col_capacity(j));
        if flow > cap || m.col_price[j] < 0 || (m.col_price[j] > 0 && flow < cap) {
            return Err(format!(
                "column {j}: flow {flow} cap {cap} price {}",
                m.col_price[j]
            ));
        }
    }
    for (g, &flow) in group.iter().enumerate() {
        let cap = u64::from(p.group_capacity(g));
        if flow > cap || m.group_price[g] < 0 || (m.group_price[g] > 0 && flow < cap) {
            return Err(format!(
                "group {g}: flow {flow} cap {cap} price {}",
                m.group_price[g]
            ));
        }
    }
    Ok(())
}

fn check(p: &Problem, m: &Matching) {
    assert_eq!(m.flow.len(), p.n_arcs());
    if let Err(e) = certificate(p, m) {
        panic!("private certificate check failed: {e}\n{p:?}\n{m:?}");
    }
    if let Err(v) = verify::verify(p, m) {
        panic!("verify failed: {v}\n{p:?}\n{m:?}");
    }
}

fn solve(p: &Problem) -> Matching {
    let m = sparse::solve(p, &Options::default()).expect("solve");
    check(p, &m);
    m
}

fn pairs(p: &Problem, m: &Matching) -> Vec<(usize, usize, u32)> {
    m.pairs(p).collect()
}

#[test]
fn empty_problems() {
    for (r, c) in [(0, 0), (3, 0), (0, 4), (2, 2)] {
        let p = ProblemBuilder::new(r, c).build().expect("build");
        let m = solve(&p);
        assert!(m.flow.is_empty());
        assert_eq!(m.row_price, vec![0; r]);
        assert_eq!(m.col_price, vec![0; c]);
    }
}

#[test]
fn zero_capacities_and_rows_without_arcs() {
    let mut b = ProblemBuilder::new(4, 3);
    b.arc(0, 0, 10).arc(0, 1, 3).arc(1, 1, 8).arc(3, 2, 5);
    b.col_capacity(vec![0, 1, 1]).row_supply(vec![1, 1, 1, 0]);
    let p = b.build().expect("build");
    let m = solve(&p);
    // Column 0 is closed and row 3 wants nothing: row 1 takes column 1 (8 > 3).
    assert_eq!(pairs(&p, &m), vec![(1, 1, 1)]);
    assert_eq!(m.weight(&p), 8);
}

#[test]
fn negative_weights_are_never_used_without_tiers() {
    let mut b = ProblemBuilder::new(2, 2);
    b.arc(0, 0, -1).arc(1, 1, -5).arc(1, 0, 0);
    let p = b.build().expect("build");
    let m = solve(&p);
    assert_eq!(m.weight(&p), 0);
    assert!(pairs(&p, &m).iter().all(|&(r, c, _)| (r, c) == (1, 0)));
}

/// A tiered problem of `rows` rows over 20 columns, one arc per (row, column) with
/// `col % 7 != row % 7`, weights from a seeded stream; row `drop` loses its heaviest arc.
fn tiered_grid(rows: usize, drop: Option<usize>) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let mut b = ProblemBuilder::new(rows, 20);
    for r in 0..rows {
        let arcs: Vec<(usize, i64)> = (0..20)
            .filter(|c| c % 7 != r % 7)
            .map(|c| (c, rng.random_range(1..1000)))
            .collect();
        let heaviest = arcs.iter().map(|&(_, w)| w).max().unwrap_or(0);
        for (c, w) in arcs {
            if drop != Some(r) || w != heaviest {
                b.arc(r, c, w);
            }
        }
    }
    b.row_tier((0..rows).map(|r| 1 + (r % 3) as u32).collect());
    b.build().expect("valid problem")
}

#[test]
fn tier_bonuses_survive_small_edits() {
    // Forbidding one row's best arc, or adding a row, moves the bound on the bonuses
    // (W, Q_s) a little; rounded up to powers of two, the bonuses stay, so a warm
    // start's prices still fit every unchanged arc.
    let base = tiered_grid(300, None);
    let bonus = base.tier_bonuses().expect("no overflow");
    assert!(bonus.iter().all(|b| b.count_ones() == 1), "{bonus:?}");
    for edited in [tiered_grid(300, Some(17)), tiered_grid(301, None)] {
        assert_eq!(edited.tier_bonuses(), Ok(bonus.clone()));
    }
}

#[test]
fn tier_one_count_beats_weight() {
    // Row 0 (tier 1) can only use a negative arc; rows 1 and 2 (tier 2) are worth more.
    let mut b = ProblemBuilder::new(3, 2);
    b.arc(0, 0, -100)
        .arc(1, 0, 1000)
        .arc(2, 0, 900)
        .arc(2, 1, 1)
        .arc(1, 1, 2);
    b.row_tier(vec![1, 2, 2]);
    let p = b.build().expect("build");
    let m = solve(&p);
    assert_eq!(m.quantity_by_tier(&p), vec![1, 1]);
    assert_eq!(pairs(&p, &m), vec![(0, 0, 1), (1, 1, 1)]);
    assert_eq!(m.weight(&p), -98);
}

#[test]
fn supplies_and_arc_capacities() {
    let mut b = ProblemBuilder::new(2, 2);
    b.arc_with_cap(0, 0, 5, 3)
        .arc_with_cap(0, 1, 4, 2)
        .arc_with_cap(1, 0, 6, 1);
    b.row_supply(vec![4, 2]).col_capacity(vec![3, 5]);
    let p = b.build().expect("build");
    let m = solve(&p);
    // Row 1 takes one unit of column 0 (6); row 0 takes 2 of column 0 and 2 of column 1.
    assert_eq!(pairs(&p, &m), vec![(0, 0, 2), (0, 1, 2), (1, 0, 1)]);
    assert_eq!(m.weight(&p), 24);
}

#[test]
fn group_capacity_limits_its_rows() {
    // Rows 0 and 1 share a group of capacity 1; row 2 is alone.
    let mut b = ProblemBuilder::new(3, 3);
    b.arc(0, 0, 9).arc(1, 1, 8).arc(2, 0, 7).arc(2, 2, 1);
    b.groups(vec![0, 0, 1], vec![1, 1]);
    let p = b.build().expect("build");
    let m = solve(&p);
    // Best: row 0 → col 0 (9) and row 2 → col 2 (1) = 10 ... or row 1 → col 1 (8) and
    // row 2 → col 0 (7) = 15.
    assert_eq!(m.weight(&p), 15);
    assert_eq!(pairs(&p, &m), vec![(1, 1, 1), (2, 0, 1)]);
}

#[test]
fn cancel_flag_interrupts() {
    let p = random_problem(
        &mut ChaCha8Rng::seed_from_u64(1),
        200,
        50,
        5,
        Features::default(),
    );
    let cancel = Arc::new(AtomicBool::new(true));
    let opts = Options {
        parallel: false,
        cancel: Some(cancel),
    };
    assert_eq!(sparse::solve(&p, &opts), Err(AssignError::Interrupted));
}

#[test]
fn warm_start_errors() {
    let mut b = ProblemBuilder::new(2, 2);
    b.arc(0, 0, 1);
    let p = b.build().expect("build");
    let bad = WarmStart {
        pairs: vec![(5, 0, 1)],
        ..WarmStart::default()
    };
    assert!(matches!(
        sparse::solve_warm(&p, &bad, &Options::default()),
        Err(AssignError::WarmStart { .. })
    ));
    let bad = WarmStart {
        row_price: vec![0],
        ..WarmStart::default()
    };
    assert!(matches!(
        sparse::solve_warm(&p, &bad, &Options::default()),
        Err(AssignError::WarmStart { .. })
    ));
    let bad = WarmStart {
        col_price: vec![0, -1],
        ..WarmStart::default()
    };
    assert!(matches!(
        sparse::solve_warm(&p, &bad, &Options::default()),
        Err(AssignError::WarmStart { .. })
    ));
    // A pair on a missing arc is dropped, not an error.
    let ok = WarmStart {
        pairs: vec![(1, 1, 1)],
        ..WarmStart::default()
    };
    let m = sparse::solve_warm(&p, &ok, &Options::default()).expect("warm");
    check(&p, &m);
    assert_eq!(m.weight(&p), 1);
}

// ----- random instances ------------------------------------------------------------------

#[derive(Debug, Clone, Copy, Default)]
struct Features {
    tiers: bool,
    groups: bool,
    caps: bool,
    supply: bool,
    negative: bool,
}

fn random_problem(
    rng: &mut ChaCha8Rng,
    rows: usize,
    cols: usize,
    degree: usize,
    f: Features,
) -> Problem {
    let mut b = ProblemBuilder::new(rows, cols);
    for r in 0..rows {
        if cols == 0 {
            break;
        }
        let d = rng.random_range(0..=degree.min(cols));
        let mut used = std::collections::BTreeSet::new();
        for _ in 0..d {
            used.insert(rng.random_range(0..cols));
        }
        for c in used {
            let w = if f.negative {
                rng.random_range(-20..=60)
            } else {
                rng.random_range(1..=60)
            };
            let cap = if f.caps { rng.random_range(1..=3) } else { 1 };
            b.arc_with_cap(r, c, w, cap);
        }
    }
    b.col_capacity((0..cols).map(|_| rng.random_range(0..=3)).collect());
    if f.supply {
        b.row_supply((0..rows).map(|_| rng.random_range(0..=3)).collect());
    }
    if f.tiers {
        b.row_tier((0..rows).map(|_| rng.random_range(1..=3)).collect());
    }
    if f.groups {
        let ng = rows.div_ceil(2).max(1);
        b.groups(
            (0..rows).map(|_| rng.random_range(0..ng)).collect(),
            (0..ng).map(|_| rng.random_range(0..=3)).collect(),
        );
    }
    b.build().expect("random problem builds")
}

/// Tiny instance for the brute force: at most ~2^16 candidate flows.
fn tiny_problem(seed: u64, f: Features) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    loop {
        let rows = rng.random_range(0..=4);
        let cols = rng.random_range(0..=4);
        let p = random_problem(&mut rng, rows, cols, 3, f);
        let cand: f64 = (0..p.n_arcs())
            .map(|a| f64::from(p.arc_cap(a).min(3) + 1))
            .product();
        if cand <= 65536.0 {
            return p;
        }
    }
}

fn assert_optimal(p: &Problem, m: &Matching) {
    check(p, m);
    let (q, w) = reference::sparse(p);
    if reference::is_tiered(p) {
        assert_eq!((m.quantity_by_tier(p), m.weight(p)), (q, w), "{p:?}");
    } else {
        assert_eq!(m.weight(p), w, "{p:?}");
    }
}

fn features() -> impl Strategy<Value = Features> {
    (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(|(tiers, groups, caps, supply, negative)| Features {
            tiers,
            groups,
            caps,
            supply,
            negative,
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(600))]

    #[test]
    fn matches_brute_force(seed in any::<u64>(), f in features()) {
        let p = tiny_problem(seed, f);
        let m = sparse::solve(&p, &Options::default()).expect("solve");
        assert_optimal(&p, &m);
    }

    #[test]
    fn warm_from_any_start_is_optimal(seed in any::<u64>(), f in features()) {
        // A warm start that is garbage (random flows and prices) must still give the optimum.
        let p = tiny_problem(seed, f);
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let mut warm = WarmStart::default();
        for r in 0..p.n_rows() {
            for a in p.arcs_of(r) {
                if rng.random_bool(0.5) {
                    warm.pairs.push((r as u32, p.arc_col(a) as u32, rng.random_range(0..=3)));
                }
            }
        }
        if rng.random_bool(0.7) {
            warm.row_price = (0..p.n_rows()).map(|_| rng.random_range(0..=30)).collect();
            warm.col_price = (0..p.n_cols()).map(|_| rng.random_range(0..=30)).collect();
            warm.group_price = (0..p.n_groups()).map(|_| rng.random_range(0..=30)).collect();
        }
        let m = sparse::solve_warm(&p, &warm, &Options::default()).expect("warm");
        assert_optimal(&p, &m);
    }
}

#[test]
fn medium_random_instances_verify() {
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    for round in 0..60 {
        let f = Features {
            tiers: round % 2 == 1,
            groups: round % 3 == 1,
            caps: round % 5 < 2,
            supply: round % 4 == 3,
            negative: round % 7 < 3,
        };
        let p = random_problem(&mut rng, 300, 80, 8, f);
        solve(&p);
    }
}

#[test]
fn same_result_on_one_and_two_threads() {
    let mut rng = ChaCha8Rng::seed_from_u64(11);
    for f in [
        Features::default(),
        Features {
            tiers: true,
            groups: true,
            caps: true,
            supply: true,
            negative: true,
        },
    ] {
        // Many rows, few arcs each: many components.
        let p = random_problem(&mut rng, 3000, 3000, 2, f);
        let opts = Options {
            parallel: true,
            cancel: None,
        };
        let one = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .build()
            .expect("pool");
        let two = rayon::ThreadPoolBuilder::new()
            .num_threads(2)
            .build()
            .expect("pool");
        let a = one.install(|| sparse::solve(&p, &opts)).expect("solve");
        let b = two.install(|| sparse::solve(&p, &opts)).expect("solve");
        let c = sparse::solve(&p, &Options::default()).expect("solve");
        let sequential = Options {
            parallel: false,
            cancel: None,
        };
        let d = sparse::solve(&p, &sequential).expect("solve");
        check(&p, &a);
        assert_eq!(a, b);
        assert_eq!(a, c);
        assert_eq!(a, d);
    }
}

/// One random edit of a problem, in the spirit of a day's changes: new and removed
/// rows, capacity cuts and raises, removed and added arcs, changed weights. Returns the
/// new problem and the warm start mapped into its index space.
fn edit(rng: &mut ChaCha8Rng, p: &Problem, m: &Matching, f: Features) -> (Problem, WarmStart) {
    let rows = p.n_rows();
    let cols = p.n_cols();
    let removed_row = (rows > 0 && rng.random_bool(0.5)).then(|| rng.random_range(0..rows));
    let new_rows = rng.random_range(0..3);
    let n_rows = rows - usize::from(removed_row.is_some()) + new_rows;
    let map_row = |r: usize| -> Option<usize> {
        match removed_row {
            Some(x) if r == x => None,
            Some(x) if r > x => Some(r - 1),
            _ => Some(r),
        }
    };
    let mut b = ProblemBuilder::new(n_rows, cols);
    let mut supply = vec![1u32; n_rows];
    let mut tier = vec![1u32; n_rows];
    let mut group = vec![0usize; n_rows];
    let ng = p.n_groups();
    for r in 0..rows {
        let Some(nr) = map_row(r) else { continue };
        supply[nr] = p.row_supply(r);
        tier[nr] = p.row_tier(r);
        group[nr] = p.row_group(r).unwrap_or(0);
        for a in p.arcs_of(r) {
            let roll = rng.random_range(0..100);
            if roll < 3 {
                continue; // arc removed
            }
            let w = if roll < 6 {
                p.arc_weight(a) + rng.random_range(-10..=10)
            } else {
                p.arc_weight(a)
            };
            b.arc_with_cap(nr, p.arc_col(a), w, p.arc_cap(a));
        }
        if cols > 0 && rng.random_bool(0.03) {
            let c = rng.random_range(0..cols);
            if !p.arcs_of(r).any(|a| p.arc_col(a) == c) {
                b.arc(nr, c, rng.random_range(1..=60));
            }
        }
    }
    for nr in (n_rows - new_rows)..n_rows {
        if cols > 0 {
            let mut used = std::collections::BTreeSet::new();
            for _ in 0..rng.random_range(0..=5) {
                used.insert(rng.random_range(0..cols));
            }
            for c in used {
                b.arc(nr, c, rng.random_range(1..=60));
            }
        }
        tier[nr] = rng.random_range(1..=3);
        group[nr] = if ng > 0 { rng.random_range(0..ng) } else { 0 };
    }
    let mut cap: Vec<u32> = (0..cols).map(|j| p.col_capacity(j)).collect();
    for c in cap.iter_mut() {
        if rng.random_bool(0.05) {
            *c = if rng.random_bool(0.5) {
                c.saturating_sub(1)
            } else {
                *c + 1
            };
        }
    }
    b.col_capacity(cap);
    if f.supply || p.n_rows() > 0 && (0..p.n_rows()).any(|r| p.row_supply(r) != 1) {
        b.row_supply(supply);
    }
    if p.has_tiers() {
        b.row_tier(tier);
    }
    if ng > 0 {
        b.groups(group, (0..ng).map(|g| p.group_capacity(g)).collect());
    }
    let q = b.build().expect("edited problem builds");
    let old = WarmStart::from_matching(p, m);
    let mut warm = WarmStart {
        pairs: Vec::new(),
        row_price: vec![0; n_rows],
        col_price: old.col_price.clone(),
        group_price: old.group_price.clone(),
    };
    for &(r, c, u) in &old.pairs {
        if let Some(nr) = map_row(r as usize) {
            warm.pairs.push((nr as u32, c, u));
        }
    }
    for r in 0..rows {
        if let Some(nr) = map_row(r) {
            warm.row_price[nr] = old.row_price[r];
        }
    }
    (q, warm)
}

#[test]
fn warm_equals_cold_over_edit_sequences() {
    let mut rng = ChaCha8Rng::seed_from_u64(2024);
    for round in 0..24 {
        let f = Features {
            tiers: round % 2 == 1,
            groups: round % 3 == 2,
            caps: round % 4 == 1,
            supply: round % 5 == 4,
            negative: round % 3 == 0,
        };
        let mut p = random_problem(&mut rng, 400, 60, 6, f);
        let mut m = solve(&p);
        for _ in 0..6 {
            let (q, warm) = edit(&mut rng, &p, &m, f);
            let cold = solve(&q);
            let hot = sparse::solve_warm(&q, &warm, &Options::default()).expect("warm");
            check(&q, &hot);
            assert_eq!(hot.quantity_by_tier(&q), cold.quantity_by_tier(&q));
            assert_eq!(hot.weight(&q), cold.weight(&q));
            p = q;
            m = hot;
        }
    }
}

#[test]
fn warm_from_own_optimum_changes_nothing_in_value() {
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let f = Features {
        tiers: true,
        groups: true,
        caps: true,
        supply: true,
        negative: true,
    };
    let p = random_problem(&mut rng, 500, 100, 6, f);
    let m = solve(&p);
    let warm = WarmStart::from_matching(&p, &m);
    let hot = sparse::solve_warm(&p, &warm, &Options::default()).expect("warm");
    check(&p, &hot);
    assert_eq!(hot.weight(&p), m.weight(&p));
    assert_eq!(hot.quantity_by_tier(&p), m.quantity_by_tier(&p));
}

#[test]
fn large_component_same_on_one_and_two_threads() {
    // One component with more than 2^20 arcs, over-demanded: solved by columns, with
    // the column index built in parallel on the two-thread pool.
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let (rows, cols, d) = (60_000, 6_000, 20);
    let mut b = ProblemBuilder::new(rows, cols);
    for r in 0..rows {
        let mut used = std::collections::BTreeSet::new();
        while used.len() < d {
            used.insert(rng.random_range(0..cols));
        }
        for c in used {
            b.arc(r, c, rng.random_range(1..=1000));
        }
    }
    b.col_capacity((0..cols).map(|_| rng.random_range(1..=8)).collect());
    let p = b.build().expect("build");
    let opts = Options {
        parallel: true,
        cancel: None,
    };
    let one = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("pool");
    let two = rayon::ThreadPoolBuilder::new()
        .num_threads(2)
        .build()
        .expect("pool");
    let a = one.install(|| sparse::solve(&p, &opts)).expect("solve");
    let b = two.install(|| sparse::solve(&p, &opts)).expect("solve");
    check(&p, &a);
    assert_eq!(a, b);
}
