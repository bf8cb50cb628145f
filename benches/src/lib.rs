//! Bench support (being written).
