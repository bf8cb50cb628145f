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

from typing import Any, Optional

__all__ = [
    "AidmatchError",
    "InputError",
    "InputTypeError",
    "InfeasibleError",
    "SolveInterrupted",
    "InternalError",
]


class AidmatchError(Exception):
    """Base class of every exception raised by aidmatch."""


class InputError(AidmatchError, ValueError):
    """The input data is wrong: a bad shape, value, index, length or range.

    ``row``, ``column`` and ``value`` locate the offending entry when the
    error has a location (each is ``None`` otherwise). For sparse inputs,
    ``row``/``column`` are the row and column of the matrix; for side arrays
    such as ``row_capacity`` only ``row`` (or ``column``) is set.
    """

    row: Optional[int]
    column: Optional[int]
    value: Any

    def __init__(
        self,
        message: str,
        row: Optional[int] = None,
        column: Optional[int] = None,
        value: Any = None,
    ) -> None:
        super().__init__(message)
        self.row = row
        self.column = column
        self.value = value


class InputTypeError(AidmatchError, TypeError):
    """The input has a type or dtype that cannot be converted to numbers."""


class InfeasibleError(InputError):
    """No assignment of the required size avoids the forbidden (infinite) entries."""


class SolveInterrupted(AidmatchError):
    """The solve was cancelled before it finished.

    Ctrl-C during a solve raises the builtin ``KeyboardInterrupt`` instead.
    """


class InternalError(AidmatchError):
    """A bug inside aidmatch (the solver panicked); please report it with the input."""
