//! Property tests of the engine on random small lists: nothing lost, capacities, budgets
//! and household limits respected, no excluded pair and no consent-less charity match
//! (all through the independent eligibility of `engine_support`), shuffle invariance, and
//! exact lexicographic optimality against the brute-force oracle
//! `aidmatch_assign::reference::sparse` on a network built here without the engine.

use aidmatch::date::Date;
use aidmatch::division::AreaPrefix;
use aidmatch::model::{Exclusion, Inputs, Need, Resource};
use aidmatch::scoring::Scorer;
use aidmatch::taxonomy::{
    Category, CategorySet, Form, Gender, ProviderKind, Status, StatusSet, Urgency,
};
use aidmatch::{Policy, RunOptions};
use aidmatch_assign::ProblemBuilder;
use proptest::prelude::*;

use super::engine_support::*;

const REGIONS: [&str; 5] = [
    "610103001002",
    "610103001003",
    "610103002001",
    "610113003005",
    "610602100201",
];
const AREAS: [&str; 6] = ["61", "6101", "610103", "610103001", "610113", "6106"];
const CATS: [Category; 3] = [Category::Medical, Category::Living, Category::Education];
const STATUSES: [Status; 5] = [
    Status::Dibao,
    Status::Tekun,
    Status::Orphan,
    Status::Monitored,
    Status::SevereDisabled,
];

fn status_set(bits: u8) -> StatusSet {
    STATUSES
        .iter()
        .enumerate()
        .filter(|(k, _)| bits & (1 << k) != 0)
        .map(|(_, &s)| s)
        .collect()
}

fn day(offset: i32) -> Date {
    as_of().add_days(offset).expect("in range")
}

prop_compose! {
    fn arb_need(k: usize)(
        hh in 0usize..5, region in 0usize..5, cat in 0usize..3, cash in prop::bool::weighted(0.15),
        q in 1u64..6, urg in 0usize..3, consent in prop::bool::weighted(0.85), st in any::<u8>(),
        age in prop::option::weighted(0.8, 0u32..90), gender in prop::option::weighted(0.8, any::<bool>()),
        wait in prop::option::of(0i32..400),
    ) -> Need {
        let mut n = need(&format!("N{k:02}"), &format!("H{hh}"), REGIONS[region], CATS[cat]);
        n.form = if cash { Form::Cash } else { Form::Service };
        n.quantity = units(q);
        n.urgency = Urgency::ALL[urg];
        n.consent = consent;
        n.statuses = status_set(st & 0x1f);
        n.age = age;
        n.gender = gender.map(|g| if g { Gender::Female } else { Gender::Male });
        n.reported_at = wait.map(|w| day(-w));
        n
    }
}

prop_compose! {
    fn arb_resource(k: usize)(
        gov in prop::bool::weighted(0.2), provider in 0usize..4, cats in prop::sample::select(vec![1u8, 2, 4, 3, 5, 6, 7, 7, 7]), cash in prop::bool::weighted(0.15),
        cap in prop::sample::select(vec![0u32, 1, 1, 2, 2, 3]), budget in prop::option::of(1u64..12), maxq in prop::option::of(1u64..5),
        area1 in prop::sample::select(vec![0usize, 0, 1, 1, 2, 3, 4, 5]), area2 in prop::option::weighted(0.3, 0usize..6), st in prop::option::weighted(0.25, 1u8..32),
        prio in any::<u8>(), ages in prop::option::weighted(0.15, (0u32..30, 10u32..90)),
        gender in prop::option::weighted(0.15, any::<bool>()),
        from in prop::option::weighted(0.15, -30i32..10), to in prop::option::weighted(0.15, -10i32..30),
    ) -> Resource {
        let categories: CategorySet = CATS.iter().enumerate().filter(|(i, _)| cats & (1 << i) != 0).map(|(_, &c)| c).collect();
        let mut area = vec![AreaPrefix::parse(AREAS[area1]).expect("area")];
        if let Some(a) = area2 {
            area.push(AreaPrefix::parse(AREAS[a]).expect("area"));
        }
        let kind = if gov { ProviderKind::Government } else { ProviderKind::Charity };
        let mut r = Resource::new(format!("R{k}"), format!("P{provider}"), kind, categories, cap, area);
        r.form = if cash { Form::Cash } else { Form::Service };
        r.budget = budget.map(units);
        r.max_per_need = maxq.map(units);
        r.eligible_statuses = st.map_or(StatusSet::EMPTY, status_set);
        r.priority_statuses = status_set(prio & 0x1f);
        if let Some((lo, span)) = ages {
            r.min_age = Some(lo);
            r.max_age = Some(lo + span);
        }
        r.gender = gender.map(|g| if g { Gender::Female } else { Gender::Male });
        r.valid_from = from.map(day);
        r.valid_to = to.map(day);
        r
    }
}

fn arb_inputs(max_needs: usize, min_res: usize, max_res: usize) -> impl Strategy<Value = Inputs> {
    (1..=max_needs, min_res..=max_res).prop_flat_map(|(n, m)| {
        let needs: Vec<_> = (0..n).map(arb_need).collect();
        let resources: Vec<_> = (0..m).map(arb_resource).collect();
        let exclusions = prop::collection::vec((0usize..5, 0usize..4), 0..4);
        (needs, resources, exclusions).prop_map(|(needs, resources, ex)| Inputs {
            needs,
            resources,
            exclusions: ex
                .into_iter()
                .map(|(h, p)| Exclusion {
                    household_id: format!("H{h}"),
                    provider_id: format!("P{p}"),
                    reason: "conflict".into(),
                })
                .collect(),
        })
    })
}

/// The best (assigned by tier, score) by brute force over a network built from the
/// spec's eligibility, without the engine's index, checks or network code.
fn oracle(inputs: &Inputs, policy: &Policy) -> Option<(Vec<u64>, i128, bool)> {
    let mut needs: Vec<&Need> = inputs.needs.iter().collect();
    needs.sort_by(|a, b| a.need_id.cmp(&b.need_id));
    let mut res: Vec<&Resource> = inputs.resources.iter().collect();
    res.sort_by(|a, b| a.resource_id.cmp(&b.resource_id));
    let mut households: Vec<&str> = needs.iter().map(|n| n.household_id.as_str()).collect();
    households.sort();
    households.dedup();
    let scorer = Scorer::new(&policy.score, as_of());
    let mut b = ProblemBuilder::new(needs.len(), res.len());
    let mut arcs = 0;
    for (i, n) in needs.iter().enumerate() {
        for (j, r) in res.iter().enumerate() {
            if spec_eligible(n, r, as_of(), &inputs.exclusions) {
                let len = r
                    .area
                    .iter()
                    .filter(|a| n.region.to_string().starts_with(&a.to_string()))
                    .map(|a| a.to_string().len() as u8)
                    .max()
                    .expect("eligible means contained");
                let s = scorer
                    .breakdown(n, scorer.need_terms(n), r, len, false)
                    .total();
                b.arc(i, j, s);
                arcs += 1;
            }
        }
    }
    if arcs > 18 {
        return None;
    }
    b.col_capacity(res.iter().map(|r| r.capacity).collect());
    b.row_tier(
        needs
            .iter()
            .map(|n| u32::from(policy.tier_of(n.urgency, |s| n.statuses.contains(s))))
            .collect(),
    );
    b.groups(
        needs
            .iter()
            .map(|n| {
                households
                    .binary_search(&n.household_id.as_str())
                    .expect("present")
            })
            .collect(),
        vec![policy.household.max_needs_per_round; households.len()],
    );
    let p = b.build().expect("valid problem");
    let (mut q, w) = aidmatch_assign::reference::sparse(&p);
    q.resize(usize::from(policy.n_tiers()), 0);
    Some((q, w, aidmatch_assign::reference::is_tiered(&p)))
}

/// Fisher–Yates with a xorshift stream.
fn shuffle<T>(v: &mut [T], x: &mut u64) {
    for k in (1..v.len()).rev() {
        *x ^= *x << 13;
        *x ^= *x >> 7;
        *x ^= *x << 17;
        let j = (*x % (k as u64 + 1)) as usize;
        v.swap(k, j);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 192, .. ProptestConfig::default() })]

    #[test]
    fn invariants_hold_and_shuffles_do_not_matter(
        inputs in arb_inputs(14, 0, 7),
        seed in any::<u64>(),
    ) {
        let policy = Policy::default();
        let a = aidmatch::run(&inputs, &policy, &RunOptions::new(as_of())).expect("run");
        check_invariants(&inputs, &policy, as_of(), &a);
        // Shuffle rows with a simple seeded permutation, and run sequentially.
        let mut shuffled = inputs.clone();
        let mut x = seed | 1;
        shuffle(&mut shuffled.needs, &mut x);
        shuffle(&mut shuffled.resources, &mut x);
        shuffled.exclusions.reverse();
        let mut o = RunOptions::new(as_of());
        o.parallel = false;
        let b = aidmatch::run(&shuffled, &policy, &o).expect("run");
        prop_assert_eq!(a.to_json(), b.to_json());
        // The budget bound never lies below the result.
        let bound: u64 = a.summary.budget.bound_assigned_by_tier.iter().sum();
        prop_assert!(bound >= a.summary.counts.assigned);
        if inputs.resources.iter().all(|r| r.budget.is_none()) {
            prop_assert!(a.summary.budget.exact);
        }
    }

    #[test]
    fn optimal_against_brute_force_without_budgets(inputs in arb_inputs(8, 1, 4)) {
        let mut inputs = inputs;
        for r in &mut inputs.resources { r.budget = None; }
        let policy = Policy::default();
        let Some((q, w, tiered)) = oracle(&inputs, &policy) else { return Ok(()) };
        let a = aidmatch::run(&inputs, &policy, &RunOptions::new(as_of())).expect("run");
        check_invariants(&inputs, &policy, as_of(), &a);
        prop_assert_eq!(i128::from(a.summary.objective.total_score), w);
        if tiered {
            prop_assert_eq!(&a.summary.objective.assigned_by_tier, &q);
        }
    }
}
