//! The results of a run: rows of the three result files and their writers.
//!
//! | file | one row per | fields (the spec's names, in this order) |
//! |---|---|---|
//! | `assignments.csv` | matched need | `need_id`, `household_id`, `resource_id`, `provider_id`, `quantity`, `score`, `tier`, `fast_track`, `why` |
//! | `unmatched.csv` | need left without help | `need_id`, `household_id`, `reason`, `detail` |
//! | `referrals.csv` | referral to government aid | `household_id`, `need_id`, `program`, `reason` |
//! | `summary.json` | the run | see [`crate::summary::Summary`] |
//!
//! Only the fields the spec names leave the engine: no region, status, income, age or
//! gender of anyone appears in any result, and `detail` and `why` speak of resources and
//! score terms, not people. Rows are sorted by need id (referrals by household, program,
//! need), so the same input gives byte-identical files.
//!
//! Files are written atomically: each goes to a temporary file in the target directory
//! and is renamed over the final name, so a reader never sees half a file.

use std::fmt;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::error::Error;
use crate::model::Quantity;

/// One matched need (a row of `assignments.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssignmentRow {
    /// The need.
    pub need_id: String,
    /// Its household.
    pub household_id: String,
    /// The resource that serves it.
    pub resource_id: String,
    /// The resource's provider.
    pub provider_id: String,
    /// The amount given: the need's quantity, capped by the resource's `max_per_need`.
    pub quantity: Quantity,
    /// The pair's score (sum of the policy's terms).
    pub score: i64,
    /// The need's priority tier (1 = most urgent).
    pub tier: u8,
    /// Civil affairs already recognises the household: the charity may skip its own check.
    pub fast_track: bool,
    /// The score's terms, `base=100;urgency=30;...`.
    pub why: String,
}

/// Why a need was left without help (the `reason` of `unmatched.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnmatchedReason {
    /// Some resource would serve it but for the missing consent to charity referral.
    NoConsent,
    /// No resource serves it (area, category, statuses, age, ...).
    NoEligibleResource,
    /// Eligible resources exist, but their capacity or budget went to other needs (or the
    /// household's limit per round was reached).
    CapacityExhausted,
    /// Some resource would serve it but for a conflict of interest.
    ExcludedConflict,
    /// Some resource would serve it but is not valid on the run date.
    Expired,
}

impl UnmatchedReason {
    /// Every reason, in the spec's order.
    pub const ALL: [UnmatchedReason; 5] = [
        UnmatchedReason::NoConsent,
        UnmatchedReason::NoEligibleResource,
        UnmatchedReason::CapacityExhausted,
        UnmatchedReason::ExcludedConflict,
        UnmatchedReason::Expired,
    ];

    /// The spec's code (`capacity_exhausted`).
    pub fn as_str(self) -> &'static str {
        match self {
            UnmatchedReason::NoConsent => "no_consent",
            UnmatchedReason::NoEligibleResource => "no_eligible_resource",
            UnmatchedReason::CapacityExhausted => "capacity_exhausted",
            UnmatchedReason::ExcludedConflict => "excluded_conflict",
            UnmatchedReason::Expired => "expired",
        }
    }
}

impl fmt::Display for UnmatchedReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One need left without help (a row of `unmatched.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnmatchedRow {
    /// The need.
    pub need_id: String,
    /// Its household.
    pub household_id: String,
    /// Why.
    pub reason: UnmatchedReason,
    /// The nearest miss or who took the capacity, in words about resources.
    pub detail: String,
}

/// The government aid a household is referred for (the `program` of `referrals.csv`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReferralProgram {
    /// Minimum living allowance (低保).
    Dibao,
    /// Medical assistance (医疗救助).
    MedicalAid,
    /// Education assistance (教育资助).
    EducationAid,
    /// Housing assistance (住房救助).
    HousingAid,
    /// Employment assistance (就业援助).
    EmploymentAid,
    /// Basic living allowance for orphans and de-facto unsupported children.
    ChildAllowance,
    /// The two disability allowances (残疾人两项补贴).
    DisabilityAllowance,
    /// Temporary assistance (临时救助).
    Temporary,
}

impl ReferralProgram {
    /// The id written to `referrals.csv`.
    pub fn as_str(self) -> &'static str {
        match self {
            ReferralProgram::Dibao => "dibao",
            ReferralProgram::MedicalAid => "medical_aid",
            ReferralProgram::EducationAid => "education_aid",
            ReferralProgram::HousingAid => "housing_aid",
            ReferralProgram::EmploymentAid => "employment_aid",
            ReferralProgram::ChildAllowance => "child_allowance",
            ReferralProgram::DisabilityAllowance => "disability_allowance",
            ReferralProgram::Temporary => "temporary",
        }
    }
}

impl fmt::Display for ReferralProgram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One referral to the county civil-affairs bureau (a row of `referrals.csv`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReferralRow {
    /// The household referred.
    pub household_id: String,
    /// The need that brought it up (for household-wide programs, the household's first
    /// need by id).
    pub need_id: String,
    /// What it is referred for.
    pub program: ReferralProgram,
    /// The rule that fired, as a code (`income_below_dibao_line`); never the income itself.
    pub reason: String,
}

/// Writes `assignments.csv` to a writer (header included).
pub(crate) fn write_assignments<W: Write>(w: W, rows: &[AssignmentRow]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record([
        "need_id",
        "household_id",
        "resource_id",
        "provider_id",
        "quantity",
        "score",
        "tier",
        "fast_track",
        "why",
    ])?;
    for r in rows {
        out.write_record([
            r.need_id.as_str(),
            r.household_id.as_str(),
            r.resource_id.as_str(),
            r.provider_id.as_str(),
            &r.quantity.to_string(),
            &r.score.to_string(),
            &r.tier.to_string(),
            if r.fast_track { "true" } else { "false" },
            r.why.as_str(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// Writes `unmatched.csv`.
pub(crate) fn write_unmatched<W: Write>(w: W, rows: &[UnmatchedRow]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["need_id", "household_id", "reason", "detail"])?;
    for r in rows {
        out.write_record([
            r.need_id.as_str(),
            r.household_id.as_str(),
            r.reason.as_str(),
            r.detail.as_str(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// Writes `referrals.csv`.
pub(crate) fn write_referrals<W: Write>(w: W, rows: &[ReferralRow]) -> csv::Result<()> {
    let mut out = csv::Writer::from_writer(w);
    out.write_record(["household_id", "need_id", "program", "reason"])?;
    for r in rows {
        out.write_record([
            r.household_id.as_str(),
            r.need_id.as_str(),
            r.program.as_str(),
            r.reason.as_str(),
        ])?;
    }
    out.flush()?;
    Ok(())
}

/// Writes `dir/name` atomically: the bytes go to a temporary file in `dir`, which is
/// synced and renamed over `name`.
///
/// # Errors
/// [`Error::Io`] naming `dir/name` (also when creating or writing the temporary file
/// failed).
pub(crate) fn write_atomic(
    dir: &Path,
    name: &str,
    fill: impl FnOnce(&mut std::io::BufWriter<std::fs::File>) -> std::io::Result<()>,
) -> Result<(), Error> {
    let target = dir.join(name);
    let tmp = dir.join(format!(".{name}.tmp-{}", std::process::id()));
    let io_err = |path: &Path, source: std::io::Error| Error::Io {
        path: path.display().to_string(),
        source,
    };
    let result = (|| {
        let file = std::fs::File::create(&tmp)?;
        let mut w = std::io::BufWriter::new(file);
        fill(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        Ok(())
    })();
    if let Err(e) = result {
        // Best effort: do not leave the temporary file behind. The error names the file
        // the caller asked for (the temporary name means nothing to a reader).
        let _ = std::fs::remove_file(&tmp);
        return Err(io_err(&target, e));
    }
    std::fs::rename(&tmp, &target).map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        io_err(&target, e)
    })
}

/// Converts a CSV error into an I/O error for [`write_atomic`].
pub(crate) fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}
