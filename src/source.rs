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
    /// For text that is not all ASCII: (byte offset, characters before it)
    /// at char boundaries about every [`CHAR_MARK`] bytes, so that a
    /// column on a long line is counted from a nearby mark, not from the
    /// start of the line.
    char_marks: Vec<(usize, usize)>,
    /// Byte ranges of secret literals, sorted and disjoint; renderers mask them (a
    /// diagnostic must never print a password, even one written into the
    /// spec).
    secret_ranges: Vec<std::ops::Range<usize>>,
}

/// The spacing of [`SourceFile`]'s character marks.
const CHAR_MARK: usize = 4096;

impl SourceFile {
    fn new(name: String, path: Option<Utf8PathBuf>, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        let mut char_marks = Vec::new();
        if !text.is_ascii() {
            let (mut at, mut chars) = (0, 0);
            char_marks.push((0, 0));
            while at + CHAR_MARK < text.len() {
                let mut next = at + CHAR_MARK;
                while !text.is_char_boundary(next) {
                    next += 1;
                }
                chars += text[at..next].chars().count();
                char_marks.push((next, chars));
                at = next;
            }
        }
        SourceFile {
            name,
            path,
            text,
            line_starts,
            char_marks,
            secret_ranges: Vec::new(),
        }
    }

    /// How many characters precede the byte `offset` (a char boundary).
    fn chars_before(&self, offset: usize) -> usize {
        if self.char_marks.is_empty() {
            return offset;
        }
        let i = self.char_marks.partition_point(|m| m.0 <= offset) - 1;
        let (at, chars) = self.char_marks[i];
        chars + self.text[at..offset].chars().count()
    }

    /// The 0-based index of the line holding the byte `offset`.
    pub fn line_index(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        }
    }

    /// The bytes of the line with 0-based index `line`, without its line
    /// break (the last line if `line` is past it).
    pub fn line_range(&self, line: usize) -> std::ops::Range<usize> {
        let line = line.min(self.line_starts.len() - 1);
        let start = self.line_starts[line];
        let end = self
            .line_starts
            .get(line + 1)
            .map_or(self.text.len(), |next| next - 1);
        let end = if end > start && self.text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        start..end
    }

    /// The 1-based line and column (in characters) of a byte offset; in
    /// time independent of the length of the line.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_index(offset);
        let start = self.line_starts[line];
        (
            line + 1,
            self.chars_before(offset) - self.chars_before(start) + 1,
        )
    }

    /// The text with every secret literal replaced by `*`, byte for byte
    /// so spans stay valid.
    pub fn redacted_text(&self) -> String {
        self.redacted().into_owned()
    }

    /// [`SourceFile::redacted_text`], borrowed when there is no secret.
    pub fn redacted(&self) -> std::borrow::Cow<'_, str> {
        if self.secret_ranges.is_empty() {
            return std::borrow::Cow::Borrowed(&self.text);
        }
        std::borrow::Cow::Owned(self.redacted_range(0..self.text.len()))
    }

    /// The bytes `range` (on char boundaries) of the text, secret literals
    /// masked.
    pub fn redacted_range(&self, range: std::ops::Range<usize>) -> String {
        let mut out = self.text[range.clone()].as_bytes().to_vec();
        let first = self.secret_ranges.partition_point(|r| r.end <= range.start);
        for r in self.secret_ranges[first..]
            .iter()
            .take_while(|r| r.start < range.end)
        {
            let (a, b) = (r.start.max(range.start), r.end.min(range.end));
            out[a - range.start..b - range.start].fill(b'*');
        }
        // Whole characters were replaced by ASCII, so this cannot fail;
        // the lossy form only keeps that from being a panic.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
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
        self.files.push(SourceFile::new(
            name.into(),
            path.map(Utf8Path::to_path_buf),
            text,
        ));
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
    /// A span that is not a valid range of its file on char boundaries is
    /// widened to whole characters (and clipped to the file).
    pub fn mark_secret(&mut self, span: Span) {
        let f = &mut self.files[span.file.0 as usize];
        let (mut a, mut b) = (span.start as usize, span.end as usize);
        b = b.min(f.text.len());
        a = a.min(b);
        while !f.text.is_char_boundary(a) {
            a -= 1;
        }
        while !f.text.is_char_boundary(b) {
            b += 1;
        }
        if a == b {
            return;
        }
        // Kept sorted and disjoint (overlapping ones merged), so a masked
        // slice finds its ranges by binary search; spans come in text
        // order, so this mostly appends.
        let rs = &mut f.secret_ranges;
        let i = rs.partition_point(|r| r.end < a);
        let j = rs.partition_point(|r| r.start <= b);
        let merged = if i < j {
            rs[i].start.min(a)..rs[j - 1].end.max(b)
        } else {
            a..b
        };
        rs.splice(i..j, [merged]);
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

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> (SourceMap, FileId) {
        let mut m = SourceMap::new();
        let id = m.add("t", None, text.to_string());
        (m, id)
    }

    /// Columns count characters, and agree with counting from the start
    /// of the line, on lines longer than the spacing of the marks.
    #[test]
    fn columns_on_long_lines() {
        let line = "é".repeat(3000) + "x" + &"日".repeat(5000);
        let text = format!("a\n{line}\r\nb");
        let (m, id) = file(&text);
        let f = m.get(id);
        for (i, _) in text.char_indices().step_by(97).chain([(text.len(), ' ')]) {
            let line_start = text[..i].rfind('\n').map_or(0, |k| k + 1);
            let want = (
                text[..i].matches('\n').count() + 1,
                text[line_start..i].chars().count() + 1,
            );
            assert_eq!(f.line_col(i), want, "at {i}");
        }
        assert_eq!(f.line_range(1), 2..2 + line.len());
        assert_eq!(&text[f.line_range(2)], "b");
        assert_eq!(f.line_index(text.len()), 2);
        // Inside a character: the column of that character.
        assert_eq!(f.line_col(3), (2, 1));
    }

    #[test]
    fn secrets_are_masked_in_slices_and_merged() {
        let (mut m, id) = file("pw = \"sécret\" x = \"ab\"");
        m.mark_secret(Span::new(id, 19, 23));
        m.mark_secret(Span::new(id, 5, 11));
        m.mark_secret(Span::new(id, 8, 14));
        // Inside `é`: widened to the whole character.
        m.mark_secret(Span::new(id, 8, 8));
        let f = m.get(id);
        assert_eq!(f.secret_ranges, vec![5..14, 19..23]);
        assert_eq!(f.redacted_text(), "pw = ********* x = ****");
        assert_eq!(f.redacted_range(7..20), "******* x = *");
        let (m, id) = file("no secrets");
        assert!(matches!(
            m.get(id).redacted(),
            std::borrow::Cow::Borrowed(_)
        ));
    }
}
