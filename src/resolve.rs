//! Phase 2, resolve: load imports, merge stdlib defaults under the spec's
//! own values, and collect agent descriptions.
//!
//! A module's `defaults KIND [LABEL] { … }` block fills in every spec block
//! `KIND` (with that first label, if given) with whatever the spec does not
//! say itself; nested blocks merge by keyword and labels. A spec therefore
//! overrides any default just by writing the key.

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::source::{FileId, SourceMap, Span};
use crate::stdlib;
use crate::syntax::{self, Item, ItemKind, Parsed};
use camino::{Utf8Path, Utf8PathBuf};

/// The spec with its imports applied.
#[derive(Debug, Default)]
pub struct Resolved {
    /// The spec's items, defaults merged in. `import`, `defaults` and
    /// `agent` items are removed.
    pub items: Vec<Item>,
    /// Every `agent` block from the spec and its imports.
    pub agents: Vec<Item>,
    /// The files imported, in order.
    pub imports: Vec<FileId>,
    /// A syntax error lost top-level text of the spec or of a module (an
    /// item, perhaps a `defaults` block): the checker reports no top-level
    /// block, and no default, as missing.
    pub incomplete: bool,
    /// The spec's own file: an item from another file was filled in by a
    /// module's `defaults`.
    pub root: FileId,
}

/// Where imports are looked up besides the embedded stdlib.
#[derive(Debug, Clone, Default)]
pub struct SearchPath(pub Vec<Utf8PathBuf>);

/// Resolves the imports of `root` (already parsed, perhaps with errors).
pub fn resolve(
    sources: &mut SourceMap,
    root: FileId,
    parsed: Parsed,
    search: &SearchPath,
    diags: &mut Diagnostics,
) -> Resolved {
    let mut out = Resolved {
        root,
        ..Resolved::default()
    };
    let mut defaults = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut queue = vec![(root, parsed)];
    // Whether a syntax error may have lost an `import` or a `defaults`
    // block, which could have given any block any key.
    let mut defaults_lost = false;
    while let Some((file, parsed)) = queue.pop() {
        out.incomplete |= parsed.incomplete;
        defaults_lost |= parsed.lost.iter().any(|key| {
            key.as_ref()
                .is_none_or(|k| k.name == "import" || k.name == "defaults")
        });
        for item in parsed.items {
            match (&item.kind, item.key.name.as_str()) {
                (ItemKind::Directive(name, span), "import") => {
                    if seen.contains(name) {
                        continue;
                    }
                    seen.push(name.clone());
                    if let Some((id, parsed)) = load(sources, file, name, *span, search, diags) {
                        out.imports.push(id);
                        queue.push((id, parsed));
                    }
                }
                (ItemKind::Block { .. }, "defaults") => defaults.push(item),
                (ItemKind::Block { .. }, "agent") => out.agents.push(item),
                _ if file == root => out.items.push(item),
                _ => diags.push(
                    Diagnostic::error(
                        &codes::UNKNOWN_KEY,
                        item.key.span,
                        format!("`{}` is not allowed in a module", item.key.name),
                    )
                    .help("a module holds only `import`, `defaults` and `agent` items"),
                ),
            }
        }
    }
    // A spec's own `defaults` come first so they win over imported ones.
    defaults.sort_by_key(|d| d.span.file != root);
    for d in &defaults {
        let ItemKind::Block {
            labels,
            items: dflt,
        } = &d.kind
        else {
            continue;
        };
        let Some(kind) = labels.first() else {
            diags.push(
                Diagnostic::error(
                    &codes::MISSING,
                    d.key.span,
                    "`defaults` needs the kind of block it applies to",
                )
                .help("write e.g. `defaults service { … }`"),
            );
            continue;
        };
        for target in out.items.iter_mut() {
            let ItemKind::Block {
                labels: tl,
                items: ti,
            } = &mut target.kind
            else {
                continue;
            };
            let label_ok = labels
                .get(1)
                .is_none_or(|l| tl.first().map(|t| &t.name) == Some(&l.name));
            if target.key.name == kind.name && label_ok {
                merge(ti, dflt);
                // Defaults cut short by a syntax error may lack what the
                // target lacks.
                target.incomplete |= d.incomplete;
            }
        }
    }
    if defaults_lost {
        mark_incomplete(&mut out.items);
    }
    out
}

/// Marks every block in `items`, nested ones too, incomplete.
fn mark_incomplete(items: &mut [Item]) {
    for item in items {
        if let ItemKind::Block { items: inner, .. } = &mut item.kind {
            item.incomplete = true;
            mark_incomplete(inner);
        }
    }
}

/// Adds to `into` every item of `from` it does not have; merges blocks with
/// the same keyword and labels.
fn merge(into: &mut Vec<Item>, from: &[Item]) {
    for f in from {
        let pos = into.iter().position(|i| same_slot(i, f));
        match (pos, &f.kind) {
            (None, _) => into.push(f.clone()),
            (Some(p), ItemKind::Block { items: fi, .. }) => {
                if let ItemKind::Block { items: ii, .. } = &mut into[p].kind {
                    merge(ii, fi);
                }
                into[p].incomplete |= f.incomplete;
            }
            (Some(_), _) => {}
        }
    }
}

fn same_slot(a: &Item, b: &Item) -> bool {
    if a.key.name != b.key.name {
        return false;
    }
    match (&a.kind, &b.kind) {
        (ItemKind::Block { labels: la, .. }, ItemKind::Block { labels: lb, .. }) => {
            la.iter().map(|l| &l.name).eq(lb.iter().map(|l| &l.name))
        }
        (ItemKind::Block { .. }, _) | (_, ItemKind::Block { .. }) => false,
        _ => true,
    }
}

fn load(
    sources: &mut SourceMap,
    from: FileId,
    name: &str,
    span: Span,
    search: &SearchPath,
    diags: &mut Diagnostics,
) -> Option<(FileId, Parsed)> {
    let (display, path, text) = if let Some(text) = stdlib::module(name) {
        (name.to_string(), None, text.to_string())
    } else {
        let rel = if name.starts_with("./") || name.starts_with("../") {
            let base = sources
                .get(from)
                .path
                .as_ref()
                .and_then(|p| p.parent().map(Utf8Path::to_path_buf));
            base.map(|b| vec![b.join(format!("{name}.glha"))])
                .unwrap_or_default()
        } else {
            search
                .0
                .iter()
                .map(|d| d.join(format!("{name}.glha")))
                .collect()
        };
        let Some((p, t)) = rel
            .iter()
            .find_map(|p| std::fs::read_to_string(p).ok().map(|t| (p.clone(), t)))
        else {
            let known: Vec<&str> = stdlib::MODULES.iter().map(|(n, _)| *n).collect();
            diags.push(
                Diagnostic::error(&codes::UNKNOWN_IMPORT, span, format!("no module named `{name}`"))
                    .label("imported here")
                    .help(format!("the standard library has {}; a local module is imported as \"./NAME\" (NAME.glha next to the spec)", known.join(", "))),
            );
            return None;
        };
        (p.to_string(), Some(p), t)
    };
    let id = sources.add(display, path.as_deref(), text);
    for span in syntax::secret_spans(id, &sources.get(id).text) {
        sources.mark_secret(span);
    }
    // A module with syntax errors still gives what could be read of it.
    Some((
        id,
        syntax::parse_recovering(id, &sources.get(id).text, diags),
    ))
}
