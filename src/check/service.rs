//! The glance-api service and the resource agents it can run under.

use super::cluster::name_of;
use super::fencing::params_of;
use super::fields::{free_pairs, wrong, Fields};
use super::services::single;
use super::values::{self, abs_path, id_like, required_text};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::source::SourceMap;
use crate::syntax::{Item, Value, ValueKind};

/// Known agents: `agent NAME { type = … params = […] advise OP { … } }`.
pub(crate) fn agents(items: &[Item], diags: &mut Diagnostics) -> Vec<(String, AgentInfo)> {
    let mut out = Vec::new();
    for item in items {
        let crate::syntax::ItemKind::Block { items, .. } = &item.kind else {
            continue;
        };
        let f = Fields::new(
            "agent",
            item,
            items,
            &["type", "params", "retired"],
            &["advise"],
            diags,
        );
        let Some(agent) = f.value("type").and_then(|v| agent_of(v, diags)) else {
            f.missing(
                "type",
                "write e.g. `type = ocf \"heartbeat\" \"IPaddr2\"`",
                diags,
            );
            continue;
        };
        let params = match f.value("params").map(|v| &v.kind) {
            Some(ValueKind::List(vs)) => vs
                .iter()
                .filter_map(|v| {
                    if let ValueKind::Str(s) = &v.kind {
                        Some(s.clone())
                    } else {
                        None
                    }
                })
                .collect(),
            _ => Vec::new(),
        };
        let mut advise = Vec::new();
        for (labels, items, item) in f.blocks("advise") {
            let af = Fields::new("advise", item, items, &["timeout", "interval"], &[], diags);
            if let Some(op) = labels.first() {
                advise.push((
                    op.name.clone(),
                    values::duration(&af, "timeout", diags),
                    values::duration(&af, "interval", diags),
                ));
            }
        }
        let retired = f.boolean("retired", diags).unwrap_or(false);
        out.push((
            agent.pacemaker(),
            AgentInfo {
                params,
                advise,
                retired,
            },
        ));
    }
    out
}

/// Reports a service that would run under a fencing agent.
pub(crate) fn not_stonith(a: &Agent, what: &str, diags: &mut Diagnostics) -> bool {
    if a.class == "stonith" {
        diags.push(
            Diagnostic::error(
                &codes::BAD_VALUE,
                a.span,
                format!("{what} cannot run under a stonith agent"),
            )
            .help("use systemd, lsb or ocf, e.g. `systemd \"NAME\"`"),
        );
        return false;
    }
    true
}

/// An agent value: `ocf "PROVIDER" "TYPE"` or `CLASS "NAME"`.
pub(crate) fn agent_of(v: &Value, diags: &mut Diagnostics) -> Option<Agent> {
    let ValueKind::Agent { class, parts } = &v.kind else {
        diags.push(wrong(
            v.span,
            "agent",
            "an agent such as ocf \"openstack\" \"glance-api\" or systemd \"glance-api\"",
            &v.kind,
        ));
        return None;
    };
    let ok_part = |p: &String| {
        !p.is_empty()
            && p.chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '@'))
    };
    let (provider, kind) = match (class.as_str(), parts.as_slice()) {
        ("ocf", [p, k]) => (Some(p.clone()), k.clone()),
        ("ocf", _) => {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    v.span,
                    "an OCF agent has a provider and a type",
                )
                .help("write `ocf \"PROVIDER\" \"TYPE\"`, e.g. ocf \"openstack\" \"glance-api\""),
            );
            return None;
        }
        (_, [k]) => (None, k.clone()),
        _ => {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    v.span,
                    format!("a {class} agent has one name"),
                )
                .help(format!("write `{class} \"NAME\"`")),
            );
            return None;
        }
    };
    if !ok_part(&kind) || provider.as_ref().is_some_and(|p| !ok_part(p)) {
        diags.push(
            Diagnostic::error(
                &codes::BAD_VALUE,
                v.span,
                "agent names use letters, digits, `_`, `-`, `.` and `@`",
            )
            .help("check the spelling of the agent"),
        );
        return None;
    }
    Some(Agent {
        class: class.clone(),
        provider,
        kind,
        span: v.span,
    })
}

pub(crate) fn service(
    top: &Fields,
    scope: &Scope,
    agents: &[(String, AgentInfo)],
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
        &["agent", "config", "vip", "mode", "port"],
        &["op", "meta", "params"],
        diags,
    );
    let agent = match f.value("agent") {
        Some(v) => agent_of(v, diags),
        None => {
            f.missing("agent", "write `agent = systemd \"glance-api\"` or import \"std/glance-api\" for the default", diags);
            None
        }
    };
    let agent = agent.filter(|a| not_stonith(a, "glance-api", diags));
    let config = required_text(
        &f,
        "config",
        "write `config = \"/etc/glance/glance-api.conf\"`",
        diags,
    )
    .filter(|c| abs_path(c, diags));
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
                                name.value, scope.vips[i].name.value
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
    let mode = match f.word("mode", &["active_passive", "active_active"], diags) {
        Some((m, _)) if m == "active_active" => Mode::ActiveActive,
        _ => Mode::ActivePassive,
    };
    let port = values::port(&f, "port", diags).unwrap_or(9292);
    let mut ops: Vec<Op> = Vec::new();
    for (labels, items, item) in f.blocks("op") {
        let Some(op) = name_of("op", labels, item, diags) else {
            continue;
        };
        const OPS: &[&str] = &["monitor", "start", "stop", "promote", "demote", "reload"];
        if !OPS.contains(&op.value.as_str()) {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    op.span,
                    format!("`{}` is not a resource operation", op.value),
                )
                .help(format!("write one of: {}", OPS.join(", "))),
            );
            continue;
        }
        if let Some(first) = ops.iter().find(|o| o.name == op.value) {
            diags.push(
                Diagnostic::error(
                    &codes::DUPLICATE,
                    op.span,
                    format!("op `{}` is declared twice", op.value),
                )
                .with_secondary(first.span, "first declared here")
                .help("merge the two blocks into one"),
            );
            continue;
        }
        let of = Fields::new(
            format!("op {}", op.value),
            item,
            items,
            &["interval", "timeout"],
            &[],
            diags,
        );
        let interval_ms = values::duration(&of, "interval", diags);
        let timeout_ms = values::duration(&of, "timeout", diags);
        if op.value == "monitor" && interval_ms.is_none() && of.value("interval").is_none() {
            of.missing(
                "interval",
                "a monitor needs an interval, e.g. `interval = 30s`",
                diags,
            );
        }
        ops.push(Op {
            name: op.value,
            interval_ms,
            timeout_ms,
            span: item.span,
        });
    }
    let meta = free_pairs(&f, "meta", "the meta attributes", diags);
    let param_items: Vec<Item> = f
        .blocks("params")
        .flat_map(|(_, items, _)| items.iter().cloned())
        .collect();
    let params = params_of(
        &param_items,
        &format!("service {}", name.value),
        sources,
        diags,
    );
    let agent = agent?;
    let agent_info = agents
        .iter()
        .find(|(k, _)| *k == agent.pacemaker())
        .map(|(_, i)| i.clone());
    // crmsh and pcs reject parameters the agent does not declare; systemd
    // and lsb resources take none at all.
    let declared: Option<&[String]> = match (&agent_info, agent.class.as_str()) {
        (_, "systemd" | "lsb") => Some(&[]),
        (Some(info), _) => Some(&info.params),
        (None, _) => None,
    };
    if let Some(declared) = declared {
        for it in &param_items {
            if matches!(it.kind, crate::syntax::ItemKind::Attribute(_))
                && !declared.contains(&it.key.name)
            {
                let help = if declared.is_empty() {
                    format!(
                        "{} resources take no parameters; remove the `params` block",
                        agent.class
                    )
                } else {
                    format!("its parameters: {}", declared.join(", "))
                };
                let mut d = Diagnostic::error(
                    &codes::UNKNOWN_PARAM,
                    it.key.span,
                    format!("{} has no parameter `{}`", agent.pacemaker(), it.key.name),
                );
                let names: Vec<&str> = declared.iter().map(String::as_str).collect();
                if let Some(s) = super::fields::suggest(&it.key.name, &names) {
                    d = d.label(format!("did you mean `{s}`?"));
                }
                diags.push(d.help(help));
            }
        }
    }
    Some(Service {
        name,
        agent,
        agent_info,
        config: config?,
        vips,
        mode,
        port,
        ops,
        meta,
        params,
    })
}

pub(crate) fn cross_check(spec: &Spec, diags: &mut Diagnostics) {
    let svc = &spec.service;
    // The OpenStack agent takes the config path and the Keystone
    // credentials as crm params (the seed's primitive).
    if svc.agent.pacemaker() == "ocf:openstack:glance-api" {
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
    if let Some(info) = &svc.agent_info {
        if info.retired {
            diags.push(
                Diagnostic::warning(&codes::RETIRED_AGENT, svc.agent.span, format!("{} is retired upstream", svc.agent.pacemaker()))
                    .label("no distribution packages it; its monitor only checks the process")
                    .help("prefer `agent = systemd \"glance-api\"` (Debian, Ubuntu) or `systemd \"openstack-glance-api\"` (RHEL family)"),
            );
        }
        for (op, timeout, interval) in &info.advise {
            let Some(o) = svc.ops.iter().find(|o| &o.name == op) else {
                continue;
            };
            if let (Some(t), Some(adv)) = (o.timeout_ms, timeout) {
                if t < *adv {
                    diags.push(
                        Diagnostic::warning(
                            &codes::SHORT_TIMEOUT,
                            o.span,
                            format!(
                                "{op} timeout {} is shorter than the {} the agent advises",
                                fmt_ms(t),
                                fmt_ms(*adv)
                            ),
                        )
                        .help(format!("set `timeout = {}` or more", fmt_ms(*adv))),
                    );
                }
            }
            let _ = interval;
        }
    }
}

/// A duration in Pacemaker's shortest exact notation.
pub fn fmt_ms(ms: u64) -> String {
    if ms == 0 {
        "0s".to_string()
    } else if ms % 3_600_000 == 0 {
        format!("{}h", ms / 3_600_000)
    } else if ms % 60_000 == 0 && ms >= 600_000 {
        format!("{}min", ms / 60_000)
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}
