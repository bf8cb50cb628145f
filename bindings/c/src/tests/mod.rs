//! Unit tests: the exported functions called as a C host would, with hostile arguments.
//!
//! They live inside the library because the crate builds no rlib (see Cargo.toml), so an
//! integration test could not link against it.

mod boundary;
mod closed_loop;
mod desk;
mod error;
mod header;
mod lsap;
mod matching;
mod paths;
mod round;
mod two_lists;
mod util;
