//! The state of the closed loop that a platform stores between rounds and hands back.
//!
//! A state folder holds:
//!
//! | file | content |
//! |---|---|
//! | `snapshot.json` | [`Snapshot`]: format tag, run date, engine version, input and policy digests, the loop rules, every proposed pair with its status, the dual prices of the first (budget-relaxed) solve and the needs whose pair it differs on |
//! | `needs.json`, `supply.json`, `exclusions.json` | the lists of the round (the supply with its full capacities: places taken by kept pairs are subtracted at each re-match) |
//! | `policy.toml` | the policy of the round |
//! | `assignments.csv`, `unmatched.csv`, `referrals.csv`, `summary.json` | the run's results as the spec defines them (written by the run, not read back) |
//!
//! The JSON files hold one record per line (a need, a pair, an id's price), the rest
//! broken over lines as pretty JSON is; any JSON layout reads back the same.
//!
//! [`State::save`] then [`State::load`] gives an identical [`State`] (the round-trip test
//! checks it field by field), so a re-match from a loaded state equals one from the state
//! in memory. The folder's files are each written atomically (temporary file, then
//! rename), so an interrupted save leaves every file whole, old or new.
//!
//! # One JSON document
//!
//! A platform that keeps the state in a database rather than a folder stores
//! [`State::to_json`] and hands it back to [`State::from_json`] (the C ABI's
//! `aidmatch_*_json` functions do exactly that). The document is
//!
//! ```text
//! {"format": "aidmatch-state-v1",
//!  "snapshot": { ...snapshot.json... },
//!  "needs": [...], "supply": [...], "exclusions": [...],   (as needs.json, supply.json, exclusions.json)
//!  "policy": { ...the policy's canonical JSON... }}
//! ```
//!
//! and the round trip is exact as well (tested field by field).
//!
//! Prices are the solver's dual prices (i128) written as decimal strings (JSON numbers
//! lose precision beyond 2^53), keyed by need, resource and household id; zero prices are
//! left out.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::engine::MatchResult;
use crate::error::Error;
use crate::io::{self, Format, ReadOptions};
use crate::model::Inputs;
use crate::outcome::{LoopRules, Pair, PairStatus};
use crate::policy::Policy;
use crate::report::write_atomic;

/// Format tag of `snapshot.json`.
pub const SNAPSHOT_FORMAT: &str = "aidmatch-snapshot-v1";

/// Format tag of the one-document state of [`State::to_json`].
pub const STATE_FORMAT: &str = "aidmatch-state-v1";

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
    /// The prices of a run's first solve (budgets relaxed), by id.
    pub fn of_result(result: &MatchResult) -> IdPrices {
        let Some(p) = &result.first_solve else {
            return IdPrices::default();
        };
        let ctx = &result.ctx;
        // Each map is collected from (id, price) pairs in id order (needs and resources
        // are sorted by id, household indices follow their sorted ids), which a B-tree
        // builds in one pass; inserting a million ids one by one cost some 0.15 s.
        let price = |v: Option<&i128>| v.filter(|&&v| v != 0).map(i128::to_string);
        let need = (ctx.needs.iter().enumerate())
            .filter_map(|(i, need)| Some((need.need_id.clone(), price(p.need.get(i))?)))
            .collect();
        let mut household_id: Vec<Option<&str>> = vec![None; p.household.len()];
        for (need, &h) in ctx.needs.iter().zip(&ctx.household) {
            if let Some(slot) = household_id.get_mut(h as usize) {
                *slot = Some(&need.household_id);
            }
        }
        let household = (household_id.iter().zip(&p.household))
            .filter_map(|(id, t)| Some(((*id)?.to_owned(), price(Some(t))?)))
            .collect();
        let resource = (ctx.resources.iter().enumerate())
            .filter_map(|(j, r)| Some((r.resource_id.clone(), price(p.resource.get(j))?)))
            .collect();
        IdPrices {
            need,
            resource,
            household,
        }
    }
}

/// A need whose pair in the round's first solve (budgets relaxed) differs from its
/// pair in the final solve: with [`Snapshot::prices`], the next round's warm start.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirstSolvePair {
    /// The need.
    pub need_id: String,
    /// Its resource in the first solve; `None` when the first solve left it unmatched.
    pub resource_id: Option<String>,
}

impl FirstSolvePair {
    /// The needs of a run whose first-solve resource differs from the final one, by
    /// need id. O(needs).
    pub fn of_result(result: &MatchResult) -> Vec<FirstSolvePair> {
        let Some(first) = &result.first_solve else {
            return Vec::new();
        };
        let ctx = &result.ctx;
        let resource = |j: u32| ctx.resources.get(j as usize).map(|r| r.resource_id.clone());
        ctx.needs
            .iter()
            .zip(&first.assigned)
            .zip(&ctx.assigned_to)
            .filter(|((_, a), b)| a != b)
            .map(|((need, &a), _)| FirstSolvePair {
                need_id: need.need_id.clone(),
                resource_id: resource(a),
            })
            .collect()
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
    /// Dual prices of the round's first solve (budgets relaxed; the final solve's
    /// matching is `pairs`). Snapshots written before `first_solve` existed hold the
    /// final solve's: either is a valid warm start. Shared: a re-match hands them to
    /// the engine without copying two million ids (written as the prices themselves).
    pub prices: Arc<IdPrices>,
    /// Needs whose first-solve pair differs from their final one (empty when the budget
    /// step changed nothing; absent from older snapshots).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub first_solve: Vec<FirstSolvePair>,
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
    /// The run that made this state, while in memory (see `rematch::Held`).
    pub(crate) held: crate::rematch::Held,
}

fn io_err(path: &Path) -> impl Fn(std::io::Error) -> Error + '_ {
    move |source| Error::Io {
        path: path.display().to_string(),
        source,
    }
}

impl State {
    /// Checks that a round continuing this state on `as_of` (a re-match, an emergency
    /// insertion) does not go back before its run date.
    ///
    /// # Errors
    /// [`Error::BeforePreviousRound`].
    pub fn check_continues_on(&self, as_of: Date) -> Result<(), Error> {
        let previous = self.snapshot.run_date;
        if as_of < previous {
            return Err(Error::BeforePreviousRound { as_of, previous });
        }
        Ok(())
    }

    /// Releases the run kept in memory with this state (its eligible pairs and scores,
    /// about 13 bytes a pair, plus the run's sorted lists while no result holds them).
    /// The next re-match then checks and scores every pair again instead of carrying
    /// them over; its result is the same. A loaded state has no run to release.
    pub fn release_run(&mut self) {
        self.held = crate::rematch::Held::default();
    }

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
                prices: Arc::new(IdPrices::of_result(result)),
                first_solve: FirstSolvePair::of_result(result),
            },
            inputs: inputs.clone(),
            policy: policy.clone(),
            held: crate::rematch::Held(Some(result.ctx.clone())),
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
        // The two large files are written side by side (each atomically, as alone);
        // the first failure in file order is the one reported.
        let (snapshot, (needs, rest)) = rayon::join(
            || {
                write_atomic(dir, "snapshot.json", |w| {
                    io::json::to_writer_lines(&mut *w, &self.snapshot)?;
                    w.write_all(b"\n")
                })
            },
            || {
                rayon::join(
                    || {
                        write_atomic(dir, "needs.json", |w| {
                            io::json::write(w, &self.inputs.needs)
                        })
                    },
                    || {
                        write_atomic(dir, "supply.json", |w| {
                            io::json::write(w, &self.inputs.resources)
                        })?;
                        write_atomic(dir, "exclusions.json", |w| {
                            io::json::write(w, &self.inputs.exclusions)
                        })?;
                        write_atomic(dir, "policy.toml", |w| {
                            w.write_all(self.policy.to_toml().as_bytes())
                        })
                    },
                )
            },
        );
        snapshot.and(needs).and(rest)
    }

    /// The whole state as one JSON document (see the module docs), for a platform that
    /// stores it rather than a folder. [`State::from_json`] reads it back identically.
    ///
    /// # Errors
    /// [`Error::Snapshot`] if serialisation fails (it does not for states this crate
    /// builds: strings, integers and dates only).
    pub fn to_json(&self) -> Result<String, Error> {
        let fail = |e: &dyn std::fmt::Display| Error::Snapshot {
            path: "state".to_owned(),
            message: format!("cannot serialise the state: {e}"),
        };
        // The needs, the largest part, are written side by side with the rest before it.
        let (head, needs) = rayon::join(
            || -> Result<Vec<u8>, Error> {
                let mut out = Vec::with_capacity(256 * (self.snapshot.pairs.len() + 16));
                out.extend_from_slice(b"{\"format\":");
                serde_json::to_writer(&mut out, STATE_FORMAT).map_err(|e| fail(&e))?;
                out.extend_from_slice(b",\"snapshot\":");
                serde_json::to_writer(&mut out, &self.snapshot).map_err(|e| fail(&e))?;
                Ok(out)
            },
            || serde_json::to_vec(&self.inputs.needs).map_err(|e| fail(&e)),
        );
        let (mut out, needs) = (head?, needs?);
        out.reserve(needs.len() + 64 * (self.inputs.resources.len() + 16));
        out.extend_from_slice(b",\"needs\":");
        out.extend_from_slice(&needs);
        drop(needs);
        out.extend_from_slice(b",\"supply\":");
        serde_json::to_writer(&mut out, &self.inputs.resources).map_err(|e| fail(&e))?;
        out.extend_from_slice(b",\"exclusions\":");
        serde_json::to_writer(&mut out, &self.inputs.exclusions).map_err(|e| fail(&e))?;
        out.extend_from_slice(b",\"policy\":");
        out.extend_from_slice(self.policy.canonical_json().as_bytes());
        out.push(b'}');
        String::from_utf8(out).map_err(|e| fail(&e))
    }

    /// Reads a state written by [`State::to_json`]. `label` names the document in errors
    /// (for example `"state_json"`); the lists are labelled `label.needs` and so on.
    ///
    /// # Errors
    /// [`Error::Syntax`] if the text is not JSON; [`Error::Snapshot`] for a missing or
    /// malformed part or an unknown format tag; the list readers' errors
    /// ([`Error::Invalid`] with row, column and value); [`Error::Policy`].
    pub fn from_json(text: &str, label: &str) -> Result<State, Error> {
        let bad = |message: String| Error::Snapshot {
            path: label.to_owned(),
            message,
        };
        // One pass splits the document into its parts, borrowed from the text; each part
        // is then read once by its own reader (no document tree: at province scale a
        // tree of the needs took longer than the re-match itself).
        let doc: StateParts<'_> = serde_json::from_str(text).map_err(|e| match e.classify() {
            serde_json::error::Category::Data => bad(format!("not a state document: {e}")),
            _ => Error::Syntax {
                file: label.to_owned(),
                line: e.line(),
                message: e.to_string(),
            },
        })?;
        let part = |key: &str| {
            doc.part(key)
                .ok_or_else(|| bad(format!("the state has no {key:?}")))
        };
        let format: serde_json::Value =
            serde_json::from_str(part("format")?).map_err(|e| bad(format!("format: {e}")))?;
        if format != STATE_FORMAT {
            return Err(bad(format!("format {format} is not {STATE_FORMAT:?}")));
        }
        let snapshot = part("snapshot")?;
        let (needs, supply, exclusions) = (part("needs")?, part("supply")?, part("exclusions")?);
        let policy = part("policy")?;
        let opts = |list: &str| ReadOptions {
            label: Some(format!("{label}.{list}")),
            ..ReadOptions::default()
        };
        // The snapshot and the needs, the two large parts, are read side by side; the
        // first failure in the document's order is the one reported.
        let (snapshot, needs) = rayon::join(
            || -> Result<Snapshot, Error> {
                let snapshot: Snapshot =
                    serde_json::from_str(snapshot).map_err(|e| bad(format!("snapshot: {e}")))?;
                check_format(&snapshot, label)?;
                Ok(snapshot)
            },
            || io::needs_from_bytes(needs.as_bytes(), Format::Json, &opts("needs")),
        );
        let (snapshot, needs) = (snapshot?, needs?);
        let resources = io::supply_from_bytes(supply.as_bytes(), Format::Json, &opts("supply"))?;
        let exclusions =
            io::exclusions_from_bytes(exclusions.as_bytes(), Format::Json, &opts("exclusions"))?;
        let policy = Policy::from_json(policy)?;
        Ok(State {
            snapshot,
            inputs: Inputs {
                needs,
                resources,
                exclusions,
            },
            policy,
            held: crate::rematch::Held::default(),
        })
    }

    /// Reads a state folder written by [`State::save`].
    ///
    /// # Errors
    /// [`Error::Io`] for a missing file, [`Error::Snapshot`] for a malformed or
    /// unknown-format `snapshot.json`, the list readers' errors, [`Error::Policy`].
    pub fn load(dir: &Path) -> Result<State, Error> {
        let read_snapshot = || -> Result<Snapshot, Error> {
            let path = dir.join("snapshot.json");
            let text = std::fs::read_to_string(&path).map_err(io_err(&path))?;
            let snapshot: Snapshot = serde_json::from_str(&text).map_err(|e| Error::Snapshot {
                path: path.display().to_string(),
                message: e.to_string(),
            })?;
            check_format(&snapshot, &path.display().to_string())?;
            Ok(snapshot)
        };
        let opts = ReadOptions::default();
        // The snapshot and the needs, the two large files, are read side by side; the
        // first failure in file order is the one reported, as when read one by one.
        let (snapshot, needs) = rayon::join(read_snapshot, || {
            io::read_needs(dir.join("needs.json"), &opts)
        });
        let (snapshot, needs) = (snapshot?, needs?);
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
            held: crate::rematch::Held::default(),
        })
    }
}

/// The top-level parts of a [`State::to_json`] document as raw JSON text borrowed from
/// it, by key. Unknown keys are skipped; a repeated key is an error (which of two
/// `format`s or `pairs` was meant cannot be told), as in the lists' objects.
struct StateParts<'a>(Vec<(String, &'a serde_json::value::RawValue)>);

impl StateParts<'_> {
    fn part(&self, key: &str) -> Option<&str> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.get())
    }
}

impl<'de> Deserialize<'de> for StateParts<'de> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Parts;
        impl<'de> serde::de::Visitor<'de> for Parts {
            type Value = StateParts<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an object of the state's parts")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<StateParts<'de>, A::Error> {
                let mut parts: Vec<(String, &serde_json::value::RawValue)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    if parts.iter().any(|(k, _)| *k == key) {
                        return Err(serde::de::Error::custom(format!(
                            "key {key:?} appears twice in the state document"
                        )));
                    }
                    parts.push((key, map.next_value()?));
                }
                Ok(StateParts(parts))
            }
        }
        d.deserialize_map(Parts)
    }
}

/// Refuses a snapshot of another format.
fn check_format(snapshot: &Snapshot, path: &str) -> Result<(), Error> {
    if snapshot.format == SNAPSHOT_FORMAT {
        Ok(())
    } else {
        Err(Error::Snapshot {
            path: path.to_owned(),
            message: format!("format {:?} is not {SNAPSHOT_FORMAT:?}", snapshot.format),
        })
    }
}

/// Sorts pairs by (need, resource, proposed_at): the snapshot's canonical order (stable).
/// Pairs already in that order (a state this engine wrote, a merged next state) are
/// only checked: O(pairs) comparisons, no move.
pub(crate) fn sort_pairs(pairs: &mut [Pair]) {
    if !pairs.is_sorted_by(|a, b| pair_key(a) <= pair_key(b)) {
        pairs.sort_by(|a, b| pair_key(a).cmp(&pair_key(b)));
    }
}

/// The order of a state's pairs: (need, resource, proposed_at).
pub(crate) fn pair_key(p: &Pair) -> (&str, &str, Date) {
    (&p.need_id, &p.resource_id, p.proposed_at)
}
