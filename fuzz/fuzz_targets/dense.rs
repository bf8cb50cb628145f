//! The dense solvers (`i64` with an optional mask, and `f64`) on arbitrary numbers.
//!
//! Properties: no panic; an answer verifies with the certificate checker; on tiny sizes
//! (at most 6 × 6) its objective equals the brute-force reference, and a typed error is
//! the right one (`Infeasible` only when brute force finds no assignment,
//! `CostOutOfRange` / `FloatCostOutOfRange` / `InvalidEntry` only for such an entry).
#![no_main]

use aidmatch_assign::dense::{Sense, linear_sum_assignment, linear_sum_assignment_i64};
use aidmatch_assign::verify::{verify_dense_f64, verify_dense_i64};
use aidmatch_assign::{AssignError, MAX_WEIGHT, reference};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

const EDGES_I64: [i64; 10] = [
    MAX_WEIGHT,
    -MAX_WEIGHT,
    MAX_WEIGHT + 1,
    -MAX_WEIGHT - 1,
    i64::MAX,
    i64::MIN,
    i32::MAX as i64,
    i32::MIN as i64,
    i16::MAX as i64 + 1,
    -(i16::MAX as i64) - 1,
];

fn int(u: &mut Unstructured) -> Result<i64> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => *u.choose(&EDGES_I64)?,
        1 => u.arbitrary()?,
        2 | 3 => u.int_in_range(-1_000_000..=1_000_000)?,
        _ => u.int_in_range(-9..=9)?,
    })
}

fn float(u: &mut Unstructured) -> Result<f64> {
    Ok(match u.int_in_range(0u8..=9)? {
        0 => *u.choose(&[
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::NAN,
            f64::MAX,
            f64::MIN_POSITIVE,
            1e300,
            -1e300,
            9007199254740993.0,
            0.1,
            -0.0,
        ])?,
        1 => u.arbitrary()?,
        2 | 3 => f64::from(u.int_in_range(-1_000_000..=1_000_000)?) / 8.0,
        4 => f64::from(u.int_in_range(-100_000..=100_000)?) * 1e-3,
        _ => f64::from(u.int_in_range(-9i32..=9)?),
    })
}

fn sense(u: &mut Unstructured) -> Result<Sense> {
    Ok(if u.arbitrary()? {
        Sense::Maximize
    } else {
        Sense::Minimize
    })
}

fn run(u: &mut Unstructured) -> Result<()> {
    let big = u.ratio(1u8, 8u8)?;
    let max = if big { 40 } else { 6 };
    let rows = u.int_in_range(0..=max)?;
    let cols = u.int_in_range(0..=max)?;
    let tiny = rows <= 6 && cols <= 6;
    let sense = sense(u)?;
    if u.arbitrary()? {
        let mut costs = Vec::with_capacity(rows * cols);
        for _ in 0..rows * cols {
            costs.push(int(u)?);
        }
        let mask: Option<Vec<bool>> = if u.arbitrary()? {
            let mut m = Vec::with_capacity(rows * cols);
            for _ in 0..rows * cols {
                m.push(u.ratio(4u8, 5u8)?);
            }
            Some(m)
        } else {
            None
        };
        let allowed = mask.as_deref();
        let permitted = |k: usize| allowed.is_none_or(|a| a[k]);
        let out_of_range =
            (0..rows * cols).any(|k| permitted(k) && costs[k].unsigned_abs() > MAX_WEIGHT as u64);
        match linear_sum_assignment_i64(&costs, rows, cols, allowed, sense) {
            Ok(a) => {
                assert!(!out_of_range, "accepted a cost beyond MAX_WEIGHT");
                if let Err(v) = verify_dense_i64(&costs, rows, cols, allowed, sense, &a) {
                    panic!(
                        "i64 result does not verify: {v:?}\n{rows}x{cols} {costs:?} {allowed:?} {sense:?}\n{a:?}"
                    );
                }
                if tiny {
                    let best = reference::dense_i64(&costs, rows, cols, allowed, sense);
                    assert_eq!(
                        Some(a.objective()),
                        best,
                        "i64 objective differs from brute force"
                    );
                }
            }
            Err(AssignError::CostOutOfRange {
                row, col, value, ..
            }) => {
                assert!(out_of_range, "CostOutOfRange without such a cost");
                assert_eq!(costs[row * cols + col], value);
            }
            Err(AssignError::Infeasible) => {
                assert!(!out_of_range || !tiny);
                if tiny {
                    assert_eq!(
                        reference::dense_i64(&costs, rows, cols, allowed, sense),
                        None,
                        "Infeasible but brute force found an assignment"
                    );
                }
            }
            Err(e) => panic!("unexpected error {e:?}"),
        }
    } else {
        let mut costs = Vec::with_capacity(rows * cols);
        for _ in 0..rows * cols {
            costs.push(float(u)?);
        }
        let bad = match sense {
            Sense::Minimize => f64::NEG_INFINITY,
            Sense::Maximize => f64::INFINITY,
        };
        let invalid = costs.iter().any(|c| c.is_nan() || *c == bad);
        match linear_sum_assignment(&costs, rows, cols, sense) {
            Ok(a) => {
                assert!(!invalid, "accepted NaN or a wrong-sign infinity");
                // Costs that are integers below 2^31 are solved exactly (integer
                // arithmetic): the certificate must hold with zero tolerance. Other floats
                // are solved in f64 as scipy does: the certificate holds up to rounding
                // relative to the largest finite magnitude (a cost of 1e163 absorbs a
                // cost of 8 in any dual sum).
                let max_abs = costs
                    .iter()
                    .filter(|c| c.is_finite())
                    .fold(0.0f64, |m, c| m.max(c.abs()));
                let integral = costs
                    .iter()
                    .filter(|c| c.is_finite())
                    .all(|c| c.fract() == 0.0 && c.abs() <= f64::from(i32::MAX));
                let tolerance = if integral {
                    0.0
                } else {
                    1e-9 * (1.0 + max_abs)
                };
                if let Err(v) = verify_dense_f64(&costs, rows, cols, sense, &a, tolerance) {
                    panic!(
                        "f64 result does not verify: {v:?}\n{rows}x{cols} {costs:?} {sense:?}\n{a:?}"
                    );
                }
                if tiny {
                    if let Some(best) = reference::dense_f64(&costs, rows, cols, sense) {
                        let scale = if integral {
                            0.0
                        } else {
                            costs
                                .iter()
                                .filter(|c| c.is_finite())
                                .fold(1.0f64, |s, c| s + c.abs())
                        };
                        assert!(
                            (a.objective() - best).abs() <= 1e-9 * scale,
                            "f64 objective {} differs from brute force {best}",
                            a.objective()
                        );
                    } else {
                        panic!("solver found an assignment brute force did not");
                    }
                }
            }
            Err(AssignError::FloatCostOutOfRange { row, col, value, limit }) => {
                assert!(!invalid);
                let n = rows.min(cols) as f64;
                assert_eq!(limit, f64::MAX / (4.0 * (n + 1.0)));
                assert_eq!(costs[row * cols + col], value);
                assert!(value.is_finite() && value.abs() > limit);
            }
            Err(AssignError::InvalidEntry { row, col, value }) => {
                assert!(invalid);
                let c = costs[row * cols + col];
                assert!(c.is_nan() && value.is_nan() || c == value);
            }
            Err(AssignError::Infeasible) => {
                assert!(!invalid);
                if tiny {
                    assert_eq!(
                        reference::dense_f64(&costs, rows, cols, sense),
                        None,
                        "Infeasible but brute force found an assignment"
                    );
                }
            }
            Err(e) => panic!("unexpected error {e:?}"),
        }
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});
