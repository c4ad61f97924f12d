//! GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` annotation per finding,
//! then the human report, since GitHub shows only the first 10 annotations of each type per
//! step. Escaping follows the Actions toolkit (`@actions/core` `issueCommand`).

use std::io::{self, Write};

use crate::baseline::repo_path;
use crate::diagnostic::{LineIndex, Severity};
use crate::engine::Report;

use super::RenderOptions;

/// Escapes a command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command property value.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn render(report: &Report, options: RenderOptions, out: &mut dyn Write) -> io::Result<()> {
    for file in &report.files {
        let index = LineIndex::new(&file.source);
        let path = escape_property(&repo_path(&file.path));
        for d in &file.diagnostics {
            let start = index.position(&file.source, d.span.start, options.column_encoding);
            let end = index.position(&file.source, d.span.end, options.column_encoding);
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            writeln!(
                out,
                "::{command} file={path},line={},col={},endLine={},endColumn={},title={}::{}",
                start.line,
                start.column,
                end.line,
                end.column,
                escape_property(&format!("ctxlint ({})", d.rule)),
                escape_data(&format!("{}\nhelp: {}", d.message, d.help)),
            )?;
        }
    }
    for error in &report.errors {
        writeln!(
            out,
            "::error file={},title={}::{}",
            escape_property(&repo_path(&error.path)),
            escape_property("ctxlint (could not analyse)"),
            escape_data(&error.message)
        )?;
    }
    super::human(report, options.color, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50% a\r\nb"), "50%25 a%0D%0Ab");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
