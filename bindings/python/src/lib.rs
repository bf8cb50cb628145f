//! `aidmatch._aidmatch`: the compiled part of the `aidmatch` Python package.
//!
//! This crate converts types and holds no algorithm. It reads numpy arrays in place
//! (rust-numpy), releases the GIL for every solve, calls the solvers of
//! `aidmatch-assign`, and converts results and errors back. The pure-Python package
//! (`python/aidmatch/`) re-exports these functions, converts exotic inputs
//! (`_convert.py`) and defines the exception classes (`exceptions.py`).
//!
//! * [`linear_sum_assignment`] is a drop-in for `scipy.optimize.linear_sum_assignment`:
//!   same arguments, results, exception types and messages. Integer matrices go to the
//!   exact `i64` solver, everything else to the `f64` one.
//!   Tiny matrices (longer side at most `dense::SMALL_SIDE`) are solved holding the GIL;
//!   large ones on a helper thread, cancelled through `DenseOptions::cancel` on Ctrl-C.
//! * [`max_weight_matching_csr`] is the sparse maximum-weight b-matching on CSR arrays
//!   (the public wrapper `aidmatch.max_weight_matching` accepts scipy.sparse and dense
//!   input). A long solve runs on a helper thread while this thread polls for Ctrl-C
//!   every 50 ms; on a signal the solve is cancelled and `KeyboardInterrupt` raised.
//!
//! No panic crosses into Python: every solver call runs inside `catch_unwind` and a
//! panic becomes `aidmatch.InternalError`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use aidmatch_assign::dense::{self, Assignment, DenseOptions, Sense};
use aidmatch_assign::{AssignError, Matching, Problem, sparse};
use numpy::{PyArray1, PyArray2, PyArrayMethods, PyReadonlyArray1, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyList, PyTuple};

mod engine;
mod errors;
mod interrupt;

use errors::{ArcLocator, Kind, NoArcs, Raise, Value, assign_error, panic_error};

/// Sparse problems with fewer arcs are solved on the calling thread: they take
/// milliseconds, less than starting a helper thread is worth.
const INLINE_ARCS: usize = 20_000;

/// Dense matrices with fewer entries are solved on the calling thread (a few
/// milliseconds at most), larger ones on a helper thread that Ctrl-C can cancel.
const INLINE_ENTRIES: usize = 1 << 16;

/// The compiled module.
#[pymodule]
fn _aidmatch(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(linear_sum_assignment, m)?)?;
    m.add_function(wrap_pyfunction!(max_weight_matching_csr, m)?)?;
    m.add_function(wrap_pyfunction!(panic_for_tests, m)?)?;
    engine::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("MAX_WEIGHT", aidmatch_assign::MAX_WEIGHT)?;
    m.add("MAX_TIER", aidmatch_assign::MAX_TIER)?;
    Ok(())
}

/// Solve the linear sum assignment problem (a drop-in for scipy's).
///
/// Parameters
/// ----------
/// cost_matrix : array_like
///     The cost matrix of the bipartite graph: a list of lists, a numpy array of
///     any numeric or bool dtype, an ``np.matrix``. ``inf`` (``-inf`` when
///     maximizing) forbids an entry.
/// maximize : bool, default False
///     Calculates a maximum weight matching if true.
/// return_duals : bool, default False, keyword-only
///     Also return the dual prices ``u`` (rows) and ``v`` (columns).
///
/// Returns
/// -------
/// row_ind, col_ind : numpy.ndarray of int64
///     The optimal assignment, ``min(n_rows, n_cols)`` pairs; ``row_ind`` is
///     sorted, and equal to ``arange(n_rows)`` for a square matrix. The cost is
///     ``cost_matrix[row_ind, col_ind].sum()``.
/// u, v : numpy.ndarray (only with ``return_duals=True``)
///     ``float64`` for float or bool input; ``int64`` for integer input (``object``
///     arrays of Python ints in the rare case a price does not fit in 64 bits).
///     Minimizing: ``u[i] + v[j] <= C[i, j]`` for every permitted entry, with
///     equality on the chosen pairs; if ``n_rows < n_cols``, ``v <= 0`` and
///     ``v[j] == 0`` on unassigned columns (symmetrically for ``n_rows > n_cols``).
///     Maximizing, the inequalities are reversed.
///
/// Integer matrices whose entries are within ±(2**53 - 1) are solved in exact
/// integer arithmetic; other input is converted to ``float64`` exactly as scipy
/// does. The GIL is released while solving (except for matrices whose longer side
/// is at most 8, solved in well under a microsecond), and Ctrl-C stops a long solve.
///
/// Raises
/// ------
/// ValueError
///     ``aidmatch.InputError`` with scipy's messages: ``"expected a matrix (2-D
///     array), got a N array"``, ``"matrix contains invalid numeric entries"``
///     (NaN, or ``-inf`` when minimizing / ``+inf`` when maximizing; ``row``,
///     ``column`` and ``value`` say where), ``"cost matrix is infeasible"``
///     (``aidmatch.InfeasibleError``), and numpy's own conversion messages.
///     One limit scipy does not have: a finite float cost must be within
///     ±``f64::MAX / (4 (n + 1))``, ``n`` the smaller side (1.5e307 for a
///     2 × 2 matrix), so that the solver's sums cannot overflow; a cost beyond it
///     (a big-M such as ``sys.float_info.max``) is an ``InputError`` with
///     ``row``, ``column`` and ``value`` and a short message. Use ``inf`` to
///     forbid an entry.
/// TypeError
///     ``aidmatch.InputTypeError`` for dtypes numpy will not cast safely to
///     float64 (complex, object, strings, datetimes), with numpy's message.
/// KeyboardInterrupt
///     Ctrl-C during a long solve (the solver stops within milliseconds).
///
/// Examples
/// --------
/// >>> import numpy as np
/// >>> import aidmatch
/// >>> cost = np.array([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
/// >>> row_ind, col_ind = aidmatch.linear_sum_assignment(cost)
/// >>> col_ind
/// array([1, 0, 2])
/// >>> int(cost[row_ind, col_ind].sum())
/// 5
/// >>> r, c, u, v = aidmatch.linear_sum_assignment(cost, return_duals=True)
/// >>> bool((u[:, None] + v[None, :] <= cost).all()), int(u.sum() + v.sum())
/// (True, 5)
#[pyfunction]
#[pyo3(
    signature = (cost_matrix, maximize = None, *, return_duals = false),
    text_signature = "(cost_matrix, maximize=False, *, return_duals=False)"
)]
fn linear_sum_assignment<'py>(
    py: Python<'py>,
    cost_matrix: &Bound<'py, PyAny>,
    maximize: Option<&Bound<'py, PyAny>>,
    return_duals: bool,
) -> PyResult<Bound<'py, PyTuple>> {
    // scipy parses `maximize` with the "p" format: any object, by its truth value.
    let sense = match maximize {
        Some(m) if m.is_truthy()? => Sense::Maximize,
        _ => Sense::Minimize,
    };
    // Fast paths: a C-contiguous float64 or int64 matrix is read in place.
    if let Ok(a) = cost_matrix.cast::<PyArray2<f64>>()
        && a.is_c_contiguous()
    {
        return lsap_f64(py, a, sense, return_duals);
    }
    if let Ok(a) = cost_matrix.cast::<PyArray2<i64>>()
        && a.is_c_contiguous()
    {
        return lsap_i64(py, a, sense, return_duals);
    }
    // A list of lists of floats or ints: numpy's own conversion gives the float64 or
    // int64 matrix that `lsap_matrix` would return, without its Python-level checks.
    // Anything else it gives (other dtypes, other shapes, errors) goes the long way.
    if cost_matrix.is_instance_of::<PyList>() {
        static ASARRAY: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
        let asarray = ASARRAY.get_or_try_init(py, || {
            py.import("numpy")?.getattr("asarray").map(Bound::unbind)
        })?;
        if let Ok(probe) = asarray.bind(py).call1((cost_matrix,)) {
            if let Ok(a) = probe.cast::<PyArray2<f64>>()
                && a.is_c_contiguous()
            {
                return lsap_f64(py, a, sense, return_duals);
            }
            if let Ok(a) = probe.cast::<PyArray2<i64>>()
                && a.is_c_contiguous()
            {
                return lsap_i64(py, a, sense, return_duals);
            }
        }
    }
    // Everything else is converted in Python, exactly as scipy converts it.
    static CONVERT: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    let convert = CONVERT.get_or_try_init(py, || {
        py.import("aidmatch._convert")?
            .getattr("lsap_matrix")
            .map(Bound::unbind)
    })?;
    let converted = convert.bind(py).call1((cost_matrix,))?;
    if let Ok(a) = converted.cast::<PyArray2<f64>>() {
        return lsap_f64(py, a, sense, return_duals);
    }
    if let Ok(a) = converted.cast::<PyArray2<i64>>() {
        return lsap_i64(py, a, sense, return_duals);
    }
    Err(Raise::new(
        Kind::Internal,
        "internal error: the cost matrix conversion returned an unexpected type",
    )
    .into_pyerr(py))
}

fn dims<T: numpy::Element>(a: &Bound<'_, PyArray2<T>>) -> (usize, usize) {
    let shape = a.shape();
    (shape[0], shape[1])
}

fn lsap_f64<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyArray2<f64>>,
    sense: Sense,
    return_duals: bool,
) -> PyResult<Bound<'py, PyTuple>> {
    let (rows, cols) = dims(a);
    let held = Costs::read(py, a)?;
    let costs = held.as_slice(py)?;
    let assignment = solve_dense(py, rows, cols, |o| {
        dense::linear_sum_assignment_with(costs, rows, cols, sense, o)
    })?
    .map_err(|e| assign_error(e, &NoArcs).into_pyerr(py))?;
    lsap_result(py, &assignment, return_duals, |py, d| {
        Ok(PyArray1::from_slice(py, d).into_any())
    })
}

/// Runs a dense solve. Tiny matrices (longer side at most `dense::SMALL_SIDE`, under a
/// microsecond) are solved holding the GIL: releasing and re-taking it would cost more
/// than the solve. Others run with the GIL released; large ones through
/// [`interrupt::run`], so that Ctrl-C cancels them (`KeyboardInterrupt`).
///
/// The outer error is Python's (a signal handler's exception, or a panic made
/// `InternalError`); the inner one the solver's, for the caller to map.
fn solve_dense<T: Send>(
    py: Python<'_>,
    rows: usize,
    cols: usize,
    solve: impl FnOnce(&DenseOptions<'_>) -> Result<T, AssignError> + Send,
) -> PyResult<Result<T, AssignError>> {
    let solved = if rows.max(cols) <= dense::SMALL_SIDE {
        catch_unwind(AssertUnwindSafe(|| solve(&DenseOptions::default())))
    } else {
        let cancel = AtomicBool::new(false);
        let inline = rows.saturating_mul(cols) < INLINE_ENTRIES;
        interrupt::run(py, &cancel, inline, || {
            let mut options = DenseOptions::default();
            options.cancel = Some(&cancel);
            solve(&options)
        })?
    };
    solved.map_err(|payload| panic_error(payload).into_pyerr(py))
}

fn lsap_i64<'py>(
    py: Python<'py>,
    a: &Bound<'py, PyArray2<i64>>,
    sense: Sense,
    return_duals: bool,
) -> PyResult<Bound<'py, PyTuple>> {
    let (rows, cols) = dims(a);
    let held = Costs::read(py, a)?;
    let costs = held.as_slice(py)?;
    let solved = solve_dense(py, rows, cols, |o| {
        dense::linear_sum_assignment_i64_with(costs, rows, cols, None, sense, o)
    })?;
    if let Err(AssignError::CostOutOfRange { .. }) = solved {
        // Beyond ±(2^53 - 1) integers are not exact in the integer solver's
        // bound; scipy converts them to float64, and so do we.
        let as_float: Vec<f64> = costs.iter().map(|&c| c as f64).collect();
        let assignment = solve_dense(py, rows, cols, |o| {
            dense::linear_sum_assignment_with(&as_float, rows, cols, sense, o)
        })?
        .map_err(|e| assign_error(e, &NoArcs).into_pyerr(py))?;
        return lsap_result(py, &assignment, return_duals, |py, d| {
            Ok(PyArray1::from_slice(py, d).into_any())
        });
    }
    let assignment = solved.map_err(|e| assign_error(e, &NoArcs).into_pyerr(py))?;
    lsap_result(py, &assignment, return_duals, |py, d| int_array(py, d))
}

fn lsap_result<'py, T: Copy>(
    py: Python<'py>,
    a: &Assignment<T>,
    return_duals: bool,
    duals: impl Fn(Python<'py>, &[T]) -> PyResult<Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let row_ind = index_array(py, a.row_ind());
    let col_ind = index_array(py, a.col_ind());
    if return_duals {
        let u = duals(py, a.row_duals())?;
        let v = duals(py, a.col_duals())?;
        PyTuple::new(py, [row_ind, col_ind, u, v])
    } else {
        PyTuple::new(py, [row_ind, col_ind])
    }
}

/// `from_slice` (numpy allocates, one copy) is cheaper for small results than
/// `from_vec`, which wraps the `Vec` in an owner object.
fn index_array<'py>(py: Python<'py>, idx: &[usize]) -> Bound<'py, PyAny> {
    let v: Vec<i64> = idx.iter().map(|&i| i as i64).collect();
    PyArray1::from_slice(py, &v).into_any()
}

/// Exact integer prices: an `int64` array when every price fits (the usual case),
/// otherwise an `object` array of Python ints.
fn int_array<'py>(py: Python<'py>, values: &[i128]) -> PyResult<Bound<'py, PyAny>> {
    let narrow: Option<Vec<i64>> = values.iter().map(|&v| i64::try_from(v).ok()).collect();
    match narrow {
        Some(v) => Ok(PyArray1::from_slice(py, &v).into_any()),
        None => {
            let list = PyList::new(py, values)?;
            py.import("numpy")?
                .getattr("array")?
                .call1((list, "object"))
        }
    }
}

/// Matrices up to this many entries are copied (a few hundred nanoseconds at most)
/// rather than borrowed: registering a borrow with rust-numpy's borrow checker costs
/// more than copying a small matrix, and per-call overhead matters for small solves.
const COPY_AT_MOST: usize = 4096;

/// A C-contiguous cost matrix held for the solve: a copy if small, else a
/// zero-copy read-only borrow of the numpy array.
enum Costs<'py, T: numpy::Element> {
    Copied(Vec<T>),
    Borrowed(numpy::PyReadonlyArray2<'py, T>),
}

impl<'py, T: numpy::Element> Costs<'py, T> {
    fn read(py: Python<'py>, a: &Bound<'py, PyArray2<T>>) -> PyResult<Self> {
        if a.len() <= COPY_AT_MOST
            && let Ok(v) = a.to_vec()
        {
            return Ok(Costs::Copied(v));
        }
        a.try_readonly()
            .map(Costs::Borrowed)
            .map_err(|e| borrow_error(py, e))
    }

    fn as_slice(&self, py: Python<'_>) -> PyResult<&[T]> {
        match self {
            Costs::Copied(v) => Ok(v),
            Costs::Borrowed(guard) => guard.as_slice().map_err(|e| {
                Raise::new(
                    Kind::Internal,
                    format!("internal error: array not contiguous: {e}"),
                )
                .into_pyerr(py)
            }),
        }
    }
}

fn borrow_error(py: Python<'_>, e: numpy::BorrowError) -> PyErr {
    Raise::new(
        Kind::Base,
        format!("the array is being written by other Rust code: {e}"),
    )
    .into_pyerr(py)
}

/// Unwraps a solver call made inside `catch_unwind`, mapping both failure kinds.
fn unwrap_solve<T>(
    py: Python<'_>,
    solved: std::thread::Result<Result<T, AssignError>>,
    arcs: &dyn ArcLocator,
) -> PyResult<T> {
    match solved {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(assign_error(e, arcs).into_pyerr(py)),
        Err(payload) => Err(panic_error(payload).into_pyerr(py)),
    }
}

/// CSR arc numbers to (row, column), by binary search on `indptr`.
struct CsrArcs<'a> {
    row_start: &'a [usize],
    cols: &'a [usize],
}

impl ArcLocator for CsrArcs<'_> {
    fn locate(&self, arc: usize) -> Option<(usize, usize)> {
        let col = *self.cols.get(arc)?;
        let row = self
            .row_start
            .partition_point(|&s| s <= arc)
            .checked_sub(1)?;
        Some((row, col))
    }
}

/// Exact maximum-weight b-matching on CSR arrays (use ``aidmatch.max_weight_matching``).
///
/// All arrays are int64. ``weights`` are exact integers within ±(2**53 - 1).
/// ``row_capacity``/``col_capacity`` default to 1, ``row_tier`` (1 = most urgent,
/// up to 255) to 1. Returns ``(row_ind, col_ind)`` of the matched pairs sorted by
/// row then column, plus ``(row_price, col_price)`` with ``return_duals``.
#[pyfunction]
#[pyo3(
    name = "max_weight_matching_csr",
    signature = (n_rows, n_cols, indptr, indices, weights, row_capacity = None, col_capacity = None, row_tier = None, return_duals = false)
)]
#[allow(clippy::too_many_arguments)] // mirrors the Python keyword arguments one to one
fn max_weight_matching_csr<'py>(
    py: Python<'py>,
    n_rows: usize,
    n_cols: usize,
    indptr: PyReadonlyArray1<'py, i64>,
    indices: PyReadonlyArray1<'py, i64>,
    weights: PyReadonlyArray1<'py, i64>,
    row_capacity: Option<PyReadonlyArray1<'py, i64>>,
    col_capacity: Option<PyReadonlyArray1<'py, i64>>,
    row_tier: Option<PyReadonlyArray1<'py, i64>>,
    return_duals: bool,
) -> PyResult<Bound<'py, PyTuple>> {
    let row_start = to_usize(py, &indptr, |i, v| {
        Raise::input(format!("indptr has a negative entry {v} at position {i}"))
            .value(Value::Int(i128::from(v)))
    })?;
    let cols = to_usize(py, &indices, |i, v| {
        let row = row_start.partition_point(|&s| s <= i).checked_sub(1);
        Raise::input(format!("indices[{i}] = {v} is negative"))
            .at(row, None)
            .value(Value::Int(i128::from(v)))
    })?;
    check_csr(py, n_rows, n_cols, &row_start, &cols, weights.len())?;
    let arcs = CsrArcs {
        row_start: &row_start,
        cols: &cols,
    };
    let weights = weights.as_array().to_vec();
    let mut builder = Problem::from_csr(n_rows, n_cols, &row_start, &cols, &weights)
        .map_err(|e| csr_error(e, &arcs).into_pyerr(py))?;
    if let Some(c) = row_capacity {
        builder.row_supply(side(py, &c, "row_capacity", n_rows, Side::Row)?);
    }
    if let Some(c) = col_capacity {
        builder.col_capacity(side(py, &c, "col_capacity", n_cols, Side::Column)?);
    }
    if let Some(t) = row_tier {
        builder.row_tier(side(py, &t, "row_tier", n_rows, Side::Row)?);
    }
    let problem = builder
        .build()
        .map_err(|e| csr_error(e, &arcs).into_pyerr(py))?;
    let matching = solve_interruptibly(py, &problem)?;

    let mut row_ind = Vec::new();
    let mut col_ind = Vec::new();
    for (row, col, units) in matching.pairs(&problem) {
        for _ in 0..units {
            row_ind.push(row as i64);
            col_ind.push(col as i64);
        }
    }
    let row_ind = PyArray1::from_vec(py, row_ind).into_any();
    let col_ind = PyArray1::from_vec(py, col_ind).into_any();
    if return_duals {
        let u = int_array(py, &matching.row_price)?;
        let v = int_array(py, &matching.col_price)?;
        PyTuple::new(py, [row_ind, col_ind, u, v])
    } else {
        PyTuple::new(py, [row_ind, col_ind])
    }
}

fn to_usize(
    py: Python<'_>,
    a: &PyReadonlyArray1<'_, i64>,
    negative: impl Fn(usize, i64) -> Raise,
) -> PyResult<Vec<usize>> {
    a.as_array()
        .iter()
        .enumerate()
        .map(|(i, &v)| usize::try_from(v).map_err(|_| negative(i, v).into_pyerr(py)))
        .collect()
}

/// Checks the CSR arrays as the caller passed them (``(data, indices, indptr,
/// shape)``), naming them: ``indptr`` has ``shape[0] + 1`` entries, starts at 0, never
/// decreases and ends at ``len(indices)``; ``data`` and ``indices`` have one entry per
/// edge; every column index is below ``shape[1]``.
fn check_csr(
    py: Python<'_>,
    n_rows: usize,
    n_cols: usize,
    row_start: &[usize],
    cols: &[usize],
    n_weights: usize,
) -> PyResult<()> {
    csr_problem(n_rows, n_cols, row_start, cols, n_weights)
        .map_or(Ok(()), |r| Err(r.into_pyerr(py)))
}

/// The first problem [`check_csr`] reports, if any.
fn csr_problem(
    n_rows: usize,
    n_cols: usize,
    row_start: &[usize],
    cols: &[usize],
    n_weights: usize,
) -> Option<Raise> {
    let expected = n_rows.saturating_add(1);
    if row_start.len() != expected {
        return Some(
            Raise::input(format!(
                "indptr has length {}, expected shape[0] + 1 = {expected}",
                row_start.len()
            ))
            .value(Value::Int(row_start.len() as i128)),
        );
    }
    if row_start[0] != 0 {
        return Some(
            Raise::input(format!("indptr[0] must be 0, got {}", row_start[0]))
                .value(Value::Int(row_start[0] as i128)),
        );
    }
    if let Some(r) = row_start.windows(2).position(|w| w[1] < w[0]) {
        let (lo, hi) = (row_start[r], row_start[r + 1]);
        return Some(
            Raise::input(format!(
                "indptr must not decrease: indptr[{}] = {hi} is less than indptr[{r}] = {lo}",
                r + 1
            ))
            .at(Some(r), None)
            .value(Value::Int(hi as i128)),
        );
    }
    let last = row_start[n_rows];
    if last != cols.len() {
        return Some(
            Raise::input(format!(
                "indptr[-1] = {last} must equal the number of entries, len(indices) = {}",
                cols.len()
            ))
            .value(Value::Int(last as i128)),
        );
    }
    if n_weights != cols.len() {
        return Some(
            Raise::input(format!(
                "data has length {n_weights} but indices has length {}: one weight per entry",
                cols.len()
            ))
            .value(Value::Int(n_weights as i128)),
        );
    }
    let row_of = |arc: usize| row_start.partition_point(|&s| s <= arc).checked_sub(1);
    if let Some(i) = cols.iter().position(|&c| c >= n_cols) {
        return Some(
            Raise::input(format!(
                "indices[{i}] = {} is not a column: shape[1] is {n_cols}",
                cols[i]
            ))
            .at(row_of(i), Some(cols[i]))
            .value(Value::Int(cols[i] as i128)),
        );
    }
    None
}

/// The errors of building a problem from CSR arrays, in the caller's terms (entries of
/// ``indices``/``data``, ``row_capacity``, ``row_tier``), not the solver's (arcs,
/// ``row_supply``).
fn csr_error(err: AssignError, arcs: &CsrArcs<'_>) -> Raise {
    match err {
        AssignError::DuplicateArc {
            row,
            col,
            first,
            second,
        } => Raise::input(format!(
            "duplicate edge: column {col} appears twice in row {row} (indices[{first}] and \
             indices[{second}])"
        ))
        .at(Some(row), Some(col)),
        AssignError::WeightOutOfRange { arc, value, limit } => {
            let (row, col) = arcs.locate(arc).unzip();
            let at = match (row, col) {
                (Some(r), Some(c)) => format!(" at row {r}, column {c}"),
                _ => String::new(),
            };
            Raise::input(format!(
                "weight {value}{at} (data[{arc}]) is outside the supported range ±{limit}"
            ))
            .at(row, col)
            .value(Value::Int(i128::from(value)))
        }
        AssignError::TierOutOfRange { row, tier, max } => {
            Raise::input(format!("row_tier[{row}] = {tier} is outside 1..={max}"))
                .at(Some(row), None)
                .value(Value::Int(i128::from(tier)))
        }
        other => assign_error(other, arcs),
    }
}

/// Which side a per-row or per-column array describes.
#[derive(Clone, Copy)]
enum Side {
    Row,
    Column,
}

/// A per-row or per-column array (``row_capacity``, ``col_capacity``, ``row_tier``):
/// one entry per row (column), each within ``u32``.
fn side(
    py: Python<'_>,
    a: &PyReadonlyArray1<'_, i64>,
    what: &str,
    n: usize,
    side: Side,
) -> PyResult<Vec<u32>> {
    let (per, count) = match side {
        Side::Row => ("row", "shape[0]"),
        Side::Column => ("column", "shape[1]"),
    };
    if a.len() != n {
        return Err(Raise::input(format!(
            "{what} has length {}, expected one entry per {per}: {count} = {n}",
            a.len()
        ))
        .value(Value::Int(a.len() as i128))
        .into_pyerr(py));
    }
    a.as_array()
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            u32::try_from(v).map_err(|_| {
                let (row, col) = match side {
                    Side::Row => (Some(i), None),
                    Side::Column => (None, Some(i)),
                };
                Raise::input(format!("{what}[{i}] = {v} is outside 0..=4294967295"))
                    .at(row, col)
                    .value(Value::Int(i128::from(v)))
                    .into_pyerr(py)
            })
        })
        .collect()
}

/// Runs the sparse solve with the GIL released; large problems through
/// [`interrupt::run`], so that Ctrl-C cancels them (`KeyboardInterrupt`).
fn solve_interruptibly(py: Python<'_>, problem: &Problem) -> PyResult<Matching> {
    let cancel = Arc::new(AtomicBool::new(false));
    let options = sparse::Options {
        parallel: true,
        cancel: Some(Arc::clone(&cancel)),
    };
    let inline = problem.n_arcs() < INLINE_ARCS;
    let solved = interrupt::run(py, &cancel, inline, || sparse::solve(problem, &options))?;
    unwrap_solve(py, solved, &NoArcs)
}

/// Panics inside the same boundary the solvers run in, to prove (in the tests) that
/// a panic reaches Python as ``aidmatch.InternalError``, not ``PanicException``.
#[pyfunction]
#[pyo3(name = "_panic_for_tests")]
fn panic_for_tests(py: Python<'_>, message: String) -> PyResult<()> {
    let outcome: std::thread::Result<Result<(), AssignError>> = py.detach(|| {
        catch_unwind(AssertUnwindSafe(|| -> Result<(), AssignError> {
            std::panic::panic_any(message)
        }))
    });
    unwrap_solve(py, outcome, &NoArcs)
}
