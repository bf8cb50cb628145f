//! Input defects found by the audit of the command line (s12): each is now a problem
//! with its file, row, column and value, or read right.

// A failed unwrap is the test's failure report.
#![allow(clippy::unwrap_used)]

use aidmatch::io::{self, Format, ReadOptions};
use aidmatch::model::Need;
use aidmatch::taxonomy::{Gender, Status, Urgency};
use aidmatch::{Error, ProblemKind};

const NEEDS_HEADER: &str = "need_id,household_id,region,statuses,category,form,quantity,urgency,consent,gov_programs,income_per_capita,household_size,age,gender,reported_at";
const NEED_ROW: &str = "N1,H1,610103001002,dibao,living,cash,300,urgent,true,,,,,,";

fn opts() -> ReadOptions {
    ReadOptions::default()
}

fn needs_csv(text: &str) -> Result<Vec<Need>, Error> {
    io::needs_from_bytes(text.as_bytes(), Format::Csv, &opts())
}

/// (row, column, value, kind, message) of each problem.
type Found = (usize, String, String, ProblemKind, String);

fn problems(err: Error) -> Vec<Found> {
    match err {
        Error::Invalid { problems, .. } => problems
            .into_iter()
            .map(|p| (p.row, p.column, p.value, p.kind, p.message))
            .collect(),
        other => panic!("expected invalid input, got {other}"),
    }
}

/// The one problem of an error, checked for row, column, value and kind; its message.
fn only(err: Error, row: usize, column: &str, value: &str, kind: ProblemKind) -> String {
    let p = problems(err);
    assert_eq!(p.len(), 1, "{p:?}");
    let (r, c, v, k, message) = p.into_iter().next().unwrap();
    assert_eq!((r, c.as_str(), v.as_str(), k), (row, column, value, kind));
    message
}

// 9. Encoding detection.

#[test]
fn a_gbk_need_whose_only_chinese_is_female_reads_as_gb18030() {
    let text =
        format!("{NEEDS_HEADER}\nU1,H9,610122001001,dibao,emergency,cash,500,急难,是,,,,,女,\n");
    let just_female = text.replace("急难", "emergency").replace("是", "true");
    let (gbk, _, bad) = encoding_rs::GBK.encode(&just_female);
    assert!(!bad);
    assert!(std::str::from_utf8(&gbk).is_ok(), "the case: valid UTF-8");
    let needs = io::needs_from_bytes(&gbk, Format::Csv, &opts()).unwrap();
    assert_eq!(needs[0].gender, Some(Gender::Female));
    assert_eq!(needs[0].urgency, Urgency::Emergency);
    assert_eq!(
        needs[0].statuses.iter().collect::<Vec<_>>(),
        [Status::Dibao]
    );
    // Real UTF-8 with Latin letters in an extra column stays UTF-8.
    let latin = format!("{NEEDS_HEADER},name\n{NEED_ROW},Łódź Müller\n");
    assert_eq!(needs_csv(&latin).unwrap().len(), 1);
}

// 17. Rows longer than the header.

#[test]
fn a_row_with_more_non_empty_cells_than_the_header_is_an_error() {
    let text = format!(
        "{NEEDS_HEADER}\n\
         N1,H1,610103001002,dibao,living,cash,300,urgent,true,,,,,,\n\
         N2,H2,610103001002,dibao,living,cash,3,000,urgent,true,,,,,,,张三\n\
         N3,H3,610103001002,dibao,living,cash,300,urgent,true,,,,,,,\n\
         N4,H4,610103001002,dibao,living,cash,300,urgent,true,,,,,,, ,\n"
    );
    let err = needs_csv(&text).unwrap_err();
    let shown = err.to_string();
    let m = only(err, 3, "", "", ProblemKind::BadShape);
    assert_eq!(
        m,
        "row has 17 fields but the header has 15, and 1 extra field is not empty (an \
         unquoted comma in a value shifts every later cell; quote the value or remove \
         the comma)"
    );
    // The extra values belong to no column: they are not repeated, and no column is named.
    assert!(!shown.contains("张三"), "{shown}");
    assert!(
        shown.starts_with("invalid input: needs: row 3: row has 17 fields"),
        "{shown}"
    );
    let two = format!("{NEEDS_HEADER}\n{NEED_ROW},x,,y\n");
    let m = only(
        needs_csv(&two).unwrap_err(),
        2,
        "",
        "",
        ProblemKind::BadShape,
    );
    assert!(
        m.starts_with("row has 18 fields but the header has 15, and 2 extra fields are not empty"),
        "{m}"
    );
    // Only empty extra fields (a trailing comma): read.
    let trailing = format!(
        "{NEEDS_HEADER}\n\
         N3,H3,610103001002,dibao,living,cash,300,urgent,true,,,,,,,\n\
         N4,H4,610103001002,dibao,living,cash,300,urgent,true,,,,,,, ,\n"
    );
    assert_eq!(needs_csv(&trailing).unwrap().len(), 2);
}
