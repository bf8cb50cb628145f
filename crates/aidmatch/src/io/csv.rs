//! CSV lists: a header row naming the columns, one record per row.
//!
//! Reading: the header is trimmed (and a stray BOM removed); columns are matched to the
//! spec's names exactly; unknown columns are skipped, unless the header nearly spells a
//! column the file lacks (`Budget`, `eligible_status`: a
//! [`crate::ProblemKind::MisspelledColumn`] problem naming the column number and the
//! column meant; see `fields::misspelled_column`). A row with fewer fields than the
//! header is a problem (a truncated row); so is a row with more, unless every extra
//! field is empty (a trailing comma). Rows whose cells are all blank are skipped. Row
//! numbers in problems are spreadsheet rows: header = 1, first record = 2. A header with
//! tabs and no comma is read as tab-separated.
//!
//! Writing: the spec's columns in the spec's order, UTF-8 without BOM, fields quoted only
//! when needed.

use std::borrow::Cow;

use super::fields::{
    Cell, Problems, RowParser, UniqueIds, map_header, misspelled_column, misspelled_problem,
};
use super::{ReadOptions, Record};
use crate::error::{Error, Result};

/// Parses CSV text into records of `R`. `file` names the input in problems.
///
/// # Errors
/// [`Error::Syntax`] for an empty text (no header) or malformed CSV quoting;
/// [`Error::TooManyRows`] past `opts.max_rows` records (reading stops there);
/// [`Error::Invalid`] with every problem found (up to `opts.max_problems`).
pub fn parse<R: Record>(text: &str, file: &str, opts: &ReadOptions) -> Result<Vec<R>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line = text.lines().next().unwrap_or("");
    let delimiter = if !first_line.contains(',') && first_line.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let syntax = |e: ::csv::Error| {
        let line = e
            .position()
            .map_or(0, |p| usize::try_from(p.line()).unwrap_or(usize::MAX));
        Error::Syntax {
            file: file.to_owned(),
            line,
            message: csv_message(&e),
        }
    };
    let mut header = ::csv::StringRecord::new();
    if !reader.read_record(&mut header).map_err(syntax)? {
        return Err(Error::Syntax {
            file: file.to_owned(),
            line: 1,
            message: "empty file: no header row".into(),
        });
    }
    let names: Vec<&str> = header.iter().map(str::trim).collect();
    let mut problems = Problems::new(opts.max_problems);
    let map = map_header::<R>(&names, file, 1, &mut problems);
    let present: Vec<bool> = map.iter().map(Option::is_some).collect();
    for (pos, name) in names.iter().enumerate() {
        if let Some(meant) = misspelled_column(name, R::COLUMNS, &present) {
            let place = format!("column {}", pos + 1);
            problems.push(misspelled_problem(file, 1, R::KIND, name, &place, meant));
        }
    }
    let missing_required: Vec<bool> = R::COLUMNS
        .iter()
        .zip(&map)
        .map(|(c, m)| m.is_none() && R::REQUIRED.contains(c))
        .collect();

    let mut out = Vec::new();
    let mut ids = UniqueIds::new();
    // One record buffer for the whole file.
    let mut record = ::csv::StringRecord::new();
    let mut row = 1;
    while !problems.full() && reader.read_record(&mut record).map_err(syntax)? {
        row += 1;
        if row - 1 > opts.max_rows {
            return Err(Error::TooManyRows {
                file: file.to_owned(),
                limit: opts.max_rows as u64,
            });
        }
        if record.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        // A row with fewer fields than the header is cut short (a file truncated or
        // changed while it was read, or a lost line break): an error, never a record
        // whose last cells silently read as empty.
        if record.len() < header.len() {
            problems.push(crate::InputProblem {
                file: file.to_owned(),
                row,
                column: names.get(record.len()).copied().unwrap_or("").to_owned(),
                value: String::new(),
                kind: crate::ProblemKind::BadShape,
                message: format!(
                    "row has {} fields but the header has {} (a truncated row)",
                    record.len(),
                    header.len()
                ),
            });
            continue;
        }
        // A row with more fields than the header: an unquoted comma in a value shifts
        // every later cell, so the row is not read. Extra fields that are all empty are
        // accepted (a trailing comma, as some exports write on every row); they hold
        // nothing that could be lost. The extra values are not repeated in the message:
        // they belong to no column, so they may be personal data.
        if record.len() > header.len() {
            let extra = record.iter().skip(header.len());
            let filled = extra.filter(|c| !c.trim().is_empty()).count();
            if filled > 0 {
                problems.push(crate::InputProblem {
                    file: file.to_owned(),
                    row,
                    column: String::new(),
                    value: String::new(),
                    kind: crate::ProblemKind::BadShape,
                    message: format!(
                        "row has {} fields but the header has {}, and {filled} extra {} \
                         not empty (an unquoted comma in a value shifts every later cell; \
                         quote the value or remove the comma)",
                        record.len(),
                        header.len(),
                        if filled == 1 {
                            "field is"
                        } else {
                            "fields are"
                        }
                    ),
                });
                continue;
            }
        }
        let cells: Vec<Cell<'_>> = map
            .iter()
            .zip(&missing_required)
            .map(|(m, &missing)| match m {
                Some(pos) => match record.get(*pos) {
                    Some(s) => Cell::Text(Cow::Borrowed(s)),
                    None => Cell::Empty,
                },
                None if missing => Cell::NoColumn,
                None => Cell::Empty,
            })
            .collect();
        let mut parser = RowParser::new(file, row, R::COLUMNS, cells, &mut problems);
        if let Some(r) = R::parse_row(&mut parser) {
            ids.check(&out, &r, file, row, &mut problems);
            out.push(r);
        }
    }
    problems.into_result(out)
}

fn csv_message(e: &::csv::Error) -> String {
    match e.kind() {
        ::csv::ErrorKind::Utf8 { .. } => "not valid utf-8".into(),
        _ => {
            // The csv crate's messages are lower-case already; drop the position prefix,
            // which `line` carries.
            let s = e.to_string();
            s.rsplit_once(": ")
                .map_or(s.clone(), |(_, tail)| tail.to_owned())
        }
    }
}

/// Writes records as CSV with the spec's header.
///
/// # Errors
/// The underlying I/O error.
pub fn write<R: Record>(writer: impl std::io::Write, records: &[R]) -> std::io::Result<()> {
    let mut w = ::csv::WriterBuilder::new().from_writer(writer);
    let to_io = |e: ::csv::Error| match e.into_kind() {
        ::csv::ErrorKind::Io(io) => io,
        other => std::io::Error::other(format!("{other:?}")),
    };
    w.write_record(R::COLUMNS).map_err(to_io)?;
    for r in records {
        w.write_record(r.cells()).map_err(to_io)?;
    }
    w.flush()
}
