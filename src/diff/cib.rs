//! The live Pacemaker configuration, read from a CIB in XML (`cibadmin -Q`
//! or `crm configure show xml`).

use super::xml::{self, Elem};
use crate::plan::Op;
use std::collections::BTreeMap;

/// A live primitive resource.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LivePrimitive {
    pub agent: String,
    pub params: Vec<(String, String)>,
    pub meta: Vec<(String, String)>,
    pub ops: Vec<Op>,
}

/// Attribute name and value pairs.
pub(crate) type Attrs = Vec<(String, String)>;

/// The live cluster configuration, by id.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct LiveCluster {
    pub primitives: BTreeMap<String, LivePrimitive>,
    /// Members and meta.
    pub groups: BTreeMap<String, (Vec<String>, Attrs)>,
    /// Cloned resource and meta.
    pub clones: BTreeMap<String, (String, Attrs)>,
    /// Resource, node (`None` for a rule) and score.
    pub locations: BTreeMap<String, (String, Option<String>, String)>,
    /// Resource, with-resource and score.
    pub colocations: BTreeMap<String, (String, String, String)>,
    /// First, then and kind.
    pub orders: BTreeMap<String, (String, String, String)>,
    pub properties: Vec<(String, String)>,
}

/// Reads the configuration of a CIB document.
pub(crate) fn read(text: &str) -> Result<LiveCluster, String> {
    let root = xml::parse(text)?;
    let conf = root
        .find("configuration")
        .ok_or("no <configuration> element")?;
    let mut live = LiveCluster::default();
    if let Some(cc) = conf.kids("crm_config").next() {
        for set in cc.kids("cluster_property_set") {
            live.properties.extend(nvpairs(set));
        }
    }
    if let Some(res) = conf.kids("resources").next() {
        for r in &res.children {
            resource(r, &mut live)?;
        }
    }
    if let Some(cons) = conf.kids("constraints").next() {
        for c in &cons.children {
            let id = c.attr("id").unwrap_or_default().to_string();
            let a = |n: &str| c.attr(n).unwrap_or_default().to_string();
            match c.name.as_str() {
                "rsc_location" => {
                    let node = c.attr("node").map(str::to_string);
                    live.locations.insert(id, (a("rsc"), node, a("score")));
                }
                "rsc_colocation" => {
                    live.colocations
                        .insert(id, (a("rsc"), a("with-rsc"), a("score")));
                }
                "rsc_order" => {
                    let kind = match (c.attr("kind"), c.attr("score")) {
                        (Some(k), _) => k.to_string(),
                        (None, Some(s)) if super::compare::score(s) != "INFINITY" => {
                            if s == "0" {
                                "Optional".into()
                            } else {
                                s.to_string()
                            }
                        }
                        _ => "Mandatory".into(),
                    };
                    live.orders.insert(id, (a("first"), a("then"), kind));
                }
                _ => {}
            }
        }
    }
    Ok(live)
}

fn nvpairs(set: &Elem) -> Vec<(String, String)> {
    set.kids("nvpair")
        .filter_map(|p| {
            Some((
                p.attr("name")?.to_string(),
                p.attr("value").unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn attributes(e: &Elem, which: &str) -> Vec<(String, String)> {
    e.kids(which).flat_map(nvpairs).collect()
}

fn resource(r: &Elem, live: &mut LiveCluster) -> Result<(), String> {
    let id = r
        .attr("id")
        .ok_or_else(|| format!("<{}> without id", r.name))?
        .to_string();
    match r.name.as_str() {
        "primitive" => {
            let class = r.attr("class").unwrap_or_default();
            let agent = match r.attr("provider") {
                Some(p) => format!("{class}:{p}:{}", r.attr("type").unwrap_or_default()),
                None => format!("{class}:{}", r.attr("type").unwrap_or_default()),
            };
            let ops = r
                .kids("operations")
                .flat_map(|o| o.kids("op"))
                .map(|o| Op {
                    name: o.attr("name").unwrap_or_default().to_string(),
                    interval: o.attr("interval").unwrap_or("0s").to_string(),
                    timeout: o.attr("timeout").map(str::to_string),
                })
                .collect();
            live.primitives.insert(
                id,
                super::cib::LivePrimitive {
                    agent,
                    params: attributes(r, "instance_attributes"),
                    meta: attributes(r, "meta_attributes"),
                    ops,
                },
            );
        }
        "group" => {
            let mut members = Vec::new();
            for p in r.kids("primitive") {
                members.push(p.attr("id").unwrap_or_default().to_string());
                resource(p, live)?;
            }
            live.groups
                .insert(id, (members, attributes(r, "meta_attributes")));
        }
        "clone" | "master" => {
            let inner = r
                .children
                .iter()
                .find(|c| c.name == "primitive" || c.name == "group");
            if let Some(inner) = inner {
                resource(inner, live)?;
                let rid = inner.attr("id").unwrap_or_default().to_string();
                live.clones
                    .insert(id, (rid, attributes(r, "meta_attributes")));
            }
        }
        _ => {}
    }
    Ok(())
}
