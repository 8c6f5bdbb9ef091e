//! Conformance with the real tools, for every example (and, for the ini
//! files, every release with option data):
//! - the crm script loads into an offline CIB with crmsh and `crm_verify
//!   -VV` stays silent; the pcs script builds the same CIB with `pcs -f`
//!   (tests/support/pcmk-check.sh);
//! - the shell scripts are shellcheck-clean;
//! - glance-api.conf passes oslo-config-validator for its release, the image
//!   store's own sections each against its store type's option group of
//!   the same data (tests/support/oslo-check.sh --store-sections);
//! - glance-swift.conf reads back through the installed glance_store;
//! - nova.conf and cinder.conf pass it for Zed and 2025.2 (option dumps) and
//!   for Zed against Debian's installed python3-nova and python3-cinder;
//! - no written key is deprecated for removal unless the spec asked (W0203):
//!   the validator cannot see that flag;
//! - docs/release-table.md (settings × releases) is up to date.
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
    let mut specs = common::examples();
    // Active/passive with HAProxy after the store's mount and the VIPs.
    specs.push(common::root().join("tests/cases/ok-https-store-mount.glha"));
    // No `op` block: the advised monitor, in crm as in pcs.
    specs.push(common::root().join("tests/cases/ok-service-ops-advised.glha"));
    for spec in specs {
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
    // (release, section as GROUP) of every store section validated alone.
    let mut store_sections: Vec<String> = Vec::new();
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
                .filter(|f| f.service == glha::plan::ServiceKind::GlanceApi)
                .map(glha::emit::ini::bundle_path)
                .collect();
            assert!(!confs.is_empty(), "{spec}: no glance-api.conf");
            for conf in confs {
                let out = common::run_ok(
                    Command::new("bash")
                        .arg(common::root().join("tests/support/oslo-check.sh"))
                        .arg(
                            common::root()
                                .join("tests/data/openstack-options")
                                .join(data),
                        )
                        .arg(dir.join(&conf))
                        .arg("--fatal-warnings")
                        .arg("--store-sections"),
                    &format!("oslo-config-validator {release} on {conf} of {spec}"),
                );
                store_sections.extend(
                    out.lines()
                        .filter_map(|l| l.strip_prefix("oslo-check: store section "))
                        .map(|l| format!("{release} {}", l.trim_end_matches(": PASS"))),
                );
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 11,
        "only {checked} release/example pairs validated"
    );
    // Every store type's own section, and both reserved stores, were
    // validated against their groups in every multi-store release.
    for (release, _) in glha::release::settings::data_releases("glance-api") {
        if !glha::release::store::multi_store(release) {
            continue;
        }
        for want in [
            "[images] as [file]",
            "[images] as [glance.store.rbd.store]",
            "[images] as [glance.store.swift.store]",
            "[os_glance_staging_store] as [file]",
            "[os_glance_tasks_store] as [file]",
        ] {
            let want = format!("{release} {want}");
            assert!(
                store_sections.contains(&want),
                "not validated: {want}; validated: {store_sections:?}"
            );
        }
    }
}

/// A fake `openstack` that keeps the catalog in files under $FAKE_STATE
/// (`ep-INTERFACE-REGION`, one `ID ENABLED URL` line per endpoint, in the
/// column order the real client prints) and logs every call: enough of the
/// CLI for keystone/endpoints.sh.
const FAKE_OPENSTACK: &str = r#"#!/bin/sh
set -eu
echo "$*" >> "$FAKE_STATE/calls"
case "$1 $2" in
"service show")
    # service show NAME -f value -c id; FAKE_FAIL=service-show: unreachable.
    if [ "${FAKE_FAIL:-}" = service-show ]; then
        echo "Failed to discover available identity versions when contacting http://127.0.0.1:5000/v3." >&2
        exit 1
    fi
    [ -e "$FAKE_STATE/service-$3" ] ||
        { echo "No service with a type, name or ID of '$3' exists." >&2; exit 1; }
    echo "svc-$3" ;;
"service create") touch "$FAKE_STATE/service-$4" ;; # service create --name NAME ...
"endpoint list")
    # endpoint list --service T --interface I --region R -f value -c ID -c Enabled -c URL
    [ "$9 ${10} ${11} ${12} ${13} ${14} ${15} ${16}" = "-f value -c ID -c Enabled -c URL" ] ||
        { echo "fake openstack: unexpected columns: $*" >&2; exit 2; }
    f="$FAKE_STATE/ep-$6-$8"; [ ! -e "$f" ] || cat "$f" ;;
"endpoint create")
    # endpoint create --region R TYPE INTERFACE URL
    n=$(cat "$FAKE_STATE"/ep-* 2>/dev/null | wc -l)
    echo "id$n True $7" >> "$FAKE_STATE/ep-$6-$4" ;;
"endpoint set")
    # endpoint set [--url URL] [--enable] ID
    shift 2; url=''; enable=''
    while [ "$#" -gt 1 ]; do
        case "$1" in
        --url) url=$2; shift 2 ;;
        --enable) enable=1; shift ;;
        *) echo "fake openstack: unexpected: $1" >&2; exit 2 ;;
        esac
    done
    for f in "$FAKE_STATE"/ep-*; do
        while read -r id en u; do
            if [ "$id" = "$1" ]; then
                [ -z "$url" ] || u=$url
                [ -z "$enable" ] || en=True
            fi
            echo "$id $en $u"
        done < "$f" > "$f.new"
        mv "$f.new" "$f"
    done ;;
"endpoint delete")
    for f in "$FAKE_STATE"/ep-*; do
        grep -v "^$3 " "$f" > "$f.new" || true
        mv "$f.new" "$f"
    done ;;
*) echo "fake openstack: unexpected: $*" >&2; exit 2 ;;
esac
"#;

/// A directory with the fake `openstack` on a PATH, and its state.
struct FakeOpenstack {
    _tmp: tempfile::TempDir,
    path: String,
    state: std::path::PathBuf,
}

impl FakeOpenstack {
    fn new() -> Self {
        let tmp = tempfile::tempdir().unwrap();
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
        FakeOpenstack {
            _tmp: tmp,
            path,
            state,
        }
    }

    /// Runs endpoints.sh; returns the calls that change the catalog.
    fn run(&self, script: &std::path::Path, what: &str) -> Vec<String> {
        self.run_with_output(script, what).0
    }

    /// Runs endpoints.sh; returns the calls that change the catalog, and
    /// everything it printed.
    fn run_with_output(&self, script: &std::path::Path, what: &str) -> (Vec<String>, String) {
        std::fs::write(self.state.join("calls"), "").unwrap();
        let printed = common::run_ok(
            Command::new("sh")
                .arg(script)
                .env("PATH", &self.path)
                .env("FAKE_STATE", &self.state),
            what,
        );
        let calls = std::fs::read_to_string(self.state.join("calls"))
            .unwrap()
            .lines()
            .filter(|l| !l.starts_with("service show") && !l.starts_with("endpoint list"))
            .map(str::to_string)
            .collect();
        (calls, printed)
    }
}

#[test]
fn endpoint_scripts_make_exactly_the_intended_calls_and_are_idempotent() {
    if !common::tool("sh") {
        return;
    }
    for spec in common::examples() {
        let (_tmp, dir, comp) = build(&spec, None);
        let catalog = comp.plan.as_ref().unwrap().catalog.clone().unwrap();
        let fake = FakeOpenstack::new();
        let script = dir.join("keystone/endpoints.sh");
        let what = format!("endpoints.sh of {spec}");
        let calls = fake.run(script.as_std_path(), &what);
        let want: Vec<String> = std::iter::once(
            "service create --name glance --description OpenStack Image image".to_string(),
        )
        .chain(catalog.endpoints.iter().map(|e| {
            format!(
                "endpoint create --region {} image {} {}",
                catalog.region, e.interface, e.url
            )
        }))
        .collect();
        assert_eq!(calls, want, "{spec}: first run");
        // A second run changes nothing.
        let again = fake.run(script.as_std_path(), &what);
        assert!(
            again.is_empty(),
            "{spec}: second run changed the catalog: {again:?}"
        );
        // A stale URL is corrected in place, not duplicated.
        let e = &catalog.endpoints[0];
        let url = e.url.to_string();
        let f = fake
            .state
            .join(format!("ep-{}-{}", e.interface, catalog.region));
        let text = std::fs::read_to_string(&f)
            .unwrap()
            .replace(url.as_str(), "http://stale.invalid:9292");
        std::fs::write(&f, text).unwrap();
        let fix = fake.run(script.as_std_path(), &what);
        assert_eq!(fix.len(), 1, "{spec}: {fix:?}");
        assert!(
            fix[0].starts_with("endpoint set --url ") && fix[0].contains(url.as_str()),
            "{spec}: {fix:?}"
        );
    }
}

/// keystone/endpoints.sh and `glhac diff` follow one reconciliation policy
/// (glha::plan::catalog): on the same live catalogs, the script makes
/// exactly the calls the policy's `Script` half plans.
#[test]
fn endpoint_script_follows_the_reconciliation_policy() {
    use glha::plan::catalog::{reconcile, LiveEndpoint, Policy};
    if !common::tool("sh") {
        return;
    }
    let spec = common::examples()
        .into_iter()
        .find(|s| s.as_str().ends_with("seed.glha"))
        .unwrap();
    let (_tmp, dir, comp) = build(&spec, None);
    let cat = comp.plan.as_ref().unwrap().catalog.clone().unwrap();
    let script = dir.join("keystone/endpoints.sh");
    let public = cat.endpoints[0].url.to_string();
    let row = |id: &str, url: &str, enabled: bool| LiveEndpoint {
        id: id.into(),
        region: cat.region.clone(),
        service_name: "glance".into(),
        service_type: "image".into(),
        interface: "public".into(),
        url: url.into(),
        enabled,
    };
    let states: Vec<(&str, Vec<LiveEndpoint>)> = vec![
        ("absent", vec![]),
        ("as planned", vec![row("e1", &public, true)]),
        (
            "trailing slash",
            vec![row("e1", &format!("{public}//"), true)],
        ),
        ("drifted", vec![row("e1", "http://10.9.9.9:9292", true)]),
        ("disabled", vec![row("e1", &public, false)]),
        (
            "drifted and disabled",
            vec![row("e1", "http://10.9.9.9:9292/", false)],
        ),
        (
            "duplicates",
            vec![
                row("e1", &public, true),
                row("e2", "http://10.9.9.9:9292", true),
            ],
        ),
    ];
    for (name, live) in states {
        let fake = FakeOpenstack::new();
        std::fs::write(fake.state.join("service-glance"), "").unwrap();
        // The other interfaces are as planned; only `public` varies.
        let mut all = live.clone();
        for (n, e) in cat.endpoints.iter().enumerate().skip(1) {
            let mut r = row(&format!("k{n}"), &e.url.to_string(), true);
            r.interface = e.interface.to_string();
            all.push(r);
        }
        for e in &cat.endpoints {
            let lines: String = all
                .iter()
                .filter(|r| r.interface == e.interface.as_str())
                .map(|r| {
                    format!(
                        "{} {} {}\n",
                        r.id,
                        if r.enabled { "True" } else { "False" },
                        r.url
                    )
                })
                .collect();
            if !lines.is_empty() {
                let f = fake
                    .state
                    .join(format!("ep-{}-{}", e.interface, cat.region));
                std::fs::write(f, lines).unwrap();
            }
        }
        let (calls, printed) = fake.run_with_output(script.as_std_path(), name);
        if name == "duplicates" {
            assert!(
                printed.contains("warning: 2 public endpoints") && printed.contains(" e1 e2"),
                "{printed}"
            );
        } else {
            assert!(printed.is_empty(), "{name}: {printed}");
        }
        let planned: Vec<String> = reconcile(&cat, &all, Policy::Script)
            .iter()
            .filter_map(|s| s.command(&cat))
            .map(|c| c.argv[1..].join(" "))
            .collect();
        assert_eq!(calls, planned, "live catalog {name}");
    }
}

/// A failure of `openstack service show` other than "no such service"
/// stops the script: it must not create a second image service (seen with
/// the real Keystone in the end-to-end tests).
#[test]
fn endpoint_script_stops_when_the_service_cannot_be_looked_up() {
    if !common::tool("sh") {
        return;
    }
    let spec = common::examples()
        .into_iter()
        .find(|s| s.as_str().ends_with("seed.glha"))
        .unwrap();
    let (_tmp, dir, _) = build(&spec, None);
    let fake = FakeOpenstack::new();
    std::fs::write(fake.state.join("calls"), "").unwrap();
    let out = Command::new("sh")
        .arg(dir.join("keystone/endpoints.sh"))
        .env("PATH", &fake.path)
        .env("FAKE_STATE", &fake.state)
        .env("FAKE_FAIL", "service-show")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot look up the glance service"), "{err}");
    let calls = std::fs::read_to_string(fake.state.join("calls")).unwrap();
    assert_eq!(
        calls.trim(),
        "service show glance -f value -c id",
        "{calls}"
    );
}

/// Bundles with HAProxy in front of glance-api hold its `listen` section
/// (only the section: the operator merges it into haproxy.cfg). After a
/// `global` with a log target and nothing else (no `defaults`: the section
/// sets its own mode and timeouts), `haproxy -c` must load it without a
/// single warning, and so after the host's own haproxy.cfg (Debian's, when
/// installed). TLS binds load a self-signed PEM made here, in a directory
/// whose name has a space and a `'`, which the section's quoting must carry.
/// It only parses: the VIPs need not be addresses of this machine.
#[test]
fn haproxy_section_passes_haproxy_c() {
    if !(common::tool("haproxy") && common::tool("openssl")) {
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
    let tmp = tempfile::tempdir().unwrap();
    let certs = common::tls::self_signed(&tmp.path().join("it's certs"), &["IP:127.0.0.1"]);
    let host_cfg = std::fs::read_to_string("/etc/haproxy/haproxy.cfg").ok();
    let mut checked = Vec::new();
    for spec in specs {
        let (t, _dir, comp) = build(&spec, None);
        let Some(b) = comp.plan.as_ref().unwrap().balancer.as_ref() else {
            continue;
        };
        let section = common::tls::section_with_pem(comp.bundle.as_ref().unwrap(), b, &certs.pem);
        let mut wrappers = vec![(
            "a global with a log target",
            "global\n    log stdout format raw local0\n\n".to_string(),
        )];
        if let Some(host) = &host_cfg {
            wrappers.push(("the host's haproxy.cfg", format!("{host}\n")));
        }
        for (what, head) in wrappers {
            let cfg = t.path().join("haproxy.cfg");
            std::fs::write(&cfg, format!("{head}{section}")).unwrap();
            let out = common::run_ok(
                Command::new("haproxy").arg("-c").arg("-f").arg(&cfg),
                &format!("haproxy -c on the section of {spec} after {what}"),
            );
            assert!(
                out.contains("Configuration file is valid")
                    && !out.contains("[WARNING]")
                    && !out.contains("[ALERT]")
                    && !out.contains("missing timeouts"),
                "{spec} after {what}: haproxy -c said:\n{out}\n{section}"
            );
            eprintln!("haproxy -c {spec} after {what}: {}", out.trim());
        }
        let tls = b.binds.iter().any(|bd| bd.certificate.is_some());
        checked.push((spec, tls));
    }
    for (want, tls) in [
        ("examples/active-active.glha", false),
        ("examples/https.glha", true),
        ("examples/split-vips.glha", true),
    ] {
        assert!(
            checked.iter().any(|(s, t)| s.ends_with(want) && *t == tls),
            "{want} not checked (tls {tls}): {checked:?}"
        );
    }
}

/// Specs whose consumer files are validated: every example, and every case
/// that declares a consumer (tests/cases/; those with errors for a release
/// are skipped like examples).
fn consumer_specs() -> Vec<Utf8PathBuf> {
    let mut v = common::examples();
    let mut cases: Vec<Utf8PathBuf> = std::fs::read_dir(common::root().join("tests/cases"))
        .expect("tests/cases/")
        .filter_map(|e| Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
        .filter(|p| p.extension() == Some("glha"))
        .filter(|p| {
            std::fs::read_to_string(p)
                .unwrap()
                .lines()
                .any(|l| l.trim_start().starts_with("consumer "))
        })
        .collect();
    cases.sort();
    v.extend(cases);
    v
}

/// Whether `/usr/bin/python3` can import `module` (a Debian OpenStack
/// package, for `--namespace`). Missing: skip loudly, or fail in CI.
fn python_module(module: &str) -> bool {
    let ok = Command::new("/usr/bin/python3")
        .args(["-c", &format!("import {module}")])
        .env("PYTHONWARNINGS", "ignore")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        if std::env::var("GLHA_REQUIRE_TOOLS").as_deref() == Ok("1") {
            panic!(
                "python module `{module}` is missing (GLHA_REQUIRE_TOOLS=1); run .ci/install-tools"
            );
        }
        eprintln!("\n*** SKIPPED: python module `{module}` is not installed; run `bash .ci/install-tools` ***\n");
    }
    ok
}

/// Whether the spec asked `service` for a form its release has deprecated
/// (W0203 names the service first).
fn asked_deprecated(comp: &glha::Compilation, service: &str) -> bool {
    comp.diagnostics
        .iter()
        .any(|d| d.code == "W0203" && d.message.starts_with(&format!("{service} ")))
}

/// What one consumer file is validated against.
enum Source {
    /// `--opt-data FILE` (tests/data/openstack-options/).
    Data(&'static str),
    /// `--namespace NS` of the installed (Debian 12 = Zed) service.
    Namespace(&'static str),
}

/// nova.conf and cinder.conf of every consumer spec valid for a release,
/// for every release with nova or cinder option data (Zed, 2025.2), and for
/// Zed also against the installed python3-nova and python3-cinder.
///
/// `--fatal-warnings` everywhere, except where the spec asks for a form
/// its release has deprecated (W0203, e.g. nova's `api_servers` on Ussuri
/// and later). Note that oslo-config-validator warns only about deprecated
/// *aliases* (its `deprecated_options` map); an option flagged
/// `deprecated_for_removal`, such as nova's `[glance] api_servers`, passes
/// silently even with `--fatal-warnings`. The test
/// `no_deprecated_names_unless_asked` below guards that case with glha's
/// own table and the option data.
#[test]
fn nova_and_cinder_conf_pass_oslo_config_validator() {
    if !common::tool("/usr/bin/oslo-config-validator") {
        return;
    }
    let mut jobs: Vec<(&str, Release, Source)> = Vec::new();
    for service in ["nova", "cinder"] {
        for (release, data) in glha::release::settings::data_releases(service) {
            jobs.push((service, release, Source::Data(data)));
        }
    }
    if python_module("nova.conf") {
        jobs.push(("nova", Release::Zed, Source::Namespace("nova.conf")));
    }
    if python_module("cinder.common.config") {
        jobs.push(("cinder", Release::Zed, Source::Namespace("cinder")));
    }
    // Identical files are validated once per source (the cinder namespace
    // takes seconds to load).
    let mut done: std::collections::HashSet<(String, String)> = Default::default();
    let mut counts: Vec<String> = Vec::new();
    let mut checked = 0;
    for (service, release, source) in &jobs {
        let (mut files, mut strict, mut lenient, mut specs) = (0, 0, 0, 0);
        for spec in consumer_specs() {
            let opts = glha::Options {
                release: Some(*release),
                ..Default::default()
            };
            let comp = glha::compile_file(&spec, &opts).unwrap();
            if comp.diagnostics.has_errors() {
                continue;
            }
            let asked_deprecated = asked_deprecated(&comp, service);
            let (_t, dir, _) = build(&spec, Some(*release));
            let conf = dir.join(format!("files/etc/{service}/{service}.conf"));
            let Ok(text) = std::fs::read_to_string(&conf) else {
                continue; // no such consumer in this spec
            };
            specs += 1;
            let (what, arg) = match source {
                Source::Data(d) => (
                    format!("data {d}"),
                    common::root()
                        .join("tests/data/openstack-options")
                        .join(d)
                        .to_string(),
                ),
                Source::Namespace(ns) => (format!("namespace {ns}"), ns.to_string()),
            };
            if !done.insert((format!("{what} {asked_deprecated}"), text)) {
                continue;
            }
            let mut cmd = Command::new("bash");
            cmd.arg(common::root().join("tests/support/oslo-check.sh"));
            if matches!(source, Source::Namespace(_)) {
                cmd.arg("--namespace");
            }
            cmd.arg(&arg).arg(&conf);
            if asked_deprecated {
                lenient += 1;
            } else {
                cmd.arg("--fatal-warnings");
                strict += 1;
            }
            common::run_ok(
                &mut cmd,
                &format!("oslo-config-validator {service} {release} ({what}) on {spec}"),
            );
            files += 1;
            checked += 1;
        }
        let what = match source {
            Source::Data(d) => format!("--opt-data {d}"),
            Source::Namespace(ns) => format!("--namespace {ns}"),
        };
        counts.push(format!(
            "{service} {release} {what}: {specs} specs, {files} distinct files ({strict} with --fatal-warnings, {lenient} without)"
        ));
    }
    eprintln!("validated:\n  {}", counts.join("\n  "));
    assert!(checked >= 8, "only {checked} consumer files validated");
}

/// oslo-config-validator cannot see `deprecated_for_removal`, so glha's
/// own table is the guard: for every consumer spec, example and release,
/// every key glha writes is current in that release — by the option data
/// where the release has some, else by the table — unless the spec asked
/// for the deprecated form and got W0203. Soft deprecations (2026.1's
/// `bind_host`: no replacement before 2026.2) are allowed.
#[test]
fn no_deprecated_names_unless_asked() {
    use glha::release::settings::{
        availability, data_state, exists, replacement, row_of_written, Availability,
    };
    let mut problems = Vec::new();
    let mut checked = 0;
    for spec in consumer_specs() {
        for &release in Release::ALL {
            let opts = glha::Options {
                release: Some(release),
                ..Default::default()
            };
            let comp = glha::compile_file(&spec, &opts).unwrap();
            let Some(plan) = &comp.plan else { continue };
            for file in &plan.ini {
                let asked = asked_deprecated(&comp, file.service.name());
                for s in &file.settings {
                    let what = format!(
                        "{spec} {release}: {} [{}] {}",
                        file.service, s.section, s.key
                    );
                    let Some(row) = row_of_written(file, &s.section, &s.key) else {
                        problems.push(format!("{what}: written but not in the release table"));
                        continue;
                    };
                    // Deprecated with no replacement in this release yet.
                    let unavoidable = replacement(row.setting).is_some_and(|r| !exists(r, release));
                    let state =
                        data_state(file.service.name(), row.data_section(), &s.key, release);
                    let ok = match state {
                        Some(state) => {
                            matches!(state, "present" | "plugin" | "soft-deprecated")
                                || ((asked || unavoidable) && state == "deprecated")
                        }
                        None => match availability(row.setting, release) {
                            Availability::Current => true,
                            Availability::Deprecated(_) => asked || unavoidable,
                            _ => false,
                        },
                    };
                    if !ok {
                        problems.push(format!(
                            "{what}: data {state:?}, table {:?}",
                            availability(row.setting, release)
                        ));
                    }
                    checked += 1;
                }
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(checked > 500, "only {checked} settings checked");
}

/// Compresses sorted releases into ranges: `ocata–pike, 2024.1`.
fn ranges(rels: &[Release]) -> String {
    let all = Release::ALL;
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < rels.len() {
        let start = rels[i];
        let mut end = start;
        while i + 1 < rels.len() {
            let next = all.iter().position(|r| *r == end).unwrap() + 1;
            if all.get(next) == Some(&rels[i + 1]) {
                end = rels[i + 1];
                i += 1;
            } else {
                break;
            }
        }
        out.push(if start == end {
            start.to_string()
        } else {
            format!("{start}–{end}")
        });
        i += 1;
    }
    out.join(", ")
}

/// Whether a setting of `file` belongs to the image store.
fn is_store_setting(file: &glha::plan::IniFile, s: &glha::plan::IniSetting) -> bool {
    glha::release::settings::row_of_written(file, &s.section, &s.key)
        .is_some_and(|r| r.setting.is_store())
}

/// The image store's part of docs/release-table.md: what each backend
/// writes (file: examples/active-active.glha, rbd: split-vips, swift:
/// swift), per release, into glance-api.conf and glance-swift.conf.
fn store_table() -> String {
    use glha::release::settings::{row_of_written, SectionKind};
    type Key = (String, String, String, String); // backend, file, section, key
    let mut rows: Vec<(Key, Vec<Release>)> = Vec::new();
    for (backend, example) in [
        ("file", "active-active"),
        ("rbd", "split-vips"),
        ("swift", "swift"),
    ] {
        let spec = common::root().join(format!("examples/{example}.glha"));
        for &release in Release::ALL {
            let opts = glha::Options {
                release: Some(release),
                ..Default::default()
            };
            let comp = common::compile(&spec, &opts);
            let plan = comp.plan.as_ref().unwrap();
            let mut keys: Vec<Key> = Vec::new();
            // One file per node in active/active: the first is every node's.
            if let Some(f) = plan
                .ini
                .iter()
                .find(|f| f.service == glha::plan::ServiceKind::GlanceApi)
            {
                for s in f.settings.iter().filter(|s| is_store_setting(f, s)) {
                    let row = row_of_written(f, &s.section, &s.key).unwrap();
                    let section = match row.kind {
                        SectionKind::Store => "[<store>]".to_string(),
                        _ => format!("[{}]", s.section),
                    };
                    keys.push((backend.into(), "glance-api".into(), section, s.key.clone()));
                }
            }
            if let Some(conf) = plan.store.as_ref().and_then(|s| s.setup()?.swift.as_ref()) {
                for (k, _) in &conf.settings {
                    keys.push((
                        backend.into(),
                        "glance-swift".into(),
                        "[<store>]".into(),
                        k.clone(),
                    ));
                }
            }
            for k in keys {
                match rows.iter_mut().find(|(rk, _)| *rk == k) {
                    Some((_, v)) => v.push(release),
                    None => rows.push((k, vec![release])),
                }
            }
        }
    }
    let mut md = String::from(
        "\n## The image store, per backend\n\n\
         From examples/active-active.glha (file), split-vips.glha (rbd) and\n\
         swift.glha (swift) built for every release. `[<store>]` is the section\n\
         named after the store (its label, `images` by default); glance-swift.conf's\n\
         section is its reference, named alike.\n\n\
         | backend | file | section | key | releases |\n|---|---|---|---|---|\n",
    );
    // Stable: first appearance within a backend and file.
    rows.sort_by_key(|((backend, file, _, _), _)| {
        (
            ["file", "rbd", "swift"].iter().position(|b| b == backend),
            file != "glance-api",
        )
    });
    for ((backend, file, section, key), rels) in rows {
        md.push_str(&format!(
            "| {backend} | {file} | {section} | {key} | {} |\n",
            ranges(&rels)
        ));
    }
    md
}

/// docs/release-table.md: which section and key glha writes, per file and
/// release, for examples/split-vips.glha (database, bus, Keystone v3,
/// endpoints, nova and cinder with the default discovery, active/passive)
/// built for every release, plus what `discovery = api_servers` writes.
/// Any change of a name shows up as a diff of that file;
/// `GLHA_BLESS=1 cargo test --test conformance settings_by_release` rewrites it.
#[test]
fn settings_by_release_table() {
    type Key = (String, String, String); // service, section, key
    let mut written: Vec<(Key, Vec<Release>)> = Vec::new();
    let mut removed: Vec<(Key, Vec<Release>)> = Vec::new();
    let mut stale: Vec<(Key, Vec<Release>)> = Vec::new();
    let add = |list: &mut Vec<(Key, Vec<Release>)>, k: Key, r: Release| match list
        .iter_mut()
        .find(|(lk, _)| *lk == k)
    {
        Some((_, v)) => v.push(r),
        None => list.push((k, vec![r])),
    };
    let spec = common::root().join("examples/split-vips.glha");
    let text = std::fs::read_to_string(&spec).unwrap();
    let api_servers = text.replace(
        "consumer nova {}\nconsumer cinder {}",
        "consumer nova { discovery = api_servers }\nconsumer cinder { discovery = api_servers }",
    );
    assert_ne!(api_servers, text, "split-vips ends with nova and cinder");
    // The internal endpoint over https, with a CA for the consumers.
    let https_internal = text
        .replace(
            "  internal = vip.internal\n",
            "  internal { host = vip.internal  scheme = \"https\" }\n",
        )
        .replace(
            "tls { certificate = \"/etc/haproxy/certs/glance-public.pem\" }",
            "tls { certificate = \"/etc/haproxy/certs/glance.pem\"  ca = \"/etc/ssl/certs/cloud-ca.pem\" }",
        );
    assert_eq!(
        https_internal.matches("https").count(),
        text.matches("https").count() + 1,
        "split-vips has a plain internal endpoint and a tls block"
    );
    let mut fixed: Vec<(Key, Vec<Release>)> = Vec::new();
    let mut trust: Vec<(Key, Vec<Release>)> = Vec::new();
    for &release in Release::ALL {
        let opts = glha::Options {
            release: Some(release),
            ..Default::default()
        };
        let comp = common::compile(&spec, &opts);
        for f in &comp.plan.as_ref().unwrap().ini {
            for s in &f.settings {
                if is_store_setting(f, s) {
                    continue; // in the image store's own table
                }
                add(
                    &mut written,
                    (
                        f.service.name().to_string(),
                        s.section.clone(),
                        s.key.clone(),
                    ),
                    release,
                );
            }
            for (sec, key, _) in &f.remove {
                add(
                    &mut removed,
                    (f.service.name().to_string(), sec.clone(), key.clone()),
                    release,
                );
            }
            let plan = comp.plan.as_ref().unwrap();
            for r in glha::emit::ini::stale_removable(plan, f) {
                let sec = r.section.unwrap_or_else(|| "any section".into());
                add(
                    &mut stale,
                    (f.service.name().to_string(), sec, r.key),
                    release,
                );
            }
        }
        for (name, variant, list) in [
            ("api-servers", &api_servers, &mut fixed),
            ("https-internal", &https_internal, &mut trust),
        ] {
            let comp = glha::compile_str(&format!("{name}.glha"), variant, &opts);
            assert!(
                !comp.diagnostics.has_errors(),
                "{name} variant for {release}"
            );
            for f in &comp.plan.as_ref().unwrap().ini {
                if f.service != glha::plan::ServiceKind::GlanceApi {
                    for s in &f.settings {
                        add(
                            list,
                            (
                                f.service.name().to_string(),
                                s.section.clone(),
                                s.key.clone(),
                            ),
                            release,
                        );
                    }
                }
            }
        }
    }
    let mut md = String::from(
        "# Settings × releases\n\n\
         Generated by `tests/conformance.rs` (`settings_by_release_table`) from\n\
         `examples/split-vips.glha` built for every release; do not edit.\n\
         Ranges are inclusive. glance-api's `bind_host`/`bind_port` say where\n\
         it listens (there: 127.0.0.1, behind HAProxy).\n",
    );
    for (title, list) in [
        (
            "Written (default discovery: the catalog where the release has it)",
            &written,
        ),
        ("Listed for removal from the live file", &removed),
        (
            "Stale keys removed from the live file where present (option data and hand table)",
            &stale,
        ),
        (
            "Written with `discovery = api_servers` (nova, cinder)",
            &fixed,
        ),
        (
            "Written with an https internal endpoint and a `tls` `ca` (nova, cinder)",
            &trust,
        ),
    ] {
        let order = |svc: &str| {
            ["glance-api", "nova", "cinder"]
                .iter()
                .position(|s| *s == svc)
        };
        let mut list: Vec<&(Key, Vec<Release>)> = list.iter().collect();
        list.sort_by_key(|((svc, _, _), _)| order(svc)); // stable: first appearance within a file
        md.push_str(&format!(
            "\n## {title}\n\n| file | section | key | releases |\n|---|---|---|---|\n"
        ));
        for ((svc, sec, key), rels) in list {
            md.push_str(&format!("| {svc} | [{sec}] | {key} | {} |\n", ranges(rels)));
        }
    }
    md.push_str(&store_table());
    let path = common::root().join("docs/release-table.md");
    if std::env::var("GLHA_BLESS").as_deref() == Ok("1") {
        std::fs::write(&path, &md).unwrap();
        return;
    }
    let want = std::fs::read_to_string(&path).unwrap_or_default();
    assert_eq!(
        want, md,
        "docs/release-table.md is stale; run GLHA_BLESS=1 cargo test --test conformance settings_by_release"
    );
}

/// What glance_store's own reader (`SwiftParams`, the installed
/// python3-glance-store) makes of a glance-swift.conf: the reference's
/// settings as JSON.
const SWIFT_PARAMS: &str = r#"
import json, sys
from oslo_config import cfg
import glance_store
from glance_store._drivers.swift import utils
conf = cfg.ConfigOpts()
glance_store.register_opts(conf)
conf([], project="glha-test", default_config_files=[], default_config_dirs=[])
conf.set_override("swift_store_config_file", sys.argv[1], group="glance_store")
conf.set_override("default_swift_reference", sys.argv[2], group="glance_store")
print(json.dumps(utils.SwiftParams(conf).params[sys.argv[2]]))
"#;

/// glance-swift.conf of every example with a swift store, for every
/// release with data, read back by the installed glance_store with a
/// password full of what configparser treats specially: the reference
/// has the user as PROJECT:USER, the exact password and the Keystone v3
/// address, and `auth_version = 3` exactly where glance_store still
/// defaults to v2.
#[test]
fn glance_swift_conf_reads_back_through_glance_store() {
    use glha::plan::Value;
    if !python_module("glance_store._drivers.swift.utils") {
        return;
    }
    let password = "p%ss #x;y: =\"q\" $HOME %(user)s é";
    let mut checked = 0;
    for spec in common::examples() {
        for (release, _) in glha::release::settings::data_releases("glance-api") {
            let probe = glha::compile_file(
                &spec,
                &glha::Options {
                    release: Some(release),
                    ..Default::default()
                },
            )
            .unwrap();
            let Some(plan) = &probe.plan else { continue };
            let Some(conf) = plan.store.as_ref().and_then(|s| s.setup()?.swift.clone()) else {
                continue;
            };
            let id = format!("store.{}.password", conf.reference);
            let opts = glha::Options {
                release: Some(release),
                emit: glha::EmitOptions {
                    secrets: glha::SecretMode::Embed([(id, password.to_string())].into()),
                    ..Default::default()
                },
                ..Default::default()
            };
            let comp = common::compile(&spec, &opts);
            let tmp = tempfile::tempdir().unwrap();
            let file = tmp.path().join("glance-swift.conf");
            let bundle = comp.bundle.as_ref().unwrap();
            std::fs::write(
                &file,
                bundle
                    .get(&glha::emit::swift_conf::bundle_path(&conf))
                    .unwrap(),
            )
            .unwrap();
            let out = common::run_ok(
                Command::new("/usr/bin/python3")
                    .env("PYTHONWARNINGS", "ignore")
                    .args(["-c", SWIFT_PARAMS])
                    .arg(&file)
                    .arg(&conf.reference),
                &format!("glance_store's SwiftParams on glance-swift.conf of {spec} ({release})"),
            );
            let json = out.lines().last().unwrap_or_default();
            let got: serde_json::Value = serde_json::from_str(json).unwrap();
            let plain = |k: &str| {
                conf.settings
                    .iter()
                    .find(|(key, _)| key == k)
                    .and_then(|(_, v)| match v {
                        Value::Plain(t) => Some(t.clone()),
                        Value::Template(_) => None,
                    })
            };
            assert_eq!(got["key"], password, "{spec} {release}");
            for k in [
                "auth_address",
                "user",
                "user_domain_name",
                "project_domain_name",
            ] {
                assert_eq!(
                    got[k].as_str(),
                    plain(k).as_deref(),
                    "{spec} {release}: {k}"
                );
            }
            assert!(
                plain("user").is_some_and(|u| u.split(':').count() == 2),
                "{spec}"
            );
            // Until 2025.1 glance_store defaults to Keystone v2, so the file
            // says 3; from 2025.2 (glance_store 5.x) 3 is forced and the key
            // only warns. The installed reader is Zed's, which still has the
            // v2 default: it can only confirm the files that say 3.
            let v2_default = release < Release::R2025_2;
            assert_eq!(
                plain("auth_version").is_some(),
                v2_default,
                "{spec} {release}"
            );
            if v2_default {
                assert_eq!(got["auth_version"], "3", "{spec} {release}");
            }
            checked += 1;
        }
    }
    assert!(
        checked >= 5,
        "only {checked} glance-swift.conf files read back"
    );
}
