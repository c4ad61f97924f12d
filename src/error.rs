//! Errors that stop a whole run (usage errors): exit code 2. A file that cannot be analysed
//! is no such error: it is a [`crate::walk::FileError`] in the report and the run goes on.

use crate::config::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("unknown rule `{name}`; valid rules are: {valid}")]
    UnknownRule { name: String, valid: String },
    #[error("cannot start {threads} worker threads: {message}")]
    ThreadPool { threads: usize, message: String },
    #[error("cannot write the report: {0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
}
