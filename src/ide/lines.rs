//! Positions as editors count them: 0-based lines and UTF-16 code units
//! within a line (the Language Server Protocol's default), converted to
//! and from byte offsets.

/// The line starts of a text, for converting positions.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    ascii: bool,
}

/// A 0-based line and a column in UTF-16 code units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Position {
    /// The line, from 0.
    pub line: u32,
    /// UTF-16 code units before the position on its line.
    pub character: u32,
}

impl LineIndex {
    /// Indexes `text`.
    pub fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        );
        LineIndex {
            starts,
            ascii: text.is_ascii(),
        }
    }

    /// The position of byte `offset` of `text` (the text indexed); an
    /// offset inside a character counts as the character's start, one past
    /// the end as the end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let character = if self.ascii {
            offset - start
        } else {
            text[start..offset].chars().map(char::len_utf16).sum()
        };
        Position {
            line: line as u32,
            character: character as u32,
        }
    }

    /// The byte offset of `pos` in `text`. A line past the end is the end
    /// of the text; a column past the end of its line is the end of the
    /// line (before its line break), as the protocol asks; a column inside
    /// a surrogate pair is the start of that character.
    pub fn offset(&self, text: &str, pos: Position) -> usize {
        let Some(&start) = self.starts.get(pos.line as usize) else {
            return text.len();
        };
        let end = self
            .starts
            .get(pos.line as usize + 1)
            .map_or(text.len(), |next| next - 1);
        let line = &text[start..end];
        let line = line.strip_suffix('\r').unwrap_or(line);
        let want = pos.character as usize;
        if self.ascii {
            return start + want.min(line.len());
        }
        let mut units = 0;
        for (i, c) in line.char_indices() {
            units += c.len_utf16();
            if units > want {
                return start + i;
            }
        }
        start + line.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position { line, character }
    }

    #[test]
    fn counts_utf16_units() {
        // `é` is one unit in two bytes, `日` one in three, `𝄞` two in four.
        let text = "a = \"é日𝄞x\"\r\nb\n";
        let ix = LineIndex::new(text);
        let x = text.find('x').unwrap();
        assert_eq!(ix.position(text, x), pos(0, 9));
        assert_eq!(ix.offset(text, pos(0, 9)), x);
        let clef = text.find('𝄞').unwrap();
        assert_eq!(ix.position(text, clef), pos(0, 7));
        // Inside the surrogate pair: the character's start.
        assert_eq!(ix.offset(text, pos(0, 8)), clef);
        // Inside a UTF-8 sequence: the character's start.
        assert_eq!(ix.position(text, clef + 1), pos(0, 7));
        // Past the end of the line: before its `\r\n`.
        assert_eq!(ix.offset(text, pos(0, 99)), text.find('\r').unwrap());
        assert_eq!(ix.offset(text, pos(1, 0)), text.find('b').unwrap());
        assert_eq!(ix.position(text, text.len()), pos(2, 0));
        assert_eq!(ix.offset(text, pos(7, 3)), text.len());
    }

    #[test]
    fn round_trips_every_boundary() {
        let text = "x\né𝄞\n日本 y\n";
        let ix = LineIndex::new(text);
        for (i, _) in text.char_indices() {
            assert_eq!(ix.offset(text, ix.position(text, i)), i, "at {i}");
        }
        let ascii = "ab\ncd";
        let ix = LineIndex::new(ascii);
        assert_eq!(ix.position(ascii, 4), pos(1, 1));
        assert_eq!(ix.offset(ascii, pos(1, 9)), 5);
    }
}
