//! Reviewdog Diagnostic Format (rdjson): `reviewdog -f=rdjson` posts the findings as review
//! comments and the safe fixes as suggested changes. Lines and columns are 1-based, columns in
//! UTF-8 bytes, as the format defines them.

use std::io::{self, Write};

use serde::Serialize;

use crate::diagnostic::{Applicability, ColumnEncoding, LineIndex, Severity, Span};
use crate::engine::Report;
use crate::rules;

#[derive(Serialize)]
struct DiagnosticResult<'a> {
    source: Source,
    diagnostics: Vec<RdDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
    url: &'static str,
}

#[derive(Serialize)]
struct RdDiagnostic<'a> {
    message: String,
    location: Location<'a>,
    severity: &'static str,
    source: Source,
    code: Code,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    suggestions: Vec<Suggestion<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Related<'a>>,
}

#[derive(Serialize)]
struct Location<'a> {
    path: &'a str,
    range: Range,
}

#[derive(Serialize)]
struct Range {
    start: Position,
    end: Position,
}

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Code {
    value: &'static str,
    url: String,
}

#[derive(Serialize)]
struct Suggestion<'a> {
    range: Range,
    text: &'a str,
}

#[derive(Serialize)]
struct Related<'a> {
    message: &'a str,
    location: Location<'a>,
}

const SOURCE: Source = Source {
    name: "ctxlint",
    url: "https://github.com/ctxlint/ctxlint",
};

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut diagnostics = Vec::new();
    for file in &report.files {
        let index = LineIndex::new(&file.source);
        let range = |span: Span| {
            let position = |byte| {
                let p = index.position(&file.source, byte, ColumnEncoding::Utf8);
                Position {
                    line: p.line,
                    column: p.column,
                }
            };
            Range {
                start: position(span.start),
                end: position(span.end),
            }
        };
        for d in &file.diagnostics {
            let suggestions = d
                .fix
                .iter()
                .filter(|f| f.applicability == Applicability::Safe)
                .flat_map(|f| &f.edits)
                .map(|e| Suggestion {
                    range: range(e.span),
                    text: &e.new_text,
                })
                .collect();
            diagnostics.push(RdDiagnostic {
                message: format!("{}\nhelp: {}", d.message, d.help),
                location: Location {
                    path: &file.path,
                    range: range(d.span),
                },
                severity: match d.severity {
                    Severity::Error => "ERROR",
                    Severity::Warning => "WARNING",
                    Severity::Info => "INFO",
                },
                source: SOURCE,
                code: Code {
                    value: d.rule,
                    url: rules::find(d.rule).map(|r| r.url()).unwrap_or_default(),
                },
                suggestions,
                related_locations: d
                    .labels
                    .iter()
                    .map(|l| Related {
                        message: &l.message,
                        location: Location {
                            path: &file.path,
                            range: range(l.span),
                        },
                    })
                    .collect(),
            });
        }
    }
    let document = DiagnosticResult {
        source: SOURCE,
        diagnostics,
    };
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}
