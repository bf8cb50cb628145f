//! Per-call time of the dense solver on tiny matrices (the fixed cost).
//!
//! `cargo run --release -p aidmatch-assign --example tiny_timing`
use aidmatch_assign::dense::{
    DenseOptions, Sense, linear_sum_assignment_i64_with, linear_sum_assignment_with,
};
use std::hint::black_box;
use std::time::Instant;

fn main() {
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for n in [2usize, 3, 5, 6, 7, 8] {
        let f: Vec<f64> = (0..n * n)
            .map(|_| (next() >> 11) as f64 / (1u64 << 53) as f64)
            .collect();
        let i: Vec<i64> = (0..n * n).map(|_| (next() % 100) as i64).collect();
        let reps = 100_000;
        for small_path in [true, false] {
            let mut o = DenseOptions::default();
            o.small_path = small_path;
            let mut best_f = f64::INFINITY;
            let mut best_i = f64::INFINITY;
            for _ in 0..7 {
                let t = Instant::now();
                for _ in 0..reps {
                    let a = linear_sum_assignment_with(black_box(&f), n, n, Sense::Minimize, &o);
                    black_box(a.ok());
                }
                best_f = best_f.min(t.elapsed().as_secs_f64() / reps as f64 * 1e9);
                let t = Instant::now();
                for _ in 0..reps {
                    let a = linear_sum_assignment_i64_with(
                        black_box(&i),
                        n,
                        n,
                        None,
                        Sense::Minimize,
                        &o,
                    );
                    black_box(a.ok());
                }
                best_i = best_i.min(t.elapsed().as_secs_f64() / reps as f64 * 1e9);
            }
            let path = if small_path {
                "small path"
            } else {
                "kernel    "
            };
            println!("{n:>2}x{n:<2} {path}  f64 {best_f:7.1} ns   i64 {best_i:7.1} ns");
        }
    }
}
