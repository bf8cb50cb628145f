//! JSON lists: an array of objects with the spec's keys.
//!
//! Values: strings; numbers (read through their decimal text, so `3000.5` is exact);
//! booleans (for `consent`); `null` = empty; arrays of strings or numbers for list
//! fields (a `;`-separated string works too). Keys are trimmed; unknown keys are skipped.
//! A required key absent from every object is one `missing_column` problem (row 0);
//! absent from some objects only, it is a `missing_value` problem of each such row.
//! `row` in problems is the 1-based position of the object in the array.

use std::borrow::Cow;
use std::collections::HashSet;

use serde_json::Value;

use super::fields::{Cell, Problems, RowParser, UniqueIds, map_header};
use super::{ReadOptions, Record};
use crate::error::{Error, InputProblem, ProblemKind, Result};

/// Parses JSON text into records of `R`. `file` names the input in problems.
///
/// # Errors
/// [`Error::Syntax`] if the text is not JSON or not an array; [`Error::Invalid`] with every
/// problem found (up to `opts.max_problems`).
pub fn parse<R: Record>(text: &str, file: &str, opts: &ReadOptions) -> Result<Vec<R>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let value: Value = serde_json::from_str(text).map_err(|e| Error::Syntax {
        file: file.to_owned(),
        line: e.line(),
        message: e.to_string(),
    })?;
    let Value::Array(items) = value else {
        return Err(Error::Syntax {
            file: file.to_owned(),
            line: 1,
            message: "expected a json array of objects".into(),
        });
    };

    // The union of the keys: a required key that no object has is a missing column.
    let mut problems = Problems::new(opts.max_problems);
    let mut keys: HashSet<&str> = HashSet::new();
    for item in &items {
        if let Value::Object(map) = item {
            keys.extend(map.keys().map(|k| k.trim()));
        }
    }
    let mut names: Vec<&str> = keys.into_iter().collect();
    names.sort_unstable();
    let missing_required: Vec<bool> = if items.is_empty() {
        vec![false; R::COLUMNS.len()]
    } else {
        let map = map_header::<R>(&names, file, 0, &mut problems);
        R::COLUMNS
            .iter()
            .zip(&map)
            .map(|(c, m)| m.is_none() && R::REQUIRED.contains(c))
            .collect()
    };

    let mut out = Vec::with_capacity(items.len());
    let mut ids = UniqueIds::new();
    for (k, item) in items.iter().enumerate() {
        if problems.full() {
            break;
        }
        let row = k + 1;
        let Value::Object(map) = item else {
            problems.push(InputProblem {
                file: file.to_owned(),
                row,
                column: String::new(),
                value: shorten(item.to_string()),
                kind: ProblemKind::BadShape,
                message: "expected an object".into(),
            });
            continue;
        };
        let mut cells: Vec<Cell<'_>> = missing_required
            .iter()
            .map(|&m| if m { Cell::NoColumn } else { Cell::Empty })
            .collect();
        for (key, v) in map {
            let key = key.trim();
            if let Some(c) = R::COLUMNS.iter().position(|col| *col == key) {
                cells[c] = cell(v);
            }
        }
        let mut parser = RowParser::new(file, row, R::COLUMNS, cells, &mut problems);
        if let Some(r) = R::parse_row(&mut parser) {
            ids.check(&r, file, row, &mut problems);
            out.push(r);
        }
    }
    problems.into_result(out)
}

fn scalar(v: &Value) -> Option<Cow<'_, str>> {
    match v {
        Value::String(s) => Some(Cow::Borrowed(s)),
        Value::Number(n) => Some(Cow::Owned(n.to_string())),
        Value::Bool(b) => Some(Cow::Borrowed(if *b { "true" } else { "false" })),
        Value::Null => Some(Cow::Borrowed("")),
        Value::Array(_) | Value::Object(_) => None,
    }
}

fn cell(v: &Value) -> Cell<'_> {
    match v {
        Value::Null => Cell::Empty,
        Value::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for item in items {
                match scalar(item) {
                    Some(s) => out.push(s),
                    None => return Cell::Bad(shorten(v.to_string())),
                }
            }
            Cell::List(out)
        }
        Value::Object(_) => Cell::Bad(shorten(v.to_string())),
        other => scalar(other).map_or(Cell::Empty, Cell::Text),
    }
}

/// At most 80 characters of a rendered value, for messages.
fn shorten(s: String) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// Writes records as a pretty JSON array (the `Serialize` form: spec field names).
///
/// # Errors
/// The underlying I/O error.
pub fn write<R: serde::Serialize>(
    mut writer: impl std::io::Write,
    records: &[R],
) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut writer, records).map_err(std::io::Error::from)?;
    writer.write_all(b"\n")
}
