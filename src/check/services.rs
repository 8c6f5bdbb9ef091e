//! The OpenStack side: database, RabbitMQ, Keystone, the glance-api
//! service, its endpoints and consumers; and the agents they run under.

use super::cluster::{free_pairs, name_of, params_of};
use super::fields::{wrong, Fields};
use super::values::{self, abs_path, host, id_like, required_text};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::source::SourceMap;
use crate::syntax::{Item, Value, ValueKind};

fn single<'a>(
    top: &Fields<'a>,
    kind: &'a str,
    diags: &mut Diagnostics,
) -> Option<(&'a [crate::syntax::Ident], &'a [Item], &'a Item)> {
    let mut it = top.blocks(kind);
    let first = it.next()?;
    for (_, _, extra) in it {
        diags.push(
            Diagnostic::error(
                &codes::DUPLICATE,
                extra.key.span,
                format!("`{kind}` is declared twice"),
            )
            .with_secondary(first.2.key.span, "first declared here")
            .help(format!("a spec has one `{kind}` block")),
        );
    }
    Some(first)
}

/// Known agents: `agent NAME { type = … params = […] advise OP { … } }`.
pub(crate) fn agents(items: &[Item], diags: &mut Diagnostics) -> Vec<(String, AgentInfo)> {
    let mut out = Vec::new();
    for item in items {
        let crate::syntax::ItemKind::Block { items, .. } = &item.kind else {
            continue;
        };
        let f = Fields::new(
            "agent",
            item.span,
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
            let af = Fields::new(
                "advise",
                item.span,
                items,
                &["timeout", "interval"],
                &[],
                diags,
            );
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

fn agent_of(v: &Value, diags: &mut Diagnostics) -> Option<Agent> {
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

pub(crate) fn database(
    top: &Fields,
    scope: &Scope,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Database> {
    let (labels, items, item) = single(top, "database", diags)?;
    let name = name_of("database", labels, item, diags)?;
    let f = Fields::new(
        format!("database {}", name.value),
        item.span,
        items,
        &["driver", "host", "port", "user", "password"],
        &[],
        diags,
    );
    let driver = required_text(&f, "driver", "write `driver = \"mysql+pymysql\"`", diags);
    if let Some(d) = &driver {
        const DRIVERS: &[&str] = &[
            "mysql",
            "mysql+pymysql",
            "postgresql",
            "postgresql+psycopg2",
        ];
        if !DRIVERS.contains(&d.value.as_str()) {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    d.span,
                    format!("unknown database driver `{}`", d.value),
                )
                .help(format!("write one of: {}", DRIVERS.join(", "))),
            );
        }
    }
    let host = match f.value("host") {
        Some(v) => host(v, "host", scope, diags),
        None => {
            f.missing(
                "host",
                "write `host = vip.internal` or the database server's address",
                diags,
            );
            None
        }
    };
    let port = values::port(&f, "port", diags);
    let user = required_text(&f, "user", "write `user = \"glance\"`", diags);
    let password = match f.value("password") {
        Some(_) => values::secret(&f, "password", sources, diags),
        None => {
            f.missing(
                "password",
                "write `password = secret env \"GLANCE_DB_PASSWORD\"`",
                diags,
            );
            None
        }
    };
    id_like(&name.value, name.span, diags);
    Some(Database {
        name,
        driver: driver?,
        host: host?,
        port,
        user: user?,
        password: password?,
    })
}

pub(crate) fn rabbit(
    top: &Fields,
    scope: &Scope,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Rabbit> {
    let (labels, items, item) = single(top, "rabbitmq", diags)?;
    if let Some(l) = labels.first() {
        diags.push(
            Diagnostic::error(&codes::SYNTAX, l.span, "`rabbitmq` takes no name")
                .help("write `rabbitmq { … }`"),
        );
    }
    let f = Fields::new(
        "rabbitmq",
        item.span,
        items,
        &["hosts", "port", "user", "password", "vhost"],
        &[],
        diags,
    );
    let mut hosts = Vec::new();
    match f.value("hosts") {
        Some(Value {
            kind: ValueKind::List(vs),
            ..
        }) => hosts.extend(vs.iter().filter_map(|v| host(v, "hosts", scope, diags))),
        Some(v) => hosts.extend(host(v, "hosts", scope, diags)),
        None => f.missing(
            "hosts",
            "list the brokers: `hosts = [vip.internal]` or one address per node",
            diags,
        ),
    }
    if f.value("hosts")
        .is_some_and(|v| matches!(&v.kind, ValueKind::List(l) if l.is_empty()))
    {
        diags.push(
            Diagnostic::error(
                &codes::MISSING,
                f.value("hosts").map_or(item.span, |v| v.span),
                "`hosts` is empty",
            )
            .help("list at least one broker"),
        );
    }
    let port = values::port(&f, "port", diags).unwrap_or(5672);
    let user = values::text(&f, "user", diags);
    let password = values::secret(&f, "password", sources, diags);
    let vhost = values::text(&f, "vhost", diags);
    Some(Rabbit {
        hosts,
        port,
        user,
        password,
        vhost,
        span: item.key.span,
    })
}

pub(crate) fn keystone(
    top: &Fields,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Keystone> {
    let (labels, items, item) = single(top, "keystone", diags)?;
    if let Some(l) = labels.first() {
        diags.push(
            Diagnostic::error(&codes::SYNTAX, l.span, "`keystone` takes no name")
                .help("write `keystone { … }`"),
        );
    }
    let f = Fields::new(
        "keystone",
        item.span,
        items,
        &[
            "auth_url",
            "region",
            "username",
            "password",
            "project",
            "tenant",
            "user_domain",
            "project_domain",
        ],
        &[],
        diags,
    );
    let auth_url = required_text(
        &f,
        "auth_url",
        "write the identity URL, e.g. `auth_url = \"http://10.0.0.11:5000/v3\"`",
        diags,
    );
    if let Some(u) = &auth_url {
        if !(u.value.starts_with("http://") || u.value.starts_with("https://"))
            || u.value.contains([' ', '"', '\'', '\\'])
        {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    u.span,
                    format!("`{}` is not an http(s) URL", u.value),
                )
                .help("write e.g. \"http://10.0.0.11:5000/v3\""),
            );
        }
    }
    let region = required_text(&f, "region", "write `region = \"RegionOne\"`", diags);
    let username = required_text(
        &f,
        "username",
        "write the user glance-api authenticates as, e.g. `username = \"glance\"`",
        diags,
    );
    let password = match f.value("password") {
        Some(_) => values::secret(&f, "password", sources, diags),
        None => {
            f.missing(
                "password",
                "write `password = secret env \"GLANCE_KEYSTONE_PASSWORD\"`",
                diags,
            );
            None
        }
    };
    let project = match (
        values::text(&f, "project", diags),
        values::text(&f, "tenant", diags),
    ) {
        (Some(p), Some(t)) => {
            diags.push(
                Diagnostic::error(
                    &codes::DUPLICATE,
                    t.span,
                    "both `project` and `tenant` are given",
                )
                .with_secondary(p.span, "project")
                .help("`tenant` is Keystone v2's word for `project`; keep one"),
            );
            Some(p)
        }
        (p, t) => p.or(t),
    };
    if project.is_none() && f.value("project").is_none() && f.value("tenant").is_none() {
        f.missing(
            "project",
            "write `project = \"service\"` (`tenant` is accepted too)",
            diags,
        );
    }
    let domain = |key: &str, diags: &mut Diagnostics| {
        values::text(&f, key, diags).unwrap_or(crate::model::Text {
            value: "Default".into(),
            span: item.key.span,
        })
    };
    let user_domain = domain("user_domain", diags);
    let project_domain = domain("project_domain", diags);
    Some(Keystone {
        auth_url: auth_url?,
        region: region?,
        username: username?,
        password: password?,
        project: project?,
        user_domain,
        project_domain,
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
        diags.push(
            Diagnostic::error(&codes::MISSING, crate::source::Span { end: top.span.start, ..top.span }, "the spec has no `service`")
                .help("declare glance-api: `service glance-api { vip = vip.internal }` (with `import \"std/glance-api\"` for the defaults)"),
        );
        return None;
    };
    let name = name_of("service", labels, item, diags)?;
    id_like(&name.value, name.span, diags);
    let f = Fields::new(
        format!("service {}", name.value),
        item.span,
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
    if let Some(a) = &agent {
        if a.class == "stonith" {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    a.span,
                    "glance-api cannot run under a stonith agent",
                )
                .help("use ocf, systemd or lsb"),
            );
        }
    }
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
            item.span,
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

fn endpoint(
    v: &Value,
    key: &str,
    scheme: &str,
    port: u16,
    scope: &Scope,
    diags: &mut Diagnostics,
) -> Option<Endpoint> {
    Some(Endpoint {
        scheme: scheme.to_string(),
        host: host(v, key, scope, diags)?,
        port,
    })
}

pub(crate) fn endpoints(
    top: &Fields,
    scope: &Scope,
    keystone: Option<&Keystone>,
    service: Option<&Service>,
    diags: &mut Diagnostics,
) -> Option<Endpoints> {
    let (labels, items, item) = single(top, "endpoints", diags)?;
    if let Some(l) = labels.first() {
        if l.name != "image" {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    l.span,
                    format!("glha registers the `image` service, not `{}`", l.name),
                )
                .help("write `endpoints image { … }`"),
            );
        }
    }
    let f = Fields::new(
        "endpoints",
        item.span,
        items,
        &[
            "region", "service", "scheme", "port", "public", "internal", "admin",
        ],
        &["public", "internal", "admin"],
        diags,
    );
    let region = values::text(&f, "region", diags).or_else(|| keystone.map(|k| k.region.clone()));
    // With a keystone block that has errors of its own, its region is
    // unknown but not missing.
    if region.is_none() && f.value("region").is_none() && top.blocks("keystone").next().is_none() {
        f.missing(
            "region",
            "write `region = \"RegionOne\"` (or declare `keystone` with a region)",
            diags,
        );
    }
    let service_name = values::text(&f, "service", diags).map_or("glance".to_string(), |t| t.value);
    let scheme = f
        .word("scheme", &["http", "https"], diags)
        .map_or("http".to_string(), |(s, _)| s);
    let port = values::port(&f, "port", diags)
        .or(service.map(|s| s.port))
        .unwrap_or(9292);
    let get = |iface: &'static str, diags: &mut Diagnostics| -> Option<Endpoint> {
        if let Some(v) = f.value(iface) {
            return endpoint(v, iface, &scheme, port, scope, diags);
        }
        let (_, items, item) = f.blocks(iface).next()?;
        let bf = Fields::new(
            format!("{iface} endpoint"),
            item.span,
            items,
            &["host", "scheme", "port"],
            &[],
            diags,
        );
        let s = bf
            .word("scheme", &["http", "https"], diags)
            .map_or(scheme.clone(), |(s, _)| s);
        let p = values::port(&bf, "port", diags).unwrap_or(port);
        match bf.value("host") {
            Some(v) => endpoint(v, "host", &s, p, scope, diags),
            None => {
                bf.missing("host", "write `host = vip.public` or a DNS name", diags);
                None
            }
        }
    };
    let public = get("public", diags);
    let internal = get("internal", diags);
    let admin = get("admin", diags);
    for iface in ["public", "internal"] {
        if f.value(iface).is_none() && f.blocks(iface).next().is_none() {
            f.missing(iface, &format!("write `{iface} = vip.NAME`"), diags);
        }
    }
    values::safe(&service_name, item.span, "the service name", diags);
    Some(Endpoints {
        service_name,
        region: region?,
        public: public?,
        internal: internal?,
        admin,
    })
}

pub(crate) fn consumers(top: &Fields, diags: &mut Diagnostics) -> Vec<Consumer> {
    let mut out: Vec<Consumer> = Vec::new();
    for (labels, items, item) in top.blocks("consumer") {
        let Some(name) = name_of("consumer", labels, item, diags) else {
            continue;
        };
        let kind = match name.value.as_str() {
            "nova" => ConsumerKind::Nova,
            "cinder" => ConsumerKind::Cinder,
            other => {
                diags.push(
                    Diagnostic::error(
                        &codes::BAD_VALUE,
                        name.span,
                        format!("glha does not configure `{other}` yet"),
                    )
                    .help("consumers are nova and cinder"),
                );
                continue;
            }
        };
        if out.iter().any(|c| c.kind == kind) {
            diags.push(
                Diagnostic::error(
                    &codes::DUPLICATE,
                    name.span,
                    format!("consumer `{}` is declared twice", name.value),
                )
                .help("merge the two blocks into one"),
            );
            continue;
        }
        let f = Fields::new(
            format!("consumer {}", name.value),
            item.span,
            items,
            &["config", "discovery"],
            &[],
            diags,
        );
        let config = required_text(
            &f,
            "config",
            "write the path of its config file, or import \"std/nova\" / \"std/cinder\"",
            diags,
        )
        .filter(|c| abs_path(c, diags));
        let discovery = f
            .word("discovery", &["catalog", "api_servers"], diags)
            .map(|(w, s)| {
                (
                    if w == "catalog" {
                        Discovery::Catalog
                    } else {
                        Discovery::ApiServers
                    },
                    s,
                )
            });
        if let Some(config) = config {
            out.push(Consumer {
                kind,
                config,
                discovery,
                span: name.span,
            });
        }
    }
    out
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
