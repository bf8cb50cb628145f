"""aidmatch.linear_sum_assignment against scipy.optimize.linear_sum_assignment.

Optimal assignments are not unique, so parity means: the same optimal cost (exactly
for integer matrices, to a relative 1e-9 for floats), the same number of pairs, rows
sorted, and on bad input the same exception type and the same message.
"""

from __future__ import annotations

import math
import sys
import warnings

import numpy as np
import pytest
import scipy.optimize

import aidmatch

INF = np.inf


def scipy_lsap(c, maximize=False):
    return scipy.optimize.linear_sum_assignment(c, maximize=maximize)


def cost_of(c, rows, cols):
    c = np.asarray(c, dtype=np.float64)
    return float(c[rows, cols].sum())


def check_same_optimum(c, maximize):
    """Both solve ``c``, or both raise the same exception with the same message."""
    try:
        expected = scipy_lsap(c, maximize)
    except Exception as e:  # noqa: BLE001 - the parity is the point
        with pytest.raises(type(e)) as got:
            aidmatch.linear_sum_assignment(c, maximize)
        assert str(got.value) == str(e)
        assert isinstance(got.value, aidmatch.AidmatchError)
        return None
    rows, cols = aidmatch.linear_sum_assignment(c, maximize)
    assert rows.dtype == np.int64 and cols.dtype == np.int64
    assert rows.shape == expected[0].shape and cols.shape == expected[1].shape
    assert np.all(np.diff(rows) > 0), "rows must be sorted and distinct"
    assert len(set(cols.tolist())) == len(cols), "a column used twice"
    ours, theirs = cost_of(c, rows, cols), cost_of(c, *expected)
    assert math.isfinite(ours)
    assert ours == pytest.approx(theirs, rel=1e-9, abs=1e-9)
    return rows, cols


def random_matrix(rng, rows, cols, kind):
    if kind == "int":
        return rng.integers(-50, 50, size=(rows, cols))
    if kind == "smallint":  # many ties
        return rng.integers(0, 3, size=(rows, cols))
    if kind == "float":
        return rng.normal(size=(rows, cols)) * 100
    if kind == "uniform":
        return rng.random((rows, cols))
    if kind == "bool":
        return rng.random((rows, cols)) < 0.5
    if kind == "inf":  # some forbidden entries; may be infeasible
        c = rng.random((rows, cols))
        c[rng.random((rows, cols)) < 0.3] = INF
        return c
    if kind == "int32":
        return rng.integers(0, 1000, size=(rows, cols)).astype(np.int32)
    if kind == "float32":
        return rng.random((rows, cols)).astype(np.float32)
    raise AssertionError(kind)


KINDS = ["int", "smallint", "float", "uniform", "bool", "inf", "int32", "float32"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("maximize", [False, True])
def test_random_parity_with_scipy(kind, maximize):
    """500 random matrices per (kind, sense): 8000 in all, shapes 0..8 × 0..8."""
    rng = np.random.default_rng([KINDS.index(kind), int(maximize)])
    for _ in range(500):
        rows, cols = rng.integers(0, 9, size=2)
        c = random_matrix(rng, rows, cols, kind)
        if kind == "inf" and maximize:
            c = np.where(np.isinf(c), -INF, c)
        check_same_optimum(c, maximize)


@pytest.mark.parametrize("shape", [(30, 30), (20, 45), (45, 20), (100, 100)])
def test_larger_parity_with_scipy(shape):
    rng = np.random.default_rng(shape)
    for _ in range(20):
        check_same_optimum(rng.integers(0, 10**6, size=shape), False)
        check_same_optimum(rng.random(shape), True)


def test_scipy_docstring_example():
    cost = np.array([[4, 1, 3], [2, 0, 5], [3, 2, 2]])
    rows, cols = aidmatch.linear_sum_assignment(cost)
    assert rows.tolist() == [0, 1, 2]
    assert cols.tolist() == [1, 0, 2]
    assert cost[rows, cols].sum() == 5


@pytest.mark.parametrize("shape", [(0, 0), (0, 3), (3, 0)])
@pytest.mark.parametrize("maximize", [False, True])
def test_empty(shape, maximize):
    rows, cols = aidmatch.linear_sum_assignment(np.zeros(shape), maximize)
    assert rows.dtype == np.int64 and rows.shape == (0,) and cols.shape == (0,)
    rows, cols = aidmatch.linear_sum_assignment(np.zeros(shape, dtype=np.int64), maximize)
    assert rows.shape == (0,) and cols.shape == (0,)


def test_empty_list_of_lists():
    rows, cols = aidmatch.linear_sum_assignment([[]])
    assert rows.tolist() == [] and cols.tolist() == []


@pytest.mark.parametrize("n", [1, 2, 5, 17])
@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.float32, np.int8])
def test_constant_matrix_is_identity(n, dtype):
    """scipy's documented behaviour: a square constant matrix gives the identity."""
    for maximize in (False, True):
        rows, cols = aidmatch.linear_sum_assignment(np.full((n, n), 7, dtype=dtype), maximize)
        assert rows.tolist() == list(range(n))
        assert cols.tolist() == list(range(n))


@pytest.mark.parametrize("shape", [(3, 5), (5, 3)])
def test_constant_rectangular_matches_scipy(shape):
    c = np.ones(shape)
    got = aidmatch.linear_sum_assignment(c)
    expected = scipy_lsap(c)
    assert got[0].tolist() == expected[0].tolist()
    assert got[1].tolist() == expected[1].tolist()


def test_square_rows_are_arange():
    rng = np.random.default_rng(7)
    for n in range(1, 12):
        rows, _ = aidmatch.linear_sum_assignment(rng.random((n, n)))
        assert rows.tolist() == list(range(n))


@pytest.mark.parametrize(
    "c",
    [
        [[INF, 1.0], [2.0, INF]],
        [[INF, INF, 1.0], [1.0, INF, INF]],
        [[1.0, INF], [INF, INF], [INF, 3.0]],
    ],
)
def test_inf_is_forbidden(c):
    rows, cols = check_same_optimum(c, False)
    assert np.isfinite(np.asarray(c)[rows, cols]).all()


def test_minus_inf_forbidden_when_maximizing():
    c = [[-INF, 1.0], [2.0, -INF]]
    rows, cols = aidmatch.linear_sum_assignment(c, maximize=True)
    assert cols.tolist() == [1, 0]


def test_large_integers_are_exact():
    """Integers up to 2**53 - 1 are solved exactly (float64 sums would round)."""
    big = 2**53 - 1
    c = np.array([[big, big - 1], [big - 1, big - 3]], dtype=np.int64)
    rows, cols = aidmatch.linear_sum_assignment(c)
    assert sum(int(c[i, j]) for i, j in zip(rows, cols)) == 2 * big - 3
    assert cols.tolist() == [0, 1]


def test_integers_beyond_2_53_fall_back_to_float_like_scipy():
    c = np.array([[2**62, 1], [3, 2**61]], dtype=np.int64)
    check_same_optimum(c, False)
    check_same_optimum(c, True)
    u = np.array([[2**64 - 1, 0], [0, 2**63]], dtype=np.uint64)
    check_same_optimum(u, False)
    check_same_optimum(u, True)
    check_same_optimum([[2**70, 1], [1, 2**70]], False)


@pytest.mark.parametrize("maximize", [False, True])
def test_finite_costs_above_the_float_limit_are_a_short_input_error(maximize):
    """A big-M such as sys.float_info.max is beyond the solver's range (sums of such
    costs overflow): a ValueError (as scipy's errors are) locating it, with a short
    message, not the base class with a 300-digit integer."""
    big = sys.float_info.max
    c = np.array([[1.0, big], [-big if maximize else big, 2.0]])
    with pytest.raises(ValueError) as info:
        aidmatch.linear_sum_assignment(c, maximize)
    e = info.value
    assert isinstance(e, aidmatch.InputError)
    assert (e.row, e.column, e.value) == (0, 1, big)
    assert len(str(e)) < 200 and "1.7976931348623157e308" in str(e), str(e)
    # The limit is f64::MAX / (4 (n + 1)), n the smaller side: 1.5e307 for 2 × 2.
    assert aidmatch.linear_sum_assignment(np.array([[1.0, 1e307], [1e307, 2.0]]))[1].tolist() == [0, 1]
    with pytest.raises(aidmatch.InputError):
        aidmatch.linear_sum_assignment(np.array([[1.0, 2e307], [2e307, 2.0]]))


def as_matrix(a):
    """np.matrix, whose construction warns (PendingDeprecationWarning) by design."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        return np.asmatrix(a)


INPUT_FORMS = [
    pytest.param(lambda a: a.tolist(), id="list"),
    pytest.param(lambda a: tuple(map(tuple, a.tolist())), id="tuple"),
    pytest.param(np.asfortranarray, id="fortran"),
    pytest.param(lambda a: np.asarray(a)[:, ::-1][:, ::-1], id="strided-view"),
    pytest.param(lambda a: np.asarray(a).astype(">f8"), id="big-endian"),
    pytest.param(lambda a: np.asarray(a).astype(np.float16), id="float16"),
    pytest.param(lambda a: np.asarray(a).astype(np.uint8), id="uint8"),
    pytest.param(lambda a: np.asarray(a).astype(np.uint64), id="uint64"),
    pytest.param(lambda a: np.asarray(a).astype(np.int16), id="int16"),
    pytest.param(lambda a: as_matrix(a), id="np.matrix"),
    pytest.param(lambda a: np.ma.array(a, mask=np.asarray(a) % 3 == 0), id="masked"),
    pytest.param(lambda a: [[str(x) for x in r] for r in a.tolist()], id="numeric-strings"),
]


@pytest.mark.parametrize("form", INPUT_FORMS)
def test_input_forms_match_scipy(form):
    rng = np.random.default_rng(3)
    for _ in range(20):
        base = rng.integers(0, 20, size=(4, 5))
        check_same_optimum(form(base), False)
        check_same_optimum(form(base.T.copy()), True)


def test_dataframe_input():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame([[4, 1, 3], [2, 0, 5], [3, 2, 2]], columns=list("abc"))
    rows, cols = aidmatch.linear_sum_assignment(df)
    assert cols.tolist() == [1, 0, 2]


def test_maximize_is_parsed_by_truth_value_like_scipy():
    c = np.array([[1, 2], [3, 5]])  # min: [1, 0]; max: [0, 1]
    for truthy in (True, 1, "yes", np.True_, [0]):
        assert aidmatch.linear_sum_assignment(c, truthy)[1].tolist() == scipy_lsap(c, truthy)[1].tolist()
    for falsy in (False, 0, "", np.False_, [], None):
        assert aidmatch.linear_sum_assignment(c, falsy)[1].tolist() == scipy_lsap(c, falsy)[1].tolist()
    assert aidmatch.linear_sum_assignment(c, maximize=True)[1].tolist() == [0, 1]
    assert aidmatch.linear_sum_assignment(c, maximize=False)[1].tolist() == [1, 0]


def test_input_array_is_not_modified():
    c = np.array([[1.0, 2.0], [3.0, 0.5]])
    before = c.copy()
    aidmatch.linear_sum_assignment(c, maximize=True, return_duals=True)
    assert np.array_equal(c, before)


BAD_INPUTS = [
    pytest.param(np.zeros(3), id="1-D"),
    pytest.param(np.zeros((2, 2, 2)), id="3-D"),
    pytest.param(5, id="scalar"),
    pytest.param(None, id="None"),
    pytest.param([], id="empty-list"),
    pytest.param((1, 2), id="tuple-1-D"),
    pytest.param([[1.0, np.nan]], id="nan"),
    pytest.param([[None]], id="None-entry"),
    pytest.param([[1.0, -INF]], id="minus-inf"),
    pytest.param([[1.0, INF]], id="plus-inf"),
    pytest.param([[INF, INF], [1.0, 2.0]], id="infeasible"),
    pytest.param([[INF]], id="all-inf"),
    pytest.param([["a", "b"]], id="strings"),
    pytest.param([[1, "a"]], id="mixed-strings"),
    pytest.param(np.array([["1", "2"]]), id="unicode-array"),
    pytest.param(np.array([[b"1"]]), id="bytes-array"),
    pytest.param([[1j]], id="complex-list"),
    pytest.param(np.array([[1 + 1j]]), id="complex-array"),
    pytest.param(np.array([[1]], dtype=object), id="object-array"),
    pytest.param(np.array([[1]], dtype=np.longdouble), id="longdouble"),
    pytest.param(np.array([[np.datetime64("2020-01-01")]]), id="datetime"),
    pytest.param(np.array([[1, 2]], dtype="m8[s]"), id="timedelta"),
    pytest.param([[1, 2], [3]], id="ragged"),
    pytest.param("abc", id="string"),
]


@pytest.mark.parametrize("bad", BAD_INPUTS)
@pytest.mark.parametrize("maximize", [False, True])
def test_errors_match_scipy(bad, maximize):
    try:
        scipy_lsap(bad, maximize)
    except Exception as e:  # noqa: BLE001
        expected = e
    else:
        # Not an error for scipy in this direction: then not for us either.
        check_same_optimum(bad, maximize)
        return
    with pytest.raises(type(expected)) as got:
        aidmatch.linear_sum_assignment(bad, maximize)
    assert str(got.value) == str(expected)
    assert isinstance(got.value, aidmatch.AidmatchError)


def test_invalid_entry_is_located():
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.linear_sum_assignment(np.array([[1.0, 2.0], [3.0, np.nan]]))
    assert (e.value.row, e.value.column) == (1, 1)
    assert math.isnan(e.value.value)
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.linear_sum_assignment(np.array([[1.0, INF], [3.0, 4.0]]), maximize=True)
    assert (e.value.row, e.value.column, e.value.value) == (0, 1, INF)


def test_infeasible_class():
    with pytest.raises(aidmatch.InfeasibleError) as e:
        aidmatch.linear_sum_assignment([[INF, INF], [1.0, 2.0]])
    assert isinstance(e.value, ValueError) and isinstance(e.value, aidmatch.InputError)
    assert str(e.value) == "cost matrix is infeasible"


def test_bad_keyword():
    with pytest.raises(TypeError):
        aidmatch.linear_sum_assignment([[1]], foo=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        aidmatch.linear_sum_assignment([[1]], False, True)  # type: ignore[misc]


# ------------------------------------------------------------------------ duals


def check_duals(c, maximize, rows, cols, u, v):
    c = np.asarray(c)
    n_rows, n_cols = c.shape
    permitted = np.isfinite(c) if c.dtype.kind == "f" else np.ones(c.shape, dtype=bool)
    s = u[:, None] + v[None, :]
    if c.dtype.kind == "f":
        tol = 1e-9 * max(1.0, float(np.abs(c[permitted]).max(initial=0.0)))
    else:
        tol = 0
    if maximize:
        assert (s[permitted] >= c[permitted] - tol).all()
    else:
        assert (s[permitted] <= c[permitted] + tol).all()
    assert np.allclose(s[rows, cols], c[rows, cols], rtol=0, atol=tol)
    sign = 1 if maximize else -1
    if n_rows < n_cols:
        assert (sign * v >= -tol).all()
        unassigned = np.setdiff1d(np.arange(n_cols), cols)
        assert (np.abs(v[unassigned]) <= tol).all()
    if n_rows > n_cols:
        assert (sign * u >= -tol).all()
        unassigned = np.setdiff1d(np.arange(n_rows), rows)
        assert (np.abs(u[unassigned]) <= tol).all()
    # Strong duality follows from the above; check it directly too.
    total = c[rows, cols].sum()
    assert abs(float(u.sum() + v.sum()) - float(total)) <= tol * (n_rows + n_cols + 1)


@pytest.mark.parametrize("kind", ["int", "float", "inf", "smallint", "bool"])
def test_return_duals_certify_optimum(kind):
    rng = np.random.default_rng(11)
    checked = 0
    for _ in range(300):
        n_rows, n_cols = rng.integers(1, 8, size=2)
        c = random_matrix(rng, n_rows, n_cols, kind)
        for maximize in (False, True):
            cc = np.where(np.isinf(c), -INF, c) if (kind == "inf" and maximize) else c
            try:
                rows, cols, u, v = aidmatch.linear_sum_assignment(cc, maximize, return_duals=True)
            except aidmatch.InfeasibleError:
                continue
            assert u.shape == (n_rows,) and v.shape == (n_cols,)
            if kind in ("int", "smallint"):
                assert u.dtype == np.int64 and v.dtype == np.int64
            else:
                assert u.dtype == np.float64 and v.dtype == np.float64
            r2, c2 = aidmatch.linear_sum_assignment(cc, maximize)
            assert r2.tolist() == rows.tolist() and c2.tolist() == cols.tolist()
            check_duals(cc, maximize, rows, cols, u, v)
            checked += 1
    assert checked > 300


def test_duals_of_big_integers_are_exact():
    big = 2**53 - 1
    c = np.array([[big, -big, 0], [-big, big, 5]], dtype=np.int64)
    for maximize in (False, True):
        rows, cols, u, v = aidmatch.linear_sum_assignment(c, maximize, return_duals=True)
        assert u.dtype in (np.int64, np.dtype(object))
        s = np.array([[int(u[i]) + int(v[j]) for j in range(3)] for i in range(2)], dtype=object)
        cc = c.astype(object)
        if maximize:
            assert (s >= cc).all()
        else:
            assert (s <= cc).all()
        assert all(s[i, j] == cc[i, j] for i, j in zip(rows, cols))
