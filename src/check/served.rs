//! Every URL is served: each endpoint glha registers in the catalog, and
//! with it every URL it writes for consumers (nova's and cinder's API
//! servers are the internal endpoint, glance-api's `public_endpoint` the
//! public one), answers on a listener the bundle configures, with the
//! endpoint's scheme, address and port, on a VIP a Pacemaker resource of
//! this bundle holds. The listeners are the plan's own
//! ([`crate::plan::listener::listeners`]), so this is a lookup, not a
//! re-parse of the output. (`worker_self_reference_url` is each node's own
//! listener, by construction.)
//!
//! Codes: E0501 (the address is held by nothing), E0502 (nothing on that
//! port), E0503 (that address and port speak the other scheme), E0504 (an
//! `https` endpoint without a certificate), W0509 (a certificate nothing
//! uses).

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::{Endpoint, Endpoints, Spec};
use crate::plan::listener::{self, Listener};
use crate::plan::{Interface, Scheme};
use crate::source::Span;

/// Runs after the mode is known (`Spec::haproxy` filled in).
/// `tls_declared`: the spec has a `tls` block, perhaps with errors of its
/// own (then no endpoint is reported for lacking a certificate).
pub(crate) fn check(spec: &Spec, tls_declared: bool, diags: &mut Diagnostics) {
    // Without endpoints (or with errors in them) there is nothing to
    // look up, and no telling whether a certificate is used.
    let Some(eps) = &spec.endpoints else {
        return;
    };
    let listeners = listener::listeners(spec);
    for (iface, ep) in eps.all() {
        if ep.scheme == Scheme::Https && !tls_declared {
            no_certificate(iface, ep, diags);
        }
        served(spec, eps, &listeners, iface, ep, diags);
    }
    unused_tls(spec, diags);
}

/// `span` if it is in the spec's own text (where the endpoint is), else the
/// endpoint's host: a default from the stdlib is no place to fix a spec.
fn at(span: Span, ep: &Endpoint) -> Span {
    if span.file == ep.host.span.file {
        span
    } else {
        ep.host.span
    }
}

fn no_certificate(iface: Interface, ep: &Endpoint, diags: &mut Diagnostics) {
    diags.push(
        Diagnostic::error(
            &codes::NO_CERTIFICATE,
            at(ep.scheme_span, ep),
            format!("the {iface} endpoint is https, but the spec gives no certificate"),
        )
        .label("HAProxy needs a PEM to serve TLS here")
        .help("say where the PEM (certificate chain and key) is on the nodes: `tls { certificate = \"/etc/haproxy/certs/glance.pem\"  ca = \"/etc/ssl/certs/cloud-ca.pem\" }`"),
    );
}

/// The rule for one endpoint.
fn served(
    spec: &Spec,
    eps: &Endpoints,
    listeners: &[Listener],
    iface: Interface,
    ep: &Endpoint,
    diags: &mut Diagnostics,
) {
    let svc = &spec.service;
    let Some(vi) = spec.vip_of(ep) else {
        not_a_vip(spec, iface, ep, diags);
        return;
    };
    let vip = &spec.vips[vi];
    if !svc.vips.contains(&vi) {
        // With a VIP reference of the service in error, the list is not
        // known: that error is the one to fix first.
        if !svc.vips_incomplete {
            not_held(spec, vi, iface, ep, diags);
        }
        return;
    }
    let on_address: Vec<&Listener> = listener::front(listeners)
        .filter(|l| l.address == vip.address)
        .collect();
    let Some(l) = on_address.iter().find(|l| l.port == ep.port) else {
        let ports: Vec<String> = on_address.iter().map(|l| l.port.to_string()).collect();
        diags.push(
            Diagnostic::error(
                &codes::PORT_NOT_SERVED,
                at(ep.port_span, ep),
                format!(
                    "nothing listens on port {} of vip.{} ({}): the {iface} endpoint would not answer",
                    ep.port, vip.name.value, vip.address
                ),
            )
            .label(format!("glance-api listens on {} there", ports.join(", ")))
            .help(format!(
                "write `port = {}` for the endpoint, or set `port = {}` in service {} (glance-api then listens there)",
                svc.port, ep.port, svc.name.value
            )),
        );
        return;
    };
    if l.scheme != ep.scheme {
        let first = eps
            .all()
            .into_iter()
            .find(|(_, o)| spec.vip_of(o) == Some(vi) && o.port == ep.port)
            .map(|(i, _)| i);
        let mut d = Diagnostic::error(
            &codes::SCHEME_CONFLICT,
            at(ep.scheme_span, ep),
            format!(
                "the {iface} endpoint asks for {} on {}:{}, which serves {}",
                ep.scheme, vip.address, ep.port, l.scheme
            ),
        )
        .label("one address and port speak one scheme");
        if let Some(f) = first {
            d = d.help(format!(
                "the {f} endpoint has that address and port with {}: give the two endpoints different ports or VIPs, or the same scheme",
                l.scheme
            ));
        }
        diags.push(d);
    }
}

/// An endpoint whose host is no VIP: an address no VIP has, or a DNS name
/// without the VIP it resolves to.
fn not_a_vip(spec: &Spec, iface: Interface, ep: &Endpoint, diags: &mut Diagnostics) {
    let held: Vec<String> = spec
        .service
        .vips
        .iter()
        .filter_map(|&v| spec.vips.get(v))
        .map(|v| format!("vip.{}", v.name.value))
        .collect();
    let d = match ep.host.ip {
        Some(ip) => Diagnostic::error(
            &codes::NOT_HELD,
            ep.host.span,
            format!("the {iface} endpoint's address {ip} is no VIP: nothing in this bundle holds it"),
        )
        .label("no listener on this address")
        .help(format!(
            "use a VIP the service holds ({}), or declare this address as a VIP and add it to the service's `vip` list",
            held.join(", ")
        )),
        None => Diagnostic::error(
            &codes::NOT_HELD,
            ep.host.span,
            format!(
                "the {iface} endpoint's host `{}` is a DNS name: glha cannot tell which listener serves it",
                ep.host.name
            ),
        )
        .label("which VIP does this name resolve to?")
        .help(format!(
            "say which VIP the name resolves to: `{iface} {{ host = \"{}\"  vip = {} }}`",
            ep.host.name,
            held.first().map_or("vip.NAME", String::as_str)
        )),
    };
    diags.push(d);
}

/// An endpoint on a declared VIP that the service does not hold.
fn not_held(spec: &Spec, vi: usize, iface: Interface, ep: &Endpoint, diags: &mut Diagnostics) {
    let svc = &spec.service;
    let vip = &spec.vips[vi];
    let mut list: Vec<String> = svc
        .vips
        .iter()
        .filter_map(|&v| spec.vips.get(v))
        .map(|v| format!("vip.{}", v.name.value))
        .collect();
    list.push(format!("vip.{}", vip.name.value));
    diags.push(
        Diagnostic::error(
            &codes::NOT_HELD,
            ep.host.span,
            format!(
                "the {iface} endpoint is on vip.{} ({}), which no resource of this bundle holds",
                vip.name.value, vip.address
            ),
        )
        .label(format!("service {} does not hold this VIP", svc.name.value))
        .with_secondary(
            vip.name.span,
            "declared here, but not in the service's `vip` list",
        )
        .help(format!(
            "add it to service {}: `vip = [{}]`; or point the endpoint at a VIP the service holds",
            svc.name.value,
            list.join(", ")
        )),
    );
}

/// A certificate without an `https` endpoint.
fn unused_tls(spec: &Spec, diags: &mut Diagnostics) {
    let Some(tls) = &spec.tls else { return };
    if spec.has_https() {
        return;
    }
    diags.push(
        Diagnostic::warning(
            &codes::TLS_UNUSED,
            tls.span,
            "`tls` gives a certificate, but no endpoint is https",
        )
        .label("nothing serves this certificate")
        .help("write `scheme = \"https\"` on the endpoints clients should reach over TLS (e.g. `public { host = vip.public  scheme = \"https\" }`), or remove the block"),
    );
}
