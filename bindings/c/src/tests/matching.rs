//! aidmatch_max_weight_matching and its handles, called as a C host would.

use super::util::*;
use crate::*;

/// A CSR problem owned by the test.
struct Csr {
    n_rows: usize,
    n_cols: usize,
    indptr: Vec<usize>,
    indices: Vec<usize>,
    weights: Vec<i64>,
    col_capacity: Vec<u32>,
    row_capacity: Option<Vec<u32>>,
    row_tier: Option<Vec<u32>>,
}

/// Three households, two resources:
/// row 0 → col 0 (5), col 1 (3); row 1 → col 0 (4); row 2 → col 1 (1).
fn story() -> Csr {
    Csr {
        n_rows: 3,
        n_cols: 2,
        indptr: vec![0, 2, 3, 4],
        indices: vec![0, 1, 0, 1],
        weights: vec![5, 3, 4, 1],
        col_capacity: vec![1, 1],
        row_capacity: None,
        row_tier: None,
    }
}

fn opt<T>(v: &Option<Vec<T>>) -> (*const T, usize) {
    v.as_ref()
        .map_or((std::ptr::null(), 0), |v| (v.as_ptr(), v.len()))
}

/// The pairs (row, column, units) and the total weight of a solve.
type Solved = (Vec<(usize, usize, u32)>, i64);

/// Solves; on success returns (pairs, weight) and frees the handle.
fn solve(
    p: &Csr,
    interrupt: *const aidmatch_interrupt,
    err: &ErrObj,
) -> Result<Solved, aidmatch_status> {
    let mut out: *mut aidmatch_matching = std::ptr::null_mut();
    let (rc, rcl) = opt(&p.row_capacity);
    let (rt, rtl) = opt(&p.row_tier);
    // SAFETY: every buffer is valid for its length.
    let s = unsafe {
        aidmatch_max_weight_matching(
            p.n_rows,
            p.n_cols,
            p.indptr.as_ptr(),
            p.indptr.len(),
            p.indices.as_ptr(),
            p.indices.len(),
            p.weights.as_ptr(),
            p.weights.len(),
            p.col_capacity.as_ptr(),
            p.col_capacity.len(),
            rc,
            rcl,
            rt,
            rtl,
            interrupt,
            &mut out,
            err.0,
        )
    };
    if s != AIDMATCH_STATUS_OK {
        assert!(out.is_null(), "no handle on failure");
        return Err(s);
    }
    assert!(!out.is_null());
    // SAFETY: a live handle; the arrays have `len` elements.
    let result = unsafe {
        let len = aidmatch_matching_len(out);
        let pairs = if len == 0 {
            Vec::new()
        } else {
            let rows = std::slice::from_raw_parts(aidmatch_matching_rows(out), len);
            let cols = std::slice::from_raw_parts(aidmatch_matching_cols(out), len);
            let units = std::slice::from_raw_parts(aidmatch_matching_units(out), len);
            (0..len).map(|k| (rows[k], cols[k], units[k])).collect()
        };
        let mut w = 0;
        assert_eq!(
            aidmatch_matching_weight(out, &mut w, err.0),
            AIDMATCH_STATUS_OK
        );
        aidmatch_matching_free(out);
        (pairs, w)
    };
    Ok(result)
}

#[test]
fn the_story_matches_for_the_most_weight() {
    let err = ErrObj::new();
    // 3 + 4 = 7 beats 5 + 1 = 6.
    assert_eq!(
        solve(&story(), std::ptr::null(), &err),
        Ok((vec![(0, 1, 1), (1, 0, 1)], 7))
    );
}

#[test]
fn tiers_come_before_weight() {
    let err = ErrObj::new();
    let mut p = story();
    // Row 2 is urgent (tier 1): it must get column 1; then row 0 takes column 0 (5 > 4).
    p.row_tier = Some(vec![2, 2, 1]);
    assert_eq!(
        solve(&p, std::ptr::null(), &err),
        Ok((vec![(0, 0, 1), (2, 1, 1)], 6))
    );
}

#[test]
fn capacities_give_several_units() {
    let err = ErrObj::new();
    let mut p = story();
    p.col_capacity = vec![2, 2];
    p.row_capacity = Some(vec![2, 1, 1]);
    // Everyone can be served: row 0 takes both columns.
    let (pairs, w) = solve(&p, std::ptr::null(), &err).expect("solves");
    assert_eq!(pairs, vec![(0, 0, 1), (0, 1, 1), (1, 0, 1), (2, 1, 1)]);
    assert_eq!(w, 13);
}

#[test]
fn an_empty_problem_has_an_empty_matching() {
    let err = ErrObj::new();
    let p = Csr {
        n_rows: 0,
        n_cols: 0,
        indptr: vec![0],
        indices: vec![],
        weights: vec![],
        col_capacity: vec![],
        row_capacity: None,
        row_tier: None,
    };
    assert_eq!(solve(&p, std::ptr::null(), &err), Ok((vec![], 0)));
}

#[test]
fn inconsistent_arrays_are_invalid_input_with_the_solver_message() {
    let err = ErrObj::new();
    let mut p = story();
    p.indptr.pop();
    assert_eq!(
        solve(&p, std::ptr::null(), &err),
        Err(AIDMATCH_STATUS_INVALID_INPUT)
    );
    assert_eq!(
        err.message(),
        "indptr has length 3, expected n_rows + 1 = 4"
    );

    let mut p = story();
    p.indices[3] = 2;
    assert_eq!(
        solve(&p, std::ptr::null(), &err),
        Err(AIDMATCH_STATUS_INVALID_INPUT)
    );
    assert_eq!(err.value().as_deref(), Some("2"));

    let mut p = story();
    p.indices[1] = 0;
    assert_eq!(
        solve(&p, std::ptr::null(), &err),
        Err(AIDMATCH_STATUS_INVALID_INPUT)
    );
    assert!(err.message().contains("duplicate"), "{}", err.message());
    assert_eq!((err.row(), err.column().as_deref()), (0, Some("0")));

    let mut p = story();
    p.weights[2] = i64::MIN;
    assert_eq!(
        solve(&p, std::ptr::null(), &err),
        Err(AIDMATCH_STATUS_INVALID_INPUT)
    );
    assert_eq!(err.value(), Some(i64::MIN.to_string()));

    let mut p = story();
    p.row_tier = Some(vec![1, 0, 1]);
    assert_eq!(
        solve(&p, std::ptr::null(), &err),
        Err(AIDMATCH_STATUS_INVALID_INPUT)
    );
    assert_eq!((err.row(), err.value().as_deref()), (1, Some("0")));

    let mut p = story();
    p.col_capacity = vec![1];
    assert_eq!(
        solve(&p, std::ptr::null(), &err),
        Err(AIDMATCH_STATUS_INVALID_INPUT)
    );
    assert!(err.message().contains("col_capacity"), "{}", err.message());

    let mut p = story();
    p.n_rows = usize::MAX;
    assert_eq!(
        solve(&p, std::ptr::null(), &err),
        Err(AIDMATCH_STATUS_INVALID_INPUT)
    );
}

/// The status, message, row, column and value of a refused solve.
fn refusal(p: &Csr) -> (i64, Option<String>, Option<String>, String) {
    let err = ErrObj::new();
    assert_eq!(
        solve(p, std::ptr::null(), &err),
        Err(AIDMATCH_STATUS_INVALID_INPUT)
    );
    (err.row(), err.column(), err.value(), err.message())
}

fn some(s: &str) -> Option<String> {
    Some(s.to_owned())
}

#[test]
fn indptr_problems_name_indptr_and_say_what_is_wrong() {
    let mut p = story();
    p.indptr = vec![0, 2, 1, 4];
    assert_eq!(
        refusal(&p),
        (
            1,
            some("indptr"),
            some("1"),
            "indptr decreases at row 1: indptr[1] = 2 > indptr[2] = 1 (it must never \
             decrease)"
                .to_owned()
        )
    );
    let mut p = story();
    p.indptr = vec![0, 2, 3, 3];
    assert_eq!(
        refusal(&p),
        (
            -1,
            some("indptr"),
            some("3"),
            "indptr[n_rows] = indptr[3] is 3, but indices and weights have 4 entries (it \
             must be the number of arcs)"
                .to_owned()
        )
    );
    // A first offset above 0 would silently drop the arcs before it.
    let mut p = story();
    p.indptr = vec![1, 2, 3, 4];
    assert_eq!(
        refusal(&p),
        (
            0,
            some("indptr"),
            some("1"),
            "indptr[0] is 1, expected 0".to_owned()
        )
    );
    let mut p = story();
    p.indptr = vec![];
    p.n_rows = 0;
    p.indices.clear();
    p.weights.clear();
    assert_eq!(
        refusal(&p),
        (
            -1,
            some("indptr_len"),
            some("0"),
            "indptr has length 0, expected n_rows + 1 = 1".to_owned()
        )
    );
    let mut p = story();
    p.weights.pop();
    assert_eq!(
        refusal(&p),
        (
            -1,
            some("weights_len"),
            some("3"),
            "weights has 3 entries, but indices has 4: one weight per arc".to_owned()
        )
    );
    let mut p = story();
    p.row_capacity = Some(vec![1, 1]);
    assert_eq!(
        refusal(&p),
        (
            -1,
            some("row_capacity_len"),
            some("2"),
            "row_capacity has length 2, expected n_rows = 3".to_owned()
        )
    );
}

#[test]
fn arc_problems_are_located_by_row() {
    // Arc 3 is row 2's only arc (indptr 0, 2, 3, 4).
    let mut p = story();
    p.indices[3] = 5;
    assert_eq!(
        refusal(&p),
        (
            2,
            some("indices"),
            some("5"),
            "indices[3] = 5 (an arc of row 2) is not a column: n_cols is 2".to_owned()
        )
    );
    let mut p = story();
    p.weights[2] = 1 << 53;
    assert_eq!(
        refusal(&p),
        (
            1,
            some("0"),
            some("9007199254740992"),
            "weights[2] = 9007199254740992 (row 1, column 0) is outside the supported range \
             ±9007199254740991 (2^53 - 1)"
                .to_owned()
        )
    );
    let mut p = story();
    p.indices[1] = 0;
    assert_eq!(
        refusal(&p),
        (
            0,
            some("0"),
            None,
            "duplicate arc: row 0 has column 0 twice (indices[0] and indices[1])".to_owned()
        )
    );
    let mut p = story();
    p.row_tier = Some(vec![1, 256, 1]);
    assert_eq!(
        refusal(&p),
        (
            1,
            some("row_tier"),
            some("256"),
            "row_tier[1] is 256, expected 1..=255".to_owned()
        )
    );
}

#[test]
fn sizes_above_the_solvers_limits_say_at_most() {
    // n_cols = 2^31 - 1: n_rows + 2 · n_cols = 2^32 + 1, above the limit, refused before
    // the (too short) column capacities are looked at.
    let mut p = story();
    p.n_cols = (1 << 31) - 1;
    let (row, column, value, message) = refusal(&p);
    assert_eq!(
        (row, column, value.as_deref()),
        (-1, None, Some("4294967297"))
    );
    assert_eq!(
        message,
        "n_rows + 2 · n_cols = 3 + 2 · 2147483647 = 4294967297, but the solver takes at most \
         4294967294 (2^32 - 2)"
    );
    let mut p = story();
    p.n_rows = 0;
    p.n_cols = usize::MAX;
    p.indptr = vec![0];
    p.indices.clear();
    p.weights.clear();
    let (_, _, _, message) = refusal(&p);
    assert!(message.contains("at most 4294967294"), "{message}");
}

#[test]
fn null_arguments_are_null_parameters() {
    let err = ErrObj::new();
    let p = story();
    let mut out: *mut aidmatch_matching = std::ptr::null_mut();
    // SAFETY: NULL buffers with non-zero lengths are rejected before any read.
    unsafe {
        let s = aidmatch_max_weight_matching(
            3,
            2,
            p.indptr.as_ptr(),
            4,
            std::ptr::null(),
            4,
            p.weights.as_ptr(),
            4,
            p.col_capacity.as_ptr(),
            2,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
            &mut out,
            err.0,
        );
        assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
        assert_eq!(err.message(), "argument `indices` is NULL");
        let s = aidmatch_max_weight_matching(
            3,
            2,
            p.indptr.as_ptr(),
            4,
            p.indices.as_ptr(),
            4,
            p.weights.as_ptr(),
            4,
            p.col_capacity.as_ptr(),
            2,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
            std::ptr::null_mut(),
            err.0,
        );
        assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
        assert_eq!(err.message(), "argument `out` is NULL");
        let s = aidmatch_max_weight_matching(
            3,
            2,
            p.indptr.as_ptr(),
            4,
            p.indices.as_ptr(),
            4,
            p.weights.as_ptr(),
            4,
            p.col_capacity.as_ptr(),
            2,
            std::ptr::null(),
            3,
            std::ptr::null(),
            0,
            std::ptr::null(),
            &mut out,
            err.0,
        );
        assert_eq!(
            s, AIDMATCH_STATUS_INVALID_INPUT,
            "absent optional with a length"
        );
        assert!(out.is_null());
        // Accessors and destructors accept NULL.
        assert_eq!(aidmatch_matching_len(std::ptr::null()), 0);
        assert!(aidmatch_matching_rows(std::ptr::null()).is_null());
        assert!(aidmatch_matching_cols(std::ptr::null()).is_null());
        assert!(aidmatch_matching_units(std::ptr::null()).is_null());
        let mut w = 5;
        assert_eq!(
            aidmatch_matching_weight(std::ptr::null(), &mut w, err.0),
            AIDMATCH_STATUS_NULL_PARAMETER
        );
        assert_eq!(w, 5);
        aidmatch_matching_free(std::ptr::null_mut());
        aidmatch_interrupt_free(std::ptr::null_mut());
        aidmatch_interrupt_trigger(std::ptr::null());
        aidmatch_interrupt_reset(std::ptr::null());
    }
}

#[test]
fn a_triggered_interrupt_stops_the_solve_until_reset() {
    let err = ErrObj::new();
    let interrupt = aidmatch_interrupt_new();
    assert!(!interrupt.is_null());
    // SAFETY: a live handle, freed once at the end.
    unsafe {
        aidmatch_interrupt_trigger(interrupt);
        assert_eq!(
            solve(&story(), interrupt, &err),
            Err(AIDMATCH_STATUS_INTERRUPTED)
        );
        assert_eq!(err.message(), "the solve was interrupted");
        aidmatch_interrupt_reset(interrupt);
        assert_eq!(solve(&story(), interrupt, &err).map(|r| r.1), Ok(7));
        aidmatch_interrupt_free(interrupt);
    }
}

#[test]
fn a_total_weight_beyond_int64_is_out_of_range() {
    let err = ErrObj::new();
    // 1100 rows each give one unit of weight 2^53 - 1 to one column of capacity 1100:
    // the total, about 9.9e18, exceeds INT64_MAX (about 9.2e18).
    let n = 1100;
    let max_weight = (1i64 << 53) - 1;
    let p = Csr {
        n_rows: n,
        n_cols: 1,
        indptr: (0..=n).collect(),
        indices: vec![0; n],
        weights: vec![max_weight; n],
        col_capacity: vec![n as u32],
        row_capacity: None,
        row_tier: None,
    };
    let mut out: *mut aidmatch_matching = std::ptr::null_mut();
    // SAFETY: every buffer is valid for its length.
    let s = unsafe {
        aidmatch_max_weight_matching(
            p.n_rows,
            p.n_cols,
            p.indptr.as_ptr(),
            p.indptr.len(),
            p.indices.as_ptr(),
            n,
            p.weights.as_ptr(),
            n,
            p.col_capacity.as_ptr(),
            1,
            std::ptr::null(),
            0,
            std::ptr::null(),
            0,
            std::ptr::null(),
            &mut out,
            err.0,
        )
    };
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    // SAFETY: a live handle, freed once.
    unsafe {
        assert_eq!(aidmatch_matching_len(out), n);
        let mut w = 17;
        assert_eq!(
            aidmatch_matching_weight(out, &mut w, err.0),
            AIDMATCH_STATUS_OUT_OF_RANGE
        );
        assert_eq!(w, 17, "untouched");
        let exact = i128::from(max_weight) * n as i128;
        assert_eq!(err.value(), Some(exact.to_string()));
        aidmatch_matching_free(out);
    }
}
