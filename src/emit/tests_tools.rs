//! Tests of the emitted files with the real tools: sh, shellcheck, crmsh,
//! pcs, crm_verify. Each skips loudly when its tool is missing, and fails
//! instead when GLHA_REQUIRE_TOOLS=1.

use super::testplan::seed;
use super::*;
use crate::plan::{Op, Primitive, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

fn which(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .chain(["/usr/sbin".into(), "/sbin".into()])
        .map(|d| d.join(tool))
        .find(|p| p.is_file())
}

/// Whether every tool is there; if not, skips loudly (or fails when required).
fn have(test: &str, tools: &[&str]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .copied()
        .filter(|t| which(t).is_none())
        .collect();
    if missing.is_empty() {
        return true;
    }
    let msg = format!("SKIPPED {test}: missing {}", missing.join(", "));
    if std::env::var("GLHA_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("{msg} (GLHA_REQUIRE_TOOLS=1)");
    }
    eprintln!("{msg}");
    false
}

fn have_file(test: &str, path: &str) -> bool {
    if Path::new(path).exists() {
        return true;
    }
    let msg = format!("SKIPPED {test}: {path} is missing (tests/support/install-stub-agent.sh)");
    if std::env::var("GLHA_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("{msg} (GLHA_REQUIRE_TOOLS=1)");
    }
    eprintln!("{msg}");
    false
}

/// Runs a command; returns (success, stdout+stderr).
fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.stdin(Stdio::null()).output().expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), crate::diff::strip_ansi(&text))
}

fn shellcheck(path: &Path) {
    let (ok, out) = run(Command::new("shellcheck").arg("-s").arg("sh").arg(path));
    assert!(
        ok && out.is_empty(),
        "shellcheck {}:\n{out}",
        path.display()
    );
}

#[test]
fn scripts_are_shellcheck_clean() {
    if !have("scripts_are_shellcheck_clean", &["shellcheck"]) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for plan in [seed(), super::testplan::cloned()] {
        let b = emit(&plan, &EmitOptions::default(), "x").unwrap();
        for p in [PCS_PATH, ENDPOINTS_PATH] {
            let path = dir.path().join("s.sh");
            std::fs::write(&path, b.get(p).unwrap()).unwrap();
            shellcheck(&path);
        }
    }
}

// keystone/endpoints.sh's behaviour is tested against a fake `openstack`
// in tests/conformance.rs, for every example and against the
// reconciliation policy.

fn base_cib(dir: &Path) -> PathBuf {
    let cib = dir.join("base.xml");
    let out = Command::new("cibadmin").arg("--empty").output().unwrap();
    assert!(out.status.success());
    std::fs::write(&cib, out.stdout).unwrap();
    for args in [
        vec!["--modify", "--xml-text", r#"<cib have-quorum="1"/>"#],
        vec![
            "--create",
            "-o",
            "nodes",
            "--xml-text",
            r#"<node id="1" uname="node1"/>"#,
        ],
        vec![
            "--create",
            "-o",
            "status",
            "--xml-text",
            r#"<node_state id="1" uname="node1" in_ccm="true" crmd="online" join="member" expected="member"/>"#,
        ],
        vec![
            "--create",
            "-o",
            "resources",
            "--xml-text",
            r#"<primitive id="st-null" class="stonith" type="null"><instance_attributes id="st-null-ia"><nvpair id="st-null-hostlist" name="hostlist" value="node1"/></instance_attributes></primitive>"#,
        ],
    ] {
        let (ok, out) = run(Command::new("cibadmin").args(&args).env("CIB_file", &cib));
        assert!(ok, "cibadmin {args:?}: {out}");
    }
    cib
}

fn crm_load(cib: &Path, script: &str) -> (bool, String) {
    let mut child = Command::new("crm")
        .arg("configure")
        .env("CIB_file", cib)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), crate::diff::strip_ansi(&text))
}

fn crm_verify(cib: &Path) {
    let (ok, out) = run(Command::new("crm_verify").arg("-VV").arg("-x").arg(cib));
    assert!(ok && out.is_empty(), "crm_verify: {out}");
}

#[test]
fn crmsh_round_trips_special_characters() {
    let t = "crmsh_round_trips_special_characters";
    if !have(t, &["crm", "cibadmin", "crm_resource"]) {
        return;
    }
    let value = "a\"b'c\\d$(x)`e f#g";
    assert_eq!(crm_unrepresentable(value), None);
    let mut plan = seed();
    plan.pacemaker = Default::default();
    plan.pacemaker.primitives.push(Primitive {
        id: "p_x".into(),
        agent: "ocf:heartbeat:Dummy".parse().unwrap(),
        params: vec![("fake".into(), Value::plain(value))],
        meta: vec![("target-role".into(), "Stopped".into())],
        ops: vec![Op {
            name: "monitor".into(),
            interval: "30s".parse().unwrap(),
            timeout: Some("20s".parse().unwrap()),
        }],
    });
    let b = emit(&plan, &EmitOptions::default(), "x").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cib = base_cib(dir.path());
    let (ok, out) = crm_load(&cib, b.get(CRM_PATH).unwrap());
    assert!(ok && out.is_empty(), "crm configure:\n{out}");
    let got = Command::new("crm_resource")
        .args(["--resource", "p_x", "--get-parameter", "fake"])
        .env("CIB_file", &cib)
        .output()
        .unwrap();
    assert!(got.status.success());
    assert_eq!(
        String::from_utf8_lossy(&got.stdout).trim_end_matches('\n'),
        value
    );
}

/// The seed plan with the fencing device swapped for one installed here.
fn seed_for_this_machine() -> crate::plan::Plan {
    let mut plan = seed();
    let st = &mut plan.pacemaker.primitives[2];
    st.agent = "stonith:null".parse().unwrap();
    st.params = vec![("hostlist".into(), Value::plain("node1"))];
    plan.pacemaker.locations[0].node = "node1".into();
    plan
}

#[test]
fn crm_script_loads_silently_and_verifies() {
    let t = "crm_script_loads_silently_and_verifies";
    if !have(t, &["crm", "cibadmin", "crm_verify"])
        || !have_file(t, "/usr/lib/ocf/resource.d/openstack/glance-api")
    {
        return;
    }
    let plan = seed_for_this_machine();
    let b = emit(&plan, &EmitOptions::default(), "x").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cib = base_cib(dir.path());
    let (ok, out) = crm_load(&cib, b.get(CRM_PATH).unwrap());
    assert!(ok && out.is_empty(), "crm configure:\n{out}");
    crm_verify(&cib);
    // Re-applying with `load update` (as APPLY.md says) changes nothing.
    let show = |cib: &Path| {
        run(Command::new("crm")
            .args(["configure", "show"])
            .env("CIB_file", cib))
        .1
    };
    let before = show(&cib);
    assert!(before.contains("primitive p_glance-api"), "{before}");
    let load = dir.path().join("load.crm");
    let text = b.get(CRM_PATH).unwrap().replace("\ncommit\n", "\n");
    std::fs::write(&load, text).unwrap();
    let (ok, out) = run(Command::new("crm")
        .args(["configure", "load", "update"])
        .arg(&load)
        .env("CIB_file", &cib));
    assert!(ok && out.is_empty(), "crm configure load update:\n{out}");
    assert_eq!(show(&cib), before);
    crm_verify(&cib);
    // And the cloned shape too.
    let mut c = super::testplan::cloned();
    c.pacemaker.primitives[2] = plan.pacemaker.primitives[2].clone();
    c.pacemaker.locations[0].node = "node1".into();
    c.pacemaker.primitives[1].agent = "ocf:heartbeat:Dummy".parse().unwrap();
    let cb = emit(&c, &EmitOptions::default(), "x").unwrap();
    let fresh = tempfile::tempdir().unwrap();
    let cib2 = base_cib(fresh.path());
    let (ok, out) = crm_load(&cib2, cb.get(CRM_PATH).unwrap());
    assert!(ok && out.is_empty(), "crm configure (cloned):\n{out}");
    crm_verify(&cib2);
}

#[test]
fn pcs_script_builds_the_same_configuration() {
    let t = "pcs_script_builds_the_same_configuration";
    if !have(t, &["pcs", "sh", "cibadmin", "crm_verify", "crm"])
        || !have_file(t, "/usr/lib/ocf/resource.d/openstack/glance-api")
    {
        return;
    }
    let plan = seed_for_this_machine();
    let b = emit(&plan, &EmitOptions::default(), "x").unwrap();
    let dir = tempfile::tempdir().unwrap();
    let cib = base_cib(dir.path());
    let script = dir.path().join("pcs.sh");
    std::fs::write(&script, b.get(PCS_PATH).unwrap()).unwrap();
    let (ok, out) = run(Command::new("sh").arg(&script).arg("-f").arg(&cib));
    assert!(ok, "pcs script:\n{out}");
    for line in out.lines() {
        // Offline, pcs cannot check that a node exists, and says so.
        assert!(
            line.contains("Validation for node existence in the cluster will be skipped")
                || line == "CIB updated",
            "pcs said: {line}"
        );
    }
    crm_verify(&cib);
    let crm_dir = tempfile::tempdir().unwrap();
    let crm_cib = base_cib(crm_dir.path());
    let (ok, out) = crm_load(&crm_cib, b.get(CRM_PATH).unwrap());
    assert!(ok && out.is_empty(), "{out}");
    let show = |cib: &Path| {
        let (_, s) = run(Command::new("crm")
            .args(["configure", "show"])
            .env("CIB_file", cib));
        let mut lines: Vec<String> = s
            .lines()
            .map(|l| l.trim().trim_end_matches('\\').trim().replace('"', ""))
            .flat_map(|l| l.split(' ').map(String::from).collect::<Vec<_>>())
            .collect();
        lines.sort();
        lines
    };
    assert_eq!(show(&cib), show(&crm_cib));
}
