//! The live Pacemaker configuration, read from a CIB in XML (`cibadmin -Q`
//! or `crm configure show xml`) into the plan's own model. Whatever an
//! object has beyond the model is listed as [`Unmodelled`], never dropped
//! silently.

use super::CibVersion;
use crate::plan::{
    AgentClass, AgentRef, Clone, Colocation, Duration, Group, Location, Op, Order, OrderKind,
    Pacemaker, Primitive, Score, Unmodelled, Value,
};
use crate::xml::{self, Elem};

/// Reads the configuration of a CIB document.
pub(crate) fn read(text: &str) -> Result<Pacemaker, String> {
    let root = xml::parse(text)?;
    let conf = root
        .find("configuration")
        .ok_or("no <configuration> element")?;
    let mut r = Reader::default();
    if let Some(cc) = conf.kids("crm_config").next() {
        for set in cc.kids("cluster_property_set") {
            let id = set.attr("id").unwrap_or_default();
            let pairs = r.pairs("property", id, set);
            r.pm.properties.extend(pairs);
        }
    }
    if let Some(res) = conf.kids("resources").next() {
        for e in &res.children {
            r.resource(e)?;
        }
    }
    if let Some(cons) = conf.kids("constraints").next() {
        for c in &cons.children {
            r.constraint(c);
        }
    }
    Ok(r.pm)
}

/// The configuration version of a CIB document: `admin_epoch` and `epoch`
/// of its `<cib>` element (absent counts as 0, as Pacemaker counts it) and
/// the sha256 of its `<configuration>` section as glha writes XML (so
/// spacing and attribute quoting do not count).
pub(crate) fn version(text: &str) -> Result<CibVersion, String> {
    let root = xml::parse(text)?;
    if root.name != "cib" {
        return Err(format!("the root element is <{}>, not <cib>", root.name));
    }
    let number = |name: &str| -> Result<u64, String> {
        root.attr(name).map_or(Ok(0), |v| {
            v.parse()
                .map_err(|_| format!("<cib {name}=\"{v}\"> is not a number"))
        })
    };
    let conf = root
        .kids("configuration")
        .next()
        .ok_or("no <configuration> element")?;
    Ok(CibVersion {
        admin_epoch: number("admin_epoch")?,
        epoch: number("epoch")?,
        configuration_sha256: super::sha256_hex(conf.to_xml().as_bytes()),
    })
}

#[derive(Default)]
struct Reader {
    pm: Pacemaker,
}

fn id_of(e: &Elem) -> Result<String, String> {
    e.attr("id")
        .map(str::to_string)
        .ok_or_else(|| format!("<{}> without id", e.name))
}

/// Attributes of `e` other than `known` and than those `implied` by the
/// defaults, as `name=value` (constraint and op attributes only: never a
/// parameter's value).
fn other_attrs(e: &Elem, known: &[&str], implied: &dyn Fn(&str, &str) -> bool) -> Vec<String> {
    e.attrs
        .iter()
        .filter(|(k, v)| !known.contains(&k.as_str()) && !implied(k, v))
        .map(|(k, v)| format!("{k}={v}"))
        .collect()
}

impl Reader {
    fn unmodelled(&mut self, object: &str, id: &str, what: String) {
        self.pm.live.unmodelled.push(Unmodelled {
            object: object.into(),
            id: id.into(),
            what,
        });
    }

    /// The pairs of an attribute set; what glha cannot compare (a rule or
    /// score on the set, a reference instead of a value) is noted.
    fn pairs(&mut self, object: &str, id: &str, set: &Elem) -> Vec<(String, String)> {
        if set.kids("rule").next().is_some() {
            self.unmodelled(
                object,
                id,
                format!("<{}> with a rule, which glha does not write", set.name),
            );
            return Vec::new();
        }
        let mut out = Vec::new();
        for p in set.kids("nvpair") {
            match (p.attr("name"), p.attr("value")) {
                (Some(n), Some(v)) => out.push((n.to_string(), v.to_string())),
                (n, _) => self.unmodelled(
                    object,
                    id,
                    format!(
                        "<{}> pair {} without a value (a reference)",
                        set.name,
                        n.unwrap_or("(unnamed)")
                    ),
                ),
            }
        }
        out
    }

    /// Every pair of every set named `which` of object `e`.
    fn attributes(
        &mut self,
        object: &str,
        id: &str,
        e: &Elem,
        which: &str,
    ) -> Vec<(String, String)> {
        let sets: Vec<&Elem> = e.kids(which).collect();
        sets.into_iter()
            .flat_map(|s| self.pairs(object, id, s))
            .collect()
    }

    fn resource(&mut self, r: &Elem) -> Result<Option<String>, String> {
        match r.name.as_str() {
            "primitive" => self.primitive(r).map(Some),
            "group" => self.group(r).map(Some),
            "clone" | "master" => self.clone(r).map(Some),
            // Bundles and templates hold ids too; glha writes neither.
            "bundle" | "template" => {
                let id = id_of(r)?;
                self.unmodelled(
                    &r.name,
                    &id,
                    format!("a {}, which glha does not write", r.name),
                );
                Ok(Some(id))
            }
            _ => Ok(None),
        }
    }

    fn primitive(&mut self, r: &Elem) -> Result<String, String> {
        let id = id_of(r)?;
        let class = r.attr("class").unwrap_or_default();
        let agent = match (class, r.attr("provider"), r.attr("type")) {
            (_, _, None) | ("", _, _) => None,
            ("ocf", Some(p), Some(t)) => Some(AgentRef::ocf(p, t)),
            ("ocf", None, Some(_)) => None,
            (c, None, Some(t)) => Some(AgentRef::new(AgentClass::parse(c), t)),
            (_, Some(_), Some(_)) => None,
        };
        let Some(agent) = agent else {
            let what = match r.attr("template") {
                Some(t) => format!("a primitive made from template {t}, which glha does not write"),
                None => "a primitive whose agent glha cannot read".to_string(),
            };
            self.unmodelled("primitive", &id, what);
            return Ok(id);
        };
        if r.kids("utilization").next().is_some() {
            self.unmodelled(
                "primitive",
                &id,
                "utilization attributes, which glha does not write".into(),
            );
        }
        let params = self
            .attributes("primitive", &id, r, "instance_attributes")
            .into_iter()
            .map(|(k, v)| (k, Value::Plain(v)))
            .collect();
        let meta = self.attributes("primitive", &id, r, "meta_attributes");
        let mut ops = Vec::new();
        for o in r.kids("operations").flat_map(|o| o.kids("op")) {
            if let Some(op) = self.op(&id, o) {
                ops.push(op);
            }
        }
        self.pm.primitives.push(Primitive {
            id: id.clone(),
            agent,
            params,
            meta,
            ops,
        });
        Ok(id)
    }

    /// An operation; one glha cannot read (an absurd interval) or that has
    /// more than glha writes is noted instead.
    fn op(&mut self, rsc: &str, o: &Elem) -> Option<Op> {
        let name = o.attr("name").unwrap_or_default().to_string();
        let interval_text = o.attr("interval").unwrap_or("0");
        let shown = format!("op {name} interval={interval_text}");
        let interval = match Duration::parse_interval(interval_text) {
            Ok(d) => d,
            Err(e) => {
                self.unmodelled(
                    "primitive",
                    rsc,
                    format!("{shown}: glha cannot read it: {e}"),
                );
                return None;
            }
        };
        let timeout = match o.attr("timeout").map(Duration::parse) {
            None => None,
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                self.unmodelled(
                    "primitive",
                    rsc,
                    format!("{shown}: glha cannot read its timeout: {e}"),
                );
                return None;
            }
        };
        let mut extra = other_attrs(o, &["id", "name", "interval", "timeout"], &|_, _| false);
        extra.extend(
            o.children
                .iter()
                .filter(|c| !c.is_comment())
                .map(|c| format!("<{}>", c.name)),
        );
        if !extra.is_empty() {
            self.unmodelled(
                "primitive",
                rsc,
                format!(
                    "{shown} has {}, which glha does not write",
                    extra.join(", ")
                ),
            );
        }
        Some(Op {
            name,
            interval,
            timeout,
        })
    }

    fn group(&mut self, r: &Elem) -> Result<String, String> {
        let id = id_of(r)?;
        let mut members = Vec::new();
        for p in r.kids("primitive") {
            members.push(self.primitive(p)?);
        }
        let meta = self.attributes("group", &id, r, "meta_attributes");
        self.pm.groups.push(Group {
            id: id.clone(),
            members,
            meta,
        });
        Ok(id)
    }

    fn clone(&mut self, r: &Elem) -> Result<String, String> {
        let id = id_of(r)?;
        if r.name == "master" {
            self.unmodelled(
                "clone",
                &id,
                "a promotable (master/slave) clone, which glha does not write".into(),
            );
        }
        let mut inner = None;
        for c in &r.children {
            if let Some(i) = self.resource(c)? {
                inner = Some(i);
            }
        }
        let meta = self.attributes("clone", &id, r, "meta_attributes");
        match inner {
            Some(resource) => self.pm.clones.push(Clone {
                id: id.clone(),
                resource,
                meta,
            }),
            None => self.unmodelled("clone", &id, "a clone of nothing".into()),
        }
        Ok(id)
    }

    fn constraint(&mut self, c: &Elem) {
        let Some(id) = c.attr("id").map(str::to_string) else {
            return;
        };
        let (object, read): (&str, ReadFn) = match c.name.as_str() {
            "rsc_location" => ("location", Self::location),
            "rsc_colocation" => ("colocation", Self::colocation),
            "rsc_order" => ("order", Self::order),
            "rsc_ticket" => {
                let what = "a ticket constraint, which glha does not write";
                self.unmodelled("rsc_ticket", &id, what.into());
                return;
            }
            _ => return,
        };
        if c.kids("resource_set").next().is_some() {
            let what = "resource sets, which glha does not write";
            self.unmodelled(object, &id, what.into());
            return;
        }
        let known = match read(self, &id, c) {
            Ok(known) => known,
            Err(what) => return self.unmodelled(object, &id, what),
        };
        // Starting is what an order or a colocation means without actions
        // or roles; pcs spells it out.
        let implied = |k: &str, v: &str| {
            matches!(
                (k, v),
                ("first-action" | "then-action", "start")
                    | ("rsc-role" | "with-rsc-role", "Started")
            )
        };
        let extra = other_attrs(c, known, &implied);
        if !extra.is_empty() {
            let what = format!("has {}, which glha does not write", extra.join(", "));
            self.unmodelled(object, &id, what);
        }
    }

    /// A location by node and score.
    fn location(&mut self, id: &str, c: &Elem) -> Read {
        let rsc = c.attr("rsc").unwrap_or_default();
        if c.kids("rule").next().is_some() {
            return Err(format!("places {rsc} by rules, which glha does not write"));
        }
        let (Some(score), Some(node)) = (c.attr("score"), c.attr("node")) else {
            return Err("a location without node and score, which glha does not write".into());
        };
        self.pm.locations.push(Location {
            id: id.to_string(),
            resource: rsc.to_string(),
            node: node.to_string(),
            score: score_of(score)?,
        });
        Ok(&["id", "rsc", "score", "node"])
    }

    fn colocation(&mut self, id: &str, c: &Elem) -> Read {
        let a = |n: &str| c.attr(n).unwrap_or_default().to_string();
        let score = c.attr("score").map_or(Ok(Score::ZERO), score_of)?;
        self.pm.colocations.push(Colocation {
            id: id.to_string(),
            resource: a("rsc"),
            with: a("with-rsc"),
            score,
        });
        Ok(&["id", "rsc", "with-rsc", "score"])
    }

    /// An order by kind or, deprecated, by score.
    fn order(&mut self, id: &str, c: &Elem) -> Read {
        let a = |n: &str| c.attr(n).unwrap_or_default().to_string();
        let kind = match (c.attr("kind"), c.attr("score")) {
            (Some(k), _) => {
                OrderKind::parse(k).ok_or_else(|| format!("glha cannot read its kind {k}"))?
            }
            (None, Some(s)) => OrderKind::from_score(score_of(s)?),
            (None, None) => OrderKind::Mandatory,
        };
        self.pm.orders.push(Order {
            id: id.to_string(),
            first: a("first"),
            then: a("then"),
            kind,
        });
        Ok(&["id", "first", "then", "kind", "score"])
    }
}

/// A constraint's attributes glha knows, or why it cannot read it.
type Read = Result<&'static [&'static str], String>;

/// Reads one kind of constraint into the model.
type ReadFn = fn(&mut Reader, &str, &Elem) -> Read;

fn score_of(s: &str) -> Result<Score, String> {
    Score::parse(s).map_err(|e| format!("glha cannot read its score: {e}"))
}
