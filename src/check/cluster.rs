//! The cluster: nodes, VIPs, properties.

use super::fencing::fencing;
use super::fields::{free_pairs, wrong, Fields};
use super::values::{self, id_like, ip};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::schema;
use crate::source::{SourceMap, Span};
use crate::syntax::{Ident, Item, ValueKind};
use std::net::IpAddr;

pub(crate) struct Cluster {
    pub(crate) nodes: Vec<Node>,
    pub(crate) fencing: Fencing,
    pub(crate) properties: Vec<(String, Text)>,
    /// `node.NAME` of the nodes declared with an error (a syntax error in
    /// their block, say): references to them fail quietly.
    pub(crate) broken: Vec<String>,
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
    // A map of first declarations: a spec may declare very many.
    let mut firsts: std::collections::HashMap<&str, &Text> = Default::default();
    for n in names {
        let first = *firsts.entry(&n.value).or_insert(n);
        if !std::ptr::eq(first, n) {
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
            item,
            items,
            &schema::VIP,
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
        top.absent(
            Diagnostic::error(
                &codes::MISSING,
                Span {
                    end: top.span.start,
                    ..top.span
                },
                "the spec has no `cluster`",
            )
            .help("declare the nodes: `cluster { node controller1 { address = 10.0.0.12 } … }`"),
            diags,
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
    let f = Fields::new("cluster", item, items, &schema::CLUSTER, diags);

    let mut nodes = Vec::new();
    let mut declared = Vec::new();
    for (labels, items, item) in f.blocks("node") {
        let Some(name) = name_of("node", labels, item, diags) else {
            continue;
        };
        declared.push(name.value.clone());
        id_like(&name.value, name.span, diags);
        let nf = Fields::new(
            format!("node {}", name.value),
            item,
            items,
            &schema::NODE,
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
    let mut by_address: std::collections::HashMap<IpAddr, &Node> = Default::default();
    for n in &nodes {
        let o = *by_address.entry(n.address).or_insert(n);
        if !std::ptr::eq(o, n) {
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
    // With the cluster block cut short by a syntax error, other nodes may
    // be in the text that could not be read.
    if let (1, [n], false) = (f.blocks("node").count(), nodes.as_slice(), f.incomplete) {
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

    let valid: std::collections::HashSet<&str> =
        nodes.iter().map(|n| n.name.value.as_str()).collect();
    let broken: Vec<String> = declared
        .iter()
        .filter(|d| !valid.contains(d.as_str()))
        .map(|d| format!("node.{d}"))
        .collect();
    let scope = Scope {
        vips: vips.to_vec(),
        nodes: nodes.clone(),
        broken: broken.clone(),
        incomplete: if f.incomplete {
            vec!["node"]
        } else {
            Vec::new()
        },
    };
    let fencing = fencing(&f, &scope, sources, diags);

    let properties = free_pairs(&f, "property", "cluster properties", diags);
    Some(Cluster {
        nodes,
        fencing: fencing.unwrap_or(Fencing::Devices(Vec::new())),
        properties,
        broken,
    })
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
