//! Re-match and emergency-insertion timing on generated Shaanxi lists (one run per
//! scale: a quick measurement, not a statistical benchmark).
//!
//! ```text
//! cargo run --release -p aidmatch --example rematch_timing -- [county|city|province]... [--seed N] [--inserts N] [--no-budgets] [--cold-first] [--repeat N]
//! ```
//!
//! Per scale: 1% of the generated needs are held back; the rest are matched (round 1)
//! and stored as a state. Then 1% of the proposals are declined and the held-back needs
//! arrive; the same state is re-matched warm (from the previous solution and prices)
//! and cold. Prints both engine runs and their solve stages, the ratios, and checks that
//! both reach the same exact optimum (the first solve's objective, and the final one
//! when the budget step attains its bound). Then emergency insertion: the time to
//! prepare the index of a state, and the latency of `UrgentIndex::place` over N
//! emergency needs (clones of random needs with new ids), plus one whole
//! `insert_urgent` call (prepare, place, next state). Then the emergency desk
//! (`UrgentDesk`): the one-time open cost (the state copy apart), the latency of
//! `UrgentDesk::insert` over `--desk-inserts N` (default 200) emergency needs inserted one
//! after the other (each sees the places the earlier ones took; a displacement, when one
//! happens, is a whole re-match and is reported apart), and the time to materialise the
//! next state. `--desk-no-displace` turns displacement off in the desk's copy of the
//! state (each displacement is a whole re-match: minutes over many insertions at
//! province scale), so that the placement path alone is measured. `--no-budgets` drops every
//! resource budget, so that each run is one solve and the warm start is measured alone;
//! `--same-day` re-matches on the first round's date (no waiting-time change of the
//! scores) and `--no-arrivals` adds no needs (the same rows, so the same tier bonuses):
//! together they show the warm start when the previous prices are tight. `--cold-first`
//! runs the cold re-match before the warm one (the second runs with the first's result
//! still in memory); `--repeat N` runs N pairs, the order alternating, and prints the
//! medians of their engine runs and whole calls.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aidmatch::engine::StageCallback;
use aidmatch::generate::{AS_OF, Scale, generate};
use aidmatch::model::Outcome;
use aidmatch::outcome::LoopRules;
use aidmatch::rematch::{RematchOptions, rematch};
use aidmatch::snapshot::State;
use aidmatch::taxonomy::{DeclineReason, DeclinedBy, OutcomeStatus, Urgency};
use aidmatch::urgent::{UrgentDesk, UrgentIndex, UrgentMode, insert_urgent};
use aidmatch::{Policy, RunOptions, Stage};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// What the timing keeps of one re-match.
struct Run {
    summary: aidmatch::rematch::RematchSummary,
    result: aidmatch::summary::Summary,
    /// The next state (warm run only).
    state: Option<State>,
    call_ms: f64,
    stages: Vec<(Stage, f64)>,
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut scales = Vec::new();
    let mut seed = 1u64;
    let mut inserts = 1000usize;
    let mut desk_inserts = 200usize;
    let mut desk_no_displace = false;
    let mut no_budgets = false;
    let mut same_day = false;
    let mut no_arrivals = false;
    let mut cold_first = false;
    let mut repeat = 1usize;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--seed" => seed = args.next().ok_or("--seed needs a value")?.parse()?,
            "--inserts" => inserts = args.next().ok_or("--inserts needs a value")?.parse()?,
            "--desk-inserts" => {
                desk_inserts = args.next().ok_or("--desk-inserts needs a value")?.parse()?;
            }
            "--no-budgets" => no_budgets = true,
            "--desk-no-displace" => desk_no_displace = true,
            "--same-day" => same_day = true,
            "--no-arrivals" => no_arrivals = true,
            "--cold-first" => cold_first = true,
            "--repeat" => repeat = args.next().ok_or("--repeat needs a value")?.parse()?,
            "county" => scales.push(Scale::County),
            "city" => scales.push(Scale::City),
            "province" => scales.push(Scale::Province),
            other => return Err(format!("unknown argument {other:?}").into()),
        }
    }
    if scales.is_empty() {
        scales.push(Scale::County);
    }
    let policy = Policy::default();
    for scale in scales {
        let mut inputs = generate(scale, seed);
        if no_budgets {
            // Isolates the warm start from the engine's budget re-solves.
            for r in &mut inputs.resources {
                r.budget = None;
            }
        }
        let n = inputs.needs.len();
        let held = n / 100;
        let arrivals = inputs.needs.split_off(n - held);
        let clock = Instant::now();
        let first = aidmatch::run(&inputs, &policy, &RunOptions::new(AS_OF))?;
        let first_ms = ms(clock.elapsed());
        let state = State::from_run(&inputs, &policy, &LoopRules::default(), &first);
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let pairs = &state.snapshot.pairs;
        let declines = pairs.len() / 100;
        let mut picked = std::collections::BTreeSet::new();
        while picked.len() < declines {
            picked.insert(rng.random_range(0..pairs.len()));
        }
        let outcomes: Vec<Outcome> = picked
            .iter()
            .map(|&k| Outcome {
                need_id: pairs[k].need_id.clone(),
                resource_id: pairs[k].resource_id.clone(),
                status: OutcomeStatus::Declined,
                at: AS_OF.add_days(2),
                note: String::new(),
                declined_by: Some(DeclinedBy::Recipient),
                reason: Some(DeclineReason::Unreachable),
            })
            .collect();
        let day = if same_day {
            AS_OF
        } else {
            AS_OF.add_days(7).ok_or("date")?
        };
        let arrivals = if no_arrivals { Vec::new() } else { arrivals };
        // Every stage's time, through the engine's stage callback.
        let stages = Arc::new(Mutex::new(Vec::new()));
        let recorder = |sink: Arc<Mutex<Vec<(Stage, f64)>>>| -> StageCallback {
            Arc::new(move |stage, took: Duration| {
                if let Ok(mut v) = sink.lock() {
                    v.push((stage, ms(took)));
                }
            })
        };
        let mut warm_opts = RematchOptions::new(day);
        warm_opts.on_stage = Some(recorder(stages.clone()));
        let mut cold_opts = RematchOptions::new(day);
        cold_opts.warm = false;
        cold_opts.on_stage = Some(recorder(stages.clone()));
        // Each run keeps only its figures (and the warm one its next state, for the
        // emergency timings below): with a whole province result still in memory the
        // second run paid some 3 s more in allocation, whichever it was. Warm runs
        // first; `--cold-first` swaps the order.
        let timed = |opts: &RematchOptions| -> Result<Run, Box<dyn std::error::Error>> {
            let clock = Instant::now();
            let r = rematch(&state, &outcomes, arrivals.clone(), None, opts)?;
            let call_ms = ms(clock.elapsed());
            let stages = std::mem::take(&mut *stages.lock().map_err(|_| "lock")?);
            Ok(Run {
                summary: r.summary.clone(),
                result: r.result.summary.clone(),
                state: opts.warm.then_some(r.state),
                call_ms,
                stages,
            })
        };
        // Pairs of re-matches, the order alternating from one pair to the next; the
        // figures below are the last pair's, the medians those of all pairs.
        let mut engine_ms: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        let mut call_ms: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        let mut last = None;
        for k in 0..repeat.max(1) {
            let (warm, cold) = if cold_first == (k % 2 == 0) {
                let c = timed(&cold_opts)?;
                (timed(&warm_opts)?, c)
            } else {
                let w = timed(&warm_opts)?;
                (w, timed(&cold_opts)?)
            };
            for (i, r) in [&warm, &cold].into_iter().enumerate() {
                engine_ms[i].push(r.summary.run_ms);
                call_ms[i].push(r.call_ms);
            }
            last = Some((warm, cold));
        }
        let (warm, cold) = last.ok_or("no re-match ran")?;
        let (warm_call_ms, warm_stages, cold_stages) = (warm.call_ms, &warm.stages, &cold.stages);
        let solves_of = |stages: &[(Stage, f64)]| -> Vec<f64> {
            stages
                .iter()
                .filter(|(s, _)| *s == Stage::Solve)
                .map(|&(_, t)| t)
                .collect()
        };
        let (warm_solves, cold_solves) = (solves_of(warm_stages), solves_of(cold_stages));
        let (wb, cb) = (&warm.result.budget, &cold.result.budget);
        let same_bound = wb.bound_assigned_by_tier == cb.bound_assigned_by_tier
            && wb.bound_total_score == cb.bound_total_score;
        let wo = &warm.result.objective;
        let co = &cold.result.objective;
        println!(
            "== {scale:?} (seed {seed}): {n} needs, {} resources",
            inputs.resources.len()
        );
        println!(
            "round 1 (cold engine run): {first_ms:.1} ms, {} proposals",
            pairs.len()
        );
        println!(
            "re-match state: {} declined, {} new needs, {} needs in the run, warm start {} ({} of {} open proposals mapped, {} prices, pairs and scores of {} needs carried over)",
            declines,
            held,
            warm.summary.needs_in_run,
            warm.summary.warm.mode,
            warm.summary.warm.pairs_mapped,
            warm.summary.warm.pairs_offered,
            warm.summary.warm.prices_mapped,
            warm.summary.warm.needs_carried
        );
        println!(
            "warm: engine run {:.1} ms, solve stage {:.1} ms, each solve {:.1?} ms",
            warm.summary.run_ms, warm.summary.solve_ms, warm_solves
        );
        println!(
            "cold: engine run {:.1} ms, solve stage {:.1} ms, each solve {:.1?} ms",
            cold.summary.run_ms, cold.summary.solve_ms, cold_solves
        );
        // Where a warm re-match spends what is not solving: every other stage is
        // recomputed in full, which bounds what any warm start can gain.
        let others = |stages: &[(Stage, f64)]| -> String {
            let list: Vec<String> = stages
                .iter()
                .filter(|(s, _)| *s != Stage::Solve)
                .map(|(s, t)| format!("{} {t:.1}", s.as_str()))
                .collect();
            list.join(", ")
        };
        println!("warm: other stages (ms): {}", others(warm_stages));
        println!("cold: other stages (ms): {}", others(cold_stages));
        println!(
            "warm: whole rematch() call {warm_call_ms:.1} ms (outcomes, preparation, engine run, diff, next state)"
        );
        if let (Some(w), Some(c)) = (warm_solves.first(), cold_solves.first()) {
            println!("ratio cold/warm, first solve: {:.2}x", c / w.max(1e-9));
        }
        println!(
            "ratio cold/warm: whole run {:.2}x, solve stage {:.2}x",
            cold.summary.run_ms / warm.summary.run_ms,
            cold.summary.solve_ms / warm.summary.solve_ms.max(1e-9)
        );
        if repeat > 1 {
            let median = |v: &[f64]| {
                let mut v = v.to_vec();
                v.sort_by(f64::total_cmp);
                v[v.len() / 2]
            };
            let (we, ce) = (median(&engine_ms[0]), median(&engine_ms[1]));
            println!(
                "over {repeat} pairs (order alternating): engine run median warm {we:.1} ms, cold {ce:.1} ms, ratio {:.2}x; whole rematch() call median warm {:.1} ms, cold {:.1} ms; all engine runs warm {:.0?} cold {:.0?}",
                ce / we,
                median(&call_ms[0]),
                median(&call_ms[1]),
                engine_ms[0],
                engine_ms[1]
            );
        }
        println!(
            "same exact optimum of the first solve: {same_bound}; final objective warm {:?}/{} cold {:?}/{} (budget bound attained: warm {}, cold {}); certificates verified: {} {}",
            wo.assigned_by_tier,
            wo.total_score,
            co.assigned_by_tier,
            co.total_score,
            wb.exact,
            cb.exact,
            warm.result.certificate.verified,
            cold.result.certificate.verified
        );
        println!("changes: {:?}", warm.summary.changes);
        println!("changes (cold): {:?}", cold.summary.changes);
        if !same_bound {
            return Err("warm and cold optima differ".into());
        }

        // Emergency insertion into the state after the re-match.
        let next = warm.state.as_ref().ok_or("the warm run keeps its state")?;
        let clock = Instant::now();
        let idx = UrgentIndex::new(next, day)?;
        let prep = clock.elapsed();
        let mut lat: Vec<Duration> = Vec::with_capacity(inserts);
        let mut placed = 0usize;
        for k in 0..inserts {
            let mut e = next.inputs.needs[rng.random_range(0..next.inputs.needs.len())].clone();
            e.need_id = format!("URGENT-{k}");
            e.household_id = format!("H-URGENT-{k}");
            e.urgency = Urgency::Emergency;
            let clock = Instant::now();
            let p = idx.place(&e);
            lat.push(clock.elapsed());
            placed += usize::from(p.best.is_some());
        }
        lat.sort();
        let pct = |q: f64| {
            lat.get(((lat.len() as f64 - 1.0) * q) as usize)
                .map_or(0.0, |d| d.as_secs_f64() * 1e6)
        };
        println!(
            "urgent: prepare index {:.1} ms (once per state); place() over {inserts} emergency needs: median {:.1} us, p99 {:.1} us, max {:.1} us; {placed} found a free place",
            ms(prep),
            pct(0.5),
            pct(0.99),
            pct(1.0)
        );
        let mut e = next.inputs.needs[0].clone();
        e.need_id = "URGENT-X".into();
        e.household_id = "H-URGENT-X".into();
        e.urgency = Urgency::Emergency;
        let clock = Instant::now();
        let u = insert_urgent(next, e, day)?;
        println!(
            "urgent: one whole insert_urgent call {:.1} ms (prepare {:.1} ms, insert {:.3} ms, mode {:?})",
            ms(clock.elapsed()),
            ms(u.prepare_time),
            ms(u.insert_time),
            u.mode
        );

        // The emergency desk: open once, then insert one need after the other.
        let clock = Instant::now();
        let mut copy = next.clone();
        let copy_time = clock.elapsed();
        if desk_no_displace {
            copy.snapshot.rules.urgent_may_displace = false;
        }
        let mut desk = UrgentDesk::open(copy, day)?;
        let open_time = desk.open_time();
        let mut lat: Vec<Duration> = Vec::with_capacity(desk_inserts);
        let mut displaced: Vec<Duration> = Vec::new();
        let mut modes = [0usize; 3];
        for k in 0..desk_inserts {
            let mut e = next.inputs.needs[rng.random_range(0..next.inputs.needs.len())].clone();
            e.need_id = format!("DESK-{k}");
            e.household_id = format!("H-DESK-{k}");
            e.urgency = Urgency::Emergency;
            let clock = Instant::now();
            let o = desk.insert(e)?;
            let took = clock.elapsed();
            match o.mode {
                UrgentMode::FreePlace => modes[0] += 1,
                UrgentMode::Displaced => modes[1] += 1,
                UrgentMode::Unmatched => modes[2] += 1,
            }
            if o.changes.is_empty() {
                lat.push(took);
            } else {
                displaced.push(took);
            }
        }
        lat.sort();
        let pct = |q: f64| {
            lat.get(((lat.len() as f64 - 1.0) * q) as usize)
                .map_or(0.0, |d| d.as_secs_f64() * 1e6)
        };
        let clock = Instant::now();
        let pairs = desk.state().snapshot.pairs.len();
        let state_time = clock.elapsed();
        println!(
            "desk{}: open {:.1} ms once (+ {:.1} ms to copy the state in); insert() over {} emergency needs without displacement: median {:.1} us, p99 {:.1} us, max {:.1} us; modes free_place {} displaced {} unmatched {}; displacements (whole re-matches) {:.1?} ms; next state ({pairs} pairs) materialised in {:.1} ms",
            if desk_no_displace {
                " (displacement off)"
            } else {
                ""
            },
            ms(open_time),
            ms(copy_time),
            lat.len(),
            pct(0.5),
            pct(0.99),
            pct(1.0),
            modes[0],
            modes[1],
            modes[2],
            displaced.iter().map(|d| ms(*d)).collect::<Vec<_>>(),
            ms(state_time)
        );
    }
    Ok(())
}
