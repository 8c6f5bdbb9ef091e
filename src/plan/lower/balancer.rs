//! The HAProxy `listen` section of active/active mode.

use crate::model::{Mode, Spec};
use crate::plan::*;
use crate::release::settings::{exists, Setting};

/// Active/active: HAProxy's section and the kernel setting it needs.
pub(super) fn balancer(spec: &Spec) -> Option<Balancer> {
    let hp = spec.haproxy.as_ref()?;
    if spec.service.mode != Mode::ActiveActive {
        return None;
    }
    let svc = &spec.service;
    let binds: Vec<std::net::IpAddr> = svc.vips.iter().map(|&v| spec.vips[v].address).collect();
    let mut sysctl = Vec::new();
    // HAProxy binds every VIP on every node, also where the VIP is not up.
    if binds.iter().any(|a| a.is_ipv4()) {
        sysctl.push(("net.ipv4.ip_nonlocal_bind".to_string(), "1".to_string()));
    }
    if binds.iter().any(|a| a.is_ipv6()) {
        sysctl.push(("net.ipv6.ip_nonlocal_bind".to_string(), "1".to_string()));
    }
    let mut notes = Vec::new();
    if !exists(Setting::BindHost, spec.release) {
        notes.push(format!(
            "glance-api.conf in {} has no bind_host or bind_port: glance-api runs under\n\
             a WSGI server (uWSGI, mod_wsgi) whose own configuration sets where it\n\
             listens. Make it listen on the node's own address at port {}, never on a\n\
             VIP or on 0.0.0.0 or [::]: HAProxy holds that port on the VIP.",
            spec.release, svc.port
        ));
    }
    Some(Balancer {
        name: svc.name.value.clone(),
        target: hp.config.value.clone(),
        binds,
        port: svc.port,
        balance: hp.balance.clone(),
        check_path: "/healthcheck".into(),
        check_status: 200,
        check_interval: hp.check_interval,
        rise: hp.rise,
        fall: hp.fall,
        servers: spec
            .nodes
            .iter()
            .map(|n| Server {
                name: n.name.value.clone(),
                address: n.address,
            })
            .collect(),
        sysctl,
        sysctl_target: format!("/etc/sysctl.d/60-glha-{}.conf", svc.name.value),
        notes,
    })
}
