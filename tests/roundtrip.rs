//! Reader and serialisers agree, with the real tools: for every example
//! (and the active/active variant of each active/passive one that
//! compiles), the plan's Pacemaker configuration is loaded into an offline
//! CIB three ways — the crm script with crmsh, the pcs script with
//! `pcs -f`, the CIB XML serialiser's elements with `cibadmin --create` —
//! and each CIB, read back as `cibadmin -Q` XML and as `crm configure show`
//! text, diffs against the plan as "no changes". The XML loaded by cibadmin
//! is the same CIB crmsh makes (`crm_diff`), and the candidate CIB built
//! over either one verifies and changes nothing.
//!
//! Missing tools skip loudly; with GLHA_REQUIRE_TOOLS=1 (CI) they fail.

mod common;

use common::pcmk;
use glha::diff::{diff_with_secrets, ChangeKind, LiveInputs};
use glha::emit::cib;
use glha::plan::{Plan, SecretSource};
use glha::secret::SecretValues;
use glha::{EmitOptions, SecretMode};
use std::collections::BTreeMap;
use std::path::Path;

/// Each example, and its active/active variant when it is active/passive
/// and the variant compiles: (name, spec text).
fn specs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for spec in common::examples() {
        let text = std::fs::read_to_string(&spec).unwrap();
        let name = spec.file_stem().unwrap().to_string();
        if !text.contains("active_active") {
            let variant = active_active(&text);
            let c = glha::compile_str("variant.glha", &variant, &glha::Options::default());
            if !c.diagnostics.has_errors() {
                out.push((format!("{name} (active/active)"), variant));
            }
        }
        out.push((name, text));
    }
    out
}

/// The spec with `mode = active_active` as the service block's first item.
fn active_active(text: &str) -> String {
    let mut out = String::new();
    let mut done = false;
    for line in text.lines() {
        out.push_str(line);
        out.push('\n');
        if !done && line.starts_with("service ") && line.trim_end().ends_with('{') {
            out.push_str("  mode = active_active\n");
            done = true;
        }
    }
    out
}

/// The secret values a diff needs to compare what the bundle wrote: each
/// placeholder, and the literal values the bundle holds.
fn written_secrets(plan: &Plan) -> SecretValues {
    SecretValues::from_map(
        plan.secrets
            .iter()
            .map(|s| {
                let v = match &s.source {
                    SecretSource::Literal(v) => v.clone(),
                    _ => glha::secret::placeholder(&s.id),
                };
                (s.id.clone(), v)
            })
            .collect::<BTreeMap<_, _>>(),
    )
}

/// The live CIB read back both ways must diff as "no changes". crmsh's
/// text hides passwords (`******`): those, and only those, are unknown.
fn assert_no_changes(what: &str, plan: &Plan, cib_file: &Path, dir: &Path) {
    let secrets = written_secrets(plan);
    let xml = dir.join("read-back.xml");
    std::fs::write(&xml, pcmk::on_cib(cib_file, "cibadmin", &["-Q"])).unwrap();
    let show = dir.join("read-back.crm");
    std::fs::write(&show, pcmk::on_cib(cib_file, "crm", &["configure", "show"])).unwrap();
    for (form, file) in [("cibadmin -Q", &xml), ("crm configure show", &show)] {
        let live = LiveInputs {
            cib: Some(camino::Utf8PathBuf::from_path_buf(file.clone()).unwrap()),
            ..Default::default()
        };
        let report = diff_with_secrets(plan, &live, &secrets).unwrap();
        let changes = &report.pacemaker.changes;
        let unexpected: Vec<_> = changes
            .iter()
            .filter(|c| {
                c.kind != ChangeKind::Unknown
                    || form == "cibadmin -Q"
                    || !c.details.iter().all(|d| d.contains("hides its value"))
            })
            .collect();
        assert!(
            unexpected.is_empty(),
            "{what}, read back as {form}: {unexpected:#?}"
        );
    }
}

#[test]
fn every_example_loads_three_ways_and_reads_back_unchanged() {
    if !pcmk::tools_present() {
        return;
    }
    let mut checked = 0;
    for (name, text) in specs() {
        let c = glha::compile_str(&format!("{name}.glha"), &text, &glha::Options::default());
        assert!(!c.diagnostics.has_errors(), "{name} has errors");
        let mut plan = c.plan.unwrap();
        pcmk::stand_in_for_systemd(&mut plan);
        let bundle = glha::emit::emit(&plan, &EmitOptions::default(), "roundtrip").unwrap();
        let nodes = pcmk::node_names(&text);
        let tmp = tempfile::tempdir().unwrap();
        let dir = tmp.path();

        let crm_cib = pcmk::base_cib(dir, "crm.xml", &nodes);
        pcmk::crm_load(&crm_cib, bundle.get(glha::emit::CRM_PATH).unwrap());
        pcmk::verify(&crm_cib);
        assert_no_changes(&format!("{name}, crm script"), &plan, &crm_cib, dir);

        let pcs_cib = pcmk::base_cib(dir, "pcs.xml", &nodes);
        pcmk::pcs_load(&pcs_cib, dir, bundle.get(glha::emit::PCS_PATH).unwrap());
        pcmk::verify(&pcs_cib);
        assert_no_changes(&format!("{name}, pcs script"), &plan, &pcs_cib, dir);

        let xml_cib = pcmk::base_cib(dir, "cib.xml", &nodes);
        load_xml(&xml_cib, &plan);
        pcmk::verify(&xml_cib);
        assert_no_changes(&format!("{name}, CIB XML"), &plan, &xml_cib, dir);
        // Not just equivalent: the same CIB as crmsh makes, ids and all.
        let diff = configuration_diff(dir, &crm_cib, &xml_cib);
        assert!(
            diff.is_none(),
            "{name}: cibadmin of the XML and crmsh differ:\n{diff:?}"
        );

        // The candidate over the empty base verifies and is the plan; over
        // the loaded CIB it replaces every object by itself.
        for (over, file) in [("base", "candidate-base.xml"), ("crm", "candidate-crm.xml")] {
            let live_file = if over == "base" {
                pcmk::base_cib(dir, "base.xml", &nodes)
            } else {
                crm_cib.clone()
            };
            let live = std::fs::read_to_string(&live_file).unwrap();
            let cand = cib::candidate(&live, &plan, &SecretMode::Placeholder).unwrap();
            let cand_file = dir.join(file);
            std::fs::write(&cand_file, cand).unwrap();
            pcmk::verify(&cand_file);
            assert_no_changes(
                &format!("{name}, candidate over {over}"),
                &plan,
                &cand_file,
                dir,
            );
            let diff = configuration_diff(dir, &crm_cib, &cand_file);
            assert!(
                diff.is_none(),
                "{name}: candidate over {over} differs from crmsh's:\n{diff:?}"
            );
        }
        eprintln!("round trip: {name}: crm, pcs, XML and candidates agree");
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} specs checked");
}

/// What `crm_diff` finds between the configuration sections of two CIBs
/// (the whole documents differ in their version counters).
fn configuration_diff(dir: &Path, old: &Path, new: &Path) -> Option<String> {
    let conf = |cib: &Path, name: &str| {
        let path = dir.join(name);
        let text = pcmk::on_cib(cib, "cibadmin", &["-Q", "-o", "configuration"]);
        std::fs::write(&path, text).unwrap();
        path
    };
    let (a, b) = (conf(old, "old-conf.xml"), conf(new, "new-conf.xml"));
    let (same, out) = pcmk::run(
        std::process::Command::new("crm_diff")
            .arg("-o")
            .arg(&a)
            .arg("-n")
            .arg(&b),
    );
    (!same).then_some(out)
}

/// Loads the plan's objects as the XML serialiser writes them, one
/// `cibadmin --create` per top-level element.
fn load_xml(cib_file: &Path, plan: &Plan) {
    let sections = cib::sections(plan, &SecretMode::Placeholder).unwrap();
    let create = |section: &str, e: &glha::xml::Elem| {
        pcmk::on_cib(
            cib_file,
            "cibadmin",
            &["--create", "-o", section, "--xml-text", &e.to_xml()],
        );
    };
    if let Some(props) = &sections.crm_config {
        create("crm_config", props);
    }
    for e in &sections.resources {
        create("resources", e);
    }
    for e in &sections.constraints {
        create("constraints", e);
    }
}
