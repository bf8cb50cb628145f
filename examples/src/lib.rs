//! Runnable examples of aidmatch. Run one with
//! `cargo run --release -p aidmatch-examples --example <name>`:
//!
//! * `solver_story`: the exact solver on a tiny needs × helpers story, with its certificate.
//!
//! The sample data of a synthetic Shaanxi county lives in `examples/data/`.
