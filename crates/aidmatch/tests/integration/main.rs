//! Integration tests of aidmatch (one binary, one module per area).
mod engine_example;
mod engine_props;
mod engine_rules;
mod engine_support;
mod generate_lists;
mod hostile_inputs;
mod io_audit;
mod io_lists;
mod loop_desk;
mod loop_outcomes;
mod loop_rematch;
mod loop_support;
mod loop_urgent;
