"""Per-call time of aidmatch.linear_sum_assignment against scipy's, on tiny matrices.

    python bindings/python/bench/overhead.py [rounds]

For each case, the two functions are timed alternately (timeit, 20,000 calls per round,
31 rounds by default) and the median and minimum microseconds per call are printed.
Tiny matrices make the per-call overhead (argument parsing, array access, result
arrays, GIL release) visible next to the solve itself.
"""

import statistics
import sys
import timeit

import numpy as np
from scipy.optimize import linear_sum_assignment as scipy_lsa

import aidmatch


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 31
    rng = np.random.default_rng(0)
    cases = {
        "float64 5x5": rng.random((5, 5)),
        "int64 5x5": rng.integers(0, 100, (5, 5)),
        "float64 0x0": np.zeros((0, 0)),
        "list 5x5": rng.random((5, 5)).tolist(),
    }
    for name, c in cases.items():
        ours, theirs = [], []
        for _ in range(rounds):
            ours.append(timeit.timeit(lambda: aidmatch.linear_sum_assignment(c), number=20000) / 20000 * 1e6)
            theirs.append(timeit.timeit(lambda: scipy_lsa(c), number=20000) / 20000 * 1e6)
        print(
            f"{name:12s} aidmatch median {statistics.median(ours):5.2f} us (min {min(ours):5.2f})"
            f"   scipy median {statistics.median(theirs):5.2f} us (min {min(theirs):5.2f})"
        )


if __name__ == "__main__":
    main()
