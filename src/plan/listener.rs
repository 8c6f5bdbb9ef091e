//! Who listens where: every address and port the bundle makes answer, with
//! its scheme, what terminates the connection and what holds the address.
//!
//! Built once from the checked spec ([`listeners`]); glance-api's bind
//! settings, HAProxy's `bind` and `server` lines and every URL glha derives
//! (consumers' API servers without an `endpoints` block, `public_endpoint`,
//! `worker_self_reference_url`) come from here, and the checker's rule that
//! every registered URL is served (check/served.rs) is a lookup in the same
//! list.
//!
//! | mode | on the VIPs | glance-api |
//! |---|---|---|
//! | active/passive | glance-api, at the service's port, plain HTTP | the VIP(s) |
//! | active/passive with HAProxy | HAProxy, at each endpoint's port and scheme | 127.0.0.1 |
//! | active/active | HAProxy, at each endpoint's port and scheme | each node's address |
//!
//! HAProxy is in front in active/active, and in active/passive when an
//! endpoint is `https` (glha terminates TLS in HAProxy) or the spec has a
//! `haproxy` block. A VIP no endpoint names is served at the service's
//! port over plain HTTP.

use super::ids;
use super::{Scheme, Url};
use crate::model::{Mode, Spec};
use serde::Serialize;
use std::net::{IpAddr, Ipv4Addr};

/// What terminates a connection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Terminator {
    /// glance-api's own server (`bind_host`/`bind_port`).
    GlanceApi,
    /// HAProxy (`bind`), which passes the request on to glance-api.
    Haproxy,
}

/// What holds a listener's address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Holder {
    /// A VIP, held by its Pacemaker resource.
    Vip {
        /// The VIP's name in the spec.
        name: String,
        /// The IPaddr2 primitive that holds it.
        resource: String,
    },
    /// A node's own address (active/active's glance-api).
    Node {
        /// The node's name.
        name: String,
    },
    /// The loopback address of whichever node runs the group
    /// (active/passive's glance-api behind HAProxy).
    Loopback,
}

/// One address and port that answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Listener {
    /// The address.
    pub address: IpAddr,
    /// The port.
    pub port: u16,
    /// Plain HTTP or TLS.
    pub scheme: Scheme,
    /// glance-api or HAProxy.
    pub terminator: Terminator,
    /// What holds the address.
    pub holder: Holder,
    /// For TLS: the PEM HAProxy serves.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub certificate: Option<String>,
}

impl Listener {
    /// The URL it answers (no path).
    pub fn url(&self) -> Url {
        Url::new(self.scheme, self.address, self.port)
    }

    /// Whether it is on a VIP (what clients and the catalog may use).
    pub fn on_vip(&self) -> bool {
        matches!(self.holder, Holder::Vip { .. })
    }
}

/// The address glance-api binds behind HAProxy in active/passive: the
/// loopback. HAProxy runs in the same group, so on the same node; nothing
/// else can reach glance-api around HAProxy's TLS.
pub const LOOPBACK: IpAddr = IpAddr::V4(Ipv4Addr::LOCALHOST);

/// Every listener of the spec's bundle: the VIPs' first (in the service's
/// VIP order, each VIP's ports in catalog order), then glance-api's behind
/// HAProxy (in node order).
pub fn listeners(spec: &Spec) -> Vec<Listener> {
    let svc = &spec.service;
    let proxied = spec.haproxy.is_some();
    let certificate = spec.tls.as_ref().map(|t| t.certificate.value.clone());
    let mut out = Vec::new();
    for &vi in &svc.vips {
        let Some(vip) = spec.vips.get(vi) else {
            continue;
        };
        let holder = Holder::Vip {
            name: vip.name.value.clone(),
            resource: ids::vip(&svc.name.value, &vip.name.value, svc.vips.len() == 1),
        };
        // What the endpoints on this VIP ask for; the first endpoint on a
        // port decides its scheme (a second one with the other scheme is
        // the checker's E0503).
        let mut wanted: Vec<(u16, Scheme)> = Vec::new();
        if proxied {
            for (_, ep) in spec.endpoints.iter().flat_map(|e| e.all()) {
                if spec.vip_of(ep) == Some(vi) && !wanted.iter().any(|(p, _)| *p == ep.port) {
                    wanted.push((ep.port, ep.scheme));
                }
            }
        }
        if wanted.is_empty() {
            wanted.push((svc.port, Scheme::Http));
        }
        for (port, scheme) in wanted {
            out.push(Listener {
                address: vip.address,
                port,
                scheme,
                terminator: if proxied {
                    Terminator::Haproxy
                } else {
                    Terminator::GlanceApi
                },
                holder: holder.clone(),
                certificate: (scheme == Scheme::Https)
                    .then(|| certificate.clone())
                    .flatten(),
            });
        }
    }
    if proxied {
        out.extend(behind_haproxy(spec));
    }
    out
}

/// glance-api's listeners when HAProxy is in front: each node's address
/// (active/active), or the loopback (active/passive).
fn behind_haproxy(spec: &Spec) -> Vec<Listener> {
    let port = spec.service.port;
    let own = |address, holder| Listener {
        address,
        port,
        scheme: Scheme::Http,
        terminator: Terminator::GlanceApi,
        holder,
        certificate: None,
    };
    match spec.service.mode {
        Mode::ActiveActive => spec
            .nodes
            .iter()
            .map(|n| {
                own(
                    n.address,
                    Holder::Node {
                        name: n.name.value.clone(),
                    },
                )
            })
            .collect(),
        Mode::ActivePassive => vec![own(LOOPBACK, Holder::Loopback)],
    }
}

/// The listener that serves `url`'s address (an IP), port and scheme on a
/// VIP, if any.
pub fn serving<'a>(listeners: &'a [Listener], url: &Url) -> Option<&'a Listener> {
    let super::UrlHost::Ip(ip) = url.host else {
        return None;
    };
    listeners
        .iter()
        .find(|l| l.on_vip() && l.address == ip && l.port == url.port && l.scheme == url.scheme)
}

/// The listeners glance-api itself terminates on `node` (active/active:
/// that node's; `None`: the ones every node shares).
pub fn glance_api<'a>(
    listeners: &'a [Listener],
    node: Option<&'a str>,
) -> impl Iterator<Item = &'a Listener> + 'a {
    listeners.iter().filter(move |l| {
        l.terminator == Terminator::GlanceApi
            && match (&l.holder, node) {
                (Holder::Node { name }, Some(n)) => name == n,
                (Holder::Node { .. }, None) => false,
                (_, Some(_)) => false,
                (_, None) => true,
            }
    })
}

/// The listeners on the VIPs, in order: what clients reach.
pub fn front(listeners: &[Listener]) -> impl Iterator<Item = &Listener> {
    listeners.iter().filter(|l| l.on_vip())
}
