//! `--new-from-rev REV`: the lines added or changed since the merge-base of REV and HEAD,
//! from `git diff` (the working tree against the merge-base, so uncommitted edits count) plus
//! untracked files, which are new in full.

use std::collections::HashMap;
use std::ops::RangeInclusive;
use std::path::PathBuf;
use std::process::Command;

use crate::diagnostic::LineIndex;
use crate::engine::Report;
use crate::walk;

/// What changed in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Changed {
    /// A new (untracked) file: every line.
    All,
    /// 1-based line ranges added or changed.
    Lines(Vec<RangeInclusive<usize>>),
}

#[derive(Debug, Clone)]
pub struct ChangedLines {
    /// The repository's top-level directory (canonical).
    pub root: PathBuf,
    /// Repository-relative path (with `/`) → changed lines.
    pub files: HashMap<String, Changed>,
}

fn git(args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .output()
        .map_err(|e| format!("--new-from-rev needs git: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

impl ChangedLines {
    /// Asks git what changed since the merge-base of `rev` and HEAD.
    pub fn since(rev: &str) -> Result<ChangedLines, String> {
        let top = git(&["rev-parse", "--show-toplevel"])
            .map_err(|e| format!("--new-from-rev works only inside a git repository: {e}"))?;
        let root = walk::absolute(std::path::Path::new(top.trim()));
        if rev.starts_with('-') {
            return Err(format!("--new-from-rev: `{rev}` is not a revision"));
        }
        let commit = format!("{rev}^{{commit}}");
        git(&["rev-parse", "--verify", "--quiet", &commit]).map_err(|_| {
            format!(
                "--new-from-rev: revision `{rev}` is not in this repository; in a shallow clone, \
                 fetch it first (`git fetch origin {rev}`, or `fetch-depth: 0` in actions/checkout)"
            )
        })?;
        let base =
            git(&["merge-base", rev, "HEAD"]).map_err(|e| {
                format!(
                "--new-from-rev: no merge-base of `{rev}` and HEAD{}; in a shallow clone, fetch \
                 more history (`git fetch --deepen=100`, or `fetch-depth: 0` in actions/checkout)",
                if e.is_empty() { String::new() } else { format!(" ({e})") }
            )
            })?;
        let diff = git(&[
            "-c",
            "core.quotePath=false",
            "diff",
            "--no-color",
            "--no-ext-diff",
            "--unified=0",
            "-M",
            base.trim(),
            "--",
        ])?;
        let mut files = parse_diff(&diff);
        let untracked = git(&[
            "ls-files",
            "--others",
            "--exclude-standard",
            "--full-name",
            "-z",
        ])?;
        // ls-files paths are relative to the current directory unless --full-name.
        for path in untracked.split('\0').filter(|p| !p.is_empty()) {
            files.insert(path.to_string(), Changed::All);
        }
        // `ls-files --others` lists only below the current directory; that is all we lint.
        Ok(ChangedLines { root, files })
    }

    /// Keeps only the findings whose primary line is new.
    pub fn filter(&self, report: &mut Report) {
        for file in &mut report.files {
            let absolute = walk::absolute(std::path::Path::new(&file.path));
            let Ok(relative) = absolute.strip_prefix(&self.root) else {
                // Outside the repository: nothing there is "new" in git's sense.
                file.diagnostics.clear();
                continue;
            };
            let key = relative
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            let changed = self.files.get(&key);
            let index = LineIndex::new(&file.source);
            file.diagnostics.retain(|d| {
                let line = index.line_of(d.span.start) + 1;
                match changed {
                    None => false,
                    Some(Changed::All) => true,
                    Some(Changed::Lines(ranges)) => ranges.iter().any(|r| r.contains(&line)),
                }
            });
        }
    }
}

/// Parses `git diff --unified=0` output into the added lines of each new-side file.
pub fn parse_diff(diff: &str) -> HashMap<String, Changed> {
    let mut files = HashMap::new();
    let mut current: Option<String> = None;
    for line in diff.lines() {
        if let Some(path) = line.strip_prefix("+++ ") {
            let path = path.trim_end();
            let path = path
                .strip_prefix('"')
                .and_then(|p| p.strip_suffix('"'))
                .unwrap_or(path);
            current = path.strip_prefix("b/").map(str::to_string);
            if let Some(p) = &current {
                files.entry(p.clone()).or_insert(Changed::Lines(Vec::new()));
            }
            continue;
        }
        let Some(hunk) = line.strip_prefix("@@ ") else {
            continue;
        };
        let (Some(path), Some(new)) = (&current, hunk.split(' ').find(|p| p.starts_with('+')))
        else {
            continue;
        };
        let new = &new[1..];
        let (start, count) = match new.split_once(',') {
            Some((s, c)) => (s.parse::<usize>(), c.parse::<usize>()),
            None => (new.parse::<usize>(), Ok(1)),
        };
        let (Ok(start), Ok(count)) = (start, count) else {
            continue;
        };
        if count == 0 {
            continue;
        }
        if let Some(Changed::Lines(ranges)) = files.get_mut(path) {
            ranges.push(start..=start + count - 1);
        }
    }
    files
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hunks_give_the_added_lines() {
        let diff = "diff --git a/a.go b/a.go\nindex 1..2 100644\n--- a/a.go\n+++ b/a.go\n@@ -3,0 +4,2 @@ func f() {\n+x\n+y\n@@ -10 +12 @@\n-a\n+b\n@@ -20,3 +23,0 @@\n-gone\ndiff --git a/old.go b/old.go\n--- a/old.go\n+++ /dev/null\n@@ -1 +0,0 @@\n-x\n";
        let files = parse_diff(diff);
        assert_eq!(
            files.get("a.go"),
            Some(&Changed::Lines(vec![4..=5, 12..=12]))
        );
        assert_eq!(files.len(), 1);
    }
}
