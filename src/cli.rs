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
// Parsed once per process: the size of `CheckArgs` does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Command {
    /// Lint files and directories (default: the current directory)
    Check(CheckArgs),
    /// List the rules, or print the documentation of one
    Rule {
        /// The rule to document
        name: Option<String>,
    },
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), e.g. `ctxlint man > ctxlint.1`
    Man,
    /// Run a Language Server on stdin/stdout, for editors
    Server {
        /// Accepted for clients that pass it; stdio is the only transport
        #[arg(long, hide = true)]
        stdio: bool,
        /// Run only these rules (comma-separated), on top of each file's config
        #[arg(long, value_delimiter = ',', value_name = "RULES")]
        select: Vec<String>,
        /// Do not run these rules (comma-separated)
        #[arg(long, value_delimiter = ',', value_name = "RULES")]
        ignore: Vec<String>,
    },
}

#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("fixing").args(["fix", "diff"]).multiple(true)))]
pub struct CheckArgs {
    /// Files or directories to lint; a file named here is linted even if excluded, unless
    /// --force-exclude
    pub paths: Vec<PathBuf>,

    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human, alias = "output-format")]
    pub format: Format,

    /// Print only the findings: no summary line and no notes on stderr (errors still go there)
    #[arg(long, short = 'q')]
    pub quiet: bool,

    /// Apply the excludes (default, --exclude, the config's) and the generated-file skipping
    /// to files named on the command line too (for pre-commit and editors)
    #[arg(long)]
    pub force_exclude: bool,

    /// Exit 1 only for findings of this severity or higher (default: any finding)
    #[arg(long, value_enum, value_name = "SEVERITY", default_value_t = FailOn::Info)]
    pub fail_on: FailOn,

    /// Print the number of findings per rule (and how many are fixable) instead of the findings
    #[arg(long, conflicts_with = "fixing")]
    pub statistics: bool,

    /// Print the settings that apply to each path (config file, rules, excludes...) and exit
    #[arg(long)]
    pub show_settings: bool,

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

    /// Skip a file whose analysis takes longer than this (e.g. `10s`, `500ms`, `2m`; a plain
    /// number is seconds; `0`: no limit). A skipped file is reported as an error (exit 2)
    #[arg(long, value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub file_timeout: std::time::Duration,

    /// Parse every file and run every rule on it, even where no finding can be (for benchmarks
    /// and debugging)
    #[arg(long, hide = true)]
    pub no_prefilter: bool,

    /// Parse every file and run no rule: the parsing cost alone (for benchmarks)
    #[arg(long, hide = true)]
    pub parse_only: bool,

    /// Report absolute paths
    #[arg(long)]
    pub absolute_paths: bool,

    /// Unit of the columns in JSON and short output
    #[arg(long, value_enum, default_value_t = ColumnEncoding::Utf8)]
    pub column_encoding: ColumnEncoding,

    /// Apply the safe fixes to the files, then report what remains
    #[arg(long)]
    pub fix: bool,

    /// With --fix or --diff: apply the unsafe fixes too (they may change behaviour)
    #[arg(long, requires = "fixing")]
    pub unsafe_fixes: bool,

    /// Print a unified diff of what --fix would change and write nothing (exit 1 if any)
    #[arg(long, conflicts_with = "format")]
    pub diff: bool,

    /// Use this config file for every path instead of the nearest ctxlint.toml
    #[arg(long, value_name = "FILE", conflicts_with = "isolated")]
    pub config: Option<PathBuf>,

    /// Ignore every config file
    #[arg(long)]
    pub isolated: bool,

    /// Report `//ctxlint:ignore` and `//nolint` comments that silence nothing
    #[arg(long)]
    pub report_unused_suppressions: bool,

    /// Write the report to FILE instead of stdout; `FORMAT:FILE` (e.g. `sarif:out.sarif`)
    /// writes an extra report in that format (repeatable)
    #[arg(long, value_name = "[FORMAT:]FILE")]
    pub output: Vec<String>,

    /// Report only findings on lines added or changed since the merge-base with REV (git)
    #[arg(long, value_name = "REV")]
    pub new_from_rev: Option<String>,

    /// Do not report the findings recorded in this baseline file
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record every current finding in a baseline file and exit 0
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// With the path `-`: read the source from stdin and report it as NAME
    #[arg(long, value_name = "NAME")]
    pub stdin_filename: Option<PathBuf>,

    /// Exit 0 even when there are findings (2 still means an error)
    #[arg(long)]
    pub exit_zero: bool,
}

/// A duration as `--file-timeout` takes it: a number with an optional unit (`ns`, `us`,
/// `ms`, `s`, `m`; seconds without one).
pub fn parse_duration(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: f64 = number
        .parse()
        .map_err(|_| format!("`{text}` is not a duration (e.g. `10s`, `500ms`)"))?;
    let seconds = match unit.trim() {
        "" | "s" => number,
        "ms" => number / 1e3,
        "us" | "µs" => number / 1e6,
        "ns" => number / 1e9,
        "m" | "min" => number * 60.0,
        other => return Err(format!("unknown unit `{other}` (use ns, us, ms, s or m)")),
    };
    std::time::Duration::try_from_secs_f64(seconds).map_err(|e| format!("`{text}`: {e}"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Annotated source snippets, for people
    Human,
    /// `path:line:col: severity[rule] message`, one per line
    Short,
    /// One JSON document (schema version 1)
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers
    Sarif,
    /// GitHub Actions workflow commands (annotations), then the human report
    Github,
    /// GitLab Code Quality report (JSON)
    Gitlab,
    /// Checkstyle XML, for Jenkins and other CI servers
    Checkstyle,
    /// JUnit XML: one test case per finding
    Junit,
    /// Reviewdog Diagnostic Format (rdjson)
    Rdjson,
}

/// `--fail-on`: the lowest severity that makes the exit code 1.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    Auto,
    Always,
    Never,
}

#[cfg(test)]
mod tests {
    use super::parse_duration;
    use std::time::Duration;

    #[test]
    fn durations_take_units() {
        assert_eq!(parse_duration("10"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("1ns"), Ok(Duration::from_nanos(1)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("0"), Ok(Duration::ZERO));
        assert!(parse_duration("ten").is_err());
        assert!(parse_duration("5h").is_err());
        assert!(parse_duration("-1").is_err());
        assert!(parse_duration("1e400").is_err());
    }
}
