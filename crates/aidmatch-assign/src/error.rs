//! The one error type of this crate.

/// Everything that can go wrong when a solver is given numbers.
///
/// Every variant carries the location of the offending value as fields, so that the
/// layers above can point at the row and column of the user's input.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum AssignError {
    /// The number of entries does not match `rows × cols`.
    #[error("expected a matrix of {rows} × {cols} = {expected} entries, got {got}")]
    Shape {
        rows: usize,
        cols: usize,
        expected: usize,
        got: usize,
    },
    /// A cost is NaN, or an infinity of the wrong sign for the direction of
    /// optimisation (`-inf` when minimising, `+inf` when maximising).
    #[error("matrix contains invalid numeric entries: {value} at row {row}, column {col}")]
    InvalidEntry { row: usize, col: usize, value: f64 },
    /// No assignment of `min(rows, cols)` pairs avoids the forbidden entries.
    #[error("cost matrix is infeasible")]
    Infeasible,
    /// An arc names a row or column outside the problem.
    #[error("arc {arc} names {side} {index}, but there are only {len}")]
    IndexOutOfRange {
        arc: usize,
        side: &'static str,
        index: usize,
        len: usize,
    },
    /// The same (row, column) pair appears twice.
    #[error("duplicate arc from row {row} to column {col} (arcs {first} and {second})")]
    DuplicateArc {
        row: usize,
        col: usize,
        first: usize,
        second: usize,
    },
    /// A weight or cost is outside the range the solver can handle exactly.
    #[error("weight {value} of arc {arc} is outside the supported range ±{limit}")]
    WeightOutOfRange { arc: usize, value: i64, limit: i64 },
    /// A permitted entry of a dense integer cost matrix is outside `±limit`.
    #[error("cost {value} at row {row}, column {col} is outside the supported range ±{limit}")]
    CostOutOfRange {
        row: usize,
        col: usize,
        value: i64,
        limit: i64,
    },
    /// A finite cost of a dense float matrix is so large in magnitude that the sums of
    /// the shortest-path search could overflow to infinity (and be taken for forbidden
    /// pairs): `|c|` must not exceed `limit = f64::MAX / (4 (n + 1))`, `n` the smaller side.
    #[error("cost {value} at row {row}, column {col} is outside the supported range ±{limit}")]
    FloatCostOutOfRange {
        row: usize,
        col: usize,
        value: f64,
        limit: f64,
    },
    /// An array given alongside the problem has the wrong length.
    #[error("{what} has length {got}, expected {expected}")]
    Length {
        what: &'static str,
        expected: usize,
        got: usize,
    },
    /// A tier is outside `1..=MAX_TIER`.
    #[error("row {row} has tier {tier}, expected 1..={max}")]
    TierOutOfRange { row: usize, tier: u32, max: u32 },
    /// The tier bonuses needed for an exact lexicographic optimum do not fit in `i128`.
    #[error(
        "the lexicographic tier weights overflow 128-bit integers ({tiers} tiers, total quantity {quantity})"
    )]
    TierOverflow { tiers: usize, quantity: u128 },
    /// A warm start refers to a row, column or arc the problem does not have.
    #[error("warm start is inconsistent with the problem: {detail}")]
    WarmStart { detail: String },
    /// The solve was cancelled by the caller's interrupt callback.
    #[error("the solve was interrupted")]
    Interrupted,
}
