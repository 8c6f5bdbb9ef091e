//! pest grammar → [`Item`]s, and syntax errors in words.

use super::ast::{Ident, Item, ItemKind, Value, ValueKind};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, Span};
use pest::error::{ErrorVariant, InputLocation};
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/glha.pest"]
struct GlhaParser;

/// Deeper nesting than this is refused before pest sees it: pest and the
/// tree walk recurse, and no real spec nests more than a few levels.
const MAX_DEPTH: usize = 64;

/// Parses one file. On a syntax error, returns no items and one diagnostic
/// (pest stops at the first error; the checker reports everything else).
pub fn parse(file: FileId, text: &str, diags: &mut Diagnostics) -> Option<Vec<Item>> {
    if let Some(at) = too_deep(text) {
        diags.push(
            Diagnostic::error(
                &codes::SYNTAX,
                Span::new(file, at, at + 1),
                "nesting is too deep",
            )
            .label(format!(
                "more than {MAX_DEPTH} levels of brackets or braces"
            ))
            .help("a spec nests blocks a few levels deep; close the open brackets"),
        );
        return None;
    }
    // Lets syntax errors name the punctuation that was expected.
    pest::set_error_detail(true);
    match GlhaParser::parse(Rule::file, text) {
        Ok(mut pairs) => {
            let file_pair = pairs.next()?;
            Some(
                file_pair
                    .into_inner()
                    .filter(|p| p.as_rule() != Rule::EOI)
                    .map(|p| item(file, p))
                    .collect(),
            )
        }
        Err(e) => {
            diags.push(syntax_error(file, text, &e));
            None
        }
    }
}

fn too_deep(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in super::code_chars(text) {
        match c {
            '[' | '{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Some(i);
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    None
}

fn span(file: FileId, p: &Pair<Rule>) -> Span {
    let s = p.as_span();
    Span::new(file, s.start(), s.end())
}

fn ident(file: FileId, p: Pair<Rule>) -> Ident {
    Ident {
        name: p.as_str().to_string(),
        span: span(file, &p),
    }
}

fn item(file: FileId, p: Pair<Rule>) -> Item {
    let sp = span(file, &p);
    let rule = p.as_rule();
    let mut inner = p.into_inner();
    let key = ident(file, inner.next().expect("grammar: item starts with a key"));
    let kind = match rule {
        Rule::attribute => ItemKind::Attribute(value(file, inner.next().expect("grammar: value"))),
        Rule::directive => {
            let s = inner.next().expect("grammar: directive string");
            let ssp = span(file, &s);
            ItemKind::Directive(unescape(s), ssp)
        }
        _ => {
            let (mut labels, mut items) = (Vec::new(), Vec::new());
            for c in inner {
                match c.as_rule() {
                    Rule::label => labels.push(ident(file, c)),
                    _ => items.push(item(file, c)),
                }
            }
            ItemKind::Block { labels, items }
        }
    };
    Item {
        key,
        kind,
        span: sp,
    }
}

fn unescape(p: Pair<Rule>) -> String {
    // string = "\"" string_inner "\""
    let raw = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
    let mut out = String::with_capacity(raw.len());
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some('r') => out.push('\r'),
                Some(other) => out.push(other),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

fn value(file: FileId, p: Pair<Rule>) -> Value {
    let sp = span(file, &p);
    let kind = match p.as_rule() {
        Rule::string => ValueKind::Str(unescape(p)),
        Rule::number => match p.as_str().parse() {
            Ok(n) => ValueKind::Int(n),
            // Too large for u64: the checker reports it as written.
            Err(_) => ValueKind::Huge(p.as_str().to_string()),
        },
        Rule::duration => {
            let mut it = p.into_inner();
            let n: u64 = it
                .next()
                .and_then(|n| n.as_str().parse().ok())
                .unwrap_or(u64::MAX);
            let factor = match it.next().map(|u| u.as_str()) {
                Some("ms") => 1,
                Some("s") => 1000,
                Some("m") => 60_000,
                _ => 3_600_000,
            };
            ValueKind::Duration(n.saturating_mul(factor))
        }
        Rule::address => {
            let mut it = p.into_inner();
            let addr = it
                .next()
                .map(|a| a.as_str().to_string())
                .unwrap_or_default();
            let prefix = it
                .next()
                .map(|pr| (pr.as_str().parse().unwrap_or(u32::MAX), span(file, &pr)));
            ValueKind::Address { addr, prefix }
        }
        Rule::list => ValueKind::List(p.into_inner().map(|v| value(file, v)).collect()),
        Rule::secret => {
            let mut it = p.into_inner();
            let source = it
                .next()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            let name = it.next().map(unescape).unwrap_or_default();
            ValueKind::Secret { source, name }
        }
        Rule::agent => {
            let mut it = p.into_inner();
            let class = it
                .next()
                .map(|s| s.as_str().to_string())
                .unwrap_or_default();
            ValueKind::Agent {
                class,
                parts: it.map(unescape).collect(),
            }
        }
        Rule::waiver => ValueKind::Waiver(p.into_inner().next().map(unescape).unwrap_or_default()),
        Rule::external => {
            ValueKind::External(p.into_inner().next().map(unescape).unwrap_or_default())
        }
        _ => ValueKind::Ref(p.into_inner().map(|l| ident(file, l)).collect()),
    };
    Value { kind, span: sp }
}

/// What a rule means to someone who has not read the grammar.
fn describe(rule: Rule) -> Option<&'static str> {
    Some(match rule {
        Rule::key | Rule::label => "a name",
        Rule::attribute => "`key = value`",
        Rule::directive => "`key \"text\"`",
        Rule::block => "a block `name { … }`",
        Rule::string | Rule::string_inner => "a string in double quotes",
        Rule::number => "a number",
        Rule::duration => "a duration such as 30s",
        Rule::unit => "a unit (ms, s, m, h)",
        Rule::address | Rule::ipv4 | Rule::ipv6 => "an address",
        Rule::prefix => "a prefix length",
        Rule::list => "a list `[…]`",
        Rule::secret => "a secret",
        Rule::secret_source => "`env` or `file`",
        Rule::agent | Rule::agent_class => "an agent",
        Rule::waiver => "`waived \"reason\"`",
        Rule::external => "`external \"how\"`",
        Rule::reference => "a reference such as vip.internal",
        Rule::escape => "an escape (\\\" \\\\ \\n \\t \\r \\$)",
        Rule::EOI => "the end of the file",
        _ => return None,
    })
}

/// What is wrong with a string literal starting at `start` (a `"`), if
/// anything: pest only says it could not match a string there.
fn bad_string(file: FileId, text: &str, start: usize) -> Option<Diagnostic> {
    let mut chars = text[start + 1..]
        .char_indices()
        .map(|(i, c)| (start + 1 + i, c));
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return None,
            '\n' => {
                return Some(
                    Diagnostic::error(
                        &codes::SYNTAX,
                        Span::new(file, start, i),
                        "unterminated string",
                    )
                    .label("this string has no closing `\"` on its line")
                    .help("a string must end on the line it starts; write a newline as \\n"),
                )
            }
            '\\' => {
                match chars.next() {
                    Some((_, '"' | '\\' | 'n' | 't' | 'r' | '$')) => {}
                    Some((j, other)) => return Some(
                        Diagnostic::error(
                            &codes::SYNTAX,
                            Span::new(file, i, j + other.len_utf8()),
                            format!("invalid escape `\\{}` in a string", other.escape_debug()),
                        )
                        .label("not an escape")
                        .help(
                            "the escapes are \\\" \\\\ \\n \\t \\r \\$; write a backslash as \\\\",
                        ),
                    ),
                    None => break,
                }
            }
            _ => {}
        }
    }
    Some(
        Diagnostic::error(
            &codes::SYNTAX,
            Span::new(file, start, text.len()),
            "unterminated string",
        )
        .label("this string has no closing `\"`")
        .help("close the string with `\"`"),
    )
}

fn syntax_error(file: FileId, text: &str, e: &pest::error::Error<Rule>) -> Diagnostic {
    let pos = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    if text[pos..].starts_with('"') {
        if let Some(d) = bad_string(file, text, pos) {
            return d;
        }
    }
    let end = text[pos..]
        .char_indices()
        .nth(1)
        .map(|(i, _)| pos + i)
        .unwrap_or(text.len());
    let found = match text[pos..].chars().next() {
        None => "the end of the file".to_string(),
        Some('\n') => "the end of the line".to_string(),
        Some(c) => format!("`{}`", c.escape_debug()),
    };
    let mut expected: Vec<String> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        for r in positives {
            if let Some(d) = describe(*r) {
                expected.push(d.to_string());
            }
        }
    }
    if let Some(attempts) = e.parse_attempts() {
        // pest does not export its token type; its Debug form is stable
        // enough to pick out the punctuation it expected.
        for t in attempts.expected_tokens() {
            let dbg = format!("{t:?}");
            for punct in ["=", "{", "}", "[", "]"] {
                if dbg == format!("Sensitive {{ token: \"{punct}\" }}") {
                    expected.push(format!("`{punct}`"));
                }
            }
        }
    }
    expected.sort();
    expected.dedup();
    let message = if expected.is_empty() {
        format!("unexpected {found}")
    } else {
        format!("expected {}, found {found}", join_or(&expected))
    };
    let in_string = text[..pos].matches('"').count() % 2 == 1 && text[pos..].starts_with('\n');
    let help = if in_string {
        "a string must end on the line it starts; write a newline as \\n"
    } else if text[pos..].starts_with('\'') {
        "strings are written in double quotes"
    } else {
        "an item is `key = value`, `key \"text\"` or `key label { … }`; see `glhac explain E0001`"
    };
    Diagnostic::error(&codes::SYNTAX, Span::new(file, pos, end), message)
        .label("here")
        .help(help)
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {}", init.join(", "), last),
    }
}
