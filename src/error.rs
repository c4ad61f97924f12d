//! Errors that stop a whole run (usage errors): exit code 2. A file that cannot be analysed
//! is no such error: it is a [`crate::walk::FileError`] in the report and the run goes on.

use crate::config::ConfigError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An unknown rule name on the command line, with a suggestion (see
    /// [`crate::rules::unknown_rule_message`]).
    #[error("{0}")]
    UnknownRule(String),
    #[error("cannot start {threads} worker threads: {message}")]
    ThreadPool { threads: usize, message: String },
    /// Writing the report failed (a full disk, a closed pipe): the error is part of the
    /// message and deliberately not a `source`, or `{:#}` would print it twice.
    #[error("cannot write the report: {0}")]
    Io(std::io::Error),
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
}

impl From<std::io::Error> for Error {
    fn from(error: std::io::Error) -> Error {
        Error::Io(error)
    }
}
