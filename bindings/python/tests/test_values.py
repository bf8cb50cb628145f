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


# ----------------------------------------------------------- numpy values


def test_a_mapping_record_and_other_keys(expected):
    """Any Mapping is a record (``df.to_dict("records")`` types its keys Hashable)."""
    from types import MappingProxyType

    recs = [MappingProxyType(r) for r in records()]
    assert run(recs).to_json() == expected


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


# ----------------------------------------------------------- row numbers


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
