//! Conformance with the real tools, for every example (and, for the ini
//! files, every release with option data):
//! - the crm script loads into an offline CIB with crmsh and `crm_verify
//!   -VV` stays silent; the pcs script builds the same CIB with `pcs -f`
//!   (tests/support/pcmk-check.sh);
//! - the shell scripts are shellcheck-clean;
//! - glance-api.conf passes oslo-config-validator for its release.
//!
//! Missing tools skip loudly; with GLHA_REQUIRE_TOOLS=1 (CI) they fail.

mod common;

use camino::Utf8PathBuf;
use glha::Release;
use std::process::Command;

fn build(
    spec: &camino::Utf8Path,
    release: Option<Release>,
) -> (tempfile::TempDir, Utf8PathBuf, glha::Compilation) {
    let opts = glha::Options {
        release,
        ..Default::default()
    };
    let comp = common::compile(spec, &opts);
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8PathBuf::from_path_buf(tmp.path().join("bundle")).unwrap();
    comp.bundle.as_ref().unwrap().write_to(&dir).unwrap();
    (tmp, dir, comp)
}

fn stub_agent() {
    // The stub agent lives where crmsh and pcs look for agents; installing
    // it needs root, which CI has. Without it crmsh cannot validate.
    if !std::path::Path::new("/usr/lib/ocf/resource.d/openstack/glance-api").exists() {
        common::run_ok(
            Command::new("bash").arg(common::root().join("tests/support/install-stub-agent.sh")),
            "install-stub-agent.sh",
        );
    }
}

#[test]
fn pacemaker_scripts_load_and_verify_with_crmsh_and_pcs() {
    if !(common::tool("crm") && common::tool("pcs") && common::tool("crm_verify")) {
        return;
    }
    stub_agent();
    for spec in common::examples() {
        let (_t, dir, _) = build(&spec, None);
        let nodes = node_names(&spec);
        stand_in_for_systemd(&dir);
        let out = common::run_ok(
            Command::new("bash")
                .arg(common::root().join("tests/support/pcmk-check.sh"))
                .arg(dir.join("pacemaker/glance-api.crm"))
                .arg(dir.join("pacemaker/glance-api.pcs.sh"))
                .env("PCMK_NODES", nodes.join(" ")),
            &format!("pcmk-check on {spec}"),
        );
        assert!(out.contains("PASS"), "{spec}: {out}");
    }
}

/// Pacemaker reads a systemd unit's metadata from systemd over D-Bus; CI
/// and this test run without systemd, so crmsh and pcs cannot see any unit.
/// The systemd resources are therefore checked as OCF stand-ins with the
/// same (empty) parameter set: everything else (ids, ops, meta, groups,
/// constraints, fencing) is still verified by the real tools.
fn stand_in_for_systemd(dir: &camino::Utf8Path) {
    for script in ["pacemaker/glance-api.crm", "pacemaker/glance-api.pcs.sh"] {
        let path = dir.join(script);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut units: Vec<String> = Vec::new();
        for word in text.split(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
            if let Some(unit) = word.strip_prefix("systemd:") {
                if !units.iter().any(|u| u == unit) {
                    units.push(unit.to_string());
                }
            }
        }
        if units.is_empty() {
            continue;
        }
        eprintln!(
            "NOTE: {script}: systemd units {units:?} checked as OCF stand-ins (no systemd here)"
        );
        let mut text = text;
        for unit in &units {
            let agent = std::path::Path::new("/usr/lib/ocf/resource.d/glha-test").join(unit);
            std::fs::create_dir_all(agent.parent().unwrap()).unwrap();
            let body = format!(
                "#!/bin/sh\n# glha test stand-in for systemd:{unit}\n[ \"$1\" = meta-data ] || exit 3\ncat <<'END'\n<?xml version=\"1.0\"?>\n<resource-agent name=\"{unit}\"><version>1.0</version><longdesc lang=\"en\">stand-in</longdesc><shortdesc lang=\"en\">stand-in</shortdesc><parameters/><actions><action name=\"start\" timeout=\"100s\"/><action name=\"stop\" timeout=\"100s\"/><action name=\"monitor\" timeout=\"100s\" interval=\"60s\"/><action name=\"meta-data\" timeout=\"5s\"/></actions></resource-agent>\nEND\n"
            );
            std::fs::write(&agent, body).unwrap();
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&agent, std::fs::Permissions::from_mode(0o755)).unwrap();
            text = text.replace(&format!("systemd:{unit}"), &format!("ocf:glha-test:{unit}"));
        }
        std::fs::write(&path, text).unwrap();
    }
}

/// The node names of a spec (`node NAME {`), for the base CIB.
fn node_names(spec: &camino::Utf8Path) -> Vec<String> {
    let text = std::fs::read_to_string(spec).unwrap();
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("node "))
        .filter_map(|l| l.split_whitespace().next().map(str::to_string))
        .collect()
}

#[test]
fn shell_scripts_are_shellcheck_clean() {
    if !common::tool("shellcheck") {
        return;
    }
    for spec in common::examples() {
        let (_t, dir, _) = build(&spec, None);
        for script in ["keystone/endpoints.sh", "pacemaker/glance-api.pcs.sh"] {
            common::run_ok(
                Command::new("shellcheck")
                    .args(["-s", "sh"])
                    .arg(dir.join(script)),
                &format!("shellcheck {script} of {spec}"),
            );
        }
    }
}

#[test]
fn glance_api_conf_passes_oslo_config_validator_for_every_release_with_data() {
    if !common::tool("/usr/bin/oslo-config-validator") {
        return;
    }
    let mut checked = 0;
    for (release, data) in glha::release::settings::data_releases("glance-api") {
        for spec in common::examples() {
            let opts = glha::Options {
                release: Some(release),
                ..Default::default()
            };
            let comp = glha::compile_file(&spec, &opts).unwrap();
            if comp.diagnostics.has_errors() {
                // Not valid for this release (e.g. a /v2.0 auth URL after Pike).
                continue;
            }
            let (_t, dir, comp) = build(&spec, Some(release));
            // One file for every node, or one per node in active/active.
            let plan = comp.plan.as_ref().unwrap();
            let confs: Vec<String> = plan
                .ini
                .iter()
                .filter(|f| f.service == "glance-api")
                .map(glha::emit::ini::bundle_path)
                .collect();
            assert!(!confs.is_empty(), "{spec}: no glance-api.conf");
            for conf in confs {
                common::run_ok(
                    Command::new("bash")
                        .arg(common::root().join("tests/support/oslo-check.sh"))
                        .arg(
                            common::root()
                                .join("tests/data/openstack-options")
                                .join(data),
                        )
                        .arg(dir.join(&conf))
                        .arg("--fatal-warnings"),
                    &format!("oslo-config-validator {release} on {conf} of {spec}"),
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 11,
        "only {checked} release/example pairs validated"
    );
}

/// A fake `openstack` that keeps the catalog in files under $FAKE_STATE and
/// logs every call: enough of the CLI for keystone/endpoints.sh.
const FAKE_OPENSTACK: &str = r#"#!/bin/sh
set -eu
echo "$*" >> "$FAKE_STATE/calls"
case "$1 $2" in
"service show") [ -e "$FAKE_STATE/service-$3" ] ;;
"service create") touch "$FAKE_STATE/service-$4" ;; # service create --name NAME ...
"endpoint list")
    # endpoint list --service T --interface I --region R -f value -c ID -c URL
    f="$FAKE_STATE/ep-$6-$8"; [ ! -e "$f" ] || cat "$f" ;;
"endpoint create")
    # endpoint create --region R TYPE INTERFACE URL
    n=$(cat "$FAKE_STATE"/ep-* 2>/dev/null | wc -l)
    echo "id$n $7" >> "$FAKE_STATE/ep-$6-$4" ;;
"endpoint set")
    # endpoint set --url URL ID
    for f in "$FAKE_STATE"/ep-*; do sed -i "s|^$5 .*|$5 $4|" "$f"; done ;;
*) echo "fake openstack: unexpected: $*" >&2; exit 2 ;;
esac
"#;

#[test]
fn endpoint_scripts_make_exactly_the_intended_calls_and_are_idempotent() {
    if !common::tool("sh") {
        return;
    }
    for spec in common::examples() {
        let (tmp, dir, comp) = build(&spec, None);
        let catalog = comp.plan.as_ref().unwrap().catalog.clone().unwrap();
        let bin = tmp.path().join("bin");
        let state = tmp.path().join("state");
        std::fs::create_dir_all(&bin).unwrap();
        std::fs::create_dir_all(&state).unwrap();
        std::fs::write(bin.join("openstack"), FAKE_OPENSTACK).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            bin.join("openstack"),
            std::fs::Permissions::from_mode(0o755),
        )
        .unwrap();
        let path = format!(
            "{}:{}",
            bin.display(),
            std::env::var("PATH").unwrap_or_default()
        );
        let run = || {
            common::run_ok(
                Command::new("sh")
                    .arg(dir.join("keystone/endpoints.sh"))
                    .env("PATH", &path)
                    .env("FAKE_STATE", &state),
                &format!("endpoints.sh of {spec}"),
            )
        };
        run();
        let calls = std::fs::read_to_string(state.join("calls")).unwrap();
        let creates: Vec<&str> = calls
            .lines()
            .filter(|l| l.starts_with("endpoint create"))
            .collect();
        let want: Vec<String> = catalog
            .endpoints
            .iter()
            .map(|(i, url)| {
                format!(
                    "endpoint create --region {} image {i} {url}",
                    catalog.region
                )
            })
            .collect();
        assert_eq!(creates, want, "{spec}: first run");
        assert_eq!(
            calls
                .lines()
                .filter(|l| l.starts_with("service create"))
                .count(),
            1,
            "{spec}: {calls}"
        );
        // A second run changes nothing.
        std::fs::write(state.join("calls"), "").unwrap();
        run();
        let again = std::fs::read_to_string(state.join("calls")).unwrap();
        assert!(
            again
                .lines()
                .all(|l| l.starts_with("service show") || l.starts_with("endpoint list")),
            "{spec}: second run changed the catalog:\n{again}"
        );
        // A stale URL is corrected in place, not duplicated.
        let (iface, url) = &catalog.endpoints[0];
        let f = state.join(format!("ep-{iface}-{}", catalog.region));
        let text = std::fs::read_to_string(&f)
            .unwrap()
            .replace(url.as_str(), "http://stale.invalid:9292");
        std::fs::write(&f, text).unwrap();
        std::fs::write(state.join("calls"), "").unwrap();
        run();
        let fix = std::fs::read_to_string(state.join("calls")).unwrap();
        let changes: Vec<&str> = fix
            .lines()
            .filter(|l| !l.starts_with("service show") && !l.starts_with("endpoint list"))
            .collect();
        assert_eq!(changes.len(), 1, "{spec}: {fix}");
        assert!(
            changes[0].starts_with("endpoint set --url ") && changes[0].contains(url.as_str()),
            "{spec}: {fix}"
        );
    }
}

/// Active/active bundles hold HAProxy's `listen` section (only the section:
/// the operator merges it into haproxy.cfg). Wrapped in a minimal `global`
/// and `defaults`, `haproxy -c` must accept it without a warning. It only
/// parses: the VIP need not be an address of this machine.
#[test]
fn haproxy_section_passes_haproxy_c() {
    if !common::tool("haproxy") {
        return;
    }
    let mut specs = common::examples();
    let mut cases: Vec<Utf8PathBuf> = std::fs::read_dir(common::root().join("tests/cases"))
        .unwrap()
        .filter_map(|e| Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
        .filter(|p| p.file_name().is_some_and(|n| n.starts_with("ok-")))
        .collect();
    cases.sort();
    specs.extend(cases);
    let mut checked = Vec::new();
    for spec in specs {
        let (t, dir, comp) = build(&spec, None);
        let Some(b) = comp.plan.as_ref().unwrap().balancer.as_ref() else {
            continue;
        };
        let section =
            std::fs::read_to_string(dir.join(glha::emit::ini::files_path(None, &b.target)))
                .unwrap();
        let cfg = t.path().join("haproxy.cfg");
        std::fs::write(
            &cfg,
            format!(
                "global\n    log stdout local0\n\ndefaults\n    log global\n    mode http\n    \
                 timeout connect 5s\n    timeout client 60s\n    timeout server 60s\n\n{section}"
            ),
        )
        .unwrap();
        let out = common::run_ok(
            Command::new("haproxy").arg("-c").arg("-f").arg(&cfg),
            &format!("haproxy -c on the section of {spec}"),
        );
        assert!(
            out.contains("Configuration file is valid")
                && !out.contains("[WARNING]")
                && !out.contains("[ALERT]"),
            "{spec}: haproxy -c said:\n{out}"
        );
        eprintln!("haproxy -c {spec}: {}", out.trim());
        checked.push(spec);
    }
    assert!(
        checked
            .iter()
            .any(|s| s.ends_with("examples/active-active.glha")),
        "no active/active example checked: {checked:?}"
    );
}
