//! Human output: codespan-reporting snippets with the rule as code and the help as a note.

use std::io::{self, Write};

use codespan_reporting::diagnostic::{Diagnostic as Snippet, Label, Severity as SnippetSeverity};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term::{self, termcolor::Buffer, Config};

use crate::diagnostic::{Applicability, Severity};
use crate::engine::Report;

pub fn render(report: &Report, color: bool, quiet: bool, out: &mut dyn Write) -> io::Result<()> {
    let config = Config::default();
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    for file in &report.files {
        let name = super::escape_path(&file.path);
        let files = SimpleFile::new(name.as_ref(), file.source.as_str());
        for d in &file.diagnostics {
            let severity = match d.severity {
                Severity::Error => SnippetSeverity::Error,
                Severity::Warning => SnippetSeverity::Warning,
                Severity::Info => SnippetSeverity::Note,
            };
            let mut labels = vec![Label::primary((), d.span.start..d.span.end)];
            labels.extend(
                d.labels.iter().map(|l| {
                    Label::secondary((), l.span.start..l.span.end).with_message(&l.message)
                }),
            );
            let mut notes = vec![format!("help: {}", d.help)];
            if let Some(fix) = &d.fix {
                let kind = match fix.applicability {
                    Applicability::Safe => "fix available with `--fix`",
                    Applicability::Unsafe => "unsafe fix available with `--fix --unsafe-fixes`",
                };
                notes.push(format!("{kind}: {}", fix.message));
            }
            let snippet = Snippet::new(severity)
                .with_code(d.rule)
                .with_message(&d.message)
                .with_labels(labels)
                .with_notes(notes);
            term::emit_to_write_style(&mut buffer, &config, &files, &snippet)
                .map_err(io::Error::other)?;
        }
    }
    out.write_all(buffer.as_slice())?;
    if quiet {
        return Ok(());
    }
    writeln!(out, "{}", super::summary(report))
}
