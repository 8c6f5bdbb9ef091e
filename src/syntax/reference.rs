//! The reference parser, for tests only: a pest parser generated from
//! `grammar/glha.pest`, with the nesting limit the real parser has, and a
//! test that both read the same trees from a corpus and reject the same
//! texts.
//!
//! pest is not the production parser because a PEG parser stops at the
//! first syntax error (glha reports every one and checks the rest) and
//! backtracks, which made parsing cost about 300 ns per byte and a lot of
//! memory on big specs; the hand-written parser reads in one pass.

use super::ast::{Ident, Item, ItemKind, Value, ValueKind};
use crate::source::{FileId, Span};
use pest::iterators::Pair;
use pest::Parser as _;

#[derive(pest_derive::Parser)]
#[grammar = "../grammar/glha.pest"]
struct GlhaParser;

/// The items of `text`, or `None` if the grammar rejects it or it nests
/// deeper than [`super::MAX_DEPTH`] (the real parser's limit, which the
/// grammar cannot say).
pub(super) fn parse(text: &str) -> Option<Vec<Item>> {
    if too_deep(text) {
        return None;
    }
    let mut pairs = GlhaParser::parse(Rule::file, text).ok()?;
    let file = pairs.next()?;
    Some(
        file.into_inner()
            .filter(|p| p.as_rule() != Rule::EOI)
            .map(item)
            .collect(),
    )
}

/// Whether brackets outside strings and comments nest deeper than the
/// limit somewhere (in a text the grammar accepts, they nest exactly as
/// blocks and lists do).
fn too_deep(text: &str) -> bool {
    let mut depth = 0usize;
    for (_, c) in super::code_chars(text) {
        match c {
            '[' | '{' => {
                depth += 1;
                if depth > super::MAX_DEPTH {
                    return true;
                }
            }
            ']' | '}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    false
}

fn span(p: &Pair<Rule>) -> Span {
    let s = p.as_span();
    Span::new(FileId(0), s.start(), s.end())
}

fn ident(p: Pair<Rule>) -> Ident {
    Ident {
        name: p.as_str().to_string(),
        span: span(&p),
    }
}

fn item(p: Pair<Rule>) -> Item {
    let sp = span(&p);
    let rule = p.as_rule();
    let mut inner = p.into_inner();
    let key = ident(inner.next().expect("an item starts with a key"));
    let kind = match rule {
        Rule::attribute => ItemKind::Attribute(value(inner.next().expect("a value"))),
        Rule::directive => {
            let s = inner.next().expect("a string");
            let ssp = span(&s);
            ItemKind::Directive(unescape(s), ssp)
        }
        _ => {
            let (mut labels, mut items) = (Vec::new(), Vec::new());
            for c in inner {
                match c.as_rule() {
                    Rule::label => labels.push(ident(c)),
                    _ => items.push(item(c)),
                }
            }
            ItemKind::Block { labels, items }
        }
    };
    Item {
        key,
        kind,
        span: sp,
        incomplete: false,
    }
}

fn unescape(p: Pair<Rule>) -> String {
    let raw = p.into_inner().next().map(|i| i.as_str()).unwrap_or("");
    let mut out = String::new();
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some(other) => out.push(other),
            None => {}
        }
    }
    out
}

fn value(p: Pair<Rule>) -> Value {
    let sp = span(&p);
    let kind = match p.as_rule() {
        Rule::string => ValueKind::Str(unescape(p)),
        Rule::number => match p.as_str().parse() {
            Ok(n) => ValueKind::Int(n),
            Err(_) => ValueKind::Huge(p.as_str().to_string()),
        },
        Rule::duration => {
            let mut it = p.into_inner();
            let n: u64 = it
                .next()
                .and_then(|n| n.as_str().parse().ok())
                .unwrap_or(u64::MAX);
            let per = match it.next().map(|u| u.as_str()) {
                Some("ms") => 1,
                Some("s") => 1000,
                Some("m") => 60_000,
                _ => 3_600_000,
            };
            ValueKind::Duration(n.saturating_mul(per))
        }
        Rule::address => {
            let mut it = p.into_inner();
            let addr = it
                .next()
                .map(|a| a.as_str().to_string())
                .unwrap_or_default();
            let prefix = it
                .next()
                .map(|pr| (pr.as_str().parse().unwrap_or(u32::MAX), span(&pr)));
            ValueKind::Address { addr, prefix }
        }
        Rule::list => ValueKind::List(p.into_inner().map(value).collect()),
        Rule::secret => {
            // kw_secret, secret_source, string
            let mut it = p.into_inner().skip(1);
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
        Rule::waiver => ValueKind::Waiver(
            p.into_inner()
                .next()
                .map(unescape)
                .unwrap_or_default()
                .into(),
        ),
        Rule::external => ValueKind::External(
            p.into_inner()
                .next()
                .map(unescape)
                .unwrap_or_default()
                .into(),
        ),
        _ => ValueKind::Ref(p.into_inner().map(ident).collect()),
    };
    Value { kind, span: sp }
}

#[cfg(test)]
mod tests {
    use crate::diagnostic::Diagnostics;
    use crate::source::FileId;
    use crate::syntax::gen::{apply, edit, token_soup};
    use proptest::prelude::*;

    fn root() -> std::path::PathBuf {
        std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
    }

    /// Every `.glha` file of the corpus: the test cases and their modules,
    /// the examples and the stdlib.
    fn corpus() -> Vec<(String, String)> {
        let mut out = Vec::new();
        for dir in ["tests/cases", "tests/cases/modules", "examples", "stdlib"] {
            let mut paths: Vec<_> = std::fs::read_dir(root().join(dir))
                .unwrap_or_else(|e| panic!("{dir}: {e}"))
                .filter_map(|e| Some(e.ok()?.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "glha"))
                .collect();
            paths.sort();
            for p in paths {
                let text = std::fs::read_to_string(&p).expect("readable");
                out.push((p.display().to_string(), text));
            }
        }
        out
    }

    fn examples() -> Vec<(String, String)> {
        corpus()
            .into_iter()
            .filter(|(n, _)| n.contains("/examples/"))
            .collect()
    }

    /// Whether the hand-written parser and the grammar read `text` alike:
    /// the same items (spans included), or both reject it.
    fn disagreement(text: &str) -> Option<String> {
        let reference = super::parse(text);
        let ours = super::super::parse(FileId(0), text, &mut Diagnostics::default());
        (reference != ours).then(|| {
            let show = |r: &Option<Vec<super::Item>>| {
                let s = format!("{r:?}");
                s.chars().take(2000).collect::<String>()
            };
            format!(
                "{text:?}\n  grammar: {}\n  parser:  {}",
                show(&reference),
                show(&ours)
            )
        })
    }

    #[test]
    fn both_read_the_corpus_alike() {
        let corpus = corpus();
        assert!(corpus.len() > 80, "the corpus is there");
        let mut accepted = 0;
        for (name, text) in &corpus {
            if let Some(d) = disagreement(text) {
                panic!("{name}: {d}");
            }
            accepted += usize::from(super::parse(text).is_some());
        }
        // Not a corpus of errors only.
        assert!(accepted > 60, "{accepted} files parse");
    }

    /// Every prefix and every one-character deletion of each example: the
    /// broken texts an editor holds while someone types.
    #[test]
    fn both_agree_on_prefixes_and_deletions_of_the_examples() {
        let mut checked = 0;
        for (name, text) in examples() {
            let cuts: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
            for &i in &cuts {
                let prefix = &text[..i];
                let c_len = text[i..].chars().next().map_or(0, char::len_utf8);
                let deleted = format!("{}{}", &text[..i], &text[i + c_len..]);
                for t in [prefix, deleted.as_str()] {
                    if let Some(d) = disagreement(t) {
                        panic!("{name} at byte {i}: {d}");
                    }
                    checked += 1;
                }
            }
        }
        assert!(checked > 5000, "{checked} texts");
    }

    /// Texts where the grammar's lookaheads and ordered choices decide.
    #[test]
    fn both_agree_on_corner_cases() {
        let cases = [
            "x = secretenv \"X\"",
            "x = secret envy \"X\"",
            "x = secret\nenv = 1",
            "x = secret env # c\n \"X\"",
            "x = secret.env",
            "x = secret-env",
            "x = ocf.x",
            "x = ocf\n\"a\"\n\"b\"",
            "x = systemd \"a\"  # c\ny = 1",
            "x = waived\n\"r\"",
            "x = waivedx \"r\"",
            "x = waived.x",
            "x = 5msx = 1",
            "x = 5ms",
            "x = [1s2]",
            "x = 30s.x",
            "x = 1e5",
            "x = dead:beef",
            "x = deadbeef",
            "x = face.b",
            "x = :",
            "x = ::1/64",
            "x = 10.0.0.1/",
            "x = 10.0.0.1/x",
            "x = 10.0.0",
            "x = 1.2.3.4.5",
            "x = 1.2.3.4:5",
            "x = 99999999999999999999999",
            "x = 99999999999999999999999s",
            "x = 10.0.0.1/99999999999",
            "x = vip . internal",
            "x = vip.",
            "x = vip.internal.x",
            "x = [a b, c,]",
            "x = [,]",
            "x = [a,,b]",
            "x = [[[]]]",
            "x = \"a\\$b\\\"c\\\\\"",
            "x = \"a\\qb\"",
            "x = \"\r\"",
            "a b c { }",
            "a\nb\n{ x = 1 }",
            "a { b = 1 } }",
            "a { b = 1",
            "release\"x\"",
            "a- = 1",
            "_a = 1",
            "-a = 1",
            "1a = 1",
            "x = é",
            "x = \u{a0}1",
            "",
            "# only a comment",
            "x = 1 # c",
        ];
        for text in cases {
            if let Some(d) = disagreement(text) {
                panic!("{d}");
            }
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn both_agree_on_token_soup(text in token_soup()) {
            let d = disagreement(&text);
            prop_assert!(d.is_none(), "{}", d.unwrap_or_default());
        }

        #[test]
        fn both_agree_on_mutated_examples(
            which in 0usize..4,
            edits in prop::collection::vec(edit(), 1..5),
        ) {
            let examples = examples();
            let text = apply(&examples[which % examples.len()].1, &edits);
            let d = disagreement(&text);
            prop_assert!(d.is_none(), "{}", d.unwrap_or_default());
        }

        #[test]
        fn both_agree_on_arbitrary_text(text in "[a-z0-9 \\[\\]{}=\".:/#\n\\\\,_-]{0,40}") {
            let d = disagreement(&text);
            prop_assert!(d.is_none(), "{}", d.unwrap_or_default());
        }
    }
}
