//! Criterion benches of the sparse b-matching solver on the "two lists" family:
//! 20 000 rows, 2 000 columns of capacity 1..=8, 20 random arcs a row.
//!
//! * `two_lists_cold/20000`: `sparse::solve` from scratch;
//! * `two_lists_recut/{cold,warm}`: after capacity cuts on 1% of the columns (each loses
//!   half its capacity), solving the changed instance from scratch versus warm-starting
//!   from the previous optimum (`sparse::solve_warm`), the re-matching a county runs when
//!   a few offers shrink;
//! * `two_lists_recut/session`: the same cuts applied as edits to a
//!   [`sparse::Session`] that kept its state from the previous optimum, timing
//!   `Session::resolve` only (each iteration resolves a fresh clone of the session).
//!
//! Every measured solve is run once beforehand and its certificate checked by
//! `verify::verify`; the warm and cold optima must have the same weight.
//!
//! Run: `cargo bench -p aidmatch-benches --bench sparse`

use std::hint::black_box;
use std::time::Duration;

use aidmatch_assign::sparse::{self, Options, Session, WarmStart};
use aidmatch_assign::{Matching, Problem, verify};
use aidmatch_benches::{DEFAULT_SEED, two_lists};
use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};

const ROWS: usize = 20_000;
const COLS: usize = 2_000;
const DEGREE: usize = 20;

fn options() -> Options {
    Options {
        parallel: true,
        ..Options::default()
    }
}

/// Checks the certificate of `m`; panics (stopping the bench) when it fails.
fn check(what: &str, p: &Problem, m: &Matching) -> i128 {
    if let Err(v) = verify::verify(p, m) {
        panic!("{what}: certificate rejected: {v}");
    }
    m.weight(p)
}

fn sparse_benches(c: &mut Criterion) {
    let base = two_lists(ROWS, COLS, DEGREE, DEFAULT_SEED);
    let problem = base.to_problem().expect("the generated instance builds");
    let first = sparse::solve(&problem, &options()).expect("the base instance solves");
    check("base", &problem, &first);

    let mut group = c.benchmark_group("two_lists_cold");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    group.bench_with_input(BenchmarkId::from_parameter(ROWS), &problem, |b, p| {
        b.iter(|| sparse::solve(black_box(p), &options()))
    });
    group.finish();

    let cut = base.with_capacity_cuts(0.01, DEFAULT_SEED + 1);
    let cut_problem = cut.to_problem().expect("the cut instance builds");
    // Arcs are unchanged by the cuts, so the previous solution is already in the new
    // problem's index space.
    let warm = WarmStart::from_matching(&problem, &first);
    let cold_m = sparse::solve(&cut_problem, &options()).expect("the cut instance solves");
    let warm_m = sparse::solve_warm(&cut_problem, &warm, &options()).expect("warm solve");
    let cold_w = check("cut, cold", &cut_problem, &cold_m);
    let warm_w = check("cut, warm", &cut_problem, &warm_m);
    assert_eq!(cold_w, warm_w, "warm and cold optima differ");
    let session = Session::new(problem.clone(), &options()).expect("the session solves");
    let edited = || {
        let mut s = session.clone();
        for j in 0..cut_problem.n_cols() {
            let cap = cut_problem.col_capacity(j);
            if cap != problem.col_capacity(j) {
                s.set_col_capacity(j, cap).expect("column in range");
            }
        }
        s
    };
    {
        let mut s = edited();
        let m = s.resolve().expect("session resolve").clone();
        let w = check("cut, session", s.problem(), &m);
        assert_eq!(cold_w, w, "session and cold optima differ");
    }

    let mut group = c.benchmark_group("two_lists_recut");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(10));
    group.bench_with_input(BenchmarkId::from_parameter("cold"), &cut_problem, |b, p| {
        b.iter(|| sparse::solve(black_box(p), &options()))
    });
    group.bench_with_input(BenchmarkId::from_parameter("warm"), &cut_problem, |b, p| {
        b.iter(|| sparse::solve_warm(black_box(p), black_box(&warm), &options()))
    });
    group.bench_function(BenchmarkId::from_parameter("session"), |b| {
        b.iter_batched_ref(
            edited,
            |s| s.resolve().map(|m| m.flow.len()),
            BatchSize::LargeInput,
        )
    });
    group.finish();
}

criterion_group!(benches, sparse_benches);
criterion_main!(benches);
