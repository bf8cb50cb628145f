//! Scoring: an integer score for every eligible (need, resource) pair, with its breakdown.
//!
//! The score says how good a match is *within* a priority tier (tiers themselves are
//! lexicographic and never traded against score). It is the sum of the policy's terms
//! ([`crate::policy::ScoreTerms`]), each a whole number of points:
//!
//! | term | depends on | default |
//! |---|---|---|
//! | `base` | every eligible pair | 100 |
//! | `urgency` | the need's urgency | normal 0, urgent 30, emergency 60 |
//! | `severity` | the household's most severe status | tekun/orphan 50 … elderly 10 |
//! | `category` | the resource serves only this category / several | 20 / 10 |
//! | `proximity` | depth of the resource's area prefix containing the need | village 40 … province 0 |
//! | `priority` | the household has one of the resource's `priority_statuses` | 25 |
//! | `waiting` | full weeks since `reported_at`, capped | 2 a week, at most 26 weeks |
//! | `continuity` | the same provider helped the household in the previous round | 15 |
//!
//! Integers keep the optimum exact and the output identical on every platform; ties are
//! broken by ids in the solver, never by floating-point noise. Every term is bounded by
//! [`crate::policy::MAX_POINTS`], so a score is far below the solver's weight limit.
//!
//! The hot path ([`score`]) computes only the total; [`Scorer::breakdown`] gives the terms for the
//! assigned pairs and for explanations, on the same code path (the total *is* the sum of
//! the breakdown). Complexity O(1) per pair after an O(1) per-need precomputation
//! ([`NeedTerms`]).

use std::fmt;

use serde::Serialize;

use crate::date::Date;
use crate::model::{Need, Resource};
use crate::policy::ScoreTerms;
use crate::taxonomy::{Status, Term, Urgency};

/// The terms of a score that depend on the need alone, computed once per need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct NeedTerms {
    /// Points for urgency.
    pub urgency: i64,
    /// Points for the most severe status.
    pub severity: i64,
    /// Points for waiting time.
    pub waiting: i64,
}

/// The terms of one pair's score. [`Breakdown::total`] is the score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Breakdown {
    /// Every eligible pair.
    pub base: i64,
    /// The need's urgency.
    pub urgency: i64,
    /// The household's most severe status.
    pub severity: i64,
    /// Category fit (specialist or general offer).
    pub category: i64,
    /// Proximity of the resource's area to the need's region.
    pub proximity: i64,
    /// The provider's priority statuses.
    pub priority: i64,
    /// Waiting time.
    pub waiting: i64,
    /// Continuity with the previous round's provider.
    pub continuity: i64,
}

impl Breakdown {
    /// The score: the sum of the terms.
    pub fn total(&self) -> i64 {
        self.base
            + self.urgency
            + self.severity
            + self.category
            + self.proximity
            + self.priority
            + self.waiting
            + self.continuity
    }

    /// The `why` column (the [`fmt::Display`] text), in a string sized for it once:
    /// a report writes one per assignment.
    pub fn why(&self) -> String {
        use fmt::Write as _;
        let mut s = String::with_capacity(112);
        // Writing into a `String` cannot fail.
        let _ = write!(s, "{self}");
        s
    }
}

impl fmt::Display for Breakdown {
    /// `base=100;urgency=30;severity=35;category=20;proximity=20;priority=25;waiting=8;continuity=0`:
    /// the `why` column. Term names only, never the statuses behind them (privacy).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "base={};urgency={};severity={};category={};proximity={};priority={};waiting={};continuity={}",
            self.base,
            self.urgency,
            self.severity,
            self.category,
            self.proximity,
            self.priority,
            self.waiting,
            self.continuity
        )
    }
}

/// The score terms of a policy in a form fast to apply: severity as an array by status.
#[derive(Debug, Clone)]
pub struct Scorer {
    terms: ScoreTerms,
    severity: [i64; 32],
    as_of: Date,
}

impl Scorer {
    /// Prepares the terms for a run on `as_of` (the date waiting time is counted to).
    pub fn new(terms: &ScoreTerms, as_of: Date) -> Scorer {
        let mut severity = [0i64; 32];
        for (&status, &points) in &terms.status_severity {
            severity[status_index(status)] = points;
        }
        Scorer {
            terms: terms.clone(),
            severity,
            as_of,
        }
    }

    /// The need-only terms. O(statuses).
    pub fn need_terms(&self, need: &Need) -> NeedTerms {
        let t = &self.terms;
        let urgency = match need.urgency {
            Urgency::Normal => t.urgency.normal,
            Urgency::Urgent => t.urgency.urgent,
            Urgency::Emergency => t.urgency.emergency,
        };
        let severity = need
            .statuses
            .iter()
            .map(|s| self.severity[status_index(s)])
            .max()
            .unwrap_or(0);
        let waiting = need.reported_at.map_or(0, |at| {
            let weeks = i64::from(self.as_of.days_since(at).max(0)) / 7;
            weeks.min(i64::from(t.waiting_cap_weeks)) * t.waiting_per_week
        });
        NeedTerms {
            urgency,
            severity,
            waiting,
        }
    }

    /// The breakdown of the score of an eligible pair. `prefix_len` is the number of
    /// digits of the longest area prefix of the resource containing the need's region;
    /// `continuity` tells whether the household had this provider in the previous round.
    pub fn breakdown(
        &self,
        need: &Need,
        terms: NeedTerms,
        resource: &Resource,
        prefix_len: u8,
        continuity: bool,
    ) -> Breakdown {
        let t = &self.terms;
        let category = if resource.categories.len() == 1 {
            t.category_specialist
        } else {
            t.category_general
        };
        let priority = if need.statuses.intersects(resource.priority_statuses) {
            t.provider_priority
        } else {
            0
        };
        Breakdown {
            base: t.base,
            urgency: terms.urgency,
            severity: terms.severity,
            category,
            proximity: t.proximity.for_prefix_len(usize::from(prefix_len)),
            priority,
            waiting: terms.waiting,
            continuity: if continuity { t.continuity } else { 0 },
        }
    }
}

/// The score of an eligible pair: `scorer.breakdown(..).total()`. O(1).
#[inline]
pub fn score(
    scorer: &Scorer,
    need: &Need,
    terms: NeedTerms,
    resource: &Resource,
    prefix_len: u8,
    continuity: bool,
) -> i64 {
    scorer
        .breakdown(need, terms, resource, prefix_len, continuity)
        .total()
}

fn status_index(s: Status) -> usize {
    // Term::index is below 32 for every enum of the taxonomy.
    Term::index(s) & 31
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::division::{AreaPrefix, Division};
    use crate::model::Quantity;
    use crate::taxonomy::{Category, CategorySet, ProviderKind, StatusSet};

    fn need() -> Need {
        let mut n = Need::new(
            "N1",
            "H1",
            Division::parse("610103001002").expect("code"),
            Category::Medical,
            true,
        );
        n.statuses = [Status::Dibao, Status::SeriousIllness]
            .into_iter()
            .collect();
        n.urgency = Urgency::Urgent;
        n.reported_at = Date::parse("2024-09-01").ok();
        n.quantity = Quantity(100);
        n
    }

    fn resource() -> Resource {
        let mut r = Resource::new(
            "R1",
            "P1",
            ProviderKind::Charity,
            CategorySet::single(Category::Medical),
            3,
            vec![AreaPrefix::parse("6101").expect("prefix")],
        );
        r.priority_statuses = StatusSet::single(Status::SeriousIllness);
        r
    }

    #[test]
    fn terms_add_up() {
        let terms = ScoreTerms::default();
        let s = Scorer::new(&terms, Date::parse("2024-09-30").expect("date"));
        let n = need();
        let nt = s.need_terms(&n);
        // 29 days = 4 full weeks.
        assert_eq!(nt.waiting, 8);
        assert_eq!(nt.urgency, 30);
        assert_eq!(nt.severity, 40); // serious_illness 40 beats dibao 35
        let b = s.breakdown(&n, nt, &resource(), 4, false);
        assert_eq!(b.category, 20);
        assert_eq!(b.proximity, 10);
        assert_eq!(b.priority, 25);
        assert_eq!(b.continuity, 0);
        assert_eq!(b.total(), 100 + 30 + 40 + 20 + 10 + 25 + 8);
        assert_eq!(score(&s, &n, nt, &resource(), 4, true), b.total() + 15);
        assert_eq!(
            b.to_string(),
            "base=100;urgency=30;severity=40;category=20;proximity=10;priority=25;waiting=8;continuity=0"
        );
        assert!(b.total() <= terms.max_score());
    }

    #[test]
    fn waiting_is_capped_and_never_negative() {
        let terms = ScoreTerms::default();
        let mut n = need();
        n.reported_at = Date::parse("2020-01-01").ok();
        let s = Scorer::new(&terms, Date::parse("2024-09-30").expect("date"));
        assert_eq!(s.need_terms(&n).waiting, 26 * 2);
        n.reported_at = Date::parse("2025-01-01").ok();
        assert_eq!(s.need_terms(&n).waiting, 0);
        n.reported_at = None;
        assert_eq!(s.need_terms(&n).waiting, 0);
    }
}
