// The expansion initializes a static; the path is relative to this file.
static SPEC: glha::EmbeddedBundle = glha_macros::include_spec!("../specs/two-nodes.glha");

fn main() {
    assert_eq!(SPEC.spec, "../specs/two-nodes.glha");
    assert_eq!(SPEC.release, "2024.1");
    assert_eq!(SPEC.digest.len(), 64);
    assert_eq!(SPEC.glha_version, glha::embedded::COMPILER_VERSION);
    assert!(SPEC.warnings.is_empty(), "{:?}", SPEC.warnings);
    let paths: Vec<&str> = SPEC.paths().collect();
    let mut sorted = paths.clone();
    sorted.sort();
    assert_eq!(paths, sorted);
    let crm = SPEC.get("pacemaker/glance-api.crm").expect("crm script");
    assert!(crm.contains("IPaddr2"), "{crm}");
    // Secrets are placeholders: nothing embedded is sensitive.
    assert!(SPEC.files.iter().all(|f| !f.sensitive));
}
