//! Criterion bench of the whole two-lists pipeline on generated Shaanxi lists, as the
//! command line runs it: parse the three CSV files, run the engine (eligibility,
//! scoring, network, exact solve with the budget loop, certificate check) and write the
//! four result files.
//!
//! * `pipeline/county`: 10,000 needs and 1,000 resources in one county;
//! * `pipeline/province`: 1,000,000 needs and 100,000 resources over the province
//!   (16.2M eligible pairs). Criterion takes at least 10 samples: about four minutes.
//!
//! Each scale's lists are generated (seed 1) and written as CSV into a temporary
//! directory once, before its samples; the run date is the generator's. The first run's
//! counts are printed so that a result can be compared with `pipeline_timing`.
//!
//! Run: `cargo bench -p aidmatch --bench pipeline` (both), or add `-- county` or
//! `-- province` for one. Stage-by-stage times of one run: the `pipeline_timing` example.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Duration;

use aidmatch::generate::{AS_OF, Scale, generate};
use aidmatch::io::{self, ReadOptions};
use aidmatch::{Policy, RunOptions};
use criterion::{Criterion, criterion_group, criterion_main};

/// The generated lists of `scale`, written as CSV into a fresh directory.
fn write_lists(scale: Scale, name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aidmatch-bench-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let inputs = generate(scale, 1);
    io::write_file(dir.join("needs.csv"), &inputs.needs).expect("needs.csv");
    io::write_file(dir.join("supply.csv"), &inputs.resources).expect("supply.csv");
    io::write_file(dir.join("exclusions.csv"), &inputs.exclusions).expect("exclusions.csv");
    dir
}

/// Parse, run, write: what `aidmatch match` does. Returns the number of assignments.
fn pipeline(lists: &Path, out: &Path, policy: &Policy) -> usize {
    let inputs = io::read_inputs(
        lists.join("needs.csv"),
        lists.join("supply.csv"),
        Some(&lists.join("exclusions.csv")),
        &ReadOptions::default(),
    )
    .expect("generated lists parse");
    let result = aidmatch::run(&inputs, policy, &RunOptions::new(AS_OF)).expect("engine run");
    result.write_dir(out).expect("results written");
    result.assignments.len()
}

fn scale(c: &mut Criterion, scale: Scale, name: &str, samples: usize, time: Duration) {
    let mut group = c.benchmark_group("pipeline");
    group
        .sample_size(samples)
        .warm_up_time(Duration::from_millis(1))
        .measurement_time(time);
    let policy = Policy::default();
    // Criterion calls the routine several times (warm-up, then the samples): the lists
    // are written on the first call only, and only if the bench is not filtered out.
    let mut lists: Option<PathBuf> = None;
    group.bench_function(name, |b| {
        let dir = lists.get_or_insert_with(|| {
            let dir = write_lists(scale, name);
            let assigned = pipeline(&dir, &dir.join("out"), &policy);
            eprintln!("pipeline/{name}: {assigned} needs assigned");
            dir
        });
        let out = dir.join("out");
        b.iter(|| pipeline(black_box(dir), &out, &policy));
    });
    group.finish();
    if let Some(dir) = lists {
        let _ = std::fs::remove_dir_all(dir);
    }
}

fn benches(c: &mut Criterion) {
    scale(c, Scale::County, "county", 20, Duration::from_secs(5));
    scale(c, Scale::Province, "province", 10, Duration::from_secs(200));
}

criterion_group!(pipeline_benches, benches);
criterion_main!(pipeline_benches);
