//! Preflight: an offline production-deployment linter for Django projects.
//!
//! `check` runs the whole pipeline: discover, classify, read and parse (in parallel), build the
//! project model, run the rules (in parallel), apply suppressions, and hand back a [`Report`].

pub mod baseline;
pub mod check;
pub mod config;
pub mod diagnostic;
pub mod discover;
pub mod edit_distance;
pub mod fingerprint;
pub mod lsp;
pub mod model;
pub mod overlay;
pub mod parse;
pub mod project;
pub mod registry;
pub mod report;
pub mod rules;
pub mod secrets;
pub mod settings;
pub mod source;
pub mod suppress;

pub use check::{check, CheckError, Options, Report};
