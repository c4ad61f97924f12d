//! SARIF 2.1.0, as GitHub code scanning reads it: every rule with its documentation, results
//! with repository-relative URIs, UTF-16 columns and stable `partialFingerprints`.

use std::io::{self, Write};
use std::path::Path;

use serde_json::{json, Value};

use crate::baseline::{fingerprints, repo_path, repo_root};
use crate::diagnostic::{ColumnEncoding, LineIndex, Severity, Span};
use crate::engine::Report;
use crate::rules::{self, Rule};
use crate::walk;

/// The key under which our fingerprint is given (versioned: a new algorithm gets a new key).
pub const FINGERPRINT_KEY: &str = "ctxlint/v1";

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The first paragraph under `## What it does`, or the title.
fn description(rule: &Rule) -> String {
    let Some((_, rest)) = rule.doc.split_once("## What it does") else {
        return rule.title.to_string();
    };
    let paragraph: Vec<&str> = rest
        .lines()
        .skip_while(|l| l.trim().is_empty())
        .take_while(|l| !l.trim().is_empty() && !l.starts_with("## "))
        .map(str::trim)
        .collect();
    if paragraph.is_empty() {
        rule.title.to_string()
    } else {
        paragraph.join(" ")
    }
}

fn rule_descriptor(rule: &Rule) -> Value {
    json!({
        "id": rule.name,
        "shortDescription": { "text": rule.title },
        "fullDescription": { "text": description(rule) },
        "help": { "text": rule.doc, "markdown": rule.doc },
        "helpUri": rule.url(),
        "defaultConfiguration": {
            "enabled": rule.enabled_by_default,
            "level": level(rule.default_severity),
        },
        "properties": { "tags": rule.languages().iter().map(|l| l.name()).collect::<Vec<_>>() },
    })
}

/// Percent-encodes a relative path's bytes for a URI (keeps `/` and RFC 3986 unreserved
/// characters).
pub fn encode_uri_path(path: &[u8]) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

pub fn render(report: &Report, out: &mut dyn Write) -> io::Result<()> {
    let descriptors: Vec<Value> = rules::RULES.iter().map(|r| rule_descriptor(r)).collect();
    let ids: Vec<&str> = rules::RULES.iter().map(|r| r.name).collect();
    let root = std::env::current_dir().ok().and_then(|d| repo_root(&d));
    // A path under the repository of the current directory is given relative to %SRCROOT%.
    // The URI is built from the path's bytes: a name that is not UTF-8 keeps its own bytes,
    // percent-encoded, not the escapes of the reported text.
    let location = |path: &Path, display: &str| -> Value {
        let under_root = root.as_ref().and_then(|root| {
            walk::absolute(path).strip_prefix(root).ok().map(|r| {
                r.components()
                    .map(|c| c.as_os_str().as_encoded_bytes())
                    .collect::<Vec<_>>()
                    .join(&b'/')
            })
        });
        match under_root {
            Some(rel) => json!({ "uri": encode_uri_path(&rel), "uriBaseId": "%SRCROOT%" }),
            None if path.to_str().is_none() => {
                let bytes = path.as_os_str().as_encoded_bytes();
                json!({ "uri": encode_uri_path(bytes.strip_prefix(b"./").unwrap_or(bytes)) })
            }
            None => json!({ "uri": encode_uri_path(repo_path(display).as_bytes()) }),
        }
    };
    let mut results = Vec::new();
    for file in &report.files {
        let index = LineIndex::new(&file.source);
        let artifact = location(&file.file, &file.path);
        let region = |span: Span| {
            let start = index.position(&file.source, span.start, ColumnEncoding::Utf16);
            let end = index.position(&file.source, span.end, ColumnEncoding::Utf16);
            json!({
                "startLine": start.line,
                "startColumn": start.column,
                "endLine": end.line,
                "endColumn": end.column,
            })
        };
        let prints = fingerprints(file, &repo_path(&file.path));
        for (d, print) in file.diagnostics.iter().zip(prints) {
            let mut result = json!({
                "ruleId": d.rule,
                "level": level(d.severity),
                "message": { "text": format!("{}\nhelp: {}", d.message, d.help) },
                "locations": [{
                    "physicalLocation": { "artifactLocation": artifact, "region": region(d.span) }
                }],
                "partialFingerprints": { FINGERPRINT_KEY: print },
            });
            if let Some(i) = ids.iter().position(|id| *id == d.rule) {
                result["ruleIndex"] = json!(i);
            }
            if !d.labels.is_empty() {
                result["relatedLocations"] = d
                    .labels
                    .iter()
                    .enumerate()
                    .map(|(i, l)| {
                        json!({
                            "id": i + 1,
                            "message": { "text": l.message },
                            "physicalLocation": { "artifactLocation": artifact, "region": region(l.span) },
                        })
                    })
                    .collect();
            }
            results.push(result);
        }
    }
    let notifications: Vec<Value> = report
        .errors
        .iter()
        .map(|e| {
            json!({
                "level": "error",
                "message": { "text": e.message },
                "locations": [{ "physicalLocation": { "artifactLocation": location(Path::new(&e.path), &e.path) } }],
            })
        })
        .collect();
    let mut run = json!({
        "tool": {
            "driver": {
                "name": "ctxlint",
                "version": env!("CARGO_PKG_VERSION"),
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://github.com/ctxlint/ctxlint",
                "rules": descriptors,
            }
        },
        "columnKind": "utf16CodeUnits",
        "results": results,
        "invocations": [{
            "executionSuccessful": report.errors.is_empty(),
            "toolExecutionNotifications": notifications,
        }],
    });
    if let Some(root) = &root {
        let path = root.to_string_lossy();
        let path = if cfg!(windows) {
            path.replace('\\', "/")
        } else {
            path.into_owned()
        };
        let slash = if path.starts_with('/') { "" } else { "/" };
        let mut uri = format!("file://{slash}{}", encode_uri_path(path.as_bytes()));
        if !uri.ends_with('/') {
            uri.push('/');
        }
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": uri } });
    }
    let document = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    });
    serde_json::to_writer_pretty(&mut *out, &document)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(encode_uri_path("a b/ü.go".as_bytes()), "a%20b/%C3%BC.go");
        assert_eq!(encode_uri_path(b"x/y-z_1.go"), "x/y-z_1.go");
        assert_eq!(encode_uri_path(b"bad\xff.go"), "bad%FF.go");
    }

    #[test]
    fn descriptions_come_from_the_docs() {
        for rule in rules::RULES {
            let d = description(rule);
            assert!(!d.is_empty() && !d.starts_with('#'), "{d}");
        }
    }
}
