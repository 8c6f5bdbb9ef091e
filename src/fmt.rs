//! `glhac fmt`: the canonical layout of `.glha` text, comments kept.
//!
//! The grammar drops comments, but every item and value carries its byte
//! span, so the comments of a file are exactly the `#…` runs in the gaps
//! between spans. The formatter re-parses the text, lays the items out
//! canonically and puts each comment back next to the item it belongs to:
//!
//! - a comment on the line of the item it follows stays there (`x = 1  # why`),
//!   two spaces after it; the trailing comments of consecutive one-line
//!   items start in one column, two spaces after the longest of those lines;
//! - a comment on a line of its own goes before the item that follows it, or
//!   before the `}` (or the end of the file) when nothing follows;
//! - one or more blank lines between items or comments become one; blank
//!   lines at the start or end of a block or file are dropped;
//! - a comment inside an item (in a list, between a block's name and its
//!   `{`) cannot stay there and moves to a line of its own before the item.
//!
//! The layout: two spaces of indentation per block level; `key = value`;
//! lists as `[a, b]`; strings re-escaped as the parser reads them; numbers,
//! durations, addresses and references as written; a block on several
//! lines, except that a block of attributes only that was written on one
//! line and fits in [`MAX_WIDTH`] columns stays on one line (`vip internal
//! { address = 10.0.0.11/24  nic = "eth0" }`). In a run of consecutive
//! attributes (no blank line or own-line comment between them) the `=` are
//! aligned; in a run of consecutive one-line blocks with the same keyword
//! the `{` are aligned (`op start   { … }` over `op monitor { … }`).
//!
//! [`format`] is idempotent and keeps the syntax tree: the formatted text
//! parses to the same items as the input, spans aside ([`same_items`]).

use crate::diagnostic::Diagnostics;
use crate::source::FileId;
use crate::syntax::{self, Item, ItemKind, Value, ValueKind};

/// The widest line a block is kept on one line for (indentation included,
/// a trailing comment not).
pub const MAX_WIDTH: usize = 100;

const INDENT: &str = "  ";

/// Formats spec text. A file with a syntax error is not formatted: its
/// diagnostics are returned instead (they point into file 0).
pub fn format(text: &str) -> Result<String, Diagnostics> {
    format_file(FileId(0), text)
}

/// Formats spec text whose diagnostics should point into `file` (the id it
/// has in the caller's [`crate::source::SourceMap`]).
pub fn format_file(file: FileId, text: &str) -> Result<String, Diagnostics> {
    let mut diags = Diagnostics::default();
    let Some(items) = syntax::parse(file, text, &mut diags) else {
        return Err(diags);
    };
    let f = Formatter {
        text,
        comments: comments(text),
    };
    let (_, entries) = f.entries(&items, 0, text.len(), false, 0);
    let mut out = String::new();
    render(&entries, 0, &mut out);
    Ok(out)
}

/// Whether two item lists are the same syntax tree, spans aside.
pub fn same_items(a: &[Item], b: &[Item]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_item(x, y))
}

fn same_item(a: &Item, b: &Item) -> bool {
    a.key.name == b.key.name
        && match (&a.kind, &b.kind) {
            (ItemKind::Attribute(x), ItemKind::Attribute(y)) => same_value(x, y),
            (ItemKind::Directive(x, _), ItemKind::Directive(y, _)) => x == y,
            (
                ItemKind::Block {
                    labels: la,
                    items: ia,
                },
                ItemKind::Block {
                    labels: lb,
                    items: ib,
                },
            ) => {
                la.len() == lb.len()
                    && la.iter().zip(lb).all(|(x, y)| x.name == y.name)
                    && same_items(ia, ib)
            }
            _ => false,
        }
}

/// Whether two values are the same, spans aside.
pub fn same_value(a: &Value, b: &Value) -> bool {
    use ValueKind as V;
    match (&a.kind, &b.kind) {
        (V::Str(x), V::Str(y)) | (V::Huge(x), V::Huge(y)) => x == y,
        (V::Waiver(x), V::Waiver(y)) | (V::External(x), V::External(y)) => x == y,
        (V::Int(x), V::Int(y)) | (V::Duration(x), V::Duration(y)) => x == y,
        (
            V::Address {
                addr: xa,
                prefix: xp,
            },
            V::Address {
                addr: ya,
                prefix: yp,
            },
        ) => xa == ya && xp.map(|p| p.0) == yp.map(|p| p.0),
        (V::List(x), V::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| same_value(p, q))
        }
        (
            V::Secret {
                source: xs,
                name: xn,
            },
            V::Secret {
                source: ys,
                name: yn,
            },
        ) => xs == ys && xn == yn,
        (
            V::Agent {
                class: xc,
                parts: xp,
            },
            V::Agent {
                class: yc,
                parts: yp,
            },
        ) => xc == yc && xp == yp,
        (V::Ref(x), V::Ref(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| p.name == q.name)
        }
        _ => false,
    }
}

/// A string literal that the parser reads back as `s`.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The byte ranges of every comment (`#` to the end of its line, the
/// newline excluded) outside string literals. Only called on text that
/// parsed, so strings are well formed and end on their line.
fn comments(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'#' => {
                let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
                out.push((i, end));
                i = end;
            }
            _ => i += 1,
        }
    }
    out
}

/// One line (or, for a block on several lines, one block) of output.
#[derive(Debug)]
enum Entry {
    Blank,
    Comment(String),
    Line {
        kind: Line,
        trailing: Option<String>,
    },
    Block {
        head: String,
        open_comment: Option<String>,
        body: Vec<Entry>,
        trailing: Option<String>,
    },
}

#[derive(Debug)]
enum Line {
    Attr {
        key: String,
        value: Val,
    },
    /// A block on one line: `head` is the keyword and labels, `body` the
    /// braces and what is between them.
    Inline {
        key: String,
        head: String,
        body: String,
    },
    Directive(String),
}

/// A value laid out: a token, or a list whose elements may start new
/// lines (where the source broke it), continued one column after its `[`.
#[derive(Debug)]
enum Val {
    Text(String),
    List(Vec<(bool, Val)>),
}

impl Val {
    /// The value as text when it starts at column `col`.
    fn render(&self, col: usize) -> String {
        match self {
            Val::Text(t) => t.clone(),
            Val::List(items) => {
                let mut out = String::from("[");
                let mut at = col + 1;
                for (i, (newline, v)) in items.iter().enumerate() {
                    if i > 0 {
                        if *newline {
                            out.push_str(",\n");
                            out.push_str(&" ".repeat(col + 1));
                            at = col + 1;
                        } else {
                            out.push_str(", ");
                            at += 2;
                        }
                    }
                    let text = v.render(at);
                    at = match text.rfind('\n') {
                        Some(n) => text[n + 1..].chars().count(),
                        None => at + text.chars().count(),
                    };
                    out.push_str(&text);
                }
                out.push(']');
                out
            }
        }
    }
}

/// The comments in one gap between tokens.
#[derive(Default)]
struct Gap {
    /// A comment on the line of the token before the gap.
    trailing: Option<String>,
    /// Comments on lines of their own, each with whether a blank line
    /// precedes it.
    own: Vec<(bool, String)>,
    /// Whether a blank line follows the last comment (or the token before).
    blank_after: bool,
}

struct Formatter<'a> {
    text: &'a str,
    comments: Vec<(usize, usize)>,
}

impl Formatter<'_> {
    fn comments_in(&self, a: usize, b: usize) -> impl Iterator<Item = (usize, usize)> + '_ {
        let first = self.comments.partition_point(|c| c.0 < a);
        self.comments[first..]
            .iter()
            .copied()
            .take_while(move |c| c.0 < b)
    }

    fn comment_text(&self, c: (usize, usize)) -> String {
        self.text[c.0..c.1].trim_end().to_string()
    }

    /// Reads the gap `a..b`; `after_token` says whether a token ends at
    /// `a` (so a comment on its line trails it).
    fn gap(&self, a: usize, b: usize, after_token: bool) -> Gap {
        let mut g = Gap::default();
        let mut prev = a;
        for c in self.comments_in(a, b) {
            let newlines = self.text[prev..c.0].matches('\n').count();
            let body = self.comment_text(c);
            if newlines == 0 && after_token && prev == a {
                g.trailing = Some(body);
            } else {
                g.own.push((newlines >= 2, body));
            }
            prev = c.1;
        }
        g.blank_after = self.text[prev..b].matches('\n').count() >= 2;
        g
    }

    /// The entries for `items`, which lie in `start..end` (a block's inside
    /// or the whole file), and the comment trailing the token before
    /// `start` (a block's `{`) if `after_token`.
    fn entries(
        &self,
        items: &[Item],
        start: usize,
        end: usize,
        after_token: bool,
        depth: usize,
    ) -> (Option<String>, Vec<Entry>) {
        let mut out: Vec<Entry> = Vec::new();
        let mut open_comment = None;
        let mut cursor = start;
        let mut has_token = after_token;
        for item in items {
            let g = self.gap(cursor, item.span.start as usize, has_token);
            attach(&mut out, &mut open_comment, g.trailing);
            push_own(&mut out, g.own);
            if g.blank_after && !out.is_empty() {
                out.push(Entry::Blank);
            }
            let (hoisted, entry) = self.item(item, depth);
            out.extend(hoisted.into_iter().map(Entry::Comment));
            out.push(entry);
            cursor = item.span.end as usize;
            has_token = true;
        }
        let g = self.gap(cursor, end, has_token);
        attach(&mut out, &mut open_comment, g.trailing);
        push_own(&mut out, g.own);
        (open_comment, out)
    }

    /// One item's entry, and the comments inside it that must move before it.
    fn item(&self, item: &Item, depth: usize) -> (Vec<String>, Entry) {
        let span = item.span.range();
        let key = item.key.name.clone();
        match &item.kind {
            ItemKind::Attribute(v) => (
                self.inner_comments(span.start, span.end),
                Entry::Line {
                    kind: Line::Attr {
                        key,
                        value: self.val(v),
                    },
                    trailing: None,
                },
            ),
            ItemKind::Directive(s, _) => (
                self.inner_comments(span.start, span.end),
                Entry::Line {
                    kind: Line::Directive(format!("{key} {}", quote(s))),
                    trailing: None,
                },
            ),
            ItemKind::Block { labels, items } => {
                let mut head = key.clone();
                for l in labels {
                    head.push(' ');
                    head.push_str(&l.name);
                }
                let after_head = labels.last().map_or(item.key.span.end, |l| l.span.end) as usize;
                let open = self.open_brace(after_head);
                let hoisted = self.inner_comments(span.start, open);
                let (open_comment, body) =
                    self.entries(items, open + 1, span.end - 1, true, depth + 1);
                let one_line = !self.text[open..span.end].contains('\n')
                    && items
                        .iter()
                        .all(|i| matches!(i.kind, ItemKind::Attribute(_)));
                let inline = if body.is_empty() && open_comment.is_none() {
                    Some("{}".to_string())
                } else if one_line {
                    let pairs: Vec<String> = items
                        .iter()
                        .filter_map(|i| match &i.kind {
                            ItemKind::Attribute(v) => {
                                Some(format!("{} = {}", i.key.name, self.val(v).render(0)))
                            }
                            _ => None,
                        })
                        .collect();
                    let body = format!("{{ {} }}", pairs.join("  "));
                    let width =
                        INDENT.len() * depth + head.chars().count() + 1 + body.chars().count();
                    (width <= MAX_WIDTH).then_some(body)
                } else {
                    None
                };
                let entry = match inline {
                    Some(body) => Entry::Line {
                        kind: Line::Inline { key, head, body },
                        trailing: None,
                    },
                    None => Entry::Block {
                        head,
                        open_comment,
                        body,
                        trailing: None,
                    },
                };
                (hoisted, entry)
            }
        }
    }

    fn inner_comments(&self, a: usize, b: usize) -> Vec<String> {
        self.comments_in(a, b)
            .map(|c| self.comment_text(c))
            .collect()
    }

    /// The `{` of a block whose labels end at `from`: the first `{` after
    /// it outside comments.
    fn open_brace(&self, from: usize) -> usize {
        let bytes = self.text.as_bytes();
        let mut i = from;
        while i < bytes.len() {
            match bytes[i] {
                b'{' => return i,
                b'#' => i = self.text[i..].find('\n').map_or(bytes.len(), |n| i + n),
                _ => i += 1,
            }
        }
        unreachable!("a parsed block has a `{{`")
    }

    fn val(&self, v: &Value) -> Val {
        Val::Text(match &v.kind {
            ValueKind::Str(s) => quote(s),
            ValueKind::List(vs) => {
                let mut prev_end = v.span.start as usize;
                let items = vs
                    .iter()
                    .enumerate()
                    .map(|(i, e)| {
                        let newline =
                            i > 0 && self.text[prev_end..e.span.start as usize].contains('\n');
                        prev_end = e.span.end as usize;
                        (newline, self.val(e))
                    })
                    .collect();
                return Val::List(items);
            }
            ValueKind::Secret { source, name } => format!("secret {source} {}", quote(name)),
            ValueKind::Agent { class, parts } => {
                let mut out = class.clone();
                for p in parts {
                    out.push(' ');
                    out.push_str(&quote(p));
                }
                out
            }
            ValueKind::Waiver(reason) => format!("waived {}", quote(reason)),
            ValueKind::External(how) => format!("external {}", quote(how)),
            // Numbers, durations, addresses and references are single
            // tokens: keep them as written (`30s` stays `30s`).
            ValueKind::Int(_)
            | ValueKind::Huge(_)
            | ValueKind::Duration(_)
            | ValueKind::Address { .. }
            | ValueKind::Ref(_) => self.text[v.span.range()].to_string(),
        })
    }
}

/// Gives a trailing comment to the last entry, or to the block's `{` when
/// there is none yet.
fn attach(out: &mut [Entry], open_comment: &mut Option<String>, trailing: Option<String>) {
    let Some(t) = trailing else { return };
    match out.last_mut() {
        Some(Entry::Line { trailing, .. } | Entry::Block { trailing, .. }) => *trailing = Some(t),
        // A trailing comment always follows a token: an item or the `{`.
        _ => *open_comment = Some(t),
    }
}

fn push_own(out: &mut Vec<Entry>, own: Vec<(bool, String)>) {
    for (blank, c) in own {
        if blank && !out.is_empty() {
            out.push(Entry::Blank);
        }
        out.push(Entry::Comment(c));
    }
}

/// Which alignment run an entry can join (`None`: attributes and one-line
/// blocks without labels, `public { … }` beside `internal = …`; `Some(key)`:
/// one-line blocks with labels and that keyword), and the width of what is
/// padded. Empty blocks (`consumer nova {}`) join none.
fn group(e: &Entry) -> Option<(Option<&str>, usize)> {
    match e {
        Entry::Line {
            kind: Line::Attr { key, .. },
            ..
        } => Some((None, key.chars().count())),
        Entry::Line {
            kind: Line::Inline { key, head, body },
            ..
        } if body != "{}" => Some(((head != key).then_some(key.as_str()), head.chars().count())),
        _ => None,
    }
}

/// The width each entry's key (attributes) or head (one-line blocks) is
/// padded to.
fn widths(entries: &[Entry]) -> Vec<usize> {
    let mut w = vec![0; entries.len()];
    let mut i = 0;
    while i < entries.len() {
        let Some((kind, _)) = group(&entries[i]) else {
            i += 1;
            continue;
        };
        let mut j = i;
        let mut max = 0;
        while let Some((k, len)) = entries.get(j).and_then(group) {
            if k != kind {
                break;
            }
            max = max.max(len);
            j += 1;
        }
        for x in &mut w[i..j] {
            *x = max;
        }
        i = j;
    }
    w
}

/// The text of a one-line entry (several lines if a list is broken),
/// without its trailing comment.
fn line_text(kind: &Line, pad: &str, width: usize) -> String {
    match kind {
        Line::Attr { key, value } => {
            let width = width.max(key.chars().count());
            let value = value.render(pad.len() + width + 3);
            format!("{pad}{key:<width$} = {value}")
        }
        Line::Inline { head, body, .. } => format!("{pad}{head:<width$} {body}"),
        Line::Directive(d) => format!("{pad}{d}"),
    }
}

/// The width of the last line of `text`.
fn last_width(text: &str) -> usize {
    text.rsplit('\n').next().unwrap_or("").chars().count()
}

fn render(entries: &[Entry], depth: usize, out: &mut String) {
    let pad = INDENT.repeat(depth);
    let texts: Vec<Option<String>> = entries
        .iter()
        .zip(widths(entries))
        .map(|(e, w)| match e {
            Entry::Line { kind, .. } => Some(line_text(kind, &pad, w)),
            _ => None,
        })
        .collect();
    // Trailing comments in a run of one-line entries start in one column,
    // two spaces after the longest line that has one.
    let mut columns = vec![0; entries.len()];
    let mut i = 0;
    while i < entries.len() {
        let mut j = i;
        let mut col = 0;
        while let Some(Some(text)) = texts.get(j) {
            if let Entry::Line {
                trailing: Some(_), ..
            } = &entries[j]
            {
                col = col.max(last_width(text) + 2);
            }
            j += 1;
        }
        for c in &mut columns[i..j] {
            *c = col;
        }
        i = j.max(i + 1);
    }
    for ((e, text), column) in entries.iter().zip(texts).zip(columns) {
        match e {
            Entry::Blank => out.push('\n'),
            Entry::Comment(c) => {
                out.push_str(&pad);
                out.push_str(c);
                out.push('\n');
            }
            Entry::Line { trailing, .. } => {
                let mut line = text.unwrap_or_default();
                if let Some(c) = trailing {
                    let spaces = column.saturating_sub(last_width(&line)).max(2);
                    line.push_str(&" ".repeat(spaces));
                    line.push_str(c);
                }
                out.push_str(&line);
                out.push('\n');
            }
            Entry::Block {
                head,
                open_comment,
                body,
                trailing,
            } => {
                let mut line = format!("{pad}{head} {{");
                push_trailing(&mut line, open_comment);
                out.push_str(&line);
                out.push('\n');
                render(body, depth + 1, out);
                let mut line = format!("{pad}}}");
                push_trailing(&mut line, trailing);
                out.push_str(&line);
                out.push('\n');
            }
        }
    }
}

fn push_trailing(line: &mut String, comment: &Option<String>) {
    if let Some(c) = comment {
        line.push_str("  ");
        line.push_str(c);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quote_round_trips_the_escapes() {
        assert_eq!(quote("a \"b\" \\ \n\t\r $"), r#""a \"b\" \\ \n\t\r $""#);
    }

    #[test]
    fn comments_skip_strings() {
        let text = "a = \"x # y \\\" # z\" # real\n# own";
        let cs: Vec<&str> = comments(text).iter().map(|c| &text[c.0..c.1]).collect();
        assert_eq!(cs, ["# real", "# own"]);
    }
}
