//! Referrals to government aid (转介): the other direction of the two lists.
//!
//! The measures ask that people a charity finds who may qualify for government aid be
//! referred to the county civil-affairs bureau. The engine applies the policy's rules
//! ([`crate::policy::ReferralRules`]) to every household of the needs list, matched or
//! not (government referral needs no charity consent):
//!
//! | program | when (defaults) | reason code |
//! |---|---|---|
//! | `dibao` | income per person below the local dibao line, no `dibao` (or `tekun`) received | `income_below_dibao_line` |
//! | `medical_aid`, `education_aid`, `housing_aid`, `employment_aid` | income below 1.5 × the line (but not below it: the low-income edge, 低保边缘), no `dibao`/`tekun`, not yet `dibao_edge`; one referral per `medical`, `education`, `housing` or `employment` need category of the household whose program it does not receive | `income_below_edge_line` |
//! | `child_allowance` | `orphan` or `unsupported_child` without `child_allowance` | `child_without_allowance` |
//! | `disability_allowance` | `severe_disabled` without `disability_allowance` | `severe_disabled_without_allowance` |
//! | `temporary` | an `emergency` need, `temporary` not received | `emergency_need` |
//!
//! A household is judged on all its need rows together: the union of their statuses and
//! programs, the lowest income reported, and the region of its first need (by need id).
//! Household-wide referrals name that first need; `temporary` names each emergency need;
//! the special assistance programs (专项救助) open to edge households name the first
//! need of their category. (The programs are the spec's: `dibao_edge` is a status, not
//! a program, so an edge household is referred to the programs its needs call for.)
//! The dibao line is the value of the longest prefix of the region listed in the policy;
//! without a listed prefix (or without an income) no income rule fires.
//! Reason codes never carry the income or any other personal value.
//!
//! Complexity: O(needs + prefixes) after the needs are grouped by household.

use crate::model::{Need, Quantity};
use crate::policy::ReferralRules;
use crate::report::{ReferralProgram, ReferralRow};
use crate::taxonomy::{Category, GovProgram, ProgramSet, Status, StatusSet, Urgency};

/// The dibao lines as (prefix value, prefix digits, yuan), longest prefixes first.
#[derive(Debug, Clone)]
pub(crate) struct DibaoLines(Vec<(u64, u8, u32)>);

impl DibaoLines {
    pub(crate) fn new(rules: &ReferralRules) -> DibaoLines {
        let mut v: Vec<(u64, u8, u32)> = rules
            .dibao_lines
            .iter()
            .filter_map(|(p, &line)| p.parse::<u64>().ok().map(|v| (v, p.len() as u8, line)))
            .collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        DibaoLines(v)
    }

    /// The line (yuan per person per month) for a need's region.
    pub(crate) fn line_for(&self, need: &Need) -> Option<u32> {
        self.0
            .iter()
            .find(|&&(value, len, _)| need.region.prefix_value(len) == Some(value))
            .map(|&(_, _, line)| line)
    }
}

/// What the rules look at for one household.
#[derive(Debug, Clone, Copy)]
struct HouseholdFacts {
    statuses: StatusSet,
    programs: ProgramSet,
    income: Option<Quantity>,
    first_need: usize,
    /// The first need (by id) of each special assistance category ([`SPECIAL`]).
    special: [Option<usize>; 4],
}

/// The special assistance programs (专项救助) of the low-income edge, by need category.
const SPECIAL: [(Category, GovProgram, ReferralProgram); 4] = [
    (
        Category::Medical,
        GovProgram::MedicalAid,
        ReferralProgram::MedicalAid,
    ),
    (
        Category::Education,
        GovProgram::EducationAid,
        ReferralProgram::EducationAid,
    ),
    (
        Category::Housing,
        GovProgram::HousingAid,
        ReferralProgram::HousingAid,
    ),
    (
        Category::Employment,
        GovProgram::EmploymentAid,
        ReferralProgram::EmploymentAid,
    ),
];

/// The referrals of all households. `needs` are sorted by need id; `household[i]` is the
/// household index of need `i` (households numbered 0..n_households).
pub(crate) fn referrals(
    rules: &ReferralRules,
    needs: &[Need],
    household: &[u32],
    n_households: usize,
) -> Vec<ReferralRow> {
    let lines = DibaoLines::new(rules);
    let mut facts: Vec<Option<HouseholdFacts>> = vec![None; n_households];
    for (i, need) in needs.iter().enumerate() {
        let h = household[i] as usize;
        let f = facts[h].get_or_insert(HouseholdFacts {
            statuses: need.statuses,
            programs: need.gov_programs,
            income: need.income_per_capita,
            first_need: i,
            special: [None; 4],
        });
        if let Some(k) = SPECIAL.iter().position(|s| s.0 == need.category) {
            f.special[k].get_or_insert(i);
        }
        // (Idempotent for the first need, which made the facts.)
        f.statuses = f.statuses.union(need.statuses);
        f.programs = f.programs.union(need.gov_programs);
        f.income = match (f.income, need.income_per_capita) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
    }
    let mut rows = Vec::new();
    let row = |need: &Need, program, reason: &str| ReferralRow {
        household_id: need.household_id.clone(),
        need_id: need.need_id.clone(),
        program,
        reason: reason.to_owned(),
    };
    for f in facts.iter().flatten() {
        let need = &needs[f.first_need];
        let has = |p: GovProgram| f.programs.contains(p);
        let supported =
            has(GovProgram::Dibao) || has(GovProgram::Tekun) || f.statuses.contains(Status::Tekun);
        if let (Some(income), Some(line)) = (f.income, lines.line_for(need))
            && !supported
        {
            let line_h = u64::from(line) * 100;
            let edge_h = line_h * u64::from(rules.edge_line_percent) / 100;
            if income.hundredths() < line_h {
                rows.push(row(need, ReferralProgram::Dibao, "income_below_dibao_line"));
            } else if income.hundredths() < edge_h && !f.statuses.contains(Status::DibaoEdge) {
                for (k, &(_, gov, program)) in SPECIAL.iter().enumerate() {
                    if let Some(first) = f.special[k]
                        && !has(gov)
                    {
                        rows.push(row(&needs[first], program, "income_below_edge_line"));
                    }
                }
            }
        }
        if rules.child_allowance
            && (f.statuses.contains(Status::Orphan)
                || f.statuses.contains(Status::UnsupportedChild))
            && !has(GovProgram::ChildAllowance)
        {
            rows.push(row(
                need,
                ReferralProgram::ChildAllowance,
                "child_without_allowance",
            ));
        }
        if rules.disability_allowance
            && f.statuses.contains(Status::SevereDisabled)
            && !has(GovProgram::DisabilityAllowance)
        {
            rows.push(row(
                need,
                ReferralProgram::DisabilityAllowance,
                "severe_disabled_without_allowance",
            ));
        }
    }
    if rules.emergency_temporary {
        for (i, need) in needs.iter().enumerate() {
            let programs = facts[household[i] as usize].map_or(ProgramSet::EMPTY, |f| f.programs);
            if need.urgency == Urgency::Emergency && !programs.contains(GovProgram::Temporary) {
                rows.push(row(need, ReferralProgram::Temporary, "emergency_need"));
            }
        }
    }
    rows.sort_by(|a, b| {
        a.household_id
            .cmp(&b.household_id)
            .then(a.program.cmp(&b.program))
            .then(a.need_id.cmp(&b.need_id))
    });
    rows
}
