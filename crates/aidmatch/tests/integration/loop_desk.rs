//! The emergency desk: a desk updated in place after each insertion gives, field by
//! field, the state and the outcomes of successive `insert_urgent` calls (each of which
//! prepares its state from scratch), over sequences that hit every path: free places,
//! duplicates, the household limit, exhausted budgets, continuity by hard keep, no
//! eligible resource, and displacement.

use aidmatch::date::Date;
use aidmatch::division::AreaPrefix;
use aidmatch::generate::{AS_OF, Scale, generate};
use aidmatch::model::{Need, Quantity};
use aidmatch::outcome::{Continuity, LoopRules, PairStatus};
use aidmatch::snapshot::State;
use aidmatch::taxonomy::{Category, ProviderKind, Status, Urgency};
use aidmatch::urgent::{DeskOutcome, UrgentDesk, UrgentIndex, UrgentMode, insert_urgent};
use aidmatch::{Policy, RunOptions};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::loop_support::{displacement_state, need, res, state_of};

fn emergency(id: &str, household: &str) -> Need {
    let mut n = need(id, household);
    n.urgency = Urgency::Emergency;
    n
}

/// The outcome without its timing.
fn strip(mut o: DeskOutcome) -> DeskOutcome {
    o.insert_time = std::time::Duration::ZERO;
    o
}

/// Runs `needs` through one desk (its state compared after every step), through a
/// second desk read only at the end, and through successive `insert_urgent` calls;
/// asserts identical outcomes, errors and states. Returns the outcomes (errors as
/// their messages).
fn same_as_successive_calls(
    state: &State,
    needs: &[Need],
    as_of: Date,
) -> Vec<Result<DeskOutcome, String>> {
    let mut desk = UrgentDesk::open(state.clone(), as_of).expect("open");
    let mut lazy = UrgentDesk::open(state.clone(), as_of).expect("open");
    let mut reference = state.clone();
    let mut out = Vec::new();
    for (k, n) in needs.iter().enumerate() {
        let by_desk = desk.insert(n.clone()).map(strip).map_err(|e| e.to_string());
        let by_lazy = lazy.insert(n.clone()).map(strip).map_err(|e| e.to_string());
        let by_call = insert_urgent(&reference, n.clone(), as_of).map_err(|e| e.to_string());
        let by_call = match by_call {
            Ok(u) => {
                let o = strip(u.outcome());
                reference = u.state;
                Ok(o)
            }
            Err(e) => Err(e),
        };
        assert_eq!(by_desk, by_call, "outcome of insertion {k} ({})", n.need_id);
        assert_eq!(by_lazy, by_call, "outcome of insertion {k} ({})", n.need_id);
        assert!(
            desk.state() == &reference,
            "state after insertion {k} ({})",
            n.need_id
        );
        out.push(by_desk);
    }
    assert!(lazy.into_state() == reference, "state at the end");
    assert!(desk.into_state() == reference, "state at the end");
    out
}

fn mode(o: &Result<DeskOutcome, String>) -> (Option<UrgentMode>, Option<&'static str>) {
    match o {
        Ok(o) => (Some(o.mode), o.reason),
        Err(_) => (None, None),
    }
}

#[test]
fn free_places_duplicates_household_limit_and_budget_as_successive_calls() {
    // R1: 3 places, budget for one 500-yuan need; R2: 3 places, no budget, further away.
    let mut r1 = res("R1", ProviderKind::Charity, 3);
    r1.area = vec![AreaPrefix::parse("610122100201").expect("area")];
    r1.budget = Some(Quantity(80_000));
    let r2 = res("R2", ProviderKind::Charity, 3);
    let state = state_of(vec![need("A", "HA")], vec![r1, r2], LoopRules::default());
    let big = |id: &str, h: &str| {
        let mut n = emergency(id, h);
        n.quantity = Quantity(50_000);
        n
    };
    let mut legal = emergency("L", "HL");
    legal.category = Category::Legal;
    let needs = vec![
        big("E1", "H1"),       // R1 (nearest), its budget now short
        big("E2", "H1"),       // R2: R1's budget is short
        big("E3", "H1"),       // household H1 has max_needs_per_round = 2
        emergency("E1", "H9"), // duplicate of an inserted need
        emergency("A", "H9"),  // duplicate of a need of the round
        legal,                 // no eligible resource
        big("E4", "H4"),       // R2 (R1 short of budget)
        big("E5", "H5"),       // R2, now full
        big("E6", "H6"),       // no free place: displaces A (lower tier)
        big("E7", "H7"),       // nothing left, nothing displaceable
    ];
    let out = same_as_successive_calls(&state, &needs, AS_OF);
    assert_eq!(mode(&out[0]), (Some(UrgentMode::FreePlace), None));
    assert_eq!(
        out[0].as_ref().expect("E1").resource_id.as_deref(),
        Some("R1")
    );
    assert_eq!(
        out[1].as_ref().expect("E2").resource_id.as_deref(),
        Some("R2")
    );
    assert_eq!(
        mode(&out[2]),
        (Some(UrgentMode::Unmatched), Some("household_limit"))
    );
    assert!(out[3].as_ref().is_err_and(|e| e.contains("\"E1\"")));
    assert!(out[4].as_ref().is_err_and(|e| e.contains("\"A\"")));
    assert_eq!(
        mode(&out[5]),
        (Some(UrgentMode::Unmatched), Some("no_eligible_resource"))
    );
    // R1 short of budget, R2 full: A's lower-tier proposal is displaced by a re-match
    // (the desk prepares itself again from its state); after it nothing is left.
    assert_eq!(mode(&out[8]), (Some(UrgentMode::Displaced), None));
    let e6 = out[8].as_ref().expect("E6");
    assert!(e6.changes.iter().any(|c| c.need_id == "A"));
    assert_eq!(
        mode(&out[9]),
        (Some(UrgentMode::Unmatched), Some("capacity_exhausted"))
    );
}

#[test]
fn hard_kept_cadre_pairings_and_expiry_as_successive_calls() {
    // With Keep, a new cadre proposal becomes a continuing relation: the household's
    // next need gets the continuity bonus with that provider.
    let keep = LoopRules {
        continuity: Continuity::Keep,
        ..LoopRules::default()
    };
    let state = state_of(
        vec![need("A", "HA"), need("B", "HB")],
        vec![
            res("C1", ProviderKind::Cadre, 3),
            res("C2", ProviderKind::Cadre, 3),
            res("R3", ProviderKind::Charity, 1),
        ],
        keep,
    );
    let needs = vec![
        emergency("E1", "HE"),
        emergency("E2", "HA"),
        emergency("E3", "HE"),
        emergency("E4", "HX"),
        emergency("E5", "HY"),
    ];
    // On the round's date, and after the first round's proposals expired.
    same_as_successive_calls(&state, &needs, AS_OF);
    let late = AS_OF.add_days(30).expect("date");
    let out = same_as_successive_calls(&state, &needs, late);
    assert!(out.iter().all(|o| o.is_ok()));
    // The index over the borrowed state expires the same proposals.
    let idx = UrgentIndex::new(&state, late).expect("index");
    let best = idx.place(&needs[0]).best.expect("a place");
    assert_eq!(
        Some(state.inputs.resources[best.0].resource_id.as_str()),
        out[0].as_ref().expect("E1").resource_id.as_deref()
    );
    let mut desk = UrgentDesk::open(state, late).expect("open");
    for n in &needs {
        desk.insert(n.clone()).expect("insert");
    }
    let s = desk.into_state();
    assert!(
        s.snapshot
            .pairs
            .iter()
            .filter(|p| p.need_id == "A" || p.need_id == "B")
            .all(|p| p.status == PairStatus::Expired)
    );
}

#[test]
fn a_displacement_rebuilds_the_desk_as_successive_calls_do() {
    // A (tier 3, disabled) holds R1; R2 takes only disabled people: E1 can only go to
    // R1 and A moves to R2. Then E2 finds nothing (E1 is tier 1, not displaceable), a
    // second desk insertion of the same household reaches its limit.
    let state = displacement_state();
    let mut d = emergency("D", "HD");
    d.statuses = [Status::Disabled].into_iter().collect();
    let needs = vec![
        emergency("E1", "HE"),
        emergency("E2", "HF"),
        d,
        emergency("E1", "HZ"),
    ];
    let out = same_as_successive_calls(&state, &needs, AS_OF);
    let e1 = out[0].as_ref().expect("E1");
    assert_eq!(e1.mode, UrgentMode::Displaced);
    assert_eq!(e1.resource_id.as_deref(), Some("R1"));
    assert!(e1.changes.iter().any(|c| c.need_id == "A"));
    assert_eq!(
        mode(&out[1]),
        (Some(UrgentMode::Unmatched), Some("capacity_exhausted"))
    );
    assert!(out[3].is_err());
}

#[test]
fn a_generated_sample_gives_the_same_states_over_many_insertions() {
    let inputs = generate(Scale::Sample, 7);
    let policy = Policy::default();
    let r = aidmatch::run(&inputs, &policy, &RunOptions::new(AS_OF)).expect("run");
    for rules in [
        LoopRules::default(),
        LoopRules {
            continuity: Continuity::Keep,
            urgent_may_displace: false,
            ..LoopRules::default()
        },
    ] {
        let state = State::from_run(&inputs, &policy, &rules, &r);
        let mut rng = ChaCha8Rng::seed_from_u64(11);
        let mut needs = Vec::new();
        for k in 0..120 {
            let mut e = inputs.needs[rng.random_range(0..inputs.needs.len())].clone();
            // Every fifth a duplicate of a need of the round or an earlier insertion;
            // households reused so that limits are reached.
            if k % 5 != 4 {
                e.need_id = format!("URGENT-{k}");
            } else if k % 10 == 9 {
                e.need_id = format!("URGENT-{}", k - 3);
            }
            e.household_id = format!("H-URGENT-{}", rng.random_range(0..40));
            if k % 3 == 0 {
                e.urgency = Urgency::Emergency;
            }
            needs.push(e);
        }
        let day = AS_OF.add_days(3).expect("date");
        let out = same_as_successive_calls(&state, &needs, day);
        let count = |m: UrgentMode| {
            out.iter()
                .filter(|o| o.as_ref().is_ok_and(|o| o.mode == m))
                .count()
        };
        assert!(count(UrgentMode::FreePlace) > 0);
        assert!(count(UrgentMode::Unmatched) > 0);
        assert!(out.iter().filter(|o| o.is_err()).count() >= 24);
        assert!(out.iter().any(|o| {
            o.as_ref()
                .is_ok_and(|o| o.reason == Some("household_limit"))
        }));
    }
}
