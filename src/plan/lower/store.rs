//! The image store: what the plan records about it ([`StorePlan`]), its
//! settings in glance-api.conf by release, and glance-swift.conf.

use super::ini::Ini;
use super::Secrets;
use crate::model::{self, Backend, Sharing, Spec, StoreDecl};
use crate::plan::*;
use crate::release::settings::{exists, Setting};
use crate::release::store::{multi_store, SWIFT_CONF};

/// The store as the plan records it.
pub(super) fn plan(spec: &Spec, secrets: &mut Secrets) -> Option<StorePlan> {
    let store = match spec.store.as_ref()? {
        StoreDecl::Waived(r) => {
            return Some(StorePlan::Waived {
                reason: r.value.to_string(),
            })
        }
        StoreDecl::Store(s) => s,
    };
    let svc = &spec.service.name.value;
    let sharing = match &store.backend {
        Backend::File(fs) => match &fs.sharing {
            Sharing::Mount(m) => StoreSharing::Mount {
                resource: match spec.service.mode {
                    model::Mode::ActivePassive => ids::mount(svc),
                    model::Mode::ActiveActive => ids::mount_clone(svc),
                },
                device: m.device.value.clone(),
                directory: m.directory.value.clone(),
                fstype: m.fstype.value.clone(),
                options: m.options.as_ref().map(|o| o.value.clone()),
            },
            Sharing::External(how) => StoreSharing::External {
                how: how.value.to_string(),
            },
        },
        _ => StoreSharing::Local {
            assumed_shared: store.staging_shared,
        },
    };
    Some(StorePlan::Configured(Box::new(StoreSetup {
        name: store.name.value.clone(),
        kind: store.backend.kind(),
        images: match &store.backend {
            Backend::File(fs) => Some(fs.path.value.clone()),
            _ => None,
        },
        // Ocata has no interoperable import, hence no staging directory.
        staging: (multi_store(spec.release) || exists(Setting::NodeStagingUri, spec.release))
            .then(|| store.staging.value.clone()),
        tasks: store.tasks.value.clone(),
        sharing,
        ceph: match &store.backend {
            Backend::Rbd(r) => Some(Ceph {
                pool: r.pool.value.clone(),
                user: r.user.value.clone(),
                conf: r.ceph_conf.value.clone(),
            }),
            _ => None,
        },
        swift: match &store.backend {
            Backend::Swift(sw) => Some(swift_conf(spec, store, sw, secrets)),
            _ => None,
        },
    })))
}

/// glance-swift.conf: one reference named after the store, Keystone v3
/// credentials; `auth_version = 3` where glance_store still defaults to v2.
fn swift_conf(
    spec: &Spec,
    store: &model::Store,
    sw: &model::SwiftStore,
    secrets: &mut Secrets,
) -> SwiftConf {
    let mut settings = vec![("auth_address".to_string(), Value::plain(&sw.auth_url.value))];
    if crate::release::settings::availability(Setting::SwiftAuthVersion, spec.release)
        == crate::release::settings::Availability::Current
    {
        settings.push(("auth_version".into(), Value::plain("3")));
    }
    settings.extend([
        (
            "user".to_string(),
            Value::plain(format!("{}:{}", sw.project.value, sw.user.value)),
        ),
        (
            "key".to_string(),
            secrets.value(format!("store.{}.password", store.name.value), &sw.password),
        ),
        (
            "user_domain_name".to_string(),
            Value::plain(&sw.user_domain.value),
        ),
        (
            "project_domain_name".to_string(),
            Value::plain(&sw.project_domain.value),
        ),
    ]);
    SwiftConf {
        target: SWIFT_CONF.to_string(),
        reference: store.name.value.clone(),
        container: sw.container.value.clone(),
        create_container: sw.create_container,
        settings,
    }
}

/// Every backend option glha knows in `[glance_store]`, which only a
/// single store reads.
const SINGLE_STORE: &[Setting] = &[
    Setting::FileDatadir,
    Setting::RbdPool,
    Setting::RbdUser,
    Setting::RbdCephConf,
    Setting::RbdChunkSize,
    Setting::SwiftConfigFile,
    Setting::SwiftReference,
    Setting::SwiftContainer,
    Setting::SwiftCreateContainer,
    Setting::SwiftRegion,
];

/// The store's settings in glance-api.conf: one store in `[glance_store]`
/// before multiple stores, else `enabled_backends`, the backend's own
/// section and glance's reserved staging and tasks stores.
pub(super) fn settings(ini: &mut Ini, store: &model::Store) {
    let rel = ini.release();
    let kind = store.backend.kind().name();
    let name = &store.name.value;
    if multi_store(rel) {
        ini.set(
            Setting::EnabledBackends,
            Value::plain(format!("{name}:{kind}")),
        );
        ini.set(Setting::DefaultBackend, Value::plain(name));
        for (s, v) in backend(store, true) {
            ini.set_in(name, s, v);
        }
        // Absent, glance puts both on the node's own disk
        // (/var/lib/glance/os_glance_staging_store, …_tasks_store): its
        // Train release note (rethinking-filesystem-access) asks multi-store
        // deployments to configure them, each on a directory of its own.
        ini.set(
            Setting::StagingStoreDatadir,
            Value::plain(&store.staging.value),
        );
        ini.set(Setting::TasksStoreDatadir, Value::plain(&store.tasks.value));
        // With enabled_backends glance reads none of the single store's
        // settings; left in the live file they only mislead.
        let replaced = "replaced by [DEFAULT] enabled_backends and [glance_store] default_backend";
        ini.remove(Setting::StoreStores, replaced);
        ini.remove(Setting::StoreDefault, replaced);
        let why = format!("ignored with enabled_backends: the store's settings are in [{name}]");
        for s in SINGLE_STORE {
            ini.remove(*s, &why);
        }
    } else {
        ini.set(Setting::StoreStores, Value::plain(kind));
        ini.set(Setting::StoreDefault, Value::plain(kind));
        for (s, v) in backend(store, false) {
            ini.set(s, v);
        }
        if exists(Setting::NodeStagingUri, rel) {
            ini.set(
                Setting::NodeStagingUri,
                Value::plain(format!("file://{}", store.staging.value)),
            );
        }
        ini.set(Setting::TaskWorkDir, Value::plain(&store.tasks.value));
    }
}

/// The backend's options: in `[glance_store]` (`multi` false) or in the
/// store's own section.
fn backend(store: &model::Store, multi: bool) -> Vec<(Setting, Value)> {
    use Setting::*;
    let pick = |single: Setting, own: Setting| if multi { own } else { single };
    let mut out = Vec::new();
    match &store.backend {
        Backend::File(fs) => out.push((
            pick(FileDatadir, BackendFileDatadir),
            Value::plain(&fs.path.value),
        )),
        Backend::Rbd(r) => {
            out.push((pick(RbdPool, BackendRbdPool), Value::plain(&r.pool.value)));
            out.push((pick(RbdUser, BackendRbdUser), Value::plain(&r.user.value)));
            out.push((
                pick(RbdCephConf, BackendRbdCephConf),
                Value::plain(&r.ceph_conf.value),
            ));
            if let Some(c) = r.chunk_size {
                out.push((
                    pick(RbdChunkSize, BackendRbdChunkSize),
                    Value::plain(c.to_string()),
                ));
            }
        }
        Backend::Swift(sw) => {
            out.push((
                pick(SwiftConfigFile, BackendSwiftConfigFile),
                Value::plain(SWIFT_CONF),
            ));
            out.push((
                pick(SwiftReference, BackendSwiftReference),
                Value::plain(&store.name.value),
            ));
            out.push((
                pick(SwiftContainer, BackendSwiftContainer),
                Value::plain(&sw.container.value),
            ));
            out.push((
                pick(SwiftCreateContainer, BackendSwiftCreateContainer),
                Value::plain(if sw.create_container { "true" } else { "false" }),
            ));
            if let Some(r) = &sw.region {
                out.push((
                    pick(SwiftRegion, BackendSwiftRegion),
                    Value::plain(&r.value),
                ));
            }
        }
    }
    out
}
