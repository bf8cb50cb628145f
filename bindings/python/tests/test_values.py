"""The values a notebook's lists naturally hold, and where their errors point.

DataFrames and lists of records (``df.to_dict("records")``) carry ``None``, NaN,
``pd.NA``, ``pd.NaT``, numpy scalars and arrays, ``np.datetime64``, ``inf`` and
duplicated column names. Each is either read as the CSV file would hold it or an
aidmatch error naming the row, the column and the value, never a builtin
``TypeError``/``ValueError``/``OverflowError`` from the conversion (audit s12, items
4, 5, 6, 10, 11, 15 and 18).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import aidmatch

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "crates" / "aidmatch" / "tests" / "data" / "spec-example"
NEEDS, SUPPLY = DATA / "needs.csv", DATA / "supply.csv"
AS_OF = "2024-09-30"
OPTIONAL = ["age", "gender", "reported_at"]


def frame() -> pd.DataFrame:
    return pd.read_csv(NEEDS, dtype=str, keep_default_na=False)


def records() -> list:
    return frame().to_dict("records")


def run(needs, supply=SUPPLY):
    return aidmatch.match(needs, supply, as_of=AS_OF)


@pytest.fixture(scope="module")
def expected() -> str:
    return run(NEEDS).to_json()


@pytest.fixture(scope="module")
def without_optional() -> str:
    """The run with ``age``, ``gender`` and ``reported_at`` empty in every row."""
    df = frame()
    df[OPTIONAL] = ""
    return run(df).to_json()


# ----------------------------------------------------------- empty cells


EMPTY = [
    pytest.param(None, id="None"),
    pytest.param(float("nan"), id="nan"),
    pytest.param(np.float32("nan"), id="np.float32-nan"),
    pytest.param(pd.NA, id="pd.NA"),
    pytest.param(pd.NaT, id="pd.NaT"),
    pytest.param(np.datetime64("NaT"), id="np.datetime64-NaT"),
    pytest.param(Decimal("NaN"), id="Decimal-NaN"),
]


@pytest.mark.parametrize("empty", EMPTY)
def test_empty_cells_in_records(without_optional, empty):
    recs = records()
    for r in recs:
        for col in OPTIONAL:
            r[col] = empty
    assert run(recs).to_json() == without_optional


@pytest.mark.parametrize("empty", EMPTY)
def test_empty_cells_in_a_dataframe_object_column(without_optional, empty):
    df = frame().astype(object)
    for col in OPTIONAL:
        df[col] = pd.Series([empty] * len(df), dtype=object)
    assert run(df).to_json() == without_optional


def test_records_of_a_frame_read_with_gaps_equal_the_frame():
    """``pd.read_csv`` gives NaN for empty cells; its records are the frame's rows.
    The NaN of record 5 once gave a JSON parser error about row 1."""
    df = pd.read_csv(NEEDS)
    df.loc[4, "age"] = np.nan
    df.loc[6, "household_size"] = np.nan
    assert df["gov_programs"].isna().any()
    assert run(df.to_dict("records")).to_json() == run(df).to_json()


def test_an_object_date_column_with_nat(expected):
    """What ``pd.to_datetime(...).dt.date`` gives, with a gap: the gap is empty."""
    df = frame()
    df["reported_at"] = pd.to_datetime(df["reported_at"]).dt.date
    df.loc[2, "reported_at"] = pd.NaT
    blank = frame()
    blank.loc[2, "reported_at"] = ""
    assert run(df).to_json() == run(blank).to_json()


# ----------------------------------------------------------- numpy values


@pytest.mark.parametrize("unit", ["D", "s", "ms", "ns"])
def test_numpy_values_in_records(expected, unit):
    recs = records()
    for r in recs:
        r["statuses"] = np.array(re.split("[;；]", r["statuses"]))
        r["quantity"] = np.int64(int(r["quantity"]))
        r["household_size"] = np.int32(int(r["household_size"]))
        r["income_per_capita"] = np.float64(float(r["income_per_capita"]))
        # A time of day is dropped: the date is taken, as for datetime.datetime.
        r["reported_at"] = np.datetime64(r["reported_at"] + "T23:59:59", unit)
        r["consent"] = np.bool_(r["consent"] in ("true", "是"))
    assert run(recs).to_json() == expected


def test_numpy_arrays_and_dates_in_a_dataframe(expected):
    df = frame()
    df["statuses"] = [np.array(re.split("[;；]", s)) for s in df["statuses"]]
    df["reported_at"] = pd.Series([np.datetime64(d, "ms") for d in df["reported_at"]], dtype=object)
    assert run(df).to_json() == expected


def test_a_mapping_record_and_other_keys(expected):
    """Any Mapping is a record (``df.to_dict("records")`` types its keys Hashable)."""
    from types import MappingProxyType

    recs = [MappingProxyType(r) for r in records()]
    assert run(recs).to_json() == expected


# ----------------------------------------------------------- refused values, located


@pytest.mark.parametrize("bad", [float("inf"), -np.inf, np.float32("inf")], ids=["inf", "-inf", "f32-inf"])
def test_inf_in_a_record_names_record_and_field(bad):
    recs = records()
    recs[4]["income_per_capita"] = bad
    with pytest.raises(aidmatch.InputError) as info:
        run(recs)
    e = info.value
    assert (e.row, e.column) == (5, "income_per_capita")  # the 1-based record
    assert e.value in ("inf", "-inf") and e.value in str(e)
    assert e.problems[0]["file"] == "needs" and e.problems[0]["kind"] in ("bad_number", "negative")


@pytest.mark.parametrize(
    "column, bad, shown",
    [("income_per_capita", np.inf, "inf"), ("quantity", 1e20, "1e+20"), ("age", -np.inf, "-inf")],
)
def test_a_float_column_with_inf_or_huge_values_names_row_and_column(column, bad, shown):
    df = frame()
    df[column] = pd.to_numeric(df[column]).astype(float)
    df.loc[2, column] = bad
    df.index = [f"case-{i}" for i in range(len(df))]
    with pytest.raises(aidmatch.InputError) as info:
        run(df)  # no OverflowError, no TypeError, no RuntimeWarning (warnings are errors)
    e = info.value
    assert (e.row, e.column, e.value) == (4, column, shown)
    assert e.index == "case-2" and e.problems[0]["index"] == "case-2"


@pytest.mark.parametrize(
    "bad, kind",
    [(object(), "bad_shape"), (1 + 2j, "bad_shape"), (np.datetime64("12000-01-01"), "bad_date")],
    ids=["object", "complex", "year-12000"],
)
def test_a_value_the_conversion_cannot_take_is_located(bad, kind):
    recs = records()
    recs[2]["reported_at"] = bad
    with pytest.raises(aidmatch.InputError) as info:
        run(recs)
    e = info.value
    assert (e.row, e.column) == (3, "reported_at") and e.problems[0]["kind"] == kind
    assert "needs: row 3, column reported_at" in str(e)
    df = frame().astype(object)
    df.loc[2, "reported_at"] = bad
    with pytest.raises(aidmatch.InputError) as info:
        run(df)
    assert (info.value.row, info.value.column, info.value.index) == (4, "reported_at", 2)


def test_a_single_dict_says_to_pass_a_list():
    with pytest.raises(aidmatch.InputTypeError, match=r"single dict.*\[record\]"):
        run(records()[0])  # type: ignore[arg-type]


# ----------------------------------------------------------- duplicated columns


def test_a_duplicated_column_is_the_csv_files_error(tmp_path):
    """After ``pd.concat(axis=1)`` or a merge: the error a CSV file with that header
    gets, not an AttributeError."""
    df = frame()
    dup = pd.concat([df, df[["category"]].assign(category="food")], axis=1)
    with pytest.raises(aidmatch.InputError) as from_frame:
        run(dup)
    path = tmp_path / "needs.csv"
    dup.to_csv(path, index=False)
    with pytest.raises(aidmatch.InputError) as from_file:
        run(path)
    assert "column category appears twice in the header" in str(from_frame.value)
    shown = [(p["row"], p["column"], p["kind"], p["message"]) for p in from_frame.value.problems]
    assert shown == [(p["row"], p["column"], p["kind"], p["message"]) for p in from_file.value.problems]
    assert from_frame.value.index is None  # the header has no index label


# ----------------------------------------------------------- row numbers


def test_dataframe_rows_are_spreadsheet_rows_with_the_index_label():
    df = frame().set_index(pd.RangeIndex(1000, 1008))
    df.loc[1003, "urgency"] = "very"
    df.loc[1006, "region"] = "xx"
    with pytest.raises(aidmatch.InputError) as info:
        run(df)
    e = info.value
    assert (e.row, e.column, e.value, e.index) == (5, "urgency", "very", 1003)
    assert df.loc[e.index, e.column] == "very" and df.iloc[e.row - 2][e.column] == "very"
    assert [(p["row"], p["index"]) for p in e.problems] == [(5, 1003), (8, 1006)]
    # A list of records: the 1-based record; a path: no index.
    recs = records()
    recs[3]["urgency"] = "very"
    with pytest.raises(aidmatch.InputError) as info:
        run(recs)
    assert (info.value.row, info.value.index) == (4, None) and "index" not in info.value.problems[0]


def test_outcome_rows_are_counted_as_every_other_problem_of_the_list(tmp_path):
    """The same CSV line 3 was row 3 for an unknown status and row 2 for a pair that
    was never proposed."""
    r = run(NEEDS)
    a = r.assignments
    head = "need_id,resource_id,status,at\n"
    first = f"{a.need_id[0]},{a.resource_id[0]},accepted,2024-10-01\n"
    (tmp_path / "status.csv").write_text(head + first + f"{a.need_id[1]},{a.resource_id[1]},done,2024-10-01\n")
    (tmp_path / "pair.csv").write_text(head + first + f"{a.need_id[1]},R99,accepted,2024-10-01\n")
    with pytest.raises(aidmatch.InputError) as status:
        r.rematch(tmp_path / "status.csv", as_of="2024-10-08")
    with pytest.raises(aidmatch.OutcomeError) as pair:
        r.rematch(tmp_path / "pair.csv", as_of="2024-10-08")
    assert status.value.row == pair.value.row == 3
    assert str(pair.value).startswith("outcomes row 3:")
    # A DataFrame: its spreadsheet row and index label (a blank row is counted).
    df = pd.read_csv(tmp_path / "pair.csv", dtype=str)
    df = pd.concat([df.iloc[:1], pd.DataFrame([[np.nan] * 4], columns=df.columns), df.iloc[1:]])
    df.index = ["a", "blank", "b"]
    with pytest.raises(aidmatch.OutcomeError) as pair:
        r.rematch(df, as_of="2024-10-08")
    assert (pair.value.row, pair.value.index) == (4, "b")
    # A list of records: the 1-based record.
    with pytest.raises(aidmatch.OutcomeError) as pair:
        r.rematch(pd.read_csv(tmp_path / "pair.csv", dtype=str).to_dict("records"), as_of="2024-10-08")
    assert pair.value.row == 2 and str(pair.value).startswith("outcomes row 2:")


def test_problems_stop_at_100_over_all_lists():
    needs = frame()
    needs = pd.concat([needs] * 10, ignore_index=True)
    needs["need_id"] = [f"N{i:03d}" for i in range(len(needs))]
    needs["category"] = "food"  # 80 bad rows
    supply = pd.read_csv(SUPPLY, dtype=str, keep_default_na=False)
    supply = pd.concat([supply] * 10, ignore_index=True)
    supply["resource_id"] = [f"R{i:03d}" for i in range(len(supply))]
    supply["form"] = "gold"
    assert len(supply) > 20
    with pytest.raises(aidmatch.InputError) as info:
        aidmatch.match(needs, supply, as_of=AS_OF)
    assert len(info.value.problems) == 100 and "more than 100 problems" in str(info.value)


# ----------------------------------------------------------- files and limits


def test_a_missing_list_file_is_a_file_error(tmp_path):
    with pytest.raises(aidmatch.FileError) as info:
        run(tmp_path / "none.csv")
    e = info.value
    assert isinstance(e, OSError) and isinstance(e, aidmatch.AidmatchError)
    assert e.errno == 2 and e.filename == str(tmp_path / "none.csv") and "none.csv" in str(e)
    with pytest.raises(aidmatch.FileError):
        run(NEEDS, tmp_path / "none.json")
    with pytest.raises(aidmatch.FileError):
        run(NEEDS).rematch(tmp_path / "outcomes.csv", as_of="2024-10-08")


@pytest.mark.parametrize("name", ["max_arcs", "max_rows"])
def test_limits_take_numpy_integers_and_name_a_bad_one(expected, name):
    assert aidmatch.match(NEEDS, SUPPLY, as_of=AS_OF, **{name: np.int64(10**6)}).to_json() == expected
    assert aidmatch.match(NEEDS, SUPPLY, as_of=AS_OF, **{name: np.uint32(10**6)}).to_json() == expected
    for bad in (2**70, -1, np.int64(-5)):
        with pytest.raises(aidmatch.InputError, match=name):
            aidmatch.match(NEEDS, SUPPLY, as_of=AS_OF, **{name: bad})
    for wrong in (True, 1.5, "10"):
        with pytest.raises(aidmatch.InputTypeError, match=name):
            aidmatch.match(NEEDS, SUPPLY, as_of=AS_OF, **{name: wrong})


def test_dates_as_python_values(expected):
    recs = records()
    for r in recs:
        d = dt.date.fromisoformat(r["reported_at"])
        r["reported_at"] = pd.Timestamp(d) if r["need_id"] < "N004" else dt.datetime(d.year, d.month, d.day, 8)
    assert run(recs).to_json() == expected
