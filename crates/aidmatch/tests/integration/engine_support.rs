//! Builders and invariant checks shared by the engine tests.
//!
//! The invariant checker re-derives eligibility from the spec's rules on its own (it does
//! not call the engine's eligibility code), so a bug in the index or the checks shows up
//! as a violated invariant.

#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};

use aidmatch::date::Date;
use aidmatch::division::{AreaPrefix, Division};
use aidmatch::model::{Exclusion, Inputs, Need, Quantity, Resource};
use aidmatch::taxonomy::{Category, CategorySet, ProviderKind, Status, StatusSet};
use aidmatch::{MatchResult, Policy, RunOptions};

pub fn date(s: &str) -> Date {
    Date::parse(s).expect("test date")
}

pub fn as_of() -> Date {
    date("2024-10-01")
}

pub fn need(id: &str, household: &str, region: &str, category: Category) -> Need {
    Need::new(
        id,
        household,
        Division::parse(region).expect("test region"),
        category,
        true,
    )
}

pub fn resource(
    id: &str,
    provider: &str,
    kind: ProviderKind,
    cats: &[Category],
    capacity: u32,
    area: &[&str],
) -> Resource {
    Resource::new(
        id,
        provider,
        kind,
        cats.iter().copied().collect::<CategorySet>(),
        capacity,
        area.iter()
            .map(|a| AreaPrefix::parse(a).expect("test area"))
            .collect(),
    )
}

pub fn charity(id: &str, cats: &[Category], capacity: u32, area: &[&str]) -> Resource {
    resource(
        id,
        &format!("P-{id}"),
        ProviderKind::Charity,
        cats,
        capacity,
        area,
    )
}

pub fn statuses(list: &[Status]) -> StatusSet {
    list.iter().copied().collect()
}

pub fn units(n: u64) -> Quantity {
    Quantity::from_units(n).expect("small")
}

pub fn exclusion(household: &str, provider: &str) -> Exclusion {
    Exclusion {
        household_id: household.into(),
        provider_id: provider.into(),
        reason: "test".into(),
    }
}

pub fn inputs(needs: Vec<Need>, resources: Vec<Resource>) -> Inputs {
    Inputs {
        needs,
        resources,
        exclusions: Vec::new(),
    }
}

pub fn run(inputs: &Inputs) -> MatchResult {
    run_with(inputs, &Policy::default())
}

pub fn run_with(inputs: &Inputs, policy: &Policy) -> MatchResult {
    let result = aidmatch::run(inputs, policy, &RunOptions::new(as_of())).expect("run succeeds");
    check_invariants(inputs, policy, as_of(), &result);
    result
}

/// Where a need went: `Some(resource_id)` or `None`.
pub fn where_went(r: &MatchResult, need_id: &str) -> Option<String> {
    r.assignments
        .iter()
        .find(|a| a.need_id == need_id)
        .map(|a| a.resource_id.clone())
}

/// The unmatched row of a need.
pub fn unmatched<'a>(r: &'a MatchResult, need_id: &str) -> &'a aidmatch::report::UnmatchedRow {
    r.unmatched
        .iter()
        .find(|u| u.need_id == need_id)
        .unwrap_or_else(|| panic!("{need_id} should be unmatched"))
}

/// Eligibility by the spec's words, written independently of the engine.
pub fn spec_eligible(need: &Need, res: &Resource, as_of: Date, exclusions: &[Exclusion]) -> bool {
    let area = res.area.iter().any(|a| {
        let p = a.to_string();
        need.region.to_string().starts_with(&p)
    });
    let category = res.categories.iter().any(|c| c == need.category);
    let form = res.form == need.form;
    let consent = need.consent || res.provider_kind == ProviderKind::Government;
    let status = res.eligible_statuses.is_empty()
        || res
            .eligible_statuses
            .iter()
            .any(|s| need.statuses.contains(s));
    let age = match (res.min_age, res.max_age) {
        (None, None) => true,
        (lo, hi) => match need.age {
            None => false,
            Some(a) => lo.is_none_or(|lo| a >= lo) && hi.is_none_or(|hi| a <= hi),
        },
    };
    let gender = res.gender.is_none() || res.gender == need.gender;
    let dates =
        res.valid_from.is_none_or(|f| f <= as_of) && res.valid_to.is_none_or(|t| as_of <= t);
    let excluded = exclusions
        .iter()
        .any(|e| e.household_id == need.household_id && e.provider_id == res.provider_id);
    let amount = res
        .max_per_need
        .map_or(need.quantity, |m| need.quantity.min(m));
    let capacity = res.capacity > 0 && res.budget.is_none_or(|b| b >= amount);
    area && category && form && consent && status && age && gender && dates && !excluded && capacity
}

/// Checks the invariants every result must satisfy.
pub fn check_invariants(inputs: &Inputs, policy: &Policy, as_of: Date, r: &MatchResult) {
    // Nothing lost: each need exactly once in assignments or unmatched.
    let mut seen = BTreeMap::new();
    for a in &r.assignments {
        *seen.entry(a.need_id.clone()).or_insert(0) += 1;
    }
    for u in &r.unmatched {
        *seen.entry(u.need_id.clone()).or_insert(0) += 1;
    }
    let ids: BTreeSet<&str> = inputs.needs.iter().map(|n| n.need_id.as_str()).collect();
    assert_eq!(seen.len(), ids.len(), "every need appears");
    for (id, count) in &seen {
        assert_eq!(*count, 1, "need {id} appears {count} times");
        assert!(ids.contains(id.as_str()), "unknown need {id} in output");
    }
    assert_eq!(r.summary.counts.assigned as usize, r.assignments.len());
    assert_eq!(r.summary.counts.unmatched as usize, r.unmatched.len());
    assert!(r.summary.certificate.verified);

    let needs: BTreeMap<&str, &Need> = inputs
        .needs
        .iter()
        .map(|n| (n.need_id.as_str(), n))
        .collect();
    let resources: BTreeMap<&str, &Resource> = inputs
        .resources
        .iter()
        .map(|x| (x.resource_id.as_str(), x))
        .collect();
    let mut count: BTreeMap<&str, u32> = BTreeMap::new();
    let mut spent: BTreeMap<&str, u64> = BTreeMap::new();
    let mut per_household: BTreeMap<&str, u32> = BTreeMap::new();
    for a in &r.assignments {
        let n = needs[a.need_id.as_str()];
        let res = resources[a.resource_id.as_str()];
        assert_eq!(a.household_id, n.household_id);
        assert_eq!(a.provider_id, res.provider_id);
        assert!(
            spec_eligible(n, res, as_of, &inputs.exclusions),
            "{} matched to ineligible {}",
            a.need_id,
            a.resource_id
        );
        // Quantities: never more than asked, never more than max_per_need.
        assert!(a.quantity <= n.quantity);
        if let Some(m) = res.max_per_need {
            assert!(a.quantity <= m);
        }
        assert_eq!(
            a.quantity,
            res.max_per_need.map_or(n.quantity, |m| n.quantity.min(m))
        );
        *count.entry(res.resource_id.as_str()).or_insert(0) += 1;
        *spent.entry(res.resource_id.as_str()).or_insert(0) += a.quantity.hundredths();
        *per_household.entry(n.household_id.as_str()).or_insert(0) += 1;
        assert_eq!(
            a.tier,
            policy.tier_of(n.urgency, |s| n.statuses.contains(s)),
            "tier of {}",
            a.need_id
        );
        assert_eq!(
            a.score,
            a.why
                .split(';')
                .map(|t| t
                    .split_once('=')
                    .map_or(0, |(_, v)| v.parse::<i64>().unwrap_or(0)))
                .sum::<i64>()
        );
    }
    for (id, c) in &count {
        let res = resources[id];
        assert!(*c <= res.capacity, "{id} over capacity");
        if let Some(b) = res.budget {
            assert!(spent[id] <= b.hundredths(), "{id} over budget");
        }
    }
    for (h, c) in &per_household {
        assert!(
            *c <= policy.household.max_needs_per_round,
            "household {h} over its limit"
        );
    }
}
