//! The files aidmatch writes into an output folder, named in one place, and the removal
//! of those an earlier run left there that this run does not write.
//!
//! An output folder is often re-used (`--out results` every week). Without this, a
//! `report-public.html` from a run with `--public`, or the state of a run with
//! `--snapshot`, would stay beside the new results: a stale public page could be
//! published, and `rematch` would quietly carry on from an old round. After a command
//! has written everything, [`remove_stale`] removes the files of the other groups, so
//! the folder describes exactly this run. Files aidmatch does not write are never
//! touched, nor is an input of the run, wherever it sits.

use std::path::{Path, PathBuf};

/// A set of files aidmatch writes together into an output folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    /// The spec's result files: `aidmatch::engine::MatchResult::write_dir`.
    Results,
    /// The HTML report for staff (`html::render`, written by every command that
    /// writes results).
    StaffReport,
    /// The HTML report for publication (公示), with `--public`.
    PublicReport,
    /// The state of a round for `rematch` and `urgent`: `aidmatch::snapshot::State::save`.
    State,
    /// What a re-match adds to the results and the state:
    /// `aidmatch::rematch::Rematch::write_dir`.
    Rematch,
    /// What an emergency insertion adds to the state:
    /// `aidmatch::urgent::UrgentResult::write_dir`.
    Urgent,
}

/// The name of the staff report.
pub const STAFF_REPORT: &str = "report.html";
/// The name of the public report.
pub const PUBLIC_REPORT: &str = "report-public.html";
/// The file that marks a folder as holding a state (see [`Group::State`]).
const SNAPSHOT: &str = "snapshot.json";
/// The emergency insertion's report (see [`Group::Urgent`]).
const URGENT: &str = "urgent.json";

impl Group {
    /// Every group.
    pub const ALL: [Group; 6] = [
        Group::Results,
        Group::StaffReport,
        Group::PublicReport,
        Group::State,
        Group::Rematch,
        Group::Urgent,
    ];

    /// The names of the group's files (the library writers name them in their docs; a
    /// unit test below checks the lists against what the writers write).
    pub fn files(self) -> &'static [&'static str] {
        match self {
            Group::Results => &[
                "assignments.csv",
                "unmatched.csv",
                "referrals.csv",
                "summary.json",
            ],
            Group::StaffReport => &[STAFF_REPORT],
            Group::PublicReport => &[PUBLIC_REPORT],
            Group::State => &[
                SNAPSHOT,
                "needs.json",
                "supply.json",
                "exclusions.json",
                "policy.toml",
            ],
            Group::Rematch => &["changes.csv", "rematch.json"],
            Group::Urgent => &[URGENT],
        }
    }
}

/// Removes from `dir` the files of the groups not in `written` that an earlier run left
/// there, and returns their names (empty when there were none).
///
/// Kept all the same: a file that is one of `inputs` (a list read from the output
/// folder); `needs.json`, `supply.json`, `exclusions.json` and `policy.toml` unless
/// `snapshot.json` is there too (alone, they are ordinary names for a county's lists
/// and policy; beside it, they are a state's); an `urgent.json` that is not a JSON object
/// (aidmatch's is; a needs list in JSON is an array); anything that is not a file.
///
/// # Errors
/// The path and the cause when a stale file cannot be removed.
pub fn remove_stale(
    dir: &Path,
    written: &[Group],
    inputs: &[&Path],
) -> Result<Vec<&'static str>, String> {
    let inputs: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    let has_state = is_file(&dir.join(SNAPSHOT));
    let mut removed = Vec::new();
    for group in Group::ALL {
        if written.contains(&group) {
            continue;
        }
        for &name in group.files() {
            let path = dir.join(name);
            if !is_file(&path)
                || (group == Group::State && name != SNAPSHOT && !has_state)
                || (name == URGENT && !is_json_object(&path))
                || std::fs::canonicalize(&path).is_ok_and(|p| inputs.contains(&p))
            {
                continue;
            }
            std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            removed.push(name);
        }
    }
    Ok(removed)
}

/// A file or a link (not a folder) at `path`.
fn is_file(path: &Path) -> bool {
    std::fs::symlink_metadata(path).is_ok_and(|m| !m.is_dir())
}

/// The file's first non-blank byte opens a JSON object.
fn is_json_object(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 64];
    let Ok(n) = std::fs::File::open(path).and_then(|mut f| f.read(&mut head)) else {
        return false;
    };
    head[..n]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'{')
}

#[cfg(test)]
mod tests {
    // In tests a failed unwrap is a failed test, with its location.
    #![allow(clippy::unwrap_used)]

    use super::*;
    use aidmatch::engine::{RunOptions, run};
    use aidmatch::outcome::LoopRules;
    use aidmatch::policy::Policy;
    use aidmatch::rematch::{RematchOptions, rematch};
    use aidmatch::snapshot::State;
    use aidmatch::urgent::insert_urgent;

    fn temp_dir(name: &str) -> PathBuf {
        let dir =
            std::env::temp_dir().join(format!("aidmatch-outputs-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir
    }

    /// The names of the files in `dir`, sorted.
    fn names(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    fn of(groups: &[Group]) -> Vec<String> {
        let mut v: Vec<String> = groups
            .iter()
            .flat_map(|g| g.files().iter().map(|f| (*f).to_owned()))
            .collect();
        v.sort();
        v
    }

    /// Each library writer writes exactly the files of its groups: a writer that starts
    /// writing another file fails here until the file is named in [`Group::files`].
    #[test]
    fn the_groups_name_every_file_the_library_writers_write() {
        let inputs = crate::sample::inputs().unwrap();
        let result = run(
            &inputs,
            &Policy::default(),
            &RunOptions::new(crate::sample::as_of()),
        )
        .unwrap();
        let dir = temp_dir("results");
        result.write_dir(&dir).unwrap();
        assert_eq!(names(&dir), of(&[Group::Results]));

        let state = State::from_run(&inputs, &Policy::default(), &LoopRules::default(), &result);
        let dir = temp_dir("state");
        state.save(&dir).unwrap();
        assert_eq!(names(&dir), of(&[Group::State]));

        let as_of = crate::sample::as_of();
        let r = rematch(&state, &[], Vec::new(), None, &RematchOptions::new(as_of)).unwrap();
        let dir = temp_dir("rematch");
        r.write_dir(&dir).unwrap();
        assert_eq!(
            names(&dir),
            of(&[Group::Results, Group::State, Group::Rematch])
        );

        let mut need = inputs.needs[0].clone();
        need.need_id = "URGENT-TEST".into();
        let u = insert_urgent(&state, need, as_of).unwrap();
        let dir = temp_dir("urgent");
        u.write_dir(&dir).unwrap();
        assert_eq!(names(&dir), of(&[Group::State, Group::Urgent]));

        for name in ["results", "state", "rematch", "urgent"] {
            let _ = std::fs::remove_dir_all(temp_dir(name));
        }
    }
}
