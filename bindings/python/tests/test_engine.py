"""aidmatch.match, Policy and MatchResult on the spec's example lists."""

from __future__ import annotations

import csv
import datetime as dt
import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest

import aidmatch
from aidmatch._engine import ASSIGNMENT_COLUMNS, REFERRAL_COLUMNS, UNMATCHED_COLUMNS

# The spec's example lists, shipped with the engine's own tests.
DATA = Path(__file__).resolve().parents[3] / "crates" / "aidmatch" / "tests" / "data" / "spec-example"
AS_OF = "2024-09-30"


def paths():
    return DATA / "needs.csv", DATA / "supply.csv", DATA / "exclusions.csv"


@pytest.fixture(scope="module")
def by_path():
    needs, supply, excl = paths()
    return aidmatch.match(needs, supply, exclusions=excl, as_of=AS_OF)


def read_dicts(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def test_example_runs(by_path):
    r = by_path
    assert len(r.assignments) + len(r.unmatched) == 8  # every need is accounted for
    assert set(r.assignments["need_id"]).isdisjoint(set(r.unmatched["need_id"]))
    assert r.summary["run_date"] == AS_OF
    assert r.summary["counts"]["needs"] == 8
    # Conflict of interest: H1003 (N004) must not be served by CADRE-0307.
    pairs = set(zip(r.assignments["household_id"], r.assignments["provider_id"]))
    assert ("H1003", "CADRE-0307") not in pairs


def test_table_columns_are_the_engines(by_path):
    doc = json.loads(by_path.to_json())
    assert list(doc["assignments"][0]) == ASSIGNMENT_COLUMNS
    assert list(doc["unmatched"][0]) == UNMATCHED_COLUMNS
    assert list(doc["referrals"][0]) == REFERRAL_COLUMNS
    assert list(by_path.assignments.columns) == ASSIGNMENT_COLUMNS
    assert by_path.records("assignments") == doc["assignments"]
    with pytest.raises(KeyError):
        by_path.records("nope")


@pytest.mark.parametrize(
    "convert",
    [
        pytest.param(lambda p: pd.read_csv(p, dtype=str, keep_default_na=False), id="dataframe-str"),
        pytest.param(lambda p: pd.read_csv(p), id="dataframe-inferred"),
        pytest.param(read_dicts, id="list-of-dicts"),
        pytest.param(str, id="str-path"),
    ],
)
def test_input_forms_give_the_same_result(by_path, convert):
    needs, supply, excl = paths()
    r = aidmatch.match(convert(needs), convert(supply), exclusions=convert(excl), as_of=AS_OF)
    assert r.to_json() == by_path.to_json()


def test_json_files_and_python_values(tmp_path, by_path):
    needs = read_dicts(DATA / "needs.csv")
    supply = read_dicts(DATA / "supply.csv")
    for path, rows in (("needs.json", needs), ("supply.json", supply)):
        (tmp_path / path).write_text(json.dumps(rows, ensure_ascii=False), encoding="utf-8")
    r = aidmatch.match(
        tmp_path / "needs.json", tmp_path / "supply.json", exclusions=DATA / "exclusions.csv", as_of=AS_OF
    )
    assert r.to_json() == by_path.to_json()
    # DataFrame with real dates, bools and list cells.
    df = pd.read_csv(DATA / "needs.csv", dtype=str, keep_default_na=False)
    df["reported_at"] = pd.to_datetime(df["reported_at"])
    df["statuses"] = df["statuses"].map(lambda s: s.replace("；", ";").split(";"))
    r2 = aidmatch.match(df, supply, exclusions=DATA / "exclusions.csv", as_of=dt.date(2024, 9, 30))
    assert r2.to_json() == by_path.to_json()


def test_to_dir(tmp_path, by_path):
    out = tmp_path / "out"
    by_path.to_dir(out)
    assert sorted(os.listdir(out)) == ["assignments.csv", "referrals.csv", "summary.json", "unmatched.csv"]
    written = pd.read_csv(out / "assignments.csv", dtype=str)
    assert list(written.columns) == ASSIGNMENT_COLUMNS
    assert written["need_id"].tolist() == by_path.assignments["need_id"].tolist()
    assert json.loads((out / "summary.json").read_text(encoding="utf-8")) == by_path.summary


def test_to_dir_failure_is_a_file_error(tmp_path, by_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    with pytest.raises(aidmatch.FileError) as e:
        by_path.to_dir(blocker)
    assert isinstance(e.value, OSError) and isinstance(e.value, aidmatch.AidmatchError)
    assert "a-file" in str(e.value)


def test_explain(by_path):
    matched = by_path.assignments["need_id"].iloc[0]
    e = by_path.explain(matched)
    assert e["need_id"] == matched and e["assignment"]["need_id"] == matched and e["unmatched"] is None
    unmatched = by_path.unmatched["need_id"].iloc[0]
    e = by_path.explain(unmatched)
    assert e["assignment"] is None and e["unmatched"]["reason"] == by_path.unmatched["reason"].iloc[0]
    with pytest.raises(KeyError):
        by_path.explain("NO-SUCH-NEED")


def test_policy_roundtrip_and_file(tmp_path):
    p = aidmatch.Policy.default()
    assert p == aidmatch.Policy.from_text(p.to_toml())
    assert len(p.digest) == 64 and "Policy(" in repr(p)
    f = tmp_path / "policy.toml"
    f.write_text(p.to_toml(), encoding="utf-8")
    q = aidmatch.Policy.from_file(f)
    assert q == p and q.digest == p.digest
    needs, supply, excl = paths()
    r = aidmatch.match(needs, supply, exclusions=excl, policy=q, as_of=AS_OF)
    assert r.summary["policy_sha256"] == p.digest


def test_policy_pickles_and_copies(tmp_path):
    """For ProcessPoolExecutor.map(partial(run, policy=policy), ...), joblib, deepcopy:
    through its TOML text, to the same policy (the same digest)."""
    import copy
    import functools
    import multiprocessing
    import pickle
    from concurrent.futures import ProcessPoolExecutor

    text = aidmatch.Policy.default().to_toml()
    changed = re.sub(r"(?m)^(\w+\s*=\s*)(\d+)$", lambda m: m.group(1) + str(int(m.group(2)) + 1), text, count=2)
    assert changed != text
    for p in (aidmatch.Policy.default(), aidmatch.Policy.from_text(changed)):
        for again in (pickle.loads(pickle.dumps(p)), copy.copy(p), copy.deepcopy(p)):
            assert isinstance(again, aidmatch.Policy) and again == p and again.digest == p.digest
    p = aidmatch.Policy.from_text(changed)
    needs, supply, excl = paths()
    run = functools.partial(aidmatch.match, needs, supply, exclusions=excl, policy=p)
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        remote = pool.submit(run, as_of=AS_OF).result()
    assert remote.summary["policy_sha256"] == p.digest
    assert remote.to_json() == run(as_of=AS_OF).to_json()


def test_policy_errors(tmp_path):
    with pytest.raises(aidmatch.PolicyError) as e:
        aidmatch.Policy.from_text('version = "x"\nno_such_key = 1\n')
    assert isinstance(e.value, ValueError) and isinstance(e.value, aidmatch.InputError)
    assert e.value.value == "no_such_key" and e.value.row == 2
    with pytest.raises(aidmatch.PolicyError):
        aidmatch.Policy.from_text("{ not json")
    with pytest.raises(aidmatch.FileError) as e:
        aidmatch.Policy.from_file(tmp_path / "missing.toml")
    assert isinstance(e.value, OSError) and "missing.toml" in str(e.value)


def test_input_problems_are_all_reported():
    needs = pd.read_csv(DATA / "needs.csv", dtype=str, keep_default_na=False)
    needs.loc[2, "urgency"] = "very"
    needs.loc[4, "region"] = "xx"
    supply = read_dicts(DATA / "supply.csv")
    supply[0]["capacity"] = "-3"
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.match(needs, supply, as_of=AS_OF)
    err = e.value
    # Spreadsheet rows: header = 1, so the DataFrame's row 2 is row 4.
    assert (err.row, err.column, err.value) == (4, "urgency", "very")
    kinds = {(p["file"], p["row"], p["column"], p["kind"]) for p in err.problems}
    assert ("needs", 4, "urgency", "unknown_value") in kinds
    assert any(p["file"] == "needs" and p["row"] == 6 and p["column"] == "region" for p in err.problems)
    assert any(p["file"] == "supply" and p["column"] == "capacity" for p in err.problems)


def test_missing_column_and_file_errors(tmp_path):
    needs = pd.read_csv(DATA / "needs.csv", dtype=str).drop(columns=["category"])
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.match(needs, DATA / "supply.csv", as_of=AS_OF)
    assert any(p["kind"] == "missing_column" and p["column"] == "category" for p in e.value.problems)
    with pytest.raises(aidmatch.InputError):
        aidmatch.match(DATA / "needs.txt", DATA / "supply.csv", as_of=AS_OF)
    with pytest.raises(aidmatch.FileError) as missing:  # as match's docstring says
        aidmatch.match(tmp_path / "none.csv", DATA / "supply.csv", as_of=AS_OF)
    assert isinstance(missing.value, OSError) and "none.csv" in str(missing.value)
    bad = tmp_path / "bad.json"
    bad.write_text("{not an array", encoding="utf-8")
    with pytest.raises(aidmatch.InputError):
        aidmatch.match(bad, DATA / "supply.csv", as_of=AS_OF)


def test_readme_example_of_the_two_lists_runs(monkeypatch):
    """The README's example names the files it uses, and explain("N003") is one of
    their needs (from the repository's root, as the README says)."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    code = re.findall(r"```python\n(.*?)```", readme, flags=re.S)[0]
    written = []
    monkeypatch.setattr(aidmatch.MatchResult, "to_dir", lambda self, path, **kw: written.append(path))
    monkeypatch.chdir(Path(__file__).resolve().parents[3])
    scope: dict = {}
    exec(compile(code, "README.md", "exec"), scope)
    assert scope["result"].explain("N003")["need_id"] == "N003" and written == ["out/"]


def test_argument_errors():
    needs, supply, _ = paths()
    with pytest.raises(aidmatch.InputError):
        aidmatch.match(needs, supply, as_of="2024-02-30")
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.match(needs, supply, as_of=20240930)  # type: ignore[arg-type]
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.match(needs, supply, policy="strict", as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.match(b"need_id\n", supply, as_of=AS_OF)  # type: ignore[arg-type]
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.match([1, 2], supply, as_of=AS_OF)  # type: ignore[list-item]


def test_as_of_changes_validity(by_path):
    needs, supply, excl = paths()
    later = aidmatch.match(needs, supply, exclusions=excl, as_of="2026-01-01")
    # Every resource of the example has expired by 2026 except R03 (to 2025-06-30: no).
    assert len(later.assignments) < len(by_path.assignments)
    assert "expired" in set(later.unmatched["reason"])


def test_runs_in_parallel_threads(by_path):
    needs, supply, excl = paths()
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(lambda _: aidmatch.match(needs, supply, exclusions=excl, as_of=AS_OF).to_json(), range(8)))
    assert all(r == by_path.to_json() for r in results)


MATCH_INTERRUPT_SCRIPT = """
import sys, time, pandas as pd, aidmatch
import signal; signal.signal(signal.SIGINT, signal.default_int_handler)  # even if started with SIGINT ignored
data = sys.argv[1]
needs = pd.read_csv(data + "/needs.csv", dtype=str, keep_default_na=False)
supply = pd.read_csv(data + "/supply.csv", dtype=str, keep_default_na=False)
# 80,000 needs and 400 resources in the same few places: a dense network that takes
# the engine seconds (about 9 s on the development machine with the solver of November
# 2026; 20,000 needs took 20 s before its searches were bounded, and under 1 s after,
# which let the run finish before the test's Ctrl-C).
big = pd.concat([needs] * 10000, ignore_index=True)
big["need_id"] = [f"N{i:07d}" for i in range(len(big))]
big["household_id"] = [f"H{i:07d}" for i in range(len(big))]
res = pd.concat([supply] * 57, ignore_index=True)
res["resource_id"] = [f"R{i:06d}" for i in range(len(res))]
print("ready", flush=True)
try:
    aidmatch.match(big, res, as_of="2024-09-30")
except KeyboardInterrupt:
    print("interrupted", flush=True)
    sys.exit(0)
print("finished", flush=True)
"""


def test_ctrl_c_interrupts_a_long_match():
    import signal
    import subprocess
    import sys
    import threading

    proc = subprocess.Popen(
        [sys.executable, "-c", MATCH_INTERRUPT_SCRIPT, str(DATA)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "ready"
    threading.Event().wait(0.5)
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert out.strip() == "interrupted", (out, err)
