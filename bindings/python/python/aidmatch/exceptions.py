"""The exceptions of aidmatch, all rooted at :class:`AidmatchError`.

Every error the compiled module raises is one of these classes (a panic inside
the solver becomes :class:`InternalError`, never a ``PanicException``).

Errors about the caller's data are also builtin ``ValueError`` or ``TypeError``
subclasses, so code written for ``scipy.optimize.linear_sum_assignment`` that
catches ``ValueError`` keeps working:

>>> import aidmatch
>>> try:
...     aidmatch.linear_sum_assignment([[1.0, float("nan")]])
... except ValueError as e:
...     print(type(e).__name__, "|", e, "|", e.row, e.column, e.value)
InputError | matrix contains invalid numeric entries | 0 1 nan
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Union

__all__ = [
    "AidmatchError",
    "FileError",
    "PolicyError",
    "InputError",
    "InputTypeError",
    "InfeasibleError",
    "OutcomeError",
    "LimitError",
    "SolveInterrupted",
    "InternalError",
]


class AidmatchError(Exception):
    """Base class of every exception raised by aidmatch."""


class InputError(AidmatchError, ValueError):
    """The input data is wrong: a bad shape, value, index, length or range.

    ``row``, ``column`` and ``value`` locate the offending entry when the
    error has a location (each is ``None`` otherwise):

    * matrices: ``row``/``column`` are 0-based indices; for side arrays such
      as ``row_capacity`` only ``row`` (or ``column``) is set;
    * needs, supply, exclusions and outcomes lists (:func:`aidmatch.match`,
      ``rematch``, ``insert_urgent``): ``column`` is the column (field) name and
      ``value`` the cell as written, of the first problem. ``row`` counts as a
      spreadsheet of the list would:

      - CSV file: the header is row 1, the first record row 2, as a spreadsheet
        shows it (a row of only empty cells, ``,,,``, keeps its number and is
        skipped; a completely empty line is not counted);
      - DataFrame: it is read as the CSV it would write, so the header is row 1
        and the frame's first row (``df.iloc[0]``) row 2, whatever the index:
        ``df.iloc[e.row - 2]`` is the row, and ``index`` its index label
        (``df.loc[e.index]``; ``None`` for a problem of the header, row 1);
      - JSON file or list of dicts: the 1-based record, ``records[e.row - 1]``;
        a field absent from every record is one problem of the first record.

      ``problems`` lists the problems found, each a dict with ``file``, ``row``,
      ``column``, ``value``, ``kind`` (e.g. ``"unknown_value"``) and ``message``
      (and ``index`` for a DataFrame's rows). It holds at most 100 problems over
      all the lists of a call: beyond that the message says "more than 100
      problems" and reading stopped, so fix those and run again to see the rest.
    """

    row: Optional[int]
    column: Union[int, str, None]
    value: Any
    problems: List[Dict[str, Any]]
    #: The DataFrame index label of ``row`` (see above); ``None`` otherwise.
    index: Any = None

    def __init__(
        self,
        message: str,
        row: Optional[int] = None,
        column: Union[int, str, None] = None,
        value: Any = None,
        problems: Optional[List[Dict[str, Any]]] = None,
    ) -> None:
        super().__init__(message)
        self.row = row
        self.column = column
        self.value = value
        self.problems = [] if problems is None else problems


class InputTypeError(AidmatchError, TypeError):
    """The input has a type or dtype that cannot be converted to numbers."""


class InfeasibleError(InputError):
    """No assignment of the required size avoids the forbidden (infinite) entries."""


class OutcomeError(InputError):
    """Feedback on a proposal that cannot be applied (:meth:`MatchResult.rematch`):
    a transition the state machine forbids (``delivered`` before ``accepted``, a
    second answer to a declined pair), a pair that was never proposed, or
    ``declined_by``/``reason`` on a row that is not a decline.

    ``need_id`` and ``resource_id`` name the pair; ``row`` is the outcomes row,
    numbered as for any list (see :class:`InputError`: the spreadsheet row of a CSV
    file or DataFrame, whose header is row 1; the 1-based record of a JSON file or a
    list of dicts), ``index`` its DataFrame index label, ``column`` the field at
    fault (``"status"``, ``"resource_id"`` or ``"declined_by"``) and ``value`` its
    value. One exception: in a CSV file, rows of only empty cells (``,,,``) before
    the row are left out of its number (the engine counts the outcomes it applies,
    not the file's rows; a DataFrame's row and index are exact).
    """

    need_id: Optional[str] = None
    resource_id: Optional[str] = None


class LimitError(AidmatchError, ValueError):
    """The input exceeds a documented limit of the engine: more than ``MAX_ARCS``
    eligible need-resource pairs, or a list with more than ``MAX_ROWS`` rows (then
    ``value`` is the file or list); nothing was matched.

    ``limit`` is the limit's name (``"MAX_ARCS"``, ``"MAX_ROWS"``) and ``maximum``
    its value.
    """

    value: Any = None

    limit: Optional[str] = None
    maximum: Optional[int] = None


class PolicyError(InputError):
    """The policy is invalid: an unknown key, malformed TOML/JSON or a value out
    of range. ``row``/``column`` are the line and column in the policy text when
    known; for a value out of range, ``column`` is the dotted key."""


class FileError(AidmatchError, OSError):
    """A file could not be read or written (the message names the path): a list,
    policy or state file that is missing or unreadable, an output folder that cannot
    be written. When Python's own ``open`` failed, ``errno`` and ``filename`` are
    those of its error (``errno.ENOENT`` for a missing file)."""


class SolveInterrupted(AidmatchError):
    """The solve was cancelled before it finished.

    Ctrl-C during a solve raises the builtin ``KeyboardInterrupt`` instead.
    """


class InternalError(AidmatchError):
    """A bug inside aidmatch (the solver panicked); please report it with the input."""
