//! The summary of a run (`summary.json`): counts, coverage, objective, certificate, digests.
//!
//! Everything an auditor needs to check a run without the personal data: how many needs
//! came in and how many were helped, per tier, per category and per county; why the
//! others were not; the objective and how far a budget constraint may have kept it from
//! the bound; whether the optimality certificate verified; and the SHA-256 digests of the
//! canonical input and of the policy, with the engine version, the run date and the seed,
//! so that the run can be reproduced and compared byte for byte.
//!
//! All maps are ordered (`BTreeMap`), so the JSON is byte-identical for the same run.
//! Wall-clock timings are deliberately *not* part of the summary (they would break that);
//! see [`crate::engine::MatchResult::stage_times`].

use std::collections::BTreeMap;

use serde::Serialize;

use crate::date::Date;
use crate::model::Quantity;

/// The summary of a run. Field names are those of `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Summary {
    /// The aidmatch version that produced the run.
    pub engine_version: String,
    /// The run date (`as_of`): validity dates and waiting time are judged on it.
    pub run_date: Date,
    /// The seed recorded for the run (the engine itself draws no random numbers).
    pub seed: Option<u64>,
    /// The policy's own version label.
    pub policy_version: String,
    /// SHA-256 of the canonical input (see [`crate::engine`] for the canonical form).
    pub input_sha256: String,
    /// SHA-256 of the policy's canonical form ([`crate::policy::Policy::digest`]).
    pub policy_sha256: String,
    /// SHA-256 of the canonical previous pairs, when continuity was scored.
    pub previous_pairs_sha256: Option<String>,
    /// How many of everything.
    pub counts: Counts,
    /// Unmatched needs by reason (every reason listed, zeros included).
    pub unmatched_by_reason: BTreeMap<String, u64>,
    /// Referrals by program.
    pub referrals_by_program: BTreeMap<String, u64>,
    /// Share of needs helped, by tier, category and county.
    pub coverage: Coverage,
    /// What the optimum achieved.
    pub objective: Objective,
    /// How budgets were handled and the gap to the bound.
    pub budget: BudgetReport,
    /// The optimality certificate.
    pub certificate: Certificate,
}

/// Counts of inputs and outputs.
///
/// A re-match's `needs`, `households`, `assigned` and `fast_track_assigned` (and its
/// coverage) also count the needs that kept an agreed pair from an earlier round: they
/// are in `assignments.csv` though this round did not match them again (`rematch.json`'s
/// `kept_pairs`); `eligible_pairs`, the objective, the budget figures and the
/// certificate are those of this round's solve.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Need items in the input.
    pub needs: u64,
    /// Distinct households among them.
    pub households: u64,
    /// Resources in the supply list.
    pub resources: u64,
    /// Distinct providers.
    pub providers: u64,
    /// Conflict-of-interest pairs in the input.
    pub exclusions: u64,
    /// Eligible (need, resource) pairs: the arcs of the network.
    pub eligible_pairs: u64,
    /// Needs matched.
    pub assigned: u64,
    /// Needs left without help.
    pub unmatched: u64,
    /// Referral rows.
    pub referrals: u64,
    /// Matched needs marked fast track.
    pub fast_track_assigned: u64,
}

/// Needs and matched needs of one cell of a coverage table.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CoverageCell {
    /// Needs in the cell.
    pub needs: u64,
    /// Of which matched.
    pub assigned: u64,
    /// `assigned / needs`.
    pub rate: f64,
}

impl CoverageCell {
    pub(crate) fn add(&mut self, assigned: bool) {
        self.needs += 1;
        self.assigned += u64::from(assigned);
    }
    pub(crate) fn merge(&mut self, other: &CoverageCell) {
        self.needs += other.needs;
        self.assigned += other.assigned;
    }
    pub(crate) fn finish(&mut self) {
        self.rate = if self.needs == 0 {
            0.0
        } else {
            self.assigned as f64 / self.needs as f64
        };
    }
}

/// Coverage tables.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Coverage {
    /// By priority tier (`"1"`, `"2"`, ...).
    pub by_tier: BTreeMap<u8, CoverageCell>,
    /// By need category (English id).
    pub by_category: BTreeMap<String, CoverageCell>,
    /// By county (6-digit division code).
    pub by_county: BTreeMap<String, CoverageCell>,
}

impl Coverage {
    pub(crate) fn finish(&mut self) {
        for c in self.by_tier.values_mut() {
            c.finish();
        }
        for c in self.by_category.values_mut() {
            c.finish();
        }
        for c in self.by_county.values_mut() {
            c.finish();
        }
    }
}

/// The objective achieved: lexicographically, matched needs by tier, then total score.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Objective {
    /// Matched needs of tier 1, 2, ... (index 0 = tier 1).
    pub assigned_by_tier: Vec<u64>,
    /// Sum of the scores of the matched pairs.
    pub total_score: i64,
    /// Amount given, by form (yuan for cash, units for goods, hours for service).
    pub quantity_by_form: BTreeMap<String, Quantity>,
}

/// How resource budgets were handled (see [`crate::network`] for the method).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct BudgetReport {
    /// Resources with a budget.
    pub budgeted_resources: u64,
    /// Resources whose budget bound the solution (capacity lowered below the count the
    /// budget would allow for their smallest eligible amount).
    pub tightened_resources: u64,
    /// Number of exact solves performed (1 when budgets never bound).
    pub solves: u32,
    /// True when the result is proven optimal *with* the budgets (the bound is attained).
    pub exact: bool,
    /// The bound: the optimum of the relaxation in which each budget only limits the
    /// count to budget / smallest eligible amount (matched needs by tier).
    pub bound_assigned_by_tier: Vec<u64>,
    /// The bound's total score.
    pub bound_total_score: i64,
    /// Bound minus achieved, in matched needs (all tiers).
    pub gap_assigned: u64,
    /// Bound minus achieved, in total score.
    pub gap_score: i64,
}

/// The optimality certificate of the final solve.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Certificate {
    /// True when `aidmatch_assign::verify::verify` accepted the dual prices (a run whose
    /// certificate fails is an error, so a written summary always says true).
    pub verified: bool,
    /// The solver that produced the matching.
    pub solver: String,
    /// The independent checker.
    pub checker: String,
    /// Rows (needs), columns (resources), groups (households) and arcs of the network.
    pub rows: u64,
    /// Columns.
    pub columns: u64,
    /// Groups.
    pub groups: u64,
    /// Arcs.
    pub arcs: u64,
}
