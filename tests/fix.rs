//! `check --fix`, `--unsafe-fixes` and `--diff` as a user runs them, on files in a temporary
//! directory.

use std::fs;

mod common;
use common::*;

/// A discarded cancel function inside a nested block (two tabs of indentation).
const LEAK: &str = "\
package p

import (
	\"context\"
	\"time\"
)

func f(parent context.Context) error {
	if parent != nil {
		ctx, _ := context.WithTimeout(parent, time.Second)
		return use(ctx)
	}
	return nil
}
";

const LEAK_FIXED: &str = "\
package p

import (
	\"context\"
	\"time\"
)

func f(parent context.Context) error {
	if parent != nil {
		ctx, cancel := context.WithTimeout(parent, time.Second)
		defer cancel()
		return use(ctx)
	}
	return nil
}
";

/// Only an unsafe fix: the derived context escapes in a `go` statement, and a handler uses
/// `context.Background()`.
const HANDLER: &str = "\
package p

import (
	\"context\"
	\"net/http\"
)

func handle(w http.ResponseWriter, r *http.Request) {
	load(context.Background())
}
";

const CLEAN: &str = "package p\n\nfunc g() {}\n";

#[test]
fn fix_applies_the_safe_fix_and_reports_nothing_left() {
    let dir = tree(&[("a/leak.go", LEAK)]);
    let o = ctxlint(dir.path(), &["check", "--fix", "--color", "never"]);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    assert_eq!(read(dir.path(), "a/leak.go"), LEAK_FIXED);
    assert_eq!(stdout(&o), "no problems found in 1 file\n");
    assert_eq!(stderr(&o), "applied 1 fix in 1 file\n");
}

#[test]
fn a_second_fix_run_changes_nothing() {
    let dir = tree(&[("leak.go", LEAK), ("handler.go", HANDLER)]);
    let first = ctxlint(dir.path(), &["check", "--fix", "--format", "short"]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let after_first = (read(dir.path(), "leak.go"), read(dir.path(), "handler.go"));
    assert_eq!(after_first.0, LEAK_FIXED);
    let second = ctxlint(dir.path(), &["check", "--fix", "--format", "short"]);
    assert_eq!(second.status.code(), Some(1));
    assert_eq!(stdout(&second), stdout(&first));
    // Nothing left to fix: said plainly, not "applied 0 fixes".
    assert_eq!(stderr(&second), "no fixes to apply\n");
    let after_second = (read(dir.path(), "leak.go"), read(dir.path(), "handler.go"));
    assert_eq!(after_second, after_first);
    let diff = ctxlint(dir.path(), &["check", "--diff"]);
    assert_eq!(diff.status.code(), Some(0), "{}", stdout(&diff));
    assert_eq!(stdout(&diff), "");
}

#[test]
fn unsafe_fixes_need_unsafe_fixes() {
    let dir = tree(&[("handler.go", HANDLER)]);
    let safe = ctxlint(dir.path(), &["check", "--fix", "--format", "short"]);
    assert_eq!(safe.status.code(), Some(1));
    assert_eq!(read(dir.path(), "handler.go"), HANDLER);
    assert!(
        stdout(&safe).contains("background-in-handler"),
        "{}",
        stdout(&safe)
    );
    let all = ctxlint(
        dir.path(),
        &["check", "--fix", "--unsafe-fixes", "--format", "short"],
    );
    assert_eq!(all.status.code(), Some(0), "{}", stdout(&all));
    // The fix took the last use of `context`: its import goes too (Go refuses unused imports).
    assert_eq!(
        read(dir.path(), "handler.go"),
        HANDLER
            .replace("context.Background()", "r.Context()")
            .replace("\t\"context\"\n", "")
    );
    assert_eq!(stderr(&all), "applied 1 fix in 1 file\n");
    // `--unsafe-fixes` alone is a usage error.
    let alone = ctxlint(dir.path(), &["check", "--unsafe-fixes"]);
    assert_eq!(alone.status.code(), Some(2));
}

#[test]
fn diff_prints_what_fix_would_do_and_writes_nothing() {
    let dir = tree(&[
        ("a/leak.go", LEAK),
        ("handler.go", HANDLER),
        ("clean.go", CLEAN),
    ]);
    let o = ctxlint(dir.path(), &["check", "--diff", "a", "handler.go"]);
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "\
--- a/a/leak.go
+++ b/a/leak.go
@@ -7,7 +7,8 @@
 
 func f(parent context.Context) error {
 \tif parent != nil {
-\t\tctx, _ := context.WithTimeout(parent, time.Second)
+\t\tctx, cancel := context.WithTimeout(parent, time.Second)
+\t\tdefer cancel()
 \t\treturn use(ctx)
 \t}
 \treturn nil
"
    );
    assert_eq!(stderr(&o), "would apply 1 fix in 1 file\n");
    assert_eq!(read(dir.path(), "a/leak.go"), LEAK);

    let unsafe_too = ctxlint(
        dir.path(),
        &["check", "--diff", "--unsafe-fixes", "handler.go"],
    );
    assert_eq!(unsafe_too.status.code(), Some(1));
    assert_eq!(
        stdout(&unsafe_too),
        "\
--- a/handler.go
+++ b/handler.go
@@ -1,10 +1,9 @@
 package p
 
 import (
-\t\"context\"
 \t\"net/http\"
 )
 
 func handle(w http.ResponseWriter, r *http.Request) {
-\tload(context.Background())
+\tload(r.Context())
 }
"
    );
    assert_eq!(read(dir.path(), "handler.go"), HANDLER);

    let clean = ctxlint(dir.path(), &["check", "--diff", "clean.go"]);
    assert_eq!(clean.status.code(), Some(0));
    assert_eq!(stdout(&clean), "");
    // The diff is the only thing on stdout: another format makes no sense with it.
    let json = ctxlint(dir.path(), &["check", "--diff", "--format", "json"]);
    assert_eq!(json.status.code(), Some(2));
}

#[test]
fn the_free_name_avoids_names_already_used_in_the_function() {
    let src = LEAK.replace(
        "\tif parent != nil {\n",
        "\tcancel := func() {}\n\tcancel()\n\tif parent != nil {\n",
    );
    let dir = tree(&[("leak.go", &src)]);
    let o = ctxlint(dir.path(), &["check", "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        read(dir.path(), "leak.go"),
        src.replace(
            "ctx, _ := context.WithTimeout(parent, time.Second)\n",
            "ctx, cancel2 := context.WithTimeout(parent, time.Second)\n\t\tdefer cancel2()\n"
        )
    );
}

#[test]
fn overlapping_fixes_are_applied_one_pass_at_a_time_with_a_note() {
    // Both fixes insert their `defer` after the same `var` block: the second is dropped from
    // the first pass, and the re-lint offers it again with a name that is still free.
    let src = "\
package p

import \"context\"

func g(p context.Context) {
\tvar (
\t\tx, _ = context.WithCancel(p)
\t\ty, _ = context.WithCancel(p)
\t)
\t_, _ = x, y
}
";
    let dir = tree(&[("g.go", src)]);
    let o = ctxlint(dir.path(), &["check", "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stdout(&o));
    assert_eq!(
        stderr(&o),
        "note: g.go:8: the fix of `discarded-cancel` overlaps the fix of `discarded-cancel` at \
         line 7; dropped from this pass, the file is re-linted and the next pass applies it if it \
         still can\n\
         applied 2 fixes in 1 file\n"
    );
    let fixed = read(dir.path(), "g.go");
    assert!(
        fixed.contains(
            "\t\tx, cancel = context.WithCancel(p)\n\t\ty, cancel2 = context.WithCancel(p)\n\t)\n"
        ),
        "{fixed}"
    );
    assert!(fixed.contains("\tdefer cancel()\n") && fixed.contains("\tdefer cancel2()\n"));
}

#[test]
fn json_shows_fixes_and_after_fix_only_what_remains() {
    let dir = tree(&[("leak.go", LEAK), ("handler.go", HANDLER)]);
    let before = ctxlint(dir.path(), &["check", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&before.stdout).unwrap();
    let fixes: Vec<&serde_json::Value> = doc["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| &d["fix"])
        .collect();
    assert_eq!(fixes.len(), 2);
    // handler.go sorts first: its fix is the unsafe replacement.
    assert_eq!(fixes[0]["applicability"], "unsafe");
    assert_eq!(fixes[0]["edits"][0]["new_text"], "r.Context()");
    assert_eq!(fixes[1]["applicability"], "safe");
    assert_eq!(
        fixes[1]["message"],
        "bind the cancel function to `cancel` and `defer cancel()`"
    );
    assert_eq!(fixes[1]["edits"][1]["new_text"], "\n\t\tdefer cancel()");
    assert_eq!(fixes[1]["edits"][0]["range"]["start"]["line"], 10);

    let after = ctxlint(dir.path(), &["check", "--fix", "--format", "json"]);
    assert_eq!(after.status.code(), Some(1));
    let doc: serde_json::Value =
        serde_json::from_slice(&after.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&after)));
    let remaining = doc["diagnostics"].as_array().unwrap();
    assert_eq!(remaining.len(), 1);
    assert_eq!(remaining[0]["rule"], "background-in-handler");
    assert_eq!(remaining[0]["fix"]["applicability"], "unsafe");
    assert_eq!(doc["summary"]["diagnostics"], 1);
    assert_eq!(stderr(&after), "applied 1 fix in 1 file\n");
}

#[test]
fn human_output_says_how_to_apply_a_fix() {
    let dir = tree(&[("leak.go", LEAK), ("handler.go", HANDLER)]);
    let o = ctxlint(dir.path(), &["check", "--color", "never"]);
    let out = stdout(&o);
    assert!(
        out.contains("= fix available with `--fix`: bind the cancel function to `cancel`"),
        "{out}"
    );
    assert!(
        out.contains(
            "= unsafe fix available with `--fix --unsafe-fixes`: replace with `r.Context()`"
        ),
        "{out}"
    );
}

#[test]
fn files_without_an_applicable_fix_are_not_touched() {
    let dir = tree(&[
        ("leak.go", LEAK),
        ("clean.go", CLEAN),
        ("handler.go", HANDLER),
    ]);
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(1_000_000_000);
    for name in ["clean.go", "handler.go"] {
        let file = fs::File::options()
            .write(true)
            .open(dir.path().join(name))
            .unwrap();
        file.set_modified(old).unwrap();
    }
    let o = ctxlint(dir.path(), &["check", "--fix"]);
    assert_eq!(o.status.code(), Some(1));
    for name in ["clean.go", "handler.go"] {
        let modified = fs::metadata(dir.path().join(name))
            .unwrap()
            .modified()
            .unwrap();
        assert_eq!(modified, old, "{name} was touched");
    }
    assert_eq!(read(dir.path(), "leak.go"), LEAK_FIXED);
    // No temporary file is left behind.
    let mut names: Vec<String> = fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["clean.go", "handler.go", "leak.go"]);
}

#[cfg(unix)]
#[test]
fn fixing_keeps_permissions_and_symlinks() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("real/leak.go", LEAK)]);
    let real = dir.path().join("real/leak.go");
    fs::set_permissions(&real, fs::Permissions::from_mode(0o751)).unwrap();
    std::os::unix::fs::symlink(&real, dir.path().join("link.go")).unwrap();
    let o = ctxlint(dir.path(), &["check", "--fix", "link.go"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read(dir.path(), "real/leak.go"), LEAK_FIXED);
    let mode = fs::metadata(&real).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o751);
    let link = fs::symlink_metadata(dir.path().join("link.go")).unwrap();
    assert!(link.file_type().is_symlink());
}

#[test]
fn a_fix_that_removes_the_last_use_of_an_import_removes_the_import() {
    // moby: background-in-handler replaced a file's only `context.TODO()`; the package no
    // longer compiled ("context" imported and not used).
    let only = "package p\n\nimport \"context\"\n\nimport \"net/http\"\n\nfunc handle(w http.ResponseWriter, r *http.Request) {\n\tfetch(context.TODO(), r.URL.Path)\n}\n";
    // Still used in a signature: the import stays.
    let typed = "package p\n\nimport (\n\t\"context\"\n\t\"net/http\"\n)\n\nfunc handle(w http.ResponseWriter, r *http.Request) {\n\tfetch(context.TODO(), r.URL.Path)\n}\n\nfunc fetch(ctx context.Context, p string) {}\n";
    let dir = tree(&[("only.go", only), ("typed.go", typed)]);
    let o = ctxlint(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(dir.path(), "only.go"),
        "package p\n\nimport \"net/http\"\n\nfunc handle(w http.ResponseWriter, r *http.Request) {\n\tfetch(r.Context(), r.URL.Path)\n}\n"
    );
    assert_eq!(
        read(dir.path(), "typed.go"),
        typed.replace("context.TODO()", "r.Context()")
    );
}

#[cfg(unix)]
#[test]
fn fixing_keeps_owner_group_and_mode() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    let dir = tree(&[("leak.go", LEAK)]);
    let path = dir.path().join("leak.go");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).unwrap();
    // Only root can give a file away; elsewhere the file keeps the runner's ids, which the
    // fix must keep as well.
    let _ = std::os::unix::fs::chown(&path, Some(1234), Some(5678));
    let before = fs::metadata(&path).unwrap();
    let o = ctxlint(dir.path(), &["check", "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(read(dir.path(), "leak.go"), LEAK_FIXED);
    let after = fs::metadata(&path).unwrap();
    assert_eq!((after.uid(), after.gid()), (before.uid(), before.gid()));
    assert_eq!(after.permissions().mode() & 0o777, 0o640);
}

#[cfg(unix)]
#[test]
fn fixes_are_never_written_outside_the_named_paths() {
    // `-L` follows a link out of the scanned tree: the file there is reported, not rewritten.
    let outside = tree(&[("leak.go", LEAK)]);
    let scanned = tree(&[("inside.go", LEAK)]);
    std::os::unix::fs::symlink(
        outside.path().join("leak.go"),
        scanned.path().join("link.go"),
    )
    .unwrap();
    let o = ctxlint(scanned.path(), &["check", "-L", "--fix", "."]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("link.go: the fixes could not be written: its real path")
            && stderr(&o).contains("is outside the paths named on the command line"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(outside.path(), "leak.go"), LEAK);
    assert_eq!(read(scanned.path(), "inside.go"), LEAK_FIXED);
}

#[cfg(unix)]
#[test]
fn read_only_files_are_reported_not_rewritten() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tree(&[("leak.go", LEAK)]);
    let path = dir.path().join("leak.go");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o444)).unwrap();
    let o = ctxlint(dir.path(), &["check", "--fix"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o)
            .contains("error: leak.go: the fixes could not be written: the file is read-only"),
        "{}",
        stderr(&o)
    );
    assert_eq!(read(dir.path(), "leak.go"), LEAK);
}

#[cfg(unix)]
#[test]
fn a_directory_that_refuses_the_temporary_file_is_named_with_the_cause() {
    use std::os::unix::fs::{MetadataExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    // A writable file in a directory where no file can be created: the fix cannot be written
    // atomically. The error used to name the temporary file, and the summary said "no fixes
    // to apply".
    //
    // Root may create files in any directory: the binary then runs as `nobody`, who must be
    // able to reach it and the file. The checkout (and its target directory) may sit in a
    // directory only its owner can enter (`mktemp -d`), so the binary is copied next to the
    // file, into a directory of the system's temporary directory that everyone may traverse.
    let stage = tempfile::tempdir_in(world_traversable_temp_dir()).unwrap();
    fs::set_permissions(stage.path(), fs::Permissions::from_mode(0o755)).unwrap();
    let binary = stage.path().join("ctxlint");
    fs::copy(env!("CARGO_BIN_EXE_ctxlint"), &binary).unwrap();
    fs::set_permissions(&binary, fs::Permissions::from_mode(0o755)).unwrap();
    let dir = stage.path().join("tree");
    fs::create_dir(&dir).unwrap();
    write(&dir, "leak.go", LEAK);
    let path = dir.join("leak.go");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o666)).unwrap();
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o555)).unwrap();
    let mut command = std::process::Command::new(&binary);
    command
        .args(["check", "--fix", "--format", "short", "leak.go"])
        .current_dir(&dir);
    if fs::metadata(&dir).unwrap().uid() == 0 {
        command.uid(65534).gid(65534);
    }
    // The copy was written through a file descriptor that a process forked meanwhile by
    // another test may still hold until it execs: running the copy then fails with "text file
    // busy" (ETXTBSY) for a moment. Try again until the descriptor is gone.
    let mut tries = 0;
    let o = loop {
        match command.output() {
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy && tries < 100 => {
                tries += 1;
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
            result => break result.unwrap(),
        }
    };
    fs::set_permissions(&dir, fs::Permissions::from_mode(0o755)).unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("error: leak.go: the fixes could not be written: cannot create a temporary file in its directory")
            && err.contains("(permission denied); left as it is"),
        "{err}"
    );
    assert!(!err.contains(".ctxlint-fix-"), "{err}");
    assert!(!err.contains("no fixes to apply"), "{err}");
    assert!(
        err.contains("the fixes to 1 file could not be written"),
        "{err}"
    );
    // The findings are reported as they are, and the file is left alone.
    assert!(stdout(&o).starts_with("leak.go:10:"), "{}", stdout(&o));
    assert_eq!(read(&dir, "leak.go"), LEAK);
}

/// The system's temporary directory, or `/tmp`, whichever every user can traverse down to
/// (each directory on the way executable by others); panics when neither is.
#[cfg(unix)]
fn world_traversable_temp_dir() -> std::path::PathBuf {
    use std::os::unix::fs::PermissionsExt;
    let traversable = |dir: &std::path::Path| {
        dir.canonicalize().is_ok_and(|dir| {
            dir.ancestors().all(|d| {
                fs::metadata(d).is_ok_and(|m| m.is_dir() && m.permissions().mode() & 0o001 != 0)
            })
        })
    };
    [std::env::temp_dir(), std::path::PathBuf::from("/tmp")]
        .into_iter()
        .find(|d| traversable(d))
        .expect("a temporary directory every user can traverse (TMPDIR or /tmp)")
}

#[test]
fn fixes_in_one_function_pick_distinct_names() {
    // Two `var` declarations in one scope: fixed in the same pass, both must not become
    // `cancel` (a redeclaration the parser would not catch).
    let src = "package p\n\nimport \"context\"\n\nfunc g(p context.Context) {\n\tvar x, _ = context.WithCancel(p)\n\tvar y, _ = context.WithCancel(p)\n\t_, _ = x, y\n}\n";
    let dir = tree(&[("g.go", src)]);
    let o = ctxlint(dir.path(), &["check", "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(dir.path(), "g.go"),
        "package p\n\nimport \"context\"\n\nfunc g(p context.Context) {\n\tvar x, cancel = context.WithCancel(p)\n\tdefer cancel()\n\tvar y, cancel2 = context.WithCancel(p)\n\tdefer cancel2()\n\t_, _ = x, y\n}\n"
    );
}

#[test]
fn inserted_lines_keep_trailing_comments_and_crlf_line_endings() {
    let src = "package p\r\n\r\nimport \"context\"\r\n\r\nfunc g(p context.Context) {\r\n\tctx, _ := context.WithCancel(p) // why\r\n\t_ = ctx\r\n}\r\n";
    let dir = tree(&[("g.go", src)]);
    let o = ctxlint(dir.path(), &["check", "--fix"]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert_eq!(
        read(dir.path(), "g.go"),
        "package p\r\n\r\nimport \"context\"\r\n\r\nfunc g(p context.Context) {\r\n\tctx, cancel := context.WithCancel(p) // why\r\n\tdefer cancel()\r\n\t_ = ctx\r\n}\r\n"
    );
}

#[test]
fn fixed_files_keep_their_trailing_comments_aligned_as_gofmt_does() {
    // testdata/fix/go: each `<name>.go` (gofmt-clean but for one literal left as it was)
    // and, in `<name>.go.want`, what `--fix --unsafe-fixes` must make of it: the comments of
    // a run a fix shortened, lengthened, split with an inserted line or joined by a deleted
    // import are aligned again as gofmt aligns them (checked with gofmt 1.27 when written),
    // and nothing else moves.
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/fix/go");
    let dir = tempfile::tempdir().unwrap();
    let mut cases = Vec::new();
    for entry in fs::read_dir(&root).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        if !name.ends_with(".want") {
            fs::copy(&path, dir.path().join(&name)).unwrap();
        }
        if name.ends_with(".go") {
            cases.push(name);
        }
    }
    cases.sort();
    assert_eq!(cases.len(), 3, "{cases:?}");
    let args = [
        "check",
        "--isolated",
        "--select",
        "ALL",
        "--fix",
        "--unsafe-fixes",
    ];
    let o = ctxlint(dir.path(), &args);
    assert_eq!(o.status.code(), Some(0), "{}{}", stdout(&o), stderr(&o));
    for name in &cases {
        let want = fs::read_to_string(root.join(format!("{name}.want"))).unwrap();
        assert_eq!(read(dir.path(), name), want, "{name}");
    }
    let again = ctxlint(dir.path(), &args);
    assert_eq!(stderr(&again), "no fixes to apply\n");
}

/// Every Go file under `dir`, sorted.
fn go_files(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            go_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "go") {
            out.push(path);
        }
    }
}

#[test]
fn fixes_of_every_go_fixture_pass_the_semantic_oracle() {
    // The oracle of the fix fuzz target, over every fixture (the moby and terraform cases of
    // testdata/go/*/realcode among them): after `--fix` and after `--fix --unsafe-fixes`, no
    // new finding, no name declared twice, no import left unused; after `--fix`, no
    // `defer cancel()` of an escaping context either (unsafe fixes may change behaviour).
    use ctxlint::fix::{fix_source, FixMode};
    use ctxlint::lang::Language;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/go");
    let mut files = Vec::new();
    go_files(&root, &mut files);
    let settings = ctxlint::LintSettings::only(ctxlint::rules::RULES);
    let mut fixed_files = 0;
    let mut failures = Vec::new();
    for (path, unsafe_fixes) in files.iter().flat_map(|p| [(p, false), (p, true)]) {
        let mode = FixMode {
            unsafe_fixes,
            write: false,
        };
        let fixes = if unsafe_fixes {
            ctxlint::oracle::Fixes::Unsafe
        } else {
            ctxlint::oracle::Fixes::Safe
        };
        let source = fs::read_to_string(path).unwrap();
        let lint = |text: &str| ctxlint::lint_file(Language::Go, text, Some(path), &settings);
        let Some(diagnostics) = lint(&source) else {
            continue;
        };
        let fixed = fix_source(Language::Go, &source, diagnostics, mode, lint);
        if fixed.source == source {
            continue;
        }
        fixed_files += 1;
        for problem in ctxlint::oracle::fix_problems(&source, &fixed.source, &settings, fixes) {
            failures.push(format!(
                "{} ({fixes:?}): {problem}",
                path.strip_prefix(&root).unwrap().display()
            ));
        }
    }
    assert!(
        fixed_files >= 20,
        "only {fixed_files} fixtures were changed by fixing"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
