"""Privacy (issue 8): personal values in extra columns never leave aidmatch.

The needs list of a county often carries more than the spec's fields: ID card numbers
(身份证号, 18 digits), phone numbers, names. aidmatch must read past them and never
echo them: not in the result tables, the summary, explanations, written files, the
loop's state and changes, exception messages, logs, or anything printed.
And a run beyond a documented limit raises LimitError naming it.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pandas as pd
import pytest

import aidmatch

DATA = Path(__file__).resolve().parents[3] / "examples" / "data"
AS_OF = "2024-10-01"


def personal_values(n: int, salt: int):
    """Distinct ID-card-like and phone-like strings, one per row (checksums aside, they
    have the shape of real ones: a Xi'an division code and a birth date; 138 numbers)."""
    ids = [f"610102{1950 + (i % 60):04d}{1 + i % 12:02d}{1 + i % 28:02d}{(salt * 1000 + i) % 10000:04d}"
           for i in range(n)]
    phones = [f"13{8 - salt % 3}{(salt * 7919 + i) % 100_000_000:08d}" for i in range(n)]
    assert all(len(x) == 18 for x in ids) and all(len(x) == 11 for x in phones)
    return ids, phones


@pytest.fixture(scope="module")
def lists():
    needs = pd.read_csv(DATA / "needs.csv", dtype=str, keep_default_na=False)
    supply = pd.read_csv(DATA / "supply.csv", dtype=str, keep_default_na=False)
    ids, phones = personal_values(len(needs), 1)
    needs["id_card"], needs["phone"], needs["身份证号"] = ids, phones, ids
    s_ids, s_phones = personal_values(len(supply), 2)
    supply["contact_phone"], supply["contact_id_card"] = s_phones, s_ids
    secrets = set(ids) | set(phones) | set(s_ids) | set(s_phones)
    # Fragments too: a masked or truncated form must not appear either (the last 8
    # digits of an ID card are the birth date and a serial; of a phone, the subscriber).
    fragments = {x[-8:] for x in secrets}
    return needs, supply, secrets, fragments


def assert_clean(text: str, secrets, fragments, where: str) -> None:
    # Fragments are 8 digits: leave out decimal numbers (timings such as
    # "run_ms": 12.3456789012), where such digits can occur by chance.
    digits = re.sub(r"\d+\.\d+", "", text)
    leaked = [s for s in secrets if s in text] + [f for f in fragments if f in digits]
    assert not leaked, f"{where} contains personal values: {leaked[:5]}"


def test_no_personal_value_leaves_the_engine(lists, tmp_path, capfd, caplog):
    needs, supply, secrets, fragments = lists
    caplog.set_level(logging.DEBUG)
    result = aidmatch.match(needs, supply, exclusions=DATA / "exclusions.csv", as_of=AS_OF)
    seen = []
    for name in ("assignments", "unmatched", "referrals"):
        frame = getattr(result, name)
        seen.append((name, frame.to_csv(index=False) + " ".join(map(str, frame.columns))))
    seen.append(("summary", json.dumps(result.summary, ensure_ascii=False)))
    seen.append(("to_json", result.to_json()))
    seen.append(("repr", repr(result)))
    for need_id in needs.need_id:
        seen.append((f"explain({need_id})", json.dumps(result.explain(need_id), ensure_ascii=False)))
    result.to_dir(tmp_path / "round1", snapshot=True)

    # The loop: feedback with a phone in a note column it does not know, an emergency
    # need with an ID card, a re-match; all of it written.
    a = result.assignments
    outcomes = pd.DataFrame([
        {"need_id": a.need_id[0], "resource_id": a.resource_id[0], "status": "accepted",
         "at": "2024-10-03", "caller_phone": needs.phone[0]},
        {"need_id": a.need_id[1], "resource_id": a.resource_id[1], "status": "declined",
         "at": "2024-10-03", "declined_by": "provider", "reason": "capacity", "caller_phone": needs.phone[1]},
    ])
    urgent_need = needs.iloc[0].to_dict()
    urgent_need.update(need_id="URG-1", household_id="H-URG-1", urgency="emergency")
    u = result.insert_urgent(urgent_need, as_of="2024-10-02")
    u.to_dir(tmp_path / "urgent")
    seen.append(("urgent", json.dumps(u.to_dict(), ensure_ascii=False) + u.changes.to_csv() + repr(u)))
    second = result.rematch(outcomes, needs=needs.head(3).assign(need_id=["NEW-1", "NEW-2", "NEW-3"]),
                            as_of="2024-10-08")
    second.to_dir(tmp_path / "round2")
    seen.append(("rematch", second.to_json() + second.changes.to_csv()
                 + json.dumps(second.rematch_summary, ensure_ascii=False)))

    # Errors on rows that carry personal values: the message, the problems and the
    # attributes locate the fault without echoing the row.
    bad = needs.head(5).copy()
    bad.loc[2, "category"] = "not-a-category"
    bad.loc[3, "quantity"] = "-5"
    with pytest.raises(aidmatch.InputError) as info:
        aidmatch.match(bad, supply, as_of=AS_OF)
    e = info.value
    seen.append(("InputError", str(e) + repr(e.args) + json.dumps(e.problems, ensure_ascii=False)
                 + repr((e.row, e.column, e.value))))
    assert len(e.problems) >= 2  # the test must exercise real errors
    with pytest.raises(aidmatch.OutcomeError) as info:
        result.rematch([{"need_id": a.need_id[1], "resource_id": a.resource_id[1], "status": status,
                         "at": "2024-10-03", "caller_phone": needs.phone[1]}
                        for status in ("declined", "delivered")], as_of="2024-10-08")
    seen.append(("OutcomeError", str(info.value) + repr(vars(info.value))))

    written = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    assert {p.name for p in written} >= {"assignments.csv", "snapshot.json", "needs.json", "supply.json",
                                         "changes.csv", "rematch.json", "urgent.json", "summary.json"}
    for p in written:
        seen.append((str(p.relative_to(tmp_path)), p.read_text(encoding="utf-8")))
    out, err = capfd.readouterr()
    seen.append(("stdout", out))
    seen.append(("stderr", err))
    seen.append(("log", "\n".join(r.getMessage() for r in caplog.records)))
    # The test sees what it checks: the spec's own fields did come through.
    everything = "\n".join(text for _, text in seen)
    assert a.need_id[0] in everything and "URG-1" in everything
    for where, text in seen:
        assert_clean(text, secrets, fragments, where)


def test_the_check_would_catch_a_leak(lists):
    """The assertion above is not vacuous: a text carrying one value is caught."""
    needs, _, secrets, fragments = lists
    with pytest.raises(AssertionError):
        assert_clean(f"call {needs.phone[3]}", secrets, fragments, "probe")
    with pytest.raises(AssertionError):
        assert_clean(f"id ****{needs.id_card[7][-8:]}", secrets, fragments, "probe")


def test_too_many_eligible_pairs_is_a_limit_error(lists):
    needs, supply, _, _ = lists
    full = aidmatch.match(needs, supply, as_of=AS_OF)
    pairs = full.summary["counts"].get("eligible_pairs")
    with pytest.raises(aidmatch.LimitError) as info:
        aidmatch.match(needs, supply, as_of=AS_OF, max_arcs=10)
    e = info.value
    assert isinstance(e, aidmatch.AidmatchError) and isinstance(e, ValueError)
    assert not isinstance(e, aidmatch.InputError)
    assert (e.limit, e.maximum) == ("MAX_ARCS", 10)
    assert "MAX_ARCS" in str(e)
    # At or above the run's own count of pairs, the same limit lets it through.
    if pairs is not None:
        ok = aidmatch.match(needs, supply, as_of=AS_OF, max_arcs=int(pairs))
        assert ok.to_json() == full.to_json()
    assert aidmatch.MAX_ARCS == 100_000_000
    # Rows: a list longer than max_rows stops while it is read.
    with pytest.raises(aidmatch.LimitError) as info:
        aidmatch.match(needs, supply, as_of=AS_OF, max_rows=len(needs) - 1)
    assert (info.value.limit, info.value.maximum) == ("MAX_ROWS", len(needs) - 1)
    assert info.value.value == "needs"
    assert "MAX_ROWS" in str(info.value)
    assert aidmatch.match(needs, supply, as_of=AS_OF, max_rows=len(needs)).to_json() == full.to_json()
    assert aidmatch.MAX_ROWS == 2_000_000
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.match(needs, supply, as_of=AS_OF, max_arcs=1.5)  # type: ignore[arg-type]
