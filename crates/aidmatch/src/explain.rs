//! Explanations: why one need went where it went, or nowhere.
//!
//! [`MatchResult::explain`] answers a county officer's or an auditor's question about one
//! need, from the run's own state (nothing is re-solved):
//!
//! * its tier and whether it is fast-tracked;
//! * every eligible resource with its score and the score's terms, which one was chosen,
//!   and for the others whether they were full (by capacity or budget), with *how* their
//!   capacity was taken: how many needs of each tier they serve and the lowest score among
//!   those of this need's tier (counts and scores, never other people's ids);
//! * the nearest misses: resources serving its category in its area that failed some
//!   check, and which checks;
//! * whether the household limit was reached;
//! * its row in `assignments.csv` or `unmatched.csv`, and its household's referrals.
//!
//! Complexity: O(candidates + matched needs of its eligible resources).

use serde::Serialize;

use crate::eligibility::{Check, Failures, check_rest};
use crate::engine::MatchResult;
use crate::model::Quantity;
use crate::report::{AssignmentRow, ReferralRow, UnmatchedRow};

/// How one eligible resource stands for the explained need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OptionState {
    /// The need was matched to it.
    Chosen,
    /// All its places were taken.
    Full,
    /// Its budget allowed no more needs.
    BudgetSpent,
    /// It had room (the need was matched elsewhere, or its household limit was reached).
    Open,
}

/// Who took a resource's capacity, in counts (not people).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TakenBy {
    /// Needs it serves, by tier (index 0 = tier 1).
    pub by_tier: Vec<u32>,
    /// The lowest score among the needs of the explained need's tier that it serves.
    pub lowest_score_in_tier: Option<i64>,
    /// The amount it gives in all, when it has a budget.
    pub budget_spent: Option<Quantity>,
}

/// One eligible resource of the explained need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EligibleOption {
    /// The resource.
    pub resource_id: String,
    /// Its provider.
    pub provider_id: String,
    /// The pair's score.
    pub score: i64,
    /// The score's terms.
    pub why: String,
    /// The amount the need would receive from it.
    pub amount: Quantity,
    /// Where it stands.
    pub state: OptionState,
    /// How its capacity was taken (for full or budget-spent resources).
    pub taken_by: Option<TakenBy>,
}

/// A resource that serves the need's category in its area but failed a check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NearMiss {
    /// The resource.
    pub resource_id: String,
    /// The checks it failed (`consent`, `status`, `age`, ...).
    pub failed: Vec<&'static str>,
}

/// Everything about one need's fate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The need.
    pub need_id: String,
    /// Its household.
    pub household_id: String,
    /// Its priority tier.
    pub tier: u8,
    /// Whether it would be fast-tracked.
    pub fast_track: bool,
    /// Its row in `assignments.csv`, if matched.
    pub assignment: Option<AssignmentRow>,
    /// Its row in `unmatched.csv`, if not.
    pub unmatched: Option<UnmatchedRow>,
    /// Its eligible resources, best score first.
    pub eligible: Vec<EligibleOption>,
    /// Resources serving its category in its area that failed a check (fewest failed
    /// checks first, at most 20).
    pub near_misses: Vec<NearMiss>,
    /// The household's limit per round and how many of its needs were matched.
    pub household_limit: u32,
    /// Needs of the household matched in this run.
    pub household_matched: u32,
    /// Referrals of the household (all programs).
    pub referrals: Vec<ReferralRow>,
}

impl Explanation {
    /// The explanation as one JSON document (what `aidmatch explain` prints, compact).
    pub fn to_json(&self) -> String {
        // Serialising strings and integers cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }
}

/// Most near misses listed.
const NEAR_MISSES: usize = 20;

impl MatchResult {
    /// Explains one need, or `None` if no need has this id.
    pub fn explain(&self, need_id: &str) -> Option<Explanation> {
        let ctx = &*self.ctx;
        let i = ctx.need_index(need_id)?;
        let need = &ctx.needs[i];
        let h = ctx.household[i];
        let tier = ctx.tier[i];
        let fast: crate::taxonomy::StatusSet =
            ctx.policy.fast_track.statuses.iter().copied().collect();
        let nt = ctx.scorer.need_terms(need);
        let mut cand = Vec::new();
        ctx.index.candidates(need, &mut cand);
        let mut eligible = Vec::new();
        let mut misses: Vec<(Failures, u32)> = Vec::new();
        for &(r, len) in &cand {
            let res = &ctx.resources[r as usize];
            let mut f = check_rest(ctx.env(), need, h, res, ctx.provider[r as usize]);
            f.add(
                Check::Declined,
                crate::rematch::forbids(&ctx.forbidden, i, r),
            );
            if !f.is_empty() {
                misses.push((f, r));
                continue;
            }
            let j = r as usize;
            let b = ctx
                .scorer
                .breakdown(need, nt, res, len, ctx.continuity(i, j));
            let served = &ctx.res_needs[ctx.res_start[j]..ctx.res_start[j + 1]];
            let count = served.len() as u32;
            let state = if ctx.assigned_to[i] == r {
                OptionState::Chosen
            } else if count >= res.capacity {
                OptionState::Full
            } else if count >= ctx.res_cap[j] {
                OptionState::BudgetSpent
            } else {
                OptionState::Open
            };
            let taken_by =
                matches!(state, OptionState::Full | OptionState::BudgetSpent).then(|| {
                    let mut by_tier = vec![0u32; usize::from(ctx.policy.n_tiers())];
                    let mut lowest: Option<i64> = None;
                    for &k in served {
                        let k = k as usize;
                        let t = ctx.tier[k];
                        by_tier[usize::from(t) - 1] += 1;
                        if t == tier {
                            let other = &ctx.needs[k];
                            let len = crate::eligibility::longest_prefix(other, res).unwrap_or(0);
                            let s = ctx
                                .scorer
                                .breakdown(
                                    other,
                                    ctx.scorer.need_terms(other),
                                    res,
                                    len,
                                    ctx.continuity(k, j),
                                )
                                .total();
                            lowest = Some(lowest.map_or(s, |l| l.min(s)));
                        }
                    }
                    TakenBy {
                        by_tier,
                        lowest_score_in_tier: lowest,
                        budget_spent: res.budget.map(|_| Quantity(ctx.res_spent[j])),
                    }
                });
            eligible.push(EligibleOption {
                resource_id: res.resource_id.clone(),
                provider_id: res.provider_id.clone(),
                score: b.total(),
                why: b.why(),
                amount: crate::eligibility::amount(need, res),
                state,
                taken_by,
            });
        }
        eligible.sort_by(|a, b| {
            b.score
                .cmp(&a.score)
                .then(a.resource_id.cmp(&b.resource_id))
        });
        misses.sort_by(|a, b| a.0.len().cmp(&b.0.len()).then(a.1.cmp(&b.1)));
        let near_misses = misses
            .iter()
            .take(NEAR_MISSES)
            .map(|&(f, r)| NearMiss {
                resource_id: ctx.resources[r as usize].resource_id.clone(),
                failed: f.iter().map(|c| c.as_str()).collect(),
            })
            .collect();
        // By id: a re-match's assignments also hold the needs kept from earlier rounds.
        let (assignment, unmatched) = match ctx.row_of[i] {
            Ok(_) => (
                self.assignments
                    .binary_search_by(|a| a.need_id.cmp(&need.need_id))
                    .ok()
                    .map(|k| self.assignments[k].clone()),
                None,
            ),
            Err(k) => (None, self.unmatched.get(k as usize).cloned()),
        };
        let referrals = self
            .referrals
            .iter()
            .filter(|r| r.household_id == need.household_id)
            .cloned()
            .collect();
        Some(Explanation {
            need_id: need.need_id.clone(),
            household_id: need.household_id.clone(),
            tier,
            fast_track: need.statuses.intersects(fast),
            assignment,
            unmatched,
            eligible,
            near_misses,
            household_limit: ctx.policy.household.max_needs_per_round,
            household_matched: ctx.household_matched[h as usize],
            referrals,
        })
    }
}
