"""The emergency desk from Python: the same outcomes and state as successive
``insert_urgent`` calls, every way to open it, refusals, threads."""

from __future__ import annotations

import threading
from pathlib import Path

import pandas as pd
import pytest

import aidmatch

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "examples" / "data"
AS_OF = "2024-10-01"
DAY = "2024-10-02"


@pytest.fixture(scope="module")
def first() -> aidmatch.MatchResult:
    return aidmatch.match(
        DATA / "needs.csv", DATA / "supply.csv", exclusions=DATA / "exclusions.csv", as_of=AS_OF
    )


def emergencies(first: aidmatch.MatchResult) -> list:
    """Copies of matched needs as emergencies: new ids, households shared by two or
    three needs (the household limit), one id repeated (a duplicate), and one need of
    the round's own ids (a duplicate too)."""
    needs = pd.read_csv(DATA / "needs.csv", dtype=str, keep_default_na=False)
    matched = needs[needs.need_id.isin(set(first.assignments.need_id))]
    out = []
    for k in range(12):
        row = matched.iloc[k % len(matched)].to_dict()
        row.update(need_id=f"URG-{k}", household_id=f"H-URG-{k // 3}", urgency="emergency")
        out.append(row)
    out.insert(5, dict(out[1]))
    out.insert(8, dict(out[2], need_id=str(matched.need_id.iloc[0])))
    return out


def without_timing(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "insert_ms"}


def test_a_desk_gives_what_successive_insert_urgent_calls_give(first, tmp_path):
    desk = aidmatch.UrgentDesk(first, as_of=DAY)
    assert desk.as_of == DAY
    start = desk.needs
    owner = first
    outcomes = []
    for need in emergencies(first):
        try:
            by_call = owner.insert_urgent(need, as_of=DAY)
        except aidmatch.InputError as e:
            with pytest.raises(aidmatch.InputError) as info:
                desk.insert(need)
            assert str(info.value) == str(e)
            assert (info.value.column, info.value.value) == ("need_id", need["need_id"])
            outcomes.append("duplicate")
            continue
        by_desk = desk.insert(need)
        assert isinstance(by_desk, aidmatch.DeskOutcome)
        assert without_timing(by_desk.to_dict()) == without_timing(by_call.to_dict())
        assert by_desk.insert_ms >= 0
        owner = by_call
        outcomes.append(by_desk.reason or by_desk.mode)
    assert outcomes.count("duplicate") == 2
    assert "household_limit" in outcomes
    assert "free_place" in outcomes
    assert desk.needs == start + 12
    # The same next state, byte for byte.
    desk.to_dir(tmp_path / "desk")
    owner.to_dir(tmp_path / "calls")
    for name in ("snapshot.json", "needs.json", "supply.json", "exclusions.json", "policy.toml"):
        assert (tmp_path / "desk" / name).read_bytes() == (tmp_path / "calls" / name).read_bytes(), name
    assert "urgent.json" not in {p.name for p in (tmp_path / "desk").iterdir()}


def test_every_way_to_open_a_desk(first, tmp_path):
    u = first.insert_urgent(emergencies(first)[0], as_of=DAY)
    u.to_dir(tmp_path / "state")
    from_result = aidmatch.UrgentDesk(u, as_of=DAY)
    from_folder = aidmatch.UrgentDesk(tmp_path / "state", as_of=DAY)
    from_str = aidmatch.UrgentDesk(str(tmp_path / "state"), as_of=DAY)
    from_loaded = aidmatch.UrgentDesk(aidmatch.load_state(tmp_path / "state"), as_of=DAY)
    need = emergencies(first)[3]
    docs = [without_timing(d.insert(need).to_dict()) for d in (from_result, from_folder, from_str, from_loaded)]
    assert all(doc == docs[0] for doc in docs)
    # The desk's state goes on as any loop state.
    state = from_result.state
    assert isinstance(state, aidmatch.LoopState)
    after = state.rematch([], as_of="2024-10-08")
    assert {"URG-0", "URG-3"} <= set(after.changes.need_id)
    assert "UrgentDesk(as_of='2024-10-02'" in repr(from_result)


def test_refusals(first, tmp_path):
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.UrgentDesk({"need_id": "x"}, as_of=DAY)  # type: ignore[arg-type]
    with pytest.raises(aidmatch.InputError):
        aidmatch.UrgentDesk(first, as_of="2024-13-01")
    with pytest.raises(aidmatch.FileError):
        aidmatch.UrgentDesk(tmp_path / "nothing-here", as_of=DAY)
    desk = aidmatch.UrgentDesk(first, as_of=DAY)
    before = desk.needs
    need = emergencies(first)[0]
    with pytest.raises(aidmatch.InputError, match="exactly one need"):
        desk.insert([need, dict(need, need_id="URG-X")])
    with pytest.raises(aidmatch.InputError) as info:
        desk.insert(dict(need, urgency="yesterday"))
    assert info.value.column == "urgency"
    with pytest.raises(aidmatch.InputTypeError):
        desk.insert(b"need_id,household_id")
    assert desk.needs == before
    desk.insert(need)
    with pytest.raises(aidmatch.InputError, match=need["need_id"]):
        desk.insert(need)
    assert desk.needs == before + 1


def test_threads_share_one_desk(first):
    desk = aidmatch.UrgentDesk(first, as_of=DAY)
    base = emergencies(first)[0]
    results: list = []
    errors: list = []

    def worker(t: int) -> None:
        try:
            for k in range(5):
                need = dict(base, need_id=f"T{t}-{k}", household_id=f"HT{t}-{k}")
                results.append(desk.insert(need).need_id)
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(4)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    assert errors == []
    assert sorted(results) == sorted(f"T{t}-{k}" for t in range(4) for k in range(5))
    assert desk.needs == len(pd.read_csv(DATA / "needs.csv")) + 20
