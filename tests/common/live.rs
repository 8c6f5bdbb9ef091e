//! A live system for `glhac diff` and `glhac apply` tests: specs derived
//! from the seed, settled offline CIBs (with a status section, as
//! `cibadmin -Q` of a running cluster has), a file tree, and a stand-in
//! `openstack` that records its calls.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Runs glhac in `cwd` with extra environment, without colour.
pub fn glhac(args: &[&str], cwd: &Path, env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_glhac"));
    cmd.args(args).current_dir(cwd).env("NO_COLOR", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("glhac runs")
}

/// stdout and stderr.
pub fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// The exit code; panics (with the output) if a signal ended it.
pub fn code(o: &Output) -> i32 {
    o.status
        .code()
        .unwrap_or_else(|| panic!("killed: {}", text(o)))
}

/// The seed spec with each `(from, to)` replaced once, at `dir/name`.
pub fn seed_variant(dir: &Path, name: &str, edits: &[(&str, &str)]) -> PathBuf {
    let mut spec = std::fs::read_to_string(super::root().join("examples/seed.glha")).unwrap();
    for (from, to) in edits {
        assert!(spec.contains(from), "the seed has no `{from}`");
        spec = spec.replacen(from, to, 1);
    }
    let path = dir.join(name);
    std::fs::write(&path, spec).unwrap();
    path
}

/// A settled CIB at `dir/NAME.xml`: the seed's two nodes, online, fenced
/// by `stonith:null`, with `spec`'s Pacemaker configuration loaded by
/// crmsh (none when `None`), and the status section crm_simulate leaves
/// once the cluster has run the transition. `env` is given to
/// `glhac build` (secrets for `--embed-secrets`).
pub fn settled_cib(dir: &Path, name: &str, spec: Option<&Path>, env: &[(&str, &str)]) -> PathBuf {
    let nodes = ["controller1".to_string(), "controller2".to_string()];
    let raw = super::pcmk::base_cib(dir, &format!("{name}-raw.xml"), &nodes);
    if let Some(spec) = spec {
        let out = dir.join(format!("{name}-bundle"));
        let mut args = vec!["build", spec.to_str().unwrap(), "-o", out.to_str().unwrap()];
        if !env.is_empty() {
            args.push("--embed-secrets");
        }
        let o = glhac(&args, dir, env);
        assert_eq!(code(&o), 0, "{}", text(&o));
        let crm = std::fs::read_to_string(out.join("pacemaker/glance-api.crm")).unwrap();
        super::pcmk::crm_load(&raw, &crm);
    }
    let settled = dir.join(format!("{name}.xml"));
    super::run_ok(
        Command::new("crm_simulate")
            .arg("--simulate")
            .arg("--xml-file")
            .arg(&raw)
            .arg("--save-output")
            .arg(&settled),
        "crm_simulate --save-output",
    );
    settled
}

/// Whether crm_simulate, cibadmin, crm_diff and crmsh are here (skipping
/// loudly, failing in CI).
pub fn pacemaker_tools() -> bool {
    ["crm_simulate", "crm_diff"].iter().all(|t| super::tool(t)) && super::pcmk::tools_present()
}

/// A file tree with the seed bundle's glance-api.conf and nova.conf, both
/// then edited so that the plan changes each (bind_host, api_servers).
pub fn seeded_root(dir: &Path) -> PathBuf {
    let spec = super::root().join("examples/seed.glha");
    let bundle = dir.join("seed-bundle");
    let o = glhac(
        &["build", spec.as_str(), "-o", bundle.to_str().unwrap()],
        dir,
        &[],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    let root = dir.join("root");
    for (f, from, to) in [
        (
            "etc/glance/glance-api.conf",
            "bind_host = 10.0.0.11",
            "bind_host = 10.0.0.99",
        ),
        (
            "etc/nova/nova.conf",
            "api_servers = http://10.0.0.11:9292",
            "api_servers = http://10.0.0.99:9292",
        ),
    ] {
        let p = root.join(f);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        let live = std::fs::read_to_string(bundle.join("files").join(f)).unwrap();
        assert!(live.contains(from), "{f} has no `{from}`");
        std::fs::write(&p, live.replace(from, to)).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o640)).unwrap();
    }
    root
}

/// Every file under `dir` (relative path, content, mode), sorted.
pub fn tree(dir: &Path) -> Vec<(PathBuf, Vec<u8>, u32)> {
    use std::os::unix::fs::PermissionsExt;
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let m = std::fs::symlink_metadata(&p).unwrap();
            if m.is_dir() {
                stack.push(p);
            } else {
                let rel = p.strip_prefix(dir).unwrap().to_path_buf();
                out.push((rel, std::fs::read(&p).unwrap(), m.permissions().mode()));
            }
        }
    }
    out.sort();
    out
}

/// A stand-in `openstack` in `dir/bin`: it appends each call's arguments
/// as one line to `$OS_LOG`, prints `$OS_ENDPOINTS` for `endpoint list`
/// and `$OS_SERVICES` for `service list`, and succeeds. Returns the PATH
/// to use (its directory first).
pub fn openstack_stand_in(dir: &Path) -> String {
    let bin = dir.join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let script = bin.join("openstack");
    std::fs::write(
        &script,
        r#"#!/bin/sh
printf '%s\n' "$*" >> "$OS_LOG"
case "$*" in
  "endpoint list -f json") cat "$OS_ENDPOINTS" ;;
  "service list -f json") cat "$OS_SERVICES" ;;
esac
"#,
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
    format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    )
}

/// One row of `openstack endpoint list -f json`.
pub fn endpoint(id: &str, interface: &str, url: &str) -> String {
    format!(
        r#"{{"ID": "{id}", "Region": "RegionOne", "Service Name": "glance", "Service Type": "image", "Enabled": true, "Interface": "{interface}", "URL": "{url}"}}"#
    )
}
