//! The plan's Pacemaker objects as CIB XML: each object as the element
//! Pacemaker stores, with the ids crmsh gives to its attribute sets, pairs
//! and operations ([`crate::plan::ids`]), so that loading this XML and
//! loading the crm script give the same CIB.
//!
//! [`candidate`] puts them into a live CIB document (added, or replacing
//! the live object with the same id): the configuration as it would be
//! after the bundle is applied, for tools that simulate or verify it.

use super::{FileSecrets, SecretMode, Secrets};
use crate::plan::{
    ids, Clone, Colocation, Group, Location, Op, Order, Pacemaker, Plan, Primitive, Value,
};
use crate::xml::{self, Elem};
use std::collections::BTreeSet;

/// Why a CIB could not be made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CibError {
    /// The live document could not be read.
    Live(String),
    /// The plan's objects do not nest (a member defined nowhere, or in two
    /// places).
    Plan(String),
    /// The result would hold an id twice.
    DuplicateId(String),
    /// A secret cannot be read or written (by id, never by value).
    Secrets(Vec<crate::secret::SecretError>),
}

impl std::fmt::Display for CibError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CibError::Live(m) => write!(f, "cannot read the live CIB: {m}"),
            CibError::Plan(m) => write!(f, "the plan's resources do not nest: {m}"),
            CibError::DuplicateId(id) => write!(f, "the CIB would hold the id `{id}` twice"),
            CibError::Secrets(errors) => {
                let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
                write!(f, "{}", all.join("; "))
            }
        }
    }
}

impl std::error::Error for CibError {}

/// An attribute set (`instance_attributes`, `meta_attributes`) of object
/// `owner`, or `None` when there are no pairs.
fn attribute_set(kind: &str, set_id: String, pairs: &[(String, String)]) -> Option<Elem> {
    if pairs.is_empty() {
        return None;
    }
    let mut set = Elem::new(kind).with("id", set_id.clone());
    for (k, v) in pairs {
        set.children.push(
            Elem::new("nvpair")
                .with("name", k.clone())
                .with("value", v.clone())
                .with("id", ids::nvpair(&set_id, k)),
        );
    }
    Some(set)
}

fn meta(owner: &str, pairs: &[(String, String)]) -> Option<Elem> {
    attribute_set("meta_attributes", ids::meta_attributes(owner), pairs)
}

fn op(rsc: &str, o: &Op) -> Elem {
    let mut e = Elem::new("op")
        .with("name", o.name.clone())
        .with("interval", o.interval.to_string());
    if let Some(t) = o.timeout {
        e = e.with("timeout", t.to_string());
    }
    e.with("id", ids::op(rsc, &o.name, o.interval))
}

/// A primitive; `value` writes each param's value (a secret as its value
/// or a placeholder).
pub fn primitive(p: &Primitive, value: &mut dyn FnMut(&Value) -> String) -> Elem {
    let mut e = Elem::new("primitive")
        .with("id", p.id.clone())
        .with("class", p.agent.class.as_str());
    if let Some(provider) = &p.agent.provider {
        e = e.with("provider", provider.clone());
    }
    e = e.with("type", p.agent.kind.clone());
    let params: Vec<(String, String)> = p
        .params
        .iter()
        .map(|(k, v)| (k.clone(), value(v)))
        .collect();
    e.children.extend(attribute_set(
        "instance_attributes",
        ids::instance_attributes(&p.id),
        &params,
    ));
    e.children.extend(meta(&p.id, &p.meta));
    if !p.ops.is_empty() {
        let mut ops = Elem::new("operations");
        ops.children.extend(p.ops.iter().map(|o| op(&p.id, o)));
        e.children.push(ops);
    }
    e
}

/// A group holding `members` (the members' own elements, in order).
pub fn group(g: &Group, members: Vec<Elem>) -> Elem {
    let mut e = Elem::new("group").with("id", g.id.clone());
    e.children.extend(meta(&g.id, &g.meta));
    e.children.extend(members);
    e
}

/// A clone of `inner` (the cloned resource's own element).
pub fn clone(c: &Clone, inner: Elem) -> Elem {
    let mut e = Elem::new("clone").with("id", c.id.clone());
    e.children.extend(meta(&c.id, &c.meta));
    e.children.push(inner);
    e
}

/// A location constraint.
pub fn location(l: &Location) -> Elem {
    Elem::new("rsc_location")
        .with("id", l.id.clone())
        .with("rsc", l.resource.clone())
        .with("score", l.score.to_string())
        .with("node", l.node.clone())
}

/// A colocation constraint.
pub fn colocation(c: &Colocation) -> Elem {
    Elem::new("rsc_colocation")
        .with("id", c.id.clone())
        .with("score", c.score.to_string())
        .with("rsc", c.resource.clone())
        .with("with-rsc", c.with.clone())
}

/// An order constraint.
pub fn order(o: &Order) -> Elem {
    Elem::new("rsc_order")
        .with("id", o.id.clone())
        .with("kind", o.kind.as_str())
        .with("first", o.first.clone())
        .with("then", o.then.clone())
}

/// The cluster properties, as the property set crmsh and pcs write to.
pub fn properties(pairs: &[(String, String)]) -> Option<Elem> {
    attribute_set("cluster_property_set", ids::PROPERTY_SET.into(), pairs)
}

/// The top-level resource elements, nested as the plan says: primitives
/// that are in no group or clone, then groups in no clone, then clones, as
/// crmsh orders them.
pub fn resources(
    pm: &Pacemaker,
    value: &mut dyn FnMut(&Value) -> String,
) -> Result<Vec<Elem>, CibError> {
    let mut prims: Vec<Option<Elem>> = pm
        .primitives
        .iter()
        .map(|p| Some(primitive(p, value)))
        .collect();
    let mut take_primitive = |id: &str, by: &str| -> Result<Elem, CibError> {
        let i = pm.primitives.iter().position(|p| p.id == id);
        i.and_then(|i| prims[i].take()).ok_or_else(|| {
            CibError::Plan(format!(
                "`{by}` holds `{id}`, which is not a free primitive"
            ))
        })
    };
    let mut groups: Vec<Option<Elem>> = Vec::new();
    for g in &pm.groups {
        let members = g
            .members
            .iter()
            .map(|m| take_primitive(m, &g.id))
            .collect::<Result<Vec<_>, _>>()?;
        groups.push(Some(group(g, members)));
    }
    let mut clones = Vec::new();
    for c in &pm.clones {
        let inner = match pm.groups.iter().position(|g| g.id == c.resource) {
            Some(i) => groups[i]
                .take()
                .ok_or_else(|| CibError::Plan(format!("`{}` is cloned twice", c.resource)))?,
            None => take_primitive(&c.resource, &c.id)?,
        };
        clones.push(clone(c, inner));
    }
    Ok(prims
        .into_iter()
        .flatten()
        .chain(groups.into_iter().flatten())
        .chain(clones)
        .collect())
}

/// The constraint elements: locations, colocations, orders.
pub fn constraints(pm: &Pacemaker) -> Vec<Elem> {
    pm.locations
        .iter()
        .map(location)
        .chain(pm.colocations.iter().map(colocation))
        .chain(pm.orders.iter().map(order))
        .collect()
}

/// The plan's objects by CIB section, as [`candidate`] and a loader
/// (`cibadmin --create -o SECTION`) put them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sections {
    /// The property set for `crm_config`, if there are properties.
    pub crm_config: Option<Elem>,
    /// The top-level elements for `resources`.
    pub resources: Vec<Elem>,
    /// The elements for `constraints`.
    pub constraints: Vec<Elem>,
}

/// The plan's Pacemaker objects as XML, secrets written as `secrets` says.
pub fn sections(plan: &Plan, secrets: &SecretMode) -> Result<Sections, CibError> {
    let pm = &plan.pacemaker;
    let values = super::secret_values(plan, secrets).map_err(CibError::Secrets)?;
    let problems = crate::secret::check_values(plan, &values);
    if !problems.is_empty() {
        return Err(CibError::Secrets(problems));
    }
    let render = Secrets::new(&values);
    let mut acc = FileSecrets::default();
    Ok(Sections {
        crm_config: properties(&pm.properties),
        resources: resources(pm, &mut |v| render.render(v, &mut acc))?,
        constraints: constraints(pm),
    })
}

/// `live` (a whole CIB document, `cibadmin -Q`) with the plan's objects
/// added, or replacing the live ones with their ids, and its properties
/// set. A live primitive the plan leaves out of a group or clone it
/// replaces stays, at the top level (as `crm configure load update` leaves
/// it); a group or clone emptied that way goes. Secrets are written as
/// `secrets` says (placeholders by default: values do not matter to a
/// simulation).
pub fn candidate(live: &str, plan: &Plan, secrets: &SecretMode) -> Result<String, CibError> {
    let pm = &plan.pacemaker;
    let mut root = xml::parse(live).map_err(CibError::Live)?;
    if root.name != "cib" {
        return Err(CibError::Live(format!(
            "the root element is <{}>, not <cib>",
            root.name
        )));
    }
    let new = sections(plan, secrets)?;
    let conf = section(&mut root, "configuration");
    let planned: BTreeSet<&str> = pm.objects().into_iter().map(|(_, id)| id).collect();

    let res = section(conf, "resources");
    let kept = replace_resources(std::mem::take(&mut res.children), &planned);
    res.children = kept;
    res.children.extend(new.resources);

    let cons = section(conf, "constraints");
    cons.children
        .retain(|c| !c.attr("id").is_some_and(|id| planned.contains(id)));
    cons.children.extend(new.constraints);

    if let Some(props) = new.crm_config {
        set_properties(section(conf, "crm_config"), props);
    }
    // Ids are unique within the configuration; the status section repeats
    // them by design (a node's id in <node_state>, a resource's in
    // <lrm_resource>).
    let conf = root.kids("configuration").next().expect("made above");
    if let Some(id) = duplicate_id(conf) {
        return Err(CibError::DuplicateId(id));
    }
    Ok(root.to_xml())
}

/// The child `name` of `parent`, made if missing.
fn section<'a>(parent: &'a mut Elem, name: &str) -> &'a mut Elem {
    let i = match parent.children.iter().position(|c| c.name == name) {
        Some(i) => i,
        None => {
            parent.children.push(Elem::new(name));
            parent.children.len() - 1
        }
    };
    &mut parent.children[i]
}

/// Live resources without the planned ids. The content of a dropped group
/// or clone that the plan does not name moves to the top level.
fn replace_resources(live: Vec<Elem>, planned: &BTreeSet<&str>) -> Vec<Elem> {
    const CONTAINERS: &[&str] = &["group", "clone", "master"];
    let mut out = Vec::new();
    let mut loose = Vec::new();
    for mut e in live {
        let dropped = e.attr("id").is_some_and(|id| planned.contains(id));
        if !CONTAINERS.contains(&e.name.as_str()) {
            if !dropped {
                out.push(e);
            }
            continue;
        }
        let (resources, rest): (Vec<Elem>, Vec<Elem>) = std::mem::take(&mut e.children)
            .into_iter()
            .partition(|c| matches!(c.name.as_str(), "primitive" | "group"));
        let inner = replace_resources(resources, planned);
        if dropped {
            loose.extend(inner);
        } else if !inner.is_empty() {
            e.children = rest;
            e.children.extend(inner);
            out.push(e);
        }
    }
    out.extend(loose);
    out
}

/// Sets each property in crmsh's property set (made if missing),
/// replacing a pair with the same name there.
fn set_properties(crm_config: &mut Elem, props: Elem) {
    let set =
        match crm_config.children.iter().position(|c| {
            c.name == "cluster_property_set" && c.attr("id") == Some(ids::PROPERTY_SET)
        }) {
            Some(i) => &mut crm_config.children[i],
            None => {
                crm_config.children.insert(
                    0,
                    Elem::new("cluster_property_set").with("id", ids::PROPERTY_SET),
                );
                &mut crm_config.children[0]
            }
        };
    let mut props = props;
    for pair in std::mem::take(&mut props.children) {
        set.children
            .retain(|p| p.name != "nvpair" || p.attr("name") != pair.attr("name"));
        set.children.push(pair);
    }
}

/// The first id that two elements of `conf` share.
fn duplicate_id(conf: &Elem) -> Option<String> {
    let mut seen = BTreeSet::new();
    let mut stack = vec![conf];
    while let Some(e) = stack.pop() {
        if let Some(id) = e.attr("id") {
            if !seen.insert(id.to_string()) {
                return Some(id.to_string());
            }
        }
        stack.extend(e.children.iter());
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::emit::testplan::{cloned, seed};

    fn placeholders(plan: &Plan) -> Vec<Elem> {
        let values = crate::secret::SecretValues::literals(&plan.secrets);
        let render = Secrets::new(&values);
        let mut acc = FileSecrets::default();
        resources(&plan.pacemaker, &mut |v| render.render(v, &mut acc)).unwrap()
    }

    #[test]
    fn resources_nest_as_crmsh_writes_them() {
        let plan = seed();
        let top = placeholders(&plan);
        let names: Vec<(&str, Option<&str>)> = top
            .iter()
            .map(|e| (e.name.as_str(), e.attr("id")))
            .collect();
        assert_eq!(
            names,
            [
                ("primitive", Some("st_controller1")),
                ("group", Some("g_glance-api"))
            ]
        );
        let st = top[0].to_xml();
        assert!(st.contains(r#"<nvpair name="password" value="&lt;&lt;glha-secret:ipmi.password&gt;&gt;" id="st_controller1-instance_attributes-password"/>"#), "{st}");
        let xml = top[1].to_xml();
        assert!(
            xml.contains(
                r#"<op name="monitor" interval="30s" timeout="30s" id="p_glance-api-monitor-30s"/>"#
            ),
            "{xml}"
        );
        let c = cloned();
        let top = placeholders(&c);
        assert_eq!(top.last().unwrap().attr("id"), Some("cl_glance-api"));
        assert_eq!(
            top.last().unwrap().children[1].attr("id"),
            Some("p_glance-api")
        );
    }

    #[test]
    fn a_plan_that_does_not_nest_is_an_error() {
        let mut plan = seed();
        plan.pacemaker.groups[0].members.push("p_missing".into());
        let values = crate::secret::SecretValues::literals(&plan.secrets);
        let render = Secrets::new(&values);
        let mut acc = FileSecrets::default();
        let err = resources(&plan.pacemaker, &mut |v| render.render(v, &mut acc)).unwrap_err();
        assert!(err.to_string().contains("p_missing"), "{err}");
    }

    #[test]
    fn candidate_replaces_by_id_and_keeps_the_rest() {
        let live = r#"<cib><configuration><crm_config/><nodes/><resources>
            <primitive id="st-null" class="stonith" type="null"/>
            <group id="g_glance-api">
              <primitive id="p_extra" class="ocf" provider="heartbeat" type="Dummy"/>
              <primitive id="p_glance-api" class="ocf" provider="heartbeat" type="Dummy"/>
            </group>
            <group id="g_other"><primitive id="p_ip_glance-api" class="ocf" provider="heartbeat" type="IPaddr2"/></group>
          </resources><constraints>
            <rsc_location id="l_st_controller1" rsc="x" node="n" score="0"/>
            <rsc_location id="l_keep" rsc="x" node="n" score="0"/>
          </constraints></configuration><status/></cib>"#;
        let plan = seed();
        let out = candidate(live, &plan, &SecretMode::Placeholder).unwrap();
        let doc = xml::parse(&out).unwrap();
        let res = doc.find("resources").unwrap();
        let ids: Vec<&str> = res.children.iter().filter_map(|c| c.attr("id")).collect();
        assert_eq!(
            ids,
            ["st-null", "p_extra", "st_controller1", "g_glance-api"]
        );
        let cons: Vec<&str> = doc
            .find("constraints")
            .unwrap()
            .children
            .iter()
            .filter_map(|c| c.attr("id"))
            .collect();
        assert_eq!(cons, ["l_keep", "l_st_controller1"]);
        let prop = doc.find("cluster_property_set").unwrap();
        assert_eq!(prop.attr("id"), Some("cib-bootstrap-options"));
        assert!(doc.find("status").is_some());
        assert!(matches!(
            candidate("<nope/>", &plan, &SecretMode::Placeholder),
            Err(CibError::Live(_))
        ));
        let clash = live.replace("id=\"l_keep\"", "id=\"st_controller1-instance_attributes\"");
        assert!(matches!(
            candidate(&clash, &plan, &SecretMode::Placeholder),
            Err(CibError::DuplicateId(_))
        ));
    }
}
