//! JSON lists: an array of objects with the spec's keys.
//!
//! Values: strings; numbers (JSON numbers are read by the JSON parser as integers or IEEE
//! doubles and then through their shortest decimal text, so every amount of up to 15
//! significant digits, such as `3000.5`, is exact); booleans (for `consent`); `null` =
//! empty; arrays of strings or numbers for list fields (a `;`-separated string works
//! too). Keys are trimmed; unknown keys are skipped.
//!
//! # Problems
//! `row` is the 1-based position of the element in the array, for every problem.
//! - A required key absent from every object: one `missing_column` problem, of the first
//!   object (row 1 unless elements that are not objects come first), so a list of one
//!   object points at it. Absent from some objects only: a `missing_value` problem of
//!   each object that lacks it.
//! - A key of the list given twice in one object (`"consent": false, ..., "consent":
//!   true`; keys compared trimmed): a [`crate::ProblemKind::DuplicateColumn`] problem of
//!   that object, its value the one given again, as a column named twice in a CSV
//!   header is. JSON leaves it open which of the two counts, and for `consent` or an
//!   outcome's `status` the answer must not depend on the order of the keys. Unknown
//!   keys given twice are ignored, as any unknown key is.
//! - An unknown key that nearly spells a key absent from every object (`Budget`): a
//!   [`crate::ProblemKind::MisspelledColumn`] problem at the first object holding it.
//! - An element that is not an object (`1`, `[]`, `"N1"`): one `bad_shape` problem
//!   "expected an object" of its row, with no column (an empty `column`).
//!
//! # Complexity
//! Two streaming passes over the text, no document tree: the first collects which of the
//! spec's keys occur, the second reads each object into cells (borrowing strings from the
//! text when they have no escapes) and parses it at once; the keys an object has given
//! are one bit each in a word, so finding a key given twice costs a test per key. Time
//! linear in the text; memory one object's cells beyond the text and the records read.

use std::borrow::Cow;
use std::fmt;

use serde::de::value::{MapAccessDeserializer, SeqAccessDeserializer};
use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::fields::{Cell, Problems, RowParser, UniqueIds, misspelled_column, misspelled_problem};
use super::{ReadOptions, Record};
use crate::error::{Error, InputProblem, ProblemKind, Result};

/// Parses JSON text into records of `R`. `file` names the input in problems.
///
/// # Errors
/// [`Error::Syntax`] if the text is not JSON or not an array; [`Error::TooManyRows`]
/// past `opts.max_rows` elements (found in the first pass, before any record is built);
/// [`Error::Invalid`] with every problem found (up to `opts.max_problems`).
pub fn parse<R: Record>(text: &str, file: &str, opts: &ReadOptions) -> Result<Vec<R>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = |e: serde_json::Error| Error::Syntax {
        file: file.to_owned(),
        line: e.line(),
        message: e.to_string(),
    };

    // Pass 1: which of the spec's keys occur at all, and how many elements and objects.
    let mut seen = KeyScan {
        columns: R::COLUMNS,
        present: vec![false; R::COLUMNS.len()],
        elements: 0,
        objects: 0,
        limit: opts.max_rows,
        unknown: Unknown::default(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    let scanned = (&mut seen).deserialize(&mut de);
    if seen.elements > seen.limit {
        // Stopped at the first element above the limit, before any record is built.
        return Err(Error::TooManyRows {
            file: file.to_owned(),
            limit: opts.max_rows as u64,
        });
    }
    scanned.map_err(syntax)?;
    de.end().map_err(syntax)?;

    let mut problems = Problems::new(opts.max_problems);
    for (key, row) in &seen.unknown.near {
        if let Some(meant) = misspelled_column(key, R::COLUMNS, &seen.present) {
            problems.push(misspelled_problem(file, *row, R::KIND, key, "key", meant));
        }
    }
    // Required keys no object has: reported once, at the first object (pass 2).
    let missing_required: Vec<bool> = R::COLUMNS
        .iter()
        .zip(&seen.present)
        .map(|(c, present)| !present && R::REQUIRED.contains(c))
        .collect();

    // Pass 2: read and parse each object as it streams by.
    let mut reader = RecordReader::<R> {
        file,
        missing_required,
        objects: seen.objects,
        problems,
        ids: UniqueIds::new(),
        out: Vec::with_capacity(seen.elements),
        twice: Vec::new(),
    };
    let mut de = serde_json::Deserializer::from_str(text);
    (&mut reader).deserialize(&mut de).map_err(syntax)?;
    de.end().map_err(syntax)?;
    reader.problems.into_result(reader.out)
}

/// Pass 1: marks the spec's keys present in any object, counts the elements and the
/// objects among them, and keeps the unknown keys that may misspell a column.
struct KeyScan {
    columns: &'static [&'static str],
    present: Vec<bool>,
    elements: usize,
    objects: usize,
    /// `ReadOptions::max_rows`: the scan stops at the first element above it.
    limit: usize,
    unknown: Unknown,
}

/// The unknown keys of pass 1.
#[derive(Debug, Default)]
struct Unknown {
    /// Keys already looked at (up to [`UNKNOWN_KEYS_KEPT`]), so a key repeated in every
    /// object is checked once.
    seen: std::collections::HashSet<String>,
    /// Keys that nearly spell some column, with the object they first occur in
    /// (1-based). Whether the column is absent from the whole file is decided after
    /// the scan.
    near: Vec<(String, usize)>,
}

/// The most distinct unknown keys remembered; past it a new key is checked each time it
/// occurs (the check is a few short comparisons), and reported once all the same.
const UNKNOWN_KEYS_KEPT: usize = 10_000;

impl Unknown {
    fn note(&mut self, columns: &[&'static str], key: &str, row: usize) {
        if self.seen.contains(key) || self.near.iter().any(|(k, _)| k == key) {
            return;
        }
        if self.seen.len() < UNKNOWN_KEYS_KEPT {
            self.seen.insert(key.to_owned());
        }
        let all_absent = vec![false; columns.len()];
        if misspelled_column(key, columns, &all_absent).is_some() {
            self.near.push((key.to_owned(), row));
        }
    }
}

impl<'de> DeserializeSeed<'de> for &mut KeyScan {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for &mut KeyScan {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json array of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        while let Some(object) = seq.next_element_seed(ElementKeys {
            columns: self.columns,
            present: &mut self.present,
            unknown: &mut self.unknown,
            row: self.elements + 1,
        })? {
            self.elements += 1;
            self.objects += usize::from(object);
            if self.elements > self.limit {
                return Err(de::Error::custom("more rows than the limit"));
            }
        }
        Ok(())
    }
}

/// Pass 1, one element: the keys of an object; anything else is skipped. True for an
/// object.
struct ElementKeys<'s> {
    columns: &'static [&'static str],
    present: &'s mut Vec<bool>,
    unknown: &'s mut Unknown,
    /// The 1-based position of the element.
    row: usize,
}

impl<'de> DeserializeSeed<'de> for ElementKeys<'_> {
    type Value = bool;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementKeys<'_> {
    type Value = bool;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
        while let Some(key) = map.next_key_seed(ScanKey {
            columns: self.columns,
            unknown: self.unknown,
            row: self.row,
        })? {
            if let Some(c) = key {
                self.present[c] = true;
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(true)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<bool, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(false)
    }
    fn visit_bool<E: de::Error>(self, _: bool) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_i64<E: de::Error>(self, _: i64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_u64<E: de::Error>(self, _: u64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_f64<E: de::Error>(self, _: f64) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_str<E: de::Error>(self, _: &str) -> Result<bool, E> {
        Ok(false)
    }
    fn visit_unit<E: de::Error>(self) -> Result<bool, E> {
        Ok(false)
    }
}

/// Pass 2: parses each element into a record.
struct RecordReader<'f, R> {
    file: &'f str,
    /// The required columns no object has (reported at the first object).
    missing_required: Vec<bool>,
    /// The objects of the array (from pass 1), for the message of a missing column.
    objects: usize,
    problems: Problems,
    ids: UniqueIds,
    out: Vec<R>,
    /// The keys given twice in the element being read ([`ElementCells::twice`]).
    twice: Vec<Twice>,
}

impl<'de, R: Record> DeserializeSeed<'de> for &mut RecordReader<'_, R> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, R: Record> Visitor<'de> for &mut RecordReader<'_, R> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json array of objects")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut row = 0usize;
        let mut first_object = true;
        loop {
            if self.problems.full() {
                // Enough problems: skip the rest quickly (it must still be valid JSON).
                while seq.next_element::<IgnoredAny>()?.is_some() {}
                return Ok(());
            }
            let element = seq.next_element_seed(ElementCells {
                columns: R::COLUMNS,
                missing_required: &self.missing_required,
                twice: &mut self.twice,
            })?;
            let Some(element) = element else {
                return Ok(());
            };
            row += 1;
            match element {
                Element::Object(cells) => {
                    if std::mem::take(&mut first_object) {
                        self.missing_columns(row);
                    }
                    let twice = !self.twice.is_empty();
                    for again in self.twice.drain(..) {
                        self.problems
                            .push(again.problem(self.file, row, R::COLUMNS));
                    }
                    let mut parser =
                        RowParser::new(self.file, row, R::COLUMNS, cells, &mut self.problems);
                    // A row with a key given twice is not a record, whatever its values.
                    if let Some(r) = R::parse_row(&mut parser).filter(|_| !twice) {
                        self.ids
                            .check(&self.out, &r, self.file, row, &mut self.problems);
                        self.out.push(r);
                    }
                }
                Element::Other(shown) => self.problems.push(InputProblem {
                    file: self.file.to_owned(),
                    row,
                    column: String::new(),
                    value: shown,
                    kind: ProblemKind::BadShape,
                    message: "expected an object".into(),
                }),
            }
        }
    }
}

impl<R: Record> RecordReader<'_, R> {
    /// A [`ProblemKind::MissingColumn`] problem of row `row`, the first object, for each
    /// required key that no object has: one problem for the list (the other objects
    /// lack it too, silently), at a row that exists, so a one-object list (the C ABI's
    /// urgent need) points at its object.
    fn missing_columns(&mut self, row: usize) {
        for (col, _) in R::COLUMNS
            .iter()
            .zip(&self.missing_required)
            .filter(|(_, m)| **m)
        {
            let message = match self.objects {
                1 => format!("required column {col} is missing"),
                n => format!("required column {col} is missing from all {n} objects"),
            };
            self.problems.push(InputProblem {
                file: self.file.to_owned(),
                row,
                column: (*col).to_owned(),
                value: String::new(),
                kind: ProblemKind::MissingColumn,
                message,
            });
        }
    }
}

/// A key, looked up among the spec's columns (trimmed) without allocating.
struct ColumnKey(&'static [&'static str]);

impl<'de> DeserializeSeed<'de> for ColumnKey {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ColumnKey {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        let v = v.trim();
        Ok(self.0.iter().position(|col| *col == v))
    }
}

/// Pass 1, a key: looked up among the spec's columns (trimmed); an unknown key is noted
/// for the misspelling check.
struct ScanKey<'s> {
    columns: &'static [&'static str],
    unknown: &'s mut Unknown,
    row: usize,
}

impl<'de> DeserializeSeed<'de> for ScanKey<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for ScanKey<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Option<usize>, E> {
        let v = v.trim();
        let c = self.columns.iter().position(|col| *col == v);
        if c.is_none() {
            self.unknown.note(self.columns, v, self.row);
        }
        Ok(c)
    }
}

/// One element of the array: an object's cells, or something else (rendered).
enum Element<'de> {
    /// The cells, in the order of the record's columns; a key given twice keeps its
    /// first value (the later ones go to [`ElementCells::twice`]).
    Object(Vec<Cell<'de>>),
    Other(String),
}

/// A key of the list given again in the same object: two values for one field, of
/// which a reader could only keep one silently (serde's own maps keep the last). For
/// `consent` that would decide a legal gate by the order of the keys.
struct Twice {
    /// The column (index into the record's columns).
    column: usize,
    /// The value the key had first, and the value it is given again, as the problem
    /// shows values ([`shown`]).
    first: String,
    again: String,
}

impl Twice {
    /// A [`ProblemKind::DuplicateColumn`] problem of row `row`, with the value as given
    /// again (CSV's counterpart is a column named twice in the header).
    fn problem(self, file: &str, row: usize, columns: &[&str]) -> InputProblem {
        let column = columns[self.column];
        InputProblem {
            file: file.to_owned(),
            row,
            column: column.to_owned(),
            message: format!(
                "key {column} appears twice in the object (first {}, then {}): give it once",
                self.first, self.again
            ),
            value: self.again,
            kind: ProblemKind::DuplicateColumn,
        }
    }
}

/// A cell's value as problems show it: text trimmed, a list's items joined with `;`, a
/// JSON `null` as `null`; at most 80 characters.
fn shown(cell: &Cell<'_>) -> String {
    match cell {
        Cell::Text(t) => shorten(t.trim().to_owned()),
        Cell::List(items) => shorten(items.join(";")),
        Cell::Bad(shown) => shown.clone(),
        // A JSON cell is empty only when its value is null.
        Cell::Empty => "null".to_owned(),
        Cell::NoColumn | Cell::Rejected => String::new(),
    }
}

// The keys of one object are tracked in a `u64`, one bit per column of the record.
const _: () = {
    use crate::model::{Exclusion, Need, Outcome, Resource};
    assert!(Need::COLUMNS.len() <= 64);
    assert!(Resource::COLUMNS.len() <= 64);
    assert!(Exclusion::COLUMNS.len() <= 64);
    assert!(Outcome::COLUMNS.len() <= 64);
};

struct ElementCells<'s> {
    columns: &'static [&'static str],
    missing_required: &'s [bool],
    /// Receives each later occurrence of a key of the list already given in the
    /// object (the reader's buffer, empty before each element).
    twice: &'s mut Vec<Twice>,
}

impl<'de> DeserializeSeed<'de> for ElementCells<'_> {
    type Value = Element<'de>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Element<'de>, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for ElementCells<'_> {
    type Value = Element<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Element<'de>, A::Error> {
        let mut cells: Vec<Cell<'de>> = self
            .missing_required
            .iter()
            .map(|&m| if m { Cell::NoColumn } else { Cell::Empty })
            .collect();
        // The columns given so far in this object, one bit each.
        let mut given = 0u64;
        while let Some(key) = map.next_key_seed(ColumnKey(self.columns))? {
            match key {
                Some(c) => {
                    let value = map.next_value::<JsonCell<'de>>()?.0;
                    let bit = 1u64 << c;
                    if given & bit == 0 {
                        given |= bit;
                        cells[c] = value;
                    } else {
                        self.twice.push(Twice {
                            column: c,
                            first: shown(&cells[c]),
                            again: shown(&value),
                        });
                    }
                }
                None => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        Ok(Element::Object(cells))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Element<'de>, A::Error> {
        let v = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        Ok(Element::Other(shorten(v.to_string())))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Element<'de>, E> {
        Ok(Element::Other(v.to_string()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Element<'de>, E> {
        Ok(Element::Other(v.to_string()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Element<'de>, E> {
        Ok(Element::Other(v.to_string()))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Element<'de>, E> {
        Ok(Element::Other(v.to_string()))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Element<'de>, E> {
        Ok(Element::Other(shorten(Value::from(v).to_string())))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Element<'de>, E> {
        Ok(Element::Other("null".into()))
    }
}

/// The cell of one JSON value.
struct JsonCell<'de>(Cell<'de>);

impl<'de> Deserialize<'de> for JsonCell<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CellVisitor)
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = JsonCell<'de>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a json value")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(JsonCell(Cell::Text(Cow::Borrowed(v))))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(JsonCell(Cell::Text(Cow::Owned(v.to_owned()))))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(JsonCell(Cell::Text(Cow::Owned(v))))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(JsonCell(Cell::Text(Cow::Borrowed(if v {
            "true"
        } else {
            "false"
        }))))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(JsonCell(Cell::Text(Cow::Owned(v.to_string()))))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(JsonCell(Cell::Text(Cow::Owned(v.to_string()))))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        // The shortest text that reads back as the same double, as serde_json prints it.
        Ok(JsonCell(Cell::Text(Cow::Owned(Value::from(v).to_string()))))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(JsonCell(Cell::Empty))
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(JsonCell(Cell::Empty))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Self::Value, A::Error> {
        // Lists are short: read them as values, then keep the scalars' text.
        let v = Value::deserialize(SeqAccessDeserializer::new(seq))?;
        let Value::Array(items) = &v else {
            return Ok(JsonCell(Cell::Bad(shorten(v.to_string()))));
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item {
                Value::String(s) => out.push(Cow::Owned(s.clone())),
                Value::Number(n) => out.push(Cow::Owned(n.to_string())),
                Value::Bool(b) => out.push(Cow::Owned(b.to_string())),
                Value::Null => {}
                Value::Array(_) | Value::Object(_) => {
                    return Ok(JsonCell(Cell::Bad(shorten(v.to_string()))));
                }
            }
        }
        Ok(JsonCell(Cell::List(out)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Self::Value, A::Error> {
        let v = Value::deserialize(MapAccessDeserializer::new(map))?;
        Ok(JsonCell(Cell::Bad(shorten(v.to_string()))))
    }
}

/// At most 80 characters of a rendered value, for messages.
fn shorten(s: String) -> String {
    match s.char_indices().nth(80) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s,
    }
}

/// Writes records as a JSON array, one record per line (the `Serialize` form: spec
/// field names; see `to_writer_lines`).
///
/// # Errors
/// The underlying I/O error.
pub fn write<R: Serialize>(mut writer: impl std::io::Write, records: &[R]) -> std::io::Result<()> {
    to_writer_lines(&mut writer, records)?;
    writer.write_all(b"\n")
}

/// Writes `value` as JSON with one line per record: an object or array that is an
/// element of an array (a need, a pair) is written compactly on its own line; every
/// other container is broken over lines, indented by two spaces a level, as pretty
/// JSON is. A state's lists then read and diff line by line, at about 70% of the size
/// of fully pretty JSON (a province's needs: 315 MB instead of 434 MB).
///
/// # Errors
/// The underlying I/O error.
pub(crate) fn to_writer_lines<W: std::io::Write, T: Serialize + ?Sized>(
    writer: W,
    value: &T,
) -> std::io::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(writer, RecordLines::default());
    value.serialize(&mut ser).map_err(std::io::Error::from)
}

/// The formatter of [`to_writer_lines`]: for each open container, whether it is an
/// array and whether it is written on one line.
#[derive(Default)]
struct RecordLines {
    open: Vec<(bool, bool)>,
    /// Whether the innermost open container has a value yet (as `PrettyFormatter`).
    has_value: bool,
}

impl RecordLines {
    /// Opens a container: on one line if the enclosing one is, or is an array.
    fn begin<W: ?Sized + std::io::Write>(&mut self, w: &mut W, array: bool) -> std::io::Result<()> {
        let inline = self.open.last().is_some_and(|&(a, one)| a || one);
        self.open.push((array, inline));
        self.has_value = false;
        w.write_all(if array { b"[" } else { b"{" })
    }

    fn end<W: ?Sized + std::io::Write>(&mut self, w: &mut W, array: bool) -> std::io::Result<()> {
        let (_, inline) = self.open.pop().unwrap_or((array, true));
        if self.has_value && !inline {
            self.new_line(w)?;
        }
        w.write_all(if array { b"]" } else { b"}" })
    }

    /// Before an element or a key: a comma after the first, and a new line when the
    /// container is broken over lines.
    fn item<W: ?Sized + std::io::Write>(&mut self, w: &mut W, first: bool) -> std::io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        match self.open.last() {
            Some(&(_, false)) => self.new_line(w),
            _ => Ok(()),
        }
    }

    fn new_line<W: ?Sized + std::io::Write>(&self, w: &mut W) -> std::io::Result<()> {
        w.write_all(b"\n")?;
        for _ in 0..self.open.len() {
            w.write_all(b"  ")?;
        }
        Ok(())
    }
}

impl serde_json::ser::Formatter for RecordLines {
    fn begin_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.begin(w, true)
    }
    fn end_array<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.end(w, true)
    }
    fn begin_array_value<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn end_array_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
    fn begin_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.begin(w, false)
    }
    fn end_object<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        self.end(w, false)
    }
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        w: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        self.item(w, first)
    }
    fn begin_object_value<W: ?Sized + std::io::Write>(&mut self, w: &mut W) -> std::io::Result<()> {
        match self.open.last() {
            Some(&(_, false)) => w.write_all(b": "),
            _ => w.write_all(b":"),
        }
    }
    fn end_object_value<W: ?Sized + std::io::Write>(&mut self, _: &mut W) -> std::io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
// A failed unwrap is the test's failure report.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    /// Records (containers inside arrays) on one line each, everything else broken
    /// over lines; empty containers stay `[]` and `{}`; the text reads back as the value.
    #[test]
    fn record_lines_put_each_record_on_a_line() {
        let value = serde_json::json!({
            "a": [{"x": [1, 2], "y": {}}, {"z": null}],
            "b": {"c": [], "d": {"e": "é,\n"}},
            "f": [[1, 2], [3]],
            "g": []
        });
        let mut out = Vec::new();
        to_writer_lines(&mut out, &value).unwrap();
        let text = String::from_utf8(out).unwrap();
        let want = "{\n  \"a\": [\n    {\"x\":[1,2],\"y\":{}},\n    {\"z\":null}\n  ],\n  \
                    \"b\": {\n    \"c\": [],\n    \"d\": {\n      \"e\": \"é,\\n\"\n    }\n  },\n  \
                    \"f\": [\n    [1,2],\n    [3]\n  ],\n  \"g\": []\n}";
        assert_eq!(text, want);
        assert_eq!(serde_json::from_str::<Value>(&text).unwrap(), value);
    }
}
