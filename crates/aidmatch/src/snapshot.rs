//! The state of the closed loop that a platform stores between rounds and hands back.
//!
//! A state folder holds:
//!
//! | file | content |
//! |---|---|
//! | `snapshot.json` | [`Snapshot`]: format tag, run date, engine version, input and policy digests, the loop rules, every proposed pair with its status, the dual prices of the last solve |
//! | `needs.json`, `supply.json`, `exclusions.json` | the lists of the round (the supply with its full capacities: places taken by kept pairs are subtracted at each re-match) |
//! | `policy.toml` | the policy of the round |
//! | `assignments.csv`, `unmatched.csv`, `referrals.csv`, `summary.json` | the run's results as the spec defines them (written by the run, not read back) |
//!
//! [`State::save`] then [`State::load`] gives an identical [`State`] (the round-trip test
//! checks it field by field), so a re-match from a loaded state equals one from the state
//! in memory.
//!
//! Prices are the solver's dual prices (i128) written as decimal strings (JSON numbers
//! lose precision beyond 2^53), keyed by need, resource and household id; zero prices are
//! left out.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::engine::MatchResult;
use crate::error::Error;
use crate::io::{self, ReadOptions};
use crate::model::Inputs;
use crate::outcome::{LoopRules, Pair, PairStatus};
use crate::policy::Policy;

/// Format tag of `snapshot.json`.
pub const SNAPSHOT_FORMAT: &str = "aidmatch-snapshot-v1";

/// Dual prices by id (decimal strings; zero prices omitted).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct IdPrices {
    /// Price of each need (solver row).
    pub need: BTreeMap<String, String>,
    /// Price of each resource (solver column).
    pub resource: BTreeMap<String, String>,
    /// Price of each household (solver group).
    pub household: BTreeMap<String, String>,
}

impl IdPrices {
    /// The prices of a run's final solve, by id.
    pub fn of_result(result: &MatchResult) -> IdPrices {
        let mut out = IdPrices::default();
        let Some(p) = &result.prices else {
            return out;
        };
        let ctx = &result.ctx;
        for (i, need) in ctx.needs.iter().enumerate() {
            if let Some(&y) = p.need.get(i)
                && y != 0
            {
                out.need.insert(need.need_id.clone(), y.to_string());
            }
            let h = ctx.household[i] as usize;
            if let Some(&t) = p.household.get(h)
                && t != 0
            {
                out.household
                    .insert(need.household_id.clone(), t.to_string());
            }
        }
        for (j, res) in ctx.resources.iter().enumerate() {
            if let Some(&z) = p.resource.get(j)
                && z != 0
            {
                out.resource.insert(res.resource_id.clone(), z.to_string());
            }
        }
        out
    }
}

/// What `snapshot.json` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    /// [`SNAPSHOT_FORMAT`].
    pub format: String,
    /// The engine that wrote it.
    pub engine_version: String,
    /// Run date of the round.
    pub run_date: Date,
    /// Digest of the round's input lists as the engine saw them.
    pub input_sha256: String,
    /// Digest of the round's policy.
    pub policy_sha256: String,
    /// The closed-loop rules of the round.
    pub rules: LoopRules,
    /// Every pair proposed so far that still matters: open, kept, and the history of
    /// declined, failed and expired ones. Sorted by (need, resource, proposed_at).
    pub pairs: Vec<Pair>,
    /// Dual prices of the round's final solve.
    pub prices: IdPrices,
}

/// A round's whole state: snapshot, lists and policy.
#[derive(Debug, Clone, PartialEq)]
pub struct State {
    /// Pairs, statuses, digests, prices.
    pub snapshot: Snapshot,
    /// Needs (all still relevant, kept ones included), supply (full capacities),
    /// exclusions.
    pub inputs: Inputs,
    /// The policy.
    pub policy: Policy,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

impl State {
    /// The state after a first run (every matched need proposed on the run date).
    pub fn from_run(
        inputs: &Inputs,
        policy: &Policy,
        rules: &LoopRules,
        result: &MatchResult,
    ) -> State {
        let as_of = result.summary.run_date;
        let mut pairs: Vec<Pair> = result
            .assignments
            .iter()
            .map(|a| Pair {
                need_id: a.need_id.clone(),
                household_id: a.household_id.clone(),
                resource_id: a.resource_id.clone(),
                provider_id: a.provider_id.clone(),
                amount: a.quantity,
                tier: a.tier,
                score: a.score,
                status: PairStatus::Proposed,
                proposed_at: as_of,
                updated_at: as_of,
                declined_by: None,
                reason: None,
            })
            .collect();
        sort_pairs(&mut pairs);
        State {
            snapshot: Snapshot {
                format: SNAPSHOT_FORMAT.to_owned(),
                engine_version: result.summary.engine_version.clone(),
                run_date: as_of,
                input_sha256: result.summary.input_sha256.clone(),
                policy_sha256: result.summary.policy_sha256.clone(),
                rules: rules.clone(),
                pairs,
                prices: IdPrices::of_result(result),
            },
            inputs: inputs.clone(),
            policy: policy.clone(),
        }
    }

    /// Writes `snapshot.json`, the three lists as JSON and `policy.toml` into `dir`
    /// (created if missing). The run's result files are written by
    /// [`MatchResult::write_dir`].
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that failed.
    pub fn save(&self, dir: &Path) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(io_err(dir))?;
        let path = dir.join("snapshot.json");
        let text = serde_json::to_string_pretty(&self.snapshot)
            .map_err(|e| io_err(&path)(std::io::Error::other(e)))?;
        std::fs::write(&path, text + "\n").map_err(io_err(&path))?;
        io::write_file(dir.join("needs.json"), &self.inputs.needs)?;
        io::write_file(dir.join("supply.json"), &self.inputs.resources)?;
        io::write_file(dir.join("exclusions.json"), &self.inputs.exclusions)?;
        let path = dir.join("policy.toml");
        std::fs::write(&path, self.policy.to_toml()).map_err(io_err(&path))?;
        Ok(())
    }

    /// Reads a state folder written by [`State::save`].
    ///
    /// # Errors
    /// [`Error::Io`] for a missing file, [`Error::Snapshot`] for a malformed or
    /// unknown-format `snapshot.json`, the list readers' errors, [`Error::Policy`].
    pub fn load(dir: &Path) -> Result<State, Error> {
        let path = dir.join("snapshot.json");
        let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
        let snapshot: Snapshot = serde_json::from_str(&text).map_err(|e| Error::Snapshot {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        if snapshot.format != SNAPSHOT_FORMAT {
            return Err(Error::Snapshot {
                path: path.display().to_string(),
                message: format!("format {:?} is not {SNAPSHOT_FORMAT:?}", snapshot.format),
            });
        }
        let opts = ReadOptions::default();
        let needs = io::read_needs(dir.join("needs.json"), &opts)?;
        let resources = io::read_supply(dir.join("supply.json"), &opts)?;
        let exclusions = io::read_exclusions(dir.join("exclusions.json"), &opts)?;
        let path = dir.join("policy.toml");
        let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
        let policy = Policy::from_toml(&text)?;
        Ok(State {
            snapshot,
            inputs: Inputs {
                needs,
                resources,
                exclusions,
            },
            policy,
        })
    }
}

/// Sorts pairs by (need, resource, proposed_at): the snapshot's canonical order.
pub(crate) fn sort_pairs(pairs: &mut [Pair]) {
    pairs.sort_by(|a, b| {
        (&a.need_id, &a.resource_id, a.proposed_at).cmp(&(
            &b.need_id,
            &b.resource_id,
            b.proposed_at,
        ))
    });
}
