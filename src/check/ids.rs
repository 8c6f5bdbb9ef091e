//! Pacemaker ids: a spec's names must not give two objects one id.
//!
//! The ids themselves are made in [`crate::plan::ids`]; this only looks at
//! the list it gives for a spec and reports each collision once, at the
//! name that causes it.

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::Spec;
use crate::plan::ids::{self, Origin, SpecId};
use crate::source::Span;
use std::collections::{HashMap, HashSet};

/// The id table with what the checks look up in it, indexed: a spec may
/// have very many objects, and looking each one up in the whole table
/// would be quadratic.
struct Table<'a> {
    entries: &'a [SpecId],
    /// Each id's first entry.
    first: HashMap<&'a str, usize>,
    /// Where the names of locations come from.
    locations: HashSet<Span>,
}

impl<'a> Table<'a> {
    fn new(entries: &'a [SpecId]) -> Self {
        let mut first = HashMap::new();
        for (i, e) in entries.iter().enumerate() {
            first.entry(e.id.as_str()).or_insert(i);
        }
        let locations = entries
            .iter()
            .filter(|o| o.object == "location")
            .map(|o| o.from)
            .collect();
        Table {
            entries,
            first,
            locations,
        }
    }

    /// The first entry (in table order) whose id owns `id` as one of its
    /// inner ids (`OWNER-instance_attributes…`): its id is a prefix of
    /// `id` that ends before a `-`.
    fn owner_of(&self, id: &str) -> Option<&'a SpecId> {
        id.match_indices('-')
            .filter_map(|(at, _)| self.first.get(&id[..at]).copied())
            .filter(|&i| ids::is_reserved_by(id, &self.entries[i].id))
            .min()
            .map(|i| &self.entries[i])
    }
}

/// Reports ids given twice, fencing device names taken by an id crmsh gives
/// to the properties or to part of another object, and device names that
/// would make their location's id unreadable.
pub(crate) fn check(spec: &Spec, diags: &mut Diagnostics) {
    let entries = ids::of_spec(spec);
    let table = Table::new(&entries);
    // A device declared twice makes its location twice too: said once.
    let mut twice = HashSet::new();
    for (i, e) in entries.iter().enumerate() {
        let first = table.first[e.id.as_str()];
        if first < i {
            let first = &entries[first];
            if !twice.contains(&e.from) {
                diags.push(collision(first, e));
            }
            if (first.origin, e.origin) == (Origin::Given, Origin::Given) {
                twice.insert(e.from);
            }
            continue;
        }
        if e.origin == Origin::Given {
            if let Some(d) = given_name(e, &table) {
                diags.push(d);
            }
        }
    }
}

/// What is wrong with a name the spec gives as an id as is (a fencing
/// device's), other than being given twice.
fn given_name(e: &SpecId, table: &Table) -> Option<Diagnostic> {
    if ids::is_property_id(&e.id) {
        Some(
            Diagnostic::error(
                &codes::ID_COLLISION,
                e.from,
                format!(
                    "`{}` is the id crmsh and pcs give to the cluster's properties",
                    e.id
                ),
            )
            .help("rename the fencing device: its name is its Pacemaker id"),
        )
    } else if let Some(owner) = table.owner_of(&e.id) {
        Some(
            Diagnostic::error(
                &codes::ID_COLLISION,
                e.from,
                format!(
                    "`{}` is the id of an attribute set or operation inside `{}`, {}",
                    e.id, owner.id, owner.what
                ),
            )
            .help(format!(
                "rename the fencing device: its name is its Pacemaker id, and `{}-…` ids belong to `{}`",
                owner.id, owner.id
            )),
        )
    } else if e.id.contains(ids::AVOID) && table.locations.contains(&e.from) {
        Some(
            Diagnostic::error(
                &codes::ID_COLLISION,
                e.from,
                format!("fencing device `{}` has `{}` in its name", e.id, ids::AVOID),
            )
            .label(format!(
                "its location is `l_DEVICE{}NODE`, which could not be read back",
                ids::AVOID
            ))
            .help(format!(
                "rename the device without `{}`, e.g. `{}`",
                ids::AVOID,
                e.id.replace(ids::AVOID, "_")
            )),
        )
    } else {
        None
    }
}

/// Two entries with one id: the error goes to the name that was given as is
/// (it is the one to rename), else to the later name. Two devices with one
/// name are simply declared twice (E0003).
fn collision(first: &SpecId, second: &SpecId) -> Diagnostic {
    let (at, other) = if first.origin == Origin::Given && second.origin != Origin::Given {
        (first, second)
    } else {
        (second, first)
    };
    let id = &at.id;
    if at.origin == Origin::Given && other.origin == Origin::Given {
        return Diagnostic::error(
            &codes::DUPLICATE,
            at.from,
            format!("fencing device `{id}` is declared twice"),
        )
        .with_secondary(other.from, "first declared here")
        .help("rename one of the devices: a device's name is its Pacemaker id");
    }
    let (message, help) = match at.origin {
        Origin::Given => (
            format!(
                "fencing device `{id}` has the id glha gives to {}",
                other.what
            ),
            "rename the device: its name is its Pacemaker id as is; avoid glha's prefixes \
             p_, g_, cl_, l_, c_ and o_, e.g. `fence-controller1`"
                .to_string(),
        ),
        Origin::Generated => (
            format!(
                "this name makes the id `{id}` of {}, which {} has too",
                at.what, other.what
            ),
            "rename the service, VIP or device whose name is in the id, so that the ids differ"
                .to_string(),
        ),
    };
    let mut d = Diagnostic::error(&codes::ID_COLLISION, at.from, message).help(help);
    // `other` is generated here: a name given twice returned above.
    if other.from != at.from {
        d = d.with_secondary(other.from, format!("glha makes `{id}` from this name"));
    }
    d
}
