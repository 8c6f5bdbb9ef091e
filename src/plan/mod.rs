//! Phase 4, plan: the semantic IR every emitter renders and `diff` compares
//! with the live system. Nothing here is text of an output language yet.

mod agent;
mod duration;
pub mod ids;
mod lower;
mod pacemaker;
mod score;

pub use agent::{AgentClass, AgentError, AgentRef};
pub use duration::{Duration, DurationError};
pub use lower::lower;
pub use pacemaker::*;
pub use score::{OrderKind, Score, ScoreError};

use crate::release::Release;
use serde::Serialize;

/// Everything a bundle configures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    /// The OpenStack release the settings are named for.
    pub release: Release,
    /// The cluster configuration.
    pub pacemaker: Pacemaker,
    /// The ini files, one per target path, in a stable order.
    pub ini: Vec<IniFile>,
    /// The Keystone catalog entries for the Image API.
    pub catalog: Option<Catalog>,
    /// Every secret a value refers to.
    pub secrets: Vec<SecretRef>,
    /// HAProxy and the kernel setting it needs (active/active only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balancer: Option<Balancer>,
}

/// A value that may embed secrets. Emitters decide how to write each part
/// (quoting, URL encoding, placeholder or real value).
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "parts", rename_all = "lowercase")]
pub enum Value {
    /// Plain text.
    Plain(String),
    /// Text with secrets spliced in.
    Template(Vec<Part>),
}

/// A piece of a [`Value::Template`].
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Part {
    /// Literal text.
    Lit(String),
    /// A secret by id, written as is.
    Secret(String),
    /// A secret by id, percent-encoded as URL userinfo.
    UrlSecret(String),
}

impl Value {
    /// A plain value.
    pub fn plain(s: impl Into<String>) -> Self {
        Value::Plain(s.into())
    }
    /// A whole value that is one secret.
    pub fn secret(id: impl Into<String>) -> Self {
        Value::Template(vec![Part::Secret(id.into())])
    }
    /// Whether any part is a secret.
    pub fn is_sensitive(&self) -> bool {
        match self {
            Value::Plain(_) => false,
            Value::Template(parts) => parts.iter().any(|p| !matches!(p, Part::Lit(_))),
        }
    }
    /// The ids of the secrets in the value.
    pub fn secret_ids(&self) -> Vec<&str> {
        match self {
            Value::Plain(_) => Vec::new(),
            Value::Template(parts) => parts
                .iter()
                .filter_map(|p| match p {
                    Part::Lit(_) => None,
                    Part::Secret(id) | Part::UrlSecret(id) => Some(id.as_str()),
                })
                .collect(),
        }
    }
}

/// Where a secret's value comes from.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
#[serde(tag = "from", content = "name", rename_all = "lowercase")]
pub enum SecretSource {
    /// An environment variable at apply time.
    Env(String),
    /// A file at apply time (first line, trailing newline removed).
    File(String),
    /// Written in the spec (the checker warned about it).
    Literal(#[serde(skip)] String),
}

/// A secret a plan refers to.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct SecretRef {
    /// Stable id, e.g. `keystone.password`.
    pub id: String,
    /// Where its value comes from.
    pub source: SecretSource,
}

/// The managed settings of one ini file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IniFile {
    /// Which service reads it: `glance-api`, `nova`, `cinder`.
    pub service: String,
    /// For per-node files (active/active), the node; `None` for every node.
    pub node: Option<String>,
    /// Absolute path on the target host.
    pub target: String,
    /// Settings glha writes, in section then key order of appearance.
    pub settings: Vec<IniSetting>,
    /// Stale settings that must not stay in the live file (replaced by one
    /// of `settings`): section, key, and why.
    pub remove: Vec<(String, String, String)>,
}

/// One `key = value` in a section.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IniSetting {
    /// Section name (`DEFAULT`, `database`).
    pub section: String,
    /// Option name.
    pub key: String,
    /// The value; several for a multi-valued option (repeated key).
    pub values: Vec<Value>,
}

/// The Image API's Keystone catalog entries.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Catalog {
    /// Service name (`glance`).
    pub service_name: String,
    /// Service type (`image`).
    pub service_type: String,
    /// Region.
    pub region: String,
    /// Interface (`public`, `internal`, `admin`) and URL, in that order.
    pub endpoints: Vec<(String, String)>,
}

/// HAProxy in front of the cloned glance-api, on every node: one proxy
/// section that listens on the VIPs at the API port and balances to each
/// node's glance-api, and the sysctl that lets it bind a VIP the node does
/// not hold.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Balancer {
    /// Proxy (section) name: the service's name.
    pub name: String,
    /// The haproxy.cfg the section is merged into.
    pub target: String,
    /// Addresses it listens on (the VIPs), at `port`.
    pub binds: Vec<std::net::IpAddr>,
    /// The API port, on the VIPs and on the nodes.
    pub port: u16,
    /// `roundrobin`, `leastconn` or `source`.
    pub balance: String,
    /// The HTTP health check: path and the status a healthy glance-api
    /// answers.
    pub check_path: String,
    /// See `check_path`.
    pub check_status: u16,
    /// Check interval (written in HAProxy's notation, [`Duration::haproxy`]).
    pub check_interval: Duration,
    /// Checks to go up / down.
    pub rise: u32,
    /// See `rise`.
    pub fall: u32,
    /// One server per node, in node order.
    pub servers: Vec<Server>,
    /// Kernel settings every node needs (`net.ipv4.ip_nonlocal_bind`).
    pub sysctl: Vec<(String, String)>,
    /// Where the sysctl file goes.
    pub sysctl_target: String,
    /// What the operator must do by hand on every node (said in APPLY.md and
    /// in the per-node files' headers), e.g. a listen address that the
    /// release has no ini key for.
    pub notes: Vec<String>,
}

/// One backend server.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Server {
    /// The node's name.
    pub name: String,
    /// The node's address: glance-api binds it.
    pub address: std::net::IpAddr,
}

impl Plan {
    /// The secret with this id.
    pub fn secret(&self, id: &str) -> Option<&SecretRef> {
        self.secrets.iter().find(|s| s.id == id)
    }
}
