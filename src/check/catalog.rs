//! The Image API's catalog entries and the services that call it.

use super::cluster::name_of;
use super::fields::Fields;
use super::services::single;
use super::values::{self, abs_path, host, required_text};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::schema::{self, DISCOVERY, SCHEMES};
use crate::syntax::Value;

fn endpoint(
    v: &Value,
    key: &str,
    scheme: &str,
    port: u16,
    scope: &Scope,
    diags: &mut Diagnostics,
) -> Option<Endpoint> {
    Some(Endpoint {
        // The checker allows only `http` and `https` (Fields::word).
        scheme: crate::plan::Scheme::parse(scheme).unwrap_or(crate::plan::Scheme::Http),
        host: host(v, key, scope, diags)?,
        port,
    })
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
    let scheme = f
        .word("scheme", SCHEMES, diags)
        .map_or("http".to_string(), |(s, _)| s);
    let port = values::port(&f, "port", diags)
        .or(service.map(|s| s.port))
        .unwrap_or(9292);
    let get = |iface: &'static str, diags: &mut Diagnostics| -> Option<Endpoint> {
        if let Some(v) = f.value(iface) {
            return endpoint(v, iface, &scheme, port, scope, diags);
        }
        let (_, items, item) = f.blocks(iface).next()?;
        let block = schema::ENDPOINTS.block(iface)?;
        let bf = Fields::new(format!("{iface} endpoint"), item, items, block, diags);
        let s = bf
            .word("scheme", SCHEMES, diags)
            .map_or(scheme.clone(), |(s, _)| s);
        let p = values::port(&bf, "port", diags).unwrap_or(port);
        match bf.value("host") {
            Some(v) => endpoint(v, "host", &s, p, scope, diags),
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
