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
//! when the bytes are valid UTF-8 and GB18030 otherwise, except for GBK text that is
//! valid UTF-8 only by accident (a file whose only Chinese is 女); see [`encoding`].
//!
//! # Validation
//! Every cell is checked: required columns present, required values non-empty,
//! enumerations known (English id or Chinese alias), division codes well-formed, dates ISO,
//! quantities non-negative with at most two decimals and within their limits
//! ([`MAX_QUANTITY`], [`MAX_BUDGET`], [`MAX_CAPACITY`]), a need's `quantity` and a
//! resource's `max_per_need` above 0, ages and counts whole numbers, ids unique and
//! plausible (no control character, no leading `=`, `+`, `-` or `@` that a spreadsheet
//! would run as a formula, no long number turned into scientific notation such as
//! `6.10122E+17`), `min_age <= max_age`, `valid_from <= valid_to`. Every problem is
//! reported with its file, spreadsheet row, column and value ([`crate::InputProblem`]), up
//! to [`ReadOptions::max_problems`]; a list with any problem is rejected as a whole
//! ([`crate::Error::Invalid`]), since matching a partly read list would silently drop
//! people. Header names are trimmed and case-sensitive; a column named twice in a CSV
//! header, or a key given twice in one JSON object, is a
//! [`crate::ProblemKind::DuplicateColumn`] problem (which of two values counts must never
//! depend on their order). Columns the spec does not name are accepted and ignored: they
//! are never stored, so never copied to any output (privacy).
//! The exception is a header that nearly spells a column the file lacks (`Budget`,
//! `status` for `statuses`, `max-per-need`): its values would be lost without a word, so
//! it is a [`crate::ProblemKind::MisspelledColumn`] problem naming the column meant.
//! Rows whose cells are all blank (trailing rows of spreadsheet exports) are skipped; a
//! CSV row with more fields than the header is a problem unless the extra fields are
//! empty (a trailing comma).
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
mod rows;

use std::io::Read;
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

/// The largest amount one need may ask for or one resource may give one need, in whole
/// units (yuan for cash, units for goods, hours for service): a `quantity`,
/// `max_per_need` or `income_per_capita` above it is a [`crate::ProblemKind::BadNumber`]
/// problem naming this limit.
///
/// Why a million: amounts are hundredths in a `u64` ([`crate::model::Quantity`]), and
/// `summary.json` adds up the amounts given by form, writing a total with cents as a
/// JSON double, which is exact only below 2^53 (about 9.007 × 10^15) hundredths. Even a
/// list of 10 million needs (five times [`MAX_ROWS`]), each at the limit, sums to
/// 10^15 hundredths: no overflow anywhere and no rounding in the summary. No single
/// item of social assistance comes near a million yuan (the sample lists' largest
/// is 30,000).
pub const MAX_QUANTITY: u64 = 1_000_000;

/// The largest `budget` of one resource, in whole units (10^9, a billion yuan); above it
/// is a [`crate::ProblemKind::BadNumber`] problem naming this limit. A budget is a total
/// over many needs, so it gets more room than [`MAX_QUANTITY`]: 10^11 hundredths each,
/// so the budgets of 10 million resources sum to at most 10^18 hundredths, inside both
/// `u64` and `i64` (about 9.2 × 10^18); each budget stays below 2^53 hundredths, exact
/// as a JSON double in a state file.
pub const MAX_BUDGET: u64 = 1_000_000_000;

/// The largest `capacity` of one resource (10^9 need items); above it is a
/// [`crate::ProblemKind::BadNumber`] problem naming this limit. It is far above the
/// needs of any list ([`MAX_ROWS`]), so a "99999999 means no limit" habit still reads,
/// below the engine's `u32`, and the capacities of 10 million resources sum to at most
/// 10^16, inside `u64` and `i64`. A capacity of 0 is accepted (an offer with no place
/// left).
pub const MAX_CAPACITY: u32 = 1_000_000_000;

// The sums the limits above are chosen for, over 10 million rows (see each limit).
const _: () = {
    const ROWS: u128 = 10_000_000;
    assert!(ROWS * MAX_QUANTITY as u128 * 100 < 1 << 53);
    assert!(ROWS * MAX_BUDGET as u128 * 100 < i64::MAX as u128);
    assert!((MAX_BUDGET as u128) * 100 < 1 << 53);
    assert!(ROWS * MAX_CAPACITY as u128 <= i64::MAX as u128);
};

/// The most rows one list may hold: records after the header of a CSV file (blank
/// lines aside, all-blank rows included) or elements of a JSON array. A province's needs
/// list is about a million rows; twice that is refused with [`crate::Error::TooManyRows`]
/// naming the file and the limit. When a list is read from a file or a reader the rows
/// are counted as the bytes arrive, so reading stops at the first row above the limit
/// instead of taking the rest of the file into memory. Override per read with
/// [`ReadOptions::max_rows`].
pub const MAX_ROWS: usize = 2_000_000;

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
    /// The most rows accepted (default [`MAX_ROWS`]); more is
    /// [`crate::Error::TooManyRows`].
    pub max_rows: usize,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            encoding: Encoding::Auto,
            max_problems: 100,
            label: None,
            max_rows: MAX_ROWS,
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

/// Reads a list of `R` from a reader (read to the end first, counting rows as the bytes
/// arrive: past [`ReadOptions::max_rows`] reading stops with
/// [`Error::TooManyRows`]).
///
/// # Errors
/// As [`from_bytes`], plus [`Error::Io`] if reading fails.
pub fn from_reader<R: Record>(
    reader: impl std::io::Read,
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<R>> {
    let file = label_for(opts, R::KIND.label());
    let bytes = read_counted(reader, format, opts, &file)?;
    from_bytes(&bytes, format, opts)
}

/// The bytes of a reader, counting rows as they arrive ([`rows::RowCounter`]).
fn read_counted(
    mut reader: impl std::io::Read,
    format: Format,
    opts: &ReadOptions,
    file: &str,
) -> Result<Vec<u8>> {
    let mut counter = rows::RowCounter::new(format);
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; READ_CHUNK];
    loop {
        let n = match reader.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(source) => {
                return Err(Error::Io {
                    path: file.to_owned(),
                    source,
                });
            }
        };
        counter.feed(&chunk[..n]);
        if counter.rows() > opts.max_rows as u64 {
            return Err(Error::TooManyRows {
                file: file.to_owned(),
                limit: opts.max_rows as u64,
            });
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
    Ok(bytes)
}

/// The size of one read.
const READ_CHUNK: usize = 64 * 1024;

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
/// The file is read once, counting rows as the bytes arrive (see [`MAX_ROWS`]). A
/// regular file whose length or modification time changes while it is read, or whose
/// length differs from the bytes read, is an [`Error::Io`] ("changed while it was
/// read"): a list written by another program at the same time is never taken half
/// written. (A rewrite that keeps the length within the file system's timestamp
/// resolution cannot be told apart.)
///
/// # Errors
/// As [`read`], without the format check.
pub fn read_as<R: Record>(
    path: impl AsRef<Path>,
    format: Format,
    opts: &ReadOptions,
) -> Result<Vec<R>> {
    let path = path.as_ref();
    let bytes = read_file(path, format, opts, |_| {})?;
    let mut opts = opts.clone();
    if opts.label.is_none() {
        opts.label = Some(path.display().to_string());
    }
    from_bytes(&bytes, format, &opts)
}

/// The bytes of a file, counted and checked for changes during the read (see
/// [`read_as`]). `between` runs after each chunk (a test hook).
fn read_file(
    path: &Path,
    format: Format,
    opts: &ReadOptions,
    between: impl FnMut(usize),
) -> Result<Vec<u8>> {
    let io_err = |source| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io_err)?;
    let before = file.metadata().map_err(io_err)?;
    let label = opts
        .label
        .clone()
        .unwrap_or_else(|| path.display().to_string());
    let bytes = read_counted(
        Hooked {
            inner: &file,
            chunks: 0,
            between,
        },
        format,
        opts,
        &label,
    )?;
    if before.is_file() {
        let after = file.metadata().map_err(io_err)?;
        let read = bytes.len() as u64;
        if after.len() != before.len()
            || read != before.len()
            || after.modified().ok() != before.modified().ok()
        {
            return Err(io_err(std::io::Error::other(format!(
                "the file changed while it was read ({} bytes when opened, {read} read, {} now); read it again once it is complete",
                before.len(),
                after.len()
            ))));
        }
    }
    Ok(bytes)
}

/// A reader that calls `between(chunk index)` after each read (tests change the file
/// there).
struct Hooked<R, F> {
    inner: R,
    chunks: usize,
    between: F,
}

impl<R: Read, F: FnMut(usize)> Read for Hooked<R, F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        (self.between)(self.chunks);
        self.chunks += 1;
        Ok(n)
    }
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

#[cfg(test)]
// A failed unwrap is the test's failure report.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    const HEADER: &str = "need_id,household_id,region,statuses,category,consent";

    /// A needs file of several read chunks, in a fresh directory.
    fn big_file(name: &str) -> (std::path::PathBuf, usize) {
        let dir = std::env::temp_dir().join(format!("aidmatch-io-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("needs.csv");
        let rows = 8000;
        let mut text = format!("{HEADER}\n");
        for k in 0..rows {
            text.push_str(&format!("N{k},H{k},610103001002,orphan,education,true\n"));
        }
        assert!(text.len() > 3 * READ_CHUNK);
        std::fs::write(&path, text).unwrap();
        (path, rows)
    }

    fn changed(r: Result<Vec<u8>>) -> bool {
        matches!(r, Err(Error::Io { ref source, .. }) if source.to_string().contains("changed while it was read"))
    }

    #[test]
    fn a_file_that_grows_or_shrinks_mid_read_is_an_error() {
        let opts = ReadOptions::default();
        // Unchanged: read whole.
        let (path, rows) = big_file("same");
        let bytes = read_file(&path, Format::Csv, &opts, |_| {}).unwrap();
        assert_eq!(bytes, std::fs::read(&path).unwrap());
        let needs: Vec<crate::model::Need> = read_as(&path, Format::Csv, &opts).unwrap();
        assert_eq!(needs.len(), rows);
        // Another program appends rows after the first chunk was read.
        let grow = |k: usize| {
            if k == 0 {
                use std::io::Write;
                let mut f = std::fs::OpenOptions::new()
                    .append(true)
                    .open(&path)
                    .unwrap();
                f.write_all(b"N-late,H-late,610103001002,orphan,education,true\n")
                    .unwrap();
            }
        };
        assert!(changed(read_file(&path, Format::Csv, &opts, grow)));
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
        // Another program truncates it (rewriting from the start) mid-read: the rows read
        // so far end at a row boundary, so only the size check can tell.
        let (path, _) = big_file("shrink");
        let text = std::fs::read_to_string(&path).unwrap();
        let cut = text[..2 * READ_CHUNK].rfind('\n').unwrap() + 1;
        let shrink = |k: usize| {
            if k == 0 {
                std::fs::OpenOptions::new()
                    .write(true)
                    .open(&path)
                    .unwrap()
                    .set_len(cut as u64)
                    .unwrap();
            }
        };
        let r = read_file(&path, Format::Csv, &opts, shrink);
        assert!(changed(r), "a truncated file read as complete");
        let _ = std::fs::remove_dir_all(path.parent().unwrap());
    }
}
