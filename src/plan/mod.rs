//! Phase 4, plan: the semantic IR every emitter renders and `diff` compares
//! with the live system. Nothing here is text of an output language yet.

mod agent;
pub mod catalog;
mod duration;
pub mod ids;
pub mod listener;
mod lower;
mod pacemaker;
mod score;
mod store;
pub mod url;
mod value;

pub use agent::{AgentClass, AgentError, AgentRef};
pub use catalog::{Catalog, CatalogEndpoint, Interface};
pub use duration::{Duration, DurationError};
pub use lower::lower;
pub use pacemaker::*;
pub use score::{OrderKind, Score, ScoreError};
pub use store::{Ceph, StorePlan, StoreSetup, StoreSharing, SwiftConf};
pub use url::{Scheme, Url, UrlHost};
pub use value::{Embedding, Part, Rendered, SecretRef, SecretSource, Value};

use crate::release::Release;
use serde::Serialize;

/// Everything a bundle configures.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Plan {
    /// The OpenStack release the settings are named for.
    pub release: Release,
    /// The glance-api service's name in the spec; its Pacemaker ids derive
    /// from it ([`ids`]).
    pub service: String,
    /// The cluster configuration.
    pub pacemaker: Pacemaker,
    /// The ini files, one per target path, in a stable order.
    pub ini: Vec<IniFile>,
    /// The Keystone catalog entries for the Image API.
    pub catalog: Option<Catalog>,
    /// Every secret a value refers to.
    pub secrets: Vec<SecretRef>,
    /// Every address and port that answers ([`listener`]).
    pub listeners: Vec<listener::Listener>,
    /// HAProxy, when it is in front of glance-api.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub balancer: Option<Balancer>,
    /// Where images live; `None` when the spec (a single node) does not say.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub store: Option<StorePlan>,
}

/// A service whose config file glha writes settings into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ServiceKind {
    /// The Image API itself.
    GlanceApi,
    /// nova (api and compute read nova.conf).
    Nova,
    /// cinder (api and volume read cinder.conf).
    Cinder,
}

impl ServiceKind {
    /// Its usual name (`glance-api`, `nova`, `cinder`).
    pub fn name(self) -> &'static str {
        match self {
            ServiceKind::GlanceApi => "glance-api",
            ServiceKind::Nova => "nova",
            ServiceKind::Cinder => "cinder",
        }
    }
    /// The daemons that read its config file, by their usual unit names.
    pub fn daemons(self) -> &'static [&'static str] {
        match self {
            ServiceKind::GlanceApi => &["glance-api"],
            ServiceKind::Nova => &["nova-api", "nova-compute"],
            ServiceKind::Cinder => &["cinder-api", "cinder-volume"],
        }
    }

    /// Whether it calls the Image API (rather than being it).
    pub fn is_consumer(self) -> bool {
        self != ServiceKind::GlanceApi
    }
}

impl std::fmt::Display for ServiceKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The managed settings of one ini file.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct IniFile {
    /// Which service reads it.
    pub service: ServiceKind,
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

/// HAProxy in front of glance-api: one proxy section that listens on the
/// VIPs ([`listener::Terminator::Haproxy`] listeners) and passes requests
/// to glance-api: every node's in active/active (with the sysctl that lets
/// HAProxy bind a VIP the node does not hold), the group's own on the
/// loopback in active/passive.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Balancer {
    /// Proxy (section) name: the service's name.
    pub name: String,
    /// The haproxy.cfg the section is merged into.
    pub target: String,
    /// Where it listens, in listener order.
    pub binds: Vec<Bind>,
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
    /// Its timeouts.
    pub timeouts: Timeouts,
    /// Connection attempts after a failed one, each to another server
    /// (`option redispatch 1`).
    pub retries: u32,
    /// One server per glance-api, in node order.
    pub servers: Vec<Server>,
    /// Kernel settings every node needs (`net.ipv4.ip_nonlocal_bind`);
    /// empty when HAProxy only runs where the VIPs are up (active/passive).
    pub sysctl: Vec<(String, String)>,
    /// Where the sysctl file goes (when `sysctl` is not empty).
    pub sysctl_target: String,
    /// What the operator must do by hand on every node (said in APPLY.md and
    /// in the glance-api files' headers), e.g. a listen address that the
    /// release has no ini key for.
    pub notes: Vec<String>,
}

/// One address and port HAProxy listens on.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Bind {
    /// The address (a VIP).
    pub address: std::net::IpAddr,
    /// The port.
    pub port: u16,
    /// For TLS: the PEM (certificate chain and key) it serves.
    pub certificate: Option<String>,
}

impl Bind {
    /// The scheme clients use here.
    pub fn scheme(&self) -> Scheme {
        if self.certificate.is_some() {
            Scheme::Https
        } else {
            Scheme::Http
        }
    }
}

/// HAProxy's timeouts.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Timeouts {
    /// Inactivity on the client side.
    pub client: Duration,
    /// Inactivity on the server side.
    pub server: Duration,
    /// Connecting to a glance-api.
    pub connect: Duration,
    /// Receiving a request's headers, and an idle keep-alive connection.
    pub http_request: Duration,
}

/// One backend server: a glance-api.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Server {
    /// Its name: the node's, or `local` (active/passive: the glance-api of
    /// the node HAProxy runs on).
    pub name: String,
    /// The address glance-api binds.
    pub address: std::net::IpAddr,
    /// Its port.
    pub port: u16,
}

impl Plan {
    /// The Pacemaker resource that runs glance-api, as an operator restarts
    /// it: its clone in active/active, else its primitive.
    pub fn service_resource(&self) -> String {
        let clone = ids::clone(&self.service);
        if self.pacemaker.clones.iter().any(|c| c.id == clone) {
            clone
        } else {
            ids::service(&self.service)
        }
    }

    /// HAProxy's Pacemaker resource, if it runs: its clone in
    /// active/active, else its primitive (in the group).
    pub fn haproxy_resource(&self) -> Option<&'static str> {
        self.balancer.as_ref()?;
        Some(
            if self
                .pacemaker
                .clones
                .iter()
                .any(|c| c.id == ids::HAPROXY_CLONE)
            {
                ids::HAPROXY_CLONE
            } else {
                ids::HAPROXY
            },
        )
    }

    /// The secret with this id.
    pub fn secret(&self, id: &str) -> Option<&SecretRef> {
        self.secrets.iter().find(|s| s.id == id)
    }
}
