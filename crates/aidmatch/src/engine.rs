//! The engine: from the two lists and a policy to an optimal, explained, audited matching.
//!
//! ```no_run
//! use aidmatch::engine::{run, RunOptions};
//! use aidmatch::{date::Date, model::Inputs, policy::Policy};
//! # fn main() -> Result<(), aidmatch::Error> {
//! let inputs = Inputs::default(); // read with aidmatch::io, or build records directly
//! let as_of = Date::parse("2024-10-01").map_err(|_| aidmatch::Error::Interrupted)?;
//! let result = run(&inputs, &Policy::default(), &RunOptions::new(as_of))?;
//! result.write_dir(std::path::Path::new("out"))?;
//! # Ok(()) }
//! ```
//!
//! # Pipeline
//!
//! 1. **Canonical order.** Needs are sorted by `need_id`, resources by `resource_id`,
//!    households and providers by id; duplicate ids are an error. Everything downstream
//!    works on indices of this order, so shuffled input rows give the same matching and
//!    byte-identical output.
//! 2. **Eligibility** ([`crate::eligibility`]): candidate resources from the (category,
//!    area prefix) index, then the checks; a need without any eligible resource gets its
//!    reason and nearest-miss detail here.
//! 3. **Scoring** ([`crate::scoring`]): an integer score per eligible pair.
//! 4. **Solve** ([`crate::network`]): needs × resources × households b-matching with tiers,
//!    solved exactly by `aidmatch_assign::sparse::solve`; budgets by effective capacities
//!    (see the network module for the method and its bound).
//! 5. **Verify**: the final solve's dual prices are checked by
//!    `aidmatch_assign::verify::verify`; a failing certificate is an error.
//! 6. **Report**: assignments, unmatched needs with reasons, referrals
//!    ([`crate::referral`]), the summary ([`crate::summary`]).
//!
//! Stages 2 and 3 run on rayon's pool when `RunOptions::parallel` is set (the default);
//! results are gathered in input order, so the thread count never changes the output.
//!
//! # The canonical input and its digest
//!
//! `summary.input_sha256` is the SHA-256 of this byte stream: the line
//! `aidmatch-input-v1`, then `needs`, then each need as compact JSON (the model's
//! serialisation: spec field names, English ids) on its own line in need-id order, then
//! `resources` and the resources likewise, then `exclusions` and the exclusions sorted by
//! (household, provider, reason). Two inputs with the same records in any row order have
//! the same digest; CSV and JSON forms of the same lists too.
//!
//! # Complexity and scale
//!
//! O(needs · (prefix lengths + candidates) + arcs log arcs) outside the solver. The
//! network holds about 13 bytes an arc here plus the solver's own copy; at province scale
//! (1M needs, 100k resources, ~16M eligible pairs) the whole run stays within a few GiB.
//! A result keeps the eligible pairs and their scores (13 bytes an arc) with its
//! explanations' context, for the re-match that may follow ([`crate::carry`]).

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use aidmatch_assign::{AssignError, Matching, Problem, sparse, verify};
use rayon::prelude::*;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::carry::{Carried, Carry, RunFacts};
use crate::date::Date;
use crate::eligibility::{
    self, Check, CheckEnv, Diagnosis, Failures, PairSet, ResourceFacts, ResourceIndex, amount,
    check_facts,
};
use crate::error::{Error, InputProblem, ProblemKind};
use crate::model::{Inputs, Need, Quantity, Resource};
use crate::network::{self, Arcs, Shape};
use crate::policy::{Policy, hex};
use crate::referral;
use crate::report::{
    self, AssignmentRow, ReferralRow, UnmatchedReason, UnmatchedRow, csv_io, write_atomic,
};
use crate::scoring::{Scorer, score};
use crate::summary::{
    BudgetReport, Certificate, Counts, Coverage, CoverageCell, Objective, Summary,
};

/// A (household, provider) pair of the previous round, for the continuity score.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PreviousPair {
    /// The household helped.
    pub household_id: String,
    /// The provider that helped it.
    pub provider_id: String,
}

impl PreviousPair {
    /// The pairs of a previous run's assignments.
    pub fn from_assignments(rows: &[AssignmentRow]) -> Vec<PreviousPair> {
        rows.iter()
            .map(|r| PreviousPair {
                household_id: r.household_id.clone(),
                provider_id: r.provider_id.clone(),
            })
            .collect()
    }
}

/// A stage of a run, as reported to [`RunOptions::on_stage`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Stage {
    /// Canonical ordering, id maps.
    Prepare,
    /// Candidates, checks, diagnoses (and the input digest alongside).
    Eligibility,
    /// Scores of the eligible pairs.
    Scoring,
    /// Building one solver problem.
    Network,
    /// One exact solve.
    Solve,
    /// The certificate check.
    Verify,
    /// Rows, referrals, summary.
    Report,
}

impl Stage {
    /// Lower-case name (`"eligibility"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Prepare => "prepare",
            Stage::Eligibility => "eligibility",
            Stage::Scoring => "scoring",
            Stage::Network => "network",
            Stage::Solve => "solve",
            Stage::Verify => "verify",
            Stage::Report => "report",
        }
    }
}

/// The most eligible (need, resource) pairs a run builds (100 million, about 2 GB in
/// eligibility, scoring and the network together). A supply list whose resources all
/// serve everyone makes the pairs needs × resources; beyond this limit the run stops
/// during eligibility with [`Error::Limit`] naming `MAX_ARCS`, before the memory grows
/// further. [`RunOptions::max_arcs`] lowers (or raises) it.
pub const MAX_ARCS: usize = 100_000_000;

/// Called after each stage with its wall-clock time (progress display, logging).
pub type StageCallback = Arc<dyn Fn(Stage, Duration) + Send + Sync>;

/// How to run the engine. Construct with [`RunOptions::new`] and set fields.
#[derive(Clone)]
#[non_exhaustive]
pub struct RunOptions {
    /// The run date: validity dates are checked and waiting time counted against it.
    pub as_of: Date,
    /// (household, provider) pairs of the previous round, scored for continuity.
    pub previous_pairs: Option<Vec<PreviousPair>>,
    /// Set to true from another thread to abandon the run ([`Error::Interrupted`]).
    pub cancel: Option<Arc<AtomicBool>>,
    /// Use rayon's pool for eligibility, scoring and the solver's components (default
    /// true). The output is the same either way.
    pub parallel: bool,
    /// Recorded in the summary (e.g. the seed of generated lists); the engine draws no
    /// random numbers.
    pub seed: Option<u64>,
    /// Called after each stage (network and solve once per solve); never sees data.
    pub on_stage: Option<StageCallback>,
    /// Re-matching ([`crate::rematch`]): need-resource pairs never matched (declined
    /// proposals) and a warm start from the previous solution, by id.
    pub rematch: Option<Arc<crate::rematch::EngineHook>>,
    /// The most eligible pairs this run may build (default [`MAX_ARCS`]).
    pub max_arcs: usize,
}

impl std::fmt::Debug for RunOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RunOptions")
            .field("as_of", &self.as_of)
            .field(
                "previous_pairs",
                &self.previous_pairs.as_ref().map(Vec::len),
            )
            .field("cancel", &self.cancel)
            .field("parallel", &self.parallel)
            .field("seed", &self.seed)
            .field("on_stage", &self.on_stage.is_some())
            .field("max_arcs", &self.max_arcs)
            .finish()
    }
}

impl RunOptions {
    /// Options for a run on `as_of`: no previous pairs, no cancel flag, parallel, no seed,
    /// no stage callback.
    pub fn new(as_of: Date) -> RunOptions {
        RunOptions {
            as_of,
            previous_pairs: None,
            cancel: None,
            parallel: true,
            seed: None,
            on_stage: None,
            rematch: None,
            max_arcs: MAX_ARCS,
        }
    }
}

/// Wall-clock time of each stage of a run (not part of any output file).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StageTimes {
    /// Canonical ordering, id maps, input digest.
    pub prepare: Duration,
    /// Candidate generation, checks, diagnoses.
    pub eligibility: Duration,
    /// Scores of the eligible pairs.
    pub scoring: Duration,
    /// Building the solver's problem(s).
    pub network: Duration,
    /// The exact solve(s).
    pub solve: Duration,
    /// The certificate check.
    pub verify: Duration,
    /// Rows, referrals, summary.
    pub report: Duration,
}

/// The result of a run: the three result tables and the summary.
///
/// Serialises (and [`MatchResult::to_json`] writes) as one document
/// `{assignments, unmatched, referrals, summary}` with the spec's field names.
#[derive(Clone, Serialize)]
pub struct MatchResult {
    /// One row per matched need, by need id.
    pub assignments: Vec<AssignmentRow>,
    /// One row per need left without help, by need id.
    pub unmatched: Vec<UnmatchedRow>,
    /// Referrals to government aid, by household, program, need.
    pub referrals: Vec<ReferralRow>,
    /// The summary of the run.
    pub summary: Summary,
    #[serde(skip)]
    pub(crate) ctx: Arc<Context>,
    #[serde(skip)]
    times: StageTimes,
    /// The first solve's prices and assignment (the warm start of a re-match).
    #[serde(skip)]
    pub(crate) first_solve: Option<Arc<crate::rematch::FirstSolve>>,
    /// What of a re-match's previous solution mapped onto this run's lists.
    #[serde(skip)]
    pub(crate) warm_mapped: Option<crate::rematch::WarmMapped>,
}

impl std::fmt::Debug for MatchResult {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MatchResult")
            .field("assignments", &self.assignments.len())
            .field("unmatched", &self.unmatched.len())
            .field("referrals", &self.referrals.len())
            .field("summary", &self.summary)
            .finish_non_exhaustive()
    }
}

impl MatchResult {
    /// The whole result as one JSON document `{assignments, unmatched, referrals,
    /// summary}`.
    pub fn to_json(&self) -> String {
        // Serialising strings, integers and finite floats cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Writes `assignments.csv`, `unmatched.csv`, `referrals.csv` and `summary.json`
    /// into `dir` (created if missing), each atomically (temporary file, then rename).
    ///
    /// # Errors
    /// [`Error::Io`] naming the path that failed.
    pub fn write_dir(&self, dir: &Path) -> Result<(), Error> {
        std::fs::create_dir_all(dir).map_err(|source| Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        // The assignments, the largest file, are written side by side with the others
        // (each atomically); the first failure in file order is the one reported.
        let (assignments, rest) = rayon::join(
            || {
                write_atomic(dir, "assignments.csv", |w| {
                    report::write_assignments(w, &self.assignments).map_err(csv_io)
                })
            },
            || {
                write_atomic(dir, "unmatched.csv", |w| {
                    report::write_unmatched(w, &self.unmatched).map_err(csv_io)
                })?;
                write_atomic(dir, "referrals.csv", |w| {
                    report::write_referrals(w, &self.referrals).map_err(csv_io)
                })?;
                write_atomic(dir, "summary.json", |w| {
                    serde_json::to_writer_pretty(&mut *w, &self.summary)
                        .map_err(std::io::Error::other)?;
                    w.write_all(b"\n")
                })
            },
        );
        assignments.and(rest)
    }

    /// Wall-clock time of each stage.
    pub fn stage_times(&self) -> &StageTimes {
        &self.times
    }
}

/// Everything a run knows, kept for explanations: the sorted records, their indices and
/// the final state of every resource and household.
pub(crate) struct Context {
    pub policy: Policy,
    pub as_of: Date,
    pub needs: Vec<Need>,
    pub resources: Vec<Resource>,
    /// Household index of every need.
    pub household: Vec<u32>,
    /// Provider index of every resource.
    pub provider: Vec<u32>,
    pub excluded: PairSet,
    /// Declined (need, resource) pairs of a re-match ([`crate::rematch::forbids`]).
    pub forbidden: std::collections::HashSet<u64>,
    pub previous: PairSet,
    pub index: ResourceIndex,
    pub scorer: Scorer,
    /// Tier of every need.
    pub tier: Vec<u8>,
    /// Resource index each need went to (`u32::MAX` = none).
    pub assigned_to: Vec<u32>,
    /// Needs assigned to each resource: `res_needs[res_start[j]..res_start[j + 1]]`.
    pub res_start: Vec<usize>,
    pub res_needs: Vec<u32>,
    /// Amount given by each resource, hundredths.
    pub res_spent: Vec<u64>,
    /// Effective capacity of each resource in the final solve.
    pub res_cap: Vec<u32>,
    /// Matched needs of each household.
    pub household_matched: Vec<u32>,
    /// Position of each need's row: `Ok(i)` in the run's assignments (a re-match's
    /// result adds its kept needs' rows among them: look those up by id), `Err(i)` in
    /// unmatched.
    pub row_of: Vec<Result<u32, u32>>,
    /// The eligible pairs and their scores, by need (what a re-match carries over,
    /// [`crate::carry`]).
    pub arcs: Arcs,
    /// The continuity pairs of the run, sorted and deduplicated.
    pub previous_pairs: Vec<PreviousPair>,
    /// The exclusions of the run, sorted.
    pub exclusions: Vec<crate::model::Exclusion>,
}

impl Context {
    pub(crate) fn env(&self) -> CheckEnv<'_> {
        CheckEnv {
            as_of: self.as_of,
            excluded: &self.excluded,
        }
    }
    pub(crate) fn continuity(&self, need: usize, res: usize) -> bool {
        self.previous
            .contains(self.household[need], self.provider[res])
    }
    pub(crate) fn need_index(&self, need_id: &str) -> Option<usize> {
        self.needs
            .binary_search_by(|n| n.need_id.as_str().cmp(need_id))
            .ok()
    }
}

fn check_cancel(cancel: &Option<Arc<AtomicBool>>) -> Result<(), Error> {
    match cancel {
        Some(flag) if flag.load(Ordering::Relaxed) => Err(Error::Interrupted),
        _ => Ok(()),
    }
}

fn duplicate(file: &str, column: &str, row: usize, id: &str) -> Error {
    Error::Invalid {
        problems: vec![InputProblem {
            file: file.to_owned(),
            row,
            column: column.to_owned(),
            value: id.to_owned(),
            kind: ProblemKind::DuplicateId,
            message: format!("duplicate {column} {id:?}"),
        }],
        truncated: false,
    }
}

/// Sorted, deduplicated ids and the index of every item's id in them. One sort of
/// (id, item) pairs and a walk (a binary search per item cost as much as the sort).
fn intern<'a>(ids: impl Iterator<Item = &'a str>) -> (Vec<&'a str>, Vec<u32>) {
    let mut pairs: Vec<(&str, u32)> = ids.zip(0u32..).collect();
    pairs.sort_unstable();
    let mut sorted: Vec<&str> = Vec::new();
    let mut index = vec![0u32; pairs.len()];
    for (id, item) in pairs {
        if sorted.last() != Some(&id) {
            sorted.push(id);
        }
        index[item as usize] = sorted.len() as u32 - 1;
    }
    (sorted, index)
}

/// Runs `f` on consecutive chunks of `0..n`, in parallel or not, gathering in order.
fn map_chunks<R: Send>(
    parallel: bool,
    n: usize,
    chunk: usize,
    f: impl Fn(std::ops::Range<usize>) -> R + Sync + Send,
) -> Vec<R> {
    let chunks = n.div_ceil(chunk);
    let range = move |c: usize| c * chunk..((c + 1) * chunk).min(n);
    if parallel {
        (0..chunks).into_par_iter().map(|c| f(range(c))).collect()
    } else {
        (0..chunks).map(|c| f(range(c))).collect()
    }
}

/// Runs `f` on consecutive chunks of `0..n` (as [`map_chunks`]), each writing its own
/// part of `out`: chunk `c` gets `out[offsets[c·chunk]..offsets[min((c+1)·chunk, n)]]`
/// (`offsets` has `n + 1` non-decreasing entries, the last `out.len()`). Writing in
/// place spares a vector per chunk and copying them into one afterwards: at province
/// scale those were 128 MB of fresh pages written twice, on one thread.
fn fill_chunks<T: Send>(
    parallel: bool,
    n: usize,
    chunk: usize,
    offsets: &[usize],
    out: &mut [T],
    f: impl Fn(std::ops::Range<usize>, &mut [T]) + Sync + Send,
) {
    let chunk = chunk.max(1);
    let mut parts = Vec::with_capacity(n.div_ceil(chunk));
    let mut rest = out;
    for lo in (0..n).step_by(chunk) {
        let hi = (lo + chunk).min(n);
        let (part, tail) = rest.split_at_mut(offsets[hi] - offsets[lo]);
        parts.push((lo..hi, part));
        rest = tail;
    }
    if parallel {
        parts
            .into_par_iter()
            .for_each(|(range, part)| f(range, part));
    } else {
        parts.into_iter().for_each(|(range, part)| f(range, part));
    }
}

/// The slices in order, as one vector; with `parallel`, copied by rayon's pool (the
/// fresh pages of a large result are then faulted in on every core).
fn concat<T: Copy + Default + Send + Sync>(parallel: bool, slices: &[&[T]]) -> Vec<T> {
    let mut offsets = vec![0];
    for s in slices {
        offsets.push(offsets[offsets.len() - 1] + s.len());
    }
    let mut out = vec![T::default(); offsets[slices.len()]];
    fill_chunks(
        parallel,
        slices.len(),
        1,
        &offsets,
        &mut out,
        |range, part| {
            part.copy_from_slice(slices[range.start]);
        },
    );
    out
}

/// A `Write` that feeds SHA-256.
struct HashWriter(Sha256);

impl Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// SHA-256 of the canonical input (see the module documentation).
/// `exclusions` sorted.
fn input_digest(
    needs: &[Need],
    resources: &[Resource],
    exclusions: &[crate::model::Exclusion],
    parallel: bool,
) -> String {
    let mut h = Sha256::new();
    h.update(b"aidmatch-input-v1\nneeds\n");
    hash_lines(&mut h, needs, parallel);
    h.update(b"resources\n");
    hash_lines(&mut h, resources, parallel);
    h.update(b"exclusions\n");
    hash_lines(&mut h, exclusions, parallel);
    hex(&h.finalize())
}

/// Feeds each record as compact JSON and a newline to `h`, in order. With `parallel`,
/// blocks of records are serialised on rayon's pool while the previous blocks are
/// hashed (the hash itself is one sequential stream). O(bytes).
fn hash_lines<T: Serialize + Sync>(h: &mut Sha256, records: &[T], parallel: bool) {
    // Serialising into a byte buffer cannot fail.
    let block = |records: &[T]| -> Vec<u8> {
        let mut out = Vec::with_capacity(records.len() * 256);
        for r in records {
            let _ = serde_json::to_writer(&mut out, r);
            out.push(b'\n');
        }
        out
    };
    const BLOCK: usize = 8192;
    if !parallel {
        for b in records.chunks(BLOCK) {
            h.update(block(b));
        }
        return;
    }
    let batch = BLOCK * 2 * rayon::current_num_threads().max(1);
    let mut pending: Vec<Vec<u8>> = Vec::new();
    for records in records.chunks(batch) {
        let ((), next) = rayon::join(
            || pending.iter().for_each(|b| h.update(b)),
            || records.par_chunks(BLOCK).map(block).collect(),
        );
        pending = next;
    }
    pending.iter().for_each(|b| h.update(b));
}

/// What eligibility produces for a chunk of needs.
struct EligibleChunk {
    degree: Vec<u32>,
    res: Vec<u32>,
    prefix_len: Vec<u8>,
    diagnoses: Vec<(usize, Diagnosis)>,
    /// Each need whose pairs carried over, and from where.
    carried: Vec<Option<Carried>>,
}

/// Matches the needs list with the supply list under a policy.
///
/// # Errors
/// [`Error::Policy`] for an invalid policy, [`Error::Invalid`] for duplicate need or
/// resource ids, [`Error::Interrupted`] when cancelled, [`Error::Solver`] and
/// [`Error::Certificate`] for failures of the solver (never expected; reported rather
/// than hidden).
pub fn run(inputs: &Inputs, policy: &Policy, options: &RunOptions) -> Result<MatchResult, Error> {
    policy.validate()?;
    let policy = policy.normalized();
    let mut times = StageTimes::default();
    let report_stage = |stage: Stage, t: Duration| {
        if let Some(f) = &options.on_stage {
            f(stage, t);
        }
    };
    let clock = Instant::now();
    let parallel = options.parallel;

    // 1. Canonical order and id maps.
    // Sort indices, then clone once in order (cheaper than moving whole records).
    let mut by_id: Vec<u32> = (0..inputs.needs.len() as u32).collect();
    by_id.sort_unstable_by(|&a, &b| {
        inputs.needs[a as usize]
            .need_id
            .cmp(&inputs.needs[b as usize].need_id)
    });
    let needs: Vec<Need> = by_id
        .iter()
        .map(|&i| inputs.needs[i as usize].clone())
        .collect();
    drop(by_id);
    if let Some(w) = needs.windows(2).find(|w| w[0].need_id == w[1].need_id) {
        let row = inputs
            .needs
            .iter()
            .rposition(|n| n.need_id == w[0].need_id)
            .unwrap_or(0);
        return Err(duplicate("needs", "need_id", row + 1, &w[0].need_id));
    }
    let mut by_id: Vec<u32> = (0..inputs.resources.len() as u32).collect();
    by_id.sort_unstable_by(|&a, &b| {
        inputs.resources[a as usize]
            .resource_id
            .cmp(&inputs.resources[b as usize].resource_id)
    });
    let resources: Vec<Resource> = by_id
        .iter()
        .map(|&i| inputs.resources[i as usize].clone())
        .collect();
    drop(by_id);
    if let Some(w) = resources
        .windows(2)
        .find(|w| w[0].resource_id == w[1].resource_id)
    {
        let row = inputs
            .resources
            .iter()
            .rposition(|r| r.resource_id == w[0].resource_id)
            .unwrap_or(0);
        return Err(duplicate(
            "resources",
            "resource_id",
            row + 1,
            &w[0].resource_id,
        ));
    }
    let (households, household) = intern(needs.iter().map(|n| n.household_id.as_str()));
    let (providers, provider) = intern(resources.iter().map(|r| r.provider_id.as_str()));
    let find = |list: &[&str], id: &str| list.binary_search(&id).ok().map(|i| i as u32);
    let mut excluded = PairSet::default();
    for e in &inputs.exclusions {
        if let (Some(h), Some(p)) = (
            find(&households, &e.household_id),
            find(&providers, &e.provider_id),
        ) {
            excluded.insert(h, p);
        }
    }
    let mut previous = PairSet::default();
    let mut previous_digest = None;
    let mut previous_pairs: Vec<PreviousPair> = Vec::new();
    if let Some(pairs) = &options.previous_pairs {
        previous_pairs = pairs.clone();
        previous_pairs.sort();
        previous_pairs.dedup();
        let mut h = HashWriter(Sha256::new());
        for p in &previous_pairs {
            let _ = serde_json::to_writer(&mut h, p);
            let _ = h.write_all(b"\n");
            if let (Some(hh), Some(pr)) = (
                find(&households, &p.household_id),
                find(&providers, &p.provider_id),
            ) {
                previous.insert(hh, pr);
            }
        }
        previous_digest = Some(hex(&h.0.finalize()));
    }
    let n_households = households.len();
    let n_providers = providers.len();
    let household_taken = crate::rematch::household_taken(options.rematch.as_deref(), &households);
    drop(providers);
    let tier: Vec<u8> = needs
        .iter()
        .map(|n| policy.tier_of(n.urgency, |s| n.statuses.contains(s)))
        .collect();
    let scorer = Scorer::new(&policy.score, options.as_of);
    times.prepare = clock.elapsed();
    report_stage(Stage::Prepare, times.prepare);
    check_cancel(&options.cancel)?;

    // 2. Eligibility (the input digest is computed alongside).
    let clock = Instant::now();
    let index = ResourceIndex::build(&resources);
    let facts: Vec<ResourceFacts> = resources
        .iter()
        .map(|r| ResourceFacts::of(r, options.as_of))
        .collect();
    let env = CheckEnv {
        as_of: options.as_of,
        excluded: &excluded,
    };
    let forbidden = crate::rematch::forbidden_set(options.rematch.as_deref(), &needs, &resources);
    let mut exclusions = inputs.exclusions.clone();
    exclusions.sort();
    let carry = options
        .rematch
        .as_deref()
        .and_then(|h| h.carry.0.as_deref())
        .and_then(|held| {
            Carry::plan(
                held,
                &RunFacts {
                    policy: &policy,
                    as_of: options.as_of,
                    needs: &needs,
                    resources: &resources,
                    exclusions: &exclusions,
                    previous: &previous_pairs,
                    forbidden: &forbidden,
                },
            )
        });
    // Eligible pairs so far, all chunks together: the pass stops once above the limit.
    let arcs_seen = std::sync::atomic::AtomicUsize::new(0);
    let eligibility_pass = || {
        map_chunks(parallel, needs.len(), 4096, |range| {
            let mut out = EligibleChunk {
                degree: Vec::with_capacity(range.len()),
                res: Vec::new(),
                prefix_len: Vec::new(),
                diagnoses: Vec::new(),
                carried: Vec::new(),
            };
            let mut cand = Vec::new();
            let mut failed: Vec<(u32, Failures)> = Vec::new();
            for i in range {
                let need = &needs[i];
                let before = out.res.len();
                let carried = carry.as_ref().and_then(|c| {
                    let k = c.row(i, need, &mut cand)?;
                    let held = &c.held.arcs;
                    for a in held.of(k.from) {
                        let r = held.res[a];
                        let facts = &facts[r as usize];
                        if !c.recheck(r)
                            || check_facts(env, need, household[i], facts, provider[r as usize])
                                .is_empty()
                        {
                            out.res.push(r);
                            out.prefix_len.push(held.prefix_len[a]);
                        }
                    }
                    // A need left without pairs is computed afresh, for its diagnosis.
                    (out.res.len() > before).then_some(k)
                });
                if carry.is_some() {
                    out.carried.push(carried);
                }
                // Otherwise the candidates are checked.
                failed.clear();
                cand.clear();
                if carried.is_none() {
                    index.candidates(need, &mut cand);
                }
                for &(r, len) in &cand {
                    let f = check_facts(
                        env,
                        need,
                        household[i],
                        &facts[r as usize],
                        provider[r as usize],
                    );
                    let mut f = f;
                    f.add(Check::Declined, crate::rematch::forbids(&forbidden, i, r));
                    if f.is_empty() {
                        out.res.push(r);
                        out.prefix_len.push(len);
                    } else {
                        failed.push((r, f));
                    }
                }
                let degree = out.res.len() - before;
                if arcs_seen.fetch_add(degree, Ordering::Relaxed) + degree > options.max_arcs {
                    break;
                }
                out.degree.push(degree as u32);
                if degree == 0 {
                    let d = eligibility::diagnose(need, &failed, &resources, &index, options.as_of);
                    out.diagnoses.push((i, d));
                }
            }
            out
        })
    };
    let (chunks, input_sha256) = if parallel {
        rayon::join(eligibility_pass, || {
            input_digest(&needs, &resources, &exclusions, true)
        })
    } else {
        (
            eligibility_pass(),
            input_digest(&needs, &resources, &exclusions, false),
        )
    };
    if arcs_seen.load(Ordering::Relaxed) > options.max_arcs {
        return Err(Error::Limit {
            name: "MAX_ARCS",
            what: "eligible (need, resource) pairs",
            limit: options.max_arcs as u64,
        });
    }
    let n_arcs: usize = chunks.iter().map(|c| c.res.len()).sum();
    let mut arcs = Arcs {
        row_start: Vec::with_capacity(needs.len() + 1),
        res: concat(
            parallel,
            &chunks.iter().map(|c| &c.res[..]).collect::<Vec<_>>(),
        ),
        prefix_len: concat(
            parallel,
            &chunks.iter().map(|c| &c.prefix_len[..]).collect::<Vec<_>>(),
        ),
        score: Vec::new(),
    };
    let mut diagnosis: Vec<Option<Diagnosis>> = vec![None; needs.len()];
    let mut carried: Vec<Option<Carried>> = Vec::new();
    if carry.is_some() {
        carried.reserve(needs.len());
    }
    arcs.row_start.push(0);
    for c in chunks {
        if carry.is_some() {
            carried.extend_from_slice(&c.carried);
        }
        let mut at = *arcs.row_start.last().unwrap_or(&0);
        for d in c.degree {
            at += d as usize;
            arcs.row_start.push(at);
        }
        for (i, d) in c.diagnoses {
            diagnosis[i] = Some(d);
        }
    }
    times.eligibility = clock.elapsed();
    report_stage(Stage::Eligibility, times.eligibility);
    check_cancel(&options.cancel)?;

    // 3. Scoring.
    let clock = Instant::now();
    let mut scores = vec![0i64; n_arcs];
    fill_chunks(
        parallel,
        needs.len(),
        4096,
        &arcs.row_start,
        &mut scores,
        |range, out| {
            // Arc `a` of this chunk's needs is `out[a - base]`.
            let base = arcs.row_start[range.start];
            for i in range {
                let need = &needs[i];
                let nt = scorer.need_terms(need);
                let fresh = |a: usize| {
                    let r = arcs.res[a] as usize;
                    let cont = previous.contains(household[i], provider[r]);
                    score(&scorer, need, nt, &resources[r], arcs.prefix_len[a], cont)
                };
                let kept = carried.get(i).copied().flatten().filter(|k| !k.rescore);
                if let (Some(c), Some(k)) = (&carry, kept) {
                    // Equal record, so only the waiting-time term moved (see `carry`).
                    let (o, held) = (k.from, c.held);
                    let delta = nt.waiting - held.scorer.need_terms(&held.needs[o]).waiting;
                    // The carried pairs are the held ones, in order, less those rechecked away.
                    let mut h = held.arcs.of(o);
                    for a in arcs.of(i) {
                        let r = arcs.res[a];
                        out[a - base] = match h.find(|&k| held.arcs.res[k] == r) {
                            Some(k) => held.arcs.score[k] + delta,
                            None => fresh(a),
                        };
                    }
                    continue;
                }
                for a in arcs.of(i) {
                    out[a - base] = fresh(a);
                }
            }
        },
    );
    arcs.score = scores;
    let needs_carried = carried.iter().flatten().count() as u64;
    drop(carried);
    drop(carry);
    times.scoring = clock.elapsed();
    report_stage(Stage::Scoring, times.scoring);
    check_cancel(&options.cancel)?;

    // 4. Network and solve, with the budget method of `network`.
    // Rows by tier, place, need: sorted as packed keys (tier 8 bits, place 44, need
    // 32), not by comparisons reaching into the records (a quarter second at province).
    let mut keys: Vec<u128> = (0..needs.len())
        .map(|i| {
            u128::from(tier[i]) << 76 | u128::from(needs[i].region.order_key()) << 32 | i as u128
        })
        .collect();
    keys.sort_unstable();
    let order: Vec<u32> = keys.into_iter().map(|k| k as u32).collect();
    let shape = Shape {
        arcs: &arcs,
        order: &order,
        tier: &tier,
        household: &household,
        n_households,
        household_limit: policy.household.max_needs_per_round,
        household_taken: &household_taken,
        n_resources: resources.len(),
    };
    let per_need = network::budget_caps(&resources);
    let range = network::amount_range(&arcs, &needs, &per_need);
    let mut caps = network::relaxed_capacities(&resources, &range);
    let solver_options = sparse::Options {
        parallel,
        cancel: options.cancel.clone(),
    };
    let solver_err = |e: AssignError| match e {
        AssignError::Interrupted => Error::Interrupted,
        e => Error::Solver(e),
    };
    let budgeted = resources.iter().filter(|r| r.budget.is_some()).count();
    let mut budget = BudgetReport {
        budgeted_resources: budgeted as u64,
        ..BudgetReport::default()
    };
    let mut tightened = vec![false; resources.len()];
    let (warm, warm_mapped) = crate::rematch::warm_start(
        options.rematch.as_deref(),
        &needs,
        &resources,
        &households,
        &order,
    );
    drop(households);
    let clock = Instant::now();
    let problem = build_problem_checked(&shape, &caps)?;
    times.network += clock.elapsed();
    report_stage(Stage::Network, clock.elapsed());
    check_cancel(&options.cancel)?;
    let clock = Instant::now();
    // With budgets, the first solve starts the session of the budget re-solves: only
    // some capacities drop, so it repairs just the needs over a lowered capacity (no
    // pass over the arcs per re-solve, and none to start it from a finished solve).
    let mut solved = if budgeted == 0 {
        let m = match &warm {
            None => sparse::solve(&problem, &solver_options),
            Some(w) => sparse::solve_warm(&problem, w, &solver_options),
        };
        Solved::Once(problem, m.map_err(solver_err)?)
    } else {
        let session = match &warm {
            None => sparse::Session::new(problem, &solver_options),
            Some(w) => sparse::Session::from_warm(problem, w, &solver_options),
        };
        Solved::Session(session.map_err(solver_err)?)
    };
    drop(warm);
    times.solve += clock.elapsed();
    report_stage(Stage::Solve, clock.elapsed());
    budget.solves += 1;
    let (problem, m) = solved.parts();
    let bound = (m.quantity_by_tier(problem), m.weight(problem));
    let first_solve = Arc::new(crate::rematch::FirstSolve::of(problem, m, &order));
    // Each row's quantity, in row order: the loop below reads it per matched pair.
    let row_quantity: Vec<u64> = if budgeted == 0 {
        Vec::new()
    } else {
        order
            .iter()
            .map(|&i| needs[i as usize].quantity.hundredths())
            .collect()
    };
    loop {
        if budgeted == 0 {
            break;
        }
        let (problem, m) = solved.parts();
        let mut given: Vec<Vec<u64>> = vec![Vec::new(); resources.len()];
        for (row, col, _) in m.pairs(problem) {
            if let Some(cap) = per_need[col] {
                given[col].push(row_quantity[row].min(cap));
            }
        }
        let changed = network::tighten(&resources, &mut given, &mut caps);
        if changed.is_empty() {
            break;
        }
        for j in changed {
            tightened[j] = true;
        }
        if budget.solves >= network::MAX_BUDGET_SOLVES {
            caps = network::safe_capacities(&resources, &range, &caps);
        }
        check_cancel(&options.cancel)?;
        let clock = Instant::now();
        // Budgeted runs (the only ones here) start their session with the first solve.
        let Solved::Session(mut session) = solved else {
            break;
        };
        for (j, &cap) in caps.iter().enumerate() {
            session.set_col_capacity(j, cap).map_err(Error::Solver)?;
        }
        session.resolve().map_err(solver_err)?;
        times.solve += clock.elapsed();
        report_stage(Stage::Solve, clock.elapsed());
        budget.solves += 1;
        solved = Solved::Session(session);
    }
    let (problem, matching) = solved.into_parts();
    budget.tightened_resources = tightened.iter().filter(|&&t| t).count() as u64;

    // 5. Verify the certificate of the final solve.
    let clock = Instant::now();
    verify::verify(&problem, &matching).map_err(|v| Error::Certificate {
        detail: v.to_string(),
    })?;
    times.verify = clock.elapsed();
    report_stage(Stage::Verify, times.verify);

    // 6. Report.
    let clock = Instant::now();
    let ctx_base = ResultInputs {
        policy,
        as_of: options.as_of,
        needs,
        resources,
        household,
        provider,
        excluded,
        forbidden,
        previous,
        index,
        scorer,
        tier,
        caps,
        arcs,
        diagnosis,
        household_taken,
        previous_pairs,
        exclusions,
    };
    let mut result = assemble(
        ctx_base,
        &problem,
        &matching,
        &order,
        n_households,
        n_providers,
        parallel,
    )?;
    result.warm_mapped = warm_mapped.map(|w| crate::rematch::WarmMapped { needs_carried, ..w });
    result.first_solve = Some(first_solve);
    drop(problem);
    let (mut bound_tiers, bound_weight) = bound;
    // The solver counts tiers up to the highest one in use; the summary lists them all.
    bound_tiers.resize(result.summary.objective.assigned_by_tier.len(), 0);
    let achieved_tiers = &result.summary.objective.assigned_by_tier;
    budget.bound_total_score = i64::try_from(bound_weight).unwrap_or(i64::MAX);
    budget.gap_assigned = bound_tiers
        .iter()
        .sum::<u64>()
        .saturating_sub(achieved_tiers.iter().sum::<u64>());
    budget.gap_score = budget.bound_total_score - result.summary.objective.total_score;
    budget.exact = bound_tiers == *achieved_tiers
        && bound_weight == i128::from(result.summary.objective.total_score);
    budget.bound_assigned_by_tier = bound_tiers;
    result.summary.budget = budget;
    result.summary.input_sha256 = input_sha256;
    result.summary.previous_pairs_sha256 = previous_digest;
    result.summary.seed = options.seed;
    result.summary.counts.exclusions = inputs.exclusions.len() as u64;
    times.report = clock.elapsed();
    report_stage(Stage::Report, times.report);
    result.times = times;
    Ok(result)
}

/// The final solve of the budget loop: the first one, or a session re-solved after
/// capacities dropped. One value per run: the size difference of the variants is moot.
#[allow(clippy::large_enum_variant)]
enum Solved {
    Once(Problem, Matching),
    Session(sparse::Session),
}

impl Solved {
    fn parts(&self) -> (&Problem, &Matching) {
        match self {
            Solved::Once(p, m) => (p, m),
            Solved::Session(s) => (s.problem(), s.matching()),
        }
    }

    fn into_parts(self) -> (Problem, Matching) {
        match self {
            Solved::Once(p, m) => (p, m),
            Solved::Session(s) => s.into_parts(),
        }
    }
}

fn build_problem_checked(shape: &Shape<'_>, caps: &[u32]) -> Result<Problem, Error> {
    network::build_problem(shape, caps).map_err(Error::Solver)
}

/// The owned state handed from the pipeline to the report stage.
struct ResultInputs {
    policy: Policy,
    as_of: Date,
    needs: Vec<Need>,
    resources: Vec<Resource>,
    household: Vec<u32>,
    provider: Vec<u32>,
    excluded: PairSet,
    forbidden: std::collections::HashSet<u64>,
    previous: PairSet,
    index: ResourceIndex,
    scorer: Scorer,
    tier: Vec<u8>,
    caps: Vec<u32>,
    arcs: Arcs,
    diagnosis: Vec<Option<Diagnosis>>,
    /// Household places already taken (re-match); counted as matched.
    household_taken: Vec<u32>,
    previous_pairs: Vec<PreviousPair>,
    exclusions: Vec<crate::model::Exclusion>,
}

/// Builds the rows, referrals and summary from the final matching.
fn assemble(
    s: ResultInputs,
    problem: &Problem,
    m: &Matching,
    order: &[u32],
    n_households: usize,
    n_providers: usize,
    parallel: bool,
) -> Result<MatchResult, Error> {
    let n = s.needs.len();
    let n_res = s.resources.len();
    let mut assigned_to = vec![u32::MAX; n];
    for (row, col, units) in m.pairs(problem) {
        if units > 0 {
            assigned_to[order[row] as usize] = col as u32;
        }
    }
    // Per-resource state.
    let mut res_count = vec![0u32; n_res];
    let mut res_spent = vec![0u64; n_res];
    let mut household_matched = s.household_taken.clone();
    household_matched.resize(n_households, 0);
    for (i, &j) in assigned_to.iter().enumerate() {
        if j != u32::MAX {
            let j = j as usize;
            res_count[j] += 1;
            res_spent[j] += amount(&s.needs[i], &s.resources[j]).hundredths();
            household_matched[s.household[i] as usize] += 1;
        }
    }
    let mut res_start = vec![0usize; n_res + 1];
    for j in 0..n_res {
        res_start[j + 1] = res_start[j] + res_count[j] as usize;
    }
    let mut fill = res_start.clone();
    let mut res_needs = vec![0u32; res_start[n_res]];
    for (i, &j) in assigned_to.iter().enumerate() {
        if j != u32::MAX {
            res_needs[fill[j as usize]] = i as u32;
            fill[j as usize] += 1;
        }
    }

    // Rows, by chunks of needs (in parallel), then merged in need order.
    let fast: crate::taxonomy::StatusSet = s.policy.fast_track.statuses.iter().copied().collect();
    let limit = s.policy.household.max_needs_per_round;
    let n_tiers = usize::from(s.policy.n_tiers());
    let chunks = map_chunks(parallel, n, 4096, |range| {
        let mut out = RowsChunk {
            assigned_by_tier: vec![0; n_tiers],
            ..RowsChunk::default()
        };
        for i in range {
            let need = &s.needs[i];
            let tier = s.tier[i];
            let j = assigned_to[i];
            let matched = j != u32::MAX;
            out.by_tier.entry(tier).or_default().add(matched);
            out.by_category
                .entry(need.category.as_str())
                .or_default()
                .add(matched);
            out.by_county
                .entry(need.region.county())
                .or_default()
                .add(matched);
            if matched {
                let j = j as usize;
                let res = &s.resources[j];
                let a = s.arcs.find(i, j as u32).ok_or_else(|| Error::Certificate {
                    detail: format!("the solver matched row {i} to column {j} without an arc"),
                })?;
                let nt = s.scorer.need_terms(need);
                let cont = s.previous.contains(s.household[i], s.provider[j]);
                let b = s
                    .scorer
                    .breakdown(need, nt, res, s.arcs.prefix_len[a], cont);
                let q = amount(need, res);
                let ft = need.statuses.intersects(fast);
                out.fast_track += u64::from(ft);
                out.assigned_by_tier[usize::from(tier) - 1] += 1;
                out.total_score += b.total();
                add_quantity(
                    out.quantity_by_form.entry(res.form.as_str()).or_default(),
                    q,
                );
                out.assignments.push(AssignmentRow {
                    need_id: need.need_id.clone(),
                    household_id: need.household_id.clone(),
                    resource_id: res.resource_id.clone(),
                    provider_id: res.provider_id.clone(),
                    quantity: q,
                    score: b.total(),
                    tier,
                    fast_track: ft,
                    why: b.why(),
                });
            } else {
                let (reason, detail) = match &s.diagnosis[i] {
                    Some(d) => (d.reason, d.detail.clone()),
                    None => (
                        UnmatchedReason::CapacityExhausted,
                        capacity_detail(
                            &s.arcs,
                            i,
                            &s.resources,
                            &res_count,
                            &res_spent,
                            &s.caps,
                            household_matched[s.household[i] as usize] >= limit,
                            limit,
                        ),
                    ),
                };
                out.unmatched.push(UnmatchedRow {
                    need_id: need.need_id.clone(),
                    household_id: need.household_id.clone(),
                    reason,
                    detail,
                });
            }
        }
        Ok::<_, Error>(out)
    });
    let mut assignments = Vec::with_capacity(res_needs.len());
    let mut unmatched = Vec::with_capacity(n - res_needs.len());
    // Each need's row: both lists are in need order.
    let (mut a, mut u) = (0u32, 0u32);
    let row_of: Vec<Result<u32, u32>> = assigned_to
        .iter()
        .map(|&j| {
            if j == u32::MAX {
                u += 1;
                Err(u - 1)
            } else {
                a += 1;
                Ok(a - 1)
            }
        })
        .collect();
    let mut coverage = Coverage::default();
    let mut objective = Objective {
        assigned_by_tier: vec![0; n_tiers],
        ..Objective::default()
    };
    let mut fast_track_assigned = 0u64;
    for c in chunks {
        let c = c?;
        assignments.extend(c.assignments);
        unmatched.extend(c.unmatched);
        for (tier, cell) in c.by_tier {
            coverage.by_tier.entry(tier).or_default().merge(&cell);
        }
        for (category, cell) in c.by_category {
            coverage
                .by_category
                .entry(category.to_owned())
                .or_default()
                .merge(&cell);
        }
        for (county, cell) in c.by_county {
            coverage
                .by_county
                .entry(format!("{county:06}"))
                .or_default()
                .merge(&cell);
        }
        for (t, k) in c.assigned_by_tier.iter().enumerate() {
            objective.assigned_by_tier[t] += k;
        }
        objective.total_score += c.total_score;
        for (form, q) in c.quantity_by_form {
            add_quantity(
                objective
                    .quantity_by_form
                    .entry(form.to_owned())
                    .or_default(),
                q,
            );
        }
        fast_track_assigned += c.fast_track;
    }
    coverage.finish();
    let referrals = referral::referrals(&s.policy.referral, &s.needs, &s.household, n_households);

    let mut unmatched_by_reason = std::collections::BTreeMap::new();
    for r in UnmatchedReason::ALL {
        unmatched_by_reason.insert(r.as_str().to_owned(), 0u64);
    }
    for u in &unmatched {
        *unmatched_by_reason
            .entry(u.reason.as_str().to_owned())
            .or_insert(0) += 1;
    }
    let mut referrals_by_program = std::collections::BTreeMap::new();
    for r in &referrals {
        *referrals_by_program
            .entry(r.program.as_str().to_owned())
            .or_insert(0u64) += 1;
    }
    let summary = Summary {
        engine_version: env!("CARGO_PKG_VERSION").to_owned(),
        run_date: s.as_of,
        seed: None,
        policy_version: s.policy.version.clone(),
        input_sha256: String::new(),
        policy_sha256: s.policy.digest(),
        previous_pairs_sha256: None,
        counts: Counts {
            needs: n as u64,
            households: n_households as u64,
            resources: n_res as u64,
            providers: n_providers as u64,
            exclusions: 0,
            eligible_pairs: s.arcs.len() as u64,
            assigned: assignments.len() as u64,
            unmatched: unmatched.len() as u64,
            referrals: referrals.len() as u64,
            fast_track_assigned,
        },
        unmatched_by_reason,
        referrals_by_program,
        coverage,
        objective,
        budget: BudgetReport::default(),
        certificate: Certificate {
            verified: true,
            solver: "aidmatch_assign::sparse::solve".to_owned(),
            checker: "aidmatch_assign::verify::verify".to_owned(),
            rows: problem.n_rows() as u64,
            columns: problem.n_cols() as u64,
            groups: problem.n_groups() as u64,
            arcs: problem.n_arcs() as u64,
        },
    };
    let ctx = Context {
        policy: s.policy,
        as_of: s.as_of,
        needs: s.needs,
        resources: s.resources,
        household: s.household,
        provider: s.provider,
        excluded: s.excluded,
        forbidden: s.forbidden,
        previous: s.previous,
        index: s.index,
        scorer: s.scorer,
        tier: s.tier,
        assigned_to,
        res_start,
        res_needs,
        res_spent,
        res_cap: s.caps,
        household_matched,
        row_of,
        arcs: s.arcs,
        previous_pairs: s.previous_pairs,
        exclusions: s.exclusions,
    };
    Ok(MatchResult {
        assignments,
        unmatched,
        referrals,
        summary,
        ctx: Arc::new(ctx),
        times: StageTimes::default(),
        first_solve: None,
        warm_mapped: None,
    })
}

/// One chunk of needs' result rows, and its share of the summary's tallies.
#[derive(Default)]
struct RowsChunk {
    assignments: Vec<AssignmentRow>,
    unmatched: Vec<UnmatchedRow>,
    by_tier: BTreeMap<u8, CoverageCell>,
    by_category: BTreeMap<&'static str, CoverageCell>,
    by_county: BTreeMap<u32, CoverageCell>,
    assigned_by_tier: Vec<u64>,
    total_score: i64,
    quantity_by_form: BTreeMap<&'static str, Quantity>,
    fast_track: u64,
}

/// Adds `q` to a quantity total, saturating.
fn add_quantity(total: &mut Quantity, q: Quantity) {
    *total = total.checked_add(q).unwrap_or(Quantity(u64::MAX));
}

/// Most resources named in a `capacity_exhausted` detail.
const DETAIL_RESOURCES: usize = 5;

/// The state of a resource in a capacity detail, as an index of the counts of
/// [`more_resources`]: full, budget spent, room the optimum did not use.
const FULL: usize = 0;
const SPENT: usize = 1;
const ROOM: usize = 2;

/// The detail of a `capacity_exhausted` need: which of its eligible resources were full
/// (by capacity or budget), best-scored first, and whether the household limit was
/// reached. Names resources, never people.
#[allow(clippy::too_many_arguments)]
fn capacity_detail(
    arcs: &Arcs,
    i: usize,
    resources: &[Resource],
    res_count: &[u32],
    res_spent: &[u64],
    caps: &[u32],
    household_full: bool,
    limit: u32,
) -> String {
    let mut parts = Vec::new();
    if household_full {
        parts.push(format!(
            "household limit of {limit} need{} per round reached",
            if limit == 1 { "" } else { "s" }
        ));
    }
    let mut order: Vec<usize> = arcs.of(i).collect();
    // Best-scored first; the resource index (id order) breaks ties.
    order.sort_by(|&a, &b| {
        arcs.score[b]
            .cmp(&arcs.score[a])
            .then(arcs.res[a].cmp(&arcs.res[b]))
    });
    let mut named = 0;
    // The resources past the named ones, counted by state: full, budget spent, room.
    let mut rest = [0usize; 3];
    for a in order {
        let j = arcs.res[a] as usize;
        let r = &resources[j];
        let state = if res_count[j] >= r.capacity {
            FULL
        } else if res_count[j] >= caps[j] {
            SPENT
        } else if household_full {
            continue;
        } else {
            ROOM
        };
        // Only the first few are named (formatting the rest cost more than the rest of
        // the report at province scale: some 16 texts per unmatched need).
        if named == DETAIL_RESOURCES {
            rest[state] += 1;
            continue;
        }
        named += 1;
        parts.push(match state {
            FULL => format!(
                "{} full ({} of {} places)",
                r.resource_id, res_count[j], r.capacity
            ),
            SPENT => {
                let budget = r.budget.map_or(String::new(), |b| b.to_string());
                format!(
                    "{} budget spent ({} of {budget})",
                    r.resource_id,
                    Quantity(res_spent[j])
                )
            }
            _ => format!("{} not used by the optimum", r.resource_id),
        });
    }
    if let Some(more) = more_resources(rest) {
        parts.push(more);
    }
    parts.join("; ")
}

/// The closing part of a capacity detail: how many further resources were full, had
/// their budget spent, or had room the optimum did not use (`[full, spent, room]`).
/// No commas, as in the rest of the detail, so that the CSV cell needs no quotes.
fn more_resources(rest: [usize; 3]) -> Option<String> {
    // Indexed by FULL, SPENT, ROOM.
    const STATES: [&str; 3] = ["full", "with budget spent", "not used by the optimum"];
    let total: usize = rest.iter().sum();
    let kinds: Vec<(usize, &str)> = rest
        .into_iter()
        .zip(STATES)
        .filter(|&(n, _)| n > 0)
        .collect();
    match kinds.as_slice() {
        [] => None,
        [(_, state)] => Some(format!("and {total} more {state}")),
        _ => {
            let each: Vec<String> = kinds.iter().map(|(n, s)| format!("{n} {s}")).collect();
            Some(format!("and {total} more ({})", each.join(" / ")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::taxonomy::{CategorySet, ProviderKind};

    /// Seven resources for one need: scores 70 down to 10 (two tied at 40, the lower
    /// index first), some full, one with its budget spent, the others with room.
    fn detail(household_full: bool) -> String {
        let scores = [70, 60, 50, 40, 40, 20, 10];
        let arcs = Arcs {
            row_start: vec![0, scores.len()],
            // Stored in resource order, as eligibility does; the detail orders by score.
            res: (0..scores.len() as u32).collect(),
            prefix_len: vec![0; scores.len()],
            score: scores.to_vec(),
        };
        let resources: Vec<Resource> = (0..scores.len())
            .map(|j| {
                let mut r = Resource::new(
                    format!("R{j}"),
                    "P",
                    ProviderKind::Charity,
                    CategorySet::EMPTY,
                    2,
                    Vec::new(),
                );
                r.budget = Some(Quantity(10_000));
                r
            })
            .collect();
        // Full: 0, 3, 4, 6; budget spent (capacity cut to 1 by the budget step): 2;
        // room left: 1 and 5.
        let res_count = [2, 1, 1, 2, 2, 0, 2];
        let caps = [2, 2, 1, 2, 2, 2, 2];
        let res_spent = [0, 0, 9_950, 0, 0, 0, 0];
        capacity_detail(
            &arcs,
            0,
            &resources,
            &res_count,
            &res_spent,
            &caps,
            household_full,
            1,
        )
    }

    #[test]
    fn capacity_detail_names_five_best_scored_and_counts_the_rest() {
        assert_eq!(
            detail(false),
            "R0 full (2 of 2 places); R1 not used by the optimum; \
             R2 budget spent (99.5 of 100); R3 full (2 of 2 places); \
             R4 full (2 of 2 places); and 2 more (1 full / 1 not used by the optimum)"
        );
    }

    #[test]
    fn more_resources_names_each_state_it_counts() {
        assert_eq!(more_resources([0, 0, 0]), None);
        assert_eq!(
            more_resources([3, 0, 0]).as_deref(),
            Some("and 3 more full")
        );
        assert_eq!(
            more_resources([0, 2, 0]).as_deref(),
            Some("and 2 more with budget spent")
        );
        assert_eq!(
            more_resources([0, 0, 1]).as_deref(),
            Some("and 1 more not used by the optimum")
        );
        assert_eq!(
            more_resources([2, 1, 4]).as_deref(),
            Some("and 7 more (2 full / 1 with budget spent / 4 not used by the optimum)")
        );
    }

    #[test]
    fn capacity_detail_with_the_household_limit_skips_resources_with_room() {
        assert_eq!(
            detail(true),
            "household limit of 1 need per round reached; R0 full (2 of 2 places); \
             R2 budget spent (99.5 of 100); R3 full (2 of 2 places); \
             R4 full (2 of 2 places); R6 full (2 of 2 places)"
        );
    }
}
