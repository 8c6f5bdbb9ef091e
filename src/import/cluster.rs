//! The cluster's part of the spec, from the live CIB: the nodes and their
//! addresses, fencing, cluster properties, the VIPs, the glance-api
//! resource and its mode, and HAProxy (active/active).
//!
//! [`analyse`] finds glance's objects in the CIB by the ids glha gives
//! them ([`crate::plan::ids::classify`]) once it knows the service's name
//! (from its primitive, `p_<service>`); everything else that touches them
//! is reported, and what is not glance's at all is summed up and left
//! alone, as glha leaves it.

use super::cib::LiveCib;
use super::write::{expressible_agent, Item, Val};
use super::{Ctx, NoteKind, GLANCE_CONF};
use crate::model::{Mode, CLONE_META};
use crate::plan::catalog::LiveEndpoint;
use crate::plan::ids::{self, Generated};
use crate::plan::{AgentRef, Duration, Op, Pacemaker, Primitive, Score, Value};
use std::collections::BTreeSet;
use std::net::IpAddr;

/// Properties Pacemaker maintains itself: state, not configuration.
const MAINTAINED: &[&str] = &[
    "dc-version",
    "cluster-infrastructure",
    "cluster-name",
    "have-watchdog",
    "last-lrm-refresh",
];

/// Meta attributes tools set while operating a cluster (diff ignores them
/// too).
const OPERATIONAL: &[&str] = &["target-role", "is-managed"];

/// The service's name when the CIB does not give one.
const DEFAULT_SERVICE: &str = "glance-api";

/// A VIP the service runs with.
#[derive(Debug, Clone)]
pub(crate) struct VipFact<'a> {
    /// Its name in the spec.
    pub name: String,
    /// Its address.
    pub ip: IpAddr,
    /// Its prefix, if the primitive has one glha can read.
    pub prefix: Option<u8>,
    /// Its interface.
    pub nic: Option<String>,
    /// Its primitive.
    pub prim: &'a Primitive,
}

/// What the CIB says about glance-api's part of the cluster.
pub(crate) struct Cluster<'a> {
    /// The CIB, if given.
    pub cib: Option<&'a LiveCib>,
    /// The service's name: its Pacemaker ids derive from it.
    pub svc: String,
    /// glance-api's primitive.
    pub service: Option<&'a Primitive>,
    /// Active/passive or active/active.
    pub mode: Mode,
    /// glance-api.conf's path (the OCF agent's `config`).
    pub config: String,
    /// The VIPs, in the service's order.
    pub vips: Vec<VipFact<'a>>,
    /// The image store's mount.
    pub mount: Option<&'a Primitive>,
    /// HAProxy's primitive (active/active, or in active/passive's group).
    pub haproxy: Option<&'a Primitive>,
    /// Fencing devices.
    pub devices: Vec<&'a Primitive>,
    /// What the analysis found, by the block it belongs to.
    pub findings: Vec<(&'static str, NoteKind, String)>,
}

impl Cluster<'_> {
    fn pm(&self) -> Option<&Pacemaker> {
        self.cib.map(|c| &c.pm)
    }
    fn find(&mut self, place: &'static str, what: String) {
        self.findings.push((place, NoteKind::NotExpressed, what));
    }
    fn review(&mut self, place: &'static str, what: String) {
        self.findings.push((place, NoteKind::Review, what));
    }
}

/// Whether a name can be a spec label (a node, a VIP, a device).
pub(crate) fn label_ok(s: &str) -> bool {
    s.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn plain(v: &Value) -> String {
    match v {
        Value::Plain(s) => s.clone(),
        other => other.render(&crate::secret::SecretValues::none()).text,
    }
}

fn param<'p>(p: &'p Primitive, k: &str) -> Option<&'p Value> {
    p.params.iter().find(|(pk, _)| pk == k).map(|(_, v)| v)
}

/// Whether an agent runs glance-api (the OCF agent, a distribution's
/// unit, an init script).
fn runs_glance(a: &AgentRef) -> bool {
    !a.is_stonith() && (a.kind.contains("glance-api") || a.kind.contains("glance_api"))
}

/// Reads glance's part of the CIB.
pub(crate) fn analyse<'a>(cib: Option<&'a LiveCib>, rows: Option<&[LiveEndpoint]>) -> Cluster<'a> {
    let mut c = Cluster {
        cib,
        svc: DEFAULT_SERVICE.into(),
        service: None,
        mode: Mode::ActivePassive,
        config: GLANCE_CONF.into(),
        vips: Vec::new(),
        mount: None,
        haproxy: None,
        devices: Vec::new(),
        findings: Vec::new(),
    };
    let Some(cib) = cib else {
        c.find("cluster", "no --cib: the nodes' names, fencing, the VIPs' prefixes and glance-api's resource are unknown; import again with the CIB (`cibadmin -Q`)".into());
        return c;
    };
    let pm = &cib.pm;
    find_service(&mut c, pm);
    if let Some(p) = c.service {
        if p.agent == AgentRef::ocf("openstack", "glance-api") {
            if let Some(v) = param(p, "config") {
                c.config = plain(v);
            }
        }
        if pm
            .clone_of(&ids::clone(&c.svc))
            .is_some_and(|cl| cl.resource == p.id)
        {
            c.mode = Mode::ActiveActive;
        }
    }
    find_vips(&mut c, pm, rows);
    c.devices = pm
        .primitives
        .iter()
        .filter(|p| p.agent.is_stonith())
        .collect();
    c.mount = pm.primitive(&ids::mount(&c.svc));
    // In active/passive, HAProxy is glance's only in glance's group: a
    // p_haproxy elsewhere (cloned for other services) is not in front of it.
    let grouped = |id: &str| {
        pm.group(&ids::group(&c.svc))
            .is_some_and(|g| g.members.iter().any(|m| m == id))
    };
    c.haproxy = pm
        .primitive(ids::HAPROXY)
        .filter(|h| c.mode == Mode::ActiveActive || grouped(&h.id));
    shape(&mut c, pm);
    others(&mut c, pm);
    c
}

/// glance-api's primitive: one whose agent runs glance-api, or one named
/// for glance as glha names it (`p_<svc>` last in `g_<svc>`, or cloned by
/// `cl_<svc>`), the latter first. Others are reported.
fn find_service<'a>(c: &mut Cluster<'a>, pm: &'a Pacemaker) {
    let shaped = |p: &Primitive| {
        p.id.strip_prefix("p_").is_some_and(|svc| {
            pm.group(&ids::group(svc))
                .is_some_and(|g| g.members.last() == Some(&p.id))
                || pm
                    .clone_of(&ids::clone(svc))
                    .is_some_and(|cl| cl.resource == p.id)
        })
    };
    let cands: Vec<&Primitive> = pm
        .primitives
        .iter()
        .filter(|p| {
            // Another service's primitive (g_keystone's p_keystone), HAProxy's
            // and the mount's have the same shape: a glance-api under another
            // agent (ocf:heartbeat:anything) must at least be named so.
            let other = p.id == ids::HAPROXY || p.id.starts_with("p_fs_") || p.agent.is_stonith();
            runs_glance(&p.agent) || (shaped(p) && !other && p.id.contains("glance"))
        })
        .collect();
    let Some(chosen) = cands.iter().find(|p| shaped(p)).or(cands.first()).copied() else {
        c.find("service", "the CIB has no glance-api resource (no primitive runs a glance-api agent or is grouped as glha groups it); the service's agent and operations are glha's defaults".into());
        return;
    };
    c.service = Some(chosen);
    match chosen.id.strip_prefix("p_").filter(|s| label_ok(s)) {
        Some(svc) => c.svc = svc.to_string(),
        None => c.find(
            "service",
            format!(
                "glance-api runs as primitive `{}`, an id glha does not give (it names the primitive p_SERVICE): the spec's service makes p_{DEFAULT_SERVICE} beside it; rename the live one first (`crm configure rename {} p_{DEFAULT_SERVICE}`)",
                chosen.id, chosen.id
            ),
        ),
    }
    for other in cands.iter().filter(|p| p.id != chosen.id) {
        c.find(
            "service",
            format!(
                "a second glance-api primitive `{}` ({}): glha runs one glance-api resource",
                other.id, other.agent
            ),
        );
    }
}

/// The VIPs: IPaddr2 primitives with glha's VIP ids, named by their id
/// or, for a service's only VIP, by the endpoints they serve.
fn find_vips<'a>(c: &mut Cluster<'a>, pm: &'a Pacemaker, rows: Option<&[LiveEndpoint]>) {
    let mut found: Vec<(String, &'a Primitive)> = Vec::new();
    for p in &pm.primitives {
        let name = match ids::classify(&p.id, &c.svc) {
            Some(Generated::Vip) => role_name(p, rows),
            Some(Generated::NamedVip(n)) if label_ok(&n) => n,
            Some(Generated::NamedVip(_)) => {
                c.find(
                    "vip",
                    format!("VIP primitive `{}`: its name cannot be a spec label", p.id),
                );
                continue;
            }
            _ => continue,
        };
        if p.agent != AgentRef::ipaddr2() {
            c.find(
                "vip",
                format!(
                    "`{}` has a VIP's id but runs {}, not IPaddr2",
                    p.id, p.agent
                ),
            );
            continue;
        }
        found.push((name, p));
    }
    // In a group, the group's order; else the CIB's.
    if let Some(g) = pm.group(&ids::group(&c.svc)) {
        found.sort_by_key(|(_, p)| g.members.iter().position(|m| *m == p.id));
    }
    for (name, p) in found {
        let Some(ip) = param(p, "ip").and_then(|v| plain(v).parse::<IpAddr>().ok()) else {
            c.find(
                "vip",
                format!("VIP primitive `{}` has no address glha can read", p.id),
            );
            continue;
        };
        let prefix = vip_prefix(c, p, ip);
        let nic = param(p, "nic").map(plain);
        for (k, _) in &p.params {
            if !["ip", "cidr_netmask", "nic"].contains(&k.as_str()) {
                c.find(
                    "vip",
                    format!(
                        "VIP `{name}` ({}) has param {k}, which glha does not write",
                        p.id
                    ),
                );
            }
        }
        let planned = [Op {
            name: "monitor".into(),
            interval: Duration::seconds(10),
            timeout: Some(Duration::seconds(20)),
        }];
        if !same_ops(&p.ops, &planned) {
            c.find(
                "vip",
                format!(
                    "VIP `{name}` ({}) has ops {}; glha writes {}",
                    p.id,
                    ops_text(&p.ops),
                    ops_text(&planned)
                ),
            );
        }
        meta_findings(c, "vip", &p.id, &p.meta);
        c.vips.push(VipFact {
            name,
            ip,
            prefix,
            nic,
            prim: p,
        });
    }
}

/// `internal` unless only the public endpoint is on the VIP's address.
fn role_name(p: &Primitive, rows: Option<&[LiveEndpoint]>) -> String {
    let ip = param(p, "ip").map(plain).unwrap_or_default();
    let on = |iface: &str| {
        rows.unwrap_or_default().iter().any(|r| {
            r.interface == iface
                && crate::plan::Url::parse(&r.url).is_some_and(|u| u.host.to_string() == ip)
        })
    };
    if on("public") && !on("internal") {
        "public".into()
    } else {
        "internal".into()
    }
}

/// The prefix of a VIP's `cidr_netmask` (a length, or a dotted mask).
fn vip_prefix(c: &mut Cluster, p: &Primitive, ip: IpAddr) -> Option<u8> {
    let Some(mask) = param(p, "cidr_netmask").map(plain) else {
        c.find(
            "vip",
            format!(
                "VIP primitive `{}` has no cidr_netmask; write the prefix the address has",
                p.id
            ),
        );
        return None;
    };
    let max = if ip.is_ipv4() { 32 } else { 128 };
    if let Ok(n) = mask.parse::<u8>() {
        return (1..=max).contains(&n).then_some(n);
    }
    let dotted: Option<std::net::Ipv4Addr> = mask.parse().ok();
    let bits = dotted
        .map(u32::from)
        .filter(|m| m.leading_ones() + m.trailing_zeros() == 32);
    match bits {
        Some(m) => {
            c.find(
                "vip",
                format!(
                    "VIP primitive `{}` has cidr_netmask {mask}; glha writes the prefix /{}",
                    p.id,
                    m.leading_ones()
                ),
            );
            Some(m.leading_ones() as u8)
        }
        None => {
            c.find(
                "vip",
                format!("VIP primitive `{}`: cidr_netmask {mask} is no prefix", p.id),
            );
            None
        }
    }
}

/// Whether two op lists are the same operations (by name and interval,
/// with the same timeout).
pub(crate) fn same_ops(a: &[Op], b: &[Op]) -> bool {
    a.len() == b.len()
        && a.iter().all(|o| {
            b.iter()
                .any(|p| p.name == o.name && p.interval == o.interval && p.timeout == o.timeout)
        })
}

/// Ops as crm writes them, for messages.
pub(crate) fn ops_text(ops: &[Op]) -> String {
    if ops.is_empty() {
        return "none".into();
    }
    ops.iter()
        .map(|o| match o.timeout {
            Some(t) => format!("{} interval={} timeout={t}", o.name, o.interval),
            None => format!("{} interval={}", o.name, o.interval),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Meta attributes on an object whose meta glha does not write.
fn meta_findings(c: &mut Cluster, place: &'static str, id: &str, meta: &[(String, String)]) {
    for (k, v) in meta {
        if OPERATIONAL.contains(&k.as_str()) {
            c.review(
                place,
                format!("`{id}` has {k}={v}: operational state, which glha leaves alone"),
            );
        } else {
            c.find(
                place,
                format!("`{id}` has meta {k}={v}, which glha does not write"),
            );
        }
    }
}

/// The objects that tie glance's resources together: the group
/// (active/passive), or the clones and their constraints (active/active).
fn shape(c: &mut Cluster, pm: &Pacemaker) {
    let Some(service) = c.service.map(|p| p.id.clone()) else {
        return;
    };
    let vip_ids: Vec<String> = c.vips.iter().map(|v| v.prim.id.clone()).collect();
    let svc = c.svc.clone();
    match c.mode {
        Mode::ActivePassive => {
            // HAProxy in front (TLS, or a `haproxy` block) runs in the
            // group after the VIPs.
            let mut want: Vec<String> = c.mount.iter().map(|m| m.id.clone()).collect();
            want.extend(vip_ids);
            want.extend(c.haproxy.map(|h| h.id.clone()));
            want.push(service.clone());
            let gid = ids::group(&svc);
            match pm.group(&gid) {
                _ if want.len() == 1 => {}
                Some(g) if g.members != want => c.find("service", format!("group {gid} has {}; glha groups {}", g.members.join(" "), want.join(" "))),
                Some(g) => meta_findings(c, "service", &gid, &g.meta.clone()),
                None => c.find("service", format!("{} are not grouped: glha puts them in group {gid}, so that glance-api runs where its VIP (and its images) are", want.join(", "))),
            }
        }
        Mode::ActiveActive => {
            let mut want: Vec<(&str, String)> = vec![("clone", ids::HAPROXY_CLONE.to_string())];
            for v in &vip_ids {
                want.push(("colocation", ids::vip_with_haproxy(v)));
                want.push(("order", ids::haproxy_before(v)));
            }
            if c.mount.is_some() {
                want.push(("clone", ids::mount_clone(&svc)));
                want.push(("order", ids::mount_before(&svc)));
                want.push(("colocation", ids::with_mount(&svc)));
            }
            for (kind, id) in want {
                if pm.kind_of(&id) != Some(kind) {
                    c.find(
                        "service",
                        format!("no {kind} {id}: glha adds it in active/active"),
                    );
                }
            }
            if let Some(cl) = pm.clone_of(&ids::clone(&svc)) {
                if !cl
                    .meta
                    .iter()
                    .any(|(k, v)| k == "interleave" && v == "true")
                {
                    c.find(
                        "service",
                        format!("clone {} has no interleave=true, which glha writes", cl.id),
                    );
                }
                let other: Vec<(String, String)> = cl
                    .meta
                    .iter()
                    .filter(|(k, _)| k != "interleave" && !CLONE_META.contains(&k.as_str()))
                    .cloned()
                    .collect();
                meta_findings(c, "service", &cl.id, &other);
            }
        }
    }
}

/// The ids glance's resources have in the CIB.
fn glance_ids(c: &Cluster) -> BTreeSet<String> {
    let svc = &c.svc;
    let mut s: BTreeSet<String> = [
        ids::service(svc),
        ids::group(svc),
        ids::clone(svc),
        ids::mount(svc),
        ids::mount_clone(svc),
    ]
    .into_iter()
    .collect();
    if c.haproxy.is_some() {
        s.extend([ids::HAPROXY.to_string(), ids::HAPROXY_CLONE.to_string()]);
    }
    s.extend(c.vips.iter().map(|v| v.prim.id.clone()));
    s.extend(c.service.map(|p| p.id.clone()));
    s
}

/// The constraints, groups and clones of the CIB: id, the resources each
/// names, and the object in words.
fn ties(pm: &Pacemaker) -> Vec<(&str, Vec<&str>, String)> {
    let mut out: Vec<(&str, Vec<&str>, String)> = Vec::new();
    for l in &pm.locations {
        let shown = format!("location {} ({} {}: {})", l.id, l.resource, l.score, l.node);
        out.push((&l.id, vec![&l.resource], shown));
    }
    for o in &pm.colocations {
        let shown = format!(
            "colocation {} ({}: {} {})",
            o.id,
            o.score.crm(),
            o.resource,
            o.with
        );
        out.push((&o.id, vec![&o.resource, &o.with], shown));
    }
    for o in &pm.orders {
        let shown = format!("order {} ({}: {} {})", o.id, o.kind, o.first, o.then);
        out.push((&o.id, vec![&o.first, &o.then], shown));
    }
    for g in &pm.groups {
        let shown = format!("group {} ({})", g.id, g.members.join(" "));
        out.push((&g.id, g.members.iter().map(String::as_str).collect(), shown));
    }
    for cl in &pm.clones {
        let shown = format!("clone {} of {}", cl.id, cl.resource);
        out.push((&cl.id, vec![&cl.resource], shown));
    }
    out
}

/// Everything else in the CIB: what touches glance's resources and glha
/// cannot express is reported; what does not is summed up.
fn others(c: &mut Cluster, pm: &Pacemaker) {
    let ours = glance_ids(c);
    let devices: BTreeSet<String> = c.devices.iter().map(|d| d.id.clone()).collect();
    let generated = |id: &str| ids::classify(id, &c.svc).is_some() || ours.contains(id);
    let mut foreign: Vec<String> = Vec::new();
    let mut related: Vec<String> = Vec::new();
    for (id, refs, shown) in ties(pm) {
        // A device's locations are read with the device.
        if generated(id) || refs.iter().any(|r| devices.contains(*r)) {
            continue;
        }
        if refs.iter().any(|r| ours.contains(*r)) {
            related.push(format!("{shown}, which glha does not write"));
        } else {
            foreign.push(id.to_string());
        }
    }
    for p in &pm.primitives {
        if !ours.contains(&p.id) && !devices.contains(&p.id) && !runs_glance(&p.agent) {
            foreign.push(p.id.clone());
        }
    }
    for u in &pm.live.unmodelled {
        if ours.contains(&u.id) || ours.iter().any(|o| u.what.contains(o.as_str())) {
            related.push(format!("{} {}: {}", u.object, u.id, u.what));
        } else if !foreign.contains(&u.id) {
            foreign.push(u.id.clone());
        }
    }
    for r in related {
        c.find("service", format!("{r}; glha leaves it in place"));
    }
    for d in c.cib.map(|cib| cib.defaults.clone()).unwrap_or_default() {
        c.find("cluster", format!("{d}: cluster-wide defaults, which glha does not write, apply to glance's resources too"));
    }
    if !foreign.is_empty() {
        let n = foreign.len();
        let shown: Vec<&str> = foreign.iter().take(20).map(String::as_str).collect();
        let tail = match n - shown.len() {
            0 => String::new(),
            more => format!(" and {more} more"),
        };
        let objects = if n == 1 {
            "object of the CIB is"
        } else {
            "objects of the CIB are"
        };
        c.review(
            "cluster",
            format!(
                "{n} {objects} not glance's; glha leaves them alone: {}{tail}",
                shown.join(", ")
            ),
        );
    }
}

/// The findings of `place`, as comments.
fn findings(cx: &mut Ctx, place: &str) -> Vec<Item> {
    let cluster = cx.cluster;
    cluster
        .findings
        .iter()
        .filter(|(p, _, _)| *p == place)
        .map(|(p, kind, what)| match kind {
            NoteKind::NotExpressed => cx.not_expressed(p, what.clone()),
            NoteKind::Review => cx.review(p, what.clone()),
        })
        .collect()
}

/// `cluster { node … fencing … property … }`.
pub(crate) fn cluster(cx: &mut Ctx) -> Vec<Item> {
    let mut items = findings(cx, "cluster");
    if let (None, Some(n)) = (&cx.inputs.node, cx.node.clone()) {
        items.push(cx.review("cluster", format!("the root is taken for node {n}'s: its glance-api.conf binds {n}'s address; give --node to say otherwise")));
    }
    items.extend(nodes(cx));
    items.extend(fencing(cx));
    items.extend(properties(cx));
    vec![Item::block("cluster", &[], items)]
}

/// The nodes' names: the CIB's, else corosync.conf's.
fn node_names(cx: &Ctx) -> Vec<(Option<String>, String)> {
    match cx.cluster.cib {
        Some(c) if !c.nodes.is_empty() => c.nodes.clone(),
        _ => cx
            .host
            .corosync
            .iter()
            .filter_map(|n| Some((n.nodeid.clone(), n.name.clone()?)))
            .collect(),
    }
}

/// A node's address: HAProxy's server line for it (active/active), the
/// host's files, or (active/active) the bind address of this node's own
/// glance-api.conf.
fn node_address(cx: &Ctx, name: &str, id: Option<&str>) -> Option<IpAddr> {
    if let Some(ip) = haproxy_servers(cx)
        .into_iter()
        .find(|(n, _)| n == name)
        .map(|(_, ip)| ip)
    {
        return Some(ip);
    }
    if let Some((ip, _)) = cx.host.address_of(name, id) {
        return Some(ip);
    }
    let own = cx.cluster.mode == Mode::ActiveActive && cx.node.as_deref() == Some(name);
    own.then(|| cx.glance?.value("DEFAULT", "bind_host")?.parse().ok())
        .flatten()
}

/// Active/active without `--node`: the node whose address the root's
/// glance-api.conf binds, which makes the root that node's.
pub(crate) fn own_node(cx: &Ctx) -> Option<String> {
    if cx.cluster.mode != Mode::ActiveActive {
        return None;
    }
    let bind: IpAddr = cx.glance?.value("DEFAULT", "bind_host")?.parse().ok()?;
    node_names(cx)
        .into_iter()
        .find(|(id, n)| {
            haproxy_servers(cx)
                .iter()
                .any(|(s, ip)| s == n && *ip == bind)
                || cx
                    .host
                    .address_of(n, id.as_deref())
                    .is_some_and(|(ip, _)| ip == bind)
        })
        .map(|(_, n)| n)
}

/// `node NAME { address = … }` for every node.
fn nodes(cx: &mut Ctx) -> Vec<Item> {
    let mut out = Vec::new();
    for (id, name) in node_names(cx) {
        if !label_ok(&name) {
            out.push(cx.not_expressed(
                "cluster",
                format!(
                    "node `{name}`: a spec cannot name a node so (letters, digits, `_` and `-`)"
                ),
            ));
            continue;
        }
        match node_address(cx, &name, id.as_deref()) {
            Some(ip) => out.push(Item::inline(
                "node",
                &[&name],
                vec![Item::attr("address", Val::Addr(ip, None))],
            )),
            None => {
                out.push(cx.not_expressed("cluster", format!("node {name}'s address: not in corosync.conf's nodelist, /etc/hosts or haproxy.cfg under the root; write `address = …`")));
                out.push(Item::inline("node", &[&name], Vec::new()));
            }
        }
    }
    if out.is_empty() {
        out.push(cx.not_expressed(
            "cluster",
            "no node: the CIB names none and corosync.conf has no nodelist; declare them".into(),
        ));
    }
    out
}

/// The fencing devices, or a waiver when the CIB has none.
fn fencing(cx: &mut Ctx) -> Vec<Item> {
    let Some(pm) = cx.cluster.pm() else {
        return Vec::new();
    };
    let devices = cx.cluster.devices.clone();
    if devices.is_empty() {
        let enabled = pm
            .property("stonith-enabled")
            .unwrap_or("true (the default)");
        let reason =
            format!("imported: the live CIB has no fencing device (stonith-enabled={enabled})");
        let mut out = Vec::new();
        if pm.property("stonith-enabled") != Some("false") {
            out.push(cx.review("cluster", "the CIB has no fencing device while stonith-enabled is not false: Pacemaker starts no resource without fencing".into()));
        }
        out.push(cx.review("cluster", "fencing is waived because the CIB has no device; declare the devices, or keep the waiver with your reason".into()));
        out.push(Item::attr("fencing", Val::Waived(reason)));
        return out;
    }
    devices
        .into_iter()
        .flat_map(|d| device(cx, pm, d))
        .collect()
}

/// One `fencing NAME { … }` block.
fn device(cx: &mut Ctx, pm: &Pacemaker, d: &Primitive) -> Vec<Item> {
    let mut out = Vec::new();
    if !label_ok(&d.id) || d.id.contains(ids::AVOID) {
        out.push(cx.not_expressed(
            "cluster",
            format!("fencing device `{}`: a spec cannot name a device so", d.id),
        ));
        return out;
    }
    let place = format!("fencing {}", d.id);
    let avoided: Vec<String> = pm
        .locations
        .iter()
        .filter(|l| l.resource == d.id && l.score == Score::MinusInfinity)
        .map(|l| l.node.clone())
        .collect();
    let host_list = param(d, "pcmk_host_list").map(plain);
    let mut targets: Vec<String> = match &host_list {
        Some(l) => l
            .split([',', ' ', ';'])
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        None => avoided.clone(),
    };
    targets.dedup();
    let mut body = vec![Item::attr("agent", Val::Agent(d.agent.clone()))];
    if targets.is_empty() {
        body.insert(0, cx.not_expressed(&place, "no pcmk_host_list and no location keeping it off a node: glha needs the nodes it fences; write `targets`".into()));
    } else {
        if host_list.is_none() {
            body.insert(
                0,
                cx.not_expressed(
                    &place,
                    "no pcmk_host_list: glha writes one from `targets`".into(),
                ),
            );
        }
        body.push(Item::attr(
            "targets",
            Val::List(
                targets
                    .iter()
                    .map(|t| Val::Ref("node", t.clone()))
                    .collect(),
            ),
        ));
    }
    // glha keeps a device off the one node it fences, and only then.
    for l in pm.locations.iter().filter(|l| l.resource == d.id) {
        let planned = targets.len() == 1
            && l.id == ids::avoid(&d.id, &targets[0])
            && l.score == Score::MinusInfinity
            && l.node == targets[0];
        if !planned {
            body.insert(
                0,
                cx.not_expressed(
                    &place,
                    format!(
                        "location {} ({} {}: {}), which glha does not write",
                        l.id, l.resource, l.score, l.node
                    ),
                ),
            );
        }
    }
    if let [only] = targets.as_slice() {
        if pm.location(&ids::avoid(&d.id, only)).is_none() {
            body.insert(
                0,
                cx.not_expressed(
                    &place,
                    format!(
                        "no location keeps it off {only}: glha adds {}",
                        ids::avoid(&d.id, only)
                    ),
                ),
            );
        }
    }
    let monitor = d.ops.iter().find(|o| o.name == "monitor");
    let interval = monitor.map_or(Duration::seconds(60), |o| o.interval);
    if interval != Duration::seconds(60) {
        body.push(Item::attr("monitor", Val::Dur(interval)));
    }
    let planned = [Op {
        name: "monitor".into(),
        interval,
        timeout: None,
    }];
    if !same_ops(&d.ops, &planned) {
        body.insert(
            0,
            cx.not_expressed(
                &place,
                format!(
                    "ops {}; glha writes {}",
                    ops_text(&d.ops),
                    ops_text(&planned)
                ),
            ),
        );
    }
    for (k, v) in &d.meta {
        body.insert(
            0,
            cx.not_expressed(&place, format!("meta {k}={v}, which glha does not write")),
        );
    }
    let targets_text = targets.join(",");
    let params: Vec<(String, Value)> = d
        .params
        .iter()
        .filter(|(k, v)| !(k == "pcmk_host_list" && plain(v) == targets_text))
        .cloned()
        .collect();
    let params = param_items(cx, &place, &d.id, &params, &["fence", &d.id]);
    if !params.is_empty() {
        body.push(Item::block("params", &[], params));
    }
    out.push(Item::block("fencing", &[&d.id], body));
    out
}

/// `key = value` items of resource params: a sensitive one becomes a
/// secret named from `name` and the key.
pub(crate) fn param_items(
    cx: &mut Ctx,
    place: &str,
    rsc: &str,
    params: &[(String, Value)],
    name: &[&str],
) -> Vec<Item> {
    let masked = |k: &str| cx.cluster.cib.is_some_and(|c| c.pm.is_masked(rsc, k));
    let mut out = Vec::new();
    for (k, v) in params {
        if !label_ok(k) {
            out.push(cx.not_expressed(place, format!("param `{k}`: a spec cannot write that key")));
            continue;
        }
        let value = plain(v);
        if crate::secret::is_sensitive_name(k) {
            let hidden = masked(k);
            let id = secret_id(place, k);
            let found = format!(
                "CIB primitive {rsc} param {k}{}",
                if hidden {
                    " (hidden by crm configure show)"
                } else {
                    ""
                }
            );
            let parts: Vec<&str> = name.iter().copied().chain([k.as_str()]).collect();
            let env = cx
                .secrets
                .add(&id, &parts, found, (!hidden).then_some(value));
            out.push(Item::attr(k, Val::Env(env)));
        } else {
            out.push(Item::attr(k, Val::Str(value)));
        }
    }
    out
}

/// The compiled spec's secret id of a resource param (the lowering's
/// scheme: `fencing.DEVICE.KEY`, `service.KEY`).
fn secret_id(place: &str, key: &str) -> String {
    match place.strip_prefix("fencing ") {
        Some(dev) => format!("fencing.{dev}.{key}"),
        None => format!("service.{key}"),
    }
}

/// `property { … }`: what the CIB sets beyond what Pacemaker maintains and
/// what fencing implies.
fn properties(cx: &mut Ctx) -> Vec<Item> {
    let cluster = cx.cluster;
    let Some(pm) = cluster.pm() else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    let (mut out, mut items) = (Vec::new(), Vec::new());
    for (k, v) in pm.properties.iter().rev() {
        if !seen.insert(k.clone()) || MAINTAINED.contains(&k.as_str()) || k == "stonith-enabled" {
            continue;
        }
        if label_ok(k) {
            items.push(Item::attr(k, Val::str(v)));
        } else {
            out.push(cx.not_expressed(
                "cluster",
                format!("property `{k}`: a spec cannot write that key"),
            ));
        }
    }
    items.reverse();
    if !items.is_empty() {
        out.push(Item::inline("property", &[], items));
    }
    out
}

/// `vip NAME { address nic }`.
pub(crate) fn vips(cx: &mut Ctx) -> Vec<Item> {
    let mut out = findings(cx, "vip");
    for v in &cx.cluster.vips {
        let mut items = vec![Item::attr("address", Val::Addr(v.ip, v.prefix))];
        if let Some(n) = &v.nic {
            items.push(Item::attr("nic", Val::str(n)));
        }
        out.push(Item::inline("vip", &[&v.name], items));
    }
    out
}

/// The server lines of HAProxy's section for the service: (name, address).
pub(crate) fn haproxy_servers(cx: &Ctx) -> Vec<(String, IpAddr)> {
    haproxy_section(cx)
        .map(|s| {
            s.lines()
                .filter_map(|l| {
                    let w: Vec<&str> = l.split_whitespace().collect();
                    match w.as_slice() {
                        ["server", name, addr, ..] => {
                            let host = addr.rsplit_once(':').map_or(*addr, |(h, _)| h);
                            Some((
                                name.to_string(),
                                host.trim_matches(['[', ']']).parse().ok()?,
                            ))
                        }
                        _ => None,
                    }
                })
                .collect()
        })
        .unwrap_or_default()
}

/// HAProxy's `listen SERVICE` section, if the host has one.
pub(crate) fn haproxy_section(cx: &Ctx) -> Option<String> {
    crate::diff::files::section(cx.host.haproxy.as_deref()?, &cx.cluster.svc)
}

/// `service NAME { … }`.
pub(crate) fn service(cx: &mut Ctx) -> Vec<Item> {
    let svc = cx.cluster.svc.clone();
    let place = format!("service {svc}");
    let mut items = findings(cx, "service");
    let default_agent = AgentRef::ocf("openstack", "glance-api");
    let prim = cx.cluster.service;
    let agent = prim.map_or(default_agent.clone(), |p| p.agent.clone());
    if !expressible_agent(&agent) {
        items.push(cx.not_expressed(
            &place,
            format!("agent {agent}: a spec names ocf, systemd, lsb and stonith agents"),
        ));
    } else if agent != default_agent {
        items.push(Item::attr("agent", Val::Agent(agent.clone())));
    }
    if cx.cluster.mode == Mode::ActiveActive {
        items.push(Item::attr("mode", Val::word("active_active")));
    }
    let vips: Vec<Val> = cx
        .cluster
        .vips
        .iter()
        .map(|v| Val::Ref("vip", v.name.clone()))
        .collect();
    match vips.len() {
        0 => {}
        1 => items.push(Item::attr("vip", vips[0].clone())),
        _ => items.push(Item::attr("vip", Val::List(vips))),
    }
    if cx.cluster.config != GLANCE_CONF {
        items.push(Item::attr("config", Val::str(&cx.cluster.config)));
    }
    let port = super::services::service_port(cx);
    if port != 9292 {
        items.push(Item::attr("port", Val::Int(port.into())));
    }
    if let Some(p) = prim {
        items.extend(ops(cx, &place, &p.ops));
        items.extend(meta(cx, &place, p));
        items.extend(service_params(cx, &place, p, agent == default_agent));
    }
    vec![Item::block("service", &[&svc], items)]
}

/// Operations glha can write: `op NAME { interval timeout }`, one per
/// name.
fn ops(cx: &mut Ctx, place: &str, live: &[Op]) -> Vec<Item> {
    const OPS: &[&str] = &["monitor", "start", "stop", "promote", "demote", "reload"];
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for o in live {
        if !OPS.contains(&o.name.as_str()) || !seen.insert(o.name.clone()) {
            out.push(cx.not_expressed(
                place,
                format!(
                    "op {} interval={}: a spec has one op of each of {}",
                    o.name,
                    o.interval,
                    OPS.join(", ")
                ),
            ));
            continue;
        }
        let mut body = Vec::new();
        if !o.interval.is_zero() {
            body.push(Item::attr("interval", Val::Dur(o.interval)));
        }
        if let Some(t) = o.timeout {
            body.push(Item::attr("timeout", Val::Dur(t)));
        }
        out.push(Item::inline("op", &[&o.name], body));
    }
    out
}

/// `meta { … }`: the primitive's, and (active/active) its clone's.
fn meta(cx: &mut Ctx, place: &str, p: &Primitive) -> Vec<Item> {
    let mut pairs: Vec<(String, String)> = p.meta.clone();
    if cx.cluster.mode == Mode::ActiveActive {
        if let Some(cl) = cx
            .cluster
            .pm()
            .and_then(|pm| pm.clone_of(&ids::clone(&cx.cluster.svc)))
        {
            pairs.extend(
                cl.meta
                    .iter()
                    .filter(|(k, v)| {
                        CLONE_META.contains(&k.as_str()) && !(k == "interleave" && v == "true")
                    })
                    .cloned(),
            );
        }
    }
    let mut items = Vec::new();
    let mut out = Vec::new();
    for (k, v) in pairs {
        if OPERATIONAL.contains(&k.as_str()) {
            out.push(cx.review(
                place,
                format!("meta {k}={v}: operational state, which glha leaves alone"),
            ));
        } else if label_ok(&k) {
            items.push(Item::attr(&k, Val::Str(v)));
        } else {
            out.push(cx.not_expressed(place, format!("meta `{k}`: a spec cannot write that key")));
        }
    }
    if !items.is_empty() {
        out.push(Item::inline("meta", &[], items));
    }
    out
}

/// The service's params beyond what glha fills in: for the OCF agent,
/// `config` and the Keystone credentials from the keystone block.
fn service_params(cx: &mut Ctx, place: &str, p: &Primitive, ocf: bool) -> Vec<Item> {
    let defaults: Vec<(&str, Option<String>)> = match (ocf, &cx.keystone) {
        (false, _) => Vec::new(),
        (true, k) => {
            let mut d = vec![("config", Some(cx.cluster.config.clone()))];
            if let Some(k) = k {
                d.extend([
                    ("os_password", k.password.clone()),
                    ("os_username", Some(k.username.clone())),
                    ("os_tenant_name", Some(k.project.clone())),
                    ("os_auth_url", Some(k.auth_url.clone())),
                ]);
            }
            d
        }
    };
    let mut out = Vec::new();
    let masked = |k: &str| cx.cluster.cib.is_some_and(|c| c.pm.is_masked(&p.id, k));
    // The agent logs in as the keystone block's user, unless its own
    // os_username says otherwise: then its password is that user's too.
    let same_user = cx
        .keystone
        .as_ref()
        .is_some_and(|k| param(p, "os_username").is_none_or(|u| plain(u) == k.username));
    let mut extra = Vec::new();
    for (k, v) in &p.params {
        let default = defaults.iter().find(|(d, _)| *d == k.as_str());
        let same = match default {
            Some((_, Some(dv))) => !masked(k) && plain(v) == *dv,
            // A password the keystone block's value is unknown for (or
            // one crmsh hides): the keystone user's, if it is that user.
            Some((_, None)) => same_user,
            None => false,
        };
        let same = same || (masked(k) && default.is_some() && same_user);
        if !same {
            extra.push((k.clone(), v.clone()));
        }
    }
    for (d, _) in &defaults {
        if !p.params.iter().any(|(k, _)| k == d) {
            out.push(cx.not_expressed(place, format!("param {d} is not set live; glha writes it")));
        }
    }
    let svc = cx.cluster.svc.clone();
    let items = param_items(cx, place, &p.id, &extra, &[&svc]);
    if !items.is_empty() {
        out.push(Item::block("params", &[], items));
    }
    out
}

/// Whether HAProxy is in front of glance-api: always in active/active;
/// in active/passive when its primitive is there (in the group).
pub(crate) fn proxied(cx: &Ctx) -> bool {
    cx.cluster.mode == Mode::ActiveActive || cx.cluster.haproxy.is_some()
}

/// `haproxy { … }`, written only where it differs from the defaults a
/// spec without the block gets; in active/passive also when it is empty
/// and no endpoint is https, since there only the block puts HAProxy in
/// front.
pub(crate) fn haproxy(cx: &mut Ctx) -> Vec<Item> {
    if !proxied(cx) {
        return Vec::new();
    }
    let place = "haproxy";
    let mut items = findings(cx, place);
    let default_agent = AgentRef::new(crate::plan::AgentClass::Systemd, "haproxy");
    let agent = cx
        .cluster
        .haproxy
        .map_or(default_agent.clone(), |p| p.agent.clone());
    if agent != default_agent && expressible_agent(&agent) {
        items.push(Item::attr("agent", Val::Agent(agent.clone())));
    }
    match haproxy_section(cx) {
        None => items.push(cx.not_expressed(place, format!("no `listen {}` section in haproxy.cfg under the root: its settings are glha's defaults", cx.cluster.svc))),
        Some(section) => items.extend(listen_settings(&section)),
    }
    if let Some(p) = cx.cluster.haproxy {
        let monitor = p
            .ops
            .iter()
            .find(|o| o.name == "monitor")
            .map(|o| o.interval);
        if let Some(m) = monitor.filter(|m| *m != crate::check::mode::DEFAULT_MONITOR) {
            items.push(Item::attr("monitor_interval", Val::Dur(m)));
        }
        let advised = Duration::seconds(100);
        let planned = [
            Op {
                name: "monitor".into(),
                interval: monitor.unwrap_or(Duration::seconds(10)),
                timeout: Some(advised),
            },
            Op {
                name: "start".into(),
                interval: Duration::ZERO,
                timeout: Some(advised),
            },
            Op {
                name: "stop".into(),
                interval: Duration::ZERO,
                timeout: Some(advised),
            },
        ];
        if agent == default_agent && !same_ops(&p.ops, &planned) {
            items.push(cx.not_expressed(
                place,
                format!(
                    "{} has ops {}; glha writes {}",
                    p.id,
                    ops_text(&p.ops),
                    ops_text(&planned)
                ),
            ));
        }
        for (k, v) in &p.meta {
            items.push(cx.not_expressed(
                place,
                format!("{} has meta {k}={v}, which glha does not write", p.id),
            ));
        }
    }
    let needed = cx.cluster.mode == Mode::ActivePassive && !super::services::live_https(cx);
    if items.is_empty() && !needed {
        return Vec::new();
    }
    vec![Item::block("haproxy", &[], items)]
}

/// `balance`, `check_interval`, `rise`, `fall` and the timeouts of a
/// `listen` section, where they are not the defaults (`std/glance-api`'s
/// `defaults haproxy`, which the checker's defaults equal).
fn listen_settings(section: &str) -> Vec<Item> {
    use crate::check::mode as d;
    let mut out = Vec::new();
    let lines: Vec<Vec<&str>> = section
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    for w in &lines {
        if let ["balance", b, ..] = w.as_slice() {
            if *b != d::DEFAULT_BALANCE {
                out.push(Item::attr("balance", Val::word(*b)));
            }
        }
    }
    let server = lines.iter().find(|w| w.first() == Some(&"server"));
    let words: Vec<&str> = server.cloned().unwrap_or_default();
    let after = |k: &str| {
        words
            .iter()
            .position(|w| *w == k)
            .and_then(|i| words.get(i + 1))
            .copied()
    };
    if let Some(v) = after("inter").and_then(haproxy_time) {
        if v != d::DEFAULT_CHECK {
            out.push(Item::attr("check_interval", Val::Dur(v)));
        }
    }
    for (k, default) in [("rise", d::DEFAULT_RISE), ("fall", d::DEFAULT_FALL)] {
        if let Some(n) = after(k).and_then(|n| n.parse::<u32>().ok()) {
            if n != default {
                out.push(Item::attr(k, Val::Int(n.into())));
            }
        }
    }
    for (k, key, default) in [
        ("client", "timeout_client", d::DEFAULT_TIMEOUT_CLIENT),
        ("server", "timeout_server", d::DEFAULT_TIMEOUT_SERVER),
        ("connect", "timeout_connect", d::DEFAULT_TIMEOUT_CONNECT),
    ] {
        let live = lines.iter().find_map(|w| match w.as_slice() {
            ["timeout", name, t, ..] if *name == k => haproxy_time(t),
            _ => None,
        });
        if let Some(t) = live.filter(|t| *t != default) {
            out.push(Item::attr(key, Val::Dur(t)));
        }
    }
    out
}

/// A HAProxy time (milliseconds unless a unit says otherwise).
fn haproxy_time(s: &str) -> Option<Duration> {
    let digits = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    let n: u64 = s[..digits].parse().ok()?;
    let ms = match &s[digits..] {
        "" | "ms" => n,
        "s" => n.checked_mul(1000)?,
        "m" => n.checked_mul(60_000)?,
        "h" => n.checked_mul(3_600_000)?,
        _ => return None,
    };
    Duration::from_ms(ms)
}
