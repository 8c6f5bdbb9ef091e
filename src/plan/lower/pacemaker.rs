//! The Pacemaker part of the plan, one function per concern: fencing, the
//! VIPs, the service's primitive, and what the mode adds (a group, or
//! clones and HAProxy). Every id comes from [`crate::plan::ids`].

use super::*;
use crate::model::{self, Fencing, Mode, Spec, CLONE_META};
use crate::plan::ids;
use crate::plan::*;

type Pairs = Vec<(String, String)>;

/// `base` with `own` laid over it: every pair of `own` replaces the pair
/// of `base` with its key and goes at the end, in the order of `own` (of
/// a key given twice in `own`, the last counts). In time linear in both,
/// as a spec may set very many keys.
pub(super) fn overlay<V>(mut base: Vec<(String, V)>, own: Vec<(String, V)>) -> Vec<(String, V)> {
    let last: std::collections::HashMap<&str, usize> = own
        .iter()
        .enumerate()
        .map(|(i, (k, _))| (k.as_str(), i))
        .collect();
    base.retain(|(k, _)| !last.contains_key(k.as_str()));
    let keep: Vec<bool> = own
        .iter()
        .enumerate()
        .map(|(i, (k, _))| last[k.as_str()] == i)
        .collect();
    drop(last);
    base.extend(
        own.into_iter()
            .zip(keep)
            .filter_map(|(pair, keep)| keep.then_some(pair)),
    );
    base
}

/// Ops in one fixed order (monitor, start, stop, then the rest as written):
/// pcs files a monitor op first whatever order it is given, and both
/// backends must produce the same CIB.
pub(super) fn canonical_ops(ops: &[model::Op]) -> Vec<Op> {
    let rank = |n: &str| {
        ["monitor", "start", "stop"]
            .iter()
            .position(|o| *o == n)
            .unwrap_or(3)
    };
    let mut v: Vec<&model::Op> = ops.iter().collect();
    v.sort_by_key(|o| rank(&o.name));
    v.into_iter().map(op).collect()
}

fn op(o: &model::Op) -> Op {
    Op {
        name: o.name.clone(),
        interval: o.interval.unwrap_or(Duration::ZERO),
        timeout: o.timeout,
    }
}

/// The primitive `id` that runs `res`: `defaults` are the params glha
/// fills in, which the spec's own params (secrets registered under
/// `secret_scope.KEY`) replace or extend.
pub(super) fn primitive(
    id: String,
    res: &model::Resource,
    params: Vec<(String, Value)>,
    secret_scope: &str,
    secrets: &mut Secrets,
) -> Primitive {
    let own = res
        .params
        .iter()
        .map(|(k, p)| (k.clone(), secrets.param(format!("{secret_scope}.{k}"), p)))
        .collect();
    Primitive {
        id,
        agent: res.agent.value.clone(),
        params: overlay(params, own),
        meta: res
            .meta
            .iter()
            .map(|(k, v)| (k.clone(), v.value.clone()))
            .collect(),
        ops: canonical_ops(&with_advised_monitor(res)),
    }
}

/// The monitor of an agent no imported module describes: the stdlib's
/// advice for systemd units (Pacemaker's systemd class advises 100s for
/// every operation; every minute is what pcs files by default).
const FALLBACK_MONITOR: (u16, u16) = (60, 100);

/// The spec's ops, plus the monitor the agent advises (or the fallback)
/// when the spec writes none: without a recurring monitor Pacemaker never
/// notices the resource has died, and pcs (which always files a monitor)
/// and crm would build different CIBs.
fn with_advised_monitor(res: &model::Resource) -> Vec<model::Op> {
    let mut ops = res.ops.clone();
    if ops.iter().any(|o| o.name == "monitor") {
        return ops;
    }
    let advised = res.agent_info.as_ref().and_then(|i| {
        i.advise
            .iter()
            .find(|(o, _, interval)| o == "monitor" && interval.is_some())
    });
    let (interval, timeout) = match advised {
        Some((_, timeout, interval)) => (*interval, *timeout),
        None => (
            Some(Duration::seconds(FALLBACK_MONITOR.0)),
            Some(Duration::seconds(FALLBACK_MONITOR.1)),
        ),
    };
    ops.push(model::Op {
        name: "monitor".into(),
        interval,
        timeout,
        span: res.agent.span,
    });
    ops
}

pub(super) fn pacemaker(spec: &Spec, secrets: &mut Secrets) -> Pacemaker {
    let mut pm = Pacemaker::default();
    pm.comments.push(Comment::from(format!(
        "glance-api ({}) for OpenStack {}",
        mode_name(spec.service.mode),
        spec.release
    )));
    fencing(spec, secrets, &mut pm);
    let own = spec
        .properties
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .collect();
    pm.properties = overlay(std::mem::take(&mut pm.properties), own);
    let mount = mount(spec, secrets, &mut pm);
    let vips = vips(spec, &mut pm);
    let (service, clone_meta) = service(spec, secrets);
    let service_id = service.id.clone();
    pm.primitives.push(service);
    match spec.service.mode {
        Mode::ActivePassive => {
            let mut members: Vec<String> = mount.into_iter().chain(vips).collect();
            if let Some(hp) = &spec.haproxy {
                pm.primitives.push(haproxy_primitive(hp));
                members.push(ids::HAPROXY.into());
                pm.comments.push(
                    format!(
                        "HAProxy ({}) runs in {} after the VIPs and listens on them;\n\
                     glance-api, last, listens on 127.0.0.1 behind it",
                        ids::HAPROXY,
                        ids::group(&spec.service.name.value)
                    )
                    .into(),
                );
            }
            group(spec, members, service_id, &mut pm)
        }
        Mode::ActiveActive => {
            if let Some(m) = mount {
                mount_clone(spec, m, &mut pm);
            }
            clones(spec, &vips, service_id, clone_meta, &mut pm)
        }
    }
    pm
}

/// A file store's mount: an `ocf:heartbeat:Filesystem` primitive with the
/// agent's defaults for everything glha does not set (`fast_stop`,
/// `force_unmount`); returns its id.
fn mount(spec: &Spec, secrets: &mut Secrets, pm: &mut Pacemaker) -> Option<String> {
    let Some(model::StoreDecl::Store(store)) = &spec.store else {
        return None;
    };
    let model::Backend::File(model::FileStore {
        sharing: model::Sharing::Mount(m),
        ..
    }) = &store.backend
    else {
        return None;
    };
    let res = model::Resource {
        agent: model::Agent {
            value: AgentRef::ocf("heartbeat", "Filesystem"),
            span: m.span,
        },
        agent_info: m.agent_info.clone(),
        ops: m.ops.clone(),
        meta: vec![],
        params: vec![],
    };
    let mut params = vec![
        ("device".to_string(), Value::plain(&m.device.value)),
        ("directory".to_string(), Value::plain(&m.directory.value)),
        ("fstype".to_string(), Value::plain(&m.fstype.value)),
    ];
    if let Some(o) = &m.options {
        params.push(("options".to_string(), Value::plain(&o.value)));
    }
    let svc = &spec.service.name.value;
    let id = ids::mount(svc);
    pm.primitives
        .push(primitive(id.clone(), &res, params, "store.mount", secrets));
    let comment = match spec.service.mode {
        Mode::ActivePassive => format!(
            "The image store: {id} mounts {} on {} first in {}:\n\
             the VIP comes up, and glance-api starts, only on a node that can serve the images",
            m.device.value,
            m.directory.value,
            ids::group(svc)
        ),
        Mode::ActiveActive => format!(
            "The image store: {id} mounts {} on {} on every node ({});\n\
             glance-api starts on a node only after the mount, and only where it is mounted",
            m.device.value,
            m.directory.value,
            ids::mount_clone(svc)
        ),
    };
    pm.comments.push(comment.into());
    Some(id)
}

/// Active/active: the mount cloned on every node, the service's clone
/// after it and only where it runs.
fn mount_clone(spec: &Spec, mount: String, pm: &mut Pacemaker) {
    let svc = &spec.service.name.value;
    let clone_id = ids::mount_clone(svc);
    pm.clones.push(Clone {
        id: clone_id.clone(),
        resource: mount,
        meta: clone_meta_with(&[]),
    });
    pm.orders.push(Order {
        id: ids::mount_before(svc),
        first: clone_id.clone(),
        then: ids::clone(svc),
        kind: OrderKind::Mandatory,
    });
    pm.colocations.push(Colocation {
        id: ids::with_mount(svc),
        resource: ids::clone(svc),
        with: clone_id,
        score: Score::Infinity,
    });
}

/// Fencing devices, each kept off the one node it fences, or the waiver's
/// reason as a comment.
fn fencing(spec: &Spec, secrets: &mut Secrets, pm: &mut Pacemaker) {
    let devs = match &spec.fencing {
        Fencing::Waived(reason) => {
            // The spec's string, shared: it can be as long as the spec.
            pm.comments.push(Comment {
                lead: "fencing waived: ",
                text: reason.value.clone(),
            });
            return;
        }
        Fencing::Devices(devs) => devs,
    };
    pm.properties
        .push(("stonith-enabled".into(), "true".into()));
    for d in devs {
        let id = ids::fence_device(&d.name.value);
        let mut params: Vec<(String, Value)> = d
            .params
            .iter()
            .map(|(k, p)| (k.clone(), secrets.param(format!("fencing.{id}.{k}"), p)))
            .collect();
        if !d.targets.is_empty() && !d.params.iter().any(|(k, _)| k == "pcmk_host_list") {
            params.push(("pcmk_host_list".into(), Value::plain(d.targets.join(","))));
        }
        pm.primitives.push(Primitive {
            id: id.clone(),
            agent: d.agent.value.clone(),
            params,
            meta: vec![],
            ops: vec![Op {
                name: "monitor".into(),
                interval: d.monitor_interval,
                timeout: None,
            }],
        });
        // A device must not run on the node it fences: that node cannot
        // fence itself when it hangs.
        if let [only] = d.targets.as_slice() {
            pm.locations.push(Location {
                id: ids::avoid(&id, only),
                resource: id.clone(),
                node: only.clone(),
                score: Score::MinusInfinity,
            });
        }
    }
}

/// One IPaddr2 primitive per VIP of the service; returns their ids.
fn vips(spec: &Spec, pm: &mut Pacemaker) -> Vec<String> {
    let svc = &spec.service;
    let mut out = Vec::new();
    for vip in svc.vips.iter().filter_map(|&v| spec.vips.get(v)) {
        let mut params = vec![
            ("ip".to_string(), Value::plain(vip.address.to_string())),
            (
                "cidr_netmask".to_string(),
                Value::plain(vip.prefix.to_string()),
            ),
        ];
        if let Some(nic) = &vip.nic {
            params.push(("nic".into(), Value::plain(&nic.value)));
        }
        let id = ids::vip(&svc.name.value, &vip.name.value, svc.vips.len() == 1);
        pm.primitives.push(Primitive {
            id: id.clone(),
            agent: AgentRef::ipaddr2(),
            params,
            meta: vec![],
            ops: vec![Op {
                name: "monitor".into(),
                interval: Duration::seconds(10),
                timeout: Some(Duration::seconds(20)),
            }],
        });
        out.push(id);
    }
    out
}

/// The service's primitive, and (active/active) the meta attributes that
/// belong on its clone instead (the checker refuses them in
/// active/passive).
fn service(spec: &Spec, secrets: &mut Secrets) -> (Primitive, Pairs) {
    let svc = &spec.service;
    let mut defaults = Vec::new();
    if svc.resource.agent.value == AgentRef::ocf("openstack", "glance-api") {
        defaults.push(("config".to_string(), Value::plain(&svc.config.value)));
        if let Some(k) = &spec.keystone {
            defaults.push((
                "os_password".into(),
                secrets.value("keystone.password".into(), &k.password),
            ));
            defaults.push(("os_username".into(), Value::plain(&k.username.value)));
            defaults.push(("os_tenant_name".into(), Value::plain(&k.project.value)));
            defaults.push(("os_auth_url".into(), Value::plain(&k.auth_url.value)));
        }
    }
    let mut p = primitive(
        ids::service(&svc.name.value),
        &svc.resource,
        defaults,
        "service",
        secrets,
    );
    let (clone_meta, meta): (Pairs, Pairs) = std::mem::take(&mut p.meta)
        .into_iter()
        .partition(|(k, _)| svc.mode == Mode::ActiveActive && CLONE_META.contains(&k.as_str()));
    p.meta = meta;
    (p, clone_meta)
}

/// Active/passive: the mount, the VIPs, HAProxy (when it is in front) and
/// the service in one group, in that order.
fn group(spec: &Spec, mut members: Vec<String>, service: String, pm: &mut Pacemaker) {
    members.push(service);
    if members.len() > 1 {
        pm.groups.push(Group {
            id: ids::group(&spec.service.name.value),
            members,
            meta: vec![],
        });
    }
}

/// Active/active: the service cloned, and HAProxy in front of it.
fn clones(spec: &Spec, vips: &[String], service: String, own: Pairs, pm: &mut Pacemaker) {
    pm.clones.push(Clone {
        id: ids::clone(&spec.service.name.value),
        resource: service,
        meta: clone_meta_with(&own),
    });
    if let Some(hp) = &spec.haproxy {
        haproxy(pm, hp, vips);
    }
}

/// `interleave=true` (each clone instance depends only on the local
/// instances of the clones it is ordered with), then the spec's own clone
/// meta attributes, which may override it.
pub(super) fn clone_meta_with(own: &[(String, String)]) -> Vec<(String, String)> {
    overlay(
        vec![("interleave".to_string(), "true".to_string())],
        own.to_vec(),
    )
}

/// HAProxy's primitive: the monitor at the spec's interval, the agent's
/// advised timeouts.
fn haproxy_primitive(hp: &model::Haproxy) -> Primitive {
    let advised = |op: &str| {
        hp.agent_info
            .as_ref()
            .and_then(|i| i.advise.iter().find(|(o, _, _)| o == op))
            .and_then(|(_, t, _)| *t)
    };
    let mut ops = vec![model::Op {
        name: "monitor".into(),
        interval: Some(hp.monitor_interval),
        timeout: advised("monitor"),
        span: hp.span,
    }];
    for op in ["start", "stop"] {
        if let Some(t) = advised(op) {
            ops.push(model::Op {
                name: op.into(),
                interval: None,
                timeout: Some(t),
                span: hp.span,
            });
        }
    }
    Primitive {
        id: ids::HAPROXY.into(),
        agent: hp.agent.value.clone(),
        params: vec![],
        meta: vec![],
        ops: canonical_ops(&ops),
    }
}

/// Active/active: HAProxy cloned on every node, each VIP on a node whose
/// HAProxy runs, and started only after it.
pub(super) fn haproxy(pm: &mut Pacemaker, hp: &model::Haproxy, vips: &[String]) {
    pm.primitives.push(haproxy_primitive(hp));
    pm.clones.push(Clone {
        id: ids::HAPROXY_CLONE.into(),
        resource: ids::HAPROXY.into(),
        meta: clone_meta_with(&[]),
    });
    for vip in vips {
        pm.colocations.push(Colocation {
            id: ids::vip_with_haproxy(vip),
            resource: vip.clone(),
            with: ids::HAPROXY_CLONE.into(),
            score: Score::Infinity,
        });
        pm.orders.push(Order {
            id: ids::haproxy_before(vip),
            first: ids::HAPROXY_CLONE.into(),
            then: vip.clone(),
            kind: OrderKind::Mandatory,
        });
    }
    pm.comments.push(Comment::from(format!(
        "HAProxy ({}) listens on the VIPs at the API port on every node\n\
         and balances to each node's glance-api, which binds the node's own address",
        ids::HAPROXY_CLONE
    )));
}

#[cfg(test)]
mod tests {
    use super::overlay;

    fn pairs(v: &[(&str, i32)]) -> Vec<(String, i32)> {
        v.iter().map(|(k, n)| (k.to_string(), *n)).collect()
    }

    /// The same as replacing key by key: what the spec sets goes last, in
    /// its order, and the last of a repeated key counts.
    #[test]
    fn overlay_is_replacing_key_by_key() {
        let base = pairs(&[("a", 1), ("b", 2), ("c", 3)]);
        let own = pairs(&[("c", 30), ("d", 40), ("a", 10), ("d", 41)]);
        let mut slow = base.clone();
        for (k, v) in &own {
            slow.retain(|(sk, _)| sk != k);
            slow.push((k.clone(), *v));
        }
        assert_eq!(overlay(base, own), slow);
        assert_eq!(slow, pairs(&[("b", 2), ("c", 30), ("a", 10), ("d", 41)]));
    }
}
