//! `glhac import`: the pipeline in reverse. The live state — the ini files
//! under a root, the CIB, the endpoint list — is read into the models diff
//! already reads it into (the Pacemaker model, ini lines, catalog rows),
//! mapped back onto the spec's blocks, and written as a spec in the
//! canonical layout of `glhac fmt`.
//!
//! - Readers, one per source: [`ini`] (glance-api.conf, nova.conf,
//!   cinder.conf), [`cib`] (`cibadmin -Q` XML or `crm configure show`
//!   text), [`endpoints`] (`openstack endpoint list -f json`) and [`host`]
//!   (corosync.conf, /etc/hosts, /etc/fstab, haproxy.cfg), each refusing
//!   input it cannot read with its file and line ([`ImportError`]).
//! - Mappings, one function per spec block: [`cluster`] (nodes, fencing,
//!   properties, VIPs, the service's resource and mode, HAProxy),
//!   [`services`] (database, RabbitMQ, Keystone, endpoints, consumers),
//!   [`store`], [`tls`] (what answers on the VIPs, the PEM HAProxy
//!   serves, the CA the consumers trust). A new block is one more mapping.
//! - [`write`]: the spec's syntax tree, written and formatted.
//! - [`verify`]: the import's own check: the spec compiles, and its diff
//!   against the inputs it came from is empty.
//!
//! What the spec cannot express is written as a `#` comment where it
//! belongs and listed as a [`Note`]: never dropped. Secrets become
//! `secret env "NAME"` ([`secrets`] has the naming rule); their values are
//! never written or printed.

mod cib;
mod cluster;
mod endpoints;
mod host;
mod ini;
mod secrets;
mod services;
mod store;
mod tls;
mod verify;
mod write;

pub use secrets::FoundSecret;
pub use verify::{verify, Status, Verification};

use crate::release::Release;
use camino::Utf8PathBuf;
use serde::Serialize;
use write::Item;

/// glance-api.conf, where `std/glance-api` puts it.
pub const GLANCE_CONF: &str = "/etc/glance/glance-api.conf";
/// nova.conf, where `std/nova` puts it.
pub const NOVA_CONF: &str = "/etc/nova/nova.conf";
/// cinder.conf, where `std/cinder` puts it.
pub const CINDER_CONF: &str = "/etc/cinder/cinder.conf";
/// haproxy.cfg, where `std/glance-api`'s `defaults haproxy` puts it.
pub const HAPROXY_CFG: &str = "/etc/haproxy/haproxy.cfg";

/// What to import.
#[derive(Debug, Clone, Default)]
pub struct Inputs {
    /// A copy of a host's file tree, or `/`.
    pub root: Utf8PathBuf,
    /// The node `root` belongs to (active/active's per-node files).
    pub node: Option<String>,
    /// `cibadmin -Q` XML or `crm configure show` text.
    pub cib: Option<Utf8PathBuf>,
    /// `openstack endpoint list -f json` output.
    pub endpoints: Option<Utf8PathBuf>,
    /// The release, instead of a guess.
    pub release: Option<Release>,
}

/// Live input that cannot be read (the CLI exits 2 and writes nothing).
#[derive(Debug)]
pub enum ImportError {
    /// A file could not be read.
    Io {
        /// The file.
        path: Utf8PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A file is not what it should be.
    Parse {
        /// The file.
        path: Utf8PathBuf,
        /// The 1-based line, when one is to blame.
        line: Option<usize>,
        /// Why (never holding a value).
        message: String,
    },
    /// glha wrote a spec its own parser refuses.
    Bug(String),
}

impl std::fmt::Display for ImportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ImportError::Io { path, error } => write!(f, "cannot read {path}: {error}"),
            ImportError::Parse {
                path,
                line: Some(l),
                message,
            } => write!(f, "{path}:{l}: {message}"),
            ImportError::Parse {
                path,
                line: None,
                message,
            } => write!(f, "{path}: {message}"),
            ImportError::Bug(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for ImportError {}

impl From<crate::diff::DiffError> for ImportError {
    fn from(e: crate::diff::DiffError) -> Self {
        match e {
            crate::diff::DiffError::Io { path, error } => ImportError::Io { path, error },
            crate::diff::DiffError::Parse { path, message } => ImportError::Parse {
                path,
                line: None,
                message,
            },
            crate::diff::DiffError::ParseAt {
                path,
                line,
                message,
            } => ImportError::Parse {
                path,
                line: Some(line),
                message,
            },
        }
    }
}

/// What a note says about the spec.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    /// Live state the spec cannot express: written as a comment; the
    /// import is partial.
    NotExpressed,
    /// A choice the import made that the operator should review (a
    /// waiver's reason, a default assumed).
    Review,
}

/// Something the operator must know about the imported spec.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Note {
    /// Its kind.
    pub kind: NoteKind,
    /// The spec block it belongs to (`cluster`, `service glance-api`).
    pub place: String,
    /// What, in words; never a secret value.
    pub what: String,
}

/// How the release was chosen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReleaseChoice {
    /// The release.
    pub release: Release,
    /// `given`, `guessed` or `default`.
    pub how: &'static str,
    /// The evidence of a guess.
    pub evidence: Vec<String>,
}

/// An imported spec.
#[derive(Debug, Clone, Serialize)]
pub struct Import {
    /// The spec, in canonical layout.
    #[serde(skip)]
    pub spec: String,
    /// The node the root belongs to (given, or found by its address).
    pub node: Option<String>,
    /// The release it is written for.
    pub release: ReleaseChoice,
    /// The secrets it reads, by name, with where each value was found.
    pub secrets: Vec<FoundSecret>,
    /// What it could not express, and what to review.
    pub notes: Vec<Note>,
}

impl Import {
    /// Whether some live state is only written as a comment.
    pub fn is_partial(&self) -> bool {
        self.notes.iter().any(|n| n.kind == NoteKind::NotExpressed)
    }

    /// The values found, by the compiled spec's secret ids: for
    /// [`verify`], never for showing.
    pub(crate) fn values(&self) -> crate::secret::SecretValues {
        crate::secret::SecretValues::from_map(
            self.secrets
                .iter()
                .filter_map(|s| Some((s.id.clone(), s.value()?.to_string())))
                .collect(),
        )
    }
}

/// The state of the mapping: what was read, and the secrets and notes
/// found so far.
pub(crate) struct Ctx<'a> {
    pub inputs: &'a Inputs,
    /// The node the root belongs to: given, or (active/active) the one
    /// whose address its glance-api.conf binds.
    pub node: Option<String>,
    pub release: Release,
    pub glance: Option<&'a ini::LiveIni>,
    pub nova: Option<&'a ini::LiveIni>,
    pub cinder: Option<&'a ini::LiveIni>,
    pub endpoints: Option<&'a [crate::plan::catalog::LiveEndpoint]>,
    pub host: &'a host::HostFiles,
    pub cluster: &'a cluster::Cluster<'a>,
    /// What the keystone block says, once it is written.
    pub keystone: Option<services::KeystoneFacts>,
    pub secrets: secrets::Secrets,
    pub notes: Vec<Note>,
    /// Input found unreadable while mapping (glance-swift.conf, which
    /// glance-api.conf names): the import fails, nothing is written.
    pub fatal: Option<ImportError>,
}

impl Ctx<'_> {
    /// Records live state the spec cannot express; returns the comment
    /// that says so where it belongs.
    pub(crate) fn not_expressed(&mut self, place: &str, what: String) -> Item {
        let comment = Item::comment(format!("Not imported: {what}"));
        self.notes.push(Note {
            kind: NoteKind::NotExpressed,
            place: place.to_string(),
            what,
        });
        comment
    }

    /// Records a choice to review; returns its comment.
    pub(crate) fn review(&mut self, place: &str, what: String) -> Item {
        let comment = Item::comment(format!("Review: {what}"));
        self.notes.push(Note {
            kind: NoteKind::Review,
            place: place.to_string(),
            what,
        });
        comment
    }

    /// The VIP whose address is `host`, as a reference, else the host as
    /// an address or a name.
    pub(crate) fn host_value(&self, host: &str) -> write::Val {
        let ip: Option<std::net::IpAddr> = host.trim_matches(['[', ']']).parse().ok();
        match ip.and_then(|ip| self.cluster.vips.iter().find(|v| v.ip == ip)) {
            Some(v) => write::Val::Ref("vip", v.name.clone()),
            None => write::Val::host(host.trim_matches(['[', ']'])),
        }
    }
}

/// Imports the live state `inputs` names.
pub fn import(inputs: &Inputs) -> Result<Import, ImportError> {
    let cib = inputs.cib.as_deref().map(cib::read).transpose()?;
    let rows = inputs
        .endpoints
        .as_deref()
        .map(endpoints::read)
        .transpose()?;
    let cluster = cluster::analyse(cib.as_ref(), rows.as_deref());
    let root = &inputs.root;
    if !root.is_dir() {
        return Err(ImportError::Io {
            path: root.clone(),
            error: std::io::Error::new(std::io::ErrorKind::NotFound, "not a directory"),
        });
    }
    let glance = ini::read(root, &cluster.config)?;
    let nova = ini::read(root, NOVA_CONF)?;
    let cinder = ini::read(root, CINDER_CONF)?;
    let host = host::read(root, HAPROXY_CFG)?;
    let release = choose_release(inputs.release, glance.as_ref());
    let mut cx = Ctx {
        inputs,
        node: inputs.node.clone(),
        release: release.release,
        glance: glance.as_ref(),
        nova: nova.as_ref(),
        cinder: cinder.as_ref(),
        endpoints: rows.as_deref(),
        host: &host,
        cluster: &cluster,
        keystone: None,
        secrets: secrets::Secrets::default(),
        notes: Vec::new(),
        fatal: None,
    };
    if cx.node.is_none() {
        cx.node = cluster::own_node(&cx);
    }
    let items = compose(&mut cx);
    if let Some(e) = cx.fatal.take() {
        return Err(e);
    }
    let spec = write::render(&items).map_err(ImportError::Bug)?;
    Ok(Import {
        spec,
        node: cx.node,
        release,
        secrets: cx.secrets.0,
        notes: cx.notes,
    })
}

/// The release: given, guessed from glance-api.conf, or the newest.
fn choose_release(given: Option<Release>, glance: Option<&ini::LiveIni>) -> ReleaseChoice {
    if let Some(r) = given {
        return ReleaseChoice {
            release: r,
            how: "given",
            evidence: Vec::new(),
        };
    }
    let guess = glance.and_then(|g| crate::release::guess::guess(&g.set_keys(), &g.commented()));
    match guess {
        Some(g) => ReleaseChoice {
            release: g.release,
            how: "guessed",
            evidence: g.evidence,
        },
        None => ReleaseChoice {
            release: Release::NEWEST,
            how: "default",
            evidence: vec![
                "glance-api.conf says nothing about its release; the newest is assumed".into(),
            ],
        },
    }
}

/// The spec's items, block by block, in the order of the examples.
fn compose(cx: &mut Ctx) -> Vec<Item> {
    let mut items = vec![
        Item::comment(format!(
            "Imported by glhac import from {}.",
            sources(cx.inputs, cx.node.as_deref())
        )),
        Item::Blank,
        Item::Directive("import".into(), "std/glance-api".into()),
    ];
    if cx.nova.is_some() {
        items.push(Item::Directive("import".into(), "std/nova".into()));
    }
    if cx.cinder.is_some() {
        items.push(Item::Directive("import".into(), "std/cinder".into()));
    }
    items.push(Item::Blank);
    items.push(Item::Directive("release".into(), cx.release.name().into()));
    let blocks: [fn(&mut Ctx) -> Vec<Item>; 11] = [
        cluster::cluster,
        cluster::vips,
        services::database,
        services::rabbitmq,
        services::keystone,
        store::store,
        cluster::service,
        cluster::haproxy,
        services::endpoints,
        tls::tls,
        services::consumers,
    ];
    for block in blocks {
        let out = block(cx);
        if !out.is_empty() {
            items.push(Item::Blank);
            items.extend(out);
        }
    }
    items
}

/// The inputs, as the spec's first comment names them (no absolute path
/// of the machine that imported: the root's own name is enough).
fn sources(i: &Inputs, node: Option<&str>) -> String {
    let mut parts = vec!["a host's files".to_string()];
    if let Some(n) = node {
        parts[0] = format!("node {n}'s files");
    }
    if i.cib.is_some() {
        parts.push("its CIB".into());
    }
    if i.endpoints.is_some() {
        parts.push("its endpoint list".into());
    }
    parts.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The paths import reads are where the stdlib's defaults put them.
    #[test]
    fn the_paths_are_the_stdlibs() {
        let spec = "import \"std/glance-api\"\nimport \"std/nova\"\nimport \"std/cinder\"\nrelease \"2025.2\"\ncluster {\n  node a { address = 10.0.0.2 }\n  node b { address = 10.0.0.3 }\n  fencing = waived \"test\"\n}\nvip v { address = 10.0.0.9/24 }\nstore = waived \"test\"\nservice glance-api {\n  agent = systemd \"glance-api\"\n  mode = active_active\n  vip = vip.v\n}\nconsumer nova {}\nconsumer cinder {}\n";
        let c = crate::compile_str("t.glha", spec, &crate::Options::default());
        let plan = c.plan.expect("compiles");
        let targets: Vec<&str> = plan.ini.iter().map(|f| f.target.as_str()).collect();
        for t in [GLANCE_CONF, NOVA_CONF, CINDER_CONF] {
            assert!(targets.contains(&t), "{t}: {targets:?}");
        }
        assert_eq!(plan.balancer.unwrap().target, HAPROXY_CFG);
    }
}
