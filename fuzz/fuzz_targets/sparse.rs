//! The sparse b-matching solver on arbitrary small problems.
//!
//! Arbitrary rows, columns, arcs (duplicates and out-of-range indices included), weights
//! (edges of the range included), arc capacities, supplies, column and group
//! capacities, and tiers. Properties: building either succeeds or is a typed error; a
//! solve either verifies with the certificate checker or is `TierOverflow`; when brute
//! force is affordable the optimum equals `reference::sparse` (tier quantities and
//! weight for tiered problems, weight otherwise); a warm start from the optimum gives the
//! same optimum.
#![no_main]

use aidmatch_assign::sparse::{Options, WarmStart, solve, solve_warm};
use aidmatch_assign::{AssignError, MAX_TIER, MAX_WEIGHT, ProblemBuilder, reference, verify};
use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;

fn weight(u: &mut Unstructured) -> Result<i64> {
    Ok(match u.int_in_range(0u8..=7)? {
        0 => *u.choose(&[
            MAX_WEIGHT,
            -MAX_WEIGHT,
            MAX_WEIGHT + 1,
            i64::MIN,
            i64::MAX,
            0,
        ])?,
        1 => u.int_in_range(-MAX_WEIGHT..=MAX_WEIGHT)?,
        2 => u.int_in_range(-1000..=1000)?,
        _ => u.int_in_range(-3..=12)?,
    })
}

fn cap(u: &mut Unstructured, wide: bool) -> Result<u32> {
    Ok(if wide && u.ratio(1u8, 16u8)? {
        *u.choose(&[u32::MAX, u32::MAX - 1, 1 << 31])?
    } else {
        u.int_in_range(0..=3)?
    })
}

fn run(u: &mut Unstructured) -> Result<()> {
    let rows = u.int_in_range(0usize..=5)?;
    let cols = u.int_in_range(0usize..=5)?;
    let n_arcs = u.int_in_range(0usize..=9)?;
    let mut b = ProblemBuilder::new(rows, cols);
    let wide = u.ratio(1u8, 4u8)?;
    for _ in 0..n_arcs {
        let r = u.int_in_range(0..=rows)?; // `rows` itself is out of range
        let c = u.int_in_range(0..=cols)?;
        let w = weight(u)?;
        if u.arbitrary()? {
            b.arc_with_cap(r, c, w, cap(u, wide)?);
        } else {
            b.arc(r, c, w);
        }
    }
    if u.arbitrary()? {
        let mut s = Vec::new();
        for _ in 0..rows {
            s.push(cap(u, wide)?);
        }
        b.row_supply(s);
    }
    if u.arbitrary()? {
        let mut s = Vec::new();
        for _ in 0..cols {
            s.push(cap(u, wide)?);
        }
        b.col_capacity(s);
    }
    if u.arbitrary()? {
        let mut t = Vec::new();
        for _ in 0..rows {
            t.push(if u.ratio(1u8, 20u8)? {
                *u.choose(&[0, MAX_TIER, MAX_TIER + 1, u32::MAX])?
            } else {
                u.int_in_range(1..=4)?
            });
        }
        b.row_tier(t);
    }
    if u.arbitrary()? {
        let n_groups = u.int_in_range(1usize..=3)?;
        let mut g = Vec::new();
        for _ in 0..rows {
            g.push(u.int_in_range(0..=n_groups)?);
        }
        let mut c = Vec::new();
        for _ in 0..n_groups {
            c.push(cap(u, wide)?);
        }
        b.groups(g, c);
    }
    let Ok(p) = b.build() else {
        return Ok(());
    };
    let parallel = u.arbitrary()?;
    let opts = Options {
        parallel,
        cancel: None,
    };
    let m = match solve(&p, &opts) {
        Ok(m) => m,
        Err(AssignError::TierOverflow { .. }) => return Ok(()),
        Err(e) => panic!("unexpected error {e:?} on {p:?}"),
    };
    if let Err(v) = verify::verify(&p, &m) {
        panic!("result does not verify: {v:?}\n{p:?}\n{m:?}");
    }
    // Brute force only when the flow space is small.
    let mut space: u64 = 1;
    for row in 0..p.n_rows() {
        for arc in p.arcs_of(row) {
            let mut hi = p
                .arc_cap(arc)
                .min(p.row_supply(row))
                .min(p.col_capacity(p.arc_col(arc)));
            if let Some(g) = p.row_group(row) {
                hi = hi.min(p.group_capacity(g));
            }
            space = space.saturating_mul(u64::from(hi) + 1);
        }
    }
    if space <= 50_000 {
        let (q, w) = reference::sparse(&p);
        assert_eq!(m.weight(&p), w, "weight differs from brute force on {p:?}");
        if reference::is_tiered(&p) {
            assert_eq!(
                m.quantity_by_tier(&p),
                q,
                "tier quantities differ from brute force on {p:?}"
            );
        }
    }
    let warm = WarmStart::from_matching(&p, &m);
    match solve_warm(&p, &warm, &opts) {
        Ok(m2) => {
            if let Err(v) = verify::verify(&p, &m2) {
                panic!("warm result does not verify: {v:?}\n{p:?}");
            }
            assert_eq!(m2.weight(&p), m.weight(&p), "warm start changed the weight");
        }
        Err(e) => panic!("warm start from the optimum failed: {e:?} on {p:?}"),
    }
    Ok(())
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    let _ = run(&mut u);
});
