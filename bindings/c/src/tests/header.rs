//! The committed header must be exactly what cbindgen generates from the sources.

use std::path::Path;

fn generate(crate_dir: &Path) -> String {
    let config =
        cbindgen::Config::from_file(crate_dir.join("cbindgen.toml")).expect("read cbindgen.toml");
    // cbindgen follows the `mod` declarations of lib.rs itself: giving it the other
    // files too would declare every function twice.
    let bindings = cbindgen::Builder::new()
        .with_config(config)
        .with_src(crate_dir.join("src").join("lib.rs"))
        .generate()
        .expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("the header is UTF-8")
}

#[test]
fn header_is_up_to_date() {
    let crate_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let path = crate_dir.join("include").join("aidmatch.h");
    let generated = generate(crate_dir);
    if std::env::var_os("UPDATE_HEADER").is_some() {
        std::fs::write(&path, &generated).expect("write include/aidmatch.h");
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "include/aidmatch.h differs from what cbindgen generates from src/. Refresh it with\n\
         \n    UPDATE_HEADER=1 cargo test -p aidmatch-capi header\n\n\
         then review and commit the diff."
    );
}

#[test]
fn header_declares_every_export_and_the_version() {
    let header = generate(Path::new(env!("CARGO_MANIFEST_DIR")));
    for name in [
        "aidmatch_version",
        "aidmatch_status_name",
        "aidmatch_error_new",
        "aidmatch_error_free",
        "aidmatch_error_message",
        "aidmatch_error_row",
        "aidmatch_error_column",
        "aidmatch_error_value",
        "aidmatch_error_status",
        "aidmatch_lsap_f64",
        "aidmatch_lsap_i64",
        "aidmatch_max_weight_matching",
        "aidmatch_matching_len",
        "aidmatch_matching_rows",
        "aidmatch_matching_cols",
        "aidmatch_matching_units",
        "aidmatch_matching_weight",
        "aidmatch_matching_free",
        "aidmatch_interrupt_new",
        "aidmatch_interrupt_trigger",
        "aidmatch_interrupt_reset",
        "aidmatch_interrupt_free",
        "aidmatch_match_json",
        "aidmatch_explain_json",
        "aidmatch_match_files",
        "aidmatch_string_free",
        "aidmatch_match_json_with_state",
        "aidmatch_rematch_json",
        "aidmatch_rematch_explain_json",
        "aidmatch_urgent_json",
        "aidmatch_match_files_with_state",
        "aidmatch_rematch_files",
        "aidmatch_urgent_files",
        "aidmatch_desk_open",
        "aidmatch_desk_open_dir",
        "aidmatch_desk_insert",
        "aidmatch_desk_state",
        "aidmatch_desk_save",
        "aidmatch_desk_free",
    ] {
        assert!(header.contains(&format!("{name}(")), "header lacks {name}");
    }
    assert!(header.contains("#define AIDMATCH_REMATCH_COLD 1"));
    for (macro_name, value) in [
        ("AIDMATCH_VERSION_MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("AIDMATCH_VERSION_MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("AIDMATCH_VERSION_PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        assert!(
            header.contains(&format!("#define {macro_name} {value}")),
            "header lacks `#define {macro_name} {value}` (update the constant in lib.rs)"
        );
    }
}

#[test]
fn version_matches_cargo() {
    // SAFETY: a static NUL-terminated string.
    let v = unsafe { std::ffi::CStr::from_ptr(crate::aidmatch_version()) };
    assert_eq!(v.to_str(), Ok(env!("CARGO_PKG_VERSION")));
    assert_eq!(
        format!(
            "{}.{}.{}",
            crate::AIDMATCH_VERSION_MAJOR,
            crate::AIDMATCH_VERSION_MINOR,
            crate::AIDMATCH_VERSION_PATCH
        ),
        env!("CARGO_PKG_VERSION")
    );
}
