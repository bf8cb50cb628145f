//! Integration tests of aidmatch-assign.
mod cross;
mod dense;
mod greedy;
mod reference;
mod sparse;
mod verify;
mod warm;
mod hostile;
