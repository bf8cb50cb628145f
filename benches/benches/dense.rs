//! Criterion benches of the dense integer solver (`linear_sum_assignment_i64`) on seeded
//! uniform costs in `[0, 1000)`: square n = 500, 1000, 2000 and rectangular 1000 × 4000.
//!
//! Every instance is generated and solved once before timing, and that solution's
//! certificate is checked by `verify_dense_i64`, so a fast wrong answer cannot pass as a
//! benchmark. Sample sizes are kept small so that the whole file runs in about a minute.
//!
//! Run: `cargo bench -p aidmatch-benches --bench dense`

use std::hint::black_box;
use std::time::Duration;

use aidmatch_assign::dense::{Sense, linear_sum_assignment_i64};
use aidmatch_assign::verify::verify_dense_i64;
use aidmatch_benches::{DEFAULT_SEED, DenseInstance, dense_uniform};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};

/// Solves once and checks the certificate; panics (stopping the bench) when it fails.
fn verified(inst: &DenseInstance) -> i128 {
    let a = linear_sum_assignment_i64(&inst.costs, inst.rows, inst.cols, None, Sense::Minimize)
        .expect("a dense instance without forbidden entries is feasible");
    if let Err(v) = verify_dense_i64(&inst.costs, inst.rows, inst.cols, None, Sense::Minimize, &a) {
        panic!("{} x {}: certificate rejected: {v}", inst.rows, inst.cols);
    }
    a.objective()
}

fn square(c: &mut Criterion) {
    let mut group = c.benchmark_group("dense_square");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    for n in [500usize, 1000, 2000] {
        let inst = dense_uniform(n, n, DEFAULT_SEED);
        verified(&inst);
        group.bench_with_input(BenchmarkId::from_parameter(n), &inst, |b, inst| {
            b.iter(|| {
                linear_sum_assignment_i64(
                    black_box(&inst.costs),
                    inst.rows,
                    inst.cols,
                    None,
                    Sense::Minimize,
                )
            })
        });
    }
    group.finish();
}

fn rectangular(c: &mut Criterion) {
    let mut group = c.benchmark_group("dense_rect");
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5));
    let (rows, cols) = (1000usize, 4000usize);
    let inst = dense_uniform(rows, cols, DEFAULT_SEED);
    verified(&inst);
    group.bench_with_input(
        BenchmarkId::from_parameter(format!("{rows}x{cols}")),
        &inst,
        |b, inst| {
            b.iter(|| {
                linear_sum_assignment_i64(
                    black_box(&inst.costs),
                    inst.rows,
                    inst.cols,
                    None,
                    Sense::Minimize,
                )
            })
        },
    );
    group.finish();
}

criterion_group!(benches, square, rectangular);
criterion_main!(benches);
