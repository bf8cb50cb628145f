//! `aidmatch-bench`: one solve of one instance, verified, reported as one JSON line.
//!
//! ```text
//! aidmatch-bench --family dense --size 1000 [--seed N]        generate, solve, verify
//! aidmatch-bench --input DIR                                   read a stored instance, solve
//! aidmatch-bench --family two-lists --size 20000,2000,20 --emit DIR   write the instance only
//! ```
//!
//! Families and sizes: `dense N` or `dense RxC`, `rect RxC`, `geometric N`,
//! `two-lists ROWS,COLS,DEGREE` (see the `aidmatch_benches` crate docs).
//!
//! The output line is
//! `{"family", "size", "seed", "solver", "seconds", "build_seconds", "solve_seconds",
//!   "objective", "verified", "peak_rss_kb", "baseline_rss_kb", "rows", "cols", "arcs"}`:
//! `seconds` runs from the instance's arrays in memory to the optimum (for sparse
//! instances that includes building the [`Problem`], as the peers' times include building
//! their graphs); `peak_rss_kb` is the process's peak resident set during that span (the
//! peak is reset just before it when the kernel allows, see `peak_reset`), and
//! `baseline_rss_kb` the resident set just before it (the instance already loaded).
//! Verification of the certificate runs afterwards, untimed. The exit status is 1 when
//! the certificate does not verify, 2 on a usage or input error.
//!
//! [`Problem`]: aidmatch_assign::Problem

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use aidmatch_assign::dense::{self, Sense};
use aidmatch_assign::{sparse, verify};
use aidmatch_benches::{
    DEFAULT_SEED, Family, Instance, current_rss_kb, peak_rss_kb, reset_peak_rss, store,
};
use serde_json::json;

const USAGE: &str = "usage: aidmatch-bench (--family F --size S [--seed N] | --input DIR) \
[--emit DIR] [--serial]
  families: dense N | dense RxC | rect RxC | geometric N | two-lists ROWS,COLS,DEGREE";

struct Args {
    family: Option<String>,
    size: Option<String>,
    seed: u64,
    input: Option<PathBuf>,
    emit: Option<PathBuf>,
    serial: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        family: None,
        size: None,
        seed: DEFAULT_SEED,
        input: None,
        emit: None,
        serial: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or_else(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--family" => args.family = Some(value()?),
            "--size" => args.size = Some(value()?),
            "--seed" => {
                let v = value()?;
                args.seed = v
                    .parse()
                    .map_err(|_| format!("--seed {v:?} is not a u64"))?;
            }
            "--input" => args.input = Some(PathBuf::from(value()?)),
            "--emit" => args.emit = Some(PathBuf::from(value()?)),
            "--serial" => args.serial = true,
            "-h" | "--help" => return Err(USAGE.to_string()),
            other => return Err(format!("unknown argument {other:?}\n{USAGE}")),
        }
    }
    if args.input.is_none() && (args.family.is_none() || args.size.is_none()) {
        return Err(format!("give --family and --size, or --input\n{USAGE}"));
    }
    Ok(args)
}

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("aidmatch-bench: {message}");
            ExitCode::from(2)
        }
    }
}

fn run() -> Result<ExitCode, String> {
    let args = parse_args()?;
    let (family, size, seed, instance) = match &args.input {
        Some(dir) => {
            let (meta, instance) =
                store::read(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            (meta.family, meta.size, meta.seed, instance)
        }
        None => {
            let (name, size) = (
                args.family.clone().unwrap_or_default(),
                args.size.clone().unwrap_or_default(),
            );
            let family =
                Family::parse(&name).ok_or_else(|| format!("unknown family {name:?}\n{USAGE}"))?;
            let instance = family.generate(&size, args.seed)?;
            (family.name().to_string(), size, args.seed, instance)
        }
    };
    if let Some(dir) = &args.emit {
        let meta = store::write(dir, &instance, &family, &size, seed)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
        println!(
            "{}",
            serde_json::to_string(&meta).map_err(|e| e.to_string())?
        );
        return Ok(ExitCode::SUCCESS);
    }

    let baseline = current_rss_kb();
    let peak_reset = reset_peak_rss();
    let report = match &instance {
        Instance::Dense(d) => {
            let t = Instant::now();
            let result =
                dense::linear_sum_assignment_i64(&d.costs, d.rows, d.cols, None, Sense::Minimize);
            let solve = t.elapsed().as_secs_f64();
            let peak = peak_rss_kb();
            let a = result.map_err(|e| format!("dense solve failed: {e}"))?;
            // The objective recomputed here from the pairs, not taken from the solver.
            let objective: i128 = a
                .row_ind()
                .iter()
                .zip(a.col_ind())
                .map(|(&r, &c)| i128::from(d.costs[r * d.cols + c]))
                .sum();
            let verdict =
                verify::verify_dense_i64(&d.costs, d.rows, d.cols, None, Sense::Minimize, &a);
            let verified = verdict.is_ok() && objective == a.objective();
            if let Err(v) = &verdict {
                eprintln!("aidmatch-bench: certificate rejected: {v}");
            }
            Report {
                build: 0.0,
                solve,
                peak,
                objective,
                verified,
                rows: d.rows,
                cols: d.cols,
                arcs: d.rows * d.cols,
            }
        }
        Instance::Sparse(s) => {
            let t = Instant::now();
            let problem = s
                .to_problem()
                .map_err(|e| format!("the instance does not build: {e}"))?;
            let build = t.elapsed().as_secs_f64();
            let options = sparse::Options {
                parallel: !args.serial,
                ..sparse::Options::default()
            };
            let t = Instant::now();
            let result = sparse::solve(&problem, &options);
            let solve = t.elapsed().as_secs_f64();
            let peak = peak_rss_kb();
            let m = result.map_err(|e| format!("sparse solve failed: {e}"))?;
            let objective = m.weight(&problem);
            let verdict = verify::verify(&problem, &m);
            if let Err(v) = &verdict {
                eprintln!("aidmatch-bench: certificate rejected: {v}");
            }
            Report {
                build,
                solve,
                peak,
                objective,
                verified: verdict.is_ok(),
                rows: s.rows,
                cols: s.cols,
                arcs: s.n_arcs(),
            }
        }
    };
    let line = json!({
        "family": family,
        "size": size,
        "seed": seed,
        "solver": "aidmatch",
        "seconds": report.build + report.solve,
        "build_seconds": report.build,
        "solve_seconds": report.solve,
        // i128 does not go through serde_json as a number; every bench objective fits i64.
        "objective": i64::try_from(report.objective).map_err(|_| "objective exceeds i64")?,
        "verified": report.verified,
        "peak_rss_kb": report.peak,
        "baseline_rss_kb": baseline,
        "peak_reset": peak_reset,
        "rows": report.rows,
        "cols": report.cols,
        "arcs": report.arcs,
        "parallel": !args.serial,
    });
    println!("{line}");
    Ok(if report.verified {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

struct Report {
    build: f64,
    solve: f64,
    peak: Option<u64>,
    objective: i128,
    verified: bool,
    rows: usize,
    cols: usize,
    arcs: usize,
}
