//! The services glance-api talks to: database, RabbitMQ, Keystone.

use super::cluster::name_of;
use super::fields::Fields;
use super::values::{self, host, id_like, required_text};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::schema::{self, DRIVERS};
use crate::source::SourceMap;
use crate::syntax::{Item, Value, ValueKind};

pub(crate) fn single<'a>(
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
        item,
        items,
        &schema::DATABASE,
        diags,
    );
    let driver = required_text(&f, "driver", "write `driver = \"mysql+pymysql\"`", diags);
    if let Some(d) = &driver {
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
    let f = Fields::new("rabbitmq", item, items, &schema::RABBITMQ, diags);
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
    let user = values::text(&f, "user", diags)
        .filter(|u| no_char_in(u, '/', "the RabbitMQ user", TRANSPORT_SLASH, diags));
    // A secret's value is checked the same way once it is known
    // (secret::Carrier::TransportUrl); a literal one is known now.
    let password = values::secret(&f, "password", sources, diags).filter(|p| match p {
        Secret::Literal(t) => no_char_in(t, '/', "the RabbitMQ password", TRANSPORT_SLASH, diags),
        _ => true,
    });
    let vhost = values::text(&f, "vhost", diags).filter(|v| {
        ['?', '#'].iter().all(|&c| {
            no_char_in(v, c, "the RabbitMQ virtual host", "oslo.messaging's rabbit driver passes the virtual host to kombu unescaped, and kombu ends it at `?` or `#`: the driver would use another virtual host without an error", diags)
        })
    });
    Some(Rabbit {
        hosts,
        port,
        user,
        password,
        vhost,
        span: item.key.span,
    })
}

/// Why a RabbitMQ user or password may not hold `/`.
const TRANSPORT_SLASH: &str = "oslo.messaging's rabbit driver (every release, Ocata to 2026.2) rebuilds the transport URL for kombu with urllib's `quote`, which leaves `/` unescaped: kombu then reads another host or port, or no credentials at all";

/// Refuses `c` in `t`, at its span, with the reason.
fn no_char_in(t: &Text, c: char, what: &str, why: &str, diags: &mut Diagnostics) -> bool {
    if !t.value.contains(c) {
        return true;
    }
    diags.push(
        Diagnostic::error(
            &codes::BAD_VALUE,
            t.span,
            format!("{what} contains `{c}`, which does not reach RabbitMQ intact"),
        )
        .label(format!("`{c}` here"))
        .help(format!("choose a value without `{c}`"))
        .note_text(why.to_string()),
    );
    false
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
    let f = Fields::new("keystone", item, items, &schema::KEYSTONE, diags);
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
