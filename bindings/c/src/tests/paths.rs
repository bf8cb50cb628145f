//! Every path argument of every function that takes one, given as an empty string: invalid
//! input naming the argument as the column, never the current directory (which is what
//! the operating system makes of "").
//!
//! Where the function also takes a date, the date is invalid too (`2024-02-30`): the
//! call is then refused before anything is read or written even if the empty path were
//! taken, so that a regression fails on the column instead of writing into the working
//! directory of the test.

use std::ffi::{CString, c_char};

use super::closed_loop::{TempDir, c, data, first_round, p};
use super::util::*;
use crate::*;

/// A date the calls refuse (no 30 February).
const BAD_DATE: &str = "2024-02-30";

/// Checks that the last call refused argument `arg` for being empty, naming it.
fn refused_for(arg: &str, status: aidmatch_status, err: &ErrObj) {
    assert_eq!(
        status,
        AIDMATCH_STATUS_INVALID_INPUT,
        "{arg}: {}",
        err.message()
    );
    assert_eq!(err.column().as_deref(), Some(arg), "{}", err.message());
    assert_eq!(err.value(), None, "{arg}");
    assert_eq!(err.row(), -1, "{arg}");
    assert_eq!(
        err.message(),
        format!("argument `{arg}` is an empty path"),
        "{arg}"
    );
}

/// The arguments of a call, by name: each is `Some(text)` or NULL.
struct Args(Vec<(&'static str, Option<CString>)>);

impl Args {
    fn new(args: &[(&'static str, Option<CString>)]) -> Self {
        Self(args.to_vec())
    }
    /// The same arguments with `name` replaced by "".
    fn emptied(&self, name: &str) -> Self {
        Self(
            self.0
                .iter()
                .map(|(n, v)| (*n, if *n == name { Some(c("")) } else { v.clone() }))
                .collect(),
        )
    }
    fn get(&self, name: &str) -> *const c_char {
        let (_, v) = self
            .0
            .iter()
            .find(|(n, _)| *n == name)
            .unwrap_or_else(|| panic!("no argument {name}"));
        p(v)
    }
}

/// Calls `call` with each of `paths` emptied in turn and checks the refusal.
fn each_path_emptied(
    base: &Args,
    paths: &[&str],
    err: &ErrObj,
    call: impl Fn(&Args) -> aidmatch_status,
) {
    for &name in paths {
        let status = call(&base.emptied(name));
        refused_for(name, status, err);
    }
}

#[test]
fn match_files_refuses_every_empty_path() {
    let err = ErrObj::new();
    let tmp = TempDir::new("empty-match-files");
    let base = Args::new(&[
        ("needs_path", Some(data("needs.json"))),
        ("supply_path", Some(data("supply.json"))),
        ("exclusions_path", Some(data("exclusions.json"))),
        ("policy_path", Some(data("policy.toml"))),
        ("as_of", Some(c(BAD_DATE))),
        ("out_dir", Some(tmp.c("out"))),
    ]);
    let paths = [
        "needs_path",
        "supply_path",
        "exclusions_path",
        "policy_path",
        "out_dir",
    ];
    for with_state in [false, true] {
        each_path_emptied(&base, &paths, &err, |a| {
            let f = if with_state {
                aidmatch_match_files_with_state
            } else {
                aidmatch_match_files
            };
            // SAFETY: NUL-terminated strings or NULL.
            unsafe {
                f(
                    a.get("needs_path"),
                    a.get("supply_path"),
                    a.get("exclusions_path"),
                    a.get("policy_path"),
                    a.get("as_of"),
                    std::ptr::null(),
                    a.get("out_dir"),
                    err.0,
                )
            }
        });
    }
    assert!(!tmp.0.join("out").exists());
}

#[test]
fn rematch_and_urgent_files_refuse_every_empty_path() {
    let err = ErrObj::new();
    let tmp = TempDir::new("empty-loop-files");
    let base = Args::new(&[
        ("previous_dir", Some(tmp.c("previous"))),
        ("outcomes_path", Some(data("outcomes.json"))),
        ("needs_path", Some(data("new_needs.json"))),
        ("supply_path", Some(data("supply.json"))),
        ("policy_path", Some(data("policy.toml"))),
        ("need_path", Some(data("urgent_need.json"))),
        ("as_of", Some(c(BAD_DATE))),
        ("out_dir", Some(tmp.c("out"))),
    ]);
    let rematch_paths = [
        "previous_dir",
        "outcomes_path",
        "needs_path",
        "supply_path",
        "policy_path",
        "out_dir",
    ];
    each_path_emptied(&base, &rematch_paths, &err, |a| {
        // SAFETY: NUL-terminated strings or NULL.
        unsafe {
            aidmatch_rematch_files(
                a.get("previous_dir"),
                a.get("outcomes_path"),
                a.get("needs_path"),
                a.get("supply_path"),
                a.get("policy_path"),
                a.get("as_of"),
                0,
                std::ptr::null(),
                a.get("out_dir"),
                err.0,
            )
        }
    });
    each_path_emptied(
        &base,
        &["previous_dir", "need_path", "out_dir"],
        &err,
        |a| {
            // SAFETY: NUL-terminated strings or NULL.
            unsafe {
                aidmatch_urgent_files(
                    a.get("previous_dir"),
                    a.get("need_path"),
                    a.get("as_of"),
                    a.get("out_dir"),
                    err.0,
                )
            }
        },
    );
    assert!(!tmp.0.join("out").exists());
}

#[test]
fn desks_and_rounds_refuse_an_empty_folder() {
    let err = ErrObj::new();
    let empty = c("");
    let as_of = c("2024-10-08");

    let mut desk: *mut aidmatch_desk = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings; a writable output.
    let s = unsafe { aidmatch_desk_open_dir(empty.as_ptr(), as_of.as_ptr(), &mut desk, err.0) };
    refused_for("state_dir", s, &err);
    assert!(desk.is_null());

    let mut round: *mut aidmatch_round = std::ptr::null_mut();
    // SAFETY: a NUL-terminated string; a writable output.
    let s = unsafe { aidmatch_round_open_dir(empty.as_ptr(), &mut round, err.0) };
    refused_for("dir", s, &err);
    assert!(round.is_null());

    // Saving a live desk or round into "": refused, nothing written.
    let (s, _, state) = first_round(&err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let state = c(&state.expect("state"));
    // SAFETY: NUL-terminated strings; writable outputs; the handles are freed once below.
    unsafe {
        assert_eq!(
            aidmatch_round_open_json(state.as_ptr(), &mut round, err.0),
            AIDMATCH_STATUS_OK
        );
        assert_eq!(
            aidmatch_desk_open(state.as_ptr(), as_of.as_ptr(), &mut desk, err.0),
            AIDMATCH_STATUS_OK
        );
        let s = aidmatch_round_save(round, empty.as_ptr(), err.0);
        refused_for("out_dir", s, &err);
        let s = aidmatch_desk_save(desk, empty.as_ptr(), err.0);
        refused_for("out_dir", s, &err);
        aidmatch_round_free(round);
        aidmatch_desk_free(desk);
    }
    assert!(
        !std::path::Path::new("snapshot.json").exists(),
        "nothing written into the working directory"
    );
}
