//! GitLab Code Quality report: a JSON array of issues (`description`, `check_name`,
//! `fingerprint`, `severity`, `location.path`, `location.lines.begin`), paths relative to the
//! repository root. The fingerprints are the baseline's (stable when code moves), so GitLab
//! tracks a finding across commits.

use std::io::{self, Write};

use serde::Serialize;

use crate::baseline;
use crate::diagnostic::{LineIndex, Severity};
use crate::engine::Report;

#[derive(Serialize)]
struct Issue<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    description: &'a str,
    check_name: &'static str,
    fingerprint: String,
    severity: &'static str,
    categories: [&'static str; 1],
    location: Location,
}

#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let mut issues = Vec::new();
    for file in &report.files {
        let path = baseline::repo_path(&file.path);
        let index = LineIndex::new(&file.source);
        let prints = baseline::fingerprints(file, &path);
        for (d, fingerprint) in file.diagnostics.iter().zip(prints) {
            issues.push(Issue {
                kind: "issue",
                description: &d.message,
                check_name: d.rule,
                fingerprint,
                severity: match d.severity {
                    Severity::Error => "major",
                    Severity::Warning => "minor",
                    Severity::Info => "info",
                },
                categories: ["Bug Risk"],
                location: Location {
                    path: path.clone(),
                    lines: Lines {
                        begin: index.line_of(d.span.start) + 1,
                        end: index.line_of(d.span.end.max(d.span.start)) + 1,
                    },
                },
            });
        }
    }
    serde_json::to_writer_pretty(&mut *out, &issues)?;
    writeln!(out)
}
