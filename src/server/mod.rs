//! `ctxlint server`: a Language Server over stdio, so editors show findings as you type and
//! offer the rules' fixes as quick fixes.
//!
//! One thread owns all state and handles messages in order (`lsp-server` does the framing on
//! its own reader and writer threads). Documents are fully synced; each open document is
//! re-linted from memory on open, save and (debounced) change, and its latest findings are
//! kept, keyed by version, so code actions never work on stale fixes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use lsp_server::{Connection, ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    ClientCapabilities, CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand,
    CodeActionParams, CodeActionProviderCapability, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentChanges, FileSystemWatcher, GlobPattern, OneOf,
    OptionalVersionedTextDocumentIdentifier, PositionEncodingKind, PublishDiagnosticsParams,
    Registration, RegistrationParams, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentEdit, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};

use crate::config::Config;
use crate::diagnostic::{Applicability, ColumnEncoding, Diagnostic, LineIndex};
use crate::engine::{self, CheckOptions};
use crate::lang::go::CancelWrapper;
use crate::lang::Language;
use crate::rules;
use crate::settings::{self, Choices, LintSettings};

mod convert;

use convert::{capitalize, file_path, ignore_edit, to_lsp, to_range, to_span};

/// How long a document must stay unchanged before it is re-linted after a `didChange`.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// Continuous typing still gets fresh findings at least this often.
const MAX_DELAY: Duration = Duration::from_millis(1000);

/// Config files whose change re-lints every open document.
const CONFIG_FILES: &[&str] = &["ctxlint.toml", ".ctxlint.toml"];

/// Runs the server on stdin/stdout until `exit`. Returns the process exit code: 0 after
/// `shutdown` then `exit`, 1 for `exit` without `shutdown` or a lost connection.
pub fn run() -> u8 {
    let (connection, io_threads) = Connection::stdio();
    let end = match initialize(&connection) {
        Ok((encoding, client, roots)) => {
            let mut server = Server::new(&connection, encoding, &client);
            server.scan_wrappers(&roots);
            server.main_loop()
        }
        Err(end) => end,
    };
    match end {
        End::Exit(code) => {
            // The writer thread flushes and ends when the last sender is gone; the reader has
            // stopped at `exit` or at the end of the input.
            drop(connection);
            if let Err(e) = io_threads.join() {
                eprintln!("ctxlint server: {e}");
            }
            code
        }
        // The reader may still wait on stdin: do not join it.
        End::WriterGone => {
            eprintln!("ctxlint server: cannot write to the client, stopping");
            1
        }
    }
}

/// Why the server stops.
enum End {
    /// `exit` (0 after `shutdown`, else 1) or the end of the input (1).
    Exit(u8),
    /// Writing to stdout failed.
    WriterGone,
}

/// Waits for `initialize`, answers it, and returns the negotiated position encoding and the
/// client's capabilities, unless the client leaves (or says `exit`) first.
fn initialize(
    connection: &Connection,
) -> Result<(ColumnEncoding, ClientCapabilities, Vec<PathBuf>), End> {
    let send = |message: Message| connection.sender.send(message).map_err(|_| End::WriterGone);
    loop {
        let Ok(message) = connection.receiver.recv() else {
            return Err(End::Exit(1));
        };
        match message {
            Message::Request(request) if request.method == req::Initialize::METHOD => {
                // Read only the capabilities: an odd `rootUri` must not stop the server.
                let client: ClientCapabilities = request
                    .params
                    .get("capabilities")
                    .and_then(|c| serde_json::from_value(c.clone()).ok())
                    .unwrap_or_default();
                let encoding = negotiate_encoding(&client);
                let roots = workspace_roots(&request.params);
                let result = lsp_types::InitializeResult {
                    capabilities: capabilities(encoding),
                    server_info: Some(ServerInfo {
                        name: "ctxlint".into(),
                        version: Some(env!("CARGO_PKG_VERSION").into()),
                    }),
                };
                send(Response::new_ok(request.id, result).into())?;
                return Ok((encoding, client, roots));
            }
            Message::Request(request) => send(
                Response::new_err(
                    request.id,
                    ErrorCode::ServerNotInitialized as i32,
                    "the server is not initialized yet".into(),
                )
                .into(),
            )?,
            Message::Notification(n) if n.method == notif::Exit::METHOD => {
                return Err(End::Exit(1))
            }
            Message::Notification(_) | Message::Response(_) => {}
        }
    }
}

/// The workspace folders (or the root URI) of `initialize` params, as paths; whatever is
/// missing or odd is skipped.
fn workspace_roots(params: &serde_json::Value) -> Vec<PathBuf> {
    let folders = params
        .get("workspaceFolders")
        .and_then(|f| f.as_array())
        .map(|folders| {
            folders
                .iter()
                .filter_map(|f| f.get("uri"))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let uris = if folders.is_empty() {
        params.get("rootUri").into_iter().collect()
    } else {
        folders
    };
    let mut roots: Vec<PathBuf> = uris
        .into_iter()
        .filter_map(|u| u.as_str())
        .filter_map(|u| u.parse::<Uri>().ok())
        .filter_map(|u| file_path(&u))
        .filter(|p| p.is_dir())
        .collect();
    roots.sort();
    roots.dedup();
    roots
}

/// UTF-8 if the client offers it (no conversion cost), else the mandatory UTF-16.
fn negotiate_encoding(client: &ClientCapabilities) -> ColumnEncoding {
    let offered = client
        .general
        .as_ref()
        .and_then(|g| g.position_encodings.as_ref());
    if offered.is_some_and(|kinds| kinds.contains(&PositionEncodingKind::UTF8)) {
        ColumnEncoding::Utf8
    } else {
        ColumnEncoding::Utf16
    }
}

fn capabilities(encoding: ColumnEncoding) -> ServerCapabilities {
    ServerCapabilities {
        position_encoding: Some(match encoding {
            ColumnEncoding::Utf8 => PositionEncodingKind::UTF8,
            ColumnEncoding::Utf16 => PositionEncodingKind::UTF16,
            ColumnEncoding::Utf32 => PositionEncodingKind::UTF32,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(
            TextDocumentSyncOptions {
                open_close: Some(true),
                change: Some(TextDocumentSyncKind::FULL),
                save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions {
                    include_text: Some(true),
                })),
                ..TextDocumentSyncOptions::default()
            },
        )),
        code_action_provider: Some(CodeActionProviderCapability::Options(CodeActionOptions {
            code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
            ..CodeActionOptions::default()
        })),
        ..ServerCapabilities::default()
    }
}

/// The settings that apply to one document, and the config's excludes.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    pub lint: LintSettings,
    pub config: Config,
}

/// An open document and its latest findings.
struct Document {
    text: String,
    version: i32,
    language: Language,
    /// The file's path for `file:` URIs (settings lookup); empty for unsaved buffers.
    path: PathBuf,
    lint: Option<Linted>,
}

/// The findings of one version of a document, with the fixes the rules attached.
struct Linted {
    version: i32,
    index: LineIndex,
    diagnostics: Vec<Diagnostic>,
}

enum Flow {
    Continue,
    Exit(u8),
}

struct Server<'c> {
    connection: &'c Connection,
    encoding: ColumnEncoding,
    /// The client applies versioned `documentChanges` (so a stale edit is rejected).
    document_changes: bool,
    /// The client lets us register file watchers for the config files.
    watch_files: bool,
    documents: HashMap<Uri, Document>,
    /// Documents changed but not re-linted yet, with the time to do it.
    pending: HashMap<Uri, Instant>,
    /// When each pending document was first changed since its last lint.
    changed_since: HashMap<Uri, Instant>,
    shutdown: bool,
    /// Sending failed: the client is gone.
    disconnected: bool,
    /// Cancel-producing wrappers declared in the workspace, per file: found when the server
    /// starts, updated from a document's text when it is linted.
    wrappers: HashMap<PathBuf, Vec<CancelWrapper>>,
}

impl<'c> Server<'c> {
    fn new(
        connection: &'c Connection,
        encoding: ColumnEncoding,
        client: &ClientCapabilities,
    ) -> Server<'c> {
        let workspace = client.workspace.as_ref();
        Server {
            connection,
            encoding,
            document_changes: workspace
                .and_then(|w| w.workspace_edit.as_ref())
                .and_then(|e| e.document_changes)
                .unwrap_or(false),
            watch_files: workspace
                .and_then(|w| w.did_change_watched_files.as_ref())
                .and_then(|w| w.dynamic_registration)
                .unwrap_or(false),
            documents: HashMap::new(),
            pending: HashMap::new(),
            changed_since: HashMap::new(),
            shutdown: false,
            disconnected: false,
            wrappers: HashMap::new(),
        }
    }

    /// Finds the wrappers declared under the workspace roots (like `ctxlint check`'s first
    /// pass: only files mentioning `CancelFunc` are parsed).
    fn scan_wrappers(&mut self, roots: &[PathBuf]) {
        if roots.is_empty() {
            return;
        }
        let options = CheckOptions::new(roots.to_vec());
        let (targets, _) = crate::walk::discover(&options.paths, &options.walk);
        self.wrappers = engine::collect_wrappers(&targets, options.max_file_size)
            .into_iter()
            .collect();
    }

    fn main_loop(&mut self) -> End {
        loop {
            let received = match self.pending.values().min() {
                Some(&deadline) => match self.connection.receiver.recv_deadline(deadline) {
                    Ok(message) => Some(message),
                    Err(e) if e.is_timeout() => None,
                    Err(_) => return End::Exit(1),
                },
                // stdin closed without `exit`.
                None => match self.connection.receiver.recv() {
                    Ok(message) => Some(message),
                    Err(_) => return End::Exit(1),
                },
            };
            if let Some(message) = received {
                if let Flow::Exit(code) = self.handle(message) {
                    return End::Exit(code);
                }
            }
            self.lint_due();
            if self.disconnected {
                return End::WriterGone;
            }
        }
    }

    fn handle(&mut self, message: Message) -> Flow {
        match message {
            Message::Request(request) => self.on_request(request),
            Message::Notification(n) if n.method == notif::Exit::METHOD => {
                return Flow::Exit(if self.shutdown { 0 } else { 1 });
            }
            Message::Notification(n) => self.on_notification(n),
            // Answers to our `client/registerCapability`: nothing to do either way.
            Message::Response(_) => {}
        }
        Flow::Continue
    }

    fn on_request(&mut self, request: Request) {
        let id = request.id.clone();
        if self.shutdown {
            return self.respond_err(
                id,
                ErrorCode::InvalidRequest,
                "the server is shutting down".into(),
            );
        }
        match request.method.as_str() {
            req::Shutdown::METHOD => {
                self.shutdown = true;
                self.send(Response::new_ok(id, ()).into());
            }
            req::CodeActionRequest::METHOD => {
                match serde_json::from_value::<CodeActionParams>(request.params) {
                    Ok(params) => {
                        let actions = self.code_actions(&params);
                        self.send(Response::new_ok(id, actions).into());
                    }
                    Err(e) => self.respond_err(id, ErrorCode::InvalidParams, e.to_string()),
                }
            }
            method => self.respond_err(
                id,
                ErrorCode::MethodNotFound,
                format!("ctxlint does not handle `{method}`"),
            ),
        }
    }

    fn on_notification(&mut self, n: Notification) {
        fn parse<P: serde::de::DeserializeOwned>(n: Notification) -> Option<P> {
            serde_json::from_value(n.params)
                .map_err(|e| eprintln!("ctxlint server: ignoring a malformed `{}`: {e}", n.method))
                .ok()
        }
        match n.method.as_str() {
            notif::Initialized::METHOD => self.register_watchers(),
            notif::DidOpenTextDocument::METHOD => {
                if let Some(p) = parse::<DidOpenTextDocumentParams>(n) {
                    self.did_open(p);
                }
            }
            notif::DidChangeTextDocument::METHOD => {
                if let Some(p) = parse::<DidChangeTextDocumentParams>(n) {
                    self.did_change(p);
                }
            }
            notif::DidSaveTextDocument::METHOD => {
                if let Some(p) = parse::<DidSaveTextDocumentParams>(n) {
                    self.did_save(p);
                }
            }
            notif::DidCloseTextDocument::METHOD => {
                if let Some(p) = parse::<DidCloseTextDocumentParams>(n) {
                    self.did_close(p);
                }
            }
            notif::DidChangeWatchedFiles::METHOD => {
                if let Some(p) = parse::<DidChangeWatchedFilesParams>(n) {
                    let config_changed = p.changes.iter().any(|c| {
                        file_path(&c.uri)
                            .and_then(|p| p.file_name().map(|f| f.to_os_string()))
                            .is_some_and(|f| CONFIG_FILES.iter().any(|c| f == *c))
                    });
                    if config_changed {
                        self.config_changed();
                    }
                }
            }
            // `$/cancelRequest` and the rest: requests are answered at once, nothing to cancel.
            _ => {}
        }
    }

    /// Asks the client to tell us when a config file changes.
    fn register_watchers(&mut self) {
        if !self.watch_files {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: CONFIG_FILES
                .iter()
                .map(|name| FileSystemWatcher {
                    glob_pattern: GlobPattern::String(format!("**/{name}")),
                    kind: None,
                })
                .collect(),
        };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "ctxlint-config-files".into(),
                method: notif::DidChangeWatchedFiles::METHOD.into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let request = Request::new(
            RequestId::from("ctxlint/register-watchers".to_string()),
            req::RegisterCapability::METHOD.into(),
            params,
        );
        self.send(request.into());
    }

    /// The rules and settings for a document at `path` (empty for an unsaved buffer). The
    /// single place where configuration is looked up.
    /// The nearest `ctxlint.toml`/`.ctxlint.toml` is read each time (a document is linted at
    /// most every 150 ms), so edits to it apply at once. A broken config is reported on stderr
    /// (the client's log) and the defaults are used.
    fn settings_for(&self, path: &Path) -> Settings {
        let settings = settings::config_for(path)
            .map_err(crate::Error::from)
            .and_then(|config| {
                let lint = LintSettings::resolve(&config, &Choices::default())?;
                Ok(Settings { lint, config })
            });
        settings.unwrap_or_else(|e| {
            eprintln!("ctxlint: {e}; using the default rules");
            Settings::default()
        })
    }

    /// A config file changed: re-read it (through `settings_for`) for every open document.
    fn config_changed(&mut self) {
        let mut uris: Vec<Uri> = self.documents.keys().cloned().collect();
        uris.sort();
        for uri in uris {
            self.lint_and_publish(&uri);
        }
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let item = p.text_document;
        let path = file_path(&item.uri).unwrap_or_default();
        let Some(language) = Language::from_path(&path).or_else(|| {
            rules::RULES
                .iter()
                .map(|r| r.language)
                .find(|l| l.name() == item.language_id)
        }) else {
            return;
        };
        self.documents.insert(
            item.uri.clone(),
            Document {
                text: item.text,
                version: item.version,
                language,
                path,
                lint: None,
            },
        );
        self.lint_and_publish(&item.uri);
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let encoding = self.encoding;
        let Some(document) = self.documents.get_mut(&uri) else {
            return;
        };
        for change in p.content_changes {
            match change.range {
                // We ask for full sync, but apply a ranged change correctly all the same.
                Some(range) => {
                    let index = LineIndex::new(&document.text);
                    let span = to_span(&index, &document.text, range, encoding);
                    document
                        .text
                        .replace_range(span.start..span.end, &change.text);
                }
                None => document.text = change.text,
            }
        }
        document.version = p.text_document.version;
        let now = Instant::now();
        let first = *self.changed_since.entry(uri.clone()).or_insert(now);
        self.pending
            .insert(uri, (now + DEBOUNCE).min(first + MAX_DELAY));
    }

    fn did_save(&mut self, p: DidSaveTextDocumentParams) {
        let uri = p.text_document.uri;
        let Some(document) = self.documents.get_mut(&uri) else {
            return;
        };
        if let Some(text) = p.text {
            document.text = text;
        }
        self.lint_and_publish(&uri);
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.pending.remove(&uri);
        self.changed_since.remove(&uri);
        if self.documents.remove(&uri).is_some() {
            self.publish(uri, Vec::new(), None);
        }
    }

    /// Re-lints the documents whose debounce delay is over.
    fn lint_due(&mut self) {
        let now = Instant::now();
        let mut due: Vec<Uri> = self
            .pending
            .iter()
            .filter(|(_, &deadline)| deadline <= now)
            .map(|(uri, _)| uri.clone())
            .collect();
        due.sort();
        for uri in due {
            self.lint_and_publish(&uri);
        }
    }

    /// Lints the current text of a document, keeps the findings and publishes them.
    fn lint_and_publish(&mut self, uri: &Uri) {
        self.pending.remove(uri);
        self.changed_since.remove(uri);
        let Some(document) = self.documents.get(uri) else {
            return;
        };
        let mut settings = self.settings_for(&document.path);
        if document.language == Language::Go && !document.path.as_os_str().is_empty() {
            let dir = document.path.parent().unwrap_or(Path::new(""));
            let own = crate::lang::go::cancel_wrappers(&document.text, dir);
            if own.is_empty() {
                self.wrappers.remove(&document.path);
            } else {
                self.wrappers.insert(document.path.clone(), own);
            }
        }
        let go = &mut settings.lint.go;
        go.wrappers = self.wrappers.values().flatten().cloned().collect();
        go.wrappers.sort();
        go.wrappers.dedup();
        let Some(document) = self.documents.get(uri) else {
            return;
        };
        let diagnostics = lint(document, &settings);
        let index = LineIndex::new(&document.text);
        let published = diagnostics
            .iter()
            .map(|d| to_lsp(d, uri, &index, &document.text, self.encoding))
            .collect();
        let version = document.version;
        if let Some(document) = self.documents.get_mut(uri) {
            document.lint = Some(Linted {
                version,
                index,
                diagnostics,
            });
        }
        self.publish(uri.clone(), published, Some(version));
    }

    fn publish(&mut self, uri: Uri, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) {
        let params = PublishDiagnosticsParams {
            uri,
            diagnostics,
            version,
        };
        let n = Notification::new(notif::PublishDiagnostics::METHOD.into(), params);
        self.send(n.into());
    }

    fn code_actions(&mut self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
        let quickfixes_wanted = params.context.only.as_ref().is_none_or(|kinds| {
            kinds
                .iter()
                .any(|k| k.as_str().is_empty() || k.as_str() == CodeActionKind::QUICKFIX.as_str())
        });
        let uri = &params.text_document.uri;
        let Some(document) = self.documents.get(uri) else {
            return Vec::new();
        };
        if !quickfixes_wanted {
            return Vec::new();
        }
        // The fixes must match the text the client has now, not an older version.
        if document.lint.as_ref().map(|l| l.version) != Some(document.version) {
            self.lint_and_publish(uri);
        }
        let Some(document) = self.documents.get(uri) else {
            return Vec::new();
        };
        let Some(lint) = &document.lint else {
            return Vec::new();
        };
        let text = &document.text;
        let encoding = self.encoding;
        let range = to_span(&lint.index, text, params.range, encoding);
        let mut fixes = Vec::new();
        let mut ignores = Vec::new();
        for d in &lint.diagnostics {
            // Touching counts: a cursor right after the finding still offers its fixes.
            if !(d.span.start <= range.end && range.start <= d.span.end) {
                continue;
            }
            let published = to_lsp(d, uri, &lint.index, text, encoding);
            let edit = |edits: Vec<TextEdit>| self.workspace_edit(uri, document.version, edits);
            if let Some(fix) = &d.fix {
                let safe = fix.applicability == Applicability::Safe;
                let edits = fix
                    .edits
                    .iter()
                    .map(|e| TextEdit {
                        range: to_range(&lint.index, text, e.span, encoding),
                        new_text: e.new_text.clone(),
                    })
                    .collect();
                fixes.push(CodeAction {
                    title: if safe {
                        capitalize(&fix.message)
                    } else {
                        format!("{} (unsafe)", capitalize(&fix.message))
                    },
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![published.clone()]),
                    edit: Some(edit(edits)),
                    is_preferred: Some(safe),
                    ..CodeAction::default()
                });
            }
            let line = lint.index.line_of(d.span.start);
            if ignores.iter().any(|(l, r, _)| *l == line && *r == d.rule) {
                continue;
            }
            let Some(ignore) = ignore_edit(text, &lint.index, line, d.rule) else {
                continue;
            };
            ignores.push((
                line,
                d.rule,
                CodeAction {
                    title: format!("Ignore `{}` on this line", d.rule),
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![published]),
                    edit: Some(edit(vec![TextEdit {
                        range: to_range(&lint.index, text, ignore.span, encoding),
                        new_text: ignore.new_text,
                    }])),
                    ..CodeAction::default()
                },
            ));
        }
        fixes
            .into_iter()
            .chain(ignores.into_iter().map(|(_, _, action)| action))
            .map(CodeActionOrCommand::CodeAction)
            .collect()
    }

    /// Edits to one document: versioned (rejected by the client if the text moved on) when
    /// the client supports it.
    fn workspace_edit(&self, uri: &Uri, version: i32, edits: Vec<TextEdit>) -> WorkspaceEdit {
        if self.document_changes {
            WorkspaceEdit {
                document_changes: Some(DocumentChanges::Edits(vec![TextDocumentEdit {
                    text_document: OptionalVersionedTextDocumentIdentifier {
                        uri: uri.clone(),
                        version: Some(version),
                    },
                    edits: edits.into_iter().map(OneOf::Left).collect(),
                }])),
                ..WorkspaceEdit::default()
            }
        } else {
            WorkspaceEdit {
                changes: Some(HashMap::from([(uri.clone(), edits)])),
                ..WorkspaceEdit::default()
            }
        }
    }

    fn respond_err(&mut self, id: RequestId, code: ErrorCode, message: String) {
        self.send(Response::new_err(id, code as i32, message).into());
    }

    fn send(&mut self, message: Message) {
        if self.connection.sender.send(message).is_err() {
            self.disconnected = true;
        }
    }
}

/// Lints a document, never taking the server down: a rule that panics loses its findings
/// for this version only (the panic message goes to stderr).
fn lint(document: &Document, settings: &Settings) -> Vec<Diagnostic> {
    if document.text.len() as u64 > engine::DEFAULT_MAX_FILE_SIZE {
        return Vec::new();
    }
    if let Ok(Some(excludes)) = settings.config.exclude_matcher() {
        if !document.path.as_os_str().is_empty()
            && crate::walk::is_excluded(&excludes, &document.path, false)
        {
            return Vec::new();
        }
    }
    let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        engine::lint_file(
            document.language,
            &document.text,
            document.path.parent().filter(|d| !d.as_os_str().is_empty()),
            &settings.lint,
        )
    }));
    linted.ok().flatten().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_is_chosen_only_when_offered() {
        let mut client = ClientCapabilities::default();
        assert_eq!(negotiate_encoding(&client), ColumnEncoding::Utf16);
        client.general = Some(lsp_types::GeneralClientCapabilities {
            position_encodings: Some(vec![
                PositionEncodingKind::UTF16,
                PositionEncodingKind::UTF8,
            ]),
            ..Default::default()
        });
        assert_eq!(negotiate_encoding(&client), ColumnEncoding::Utf8);
    }
}
