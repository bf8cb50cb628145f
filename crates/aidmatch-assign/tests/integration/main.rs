//! Integration tests of aidmatch-assign.
