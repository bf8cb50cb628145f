//! Emergency insertion: a free place when there is one (nothing else moves), an exact
//! displacement of a lower-tier proposal re-matched in the same call, refusals, and
//! continuity by hard keep and by bonus.

use aidmatch::division::AreaPrefix;
use aidmatch::generate::{AS_OF, Scale, generate};
use aidmatch::model::{Inputs, Need, Outcome};
use aidmatch::outcome::{Continuity, LoopRules, PairStatus};
use aidmatch::rematch::{ChangeKind, RematchOptions, rematch};
use aidmatch::snapshot::State;
use aidmatch::taxonomy::{Category, OutcomeStatus, ProviderKind, Status, Urgency};
use aidmatch::urgent::{UrgentIndex, UrgentMode, insert_urgent};
use aidmatch::{Policy, RunOptions};

use super::loop_support::{displacement_state, need, res, state_of};

fn emergency(id: &str) -> Need {
    let mut n = need(id, &format!("H-{id}"));
    n.urgency = Urgency::Emergency;
    n
}

#[test]
fn a_free_place_takes_the_need_and_nothing_else_moves() {
    let state = state_of(
        vec![need("A", "HA")],
        vec![
            res("R1", ProviderKind::Charity, 1),
            res("R2", ProviderKind::Charity, 1),
        ],
        LoopRules::default(),
    );
    let taken = state.snapshot.pairs[0].resource_id.clone();
    let u = insert_urgent(&state, emergency("E"), AS_OF).expect("insert");
    assert_eq!(u.mode, UrgentMode::FreePlace);
    assert_ne!(u.resource_id.as_deref(), Some(taken.as_str()));
    assert_eq!(u.tier, 1);
    // The old pair is unchanged, the new one proposed.
    assert!(
        u.state
            .snapshot
            .pairs
            .iter()
            .any(|p| p.need_id == "A" && p.resource_id == taken)
    );
    let e = u
        .state
        .snapshot
        .pairs
        .iter()
        .find(|p| p.need_id == "E")
        .expect("pair");
    assert_eq!(e.status, PairStatus::Proposed);
    assert!(u.state.inputs.needs.iter().any(|n| n.need_id == "E"));
}

#[test]
fn the_best_free_place_is_the_best_scored_eligible_one() {
    // R-near serves the village (proximity bonus), R-far the province.
    let mut far = res("R-far", ProviderKind::Charity, 5);
    far.area = vec![AreaPrefix::parse("61").expect("area")];
    let mut near = res("R-near", ProviderKind::Charity, 5);
    near.area = vec![AreaPrefix::parse("610122100201").expect("area")];
    let state = state_of(vec![], vec![far, near], LoopRules::default());
    let u = insert_urgent(&state, emergency("E"), AS_OF).expect("insert");
    assert_eq!(u.resource_id.as_deref(), Some("R-near"));
    // The same as the engine's own choice for this need alone.
    let inputs = Inputs {
        needs: vec![emergency("E")],
        resources: state.inputs.resources.clone(),
        exclusions: vec![],
    };
    let r = aidmatch::run(&inputs, &Policy::default(), &RunOptions::new(AS_OF)).expect("run");
    assert_eq!(Some(r.assignments[0].resource_id.clone()), u.resource_id);
    assert_eq!(Some(r.assignments[0].score), u.score);
}

#[test]
fn a_lower_tier_proposal_is_displaced_and_rematched_in_the_same_call() {
    // A (tier 3, disabled) holds R1; R2 takes only disabled people, so E can only go to
    // R1 and A must move to R2.
    let state = displacement_state();
    assert_eq!(state.snapshot.pairs[0].resource_id, "R1");
    let u = insert_urgent(&state, emergency("E"), AS_OF).expect("insert");
    assert_eq!(u.mode, UrgentMode::Displaced);
    assert_eq!(u.resource_id.as_deref(), Some("R1"));
    let moved = u
        .changes
        .iter()
        .find(|c| c.need_id == "A")
        .expect("A changed");
    assert_eq!(moved.change, ChangeKind::Moved);
    assert_eq!(moved.resource_id.as_deref(), Some("R2"));
    // Not allowed by the rules: unmatched, A untouched.
    let no = LoopRules {
        urgent_may_displace: false,
        ..LoopRules::default()
    };
    let mut state2 = state.clone();
    state2.snapshot.rules = no;
    let u = insert_urgent(&state2, emergency("E"), AS_OF).expect("insert");
    assert_eq!(
        (u.mode, u.reason),
        (UrgentMode::Unmatched, Some("capacity_exhausted"))
    );
}

#[test]
fn an_accepted_pair_is_never_displaced() {
    let state = state_of(
        vec![need("A", "HA")],
        vec![res("R1", ProviderKind::Charity, 1)],
        LoopRules::default(),
    );
    let accepted = Outcome {
        need_id: "A".into(),
        resource_id: "R1".into(),
        status: OutcomeStatus::Accepted,
        at: Some(AS_OF),
        note: String::new(),
        declined_by: None,
        reason: None,
    };
    let next = rematch(
        &state,
        &[accepted],
        vec![],
        None,
        &RematchOptions::new(AS_OF),
    )
    .expect("rematch")
    .state;
    let u = insert_urgent(&next, emergency("E"), AS_OF).expect("insert");
    assert_eq!(
        (u.mode, u.reason),
        (UrgentMode::Unmatched, Some("capacity_exhausted"))
    );
    let idx = UrgentIndex::new(&next, AS_OF).expect("index");
    assert!(!idx.place(&emergency("E")).displaceable);
}

#[test]
fn refusals_say_why() {
    let state = state_of(
        vec![],
        vec![res("R1", ProviderKind::Charity, 1)],
        LoopRules::default(),
    );
    let mut e = emergency("E");
    e.category = Category::Legal;
    let u = insert_urgent(&state, e, AS_OF).expect("insert");
    assert_eq!(u.reason, Some("no_eligible_resource"));
    // A duplicate need id is an error naming it.
    let state = state_of(
        vec![need("A", "HA")],
        vec![res("R1", ProviderKind::Charity, 2)],
        LoopRules::default(),
    );
    let err = insert_urgent(&state, emergency("A"), AS_OF).expect_err("duplicate");
    assert!(err.to_string().contains("\"A\""));
}

#[test]
fn hard_keep_holds_cadre_pairings_and_bonus_scores_them() {
    // A cadre 1+N pairing: C1 (cadre) holds A. With Keep, a re-match leaves it even
    // though a better-scored new need arrives; with Bonus it is scored for continuity.
    let keep = LoopRules {
        continuity: Continuity::Keep,
        ..LoopRules::default()
    };
    let state = state_of(
        vec![need("A", "HA")],
        vec![res("C1", ProviderKind::Cadre, 1)],
        keep,
    );
    let mut b = need("B", "HB");
    b.statuses = [Status::Tekun].into_iter().collect(); // tier 1
    let day = AS_OF.add_days(7).expect("date");
    let r = rematch(
        &state,
        &[],
        vec![b.clone()],
        None,
        &RematchOptions::new(day),
    )
    .expect("keep");
    let a = r.changes.iter().find(|c| c.need_id == "A").expect("A");
    assert_eq!(a.change, ChangeKind::Kept);
    // A's row is its kept pair, not a new match.
    let rows: Vec<_> = r
        .result
        .assignments
        .iter()
        .filter(|x| x.need_id == "A")
        .collect();
    assert_eq!(rows.len(), 1);
    assert!(rows[0].why.starts_with("kept=proposed;"), "{}", rows[0].why);
    // Bonus: the tier-1 newcomer takes the place (lexicographic), A is dropped.
    let mut bonus_state = state.clone();
    bonus_state.snapshot.rules = LoopRules::default();
    let r = rematch(&bonus_state, &[], vec![b], None, &RematchOptions::new(day)).expect("bonus");
    let a = r.changes.iter().find(|c| c.need_id == "A").expect("A");
    assert_eq!(a.change, ChangeKind::Dropped);
    // Bonus: an accepted 1+N pairing draws the household's next need to the same
    // provider over an identical need of another household.
    let state = state_of(
        vec![need("A", "HA")],
        vec![res("C1", ProviderKind::Cadre, 2)],
        LoopRules::default(),
    );
    let accepted = Outcome {
        need_id: "A".into(),
        resource_id: "C1".into(),
        status: OutcomeStatus::Accepted,
        at: Some(AS_OF),
        note: String::new(),
        declined_by: None,
        reason: None,
    };
    let r = rematch(
        &state,
        &[accepted],
        vec![need("A2", "HA"), need("C", "HC")],
        None,
        &RematchOptions::new(day),
    )
    .expect("bonus");
    let a2 = r
        .result
        .assignments
        .iter()
        .find(|x| x.need_id == "A2")
        .expect("A2 matched");
    assert!(a2.why.contains("continuity"), "{}", a2.why);
    assert!(r.result.assignments.iter().all(|x| x.need_id != "C"));
}

#[test]
fn insertion_into_a_generated_county_sample_matches_remaining_capacity() {
    let inputs = generate(Scale::Sample, 4);
    let policy = Policy::default();
    let r = aidmatch::run(&inputs, &policy, &RunOptions::new(AS_OF)).expect("run");
    let state = State::from_run(&inputs, &policy, &LoopRules::default(), &r);
    let mut e = inputs.needs[0].clone();
    e.need_id = "URGENT-1".into();
    e.household_id = "H-URGENT-1".into();
    e.urgency = Urgency::Emergency;
    let u = insert_urgent(&state, e, AS_OF).expect("insert");
    if let Some(rid) = &u.resource_id {
        let res = state
            .inputs
            .resources
            .iter()
            .find(|x| &x.resource_id == rid)
            .expect("res");
        let held = u
            .state
            .snapshot
            .pairs
            .iter()
            .filter(|p| &p.resource_id == rid && p.status.holds_place())
            .count() as u32;
        assert!(held <= res.capacity);
    }
}

/// A re-match, an emergency insertion or a desk dated before the round they continue
/// is refused, naming both dates; the round's own date is fine.
#[test]
fn a_round_cannot_go_back_before_the_one_it_continues() {
    let state = state_of(
        vec![need("A", "HA")],
        vec![res("R1", ProviderKind::Charity, 2)],
        LoopRules::default(),
    );
    let before = AS_OF.add_days(-1).expect("date");
    let refused = |e: aidmatch::Error| {
        assert_eq!(
            e.to_string(),
            format!("the run date {before} is before {AS_OF}, the date of the round it continues")
        );
        assert!(matches!(
            e,
            aidmatch::Error::BeforePreviousRound { as_of, previous }
                if as_of == before && previous == AS_OF
        ));
    };
    refused(
        rematch(&state, &[], Vec::new(), None, &RematchOptions::new(before)).expect_err("back"),
    );
    refused(insert_urgent(&state, emergency("E"), before).expect_err("back"));
    refused(aidmatch::urgent::UrgentDesk::open(state.clone(), before).expect_err("back"));
    refused(
        UrgentIndex::new(&state, before)
            .map(|_| ())
            .expect_err("back"),
    );
    rematch(&state, &[], Vec::new(), None, &RematchOptions::new(AS_OF)).expect("same day");
    insert_urgent(&state, emergency("E"), AS_OF).expect("same day");
}
