"""Type stubs of the compiled module ``aidmatch._aidmatch`` (checked by mypy.stubtest)."""

from typing import Any, Optional, Tuple

import numpy as np
import numpy.typing as npt

__version__: str

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
