//! The prefilter skips parsing files that cannot produce a finding, and partial parsing leaves
//! out the declarations of a Go file where none can be; neither may ever change what a run
//! reports. Compares full runs with both, with the prefilter alone and with neither, over every
//! fixture and a generated tree of look-alike files.

use std::path::{Path, PathBuf};

use ctxlint::{check, rules, CheckOptions, Report};

fn run(
    paths: Vec<PathBuf>,
    rules: Vec<&'static rules::Rule>,
    prefilter: bool,
    partial_parse: bool,
) -> Report {
    let mut options = CheckOptions::new(paths);
    options.settings.rules = rules;
    options.walk.default_excludes = false;
    options.settings.prefilter = prefilter;
    options.settings.partial_parse = partial_parse;
    check(&options).expect("check runs")
}

fn summary(report: &Report) -> Vec<String> {
    let mut lines: Vec<String> = report
        .files
        .iter()
        .flat_map(|f| {
            f.diagnostics
                .iter()
                .map(move |d| format!("{}:{}:{}: {}", f.path, d.span.start, d.rule, d.message))
        })
        .collect();
    lines.extend(
        report
            .errors
            .iter()
            .map(|e| format!("{}: {}", e.path, e.message)),
    );
    lines.push(format!("scanned {}", report.files_scanned));
    lines
}

/// All rules together, then each rule alone (a needle missing from one rule would otherwise
/// hide behind another rule's needles).
fn assert_same_with_and_without(path: &Path) {
    let mut sets = vec![rules::RULES.to_vec()];
    sets.extend(rules::RULES.iter().map(|r| vec![*r]));
    for rules in sets {
        let names: Vec<_> = rules.iter().map(|r| r.name).collect();
        let with = summary(&run(vec![path.to_path_buf()], rules.clone(), true, true));
        let prefilter_only = summary(&run(vec![path.to_path_buf()], rules.clone(), true, false));
        let without = summary(&run(vec![path.to_path_buf()], rules, false, false));
        assert!(with.len() > 1, "{names:?} finds nothing: {with:?}");
        assert_eq!(with, without, "{names:?}: prefilter and partial parsing");
        assert_eq!(prefilter_only, without, "{names:?}: prefilter");
    }
}

#[test]
fn prefilter_never_changes_results_on_the_fixtures() {
    let testdata = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata");
    assert_same_with_and_without(&testdata);
}

#[test]
fn prefilter_never_changes_results_on_look_alikes() {
    // Files that mention the needles only in comments, strings or other packages, files with
    // none, and real findings, mixed.
    let dir = tempfile::tempdir().unwrap();
    let bodies = [
        "package p\n\n// uses context\" in a comment only\nfunc f() {}\n",
        "package p\n\nimport ctx \"context\"\n\nfunc f(p ctx.Context) {\n\tc, _ := ctx.WithCancel(p)\n\t_ = c\n}\n",
        "package p\n\nimport \"example.com/context\"\n\nfunc f(p context.Context) {\n\tc, _ := context.WithCancel(p)\n\t_ = c\n}\n",
        "package p\n\nimport . \"os/signal\"\n\nfunc f(p T) {\n\tc, _ := NotifyContext(p)\n\t_ = c\n}\n",
        "package p\n\nvar s = \"context.Background()\"\n",
        "package p\n\nimport \"net/http\"\n\nfunc h(w http.ResponseWriter, r *http.Request) {}\n",
        "package p\n\nimport (\n\t\"context\"\n\t\"net/http\"\n)\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tuse(context.Background())\n}\n",
        "package p\n\nimport \"context\"\n\nfunc f(p context.Context, bad bool) {\n\t_, cancel := context.WithCancel(p)\n\tif bad {\n\t\treturn\n\t}\n\tcancel()\n}\n",
        "package p\n\nimport \"context\"\n\nfunc f(p context.Context, xs []int) {\n\tfor range xs {\n\t\t_, cancel := context.WithCancel(p)\n\t\tdefer cancel()\n\t}\n}\n",
        "package p\n\nimport (\n\t\"context\"\n\t\"testing\"\n)\n\nfunc TestF(t *testing.T) {\n\tuse(context.Background())\n}\n",
        "package p\n\nimport \"context\"\n\nfunc f(p context.Context, r R) {\n\tdefer r.Release(context.Background())\n}\n",
        // A wrapper, and a caller in the same package that imports neither context nor signal.
        "package p\n\nimport \"context\"\n\nfunc Start(p context.Context) (context.Context, context.CancelFunc) {\n\treturn context.WithCancel(p)\n}\n",
        "package p\n\nfunc g(p T) {\n\tc, _ := Start(p)\n\t_ = c\n}\n",
        // Goroutines: an abandoned channel, a request context used by a goroutine, an
        // errgroup's context after Wait; and the needles in a comment only.
        "package p\n\nimport \"time\"\n\nfunc f() {\n\tdone := make(chan int)\n\tgo func() { done <- 1 }()\n\tselect {\n\tcase <-done:\n\tcase <-time.After(1):\n\t}\n}\n",
        "package p\n\nimport \"net/http\"\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tgo use(r.Context())\n}\n",
        "package p\n\nimport (\n\t\"context\"\n\n\t\"golang.org/x/sync/errgroup\"\n)\n\nfunc f(ctx context.Context) error {\n\tg, ctx := errgroup.WithContext(ctx)\n\tg.Go(func() error { return use(ctx) })\n\t_ = g.Wait()\n\treturn use(ctx)\n}\n",
        "package p\n\n// a chan, a go statement and errgroup\" in a comment only\nfunc f() {}\n",
        // Calls without the context in scope: a handler importing only net/http, a struct
        // field of type `*sql.DB`, and a `Query` method of another type.
        "package p\n\nimport \"net/http\"\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\t_, _ = http.Get(\"/\")\n}\n",
        "package p\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n)\n\ntype S struct{ db *sql.DB; c C }\n\nfunc (s *S) f(ctx context.Context) {\n\t_, _ = s.db.Exec(\"x\")\n\t_ = s.c.Query(\"x\")\n}\n",
        // Needles in comment lines, raw strings and longer names only, around real code.
        "package p\n\nimport \"context\"\n\n// ctx, cancel := context.WithCancel(p)\nvar doc = `\n// go use(r.Context())\n`\n\nfunc f(p context.Context) { WithCancelled(p); _ = context.Background }\n",
        "package p\n\nimport \"context\"\n\nfunc f(p context.Context) {\n\t/* _, cancel := context.WithCancel(p) */ c, _ := context.WithTimeout(p, 1) // context.WithCancel\n\t_ = c\n}\n",
        // A go statement on its own line, a tab after `go`, `chan` next to a bracket.
        "package p\n\nimport \"net/http\"\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tgo\tuse(r.Context())\n}\n",
        "package p\n\nfunc f() int {\n\tdone := make(chan<- int)\n\tc := make(chan int)\n\tgo func() { c <- 1 }()\n\tif cond() {\n\t\treturn 0\n\t}\n\treturn <-c\n}\n",
        // A configured handler type without `Context` or `Request` in the file.
        "package p\n\nimport (\n\t\"context\"\n\n\t\"github.com/gin-gonic/gin\"\n)\n\nfunc h(c *gin.Engine) {\n\tuse(context.TODO())\n}\n",
        // Dot imports of context.
        "package p\n\nimport . \"context\"\n\nfunc f(p Context) {\n\tc, _ := WithCancel(p)\n\t_ = c\n\tuse(Background())\n}\n",
        // A function that starts its own root, its caller with a request's context (an RPC
        // handler's), and a method of an unknown type of the same name.
        "package p\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n)\n\nfunc load(db *sql.DB) error {\n\t_, err := db.ExecContext(context.Background(), \"x\")\n\treturn err\n}\n\nfunc h(ctx context.Context, req *LoadRequest, db *sql.DB, x X) {\n\t_ = load(db)\n\tx.load()\n}\n",
        // A caller of it in another file: a chain two functions down.
        "package p\n\nimport (\n\t\"context\"\n\t\"database/sql\"\n)\n\nfunc fetch(db *sql.DB) error {\n\treturn load(db)\n}\n\nfunc g(ctx context.Context, db *sql.DB) error {\n\treturn fetch(db)\n}\n",
        // Partial parsing: the function with the needles names helpers declared in functions
        // without any (a goroutine's function, a shadowed builtin, a never-returning call), a
        // package variable assigned elsewhere bounds a loop, a suppression above a function,
        // methods and several declarations on a line.
        "package p\n\nimport (\n\t\"context\"\n\t\"time\"\n)\n\nvar n = 3\n\nfunc setN() { n = 5 }\n\nfunc worker(c chan<- int) {\n\tc <- 1\n}\n\nfunc f(ctx context.Context) error {\n\tc := make(chan int)\n\tgo worker(c)\n\tselect {\n\tcase <-c:\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\t}\n\tfor i := 0; i < n; i++ {\n\t\tctx, cancel := context.WithTimeout(ctx, time.Second)\n\t\tdefer cancel()\n\t\t_ = ctx\n\t}\n\treturn nil\n}\n\nfunc unrelated() int { return 1 }\n",
        "package p\n\nimport \"context\"\n\nfunc make(n int) chan int { return nil }\n\nfunc stop() { panic(1) }\n\n//nolint:missing-defer-cancel\nfunc f(p context.Context) {\n\t_, cancel := context.WithCancel(p)\n\tif p == nil {\n\t\tstop()\n\t}\n\tcancel()\n}\n\nfunc g(p context.Context) {\n\tc := make(1)\n\tgo func() { c <- 1 }()\n\t_, cancel := context.WithCancel(p)\n\t_ = cancel\n}\n\nfunc (s *S) h() {}; func k() {}\n",
        "package p\n\nimport (\n\t\"context\"\n\t\"net/http\"\n)\n\ntype S struct{ ctx context.Context }\n\nfunc (s *S) run() {\n\tgo s.loop()\n}\n\nfunc (s *S) loop() {\n\t_, _ = http.Get(\"/\")\n\tuse(s.ctx)\n}\n\nfunc h(w http.ResponseWriter, r *http.Request) {\n\tgo func() { use(r.Context()) }()\n\tuse(context.Background())\n}\n\nfunc other() { var x = `\nfunc fake() {\n` ; _ = x }\n",
        // Request contexts: a gRPC handler's (its request type ends in `Request`), fiber's
        // `c.UserContext()` (no `Context` word), a type named `Context` of an unknown package;
        // and `make(chan`, `go` and `chan` in different functions.
        "package p\n\nimport (\n\t\"context\"\n\n\tpb \"example.com/pb\"\n)\n\ntype S struct{}\n\nfunc (s *S) Get(ctx context.Context, req *pb.GetRequest) (*pb.GetResponse, error) {\n\tgo work(ctx)\n\treturn nil, nil\n}\n\nfunc work(ctx context.Context) { _, _ = call(ctx) }\n",
        "package p\n\nimport \"github.com/gofiber/fiber/v2\"\n\nfunc h(c *fiber.Ctx) error {\n\tgo use(c.UserContext())\n\treturn nil\n}\n",
        "package p\n\nimport \"example.com/web\"\n\nfunc h(c *web.Context) {\n\tgo use(c.Request.Context())\n}\n",
        "package p\n\nfunc a() chan int { return make(chan int) }\n\nfunc b() {\n\tgo a()\n}\n\nfunc c(x chan int) { x <- 1 }\n",
        // Unbuffered channels spelled across lines, with blanks, a zero or a comma at the end,
        // an element type with commas and braces, a comment inside; buffered ones; the
        // goroutine's function a method of two types with the same name, that calls helpers.
        "package p\n\nimport \"context\"\n\nfunc f(ctx context.Context) error {\n\tc :=\n\t\tmake (\n\t\t\tchan func(a, b int) struct{},\n\t\t)\n\td := make(chan int, 0)\n\te := make(chan /* , 1 */ int)\n\tgo func() { c <- nil; d <- 1; e <- 1 }()\n\tselect {\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\tcase <-c:\n\t}\n\treturn nil\n}\n",
        "package p\n\nimport \"context\"\n\nfunc f(ctx context.Context) error {\n\tc := make(chan int, 1)\n\td := make(chan int, n(0))\n\tgo func() { c <- 1; d <- 1 }()\n\tselect {\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\tcase <-c:\n\t}\n\treturn nil\n}\n\nfunc n(x int) int { return x }\n",
        "package p\n\nimport \"context\"\n\ntype S struct{}\n\ntype T struct{}\n\nfunc (s *S) work(c chan<- int) { c <- helper() }\n\nfunc (t *T) work(c chan<- int) { close(c) }\n\nfunc helper() int { return deeper() }\n\nfunc deeper() int { return 1 }\n\nfunc (s *S) f(ctx context.Context) error {\n\tc := make(chan int)\n\tgo s.work(c)\n\tselect {\n\tcase <-ctx.Done():\n\t\treturn ctx.Err()\n\tcase <-c:\n\t}\n\treturn nil\n}\n\nfunc g(ctx context.Context) error {\n\tc := make(chan int)\n\tgo run(c)\n\tif ctx.Err() != nil {\n\t\treturn ctx.Err()\n\t}\n\treturn <-c\n}\n\nfunc run(c chan int) { c <- helper() }\n",
        // Broken code in a function without needles, left out: the same findings elsewhere.
        "package p\n\nimport \"context\"\n\nfunc broken() { x := }\n\nfunc f(p context.Context) {\n\t_, cancel := context.WithCancel(p)\n\t_ = cancel\n}\n",
    ];
    for i in 0..bodies.len() * 3 {
        let path = dir.path().join(format!("d{}/f{i}.go", i % 5));
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bodies[i % bodies.len()]).unwrap();
    }
    // Test files, where some rules report nothing (the prefilter skips them there).
    for (i, body) in bodies.iter().enumerate() {
        std::fs::write(dir.path().join(format!("d{}/t{i}_test.go", i % 5)), body).unwrap();
    }
    // Rust: each fixture with its findings, then with the needles spelled differently in ways
    // that hide nothing (`CancellationToken` named only through a glob import is still
    // spelled out at its use).
    let rust_bodies = [
        "// CancellationToken in a comment only
fn f() {}
",
        "use tokio_util::sync::*;
fn f() {
    let t = CancellationToken::new();
    t.clone().drop_guard();
    work();
}
",
        "fn f(h: tokio::task::JoinHandle<()>) {
    let _ = tokio::time::timeout(d, h);
}
",
    ];
    for (i, body) in rust_bodies.iter().enumerate() {
        std::fs::write(dir.path().join(format!("r{i}.rs")), body).unwrap();
    }
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/rust");
    // Fixture directories may hold subdirectories (a `cli/` or `src/bin/` layout).
    let mut pending = vec![fixtures];
    let mut files = Vec::new();
    while let Some(dir) = pending.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                pending.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files.sort();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        let copy = dir.path().join("rust").join(&name);
        std::fs::create_dir_all(copy.parent().unwrap()).unwrap();
        let n = std::fs::read_dir(copy.parent().unwrap()).unwrap().count();
        std::fs::write(copy.with_file_name(format!("{n}_{name}")), text).unwrap();
    }
    assert_same_with_and_without(dir.path());
}
