//! The two integrations agree: the bundle include_spec! embedded is the one
//! build.rs wrote, byte for byte, and it has the files a bundle must have.

use glha_cargo_consumer::{LAB, LAB_BUNDLE_DIR, LAB_DIGEST_AT_BUILD};
use std::collections::BTreeSet;
use std::path::Path;

fn files_under(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_str().unwrap());
        if entry.file_type().unwrap().is_dir() {
            files_under(&entry.path(), &format!("{name}/"), out);
        } else {
            out.insert(name);
        }
    }
}

#[test]
fn build_rs_and_include_spec_agree() {
    assert_eq!(LAB.digest, LAB_DIGEST_AT_BUILD);
    let mut on_disk = BTreeSet::new();
    files_under(Path::new(LAB_BUNDLE_DIR), "", &mut on_disk);
    let embedded: BTreeSet<String> = LAB.paths().map(str::to_string).collect();
    assert_eq!(on_disk, embedded);
    for f in LAB.files {
        let written = std::fs::read_to_string(Path::new(LAB_BUNDLE_DIR).join(f.path)).unwrap();
        assert_eq!(written, f.contents, "{} differs", f.path);
    }
}

#[test]
fn the_bundle_has_the_pacemaker_config_and_a_manifest() {
    assert_eq!(LAB.release, "2024.1");
    for path in ["MANIFEST.json", "pacemaker/glance-api.crm"] {
        assert!(
            LAB.get(path).is_some(),
            "{path} missing; the bundle has {:?}",
            LAB.paths().collect::<Vec<_>>()
        );
    }
}

#[test]
fn no_secret_value_is_embedded() {
    assert!(LAB.files.iter().all(|f| !f.sensitive));
    for f in LAB.files {
        assert!(!f.contents.contains("GLANCE_DB_PASSWORD="), "{}", f.path);
    }
}
