"""``aidmatch.match``: the two-lists engine from Python, with pandas glue.

The needs list (需求清单) and the supply list (供给清单) go to the Rust engine as
CSV or JSON bytes and are read by the engine's own readers, so every check and
every error location is the same as on the command line. This module only turns
Python objects into those bytes and the engine's JSON results into DataFrames.
"""

from __future__ import annotations

import contextlib
import copyreg
import datetime as _dt
import json
import operator
import os
import sys
from decimal import Decimal
from typing import (
    TYPE_CHECKING,
    Any,
    Dict,
    Iterator,
    List,
    Mapping,
    Optional,
    Sequence,
    SupportsIndex,
    Tuple,
    Union,
)

import numpy as np

from . import _aidmatch
from ._aidmatch import Policy
from .exceptions import FileError, InputError, InputTypeError, OutcomeError

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DeskOutcome",
    "LoopState",
    "MatchResult",
    "Policy",
    "UrgentDesk",
    "UrgentResult",
    "load_state",
    "state_from_json",
    "match",
]

#: A list as the functions take it: a DataFrame, a sequence of records (dicts or any
#: mappings, e.g. ``df.to_dict("records")``) or the path of a ``.csv``/``.json`` file.
ListLike = Union["pd.DataFrame", Sequence[Mapping[Any, Any]], str, "os.PathLike[str]"]

#: One list for the compiled module: its bytes, ``"csv"`` or ``"json"``, and the path
#: that problems name (``None``: the list's own label, such as ``"needs"``).
_ListArg = Tuple[bytes, str, Optional[str]]

#: Columns of the result tables, in the order of the engine's CSV files.
ASSIGNMENT_COLUMNS = [
    "need_id",
    "household_id",
    "resource_id",
    "provider_id",
    "quantity",
    "score",
    "tier",
    "fast_track",
    "why",
]
UNMATCHED_COLUMNS = ["need_id", "household_id", "reason", "detail"]
REFERRAL_COLUMNS = ["household_id", "need_id", "program", "reason"]
#: Columns of ``changes.csv`` (a re-match's diff), in the engine's order.
CHANGE_COLUMNS = ["need_id", "change", "previous_resource_id", "resource_id"]


def match(
    needs: ListLike,
    supply: ListLike,
    *,
    exclusions: Optional[ListLike] = None,
    policy: Optional[Policy] = None,
    as_of: Union[None, str, _dt.date] = None,
    max_arcs: Optional[SupportsIndex] = None,
    max_rows: Optional[SupportsIndex] = None,
) -> "MatchResult":
    """Matches a needs list with a supply list, exactly, under a policy.

    Parameters
    ----------
    needs, supply, exclusions
        Each list is one of: a pandas DataFrame with the spec's columns; a list
        of dicts or other mappings (one per record, as in the JSON format, e.g.
        ``df.to_dict("records")``); or the path of a ``.csv`` or ``.json`` file
        (UTF-8, GB18030 or UTF-16). Values may be English ids or Chinese aliases
        (``低保``, ``紧急``); list-valued cells are ``;``-separated strings,
        Python lists, tuples, sets or numpy arrays. ``None``, NaN, ``pd.NA`` and
        ``pd.NaT`` are empty cells; dates may be ``datetime.date``,
        ``datetime.datetime``, ``pd.Timestamp`` or ``np.datetime64`` (of any
        unit: its date is taken). Any other value is written as the CSV file would
        hold it and checked as such: ``inf`` or ``1e20`` in a numeric column is an
        :class:`InputError` naming its row, column and value.
    policy
        :class:`Policy`; default ``Policy.default()``.
    as_of
        The run date (``datetime.date`` or ``"YYYY-MM-DD"``): validity dates
        and waiting time are judged on it. Default: today (local time).
    max_arcs
        The most eligible need-resource pairs the run may build (default
        :data:`MAX_ARCS`, 100,000,000): memory grows with them, and a hostile list
        (an area code serving everyone) is refused before it blows up. An ``int``
        or numpy integer from 0 to 2**64 - 1, else :class:`InputError` naming it.
    max_rows
        The most rows each list may have (default :data:`MAX_ROWS`, 2,000,000),
        checked while the list is read; an integer as ``max_arcs``.

    Returns
    -------
    MatchResult
        ``.assignments``, ``.unmatched``, ``.referrals`` (DataFrames),
        ``.summary`` (dict), ``.explain(need_id)``, ``.to_dir(path)``.

    Raises
    ------
    InputError
        (a ``ValueError``) problems in the lists, in ``.problems`` (at most 100);
        ``row`` is the spreadsheet row of a CSV file or DataFrame (the header is
        row 1; ``index`` is a DataFrame row's index label) and the 1-based record
        of a JSON file or list of dicts (see :class:`InputError`).
    LimitError
        (a ``ValueError``) more eligible pairs than ``max_arcs`` or more rows than
        ``max_rows``; ``limit`` names the limit (``"MAX_ARCS"``, ``"MAX_ROWS"``),
        ``maximum`` is its value.
    PolicyError, FileError, KeyboardInterrupt
        An invalid policy; a missing or unreadable file (an ``OSError``); Ctrl-C
        during the run (within about half a second).

    Examples
    --------
    >>> import aidmatch
    >>> needs = [{"need_id": "N1", "household_id": "H1", "region": "610103001002",
    ...           "statuses": "dibao", "category": "medical", "form": "cash",
    ...           "quantity": 5000, "urgency": "urgent", "consent": True,
    ...           "reported_at": "2024-09-01"}]
    >>> supply = [{"resource_id": "R1", "provider_id": "ORG-1",
    ...            "provider_kind": "red_cross", "categories": "medical",
    ...            "form": "cash", "capacity": 1, "area": "6101",
    ...            "valid_from": "2024-01-01", "valid_to": "2024-12-31"}]
    >>> result = aidmatch.match(needs, supply, as_of="2024-09-30")
    >>> [(r["need_id"], r["resource_id"]) for r in result.records("assignments")]
    [('N1', 'R1')]
    """
    _check_policy(policy)
    lists = _Lists()
    args = (
        lists.add(needs, "needs"),
        lists.add(supply, "supply"),
        None if exclusions is None else lists.add(exclusions, "exclusions"),
        policy,
        _date_arg(as_of),
        None if max_arcs is None else _limit_arg(max_arcs, "max_arcs"),
        None if max_rows is None else _limit_arg(max_rows, "max_rows"),
    )
    with lists.locating():
        result = _aidmatch.run_match(*args)
    return MatchResult(result)


#: The largest ``usize`` (the type of the engine's limits).
_USIZE_MAX = 2 * sys.maxsize + 1


def _limit_arg(x: Any, what: str) -> int:
    """A count limit: an ``int`` or numpy integer (not a bool) within ``usize``."""
    if isinstance(x, (bool, np.bool_)):
        raise InputTypeError(f"{what} must be an int, got {type(x).__name__}")
    try:
        n = operator.index(x)
    except TypeError:
        raise InputTypeError(f"{what} must be an int, got {type(x).__name__}") from None
    if not 0 <= n <= _USIZE_MAX:
        raise InputError(f"{what} must be an integer from 0 to {_USIZE_MAX}, got {n}", value=n)
    return n


def _date_arg(as_of: Union[None, str, _dt.date]) -> str:
    if as_of is None:
        as_of = _dt.date.today()
    if isinstance(as_of, _dt.datetime):
        as_of = as_of.date()
    if isinstance(as_of, _dt.date):
        as_of = as_of.isoformat()
    if not isinstance(as_of, str):
        raise InputTypeError(f"as_of must be a date or a YYYY-MM-DD string, got {type(as_of).__name__}")
    return as_of


def _check_policy(policy: Any) -> None:
    if policy is not None and not isinstance(policy, Policy):
        raise InputTypeError(f"policy must be an aidmatch.Policy, got {type(policy).__name__}")


def _need_arg(need: Any, lists: "_Lists") -> _ListArg:
    """One need: a dict (any mapping), a one-row DataFrame, a list of one dict, or a
    path. Its problems are those of a needs list (``file`` ``"needs"``)."""
    if isinstance(need, Mapping):
        need = [need]
    return lists.add(need, "need", label="needs")


def _rematch_args(
    lists: "_Lists",
    outcomes: ListLike,
    needs: Optional[ListLike],
    supply: Optional[ListLike],
    policy: Optional[Policy],
    as_of: Union[None, str, _dt.date],
    warm: bool,
) -> Tuple[Any, ...]:
    _check_policy(policy)
    return (
        lists.add(outcomes, "outcomes"),
        None if needs is None else lists.add(needs, "needs"),
        None if supply is None else lists.add(supply, "supply"),
        policy,
        _date_arg(as_of),
        bool(warm),
    )


def _changes_frame(rows: List[Dict[str, Any]]) -> "pd.DataFrame":
    import pandas as pd

    return pd.DataFrame(rows, columns=CHANGE_COLUMNS)


class _Loop:
    """``rematch`` and ``insert_urgent`` on whatever holds a loop state."""

    __slots__ = ()

    def _state_owner(self) -> Any:  # pragma: no cover - overridden
        raise NotImplementedError

    def rematch(
        self,
        outcomes: ListLike,
        *,
        needs: Optional[ListLike] = None,
        supply: Optional[ListLike] = None,
        policy: Optional[Policy] = None,
        as_of: Union[None, str, _dt.date] = None,
        warm: bool = True,
    ) -> "MatchResult":
        """Carries the round forward after feedback, exactly as ``aidmatch rematch``.

        Accepted and delivered pairs are kept (they use their place and budget),
        declined pairs never return, declined, expired and failed proposals free
        their place, new needs join, and the state is matched again, warm-started
        from the previous solution and prices (the result is the exact optimum;
        ``warm=False`` solves cold: the same optimum, though which of several equal
        optima is returned may differ, and where resource budgets bind the budget step
        after the solve may then end elsewhere).

        Parameters
        ----------
        outcomes
            The feedback: a DataFrame, a list of dicts or a ``.csv``/``.json`` path
            with ``need_id``, ``resource_id``, ``status`` (``accepted``,
            ``declined``, ``delivered``, ``failed``), ``at`` and optionally
            ``note``, ``declined_by``, ``reason``.
        needs
            New needs, added to the round's (same forms as :func:`match`).
        supply
            A new supply list replacing the round's.
        policy
            Default: the previous round's policy.
        as_of
            The date of this round; default today.

        Returns
        -------
        MatchResult
            The new round: its tables, :attr:`MatchResult.changes` (what moved) and
            :attr:`MatchResult.rematch_summary`; it can be re-matched again.

        Raises
        ------
        OutcomeError
            (an :class:`InputError`) feedback the state machine forbids, naming the
            need and the resource; ``row`` is the outcomes row, numbered as for any
            list (the spreadsheet row of a CSV file or DataFrame, the 1-based record
            of a list of dicts).
        InputError, PolicyError, FileError, KeyboardInterrupt
            Invalid lists; an invalid policy; a missing or unreadable file; Ctrl-C
            during the run (within about half a second).
        """
        lists = _Lists()
        args = _rematch_args(lists, outcomes, needs, supply, policy, as_of, warm)
        with lists.locating():
            inner = self._state_owner().rematch(*args)
        return MatchResult(inner)

    def insert_urgent(self, need: Any, *, as_of: Union[None, str, _dt.date] = None) -> "UrgentResult":
        """Matches one emergency need (急难) at once, as ``aidmatch urgent``.

        The need (a dict, a one-row DataFrame, a list of one dict or a path) gets
        the best eligible resource with a place left; every other pair stays. If
        none has room and the loop rules allow it, a lower-tier open proposal is
        displaced by an exact re-match in the same call.

        Returns
        -------
        UrgentResult
            ``mode`` (``"free_place"``, ``"displaced"``, ``"unmatched"``),
            ``resource_id``, ``score``, ``tier``, ``reason``, ``changes``; it can be
            re-matched or take the next emergency.

        Raises
        ------
        InputError
            The need is invalid, its id is already in the state, or the list does
            not hold exactly one need.

        Ctrl-C does not stop it: the engine offers no cancel flag for an insertion
        (copying and preparing the state takes seconds at province scale, and a
        displacement's re-match as long as a re-match); ``KeyboardInterrupt`` is
        raised when it returns.
        """
        lists = _Lists()
        arg = _need_arg(need, lists)
        with lists.locating():
            inner = self._state_owner().insert_urgent(arg, _date_arg(as_of))
        return UrgentResult(inner)

    def state_json(self) -> str:
        """The loop state after this (the state a re-match or an insertion starts
        from) as one JSON document: the text a platform stores in its database and
        the C ABI's ``aidmatch_*_json`` functions exchange. :func:`state_from_json`
        reads it back; a re-match from it equals one from this object.

        Ctrl-C does not stop it (about a second at province scale): the engine
        offers no cancel flag for writing a state."""
        text: str = self._state_owner().state_json()
        return text


class _Lists:
    """The lists of one call, converted for the engine, and what it takes to locate
    the engine's problems in them afterwards: the DataFrames (for the index label of
    a row) and the outcomes (whose rows a state-machine error counts otherwise)."""

    __slots__ = ("frames", "outcomes")

    def __init__(self) -> None:
        #: DataFrames by the label the engine gives their problems.
        self.frames: Dict[str, Any] = {}
        #: The outcomes as given, and their format, once added.
        self.outcomes: Optional[Tuple[Any, str]] = None

    def add(self, obj: Any, what: str, label: Optional[str] = None) -> _ListArg:
        """``obj`` converted by :func:`_list_arg`; ``label`` is the ``file`` of its
        problems when it is not a path (default ``what``)."""
        label = what if label is None else label
        arg = _list_arg(obj, what, label)
        if _is_dataframe(obj):
            self.frames[label] = obj
        if label == "outcomes":
            self.outcomes = (obj, arg[1])
        return arg

    @contextlib.contextmanager
    def locating(self) -> Iterator[None]:
        """Adds to an :class:`InputError` raised inside what only Python knows."""
        try:
            yield
        except InputError as e:
            self.locate(e)
            raise

    def locate(self, e: InputError) -> None:
        for p in e.problems:
            frame = self.frames.get(p.get("file", ""))
            if frame is not None:
                p["index"] = _index_label(frame, p.get("row"))
        if e.problems:
            e.index = e.problems[0].get("index")
        if isinstance(e, OutcomeError) and e.row is not None and self.outcomes is not None:
            self._outcome_row(e, *self.outcomes)

    def _outcome_row(self, e: OutcomeError, outcomes: Any, fmt: str) -> None:
        # The engine numbers the outcomes of a CSV list from row 2, as it does its
        # reading problems, but it counts only the rows it applies: a DataFrame's rows
        # of only empty cells before it are left out. Give the DataFrame's row, in the
        # attribute and the message (a file stays as the engine numbers it).
        if fmt != "csv" or e.row is None or not _is_dataframe(outcomes):
            return
        counted = e.row
        position = _nth_filled_row(outcomes, counted - 1)
        if position is None:
            return
        e.row = position + 2
        e.index = _index_label(outcomes, e.row)
        old = f"outcomes row {counted}:"
        if e.args and isinstance(e.args[0], str) and e.args[0].startswith(old):
            e.args = (f"outcomes row {e.row}:" + e.args[0][len(old):],) + e.args[1:]


def _index_label(frame: Any, row: Any) -> Any:
    """The index label of spreadsheet row ``row`` of ``frame`` (header = 1)."""
    if not isinstance(row, int) or not 2 <= row < len(frame) + 2:
        return None
    label = frame.index[row - 2]
    return label.item() if isinstance(label, np.generic) else label


def _nth_filled_row(frame: Any, n: int) -> Optional[int]:
    """The position of the ``n``-th (1-based) row of ``frame`` with a non-empty cell:
    the engine's reader skips rows of only empty cells."""
    seen = 0
    for position, row in enumerate(frame.itertuples(index=False, name=None)):
        if any(_filled(v) for v in row):
            seen += 1
            if seen == n:
                return position
    return None


def _filled(v: Any) -> bool:
    """Whether a DataFrame cell is written as a non-blank CSV cell."""
    try:
        cell = _csv_cell(v)
    except _Unconvertible:
        return True
    return cell is not None and str(cell).strip() != ""


def _list_arg(obj: Any, what: str, label: Optional[str] = None) -> _ListArg:
    """``(bytes, "csv" | "json", path)`` for the engine's readers; ``label`` (default
    ``what``) is the ``file`` that conversion problems name."""
    label = what if label is None else label
    if isinstance(obj, (str, os.PathLike)):
        path = os.fspath(obj)
        ext = os.path.splitext(path)[1].lower()
        if ext not in (".csv", ".json"):
            raise InputError(
                f"{path}: cannot tell the format from the file name (expected .csv or .json)",
                value=path,
            )
        try:
            with open(path, "rb") as f:
                return f.read(), ext[1:], path
        except OSError as e:
            raise FileError(e.errno, e.strerror or str(e), path) from e
    if _is_dataframe(obj):
        return _dataframe_csv(obj, label), "csv", None
    if isinstance(obj, (bytes, bytearray)):
        raise InputTypeError(f"{what}: pass a path, a DataFrame or a list of dicts, not bytes")
    if isinstance(obj, Mapping):
        raise InputTypeError(
            f"{what}: got a single dict; pass a list of records (one dict per record, "
            f"e.g. [record]), a DataFrame or a path"
        )
    if isinstance(obj, Sequence) or hasattr(obj, "__iter__"):
        return _records_json(list(obj), what, label), "json", None
    raise InputTypeError(f"{what}: expected a DataFrame, a list of dicts or a path, got {type(obj).__name__}")


def _is_dataframe(obj: Any) -> bool:
    pd = _pandas_if_loaded()
    return pd is not None and isinstance(obj, pd.DataFrame)


def _pandas_if_loaded() -> Any:
    return sys.modules.get("pandas")


class _Unconvertible(Exception):
    """A value that cannot be put into a list: its problem kind and message."""

    def __init__(self, kind: str, message: str, shown: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.shown = shown


def _problem(label: str, row: int, column: str, value: Any, u: _Unconvertible, index: Any = None) -> InputError:
    """The :class:`InputError` of one value, in the engine's form."""
    problem: Dict[str, Any] = {
        "file": label,
        "row": row,
        "column": column,
        "value": u.shown,
        "kind": u.kind,
        "message": u.message,
    }
    if index is not None:
        problem["index"] = index
    e = InputError(
        f"invalid input: {label}: row {row}, column {column}: {u.message}",
        row=row,
        column=column,
        value=value,
        problems=[problem],
    )
    e.index = index
    return e


def _is_missing(v: Any) -> bool:
    """``None``, NaN (float, numpy, Decimal), ``pd.NA``, ``pd.NaT``, numpy NaT."""
    if v is None:
        return True
    if isinstance(v, float):
        return v != v
    if isinstance(v, (np.floating, np.datetime64, np.timedelta64)):
        return bool(np.isnan(v)) if isinstance(v, np.floating) else bool(np.isnat(v))
    if isinstance(v, Decimal):
        return v.is_nan()
    pd = _pandas_if_loaded()
    return pd is not None and (v is pd.NA or v is pd.NaT)


def _datetime64_date(v: Any) -> str:
    """The date of a non-NaT ``np.datetime64`` of any unit, ``YYYY-MM-DD``."""
    day = v.astype("datetime64[D]").item()
    if not isinstance(day, _dt.date):
        raise _Unconvertible("bad_date", f"date {v} is outside the years 1 to 9999", str(v))
    return day.isoformat()


_LISTS = (list, tuple, set, frozenset, np.ndarray)


def _json_value(v: Any) -> Any:
    """A record's value as JSON takes it: empty cells ``None``, dates
    ``YYYY-MM-DD``, numpy scalars their Python value, list-likes lists, ``inf``
    the text ``"inf"`` (which the engine refuses where it wants a number, naming the
    row and column, as it does in a CSV file)."""
    t = type(v)
    if t is str or t is int or t is bool or v is None:
        return v
    if t is float:
        return _float_json(v)
    if _is_missing(v):
        return None
    date = _date_text(v)
    if date is not None:
        return date
    if isinstance(v, np.ndarray):
        return _json_value(v[()]) if v.ndim == 0 else [_json_value(x) for x in v]
    if isinstance(v, np.generic):
        return _json_value(v.item())
    if isinstance(v, int):
        return int(v)
    if isinstance(v, float):
        return _float_json(float(v))
    if isinstance(v, str):
        return str(v)
    if isinstance(v, Decimal):
        return str(v)
    if isinstance(v, _LISTS):
        return [_json_value(x) for x in v]
    if isinstance(v, Mapping):
        # Not a cell: the engine names the row and column of such a value.
        return {str(k): _json_value(x) for k, x in v.items()}
    raise _Unconvertible("bad_shape", f"cannot read a {type(v).__name__} value")


def _float_json(x: float) -> Any:
    if x != x:
        return None
    if x in (float("inf"), float("-inf")):
        return "inf" if x > 0 else "-inf"
    return x


class _NotPlain(Exception):
    """A value ``json.dumps`` would need help with (see :func:`_records_json`)."""


def _not_plain(v: Any) -> Any:
    raise _NotPlain


def _records_json(records: List[Any], what: str, label: str) -> bytes:
    """A list of records as the JSON array the engine reads (see :func:`_json_value`).

    Records of plain values (str, int, finite float, bool, None, lists of them) go
    to ``json.dumps`` as they are; any other value (NaN, numpy, dates, ...) sends
    every record through :func:`_json_value`, which locates what it cannot take."""
    for row, record in enumerate(records, 1):
        if not isinstance(record, Mapping):
            raise InputTypeError(
                f"{what}: a list of records must hold dicts (mappings); record {row} is a "
                f"{type(record).__name__}"
            )
    try:
        text = json.dumps(records, ensure_ascii=False, allow_nan=False, default=_not_plain)
    except (_NotPlain, ValueError, TypeError):
        text = json.dumps(_json_records(records, label), ensure_ascii=False, allow_nan=False)
    return text.encode("utf-8")


def _json_records(records: List[Mapping[Any, Any]], label: str) -> List[Dict[str, Any]]:
    out: List[Dict[str, Any]] = []
    for row, record in enumerate(records, 1):
        converted: Dict[str, Any] = {}
        for key, v in record.items():
            column = key if type(key) is str else str(key)
            t = type(v)
            if t is str or t is int or t is bool or v is None:
                converted[column] = v
                continue
            try:
                converted[column] = _json_value(v)
            except _Unconvertible as u:
                raise _problem(label, row, column, v, u) from None
        out.append(converted)
    return out


def _date_text(v: Any) -> Optional[str]:
    """A date-like value (``datetime``, ``date``, ``np.datetime64``, a pandas
    ``Timestamp``) as ``YYYY-MM-DD``; ``None`` for anything else."""
    if isinstance(v, _dt.datetime):
        return v.date().isoformat()
    if isinstance(v, _dt.date):
        return v.isoformat()
    if isinstance(v, np.datetime64):
        return _datetime64_date(v)
    return None


def _csv_cell(v: Any) -> Any:
    """An object cell of a DataFrame as its CSV text wants it: empty cells ``None``,
    dates ``YYYY-MM-DD``, list-likes joined by ``;`` (their empty items left out);
    anything else as it is (``to_csv`` writes it with ``str``)."""
    if _is_missing(v):
        return None
    date = _date_text(v)
    if date is not None:
        return date
    if isinstance(v, _LISTS):
        items = [_csv_cell(x) for x in (v.reshape(-1) if isinstance(v, np.ndarray) else v)]
        return ";".join(str(x) for x in items if x is not None)
    return v


def _needs_csv_cell(v: Any) -> bool:
    return isinstance(v, (_LISTS, _dt.date, np.datetime64))


def _dataframe_csv(df: "pd.DataFrame", label: str = "list") -> bytes:
    """The DataFrame as the spec's CSV: dates as YYYY-MM-DD, list cells joined by
    ``;``, whole floats (an int column with gaps) without ``.0``, NaN, ``None``,
    ``pd.NA`` and ``pd.NaT`` empty. Columns are taken by position, so a name that
    appears twice reaches the engine's header check as it would in a CSV file."""
    import pandas as pd

    out = df.copy(deep=False)
    for i in range(out.shape[1]):
        s = out.iloc[:, i]
        if s.dtype == object:
            if s.map(_needs_csv_cell).any():
                cells = []
                for position, v in enumerate(s):
                    try:
                        cells.append(_csv_cell(v))
                    except _Unconvertible as u:
                        raise _problem(
                            label, position + 2, str(out.columns[i]), v, u, _index_label(df, position + 2)
                        ) from None
                out.isetitem(i, pd.Series(cells, index=s.index, dtype=object))
        elif pd.api.types.is_float_dtype(s):
            # Whole numbers that fit an int64 are written without ".0"; anything else
            # (a fraction, inf, 1e20) as the float it is, for the engine to judge.
            present = s.dropna().to_numpy(dtype=np.float64)
            if (
                len(present)
                and np.isfinite(present).all()
                and (np.abs(present) < 2.0**63).all()
                and (present == np.round(present)).all()
            ):
                out.isetitem(i, s.astype("Int64"))
        elif pd.api.types.is_bool_dtype(s):
            out.isetitem(i, s.map({True: "true", False: "false"}))
    text: str = out.to_csv(index=False, date_format="%Y-%m-%d")
    return text.encode("utf-8")


class MatchResult(_Loop):
    """The result of :func:`match` or :meth:`rematch`: three tables, a summary and
    explanations, and the state of the loop for the next round.

    The tables are pandas DataFrames (``pandas`` must be installed for them;
    :meth:`records` gives the same rows as dicts without pandas).
    """

    __slots__ = ("_inner", "_doc")

    def __init__(self, inner: "_aidmatch.RunResult") -> None:
        self._inner = inner
        self._doc: Dict[str, Any] = json.loads(inner.to_json())

    def _state_owner(self) -> Any:
        return self._inner

    @property
    def changes(self) -> Optional["pd.DataFrame"]:
        """A re-match's diff (``changes.csv``): one row per need with ``change`` one
        of ``kept``, ``unchanged``, ``moved``, ``dropped``, ``new``, ``unmatched``,
        and the resource before and now. ``None`` for a first run."""
        text = self._inner.changes_json()
        return None if text is None else _changes_frame(json.loads(text))

    @property
    def rematch_summary(self) -> Optional[Dict[str, Any]]:
        """A re-match's figures (``rematch.json``); ``None`` for a first run."""
        text = self._inner.rematch_json()
        if text is None:
            return None
        summary: Dict[str, Any] = json.loads(text)
        return summary

    def records(self, table: str) -> List[Dict[str, Any]]:
        """The rows of ``"assignments"``, ``"unmatched"`` or ``"referrals"`` as dicts."""
        if table not in ("assignments", "unmatched", "referrals"):
            raise KeyError(table)
        return [dict(r) for r in self._doc[table]]

    def _frame(self, table: str, columns: List[str]) -> "pd.DataFrame":
        import pandas as pd

        return pd.DataFrame(self._doc[table], columns=columns)

    @property
    def assignments(self) -> "pd.DataFrame":
        """One row per matched need: need, household, resource, provider,
        quantity, score, tier, fast_track, why."""
        return self._frame("assignments", ASSIGNMENT_COLUMNS)

    @property
    def unmatched(self) -> "pd.DataFrame":
        """One row per need left without help, with the reason and a detail."""
        return self._frame("unmatched", UNMATCHED_COLUMNS)

    @property
    def referrals(self) -> "pd.DataFrame":
        """Households referred to government aid (低保, 临时救助, ...)."""
        return self._frame("referrals", REFERRAL_COLUMNS)

    @property
    def summary(self) -> Dict[str, Any]:
        """The run's summary (the content of ``summary.json``)."""
        summary: Dict[str, Any] = json.loads(json.dumps(self._doc["summary"]))
        return summary

    def explain(self, need_id: str) -> Dict[str, Any]:
        """Why a need got what it got: its assignment or unmatched row, its
        eligible resources (best first), near misses and referrals.

        Raises ``KeyError`` for an unknown need id, and after a re-match for a need
        whose pair was kept from an earlier round (accepted or delivered pairs are not
        matched again; :attr:`changes` lists it as ``kept``, with its resource).
        """
        text = self._inner.explain_json(need_id)
        if text is None:
            raise KeyError(need_id)
        result: Dict[str, Any] = json.loads(text)
        return result

    def to_dir(self, path: Union[str, "os.PathLike[str]"], *, snapshot: bool = False) -> None:
        """Writes ``assignments.csv``, ``unmatched.csv``, ``referrals.csv`` and
        ``summary.json`` into ``path`` (created if missing).

        With ``snapshot=True`` also the loop state (``snapshot.json``, the lists,
        ``policy.toml``) that :func:`load_state` and ``aidmatch rematch --previous``
        read, as ``aidmatch match --snapshot`` writes it. A re-match's result always
        writes what ``aidmatch rematch`` writes: the tables, the state,
        ``changes.csv`` and ``rematch.json``."""
        self._inner.write_dir(os.fspath(path), snapshot)

    def to_json(self) -> str:
        """The whole result as one JSON document."""
        return self._inner.to_json()

    def __reduce__(self) -> Tuple[Any, Tuple[str, int]]:
        # A first round pickles as its state document (lists, policy, run date,
        # pairs, prices); unpickling runs it again and checks that the run gives the
        # same pairs and prices (the engine is deterministic). A re-match's result
        # would need the round before it as well: pickle its state instead.
        if self.rematch_summary is not None:
            raise TypeError(
                "a re-match's MatchResult does not pickle (it would need the round before it): "
                "pickle its state, aidmatch.state_from_json(result.state_json()), or write it "
                "with result.to_dir(path)"
            )
        pairs = int(self._doc["summary"]["counts"]["eligible_pairs"])
        return (_result_from_state_json, (self.state_json(), pairs))

    def __repr__(self) -> str:
        return (
            f"MatchResult(assignments={len(self._doc['assignments'])}, "
            f"unmatched={len(self._doc['unmatched'])}, referrals={len(self._doc['referrals'])})"
        )


class _UrgentReport:
    """The fields of ``urgent.json``, read from ``self._doc``."""

    __slots__ = ()
    _doc: Dict[str, Any]

    @property
    def need_id(self) -> str:
        """The emergency need."""
        return str(self._doc["need_id"])

    @property
    def mode(self) -> str:
        """``"free_place"``, ``"displaced"`` or ``"unmatched"``."""
        return str(self._doc["mode"])

    @property
    def resource_id(self) -> Optional[str]:
        """The resource the need got, if any."""
        r = self._doc["resource_id"]
        return None if r is None else str(r)

    @property
    def score(self) -> Optional[int]:
        """The pair's score, if matched."""
        s = self._doc["score"]
        return None if s is None else int(s)

    @property
    def tier(self) -> int:
        """The need's priority tier."""
        return int(self._doc["tier"])

    @property
    def reason(self) -> Optional[str]:
        """Why unmatched: ``no_eligible_resource``, ``capacity_exhausted`` or
        ``household_limit``."""
        r = self._doc["reason"]
        return None if r is None else str(r)

    @property
    def insert_ms(self) -> float:
        """Milliseconds the insertion took (the re-match included when displacing)."""
        return float(self._doc["insert_ms"])

    @property
    def changes(self) -> "pd.DataFrame":
        """Needs moved by a displacement (and the emergency need's own row); empty
        when the need took a free place."""
        return _changes_frame(self._doc["changes"])

    def to_dict(self) -> Dict[str, Any]:
        """``urgent.json`` as a dict."""
        doc: Dict[str, Any] = json.loads(json.dumps(self._doc))
        return doc


class UrgentResult(_UrgentReport, _Loop):
    """The outcome of :meth:`MatchResult.insert_urgent` (``urgent.json``) and the
    state after it, from which the loop goes on (:meth:`rematch`,
    :meth:`insert_urgent`)."""

    __slots__ = ("_inner", "_doc")

    def __init__(self, inner: "_aidmatch.UrgentRun") -> None:
        self._inner = inner
        self._doc = json.loads(inner.report_json())

    def _state_owner(self) -> Any:
        return self._inner

    def to_dir(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the next state and ``urgent.json`` into ``path``, as ``aidmatch urgent``."""
        self._inner.write_dir(os.fspath(path))

    def __reduce__(self) -> Tuple[Any, ...]:
        # The report would not come back from the state alone (nothing reads
        # urgent.json back into an insertion's result): say what does pickle.
        raise TypeError(
            "an UrgentResult does not pickle or copy: pickle its state, "
            "aidmatch.state_from_json(result.state_json()) (a LoopState, from which the loop "
            "goes on), and its report, result.to_dict(); or write both with result.to_dir(path)"
        )

    def __repr__(self) -> str:
        return f"UrgentResult(need_id={self.need_id!r}, mode={self.mode!r}, resource_id={self.resource_id!r})"


class DeskOutcome(_UrgentReport):
    """Where one need inserted into an :class:`UrgentDesk` went: the fields of
    ``urgent.json`` (``need_id``, ``mode``, ``resource_id``, ``score``, ``tier``,
    ``reason``, ``changes``, ``insert_ms``). The state stays in the desk."""

    __slots__ = ("_doc",)

    def __init__(self, doc: Dict[str, Any]) -> None:
        self._doc = doc

    def __repr__(self) -> str:
        return f"DeskOutcome(need_id={self.need_id!r}, mode={self.mode!r}, resource_id={self.resource_id!r})"


class UrgentDesk:
    """An emergency desk (急难): a loop state kept in memory and prepared once, into
    which emergency needs are inserted one at a time.

    ``result.insert_urgent(need)`` copies and prepares the whole state for every
    need (seconds at province scale). A desk prepares it once; each
    :meth:`insert` then costs the placement alone (microseconds: the best eligible
    resource with a place and budget left, every other pair unchanged) and records
    the new proposal for the next insertion. When no resource has room and the loop
    rules allow it, a lower-tier open proposal is displaced by an exact re-match of
    the desk's state (slow: a whole engine run), after which the desk prepares
    itself again. The outcomes and states are those of successive
    ``insert_urgent`` calls.

    Parameters
    ----------
    state
        A :class:`MatchResult`, :class:`UrgentResult` or :class:`LoopState` (the desk
        works on a copy of its state), or the path of a state folder.
    as_of
        The date of the insertions; default today. Proposals expired by then hold
        no place.

    Calls from several threads are serialised; the GIL is released while the desk
    works, so a displacement does not block other Python threads. Ctrl-C does not
    stop opening a desk (about a second at province scale) or an insertion (a
    displacement's re-match included): the engine offers no cancel flag for them;
    ``KeyboardInterrupt`` is raised when the call returns.

    Example: ``desk = aidmatch.UrgentDesk(result, as_of="2024-10-02")``, then
    ``desk.insert(need).resource_id`` per emergency, and ``desk.to_dir(path)`` or
    ``desk.state.rematch(...)`` when the round goes on.
    """

    __slots__ = ("_inner",)

    def __init__(
        self,
        state: Union["MatchResult", "UrgentResult", "LoopState", str, "os.PathLike[str]"],
        *,
        as_of: Union[None, str, _dt.date] = None,
    ) -> None:
        day = _date_arg(as_of)
        if isinstance(state, (str, os.PathLike)):
            self._inner = _aidmatch.UrgentDesk.open_dir(os.fspath(state), day)
        elif isinstance(state, _Loop):
            self._inner = state._state_owner().urgent_desk(day)
        else:
            raise InputTypeError(
                "state must be a MatchResult, UrgentResult, LoopState or a state folder, "
                f"got {type(state).__name__}"
            )

    def insert(self, need: Any) -> DeskOutcome:
        """Places one emergency need (a dict, a one-row DataFrame, a list of one dict
        or a path) and records it in the desk.

        Raises
        ------
        InputError
            The need is invalid, its id is already in the desk's state (the desk is
            unchanged), or the list does not hold exactly one need.
        """
        lists = _Lists()
        arg = _need_arg(need, lists)
        with lists.locating():
            doc = self._inner.insert(arg)
        return DeskOutcome(json.loads(doc))

    @property
    def state(self) -> LoopState:
        """The next state (a copy; O(state)): every insertion so far, the pairs
        proposed on :attr:`as_of`. Re-match it or insert into it as any
        :class:`LoopState`."""
        return LoopState(self._inner.state())

    def to_dir(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the next state into ``path`` (a state folder, as ``aidmatch urgent``
        writes it, without ``urgent.json``)."""
        self._inner.write_dir(os.fspath(path))

    @property
    def as_of(self) -> str:
        """The date of the insertions, ``YYYY-MM-DD``."""
        return self._inner.as_of()

    @property
    def needs(self) -> int:
        """Needs in the desk's state, those inserted included."""
        return self._inner.needs()

    def __repr__(self) -> str:
        return f"UrgentDesk(as_of={self.as_of!r}, needs={self.needs})"


class LoopState(_Loop):
    """A stored loop state (see :func:`load_state`)."""

    __slots__ = ("_inner",)

    def __init__(self, inner: "_aidmatch.LoopState") -> None:
        self._inner = inner

    def _state_owner(self) -> Any:
        return self._inner

    def to_dir(self, path: Union[str, "os.PathLike[str]"]) -> None:
        """Writes the state folder (``snapshot.json``, the lists, ``policy.toml``)
        that :func:`load_state` and ``aidmatch rematch --previous`` read."""
        self._inner.write_dir(os.fspath(path))

    def __reduce__(self) -> Tuple[Any, Tuple[str]]:
        # Pickled as its state document (for multiprocessing, joblib, notebook caches).
        return (state_from_json, (self.state_json(),))

    @property
    def run_date(self) -> str:
        """The date of the round this state follows, ``YYYY-MM-DD``."""
        return self._inner.run_date()

    @property
    def needs(self) -> int:
        """Needs of the round (those with kept pairs included)."""
        return self._inner.needs()

    @property
    def pairs(self) -> int:
        """Pairs of the round, whatever their status (proposed, accepted, declined...)."""
        return self._inner.pairs()

    def __repr__(self) -> str:
        return f"LoopState(run_date={self.run_date!r}, needs={self.needs}, pairs={self.pairs})"


def load_state(path: Union[str, "os.PathLike[str]"]) -> LoopState:
    """Reads a state folder written by ``MatchResult.to_dir(path, snapshot=True)``,
    a re-match's ``to_dir``, ``UrgentResult.to_dir`` or the command line
    (``match --snapshot``, ``rematch``, ``urgent``), to call :meth:`LoopState.rematch`
    or :meth:`LoopState.insert_urgent` on it.

    Raises :class:`FileError` for a missing file and :class:`InputError` for a
    malformed snapshot.
    """
    return LoopState(_aidmatch.load_state(os.fspath(path)))


def _result_from_state_json(text: str, max_arcs: int) -> MatchResult:
    """A pickled first-round :class:`MatchResult`, restored (see its ``__reduce__``)."""
    return MatchResult(_aidmatch.result_from_state_json(text, max_arcs))


def state_from_json(text: str) -> LoopState:
    """Reads a state document (``state_json()`` of a result or state, or what the C
    ABI's ``aidmatch_*_json`` functions return), to call :meth:`LoopState.rematch`
    or :meth:`LoopState.insert_urgent` on it.

    Raises :class:`InputError` for a text that is not such a document (naming the
    list, row and column of a bad value inside one).
    """
    if not isinstance(text, str):
        raise InputTypeError(f"text must be a str, not {type(text).__name__}")
    return LoopState(_aidmatch.state_from_json(text))


def _policy_from_toml(text: str) -> Policy:
    """A pickled :class:`Policy`, restored (see :func:`_reduce_policy`)."""
    return Policy.from_text(text)


def _reduce_policy(policy: Policy) -> Tuple[Any, Tuple[str]]:
    # A Policy pickles and copies as its TOML text, which reads back to the same
    # policy (the same digest): for multiprocessing, joblib, copy.deepcopy.
    return (_policy_from_toml, (policy.to_toml(),))


copyreg.pickle(Policy, _reduce_policy)
