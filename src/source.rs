//! Source files, byte spans and line/column lookup.

use camino::{Utf8Path, Utf8PathBuf};
use serde::Serialize;

/// Index of a file in a [`SourceMap`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A byte range in one source file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Span {
    /// The file the range lies in.
    pub file: FileId,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// A span from byte offsets.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Span {
            file,
            start: start as u32,
            end: end as u32,
        }
    }
    /// The byte range, for slicing.
    pub fn range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// One loaded source file.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// The name shown in diagnostics: the path as given, or `std/NAME` for
    /// an embedded stdlib module.
    pub name: String,
    /// The path the text was read from, if it came from disk.
    pub path: Option<Utf8PathBuf>,
    /// The text.
    pub text: String,
    line_starts: Vec<usize>,
    /// Byte ranges of secret literals; renderers mask them (a diagnostic
    /// must never print a password, even one written into the spec).
    secret_ranges: Vec<std::ops::Range<usize>>,
}

impl SourceFile {
    /// The 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let col = self.text[start..offset.min(self.text.len())]
            .chars()
            .count()
            + 1;
        (line + 1, col)
    }

    /// The text with every secret literal replaced by `*`, byte for byte
    /// where possible so spans stay valid.
    pub fn redacted_text(&self) -> String {
        let mut out = self.text.clone();
        for r in &self.secret_ranges {
            let masked: String = self.text[r.clone()]
                .chars()
                .map(|c| "*".repeat(c.len_utf8()))
                .collect();
            out.replace_range(r.clone(), &masked);
        }
        out
    }
}

/// Every file a compilation read, so diagnostics can point into any of them
/// and build tools can register them for rebuilds.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(
        &mut self,
        name: impl Into<String>,
        path: Option<&Utf8Path>,
        text: String,
    ) -> FileId {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        self.files.push(SourceFile {
            name: name.into(),
            path: path.map(Utf8Path::to_path_buf),
            text,
            line_starts,
            secret_ranges: Vec::new(),
        });
        FileId(self.files.len() as u32 - 1)
    }

    /// The file behind an id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// All files, in the order they were added.
    pub fn files(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }

    /// Marks a span as holding a secret value, to be masked when shown.
    pub fn mark_secret(&mut self, span: Span) {
        self.files[span.file.0 as usize]
            .secret_ranges
            .push(span.range());
    }

    /// The text a span covers.
    pub fn snippet(&self, span: Span) -> &str {
        &self.get(span.file).text[span.range()]
    }

    /// `file:line:col` of the start of a span.
    pub fn location(&self, span: Span) -> String {
        let f = self.get(span.file);
        let (l, c) = f.line_col(span.start as usize);
        format!("{}:{}:{}", f.name, l, c)
    }
}
