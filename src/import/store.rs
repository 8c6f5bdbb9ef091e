//! The image store, from glance-api.conf (multiple stores:
//! `enabled_backends` and the backend's section; before: `[glance_store]`),
//! the CIB's Filesystem mount, /etc/fstab (a share the nodes mount
//! themselves) and glance-swift.conf (a Swift store's credentials).
//!
//! A file store on the node's own disk (no mount, no share) is written as
//! a waiver, which is what it is: glha then manages none of its settings.

use super::host::FstabEntry;
use super::ini::LiveIni;
use super::write::{Item, Val};
use super::Ctx;
use crate::plan::{Duration, Op, Primitive, Value};
use crate::release::settings::{exists, Setting};
use crate::release::store::{self as rstore, StoreType};

/// glance_store's own default file store directory.
const PACKAGED: &str = rstore::DEFAULT_IMAGES_DIR;

/// Where a store's settings are.
struct Live<'a> {
    /// The store's name (its section in multi-store files).
    name: String,
    /// Its type.
    kind: StoreType,
    /// The section holding its options.
    section: String,
    /// Whether the file uses multiple stores (`enabled_backends`).
    multi: bool,
    file: &'a LiveIni,
}

impl Live<'_> {
    fn get(&self, key: &str) -> Option<String> {
        self.file.value(&self.section, key)
    }
}

/// The store the live file configures; `None` when it configures none.
fn live<'a>(cx: &mut Ctx, file: &'a LiveIni, out: &mut Vec<Item>) -> Option<Live<'a>> {
    if let Some(eb) = file.value("DEFAULT", "enabled_backends") {
        let backends = rstore::backends(&eb);
        let default = file.value("glance_store", "default_backend");
        let (name, ty) = backends
            .iter()
            .find(|(n, _)| Some(n) == default.as_ref())
            .or(backends.first())?
            .clone();
        for (n, t) in backends.iter().filter(|(n, _)| *n != name) {
            out.push(cx.not_expressed(
                "store",
                format!("backend {n}:{t} of enabled_backends: glha configures one store"),
            ));
        }
        let Some(kind) = StoreType::parse(&ty) else {
            out.push(cx.not_expressed(
                "store",
                format!("backend {name} is a {ty} store; glha writes file, rbd and swift stores"),
            ));
            return None;
        };
        return Some(Live {
            section: name.clone(),
            name,
            kind,
            multi: true,
            file,
        });
    }
    let ty = file.value("glance_store", "default_store").or_else(|| {
        file.value("glance_store", "stores")
            .and_then(|s| s.split(',').next().map(|t| t.trim().to_string()))
    });
    let configured = ty.is_some()
        || file
            .value("glance_store", "filesystem_store_datadir")
            .is_some();
    if !configured {
        return None;
    }
    let ty = ty.unwrap_or_else(|| "file".into());
    let Some(kind) = StoreType::parse(&ty) else {
        out.push(cx.not_expressed(
            "store",
            format!("the default store is {ty}; glha writes file, rbd and swift stores"),
        ));
        return None;
    };
    // One store's name is only its Swift reference's: keep the live one.
    let name = match kind {
        StoreType::Swift => file
            .value("glance_store", "default_swift_reference")
            .filter(|r| super::cluster::label_ok(r))
            .unwrap_or_else(|| "images".into()),
        _ => "images".into(),
    };
    Some(Live {
        name,
        kind,
        section: "glance_store".into(),
        multi: false,
        file,
    })
}

/// `store [NAME] { … }`, `store = waived "…"`, or nothing.
pub(crate) fn store(cx: &mut Ctx) -> Vec<Item> {
    let Some(file) = cx.glance else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let nodes = cx
        .cluster
        .cib
        .map_or(cx.host.corosync.len(), |c| c.nodes.len());
    let Some(l) = live(cx, file, &mut out) else {
        if nodes >= 2 {
            out.push(cx.review("store", "glance-api.conf configures no store: glance keeps images on each node's disk; declare the shared store".into()));
            out.push(Item::attr(
                "store",
                Val::Waived("imported: glance-api.conf configures no image store".into()),
            ));
        }
        return out;
    };
    let mut body = vec![Item::attr("backend", Val::word(l.kind.name()))];
    let base = match l.kind {
        StoreType::File => match file_store(cx, &l, &mut body, &mut out) {
            Some(base) => Some(base),
            None => return out,
        },
        StoreType::Rbd => {
            rbd(&l, &mut body);
            None
        }
        StoreType::Swift => {
            swift(cx, &l, &mut body, &mut out);
            None
        }
    };
    staging_and_tasks(cx, &l, base.as_deref(), &mut body);
    let labels: Vec<&str> = if l.name != "images" {
        vec![l.name.as_str()]
    } else {
        vec![]
    };
    if !super::cluster::label_ok(&l.name) {
        out.push(cx.not_expressed(
            "store",
            format!("the store's name `{}` cannot be a spec label", l.name),
        ));
        return out;
    }
    if l.multi != rstore::multi_store(cx.release) {
        let (live_how, rel_how) = if l.multi {
            ("multiple stores", "one store in [glance_store]")
        } else {
            (
                "one store in [glance_store]",
                "multiple stores (enabled_backends)",
            )
        };
        out.push(cx.not_expressed(
            "store",
            format!(
                "the live file configures {live_how}; for {} glha writes {rel_how}",
                cx.release
            ),
        ));
    }
    out.push(Item::block("store", &labels, body));
    out
}

/// A file store's path and how the nodes share it; returns the directory
/// staging and tasks default under, or `None` when the store is written as
/// a waiver instead.
fn file_store(cx: &mut Ctx, l: &Live, body: &mut Vec<Item>, out: &mut Vec<Item>) -> Option<String> {
    let path = l
        .get("filesystem_store_datadir")
        .unwrap_or_else(|| PACKAGED.to_string());
    let path = path.trim_end_matches('/').to_string();
    body.push(Item::attr("path", Val::str(&path)));
    if let Some(m) = cx.cluster.mount {
        let (items, dir) = mount(cx, m, &path);
        body.push(Item::block("mount", &[], items));
        return Some(dir);
    }
    if let Some(e) = cx.host.shared_mount(&path).cloned() {
        body.push(Item::attr("shared", Val::External(external(&e))));
        return Some(parent(&path).to_string());
    }
    out.push(cx.review("store", format!("images in {path}, on each node's own disk (no Pacemaker mount, no shared file system in /etc/fstab): written as a waiver; declare how the nodes share it if they do")));
    out.push(Item::attr(
        "store",
        Val::Waived(format!(
            "imported: images in {path} on each node's own disk"
        )),
    ));
    None
}

fn external(e: &FstabEntry) -> String {
    format!(
        "{} {} mounted at {} by /etc/fstab",
        e.fstype, e.device, e.dir
    )
}

fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

fn plain(v: &Value) -> String {
    match v {
        Value::Plain(s) => s.clone(),
        other => other.render(&crate::secret::SecretValues::none()).text,
    }
}

/// `mount { device fstype options directory op … }` from the Filesystem
/// primitive; returns the items and the mount point.
fn mount(cx: &mut Ctx, m: &Primitive, path: &str) -> (Vec<Item>, String) {
    let mut items = Vec::new();
    let get = |k: &str| {
        m.params
            .iter()
            .find(|(pk, _)| pk == k)
            .map(|(_, v)| plain(v))
    };
    let dir = get("directory").unwrap_or_else(|| parent(path).to_string());
    for k in ["device", "fstype", "options"] {
        if let Some(v) = get(k) {
            items.push(Item::attr(k, Val::str(v)));
        }
    }
    if dir != parent(path) {
        items.push(Item::attr("directory", Val::str(&dir)));
    }
    for (k, _) in &m.params {
        if !["device", "fstype", "options", "directory"].contains(&k.as_str()) {
            items.insert(
                0,
                cx.not_expressed(
                    "store",
                    format!("{} has param {k}, which glha does not write", m.id),
                ),
            );
        }
    }
    for (k, v) in &m.meta {
        items.insert(
            0,
            cx.not_expressed(
                "store",
                format!("{} has meta {k}={v}, which glha does not write", m.id),
            ),
        );
    }
    // The agent's advice fills in what the spec does not say.
    let advised = [("monitor", 20, 40), ("start", 0, 60), ("stop", 0, 60)].map(|(n, i, t)| Op {
        name: n.into(),
        interval: Duration::seconds(i),
        timeout: Some(Duration::seconds(t)),
    });
    for o in &m.ops {
        if advised.contains(o) {
            continue;
        }
        if !["monitor", "start", "stop"].contains(&o.name.as_str()) {
            items.insert(
                0,
                cx.not_expressed(
                    "store",
                    format!(
                        "{}'s op {} interval={}, which glha does not write",
                        m.id, o.name, o.interval
                    ),
                ),
            );
            continue;
        }
        let mut b = Vec::new();
        if !o.interval.is_zero() {
            b.push(Item::attr("interval", Val::Dur(o.interval)));
        }
        if let Some(t) = o.timeout {
            b.push(Item::attr("timeout", Val::Dur(t)));
        }
        items.push(Item::inline("op", &[&o.name], b));
    }
    for a in &advised {
        if !m.ops.iter().any(|o| o.name == a.name) {
            items.insert(
                0,
                cx.not_expressed(
                    "store",
                    format!(
                        "{} has no {} op; glha adds the agent's advice",
                        m.id, a.name
                    ),
                ),
            );
        }
    }
    (items, dir)
}

/// An rbd store's options that differ from the defaults.
fn rbd(l: &Live, body: &mut Vec<Item>) {
    for (key, spec, default) in [
        ("rbd_store_pool", "pool", "images"),
        ("rbd_store_user", "user", "glance"),
        ("rbd_store_ceph_conf", "ceph_conf", "/etc/ceph/ceph.conf"),
    ] {
        if let Some(v) = l.get(key).filter(|v| v != default) {
            body.push(Item::attr(spec, Val::str(v)));
        }
    }
    if let Some(n) = l.get("rbd_store_chunk_size").and_then(|c| c.parse().ok()) {
        body.push(Item::attr("chunk_size", Val::Int(n)));
    }
}

/// The options of a glance-swift.conf reference that glance_store reads
/// (glance_store's swift/utils.py), and what the spec's swift store says
/// of each: `Some(attribute)`, or `None` for what glha writes itself.
const SWIFT_READ: &[(&str, Option<&str>)] = &[
    ("auth_address", Some("auth_url")),
    ("user", Some("user")),
    ("key", Some("password")),
    ("user_domain_name", Some("user_domain")),
    ("project_domain_name", Some("project_domain")),
    ("auth_version", None),
    ("user_domain_id", None),
    ("project_domain_id", None),
    ("project_name", None),
    ("project_id", None),
    ("application_credential_id", None),
    ("application_credential_secret", None),
];

/// A swift store: its options, and its credentials from glance-swift.conf.
fn swift(cx: &mut Ctx, l: &Live, body: &mut Vec<Item>, out: &mut Vec<Item>) {
    if let Some(c) = l.get("swift_store_container").filter(|c| c != "glance") {
        body.push(Item::attr("container", Val::str(c)));
    }
    if let Some(r) = l.get("swift_store_region") {
        body.push(Item::attr("region", Val::str(r)));
    }
    if l.get("swift_store_create_container_on_put")
        .is_some_and(|v| v.eq_ignore_ascii_case("true"))
    {
        body.push(Item::attr("create_container", Val::word("true")));
    }
    let conf_path = l
        .get("swift_store_config_file")
        .unwrap_or_else(|| rstore::SWIFT_CONF.to_string());
    let reference = l
        .get("default_swift_reference")
        .unwrap_or_else(|| "ref1".to_string());
    if reference != l.name {
        out.push(cx.not_expressed("store", format!("the Swift reference `{reference}` of store {}: glha names the reference after the store", l.name)));
    }
    let conf = match crate::diff::swift_conf::read(&cx.inputs.root, &conf_path) {
        Ok(c) => c.filter(|c| c.has_section(&reference)),
        Err(e) => {
            cx.fatal.get_or_insert(e.into());
            return;
        }
    };
    let Some(conf) = conf else {
        out.push(cx.not_expressed("store", format!("no [{reference}] in {conf_path} under the root: the Swift user, project and password are unknown; write them")));
        return;
    };
    swift_credentials(cx, l, &conf, &reference, body, out);
    // What glance_store reads there and the spec does not say; options it
    // does not read (names other values refer to) are left alone.
    for key in conf.keys(&reference) {
        let unmapped = SWIFT_READ.iter().any(|(k, s)| *k == key && s.is_none());
        if let Some(note) = unmapped
            .then(|| swift_unmapped(&conf, &reference, &key))
            .flatten()
        {
            out.push(cx.not_expressed("store", note));
        }
    }
}

/// The user, project, password, domains and Keystone URL of a swift
/// store, from its reference in glance-swift.conf.
fn swift_credentials(
    cx: &mut Ctx,
    l: &Live,
    conf: &crate::diff::swift_conf::SwiftConf,
    reference: &str,
    body: &mut Vec<Item>,
    out: &mut Vec<Item>,
) {
    let get = |k: &str| conf.get(reference, k);
    // glance_store splits `user` at its one `:` into project and user.
    let split = get("user").map(|u| {
        let parts = u.value.split(':').count();
        let pair = u.value.split_once(':').filter(|_| parts == 2);
        (
            conf.at(&u),
            pair.map(|(p, u)| (p.to_string(), u.to_string())),
        )
    });
    let (project, user) = match split {
        Some((_, Some(pair))) => pair,
        Some((at, None)) => {
            out.push(cx.not_expressed("store", format!("{at} is not PROJECT:USER, which glance_store needs; write the store's user and project")));
            Default::default()
        }
        None => {
            out.push(cx.not_expressed(
                "store",
                format!(
                    "no user in [{reference}] of {}; write the store's user and project",
                    conf.target
                ),
            ));
            Default::default()
        }
    };
    body.push(Item::attr("user", Val::str(user)));
    body.push(Item::attr("project", Val::str(project)));
    let key = get("key");
    let found = key.as_ref().map_or(
        format!("{} [{reference}] key (not set)", conf.target),
        |k| conf.at(k),
    );
    let env = cx.secrets.add(
        &format!("store.{}.password", l.name),
        &["glance", "swift", "password"],
        found,
        key.map(|k| k.value),
    );
    body.push(Item::attr("password", Val::Env(env)));
    for (k, spec) in [
        ("user_domain_name", "user_domain"),
        ("project_domain_name", "project_domain"),
    ] {
        if let Some(v) = get(k).map(|g| g.value).filter(|v| v != "Default") {
            body.push(Item::attr(spec, Val::str(v)));
        }
    }
    if let Some(a) = get("auth_address").map(|g| g.value) {
        let base = |u: &str| u.trim_end_matches('/').trim_end_matches("/v3").to_string();
        let default = cx
            .keystone
            .as_ref()
            .map(|k| base(&super::services::identity_base(&k.auth_url)));
        if default.as_deref() != Some(base(&a).as_str()) {
            body.push(Item::attr("auth_url", Val::str(a)));
        }
    }
}

/// What a note says of an option glance_store reads that the spec does
/// not set, or `None` when glha writes the same: `auth_version = 3`, a
/// domain given by the id `default` beside glha's name `Default`. Never
/// the value of a secret.
fn swift_unmapped(
    conf: &crate::diff::swift_conf::SwiftConf,
    reference: &str,
    key: &str,
) -> Option<String> {
    let g = conf.get(reference, key)?;
    let at = conf.at(&g);
    match key {
        "auth_version" if g.value == "3" => None,
        "auth_version" => Some(format!("{at} = {}: glha uses Keystone v3", g.value)),
        "user_domain_id" | "project_domain_id" => {
            let name = key.replace("_id", "_name");
            let same = g.value == "default" && conf.get(reference, &name).is_none();
            (!same).then(|| format!("{at}: glha names the domain (user_domain, project_domain); write the name of domain id {}", g.value))
        }
        _ if crate::secret::is_sensitive_name(key) => Some(format!(
            "{at} (value not shown): glha's swift store logs in with a user and password"
        )),
        _ => Some(format!(
            "{at} = {}: glha's swift store logs in with a user and password",
            g.value
        )),
    }
}

/// `staging` and `tasks`, where they are not where the spec puts them by
/// default (under `base`, a file store's mount point or share; else
/// glance's local directories).
fn staging_and_tasks(cx: &Ctx, l: &Live, base: Option<&str>, body: &mut Vec<Item>) {
    let rel = cx.release;
    let (staging, tasks) = if l.multi {
        (
            l.file
                .value(rstore::STAGING_SECTION, "filesystem_store_datadir"),
            l.file
                .value(rstore::TASKS_SECTION, "filesystem_store_datadir"),
        )
    } else {
        (
            l.file
                .value("DEFAULT", "node_staging_uri")
                .map(|u| u.trim_start_matches("file://").to_string()),
            l.file.value("task", "work_dir"),
        )
    };
    let default = |leaf: &str, local: &str| match base {
        Some(b) => format!("{}/{leaf}", b.trim_end_matches('/')),
        None => local.to_string(),
    };
    let has_staging = rstore::multi_store(rel) || exists(Setting::NodeStagingUri, rel);
    if let Some(s) =
        staging.filter(|s| has_staging && *s != default("staging", crate::check::LOCAL_STAGING))
    {
        body.push(Item::attr("staging", Val::str(s.trim_end_matches('/'))));
    }
    if let Some(t) = tasks.filter(|t| *t != default("tasks", crate::check::LOCAL_TASKS)) {
        body.push(Item::attr("tasks", Val::str(t.trim_end_matches('/'))));
    }
}
