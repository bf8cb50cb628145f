//! The outcomes of proposed matches (帮扶结果反馈) and their state machine.
//!
//! A match is a proposal. Feedback from the platform moves it through these states:
//!
//! ```text
//!   proposed ──accepted──▶ accepted ──delivered──▶ delivered
//!      │                      └──────failed──────▶ failed
//!      ├──declined (declined_by, reason)──▶ declined
//!      ├──delivered or failed (acceptance implied)──▶ delivered or failed
//!      └──no answer within LoopRules::proposal_expiry_days──▶ expired
//! ```
//!
//! A platform often reports only a pair's latest status (the spec's own example
//! delivers a proposal with no `accepted` row before it): `delivered` or `failed` on a
//! proposal implies its acceptance, and since the help was under way, the proposal's
//! expiry does not apply to them. Every other transition (answering a declined, failed,
//! delivered or expired proposal, repeating a status, feedback on a pair that was never
//! proposed) is an [`OutcomeError`] naming the need and the resource, and so is a row
//! dated before the pair was proposed or after the re-match's date. Rows of the
//! outcomes file are applied in file order.
//!
//! Why: re-matching ([`crate::rematch`]) keeps accepted and delivered pairs, forbids
//! declined ones and frees the places of declined, expired and failed ones; it must
//! never act on feedback that contradicts what was proposed.
//!
//! The spec's outcomes file has `need_id, resource_id, status, at, note`; aidmatch also
//! reads the optional columns `declined_by` (`recipient` 受助方, `provider` 帮扶方) and
//! `reason` (`capacity`, `not_eligible`, `unreachable`, `no_longer_needed`, `other`).
//!
//! The policy file has no section for the closed loop; its rules are [`LoopRules`], with
//! the documented defaults below (kept out of the policy so that the policy digest of
//! existing runs does not change).

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::model::Outcome;
use crate::snapshot::pair_key;
use crate::taxonomy::{DeclineReason, DeclinedBy, OutcomeStatus, ProviderKind};

/// The state of a proposed (need, resource) pair.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PairStatus {
    /// Proposed by a run, no answer yet.
    Proposed,
    /// Accepted by both sides: kept, consumes capacity and budget.
    Accepted,
    /// Declined by the recipient or the provider: never proposed again.
    Declined,
    /// Help delivered: kept, consumes capacity and budget.
    Delivered,
    /// Accepted but not delivered: the place is freed, the need is matched again.
    Failed,
    /// No answer within the expiry: the place is freed, the need is matched again.
    Expired,
}

impl PairStatus {
    /// Lower-case id (`"proposed"`).
    pub fn as_str(self) -> &'static str {
        match self {
            PairStatus::Proposed => "proposed",
            PairStatus::Accepted => "accepted",
            PairStatus::Declined => "declined",
            PairStatus::Delivered => "delivered",
            PairStatus::Failed => "failed",
            PairStatus::Expired => "expired",
        }
    }

    /// Accepted or delivered: the pair stands and is never moved.
    pub fn is_kept(self) -> bool {
        matches!(self, PairStatus::Accepted | PairStatus::Delivered)
    }

    /// Proposed, accepted or delivered: the pair holds a place of its resource.
    pub fn holds_place(self) -> bool {
        matches!(
            self,
            PairStatus::Proposed | PairStatus::Accepted | PairStatus::Delivered
        )
    }

    /// No further transition is allowed.
    pub fn is_final(self) -> bool {
        !matches!(self, PairStatus::Proposed | PairStatus::Accepted)
    }
}

impl std::fmt::Display for PairStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The state after feedback `to` on a pair in state `from`, or `None` if the transition
/// is not allowed. O(1).
pub fn transition(from: PairStatus, to: OutcomeStatus) -> Option<PairStatus> {
    match (from, to) {
        (PairStatus::Proposed, OutcomeStatus::Accepted) => Some(PairStatus::Accepted),
        (PairStatus::Proposed, OutcomeStatus::Declined) => Some(PairStatus::Declined),
        (PairStatus::Proposed | PairStatus::Accepted, OutcomeStatus::Delivered) => {
            Some(PairStatus::Delivered)
        }
        (PairStatus::Proposed | PairStatus::Accepted, OutcomeStatus::Failed) => {
            Some(PairStatus::Failed)
        }
        _ => None,
    }
}

/// How continuing pairings (1+1 and 1+N cadre pairings, ongoing services) carry over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Continuity {
    /// The household-provider pairs of the previous round score the policy's
    /// `score.continuity` bonus (the engine's previous-pairs scoring).
    #[default]
    Bonus,
    /// Open proposals of providers of a continuing kind are kept like accepted ones
    /// (they consume capacity, are never moved) until declined, failed or expired; the
    /// bonus applies to every other previous pair.
    Keep,
}

/// The rules of the closed loop. Defaults: proposals expire after 14 days without an
/// answer; continuity by bonus; cadre (结对干部) pairings are the continuing kind; an
/// emergency need may displace a lower-tier proposal (not an accepted one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct LoopRules {
    /// Days a proposal waits for an answer before it expires.
    pub proposal_expiry_days: u32,
    /// Bonus or hard keep for continuing pairings.
    pub continuity: Continuity,
    /// Provider kinds whose pairings are continuing relations (hard keep applies to them).
    pub continuing_kinds: Vec<ProviderKind>,
    /// An emergency need that finds no free place may displace lower-tier proposals.
    pub urgent_may_displace: bool,
}

impl LoopRules {
    /// The last day a proposal made on `proposed_at` can be answered (`None` past the
    /// calendar's end).
    fn answer_by(&self, proposed_at: Date) -> Option<Date> {
        proposed_at.add_days(self.proposal_expiry_days as i32)
    }

    /// The status of `p` on `as_of`: `Expired` for a proposal unanswered past
    /// `proposal_expiry_days`, else its own (what [`apply_outcomes`] sets, without
    /// changing `p`).
    pub(crate) fn status_on(&self, p: &Pair, as_of: Date) -> PairStatus {
        let expired = p.status == PairStatus::Proposed
            && self.answer_by(p.proposed_at).is_some_and(|end| as_of > end);
        if expired {
            PairStatus::Expired
        } else {
            p.status
        }
    }
}

/// Expires the proposals of `pairs` unanswered on `as_of`, in place: [`apply_outcomes`]
/// without feedback rows, with no copy of the pairs. Returns how many expired. O(pairs).
pub(crate) fn expire(pairs: &mut [Pair], rules: &LoopRules, as_of: Date) -> u64 {
    let mut expired = 0;
    for p in pairs {
        if p.status != PairStatus::Expired && rules.status_on(p, as_of) == PairStatus::Expired {
            p.status = PairStatus::Expired;
            p.updated_at = as_of;
            expired += 1;
        }
    }
    expired
}

impl Default for LoopRules {
    fn default() -> Self {
        LoopRules {
            proposal_expiry_days: DEFAULT_EXPIRY_DAYS,
            continuity: Continuity::Bonus,
            continuing_kinds: vec![ProviderKind::Cadre],
            urgent_may_displace: true,
        }
    }
}

/// Days a proposal waits for an answer by default (two weekly rounds).
pub const DEFAULT_EXPIRY_DAYS: u32 = 14;

/// Feedback that cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OutcomeError {
    /// The status does not follow from the pair's current state.
    #[error(
        "outcomes row {row}: need {need_id:?} with resource {resource_id:?}: cannot go from {from} to {to}"
    )]
    InvalidTransition {
        /// 1-based data row of the outcomes file.
        row: usize,
        /// The need.
        need_id: String,
        /// The resource.
        resource_id: String,
        /// The pair's state before this row.
        from: PairStatus,
        /// The status the row gives.
        to: String,
    },
    /// The pair was never proposed (it is not in the previous snapshot).
    #[error("outcomes row {row}: need {need_id:?} was never proposed resource {resource_id:?}")]
    NotProposed {
        /// 1-based data row.
        row: usize,
        /// The need.
        need_id: String,
        /// The resource.
        resource_id: String,
    },
    /// The row's date is before the pair was proposed or after the re-match's date.
    #[error(
        "outcomes row {row}: need {need_id:?} with resource {resource_id:?}: dated {at}, outside {proposed_at} (proposed) to {as_of} (this re-match)"
    )]
    DateOutOfRange {
        /// 1-based data row.
        row: usize,
        /// The need.
        need_id: String,
        /// The resource.
        resource_id: String,
        /// The row's `at`.
        at: Date,
        /// When the pair was proposed.
        proposed_at: Date,
        /// The re-match's date.
        as_of: Date,
    },
    /// `declined_by` or `reason` on a row whose status is not `declined`.
    #[error(
        "outcomes row {row}: need {need_id:?} with resource {resource_id:?}: declined_by and reason belong to declined rows, not {status}"
    )]
    DeclineFieldsOnOtherStatus {
        /// 1-based data row.
        row: usize,
        /// The need.
        need_id: String,
        /// The resource.
        resource_id: String,
        /// The row's status.
        status: String,
    },
}

impl OutcomeError {
    /// The same error with its row counted from `first_row` instead of 1: 2 for the
    /// spreadsheet rows of a CSV file (the header is row 1), as its reading problems
    /// are numbered. (A row of empty cells before it, which the reader counts but
    /// yields no outcome, makes it one less.)
    pub fn counted_from(mut self, first_row: usize) -> OutcomeError {
        let shift = |row: &mut usize| *row = *row - 1 + first_row;
        match &mut self {
            OutcomeError::InvalidTransition { row, .. }
            | OutcomeError::NotProposed { row, .. }
            | OutcomeError::DateOutOfRange { row, .. }
            | OutcomeError::DeclineFieldsOnOtherStatus { row, .. } => shift(row),
        }
        self
    }
}

/// One proposed pair and its state: what a snapshot stores per pair.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pair {
    /// The need.
    pub need_id: String,
    /// Its household (for continuity and household limits).
    pub household_id: String,
    /// The resource.
    pub resource_id: String,
    /// Its provider.
    pub provider_id: String,
    /// What the resource gives the need (hundredths of yuan, units or hours).
    pub amount: crate::model::Quantity,
    /// Tier of the need when proposed.
    pub tier: u8,
    /// Score of the pair when proposed.
    pub score: i64,
    /// State.
    pub status: PairStatus,
    /// The run that proposed it.
    pub proposed_at: Date,
    /// The date of the last feedback (`at` of the outcome row; else the run date).
    pub updated_at: Date,
    /// Who declined (declined pairs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub declined_by: Option<DeclinedBy>,
    /// Why declined (declined pairs).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<DeclineReason>,
}

/// What applying the outcomes did, counted by resulting state.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeCounts {
    /// Rows applied.
    pub rows: u64,
    /// Pairs now accepted.
    pub accepted: u64,
    /// Pairs declined by this feedback.
    pub declined: u64,
    /// Pairs delivered by this feedback.
    pub delivered: u64,
    /// Pairs failed by this feedback.
    pub failed: u64,
    /// Proposals that expired without an answer at this run date.
    pub expired: u64,
}

/// A pair's (need, resource).
fn pair_ids(p: &Pair) -> (&str, &str) {
    (&p.need_id, &p.resource_id)
}

/// Applies outcome rows to the pairs (in file order), then expires proposals without an
/// answer for more than `rules.proposal_expiry_days` at `as_of`. The pair of a row is
/// the latest pair with its need and resource. An answer dated after the proposal's
/// expiry is refused (the proposal had expired). O(pairs + rows · log pairs) when the
/// pairs are in the snapshot's order, else O(pairs + rows) with a hash map of them.
///
/// # Errors
/// The first row that cannot be applied; `pairs` is left unchanged then.
pub fn apply_outcomes(
    pairs: &mut [Pair],
    outcomes: &[Outcome],
    rules: &LoopRules,
    as_of: Date,
) -> Result<OutcomeCounts, OutcomeError> {
    // The latest pair of each (need, resource): by binary search when the pairs are in
    // the snapshot's order (need, resource, proposed_at), else through a map of them all.
    let sorted = pairs.is_sorted_by(|a, b| pair_key(a) <= pair_key(b));
    let map: std::collections::HashMap<(&str, &str), usize> = if sorted {
        std::collections::HashMap::new()
    } else {
        pairs
            .iter()
            .enumerate()
            .map(|(k, p)| (pair_ids(p), k))
            .collect()
    };
    let latest = |need: &str, resource: &str| -> Option<usize> {
        if !sorted {
            return map.get(&(need, resource)).copied();
        }
        let end = pairs.partition_point(|p| pair_ids(p) <= (need, resource));
        (end > 0 && pair_ids(&pairs[end - 1]) == (need, resource)).then(|| end - 1)
    };
    // Work on a copy of the states so that an error leaves `pairs` unchanged.
    let mut state: Vec<(PairStatus, Date, Option<DeclinedBy>, Option<DeclineReason>)> = pairs
        .iter()
        .map(|p| (p.status, p.updated_at, p.declined_by, p.reason))
        .collect();
    let mut counts = OutcomeCounts::default();
    for (r, o) in outcomes.iter().enumerate() {
        let row = r + 1;
        let Some(k) = latest(&o.need_id, &o.resource_id) else {
            return Err(OutcomeError::NotProposed {
                row,
                need_id: o.need_id.clone(),
                resource_id: o.resource_id.clone(),
            });
        };
        if o.status != OutcomeStatus::Declined && (o.declined_by.is_some() || o.reason.is_some()) {
            return Err(OutcomeError::DeclineFieldsOnOtherStatus {
                row,
                need_id: o.need_id.clone(),
                resource_id: o.resource_id.clone(),
                status: o.status.as_str().to_owned(),
            });
        }
        if let Some(at) = o.at
            && (at < pairs[k].proposed_at || at > as_of)
        {
            return Err(OutcomeError::DateOutOfRange {
                row,
                need_id: o.need_id.clone(),
                resource_id: o.resource_id.clone(),
                at,
                proposed_at: pairs[k].proposed_at,
                as_of,
            });
        }
        let mut from = state[k].0;
        // An answer after the expiry comes too late; a delivery or failure shows the
        // proposal was accepted in time.
        let answer = matches!(o.status, OutcomeStatus::Accepted | OutcomeStatus::Declined);
        if from == PairStatus::Proposed
            && answer
            && let (Some(at), Some(end)) = (o.at, rules.answer_by(pairs[k].proposed_at))
            && at > end
        {
            from = PairStatus::Expired;
        }
        let Some(to) = transition(from, o.status) else {
            return Err(OutcomeError::InvalidTransition {
                row,
                need_id: o.need_id.clone(),
                resource_id: o.resource_id.clone(),
                from,
                to: o.status.as_str().to_owned(),
            });
        };
        state[k].0 = to;
        state[k].1 = o.at.unwrap_or(as_of);
        if to == PairStatus::Declined {
            state[k].2 = o.declined_by;
            state[k].3 = o.reason;
        }
        counts.rows += 1;
        match to {
            PairStatus::Accepted => counts.accepted += 1,
            PairStatus::Declined => counts.declined += 1,
            PairStatus::Delivered => counts.delivered += 1,
            PairStatus::Failed => counts.failed += 1,
            PairStatus::Proposed | PairStatus::Expired => {}
        }
    }
    for (p, (status, at, by, reason)) in pairs.iter_mut().zip(state) {
        p.status = status;
        p.updated_at = at;
        p.declined_by = by;
        p.reason = reason;
    }
    counts.expired = expire(pairs, rules, as_of);
    Ok(counts)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transition_table_is_exactly_the_spec() {
        use OutcomeStatus as O;
        use PairStatus as P;
        let all_from = [
            P::Proposed,
            P::Accepted,
            P::Declined,
            P::Delivered,
            P::Failed,
            P::Expired,
        ];
        let allowed = [
            (P::Proposed, O::Accepted, P::Accepted),
            (P::Proposed, O::Declined, P::Declined),
            (P::Accepted, O::Delivered, P::Delivered),
            (P::Accepted, O::Failed, P::Failed),
            (P::Proposed, O::Delivered, P::Delivered),
            (P::Proposed, O::Failed, P::Failed),
        ];
        for from in all_from {
            for &to in O::ALL {
                let expect = allowed
                    .iter()
                    .find(|(f, t, _)| *f == from && *t == to)
                    .map(|x| x.2);
                assert_eq!(transition(from, to), expect, "{from} -> {}", to.as_str());
            }
        }
    }
}
