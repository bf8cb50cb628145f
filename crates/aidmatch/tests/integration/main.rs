//! Integration tests of aidmatch (one binary, one module per area).
mod engine_rules;
mod engine_support;
mod engine_props;
mod io_lists;
mod generate_lists;
mod engine_example;
mod loop_rematch;
mod loop_outcomes;
mod loop_urgent;
mod hostile_inputs;
