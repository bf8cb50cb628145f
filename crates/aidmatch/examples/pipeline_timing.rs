//! Stage-by-stage timing of the engine on generated Shaanxi lists (a quick check, not a
//! statistical benchmark: one run per scale).
//!
//! ```text
//! cargo run --release -p aidmatch --example pipeline_timing -- [county|city|province|sample]... [--seed N] [--threads N] [--policy FILE]
//! ```
//!
//! Prints, per scale: generation time (not part of the pipeline; parsing is the CLI's),
//! then prepare, eligibility, scoring, network, solve, verify and report times from
//! `MatchResult::stage_times`, the time to write the four result files, the counts, and
//! the process's peak resident memory (Linux `VmHWM`). While the run goes, each stage is
//! also printed to stderr with its wall time and the process's CPU time spent in it (all
//! threads; on a shared machine CPU time is the steadier figure).

use std::time::Instant;

use aidmatch::generate::{AS_OF, Scale, generate};
use aidmatch::{Policy, RunOptions};

fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU time of the process so far (user + system, all threads), from /proc/self/stat.
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    // Fields after the command name (which is in parentheses): utime is the 12th, stime
    // the 13th; both in clock ticks (100 per second on Linux).
    let Some((_, rest)) = stat.rsplit_once(')') else {
        return 0.0;
    };
    let f: Vec<&str> = rest.split_whitespace().collect();
    let tick = |i: usize| f.get(i).and_then(|x| x.parse::<f64>().ok()).unwrap_or(0.0);
    (tick(11) + tick(12)) / 100.0
}

fn ms(d: std::time::Duration) -> String {
    format!("{:>9.1} ms", d.as_secs_f64() * 1e3)
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut scales = Vec::new();
    let mut seed = 1u64;
    let mut threads = None;
    let mut policy = Policy::default();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().ok_or("--seed needs a value")?.parse()?,
            "--policy" => {
                let path = args.next().ok_or("--policy needs a file")?;
                policy = Policy::from_str_auto(&std::fs::read_to_string(path)?)?;
            }
            "--threads" => {
                threads = Some(
                    args.next()
                        .ok_or("--threads needs a value")?
                        .parse::<usize>()?,
                )
            }
            s => scales.push(Scale::parse(s).ok_or_else(|| format!("unknown scale {s:?}"))?),
        }
    }
    if scales.is_empty() {
        scales = vec![Scale::County, Scale::Province];
    }
    if let Some(n) = threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()?;
    }
    println!("threads: {}", rayon::current_num_threads());
    for scale in scales {
        let t = Instant::now();
        let inputs = generate(scale, seed);
        let generated = t.elapsed();
        let mut options = RunOptions::new(AS_OF);
        options.seed = Some(seed);
        let started = Instant::now();
        let last_cpu = std::sync::Mutex::new(cpu_seconds());
        options.on_stage = Some(std::sync::Arc::new(move |stage: aidmatch::Stage, t| {
            let now = cpu_seconds();
            let mut last = last_cpu.lock().unwrap_or_else(|e| e.into_inner());
            let cpu = now - *last;
            *last = now;
            eprintln!(
                "  [{:>8.1} s] {:<12} wall {}  cpu {:>8.2} s",
                started.elapsed().as_secs_f64(),
                stage.as_str(),
                ms(t),
                cpu
            );
        }));
        let t = Instant::now();
        let result = aidmatch::run(&inputs, &policy, &options)?;
        let total = t.elapsed();
        let dir = std::env::temp_dir().join(format!("aidmatch-timing-{}", std::process::id()));
        let t = Instant::now();
        result.write_dir(&dir)?;
        let written = t.elapsed();
        let _ = std::fs::remove_dir_all(&dir);
        let s = result.stage_times();
        let c = &result.summary.counts;
        println!(
            "\n== {scale:?}: {} needs, {} resources, {} households, {} eligible pairs",
            c.needs, c.resources, c.households, c.eligible_pairs
        );
        println!("generate (not pipeline) {}", ms(generated));
        println!("prepare                 {}", ms(s.prepare));
        println!("eligibility             {}", ms(s.eligibility));
        println!("scoring                 {}", ms(s.scoring));
        println!("network                 {}", ms(s.network));
        println!(
            "solve                   {}  ({} solves)",
            ms(s.solve),
            result.summary.budget.solves
        );
        println!("verify                  {}", ms(s.verify));
        println!("report                  {}", ms(s.report));
        println!("run() total             {}", ms(total));
        println!("write_dir               {}", ms(written));
        println!(
            "assigned {} / unmatched {} / referrals {}; by tier {:?}; budget exact {} (gap {} needs, {} points)",
            c.assigned,
            c.unmatched,
            c.referrals,
            result.summary.objective.assigned_by_tier,
            result.summary.budget.exact,
            result.summary.budget.gap_assigned,
            result.summary.budget.gap_score
        );
        println!(
            "unmatched by reason {:?}",
            result.summary.unmatched_by_reason
        );
        if let Some(mib) = peak_rss_mib() {
            println!("peak RSS so far         {mib:>9.0} MiB");
        }
    }
    Ok(())
}
