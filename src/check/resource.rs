//! Pacemaker resources as spec blocks describe them: the agent, its
//! operations, meta attributes and parameters, checked once here for every
//! block that runs a resource (the service today; more to come), and the
//! agents the stdlib knows.
//!
//! A block's schema lists the `agent` key and the `op`, `meta` and
//! `params` blocks among its own ([`crate::schema::SERVICE`]), and it calls
//! [`resource`]; the lowering turns the result into a primitive with one
//! call too.

use super::fencing::params_of;
use super::fields::{free_pairs, wrong, Fields};
use super::values;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::plan::{AgentClass, AgentRef};
use crate::schema::{self, OPS};
use crate::source::SourceMap;
use crate::syntax::{Item, ItemKind, Value, ValueKind};

/// Known agents: `agent NAME { type = … params = […] advise OP { … } }`.
pub(crate) fn agents(items: &[Item], diags: &mut Diagnostics) -> Vec<(AgentRef, AgentInfo)> {
    let mut out = Vec::new();
    for item in items {
        let crate::syntax::ItemKind::Block { items, .. } = &item.kind else {
            continue;
        };
        let f = Fields::new("agent", item, items, &schema::AGENT_INFO, diags);
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
            let af = Fields::new("advise", item, items, &schema::ADVISE, diags);
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
            agent.value,
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
    if a.value.is_stonith() {
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
    let value = match provider {
        Some(p) => AgentRef::ocf(&p, &kind),
        None => AgentRef::new(AgentClass::parse(class), &kind),
    };
    Some(Agent {
        value,
        span: v.span,
    })
}

/// The resource described by block `f` (whose schema allows the resource
/// keys and blocks): `what` runs it, named in messages (`glance-api`), and
/// `agent_help` says how to write the agent when it is missing. `None` when
/// the agent is missing or wrong; every other problem is reported and left
/// out.
pub(crate) fn resource(
    f: &Fields,
    what: &str,
    agent_help: &str,
    agents: &[(AgentRef, AgentInfo)],
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Resource> {
    let agent = match f.value("agent") {
        Some(v) => agent_of(v, diags),
        None => {
            f.missing("agent", agent_help, diags);
            None
        }
    };
    let agent = agent.filter(|a| not_stonith(a, what, diags));
    let ops = ops(f, diags);
    let meta = free_pairs(f, "meta", "the meta attributes", diags);
    let param_items: Vec<Item> = f
        .blocks("params")
        .flat_map(|(_, items, _)| items.iter().cloned())
        .collect();
    let params = params_of(&param_items, &f.what, sources, diags);
    let agent = agent?;
    let agent_info = agents
        .iter()
        .find(|(k, _)| *k == agent.value)
        .map(|(_, i)| i.clone());
    declared_params(&agent, agent_info.as_ref(), &param_items, diags);
    Some(Resource {
        agent,
        agent_info,
        ops,
        meta,
        params,
    })
}

/// The `op NAME { interval timeout }` blocks of `f`.
pub(crate) fn ops(f: &Fields, diags: &mut Diagnostics) -> Vec<Op> {
    let mut ops: Vec<Op> = Vec::new();
    for (labels, items, item) in f.blocks("op") {
        let Some(op) = super::cluster::name_of("op", labels, item, diags) else {
            continue;
        };
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
        let of = Fields::new(format!("op {}", op.value), item, items, &schema::OP, diags);
        let interval = values::duration(&of, "interval", diags);
        let timeout = values::duration(&of, "timeout", diags);
        if op.value == "monitor" && interval.is_none() && of.value("interval").is_none() {
            of.missing(
                "interval",
                "a monitor needs an interval, e.g. `interval = 30s`",
                diags,
            );
        }
        ops.push(Op {
            name: op.value,
            interval,
            timeout,
            span: item.span,
        });
    }
    ops
}

/// crmsh and pcs reject parameters the agent does not declare; systemd and
/// lsb resources take none at all.
fn declared_params(
    agent: &Agent,
    info: Option<&AgentInfo>,
    param_items: &[Item],
    diags: &mut Diagnostics,
) {
    let declared: &[String] = match (info, &agent.value.class) {
        (_, AgentClass::Systemd | AgentClass::Lsb) => &[],
        (Some(info), _) => &info.params,
        (None, _) => return,
    };
    for it in param_items {
        if !matches!(it.kind, ItemKind::Attribute(_)) || declared.contains(&it.key.name) {
            continue;
        }
        let help = if declared.is_empty() {
            format!(
                "{} resources take no parameters; remove the `params` block",
                agent.value.class
            )
        } else {
            format!("its parameters: {}", declared.join(", "))
        };
        let mut d = Diagnostic::error(
            &codes::UNKNOWN_PARAM,
            it.key.span,
            format!("{} has no parameter `{}`", agent.value, it.key.name),
        );
        let names: Vec<&str> = declared.iter().map(String::as_str).collect();
        if let Some(s) = super::fields::suggest(&it.key.name, &names) {
            d = d.label(format!("did you mean `{s}`?"));
        }
        diags.push(d.help(help));
    }
}

/// What the agent's metadata says about a resource: a retired agent, and
/// timeouts shorter than it advises. `instead` names the agents to prefer.
pub(crate) fn advice(res: &Resource, instead: &str, diags: &mut Diagnostics) {
    let Some(info) = &res.agent_info else {
        return;
    };
    if info.retired {
        diags.push(
            Diagnostic::warning(
                &codes::RETIRED_AGENT,
                res.agent.span,
                format!("{} is retired upstream", res.agent.value),
            )
            .label("no distribution packages it; its monitor only checks the process")
            .help(format!("prefer {instead}")),
        );
    }
    for (op, timeout, _) in &info.advise {
        let Some(o) = res.ops.iter().find(|o| &o.name == op) else {
            continue;
        };
        if let (Some(t), Some(adv)) = (o.timeout, timeout) {
            if t < *adv {
                diags.push(
                    Diagnostic::warning(
                        &codes::SHORT_TIMEOUT,
                        o.span,
                        format!("{op} timeout {t} is shorter than the {adv} the agent advises"),
                    )
                    .help(format!("set `timeout = {adv}` or more")),
                );
            }
        }
    }
}
