//! Integration tests of aidmatch-assign.
mod sparse;
