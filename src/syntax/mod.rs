//! Phase 1, parse: `.glha` text to an owned syntax tree with spans.

mod ast;
mod parser;

pub use ast::{Ident, Item, ItemKind, Value, ValueKind};
pub use parser::parse;
