#!/usr/bin/env python3
"""Side-by-side comparison of aidmatch with peer solvers on the same instances.

For every instance family and size the aidmatch bench binary first writes the instance
(a directory of .npy files, see benches/src/store.rs). Then every solver runs on it,
each run in its own process so that its peak memory can be measured:

* aidmatch: ``aidmatch-bench --input DIR`` (its certificate is verified after the timed
  span, and an unverified result fails the comparison);
* scipy: ``scipy.optimize.linear_sum_assignment`` (dense) and
  ``scipy.sparse.csgraph.min_weight_full_bipartite_matching`` (sparse, after a reduction:
  column j replicated ``capacity_j`` times and one zero-weight "stay unmatched" column per
  row, so that a full matching of the rows exists and nobody is forced);
* lap: ``lap.lapjv`` (dense; ``extend_cost=True`` for rectangular). Not run on sparse
  instances: ``lap.lapmod`` needs a square instance with a perfect matching;
* OR-tools: ``SimpleLinearSumAssignment`` (dense; a rectangular matrix is padded to a
  square one with zero-cost rows, which does not change the optimum) and
  ``SimpleMinCostFlow`` (sparse: source -> row cap 1, row -> column cap 1 cost -w,
  column -> sink cap b_j, and a source -> sink bypass so that nobody is forced).

Timing: each solver's time runs from the instance's arrays in memory to its optimum,
so it includes whatever the solver's API needs built first (OR-tools' arcs, lap's float
matrix, the scipy sparse reduction, aidmatch's sparse Problem). Memory: each process
resets its peak resident set (``/proc/self/clear_refs``, Linux) just before the timed
span and reads ``VmHWM`` after it; the table shows that peak and the growth over the
resident set just before (the instance already loaded). Without /proc the peak falls back
to ``getrusage(RUSAGE_SELF).ru_maxrss``, i.e. the whole process lifetime.

Correctness: every solver's objective is recomputed here from its solution (pairs or
flows), after checking the solution is feasible, and all objectives of an instance must
be equal (integer instances: exact equality). A disagreement prints MISMATCH and the
script exits with status 1.

Usage::

    python benches/compare.py                 # the full table (several minutes)
    python benches/compare.py --quick         # the CI smoke: small sizes only
    python benches/compare.py --families dense,two-lists --repeats 5 --json out.json
    python benches/compare.py --python        # aidmatch's Python functions vs Python peers

``--python`` runs ``benches/compare_python.py`` instead: the Python functions
(``aidmatch.linear_sum_assignment``, ``aidmatch.max_weight_matching``) against scipy, lap
and OR-tools from Python, all in one process, input conversion included. ``--quick`` ends
with that script's quick section (a few seconds), skipped with a note when the ``aidmatch``
module is not installed in the interpreter running this script.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEFAULT_BIN = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target")) / "release" / "aidmatch-bench"
DEFAULT_SEED = 20240601

FULL = [
    ("dense", "500"),
    ("dense", "1000"),
    ("dense", "2000"),
    ("dense", "4000"),
    ("rect", "1000x4000"),
    ("geometric", "2000"),
    ("two-lists", "20000,2000,20"),
    ("two-lists", "200000,20000,20"),
    ("two-lists", "1000000,100000,16"),
]
QUICK = [
    ("dense", "500"),
    ("rect", "200x800"),
    ("two-lists", "20000,2000,20"),
]
PEERS = ["scipy", "lap", "ortools"]
# Instances with at least this many arcs run once, whatever --repeats says
# (override with --repeats-large).
LARGE_ARCS = 10_000_000


# --------------------------------------------------------------------------------------
# Memory probes (used in every worker process)


def _status_kb(key: str) -> int | None:
    try:
        with open("/proc/self/status") as f:
            m = re.search(rf"^{key}:\s+(\d+)\s+kB", f.read(), re.M)
        return int(m.group(1)) if m else None
    except OSError:
        return None


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def _peak_kb() -> int:
    hwm = _status_kb("VmHWM")
    if hwm is not None:
        return hwm
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux


# --------------------------------------------------------------------------------------
# Peer solvers (each runs in a worker process: `compare.py --worker PEER DIR`)


class Skip(Exception):
    """The peer does not apply to this instance, or is not installed."""


def load_instance(d: Path):
    import numpy as np

    meta = json.loads((d / "meta.json").read_text())
    if meta["kind"] == "dense":
        arrays = {"costs": np.load(d / "costs.npy")}
    else:
        arrays = {
            name: np.load(d / f"{name}.npy")
            for name in ("row_start", "arc_col", "arc_weight", "col_capacity")
        }
    return meta, arrays


def dense_objective(costs, rows, cols) -> int:
    """Sum of the chosen entries after checking the pairs form an assignment of the
    smaller side."""
    import numpy as np

    rows = np.asarray(rows, dtype=np.int64)
    cols = np.asarray(cols, dtype=np.int64)
    n, m = costs.shape
    if len(rows) != min(n, m):
        raise RuntimeError(f"{len(rows)} pairs, expected {min(n, m)}")
    if len(np.unique(rows)) != len(rows) or len(np.unique(cols)) != len(cols):
        raise RuntimeError("a row or column is used twice")
    return int(costs[rows, cols].astype(np.int64).sum())


def sparse_objective(arrays, arc_flow) -> int:
    """Total weight of a 0/1 flow per arc after checking row and column capacities."""
    import numpy as np

    flow = np.asarray(arc_flow, dtype=np.int64)
    if flow.min(initial=0) < 0 or flow.max(initial=0) > 1:
        raise RuntimeError("arc flow outside 0..1")
    row_of_arc = np.repeat(np.arange(len(arrays["row_start"]) - 1), np.diff(arrays["row_start"]))
    per_row = np.bincount(row_of_arc, weights=flow, minlength=len(arrays["row_start"]) - 1)
    if per_row.max(initial=0) > 1:
        raise RuntimeError("a row receives more than its supply of 1")
    per_col = np.bincount(arrays["arc_col"], weights=flow, minlength=len(arrays["col_capacity"]))
    if np.any(per_col > arrays["col_capacity"]):
        raise RuntimeError("a column exceeds its capacity")
    return int((flow * arrays["arc_weight"]).sum())


def peer_scipy(meta, arrays):
    import numpy as np

    if meta["kind"] == "dense":
        from scipy.optimize import linear_sum_assignment

        costs = arrays["costs"]

        def solve():
            return linear_sum_assignment(costs)

        def objective(res):
            return dense_objective(costs, *res)

        return solve, objective, "linear_sum_assignment"

    from scipy.sparse import csr_matrix
    from scipy.sparse.csgraph import min_weight_full_bipartite_matching

    n_rows, n_arcs = meta["rows"], meta["arcs"]
    cap = arrays["col_capacity"].astype(np.int64)
    replicated = int(cap[arrays["arc_col"]].sum()) + n_rows
    limit = int(os.environ.get("AIDMATCH_SCIPY_SPARSE_MAX_ARCS", 40_000_000))
    if replicated > limit:
        raise Skip(f"reduction has {replicated:,} arcs > {limit:,} (AIDMATCH_SCIPY_SPARSE_MAX_ARCS)")

    def solve():
        col = arrays["arc_col"].astype(np.int64)
        row = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(arrays["row_start"]))
        copies = cap[col]
        first = np.concatenate(([0], np.cumsum(cap)[:-1]))  # first copy of every column
        total_copies = int(cap.sum())
        arc_of = np.repeat(np.arange(n_arcs, dtype=np.int64), copies)
        # k-th copy for every replicated arc: position within its run of `copies`.
        run_start = np.repeat(np.cumsum(copies) - copies, copies)
        k = np.arange(len(arc_of), dtype=np.int64) - run_start
        r = np.concatenate((row[arc_of], np.arange(n_rows, dtype=np.int64)))
        c = np.concatenate((first[col[arc_of]] + k, total_copies + np.arange(n_rows, dtype=np.int64)))
        # Weight + 1 on real arcs, 1 on the "unmatched" arcs: every row is matched exactly
        # once, so the shift adds n_rows to every full matching and keeps all entries > 0
        # (scipy treats stored zeros as missing edges).
        w = np.concatenate((arrays["arc_weight"][arc_of] + 1, np.ones(n_rows, dtype=np.int64)))
        g = csr_matrix((w.astype(np.float64), (r, c)), shape=(n_rows, total_copies + n_rows))
        mate = min_weight_full_bipartite_matching(g, maximize=True)[1]
        return mate, first, total_copies

    def objective(res):
        mate, first, total_copies = res
        # Map every matched copy back to its column, then to the arc (row, column).
        matched = np.flatnonzero(mate < total_copies)
        copy_col = np.searchsorted(first, mate[matched], side="right") - 1
        # Arcs are sorted by (row, column), so row * cols + column is a sorted key.
        n_cols = len(cap)
        row_of_arc = np.repeat(np.arange(n_rows, dtype=np.int64), np.diff(arrays["row_start"]))
        keys = row_of_arc * n_cols + arrays["arc_col"]
        want = matched.astype(np.int64) * n_cols + copy_col
        a = np.searchsorted(keys, want)
        if np.any(a >= n_arcs) or np.any(keys[np.minimum(a, n_arcs - 1)] != want):
            raise RuntimeError("a row is matched to a column it has no arc to")
        flow = np.bincount(a, minlength=n_arcs)
        return sparse_objective(arrays, flow)

    return solve, objective, "min_weight_full_bipartite_matching (columns replicated by capacity)"


def peer_lap(meta, arrays):
    import numpy as np

    try:
        import lap
    except ImportError as e:
        raise Skip(f"lap not installed ({e})")
    if meta["kind"] != "dense":
        raise Skip("lap.lapmod needs a square instance with a perfect matching")
    costs = arrays["costs"]
    square = costs.shape[0] == costs.shape[1]

    def solve():
        return lap.lapjv(costs.astype(np.float64), extend_cost=not square, return_cost=True)

    def objective(res):
        _, x, _ = res
        rows = np.flatnonzero(x >= 0)
        return dense_objective(costs, rows, x[rows])

    return solve, objective, "lapjv" + ("" if square else " (extend_cost=True)")


def peer_ortools(meta, arrays):
    import numpy as np

    try:
        from ortools.graph.python import linear_sum_assignment, min_cost_flow
    except ImportError as e:
        raise Skip(f"ortools not installed ({e})")

    if meta["kind"] == "dense":
        costs = arrays["costs"]
        n, m = costs.shape
        k = max(n, m)

        def solve():
            a = linear_sum_assignment.SimpleLinearSumAssignment()
            # A rectangular matrix is padded to k x k with zero-cost rows or columns.
            padded = costs if n == m else np.zeros((k, k), dtype=np.int64)
            if n != m:
                padded[:n, :m] = costs
            tails = np.repeat(np.arange(k, dtype=np.int32), k)
            heads = np.tile(np.arange(k, dtype=np.int32), k)
            a.add_arcs_with_cost(tails, heads, padded.reshape(-1).astype(np.int64))
            status = a.solve()
            if status != a.OPTIMAL:
                raise RuntimeError(f"OR-tools status {status}")
            return np.array([a.right_mate(i) for i in range(k)], dtype=np.int64)

        def objective(mate):
            rows = np.arange(k)
            keep = (rows < n) & (mate < m)
            return dense_objective(costs, rows[keep], mate[keep])

        note = "SimpleLinearSumAssignment" + ("" if n == m else " (padded to square)")
        return solve, objective, note

    n_rows, n_cols, n_arcs = meta["rows"], meta["cols"], meta["arcs"]

    def solve():
        f = min_cost_flow.SimpleMinCostFlow()
        source, sink = n_rows + n_cols, n_rows + n_cols + 1
        row_of_arc = np.repeat(np.arange(n_rows, dtype=np.int32), np.diff(arrays["row_start"]))
        tails = np.concatenate((
            row_of_arc,  # row -> column arcs first, so that arc index = instance arc index
            np.full(n_rows, source, dtype=np.int32),
            n_rows + np.arange(n_cols, dtype=np.int32),
            np.array([source], dtype=np.int32),
        ))
        heads = np.concatenate((
            n_rows + arrays["arc_col"].astype(np.int32),
            np.arange(n_rows, dtype=np.int32),
            np.full(n_cols, sink, dtype=np.int32),
            np.array([sink], dtype=np.int32),
        ))
        caps = np.concatenate((
            np.ones(n_arcs + n_rows, dtype=np.int64),
            arrays["col_capacity"].astype(np.int64),
            np.array([n_rows], dtype=np.int64),
        ))
        unit = np.concatenate((
            -arrays["arc_weight"].astype(np.int64),
            np.zeros(n_rows + n_cols + 1, dtype=np.int64),
        ))
        f.add_arcs_with_capacity_and_unit_cost(tails, heads, caps, unit)
        f.set_node_supply(source, n_rows)
        f.set_node_supply(sink, -n_rows)
        status = f.solve()
        if status != f.OPTIMAL:
            raise RuntimeError(f"OR-tools status {status}")
        flows = f.flows(np.arange(n_arcs, dtype=np.int32))
        return flows, -f.optimal_cost()

    def objective(res):
        flows, reported = res
        got = sparse_objective(arrays, flows)
        if got != reported:
            raise RuntimeError(f"flows weigh {got} but OR-tools reports {reported}")
        return got

    return solve, objective, "SimpleMinCostFlow (source->sink bypass)"


def worker(peer: str, d: Path) -> dict:
    """Runs one peer once on one instance; returns the result record."""
    import gc

    out: dict = {"solver": peer}
    try:
        meta, arrays = load_instance(d)
        out.update(family=meta["family"], size=meta["size"])
        make = {"scipy": peer_scipy, "lap": peer_lap, "ortools": peer_ortools}[peer]
        solve, objective, note = make(meta, arrays)
        out["method"] = note
        gc.collect()
        baseline = _status_kb("VmRSS")
        reset = _reset_peak()
        t0 = time.perf_counter()
        res = solve()
        seconds = time.perf_counter() - t0
        peak = _peak_kb()
        out.update(
            seconds=seconds,
            peak_rss_kb=peak,
            baseline_rss_kb=baseline,
            peak_reset=reset,
            objective=objective(res),
        )
    except Skip as e:
        out["skipped"] = str(e)
    except ImportError as e:
        out["skipped"] = f"not installed ({e})"
    return out


# --------------------------------------------------------------------------------------
# Driver


def versions() -> dict:
    v = {"python": platform.python_version()}
    for mod in ("numpy", "scipy", "lap", "ortools"):
        try:
            v[mod] = __import__(mod).__version__
        except Exception as e:  # noqa: BLE001 - report, never crash on a missing peer
            v[mod] = f"missing ({type(e).__name__})"
    return v


def git_rev() -> str:
    try:
        rev = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()
        return rev + ("+uncommitted" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def run_json(cmd: list[str], timeout: float) -> dict:
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timeout after {timeout:.0f} s"}
    lines = [l for l in p.stdout.splitlines() if l.startswith("{")]
    if not lines:
        err = (p.stderr.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {p.returncode}: {err}"}
    rec = json.loads(lines[-1])
    if p.returncode != 0:
        rec.setdefault("error", f"exit {p.returncode}: {p.stderr.strip()[-300:]}")
    return rec


def emit(bin_path: Path, family: str, size: str, seed: int, d: Path) -> dict:
    meta_path = d / "meta.json"
    if meta_path.exists():
        meta = json.loads(meta_path.read_text())
        if meta.get("seed") == seed and meta.get("size") == size and meta.get("family") == family:
            return meta
    p = subprocess.run(
        [str(bin_path), "--family", family, "--size", size, "--seed", str(seed), "--emit", str(d)],
        capture_output=True, text=True,
    )
    if p.returncode != 0:
        raise SystemExit(f"compare.py: could not write instance {family} {size}: {p.stderr.strip()}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def fmt_s(t: float) -> str:
    return f"{t:.4f}" if t < 1 else f"{t:.2f}"


def fmt_mb(kb) -> str:
    return "-" if kb is None else f"{kb / 1024:.0f}"


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="CI smoke: dense 500, rect 200x800, two-lists 20k")
    ap.add_argument("--families", help="comma-separated subset of dense,rect,geometric,two-lists")
    ap.add_argument("--repeats", type=int, default=3, help="runs per solver and instance (median reported)")
    ap.add_argument("--repeats-large", type=int, default=1,
                    help="runs on instances with at least --large-arcs arcs")
    ap.add_argument("--large-arcs", type=int, default=LARGE_ARCS,
                    help=f"arc count from which an instance counts as large (default {LARGE_ARCS:,})")
    ap.add_argument("--slow", type=float,
                    help="a solver whose run takes longer than this many seconds is not repeated"
                         " (default 60; 2 with --quick)")
    ap.add_argument("--peers", default=",".join(PEERS), help="comma-separated peers to run")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--json", type=Path, help="write all records and the header to this file")
    ap.add_argument("--bin", type=Path, default=DEFAULT_BIN, help="the aidmatch-bench binary")
    ap.add_argument("--workdir", type=Path, default=ROOT / "bench-results" / "instances",
                    help="where instances are written (reused when present)")
    ap.add_argument("--timeout", type=float, default=1800, help="seconds per solver run")
    ap.add_argument("--python", action="store_true",
                    help="time the Python functions instead (benches/compare_python.py)")
    ap.add_argument("--worker", nargs=2, metavar=("PEER", "DIR"), help=argparse.SUPPRESS)
    args = ap.parse_args(argv)

    if args.worker:
        print(json.dumps(worker(args.worker[0], Path(args.worker[1]))), flush=True)
        return 0

    if args.python:
        return python_section(args, quick=args.quick)

    if not args.bin.exists():
        print(f"compare.py: {args.bin} not found; build it with "
              "`cargo build --release -p aidmatch-benches --bin aidmatch-bench`", file=sys.stderr)
        return 2
    instances = QUICK if args.quick else FULL
    if args.families:
        wanted = set(args.families.split(","))
        unknown = wanted - {f for f, _ in FULL}
        if unknown:
            ap.error(f"unknown families {sorted(unknown)}")
        instances = [i for i in instances if i[0] in wanted]
    peers = [p for p in args.peers.split(",") if p]
    if args.slow is None:
        args.slow = 2.0 if args.quick else 60.0

    header = {
        "date_utc": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "aidmatch": git_rev(),
        "machine": f"{platform.machine()}, {os.cpu_count()} logical CPUs, {platform.system()} {platform.release()}",
        "load_avg_start": os.getloadavg(),
        "versions": versions(),
        "seed": args.seed,
        "repeats": args.repeats,
        "repeats_large": args.repeats_large,
        "large_arcs": args.large_arcs,
        "slow_seconds": args.slow,
    }
    print(f"# aidmatch comparison {header['date_utc']}  aidmatch {header['aidmatch']}  seed {args.seed}")
    print(f"# machine: {header['machine']}; load average at start "
          f"{' '.join(f'{x:.2f}' for x in header['load_avg_start'])}")
    print("# versions: " + ", ".join(f"{k} {v}" for k, v in header["versions"].items()))
    print(f"# runs per solver: {args.repeats} ({args.repeats_large} on instances with >= "
          f"{args.large_arcs:,} arcs; 1 when a run takes > {args.slow:g} s), each in its own "
          f"process; command: {' '.join(sys.argv)}")
    print("# time: arrays in memory -> optimum, median of the runs; peak MB: process peak RSS during"
          " the solve; +MB: growth over the RSS before it; aid/peer: aidmatch time / peer time"
          " (< 1: aidmatch faster)", flush=True)

    records: list[dict] = []
    failures: list[str] = []
    notes: list[str] = []
    rows_out: list[tuple] = []
    t_start = time.time()
    for family, size in instances:
        d = args.workdir / f"{family}-{size.replace(',', '_')}-s{args.seed}"
        meta = emit(args.bin, family, size, args.seed, d)
        k = args.repeats_large if meta["arcs"] >= args.large_arcs else args.repeats
        per_solver: dict[str, dict] = {}
        for solver in ["aidmatch", *peers]:
            if solver == "aidmatch":
                cmd = [str(args.bin), "--input", str(d)]
            else:
                cmd = [sys.executable, str(Path(__file__).resolve()), "--worker", solver, str(d)]
            runs = []
            for _ in range(max(1, k)):
                rec = run_json(cmd, args.timeout)
                rec.update(solver=solver, family=family, size=size)
                records.append(rec)
                runs.append(rec)
                if "skipped" in rec or "error" in rec:
                    break
                if rec.get("seconds", 0) > args.slow:
                    break  # one run of a slow solver is figure enough
            per_solver[solver] = summarise(runs)
            s = per_solver[solver]
            if s.get("error"):
                # aidmatch failing fails the comparison; a peer failing (a timeout, say) is
                # reported but does not.
                (failures if solver == "aidmatch" else notes).append(
                    f"{family} {size} {solver}: {s['error']}")
            if solver == "aidmatch" and s.get("verified") is False:
                failures.append(f"{family} {size} aidmatch: certificate did not verify")
            print(f"  {family:<10} {size:<18} {solver:<9} {status_cell(s)}", file=sys.stderr, flush=True)
        # Agreement of objectives, across solvers and across repeats.
        objs = {name: s["objectives"] for name, s in per_solver.items() if s.get("objectives")}
        distinct = {o for v in objs.values() for o in v}
        agree = len(distinct) <= 1
        if not agree:
            failures.append(f"MISMATCH {family} {size}: " + ", ".join(f"{n}={v}" for n, v in objs.items()))
        aid = per_solver.get("aidmatch", {})
        for name, s in per_solver.items():
            ratio = ""
            if name != "aidmatch" and aid.get("median") and s.get("median"):
                ratio = f"{aid['median'] / s['median']:.3g}"
            rows_out.append((family, size, name, s, ratio, agree))

    print()
    cols = ("family", "size", "solver", "runs", "time s", "peak MB", "+MB", "objective", "aid/peer", "note")
    table = [cols]
    for family, size, name, s, ratio, agree in rows_out:
        if s.get("median") is None:
            table.append((family, size, name, "0", "-", "-", "-", "-", "-", s.get("error") or s.get("skipped", "")))
            continue
        obj = str(s["objectives"][0]) + ("" if agree else "  <-- MISMATCH")
        note = s.get("method", "")
        if name == "aidmatch":
            note = "certificate verified" if s.get("verified") else "CERTIFICATE NOT VERIFIED"
            if s.get("build_median"):
                note += f"; of which building the Problem {fmt_s(s['build_median'])} s"
        if not s.get("peak_reset", True):
            note += "; peak = whole process (no clear_refs)"
        table.append((family, size, name, str(s["runs"]), fmt_s(s["median"]), fmt_mb(s["peak_kb"]),
                      fmt_mb(s["delta_kb"]), obj, ratio, note))
    widths = [max(len(str(r[i])) for r in table) for i in range(len(cols))]
    for i, r in enumerate(table):
        print("  ".join(str(c).ljust(w) if j in (0, 1, 2, 9) else str(c).rjust(w)
                        for j, (c, w) in enumerate(zip(r, widths))).rstrip())
        if i == 0:
            print("  ".join("-" * w for w in widths))
    header["load_avg_end"] = os.getloadavg()
    header["wall_seconds"] = time.time() - t_start
    print(f"\n# total {header['wall_seconds']:.1f} s; load average at end "
          f"{' '.join(f'{x:.2f}' for x in header['load_avg_end'])}")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"header": header, "records": records,
                                         "failures": failures, "notes": notes}, indent=1) + "\n")
    for n in notes:
        print(f"# note: peer did not finish: {n}")
    status = 0
    if failures:
        print("\n" + "!" * 78)
        for f in failures:
            print(f"!! {f}")
        print("!" * 78)
        status = 1
    if args.quick:
        print()
        status |= python_section(args, quick=True)
    return status


def python_section(args, quick: bool) -> int:
    """The Python functions against Python peers (benches/compare_python.py)."""
    sys.path.insert(0, str(HERE))
    import compare_python  # type: ignore[import-not-found]

    json_out = None
    if args.json:
        json_out = args.json.with_name(args.json.stem + "-python" + args.json.suffix)
    return compare_python.run(quick, None, args.seed, args.bin, args.workdir, json_out)


def summarise(runs: list[dict]) -> dict:
    ok = [r for r in runs if "seconds" in r and "error" not in r and "objective" in r]
    out: dict = {"runs": len(ok)}
    first = runs[0] if runs else {}
    if "skipped" in first:
        out["skipped"] = first["skipped"]
    errors = [r["error"] for r in runs if "error" in r]
    if errors:
        out["error"] = errors[0]
    if not ok:
        return out
    out.update(
        median=statistics.median(r["seconds"] for r in ok),
        peak_kb=max(r["peak_rss_kb"] for r in ok if r.get("peak_rss_kb") is not None),
        delta_kb=max((r["peak_rss_kb"] - r["baseline_rss_kb"]) for r in ok
                     if r.get("peak_rss_kb") is not None and r.get("baseline_rss_kb") is not None),
        objectives=[r["objective"] for r in ok],
        method=ok[0].get("method", ""),
        peak_reset=all(r.get("peak_reset", False) for r in ok),
    )
    if "verified" in ok[0]:
        out["verified"] = all(r.get("verified") for r in ok)
    if ok[0].get("build_seconds"):
        out["build_median"] = statistics.median(r["build_seconds"] for r in ok)
    return out


def status_cell(s: dict) -> str:
    if s.get("median") is not None:
        return f"{fmt_s(s['median'])} s  objective {s['objectives'][0]}"
    return s.get("error") or s.get("skipped") or "no result"


if __name__ == "__main__":
    sys.exit(main())
