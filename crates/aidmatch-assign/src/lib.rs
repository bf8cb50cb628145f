//! Exact assignment solvers with optimality certificates: numbers in, numbers out.
//!
//! This crate is the numeric heart of aidmatch. It knows nothing about needs, households
//! or charities: it solves two classic problems exactly, proves each answer with dual
//! prices, and checks such proofs on an independent code path.
//!
//! * [`dense`]: rectangular linear sum assignment (the problem of
//!   `scipy.optimize.linear_sum_assignment`) on `f64` or `i64` costs, by the
//!   Jonker–Volgenant family of shortest augmenting path methods.
//! * [`sparse`]: maximum-weight bipartite b-matching / transportation on a sparse
//!   [`Problem`]: rows with supply, columns with capacity, arcs with capacity and
//!   integer weight, optional groups of rows with a group capacity, and lexicographic
//!   tiers of rows. Nobody is forced to be matched, so every instance is feasible.
//! * [`verify`]: the certificate checker. It re-derives feasibility and complementary
//!   slackness in exact integer arithmetic in O(arcs), and names the first violation.
//! * [`greedy`]: a labelled *baseline* (not optimal) for quality comparisons.
//! * [`reference`](mod@reference): exhaustive brute-force solvers for tiny instances, the oracle of
//!   the property tests of this crate and of the layers above it.
//! * [`pool`]: where parallel work runs in a process forked from one that used Rayon.
//!
//! # Should I use this crate?
//!
//! Use it when you have numbers: a cost matrix, or a list of weighted arcs with
//! capacities. If you have a needs list and a supply list, use the `aidmatch` crate,
//! which turns them into a [`Problem`] and explains the result in the domain's words.
//!
//! # Exactness
//!
//! Integer weights are `i64`; every internal sum is checked or computed in `i128`, so
//! a result is either exactly optimal or a typed [`AssignError`], never a silently
//! wrapped wrong answer. Floating-point costs (dense only) are solved in `f64` as scipy
//! does; callers who need exactness scale floats to integers with a stated precision.
//!
//! # Determinism
//!
//! The same input gives the same output, bit for bit, whatever the number of threads:
//! components are solved independently and merged in a fixed order, and ties break by
//! the lowest index.

#![forbid(unsafe_code)]

pub mod dense;
mod error;
pub mod greedy;
pub mod pool;
mod problem;
pub mod reference;
mod solution;
pub mod sparse;
pub mod verify;

pub use error::AssignError;
pub use problem::{MAX_TIER, MAX_WEIGHT, Problem, ProblemBuilder};
pub use solution::Matching;
