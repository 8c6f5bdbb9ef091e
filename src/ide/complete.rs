//! Completion: what may be written at the cursor. The enclosing block
//! comes from the syntax tree; what is being written (a key, a value, a
//! label, a reference, a string) from the text of the line before the
//! cursor, as that part is usually unfinished and did not parse.

use super::refs::KINDS;
use super::{is_word_char, Analysis};
use crate::release::Release;
use crate::schema::{self, Block, Label, Type};
use crate::syntax::ItemKind;
use std::ops::Range;

/// What a completion inserts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CompletionKind {
    /// A `key = …` of the enclosing block.
    Key,
    /// A nested block's keyword.
    Block,
    /// A directive (`release`, `import`).
    Directive,
    /// A value from a fixed set, or the form of one (`secret env ""`).
    Value,
    /// A reference to a declared block (`vip.internal`).
    Reference,
    /// A release name.
    Release,
    /// A module name.
    Module,
}

/// One suggestion.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Completion {
    /// What the list shows (and filters on).
    pub label: String,
    /// What it is.
    pub kind: CompletionKind,
    /// A short note shown beside it (a type, a declaration).
    pub detail: String,
    /// Longer documentation, markdown.
    pub doc: Option<String>,
    /// The text it replaces: what was typed of it so far.
    pub replace: Range<usize>,
    /// What replaces that.
    pub insert: String,
}

/// Where the cursor is, as far as completion is concerned.
enum Context<'t> {
    /// Inside a string after `release` or `import`.
    Directive(&'t str),
    /// Writing a reference to a `kind` (`vip.`).
    Reference(&'t str),
    /// Writing the value of `key`.
    Value(&'t str),
    /// Writing the label after the keyword of block `keyword`.
    Label(&'t str),
    /// Writing an item: a key, a block or a directive.
    Item,
    /// Nothing to offer (a comment, another string).
    Nothing,
}

impl Analysis {
    /// The completions at `offset`.
    pub fn complete(&self, offset: usize) -> Vec<Completion> {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line_start = self.text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let before = &self.text[line_start..offset];
        let (context, typed) = context(before);
        let replace = offset - typed.len()..offset;
        let mut out = Vec::new();
        let mut add = |label: String, kind, detail: String, doc: Option<&str>, insert: String| {
            out.push(Completion {
                label,
                kind,
                detail,
                doc: doc.map(str::to_string),
                replace: replace.clone(),
                insert,
            })
        };
        match context {
            Context::Nothing => {}
            Context::Directive("release") => {
                for r in Release::ALL.iter().rev() {
                    add(
                        r.name().into(),
                        CompletionKind::Release,
                        format!("glance {}", r.glance_major()),
                        None,
                        r.name().into(),
                    );
                }
            }
            Context::Directive(_) => {
                for (name, _) in crate::stdlib::MODULES {
                    add(
                        name.to_string(),
                        CompletionKind::Module,
                        "stdlib module".into(),
                        None,
                        name.to_string(),
                    );
                }
            }
            Context::Reference(kind) => {
                for d in self.declarations().into_iter().filter(|d| d.kind == kind) {
                    let r = format!("{kind}.{}", d.name.name);
                    add(
                        r.clone(),
                        CompletionKind::Reference,
                        self.declared_as(d.item),
                        None,
                        r,
                    );
                }
            }
            Context::Value(key) => {
                let Some(k) = self.block_at(offset).and_then(|b| b.key(key)) else {
                    return out;
                };
                for (label, kind, insert) in self.values(k.ty) {
                    add(label, kind, k.ty.describe(), None, insert);
                }
            }
            Context::Label(keyword) => {
                let Some(b) = self
                    .block_at(offset)
                    .and_then(|p| super::child_schema(p, keyword, &[]))
                else {
                    return out;
                };
                let words: Vec<&str> = match b.label {
                    Label::OneOf(words) => words.to_vec(),
                    Label::Kind => schema::SPEC.block_names(),
                    Label::None | Label::Name => Vec::new(),
                };
                for w in words {
                    add(
                        w.into(),
                        CompletionKind::Value,
                        format!("{keyword} {w}"),
                        None,
                        w.into(),
                    );
                }
            }
            Context::Item => self.items_at(offset, replace.clone(), &mut out),
        }
        out
    }

    /// The keys, blocks and (at the top level) directives that may start
    /// an item at `offset`; keys the block already sets are left out.
    fn items_at(&self, offset: usize, replace: Range<usize>, out: &mut Vec<Completion>) {
        let path = self.enclosing(offset);
        let (block, items) = match path.last() {
            Some(e) => match (&e.item.kind, e.schema) {
                (ItemKind::Block { items, .. }, Some(s)) => (s, items.as_slice()),
                _ => return,
            },
            None => (&schema::SPEC, self.items.as_slice()),
        };
        let set = |name: &str| {
            items.iter().any(|i| {
                i.key.name == name
                    && matches!(i.kind, ItemKind::Attribute(_))
                    && !(i.key.span.start as usize <= offset && offset <= i.key.span.end as usize)
            })
        };
        for k in block.keys.iter().filter(|k| !set(k.name)) {
            out.push(Completion {
                label: k.name.into(),
                kind: CompletionKind::Key,
                detail: k.ty.describe(),
                doc: Some(k.doc.into()),
                replace: replace.clone(),
                insert: format!("{} = ", k.name),
            });
        }
        for b in block.blocks {
            out.push(Completion {
                label: b.name.into(),
                kind: CompletionKind::Block,
                detail: "block".into(),
                doc: Some(b.doc.into()),
                replace: replace.clone(),
                insert: block_insert(b),
            });
        }
        if path.is_empty() {
            for d in schema::DIRECTIVES {
                out.push(Completion {
                    label: d.to_string(),
                    kind: CompletionKind::Directive,
                    detail: "directive".into(),
                    doc: None,
                    replace: replace.clone(),
                    insert: format!("{d} \""),
                });
            }
        }
    }

    /// The values a key of type `ty` may take: (label, kind, text).
    fn values(&self, ty: Type) -> Vec<(String, CompletionKind, String)> {
        let refs = |kind: &str| {
            self.declarations()
                .into_iter()
                .filter(|d| d.kind == kind)
                .map(|d| {
                    let r = format!("{kind}.{}", d.name.name);
                    (r.clone(), CompletionKind::Reference, r)
                })
                .collect::<Vec<_>>()
        };
        let value = |s: String| (s.clone(), CompletionKind::Value, s);
        match ty {
            Type::Word(words) => words.iter().map(|w| value(w.to_string())).collect(),
            Type::TextOneOf(texts) => texts.iter().map(|t| value(format!("\"{t}\""))).collect(),
            Type::Refs(kind) => refs(kind),
            Type::Host | Type::Hosts => refs("vip"),
            Type::Secret => ["secret env \"\"", "secret file \"\""]
                .map(|s| value(s.to_string()))
                .to_vec(),
            Type::Waiver => vec![value("waived \"\"".into())],
            Type::Agent => known_agents().into_iter().map(value).collect(),
            Type::StonithAgent => vec![value("stonith \"\"".into())],
            _ => Vec::new(),
        }
    }

    /// What a declaration says, in one line: `vip internal { address = … }`.
    fn declared_as(&self, item: &crate::syntax::Item) -> String {
        let text = &self.text[item.span.range()];
        let line: String = text.lines().next().unwrap_or("").chars().take(80).collect();
        line.trim().to_string()
    }
}

/// What a block's keyword inserts: the keyword, and a space where a label
/// follows.
fn block_insert(b: &Block) -> String {
    match b.label {
        Label::None => format!("{} {{", b.name),
        _ => format!("{} ", b.name),
    }
}

/// The agents the stdlib describes (not fencing agents), as written.
fn known_agents() -> Vec<String> {
    let mut out = Vec::new();
    for (_, text) in crate::stdlib::MODULES {
        let parsed = crate::syntax::parse_recovering(
            crate::source::FileId(0),
            text,
            &mut crate::diagnostic::Diagnostics::default(),
        );
        for item in parsed.items.iter().filter(|i| i.key.name == "agent") {
            let ItemKind::Block { items, .. } = &item.kind else {
                continue;
            };
            for i in items.iter().filter(|i| i.key.name == "type") {
                if let ItemKind::Attribute(v) = &i.kind {
                    let t = text[v.span.range()].to_string();
                    if !t.starts_with("stonith") && !out.contains(&t) {
                        out.push(t);
                    }
                }
            }
        }
    }
    out
}

/// What the text of the line before the cursor says is being written,
/// and what of it is typed already (the text a completion replaces).
fn context(before: &str) -> (Context<'_>, &str) {
    // Strings and comments first: nothing in them is code.
    let (mut quote, mut escaped) = (None, false);
    for (i, c) in before.char_indices() {
        match (quote, c) {
            (Some(_), _) if escaped => escaped = false,
            (Some(_), '\\') => escaped = true,
            (Some(_), '"') => quote = None,
            (Some(_), _) => {}
            (None, '"') => quote = Some(i),
            (None, '#') => return (Context::Nothing, ""),
            (None, _) => {}
        }
    }
    if let Some(q) = quote {
        let typed = &before[q + 1..];
        return match before[..q].split_whitespace().last() {
            Some(d @ ("release" | "import")) if before[..q].trim() == d => {
                (Context::Directive(d), typed)
            }
            _ => (Context::Nothing, ""),
        };
    }
    let word_len: usize = before
        .chars()
        .rev()
        .take_while(|&c| is_word_char(c))
        .map(char::len_utf8)
        .sum();
    let typed = &before[before.len() - word_len..];
    if let Some((kind, _)) = typed.split_once('.') {
        if let Some(k) = KINDS.iter().find(|k| **k == kind) {
            return (Context::Reference(k), typed);
        }
    }
    let rest = before[..before.len() - word_len].trim_end();
    if let Some(key) = value_of(rest) {
        return (Context::Value(key), typed);
    }
    // `consumer n`: a block's keyword, then its label.
    let last = rest.rsplit(|c: char| !is_word_char(c)).next().unwrap_or("");
    if !last.is_empty() && rest.ends_with(last) && !last.contains('.') {
        let head = rest[..rest.len() - last.len()].trim_end();
        if head.is_empty() || head.ends_with(['{', '}']) {
            return (Context::Label(last), typed);
        }
    }
    (Context::Item, typed)
}

/// The key whose value follows `rest` (the line before the value being
/// typed): `key =`, or `key = [a, ` in an open list.
fn value_of(rest: &str) -> Option<&str> {
    let eq = if rest.ends_with('=') {
        rest.len() - 1
    } else {
        let open = rest.rfind('[')?;
        if rest[open..].contains(']') {
            return None;
        }
        let head = rest[..open].trim_end();
        head.strip_suffix('=')?.len()
    };
    let head = rest[..eq].trim_end();
    let key = head
        .rsplit(|c: char| !is_word_char(c))
        .next()
        .filter(|k| !k.is_empty())?;
    Some(key)
}

#[cfg(test)]
mod tests {
    use super::super::Analysis;
    use super::CompletionKind;

    /// The labels offered where `|` stands in `text`.
    fn labels(text: &str) -> Vec<String> {
        let at = text.find('|').unwrap();
        let text = text.replacen('|', "", 1);
        Analysis::new(text)
            .complete(at)
            .into_iter()
            .map(|c| c.label)
            .collect()
    }

    const HEAD: &str = "release \"2024.1\"\ncluster {\n  node c1 { address = 10.0.0.12 }\n  node c2 { address = 10.0.0.13 }\n}\nvip internal { address = 10.0.0.11/24 }\nvip public { address = 10.0.1.11/24 }\n";

    #[test]
    fn keys_of_the_enclosing_block() {
        let l = labels(&format!("{HEAD}service g {{\n  port = 9292\n  mo|\n}}\n"));
        assert!(l.contains(&"mode".to_string()), "{l:?}");
        assert!(l.contains(&"op".to_string()), "{l:?}");
        // Set already.
        assert!(!l.contains(&"port".to_string()), "{l:?}");
        let l = labels(&format!("{HEAD}|"));
        for want in ["cluster", "service", "release", "import"] {
            assert!(l.contains(&want.to_string()), "{want}: {l:?}");
        }
        // Inside a one-line block after a value.
        let l = labels(&format!("{HEAD}vip x {{ address = 10.0.0.9/24  n| }}\n"));
        assert_eq!(l, ["nic"]);
        // A nested block.
        let l = labels(&format!(
            "{HEAD}service g {{\n  op monitor {{\n    |\n  }}\n}}\n"
        ));
        assert_eq!(l, ["interval", "timeout"]);
        // A module's defaults hold the keys of their kind.
        let l = labels("defaults keystone {\n  |\n}\n");
        assert!(l.contains(&"user_domain".to_string()), "{l:?}");
    }

    #[test]
    fn values_references_and_labels() {
        let l = labels(&format!("{HEAD}service g {{\n  mode = |\n}}\n"));
        assert_eq!(l, ["active_passive", "active_active"]);
        let l = labels(&format!("{HEAD}service g {{ vip = vip.p| }}\n"));
        assert_eq!(l, ["vip.internal", "vip.public"]);
        let l = labels(&format!("{HEAD}rabbitmq {{ hosts = [vip.internal, | }}\n"));
        assert_eq!(l, ["vip.internal", "vip.public"]);
        let l = labels(&format!("{HEAD}endpoints image {{ scheme = h| }}\n"));
        assert_eq!(l, ["http", "https"]);
        let l = labels(&format!("{HEAD}consumer |"));
        assert_eq!(l, ["nova", "cinder"]);
        let l = labels(&format!(
            "{HEAD}cluster {{ fencing f {{ targets = [node.| }} }}\n"
        ));
        assert_eq!(l, ["node.c1", "node.c2"]);
        let l = labels(&format!("{HEAD}database g {{ driver = | }}\n"));
        assert!(l.contains(&"\"mysql+pymysql\"".to_string()), "{l:?}");
        let l = labels(&format!("{HEAD}service g {{ agent = | }}\n"));
        assert!(l.contains(&"systemd \"glance-api\"".to_string()), "{l:?}");
    }

    #[test]
    fn releases_modules_and_nothing_in_comments() {
        let a = Analysis::new("release \"20\"\n".into());
        let c = a.complete(10);
        assert_eq!(c.len(), crate::Release::ALL.len());
        assert!(c
            .iter()
            .all(|c| c.kind == CompletionKind::Release && c.replace == (9..10)));
        assert!(labels("import \"|\"").contains(&"std/nova".to_string()));
        assert!(labels("# service |").is_empty());
        assert!(labels("vip x { nic = \"e| }").is_empty());
    }
}
