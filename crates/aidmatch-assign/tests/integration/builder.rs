//! `Problem::from_rows` (arcs handed over by row) against the arc-by-arc builder: the
//! same problem, the same errors.
use aidmatch_assign::{AssignError, MAX_WEIGHT, Problem, ProblemBuilder};
use proptest::prelude::*;

/// Rows of (column, weight), columns distinct within a row, in any order.
fn rows(n_cols: u32) -> impl Strategy<Value = Vec<Vec<(u32, i64)>>> {
    prop::collection::vec(
        prop::collection::btree_map(0..n_cols, -50i64..50, 0..n_cols as usize)
            .prop_map(|m| m.into_iter().collect::<Vec<_>>())
            .prop_shuffle(),
        0..8,
    )
}

/// The rows with only their arcs into columns below `n_cols`.
fn below(rows: Vec<Vec<(u32, i64)>>, n_cols: u32) -> Vec<Vec<(u32, i64)>> {
    rows.into_iter()
        .map(|r| r.into_iter().filter(|&(c, _)| c < n_cols).collect())
        .collect()
}

fn csr(rows: &[Vec<(u32, i64)>]) -> (Vec<usize>, Vec<u32>, Vec<i64>) {
    let mut start = vec![0];
    let (mut cols, mut weights) = (Vec::new(), Vec::new());
    for row in rows {
        for &(c, w) in row {
            cols.push(c);
            weights.push(w);
        }
        start.push(cols.len());
    }
    (start, cols, weights)
}

/// Tiers, supplies, groups and capacities set alike on both builders.
fn finish(b: &mut ProblemBuilder, n_rows: usize, n_cols: usize) {
    b.row_tier((0..n_rows).map(|r| 1 + (r % 3) as u32).collect());
    b.row_supply((0..n_rows).map(|r| 1 + (r % 2) as u32).collect());
    b.groups(
        (0..n_rows).map(|r| r / 2).collect(),
        vec![1; n_rows.div_ceil(2)],
    );
    b.col_capacity((0..n_cols).map(|c| 1 + (c % 3) as u32).collect());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn from_rows_builds_what_the_builder_builds(n_cols in 1u32..8, rows in rows(8)) {
        let rows = below(rows, n_cols);
        let (n_rows, nc) = (rows.len(), n_cols as usize);
        let mut by_arc = ProblemBuilder::new(n_rows, nc);
        for (r, row) in rows.iter().enumerate() {
            for &(c, w) in row {
                by_arc.arc(r, c as usize, w);
            }
        }
        finish(&mut by_arc, n_rows, nc);
        let expected = by_arc.build().expect("builder");
        let (start, cols, weights) = csr(&rows);
        let mut given = Problem::from_rows(n_rows, nc, start, cols, weights).expect("from_rows");
        finish(&mut given, n_rows, nc);
        prop_assert_eq!(&given.build().expect("build"), &expected);
        prop_assert_eq!(&given.into_problem().expect("into_problem"), &expected);
    }
}

#[test]
fn from_rows_reports_duplicates_in_sorted_and_unsorted_rows() {
    for cols in [vec![0, 2, 2], vec![2, 0, 2]] {
        let err =
            Problem::from_rows(2, 3, vec![0, 0, 3], cols, vec![1, 2, 3]).expect_err("refused");
        assert!(
            matches!(err, AssignError::DuplicateArc { row: 1, col: 2, .. }),
            "{err}"
        );
    }
}

#[test]
fn from_rows_refuses_bad_arrays() {
    let err = Problem::from_rows(1, 2, vec![0, 2], vec![0, 2], vec![1, 1]).expect_err("refused");
    assert!(
        matches!(
            err,
            AssignError::IndexOutOfRange {
                arc: 1,
                side: "column",
                index: 2,
                len: 2
            }
        ),
        "{err}"
    );
    let err =
        Problem::from_rows(1, 2, vec![0, 1], vec![0], vec![MAX_WEIGHT + 1]).expect_err("refused");
    assert!(
        matches!(err, AssignError::WeightOutOfRange { arc: 0, .. }),
        "{err}"
    );
    for start in [vec![0, 1], vec![1, 2, 2], vec![0, 2, 1], vec![0, 1, 3]] {
        let rows = start.len() - 1;
        let err = Problem::from_rows(rows, 2, start, vec![0, 1], vec![1, 1]).expect_err("refused");
        assert!(matches!(err, AssignError::Length { .. }), "{err}");
    }
    let err = Problem::from_rows(1, 2, vec![0, 2], vec![0, 1], vec![1]).expect_err("refused");
    assert!(
        matches!(
            err,
            AssignError::Length {
                what: "weights",
                ..
            }
        ),
        "{err}"
    );
}

#[test]
fn arcs_added_after_from_rows_join_them() {
    let mut given =
        Problem::from_rows(2, 3, vec![0, 2, 3], vec![2, 0, 1], vec![5, 6, 7]).expect("from_rows");
    given.arc(0, 1, 8).arc_with_cap(1, 2, 9, 2);
    let mut by_arc = ProblemBuilder::new(2, 3);
    by_arc
        .arc(0, 0, 6)
        .arc(0, 1, 8)
        .arc(0, 2, 5)
        .arc(1, 1, 7)
        .arc_with_cap(1, 2, 9, 2);
    assert_eq!(
        given.into_problem().expect("given"),
        by_arc.build().expect("by arc")
    );
    let mut dup = Problem::from_rows(1, 2, vec![0, 1], vec![1], vec![5]).expect("from_rows");
    dup.arc(0, 1, 3);
    assert!(matches!(
        dup.build().expect_err("refused"),
        AssignError::DuplicateArc { row: 0, col: 1, .. }
    ));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Dropping slack groups in place gives what `without_slack_groups` gives on a copy.
    #[test]
    fn drop_slack_groups_equals_without_slack_groups(
        n_cols in 1u32..6,
        rows in rows(6),
        caps in prop::collection::vec(0u32..4, 3),
    ) {
        let rows = below(rows, n_cols);
        let (n_rows, nc) = (rows.len(), n_cols as usize);
        let (start, cols, weights) = csr(&rows);
        let mut b = Problem::from_rows(n_rows, nc, start, cols, weights).expect("from_rows");
        b.groups((0..n_rows).map(|r| r % 3).collect(), caps);
        let problem = b.into_problem().expect("problem");
        let mut dropped = problem.clone();
        dropped.drop_slack_groups();
        prop_assert_eq!(&dropped, &*problem.without_slack_groups());
    }
}
