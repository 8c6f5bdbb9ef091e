//! The other files of the host an import reads, each optional: where the
//! nodes' addresses are (corosync.conf's `nodelist`, /etc/hosts), which
//! file systems the nodes mount themselves (/etc/fstab), and HAProxy's
//! configuration (active/active). The CIB names the nodes but holds no
//! address.
//!
//! These are read leniently: a line that cannot be read is skipped, since
//! each only adds a fact the spec can do without (the spec then asks for
//! it); an unreadable file is still trouble.

use super::ImportError;
use camino::Utf8Path;
use std::net::IpAddr;

/// A node of corosync.conf's `nodelist`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct CorosyncNode {
    /// `name`, if given.
    pub name: Option<String>,
    /// `nodeid`, if given (the CIB's node id).
    pub nodeid: Option<String>,
    /// `ring0_addr`: an address or a host name.
    pub ring0: Option<String>,
}

/// A line of /etc/fstab.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FstabEntry {
    /// What is mounted.
    pub device: String,
    /// Where.
    pub dir: String,
    /// The file system type.
    pub fstype: String,
}

/// What the host's other files say.
#[derive(Debug, Default)]
pub(crate) struct HostFiles {
    /// corosync.conf's nodes.
    pub corosync: Vec<CorosyncNode>,
    /// /etc/hosts: an address and its names.
    pub hosts: Vec<(IpAddr, Vec<String>)>,
    /// /etc/fstab.
    pub fstab: Vec<FstabEntry>,
    /// haproxy.cfg's text.
    pub haproxy: Option<String>,
}

/// Where corosync keeps its configuration.
pub(crate) const COROSYNC_CONF: &str = "/etc/corosync/corosync.conf";

/// File systems every node can mount at once: a share, not a disk.
const SHARED_FS: &[&str] = &[
    "nfs",
    "nfs4",
    "ceph",
    "fuse.ceph",
    "glusterfs",
    "fuse.glusterfs",
    "cifs",
    "smbfs",
    "smb3",
    "gfs2",
    "ocfs2",
    "lustre",
    "efs",
    "9p",
    "virtiofs",
];

/// Reads the host's files under `root`; `haproxy_cfg` is where HAProxy's
/// configuration is.
pub(crate) fn read(root: &Utf8Path, haproxy_cfg: &str) -> Result<HostFiles, ImportError> {
    let text = |target: &str| -> Result<Option<String>, ImportError> {
        Ok(crate::diff::read::text_opt(&crate::diff::under_root(
            root, target,
        ))?)
    };
    Ok(HostFiles {
        corosync: text(COROSYNC_CONF)?
            .map(|t| corosync(&t))
            .unwrap_or_default(),
        hosts: text("/etc/hosts")?.map(|t| hosts(&t)).unwrap_or_default(),
        fstab: text("/etc/fstab")?.map(|t| fstab(&t)).unwrap_or_default(),
        haproxy: text(haproxy_cfg)?,
    })
}

/// The `nodelist { node { … } }` entries of corosync.conf.
fn corosync(text: &str) -> Vec<CorosyncNode> {
    let mut stack: Vec<String> = Vec::new();
    let mut out = Vec::new();
    let mut cur = CorosyncNode {
        name: None,
        nodeid: None,
        ring0: None,
    };
    for raw in text.lines() {
        let line = raw.split('#').next().unwrap_or("").trim();
        if let Some(block) = line.strip_suffix('{') {
            stack.push(block.trim().to_string());
        } else if line == "}" {
            if stack.iter().map(String::as_str).eq(["nodelist", "node"]) {
                out.push(std::mem::replace(
                    &mut cur,
                    CorosyncNode {
                        name: None,
                        nodeid: None,
                        ring0: None,
                    },
                ));
            }
            stack.pop();
        } else if let Some((k, v)) = line.split_once(':') {
            if stack.iter().map(String::as_str).eq(["nodelist", "node"]) {
                let v = Some(v.trim().to_string());
                match k.trim() {
                    "name" => cur.name = v,
                    "nodeid" => cur.nodeid = v,
                    "ring0_addr" => cur.ring0 = v,
                    _ => {}
                }
            }
        }
    }
    out
}

fn hosts(text: &str) -> Vec<(IpAddr, Vec<String>)> {
    text.lines()
        .filter_map(|l| {
            let mut w = l.split('#').next()?.split_whitespace();
            let ip = w.next()?.parse().ok()?;
            Some((ip, w.map(str::to_string).collect()))
        })
        .collect()
}

fn fstab(text: &str) -> Vec<FstabEntry> {
    text.lines()
        .filter_map(|l| {
            let w: Vec<&str> = l.split('#').next()?.split_whitespace().collect();
            match w.as_slice() {
                [device, dir, fstype, ..] => Some(FstabEntry {
                    device: device.to_string(),
                    dir: dir.to_string(),
                    fstype: fstype.to_string(),
                }),
                _ => None,
            }
        })
        .collect()
}

impl HostFiles {
    /// The address of the node named `name` (CIB id `id`) and where it was
    /// found: corosync.conf's `ring0_addr` (a name there is looked up in
    /// /etc/hosts), else /etc/hosts by the node's name.
    pub(crate) fn address_of(&self, name: &str, id: Option<&str>) -> Option<(IpAddr, String)> {
        let entry = self.corosync.iter().find(|n| {
            n.name.as_deref() == Some(name)
                || (n.name.is_none() && id.is_some() && n.nodeid.as_deref() == id)
                || (n.name.is_none() && n.ring0.as_deref() == Some(name))
        });
        if let Some(ring0) = entry.and_then(|e| e.ring0.as_deref()) {
            if let Ok(ip) = ring0.parse() {
                return Some((ip, format!("{COROSYNC_CONF} ring0_addr")));
            }
            if let Some(ip) = self.lookup(ring0) {
                return Some((
                    ip,
                    format!("{COROSYNC_CONF} ring0_addr {ring0}, /etc/hosts"),
                ));
            }
        }
        self.lookup(name).map(|ip| (ip, "/etc/hosts".to_string()))
    }

    fn lookup(&self, name: &str) -> Option<IpAddr> {
        self.hosts
            .iter()
            .find(|(ip, names)| !ip.is_loopback() && names.iter().any(|n| n == name))
            .map(|(ip, _)| *ip)
    }

    /// The /etc/fstab entry of a shared file system mounted at `path` or
    /// one of its parents (the deepest).
    pub(crate) fn shared_mount(&self, path: &str) -> Option<&FstabEntry> {
        self.fstab
            .iter()
            .filter(|e| SHARED_FS.contains(&e.fstype.as_str()))
            .filter(|e| {
                let dir = e.dir.trim_end_matches('/');
                path == dir
                    || path
                        .strip_prefix(dir)
                        .is_some_and(|rest| rest.starts_with('/'))
            })
            .max_by_key(|e| e.dir.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_from_corosync_and_hosts() {
        let h = HostFiles {
            corosync: corosync("totem {\n version: 2\n}\nnodelist {\n  node {\n    ring0_addr: 10.0.0.12\n    name: c1\n    nodeid: 1\n  }\n  node {\n    ring0_addr: c2.example\n    nodeid: 2\n  }\n}\n"),
            hosts: hosts("127.0.0.1 localhost c3\n10.0.0.13 c2.example c2 # a comment\n10.0.0.14 c3\n"),
            ..Default::default()
        };
        assert_eq!(h.corosync.len(), 2);
        let a = |n: &str, id: Option<&str>| h.address_of(n, id).map(|(ip, _)| ip.to_string());
        assert_eq!(a("c1", None).as_deref(), Some("10.0.0.12"));
        assert_eq!(a("c2", Some("2")).as_deref(), Some("10.0.0.13"));
        assert_eq!(a("c3", None).as_deref(), Some("10.0.0.14"));
        assert_eq!(a("c4", None), None);
    }

    #[test]
    fn shared_mounts_from_fstab() {
        let h = HostFiles {
            fstab: fstab("UUID=x / ext4 defaults 0 1\nmon1:/ /srv/glance ceph name=glance 0 0\n"),
            ..Default::default()
        };
        assert_eq!(h.shared_mount("/srv/glance/images").unwrap().fstype, "ceph");
        assert!(h.shared_mount("/srv/glancex/images").is_none());
        assert!(h.shared_mount("/var/lib/glance/images").is_none());
    }
}
