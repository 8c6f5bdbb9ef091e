//! Pacemaker ids: a spec's names must not give two objects one id.
//!
//! The ids themselves are made in [`crate::plan::ids`]; this only looks at
//! the list it gives for a spec and reports each collision once, at the
//! name that causes it.

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::Spec;
use crate::plan::ids::{self, Origin, SpecId};

/// Reports ids given twice, fencing device names taken by an id crmsh gives
/// to the properties or to part of another object, and device names that
/// would make their location's id unreadable.
pub(crate) fn check(spec: &Spec, diags: &mut Diagnostics) {
    let table = ids::of_spec(spec);
    // A device declared twice makes its location twice too: said once.
    let mut twice = Vec::new();
    for (i, e) in table.iter().enumerate() {
        if let Some(first) = table[..i].iter().find(|f| f.id == e.id) {
            if !twice.contains(&e.from) {
                diags.push(collision(first, e));
            }
            if (first.origin, e.origin) == (Origin::Given, Origin::Given) {
                twice.push(e.from);
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
fn given_name(e: &SpecId, table: &[SpecId]) -> Option<Diagnostic> {
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
    } else if let Some(owner) = table
        .iter()
        .find(|o| o.id != e.id && ids::is_reserved_by(&e.id, &o.id))
    {
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
    } else if e.id.contains(ids::AVOID)
        && table
            .iter()
            .any(|o| o.object == "location" && o.from == e.from)
    {
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
