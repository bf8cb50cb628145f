//! The bench binary end to end: generate or read an instance, solve, verify, one JSON line.

use std::process::Command;

use aidmatch_assign::dense::Sense;
use aidmatch_assign::reference;
use aidmatch_benches::{DEFAULT_SEED, dense_uniform};

fn run(args: &[&str]) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_aidmatch-bench"))
        .args(args)
        .output()
        .expect("the bench binary runs");
    assert!(
        out.status.success(),
        "aidmatch-bench {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8 output");
    let line = text.lines().last().expect("one line of output");
    serde_json::from_str(line).expect("the line is JSON")
}

#[test]
fn tiny_dense_matches_brute_force() {
    let v = run(&["--family", "rect", "--size", "5x7"]);
    assert_eq!(v["verified"], true);
    assert_eq!(v["family"], "rect");
    let inst = dense_uniform(5, 7, DEFAULT_SEED);
    let best = reference::dense_i64(&inst.costs, 5, 7, None, Sense::Minimize)
        .expect("an unrestricted matrix is feasible");
    assert_eq!(v["objective"].as_i64().map(i128::from), Some(best));
}

#[test]
fn emitted_instance_solves_to_the_same_optimum() {
    let dir = std::env::temp_dir().join(format!("aidmatch-bench-bin-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let dir_s = dir.to_str().expect("utf-8 temp dir");
    let meta = run(&[
        "--family",
        "two-lists",
        "--size",
        "3000,300,6",
        "--seed",
        "9",
        "--emit",
        dir_s,
    ]);
    assert_eq!(
        (meta["kind"].as_str(), meta["arcs"].as_u64()),
        (Some("sparse"), Some(18_000))
    );
    let direct = run(&[
        "--family",
        "two-lists",
        "--size",
        "3000,300,6",
        "--seed",
        "9",
    ]);
    let stored = run(&["--input", dir_s]);
    assert_eq!(direct["verified"], true);
    assert_eq!(stored["verified"], true);
    assert_eq!(direct["objective"], stored["objective"]);
    assert!(direct["objective"].as_i64().is_some_and(|w| w > 0));
    std::fs::remove_dir_all(&dir).expect("cleanup");
}

#[test]
fn bad_arguments_are_usage_errors() {
    let out = Command::new(env!("CARGO_BIN_EXE_aidmatch-bench"))
        .args(["--family", "geometric", "--size", "3x4"])
        .output()
        .expect("the bench binary runs");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("does not fit family geometric"));
}
