//! The image store: where images live, so that they survive a failover.
//!
//! ```glha
//! store images {                             # the label names the backend; default `images`
//!   backend = file                           # file | rbd | swift
//!   path    = "/srv/glance/images"           # the images directory
//!   mount { device = "nfs.example.com:/export/glance"  fstype = "nfs4"  options = "vers=4.2,hard" }
//!   # or, mounted by the nodes themselves:
//!   # shared = external "CephFS mounted by /etc/fstab on every node"
//! }
//! store { backend = rbd    pool = "images"  user = "glance"  ceph_conf = "/etc/ceph/ceph.conf" }
//! store { backend = swift  user = "glance"  password = secret env "GLANCE_SWIFT_PASSWORD"  project = "service" }
//! store = waived "lab: images may be lost on failover"
//! ```
//!
//! A file store's layout: the mount point (`mount { directory }`, by
//! default the parent of `path`) holds the images directory and, unless
//! the spec says otherwise, `staging` (DIRECTORY/staging) and `tasks`
//! (DIRECTORY/tasks); all three are distinct and lie under it. A store
//! shared externally keeps the same layout around the parent of `path`.
//! rbd and swift stores stage imports in glance's documented local
//! directories unless `staging` and `tasks` are given.
//!
//! Defaults come from the stdlib's `defaults store { name … rbd { … }
//! swift { … } }`: the block named after the chosen backend fills in its
//! keys; the others do not apply. The same values are built in for specs
//! that do not import it (a test keeps the two equal).

use super::fields::Fields;
use super::values;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::*;
use crate::plan::{AgentRef, Duration};
use crate::release::settings::{exists, Setting};
use crate::release::store::{self as rstore, StoreType};
use crate::release::Release;
use crate::source::{FileId, SourceMap, Span};
use crate::syntax::{Ident, Item, ItemKind, ValueKind};

/// The store's name when the spec gives none (as the stdlib's default).
pub(crate) const DEFAULT_NAME: &str = "images";
/// Built-in defaults of an rbd store (as the stdlib's).
pub(crate) const RBD_DEFAULTS: &[(&str, &str)] = &[
    ("pool", "images"),
    ("user", "glance"),
    ("ceph_conf", "/etc/ceph/ceph.conf"),
];
/// Built-in defaults of a swift store (as the stdlib's).
pub(crate) const SWIFT_DEFAULTS: &[(&str, &str)] = &[
    ("container", "glance"),
    ("user_domain", "Default"),
    ("project_domain", "Default"),
];
/// Where glance's documentation puts the staging and tasks stores
/// (admin/multistores.rst, "Reserved Stores"): node-local directories, the
/// defaults of stores that have no shared file system.
pub(crate) const LOCAL_STAGING: &str = "/var/lib/glance/staging";
/// See [`LOCAL_STAGING`].
pub(crate) const LOCAL_TASKS: &str = "/var/lib/glance/tasks_work_dir";

/// The Filesystem agent's advised operations (its metadata: start and
/// stop 60s, monitor 40s every 20s), for specs that do not import the
/// stdlib's agent description.
pub(crate) const FILESYSTEM_ADVICE: &[(&str, u16, u16)] =
    &[("monitor", 40, 20), ("start", 60, 0), ("stop", 60, 0)];

/// File systems the Filesystem agent runs as a clone (its `CLUSTERSAFE`
/// list, resource-agents 4.12): any other refuses to start on more than
/// one node.
const CLUSTER_SAFE: &[&str] = &[
    "nfs4",
    "nfs",
    "efs",
    "smbfs",
    "cifs",
    "none",
    "gfs2",
    "glusterfs",
    "ceph",
    "ocfs2",
    "overlay",
    "overlayfs",
    "tmpfs",
    "cvfs",
    "lustre",
];

/// Keys of every store block.
/// The keys and blocks a store of this backend allows.
fn schema_of(t: StoreType) -> &'static crate::schema::Block {
    match t {
        StoreType::File => &crate::schema::STORE_FILE,
        StoreType::Rbd => &crate::schema::STORE_RBD,
        StoreType::Swift => &crate::schema::STORE_SWIFT,
    }
}

/// What the store check needs from the rest of the spec.
pub(crate) struct Context<'a> {
    /// The spec's own file: other items come from a module's defaults.
    pub(crate) root: FileId,
    /// The release being compiled for.
    pub(crate) release: Release,
    /// The keystone block, whose URL and domains a swift store defaults to.
    pub(crate) keystone: Option<&'a Keystone>,
    /// Agents the stdlib (or spec) describes.
    pub(crate) agents: &'a [(AgentRef, AgentInfo)],
}

/// The `store` block or waiver, if the spec has one.
pub(crate) fn store(
    top: &Fields,
    cx: &Context,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<StoreDecl> {
    let waiver = top.value("store");
    let blocks: Vec<_> = top.blocks("store").collect();
    for (_, _, extra) in blocks.iter().skip(1) {
        diags.push(
            Diagnostic::error(
                &codes::DUPLICATE,
                extra.key.span,
                "`store` is declared twice",
            )
            .with_secondary(blocks[0].2.key.span, "first declared here")
            .help("a spec has one image store; glha configures one glance backend"),
        );
    }
    match (waiver, blocks.first()) {
        (Some(w), Some((_, _, b))) => {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    w.span,
                    "the store is both waived and declared",
                )
                .with_secondary(b.key.span, "store declared here")
                .help("keep the store and remove the waiver, or the other way round"),
            );
            None
        }
        (Some(w), None) => {
            let r = values::Reason {
                key: "store",
                word: "waived",
                noun: "waiver",
                example: "store = waived \"lab: images may be lost on failover\"",
                instead: "declare the store with `store { backend = … }` or write `store = waived \"reason\"`",
            };
            values::reason(w, &r, diags).map(StoreDecl::Waived)
        }
        (None, Some((labels, items, item))) => {
            block(labels, items, item, cx, sources, diags).map(|s| StoreDecl::Store(Box::new(s)))
        }
        (None, None) => None,
    }
}

/// E0401: a spec with two or more nodes says nothing about the store.
pub(crate) fn required(top: &Fields, has_store: bool, diags: &mut Diagnostics) {
    if has_store || top.value("store").is_some() || top.blocks("store").next().is_some() {
        return;
    }
    let Some((_, items, cluster)) = top.blocks("cluster").next() else {
        return;
    };
    let nodes = items
        .iter()
        .filter(|i| i.key.name == "node" && matches!(i.kind, ItemKind::Block { .. }))
        .count();
    if nodes < 2 {
        return;
    }
    // Through `absent`: a spec that lost top-level text to a syntax error
    // may have lost its store there.
    top.absent(
        Diagnostic::error(&codes::NO_STORE, cluster.key.span, "the spec does not say where images are stored")
            .label(format!("glance-api may run on any of these {nodes} nodes"))
            .help("declare the store, e.g. `store { backend = file  path = \"/srv/glance/images\"  mount { device = \"nfs.example.com:/export/glance\"  fstype = \"nfs4\" } }` or `store { backend = rbd }`, or write `store = waived \"reason\"`"),
        diags,
    );
}

/// Splits the block's items: the spec's own (a `name` key or a backend's
/// defaults block written there is an error), the module's other defaults,
/// a module's `name`, and the module's defaults block per backend.
struct Split<'a> {
    own: Vec<Item>,
    name: Option<&'a Item>,
    backend_defaults: Vec<(&'a str, &'a [Item])>,
}

fn split<'a>(items: &'a [Item], root: FileId, diags: &mut Diagnostics) -> Split<'a> {
    let mut out = Split {
        own: Vec::new(),
        name: None,
        backend_defaults: Vec::new(),
    };
    for it in items {
        let from_spec = it.span.file == root;
        let backend_block =
            matches!(it.kind, ItemKind::Block { .. }) && StoreType::parse(&it.key.name).is_some();
        match (&it.kind, from_spec) {
            (ItemKind::Attribute(_), false) if it.key.name == "name" => out.name = Some(it),
            (ItemKind::Block { items, .. }, false) if backend_block => {
                out.backend_defaults
                    .push((it.key.name.as_str(), items.as_slice()));
            }
            (ItemKind::Attribute(_), true) if it.key.name == "name" => diags.push(
                Diagnostic::error(
                    &codes::UNKNOWN_KEY,
                    it.key.span,
                    "the store's name is its label",
                )
                .help("write `store NAME { … }`; without a label the store is called `images`"),
            ),
            (ItemKind::Block { .. }, true) if backend_block => diags.push(
                Diagnostic::error(
                    &codes::UNKNOWN_KEY,
                    it.key.span,
                    format!("`{}` is a backend, not a block of the store", it.key.name),
                )
                .help(format!(
                    "write `backend = {}` and its keys in the store block itself",
                    it.key.name
                )),
            ),
            _ => out.own.push(it.clone()),
        }
    }
    out
}

/// The backend named by `backend = …`.
fn backend_type(items: &[Item], diags: &mut Diagnostics) -> Option<StoreType> {
    let it = items.iter().find(|i| i.key.name == "backend")?;
    let f = Fields::new(
        "store",
        it,
        std::slice::from_ref(it),
        &crate::schema::STORE,
        diags,
    );
    let names: Vec<&str> = StoreType::ALL.iter().map(|t| t.name()).collect();
    let (w, _) = f.word("backend", &names, diags)?;
    StoreType::parse(&w)
}

/// Reports the spec's keys that belong to another backend than `t`, and
/// returns the items without them.
fn other_backends_keys(t: StoreType, own: Vec<Item>, diags: &mut Diagnostics) -> Vec<Item> {
    own.into_iter()
        .filter(|it| {
            let has = |b: &crate::schema::Block| {
                b.key_names().contains(&it.key.name.as_str())
                    || b.block_names().contains(&it.key.name.as_str())
            };
            let ours = has(schema_of(t));
            let theirs = StoreType::ALL
                .iter()
                .find(|o| **o != t && has(schema_of(**o)));
            match theirs {
                Some(o) if !ours => {
                    diags.push(
                        Diagnostic::error(
                            &codes::UNKNOWN_KEY,
                            it.key.span,
                            format!(
                                "`{}` is a key of {o} stores, and this store's backend is {t}",
                                it.key.name
                            ),
                        )
                        .help(format!(
                            "{t} stores take: {}",
                            schema_of(t).key_names().join(", ")
                        )),
                    );
                    false
                }
                _ => true,
            }
        })
        .collect()
}

/// A `store [NAME] { … }` block.
fn block(
    labels: &[Ident],
    items: &[Item],
    item: &Item,
    cx: &Context,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Store> {
    let sp = split(items, cx.root, diags);
    let name = name(labels, sp.name, item, diags);
    let Some(t) = backend_type(&sp.own, diags) else {
        if !sp.own.iter().any(|i| i.key.name == "backend") {
            diags.push(
                Diagnostic::error(&codes::MISSING, item.key.span, "store has no `backend`")
                    .label("`backend` is required here")
                    .help("write `backend = file` (a shared directory), `backend = rbd` (Ceph) or `backend = swift`"),
            );
        }
        return None;
    };
    let mut own = other_backends_keys(t, sp.own, diags);
    // The chosen backend's defaults fill in what the block does not say.
    for (_, dflt) in sp.backend_defaults.iter().filter(|(b, _)| *b == t.name()) {
        for d in dflt.iter() {
            if !own.iter().any(|o| o.key.name == d.key.name) {
                own.push(d.clone());
            }
        }
    }
    let f = Fields::new(
        format!("store {}", name.value),
        item,
        &own,
        schema_of(t),
        diags,
    );
    let backend = match t {
        StoreType::File => file(&f, cx, diags).map(Backend::File),
        StoreType::Rbd => rbd(&f, diags).map(Backend::Rbd),
        StoreType::Swift => swift(&f, cx, sources, diags).map(Backend::Swift),
    };
    let (staging, tasks, staging_shared) =
        staging_and_tasks(&f, backend.as_ref(), item, cx, diags)?;
    Some(Store {
        name,
        backend: backend?,
        staging,
        tasks,
        staging_shared,
        span: item.key.span,
    })
}

/// The store's name: its label, a module's `name`, or `images`.
fn name(labels: &[Ident], module: Option<&Item>, item: &Item, diags: &mut Diagnostics) -> Text {
    if let Some(extra) = labels.get(1) {
        diags.push(
            Diagnostic::error(&codes::SYNTAX, extra.span, "`store` takes one name")
                .help("write `store NAME { … }`"),
        );
    }
    let (value, span) = match (labels.first(), module.map(|m| &m.kind)) {
        (Some(l), _) => (l.name.clone(), l.span),
        (None, Some(ItemKind::Attribute(v))) => match &v.kind {
            ValueKind::Str(s) => (s.clone(), v.span),
            ValueKind::Ref(p) if p.len() == 1 => (p[0].name.clone(), v.span),
            _ => (DEFAULT_NAME.to_string(), item.key.span),
        },
        _ => (DEFAULT_NAME.to_string(), item.key.span),
    };
    let shape_ok = value.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && value
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '_' | '-'));
    let why = if shape_ok {
        rstore::name_conflict(&value)
    } else {
        Some("oslo.config lower-cases section names, and glance looks the backend up by the name as written".to_string())
    };
    if let Some(why) = why {
        diags.push(
            Diagnostic::error(&codes::STORE_NAME, span, format!("`{value}` cannot name a glance store"))
                .label(why)
                .help("name the store with lower-case letters, digits, `_` and `-`, e.g. `store images { … }`"),
        );
    }
    Text { value, span }
}

/// Characters a store path may hold.
fn path_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '/' | '.' | '_' | '-' | '+' | '@' | '~' | ',')
}

/// E0404: an absolute, normalised path of safe characters.
fn store_path(t: &Text, what: &str, diags: &mut Diagnostics) -> bool {
    let v = &t.value;
    let why = if !v.starts_with('/') {
        Some("it is not absolute".to_string())
    } else if v.len() > 1 && v.ends_with('/') {
        Some("it ends with `/`".to_string())
    } else if v.len() > 1
        && v[1..]
            .split('/')
            .any(|c| c.is_empty() || c == "." || c == "..")
    {
        Some("it has an empty, `.` or `..` component".to_string())
    } else {
        v.chars()
            .find(|c| !path_char(*c))
            .map(|c| format!("it contains {}", c.escape_debug()))
    };
    match why {
        None => true,
        Some(why) => {
            diags.push(
                Diagnostic::error(&codes::STORE_PATH, t.span, format!("{what} must be an absolute, normalised path"))
                    .label(why)
                    .help("write an absolute path without `.`, `..`, `//` or a trailing `/`, of letters, digits and `. _ - + @ ~ ,`, e.g. \"/srv/glance/images\""),
            );
            false
        }
    }
}

/// `parent` of an absolute path (`/` for a top-level one).
fn parent(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &path[..i],
    }
}

/// Whether `inner` lies inside `outer` (strictly).
fn inside(inner: &str, outer: &str) -> bool {
    outer == "/" && inner != "/"
        || inner
            .strip_prefix(outer)
            .is_some_and(|r| r.starts_with('/'))
}

/// `path`, and how the nodes share it.
fn file(f: &Fields, cx: &Context, diags: &mut Diagnostics) -> Option<FileStore> {
    let path = values::text(f, "path", diags);
    if path.is_none() && f.value("path").is_none() {
        f.missing(
            "path",
            "give the images directory, e.g. `path = \"/srv/glance/images\"`",
            diags,
        );
    }
    let path = path.filter(|p| store_path(p, "`path`", diags));
    let mount = f.blocks("mount").next();
    let shared = f.value("shared");
    let sharing = match (mount, shared) {
        (Some(_), Some(s)) => {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    s.span,
                    "the store has both a `mount` and `shared`",
                )
                .help("a mount Pacemaker manages, or one the nodes make themselves: keep one"),
            );
            None
        }
        (Some((labels, items, item)), None) => {
            mount_block(labels, items, item, path.as_ref(), cx, diags)
                .map(|m| Sharing::Mount(Box::new(m)))
        }
        (None, Some(s)) => {
            let r = values::Reason {
                key: "shared",
                word: "external",
                noun: "description",
                example: "shared = external \"CephFS mounted by /etc/fstab on every node\"",
                instead: "say how every node sees the directory: `shared = external \"…\"`, or give a `mount { … }` block",
            };
            values::reason(s, &r, diags).map(Sharing::External)
        }
        (None, None) => {
            diags.push(
                Diagnostic::error(&codes::LOCAL_STORE, f.span, "images would be on one node's disk")
                    .label("a file store with neither `mount` nor `shared`")
                    .help("let Pacemaker mount a shared file system: `mount { device = \"nfs.example.com:/export/glance\"  fstype = \"nfs4\" }`, or say how the nodes share it: `shared = external \"…\"`; an image uploaded on one node cannot be downloaded from another"),
            );
            None
        }
    };
    let (path, sharing) = (path?, sharing?);
    if let (Sharing::External(_), true) = (&sharing, path.value == rstore::DEFAULT_IMAGES_DIR) {
        diags.push(
            Diagnostic::warning(&codes::DEFAULT_DIR_SHARED, path.span, format!("{} is where glance keeps images on the node's own disk", rstore::DEFAULT_IMAGES_DIR))
                .label("declared shared by an external mount")
                .help("if the shared file system is not mounted there on a node, glance-api serves an empty local directory without an error: give the share a path of its own (e.g. \"/srv/glance/images\"), or check `findmnt /var/lib/glance/images` on every node"),
        );
    }
    Some(FileStore { path, sharing })
}

/// `mount { device fstype options directory op … }`.
fn mount_block(
    labels: &[Ident],
    items: &[Item],
    item: &Item,
    path: Option<&Text>,
    cx: &Context,
    diags: &mut Diagnostics,
) -> Option<Mount> {
    if let Some(l) = labels.first() {
        diags.push(
            Diagnostic::error(&codes::SYNTAX, l.span, "`mount` takes no name")
                .help("write `mount { … }`"),
        );
    }
    let f = Fields::new("mount", item, items, &crate::schema::MOUNT, diags);
    let required = |key: &str, help: &str, diags: &mut Diagnostics| {
        values::required_text(&f, key, help, diags)
            .filter(|t| values::crm_safe(&t.value, t.span, &format!("`{key}`"), diags))
    };
    let device = required(
        "device",
        "write what to mount, e.g. `device = \"nfs.example.com:/export/glance\"`",
        diags,
    );
    let fstype = required("fstype", "write the file system type, e.g. `fstype = \"nfs4\"` (`\"none\"` with `options = \"bind\"` for a bind mount)", diags);
    let options = values::text(&f, "options", diags)
        .filter(|t| values::crm_safe(&t.value, t.span, "`options`", diags));
    let directory = match values::text(&f, "directory", diags) {
        Some(d) => Some(d).filter(|d| store_path(d, "the mount point", diags)),
        None if f.value("directory").is_some() => None,
        None => path.map(|p| Text {
            value: parent(&p.value).to_string(),
            span: p.span,
        }),
    };
    let fstype = fstype.filter(|t| fstype_word(t, diags));
    let ok = match (&device, &fstype) {
        (Some(d), Some(t)) => fits(d, t, options.as_ref(), diags),
        _ => false,
    };
    let ops = super::resource::ops(&f, diags);
    let agent = AgentRef::ocf("heartbeat", "Filesystem");
    let agent_info = cx
        .agents
        .iter()
        .find(|(k, _)| *k == agent)
        .map(|(_, i)| i.clone());
    let directory = directory?;
    if directory.value == "/" {
        diags.push(
            Diagnostic::error(&codes::STORE_LAYOUT, directory.span, "the mount point would be `/`")
                .help("give the mount point, e.g. `mount { directory = \"/srv/glance\" … }` with `path = \"/srv/glance/images\"`"),
        );
        return None;
    }
    ok.then_some(())?;
    Some(Mount {
        device: device?,
        directory,
        fstype: fstype?,
        options,
        ops: with_advice(ops, agent_info.as_ref(), item.span),
        agent_info,
        span: item.span,
    })
}

/// A file system type: one word mount(8) takes.
fn fstype_word(t: &Text, diags: &mut Diagnostics) -> bool {
    let ok = !t.value.is_empty()
        && t.value.chars().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-' | '+')
        });
    if !ok {
        diags.push(
            Diagnostic::error(&codes::BAD_VALUE, t.span, format!("`{}` is not a file system type", t.value))
                .help("write the type mount -t takes, e.g. \"nfs4\", \"glusterfs\", \"ceph\" (or \"none\" for a bind mount)"),
        );
    }
    ok
}

/// E0406: the device and options fit the file system type.
fn fits(device: &Text, fstype: &Text, options: Option<&Text>, diags: &mut Diagnostics) -> bool {
    let mut ok = true;
    let mut bad = |span: Span, message: String, help: &str| {
        diags.push(Diagnostic::error(&codes::MOUNT_DEVICE, span, message).help(help.to_string()));
        ok = false;
    };
    if let Some(o) = options {
        if o.value.is_empty() || o.value.contains(char::is_whitespace) {
            bad(
                o.span,
                "mount options are one comma-separated word".into(),
                "write e.g. `options = \"vers=4.2,hard\"` without spaces",
            );
        }
    }
    match fstype.value.as_str() {
        "nfs" | "nfs4" if !nfs_device(&device.value) => bad(
            device.span,
            format!("`{}` is not an NFS export", device.value),
            "write `host:/export`, e.g. \"nfs.example.com:/export/glance\" (an IPv6 host in brackets: \"[2001:db8::5]:/export/glance\")",
        ),
        "none" => {
            let bind = options.is_some_and(|o| o.value.split(',').any(|w| w == "bind" || w == "rbind"));
            if !bind {
                bad(
                    options.map_or(fstype.span, |o| o.span),
                    "a bind mount (`fstype = \"none\"`) needs `bind` in its options".into(),
                    "write `options = \"bind\"`; for another file system give its type",
                );
            }
            if !device.value.starts_with('/') {
                bad(
                    device.span,
                    format!("the source of a bind mount must be an absolute path, not `{}`", device.value),
                    "write the directory to bind, e.g. \"/export/glance\"",
                );
            }
        }
        _ if device.value.trim().is_empty() => bad(device.span, "the device is empty".into(), "write what to mount"),
        _ => {}
    }
    ok
}

/// `host:/path`, the host a DNS name, an IPv4 address or `[IPv6]`.
fn nfs_device(d: &str) -> bool {
    let (host, path) = if let Some(rest) = d.strip_prefix('[') {
        match rest.split_once("]:") {
            Some((h, p)) if h.parse::<std::net::Ipv6Addr>().is_ok() => (None, p),
            _ => return false,
        }
    } else {
        match d.split_once(':') {
            Some((h, p)) => (Some(h), p),
            None => return false,
        }
    };
    let host_ok = host.is_none_or(|h| {
        !h.is_empty()
            && h.len() <= 253
            && h.split('.').all(|l| {
                !l.is_empty()
                    && l.len() <= 63
                    && !l.starts_with('-')
                    && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    });
    host_ok && path.starts_with('/') && !path.contains(char::is_whitespace)
}

/// The spec's ops, then the agent's advice (or the built-in one) for the
/// operations it does not give.
fn with_advice(mut ops: Vec<Op>, info: Option<&AgentInfo>, span: Span) -> Vec<Op> {
    let advice: Vec<(String, Option<Duration>, Option<Duration>)> = match info {
        Some(i) => i.advise.clone(),
        None => FILESYSTEM_ADVICE
            .iter()
            .map(|(op, t, i)| {
                (
                    op.to_string(),
                    Some(Duration::seconds(*t)),
                    (*i > 0).then(|| Duration::seconds(*i)),
                )
            })
            .collect(),
    };
    for (name, timeout, interval) in advice {
        if !["monitor", "start", "stop"].contains(&name.as_str()) {
            continue;
        }
        match ops.iter_mut().find(|o| o.name == name) {
            Some(o) if o.timeout.is_none() => o.timeout = timeout,
            Some(_) => {}
            None => ops.push(Op {
                name,
                interval,
                timeout,
                span,
            }),
        }
    }
    ops
}

/// An rbd store's pool, user, ceph.conf and object size.
fn rbd(f: &Fields, diags: &mut Diagnostics) -> Option<RbdStore> {
    let text = |key: &str, diags: &mut Diagnostics| -> Option<Text> {
        match values::text(f, key, diags) {
            Some(t) => Some(t),
            None if f.value(key).is_some() => None,
            None => Some(builtin(f, RBD_DEFAULTS, key)),
        }
    };
    let pool = text("pool", diags).filter(|p| ceph_name(p, "pool", diags));
    let user = text("user", diags).filter(|u| {
        if let Some(id) = u.value.strip_prefix("client.") {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_VALUE,
                    u.span,
                    format!("`{}` is a cephx entity, not a user id", u.value),
                )
                .label("glance adds `client.` itself")
                .help(format!(
                    "write `user = \"{id}\"`: rbd_store_user is the id without `client.`"
                )),
            );
            return false;
        }
        ceph_name(u, "user", diags)
    });
    let ceph_conf = text("ceph_conf", diags).filter(|c| store_path(c, "`ceph_conf`", diags));
    let chunk_size = match f.number("chunk_size", diags) {
        Some((n @ 1..=1024, _)) if n.is_power_of_two() => Some(Some(n)),
        Some((n, span)) => {
            diags.push(
                Diagnostic::error(&codes::BAD_VALUE, span, format!("`chunk_size = {n}` is not a power of two from 1 to 1024"))
                    .label("RBD object size in MiB")
                    .help("glance makes RBD objects of 2^N bytes and rounds anything else down; write a power of two, e.g. 8 (glance's default)"),
            );
            None
        }
        None if f.value("chunk_size").is_some() => None,
        None => Some(None),
    };
    Some(RbdStore {
        pool: pool?,
        user: user?,
        ceph_conf: ceph_conf?,
        chunk_size: chunk_size?,
    })
}

/// A built-in default, at the block's span.
fn builtin(f: &Fields, table: &[(&str, &str)], key: &str) -> Text {
    Text {
        value: table
            .iter()
            .find(|(k, _)| *k == key)
            .map_or("", |(_, v)| v)
            .to_string(),
        span: f.span,
    }
}

/// A Ceph pool or user name: no spaces, `/` or `,`.
fn ceph_name(t: &Text, what: &str, diags: &mut Diagnostics) -> bool {
    let ok = !t.value.is_empty()
        && t.value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !ok {
        diags.push(
            Diagnostic::error(
                &codes::BAD_VALUE,
                t.span,
                format!("`{}` is not a Ceph {what} name", t.value),
            )
            .help("use letters, digits, `_`, `-` and `.`"),
        );
    }
    ok
}

/// A swift store: container, Keystone v3 credentials, region.
fn swift(
    f: &Fields,
    cx: &Context,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<SwiftStore> {
    let text = |key: &str, diags: &mut Diagnostics| -> Option<Text> {
        match values::text(f, key, diags) {
            Some(t) => conf_value(&t, key, diags).then_some(t),
            None if f.value(key).is_some() => None,
            None => Some(builtin(f, SWIFT_DEFAULTS, key)),
        }
    };
    let container = text("container", diags).filter(|c| ceph_name_like_container(c, diags));
    let user_domain = text("user_domain", diags);
    let project_domain = text("project_domain", diags);
    let required = |key: &str, help: &str, diags: &mut Diagnostics| {
        values::required_text(f, key, help, diags)
            .filter(|t| conf_value(t, key, diags) && no_colon(t, key, diags))
    };
    let user = required(
        "user",
        "write the Swift user glance authenticates as, e.g. `user = \"glance\"`",
        diags,
    );
    let project = required(
        "project",
        "write the user's project, e.g. `project = \"service\"`",
        diags,
    );
    let password = match f.value("password") {
        Some(_) => values::secret(f, "password", sources, diags).filter(|s| match s {
            Secret::Literal(t) => swift_conf_literal(t, diags),
            _ => true,
        }),
        None => {
            f.missing(
                "password",
                "write `password = secret env \"GLANCE_SWIFT_PASSWORD\"`",
                diags,
            );
            None
        }
    };
    let auth_url = auth_url(f, cx, diags);
    let region = values::text(f, "region", diags).filter(|r| conf_value(r, "region", diags));
    let create_container = f.boolean("create_container", diags).unwrap_or(false);
    Some(SwiftStore {
        container: container?,
        auth_url: auth_url?,
        user: user?,
        password: password?,
        project: project?,
        user_domain: user_domain?,
        project_domain: project_domain?,
        region,
        create_container,
    })
}

/// A Swift container name: no `/`, at most 256 bytes.
fn ceph_name_like_container(t: &Text, diags: &mut Diagnostics) -> bool {
    let ok = !t.value.is_empty() && t.value.len() <= 256 && !t.value.contains('/');
    if !ok {
        diags.push(
            Diagnostic::error(
                &codes::BAD_VALUE,
                t.span,
                format!("`{}` is not a Swift container name", t.value),
            )
            .help("a container name has 1 to 256 bytes and no `/`"),
        );
    }
    ok
}

/// The Keystone v3 URL glance-swift.conf's `auth_address` gets: the
/// spec's, or the keystone block's; always ending in `/v3`.
fn auth_url(f: &Fields, cx: &Context, diags: &mut Diagnostics) -> Option<Text> {
    let given = values::text(f, "auth_url", diags);
    let url = match (given, cx.keystone) {
        (Some(u), _) => u,
        (None, _) if f.value("auth_url").is_some() => return None,
        (None, Some(k)) => k.auth_url.clone(),
        (None, None) => {
            f.missing("auth_url", "write the Keystone v3 URL, e.g. `auth_url = \"http://10.0.0.11:5000/v3\"` (or declare `keystone`, whose URL is the default)", diags);
            return None;
        }
    };
    let bad_shape = !(url.value.starts_with("http://") || url.value.starts_with("https://"))
        || url
            .value
            .contains(|c: char| c.is_whitespace() || matches!(c, '"' | '\'' | '\\'));
    let base = url.value.trim_end_matches('/');
    if bad_shape || base.ends_with("/v2.0") {
        let why = if bad_shape {
            "not an http(s) URL"
        } else {
            "a Keystone v2.0 URL"
        };
        diags.push(
            Diagnostic::error(
                &codes::BAD_VALUE,
                url.span,
                format!("`{}` is {why}", url.value),
            )
            .label("the Swift store authenticates with Keystone v3")
            .help("write the identity URL, e.g. \"http://10.0.0.11:5000/v3\""),
        );
        return None;
    }
    let base = base.strip_suffix("/v3").unwrap_or(base);
    Some(Text {
        value: format!("{base}/v3"),
        span: url.span,
    })
}

/// A value glance-swift.conf (Python's configparser) reads back exactly.
fn conf_value(t: &Text, key: &str, diags: &mut Diagnostics) -> bool {
    match crate::emit::swift_conf::unrepresentable(&t.value) {
        None => true,
        Some(c) => {
            diags.push(
                Diagnostic::error(
                    &codes::UNSAFE_VALUE,
                    t.span,
                    format!("`{key}` cannot be written into glance-swift.conf exactly"),
                )
                .label(format!("{} here", describe(c)))
                .help(crate::secret::Carrier::SwiftConf.limits()),
            );
            false
        }
    }
}

fn describe(c: char) -> String {
    match c {
        ' ' | '\t' => "whitespace at the start or end".into(),
        '"' | '\'' => format!("a leading `{c}`"),
        c => format!("{}", c.escape_debug()),
    }
}

/// A literal password's value, checked now (others when they are read).
fn swift_conf_literal(t: &Text, diags: &mut Diagnostics) -> bool {
    conf_value(t, "password", diags)
}

/// glance_store splits `user = PROJECT:USER` at its one `:`.
fn no_colon(t: &Text, key: &str, diags: &mut Diagnostics) -> bool {
    if !t.value.contains(':') {
        return true;
    }
    diags.push(
        Diagnostic::error(&codes::BAD_VALUE, t.span, format!("the Swift {key} contains `:`"))
            .label("glance-swift.conf writes `user = PROJECT:USER`")
            .help("glance_store splits that value at its one `:`: choose a project and user name without `:`"),
    );
    false
}

/// Staging and tasks directories, and whether every node shares them.
fn staging_and_tasks(
    f: &Fields,
    backend: Option<&Backend>,
    item: &Item,
    cx: &Context,
    diags: &mut Diagnostics,
) -> Option<(Text, Text, bool)> {
    let given = |key: &str, diags: &mut Diagnostics| -> Option<Option<Text>> {
        match values::text(f, key, diags) {
            Some(t) => store_path(&t, &format!("`{key}`"), diags).then_some(Some(t)),
            None if f.value(key).is_some() => None,
            None => Some(None),
        }
    };
    let (staging, tasks) = (given("staging", diags), given("tasks", diags));
    if let Some(Some(s)) = &staging {
        if !exists(Setting::NodeStagingUri, cx.release) && !rstore::multi_store(cx.release) {
            let since = crate::release::settings::row_of(Setting::NodeStagingUri).from;
            diags.push(
                Diagnostic::error(&codes::RELEASE_REMOVED, s.span, format!("glance in {} has no import staging directory", cx.release))
                    .label(format!("[DEFAULT] node_staging_uri arrived in {since}"))
                    .help(format!("interoperable image import (and its staging) needs {since} or later; remove `staging`")),
            );
            return None;
        }
    }
    let (staging, tasks) = (staging?, tasks?);
    let backend = backend?;
    // Derived directories point where they come from: the mount point, or
    // the images directory.
    let base: Option<(String, Span)> = match backend {
        Backend::File(fs) => Some(match &fs.sharing {
            Sharing::Mount(m) => (m.directory.value.clone(), m.directory.span),
            Sharing::External(_) => (parent(&fs.path.value).to_string(), fs.path.span),
        }),
        _ => None,
    };
    let derived = |given: Option<Text>, leaf: &str, local: &str| -> Text {
        given.unwrap_or_else(|| match &base {
            Some((b, span)) => Text {
                value: format!("{}/{leaf}", b.trim_end_matches('/')),
                span: *span,
            },
            None => Text {
                value: local.to_string(),
                span: item.key.span,
            },
        })
    };
    if let Some(("/", span)) = base.as_ref().map(|(b, s)| (b.as_str(), *s)) {
        if staging.is_none() || tasks.is_none() {
            diags.push(
                Diagnostic::error(&codes::STORE_LAYOUT, span, "staging and tasks would be directories of `/`")
                    .label("the images directory's parent is `/`")
                    .help("give `staging` and `tasks` on the shared file system, or put the images one level deeper, e.g. \"/srv/glance/images\""),
            );
            return None;
        }
    }
    let explicit = staging.is_some() && tasks.is_some();
    let staging = derived(staging, "staging", LOCAL_STAGING);
    let tasks = derived(tasks, "tasks", LOCAL_TASKS);
    if let Backend::File(fs) = backend {
        if !layout(fs, &staging, &tasks, diags) {
            return None;
        }
    }
    let shared = matches!(backend, Backend::File(_)) || explicit;
    Some((staging, tasks, shared))
}

/// E0405: images, staging and tasks are distinct, none inside another, and
/// under the mount point if there is one.
fn layout(fs: &FileStore, staging: &Text, tasks: &Text, diags: &mut Diagnostics) -> bool {
    let dirs = [
        ("`path`", &fs.path),
        ("`staging`", staging),
        ("`tasks`", tasks),
    ];
    let mut ok = true;
    for (i, (what, d)) in dirs.iter().enumerate() {
        for (other, o) in &dirs[..i] {
            let (same, nested) = (
                d.value == o.value,
                inside(&d.value, &o.value) || inside(&o.value, &d.value),
            );
            if same || nested {
                let how = if same {
                    "is the same directory as"
                } else {
                    "overlaps"
                };
                diags.push(
                    Diagnostic::error(&codes::STORE_LAYOUT, d.span, format!("{what} `{}` {how} {other} `{}`", d.value, o.value))
                        .with_secondary(o.span, format!("{other} is here"))
                        .help("give images, staging and tasks three separate directories side by side, e.g. /srv/glance/images, /srv/glance/staging, /srv/glance/tasks"),
                );
                ok = false;
            }
        }
    }
    if let Sharing::Mount(m) = &fs.sharing {
        for (what, d) in dirs {
            if !inside(&d.value, &m.directory.value) {
                diags.push(
                    Diagnostic::error(&codes::STORE_LAYOUT, d.span, format!("{what} `{}` is not under the mount point `{}`", d.value, m.directory.value))
                        .label("it would be on the node's own disk")
                        .help(format!("put it under {}, or mount the parent of every store directory with `directory`", m.directory.value)),
                );
                ok = false;
            }
        }
    }
    ok
}

/// Checks that need the mode and the release: a non-cluster file system
/// cloned in active/active (E0408), node-local staging behind HAProxy
/// before glance can hand imports to the node holding the data (W0409),
/// and timeouts shorter than the Filesystem agent advises (W0108).
pub(crate) fn cross_check(spec: &Spec, diags: &mut Diagnostics) {
    let Some(StoreDecl::Store(store)) = &spec.store else {
        return;
    };
    let active_active = spec.service.mode == Mode::ActiveActive;
    if let Backend::File(FileStore {
        sharing: Sharing::Mount(m),
        ..
    }) = &store.backend
    {
        if active_active && !CLUSTER_SAFE.contains(&m.fstype.value.as_str()) {
            diags.push(
                Diagnostic::error(&codes::NOT_CLONABLE, m.fstype.span, format!("{} cannot be mounted on every node at once", m.fstype.value))
                    .label("active/active mounts the store on every node")
                    .help("use a file system the Filesystem agent clones (nfs, nfs4, cifs, glusterfs, ceph, gfs2, ocfs2, …), or run glance-api active/passive"),
            );
        }
        let res = Resource {
            agent: Agent {
                value: AgentRef::ocf("heartbeat", "Filesystem"),
                span: m.span,
            },
            agent_info: m.agent_info.clone(),
            ops: m.ops.clone(),
            meta: Vec::new(),
            params: Vec::new(),
        };
        super::resource::advice(&res, "the Filesystem agent", diags);
    }
    if active_active
        && !store.staging_shared
        && !exists(Setting::WorkerSelfReferenceUrl, spec.release)
    {
        diags.push(
            Diagnostic::warning(&codes::LOCAL_STAGING, store.span, format!("image import stages on one node's disk, and {} cannot hand the import to that node", spec.release))
                .label(format!("{} stores stage imports in {} on each node", store.backend.kind(), store.staging.value))
                .help("set `staging` and `tasks` to directories of a file system every node mounts, or use Zed or later (glha then writes worker_self_reference_url)"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: &str = r#"
release "2025.2"
cluster {
  node a { address = 10.0.0.12 }
  node b { address = 10.0.0.13 }
  fencing = waived "lab"
}
vip internal { address = 10.0.0.11/24 }
service glance-api { agent = systemd "glance-api"  config = "/etc/glance/glance-api.conf"  vip = vip.internal }
"#;

    fn files(text: &str) -> Vec<(String, String)> {
        let c = crate::compile_str("t.glha", text, &crate::Options::default());
        assert!(
            !c.diagnostics.has_errors(),
            "{}",
            crate::diagnostic::render(&c.diagnostics, &c.sources, false)
        );
        c.bundle
            .unwrap()
            .files
            .iter()
            .filter(|(p, _)| p.as_str() != crate::emit::MANIFEST_PATH)
            .map(|(p, f)| (p.to_string(), f.contents.clone()))
            .collect()
    }

    /// The built-in defaults (name, rbd, swift, the Filesystem agent's
    /// timeouts) are the stdlib's: a spec gets the same bundle with or
    /// without `import "std/glance-api"`.
    #[test]
    fn built_in_defaults_are_the_stdlib_defaults() {
        for store in [
            "store { backend = rbd }",
            "store { backend = swift  auth_url = \"http://10.0.0.11:5000/v3\"  user = \"g\"  password = secret env \"P\"  project = \"service\" }",
            "store { backend = file  path = \"/srv/glance/images\"  mount { device = \"n:/e\"  fstype = \"nfs4\" } }",
        ] {
            let without = files(&format!("{BASE}{store}\n"));
            let with = files(&format!("import \"std/glance-api\"\n{BASE}{store}\n"));
            assert_eq!(without, with, "{store}");
        }
    }

    /// The stdlib's description of ocf:heartbeat:Filesystem is the real
    /// agent's metadata (tests/data/ocf/Filesystem.metadata.xml): every
    /// parameter, and the advised start, stop and monitor.
    #[test]
    fn stdlib_filesystem_agent_is_its_metadata() {
        let xml = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/data/ocf/Filesystem.metadata.xml"
        ))
        .unwrap();
        let meta = crate::xml::parse(&xml).unwrap();
        let params: Vec<String> = meta
            .find("parameters")
            .unwrap()
            .kids("parameter")
            .filter_map(|p| p.attr("name").map(str::to_string))
            .collect();
        let secs = |v: Option<&str>| -> Option<Duration> {
            v.map(|s| Duration::seconds(s.trim_end_matches('s').parse().unwrap()))
        };
        let actions: Vec<(String, Option<Duration>, Option<Duration>)> = meta
            .find("actions")
            .unwrap()
            .kids("action")
            .filter(|a| matches!(a.attr("name"), Some("start" | "stop" | "monitor")))
            .map(|a| {
                (
                    a.attr("name").unwrap().to_string(),
                    secs(a.attr("timeout")),
                    secs(a.attr("interval")),
                )
            })
            .collect();

        let text = crate::stdlib::module("std/glance-api").unwrap();
        let mut diags = Diagnostics::default();
        let items = crate::syntax::parse(FileId(0), text, &mut diags).unwrap();
        let agents: Vec<Item> = items
            .into_iter()
            .filter(|i| i.key.name == "agent")
            .collect();
        let known = super::super::resource::agents(&agents, &mut diags);
        assert!(diags.0.is_empty());
        let (_, info) = known
            .iter()
            .find(|(a, _)| *a == AgentRef::ocf("heartbeat", "Filesystem"))
            .expect("std/glance-api describes the Filesystem agent");
        assert_eq!(info.params, params);
        let mut advise = info.advise.clone();
        advise.sort();
        let mut want = actions.clone();
        want.sort();
        assert_eq!(advise, want);
        let mut builtin: Vec<_> = FILESYSTEM_ADVICE
            .iter()
            .map(|(o, t, i)| {
                (
                    o.to_string(),
                    Some(Duration::seconds(*t)),
                    (*i > 0).then(|| Duration::seconds(*i)),
                )
            })
            .collect();
        builtin.sort();
        assert_eq!(builtin, want);
    }

    #[test]
    fn nfs_devices() {
        for ok in [
            "nfs.example.com:/export/glance",
            "10.0.0.20:/e",
            "[2001:db8::5]:/e",
            "n:/",
        ] {
            assert!(nfs_device(ok), "{ok}");
        }
        for bad in [
            "nfs.example.com/export",
            ":/e",
            "h:e",
            "[x]:/e",
            "h_1:/e",
            "h:/a b",
            "-h:/e",
        ] {
            assert!(!nfs_device(bad), "{bad}");
        }
    }

    #[test]
    fn paths() {
        assert_eq!(parent("/srv/glance/images"), "/srv/glance");
        assert_eq!(parent("/images"), "/");
        assert!(inside("/srv/glance/images", "/srv/glance"));
        assert!(!inside("/srv/glance", "/srv/glance"));
        assert!(!inside("/srv/glancex/i", "/srv/glance"));
        assert!(inside("/a", "/"));
    }
}
