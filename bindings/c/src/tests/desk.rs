//! The emergency desk called as a C host would: the same results and states as
//! successive `aidmatch_urgent_json` calls, hostile arguments, folders, threads, and a
//! desk poisoned by an internal error.

use std::ffi::{CString, c_char};

use super::closed_loop::{
    TempDir, URGENT_FILE, c, call_urgent, first_round, json, p, read, take, urgent,
};
use super::util::*;
use crate::*;

const NEXT: &str = super::closed_loop::NEXT;

/// aidmatch_desk_open on a state document: (status, handle or NULL).
fn open(state: Option<&str>, as_of: Option<&str>, err: &ErrObj) -> (aidmatch_status, Desk) {
    let state = state.map(c);
    let as_of = as_of.map(c);
    let mut out: *mut aidmatch_desk = std::ptr::null_mut();
    // SAFETY: NUL-terminated strings or NULL; a writable output.
    let s = unsafe { aidmatch_desk_open(p(&state), p(&as_of), &mut out, err.0) };
    (s, Desk(out))
}

/// A desk handle freed when dropped (NULL allowed).
struct Desk(*mut aidmatch_desk);

impl Drop for Desk {
    fn drop(&mut self) {
        // SAFETY: NULL or a live handle, freed once here.
        unsafe { aidmatch_desk_free(self.0) };
    }
}

impl Desk {
    fn insert(&self, need: Option<&[u8]>, err: &ErrObj) -> (aidmatch_status, Option<String>) {
        let need = need.map(|b| CString::new(b).expect("no NUL"));
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: NULL or a live handle; a NUL-terminated string or NULL; an output.
        let s = unsafe { aidmatch_desk_insert(self.0, p(&need), &mut out, err.0) };
        (s, take(out))
    }

    fn state(&self, err: &ErrObj) -> (aidmatch_status, Option<String>) {
        let mut out: *mut c_char = std::ptr::null_mut();
        // SAFETY: NULL or a live handle; an output.
        let s = unsafe { aidmatch_desk_state(self.0, &mut out, err.0) };
        (s, take(out))
    }
}

/// The result object without its timing.
fn untimed(text: &str) -> serde_json::Value {
    let mut v = json(text);
    let ms = v
        .as_object_mut()
        .and_then(|o| o.remove("insert_ms"))
        .expect("insert_ms");
    assert!(ms.as_f64().is_some_and(|ms| ms >= 0.0));
    v
}

/// Emergency needs for the test data: U1 (the file's), U2 and U3 of the same household
/// (the household limit), U1 again (a duplicate), and one of another category.
fn needs() -> Vec<String> {
    let u = urgent();
    vec![
        u.clone(),
        u.replace("\"U1\"", "\"U2\""),
        u.replace("\"U1\"", "\"U3\""),
        u.clone(),
        u.replace("\"U1\"", "\"U4\"")
            .replace("\"H9\"", "\"H10\"")
            .replace("care_visit", "legal"),
    ]
}

#[test]
fn a_desk_gives_what_successive_urgent_calls_give() {
    let err = ErrObj::new();
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let (s, desk) = open(Some(&state), Some(NEXT), &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert!(!desk.0.is_null());
    let mut reference = state.clone();
    let mut modes = Vec::new();
    for n in needs() {
        let (s1, by_desk) = desk.insert(Some(n.as_bytes()), &err);
        let desk_err = (err.message(), err.column(), err.value());
        let (s2, by_call, next) =
            call_urgent(Some(&reference), Some(n.as_bytes()), Some(NEXT), &err);
        assert_eq!(s1, s2, "{}", err.message());
        if s1 == AIDMATCH_STATUS_OK {
            let (a, b) = (by_desk.expect("result"), by_call.expect("result"));
            assert_eq!(untimed(&a), untimed(&b));
            modes.push((json(&a)["mode"].clone(), json(&a)["reason"].clone()));
            reference = next.expect("next state");
        } else {
            assert_eq!(desk_err, (err.message(), err.column(), err.value()));
            assert_eq!(s1, AIDMATCH_STATUS_INVALID_INPUT);
            assert_eq!(desk_err.1.as_deref(), Some("need_id"));
            assert_eq!(desk_err.2.as_deref(), Some("U1"));
            modes.push(("error".into(), serde_json::Value::Null));
        }
        let (s, now) = desk.state(&err);
        assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
        assert_eq!(now.as_deref(), Some(reference.as_str()));
    }
    assert_eq!(modes[0].0, "free_place");
    assert_eq!(modes[2], ("unmatched".into(), "household_limit".into()));
    assert_eq!(modes[3].0, "error");
    assert_eq!(
        modes[4],
        ("unmatched".into(), "no_eligible_resource".into())
    );
}

#[test]
fn hostile_arguments_are_status_codes() {
    let err = ErrObj::new();
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let mut out: *mut aidmatch_desk = std::ptr::null_mut();
    // SAFETY (each call): NULL or NUL-terminated strings; NULL or writable outputs.
    let s = unsafe { aidmatch_desk_open(std::ptr::null(), std::ptr::null(), &mut out, err.0) };
    assert_eq!((s, out.is_null()), (AIDMATCH_STATUS_NULL_PARAMETER, true));
    let st = c(&state);
    let s =
        unsafe { aidmatch_desk_open(st.as_ptr(), std::ptr::null(), std::ptr::null_mut(), err.0) };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    let (s, d) = open(Some("{}"), Some(NEXT), &err);
    assert_eq!((s, d.0.is_null()), (AIDMATCH_STATUS_INVALID_INPUT, true));
    let (s, d) = open(Some("{"), Some(NEXT), &err);
    assert_eq!((s, d.0.is_null()), (AIDMATCH_STATUS_MALFORMED_JSON, true));
    let (s, d) = open(Some(&state), Some("2024-13-01"), &err);
    assert_eq!((s, d.0.is_null()), (AIDMATCH_STATUS_INVALID_INPUT, true));
    assert_eq!(err.column().as_deref(), Some("as_of"));
    // NULL as_of: today; the desk opens.
    let (s, d) = open(Some(&state), None, &err);
    assert_eq!((s, d.0.is_null()), (AIDMATCH_STATUS_OK, false));

    // A NULL desk.
    let none = Desk(std::ptr::null_mut());
    let (s, r) = none.insert(Some(urgent().as_bytes()), &err);
    assert_eq!((s, r), (AIDMATCH_STATUS_NULL_PARAMETER, None));
    assert!(err.message().contains("desk"));
    let (s, r) = none.state(&err);
    assert_eq!((s, r), (AIDMATCH_STATUS_NULL_PARAMETER, None));
    let dir = c("/nonexistent");
    // SAFETY: a NULL desk, a NUL-terminated string.
    let s = unsafe { aidmatch_desk_save(std::ptr::null(), dir.as_ptr(), err.0) };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    // SAFETY: NULL is a no-op.
    unsafe { aidmatch_desk_free(std::ptr::null_mut()) };

    // Bad needs leave the desk unchanged.
    let (_, desk) = open(Some(&state), Some(NEXT), &err);
    let (_, before) = desk.state(&err);
    for (need, status) in [
        (None, AIDMATCH_STATUS_NULL_PARAMETER),
        (
            Some(&b"{\"need_id\": \"U\xff\"}"[..]),
            AIDMATCH_STATUS_INVALID_UTF8,
        ),
        (Some(&b"{\"need_id\""[..]), AIDMATCH_STATUS_MALFORMED_JSON),
        (Some(&b"[]"[..]), AIDMATCH_STATUS_INVALID_INPUT),
    ] {
        let (s, r) = desk.insert(need, &err);
        assert_eq!((s, r), (status, None));
    }
    let two = format!("{},{}", urgent(), urgent().replace("U1", "U2"));
    let (s, r) = desk.insert(Some(two.as_bytes()), &err);
    assert_eq!(
        (s, r),
        (AIDMATCH_STATUS_MALFORMED_JSON, None),
        "{}",
        err.message()
    );
    let bad = urgent().replace("\"urgency\": \"emergency\"", "\"urgency\": \"yesterday\"");
    let (s, _) = desk.insert(Some(bad.as_bytes()), &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.column().as_deref(), Some("urgency"));
    let dup = urgent().replace("U1", "N1");
    let (s, _) = desk.insert(Some(dup.as_bytes()), &err);
    assert_eq!(s, AIDMATCH_STATUS_INVALID_INPUT);
    assert_eq!(err.value().as_deref(), Some("N1"));
    let need = urgent();
    let need = CString::new(need).expect("no NUL");
    // SAFETY: a live desk, a NUL-terminated string, a NULL output.
    let s = unsafe { aidmatch_desk_insert(desk.0, need.as_ptr(), std::ptr::null_mut(), err.0) };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    // SAFETY: a live desk, a NULL output.
    let s = unsafe { aidmatch_desk_state(desk.0, std::ptr::null_mut(), err.0) };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    let (_, after) = desk.state(&err);
    assert_eq!(before, after);
}

#[test]
fn folders_in_and_out() {
    let err = ErrObj::new();
    let tmp = TempDir::new("desk");
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let (_, desk) = open(Some(&state), Some(NEXT), &err);
    let (s, _) = desk.insert(Some(urgent().as_bytes()), &err);
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let dir = tmp.c("saved");
    // SAFETY: a live desk, a NUL-terminated path.
    let s = unsafe { aidmatch_desk_save(desk.0, dir.as_ptr(), err.0) };
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    assert!(read(&tmp.0.join("saved"), "snapshot.json").contains("\"U1\""));
    // Opened again from the folder: the same state.
    let mut again: *mut aidmatch_desk = std::ptr::null_mut();
    let as_of = c(NEXT);
    // SAFETY: NUL-terminated strings, a writable output.
    let s = unsafe { aidmatch_desk_open_dir(dir.as_ptr(), as_of.as_ptr(), &mut again, err.0) };
    assert_eq!(s, AIDMATCH_STATUS_OK, "{}", err.message());
    let again = Desk(again);
    assert_eq!(again.state(&err).1, desk.state(&err).1);
    // A missing folder is an I/O error naming the path; NULL a NULL parameter.
    let missing = tmp.c("missing");
    let mut out: *mut aidmatch_desk = std::ptr::null_mut();
    // SAFETY: as above.
    let s = unsafe { aidmatch_desk_open_dir(missing.as_ptr(), as_of.as_ptr(), &mut out, err.0) };
    assert_eq!((s, out.is_null()), (AIDMATCH_STATUS_IO, true));
    assert!(err.message().contains("missing"));
    // SAFETY: as above.
    let s = unsafe { aidmatch_desk_open_dir(std::ptr::null(), as_of.as_ptr(), &mut out, err.0) };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    // SAFETY: a live desk, a NULL path.
    let s = unsafe { aidmatch_desk_save(desk.0, std::ptr::null(), err.0) };
    assert_eq!(s, AIDMATCH_STATUS_NULL_PARAMETER);
    // The file form of the emergency need gives the same state as the desk.
    let _ = URGENT_FILE;
}

#[test]
fn threads_share_one_desk() {
    let err = ErrObj::new();
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let (_, desk) = open(Some(&state), Some(NEXT), &err);
    let handle = desk.0 as usize;
    let workers: Vec<_> = (0..4)
        .map(|t| {
            std::thread::spawn(move || {
                let need = urgent()
                    .replace("\"U1\"", &format!("\"T{t}\""))
                    .replace("\"H9\"", &format!("\"HT{t}\""));
                let need = CString::new(need).expect("no NUL");
                let mut out: *mut c_char = std::ptr::null_mut();
                // SAFETY: the desk outlives the threads (joined below); no error object.
                let s = unsafe {
                    aidmatch_desk_insert(
                        handle as *const aidmatch_desk,
                        need.as_ptr(),
                        &mut out,
                        std::ptr::null_mut(),
                    )
                };
                (s, take(out))
            })
        })
        .collect();
    for w in workers {
        let (s, r) = w.join().expect("thread");
        assert_eq!(s, AIDMATCH_STATUS_OK);
        assert!(r.is_some());
    }
    let (_, now) = desk.state(&err);
    let now = json(&now.expect("state"));
    let ids: Vec<&str> = now["needs"]
        .as_array()
        .expect("needs")
        .iter()
        .filter_map(|n| n["need_id"].as_str())
        .filter(|id| id.starts_with('T'))
        .collect();
    assert_eq!(ids.len(), 4);
}

#[test]
fn a_desk_poisoned_by_a_panic_refuses_every_call() {
    let err = ErrObj::new();
    let (_, _, state) = first_round(&err);
    let state = state.expect("state");
    let (_, desk) = open(Some(&state), Some(NEXT), &err);
    // SAFETY: a live desk; poison its lock as a panic inside a call would.
    let d = unsafe { &*desk.0 };
    let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let _guard = d.inner.lock();
        panic!("simulated internal error");
    }));
    let (s, r) = desk.insert(Some(urgent().as_bytes()), &err);
    assert_eq!((s, r), (AIDMATCH_STATUS_INTERNAL, None));
    assert!(err.message().contains("free it"));
    let (s, r) = desk.state(&err);
    assert_eq!((s, r), (AIDMATCH_STATUS_INTERNAL, None));
}
