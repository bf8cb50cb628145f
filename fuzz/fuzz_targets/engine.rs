//! The engine end to end on arbitrary bytes.
//!
//! The input is `needs \0 supply \0 exclusions \0 policy`: lists in CSV, or JSON when the
//! needs start with `[`; an empty policy is the default one. Properties: reading and
//! running never panic; when the run succeeds, nothing is lost (every need appears
//! exactly once, in the assignments or in the unmatched), every assignment names a
//! resource of the supply list, no resource serves more needs than its capacity, and the
//! result serialises.
#![no_main]

use std::collections::{HashMap, HashSet};

use aidmatch::date::Date;
use aidmatch::io::{self, Format, ReadOptions};
use aidmatch::{Policy, RunOptions, run};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let mut parts = data.splitn(4, |&b| b == 0);
    let needs = parts.next().unwrap_or_default();
    let supply = parts.next().unwrap_or_default();
    let exclusions = parts.next();
    let policy = parts.next().unwrap_or_default();
    let format = if needs.trim_ascii_start().starts_with(b"[") {
        Format::Json
    } else {
        Format::Csv
    };
    let Ok(inputs) =
        io::inputs_from_bytes(needs, supply, exclusions, format, &ReadOptions::default())
    else {
        return;
    };
    let policy = if policy.is_empty() {
        Policy::default()
    } else {
        let Ok(text) = std::str::from_utf8(policy) else {
            return;
        };
        let Ok(p) = Policy::from_str_auto(text) else {
            return;
        };
        p
    };
    let Ok(as_of) = Date::parse("2024-09-01") else {
        return;
    };
    let mut options = RunOptions::new(as_of);
    options.parallel = false;
    let result = match run(&inputs, &policy, &options) {
        Ok(r) => r,
        Err(aidmatch::Error::Invalid { .. }) => return, // duplicate ids
        Err(e) => panic!("engine failed on valid lists: {e}"),
    };
    let mut seen: HashMap<&str, u32> = HashMap::new();
    for a in &result.assignments {
        *seen.entry(a.need_id.as_str()).or_default() += 1;
    }
    for u in &result.unmatched {
        *seen.entry(u.need_id.as_str()).or_default() += 1;
    }
    assert_eq!(seen.len(), inputs.needs.len(), "a need is lost or invented");
    for n in &inputs.needs {
        assert_eq!(
            seen.get(n.need_id.as_str()),
            Some(&1),
            "need {} not exactly once",
            n.need_id
        );
    }
    let resources: HashMap<&str, u32> = inputs
        .resources
        .iter()
        .map(|r| (r.resource_id.as_str(), r.capacity))
        .collect();
    let mut used: HashMap<&str, u32> = HashMap::new();
    for a in &result.assignments {
        assert!(
            resources.contains_key(a.resource_id.as_str()),
            "unknown resource in assignments"
        );
        *used.entry(a.resource_id.as_str()).or_default() += 1;
    }
    for (r, n) in used {
        assert!(n <= resources[r], "resource {r} over capacity");
    }
    let households: HashSet<&str> = inputs
        .needs
        .iter()
        .map(|n| n.household_id.as_str())
        .collect();
    for a in &result.assignments {
        assert!(households.contains(a.household_id.as_str()));
    }
    assert!(!result.to_json().is_empty());
});
