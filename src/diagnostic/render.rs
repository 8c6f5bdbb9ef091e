//! rustc-style rendering of diagnostics, shared by the CLI, build scripts
//! and the proc macro. codespan-reporting does the layout (labels under the
//! source line, multi-line spans, gutters), which is easy to get subtly
//! wrong by hand; it needs no terminal, so the library stays light.

use super::{Diagnostic, Diagnostics, Severity};
use crate::source::SourceMap;
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor};

/// Renders diagnostics as text, with ANSI colour if `color`. Secret
/// literals in the source are masked.
pub fn render(diags: &Diagnostics, sources: &SourceMap, color: bool) -> String {
    let mut files = SimpleFiles::new();
    let ids: Vec<usize> = sources
        .files()
        .map(|(_, f)| files.add(f.name.clone(), f.redacted_text()))
        .collect();
    let config = term::Config::default();
    let mut buf = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for d in diags.iter() {
        match &d.primary {
            Some(_) => {
                // Only fails on a span outside its file, which the parser
                // never produces; fall back to the one-line form then.
                if term::emit(&mut buf, &config, &files, &convert(d, &ids)).is_err() {
                    buf.clear();
                    return one_line(diags, sources);
                }
            }
            None => {
                let _ = term::emit(&mut buf, &config, &files, &convert(d, &ids));
            }
        }
    }
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

/// One line per diagnostic: `file:line:col: severity[CODE]: message`.
pub fn one_line(diags: &Diagnostics, sources: &SourceMap) -> String {
    let mut out = String::new();
    for d in diags.iter() {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        };
        match d.location(sources) {
            Some(loc) => out.push_str(&format!("{loc}: {sev}[{}]: {}\n", d.code, d.message)),
            None => out.push_str(&format!("{sev}[{}]: {}\n", d.code, d.message)),
        }
    }
    out
}

fn convert(d: &Diagnostic, ids: &[usize]) -> cs::Diagnostic<usize> {
    let sev = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let mut labels = Vec::new();
    if let Some(p) = &d.primary {
        labels.push(
            cs::Label::primary(ids[p.span.file.0 as usize], p.span.range())
                .with_message(p.message.clone()),
        );
    }
    for s in &d.secondary {
        labels.push(
            cs::Label::secondary(ids[s.span.file.0 as usize], s.span.range())
                .with_message(s.message.clone()),
        );
    }
    let mut notes: Vec<String> = d.help.iter().map(|h| format!("help: {h}")).collect();
    notes.extend(d.notes.iter().map(|n| format!("note: {n}")));
    cs::Diagnostic::new(sev)
        .with_code(d.code)
        .with_message(d.message.clone())
        .with_labels(labels)
        .with_notes(notes)
}
