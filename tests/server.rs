//! `ctxlint server` driven as an editor would: a subprocess spoken to in JSON-RPC with
//! Content-Length framing. Every wait has a timeout, so a hung server fails the test.

use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(30);

const URI: &str = "file:///work/api/handler.go";

/// A discarded cancel on a line that starts with multi-byte identifiers and strings, so UTF-8,
/// UTF-16 and character columns all differ.
const SOURCE: &str = "package api

import (
\t\"context\"
\t\"net/http\"
)

func handle(w http.ResponseWriter, r *http.Request) {
\tπ := \"日本語😀\"; ctx, _ := context.WithCancel(r.Context())
\tuse(π, ctx)
}
";

struct Client {
    child: Child,
    stdin: Option<ChildStdin>,
    messages: Receiver<Value>,
    /// Messages received while waiting for another one.
    backlog: VecDeque<Value>,
    next_id: i64,
}

impl Client {
    fn start() -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_ctxlint"))
            .arg("server")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("cannot start ctxlint server");
        let stdout = child.stdout.take().unwrap();
        let (sender, messages) = mpsc::channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            stdin: child.stdin.take(),
            child,
            messages,
            backlog: VecDeque::new(),
            next_id: 1,
        }
    }

    fn send(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.stdin.as_mut().expect("stdin is closed");
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and returns the whole response (`result` or `error`).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.receive();
            if message.get("method").is_none() && message["id"] == json!(id) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    fn receive(&mut self) -> Value {
        self.messages
            .recv_timeout(TIMEOUT)
            .expect("the server sent nothing in time")
    }

    /// The first message (backlog included) with this method.
    fn next(&mut self, method: &str) -> Value {
        if let Some(i) = self.backlog.iter().position(|m| m["method"] == method) {
            return self.backlog.remove(i).unwrap();
        }
        loop {
            let message = self.receive();
            if message["method"] == method {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// The next diagnostics published for `uri`, skipping older versions than `version`.
    fn diagnostics(&mut self, uri: &str, version: Option<i64>) -> Value {
        loop {
            let params = self.next("textDocument/publishDiagnostics")["params"].take();
            assert_eq!(params["uri"], uri, "diagnostics for another document first");
            match version {
                Some(v) if params["version"].as_i64().is_some_and(|got| got < v) => continue,
                _ => return params,
            }
        }
    }

    /// `initialize` + `initialized`; returns the result.
    fn initialize(&mut self, capabilities: Value) -> Value {
        self.initialize_in(capabilities, Value::Null)
    }

    fn initialize_in(&mut self, capabilities: Value, root_uri: Value) -> Value {
        let response = self.request(
            "initialize",
            json!({"processId": null, "rootUri": root_uri, "capabilities": capabilities}),
        );
        self.notify("initialized", json!({}));
        response["result"].clone()
    }

    fn open(&mut self, uri: &str, language: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({"textDocument": {"uri": uri, "languageId": language, "version": version, "text": text}}),
        );
    }

    fn change(&mut self, uri: &str, version: i64, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({"textDocument": {"uri": uri, "version": version}, "contentChanges": [{"text": text}]}),
        );
    }

    fn code_actions(&mut self, uri: &str, range: &Value, diagnostics: &Value) -> Vec<Value> {
        let response = self.request(
            "textDocument/codeAction",
            json!({
                "textDocument": {"uri": uri},
                "range": range,
                "context": {"diagnostics": diagnostics}
            }),
        );
        response["result"]
            .as_array()
            .unwrap_or_else(|| panic!("no actions in {response}"))
            .clone()
    }

    fn wait(&mut self) -> ExitStatus {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn shutdown_and_exit(mut self) -> ExitStatus {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        assert!(response.get("error").is_none(), "{response}");
        self.notify("exit", Value::Null);
        self.wait()
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().ok();
            }
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

#[derive(Clone, Copy)]
enum Unit {
    Utf8,
    Utf16,
}

/// The client's own position → byte conversion, independent of the server's.
fn offset(text: &str, position: &Value, unit: Unit) -> usize {
    let line = position["line"].as_u64().unwrap() as usize;
    let character = position["character"].as_u64().unwrap() as usize;
    let start: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut units = 0;
    for (i, c) in text[start..].char_indices() {
        if units == character || c == '\n' {
            return start + i;
        }
        units += match unit {
            Unit::Utf8 => c.len_utf8(),
            Unit::Utf16 => c.len_utf16(),
        };
    }
    text.len()
}

/// Applies LSP text edits, last first.
fn apply(text: &str, edits: &[Value], unit: Unit) -> String {
    let mut spans: Vec<(usize, usize, &str)> = edits
        .iter()
        .map(|e| {
            (
                offset(text, &e["range"]["start"], unit),
                offset(text, &e["range"]["end"], unit),
                e["newText"].as_str().unwrap(),
            )
        })
        .collect();
    spans.sort_by_key(|s| std::cmp::Reverse(s.0));
    let mut out = text.to_string();
    for (start, end, new_text) in spans {
        out.replace_range(start..end, new_text);
    }
    out
}

/// The line and column (in `unit`) of the first `needle` in `text`.
fn locate(text: &str, needle: &str, unit: Unit) -> (u64, u64) {
    let byte = text.find(needle).unwrap();
    let line_start = text[..byte].rfind('\n').map_or(0, |i| i + 1);
    let prefix = &text[line_start..byte];
    let column = match unit {
        Unit::Utf8 => prefix.len(),
        Unit::Utf16 => prefix.encode_utf16().count(),
    };
    (text[..byte].matches('\n').count() as u64, column as u64)
}

fn position(text: &str, needle: &str, unit: Unit) -> Value {
    let (line, character) = locate(text, needle, unit);
    json!({"line": line, "character": character})
}

#[test]
fn utf16_client_gets_diagnostics_and_a_fix_that_clears_them() {
    let mut client = Client::start();
    let result = client.initialize(json!({}));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-16");
    // Incremental sync.
    assert_eq!(result["capabilities"]["textDocumentSync"]["change"], 2);
    assert_eq!(result["serverInfo"]["name"], "ctxlint");

    // A file of no known language is ignored: the first diagnostics are the Go file's.
    client.open("file:///work/notes.txt", "plaintext", 1, "ctx, _ := x");
    client.open(URI, "go", 1, SOURCE);
    let published = client.diagnostics(URI, None);
    assert_eq!(published["version"], 1);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{published}");
    let d = &diagnostics[0];
    assert_eq!(d["code"], "discarded-cancel");
    assert_eq!(d["source"], "ctxlint");
    assert_eq!(d["severity"], 1);
    assert_eq!(
        d["codeDescription"]["href"],
        "https://github.com/ctxlint/ctxlint/blob/main/rules/discarded-cancel.md"
    );
    assert!(d["message"]
        .as_str()
        .unwrap()
        .starts_with("the cancel function returned by `context.WithCancel` is discarded"));
    // `π := "日本語😀"; ctx, ` is 20 UTF-16 units but 29 bytes.
    assert_eq!(d["range"]["start"], position(SOURCE, "_ :=", Unit::Utf16));
    assert_eq!(d["range"]["start"], json!({"line": 8, "character": 20}));
    assert_eq!(d["range"]["end"], json!({"line": 8, "character": 21}));
    let related = &d["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], URI);
    assert_eq!(related["message"], "this call returns a cancel function");
    assert_eq!(
        related["location"]["range"]["start"],
        position(SOURCE, "context.WithCancel", Unit::Utf16)
    );

    // Nothing to offer away from the finding.
    let elsewhere =
        json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 3}});
    assert!(client.code_actions(URI, &elsewhere, &json!([])).is_empty());

    let actions = client.code_actions(URI, &d["range"], &json!([d]));
    assert_eq!(actions.len(), 2, "{actions:?}");
    let fix = &actions[0];
    assert_eq!(fix["kind"], "quickfix");
    assert_eq!(fix["isPreferred"], true);
    assert_eq!(
        fix["title"],
        "Bind the cancel function to `cancel` and `defer cancel()`"
    );
    assert_eq!(fix["diagnostics"][0]["code"], "discarded-cancel");
    let ignore = &actions[1];
    assert_eq!(ignore["title"], "Ignore `discarded-cancel` on this line");
    assert_eq!(ignore["kind"], "quickfix");
    let ignore_edits = ignore["edit"]["changes"][URI].as_array().unwrap();
    assert_eq!(
        ignore_edits[0],
        json!({
            "range": {"start": {"line": 8, "character": 0}, "end": {"line": 8, "character": 0}},
            "newText": "\t//ctxlint:ignore discarded-cancel TODO: reason\n"
        })
    );

    let edits = fix["edit"]["changes"][URI].as_array().unwrap();
    let fixed = apply(SOURCE, edits, Unit::Utf16);
    assert!(
        fixed.contains(
            "\tπ := \"日本語😀\"; ctx, cancel := context.WithCancel(r.Context())\n\tdefer cancel()\n\tuse(π, ctx)"
        ),
        "{fixed}"
    );
    client.change(URI, 2, &fixed);
    let published = client.diagnostics(URI, Some(2));
    assert_eq!(published["version"], 2);
    assert_eq!(published["diagnostics"], json!([]), "{fixed}");

    client.notify(
        "textDocument/didClose",
        json!({"textDocument": {"uri": URI}}),
    );
    let published = client.diagnostics(URI, None);
    assert_eq!(published["diagnostics"], json!([]));
    assert!(published.get("version").is_none_or(Value::is_null));

    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn utf8_client_gets_byte_columns_and_versioned_edits() {
    let mut client = Client::start();
    let result = client.initialize(json!({
        "general": {"positionEncodings": ["utf-16", "utf-8"]},
        "workspace": {"workspaceEdit": {"documentChanges": true}}
    }));
    assert_eq!(result["capabilities"]["positionEncoding"], "utf-8");
    client.open(URI, "go", 7, SOURCE);
    let published = client.diagnostics(URI, None);
    let d = &published["diagnostics"][0];
    assert_eq!(d["range"]["start"], position(SOURCE, "_ :=", Unit::Utf8));
    assert_eq!(d["range"]["start"], json!({"line": 8, "character": 29}));

    // A cursor (empty range) inside the finding is enough.
    let cursor = json!({"start": d["range"]["start"], "end": d["range"]["start"]});
    let actions = client.code_actions(URI, &cursor, &json!([]));
    let fix = &actions[0];
    let change = &fix["edit"]["documentChanges"][0];
    assert_eq!(change["textDocument"], json!({"uri": URI, "version": 7}));
    let fixed = apply(SOURCE, change["edits"].as_array().unwrap(), Unit::Utf8);
    assert!(
        fixed.contains("ctx, cancel := context.WithCancel"),
        "{fixed}"
    );
    assert!(fixed.contains("\n\tdefer cancel()\n"), "{fixed}");

    // Applying "ignore on this line" puts the comment above, indented like the line.
    let ignore = &actions[1]["edit"]["documentChanges"][0]["edits"];
    let ignored = apply(SOURCE, ignore.as_array().unwrap(), Unit::Utf8);
    assert!(ignored.contains(
        "{\n\t//ctxlint:ignore discarded-cancel TODO: reason\n\tπ := \"日本語😀\"; ctx, _ :="
    ));

    client.change(URI, 8, &fixed);
    assert_eq!(client.diagnostics(URI, Some(8))["diagnostics"], json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn ranged_changes_edit_the_text_and_its_tree() {
    let mut client = Client::start();
    client.initialize(json!({}));
    client.open(URI, "go", 1, SOURCE);
    let published = client.diagnostics(URI, Some(1));
    assert_eq!(published["diagnostics"][0]["range"]["start"]["line"], 8);
    // Two lines above the function: the finding moves down (the tree is edited, then
    // reparsed where it changed).
    let at = |line: u64, character: u64| json!({"line": line, "character": character});
    let insert = |line, character, text: &str| json!({"range": {"start": at(line, character), "end": at(line, character)}, "text": text});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [insert(6, 0, "// a\n// b\n")]}),
    );
    let published = client.diagnostics(URI, Some(2));
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{published}");
    assert_eq!(diagnostics[0]["range"]["start"], at(10, 20));
    // The cancel function bound and deferred, in two changes of one notification (the second
    // at positions of the text after the first): nothing left.
    let replace = json!({"range": {"start": at(10, 20), "end": at(10, 21)}, "text": "cancel"});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 3}, "contentChanges": [replace, insert(11, 0, "\tdefer cancel()\n")]}),
    );
    let published = client.diagnostics(URI, Some(3));
    assert_eq!(published["diagnostics"], json!([]), "{published}");
    // And back: the deferred call removed again, the finding is a missing defer.
    let remove = json!({"range": {"start": at(11, 0), "end": at(12, 0)}, "text": ""});
    client.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 4}, "contentChanges": [remove]}),
    );
    let published = client.diagnostics(URI, Some(4));
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{published}");
    assert_eq!(
        diagnostics[0]["code"], "missing-defer-cancel",
        "{published}"
    );
}

#[test]
fn rapid_changes_end_with_the_latest_version() {
    let mut client = Client::start();
    client.initialize(json!({}));
    client.open(URI, "go", 1, SOURCE);
    assert_eq!(client.diagnostics(URI, None)["version"], 1);
    let clean = SOURCE
        .replace("ctx, _ :=", "ctx, cancel :=")
        .replace("\tuse(π, ctx)", "\tdefer cancel()\n\tuse(π, ctx)");
    for version in 2..=6 {
        let text = if version == 6 { &clean } else { SOURCE };
        client.change(URI, version, text);
    }
    // Intermediate versions may or may not be published (debounce), but only in order, and
    // the last one published reflects the last text.
    let mut last = 1;
    loop {
        let published = client.diagnostics(URI, None);
        let version = published["version"].as_i64().unwrap();
        assert!(version > last, "version {version} after {last}");
        last = version;
        if version == 6 {
            assert_eq!(published["diagnostics"], json!([]));
            break;
        }
        assert_eq!(published["diagnostics"].as_array().unwrap().len(), 1);
    }

    // A code action right after a change works on the new text, not on stale findings.
    client.change(URI, 7, SOURCE);
    let cursor = position(SOURCE, "_ :=", Unit::Utf16);
    let actions = client.code_actions(URI, &json!({"start": cursor, "end": cursor}), &json!([]));
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert_eq!(client.diagnostics(URI, Some(7))["version"], 7);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_changed_config_file_relints_open_documents() {
    let mut client = Client::start();
    client.initialize(json!({
        "workspace": {"didChangeWatchedFiles": {"dynamicRegistration": true}}
    }));
    let registration = client.next("client/registerCapability");
    let registrations = &registration["params"]["registrations"];
    assert_eq!(
        registrations[0]["method"],
        "workspace/didChangeWatchedFiles"
    );
    let globs: Vec<&str> = registrations[0]["registerOptions"]["watchers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["globPattern"].as_str().unwrap())
        .collect();
    assert_eq!(
        globs,
        [
            "**/ctxlint.toml",
            "**/.ctxlint.toml",
            "**/*.go",
            "**/go.mod"
        ]
    );
    client.send(json!({"jsonrpc": "2.0", "id": registration["id"], "result": null}));

    client.open(URI, "go", 1, SOURCE);
    client.diagnostics(URI, None);
    // Another file changing re-lints nothing: the code action answer comes with no diagnostics
    // before it.
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": "file:///work/api/other.go", "type": 2}]}),
    );
    let far = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    client.code_actions(URI, &far, &json!([]));
    assert!(client
        .backlog
        .iter()
        .all(|m| m["method"] != "textDocument/publishDiagnostics"));
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": "file:///work/ctxlint.toml", "type": 2}]}),
    );
    let published = client.diagnostics(URI, None);
    assert_eq!(published["version"], 1);
    assert_eq!(published["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn exit_without_shutdown_fails() {
    let mut client = Client::start();
    // Requests before `initialize` are refused, not answered.
    let early = client.request("shutdown", Value::Null);
    assert_eq!(early["error"]["code"], -32002, "{early}");
    client.initialize(json!({}));
    client.notify("exit", Value::Null);
    assert_eq!(client.wait().code(), Some(1));
}

#[test]
fn closed_input_ends_the_server() {
    let mut client = Client::start();
    client.initialize(json!({}));
    client.stdin = None;
    assert_eq!(client.wait().code(), Some(1));
}

#[test]
fn requests_after_shutdown_and_unknown_methods_are_errors() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let unknown = client.request("textDocument/hover", json!({}));
    assert_eq!(unknown["error"]["code"], -32601, "{unknown}");
    let bad = client.request("textDocument/codeAction", json!({"nonsense": true}));
    assert_eq!(bad["error"]["code"], -32602, "{bad}");
    assert!(client.request("shutdown", Value::Null)["error"].is_null());
    let late = client.request("textDocument/codeAction", json!({}));
    assert_eq!(late["error"]["code"], -32600, "{late}");
    client.notify("exit", Value::Null);
    assert_eq!(client.wait().code(), Some(0));
}

#[test]
fn the_nearest_config_file_governs_a_document() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let config = dir.path().join("ctxlint.toml");
    std::fs::write(
        &config,
        "[rules.discarded-cancel]\nseverity = \"warning\"\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("api")).unwrap();
    let uri = format!("file://{}/api/handler.go", dir.path().display());

    let mut client = Client::start();
    client.initialize(json!({}));
    client.open(&uri, "go", 1, SOURCE);
    let published = client.diagnostics(&uri, None);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["code"], "discarded-cancel");
    assert_eq!(
        diagnostics[0]["severity"], 2,
        "the config makes it a warning"
    );

    std::fs::write(&config, "ignore = [\"discarded-cancel\"]\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({"changes": [{"uri": format!("file://{}", config.display()), "type": 2}]}),
    );
    let published = client.diagnostics(&uri, None);
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn wrappers_declared_in_the_workspace_produce_cancel_functions() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("internal/ctxutil")).unwrap();
    std::fs::write(
        dir.path().join("internal/ctxutil/ctxutil.go"),
        "package ctxutil\n\nimport (\n\t\"context\"\n\t\"time\"\n)\n\nfunc WithDefault(p context.Context) (context.Context, context.CancelFunc) {\n\treturn context.WithTimeout(p, time.Second)\n}\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("api")).unwrap();
    let uri = format!("file://{}/api/api.go", dir.path().display());
    let text = "package api\n\nimport (\n\t\"context\"\n\n\t\"example.com/svc/internal/ctxutil\"\n)\n\nfunc get(p context.Context) {\n\tctx, _ := ctxutil.WithDefault(p)\n\tuse(ctx)\n}\n";

    let mut client = Client::start();
    client.initialize_in(json!({}), json!(format!("file://{}", dir.path().display())));
    client.open(&uri, "go", 1, text);
    let published = client.diagnostics(&uri, None);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0]["code"], "discarded-cancel");
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn the_package_of_a_document_is_read_for_roots_and_siblings() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join("ctxlint.toml"),
        "select = [\"callee-drops-context\", \"context-not-passed\"]\n",
    )
    .unwrap();
    std::fs::create_dir(dir.path().join("api")).unwrap();
    // Another file of the package: a function that starts its own root, one that reaches it
    // through the first, and a method with a context-taking sibling.
    std::fs::write(
        dir.path().join("api/store.go"),
        "package api\n\nimport \"context\"\n\ntype Store struct{}\n\n\
         func load(s *Store) error {\n\treturn s.GetContext(context.Background(), \"k\")\n}\n\n\
         func fetch(s *Store) error {\n\treturn load(s)\n}\n\n\
         func (s *Store) Get(k string) error { return s.GetContext(context.Background(), k) }\n\n\
         func (s *Store) GetContext(ctx context.Context, k string) error { return ctx.Err() }\n",
    )
    .unwrap();
    let uri = format!("file://{}/api/api.go", dir.path().display());
    let text = "package api\n\nimport \"context\"\n\nfunc get(ctx context.Context, req *GetRequest, s *Store) {\n\t_ = fetch(s)\n\t_ = s.Get(\"k\")\n}\n";
    std::fs::write(dir.path().join("api/api.go"), text).unwrap();

    let mut client = Client::start();
    client.initialize_in(json!({}), json!(format!("file://{}", dir.path().display())));
    client.open(&uri, "go", 1, text);
    let published = client.diagnostics(&uri, None);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let codes: Vec<&str> = diagnostics
        .iter()
        .map(|d| d["code"].as_str().unwrap())
        .collect();
    assert_eq!(
        codes,
        ["callee-drops-context", "context-not-passed"],
        "{diagnostics:?}"
    );
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .unwrap()
            .contains("`fetch`"),
        "{diagnostics:?}"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

// Hostile and broken input: the server answers with an error and keeps serving.

impl Client {
    fn send_raw(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("stdin is closed");
        stdin.write_all(bytes).unwrap();
        stdin.flush().unwrap();
    }

    /// The next error response that has no id (the server could not tell which request).
    fn anonymous_error(&mut self) -> Value {
        let matches = |m: &Value| m.get("error").is_some() && m["id"].is_null();
        if let Some(i) = self.backlog.iter().position(matches) {
            return self.backlog.remove(i).unwrap();
        }
        loop {
            let message = self.receive();
            if matches(&message) {
                return message;
            }
            self.backlog.push_back(message);
        }
    }

    /// The server still answers a request.
    fn assert_alive(&mut self) {
        let response = self.request("textDocument/hover", json!({}));
        assert_eq!(response["error"]["code"], -32601, "{response}");
    }
}

#[test]
fn absurd_content_lengths_are_refused_without_allocating() {
    for length in ["99999999999999", "4000000000"] {
        let mut client = Client::start();
        client.initialize(json!({}));
        client.send_raw(format!("Content-Length: {length}\r\n\r\n{{}}").as_bytes());
        let error = client.anonymous_error();
        assert_eq!(error["error"]["code"], -32600, "{error}");
        let message = error["error"]["message"].as_str().unwrap();
        assert!(message.contains("larger than the limit"), "{message}");
        // The rest of the input is the refused body; when it ends, the server stops cleanly
        // (it used to abort on the allocation, or commit gigabytes).
        client.stdin = None;
        let status = client.wait();
        assert_eq!(status.code(), Some(1), "{status:?}");
    }
}

#[test]
fn an_oversized_message_is_skipped_and_the_next_one_answered() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let length = 64 * 1024 * 1024 + 1;
    let mut message = format!("Content-Length: {length}\r\n\r\n").into_bytes();
    message.resize(message.len() + length, b' ');
    client.send_raw(&message);
    let error = client.anonymous_error();
    assert_eq!(error["error"]["code"], -32600, "{error}");
    client.assert_alive();
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn malformed_json_gets_a_parse_error_and_the_server_goes_on() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let body = "{\"jsonrpc\": \"2.0\", \"id\": 5, \"method\": ";
    client.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    let error = client.anonymous_error();
    assert_eq!(error["error"]["code"], -32700, "{error}");
    client.assert_alive();
    // Valid JSON that is not a message: invalid request, answered with its id.
    let body = r#"{"jsonrpc": "2.0", "id": 9, "method": ["x"]}"#;
    client.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    loop {
        let message = client.receive();
        if message["id"] == 9 {
            assert_eq!(message["error"]["code"], -32600, "{message}");
            break;
        }
    }
    client.assert_alive();
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_non_numeric_content_length_gets_a_parse_error_and_the_server_goes_on() {
    let mut client = Client::start();
    client.initialize(json!({}));
    client.send_raw(b"Content-Length: twelve\r\n\r\n{\"jsonrpc\":\"2.0\"}");
    let error = client.anonymous_error();
    assert_eq!(error["error"]["code"], -32700, "{error}");
    client.assert_alive();
    // A header block without any length.
    client.send_raw(b"Content-Type: application/json\r\n\r\n{}");
    assert_eq!(client.anonymous_error()["error"]["code"], -32700);
    client.assert_alive();
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// A Go document of about `bytes` bytes whose lint takes a while (many functions, each with
/// a context call the rules look at).
fn slow_document(bytes: usize) -> String {
    let mut text = String::from("package big\n\nimport \"context\"\n\n");
    let mut i = 0;
    while text.len() < bytes {
        text.push_str(&format!(
            "func f{i}(p context.Context) {{\n\tctx, cancel := context.WithCancel(p)\n\tdefer cancel()\n\tuse(ctx)\n}}\n\n"
        ));
        i += 1;
    }
    text
}

#[test]
fn requests_are_answered_while_a_slow_document_is_linted() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let slow = "file:///work/api/big.go";
    client.open(slow, "go", 1, &slow_document(9 * 1024 * 1024));
    client.open(URI, "go", 1, SOURCE);
    // The small document's findings and code actions come before the big one is done.
    let published = client.diagnostics(URI, None);
    let d = &published["diagnostics"][0];
    let actions = client.code_actions(URI, &d["range"], &json!([d]));
    assert_eq!(actions.len(), 2, "{actions:?}");
    assert!(
        client.backlog.iter().all(|m| m["params"]["uri"] != slow),
        "the big document was linted before the small one was served"
    );
    // A newer version of the big document cancels the lint of the older one: version 1's
    // findings are never published.
    client.change(slow, 2, SOURCE);
    let published = client.diagnostics(slow, None);
    assert_eq!(published["version"], 2, "a stale lint was published");
    assert_eq!(published["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

#[test]
fn a_document_over_the_size_limit_gets_a_message() {
    let mut client = Client::start();
    client.initialize(json!({}));
    let uri = "file:///work/api/huge.go";
    let mut text = String::from("package huge\n");
    text.push_str(&"//\n".repeat(10 * 1024 * 1024 / 3 + 1));
    client.open(uri, "go", 1, &text);
    let message = client.next("window/showMessage");
    assert_eq!(message["params"]["type"], 2, "{message}");
    let said = message["params"]["message"].as_str().unwrap();
    assert!(
        said.contains("huge.go is not linted") && said.contains("larger than the limit"),
        "{said}"
    );
    assert_eq!(client.diagnostics(uri, None)["diagnostics"], json!([]));
    // Code actions do not wait for a lint that will not happen.
    let far = json!({"start": {"line": 0, "character": 0}, "end": {"line": 0, "character": 0}});
    assert!(client.code_actions(uri, &far, &json!([])).is_empty());
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}

/// Applies LSP text edits (ASCII text: characters are bytes) to `text`.
fn apply_edits(text: &str, edits: &[Value]) -> String {
    let offset = |p: &Value| -> usize {
        let line = p["line"].as_u64().unwrap() as usize;
        let character = p["character"].as_u64().unwrap() as usize;
        text.split_inclusive('\n')
            .take(line)
            .map(str::len)
            .sum::<usize>()
            + character
    };
    let mut spans: Vec<(usize, usize, String)> = edits
        .iter()
        .map(|e| {
            (
                offset(&e["range"]["start"]),
                offset(&e["range"]["end"]),
                e["newText"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    spans.sort();
    let mut out = String::new();
    let mut at = 0;
    for (start, end, new) in spans {
        assert!(start >= at, "overlapping edits");
        out.push_str(&text[at..start]);
        out.push_str(&new);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[test]
fn a_code_action_removes_the_imports_its_fix_leaves_unused() {
    // moby: background-in-handler's fix replaced the file's last `context.TODO()`, leaving
    // `"context"` imported and not used.
    const HANDLER: &str = "package api\n\nimport (\n\t\"context\"\n\t\"net/http\"\n\n\t\"example.com/store\"\n)\n\nfunc handle(w http.ResponseWriter, r *http.Request) {\n\tstore.Load(context.TODO(), \"hello\")\n\tw.WriteHeader(http.StatusOK)\n}\n";
    let uri = "file:///work/api/handler.go";
    let mut client = Client::start();
    client.initialize(json!({}));
    client.open(uri, "go", 1, HANDLER);
    let published = client.diagnostics(uri, None);
    let d = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "background-in-handler")
        .cloned()
        .unwrap_or_else(|| panic!("{published}"));
    let actions = client.code_actions(uri, &d["range"], &json!([d]));
    let fix = actions
        .iter()
        .find(|a| !a["title"].as_str().unwrap().starts_with("Ignore"))
        .unwrap_or_else(|| panic!("{actions:?}"));
    let edits = fix["edit"]["changes"][uri].as_array().unwrap();
    let fixed = apply_edits(HANDLER, edits);
    assert_eq!(
        fixed,
        "package api\n\nimport (\n\t\"net/http\"\n\n\t\"example.com/store\"\n)\n\nfunc handle(w http.ResponseWriter, r *http.Request) {\n\tstore.Load(r.Context(), \"hello\")\n\tw.WriteHeader(http.StatusOK)\n}\n"
    );
    assert_eq!(client.shutdown_and_exit().code(), Some(0));
}
