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
    let count = devices.len();
    let out: Vec<FenceDevice> = devices
        .into_iter()
        .filter_map(|(labels, items, item)| device(labels, items, item, scope, sources, diags))
        .collect();
    // Only when every device and its targets were read: a device with an
    // error may be the one that targets the node.
    if out.len() == count && out.iter().all(|d| d.targets_complete) && !f.incomplete {
        unfenced(&out, scope, diags);
    }
    Some(Fencing::Devices(out))
}

/// E0507: a node no device targets cannot be fenced.
fn unfenced(devices: &[FenceDevice], scope: &Scope, diags: &mut Diagnostics) {
    for n in &scope.nodes {
        if devices.iter().any(|d| d.targets.contains(&n.name.value)) {
            continue;
        }
        diags.push(
            Diagnostic::error(
                &codes::UNFENCED_NODE,
                n.name.span,
                format!("no fencing device targets node `{}`", n.name.value),
            )
            .label("Pacemaker cannot fence this node")
            .help(format!(
                "add `node.{}` to a device's `targets`, or declare a device for it (e.g. its IPMI board)",
                n.name.value
            )),
        );
    }
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
    let (targets, targets_complete) = targets(&df, scope, diags);
    let targets_span = df.value("targets").map_or(name.span, |v| v.span);
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
        targets_span,
        targets_complete,
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

/// `targets = [node.NAME, …]` (or one node): the nodes a device fences,
/// and whether every reference was resolved (and `targets` given).
fn targets(df: &Fields, scope: &Scope, diags: &mut Diagnostics) -> (Vec<String>, bool) {
    let mut targets = Vec::new();
    let Some(v) = df.value("targets") else {
        df.missing(
            "targets",
            "list the nodes this device fences: `targets = [node.controller1]`",
            diags,
        );
        return (targets, false);
    };
    let refs = match &v.kind {
        ValueKind::List(items) => items.iter().collect(),
        _ => vec![v],
    };
    let mut complete = true;
    for t in refs {
        match scope.node(t, diags) {
            Some(i) => targets.push(scope.nodes[i].name.value.clone()),
            None => complete = false,
        }
    }
    (targets, complete)
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

/// E0506: a fence agent that controls one machine (the management board
/// its `ip` names; `controls = one` in the stdlib's table, std/fence) with
/// several targets, unless the device maps each target to its own board:
/// `port_as_ip` set, and a `pcmk_host_map` that names every target. Then
/// Pacemaker passes the mapped value as the plug, and the agent uses it as
/// `ip`; `pcmk_host_map` alone still fences the one `ip`.
pub(crate) fn one_machine(spec: &Spec, agents: &[(AgentRef, AgentInfo)], diags: &mut Diagnostics) {
    let Fencing::Devices(devs) = &spec.fencing else {
        return;
    };
    for d in devs.iter().filter(|d| d.targets.len() > 1) {
        let one = agents
            .iter()
            .any(|(a, info)| *a == d.agent.value && info.one_machine);
        if !one {
            continue;
        }
        let text = |key: &str| {
            d.params.iter().find_map(|(k, p)| match p {
                Param::Text(t) if k == key => Some(t.value.as_str()),
                _ => None,
            })
        };
        let port_as_ip = text("port_as_ip")
            .is_some_and(|v| ["1", "yes", "on", "true"].contains(&v.to_ascii_lowercase().as_str()));
        let mapped = text("pcmk_host_map").map(host_map_names);
        let unmapped: Vec<&String> = d
            .targets
            .iter()
            .filter(|t| !mapped.as_ref().is_some_and(|m| m.contains(t)))
            .collect();
        if port_as_ip && unmapped.is_empty() {
            continue;
        }
        let help = match (port_as_ip, &mapped) {
            (false, Some(_)) => "`pcmk_host_map` alone still fences the one `ip`: add `port_as_ip = \"1\"` (every board with the same credentials), or declare one device per node".to_string(),
            (true, _) => format!(
                "`pcmk_host_map` must map every target to its board; it lacks {}",
                unmapped.iter().map(|t| format!("`{t}`")).collect::<Vec<_>>().join(", ")
            ),
            (false, None) => format!(
                "declare one device per node, each with that node's board as `ip` and `targets = [node.NAME]`; or, with one set of credentials for every board, `port_as_ip = \"1\"` and `pcmk_host_map = \"{}\"`",
                d.targets.iter().map(|t| format!("{t}:BOARD")).collect::<Vec<_>>().join(";")
            ),
        };
        diags.push(
            Diagnostic::error(
                &codes::ONE_MACHINE_FENCE,
                d.targets_span,
                format!(
                    "fencing device `{}` controls one machine, but targets {} nodes",
                    d.name.value,
                    d.targets.len()
                ),
            )
            .label("told to fence any of these, it acts on the one board at `ip`")
            .with_secondary(
                d.agent.span,
                "this agent controls the machine whose board `ip` names",
            )
            .help(help),
        );
    }
}

/// The node names a `pcmk_host_map` maps to a non-empty value, read as
/// Pacemaker's fencer reads it: entries end at `;`, a space or a tab; `:`
/// or `=` ends a name (the last one before the value wins); `\\` escapes
/// the next character.
fn host_map_names(map: &str) -> Vec<String> {
    let mut names = Vec::new();
    let (mut name, mut cur): (Option<String>, String) = (None, String::new());
    let mut chars = map.chars();
    loop {
        let c = chars.next();
        match c {
            Some('\\') => {
                cur.push('\\');
                cur.extend(chars.next());
            }
            Some('=' | ':') => {
                if !cur.is_empty() {
                    name = Some(std::mem::take(&mut cur));
                }
                cur.clear();
            }
            None | Some(';' | ' ' | '\t') => {
                if let Some(n) = name.take() {
                    if !cur.is_empty() {
                        names.push(n);
                    }
                }
                cur.clear();
                if c.is_none() {
                    return names;
                }
            }
            Some(ch) => cur.push(ch),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn host_map() {
        assert_eq!(
            super::host_map_names("a:10.0.9.1;b=10.0.9.2 c:1,2\td:x;;e:;:f;g:h:i"),
            ["a", "b", "c", "d", "h"]
        );
        assert_eq!(super::host_map_names(r"a:x\ y;b"), ["a"]);
    }
}
