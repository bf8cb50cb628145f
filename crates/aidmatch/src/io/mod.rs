//! Reading the two lists (and exclusions, outcomes) from CSV or JSON; writing them as CSV.
//!
//! # Formats
//! - CSV: a header row, then one record per row; comma-separated (a header with tabs and
//!   no comma selects tab-separated, as some spreadsheets export). List-valued fields are
//!   separated by `;` or the full-width `；`.
//! - JSON: an array of objects with the same keys. List-valued fields are JSON arrays or
//!   `;`-separated strings; numbers may be JSON numbers or strings; booleans JSON booleans
//!   or strings. `null` is an empty cell.
//!
//! The format is chosen by the file extension (`.csv`, `.json`, case-insensitive) or
//! explicitly ([`Format`]).
//!
//! # Encodings
//! UTF-8 with or without BOM; GB18030 (a superset of GBK and GB2312, the default of
//! Chinese-locale Excel); UTF-16 with a BOM. [`Encoding::Auto`] (the default) takes UTF-8
//! when the bytes are valid UTF-8 and GB18030 otherwise; see [`encoding`].
//!
//! # Validation
//! Every cell is checked: required columns present, required values non-empty,
//! enumerations known (English id or Chinese alias), division codes well-formed, dates ISO,
//! quantities non-negative with at most two decimals, ages and counts whole numbers, ids
//! unique, `min_age <= max_age`, `valid_from <= valid_to`. Every problem is reported with
//! its file, spreadsheet row, column and value ([`crate::InputProblem`]), up to
//! [`ReadOptions::max_problems`]; a list with any problem is rejected as a whole
//! ([`crate::Error::Invalid`]), since matching a partly read list would silently drop
//! people. Header names are trimmed and case-sensitive. Columns the spec does not name are
//! accepted and ignored: they are never stored, so never copied to any output (privacy).
//! Rows whose cells are all blank (trailing rows of spreadsheet exports) are skipped.
//!
//! Empty optional cells take the spec's defaults: `form` = `service`, `quantity` = 1,
//! `urgency` = `normal`, lists = empty, numbers and dates = absent.
//!
//! # Complexity
//! Linear in the size of the input; one pass over the records, a hash set for the ids.

pub mod csv;
pub mod encoding;
mod fields;
pub mod json;

use std::path::Path;

use crate::error::{Error, Result};
use crate::model::{Exclusion, Inputs, Need, Outcome, Resource};

pub use self::encoding::Encoding;

/// The longest cell accepted, in bytes of UTF-8 (a JSON array cell counts its items and
/// their separators). Longer cells are a [`crate::ProblemKind::TooLong`] problem: no
/// field of the spec needs more, and a limit keeps a hostile file from making every
/// later step slow.
pub const MAX_FIELD_BYTES: usize = 4096;

/// The most items of one list cell (statuses, categories, areas, programs). More items
/// are a [`crate::ProblemKind::TooLong`] problem: area lists are deduplicated item by
/// item, so an unbounded list would cost quadratic time.
pub const MAX_LIST_ITEMS: usize = 256;

/// The text format of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

impl Format {
    /// The format a file name implies (`.csv`, `.json`, ASCII case-insensitive).
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?;
        if ext.eq_ignore_ascii_case("csv") {
            Some(Format::Csv)
        } else if ext.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else {
            None
        }
    }

    /// `"csv"` or `"json"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv => "csv",
            Format::Json => "json",
        }
    }

    /// Parses `csv` or `json` (ASCII case-insensitive).
    pub fn parse(s: &str) -> Option<Format> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("csv") {
            Some(Format::Csv)
        } else if s.eq_ignore_ascii_case("json") {
            Some(Format::Json)
        } else {
            None
        }
    }
}

/// Which list a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ListKind {
    /// The needs list (需求清单).
    Needs,
    /// The supply list (供给清单).
    Supply,
    /// Conflict-of-interest pairs (回避).
    Exclusions,
    /// Feedback on matches (帮扶结果反馈).
    Outcomes,
}

impl ListKind {
    /// The label used for in-memory lists in problems (`"needs"`, `"supply"`, ...).
    pub fn label(self) -> &'static str {
        match self {
            ListKind::Needs => "needs",
            ListKind::Supply => "supply",
            ListKind::Exclusions => "exclusions",
            ListKind::Outcomes => "outcomes",
        }
    }
}

/// How to read a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadOptions {
    /// The text encoding (default: auto-detect UTF-8 / GB18030 / UTF-16 with BOM).
    pub encoding: Encoding,
    /// The most problems reported before reading stops (default 100; at least 1 is used).
    pub max_problems: usize,
    /// The name used as `file` in problems; default: the path, or the list's label
    /// (`"needs"`) for in-memory input.
    pub label: Option<String>,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: Encoding::Auto,
            max_problems: 100,
            label: None,
        }
    }
}

/// A record kind of the interchange format: [`Need`], [`Resource`], [`Exclusion`],
/// [`Outcome`]. Sealed: implemented only by those four.
pub trait Record: fields::Sealed + Sized {
    /// Which list it belongs to.
    const KIND: ListKind;
    /// The columns of the spec, in the spec's order (the header the writers use).
    const COLUMNS: &'static [&'static str];
    /// The columns that must be present in the header.
    const REQUIRED: &'static [&'static str];
}

fn label_for(opts: &ReadOptions, default: &str) -> String {
    opts.label.clone().unwrap_or_else(|| default.to_owned())
}

/// Reads a list of `R` from bytes in the given format.
///
/// # Errors
/// [`Error::Encoding`] if the bytes are not text in the chosen encoding,
/// [`Error::Syntax`] if they are not CSV/JSON of the right shape as a whole, and
/// [`Error::Invalid`] listing every problem of the records.
pub fn from_bytes<R: Record>(bytes: &[u8], format: Format, opts: &ReadOptions) -> Result<Vec<R>> {
    let file = label_for(opts, R::KIND.label());
    let text = encoding::decode(bytes, opts.encoding, &file)?;
    match format {
        Format::Csv => csv::parse::<R>(&text, &file, opts),
        Format::Json => json::parse::<R>(&text, &file, opts),
    }
}

/// Reads a list of `R` from a reader (read to the end first).
///
/// # Errors
/// As [`from_bytes`], plus [`Error::Io`] if reading fails.
pub fn from_reader<R: Record>(
    mut reader: impl std::io::Read,
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<R>> {
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|source| Error::Io {
        path: label_for(opts, R::KIND.label()),
        source,
    })?;
    from_bytes(&bytes, format, opts)
}

/// Reads a list of `R` from a file; the format follows the extension.
///
/// # Errors
/// [`Error::UnknownFormat`] if the extension is neither `.csv` nor `.json`, [`Error::Io`]
/// if the file cannot be read, and the errors of [`from_bytes`].
pub fn read<R: Record>(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Vec<R>> {
    let path = path.as_ref();
    let format = Format::from_path(path).ok_or_else(|| Error::UnknownFormat {
        path: path.display().to_string(),
    })?;
    read_as(path, format, opts)
}

/// Reads a list of `R` from a file in the given format, whatever its extension.
///
/// # Errors
/// As [`read`], without the format check.
pub fn read_as<R: Record>(
    path: impl AsRef<Path>,
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<R>> {
    let path = path.as_ref();
    let bytes = std::fs::read(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })?;
    let mut opts = opts.clone();
    if opts.label.is_none() {
        opts.label = Some(path.display().to_string());
    }
    from_bytes(&bytes, format, &opts)
}

/// Reads the needs list from a file (`.csv` or `.json`).
///
/// # Errors
/// See [`read`].
pub fn read_needs(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Vec<Need>> {
    read(path, opts)
}

/// Reads the supply list from a file (`.csv` or `.json`).
///
/// # Errors
/// See [`read`].
pub fn read_supply(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Vec<Resource>> {
    read(path, opts)
}

/// Reads the exclusions from a file (`.csv` or `.json`).
///
/// # Errors
/// See [`read`].
pub fn read_exclusions(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Vec<Exclusion>> {
    read(path, opts)
}

/// Reads the outcomes from a file (`.csv` or `.json`).
///
/// # Errors
/// See [`read`].
pub fn read_outcomes(path: impl AsRef<Path>, opts: &ReadOptions) -> Result<Vec<Outcome>> {
    read(path, opts)
}

/// Reads the needs list from bytes (for the bindings).
///
/// # Errors
/// See [`from_bytes`].
pub fn needs_from_bytes(bytes: &[u8], format: Format, opts: &ReadOptions) -> Result<Vec<Need>> {
    from_bytes(bytes, format, opts)
}

/// Reads the supply list from bytes (for the bindings).
///
/// # Errors
/// See [`from_bytes`].
pub fn supply_from_bytes(
    bytes: &[u8],
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<Resource>> {
    from_bytes(bytes, format, opts)
}

/// Reads the exclusions from bytes (for the bindings).
///
/// # Errors
/// See [`from_bytes`].
pub fn exclusions_from_bytes(
    bytes: &[u8],
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<Exclusion>> {
    from_bytes(bytes, format, opts)
}

/// Reads the outcomes from bytes (for the bindings).
///
/// # Errors
/// See [`from_bytes`].
pub fn outcomes_from_bytes(
    bytes: &[u8],
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<Outcome>> {
    from_bytes(bytes, format, opts)
}

/// Reads the three input lists of a run; `exclusions` may be absent (none).
///
/// Problems of all files are reported together: if several files are invalid, one
/// [`Error::Invalid`] lists the problems of each (up to `max_problems` in all).
///
/// # Errors
/// See [`read`]; an error other than [`Error::Invalid`] (unreadable file, wrong encoding)
/// is returned as soon as it occurs.
pub fn read_inputs(
    needs: impl AsRef<Path>,
    supply: impl AsRef<Path>,
    exclusions: Option<&Path>,
    opts: &ReadOptions,
) -> Result<Inputs> {
    let mut all = Gather::default();
    let needs = all.take(read_needs(needs, opts))?;
    let resources = all.take(read_supply(supply, opts))?;
    let exclusions = match exclusions {
        Some(p) => all.take(read_exclusions(p, opts))?,
        None => Vec::new(),
    };
    all.finish(
        Inputs {
            needs,
            resources,
            exclusions,
        },
        opts,
    )
}

/// Reads the three input lists of a run from bytes, all in one format (for the bindings).
/// The lists are labelled `needs`, `supply` and `exclusions` in problems (`opts.label` is
/// not used).
///
/// # Errors
/// As [`read_inputs`].
pub fn inputs_from_bytes(
    needs: &[u8],
    supply: &[u8],
    exclusions: Option<&[u8]>,
    format: Format,
    opts: &ReadOptions,
) -> Result<Inputs> {
    let opts = ReadOptions {
        label: None,
        ..opts.clone()
    };
    let mut all = Gather::default();
    let needs = all.take(needs_from_bytes(needs, format, &opts))?;
    let resources = all.take(supply_from_bytes(supply, format, &opts))?;
    let exclusions = match exclusions {
        Some(b) => all.take(exclusions_from_bytes(b, format, &opts))?,
        None => Vec::new(),
    };
    all.finish(
        Inputs {
            needs,
            resources,
            exclusions,
        },
        &opts,
    )
}

/// Gathers the input problems of several lists into one error.
#[derive(Default)]
struct Gather {
    problems: Vec<crate::InputProblem>,
    truncated: bool,
}

impl Gather {
    /// The list, or an empty one after keeping its problems; other errors pass through.
    fn take<T>(&mut self, r: Result<Vec<T>>) -> Result<Vec<T>> {
        match r {
            Ok(v) => Ok(v),
            Err(Error::Invalid {
                problems,
                truncated,
            }) => {
                self.problems.extend(problems);
                self.truncated |= truncated;
                Ok(Vec::new())
            }
            Err(other) => Err(other),
        }
    }

    fn finish(mut self, inputs: Inputs, opts: &ReadOptions) -> Result<Inputs> {
        if self.problems.is_empty() {
            return Ok(inputs);
        }
        let limit = opts.max_problems.max(1);
        if self.problems.len() > limit {
            self.problems.truncate(limit);
            self.truncated = true;
        }
        Err(Error::Invalid {
            problems: self.problems,
            truncated: self.truncated,
        })
    }
}

/// Writes records as CSV (UTF-8, no BOM, the spec's columns in the spec's order, lists
/// joined by `;`, English ids, empty cells for absent values).
///
/// # Errors
/// [`Error::Io`] (with path `"<output>"`) if writing fails.
pub fn write_csv<R: Record>(writer: impl std::io::Write, records: &[R]) -> Result<()> {
    csv::write(writer, records).map_err(|source| Error::Io {
        path: "<output>".into(),
        source,
    })
}

/// The CSV text of records, as [`write_csv`] writes it.
pub fn to_csv_string<R: Record>(records: &[R]) -> String {
    let mut out = Vec::new();
    // Writing into a Vec cannot fail.
    let _ = csv::write(&mut out, records);
    // The writer only writes UTF-8 (all cells are Rust strings).
    String::from_utf8(out).unwrap_or_default()
}

/// Writes records as a JSON array of objects (the spec's field names, English ids, lists
/// as arrays, `null` for absent values).
///
/// # Errors
/// [`Error::Io`] (with path `"<output>"`) if writing fails.
pub fn write_json<R: Record + serde::Serialize>(
    writer: impl std::io::Write,
    records: &[R],
) -> Result<()> {
    json::write(writer, records).map_err(|source| Error::Io {
        path: "<output>".into(),
        source,
    })
}

/// Writes records to a file, CSV or JSON by the extension.
///
/// # Errors
/// [`Error::UnknownFormat`] for another extension, [`Error::Io`] if writing fails.
pub fn write_file<R: Record + serde::Serialize>(
    path: impl AsRef<Path>,
    records: &[R],
) -> Result<()> {
    let path = path.as_ref();
    let io_err = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let format = Format::from_path(path).ok_or_else(|| Error::UnknownFormat {
        path: path.display().to_string(),
    })?;
    let file = std::fs::File::create(path).map_err(io_err)?;
    let mut w = std::io::BufWriter::new(file);
    match format {
        Format::Csv => csv::write(&mut w, records).map_err(io_err)?,
        Format::Json => json::write(&mut w, records).map_err(io_err)?,
    }
    std::io::Write::flush(&mut w).map_err(io_err)
}
