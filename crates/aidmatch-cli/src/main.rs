//! `aidmatch`: the command line over the two-lists engine, for county civil-affairs staff
//! working from the monitoring platform's spreadsheet exports.
//!
//! It holds no matching logic: it reads files, calls `aidmatch::engine::run`, and writes
//! the results of the spec plus a self-contained HTML report.
//!
//! Exit status: 0 success; 1 bad input (a file unreadable or invalid, an invalid policy,
//! `validate` finding any problem, `explain` naming an unknown need); 2 usage error;
//! 3 failure of the engine or of writing the results.

mod exclusions;
mod html;
mod lang;
mod outputs;
mod sample;

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use aidmatch::date::Date;
use aidmatch::engine::{MatchResult, RunOptions, StageCallback, run};
use aidmatch::generate::{Scale, generate};
use aidmatch::io::{self, Encoding, ReadOptions};
use aidmatch::model::Inputs;
use aidmatch::outcome::LoopRules;
use aidmatch::policy::Policy;
use aidmatch::rematch::{Rematch, RematchOptions, RematchSummary, Unexplained, rematch};
use aidmatch::snapshot::State;
use aidmatch::urgent::{UrgentMode, UrgentResult, insert_urgent};
use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};

use lang::{Lang, Msg, change_kinds};
use outputs::Group;

const AFTER_HELP: &str = "\
Examples:
  aidmatch demo --out demo-results
  aidmatch match --needs needs.csv --supply supply.csv --exclusions exclusions.csv \\
                 --as-of 2024-10-01 --out results
  aidmatch validate --needs needs.csv --supply supply.csv
  aidmatch match --needs needs.csv --supply supply.csv --out round1 --snapshot
  aidmatch rematch --previous round1 --outcomes outcomes.csv --needs new-needs.csv --out round2
  aidmatch rematch --previous round1 --outcomes outcomes.csv --out round2 --explain N006
  aidmatch urgent --previous round2 --need emergency.csv --out round2b
  aidmatch explain --need N006 --needs needs.csv --supply supply.csv --as-of 2024-10-01
  aidmatch generate --scale county --seed 7 --out county
  aidmatch policy --print-default > policy.toml

An --out folder ends up holding this run's files only: the files an earlier aidmatch run
wrote there that this run does not write (a report-public.html, a state, changes.csv) are
removed and named. Other files, and the inputs of the run, are never removed.

Exit status: 0 success, 1 bad input, 2 usage error, 3 engine or output failure.";

/// Match the needs list (需求清单) with the supply list (供给清单) exactly and explainably.
#[derive(Debug, Parser)]
#[command(name = "aidmatch", version, about, after_help = AFTER_HELP)]
struct Cli {
    /// Language of console messages and of the HTML report (default: Chinese report;
    /// console follows the locale).
    #[arg(long, global = true, value_enum)]
    lang: Option<Lang>,
    /// Print nothing but errors and warnings.
    #[arg(long, short, global = true)]
    quiet: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole job on the built-in sample county: results into a folder and a summary.
    Demo {
        /// Folder for the results.
        #[arg(long, default_value = "aidmatch-demo")]
        out: PathBuf,
        /// Also write `report-public.html`, for publication (公示).
        #[arg(long)]
        public: bool,
    },
    /// Match the two lists and write assignments, unmatched, referrals, summary and report.
    Match {
        #[command(flatten)]
        inputs: InputArgs,
        /// Folder for the results (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Also write `report-public.html`: aggregate figures and masked ids only (公示).
        #[arg(long)]
        public: bool,
        /// Also write the round's state (snapshot.json, the lists, policy.toml) for
        /// `rematch` and `urgent`.
        #[arg(long)]
        snapshot: bool,
        /// Folder for the state (implies --snapshot) instead of the results folder. The state holds
        /// the needs' personal fields (statuses, income, age...): keep it where only
        /// staff read it, and share the results folder; `--previous` takes this folder.
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Carry a round forward: apply outcomes (accepted, declined, delivered, failed),
    /// keep agreed pairs, forbid declined ones, add new needs, re-match exactly (warm).
    Rematch {
        /// Folder of the previous round's state (from `match --snapshot`, `rematch` or
        /// `urgent`).
        #[arg(long)]
        previous: PathBuf,
        /// Outcomes file (.csv or .json): need_id, resource_id, status, at, note,
        /// declined_by, reason.
        #[arg(long)]
        outcomes: PathBuf,
        /// New needs (.csv or .json), added to the round's needs.
        #[arg(long)]
        needs: Option<PathBuf>,
        /// A new supply list (.csv or .json) replacing the round's.
        #[arg(long)]
        supply: Option<PathBuf>,
        /// Policy file; default: the previous round's.
        #[arg(long)]
        policy: Option<PathBuf>,
        /// Run date (YYYY-MM-DD); default: today.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Solve cold instead of from the previous solution (the same optimum of the exact
        /// solve; where budgets bind, the budget step after it may end elsewhere when the
        /// solve has several optima).
        #[arg(long)]
        cold: bool,
        #[command(flatten)]
        encoding: EncodingArgs,
        /// Folder for the results, changes.csv, rematch.json and the next state.
        #[arg(long)]
        out: PathBuf,
        /// Also print why this need was matched or not in the new round, as `explain`
        /// prints it for a first round (exit status 1, results written, if the round
        /// has no such need).
        #[arg(long, value_name = "NEED")]
        explain: Option<String>,
        /// Also write `report-public.html`: aggregate figures and masked ids only (公示).
        #[arg(long)]
        public: bool,
        /// Folder for the next state instead of the results folder. The state holds
        /// the needs' personal fields (statuses, income, age...): keep it where only
        /// staff read it, and share the results folder; `--previous` takes this folder.
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Match one emergency need (急难) at once against the remaining capacity.
    Urgent {
        /// Folder of the current round's state.
        #[arg(long)]
        previous: PathBuf,
        /// A needs file (.csv or .json) with exactly one row.
        #[arg(long)]
        need: PathBuf,
        /// Date (YYYY-MM-DD); default: today.
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        #[command(flatten)]
        encoding: EncodingArgs,
        /// Folder for urgent.json (where the need went, with the needs moved when it
        /// displaced lower-tier proposals) and the next state (snapshot.json, the lists,
        /// policy.toml) for `rematch` and `urgent`. No results or report are written.
        #[arg(long)]
        out: PathBuf,
        /// Folder for the next state instead of the results folder. The state holds
        /// the needs' personal fields (statuses, income, age...): keep it where only
        /// staff read it, and share the results folder; `--previous` takes this folder.
        #[arg(long, value_name = "DIR")]
        state: Option<PathBuf>,
    },
    /// Check the inputs and list the problems found, up to 100 per list (exit status 1
    /// when there is any); warn about exclusion rows whose household or provider is in
    /// neither list (they block nothing).
    Validate {
        #[command(flatten)]
        inputs: InputArgs,
    },
    /// Why a need was matched or not: its eligible resources, their scores, who took the
    /// capacity it lost.
    Explain {
        /// The need to explain.
        #[arg(long)]
        need: String,
        #[command(flatten)]
        inputs: InputArgs,
    },
    /// Write synthetic Shaanxi lists (needs, supply, exclusions) as the spec's CSV files.
    Generate {
        /// How large and where: a county, a city or the whole province.
        #[arg(long, value_enum, default_value_t = ScaleArg::County)]
        scale: ScaleArg,
        /// Seed of the random generator: the same scale and seed give the same lists.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Folder for needs.csv, supply.csv and exclusions.csv.
        #[arg(long)]
        out: PathBuf,
    },
    /// Show the matching policy (say which: --print-default or --file).
    #[command(group = ArgGroup::new("which").required(true).args(["print_default", "file"]))]
    Policy {
        /// Print the default policy as TOML, every default filled in.
        #[arg(long)]
        print_default: bool,
        /// Print this policy file with its defaults filled in, and its digest.
        #[arg(long)]
        file: Option<PathBuf>,
    },
}

#[derive(Debug, Args)]
struct InputArgs {
    /// The needs list (.csv or .json).
    #[arg(long)]
    needs: PathBuf,
    /// The supply list (.csv or .json).
    #[arg(long)]
    supply: PathBuf,
    /// Conflict-of-interest pairs (回避) (.csv or .json).
    #[arg(long)]
    exclusions: Option<PathBuf>,
    /// Policy file (.toml or .json); default: the built-in policy.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// Run date (YYYY-MM-DD) for validity dates and waiting time; default: today.
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
    #[command(flatten)]
    encoding: EncodingArgs,
}

/// The `--encoding` option of every command that reads lists.
#[derive(Debug, Args)]
struct EncodingArgs {
    /// Text encoding of CSV files: detected by default (UTF-8, else GB18030/GBK).
    #[arg(long, value_enum, default_value_t = EncodingArg::Auto)]
    encoding: EncodingArg,
}

impl EncodingArgs {
    /// How to read the lists named on the command line.
    fn read_options(&self) -> ReadOptions {
        ReadOptions {
            encoding: match self.encoding {
                EncodingArg::Auto => Encoding::Auto,
                EncodingArg::Utf8 => Encoding::Utf8,
                EncodingArg::Gb18030 => Encoding::Gb18030,
            },
            ..ReadOptions::default()
        }
    }
}

impl InputArgs {
    /// The files named on the command line.
    fn paths(&self) -> Vec<&Path> {
        [
            Some(&self.needs),
            Some(&self.supply),
            self.exclusions.as_ref(),
            self.policy.as_ref(),
        ]
        .into_iter()
        .flatten()
        .map(PathBuf::as_path)
        .collect()
    }
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ScaleArg {
    /// 10,000 needs, 1,000 resources in 蓝田县 (610122).
    County,
    /// 100,000 needs, 10,000 resources in 西安市 (6101).
    City,
    /// 1,000,000 needs, 100,000 resources in all of Shaanxi (61).
    Province,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum EncodingArg {
    Auto,
    Utf8,
    Gb18030,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).map_err(|e| format!("{e}"))
}

/// How a command failed, which decides the exit status.
#[derive(Debug)]
enum Failure {
    /// Bad input: exit status 1.
    Input(String),
    /// The engine or the output failed: exit status 3.
    Run(String),
}

impl From<aidmatch::Error> for Failure {
    fn from(e: aidmatch::Error) -> Failure {
        match e {
            aidmatch::Error::Solver(_)
            | aidmatch::Error::Certificate { .. }
            | aidmatch::Error::Interrupted => Failure::Run(e.to_string()),
            _ => Failure::Input(e.to_string()),
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let console = cli.lang.unwrap_or_else(Lang::from_locale);
    let ui = Ui {
        lang: console,
        report_lang: cli.lang.unwrap_or(Lang::Zh),
        quiet: cli.quiet,
    };
    match execute(cli.command, &ui) {
        Ok(code) => code,
        Err(Failure::Input(message)) => {
            eprintln!("{}: {message}", ui.lang.text(Msg::Error));
            ExitCode::from(1)
        }
        Err(Failure::Run(message)) => {
            eprintln!("{}: {message}", ui.lang.text(Msg::Error));
            ExitCode::from(3)
        }
    }
}

/// Console settings shared by the commands.
struct Ui {
    lang: Lang,
    report_lang: Lang,
    quiet: bool,
}

impl Ui {
    fn say(&self, line: impl AsRef<str>) {
        if !self.quiet {
            println!("{}", line.as_ref());
        }
    }

    /// A spinner on stderr naming the current stage, only on a terminal and not quiet.
    fn progress(&self) -> indicatif::ProgressBar {
        if self.quiet || !std::io::stderr().is_terminal() {
            return indicatif::ProgressBar::hidden();
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.enable_steady_tick(Duration::from_millis(120));
        bar
    }
}

/// Prints the explanation of `need` in `result` as pretty JSON; bad input if the run
/// has no such need.
fn print_explanation(ui: &Ui, result: &MatchResult, need: &str) -> Result<(), Failure> {
    let explanation = result
        .explain(need)
        .ok_or_else(|| Failure::Input(format!("{}: {need}", ui.lang.text(Msg::UnknownNeed))))?;
    let text =
        serde_json::to_string_pretty(&explanation).map_err(|e| Failure::Run(e.to_string()))?;
    println!("{text}");
    Ok(())
}

/// [`print_explanation`] for a re-matched round: a need kept from an earlier round is
/// bad input saying so (it is not matched again, so the round does not explain it).
fn print_round_explanation(ui: &Ui, r: &Rematch, need: &str) -> Result<(), Failure> {
    match r.explain(need) {
        Err(kept @ Unexplained::Kept { .. }) => Err(Failure::Input(match (ui.lang, &kept) {
            (Lang::Zh, Unexplained::Kept { resource_id, .. }) => format!(
                "需求 {need} 与 {resource_id} 的配对已在此前轮次确认（接受或已交付），\
                 本轮不再匹配，因此本轮没有它的解释"
            ),
            _ => kept.to_string(),
        })),
        _ => print_explanation(ui, &r.result, need),
    }
}

fn execute(command: Command, ui: &Ui) -> Result<ExitCode, Failure> {
    match command {
        Command::Demo { out, public } => {
            let inputs = sample::inputs()?;
            let idle = exclusions::idle(
                &inputs.exclusions,
                Some(&inputs.needs),
                Some(&inputs.resources),
            );
            let idle = exclusions::place(
                idle,
                Some(sample::EXCLUSIONS),
                Some(io::Format::Csv),
                Encoding::Auto,
                inputs.exclusions.len(),
            );
            warn_idle_exclusions(ui, sample::EXCLUSIONS_LABEL, &idle);
            let options = RunOptions::new(sample::as_of());
            let result = solve(ui, &inputs, &Policy::default(), &options)?;
            write_results(ui, &result, &inputs, &out, public)?;
            let removed = remove_stale(&out, &result_groups(public), &[])?;
            print_summary(ui, &result, &out);
            print_removed(ui, &out, &removed);
            Ok(ExitCode::SUCCESS)
        }
        Command::Match {
            inputs,
            out,
            public,
            snapshot,
            state: state_dir,
        } => {
            let bar = ui.progress();
            bar.set_message(ui.lang.text(Msg::Reading));
            let (lists, policy, options) = load(&inputs)?;
            bar.finish_and_clear();
            if let Some(path) = &inputs.exclusions {
                let idle = exclusions::idle(
                    &lists.exclusions,
                    Some(&lists.needs),
                    Some(&lists.resources),
                );
                let encoding = inputs.encoding.read_options().encoding;
                let idle = exclusions::place_in_file(idle, path, encoding, lists.exclusions.len());
                warn_idle_exclusions(ui, &path.display().to_string(), &idle);
            }
            let result = solve(ui, &lists, &policy, &options)?;
            write_results(ui, &result, &lists, &out, public)?;
            let mut written = result_groups(public);
            if snapshot || state_dir.is_some() {
                let dir = state_dir.as_deref().unwrap_or(&out);
                State::from_run(&lists, &policy, &LoopRules::default(), &result)
                    .save(dir)
                    .map_err(|e| Failure::Run(e.to_string()))?;
                if same_folder(dir, &out) {
                    written.push(Group::State);
                }
            }
            let removed = remove_stale(&out, &written, &inputs.paths())?;
            print_summary(ui, &result, &out);
            print_removed(ui, &out, &removed);
            exit_without_freeing((lists, result));
            Ok(ExitCode::SUCCESS)
        }
        Command::Rematch {
            previous,
            outcomes,
            needs,
            supply,
            policy,
            as_of,
            cold,
            encoding,
            out,
            explain,
            public,
            state: state_dir,
        } => {
            let bar = ui.progress();
            bar.set_message(ui.lang.text(Msg::Reading));
            let state = State::load(&previous)?;
            let opts = encoding.read_options();
            // The files read, which the clean-up of the output folder never removes.
            let read: Vec<PathBuf> = [
                Some(&outcomes),
                needs.as_ref(),
                supply.as_ref(),
                policy.as_ref(),
            ]
            .into_iter()
            .flatten()
            .cloned()
            .collect();
            // Feedback errors count rows as the reading problems of the same file do.
            let first_row = match io::Format::from_path(&outcomes) {
                Some(io::Format::Csv) => 2,
                _ => 1,
            };
            let outcomes = io::read_outcomes(&outcomes, &opts)?;
            let needs = match &needs {
                Some(path) => io::read_needs(path, &opts)?,
                None => Vec::new(),
            };
            let supply = match &supply {
                Some(path) => Some(io::read_supply(path, &opts)?),
                None => None,
            };
            let mut options = RematchOptions::new(as_of.unwrap_or_else(today));
            options.warm = !cold;
            options.outcome_rows_from = first_row;
            if let Some(path) = &policy {
                options.policy = Some(read_policy(path)?);
            }
            options.on_stage = stage_messages(ui, &bar);
            let r = rematch(&state, &outcomes, needs, supply, &options)?;
            bar.set_message(ui.lang.text(Msg::Writing));
            let state_dir = state_dir.as_deref().unwrap_or(&out);
            r.write_results(&out)
                .and_then(|()| r.state.save(state_dir))
                .map_err(|e| Failure::Run(e.to_string()))?;
            // The round's whole lists: its results include the kept needs, on their pairs.
            write_reports(
                ui,
                &r.result,
                &r.state.inputs,
                Some(&r.summary),
                &out,
                public,
            )?;
            let mut written = result_groups(public);
            written.push(Group::Rematch);
            if same_folder(state_dir, &out) {
                written.push(Group::State);
            }
            // The previous state is an input too (`--previous` may be the results folder).
            let previous_state: Vec<PathBuf> = Group::State
                .files()
                .iter()
                .map(|name| previous.join(name))
                .collect();
            let read: Vec<&Path> = read
                .iter()
                .chain(&previous_state)
                .map(PathBuf::as_path)
                .collect();
            let removed = remove_stale(&out, &written, &read)?;
            bar.finish_and_clear();
            print_summary(ui, &r.result, &out);
            print_changes(ui, &r.summary);
            print_removed(ui, &out, &removed);
            if let Some(need) = &explain {
                print_round_explanation(ui, &r, need)?;
            }
            exit_without_freeing((state, r));
            Ok(ExitCode::SUCCESS)
        }
        Command::Urgent {
            previous,
            need,
            as_of,
            encoding,
            out,
            state: state_dir,
        } => {
            let state = State::load(&previous)?;
            let mut needs = io::read_needs(&need, &encoding.read_options())?;
            if needs.len() != 1 {
                return Err(Failure::Input(format!(
                    "{}: expected exactly one need, found {}",
                    need.display(),
                    needs.len()
                )));
            }
            let one = needs.remove(0);
            let need_id = one.need_id.clone();
            let u = insert_urgent(&state, one, as_of.unwrap_or_else(today))?;
            // The next state and urgent.json, as the C ABI and Python write them (the
            // state apart with --state). Nothing else is removed: results in the folder
            // are the round's record, and the insertion (urgent.json) is on top of them.
            u.write_outcome(&out)
                .and_then(|()| u.state.save(state_dir.as_deref().unwrap_or(&out)))
                .map_err(|e| Failure::Run(e.to_string()))?;
            print_urgent(ui, &need_id, &u);
            Ok(ExitCode::SUCCESS)
        }
        Command::Validate { inputs } => validate(ui, &inputs),
        Command::Explain { need, inputs } => {
            let (lists, policy, options) = load(&inputs)?;
            let result = solve(ui, &lists, &policy, &options)?;
            print_explanation(ui, &result, &need)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Generate { scale, seed, out } => {
            let scale = match scale {
                ScaleArg::County => Scale::County,
                ScaleArg::City => Scale::City,
                ScaleArg::Province => Scale::Province,
            };
            let bar = ui.progress();
            bar.set_message(ui.lang.text(Msg::Generating));
            let inputs = generate(scale, seed);
            write_inputs(&inputs, &out)?;
            bar.finish_and_clear();
            ui.say(format!(
                "{} {} / {} / {} → {}",
                ui.lang.text(Msg::Generated),
                inputs.needs.len(),
                inputs.resources.len(),
                inputs.exclusions.len(),
                out.display()
            ));
            Ok(ExitCode::SUCCESS)
        }
        Command::Policy { file, .. } => {
            // Without --file, --print-default was given: clap requires one of the two.
            let policy = match &file {
                Some(path) => read_policy(path)?,
                None => Policy::default(),
            };
            print!("{}", policy.to_toml());
            if file.is_some() {
                eprintln!("# sha256 {}", policy.digest());
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Leaves a command's large values (the lists, a result, a state) to the operating
/// system, which takes the whole process's memory back at once when the command returns
/// and the process exits: freeing millions of records one by one took 3 s after a
/// province re-match. Only for values the command no longer needs.
fn exit_without_freeing<T>(values: T) {
    std::mem::forget(values);
}

fn read_policy(path: &Path) -> Result<Policy, Failure> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Failure::Input(format!("{}: {e}", path.display())))?;
    Policy::from_str_auto(&text)
        .map_err(|e| Failure::Input(format!("{}: invalid policy: {e}", path.display())))
}

/// Reads the inputs, the policy and the run options named on the command line.
fn load(args: &InputArgs) -> Result<(Inputs, Policy, RunOptions), Failure> {
    // One error lists the problems of all three lists together.
    let inputs = io::read_inputs(
        &args.needs,
        &args.supply,
        args.exclusions.as_deref(),
        &args.encoding.read_options(),
    )?;
    let policy = match &args.policy {
        Some(path) => read_policy(path)?,
        None => Policy::default(),
    };
    let as_of = args.as_of.unwrap_or_else(today);
    Ok((inputs, policy, RunOptions::new(as_of)))
}

/// Every problem in every input, each on its own line; exit status 1 when there is any.
/// A list's problems stop at the reader's limit (100): the note "(further problems not
/// shown)" follows them then, as in the error of `match`, and the count says "more than".
fn validate(ui: &Ui, args: &InputArgs) -> Result<ExitCode, Failure> {
    let options = args.encoding.read_options();
    let mut problems: Vec<String> = Vec::new();
    let mut truncated = false;
    let mut note = |e: aidmatch::Error| match e {
        aidmatch::Error::Invalid {
            problems: list,
            truncated: more,
        } => {
            problems.extend(list.iter().map(ToString::to_string));
            if more {
                problems.push(FURTHER_PROBLEMS.to_owned());
                truncated = true;
            }
        }
        e => problems.push(e.to_string()),
    };
    let needs = io::read_needs(&args.needs, &options)
        .map_err(&mut note)
        .ok();
    let supply = io::read_supply(&args.supply, &options)
        .map_err(&mut note)
        .ok();
    let excluded = match &args.exclusions {
        Some(path) => io::read_exclusions(path, &options).map_err(&mut note).ok(),
        None => Some(Vec::new()),
    };
    if let Some(path) = &args.policy {
        if let Err(Failure::Input(m) | Failure::Run(m)) = read_policy(path) {
            problems.push(m);
        }
    }
    // Exclusion rows that block nothing: warnings, not problems (see `exclusions`).
    let warnings = match (&args.exclusions, &excluded) {
        (Some(path), Some(list)) => {
            let idle = exclusions::idle(list, needs.as_deref(), supply.as_deref());
            let idle = exclusions::place_in_file(idle, path, options.encoding, list.len());
            exclusions::warnings(&path.display().to_string(), &idle, ui.lang)
        }
        _ => Vec::new(),
    };
    for p in &problems {
        println!("{p}");
    }
    for w in warnings.iter().take(MAX_WARNINGS) {
        println!("{}: {w}", ui.lang.text(Msg::Warning));
    }
    if warnings.len() > MAX_WARNINGS {
        println!("{}", ui.lang.text(Msg::FurtherWarnings));
    }
    if !warnings.is_empty() {
        eprintln!("{}: {}", ui.lang.text(Msg::Warnings), warnings.len());
    }
    if problems.is_empty() {
        ui.say(format!(
            "{}: {} / {} / {}",
            ui.lang.text(Msg::Valid),
            needs.map_or(0, |n| n.len()),
            supply.map_or(0, |s| s.len()),
            excluded.map_or(0, |e| e.len()),
        ));
        Ok(ExitCode::SUCCESS)
    } else {
        let shown = problems.iter().filter(|p| *p != FURTHER_PROBLEMS).count();
        eprintln!(
            "{}: {}{shown}",
            ui.lang.text(Msg::ProblemsFound),
            if truncated {
                ui.lang.text(Msg::MoreThan)
            } else {
                ""
            }
        );
        Ok(ExitCode::from(1))
    }
}

/// The most warnings `validate` prints.
const MAX_WARNINGS: usize = 100;

/// The line after a list's problems when the reader stopped at its limit: the words of
/// the error `match` prints (`aidmatch::Error::Invalid`).
const FURTHER_PROBLEMS: &str = "(further problems not shown)";

fn solve(
    ui: &Ui,
    inputs: &Inputs,
    policy: &Policy,
    options: &RunOptions,
) -> Result<MatchResult, Failure> {
    let bar = ui.progress();
    let mut options = options.clone();
    options.on_stage = stage_messages(ui, &bar);
    let result = run(inputs, policy, &options)?;
    bar.finish_and_clear();
    Ok(result)
}

/// Shows "matching…" on `bar`, then each engine stage as it ends (nothing when the bar
/// is hidden).
fn stage_messages(ui: &Ui, bar: &indicatif::ProgressBar) -> Option<StageCallback> {
    let matching = ui.lang.text(Msg::Matching);
    bar.set_message(matching);
    if bar.is_hidden() {
        return None;
    }
    let bar = bar.clone();
    Some(std::sync::Arc::new(move |stage, took: Duration| {
        bar.set_message(format!(
            "{matching} {} {:.2} s",
            stage.as_str(),
            took.as_secs_f64()
        ));
    }))
}

fn write_results(
    ui: &Ui,
    result: &MatchResult,
    inputs: &Inputs,
    out: &Path,
    public: bool,
) -> Result<(), Failure> {
    let bar = ui.progress();
    bar.set_message(ui.lang.text(Msg::Writing));
    result
        .write_dir(out)
        .map_err(|e| Failure::Run(e.to_string()))?;
    write_reports(ui, result, inputs, None, out, public)?;
    bar.finish_and_clear();
    Ok(())
}

/// The two paths name the same folder (both made by now; compared as written if one
/// cannot be resolved).
fn same_folder(a: &Path, b: &Path) -> bool {
    match (std::fs::canonicalize(a), std::fs::canonicalize(b)) {
        (Ok(a), Ok(b)) => a == b,
        _ => a == b,
    }
}

/// `report.html` and, with `public`, `report-public.html` of a run on `inputs` (`round`:
/// a re-match's summary).
fn write_reports(
    ui: &Ui,
    result: &MatchResult,
    inputs: &Inputs,
    round: Option<&RematchSummary>,
    out: &Path,
    public: bool,
) -> Result<(), Failure> {
    let mut pages = vec![(outputs::STAFF_REPORT, html::Audience::Staff)];
    if public {
        pages.push((outputs::PUBLIC_REPORT, html::Audience::Public));
    }
    for (name, audience) in pages {
        let page = html::render(result, inputs, round, ui.report_lang, audience);
        html::write_atomic(out, name, &page).map_err(|e| Failure::Run(e.to_string()))?;
    }
    Ok(())
}

/// Where an emergency need went, one line.
fn print_urgent(ui: &Ui, need_id: &str, u: &UrgentResult) {
    let zh = ui.lang == Lang::Zh;
    let resource = u.resource_id.as_deref().unwrap_or("");
    let line = match u.mode {
        UrgentMode::FreePlace if zh => format!("已安排空余名额 {resource}"),
        UrgentMode::FreePlace => format!("free place on {resource}"),
        UrgentMode::Displaced => {
            let moved = u.changes.iter().filter(|c| c.need_id != need_id).count();
            if zh {
                format!("替换较低优先级的未确认推荐后安排 {resource}（其他需求调整 {moved} 个）")
            } else {
                format!(
                    "placed on {resource} by displacing lower-tier open proposals ({moved} other \
                     needs moved)"
                )
            }
        }
        UrgentMode::Unmatched => {
            let why = lang::label(ui.lang, u.reason.unwrap_or(""));
            if zh {
                format!("未能安排（{why}）")
            } else {
                format!("no place ({why})")
            }
        }
    };
    ui.say(format!("{need_id}{}{line}", if zh { "：" } else { ": " }));
}

/// The changes of a re-match, one line.
fn print_changes(ui: &Ui, round: &RematchSummary) {
    let counts: Vec<String> = change_kinds(ui.lang)
        .iter()
        .map(|(kind, label)| format!("{label} {}", round.changes.get(*kind).unwrap_or(&0)))
        .collect();
    let start = if round.warm.mode == "warm" {
        Msg::WarmStart
    } else {
        Msg::ColdStart
    };
    let (colon, comma) = match ui.lang {
        Lang::Zh => ("：", "，"),
        Lang::En => (": ", ", "),
    };
    ui.say(format!(
        "{}{colon}{} · {}",
        ui.lang.text(Msg::Changes),
        counts.join(comma),
        ui.lang.text(start)
    ));
}

fn print_summary(ui: &Ui, result: &MatchResult, out: &Path) {
    let s = &result.summary;
    let t = |m| ui.lang.text(m);
    ui.say(format!(
        "{} {}  {} {}  {} {}  {} {}",
        t(Msg::Needs),
        s.counts.needs,
        t(Msg::Assigned),
        s.counts.assigned,
        t(Msg::Unmatched),
        s.counts.unmatched,
        t(Msg::Referrals),
        s.counts.referrals,
    ));
    let (open, close) = match ui.lang {
        Lang::Zh => ("（", "）"),
        Lang::En => (" (", ")"),
    };
    ui.say(format!(
        "{}{open}{}{close}  {} {}  {} {}",
        t(Msg::ByTier),
        lang::tier_counts(ui.lang, &s.objective.assigned_by_tier),
        t(Msg::Score),
        s.objective.total_score,
        t(Msg::Certificate),
        if s.certificate.verified {
            t(Msg::Verified)
        } else {
            t(Msg::NotVerified)
        },
    ));
    ui.say(format!("{} {}", t(Msg::ResultsIn), out.display()));
}

/// The one warning line about exclusion rows of `file` that block nothing (see
/// [`exclusions`]), if there are any: on stderr, even with `--quiet`, since a
/// conflict-of-interest pair that is not blocked is matched.
fn warn_idle_exclusions(ui: &Ui, file: &str, idle: &[exclusions::Idle]) {
    if !idle.is_empty() {
        eprintln!(
            "{}: {}",
            ui.lang.text(Msg::Warning),
            exclusions::summary(file, idle, ui.lang)
        );
    }
}

/// The groups of files a run that writes results writes (see [`write_results`]).
fn result_groups(public: bool) -> Vec<Group> {
    let mut groups = vec![Group::Results, Group::StaffReport];
    if public {
        groups.push(Group::PublicReport);
    }
    groups
}

/// [`outputs::remove_stale`], its failure an output failure (exit status 3).
fn remove_stale(
    out: &Path,
    written: &[Group],
    inputs: &[&Path],
) -> Result<Vec<&'static str>, Failure> {
    outputs::remove_stale(out, written, inputs).map_err(Failure::Run)
}

/// Says which files of an earlier run were removed from `out`, if any (names only).
fn print_removed(ui: &Ui, out: &Path, removed: &[&str]) {
    if removed.is_empty() {
        return;
    }
    ui.say(match ui.lang {
        Lang::Zh => format!(
            "已从 {} 删除此前运行留下、本次未写的文件：{}",
            out.display(),
            removed.join("、")
        ),
        Lang::En => format!(
            "removed from {} the files of an earlier run that this run does not write: {}",
            out.display(),
            removed.join(", ")
        ),
    });
}

/// Writes generated lists as the spec's CSV files.
fn write_inputs(inputs: &Inputs, out: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(out).map_err(|e| Failure::Run(format!("{}: {e}", out.display())))?;
    let run = |e: aidmatch::Error| Failure::Run(e.to_string());
    io::write_file(out.join("needs.csv"), &inputs.needs).map_err(run)?;
    io::write_file(out.join("supply.csv"), &inputs.resources).map_err(run)?;
    io::write_file(out.join("exclusions.csv"), &inputs.exclusions).map_err(run)
}

/// Today's date in UTC, from the system clock.
fn today() -> Date {
    let days = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400);
    i32::try_from(days)
        .ok()
        .and_then(Date::from_days_since_epoch)
        .unwrap_or_else(sample::as_of)
}
