//! Semantic comparison of the plan's Pacemaker configuration and Keystone
//! catalog with the live ones. (The ini comparison is the merge in `ini`.)

use super::cib::{LiveCluster, LivePrimitive};
use super::{ChangeKind, EndpointChange, EndpointKind, PcmkChange, SENSITIVE};
use crate::plan::catalog::{reconcile, Action, LiveEndpoint, Policy};
use crate::plan::{Catalog, Op, Pacemaker, Primitive, Value};
use crate::secret::{is_sensitive_name, SecretValues};

/// A score in one spelling: `INFINITY`, `-INFINITY` or the number.
pub(crate) fn score(s: &str) -> String {
    match s.trim().trim_end_matches(':').to_ascii_lowercase().as_str() {
        "inf" | "+inf" | "infinity" | "+infinity" | "mandatory" => "INFINITY".into(),
        "-inf" | "-infinity" => "-INFINITY".into(),
        "optional" => "0".into(),
        other => other.to_string(),
    }
}

/// A duration in milliseconds, when it parses (`30s`, `30`, `1min`, `500ms`).
fn millis(s: &str) -> Option<u64> {
    let s = s.trim();
    let split = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u64 = s[..split].parse().ok()?;
    let unit = match s[split..].trim() {
        "" | "s" | "sec" => 1000,
        "ms" | "msec" => 1,
        "m" | "min" => 60_000,
        "h" | "hr" => 3_600_000,
        _ => return None,
    };
    Some(n * unit)
}

fn same_duration(a: &str, b: &str) -> bool {
    a == b || matches!((millis(a), millis(b)), (Some(x), Some(y)) if x == y)
}

/// A param value for a crm definition: secrets are never written, a
/// placeholder names them.
fn crm_param(v: &Value) -> String {
    crate::emit::crm::word(&v.render(&SecretValues::none()).text)
}

fn crm_primitive(p: &Primitive) -> String {
    let mut s = format!("primitive {} {}", p.id, p.agent);
    if !p.params.is_empty() {
        s.push_str(" params");
        for (k, v) in &p.params {
            s.push_str(&format!(" {k}={}", crm_param(v)));
        }
    }
    for op in &p.ops {
        s.push_str(&format!(" op {} interval={}", op.name, op.interval));
        if let Some(t) = &op.timeout {
            s.push_str(&format!(" timeout={t}"));
        }
    }
    push_meta(&mut s, &p.meta);
    s
}

fn push_meta(s: &mut String, meta: &[(String, String)]) {
    if !meta.is_empty() {
        s.push_str(" meta");
        for (k, v) in meta {
            s.push_str(&format!(" {k}={}", crate::emit::crm::word(v)));
        }
    }
}

/// Meta attributes Pacemaker tools set while operating a cluster; a live
/// value the plan does not mention is not a change.
const OPERATIONAL_META: [&str; 2] = ["target-role", "is-managed"];

fn diff_pairs(
    what: &str,
    plan: &[(String, String)],
    live: &[(String, String)],
    sensitive: &dyn Fn(&str) -> bool,
    ignore_extra: &[&str],
    out: &mut Vec<String>,
) {
    let shown = |k: &str, v: &str| {
        if sensitive(k) {
            SENSITIVE.to_string()
        } else {
            v.to_string()
        }
    };
    for (k, v) in plan {
        match live.iter().find(|(lk, _)| lk == k) {
            None => out.push(format!("{what} {k}: add {}", shown(k, v))),
            Some((_, lv)) if lv != v => {
                if sensitive(k) {
                    out.push(format!("{what} {k}: changed (sensitive)"));
                } else {
                    out.push(format!("{what} {k}: {lv} -> {v}"));
                }
            }
            Some(_) => {}
        }
    }
    for (k, lv) in live {
        if !plan.iter().any(|(pk, _)| pk == k) && !ignore_extra.contains(&k.as_str()) {
            out.push(format!("{what} {k}: remove {}", shown(k, lv)));
        }
    }
}

fn primitive_details(
    p: &Primitive,
    l: &LivePrimitive,
    secrets: &SecretValues,
    unknown: &mut Vec<String>,
) -> Vec<String> {
    let mut d = Vec::new();
    if l.agent != p.agent {
        d.push(format!("agent: {} -> {}", l.agent, p.agent));
    }
    // Params whose value is a secret not supplied cannot be compared.
    let mut known = Vec::new();
    for (k, v) in &p.params {
        let r = v.render(secrets);
        let all = r.complete();
        let text = r.text;
        if all {
            known.push((k.clone(), text));
        } else if let Some((_, _)) = l.params.iter().find(|(lk, _)| lk == k) {
            unknown.push(format!("param {k}: unknown (sensitive, not compared)"));
            known.push((
                k.clone(),
                l.params.iter().find(|(lk, _)| lk == k).unwrap().1.clone(),
            ));
        } else {
            d.push(format!("param {k}: add {SENSITIVE}"));
        }
    }
    let sens_keys: Vec<&str> = p
        .params
        .iter()
        .filter(|(_, v)| v.is_sensitive())
        .map(|(k, _)| k.as_str())
        .collect();
    let sensitive = |k: &str| is_sensitive_name(k) || sens_keys.contains(&k);
    let before = d.len();
    diff_pairs("param", &known, &l.params, &sensitive, &[], &mut d);
    // An added sensitive param without value is already listed above.
    let _ = before;
    diff_pairs(
        "meta",
        &p.meta,
        &l.meta,
        &|_| false,
        &OPERATIONAL_META,
        &mut d,
    );
    let op_key = |o: &Op| {
        (
            o.name.clone(),
            millis(&o.interval).unwrap_or(u64::MAX),
            o.interval.clone(),
        )
    };
    for op in &p.ops {
        let k = op_key(op);
        match l
            .ops
            .iter()
            .find(|lo| lo.name == op.name && same_duration(&lo.interval, &op.interval))
        {
            None => d.push(format!("op {} interval={}: add", op.name, op.interval)),
            Some(lo) => {
                let same_t = match (&lo.timeout, &op.timeout) {
                    (Some(a), Some(b)) => same_duration(a, b),
                    (None, None) => true,
                    _ => false,
                };
                if !same_t {
                    d.push(format!(
                        "op {} interval={}: timeout {} -> {}",
                        k.0,
                        op.interval,
                        lo.timeout.as_deref().unwrap_or("(none)"),
                        op.timeout.as_deref().unwrap_or("(none)")
                    ));
                }
            }
        }
    }
    for lo in &l.ops {
        if !p
            .ops
            .iter()
            .any(|o| o.name == lo.name && same_duration(&lo.interval, &o.interval))
        {
            d.push(format!("op {} interval={}: remove", lo.name, lo.interval));
        }
    }
    d
}

/// Compares the plan's cluster configuration with the live one, by id.
/// Live objects the plan does not name are not glha's and are left alone.
pub(crate) fn pacemaker(
    plan: &Pacemaker,
    live: &LiveCluster,
    secrets: &SecretValues,
) -> Vec<PcmkChange> {
    let mut out = Vec::new();
    let mut push = |object: &str,
                    id: &str,
                    details: Vec<String>,
                    exists: bool,
                    def: String,
                    unknown: Vec<String>| {
        let kind = if !exists {
            ChangeKind::Add
        } else if !details.is_empty() {
            ChangeKind::Change
        } else if !unknown.is_empty() {
            ChangeKind::Unknown
        } else {
            return;
        };
        let mut details = details;
        details.extend(unknown);
        let command = (kind != ChangeKind::Unknown).then_some(def);
        out.push(PcmkChange {
            kind,
            object: object.into(),
            id: id.into(),
            details,
            command,
        });
    };
    for p in &plan.primitives {
        let mut unknown = Vec::new();
        let (exists, details) = match live.primitives.get(&p.id) {
            None => (false, Vec::new()),
            Some(l) => (true, primitive_details(p, l, secrets, &mut unknown)),
        };
        push(
            "primitive",
            &p.id,
            details,
            exists,
            crm_primitive(p),
            unknown,
        );
    }
    for g in &plan.groups {
        let mut d = Vec::new();
        let l = live.groups.get(&g.id);
        if let Some((members, meta)) = l {
            if *members != g.members {
                d.push(format!(
                    "members: {} -> {}",
                    members.join(" "),
                    g.members.join(" ")
                ));
            }
            diff_pairs("meta", &g.meta, meta, &|_| false, &OPERATIONAL_META, &mut d);
        }
        let mut def = format!("group {} {}", g.id, g.members.join(" "));
        push_meta(&mut def, &g.meta);
        push("group", &g.id, d, l.is_some(), def, Vec::new());
    }
    for c in &plan.clones {
        let mut d = Vec::new();
        let l = live.clones.get(&c.id);
        if let Some((rsc, meta)) = l {
            if *rsc != c.resource {
                d.push(format!("resource: {rsc} -> {}", c.resource));
            }
            diff_pairs("meta", &c.meta, meta, &|_| false, &OPERATIONAL_META, &mut d);
        }
        let mut def = format!("clone {} {}", c.id, c.resource);
        push_meta(&mut def, &c.meta);
        push("clone", &c.id, d, l.is_some(), def, Vec::new());
    }
    for c in &plan.locations {
        let l = live.locations.get(&c.id);
        let mut d = Vec::new();
        if let Some((rsc, node, sc)) = l {
            let want = (c.resource.as_str(), Some(c.node.as_str()), score(&c.score));
            if (rsc.as_str(), node.as_deref(), score(sc)) != want {
                d.push(format!(
                    "{rsc} {}: {} -> {} {}: {}",
                    sc,
                    node.as_deref().unwrap_or("(rule)"),
                    c.resource,
                    c.score,
                    c.node
                ));
            }
        }
        let def = format!("location {} {} {}: {}", c.id, c.resource, c.score, c.node);
        push("location", &c.id, d, l.is_some(), def, Vec::new());
    }
    for c in &plan.colocations {
        let l = live.colocations.get(&c.id);
        let mut d = Vec::new();
        if let Some((rsc, with, sc)) = l {
            if *rsc != c.resource || *with != c.with || score(sc) != "INFINITY" {
                d.push(format!(
                    "{sc}: {rsc} {with} -> inf: {} {}",
                    c.resource, c.with
                ));
            }
        }
        let def = format!("colocation {} inf: {} {}", c.id, c.resource, c.with);
        push("colocation", &c.id, d, l.is_some(), def, Vec::new());
    }
    for o in &plan.orders {
        let l = live.orders.get(&o.id);
        let mut d = Vec::new();
        if let Some((first, then, kind)) = l {
            if *first != o.first || *then != o.then || score(kind) != "INFINITY" {
                d.push(format!(
                    "{kind}: {first} {then} -> Mandatory: {} {}",
                    o.first, o.then
                ));
            }
        }
        let def = format!("order {} Mandatory: {} {}", o.id, o.first, o.then);
        push("order", &o.id, d, l.is_some(), def, Vec::new());
    }
    for (k, v) in &plan.properties {
        let l = live.properties.iter().rev().find(|(lk, _)| lk == k);
        let d = match l {
            Some((_, lv)) if lv != v => vec![format!("{lv} -> {v}")],
            _ => Vec::new(),
        };
        push(
            "property",
            k,
            d,
            l.is_some(),
            format!("property {k}={}", crate::emit::crm::word(v)),
            Vec::new(),
        );
    }
    out
}

/// Compares the catalog with the live endpoint list by the one
/// reconciliation policy ([`crate::plan::catalog`]), as a reviewed plan
/// applies it (duplicates are deleted).
pub(crate) fn endpoints(cat: &Catalog, live: &[LiveEndpoint]) -> Vec<EndpointChange> {
    reconcile(cat, live, Policy::Reviewed)
        .into_iter()
        .map(|step| {
            let command = step.command(cat);
            let (kind, id, live_url) = match &step.action {
                Action::Create => (EndpointKind::Create, None, None),
                Action::Keep { id } => {
                    let url = live.iter().find(|e| &e.id == id).map(|e| e.url.clone());
                    (EndpointKind::Unchanged, Some(id.clone()), url)
                }
                Action::Update { id, live_url, .. } => (
                    EndpointKind::Update,
                    Some(id.clone()),
                    Some(live_url.clone()),
                ),
                Action::Delete { id, live_url } => (
                    EndpointKind::DeleteDuplicate,
                    Some(id.clone()),
                    Some(live_url.clone()),
                ),
                // Only the script's policy reports duplicates without
                // deciding.
                Action::Duplicates { .. } => (EndpointKind::Unchanged, None, None),
            };
            EndpointChange {
                interface: step.interface.to_string(),
                kind,
                id,
                live_url,
                url: step.url.to_string(),
                command,
            }
        })
        .collect()
}
