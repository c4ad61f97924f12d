//! ctxlint: finds cancellation-context misuse in Go (and Rust) source from syntax alone.
//!
//! The engine's public face: lint one file with [`lint_file`] or a tree with [`check`], both
//! with [`LintSettings`] (resolved from a config file by [`settings`]). The layers, each using
//! only those below it: [`command`] and [`server`] (front ends) → the engine ([`engine`],
//! [`settings`], [`config`], [`prefilter`], [`suppress`], [`fix`], [`walk`]) → [`rules`] →
//! [`lang`] → [`diagnostic`] and [`deadline`] (the per-file time budget).

pub mod baseline;
pub mod cli;
pub mod command;
pub mod config;
pub mod deadline;
pub mod diagnostic;
pub mod diff;
pub mod engine;
pub mod error;
pub mod fix;
pub mod incremental;
pub mod lang;
pub mod oracle;
pub mod prefilter;
pub mod progress;
pub mod render;
pub mod rules;
pub mod server;
pub mod settings;
pub mod suppress;
pub mod walk;

pub use engine::{
    check, decode, lint_file, lint_tree, CheckOptions, FileReport, Report, DEFAULT_MAX_FILE_SIZE,
};
pub use error::Error;
pub use settings::LintSettings;
pub use walk::FileError;
