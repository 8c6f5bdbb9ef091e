//! Reading the items of one block: unknown and duplicate keys, and typed
//! access that reports the wrong kind of value at its span.

use super::values::{self, safe};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::Text;
use crate::schema::Block;
use crate::source::Span;
use crate::syntax::{Ident, Item, ItemKind, Value, ValueKind};

/// The items of one block, checked against what the block allows.
pub(crate) struct Fields<'a> {
    items: &'a [Item],
    /// Where the block is, for "missing" diagnostics.
    pub(crate) span: Span,
    /// What the block is called in messages (`vip internal`).
    pub(crate) what: String,
    /// A syntax error cut the block short (see [`Item::incomplete`]): what
    /// it lacks may be in the text that could not be read, so nothing is
    /// reported as absent from it.
    pub(crate) incomplete: bool,
}

/// Above this many items, duplicate keys are found with a map rather than
/// by looking back (which is quadratic in the size of the block).
const SCAN_LIMIT: usize = 16;

impl<'a> Fields<'a> {
    /// Checks the `items` of the block `block` against the keys and
    /// nested blocks its [`Block`] schema allows.
    pub(crate) fn new(
        what: impl Into<String>,
        block: &Item,
        items: &'a [Item],
        schema: &'static Block,
        diags: &mut Diagnostics,
    ) -> Self {
        Self::build(
            what.into(),
            block.span,
            block.incomplete,
            items,
            schema,
            diags,
        )
    }

    /// The items of a block whose keys are free (agent parameters),
    /// checked by the caller.
    pub(crate) fn unchecked(what: impl Into<String>, block: &Item, items: &'a [Item]) -> Self {
        Fields {
            items,
            span: block.span,
            what: what.into(),
            incomplete: block.incomplete,
        }
    }

    /// The top level of the spec (`span` covers its items), incomplete if
    /// a syntax error lost some of it.
    pub(crate) fn spec(
        span: Span,
        items: &'a [Item],
        incomplete: bool,
        diags: &mut Diagnostics,
    ) -> Self {
        Self::build(
            "the spec".to_string(),
            span,
            incomplete,
            items,
            &crate::schema::SPEC,
            diags,
        )
    }

    fn build(
        what: String,
        span: Span,
        incomplete: bool,
        items: &'a [Item],
        schema: &'static Block,
        diags: &mut Diagnostics,
    ) -> Self {
        let mut first_set: std::collections::HashMap<&str, Span> = Default::default();
        for (i, item) in items.iter().enumerate() {
            let name = item.key.name.as_str();
            let allowed = match item.kind {
                ItemKind::Attribute(_) => schema.key(name).is_some(),
                ItemKind::Block { .. } => schema.block(name).is_some(),
                ItemKind::Directive(..) => false,
            };
            if !allowed {
                let (attrs, blocks) = (schema.key_names(), schema.block_names());
                let all: Vec<&str> = attrs.iter().chain(&blocks).copied().collect();
                let shape = match item.kind {
                    ItemKind::Attribute(_) => "key",
                    ItemKind::Block { .. } => "block",
                    ItemKind::Directive(..) => "directive",
                };
                let mut d = Diagnostic::error(
                    &codes::UNKNOWN_KEY,
                    item.key.span,
                    format!("unknown {shape} `{name}` in {what}"),
                );
                d = match suggest(name, &all) {
                    Some(s)
                        if attrs.contains(&s) && !matches!(item.kind, ItemKind::Attribute(_)) =>
                    {
                        d.help(format!("`{s}` is a key: write `{s} = …`"))
                    }
                    Some(s)
                        if blocks.contains(&s) && !matches!(item.kind, ItemKind::Block { .. }) =>
                    {
                        d.help(format!("`{s}` is a block: write `{s} {{ … }}`"))
                    }
                    Some(s) => d
                        .label(format!("did you mean `{s}`?"))
                        .help(allowed_list(&all)),
                    None => d.help(allowed_list(&all)),
                };
                diags.push(d);
                continue;
            }
            if let ItemKind::Attribute(_) = item.kind {
                let first = if items.len() <= SCAN_LIMIT {
                    items[..i]
                        .iter()
                        .find(|o| o.key.name == name && matches!(o.kind, ItemKind::Attribute(_)))
                        .map(|o| o.key.span)
                } else {
                    first_set.get(name).copied()
                };
                match first {
                    Some(first) => diags.push(
                        Diagnostic::error(
                            &codes::DUPLICATE,
                            item.key.span,
                            format!("`{name}` is set twice in {what}"),
                        )
                        .with_secondary(first, "first set here")
                        .help("remove one of them"),
                    ),
                    None if items.len() > SCAN_LIMIT => {
                        first_set.insert(name, item.key.span);
                    }
                    None => {}
                }
            }
        }
        Fields {
            items,
            span,
            what,
            incomplete,
        }
    }

    /// The value of an attribute (the first, if duplicated).
    pub(crate) fn value(&self, key: &str) -> Option<&'a Value> {
        self.items.iter().find_map(|i| match &i.kind {
            ItemKind::Attribute(v) if i.key.name == key => Some(v),
            _ => None,
        })
    }

    /// Every block with this keyword: its labels, items and span.
    pub(crate) fn blocks(
        &self,
        key: &'a str,
    ) -> impl Iterator<Item = (&'a [Ident], &'a [Item], &'a Item)> + 'a {
        self.items.iter().filter_map(move |i| match &i.kind {
            ItemKind::Block { labels, items } if i.key.name == key => {
                Some((labels.as_slice(), items.as_slice(), i))
            }
            _ => None,
        })
    }

    /// Reports that something this block should have is absent, unless
    /// the block is incomplete (then a syntax error already said what is
    /// wrong, and the absent part may be in the text it could not read).
    pub(crate) fn absent(&self, d: Diagnostic, diags: &mut Diagnostics) {
        if !self.incomplete {
            diags.push(d);
        }
    }

    /// Reports a missing required key (see [`Fields::absent`]).
    pub(crate) fn missing(&self, key: &str, help: &str, diags: &mut Diagnostics) {
        self.absent(
            Diagnostic::error(
                &codes::MISSING,
                self.span,
                format!("{} has no `{key}`", self.what),
            )
            .label(format!("`{key}` is required here"))
            .help(help.to_string()),
            diags,
        );
    }

    /// A string attribute.
    pub(crate) fn string(&self, key: &str, diags: &mut Diagnostics) -> Option<(String, Span)> {
        let v = self.value(key)?;
        match &v.kind {
            ValueKind::Str(s) => Some((s.clone(), v.span)),
            other => {
                diags.push(wrong(v.span, key, "a string in double quotes", other));
                None
            }
        }
    }

    /// A bare-word attribute (`mode = active_passive`), from a fixed set.
    pub(crate) fn word(
        &self,
        key: &str,
        allowed: &[&str],
        diags: &mut Diagnostics,
    ) -> Option<(String, Span)> {
        let v = self.value(key)?;
        let word = match &v.kind {
            ValueKind::Ref(parts) if parts.len() == 1 => parts[0].name.clone(),
            ValueKind::Str(s) => s.clone(),
            other => {
                diags.push(
                    wrong(v.span, key, "one of the words listed in the help", other)
                        .help(format!("write one of: {}", allowed.join(", "))),
                );
                return None;
            }
        };
        if allowed.contains(&word.as_str()) {
            Some((word, v.span))
        } else {
            let mut d = Diagnostic::error(
                &codes::BAD_VALUE,
                v.span,
                format!("`{word}` is not a valid {key}"),
            );
            if let Some(s) = suggest(&word, allowed) {
                d = d.label(format!("did you mean `{s}`?"));
            }
            diags.push(d.help(format!("write one of: {}", allowed.join(", "))));
            None
        }
    }

    /// A number attribute.
    pub(crate) fn number(&self, key: &str, diags: &mut Diagnostics) -> Option<(u64, Span)> {
        let v = self.value(key)?;
        match &v.kind {
            ValueKind::Int(n) => Some((*n, v.span)),
            other => {
                diags.push(wrong(v.span, key, "a number", other));
                None
            }
        }
    }

    /// A boolean attribute (`true` / `false`).
    pub(crate) fn boolean(&self, key: &str, diags: &mut Diagnostics) -> Option<bool> {
        self.word(key, crate::schema::BOOLEAN, diags)
            .map(|(w, _)| w == "true")
    }
}

/// "expected X, found Y".
pub(crate) fn wrong(span: Span, key: &str, expected: &str, found: &ValueKind) -> Diagnostic {
    Diagnostic::error(
        &codes::WRONG_TYPE,
        span,
        format!("`{key}` takes {expected}, not {}", found.describe()),
    )
    .label(format!("this is {}", found.describe()))
    .help(format!("write {expected} here"))
}

fn allowed_list(all: &[&str]) -> String {
    if all.is_empty() {
        "this block takes no keys".to_string()
    } else {
        format!("allowed here: {}", all.join(", "))
    }
}

/// The allowed name closest to `name`, if close enough to be a typo.
pub(crate) fn suggest<'b>(name: &str, candidates: &[&'b str]) -> Option<&'b str> {
    candidates
        .iter()
        .map(|c| (distance(name, c), *c))
        .filter(|(d, c)| *d <= (c.len().max(name.len()) / 3).max(1))
        .min()
        .map(|(_, c)| c)
}

fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The `key = value` items of every block `key` (`meta`, `property`), each
/// key once.
pub(crate) fn free_pairs(
    f: &Fields,
    key: &'static str,
    what: &str,
    diags: &mut Diagnostics,
) -> Vec<(String, Text)> {
    let mut out: Vec<(String, Text)> = Vec::new();
    // Where each key was first set: a map, as a block may be big.
    let mut first: std::collections::HashMap<&str, Span> = Default::default();
    for (_, items, _) in f.blocks(key) {
        for it in items {
            if let Some(span) = first.get(it.key.name.as_str()) {
                diags.push(
                    Diagnostic::error(
                        &codes::DUPLICATE,
                        it.key.span,
                        format!("`{}` is set twice in {what}", it.key.name),
                    )
                    .with_secondary(*span, "first set here")
                    .help("remove one of them"),
                );
                continue;
            }
            if let Some(t) = free_text(it, diags) {
                out.push((it.key.name.clone(), t));
                first.insert(&it.key.name, it.key.span);
            }
        }
    }
    out
}

/// A `key = "text"` item in a free-form block (properties, meta).
pub(crate) fn free_text(it: &Item, diags: &mut Diagnostics) -> Option<Text> {
    let ItemKind::Attribute(v) = &it.kind else {
        diags.push(
            Diagnostic::error(
                &codes::UNKNOWN_KEY,
                it.key.span,
                format!("`{}` must be `key = value` here", it.key.name),
            )
            .help("this block holds only `key = value` settings; nested blocks are not allowed"),
        );
        return None;
    };
    let value = match &v.kind {
        ValueKind::Str(s) => s.clone(),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Ref(p) if p.len() == 1 => p[0].name.clone(),
        other => {
            diags.push(wrong(
                v.span,
                &it.key.name,
                "a string, a number or a word",
                other,
            ));
            return None;
        }
    };
    let what = format!("`{}`", it.key.name);
    (safe(&value, v.span, &what, diags) && values::crm_safe(&value, v.span, &what, diags))
        .then_some(Text {
            value,
            span: v.span,
        })
}
