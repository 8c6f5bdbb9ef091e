//! Phase 1, parse: `.glha` text to an owned syntax tree with spans.
//!
//! [`parse_recovering`] reads a whole file, reporting every syntax error
//! and keeping what could be read; [`parse`] is the strict form, for
//! tools that need the whole file (the formatter). `grammar/glha.pest` is
//! the reference grammar; a test-only pest parser built from it checks
//! that both read the same trees.

mod ast;
mod lexer;
mod parser;
#[cfg(test)]
mod reference;

/// The generators of the integration tests, shared with the parser's.
#[cfg(test)]
#[allow(dead_code)]
#[path = "../../tests/common/gen.rs"]
mod gen;

pub use ast::{Ident, Item, ItemKind, Value, ValueKind};
pub use parser::{parse, parse_recovering, Parsed, MAX_DEPTH};

use crate::source::{FileId, Span};

/// Spans that may hold a password, found by looking at the text alone, so
/// that a diagnostic never shows one even when the file does not parse:
/// the rest of the line after `KEY =` when KEY is sensitive
/// ([`crate::secret::is_sensitive_name`]), unless the value is a
/// `secret env|file` reference.
pub fn secret_spans(file: FileId, text: &str) -> Vec<Span> {
    let mut out = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let mut rest = body;
        // Several `key = value` pairs may share a line.
        while let Some(eq) = rest.find('=') {
            let key = rest[..eq].trim_end();
            let key = key
                .rsplit(|c: char| c.is_whitespace() || c == '{')
                .next()
                .unwrap_or("");
            let after = &rest[eq + 1..];
            let value = after.trim_start();
            let start = offset + (body.len() - rest.len()) + eq + 1 + (after.len() - value.len());
            if crate::secret::is_sensitive_name(key)
                && !value.starts_with("secret ")
                && !value.is_empty()
            {
                let end = value.find('#').map_or(value.len(), |h| {
                    if value.starts_with('"') {
                        value.len()
                    } else {
                        h
                    }
                });
                out.push(Span::new(
                    file,
                    start,
                    start + value[..end].trim_end().len(),
                ));
                break;
            }
            rest = after;
        }
        offset += line.len();
    }
    out
}

/// The characters of `text` outside strings and comments, with their byte
/// offsets: what a lexical scan (bracket depth, places to insert
/// whitespace) must look at. An unterminated string runs to the end.
pub fn code_chars(text: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let (mut in_str, mut in_comment, mut escaped) = (false, false, false);
    text.char_indices().filter(move |&(_, c)| {
        if in_comment {
            in_comment = c != '\n';
            return false;
        }
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
            return false;
        }
        match c {
            '#' => in_comment = true,
            '"' => in_str = true,
            _ => return true,
        }
        false
    })
}
