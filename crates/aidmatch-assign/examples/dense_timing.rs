//! Quick wall-clock timing of the dense solver (the official benches live in `benches/`).
//!
//! `cargo run --release -p aidmatch-assign --example dense_timing [reps]`
//! prints the median of `reps` solves (default 5) for each case: wall-clock time, and
//! in brackets the time the thread spent on a CPU (from /proc/thread-self/schedstat on
//! Linux), which is less disturbed by other processes on a shared machine.
//!
//! With `--cancel` as the third argument (`dense_timing 5 "" --cancel`), every solve
//! goes through `linear_sum_assignment{,_i64}_with` with a cancel flag that stays clear,
//! as the Python binding calls it: the figures then show what reading the flag costs.

use aidmatch_assign::dense::{
    DenseOptions, Sense, linear_sum_assignment_i64_with, linear_sum_assignment_with,
};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::sync::atomic::AtomicBool;
use std::time::Instant;

fn median(mut t: Vec<f64>) -> f64 {
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

/// Seconds this thread has spent on a CPU, if the platform says.
fn cpu_seconds() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: f64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns * 1e-9)
}

struct Timing {
    wall: f64,
    cpu: f64,
}

impl std::fmt::Display for Timing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:7.4} s [cpu {:7.4} s]", self.wall, self.cpu)
    }
}

fn time<R>(reps: usize, mut f: impl FnMut() -> R) -> (Timing, R) {
    let mut walls = Vec::new();
    let mut cpus = Vec::new();
    let mut last = None;
    for _ in 0..reps {
        let cpu0 = cpu_seconds();
        let start = Instant::now();
        let r = f();
        walls.push(start.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu0, cpu_seconds()) {
            cpus.push(b - a);
        }
        last = Some(r);
    }
    let cpu = if cpus.is_empty() {
        f64::NAN
    } else {
        median(cpus)
    };
    (
        Timing {
            wall: median(walls),
            cpu,
        },
        last.expect("reps >= 1"),
    )
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(5)
        .max(1);
    let filter = std::env::args().nth(2).unwrap_or_default();
    let flag = AtomicBool::new(false);
    let mut options = DenseOptions::default();
    if std::env::args().nth(3).as_deref() == Some("--cancel") {
        options.cancel = Some(&flag);
    }
    let linear_sum_assignment =
        |c: &[f64], r, k, s| linear_sum_assignment_with(c, r, k, s, &options);
    let linear_sum_assignment_i64 =
        |c: &[i64], r, k, m, s| linear_sum_assignment_i64_with(c, r, k, m, s, &options);
    let cases: &[(&str, usize, usize, i64)] = &[
        ("square-int1000", 4000, 4000, 1000),
        ("sq2000-int1000", 2000, 2000, 1000),
        ("sq1000-int1000", 1000, 1000, 1000),
        ("wide-int1000", 1000, 4000, 1000),
        ("tall-int1000", 4000, 1000, 1000),
        ("square-int1e6", 2000, 2000, 1_000_000),
        ("wide-unif01", 1000, 4000, 0),
        ("square-unif01", 4000, 4000, 0),
        ("square-geom", 4000, 4000, -1),
        ("geom2000", 2000, 2000, -1),
        ("sq2000-unif01", 2000, 2000, 0),
        ("sq1000-unif01", 1000, 1000, 0),
    ];
    for &(name, rows, cols, range) in cases {
        if !name.contains(filter.as_str()) {
            continue;
        }
        let mut rng = ChaCha8Rng::seed_from_u64(42);
        if range != 0 {
            let ci: Vec<i64> = if range > 0 {
                (0..rows * cols)
                    .map(|_| rng.random_range(0..range))
                    .collect()
            } else {
                // Rounded Euclidean distances (x 100) between uniform points.
                let mut point = || (rng.random::<f64>(), rng.random::<f64>());
                let left: Vec<(f64, f64)> = (0..rows).map(|_| point()).collect();
                let right: Vec<(f64, f64)> = (0..cols).map(|_| point()).collect();
                left.iter()
                    .flat_map(|&(x, y)| {
                        right.iter().map(move |&(u, v)| {
                            (((x - u) * (x - u) + (y - v) * (y - v)).sqrt() * 100.0).round() as i64
                        })
                    })
                    .collect()
            };
            let cf: Vec<f64> = ci.iter().map(|&x| x as f64).collect();
            let (tf, a) = time(reps, || {
                linear_sum_assignment(&cf, rows, cols, Sense::Minimize).expect("feasible")
            });
            let (ti, b) = time(reps, || {
                linear_sum_assignment_i64(&ci, rows, cols, None, Sense::Minimize).expect("feasible")
            });
            assert_eq!(a.objective() as i128, b.objective());
            println!(
                "{name:14} {rows}x{cols}: f64 {}  i64 {}  (objective {})",
                tf,
                ti,
                b.objective()
            );
        } else {
            let cf: Vec<f64> = (0..rows * cols).map(|_| rng.random::<f64>()).collect();
            let (tf, a) = time(reps, || {
                linear_sum_assignment(&cf, rows, cols, Sense::Minimize).expect("feasible")
            });
            println!(
                "{name:14} {rows}x{cols}: f64 {}  (objective {:.6})",
                tf,
                a.objective()
            );
        }
    }
}
