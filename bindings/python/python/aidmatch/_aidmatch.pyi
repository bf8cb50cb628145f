"""Type stubs of the compiled module ``aidmatch._aidmatch`` (checked by mypy.stubtest)."""

import os
from typing import Any, Optional, Tuple, Union, final

import numpy as np
import numpy.typing as npt

__all__ = [
    "linear_sum_assignment",
    "max_weight_matching_csr",
    "_panic_for_tests",
    "Policy",
    "RunResult",
    "UrgentRun",
    "LoopState",
    "UrgentDesk",
    "load_state",
    "state_from_json",
    "result_from_state_json",
    "run_match",
    "__version__",
    "MAX_WEIGHT",
    "MAX_TIER",
    "MAX_ARCS",
    "MAX_ROWS",
]

__version__: str
#: Largest weight magnitude the exact solvers accept: 2**53 - 1.
MAX_WEIGHT: int
#: Highest priority tier (tier 1 is the most urgent).
MAX_TIER: int
#: Default bound on the eligible need-resource pairs of a run (``match(max_arcs=...)``).
MAX_ARCS: int
#: Default bound on the rows of each input list (``match(max_rows=...)``).
MAX_ROWS: int

def linear_sum_assignment(
    cost_matrix: npt.ArrayLike,
    maximize: Any = False,
    *,
    return_duals: bool = False,
) -> Tuple[np.ndarray, ...]: ...
def max_weight_matching_csr(
    n_rows: int,
    n_cols: int,
    indptr: npt.NDArray[np.int64],
    indices: npt.NDArray[np.int64],
    weights: npt.NDArray[np.int64],
    row_capacity: Optional[npt.NDArray[np.int64]] = None,
    col_capacity: Optional[npt.NDArray[np.int64]] = None,
    row_tier: Optional[npt.NDArray[np.int64]] = None,
    return_duals: bool = False,
) -> Tuple[np.ndarray, ...]: ...
def _panic_for_tests(message: str) -> None: ...
@final
class Policy:
    @staticmethod
    def default() -> Policy: ...
    @staticmethod
    def from_file(path: Union[str, os.PathLike[str]]) -> Policy: ...
    @staticmethod
    def from_text(text: str) -> Policy: ...
    def to_toml(self) -> str: ...
    @property
    def digest(self) -> str: ...
    @property
    def version(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

_ListArg = Tuple[bytes, str, Optional[str]]

@final
class RunResult:
    def to_json(self) -> str: ...
    def explain_json(self, need_id: str) -> Optional[str]: ...
    def write_dir(self, path: Union[str, os.PathLike[str]], snapshot: bool = False) -> None: ...
    def changes_json(self) -> Optional[str]: ...
    def rematch_json(self) -> Optional[str]: ...
    def rematch(
        self,
        outcomes: _ListArg,
        needs: Optional[_ListArg],
        supply: Optional[_ListArg],
        policy: Optional[Policy],
        as_of: str,
        warm: bool,
    ) -> RunResult: ...
    def insert_urgent(self, need: _ListArg, as_of: str) -> UrgentRun: ...
    def urgent_desk(self, as_of: str) -> UrgentDesk: ...
    def state_json(self) -> str: ...

@final
class UrgentRun:
    def report_json(self) -> str: ...
    def write_dir(self, path: Union[str, os.PathLike[str]]) -> None: ...
    def rematch(
        self,
        outcomes: _ListArg,
        needs: Optional[_ListArg],
        supply: Optional[_ListArg],
        policy: Optional[Policy],
        as_of: str,
        warm: bool,
    ) -> RunResult: ...
    def insert_urgent(self, need: _ListArg, as_of: str) -> UrgentRun: ...
    def urgent_desk(self, as_of: str) -> UrgentDesk: ...
    def state_json(self) -> str: ...

@final
class LoopState:
    def rematch(
        self,
        outcomes: _ListArg,
        needs: Optional[_ListArg],
        supply: Optional[_ListArg],
        policy: Optional[Policy],
        as_of: str,
        warm: bool,
    ) -> RunResult: ...
    def insert_urgent(self, need: _ListArg, as_of: str) -> UrgentRun: ...
    def urgent_desk(self, as_of: str) -> UrgentDesk: ...
    def state_json(self) -> str: ...
    def write_dir(self, path: Union[str, os.PathLike[str]]) -> None: ...
    def run_date(self) -> str: ...
    def needs(self) -> int: ...
    def pairs(self) -> int: ...

@final
class UrgentDesk:
    @staticmethod
    def open_dir(path: Union[str, os.PathLike[str]], as_of: str) -> UrgentDesk: ...
    def insert(self, need: _ListArg) -> str: ...
    def state(self) -> LoopState: ...
    def write_dir(self, path: Union[str, os.PathLike[str]]) -> None: ...
    def as_of(self) -> str: ...
    def needs(self) -> int: ...

def load_state(path: Union[str, os.PathLike[str]]) -> LoopState: ...
def state_from_json(text: str) -> LoopState: ...
def result_from_state_json(text: str, max_arcs: int) -> RunResult: ...

def run_match(
    needs: _ListArg,
    supply: _ListArg,
    exclusions: Optional[_ListArg],
    policy: Optional[Policy],
    as_of: str,
    max_arcs: Optional[int] = None,
    max_rows: Optional[int] = None,
) -> RunResult: ...
