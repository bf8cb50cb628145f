"""Threads, the GIL, Ctrl-C, docstring examples and the type stubs."""

from __future__ import annotations

import doctest
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import scipy.sparse as sp

import aidmatch
import aidmatch.exceptions


def _lsap_jobs(n):
    rng = np.random.default_rng(31)
    jobs = []
    for i in range(n):
        shape = tuple(int(x) for x in rng.integers(20, 120, size=2))
        jobs.append(rng.integers(0, 10**6, size=shape) if i % 2 else rng.random(shape))
    return jobs


def _matching_jobs(n):
    rng = np.random.default_rng(32)
    return [
        sp.random_array((300, 250), density=0.05, rng=rng, format="csr") * 100 for _ in range(n)
    ]


def test_parallel_solves_in_a_thread_pool_agree_with_serial():
    lsap = _lsap_jobs(48)
    graphs = _matching_jobs(16)
    serial_lsap = [aidmatch.linear_sum_assignment(c, i % 3 == 0, return_duals=True) for i, c in enumerate(lsap)]
    serial_mwm = [aidmatch.max_weight_matching(g, row_capacity=2) for g in graphs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        par_lsap = list(
            pool.map(lambda ic: aidmatch.linear_sum_assignment(ic[1], ic[0] % 3 == 0, return_duals=True), enumerate(lsap))
        )
        par_mwm = list(pool.map(lambda g: aidmatch.max_weight_matching(g, row_capacity=2), graphs))
    for a, b in zip(serial_lsap + serial_mwm, par_lsap + par_mwm):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            assert np.array_equal(x, y)


def test_gil_is_released_during_a_solve():
    """While one thread solves, another runs Python code *in the middle* of the solve.

    If the solve held the GIL, the main thread could run only around its start and
    end (at most one 5 ms switch interval each), never in the middle half of a
    solve that lasts well over 20 ms."""
    rng = np.random.default_rng(33)
    c = rng.integers(0, 10**6, size=(2000, 2000))
    window = []

    def solve():
        t0 = time.perf_counter()
        aidmatch.linear_sum_assignment(c)
        window.extend([t0, time.perf_counter()])

    t = threading.Thread(target=solve)
    stamps = []
    t.start()
    while t.is_alive():
        stamps.append(time.perf_counter())
    t.join()
    t0, t1 = window
    assert t1 - t0 > 0.04, "the solve was too quick to tell; enlarge the matrix"
    lo, hi = t0 + 0.25 * (t1 - t0), t0 + 0.75 * (t1 - t0)
    during = sum(1 for s in stamps if lo < s < hi)
    assert during > 100, f"the main thread ran {during} times in the middle of the solve"


INTERRUPT_SCRIPT = textwrap.dedent(
    """
    import sys, time, numpy as np, aidmatch
    import signal; signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    rng = np.random.default_rng(0)
    n, deg = {n}, 12
    indptr = np.arange(0, n * deg + 1, deg, dtype=np.int64)
    offsets = rng.choice(n, deg, replace=False)
    shifts = rng.integers(0, n, size=n)
    indices = ((shifts[:, None] + offsets[None, :]) % n).reshape(-1).astype(np.int64)
    data = rng.integers(1, 10**9, size=n * deg).astype(np.int64)
    graph = (data, indices, indptr, (n, n))
    print("ready", flush=True)
    t0 = time.monotonic()
    try:
        aidmatch.max_weight_matching(graph, row_capacity=3, col_capacity=2)
    except KeyboardInterrupt:
        print("interrupted %.3f" % (time.monotonic() - t0), flush=True)
        sys.exit(0)
    print("finished %.3f" % (time.monotonic() - t0), flush=True)
    """
)


def test_ctrl_c_interrupts_a_long_sparse_solve():
    """SIGINT during a long solve raises KeyboardInterrupt promptly (the solver is
    cancelled; the process does not wait for the solve to finish)."""
    # n = 1,000,000 takes about 3.8 s on the development machine (300,000 came down to
    # 0.9 s and finished before the signal); the signal goes 0.5 s after the start.
    script = INTERRUPT_SCRIPT.format(n=1_000_000)
    proc = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    # Give the solve time to start, then press Ctrl-C.
    threading.Event().wait(0.5)
    os.kill(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    out, err = proc.communicate(timeout=60)
    assert out.startswith("interrupted"), (out, err)
    assert "KeyboardInterrupt" not in err and "PanicException" not in err
    print(f"exited {time.monotonic() - sent:.3f} s after SIGINT")


DENSE_INTERRUPT_SCRIPT = textwrap.dedent(
    """
    import sys, time, numpy as np, aidmatch
    import signal; signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
    # Machol-Wien costs c_ij = (i + 1)(j + 1): every augmenting path is long; n = 3000
    # takes 15-20 s on the development machine.
    i = np.arange(1, 3001, dtype=np.{dtype})
    cost = np.outer(i, i)
    print("ready", flush=True)
    t0 = time.monotonic()
    try:
        aidmatch.linear_sum_assignment(cost)
    except KeyboardInterrupt:
        print("interrupted %.3f" % (time.monotonic() - t0), flush=True)
        sys.exit(0)
    print("finished %.3f" % (time.monotonic() - t0), flush=True)
    """
)


@pytest.mark.parametrize("dtype", ["int64", "float64"])
def test_ctrl_c_interrupts_a_long_dense_solve(dtype):
    """SIGINT during a long dense solve raises KeyboardInterrupt promptly: the solver
    reads its cancel flag while it runs."""
    proc = subprocess.Popen(
        [sys.executable, "-c", DENSE_INTERRUPT_SCRIPT.format(dtype=dtype)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    threading.Event().wait(1.0)
    os.kill(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    out, err = proc.communicate(timeout=120)
    assert out.startswith("interrupted"), (out, err)
    assert "KeyboardInterrupt" not in err and "PanicException" not in err
    print(f"exited {time.monotonic() - sent:.3f} s after SIGINT")


_FORKED = textwrap.dedent(
    """
    import concurrent.futures, multiprocessing, sys, warnings
    import numpy as np, scipy.sparse as sp
    import aidmatch

    warnings.simplefilter("ignore", DeprecationWarning)  # 3.12+: fork with threads
    data = sys.argv[1]
    args = (data + "/needs.csv", data + "/supply.csv")
    weights = sp.random_array((3000, 2500), density=0.01, rng=np.random.default_rng(5), format="csr") * 100
    here = aidmatch.match(*args, as_of="2024-10-01").to_json()  # the parent's Rayon pool starts
    rows = aidmatch.max_weight_matching(weights)[0].tolist()
    fork = multiprocessing.get_context("fork")
    with concurrent.futures.ProcessPoolExecutor(1, mp_context=fork) as pool:
        there = pool.submit(aidmatch.match, *args, as_of="2024-10-01").result(timeout=60).to_json()
        rows_there = pool.submit(aidmatch.max_weight_matching, weights).result(timeout=60)[0].tolist()
    print("same" if (here, rows) == (there, rows_there) else "different")
    """
)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="this platform has no fork()")
def test_a_forked_child_runs_parallel_work():
    # A child that fork made after the parent's Rayon pool started inherits the pool
    # without its threads; aidmatch gives such a child a pool of its own. In its own
    # interpreter, so that a failure is a timeout here, not a hung test run.
    data = str(Path(__file__).resolve().parents[3] / "examples" / "data")
    p = subprocess.Popen(
        [sys.executable, "-c", _FORKED, data],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)  # the hung forked worker too
        p.communicate()
        pytest.fail("the forked child hung")
    assert p.returncode == 0, err
    assert out.strip() == "same"


def test_docstring_examples():
    """The examples in every public docstring run and print what they show."""
    import aidmatch._convert
    import aidmatch._engine

    flags = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE
    failures = 0
    tried = 0
    for module in (aidmatch, aidmatch.exceptions, aidmatch._convert, aidmatch._engine):
        r = doctest.testmod(module, optionflags=flags, verbose=False)
        failures += r.failed
        tried += r.attempted
    # Objects of the compiled module (their __module__ is not a Python file).
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=flags)
    for name, obj in (("linear_sum_assignment", aidmatch.linear_sum_assignment), ("Policy", aidmatch.Policy)):
        for test in finder.find(obj, name, globs={}):
            r = runner.run(test)
            failures += r.failed
            tried += r.attempted
    assert failures == 0
    assert tried >= 25


def test_stubs_match_the_compiled_module():
    """mypy.stubtest: _aidmatch.pyi declares exactly what the compiled module has."""
    r = subprocess.run(
        [sys.executable, "-m", "mypy.stubtest", "aidmatch._aidmatch"],
        capture_output=True,
        text=True,
        cwd=os.path.dirname(__file__),
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_package_is_typed():
    import importlib.resources

    assert importlib.resources.files("aidmatch").joinpath("py.typed").is_file()
    assert importlib.resources.files("aidmatch").joinpath("_aidmatch.pyi").is_file()


def test_package_type_checks_strictly():
    """mypy --strict on the installed pure-Python package (pandas has no stubs here)."""
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--ignore-missing-imports", "--no-incremental", "-p", "aidmatch"],
        capture_output=True,
        text=True,
        cwd=os.path.dirname(__file__),
    )
    assert r.returncode == 0, r.stdout + r.stderr


def test_records_of_a_dataframe_type_check(tmp_path):
    """``df.to_dict("records")`` is ``list[dict[Hashable, Any]]`` under pandas-stubs: the
    list arguments take it under ``mypy --strict``. A stand-in for pandas-stubs makes
    ``pd.DataFrame`` in aidmatch's hints a class (without stubs it is ``Any``, and any
    argument would pass)."""
    stubs = tmp_path / "stubs" / "pandas"
    stubs.mkdir(parents=True)
    (stubs / "__init__.pyi").write_text(
        "from typing import Any, Hashable\n"
        "class DataFrame:\n"
        "    def to_dict(self, orient: str) -> list[dict[Hashable, Any]]: ...\n"
        "def read_csv(path: str) -> DataFrame: ...\n"
    )
    user = tmp_path / "user.py"
    user.write_text(
        "from typing import Any, Mapping\n"
        "import pandas as pd\n"
        "import aidmatch\n"
        "needs = pd.read_csv('needs.csv').to_dict('records')\n"
        "supply: list[Mapping[str, Any]] = []\n"
        "r = aidmatch.match(needs, supply, exclusions=needs, as_of='2024-09-30')\n"
        "r2 = r.rematch(needs, needs=needs, supply=pd.read_csv('supply.csv'))\n"
        "aidmatch.UrgentDesk(r2).insert(needs)\n"
    )
    env = dict(os.environ, MYPYPATH=str(tmp_path / "stubs"))
    r = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--cache-dir", str(tmp_path / "cache"), str(user)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
    )
    assert r.returncode == 0, r.stdout + r.stderr
