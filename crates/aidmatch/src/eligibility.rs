//! Eligibility: which resources may serve which needs, and why the others may not.
//!
//! A (need, resource) pair is eligible when every [`Check`] passes:
//!
//! | check | passes when |
//! |---|---|
//! | `area` | one of the resource's area prefixes contains the need's region |
//! | `category` | the resource serves the need's category |
//! | `form` | the resource gives help in the need's form (cash, goods, service) |
//! | `consent` | the person consented to charity referral, or the resource is `government` |
//! | `status` | the resource has no `eligible_statuses`, or the household has one of them |
//! | `age` | the resource sets no age bound, or the person's age is known and within it |
//! | `gender` | the resource sets no gender, or the person's gender is known and equal |
//! | `dates` | the run date lies in `valid_from..=valid_to` (missing bound = open) |
//! | `exclusion` | the (household, provider) pair is not a listed conflict of interest |
//! | `capacity` | the resource has capacity, and its budget covers this need's amount |
//! | `declined` | (re-matching) the pair was not declined in an earlier round |
//!
//! An unknown age or gender fails a restriction: a resource for children 6 to 18 cannot
//! be promised to a person of unrecorded age.
//!
//! # Candidate generation without testing all pairs
//!
//! At province scale (1M needs × 100k resources) testing every pair is out of the
//! question. A resource index keys every resource under (category, area prefix) for each
//! category it serves and each prefix it lists. A need looks up its own category under
//! each prefix of its region (at most one lookup per prefix length in use, five at most:
//! 12, 9, 6, 4, 2 digits), which yields exactly the resources passing `area` and
//! `category`, with the longest containing prefix (for proximity scoring). The remaining
//! checks are O(1) each. Building the index is O(Σ categories × prefixes) over resources;
//! a need costs O(prefix lengths + candidates).
//!
//! # Why a need has no eligible resource
//!
//! The diagnosis looks at the candidates that failed (those serving the category in the
//! area) and reports the nearest miss: the resources failing the fewest checks. If some
//! resource fails *only* for consent the reason is `no_consent`; only for a conflict of
//! interest, `excluded_conflict`; only for its validity dates, `expired`; otherwise
//! `no_eligible_resource`. The detail names resources by count and conditions, never a
//! person's field: `2 resources serve medical in 610102 but require dibao`.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

use crate::date::Date;
use crate::model::{Need, Quantity, Resource};
use crate::report::UnmatchedReason;
use crate::taxonomy::{Form, Gender, StatusSet, Term};

/// A fast, deterministic hasher for integer keys (multiply-xorshift). Not DoS-resistant,
/// which does not matter for keys made of the engine's own indices and codes.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct IntHasher(u64);

impl Hasher for IntHasher {
    fn finish(&self) -> u64 {
        let mut x = self.0;
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        x ^= x >> 33;
        x
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0 ^ n).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }
}

/// Hash map keyed by integers, with [`IntHasher`].
pub(crate) type IntMap<K, V> = HashMap<K, V, BuildHasherDefault<IntHasher>>;
/// Hash set of integers, with [`IntHasher`].
pub(crate) type IntSet<K> = HashSet<K, BuildHasherDefault<IntHasher>>;

/// A set of (household index, provider index) pairs: exclusions, previous pairs.
#[derive(Debug, Clone, Default)]
pub(crate) struct PairSet(IntSet<u64>);

impl PairSet {
    pub(crate) fn insert(&mut self, household: u32, provider: u32) {
        self.0.insert(pair_key(household, provider));
    }
    pub(crate) fn contains(&self, household: u32, provider: u32) -> bool {
        !self.0.is_empty() && self.0.contains(&pair_key(household, provider))
    }
}

fn pair_key(household: u32, provider: u32) -> u64 {
    (u64::from(household) << 32) | u64::from(provider)
}

/// One condition of eligibility (see the [module documentation](self)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Check {
    /// An area prefix of the resource contains the need's region.
    Area,
    /// The resource serves the need's category.
    Category,
    /// Same form of help.
    Form,
    /// Consent given, or a government resource.
    Consent,
    /// The household has one of the resource's eligible statuses.
    Status,
    /// Within the resource's age bounds.
    Age,
    /// The resource's gender restriction.
    Gender,
    /// The resource is open on the run date.
    Dates,
    /// Not a conflict-of-interest pair.
    Exclusion,
    /// Capacity and budget allow this need's amount.
    Capacity,
    /// The pair was declined in an earlier round (re-matching never proposes it again).
    Declined,
}

impl Check {
    /// Every check, in the order failures are reported.
    pub const ALL: [Check; 11] = [
        Check::Area,
        Check::Category,
        Check::Form,
        Check::Consent,
        Check::Status,
        Check::Age,
        Check::Gender,
        Check::Dates,
        Check::Exclusion,
        Check::Capacity,
        Check::Declined,
    ];

    /// A stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Check::Area => "area",
            Check::Category => "category",
            Check::Form => "form",
            Check::Consent => "consent",
            Check::Status => "status",
            Check::Age => "age",
            Check::Gender => "gender",
            Check::Dates => "dates",
            Check::Exclusion => "exclusion",
            Check::Capacity => "capacity",
            Check::Declined => "declined",
        }
    }

    fn bit(self) -> u16 {
        1 << (self as u16)
    }
}

/// The checks a pair fails, as a small bitset. Empty = eligible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Failures(u16);

impl Failures {
    /// True if the pair is eligible.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    /// True if `check` failed.
    pub fn contains(self, check: Check) -> bool {
        self.0 & check.bit() != 0
    }
    /// Number of failed checks.
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }
    /// True if exactly `check` failed and nothing else.
    pub fn is_only(self, check: Check) -> bool {
        self.0 == check.bit()
    }
    /// The failed checks, in [`Check::ALL`] order.
    pub fn iter(self) -> impl Iterator<Item = Check> {
        Check::ALL.into_iter().filter(move |c| self.contains(*c))
    }
    pub(crate) fn add(&mut self, check: Check, failed: bool) {
        if failed {
            self.0 |= check.bit();
        }
    }
}

/// The amount a need receives from a resource if matched: its quantity, capped by the
/// resource's `max_per_need`.
pub fn amount(need: &Need, resource: &Resource) -> Quantity {
    match resource.max_per_need {
        Some(cap) => need.quantity.min(cap),
        None => need.quantity,
    }
}

/// What the checks need besides the two records.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckEnv<'a> {
    /// The run date.
    pub as_of: Date,
    /// Conflict-of-interest pairs (household index, provider index).
    pub excluded: &'a PairSet,
}

/// The fields of a resource that the per-pair checks read, packed into 32 bytes
/// instead of a whole [`Resource`] record, with the date check done once. The
/// eligibility pass reads every candidate resource once per need; at province scale
/// the full records of 100,000 resources do not stay in cache, and the first field
/// read of each was 30% of the pass's time.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ResourceFacts {
    /// Budget in hundredths; `u64::MAX` without one.
    budget: u64,
    /// `max_per_need` in hundredths; `u64::MAX` without one.
    max_per_need: u64,
    eligible_statuses: StatusSet,
    /// Age bounds (`0` and `u32::MAX` when open), and whether there is any.
    min_age: u32,
    max_age: u32,
    age_bounded: bool,
    form: Form,
    gender: Option<Gender>,
    government: bool,
    /// Valid on the run date.
    open: bool,
    no_capacity: bool,
}

impl ResourceFacts {
    /// The facts of `resource` for a run on `as_of`. O(1).
    pub(crate) fn of(resource: &Resource, as_of: Date) -> ResourceFacts {
        ResourceFacts {
            budget: resource.budget.map_or(u64::MAX, |b| b.hundredths()),
            max_per_need: resource.max_per_need.map_or(u64::MAX, |m| m.hundredths()),
            eligible_statuses: resource.eligible_statuses,
            min_age: resource.min_age.unwrap_or(0),
            max_age: resource.max_age.unwrap_or(u32::MAX),
            age_bounded: resource.min_age.is_some() || resource.max_age.is_some(),
            form: resource.form,
            gender: resource.gender,
            government: resource.provider_kind.is_government(),
            open: resource.is_open_on(as_of),
            no_capacity: resource.capacity == 0,
        }
    }
}

/// Runs the checks other than area and category (which the index guarantees). O(1).
pub(crate) fn check_rest(
    env: CheckEnv<'_>,
    need: &Need,
    household: u32,
    resource: &Resource,
    provider: u32,
) -> Failures {
    check_facts(
        env,
        need,
        household,
        &ResourceFacts::of(resource, env.as_of),
        provider,
    )
}

/// [`check_rest`] on a resource's packed facts (made for `env.as_of`). O(1).
pub(crate) fn check_facts(
    env: CheckEnv<'_>,
    need: &Need,
    household: u32,
    resource: &ResourceFacts,
    provider: u32,
) -> Failures {
    let mut f = Failures::default();
    f.add(Check::Form, need.form != resource.form);
    f.add(Check::Consent, !need.consent && !resource.government);
    f.add(
        Check::Status,
        !resource.eligible_statuses.is_empty()
            && !need.statuses.intersects(resource.eligible_statuses),
    );
    let age_ok = !resource.age_bounded
        || need
            .age
            .is_some_and(|a| resource.min_age <= a && a <= resource.max_age);
    f.add(Check::Age, !age_ok);
    f.add(
        Check::Gender,
        resource.gender.is_some() && need.gender != resource.gender,
    );
    f.add(Check::Dates, !resource.open);
    f.add(Check::Exclusion, env.excluded.contains(household, provider));
    f.add(
        Check::Capacity,
        resource.no_capacity
            || resource.budget < need.quantity.hundredths().min(resource.max_per_need),
    );
    f
}

/// Runs every check, area and category included: the definition of eligibility without
/// the index (the unit tests compare the index against it). O(area prefixes).
#[cfg(test)]
pub(crate) fn check_all(
    env: CheckEnv<'_>,
    need: &Need,
    household: u32,
    resource: &Resource,
    provider: u32,
) -> Failures {
    let mut f = check_rest(env, need, household, resource, provider);
    f.add(Check::Area, !resource.serves_region(need.region));
    f.add(
        Check::Category,
        !resource.categories.contains(need.category),
    );
    f
}

/// The longest prefix length (digits) of the resource's area containing the need's
/// region, if any.
pub(crate) fn longest_prefix(need: &Need, resource: &Resource) -> Option<u8> {
    resource
        .area
        .iter()
        .filter(|a| a.contains(need.region))
        .map(|a| a.len())
        .max()
}

/// Resources indexed by (category, area prefix) for candidate generation.
#[derive(Debug, Clone, Default)]
pub(crate) struct ResourceIndex {
    map: IntMap<u64, Vec<u32>>,
    /// Prefix lengths in use, longest first.
    lens: Vec<u8>,
    /// Number of resources serving each category (by category index).
    per_category: [u32; 32],
}

fn index_key(category: usize, len: u8, value: u64) -> u64 {
    // value < 10^12 < 2^40; len <= 12 < 2^4; category < 2^5.
    (value << 9) | (u64::from(len) << 5) | (category as u64 & 31)
}

impl ResourceIndex {
    /// Indexes resources (by their position in `resources`). O(Σ categories × prefixes).
    pub(crate) fn build(resources: &[Resource]) -> ResourceIndex {
        ResourceIndex::build_subset(resources, |_| true)
    }

    /// Indexes the resources (by their position in `resources`) for which `keep` is true.
    /// O(resources + Σ categories × prefixes of those kept).
    pub(crate) fn build_subset(
        resources: &[Resource],
        keep: impl Fn(usize) -> bool,
    ) -> ResourceIndex {
        let mut idx = ResourceIndex::default();
        let mut lens: Vec<u8> = Vec::new();
        for (r, res) in resources.iter().enumerate().filter(|(r, _)| keep(*r)) {
            for c in res.categories.iter() {
                idx.per_category[c.index() & 31] += 1;
                for a in &res.area {
                    let list = idx
                        .map
                        .entry(index_key(c.index(), a.len(), a.value()))
                        .or_default();
                    // A resource listing the same prefix twice is indexed once.
                    if list.last() != Some(&(r as u32)) {
                        list.push(r as u32);
                    }
                    if !lens.contains(&a.len()) {
                        lens.push(a.len());
                    }
                }
            }
        }
        lens.sort_unstable_by(|a, b| b.cmp(a));
        idx.lens = lens;
        idx
    }

    /// The resources serving the need's category in an area containing its region, each
    /// with the longest containing prefix length, sorted by resource index. `out` is
    /// cleared first. O(prefix lengths + candidates · log candidates).
    pub(crate) fn candidates(&self, need: &Need, out: &mut Vec<(u32, u8)>) {
        out.clear();
        let c = need.category.index();
        for &len in &self.lens {
            if let Some(value) = need.region.prefix_value(len)
                && let Some(list) = self.map.get(&index_key(c, len, value))
            {
                out.extend(list.iter().map(|&r| (r, len)));
            }
        }
        if out.len() > 1 {
            // Longest prefix first within a resource, then keep the first of each.
            out.sort_unstable_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
            out.dedup_by_key(|x| x.0);
        }
    }

    /// Number of resources serving a category anywhere.
    pub(crate) fn serving_category(&self, category: crate::taxonomy::Category) -> u32 {
        self.per_category[category.index() & 31]
    }
}

/// The verdict on a need without any eligible resource.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Diagnosis {
    pub reason: UnmatchedReason,
    pub detail: String,
}

/// Explains why a need has no eligible resource, from its candidates (the resources
/// serving its category in its area) and the checks each failed. O(candidates).
pub(crate) fn diagnose(
    need: &Need,
    failed: &[(u32, Failures)],
    resources: &[Resource],
    index: &ResourceIndex,
    as_of: Date,
) -> Diagnosis {
    let county = format!("{:06}", need.region.county());
    let category = need.category.as_str();
    if failed.is_empty() {
        let elsewhere = index.serving_category(need.category);
        let detail = if elsewhere == 0 {
            format!("no resource serves {category}")
        } else {
            format!(
                "no resource serves {category} in {county} ({elsewhere} serve {category} elsewhere)"
            )
        };
        return Diagnosis {
            reason: UnmatchedReason::NoEligibleResource,
            detail,
        };
    }
    // Reasons the person or the platform can act on come first.
    let special = [
        (Check::Consent, UnmatchedReason::NoConsent),
        (Check::Exclusion, UnmatchedReason::ExcludedConflict),
        (Check::Dates, UnmatchedReason::Expired),
    ];
    let (reason, group) = match special
        .iter()
        .find(|(c, _)| failed.iter().any(|(_, f)| f.is_only(*c)))
    {
        Some(&(check, reason)) => (reason, Failures(check.bit())),
        None => {
            // The nearest miss: fewest failed checks; among those the most common set.
            let fewest = failed.iter().map(|(_, f)| f.len()).min().unwrap_or(0);
            let mut counts: Vec<(Failures, usize)> = Vec::new();
            for (_, f) in failed.iter().filter(|(_, f)| f.len() == fewest) {
                match counts.iter_mut().find(|(g, _)| g == f) {
                    Some(entry) => entry.1 += 1,
                    None => counts.push((*f, 1)),
                }
            }
            counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
            let group = counts.first().map_or(Failures::default(), |g| g.0);
            (UnmatchedReason::NoEligibleResource, group)
        }
    };
    let members: Vec<&Resource> = failed
        .iter()
        .filter(|(_, f)| *f == group)
        .map(|&(r, _)| &resources[r as usize])
        .collect();
    let n = members.len();
    let noun = if n == 1 {
        "resource serves"
    } else {
        "resources serve"
    };
    let conditions: Vec<String> = group
        .iter()
        .map(|c| describe(c, need, &members, as_of))
        .collect();
    let mut detail = format!(
        "{n} {noun} {category} in {county} but {}",
        conditions.join(" and ")
    );
    let others = failed.len() - n;
    if others > 0 {
        detail.push_str(&format!(
            "; {others} more fail on {}",
            if others == 1 {
                "another condition"
            } else {
                "other conditions"
            }
        ));
    }
    Diagnosis { reason, detail }
}

/// How a group of resources fails one check, in words about the resources (never about
/// the person beyond "not recorded").
fn describe(check: Check, need: &Need, members: &[&Resource], as_of: Date) -> String {
    let plural = members.len() != 1;
    let (are, give, require, serve) = if plural {
        ("are", "give", "require", "serve")
    } else {
        ("is", "gives", "requires", "serves")
    };
    match check {
        Check::Area => "do not cover the area".to_owned(),
        Check::Category => "do not serve the category".to_owned(),
        Check::Form => {
            let mut forms: Vec<Form> = members.iter().map(|r| r.form).collect();
            forms.sort();
            forms.dedup();
            let list: Vec<&str> = forms.iter().map(|f| f.as_str()).collect();
            format!("{give} {} (not {})", list.join("/"), need.form.as_str())
        }
        Check::Consent => {
            format!("{are} not government help and consent to charity referral was not given")
        }
        Check::Status => {
            let mut all = StatusSet::EMPTY;
            for r in members {
                all = all.union(r.eligible_statuses);
            }
            let list: Vec<&str> = all.iter().map(|s| s.as_str()).collect();
            format!("{require} {}", list.join(" or "))
        }
        Check::Age => {
            let lo = members.iter().filter_map(|r| r.min_age).min();
            let hi = members.iter().filter_map(|r| r.max_age).max();
            let range = match (lo, hi) {
                (Some(lo), Some(hi)) => format!("ages {lo} to {hi}"),
                (Some(lo), None) => format!("ages {lo} and over"),
                (None, Some(hi)) => format!("ages up to {hi}"),
                (None, None) => "some ages".to_owned(),
            };
            if need.age.is_none() {
                format!("{serve} {range} (age not recorded)")
            } else {
                format!("{serve} {range}")
            }
        }
        Check::Gender => {
            let mut gs: Vec<Gender> = members.iter().filter_map(|r| r.gender).collect();
            gs.sort();
            gs.dedup();
            let list: Vec<&str> = gs.iter().map(|g| g.as_str()).collect();
            if need.gender.is_none() {
                format!("{serve} {} only (gender not recorded)", list.join("/"))
            } else {
                format!("{serve} {} only", list.join("/"))
            }
        }
        Check::Dates => {
            let expired = members
                .iter()
                .all(|r| r.valid_to.is_some_and(|t| t < as_of));
            let not_yet = members
                .iter()
                .all(|r| r.valid_from.is_some_and(|f| as_of < f));
            if expired {
                format!("{are} no longer valid on {}", fmt_date(as_of))
            } else if not_yet {
                format!("{are} not yet valid on {}", fmt_date(as_of))
            } else {
                format!("{are} not valid on {}", fmt_date(as_of))
            }
        }
        Check::Exclusion => {
            format!("{are} excluded for this household (conflict of interest)")
        }
        Check::Capacity => "have no capacity or budget for this need's amount".to_owned(),
        Check::Declined => format!("{are} declined for this need in an earlier round"),
    }
}

fn fmt_date(d: Date) -> String {
    let (y, m, day) = d.ymd();
    format!("{y:04}-{m:02}-{day:02}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::division::{AreaPrefix, Division};
    use crate::taxonomy::{Category, CategorySet, ProviderKind, Status};

    /// The index finds exactly the resources passing area and category, with the longest
    /// prefix, and index + `check_rest` agree with `check_all` on every pair.
    #[test]
    fn index_agrees_with_the_definition() {
        let areas = [
            "61",
            "6101",
            "610103",
            "610103001",
            "610103001002",
            "6106",
            "610113",
        ];
        let regions = [
            "610103001002",
            "610103001003",
            "610103",
            "610113003005",
            "610602100201",
            "610103002",
        ];
        let cats = [Category::Medical, Category::Living, Category::Education];
        let mut resources = Vec::new();
        for k in 0..40usize {
            let c: CategorySet = cats
                .iter()
                .enumerate()
                .filter(|(i, _)| (k + 1) & (1 << i) != 0)
                .map(|(_, &c)| c)
                .collect();
            let mut area = vec![AreaPrefix::parse(areas[k % areas.len()]).expect("area")];
            if k % 3 == 0 {
                area.push(AreaPrefix::parse(areas[(k / 3) % areas.len()]).expect("area"));
            }
            let kind = if k % 5 == 0 {
                ProviderKind::Government
            } else {
                ProviderKind::Charity
            };
            let mut r = Resource::new(
                format!("R{k}"),
                format!("P{}", k % 4),
                kind,
                c,
                (k % 3) as u32,
                area,
            );
            if k % 4 == 1 {
                r.eligible_statuses = StatusSet::single(Status::Dibao);
            }
            resources.push(r);
        }
        let index = ResourceIndex::build(&resources);
        let mut excluded = PairSet::default();
        excluded.insert(1, 2);
        let env = CheckEnv {
            as_of: Date::parse("2024-10-01").expect("date"),
            excluded: &excluded,
        };
        let mut cand = Vec::new();
        for (h, region) in regions.iter().enumerate() {
            for (ci, &cat) in cats.iter().enumerate() {
                let mut n = Need::new(
                    "N",
                    "H",
                    Division::parse(region).expect("region"),
                    cat,
                    ci != 1,
                );
                if h % 2 == 0 {
                    n.statuses = StatusSet::single(Status::Dibao);
                }
                index.candidates(&n, &mut cand);
                for (r, res) in resources.iter().enumerate() {
                    let provider = (r % 4) as u32;
                    let all = check_all(env, &n, h as u32, res, provider);
                    let found = cand.iter().find(|c| c.0 as usize == r);
                    let in_area = !all.contains(Check::Area) && !all.contains(Check::Category);
                    assert_eq!(found.is_some(), in_area, "{region} {cat} R{r}");
                    if let Some(&(_, len)) = found {
                        assert_eq!(Some(len), longest_prefix(&n, res));
                        assert_eq!(check_rest(env, &n, h as u32, res, provider), all);
                    }
                }
            }
        }
    }

    /// The packed facts give the same verdicts as the checks written on the records,
    /// over generated lists (ages, genders, budgets, validity dates, consent) and run
    /// dates before, inside and after validity windows.
    #[test]
    fn packed_facts_agree_with_the_records() {
        let inputs = crate::generate::generate(crate::generate::Scale::County, 3);
        let mut excluded = PairSet::default();
        excluded.insert(0, 1);
        let by_record = |env: CheckEnv<'_>, n: &Need, h: u32, r: &Resource, p: u32| {
            let mut f = Failures::default();
            f.add(Check::Form, n.form != r.form);
            f.add(
                Check::Consent,
                !n.consent && !r.provider_kind.is_government(),
            );
            f.add(
                Check::Status,
                !r.eligible_statuses.is_empty() && !n.statuses.intersects(r.eligible_statuses),
            );
            let age_ok = match (r.min_age, r.max_age) {
                (None, None) => true,
                (lo, hi) => n
                    .age
                    .is_some_and(|a| lo.is_none_or(|lo| lo <= a) && hi.is_none_or(|hi| a <= hi)),
            };
            f.add(Check::Age, !age_ok);
            f.add(Check::Gender, r.gender.is_some() && n.gender != r.gender);
            f.add(Check::Dates, !r.is_open_on(env.as_of));
            f.add(Check::Exclusion, env.excluded.contains(h, p));
            f.add(
                Check::Capacity,
                r.capacity == 0 || r.budget.is_some_and(|b| b < amount(n, r)),
            );
            f
        };
        let mut seen = Failures::default();
        for day in ["2023-01-01", "2024-10-01", "2027-06-30"] {
            let env = CheckEnv {
                as_of: Date::parse(day).expect("date"),
                excluded: &excluded,
            };
            for (i, n) in inputs.needs.iter().enumerate().step_by(7).take(300) {
                for (j, r) in inputs.resources.iter().enumerate() {
                    let (h, p) = ((i % 3) as u32, (j % 3) as u32);
                    let f = check_rest(env, n, h, r, p);
                    assert_eq!(
                        f,
                        by_record(env, n, h, r, p),
                        "need {i} resource {j} on {day}"
                    );
                    seen.0 |= f.0;
                }
            }
        }
        // Every check of the facts failed somewhere: the comparison covered each of them
        // (area and category are the index's, declined pairs the re-match's).
        for c in Check::ALL {
            let elsewhere = matches!(c, Check::Area | Check::Category | Check::Declined);
            assert!(elsewhere || seen.contains(c), "{c:?} never failed");
        }
    }
}
