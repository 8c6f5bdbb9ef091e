//! `.glha` text to [`Item`]s: a recursive-descent parser over the scanners
//! of [`super::lexer`], which goes on after a syntax error.
//!
//! The language is the one `grammar/glha.pest` defines; that grammar is the
//! reference, and a test parses a corpus with both and compares the trees.
//! The parser is written by hand for two things a PEG parser does not give:
//! it reports every syntax error of a file, resynchronising after each,
//! and it reads in one pass with no backtracking, in time linear in the
//! size of the text.
//!
//! Recovery, in order of preference:
//! - a line holding only a name, followed by a line `name = …`: the item is
//!   cut at the end of its line and the next one starts on the next line;
//! - otherwise the broken item is skipped token by token (brackets it
//!   opened are skipped to their match) up to the next line that starts
//!   with a name, a `name =` on the same line, or the `}` of the enclosing
//!   block;
//! - a block whose `}` is missing is taken to end before its first line
//!   indented no deeper than its own (when the file ends before a `}`);
//! - a `}` that closes nothing, after lines indented deeper than it, closes
//!   the block those lines follow (an earlier `}` ended it too early).
//!
//! A dropped item marks the block around it (or the file) incomplete, so
//! that the checker does not report as missing what the broken text may
//! have said.

use super::ast::{Ident, Item, ItemKind, Value, ValueKind};
use super::lexer::{self, Numeric, Str};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use std::sync::Arc;

/// Blocks and lists nest no deeper than this: no real spec nests more than
/// a few levels, and the parser recurses once per level.
pub const MAX_DEPTH: usize = 64;

/// After this many syntax errors in one file the rest of it is not read:
/// the text is probably not a spec at all.
const MAX_ERRORS: usize = 100;

/// How many times one file may re-read a block whose `}` is missing (each
/// re-reads the rest of the file once).
const MAX_REWINDS: u32 = 8;

const HELP_ITEM: &str =
    "an item is `key = value`, `key \"text\"` or `key label { … }`; see `glhac explain E0001`";
const HELP_VALUE: &str = "a value is a string in double quotes, a number, a duration (30s), an address (10.0.0.11/24), a list [a, b], a reference (vip.internal), a secret (secret env \"NAME\") or an agent (systemd \"glance-api\"); see `glhac explain E0001`";
const HELP_QUOTES: &str = "strings are written in double quotes";

const EXPECT_TOP: &str = "expected a name or the end of the file";
const EXPECT_IN_BLOCK: &str = "expected `}` or a name";
const EXPECT_AFTER_KEY: &str = "expected `=`, `{`, a name or a string in double quotes";
const EXPECT_AFTER_LABELS: &str = "expected `{` or a name";
const EXPECT_VALUE: &str = "expected a value";
const EXPECT_LIST_FIRST: &str = "expected `]` or a value";
const EXPECT_LIST_NEXT: &str = "expected `,`, `]` or a value";

/// A file read with error recovery.
#[derive(Debug, Clone, PartialEq)]
pub struct Parsed {
    /// The items that could be read, blocks that held errors included
    /// (marked [`Item::incomplete`]).
    pub items: Vec<Item>,
    /// A syntax error lost text at the top level of the file (an item, or
    /// a block swallowed by a missing `}`): the file may say more than
    /// `items` do. The same as `!lost.is_empty()`.
    pub incomplete: bool,
    /// The top-level items that were lost: the keyword of each dropped
    /// item, or `None` where no keyword could be read or the rest of the
    /// file was lost (so it could have been anything).
    pub lost: Vec<Option<Ident>>,
    /// How many syntax errors (E0001) were reported.
    pub errors: usize,
}

/// Parses one file strictly: its items, or `None` if it has a syntax
/// error. Every syntax error is reported to `diags`.
pub fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Vec<Item>> {
    let parsed = parse_recovering(file, text, diags);
    (parsed.errors == 0).then_some(parsed.items)
}

/// Parses one file, reporting every syntax error to `diags` and keeping
/// what could be read around them.
pub fn parse_recovering(file: FileId, text: &str, diags: &mut Diagnostics) -> Parsed {
    let mut p = Parser {
        file,
        text,
        b: text.as_bytes(),
        pos: 0,
        depth: 0,
        lists: 0,
        errors: Vec::new(),
        rewinds: MAX_REWINDS,
        eof_reported: false,
        stopped: false,
        lost: Vec::new(),
    };
    let (mut items, _, _) = p.items(None);
    items.shrink_to_fit();
    let errors = p.errors.len();
    diags.0.extend(p.errors);
    Parsed {
        items,
        incomplete: !p.lost.is_empty(),
        lost: p.lost,
        errors,
    }
}

/// Why an item could not be read, and where reading goes on.
enum Fail {
    /// Skip the broken text from the token at `from` (which is skipped in
    /// any case: it is the culprit), where `open` lists of the item are
    /// still open.
    Skip { from: usize, open: usize },
    /// Skip from `from`, just after a broken token (a string).
    After { from: usize, open: usize },
    /// The item ends before `at`, where the next item starts.
    Resume(usize),
}

/// How a run of items ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum End {
    /// At the `}` of the block (or the end of the file, at the top level).
    Closed,
    /// At the end of the file, with the block's `}` missing.
    Eof,
    /// Before a line that is taken to follow the block (its `}` missing).
    Rewound,
    /// Too many errors: the rest of the file is not read.
    Stopped,
}

/// The block whose items are being read.
struct Open<'a> {
    key: &'a Ident,
    labels: &'a [Ident],
    /// The `{`.
    brace: usize,
    /// The block's keyword: the indentation of its line is looked up only
    /// when needed, as the line may be long.
    key_at: usize,
}

/// The state to return to when a block without `}` is cut short.
#[derive(Clone, Copy)]
struct Mark {
    pos: usize,
    items: usize,
    errors: usize,
    eof_reported: bool,
}

struct Parser<'t> {
    file: FileId,
    text: &'t str,
    b: &'t [u8],
    pos: usize,
    /// Blocks and lists open at `pos`.
    depth: usize,
    /// Lists open inside the item being read.
    lists: usize,
    /// Collected here rather than in the caller's list, so that a rewind
    /// can take back what it re-reads.
    errors: Vec<Diagnostic>,
    rewinds: u32,
    /// The missing `}` at the end of the file is reported once, by the
    /// innermost block.
    eof_reported: bool,
    stopped: bool,
    /// Top-level items lost, see [`Parsed::lost`].
    lost: Vec<Option<Ident>>,
}

impl<'t> Parser<'t> {
    fn span(&self, start: usize, end: usize) -> Span {
        Span::new(self.file, start, end)
    }

    fn peek(&self) -> Option<u8> {
        self.b.get(self.pos).copied()
    }

    fn trivia(&mut self) {
        self.pos = lexer::skip_trivia(self.b, self.pos);
    }

    fn error(&mut self, d: Diagnostic) {
        if self.stopped {
            return;
        }
        if self.errors.len() + 2 >= MAX_ERRORS {
            let at = d
                .primary
                .as_ref()
                .map_or(self.pos, |p| p.span.start as usize);
            self.errors.push(d);
            self.errors.push(
                Diagnostic::error(
                    &codes::SYNTAX,
                    self.span(at, at),
                    format!(
                        "too many syntax errors ({MAX_ERRORS}); the rest of the file is not read"
                    ),
                )
                .help("is this a .glha spec? fix the first errors and check again"),
            );
            self.stopped = true;
            return;
        }
        self.errors.push(d);
    }

    /// What is at `at`, for "found …", and where that ends.
    fn found(&self, at: usize) -> (String, usize) {
        match self.text.get(at..).and_then(|r| r.chars().next()) {
            None => ("the end of the file".to_string(), at),
            // Empty, so that it shows at the end of the line rather than
            // spanning into the next one.
            Some('\n') => ("the end of the line".to_string(), at),
            Some('\r') if self.b.get(at + 1) == Some(&b'\n') => {
                ("the end of the line".to_string(), at)
            }
            Some(c) => (format!("`{}`", c.escape_debug()), at + c.len_utf8()),
        }
    }

    /// Reports "expected …, found …" at `at`; the help names what a
    /// single quote should be.
    fn report(&mut self, at: usize, expected: &str, help: &str) {
        let (found, end) = self.found(at);
        let help = if self.b.get(at) == Some(&b'\'') {
            HELP_QUOTES
        } else {
            help
        };
        let d = Diagnostic::error(
            &codes::SYNTAX,
            self.span(at, end),
            format!("{expected}, found {found}"),
        )
        .label("here")
        .help(help);
        self.error(d);
    }

    /// Reports an unexpected token at `at` and skips from there.
    fn unexpected(&mut self, at: usize, expected: &str, help: &str) -> Fail {
        self.report(at, expected, help);
        Fail::Skip {
            from: at,
            open: self.lists,
        }
    }

    fn too_deep(&mut self, at: usize) -> Fail {
        let d = Diagnostic::error(&codes::SYNTAX, self.span(at, at + 1), "nesting is too deep")
            .label(format!(
                "more than {MAX_DEPTH} levels of brackets or braces"
            ))
            .help("a spec nests blocks a few levels deep; close the open brackets");
        self.error(d);
        Fail::Skip {
            from: at,
            open: self.lists,
        }
    }

    /// Where the line holding `at` ends: its `\n`, or the `\r` before it.
    fn end_of_line(&self, at: usize) -> usize {
        let nl = lexer::line_end(self.b, at);
        if nl > at && self.b[nl - 1] == b'\r' {
            nl - 1
        } else {
            nl
        }
    }

    /// Whether only blanks stand between the start of its line and `at`.
    fn first_on_line(&self, at: usize) -> bool {
        let before = &self.b[..at];
        let blanks = before
            .iter()
            .rev()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count();
        matches!(
            before.len().checked_sub(blanks + 1).map(|k| before[k]),
            None | Some(b'\n')
        )
    }

    /// The indentation of the line that starts at `line`.
    fn indent(&self, line: usize) -> usize {
        self.b[line..]
            .iter()
            .take_while(|&&c| c == b' ' || c == b'\t')
            .count()
    }

    /// Where the line holding `at` starts.
    fn line_start(&self, at: usize) -> usize {
        self.b[..at]
            .iter()
            .rposition(|&c| c == b'\n')
            .map_or(0, |k| k + 1)
    }

    /// The items up to the `}` of `open` (or the end of the file at the
    /// top level); whether some were lost to errors; how they ended.
    fn items(&mut self, open: Option<&Open>) -> (Vec<Item>, bool, End) {
        let mut items: Vec<Item> = Vec::new();
        let mut incomplete = false;
        // The first item on a line indented no deeper than the block's
        // own: where the block ends if its `}` turns out to be missing.
        let mut dedent: Option<Mark> = None;
        let mut block_indent: Option<usize> = None;
        let mut after_stray = false;
        loop {
            if self.stopped {
                if open.is_none() {
                    self.lost.push(None);
                }
                return (items, true, End::Stopped);
            }
            self.trivia();
            let Some(c) = self.peek() else {
                let Some(o) = open else {
                    return (items, incomplete, End::Closed);
                };
                if let (Some(m), true) = (dedent, self.rewinds > 0) {
                    self.rewinds -= 1;
                    items.truncate(m.items);
                    self.errors.truncate(m.errors);
                    self.eof_reported = m.eof_reported;
                    self.pos = m.pos;
                    self.unclosed_before(o, m.pos);
                    return (items, true, End::Rewound);
                }
                if !self.eof_reported {
                    self.eof_reported = true;
                    self.unclosed_at_eof(o);
                }
                return (items, true, End::Eof);
            };
            if c == b'}' {
                if open.is_some() {
                    self.pos += 1;
                    return (items, incomplete, End::Closed);
                }
                self.stray_brace(&mut items, after_stray);
                after_stray = true;
                self.pos += 1;
                continue;
            }
            after_stray = false;
            if let (Some(o), None) = (open, dedent) {
                if self.first_on_line(self.pos) {
                    let own =
                        *block_indent.get_or_insert_with(|| self.indent(self.line_start(o.key_at)));
                    if self.pos - self.line_start(self.pos) <= own {
                        dedent = Some(Mark {
                            pos: self.pos,
                            items: items.len(),
                            errors: self.errors.len(),
                            eof_reported: self.eof_reported,
                        });
                    }
                }
            }
            let (depth, start, errors) = (self.depth, self.pos, self.errors.len());
            match self.item(open.is_some()) {
                Ok((item, end)) => {
                    // A block that ran to the end of the file may hold
                    // what was meant to follow it.
                    if end == End::Eof {
                        incomplete = true;
                        if open.is_none() {
                            self.lost.push(None);
                        }
                    }
                    items.push(item);
                }
                Err(fail) => {
                    self.depth = depth;
                    self.lists = 0;
                    incomplete = true;
                    let popped = self.keyword_without_string(&mut items, start, errors);
                    if let (Some(key), None) = (popped, open) {
                        self.lost.push(Some(key));
                    }
                    if open.is_none() {
                        let key = self.peek_ident(start);
                        self.lost.push(key);
                    }
                    match fail {
                        Fail::Resume(at) => self.pos = at,
                        Fail::Skip { from, open } => self.skip(from, open, true),
                        Fail::After { from, open } => self.skip(from, open, false),
                    }
                }
            }
        }
    }

    /// `key = waived lab`: the grammar reads `waived` as a word and `lab`
    /// as the next item, which is broken. When the item that failed at
    /// `start` (reporting the errors from `errors` on) follows such a
    /// keyword on its line, the keyword's item goes too and the error says
    /// what is wrong. Returns the key of the item it dropped.
    fn keyword_without_string(
        &mut self,
        items: &mut Vec<Item>,
        start: usize,
        errors: usize,
    ) -> Option<Ident> {
        let Some(Item {
            kind:
                ItemKind::Attribute(Value {
                    kind: ValueKind::Ref(parts),
                    span,
                }),
            ..
        }) = items.last()
        else {
            return None;
        };
        let example = match parts.as_slice() {
            [w] => match w.name.as_str() {
                "waived" => "waived \"reason\"",
                "external" => "external \"how\"",
                "secret" => "secret env \"NAME\"` or `secret file \"/path\"",
                "ocf" => "ocf \"provider\" \"type\"",
                "systemd" | "lsb" => "systemd \"unit\"",
                "stonith" => "stonith \"fence_agent\"",
                _ => return None,
            },
            _ => return None,
        };
        let (kw, kw_end) = (parts[0].name.clone(), span.end as usize);
        if self.b[kw_end..start].contains(&b'\n') || self.errors.len() != errors + 1 {
            return None;
        }
        let end = match lexer::ident_end(self.b, start) {
            e if e > start => e,
            _ => self.found(start).1.max(start + 1).min(self.b.len()),
        };
        let found = self.text.get(start..end).unwrap_or("");
        self.errors[errors] = Diagnostic::error(
            &codes::SYNTAX,
            self.span(start, end),
            format!("expected a string in double quotes after `{kw}`, found `{found}`"),
        )
        .label("not in double quotes")
        .help(format!("write `{example}`"));
        items.pop().map(|i| i.key)
    }

    /// The file ends inside `o`.
    fn unclosed_at_eof(&mut self, o: &Open) {
        let at = self.b.len();
        let name = block_name(o);
        let d = Diagnostic::error(
            &codes::SYNTAX,
            self.span(at, at),
            format!("{EXPECT_IN_BLOCK}, found the end of the file"),
        )
        .label("here")
        .with_secondary(
            self.span(o.brace, o.brace + 1),
            format!("`{name}` opens here"),
        )
        .help(format!("close `{name}` with `}}`"));
        self.error(d);
    }

    /// `o` is taken to end before `at`, the first line indented like it.
    fn unclosed_before(&mut self, o: &Open, at: usize) {
        let name = block_name(o);
        let end = match lexer::ident_end(self.b, at) {
            e if e > at => e,
            _ => self.found(at).1,
        };
        let d = Diagnostic::error(
            &codes::SYNTAX,
            self.span(at, end),
            format!("`{name}` is not closed"),
        )
        .label("expected `}` before this line")
        .with_secondary(self.span(o.brace, o.brace + 1), "this `{` has no `}`")
        .help(format!(
            "close `{name}` with `}}`; it is read as ending before the first line indented no deeper than its own"
        ));
        self.error(d);
    }

    /// A `}` at the top level. If the items just before it are indented
    /// deeper than it, an earlier `}` closed the block they follow too
    /// early: they are moved into that block, which this `}` closes.
    fn stray_brace(&mut self, items: &mut Vec<Item>, quiet: bool) {
        // The first of several `}` in a row says it all (and looking back
        // again for each would cost the length of the run every time).
        if quiet {
            return;
        }
        let at = self.pos;
        let mut host_key = None;
        if self.first_on_line(at) {
            let own = at - self.line_start(at);
            let deeper = |it: &Item| {
                let s = it.span.start as usize;
                self.first_on_line(s) && s - self.line_start(s) > own
            };
            let run = items.iter().rev().take_while(|it| deeper(it)).count();
            let host = items.len().checked_sub(run + 1);
            if let Some(h) = host.filter(|_| run > 0) {
                let hs = items[h].span.start as usize;
                let fits = matches!(items[h].kind, ItemKind::Block { .. })
                    && self.first_on_line(hs)
                    && hs - self.line_start(hs) <= own;
                if fits {
                    let moved: Vec<Item> = items.drain(h + 1..).collect();
                    let host = &mut items[h];
                    if let ItemKind::Block { items: inner, .. } = &mut host.kind {
                        inner.extend(moved);
                    }
                    host.span.end = (at + 1) as u32;
                    host_key = Some(host.key.span);
                }
            }
        }
        let mut d = Diagnostic::error(
            &codes::SYNTAX,
            self.span(at, at + 1),
            format!("{EXPECT_TOP}, found `}}`"),
        )
        .label("here");
        d = match host_key {
            Some(k) => d
                .with_secondary(k, "read as the block this `}` closes")
                .help("this `}` closes nothing: a `}` inside the block above ends it too early; remove the extra one"),
            None => d.help("this `}` closes nothing; remove it, or open its block with `{`"),
        };
        self.error(d);
    }

    /// Skips broken text from `from` (where `open` brackets of the broken
    /// item are open) to where the next item can start; the token at
    /// `from` is skipped in any case if `culprit`.
    fn skip(&mut self, from: usize, open: usize, culprit: bool) {
        let b = self.b;
        // The brackets open in the skipped text, innermost last: a `}`
        // closes the innermost `{` and any `[` inside it, and one with no
        // `{` open closes the enclosing block (a list left open is cut).
        // Counted as well, so that each step is O(1) amortized even for
        // a megabyte of brackets.
        let mut stack = vec![b'['; open];
        let (mut braces, mut lists) = (0usize, open);
        let mut i = from;
        let mut first = culprit;
        let mut new_line = false;
        let mut closed = false;
        loop {
            let j = lexer::skip_trivia(b, i);
            new_line |= b[i..j].contains(&b'\n');
            i = j;
            let Some(&c) = b.get(i) else { break };
            if c == b'}' && braces == 0 {
                break;
            }
            if stack.is_empty() && !first && lexer::is_ident_start(c) {
                let after = lexer::skip_trivia(b, lexer::ident_end(b, i));
                if new_line || closed || b.get(after) == Some(&b'=') {
                    break;
                }
            }
            first = false;
            new_line = false;
            closed = false;
            i = match c {
                b'"' => lexer::skip_string(b, i),
                b'{' | b'[' => {
                    if c == b'{' {
                        braces += 1;
                    } else {
                        lists += 1;
                    }
                    stack.push(c);
                    i + 1
                }
                b'}' | b']' => {
                    let (opener, count) = if c == b'}' {
                        (b'{', braces)
                    } else {
                        (b'[', lists)
                    };
                    // A `]` with no `[` open is junk.
                    if count > 0 {
                        while let Some(o) = stack.pop() {
                            if o == b'{' {
                                braces -= 1;
                            } else {
                                lists -= 1;
                            }
                            if o == opener {
                                break;
                            }
                        }
                        closed = stack.is_empty();
                    }
                    i + 1
                }
                _ if lexer::is_ident_char(c) => lexer::ident_end(b, i),
                _ => i + self.text[i..].chars().next().map_or(1, char::len_utf8),
            };
        }
        self.pos = i;
    }

    /// The name at `at`, if one starts there.
    fn peek_ident(&self, at: usize) -> Option<Ident> {
        let end = lexer::ident_end(self.b, at);
        (end > at && lexer::is_ident_start(self.b[at])).then(|| Ident {
            name: self.text[at..end].to_string(),
            span: self.span(at, end),
        })
    }

    fn ident(&mut self) -> Ident {
        let start = self.pos;
        self.pos = lexer::ident_end(self.b, start);
        Ident {
            name: self.text[start..self.pos].to_string(),
            span: self.span(start, self.pos),
        }
    }

    /// One item, at a byte that is not trivia, `}` or the end.
    fn item(&mut self, in_block: bool) -> Result<(Item, End), Fail> {
        let start = self.pos;
        if !self.peek().is_some_and(lexer::is_ident_start) {
            let expected = if in_block {
                EXPECT_IN_BLOCK
            } else {
                EXPECT_TOP
            };
            return Err(self.unexpected(start, expected, HELP_ITEM));
        }
        let key = self.ident();
        let key_end = self.pos;
        self.trivia();
        match self.peek() {
            Some(b'=') => {
                let eq = self.pos;
                self.pos += 1;
                let value = self.attribute_value(eq)?;
                let span = self.span(start, value.span.end as usize);
                Ok((
                    Item {
                        key,
                        kind: ItemKind::Attribute(value),
                        span,
                        incomplete: false,
                    },
                    End::Closed,
                ))
            }
            Some(b'"') => {
                let (text, sp) = self.string()?;
                Ok((
                    Item {
                        key,
                        kind: ItemKind::Directive(text, sp),
                        span: self.span(start, sp.end as usize),
                        incomplete: false,
                    },
                    End::Closed,
                ))
            }
            Some(c) if c == b'{' || lexer::is_ident_start(c) => self.block(key, start, key_end),
            // A name ending its line (`fencing = waived lab`, whose `lab`
            // starts an item): the error is at that line, not the next.
            _ if self.b[key_end..self.pos].contains(&b'\n') => {
                let nl = self.end_of_line(key_end);
                self.report(nl, EXPECT_AFTER_KEY, HELP_ITEM);
                Err(Fail::Skip {
                    from: self.pos,
                    open: 0,
                })
            }
            _ => Err(self.unexpected(self.pos, EXPECT_AFTER_KEY, HELP_ITEM)),
        }
    }

    /// The value of `key = value`, after the `=` at `eq`.
    fn attribute_value(&mut self, eq: usize) -> Result<Value, Fail> {
        self.trivia();
        let start = self.pos;
        let value = self.value(EXPECT_VALUE)?;
        // `key =` at the end of a line, then `other = …`: the value is
        // missing, not `other` (which would leave `= …` unreadable).
        if let ValueKind::Ref(parts) = &value.kind {
            if parts.len() == 1 && self.b[eq..start].contains(&b'\n') {
                let next = lexer::skip_trivia(self.b, self.pos);
                if matches!(self.b.get(next), Some(b'=' | b'"')) {
                    let nl = self.end_of_line(eq);
                    self.report(nl, EXPECT_VALUE, HELP_VALUE);
                    return Err(Fail::Resume(start));
                }
            }
        }
        Ok(value)
    }

    /// A block's labels, `{`, items and `}`, after its keyword.
    fn block(&mut self, key: Ident, start: usize, key_end: usize) -> Result<(Item, End), Fail> {
        let mut labels: Vec<Ident> = Vec::new();
        let mut prev_end = key_end;
        loop {
            let expected = if labels.is_empty() {
                EXPECT_AFTER_KEY
            } else {
                EXPECT_AFTER_LABELS
            };
            match self.peek() {
                Some(b'{') => break,
                Some(c) if lexer::is_ident_start(c) => {
                    // A name alone on its line, then `other = …` on the
                    // next: the item is cut at the end of its line.
                    if self.b[prev_end..self.pos].contains(&b'\n') {
                        let after = lexer::skip_trivia(self.b, lexer::ident_end(self.b, self.pos));
                        if matches!(self.b.get(after), Some(b'=' | b'"')) {
                            let nl = self.end_of_line(prev_end);
                            self.report(nl, expected, HELP_ITEM);
                            return Err(Fail::Resume(self.pos));
                        }
                    }
                    labels.push(self.ident());
                    prev_end = self.pos;
                    self.trivia();
                }
                _ => return Err(self.unexpected(self.pos, expected, HELP_ITEM)),
            }
        }
        let brace = self.pos;
        if self.depth >= MAX_DEPTH {
            return Err(self.too_deep(brace));
        }
        self.pos += 1;
        self.depth += 1;
        let open = Open {
            key: &key,
            labels: &labels,
            brace,
            key_at: start,
        };
        let (mut items, incomplete, end) = self.items(Some(&open));
        self.depth -= 1;
        // A vector grows to four elements at least: most blocks hold one
        // to three items, and a big spec has many blocks.
        items.shrink_to_fit();
        labels.shrink_to_fit();
        let end_at = match end {
            End::Closed => self.pos,
            _ => items.last().map_or(brace + 1, |i| i.span.end as usize),
        };
        Ok((
            Item {
                key,
                kind: ItemKind::Block { labels, items },
                span: self.span(start, end_at),
                incomplete,
            },
            end,
        ))
    }

    /// A value; `expected` says what the context wanted, for errors.
    fn value(&mut self, expected: &str) -> Result<Value, Fail> {
        let start = self.pos;
        let Some(c) = self.peek() else {
            return Err(self.unexpected(start, expected, HELP_VALUE));
        };
        match c {
            b'[' => self.list(),
            b'"' => {
                let (s, span) = self.string()?;
                Ok(Value {
                    kind: ValueKind::Str(s),
                    span,
                })
            }
            _ if c.is_ascii_hexdigit() || c == b':' => match lexer::numeric(self.b, start) {
                Numeric::Address(end) => Ok(self.address(start, end)),
                Numeric::Duration { digits, end, per } => {
                    self.pos = end;
                    let n: u64 = self.text[start..digits].parse().unwrap_or(u64::MAX);
                    Ok(Value {
                        kind: ValueKind::Duration(n.saturating_mul(per)),
                        span: self.span(start, end),
                    })
                }
                Numeric::Number(end) => {
                    self.pos = end;
                    let digits = &self.text[start..end];
                    let kind = match digits.parse() {
                        Ok(n) => ValueKind::Int(n),
                        // Too large for u64: the checker reports it as written.
                        Err(_) => ValueKind::Huge(digits.to_string()),
                    };
                    Ok(Value {
                        kind,
                        span: self.span(start, end),
                    })
                }
                Numeric::Word => self.word(),
            },
            _ if lexer::is_ident_start(c) => self.word(),
            _ => Err(self.unexpected(start, expected, HELP_VALUE)),
        }
    }

    /// An address ending at `end` (before any `/prefix`).
    fn address(&mut self, start: usize, end: usize) -> Value {
        let addr = self.text[start..end].to_string();
        let prefix = lexer::prefix(self.b, end)
            .map(|(s, e)| (self.text[s..e].parse().unwrap_or(u32::MAX), self.span(s, e)));
        let stop = prefix.map_or(end, |(_, sp)| sp.end as usize);
        self.pos = stop;
        Value {
            kind: ValueKind::Address { addr, prefix },
            span: self.span(start, stop),
        }
    }

    /// A value that starts with a name: a secret, an agent, a waiver or an
    /// external declaration when the name is that keyword and a string
    /// follows, else a reference.
    fn word(&mut self) -> Result<Value, Fail> {
        let (b, text) = (self.b, self.text);
        let start = self.pos;
        let end = lexer::ident_end(b, start);
        let quote_after = |at: usize| {
            let q = lexer::skip_trivia(b, at);
            (b.get(q) == Some(&b'"')).then_some(q)
        };
        match &text[start..end] {
            "secret" => {
                let s = lexer::skip_trivia(b, end);
                let rest = &b[s..];
                let source = if rest.starts_with(b"env") {
                    Some(("env", s + 3))
                } else if rest.starts_with(b"file") {
                    Some(("file", s + 4))
                } else {
                    None
                };
                if let Some((source, q)) = source.and_then(|(n, e)| Some((n, quote_after(e)?))) {
                    self.pos = q;
                    let (name, sp) = self.string()?;
                    return Ok(Value {
                        kind: ValueKind::Secret {
                            source: source.to_string(),
                            name,
                        },
                        span: self.span(start, sp.end as usize),
                    });
                }
            }
            class @ ("ocf" | "systemd" | "lsb" | "stonith") if b.get(end) != Some(&b'.') => {
                if let Some(q) = quote_after(end) {
                    let class = class.to_string();
                    self.pos = q;
                    let (first, sp) = self.string()?;
                    let mut parts = vec![first];
                    let mut stop = sp.end as usize;
                    if let Some(q2) = quote_after(self.pos) {
                        self.pos = q2;
                        let (second, sp2) = self.string()?;
                        parts.push(second);
                        stop = sp2.end as usize;
                    }
                    return Ok(Value {
                        kind: ValueKind::Agent { class, parts },
                        span: self.span(start, stop),
                    });
                }
            }
            "waived" | "external" => {
                if let Some(q) = quote_after(end) {
                    let waiver = &text[start..end] == "waived";
                    self.pos = q;
                    let (text, sp) = self.string()?;
                    let kind = if waiver {
                        ValueKind::Waiver(Arc::new(text))
                    } else {
                        ValueKind::External(Arc::new(text))
                    };
                    return Ok(Value {
                        kind,
                        span: self.span(start, sp.end as usize),
                    });
                }
            }
            _ => {}
        }
        // `vip.internal`, `true`: names joined by dots, nothing between.
        let mut parts = Vec::new();
        let mut i = start;
        loop {
            let e = lexer::ident_end(self.b, i);
            parts.push(Ident {
                name: self.text[i..e].to_string(),
                span: self.span(i, e),
            });
            if self.b.get(e) == Some(&b'.')
                && self.b.get(e + 1).is_some_and(|&c| lexer::is_ident_start(c))
            {
                i = e + 1;
            } else {
                self.pos = e;
                break;
            }
        }
        Ok(Value {
            kind: ValueKind::Ref(shrunk(parts)),
            span: self.span(start, self.pos),
        })
    }

    /// `[a, b c]`: values separated by optional commas.
    fn list(&mut self) -> Result<Value, Fail> {
        let start = self.pos;
        if self.depth >= MAX_DEPTH {
            return Err(self.too_deep(start));
        }
        self.pos += 1;
        self.depth += 1;
        self.lists += 1;
        let mut values = Vec::new();
        let mut expected = EXPECT_LIST_FIRST;
        loop {
            self.trivia();
            match self.peek() {
                Some(b']') => {
                    self.pos += 1;
                    break;
                }
                _ => {
                    values.push(self.value(expected)?);
                    self.trivia();
                    if self.peek() == Some(b',') {
                        self.pos += 1;
                        expected = EXPECT_LIST_FIRST;
                    } else {
                        expected = EXPECT_LIST_NEXT;
                    }
                }
            }
        }
        self.depth -= 1;
        self.lists -= 1;
        Ok(Value {
            kind: ValueKind::List(shrunk(values)),
            span: self.span(start, self.pos),
        })
    }

    /// A string literal at the `"` under the cursor: its value and span.
    fn string(&mut self) -> Result<(String, Span), Fail> {
        let start = self.pos;
        match lexer::scan_string(self.b, start) {
            Str::Closed { end, escapes } => {
                self.pos = end;
                let raw = &self.text[start + 1..end - 1];
                let value = if escapes {
                    lexer::decode(raw)
                } else {
                    raw.to_string()
                };
                Ok((value, self.span(start, end)))
            }
            Str::Unterminated { at } => {
                let eof = at >= self.b.len();
                let d =
                    Diagnostic::error(&codes::SYNTAX, self.span(start, at), "unterminated string");
                let d = if eof {
                    d.label("this string has no closing `\"`")
                        .help("close the string with `\"`")
                } else {
                    d.label("this string has no closing `\"` on its line")
                        .help("a string must end on the line it starts; write a newline as \\n")
                };
                self.error(d);
                Err(Fail::After {
                    from: lexer::line_end(self.b, at),
                    open: self.lists,
                })
            }
            Str::BadEscape { at, resume } => {
                let c = self.text[at + 1..].chars().next().unwrap_or('\\');
                let d = Diagnostic::error(
                    &codes::SYNTAX,
                    self.span(at, at + 1 + c.len_utf8()),
                    format!("invalid escape `\\{}` in a string", c.escape_debug()),
                )
                .label("not an escape")
                .help("the escapes are \\\" \\\\ \\n \\t \\r \\$; write a backslash as \\\\");
                self.error(d);
                Err(Fail::After {
                    from: resume,
                    open: self.lists,
                })
            }
        }
    }
}

/// `v` without spare capacity.
fn shrunk<T>(mut v: Vec<T>) -> Vec<T> {
    v.shrink_to_fit();
    v
}

/// `vip internal`, for messages about a block.
fn block_name(o: &Open) -> String {
    let mut s = o.key.name.clone();
    for l in o.labels {
        s.push(' ');
        s.push_str(&l.name);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Parsed, Vec<Diagnostic>) {
        let mut diags = Diagnostics::default();
        let parsed = parse_recovering(FileId(0), text, &mut diags);
        assert_eq!(parsed.errors, diags.0.len());
        assert!(diags.0.iter().all(|d| d.code == "E0001"));
        (parsed, diags.0)
    }

    /// `line:col` (1-based, in bytes: the tests are ASCII) of each error.
    fn places(text: &str, diags: &[Diagnostic]) -> Vec<String> {
        diags
            .iter()
            .map(|d| {
                let at = d.primary.as_ref().expect("a place").span.start as usize;
                let line = text[..at].matches('\n').count() + 1;
                let col = at - text[..at].rfind('\n').map_or(0, |k| k + 1) + 1;
                format!("{line}:{col}")
            })
            .collect()
    }

    fn keys(items: &[Item]) -> Vec<String> {
        items
            .iter()
            .map(|i| match &i.kind {
                ItemKind::Block { labels, items, .. } => {
                    let mut s = i.key.name.clone();
                    for l in labels {
                        s.push(' ');
                        s.push_str(&l.name);
                    }
                    let inner = keys(items).join(" ");
                    let mark = if i.incomplete { "!" } else { "" };
                    format!("{s}{mark}{{{inner}}}")
                }
                _ => i.key.name.clone(),
            })
            .collect()
    }

    fn block<'a>(items: &'a [Item], key: &str) -> &'a Item {
        items
            .iter()
            .find(|i| i.key.name == key)
            .unwrap_or_else(|| panic!("no {key}"))
    }

    #[test]
    fn every_error_is_reported_and_the_rest_is_read() {
        let text = "a = 1\nb { c 10.0.0.1 }\nd = [x; y]\ne = 'q'\nf { g = 2 }\n";
        let (p, d) = read(text);
        assert_eq!(places(text, &d), ["2:7", "3:7", "4:5"]);
        assert_eq!(keys(&p.items), ["a", "b!{}", "f{g}"]);
        assert!(p.incomplete);
        let lost: Vec<_> = p
            .lost
            .iter()
            .map(|k| k.as_ref().map(|k| k.name.as_str()))
            .collect();
        assert_eq!(lost, [Some("d"), Some("e")]);
        assert!(d[2]
            .help
            .as_deref()
            .is_some_and(|h| h.contains("double quotes")));
    }

    #[test]
    fn a_broken_item_ends_at_the_next_key_on_its_line() {
        let text = "vip x { address 10.0.0.11/24  nic = \"eth0\" }\n";
        let (p, d) = read(text);
        assert_eq!(places(text, &d), ["1:17"]);
        assert_eq!(
            d[0].message,
            "expected `=`, `{`, a name or a string in double quotes, found `1`"
        );
        assert_eq!(keys(&p.items), ["vip x!{nic}"]);
        assert!(!p.incomplete);
    }

    #[test]
    fn a_missing_value_or_equals_ends_at_the_line() {
        let text = "s {\n  agent =\n  config = \"c\"\n  vip\n  port = 1\n}\n";
        let (p, d) = read(text);
        assert_eq!(places(text, &d), ["2:10", "4:6"]);
        assert!(d
            .iter()
            .all(|d| d.message.ends_with("found the end of the line")));
        assert_eq!(keys(&p.items), ["s!{config port}"]);
        // `key =` then `word` then a block on the next line is valid.
        let (p, d) = read("a =\nb\nc { }");
        assert!(d.is_empty());
        assert_eq!(keys(&p.items), ["a", "c{}"]);
    }

    #[test]
    fn a_block_without_its_brace_ends_before_a_line_indented_like_it() {
        let text = "cluster {\n  node a { address = 1 }\n\nvip x { address = 2 }\nservice s {\n  vip = vip.x\n}\n";
        let (p, d) = read(text);
        assert_eq!(places(text, &d), ["4:1"]);
        assert_eq!(d[0].message, "`cluster` is not closed");
        assert_eq!(
            keys(&p.items),
            [
                "cluster!{node a{address}}",
                "vip x{address}",
                "service s{vip}"
            ]
        );
        assert!(!p.incomplete, "nothing at the top level is lost");
        // The block ends where its last item does.
        let c = block(&p.items, "cluster");
        assert_eq!(&text[c.span.range()], "cluster {\n  node a { address = 1 }");
    }

    #[test]
    fn a_file_ending_inside_blocks_reports_one_error() {
        let text = "a {\n  b {\n    c = 1\n";
        let (p, d) = read(text);
        assert_eq!(places(text, &d), ["4:1"]);
        assert!(d[0].message.ends_with("found the end of the file"));
        assert_eq!(keys(&p.items), ["a!{b!{c}}"]);
        assert!(
            p.incomplete,
            "the missing `}}` may have swallowed top-level items"
        );
        assert_eq!(p.lost, [None]);
    }

    #[test]
    fn an_extra_brace_closes_the_block_it_cut_short() {
        let text = "cluster {\n  node a { address = 1 } }\n  node b { address = 2 }\n  fencing = waived \"x\"\n}\nvip v {}\n";
        let (p, d) = read(text);
        assert_eq!(places(text, &d), ["5:1"]);
        assert_eq!(
            keys(&p.items),
            [
                "cluster{node a{address} node b{address} fencing}",
                "vip v{}"
            ]
        );
        assert_eq!(d[0].secondary.len(), 1);
        // Unindented items are left where they are; several `}` in a row
        // are one error.
        let text = "a {}\nb = 1\n}\n}}\nc = 2\n";
        let (p, d) = read(text);
        assert_eq!(places(text, &d), ["3:1"]);
        assert_eq!(keys(&p.items), ["a{}", "b", "c"]);
    }

    #[test]
    fn string_errors_resume_after_the_string() {
        let text = "a = \"x\\qy\" b = 1\nc = \"open\nd = 2\ne = \"end";
        let (p, d) = read(text);
        assert_eq!(places(text, &d), ["1:7", "2:5", "4:5"]);
        assert_eq!(d[0].message, "invalid escape `\\q` in a string");
        assert_eq!(d[1].message, "unterminated string");
        assert_eq!(keys(&p.items), ["b", "d"]);
    }

    #[test]
    fn nesting_is_bounded_and_skipped_as_a_whole() {
        let deep = format!("x = {}{}\ny = 1\n", "[".repeat(70), "]".repeat(70));
        let (p, d) = read(&deep);
        assert_eq!(places(&deep, &d), ["1:69"]);
        assert_eq!(d[0].message, "nesting is too deep");
        assert_eq!(keys(&p.items), ["y"]);
        let blocks = format!("{}{}z = 1", "b { ".repeat(70), "} ".repeat(70));
        let (p, d) = read(&blocks);
        assert_eq!(d.len(), 1);
        assert_eq!(p.items.len(), 2);
    }

    /// A megabyte of any one bracket, quote or junk character (then as
    /// many `}`): no stack overflow, a bounded number of errors, and time
    /// linear in the size (a quadratic step would not finish).
    #[test]
    fn big_garbage_is_read_in_bounded_depth() {
        for c in [
            "{",
            "[",
            "}",
            "]",
            "\"",
            "=",
            "a ",
            "a {",
            "x = [",
            "'",
            "\u{0}",
            "é",
            "  a = 1\n",
        ] {
            for text in [
                c.repeat(1 << 20),
                c.repeat(1 << 16) + &"}\n".repeat(1 << 19),
            ] {
                let (_, d) = read(&text);
                assert!(!d.is_empty() || matches!(c, "a " | "  a = 1\n"), "{c:?}");
                assert!(d.len() <= MAX_ERRORS, "{c:?}: {} errors", d.len());
            }
        }
    }

    #[test]
    fn too_many_errors_stop_the_reading() {
        let text = "a = ;\n".repeat(500);
        let (p, d) = read(&text);
        assert_eq!(d.len(), MAX_ERRORS);
        assert!(d[MAX_ERRORS - 1]
            .message
            .starts_with("too many syntax errors"));
        assert!(p.incomplete);
    }

    /// A reference keeps the span of each of its names, for
    /// go-to-definition.
    #[test]
    fn references_keep_the_span_of_each_name() {
        let text = "s { vip = vip.internal  hosts = [node.c1, x] }";
        let (p, d) = read(text);
        assert!(d.is_empty());
        let ItemKind::Block { items, .. } = &p.items[0].kind else {
            panic!("a block")
        };
        let refs: Vec<Vec<(String, &str)>> = items
            .iter()
            .flat_map(|i| match &i.kind {
                ItemKind::Attribute(Value {
                    kind: ValueKind::List(vs),
                    ..
                }) => vs.iter().collect::<Vec<_>>(),
                ItemKind::Attribute(v) => vec![v],
                _ => vec![],
            })
            .map(|v| match &v.kind {
                ValueKind::Ref(parts) => parts
                    .iter()
                    .map(|p| (p.name.clone(), &text[p.span.range()]))
                    .collect(),
                _ => panic!("a reference"),
            })
            .collect();
        fn want<'a>(v: &[&'a str]) -> Vec<(String, &'a str)> {
            v.iter().map(|s| (s.to_string(), *s)).collect()
        }
        assert_eq!(
            refs,
            [
                want(&["vip", "internal"]),
                want(&["node", "c1"]),
                want(&["x"])
            ]
        );
        let vip = &items[0];
        let ItemKind::Attribute(v) = &vip.kind else {
            panic!()
        };
        assert_eq!(&text[v.span.range()], "vip.internal");
    }

    fn spans_inside(text: &str, items: &[Item]) -> Result<(), String> {
        let ok = |s: Span| {
            let r = s.range();
            r.start <= r.end
                && r.end <= text.len()
                && text.is_char_boundary(r.start)
                && text.is_char_boundary(r.end)
        };
        fn values(v: &Value, out: &mut Vec<Span>) {
            out.push(v.span);
            match &v.kind {
                ValueKind::List(vs) => vs.iter().for_each(|v| values(v, out)),
                ValueKind::Ref(parts) => out.extend(parts.iter().map(|p| p.span)),
                ValueKind::Address {
                    prefix: Some((_, s)),
                    ..
                } => out.push(*s),
                _ => {}
            }
        }
        let mut spans = Vec::new();
        let mut stack: Vec<&Item> = items.iter().collect();
        while let Some(i) = stack.pop() {
            spans.extend([i.span, i.key.span]);
            match &i.kind {
                ItemKind::Attribute(v) => values(v, &mut spans),
                ItemKind::Directive(_, s) => spans.push(*s),
                ItemKind::Block { labels, items } => {
                    spans.extend(labels.iter().map(|l| l.span));
                    stack.extend(items);
                }
            }
        }
        match spans.into_iter().find(|s| !ok(*s)) {
            Some(s) => Err(format!("span {:?} of {text:?}", s.range())),
            None => Ok(()),
        }
    }

    use proptest::prelude::*;

    fn broken_text() -> impl Strategy<Value = String> {
        prop_oneof![
            crate::syntax::gen::token_soup(),
            prop::collection::vec(crate::syntax::gen::edit(), 1..8).prop_map(|e| {
                crate::syntax::gen::apply(include_str!("../../examples/split-vips.glha"), &e)
            }),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        /// On broken text, the recovered tree's spans and the errors'
        /// lie inside the text on char boundaries, and the counts agree.
        #[test]
        fn recovered_trees_are_well_formed(text in broken_text()) {
            let (p, d) = read(&text);
            spans_inside(&text, &p.items).map_err(TestCaseError::fail)?;
            for e in &d {
                let s = e.primary.as_ref().expect("a place").span;
                prop_assert!(
                    s.end as usize <= text.len()
                        && text.is_char_boundary(s.start as usize)
                        && text.is_char_boundary(s.end as usize),
                    "{:?} at {:?} of {:?}", e.message, s.range(), text
                );
            }
            prop_assert_eq!(p.incomplete, !p.lost.is_empty());
        }
    }

    /// Found by fuzzing: the line a block without `}` is cut before
    /// starts with a two-byte character, and the error there must end
    /// after it, not inside it.
    #[test]
    fn a_cut_block_before_a_non_name_character() {
        let text = "k {\n  a t {\n  \u{7ca}";
        let (p, d) = read(text);
        spans_inside(text, &p.items).expect("spans");
        for e in &d {
            let s = e.primary.as_ref().expect("a place").span;
            assert!(text.is_char_boundary(s.end as usize), "{}", e.message);
        }
        assert_eq!(d[0].message, "`a t` is not closed");
    }

    #[test]
    fn strict_parse_refuses_a_file_with_errors() {
        let mut diags = Diagnostics::default();
        assert!(parse(FileId(0), "a = 1\nb = [\n", &mut diags).is_none());
        assert_eq!(diags.0.len(), 1);
        let items = parse(FileId(0), "a = 1", &mut diags).expect("valid");
        assert_eq!(items.len(), 1);
        assert!(!items[0].incomplete);
    }
}
