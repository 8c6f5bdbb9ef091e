//! Hover: what a key or block means, its type, its default in the stdlib,
//! and the ini settings it becomes in the spec's release; for a reference,
//! the block it names.

use super::{Analysis, Enclosing};
use crate::release::settings::{availability, row_of, Availability, Setting};
use crate::release::Release;
use crate::schema::{Block, Key};
use crate::source::{FileId, Span};
use crate::syntax::{Item, ItemKind};
use std::fmt::Write;
use std::ops::Range;

/// What to show for the text under the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hover {
    /// The text it is about.
    pub range: Range<usize>,
    /// Markdown.
    pub markdown: String,
}

impl Analysis {
    /// The hover for `offset`: a key, a block's keyword or a reference.
    pub fn hover(&self, offset: usize) -> Option<Hover> {
        if let Some(h) = self.hover_reference(offset) {
            return Some(h);
        }
        let path = self.enclosing(offset);
        let (items, parent) = match path.last() {
            Some(e) => match &e.item.kind {
                ItemKind::Block { items, .. } => (items.as_slice(), e.schema),
                _ => return None,
            },
            None => (self.items.as_slice(), Some(&crate::schema::SPEC)),
        };
        let hit = |s: Span| s.start as usize <= offset && offset <= s.end as usize;
        let item = items.iter().find(|i| hit(i.key.span))?;
        let parent = parent?;
        let range = item.key.span.range();
        let markdown = match &item.kind {
            ItemKind::Attribute(_) => self.key_doc(&path, parent.key(&item.key.name)?),
            ItemKind::Block { labels, .. } => {
                block_doc(super::child_schema(parent, &item.key.name, labels)?)
            }
            ItemKind::Directive(..) => directive_doc(&item.key.name)?,
        };
        Some(Hover { range, markdown })
    }

    /// A reference: the block it names, as written.
    fn hover_reference(&self, offset: usize) -> Option<Hover> {
        let (kind, name, range) = self.symbol_at(offset)?;
        let decl = self.declaration(kind, name)?;
        let text = excerpt(&self.text[decl.item.span.range()]);
        Some(Hover {
            range,
            markdown: format!("**{kind} {name}**\n\n```glha\n{text}\n```"),
        })
    }

    /// A key: meaning, type, default, and the ini settings in the release.
    fn key_doc(&self, path: &[Enclosing], key: &Key) -> String {
        let mut md = format!("**{}** — {}\n\n{}", key.name, key.ty.describe(), key.doc);
        let blocks: Vec<(&str, Option<&str>)> = path
            .iter()
            .map(|e| {
                let label = match &e.item.kind {
                    ItemKind::Block { labels, .. } => labels.first().map(|l| l.name.as_str()),
                    _ => None,
                };
                (e.item.key.name.as_str(), label)
            })
            .collect();
        if let Some((module, value)) = stdlib_default(&blocks, key.name) {
            let how = if self.imports(module) {
                "imported"
            } else {
                "when imported"
            };
            let _ = write!(md, "\n\nDefault from `{module}` ({how}): `{value}`");
        }
        // A consumer's settings are those of its own service.
        let service = match blocks.first() {
            Some(("consumer", Some(label))) => Some(*label),
            _ => None,
        };
        let settings: Vec<&Setting> = key
            .settings
            .iter()
            .filter(|s| {
                let r = row_of(**s);
                service.is_none_or(|svc| r.service == svc)
            })
            .collect();
        if !settings.is_empty() {
            let release = self.release();
            let _ = write!(md, "\n\nIn {release} it is written to:");
            for s in settings {
                let _ = write!(md, "\n- {}", setting_line(*s, release));
            }
        }
        md
    }
}

/// The start of a block's text: at most 8 lines and about 300 bytes.
fn excerpt(text: &str) -> String {
    const LINES: usize = 8;
    const BYTES: usize = 300;
    let mut out: String = text.lines().take(LINES).collect::<Vec<_>>().join("\n");
    if out.len() > BYTES {
        let mut at = BYTES;
        while !out.is_char_boundary(at) {
            at -= 1;
        }
        out.truncate(at);
    }
    if out.len() < text.trim_end().len() {
        out.push_str(" …");
    }
    out
}

/// One setting in one release: its file, section and key, or why it is
/// not written.
fn setting_line(s: Setting, release: Release) -> String {
    let r = row_of(s);
    let at = format!("{}.conf `[{}] {}`", r.service, r.section, r.key);
    match availability(s, release) {
        Availability::Current => at,
        Availability::Deprecated(since) => format!("{at} (deprecated since {since})"),
        Availability::NotYet(from) => format!("~~{at}~~ (not before {from})"),
        Availability::Removed(since) => format!("~~{at}~~ (removed in {since})"),
    }
}

fn block_doc(b: &Block) -> String {
    let mut md = format!("**{}** block\n\n{}", b.name, b.doc);
    let keys = b.key_names();
    if !keys.is_empty() {
        let _ = write!(md, "\n\nKeys: {}", keys.join(", "));
    }
    let blocks = b.block_names();
    if !blocks.is_empty() {
        let _ = write!(md, "\n\nBlocks: {}", blocks.join(", "));
    }
    md
}

fn directive_doc(name: &str) -> Option<String> {
    Some(match name {
        "release" => format!(
            "**release** \"NAME\"\n\nThe OpenStack release the bundle is for: every setting is named as it names it. `glhac build --release` overrides it. Known: {}.",
            Release::ALL.iter().map(|r| r.name()).collect::<Vec<_>>().join(", ")
        ),
        "import" => format!(
            "**import** \"MODULE\"\n\nLoads a module's `defaults` and agent descriptions: {} or a local `./NAME` (NAME.glha next to the spec).",
            crate::stdlib::MODULES.iter().map(|(n, _)| *n).collect::<Vec<_>>().join(", ")
        ),
        _ => return None,
    })
}

/// The stdlib modules, parsed once.
fn stdlib() -> &'static [(&'static str, &'static str, Vec<Item>)] {
    static PARSED: std::sync::OnceLock<Vec<(&str, &str, Vec<Item>)>> = std::sync::OnceLock::new();
    PARSED.get_or_init(|| {
        crate::stdlib::MODULES
            .iter()
            .map(|(name, text)| {
                let parsed = crate::syntax::parse_recovering(
                    FileId(0),
                    text,
                    &mut crate::diagnostic::Diagnostics::default(),
                );
                (*name, *text, parsed.items)
            })
            .collect()
    })
}

/// The value a stdlib `defaults` block gives `key` in the block at
/// `path` (keyword and first label of each block, outermost first), as
/// written in the module, and the module's name.
fn stdlib_default(path: &[(&str, Option<&str>)], key: &str) -> Option<(&'static str, String)> {
    let ((kind, label), inner) = path.split_first()?;
    for (module, text, items) in stdlib() {
        for d in items.iter().filter(|i| i.key.name == "defaults") {
            let ItemKind::Block { labels, items } = &d.kind else {
                continue;
            };
            let applies = labels.first().is_some_and(|l| l.name == *kind)
                && labels
                    .get(1)
                    .is_none_or(|l| Some(l.name.as_str()) == *label);
            if !applies {
                continue;
            }
            let mut items = items.as_slice();
            for (k, l) in inner {
                let Some(ItemKind::Block { items: next, .. }) = items
                    .iter()
                    .find(|i| {
                        i.key.name == *k
                            && matches!(&i.kind, ItemKind::Block { labels, .. }
                                if labels.first().map(|x| x.name.as_str()) == *l)
                    })
                    .map(|i| &i.kind)
                else {
                    return None;
                };
                items = next;
            }
            let value = items.iter().find_map(|i| match &i.kind {
                ItemKind::Attribute(v) if i.key.name == key => Some(v.span),
                _ => None,
            });
            if let Some(span) = value {
                return Some((module, text[span.range()].to_string()));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::super::Analysis;

    fn hover(text: &str, needle: &str) -> String {
        let a = Analysis::new(text.to_string());
        let at = text.find(needle).unwrap() + 1;
        a.hover(at).map(|h| h.markdown).unwrap_or_default()
    }

    #[test]
    fn keys_blocks_and_settings() {
        let spec = "import \"std/glance-api\"\nrelease \"ocata\"\nservice g {\n  port = 9393\n  op monitor { timeout = 3s }\n}\nkeystone { auth_url = \"http://k:5000/v3\" }\nconsumer nova { discovery = catalog }\n";
        let h = hover(spec, "port =");
        assert!(h.contains("a port number"), "{h}");
        assert!(
            h.contains("Default from `std/glance-api` (imported): `9292`"),
            "{h}"
        );
        assert!(h.contains("glance-api.conf `[DEFAULT] bind_port`"), "{h}");
        let h = hover(spec, "auth_url");
        // Queens renamed auth_uri: the spec's release has only the old name.
        assert!(
            h.contains("glance-api.conf `[keystone_authtoken] auth_uri`"),
            "{h}"
        );
        assert!(h.contains("~~glance-api.conf `[keystone_authtoken] www_authenticate_uri`~~ (not before queens)"), "{h}");
        let h = hover(spec, "discovery");
        assert!(h.contains("nova.conf"), "{h}");
        assert!(!h.contains("cinder.conf"), "{h}");
        assert!(hover(spec, "timeout").contains("a duration"));
        assert!(hover(spec, "op ").contains("**op** block"));
        assert!(hover(spec, "release").contains("2024.1"));
        assert!(hover(spec, "service").contains("Keys: agent, config, vip, mode, port"));
    }

    #[test]
    fn references_show_their_block() {
        let spec = "vip internal { address = 10.0.0.11/24 }\nservice g { vip = vip.internal }\n";
        let a = Analysis::new(spec.to_string());
        let at = spec.rfind("internal").unwrap();
        let h = a.hover(at).unwrap();
        assert_eq!(&spec[h.range.clone()], "vip.internal");
        assert!(
            h.markdown.contains("address = 10.0.0.11/24"),
            "{}",
            h.markdown
        );
    }
}
