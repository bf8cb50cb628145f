//! Input defects found by the audit of the command line (s12): misspelled headers that
//! lost a column's values, ids a spreadsheet mangled or would run as formulas, amounts of
//! zero or beyond the limits, GBK text that happens to be valid UTF-8, and rows with more
//! cells than the header. Each is now a problem with its file, row, column and value.

// A failed unwrap is the test's failure report.
#![allow(clippy::unwrap_used)]

use aidmatch::io::{self, Format, ReadOptions};
use aidmatch::model::{Exclusion, Need, Outcome, Quantity};
use aidmatch::taxonomy::{Gender, Status, Urgency};
use aidmatch::{Error, ProblemKind};

const NEEDS_HEADER: &str = "need_id,household_id,region,statuses,category,form,quantity,urgency,consent,gov_programs,income_per_capita,household_size,age,gender,reported_at";
const SUPPLY_HEADER: &str = "resource_id,provider_id,provider_kind,categories,form,capacity,budget,max_per_need,area,eligible_statuses,priority_statuses,min_age,max_age,gender,valid_from,valid_to";
const NEED_ROW: &str = "N1,H1,610103001002,dibao,living,cash,300,urgent,true,,,,,,";
const SUPPLY_ROW: &str = "R1,P1,charity,living,cash,5,1000,200,61,dibao,,,,,,";

use super::io_lists::{needs_csv, opts, supply_csv};

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

// 1. Misspelled headers.

#[test]
fn a_header_that_misspells_a_column_is_an_error_naming_both() {
    // The audit's needs file: `status` for statuses, `Urgency` for urgency.
    let header = NEEDS_HEADER
        .replace("statuses", "status")
        .replace("urgency", "Urgency");
    let err = needs_csv(&format!("{header}\n{NEED_ROW}\n")).unwrap_err();
    let text = err.to_string();
    let p = problems(err);
    assert_eq!(
        p.iter()
            .map(|p| (p.0, p.1.as_str(), p.3))
            .collect::<Vec<_>>(),
        [
            (1, "status", ProblemKind::MisspelledColumn),
            (1, "Urgency", ProblemKind::MisspelledColumn)
        ]
    );
    assert_eq!(
        p[1].4,
        "column 8 \"Urgency\" is not a column of the needs list but looks like urgency: \
         rename it to urgency (a column with another name is ignored, so its values would \
         be lost)"
    );
    assert!(
        text.contains("needs: row 1, column status: column 4 \"status\""),
        "{text}"
    );
    assert!(p[0].4.contains("looks like statuses"), "{}", p[0].4);

    // The supply list: `Budget`, `eligible_status`, `max-per-need`.
    for (from, to) in [
        ("budget", "Budget"),
        ("eligible_statuses", "eligible_status"),
        ("max_per_need", "max-per-need"),
        ("categories", "Categories"),
    ] {
        let header = SUPPLY_HEADER.replace(from, to);
        let err = supply_csv(&format!("{header}\n{SUPPLY_ROW}\n")).unwrap_err();
        let p = problems(err);
        let misspelled: Vec<&Found> = p
            .iter()
            .filter(|p| p.3 == ProblemKind::MisspelledColumn)
            .collect();
        assert_eq!(misspelled.len(), 1, "{p:?}");
        assert_eq!((misspelled[0].0, misspelled[0].1.as_str()), (1, to));
        assert!(
            misspelled[0].4.contains(&format!("looks like {from}")),
            "{}",
            misspelled[0].4
        );
    }

    // Exclusions and outcomes too.
    let ex = io::exclusions_from_bytes(
        b"household_id,provider_id,Reason\nH1,P1,x\n",
        Format::Csv,
        &opts(),
    );
    let m = only(
        ex.unwrap_err(),
        1,
        "Reason",
        "Reason",
        ProblemKind::MisspelledColumn,
    );
    assert!(
        m.contains("column 3") && m.contains("exclusions list"),
        "{m}"
    );
    let out = io::outcomes_from_bytes(
        b"need_id,resource_id,status,at,notes\nN1,R1,accepted,2024-10-01,ok\n",
        Format::Csv,
        &opts(),
    );
    let m = only(
        out.unwrap_err(),
        1,
        "notes",
        "notes",
        ProblemKind::MisspelledColumn,
    );
    assert!(m.contains("looks like note"), "{m}");
}

#[test]
fn other_unknown_columns_are_still_ignored() {
    // Names, id numbers, remarks; `reason` nearly spells region and `reported_by`
    // reported_at, but both columns are present, so they are other columns.
    let header = format!("{NEEDS_HEADER},姓名,id_card,phone,remark,reason,reported_by,Note");
    let text = format!("{header}\n{NEED_ROW},张三,610103199001011234,13800000000,x,失业,王五,y\n");
    let needs = needs_csv(&text).unwrap();
    assert_eq!(needs.len(), 1);
    let written = io::to_csv_string(&needs) + &serde_json::to_string(&needs).unwrap();
    for secret in ["张三", "610103199001011234", "13800000000", "王五", "失业"] {
        assert!(!written.contains(secret), "{secret}");
    }
}

#[test]
fn a_json_key_that_misspells_a_field_is_an_error_at_its_first_object() {
    let json = r#"[
      {"resource_id": "R1", "provider_id": "P1", "provider_kind": "charity", "categories": ["living"],
       "form": "cash", "capacity": 5, "area": ["61"], "contact": "x"},
      {"resource_id": "R2", "provider_id": "P2", "provider_kind": "charity", "categories": ["living"],
       "form": "cash", "capacity": 5, "area": ["61"], "Budget": 1000, "eligible_status": ["dibao"]},
      {"resource_id": "R3", "provider_id": "P3", "provider_kind": "charity", "categories": ["living"],
       "form": "cash", "capacity": 5, "area": ["61"], "Budget": 2000}
    ]"#;
    let p = problems(io::supply_from_bytes(json.as_bytes(), Format::Json, &opts()).unwrap_err());
    assert_eq!(
        p.iter()
            .map(|p| (p.0, p.1.as_str(), p.2.as_str(), p.3))
            .collect::<Vec<_>>(),
        [
            (2, "Budget", "Budget", ProblemKind::MisspelledColumn),
            (
                2,
                "eligible_status",
                "eligible_status",
                ProblemKind::MisspelledColumn
            ),
        ]
    );
    assert!(
        p[0].4
            .starts_with("key \"Budget\" is not a column of the supply list but looks like budget")
    );
    // With the right key present in some object, a near miss elsewhere is another field.
    let json = json.replacen("\"contact\": \"x\"", "\"budget\": 500", 1);
    let ok = json.replace(", \"eligible_status\": [\"dibao\"]", "");
    assert!(io::supply_from_bytes(ok.as_bytes(), Format::Json, &opts()).is_ok());
}

// 3. Ids in scientific notation; 16. control characters and formulas in ids.

#[test]
fn ids_a_spreadsheet_turned_into_scientific_notation_are_errors() {
    let text = format!(
        "{NEEDS_HEADER}\n\
         N1,6.10122E+17,610103001002,dibao,living,,,,true,,,,,,\n\
         6.1e+11,H2,610103001002,dibao,living,,,,true,,,,,,\n\
         N3,H3,6.10122E+11,dibao,living,,,,true,,,,,,\n\
         N4,-6.1E+11,610103001002,dibao,living,,,,true,,,,,,\n\
         N5,610122000000000001,610103001002,dibao,living,,,,true,,,,,,\n"
    );
    let p = problems(needs_csv(&text).unwrap_err());
    let got: Vec<(usize, &str, &str, ProblemKind)> = p
        .iter()
        .map(|p| (p.0, p.1.as_str(), p.2.as_str(), p.3))
        .collect();
    assert_eq!(
        got,
        [
            (2, "household_id", "6.10122E+17", ProblemKind::BadId),
            (3, "need_id", "6.1e+11", ProblemKind::BadId),
            (4, "region", "6.10122E+11", ProblemKind::BadDivision),
            (5, "household_id", "-6.1E+11", ProblemKind::BadId),
        ]
    );
    for (_, _, _, _, message) in &p {
        assert!(
            message.contains(
                "the spreadsheet turned a long number into scientific notation (format the \
                 column as text and export again)"
            ),
            "{message}"
        );
    }
    assert_eq!(
        p[0].4,
        "household_id \"6.10122E+17\" is not an id: the spreadsheet turned a long number into \
         scientific notation (format the column as text and export again)"
    );
    // Supply, exclusions, outcomes, and JSON numbers.
    let supply = format!("{SUPPLY_HEADER}\nR1,6.1E+11,charity,living,cash,5,,,61,,,,,,,\n");
    only(
        supply_csv(&supply).unwrap_err(),
        2,
        "provider_id",
        "6.1E+11",
        ProblemKind::BadId,
    );
    let ex = io::exclusions_from_bytes(
        b"household_id,provider_id,reason\n6.10122E+17,P1,x\n",
        Format::Csv,
        &opts(),
    );
    only(
        ex.unwrap_err(),
        2,
        "household_id",
        "6.10122E+17",
        ProblemKind::BadId,
    );
    let out = io::outcomes_from_bytes(
        b"need_id,resource_id,status\nN1,6.1E+11,accepted\n",
        Format::Csv,
        &opts(),
    );
    only(
        out.unwrap_err(),
        2,
        "resource_id",
        "6.1E+11",
        ProblemKind::BadId,
    );
    let json = r#"[{"need_id": "N1", "household_id": 6.10122e17, "region": "610103", "category": "living", "consent": true}]"#;
    let err = io::needs_from_bytes(json.as_bytes(), Format::Json, &opts()).unwrap_err();
    only(err, 1, "household_id", "6.10122e+17", ProblemKind::BadId);
}

#[test]
fn ids_with_control_characters_or_formula_starts_are_errors() {
    let text = format!(
        "{NEEDS_HEADER}\n\
         N1,\"H00\n00001\",610103001002,dibao,living,,,,true,,,,,,\n\
         N2\u{0}99,H2,610103001002,dibao,living,,,,true,,,,,,\n\
         N3,H3\tX,610103001002,dibao,living,,,,true,,,,,,\n\
         \"=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",H4,610103001002,dibao,living,,,,true,,,,,,\n\
         N5,@SUM(1+1),610103001002,dibao,living,,,,true,,,,,,\n\
         N6,+86123,610103001002,dibao,living,,,,true,,,,,,\n\
         N7,-1,610103001002,dibao,living,,,,true,,,,,,\n\
         N8,H8-1,610103001002,dibao,living,,,,true,,,,,,\n"
    );
    let p = problems(needs_csv(&text).unwrap_err());
    let got: Vec<(usize, &str, &str, ProblemKind)> = p
        .iter()
        .map(|p| (p.0, p.1.as_str(), p.2.as_str(), p.3))
        .collect();
    assert_eq!(
        got,
        [
            (2, "household_id", "H00\n00001", ProblemKind::BadId),
            (3, "need_id", "N2\u{0}99", ProblemKind::BadId),
            (4, "household_id", "H3\tX", ProblemKind::BadId),
            (
                5,
                "need_id",
                "=HYPERLINK(\"http://x\",\"y\")",
                ProblemKind::BadId
            ),
            (6, "household_id", "@SUM(1+1)", ProblemKind::BadId),
            (7, "household_id", "+86123", ProblemKind::BadId),
            (8, "household_id", "-1", ProblemKind::BadId),
        ]
    );
    assert_eq!(
        p[0].4,
        "household_id contains the control character U+000A at character 4 (a line break, \
         tab or other invisible character pasted into the cell)"
    );
    assert_eq!(
        p[4].4,
        "household_id starts with '@': it would run as a formula when the results are \
         opened in a spreadsheet (csv injection); remove the '@'"
    );
    // The message shows a control character escaped, once.
    let shown = Error::Invalid {
        problems: vec![aidmatch::InputProblem {
            file: "needs".into(),
            row: p[0].0,
            column: p[0].1.clone(),
            value: p[0].2.clone(),
            kind: p[0].3,
            message: p[0].4.clone(),
        }],
        truncated: false,
    }
    .to_string();
    assert!(
        !shown.contains('\n') && shown.contains("(value \"H00\\n00001\")"),
        "{shown}"
    );
    // Provider ids, and the other lists.
    let supply = format!("{SUPPLY_HEADER}\nR1,=1+1,charity,living,cash,5,,,61,,,,,,,\n");
    only(
        supply_csv(&supply).unwrap_err(),
        2,
        "provider_id",
        "=1+1",
        ProblemKind::BadId,
    );
    let ex = io::exclusions_from_bytes(
        b"household_id,provider_id,reason\nH1,@P1,x\n",
        Format::Csv,
        &opts(),
    );
    only(ex.unwrap_err(), 2, "provider_id", "@P1", ProblemKind::BadId);
    let json = "[{\"need_id\": \"N1\", \"resource_id\": \"R\\u0000\", \"status\": \"accepted\"}]";
    let out = io::outcomes_from_bytes(json.as_bytes(), Format::Json, &opts());
    only(
        out.unwrap_err(),
        1,
        "resource_id",
        "R\u{0}",
        ProblemKind::BadId,
    );
    // Free text is not an id: a note may start with '-'.
    let out: Vec<Outcome> = io::outcomes_from_bytes(
        b"need_id,resource_id,status,at,note\nN1,R1,accepted,2024-10-01,-ok\n",
        Format::Csv,
        &opts(),
    )
    .unwrap();
    assert_eq!(out[0].note, "-ok");
    let ex: Vec<Exclusion> = io::exclusions_from_bytes(
        b"household_id,provider_id,reason\nH1,P1,=relative\n",
        Format::Csv,
        &opts(),
    )
    .unwrap();
    assert_eq!(ex.len(), 1);
}

// 7. Zero amounts.

#[test]
fn a_zero_quantity_or_max_per_need_is_an_error_but_zero_capacity_budget_income_are_not() {
    let text = format!(
        "{NEEDS_HEADER}\n\
         N1,H1,610103001002,dibao,living,cash,0,,true,,0,,,,\n\
         N2,H2,610103001002,dibao,living,service,0.00,,true,,,,,,\n\
         N3,H3,610103001002,dibao,living,goods,0.01,,true,,0,,,,\n"
    );
    let p = problems(needs_csv(&text).unwrap_err());
    let got: Vec<(usize, &str, &str, ProblemKind)> = p
        .iter()
        .map(|p| (p.0, p.1.as_str(), p.2.as_str(), p.3))
        .collect();
    assert_eq!(
        got,
        [
            (2, "quantity", "0", ProblemKind::BadNumber),
            (3, "quantity", "0.00", ProblemKind::BadNumber),
        ]
    );
    assert_eq!(
        p[0].4,
        "bad quantity \"0\": must be at least 0.01 (an empty cell means the default, 1)"
    );
    let ok = needs_csv(&format!(
        "{NEEDS_HEADER}\nN3,H3,610103001002,dibao,living,goods,0.01,,true,,0,,,,\n"
    ))
    .unwrap();
    assert_eq!(
        (ok[0].quantity, ok[0].income_per_capita),
        (Quantity(1), Some(Quantity::ZERO))
    );

    let supply = format!("{SUPPLY_HEADER}\nR1,P1,charity,living,cash,5,1000,0,61,,,,,,,\n");
    let m = only(
        supply_csv(&supply).unwrap_err(),
        2,
        "max_per_need",
        "0",
        ProblemKind::BadNumber,
    );
    assert_eq!(
        m,
        "bad max_per_need \"0\": must be at least 0.01 (leave the cell empty for no limit per need)"
    );
    // Capacity 0 switches an offer off; a budget of 0 is a budget spent.
    let off = supply_csv(&format!(
        "{SUPPLY_HEADER}\nR1,P1,charity,living,cash,0,0,,61,,,,,,,\n"
    ))
    .unwrap();
    assert_eq!((off[0].capacity, off[0].budget), (0, Some(Quantity::ZERO)));
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

// The JSON input of the C ABI (audit s12, items 2 and 4): a key given twice in one
// object, a required key missing from a one-object list, an element that is not an
// object.

/// A need object with every required key, `extra` spliced in before the closing brace.
fn need_object(id: &str, extra: &str) -> String {
    format!(
        r#"{{"need_id": "{id}", "household_id": "H{id}", "region": "610103001002", "category": "living", "consent": true{extra}}}"#
    )
}

fn needs_json(text: &str) -> Result<Vec<Need>, Error> {
    io::needs_from_bytes(text.as_bytes(), Format::Json, &opts())
}

#[test]
fn a_json_key_given_twice_in_one_object_is_an_error_at_its_row() {
    // The audit's case: the last value won, so a need that refused consent was matched.
    let twice = format!(
        "[{}, {}]",
        need_object("N0", ""),
        r#"{"need_id": "N1", "household_id": "H1", "region": "610103001002", "category": "living", "consent": false, "consent": true}"#
    );
    let err = needs_json(&twice).unwrap_err();
    let shown = err.to_string();
    let m = only(err, 2, "consent", "true", ProblemKind::DuplicateColumn);
    assert_eq!(
        m,
        "key consent appears twice in the object (first false, then true): give it once"
    );
    assert!(
        shown.starts_with("invalid input: needs: row 2, column consent: key consent appears twice"),
        "{shown}"
    );
    // The other order, and an id: the second value as written.
    let flipped = format!("[{}]", need_object("N1", r#", "consent": false"#));
    only(
        needs_json(&flipped).unwrap_err(),
        1,
        "consent",
        "false",
        ProblemKind::DuplicateColumn,
    );
    let id = format!("[{}]", need_object("N1", r#", "need_id": "N9""#));
    only(
        needs_json(&id).unwrap_err(),
        1,
        "need_id",
        "N9",
        ProblemKind::DuplicateColumn,
    );
    // The same value twice, a null, a list, a number: still two values for one field.
    for (extra, value) in [
        (r#", "consent": true"#, "true"),
        (r#", "consent": null"#, "null"),
        (
            r#", "statuses": ["dibao"], "statuses": "tekun; 低保""#,
            "tekun; 低保",
        ),
        (
            r#", "statuses": "dibao", "statuses": ["tekun", "低保"]"#,
            "tekun;低保",
        ),
        (r#", "age": 40, "age": 41.5"#, "41.5"),
    ] {
        let column = if value == "41.5" {
            "age"
        } else if value.contains("tekun") {
            "statuses"
        } else {
            "consent"
        };
        let text = format!("[{}]", need_object("N1", extra));
        only(
            needs_json(&text).unwrap_err(),
            1,
            column,
            value,
            ProblemKind::DuplicateColumn,
        );
    }
    // Keys are trimmed, so " consent " is consent again; a third occurrence is another
    // problem.
    let thrice = format!(
        "[{}]",
        need_object("N1", r#", " consent ": false, "consent": "是""#)
    );
    let p = problems(needs_json(&thrice).unwrap_err());
    assert_eq!(
        p.iter()
            .map(|p| (p.0, p.1.as_str(), p.2.as_str(), p.3))
            .collect::<Vec<_>>(),
        [
            (1, "consent", "false", ProblemKind::DuplicateColumn),
            (1, "consent", "是", ProblemKind::DuplicateColumn),
        ]
    );
    // A key that is no column of the list is ignored, twice or not.
    let unknown = format!("[{}]", need_object("N1", r#", "name": "a", "name": "b""#));
    assert_eq!(needs_json(&unknown).unwrap().len(), 1);
}

#[test]
fn a_json_key_given_twice_is_an_error_in_every_list() {
    let supply = r#"[{"resource_id": "R1", "provider_id": "P1", "provider_kind": "charity",
        "categories": ["living"], "capacity": 5, "area": ["61"], "provider_kind": "government"}]"#;
    let err = io::supply_from_bytes(supply.as_bytes(), Format::Json, &opts()).unwrap_err();
    only(
        err,
        1,
        "provider_kind",
        "government",
        ProblemKind::DuplicateColumn,
    );
    let exclusions = r#"[{"household_id": "H1", "provider_id": "P1"},
        {"household_id": "H2", "provider_id": "P1", "household_id": "H3"}]"#;
    let err = io::exclusions_from_bytes(exclusions.as_bytes(), Format::Json, &opts()).unwrap_err();
    only(err, 2, "household_id", "H3", ProblemKind::DuplicateColumn);
    // The audit's outcome: which status counted depended on the order of the keys.
    let outcomes =
        r#"[{"need_id": "N1", "resource_id": "R1", "status": "declined", "status": "accepted"}]"#;
    let err = io::outcomes_from_bytes(outcomes.as_bytes(), Format::Json, &opts()).unwrap_err();
    only(err, 1, "status", "accepted", ProblemKind::DuplicateColumn);
}

#[test]
fn a_json_key_given_twice_in_a_state_document_is_an_error_of_its_list() {
    use aidmatch::outcome::LoopRules;
    use aidmatch::snapshot::State;

    let state = crate::loop_support::state_of(
        vec![
            crate::loop_support::need("A", "HA"),
            crate::loop_support::need("B", "HB"),
        ],
        vec![crate::loop_support::res(
            "R1",
            aidmatch::taxonomy::ProviderKind::Charity,
            2,
        )],
        LoopRules::default(),
    );
    let text = state.to_json().unwrap();
    assert!(State::from_json(&text, "state").is_ok());
    // The second need's consent given twice, the second time refused.
    let needs = text.find(r#""needs":["#).unwrap();
    let at = needs + text[needs..].find(r#"{"need_id":"B""#).unwrap();
    let consent = at + text[at..].find(r#""consent":true"#).unwrap() + r#""consent":true"#.len();
    let doubled = format!(
        r#"{},"consent":false{}"#,
        &text[..consent],
        &text[consent..]
    );
    let err = State::from_json(&doubled, "state").unwrap_err();
    assert_eq!(err.problems()[0].file, "state.needs");
    only(err, 2, "consent", "false", ProblemKind::DuplicateColumn);
}

#[test]
fn a_required_key_missing_from_a_json_list_is_a_problem_of_its_first_object() {
    // The C ABI's urgent need, a desk insertion: one object, no consent.
    let one = r#"[{"need_id": "N1", "household_id": "H1", "region": "610103001002", "category": "living"}]"#;
    let err = needs_json(one).unwrap_err();
    let shown = err.to_string();
    let m = only(err, 1, "consent", "", ProblemKind::MissingColumn);
    assert_eq!(m, "required column consent is missing");
    assert_eq!(
        shown,
        "invalid input: needs: row 1, column consent: required column consent is missing"
    );
    // Absent from every object of a longer list: one problem, at the first object.
    let all = format!(
        "[{one_obj}, {one_obj}, {one_obj}]",
        one_obj = &one[1..one.len() - 1]
    );
    let m = only(
        needs_json(&all).unwrap_err(),
        1,
        "consent",
        "",
        ProblemKind::MissingColumn,
    );
    assert_eq!(m, "required column consent is missing from all 3 objects");
    // The first object need not be the first element.
    let after = format!("[7, {}]", &one[1..one.len() - 1]);
    let p = problems(needs_json(&after).unwrap_err());
    assert_eq!(
        p.iter()
            .map(|p| (p.0, p.1.as_str(), p.2.as_str(), p.3))
            .collect::<Vec<_>>(),
        [
            (1, "", "7", ProblemKind::BadShape),
            (2, "consent", "", ProblemKind::MissingColumn),
        ]
    );
    // Absent from some objects only: a missing value of each such object, as before.
    let some = format!("[{}, {}]", need_object("N0", ""), &one[1..one.len() - 1]);
    only(
        needs_json(&some).unwrap_err(),
        2,
        "consent",
        "",
        ProblemKind::MissingValue,
    );
    // The problem cap holds: three keys missing, room for two.
    let bare = r#"[{"need_id": "N1", "household_id": "H1"}]"#;
    let small = ReadOptions {
        max_problems: 2,
        ..opts()
    };
    match io::needs_from_bytes(bare.as_bytes(), Format::Json, &small).unwrap_err() {
        Error::Invalid {
            problems,
            truncated,
        } => {
            assert!(truncated);
            assert_eq!(
                problems
                    .iter()
                    .map(|p| (p.row, p.column.as_str()))
                    .collect::<Vec<_>>(),
                [(1, "region"), (1, "category")]
            );
        }
        other => panic!("{other}"),
    }
}

#[test]
fn a_json_element_that_is_not_an_object_is_one_problem_at_its_row() {
    for (text, row, value) in [
        ("[1]", 1, "1"),
        ("[[]]", 1, "[]"),
        ("[\"N1\"]", 1, "\"N1\""),
        ("[null]", 1, "null"),
    ] {
        let err = needs_json(text).unwrap_err();
        let shown = err.to_string();
        let m = only(err, row, "", value, ProblemKind::BadShape);
        assert_eq!(m, "expected an object", "{text}");
        assert!(
            shown.starts_with(&format!(
                "invalid input: needs: row {row}: expected an object"
            )),
            "{shown}"
        );
    }
    let second = format!("[{}, 1]", need_object("N1", ""));
    only(
        needs_json(&second).unwrap_err(),
        2,
        "",
        "1",
        ProblemKind::BadShape,
    );
    let outcomes = io::outcomes_from_bytes(b"[[]]", Format::Json, &opts()).unwrap_err();
    only(outcomes, 1, "", "[]", ProblemKind::BadShape);
}
