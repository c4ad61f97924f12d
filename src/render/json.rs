//! JSON output, schema version 1 (`shared/spec/json-output.md`).

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Applicability, ColumnEncoding, LineIndex, Position, Span};
use crate::engine::Report;
use crate::rules;

#[derive(Serialize)]
struct Document<'a> {
    schema_version: u32,
    tool: Tool,
    diagnostics: Vec<JsonDiagnostic<'a>>,
    errors: Vec<JsonError<'a>>,
    summary: Summary,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    rule: &'static str,
    severity: &'static str,
    message: &'a str,
    path: &'a str,
    range: Range,
    labels: Vec<JsonLabel<'a>>,
    help: &'a str,
    url: String,
    fix: Option<JsonFix<'a>>,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct JsonLabel<'a> {
    message: &'a str,
    range: Range,
}

#[derive(Serialize)]
struct JsonFix<'a> {
    applicability: Applicability,
    message: &'a str,
    edits: Vec<JsonEdit<'a>>,
}

#[derive(Serialize)]
struct JsonEdit<'a> {
    range: Range,
    new_text: &'a str,
}

#[derive(Serialize)]
struct JsonError<'a> {
    path: &'a str,
    message: &'a str,
}

#[derive(Serialize)]
struct Summary {
    files_scanned: usize,
    diagnostics: usize,
    errors: usize,
    elapsed_ms: u128,
}

pub fn render(report: &Report, encoding: ColumnEncoding, out: &mut dyn Write) -> io::Result<()> {
    let mut diagnostics = Vec::new();
    for file in &report.files {
        let index = LineIndex::new(&file.source);
        let range = |span: Span| Range {
            start: index.position(&file.source, span.start, encoding),
            end: index.position(&file.source, span.end, encoding),
        };
        for d in &file.diagnostics {
            diagnostics.push(JsonDiagnostic {
                rule: d.rule,
                severity: d.severity.as_str(),
                message: &d.message,
                path: &file.path,
                range: range(d.span),
                labels: d
                    .labels
                    .iter()
                    .map(|l| JsonLabel {
                        message: &l.message,
                        range: range(l.span),
                    })
                    .collect(),
                help: &d.help,
                url: rules::find(d.rule).map(|r| r.url()).unwrap_or_default(),
                fix: d.fix.as_ref().map(|f| JsonFix {
                    applicability: f.applicability,
                    message: &f.message,
                    edits: f
                        .edits
                        .iter()
                        .map(|e| JsonEdit {
                            range: range(e.span),
                            new_text: &e.new_text,
                        })
                        .collect(),
                }),
            });
        }
    }
    let document = Document {
        schema_version: 1,
        tool: Tool {
            name: "ctxlint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: Summary {
            files_scanned: report.files_scanned,
            diagnostics: diagnostics.len(),
            errors: report.errors.len(),
            elapsed_ms: report.elapsed.as_millis(),
        },
        diagnostics,
        errors: report
            .errors
            .iter()
            .map(|e| JsonError {
                path: &e.path,
                message: &e.message,
            })
            .collect(),
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
