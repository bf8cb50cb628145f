//! The outcomes state machine through the public API: every allowed transition, every
//! forbidden one (an error naming the need and the resource), expiry, and the optional
//! `declined_by` / `reason` columns of the outcomes file.

use aidmatch::date::Date;
use aidmatch::io::{self, Format, ReadOptions};
use aidmatch::model::{Outcome, Quantity};
use aidmatch::outcome::{LoopRules, OutcomeError, Pair, PairStatus, apply_outcomes, transition};
use aidmatch::taxonomy::{DeclineReason, DeclinedBy, OutcomeStatus};

fn day(n: i32) -> Date {
    Date::parse("2024-10-01")
        .expect("date")
        .add_days(n)
        .expect("date")
}

fn pair(status: PairStatus) -> Pair {
    Pair {
        need_id: "N1".into(),
        household_id: "H1".into(),
        resource_id: "R1".into(),
        provider_id: "P1".into(),
        amount: Quantity(100),
        tier: 3,
        score: 100,
        status,
        proposed_at: day(0),
        updated_at: day(0),
        declined_by: None,
        reason: None,
    }
}

fn outcome(status: OutcomeStatus, at: i32) -> Outcome {
    Outcome {
        need_id: "N1".into(),
        resource_id: "R1".into(),
        status,
        at: Some(day(at)),
        note: String::new(),
        declined_by: None,
        reason: None,
    }
}

const ALL: [PairStatus; 6] = [
    PairStatus::Proposed,
    PairStatus::Accepted,
    PairStatus::Declined,
    PairStatus::Delivered,
    PairStatus::Failed,
    PairStatus::Expired,
];
const EVENTS: [OutcomeStatus; 4] = [
    OutcomeStatus::Accepted,
    OutcomeStatus::Declined,
    OutcomeStatus::Delivered,
    OutcomeStatus::Failed,
];

fn apply(from: PairStatus, event: OutcomeStatus) -> Result<PairStatus, OutcomeError> {
    let mut pairs = vec![pair(from)];
    apply_outcomes(
        &mut pairs,
        &[outcome(event, 1)],
        &LoopRules::default(),
        day(2),
    )?;
    Ok(pairs[0].status)
}

#[test]
fn proposed_to_accepted() {
    assert_eq!(
        apply(PairStatus::Proposed, OutcomeStatus::Accepted),
        Ok(PairStatus::Accepted)
    );
}

#[test]
fn proposed_to_declined_keeps_who_and_why() {
    let mut pairs = vec![pair(PairStatus::Proposed)];
    let mut o = outcome(OutcomeStatus::Declined, 1);
    o.declined_by = Some(DeclinedBy::Provider);
    o.reason = Some(DeclineReason::Capacity);
    let c = apply_outcomes(&mut pairs, &[o], &LoopRules::default(), day(2)).expect("ok");
    assert_eq!(c.declined, 1);
    assert_eq!(pairs[0].status, PairStatus::Declined);
    assert_eq!(pairs[0].declined_by, Some(DeclinedBy::Provider));
    assert_eq!(pairs[0].reason, Some(DeclineReason::Capacity));
    assert_eq!(pairs[0].updated_at, day(1));
}

#[test]
fn accepted_to_delivered() {
    assert_eq!(
        apply(PairStatus::Accepted, OutcomeStatus::Delivered),
        Ok(PairStatus::Delivered)
    );
}

#[test]
fn accepted_to_failed() {
    assert_eq!(
        apply(PairStatus::Accepted, OutcomeStatus::Failed),
        Ok(PairStatus::Failed)
    );
}

#[test]
fn a_whole_life_in_one_file_in_row_order() {
    let mut pairs = vec![pair(PairStatus::Proposed)];
    let rows = [
        outcome(OutcomeStatus::Accepted, 1),
        outcome(OutcomeStatus::Delivered, 5),
    ];
    let c = apply_outcomes(&mut pairs, &rows, &LoopRules::default(), day(6)).expect("ok");
    assert_eq!((c.accepted, c.delivered, c.rows), (1, 1, 2));
    assert_eq!(pairs[0].status, PairStatus::Delivered);
}

#[test]
fn every_other_transition_is_an_error_naming_need_and_resource() {
    let mut forbidden = 0;
    for from in ALL {
        for event in EVENTS {
            if transition(from, event).is_some() {
                continue;
            }
            forbidden += 1;
            let err = apply(from, event).expect_err("forbidden transition");
            match &err {
                OutcomeError::InvalidTransition {
                    row,
                    need_id,
                    resource_id,
                    from: f,
                    to,
                } => {
                    assert_eq!(
                        (*row, need_id.as_str(), resource_id.as_str()),
                        (1, "N1", "R1")
                    );
                    assert_eq!(*f, from);
                    assert_eq!(to, event.as_str());
                }
                other => panic!("unexpected {other:?}"),
            }
            let text = err.to_string();
            assert!(text.contains("\"N1\"") && text.contains("\"R1\""), "{text}");
        }
    }
    // 6 states x 4 events, 6 allowed.
    assert_eq!(forbidden, 18);
}

#[test]
fn delivered_or_failed_on_a_proposal_implies_its_acceptance_even_after_the_expiry() {
    // The spec's example outcomes deliver a proposal with no `accepted` row before it.
    let late = LoopRules::default().proposal_expiry_days as i32 + 5;
    for (event, to) in [
        (OutcomeStatus::Delivered, PairStatus::Delivered),
        (OutcomeStatus::Failed, PairStatus::Failed),
    ] {
        assert_eq!(apply(PairStatus::Proposed, event), Ok(to));
        let mut pairs = vec![pair(PairStatus::Proposed)];
        let c = apply_outcomes(
            &mut pairs,
            &[outcome(event, late)],
            &LoopRules::default(),
            day(late),
        )
        .expect("a late delivery or failure is no late answer");
        assert_eq!((pairs[0].status, pairs[0].updated_at), (to, day(late)));
        assert_eq!((c.delivered + c.failed, c.expired), (1, 0));
    }
}

#[test]
fn a_row_dated_before_the_proposal_or_after_the_rematch_is_an_error() {
    for (at, as_of) in [(-1, 2), (3, 2)] {
        let mut pairs = vec![pair(PairStatus::Proposed)];
        let err = apply_outcomes(
            &mut pairs,
            &[outcome(OutcomeStatus::Accepted, at)],
            &LoopRules::default(),
            day(as_of),
        )
        .expect_err("out of range");
        assert_eq!(
            err,
            OutcomeError::DateOutOfRange {
                row: 1,
                need_id: "N1".into(),
                resource_id: "R1".into(),
                at: day(at),
                proposed_at: day(0),
                as_of: day(as_of),
            }
        );
        assert_eq!(pairs[0], pair(PairStatus::Proposed));
    }
    // The proposal's day and the re-match's day themselves are in range.
    assert_eq!(
        apply(PairStatus::Proposed, OutcomeStatus::Accepted),
        Ok(PairStatus::Accepted)
    );
    let mut pairs = vec![pair(PairStatus::Proposed)];
    let rows = [
        outcome(OutcomeStatus::Accepted, 0),
        outcome(OutcomeStatus::Delivered, 2),
    ];
    apply_outcomes(&mut pairs, &rows, &LoopRules::default(), day(2)).expect("in range");
}

#[test]
fn feedback_on_a_pair_never_proposed_is_an_error() {
    let mut pairs = vec![pair(PairStatus::Proposed)];
    let mut o = outcome(OutcomeStatus::Accepted, 1);
    o.resource_id = "R2".into();
    let err = apply_outcomes(&mut pairs, &[o], &LoopRules::default(), day(2)).expect_err("err");
    assert!(matches!(err, OutcomeError::NotProposed { row: 1, .. }));
    assert!(err.to_string().contains("\"N1\"") && err.to_string().contains("\"R2\""));
}

#[test]
fn a_failed_row_leaves_the_pairs_unchanged() {
    let mut pairs = vec![pair(PairStatus::Proposed)];
    let rows = [
        outcome(OutcomeStatus::Accepted, 1),
        outcome(OutcomeStatus::Accepted, 2),
    ];
    let err = apply_outcomes(&mut pairs, &rows, &LoopRules::default(), day(3)).expect_err("err");
    assert!(matches!(
        err,
        OutcomeError::InvalidTransition { row: 2, .. }
    ));
    assert_eq!(pairs[0], pair(PairStatus::Proposed));
}

#[test]
fn decline_fields_on_other_rows_are_an_error() {
    let mut pairs = vec![pair(PairStatus::Proposed)];
    let mut o = outcome(OutcomeStatus::Accepted, 1);
    o.reason = Some(DeclineReason::Other);
    let err = apply_outcomes(&mut pairs, &[o], &LoopRules::default(), day(2)).expect_err("err");
    assert!(matches!(
        err,
        OutcomeError::DeclineFieldsOnOtherStatus { .. }
    ));
}

#[test]
fn proposals_expire_after_the_rule_days_and_late_answers_are_refused() {
    let rules = LoopRules::default();
    let n = rules.proposal_expiry_days as i32;
    // No answer: proposed on the last day, expired the day after.
    let mut pairs = vec![pair(PairStatus::Proposed)];
    apply_outcomes(&mut pairs, &[], &rules, day(n)).expect("ok");
    assert_eq!(pairs[0].status, PairStatus::Proposed);
    let c = apply_outcomes(&mut pairs, &[], &rules, day(n + 1)).expect("ok");
    assert_eq!((c.expired, pairs[0].status), (1, PairStatus::Expired));
    // An answer dated after the expiry is refused even if it arrives now.
    let mut pairs = vec![pair(PairStatus::Proposed)];
    let err = apply_outcomes(
        &mut pairs,
        &[outcome(OutcomeStatus::Accepted, n + 1)],
        &rules,
        day(n + 2),
    )
    .expect_err("late");
    assert!(matches!(
        err,
        OutcomeError::InvalidTransition {
            from: PairStatus::Expired,
            ..
        }
    ));
    // Accepted pairs never expire.
    let mut pairs = vec![pair(PairStatus::Accepted)];
    apply_outcomes(&mut pairs, &[], &rules, day(10 * n)).expect("ok");
    assert_eq!(pairs[0].status, PairStatus::Accepted);
    // A shorter rule.
    let short = LoopRules {
        proposal_expiry_days: 1,
        ..LoopRules::default()
    };
    let mut pairs = vec![pair(PairStatus::Proposed)];
    apply_outcomes(&mut pairs, &[], &short, day(2)).expect("ok");
    assert_eq!(pairs[0].status, PairStatus::Expired);
}

#[test]
fn outcomes_file_reads_the_extra_columns_and_chinese_aliases() {
    let csv = "need_id,resource_id,status,at,note,declined_by,reason\n\
               N1,R1,已拒绝,2024-10-02,,受助方,不再需要\n\
               N2,R2,declined,2024-10-02,,provider,capacity\n\
               N3,R3,accepted,2024-10-02,,,\n";
    let rows: Vec<Outcome> =
        io::outcomes_from_bytes(csv.as_bytes(), Format::Csv, &ReadOptions::default())
            .expect("read");
    assert_eq!(rows[0].declined_by, Some(DeclinedBy::Recipient));
    assert_eq!(rows[0].reason, Some(DeclineReason::NoLongerNeeded));
    assert_eq!(rows[1].declined_by, Some(DeclinedBy::Provider));
    assert_eq!(rows[1].reason, Some(DeclineReason::Capacity));
    assert_eq!((rows[2].declined_by, rows[2].reason), (None, None));
    // The spec's five columns alone still read.
    let csv = "need_id,resource_id,status,at,note\nN1,R1,accepted,2024-10-02,\n";
    let rows: Vec<Outcome> =
        io::outcomes_from_bytes(csv.as_bytes(), Format::Csv, &ReadOptions::default())
            .expect("read");
    assert_eq!(rows[0].declined_by, None);
    // An unknown reason is an error naming row, column and value.
    let csv = "need_id,resource_id,status,declined_by,reason\nN1,R1,declined,recipient,bored\n";
    let err = io::outcomes_from_bytes(csv.as_bytes(), Format::Csv, &ReadOptions::default())
        .expect_err("unknown reason");
    let p = &err.problems()[0];
    assert_eq!(
        (p.row, p.column.as_str(), p.value.as_str()),
        (2, "reason", "bored")
    );
}
