//! The glance-api service: its resource, VIPs, mode and port.

use super::cluster::name_of;
use super::fields::Fields;
use super::resource;
use super::services::single;
use super::values::{self, abs_path, id_like, required_text};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::plan::AgentRef;
use crate::schema;
use crate::source::SourceMap;
use crate::syntax::{Value, ValueKind};

pub(crate) fn service(
    top: &Fields,
    scope: &Scope,
    agents: &[(AgentRef, AgentInfo)],
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Service> {
    let Some((labels, items, item)) = single(top, "service", diags) else {
        top.absent(
            Diagnostic::error(&codes::MISSING, crate::source::Span { end: top.span.start, ..top.span }, "the spec has no `service`")
                .help("declare glance-api: `service glance-api { vip = vip.internal }` (with `import \"std/glance-api\"` for the defaults)"),
            diags,
        );
        return None;
    };
    let name = name_of("service", labels, item, diags)?;
    id_like(&name.value, name.span, diags);
    let f = Fields::new(
        format!("service {}", name.value),
        item,
        items,
        &schema::SERVICE,
        diags,
    );
    let config = required_text(
        &f,
        "config",
        "write `config = \"/etc/glance/glance-api.conf\"`",
        diags,
    )
    .filter(|c| abs_path(c, diags));
    let vips = vips(&f, scope, &name.value, diags);
    let mode = match f.word("mode", schema::MODES, diags) {
        Some((m, _)) if m == "active_active" => Mode::ActiveActive,
        _ => Mode::ActivePassive,
    };
    let port = values::port(&f, "port", diags).unwrap_or(9292);
    let resource = resource::resource(
        &f,
        "glance-api",
        "write `agent = systemd \"glance-api\"` or import \"std/glance-api\" for the default",
        agents,
        sources,
        diags,
    );
    Some(Service {
        name,
        resource: resource?,
        config: config?,
        vips,
        mode,
        port,
    })
}

/// `vip = vip.NAME` or a list of VIPs, each once: indexes into the scope's
/// VIPs.
fn vips(f: &Fields, scope: &Scope, name: &str, diags: &mut Diagnostics) -> Vec<usize> {
    let mut vips = Vec::new();
    match f.value("vip") {
        Some(Value {
            kind: ValueKind::List(vs),
            ..
        }) => {
            let mut seen: Vec<(usize, crate::source::Span)> = Vec::new();
            for v in vs {
                let Some(i) = scope.vip(v, diags) else {
                    continue;
                };
                if let Some((_, first)) = seen.iter().find(|(j, _)| *j == i) {
                    diags.push(
                        Diagnostic::error(
                            &codes::DUPLICATE,
                            v.span,
                            format!(
                                "service `{}` lists vip.{} twice",
                                name, scope.vips[i].name.value
                            ),
                        )
                        .with_secondary(*first, "first listed here")
                        .help("list each VIP once"),
                    );
                    continue;
                }
                seen.push((i, v.span));
                vips.push(i);
            }
        }
        Some(v) => vips.extend(scope.vip(v, diags)),
        None => f.missing(
            "vip",
            "name the VIP clients reach glance-api on: `vip = vip.internal`",
            diags,
        ),
    }
    vips
}

pub(crate) fn cross_check(spec: &Spec, diags: &mut Diagnostics) {
    let svc = &spec.service;
    // The OpenStack agent takes the config path and the Keystone
    // credentials as crm params (the seed's primitive).
    if svc.resource.agent.value == AgentRef::ocf("openstack", "glance-api") {
        let mut texts = vec![("`config`", &svc.config)];
        if let Some(k) = &spec.keystone {
            texts.extend([
                ("`username`", &k.username),
                ("`project`", &k.project),
                ("`auth_url`", &k.auth_url),
            ]);
            if let Secret::Literal(t) = &k.password {
                texts.push(("`password`", t));
            }
        }
        for (what, t) in texts {
            values::crm_safe(&t.value, t.span, what, diags);
        }
    }
    resource::advice(
        &svc.resource,
        "`agent = systemd \"glance-api\"` (Debian, Ubuntu) or `systemd \"openstack-glance-api\"` (RHEL family)",
        diags,
    );
}
