//! The spec's example (`tests/data/spec-example`, a copy of `shared/spec/example`) end to
//! end under the default policy on 2024-10-01. The expected result was derived by hand
//! from the spec's rules and the default policy, need by need:
//!
//! * N001 (orphan, tier 1) → R01, 3000 yuan (max_per_need 3000);
//! * N002 (dibao + severe_disabled, urgent, tier 2) → R02, 24 hours;
//! * N003 (dibao_edge, tier 3) → R03, 10000 of the 12000 asked (max_per_need);
//! * N004 (same household) has only R04, the cadre its household is excluded from →
//!   `excluded_conflict`;
//! * N005 has only R05 (an enterprise) and no consent → `no_consent`;
//! * N006 (dibao + serious illness, urgent, tier 2) → R03, 10000 of 20000;
//! * N007 (unsupported child, tier 1) → R06, 6 hours;
//! * N008 (emergency, tier 1) → R07 (government goods).
//!
//! Referrals with the default provincial line of 700 yuan: H1001 (income 0, no dibao) and
//! H1006 (300) and H1007 (0) for dibao; H1006 for the child allowance; H1007's emergency
//! for temporary assistance. H1003 (980, between the line and 1.5 × the line) is already
//! recognised as dibao_edge, so it is not referred again.

use std::path::PathBuf;

use aidmatch::io::{ReadOptions, read_inputs};
use aidmatch::report::{ReferralProgram, UnmatchedReason};
use aidmatch::{Policy, RunOptions};

use super::engine_support::{as_of, check_invariants};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/spec-example")
        .join(name)
}

#[test]
fn spec_example_end_to_end() {
    let exclusions = data("exclusions.csv");
    let inputs = read_inputs(
        data("needs.csv"),
        data("supply.csv"),
        Some(exclusions.as_path()),
        &ReadOptions::default(),
    )
    .expect("the spec example reads");
    let policy = Policy::default();
    let r = aidmatch::run(&inputs, &policy, &RunOptions::new(as_of())).expect("run");
    check_invariants(&inputs, &policy, as_of(), &r);

    let got: Vec<(&str, &str, String, u8, bool)> = r
        .assignments
        .iter()
        .map(|a| {
            (
                a.need_id.as_str(),
                a.resource_id.as_str(),
                a.quantity.to_string(),
                a.tier,
                a.fast_track,
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("N001", "R01", "3000".to_owned(), 1, true),
            ("N002", "R02", "24".to_owned(), 2, true),
            ("N003", "R03", "10000".to_owned(), 3, true),
            ("N006", "R03", "10000".to_owned(), 2, true),
            ("N007", "R06", "6".to_owned(), 1, true),
            ("N008", "R07", "1".to_owned(), 1, false),
        ]
    );
    // N001 → R01: base 100, orphan 50, education-only offer 20, city-wide 10, the
    // provider's priority (orphan) 25, 4 full weeks since 2024-09-02: 8.
    assert_eq!(r.assignments[0].score, 213);
    assert_eq!(
        r.assignments[0].why,
        "base=100;urgency=0;severity=50;category=20;proximity=10;priority=25;waiting=8;continuity=0"
    );

    let unmatched: Vec<(&str, UnmatchedReason)> = r
        .unmatched
        .iter()
        .map(|u| (u.need_id.as_str(), u.reason))
        .collect();
    assert_eq!(
        unmatched,
        vec![
            ("N004", UnmatchedReason::ExcludedConflict),
            ("N005", UnmatchedReason::NoConsent)
        ]
    );
    assert_eq!(
        r.unmatched[0].detail,
        "1 resource serves care_visit in 610103 but is excluded for this household (conflict of interest)"
    );
    assert_eq!(
        r.unmatched[1].detail,
        "1 resource serves employment in 610113 but is not government help and consent to charity referral was not given"
    );

    let referrals: Vec<(&str, &str, ReferralProgram)> = r
        .referrals
        .iter()
        .map(|x| (x.household_id.as_str(), x.need_id.as_str(), x.program))
        .collect();
    assert_eq!(
        referrals,
        vec![
            ("H1001", "N001", ReferralProgram::Dibao),
            ("H1006", "N007", ReferralProgram::Dibao),
            ("H1006", "N007", ReferralProgram::ChildAllowance),
            ("H1007", "N008", ReferralProgram::Dibao),
            ("H1007", "N008", ReferralProgram::Temporary),
        ]
    );

    let s = &r.summary;
    assert_eq!(s.objective.assigned_by_tier, vec![3, 2, 1]);
    assert!(s.certificate.verified);
    assert!(s.budget.exact);
    assert_eq!(s.counts.households, 7);
    assert_eq!(s.counts.eligible_pairs, 6);
    assert_eq!(s.coverage.by_county["610103"].needs, 4);
    assert_eq!(s.coverage.by_county["610103"].assigned, 3);
    assert_eq!(s.unmatched_by_reason["excluded_conflict"], 1);

    // The explanation of the excluded need names the resource and the failed check.
    let e = r.explain("N004").expect("known");
    assert!(e.eligible.is_empty());
    assert_eq!(e.near_misses[0].resource_id, "R04");
    assert_eq!(e.near_misses[0].failed, vec!["exclusion"]);
    assert_eq!(e.household_matched, 1);
}
