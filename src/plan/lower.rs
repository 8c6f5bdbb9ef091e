//! Spec → plan: the Pacemaker resources and constraints, the ini settings
//! by release, the catalog entries and the secrets they refer to.

use super::*;
use crate::check::fmt_ms;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::{self, ConsumerKind, Discovery, Fencing, Mode, Param, Secret, Spec, CLONE_META};
use crate::release::settings::{exists, row_of, Setting};
use crate::release::Release;

/// Lowers a checked spec. May add release-specific warnings.
pub fn lower(spec: &Spec, diags: &mut Diagnostics) -> Plan {
    let mut secrets = Secrets::default();
    let pacemaker = pacemaker(spec, &mut secrets);
    let mut ini = Vec::new();
    match spec.service.mode {
        Mode::ActivePassive => ini.push(glance_api(spec, None, &mut secrets, diags)),
        // Active/active: one complete file per node, each binding that
        // node's address. Release warnings are said once, not per node.
        Mode::ActiveActive => {
            for (i, n) in spec.nodes.iter().enumerate() {
                let mut quiet = Diagnostics::default();
                let d = if i == 0 { &mut *diags } else { &mut quiet };
                ini.push(glance_api(spec, Some(n), &mut secrets, d));
            }
        }
    }
    for c in &spec.consumers {
        ini.push(consumer(spec, c, diags));
    }
    let catalog = spec.endpoints.as_ref().map(|e| Catalog {
        service_name: e.service_name.clone(),
        service_type: "image".into(),
        region: e.region.value.clone(),
        endpoints: [
            ("public", Some(&e.public)),
            ("internal", Some(&e.internal)),
            ("admin", e.admin.as_ref()),
        ]
        .into_iter()
        .filter_map(|(i, ep)| ep.map(|ep| (i.to_string(), ep.url())))
        .collect(),
    });
    Plan {
        release: spec.release,
        pacemaker,
        ini,
        catalog,
        secrets: secrets.0,
        balancer: balancer(spec),
    }
}

#[derive(Default)]
struct Secrets(Vec<SecretRef>);

impl Secrets {
    /// Registers a secret under `id`; returns the id.
    fn add(&mut self, id: String, s: &Secret) -> String {
        let source = match s {
            Secret::Literal(t) => SecretSource::Literal(t.value.clone()),
            Secret::Env(t) => SecretSource::Env(t.value.clone()),
            Secret::File(t) => SecretSource::File(t.value.clone()),
        };
        if !self.0.iter().any(|r| r.id == id) {
            self.0.push(SecretRef {
                id: id.clone(),
                source,
            });
        }
        id
    }
    fn value(&mut self, id: String, s: &Secret) -> Value {
        Value::secret(self.add(id, s))
    }
    fn param(&mut self, id: String, p: &Param) -> Value {
        match p {
            Param::Text(t) => Value::plain(&t.value),
            Param::Secret(s) => self.value(id, s),
        }
    }
}

/// Ops in one fixed order (monitor, start, stop, then the rest as written):
/// pcs files a monitor op first whatever order it is given, and both
/// backends must produce the same CIB.
fn canonical_ops(ops: &[model::Op]) -> Vec<Op> {
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
        interval: fmt_ms(o.interval_ms.unwrap_or(0)),
        timeout: o.timeout_ms.map(fmt_ms),
    }
}

/// Resource ids: `p_ip_<svc>` for the service's one VIP, `p_ip_<svc>_<vip>`
/// when it has several; `p_<svc>`, `g_<svc>`.
fn vip_id(spec: &Spec, vip: usize) -> String {
    let svc = &spec.service.name.value;
    if spec.service.vips.len() == 1 {
        format!("p_ip_{svc}")
    } else {
        format!("p_ip_{svc}_{}", spec.vips[vip].name.value)
    }
}

type Meta = Vec<(String, String)>;

fn pacemaker(spec: &Spec, secrets: &mut Secrets) -> Pacemaker {
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
fn clone_meta_with(own: &[(String, String)]) -> Vec<(String, String)> {
    let mut meta = vec![("interleave".to_string(), "true".to_string())];
    for (k, v) in own {
        meta.retain(|(mk, _)| mk != k);
        meta.push((k.clone(), v.clone()));
    }
    meta
}

/// Active/active: HAProxy cloned on every node, each VIP on a node whose
/// HAProxy runs, and started only after it.
fn haproxy(pm: &mut Pacemaker, hp: &model::Haproxy, vips: &[String]) {
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
fn haproxy_time(ms: u64) -> String {
    if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// Active/active: HAProxy's section and the kernel setting it needs.
fn balancer(spec: &Spec) -> Option<Balancer> {
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
        check_interval: haproxy_time(hp.check_interval_ms),
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

fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::ActivePassive => "active/passive",
        Mode::ActiveActive => "active/active",
    }
}

/// Percent-encodes URL userinfo (RFC 3986: unreserved characters stay).
pub(crate) fn userinfo(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Ini<'a> {
    file: IniFile,
    release: Release,
    _spec: &'a Spec,
}

impl Ini<'_> {
    fn set(&mut self, s: Setting, v: Value) {
        if exists(s, self.release) {
            let r = row_of(s);
            self.file.settings.push(IniSetting {
                section: r.section.into(),
                key: r.key.into(),
                values: vec![v],
            });
        }
    }
    /// Sets a setting only where it is not deprecated: for settings glha
    /// writes only for the releases that need them (glance-registry).
    fn set_current(&mut self, s: Setting, v: Value) {
        if crate::release::settings::availability(s, self.release)
            == crate::release::settings::Availability::Current
        {
            self.set(s, v);
        }
    }
    fn remove(&mut self, s: Setting, why: &str) {
        let r = row_of(s);
        self.file
            .remove
            .push((r.section.into(), r.key.into(), why.into()));
    }
}

fn seed_warning(
    spec: &Spec,
    span: crate::source::Span,
    message: String,
    help: &str,
    diags: &mut Diagnostics,
) {
    // The HA guide targets Ocata; for the releases of its era glha says
    // where its output departs from the guide's settings.
    if spec.release <= Release::Queens {
        diags.push(
            Diagnostic::warning(&codes::SEED_DIFFERENCE, span, message).help(help.to_string()),
        );
    }
}

/// glance-api.conf: for every node (`node` None, active/passive) or for one
/// node (active/active).
fn glance_api(
    spec: &Spec,
    node: Option<&model::Node>,
    secrets: &mut Secrets,
    diags: &mut Diagnostics,
) -> IniFile {
    let rel = spec.release;
    let svc = &spec.service;
    let mut ini = Ini {
        file: IniFile {
            service: "glance-api".into(),
            node: node.map(|n| n.name.value.clone()),
            target: svc.config.value.clone(),
            settings: vec![],
            remove: vec![],
        },
        release: rel,
        _spec: spec,
    };
    if let Some(db) = &spec.database {
        let user = userinfo(&db.user.value);
        let port = db.port.map(|p| format!(":{p}")).unwrap_or_default();
        let pw = secrets.add(format!("database.{}.password", db.name.value), &db.password);
        let url = Value::Template(vec![
            Part::Lit(format!("{}://{user}:", db.driver.value)),
            Part::UrlSecret(pw),
            Part::Lit(format!("@{}{port}/{}", db.host.url_host(), db.name.value)),
        ]);
        ini.set(Setting::DbConnection, url);
        if exists(Setting::SqlConnection, rel) {
            ini.remove(
                Setting::SqlConnection,
                "deprecated alias of [database] connection (removed in 2024.1)",
            );
        }
        seed_warning(spec, db.name.span, "glha writes `[database] connection`, not the guide's `sql_connection`".into(), "sql_connection is a deprecated alias since before Ocata and was removed in 2024.1; a live sql_connection is listed for removal", diags);
    }
    // The standalone server binds the VIP in active/passive (the seed); with
    // several VIPs only the wildcard address serves them all.
    if svc.mode == Mode::ActivePassive {
        let bind = match svc.vips.as_slice() {
            [one] => spec.vips[*one].address.to_string(),
            many if many.iter().any(|v| spec.vips[*v].address.is_ipv6()) => "::".to_string(),
            _ => "0.0.0.0".to_string(),
        };
        ini.set(Setting::BindHost, Value::plain(bind));
        ini.set(Setting::BindPort, Value::plain(svc.port.to_string()));
        if let Some(&v) = svc.vips.first() {
            ini.set_current(
                Setting::RegistryHost,
                Value::plain(spec.vips[v].address.to_string()),
            );
        }
    }
    // Active/active: glance-api binds this node's address (HAProxy holds the
    // API port on the VIP), and learns the public URL from the proxy.
    if let (Mode::ActiveActive, Some(n)) = (svc.mode, node) {
        let addr = n.address.to_string();
        let url_host = match n.address {
            std::net::IpAddr::V6(_) => format!("[{addr}]"),
            _ => addr.clone(),
        };
        ini.set(Setting::BindHost, Value::plain(&addr));
        ini.set(Setting::BindPort, Value::plain(svc.port.to_string()));
        // A glance-registry, where the release has one, runs beside each
        // glance-api; HAProxy balances only the Image API.
        ini.set_current(Setting::RegistryHost, Value::plain(&addr));
        let public = spec.endpoints.as_ref().map(|e| e.public.url()).or_else(|| {
            svc.vips.first().map(|&v| {
                let h = crate::model::Host {
                    name: spec.vips[v].address.to_string(),
                    ip: Some(spec.vips[v].address),
                    vip: None,
                    span: n.address_span,
                };
                format!("http://{}:{}", h.url_host(), svc.port)
            })
        });
        if let Some(url) = public {
            ini.set(Setting::PublicEndpoint, Value::plain(url));
        }
        ini.set(
            Setting::WorkerSelfReferenceUrl,
            Value::plain(format!("http://{url_host}:{}", svc.port)),
        );
        ini.set(Setting::ProxyHeadersParsing, Value::plain("true"));
    }
    if let Some(r) = &spec.rabbit {
        let mut parts = vec![Part::Lit("rabbit://".into())];
        for (i, h) in r.hosts.iter().enumerate() {
            if i > 0 {
                parts.push(Part::Lit(",".into()));
            }
            if let Some(u) = &r.user {
                parts.push(Part::Lit(userinfo(&u.value)));
                if let Some(p) = &r.password {
                    parts.push(Part::Lit(":".into()));
                    parts.push(Part::UrlSecret(secrets.add("rabbitmq.password".into(), p)));
                }
                parts.push(Part::Lit("@".into()));
            }
            parts.push(Part::Lit(format!("{}:{}", h.url_host(), r.port)));
        }
        let vhost = r
            .vhost
            .as_ref()
            .map(|v| userinfo(v.value.trim_start_matches('/')))
            .unwrap_or_default();
        parts.push(Part::Lit(format!("/{vhost}")));
        let value = if parts.iter().all(|p| matches!(p, Part::Lit(_))) {
            Value::Plain(
                parts
                    .iter()
                    .map(|p| if let Part::Lit(s) = p { s.as_str() } else { "" })
                    .collect(),
            )
        } else {
            Value::Template(merge_lits(parts))
        };
        ini.set(Setting::TransportUrl, value);
        ini.set(Setting::NotificationDriver, Value::plain("messagingv2"));
        if exists(Setting::RabbitHost, rel) {
            ini.remove(
                Setting::RabbitHost,
                "deprecated since Newton, removed in Stein; transport_url replaces it",
            );
        }
        seed_warning(spec, r.span, "glha writes `transport_url` and `[oslo_messaging_notifications] driver`, not the guide's `rabbit_host` and `notifier_strategy`".into(), "notifier_strategy was removed in Juno (2014) and rabbit_host is deprecated since Newton (removed in Stein)", diags);
    }
    if let Some(k) = &spec.keystone {
        let base = identity_base(&k.auth_url.value);
        if exists(Setting::WwwAuthenticateUri, rel) {
            ini.set(Setting::WwwAuthenticateUri, Value::plain(&base));
        } else {
            ini.set(Setting::AuthUri, Value::plain(&base));
        }
        ini.set(Setting::AuthUrl, Value::plain(&base));
        ini.set(Setting::AuthType, Value::plain("password"));
        ini.set(
            Setting::ProjectDomainName,
            Value::plain(&k.project_domain.value),
        );
        ini.set(Setting::UserDomainName, Value::plain(&k.user_domain.value));
        ini.set(Setting::ProjectName, Value::plain(&k.project.value));
        ini.set(Setting::Username, Value::plain(&k.username.value));
        ini.set(
            Setting::Password,
            secrets.value("keystone.password".into(), &k.password),
        );
        ini.set(Setting::AuthRegionName, Value::plain(&k.region.value));
        ini.set(Setting::PasteFlavor, Value::plain("keystone"));
    }
    let mut file = ini.file;
    sort_sections(&mut file);
    file
}

/// The identity URL without a version suffix: keystoneauth discovers the
/// version, and www_authenticate_uri is the unversioned public endpoint.
fn identity_base(url: &str) -> String {
    let t = url.trim_end_matches('/');
    for suffix in ["/v2.0", "/v3"] {
        if let Some(b) = t.strip_suffix(suffix) {
            return b.to_string();
        }
    }
    t.to_string()
}

fn merge_lits(parts: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for p in parts {
        match (out.last_mut(), p) {
            (Some(Part::Lit(a)), Part::Lit(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    out
}

/// DEFAULT first, then sections in order of first appearance; keys keep
/// their order within a section.
fn sort_sections(file: &mut IniFile) {
    let mut order: Vec<String> = vec!["DEFAULT".into()];
    for s in &file.settings {
        if !order.contains(&s.section) {
            order.push(s.section.clone());
        }
    }
    file.settings
        .sort_by_key(|s| order.iter().position(|o| *o == s.section));
}

fn consumer(spec: &Spec, c: &model::Consumer, diags: &mut Diagnostics) -> IniFile {
    let rel = spec.release;
    let (service, api_servers, catalog_setting) = match c.kind {
        ConsumerKind::Nova => (
            "nova",
            Setting::NovaApiServers,
            Setting::NovaValidInterfaces,
        ),
        ConsumerKind::Cinder => (
            "cinder",
            Setting::CinderApiServers,
            Setting::CinderCatalogInfo,
        ),
    };
    let mut ini = Ini {
        file: IniFile {
            service: service.into(),
            node: None,
            target: c.config.value.clone(),
            settings: vec![],
            remove: vec![],
        },
        release: rel,
        _spec: spec,
    };
    // The catalog is the HA-friendly default where the release has it:
    // endpoints can move without touching every consumer.
    // `discovery = catalog` before the release has it is an error of the
    // checker (check/release.rs), so a spec that gets here can have it.
    let discovery = match c.discovery {
        Some((d, _)) => d,
        None if exists(catalog_setting, rel) => Discovery::Catalog,
        None => Discovery::ApiServers,
    };
    let internal = spec
        .endpoints
        .as_ref()
        .map(|e| e.internal.url())
        .unwrap_or_else(|| {
            let vip = spec
                .service
                .vips
                .first()
                .map(|&v| spec.vips[v].address.to_string())
                .unwrap_or_default();
            format!("http://{vip}:{}", spec.service.port)
        });
    match discovery {
        Discovery::ApiServers => {
            ini.set(api_servers, Value::plain(&internal));
            if c.kind == ConsumerKind::Nova {
                seed_warning(spec, c.span, format!("glha writes `api_servers = {internal}`, not the guide's bare address"), "a bare address means port 80 (Queens and later add no scheme or port); glance listens on the API port", diags);
            }
        }
        Discovery::Catalog => {
            let region = spec
                .endpoints
                .as_ref()
                .map(|e| e.region.value.clone())
                .or_else(|| spec.keystone.as_ref().map(|k| k.region.value.clone()));
            match c.kind {
                ConsumerKind::Nova => {
                    ini.set(Setting::NovaValidInterfaces, Value::plain("internal"));
                    if let Some(r) = region {
                        ini.set(Setting::NovaRegionName, Value::plain(r));
                    }
                }
                ConsumerKind::Cinder => {
                    let name = spec
                        .endpoints
                        .as_ref()
                        .map_or("glance".to_string(), |e| e.service_name.clone());
                    ini.set(
                        Setting::CinderCatalogInfo,
                        Value::plain(format!("image:{name}:internalURL")),
                    );
                }
            }
            ini.remove(api_servers, "a fixed server list overrides the catalog");
        }
    }
    ini.file
}
