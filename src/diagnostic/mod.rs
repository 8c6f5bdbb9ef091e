//! Diagnostics: what the compiler says about a spec.
//!
//! The library only builds these values; the CLI (or a build script, or the
//! proc macro) decides how to show them.

pub mod codes;
mod render;

pub use render::{one_line, render};

pub use codes::{Code, CODES};

use crate::source::{SourceMap, Span};
use serde::Serialize;

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never changes the outcome.
    Note,
    /// Builds, but probably not what the operator wants.
    Warning,
    /// Nothing is written.
    Error,
}

/// A span with a short message.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What about it (may be empty).
    pub message: String,
}

/// One finding about a spec, with a stable code.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// Error, warning or note.
    pub severity: Severity,
    /// Stable code, e.g. `E0101`; see [`CODES`].
    pub code: &'static str,
    /// One line saying what is wrong.
    pub message: String,
    /// The place it is about; `None` only for problems with no source (a
    /// missing file).
    pub primary: Option<Label>,
    /// Related places.
    pub secondary: Vec<Label>,
    /// How to fix it.
    pub help: Option<String>,
    /// Extra facts (why it matters, where a fact comes from).
    pub notes: Vec<String>,
}

impl Diagnostic {
    fn new(
        severity: Severity,
        code: &'static Code,
        span: Span,
        message: impl Into<String>,
    ) -> Self {
        Diagnostic {
            severity,
            code: code.id,
            message: message.into(),
            primary: Some(Label {
                span,
                message: String::new(),
            }),
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }
    /// An error at a span.
    pub fn error(code: &'static Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Error, code, span, message)
    }
    /// A warning at a span.
    pub fn warning(code: &'static Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Warning, code, span, message)
    }
    /// A note at a span.
    pub fn note(code: &'static Code, span: Span, message: impl Into<String>) -> Self {
        Self::new(Severity::Note, code, span, message)
    }
    /// A diagnostic about no particular place (e.g. an unreadable file).
    pub fn global(severity: Severity, code: &'static Code, message: impl Into<String>) -> Self {
        Diagnostic {
            severity,
            code: code.id,
            message: message.into(),
            primary: None,
            secondary: Vec::new(),
            help: None,
            notes: Vec::new(),
        }
    }
    /// Sets the message under the primary span.
    pub fn label(mut self, message: impl Into<String>) -> Self {
        if let Some(p) = &mut self.primary {
            p.message = message.into();
        }
        self
    }
    /// Adds a related place.
    pub fn with_secondary(mut self, span: Span, message: impl Into<String>) -> Self {
        self.secondary.push(Label {
            span,
            message: message.into(),
        });
        self
    }
    /// Sets the fix.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
    /// Adds a note.
    pub fn note_text(mut self, note: impl Into<String>) -> Self {
        self.notes.push(note.into());
        self
    }
    /// Whether this stops the build.
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
    /// `file:line:col` of the primary span, if any.
    pub fn location(&self, sources: &SourceMap) -> Option<String> {
        self.primary.as_ref().map(|p| sources.location(p.span))
    }
}

/// The diagnostic for a secret whose value cannot be used, at the place
/// the spec refers to it (or, with no such place, about the file `root`).
/// Names the secret by id and source, never by value.
pub fn secret_error(e: &crate::secret::SecretError, root: crate::source::FileId) -> Diagnostic {
    use crate::secret::Problem;
    let span = e.span.unwrap_or(Span::new(root, 0, 0));
    let (code, label, help) = match &e.problem {
        Problem::EnvUnset(var) => (
            &codes::SECRET_UNREADABLE,
            "read when the bundle is built with its values",
            format!("set {var}, or build without --embed-secrets to write a placeholder"),
        ),
        Problem::FileUnreadable { path, .. } => (
            &codes::SECRET_UNREADABLE,
            "read when the bundle is built with its values",
            format!("make {path} readable, or build without --embed-secrets"),
        ),
        Problem::Unrepresentable { carrier, .. } => (
            &codes::UNSAFE_VALUE,
            "its value is checked where it is written",
            format!("choose another value: {}", carrier.limits()),
        ),
        Problem::Unknown => (
            &codes::SECRET_UNREADABLE,
            "",
            "supply values only for the secrets the spec refers to".to_string(),
        ),
    };
    Diagnostic::error(code, span, e.to_string())
        .label(label)
        .help(help)
}

/// Diagnostics collected by a phase; phases push into it and never stop at
/// the first problem.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Records one.
    pub fn push(&mut self, d: Diagnostic) {
        self.0.push(d);
    }
    /// Whether any is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(Diagnostic::is_error)
    }
    /// Sorts by file and position, errors before warnings at one place, so
    /// output is the same on every run.
    pub fn sort(&mut self) {
        // A key that borrows the message: sorting compares keys O(n log n)
        // times, and a file can have very many diagnostics.
        fn key(d: &Diagnostic) -> impl Ord + '_ {
            let pos = d
                .primary
                .as_ref()
                .map(|p| (p.span.file, p.span.start, p.span.end));
            (
                pos,
                std::cmp::Reverse(d.severity),
                d.code,
                d.message.as_str(),
            )
        }
        self.0.sort_by(|a, b| key(a).cmp(&key(b)));
        self.0.dedup_by(|a, b| {
            a.code == b.code
                && a.message == b.message
                && a.primary.as_ref().map(|p| p.span) == b.primary.as_ref().map(|p| p.span)
        });
    }
    /// Counts errors and warnings.
    pub fn counts(&self) -> (usize, usize) {
        let e = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let w = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .count();
        (e, w)
    }
    /// Iterates.
    pub fn iter(&self) -> std::slice::Iter<'_, Diagnostic> {
        self.0.iter()
    }
}
