//! Semantic comparison of the plan's Pacemaker configuration with the live
//! one, both in the plan's model, object by object and by id. Live objects
//! the plan does not name are not glha's and are left alone. A changed or
//! missing object carries its crm definition, written by the same
//! serialiser as the bundle's script ([`crate::emit::crm`]).

use super::{ChangeKind, PcmkChange, SENSITIVE};
use crate::emit::crm;
use crate::plan::{Clone, Colocation, Group, Location, Op, Order, Pacemaker, Primitive, Value};
use crate::secret::{is_sensitive_name, SecretValues};

/// Meta attributes Pacemaker tools set while operating a cluster; a live
/// value the plan does not mention is not a change.
const OPERATIONAL_META: [&str; 2] = ["target-role", "is-managed"];

/// What comparing one object found.
#[derive(Default)]
struct Found {
    /// Known differences.
    details: Vec<String>,
    /// What could not be compared (a secret not supplied, a masked value).
    unknown: Vec<String>,
}

/// Compares the plan's cluster configuration with the live one.
pub(crate) fn compare(
    plan: &Pacemaker,
    live: &Pacemaker,
    secrets: &SecretValues,
) -> Vec<PcmkChange> {
    // Definitions never hold a secret value: a placeholder names it.
    let placeholders = SecretValues::none();
    let mut value = |v: &Value| v.render(&placeholders).text;
    let mut out = Vec::new();
    let mut object = |what: &str, id: &str, found: Option<Found>, def: String| {
        out.extend(change(what, id, live, found, def));
    };
    for p in &plan.primitives {
        let found = live
            .primitive(&p.id)
            .map(|l| primitive(p, l, live, secrets));
        object("primitive", &p.id, found, crm::primitive(p, &mut value));
    }
    for g in &plan.groups {
        let found = live.group(&g.id).map(|l| group(g, l));
        object("group", &g.id, found, crm::group(g));
    }
    for c in &plan.clones {
        let found = live.clone_of(&c.id).map(|l| clone(c, l));
        object("clone", &c.id, found, crm::clone(c));
    }
    for c in &plan.locations {
        let found = live.location(&c.id).map(|l| location(c, l));
        object("location", &c.id, found, crm::location(c));
    }
    for c in &plan.colocations {
        let found = live.colocation(&c.id).map(|l| colocation(c, l));
        object("colocation", &c.id, found, crm::colocation(c));
    }
    for o in &plan.orders {
        let found = live.order(&o.id).map(|l| order(o, l));
        object("order", &o.id, found, crm::order(o));
    }
    for (k, v) in &plan.properties {
        let found = live.property(k).map(|lv| Found {
            details: (lv != v)
                .then(|| format!("{lv} -> {v}"))
                .into_iter()
                .collect(),
            unknown: Vec::new(),
        });
        object(
            "property",
            k,
            found,
            crm::properties(&[(k.clone(), v.clone())]),
        );
    }
    out
}

/// The change for one object, if any: added when nothing live has its id;
/// changed when it differs, when the live object has more than glha can
/// compare, or when the id belongs to another kind of object; unknown when
/// only values that could not be compared remain.
fn change(
    object: &str,
    id: &str,
    live: &Pacemaker,
    found: Option<Found>,
    def: String,
) -> Option<PcmkChange> {
    // Properties are not objects with ids: only their value counts.
    let live_kind = match object {
        "property" => found.as_ref().map(|_| object),
        _ => live.kind_of(id),
    };
    let mut found = match (found, live_kind) {
        (_, None) => {
            return Some(PcmkChange {
                kind: ChangeKind::Add,
                object: object.into(),
                id: id.into(),
                details: Vec::new(),
                command: Some(def),
            })
        }
        (Some(f), _) => f,
        (None, Some(kind)) if kind != object => Found {
            details: vec![format!("live `{id}` is a {kind}, not a {object}")],
            unknown: Vec::new(),
        },
        (None, Some(_)) => Found::default(),
    };
    if object != "property" {
        found.details.extend(
            live.unmodelled(id)
                .map(|u| format!("live has {}: glha replaces it", u.what)),
        );
    }
    let kind = if !found.details.is_empty() {
        ChangeKind::Change
    } else if !found.unknown.is_empty() {
        ChangeKind::Unknown
    } else {
        return None;
    };
    let mut details = found.details;
    details.extend(found.unknown);
    Some(PcmkChange {
        kind,
        object: object.into(),
        id: id.into(),
        details,
        command: (kind != ChangeKind::Unknown).then_some(def),
    })
}

/// Differences of two lists of pairs (meta attributes), live keys in
/// `ignore_extra` aside.
fn diff_pairs(
    what: &str,
    plan: &[(String, String)],
    live: &[(String, String)],
    ignore_extra: &[&str],
    out: &mut Vec<String>,
) {
    for (k, v) in plan {
        match live.iter().find(|(lk, _)| lk == k) {
            None => out.push(format!("{what} {k}: add {v}")),
            Some((_, lv)) if lv != v => out.push(format!("{what} {k}: {lv} -> {v}")),
            Some(_) => {}
        }
    }
    for (k, lv) in live {
        if !plan.iter().any(|(pk, _)| pk == k) && !ignore_extra.contains(&k.as_str()) {
            out.push(format!("{what} {k}: remove {lv}"));
        }
    }
}

fn primitive(p: &Primitive, l: &Primitive, live: &Pacemaker, secrets: &SecretValues) -> Found {
    let mut f = Found::default();
    if l.agent != p.agent {
        f.details.push(format!("agent: {} -> {}", l.agent, p.agent));
    }
    params(p, l, live, secrets, &mut f);
    diff_pairs("meta", &p.meta, &l.meta, &OPERATIONAL_META, &mut f.details);
    ops(&p.ops, &l.ops, &mut f.details);
    f
}

/// Params by name. A value is never shown when the plan's is a secret or
/// the name says it holds one; one that cannot be compared (its secret not
/// supplied, or hidden by the live source) is unknown, not a change.
fn params(p: &Primitive, l: &Primitive, live: &Pacemaker, secrets: &SecretValues, f: &mut Found) {
    let live_value = |k: &str| {
        l.params
            .iter()
            .find(|(lk, _)| lk == k)
            .map(|(_, v)| match v {
                Value::Plain(s) => s.clone(),
                other => other.render(&SecretValues::none()).text,
            })
    };
    for (k, v) in &p.params {
        let r = v.render(secrets);
        let known = r.complete();
        let text = r.text;
        let sensitive = v.is_sensitive() || is_sensitive_name(k);
        let shown = |s: &str| {
            if sensitive {
                SENSITIVE.to_string()
            } else {
                s.to_string()
            }
        };
        match live_value(k) {
            None => f.details.push(format!(
                "param {k}: add {}",
                if known { shown(&text) } else { SENSITIVE.to_string() }
            )),
            Some(_) if live.is_masked(&l.id, k) => f.unknown.push(format!(
                "param {k}: unknown (the live source hides its value; give `cibadmin -Q` XML to compare it)"
            )),
            Some(_) if !known => {
                f.unknown
                    .push(format!("param {k}: unknown (sensitive, not compared)"));
            }
            Some(lv) if lv != text => {
                if sensitive {
                    f.details.push(format!("param {k}: changed (sensitive)"));
                } else {
                    f.details.push(format!("param {k}: {lv} -> {text}"));
                }
            }
            Some(_) => {}
        }
    }
    for (k, _) in &l.params {
        if p.params.iter().any(|(pk, _)| pk == k) {
            continue;
        }
        let hidden = is_sensitive_name(k) || live.is_masked(&l.id, k);
        let lv = if hidden {
            SENSITIVE.to_string()
        } else {
            live_value(k).unwrap_or_default()
        };
        f.details.push(format!("param {k}: remove {lv}"));
    }
}

/// Operations by name and interval (`1min` and `60s` are one interval).
fn ops(plan: &[Op], live: &[Op], out: &mut Vec<String>) {
    let timeout =
        |t: Option<crate::plan::Duration>| t.map_or("(none)".to_string(), |t| t.to_string());
    for op in plan {
        match live
            .iter()
            .find(|lo| lo.name == op.name && lo.interval == op.interval)
        {
            None => out.push(format!("op {} interval={}: add", op.name, op.interval)),
            Some(lo) if lo.timeout != op.timeout => out.push(format!(
                "op {} interval={}: timeout {} -> {}",
                op.name,
                op.interval,
                timeout(lo.timeout),
                timeout(op.timeout)
            )),
            Some(_) => {}
        }
    }
    for lo in live {
        if !plan
            .iter()
            .any(|o| o.name == lo.name && o.interval == lo.interval)
        {
            out.push(format!("op {} interval={}: remove", lo.name, lo.interval));
        }
    }
}

fn group(g: &Group, l: &Group) -> Found {
    let mut f = Found::default();
    if l.members != g.members {
        f.details.push(format!(
            "members: {} -> {}",
            l.members.join(" "),
            g.members.join(" ")
        ));
    }
    diff_pairs("meta", &g.meta, &l.meta, &OPERATIONAL_META, &mut f.details);
    f
}

fn clone(c: &Clone, l: &Clone) -> Found {
    let mut f = Found::default();
    if l.resource != c.resource {
        f.details
            .push(format!("resource: {} -> {}", l.resource, c.resource));
    }
    diff_pairs("meta", &c.meta, &l.meta, &OPERATIONAL_META, &mut f.details);
    f
}

fn location(c: &Location, l: &Location) -> Found {
    let mut f = Found::default();
    if (&l.resource, &l.node, l.score) != (&c.resource, &c.node, c.score) {
        f.details.push(format!(
            "{} {}: {} -> {} {}: {}",
            l.resource, l.score, l.node, c.resource, c.score, c.node
        ));
    }
    f
}

fn colocation(c: &Colocation, l: &Colocation) -> Found {
    let mut f = Found::default();
    if (&l.resource, &l.with, l.score) != (&c.resource, &c.with, c.score) {
        f.details.push(format!(
            "{}: {} {} -> {}: {} {}",
            l.score.crm(),
            l.resource,
            l.with,
            c.score.crm(),
            c.resource,
            c.with
        ));
    }
    f
}

fn order(o: &Order, l: &Order) -> Found {
    let mut f = Found::default();
    if (&l.first, &l.then, l.kind) != (&o.first, &o.then, o.kind) {
        f.details.push(format!(
            "{}: {} {} -> {}: {} {}",
            l.kind, l.first, l.then, o.kind, o.first, o.then
        ));
    }
    f
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::{cib, testplan, SecretMode};

    /// The seed test plan as a live CIB, edited by `edit`, compared with
    /// the plan.
    fn compare_edited(edit: impl Fn(String) -> String) -> Vec<PcmkChange> {
        let plan = testplan::seed();
        let xml = cib::candidate("<cib/>", &plan, &SecretMode::Placeholder).unwrap();
        let live = super::super::cib::read(&edit(xml)).unwrap();
        compare(&plan.pacemaker, &live, &SecretValues::none())
    }

    #[test]
    fn the_plan_as_its_own_cib_has_no_known_changes() {
        let changes = compare_edited(|x| x);
        assert!(
            changes.iter().all(|c| c.kind == ChangeKind::Unknown),
            "{changes:#?}"
        );
    }

    #[test]
    fn an_absurd_interval_is_a_change_with_a_reason() {
        let changes = compare_edited(|x| {
            x.replace(
                r#"name="monitor" interval="30s" timeout="30s""#,
                r#"name="monitor" interval="9999999999999999h" timeout="30s""#,
            )
        });
        let c = changes.iter().find(|c| c.id == "p_glance-api").unwrap();
        assert_eq!(c.kind, ChangeKind::Change);
        assert!(
            c.details
                .iter()
                .any(|d| d.contains("interval=9999999999999999h")
                    && d.contains("longer than Pacemaker can hold")),
            "{c:#?}"
        );
        assert!(c
            .command
            .as_deref()
            .unwrap()
            .starts_with("primitive p_glance-api"));
    }

    #[test]
    fn another_kind_of_object_with_the_id_is_a_change() {
        let changes = compare_edited(|x| {
            x.replace(
                r#"<group id="g_glance-api">"#,
                r#"<clone id="g_glance-api">"#,
            )
            .replace("</group>", "</clone>")
        });
        let c = changes.iter().find(|c| c.id == "g_glance-api").unwrap();
        assert_eq!(c.kind, ChangeKind::Change);
        assert_eq!(c.details, ["live `g_glance-api` is a clone, not a group"]);
    }
}
