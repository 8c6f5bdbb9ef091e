//! The ini settings of glance-api and its consumers, named per release.

use super::*;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::{self, ConsumerKind, Discovery, Spec};
use crate::plan::listener::{self, Listener};
use crate::plan::*;
use crate::release::settings::{exists, row_of, Setting};
use crate::release::Release;
use crate::secret::percent_encode_userinfo;

/// An ini file being filled for one release: settings the release does
/// not have are skipped.
pub(super) struct Ini {
    file: IniFile,
    release: Release,
}

impl Ini {
    pub(super) fn set(&mut self, s: Setting, v: Value) {
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
    /// Sets a setting whose section is named after the store
    /// ([`crate::release::settings::SectionKind::Store`]), in `section`.
    pub(super) fn set_in(&mut self, section: &str, s: Setting, v: Value) {
        if exists(s, self.release) {
            self.file.settings.push(IniSetting {
                section: section.into(),
                key: row_of(s).key.into(),
                values: vec![v],
            });
        }
    }
    /// The release the file is for.
    pub(super) fn release(&self) -> Release {
        self.release
    }
    pub(super) fn remove(&mut self, s: Setting, why: &str) {
        let r = row_of(s);
        self.file
            .remove
            .push((r.section.into(), r.key.into(), why.into()));
    }
}

pub(super) fn seed_warning(
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
pub(super) fn glance_api(
    spec: &Spec,
    node: Option<&model::Node>,
    listeners: &[Listener],
    secrets: &mut Secrets,
    diags: &mut Diagnostics,
) -> IniFile {
    let mut ini = Ini {
        file: IniFile {
            service: ServiceKind::GlanceApi,
            node: node.map(|n| n.name.value.clone()),
            target: spec.service.config.value.clone(),
            settings: vec![],
            remove: vec![],
        },
        release: spec.release,
    };
    if let Some(db) = &spec.database {
        database(&mut ini, spec, db, secrets, diags);
    }
    bind(&mut ini, spec, listeners, node);
    if spec.haproxy.is_some() {
        behind_proxy(&mut ini, spec, listeners, node);
    }
    if let Some(r) = &spec.rabbit {
        messaging(&mut ini, spec, r, secrets, diags);
    }
    if let Some(k) = &spec.keystone {
        keystone_auth(&mut ini, k, secrets);
    }
    if let Some(model::StoreDecl::Store(st)) = &spec.store {
        super::store::settings(&mut ini, st);
    }
    let mut file = ini.file;
    sort_sections(&mut file);
    file
}

/// `[database] connection`, which replaces the seed's `sql_connection`.
fn database(
    ini: &mut Ini,
    spec: &Spec,
    db: &model::Database,
    secrets: &mut Secrets,
    diags: &mut Diagnostics,
) {
    let user = percent_encode_userinfo(&db.user.value);
    let port = db.port.map(|p| format!(":{p}")).unwrap_or_default();
    let pw = secrets.add(format!("database.{}.password", db.name.value), &db.password);
    let url = Value::Template(vec![
        Part::Lit(format!("{}://{user}:", db.driver.value)),
        Part::UrlSecret(pw),
        Part::Lit(format!("@{}{port}/{}", db.host.url_host(), db.name.value)),
    ]);
    // A live `sql_connection` is a stale key replaced by this setting:
    // `glhac diff` finds and removes it from the option data (diff/stale.rs).
    ini.set(Setting::DbConnection, url);
    seed_warning(spec, db.name.span, "glha writes `[database] connection`, not the guide's `sql_connection`".into(), "sql_connection is a deprecated alias since before Ocata and was removed in 2024.1; a live sql_connection is listed for removal", diags);
}

/// Where the standalone server listens: its listener (one VIP, a node's
/// address, the loopback), or the wildcard address when it serves several
/// VIPs itself. glance-registry, where the release has one, runs beside
/// glance-api: on the node's address in active/active, on the (first) VIP
/// otherwise; HAProxy balances only the Image API.
fn bind(ini: &mut Ini, spec: &Spec, listeners: &[Listener], node: Option<&model::Node>) {
    let own: Vec<&Listener> =
        listener::glance_api(listeners, node.map(|n| n.name.value.as_str())).collect();
    let host = match own.as_slice() {
        [] => return,
        [one] => one.address.to_string(),
        many if many.iter().any(|l| l.address.is_ipv6()) => "::".to_string(),
        _ => "0.0.0.0".to_string(),
    };
    ini.set(Setting::BindHost, Value::plain(host));
    ini.set(Setting::BindPort, Value::plain(own[0].port.to_string()));
    let registry = match node {
        Some(n) => Some(n.address),
        None => spec
            .service
            .vips
            .first()
            .and_then(|&v| spec.vips.get(v))
            .map(|v| v.address),
    };
    if let Some(r) = registry {
        ini.set_current(Setting::RegistryHost, Value::plain(r.to_string()));
    }
}

/// The URL clients are given for the API when the spec has no endpoint of
/// that interface: the first listener on a VIP.
fn first_front(listeners: &[Listener]) -> Option<Url> {
    listener::front(listeners).next().map(Listener::url)
}

/// Behind HAProxy: glance-api learns the public URL and the scheme from the
/// proxy (`X-Forwarded-Proto`), and in active/active tells the other
/// workers where it is.
fn behind_proxy(ini: &mut Ini, spec: &Spec, listeners: &[Listener], node: Option<&model::Node>) {
    let public = spec
        .endpoints
        .as_ref()
        .map(|e| e.public.url())
        .or_else(|| first_front(listeners));
    if let Some(url) = public {
        ini.set(Setting::PublicEndpoint, Value::plain(url.to_string()));
    }
    if let Some(n) = node {
        if let Some(own) = listener::glance_api(listeners, Some(n.name.value.as_str())).next() {
            ini.set(
                Setting::WorkerSelfReferenceUrl,
                Value::plain(own.url().to_string()),
            );
        }
    }
    ini.set(Setting::ProxyHeadersParsing, Value::plain("true"));
}

/// `transport_url` (every broker, credentials percent-encoded) and the
/// notification driver, replacing the seed's `rabbit_host` and
/// `notifier_strategy`.
fn messaging(
    ini: &mut Ini,
    spec: &Spec,
    r: &model::Rabbit,
    secrets: &mut Secrets,
    diags: &mut Diagnostics,
) {
    let mut parts = vec![Part::Lit("rabbit://".into())];
    for (i, h) in r.hosts.iter().enumerate() {
        if i > 0 {
            parts.push(Part::Lit(",".into()));
        }
        if let Some(u) = &r.user {
            parts.push(Part::Lit(percent_encode_userinfo(&u.value)));
            if let Some(p) = &r.password {
                parts.push(Part::Lit(":".into()));
                parts.push(Part::TransportSecret(
                    secrets.add("rabbitmq.password".into(), p),
                ));
            }
            parts.push(Part::Lit("@".into()));
        }
        parts.push(Part::Lit(format!("{}:{}", h.url_host(), r.port)));
    }
    let vhost = r
        .vhost
        .as_ref()
        .map(|v| percent_encode_userinfo(v.value.trim_start_matches('/')))
        .unwrap_or_default();
    parts.push(Part::Lit(format!("/{vhost}")));
    ini.set(Setting::TransportUrl, template(parts));
    // Live `rabbit_*` and `notifier_strategy` keys are stale keys replaced
    // by these two: `glhac diff` finds and removes them (diff/stale.rs).
    ini.set(Setting::NotificationDriver, Value::plain("messagingv2"));
    seed_warning(spec, r.span, "glha writes `transport_url` and `[oslo_messaging_notifications] driver`, not the guide's `rabbit_host` and `notifier_strategy`".into(), "notifier_strategy was removed in Juno (2014) and rabbit_host is deprecated since Newton (removed in Stein)", diags);
}

/// A value from parts: plain when it holds no secret.
fn template(parts: Vec<Part>) -> Value {
    let parts = merge_lits(parts);
    match parts.as_slice() {
        [] => Value::plain(""),
        [Part::Lit(s)] => Value::plain(s.clone()),
        _ => Value::Template(parts),
    }
}

/// `[keystone_authtoken]` (password plugin) and the paste flavor.
fn keystone_auth(ini: &mut Ini, k: &model::Keystone, secrets: &mut Secrets) {
    let base = identity_base(&k.auth_url.value);
    if exists(Setting::WwwAuthenticateUri, ini.release) {
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

/// The identity URL without a version suffix: keystoneauth discovers the
/// version, and www_authenticate_uri is the unversioned public endpoint.
pub(super) fn identity_base(url: &str) -> String {
    let t = url.trim_end_matches('/');
    for suffix in ["/v2.0", "/v3"] {
        if let Some(b) = t.strip_suffix(suffix) {
            return b.to_string();
        }
    }
    t.to_string()
}

pub(super) fn merge_lits(parts: Vec<Part>) -> Vec<Part> {
    let mut out: Vec<Part> = Vec::new();
    for p in parts {
        match (out.last_mut(), p) {
            (Some(Part::Lit(a)), Part::Lit(b)) => a.push_str(&b),
            (_, p) => out.push(p),
        }
    }
    out
}

/// The CA a consumer trusts for the Image API's certificate, by release.
fn trust(ini: &mut Ini, kind: ConsumerKind, ca: &str) {
    match kind {
        ConsumerKind::Nova => {
            // One of the two exists in any release ([`Ini::set`] skips the
            // other).
            ini.set(Setting::NovaGlanceCafile, Value::plain(ca));
            ini.set(Setting::NovaSslCaFile, Value::plain(ca));
        }
        ConsumerKind::Cinder => ini.set(Setting::CinderGlanceCaFile, Value::plain(ca)),
    }
}

/// DEFAULT first, then sections in order of first appearance; keys keep
/// their order within a section.
pub(super) fn sort_sections(file: &mut IniFile) {
    let mut order: Vec<String> = vec!["DEFAULT".into()];
    for s in &file.settings {
        if !order.contains(&s.section) {
            order.push(s.section.clone());
        }
    }
    file.settings
        .sort_by_key(|s| order.iter().position(|o| *o == s.section));
}

pub(super) fn consumer(
    spec: &Spec,
    c: &model::Consumer,
    listeners: &[Listener],
    diags: &mut Diagnostics,
) -> IniFile {
    let rel = spec.release;
    let (service, api_servers, catalog_setting) =
        crate::release::settings::consumer_settings(c.kind);
    let mut ini = Ini {
        file: IniFile {
            service,
            node: None,
            target: c.config.value.clone(),
            settings: vec![],
            remove: vec![],
        },
        release: rel,
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
        .or_else(|| first_front(listeners));
    let Some(internal) = internal else {
        // No endpoint and no VIP: nothing to point the consumer at (the
        // checker has said why).
        return ini.file;
    };
    if internal.scheme == Scheme::Https {
        if let Some(ca) = spec.tls.as_ref().and_then(|t| t.ca.as_ref()) {
            trust(&mut ini, c.kind, &ca.value);
        }
    }
    match discovery {
        Discovery::ApiServers => {
            ini.set(api_servers, Value::plain(internal.to_string()));
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
