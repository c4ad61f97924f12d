//! Runs every rule over its fixture directory `testdata/<lang>/<rule>/`, with only that rule
//! enabled, and compares the findings with the `// want "<rule>"` comments: an unexpected
//! finding and an unmet `want` both fail, and every other line must stay silent.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use ctxlint::lang::Language;
use ctxlint::{check, rules, CheckOptions};

/// Every file under `dir`, subdirectories included (fixtures of several packages).
fn fixture_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files
}

/// `(file, line)` → rules expected there, from `// want "a" "b"` comments.
fn wants(dir: &Path) -> BTreeMap<(String, usize), Vec<String>> {
    let mut wants = BTreeMap::new();
    let mut files = fixture_files(dir);
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (i, line) in text.lines().enumerate() {
            let Some((_, rest)) = line.split_once("// want ") else {
                continue;
            };
            let rules: Vec<String> = rest
                .split('"')
                .skip(1)
                .step_by(2)
                .map(str::to_string)
                .collect();
            assert!(
                !rules.is_empty(),
                "{}:{}: empty want",
                file.display(),
                i + 1
            );
            wants.insert((file.to_string_lossy().into_owned(), i + 1), rules);
        }
    }
    wants
}

fn run_fixture(rule: &'static rules::Rule, language: Language) -> Result<(), String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(language.name())
        .join(rule.name);
    let mut options = CheckOptions::new(vec![dir.clone()]);
    options.settings.rules = vec![rule];
    options.walk.threads = 1;
    let report = check(&options).map_err(|e| e.to_string())?;
    if !report.errors.is_empty() {
        return Err(format!("errors: {:?}", report.errors));
    }
    let mut got: BTreeMap<(String, usize), Vec<String>> = BTreeMap::new();
    for file in &report.files {
        let index = ctxlint::diagnostic::LineIndex::new(&file.source);
        for d in &file.diagnostics {
            let line = index.line_of(d.span.start) + 1;
            got.entry((file.path.clone(), line))
                .or_default()
                .push(d.rule.to_string());
        }
    }
    let expected = wants(&dir);
    let mut problems = Vec::new();
    for (key, rules) in &got {
        let want = expected.get(key).cloned().unwrap_or_default();
        for r in rules {
            if !want.contains(r) {
                problems.push(format!("{}:{}: unexpected finding of {r}", key.0, key.1));
            }
        }
    }
    for (key, rules) in &expected {
        let have = got.get(key).cloned().unwrap_or_default();
        for r in rules {
            if r == rule.name && !have.contains(r) {
                problems.push(format!("{}:{}: missing finding of {r}", key.0, key.1));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        problems.sort();
        Err(problems.join("\n"))
    }
}

#[test]
fn every_rule_matches_its_fixtures() {
    let mut failures = Vec::new();
    for rule in rules::RULES {
        for language in rule.languages() {
            if let Err(e) = run_fixture(rule, *language) {
                failures.push(format!("== {} ({}) ==\n{e}", rule.name, language.name()));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}
