//! Output formats. Every renderer reads a sorted [`Report`] and writes bytes; nothing here
//! depends on thread count or timing except JSON's `elapsed_ms`.

mod github;
mod human;
mod json;
mod sarif;

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
}

pub fn render(
    report: &Report,
    format: Format,
    options: RenderOptions,
    out: &mut dyn Write,
) -> io::Result<()> {
    match format {
        Format::Human => human(report, options.color, out),
        Format::Short => short(report, options.column_encoding, out),
        Format::Json => json(report, options.column_encoding, out),
        Format::Sarif => sarif(report, out),
        Format::Github => github(report, options, out),
    }
}

/// `path:line:col: severity[rule] message`, one finding per line (vim quickfix, grep).
pub fn short(report: &Report, encoding: ColumnEncoding, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        let index = LineIndex::new(&file.source);
        for d in &file.diagnostics {
            let pos = index.position(&file.source, d.span.start, encoding);
            writeln!(
                out,
                "{}:{}:{}: {}[{}] {}",
                file.path, pos.line, pos.column, d.severity, d.rule, d.message
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
    let mut line = if count == 0 {
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
    if !report.errors.is_empty() {
        line.push_str(&format!(
            "; {} could not be analysed",
            plural(report.errors.len(), "file")
        ));
    }
    line
}
