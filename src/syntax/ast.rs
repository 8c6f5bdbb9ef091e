//! The syntax tree. It is generic (attributes, directives, blocks); what a
//! key means is decided by the checker.

use crate::source::Span;
use std::sync::Arc;

/// A name with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ident {
    /// The text.
    pub name: String,
    /// Where it was written.
    pub span: Span,
}

/// One line of a spec: an attribute, a directive or a block.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The leading keyword (`vip`, `address`, `release`).
    pub key: Ident,
    /// What follows it.
    pub kind: ItemKind,
    /// The whole item.
    pub span: Span,
    /// A block whose contents a syntax error cut short: an item inside it
    /// could not be read, or its `}` is missing. Nothing can be concluded
    /// from what it lacks, so the checker reports nothing as missing from
    /// it. Always false for attributes and directives: a syntax error in
    /// one of those drops it, and marks the block around it instead.
    pub incomplete: bool,
}

/// The three shapes of an item.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// `key = value`
    Attribute(Value),
    /// `key "text"`
    Directive(String, Span),
    /// `key label… { items }`
    Block {
        /// The labels between the keyword and the brace.
        labels: Vec<Ident>,
        /// The contents.
        items: Vec<Item>,
    },
}

/// A value with its place.
#[derive(Debug, Clone, PartialEq)]
pub struct Value {
    /// What it is.
    pub kind: ValueKind,
    /// Where it was written.
    pub span: Span,
}

/// The kinds of value.
#[derive(Debug, Clone, PartialEq)]
pub enum ValueKind {
    /// `"text"`, escapes decoded.
    Str(String),
    /// `9292`
    Int(u64),
    /// A number too large for any setting, as written.
    Huge(String),
    /// `30s`, in milliseconds.
    Duration(u64),
    /// `10.0.0.11/24`: the text of the address (not yet validated) and the
    /// prefix with its span.
    Address {
        /// The address as written.
        addr: String,
        /// The prefix length, if given.
        prefix: Option<(u32, Span)>,
    },
    /// `[a, b]`
    List(Vec<Value>),
    /// `secret env "NAME"` or `secret file "/path"`.
    Secret {
        /// `env` or `file`.
        source: String,
        /// The variable name or path.
        name: String,
    },
    /// `ocf "openstack" "glance-api"`, `systemd "glance-api"`, `stonith "fence_ipmilan"`.
    Agent {
        /// `ocf`, `systemd`, `lsb` or `stonith`.
        class: String,
        /// One or two strings (provider and type for ocf).
        parts: Vec<String>,
    },
    /// `waived "reason"`. Shared, not copied, with the checked spec and the
    /// plan: a reason can be as long as the spec.
    Waiver(Arc<String>),
    /// `external "how"`: something the spec relies on that is set up
    /// outside it (a store shared by a file system the nodes mount
    /// themselves). Shared as [`ValueKind::Waiver`] is.
    External(Arc<String>),
    /// `vip.internal` (several parts) or a bare word such as `true` (one part).
    Ref(Vec<Ident>),
}

impl ValueKind {
    /// A short description for "expected X, found Y" messages.
    pub fn describe(&self) -> &'static str {
        match self {
            ValueKind::Str(_) => "a string",
            ValueKind::Int(_) | ValueKind::Huge(_) => "a number",
            ValueKind::Duration(_) => "a duration",
            ValueKind::Address { .. } => "an address",
            ValueKind::List(_) => "a list",
            ValueKind::Secret { .. } => "a secret",
            ValueKind::Agent { .. } => "an agent",
            ValueKind::Waiver(_) => "a waiver",
            ValueKind::External(_) => "an external declaration",
            ValueKind::Ref(parts) if parts.len() == 1 => "a word",
            ValueKind::Ref(_) => "a reference",
        }
    }
}
