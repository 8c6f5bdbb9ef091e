//! The cluster: nodes, VIPs, fencing, properties.

use super::fields::{wrong, Fields};
use super::values::{self, id_like, ip, safe};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::{FenceDevice, Fencing, Node, Param, Secret, Spec, Text, Vip};
use crate::source::{SourceMap, Span};
use crate::syntax::{Ident, Item, ItemKind, ValueKind};
use std::net::IpAddr;

pub(crate) struct Cluster {
    pub(crate) nodes: Vec<Node>,
    pub(crate) fencing: Fencing,
    pub(crate) properties: Vec<(String, Text)>,
}

/// The one label a named block must have (`vip internal { … }`).
pub(crate) fn name_of(
    kind: &str,
    labels: &[Ident],
    item: &Item,
    diags: &mut Diagnostics,
) -> Option<Text> {
    match labels {
        [one] => Some(Text {
            value: one.name.clone(),
            span: one.span,
        }),
        [] => {
            diags.push(
                Diagnostic::error(
                    &codes::MISSING,
                    item.key.span,
                    format!("`{kind}` needs a name"),
                )
                .help(format!("write `{kind} NAME {{ … }}`")),
            );
            None
        }
        // Go on with the first name, so references to it do not
        // cascade into "unknown" errors.
        [first, extra, ..] => {
            diags.push(
                Diagnostic::error(
                    &codes::SYNTAX,
                    extra.span,
                    format!("`{kind}` takes one name"),
                )
                .help(format!("write `{kind} NAME {{ … }}`")),
            );
            Some(Text {
                value: first.name.clone(),
                span: first.span,
            })
        }
    }
}

/// Reports the second and later blocks with the same name.
pub(crate) fn no_duplicate_names(kind: &str, names: &[Text], diags: &mut Diagnostics) {
    for (i, n) in names.iter().enumerate() {
        if let Some(first) = names[..i].iter().find(|o| o.value == n.value) {
            diags.push(
                Diagnostic::error(
                    &codes::DUPLICATE,
                    n.span,
                    format!("{kind} `{}` is declared twice", n.value),
                )
                .with_secondary(first.span, "first declared here")
                .help(format!("give each {kind} its own name")),
            );
        }
    }
}

/// The valid VIPs, and the names of all declared ones (so a reference to
/// a VIP with an error is not reported a second time as unknown).
pub(crate) fn vips(top: &Fields, diags: &mut Diagnostics) -> (Vec<Vip>, Vec<Text>) {
    let mut out: Vec<Vip> = Vec::new();
    let mut declared = Vec::new();
    for (labels, items, item) in top.blocks("vip") {
        let Some(name) = name_of("vip", labels, item, diags) else {
            continue;
        };
        declared.push(name.clone());
        let f = Fields::new(
            format!("vip {}", name.value),
            item.span,
            items,
            &["address", "nic"],
            &[],
            diags,
        );
        let Some(v) = f.value("address") else {
            f.missing(
                "address",
                "give the VIP's address with its prefix, e.g. `address = 10.0.0.11/24`",
                diags,
            );
            continue;
        };
        let nic = values::text(&f, "nic", diags)
            .filter(|n| values::crm_safe(&n.value, n.span, "`nic`", diags));
        if let Some(n) = &nic {
            if n.value.is_empty() || n.value.len() > 15 || n.value.contains(['/', ' ', ':']) {
                diags.push(Diagnostic::error(&codes::BAD_VALUE, n.span, format!("`{}` is not an interface name", n.value)).help("an interface name has 1 to 15 characters, without `/`, `:` or spaces (e.g. \"eth0\")"));
            }
        }
        let ValueKind::Address { addr, prefix } = &v.kind else {
            diags.push(wrong(
                v.span,
                "address",
                "an address with a prefix such as 10.0.0.11/24",
                &v.kind,
            ));
            continue;
        };
        let Some(address) = ip(addr, v.span, diags) else {
            continue;
        };
        let max = if address.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => {
                diags.push(
                    Diagnostic::error(
                        &codes::BAD_PREFIX,
                        v.span,
                        format!("VIP `{}` has no prefix length", name.value),
                    )
                    .label("add /PREFIX")
                    .help(format!(
                        "write e.g. `{addr}/{}`; IPaddr2 needs it as cidr_netmask",
                        if address.is_ipv4() { 24 } else { 64 }
                    )),
                );
                continue;
            }
            Some((p, ps)) if *p == 0 || *p > max => {
                diags.push(
                    Diagnostic::error(
                        &codes::BAD_PREFIX,
                        *ps,
                        format!("prefix /{p} is out of range"),
                    )
                    .help(format!("a prefix length is 1 to {max} for this address")),
                );
                continue;
            }
            Some((p, _)) => *p as u8,
        };
        out.push(Vip {
            name,
            address,
            prefix,
            nic,
            address_span: v.span,
        });
    }
    no_duplicate_names("vip", &declared, diags);
    (out, declared)
}

pub(crate) fn cluster(
    top: &Fields,
    vips: &[Vip],
    diags: &mut Diagnostics,
    sources: &mut SourceMap,
) -> Option<Cluster> {
    let mut blocks = top.blocks("cluster");
    let Some((labels, items, item)) = blocks.next() else {
        diags.push(
            Diagnostic::error(
                &codes::MISSING,
                Span {
                    end: top.span.start,
                    ..top.span
                },
                "the spec has no `cluster`",
            )
            .help("declare the nodes: `cluster { node controller1 { address = 10.0.0.12 } … }`"),
        );
        return None;
    };
    for (_, _, extra) in blocks {
        diags.push(
            Diagnostic::error(
                &codes::DUPLICATE,
                extra.key.span,
                "`cluster` is declared twice",
            )
            .with_secondary(item.key.span, "first declared here")
            .help("a spec has one `cluster` block; move these nodes into the first one"),
        );
    }
    if let Some(l) = labels.first() {
        diags.push(
            Diagnostic::error(&codes::SYNTAX, l.span, "`cluster` takes no name")
                .help("write `cluster { … }`"),
        );
    }
    let f = Fields::new(
        "cluster",
        item.span,
        items,
        &["fencing"],
        &["node", "fencing", "property"],
        diags,
    );

    let mut nodes = Vec::new();
    for (labels, items, item) in f.blocks("node") {
        let Some(name) = name_of("node", labels, item, diags) else {
            continue;
        };
        id_like(&name.value, name.span, diags);
        let nf = Fields::new(
            format!("node {}", name.value),
            item.span,
            items,
            &["address"],
            &[],
            diags,
        );
        match values::plain_address(&nf, "address", diags) {
            Some((address, address_span)) => nodes.push(Node {
                name,
                address,
                address_span,
            }),
            None if nf.value("address").is_none() => nf.missing(
                "address",
                "give the node's own address, e.g. `address = 10.0.0.12`",
                diags,
            ),
            None => {}
        }
    }
    no_duplicate_names(
        "node",
        &nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>(),
        diags,
    );
    for (i, n) in nodes.iter().enumerate() {
        if let Some(o) = nodes[..i].iter().find(|o| o.address == n.address) {
            diags.push(
                Diagnostic::error(
                    &codes::DUPLICATE,
                    n.address_span,
                    format!(
                        "nodes `{}` and `{}` have the same address",
                        o.name.value, n.name.value
                    ),
                )
                .with_secondary(o.address_span, "also here")
                .help("every node has its own address; check for a copy-paste slip"),
            );
        }
    }
    // Counted on the blocks, not the valid nodes: a node with an error is
    // still a node, and its own error says what is wrong.
    if let (1, [n]) = (f.blocks("node").count(), nodes.as_slice()) {
        diags.push(
            Diagnostic::warning(
                &codes::FEW_NODES,
                n.name.span,
                "the cluster has only one node",
            )
            .help("high availability needs at least two nodes; add another `node` block"),
        );
    }
    if f.blocks("node").next().is_none() {
        f.missing(
            "node",
            "declare at least two nodes: `node controller1 { address = 10.0.0.12 }`",
            diags,
        );
    }

    let scope = Scope {
        vips: vips.to_vec(),
        nodes: nodes.clone(),
        broken: Vec::new(),
    };
    let fencing = fencing(&f, &scope, sources, diags);

    let properties = free_pairs(&f, "property", "cluster properties", diags);
    Some(Cluster {
        nodes,
        fencing: fencing.unwrap_or(Fencing::Devices(Vec::new())),
        properties,
    })
}

/// The `key = value` items of every block `key` (`meta`, `property`), each
/// key once.
pub(crate) fn free_pairs(
    f: &Fields,
    key: &'static str,
    what: &str,
    diags: &mut Diagnostics,
) -> Vec<(String, Text)> {
    let mut out: Vec<(String, Text)> = Vec::new();
    let mut spans: Vec<crate::source::Span> = Vec::new();
    for (_, items, _) in f.blocks(key) {
        for it in items {
            if let Some(i) = out.iter().position(|(k, _)| *k == it.key.name) {
                diags.push(
                    Diagnostic::error(
                        &codes::DUPLICATE,
                        it.key.span,
                        format!("`{}` is set twice in {what}", it.key.name),
                    )
                    .with_secondary(spans[i], "first set here")
                    .help("remove one of them"),
                );
                continue;
            }
            if let Some(t) = free_text(it, diags) {
                out.push((it.key.name.clone(), t));
                spans.push(it.key.span);
            }
        }
    }
    out
}

/// A `key = "text"` item in a free-form block (properties, meta).
pub(crate) fn free_text(it: &Item, diags: &mut Diagnostics) -> Option<Text> {
    let ItemKind::Attribute(v) = &it.kind else {
        diags.push(
            Diagnostic::error(
                &codes::UNKNOWN_KEY,
                it.key.span,
                format!("`{}` must be `key = value` here", it.key.name),
            )
            .help("this block holds only `key = value` settings; nested blocks are not allowed"),
        );
        return None;
    };
    let value = match &v.kind {
        ValueKind::Str(s) => s.clone(),
        ValueKind::Int(n) => n.to_string(),
        ValueKind::Ref(p) if p.len() == 1 => p[0].name.clone(),
        other => {
            diags.push(wrong(
                v.span,
                &it.key.name,
                "a string, a number or a word",
                other,
            ));
            return None;
        }
    };
    let what = format!("`{}`", it.key.name);
    (safe(&value, v.span, &what, diags) && values::crm_safe(&value, v.span, &what, diags))
        .then_some(Text {
            value,
            span: v.span,
        })
}

fn fencing(
    f: &Fields,
    scope: &Scope,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Fencing> {
    let waiver = f.value("fencing");
    let devices: Vec<_> = f.blocks("fencing").collect();
    if let (Some(w), Some((_, _, d))) = (waiver, devices.first()) {
        diags.push(
            Diagnostic::error(
                &codes::BAD_VALUE,
                w.span,
                "fencing is both waived and declared",
            )
            .with_secondary(d.key.span, "device declared here")
            .help("keep the devices and remove the waiver, or the other way round"),
        );
        return None;
    }
    if let Some(w) = waiver {
        return match &w.kind {
            ValueKind::Waiver(reason) if reason.trim().is_empty() => {
                diags.push(Diagnostic::error(&codes::MISSING, w.span, "a fencing waiver needs a reason").help("say why, e.g. `fencing = waived \"lab: nodes are VMs fenced by the hypervisor\"`"));
                None
            }
            ValueKind::Waiver(reason) => safe(reason, w.span, "the waiver", diags).then(|| {
                Fencing::Waived(Text {
                    value: reason.clone(),
                    span: w.span,
                })
            }),
            other => {
                diags.push(wrong(w.span, "fencing", "`waived \"reason\"`", other).help("declare a device with `fencing NAME { … }` or write `fencing = waived \"reason\"`"));
                None
            }
        };
    }
    if devices.is_empty() {
        diags.push(
            Diagnostic::error(&codes::NO_FENCING, f.span, "the cluster has no fencing and no waiver")
                .label("Pacemaker will not start resources without a fencing device")
                .help("declare a device, e.g. `fencing ipmi_c1 { agent = stonith \"fence_ipmilan\" params { ip = \"10.0.1.12\" } targets = [node.controller1] }`, or write `fencing = waived \"reason\"`"),
        );
        return None;
    }
    let mut out = Vec::new();
    for (labels, items, item) in devices {
        let Some(name) = name_of("fencing", labels, item, diags) else {
            continue;
        };
        id_like(&name.value, name.span, diags);
        let df = Fields::new(
            format!("fencing {}", name.value),
            item.span,
            items,
            &["agent", "targets", "monitor"],
            &["params"],
            diags,
        );
        let agent = match df.value("agent") {
            None => {
                df.missing(
                    "agent",
                    "name the stonith agent, e.g. `agent = stonith \"fence_ipmilan\"`",
                    diags,
                );
                None
            }
            Some(v) => match &v.kind {
                ValueKind::Agent { class, parts }
                    if class == "stonith"
                        && parts.len() == 1
                        && id_like(&parts[0], v.span, diags) =>
                {
                    Some(Text {
                        value: parts[0].clone(),
                        span: v.span,
                    })
                }
                ValueKind::Agent { class, parts } if class == "stonith" && parts.len() == 1 => None,
                other => {
                    diags.push(wrong(
                        v.span,
                        "agent",
                        "a stonith agent such as stonith \"fence_ipmilan\"",
                        other,
                    ));
                    None
                }
            },
        };
        let mut targets = Vec::new();
        if let Some(v) = df.value("targets") {
            match &v.kind {
                ValueKind::List(items) => {
                    for t in items {
                        if let Some(i) = scope.node(t, diags) {
                            targets.push(scope.nodes[i].name.value.clone());
                        }
                    }
                }
                _ => {
                    if let Some(i) = scope.node(v, diags) {
                        targets.push(scope.nodes[i].name.value.clone());
                    }
                }
            }
        } else {
            df.missing(
                "targets",
                "list the nodes this device fences: `targets = [node.controller1]`",
                diags,
            );
        }
        let monitor_interval_ms = values::duration(&df, "monitor", diags).unwrap_or(60_000);
        let param_items: Vec<Item> = df
            .blocks("params")
            .flat_map(|(_, items, _)| items.iter().cloned())
            .collect();
        let params = params_of(
            &param_items,
            &format!("fencing {}", name.value),
            sources,
            diags,
        );
        if let Some(agent) = agent {
            out.push(FenceDevice {
                name,
                agent,
                params,
                targets,
                monitor_interval_ms,
            });
        }
    }
    Some(Fencing::Devices(out))
}

/// Agent parameters: free keys, text or secret values. A key that names a
/// password takes a secret.
pub(crate) fn params_of(
    items: &[Item],
    what: &str,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Vec<(String, Param)> {
    let mut out: Vec<(String, Param)> = Vec::new();
    for it in items {
        if let Some((first, _)) = out.iter().find(|(k, _)| *k == it.key.name) {
            diags.push(
                Diagnostic::error(
                    &codes::DUPLICATE,
                    it.key.span,
                    format!("parameter `{first}` is set twice in {what}"),
                )
                .help("remove one of them"),
            );
            continue;
        }
        let ItemKind::Attribute(v) = &it.kind else {
            diags.push(
                Diagnostic::error(
                    &codes::UNKNOWN_KEY,
                    it.key.span,
                    format!("`{}` must be `key = value` here", it.key.name),
                )
                .help("agent parameters are `key = value`; nested blocks are not allowed"),
            );
            continue;
        };
        let secretish = ["password", "passwd", "secret"]
            .iter()
            .any(|w| it.key.name.contains(w));
        match &v.kind {
            ValueKind::Secret { .. } | ValueKind::Str(_)
                if secretish || matches!(v.kind, ValueKind::Secret { .. }) =>
            {
                let f = Fields::new(
                    what,
                    it.span,
                    std::slice::from_ref(it),
                    &[it.key.name.as_str()],
                    &[],
                    diags,
                );
                if let Some(s) = values::secret(&f, &it.key.name, sources, diags) {
                    if let Secret::Literal(t) = &s {
                        if !values::crm_safe(&t.value, t.span, &format!("`{}`", it.key.name), diags)
                        {
                            continue;
                        }
                    }
                    out.push((it.key.name.clone(), Param::Secret(s)));
                }
            }
            _ => {
                if let Some(t) = free_text(it, diags) {
                    out.push((it.key.name.clone(), Param::Text(t)));
                }
            }
        }
    }
    out
}

fn in_subnet(addr: IpAddr, net: IpAddr, prefix: u8) -> bool {
    match (addr, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) => {
            let mask = u32::MAX.checked_shl(32 - u32::from(prefix)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) => {
            let mask = u128::MAX.checked_shl(128 - u32::from(prefix)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}

pub(crate) fn cross_check(spec: &Spec, diags: &mut Diagnostics) {
    for vip in &spec.vips {
        if let Some(n) = spec.nodes.iter().find(|n| n.address == vip.address) {
            diags.push(
                Diagnostic::error(&codes::VIP_IS_NODE, vip.address_span, format!("VIP `{}` has the address of node `{}`", vip.name.value, n.name.value))
                    .with_secondary(n.address_span, "the node's address")
                    .help("a VIP must be a free address that moves between nodes; pick another one in the same subnet"),
            );
        } else if !spec.nodes.is_empty()
            // With a nic the operator has said where the VIP goes: a public
            // network the nodes join without an address of their own.
            && vip.nic.is_none()
            && !spec
                .nodes
                .iter()
                .any(|n| in_subnet(n.address, vip.address, vip.prefix))
        {
            let mut d = Diagnostic::warning(
                &codes::VIP_SUBNET,
                vip.address_span,
                format!("VIP `{}` is outside every node's subnet", vip.name.value),
            )
            .label(format!(
                "no node address is in {}/{}",
                vip.address, vip.prefix
            ));
            d = d.help("IPaddr2 cannot pick an interface for it: check the address and prefix, or set `nic = \"…\"`");
            diags.push(d);
        }
    }
}
