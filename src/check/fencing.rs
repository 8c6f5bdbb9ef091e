//! Fencing devices (or the waiver), and agent parameters.

use super::cluster::name_of;
use super::fields::{free_text, wrong, Fields};
use super::values::{self, id_like};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::plan::{AgentClass, AgentRef, Duration};
use crate::schema;
use crate::source::SourceMap;
use crate::syntax::{Ident, Item, ItemKind, Value, ValueKind};

pub(crate) fn fencing(
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
        return waived(w, diags);
    }
    if devices.is_empty() {
        f.absent(
            Diagnostic::error(&codes::NO_FENCING, f.span, "the cluster has no fencing and no waiver")
                .label("Pacemaker will not start resources without a fencing device")
                .help("declare a device, e.g. `fencing ipmi_c1 { agent = stonith \"fence_ipmilan\" params { ip = \"10.0.1.12\" } targets = [node.controller1] }`, or write `fencing = waived \"reason\"`"),
            diags,
        );
        return None;
    }
    let out = devices
        .into_iter()
        .filter_map(|(labels, items, item)| device(labels, items, item, scope, sources, diags))
        .collect();
    Some(Fencing::Devices(out))
}

/// `fencing = waived "reason"`.
fn waived(w: &Value, diags: &mut Diagnostics) -> Option<Fencing> {
    let r = values::Reason {
        key: "fencing",
        word: "waived",
        noun: "waiver",
        example: "fencing = waived \"lab: nodes are VMs fenced by the hypervisor\"",
        instead:
            "declare a device with `fencing NAME { … }` or write `fencing = waived \"reason\"`",
    };
    values::reason(w, &r, diags).map(Fencing::Waived)
}

/// One `fencing NAME { agent targets monitor params }` block.
fn device(
    labels: &[Ident],
    items: &[Item],
    item: &Item,
    scope: &Scope,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<FenceDevice> {
    let name = name_of("fencing", labels, item, diags)?;
    id_like(&name.value, name.span, diags);
    let df = Fields::new(
        format!("fencing {}", name.value),
        item,
        items,
        &schema::FENCE_DEVICE,
        diags,
    );
    let agent = stonith_agent(&df, diags);
    let targets = targets(&df, scope, diags);
    let monitor_interval = values::duration(&df, "monitor", diags).unwrap_or(Duration::seconds(60));
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
    Some(FenceDevice {
        name,
        agent: agent?,
        params,
        targets,
        monitor_interval,
    })
}

/// `agent = stonith "NAME"`.
fn stonith_agent(df: &Fields, diags: &mut Diagnostics) -> Option<Agent> {
    match df.value("agent") {
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
                if class == "stonith" && parts.len() == 1 && id_like(&parts[0], v.span, diags) =>
            {
                Some(Agent {
                    value: AgentRef::new(AgentClass::Stonith, &parts[0]),
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
    }
}

/// `targets = [node.NAME, …]` (or one node): the nodes a device fences.
fn targets(df: &Fields, scope: &Scope, diags: &mut Diagnostics) -> Vec<String> {
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
    targets
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
        let secretish = crate::secret::is_sensitive_name(&it.key.name);
        match &v.kind {
            ValueKind::Secret { .. } | ValueKind::Str(_)
                if secretish || matches!(v.kind, ValueKind::Secret { .. }) =>
            {
                let f = Fields::unchecked(what, it, std::slice::from_ref(it));
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
