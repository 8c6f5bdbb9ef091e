//! From the library's byte offsets and diagnostics to the protocol's
//! positions (UTF-16) and diagnostics, and from document URIs to paths.

use camino::Utf8PathBuf;
use glha::diagnostic::{self, Severity};
use glha::ide::{Analysis, LineIndex};
use glha::source::FileId;
use glha::Compilation;
use lsp_types as lsp;
use std::ops::Range;

/// A document's text with its line index.
pub struct Text<'a> {
    pub text: &'a str,
    pub lines: &'a LineIndex,
}

impl Text<'_> {
    pub fn position(&self, offset: usize) -> lsp::Position {
        let p = self.lines.position(self.text, offset);
        lsp::Position::new(p.line, p.character)
    }

    pub fn range(&self, r: Range<usize>) -> lsp::Range {
        lsp::Range::new(self.position(r.start), self.position(r.end))
    }

    pub fn offset(&self, p: lsp::Position) -> usize {
        self.lines.offset(
            self.text,
            glha::ide::Position {
                line: p.line,
                character: p.character,
            },
        )
    }
}

/// The local path of a `file:` URI, percent-decoded.
pub fn file_path(uri: &str) -> Option<Utf8PathBuf> {
    let rest = uri.strip_prefix("file://")?;
    // `file:///path` or `file://localhost/path`.
    let path = rest.strip_prefix("localhost").unwrap_or(rest);
    if !path.starts_with('/') {
        return None;
    }
    let bytes = path.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1), bytes.get(i + 2)) {
            (b'%', Some(&h), Some(&l)) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h)? * 16 + hex(l)?) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok().map(Utf8PathBuf::from)
}

/// The diagnostics of a check, as the document `uri` shows them. Those in
/// an imported module are shown at the `import` that brought it in (the
/// first import if that one cannot be told), with their place in the
/// message.
pub fn diagnostics(
    comp: &Compilation,
    uri: &lsp::Uri,
    doc: &Text,
    analysis: &Analysis,
) -> Vec<lsp::Diagnostic> {
    let root = FileId(0);
    comp.diagnostics
        .iter()
        .map(|d| {
            let (range, prefix) = match &d.primary {
                Some(p) if p.span.file == root => (doc.range(p.span.range()), String::new()),
                Some(p) => {
                    let name = &comp.sources.get(p.span.file).name;
                    let at = analysis.import_of(name).unwrap_or(0..0);
                    (
                        doc.range(at),
                        format!("{}: ", comp.sources.location(p.span)),
                    )
                }
                None => (doc.range(0..0), String::new()),
            };
            let related: Vec<lsp::DiagnosticRelatedInformation> = d
                .secondary
                .iter()
                .filter(|l| l.span.file == root)
                .map(|l| lsp::DiagnosticRelatedInformation {
                    location: lsp::Location::new(uri.clone(), doc.range(l.span.range())),
                    message: if l.message.is_empty() {
                        "related".into()
                    } else {
                        l.message.clone()
                    },
                })
                .collect();
            lsp::Diagnostic {
                range,
                severity: Some(severity(d.severity)),
                code: Some(lsp::NumberOrString::String(d.code.to_string())),
                source: Some("glhac".into()),
                message: format!("{prefix}{}", message(d)),
                related_information: (!related.is_empty()).then_some(related),
                ..Default::default()
            }
        })
        .collect()
}

fn severity(s: Severity) -> lsp::DiagnosticSeverity {
    match s {
        Severity::Error => lsp::DiagnosticSeverity::ERROR,
        Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        Severity::Note => lsp::DiagnosticSeverity::INFORMATION,
    }
}

/// The message, the primary label, the help and the notes, one per line,
/// as `glhac check` shows them (secret values are never in any of them).
fn message(d: &diagnostic::Diagnostic) -> String {
    let mut lines = vec![d.message.clone()];
    if let Some(label) = d.primary.as_ref().filter(|p| !p.message.is_empty()) {
        lines.push(label.message.clone());
    }
    if let Some(help) = &d.help {
        lines.push(format!("help: {help}"));
    }
    lines.extend(d.notes.iter().map(|n| format!("note: {n}")));
    lines.join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_uris() {
        assert_eq!(
            file_path("file:///home/op/my%20specs/lab.glha").unwrap(),
            "/home/op/my specs/lab.glha"
        );
        assert_eq!(file_path("file://localhost/a.glha").unwrap(), "/a.glha");
        assert_eq!(file_path("untitled:Untitled-1"), None);
        assert_eq!(file_path("file:///%e2%9c%93").unwrap(), "/✓");
    }
}
