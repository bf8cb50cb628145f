"""The closed loop from Python: MatchResult.rematch, insert_urgent, load_state,
against the command line's ``match --snapshot`` / ``rematch`` / ``urgent``."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
from pathlib import Path

import pandas as pd
import pytest

import aidmatch

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "examples" / "data"
AS_OF = "2024-10-01"
LATER = "2024-10-08"


@pytest.fixture(scope="module")
def cli() -> str:
    """The ``aidmatch`` command line: $AIDMATCH_CLI (run-tests.sh builds it), else built
    here with cargo into $CARGO_TARGET_DIR."""
    path = os.environ.get("AIDMATCH_CLI")
    if path:
        return path
    target = Path(os.environ.get("CARGO_TARGET_DIR", ROOT / "target"))
    subprocess.run(
        ["cargo", "build", "--release", "--locked", "-q", "-p", "aidmatch-cli"], cwd=ROOT, check=True
    )
    return str(target / "release" / "aidmatch")


def run_cli(cli: str, *args: str) -> None:
    p = subprocess.run([cli, *args, "--quiet"], capture_output=True, text=True)
    assert p.returncode == 0, p.stderr


@pytest.fixture(scope="module")
def first():
    return aidmatch.match(
        DATA / "needs.csv", DATA / "supply.csv", exclusions=DATA / "exclusions.csv", as_of=AS_OF
    )


def feedback(first) -> pd.DataFrame:
    """Two accepted, one declined by the provider, one declined by the recipient."""
    a = first.assignments
    assert len(a) >= 4
    rows = [
        (a.need_id[0], a.resource_id[0], "accepted", "", ""),
        (a.need_id[1], a.resource_id[1], "declined", "provider", "capacity"),
        (a.need_id[2], a.resource_id[2], "accepted", "", ""),
        (a.need_id[3], a.resource_id[3], "declined", "recipient", "unreachable"),
    ]
    return pd.DataFrame(
        [
            {"need_id": n, "resource_id": r, "status": s, "at": "2024-10-03", "note": "",
             "declined_by": b, "reason": why}
            for n, r, s, b, why in rows
        ]
    )


def new_needs() -> pd.DataFrame:
    needs = pd.read_csv(DATA / "needs.csv", dtype=str, keep_default_na=False)
    new = needs.head(2).copy()
    new["need_id"] = ["NEW-1", "NEW-2"]
    return new


def without(doc: dict, *keys: str) -> dict:
    return {k: v for k, v in doc.items() if k not in keys}


def test_first_run_has_no_changes(first):
    assert first.changes is None
    assert first.rematch_summary is None


def test_rematch_equals_the_cli(first, cli, tmp_path):
    # Round 1, both ways, with the state.
    first.to_dir(tmp_path / "py1", snapshot=True)
    run_cli(
        cli, "match", "--needs", str(DATA / "needs.csv"), "--supply", str(DATA / "supply.csv"),
        "--exclusions", str(DATA / "exclusions.csv"), "--as-of", AS_OF,
        "--out", str(tmp_path / "cli1"), "--snapshot",
    )
    for name in ("snapshot.json", "needs.json", "supply.json", "exclusions.json", "policy.toml",
                 "assignments.csv", "unmatched.csv", "referrals.csv"):
        assert (tmp_path / "py1" / name).read_bytes() == (tmp_path / "cli1" / name).read_bytes(), name

    # Round 2: feedback and new needs, as DataFrames in Python and as files for the CLI.
    outcomes, new = feedback(first), new_needs()
    outcomes.to_csv(tmp_path / "outcomes.csv", index=False)
    new.to_csv(tmp_path / "new.csv", index=False)
    second = first.rematch(outcomes, needs=new, as_of=LATER)
    second.to_dir(tmp_path / "py2")
    run_cli(
        cli, "rematch", "--previous", str(tmp_path / "cli1"), "--outcomes", str(tmp_path / "outcomes.csv"),
        "--needs", str(tmp_path / "new.csv"), "--as-of", LATER, "--out", str(tmp_path / "cli2"),
    )
    py2, cli2 = tmp_path / "py2", tmp_path / "cli2"
    for name in ("assignments.csv", "unmatched.csv", "referrals.csv", "changes.csv", "snapshot.json",
                 "needs.json", "supply.json", "exclusions.json", "policy.toml"):
        assert (py2 / name).read_bytes() == (cli2 / name).read_bytes(), name
    timing = ("solve_ms", "run_ms")
    assert without(json.loads((py2 / "rematch.json").read_text()), *timing) == without(
        json.loads((cli2 / "rematch.json").read_text()), *timing
    )
    py_summary = json.loads((py2 / "summary.json").read_text())
    cli_summary = json.loads((cli2 / "summary.json").read_text())
    assert py_summary.get("objective") == cli_summary.get("objective")
    assert py_summary["counts"] == cli_summary["counts"]

    # The DataFrames are those files.
    assert second.changes.fillna("").astype(str).equals(
        pd.read_csv(cli2 / "changes.csv", dtype=str, keep_default_na=False)
    )
    assert without(second.rematch_summary, *timing) == without(
        json.loads((cli2 / "rematch.json").read_text()), *timing
    )
    # What the loop promises: accepted pairs kept, declined pairs gone, new needs in.
    ch = second.changes.set_index("need_id")
    assert ch.loc[outcomes.need_id[0], "change"] == "kept"
    assert ch.loc[outcomes.need_id[2], "change"] == "kept"
    pairs = set(zip(second.assignments.need_id, second.assignments.resource_id))
    assert (outcomes.need_id[1], outcomes.resource_id[1]) not in pairs
    assert {"NEW-1", "NEW-2"} <= set(ch.index)

    # From the CLI's stored state, through load_state: the same round 2.
    again = aidmatch.load_state(tmp_path / "cli1").rematch(
        tmp_path / "outcomes.csv", needs=tmp_path / "new.csv", as_of=LATER
    )
    assert again.to_json() == second.to_json()
    # Cold gives the same optimum (tier counts, then total score; which of several
    # optimal pairings is returned may differ).
    cold = first.rematch(outcomes, needs=new, as_of=LATER, warm=False)
    optimum = ("assigned_by_tier", "total_score")
    assert [cold.summary["objective"][k] for k in optimum] == [second.summary["objective"][k] for k in optimum]
    assert cold.rematch_summary["warm"]["mode"] == "cold"


def emergency(first) -> dict:
    """A copy of a matched need under a new id and household, now an emergency."""
    needs = pd.read_csv(DATA / "needs.csv", dtype=str, keep_default_na=False)
    matched = set(first.assignments.need_id)
    row = needs[needs.need_id.isin(matched)].iloc[0].to_dict()
    row.update(need_id="URG-1", household_id="H-URG-1", urgency="emergency")
    return row


def test_insert_urgent_places_an_emergency_need(first, cli, tmp_path):
    need = emergency(first)
    u = first.insert_urgent(need, as_of="2024-10-02")
    assert u.need_id == "URG-1"
    assert u.mode in ("free_place", "displaced")
    assert u.resource_id is not None and u.score is not None and u.reason is None
    assert list(u.changes.columns) == ["need_id", "change", "previous_resource_id", "resource_id"]
    # The same insertion through the CLI: the same urgent.json and next state.
    first.to_dir(tmp_path / "r1", snapshot=True)
    pd.DataFrame([need]).to_csv(tmp_path / "one.csv", index=False)
    run_cli(cli, "urgent", "--previous", str(tmp_path / "r1"), "--need", str(tmp_path / "one.csv"),
            "--as-of", "2024-10-02", "--out", str(tmp_path / "cli"))
    u.to_dir(tmp_path / "py")
    report = json.loads((tmp_path / "cli" / "urgent.json").read_text())
    assert without(report, "insert_ms") == without(u.to_dict(), "insert_ms")
    assert (tmp_path / "py" / "snapshot.json").read_bytes() == (tmp_path / "cli" / "snapshot.json").read_bytes()
    # The need now holds a proposal in the state: the next emergency cannot reuse its id.
    with pytest.raises(aidmatch.InputError, match="URG-1"):
        u.insert_urgent(need, as_of="2024-10-02")
    # And the loop goes on from the state after the insertion.
    after = u.rematch([], as_of=LATER)
    assert "URG-1" in set(after.changes.need_id)


def test_insert_urgent_takes_one_need_in_any_form(first, tmp_path):
    need = emergency(first)
    as_frame = first.insert_urgent(pd.DataFrame([need]), as_of="2024-10-02")
    as_list = first.insert_urgent([need], as_of="2024-10-02")
    as_dict = first.insert_urgent(need, as_of="2024-10-02")
    assert as_frame.to_dict()["resource_id"] == as_list.resource_id == as_dict.resource_id
    with pytest.raises(aidmatch.InputError, match="exactly one need"):
        first.insert_urgent([need, dict(need, need_id="URG-2")], as_of="2024-10-02")


def test_invalid_transition_is_an_outcome_error_naming_need_and_resource(first):
    a = first.assignments
    need, res = a.need_id[1], a.resource_id[1]
    # Delivered after having been declined.
    bad = [{"need_id": need, "resource_id": res, "status": "declined", "at": "2024-10-03"},
           {"need_id": need, "resource_id": res, "status": "delivered", "at": "2024-10-04"}]
    with pytest.raises(aidmatch.OutcomeError) as info:
        first.rematch(bad, as_of=LATER)
    e = info.value
    assert isinstance(e, aidmatch.InputError) and isinstance(e, ValueError)
    assert (e.need_id, e.resource_id) == (need, res)
    assert need in str(e) and res in str(e)
    assert e.row == 2 and e.column == "status" and e.value == "delivered"
    # A second answer after a decline.
    twice = [
        {"need_id": need, "resource_id": res, "status": "declined", "at": "2024-10-03",
         "declined_by": "provider", "reason": "capacity"},
        {"need_id": need, "resource_id": res, "status": "accepted", "at": "2024-10-04"},
    ]
    with pytest.raises(aidmatch.OutcomeError) as info:
        first.rematch(twice, as_of=LATER)
    assert (info.value.need_id, info.value.row) == (need, 2)
    # A pair that was never proposed.
    other = next(r for r in a.resource_id if r != res)
    never = [{"need_id": need, "resource_id": other, "status": "accepted", "at": "2024-10-03"}]
    with pytest.raises(aidmatch.OutcomeError) as info:
        first.rematch(never, as_of=LATER)
    assert (info.value.need_id, info.value.resource_id, info.value.column) == (need, other, "resource_id")


def test_bad_rematch_arguments(first, tmp_path):
    with pytest.raises(aidmatch.InputError):
        first.rematch([], as_of="2024-13-01")
    with pytest.raises(aidmatch.InputTypeError):
        first.rematch([], policy="strict")  # type: ignore[arg-type]
    with pytest.raises(aidmatch.InputError) as info:
        first.rematch([{"need_id": "N1", "status": "accepted"}], as_of=LATER)
    assert info.value.problems  # the missing column, located
    with pytest.raises(aidmatch.FileError):
        aidmatch.load_state(tmp_path / "nothing-here")


def test_state_json_round_trip_and_to_dir(first, tmp_path):
    """The state document (as the C ABI exchanges it) from a result, a stored state and
    an insertion reads back into a state that re-matches as the original does."""
    text = first.state_json()
    assert text.startswith('{"format":"aidmatch-state-v1"')
    loaded = aidmatch.state_from_json(text)
    assert isinstance(loaded, aidmatch.LoopState)
    assert (loaded.run_date, loaded.needs, loaded.pairs) == (AS_OF, 300, len(first.assignments))
    assert repr(loaded) == f"LoopState(run_date='{AS_OF}', needs=300, pairs={len(first.assignments)})"
    assert loaded.state_json() == text
    outcomes = feedback(first)
    direct = first.rematch(outcomes, as_of=LATER)
    assert loaded.rematch(outcomes, as_of=LATER).to_json() == direct.to_json()
    # The next state of a re-match and the state after an insertion, likewise.
    nxt = aidmatch.state_from_json(direct.state_json())
    assert nxt.rematch([], as_of="2024-10-15").to_json() == direct.rematch([], as_of="2024-10-15").to_json()
    u = first.insert_urgent(emergency(first), as_of="2024-10-02")
    assert aidmatch.state_from_json(u.state_json()).state_json() == u.state_json()
    # A state read from text writes the same folder a result writes.
    first.to_dir(tmp_path / "from-result", snapshot=True)
    loaded.to_dir(tmp_path / "from-text")
    for name in ["snapshot.json", "needs.json", "supply.json", "exclusions.json", "policy.toml"]:
        assert (tmp_path / "from-text" / name).read_bytes() == (tmp_path / "from-result" / name).read_bytes(), name
    assert aidmatch.load_state(tmp_path / "from-text").state_json() == text
    # A state pickles as its document (multiprocessing, joblib, notebook caches).
    again = pickle.loads(pickle.dumps(loaded))
    assert isinstance(again, aidmatch.LoopState) and again.state_json() == text


def test_a_first_round_pickles_and_a_re_match_says_what_to_pickle(first):
    again = pickle.loads(pickle.dumps(first))
    assert isinstance(again, aidmatch.MatchResult)
    assert again.to_json() == first.to_json()
    assert again.state_json() == first.state_json()
    for need in first.assignments.need_id[:3].tolist() + first.unmatched.need_id[:3].tolist():
        assert again.explain(need) == first.explain(need)
    outcomes = feedback(first)
    assert again.rematch(outcomes, as_of=LATER).to_json() == first.rematch(outcomes, as_of=LATER).to_json()
    # A re-match's result would need the round before it: a clear TypeError naming the way.
    with pytest.raises(TypeError, match="state_json"):
        pickle.dumps(first.rematch(outcomes, as_of=LATER))
    # A document that does not give its pairs again (changed after the run) is refused.
    text = first.state_json()
    assert text.count('"status":"proposed"') >= 1
    tampered = text.replace('"status":"proposed"', '"status":"accepted"', 1)
    with pytest.raises(aidmatch.InputError, match="does not reproduce"):
        aidmatch._engine._result_from_state_json(tampered, 10**6)


def test_an_urgent_result_says_what_to_pickle(first):
    """It cannot pickle (its report is not read back); the TypeError says what does."""
    import copy

    u = first.insert_urgent(emergency(first), as_of="2024-10-02")
    for attempt in (pickle.dumps, copy.copy, copy.deepcopy):
        with pytest.raises(TypeError, match=r"state_from_json\(result.state_json\(\)\).*to_dict\(\)"):
            attempt(u)
    # What it names does pickle, and goes on as the result would.
    state = pickle.loads(pickle.dumps(aidmatch.state_from_json(u.state_json())))
    assert state.rematch([], as_of=LATER).to_json() == u.rematch([], as_of=LATER).to_json()
    assert pickle.loads(pickle.dumps(u.to_dict())) == u.to_dict()


def test_a_result_comes_back_from_another_process():
    # As Dask, Ray or multiprocessing return it: pickled in the worker, restored here.
    # (A fresh interpreter: test_runtime.py tests a forked child.)
    import concurrent.futures
    import multiprocessing

    with concurrent.futures.ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        remote = pool.submit(
            aidmatch.match, str(DATA / "needs.csv"), str(DATA / "supply.csv"), exclusions=str(DATA / "exclusions.csv"), as_of=AS_OF
        ).result()
    here = aidmatch.match(DATA / "needs.csv", DATA / "supply.csv", exclusions=DATA / "exclusions.csv", as_of=AS_OF)
    assert remote.to_json() == here.to_json()


def test_bad_state_json_is_an_input_error(first):
    text = first.state_json()
    with pytest.raises(aidmatch.InputError):
        aidmatch.state_from_json(text[: len(text) // 2])
    with pytest.raises(aidmatch.InputError, match="format"):
        aidmatch.state_from_json(text.replace("aidmatch-state-v1", "aidmatch-state-v0"))
    with pytest.raises(aidmatch.InputError) as info:
        aidmatch.state_from_json(text.replace('"category":"', '"category":"space_travel_', 1))
    assert info.value.column == "category"
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.state_from_json(text.encode())  # type: ignore[arg-type]
