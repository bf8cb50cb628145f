"""Input conversion for the compiled module: Python objects in, C-contiguous numpy arrays out.

This module holds no algorithm. It turns what users pass (lists, numpy arrays of any
dtype, ``np.matrix``, masked arrays, DataFrames, scipy.sparse matrices, CSR tuples)
into the few array layouts the Rust side reads without copying, and raises the same
exception types and messages as scipy where aidmatch is a drop-in for scipy.
"""

from __future__ import annotations

import sys
from typing import Any, Optional, Tuple

import numpy as np

from ._aidmatch import MAX_WEIGHT
from .exceptions import InputError, InputTypeError

__all__ = ["MAX_WEIGHT", "lsap_matrix", "side_vector", "sparse_problem"]
_I64_MAX = np.iinfo(np.int64).max


def lsap_matrix(obj: Any) -> np.ndarray:
    """Converts a cost matrix the way scipy's ``linear_sum_assignment`` does.

    scipy calls ``PyArray_ContiguousFromAny(obj, NPY_DOUBLE, 0, 0)`` and then checks
    the number of dimensions. This function reproduces that, with one difference that
    does not change results: integer data (of an integer array, or a list of Python
    ints that fit in ``int64``) is kept as ``int64`` so that the exact integer solver
    can take it. Returns a C-contiguous 2-D ``float64`` or ``int64`` array.

    Raises :class:`InputTypeError` (a ``TypeError``) or :class:`InputError` (a
    ``ValueError``) carrying scipy's message.
    """
    try:
        if isinstance(obj, np.ndarray):
            a = obj
            kind = a.dtype.kind
            if kind in "iu" and _fits_int64(a):
                a = np.asarray(a, dtype=np.int64, order="C")
            else:
                # numpy's 'safe' casting, as PyArray_FromArray applies it: complex,
                # object, string, datetime and longdouble arrays are refused.
                a = np.asarray(a.astype(np.float64, casting="safe", copy=False), order="C")
        else:
            a = None
            if not isinstance(obj, (str, bytes)):
                try:
                    probe = np.asarray(obj)
                except Exception:  # scipy's own conversion below names the problem
                    probe = None
                if probe is not None:
                    kind = probe.dtype.kind
                    if kind in "iu" and _fits_int64(probe):
                        a = np.asarray(probe, dtype=np.int64, order="C")
                    elif kind in "bf" and probe.dtype.itemsize <= 8:
                        # Exactly what np.asarray(obj, dtype=float64) would give.
                        a = np.asarray(probe, dtype=np.float64, order="C")
            if a is None:
                # Anything else (strings, None, objects, huge ints): scipy's own
                # conversion, with its result or its error.
                a = np.asarray(obj, dtype=np.float64, order="C")
    except TypeError as e:
        raise InputTypeError(str(e)) from e
    except ValueError as e:
        raise InputError(str(e)) from e
    if a.ndim != 2:
        raise InputError(f"expected a matrix (2-D array), got a {a.ndim} array")
    return a


def _fits_int64(a: np.ndarray) -> bool:
    if a.dtype.kind == "u" and a.dtype.itemsize >= 8 and a.size:
        return bool(a.max() <= _I64_MAX)
    return True


def sparse_problem(
    biadjacency: Any, scale: int
) -> Tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
    """Returns ``(n_rows, n_cols, indptr, indices, weights)``, all ``int64``.

    * scipy.sparse matrix or array: converted to CSR; duplicates are summed (the
      matrix's meaning); every stored entry, an explicit zero included, is an edge.
    * ``(data, indices, indptr, shape)`` tuple: taken as CSR as it is; a repeated
      column in a row is an :class:`InputError`.
    * anything else (numpy array, masked array, list of lists, DataFrame): a dense
      matrix whose every entry is an edge except NaN, ``-inf`` and masked entries.

    Integer and boolean weights are taken exactly. Float weights are multiplied by
    ``scale`` and rounded to the nearest integer (half to even).
    """
    if isinstance(biadjacency, tuple) and len(biadjacency) == 4:
        data, indices, indptr, shape = biadjacency
        n_rows, n_cols = _shape(shape)
        data = _vector(data, "data")
        indices = _index_vector(indices, "indices")
        indptr = _index_vector(indptr, "indptr")
    elif _is_scipy_sparse(biadjacency):
        csr = biadjacency.tocsr()
        if not csr.has_canonical_format:
            csr = csr.copy()
            csr.sum_duplicates()
        n_rows, n_cols = (int(x) for x in csr.shape)
        data = np.asarray(csr.data)
        indices = np.asarray(csr.indices, dtype=np.int64)
        indptr = np.asarray(csr.indptr, dtype=np.int64)
    else:
        n_rows, n_cols, indptr, indices, data = _dense_edges(biadjacency)
    weights = _weights(data, scale, indptr, indices)
    return n_rows, n_cols, indptr, indices, weights


def _is_scipy_sparse(obj: Any) -> bool:
    sp = sys.modules.get("scipy.sparse")
    return sp is not None and bool(sp.issparse(obj))


def _shape(shape: Any) -> Tuple[int, int]:
    try:
        n_rows, n_cols = (int(x) for x in shape)
    except (TypeError, ValueError) as e:
        raise InputError(f"shape must be a pair of integers, got {shape!r}") from e
    if n_rows < 0 or n_cols < 0:
        raise InputError(f"shape must be non-negative, got {shape!r}")
    return n_rows, n_cols


def _vector(x: Any, what: str) -> np.ndarray:
    a = np.asarray(x)
    if a.ndim != 1:
        raise InputError(f"{what} must be 1-D, got {a.ndim}-D")
    return a


def _index_vector(x: Any, what: str) -> np.ndarray:
    a = _vector(x, what)
    if a.size == 0:
        return np.zeros(0, dtype=np.int64)
    if a.dtype.kind not in "iu":
        raise InputTypeError(f"{what} must have an integer dtype, got {a.dtype}")
    if not _fits_int64(a):
        raise InputError(f"{what} has entries larger than 2**63 - 1")
    return np.asarray(a, dtype=np.int64, order="C")


def _dense_edges(
    obj: Any,
) -> Tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
    if np.ma.isMaskedArray(obj):
        a = np.ma.getdata(obj)
        present = ~np.ma.getmaskarray(obj)
    else:
        try:
            a = np.asarray(obj)
        except ValueError as e:
            raise InputError(str(e)) from e
        present = None
    if a.ndim != 2:
        raise InputError(f"expected a matrix (2-D array), got a {a.ndim} array")
    if a.dtype.kind == "O":
        # None and pd.NA (a nullable DataFrame's gaps) are no edge, as NaN is.
        a, missing = _object_weights(a)
        present = ~missing if present is None else present & ~missing
    kind = a.dtype.kind
    if kind not in "biuf":
        try:
            a = a.astype(np.float64, casting="safe")
        except TypeError as e:
            raise InputTypeError(str(e)) from e
        kind = "f"
    if kind == "f":
        finite_or_plus = ~(np.isnan(a) | np.isneginf(a))
        present = finite_or_plus if present is None else present & finite_or_plus
    n_rows, n_cols = (int(x) for x in a.shape)
    if present is None:
        indptr = np.arange(0, n_rows * n_cols + 1, max(n_cols, 1), dtype=np.int64)
        if n_cols == 0:
            indptr = np.zeros(n_rows + 1, dtype=np.int64)
        indices = np.tile(np.arange(n_cols, dtype=np.int64), n_rows)
        data = a.reshape(-1)
    else:
        rows, cols = np.nonzero(present)
        counts = np.bincount(rows, minlength=n_rows)
        indptr = np.zeros(n_rows + 1, dtype=np.int64)
        np.cumsum(counts, out=indptr[1:])
        indices = cols.astype(np.int64)
        data = a[rows, cols]
    return n_rows, n_cols, indptr, indices, data


def _object_weights(a: np.ndarray) -> Tuple[np.ndarray, np.ndarray]:
    """An object matrix as numbers, and where it holds ``None``, ``pd.NA`` or NaN.

    The gaps become 0 (masked out by the caller); the rest is converted by numpy as
    a list of its values would be: Python ints stay exact ``int64``, mixed ints and
    floats become ``float64``, anything else keeps a dtype the caller refuses."""
    flat = a.reshape(-1)
    missing = np.fromiter((_is_gap(v) for v in flat), dtype=bool, count=flat.size)
    values = [0 if m else v for v, m in zip(flat.tolist(), missing.tolist())]
    try:
        numbers = np.asarray(values) if values else np.zeros(0, dtype=np.float64)
    except (TypeError, ValueError) as e:
        raise InputTypeError(f"weights must be numbers: {e}") from e
    return numbers.reshape(a.shape), missing.reshape(a.shape)


def _is_gap(v: Any) -> bool:
    if v is None:
        return True
    if isinstance(v, (float, np.floating)):
        return bool(v != v)
    pd = sys.modules.get("pandas")
    return pd is not None and v is pd.NA


def _arc_location(indptr: np.ndarray, indices: np.ndarray, arc: int) -> Tuple[Optional[int], Optional[int]]:
    if indptr.size == 0 or arc >= indices.size:
        return None, None
    row = int(np.searchsorted(indptr, arc, side="right")) - 1
    return row, int(indices[arc])


def _weights(data: np.ndarray, scale: int, indptr: np.ndarray, indices: np.ndarray) -> np.ndarray:
    """Integer weights exactly, float weights as ``round(w * scale)``; both checked
    against ``MAX_WEIGHT``."""
    data = np.asarray(data)
    kind = data.dtype.kind
    if data.size == 0:
        return np.zeros(0, dtype=np.int64)
    if kind == "b":
        return data.astype(np.int64)
    if kind in "iu":
        if kind == "u":
            bad = data > MAX_WEIGHT
        else:
            bad = (data > MAX_WEIGHT) | (data < -MAX_WEIGHT)
        _raise_first(bad, data, indptr, indices, "weight {v} at row {r}, column {c} is outside ±2**53 - 1")
        return np.asarray(data, dtype=np.int64, order="C")
    if kind != "f":
        try:
            data = data.astype(np.float64, casting="safe")
        except TypeError as e:
            raise InputTypeError(str(e)) from e
    scaled = np.rint(np.asarray(data, dtype=np.float64) * float(scale))
    bad = ~np.isfinite(scaled) | (np.abs(scaled) > MAX_WEIGHT)
    _raise_first(
        bad,
        data,
        indptr,
        indices,
        "weight {v} at row {r}, column {c} is not finite or, times scale " + str(scale)
        + ", outside ±2**53 - 1",
    )
    return scaled.astype(np.int64)


def _raise_first(bad: np.ndarray, data: np.ndarray, indptr: np.ndarray, indices: np.ndarray, fmt: str) -> None:
    if not bad.any():
        return
    arc = int(np.argmax(bad))
    row, col = _arc_location(indptr, indices, arc)
    value = data[arc].item()
    raise InputError(fmt.format(v=value, r=row, c=col), row=row, column=col, value=value)


def side_vector(x: Any, n: int, what: str) -> Optional[np.ndarray]:
    """A per-row or per-column integer array: ``None``, a scalar (broadcast) or a
    sequence of length ``n``. Range checks happen in Rust, with the position."""
    if x is None:
        return None
    a = np.asarray(x)
    if a.ndim == 0:
        a = np.full(n, a)
    if a.ndim != 1:
        raise InputError(f"{what} must be a scalar or 1-D, got {a.ndim}-D")
    if a.size and a.dtype.kind not in "iub":
        raise InputTypeError(f"{what} must have an integer dtype, got {a.dtype}")
    if a.size and not _fits_int64(a):
        raise InputError(f"{what} has entries larger than 2**63 - 1")
    return np.asarray(a, dtype=np.int64, order="C")
