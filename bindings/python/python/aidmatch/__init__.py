"""aidmatch: exact assignment and b-matching, with a scipy drop-in.

The two-lists engine and two solvers from Rust, all exact and all releasing
the GIL while they run:

* :func:`match` matches a needs list (需求清单) with a supply list (供给清单)
  under a :class:`Policy` and explains every outcome (:class:`MatchResult`).

* :func:`linear_sum_assignment` is a drop-in replacement for
  ``scipy.optimize.linear_sum_assignment`` (same arguments, results, exception
  types and messages), solving integer matrices in exact integer arithmetic
  and optionally returning the dual prices that prove the result optimal.
* :func:`max_weight_matching` finds a maximum-weight matching of a sparse
  bipartite graph in which rows and columns may take several partners
  (capacities) and rows may have priority tiers. Nobody is forced to be
  matched, so every instance has a solution.

Example: three households (rows) and three aid packages (columns); the cost
is the distance in km, and ``inf`` marks a package a household cannot use.

>>> import numpy as np
>>> import aidmatch
>>> km = np.array([[4.0, 1.0, np.inf],
...                [2.0, 0.5, 5.0],
...                [3.0, 2.0, 2.0]])
>>> rows, cols = aidmatch.linear_sum_assignment(km)
>>> cols.tolist(), float(km[rows, cols].sum())
([1, 0, 2], 5.0)

Every error is an :class:`AidmatchError`; errors about the input are also
``ValueError`` (:class:`InputError`, with ``row``, ``column``, ``value``) or
``TypeError`` (:class:`InputTypeError`).
"""

from __future__ import annotations

import math
import operator
from typing import TYPE_CHECKING, Any, Optional, Tuple, Union

import numpy as np
from numpy.typing import ArrayLike

from . import _aidmatch
from ._aidmatch import MAX_ARCS, MAX_ROWS, __version__, linear_sum_assignment
from ._convert import MAX_WEIGHT, sparse_problem, side_vector
from ._engine import (
    DeskOutcome,
    LoopState,
    MatchResult,
    Policy,
    UrgentDesk,
    UrgentResult,
    load_state,
    match,
    state_from_json,
)
from .exceptions import (
    AidmatchError,
    FileError,
    InfeasibleError,
    InputError,
    InputTypeError,
    InternalError,
    LimitError,
    OutcomeError,
    PolicyError,
    SolveInterrupted,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "AidmatchError",
    "DeskOutcome",
    "FileError",
    "InfeasibleError",
    "InputError",
    "InputTypeError",
    "InternalError",
    "LimitError",
    "LoopState",
    "MAX_ARCS",
    "MAX_ROWS",
    "MAX_WEIGHT",
    "MatchResult",
    "OutcomeError",
    "Policy",
    "PolicyError",
    "SolveInterrupted",
    "UrgentDesk",
    "UrgentResult",
    "__version__",
    "assignment_frame",
    "linear_sum_assignment",
    "load_state",
    "match",
    "max_weight_matching",
    "state_from_json",
]

#: Default multiplier for float weights in :func:`max_weight_matching`.
DEFAULT_SCALE = 1_000_000

_Capacity = Union[None, int, ArrayLike]


def max_weight_matching(
    biadjacency: Any,
    *,
    row_capacity: _Capacity = None,
    col_capacity: _Capacity = None,
    row_tier: Optional[Any] = None,
    scale: int = DEFAULT_SCALE,
    return_duals: bool = False,
) -> Tuple[np.ndarray, ...]:
    """Exact maximum-weight matching of a sparse bipartite graph (b-matching).

    Unlike ``scipy.sparse.csgraph.min_weight_full_bipartite_matching``, nobody
    is forced to be matched: an edge is used only if it helps, so every
    instance has an optimum. Each edge carries at most one unit.

    Parameters
    ----------
    biadjacency
        The edges and their weights, one of:

        * a scipy.sparse matrix or array: every *stored* entry is an edge, an
          explicit zero included (an edge of weight 0); duplicate entries of a
          COO matrix are summed, as scipy does;
        * a ``(data, indices, indptr, shape)`` CSR tuple (no scipy needed); a
          column repeated within a row is an :class:`InputError`;
        * a dense 2-D array (numpy, masked array, list of lists, DataFrame):
          every entry is an edge except NaN, ``-inf``, ``None``, ``pd.NA`` and
          masked entries.
    row_capacity, col_capacity
        How many partners each row / column may take: ``None`` (1 each), one
        integer for all, or one non-negative integer per row / column.
    row_tier
        Priority of each row, 1 (most urgent) to 255. The result then maximizes
        lexicographically: first the number of matched units of tier-1 rows,
        then of tier 2, ..., and only then the total weight (every tier's
        matched units outrank any weight). Then an edge of zero or negative
        weight may be used if it matches one more unit. This holds whenever
        ``row_tier`` is given, even if every row is tier 1 (then: the most
        units first, then the most weight); ``row_tier=None`` maximizes the
        weight alone.
    scale
        Float weights are exact only as integers: a float weight ``w`` is
        solved as ``round(w * scale)`` (half to even; default ``10**6``, i.e.
        micro-units). Integer and bool weights are used exactly and ignore
        ``scale``. Every weight must end up within ±(2**53 - 1)
        (:data:`MAX_WEIGHT`), else :class:`InputError` names the entry.
        ``scale`` is a positive integer up to ``MAX_WEIGHT`` (an ``int``, a
        numpy integer, or a whole float such as ``1e6``); 0, a negative or
        fractional number is an :class:`InputError`, a bool or a non-number an
        :class:`InputTypeError`.
    return_duals
        Also return the dual prices ``row_price``, ``col_price`` (int64, or
        object arrays of Python ints if they do not fit), in scaled integer
        units including the tier bonuses. With them, the optimum can be
        checked: every edge's compound weight minus its row and column
        prices is positive only on matched edges of full rows/columns.

    Returns
    -------
    row_ind, col_ind : numpy.ndarray of int64
        The matched edges, sorted by row then column. A row of capacity 2 may
        appear twice (with two different columns).

    Raises
    ------
    InputError
        (a ``ValueError``) bad shape, index, duplicate edge, weight, capacity,
        tier or ``scale``; ``row``, ``column`` and ``value`` locate it. The
        messages name the arrays as they were passed (``indptr``, ``indices``,
        ``data``, ``row_capacity``, ...).
    InputTypeError
        (a ``TypeError``) weights or indices of a non-numeric dtype.
    KeyboardInterrupt
        Ctrl-C stops a long solve within about 50 ms (the GIL is released
        while solving).

    Examples
    --------
    Two volunteers (rows) and three tasks (columns), weights = suitability;
    volunteer 0 can do two tasks.

    >>> import numpy as np
    >>> import aidmatch
    >>> w = np.array([[5, 4, np.nan],
    ...               [3, np.nan, 1.5]])
    >>> rows, cols = aidmatch.max_weight_matching(w, row_capacity=[2, 1])
    >>> rows.tolist(), cols.tolist()
    ([0, 0, 1], [0, 1, 2])

    With a scipy.sparse matrix, stored entries are the edges:

    >>> from scipy.sparse import csr_array
    >>> g = csr_array(np.array([[0, 7], [6, 5]]))   # the zero is not stored
    >>> [r.tolist() for r in aidmatch.max_weight_matching(g)]
    [[0, 1], [1, 0]]
    """
    n_rows, n_cols, indptr, indices, weights = sparse_problem(biadjacency, _scale_arg(scale))
    return tuple(
        _aidmatch.max_weight_matching_csr(
            n_rows,
            n_cols,
            indptr,
            indices,
            weights,
            side_vector(row_capacity, n_rows, "row_capacity"),
            side_vector(col_capacity, n_cols, "col_capacity"),
            side_vector(row_tier, n_rows, "row_tier"),
            return_duals,
        )
    )


def _scale_arg(scale: Any) -> int:
    """``scale`` as a positive ``int`` (see :func:`max_weight_matching`)."""
    if isinstance(scale, (bool, np.bool_)):
        raise InputTypeError(f"scale must be a positive integer, got {type(scale).__name__}")
    try:
        n = operator.index(scale)
    except TypeError:
        if not isinstance(scale, (float, np.floating)):
            raise InputTypeError(f"scale must be a positive integer, got {type(scale).__name__}") from None
        x = float(scale)
        if not (math.isfinite(x) and x.is_integer()):
            raise InputError(f"scale must be a positive integer, got {x!r}", value=x) from None
        n = int(x)
    if not 1 <= n <= MAX_WEIGHT:
        raise InputError(f"scale must be a positive integer up to 2**53 - 1, got {n}", value=n)
    return n


def assignment_frame(cost: "pd.DataFrame", maximize: bool = False) -> "pd.DataFrame":
    """Solves :func:`linear_sum_assignment` on a labelled DataFrame.

    Returns a DataFrame with columns ``row`` and ``column`` (the index and
    column labels of ``cost``) and ``cost``, one line per chosen pair, in the
    order of the rows.

    >>> import pandas as pd
    >>> import aidmatch
    >>> km = pd.DataFrame([[4, 1], [2, 9]], index=["Li", "Wang"], columns=["rice", "coal"])
    >>> aidmatch.assignment_frame(km)
        row column  cost
    0    Li   coal     1
    1  Wang   rice     2
    """
    import pandas as pd

    values = cost.to_numpy()
    rows, cols = linear_sum_assignment(values, maximize)
    return pd.DataFrame(
        {
            "row": cost.index[rows],
            "column": cost.columns[cols],
            "cost": values[rows, cols],
        }
    )
