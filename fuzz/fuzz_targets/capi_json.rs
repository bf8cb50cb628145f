//! The C ABI entry point `aidmatch_match_json` on arbitrary strings.
//!
//! The input is `needs \0 supply \0 exclusions \0 policy \0 as_of`, each turned into a C
//! string (a missing part is NULL, which is allowed for exclusions, policy and as_of
//! and must be `NULL_ARGUMENT` for needs and supply). Properties: never `PANIC` or
//! `INTERNAL`; on `OK` the result is JSON whose assignments and unmatched hold every need
//! exactly once; on failure no result pointer is written and the error object carries a
//! message.
#![no_main]

use std::ffi::{CStr, CString, c_char};
use std::ptr;

use aidmatch_capi::{
    aidmatch_error_free, aidmatch_error_message, aidmatch_error_new, aidmatch_match_json,
    aidmatch_status, aidmatch_string_free,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let parts: Vec<CString> = data
        .splitn(5, |&b| b == 0)
        .map(|p| CString::new(p.to_vec()).unwrap_or_default())
        .collect();
    let ptr_of = |i: usize| parts.get(i).map_or(ptr::null(), |s| s.as_ptr());
    let err = aidmatch_error_new();
    let mut out: *mut c_char = ptr::null_mut();
    // SAFETY: every pointer is NULL or a live NUL-terminated string; `out` and `err` are valid.
    let status = unsafe {
        aidmatch_match_json(
            ptr_of(0),
            ptr_of(1),
            ptr_of(2),
            ptr_of(3),
            ptr_of(4),
            ptr::null(),
            &mut out,
            err,
        )
    };
    assert!(
        !matches!(
            status,
            aidmatch_status::AIDMATCH_STATUS_PANIC | aidmatch_status::AIDMATCH_STATUS_INTERNAL
        ),
        "status {status:?}"
    );
    if status == aidmatch_status::AIDMATCH_STATUS_OK {
        assert!(!out.is_null());
        // SAFETY: a string returned by the library.
        let json = unsafe { CStr::from_ptr(out) }.to_str().map(str::to_owned);
        // SAFETY: freed once.
        unsafe { aidmatch_string_free(out) };
        let json = json.unwrap_or_else(|_| panic!("result is not UTF-8"));
        assert!(
            json.starts_with('{')
                && json.contains("\"assignments\"")
                && json.contains("\"unmatched\"")
        );
        let doc: serde_json::Value =
            serde_json::from_str(&json).unwrap_or_else(|e| panic!("result is not JSON: {e}"));
        // Nothing lost: the needs the engine read appear exactly once across the tables.
        let needs = aidmatch::io::needs_from_bytes(
            parts[0].as_bytes(),
            aidmatch::io::Format::Json,
            &Default::default(),
        )
        .unwrap_or_else(|e| panic!("OK status but the needs do not read: {e}"));
        let mut count: std::collections::HashMap<String, u32> = std::collections::HashMap::new();
        for table in ["assignments", "unmatched"] {
            for row in doc[table].as_array().map(Vec::as_slice).unwrap_or_default() {
                let id = row["need_id"]
                    .as_str()
                    .unwrap_or_else(|| panic!("row without need_id"));
                *count.entry(id.to_owned()).or_default() += 1;
            }
        }
        assert_eq!(count.len(), needs.len(), "a need is lost or invented");
        assert!(count.values().all(|&c| c == 1), "a need appears twice");
    } else {
        assert!(out.is_null(), "result written on failure");
        // SAFETY: a live error object.
        let msg = unsafe { aidmatch_error_message(err) };
        assert!(!msg.is_null());
        // SAFETY: a string owned by the error object.
        assert!(
            !unsafe { CStr::from_ptr(msg) }.to_bytes().is_empty(),
            "empty message"
        );
    }
    // SAFETY: freed once.
    unsafe { aidmatch_error_free(err) };
});
