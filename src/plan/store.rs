//! The image store as the plan configures it, beyond its ini settings and
//! Pacemaker objects: what the operator prepares (APPLY.md), the Swift
//! credentials file, and what `diff` needs to judge a live store.

use super::Value;
use crate::release::store::StoreType;
use serde::Serialize;

/// Where images live.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "store", rename_all = "snake_case")]
pub enum StorePlan {
    /// The operator accepts that images may be lost on failover.
    Waived {
        /// Why, as the spec says.
        reason: String,
    },
    /// A store glha configures.
    Configured(Box<StoreSetup>),
}

/// A configured store.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct StoreSetup {
    /// glance's name for the backend (multi-store releases).
    pub name: String,
    /// The store type.
    pub kind: StoreType,
    /// The images directory (file stores).
    pub images: Option<String>,
    /// Where interoperable import stages data, if the release has it.
    pub staging: Option<String>,
    /// Where tasks keep their data.
    pub tasks: String,
    /// How the nodes share the directories.
    pub sharing: StoreSharing,
    /// The Ceph pool and user (rbd stores).
    pub ceph: Option<Ceph>,
    /// The Swift container and credentials file (swift stores).
    pub swift: Option<SwiftConf>,
}

/// How the store's directories reach every node.
#[derive(Debug, Clone, Serialize, PartialEq)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum StoreSharing {
    /// A Filesystem resource Pacemaker mounts where glance-api runs.
    Mount {
        /// Its resource id (the clone's in active/active).
        resource: String,
        /// What is mounted.
        device: String,
        /// The mount point.
        directory: String,
        /// The file system type.
        fstype: String,
        /// Mount options, if any.
        options: Option<String>,
    },
    /// A file system the nodes mount themselves; how, as the spec says.
    External {
        /// The spec's words.
        how: String,
    },
    /// Each node's own directories, with spec-given paths assumed shared
    /// by the operator when `assumed_shared`.
    Local {
        /// Whether the spec gave the staging and tasks directories itself.
        assumed_shared: bool,
    },
}

/// An rbd store's Ceph side.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Ceph {
    /// The pool.
    pub pool: String,
    /// The cephx id (without `client.`).
    pub user: String,
    /// ceph.conf.
    pub conf: String,
}

/// glance-swift.conf: the Swift credentials glance-api reads through
/// `swift_store_config_file`, in one section (the reference) named after
/// the store. Read by Python's configparser, not oslo.config.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SwiftConf {
    /// Absolute path on every node.
    pub target: String,
    /// The section (`default_swift_reference`).
    pub reference: String,
    /// The container images go to.
    pub container: String,
    /// Whether glance creates the container on the first upload.
    pub create_container: bool,
    /// `key = value` in the section, in order.
    pub settings: Vec<(String, Value)>,
}

impl StorePlan {
    /// The configured store, if it is not waived.
    pub fn setup(&self) -> Option<&StoreSetup> {
        match self {
            StorePlan::Configured(s) => Some(s),
            StorePlan::Waived { .. } => None,
        }
    }
}
