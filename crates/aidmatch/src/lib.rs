//! The two-lists engine (being written).
