//! The aidmatch command line (being written).
fn main() {}
