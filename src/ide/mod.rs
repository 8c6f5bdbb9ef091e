//! Editor support, as `glhac lsp` serves it: hover, completion,
//! go-to-definition and find-references over one spec's text, with byte
//! offsets (the server converts them to the editor's positions with
//! [`LineIndex`]). Diagnostics are the checker's own
//! ([`crate::check_text`]); what keys mean comes from [`crate::schema`].
//!
//! Everything here works on text that does not parse: the recovering
//! parser keeps what it could read, and completion looks at the text
//! around the cursor.

mod complete;
mod hover;
mod lines;
mod refs;

pub use complete::{Completion, CompletionKind};
pub use hover::Hover;
pub use lines::{LineIndex, Position};

use crate::diagnostic::Diagnostics;
use crate::release::Release;
use crate::schema::{self, Block};
use crate::source::FileId;
use crate::syntax::{Item, ItemKind};
use std::ops::Range;

/// One spec's text and its syntax tree.
#[derive(Debug)]
pub struct Analysis {
    text: String,
    items: Vec<Item>,
}

/// A block around the cursor: its item and its schema, if the schema
/// knows it.
#[derive(Debug, Clone, Copy)]
struct Enclosing<'a> {
    item: &'a Item,
    schema: Option<&'static Block>,
}

impl Analysis {
    /// Parses `text` (syntax errors are fine: what can be read is kept).
    pub fn new(text: String) -> Self {
        let items =
            crate::syntax::parse_recovering(FileId(0), &text, &mut Diagnostics::default()).items;
        Analysis { text, items }
    }

    /// The text analysed.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The release the spec names (the newest if none, or an unknown one).
    fn release(&self) -> Release {
        self.items
            .iter()
            .find_map(|i| match &i.kind {
                ItemKind::Directive(name, _) if i.key.name == "release" => Release::parse(name),
                _ => None,
            })
            .unwrap_or(Release::NEWEST)
    }

    /// Whether the spec imports the stdlib module `name`.
    fn imports(&self, name: &str) -> bool {
        self.items.iter().any(|i| {
            i.key.name == "import" && matches!(&i.kind, ItemKind::Directive(n, _) if n == name)
        })
    }

    /// The byte range between a block's `{` and its `}` (to the end of
    /// what was read, if the `}` is missing).
    fn body(&self, item: &Item) -> Option<Range<usize>> {
        let ItemKind::Block { labels, .. } = &item.kind else {
            return None;
        };
        let header_end = labels.last().map_or(item.key.span.end, |l| l.span.end) as usize;
        let end = item.span.end as usize;
        let brace = header_end + self.text.get(header_end..end)?.find('{')?;
        let close = if self.text[..end].ends_with('}') && end > brace + 1 {
            end - 1
        } else {
            end
        };
        Some(brace + 1..close)
    }

    /// The blocks around `offset`, outermost first, each with its schema.
    fn enclosing(&self, offset: usize) -> Vec<Enclosing<'_>> {
        let mut out: Vec<Enclosing> = Vec::new();
        let mut items = self.items.as_slice();
        let mut schema = Some(&schema::SPEC);
        loop {
            let inside = items.iter().find(|i| {
                self.body(i)
                    .is_some_and(|b| b.start <= offset && offset <= b.end)
            });
            let Some(item) = inside else {
                return out;
            };
            let ItemKind::Block {
                labels,
                items: inner,
            } = &item.kind
            else {
                return out;
            };
            schema = schema.and_then(|s| child_schema(s, &item.key.name, labels));
            out.push(Enclosing { item, schema });
            items = inner;
        }
    }

    /// The schema of the block holding `offset` (the spec's top level
    /// outside every block); `None` inside a block the schema does not know.
    fn block_at(&self, offset: usize) -> Option<&'static Block> {
        match self.enclosing(offset).last() {
            Some(e) => e.schema,
            None => Some(&schema::SPEC),
        }
    }
}

/// The schema of block `name` (with `labels`) inside `parent`. A module's
/// `defaults KIND` holds the keys of KIND, and its `agent` blocks are
/// agent descriptions, wherever the file is read.
fn child_schema(
    parent: &'static Block,
    name: &str,
    labels: &[crate::syntax::Ident],
) -> Option<&'static Block> {
    if std::ptr::eq(parent, &schema::SPEC) {
        match name {
            "defaults" => return labels.first().and_then(|l| schema::top_block(&l.name)),
            "agent" => return Some(&schema::AGENT_INFO),
            _ => {}
        }
    }
    parent.block(name)
}

/// Whether `c` can be part of a name or a reference (`vip.internal`).
fn is_word_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.')
}

impl Analysis {
    /// The `import` item that loads the module diagnostics call `name`
    /// (`std/glance-api`, or the path of a local module); the first
    /// `import` when none does (the module came in through another one).
    pub fn import_of(&self, name: &str) -> Option<Range<usize>> {
        let imports: Vec<(&String, Range<usize>)> = self
            .items
            .iter()
            .filter_map(|i| match &i.kind {
                ItemKind::Directive(arg, _) if i.key.name == "import" => {
                    Some((arg, i.span.range()))
                }
                _ => None,
            })
            .collect();
        imports
            .iter()
            .find(|(arg, _)| name == arg.as_str() || name.ends_with(&format!("{arg}.glha")))
            .or(imports.first())
            .map(|(_, r)| r.clone())
    }
}
