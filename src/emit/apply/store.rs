//! APPLY.md's image store step: what the operator prepares for the store
//! the spec declares, before Pacemaker starts glance-api, and the notes
//! that matter to its consumers (RBD copy-on-write). Nothing here is set
//! by the bundle silently: a trade-off is written down, not defaulted.

use super::StepText;
use crate::emit::swift_conf;
use crate::plan::{Plan, StorePlan, StoreSetup, StoreSharing};
use crate::release::store::StoreType;
use crate::release::Release;

/// The step, if the spec says anything about the store.
pub(super) fn step(plan: &Plan) -> Option<StepText> {
    let body = match plan.store.as_ref()? {
        StorePlan::Waived { reason } => format!(
            "The spec waives a shared image store: \"{reason}\".\n\
             Images stay in glance's directory on the node that received them;\n\
             after a failover they are still listed as active but cannot be\n\
             downloaded until glance-api runs on that node again."
        ),
        StorePlan::Configured(s) => configured(plan, s),
    };
    Some(("Prepare the image store".into(), body))
}

fn configured(plan: &Plan, s: &StoreSetup) -> String {
    let mut body = match s.kind {
        StoreType::File => file(plan, s),
        StoreType::Rbd => rbd(s),
        StoreType::Swift => swift(s),
    };
    if let Some(d) = local_dirs(s) {
        body.push_str(&d);
    }
    if s.kind == StoreType::Rbd {
        body.push_str(&cow_notes(plan.release));
    }
    body.trim_end().to_string()
}

/// The directories glance writes, as one `install -d` line.
fn dirs(s: &StoreSetup) -> String {
    let all: Vec<&str> = s
        .images
        .iter()
        .chain(s.staging.iter())
        .chain(std::iter::once(&s.tasks))
        .map(String::as_str)
        .collect();
    format!("install -d -o glance -g glance -m 0750 {}", all.join(" "))
}

/// rbd and swift stores stage imports in each node's own directories.
fn local_dirs(s: &StoreSetup) -> Option<String> {
    let StoreSharing::Local { assumed_shared } = s.sharing else {
        return None;
    };
    Some(if assumed_shared {
        format!(
            "- Staging and tasks directories, on the file system every node shares\n  \
             (the spec names them): `{}`.\n",
            dirs(s)
        )
    } else {
        format!(
            "- On every node, the directories where glance stages imports and keeps\n  \
             task data (each node's own): `{}`.\n",
            dirs(s)
        )
    })
}

fn file(plan: &Plan, s: &StoreSetup) -> String {
    let images = s.images.as_deref().unwrap_or_default();
    match &s.sharing {
        StoreSharing::Mount {
            resource,
            device,
            directory,
            fstype,
            options,
        } => {
            let place = if plan.pacemaker.clone_of(resource).is_some() {
                format!(
                    "on every node (the clone `{resource}`); each node's glance-api\n\
                     starts only after the mount and only where it is mounted"
                )
            } else {
                let group = crate::plan::ids::group(&plan.service);
                format!(
                    "first in the group `{group}`: the VIP comes up, and glance-api\n\
                     starts, only on a node that can serve the images"
                )
            };
            let source = if fstype == "none" {
                format!(
                    "- `{device}` is bind-mounted: it must be the same shared directory on every\n  \
                     node (a file system mounted there by other means).\n"
                )
            } else {
                format!(
                    "- On the file server: export `{device}` read-write to every node;\n  \
                     glance-api writes it as the glance user (the same uid and gid on every node).\n"
                )
            };
            format!(
                "Images live in `{images}` on `{device}` ({fstype}), which Pacemaker mounts\n\
                 on `{directory}` {place}.\n\n\
                 {source}\
                 - Once, the directories, owned by the glance user: with it mounted by hand on\n  \
                 one node (`mkdir -p {directory} && mount -t {fstype}{opts} {device} {directory}`),\n  \
                 `{}`, then `umount {directory}`\n  \
                 (with root_squash, create them on the file server instead).\n\
                 - On every node: no /etc/fstab entry and no automount for `{directory}`;\n  \
                 Pacemaker alone mounts it (the agent creates the mount point).\n",
                dirs(s),
                opts = options.as_ref().map(|o| format!(" -o {o}")).unwrap_or_default(),
            )
        }
        StoreSharing::External { how } => format!(
            "Images live in `{images}` on a file system the nodes mount themselves:\n\
             \"{how}\". Pacemaker does not manage it.\n\n\
             - On every node, before glance-api runs there: it is mounted, and\n  \
             `findmnt -T {images}` shows the shared file system, not the node's own\n  \
             disk (if it is missing, glance-api serves an empty local directory).\n\
             - Once, on the shared file system, owned by the glance user (the same uid\n  \
             and gid on every node): `{}`.\n",
            dirs(s)
        ),
        StoreSharing::Local { .. } => String::new(),
    }
}

fn rbd(s: &StoreSetup) -> String {
    let Some(c) = &s.ceph else {
        return String::new();
    };
    let (pool, user, conf) = (&c.pool, &c.user, &c.conf);
    format!(
        "Images live in the Ceph pool `{pool}`; glance-api reaches it as `client.{user}`\n\
         through `{conf}`. Nothing is mounted.\n\n\
         - On a Ceph admin node, once:\n  \
         `ceph osd pool create {pool}`, `rbd pool init {pool}`,\n  \
         `ceph auth get-or-create client.{user} mon 'profile rbd' osd 'profile rbd pool={pool}' mgr 'profile rbd pool={pool}'`.\n\
         - On every node: `{conf}`, and the keyring\n  \
         `/etc/ceph/ceph.client.{user}.keyring` owned glance:glance, mode 0640\n  \
         (`ceph auth get client.{user} -o /etc/ceph/ceph.client.{user}.keyring`);\n  \
         the Python bindings installed (Debian: python3-rbd, python3-rados).\n"
    )
}

/// nova and cinder clone RBD images only where glance shows their
/// locations: the trade-off, per release, as notes.
fn cow_notes(rel: Release) -> String {
    let mut notes = String::from(
        "\nCopy-on-write (notes; this bundle sets none of it):\n\n\
         - nova and cinder clone an RBD image instead of copying it only if glance\n  \
         shows image locations: `[DEFAULT] show_image_direct_url = True` in\n  \
         glance-api.conf. That shows every API user the pool and image names\n  \
         (OSSN-0065, OSSN-0090): set it only on a glance-api that only services\n  \
         reach (an internal-only endpoint), never on the public one. Only raw\n  \
         images are cloned.\n\
         - nova keeps instance disks in Ceph with `[libvirt] images_type = rbd`,\n  \
         `images_rbd_pool`, `images_rbd_ceph_conf`, `rbd_user`, `rbd_secret_uuid`.\n",
    );
    if rel >= Release::R2025_2 {
        notes.push_str(
            "- cinder reads locations through glance's location API instead (2025.2):\n  \
             give its glance user the `service` role and add a `[glance]` section\n  \
             with that user's credentials to cinder.conf; then the internal\n  \
             glance-api need not show locations to cinder.\n",
        );
    }
    if rel == Release::Ocata {
        notes.push_str(
            "- cinder on Ocata uses the Image API v1 unless told otherwise, and v1 shows\n  \
             no locations: `[DEFAULT] glance_api_version = 2` in cinder.conf.\n",
        );
    }
    notes
}

fn swift(s: &StoreSetup) -> String {
    let Some(conf) = &s.swift else {
        return String::new();
    };
    let value = |k: &str| {
        conf.settings
            .iter()
            .find(|(key, _)| key == k)
            .and_then(|(_, v)| match v {
                crate::plan::Value::Plain(t) => Some(t.clone()),
                crate::plan::Value::Template(_) => None,
            })
            .unwrap_or_default()
    };
    let (project, user) = value("user")
        .split_once(':')
        .map(|(p, u)| (p.to_string(), u.to_string()))
        .unwrap_or_default();
    let container = &conf.container;
    let path = swift_conf::bundle_path(conf);
    let create = if conf.create_container {
        "glance creates it on the first upload".to_string()
    } else {
        format!("create it as that user, `openstack container create {container}`")
    };
    format!(
        "Images live in the Swift container `{container}`; glance-api logs in as\n\
         `{user}` (project `{project}`) at `{}`.\n\n\
         - In Keystone: the user `{user}` in the project `{project}` with a role\n  \
         the Swift proxy's keystoneauth lists in `operator_roles` (Swift's sample:\n  \
         `admin, swiftoperator`; many deployments add `member`), e.g.\n  \
         `openstack role add --project {project} --user {user} swiftoperator`.\n\
         - The container: {create}.\n\
         - On every node: install the credentials, readable by glance only\n  \
         (`glhac apply` writes them with glance-api.conf; by hand:\n  \
         `install -m 0640 -o root -g glance {path} {}`).\n",
        value("auth_address"),
        conf.target,
    )
}
