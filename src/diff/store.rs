//! What `diff` says about the live image store: a glance-api.conf whose
//! images go to a directory on the node's own disk while the spec declares
//! no shared store (waived, or no store at all) is worth a note, because
//! nothing else in the report would show it.

use super::ini::{parse, value_of};
use crate::plan::{Plan, StorePlan};
use crate::release::store::{backends, DEFAULT_IMAGES_DIR};

/// The note for a live glance-api.conf, if its images stay on the node.
pub(crate) fn local_store_note(plan: &Plan, live: Option<&str>) -> Option<String> {
    let declared = match &plan.store {
        Some(StorePlan::Configured(_)) => return None,
        Some(StorePlan::Waived { reason }) => format!("the spec waives the store (\"{reason}\")"),
        None => "the spec declares no store".to_string(),
    };
    let (dir, setting) = live_file_store(live.unwrap_or(""))?;
    Some(format!(
        "images go to {dir} ({setting}), a directory on this node's own disk, and {declared}: \
         an image uploaded here cannot be downloaded after glance-api moves to another node"
    ))
}

/// The directory of the live file store glance-api uses, and the setting
/// that says so; `None` when its default store is not a file store.
fn live_file_store(text: &str) -> Option<(String, String)> {
    let lines = parse(text);
    let get = |section: &str, key: &str| value_of(&lines, section, key);
    if let Some(enabled) = get("DEFAULT", "enabled_backends") {
        let all = backends(&enabled);
        let name = get("glance_store", "default_backend")
            .or_else(|| all.first().map(|(n, _)| n.clone()))?;
        let (_, kind) = all.iter().find(|(n, _)| *n == name)?;
        if kind != "file" {
            return None;
        }
        let dir = get(&name, "filesystem_store_datadir");
        let setting = format!("[{name}] filesystem_store_datadir");
        return Some(with_default(dir, setting));
    }
    let store = get("glance_store", "default_store").unwrap_or_else(|| "file".into());
    if store != "file" {
        return None;
    }
    let dir = get("glance_store", "filesystem_store_datadir");
    Some(with_default(
        dir,
        "[glance_store] filesystem_store_datadir".into(),
    ))
}

fn with_default(dir: Option<String>, setting: String) -> (String, String) {
    match dir {
        Some(d) => (d, setting),
        None => (
            DEFAULT_IMAGES_DIR.to_string(),
            format!("{setting}'s default"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_live_file_store() {
        let pkg = "[glance_store]\nfilesystem_store_datadir = /var/lib/glance/images/\n";
        assert_eq!(
            live_file_store(pkg),
            Some((
                "/var/lib/glance/images/".into(),
                "[glance_store] filesystem_store_datadir".into()
            ))
        );
        assert_eq!(
            live_file_store("").map(|(d, _)| d),
            Some(DEFAULT_IMAGES_DIR.to_string())
        );
        assert_eq!(
            live_file_store("[glance_store]\ndefault_store = rbd\n"),
            None
        );
        let multi = "[DEFAULT]\nenabled_backends = fast:rbd, local:file\n[glance_store]\ndefault_backend = local\n[local]\nfilesystem_store_datadir = /srv/x\n";
        assert_eq!(
            live_file_store(multi),
            Some(("/srv/x".into(), "[local] filesystem_store_datadir".into()))
        );
        let rbd =
            "[DEFAULT]\nenabled_backends = fast:rbd\n[glance_store]\ndefault_backend = fast\n";
        assert_eq!(live_file_store(rbd), None);
    }
}
