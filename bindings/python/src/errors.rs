//! Mapping of every Rust error onto the Python exception hierarchy.
//!
//! The classes live in the pure-Python module `aidmatch.exceptions` (an `InputError`
//! must be both an `AidmatchError` and a builtin `ValueError`, which needs multiple
//! inheritance), and are looked up once and cached. Everything raised from Rust goes
//! through [`Raise`], so no error reaches Python as a bare `Exception` or as a
//! `PanicException`.

use std::any::Any;

use aidmatch::outcome::OutcomeError;
use aidmatch::policy::PolicyError;
use aidmatch::{Error as EngineError, InputProblem};
use aidmatch_assign::AssignError;
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyList, PyModule};

/// The exception classes of `aidmatch.exceptions`.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Kind {
    /// `AidmatchError`: the base class; used for errors that are no one's input.
    Base,
    /// `InputError(AidmatchError, ValueError)`, with `row`, `column`, `value`.
    Input,
    /// `InfeasibleError(InputError)`.
    Infeasible,
    /// `SolveInterrupted(AidmatchError)`.
    Interrupted,
    /// `InternalError(AidmatchError)`: a panic or a broken invariant.
    Internal,
    /// `PolicyError(InputError)`: an invalid policy file or value.
    Policy,
    /// `FileError(AidmatchError, OSError)`: a file could not be read or written.
    File,
    /// `OutcomeError(InputError)`: feedback that cannot be applied, with `need_id`
    /// and `resource_id`.
    Outcome,
    /// `LimitError(AidmatchError, ValueError)`: a documented limit of the engine was
    /// exceeded, with `limit` (its name) and `maximum`.
    Limit,
}

impl Kind {
    fn class_name(self) -> &'static str {
        match self {
            Kind::Base => "AidmatchError",
            Kind::Input => "InputError",
            Kind::Infeasible => "InfeasibleError",
            Kind::Interrupted => "SolveInterrupted",
            Kind::Internal => "InternalError",
            Kind::Policy => "PolicyError",
            Kind::File => "FileError",
            Kind::Outcome => "OutcomeError",
            Kind::Limit => "LimitError",
        }
    }
}

/// An exception to raise: class, message and the location of the offending value.
#[derive(Debug)]
pub(crate) struct Raise {
    pub kind: Kind,
    pub message: String,
    pub row: Option<usize>,
    pub column: Option<Column>,
    pub value: Option<Value>,
    /// Every problem of an invalid input list (`InputError.problems`).
    pub problems: Vec<InputProblem>,
    /// Further attributes set on the exception (`need_id`, `limit`, ...).
    pub attrs: Vec<(&'static str, Value)>,
}

/// The offending value, kept in its own type so Python gets an int, float or str.
#[derive(Debug, Clone)]
pub(crate) enum Value {
    Float(f64),
    Int(i128),
    Text(String),
}

/// A column: an index into a matrix, or the name of a column of an input list.
#[derive(Debug, Clone)]
pub(crate) enum Column {
    Index(usize),
    Name(String),
}

impl Raise {
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Raise {
            kind,
            message: message.into(),
            row: None,
            column: None,
            value: None,
            problems: Vec::new(),
            attrs: Vec::new(),
        }
    }
    pub fn input(message: impl Into<String>) -> Self {
        Raise::new(Kind::Input, message)
    }
    pub fn at(mut self, row: Option<usize>, column: Option<usize>) -> Self {
        self.row = row;
        self.column = column.map(Column::Index);
        self
    }
    pub fn value(mut self, value: Value) -> Self {
        self.value = Some(value);
        self
    }
    pub fn attr(mut self, name: &'static str, value: Value) -> Self {
        self.attrs.push((name, value));
        self
    }

    /// Builds the Python exception. If even that fails (the `aidmatch` package is
    /// missing next to the compiled module), the import error is returned instead.
    pub fn into_pyerr(self, py: Python<'_>) -> PyErr {
        match self.build(py) {
            Ok(err) => err,
            Err(err) => err,
        }
    }

    fn build(self, py: Python<'_>) -> PyResult<PyErr> {
        static MODULE: PyOnceLock<Py<PyModule>> = PyOnceLock::new();
        let module =
            MODULE.get_or_try_init(py, || py.import("aidmatch.exceptions").map(Bound::unbind))?;
        let class = module.bind(py).getattr(self.kind.class_name())?;
        let instance = match self.kind {
            Kind::Input | Kind::Infeasible | Kind::Policy | Kind::Outcome => {
                let kwargs = PyDict::new(py);
                kwargs.set_item("row", self.row)?;
                match self.column {
                    Some(Column::Index(c)) => kwargs.set_item("column", c)?,
                    Some(Column::Name(c)) => kwargs.set_item("column", c)?,
                    None => kwargs.set_item("column", py.None())?,
                }
                match self.value {
                    Some(Value::Float(v)) => kwargs.set_item("value", v)?,
                    Some(Value::Int(v)) => kwargs.set_item("value", v)?,
                    Some(Value::Text(v)) => kwargs.set_item("value", v)?,
                    None => kwargs.set_item("value", py.None())?,
                }
                let problems = PyList::empty(py);
                for p in &self.problems {
                    let d = PyDict::new(py);
                    d.set_item("file", &p.file)?;
                    d.set_item("row", p.row)?;
                    d.set_item("column", &p.column)?;
                    d.set_item("value", &p.value)?;
                    d.set_item("kind", p.kind.as_str())?;
                    d.set_item("message", &p.message)?;
                    problems.append(d)?;
                }
                kwargs.set_item("problems", problems)?;
                class.call((self.message,), Some(&kwargs))?
            }
            _ => class.call1((self.message,))?,
        };
        for (name, value) in self.attrs {
            match value {
                Value::Float(v) => instance.setattr(name, v)?,
                Value::Int(v) => instance.setattr(name, v)?,
                Value::Text(v) => instance.setattr(name, v)?,
            }
        }
        Ok(PyErr::from_value(instance))
    }
}

/// Where the arcs of a sparse problem are, to turn an arc number into (row, column).
pub(crate) trait ArcLocator {
    fn locate(&self, arc: usize) -> Option<(usize, usize)>;
}

/// No arcs (dense problems).
pub(crate) struct NoArcs;

impl ArcLocator for NoArcs {
    fn locate(&self, _arc: usize) -> Option<(usize, usize)> {
        None
    }
}

/// Maps every [`AssignError`] variant onto a Python exception.
///
/// The messages of `InvalidEntry` and `Infeasible` are scipy's own, word for word,
/// because `linear_sum_assignment` is a drop-in for scipy's; the location is in the
/// exception's attributes. `FloatCostOutOfRange` (a limit scipy does not have) gets a
/// short message, the numbers in exponent form. Every other variant keeps the Rust
/// message.
pub(crate) fn assign_error(err: AssignError, arcs: &dyn ArcLocator) -> Raise {
    let message = err.to_string();
    match err {
        AssignError::InvalidEntry { row, col, value } => {
            Raise::input("matrix contains invalid numeric entries")
                .at(Some(row), Some(col))
                .value(Value::Float(value))
        }
        AssignError::Infeasible => Raise::new(Kind::Infeasible, "cost matrix is infeasible"),
        AssignError::Shape { .. } | AssignError::Length { .. } => Raise::input(message),
        AssignError::CostOutOfRange {
            row, col, value, ..
        } => Raise::input(message)
            .at(Some(row), Some(col))
            .value(Value::Int(i128::from(value))),
        AssignError::FloatCostOutOfRange {
            row,
            col,
            value,
            limit,
        } => Raise::input(format!(
            "cost {value:e} at row {row}, column {col} is outside the supported range \
             ±{limit:.4e} (f64::MAX / (4 (n + 1)), n the smaller side of the matrix); \
             use inf to forbid an entry"
        ))
        .at(Some(row), Some(col))
        .value(Value::Float(value)),
        AssignError::IndexOutOfRange {
            arc, side, index, ..
        } => {
            let raise = Raise::input(message).value(Value::Int(index as i128));
            match side {
                // For "group" the number is a row (the builder reports rows there).
                "group" => raise.at(Some(arc), None),
                "column" => raise.at(arcs.locate(arc).map(|(r, _)| r), Some(index)),
                _ => raise.at(Some(index), None),
            }
        }
        AssignError::DuplicateArc { row, col, .. } => {
            Raise::input(message).at(Some(row), Some(col))
        }
        AssignError::WeightOutOfRange { arc, value, .. } => {
            let (row, col) = arcs.locate(arc).unzip();
            Raise::input(message)
                .at(row, col)
                .value(Value::Int(i128::from(value)))
        }
        AssignError::TierOutOfRange { row, tier, .. } => Raise::input(message)
            .at(Some(row), None)
            .value(Value::Int(i128::from(tier))),
        AssignError::TierOverflow { .. } | AssignError::WarmStart { .. } => Raise::input(message),
        AssignError::Interrupted => Raise::new(Kind::Interrupted, message),
        // `AssignError` is #[non_exhaustive]: a variant added later is still an
        // aidmatch error, with its own message.
        _ => Raise::new(Kind::Base, message),
    }
}

/// Maps every [`aidmatch::Error`] variant of the two-lists engine.
///
/// For an invalid list, `row` is the spreadsheet row (CSV: the header is row 1; JSON:
/// the 1-based object), `column` the column name and `value` the cell as written, all of
/// the first problem; `problems` lists every problem found.
pub(crate) fn engine_error(err: EngineError) -> Raise {
    let message = err.to_string();
    match err {
        EngineError::Invalid { problems, .. } => {
            let mut raise = Raise::input(message);
            if let Some(first) = problems.first() {
                raise.row = Some(first.row);
                raise.column = Some(Column::Name(first.column.clone()));
                raise.value = Some(Value::Text(first.value.clone()));
            }
            raise.problems = problems;
            raise
        }
        EngineError::Io { .. } => Raise::new(Kind::File, message),
        EngineError::Encoding { .. } | EngineError::UnknownFormat { .. } => Raise::input(message),
        EngineError::Syntax { line, .. } => {
            let mut raise = Raise::input(message);
            raise.row = (line > 0).then_some(line);
            raise
        }
        EngineError::Policy(p) => policy_error(p),
        // The engine built a network the solver refused: a limit of the engine.
        EngineError::Solver(_) => Raise::new(Kind::Base, message),
        EngineError::Certificate { .. } => Raise::new(Kind::Internal, message),
        EngineError::Interrupted => Raise::new(Kind::Interrupted, message),
        EngineError::Limit { name, limit, .. } => Raise::new(Kind::Limit, message)
            .attr("limit", Value::Text(name.to_owned()))
            .attr("maximum", Value::Int(i128::from(limit))),
        EngineError::TooManyRows { file, limit } => Raise::new(Kind::Limit, message)
            .attr("value", Value::Text(file))
            .attr("limit", Value::Text("MAX_ROWS".to_owned()))
            .attr("maximum", Value::Int(i128::from(limit))),
        EngineError::Outcome(e) => outcome_error(e, message),
        EngineError::Snapshot { path, .. } => Raise::input(message).value(Value::Text(path)),
        EngineError::BeforePreviousRound { as_of, .. } => {
            let mut raise = Raise::input(message).value(Value::Text(as_of.to_string()));
            raise.column = Some(Column::Name("as_of".to_owned()));
            raise
        }
        _ => Raise::new(Kind::Base, message),
    }
}

/// Feedback that cannot be applied: `row` is the outcomes row (1-based data row),
/// `column` the field at fault, `value` its value; `need_id` and `resource_id` name
/// the pair.
fn outcome_error(err: OutcomeError, message: String) -> Raise {
    let (row, need, resource, column, value) = match err {
        OutcomeError::InvalidTransition {
            row,
            need_id,
            resource_id,
            to,
            ..
        } => (row, need_id, resource_id, "status", Some(to)),
        OutcomeError::NotProposed {
            row,
            need_id,
            resource_id,
        } => (row, need_id, resource_id, "resource_id", None),
        OutcomeError::DeclineFieldsOnOtherStatus {
            row,
            need_id,
            resource_id,
            status,
        } => (row, need_id, resource_id, "declined_by", Some(status)),
        OutcomeError::DateOutOfRange {
            row,
            need_id,
            resource_id,
            at,
            ..
        } => (row, need_id, resource_id, "at", Some(at.to_string())),
        // `OutcomeError` is #[non_exhaustive]: a later variant keeps its message.
        _ => return Raise::new(Kind::Outcome, message),
    };
    let value = value.unwrap_or_else(|| resource.clone());
    let mut raise = Raise::new(Kind::Outcome, message)
        .attr("need_id", Value::Text(need))
        .attr("resource_id", Value::Text(resource))
        .value(Value::Text(value));
    raise.row = Some(row);
    raise.column = Some(Column::Name(column.to_owned()));
    raise
}

/// Maps a [`PolicyError`]; `row`/`column` are the line and column in the policy file
/// (1-based) when known, or the key is in `column` for out-of-range values.
pub(crate) fn policy_error(err: PolicyError) -> Raise {
    let message = format!("invalid policy: {err}");
    let mut raise = Raise::new(Kind::Policy, message);
    match err {
        PolicyError::UnknownKey { key, line, column } => {
            raise.row = (line > 0).then_some(line);
            raise.column = (column > 0).then_some(Column::Index(column));
            raise.value = Some(Value::Text(key));
        }
        PolicyError::Syntax { line, column, .. } => {
            raise.row = (line > 0).then_some(line);
            raise.column = (column > 0).then_some(Column::Index(column));
        }
        PolicyError::Invalid { key, value, .. } => {
            raise.column = Some(Column::Name(key));
            raise.value = Some(Value::Text(value));
        }
        _ => {}
    }
    raise
}

/// Turns the payload of a caught panic into an `InternalError`.
pub(crate) fn panic_error(payload: Box<dyn Any + Send>) -> Raise {
    let detail = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic payload".to_owned());
    Raise::new(
        Kind::Internal,
        format!("internal error in the solver (please report it with the input): {detail}"),
    )
}
