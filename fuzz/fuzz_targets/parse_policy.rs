//! Parse any bytes as a policy (TOML, JSON, or auto-detected).
//!
//! Properties: no panic; a policy that parses is valid, and its TOML and canonical JSON
//! read back to a policy with the same digest.
#![no_main]

use aidmatch::Policy;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let parsed = match sel % 3 {
        0 => Policy::from_toml(text),
        1 => Policy::from_json(text),
        _ => Policy::from_str_auto(text),
    };
    if let Ok(policy) = parsed {
        assert!(
            policy.validate().is_ok(),
            "a parsed policy does not validate"
        );
        let toml = policy.to_toml();
        let back = Policy::from_toml(&toml)
            .unwrap_or_else(|e| panic!("to_toml output does not parse: {e}\n{toml}"));
        assert_eq!(
            back.digest(),
            policy.digest(),
            "TOML round trip changed the policy"
        );
        let json = policy.canonical_json();
        let back = Policy::from_json(&json)
            .unwrap_or_else(|e| panic!("canonical JSON does not parse: {e}\n{json}"));
        assert_eq!(
            back.digest(),
            policy.digest(),
            "JSON round trip changed the policy"
        );
    }
});
