//! Integration tests of the `aidmatch` binary: the demo, its golden outputs, bad inputs
//! with their exit codes and messages, and each subcommand.

// In tests a failed unwrap is a failed test, with its location.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn aidmatch(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_aidmatch"))
        .args(args)
        .env("LANG", "C")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .output()
        .expect("the aidmatch binary runs")
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("aidmatch-cli-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn spec_example(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../aidmatch/tests/data/spec-example")
        .join(file)
        .display()
        .to_string()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn demo_writes_every_result_and_says_the_certificate_verified() {
    let out = temp_dir("demo");
    let o = aidmatch(&["demo", "--out", out.to_str().unwrap(), "--public"]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("optimality certificate verified"),
        "{stdout}"
    );
    for file in [
        "assignments.csv",
        "unmatched.csv",
        "referrals.csv",
        "summary.json",
        "report.html",
        "report-public.html",
    ] {
        assert!(out.join(file).is_file(), "missing {file}");
    }
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Nothing lost: every need of the sample is in exactly one of assignments and unmatched,
/// and the summary's counts agree with the files.
#[test]
fn demo_loses_no_need_and_summary_agrees_with_files() {
    let out = temp_dir("demo-lost");
    let o = aidmatch(&["demo", "--out", out.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert!(o.stdout.is_empty(), "--quiet prints nothing");
    let ids = |file: &str| -> Vec<String> {
        read(&out.join(file))
            .lines()
            .skip(1)
            .map(|l| l.split(',').next().unwrap_or("").to_string())
            .collect()
    };
    let mut all = ids("assignments.csv");
    let assigned = all.len();
    let unmatched = ids("unmatched.csv");
    all.extend(unmatched.iter().cloned());
    let needs = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/data/needs.csv"))
        .lines()
        .count()
        - 1;
    let mut dedup = all.clone();
    dedup.sort();
    dedup.dedup();
    assert_eq!(dedup.len(), all.len(), "a need appears twice");
    assert_eq!(all.len(), needs, "a need is lost");
    let summary: serde_json::Value =
        serde_json::from_str(&read(&out.join("summary.json"))).unwrap();
    assert_eq!(summary["counts"]["assigned"], assigned as u64);
    assert_eq!(summary["counts"]["unmatched"], unmatched.len() as u64);
    assert_eq!(summary["certificate"]["verified"], true);
}

/// Golden test: the demo's result files are byte-identical to the committed ones. After an
/// intended change, refresh them with `UPDATE_GOLDEN=1 cargo test -p aidmatch-cli`.
#[test]
fn demo_outputs_match_golden_files() {
    let out = temp_dir("golden");
    let o = aidmatch(&["demo", "--out", out.to_str().unwrap(), "--quiet"]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let golden = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let update = std::env::var_os("UPDATE_GOLDEN").is_some();
    for file in [
        "assignments.csv",
        "unmatched.csv",
        "referrals.csv",
        "summary.json",
    ] {
        let mut got = read(&out.join(file));
        if file == "summary.json" {
            // The engine version changes with every release; everything else must not.
            let mut v: serde_json::Value = serde_json::from_str(&got).unwrap();
            v["engine_version"] = serde_json::Value::from("<version>");
            got = serde_json::to_string_pretty(&v).unwrap() + "\n";
        }
        let path = golden.join(file);
        if update {
            std::fs::create_dir_all(&golden).unwrap();
            std::fs::write(&path, &got).unwrap();
            continue;
        }
        let want = read(&path);
        assert!(
            want == got,
            "{file} differs from tests/golden/{file}; if intended, run UPDATE_GOLDEN=1 cargo test -p aidmatch-cli"
        );
    }
}

#[test]
fn match_on_the_spec_example_is_deterministic() {
    let a = temp_dir("spec-a");
    let b = temp_dir("spec-b");
    for out in [&a, &b] {
        let o = aidmatch(&[
            "match",
            "--needs",
            &spec_example("needs.csv"),
            "--supply",
            &spec_example("supply.csv"),
            "--exclusions",
            &spec_example("exclusions.csv"),
            "--as-of",
            "2024-10-01",
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ]);
        assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    }
    for file in [
        "assignments.csv",
        "unmatched.csv",
        "referrals.csv",
        "summary.json",
    ] {
        assert_eq!(read(&a.join(file)), read(&b.join(file)), "{file}");
    }
    // The conflict-of-interest pair of the example is never matched.
    let assignments = read(&a.join("assignments.csv"));
    assert!(
        !assignments
            .lines()
            .any(|l| l.contains("H1003") && l.contains("CADRE-0307")),
        "{assignments}"
    );
}

#[test]
fn validate_reports_row_column_and_value_with_exit_status_1() {
    let dir = temp_dir("bad");
    let needs = dir.join("needs.csv");
    std::fs::write(
        &needs,
        "need_id,household_id,region,category,consent\n\
         N1,H1,610102001001,medical,true\n\
         N2,H2,61010,medical,true\n\
         N3,H3,610102001001,flying,true\n",
    )
    .unwrap();
    let o = aidmatch(&[
        "validate",
        "--needs",
        needs.to_str().unwrap(),
        "--supply",
        &spec_example("supply.csv"),
    ]);
    assert_eq!(o.status.code(), Some(1), "stdout: {}", text(&o.stdout));
    let stdout = text(&o.stdout);
    assert!(stdout.contains("61010"), "{stdout}");
    assert!(stdout.contains("region"), "{stdout}");
    assert!(stdout.contains("flying"), "{stdout}");
    assert!(stdout.contains("category"), "{stdout}");
}

/// `validate` lists problems up to the reader's limit of 100 per list and then says that
/// further problems were not shown, in the words of `match`'s error.
#[test]
fn validate_says_when_it_stops_listing_problems() {
    let dir = temp_dir("many-bad");
    let needs = dir.join("needs.csv");
    let mut csv = String::from("need_id,household_id,region,category,consent,reported_at\n");
    for i in 0..150 {
        csv.push_str(&format!("N{i},H{i},610102001001,medical,true,2024/10/01\n"));
    }
    std::fs::write(&needs, csv).unwrap();
    let args = [
        "validate",
        "--needs",
        needs.to_str().unwrap(),
        "--supply",
        &spec_example("supply.csv"),
    ];
    let o = aidmatch(&args);
    assert_eq!(o.status.code(), Some(1));
    let stdout = text(&o.stdout);
    assert_eq!(
        stdout.lines().filter(|l| l.contains("reported_at")).count(),
        100
    );
    assert!(
        stdout.ends_with("(further problems not shown)\n"),
        "{stdout}"
    );
    let stderr = text(&o.stderr);
    assert!(stderr.contains("problems found: more than 100"), "{stderr}");
    // The same file through `match`: the same words.
    let o = aidmatch(&[
        "match",
        "--needs",
        needs.to_str().unwrap(),
        "--supply",
        &spec_example("supply.csv"),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("(further problems not shown)"),
        "{}",
        text(&o.stderr)
    );
    // Under the limit: no such line, the exact count.
    let mut csv = String::from("need_id,household_id,region,category,consent,reported_at\n");
    for i in 0..3 {
        csv.push_str(&format!("N{i},H{i},610102001001,medical,true,2024/10/01\n"));
    }
    std::fs::write(&needs, csv).unwrap();
    let o = aidmatch(&args);
    assert!(!text(&o.stdout).contains("not shown"));
    assert!(text(&o.stderr).contains("problems found: 3"));
}

#[test]
fn validate_accepts_the_spec_example() {
    let o = aidmatch(&[
        "validate",
        "--needs",
        &spec_example("needs.csv"),
        "--supply",
        &spec_example("supply.csv"),
        "--exclusions",
        &spec_example("exclusions.csv"),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

#[test]
fn missing_required_column_is_bad_input() {
    let dir = temp_dir("missing");
    let needs = dir.join("needs.csv");
    std::fs::write(
        &needs,
        "need_id,household_id,region,category\nN1,H1,610102001001,medical\n",
    )
    .unwrap();
    let o = aidmatch(&[
        "match",
        "--needs",
        needs.to_str().unwrap(),
        "--supply",
        &spec_example("supply.csv"),
        "--out",
        dir.join("out").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("consent"), "{}", text(&o.stderr));
    assert!(!dir.join("out").join("assignments.csv").exists());
}

#[test]
fn unreadable_file_is_bad_input_and_usage_errors_are_2() {
    let o = aidmatch(&[
        "match",
        "--needs",
        "/nonexistent/needs.csv",
        "--supply",
        "/nonexistent/supply.csv",
        "--out",
        "/tmp/never",
    ]);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("/nonexistent/needs.csv"));
    assert_eq!(aidmatch(&["match"]).status.code(), Some(2));
    assert_eq!(aidmatch(&["no-such-command"]).status.code(), Some(2));
}

#[test]
fn explain_names_a_need_and_fails_for_unknown_ones() {
    let common = [
        "--needs",
        &spec_example("needs.csv"),
        "--supply",
        &spec_example("supply.csv"),
        "--exclusions",
        &spec_example("exclusions.csv"),
        "--as-of",
        "2024-10-01",
    ]
    .map(String::from);
    let mut args = vec!["explain".to_string(), "--need".into(), "N003".into()];
    args.extend(common.iter().cloned());
    let o = aidmatch(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert!(text(&o.stdout).contains("N003"));
    let mut args = vec!["explain".to_string(), "--need".into(), "N999".into()];
    args.extend(common.iter().cloned());
    let o = aidmatch(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn generate_writes_lists_that_validate_and_match() {
    let dir = temp_dir("generate");
    let o = aidmatch(&[
        "generate",
        "--scale",
        "county",
        "--seed",
        "3",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let o = aidmatch(&[
        "match",
        "--needs",
        dir.join("needs.csv").to_str().unwrap(),
        "--supply",
        dir.join("supply.csv").to_str().unwrap(),
        "--exclusions",
        dir.join("exclusions.csv").to_str().unwrap(),
        "--as-of",
        "2024-10-01",
        "--out",
        dir.join("out").to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert!(dir.join("out/report.html").is_file());
}

#[test]
fn policy_print_default_round_trips() {
    let o = aidmatch(&["policy", "--print-default"]);
    assert!(o.status.success());
    let dir = temp_dir("policy");
    let path = dir.join("policy.toml");
    std::fs::write(&path, &o.stdout).unwrap();
    let again = aidmatch(&["policy", "--file", path.to_str().unwrap()]);
    assert!(again.status.success(), "{}", text(&again.stderr));
    assert_eq!(text(&o.stdout), text(&again.stdout));
    std::fs::write(&path, "no_such_key = 1\n").unwrap();
    let bad = aidmatch(&["policy", "--file", path.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(
        text(&bad.stderr).contains("no_such_key"),
        "{}",
        text(&bad.stderr)
    );
}

#[test]
fn console_speaks_chinese_when_asked() {
    let out = temp_dir("zh");
    let o = aidmatch(&["--lang", "zh", "demo", "--out", out.to_str().unwrap()]);
    assert!(o.status.success());
    assert!(
        text(&o.stdout).contains("最优性证书"),
        "{}",
        text(&o.stdout)
    );
    let page = read(&out.join("report.html"));
    assert!(page.contains("幸福清单"));
}

#[test]
fn public_report_masks_ids() {
    let out = temp_dir("public");
    let o = aidmatch(&[
        "--lang",
        "en",
        "demo",
        "--out",
        out.to_str().unwrap(),
        "--public",
    ]);
    assert!(o.status.success());
    let staff = read(&out.join("report.html"));
    let public = read(&out.join("report-public.html"));
    let assignments = read(&out.join("assignments.csv"));
    let first = assignments
        .lines()
        .nth(1)
        .expect("the demo matches someone");
    let household = first.split(',').nth(1).unwrap();
    assert!(staff.contains(&format!(">{household}<")));
    assert!(
        !public.contains(&format!(">{household}<")),
        "public page shows a household id"
    );
}

// Closed loop: match --snapshot, rematch, urgent (loop helper).

/// A first round on the spec example with its state, and the rows of its assignments.
fn first_round(name: &str) -> (PathBuf, Vec<Vec<String>>) {
    let round1 = temp_dir(name);
    let o = aidmatch(&[
        "match",
        "--needs",
        &spec_example("needs.csv"),
        "--supply",
        &spec_example("supply.csv"),
        "--exclusions",
        &spec_example("exclusions.csv"),
        "--as-of",
        "2024-10-01",
        "--out",
        round1.to_str().unwrap(),
        "--snapshot",
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert!(round1.join("snapshot.json").exists());
    let rows: Vec<Vec<String>> = read(&round1.join("assignments.csv"))
        .lines()
        .skip(1)
        .map(|l| l.split(',').map(str::to_owned).collect())
        .collect();
    assert!(rows.len() >= 2, "the example matches at least two needs");
    (round1, rows)
}

#[test]
fn rematch_keeps_accepted_forbids_declined_and_adds_new_needs() {
    let (round1, rows) = first_round("loop-r1");
    let dir = temp_dir("loop-in");
    let outcomes = dir.join("outcomes.csv");
    std::fs::write(
        &outcomes,
        format!(
            "need_id,resource_id,status,at,note,declined_by,reason\n\
             {},{},accepted,2024-10-03,,,\n\
             {},{},已拒绝,2024-10-03,,帮扶方,能力不足\n",
            rows[0][0], rows[0][2], rows[1][0], rows[1][2]
        ),
    )
    .unwrap();
    // One new need: the example's first need under a new id.
    let needs = read(Path::new(&spec_example("needs.csv")));
    let mut lines = needs.lines();
    let header = lines.next().unwrap().trim_start_matches('\u{feff}');
    let first = lines.next().unwrap();
    let (id, rest) = first.split_once(',').unwrap();
    let new_needs = dir.join("new.csv");
    std::fs::write(&new_needs, format!("{header}\nNEW-{id},{rest}\n")).unwrap();
    let round2 = temp_dir("loop-r2");
    let o = aidmatch(&[
        "rematch",
        "--previous",
        round1.to_str().unwrap(),
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--needs",
        new_needs.to_str().unwrap(),
        "--as-of",
        "2024-10-08",
        "--out",
        round2.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let changes = read(&round2.join("changes.csv"));
    assert!(
        changes.contains(&format!(
            "{},kept,{},{}",
            rows[0][0], rows[0][2], rows[0][2]
        )),
        "{changes}"
    );
    assert!(
        changes
            .lines()
            .any(|l| l.starts_with(&format!("NEW-{id},"))),
        "{changes}"
    );
    // The accepted need's row is its kept pair (every need of the round is in
    // assignments.csv or unmatched.csv).
    let assignments = read(&round2.join("assignments.csv"));
    let kept: Vec<&str> = assignments
        .lines()
        .filter(|l| l.starts_with(&format!("{},", rows[0][0])))
        .collect();
    assert_eq!(kept.len(), 1, "{assignments}");
    assert!(
        kept[0].contains(&format!(",{},", rows[0][2])) && kept[0].contains("kept=accepted;"),
        "{}",
        kept[0]
    );
    assert!(
        !assignments
            .lines()
            .any(|l| l.starts_with(&format!("{},", rows[1][0])) && l.contains(&rows[1][2])),
        "declined pair returned: {assignments}"
    );
    let summary = read(&round2.join("rematch.json"));
    assert!(summary.contains("\"mode\": \"warm\""), "{summary}");
    // The page of the round opens with its changes, as rematch.json counts them.
    let rematch: serde_json::Value = serde_json::from_str(&summary).unwrap();
    let page = read(&round2.join("report.html"));
    for kind in ["kept", "unchanged", "moved", "dropped", "new", "unmatched"] {
        let shown = format!(
            "data-total=\"changes_{kind}\">{}<",
            rematch["changes"][kind]
        );
        assert!(page.contains(&shown), "{shown} not in the page");
    }
    assert!(page.contains("data-total=\"changes_kept\">1<"));
    assert!(page.contains("data-total=\"outcomes\">2<"));
    assert!(!round2.join("report-public.html").exists());
    let snapshot: serde_json::Value =
        serde_json::from_str(&read(&round2.join("snapshot.json"))).unwrap();
    let declined =
        snapshot["pairs"].as_array().unwrap().iter().find(|p| {
            p["need_id"] == rows[1][0].as_str() && p["resource_id"] == rows[1][2].as_str()
        });
    assert_eq!(
        declined.map(|p| (&p["status"], &p["declined_by"])),
        Some((&"declined".into(), &"provider".into())),
        "{snapshot}"
    );

    // The same state solved cold gives the same assignments.
    let cold = temp_dir("loop-r2-cold");
    let o = aidmatch(&[
        "rematch",
        "--previous",
        round1.to_str().unwrap(),
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--needs",
        new_needs.to_str().unwrap(),
        "--as-of",
        "2024-10-08",
        "--out",
        cold.to_str().unwrap(),
        "--cold",
        "--public",
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    // The public page counts changes but shows no household id.
    let public = read(&cold.join("report-public.html"));
    assert!(public.contains("data-total=\"changes_kept\">1<"));
    let assigned = read(&cold.join("assignments.csv"));
    let household = assigned
        .lines()
        .nth(1)
        .and_then(|l| l.split(',').nth(1))
        .expect("round 2 matches someone");
    assert!(read(&cold.join("report.html")).contains(&format!(">{household}<")));
    assert!(
        !public.contains(&format!(">{household}<")),
        "{household} shown"
    );
    let objective = |dir: &Path| {
        let s: serde_json::Value = serde_json::from_str(&read(&dir.join("summary.json"))).unwrap();
        s["objective"].clone()
    };
    assert_eq!(objective(&round2), objective(&cold));

    // Feedback that contradicts the state (accepting a declined proposal) is bad input
    // naming need and resource.
    std::fs::write(
        &outcomes,
        format!(
            "need_id,resource_id,status\n{0},{1},declined\n{0},{1},accepted\n",
            rows[1][0], rows[1][2]
        ),
    )
    .unwrap();
    let o = aidmatch(&[
        "rematch",
        "--previous",
        round1.to_str().unwrap(),
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--out",
        temp_dir("loop-bad").to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
    let err = text(&o.stderr);
    assert!(
        err.contains(&rows[1][0]) && err.contains(&rows[1][2]),
        "{err}"
    );
    // On the file's third line, the header being the first, as reading problems count.
    assert!(err.contains("outcomes row 3:"), "{err}");
}

#[test]
fn rematch_explains_a_need_of_the_new_round() {
    let (round1, rows) = first_round("loop-explain-r1");
    let dir = temp_dir("loop-explain-in");
    let outcomes = dir.join("outcomes.csv");
    let (need, declined) = (&rows[0][0], &rows[0][2]);
    let (agreed, on) = (&rows[1][0], &rows[1][2]);
    std::fs::write(
        &outcomes,
        format!(
            "need_id,resource_id,status,at,declined_by,reason\n\
             {need},{declined},declined,2024-10-03,recipient,other\n\
             {agreed},{on},accepted,2024-10-03,,\n"
        ),
    )
    .unwrap();
    let rematch_explaining = |id: &str, out: &Path| {
        aidmatch(&[
            "rematch",
            "--previous",
            round1.to_str().unwrap(),
            "--outcomes",
            outcomes.to_str().unwrap(),
            "--as-of",
            "2024-10-08",
            "--out",
            out.to_str().unwrap(),
            "--explain",
            id,
            "--quiet",
        ])
    };
    let o = rematch_explaining(need, &temp_dir("loop-explain-r2"));
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let e: serde_json::Value = serde_json::from_str(&text(&o.stdout)).expect("one JSON document");
    assert_eq!(e["need_id"], need.as_str());
    // The declined resource is no option any more: a near miss, failing "declined".
    let miss = e["near_misses"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["resource_id"] == declined.as_str()))
        .unwrap_or_else(|| panic!("{declined} among the near misses: {e}"));
    assert!(
        miss["failed"]
            .as_array()
            .unwrap()
            .contains(&"declined".into()),
        "{miss}"
    );
    assert_ne!(e["assignment"]["resource_id"], declined.as_str());
    // A need the round does not have: bad input, the results written all the same.
    let round2b = temp_dir("loop-explain-r2b");
    let o = rematch_explaining("N-NOT-THERE", &round2b);
    assert_eq!(o.status.code(), Some(1));
    assert!(
        text(&o.stderr).contains("N-NOT-THERE"),
        "{}",
        text(&o.stderr)
    );
    assert!(round2b.join("changes.csv").exists());
    // A need whose pair was accepted is kept, not matched again: the error says so.
    let o = rematch_explaining(agreed, &temp_dir("loop-explain-r2c"));
    assert_eq!(o.status.code(), Some(1));
    let said = text(&o.stderr);
    assert!(
        said.contains(&format!("kept its agreed pair with \"{on}\"")),
        "{said}"
    );
}

#[test]
fn urgent_places_one_emergency_need() {
    let (round1, _) = first_round("loop-u1");
    let needs = read(Path::new(&spec_example("needs.csv")));
    let mut lines = needs.lines();
    let header = lines.next().unwrap().trim_start_matches('\u{feff}');
    let first = lines.next().unwrap();
    let (id, rest) = first.split_once(',').unwrap();
    let dir = temp_dir("loop-u-in");
    let one = dir.join("one.csv");
    std::fs::write(&one, format!("{header}\nURG-{id},{rest}\n")).unwrap();
    let out = temp_dir("loop-u2");
    let o = aidmatch(&[
        "urgent",
        "--previous",
        round1.to_str().unwrap(),
        "--need",
        one.to_str().unwrap(),
        "--as-of",
        "2024-10-02",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let report: serde_json::Value = serde_json::from_str(&read(&out.join("urgent.json"))).unwrap();
    assert_eq!(report["need_id"], format!("URG-{id}"));
    assert!(["free_place", "displaced", "unmatched"].contains(&report["mode"].as_str().unwrap()));
    assert!(out.join("snapshot.json").exists());
    // The console says where the need went, in words (the same insertion again).
    let o = aidmatch(&[
        "--lang",
        "en",
        "urgent",
        "--previous",
        round1.to_str().unwrap(),
        "--need",
        one.to_str().unwrap(),
        "--as-of",
        "2024-10-02",
        "--out",
        temp_dir("loop-u3").to_str().unwrap(),
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let said = text(&o.stdout);
    let expected = match report["mode"].as_str().unwrap() {
        "free_place" => format!("free place on {}", report["resource_id"].as_str().unwrap()),
        "displaced" => "by displacing lower-tier open proposals".to_owned(),
        _ => format!("no place ({})", report["reason"].as_str().unwrap()),
    };
    assert!(
        said.starts_with(&format!("URG-{id}: ")) && said.contains(&expected),
        "{said}"
    );
    // Two rows is a usage mistake reported as bad input.
    std::fs::write(
        &one,
        format!("{header}\nURG-{id},{rest}\nURG2-{id},{rest}\n"),
    )
    .unwrap();
    let o = aidmatch(&[
        "urgent",
        "--previous",
        round1.to_str().unwrap(),
        "--need",
        one.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(1));
}

/// `urgent --help` names the files `urgent` writes, and only those: urgent.json and the
/// next state, no changes.csv (the changes are inside urgent.json).
#[test]
fn urgent_help_says_what_urgent_writes() {
    let (round1, _) = first_round("help-u1");
    let dir = temp_dir("help-u-in");
    let one = dir.join("one.csv");
    let needs = read(Path::new(&spec_example("needs.csv")));
    let mut lines = needs.lines();
    let header = lines.next().unwrap().trim_start_matches('\u{feff}');
    let (_, rest) = lines.next().unwrap().split_once(',').unwrap();
    std::fs::write(&one, format!("{header}\nURG-HELP,{rest}\n")).unwrap();
    let out = temp_dir("help-u2");
    let o = aidmatch(&[
        "urgent",
        "--previous",
        round1.to_str().unwrap(),
        "--need",
        one.to_str().unwrap(),
        "--as-of",
        "2024-10-02",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(
        written,
        [
            "exclusions.json",
            "needs.json",
            "policy.toml",
            "snapshot.json",
            "supply.json",
            "urgent.json"
        ]
    );
    let help = text(&aidmatch(&["urgent", "--help"]).stdout);
    assert!(!help.contains("changes.csv"), "{help}");
    for named in ["urgent.json", "snapshot.json", "policy.toml"] {
        assert!(help.contains(named), "{named} not in: {help}");
    }
}

/// One emergency need saved as GBK whose only Chinese text is the gender 女: its bytes
/// C5 AE are also valid UTF-8 (Ů), so detection takes the file for UTF-8.
fn gbk_female_need(dir: &Path, id: &str) -> PathBuf {
    let path = dir.join(format!("{id}.csv"));
    let mut bytes = format!(
        "need_id,household_id,region,category,urgency,consent,gender\n\
         {id},H-{id},610102001001,living,emergency,true,"
    )
    .into_bytes();
    bytes.extend_from_slice(&[0xC5, 0xAE, b'\n']);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// `rematch` and `urgent` take `--encoding` as `match` and `validate` do: the lists they
/// read are decoded as told instead of as detected.
#[test]
fn rematch_and_urgent_take_the_encoding_of_their_lists() {
    let (round1, _) = first_round("enc-r1");
    let dir = temp_dir("enc-in");
    let need = gbk_female_need(&dir, "URG-GBK");
    let urgent = |encoding: Option<&str>| {
        let mut args = vec![
            "urgent",
            "--previous",
            round1.to_str().unwrap(),
            "--need",
            need.to_str().unwrap(),
            "--as-of",
            "2024-10-02",
            "--quiet",
        ];
        if let Some(e) = encoding {
            args.extend(["--encoding", e]);
        }
        let out = temp_dir(&format!("enc-u-{}", encoding.unwrap_or("auto")));
        args.extend(["--out", out.to_str().unwrap()]);
        let o = aidmatch(&args);
        (o, out)
    };
    // The GBK bytes of 女 are valid UTF-8 ("Ů"): told so, the need is refused;
    // detected (GB18030 since 780207c) or told gb18030, it is read.
    let (o, _) = urgent(Some("utf8"));
    assert_eq!(
        o.status.code(),
        Some(1),
        "read as UTF-8: {}",
        text(&o.stderr)
    );
    assert!(text(&o.stderr).contains('Ů'), "{}", text(&o.stderr));
    let (o, _) = urgent(None);
    assert!(o.status.success(), "detected: {}", text(&o.stderr));
    let (o, out) = urgent(Some("gb18030"));
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert!(read(&out.join("needs.json")).contains("\"female\""));

    let outcomes = dir.join("outcomes.csv");
    std::fs::write(&outcomes, "need_id,resource_id,status,at\n").unwrap();
    let new = gbk_female_need(&dir, "NEW-GBK");
    let rematch = |encoding: &str| {
        let out = temp_dir(&format!("enc-r2-{encoding}"));
        aidmatch(&[
            "rematch",
            "--previous",
            round1.to_str().unwrap(),
            "--outcomes",
            outcomes.to_str().unwrap(),
            "--needs",
            new.to_str().unwrap(),
            "--as-of",
            "2024-10-08",
            "--encoding",
            encoding,
            "--out",
            out.to_str().unwrap(),
            "--quiet",
        ])
    };
    let o = rematch("utf8");
    assert_eq!(o.status.code(), Some(1), "{}", text(&o.stderr));
    let o = rematch("gb18030");
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    for command in ["rematch", "urgent"] {
        let help = text(&aidmatch(&[command, "--help"]).stdout);
        assert!(
            help.contains("Text encoding of CSV files: detected by default"),
            "{help}"
        );
    }
}

/// The names of the files in `dir`, sorted.
fn file_names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `match` on the spec example into `out` (English console), with more arguments.
fn match_example(out: &Path, more: &[&str]) -> Output {
    let mut args = vec![
        "--lang".to_owned(),
        "en".into(),
        "match".into(),
        "--needs".into(),
        spec_example("needs.csv"),
        "--supply".into(),
        spec_example("supply.csv"),
        "--as-of".into(),
        "2024-10-01".into(),
        "--out".into(),
        out.display().to_string(),
    ];
    args.extend(more.iter().map(|a| (*a).to_owned()));
    let o = aidmatch(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    o
}

const RESULTS: [&str; 5] = [
    "assignments.csv",
    "referrals.csv",
    "report.html",
    "summary.json",
    "unmatched.csv",
];

/// A re-used output folder holds this run's files only: aidmatch's files of an earlier
/// run that this run does not write are removed and named on the console; other files,
/// and the inputs of the run, stay.
#[test]
fn a_reused_output_folder_keeps_only_this_runs_files() {
    let with = |extra: &[&str]| {
        let mut v: Vec<String> = RESULTS.iter().map(|s| (*s).to_owned()).collect();
        v.extend(extra.iter().map(|s| (*s).to_owned()));
        v.sort();
        v
    };
    let state = [
        "exclusions.json",
        "needs.json",
        "policy.toml",
        "snapshot.json",
        "supply.json",
    ];
    // A public page and a state, then a plain run: both go; a file of the user stays.
    let out = temp_dir("reuse");
    match_example(&out, &["--public", "--snapshot", "--quiet"]);
    std::fs::write(out.join("notes.txt"), "mine").unwrap();
    let o = match_example(&out, &[]);
    assert_eq!(file_names(&out), with(&["notes.txt"]));
    let said = text(&o.stdout);
    assert!(
        said.contains(&format!(
            "removed from {} the files of an earlier run that this run does not write: \
             report-public.html, snapshot.json, needs.json, supply.json, exclusions.json, \
             policy.toml",
            out.display()
        )),
        "{said}"
    );
    // Nothing stale: nothing said.
    let o = match_example(&out, &[]);
    assert!(!text(&o.stdout).contains("removed"), "{}", text(&o.stdout));

    // A re-match's files and state, then a first round: they go.
    let (round1, _) = first_round("reuse-r1");
    let outcomes = out.join("outcomes.csv");
    std::fs::write(&outcomes, "need_id,resource_id,status,at\n").unwrap();
    let round2 = temp_dir("reuse-r2");
    let o = aidmatch(&[
        "rematch",
        "--previous",
        round1.to_str().unwrap(),
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--as-of",
        "2024-10-08",
        "--out",
        round2.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert!(round2.join("changes.csv").exists() && round2.join("rematch.json").exists());
    match_example(&round2, &["--quiet"]);
    assert_eq!(file_names(&round2), with(&[]));

    // An emergency insertion writes no results and removes none (the round's record,
    // which the insertion is on top of); a later first round removes its urgent.json
    // and state.
    let need = gbk_female_need(&out, "URG-REUSE");
    let o = aidmatch(&[
        "urgent",
        "--previous",
        round1.to_str().unwrap(),
        "--need",
        need.to_str().unwrap(),
        "--encoding",
        "gb18030",
        "--as-of",
        "2024-10-02",
        "--out",
        round2.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let mut urgent: Vec<&str> = state.to_vec();
    urgent.push("urgent.json");
    assert_eq!(file_names(&round2), with(&urgent));
    match_example(&round2, &["--quiet"]);
    assert_eq!(file_names(&round2), with(&[]));

    // The state's lists read as this run's inputs stay; the rest of the state goes.
    let o = aidmatch(&[
        "match",
        "--needs",
        round1.join("needs.json").to_str().unwrap(),
        "--supply",
        round1.join("supply.json").to_str().unwrap(),
        "--as-of",
        "2024-10-01",
        "--out",
        round1.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert_eq!(file_names(&round1), with(&["needs.json", "supply.json"]));

    // Lists and a policy under the state's names but without a snapshot.json are a
    // county's own files, not a state: they stay. So does a needs list in JSON named
    // urgent.json (aidmatch's urgent.json is an object, not an array).
    let own = temp_dir("reuse-own");
    for name in ["needs.json", "exclusions.json", "policy.toml"] {
        std::fs::copy(round1.join("needs.json"), own.join(name)).unwrap();
    }
    std::fs::copy(round1.join("needs.json"), own.join("urgent.json")).unwrap();
    let o = match_example(&own, &[]);
    assert!(!text(&o.stdout).contains("removed"), "{}", text(&o.stdout));
    assert_eq!(
        file_names(&own),
        with(&[
            "exclusions.json",
            "needs.json",
            "policy.toml",
            "urgent.json"
        ])
    );
}

fn sample(file: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/data")
        .join(file)
        .display()
        .to_string()
}

/// Exclusion rows whose household is in no need or whose provider is in no resource block
/// nothing: `validate` lists each as a warning (exit status 0), `match` says so in one
/// line with the first rows, and neither prints any other field of the row.
#[test]
fn exclusions_that_match_nothing_are_warned_about() {
    let dir = temp_dir("idle-exclusions");
    let path = dir.join("exclusions.csv");
    // Row 2 blocks a real pair; 3 has a full-width hyphen, 4 lower case; 5 is blank
    // (skipped); 6 names an absent household; 7 an absent household and provider.
    std::fs::write(
        &path,
        "household_id,provider_id,reason\n\
         H0000086,ENT-0003,REASON-A\n\
         H0000003,UNION－610122,REASON-B\n\
         H0000007,ent-0003,REASON-C\n\
         ,,\n\
         H9999999,ENT-0003,REASON-D\n\
         H9999998,NO-SUCH-PROVIDER,REASON-E\n",
    )
    .unwrap();
    let o = aidmatch(&[
        "--lang",
        "en",
        "validate",
        "--needs",
        &sample("needs.csv"),
        "--supply",
        &sample("supply.csv"),
        "--exclusions",
        path.to_str().unwrap(),
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let stdout = text(&o.stdout);
    let warnings: Vec<&str> = stdout
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .collect();
    let file = path.display();
    assert_eq!(
        warnings,
        [
            format!(
                "warning: {file}: row 3, column provider_id: no resource of the supply list \
                 has provider \"UNION－610122\", so this exclusion blocks nothing this round \
                 (check the spelling: case, full-width characters; did you mean \
                 \"UNION-610122\"?)"
            ),
            format!(
                "warning: {file}: row 4, column provider_id: no resource of the supply list \
                 has provider \"ent-0003\", so this exclusion blocks nothing this round \
                 (check the spelling: case, full-width characters; did you mean \
                 \"ENT-0003\"?)"
            ),
            format!(
                "warning: {file}: row 6, column household_id: no need of the needs list has \
                 household \"H9999999\", so this exclusion blocks nothing this round (check \
                 the spelling: case, full-width characters)"
            ),
            format!(
                "warning: {file}: row 7, column household_id: no need of the needs list has \
                 household \"H9999998\", so this exclusion blocks nothing this round (check \
                 the spelling: case, full-width characters)"
            ),
            format!(
                "warning: {file}: row 7, column provider_id: no resource of the supply list \
                 has provider \"NO-SUCH-PROVIDER\", so this exclusion blocks nothing this \
                 round (check the spelling: case, full-width characters)"
            ),
        ]
    );
    assert!(stdout.contains("inputs are valid"), "{stdout}");
    assert!(
        text(&o.stderr).contains("warnings: 5"),
        "{}",
        text(&o.stderr)
    );
    assert!(!stdout.contains("REASON"), "{stdout}");

    // `match`: one line, even with --quiet; the first three rows and how many more.
    let out = dir.join("out");
    let o = aidmatch(&[
        "--lang",
        "en",
        "match",
        "--needs",
        &sample("needs.csv"),
        "--supply",
        &sample("supply.csv"),
        "--exclusions",
        path.to_str().unwrap(),
        "--as-of",
        "2024-10-01",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert!(o.stdout.is_empty());
    let stderr = text(&o.stderr);
    assert_eq!(
        stderr,
        format!(
            "warning: {file}: 4 exclusion rows name a household in no need or a provider in \
             no resource, so they block nothing this round (check the spelling: case, \
             full-width characters): row 3 provider_id \"UNION－610122\", row 4 provider_id \
             \"ent-0003\", row 6 household_id \"H9999999\" and 1 more (`aidmatch validate` \
             lists them all)\n"
        )
    );
    // The row that names real ids still blocks its pair.
    let assignments = read(&out.join("assignments.csv"));
    assert!(
        !assignments
            .lines()
            .any(|l| l.contains(",H0000086,") && l.contains(",ENT-0003,")),
        "{assignments}"
    );
    // Exact ids: nothing to say.
    let o = aidmatch(&[
        "match",
        "--needs",
        &sample("needs.csv"),
        "--supply",
        &sample("supply.csv"),
        "--exclusions",
        &sample("exclusions.csv"),
        "--as-of",
        "2024-10-01",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success());
    assert!(o.stderr.is_empty(), "{}", text(&o.stderr));
}

/// `policy` without a flag is a usage error naming the flags; `generate --help`
/// documents its options; the console's counts by tier read as words.
#[test]
fn small_usage_and_console_details() {
    let o = aidmatch(&["policy"]);
    assert_eq!(o.status.code(), Some(2));
    let stderr = text(&o.stderr);
    assert!(
        stderr.contains("--print-default") && stderr.contains("--file"),
        "{stderr}"
    );
    let help = text(&aidmatch(&["generate", "--help"]).stdout);
    for said in [
        "How large and where",
        "Seed of the random generator",
        "10,000 needs",
    ] {
        assert!(help.contains(said), "{said} not in: {help}");
    }
    let out = temp_dir("tiers");
    let o = aidmatch(&["--lang", "en", "demo", "--out", out.to_str().unwrap()]);
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("assigned by tier (tier 1: 20, tier 2: 63, tier 3: 43)"),
        "{stdout}"
    );
    assert!(!stdout.contains('['), "{stdout}");
    let o = aidmatch(&["--lang", "zh", "demo", "--out", out.to_str().unwrap()]);
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("各优先级匹配数（第1级 20，第2级 63，第3级 43）"),
        "{stdout}"
    );
    let page = read(&out.join("report.html"));
    assert!(page.contains("第1级 20，第2级 63，第3级 43"));
}

/// How to run a command so that permission bits apply: directly when not root; as the
/// unprivileged user `nobody` through `setpriv` when root (root ignores permission
/// bits). `None` (with the reason) when neither works here.
fn unprivileged() -> Result<Vec<String>, String> {
    // SAFETY-free check of the effective user: `id -u` avoids a libc dependency.
    let uid = Command::new("id")
        .arg("-u")
        .output()
        .map_err(|e| format!("cannot run `id -u`: {e}"))?;
    if text(&uid.stdout).trim() != "0" {
        return Ok(Vec::new());
    }
    let wrapper: Vec<String> = [
        "setpriv",
        "--reuid=65534",
        "--regid=65534",
        "--clear-groups",
    ]
    .map(String::from)
    .to_vec();
    match Command::new(&wrapper[0])
        .args(&wrapper[1..])
        .arg("true")
        .output()
    {
        Ok(o) if o.status.success() => Ok(wrapper),
        Ok(o) => Err(format!(
            "running as root and `setpriv --reuid=65534 true` fails here: {}",
            text(&o.stderr).trim()
        )),
        Err(e) => Err(format!(
            "running as root and setpriv (util-linux) is not available: {e}"
        )),
    }
}

fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The files of a directory with their bytes.
fn snapshot_dir(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap_or_default(),
            )
        })
        .collect();
    out.sort();
    out
}

/// A read-only output directory (really read-only: the command runs as `nobody` when
/// the tests run as root) is a clear error, exit status 3, naming the directory and the
/// cause; the previous results in it stay byte for byte, and no temporary file is left.
/// An output directory that cannot be created (read-only parent) is the same error.
#[test]
fn a_read_only_output_directory_is_an_error_and_keeps_the_previous_results() {
    let wrapper = match unprivileged() {
        Ok(w) => w,
        Err(reason) => {
            eprintln!("SKIPPED a_read_only_output_directory_...: {reason}");
            return;
        }
    };
    let dir = temp_dir("read-only");
    set_mode(&dir, 0o755);
    // The binary and the inputs where `nobody` can read them.
    let bin = dir.join("aidmatch");
    std::fs::copy(env!("CARGO_BIN_EXE_aidmatch"), &bin).unwrap();
    set_mode(&bin, 0o755);
    for f in ["needs.csv", "supply.csv"] {
        std::fs::copy(spec_example(f), dir.join(f)).unwrap();
        set_mode(&dir.join(f), 0o644);
    }
    let run = |out: &Path, as_nobody: bool| {
        let mut argv: Vec<String> = if as_nobody {
            wrapper.clone()
        } else {
            Vec::new()
        };
        argv.push(bin.display().to_string());
        for a in ["match", "--needs"] {
            argv.push(a.to_owned());
        }
        argv.push(dir.join("needs.csv").display().to_string());
        argv.push("--supply".to_owned());
        argv.push(dir.join("supply.csv").display().to_string());
        for a in ["--as-of", "2024-10-01", "--quiet", "--out"] {
            argv.push(a.to_owned());
        }
        argv.push(out.display().to_string());
        // The copy of the binary was open for writing; a process another test forks
        // meanwhile inherits that descriptor until it execs, and running the copy fails
        // with "Text file busy" until then: try again shortly.
        let mut tries = 0;
        loop {
            match Command::new(&argv[0])
                .args(&argv[1..])
                .env("LANG", "C")
                .env_remove("LC_ALL")
                .env_remove("LC_MESSAGES")
                .output()
            {
                Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                    tries += 1;
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                result => break result.unwrap(),
            }
        }
    };
    let out = dir.join("results");
    let first = run(&out, false);
    assert!(first.status.success(), "{}", text(&first.stderr));
    let before = snapshot_dir(&out);
    assert!(before.len() >= 5, "{before:?}");
    // The output directory becomes read-only; the same run again, as `nobody`.
    set_mode(&out, 0o555);
    let second = run(&out, true);
    set_mode(&out, 0o755);
    let stderr = text(&second.stderr);
    assert_eq!(second.status.code(), Some(3), "stderr: {stderr}");
    assert!(
        stderr.contains(&format!(
            "{}: Permission denied",
            out.join("assignments.csv").display()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains(".tmp-"), "{stderr}");
    assert_eq!(snapshot_dir(&out), before, "the previous results changed");
    // An output directory that cannot be created.
    let locked = dir.join("locked");
    std::fs::create_dir(&locked).unwrap();
    set_mode(&locked, 0o555);
    let third = run(&locked.join("new"), true);
    set_mode(&locked, 0o755);
    let stderr = text(&third.stderr);
    assert_eq!(third.status.code(), Some(3), "stderr: {stderr}");
    assert!(
        stderr.contains(&locked.join("new").display().to_string())
            && stderr.contains("Permission denied"),
        "{stderr}"
    );
    assert!(!locked.join("new").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

/// `--state` keeps the round's state (the needs' personal fields) apart from the results
/// folder a county shares; `--previous` takes that folder and the loop goes on from it.
#[test]
fn the_state_can_be_kept_apart_from_the_results() {
    let state_files = [
        "exclusions.json",
        "needs.json",
        "policy.toml",
        "snapshot.json",
        "supply.json",
    ];
    let results1 = temp_dir("apart-r1");
    let state1 = temp_dir("apart-s1");
    match_example(&results1, &["--state", state1.to_str().unwrap(), "--quiet"]);
    assert_eq!(file_names(&state1), state_files);
    assert!(
        file_names(&results1)
            .iter()
            .all(|f| !state_files.contains(&f.as_str()))
    );

    let outcomes = results1.join("outcomes.csv");
    std::fs::write(&outcomes, "need_id,resource_id,status,at\n").unwrap();
    let (results2, state2) = (temp_dir("apart-r2"), temp_dir("apart-s2"));
    let o = aidmatch(&[
        "rematch",
        "--previous",
        state1.to_str().unwrap(),
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--as-of",
        "2024-10-08",
        "--out",
        results2.to_str().unwrap(),
        "--state",
        state2.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert_eq!(file_names(&state2), state_files);
    let names = file_names(&results2);
    assert!(
        names.iter().all(|f| !state_files.contains(&f.as_str())),
        "{names:?}"
    );
    assert!(
        names.contains(&"changes.csv".to_owned()) && names.contains(&"assignments.csv".to_owned())
    );

    // A results folder that held the previous state (`--previous` = `--out`) keeps it:
    // it is an input of the run, never removed as stale.
    let (round1, _) = first_round("apart-prev");
    let o = aidmatch(&[
        "rematch",
        "--previous",
        round1.to_str().unwrap(),
        "--outcomes",
        outcomes.to_str().unwrap(),
        "--as-of",
        "2024-10-08",
        "--out",
        round1.to_str().unwrap(),
        "--state",
        temp_dir("apart-s3").to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    let names = file_names(&round1);
    assert!(
        state_files.iter().all(|f| names.contains(&(*f).to_owned())),
        "{names:?}"
    );

    // An emergency insertion writes urgent.json to --out and its state to --state,
    // making both folders.
    let need = gbk_female_need(&results2, "URG-APART");
    let (out, state3) = (
        temp_dir("apart-u").join("new"),
        temp_dir("apart-us").join("new"),
    );
    let o = aidmatch(&[
        "urgent",
        "--previous",
        state2.to_str().unwrap(),
        "--need",
        need.to_str().unwrap(),
        "--as-of",
        "2024-10-09",
        "--out",
        out.to_str().unwrap(),
        "--state",
        state3.to_str().unwrap(),
        "--quiet",
    ]);
    assert!(o.status.success(), "stderr: {}", text(&o.stderr));
    assert_eq!(file_names(&out), ["urgent.json"]);
    assert_eq!(file_names(&state3), state_files);
}
