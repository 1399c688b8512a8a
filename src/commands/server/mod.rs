//! `daybook server`: a language server on stdio.
//!
//! Built on lsp-types (the protocol's types) and lsp-server's JSON-RPC
//! messages, both rust-analyzer's: a synchronous loop, no async runtime, which
//! suits a server whose every answer is a function of one note and the
//! repository held in memory. A reader thread frames stdin (see
//! [`transport`]); the loop takes what has arrived, applies every change, then
//! lints each changed document once, so a burst of keystrokes costs one lint.
//! Before it answers a request it lints what is pending, so a hover or a code
//! action always sees the text the editor sent last.
//!
//! Documents are placed by their path: the workspace folder holding them, the
//! repository root inside it (the nearest daybook.yml, else the folder of
//! `notes/`), the path relative to it. A document outside every workspace
//! folder, or not a note there (`notes.root`, `ignore:`), gets no diagnostics.

mod citations;
mod features;
mod position;
mod repo;
mod transport;

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::str::FromStr;
use std::sync::Arc;
use std::sync::mpsc;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use serde::de::DeserializeOwned;
use serde_json::Value;

use self::position::Encoding;
use self::repo::Repo;
use self::transport::Incoming;
use crate::cli::{Cli, ServerArgs};
use crate::diag::{Diagnostic, SourceFile};

pub(crate) fn run(cli: &Cli, _args: &ServerArgs) -> miette::Result<ExitCode> {
    let (tx, rx) = mpsc::channel();
    // Not joined: at `exit` the process ends with the reader still blocked on stdin.
    std::thread::spawn(move || transport::read_loop(std::io::stdin(), &tx));
    let mut server = Server::new(cli.config.clone(), std::io::stdout().lock());
    Ok(server.serve(&rx))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShutDown,
}

/// Where a document sits: its repository's root (canonical) and its path there.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Place {
    root: PathBuf,
    rel: String,
}

struct Doc {
    uri: lsp::Uri,
    version: i32,
    place: Option<Place>,
    /// The text the editor sent last.
    file: Arc<SourceFile>,
    /// The findings on `file`, once linted.
    findings: Vec<Diagnostic>,
    /// Changed since it was last linted.
    dirty: bool,
}

struct Server<W: Write> {
    out: W,
    /// `--config`: one daybook.yml for every repository.
    config: Option<PathBuf>,
    phase: Phase,
    enc: Encoding,
    /// Canonical workspace folders.
    workspaces: Vec<PathBuf>,
    /// Repositories by canonical root; the error is why it could not be read,
    /// shown once and kept until its daybook.yml changes.
    repos: HashMap<PathBuf, Result<Repo, String>>,
    /// Open documents by URI.
    docs: HashMap<String, Doc>,
    /// The client registers file watchers for us (`didChangeWatchedFiles`).
    watch: bool,
}

fn canonical(path: &Path) -> PathBuf {
    if let Ok(p) = path.canonicalize() {
        return p;
    }
    // Not on disk yet (a new note): its folder's canonical path, and its name.
    match (path.parent().and_then(|p| p.canonicalize().ok()), path.file_name()) {
        (Some(parent), Some(name)) => parent.join(name),
        _ => path.to_path_buf(),
    }
}

fn uri_to_path(uri: &str) -> Option<PathBuf> {
    let url = url::Url::parse(uri).ok()?;
    if url.scheme() != "file" {
        return None;
    }
    url.to_file_path().ok()
}

fn path_to_uri(path: &Path) -> Option<lsp::Uri> {
    let url = url::Url::from_file_path(path).ok()?;
    lsp::Uri::from_str(url.as_str()).ok()
}

/// `rel` of `path` under `root`, `/`-separated.
fn relative(path: &Path, root: &Path) -> Option<String> {
    let rel = path.strip_prefix(root).ok()?;
    let parts: Vec<String> = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned()).collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

fn parse<P: DeserializeOwned>(params: Value) -> Result<P, String> {
    serde_json::from_value(params).map_err(|e| format!("invalid params: {e}"))
}

impl<W: Write> Server<W> {
    fn new(config: Option<PathBuf>, out: W) -> Self {
        Server {
            out,
            config,
            phase: Phase::Uninitialized,
            enc: Encoding::Utf16,
            workspaces: Vec::new(),
            repos: HashMap::new(),
            docs: HashMap::new(),
            watch: false,
        }
    }

    /// Serve until `exit` (0 after `shutdown`, else 1, as the protocol says)
    /// or the end of the input (the same).
    fn serve(&mut self, rx: &mpsc::Receiver<Incoming>) -> ExitCode {
        loop {
            let Ok(first) = rx.recv() else { return self.exit_code() };
            let batch: Vec<Incoming> = std::iter::once(first).chain(rx.try_iter()).collect();
            for incoming in batch {
                if self.handle(incoming).is_break() {
                    return self.exit_code();
                }
            }
            self.flush();
        }
    }

    fn exit_code(&self) -> ExitCode {
        if self.phase == Phase::ShutDown { ExitCode::SUCCESS } else { ExitCode::from(1) }
    }

    /// A write that fails means the client is gone: the input ends next.
    fn send(&mut self, msg: Message) {
        let _ = transport::write(&mut self.out, msg);
    }

    fn reply(&mut self, id: RequestId, result: Result<Value, (ErrorCode, String)>) {
        let response = match result {
            Ok(v) => Response::new_ok(id, v),
            Err((code, why)) => Response::new_err(id, code as i32, why),
        };
        self.send(Message::Response(response));
    }

    fn notify(&mut self, method: &str, params: impl serde::Serialize) {
        self.send(Message::Notification(Notification::new(method.to_owned(), params)));
    }

    fn show_error(&mut self, message: String) {
        eprintln!("daybook server: {message}");
        let params = lsp::ShowMessageParams { typ: lsp::MessageType::ERROR, message };
        self.notify("window/showMessage", params);
    }

    fn handle(&mut self, incoming: Incoming) -> std::ops::ControlFlow<()> {
        match incoming {
            Incoming::Malformed { id, code, why } => {
                eprintln!("daybook server: {why}");
                let _ = transport::write_error(&mut self.out, id, code, &why);
            }
            Incoming::Message(Message::Request(req)) => self.request(req),
            Incoming::Message(Message::Notification(n)) if n.method == "exit" => {
                return std::ops::ControlFlow::Break(());
            }
            Incoming::Message(Message::Notification(n)) => {
                if self.phase == Phase::Running
                    && let Err(why) = self.notification(n)
                {
                    eprintln!("daybook server: {why}");
                }
            }
            // Answers to our registration request: nothing to do.
            Incoming::Message(Message::Response(_)) => {}
        }
        std::ops::ControlFlow::Continue(())
    }

    fn request(&mut self, req: Request) {
        let Request { id, method, params } = req;
        let result = match (self.phase, method.as_str()) {
            (Phase::Uninitialized, "initialize") => self.initialize(params),
            (Phase::Uninitialized, _) => {
                Err((ErrorCode::ServerNotInitialized, "the server is not initialized yet".to_owned()))
            }
            (Phase::ShutDown, _) => {
                Err((ErrorCode::InvalidRequest, "the server is shutting down".to_owned()))
            }
            (Phase::Running, "initialize") => {
                Err((ErrorCode::InvalidRequest, "initialized already".to_owned()))
            }
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShutDown;
                Ok(Value::Null)
            }
            (Phase::Running, "textDocument/hover") => {
                self.flush();
                self.hover(params)
            }
            (Phase::Running, "textDocument/codeAction") => {
                self.flush();
                self.code_action(params)
            }
            (Phase::Running, other) => {
                Err((ErrorCode::MethodNotFound, format!("`{other}` is not supported")))
            }
        };
        self.reply(id, result);
    }

    fn initialize(&mut self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let params: lsp::InitializeParams = parse(params).map_err(|e| (ErrorCode::InvalidParams, e))?;
        let general = params.capabilities.general.as_ref();
        self.enc = Encoding::negotiate(general.and_then(|g| g.position_encodings.as_deref()));
        self.watch = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        #[allow(deprecated)] // root_uri and root_path: for clients without workspace folders
        let roots: Vec<PathBuf> = match &params.workspace_folders {
            Some(folders) => folders.iter().filter_map(|f| uri_to_path(f.uri.as_str())).collect(),
            None => params
                .root_uri
                .as_ref()
                .and_then(|u| uri_to_path(u.as_str()))
                .or_else(|| params.root_path.as_ref().map(PathBuf::from))
                .into_iter()
                .collect(),
        };
        // No workspace at all (an editor opened on one file): the folder it was started in.
        let roots = if roots.is_empty() { std::env::current_dir().into_iter().collect() } else { roots };
        self.workspaces = roots.iter().map(|r| canonical(r)).collect();
        self.phase = Phase::Running;
        let capabilities = lsp::ServerCapabilities {
            position_encoding: Some(self.enc.kind()),
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Options(
                lsp::TextDocumentSyncOptions {
                    open_close: Some(true),
                    change: Some(lsp::TextDocumentSyncKind::FULL),
                    save: Some(lsp::TextDocumentSyncSaveOptions::Supported(true)),
                    ..Default::default()
                },
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            code_action_provider: Some(lsp::CodeActionProviderCapability::Options(lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..Default::default()
            })),
            workspace: Some(lsp::WorkspaceServerCapabilities {
                workspace_folders: Some(lsp::WorkspaceFoldersServerCapabilities {
                    supported: Some(true),
                    change_notifications: Some(lsp::OneOf::Left(true)),
                }),
                file_operations: None,
            }),
            ..Default::default()
        };
        let result = lsp::InitializeResult {
            capabilities,
            server_info: Some(lsp::ServerInfo {
                name: "daybook".to_owned(),
                version: Some(env!("CARGO_PKG_VERSION").to_owned()),
            }),
        };
        serde_json::to_value(result).map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }

    fn notification(&mut self, n: Notification) -> Result<(), String> {
        match n.method.as_str() {
            "initialized" => self.register_watchers(),
            "textDocument/didOpen" => {
                let p: lsp::DidOpenTextDocumentParams = parse(n.params)?;
                let d = p.text_document;
                self.open(d.uri, d.version, d.text);
            }
            "textDocument/didChange" => {
                let p: lsp::DidChangeTextDocumentParams = parse(n.params)?;
                let key = p.text_document.uri.as_str().to_owned();
                // Full sync: the last change is the whole text.
                let Some(text) = p.content_changes.into_iter().last().map(|c| c.text) else { return Ok(()) };
                let Some(doc) = self.docs.get_mut(&key) else {
                    return Err(format!("didChange for {key}, which is not open"));
                };
                doc.version = p.text_document.version;
                doc.file = SourceFile::new(doc.file.path.clone(), doc.file.abs.clone(), text);
                doc.dirty = true;
            }
            "textDocument/didClose" => {
                let p: lsp::DidCloseTextDocumentParams = parse(n.params)?;
                self.close(p.text_document.uri.as_str());
            }
            "textDocument/didSave" => {
                let p: lsp::DidSaveTextDocumentParams = parse(n.params)?;
                if let Some(path) = uri_to_path(p.text_document.uri.as_str()) {
                    self.disk_changed(&canonical(&path));
                }
            }
            "workspace/didChangeWatchedFiles" => {
                let p: lsp::DidChangeWatchedFilesParams = parse(n.params)?;
                for change in p.changes {
                    if let Some(path) = uri_to_path(change.uri.as_str()) {
                        self.disk_changed(&canonical(&path));
                    }
                }
            }
            "workspace/didChangeWorkspaceFolders" => {
                let p: lsp::DidChangeWorkspaceFoldersParams = parse(n.params)?;
                let gone: Vec<PathBuf> = p
                    .event
                    .removed
                    .iter()
                    .filter_map(|f| uri_to_path(f.uri.as_str()))
                    .map(|p| canonical(&p))
                    .collect();
                self.workspaces.retain(|w| !gone.contains(w));
                self.workspaces.extend(
                    p.event.added.iter().filter_map(|f| uri_to_path(f.uri.as_str())).map(|p| canonical(&p)),
                );
                let keys: Vec<String> = self.docs.keys().cloned().collect();
                for key in keys {
                    let place = self.place(&key);
                    if let Some(doc) = self.docs.get_mut(&key) {
                        doc.place = place;
                        doc.dirty = true;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Ask the client to tell us about notes, daybook.yml and files (local
    /// links' targets) changing on disk, where it can.
    fn register_watchers(&mut self) {
        if !self.watch {
            return;
        }
        let watcher = |glob: &str, kind: Option<lsp::WatchKind>| lsp::FileSystemWatcher {
            glob_pattern: lsp::GlobPattern::String(glob.to_owned()),
            kind,
        };
        let options = lsp::DidChangeWatchedFilesRegistrationOptions {
            watchers: vec![
                watcher("**/*.md", None),
                watcher(&format!("**/{}", crate::config::CONFIG_FILE), None),
                watcher("**/*", Some(lsp::WatchKind::Create | lsp::WatchKind::Delete)),
            ],
        };
        let params = lsp::RegistrationParams {
            registrations: vec![lsp::Registration {
                id: "daybook-watch".to_owned(),
                method: "workspace/didChangeWatchedFiles".to_owned(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        let req = Request::new(
            RequestId::from("daybook-watch".to_owned()),
            "client/registerCapability".to_owned(),
            params,
        );
        self.send(Message::Request(req));
    }

    /// The repository and path of the document at `uri`, if it is inside a
    /// workspace folder.
    fn place(&self, uri: &str) -> Option<Place> {
        let path = canonical(&uri_to_path(uri)?);
        let workspace =
            self.workspaces.iter().filter(|w| path.starts_with(w)).max_by_key(|w| w.as_os_str().len())?;
        let root = repo::find_root(&path, workspace);
        let rel = relative(&path, &root)?;
        Some(Place { root, rel })
    }

    fn open(&mut self, uri: lsp::Uri, version: i32, text: String) {
        let key = uri.as_str().to_owned();
        let place = self.place(&key);
        let (path, abs) = match &place {
            Some(p) => (p.rel.clone(), p.root.join(&p.rel)),
            None => (key.clone(), PathBuf::from(&key)),
        };
        let file = SourceFile::new(path, abs, text);
        self.docs.insert(key, Doc { uri, version, place, file, findings: Vec::new(), dirty: true });
    }

    fn close(&mut self, key: &str) {
        let Some(doc) = self.docs.remove(key) else { return };
        if let Some(place) = &doc.place {
            if let Some(Ok(repo)) = self.repos.get_mut(&place.root) {
                repo.reload(&place.rel);
            }
            self.mark_repo_dirty(&place.root);
            // Its findings stay in the editor's list otherwise.
            self.publish(&doc.uri, Vec::new(), None);
        }
    }

    fn mark_repo_dirty(&mut self, root: &Path) {
        for doc in self.docs.values_mut() {
            if doc.place.as_ref().is_some_and(|p| p.root == root) {
                doc.dirty = true;
            }
        }
    }

    /// A file changed on disk (saved, or reported by a watcher). daybook.yml:
    /// the repository is read again. A note not open in the editor: its new
    /// text replaces the held one. Any file created or deleted: the index of
    /// files local links resolve against is rebuilt.
    fn disk_changed(&mut self, path: &Path) {
        let is_config = path.file_name().is_some_and(|n| n == crate::config::CONFIG_FILE)
            || self.config.as_deref().is_some_and(|c| canonical(c) == path);
        let roots: Vec<PathBuf> =
            self.repos.keys().filter(|root| path.starts_with(root) || is_config).cloned().collect();
        for root in roots {
            if is_config {
                self.repos.remove(&root);
            } else if let Some(Ok(repo)) = self.repos.get_mut(&root) {
                let Some(rel) = relative(path, &root) else { continue };
                let open = self
                    .docs
                    .values()
                    .any(|d| d.place.as_ref().is_some_and(|p| p.root == root && p.rel == rel));
                if crate::discover::is_markdown(path) && !open {
                    repo.reload(&rel);
                } else {
                    repo.refresh_files();
                }
            }
            self.mark_repo_dirty(&root);
        }
    }

    /// Lint every changed document and publish its diagnostics.
    fn flush(&mut self) {
        let dirty: Vec<String> = self.docs.iter().filter(|(_, d)| d.dirty).map(|(k, _)| k.clone()).collect();
        for key in dirty {
            self.lint(&key);
        }
    }

    fn lint(&mut self, key: &str) {
        let Some(doc) = self.docs.get_mut(key) else { return };
        doc.dirty = false;
        let Some(place) = doc.place.clone() else { return };
        let text = doc.file.text.clone();
        // A folder with neither daybook.yml nor `notes/` is no notes repository:
        // an editor may start the server for every Markdown file it opens.
        let is_repo = self.config.is_some()
            || place.root.join(crate::config::CONFIG_FILE).is_file()
            || place.root.join("notes").is_dir();
        if !is_repo {
            return;
        }
        if !self.repos.contains_key(&place.root) {
            let loaded = Repo::load(&place.root, self.config.as_deref());
            if let Err(why) = &loaded {
                let message = format!("daybook cannot lint {}: {why}", place.root.display());
                self.show_error(message);
            }
            self.repos.insert(place.root.clone(), loaded);
        }
        let Some(Ok(repo)) = self.repos.get_mut(&place.root) else { return };
        let (file, findings) = repo.lint(&place.rel, text);
        let Some(doc) = self.docs.get_mut(key) else { return };
        doc.file = file;
        doc.findings = findings;
        let (uri, version) = (doc.uri.clone(), doc.version);
        let diagnostics = self.lsp_diagnostics(key);
        self.publish(&uri, diagnostics, Some(version));
    }

    fn publish(&mut self, uri: &lsp::Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) {
        let params = lsp::PublishDiagnosticsParams { uri: uri.clone(), diagnostics, version };
        self.notify("textDocument/publishDiagnostics", params);
    }

    /// A resolver of related places for documents of the repository at `root`.
    fn with_resolver<T>(&self, doc: &Doc, f: impl FnOnce(&features::Resolve<'_>) -> T) -> T {
        let repo = doc.place.as_ref().and_then(|p| match self.repos.get(&p.root) {
            Some(Ok(repo)) => Some(repo),
            _ => None,
        });
        let resolve = |path: &str| -> Option<(lsp::Uri, &SourceFile)> {
            if path == doc.file.path {
                return Some((doc.uri.clone(), &doc.file));
            }
            let repo = repo?;
            let file = repo.file(path)?;
            Some((path_to_uri(&repo.root.join(path))?, file.as_ref()))
        };
        f(&resolve)
    }

    fn lsp_diagnostics(&self, key: &str) -> Vec<lsp::Diagnostic> {
        let Some(doc) = self.docs.get(key) else { return Vec::new() };
        self.with_resolver(doc, |resolve| {
            doc.findings.iter().map(|d| features::to_lsp(d, &doc.file, self.enc, resolve)).collect()
        })
    }

    fn doc(&self, uri: &lsp::Uri) -> Result<&Doc, (ErrorCode, String)> {
        self.docs
            .get(uri.as_str())
            .ok_or_else(|| (ErrorCode::InvalidParams, format!("{} is not open", uri.as_str())))
    }

    fn hover(&self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let p: lsp::HoverParams = parse(params).map_err(|e| (ErrorCode::InvalidParams, e))?;
        let at = p.text_document_position_params;
        let doc = self.doc(&at.text_document.uri)?;
        let offset = position::offset(&doc.file, at.position, self.enc);
        let hover = features::hover(&doc.findings, &doc.file, offset, self.enc);
        serde_json::to_value(hover).map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }

    fn code_action(&self, params: Value) -> Result<Value, (ErrorCode, String)> {
        let p: lsp::CodeActionParams = parse(params).map_err(|e| (ErrorCode::InvalidParams, e))?;
        let doc = self.doc(&p.text_document.uri)?;
        if p.context
            .only
            .as_ref()
            .is_some_and(|only| !only.iter().any(|k| k.as_str().starts_with("quickfix")))
        {
            return Ok(Value::Array(Vec::new()));
        }
        let range = position::offset(&doc.file, p.range.start, self.enc)
            ..position::offset(&doc.file, p.range.end, self.enc);
        let actions = self.with_resolver(doc, |resolve| {
            features::code_actions(&doc.uri, &doc.findings, &doc.file, &range, self.enc, resolve)
        });
        serde_json::to_value(actions).map_err(|e| (ErrorCode::InternalError, e.to_string()))
    }
}
