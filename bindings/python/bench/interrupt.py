"""How soon Ctrl-C stops aidmatch.match and MatchResult.rematch.

    python bindings/python/bench/interrupt.py [delay_seconds ...]

A child process builds the workload of tests/test_engine.py's Ctrl-C test (the
spec's example lists repeated: 80,000 needs and 456 resources in the same few
places), starts a run and reports when ``KeyboardInterrupt`` reached it; this
process sends SIGINT after each delay (default 0.2 to 5 s, so that the signal falls
into different phases of the run) and prints the latency, or ``finished`` when the
run ended first. The re-match adds 60,000 needs to a first round of 20,000.
POSIX only (SIGINT to a child).
"""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DATA = Path(__file__).resolve().parents[3] / "crates" / "aidmatch" / "tests" / "data" / "spec-example"

CHILD = r"""
import signal, sys, time
import pandas as pd
import aidmatch

signal.signal(signal.SIGINT, signal.default_int_handler)
data, what = sys.argv[1], sys.argv[2]
needs = pd.read_csv(data + "/needs.csv", dtype=str, keep_default_na=False)
supply = pd.read_csv(data + "/supply.csv", dtype=str, keep_default_na=False)
big = pd.concat([needs] * 10000, ignore_index=True)
big["need_id"] = [f"N{i:07d}" for i in range(len(big))]
big["household_id"] = [f"H{i:07d}" for i in range(len(big))]
res = pd.concat([supply] * 57, ignore_index=True)
res["resource_id"] = [f"R{i:06d}" for i in range(len(res))]
if what == "rematch":
    first = aidmatch.match(big.head(20000), res, as_of="2024-09-30")
    run = lambda: first.rematch([], needs=big.iloc[20000:], as_of="2024-10-07")
else:
    run = lambda: aidmatch.match(big, res, as_of="2024-09-30")
print("ready", flush=True)
try:
    run()
except KeyboardInterrupt:
    print("interrupted", time.monotonic(), flush=True)
else:
    print("finished", time.monotonic(), flush=True)
"""


def latency(what: str, delay: float) -> str:
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(DATA), what], stdout=subprocess.PIPE, text=True
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready"
    time.sleep(delay)
    sent = time.monotonic()
    os.kill(child.pid, signal.SIGINT)
    outcome, at = child.stdout.read().split()
    child.wait()
    # time.monotonic is system-wide on Linux and macOS: comparable across processes.
    return f"{float(at) - sent:.3f} s" if outcome == "interrupted" else "finished"


def main() -> None:
    delays = [float(x) for x in sys.argv[1:]] or [0.2, 0.5, 1.0, 2.0, 3.0, 4.0, 5.0]
    for what in ("match", "rematch"):
        for delay in delays:
            print(f"{what:8} SIGINT at {delay:4.1f} s: {latency(what, delay)}", flush=True)


if __name__ == "__main__":
    main()
