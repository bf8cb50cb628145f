"""aidmatch.max_weight_matching against brute force and OR-tools.

scipy's ``min_weight_full_bipartite_matching`` solves a different problem (every
vertex of the smaller side is forced), so the oracles are an exhaustive search over
all edge subsets (tiny instances, with capacities and tiers) and OR-tools (larger
instances: min-cost flow for weights, CP-SAT stage by stage for tiers).
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import scipy.sparse as sp

import aidmatch

# ----------------------------------------------------------------- instances


def random_instance(rng, max_side=4, max_edges=11, tiers=False):
    n_rows = int(rng.integers(0, max_side + 1))
    n_cols = int(rng.integers(0, max_side + 1))
    cells = [(r, c) for r in range(n_rows) for c in range(n_cols)]
    rng.shuffle(cells)
    k = int(rng.integers(0, min(len(cells), max_edges) + 1))
    edges = sorted(cells[:k])
    weights = rng.integers(-5, 12, size=k)
    row_cap = rng.integers(0, 3, size=n_rows)
    col_cap = rng.integers(0, 3, size=n_cols)
    tier = rng.integers(1, 4, size=n_rows) if tiers else None
    return n_rows, n_cols, edges, weights, row_cap, col_cap, tier


def to_csr(n_rows, n_cols, edges, weights):
    rows = np.array([e[0] for e in edges], dtype=np.int64)
    cols = np.array([e[1] for e in edges], dtype=np.int64)
    return sp.csr_array((np.asarray(weights), (rows, cols)), shape=(n_rows, n_cols))


def tiered(tier):
    """Whether tiers rank the solutions: whenever ``row_tier`` is given, even if every
    row is tier 1 (then the most units are matched first, as documented)."""
    return tier is not None


def score(n_tiers, edges, weights, tier, chosen):
    """The lexicographic key: matched units per tier (tier 1 first), then weight.
    Without tiers, the weight alone."""
    if not tiered(tier):
        return (sum(int(weights[e]) for e in chosen),)
    per_tier = [0] * n_tiers
    total = 0
    for e in chosen:
        t = 1 if tier is None else int(tier[edges[e][0]])
        per_tier[t - 1] += 1
        total += int(weights[e])
    return (*per_tier, total)


def brute_force(n_rows, n_cols, edges, weights, row_cap, col_cap, tier):
    """Best key over every subset of edges, vectorised over the 2^E subsets."""
    n_edges = len(edges)
    n_tiers = 1 if tier is None else 3
    subsets = ((np.arange(2**n_edges)[:, None] >> np.arange(n_edges)) & 1).astype(np.int64)
    row_inc = np.zeros((n_edges, n_rows), dtype=np.int64)
    col_inc = np.zeros((n_edges, n_cols), dtype=np.int64)
    tier_inc = np.zeros((n_edges, n_tiers), dtype=np.int64)
    for e, (r, c) in enumerate(edges):
        row_inc[e, r] = 1
        col_inc[e, c] = 1
        tier_inc[e, (1 if tier is None else int(tier[r])) - 1] = 1
    ok = ((subsets @ row_inc) <= row_cap).all(axis=1) & ((subsets @ col_inc) <= col_cap).all(axis=1)
    total = (subsets @ np.asarray(weights, dtype=np.int64))[:, None]
    keys = total if not tiered(tier) else np.concatenate([subsets @ tier_inc, total], axis=1)
    keys = keys[ok]
    order = np.lexsort(keys.T[::-1])
    return tuple(int(x) for x in keys[order[-1]])


def check_feasible(n_rows, n_cols, edges, row_cap, col_cap, rows, cols):
    assert rows.dtype == np.int64 and cols.dtype == np.int64
    pairs = list(zip(rows.tolist(), cols.tolist()))
    assert pairs == sorted(pairs), "pairs sorted by row, then column"
    assert len(set(pairs)) == len(pairs), "an edge carries one unit"
    edge_set = set(edges)
    assert all(p in edge_set for p in pairs), "only existing edges"
    assert (np.bincount(rows, minlength=n_rows)[:n_rows] <= row_cap).all()
    assert (np.bincount(cols, minlength=n_cols)[:n_cols] <= col_cap).all()
    return [edges.index(p) for p in pairs]


@pytest.mark.parametrize("tiers", [False, True])
def test_against_brute_force(tiers):
    """1500 random instances each, up to 4 × 4 with 11 edges, capacities 0..2."""
    rng = np.random.default_rng(100 + tiers)
    for _ in range(1500):
        inst = random_instance(rng, tiers=tiers)
        n_rows, n_cols, edges, weights, row_cap, col_cap, tier = inst
        rows, cols = aidmatch.max_weight_matching(
            to_csr(n_rows, n_cols, edges, weights),
            row_capacity=row_cap,
            col_capacity=col_cap,
            row_tier=tier,
        )
        chosen = check_feasible(n_rows, n_cols, edges, row_cap, col_cap, rows, cols)
        n_tiers = 3 if tiers else 1
        assert score(n_tiers, edges, weights, tier, chosen) == brute_force(*inst), inst


def test_unit_capacities_match_scipy_lsap_on_positive_dense():
    """With all weights positive and a full graph, the max-weight matching is a
    maximum-cardinality one, so it equals scipy's maximizing assignment."""
    from scipy.optimize import linear_sum_assignment

    rng = np.random.default_rng(5)
    for _ in range(200):
        w = rng.integers(1, 1000, size=tuple(rng.integers(1, 9, size=2)))
        rows, cols = aidmatch.max_weight_matching(w)
        r2, c2 = linear_sum_assignment(w, maximize=True)
        assert int(w[rows, cols].sum()) == int(w[r2, c2].sum())


# ---------------------------------------------------------------- OR-tools


def ortools_max_weight(n_rows, n_cols, edges, weights, row_cap, col_cap):
    from ortools.graph.python import min_cost_flow

    f = min_cost_flow.SimpleMinCostFlow()
    source, sink = n_rows + n_cols, n_rows + n_cols + 1
    supply = int(np.sum(row_cap))
    for r in range(n_rows):
        f.add_arc_with_capacity_and_unit_cost(source, r, int(row_cap[r]), 0)
    for (r, c), w in zip(edges, weights):
        f.add_arc_with_capacity_and_unit_cost(r, n_rows + c, 1, -int(w))
    for c in range(n_cols):
        f.add_arc_with_capacity_and_unit_cost(n_rows + c, sink, int(col_cap[c]), 0)
    f.add_arc_with_capacity_and_unit_cost(source, sink, supply, 0)  # leave units unmatched
    f.set_node_supply(source, supply)
    f.set_node_supply(sink, -supply)
    assert f.solve() == f.OPTIMAL
    return -f.optimal_cost()


def ortools_lexicographic(n_rows, n_cols, edges, weights, row_cap, col_cap, tier):
    from ortools.sat.python import cp_model

    n_tiers = int(tier.max(initial=1)) if tiered(tier) else 0
    fixed = []
    key = []
    for stage in range(n_tiers + 1):
        m = cp_model.CpModel()
        x = [m.new_bool_var(f"x{e}") for e in range(len(edges))]
        for r in range(n_rows):
            m.add(sum(x[e] for e, (rr, _) in enumerate(edges) if rr == r) <= int(row_cap[r]))
        for c in range(n_cols):
            m.add(sum(x[e] for e, (_, cc) in enumerate(edges) if cc == c) <= int(col_cap[c]))
        tier_sums = [
            sum(x[e] for e, (r, _) in enumerate(edges) if tier[r] == t + 1) for t in range(n_tiers)
        ]
        for t, best in enumerate(fixed):
            m.add(tier_sums[t] >= best)
        if stage < n_tiers:
            m.maximize(tier_sums[stage])
        else:
            m.maximize(sum(int(w) * x[e] for e, w in enumerate(weights)))
        s = cp_model.CpSolver()
        s.parameters.num_workers = 1
        assert s.solve(m) == cp_model.OPTIMAL
        value = int(round(s.objective_value))
        fixed.append(value)
        key.append(value)
    return tuple(key)


def test_against_ortools_min_cost_flow():
    rng = np.random.default_rng(8)
    for _ in range(40):
        n_rows, n_cols = (int(x) for x in rng.integers(5, 40, size=2))
        density = rng.uniform(0.05, 0.5)
        mask = rng.random((n_rows, n_cols)) < density
        edges = [tuple(map(int, e)) for e in np.argwhere(mask)]
        weights = rng.integers(-200, 1000, size=len(edges))
        row_cap = rng.integers(0, 4, size=n_rows)
        col_cap = rng.integers(0, 4, size=n_cols)
        rows, cols = aidmatch.max_weight_matching(
            to_csr(n_rows, n_cols, edges, weights), row_capacity=row_cap, col_capacity=col_cap
        )
        chosen = check_feasible(n_rows, n_cols, edges, row_cap, col_cap, rows, cols)
        assert sum(int(weights[e]) for e in chosen) == ortools_max_weight(
            n_rows, n_cols, edges, weights, row_cap, col_cap
        )


def test_tiers_against_ortools_cp_sat():
    rng = np.random.default_rng(9)
    for _ in range(15):
        n_rows, n_cols = (int(x) for x in rng.integers(4, 16, size=2))
        mask = rng.random((n_rows, n_cols)) < 0.3
        edges = [tuple(map(int, e)) for e in np.argwhere(mask)]
        weights = rng.integers(-50, 100, size=len(edges))
        row_cap = rng.integers(0, 3, size=n_rows)
        col_cap = rng.integers(0, 3, size=n_cols)
        tier = rng.integers(1, 4, size=n_rows)
        rows, cols = aidmatch.max_weight_matching(
            to_csr(n_rows, n_cols, edges, weights),
            row_capacity=row_cap,
            col_capacity=col_cap,
            row_tier=tier,
        )
        chosen = check_feasible(n_rows, n_cols, edges, row_cap, col_cap, rows, cols)
        n_tiers = int(tier.max(initial=1)) if tiered(tier) else 0
        ours = [0] * n_tiers
        for e in chosen:
            ours[int(tier[edges[e][0]]) - 1] += 1
        ours.append(sum(int(weights[e]) for e in chosen))
        assert tuple(ours) == ortools_lexicographic(n_rows, n_cols, edges, weights, row_cap, col_cap, tier)


# ------------------------------------------------------------ input forms

W = np.array([[5.0, 4.0, np.nan], [3.0, np.nan, 1.5], [np.nan, 2.0, -1.0]])


def expected_w():
    return aidmatch.max_weight_matching(W, row_capacity=[2, 1, 1])


def test_capacity_two_example():
    # Row 0 (capacity 2) takes 5 and 4, row 1 takes 1.5; row 2's only useful
    # edge (column 1) is taken: total 10.5 is the optimum.
    rows, cols = expected_w()
    assert rows.tolist() == [0, 0, 1] and cols.tolist() == [0, 1, 2]


@pytest.mark.parametrize(
    "form",
    [
        pytest.param(lambda: W, id="dense-nan"),
        pytest.param(lambda: np.where(np.isnan(W), -np.inf, W), id="dense-minus-inf"),
        pytest.param(lambda: np.ma.array(np.nan_to_num(W), mask=np.isnan(W)), id="masked"),
        pytest.param(lambda: W.tolist(), id="list"),
        pytest.param(lambda: _csr_of_w(), id="csr_array"),
        pytest.param(lambda: sp.csr_matrix(_csr_of_w()), id="csr_matrix"),
        pytest.param(lambda: sp.csc_array(_csr_of_w()), id="csc_array"),
        pytest.param(lambda: _coo_with_duplicates(), id="coo-duplicates-summed"),
        pytest.param(lambda: _tuple_of_w(), id="csr-tuple"),
    ],
)
def test_input_forms_agree(form):
    rows, cols = aidmatch.max_weight_matching(form(), row_capacity=[2, 1, 1])
    r0, c0 = expected_w()
    assert rows.tolist() == r0.tolist() and cols.tolist() == c0.tolist()


def _present():
    return ~np.isnan(W)


def _csr_of_w():
    r, c = np.nonzero(_present())
    return sp.csr_array((W[r, c], (r, c)), shape=W.shape)


def _coo_with_duplicates():
    r, c = np.nonzero(_present())
    v = W[r, c]
    # Every edge stored twice with half its weight each: summed, as scipy does.
    return sp.coo_array((np.concatenate([v / 2, v / 2]), (np.concatenate([r, r]), np.concatenate([c, c]))), shape=W.shape)


def _tuple_of_w():
    m = _csr_of_w()
    return (m.data, m.indices, m.indptr, m.shape)


def test_explicit_zero_is_an_edge_and_dense_zero_too():
    m = sp.csr_array((np.array([0, 0]), np.array([0, 1]), np.array([0, 1, 2])), shape=(2, 2))
    assert m.nnz == 2
    rows, cols = aidmatch.max_weight_matching(m, row_tier=[1, 1])
    # With tiers, matching a zero-weight edge raises the matched quantity.
    assert rows.tolist() == [0, 1] and cols.tolist() == [0, 1]
    rows, cols = aidmatch.max_weight_matching(m)
    # Without tiers a zero-weight edge neither helps nor hurts; any choice is optimal.
    assert len(rows) in (0, 1, 2)
    dense = np.zeros((2, 2))
    rows, cols = aidmatch.max_weight_matching(dense, row_tier=[1, 2])
    assert len(rows) == 2


def test_negative_weights_never_matched_without_tiers():
    rows, cols = aidmatch.max_weight_matching(np.array([[-1, -2], [-3, -4]]))
    assert rows.tolist() == [] and cols.tolist() == []


def test_nobody_is_forced():
    # scipy's min_weight_full_bipartite_matching would raise here (no full matching).
    rows, cols = aidmatch.max_weight_matching(np.array([[1.0, np.nan], [2.0, np.nan]]))
    assert rows.tolist() == [1] and cols.tolist() == [0]


def test_single_tier_means_most_units_first():
    # Column 0 can go to row 0 alone (weight 10) or rows 0 and 1 can share columns
    # 1 and 0 (weights 1 + 1): tiers set => two units beat more weight.
    w = np.array([[10.0, 1.0], [1.0, np.nan]])
    caps = dict(col_capacity=[1, 1])
    assert aidmatch.max_weight_matching(w, **caps)[0].tolist() == [0]
    rows, cols = aidmatch.max_weight_matching(w, row_tier=[1, 1], **caps)
    assert rows.tolist() == [0, 1] and cols.tolist() == [1, 0]


def test_tier_beats_weight():
    # Row 1 is urgent (tier 1): it gets the only column although row 0 pays more.
    w = np.array([[100], [1]])
    assert aidmatch.max_weight_matching(w)[0].tolist() == [0]
    assert aidmatch.max_weight_matching(w, row_tier=[2, 1])[0].tolist() == [1]


def test_float_scale():
    w = np.array([[0.3, 0.2 + 0.1]])  # 0.30000000000000004: equal after scaling
    rows, cols = aidmatch.max_weight_matching(w)
    assert len(rows) == 1
    # A difference below 1/scale is invisible; with a finer scale it decides.
    w = np.array([[1.0, 1.0 + 1e-9]])
    assert aidmatch.max_weight_matching(w, scale=10**12)[1].tolist() == [1]
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(np.array([[1e10]]), scale=10**6)
    assert (e.value.row, e.value.column, e.value.value) == (0, 0, 1e10)


@pytest.mark.parametrize(
    "scale, error",
    [
        (0, aidmatch.InputError),
        (-1, aidmatch.InputError),
        (0.5, aidmatch.InputError),
        (10**-3, aidmatch.InputError),
        (float("inf"), aidmatch.InputError),
        (float("nan"), aidmatch.InputError),
        (2**53, aidmatch.InputError),
        (True, aidmatch.InputTypeError),
        ("1000", aidmatch.InputTypeError),
        (None, aidmatch.InputTypeError),
    ],
)
def test_scale_must_be_a_positive_integer(scale, error):
    """0, a negative or fractional scale once gave an empty matching without a word."""
    w = np.array([[5.0, 4.0], [3.0, 1.5]])
    with pytest.raises(error, match="scale"):
        aidmatch.max_weight_matching(w, scale=scale)
    # Integer weights ignore the scale, but a bad one is refused all the same.
    with pytest.raises(error, match="scale"):
        aidmatch.max_weight_matching(np.array([[1, 2]]), scale=scale)


@pytest.mark.parametrize("scale", [1_000_000, np.int64(1000), np.uint8(7), 1e6, np.float32(100.0)])
def test_scale_takes_any_positive_integer(scale):
    w = np.array([[5.0, 4.0], [3.0, 1.5]])
    assert [r.tolist() for r in aidmatch.max_weight_matching(w, scale=scale)] == [[0, 1], [1, 0]]


def test_capacity_scalar_broadcast():
    w = np.ones((2, 3), dtype=np.int64)
    rows, cols = aidmatch.max_weight_matching(w, row_capacity=3, col_capacity=1)
    assert len(rows) == 3
    rows, cols = aidmatch.max_weight_matching(w, row_capacity=0)
    assert len(rows) == 0


def test_empty_graphs():
    for shape in [(0, 0), (0, 3), (3, 0)]:
        rows, cols = aidmatch.max_weight_matching(np.zeros(shape))
        assert rows.shape == (0,) and cols.shape == (0,) and rows.dtype == np.int64
    rows, cols = aidmatch.max_weight_matching(sp.csr_array((3, 4)))
    assert rows.tolist() == []


def test_bool_weights():
    rows, cols = aidmatch.max_weight_matching(np.array([[True, False], [False, True]]))
    # False is an edge of weight 0 (dense: every entry is an edge).
    assert int(np.array([[1, 0], [0, 1]])[rows, cols].sum()) == 2


# -------------------------------------------------------------------- duals


def test_duals_certify_optimum_without_tiers():
    rng = np.random.default_rng(21)
    for _ in range(300):
        n_rows, n_cols, edges, weights, row_cap, col_cap, _ = random_instance(rng, max_side=6, max_edges=20)
        m = to_csr(n_rows, n_cols, edges, weights)
        rows, cols, y, z = aidmatch.max_weight_matching(
            m, row_capacity=row_cap, col_capacity=col_cap, return_duals=True
        )
        assert y.shape == (n_rows,) and z.shape == (n_cols,)
        assert (y >= 0).all() and (z >= 0).all()
        matched = set(zip(rows.tolist(), cols.tolist()))
        for (r, c), w in zip(edges, weights):
            reduced = int(w) - int(y[r]) - int(z[c])
            if reduced > 0:
                assert (r, c) in matched
            if reduced < 0:
                assert (r, c) not in matched
        row_load = np.bincount(rows, minlength=n_rows)[:n_rows]
        col_load = np.bincount(cols, minlength=n_cols)[:n_cols]
        assert ((y == 0) | (row_load == row_cap)).all()
        assert ((z == 0) | (col_load == col_cap)).all()


# ------------------------------------------------------------------- errors


def test_error_column_out_of_range():
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(([1, 2], [0, 5], [0, 1, 2], (2, 3)))
    assert (e.value.row, e.value.column, e.value.value) == (1, 5, 5)
    assert isinstance(e.value, ValueError)


def test_error_duplicate_edge_in_tuple():
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(([1, 2, 3], [0, 1, 1], [0, 1, 3], (2, 2)))
    assert (e.value.row, e.value.column) == (1, 1)
    assert "duplicate" in str(e.value)


def test_error_negative_index_and_bad_indptr():
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(([1], [-1], [0, 1], (1, 2)))
    assert e.value.row == 0 and e.value.value == -1
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(([1], [0], [0, 1, 1], (1, 2)))  # indptr too long
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(([1], [0], [1, 1], (1, 2)))  # indptr[0] != 0
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(([1], [0], [0, 2], (1, 2)))  # past the data
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(([1, 2], [0], [0, 1], (1, 2)))  # data/indices lengths
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(([1], [0], [0, 1], (1, -2)))
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(([1], [0], [0, 1], "ab"))


@pytest.mark.parametrize(
    "csr, says, not_says",
    [
        (([5, 4], [0, 1], [0, 2, 1], (2, 3)), "indptr must not decrease: indptr[2] = 1 is less than indptr[1] = 2", "length"),
        (([5], [0], [0, 5], (1, 3)), "indptr[-1] = 5 must equal the number of entries, len(indices) = 1", "length 5"),
        (([5], [0], [0], (1, 3)), "indptr has length 1, expected shape[0] + 1 = 2", "row_start"),
        (([5, 6], [0], [0, 1], (1, 3)), "data has length 2 but indices has length 1", "weights"),
        (([5], [7], [0, 1], (1, 3)), "indices[0] = 7 is not a column: shape[1] is 3", "arc"),
        (([1, 2, 3], [0, 1, 1], [0, 1, 3], (2, 2)), "duplicate edge: column 1 appears twice in row 1 (indices[1] and indices[2])", "arc"),
    ],
)
def test_csr_errors_name_the_arrays_as_passed(csr, says, not_says):
    """Not the solver's names (row_start, arcs) nor a length that is not one."""
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(tuple(np.asarray(x) if i < 3 else x for i, x in enumerate(csr)))
    assert says in str(e.value) and not_says not in str(e.value) and "row_start" not in str(e.value)


@pytest.mark.parametrize(
    "kwargs, says",
    [
        ({"row_capacity": [1, 1]}, "row_capacity has length 2, expected one entry per row: shape[0] = 1"),
        ({"col_capacity": [1]}, "col_capacity has length 1, expected one entry per column: shape[1] = 2"),
        ({"row_tier": [1, 1, 1]}, "row_tier has length 3, expected one entry per row: shape[0] = 1"),
        ({"row_tier": [0]}, "row_tier[0] = 0 is outside 1..=255"),
    ],
)
def test_side_array_errors_name_the_argument(kwargs, says):
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(np.array([[1, 2]]), **kwargs)
    assert says in str(e.value) and "row_supply" not in str(e.value)


def test_dense_none_and_pd_na_are_no_edge_like_nan():
    """As NaN; ``linear_sum_assignment`` also reads None as NaN. Integers stay exact."""
    import pandas as pd

    nan_rows = aidmatch.max_weight_matching(np.array([[1.0, np.nan], [2.0, 3.0]]))
    got = aidmatch.max_weight_matching([[1, None], [2, 3]])
    assert [a.tolist() for a in got] == [a.tolist() for a in nan_rows] == [[0, 1], [0, 1]]
    frame = pd.DataFrame({"a": [1, 2], "b": [pd.NA, 3]}, dtype="Int64")
    assert [a.tolist() for a in aidmatch.max_weight_matching(frame)] == [[0, 1], [0, 1]]
    mixed = np.array([[1.5, pd.NA], [None, 2]], dtype=object)
    assert [a.tolist() for a in aidmatch.max_weight_matching(mixed)] == [[0, 1], [0, 1]]
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.max_weight_matching(np.array([[1, "x"]], dtype=object))


def test_error_index_dtypes():
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.max_weight_matching(([1], [0.0], [0, 1], (1, 2)))
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.max_weight_matching(np.array([["a", "b"]]))
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.max_weight_matching(np.array([[1 + 1j]]))
    with pytest.raises(aidmatch.InputTypeError):
        aidmatch.max_weight_matching(np.ones((2, 2)), row_capacity=[1.5, 1])


def test_error_weight_range():
    big = 2**53
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(np.array([[1, 2], [3, big]], dtype=np.int64))
    assert (e.value.row, e.value.column, e.value.value) == (1, 1, big)
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(np.array([[-big]], dtype=np.int64))
    assert e.value.value == -big
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(np.array([[2**64 - 1]], dtype=np.uint64))
    assert e.value.value == 2**64 - 1
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(sp.csr_array(np.array([[0.0, np.inf]])))
    assert (e.value.row, e.value.column) == (0, 1)
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(np.array([[np.inf]]))  # dense +inf is an error


def test_error_weight_range_in_rust():
    """The Rust check too (bypassing the Python one): located at row 1, column 0."""
    from aidmatch import _aidmatch

    i64 = lambda *v: np.array(v, dtype=np.int64)  # noqa: E731
    with pytest.raises(aidmatch.InputError) as e:
        _aidmatch.max_weight_matching_csr(2, 2, i64(0, 1, 2), i64(1, 0), i64(1, 2**53))
    assert (e.value.row, e.value.column, e.value.value) == (1, 0, 2**53)


def test_error_capacities():
    w = np.ones((2, 3), dtype=np.int64)
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(w, row_capacity=[1, -1])
    assert (e.value.row, e.value.column, e.value.value) == (1, None, -1)
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(w, col_capacity=[1, 2**32, 1])
    assert (e.value.row, e.value.column, e.value.value) == (None, 1, 2**32)
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(w, col_capacity=[1, 1])
    assert "col_capacity" in str(e.value)
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(w, row_capacity=[[1, 1]])


def test_limits_are_the_solvers():
    assert aidmatch.MAX_WEIGHT == 2**53 - 1
    assert aidmatch._aidmatch.MAX_TIER == 255
    w = np.array([[aidmatch.MAX_WEIGHT, -aidmatch.MAX_WEIGHT]], dtype=np.int64)
    assert aidmatch.max_weight_matching(w)[1].tolist() == [0]


def test_error_tiers():
    w = np.ones((2, 2), dtype=np.int64)
    for bad in (0, 256, -1):
        with pytest.raises(aidmatch.InputError) as e:
            aidmatch.max_weight_matching(w, row_tier=[1, bad])
        assert e.value.row == 1 and e.value.value == bad
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(w, row_tier=[1, 2, 3])


def test_error_tier_overflow():
    # 255 tiers, heavy weights: the lexicographic bonuses exceed 128 bits.
    n = 255
    w = np.full((n, 1), 2**53 - 1, dtype=np.int64)
    with pytest.raises(aidmatch.InputError) as e:
        aidmatch.max_weight_matching(w, row_tier=np.arange(1, n + 1), row_capacity=2**31)
    assert "overflow" in str(e.value)


def test_error_dense_shape():
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching(np.zeros(3))
    with pytest.raises(aidmatch.InputError):
        aidmatch.max_weight_matching([[1, 2], [3]])


def test_every_error_is_an_aidmatch_error():
    cases = [
        lambda: aidmatch.max_weight_matching(np.zeros(3)),
        lambda: aidmatch.max_weight_matching(np.array([["a"]])),
        lambda: aidmatch.max_weight_matching(([1], [5], [0, 1], (1, 2))),
        lambda: aidmatch.linear_sum_assignment([[np.nan]]),
        lambda: aidmatch.linear_sum_assignment([[1j]]),
    ]
    for case in cases:
        with pytest.raises(aidmatch.AidmatchError):
            case()


def test_internal_error_is_not_a_panic_exception():
    from aidmatch import _aidmatch

    with pytest.raises(aidmatch.InternalError) as e:
        _aidmatch._panic_for_tests("boom")
    assert "boom" in str(e.value) and "internal error" in str(e.value)
    assert isinstance(e.value, aidmatch.AidmatchError)


def test_small_exhaustive_all_capacity_patterns():
    """Every 2 × 2 graph (subset of 4 edges) × capacities 0..2 × weights from a small set."""
    count = 0
    for mask in range(16):
        edges = [(r, c) for r in range(2) for c in range(2) if mask >> (2 * r + c) & 1]
        for weights in itertools.product([-1, 0, 3], repeat=len(edges)):
            for caps in itertools.product(range(3), repeat=4):
                row_cap, col_cap = np.array(caps[:2]), np.array(caps[2:])
                rows, cols = aidmatch.max_weight_matching(
                    to_csr(2, 2, edges, weights), row_capacity=row_cap, col_capacity=col_cap
                )
                chosen = check_feasible(2, 2, edges, row_cap, col_cap, rows, cols)
                got = score(1, edges, weights, None, chosen)
                best = brute_force(2, 2, edges, weights, row_cap, col_cap, None)
                assert got[-1] == best[-1]
                count += 1
    assert count > 5000
