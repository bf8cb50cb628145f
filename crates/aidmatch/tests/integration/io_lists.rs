//! Reading and writing the lists: the spec example, encodings, separators, every problem
//! kind with its row, column and value, JSON against CSV.

// A failed unwrap is the test's failure report.
#![allow(clippy::unwrap_used)]

use std::path::PathBuf;

use aidmatch::date::Date;
use aidmatch::division::{AreaPrefix, Division};
use aidmatch::io::{self, Encoding, Format, ReadOptions};
use aidmatch::model::{Exclusion, Need, Outcome, Quantity, Resource};
use aidmatch::taxonomy::{
    Category, Form, Gender, GovProgram, OutcomeStatus, ProviderKind, Status, StatusSet, Urgency,
};
use aidmatch::{Error, InputProblem, ProblemKind};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/spec-example")
        .join(name)
}

fn example_bytes(name: &str) -> Vec<u8> {
    std::fs::read(example(name)).expect("spec example is in the repository")
}

pub(super) fn opts() -> ReadOptions {
    ReadOptions::default()
}

pub(super) fn needs_csv(text: &str) -> Result<Vec<Need>, Error> {
    io::needs_from_bytes(text.as_bytes(), Format::Csv, &opts())
}

pub(super) fn supply_csv(text: &str) -> Result<Vec<Resource>, Error> {
    io::supply_from_bytes(text.as_bytes(), Format::Csv, &opts())
}

/// The problems of an `Invalid` error as (row, column, value, kind).
fn problems(err: Error) -> Vec<(usize, String, String, ProblemKind)> {
    match err {
        Error::Invalid { problems, .. } => problems
            .into_iter()
            .map(|p: InputProblem| (p.row, p.column, p.value, p.kind))
            .collect(),
        other => panic!("expected invalid input, got {other}"),
    }
}

fn p(
    row: usize,
    column: &str,
    value: &str,
    kind: ProblemKind,
) -> (usize, String, String, ProblemKind) {
    (row, column.to_owned(), value.to_owned(), kind)
}

const NEEDS_HEADER: &str = "need_id,household_id,region,statuses,category,form,quantity,urgency,consent,gov_programs,income_per_capita,household_size,age,gender,reported_at";

#[test]
fn spec_example_reads_with_mixed_aliases() {
    let needs = io::read_needs(example("needs.csv"), &opts()).unwrap();
    assert_eq!(needs.len(), 8);
    let ids: Vec<&str> = needs.iter().map(|n| n.need_id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "N001", "N002", "N003", "N004", "N005", "N006", "N007", "N008"
        ]
    );

    let n1 = &needs[0];
    assert_eq!(n1.household_id, "H1001");
    assert_eq!(n1.region, Division::parse("610103001002").unwrap());
    assert_eq!(n1.statuses, StatusSet::single(Status::Orphan));
    assert_eq!(n1.category, Category::Education);
    assert_eq!(n1.form, Form::Cash);
    assert_eq!(n1.quantity, Quantity(300_000));
    assert_eq!(n1.urgency, Urgency::Normal);
    assert!(n1.consent);
    assert_eq!(
        n1.gov_programs.iter().collect::<Vec<_>>(),
        [GovProgram::ChildAllowance]
    );
    assert_eq!(n1.income_per_capita, Some(Quantity(0)));
    assert_eq!((n1.household_size, n1.age), (Some(1), Some(13)));
    assert_eq!(n1.gender, Some(Gender::Female));
    assert_eq!(n1.reported_at, Some(Date::parse("2024-09-02").unwrap()));
    assert!(n1.fast_track());

    // N003 has empty gov_programs; N005 did not consent.
    assert!(needs[2].gov_programs.is_empty());
    assert!(!needs[4].consent);
    assert!(!needs[4].fast_track());

    // N006 is written entirely with Chinese terms and the full-width separator.
    let n6 = &needs[5];
    assert_eq!(
        n6.statuses.iter().collect::<Vec<_>>(),
        [Status::Dibao, Status::SeriousIllness]
    );
    assert_eq!(n6.category, Category::Medical);
    assert_eq!(n6.form, Form::Cash);
    assert_eq!(n6.quantity, Quantity(2_000_000));
    assert_eq!(n6.urgency, Urgency::Urgent);
    assert!(n6.consent);
    assert_eq!(
        n6.gov_programs.iter().collect::<Vec<_>>(),
        [GovProgram::Dibao]
    );
    assert_eq!(n6.income_per_capita, Some(Quantity(52_000)));
    assert_eq!(n6.gender, Some(Gender::Female));

    let supply = io::read_supply(example("supply.csv"), &opts()).unwrap();
    assert_eq!(supply.len(), 7);
    let r1 = &supply[0];
    assert_eq!(r1.resource_id, "R01");
    assert_eq!(r1.provider_kind, ProviderKind::Charity);
    assert_eq!(
        r1.categories.iter().collect::<Vec<_>>(),
        [Category::Education]
    );
    assert_eq!(r1.capacity, 20);
    assert_eq!(r1.budget, None);
    assert_eq!(r1.max_per_need, Some(Quantity(300_000)));
    assert_eq!(r1.area, [AreaPrefix::parse("6101").unwrap()]);
    assert_eq!(
        r1.eligible_statuses.iter().collect::<Vec<_>>(),
        [Status::Dibao, Status::Orphan, Status::UnsupportedChild]
    );
    assert_eq!(
        r1.priority_statuses.iter().collect::<Vec<_>>(),
        [Status::Orphan]
    );
    assert_eq!(
        (r1.min_age, r1.max_age, r1.gender),
        (Some(6), Some(18), None)
    );
    assert_eq!(r1.valid_to, Some(Date::parse("2024-12-31").unwrap()));
    assert!(r1.serves_region(needs[0].region));
    assert!(!r1.serves_region(needs[6].region));
    let r4 = &supply[3];
    assert_eq!(r4.provider_kind, ProviderKind::Cadre);
    assert_eq!(
        r4.categories.iter().collect::<Vec<_>>(),
        [Category::Psychological, Category::CareVisit]
    );
    assert_eq!(supply[2].budget, Some(Quantity(20_000_000)));
    assert_eq!(supply[6].provider_kind, ProviderKind::Government);

    let ex = io::read_exclusions(example("exclusions.csv"), &opts()).unwrap();
    assert_eq!(
        ex,
        [Exclusion {
            household_id: "H1003".into(),
            provider_id: "CADRE-0307".into(),
            reason: "近亲属（配偶之兄）".into(),
        }]
    );

    let outcomes = io::read_outcomes(example("outcomes.csv"), &opts()).unwrap();
    assert_eq!(outcomes.len(), 3);
    assert_eq!(outcomes[0].status, OutcomeStatus::Accepted);
    assert_eq!(outcomes[0].note, "");
    assert_eq!(outcomes[2].status, OutcomeStatus::Delivered);
    assert_eq!(outcomes[2].at, Some(Date::parse("2024-10-10").unwrap()));

    let inputs = io::read_inputs(
        example("needs.csv"),
        example("supply.csv"),
        Some(&example("exclusions.csv")),
        &opts(),
    )
    .unwrap();
    assert_eq!(inputs.needs, needs);
    assert_eq!(inputs.resources, supply);
    assert_eq!(inputs.exclusions, ex);
    let from_bytes = io::inputs_from_bytes(
        &example_bytes("needs.csv"),
        &example_bytes("supply.csv"),
        Some(&example_bytes("exclusions.csv")),
        Format::Csv,
        &opts(),
    )
    .unwrap();
    assert_eq!(from_bytes, inputs);
}

#[test]
fn bom_and_gbk_read_the_same() {
    let utf8 = example_bytes("needs.csv");
    let plain = io::needs_from_bytes(&utf8, Format::Csv, &opts()).unwrap();

    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(&utf8);
    assert_eq!(
        io::needs_from_bytes(&bom, Format::Csv, &opts()).unwrap(),
        plain
    );

    let text = std::str::from_utf8(&utf8).unwrap();
    let (gbk, _, unmappable) = encoding_rs::GBK.encode(text);
    assert!(!unmappable);
    assert!(
        std::str::from_utf8(&gbk).is_err(),
        "the test needs non-ASCII bytes"
    );
    assert_eq!(
        io::needs_from_bytes(&gbk, Format::Csv, &opts()).unwrap(),
        plain
    );
    let gb = ReadOptions {
        encoding: Encoding::Gb18030,
        ..opts()
    };
    assert_eq!(io::needs_from_bytes(&gbk, Format::Csv, &gb).unwrap(), plain);

    let strict = ReadOptions {
        encoding: Encoding::Utf8,
        ..opts()
    };
    let err = io::needs_from_bytes(&gbk, Format::Csv, &strict).unwrap_err();
    assert!(matches!(err, Error::Encoding { .. }), "{err}");
    // The first non-ASCII byte is in N006's statuses, on line 7.
    assert!(
        err.to_string()
            .starts_with("needs: not valid utf-8 at line 7"),
        "{err}"
    );

    // A GBK exclusions file (the reason is Chinese).
    let ex_text = String::from_utf8(example_bytes("exclusions.csv")).unwrap();
    let (ex_gbk, _, _) = encoding_rs::GBK.encode(&ex_text);
    let ex = io::exclusions_from_bytes(&ex_gbk, Format::Csv, &opts()).unwrap();
    assert_eq!(ex[0].reason, "近亲属（配偶之兄）");
}

#[test]
fn separators_whitespace_and_extra_columns() {
    let text = format!(
        "{}, secret_name ,phone\n\
         A1,H1, 610103001002 ,低保；重病;;orphan ,medical,,,,yes,dibao ; medical_aid,,,,,,张三,13800000000\n\
         A2,H2,610103001002,,care_visit,service,1.5,急难,否,,,,,,,李四,\n\
         \n\
         ,,,,,,,,,,,,,,,,\n",
        NEEDS_HEADER.replace(",reported_at", ", reported_at ")
    );
    let needs = needs_csv(&text).unwrap();
    assert_eq!(needs.len(), 2, "blank rows are skipped");
    let a = &needs[0];
    assert_eq!(
        a.statuses.iter().collect::<Vec<_>>(),
        [Status::Dibao, Status::Orphan, Status::SeriousIllness]
    );
    assert_eq!(
        a.gov_programs.iter().collect::<Vec<_>>(),
        [GovProgram::Dibao, GovProgram::MedicalAid]
    );
    assert_eq!(a.region.to_string(), "610103001002");
    // Defaults of empty optional cells.
    assert_eq!(a.form, Form::Service);
    assert_eq!(a.quantity, Need::DEFAULT_QUANTITY);
    assert_eq!(a.urgency, Urgency::Normal);
    assert_eq!((a.age, a.gender, a.reported_at), (None, None, None));
    let b = &needs[1];
    assert_eq!(b.quantity, Quantity(150));
    assert_eq!(b.urgency, Urgency::Emergency);
    assert!(!b.consent);
    // The extra columns are nowhere in what was read.
    let written = io::to_csv_string(&needs);
    assert!(!written.contains("张三") && !written.contains("13800000000"));
    assert!(!written.contains("secret_name"));
    let json = serde_json::to_string(&needs).unwrap();
    assert!(!json.contains("张三"));
}

#[test]
fn tab_separated_header_is_detected() {
    let text =
        NEEDS_HEADER.replace(',', "\t") + "\nN1\tH1\t610103\t\tliving\t\t\t\ttrue\t\t\t\t\t\t\n";
    let needs = needs_csv(&text).unwrap();
    assert_eq!(needs[0].category, Category::Living);
    assert_eq!(needs[0].region.to_string(), "610103");
}

#[test]
fn every_bad_need_cell_is_reported_with_row_column_value() {
    let text = format!(
        "{NEEDS_HEADER}\n\
         N1,H1,610103001002,dibao,medical,cash,100,normal,true,,,,,,\n\
         N2,H2,6101030010,poor;dibao,food,card,-5,soon,maybe,dibao;pension,1e3,0,200,x,2024-02-30\n\
         N3,,61010300100A,,,,3.141,,,,abc,2.5,-1,,2024/09/01\n\
         N1,H4,610103,,living,,,,false,,,,,,\n"
    );
    let got = problems(needs_csv(&text).unwrap_err());
    use ProblemKind::*;
    let want = vec![
        p(3, "region", "6101030010", BadDivision),
        p(3, "statuses", "poor", UnknownValue),
        p(3, "category", "food", UnknownValue),
        p(3, "form", "card", UnknownValue),
        p(3, "quantity", "-5", Negative),
        p(3, "urgency", "soon", UnknownValue),
        p(3, "consent", "maybe", BadBool),
        p(3, "gov_programs", "pension", UnknownValue),
        p(3, "income_per_capita", "1e3", BadNumber),
        p(3, "household_size", "0", BadNumber),
        p(3, "age", "200", BadNumber),
        p(3, "gender", "x", UnknownValue),
        p(3, "reported_at", "2024-02-30", BadDate),
        p(4, "household_id", "", MissingValue),
        p(4, "region", "61010300100A", BadDivision),
        p(4, "category", "", MissingValue),
        p(4, "quantity", "3.141", BadNumber),
        p(4, "consent", "", MissingValue),
        p(4, "income_per_capita", "abc", BadNumber),
        p(4, "household_size", "2.5", BadNumber),
        p(4, "age", "-1", Negative),
        p(4, "reported_at", "2024/09/01", BadDate),
        p(5, "need_id", "N1", DuplicateId),
    ];
    assert_eq!(got, want);
}

/// Duplicates are found whatever the order: ids that ascend and then stop (the reader
/// keeps no set of ids while they ascend), a repeat of the last id, a repeat of an id
/// from before the order broke, and a skipped row that holds no place.
#[test]
fn duplicate_ids_are_found_in_any_order() {
    let row = |id: &str, category: &str| format!("{id},H1,610103,,{category},,,,true,,,,,,\n");
    let ids = [
        ("N1", "living"),
        ("N3", "living"),
        ("N3", "living"),
        ("N7", "food"),
        ("N2", "living"),
        ("N7", "living"),
        ("N1", "living"),
        ("N4", "living"),
    ];
    let text: String = std::iter::once(format!("{NEEDS_HEADER}\n"))
        .chain(ids.iter().map(|(id, c)| row(id, c)))
        .collect();
    let err = needs_csv(&text).unwrap_err();
    let got: Vec<(usize, &str, &str)> = err
        .problems()
        .iter()
        .map(|p| (p.row, p.value.as_str(), p.message.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (4, "N3", "duplicate need_id \"N3\" (first at row 3)"),
            (5, "food", "unknown need category \"food\""),
            (8, "N1", "duplicate need_id \"N1\" (first at row 2)"),
        ]
    );
}

#[test]
fn problem_messages_are_readable() {
    let text = format!(
        "{NEEDS_HEADER}\nN1,H1,610103,,food,,,,true,,,,,,\nN1,H1,610103,,living,,,,true,,,,,,\n"
    );
    let err = needs_csv(&text).unwrap_err();
    let problems = err.problems();
    assert_eq!(
        problems.len(),
        1,
        "a row with a problem is not checked for duplicates"
    );
    assert_eq!(
        err.to_string(),
        "invalid input: needs: row 2, column category: unknown need category \"food\""
    );
    let text = format!(
        "{NEEDS_HEADER}\nN1,H1,610103,,living,,,,true,,,,,,\nN1,H1,610103,,living,,,,true,,,,,,\n"
    );
    let err = needs_csv(&text).unwrap_err();
    assert_eq!(
        err.to_string(),
        "invalid input: needs: row 3, column need_id: duplicate need_id \"N1\" (first at row 2)"
    );
    let first = err.first_problem().unwrap();
    assert_eq!(
        (first.row, first.column.as_str(), first.value.as_str()),
        (3, "need_id", "N1")
    );
}

#[test]
fn missing_and_duplicate_columns() {
    // No consent and no region column; category given twice.
    let text = "need_id,household_id,category,category,extra\nN1,H1,living,living,x\nN2,,living,medical,\n";
    let got = problems(needs_csv(text).unwrap_err());
    use ProblemKind::*;
    assert_eq!(
        got,
        vec![
            p(1, "category", "category", DuplicateColumn),
            p(1, "region", "", MissingColumn),
            p(1, "consent", "", MissingColumn),
            // Row problems are still found, but not one per row for the missing columns.
            p(3, "household_id", "", MissingValue),
        ]
    );
    let err = needs_csv(text).unwrap_err().to_string();
    assert!(
        err.contains("needs: row 1, column region: required column region is missing"),
        "{err}"
    );

    // Header names are trimmed but case-sensitive: `Need_ID` is not need_id, and as it
    // nearly spells that missing column it is named too.
    let upper = NEEDS_HEADER.replace("need_id", "Need_ID") + "\n";
    assert_eq!(
        problems(needs_csv(&upper).unwrap_err()),
        vec![
            p(1, "need_id", "", MissingColumn),
            p(1, "Need_ID", "Need_ID", MisspelledColumn)
        ]
    );
}

#[test]
fn every_bad_supply_cell_is_reported() {
    let header = "resource_id,provider_id,provider_kind,categories,form,capacity,budget,max_per_need,area,eligible_statuses,priority_statuses,min_age,max_age,gender,valid_from,valid_to";
    let text = format!(
        "{header}\n\
         R1,P1,charity,medical,cash,3,1000.5,100,61,,,,,,,\n\
         R2,P2,bank,,goods,-1,x,-2,6;6101;99,tekun;rich,foo,18,6,them,2024-12-31,2024-01-01\n\
         R1,P3,部门,住房,,0.0,,,610103002,,,,,,,\n\
         R4,P4,志愿者,psychological,,1,,,,,,,,,,\n"
    );
    let got = problems(supply_csv(&text).unwrap_err());
    use ProblemKind::*;
    assert_eq!(
        got,
        vec![
            p(3, "provider_kind", "bank", UnknownValue),
            p(3, "categories", "", MissingValue),
            p(3, "capacity", "-1", Negative),
            p(3, "budget", "x", BadNumber),
            p(3, "max_per_need", "-2", Negative),
            p(3, "area", "6", BadDivision),
            p(3, "area", "99", BadDivision),
            p(3, "eligible_statuses", "rich", UnknownValue),
            p(3, "priority_statuses", "foo", UnknownValue),
            p(3, "gender", "them", UnknownValue),
            p(3, "max_age", "6", Inconsistent),
            p(3, "valid_to", "2024-01-01", Inconsistent),
            p(4, "resource_id", "R1", DuplicateId),
            p(5, "area", "", MissingValue),
        ]
    );
    // Capacity "0.0" is a whole zero; the third row parsed apart from its duplicate id.
    let ok = supply_csv(&format!(
        "{header}\nR3,P3,部门,住房,,0.0,,,610103002,,,,,,,\n"
    ))
    .unwrap();
    assert_eq!(ok[0].capacity, 0);
    assert_eq!(ok[0].provider_kind, ProviderKind::Government);
    assert_eq!(ok[0].area[0].to_string(), "610103002");
}

#[test]
fn exclusions_and_outcomes_problems() {
    let ex = io::exclusions_from_bytes(
        b"household_id,provider_id,reason\nH1,,x\n,P2,\n",
        Format::Csv,
        &opts(),
    );
    assert_eq!(
        problems(ex.unwrap_err()),
        vec![
            p(2, "provider_id", "", ProblemKind::MissingValue),
            p(3, "household_id", "", ProblemKind::MissingValue),
        ]
    );
    let out = io::outcomes_from_bytes(
        "need_id,resource_id,status,at,note\nN1,R1,已落实,2024-10-10,ok\nN2,R2,lost,10/10/2024,\n"
            .as_bytes(),
        Format::Csv,
        &opts(),
    );
    assert_eq!(
        problems(out.unwrap_err()),
        vec![
            p(3, "status", "lost", ProblemKind::UnknownValue),
            p(3, "at", "10/10/2024", ProblemKind::BadDate),
        ]
    );
}

#[test]
fn problems_stop_at_the_limit() {
    let mut text = format!("{NEEDS_HEADER}\n");
    for i in 0..500 {
        text.push_str(&format!("N{i},H{i},610103,,food,,,,true,,,,,,\n"));
    }
    let err = needs_csv(&text).unwrap_err();
    match &err {
        Error::Invalid {
            problems,
            truncated,
        } => {
            assert_eq!(problems.len(), 100);
            assert!(truncated);
            assert_eq!(problems[99].row, 101);
        }
        other => panic!("{other}"),
    }
    assert!(
        err.to_string()
            .starts_with("invalid input: more than 100 problems\n")
    );
    let small = ReadOptions {
        max_problems: 3,
        ..opts()
    };
    let err = io::needs_from_bytes(text.as_bytes(), Format::Csv, &small).unwrap_err();
    assert_eq!(err.problems().len(), 3);
}

#[test]
fn json_reads_like_csv() {
    let csv_needs = io::read_needs(example("needs.csv"), &opts()).unwrap();
    let csv_supply = io::read_supply(example("supply.csv"), &opts()).unwrap();

    // Our own JSON form reads back to the same records.
    let mut buf = Vec::new();
    io::write_json(&mut buf, &csv_needs).unwrap();
    assert_eq!(
        io::needs_from_bytes(&buf, Format::Json, &opts()).unwrap(),
        csv_needs
    );
    let mut buf = Vec::new();
    io::write_json(&mut buf, &csv_supply).unwrap();
    assert_eq!(
        io::supply_from_bytes(&buf, Format::Json, &opts()).unwrap(),
        csv_supply
    );

    // A platform's JSON: Chinese aliases, ;-strings and arrays, numbers as numbers or
    // strings, booleans as booleans or strings, nulls, unknown keys.
    let json = r#"[
      {"need_id": "N001", "household_id": "H1001", "region": "610103001002", "statuses": ["orphan"],
       "category": "education", "form": "cash", "quantity": 3000, "urgency": "normal", "consent": true,
       "gov_programs": "child_allowance", "income_per_capita": 0, "household_size": "1", "age": 13,
       "gender": "female", "reported_at": "2024-09-02", "name": "ignored"},
      {"need_id": "N006", "household_id": "H1005", "region": 610113003005, "statuses": "低保；重病",
       "category": "助医", "form": "现金", "quantity": "20000", "urgency": "紧急", "consent": "是",
       "gov_programs": ["低保金"], "income_per_capita": 520.0, "household_size": 2, "age": 58.0,
       "gender": "女", "reported_at": "2024-09-11"}
    ]"#;
    let needs = io::needs_from_bytes(json.as_bytes(), Format::Json, &opts()).unwrap();
    assert_eq!(needs, [csv_needs[0].clone(), csv_needs[5].clone()]);
}

#[test]
fn json_problems() {
    let json = r#"[
      {"need_id": "N1", "household_id": "H1", "region": "610103", "category": "living", "consent": "maybe"},
      {"need_id": "N2", "household_id": {"x": 1}, "region": "610103", "category": ["living", "medical"], "consent": true, "quantity": -3, "statuses": [["dibao"]]},
      "not an object",
      {"need_id": "N1", "household_id": "H3", "region": "610103", "category": "living", "consent": false}
    ]"#;
    let got = problems(io::needs_from_bytes(json.as_bytes(), Format::Json, &opts()).unwrap_err());
    use ProblemKind::*;
    assert_eq!(
        got,
        vec![
            p(1, "consent", "maybe", BadBool),
            p(2, "household_id", "{\"x\":1}", BadShape),
            p(2, "statuses", "[[\"dibao\"]]", BadShape),
            p(2, "category", "living;medical", BadShape),
            p(2, "quantity", "-3", Negative),
            p(3, "", "\"not an object\"", BadShape),
        ]
    );
    // A required key absent from every object is one missing column, of the first object.
    let json = r#"[{"need_id": "N1", "household_id": "H1", "region": "610103", "category": "living"},
                   {"need_id": "N2", "household_id": "H1", "region": "610103", "category": "living"}]"#;
    assert_eq!(
        problems(io::needs_from_bytes(json.as_bytes(), Format::Json, &opts()).unwrap_err()),
        vec![p(1, "consent", "", MissingColumn)]
    );
    // Not JSON, not an array.
    let err = io::needs_from_bytes(b"[{\"need_id\": }", Format::Json, &opts()).unwrap_err();
    assert!(matches!(err, Error::Syntax { line: 1, .. }), "{err}");
    let err = io::needs_from_bytes(b"{}", Format::Json, &opts()).unwrap_err();
    assert!(matches!(err, Error::Syntax { .. }), "{err}");
    // An empty array is an empty list.
    assert!(
        io::needs_from_bytes(b" [ ] ", Format::Json, &opts())
            .unwrap()
            .is_empty()
    );
}

#[test]
fn csv_round_trip_and_files() {
    let needs = io::read_needs(example("needs.csv"), &opts()).unwrap();
    let supply = io::read_supply(example("supply.csv"), &opts()).unwrap();
    let outcomes: Vec<Outcome> = io::read_outcomes(example("outcomes.csv"), &opts()).unwrap();
    let text = io::to_csv_string(&needs);
    assert!(text.starts_with(&format!("{NEEDS_HEADER}\n")));
    // English ids on output, even for the all-Chinese row.
    assert!(text.contains("N006,H1005,610113003005,dibao;serious_illness,medical,cash,20000,urgent,true,dibao,520,2,58,female,2024-09-11\n"), "{text}");
    assert_eq!(needs_csv(&text).unwrap(), needs);
    let text = io::to_csv_string(&supply);
    assert_eq!(supply_csv(&text).unwrap(), supply);
    let text = io::to_csv_string(&outcomes);
    assert_eq!(
        io::outcomes_from_bytes(text.as_bytes(), Format::Csv, &opts()).unwrap(),
        outcomes
    );

    let dir = std::env::temp_dir().join(format!("aidmatch-io-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv_path = dir.join("needs.CSV");
    let json_path = dir.join("needs.json");
    io::write_file(&csv_path, &needs).unwrap();
    io::write_file(&json_path, &needs).unwrap();
    assert_eq!(io::read_needs(&csv_path, &opts()).unwrap(), needs);
    assert_eq!(io::read_needs(&json_path, &opts()).unwrap(), needs);
    let txt = dir.join("needs.txt");
    std::fs::copy(&csv_path, &txt).unwrap();
    assert!(matches!(
        io::read_needs(&txt, &opts()),
        Err(Error::UnknownFormat { .. })
    ));
    assert_eq!(
        io::read_as::<Need>(&txt, Format::Csv, &opts()).unwrap(),
        needs
    );
    let missing = dir.join("absent.csv");
    assert!(matches!(
        io::read_needs(&missing, &opts()),
        Err(Error::Io { .. })
    ));

    // A problem names the file by its path.
    std::fs::write(
        &csv_path,
        format!("{NEEDS_HEADER}\nN1,H1,610103,,food,,,,true,,,,,,\n"),
    )
    .unwrap();
    let err = io::read_needs(&csv_path, &opts()).unwrap_err();
    assert_eq!(err.problems()[0].file, csv_path.display().to_string());

    // read_inputs gathers the problems of every file.
    let bad_supply = dir.join("supply.csv");
    std::fs::write(
        &bad_supply,
        "resource_id,provider_id,provider_kind,categories,capacity,area\nR1,P1,bank,living,1,61\n",
    )
    .unwrap();
    let err = io::read_inputs(&csv_path, &bad_supply, None, &opts()).unwrap_err();
    let files: Vec<&str> = err.problems().iter().map(|p| p.column.as_str()).collect();
    assert_eq!(files, ["category", "provider_kind"]);
    let err = io::inputs_from_bytes(
        &std::fs::read(&csv_path).unwrap(),
        &std::fs::read(&bad_supply).unwrap(),
        None,
        Format::Csv,
        &opts(),
    )
    .unwrap_err();
    let where_: Vec<(&str, usize)> = err
        .problems()
        .iter()
        .map(|p| (p.file.as_str(), p.row))
        .collect();
    assert_eq!(where_, [("needs", 2), ("supply", 2)]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn syntax_errors() {
    let err = needs_csv("").unwrap_err();
    assert!(matches!(err, Error::Syntax { line: 1, .. }), "{err}");
    // Only a header: an empty list.
    assert!(needs_csv(NEEDS_HEADER).unwrap().is_empty());
    // Garbage bytes never panic.
    for bytes in [
        &b"\xFF\xFE\x00"[..],
        b"\x00\x01\x02",
        b"\"unterminated",
        b",,,\n\"",
        b"\xEF\xBB\xBF",
    ] {
        let _ = io::needs_from_bytes(bytes, Format::Csv, &opts());
        let _ = io::needs_from_bytes(bytes, Format::Json, &opts());
    }
}

/// Random byte mutations of the example lists (CSV and JSON): reading never panics, every
/// failure is a typed error, and whatever reads successfully writes and reads back equal.
#[test]
fn mutated_inputs_never_panic() {
    use rand::{Rng, SeedableRng};
    let needs_csv_bytes = example_bytes("needs.csv");
    let supply_csv_bytes = example_bytes("supply.csv");
    let needs = io::needs_from_bytes(&needs_csv_bytes, Format::Csv, &opts()).unwrap();
    let supply = io::supply_from_bytes(&supply_csv_bytes, Format::Csv, &opts()).unwrap();
    let mut needs_json = Vec::new();
    io::write_json(&mut needs_json, &needs).unwrap();
    let mut supply_json = Vec::new();
    io::write_json(&mut supply_json, &supply).unwrap();
    let sources: [(&[u8], Format, bool); 4] = [
        (&needs_csv_bytes, Format::Csv, true),
        (&supply_csv_bytes, Format::Csv, false),
        (&needs_json, Format::Json, true),
        (&supply_json, Format::Json, false),
    ];
    let interesting = [
        b',', b';', b'"', b'\n', b'\r', b'-', b'.', b'0', b'9', b'[', b']', b'{', b'}', b':', 0xE4,
        0xEF, 0xFF, 0x80, b' ', b'e',
    ];
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(11);
    let (mut ok, mut invalid, mut other) = (0, 0, 0);
    for round in 0..2_000 {
        let (src, format, is_needs) = sources[round % sources.len()];
        let mut bytes = src.to_vec();
        for _ in 0..rng.random_range(1..=6u32) {
            if bytes.is_empty() {
                break;
            }
            let at = rng.random_range(0..bytes.len() as u64) as usize;
            let b = interesting[rng.random_range(0..interesting.len() as u32) as usize];
            match rng.random_range(0..3u32) {
                0 => bytes[at] = b,
                1 => {
                    bytes.remove(at);
                }
                _ => bytes.insert(at, b),
            }
        }
        let result = if is_needs {
            io::needs_from_bytes(&bytes, format, &opts()).map(|n| {
                let again = needs_csv(&io::to_csv_string(&n)).unwrap();
                assert_eq!(again, n);
            })
        } else {
            io::supply_from_bytes(&bytes, format, &opts()).map(|s| {
                let again = supply_csv(&io::to_csv_string(&s)).unwrap();
                assert_eq!(again, s);
            })
        };
        match result {
            Ok(()) => ok += 1,
            Err(Error::Invalid { problems, .. }) => {
                assert!(!problems.is_empty());
                invalid += 1;
            }
            Err(e) => {
                assert!(!e.to_string().is_empty());
                other += 1;
            }
        }
    }
    // The mutations exercise all three outcomes.
    assert!(
        ok > 50 && invalid > 200 && other > 50,
        "{ok} {invalid} {other}"
    );
}
