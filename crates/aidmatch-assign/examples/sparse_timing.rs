//! Quick wall-clock and memory timing of the sparse solver (official benches live in
//! `benches/`).
//!
//! `cargo run --release -p aidmatch-assign --example sparse_timing -- <family> [reps] [--warm | --session] [--groups S C] [--tiers] [--verify]`
//!
//! Families (fixed seed; column capacities uniform 1..=8, weights uniform 1..=1000,
//! distinct random columns per row): `20k` (20k rows, 2k cols, 20 arcs a row), `200k`
//! (200k, 20k, 20), `1m` (1M, 100k, 16). With `--warm`, 1% of the rows get new arcs
//! and 1% of the columns a capacity one lower or higher, and the warm solve from the
//! previous optimum is timed against a cold solve of the edited problem.
//!
//! `--groups S C` puts the rows in consecutive groups of `S` rows of capacity `C`;
//! `--tiers` gives rows tier 1, 2 or 3 with probabilities 15%, 45%, 40% (a re-arced
//! row in `--session` keeps its tier).
//!
//! With `--session`, a [`sparse::Session`] is built once; then, `reps` times, 1% of
//! the rows are re-arced (removed, and added back as new rows with new arcs) and 1% of
//! the columns get a capacity one lower or higher, and `Session::resolve` is timed
//! against a cold solve of the same edited problem (results compared, and verified
//! with `--verify`); finally 20 single-row insertions (`add_row` + `resolve`) are
//! timed. CPU time is the calling thread's (`/proc/thread-self/schedstat`) for the
//! single-threaded resolve, and the process's (`/proc/self/stat`) for cold solves.
//!
//! Prints the median wall time and the peak resident memory of the solve itself
//! (`VmHWM` after resetting it via `/proc/self/clear_refs`, Linux only).

use std::time::Instant;

use aidmatch_assign::sparse::{self, Options, WarmStart};
use aidmatch_assign::{Matching, Problem, verify};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

fn median(mut t: Vec<f64>) -> f64 {
    t.sort_by(f64::total_cmp);
    t[t.len() / 2]
}

fn rss_kib(field: &str) -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn random_row(
    rng: &mut ChaCha8Rng,
    cols: usize,
    d: usize,
    out_c: &mut Vec<usize>,
    out_w: &mut Vec<i64>,
) {
    let start = out_c.len();
    while out_c.len() - start < d {
        let c = rng.random_range(0..cols);
        if !out_c[start..].contains(&c) {
            out_c.push(c);
            out_w.push(rng.random_range(1..=1000));
        }
    }
}

fn build(
    rows: usize,
    cols: usize,
    d: usize,
    seed: u64,
    changed: Option<&[bool]>,
    groups: Option<(usize, u32)>,
    tiers: bool,
) -> Problem {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut start = Vec::with_capacity(rows + 1);
    let mut c = Vec::with_capacity(rows * d);
    let mut w = Vec::with_capacity(rows * d);
    start.push(0);
    let mut edit_rng = ChaCha8Rng::seed_from_u64(seed ^ 0xed17);
    for r in 0..rows {
        let mark = c.len();
        random_row(&mut rng, cols, d, &mut c, &mut w);
        if changed.is_some_and(|ch| ch[r]) {
            c.truncate(mark);
            w.truncate(mark);
            random_row(&mut edit_rng, cols, d, &mut c, &mut w);
        }
        start.push(c.len());
    }
    let caps: Vec<u32> = (0..cols).map(|_| rng.random_range(1..=8)).collect();
    let mut b = Problem::from_csr(rows, cols, &start, &c, &w).expect("csr");
    drop((start, c, w));
    let caps = match changed {
        None => caps,
        Some(_) => caps
            .into_iter()
            .map(|k| {
                if edit_rng.random_bool(0.01) {
                    if edit_rng.random_bool(0.5) {
                        k - 1
                    } else {
                        k + 1
                    }
                } else {
                    k
                }
            })
            .collect(),
    };
    b.col_capacity(caps);
    if let Some((size, cap)) = groups {
        let n = rows.div_ceil(size);
        b.groups((0..rows).map(|r| r / size).collect(), vec![cap; n]);
    }
    if tiers {
        let mut trng = ChaCha8Rng::seed_from_u64(seed ^ 0x7133);
        let tier = (0..rows)
            .map(|_| match trng.random::<f64>() {
                x if x < 0.15 => 1,
                x if x < 0.60 => 2,
                _ => 3,
            })
            .collect();
        b.row_tier(tier);
    }
    b.build().expect("build")
}

fn timed_solve(p: &Problem, warm: Option<&WarmStart>, opts: &Options) -> (f64, u64, Matching) {
    reset_peak();
    let base = rss_kib("VmRSS:").unwrap_or(0);
    let t = Instant::now();
    let m = match warm {
        None => sparse::solve(p, opts),
        Some(w) => sparse::solve_warm(p, w, opts),
    }
    .expect("solve");
    let secs = t.elapsed().as_secs_f64();
    let peak = rss_kib("VmHWM:").unwrap_or(0).saturating_sub(base);
    (secs, peak, m)
}

/// CPU seconds of the calling thread (Linux; 0 elsewhere).
fn thread_cpu() -> f64 {
    std::fs::read_to_string("/proc/thread-self/schedstat")
        .ok()
        .and_then(|s| s.split_whitespace().next()?.parse::<u64>().ok())
        .map_or(0.0, |ns| ns as f64 * 1e-9)
}

/// CPU seconds (user + system) of the whole process, in clock ticks of 1/100 s.
fn process_cpu() -> f64 {
    let Ok(s) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let rest = s.rsplit(')').next().unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<u64>().ok()).unwrap_or(0);
    // Fields 14 and 15 of stat; `rest` starts at field 3.
    (tick(11) + tick(12)) as f64 / 100.0
}

fn session_mode(p: Problem, d: usize, reps: usize, check: bool, opts: &Options) {
    let cols = p.n_cols();
    let t = Instant::now();
    let mut s = sparse::Session::new(p, opts).expect("session");
    println!(
        "session new (cold solve + column index): {:.3}s",
        t.elapsed().as_secs_f64()
    );
    let mut rng = ChaCha8Rng::seed_from_u64(7);
    let (mut rw, mut rc, mut cw, mut cc) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let (mut c_, mut w_) = (Vec::new(), Vec::new());
    for rep in 0..reps {
        let rows = s.problem().n_rows();
        let mut edited = 0;
        for r in 0..rows {
            if s.problem().row_supply(r) > 0 && rng.random_bool(0.01) {
                let group = s.problem().row_group(r);
                let tier = s.problem().row_tier(r);
                s.remove_row(r).expect("remove");
                c_.clear();
                w_.clear();
                random_row(&mut rng, cols, d, &mut c_, &mut w_);
                let arcs: Vec<(usize, i64)> = c_.iter().copied().zip(w_.iter().copied()).collect();
                s.add_row(&arcs, 1, tier, group).expect("add");
                edited += 1;
            }
        }
        let mut caps = 0;
        for j in 0..cols {
            if rng.random_bool(0.01) {
                let k = s.problem().col_capacity(j);
                let k = if k > 0 && rng.random_bool(0.5) {
                    k - 1
                } else {
                    k + 1
                };
                s.set_col_capacity(j, k).expect("cap");
                caps += 1;
            }
        }
        let (t, c0) = (Instant::now(), thread_cpu());
        s.resolve().expect("resolve");
        let (wall, cpu) = (t.elapsed().as_secs_f64(), thread_cpu() - c0);
        let (t, c0) = (Instant::now(), process_cpu());
        let cold = sparse::solve(s.problem(), opts).expect("cold");
        let (cwall, ccpu) = (t.elapsed().as_secs_f64(), process_cpu() - c0);
        let (m, q) = (s.matching(), s.problem());
        assert_eq!(
            (m.quantity_by_tier(q), m.weight(q)),
            (cold.quantity_by_tier(q), cold.weight(q)),
            "session and cold optima differ"
        );
        if check {
            verify::verify(q, m).expect("session certificate");
        }
        println!(
            "rep {rep}: {edited} rows re-arced, {caps} capacities changed: resolve {wall:.4}s (cpu {cpu:.4}s), cold {cwall:.3}s (cpu {ccpu:.2}s); weight {}",
            m.weight(q)
        );
        rw.push(wall);
        rc.push(cpu);
        cw.push(cwall);
        cc.push(ccpu);
    }
    let (rw, rc, cw, cc) = (median(rw), median(rc), median(cw), median(cc));
    // Thread CPU time advances in scheduler ticks (a few ms): below 10 ms it is noise.
    let cpu_ratio = if rc >= 0.01 {
        format!("{:.1}x", cc / rc)
    } else {
        "n/a (resolve below tick resolution)".to_string()
    };
    println!(
        "session resolve median {rw:.4}s (cpu {rc:.4}s) vs cold {cw:.3}s (cpu {cc:.2}s): {:.1}x wall, cpu {cpu_ratio}",
        cw / rw
    );
    let (mut iw, mut ic) = (Vec::new(), Vec::new());
    for _ in 0..20 {
        c_.clear();
        w_.clear();
        random_row(&mut rng, cols, d, &mut c_, &mut w_);
        let arcs: Vec<(usize, i64)> = c_.iter().copied().zip(w_.iter().copied()).collect();
        let rows = s.problem().n_rows();
        let group = s.problem().row_group(rng.random_range(0..rows));
        let (t, c0) = (Instant::now(), thread_cpu());
        s.add_row(&arcs, 1, 1, group).expect("add");
        s.resolve().expect("resolve");
        iw.push(t.elapsed().as_secs_f64());
        ic.push(thread_cpu() - c0);
    }
    if check {
        verify::verify(s.problem(), s.matching()).expect("certificate after insertions");
    }
    let max = iw.iter().copied().fold(0.0, f64::max);
    println!(
        "one-row insertion (add_row + resolve): median {:.2} ms (cpu {:.2} ms), max {:.2} ms over 20",
        median(iw) * 1e3,
        median(ic) * 1e3,
        max * 1e3
    );
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let family = args.first().map_or("20k", String::as_str);
    let reps: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(3).max(1);
    let warm = args.iter().any(|a| a == "--warm");
    let session = args.iter().any(|a| a == "--session");
    let check = args.iter().any(|a| a == "--verify");
    let tiers = args.iter().any(|a| a == "--tiers");
    // `--groups S C`: rows in consecutive groups of S rows with capacity C each.
    let groups = args.iter().position(|a| a == "--groups").map(|i| {
        let size = args.get(i + 1).and_then(|s| s.parse().ok()).unwrap_or(4);
        let cap = args.get(i + 2).and_then(|s| s.parse().ok()).unwrap_or(2);
        (size, cap)
    });
    let (rows, cols, d) = match family {
        "20k" => (20_000, 2_000, 20),
        "200k" => (200_000, 20_000, 20),
        "1m" => (1_000_000, 100_000, 16),
        other => panic!("unknown family {other}"),
    };
    let opts = Options {
        parallel: true,
        cancel: None,
    };
    let t = Instant::now();
    let p = build(rows, cols, d, 42, None, groups, tiers);
    eprintln!(
        "built {family}: {} arcs in {:.2}s",
        p.n_arcs(),
        t.elapsed().as_secs_f64()
    );
    if session {
        session_mode(p, d, reps, check, &opts);
        return;
    }
    let mut times = Vec::new();
    let mut last = None;
    for _ in 0..reps {
        let (s, peak, m) = timed_solve(&p, None, &opts);
        println!("{family} cold: {s:.3}s, solve peak +{} MiB", peak / 1024);
        times.push(s);
        last = Some(m);
    }
    let m = last.expect("reps >= 1");
    let matched: u64 = m.flow.iter().map(|&f| u64::from(f)).sum();
    println!(
        "{family} cold median {:.3}s over {reps}; matched {matched}, weight {}",
        median(times),
        m.weight(&p)
    );
    if check {
        verify::verify(&p, &m).expect("certificate");
        println!("{family} certificate verified");
    }
    if warm {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let changed: Vec<bool> = (0..rows).map(|_| rng.random_bool(0.01)).collect();
        let q = build(rows, cols, d, 42, Some(&changed), groups, tiers);
        let mut ws = WarmStart::from_matching(&p, &m);
        for (r, &ch) in changed.iter().enumerate() {
            if ch {
                ws.row_price[r] = 0;
            }
        }
        drop(p);
        let (cold_s, _, cold) = timed_solve(&q, None, &opts);
        let mut wtimes = Vec::new();
        let mut hot = None;
        for _ in 0..reps {
            let (s, peak, h) = timed_solve(&q, Some(&ws), &opts);
            println!("{family} warm: {s:.3}s, solve peak +{} MiB", peak / 1024);
            wtimes.push(s);
            hot = Some(h);
        }
        let hot = hot.expect("reps >= 1");
        assert_eq!(
            hot.weight(&q),
            cold.weight(&q),
            "warm and cold optima differ"
        );
        if check {
            verify::verify(&q, &hot).expect("warm certificate");
        }
        let wm = median(wtimes);
        println!(
            "{family} warm median {wm:.3}s vs cold {cold_s:.3}s on the edited problem ({:.1}x)",
            cold_s / wm
        );
    }
}
