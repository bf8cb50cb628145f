//! Timing of cold sparse solves of the two-lists family with tiers (a quick check, not a
//! statistical benchmark).
//!
//! `cargo run --release -p aidmatch-assign --example tier_timing -- <20k|200k|1m> [--tiers N] [--verify]`
//!
//! The instances are those of `sparse_timing` (fixed seed; column capacities uniform
//! 1..=8, weights uniform 1..=1000, distinct random columns per row); with `--tiers 3`
//! (the default) rows get tier 1, 2 or 3 with probabilities 15%, 45%, 40%; with
//! `--tiers N` for another `N`, uniformly; `--tiers 1` is the untiered instance. Prints
//! the wall time and the process's CPU time (all threads) of one solve, the quantity by
//! tier and the weight; `--verify` checks the certificate.

use std::time::Instant;

use aidmatch_assign::sparse::{self, Options};
use aidmatch_assign::{Problem, verify};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn build(rows: usize, cols: usize, d: usize, tiers: u32, seed: u64) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut start = Vec::with_capacity(rows + 1);
    let mut c = Vec::with_capacity(rows * d);
    let mut w = Vec::with_capacity(rows * d);
    start.push(0);
    for _ in 0..rows {
        let mark = c.len();
        while c.len() - mark < d {
            let col = rng.random_range(0..cols);
            if !c[mark..].contains(&col) {
                c.push(col);
                w.push(rng.random_range(1..=1000));
            }
        }
        start.push(c.len());
    }
    let caps: Vec<u32> = (0..cols).map(|_| rng.random_range(1..=8)).collect();
    let mut b = Problem::from_csr(rows, cols, &start, &c, &w).expect("csr");
    drop((start, c, w));
    b.col_capacity(caps);
    if tiers > 1 {
        let mut trng = ChaCha8Rng::seed_from_u64(seed ^ 0x7133);
        let tier = (0..rows)
            .map(|_| {
                if tiers == 3 {
                    let x: f64 = trng.random();
                    if x < 0.15 {
                        1
                    } else if x < 0.60 {
                        2
                    } else {
                        3
                    }
                } else {
                    trng.random_range(1..=tiers)
                }
            })
            .collect();
        b.row_tier(tier);
    }
    b.build().expect("build")
}

/// CPU seconds (user + system) of the whole process, in clock ticks of 1/100 s.
fn process_cpu() -> f64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let rest = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    (tick(11) + tick(12)) as f64 / 100.0
}

fn main() {
    let mut family = String::from("20k");
    let mut tiers = 3u32;
    let mut check = false;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--tiers" => {
                tiers = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&t| (1..=255).contains(&t))
                    .unwrap_or_else(|| {
                        eprintln!("--tiers needs a number in 1..=255");
                        std::process::exit(2)
                    })
            }
            "--verify" => check = true,
            f => family = f.to_string(),
        }
    }
    let (rows, cols, d) = match family.as_str() {
        "20k" => (20_000, 2_000, 20),
        "200k" => (200_000, 20_000, 20),
        "1m" => (1_000_000, 100_000, 16),
        other => {
            eprintln!("unknown family {other:?} (20k, 200k, 1m)");
            std::process::exit(2)
        }
    };
    let p = build(rows, cols, d, tiers, 7);
    let opts = Options::default();
    let (cpu0, t) = (process_cpu(), Instant::now());
    let m = sparse::solve(&p, &opts).expect("solve");
    let (wall, cpu) = (t.elapsed().as_secs_f64(), process_cpu() - cpu0);
    println!(
        "{family} tiers={tiers}: {rows} rows, {cols} cols, {} arcs: solve {wall:.3} s wall, {cpu:.2} s cpu; quantity by tier {:?}, weight {}",
        p.n_arcs(),
        m.quantity_by_tier(&p),
        m.weight(&p)
    );
    if check {
        verify::verify(&p, &m).expect("certificate");
        println!("certificate verified");
    }
}
