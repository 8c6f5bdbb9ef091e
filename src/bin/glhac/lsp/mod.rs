//! `glhac lsp`: a language server over stdio.
//!
//! Protocol crates: `lsp-types` for the protocol's structures and
//! `lsp-server` (rust-analyzer's) for JSON-RPC messages. Both are
//! synchronous and small: a spec is checked in well under a millisecond,
//! so an async runtime (tower-lsp and its successors run on tokio) would
//! only add build time and binary size. lsp-server's own stdio transport
//! ends the session at the first malformed message, so frames are read by
//! [`transport`], which answers a bad one with a JSON-RPC error and reads
//! on.
//!
//! Everything the server says comes from the library: diagnostics from
//! [`glha::check_text`] (the same as `glhac check`), hover, completion and
//! references from [`glha::ide`], formatting from [`glha::fmt::format`].

mod convert;
mod transport;

use camino::Utf8PathBuf;
use convert::Text;
use glha::ide::{Analysis, CompletionKind, LineIndex};
use lsp_server::{ErrorCode, Message, Notification, Request, RequestId, Response};
use lsp_types as lsp;
use lsp_types::notification::{self as note, Notification as _};
use lsp_types::request::{self as req, Request as _};
use serde_json::Value;
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use transport::Frame;

/// Arguments of `glhac lsp`.
#[derive(clap::Args)]
pub struct Args {
    /// Talk over stdin and stdout (the only transport; accepted because
    /// editors pass it).
    #[arg(long)]
    stdio: bool,
    /// Another directory to look up imports in (repeatable).
    #[arg(long = "lib", short = 'L')]
    lib: Vec<Utf8PathBuf>,
}

/// Serves until the client sends `exit` or closes stdin. Exit status 0
/// after a `shutdown` request, 1 without one (as the protocol says).
pub fn run(a: Args) -> anyhow::Result<u8> {
    let _ = a.stdio;
    let mut server = Server {
        docs: HashMap::new(),
        opts: glha::Options {
            search: glha::SearchPath(a.lib),
            ..glha::Options::default()
        },
        state: State::Uninitialized,
        exit: None,
    };
    let mut input = std::io::stdin().lock();
    let mut out = std::io::stdout().lock();
    while let Some(frame) = transport::read(&mut input)? {
        let replies = match frame {
            Frame::Invalid(v) => vec![v],
            Frame::Message(m) => server.handle(m),
        };
        for r in &replies {
            transport::write(&mut out, r)?;
        }
        if let Some(code) = server.exit {
            return Ok(code);
        }
    }
    Ok(u8::from(server.state != State::ShutDown))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Uninitialized,
    Running,
    ShutDown,
}

struct Server {
    /// Open documents by URI.
    docs: HashMap<String, Doc>,
    opts: glha::Options,
    state: State,
    /// Set by `exit`: the process's exit status.
    exit: Option<u8>,
}

struct Doc {
    uri: lsp::Uri,
    version: i32,
    analysis: Analysis,
    lines: LineIndex,
}

impl Doc {
    fn new(uri: lsp::Uri, version: i32, text: String) -> Self {
        let lines = LineIndex::new(&text);
        Doc {
            uri,
            version,
            analysis: Analysis::new(text),
            lines,
        }
    }
    fn text(&self) -> Text<'_> {
        Text {
            text: self.analysis.text(),
            lines: &self.lines,
        }
    }
}

/// A request's failure: the JSON-RPC error code and message.
type Failure = (ErrorCode, String);

fn params<P: serde::de::DeserializeOwned>(v: Value) -> Result<P, Failure> {
    serde_json::from_value(v).map_err(|e| (ErrorCode::InvalidParams, e.to_string()))
}

fn to_value(v: impl serde::Serialize) -> Result<Value, Failure> {
    serde_json::to_value(v).map_err(|e| (ErrorCode::InternalError, e.to_string()))
}

/// What a panic said, for the error that replaces it.
fn panic_text(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into())
}

impl Server {
    fn handle(&mut self, m: Message) -> Vec<Value> {
        match m {
            Message::Request(r) => vec![self.request(r)],
            Message::Notification(n) => self.notification(n),
            // The server sends no requests, so expects no responses.
            Message::Response(_) => Vec::new(),
        }
    }

    fn request(&mut self, r: Request) -> Value {
        let id: RequestId = r.id.clone();
        let result = match (self.state, r.method.as_str()) {
            (State::Uninitialized, m) if m != req::Initialize::METHOD => Err((
                ErrorCode::ServerNotInitialized,
                "send `initialize` first".into(),
            )),
            (State::ShutDown, _) => Err((
                ErrorCode::InvalidRequest,
                "the server is shut down; send `exit`".into(),
            )),
            // A bug must cost one answer, not the session.
            _ => catch_unwind(AssertUnwindSafe(|| self.dispatch(r))).unwrap_or_else(|p| {
                Err((
                    ErrorCode::InternalError,
                    format!("internal error: {}", panic_text(&*p)),
                ))
            }),
        };
        let response = match result {
            Ok(v) => Response::new_ok(id, v),
            Err((code, message)) => Response::new_err(id, code as i32, message),
        };
        transport::to_json(&Message::Response(response))
    }

    fn dispatch(&mut self, r: Request) -> Result<Value, Failure> {
        match r.method.as_str() {
            req::Initialize::METHOD => self.initialize(),
            req::Shutdown::METHOD => {
                self.state = State::ShutDown;
                Ok(Value::Null)
            }
            req::HoverRequest::METHOD => self.hover(params(r.params)?),
            req::Completion::METHOD => self.completion(params(r.params)?),
            req::GotoDefinition::METHOD => self.definition(params(r.params)?),
            req::References::METHOD => self.references(params(r.params)?),
            req::Formatting::METHOD => self.formatting(params(r.params)?),
            m => Err((ErrorCode::MethodNotFound, format!("no method `{m}`"))),
        }
    }

    fn initialize(&mut self) -> Result<Value, Failure> {
        if self.state != State::Uninitialized {
            return Err((ErrorCode::InvalidRequest, "already initialized".into()));
        }
        self.state = State::Running;
        let caps = lsp::ServerCapabilities {
            text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
                lsp::TextDocumentSyncKind::INCREMENTAL,
            )),
            hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
            completion_provider: Some(lsp::CompletionOptions {
                trigger_characters: Some(vec![".".into(), "\"".into()]),
                ..Default::default()
            }),
            definition_provider: Some(lsp::OneOf::Left(true)),
            references_provider: Some(lsp::OneOf::Left(true)),
            document_formatting_provider: Some(lsp::OneOf::Left(true)),
            ..Default::default()
        };
        to_value(lsp::InitializeResult {
            capabilities: caps,
            server_info: Some(lsp::ServerInfo {
                name: "glhac".into(),
                version: Some(env!("CARGO_PKG_VERSION").into()),
            }),
        })
    }

    fn notification(&mut self, n: Notification) -> Vec<Value> {
        if n.method == note::Exit::METHOD {
            self.exit = Some(u8::from(self.state != State::ShutDown));
            return Vec::new();
        }
        if self.state != State::Running {
            return Vec::new();
        }
        let method = n.method.clone();
        catch_unwind(AssertUnwindSafe(|| self.document_event(n))).unwrap_or_else(|p| {
            vec![log_error(format!(
                "internal error in {method}: {}",
                panic_text(&*p)
            ))]
        })
    }

    /// Opening, changing and closing documents; other notifications
    /// (`initialized`, `$/cancelRequest`, …) need nothing.
    fn document_event(&mut self, n: Notification) -> Vec<Value> {
        let uri = match n.method.as_str() {
            note::DidOpenTextDocument::METHOD => {
                let Ok(p) = params::<lsp::DidOpenTextDocumentParams>(n.params) else {
                    return vec![log_error("didOpen: bad parameters".into())];
                };
                let d = p.text_document;
                let key = d.uri.as_str().to_string();
                self.docs
                    .insert(key.clone(), Doc::new(d.uri, d.version, d.text));
                key
            }
            note::DidChangeTextDocument::METHOD => {
                let Ok(p) = params::<lsp::DidChangeTextDocumentParams>(n.params) else {
                    return vec![log_error("didChange: bad parameters".into())];
                };
                let key = p.text_document.uri.as_str().to_string();
                let Some(doc) = self.docs.remove(&key) else {
                    return Vec::new();
                };
                let text = apply_changes(&doc, p.content_changes);
                self.docs.insert(
                    key.clone(),
                    Doc::new(doc.uri, p.text_document.version, text),
                );
                key
            }
            note::DidCloseTextDocument::METHOD => {
                let Ok(p) = params::<lsp::DidCloseTextDocumentParams>(n.params) else {
                    return vec![log_error("didClose: bad parameters".into())];
                };
                self.docs.remove(p.text_document.uri.as_str());
                return vec![publish(p.text_document.uri, Vec::new(), None)];
            }
            _ => return Vec::new(),
        };
        self.docs
            .get(&uri)
            .map(|d| self.check(d))
            .into_iter()
            .collect()
    }

    /// Checks a document and returns its publishDiagnostics.
    fn check(&self, doc: &Doc) -> Value {
        let path = convert::file_path(doc.uri.as_str());
        let name = path
            .as_ref()
            .map_or(doc.uri.as_str().to_string(), |p| p.to_string());
        let comp = glha::check_text(
            &name,
            path.as_deref(),
            doc.analysis.text().to_string(),
            &self.opts,
        );
        let diags = convert::diagnostics(&comp, &doc.uri, &doc.text(), &doc.analysis);
        publish(doc.uri.clone(), diags, Some(doc.version))
    }

    fn doc(&self, uri: &lsp::Uri) -> Result<&Doc, Failure> {
        self.docs.get(uri.as_str()).ok_or_else(|| {
            (
                ErrorCode::InvalidParams,
                format!("{} is not open", uri.as_str()),
            )
        })
    }

    /// The document and byte offset a position request is about.
    fn at(&self, p: &lsp::TextDocumentPositionParams) -> Result<(&Doc, usize), Failure> {
        let doc = self.doc(&p.text_document.uri)?;
        Ok((doc, doc.text().offset(p.position)))
    }

    fn hover(&self, p: lsp::HoverParams) -> Result<Value, Failure> {
        let (doc, offset) = self.at(&p.text_document_position_params)?;
        to_value(doc.analysis.hover(offset).map(|h| lsp::Hover {
            contents: lsp::HoverContents::Markup(markdown(h.markdown)),
            range: Some(doc.text().range(h.range)),
        }))
    }

    fn completion(&self, p: lsp::CompletionParams) -> Result<Value, Failure> {
        let (doc, offset) = self.at(&p.text_document_position)?;
        let items: Vec<lsp::CompletionItem> = doc
            .analysis
            .complete(offset)
            .into_iter()
            .map(|c| lsp::CompletionItem {
                label: c.label,
                kind: Some(completion_kind(c.kind)),
                detail: Some(c.detail),
                documentation: c
                    .doc
                    .map(|d| lsp::Documentation::MarkupContent(markdown(d))),
                text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit::new(
                    doc.text().range(c.replace),
                    c.insert,
                ))),
                ..Default::default()
            })
            .collect();
        to_value(items)
    }

    fn definition(&self, p: lsp::GotoDefinitionParams) -> Result<Value, Failure> {
        let (doc, offset) = self.at(&p.text_document_position_params)?;
        to_value(doc.analysis.definition(offset).map(|r| {
            lsp::GotoDefinitionResponse::Scalar(lsp::Location::new(
                doc.uri.clone(),
                doc.text().range(r),
            ))
        }))
    }

    fn references(&self, p: lsp::ReferenceParams) -> Result<Value, Failure> {
        let (doc, offset) = self.at(&p.text_document_position)?;
        let refs: Vec<lsp::Location> = doc
            .analysis
            .references(offset, p.context.include_declaration)
            .into_iter()
            .map(|r| lsp::Location::new(doc.uri.clone(), doc.text().range(r)))
            .collect();
        to_value(refs)
    }

    /// The whole document formatted, as one edit; an error if it has a
    /// syntax error (the formatter does not guess).
    fn formatting(&self, p: lsp::DocumentFormattingParams) -> Result<Value, Failure> {
        let doc = self.doc(&p.text_document.uri)?;
        let text = doc.analysis.text();
        let formatted = glha::fmt::format(text).map_err(|diags| {
            let first = diags.iter().next().map_or(String::new(), |d| {
                let at = d.primary.as_ref().map_or(0, |p| p.span.start as usize);
                let pos = doc.text().position(at);
                format!(": {}:{}: {}", pos.line + 1, pos.character + 1, d.message)
            });
            (
                ErrorCode::RequestFailed,
                format!("not formatted: the spec has a syntax error{first}"),
            )
        })?;
        let edits = if formatted == text {
            Vec::new()
        } else {
            vec![lsp::TextEdit::new(
                doc.text().range(0..text.len()),
                formatted,
            )]
        };
        to_value(edits)
    }
}

/// The text after applying a didChange's changes in order (a change
/// without a range replaces everything).
fn apply_changes(doc: &Doc, changes: Vec<lsp::TextDocumentContentChangeEvent>) -> String {
    let mut text = doc.analysis.text().to_string();
    let mut lines = doc.lines.clone();
    for c in changes {
        match c.range {
            None => text = c.text,
            Some(r) => {
                let t = Text {
                    text: &text,
                    lines: &lines,
                };
                let (a, b) = (t.offset(r.start), t.offset(r.end));
                let (a, b) = (a.min(b), a.max(b));
                text.replace_range(a..b, &c.text);
            }
        }
        lines = LineIndex::new(&text);
    }
    text
}

fn publish(uri: lsp::Uri, diagnostics: Vec<lsp::Diagnostic>, version: Option<i32>) -> Value {
    let params = lsp::PublishDiagnosticsParams {
        uri,
        diagnostics,
        version,
    };
    transport::to_json(&Message::Notification(Notification::new(
        note::PublishDiagnostics::METHOD.into(),
        params,
    )))
}

/// A `window/logMessage` error, for what went wrong with a notification
/// (which has no reply to carry it).
fn log_error(message: String) -> Value {
    transport::to_json(&Message::Notification(Notification::new(
        note::LogMessage::METHOD.into(),
        lsp::LogMessageParams {
            typ: lsp::MessageType::ERROR,
            message,
        },
    )))
}

fn markdown(value: String) -> lsp::MarkupContent {
    lsp::MarkupContent {
        kind: lsp::MarkupKind::Markdown,
        value,
    }
}

fn completion_kind(k: CompletionKind) -> lsp::CompletionItemKind {
    match k {
        CompletionKind::Key => lsp::CompletionItemKind::PROPERTY,
        CompletionKind::Block => lsp::CompletionItemKind::STRUCT,
        CompletionKind::Directive => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Value => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::Reference => lsp::CompletionItemKind::REFERENCE,
        CompletionKind::Release => lsp::CompletionItemKind::CONSTANT,
        CompletionKind::Module => lsp::CompletionItemKind::MODULE,
    }
}
