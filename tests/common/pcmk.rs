//! Offline CIBs for tests that load configurations with the real tools
//! (crmsh, pcs, cibadmin): a base CIB that a sane configuration leaves
//! silent, loaders, and a stand-in for systemd units, which Pacemaker
//! cannot see without systemd.

use glha::plan::{AgentClass, AgentRef, Plan};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Whether every tool is installed (skipping loudly, failing in CI; see
/// [`super::tool`]), and the stub glance-api agent too.
pub fn tools_present() -> bool {
    ["crm", "cibadmin", "crm_verify", "crm_diff", "pcs"]
        .iter()
        .all(|t| super::tool(t))
        && stub_agent()
}

fn stub_agent() -> bool {
    // The stub lives where crmsh and pcs look for agents; installing it
    // needs root, which CI has.
    if !Path::new("/usr/lib/ocf/resource.d/openstack/glance-api").exists() {
        super::run_ok(
            Command::new("bash").arg(super::root().join("tests/support/install-stub-agent.sh")),
            "install-stub-agent.sh",
        );
    }
    true
}

/// Runs a command without stdin; whether it succeeded and its output
/// (ANSI colour stripped).
pub fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.stdin(Stdio::null()).output().expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), glha::diff::strip_ansi(&text))
}

/// Runs a command with `CIB_file` set; panics with its output unless it
/// succeeds. Returns stdout.
pub fn on_cib(cib: &Path, program: &str, args: &[&str]) -> String {
    let out = Command::new(program)
        .args(args)
        .env("CIB_file", cib)
        .stdin(Stdio::null())
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{program} {args:?} on {}: {}{}",
        cib.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A CIB with `nodes` online and fenced by one `stonith:null` device, at
/// `dir/NAME`.
pub fn base_cib(dir: &Path, name: &str, nodes: &[String]) -> PathBuf {
    let cib = nodes_cib(dir, name, nodes);
    let c = |args: &[&str]| {
        on_cib(&cib, "cibadmin", args);
    };
    c(&["--create", "-o", "resources", "--xml-text", &format!(
        "<primitive id=\"st-null\" class=\"stonith\" type=\"null\"><instance_attributes id=\"st-null-ia\"><nvpair id=\"st-null-hostlist\" name=\"hostlist\" value=\"{}\"/></instance_attributes></primitive>",
        nodes.join(" ")
    )]);
    cib
}

/// A CIB with `nodes` online (quorate) and nothing else, at `dir/NAME`.
pub fn nodes_cib(dir: &Path, name: &str, nodes: &[String]) -> PathBuf {
    let cib = dir.join(name);
    let empty = Command::new("cibadmin")
        .arg("--empty")
        .output()
        .expect("cibadmin runs");
    assert!(empty.status.success());
    std::fs::write(&cib, empty.stdout).unwrap();
    let c = |args: &[&str]| {
        on_cib(&cib, "cibadmin", args);
    };
    c(&["--modify", "--xml-text", "<cib have-quorum=\"1\"/>"]);
    for (i, n) in nodes.iter().enumerate() {
        let id = i + 1;
        c(&[
            "--create",
            "-o",
            "nodes",
            "--xml-text",
            &format!("<node id=\"{id}\" uname=\"{n}\"/>"),
        ]);
        c(&["--create", "-o", "status", "--xml-text", &format!(
            "<node_state id=\"{id}\" uname=\"{n}\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"/>"
        )]);
    }
    cib
}

/// `crm configure < script` on `cib`; crmsh must exit 0 and print nothing
/// (it goes on after a bad line).
pub fn crm_load(cib: &Path, script: &str) {
    crm_load_allowing(cib, script, &[]);
}

/// [`crm_load`], where crmsh may print lines that contain one of
/// `allowed` (a warning the configuration deliberately causes, such as
/// Pacemaker's about a cluster without fencing).
pub fn crm_load_allowing(cib: &Path, script: &str, allowed: &[&str]) {
    let mut child = Command::new("crm")
        .arg("configure")
        .env("CIB_file", cib)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("crm runs");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(script.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = glha::diff::strip_ansi(&format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    ));
    let unexpected = text
        .lines()
        .any(|l| !l.trim().is_empty() && !allowed.iter().any(|a| l.contains(a)));
    assert!(
        out.status.success() && !unexpected,
        "crm configure:\n{text}"
    );
}

/// Runs a pcs script against `cib` (`pcs -f`); it must succeed and pcs
/// may only say that offline it cannot check that nodes exist.
pub fn pcs_load(cib: &Path, dir: &Path, script: &str) {
    let path = dir.join("load.pcs.sh");
    std::fs::write(&path, script).unwrap();
    let (ok, out) = run(Command::new("sh").arg(&path).arg("-f").arg(cib));
    assert!(ok, "pcs script:\n{out}");
    for line in out.lines() {
        assert!(
            line.contains("Validation for node existence in the cluster will be skipped")
                || line.starts_with("Adding ")
                || line == "CIB updated"
                || line.trim().is_empty(),
            "pcs said: {line}"
        );
    }
}

/// `crm_verify -VV` must print nothing (its exit status alone hides
/// warnings).
pub fn verify(cib: &Path) {
    let (ok, out) = run(Command::new("crm_verify").arg("-VV").arg("-x").arg(cib));
    assert!(ok && out.is_empty(), "crm_verify {}: {out}", cib.display());
}

/// The node names of a spec (`node NAME {`).
pub fn node_names(spec_text: &str) -> Vec<String> {
    spec_text
        .lines()
        .filter_map(|l| l.trim().strip_prefix("node "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

/// Swaps every systemd agent of `plan` for an OCF stand-in with the same
/// (empty) parameter set, installed under `ocf:glha-rt:UNIT` (a provider of its own, so the
/// conformance test, which writes its stand-ins concurrently, is not in the way): crmsh and
/// pcs read a systemd unit's metadata from systemd over D-Bus, which tests
/// run without. Everything else about the resources stays as planned.
pub fn stand_in_for_systemd(plan: &mut Plan) {
    for p in &mut plan.pacemaker.primitives {
        if p.agent.class != AgentClass::Systemd {
            continue;
        }
        let unit = p.agent.kind.clone();
        let agent = Path::new("/usr/lib/ocf/resource.d/glha-rt").join(&unit);
        std::fs::create_dir_all(agent.parent().unwrap()).unwrap();
        let body = format!(
            "#!/bin/sh\n# glha test stand-in for systemd:{unit}\n[ \"$1\" = meta-data ] || exit 3\ncat <<'END'\n<?xml version=\"1.0\"?>\n<resource-agent name=\"{unit}\"><version>1.0</version><longdesc lang=\"en\">stand-in</longdesc><shortdesc lang=\"en\">stand-in</shortdesc><parameters/><actions><action name=\"start\" timeout=\"100s\"/><action name=\"stop\" timeout=\"100s\"/><action name=\"monitor\" timeout=\"100s\" interval=\"60s\"/><action name=\"meta-data\" timeout=\"5s\"/></actions></resource-agent>\nEND\n"
        );
        // Written whole and renamed, so a concurrent test never runs half
        // a script.
        let tmp = agent.with_extension(format!("tmp{}", std::process::id()));
        std::fs::write(&tmp, body).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755)).unwrap();
        std::fs::rename(&tmp, &agent).unwrap();
        p.agent = AgentRef::ocf("glha-rt", &unit);
    }
}
