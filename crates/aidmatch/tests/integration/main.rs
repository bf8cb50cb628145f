//! Integration tests of aidmatch (one binary, one module per area).
mod io_lists;
mod engine_props;
mod engine_rules;
mod engine_support;
mod generate_lists;
mod engine_example;
