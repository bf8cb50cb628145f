//! Integration tests of aidmatch-assign.
mod builder;
mod cross;
mod dense;
mod greedy;
mod hostile;
mod reference;
mod sparse;
mod verify;
mod warm;
