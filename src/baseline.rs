//! Fingerprints of findings (shared by the baseline and SARIF `partialFingerprints`) and the
//! baseline file.
//!
//! A fingerprint hashes the rule, the repository-relative path, the trimmed text of the primary
//! line and the occurrence index of that (rule, text) pair in the file. It does not depend on
//! the line number, so a finding that merely moved (code added above it) keeps its fingerprint.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::LineIndex;
use crate::engine::{FileReport, Report};
use crate::error::Error;
use crate::walk;

/// 64-bit FNV-1a: tiny, stable across versions and platforms (unlike `DefaultHasher`).
fn fnv1a(parts: &[&[u8]]) -> u64 {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for &b in part.iter().chain(&[0xff]) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0100_0000_01b3);
        }
    }
    hash
}

/// The fingerprint of each diagnostic of a file, in order. `path` is the repository-relative
/// path ([`repo_path`]).
pub fn fingerprints(file: &FileReport, path: &str) -> Vec<String> {
    let index = LineIndex::new(&file.source);
    let mut seen: HashMap<(&str, &str), usize> = HashMap::new();
    file.diagnostics
        .iter()
        .map(|d| {
            let line = index.line_of(d.span.start);
            let start = index.line_start(line);
            let text = file.source.get(start..).unwrap_or("");
            let text = text.lines().next().unwrap_or("").trim();
            let n = seen.entry((d.rule, text)).or_insert(0);
            let occurrence = *n;
            *n += 1;
            format!(
                "{:016x}",
                fnv1a(&[
                    d.rule.as_bytes(),
                    path.as_bytes(),
                    text.as_bytes(),
                    occurrence.to_string().as_bytes(),
                ])
            )
        })
        .collect()
}

/// The repository root containing `path` (the nearest ancestor holding `.git`).
pub fn repo_root(path: &Path) -> Option<PathBuf> {
    let absolute = walk::absolute(path);
    absolute
        .ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

/// `display` relative to its repository root with `/` separators; as given outside a
/// repository.
pub fn repo_path(display: &str) -> String {
    let path = Path::new(display);
    let relative = repo_root(path).and_then(|root| {
        walk::absolute(path)
            .strip_prefix(&root)
            .ok()
            .map(Path::to_path_buf)
    });
    let relative = match relative {
        Some(r) => r,
        None => {
            let display = display.strip_prefix("./").unwrap_or(display);
            // `\` separates components only on Windows; elsewhere it is part of a name.
            return if cfg!(windows) {
                display.replace('\\', "/")
            } else {
                display.to_string()
            };
        }
    };
    relative
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub rule: String,
    pub path: String,
    pub fingerprint: String,
    /// Informational: where the finding was when recorded.
    #[serde(default)]
    pub line: usize,
    #[serde(default)]
    pub message: String,
}

/// The baseline file: `{"version": 1, "findings": [...]}`.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct Baseline {
    pub version: u32,
    pub findings: Vec<Entry>,
}

impl Baseline {
    pub fn from_report(report: &Report) -> Baseline {
        let mut findings = Vec::new();
        for file in &report.files {
            let path = repo_path(&file.path);
            let index = LineIndex::new(&file.source);
            for (d, fingerprint) in file.diagnostics.iter().zip(fingerprints(file, &path)) {
                findings.push(Entry {
                    rule: d.rule.to_string(),
                    path: path.clone(),
                    fingerprint,
                    line: index.line_of(d.span.start) + 1,
                    message: d.message.clone(),
                });
            }
        }
        findings.sort();
        Baseline {
            version: 1,
            findings,
        }
    }

    pub fn len(&self) -> usize {
        self.findings.len()
    }

    pub fn is_empty(&self) -> bool {
        self.findings.is_empty()
    }

    pub fn write(&self, file: &Path) -> Result<(), Error> {
        let mut text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Usage(format!("cannot encode the baseline: {e}")))?;
        text.push('\n');
        std::fs::write(file, text)
            .map_err(|e| Error::Usage(format!("cannot write the baseline {}: {e}", file.display())))
    }

    pub fn read(file: &Path) -> Result<Baseline, Error> {
        let text = std::fs::read_to_string(file).map_err(|e| {
            Error::Usage(format!("cannot read the baseline {}: {e}", file.display()))
        })?;
        let baseline: Baseline = serde_json::from_str(&text).map_err(|e| {
            Error::Usage(format!("{}: not a ctxlint baseline: {e}", file.display()))
        })?;
        if baseline.version != 1 {
            return Err(Error::Usage(format!(
                "{}: baseline version {} is not supported (expected 1)",
                file.display(),
                baseline.version
            )));
        }
        Ok(baseline)
    }

    /// Drops the findings recorded in the baseline.
    pub fn filter(&self, report: &mut Report) {
        let known: BTreeSet<(&str, &str, &str)> = self
            .findings
            .iter()
            .map(|e| (e.rule.as_str(), e.path.as_str(), e.fingerprint.as_str()))
            .collect();
        for file in &mut report.files {
            let path = repo_path(&file.path);
            let prints = fingerprints(file, &path);
            let keep: Vec<bool> = prints
                .iter()
                .zip(&file.diagnostics)
                .map(|(fp, d)| !known.contains(&(d.rule, path.as_str(), fp.as_str())))
                .collect();
            let mut keep = keep.into_iter();
            file.diagnostics.retain(|_| keep.next().unwrap_or(true));
        }
    }
}
