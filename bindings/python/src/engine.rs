//! The two-lists engine (`aidmatch` crate) for Python: `Policy`, `run_match`, `RunResult`.
//!
//! No logic lives here. Lists cross as bytes in CSV or JSON and are parsed by the
//! engine's own readers (`aidmatch::io::*_from_bytes`), so Python input gets exactly
//! the checks and the error locations of the command line. Results cross back as
//! JSON text (the serde form of the engine's rows, summary and explanations), which
//! the pure-Python `aidmatch.MatchResult` turns into DataFrames and dicts.
//!
//! The closed loop (`MatchResult.rematch`, `MatchResult.insert_urgent`) keeps what the
//! command line's `match --snapshot` / `rematch` / `urgent` keep between rounds: a result
//! holds its lists and policy (a first run) or the state the re-match produced, and the
//! next round starts from `aidmatch::snapshot::State` as the command line's would.

use std::path::PathBuf;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, Mutex};

use aidmatch::date::Date;
use aidmatch::engine::{MatchResult, RunOptions, run};
use aidmatch::io::{self, Format, ReadOptions};
use aidmatch::model::{Inputs, Need, Outcome, Resource};
use aidmatch::outcome::LoopRules;
use aidmatch::rematch::{Rematch, RematchOptions, rematch};
use aidmatch::snapshot::State;
use aidmatch::urgent::{UrgentDesk, UrgentResult, insert_urgent};
use aidmatch::{Error as EngineError, Policy};
use pyo3::prelude::*;

use crate::errors::{Kind, Raise, Value, engine_error, panic_error, policy_error};
use crate::interrupt;

pub(crate) fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_class::<PyPolicy>()?;
    m.add_class::<RunResult>()?;
    m.add_class::<UrgentRun>()?;
    m.add_class::<LoopState>()?;
    m.add_class::<PyDesk>()?;
    m.add_function(wrap_pyfunction!(load_state, m)?)?;
    m.add_function(wrap_pyfunction!(state_from_json, m)?)?;
    m.add_function(wrap_pyfunction!(result_from_state_json, m)?)?;
    m.add_function(wrap_pyfunction!(run_match, m)?)?;
    m.add("MAX_ARCS", aidmatch::engine::MAX_ARCS)?;
    m.add("MAX_ROWS", io::MAX_ROWS)?;
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
    kind: RunKind,
}

/// Where a result came from, and what the next round starts from. (One per result,
/// never in a collection: the size of the variants does not matter.)
#[derive(Debug)]
#[allow(clippy::large_enum_variant)]
enum RunKind {
    /// A first run: its result, and the lists and policy it ran on (the loop state is
    /// built from them when a re-match or an insertion asks for it).
    Run {
        result: MatchResult,
        inputs: Inputs,
        policy: Policy,
    },
    /// A re-match: result, changes, summary and the next state.
    Rematch(Rematch),
}

impl RunResult {
    fn result(&self) -> &MatchResult {
        match &self.kind {
            RunKind::Run { result, .. } => result,
            RunKind::Rematch(r) => &r.result,
        }
    }

    /// The loop state after this result (as `match --snapshot` or `rematch` saves it).
    fn state(&self) -> State {
        match &self.kind {
            RunKind::Run {
                result,
                inputs,
                policy,
            } => State::from_run(inputs, policy, &LoopRules::default(), result),
            RunKind::Rematch(r) => r.state.clone(),
        }
    }
}

/// Runs `work` with the GIL released and Ctrl-C cancelling it, mapping its errors.
fn run_engine<T: Send>(
    py: Python<'_>,
    cancel: &AtomicBool,
    work: impl FnOnce() -> Result<T, EngineError> + Send,
) -> PyResult<T> {
    match interrupt::run(py, cancel, false, work)? {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(engine_error(e).into_pyerr(py)),
        Err(payload) => Err(panic_error(payload).into_pyerr(py)),
    }
}

/// Runs short work (files, one insertion) with the GIL released, mapping its errors.
fn detached<T: Send>(
    py: Python<'_>,
    work: impl FnOnce() -> Result<T, EngineError> + Send,
) -> PyResult<T> {
    let guarded = || std::panic::catch_unwind(std::panic::AssertUnwindSafe(work));
    match py.detach(|| aidmatch_assign::pool::install(guarded)) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(engine_error(e).into_pyerr(py)),
        Err(payload) => Err(panic_error(payload).into_pyerr(py)),
    }
}

fn parse_date(py: Python<'_>, what: &str, text: &str) -> PyResult<Date> {
    Date::parse(text).map_err(|e| {
        Raise::input(format!("{what} {text:?}: {e}"))
            .value(Value::Text(text.to_owned()))
            .into_pyerr(py)
    })
}

/// The arguments of a re-match after the outcomes (as Python passes them).
type RematchArgs<'a, 'py> = (
    Option<ListArg>,
    Option<ListArg>,
    Option<PyRef<'py, PyPolicy>>,
    &'a str,
    bool,
);

/// Re-matches from `state` (see ``MatchResult.rematch``).
fn rematch_state(
    py: Python<'_>,
    state: &State,
    outcomes: ListArg,
    (needs, supply, policy, as_of, warm): RematchArgs<'_, '_>,
) -> PyResult<RunResult> {
    let as_of = parse_date(py, "as_of", as_of)?;
    let outcomes_fmt = format_of(py, &outcomes.1)?;
    let needs_fmt = needs.as_ref().map(|n| format_of(py, &n.1)).transpose()?;
    let supply_fmt = supply.as_ref().map(|n| format_of(py, &n.1)).transpose()?;
    let cancel = Arc::new(AtomicBool::new(false));
    let mut options = RematchOptions::new(as_of);
    options.warm = warm;
    options.cancel = Some(Arc::clone(&cancel));
    options.policy = policy.map(|p| p.inner.clone());
    // Feedback errors count rows as the reading problems of the same list do.
    if outcomes_fmt == Format::Csv {
        options.outcome_rows_from = 2;
    }
    let work = || -> Result<Rematch, EngineError> {
        let opts = |label: &Option<String>| ReadOptions {
            label: label.clone(),
            ..ReadOptions::default()
        };
        let outcomes: Vec<Outcome> =
            io::outcomes_from_bytes(&outcomes.0, outcomes_fmt, &opts(&outcomes.2))?;
        let needs: Vec<Need> = match (&needs, needs_fmt) {
            (Some(n), Some(f)) => io::needs_from_bytes(&n.0, f, &opts(&n.2))?,
            _ => Vec::new(),
        };
        let supply: Option<Vec<Resource>> = match (&supply, supply_fmt) {
            (Some(s), Some(f)) => Some(io::supply_from_bytes(&s.0, f, &opts(&s.2))?),
            _ => None,
        };
        rematch(state, &outcomes, needs, supply, &options)
    };
    let r = run_engine(py, &cancel, work)?;
    Ok(RunResult {
        kind: RunKind::Rematch(r),
    })
}

/// The one need of `need` (bytes, format, label), parsed with the GIL released.
fn one_need(py: Python<'_>, need: &ListArg) -> PyResult<Need> {
    let fmt = format_of(py, &need.1)?;
    let label = need.2.clone();
    let mut needs = detached(py, || {
        let opts = ReadOptions {
            label: label.clone(),
            ..ReadOptions::default()
        };
        io::needs_from_bytes(&need.0, fmt, &opts)
    })?;
    if needs.len() != 1 {
        return Err(Raise::input(format!(
            "{}: expected exactly one need, found {}",
            label.as_deref().unwrap_or("need"),
            needs.len()
        ))
        .value(Value::Int(needs.len() as i128))
        .into_pyerr(py));
    }
    Ok(needs.remove(0))
}

/// Inserts one emergency need into `state` (see ``MatchResult.insert_urgent``).
fn urgent_state(py: Python<'_>, state: &State, need: ListArg, as_of: &str) -> PyResult<UrgentRun> {
    let as_of = parse_date(py, "as_of", as_of)?;
    let one = one_need(py, &need)?;
    let inner = detached(py, || insert_urgent(state, one, as_of))?;
    Ok(UrgentRun { inner })
}

/// Opens an emergency desk on a copy of `state` (see ``aidmatch.UrgentDesk``).
fn desk_of(py: Python<'_>, state: &State, as_of: &str) -> PyResult<PyDesk> {
    let as_of = parse_date(py, "as_of", as_of)?;
    let desk = detached(py, || UrgentDesk::open(state.clone(), as_of))?;
    Ok(PyDesk {
        inner: Mutex::new(desk),
    })
}

#[pymethods]
impl RunResult {
    /// The whole result as one JSON document ``{assignments, unmatched, referrals, summary}``.
    fn to_json(&self) -> String {
        self.result().to_json()
    }

    /// The explanation of one need as JSON, or ``None`` if no need has this id.
    fn explain_json(&self, need_id: &str) -> Option<String> {
        self.result().explain(need_id).map(|e| e.to_json())
    }

    /// Writes ``assignments.csv``, ``unmatched.csv``, ``referrals.csv`` and
    /// ``summary.json`` into ``path`` (created if missing), each atomically. With
    /// ``snapshot`` also the loop state (``snapshot.json``, the lists, ``policy.toml``),
    /// as ``aidmatch match --snapshot`` does. A re-match's result writes what
    /// ``aidmatch rematch`` writes: also the state, ``changes.csv`` and ``rematch.json``.
    #[pyo3(signature = (path, snapshot = false))]
    fn write_dir(&self, py: Python<'_>, path: PathBuf, snapshot: bool) -> PyResult<()> {
        detached(py, || match &self.kind {
            RunKind::Run { result, .. } => {
                result.write_dir(&path)?;
                if snapshot {
                    self.state().save(&path)?;
                }
                Ok(())
            }
            RunKind::Rematch(r) => r.write_dir(&path),
        })
    }

    /// The rows of ``changes.csv`` of a re-match as JSON, ``None`` for a first run.
    fn changes_json(&self) -> Option<String> {
        match &self.kind {
            RunKind::Run { .. } => None,
            RunKind::Rematch(r) => serde_json::to_string(&r.changes).ok(),
        }
    }

    /// ``rematch.json`` of a re-match, ``None`` for a first run.
    fn rematch_json(&self) -> Option<String> {
        match &self.kind {
            RunKind::Run { .. } => None,
            RunKind::Rematch(r) => serde_json::to_string(&r.summary).ok(),
        }
    }

    /// Re-matches after feedback (use ``MatchResult.rematch``).
    #[allow(clippy::too_many_arguments)] // mirrors the Python keyword arguments one to one
    fn rematch(
        &self,
        py: Python<'_>,
        outcomes: ListArg,
        needs: Option<ListArg>,
        supply: Option<ListArg>,
        policy: Option<PyRef<'_, PyPolicy>>,
        as_of: &str,
        warm: bool,
    ) -> PyResult<RunResult> {
        let state = self.state();
        rematch_state(py, &state, outcomes, (needs, supply, policy, as_of, warm))
    }

    /// Inserts one emergency need (use ``MatchResult.insert_urgent``).
    fn insert_urgent(&self, py: Python<'_>, need: ListArg, as_of: &str) -> PyResult<UrgentRun> {
        let state = self.state();
        urgent_state(py, &state, need, as_of)
    }

    /// An emergency desk on the state after this result (use ``aidmatch.UrgentDesk``).
    fn urgent_desk(&self, py: Python<'_>, as_of: &str) -> PyResult<PyDesk> {
        let state = self.state();
        desk_of(py, &state, as_of)
    }

    /// The state after this result as one JSON document (use ``MatchResult.state_json``).
    fn state_json(&self, py: Python<'_>) -> PyResult<String> {
        detached(py, || self.state().to_json())
    }
}

/// An emergency insertion's outcome and the state after it. Use it through
/// ``aidmatch.UrgentResult``.
#[pyclass(module = "aidmatch._aidmatch", frozen)]
#[derive(Debug)]
pub(crate) struct UrgentRun {
    inner: UrgentResult,
}

#[pymethods]
impl UrgentRun {
    /// ``urgent.json`` as ``aidmatch urgent`` writes it.
    fn report_json(&self) -> String {
        self.inner.to_json()
    }

    /// Writes the next state and ``urgent.json`` into ``path``, as ``aidmatch urgent``.
    fn write_dir(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        detached(py, || self.inner.write_dir(&path))
    }

    /// Re-matches the state after the insertion (use ``UrgentResult.rematch``).
    #[allow(clippy::too_many_arguments)] // mirrors the Python keyword arguments one to one
    fn rematch(
        &self,
        py: Python<'_>,
        outcomes: ListArg,
        needs: Option<ListArg>,
        supply: Option<ListArg>,
        policy: Option<PyRef<'_, PyPolicy>>,
        as_of: &str,
        warm: bool,
    ) -> PyResult<RunResult> {
        let args = (needs, supply, policy, as_of, warm);
        rematch_state(py, &self.inner.state, outcomes, args)
    }

    /// Inserts another emergency need (use ``UrgentResult.insert_urgent``).
    fn insert_urgent(&self, py: Python<'_>, need: ListArg, as_of: &str) -> PyResult<UrgentRun> {
        urgent_state(py, &self.inner.state, need, as_of)
    }

    /// An emergency desk on the state after the insertion (use ``aidmatch.UrgentDesk``).
    fn urgent_desk(&self, py: Python<'_>, as_of: &str) -> PyResult<PyDesk> {
        desk_of(py, &self.inner.state, as_of)
    }

    /// The state after the insertion as one JSON document (use
    /// ``UrgentResult.state_json``).
    fn state_json(&self, py: Python<'_>) -> PyResult<String> {
        detached(py, || self.inner.state.to_json())
    }
}

/// A stored loop state (a folder written by ``to_dir(path, snapshot=True)``, ``aidmatch
/// match --snapshot``, ``rematch`` or ``urgent``). Use it through ``aidmatch.load_state``.
#[pyclass(name = "LoopState", module = "aidmatch._aidmatch", frozen)]
#[derive(Debug)]
pub(crate) struct LoopState {
    inner: State,
}

#[pymethods]
impl LoopState {
    /// Re-matches the stored state.
    #[allow(clippy::too_many_arguments)] // mirrors the Python keyword arguments one to one
    fn rematch(
        &self,
        py: Python<'_>,
        outcomes: ListArg,
        needs: Option<ListArg>,
        supply: Option<ListArg>,
        policy: Option<PyRef<'_, PyPolicy>>,
        as_of: &str,
        warm: bool,
    ) -> PyResult<RunResult> {
        let args = (needs, supply, policy, as_of, warm);
        rematch_state(py, &self.inner, outcomes, args)
    }

    /// Inserts one emergency need into the stored state.
    fn insert_urgent(&self, py: Python<'_>, need: ListArg, as_of: &str) -> PyResult<UrgentRun> {
        urgent_state(py, &self.inner, need, as_of)
    }

    /// An emergency desk on the stored state (use ``aidmatch.UrgentDesk``).
    fn urgent_desk(&self, py: Python<'_>, as_of: &str) -> PyResult<PyDesk> {
        desk_of(py, &self.inner, as_of)
    }

    /// The state as one JSON document (use ``LoopState.state_json``).
    fn state_json(&self, py: Python<'_>) -> PyResult<String> {
        detached(py, || self.inner.to_json())
    }

    /// Writes the state folder (use ``LoopState.to_dir``).
    fn write_dir(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        detached(py, || self.inner.save(&path))
    }

    /// The round's date, ``YYYY-MM-DD`` (use ``LoopState.run_date``).
    fn run_date(&self) -> String {
        self.inner.snapshot.run_date.to_string()
    }

    /// Needs of the round (use ``LoopState.needs``).
    fn needs(&self) -> usize {
        self.inner.inputs.needs.len()
    }

    /// Pairs of the round, whatever their status (use ``LoopState.pairs``).
    fn pairs(&self) -> usize {
        self.inner.snapshot.pairs.len()
    }
}

/// An emergency desk: a state kept in memory, prepared once, into which emergency needs
/// are inserted one at a time (``aidmatch::urgent::UrgentDesk``). Use it through
/// ``aidmatch.UrgentDesk``.
///
/// Frozen with a lock inside: calls from several Python threads are serialised, each
/// taking the lock with the GIL released (so a thread waiting for the desk never holds
/// the GIL, and a displacement's re-match never blocks other Python threads).
#[pyclass(name = "UrgentDesk", module = "aidmatch._aidmatch", frozen)]
#[derive(Debug)]
pub(crate) struct PyDesk {
    inner: Mutex<UrgentDesk>,
}

/// The message of a desk whose lock was poisoned by a panic.
const POISONED: &str = "the emergency desk was left inconsistent by an earlier internal \
                        error; open a new one from the last stored state";

impl PyDesk {
    /// Runs `work` on the locked desk with the GIL released, mapping errors and panics.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        work: impl FnOnce(&mut UrgentDesk) -> Result<T, EngineError> + Send,
    ) -> PyResult<T> {
        let out = py.detach(|| {
            aidmatch_assign::pool::install(|| {
                std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match self.inner.lock() {
                    Ok(mut d) => Some(work(&mut d)),
                    Err(_poisoned) => None,
                }))
            })
        });
        match out {
            Ok(Some(Ok(v))) => Ok(v),
            Ok(Some(Err(e))) => Err(engine_error(e).into_pyerr(py)),
            Ok(None) => Err(Raise::new(Kind::Internal, POISONED).into_pyerr(py)),
            Err(payload) => Err(panic_error(payload).into_pyerr(py)),
        }
    }
}

#[pymethods]
impl PyDesk {
    /// Opens a desk on a state folder (use ``aidmatch.UrgentDesk``).
    #[staticmethod]
    fn open_dir(py: Python<'_>, path: PathBuf, as_of: &str) -> PyResult<PyDesk> {
        let as_of = parse_date(py, "as_of", as_of)?;
        let desk = detached(py, || UrgentDesk::open(State::load(&path)?, as_of))?;
        Ok(PyDesk {
            inner: Mutex::new(desk),
        })
    }

    /// Inserts one emergency need; returns ``urgent.json`` of it (use
    /// ``UrgentDesk.insert``).
    ///
    /// The need is parsed and placed in one stretch without the GIL: releasing it
    /// costs a fraction of a microsecond, less than a placement (about 1 µs for a
    /// county, 8 µs for a province), and a displacement's re-match takes seconds.
    fn insert(&self, py: Python<'_>, need: ListArg) -> PyResult<String> {
        let fmt = format_of(py, &need.1)?;
        let label = need.2.clone();
        let placed = self.with(py, |d| {
            let opts = ReadOptions {
                label: label.clone(),
                ..ReadOptions::default()
            };
            let mut needs = io::needs_from_bytes(&need.0, fmt, &opts)?;
            if needs.len() != 1 {
                return Ok(Err(needs.len()));
            }
            d.insert(needs.remove(0)).map(|o| Ok(o.to_json()))
        })?;
        placed.map_err(|found| {
            Raise::input(format!(
                "{}: expected exactly one need, found {found}",
                label.as_deref().unwrap_or("need")
            ))
            .value(Value::Int(found as i128))
            .into_pyerr(py)
        })
    }

    /// The next state, a copy (use ``UrgentDesk.state``).
    fn state(&self, py: Python<'_>) -> PyResult<LoopState> {
        let inner = self.with(py, |d| Ok(d.state().clone()))?;
        Ok(LoopState { inner })
    }

    /// Writes the next state into ``path`` (use ``UrgentDesk.to_dir``).
    fn write_dir(&self, py: Python<'_>, path: PathBuf) -> PyResult<()> {
        self.with(py, |d| d.state().save(&path))
    }

    /// The run date of the insertions, ``YYYY-MM-DD``.
    fn as_of(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |d| Ok(d.as_of().to_string()))
    }

    /// Needs in the desk's state (those inserted included).
    fn needs(&self, py: Python<'_>) -> PyResult<usize> {
        self.with(py, |d| Ok(d.needs()))
    }
}

/// Reads a state folder (see ``LoopState``).
#[pyfunction]
fn load_state(py: Python<'_>, path: PathBuf) -> PyResult<LoopState> {
    detached(py, || State::load(&path)).map(|inner| LoopState { inner })
}

/// Reads a state document (``state_json``; the C ABI's ``aidmatch_*_json`` functions
/// exchange the same text). Use ``aidmatch.state_from_json``.
#[pyfunction]
fn state_from_json(py: Python<'_>, text: &str) -> PyResult<LoopState> {
    detached(py, || State::from_json(text, "state_json")).map(|inner| LoopState { inner })
}

/// Restores a first round from its state document (how a ``MatchResult`` unpickles):
/// runs the state's lists under its policy on its run date (at most ``max_arcs``
/// eligible pairs, the count of the original run) and checks that the run gives the
/// state's pairs and prices again. The engine is deterministic, so it does unless the
/// document was changed or written by another aidmatch: then an ``InputError``.
#[pyfunction]
fn result_from_state_json(py: Python<'_>, text: &str, max_arcs: usize) -> PyResult<RunResult> {
    let cancel = Arc::new(AtomicBool::new(false));
    let work = || -> Result<RunKind, EngineError> {
        let state = State::from_json(text, "state_json")?;
        let mut options = RunOptions::new(state.snapshot.run_date);
        options.cancel = Some(Arc::clone(&cancel));
        options.max_arcs = max_arcs;
        let result = run(&state.inputs, &state.policy, &options)?;
        let again = State::from_run(&state.inputs, &state.policy, &state.snapshot.rules, &result);
        if again != state {
            return Err(EngineError::Snapshot {
                path: "state_json".to_owned(),
                message: format!(
                    "the first round does not reproduce from this state (written by aidmatch \
                     {}, read by {}; or the state of a re-match, which does not pickle)",
                    state.snapshot.engine_version,
                    env!("CARGO_PKG_VERSION")
                ),
            });
        }
        Ok(RunKind::Run {
            result,
            inputs: state.inputs,
            policy: state.policy,
        })
    };
    let kind = run_engine(py, &cancel, work)?;
    Ok(RunResult { kind })
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
/// cancels the run (``KeyboardInterrupt``). ``max_arcs`` bounds the eligible pairs
/// (default ``MAX_ARCS``), ``max_rows`` the rows of each list (default ``MAX_ROWS``);
/// beyond either, ``aidmatch.LimitError``.
#[pyfunction]
#[pyo3(signature = (needs, supply, exclusions, policy, as_of, max_arcs = None, max_rows = None))]
#[allow(clippy::too_many_arguments)] // mirrors the Python keyword arguments one to one
fn run_match(
    py: Python<'_>,
    needs: ListArg,
    supply: ListArg,
    exclusions: Option<ListArg>,
    policy: Option<PyRef<'_, PyPolicy>>,
    as_of: &str,
    max_arcs: Option<usize>,
    max_rows: Option<usize>,
) -> PyResult<RunResult> {
    let as_of = parse_date(py, "as_of", as_of)?;
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
    if let Some(limit) = max_arcs {
        options.max_arcs = limit;
    }
    let work = || -> Result<RunKind, EngineError> {
        let inputs = read_inputs(
            max_rows.unwrap_or(io::MAX_ROWS),
            (&needs.0, needs_fmt, &needs.2),
            (&supply.0, supply_fmt, &supply.2),
            exclusions
                .as_ref()
                .zip(excl_fmt)
                .map(|(e, f)| (e.0.as_slice(), f, &e.2)),
        )?;
        let result = run(&inputs, &policy, &options)?;
        Ok(RunKind::Run {
            result,
            inputs,
            policy,
        })
    };
    let kind = run_engine(py, &cancel, work)?;
    Ok(RunResult { kind })
}

type ListBytes<'a> = (&'a [u8], Format, &'a Option<String>);

/// Parses the three lists, gathering the problems of all of them into one
/// `Error::Invalid` of at most `max_problems` problems in all (as
/// `aidmatch::io::read_inputs` does for files).
fn read_inputs(
    max_rows: usize,
    needs: ListBytes<'_>,
    supply: ListBytes<'_>,
    exclusions: Option<ListBytes<'_>>,
) -> Result<Inputs, EngineError> {
    let opts = |label: &Option<String>| ReadOptions {
        label: label.clone(),
        max_rows,
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
    let limit = ReadOptions::default().max_problems.max(1);
    if problems.len() > limit {
        problems.truncate(limit);
        truncated = true;
    }
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
