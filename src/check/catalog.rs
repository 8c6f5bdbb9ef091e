//! The Image API's catalog entries and the services that call it.

use super::cluster::name_of;
use super::fields::Fields;
use super::services::single;
use super::values::{self, abs_path, host, required_text};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::plan::Scheme;
use crate::schema::{self, DISCOVERY, SCHEMES};
use crate::source::Span;
use crate::syntax::Value;

/// A scheme or port of an endpoint, and where it was given (`None`: not
/// given, the service's port).
#[derive(Clone)]
struct Given<T> {
    value: T,
    span: Option<Span>,
}

/// One endpoint from its host value; `vip` is the VIP a DNS name resolves
/// to (an endpoint block's `vip`).
fn endpoint(
    v: &Value,
    key: &str,
    scheme: &Given<Scheme>,
    port: &Given<u16>,
    vip: Option<&Value>,
    scope: &Scope,
    diags: &mut Diagnostics,
) -> Option<Endpoint> {
    let mut host = host(v, key, scope, diags)?;
    if let Some(vv) = vip {
        let i = scope.vip(vv, diags)?;
        if host.ip.is_some() || host.vip.is_some() {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    vv.span,
                    "`vip` is for an endpoint whose host is a DNS name",
                )
                .with_secondary(v.span, "the host is an address already")
                .help("remove `vip`, or write the DNS name clients use as `host`"),
            );
            return None;
        }
        host.vip = Some(scope.vips[i].name.value.clone());
    }
    // A port or scheme given nowhere points at the endpoint.
    let port_span = port.span.unwrap_or(host.span);
    Some(Endpoint {
        scheme: scheme.value,
        scheme_span: scheme.span.unwrap_or(host.span),
        host,
        port: port.value,
        port_span,
    })
}

/// A `scheme` word with its span.
fn scheme_of(f: &Fields, diags: &mut Diagnostics) -> Option<Given<Scheme>> {
    f.word("scheme", SCHEMES, diags).map(|(s, span)| Given {
        // The checker allows only `http` and `https` (Fields::word).
        value: Scheme::parse(&s).unwrap_or(Scheme::Http),
        span: Some(span),
    })
}

/// A `port` with its span.
fn port_of(f: &Fields, diags: &mut Diagnostics) -> Option<Given<u16>> {
    let span = f.value("port")?.span;
    values::port(f, "port", diags).map(|value| Given {
        value,
        span: Some(span),
    })
}

/// Reports an interface given twice (`public = …` and a `public { … }`
/// block, or two blocks): only the first would be registered.
fn one_per_interface(f: &Fields, diags: &mut Diagnostics) {
    for iface in ["public", "internal", "admin"] {
        let mut spans: Vec<Span> = f.value(iface).map(|v| v.span).into_iter().collect();
        spans.extend(f.blocks(iface).map(|(_, _, item)| item.key.span));
        spans.sort_by_key(|s| s.start);
        for extra in spans.iter().skip(1) {
            diags.push(
                Diagnostic::error(
                    &codes::DUPLICATE_INTERFACE,
                    *extra,
                    format!("the `{iface}` endpoint is declared twice"),
                )
                .with_secondary(spans[0], "first declared here")
                .help(format!(
                    "the catalog holds one {iface} endpoint of the image service; keep one of the two"
                )),
            );
        }
    }
}

pub(crate) fn endpoints(
    top: &Fields,
    scope: &Scope,
    keystone: Option<&Keystone>,
    service: Option<&Service>,
    diags: &mut Diagnostics,
) -> Option<Endpoints> {
    let (labels, items, item) = single(top, "endpoints", diags)?;
    if let Some(l) = labels.first() {
        if l.name != "image" {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    l.span,
                    format!("glha registers the `image` service, not `{}`", l.name),
                )
                .help("write `endpoints image { … }`"),
            );
        }
    }
    let f = Fields::new("endpoints", item, items, &schema::ENDPOINTS, diags);
    one_per_interface(&f, diags);
    let region = values::text(&f, "region", diags).or_else(|| keystone.map(|k| k.region.clone()));
    // With a keystone block that has errors of its own, its region is
    // unknown but not missing.
    if region.is_none()
        && f.value("region").is_none()
        && !top
            .blocks("keystone")
            .any(|(_, items, _)| items.iter().any(|i| i.key.name == "region"))
    {
        f.missing(
            "region",
            "write `region = \"RegionOne\"` (or declare `keystone` with a region)",
            diags,
        );
    }
    let service_name = values::text(&f, "service", diags).map_or("glance".to_string(), |t| t.value);
    let scheme = scheme_of(&f, diags).unwrap_or(Given {
        value: Scheme::Http,
        span: None,
    });
    // Without a port, the endpoints are on the service's port.
    let port = port_of(&f, diags).unwrap_or(Given {
        value: service.map_or(9292, |s| s.port),
        span: None,
    });
    let get = |iface: &'static str, diags: &mut Diagnostics| -> Option<Endpoint> {
        if let Some(v) = f.value(iface) {
            return endpoint(v, iface, &scheme, &port, None, scope, diags);
        }
        let (_, items, item) = f.blocks(iface).next()?;
        let block = schema::ENDPOINTS.block(iface)?;
        let bf = Fields::new(format!("{iface} endpoint"), item, items, block, diags);
        let s = scheme_of(&bf, diags).unwrap_or_else(|| scheme.clone());
        let p = port_of(&bf, diags).unwrap_or_else(|| port.clone());
        match bf.value("host") {
            Some(v) => endpoint(v, "host", &s, &p, bf.value("vip"), scope, diags),
            None => {
                bf.missing("host", "write `host = vip.public` or a DNS name", diags);
                None
            }
        }
    };
    let public = get("public", diags);
    let internal = get("internal", diags);
    let admin = get("admin", diags);
    for iface in ["public", "internal"] {
        if f.value(iface).is_none() && f.blocks(iface).next().is_none() {
            f.missing(iface, &format!("write `{iface} = vip.NAME`"), diags);
        }
    }
    values::safe(&service_name, item.span, "the service name", diags);
    Some(Endpoints {
        service_name,
        region: region?,
        public: public?,
        internal: internal?,
        admin,
    })
}

pub(crate) fn consumers(top: &Fields, diags: &mut Diagnostics) -> Vec<Consumer> {
    let mut out: Vec<Consumer> = Vec::new();
    for (labels, items, item) in top.blocks("consumer") {
        let Some(name) = name_of("consumer", labels, item, diags) else {
            continue;
        };
        let kind = match name.value.as_str() {
            "nova" => ConsumerKind::Nova,
            "cinder" => ConsumerKind::Cinder,
            other => {
                diags.push(
                    Diagnostic::error(
                        &codes::BAD_VALUE,
                        name.span,
                        format!("glha does not configure `{other}` yet"),
                    )
                    .help("consumers are nova and cinder"),
                );
                continue;
            }
        };
        if out.iter().any(|c| c.kind == kind) {
            diags.push(
                Diagnostic::error(
                    &codes::DUPLICATE,
                    name.span,
                    format!("consumer `{}` is declared twice", name.value),
                )
                .help("merge the two blocks into one"),
            );
            continue;
        }
        let f = Fields::new(
            format!("consumer {}", name.value),
            item,
            items,
            &schema::CONSUMER,
            diags,
        );
        let config = required_text(
            &f,
            "config",
            "write the path of its config file, or import \"std/nova\" / \"std/cinder\"",
            diags,
        )
        .filter(|c| abs_path(c, diags));
        let discovery = f.word("discovery", DISCOVERY, diags).map(|(w, s)| {
            (
                if w == "catalog" {
                    Discovery::Catalog
                } else {
                    Discovery::ApiServers
                },
                s,
            )
        });
        if let Some(config) = config {
            out.push(Consumer {
                kind,
                config,
                discovery,
                span: name.span,
            });
        }
    }
    out
}
