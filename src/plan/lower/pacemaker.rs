//! The Pacemaker part of the plan: fencing, VIPs, the service, its group
//! or clones, HAProxy in active/active, constraints and properties.

use super::*;
use crate::check::fmt_ms;
use crate::model::{self, Fencing, Mode, Spec, CLONE_META};
use crate::plan::*;

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

pub(super) fn op(o: &model::Op) -> Op {
    Op {
        name: o.name.clone(),
        interval: fmt_ms(o.interval_ms.unwrap_or(0)),
        timeout: o.timeout_ms.map(fmt_ms),
    }
}

/// Resource ids: `p_ip_<svc>` for the service's one VIP, `p_ip_<svc>_<vip>`
/// when it has several; `p_<svc>`, `g_<svc>`.
pub(super) fn vip_id(spec: &Spec, vip: usize) -> String {
    let svc = &spec.service.name.value;
    if spec.service.vips.len() == 1 {
        format!("p_ip_{svc}")
    } else {
        format!("p_ip_{svc}_{}", spec.vips[vip].name.value)
    }
}

type Meta = Vec<(String, String)>;

pub(super) fn pacemaker(spec: &Spec, secrets: &mut Secrets) -> Pacemaker {
    let mut pm = Pacemaker::default();
    let svc = &spec.service;
    let name = &svc.name.value;
    pm.comments.push(format!(
        "glance-api ({}) for OpenStack {}",
        mode_name(svc.mode),
        spec.release
    ));
    match &spec.fencing {
        Fencing::Waived(reason) => pm
            .comments
            .push(format!("fencing waived: {}", reason.value)),
        Fencing::Devices(devs) => {
            pm.properties
                .push(("stonith-enabled".into(), "true".into()));
            for d in devs {
                let id = d.name.value.clone();
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
                    agent: format!("stonith:{}", d.agent.value),
                    params,
                    meta: vec![],
                    ops: vec![Op {
                        name: "monitor".into(),
                        interval: fmt_ms(d.monitor_interval_ms),
                        timeout: None,
                    }],
                });
                // A device must not run on the node it fences: that node
                // cannot fence itself when it hangs.
                if let [only] = d.targets.as_slice() {
                    pm.locations.push(Location {
                        id: format!("l_{id}_avoid_{only}"),
                        resource: id.clone(),
                        node: only.clone(),
                        score: "-INFINITY".into(),
                    });
                }
            }
        }
    }
    for (k, v) in &spec.properties {
        pm.properties.retain(|(pk, _)| pk != k);
        pm.properties.push((k.clone(), v.value.clone()));
    }
    let mut members = Vec::new();
    for &v in &svc.vips {
        let vip = &spec.vips[v];
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
        let id = vip_id(spec, v);
        pm.primitives.push(Primitive {
            id: id.clone(),
            agent: "ocf:heartbeat:IPaddr2".into(),
            params,
            meta: vec![],
            ops: vec![Op {
                name: "monitor".into(),
                interval: "10s".into(),
                timeout: Some("20s".into()),
            }],
        });
        members.push(id);
    }
    let mut params = Vec::new();
    if svc.agent.pacemaker() == "ocf:openstack:glance-api" {
        params.push(("config".to_string(), Value::plain(&svc.config.value)));
        if let Some(k) = &spec.keystone {
            params.push((
                "os_password".into(),
                secrets.value("keystone.password".into(), &k.password),
            ));
            params.push(("os_username".into(), Value::plain(&k.username.value)));
            params.push(("os_tenant_name".into(), Value::plain(&k.project.value)));
            params.push(("os_auth_url".into(), Value::plain(&k.auth_url.value)));
        }
    }
    for (k, p) in &svc.params {
        params.retain(|(pk, _)| pk != k);
        params.push((k.clone(), secrets.param(format!("service.{k}"), p)));
    }
    let pid = format!("p_{name}");
    // Clone meta attributes go on the clone (the checker refuses them in
    // active/passive).
    let (clone_meta, meta): (Meta, Meta) = svc
        .meta
        .iter()
        .map(|(k, v)| (k.clone(), v.value.clone()))
        .partition(|(k, _)| svc.mode == Mode::ActiveActive && CLONE_META.contains(&k.as_str()));
    pm.primitives.push(Primitive {
        id: pid.clone(),
        agent: svc.agent.pacemaker(),
        params,
        meta,
        ops: canonical_ops(&svc.ops),
    });
    match svc.mode {
        Mode::ActivePassive => {
            members.push(pid);
            if members.len() > 1 {
                pm.groups.push(Group {
                    id: format!("g_{name}"),
                    members,
                    meta: vec![],
                });
            }
        }
        Mode::ActiveActive => {
            pm.clones.push(Clone {
                id: format!("cl_{name}"),
                resource: pid,
                meta: clone_meta_with(&clone_meta),
            });
            if let Some(hp) = &spec.haproxy {
                haproxy(&mut pm, hp, &members);
            }
        }
    }
    pm
}

/// `interleave=true` (each clone instance depends only on the local
/// instances of the clones it is ordered with), then the spec's own clone
/// meta attributes, which may override it.
pub(super) fn clone_meta_with(own: &[(String, String)]) -> Vec<(String, String)> {
    let mut meta = vec![("interleave".to_string(), "true".to_string())];
    for (k, v) in own {
        meta.retain(|(mk, _)| mk != k);
        meta.push((k.clone(), v.clone()));
    }
    meta
}

/// Active/active: HAProxy cloned on every node, each VIP on a node whose
/// HAProxy runs, and started only after it.
pub(super) fn haproxy(pm: &mut Pacemaker, hp: &model::Haproxy, vips: &[String]) {
    let advised = |op: &str| {
        hp.agent_info
            .as_ref()
            .and_then(|i| i.advise.iter().find(|(o, _, _)| o == op))
            .and_then(|(_, t, _)| *t)
    };
    let mut ops = vec![model::Op {
        name: "monitor".into(),
        interval_ms: Some(hp.monitor_interval_ms),
        timeout_ms: advised("monitor"),
        span: hp.span,
    }];
    for op in ["start", "stop"] {
        if let Some(t) = advised(op) {
            ops.push(model::Op {
                name: op.into(),
                interval_ms: None,
                timeout_ms: Some(t),
                span: hp.span,
            });
        }
    }
    pm.primitives.push(Primitive {
        id: "p_haproxy".into(),
        agent: hp.agent.pacemaker(),
        params: vec![],
        meta: vec![],
        ops: canonical_ops(&ops),
    });
    pm.clones.push(Clone {
        id: "cl_haproxy".into(),
        resource: "p_haproxy".into(),
        meta: clone_meta_with(&[]),
    });
    for vip in vips {
        pm.colocations.push(Colocation {
            id: format!("c_{vip}_with_haproxy"),
            resource: vip.clone(),
            with: "cl_haproxy".into(),
        });
        pm.orders.push(Order {
            id: format!("o_haproxy_before_{vip}"),
            first: "cl_haproxy".into(),
            then: vip.clone(),
        });
    }
    pm.comments.push(
        "HAProxy (cl_haproxy) listens on the VIPs at the API port on every node\n\
         and balances to each node's glance-api, which binds the node's own address"
            .into(),
    );
}

/// A duration as HAProxy writes it (it has no `min`).
pub(super) fn haproxy_time(ms: u64) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}
