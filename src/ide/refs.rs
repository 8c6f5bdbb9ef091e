//! References (`vip.NAME`, `node.NAME`) and the blocks they name: for
//! go-to-definition, find-references and completion.

use super::Analysis;
use crate::source::Span;
use crate::syntax::{Ident, Item, ItemKind, Value, ValueKind};
use std::ops::Range;

/// The kinds of block a reference can name, and where they are declared:
/// VIPs at the top level, nodes in the `cluster` block.
pub(super) const KINDS: &[&str] = &["vip", "node"];

/// A declared name: its kind (`vip`), and the label naming it.
#[derive(Debug, Clone, Copy)]
pub(super) struct Declaration<'a> {
    pub(super) kind: &'static str,
    pub(super) name: &'a Ident,
    /// The whole block, for hover.
    pub(super) item: &'a Item,
}

/// A use of a name: `vip.internal`, with the span of the name part.
#[derive(Debug, Clone, Copy)]
struct Use<'a> {
    kind: &'a str,
    name: &'a Ident,
    whole: Span,
}

impl Analysis {
    /// Every `vip NAME` and `node NAME` block.
    pub(super) fn declarations(&self) -> Vec<Declaration<'_>> {
        fn named(item: &Item) -> Option<(&Item, &Ident)> {
            match &item.kind {
                ItemKind::Block { labels, .. } => labels.first().map(|l| (item, l)),
                _ => None,
            }
        }
        let mut out = Vec::new();
        for item in &self.items {
            match (item.key.name.as_str(), &item.kind) {
                ("vip", _) => out.extend(named(item).map(|(item, name)| Declaration {
                    kind: "vip",
                    name,
                    item,
                })),
                ("cluster", ItemKind::Block { items, .. }) => out.extend(
                    items
                        .iter()
                        .filter(|i| i.key.name == "node")
                        .filter_map(|i| {
                            named(i).map(|(item, name)| Declaration {
                                kind: "node",
                                name,
                                item,
                            })
                        }),
                ),
                _ => {}
            }
        }
        out
    }

    /// Every reference in the spec.
    fn uses(&self) -> Vec<Use<'_>> {
        fn value<'a>(v: &'a Value, out: &mut Vec<Use<'a>>) {
            match &v.kind {
                ValueKind::List(vs) => vs.iter().for_each(|v| value(v, out)),
                ValueKind::Ref(parts) if parts.len() == 2 => out.push(Use {
                    kind: &parts[0].name,
                    name: &parts[1],
                    whole: v.span,
                }),
                _ => {}
            }
        }
        fn items<'a>(list: &'a [Item], out: &mut Vec<Use<'a>>) {
            for i in list {
                match &i.kind {
                    ItemKind::Attribute(v) => value(v, out),
                    ItemKind::Block { items: inner, .. } => items(inner, out),
                    ItemKind::Directive(..) => {}
                }
            }
        }
        let mut out = Vec::new();
        items(&self.items, &mut out);
        out
    }

    /// The kind and name under `offset`, and the text that names it: a
    /// reference (`vip.internal`) or a declaration's label.
    pub(super) fn symbol_at(&self, offset: usize) -> Option<(&str, &str, Range<usize>)> {
        let hit = |s: Span| s.start as usize <= offset && offset <= s.end as usize;
        if let Some(u) = self.uses().into_iter().find(|u| hit(u.whole)) {
            return Some((u.kind, &u.name.name, u.whole.range()));
        }
        self.declarations()
            .into_iter()
            .find(|d| hit(d.name.span))
            .map(|d| (d.kind, d.name.name.as_str(), d.name.span.range()))
    }

    /// Where the name under `offset` is declared: the label of its block.
    pub fn definition(&self, offset: usize) -> Option<Range<usize>> {
        let (kind, name, _) = self.symbol_at(offset)?;
        self.declaration(kind, name).map(|d| d.name.span.range())
    }

    /// The declaration of `kind.name`, if the spec has one.
    pub(super) fn declaration(&self, kind: &str, name: &str) -> Option<Declaration<'_>> {
        self.declarations()
            .into_iter()
            .find(|d| d.kind == kind && d.name.name == name)
    }

    /// Every reference to the name under `offset` (the name part of each
    /// `kind.NAME`), and its declaration first if `declaration` is set;
    /// in the order of the text.
    pub fn references(&self, offset: usize, declaration: bool) -> Vec<Range<usize>> {
        let Some((kind, name, _)) = self.symbol_at(offset) else {
            return Vec::new();
        };
        let mut out: Vec<Range<usize>> = Vec::new();
        if declaration {
            out.extend(self.declaration(kind, name).map(|d| d.name.span.range()));
        }
        let mut uses: Vec<Range<usize>> = self
            .uses()
            .into_iter()
            .filter(|u| u.kind == kind && u.name.name == name)
            .map(|u| u.name.span.range())
            .collect();
        uses.sort_by_key(|r| r.start);
        out.extend(uses);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::super::Analysis;

    const SPEC: &str = "cluster {\n  node c1 { address = 10.0.0.12 }\n  node c2 { address = 10.0.0.13 }\n  fencing x { agent = stonith \"fence_ipmilan\"  targets = [node.c1, node.c2] }\n}\nvip internal { address = 10.0.0.11/24 }\nservice g { vip = [vip.internal] }\nendpoints image { public = vip.internal  internal = vip.internal }\n";

    fn at(text: &str, needle: &str, nth: usize) -> usize {
        text.match_indices(needle).nth(nth).unwrap().0
    }

    #[test]
    fn definition_and_references() {
        let a = Analysis::new(SPEC.to_string());
        let decl = at(SPEC, "internal", 0);
        let use1 = at(SPEC, "vip.internal", 0) + 4;
        // From a use (anywhere in `vip.internal`) and from the label itself.
        for offset in [use1, use1 - 4, decl + 3] {
            assert_eq!(a.definition(offset), Some(decl..decl + 8), "at {offset}");
        }
        let refs = a.references(use1, true);
        assert_eq!(refs.len(), 4, "{refs:?}");
        assert_eq!(refs[0], decl..decl + 8);
        assert!(refs[1..].iter().all(|r| &SPEC[r.clone()] == "internal"));
        assert_eq!(a.references(use1, false).len(), 3);
        // The `internal = ` key is no reference.
        assert_eq!(a.definition(at(SPEC, "internal =", 0)), None);
        let c2 = at(SPEC, "node.c2", 0) + 6;
        let d = a.definition(c2).unwrap();
        assert_eq!(d.start, at(SPEC, "c2", 0));
        assert_eq!(a.references(c2, false), vec![c2 - 1..c2 + 1]);
    }

    /// Unknown names have references but no definition; text that does
    /// not parse keeps what could be read.
    #[test]
    fn broken_text() {
        let text =
            "vip a { address = 10.0.0.1/24 }\nservice s { vip = vip.b  port = }\nx = vip.a\n";
        let a = Analysis::new(text.to_string());
        assert_eq!(a.definition(at(text, "vip.b", 0) + 5), None);
        assert_eq!(a.references(at(text, "vip.b", 0) + 5, false).len(), 1);
        assert_eq!(
            a.references(at(text, "vip.a", 0), true),
            vec![4..5, at(text, "vip.a", 0) + 4..at(text, "vip.a", 0) + 5]
        );
    }
}
