//! Checks that depend on the service's mode, and the `haproxy` block that
//! active/active needs.
//!
//! ```glha
//! haproxy {
//!   agent            = systemd "haproxy"            # the cloned load balancer
//!   config           = "/etc/haproxy/haproxy.cfg"   # where its section is merged
//!   balance          = roundrobin                   # or leastconn, source
//!   check_interval   = 2s                           # health check of each glance-api
//!   rise             = 2
//!   fall             = 5
//!   monitor_interval = 10s                          # Pacemaker's monitor of HAProxy
//! }
//! ```
//!
//! The block is optional in active/active: `std/glance-api` carries the same
//! values as `defaults haproxy`, and a spec without the block gets them too.
//! In active/passive the block (and any clone meta attribute) is an error:
//! nothing is cloned and glance-api binds the VIP itself.

use super::fields::Fields;
use super::values;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::{Agent, AgentInfo, Haproxy, Mode, Spec, Text, CLONE_META};
use crate::plan::{AgentClass, AgentRef, Duration};
use crate::schema::{self, BALANCE};
use crate::source::Span;
use std::net::IpAddr;

/// The defaults of a spec without a `haproxy` block; `std/glance-api`'s
/// `defaults haproxy` says the same (a test keeps them equal).
pub(crate) const DEFAULT_AGENT: &str = "haproxy";
pub(crate) const DEFAULT_CONFIG: &str = "/etc/haproxy/haproxy.cfg";
pub(crate) const DEFAULT_BALANCE: &str = "roundrobin";
pub(crate) const DEFAULT_CHECK: Duration = Duration::seconds(2);
pub(crate) const DEFAULT_RISE: u32 = 2;
pub(crate) const DEFAULT_FALL: u32 = 5;
pub(crate) const DEFAULT_MONITOR: Duration = Duration::seconds(10);

/// Runs after the other cross checks; fills in [`Spec::haproxy`] in
/// active/active.
pub(crate) fn check(
    top: &Fields,
    agents: &[(AgentRef, AgentInfo)],
    spec: &mut Spec,
    diags: &mut Diagnostics,
) {
    let blocks: Vec<_> = top.blocks("haproxy").collect();
    for (_, _, extra) in blocks.iter().skip(1) {
        diags.push(
            Diagnostic::error(
                &codes::DUPLICATE,
                extra.key.span,
                "`haproxy` is declared twice",
            )
            .with_secondary(blocks[0].2.key.span, "first declared here")
            .help("a spec has one `haproxy` block"),
        );
    }
    let svc = &spec.service;
    match svc.mode {
        Mode::ActivePassive => {
            if let Some((_, _, item)) = blocks.first() {
                diags.push(
                    Diagnostic::error(
                        &codes::MODE_CONFLICT,
                        item.key.span,
                        format!(
                            "`haproxy` needs active/active, but service `{}` is active/passive",
                            svc.name.value
                        ),
                    )
                    .label("HAProxy only runs in active/active")
                    .help(format!(
                        "in active/passive glance-api binds the VIP itself; remove the block, or write `mode = active_active` in service {}",
                        svc.name.value
                    )),
                );
            }
            for (k, v) in &svc.resource.meta {
                if CLONE_META.contains(&k.as_str()) {
                    diags.push(
                        Diagnostic::error(
                            &codes::MODE_CONFLICT,
                            v.span,
                            format!(
                                "`{k}` is a clone meta attribute, but active/passive runs no clone"
                            ),
                        )
                        .label("nothing is cloned in active/passive")
                        .help(format!(
                            "remove `{k}`, or write `mode = active_active` in service {}",
                            svc.name.value
                        )),
                    );
                }
            }
        }
        Mode::ActiveActive => {
            let hp = match blocks.first() {
                Some((labels, items, item)) => {
                    if let Some(l) = labels.first() {
                        diags.push(
                            Diagnostic::error(&codes::SYNTAX, l.span, "`haproxy` takes no name")
                                .help("write `haproxy { … }`"),
                        );
                    }
                    let f = Fields::new("haproxy", item, items, &schema::HAPROXY, diags);
                    block(&f, item.key.span, diags)
                }
                None => Some(defaults(svc.name.span)),
            };
            if let Some(mut hp) = hp {
                hp.agent_info = agents
                    .iter()
                    .find(|(k, _)| *k == hp.agent.value)
                    .map(|(_, i)| i.clone());
                spec.haproxy = Some(hp);
            }
            reachable_nodes(spec, diags);
        }
    }
}

fn defaults(span: Span) -> Haproxy {
    Haproxy {
        agent: Agent {
            value: AgentRef::new(AgentClass::Systemd, DEFAULT_AGENT),
            span,
        },
        agent_info: None,
        config: Text {
            value: DEFAULT_CONFIG.into(),
            span,
        },
        balance: DEFAULT_BALANCE.into(),
        check_interval: DEFAULT_CHECK,
        rise: DEFAULT_RISE,
        fall: DEFAULT_FALL,
        monitor_interval: DEFAULT_MONITOR,
        span,
    }
}

fn block(f: &Fields, span: Span, diags: &mut Diagnostics) -> Option<Haproxy> {
    let mut hp = defaults(span);
    let mut ok = true;
    if let Some(v) = f.value("agent") {
        match super::resource::agent_of(v, diags)
            .filter(|a| super::resource::not_stonith(a, "HAProxy", diags))
        {
            Some(a) => hp.agent = a,
            None => ok = false,
        }
    }
    if f.value("config").is_some() {
        match values::text(f, "config", diags).filter(|c| values::abs_path(c, diags)) {
            Some(c) => hp.config = c,
            None => ok = false,
        }
    }
    if f.value("balance").is_some() {
        match f.word("balance", BALANCE, diags) {
            Some((b, _)) => hp.balance = b,
            None => ok = false,
        }
    }
    for (key, slot) in [
        ("check_interval", &mut hp.check_interval),
        ("monitor_interval", &mut hp.monitor_interval),
    ] {
        if f.value(key).is_some() {
            match values::duration(f, key, diags) {
                Some(ms) => *slot = ms,
                None => ok = false,
            }
        }
    }
    for (key, slot) in [("rise", &mut hp.rise), ("fall", &mut hp.fall)] {
        if f.value(key).is_none() {
            continue;
        }
        match f.number(key, diags) {
            Some((n @ 1..=100, _)) => *slot = n as u32,
            Some((n, s)) => {
                diags.push(
                    Diagnostic::error(
                        &codes::BAD_VALUE,
                        s,
                        format!("`{key} = {n}` is out of range"),
                    )
                    .label("not 1 to 100")
                    .help(format!(
                        "`{key}` counts health checks: a number from 1 to 100, e.g. {key} = {}",
                        if key == "rise" {
                            DEFAULT_RISE
                        } else {
                            DEFAULT_FALL
                        }
                    )),
                );
                ok = false;
            }
            None => ok = false,
        }
    }
    ok.then_some(hp)
}

/// In active/active glance-api binds each node's own address and HAProxy,
/// on whichever node holds the VIP, connects to it: an address only the
/// node itself can use will not do.
fn reachable_nodes(spec: &Spec, diags: &mut Diagnostics) {
    for n in &spec.nodes {
        let why = match n.address {
            a if a.is_loopback() => "a loopback address",
            a if a.is_unspecified() => "the unspecified address",
            a if a.is_multicast() => "a multicast address",
            IpAddr::V4(a) if a.is_broadcast() => "the broadcast address",
            IpAddr::V6(a) if (a.segments()[0] & 0xffc0) == 0xfe80 => {
                "an IPv6 link-local address (it needs an interface HAProxy cannot name)"
            }
            _ => continue,
        };
        diags.push(
            Diagnostic::error(
                &codes::MODE_CONFLICT,
                n.address_span,
                format!(
                    "in active/active HAProxy must reach glance-api on node `{}`, but {} is {why}",
                    n.name.value, n.address
                ),
            )
            .label("other nodes cannot connect to this")
            .help("give the node the address it has on the cluster network: glance-api binds it and HAProxy balances to it"),
        );
    }
}

#[cfg(test)]
mod tests {
    const SPEC: &str = r#"
import "std/glance-api"
release "2025.2"
cluster {
  node a { address = 10.0.0.12 }
  node b { address = 10.0.0.13 }
  fencing = waived "lab"
}
vip internal { address = 10.0.0.11/24 }
service glance-api { agent = systemd "glance-api"  mode = active_active  vip = vip.internal }
store = waived "lab"
"#;

    fn files(text: &str) -> Vec<(String, String)> {
        let c = crate::compile_str("t.glha", text, &crate::Options::default());
        assert!(
            c.diagnostics.0.is_empty(),
            "{}",
            crate::diagnostic::render(&c.diagnostics, &c.sources, false)
        );
        c.bundle
            .unwrap()
            .files
            .iter()
            .filter(|(p, _)| p.as_str() != crate::emit::MANIFEST_PATH)
            .map(|(p, f)| (p.to_string(), f.contents.clone()))
            .collect()
    }

    /// The built-in values of a spec without a `haproxy` block are the
    /// stdlib's `defaults haproxy`.
    #[test]
    fn no_block_is_the_stdlib_defaults() {
        let without = files(SPEC);
        let with = files(&format!("{SPEC}haproxy {{}}\n"));
        assert_eq!(without, with);
        assert!(without
            .iter()
            .any(|(p, _)| p == "files/etc/haproxy/haproxy.cfg"));
    }

    #[test]
    fn every_value_reaches_the_bundle() {
        let f = files(&format!(
            "{SPEC}haproxy {{ agent = systemd \"haproxy@glance\"  config = \"/etc/haproxy/glance.cfg\"  balance = source  check_interval = 1500ms  rise = 3  fall = 4  monitor_interval = 20s }}\n"
        ));
        let get = |p: &str| &f.iter().find(|(q, _)| q == p).unwrap().1;
        let cfg = get("files/etc/haproxy/glance.cfg");
        assert!(cfg.contains("    balance source\n"), "{cfg}");
        assert!(
            cfg.contains("server a 10.0.0.12:9292 check inter 1500ms rise 3 fall 4\n"),
            "{cfg}"
        );
        let crm = get(crate::emit::CRM_PATH);
        assert!(
            crm.contains(
                "primitive p_haproxy systemd:haproxy@glance \\\n  op monitor interval=\"20s\""
            ),
            "{crm}"
        );
    }
}
