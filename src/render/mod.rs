//! Output formats. Every renderer reads a sorted [`Report`] and writes bytes; nothing here
//! depends on thread count or timing except JSON's `elapsed_ms`.

mod github;
mod gitlab;
mod human;
mod json;
mod rdjson;
mod sarif;
mod xml;

use std::io::{self, Write};

use crate::cli::Format;
use crate::diagnostic::{ColumnEncoding, LineIndex};
use crate::engine::Report;

pub use github::render as github;
pub use human::render as human;
pub use json::render as json;
pub use sarif::render as sarif;

/// How to render a report.
#[derive(Debug, Clone, Copy)]
pub struct RenderOptions {
    pub color: bool,
    pub column_encoding: ColumnEncoding,
    /// `--quiet`: no summary line after human output.
    pub quiet: bool,
}

pub fn render(
    report: &Report,
    format: Format,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human(report, options.color, options.quiet, out),
        Format::Short => short(report, options.column_encoding, out),
        Format::Json => json(report, options.column_encoding, out),
        Format::Sarif => sarif(report, out),
        Format::Github => github(report, options, out),
        Format::Gitlab => gitlab::render(report, out),
        Format::Checkstyle => xml::checkstyle(report, out),
        Format::Junit => xml::junit(report, out),
        Format::Rdjson => rdjson::render(report, out),
    }
}

/// A file name as text for line-oriented output: control characters (a newline would split
/// the record, an escape sequence would reach the terminal) are written as Rust escapes
/// (`\n`, `\u{1b}`); everything else is kept as it is.
pub fn escape_path(path: &str) -> std::borrow::Cow<'_, str> {
    if !path.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() + 8);
    for c in path.chars() {
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `path:line:col: severity[rule] message`, one finding per line (vim quickfix, grep).
pub fn short(report: &Report, encoding: ColumnEncoding, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        let index = LineIndex::new(&file.source);
        let path = escape_path(&file.path);
        for d in &file.diagnostics {
            let pos = index.position(&file.source, d.span.start, encoding);
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                path, pos.line, pos.column, d.severity, d.rule, d.message
            )?;
        }
    }
    Ok(())
}

/// The one-line summary shown after human output.
pub fn summary(report: &Report) -> String {
    let count = report.diagnostic_count();
    let files = report.files.len();
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut line = if let Some(recorded) = report.baseline_recorded {
        format!(
            "recorded {} in the baseline ({} scanned)",
            plural(recorded, "finding"),
            plural(report.files_scanned, "file")
        )
    } else if count == 0 && !report.errors.is_empty() && report.files_scanned == 0 {
        // A mistyped path: nothing was linted, which is not "no problems found".
        "nothing was linted".to_string()
    } else if count == 0 {
        format!(
            "no problems found in {}",
            plural(report.files_scanned, "file")
        )
    } else {
        format!(
            "found {} in {} ({} scanned)",
            plural(count, "problem"),
            plural(files, "file"),
            report.files_scanned
        )
    };
    let (safe, unsafe_) = report.fixable_count();
    if safe > 0 {
        line.push_str(&format!("; {safe} fixable with `--fix`"));
    }
    if unsafe_ > 0 {
        line.push_str(&format!("; {unsafe_} more with `--fix --unsafe-fixes`"));
    }
    if report.baseline_hidden > 0 {
        line.push_str(&format!(
            "; {} hidden by the baseline",
            plural(report.baseline_hidden, "finding")
        ));
    }
    if !report.errors.is_empty() {
        line.push_str(&format!(
            "; {} could not be analysed",
            plural(report.errors.len(), "file")
        ));
    }
    line
}
