//! Fitting into workflows: config files, inline suppressions, SARIF and GitHub output,
//! `--output`, `--new-from-rev`, baselines, stdin, `--exit-zero`, the pre-commit hook and the
//! GitHub Action definitions. Every test runs the real binary in a temporary directory.

use std::fs;
use std::path::Path;
use std::process::Output;

use serde_json::Value;

mod common;
use common::*;

const LEAK: &str = "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {\n\tctx, _ := context.WithCancel(p)\n\t_ = ctx\n}\n";

/// `(path, line, severity, rule)` of each finding in `--format json` output.
fn findings(o: &Output) -> Vec<(String, u64, String, String)> {
    let doc: Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}\n{}", stdout(o), stderr(o)));
    doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["range"]["start"]["line"].as_u64().unwrap(),
                d["severity"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn json(dir: &Path, args: &[&str]) -> Vec<(String, u64, String, String)> {
    let mut full = vec!["check", "--format", "json"];
    full.extend_from_slice(args);
    findings(&ctxlint(dir, &full))
}

// (A timeout: `WithCancel` of a root that is never cancelled holds nothing to leak.)
const HANDLER: &str = "package p\n\nimport (\n\t\"context\"\n\t\"net/http\"\n)\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tctx, _ := context.WithTimeout(context.Background(), 1)\n\t_ = ctx\n}\n";

#[test]
fn the_nearest_config_file_up_to_the_repository_root_applies() {
    let dir = tree(&[
        ("ctxlint.toml", "select = [\"background-in-handler\"]\n"),
        (
            "repo/.ctxlint.toml",
            "ignore = [\"background-in-handler\"]\n[rules.discarded-cancel]\nseverity = \"info\"\n",
        ),
        ("repo/a/h.go", HANDLER),
        ("repo/gen/g.go", LEAK),
        ("repo/b/ctxlint.toml", "exclude = [\"skip/\"]\n"),
        ("repo/b/skip/s.go", LEAK),
        ("repo/b/keep.go", LEAK),
    ]);
    fs::create_dir(dir.path().join("repo/.git")).unwrap();
    let repo = dir.path().join("repo");
    // repo/.ctxlint.toml governs a/ (the file above the repository root is never read).
    assert_eq!(
        json(&repo, &["a"]),
        [("a/h.go".into(), 9, "info".into(), "discarded-cancel".into())]
    );
    // b/ has its own file: defaults plus its exclude, also for a file named explicitly.
    assert_eq!(
        json(&repo, &["b", "b/skip/s.go"]),
        [(
            "b/keep.go".into(),
            6,
            "error".into(),
            "discarded-cancel".into()
        )]
    );
    // Without a .git, the walk up reaches the outer file.
    fs::remove_dir(dir.path().join("repo/.git")).unwrap();
    fs::remove_file(dir.path().join("repo/.ctxlint.toml")).unwrap();
    assert_eq!(
        json(&repo, &["a"]),
        [(
            "a/h.go".into(),
            9,
            "warning".into(),
            "background-in-handler".into()
        )]
    );
    // --isolated ignores it; --config names another file.
    assert_eq!(json(&repo, &["--isolated", "a"]).len(), 2);
    write(
        dir.path(),
        "other.toml",
        "select = [\"discarded-cancel\"]\n",
    );
    let other = dir.path().join("other.toml");
    assert_eq!(
        json(&repo, &["--config", other.to_str().unwrap(), "a"]),
        [(
            "a/h.go".into(),
            9,
            "error".into(),
            "discarded-cancel".into()
        )]
    );
    // Command-line flags win over the file.
    assert_eq!(
        json(&repo, &["--select", "discarded-cancel", "a"]),
        [(
            "a/h.go".into(),
            9,
            "error".into(),
            "discarded-cancel".into()
        )]
    );
}

#[test]
fn config_mistakes_are_usage_errors_with_a_location_and_a_suggestion() {
    let dir = tree(&[
        ("ctxlint.toml", "select = [\"discarded-cancel\"]\n\n[rules.backgroud-in-handler]\nseverity = \"error\"\n"),
        ("a.go", LEAK),
    ]);
    fs::create_dir(dir.path().join(".git")).unwrap();
    let o = ctxlint(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(2));
    let err = stderr(&o);
    assert!(err.contains("ctxlint.toml:3:8: unknown rule `backgroud-in-handler`; did you mean `background-in-handler`?"), "{err}");
    write(dir.path(), "ctxlint.toml", "[go]\nhandler-type = []\n");
    let err = stderr(&ctxlint(dir.path(), &["check"]));
    assert!(
        err.contains("ctxlint.toml:2:1: unknown key `handler-type`; did you mean `handler-types`?"),
        "{err}"
    );
    // --isolated does not read it.
    assert_eq!(
        ctxlint(dir.path(), &["check", "--isolated"]).status.code(),
        Some(1)
    );
}

#[test]
fn go_settings_extend_handler_types_and_cancel_functions() {
    let chi = "package p\n\nimport (\n\t\"context\"\n\n\t\"github.com/go-chi/chi/v5\"\n\t\"example.com/pool\"\n)\n\nfunc h(c *chi.Context) {\n\tdo(context.Background())\n\tx, _ := pool.Acquire(c)\n\t_ = x\n}\n";
    let dir = tree(&[("h.go", chi)]);
    fs::create_dir(dir.path().join(".git")).unwrap();
    assert!(json(dir.path(), &[]).is_empty());
    write(
        dir.path(),
        "ctxlint.toml",
        "[go]\nhandler-types = [{ package = \"github.com/go-chi/chi\", type = \"*Context\", context = \"{}.Request().Context()\" }]\ncancel-functions = [\"example.com/pool.Acquire\"]\n",
    );
    let o = ctxlint(dir.path(), &["check", "--format", "json"]);
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    let d = &doc["diagnostics"];
    assert_eq!(d[0]["rule"], "background-in-handler");
    assert!(d[0]["help"]
        .as_str()
        .unwrap()
        .contains("c.Request().Context()"));
    assert_eq!(d[1]["rule"], "discarded-cancel");
    assert_eq!(d[1]["range"]["start"]["line"], 12);
}

const SUPPRESSED: &str = "package p

import \"context\"

func f(p context.Context) {
\ta, _ := context.WithCancel(p) //nolint:discarded-cancel
\t_ = a
\t//ctxlint:ignore discarded-cancel the caller cancels p soon
\tb, _ := context.WithCancel(p)
\t_ = b
\tc, _ := context.WithCancel(p) //nolint:errcheck,discarded-cancel // reason
\t_ = c
\t//nolint:ctxlint
\t// another comment
\td, _ := context.WithCancel(p)
\t_ = d
\te, _ := context.WithCancel(p) //nolint:errcheck
\t_ = e //nolint:ctxlint
\t//ctxlint:ignore background-in-handler,discarded-cancel,nosuch why
\tf, _ := context.WithCancel(p)
\t_ = f
\ts := \"//nolint:ctxlint\"; g, _ := context.WithCancel(p)
\t_, _ = s, g
}
";

#[test]
fn inline_suppressions_silence_their_line_or_the_next() {
    let dir = tree(&[("s.go", SUPPRESSED)]);
    assert_eq!(
        json(dir.path(), &[]),
        [
            ("s.go".into(), 17, "error".into(), "discarded-cancel".into()),
            ("s.go".into(), 22, "error".into(), "discarded-cancel".into()),
        ]
    );
    let rules_at: Vec<(u64, String)> = json(dir.path(), &["--report-unused-suppressions"])
        .into_iter()
        .map(|(_, line, _, rule)| (line, rule))
        .collect();
    assert_eq!(
        rules_at,
        [
            (17, "discarded-cancel".into()),
            (18, "unused-suppression".into()),
            // `background-in-handler` ran and silenced nothing; `nosuch` is no rule.
            (19, "unused-suppression".into()),
            (19, "unused-suppression".into()),
            (22, "discarded-cancel".into()),
        ]
    );
    // Selected alone, `unused-suppression` is judged by the default rules and reports only
    // its own findings (regression test: it used to report nothing).
    let alone: Vec<(u64, String)> = json(
        dir.path(),
        &[
            "--report-unused-suppressions",
            "--select",
            "unused-suppression",
        ],
    )
    .into_iter()
    .map(|(_, line, _, rule)| (line, rule))
    .collect();
    assert_eq!(
        alone,
        [
            (18, "unused-suppression".into()),
            (19, "unused-suppression".into()),
            (19, "unused-suppression".into()),
        ]
    );
    // A suppression of a rule that did not run is not "unused"; the rule can be ignored.
    let only: Vec<u64> = json(
        dir.path(),
        &[
            "--report-unused-suppressions",
            "--select",
            "discarded-cancel",
        ],
    )
    .into_iter()
    .filter(|f| f.3 == "unused-suppression")
    .map(|f| f.1)
    .collect();
    assert_eq!(only, [18, 19]);
    assert!(json(
        dir.path(),
        &[
            "--report-unused-suppressions",
            "--ignore",
            "unused-suppression"
        ]
    )
    .iter()
    .all(|f| f.3 != "unused-suppression"));
}

const FOREIGN: &str = "\
package p

import (
\t\"context\"
\t\"testing\"
)

func f(p context.Context) {
\ta, _ := context.WithTimeout(p, 1) //nolint:govet // lostcancel triaged
\t_ = a
\t//lint:ignore lostcancel the caller cancels p
\tb, _ := context.WithTimeout(p, 1)
\t_ = b
\tuse(context.Background()) //nolint:contextcheck
\tuse(context.TODO()) //nolint:govet
\tc := 1 //nolint:govet,discarded-cancel
\t_ = c
}

func TestF(t *testing.T) {
\tuse(context.Background()) //nolint:usetesting
}

func use(context.Context) {}
";

#[test]
fn other_tools_suppressions_silence_the_equivalent_rules() {
    let dir = tree(&[("s_test.go", FOREIGN)]);
    let found: Vec<(u64, String)> = json(
        dir.path(),
        &[
            "--report-unused-suppressions",
            "--select",
            "discarded-cancel,background-in-handler,test-background-context",
        ],
    )
    .into_iter()
    .map(|(_, line, _, rule)| (line, rule))
    .collect();
    // govet/lostcancel silence discarded-cancel, contextcheck background-in-handler, usetesting
    // test-background-context. `//nolint:govet` on line 15 is not ours to judge (it serves go
    // vet), so only the ctxlint name of line 16 is reported as unused.
    assert_eq!(
        found,
        [
            (15, "background-in-handler".into()),
            (16, "unused-suppression".into()),
        ]
    );
}

/// A file with two findings, shifted down by `above` blank lines.
fn two_findings(above: usize) -> String {
    let body = LEAK.replace(
        "\t_ = ctx\n",
        "\t_ = ctx\n\tc2, _ := context.WithTimeout(p, 1)\n\t_ = c2\n",
    );
    body.replacen("\nfunc", &format!("\n{}func", "\n".repeat(above)), 1)
}

#[test]
fn sarif_has_what_code_scanning_needs_and_stable_fingerprints() {
    let dir = tree(&[("src dir/a.go", &two_findings(0))]);
    fs::create_dir(dir.path().join(".git")).unwrap();
    let sarif = |dir: &Path| -> Value {
        let o = ctxlint(dir, &["check", "--format", "sarif"]);
        assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
        serde_json::from_slice(&o.stdout).unwrap()
    };
    let doc = sarif(dir.path());
    assert_eq!(doc["version"], "2.1.0");
    let run = &doc["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "ctxlint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), ctxlint::rules::RULES.len());
    for rule in rules {
        for field in [
            "id",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(!rule[field].is_null(), "{field} in {rule}");
        }
        assert!(rule["help"]["markdown"]
            .as_str()
            .unwrap()
            .contains("## What it does"));
    }
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    let r = &results[0];
    assert_eq!(r["ruleId"], "discarded-cancel");
    assert_eq!(r["level"], "error");
    assert_eq!(
        rules[r["ruleIndex"].as_u64().unwrap() as usize]["id"],
        "discarded-cancel"
    );
    let loc = &r["locations"][0]["physicalLocation"];
    assert_eq!(loc["artifactLocation"]["uri"], "src%20dir/a.go");
    assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
    assert_eq!(loc["region"]["startLine"], 6);
    assert_eq!(loc["region"]["startColumn"], 7);
    assert_eq!(loc["region"]["endLine"], 6);
    assert_eq!(loc["region"]["endColumn"], 8);
    let prints = |doc: &Value| -> Vec<String> {
        doc["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"]["ctxlint/v1"]
                    .as_str()
                    .unwrap()
                    .to_string()
            })
            .collect()
    };
    let before = prints(&doc);
    assert_ne!(before[0], before[1]);
    // Moving the code down keeps the fingerprints; the line numbers change.
    write(dir.path(), "src dir/a.go", two_findings(3));
    let moved = sarif(dir.path());
    assert_eq!(prints(&moved), before);
    assert_eq!(
        moved["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"],
        9
    );
}

#[test]
fn github_format_prints_escaped_annotations_then_the_human_report() {
    let dir = tree(&[("a,b.go", LEAK), ("h.go", HANDLER)]);
    fs::create_dir(dir.path().join(".git")).unwrap();
    let o = ctxlint(
        dir.path(),
        &["check", "--format", "github", "--color", "never"],
    );
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    let lines: Vec<&str> = out.lines().collect();
    assert!(
        lines[0].starts_with("::error file=a%2Cb.go,line=6,col=7,endLine=6,endColumn=8,title=ctxlint (discarded-cancel)::the cancel function returned by `context.WithCancel` is discarded"),
        "{}",
        lines[0]
    );
    assert!(lines[0].contains("%0Ahelp: "), "{}", lines[0]);
    assert!(
        lines[1].starts_with("::error file=h.go,line=9,"),
        "{}",
        lines[1]
    );
    assert!(
        lines[2].starts_with("::warning file=h.go,line=9,"),
        "{}",
        lines[2]
    );
    assert!(out.contains("error[discarded-cancel]"), "{out}");
    assert!(
        out.trim_end()
            .lines()
            .last()
            .unwrap_or("")
            .starts_with("found 3 problems in 2 files (2 scanned); "),
        "{out}"
    );
}

#[test]
fn output_files_let_one_run_produce_several_reports() {
    let dir = tree(&[("a.go", LEAK)]);
    let o = ctxlint(
        dir.path(),
        &[
            "check",
            "--format",
            "github",
            "--output",
            "sarif:r.sarif",
            "--output",
            "json:r.json",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    let sarif: Value =
        serde_json::from_slice(&fs::read(dir.path().join("r.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1);
    let json: Value =
        serde_json::from_slice(&fs::read(dir.path().join("r.json")).unwrap()).unwrap();
    assert_eq!(json["summary"]["diagnostics"], 1);
    // A plain --output replaces stdout.
    let o = ctxlint(
        dir.path(),
        &["check", "--format", "short", "--output", "r.txt"],
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(stdout(&o), "");
    assert!(fs::read_to_string(dir.path().join("r.txt"))
        .unwrap()
        .starts_with("a.go:6:7: error[discarded-cancel]"));
    let bad = ctxlint(
        dir.path(),
        &["check", "--output", "sarif:no/such/dir.sarif"],
    );
    assert_eq!(bad.status.code(), Some(2));
    assert!(
        stderr(&bad).contains("no/such/dir.sarif"),
        "{}",
        stderr(&bad)
    );
}

#[test]
fn new_from_rev_reports_only_added_or_changed_lines() {
    let dir = tree(&[("old.go", LEAK), ("mod.go", LEAK)]);
    let d = dir.path();
    git(d, &["init", "-q", "-b", "main"]);
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "base"]);
    git(d, &["checkout", "-q", "-b", "feature"]);
    // A new finding in mod.go (committed), one in an untracked file, and the old ones moved.
    write(d, "mod.go", two_findings(2));
    git(d, &["commit", "-q", "-am", "change"]);
    write(d, "new.go", LEAK);
    write(
        d,
        "old.go",
        LEAK.replace("package p\n", "package p\n\n// moved\n"),
    );
    assert_eq!(
        json(d, &["--new-from-rev", "main"]),
        [
            (
                "mod.go".into(),
                10,
                "error".into(),
                "discarded-cancel".into()
            ),
            (
                "new.go".into(),
                6,
                "error".into(),
                "discarded-cancel".into()
            ),
        ]
    );
    // From a subdirectory, paths still match the diff.
    fs::create_dir(d.join("sub")).unwrap();
    write(d, "sub/s.go", LEAK);
    let sub = json(&d.join("sub"), &["--new-from-rev", "main", "."]);
    assert_eq!(
        sub,
        [("s.go".into(), 6, "error".into(), "discarded-cancel".into())]
    );
    let o = ctxlint(d, &["check", "--new-from-rev", "origin/nope"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("revision `origin/nope` is not in this repository"),
        "{}",
        stderr(&o)
    );
    assert!(stderr(&o).contains("fetch-depth: 0"), "{}", stderr(&o));

    // A shallow clone of the branch: the base is missing, then present without a merge-base.
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "more"]);
    let url = format!("file://{}", d.display());
    let parent = tempfile::tempdir().unwrap();
    git(
        parent.path(),
        &[
            "clone", "-q", "--depth", "1", "--branch", "feature", &url, "shallow",
        ],
    );
    let shallow = parent.path().join("shallow");
    let o = ctxlint(&shallow, &["check", "--new-from-rev", "origin/main"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("is not in this repository; in a shallow clone"),
        "{}",
        stderr(&o)
    );
    git(
        &shallow,
        &[
            "fetch",
            "-q",
            "--depth",
            "1",
            "origin",
            "main:refs/remotes/origin/main",
        ],
    );
    let o = ctxlint(&shallow, &["check", "--new-from-rev", "origin/main"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("no merge-base of `origin/main` and HEAD"),
        "{}",
        stderr(&o)
    );
    // With the history, it works.
    git(&shallow, &["fetch", "-q", "--unshallow", "origin"]);
    let o = ctxlint(
        &shallow,
        &[
            "check",
            "--format",
            "short",
            "--new-from-rev",
            "origin/main",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o)
            .lines()
            .map(|l| l.split(':').next().unwrap())
            .collect::<Vec<_>>(),
        ["mod.go", "new.go", "sub/s.go"]
    );
}

#[test]
fn baseline_silences_recorded_findings_even_when_they_move() {
    let dir = tree(&[("a.go", &two_findings(0))]);
    let d = dir.path();
    fs::create_dir(d.join(".git")).unwrap();
    let o = ctxlint(d, &["check", "--write-baseline", "baseline.json"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(stderr(&o).contains("recorded 2 findings in baseline.json"));
    let baseline: Value =
        serde_json::from_slice(&fs::read(d.join("baseline.json")).unwrap()).unwrap();
    assert_eq!(baseline["version"], 1);
    assert_eq!(baseline["findings"].as_array().unwrap().len(), 2);
    assert_eq!(baseline["findings"][0]["path"], "a.go");
    assert!(json(d, &["--baseline", "baseline.json"]).is_empty());
    // Code added above: same findings, silenced. A new copy of a line: reported once.
    let moved = two_findings(4).replace(
        "\t_ = ctx\n",
        "\t_ = ctx\n\tctx, _ := context.WithCancel(p)\n",
    );
    write(d, "a.go", moved);
    assert_eq!(json(d, &["--baseline", "baseline.json"]).len(), 1);
    assert_eq!(json(d, &[]).len(), 3);
    write(d, "bad.json", "{}");
    let o = ctxlint(d, &["check", "--baseline", "bad.json"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a ctxlint baseline"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn stdin_is_linted_as_the_named_file() {
    let dir = tree(&[
        (
            "ctxlint.toml",
            "exclude = [\"gen/\"]\n[rules.discarded-cancel]\nseverity = \"warning\"\n",
        ),
        ("pkg/x.go", "package p\n"),
    ]);
    fs::create_dir(dir.path().join(".git")).unwrap();
    let d = dir.path();
    let o = ctxlint_stdin(
        d,
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "pkg/x.go",
            "-",
        ],
        Some(LEAK),
    );
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        findings(&o),
        [(
            "pkg/x.go".into(),
            6,
            "warning".into(),
            "discarded-cancel".into()
        )]
    );
    // Config found from NAME's directory even when run elsewhere, and NAME need not exist.
    let elsewhere = tempfile::tempdir().unwrap();
    let name = d.join("pkg/new.go");
    let o = ctxlint_stdin(
        elsewhere.path(),
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            name.to_str().unwrap(),
            "-",
        ],
        Some(LEAK),
    );
    assert_eq!(findings(&o)[0].2, "warning", "{}", stderr(&o));
    // Excluded by the config: nothing to report.
    let o = ctxlint_stdin(
        d,
        &[
            "check",
            "--format",
            "json",
            "--stdin-filename",
            "gen/g.go",
            "-",
        ],
        Some(LEAK),
    );
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(findings(&o).is_empty());
    // --exit-zero keeps the findings but exits 0.
    let o = ctxlint_stdin(
        d,
        &[
            "check",
            "--format",
            "short",
            "--exit-zero",
            "--stdin-filename",
            "y.go",
            "-",
        ],
        Some(LEAK),
    );
    assert_eq!(o.status.code(), Some(0));
    assert!(
        stdout(&o).starts_with("y.go:6:7: warning[discarded-cancel]"),
        "{}",
        stdout(&o)
    );
    // Misuse is a usage error.
    for args in [
        &["check", "-"][..],
        &["check", "--stdin-filename", "a.go"],
        &["check", "--stdin-filename", "a.txt", "-"],
        &["check", "--stdin-filename", "a.go", "-", "pkg"],
    ] {
        let o = ctxlint_stdin(d, args, Some(LEAK));
        assert_eq!(o.status.code(), Some(2), "{args:?}");
    }
    // --exit-zero does not hide errors.
    let o = ctxlint(d, &["check", "--exit-zero", "missing.go"]);
    assert_eq!(o.status.code(), Some(2));
}

fn yaml(path: &str) -> yaml_rust2::Yaml {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(path)).unwrap();
    let mut docs =
        yaml_rust2::YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert_eq!(docs.len(), 1, "{path}");
    docs.remove(0)
}

#[test]
fn pre_commit_hook_is_defined() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_vec().expect("a list of hooks");
    assert_eq!(hooks.len(), 1);
    let hook = &hooks[0];
    assert_eq!(hook["id"].as_str(), Some("ctxlint"));
    assert_eq!(hook["language"].as_str(), Some("rust"));
    // --force-exclude: staged vendor/, testdata/ and generated files are skipped like `check .`.
    assert_eq!(
        hook["entry"].as_str(),
        Some("ctxlint check --force-exclude")
    );
    assert_eq!(hook["require_serial"].as_bool(), Some(false));
    let types: Vec<&str> = hook["types_or"]
        .as_vec()
        .unwrap()
        .iter()
        .filter_map(|t| t.as_str())
        .collect();
    assert_eq!(types, ["go", "rust"]);
    // pre-commit installs the package: the manifest must stay a real package with the binary.
    let manifest =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    assert!(manifest.contains("[package]") && manifest.contains("name = \"ctxlint\""));
}

#[test]
fn github_action_is_a_well_formed_composite_action() {
    let action = yaml("action.yml");
    assert!(action["name"].as_str().is_some());
    assert!(action["description"].as_str().is_some());
    for input in [
        "version",
        "paths",
        "args",
        "only-new-issues",
        "sarif",
        "fail-on",
        "fail-on-findings",
    ] {
        let i = &action["inputs"][input];
        assert!(i["description"].as_str().is_some(), "input {input}");
        assert!(
            i["default"].as_str().is_some(),
            "input {input} has a string default"
        );
    }
    assert_eq!(action["runs"]["using"].as_str(), Some("composite"));
    let steps = action["runs"]["steps"].as_vec().unwrap();
    let mut uses = Vec::new();
    let mut scripts = String::new();
    for step in steps {
        assert!(step["name"].as_str().is_some(), "every step is named");
        match (step["uses"].as_str(), step["run"].as_str()) {
            (Some(u), None) => uses.push(u.split('@').next().unwrap().to_string()),
            (None, Some(run)) => {
                // A composite action's run step must say its shell.
                assert_eq!(step["shell"].as_str(), Some("bash"));
                scripts.push_str(run);
            }
            _ => panic!("a step either uses an action or runs a script: {step:?}"),
        }
    }
    assert_eq!(uses, ["actions/cache", "github/codeql-action/upload-sarif"]);
    // The release binary is downloaded (.ci/test-install.sh tests that script against a local
    // server); cargo builds only when no release matches.
    assert!(scripts.contains(".github/scripts/action-install.sh"));
    assert!(scripts.contains("cargo install --locked --path \"$ACTION_PATH\""));
    assert!(scripts.contains("--fail-on \"$FAIL_ON\""));
    assert!(text_of_uses(steps).contains("github/codeql-action/upload-sarif@v4"));
    assert!(scripts.contains("--format github"));
    assert!(scripts.contains("--new-from-rev"));
    assert!(scripts.contains("sarif:"));
    // Inputs reach scripts through env, never spliced into the script text.
    assert!(!scripts.contains("${{"), "{scripts}");
    let text =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    for referenced in [
        "inputs.paths",
        "inputs.args",
        "inputs.only-new-issues",
        "inputs.sarif",
        "inputs.fail-on-findings",
        "github.action_path",
        "github.action_ref",
    ] {
        assert!(text.contains(referenced), "{referenced}");
    }
}

fn text_of_uses(steps: &[yaml_rust2::Yaml]) -> String {
    steps
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn the_readme_config_example_is_valid() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let section = readme
        .split("## Configuration")
        .nth(1)
        .expect("a Configuration section");
    let example = section
        .split("```toml\n")
        .nth(1)
        .and_then(|s| s.split("```").next())
        .expect("a toml example");
    let dir = tree(&[("ctxlint.toml", example), ("a.go", LEAK)]);
    fs::create_dir(dir.path().join(".git")).unwrap();
    let o = ctxlint(dir.path(), &["check"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
}
