//! Hostile input and faults for the domain crate (see `fuzz/CATALOGUE.md`): limits on
//! cells and lists, a hostile area list that serves everyone, truncated rows, results
//! written atomically under faults, and personal values in extra columns never reaching
//! an output.

// A failed unwrap is the test's failure report.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};

use aidmatch::date::Date;
use aidmatch::io::{
    self, Format, MAX_BUDGET, MAX_CAPACITY, MAX_FIELD_BYTES, MAX_LIST_ITEMS, MAX_QUANTITY,
    MAX_ROWS, ReadOptions,
};
use aidmatch::model::Inputs;
use aidmatch::model::Quantity;
use aidmatch::{Error, Policy, ProblemKind, RunOptions, run};

const NEEDS_HEADER: &str = "need_id,household_id,region,statuses,category,form,quantity,urgency,consent,gov_programs,income_per_capita,household_size,age,gender,reported_at";
const SUPPLY_HEADER: &str = "resource_id,provider_id,provider_kind,categories,form,capacity,budget,max_per_need,area,eligible_statuses,priority_statuses,min_age,max_age,gender,valid_from,valid_to";

fn spec(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/spec-example")
        .join(name)
}

fn temp_dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("aidmatch-hostile-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn problems(e: Error) -> Vec<(usize, String, String, ProblemKind, String)> {
    match e {
        Error::Invalid { problems, .. } => problems
            .into_iter()
            .map(|p| (p.row, p.column, p.value, p.kind, p.message))
            .collect(),
        other => panic!("expected Invalid, got {other}"),
    }
}

fn as_of() -> Date {
    Date::parse("2024-09-10").unwrap()
}

#[test]
fn a_cell_longer_than_the_limit_is_too_long() {
    let long = "N".repeat(MAX_FIELD_BYTES + 1);
    let csv = format!(
        "{NEEDS_HEADER}\n{long},H1,610103001002,orphan,education,cash,1,normal,true,,,,,,\n"
    );
    let p = problems(
        io::needs_from_bytes(csv.as_bytes(), Format::Csv, &ReadOptions::default()).unwrap_err(),
    );
    assert_eq!(p.len(), 1, "{p:?}");
    let (row, column, value, kind, message) = &p[0];
    assert_eq!(
        (*row, column.as_str(), *kind),
        (2, "need_id", ProblemKind::TooLong)
    );
    assert!(message.contains("MAX_FIELD_BYTES") && message.contains(&MAX_FIELD_BYTES.to_string()));
    assert!(
        value.chars().count() <= 33,
        "the value is cut: {}",
        value.len()
    );
    // At the limit the cell is accepted.
    let ok = "N".repeat(MAX_FIELD_BYTES);
    let csv =
        format!("{NEEDS_HEADER}\n{ok},H1,610103001002,orphan,education,cash,1,normal,true,,,,,,\n");
    assert_eq!(
        io::needs_from_bytes(csv.as_bytes(), Format::Csv, &ReadOptions::default())
            .unwrap()
            .len(),
        1
    );
    // The same in JSON, for a list given as an array.
    let items: Vec<String> = (0..MAX_FIELD_BYTES).map(|_| "dibao".to_owned()).collect();
    let json = format!(
        r#"[{{"need_id":"N1","household_id":"H1","region":"610103001002","statuses":{},"category":"education","consent":true}}]"#,
        serde_json_array(&items)
    );
    let p = problems(
        io::needs_from_bytes(json.as_bytes(), Format::Json, &ReadOptions::default()).unwrap_err(),
    );
    assert_eq!(
        (p[0].1.as_str(), p[0].3),
        ("statuses", ProblemKind::TooLong)
    );
}

fn serde_json_array(items: &[String]) -> String {
    format!(
        "[{}]",
        items
            .iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(",")
    )
}

fn supply_row(id: &str, area: &str, capacity: u32) -> String {
    format!("{id},P-{id},charity,education;living,cash,{capacity},,,{area},,,,,,,")
}

#[test]
fn a_list_with_more_items_than_the_limit_is_too_long() {
    let areas = |n: usize| {
        (0..n)
            .map(|k| format!("6101{:02}", k % 100) + &format!("{:03}", k / 100))
            .collect::<Vec<_>>()
            .join(";")
    };
    // Distinct 9-digit prefixes, 10 bytes each with the separator: within MAX_FIELD_BYTES.
    let at = format!(
        "{SUPPLY_HEADER}\n{}\n",
        supply_row("R1", &areas(MAX_LIST_ITEMS), 1)
    );
    assert!(at.len() < MAX_FIELD_BYTES + 200);
    let got = io::supply_from_bytes(at.as_bytes(), Format::Csv, &ReadOptions::default()).unwrap();
    assert_eq!(got[0].area.len(), MAX_LIST_ITEMS);
    let above = format!(
        "{SUPPLY_HEADER}\n{}\n",
        supply_row("R1", &areas(MAX_LIST_ITEMS + 1), 1)
    );
    let p = problems(
        io::supply_from_bytes(above.as_bytes(), Format::Csv, &ReadOptions::default()).unwrap_err(),
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        (p[0].0, p[0].1.as_str(), p[0].3),
        (2, "area", ProblemKind::TooLong)
    );
    assert!(p[0].4.contains("MAX_LIST_ITEMS"), "{}", p[0].4);
}

/// A resource whose area is `61` (all of Shaanxi) is a candidate of every need; the
/// one-digit `6` is refused as a bad prefix.
/// The arcs are needs × such resources: linear in each list, and the run completes with
/// nothing lost. (There is no separate limit on arcs: see the catalogue.)
#[test]
fn a_hostile_area_list_serving_everyone_runs_and_loses_nothing() {
    let n_needs = 3000;
    let n_res = 40;
    let mut needs = String::from(NEEDS_HEADER);
    for i in 0..n_needs {
        needs.push_str(&format!(
            "\nN{i:05},H{i:05},6101030010{:02},dibao,education,cash,1,normal,true,,,,,,",
            i % 90 + 10
        ));
    }
    let mut supply = String::from(SUPPLY_HEADER);
    for j in 0..n_res {
        supply.push('\n');
        supply.push_str(&supply_row(&format!("R{j:03}"), "61", 50));
    }
    let six = format!("{SUPPLY_HEADER}\n{}\n", supply_row("R1", "6", 1));
    let p = problems(
        io::supply_from_bytes(six.as_bytes(), Format::Csv, &ReadOptions::default()).unwrap_err(),
    );
    assert_eq!(
        (p[0].1.as_str(), p[0].3),
        ("area", ProblemKind::BadDivision)
    );
    let inputs = io::inputs_from_bytes(
        needs.as_bytes(),
        supply.as_bytes(),
        None,
        Format::Csv,
        &ReadOptions::default(),
    )
    .unwrap();
    let result = run(&inputs, &Policy::default(), &RunOptions::new(as_of())).unwrap();
    assert_eq!(result.assignments.len(), n_res * 50);
    assert_eq!(result.assignments.len() + result.unmatched.len(), n_needs);
    let mut ids: Vec<&str> = result
        .assignments
        .iter()
        .map(|a| a.need_id.as_str())
        .chain(result.unmatched.iter().map(|u| u.need_id.as_str()))
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), n_needs);
    // Every need is eligible for every resource: exactly needs × resources pairs. The
    // limit MAX_ARCS (here lowered) stops the run during eligibility, naming itself.
    let arcs = n_needs * n_res;
    let mut options = RunOptions::new(as_of());
    options.max_arcs = arcs;
    assert!(run(&inputs, &Policy::default(), &options).is_ok());
    options.max_arcs = arcs - 1;
    let err = run(&inputs, &Policy::default(), &options).unwrap_err();
    assert!(
        matches!(err, Error::Limit { name: "MAX_ARCS", limit, .. } if limit == (arcs - 1) as u64),
        "{err}"
    );
    assert!(err.to_string().contains("MAX_ARCS"));
    assert_eq!(
        aidmatch::engine::MAX_ARCS,
        RunOptions::new(as_of()).max_arcs
    );
}

fn need_row(k: usize) -> String {
    format!("N{k},H{k},610103001002,orphan,education,cash,1,normal,true,,,,,,")
}

fn rows_opts(max_rows: usize) -> ReadOptions {
    ReadOptions {
        max_rows,
        ..ReadOptions::default()
    }
}

fn too_many(e: Error) -> (String, u64) {
    let message = e.to_string();
    match e {
        Error::TooManyRows { file, limit } => {
            assert!(
                message.contains("MAX_ROWS") && message.contains(&file),
                "{message}"
            );
            (file, limit)
        }
        other => panic!("expected TooManyRows, got {other}"),
    }
}

/// More rows than the limit is a typed error naming the file and the limit; exactly the
/// limit reads. Rows are records: a cell with line breaks inside quotes is one row,
/// blank lines are none, a row of empty cells is one.
#[test]
fn a_list_with_more_rows_than_the_limit_is_too_many_rows() {
    assert_eq!(ReadOptions::default().max_rows, MAX_ROWS);
    assert_eq!(MAX_ROWS, 2_000_000);
    let rows: Vec<String> = (1..=5).map(need_row).collect();
    let csv = format!("{NEEDS_HEADER}\n{}\n", rows.join("\n"));
    let ok = io::needs_from_bytes(csv.as_bytes(), Format::Csv, &rows_opts(5)).unwrap();
    assert_eq!(ok.len(), 5);
    let e = io::needs_from_bytes(csv.as_bytes(), Format::Csv, &rows_opts(4)).unwrap_err();
    assert_eq!(too_many(e), ("needs".to_owned(), 4));
    // Quoted line breaks and blank lines add no row; a row of empty cells is one.
    let quoted = csv.replacen("N1,H1", "\"N1\",\"H\n1\n\"", 1);
    let spaced = format!("{NEEDS_HEADER}\n\n{}\n\n\n", rows.join("\n\r\n"));
    for text in [&quoted, &spaced] {
        let e = io::needs_from_bytes(text.as_bytes(), Format::Csv, &rows_opts(5));
        assert!(
            !matches!(e, Err(Error::TooManyRows { .. })),
            "{text:?}: {e:?}"
        );
    }
    let blank_row = format!("{csv},,,,,,,,,,,,,,\n");
    let e = io::needs_from_bytes(blank_row.as_bytes(), Format::Csv, &rows_opts(5)).unwrap_err();
    assert_eq!(too_many(e).1, 5);
    // JSON: elements of the array.
    let json = format!(
        "[{}]",
        (1..=3)
            .map(|k| format!(r#"{{"need_id":"N{k}","household_id":"H{k}","region":"610103001002","statuses":"orphan","category":"education","consent":true}}"#))
            .collect::<Vec<_>>()
            .join(",")
    );
    assert_eq!(
        io::needs_from_bytes(json.as_bytes(), Format::Json, &rows_opts(3))
            .unwrap()
            .len(),
        3
    );
    let e = io::needs_from_bytes(json.as_bytes(), Format::Json, &rows_opts(2)).unwrap_err();
    assert_eq!(too_many(e), ("needs".to_owned(), 2));
    // From a file: the error names the path.
    let dir = temp_dir("rows");
    let path = dir.join("needs.csv");
    std::fs::write(&path, &csv).unwrap();
    let e = io::read_needs(&path, &rows_opts(3)).unwrap_err();
    assert_eq!(too_many(e), (path.display().to_string(), 3));
    assert_eq!(io::read_needs(&path, &rows_opts(5)).unwrap().len(), 5);
    let _ = std::fs::remove_dir_all(&dir);
}

/// An endless list (a reader that never ends) stops at the limit: reading takes a
/// bounded number of bytes, not the whole input into memory.
#[test]
fn an_endless_list_stops_at_the_row_limit_without_reading_it_all() {
    struct Endless {
        format: Format,
        sent: usize,
        next: usize,
        pending: Vec<u8>,
    }
    impl std::io::Read for Endless {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            // Ends after 64 MB so that a reader that ignores the limit fails the test
            // below instead of running forever.
            if self.sent > 64 << 20 {
                return Ok(0);
            }
            while self.pending.len() < buf.len() {
                let line = match (self.format, self.next) {
                    (Format::Csv, 0) => format!("{NEEDS_HEADER}\n"),
                    (Format::Csv, k) => format!("{}\n", need_row(k)),
                    (Format::Json, 0) => "[".to_owned(),
                    (Format::Json, k) => {
                        format!(r#"{{"need_id":"N{k}","household_id":"H{k}","note":"{{[\"}}"}},"#)
                    }
                };
                self.pending.extend_from_slice(line.as_bytes());
                self.next += 1;
            }
            let n = buf.len();
            buf.copy_from_slice(&self.pending[..n]);
            self.pending.drain(..n);
            self.sent += n;
            Ok(n)
        }
    }
    for format in [Format::Csv, Format::Json] {
        let mut endless = Endless {
            format,
            sent: 0,
            next: 0,
            pending: Vec::new(),
        };
        let e = io::from_reader::<aidmatch::model::Need>(&mut endless, format, &rows_opts(10_000))
            .unwrap_err();
        assert_eq!(too_many(e).1, 10_000);
        // 10,000 rows of under 100 bytes, plus one read of slack.
        assert!(
            endless.sent < 2_000_000,
            "{format:?}: read {} bytes",
            endless.sent
        );
        assert!(endless.next > 10_000);
    }
}

/// A file truncated in the middle of a row (or changed while read, so that a row lost
/// its tail) is an error naming the row, not a record with silently empty cells.
#[test]
fn a_truncated_row_is_an_error() {
    let full = std::fs::read_to_string(spec("needs.csv")).unwrap();
    let lines: Vec<&str> = full.lines().collect();
    // Cut the third record after its `consent` field: what remains still parses as CSV.
    let third = lines[3];
    let cut_at = third.match_indices(',').nth(8).unwrap().0;
    let truncated = format!(
        "{}\n{}\n{}\n{}",
        lines[0],
        lines[1],
        lines[2],
        &third[..cut_at]
    );
    let p = problems(
        io::needs_from_bytes(truncated.as_bytes(), Format::Csv, &ReadOptions::default())
            .unwrap_err(),
    );
    assert_eq!(p.len(), 1, "{p:?}");
    assert_eq!(
        (p[0].0, p[0].1.as_str(), p[0].3),
        (4, "gov_programs", ProblemKind::BadShape)
    );
    assert!(p[0].4.contains("truncated"), "{}", p[0].4);
    // A JSON list cut anywhere is a syntax error.
    let json = br#"[{"need_id":"N1","household_id":"H1","region":"610103001002","statuses":"orphan","category":"education","consent":true},{"need_id":"N2""#;
    assert!(matches!(
        io::needs_from_bytes(json, Format::Json, &ReadOptions::default()),
        Err(Error::Syntax { .. })
    ));
}

fn spec_inputs() -> Inputs {
    io::read_inputs(
        spec("needs.csv"),
        spec("supply.csv"),
        Some(&spec("exclusions.csv")),
        &ReadOptions::default(),
    )
    .unwrap()
}

fn read_all(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        out.push((
            e.file_name().to_string_lossy().into_owned(),
            std::fs::read_to_string(e.path()).unwrap_or_default(),
        ));
    }
    out.sort();
    out
}

/// An interrupted write (the target path cannot be replaced) leaves the previous results
/// as they were, reports an I/O error naming the path, and leaves no temporary file.
#[test]
fn a_failed_result_write_keeps_the_previous_results() {
    let result = run(
        &spec_inputs(),
        &Policy::default(),
        &RunOptions::new(as_of()),
    )
    .unwrap();
    let dir = temp_dir("interrupted");
    result.write_dir(&dir).unwrap();
    let before = read_all(&dir);
    assert_eq!(before.len(), 4);
    // `summary.json` turned into a directory: its rename fails after three files.
    std::fs::remove_file(dir.join("summary.json")).unwrap();
    std::fs::create_dir(dir.join("summary.json")).unwrap();
    std::fs::write(dir.join("summary.json/keep"), "x").unwrap();
    let err = result.write_dir(&dir).unwrap_err();
    match &err {
        Error::Io { path, .. } => assert!(path.ends_with("summary.json"), "{path}"),
        other => panic!("expected Io, got {other}"),
    }
    let after = read_all(&dir);
    for (name, text) in &before {
        if name != "summary.json" {
            assert!(
                after.contains(&(name.clone(), text.clone())),
                "{name} changed"
            );
        }
    }
    assert!(
        after.iter().all(|(n, _)| !n.contains(".tmp-")),
        "temporary file left: {after:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// A full disk (the temporary file is `/dev/full`): the write fails with an I/O error,
/// the previous file is intact, and the temporary path is removed.
#[test]
fn a_full_disk_keeps_the_previous_results() {
    if !Path::new("/dev/full").exists() {
        eprintln!("no /dev/full on this system: the full-disk case is not exercised");
        return;
    }
    let result = run(
        &spec_inputs(),
        &Policy::default(),
        &RunOptions::new(as_of()),
    )
    .unwrap();
    let dir = temp_dir("full");
    result.write_dir(&dir).unwrap();
    let before = read_all(&dir);
    let tmp = dir.join(format!(".assignments.csv.tmp-{}", std::process::id()));
    std::os::unix::fs::symlink("/dev/full", &tmp).unwrap();
    let err = result.write_dir(&dir).unwrap_err();
    match &err {
        Error::Io { source, .. } => assert_eq!(source.raw_os_error(), Some(28), "ENOSPC: {source}"),
        other => panic!("expected Io, got {other}"),
    }
    assert_eq!(read_all(&dir), before);
    assert!(!tmp.exists() && tmp.symlink_metadata().is_err());
    let _ = std::fs::remove_dir_all(&dir);
}

const ID_CARD: &str = "610103199001011234";
const ID_CARD_X: &str = "61010319900101123X";
const PHONE: &str = "13912345678";

/// Personal values in columns the spec does not name reach no output: not the result
/// JSON, not the result files, not an explanation, not an error message.
#[test]
fn personal_values_in_extra_columns_reach_no_output() {
    let needs = std::fs::read_to_string(spec("needs.csv")).unwrap();
    let mut with_extra = String::new();
    for (k, line) in needs.lines().enumerate() {
        if k == 0 {
            with_extra.push_str(&format!("{line},id_card,phone,姓名\n"));
        } else {
            let id = if k % 2 == 0 { ID_CARD } else { ID_CARD_X };
            with_extra.push_str(&format!("{line},{id},{PHONE},张三\n"));
        }
    }
    let supply = std::fs::read(spec("supply.csv")).unwrap();
    let inputs = io::inputs_from_bytes(
        with_extra.as_bytes(),
        &supply,
        None,
        Format::Csv,
        &ReadOptions::default(),
    )
    .unwrap();
    let result = run(&inputs, &Policy::default(), &RunOptions::new(as_of())).unwrap();
    let dir = temp_dir("privacy");
    result.write_dir(&dir).unwrap();
    let mut outputs: Vec<(String, String)> = read_all(&dir);
    outputs.push(("to_json".into(), result.to_json()));
    outputs.push(("debug".into(), format!("{result:?}")));
    // The input lists written back.
    outputs.push(("needs csv".into(), io::to_csv_string(&inputs.needs)));
    // An error about a row carrying the values: the message names the bad cell only.
    let bad = with_extra.replacen("orphan", "not-a-status", 1);
    let err =
        io::needs_from_bytes(bad.as_bytes(), Format::Csv, &ReadOptions::default()).unwrap_err();
    outputs.push(("error".into(), format!("{err} {err:?}")));
    for (name, text) in &outputs {
        for secret in [ID_CARD, ID_CARD_X, PHONE, "张三"] {
            assert!(!text.contains(secret), "{secret} found in {name}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Checks that a run on `inputs` either succeeds with every need once and no budget
/// exceeded, or is a typed error other than a certificate failure.
fn runs_within_budgets(inputs: &Inputs) {
    match run(inputs, &Policy::default(), &RunOptions::new(as_of())) {
        Ok(result) => {
            assert_eq!(
                result.assignments.len() + result.unmatched.len(),
                inputs.needs.len()
            );
            for r in &inputs.resources {
                let spent: u128 = result
                    .assignments
                    .iter()
                    .filter(|a| a.resource_id == r.resource_id)
                    .map(|a| {
                        let n = inputs
                            .needs
                            .iter()
                            .find(|n| n.need_id == a.need_id)
                            .unwrap();
                        u128::from(n.quantity.hundredths())
                    })
                    .sum();
                if let Some(b) = r.budget {
                    assert!(
                        spent <= u128::from(b.hundredths()),
                        "{} over budget",
                        r.resource_id
                    );
                }
            }
        }
        Err(e) => assert!(
            !matches!(e, Error::Certificate { .. }),
            "a certificate failure is not a typed limit: {e}"
        ),
    }
}

/// Quantities, budgets and capacities at the readers' limits read and run; one step above
/// a limit is a BadNumber problem naming it. The engine itself, given records built in
/// memory at the top of their integer range (u64 hundredths, u32 capacity), still gives
/// a typed result.
#[test]
fn quantities_and_budgets_near_the_integer_limits() {
    let q_max = format!("{MAX_QUANTITY}");
    let b_max = format!("{MAX_BUDGET}");
    let mut needs = String::from(NEEDS_HEADER);
    for (i, q) in [q_max.as_str(), "999999.99", "1", "0.01", q_max.as_str()]
        .iter()
        .enumerate()
    {
        needs.push_str(&format!(
            "\nN{i},H{i},610103001002,dibao,living,cash,{q},urgent,true,,,,,,"
        ));
    }
    let mut supply = String::from(SUPPLY_HEADER);
    for (j, budget) in [b_max.as_str(), "999999999.99", "1"].iter().enumerate() {
        supply.push_str(&format!(
            "\nR{j},P{j},charity,living,cash,{MAX_CAPACITY},{budget},{q_max},61,,,,,,,"
        ));
    }
    let mut inputs = io::inputs_from_bytes(
        needs.as_bytes(),
        supply.as_bytes(),
        None,
        Format::Csv,
        &ReadOptions::default(),
    )
    .unwrap();
    runs_within_budgets(&inputs);
    // In memory, past the readers' limits.
    let max = Quantity(u64::MAX);
    for (n, q) in inputs.needs.iter_mut().zip([max, Quantity(u64::MAX - 1)]) {
        n.quantity = q;
    }
    for (r, b) in inputs
        .resources
        .iter_mut()
        .zip([max, Quantity(u64::MAX - 1)])
    {
        r.budget = Some(b);
    }
    for r in &mut inputs.resources {
        (r.capacity, r.max_per_need) = (u32::MAX, Some(max));
    }
    runs_within_budgets(&inputs);

    // One step above each limit.
    let above = |column: &str, value: &str, limit: &str, text: &str, supply_list: bool| {
        let err = if supply_list {
            io::supply_from_bytes(text.as_bytes(), Format::Csv, &ReadOptions::default()).map(|_| ())
        } else {
            io::needs_from_bytes(text.as_bytes(), Format::Csv, &ReadOptions::default()).map(|_| ())
        };
        let p = problems(err.unwrap_err());
        assert_eq!(
            (p[0].1.as_str(), p[0].2.as_str(), p[0].3),
            (column, value, ProblemKind::BadNumber),
            "{p:?}"
        );
        assert!(
            p[0].4.contains("above the limit of ") && p[0].4.contains(limit),
            "{}",
            p[0].4
        );
    };
    let q_over = "1000000.01";
    above(
        "quantity",
        q_over,
        "MAX_QUANTITY",
        &needs.replacen(&q_max, q_over, 1),
        false,
    );
    let huge = "184467440737095516.16"; // above u64::MAX hundredths
    above(
        "quantity",
        huge,
        "MAX_QUANTITY",
        &needs.replacen(&q_max, huge, 1),
        false,
    );
    let income = needs.replacen(",urgent,true,,,", ",urgent,true,,1000001,", 1);
    above(
        "income_per_capita",
        "1000001",
        "MAX_QUANTITY",
        &income,
        false,
    );
    let b_over = "1000000000.01";
    let budget = supply.replacen(
        &format!(",{b_max},{q_max},"),
        &format!(",{b_over},{q_max},"),
        1,
    );
    above("budget", b_over, "MAX_BUDGET", &budget, true);
    let per_need = supply.replacen(&format!(",{q_max},61"), ",1000001,61", 1);
    above("max_per_need", "1000001", "MAX_QUANTITY", &per_need, true);
    let cap = supply.replacen(&format!(",{MAX_CAPACITY},"), ",1000000001,", 1);
    above("capacity", "1000000001", "MAX_CAPACITY", &cap, true);
    let cap = supply.replacen(&format!(",{MAX_CAPACITY},"), ",99999999999999999999999,", 1);
    above(
        "capacity",
        "99999999999999999999999",
        "MAX_CAPACITY",
        &cap,
        true,
    );
}
