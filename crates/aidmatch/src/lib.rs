//! The two-lists engine: match a needs list (需求清单) with a supply list (供给清单) of
//! social assistance, exactly and explainably.
//!
//! Layers, data flowing one way:
//! - [`taxonomy`], [`division`], [`date`], [`model`]: the typed records of the interchange
//!   format (English ids, Chinese aliases, division codes, two-place quantities);
//! - [`io`]: read the lists from CSV or JSON (UTF-8 or GB18030), reporting every problem
//!   with its row, column and value; write the input lists;
//! - [`generate`]: seeded synthetic Shaanxi lists, from one county to the whole province;
//! - the engine modules (policy, eligibility, scoring, network, engine, reports) build on
//!   these types.
//!
//! Errors are one enum, [`Error`]; nothing panics on any input.

pub mod date;
pub mod division;
pub mod error;
pub mod generate;
pub mod io;
pub mod model;
pub mod taxonomy;

// Engine modules (engine helper).
pub mod eligibility;
pub mod engine;
pub mod explain;
pub mod network;
pub mod policy;
pub mod referral;
pub mod report;
pub mod scoring;
pub mod summary;

// Closed loop (loop helper).
pub mod carry;
pub mod outcome;
pub mod rematch;
pub mod snapshot;
pub mod urgent;

pub use engine::{MatchResult, PreviousPair, RunOptions, Stage, run};
pub use error::{Error, InputProblem, ProblemKind, Result};
pub use policy::Policy;
