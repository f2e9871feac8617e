//! `preflight server`: the language server (LSP 3.17 over stdio JSON-RPC).
//!
//! Design:
//! - **One pipeline.** A relint runs [`crate::check::check_with`] over each workspace folder with
//!   every open buffer as an [`Overlays`] entry, so the editor sees exactly what `preflight check`
//!   would report if the buffers were saved: the cross-file model (env files feeding settings,
//!   compose services feeding Dockerfiles) included. A whole-project check takes milliseconds,
//!   so there is no incremental state and no debounce; notifications already queued are handled
//!   before the next relint, so a burst of `didChange` costs one run.
//! - **Workspace-wide diagnostics.** Diagnostics are published for every file with findings,
//!   open or not: an edit to `.envs/.production/.django` re-publishes the settings module whose
//!   `DEBUG` it flips. A URI whose findings are gone gets an empty list. Open documents are
//!   re-published after every open, change or close even when their list is unchanged.
//! - **Closing** a document drops its buffer: its diagnostics (and those it caused elsewhere)
//!   revert to the state on disk.
//! - **Roots.** The workspace folders (nested ones are covered by their parent), else the root
//!   URI; a document outside every root is linted with its project root (found as `check` finds
//!   it for a file argument), or alone.
//! - **Config** is read from disk: saving `preflight.toml`, `.preflight.toml` or `pyproject.toml`
//!   relints, and so does any `workspace/didChangeWatchedFiles` (the server registers watchers
//!   for config files and the kinds it lints when the client supports dynamic registration). A
//!   config that does not load is shown once (`window/showMessage`) and the last good
//!   diagnostics stay.
//! - **Robustness.** The transport resynchronises after garbage ([`transport`]); requests before
//!   `initialize` get `ServerNotInitialized`, unknown requests `MethodNotFound`, bad params
//!   `InvalidParams`; notifications for unknown documents are logged and dropped; a panic inside
//!   a lint run is reported like a config error, keeping the last diagnostics.
//! - **Secrets.** Only messages leave the server (no file text): the same strings the JSON report
//!   prints, where rules already mask the secrets they quote.

// `lsp_types::Uri` hashes and compares by its text; the lint sees a cache cell inside it.
#![allow(clippy::mutable_key_type)]

pub mod actions;
pub mod convert;
pub mod transport;

use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, TryRecvError};
use std::sync::Arc;

use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOptions, CodeActionOrCommand, CodeActionParams, CodeActionProviderCapability,
    DidChangeTextDocumentParams, DidChangeWatchedFilesRegistrationOptions, DidChangeWorkspaceFoldersParams,
    DidCloseTextDocumentParams, DidOpenTextDocumentParams, FileSystemWatcher, GlobPattern, Hover, HoverContents,
    HoverParams, HoverProviderCapability, InitializeParams, InitializeResult, MarkupContent, MarkupKind, OneOf,
    PositionEncodingKind, Range, Registration, RegistrationParams, SaveOptions, ServerCapabilities, ServerInfo,
    TextDocumentContentChangeEvent, TextDocumentSyncCapability, TextDocumentSyncKind, TextDocumentSyncOptions,
    TextDocumentSyncSaveOptions, Uri, WorkspaceEdit, WorkspaceFoldersServerCapabilities, WorkspaceServerCapabilities,
};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::check::{check_with, Options, Report};
use crate::overlay::Overlays;
use crate::settings::resolve::normalize;
use crate::source::{FileId, SourceFile};

use convert::{Converter, Encoding};
use transport::Incoming;

/// Runs the server on stdin/stdout until `exit` or end of input; the process exit code (0 after
/// `shutdown`, else 1, as LSP asks).
pub fn run_stdio() -> u8 {
    let incoming = transport::spawn_reader(std::io::stdin());
    Server::new(Box::new(std::io::stdout())).run(&incoming)
}

/// File names whose change means a relint (config files, and what Preflight lints).
const WATCHED: &[&str] = &[
    "**/preflight.toml",
    "**/.preflight.toml",
    "**/pyproject.toml",
    "**/.env*",
    "**/.envs/**",
    "**/*.py",
    "**/*Dockerfile*",
    "**/*compose*.{yml,yaml}",
    "**/Procfile*",
];

struct Doc {
    uri: Uri,
    text: Arc<str>,
    version: i32,
}

/// One root's last report, with each file's URI and the file ids by path.
struct Lint {
    report: Report,
    uris: Vec<Uri>,
    ids: HashMap<PathBuf, FileId>,
}

#[derive(PartialEq, Eq)]
enum Phase {
    Uninitialized,
    Running,
    ShutDown,
}

struct Server {
    out: Box<dyn Write>,
    phase: Phase,
    encoding: Encoding,
    watch: bool,
    folders: Vec<PathBuf>,
    docs: HashMap<PathBuf, Doc>,
    lints: HashMap<PathBuf, Lint>,
    published: HashMap<Uri, Vec<lsp_types::Diagnostic>>,
    /// Documents opened, changed or closed since the last publication.
    touched: BTreeSet<Uri>,
    dirty: bool,
    last_error: Option<String>,
    next_id: i32,
}

impl Server {
    fn new(out: Box<dyn Write>) -> Self {
        Server {
            out,
            phase: Phase::Uninitialized,
            encoding: Encoding::Utf16,
            watch: false,
            folders: Vec::new(),
            docs: HashMap::new(),
            lints: HashMap::new(),
            published: HashMap::new(),
            touched: BTreeSet::new(),
            dirty: false,
            last_error: None,
            next_id: 0,
        }
    }

    fn run(mut self, incoming: &Receiver<Incoming>) -> u8 {
        let mut queued = None;
        loop {
            let next = match queued.take() {
                Some(m) => m,
                None => match incoming.recv() {
                    Ok(m) => m,
                    Err(_) => return self.exit_code(),
                },
            };
            if let Some(code) = self.handle(next) {
                return code;
            }
            if self.dirty {
                match incoming.try_recv() {
                    Ok(m) => queued = Some(m),
                    Err(TryRecvError::Empty) => self.relint(),
                    Err(TryRecvError::Disconnected) => return self.exit_code(),
                }
            }
        }
    }

    fn exit_code(&self) -> u8 {
        u8::from(self.phase != Phase::ShutDown)
    }

    /// Handles one message; Some(exit code) on `exit`.
    fn handle(&mut self, incoming: Incoming) -> Option<u8> {
        match incoming {
            Incoming::Malformed { id, error } => {
                self.log(&error);
                if let Some(id) = id {
                    self.send(Response::new_err(id, ErrorCode::InvalidRequest as i32, error));
                }
            }
            Incoming::Message(Message::Request(req)) => self.on_request(req),
            Incoming::Message(Message::Notification(n)) if n.method == "exit" => return Some(self.exit_code()),
            Incoming::Message(Message::Notification(n)) if self.phase == Phase::Running => self.on_notification(n),
            // Notifications before `initialize` or after `shutdown`, and replies to our requests.
            Incoming::Message(_) => {}
        }
        None
    }

    fn on_request(&mut self, req: Request) {
        let refuse = |code: ErrorCode, why: &str| Some((code, why.to_string()));
        let refused = match (&self.phase, req.method.as_str()) {
            (Phase::Uninitialized, "initialize") => return self.initialize(req),
            (Phase::Uninitialized, _) => refuse(ErrorCode::ServerNotInitialized, "the server is not initialized"),
            (Phase::ShutDown, _) => refuse(ErrorCode::InvalidRequest, "the server is shut down"),
            (Phase::Running, "initialize") => refuse(ErrorCode::InvalidRequest, "the server is already initialized"),
            (Phase::Running, "shutdown") => {
                self.phase = Phase::ShutDown;
                return self.send(Response::new_ok(req.id, ()));
            }
            (Phase::Running, "textDocument/hover") => return self.reply(req, Self::hover),
            (Phase::Running, "textDocument/codeAction") => return self.reply(req, Self::code_actions),
            (Phase::Running, method) => Some((ErrorCode::MethodNotFound, format!("unknown method `{method}`"))),
        };
        if let Some((code, message)) = refused {
            self.send(Response::new_err(req.id, code as i32, message));
        }
    }

    /// Answers a request from its parsed params (after a pending relint, so the answer is
    /// current), or with `InvalidParams`.
    fn reply<P: DeserializeOwned, R: Serialize>(&mut self, req: Request, answer: fn(&mut Self, P) -> R) {
        if self.dirty {
            self.relint();
        }
        match serde_json::from_value::<P>(req.params) {
            Ok(params) => {
                let result = answer(self, params);
                self.send(Response::new_ok(req.id, result));
            }
            Err(e) => self.send(Response::new_err(req.id, ErrorCode::InvalidParams as i32, e.to_string())),
        }
    }

    fn initialize(&mut self, req: Request) {
        let params: InitializeParams = match serde_json::from_value(req.params) {
            Ok(p) => p,
            Err(e) => return self.send(Response::new_err(req.id, ErrorCode::InvalidParams as i32, e.to_string())),
        };
        let caps = &params.capabilities;
        let offers_utf8 = caps
            .general
            .as_ref()
            .and_then(|g| g.position_encodings.as_ref())
            .is_some_and(|e| e.contains(&PositionEncodingKind::UTF8));
        self.encoding = if offers_utf8 { Encoding::Utf8 } else { Encoding::Utf16 };
        self.watch = caps
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|d| d.dynamic_registration)
            .unwrap_or(false);
        self.folders = initial_folders(&params);
        // The first lint waits for `initialized` (or the first document).
        self.phase = Phase::Running;
        let result = InitializeResult {
            capabilities: capabilities(self.encoding),
            server_info: Some(ServerInfo { name: "preflight".into(), version: Some(env!("CARGO_PKG_VERSION").into()) }),
        };
        self.send(Response::new_ok(req.id, result));
    }

    fn on_notification(&mut self, n: Notification) {
        let method = n.method.clone();
        let parsed = match method.as_str() {
            "initialized" => {
                self.register_watchers();
                Ok(())
            }
            "textDocument/didOpen" => parse(n).map(|p| self.did_open(p)),
            "textDocument/didChange" => parse(n).map(|p| self.did_change(p)),
            "textDocument/didClose" => parse(n).map(|p| self.did_close(p)),
            "workspace/didChangeWorkspaceFolders" => parse(n).map(|p| self.did_change_folders(p)),
            // The file on disk changed (a config file among them): relint from it.
            "textDocument/didSave" | "workspace/didChangeWatchedFiles" | "workspace/didChangeConfiguration" => {
                self.dirty = true;
                Ok(())
            }
            _ => Ok(()),
        };
        if let Err(e) = parsed {
            self.log(&format!("{method}: invalid params: {e}"));
        }
    }

    fn did_open(&mut self, p: DidOpenTextDocumentParams) {
        let doc = p.text_document;
        let Some(path) = convert::path_of(&doc.uri).map(|p| key(&p)) else { return };
        self.touched.insert(doc.uri.clone());
        self.docs.insert(path, Doc { uri: doc.uri, text: Arc::from(doc.text), version: doc.version });
        self.dirty = true;
    }

    fn did_change(&mut self, p: DidChangeTextDocumentParams) {
        let uri = p.text_document.uri;
        let Some(doc) = convert::path_of(&uri).and_then(|path| self.docs.get_mut(&key(&path))) else {
            return self.log(&format!("didChange for {} which is not open: ignored", uri.as_str()));
        };
        doc.text = Arc::from(apply_changes(doc.text.to_string(), p.content_changes, self.encoding));
        doc.version = p.text_document.version;
        self.touched.insert(uri);
        self.dirty = true;
    }

    fn did_close(&mut self, p: DidCloseTextDocumentParams) {
        if let Some(path) = convert::path_of(&p.text_document.uri) {
            self.docs.remove(&key(&path));
        }
        self.touched.insert(p.text_document.uri);
        self.dirty = true;
    }

    fn did_change_folders(&mut self, p: DidChangeWorkspaceFoldersParams) {
        let removed: Vec<PathBuf> =
            p.event.removed.iter().filter_map(|f| convert::path_of(&f.uri)).map(|p| key(&p)).collect();
        self.folders.retain(|f| !removed.contains(f));
        self.folders.extend(p.event.added.iter().filter_map(|f| convert::path_of(&f.uri)).map(|p| key(&p)));
        self.dirty = true;
    }

    fn register_watchers(&mut self) {
        self.dirty = true;
        if !self.watch {
            return;
        }
        let watchers = WATCHED
            .iter()
            .map(|g| FileSystemWatcher { glob_pattern: GlobPattern::String(g.to_string()), kind: None })
            .collect();
        let options = DidChangeWatchedFilesRegistrationOptions { watchers };
        let params = RegistrationParams {
            registrations: vec![Registration {
                id: "preflight-watched-files".into(),
                method: "workspace/didChangeWatchedFiles".into(),
                register_options: serde_json::to_value(options).ok(),
            }],
        };
        self.next_id += 1;
        let id = RequestId::from(format!("preflight-{}", self.next_id));
        self.send(Request::new(id, "client/registerCapability".into(), params));
    }

    /// What to lint: the folders not inside another, then each open document outside them.
    fn targets(&self) -> Vec<PathBuf> {
        let mut targets: Vec<PathBuf> = Vec::new();
        for f in &self.folders {
            if !self.folders.iter().any(|g| g != f && f.starts_with(g)) && !targets.contains(f) {
                targets.push(f.clone());
            }
        }
        let mut docs: Vec<&PathBuf> = self.docs.keys().collect();
        docs.sort();
        for path in docs {
            if !targets.iter().any(|t| path.starts_with(t)) && path.is_file() {
                targets.push(crate::check::project_root_of(path).unwrap_or_else(|| path.clone()));
            }
        }
        targets
    }

    fn relint(&mut self) {
        self.dirty = false;
        let overlays = Overlays::new(self.docs.iter().map(|(p, d)| (p.clone(), d.text.clone())));
        let targets = self.targets();
        self.lints.retain(|t, _| targets.contains(t));
        for target in targets {
            let opts = Options { paths: vec![target.clone()], ..Options::default() };
            // A bug in a rule must not take the editor's server down: the run is reported and the
            // last diagnostics stay.
            let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| check_with(&opts, &overlays)));
            match run {
                Ok(Ok(report)) => {
                    self.last_error = None;
                    let lint = self.index(report);
                    self.lints.insert(target, lint);
                }
                Ok(Err(e)) => self.show_error(e.to_string()),
                Err(_) => self.show_error(format!("internal error while linting {}", target.display())),
            }
        }
        self.publish();
    }

    fn index(&self, report: Report) -> Lint {
        let paths: Vec<PathBuf> = report.project.files.iter().map(|f| key(&f.found.path)).collect();
        let uris =
            paths.iter().map(|p| self.docs.get(p).map_or_else(|| convert::uri_of(p), |d| d.uri.clone())).collect();
        let ids = paths.into_iter().enumerate().map(|(id, p)| (p, id)).collect();
        Lint { report, uris, ids }
    }

    /// Publishes every URI whose diagnostics changed (empty lists for those that have none
    /// left), and every touched document.
    fn publish(&mut self) {
        let mut next: HashMap<Uri, Vec<lsp_types::Diagnostic>> = HashMap::new();
        for lint in self.lints.values() {
            let conv = Converter { report: &lint.report, uris: &lint.uris, encoding: self.encoding };
            for d in &lint.report.diagnostics {
                next.entry(lint.uris[d.span.file].clone()).or_default().push(conv.diagnostic(d));
            }
        }
        let touched = std::mem::take(&mut self.touched);
        let mut uris: BTreeSet<&Uri> = self.published.keys().chain(next.keys()).collect();
        uris.extend(&touched);
        let mut out = Vec::new();
        for uri in uris {
            let diagnostics = next.get(uri).cloned().unwrap_or_default();
            if touched.contains(uri) || self.published.get(uri).is_none_or(|old| *old != diagnostics) {
                let version = convert::path_of(uri).and_then(|p| self.docs.get(&key(&p))).map(|d| d.version);
                out.push(lsp_types::PublishDiagnosticsParams { uri: uri.clone(), diagnostics, version });
            }
        }
        for params in out {
            self.send(Notification::new("textDocument/publishDiagnostics".into(), params));
        }
        self.published = next;
    }

    /// The lint and file id of a document.
    fn file_of(&self, uri: &Uri) -> Option<(&Lint, FileId)> {
        let path = key(&convert::path_of(uri)?);
        self.lints.values().find_map(|l| l.ids.get(&path).map(|&id| (l, id)))
    }

    fn hover(&mut self, p: HoverParams) -> Option<Hover> {
        let at = p.text_document_position_params.position;
        let (lint, file) = self.file_of(&p.text_document_position_params.text_document.uri)?;
        let src = &lint.report.project.files[file].source;
        let under: Vec<_> = lint
            .report
            .diagnostics
            .iter()
            .filter(|d| d.span.file == file)
            .filter(|d| actions::touches(convert::range(src, &d.span, self.encoding), Range { start: at, end: at }))
            .collect();
        let first = under.first()?;
        Some(Hover {
            contents: HoverContents::Markup(MarkupContent {
                kind: MarkupKind::Markdown,
                value: actions::hover_markdown(&under),
            }),
            range: Some(convert::range(src, &first.span, self.encoding)),
        })
    }

    fn code_actions(&mut self, p: CodeActionParams) -> Vec<CodeActionOrCommand> {
        let wants_quickfix = p.context.only.as_ref().is_none_or(|only| {
            only.iter().any(|k| CodeActionKind::QUICKFIX.as_str().starts_with(k.as_str()) || k.as_str().is_empty())
        });
        let Some((lint, file)) = self.file_of(&p.text_document.uri).filter(|_| wants_quickfix) else {
            return Vec::new();
        };
        let src = &lint.report.project.files[file].source;
        let conv = Converter { report: &lint.report, uris: &lint.uris, encoding: self.encoding };
        let mut out: Vec<CodeActionOrCommand> = Vec::new();
        let unused = crate::rules::tool::unused_suppression::RULE.code;
        for d in lint.report.diagnostics.iter().filter(|d| d.span.file == file && d.code != unused) {
            let diagnostic = conv.diagnostic(d);
            if !actions::touches(diagnostic.range, p.range) {
                continue;
            }
            for s in [actions::suppress_line(src, d, self.encoding), actions::suppress_file(src, d, self.encoding)] {
                if out.iter().any(|a| matches!(a, CodeActionOrCommand::CodeAction(a) if a.title == s.title)) {
                    continue;
                }
                let changes = HashMap::from([(p.text_document.uri.clone(), vec![s.edit])]);
                out.push(CodeActionOrCommand::CodeAction(CodeAction {
                    title: s.title,
                    kind: Some(CodeActionKind::QUICKFIX),
                    diagnostics: Some(vec![diagnostic.clone()]),
                    edit: Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() }),
                    ..CodeAction::default()
                }));
            }
        }
        out
    }

    /// A config that does not load: shown once until it loads again.
    fn show_error(&mut self, message: String) {
        if self.last_error.as_ref() == Some(&message) {
            return;
        }
        self.log(&message);
        let params = serde_json::json!({"type": 1, "message": format!("preflight: {message}")});
        self.send(Notification::new("window/showMessage".into(), params));
        self.last_error = Some(message);
    }

    fn log(&mut self, message: &str) {
        let params = serde_json::json!({"type": 3, "message": message});
        self.send(Notification::new("window/logMessage".into(), params));
    }

    fn send(&mut self, message: impl Into<Message>) {
        // A closed output ends the session at the next read; nothing to do here.
        let _ = transport::write(&mut self.out, &message.into());
    }
}

/// A document's text after `didChange` events: whole replacements (what the server asks for),
/// or ranges, applied in order (what a client may send anyway).
fn apply_changes(mut text: String, changes: Vec<TextDocumentContentChangeEvent>, enc: Encoding) -> String {
    for change in changes {
        match change.range {
            Some(range) => {
                let src = SourceFile::new(PathBuf::new(), text);
                let start = convert::offset(&src, range.start, enc);
                let end = convert::offset(&src, range.end, enc).max(start);
                text = src.text;
                text.replace_range(start..end, &change.text);
            }
            None => text = change.text,
        }
    }
    text
}

fn parse<P: DeserializeOwned>(n: Notification) -> Result<P, serde_json::Error> {
    serde_json::from_value(n.params)
}

/// A path as the server keys it: absolute and normalised.
fn key(path: &Path) -> PathBuf {
    normalize(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf()))
}

#[allow(deprecated)] // `rootUri` and `rootPath` are the fallbacks of old clients.
fn initial_folders(params: &InitializeParams) -> Vec<PathBuf> {
    let folders: Vec<PathBuf> = match (&params.workspace_folders, &params.root_uri, &params.root_path) {
        (Some(folders), _, _) => folders.iter().filter_map(|f| convert::path_of(&f.uri)).collect(),
        (None, Some(uri), _) => convert::path_of(uri).into_iter().collect(),
        (None, None, Some(path)) => vec![PathBuf::from(path)],
        _ => Vec::new(),
    };
    folders.iter().map(|f| key(f)).collect()
}

fn capabilities(encoding: Encoding) -> ServerCapabilities {
    let sync = TextDocumentSyncOptions {
        open_close: Some(true),
        change: Some(TextDocumentSyncKind::FULL),
        save: Some(TextDocumentSyncSaveOptions::SaveOptions(SaveOptions { include_text: Some(false) })),
        ..TextDocumentSyncOptions::default()
    };
    let actions = CodeActionOptions {
        code_action_kinds: Some(vec![CodeActionKind::QUICKFIX]),
        resolve_provider: Some(false),
        ..CodeActionOptions::default()
    };
    let folders =
        WorkspaceFoldersServerCapabilities { supported: Some(true), change_notifications: Some(OneOf::Left(true)) };
    ServerCapabilities {
        position_encoding: Some(match encoding {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }),
        text_document_sync: Some(TextDocumentSyncCapability::Options(sync)),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        code_action_provider: Some(CodeActionProviderCapability::Options(actions)),
        workspace: Some(WorkspaceServerCapabilities { workspace_folders: Some(folders), file_operations: None }),
        ..ServerCapabilities::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use lsp_types::Position;

    #[test]
    fn changes_apply_in_order() {
        let range = |l1, c1, l2, c2| {
            Some(Range { start: Position { line: l1, character: c1 }, end: Position { line: l2, character: c2 } })
        };
        let change =
            |range, text: &str| TextDocumentContentChangeEvent { range, range_length: None, text: text.into() };
        let text = "A=\u{e9}x\nB=2\n".to_string();
        let changes =
            vec![change(range(0, 3, 0, 4), "y"), change(range(1, 2, 1, 3), "3"), change(range(2, 0, 2, 0), "C=4\n")];
        assert_eq!(apply_changes(text.clone(), changes, Encoding::Utf16), "A=\u{e9}y\nB=3\nC=4\n");
        let utf8 = vec![change(range(0, 4, 0, 5), "z")];
        assert_eq!(apply_changes(text, utf8, Encoding::Utf8), "A=\u{e9}z\nB=2\n");
        assert_eq!(apply_changes("old".into(), vec![change(None, "new")], Encoding::Utf16), "new");
    }
}
