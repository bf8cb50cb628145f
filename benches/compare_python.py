#!/usr/bin/env python3
"""aidmatch's Python functions against their Python peers, all in one process.

``benches/compare.py`` times the Rust bench binary; this script times what a notebook
user calls, so the binding's call overhead and input conversion count:

* dense: ``aidmatch.linear_sum_assignment`` against ``scipy.optimize.linear_sum_assignment``
  and ``lap.lapjv`` on the same seeded matrices, integer costs in ``[0, 1000)`` and
  float costs uniform in ``[0, 1)``. Each call gets the matrix as a C-contiguous numpy
  array (int64 or float64); lap needs float64, so its integer runs include that cast,
  as a user's would.
* two lists: ``aidmatch.max_weight_matching`` against OR-tools' ``SimpleMinCostFlow`` on
  the bench binary's two-lists instances (the same files ``compare.py`` uses). Both start
  from the same ``scipy.sparse.csr_array`` of weights and the column capacities, and the
  timed span includes each one's conversion: aidmatch's own conversion of the sparse
  matrix; for OR-tools, building source -> row -> column -> sink arcs with numpy and
  adding them with the vectorised ``add_arcs_with_capacity_and_unit_cost`` (its fastest
  documented path), solving, and reading the flows back as matched pairs.

Every run's objective is recomputed here from its pairs after checking feasibility, and
all solvers' objectives must agree (integers exactly, floats within 1e-9 relative); a
disagreement prints MISMATCH and the exit status is 1. Solvers are interleaved within
each repeat, so load from other processes hits all of them alike; the median wall time
(and the median process CPU time, less disturbed by load) of the repeats is reported
with the load average.

Usage::

    python benches/compare_python.py                  # n = 2000, 4000; two lists 20k, 200k
    python benches/compare_python.py --quick          # the CI smoke (a few seconds)
    python benches/compare.py --python [--quick]      # the same, through compare.py
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

# OpenBLAS worker threads spin-wait after numpy starts them and take CPU from the
# solvers on a small machine; none of the timed code uses BLAS. Set before numpy loads.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_SEED = 20240601

FULL_DENSE = [2000, 4000]
FULL_SPARSE = ["20000,2000,20", "200000,20000,20"]
QUICK_DENSE = [1000]
QUICK_SPARSE = ["20000,2000,20"]


def _timed(fn: Callable[[], Any]) -> Tuple[float, float, Any]:
    gc.collect()
    gc.disable()
    try:
        c0, t0 = time.process_time(), time.perf_counter()
        out = fn()
        t1, c1 = time.perf_counter(), time.process_time()
    finally:
        gc.enable()
    return t1 - t0, c1 - c0, out


# --------------------------------------------------------------------------------------
# Dense


def dense_objective(costs, rows, cols) -> Any:
    import numpy as np

    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    n = min(costs.shape)
    if len(rows) != n or len(np.unique(rows)) != n or len(np.unique(cols)) != n:
        raise RuntimeError("not an assignment")
    s = costs[rows, cols].sum()
    return int(s) if costs.dtype.kind in "iu" else float(s)


def dense_solvers() -> Dict[str, Callable]:
    import numpy as np

    out: Dict[str, Callable] = {}
    import aidmatch

    out["aidmatch"] = lambda c: aidmatch.linear_sum_assignment(c)
    try:
        from scipy.optimize import linear_sum_assignment as scipy_lsa

        out["scipy"] = lambda c: scipy_lsa(c)
    except ImportError:
        pass
    try:
        import lap

        def lapjv(c):
            _, x, _ = lap.lapjv(np.asarray(c, dtype=np.float64), extend_cost=False, return_cost=True)
            return np.arange(len(x)), x

        out["lap"] = lapjv
    except ImportError:
        pass
    return out


def dense_case(n: int, kind: str, seed: int):
    import numpy as np

    rng = np.random.default_rng(seed + n)
    if kind == "int":
        return np.ascontiguousarray(rng.integers(0, 1000, (n, n), dtype=np.int64))
    return np.ascontiguousarray(rng.random((n, n)))


# --------------------------------------------------------------------------------------
# Two lists


def sparse_instance(size: str, seed: int, bin_path: Path, workdir: Path):
    """The bench binary's two-lists instance as (csr_array of weights, col capacities)."""
    import numpy as np
    from scipy.sparse import csr_array

    sys.path.insert(0, str(HERE))
    from compare import emit, load_instance  # type: ignore[import-not-found]

    d = workdir / f"two-lists-{size.replace(',', '_')}-s{seed}"
    emit(bin_path, "two-lists", size, seed, d)
    meta, arrays = load_instance(d)
    n_rows, n_cols = meta["rows"], meta["cols"]
    g = csr_array(
        (
            arrays["arc_weight"].astype(np.int64),
            arrays["arc_col"].astype(np.int64),
            arrays["row_start"].astype(np.int64),
        ),
        shape=(n_rows, n_cols),
    )
    return g, arrays["col_capacity"].astype(np.int64)


def sparse_objective(g, caps, rows, cols) -> int:
    import numpy as np

    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    if len(rows) and np.bincount(rows).max() > 1:
        raise RuntimeError("a row is matched twice")
    if len(cols) and np.any(np.bincount(cols, minlength=len(caps)) > caps):
        raise RuntimeError("a column exceeds its capacity")
    # Every pair must be an edge: look it up among the arcs' sorted (row, column) keys.
    n_cols = g.shape[1]
    arc_row = np.repeat(np.arange(g.shape[0], dtype=np.int64), np.diff(g.indptr))
    keys = arc_row * n_cols + g.indices.astype(np.int64)
    want = rows * n_cols + cols
    pos = np.searchsorted(keys, want)
    if len(want) and (np.any(pos >= len(keys)) or np.any(keys[np.minimum(pos, len(keys) - 1)] != want)):
        raise RuntimeError("a matched pair is not an edge")
    return int(g.data[pos].astype(np.int64).sum())


def sparse_solvers() -> Dict[str, Callable]:
    import numpy as np

    import aidmatch

    out: Dict[str, Callable] = {}
    out["aidmatch"] = lambda g, caps: aidmatch.max_weight_matching(g, col_capacity=caps)
    try:
        from ortools.graph.python import min_cost_flow
    except ImportError:
        return out

    def ortools(g, caps):
        n_rows, n_cols = g.shape
        n_arcs = g.nnz
        indptr = g.indptr
        source, sink = n_rows + n_cols, n_rows + n_cols + 1
        row_of_arc = np.repeat(np.arange(n_rows, dtype=np.int32), np.diff(indptr))
        tails = np.concatenate((
            row_of_arc,
            np.full(n_rows, source, dtype=np.int32),
            n_rows + np.arange(n_cols, dtype=np.int32),
            np.array([source], dtype=np.int32),
        ))
        heads = np.concatenate((
            n_rows + g.indices.astype(np.int32),
            np.arange(n_rows, dtype=np.int32),
            np.full(n_cols, sink, dtype=np.int32),
            np.array([sink], dtype=np.int32),
        ))
        capacities = np.concatenate((
            np.ones(n_arcs + n_rows, dtype=np.int64),
            caps.astype(np.int64),
            np.array([n_rows], dtype=np.int64),
        ))
        unit = np.concatenate((-g.data.astype(np.int64), np.zeros(n_rows + n_cols + 1, dtype=np.int64)))
        f = min_cost_flow.SimpleMinCostFlow()
        f.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, unit)
        f.set_node_supply(source, n_rows)
        f.set_node_supply(sink, -n_rows)
        status = f.solve()
        if status != f.OPTIMAL:
            raise RuntimeError(f"OR-tools status {status}")
        flows = f.flows(np.arange(n_arcs, dtype=np.int32))
        used = np.flatnonzero(flows)
        return row_of_arc[used].astype(np.int64), g.indices[used].astype(np.int64)

    out["ortools"] = ortools
    return out


# --------------------------------------------------------------------------------------
# Driver


def run_cases(cases, repeats: int, failures: List[str], records: List[dict]) -> None:
    """``cases``: (label, {solver: thunk}, objective(result) -> value, is_float)."""
    for label, thunks, objective, is_float in cases:
        walls: Dict[str, List[float]] = {k: [] for k in thunks}
        cpus: Dict[str, List[float]] = {k: [] for k in thunks}
        objs: Dict[str, Any] = {}
        for _ in range(repeats):
            for name, thunk in thunks.items():
                wall, cpu, res = _timed(thunk)
                walls[name].append(wall)
                cpus[name].append(cpu)
                objs.setdefault(name, objective(res))
        ref = objs.get("aidmatch")
        agree = True
        for name, o in objs.items():
            if is_float:
                ok = abs(o - ref) <= 1e-9 * max(1.0, abs(ref))
            else:
                ok = o == ref
            agree &= ok
        if not agree:
            failures.append(f"MISMATCH {label}: " + ", ".join(f"{k}={v}" for k, v in objs.items()))
        aid = statistics.median(walls["aidmatch"])
        aid_cpu = statistics.median(cpus["aidmatch"])
        for name in thunks:
            w, c = statistics.median(walls[name]), statistics.median(cpus[name])
            ratio = "" if name == "aidmatch" else f"{aid / w:.3f}"
            ratio_cpu = "" if name == "aidmatch" else f"{aid_cpu / c:.3f}"
            records.append(dict(case=label, solver=name, runs=len(walls[name]), wall_median=w,
                                wall_min=min(walls[name]), cpu_median=c, objective=objs[name],
                                ratio_wall=ratio, ratio_cpu=ratio_cpu, agree=agree))
            print(f"{label:<30} {name:<9} {len(walls[name]):>4} {w:>10.4f} {min(walls[name]):>10.4f}"
                  f" {c:>10.4f} {ratio:>9} {ratio_cpu:>9}  {objs[name]}{'' if agree else '  <-- MISMATCH'}",
                  flush=True)


def run(quick: bool, repeats: Optional[int], seed: int, bin_path: Path, workdir: Path,
        json_out: Optional[Path] = None, dense_sizes=None, sparse_sizes=None) -> int:
    try:
        import aidmatch
    except ImportError as e:
        print(f"# python comparison skipped: aidmatch is not importable ({e}); "
              "install it with `pip install ./bindings/python`")
        return 0
    import numpy as np

    if repeats is None:
        repeats = 3 if quick else 5
    dense_sizes = dense_sizes if dense_sizes is not None else (QUICK_DENSE if quick else FULL_DENSE)
    sparse_sizes = sparse_sizes if sparse_sizes is not None else (QUICK_SPARSE if quick else FULL_SPARSE)
    versions = {"python": platform.python_version(), "aidmatch": aidmatch.__version__}
    for mod in ("numpy", "scipy", "lap", "ortools"):
        try:
            versions[mod] = __import__(mod).__version__
        except Exception as e:  # noqa: BLE001
            versions[mod] = f"missing ({type(e).__name__})"
    load0 = os.getloadavg()
    print(f"# aidmatch Python functions vs Python peers, one process, {repeats} interleaved runs each,"
          f" seed {seed}")
    print(f"# machine: {platform.machine()}, {os.cpu_count()} logical CPUs; load average at start "
          + " ".join(f"{x:.2f}" for x in load0))
    print("# versions: " + ", ".join(f"{k} {v}" for k, v in versions.items()))
    print("# wall/cpu: medians in seconds (cpu = process CPU time, all threads); ratio = aidmatch / peer"
          " (< 1: aidmatch faster); conversion of the inputs is inside every timed span")
    print(f"{'case':<30} {'solver':<9} {'runs':>4} {'wall':>10} {'wall min':>10} {'cpu':>10}"
          f" {'ratio':>9} {'cpu ratio':>9}  objective")
    failures: List[str] = []
    records: List[dict] = []
    t_start = time.time()

    ds = dense_solvers()
    cases = []
    for n in dense_sizes:
        for kind in ("int", "float"):
            c = dense_case(n, kind, seed)
            thunks = {name: (lambda f=f, c=c: f(c)) for name, f in ds.items()}
            cases.append((f"lsap {n}x{n} {kind}", thunks,
                          lambda res, c=c: dense_objective(c, *res), kind == "float"))
    run_cases(cases, repeats, failures, records)

    if sparse_sizes:
        if not bin_path.exists():
            print(f"# two-lists cases skipped: {bin_path} not found (build it with "
                  "`cargo build --release -p aidmatch-benches --bin aidmatch-bench`)")
        else:
            ss = sparse_solvers()
            cases = []
            for size in sparse_sizes:
                g, caps = sparse_instance(size, seed, bin_path, workdir)
                thunks = {name: (lambda f=f, g=g, caps=caps: f(g, caps)) for name, f in ss.items()}
                cases.append((f"two-lists {size}", thunks,
                              lambda res, g=g, caps=caps: sparse_objective(g, caps, *res), False))
                run_cases(cases[-1:], repeats, failures, records)
    load1 = os.getloadavg()
    print(f"# total {time.time() - t_start:.1f} s; load average at end " + " ".join(f"{x:.2f}" for x in load1))
    if json_out:
        json_out.parent.mkdir(parents=True, exist_ok=True)
        json_out.write_text(json.dumps({"versions": versions, "load_start": load0, "load_end": load1,
                                        "records": records, "failures": failures}, indent=1) + "\n")
    for f in failures:
        print(f"!! {f}")
    _ = np  # numpy is required by every case
    return 1 if failures else 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="CI smoke: dense 1000, two lists 20k")
    ap.add_argument("--repeats", type=int, help="runs per solver and case (default 5, 3 with --quick)")
    ap.add_argument("--dense", help="comma-separated n of the square matrices (default 2000,4000)")
    ap.add_argument("--sparse", help="semicolon-separated two-lists sizes (default '20000,2000,20;200000,20000,20')")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--json", type=Path)
    ap.add_argument("--bin", type=Path, default=Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
                    / "release" / "aidmatch-bench")
    ap.add_argument("--workdir", type=Path, default=ROOT / "bench-results" / "instances")
    args = ap.parse_args(argv)
    dense = [int(x) for x in args.dense.split(",") if x] if args.dense is not None else None
    sparse = [x for x in args.sparse.split(";") if x] if args.sparse is not None else None
    return run(args.quick, args.repeats, args.seed, args.bin, args.workdir, args.json, dense, sparse)


if __name__ == "__main__":
    sys.exit(main())
