//! The two-lists engine (`aidmatch` crate) for Python: `Policy`, `run_match`, `RunResult`.
//!
//! No logic lives here. Lists cross as bytes in CSV or JSON and are parsed by the
//! engine's own readers (`aidmatch::io::*_from_bytes`), so Python input gets exactly
//! the checks and the error locations of the command line. Results cross back as
//! JSON text (the serde form of the engine's rows, summary and explanations), which
//! the pure-Python `aidmatch.MatchResult` turns into DataFrames and dicts.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use aidmatch::date::Date;
use aidmatch::engine::{MatchResult, RunOptions, run};
use aidmatch::io::{self, Format, ReadOptions};
use aidmatch::model::Inputs;
use aidmatch::{Error as EngineError, Policy};
use pyo3::prelude::*;

use crate::errors::{Kind, Raise, Value, engine_error, panic_error, policy_error};
use crate::interrupt;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPolicy>()?;
    m.add_class::<RunResult>()?;
    m.add_function(wrap_pyfunction!(run_match, m)?)?;
    Ok(())
}

/// A matching policy: tiers, score terms, household rules, referral rules.
///
/// ``Policy.default()`` is the documented default; ``Policy.from_file(path)``
/// reads TOML or JSON (unknown keys are errors, missing keys take defaults).
/// Immutable and safe to share between threads.
///
/// >>> import aidmatch
/// >>> p = aidmatch.Policy.default()
/// >>> p == aidmatch.Policy.from_text(p.to_toml())
/// True
/// >>> len(p.digest)
/// 64
#[pyclass(name = "Policy", module = "aidmatch._aidmatch", frozen, eq)]
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PyPolicy {
    inner: Policy,
}

#[pymethods]
impl PyPolicy {
    /// The documented default policy.
    #[staticmethod]
    fn default() -> Self {
        PyPolicy {
            inner: Policy::default(),
        }
    }

    /// Reads a policy file: JSON if its first non-blank character is ``{``, else TOML.
    ///
    /// Raises ``aidmatch.FileError`` (an ``OSError``) if the file cannot be read and
    /// ``aidmatch.PolicyError`` (a ``ValueError``) if it is not a valid policy.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Raise::new(Kind::File, format!("{}: {e}", path.display())).into_pyerr(py)
        })?;
        Self::from_text(py, &text)
    }

    /// Parses a policy from TOML or JSON text (JSON if it starts with ``{``).
    #[staticmethod]
    fn from_text(py: Python<'_>, text: &str) -> PyResult<Self> {
        Policy::from_str_auto(text)
            .map(|inner| PyPolicy { inner })
            .map_err(|e| policy_error(e).into_pyerr(py))
    }

    /// The whole policy as commented TOML (every key, defaults filled in).
    fn to_toml(&self) -> String {
        self.inner.to_toml()
    }

    /// SHA-256 (hex) of the policy's canonical form, as recorded in summaries.
    #[getter]
    fn digest(&self) -> String {
        self.inner.digest()
    }

    /// The policy's own version label.
    #[getter]
    fn version(&self) -> String {
        self.inner.version.clone()
    }

    fn __repr__(&self) -> String {
        format!(
            "Policy(version={:?}, digest={:?})",
            self.inner.version,
            &self.inner.digest()[..12]
        )
    }
}

/// The engine's result. Use it through ``aidmatch.MatchResult``.
#[pyclass(module = "aidmatch._aidmatch", frozen)]
#[derive(Debug)]
pub(crate) struct RunResult {
    inner: MatchResult,
}

#[pymethods]
impl RunResult {
    /// The whole result as one JSON document ``{assignments, unmatched, referrals, summary}``.
    fn to_json(&self) -> String {
        self.inner.to_json()
    }

    /// The explanation of one need as JSON, or ``None`` if no need has this id.
    fn explain_json(&self, need_id: &str) -> Option<String> {
        self.inner
            .explain(need_id)
            .and_then(|e| serde_json::to_string(&e).ok())
    }

    /// Writes ``assignments.csv``, ``unmatched.csv``, ``referrals.csv`` and
    /// ``summary.json`` into ``path`` (created if missing), each atomically.
    fn write_dir(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        let written = py.detach(|| {
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.inner.write_dir(&path)))
        });
        match written {
            Ok(Ok(())) => Ok(()),
            Ok(Err(e)) => Err(engine_error(e).into_pyerr(py)),
            Err(payload) => Err(panic_error(payload).into_pyerr(py)),
        }
    }
}

/// One input list: its bytes, ``"csv"`` or ``"json"``, and the name problems report
/// (the path, or ``None`` for the list's own label such as ``"needs"``).
type ListArg = (Vec<u8>, String, Option<String>);

fn format_of(py: Python<'_>, fmt: &str) -> PyResult<Format> {
    Format::parse(fmt).ok_or_else(|| {
        Raise::input(format!(
            "unknown list format {fmt:?}, expected \"csv\" or \"json\""
        ))
        .value(Value::Text(fmt.to_owned()))
        .into_pyerr(py)
    })
}

/// Runs the engine on lists given as bytes (use ``aidmatch.match``).
///
/// Parsing, matching and reporting run without the GIL on a helper thread; Ctrl-C
/// cancels the run (``KeyboardInterrupt``).
#[pyfunction]
#[pyo3(signature = (needs, supply, exclusions, policy, as_of))]
fn run_match(
    py: Python<'_>,
    needs: ListArg,
    supply: ListArg,
    exclusions: Option<ListArg>,
    policy: Option<PyRef<'_, PyPolicy>>,
    as_of: &str,
) -> PyResult<RunResult> {
    let as_of = Date::parse(as_of).map_err(|e| {
        Raise::input(format!("as_of {as_of:?}: {e}"))
            .value(Value::Text(as_of.to_owned()))
            .into_pyerr(py)
    })?;
    let needs_fmt = format_of(py, &needs.1)?;
    let supply_fmt = format_of(py, &supply.1)?;
    let excl_fmt = match &exclusions {
        Some(e) => Some(format_of(py, &e.1)?),
        None => None,
    };
    let policy = match policy {
        Some(p) => p.inner.clone(),
        None => Policy::default(),
    };
    let cancel = Arc::new(AtomicBool::new(false));
    let mut options = RunOptions::new(as_of);
    options.cancel = Some(Arc::clone(&cancel));
    let work = || -> Result<MatchResult, EngineError> {
        let inputs = read_inputs(
            (&needs.0, needs_fmt, &needs.2),
            (&supply.0, supply_fmt, &supply.2),
            exclusions
                .as_ref()
                .zip(excl_fmt)
                .map(|(e, f)| (e.0.as_slice(), f, &e.2)),
        )?;
        run(&inputs, &policy, &options)
    };
    match interrupt::run(py, &cancel, false, work)? {
        Ok(Ok(inner)) => Ok(RunResult { inner }),
        Ok(Err(e)) => Err(engine_error(e).into_pyerr(py)),
        Err(payload) => Err(panic_error(payload).into_pyerr(py)),
    }
}

type ListBytes<'a> = (&'a [u8], Format, &'a Option<String>);

/// Parses the three lists, gathering the problems of all of them into one
/// `Error::Invalid` (as `aidmatch::io::read_inputs` does for files).
fn read_inputs(
    needs: ListBytes<'_>,
    supply: ListBytes<'_>,
    exclusions: Option<ListBytes<'_>>,
) -> Result<Inputs, EngineError> {
    let opts = |label: &Option<String>| ReadOptions {
        label: label.clone(),
        ..ReadOptions::default()
    };
    let mut problems = Vec::new();
    let mut truncated = false;
    let mut collect = |e: EngineError| -> Result<(), EngineError> {
        match e {
            EngineError::Invalid {
                problems: p,
                truncated: t,
            } => {
                problems.extend(p);
                truncated |= t;
                Ok(())
            }
            other => Err(other),
        }
    };
    let needs = io::needs_from_bytes(needs.0, needs.1, &opts(needs.2))
        .or_else(|e| collect(e).map(|()| Vec::new()))?;
    let resources = io::supply_from_bytes(supply.0, supply.1, &opts(supply.2))
        .or_else(|e| collect(e).map(|()| Vec::new()))?;
    let exclusions = match exclusions {
        None => Vec::new(),
        Some(x) => io::exclusions_from_bytes(x.0, x.1, &opts(x.2))
            .or_else(|e| collect(e).map(|()| Vec::new()))?,
    };
    if problems.is_empty() && !truncated {
        Ok(Inputs {
            needs,
            resources,
            exclusions,
        })
    } else {
        Err(EngineError::Invalid {
            problems,
            truncated,
        })
    }
}
