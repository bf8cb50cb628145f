//! One scenario per rule of the engine: eligibility, tiers, quantities, limits,
//! referrals, reasons, outputs.

use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use aidmatch::explain::OptionState;
use aidmatch::report::{ReferralProgram, UnmatchedReason};
use aidmatch::taxonomy::{Category, Form, Gender, GovProgram, ProviderKind, Status, Urgency};
use aidmatch::{Error, Policy, RunOptions};

use super::engine_support::*;

const REGION: &str = "610103001002";

#[test]
fn consent_blocks_charity_but_not_government() {
    let mut n = need("N1", "H1", REGION, Category::Living);
    n.consent = false;
    let only_charity = inputs(
        vec![n.clone()],
        vec![charity("R1", &[Category::Living], 5, &["6101"])],
    );
    let r = run(&only_charity);
    let u = unmatched(&r, "N1");
    assert_eq!(u.reason, UnmatchedReason::NoConsent);
    assert!(u.detail.contains("consent"), "{}", u.detail);

    let with_gov = inputs(
        vec![n],
        vec![
            charity("R1", &[Category::Living], 5, &["6101"]),
            resource(
                "R2",
                "GOV",
                ProviderKind::Government,
                &[Category::Living],
                5,
                &["61"],
            ),
        ],
    );
    let r = run(&with_gov);
    assert_eq!(where_went(&r, "N1").as_deref(), Some("R2"));
}

#[test]
fn exclusion_is_never_matched() {
    let n = need("N1", "H1", REGION, Category::Medical);
    let mut i = inputs(
        vec![n],
        vec![charity("R1", &[Category::Medical], 5, &["61"])],
    );
    i.exclusions.push(exclusion("H1", "P-R1"));
    let r = run(&i);
    assert_eq!(
        unmatched(&r, "N1").reason,
        UnmatchedReason::ExcludedConflict
    );

    // With a second provider the need goes there, even though the excluded one is closer.
    i.resources
        .push(charity("R2", &[Category::Medical], 5, &["61"]));
    i.resources[0].area = vec!["610103001".parse().expect("area")];
    let r = run(&i);
    assert_eq!(where_went(&r, "N1").as_deref(), Some("R2"));
}

#[test]
fn area_prefix_must_contain_the_region() {
    let needs = vec![
        need("N1", "H1", "610103001002", Category::Education),
        need("N2", "H2", "610113003005", Category::Education),
        need("N3", "H3", "610103", Category::Education),
    ];
    let resources = vec![charity("R1", &[Category::Education], 5, &["610103001"])];
    let r = run(&inputs(needs, resources));
    assert_eq!(where_went(&r, "N1").as_deref(), Some("R1"));
    let u = unmatched(&r, "N2");
    assert_eq!(u.reason, UnmatchedReason::NoEligibleResource);
    assert_eq!(
        u.detail,
        "no resource serves education in 610113 (1 serve education elsewhere)"
    );
    // A county-level code is not known to lie in the township.
    assert_eq!(
        unmatched(&r, "N3").reason,
        UnmatchedReason::NoEligibleResource
    );
}

#[test]
fn age_and_gender_restrictions() {
    let mut child = need("N1", "H1", REGION, Category::Psychological);
    child.age = Some(10);
    let mut adult = need("N2", "H2", REGION, Category::Psychological);
    adult.age = Some(30);
    let unknown = need("N3", "H3", REGION, Category::Psychological);
    let mut r1 = charity("R1", &[Category::Psychological], 10, &["61"]);
    r1.min_age = Some(6);
    r1.max_age = Some(18);
    let r = run(&inputs(vec![child, adult, unknown], vec![r1]));
    assert_eq!(where_went(&r, "N1").as_deref(), Some("R1"));
    let u = unmatched(&r, "N2");
    assert_eq!(u.reason, UnmatchedReason::NoEligibleResource);
    assert_eq!(
        u.detail,
        "1 resource serves psychological in 610103 but serves ages 6 to 18"
    );
    assert!(unmatched(&r, "N3").detail.contains("age not recorded"));

    let mut woman = need("N1", "H1", REGION, Category::Employment);
    woman.gender = Some(Gender::Female);
    let mut man = need("N2", "H2", REGION, Category::Employment);
    man.gender = Some(Gender::Male);
    let mut r1 = charity("R1", &[Category::Employment], 10, &["61"]);
    r1.gender = Some(Gender::Female);
    let r = run(&inputs(vec![woman, man], vec![r1]));
    assert_eq!(where_went(&r, "N1").as_deref(), Some("R1"));
    assert!(unmatched(&r, "N2").detail.contains("female only"));
}

#[test]
fn validity_dates_against_the_run_date() {
    let n = need("N1", "H1", REGION, Category::Housing);
    let mut old = charity("R1", &[Category::Housing], 5, &["61"]);
    old.valid_to = Some(date("2024-09-30"));
    let r = run(&inputs(vec![n.clone()], vec![old.clone()]));
    let u = unmatched(&r, "N1");
    assert_eq!(u.reason, UnmatchedReason::Expired);
    assert!(
        u.detail.contains("no longer valid on 2024-10-01"),
        "{}",
        u.detail
    );

    let mut future = charity("R2", &[Category::Housing], 5, &["61"]);
    future.valid_from = Some(date("2024-10-02"));
    let r = run(&inputs(vec![n.clone()], vec![future]));
    assert_eq!(unmatched(&r, "N1").reason, UnmatchedReason::Expired);

    // Both bounds are inclusive.
    let mut today = charity("R3", &[Category::Housing], 5, &["61"]);
    today.valid_from = Some(date("2024-10-01"));
    today.valid_to = Some(date("2024-10-01"));
    let r = run(&inputs(vec![n], vec![today]));
    assert_eq!(where_went(&r, "N1").as_deref(), Some("R3"));
}

#[test]
fn status_form_and_category_filters() {
    let mut dibao = need("N1", "H1", REGION, Category::Medical);
    dibao.statuses = statuses(&[Status::Dibao]);
    let plain = need("N2", "H2", REGION, Category::Medical);
    let mut cash = need("N3", "H3", REGION, Category::Medical);
    cash.form = Form::Cash;
    let mut r1 = charity("R1", &[Category::Medical], 5, &["61"]);
    r1.eligible_statuses = statuses(&[Status::Dibao, Status::Tekun]);
    let r = run(&inputs(vec![dibao, plain, cash], vec![r1]));
    assert_eq!(where_went(&r, "N1").as_deref(), Some("R1"));
    assert_eq!(
        unmatched(&r, "N2").detail,
        "1 resource serves medical in 610103 but requires dibao or tekun"
    );
    // N3 fails status and form: both named.
    let d = &unmatched(&r, "N3").detail;
    assert!(
        d.contains("gives service (not cash)") && d.contains("requires dibao or tekun"),
        "{d}"
    );
}

#[test]
fn tier_one_beats_a_higher_score() {
    // The tier-3 need scores higher (same village, long wait) but the tier-1 need wins.
    let mut close = need("N1", "H1", REGION, Category::Living);
    close.reported_at = Some(date("2024-01-01"));
    let mut far = need("N2", "H2", "610602100201", Category::Living);
    far.urgency = Urgency::Emergency;
    let mut r1 = charity(
        "R1",
        &[Category::Living, Category::Medical],
        1,
        &[REGION, "61"],
    );
    r1.form = Form::Service;
    let r = run(&inputs(vec![close, far], vec![r1]));
    assert_eq!(where_went(&r, "N2").as_deref(), Some("R1"));
    let e = r.explain("N1").expect("explained");
    assert_eq!(e.tier, 3);
    let opt = &e.eligible[0];
    assert_eq!(opt.state, OptionState::Full);
    let taken = opt.taken_by.as_ref().expect("taken");
    assert_eq!(taken.by_tier, vec![1, 0, 0]);
    let a = &r.assignments[0];
    assert_eq!(a.tier, 1);
    assert!(
        opt.score > a.score,
        "the lower tier scored higher: {} vs {}",
        opt.score,
        a.score
    );
    let u = unmatched(&r, "N1");
    assert_eq!(u.reason, UnmatchedReason::CapacityExhausted);
    assert_eq!(u.detail, "R1 full (1 of 1 places)");
}

#[test]
fn within_a_tier_the_score_decides() {
    let mut near = need("N1", "H1", REGION, Category::Living);
    near.reported_at = Some(date("2024-09-01"));
    let far = need("N2", "H2", "610602100201", Category::Living);
    let r1 = charity("R1", &[Category::Living], 1, &[REGION, "61"]);
    let r = run(&inputs(vec![near, far], vec![r1]));
    assert_eq!(where_went(&r, "N1").as_deref(), Some("R1"));
}

#[test]
fn max_per_need_caps_the_amount_and_budget_is_respected() {
    let mut needs = Vec::new();
    for (k, q) in [3000u64, 5000, 8000].iter().enumerate() {
        let mut n = need(
            &format!("N{k}"),
            &format!("H{k}"),
            REGION,
            Category::Education,
        );
        n.form = Form::Cash;
        n.quantity = units(*q);
        needs.push(n);
    }
    let mut r1 = charity("R1", &[Category::Education], 10, &["61"]);
    r1.form = Form::Cash;
    r1.max_per_need = Some(units(4000));
    r1.budget = Some(units(10000));
    let r = run(&inputs(needs, vec![r1]));
    // Amounts would be 3000, 4000, 4000: only two fit in 10000.
    assert_eq!(r.assignments.len(), 2);
    let total: u64 = r.assignments.iter().map(|a| a.quantity.whole_units()).sum();
    assert!(total <= 10000);
    assert!(r.assignments.iter().all(|a| a.quantity <= units(4000)));
    let u = &r.unmatched[0];
    assert_eq!(u.reason, UnmatchedReason::CapacityExhausted);
    assert!(u.detail.contains("R1 budget spent"), "{}", u.detail);
    let b = &r.summary.budget;
    assert_eq!(b.budgeted_resources, 1);
    assert!(
        b.solves >= 2,
        "the relaxation (10000 / 3000 = 3 places) overspends: {b:?}"
    );
    assert_eq!(b.bound_assigned_by_tier.iter().sum::<u64>(), 3);
    assert_eq!(b.gap_assigned, 1);
    assert!(!b.exact);
}

#[test]
fn equal_amounts_make_the_budget_exact() {
    let mut needs = Vec::new();
    for k in 0..5 {
        let mut n = need(
            &format!("N{k}"),
            &format!("H{k}"),
            REGION,
            Category::Education,
        );
        n.form = Form::Cash;
        n.quantity = units(5000);
        needs.push(n);
    }
    let mut r1 = charity("R1", &[Category::Education], 10, &["61"]);
    r1.form = Form::Cash;
    r1.max_per_need = Some(units(2000));
    r1.budget = Some(units(7000));
    let r = run(&inputs(needs, vec![r1]));
    assert_eq!(r.assignments.len(), 3);
    assert!(r.assignments.iter().all(|a| a.quantity == units(2000)));
    assert_eq!(r.summary.budget.solves, 1);
    assert!(r.summary.budget.exact);
    // A budget below one need's amount makes the resource ineligible for it.
    let mut small = need("N9", "H9", REGION, Category::Education);
    small.form = Form::Cash;
    small.quantity = units(50_000);
    let mut r2 = charity("R2", &[Category::Education], 10, &["61"]);
    r2.form = Form::Cash;
    r2.budget = Some(units(100));
    let r = run(&inputs(vec![small], vec![r2]));
    assert!(unmatched(&r, "N9").detail.contains("no capacity or budget"));
}

#[test]
fn fast_track_marks_recognised_households() {
    let mut a = need("N1", "H1", REGION, Category::CareVisit);
    a.statuses = statuses(&[Status::DibaoEdge]);
    let mut b = need("N2", "H2", REGION, Category::CareVisit);
    b.statuses = statuses(&[Status::Monitored]);
    let r = run(&inputs(
        vec![a, b],
        vec![charity("R1", &[Category::CareVisit], 5, &["61"])],
    ));
    let ft: Vec<(String, bool)> = r
        .assignments
        .iter()
        .map(|a| (a.need_id.clone(), a.fast_track))
        .collect();
    assert_eq!(ft, vec![("N1".into(), true), ("N2".into(), false)]);
    assert_eq!(r.summary.counts.fast_track_assigned, 1);
}

#[test]
fn household_limit_per_round() {
    let cats = [Category::Living, Category::Medical, Category::Education];
    let needs: Vec<_> = cats
        .iter()
        .enumerate()
        .map(|(k, &c)| need(&format!("N{k}"), "H1", REGION, c))
        .collect();
    let resources = vec![
        charity("R0", &[Category::Living], 5, &["61"]),
        charity("R1", &[Category::Medical], 5, &["61"]),
        charity("R2", &[Category::Education], 5, &["61"]),
    ];
    let i = inputs(needs, resources);
    let r = run(&i);
    assert_eq!(r.assignments.len(), 2);
    let u = &r.unmatched[0];
    assert_eq!(u.reason, UnmatchedReason::CapacityExhausted);
    assert_eq!(u.detail, "household limit of 2 needs per round reached");
    let mut p = Policy::default();
    p.household.max_needs_per_round = 3;
    assert_eq!(run_with(&i, &p).assignments.len(), 3);
}

#[test]
fn referral_rules() {
    let mut poor = need("N1", "H1", REGION, Category::Living);
    poor.income_per_capita = Some(units(500));
    // An edge household: referred to the special assistance its needs call for (medical
    // and housing; employment aid it already receives; living has none), each naming
    // the first need of its category.
    let mut edge = need("N2", "H2", REGION, Category::Living);
    edge.income_per_capita = Some(units(900));
    edge.gov_programs = [GovProgram::EmploymentAid].into_iter().collect();
    let edge_medical = need("N2a", "H2", REGION, Category::Medical);
    let edge_medical_too = need("N2b", "H2", REGION, Category::Medical);
    let edge_housing = need("N2c", "H2", REGION, Category::Housing);
    let edge_employment = need("N2d", "H2", REGION, Category::Employment);
    let mut on_dibao = need("N3", "H3", REGION, Category::Living);
    on_dibao.income_per_capita = Some(units(300));
    on_dibao.gov_programs = [GovProgram::Dibao].into_iter().collect();
    let mut orphan = need("N4", "H4", REGION, Category::Education);
    orphan.statuses = statuses(&[Status::Orphan]);
    let mut orphan_ok = need("N5", "H5", REGION, Category::Education);
    orphan_ok.statuses = statuses(&[Status::UnsupportedChild]);
    orphan_ok.gov_programs = [GovProgram::ChildAllowance].into_iter().collect();
    let mut disabled = need("N6", "H6", REGION, Category::Rehabilitation);
    disabled.statuses = statuses(&[Status::SevereDisabled]);
    let mut emergency = need("N7", "H7", REGION, Category::Emergency);
    emergency.urgency = Urgency::Emergency;
    let mut rich = need("N8", "H8", REGION, Category::Living);
    rich.income_per_capita = Some(units(5000));
    let mut edge_known = need("N9", "H9", REGION, Category::Living);
    edge_known.income_per_capita = Some(units(900));
    edge_known.statuses = statuses(&[Status::DibaoEdge]);
    let i = inputs(
        vec![
            poor,
            edge,
            edge_medical,
            edge_medical_too,
            edge_housing,
            edge_employment,
            on_dibao,
            orphan,
            orphan_ok,
            disabled,
            emergency,
            rich,
            edge_known,
        ],
        vec![],
    );
    let r = run(&i);
    let got: Vec<(String, ReferralProgram, String)> = r
        .referrals
        .iter()
        .map(|x| (x.household_id.clone(), x.program, x.reason.clone()))
        .collect();
    let edge_needs: Vec<(&str, &str)> = r
        .referrals
        .iter()
        .filter(|x| x.household_id == "H2")
        .map(|x| (x.need_id.as_str(), x.program.as_str()))
        .collect();
    assert_eq!(edge_needs, [("N2a", "medical_aid"), ("N2c", "housing_aid")]);
    let want = vec![
        (
            "H1".to_owned(),
            ReferralProgram::Dibao,
            "income_below_dibao_line".to_owned(),
        ),
        (
            "H2".to_owned(),
            ReferralProgram::MedicalAid,
            "income_below_edge_line".to_owned(),
        ),
        (
            "H2".to_owned(),
            ReferralProgram::HousingAid,
            "income_below_edge_line".to_owned(),
        ),
        (
            "H4".to_owned(),
            ReferralProgram::ChildAllowance,
            "child_without_allowance".to_owned(),
        ),
        (
            "H6".to_owned(),
            ReferralProgram::DisabilityAllowance,
            "severe_disabled_without_allowance".to_owned(),
        ),
        (
            "H7".to_owned(),
            ReferralProgram::Temporary,
            "emergency_need".to_owned(),
        ),
    ];
    assert_eq!(got, want);
    // A county line overrides the provincial one: 900 is below 1000.
    let mut p = Policy::default();
    p.referral.dibao_lines.insert("610103".into(), 1000);
    let r = run_with(&i, &p);
    assert!(
        r.referrals
            .iter()
            .any(|x| x.household_id == "H2" && x.program == ReferralProgram::Dibao)
    );
    // Rules can be switched off.
    p.referral.emergency_temporary = false;
    p.referral.child_allowance = false;
    let r = run_with(&i, &p);
    assert!(!r.referrals.iter().any(|x| matches!(
        x.program,
        ReferralProgram::Temporary | ReferralProgram::ChildAllowance
    )));
}

#[test]
fn capacity_exhausted_names_resources_not_people() {
    let needs: Vec<_> = (0..3)
        .map(|k| need(&format!("N{k}"), &format!("H{k}"), REGION, Category::Legal))
        .collect();
    let resources = vec![
        charity("R1", &[Category::Legal], 1, &["61"]),
        charity("R2", &[Category::Legal], 1, &["6101"]),
    ];
    let r = run(&inputs(needs, resources));
    assert_eq!(r.assignments.len(), 2);
    let u = &r.unmatched[0];
    assert_eq!(u.reason, UnmatchedReason::CapacityExhausted);
    assert_eq!(u.detail, "R2 full (1 of 1 places); R1 full (1 of 1 places)");
    assert!(!u.detail.contains("N0") && !u.detail.contains("H0"));
}

#[test]
fn continuity_with_the_previous_provider() {
    let n = need("N1", "H1", REGION, Category::CareVisit);
    let resources = vec![
        charity("R1", &[Category::CareVisit], 1, &["61"]),
        charity("R2", &[Category::CareVisit], 1, &["61"]),
    ];
    let i = inputs(vec![n], resources);
    assert_eq!(
        where_went(&run(&i), "N1").as_deref(),
        Some("R1"),
        "ties break by id"
    );
    let mut o = RunOptions::new(as_of());
    o.previous_pairs = Some(vec![aidmatch::PreviousPair {
        household_id: "H1".into(),
        provider_id: "P-R2".into(),
    }]);
    let r = aidmatch::run(&i, &Policy::default(), &o).expect("run");
    assert_eq!(where_went(&r, "N1").as_deref(), Some("R2"));
    assert!(r.assignments[0].why.ends_with("continuity=15"));
    assert!(r.summary.previous_pairs_sha256.is_some());
}

#[test]
fn duplicate_ids_are_errors() {
    let i = inputs(
        vec![
            need("N1", "H1", REGION, Category::Legal),
            need("N1", "H2", REGION, Category::Legal),
        ],
        vec![],
    );
    let err = aidmatch::run(&i, &Policy::default(), &RunOptions::new(as_of()))
        .expect_err("must be refused");
    let p = err.first_problem().expect("a located problem");
    assert_eq!((p.column.as_str(), p.value.as_str()), ("need_id", "N1"));
}

#[test]
fn invalid_policy_and_cancel_are_errors() {
    let i = inputs(vec![need("N1", "H1", REGION, Category::Legal)], vec![]);
    let mut p = Policy::default();
    p.household.max_needs_per_round = 0;
    let err = aidmatch::run(&i, &p, &RunOptions::new(as_of())).expect_err("must be refused");
    assert!(matches!(err, Error::Policy(_)), "{err}");
    assert!(err.to_string().contains("household.max_needs_per_round"));
    let mut o = RunOptions::new(as_of());
    o.cancel = Some(Arc::new(AtomicBool::new(true)));
    let err = aidmatch::run(&i, &Policy::default(), &o).expect_err("must be refused");
    assert!(matches!(err, Error::Interrupted));
}

#[test]
fn outputs_are_written_and_deterministic() {
    let mut needs: Vec<_> = (0..40)
        .map(|k| {
            let mut n = need(
                &format!("N{k:02}"),
                &format!("H{}", k / 3),
                REGION,
                Category::ALL[k % 4],
            );
            n.urgency = Urgency::ALL[k % 3];
            n
        })
        .collect();
    let mut resources: Vec<_> = (0..6)
        .map(|k| {
            charity(
                &format!("R{k}"),
                &[Category::ALL[k % 4], Category::ALL[(k + 1) % 4]],
                3,
                &["61"],
            )
        })
        .collect();
    let a = run(&inputs(needs.clone(), resources.clone()));
    needs.reverse();
    resources.rotate_left(2);
    let b = run(&inputs(needs, resources));
    assert_eq!(a.to_json(), b.to_json());
    let dir = std::env::temp_dir().join(format!("aidmatch-engine-test-{}", std::process::id()));
    a.write_dir(&dir).expect("written");
    let header = std::fs::read_to_string(dir.join("assignments.csv")).expect("read");
    assert!(header.starts_with(
        "need_id,household_id,resource_id,provider_id,quantity,score,tier,fast_track,why\n"
    ));
    let unmatched = std::fs::read_to_string(dir.join("unmatched.csv")).expect("read");
    assert!(unmatched.starts_with("need_id,household_id,reason,detail\n"));
    assert_eq!(unmatched.lines().count(), a.unmatched.len() + 1);
    let referrals = std::fs::read_to_string(dir.join("referrals.csv")).expect("read");
    assert!(referrals.starts_with("household_id,need_id,program,reason\n"));
    let summary: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("summary.json")).expect("read"))
            .expect("json");
    assert_eq!(summary["certificate"]["verified"], true);
    assert_eq!(summary["counts"]["needs"], 40);
    assert_eq!(summary["input_sha256"].as_str().map(str::len), Some(64));
    assert_eq!(summary["policy_sha256"], Policy::default().digest());
    let doc: serde_json::Value = serde_json::from_str(&a.to_json()).expect("json");
    for key in ["assignments", "unmatched", "referrals", "summary"] {
        assert!(doc.get(key).is_some(), "{key}");
    }
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn explain_shows_options_and_misses() {
    let n = need("N1", "H1", REGION, Category::Medical);
    let mut r1 = charity("R1", &[Category::Medical], 5, &["61"]);
    r1.eligible_statuses = statuses(&[Status::Dibao]);
    let r2 = charity("R2", &[Category::Medical], 5, &["6101"]);
    let r = run(&inputs(vec![n], vec![r1, r2]));
    let e = r.explain("N1").expect("known need");
    assert_eq!(e.eligible.len(), 1);
    assert_eq!(e.eligible[0].resource_id, "R2");
    assert_eq!(e.eligible[0].state, OptionState::Chosen);
    assert_eq!(e.near_misses.len(), 1);
    assert_eq!(e.near_misses[0].failed, vec!["status"]);
    assert_eq!(
        e.assignment.as_ref().map(|a| a.resource_id.as_str()),
        Some("R2")
    );
    assert!(r.explain("nope").is_none());
}
