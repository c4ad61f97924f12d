//! Command-line definitions (clap). Behaviour lives in the library; this is only the surface.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::diagnostic::ColumnEncoding;

#[derive(Debug, Parser)]
#[command(
    name = "ctxlint",
    version,
    about = "Finds cancellation-context misuse in Go and Rust source code",
    after_help = "Exit codes: 0 no findings, 1 findings, 2 usage error or a file that could not be analysed."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Lint files and directories (default: the current directory)
    Check(CheckArgs),
    /// List the rules, or print the documentation of one
    Rule {
        /// The rule to document
        name: Option<String>,
    },
}

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Files or directories to lint; a file named here is always linted
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    pub format: Format,

    /// When to colour human output (NO_COLOR is honoured with `auto`)
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    pub color: Color,

    /// Run only these rules (comma-separated; may turn on rules that are off by default)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,

    /// Do not run these rules (comma-separated)
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,

    /// Skip files and directories matching this gitignore-style glob (repeatable)
    #[arg(long, value_name = "GLOB")]
    pub exclude: Vec<String>,

    /// Also lint vendor/, third_party/, testdata/, node_modules/, cargo target/ directories and generated files
    #[arg(long)]
    pub no_default_excludes: bool,

    /// Follow symbolic links while walking directories
    #[arg(long, short = 'L')]
    pub follow: bool,

    /// Worker threads (default: one per core)
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub threads: usize,

    /// Skip files larger than this many bytes
    #[arg(long, value_name = "BYTES", default_value_t = crate::DEFAULT_MAX_FILE_SIZE)]
    pub max_file_size: u64,

    /// Report absolute paths
    #[arg(long)]
    pub absolute_paths: bool,

    /// Unit of the columns in JSON and short output
    #[arg(long, value_enum, default_value_t = ColumnEncoding::Utf8)]
    pub column_encoding: ColumnEncoding,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets, for people
    Human,
    /// `path:line:col: severity[rule] message`, one per line
    Short,
    /// One JSON document (schema version 1)
    Json,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}
