//! Integration tests of aidmatch (one binary, one module per area).
mod io_lists;
