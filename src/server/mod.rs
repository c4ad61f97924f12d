//! `ctxlint server`: a Language Server over stdio, so editors show findings as you type and
//! offer the rules' fixes as quick fixes.
//!
//! One thread owns all state and handles messages in order; the framing runs on its own reader
//! and writer threads ([`transport`], which survives malformed and oversized input), and lints
//! run on a small pool of worker threads, so requests are answered while a slow document is
//! being linted. Documents are synced incrementally: each change is applied to the text and to
//! the document's syntax tree ([`tree_sitter::Tree::edit`]), so a re-lint parses only what
//! changed. Each open document is re-linted from memory on open, save and (debounced) change. A newer version cancels the lint of an older one, and the
//! latest findings are kept, keyed by version, so code actions never work on stale fixes (a code
//! action asked for while its document is being linted is answered when that lint ends).

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::notification::{self as notif, Notification as _};
use lsp_types::request::{self as req, Request as _};
use lsp_types::{
    ClientCapabilities, CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand,
    CodeActionParams, CodeActionProviderCapability, DidChangeTextDocumentParams,
    DidChangeWatchedFilesParams, DidChangeWatchedFilesRegistrationOptions,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, DidSaveTextDocumentParams,
    DocumentChanges, FileSystemWatcher, GlobPattern, MessageType, OneOf,
    OptionalVersionedTextDocumentIdentifier, PositionEncodingKind, PublishDiagnosticsParams,
    Registration, RegistrationParams, SaveOptions, ServerCapabilities, ServerInfo,
    ShowMessageParams, TextDocumentEdit, TextDocumentSyncCapability, TextDocumentSyncKind,
    TextDocumentSyncOptions, TextDocumentSyncSaveOptions, TextEdit, Uri, WorkspaceEdit,
};

use crate::config::Config;
use crate::diagnostic::{Applicability, ColumnEncoding, Diagnostic, LineIndex};
use crate::engine::{self, CheckOptions};
use crate::incremental::Relint;
use crate::lang::go::CancelWrapper;
use crate::lang::Language;
use crate::rules;
use crate::settings::{self, Choices, LintSettings};

mod convert;
mod packages;
pub mod transport;

use convert::{capitalize, file_path, ignore_edit, input_edit, to_lsp, to_range, to_span};
use packages::PackageCache;
use transport::{Outgoing, Transport};

/// How long a document must stay unchanged before it is re-linted after a `didChange`.
const DEBOUNCE: Duration = Duration::from_millis(150);
/// Continuous typing still gets fresh findings at least this often.
const MAX_DELAY: Duration = Duration::from_millis(1000);

/// Config files whose change re-lints every open document.
const CONFIG_FILES: &[&str] = &["ctxlint.toml", ".ctxlint.toml"];

/// Other files whose changes the server asks to be told of: those a Go document's package
/// read depends on ([`packages`]).
const PACKAGE_FILES: &[&str] = &["*.go", "go.mod"];

/// Runs the server on stdin/stdout until `exit`. Returns the process exit code: 0 after
/// `shutdown` then `exit`, 1 for `exit` without `shutdown` or a lost connection. `choices`
/// (`ctxlint server --select/--ignore`, the editor's rule settings) apply on top of each
/// document's config file, as on the command line.
pub fn run(choices: Choices) -> u8 {
    let transport = match Transport::stdio() {
        Ok(transport) => transport,
        Err(e) => {
            eprintln!("ctxlint server: cannot start: {e}");
            return 1;
        }
    };
    let end = match initialize(&transport) {
        Ok((encoding, client, roots)) => {
            let mut server = Server::new(transport.sender.clone(), encoding, &client);
            server.choices = choices;
            server.scan_wrappers(&roots);
            server.main_loop(&transport.receiver)
        }
        Err(end) => end,
    };
    match end {
        End::Exit(code) => {
            // The writer flushes and ends once the last sender is gone.
            if let Err(e) = transport.join() {
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
    transport: &Transport,
) -> Result<(ColumnEncoding, ClientCapabilities, Vec<PathBuf>), End> {
    let send = |message: Message| {
        transport
            .sender
            .send(message.into())
            .map_err(|_| End::WriterGone)
    };
    loop {
        let Ok(message) = transport.receiver.recv() else {
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
                change: Some(TextDocumentSyncKind::INCREMENTAL),
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
    /// Shared with the worker linting it; a change copies it if a lint still holds it.
    text: Arc<String>,
    version: i32,
    language: Language,
    /// The file's path for `file:` URIs (settings lookup); empty for unsaved buffers.
    path: PathBuf,
    lint: Option<Linted>,
    /// The syntax tree of the last lint, with every change since applied by
    /// [`tree_sitter::Tree::edit`]: the next lint reparses only the changed regions. `None`
    /// before the first lint and after the whole text is replaced.
    tree: Option<tree_sitter::Tree>,
    /// The last lint's findings, for the next lint to reuse where the edit changed nothing.
    relint: Relint,
    /// The user was told that the document is too large to lint (said once until it shrinks).
    told_too_large: bool,
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

/// A lint of one version of a document, sent to a worker.
struct Job {
    id: u64,
    uri: Uri,
    version: i32,
    text: Arc<String>,
    language: Language,
    path: PathBuf,
    /// The document's previous tree, edited to match `text`.
    tree: Option<tree_sitter::Tree>,
    /// The document's previous lint.
    relint: Relint,
    settings: Settings,
    encoding: ColumnEncoding,
    cancel: Arc<AtomicBool>,
    /// What the package directories linted so far declare.
    packages: Arc<PackageCache>,
}

/// What a worker sends back.
struct Done {
    id: u64,
    uri: Uri,
    version: i32,
    /// `None`: the lint was cancelled.
    result: Option<DoneLint>,
}

struct DoneLint {
    linted: Linted,
    published: Vec<lsp_types::Diagnostic>,
    /// The wrappers the document declares (Go documents with a path).
    wrappers: Option<Vec<CancelWrapper>>,
    /// The tree of the linted text and what the lint found, for the next lint to start from.
    tree: Option<tree_sitter::Tree>,
    relint: Relint,
}

/// A lint in progress.
struct Running {
    id: u64,
    cancel: Arc<AtomicBool>,
}

/// Worker threads for lints: enough that one slow document does not hold up the others.
fn worker_count() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get().clamp(2, 4))
}

/// Starts the lint workers: they take jobs from `jobs` and send their results to `done`.
fn start_workers(jobs: &Receiver<Job>, done: &Sender<Done>) {
    for i in 0..worker_count() {
        let (jobs, done) = (jobs.clone(), done.clone());
        let spawned = std::thread::Builder::new()
            .name(format!("ctxlint-lint-{i}"))
            // Deeply nested code must not overflow a worker's stack (as in `check`).
            .stack_size(64 * 1024 * 1024)
            .spawn(move || {
                for job in jobs {
                    if done.send(work(job)).is_err() {
                        return;
                    }
                }
            });
        if let Err(e) = spawned {
            eprintln!("ctxlint server: cannot start a lint worker: {e}");
        }
    }
}

/// Lints one job (unless it was cancelled before it started).
fn work(job: Job) -> Done {
    let cancelled = || job.cancel.load(Ordering::Relaxed);
    let mut result = None;
    if !cancelled() {
        let mut settings = job.settings;
        let tree = crate::lang::reparse(job.language, &job.text, job.tree.as_ref());
        let wrappers = (job.language == Language::Go && !job.path.as_os_str().is_empty())
            .then_some(tree.as_ref())
            .flatten()
            .map(|tree| {
                let dir = job.path.parent().unwrap_or(Path::new(""));
                crate::lang::go::wrappers_in(&job.text, tree, dir)
            });
        // What the document's package declares, from its files on disk (callee-drops-context's
        // roots, context-not-passed's siblings, the types of struct fields).
        if job.language == Language::Go && !job.path.as_os_str().is_empty() {
            let dir = job.path.parent().unwrap_or(Path::new(""));
            settings.lint = job.packages.settings(dir, &settings.lint);
        }
        if let Some(own) = &wrappers {
            settings.lint.go.wrappers.extend(own.iter().cloned());
            settings.lint.go.wrappers.sort();
            settings.lint.go.wrappers.dedup();
        }
        let mut relint = job.relint;
        let diagnostics = match &tree {
            Some(tree) => lint(
                job.language,
                &job.text,
                tree,
                &job.path,
                &settings,
                &mut relint,
            ),
            None => Vec::new(),
        };
        if !cancelled() {
            let index = LineIndex::new(&job.text);
            let published = diagnostics
                .iter()
                .map(|d| to_lsp(d, &job.uri, &index, &job.text, job.encoding))
                .collect();
            result = Some(DoneLint {
                linted: Linted {
                    version: job.version,
                    index,
                    diagnostics,
                },
                published,
                wrappers,
                tree,
                relint,
            });
        }
    }
    Done {
        id: job.id,
        uri: job.uri,
        version: job.version,
        result,
    }
}

struct Server {
    out: Sender<Outgoing>,
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
    /// The lint in progress for each document.
    running: HashMap<Uri, Running>,
    next_job: u64,
    jobs: Sender<Job>,
    done: Receiver<Done>,
    /// Code actions waiting for the lint of their document's current version.
    waiting: Vec<(RequestId, CodeActionParams)>,
    shutdown: bool,
    /// Sending failed: the client is gone.
    disconnected: bool,
    /// Cancel-producing wrappers declared in the workspace, per file: found when the server
    /// starts, updated from a document's text when it is linted.
    wrappers: HashMap<PathBuf, Vec<CancelWrapper>>,
    /// The editor's rule choices (`ctxlint server --select/--ignore`).
    choices: Choices,
    /// The last configuration error shown to the user (each is shown once, not per lint).
    shown_error: Option<String>,
    /// What the Go package directories of the documents declare, kept between lints.
    packages: Arc<PackageCache>,
}

impl Server {
    fn new(out: Sender<Outgoing>, encoding: ColumnEncoding, client: &ClientCapabilities) -> Server {
        let workspace = client.workspace.as_ref();
        let (jobs, job_queue) = crossbeam_channel::unbounded();
        let (done_sender, done) = crossbeam_channel::unbounded();
        start_workers(&job_queue, &done_sender);
        Server {
            out,
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
            running: HashMap::new(),
            next_job: 0,
            jobs,
            done,
            waiting: Vec::new(),
            shutdown: false,
            disconnected: false,
            wrappers: HashMap::new(),
            choices: Choices::default(),
            shown_error: None,
            packages: Arc::default(),
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

    fn main_loop(&mut self, incoming: &Receiver<Message>) -> End {
        loop {
            let timer = match self.pending.values().min() {
                Some(&deadline) => crossbeam_channel::at(deadline),
                None => crossbeam_channel::never(),
            };
            let done = self.done.clone();
            crossbeam_channel::select! {
                recv(incoming) -> message => match message {
                    Ok(message) => {
                        if let Flow::Exit(code) = self.handle(message) {
                            return End::Exit(code);
                        }
                    }
                    // stdin closed without `exit`.
                    Err(_) => return End::Exit(1),
                },
                recv(done) -> finished => {
                    if let Ok(finished) = finished {
                        self.finished(finished);
                    }
                }
                recv(timer) -> _ => {}
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
                // Nothing will be linted any more: waiting code actions get no actions.
                for (id, _) in std::mem::take(&mut self.waiting) {
                    self.send(Response::new_ok(id, Vec::<CodeActionOrCommand>::new()).into());
                }
                self.send(Response::new_ok(id, ()).into());
            }
            req::CodeActionRequest::METHOD => {
                match serde_json::from_value::<CodeActionParams>(request.params) {
                    Ok(params) => self.code_action_request(id, params),
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
                    let paths: Vec<PathBuf> =
                        p.changes.iter().filter_map(|c| file_path(&c.uri)).collect();
                    for path in &paths {
                        self.packages.invalidate(path);
                    }
                    let config_changed = paths.iter().any(|p| {
                        p.file_name()
                            .is_some_and(|f| CONFIG_FILES.iter().any(|c| f == *c))
                    });
                    if config_changed {
                        self.config_changed();
                    }
                }
            }
            notif::Cancel::METHOD => {
                if let Some(p) = parse::<lsp_types::CancelParams>(n) {
                    let id = match p.id {
                        lsp_types::NumberOrString::Number(n) => RequestId::from(n),
                        lsp_types::NumberOrString::String(s) => RequestId::from(s),
                    };
                    // Only code actions waiting for a lint can still be cancelled.
                    if let Some(i) = self.waiting.iter().position(|(w, _)| *w == id) {
                        self.waiting.remove(i);
                        self.respond_err(
                            id,
                            ErrorCode::RequestCanceled,
                            "the request was cancelled".into(),
                        );
                    }
                }
            }
            _ => {}
        }
    }

    /// Asks the client to tell us when a config file or a file of a Go package changes.
    fn register_watchers(&mut self) {
        if !self.watch_files {
            return;
        }
        let options = DidChangeWatchedFilesRegistrationOptions {
            watchers: CONFIG_FILES
                .iter()
                .chain(PACKAGE_FILES)
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
    /// most every 150 ms), so edits to it apply at once. A broken config file, or a rule
    /// choice it cannot take, is shown to the user (`window/showMessage`, once until it
    /// changes) and logged; the defaults are used meanwhile.
    fn settings_for(&mut self, path: &Path) -> Settings {
        let resolved = settings::config_for(path)
            .map_err(crate::Error::from)
            .and_then(
                |config| match LintSettings::resolve(&config, &self.choices) {
                    Ok(lint) => Ok(Settings { lint, config }),
                    Err(e) => Err(e),
                },
            );
        match resolved {
            Ok(settings) => {
                self.shown_error = None;
                settings
            }
            Err(e) => {
                let message = format!("ctxlint: {e}; using the default rules");
                eprintln!("{message}");
                if self.shown_error.as_ref() != Some(&message) {
                    self.shown_error = Some(message.clone());
                    self.show_message(MessageType::ERROR, message);
                }
                Settings::default()
            }
        }
    }

    /// A config file changed: re-read it (through `settings_for`) for every open document.
    fn config_changed(&mut self) {
        let mut uris: Vec<Uri> = self.documents.keys().cloned().collect();
        uris.sort();
        for uri in uris {
            self.start_lint(&uri);
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
        self.cancel(&item.uri);
        self.documents.insert(
            item.uri.clone(),
            Document {
                text: Arc::new(item.text),
                version: item.version,
                language,
                path,
                lint: None,
                tree: None,
                relint: Relint::new(),
                told_too_large: false,
            },
        );
        self.start_lint(&item.uri);
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let encoding = self.encoding;
        if !self.documents.contains_key(&uri) {
            return;
        }
        // The lint of the older text is of no use any more.
        self.cancel(&uri);
        let Some(document) = self.documents.get_mut(&uri) else {
            return;
        };
        for change in p.content_changes {
            match change.range {
                Some(range) => {
                    let text = Arc::make_mut(&mut document.text);
                    let index = LineIndex::new(text);
                    let span = to_span(&index, text, range, encoding);
                    let edit = input_edit(&index, span, &change.text);
                    text.replace_range(span.start..span.end, &change.text);
                    if let Some(tree) = &mut document.tree {
                        tree.edit(&edit);
                    }
                }
                None => {
                    document.text = Arc::new(change.text);
                    document.tree = None;
                }
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
            if *document.text != text {
                document.text = Arc::new(text);
                document.tree = None;
            }
        }
        // The file on disk is part of its package's read.
        self.packages.invalidate(&document.path);
        self.start_lint(&uri);
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        let uri = p.text_document.uri;
        self.pending.remove(&uri);
        self.changed_since.remove(&uri);
        self.cancel(&uri);
        if self.documents.remove(&uri).is_some() {
            self.publish(uri.clone(), Vec::new(), None);
        }
        self.answer_waiting(&uri);
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
            self.start_lint(&uri);
        }
    }

    /// Cancels the lint in progress for a document, if any; its result will be ignored.
    fn cancel(&mut self, uri: &Uri) {
        if let Some(running) = self.running.remove(uri) {
            running.cancel.store(true, Ordering::Relaxed);
        }
    }

    /// Starts linting the current text of a document on a worker (cancelling an older lint
    /// of it). A document over the size limit is not linted: the user is told once.
    fn start_lint(&mut self, uri: &Uri) {
        self.pending.remove(uri);
        self.changed_since.remove(uri);
        self.cancel(uri);
        let Some(document) = self.documents.get(uri) else {
            return;
        };
        let path = document.path.clone();
        let settings = self.settings_for(&path);
        let Some(document) = self.documents.get_mut(uri) else {
            return;
        };
        let size = document.text.len() as u64;
        if size > engine::DEFAULT_MAX_FILE_SIZE {
            let version = document.version;
            document.lint = Some(Linted {
                version,
                index: LineIndex::new(""),
                diagnostics: Vec::new(),
            });
            let tell = !std::mem::replace(&mut document.told_too_large, true);
            let name = display_name(uri, &document.path);
            self.publish(uri.clone(), Vec::new(), Some(version));
            if tell {
                self.show_message(
                    MessageType::WARNING,
                    format!(
                        "ctxlint: {name} is not linted: it is {size} bytes, larger than the limit \
                         of {} bytes",
                        engine::DEFAULT_MAX_FILE_SIZE
                    ),
                );
            }
            self.answer_waiting(uri);
            return;
        }
        document.told_too_large = false;
        let mut settings = settings;
        // The wrappers of the other files; the worker adds the document's own.
        settings.lint.go.wrappers = self
            .wrappers
            .iter()
            .filter(|(path, _)| **path != document.path)
            .flat_map(|(_, wrappers)| wrappers.iter().cloned())
            .collect();
        self.next_job += 1;
        let cancel = Arc::new(AtomicBool::new(false));
        let job = Job {
            id: self.next_job,
            uri: uri.clone(),
            version: document.version,
            text: Arc::clone(&document.text),
            language: document.language,
            path: document.path.clone(),
            tree: document.tree.clone(),
            relint: document.relint.clone(),
            settings,
            encoding: self.encoding,
            cancel: Arc::clone(&cancel),
            packages: Arc::clone(&self.packages),
        };
        self.running
            .insert(uri.clone(), Running { id: job.id, cancel });
        if self.jobs.send(job).is_err() {
            eprintln!("ctxlint server: no lint worker is running");
            self.running.remove(uri);
        }
    }

    /// A worker finished: keep and publish the findings if they are still the latest.
    fn finished(&mut self, done: Done) {
        if self.running.get(&done.uri).map(|r| r.id) != Some(done.id) {
            return; // cancelled or superseded
        }
        self.running.remove(&done.uri);
        let Some(result) = done.result else {
            return;
        };
        let Some(document) = self.documents.get_mut(&done.uri) else {
            return;
        };
        if document.version != done.version {
            return;
        }
        if let Some(own) = result.wrappers {
            if own.is_empty() {
                self.wrappers.remove(&document.path);
            } else {
                self.wrappers.insert(document.path.clone(), own);
            }
        }
        document.lint = Some(result.linted);
        document.tree = result.tree;
        document.relint = result.relint;
        self.publish(done.uri.clone(), result.published, Some(done.version));
        self.answer_waiting(&done.uri);
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

    fn show_message(&mut self, typ: MessageType, message: String) {
        let params = ShowMessageParams { typ, message };
        let n = Notification::new(notif::ShowMessage::METHOD.into(), params);
        self.send(n.into());
    }

    /// Answers a code action now if its document's findings are current, else once the lint
    /// of the current version ends (started now if none is running).
    fn code_action_request(&mut self, id: RequestId, params: CodeActionParams) {
        let uri = &params.text_document.uri;
        let current = self
            .documents
            .get(uri)
            .is_none_or(|d| d.lint.as_ref().map(|l| l.version) == Some(d.version));
        if current {
            let actions = self.code_actions(&params);
            return self.send(Response::new_ok(id, actions).into());
        }
        let uri = uri.clone();
        self.waiting.push((id, params));
        if !self.running.contains_key(&uri) {
            self.start_lint(&uri);
        }
    }

    /// Answers the code actions waiting for `uri` if its findings are current (or it is gone).
    fn answer_waiting(&mut self, uri: &Uri) {
        let current = self
            .documents
            .get(uri)
            .is_none_or(|d| d.lint.as_ref().map(|l| l.version) == Some(d.version));
        if !current {
            return;
        }
        let (ready, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut self.waiting)
            .into_iter()
            .partition(|(_, p)| p.text_document.uri == *uri);
        self.waiting = rest;
        for (id, params) in ready {
            let actions = self.code_actions(&params);
            self.send(Response::new_ok(id, actions).into());
        }
    }

    /// The quick fixes for a range, from the latest findings of the document.
    fn code_actions(&self, params: &CodeActionParams) -> Vec<CodeActionOrCommand> {
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
                // Go does not compile with an unused import: remove those the fix leaves
                // unused, as `--fix` does.
                let edits = crate::fix::edits_with_import_cleanup(document.language, text, fix)
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
        if self.out.send(message.into()).is_err() {
            self.disconnected = true;
        }
    }
}

/// How a document is named in a message to the user: its file name, else its URI.
fn display_name(uri: &Uri, path: &Path) -> String {
    path.file_name()
        .map(|f| crate::walk::display_path(Path::new(f)))
        .unwrap_or_else(|| uri.as_str().to_string())
}

/// Lints a document, never taking the server down: a rule that panics loses its findings
/// for this version only (the panic message goes to stderr).
fn lint(
    language: Language,
    text: &str,
    tree: &tree_sitter::Tree,
    path: &Path,
    settings: &Settings,
    relint: &mut Relint,
) -> Vec<Diagnostic> {
    if let Ok(Some(excludes)) = settings.config.exclude_matcher() {
        if !path.as_os_str().is_empty() && crate::walk::is_excluded(&excludes, path, false) {
            return Vec::new();
        }
    }
    let path = Some(path).filter(|p| !p.as_os_str().is_empty());
    let settings = match path {
        Some(path) => settings.lint.for_file(path),
        None => std::borrow::Cow::Borrowed(&settings.lint),
    };
    let linted = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        within_budget(engine::DEFAULT_FILE_TIMEOUT, path, || {
            relint.lint(language, text, tree, path, &settings)
        })
    }));
    linted.unwrap_or_default()
}

/// Runs one document's analysis with the command line's default `--file-timeout`: a document
/// whose analysis runs over (a pathological, machine-made file) shows no findings for this
/// version, and the server says why on stderr instead of stalling every later request.
fn within_budget(
    limit: std::time::Duration,
    path: Option<&Path>,
    analyse: impl FnOnce() -> Vec<Diagnostic>,
) -> Vec<Diagnostic> {
    let (found, expired) = crate::deadline::within(Some(limit), analyse);
    if !expired {
        return found;
    }
    use std::io::Write as _;
    let name = path.map_or_else(|| "<untitled>".into(), crate::walk::display_path);
    let _ = writeln!(
        std::io::stderr(),
        "ctxlint server: {name}: {}",
        engine::timed_out(limit)
    );
    Vec::new()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_document_over_the_time_budget_shows_no_findings() {
        // 2 000 discarded cancels in one function: thousands of steps, so the clock is read
        // (after the first 1 024) and a 1 ns budget is over whatever the machine's speed.
        let body: String = (0..2000)
            .map(|i| format!("\tc{i}, _ := context.WithCancel(p)\n\t_ = c{i}\n"))
            .collect();
        let text =
            &format!("package p\n\nimport \"context\"\n\nfunc f(p context.Context) {{\n{body}}}\n");
        let mut parser = tree_sitter::Parser::new();
        parser
            .set_language(&tree_sitter_go::LANGUAGE.into())
            .unwrap();
        let tree = parser.parse(text, None).unwrap();
        let settings = crate::settings::LintSettings::default();
        let lint = || engine::lint_tree(Language::Go, text, &tree, None, &settings);
        assert!(!lint().is_empty());
        let budget = std::time::Duration::from_secs(60);
        assert_eq!(within_budget(budget, None, lint), lint());
        let none = within_budget(std::time::Duration::from_nanos(1), None, lint);
        assert!(none.is_empty());
    }

    /// Lints version `version` of the document at `path` on a worker, from the previous tree
    /// (edited to match `text`) and lint.
    fn lint_job(
        path: &Path,
        version: i32,
        text: &str,
        tree: Option<tree_sitter::Tree>,
        relint: Relint,
        packages: &Arc<PackageCache>,
    ) -> DoneLint {
        let job = Job {
            id: version as u64,
            uri: format!("file://{}", path.display()).parse().unwrap(),
            version,
            text: Arc::new(text.to_string()),
            language: Language::Go,
            path: path.to_path_buf(),
            tree,
            relint,
            settings: Settings::default(),
            encoding: ColumnEncoding::Utf16,
            cancel: Arc::default(),
            packages: Arc::clone(packages),
        };
        work(job).result.expect("not cancelled")
    }

    #[test]
    fn a_goroutine_handed_to_a_detaching_function_of_the_package_is_silent_from_the_cache_too() {
        let dir = tempfile::tempdir().unwrap();
        let experiment = "package va\n\nimport \"context\"\n\ntype VA struct{}\n\n\
             func (va *VA) runExperiment(ctx context.Context) {\n\
             \tctx, cancel := context.WithCancel(context.WithoutCancel(ctx))\n\
             \tdefer cancel()\n\t_ = ctx\n}\n";
        std::fs::write(dir.path().join("va.go"), experiment).unwrap();
        let path = dir.path().join("caa.go");
        let text = "package va\n\nimport (\n\t\"context\"\n\n\tpb \"example.com/va/proto\"\n)\n\n\
             func (va *VA) DoCAA(ctx context.Context, req *pb.IsCAAValidRequest) (*pb.IsCAAValidResponse, error) {\n\
             \tgo va.runExperiment(ctx)\n\treturn &pb.IsCAAValidResponse{}, nil\n}\n";
        std::fs::write(&path, text).unwrap();
        let packages = Arc::new(PackageCache::default());
        let first = lint_job(&path, 1, text, None, Relint::new(), &packages);
        assert!(
            first.linted.diagnostics.is_empty(),
            "{:?}",
            first.linted.diagnostics
        );
        let second = lint_job(&path, 2, text, None, first.relint, &packages);
        assert!(
            second.linted.diagnostics.is_empty(),
            "{:?}",
            second.linted.diagnostics
        );
        // The same goroutine without the package's file is reported.
        let alone = tempfile::tempdir().unwrap();
        let path = alone.path().join("caa.go");
        std::fs::write(&path, text).unwrap();
        let third = lint_job(&path, 1, text, None, Relint::new(), &packages);
        let rules: Vec<&str> = third.linted.diagnostics.iter().map(|d| d.rule).collect();
        assert_eq!(rules, ["goroutine-outlives-context"]);
    }

    #[test]
    fn a_re_lint_after_an_edit_reuses_the_package_read_and_the_previous_lint() {
        let dir = tempfile::tempdir().unwrap();
        // Another file of the package declares a method with a context-taking sibling, so
        // context-not-passed (a default rule) makes each lint read the package.
        let store = dir.path().join("store.go");
        let with_sibling = "package api\n\nimport \"context\"\n\ntype Store struct{}\n\n\
             func (s *Store) Get(k string) error { return nil }\n\n\
             func (s *Store) GetContext(ctx context.Context, k string) error { return nil }\n";
        std::fs::write(&store, with_sibling).unwrap();
        let path = dir.path().join("api.go");
        let text = "package api\n\nimport \"context\"\n\n\
             func get(ctx context.Context, s *Store) {\n\t_ = s.Get(\"k\")\n}\n\n\
             func limit() int {\n\treturn 50\n}\n";
        std::fs::write(&path, text).unwrap();
        let packages = Arc::new(PackageCache::default());
        let first = lint_job(&path, 1, text, None, Relint::new(), &packages);
        let rules = |done: &DoneLint| -> Vec<&'static str> {
            done.linted.diagnostics.iter().map(|d| d.rule).collect()
        };
        assert_eq!(rules(&first), ["context-not-passed"]);
        assert_eq!(first.relint.redone(), None, "the first lint is whole");

        // A one-character edit in `limit`: only that declaration is linted again.
        let at = text.find("50").unwrap() + 1;
        let edited = text.replacen("50", "51", 1);
        let point = |row, column| tree_sitter::Point { row, column };
        let mut tree = first.tree.expect("a tree");
        tree.edit(&tree_sitter::InputEdit {
            start_byte: at,
            old_end_byte: at + 1,
            new_end_byte: at + 1,
            start_position: point(9, 9),
            old_end_position: point(9, 10),
            new_end_position: point(9, 10),
        });
        let second = lint_job(&path, 2, &edited, Some(tree), first.relint, &packages);
        assert_eq!(rules(&second), ["context-not-passed"]);
        assert_eq!(
            second.relint.redone(),
            Some(1),
            "the edit is re-linted alone"
        );

        // The package changes on disk: read again, whatever the cache held.
        let without = with_sibling.replace("GetContext", "Fetch");
        std::fs::write(&store, without).unwrap();
        packages.invalidate(&store);
        let third = lint_job(&path, 3, &edited, second.tree, second.relint, &packages);
        assert!(rules(&third).is_empty(), "{:?}", third.linted.diagnostics);
    }

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
