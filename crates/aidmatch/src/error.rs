//! The crate's error type.
//!
//! Reading a list reports *every* problem it finds (up to a limit, 100 by default), each
//! with the file, the spreadsheet row, the column and the offending value, so a county
//! officer can fix an export in one pass instead of one error per run. Those are
//! [`InputProblem`]s gathered in [`Error::Invalid`]; missing columns and duplicate ids are
//! problems of that list too ([`ProblemKind::MissingColumn`], [`ProblemKind::DuplicateId`]),
//! so a file with both a missing column and a bad value reports both.
//!
//! Row numbers are spreadsheet row numbers: in CSV the header is row 1 and the first
//! record row 2 (a record spanning several lines inside quotes still counts as one row);
//! in JSON `row` is the 1-based position of the object in the array. Problems about the
//! header itself (a missing column) have row 1 in CSV and, in JSON, the row of the first
//! object (a key given twice in one object is [`ProblemKind::DuplicateColumn`] at its
//! object's row); a misspelled
//! JSON key ([`ProblemKind::MisspelledColumn`]) has the row of the first object holding
//! it.
//!
//! Nothing here panics on any input; the engine adds its own variants to [`Error`].

use std::fmt;

/// What is wrong with one value (or column) of an input list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProblemKind {
    /// A required column is absent from the header (value empty).
    MissingColumn,
    /// A column name appears twice in the header.
    DuplicateColumn,
    /// A required value is empty.
    MissingValue,
    /// An enumerated value that is neither an English id nor a Chinese alias.
    UnknownValue,
    /// Not a valid division code or area prefix.
    BadDivision,
    /// Not an ISO date `yyyy-mm-dd`, or no such day.
    BadDate,
    /// Not a number, or out of the accepted range.
    BadNumber,
    /// A negative quantity.
    Negative,
    /// Not `true`/`false`/`是`/`否`.
    BadBool,
    /// A list where one value is expected, or a value of the wrong JSON type.
    BadShape,
    /// An id that an earlier row already used.
    DuplicateId,
    /// Values of one row that contradict each other (`min_age` above `max_age`).
    Inconsistent,
    /// A cell longer than [`crate::io::MAX_FIELD_BYTES`] or a list cell with more than
    /// [`crate::io::MAX_LIST_ITEMS`] items (the message names the limit; the value is
    /// cut to its first characters).
    TooLong,
    /// A header (CSV) or key (JSON) that is not a column of the list but nearly spells
    /// one that the file lacks (`Urgency`, `eligible_status`, `max-per-need`): its values
    /// would otherwise be ignored without a word. The message names the column meant;
    /// `column` and `value` are the header as written. Other unknown columns are ignored.
    MisspelledColumn,
    /// An id (`need_id`, `household_id`, `resource_id`, `provider_id`, and the ids of
    /// exclusions and outcomes) that cannot be a real id: it holds a control character
    /// (a line break, tab or NUL), starts with a spreadsheet formula character
    /// (`=`, `+`, `-`, `@`), or is a long number a spreadsheet turned into scientific
    /// notation (`6.10122E+17`).
    BadId,
}

impl ProblemKind {
    /// A stable snake_case code for bindings and machine-readable output.
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::MissingColumn => "missing_column",
            ProblemKind::DuplicateColumn => "duplicate_column",
            ProblemKind::MissingValue => "missing_value",
            ProblemKind::UnknownValue => "unknown_value",
            ProblemKind::BadDivision => "bad_division",
            ProblemKind::BadDate => "bad_date",
            ProblemKind::BadNumber => "bad_number",
            ProblemKind::Negative => "negative",
            ProblemKind::BadBool => "bad_bool",
            ProblemKind::BadShape => "bad_shape",
            ProblemKind::DuplicateId => "duplicate_id",
            ProblemKind::Inconsistent => "inconsistent",
            ProblemKind::TooLong => "too_long",
            ProblemKind::MisspelledColumn => "misspelled_column",
            ProblemKind::BadId => "bad_id",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One problem of an input list, located to the cell.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct InputProblem {
    /// The file (path as given, or the label of an in-memory list such as `"needs"`).
    pub file: String,
    /// Spreadsheet row (CSV: header = 1, first record = 2; JSON: 1-based object index).
    pub row: usize,
    /// The column (field) name.
    pub column: String,
    /// The offending value as written (empty for a missing value or column).
    pub value: String,
    /// The class of problem.
    pub kind: ProblemKind,
    /// What is wrong, lower-case, e.g. `unknown hardship status "poor"`.
    pub message: String,
}

impl fmt::Display for InputProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // A problem of a whole row (more fields than the header, not an object) has no
        // column to name.
        match self.column.as_str() {
            "" => write!(f, "{}: row {}: {}", self.file, self.row, self.message)?,
            column => write!(
                f,
                "{}: row {}, column {column}: {}",
                self.file, self.row, self.message
            )?,
        }
        if !self.value.is_empty() && !self.message.contains(&self.value) {
            write!(f, " (value {:?})", self.value)?;
        }
        Ok(())
    }
}

/// The errors of aidmatch.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An input list has problems; every one found is listed (up to the limit).
    #[error("{}", DisplayProblems(problems, *truncated))]
    Invalid {
        /// The problems, in file order (missing columns first).
        problems: Vec<InputProblem>,
        /// True if more problems were found than the limit and the rest were dropped.
        truncated: bool,
    },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// The bytes are not text in the encoding given (or in any the auto-detection knows).
    #[error("{file}: {message}")]
    Encoding {
        /// The file or label.
        file: String,
        /// What failed, e.g. `not valid utf-8 at byte 1203`.
        message: String,
    },
    /// The text is not CSV or JSON of the expected shape as a whole (not one cell).
    #[error("{file}: line {line}: {message}")]
    Syntax {
        /// The file or label.
        file: String,
        /// 1-based line of the text (0 if unknown).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The format of a file cannot be told from its name (neither `.csv` nor `.json`).
    #[error("{path}: cannot tell the format from the file name (expected .csv or .json)")]
    UnknownFormat {
        /// The path.
        path: String,
    },
    /// A list holds more rows than the limit ([`crate::io::MAX_ROWS`], or
    /// `ReadOptions::max_rows`); reading stopped at the first row above it.
    #[error("{file}: more than {limit} rows: above the limit MAX_ROWS")]
    TooManyRows {
        /// The file or label.
        file: String,
        /// The limit in force.
        limit: u64,
    },
    // Engine variants (engine helper).
    /// The policy is invalid: an unknown key, a malformed file or a value out of range.
    #[error("invalid policy: {0}")]
    Policy(#[from] crate::policy::PolicyError),
    /// The solver refused the network (a bug or a limit of the engine, not of the input).
    #[error("solver failed: {0}")]
    Solver(aidmatch_assign::AssignError),
    /// The optimality certificate of the solve did not verify (a solver bug: no result
    /// is returned rather than an unproven one).
    #[error("the optimality certificate did not verify: {detail}")]
    Certificate {
        /// The first violation the checker found.
        detail: String,
    },
    /// The run was cancelled through `RunOptions::cancel`.
    #[error("the run was interrupted")]
    Interrupted,
    /// The input exceeds a documented limit of the engine (for example
    /// [`crate::engine::MAX_ARCS`] eligible pairs); nothing was matched.
    #[error("more than {limit} {what}: above the limit {name}")]
    Limit {
        /// The name of the limit (`MAX_ARCS`).
        name: &'static str,
        /// What is counted.
        what: &'static str,
        /// The limit in force.
        limit: u64,
    },
    // Closed-loop variants (loop helper).
    /// Feedback on a proposal that cannot be applied (see `crate::outcome`).
    #[error("{0}")]
    Outcome(#[from] crate::outcome::OutcomeError),
    /// The date of a re-match or an emergency insertion is before the date of the
    /// round it continues: a round cannot go back in time.
    #[error("the run date {as_of} is before {previous}, the date of the round it continues")]
    BeforePreviousRound {
        /// The date asked for.
        as_of: crate::date::Date,
        /// The previous round's run date.
        previous: crate::date::Date,
    },
    /// A snapshot of a previous run is unusable.
    #[error("{path}: {message}")]
    Snapshot {
        /// The snapshot file or folder.
        path: String,
        /// What is wrong.
        message: String,
    },
}

impl Error {
    /// The input problems of an [`Error::Invalid`], empty for other variants.
    pub fn problems(&self) -> &[InputProblem] {
        match self {
            Error::Invalid { problems, .. } => problems,
            _ => &[],
        }
    }

    /// The first input problem, if any (bindings expose its row, column and value).
    pub fn first_problem(&self) -> Option<&InputProblem> {
        self.problems().first()
    }
}

/// Formats a list of problems, one per line after a count.
struct DisplayProblems<'a>(&'a [InputProblem], bool);

impl fmt::Display for DisplayProblems<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (problems, truncated) = (self.0, self.1);
        match problems {
            [] => f.write_str("invalid input"),
            [one] if !truncated => write!(f, "invalid input: {one}"),
            _ => {
                write!(
                    f,
                    "invalid input: {}{} problems",
                    if truncated { "more than " } else { "" },
                    problems.len()
                )?;
                for p in problems {
                    write!(f, "\n  {p}")?;
                }
                if truncated {
                    f.write_str("\n  (further problems not shown)")?;
                }
                Ok(())
            }
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
// A failed unwrap is the test's failure report.
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn p(row: usize, value: &str, message: &str) -> InputProblem {
        InputProblem {
            file: "needs.csv".into(),
            row,
            column: "category".into(),
            value: value.into(),
            kind: ProblemKind::UnknownValue,
            message: message.into(),
        }
    }

    #[test]
    fn display() {
        let one = Error::Invalid {
            problems: vec![p(3, "food", "unknown need category \"food\"")],
            truncated: false,
        };
        assert_eq!(
            one.to_string(),
            "invalid input: needs.csv: row 3, column category: unknown need category \"food\""
        );
        let two = Error::Invalid {
            problems: vec![p(3, "x", "bad"), p(4, "y", "bad")],
            truncated: true,
        };
        assert_eq!(
            two.to_string(),
            "invalid input: more than 2 problems\n  needs.csv: row 3, column category: bad (value \"x\")\n  needs.csv: row 4, column category: bad (value \"y\")\n  (further problems not shown)"
        );
        assert_eq!(two.first_problem().map(|p| p.row), Some(3));
        // A problem of a whole row names no column.
        let mut row = p(5, "", "row has 17 fields but the header has 15");
        row.column = String::new();
        assert_eq!(
            row.to_string(),
            "needs.csv: row 5: row has 17 fields but the header has 15"
        );
    }
}
