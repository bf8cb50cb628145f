//! Cell-level parsing shared by the CSV and JSON readers, and the per-record schemas.
//!
//! A reader turns each record into a row of [`Cell`]s in the order of the record's
//! `COLUMNS`, then the record's `parse_row` reads them through a [`RowParser`], which
//! validates every cell and records every problem (with file, row, column and value)
//! instead of stopping at the first. A record with any problem yields `None`.

use std::borrow::Cow;
use std::collections::HashMap;

use crate::date::Date;
use crate::division::{AreaPrefix, Division};
use crate::error::{InputProblem, ProblemKind};
use crate::model::{Exclusion, Need, Outcome, Quantity, QuantityError, Resource};
use crate::taxonomy::{EnumSet, Term, parse_bool, split_list};

use super::{ListKind, Record};

/// One cell of a record, as the reader found it.
#[derive(Debug, Clone)]
pub enum Cell<'a> {
    /// Empty text, JSON `null`, a missing key, or a short CSV row.
    Empty,
    /// The whole column is missing from the header (already reported once).
    NoColumn,
    /// Text (not yet trimmed).
    Text(Cow<'a, str>),
    /// A JSON array of scalars (each already rendered as text).
    List(Vec<Cow<'a, str>>),
    /// A JSON value of the wrong type (object, nested array), rendered for the message.
    Bad(String),
    /// Refused before parsing (longer than the limit) and already reported.
    Rejected,
}

/// The first 32 characters of a value, for a problem about a value too long to repeat.
fn head(s: &str) -> String {
    match s.char_indices().nth(32) {
        Some((at, _)) => format!("{}…", &s[..at]),
        None => s.to_owned(),
    }
}

/// The problems found so far, up to a limit.
#[derive(Debug)]
pub struct Problems {
    pub list: Vec<InputProblem>,
    limit: usize,
    pub truncated: bool,
}

impl Problems {
    pub fn new(limit: usize) -> Problems {
        Problems {
            list: Vec::new(),
            limit: limit.max(1),
            truncated: false,
        }
    }

    pub fn push(&mut self, p: InputProblem) {
        if self.list.len() >= self.limit {
            self.truncated = true;
        } else {
            self.list.push(p);
        }
    }

    /// True once a problem had to be dropped: reading may stop.
    pub fn full(&self) -> bool {
        self.truncated
    }

    pub fn into_result<T>(self, ok: T) -> crate::Result<T> {
        if self.list.is_empty() {
            Ok(ok)
        } else {
            Err(crate::Error::Invalid {
                problems: self.list,
                truncated: self.truncated,
            })
        }
    }
}

/// Reads the cells of one record, recording each problem.
#[derive(Debug)]
pub struct RowParser<'a, 'p> {
    file: &'p str,
    row: usize,
    columns: &'static [&'static str],
    cells: Vec<Cell<'a>>,
    problems: &'p mut Problems,
    failed: bool,
}

/// The outcome of reading one scalar cell.
enum Scalar<'a> {
    /// Empty or blank.
    Empty,
    /// The column is missing (reported once for the file).
    NoColumn,
    /// Trimmed, non-empty text.
    Value(Cow<'a, str>),
    /// Wrong shape (already reported).
    Bad,
}

impl<'a, 'p> RowParser<'a, 'p> {
    pub fn new(
        file: &'p str,
        row: usize,
        columns: &'static [&'static str],
        cells: Vec<Cell<'a>>,
        problems: &'p mut Problems,
    ) -> Self {
        RowParser {
            file,
            row,
            columns,
            cells,
            problems,
            failed: false,
        }
    }

    pub fn failed(&self) -> bool {
        self.failed
    }

    pub fn problem(&mut self, i: usize, kind: ProblemKind, value: &str, message: String) {
        self.failed = true;
        self.problems.push(InputProblem {
            file: self.file.to_owned(),
            row: self.row,
            column: self.columns[i].to_owned(),
            value: value.to_owned(),
            kind,
            message,
        });
    }

    fn take(&mut self, i: usize) -> Cell<'a> {
        let cell = match self.cells.get_mut(i) {
            Some(c) => std::mem::replace(c, Cell::Empty),
            None => Cell::Empty,
        };
        let bytes = match &cell {
            Cell::Text(t) => t.len(),
            Cell::List(items) => items.iter().map(|t| t.len() + 1).sum(),
            Cell::Bad(shown) => shown.len(),
            Cell::Empty | Cell::NoColumn | Cell::Rejected => 0,
        };
        if bytes > super::MAX_FIELD_BYTES {
            let shown = match &cell {
                Cell::Text(t) => head(t),
                Cell::List(items) => {
                    head(&items.first().map(|t| t.to_string()).unwrap_or_default())
                }
                Cell::Bad(shown) => head(shown),
                Cell::Empty | Cell::NoColumn | Cell::Rejected => String::new(),
            };
            let msg = format!(
                "{} is {bytes} bytes long, above the limit of {} (MAX_FIELD_BYTES)",
                self.columns[i],
                super::MAX_FIELD_BYTES
            );
            self.problem(i, ProblemKind::TooLong, &shown, msg);
            return Cell::Rejected;
        }
        cell
    }

    fn scalar(&mut self, i: usize) -> Scalar<'a> {
        match self.take(i) {
            Cell::Empty => Scalar::Empty,
            Cell::NoColumn => Scalar::NoColumn,
            Cell::Rejected => Scalar::Bad,
            Cell::Text(t) => trimmed(t).map_or(Scalar::Empty, Scalar::Value),
            Cell::List(items) => {
                let shown = items.join(";");
                self.problem(
                    i,
                    ProblemKind::BadShape,
                    &shown,
                    format!("expected one value, not a list, in {}", self.columns[i]),
                );
                Scalar::Bad
            }
            Cell::Bad(shown) => {
                self.problem(
                    i,
                    ProblemKind::BadShape,
                    &shown,
                    format!("expected text or a number in {}", self.columns[i]),
                );
                Scalar::Bad
            }
        }
    }

    /// The items of a list cell (`;`/`；` separated text or a JSON array), trimmed,
    /// without empty items; `None` if the column is missing or the shape is wrong.
    fn list(&mut self, i: usize) -> Option<Vec<Cow<'a, str>>> {
        let items = self.list_items(i)?;
        if items.len() > super::MAX_LIST_ITEMS {
            let msg = format!(
                "{} has {} items, above the limit of {} (MAX_LIST_ITEMS)",
                self.columns[i],
                items.len(),
                super::MAX_LIST_ITEMS
            );
            self.problem(i, ProblemKind::TooLong, &head(&items[0]), msg);
            return None;
        }
        Some(items)
    }

    fn list_items(&mut self, i: usize) -> Option<Vec<Cow<'a, str>>> {
        match self.take(i) {
            Cell::Empty => Some(Vec::new()),
            Cell::NoColumn => None,
            Cell::Rejected => None,
            Cell::Text(t) => Some(match t {
                Cow::Borrowed(b) => split_list(b).map(Cow::Borrowed).collect(),
                Cow::Owned(o) => split_list(&o).map(|s| Cow::Owned(s.to_owned())).collect(),
            }),
            Cell::List(items) => Some(items.into_iter().filter_map(trimmed).collect()),
            Cell::Bad(shown) => {
                self.problem(
                    i,
                    ProblemKind::BadShape,
                    &shown,
                    format!("expected a list of values in {}", self.columns[i]),
                );
                None
            }
        }
    }

    fn missing(&mut self, i: usize) {
        let msg = format!("{} is required", self.columns[i]);
        self.problem(i, ProblemKind::MissingValue, "", msg);
    }

    /// A required value: reports an empty cell. `None` if empty, missing or bad.
    fn required(&mut self, i: usize) -> Option<Cow<'a, str>> {
        match self.scalar(i) {
            Scalar::Value(v) => Some(v),
            Scalar::Empty => {
                self.missing(i);
                None
            }
            Scalar::NoColumn => {
                self.failed = true;
                None
            }
            Scalar::Bad => None,
        }
    }

    /// An optional value: `None` if empty (or missing column, or bad: then reported).
    fn optional(&mut self, i: usize) -> Option<Cow<'a, str>> {
        match self.scalar(i) {
            Scalar::Value(v) => Some(v),
            _ => None,
        }
    }

    /// A required id: non-empty, and not something a spreadsheet made of an id or would
    /// run as a formula (see [`id_problem`]).
    pub fn id(&mut self, i: usize) -> Option<String> {
        let s = self.required(i)?;
        if let Some(msg) = id_problem(self.columns[i], &s) {
            self.problem(i, ProblemKind::BadId, &s, msg);
            return None;
        }
        Some(s.into_owned())
    }

    /// Optional free text; empty if absent.
    pub fn free_text(&mut self, i: usize) -> String {
        self.optional(i).map(Cow::into_owned).unwrap_or_default()
    }

    fn term_of<T: Term>(&mut self, i: usize, s: &str) -> Option<T> {
        let v = T::parse(s);
        if v.is_none() {
            let msg = format!("unknown {} {:?}", T::WHAT, s);
            self.problem(i, ProblemKind::UnknownValue, s, msg);
        }
        v
    }

    /// A required enumerated value.
    pub fn term<T: Term>(&mut self, i: usize) -> Option<T> {
        let s = self.required(i)?;
        self.term_of(i, &s)
    }

    /// An optional enumerated value (`None` if empty).
    pub fn opt_term<T: Term>(&mut self, i: usize) -> Option<T> {
        let s = self.optional(i)?;
        self.term_of(i, &s)
    }

    /// An enumerated value with a default for an empty cell.
    pub fn term_or_default<T: Term + Default>(&mut self, i: usize) -> T {
        self.opt_term(i).unwrap_or_default()
    }

    /// A set of enumerated values; every unknown item is reported. If `required`, an
    /// empty list is reported too.
    pub fn set<T: Term>(&mut self, i: usize, required: bool) -> EnumSet<T> {
        let Some(items) = self.list(i) else {
            if required {
                self.failed = true;
            }
            return EnumSet::EMPTY;
        };
        if required && items.is_empty() {
            self.missing(i);
        }
        let mut set = EnumSet::EMPTY;
        for item in items {
            if let Some(v) = self.term_of::<T>(i, &item) {
                set.insert(v);
            }
        }
        set
    }

    /// A required division code.
    pub fn division(&mut self, i: usize) -> Option<Division> {
        let s = self.required(i)?;
        match Division::parse(&s) {
            Ok(d) => Some(d),
            Err(e) => {
                let msg = if excel_scientific(&s) {
                    format!("bad division code {s:?}: {SCIENTIFIC}")
                } else {
                    format!("bad division code {s:?}: {e}")
                };
                self.problem(i, ProblemKind::BadDivision, &s, msg);
                None
            }
        }
    }

    /// A required, non-empty list of area prefixes; every bad item is reported.
    pub fn areas(&mut self, i: usize) -> Vec<AreaPrefix> {
        let Some(items) = self.list(i) else {
            self.failed = true;
            return Vec::new();
        };
        if items.is_empty() {
            self.missing(i);
        }
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match AreaPrefix::parse(&item) {
                Ok(a) => {
                    if !out.contains(&a) {
                        out.push(a);
                    }
                }
                Err(e) => {
                    let msg = if excel_scientific(&item) {
                        format!("bad area prefix {item:?}: {SCIENTIFIC}")
                    } else {
                        format!("bad area prefix {item:?}: {e}")
                    };
                    self.problem(i, ProblemKind::BadDivision, &item, msg);
                }
            }
        }
        out
    }

    /// A required boolean.
    pub fn boolean(&mut self, i: usize) -> Option<bool> {
        let s = self.required(i)?;
        let v = parse_bool(&s);
        if v.is_none() {
            let msg = format!("expected true/false (是/否), not {s:?}");
            self.problem(i, ProblemKind::BadBool, &s, msg);
        }
        v
    }

    /// An optional quantity within `bound`: above its limit, or 0 where 0 is refused, is
    /// a [`ProblemKind::BadNumber`] problem (the message names the limit's constant, or
    /// what to write instead of 0).
    pub fn quantity(&mut self, i: usize, bound: Bound) -> Option<Quantity> {
        let s = self.optional(i)?;
        let column = self.columns[i];
        let (limit, name) = bound.limit;
        let over = || format!("bad {column} {s:?}: above the limit of {limit} ({name})");
        match Quantity::parse(&s) {
            Ok(q) if q.is_zero() && bound.positive.is_some() => {
                let why = bound.positive.unwrap_or_default();
                let msg = format!("bad {column} {s:?}: must be at least 0.01 ({why})");
                self.problem(i, ProblemKind::BadNumber, &s, msg);
                None
            }
            Ok(q) if q.hundredths() > limit.saturating_mul(100) => {
                self.problem(i, ProblemKind::BadNumber, &s, over());
                None
            }
            Ok(q) => Some(q),
            Err(QuantityError::TooLarge) => {
                self.problem(i, ProblemKind::BadNumber, &s, over());
                None
            }
            Err(e) => {
                let kind = if e == QuantityError::Negative {
                    ProblemKind::Negative
                } else {
                    ProblemKind::BadNumber
                };
                let msg = format!("bad {column} {s:?}: {e}");
                self.problem(i, kind, &s, msg);
                None
            }
        }
    }

    fn whole_of(&mut self, i: usize, s: &str, min: u32, max: u32) -> Option<u32> {
        self.whole_named(i, s, min, (max, None))
    }

    /// [`Self::whole_of`], where a value above `max.0` names the limit `max.1` if given.
    fn whole_named(
        &mut self,
        i: usize,
        s: &str,
        min: u32,
        (max, limit): (u32, Option<&str>),
    ) -> Option<u32> {
        // Whole numbers; a zero fraction ("13.0", from float exports) is accepted.
        let int = match s.split_once('.') {
            Some((int, frac)) if !frac.is_empty() && frac.bytes().all(|b| b == b'0') => int,
            Some(_) => "",
            None => s,
        };
        let digits = !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit());
        // Digits too many for a u64 are above any limit.
        let parsed = digits.then(|| int.parse::<u64>().unwrap_or(u64::MAX));
        match (parsed, limit) {
            (Some(v), _) if v >= u64::from(min) && v <= u64::from(max) => Some(v as u32),
            (Some(v), Some(name)) if v > u64::from(max) => {
                let msg = format!(
                    "bad {} {s:?}: above the limit of {max} ({name})",
                    self.columns[i]
                );
                self.problem(i, ProblemKind::BadNumber, s, msg);
                None
            }
            _ => {
                let kind = if s.starts_with('-') {
                    ProblemKind::Negative
                } else {
                    ProblemKind::BadNumber
                };
                let msg = format!(
                    "bad {} {s:?}: expected a whole number from {min} to {max}",
                    self.columns[i]
                );
                self.problem(i, kind, s, msg);
                None
            }
        }
    }

    /// An optional whole number in `min..=max`.
    pub fn whole(&mut self, i: usize, min: u32, max: u32) -> Option<u32> {
        let s = self.optional(i)?;
        self.whole_of(i, &s, min, max)
    }

    /// A required whole number in `min..=max.0`; above `max.0` is a problem naming the
    /// limit `max.1` (a constant of [`super`]).
    pub fn whole_required(&mut self, i: usize, min: u32, max: (u32, &'static str)) -> Option<u32> {
        let s = self.required(i)?;
        self.whole_named(i, &s, min, (max.0, Some(max.1)))
    }

    /// An optional ISO date.
    pub fn date(&mut self, i: usize) -> Option<Date> {
        let s = self.optional(i)?;
        match Date::parse(&s) {
            Ok(d) => Some(d),
            Err(e) => {
                let msg = format!("bad date {s:?}: {e}");
                self.problem(i, ProblemKind::BadDate, &s, msg);
                None
            }
        }
    }
}

/// The bounds of a quantity cell beyond being a [`Quantity`].
#[derive(Debug, Clone, Copy)]
pub struct Bound {
    /// The largest value in whole units, and the name of its constant.
    limit: (u64, &'static str),
    /// `Some(hint)` if 0 is refused; the hint says what to write instead.
    positive: Option<&'static str>,
}

impl Bound {
    /// A need's `quantity`: 0.01 up to [`super::MAX_QUANTITY`].
    const QUANTITY: Bound = Bound {
        limit: (super::MAX_QUANTITY, "MAX_QUANTITY"),
        positive: Some("an empty cell means the default, 1"),
    };
    /// A resource's `max_per_need`: 0.01 up to [`super::MAX_QUANTITY`].
    const PER_NEED: Bound = Bound {
        limit: (super::MAX_QUANTITY, "MAX_QUANTITY"),
        positive: Some("leave the cell empty for no limit per need"),
    };
    /// `income_per_capita`: 0 up to [`super::MAX_QUANTITY`].
    const INCOME: Bound = Bound {
        limit: (super::MAX_QUANTITY, "MAX_QUANTITY"),
        positive: None,
    };
    /// A resource's `budget`: 0 up to [`super::MAX_BUDGET`].
    const BUDGET: Bound = Bound {
        limit: (super::MAX_BUDGET, "MAX_BUDGET"),
        positive: None,
    };
}

/// The tail of a message about a value a spreadsheet turned into scientific notation.
const SCIENTIFIC: &str = "the spreadsheet turned a long number into scientific notation \
     (format the column as text and export again)";

/// True if `s` (trimmed) looks like a long number a spreadsheet wrote in scientific
/// notation: an optional sign, one digit, optionally a point and digits, then `E` or
/// `e`, an optional `+` and one to three digits (`6.10122E+17`, `6.1E+11`, `-6.1e+11`,
/// and `6.10122e17` from a JSON number). The digits it stood for are lost: Excel keeps
/// 15 significant digits and shows fewer. Used for ids, division codes and area
/// prefixes.
pub fn excel_scientific(s: &str) -> bool {
    let b = s.trim().as_bytes();
    let b = b
        .strip_prefix(b"+")
        .or_else(|| b.strip_prefix(b"-"))
        .unwrap_or(b);
    let Some((first, rest)) = b.split_first() else {
        return false;
    };
    if !first.is_ascii_digit() {
        return false;
    }
    let rest = match rest.strip_prefix(b".") {
        Some(frac) => {
            let n = frac.iter().take_while(|c| c.is_ascii_digit()).count();
            if n == 0 {
                return false;
            }
            &frac[n..]
        }
        None => rest,
    };
    let Some(exp) = rest.strip_prefix(b"E").or_else(|| rest.strip_prefix(b"e")) else {
        return false;
    };
    let exp = exp.strip_prefix(b"+").unwrap_or(exp);
    (1..=3).contains(&exp.len()) && exp.iter().all(u8::is_ascii_digit)
}

/// The characters that start a formula when a CSV file is opened in a spreadsheet.
const FORMULA_STARTS: [char; 4] = ['=', '+', '-', '@'];

/// What is wrong with an id (trimmed, non-empty) of `column`, if anything:
/// - a control character (a line break from Alt+Enter, a tab, NUL, any other C0 or C1
///   control) cannot be told apart on screen and breaks the rows of every output;
/// - a long number in scientific notation ([`excel_scientific`]) has lost its digits,
///   so unrelated households would merge;
/// - a leading `=`, `+`, `-` or `@` would run as a formula when the results are opened
///   in a spreadsheet (CSV injection).
///
/// The id itself is pseudonymous and named in the message, as in duplicate-id problems.
pub fn id_problem(column: &str, s: &str) -> Option<String> {
    if let Some((at, c)) = s.chars().enumerate().find(|(_, c)| c.is_control()) {
        return Some(format!(
            "{column} contains the control character U+{:04X} at character {} \
             (a line break, tab or other invisible character pasted into the cell)",
            u32::from(c),
            at + 1
        ));
    }
    if excel_scientific(s) {
        return Some(format!("{column} {s:?} is not an id: {SCIENTIFIC}"));
    }
    let first = s.chars().next()?;
    if FORMULA_STARTS.contains(&first) {
        // The value is not repeated here: the problem's value is shown after the message.
        return Some(format!(
            "{column} starts with {first:?}: it would run as a formula when the results \
             are opened in a spreadsheet (csv injection); remove the {first:?}"
        ));
    }
    None
}

/// The longest header text checked for a misspelling (longer ones are other columns).
const MISSPELLING_MAX_BYTES: usize = 64;

/// The column of `columns` that the unknown header `name` probably misspells, among the
/// columns the file lacks (`present[c]` false): a header that nearly spells a column
/// the file has anyway is another column (`reason` beside `region`).
///
/// A near miss, best first: the same letters ignoring case, spaces, hyphens and
/// underscores (`Urgency`, `max per need`, `householdId`); the same up to a plural
/// ending `s`, `es` or `ies`/`y` (`status` for `statuses`, `categories`); or, for names
/// of 5 characters or more, at most 2 edits apart (`catgeory`, `reported_date`).
/// Ties go to the column listed first.
pub fn misspelled_column(
    name: &str,
    columns: &[&'static str],
    present: &[bool],
) -> Option<&'static str> {
    let name = name.trim();
    if name.is_empty() || name.len() > MISSPELLING_MAX_BYTES || columns.contains(&name) {
        return None;
    }
    let lower = name.to_lowercase();
    let squashed: String = lower
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '_'))
        .collect();
    let spelled: Vec<char> = lower
        .chars()
        .map(|c| if matches!(c, ' ' | '-') { '_' } else { c })
        .collect();
    let mut best: Option<(usize, &'static str)> = None;
    for (&col, _) in columns.iter().zip(present).filter(|(_, p)| !**p) {
        let col_squashed: String = col.chars().filter(|&c| c != '_').collect();
        let score = if squashed == col_squashed {
            0
        } else if singulars(&squashed)
            .iter()
            .any(|s| singulars(&col_squashed).contains(s))
        {
            1
        } else {
            let col_chars: Vec<char> = col.chars().collect();
            if spelled.len() < 5 || col_chars.len() < 5 {
                continue;
            }
            match levenshtein(&spelled, &col_chars) {
                d @ 1..=2 => 1 + d,
                _ => continue,
            }
        };
        if best.is_none_or(|(b, _)| score < b) {
            best = Some((score, col));
        }
    }
    best.map(|(_, col)| col)
}

/// A word and the singulars it may be the plural of (`statuses` → `status`).
fn singulars(w: &str) -> Vec<String> {
    let mut out = vec![w.to_owned()];
    if let Some(s) = w.strip_suffix("ies") {
        out.push(format!("{s}y"));
    }
    if let Some(s) = w.strip_suffix("es") {
        out.push(s.to_owned());
    }
    if let Some(s) = w.strip_suffix('s') {
        out.push(s.to_owned());
    }
    out.retain(|s| !s.is_empty());
    out
}

/// The edit distance (insertions, deletions, substitutions) of two short strings.
fn levenshtein(a: &[char], b: &[char]) -> usize {
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.iter().enumerate() {
        cur[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The problem of a header `name` that misspells `meant` (see [`misspelled_column`]).
/// `place` says where it is: `column 7` in CSV, `key` in JSON (the row is then the
/// first object holding it).
pub fn misspelled_problem(
    file: &str,
    row: usize,
    list: ListKind,
    name: &str,
    place: &str,
    meant: &str,
) -> InputProblem {
    InputProblem {
        file: file.to_owned(),
        row,
        column: name.to_owned(),
        value: name.to_owned(),
        kind: ProblemKind::MisspelledColumn,
        message: format!(
            "{place} {name:?} is not a column of the {} list but looks like {meant}: \
             rename it to {meant} (a column with another name is ignored, so its values \
             would be lost)",
            list.label()
        ),
    }
}

fn trimmed(t: Cow<'_, str>) -> Option<Cow<'_, str>> {
    let s = t.trim();
    if s.is_empty() {
        None
    } else if s.len() == t.len() {
        Some(t)
    } else {
        Some(match t {
            Cow::Borrowed(b) => Cow::Borrowed(b.trim()),
            Cow::Owned(o) => Cow::Owned(o.trim().to_owned()),
        })
    }
}

/// The parsing and writing half of [`Record`], private to the crate.
pub trait Sealed: Sized {
    /// Reads one record from its cells; `None` if any cell had a problem.
    #[doc(hidden)]
    fn parse_row(row: &mut RowParser<'_, '_>) -> Option<Self>;
    /// The unique id column and value, if this list has one.
    #[doc(hidden)]
    fn unique_id(&self) -> Option<(usize, &str)>;
    /// The cells in the order of `COLUMNS`, as written to CSV.
    #[doc(hidden)]
    fn cells(&self) -> Vec<String>;
}

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

const NEED_COLUMNS: &[&str] = &[
    "need_id",
    "household_id",
    "region",
    "statuses",
    "category",
    "form",
    "quantity",
    "urgency",
    "consent",
    "gov_programs",
    "income_per_capita",
    "household_size",
    "age",
    "gender",
    "reported_at",
];

/// The oldest age accepted (years).
const MAX_AGE: u32 = 150;

impl Record for Need {
    const KIND: ListKind = ListKind::Needs;
    const COLUMNS: &'static [&'static str] = NEED_COLUMNS;
    const REQUIRED: &'static [&'static str] =
        &["need_id", "household_id", "region", "category", "consent"];
}

impl Sealed for Need {
    fn parse_row(r: &mut RowParser<'_, '_>) -> Option<Need> {
        let need_id = r.id(0);
        let household_id = r.id(1);
        let region = r.division(2);
        let statuses = r.set(3, false);
        let category = r.term(4);
        let form = r.term_or_default(5);
        let quantity = r
            .quantity(6, Bound::QUANTITY)
            .unwrap_or(Need::DEFAULT_QUANTITY);
        let urgency = r.term_or_default(7);
        let consent = r.boolean(8);
        let gov_programs = r.set(9, false);
        let income_per_capita = r.quantity(10, Bound::INCOME);
        let household_size = r.whole(11, 1, 1000);
        let age = r.whole(12, 0, MAX_AGE);
        let gender = r.opt_term(13);
        let reported_at = r.date(14);
        if r.failed() {
            return None;
        }
        Some(Need {
            need_id: need_id?,
            household_id: household_id?,
            region: region?,
            statuses,
            category: category?,
            form,
            quantity,
            urgency,
            consent: consent?,
            gov_programs,
            income_per_capita,
            household_size,
            age,
            gender,
            reported_at,
        })
    }

    fn unique_id(&self) -> Option<(usize, &str)> {
        Some((0, &self.need_id))
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.need_id.clone(),
            self.household_id.clone(),
            self.region.to_string(),
            self.statuses.to_list_string(),
            self.category.as_str().to_owned(),
            self.form.as_str().to_owned(),
            self.quantity.to_string(),
            self.urgency.as_str().to_owned(),
            self.consent.to_string(),
            self.gov_programs.to_list_string(),
            opt(self.income_per_capita),
            opt(self.household_size),
            opt(self.age),
            opt(self.gender),
            opt(self.reported_at),
        ]
    }
}

const RESOURCE_COLUMNS: &[&str] = &[
    "resource_id",
    "provider_id",
    "provider_kind",
    "categories",
    "form",
    "capacity",
    "budget",
    "max_per_need",
    "area",
    "eligible_statuses",
    "priority_statuses",
    "min_age",
    "max_age",
    "gender",
    "valid_from",
    "valid_to",
];

impl Record for Resource {
    const KIND: ListKind = ListKind::Supply;
    const COLUMNS: &'static [&'static str] = RESOURCE_COLUMNS;
    const REQUIRED: &'static [&'static str] = &[
        "resource_id",
        "provider_id",
        "provider_kind",
        "categories",
        "capacity",
        "area",
    ];
}

impl Sealed for Resource {
    fn parse_row(r: &mut RowParser<'_, '_>) -> Option<Resource> {
        let resource_id = r.id(0);
        let provider_id = r.id(1);
        let provider_kind = r.term(2);
        let categories = r.set(3, true);
        let form = r.term_or_default(4);
        let capacity = r.whole_required(5, 0, (super::MAX_CAPACITY, "MAX_CAPACITY"));
        let budget = r.quantity(6, Bound::BUDGET);
        let max_per_need = r.quantity(7, Bound::PER_NEED);
        let area = r.areas(8);
        let eligible_statuses = r.set(9, false);
        let priority_statuses = r.set(10, false);
        let min_age = r.whole(11, 0, MAX_AGE);
        let max_age = r.whole(12, 0, MAX_AGE);
        let gender = r.opt_term(13);
        let valid_from = r.date(14);
        let valid_to = r.date(15);
        if let (Some(lo), Some(hi)) = (min_age, max_age) {
            if lo > hi {
                let msg = format!("max_age {hi} is below min_age {lo}");
                r.problem(12, ProblemKind::Inconsistent, &hi.to_string(), msg);
            }
        }
        if let (Some(from), Some(to)) = (valid_from, valid_to) {
            if from > to {
                let msg = format!("valid_to {to} is before valid_from {from}");
                r.problem(15, ProblemKind::Inconsistent, &to.to_string(), msg);
            }
        }
        if r.failed() {
            return None;
        }
        Some(Resource {
            resource_id: resource_id?,
            provider_id: provider_id?,
            provider_kind: provider_kind?,
            categories,
            form,
            capacity: capacity?,
            budget,
            max_per_need,
            area,
            eligible_statuses,
            priority_statuses,
            min_age,
            max_age,
            gender,
            valid_from,
            valid_to,
        })
    }

    fn unique_id(&self) -> Option<(usize, &str)> {
        Some((0, &self.resource_id))
    }

    fn cells(&self) -> Vec<String> {
        let area: Vec<String> = self.area.iter().map(ToString::to_string).collect();
        vec![
            self.resource_id.clone(),
            self.provider_id.clone(),
            self.provider_kind.as_str().to_owned(),
            self.categories.to_list_string(),
            self.form.as_str().to_owned(),
            self.capacity.to_string(),
            opt(self.budget),
            opt(self.max_per_need),
            area.join(";"),
            self.eligible_statuses.to_list_string(),
            self.priority_statuses.to_list_string(),
            opt(self.min_age),
            opt(self.max_age),
            opt(self.gender),
            opt(self.valid_from),
            opt(self.valid_to),
        ]
    }
}

impl Record for Exclusion {
    const KIND: ListKind = ListKind::Exclusions;
    const COLUMNS: &'static [&'static str] = &["household_id", "provider_id", "reason"];
    const REQUIRED: &'static [&'static str] = &["household_id", "provider_id"];
}

impl Sealed for Exclusion {
    fn parse_row(r: &mut RowParser<'_, '_>) -> Option<Exclusion> {
        let household_id = r.id(0);
        let provider_id = r.id(1);
        let reason = r.free_text(2);
        if r.failed() {
            return None;
        }
        Some(Exclusion {
            household_id: household_id?,
            provider_id: provider_id?,
            reason,
        })
    }

    fn unique_id(&self) -> Option<(usize, &str)> {
        None
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.household_id.clone(),
            self.provider_id.clone(),
            self.reason.clone(),
        ]
    }
}

impl Record for Outcome {
    const KIND: ListKind = ListKind::Outcomes;
    const COLUMNS: &'static [&'static str] = &[
        "need_id",
        "resource_id",
        "status",
        "at",
        "note",
        "declined_by",
        "reason",
    ];
    const REQUIRED: &'static [&'static str] = &["need_id", "resource_id", "status"];
}

impl Sealed for Outcome {
    fn parse_row(r: &mut RowParser<'_, '_>) -> Option<Outcome> {
        let need_id = r.id(0);
        let resource_id = r.id(1);
        let status = r.term(2);
        let at = r.date(3);
        let note = r.free_text(4);
        let declined_by = r.opt_term(5);
        let reason = r.opt_term(6);
        if r.failed() {
            return None;
        }
        Some(Outcome {
            need_id: need_id?,
            resource_id: resource_id?,
            status: status?,
            at,
            note,
            declined_by,
            reason,
        })
    }

    fn unique_id(&self) -> Option<(usize, &str)> {
        None
    }

    fn cells(&self) -> Vec<String> {
        vec![
            self.need_id.clone(),
            self.resource_id.clone(),
            self.status.as_str().to_owned(),
            opt(self.at),
            self.note.clone(),
            opt(self.declined_by),
            opt(self.reason),
        ]
    }
}

/// Checks ids for duplicates as records arrive.
///
/// While every id is greater than the one before (a state's lists and most exports are
/// in id order), a duplicate could only equal the last one, so no set of ids is kept:
/// one comparison per record. At the first id not above the last, the set is built from
/// the records read so far and every later id is looked up in it.
pub struct UniqueIds {
    /// Whether the ids so far ascend strictly.
    ascending: bool,
    /// While ascending: the row of each record with an id, in order (to seed `seen`).
    rows: Vec<usize>,
    /// Once not ascending: every id with the row it was first seen at.
    seen: HashMap<String, usize>,
}

impl UniqueIds {
    pub fn new() -> Self {
        UniqueIds {
            ascending: true,
            rows: Vec::new(),
            seen: HashMap::new(),
        }
    }

    /// Reports `record`'s id if an earlier row had it. `earlier` are the records checked
    /// before it, in order (the reader's output so far).
    pub fn check<R: Record>(
        &mut self,
        earlier: &[R],
        record: &R,
        file: &str,
        row: usize,
        problems: &mut Problems,
    ) {
        let Some((col, id)) = record.unique_id() else {
            return;
        };
        if self.ascending {
            let last = earlier.iter().rev().find_map(R::unique_id);
            if last.is_none_or(|(_, last)| last < id) {
                self.rows.push(row);
                return;
            }
            self.ascending = false;
            let ids = earlier.iter().filter_map(R::unique_id);
            self.seen.reserve(self.rows.len() * 2);
            for ((_, seen), &at) in ids.zip(&self.rows) {
                self.seen.insert(seen.to_owned(), at);
            }
            self.rows = Vec::new();
        }
        if let Some(&first) = self.seen.get(id) {
            let column = R::COLUMNS[col];
            problems.push(InputProblem {
                file: file.to_owned(),
                row,
                column: column.to_owned(),
                value: id.to_owned(),
                kind: ProblemKind::DuplicateId,
                message: format!("duplicate {column} {id:?} (first at row {first})"),
            });
        } else {
            self.seen.insert(id.to_owned(), row);
        }
    }
}

/// Reports the header problems: required columns absent, known columns given twice.
/// `present` lists the header names (trimmed); returns for each of `R::COLUMNS` the
/// position in the header (the first, if given twice).
pub fn map_header<R: Record>(
    present: &[&str],
    file: &str,
    header_row: usize,
    problems: &mut Problems,
) -> Vec<Option<usize>> {
    let mut map = vec![None; R::COLUMNS.len()];
    for (pos, name) in present.iter().enumerate() {
        if let Some(c) = R::COLUMNS.iter().position(|col| col == name) {
            if map[c].is_some() {
                problems.push(InputProblem {
                    file: file.to_owned(),
                    row: header_row,
                    column: (*name).to_owned(),
                    value: (*name).to_owned(),
                    kind: ProblemKind::DuplicateColumn,
                    message: format!("column {name} appears twice in the header"),
                });
            } else {
                map[c] = Some(pos);
            }
        }
    }
    for (c, col) in R::COLUMNS.iter().enumerate() {
        if map[c].is_none() && R::REQUIRED.contains(col) {
            problems.push(InputProblem {
                file: file.to_owned(),
                row: header_row,
                column: (*col).to_owned(),
                value: String::new(),
                kind: ProblemKind::MissingColumn,
                message: format!("required column {col} is missing"),
            });
        }
    }
    map
}

#[cfg(test)]
// A failed unwrap is the test's failure report.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn scientific_notation_as_spreadsheets_write_it() {
        for s in [
            "6.10122E+17",
            "6.1E+11",
            "6.1e+11",
            "-6.1E+11",
            "+6.1E+11",
            " 6.10122E+17 ",
            "6E+11",
            "6.10122e17",
        ] {
            assert!(excel_scientific(s), "{s}");
        }
        for s in [
            "610122000000000000",
            "E+17",
            "6.E+17",
            "61.0122E+17",
            "6.1E+",
            "6.1E+1234",
            "6.1E-5x",
            "H6.1E+11",
            "6.1E+11a",
            "",
            "+",
            "N0000001",
        ] {
            assert!(!excel_scientific(s), "{s}");
        }
    }

    #[test]
    fn ids_with_controls_formulas_or_lost_digits() {
        assert_eq!(id_problem("need_id", "N0000001"), None);
        assert_eq!(id_problem("provider_id", "GOV-MZ-610122"), None);
        assert_eq!(id_problem("household_id", "610122000000000000"), None);
        let nl = id_problem("household_id", "H00\n00001").unwrap();
        assert!(nl.contains("U+000A at character 4"), "{nl}");
        assert!(id_problem("need_id", "N00000\u{0}99").is_some());
        assert!(id_problem("need_id", "N1\tX").is_some());
        assert!(id_problem("need_id", "N1\u{85}X").is_some(), "a C1 control");
        assert!(id_problem("need_id", "N1\u{7F}").is_some(), "DEL");
        let sci = id_problem("household_id", "6.10122E+17").unwrap();
        assert!(sci.contains("scientific notation"), "{sci}");
        for s in ["=HYPERLINK(\"x\")", "+1", "-1", "@SUM(1+1)"] {
            let m = id_problem("need_id", s).unwrap();
            assert!(m.contains("formula"), "{m}");
        }
    }

    #[test]
    fn misspellings_of_absent_columns() {
        let cols = NEED_COLUMNS;
        let none = vec![false; cols.len()];
        let meant = |name: &str| misspelled_column(name, cols, &none);
        assert_eq!(meant("Urgency"), Some("urgency"));
        assert_eq!(meant("NEED_ID"), Some("need_id"));
        assert_eq!(meant("household id"), Some("household_id"));
        assert_eq!(meant("householdId"), Some("household_id"));
        assert_eq!(meant("gov-programs"), Some("gov_programs"));
        assert_eq!(meant("status"), Some("statuses"));
        assert_eq!(meant("categories"), Some("category"));
        assert_eq!(meant("quantities"), Some("quantity"));
        assert_eq!(meant("ages"), Some("age"));
        assert_eq!(meant("catgeory"), Some("category"));
        assert_eq!(meant("reportedat"), Some("reported_at"));
        assert_eq!(meant("reported_date"), Some("reported_at"));
        assert_eq!(meant("created_at"), None);
        // Short names only by case, separators or plural.
        assert_eq!(meant("AGE"), Some("age"));
        assert_eq!(meant("fort"), None);
        // Other columns of real exports.
        for other in [
            "name",
            "姓名",
            "id_card",
            "phone",
            "address",
            "remark",
            "village",
            "income",
            "household",
            "",
            "需求编号",
        ] {
            assert_eq!(meant(other), None, "{other}");
        }
        // A near miss of a column the file has is another column.
        let mut with_region = none.clone();
        with_region[2] = true;
        assert_eq!(meant("reason"), Some("region"));
        assert_eq!(misspelled_column("reason", cols, &with_region), None);
        // A known column is never a misspelling; a long header is not looked at.
        assert_eq!(meant("urgency"), None);
        assert_eq!(meant(&"a".repeat(200)), None);
        let supply = RESOURCE_COLUMNS;
        let none = vec![false; supply.len()];
        assert_eq!(
            misspelled_column("eligible_status", supply, &none),
            Some("eligible_statuses")
        );
        assert_eq!(misspelled_column("Budget", supply, &none), Some("budget"));
        assert_eq!(
            misspelled_column("max per need", supply, &none),
            Some("max_per_need")
        );
    }

    #[test]
    fn edit_distance() {
        let d = |a: &str, b: &str| {
            levenshtein(
                &a.chars().collect::<Vec<_>>(),
                &b.chars().collect::<Vec<_>>(),
            )
        };
        assert_eq!(d("kitten", "sitting"), 3);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("region", "reason"), 2);
        assert_eq!(d("数据", "数据"), 0);
    }
}
