//! The machine-readable reports, checked against schemas: ctxlint's own JSON output and
//! config (`schemas/`, public), GitLab Code Quality and rdjson (`tests/schemas/`, written from
//! those formats' documentation), and the XML reports (Checkstyle, JUnit) parsed and checked
//! element by element.

mod common;

use std::path::Path;

use common::{ctxlint, stdout, tree, write};
use serde_json::Value;

const HANDLER: &str = "package api\n\nimport (\n\t\"context\"\n\t\"net/http\"\n\t\"time\"\n)\n\nfunc Handle(w http.ResponseWriter, r *http.Request) {\n\tctx, _ := context.WithTimeout(r.Context(), time.Second)\n\t_ = ctx\n\twork(context.Background())\n}\n\nfunc work(ctx context.Context) {}\n";

fn repo_file(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// Validates `instance` against the JSON Schema at `schema` (a repository path).
fn validate(schema: &str, instance: &Value) -> Result<(), String> {
    let schema_value: Value = serde_json::from_str(&repo_file(schema)).unwrap();
    let mut schemas = boon::Schemas::new();
    let mut compiler = boon::Compiler::new();
    let url = format!("file:///{schema}");
    compiler.add_resource(&url, schema_value).unwrap();
    let index = compiler
        .compile(&url, &mut schemas)
        .unwrap_or_else(|e| panic!("{schema}: {e}"));
    schemas
        .validate(instance, index)
        .map_err(|e| format!("{e:#}"))
}

fn json(out: &str) -> Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

/// Every fixture of the repository, every rule: the widest set of findings we have.
fn testdata(format: &str) -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let o = ctxlint(
        root,
        &[
            "check",
            "--isolated",
            "--no-default-excludes",
            "--select",
            "ALL",
            "--format",
            format,
            "testdata",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", common::stderr(&o));
    stdout(&o)
}

#[test]
fn json_output_matches_its_published_schema() {
    let doc = json(&testdata("json"));
    assert!(doc["diagnostics"].as_array().unwrap().len() > 50);
    validate("schemas/ctxlint-output.schema.json", &doc).unwrap();
    // With a file that cannot be analysed, and with UTF-16 columns.
    let dir = tree(&[("a.go", HANDLER)]);
    write(dir.path(), "bad.go", b"package p\n\xff\n");
    let o = ctxlint(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--column-encoding",
            "utf-16",
            ".",
        ],
    );
    let doc = json(&stdout(&o));
    assert_eq!(doc["errors"].as_array().unwrap().len(), 1);
    validate("schemas/ctxlint-output.schema.json", &doc).unwrap();
    // And the schema is not a rubber stamp.
    let mut broken = doc.clone();
    broken["diagnostics"][0]["severity"] = "fatal".into();
    assert!(validate("schemas/ctxlint-output.schema.json", &broken).is_err());
}

#[test]
fn gitlab_code_quality_report_matches_the_format() {
    let report = json(&testdata("gitlab"));
    validate("tests/schemas/gitlab-codequality.schema.json", &report).unwrap();
    let issues = report.as_array().unwrap();
    assert!(issues.len() > 50);
    // GitLab tells issues apart by fingerprint: unique within a report.
    let mut prints: Vec<&str> = issues
        .iter()
        .map(|i| i["fingerprint"].as_str().unwrap())
        .collect();
    prints.sort_unstable();
    prints.dedup();
    assert_eq!(prints.len(), issues.len());
    // Paths relative to the repository root, whatever the current directory.
    let dir = tree(&[("svc/api/h.go", HANDLER)]);
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let o = ctxlint(
        &dir.path().join("svc"),
        &["check", "--format", "gitlab", "api"],
    );
    let report = json(&stdout(&o));
    validate("tests/schemas/gitlab-codequality.schema.json", &report).unwrap();
    assert_eq!(report[0]["location"]["path"], "svc/api/h.go");
    assert_eq!(report[0]["location"]["lines"]["begin"], 10);
    assert_eq!(report[0]["check_name"], "discarded-cancel");
    assert_eq!(report[0]["severity"], "major");
    assert_eq!(report[1]["severity"], "minor");
    // No findings: an empty array, which GitLab accepts.
    let clean = tree(&[("a.go", "package p\n")]);
    let o = ctxlint(clean.path(), &["check", "--format", "gitlab"]);
    assert_eq!(json(&stdout(&o)), serde_json::json!([]));
}

#[test]
fn rdjson_report_matches_the_format() {
    let report = json(&testdata("rdjson"));
    validate("tests/schemas/rdjson.schema.json", &report).unwrap();
    let dir = tree(&[("h.go", HANDLER)]);
    let o = ctxlint(dir.path(), &["check", "--format", "rdjson"]);
    let report = json(&stdout(&o));
    validate("tests/schemas/rdjson.schema.json", &report).unwrap();
    let first = &report["diagnostics"][0];
    assert_eq!(first["code"]["value"], "discarded-cancel");
    assert_eq!(first["severity"], "ERROR");
    assert_eq!(first["location"]["path"], "h.go");
    assert_eq!(
        first["location"]["range"]["start"],
        serde_json::json!({"line": 10, "column": 7})
    );
    // The safe fix becomes a suggestion; the unsafe one does not.
    assert!(first["suggestions"][0]["text"]
        .as_str()
        .unwrap()
        .contains("cancel"));
    assert!(report["diagnostics"][1].get("suggestions").is_none());
}

fn xml(text: &str) -> roxmltree::Document<'_> {
    roxmltree::Document::parse(text).unwrap_or_else(|e| panic!("{e}: {text}"))
}

/// A file whose name needs escaping, a finding, and a file that cannot be analysed.
fn awkward_tree() -> tempfile::TempDir {
    let dir = tree(&[("a&<b>\".go", HANDLER)]);
    write(dir.path(), "bad.go", b"package p\n\xff\n");
    dir
}

#[test]
fn checkstyle_report_is_well_formed_and_complete() {
    let dir = awkward_tree();
    let o = ctxlint(dir.path(), &["check", "--format", "checkstyle"]);
    assert_eq!(o.status.code(), Some(2));
    let text = stdout(&o);
    let doc = xml(&text);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "checkstyle");
    let files: Vec<_> = root.children().filter(|n| n.has_tag_name("file")).collect();
    let names: Vec<_> = files.iter().map(|f| f.attribute("name").unwrap()).collect();
    assert_eq!(names, ["a&<b>\".go", "bad.go"]);
    let errors: Vec<_> = files[0]
        .children()
        .filter(|n| n.has_tag_name("error"))
        .collect();
    assert_eq!(errors.len(), 2);
    for (e, (line, column, severity, source)) in errors.iter().zip([
        ("10", "7", "error", "ctxlint.discarded-cancel"),
        ("12", "7", "warning", "ctxlint.background-in-handler"),
    ]) {
        assert_eq!(e.attribute("line"), Some(line));
        assert_eq!(e.attribute("column"), Some(column));
        assert_eq!(e.attribute("severity"), Some(severity));
        assert_eq!(e.attribute("source"), Some(source));
        assert!(!e.attribute("message").unwrap().is_empty());
    }
    let exception = files[1]
        .children()
        .find(|n| n.has_tag_name("exception"))
        .unwrap();
    assert!(exception.text().unwrap().contains("UTF-8"));
    // Every finding of the fixtures is there.
    let all = testdata("checkstyle");
    let count = xml(&all)
        .descendants()
        .filter(|n| n.has_tag_name("error"))
        .count();
    let json_count = json(&testdata("json"))["diagnostics"]
        .as_array()
        .unwrap()
        .len();
    assert_eq!(count, json_count);
}

#[test]
fn junit_report_has_a_failing_case_per_finding() {
    let dir = awkward_tree();
    let o = ctxlint(dir.path(), &["check", "--format", "junit"]);
    let text = stdout(&o);
    let doc = xml(&text);
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("failures"), Some("2"));
    assert_eq!(root.attribute("errors"), Some("1"));
    assert_eq!(root.attribute("tests"), Some("3"));
    let cases: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 3);
    let failure = cases[0]
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(failure.attribute("type"), Some("discarded-cancel"));
    assert_eq!(cases[0].attribute("file"), Some("a&<b>\".go"));
    assert_eq!(cases[0].attribute("line"), Some("10"));
    assert!(cases[2].children().any(|n| n.has_tag_name("error")));
    // Suites add up to the totals.
    let sum = |attr: &str| -> usize {
        root.children()
            .filter(|n| n.has_tag_name("testsuite"))
            .map(|s| s.attribute(attr).unwrap().parse::<usize>().unwrap())
            .sum()
    };
    assert_eq!((sum("tests"), sum("failures"), sum("errors")), (3, 2, 1));
    // A clean run is one passing case, so CI shows a green test rather than none.
    let clean = tree(&[("a.go", "package p\n")]);
    let o = ctxlint(clean.path(), &["check", "--format", "junit"]);
    assert_eq!(o.status.code(), Some(0));
    let text = stdout(&o);
    let doc = xml(&text);
    let cases: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 1);
    assert!(cases[0].first_element_child().is_none());
}

/// The config schema accepts what ctxlint accepts and rejects what it rejects.
#[test]
fn config_schema_agrees_with_the_config_parser() {
    let schema: Value = json(&repo_file("schemas/ctxlint.schema.json"));
    let listed: Vec<&str> = schema["$defs"]["rule"]["anyOf"][0]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for name in ctxlint::rules::RULES.iter().map(|r| r.name) {
        assert!(
            listed.contains(&name),
            "add the rule `{name}` to $defs.rule and $defs.selection in schemas/ctxlint.schema.json"
        );
    }
    let readme = repo_file("README.md");
    let readme_example = readme
        .split("## Configuration")
        .nth(1)
        .and_then(|s| s.split("```toml\n").nth(1))
        .and_then(|s| s.split("```").next())
        .unwrap()
        .to_string();
    let valid = [
        readme_example.as_str(),
        "select = [\"ALL\"]\nignore = [\"test-background-context\"]\n",
        "[per-file-ignores]\n\"*_test.go\" = [\"background-in-handler\"]\n\"gen/**\" = [\"ALL\"]\n",
        "[rules.discarded-cancel]\nseverity = \"off\"\n",
        "[go]\ncancel-functions = [\"a.b/c.D\", { function = \"a.b/c.E\", result = 0 }]\n",
    ];
    let invalid = [
        "selct = [\"discarded-cancel\"]\n",
        "select = \"discarded-cancel\"\n",
        "[rules.discarded-cancel]\nseverity = \"fatal\"\n",
        "[rules.discarded-cancel]\nlevel = \"error\"\n",
        "[go]\nhandler-types = [{ package = \"a\", type = \"B\" }]\n",
        "[per-file-ignores]\n\"*.go\" = \"discarded-cancel\"\n",
    ];
    for (text, expected) in valid
        .iter()
        .map(|t| (t, true))
        .chain(invalid.iter().map(|t| (t, false)))
    {
        let value: toml::Value = toml::from_str(text).unwrap();
        let instance = serde_json::to_value(value).unwrap();
        let by_schema = validate("schemas/ctxlint.schema.json", &instance);
        assert_eq!(
            by_schema.is_ok(),
            expected,
            "schema on {text:?}: {by_schema:?}"
        );
        let by_parser = ctxlint::config::Config::parse(Path::new("ctxlint.toml"), text);
        assert_eq!(
            by_parser.is_ok(),
            expected,
            "parser on {text:?}: {by_parser:?}"
        );
    }
}
