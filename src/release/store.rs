//! glance's image store across releases: the store types glha writes, the
//! option group each type has in the option data, and the sections of
//! glance-api.conf that are named at run time rather than by an option
//! group.
//!
//! Releases whose data has `[DEFAULT] enabled_backends` (Ussuri on) get
//! glance's multiple stores: `enabled_backends = NAME:TYPE`, the backend's
//! options in `[NAME]`, and glance's two reserved stores. Older releases
//! get the single store in `[glance_store]` ([`multi_store`]).

use super::settings::{exists, Setting};
use super::Release;

/// A glance store type glha configures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum StoreType {
    /// A directory (`file`).
    File,
    /// A Ceph pool (`rbd`).
    Rbd,
    /// Swift containers (`swift`).
    Swift,
}

impl StoreType {
    /// Every type, as a spec names them.
    pub const ALL: &'static [StoreType] = &[StoreType::File, StoreType::Rbd, StoreType::Swift];

    /// The type as glance names it (`stores`, `enabled_backends`).
    pub fn name(self) -> &'static str {
        match self {
            StoreType::File => "file",
            StoreType::Rbd => "rbd",
            StoreType::Swift => "swift",
        }
    }

    /// The type glance names `name`.
    pub fn parse(name: &str) -> Option<StoreType> {
        StoreType::ALL.iter().copied().find(|t| t.name() == name)
    }

    /// The option group that holds this type's options in the data
    /// (namespace `glance.multi_store`): the options a `[NAME]` section of
    /// this type accepts.
    pub fn data_group(self) -> &'static str {
        match self {
            StoreType::File => "file",
            StoreType::Rbd => "glance.store.rbd.store",
            StoreType::Swift => "glance.store.swift.store",
        }
    }
}

impl std::fmt::Display for StoreType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// The prefix glance reserves for its own stores: glance-api refuses to
/// start when `enabled_backends` names one (glance 19.0.0, Train, release
/// note rethinking-filesystem-access).
pub const RESERVED_PREFIX: &str = "os_glance_";

/// glance's reserved staging store (Train on, read only with
/// `enabled_backends`); a filesystem store whose directory defaults to the
/// node-local `/var/lib/glance/os_glance_staging_store`.
pub const STAGING_SECTION: &str = "os_glance_staging_store";

/// glance's reserved tasks store, like [`STAGING_SECTION`].
pub const TASKS_SECTION: &str = "os_glance_tasks_store";

/// The images directory of glance's file store when nothing says otherwise
/// (`filesystem_store_datadir`'s default in every release's data): on the
/// node's own disk in every distribution's package.
pub const DEFAULT_IMAGES_DIR: &str = "/var/lib/glance/images";

/// Where glance-swift.conf goes; `swift_store_config_file` names it.
pub const SWIFT_CONF: &str = "/etc/glance/glance-swift.conf";

/// Whether `release` configures glance's multiple stores: its option data
/// has `[DEFAULT] enabled_backends` (Ussuri on; `stores` and
/// `default_store` are deprecated for removal since Rocky).
pub fn multi_store(release: Release) -> bool {
    exists(Setting::EnabledBackends, release)
}

/// The `NAME:TYPE` pairs of an `enabled_backends` value (`a:rbd, b:file`).
pub fn backends(enabled_backends: &str) -> Vec<(String, String)> {
    enabled_backends
        .split(',')
        .filter_map(|item| {
            let (name, ty) = item.split_once(':')?;
            let name = name.trim();
            (!name.is_empty()).then(|| (name.to_string(), ty.trim().to_string()))
        })
        .collect()
}

/// The sections of glance-api.conf named at run time, not by an option
/// group: each backend that `[DEFAULT] enabled_backends` names (given its
/// value, if the file has one) and glance's reserved stores. No option
/// data lists them, so a rule about stale or unknown keys must skip them.
/// This is the one list of such sections.
pub fn dynamic_sections(enabled_backends: Option<&str>) -> Vec<String> {
    let mut out: Vec<String> = enabled_backends
        .map(backends)
        .unwrap_or_default()
        .into_iter()
        .map(|(name, _)| name)
        .collect();
    for s in [STAGING_SECTION, TASKS_SECTION] {
        if !out.iter().any(|o| o == s) {
            out.push(s.to_string());
        }
    }
    out
}

/// Why `name` cannot name a store, if it cannot: reserved by glance, or
/// the name of an option group of glance-api.conf in some release's data.
pub fn name_conflict(name: &str) -> Option<String> {
    if name.starts_with(RESERVED_PREFIX) {
        return Some(format!(
            "glance reserves names starting with `{RESERVED_PREFIX}` for its own stores"
        ));
    }
    let lower = name.to_ascii_lowercase();
    super::generated::GLANCE_API_GROUPS
        .iter()
        .find(|g| g.to_ascii_lowercase() == lower)
        .map(|g| format!("`[{g}]` is an option group of glance-api.conf"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::release::settings::{data_default, data_releases};

    #[test]
    fn multi_store_from_ussuri() {
        assert!(!multi_store(Release::Train));
        assert!(multi_store(Release::Ussuri));
        assert!(multi_store(Release::NEWEST));
    }

    #[test]
    fn dynamic_sections_are_the_backends_and_the_reserved_stores() {
        assert_eq!(
            dynamic_sections(Some("fast:rbd, cheap : file,")),
            ["fast", "cheap", STAGING_SECTION, TASKS_SECTION]
        );
        assert_eq!(dynamic_sections(None), [STAGING_SECTION, TASKS_SECTION]);
    }

    #[test]
    fn names() {
        assert!(name_conflict("os_glance_mine").is_some());
        assert!(name_conflict("file").is_some());
        assert!(name_conflict("Database").is_some());
        assert!(name_conflict("task").is_some());
        assert!(name_conflict("images").is_none());
    }

    /// The default images directory is what every full dump says.
    #[test]
    fn default_images_dir_is_the_data_default() {
        let mut seen = 0;
        for (rel, _) in data_releases("glance-api") {
            if let Some(d) = data_default(
                "glance-api",
                "glance_store",
                "filesystem_store_datadir",
                rel,
            ) {
                assert_eq!(d, DEFAULT_IMAGES_DIR, "{rel}");
                seen += 1;
            }
        }
        assert!(seen >= 6, "{seen} full dumps");
    }
}
