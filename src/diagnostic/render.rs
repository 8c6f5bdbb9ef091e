//! rustc-style rendering of diagnostics, shared by the CLI, build scripts
//! and the proc macro. codespan-reporting does the layout (labels under the
//! source line, multi-line spans, gutters), which is easy to get subtly
//! wrong by hand; it needs no terminal, so the library stays light.

use super::{Diagnostic, Diagnostics, Severity};
use crate::source::{FileId, SourceMap, Span};
use codespan_reporting::diagnostic as cs;
use codespan_reporting::files::{self, Files, SimpleFiles};
use codespan_reporting::term::{self, termcolor};
use std::borrow::Cow;

/// Renders diagnostics as text, with ANSI colour if `color`. Secret
/// literals in the source are masked. A line longer than 400
/// bytes is shown as a window around the labels on it, so that the output
/// stays proportional to the number of diagnostics, however long the line.
pub fn render(diags: &Diagnostics, sources: &SourceMap, color: bool) -> String {
    render_with(diags, sources, color, true)
}

/// [`render`], with `windows` false showing every diagnostic from the
/// whole text (for tests that compare the two).
fn render_with(diags: &Diagnostics, sources: &SourceMap, color: bool, windows: bool) -> String {
    // Built on first use: the whole text of every file, masked.
    let mut whole: Option<(WholeFiles<'_>, Vec<usize>)> = None;
    let config = term::Config::default();
    let mut buf = if color {
        termcolor::Buffer::ansi()
    } else {
        termcolor::Buffer::no_color()
    };
    for d in diags.iter() {
        // Only fails on a span outside its file, which the parser never
        // produces; fall back to the one-line form then.
        let emitted = match Window::of(d, sources).filter(|_| windows) {
            Some((window, diagnostic)) => term::emit(&mut buf, &config, &window, &diagnostic),
            None => {
                let (files, ids) = whole.get_or_insert_with(|| {
                    let mut files = SimpleFiles::new();
                    let ids = sources
                        .files()
                        .map(|(_, f)| files.add(f.name.clone(), f.redacted()))
                        .collect();
                    (files, ids)
                });
                term::emit(
                    &mut buf,
                    &config,
                    &*files,
                    &convert(d, |id| ids[id.0 as usize], |s| s.range()),
                )
            }
        };
        if emitted.is_err() && d.primary.is_some() {
            buf.clear();
            return one_line(diags, sources);
        }
    }
    String::from_utf8_lossy(buf.as_slice()).into_owned()
}

/// Every file whole (masked), for codespan.
type WholeFiles<'s> = SimpleFiles<String, Cow<'s, str>>;

/// Lines longer than this many bytes are shown in windows.
const LONG_LINE: usize = 400;

/// Bytes of a long line shown before the first and after the last label
/// of a window.
const CONTEXT: usize = 60;

/// The most bytes of a long line one window shows.
const WINDOW: usize = 300;

/// Marks text of a long line left out of a window.
const ELLIPSIS: &str = "…";

/// The lines a diagnostic's labels are on, each whole or, if long, cut
/// to windows around the labels; implements codespan's [`Files`] so that
/// codespan lays them out, with the line numbers and columns of the
/// original text.
struct Window<'s> {
    sources: &'s SourceMap,
    files: Vec<WindowFile>,
}

/// The shown lines of one source file, joined by `\n`.
struct WindowFile {
    file: FileId,
    text: String,
    lines: Vec<Shown>,
}

/// One line of a [`WindowFile`].
#[derive(Clone, Copy)]
struct Shown {
    /// Where it starts in the window text, and how long it is there.
    at: usize,
    len: usize,
    /// The original bytes shown, and the length of the ellipsis before
    /// them (0 if the window starts with the line).
    from: usize,
    to: usize,
    lead: usize,
    /// The original line index; `None` for a blank line standing for the
    /// lines between two shown ones.
    line: Option<usize>,
}

impl<'s> Window<'s> {
    /// The window and the diagnostic to render from it, if `d` has
    /// labels and none spans lines (a label over several lines is rendered
    /// from the whole text: codespan shows a bounded number of its lines).
    /// Short lines are shown whole, so this renders as the whole text
    /// would, without copying (and masking) a big file for a few lines.
    fn of(d: &Diagnostic, sources: &'s SourceMap) -> Option<(Self, cs::Diagnostic<usize>)> {
        let labels: Vec<Span> = d
            .primary
            .iter()
            .chain(&d.secondary)
            .map(|l| l.span)
            .collect();
        if labels.is_empty() {
            return None;
        }
        for s in &labels {
            let f = sources.get(s.file);
            let line = f.line_index(s.start as usize);
            if line != f.line_index(s.end as usize) || s.end as usize > f.text.len() {
                return None;
            }
        }
        let mut files: Vec<WindowFile> = Vec::new();
        for s in &labels {
            if !files.iter().any(|w| w.file == s.file) {
                files.push(WindowFile::new(sources, s.file, &labels));
            }
        }
        let window = Window { sources, files };
        let diagnostic = convert(
            d,
            |id| window.files.iter().position(|w| w.file == id).unwrap_or(0),
            |s| window.map(s),
        );
        Some((window, diagnostic))
    }

    /// A label's range in the window text.
    fn map(&self, s: Span) -> std::ops::Range<usize> {
        let Some(w) = self.files.iter().find(|w| w.file == s.file) else {
            return 0..0;
        };
        let (a, b) = (s.start as usize, s.end as usize);
        // The last window of the label's line that starts at or before it
        // (a label past the window's end is clamped to it).
        let line = self.sources.get(s.file).line_index(a);
        let Some(l) = w
            .lines
            .iter()
            .filter(|l| l.line == Some(line))
            .take_while(|l| l.from <= a)
            .last()
        else {
            return 0..0;
        };
        let at = |o: usize| l.at + l.lead + (o.clamp(l.from, l.to) - l.from);
        at(a)..at(b)
    }
}

impl WindowFile {
    fn new(sources: &SourceMap, file: FileId, labels: &[Span]) -> Self {
        let f = sources.get(file);
        let mut spans: Vec<(usize, usize)> = labels
            .iter()
            .filter(|s| s.file == file)
            .map(|s| (s.start as usize, s.end as usize))
            .collect();
        spans.sort_unstable();
        // The windows: (line, from, to), in text order.
        let mut windows: Vec<(usize, usize, usize)> = Vec::new();
        for (a, b) in spans {
            let line = f.line_index(a);
            let r = f.line_range(line);
            if r.end - r.start <= LONG_LINE {
                if windows.last().is_none_or(|w| w.0 != line) {
                    windows.push((line, r.start, r.end));
                }
                continue;
            }
            match windows.last_mut() {
                // Close enough to share the window before.
                Some(w) if w.0 == line && b <= w.1 + WINDOW => w.2 = w.2.max(b),
                Some(w) if w.0 == line && a <= w.2 => {}
                _ => windows.push((line, a, b)),
            }
        }
        let mut out = WindowFile {
            file,
            text: String::new(),
            lines: Vec::new(),
        };
        let mut prev: Option<usize> = None;
        for (line, lo, hi) in windows {
            match prev.map(|p| line - p) {
                // One line between: codespan shows it.
                Some(2) => out.push(f, line - 1, None),
                // More: two blank lines keep codespan's `·` break.
                Some(gap) if gap > 2 => {
                    out.blank();
                    out.blank();
                }
                _ => {}
            }
            out.push(f, line, Some((lo, hi)));
            prev = Some(line);
        }
        out
    }

    /// Adds line `line` of `f`, cut around `lo..hi` if it is long.
    fn push(&mut self, f: &crate::source::SourceFile, line: usize, around: Option<(usize, usize)>) {
        let r = f.line_range(line);
        let (from, to) = if r.end - r.start <= LONG_LINE {
            (r.start, r.end)
        } else {
            let (lo, hi) = around.unwrap_or((r.start, r.start));
            let from = floor_char(&f.text, lo.saturating_sub(CONTEXT).max(r.start));
            let to = ceil_char(
                &f.text,
                (hi.max(lo) + CONTEXT).min(r.end).min(from + WINDOW),
            );
            (from, to.max(from))
        };
        if !self.lines.is_empty() {
            self.text.push('\n');
        }
        let at = self.text.len();
        let lead = if from > r.start { ELLIPSIS.len() } else { 0 };
        if lead > 0 {
            self.text.push_str(ELLIPSIS);
        }
        self.text.push_str(&f.redacted_range(from..to));
        if to < r.end {
            self.text.push_str(ELLIPSIS);
        }
        self.lines.push(Shown {
            at,
            len: self.text.len() - at,
            from,
            to,
            lead,
            line: Some(line),
        });
    }

    fn blank(&mut self) {
        if !self.lines.is_empty() {
            self.text.push('\n');
        }
        self.lines.push(Shown {
            at: self.text.len(),
            len: 0,
            from: 0,
            to: 0,
            lead: 0,
            line: None,
        });
    }

    /// The shown line holding the window byte `at`.
    fn shown(&self, at: usize) -> usize {
        self.lines.partition_point(|l| l.at <= at).saturating_sub(1)
    }
}

fn floor_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn ceil_char(text: &str, mut i: usize) -> usize {
    while !text.is_char_boundary(i) {
        i += 1;
    }
    i
}

impl<'a> Files<'a> for Window<'_> {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, files::Error> {
        let w = self.files.get(id).ok_or(files::Error::FileMissing)?;
        Ok(&self.sources.get(w.file).name)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, files::Error> {
        Ok(&self.files.get(id).ok_or(files::Error::FileMissing)?.text)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, files::Error> {
        Ok(self
            .files
            .get(id)
            .ok_or(files::Error::FileMissing)?
            .shown(byte_index))
    }

    fn line_number(&'a self, id: usize, line_index: usize) -> Result<usize, files::Error> {
        let w = self.files.get(id).ok_or(files::Error::FileMissing)?;
        Ok(w.lines
            .get(line_index)
            .and_then(|l| l.line)
            .map_or(1, |l| l + 1))
    }

    fn line_range(
        &'a self,
        id: usize,
        line_index: usize,
    ) -> Result<std::ops::Range<usize>, files::Error> {
        let w = self.files.get(id).ok_or(files::Error::FileMissing)?;
        let l = w.lines.get(line_index).ok_or(files::Error::LineTooLarge {
            given: line_index,
            max: w.lines.len(),
        })?;
        Ok(l.at..l.at + l.len)
    }

    /// The place in the original text, so the `file:line:col` shown is
    /// the real one, not the window's.
    fn location(&'a self, id: usize, byte_index: usize) -> Result<files::Location, files::Error> {
        let w = self.files.get(id).ok_or(files::Error::FileMissing)?;
        let l = w.lines[w.shown(byte_index)];
        let offset = l.from + byte_index.saturating_sub(l.at + l.lead).min(l.to - l.from);
        let (line_number, column_number) = self.sources.get(w.file).line_col(offset);
        Ok(files::Location {
            line_number,
            column_number,
        })
    }
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

/// `d` in codespan's terms: `file` gives the codespan file of a source
/// file, `range` the codespan range of a span.
fn convert(
    d: &Diagnostic,
    file: impl Fn(FileId) -> usize,
    range: impl Fn(Span) -> std::ops::Range<usize>,
) -> cs::Diagnostic<usize> {
    let sev = match d.severity {
        Severity::Error => cs::Severity::Error,
        Severity::Warning => cs::Severity::Warning,
        Severity::Note => cs::Severity::Note,
    };
    let mut labels = Vec::new();
    if let Some(p) = &d.primary {
        labels.push(
            cs::Label::primary(file(p.span.file), range(p.span)).with_message(p.message.clone()),
        );
    }
    for s in &d.secondary {
        labels.push(
            cs::Label::secondary(file(s.span.file), range(s.span)).with_message(s.message.clone()),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::codes;

    fn one(sources: &SourceMap, d: Diagnostic) -> String {
        render(&Diagnostics(vec![d]), sources, false)
    }

    /// A label on a long line shows a window of the line around it, with
    /// the real place, the caret under the label and secrets masked.
    #[test]
    fn a_long_line_is_shown_around_the_label() {
        let line = format!(
            "a = \"{}\" pw = \"hunter2\" b = \"{}\"",
            "x".repeat(5000),
            "é".repeat(5000)
        );
        let text = format!("first\n{line}\nlast\n");
        let mut sources = SourceMap::new();
        let id = sources.add("f.glha", None, text.clone());
        let pw = text.find("hunter2").expect("there");
        sources.mark_secret(Span::new(id, pw - 1, pw + 8));
        let b = text.find("b = ").expect("there");
        let d = Diagnostic::error(&codes::BAD_VALUE, Span::new(id, b, b + 1), "bad b")
            .label("this")
            .with_secondary(Span::new(id, 6, 7), "line start");
        let out = one(&sources, d);
        assert!(out.len() < 2000, "{} bytes:\n{out}", out.len());
        assert!(
            out.contains(&format!("f.glha:2:{}", line.find("b = ").unwrap() + 1)),
            "{out}"
        );
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("*********"), "{out}");
        // The caret is under `b`.
        let src = out
            .lines()
            .find(|l| l.contains(" b = "))
            .expect("the window");
        let caret = out
            .lines()
            .find(|l| l.contains("^ this"))
            .expect("the caret");
        let col = |s: &str, pat: &str| s.find(pat).map(|i| s[..i].chars().count());
        assert_eq!(col(src, " b = ").map(|c| c + 1), col(caret, "^"));
        // Both labels' windows are there, as line 2 twice.
        assert_eq!(out.matches("2 │ ").count(), 2, "{out}");
    }

    /// Many diagnostics on one long line: the output grows with their
    /// number, not with their number times the length of the line.
    #[test]
    fn many_diagnostics_on_a_long_line_stay_small() {
        let text = "x = 1 ".repeat(20_000);
        let mut sources = SourceMap::new();
        let id = sources.add("f.glha", None, text.clone());
        let diags = Diagnostics(
            (0..1000)
                .map(|i| {
                    let at = i * 6 * 20;
                    Diagnostic::error(&codes::UNKNOWN_KEY, Span::new(id, at, at + 1), "unknown")
                        .help("h")
                })
                .collect(),
        );
        let out = render(&diags, &sources, false);
        assert!(out.len() < 1000 * 400, "{} bytes", out.len());
        assert!(
            out.contains("f.glha:1:119881"),
            "the last one is at its place"
        );
    }

    /// Labels on short lines, near and far apart, in two files: the
    /// windows render exactly as the whole text does.
    #[test]
    fn windows_of_short_lines_render_as_the_whole_text() {
        let mut sources = SourceMap::new();
        let text: String = (1..=30)
            .map(|i| format!("line {i} = \"pw{i}\"\n"))
            .collect();
        let a = sources.add("a.glha", None, text.clone());
        let b = sources.add("std/b", None, "x = 1\ny = 2\n".to_string());
        let at = |n: usize| {
            let s = text.find(&format!("line {n} ")).expect("there");
            Span::new(a, s, s + 4)
        };
        sources.mark_secret(Span::new(
            a,
            at(3).start as usize + 9,
            at(3).start as usize + 14,
        ));
        let mut diags = Vec::new();
        for (p, others) in [
            (5, vec![6]),
            (5, vec![7]),
            (5, vec![9, 20]),
            (12, vec![3, 12]),
            (30, vec![]),
        ] {
            let mut d = Diagnostic::error(&codes::DUPLICATE, at(p), "twice").label("here");
            for o in others {
                d = d.with_secondary(at(o), format!("line {o}"));
            }
            diags.push(d.with_secondary(Span::new(b, 6, 7), "in b").help("h"));
        }
        diags.push(
            Diagnostic::warning(&codes::FEW_NODES, Span::new(b, 0, 0), "empty").note_text("n"),
        );
        let diags = Diagnostics(diags);
        for color in [false, true] {
            assert_eq!(
                render_with(&diags, &sources, color, true),
                render_with(&diags, &sources, color, false)
            );
        }
        let out = render(&diags, &sources, false);
        assert!(
            out.contains("line 3 = *****") && !out.contains("\"pw3\""),
            "{out}"
        );
    }

    /// A short line renders as codespan renders the whole file.
    #[test]
    fn short_lines_are_shown_whole() {
        let mut sources = SourceMap::new();
        let id = sources.add("f.glha", None, "a = 1\nb = 2\n".to_string());
        let out = one(
            &sources,
            Diagnostic::error(&codes::BAD_VALUE, Span::new(id, 10, 11), "bad").label("here"),
        );
        assert!(out.contains("f.glha:2:5"), "{out}");
        assert!(out.contains("2 │ b = 2\n  │     ^ here"), "{out}");
    }
}
