//! The services glance-api talks to and those that call it, from the live
//! ini files and the catalog: `database` (`[database] connection`),
//! `rabbitmq` (`transport_url`), `keystone` (`[keystone_authtoken]` and
//! the OCF agent's credentials), `endpoints` (the endpoint list) and the
//! `consumer`s (nova.conf, cinder.conf).

use super::tls::Front;
use super::write::{Item, Val};
use super::Ctx;
use crate::model::Mode;
use crate::plan::catalog::LiveEndpoint;
use crate::plan::url::UrlHost;
use crate::plan::{AgentRef, Url, Value};
use crate::release::settings::{exists, Setting};
use std::net::IpAddr;

/// What the keystone block says, for the service's agent params.
#[derive(Debug, Clone)]
pub(crate) struct KeystoneFacts {
    /// The user.
    pub username: String,
    /// The project.
    pub project: String,
    /// The block's `auth_url`, as the agent gets it.
    pub auth_url: String,
    /// The password's value, if found.
    pub password: Option<String>,
    /// The region.
    pub region: String,
}

/// `%XX` decoded (as the URL's userinfo and path carry text).
fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `host[:port]`, IPv6 in brackets.
fn host_port(s: &str) -> Option<(String, Option<u16>)> {
    if let Some(v6) = s.strip_prefix('[') {
        let (h, after) = v6.split_once(']')?;
        let port = match after.strip_prefix(':') {
            Some(p) => Some(p.parse().ok()?),
            None if after.is_empty() => None,
            None => return None,
        };
        return Some((h.to_string(), port));
    }
    match s.rsplit_once(':') {
        Some((h, p)) => Some((h.to_string(), Some(p.parse().ok()?))),
        None => Some((s.to_string(), None)),
    }
}

/// `[user[:password]@]host[:port]`.
struct Authority {
    user: Option<String>,
    password: Option<String>,
    host: String,
    port: Option<u16>,
}

fn authority(s: &str) -> Option<Authority> {
    let (userinfo, hostport) = match s.rsplit_once('@') {
        Some((u, h)) => (Some(u), h),
        None => (None, s),
    };
    let (host, port) = host_port(hostport)?;
    if host.is_empty() {
        return None;
    }
    let (user, password) = match userinfo.map(|u| u.split_once(':').unwrap_or((u, ""))) {
        Some((u, p)) => (
            Some(percent_decode(u)),
            (!p.is_empty()).then(|| percent_decode(p)),
        ),
        None => (None, None),
    };
    Some(Authority {
        user,
        password,
        host,
        port,
    })
}

/// `scheme://AUTHORITY[,AUTHORITY…]/path[?query]`: the scheme, the
/// authorities, the path (decoded) and the query.
fn url_parts(url: &str) -> Option<(String, Vec<Authority>, String, Option<String>)> {
    let (scheme, rest) = url.split_once("://")?;
    let after_user = rest.rfind('@').map_or(0, |i| i + 1);
    let slash = rest[after_user..].find('/').map(|i| i + after_user);
    let (auths, tail) = match slash {
        Some(i) => (&rest[..i], &rest[i + 1..]),
        None => (rest, ""),
    };
    let (path, query) = match tail.split_once('?') {
        Some((p, q)) => (p, Some(q.to_string())),
        None => (tail, None),
    };
    let auths = auths
        .split(',')
        .map(authority)
        .collect::<Option<Vec<_>>>()?;
    Some((scheme.to_string(), auths, percent_decode(path), query))
}

/// `database NAME { driver host port user password }` from `[database]
/// connection` (or the guide's `sql_connection`).
pub(crate) fn database(cx: &mut Ctx) -> Vec<Item> {
    let Some(g) = cx.glance else {
        return Vec::new();
    };
    let Some(got) = g
        .get("database", "connection")
        .or_else(|| g.get("DEFAULT", "sql_connection"))
    else {
        return Vec::new();
    };
    let at = g.at(&got);
    let mut out = Vec::new();
    let parsed = url_parts(&got.value).filter(|(_, a, _, _)| a.len() == 1);
    let Some((driver, mut auths, name, query)) = parsed else {
        out.push(cx.not_expressed("database", format!("{at} is no database URL glha can read")));
        return out;
    };
    let a = auths.remove(0);
    if !super::cluster::label_ok(&name) {
        out.push(cx.not_expressed(
            "database",
            format!("{at}: the database name `{name}` cannot be a spec label"),
        ));
        return out;
    }
    if got.key == "sql_connection" {
        out.push(cx.review(
            "database",
            format!("from {at}, a stale key: glha writes [database] connection and removes it"),
        ));
    }
    if let Some(q) = query {
        out.push(cx.not_expressed(
            "database",
            format!("{at} has the query `?{q}`, which glha does not write"),
        ));
    }
    let mut body = vec![
        Item::attr("driver", Val::str(driver)),
        Item::attr("host", cx.host_value(&a.host)),
    ];
    if let Some(p) = a.port {
        body.push(Item::attr("port", Val::Int(p.into())));
    }
    body.push(Item::attr(
        "user",
        Val::str(a.user.clone().unwrap_or_default()),
    ));
    if a.password.is_none() {
        out.push(cx.review(
            "database",
            format!("{at} has no password; set the secret to the one the database has"),
        ));
    }
    let env = cx.secrets.add(
        &format!("database.{name}.password"),
        &[&name, "DB", "password"],
        at,
        a.password,
    );
    body.push(Item::attr("password", Val::Env(env)));
    out.push(Item::block("database", &[&name], body));
    out
}

/// `rabbitmq { hosts port user password vhost }` from `transport_url`, or
/// from the `rabbit_*` keys it replaced.
pub(crate) fn rabbitmq(cx: &mut Ctx) -> Vec<Item> {
    let Some(g) = cx.glance else {
        return Vec::new();
    };
    if let Some(got) = g.get("DEFAULT", "transport_url") {
        return transport(cx, g.at(&got), &got.value);
    }
    rabbit_keys(cx)
}

fn transport(cx: &mut Ctx, at: String, url: &str) -> Vec<Item> {
    let mut out = Vec::new();
    let Some((scheme, auths, vhost, query)) = url_parts(url) else {
        out.push(cx.not_expressed(
            "rabbitmq",
            format!("{at} is no transport URL glha can read"),
        ));
        return out;
    };
    if scheme != "rabbit" {
        out.push(cx.not_expressed(
            "rabbitmq",
            format!("{at} uses `{scheme}://`; glha writes rabbit://"),
        ));
        return out;
    }
    if let Some(q) = query {
        out.push(cx.not_expressed(
            "rabbitmq",
            format!("{at} has the query `?{q}`, which glha does not write"),
        ));
    }
    let first = &auths[0];
    if auths
        .iter()
        .any(|a| a.user != first.user || a.password != first.password)
    {
        out.push(cx.not_expressed("rabbitmq", format!("{at}: the brokers have different credentials; glha writes the first broker's for all")));
    }
    if auths.iter().any(|a| a.port != first.port) {
        out.push(cx.not_expressed(
            "rabbitmq",
            format!("{at}: the brokers listen on different ports; glha writes one port"),
        ));
    }
    let hosts: Vec<String> = auths.iter().map(|a| a.host.clone()).collect();
    let port = first.port.unwrap_or(5672);
    let (user, password) = (first.user.clone(), first.password.clone());
    let vhost = (!vhost.is_empty()).then_some(vhost);
    out.extend(rabbit_block(cx, at, hosts, port, user, password, vhost));
    out
}

/// The `rabbit_*` keys of the guide's era, in `[oslo_messaging_rabbit]`
/// or `[DEFAULT]`.
fn rabbit_keys(cx: &mut Ctx) -> Vec<Item> {
    let Some(g) = cx.glance else {
        return Vec::new();
    };
    let get = |k: &str| {
        g.get("oslo_messaging_rabbit", k)
            .or_else(|| g.get("DEFAULT", k))
    };
    let hosts_got = get("rabbit_hosts").or_else(|| get("rabbit_host"));
    let Some(hg) = hosts_got else {
        return Vec::new();
    };
    let at = g.at(&hg);
    let port: u16 = get("rabbit_port")
        .and_then(|p| p.value.parse().ok())
        .unwrap_or(5672);
    let hosts: Vec<String> = hg
        .value
        .split(',')
        .filter_map(|h| host_port(h.trim()))
        .map(|(h, _)| h)
        .collect();
    let user = get("rabbit_userid").map(|u| u.value);
    let password = get("rabbit_password").map(|p| p.value);
    let vhost = get("rabbit_virtual_host")
        .map(|v| v.value.trim_start_matches('/').to_string())
        .filter(|v| !v.is_empty());
    let mut out = vec![cx.review("rabbitmq", format!("from {at} and the other rabbit_* keys, stale: glha writes transport_url and removes them"))];
    out.extend(rabbit_block(cx, at, hosts, port, user, password, vhost));
    out
}

fn rabbit_block(
    cx: &mut Ctx,
    at: String,
    hosts: Vec<String>,
    port: u16,
    user: Option<String>,
    password: Option<String>,
    vhost: Option<String>,
) -> Vec<Item> {
    let mut body = vec![Item::attr(
        "hosts",
        Val::List(hosts.iter().map(|h| cx.host_value(h)).collect()),
    )];
    if port != 5672 {
        body.push(Item::attr("port", Val::Int(port.into())));
    }
    if let Some(u) = &user {
        body.push(Item::attr("user", Val::str(u)));
        let env = cx
            .secrets
            .add("rabbitmq.password", &["rabbit", "password"], at, password);
        body.push(Item::attr("password", Val::Env(env)));
    }
    if let Some(v) = vhost {
        body.push(Item::attr("vhost", Val::str(v)));
    }
    vec![Item::block("rabbitmq", &[], body)]
}

/// The identity URL without a version suffix, as glha writes it into
/// `[keystone_authtoken]`.
pub(crate) fn identity_base(url: &str) -> String {
    let t = url.trim_end_matches('/');
    for suffix in ["/v2.0", "/v3"] {
        if let Some(b) = t.strip_suffix(suffix) {
            return b.to_string();
        }
    }
    t.to_string()
}

/// The OCF glance-api agent's param `k`, if the service runs under it.
fn agent_param(cx: &Ctx, k: &str) -> Option<String> {
    let p = cx.cluster.service?;
    if p.agent != AgentRef::ocf("openstack", "glance-api") {
        return None;
    }
    let masked = cx.cluster.cib.is_some_and(|c| c.pm.is_masked(&p.id, k));
    p.params
        .iter()
        .find(|(pk, _)| pk == k)
        .filter(|_| !masked)
        .map(|(_, v)| match v {
            Value::Plain(s) => s.clone(),
            other => other.render(&crate::secret::SecretValues::none()).text,
        })
}

/// `keystone { auth_url region username password project … }` from
/// `[keystone_authtoken]`, else from the OCF agent's credentials.
pub(crate) fn keystone(cx: &mut Ctx) -> Vec<Item> {
    const S: &str = "keystone_authtoken";
    let glance = cx.glance;
    let ini = |k: &str| glance.and_then(|g| g.get(S, k));
    let username = ini("username")
        .map(|g| g.value)
        .or_else(|| agent_param(cx, "os_username"));
    let Some(username) = username else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let project = ini("project_name")
        .map(|g| g.value)
        .or_else(|| agent_param(cx, "os_tenant_name"))
        .unwrap_or_default();
    let live_auth = ini("auth_url")
        .or_else(|| ini("www_authenticate_uri"))
        .or_else(|| ini("auth_uri"))
        .map(|g| g.value);
    let agent_auth = agent_param(cx, "os_auth_url");
    let auth_url = match (&live_auth, &agent_auth) {
        (Some(l), Some(a)) if identity_base(a) == identity_base(l) => a.clone(),
        (Some(l), _) => l.clone(),
        (None, Some(a)) => a.clone(),
        (None, None) => {
            out.push(cx.not_expressed("keystone", "no identity URL in [keystone_authtoken] or the agent's params; write `auth_url`".into()));
            String::new()
        }
    };
    for k in ["www_authenticate_uri", "auth_uri"] {
        if let Some(g) = ini(k).filter(|g| identity_base(&g.value) != identity_base(&auth_url)) {
            let at = cx.glance.map(|f| f.at(&g)).unwrap_or_default();
            out.push(cx.not_expressed(
                "keystone",
                format!("{at} differs from auth_url; glha writes both from `auth_url`"),
            ));
        }
    }
    let region = ini("region_name")
        .map(|g| g.value)
        .or_else(|| endpoint_region(cx, None));
    let region = match region {
        Some(r) => r,
        None => {
            out.push(cx.review(
                "keystone",
                "no region in [keystone_authtoken] or the catalog: RegionOne assumed".into(),
            ));
            "RegionOne".into()
        }
    };
    // The agent's password is the keystone user's only if it is that user.
    let same_user = agent_param(cx, "os_username").is_none_or(|u| u == username);
    let (password, found) = match ini("password") {
        Some(g) => (
            Some(g.value.clone()),
            cx.glance.map(|f| f.at(&g)).unwrap_or_default(),
        ),
        None => match agent_param(cx, "os_password").filter(|_| same_user) {
            Some(v) => (Some(v), "CIB glance-api primitive param os_password".into()),
            None => {
                out.push(cx.review("keystone", "no password in [keystone_authtoken]: set the secret to the Keystone user's".into()));
                (None, "[keystone_authtoken] password: not set live".into())
            }
        },
    };
    let env = cx.secrets.add(
        "keystone.password",
        &["glance", "keystone", "password"],
        found,
        password.clone(),
    );
    let mut body = vec![
        Item::attr("auth_url", Val::str(&auth_url)),
        Item::attr("region", Val::str(&region)),
        Item::attr("username", Val::str(&username)),
        Item::attr("password", Val::Env(env)),
        Item::attr("project", Val::str(&project)),
    ];
    for (key, spec) in [
        ("user_domain_name", "user_domain"),
        ("project_domain_name", "project_domain"),
    ] {
        if let Some(d) = ini(key).map(|g| g.value).filter(|d| d != "Default") {
            body.push(Item::attr(spec, Val::str(d)));
        }
    }
    cx.keystone = Some(KeystoneFacts {
        username,
        project,
        auth_url,
        password,
        region,
    });
    out.push(Item::block("keystone", &[], body));
    out
}

/// The image service's live endpoints.
fn image_rows(rows: &[LiveEndpoint]) -> Vec<&LiveEndpoint> {
    rows.iter()
        .filter(|r| {
            r.service_type == "image" || (r.service_type.is_empty() && r.service_name == "glance")
        })
        .collect()
}

/// The region of the image endpoints: `prefer` if it has some, else the
/// one with the most.
fn endpoint_region(cx: &Ctx, prefer: Option<&str>) -> Option<String> {
    let rows = image_rows(cx.endpoints?);
    if let Some(p) = prefer.filter(|p| rows.iter().any(|r| r.region == *p)) {
        return Some(p.to_string());
    }
    let mut regions: Vec<&str> = rows.iter().map(|r| r.region.as_str()).collect();
    regions.sort();
    let mut best: Option<(&str, usize)> = None;
    for r in &regions {
        let n = regions.iter().filter(|x| *x == r).count();
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((r, n));
        }
    }
    best.map(|(r, _)| r.to_string())
}

/// The API port: glance-api's `bind_port`, else HAProxy's (active/active),
/// else 9292.
pub(crate) fn service_port(cx: &Ctx) -> u16 {
    if let Some(p) = cx
        .glance
        .and_then(|g| g.value("DEFAULT", "bind_port")?.parse().ok())
    {
        return p;
    }
    if cx.cluster.mode == Mode::ActiveActive {
        let bind = super::cluster::haproxy_section(cx).and_then(|s| {
            s.lines()
                .find_map(|l| l.trim().strip_prefix("bind ").map(str::to_string))
        });
        if let Some(p) = bind.and_then(|b| b.rsplit_once(':')?.1.parse().ok()) {
            return p;
        }
    }
    9292
}

/// `endpoints image { … }` from the endpoint list.
pub(crate) fn endpoints(cx: &mut Ctx) -> Vec<Item> {
    let Some(rows) = cx.endpoints else {
        return Vec::new();
    };
    let place = "endpoints";
    let mut out = Vec::new();
    let keystone_region = cx.keystone.as_ref().map(|k| k.region.clone());
    let Some(region) = endpoint_region(cx, keystone_region.as_deref()) else {
        out.push(cx.review(
            place,
            "the endpoint list has no image endpoint; the spec declares none".into(),
        ));
        return out;
    };
    let image = image_rows(rows);
    for r in image.iter().filter(|r| r.region != region) {
        out.push(cx.not_expressed(
            place,
            format!(
                "{} endpoint {} in region {}: glha manages one region ({region}) and leaves it",
                r.interface, r.id, r.region
            ),
        ));
    }
    let mut chosen: Vec<(&str, Url)> = Vec::new();
    for iface in ["public", "internal", "admin"] {
        let mut these: Vec<&&LiveEndpoint> = image
            .iter()
            .filter(|r| r.region == region && r.interface == iface)
            .collect();
        these.sort_by_key(|r| !r.enabled);
        let Some(first) = these.first() else { continue };
        for dup in &these[1..] {
            out.push(cx.not_expressed(place, format!("a second {iface} endpoint {} ({}): glha keeps one per interface and lists the others for deletion", dup.id, dup.url)));
        }
        if !first.enabled {
            out.push(cx.not_expressed(
                place,
                format!(
                    "the {iface} endpoint {} is disabled; glha enables it",
                    first.id
                ),
            ));
        }
        match Url::parse(&first.url) {
            Some(u) => {
                if !u.normalized().path.is_empty() {
                    out.push(cx.not_expressed(
                        place,
                        format!(
                            "the {iface} URL {} has a path, which glha does not write",
                            first.url
                        ),
                    ));
                }
                chosen.push((iface, u));
            }
            None => out.push(cx.not_expressed(
                place,
                format!(
                    "the {iface} URL {} is no http(s) URL glha can write",
                    first.url
                ),
            )),
        }
    }
    let port = service_port(cx);
    // The value most endpoints share, the block's default on a tie.
    let common = |f: &dyn Fn(&Url) -> String, default: String| -> String {
        let vals: Vec<String> = chosen.iter().map(|(_, u)| f(u)).collect();
        let count = |v: &String| vals.iter().filter(|x| *x == v).count();
        let top = vals.iter().map(count).max().unwrap_or(0);
        if vals.contains(&default) && count(&default) == top {
            return default;
        }
        vals.iter()
            .find(|v| count(v) == top)
            .cloned()
            .unwrap_or(default)
    };
    let scheme = common(&|u| u.scheme.to_string(), "http".into());
    let common_port: u16 = common(&|u| u.port.to_string(), port.to_string())
        .parse()
        .unwrap_or(port);
    let mut body = Vec::new();
    if keystone_region.as_deref() != Some(region.as_str()) {
        body.push(Item::attr("region", Val::str(&region)));
    }
    let name = image
        .first()
        .map(|r| r.service_name.clone())
        .unwrap_or_default();
    if !name.is_empty() && name != "glance" {
        body.push(Item::attr("service", Val::str(&name)));
    }
    if scheme != "http" {
        body.push(Item::attr("scheme", Val::str(&scheme)));
    }
    if common_port != port {
        body.push(Item::attr("port", Val::Int(common_port.into())));
    }
    let fronts = super::tls::fronts(cx);
    for (iface, u) in &chosen {
        let (host, vip) = endpoint_host(cx, &mut out, &fronts, &chosen, iface, u);
        if u.scheme.as_str() == scheme && u.port == common_port && vip.is_none() {
            body.push(Item::attr(iface, host));
        } else {
            let mut b = vec![Item::attr("host", host)];
            b.extend(vip.map(|v| Item::attr("vip", v)));
            if u.scheme.as_str() != scheme {
                b.push(Item::attr("scheme", Val::str(u.scheme.as_str())));
            }
            if u.port != common_port {
                b.push(Item::attr("port", Val::Int(u.port.into())));
            }
            body.push(Item::inline(iface, &[], b));
        }
    }
    out.push(Item::block("endpoints", &["image"], body));
    out
}

/// Whether an image endpoint of the live catalog is https.
pub(crate) fn live_https(cx: &Ctx) -> bool {
    cx.endpoints
        .map(image_rows)
        .unwrap_or_default()
        .iter()
        .any(|r| r.url.starts_with("https://"))
}

/// The VIP that serves `u`: one with a listener of its scheme and port,
/// preferring one no other endpoint names by address, then the one named
/// as the interface.
fn serving_vip(
    cx: &Ctx,
    fronts: &[Front],
    chosen: &[(&str, Url)],
    iface: &str,
    u: &Url,
) -> Option<String> {
    let served = |ip: IpAddr| {
        fronts
            .iter()
            .any(|f| f.address == ip && f.port == u.port && f.scheme == u.scheme)
    };
    let others: Vec<IpAddr> = chosen
        .iter()
        .filter(|(i, _)| *i != iface)
        .filter_map(|(_, o)| match o.host {
            UrlHost::Ip(ip) => Some(ip),
            UrlHost::Name(_) => None,
        })
        .collect();
    let cands: Vec<(&str, IpAddr)> = cx
        .cluster
        .vips
        .iter()
        .filter(|v| served(v.ip))
        .map(|v| (v.name.as_str(), v.ip))
        .collect();
    let best = |pool: Vec<&(&str, IpAddr)>| {
        pool.iter()
            .find(|(n, _)| *n == iface)
            .or(pool.first())
            .map(|(n, _)| n.to_string())
    };
    best(
        cands
            .iter()
            .filter(|(_, ip)| !others.contains(ip))
            .collect(),
    )
    .or_else(|| best(cands.iter().collect()))
}

/// An endpoint's `host` and (for a DNS name) `vip`. A name is tied to the
/// VIP that serves its scheme and port; an address no VIP holds is served
/// by nothing glha configures (E0501): such an endpoint is written on the
/// VIP that serves it, and noted.
fn endpoint_host(
    cx: &mut Ctx,
    out: &mut Vec<Item>,
    fronts: &[Front],
    chosen: &[(&str, Url)],
    iface: &str,
    u: &Url,
) -> (Val, Option<Val>) {
    let vip = serving_vip(cx, fronts, chosen, iface, u);
    let fallback = vip
        .clone()
        .or_else(|| {
            cx.cluster
                .vips
                .iter()
                .find(|v| v.name == iface)
                .map(|v| v.name.clone())
        })
        .or_else(|| cx.cluster.vips.first().map(|v| v.name.clone()));
    match &u.host {
        UrlHost::Name(n) => {
            if vip.is_none() {
                if let Some(f) = &fallback {
                    out.push(cx.not_expressed("endpoints", format!("the {iface} URL {u}: no VIP serves {} on port {}; its name is tied to vip.{f}, which glha makes serve it", u.scheme, u.port)));
                }
            }
            (Val::host(n), fallback.map(|f| Val::Ref("vip", f)))
        }
        UrlHost::Ip(ip) if cx.cluster.vips.iter().all(|v| v.ip != *ip) => match fallback {
            Some(f) => {
                out.push(cx.not_expressed("endpoints", format!("the {iface} URL {u} is on {ip}, which no VIP resource holds, so nothing glha configures answers there: written on vip.{f}, which serves the API; if {ip} is a VIP of the cluster, declare it (`vip {iface} {{ address = {ip}/PREFIX }}`) and add it to the service's `vip`")));
                (Val::Ref("vip", f), None)
            }
            None => (cx.host_value(&ip.to_string()), None),
        },
        UrlHost::Ip(ip) => (cx.host_value(&ip.to_string()), None),
    }
}

/// `consumer nova {}` and `consumer cinder {}` for the files present, with
/// `discovery` where the live file's differs from the release's default.
pub(crate) fn consumers(cx: &mut Ctx) -> Vec<Item> {
    let mut out = Vec::new();
    let rel = cx.release;
    let files = [
        (
            "nova",
            cx.nova,
            ("glance", "api_servers"),
            Setting::NovaValidInterfaces,
        ),
        (
            "cinder",
            cx.cinder,
            ("DEFAULT", "glance_api_servers"),
            Setting::CinderCatalogInfo,
        ),
    ];
    for (name, file, (sec, key), catalog) in files {
        let Some(f) = file else { continue };
        let mut body = Vec::new();
        let fixed = f.get(sec, key).is_some();
        if fixed && exists(catalog, rel) {
            body.push(Item::attr("discovery", Val::word("api_servers")));
        }
        out.push(Item::inline("consumer", &[name], body));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_read_as_glha_writes_them() {
        let (scheme, a, path, query) =
            url_parts("mysql+pymysql://gl%40nce:p%3Aw%2Fd@[2001:db8::5]:3306/glance?charset=utf8")
                .unwrap();
        assert_eq!(
            (scheme.as_str(), path.as_str()),
            ("mysql+pymysql", "glance")
        );
        assert_eq!(query.as_deref(), Some("charset=utf8"));
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].user.as_deref(), Some("gl@nce"));
        assert_eq!(a[0].password.as_deref(), Some("p:w/d"));
        assert_eq!((a[0].host.as_str(), a[0].port), ("2001:db8::5", Some(3306)));
        let (_, a, vhost, _) =
            url_parts("rabbit://u:p%40ss@10.0.0.1:5672,u:p%40ss@10.0.0.2:5672/open%2Fstack")
                .unwrap();
        assert_eq!(a.len(), 2);
        assert_eq!(a[1].host, "10.0.0.2");
        assert_eq!(a[1].password.as_deref(), Some("p@ss"));
        assert_eq!(vhost, "open/stack");
        let (_, a, path, _) = url_parts("rabbit://10.0.0.1/").unwrap();
        assert_eq!(
            (a[0].user.clone(), a[0].port, path.as_str()),
            (None, None, "")
        );
        assert!(url_parts("not a url").is_none());
        assert!(url_parts("rabbit://h:notaport/").is_none());
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(identity_base("http://k:5000/v2.0/"), "http://k:5000");
    }
}
