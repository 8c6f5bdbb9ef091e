//! Every Pacemaker id glha makes, and only here.
//!
//! Objects are named from the spec's names:
//!
//! | id | object |
//! |---|---|
//! | `p_ip_<svc>` | the service's VIP, when it has one |
//! | `p_ip_<svc>_<vip>` | each VIP, when it has several |
//! | `p_<svc>` | the service (glance-api) |
//! | `g_<svc>` | active/passive: the group of VIPs and service |
//! | `cl_<svc>` | active/active: the service's clone |
//! | `p_haproxy` | HAProxy, when it is in front of glance-api |
//! | `cl_haproxy` | active/active: HAProxy's clone |
//! | `c_<vip id>_with_haproxy` | a VIP runs where HAProxy runs |
//! | `o_haproxy_before_<vip id>` | and starts after it |
//! | `p_fs_<svc>` | the image store's mount (a file store with `mount`) |
//! | `cl_fs_<svc>` | active/active: the mount's clone |
//! | `o_fs_before_<svc>` | active/active: the service's clone starts after it |
//! | `c_<svc>_with_fs` | active/active: and runs only where it is mounted |
//! | `<device>` | a fencing device: the spec's name, as is |
//! | `l_<device>_avoid_<node>` | a device kept off the node it fences |
//!
//! The attribute sets, name/value pairs and operations inside an object get
//! the ids crmsh gives them ([`instance_attributes`], [`nvpair`], [`op`]),
//! so that a CIB written as XML and one loaded from the crm script are the
//! same.
//!
//! [`of_spec`] lists the ids of a spec with the name each comes from, for
//! the checker to refuse collisions at the name's span; [`classify`] goes
//! the other way, from a live id to what glha made it for.

use super::Duration;
use crate::model::{Backend, Fencing, Mode, Sharing, Spec, StoreDecl};
use crate::source::Span;

/// HAProxy's primitive (active/active, or in front of an active/passive
/// glance-api).
pub const HAPROXY: &str = "p_haproxy";
/// HAProxy's clone (active/active).
pub const HAPROXY_CLONE: &str = "cl_haproxy";
/// The cluster property set crmsh and pcs write properties into.
pub const PROPERTY_SET: &str = "cib-bootstrap-options";

/// Separates the device from the node in a fencing location's id; a device
/// name must not contain it, or the id could not be read back.
pub const AVOID: &str = "_avoid_";

/// The VIP resource of service `svc`: `p_ip_<svc>` when `only` (the
/// service has one VIP), else `p_ip_<svc>_<vip>`.
pub fn vip(svc: &str, vip: &str, only: bool) -> String {
    if only {
        format!("p_ip_{svc}")
    } else {
        format!("p_ip_{svc}_{vip}")
    }
}

/// The service's primitive.
pub fn service(svc: &str) -> String {
    format!("p_{svc}")
}

/// The group of the service and its VIPs (active/passive).
pub fn group(svc: &str) -> String {
    format!("g_{svc}")
}

/// The service's clone (active/active).
pub fn clone(svc: &str) -> String {
    format!("cl_{svc}")
}

/// The image store's mount (`ocf:heartbeat:Filesystem`) for service `svc`.
pub fn mount(svc: &str) -> String {
    format!("p_fs_{svc}")
}

/// The mount's clone (active/active).
pub fn mount_clone(svc: &str) -> String {
    format!("cl_fs_{svc}")
}

/// The order that starts the service's clone after the mount's clone.
pub fn mount_before(svc: &str) -> String {
    format!("o_fs_before_{svc}")
}

/// The colocation of the service's clone with the mount's clone.
pub fn with_mount(svc: &str) -> String {
    format!("c_{svc}_with_fs")
}

/// A fencing device: the spec's name, used as is.
pub fn fence_device(name: &str) -> String {
    name.to_string()
}

/// The location that keeps `device` off the one `node` it fences.
pub fn avoid(device: &str, node: &str) -> String {
    format!("l_{device}{AVOID}{node}")
}

/// The colocation of a VIP resource with HAProxy's clone.
pub fn vip_with_haproxy(vip_id: &str) -> String {
    format!("c_{vip_id}_with_haproxy")
}

/// The order that starts a VIP resource after HAProxy's clone.
pub fn haproxy_before(vip_id: &str) -> String {
    format!("o_haproxy_before_{vip_id}")
}

/// The instance attributes (params) of object `id`, as crmsh names them.
pub fn instance_attributes(id: &str) -> String {
    format!("{id}-instance_attributes")
}

/// The meta attributes of object `id`, as crmsh names them.
pub fn meta_attributes(id: &str) -> String {
    format!("{id}-meta_attributes")
}

/// A name/value pair in attribute set `set`, as crmsh names it.
pub fn nvpair(set: &str, name: &str) -> String {
    format!("{set}-{name}")
}

/// An operation of resource `rsc`, as crmsh names it: by name and interval.
pub fn op(rsc: &str, name: &str, interval: Duration) -> String {
    format!("{rsc}-{name}-{interval}")
}

/// What glha made an id for, relative to one service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Generated {
    /// `p_ip_<svc>`: the service's only VIP.
    Vip,
    /// `p_ip_<svc>_<vip>`: one of its VIPs, by spec name.
    NamedVip(String),
    /// `p_<svc>`: the service.
    Service,
    /// `g_<svc>`: its group.
    Group,
    /// `cl_<svc>`: its clone.
    Clone,
    /// `p_haproxy`.
    Haproxy,
    /// `cl_haproxy`.
    HaproxyClone,
    /// `p_fs_<svc>`: the image store's mount.
    Mount,
    /// `cl_fs_<svc>`: its clone.
    MountClone,
    /// `o_fs_before_<svc>`: the service's clone after the mount's.
    MountBefore,
    /// `c_<svc>_with_fs`: the service's clone where the mount is.
    WithMount,
    /// `l_<device>_avoid_<node>`.
    Avoid {
        /// The fencing device.
        device: String,
        /// The node it fences and must not run on.
        node: String,
    },
    /// `c_<vip id>_with_haproxy`, with the VIP resource's id.
    VipWithHaproxy(String),
    /// `o_haproxy_before_<vip id>`, with the VIP resource's id.
    HaproxyBefore(String),
}

/// What glha made `id` for, if it has one of the forms above for service
/// `svc`. Fencing devices keep the spec's name, so they are not
/// recognisable by id (a live one is a `stonith` primitive).
pub fn classify(id: &str, svc: &str) -> Option<Generated> {
    let exact = [
        (vip(svc, "", true), Generated::Vip),
        (service(svc), Generated::Service),
        (group(svc), Generated::Group),
        (clone(svc), Generated::Clone),
        (HAPROXY.to_string(), Generated::Haproxy),
        (HAPROXY_CLONE.to_string(), Generated::HaproxyClone),
        (mount(svc), Generated::Mount),
        (mount_clone(svc), Generated::MountClone),
        (mount_before(svc), Generated::MountBefore),
        (with_mount(svc), Generated::WithMount),
    ];
    if let Some((_, g)) = exact.into_iter().find(|(i, _)| i == id) {
        return Some(g);
    }
    let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_string());
    if let Some(v) = id.strip_prefix(&format!("p_ip_{svc}_")) {
        return non_empty(v).map(Generated::NamedVip);
    }
    if let Some(v) = id
        .strip_prefix("c_")
        .and_then(|r| r.strip_suffix("_with_haproxy"))
    {
        return non_empty(v).map(Generated::VipWithHaproxy);
    }
    if let Some(v) = id.strip_prefix("o_haproxy_before_") {
        return non_empty(v).map(Generated::HaproxyBefore);
    }
    // A device name never holds `_avoid_` (the checker refuses it), so the
    // first one separates the device from the node.
    let (device, node) = id.strip_prefix("l_")?.split_once(AVOID)?;
    Some(Generated::Avoid {
        device: non_empty(device)?,
        node: non_empty(node)?,
    })
}

/// How a spec's id came about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// The spec's own name, used as is (a fencing device).
    Given,
    /// Made by glha from the name at [`SpecId::from`] (or, for HAProxy's
    /// fixed ids, from the mode chosen there).
    Generated,
}

/// One id a spec's plan will have.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecId {
    /// The id.
    pub id: String,
    /// The object's kind as crm names it.
    pub object: &'static str,
    /// The object in words (`the service's primitive`), for messages.
    pub what: String,
    /// Where the name it comes from is written.
    pub from: Span,
    /// Given or generated.
    pub origin: Origin,
}

/// Every object id the plan of `spec` will have, with where its name comes
/// from: fencing devices and their locations, then the VIPs, the service,
/// its group or clone, HAProxy and its constraints, the store's mount.
pub fn of_spec(spec: &Spec) -> Vec<SpecId> {
    let mut t = Table(Vec::new());
    if let Fencing::Devices(devs) = &spec.fencing {
        for d in devs {
            let name = &d.name.value;
            let what = format!("fencing device `{name}`");
            t.push(
                fence_device(name),
                "primitive",
                what,
                d.name.span,
                Origin::Given,
            );
            if let [only] = d.targets.as_slice() {
                let what = format!("the location keeping `{name}` off `{only}`");
                t.generated(avoid(name, only), "location", what, d.name.span);
            }
        }
    }
    service_ids(spec, &mut t);
    mount_ids(spec, &mut t);
    t.0
}

/// The ids of a file store's mount, made from the service's name.
fn mount_ids(spec: &Spec, t: &mut Table) {
    let Some(StoreDecl::Store(store)) = &spec.store else {
        return;
    };
    let Backend::File(fs) = &store.backend else {
        return;
    };
    if !matches!(fs.sharing, Sharing::Mount(_)) {
        return;
    }
    let svc = &spec.service;
    let (name, at) = (&svc.name.value, svc.name.span);
    t.generated(
        mount(name),
        "primitive",
        "the image store's mount".into(),
        at,
    );
    if svc.mode == Mode::ActiveActive {
        t.generated(mount_clone(name), "clone", "the mount's clone".into(), at);
        let what = "the order of the service after the mount".to_string();
        t.generated(mount_before(name), "order", what, at);
        let what = "the colocation of the service with the mount".to_string();
        t.generated(with_mount(name), "colocation", what, at);
    }
}

struct Table(Vec<SpecId>);

impl Table {
    fn push(&mut self, id: String, object: &'static str, what: String, from: Span, origin: Origin) {
        self.0.push(SpecId {
            id,
            object,
            what,
            from,
            origin,
        });
    }
    fn generated(&mut self, id: String, object: &'static str, what: String, from: Span) {
        self.push(id, object, what, from, Origin::Generated);
    }
}

/// The ids of the service, its VIPs and what its mode adds.
fn service_ids(spec: &Spec, t: &mut Table) {
    let svc = &spec.service;
    let name = &svc.name.value;
    let only = svc.vips.len() == 1;
    let vips: Vec<(String, String, Span)> = svc
        .vips
        .iter()
        .filter_map(|&v| spec.vips.get(v))
        .map(|v| {
            let from = if only { svc.name.span } else { v.name.span };
            (vip(name, &v.name.value, only), v.name.value.clone(), from)
        })
        .collect();
    for (id, v, from) in &vips {
        t.generated(
            id.clone(),
            "primitive",
            format!("the primitive of vip `{v}`"),
            *from,
        );
    }
    let at = svc.name.span;
    t.generated(
        service(name),
        "primitive",
        "the service's primitive".into(),
        at,
    );
    if let Some(hp) = &spec.haproxy {
        t.generated(
            HAPROXY.into(),
            "primitive",
            "HAProxy's primitive".into(),
            hp.span,
        );
    }
    match svc.mode {
        Mode::ActivePassive => t.generated(group(name), "group", "the service's group".into(), at),
        Mode::ActiveActive => {
            t.generated(clone(name), "clone", "the service's clone".into(), at);
            let Some(hp) = &spec.haproxy else { return };
            t.generated(
                HAPROXY_CLONE.into(),
                "clone",
                "HAProxy's clone".into(),
                hp.span,
            );
            for (id, v, from) in &vips {
                let what = format!("the colocation of vip `{v}` with HAProxy");
                t.generated(vip_with_haproxy(id), "colocation", what, *from);
                let what = format!("the order of vip `{v}` after HAProxy");
                t.generated(haproxy_before(id), "order", what, *from);
            }
        }
    }
}

/// Whether `name` is an id crmsh or glha gives to something inside object
/// `object` (its attribute sets, their pairs, its operations): such a name
/// cannot be an object's id as well.
pub fn is_reserved_by(name: &str, object: &str) -> bool {
    const INNER: &[&str] = &[
        "instance_attributes",
        "meta_attributes",
        "monitor-",
        "start-",
        "stop-",
        "promote-",
        "demote-",
        "reload-",
    ];
    name.strip_prefix(object)
        .and_then(|r| r.strip_prefix('-'))
        .is_some_and(|r| INNER.iter().any(|p| r.starts_with(p)))
}

/// Whether `name` is the id of the cluster's property set or of one of its
/// pairs.
pub fn is_property_id(name: &str) -> bool {
    name == PROPERTY_SET || name.starts_with(&format!("{PROPERTY_SET}-"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_read_back() {
        let svc = "glance-api";
        let cases = [
            (vip(svc, "internal", true), Generated::Vip),
            (
                vip(svc, "public", false),
                Generated::NamedVip("public".into()),
            ),
            (service(svc), Generated::Service),
            (group(svc), Generated::Group),
            (clone(svc), Generated::Clone),
            (HAPROXY.into(), Generated::Haproxy),
            (HAPROXY_CLONE.into(), Generated::HaproxyClone),
            (mount(svc), Generated::Mount),
            (mount_clone(svc), Generated::MountClone),
            (mount_before(svc), Generated::MountBefore),
            (with_mount(svc), Generated::WithMount),
            (
                avoid("ipmi-ctl0", "overcloud-controller-0"),
                Generated::Avoid {
                    device: "ipmi-ctl0".into(),
                    node: "overcloud-controller-0".into(),
                },
            ),
            (
                vip_with_haproxy("p_ip_glance-api"),
                Generated::VipWithHaproxy("p_ip_glance-api".into()),
            ),
            (
                haproxy_before("p_ip_glance-api_public"),
                Generated::HaproxyBefore("p_ip_glance-api_public".into()),
            ),
        ];
        for (id, want) in cases {
            assert_eq!(classify(&id, svc), Some(want), "{id}");
        }
        // A node may hold the separator; the device never does.
        assert_eq!(
            classify(&avoid("st1", "n_avoid_x"), svc),
            Some(Generated::Avoid {
                device: "st1".into(),
                node: "n_avoid_x".into()
            })
        );
        // And the nested VIP id reads back too.
        let Some(Generated::VipWithHaproxy(v)) =
            classify(&vip_with_haproxy(&vip(svc, "a", false)), svc)
        else {
            panic!("not a colocation id");
        };
        assert_eq!(classify(&v, svc), Some(Generated::NamedVip("a".into())));
    }

    #[test]
    fn foreign_ids_are_not_glhas() {
        for id in [
            "st-null",
            "p_nova-api",
            "p_ip_",
            "p_ip_glance-api_",
            "l_x",
            "l__avoid_n",
            "l_d_avoid_",
            "c__with_haproxy",
            "o_haproxy_before_",
            "ipmi-ctl0",
        ] {
            assert_eq!(classify(id, "glance-api"), None, "{id}");
        }
    }

    #[test]
    fn crmsh_inner_ids() {
        let d = Duration::from_secs(30).unwrap();
        assert_eq!(op("p_x", "monitor", d), "p_x-monitor-30s");
        assert_eq!(op("p_x", "start", Duration::ZERO), "p_x-start-0s");
        assert_eq!(
            nvpair(&instance_attributes("p_x"), "ip"),
            "p_x-instance_attributes-ip"
        );
        assert_eq!(
            nvpair(&meta_attributes("cl_x"), "interleave"),
            "cl_x-meta_attributes-interleave"
        );
        assert!(is_reserved_by("p_x-instance_attributes", "p_x"));
        assert!(is_reserved_by("p_x-monitor-30s", "p_x"));
        assert!(!is_reserved_by("cib-bootstrap-options", "p_x"));
        assert!(is_property_id("cib-bootstrap-options"));
        assert!(is_property_id("cib-bootstrap-options-stonith-enabled"));
        assert!(!is_property_id("cib-bootstrap"));
        assert!(!is_reserved_by("p_x-fence", "p_x"));
        assert!(!is_reserved_by("p_xy-monitor-30s", "p_x"));
    }
}
