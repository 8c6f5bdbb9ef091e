//! HAProxy's `listen` section, from the listeners: its binds are the
//! listeners HAProxy terminates, its servers the glance-api listeners
//! behind it.

use crate::model::{Mode, Spec};
use crate::plan::listener::{Holder, Listener, Terminator};
use crate::plan::*;
use crate::release::settings::{exists, Setting};

/// Connection attempts after a failed one. With `option redispatch 1`
/// each goes to another server, so a request that meets a glance-api that
/// just died goes to a live one instead of failing with 503 in the seconds
/// before the health checks mark it down (`check_interval` × `fall`).
const RETRIES: u32 = 3;

/// `timeout http-request`: the time a client has to send a request's
/// headers, and that an idle keep-alive connection is kept. Without it both
/// would be the (long) client timeout.
const HTTP_REQUEST: Duration = Duration::seconds(30);

/// HAProxy's section and the kernel setting it needs, when it is in front.
pub(super) fn balancer(spec: &Spec, listeners: &[Listener]) -> Option<Balancer> {
    let hp = spec.haproxy.as_ref()?;
    let svc = &spec.service;
    let binds: Vec<Bind> = listeners
        .iter()
        .filter(|l| l.terminator == Terminator::Haproxy)
        .map(|l| Bind {
            address: l.address,
            port: l.port,
            certificate: l.certificate.clone(),
        })
        .collect();
    let servers: Vec<Server> = listeners
        .iter()
        .filter_map(|l| {
            let name = match (&l.terminator, &l.holder) {
                (Terminator::GlanceApi, Holder::Node { name }) => name.clone(),
                (Terminator::GlanceApi, Holder::Loopback) => "local".to_string(),
                _ => return None,
            };
            Some(Server {
                name,
                address: l.address,
                port: l.port,
            })
        })
        .collect();
    let mut sysctl = Vec::new();
    // Active/active: HAProxy binds every VIP on every node, also where the
    // VIP is not up. Active/passive: HAProxy starts after the VIPs in the
    // group, on their node; it needs nothing.
    if svc.mode == Mode::ActiveActive {
        if binds.iter().any(|b| b.address.is_ipv4()) {
            sysctl.push(("net.ipv4.ip_nonlocal_bind".to_string(), "1".to_string()));
        }
        if binds.iter().any(|b| b.address.is_ipv6()) {
            sysctl.push(("net.ipv6.ip_nonlocal_bind".to_string(), "1".to_string()));
        }
    }
    let mut notes = Vec::new();
    if !exists(Setting::BindHost, spec.release) {
        let own = match svc.mode {
            Mode::ActiveActive => "the node's own address",
            Mode::ActivePassive => "127.0.0.1",
        };
        notes.push(format!(
            "glance-api.conf in {} has no bind_host or bind_port: glance-api runs under\n\
             a WSGI server (uWSGI, mod_wsgi) whose own configuration sets where it\n\
             listens. Make it listen on {own} at port {}, never on a\n\
             VIP or on 0.0.0.0 or [::]: HAProxy holds the VIPs.",
            spec.release, svc.port
        ));
    }
    Some(Balancer {
        name: svc.name.value.clone(),
        target: hp.config.value.clone(),
        binds,
        balance: hp.balance.clone(),
        check_path: "/healthcheck".into(),
        check_status: 200,
        check_interval: hp.check_interval,
        rise: hp.rise,
        fall: hp.fall,
        timeouts: Timeouts {
            client: hp.timeout_client,
            server: hp.timeout_server,
            connect: hp.timeout_connect,
            http_request: HTTP_REQUEST,
        },
        retries: RETRIES,
        servers,
        sysctl,
        sysctl_target: format!("/etc/sysctl.d/60-glha-{}.conf", svc.name.value),
        notes,
    })
}
