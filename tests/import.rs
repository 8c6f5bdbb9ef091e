//! `glhac import`, end to end, with the real tools.
//!
//! The round trip: every example's bundle is laid out as a live host — its
//! ini settings applied by `glhac apply` onto the release's sample files
//! (scripts/gen-sample-conf.py from the option data), its crm script
//! loaded into an offline CIB with crmsh, its catalog as `openstack
//! endpoint list -f json` prints it, with corosync.conf (and what else
//! the example needs: /etc/fstab, haproxy.cfg, glance-swift.conf) — and
//! `glhac import` of that host must say "complete"; the spec it writes
//! passes `glhac fmt --check` and `glhac check`, and `glhac diff` of it
//! against the same inputs, with the secrets' variables set, reports no
//! changes. The CIB is given both as `cibadmin -Q` XML and as `crm
//! configure show` text (which hides passwords).
//!
//! The guide's hand-made host (tests/fixtures/stale: Debian's shipped
//! glance-api.conf with the guide's lines, the guide's crm configuration,
//! its endpoints): the diff of the imported spec lists exactly the stale
//! keys for removal, the settings that replace them, and the few things
//! glha writes that the guide did not (each named below).
//!
//! Bad input: exit 2, file and line named, nothing written.
//!
//! Missing tools skip loudly; with GLHA_REQUIRE_TOOLS=1 (CI) they fail.

mod common;

use camino::{Utf8Path, Utf8PathBuf};
use common::pcmk;
use glha::plan::{Plan, SecretSource};
use glha::{EmitOptions, Release, SecretMode};
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::process::{Command, Output};

const DATA: &str = "tests/data/openstack-options";

/// What Pacemaker prints about a cluster whose fencing is disabled.
const NO_FENCING: &str = "Blind faith: not fencing unseen nodes";

/// haproxy.cfg as a distribution ships it: `global` and `defaults` only.
const HAPROXY_BASE: &str = "global\n\tlog /dev/log local0\n\tchroot /var/lib/haproxy\n\tuser haproxy\n\tgroup haproxy\n\tdaemon\n\ndefaults\n\tlog global\n\tmode http\n\toption httplog\n\ttimeout connect 5000\n\ttimeout client 50000\n\ttimeout server 50000\n";

fn glhac(args: &[&str], cwd: &Utf8Path, env: &[(String, String)]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glhac"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .envs(env.iter().map(|(k, v)| (k, v)))
        .output()
        .unwrap()
}

use common::output_text as text;

fn tools() -> bool {
    common::python_yaml() && pcmk::tools_present()
}

/// The sample file of `service` for `release`: from its own option data,
/// or (`nearest`) the newest older release's.
fn sample(service: &str, release: Release, nearest: bool) -> Option<String> {
    let data = glha::release::settings::data_releases(service);
    let pick = |r: Release| {
        let of: Vec<&str> = data
            .iter()
            .filter(|(d, _)| *d == r)
            .map(|(_, f)| *f)
            .collect();
        of.iter()
            .find(|f| !f.contains("sample"))
            .or(of.first())
            .copied()
    };
    let dump = pick(release).or_else(|| {
        let older = data
            .iter()
            .filter(|(r, _)| *r < release)
            .map(|(r, _)| *r)
            .max()?;
        nearest.then(|| pick(older)).flatten()
    })?;
    Some(common::run_ok(
        Command::new("python3")
            .arg(common::root().join("scripts/gen-sample-conf.py"))
            .arg(common::root().join(DATA).join(dump)),
        &format!("gen-sample-conf.py {dump}"),
    ))
}

/// A host laid out from a spec.
struct Host {
    _tmp: tempfile::TempDir,
    dir: Utf8PathBuf,
    node: Option<String>,
    /// Secret id -> the value the host holds.
    values: BTreeMap<String, String>,
    /// The example's plan.
    plan: Plan,
}

impl Host {
    fn args<'a>(&'a self, cib: &'a str) -> Vec<&'a str> {
        let mut a = vec![
            "--root",
            "root",
            "--cib",
            cib,
            "--endpoints",
            "endpoints.json",
        ];
        if let Some(n) = &self.node {
            a.extend(["--node", n.as_str()]);
        }
        a
    }
}

/// The value every secret of `plan` gets on the host: a literal's own,
/// else one with the characters a URL's userinfo must encode.
fn secret_values(plan: &Plan) -> BTreeMap<String, String> {
    plan.secrets
        .iter()
        .enumerate()
        .map(|(n, s)| {
            let v = match &s.source {
                SecretSource::Literal(v) => v.clone(),
                _ => format!("t{n}:p@ss%w"),
            };
            (s.id.clone(), v)
        })
        .collect()
}

fn write(path: &Utf8Path, body: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, body).unwrap();
}

/// corosync.conf with the nodes of the plan's spec.
fn corosync(nodes: &[(String, String)]) -> String {
    let mut out = String::from("totem {\n  version: 2\n  cluster_name: glance\n}\n\nnodelist {\n");
    for (i, (name, addr)) in nodes.iter().enumerate() {
        out.push_str(&format!(
            "  node {{\n    ring0_addr: {addr}\n    name: {name}\n    nodeid: {}\n  }}\n",
            i + 1
        ));
    }
    out.push_str("}\n");
    out
}

/// (name, address) of every node of a spec's text.
fn nodes_of(spec: &str) -> Vec<(String, String)> {
    spec.lines()
        .filter_map(|l| {
            let rest = l.trim().strip_prefix("node ")?;
            let name = rest.split_whitespace().next()?.to_string();
            let addr = rest
                .split("address = ")
                .nth(1)?
                .split_whitespace()
                .next()?
                .to_string();
            Some((name, addr))
        })
        .collect()
}

/// `openstack endpoint list -f json` of the plan's catalog, with
/// Keystone's own endpoint beside it.
fn endpoint_list(plan: &Plan) -> String {
    let cat = plan.catalog.as_ref().expect("a catalog");
    let mut rows = vec![serde_json::json!({
        "ID": "0a0a", "Region": cat.region, "Service Name": "keystone",
        "Service Type": "identity", "Enabled": true, "Interface": "public",
        "URL": "http://192.0.2.1:5000/v3"
    })];
    for (i, e) in cat.endpoints.iter().enumerate() {
        rows.push(serde_json::json!({
            "ID": format!("1b{i:02}"), "Region": cat.region,
            "Service Name": cat.service_name, "Service Type": cat.service_type,
            "Enabled": true, "Interface": e.interface.as_str(), "URL": e.url.to_string()
        }));
    }
    serde_json::to_string_pretty(&rows).unwrap()
}

/// The plan's Pacemaker part loaded by crmsh into an offline CIB with the
/// nodes online, written as `cibadmin -Q` XML (`cib.xml`) and as `crm
/// configure show` text (`cib.crm`). Systemd agents go through crmsh as
/// stand-ins (it reads a unit's metadata from systemd) and are put back.
fn load_cib(dir: &Utf8Path, plan: &Plan, values: &BTreeMap<String, String>, nodes: &[String]) {
    let mut p = plan.clone();
    pcmk::stand_in_for_systemd(&mut p);
    let opts = EmitOptions {
        secrets: SecretMode::Embed(values.clone()),
        ..Default::default()
    };
    let bundle = glha::emit::emit(&p, &opts, "import").unwrap();
    let cib =
        Utf8PathBuf::from_path_buf(pcmk::nodes_cib(dir.as_std_path(), "load.xml", nodes)).unwrap();
    let fenced = !plan
        .pacemaker
        .primitives
        .iter()
        .any(|p| p.agent.is_stonith());
    let mut script = String::new();
    if fenced {
        script.push_str("property stonith-enabled=false\n");
    }
    script.push_str(bundle.get(glha::emit::CRM_PATH).unwrap());
    pcmk::crm_load_allowing(cib.as_std_path(), &script, &[NO_FENCING]);
    let xml = pcmk::on_cib(cib.as_std_path(), "cibadmin", &["-Q"])
        .replace(" class=\"ocf\" provider=\"glha-rt\"", " class=\"systemd\"");
    let show = pcmk::on_cib(cib.as_std_path(), "crm", &["configure", "show"])
        .replace("ocf:glha-rt:", "systemd:");
    assert!(
        !xml.contains("glha-rt") && !show.contains("glha-rt"),
        "{xml}\n{show}"
    );
    write(&dir.join("cib.xml"), &xml);
    write(&dir.join("cib.crm"), &glha::diff::strip_ansi(&show));
}

/// An example's bundle laid out as a live host.
fn lay_out(example: &Utf8Path) -> Host {
    let spec = std::fs::read_to_string(example).unwrap();
    let plan = common::compile(example, &glha::Options::default())
        .plan
        .unwrap();
    let rel = plan.release;
    let values = secret_values(&plan);
    let env: Vec<(String, String)> = plan
        .secrets
        .iter()
        .filter_map(|s| match &s.source {
            SecretSource::Env(n) => Some((n.clone(), values[&s.id].clone())),
            _ => None,
        })
        .collect();
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
    let root = dir.join("root");
    let nodes = nodes_of(&spec);
    // Active/active's files are per node; HAProxy's section is there also
    // in active/passive with TLS (HAProxy in the group).
    let service = format!("p_{}", plan.service);
    let aa = plan.pacemaker.clones.iter().any(|c| c.resource == service);
    let node = aa.then(|| nodes[0].0.clone());
    write(
        &root.join("etc/glance/glance-api.conf"),
        &sample("glance-api", rel, true).unwrap(),
    );
    for f in plan.ini.iter().filter(|f| f.service.is_consumer()) {
        let body = sample(f.service.name(), rel, false)
            .unwrap_or_else(|| "[DEFAULT]\n\n[glance]\n".into());
        write(&root.join(f.target.trim_start_matches('/')), &body);
    }
    write(&root.join("etc/corosync/corosync.conf"), &corosync(&nodes));
    if spec.contains("CephFS") {
        write(&root.join("etc/fstab"), "UUID=0a1b / ext4 errors=remount-ro 0 1\n172.16.2.2:6789:/ /srv/glance ceph name=glance,_netdev 0 0\n");
    }
    if plan.balancer.is_some() {
        write(&root.join("etc/haproxy/haproxy.cfg"), HAPROXY_BASE);
        std::fs::create_dir_all(root.join("etc/sysctl.d")).unwrap();
    }
    let mut args = vec![
        "diff",
        example.as_str(),
        "--root",
        "root",
        "--save-plan",
        "plan.json",
    ];
    let mut apply = vec!["apply", "plan.json", "--root", "root", "--tighten-modes"];
    if let Some(n) = &node {
        args.extend(["--node", n.as_str()]);
        apply.extend([
            "--only",
            "glance-api",
            "--only",
            "nova",
            "--only",
            "cinder",
            "--only",
            "haproxy",
            "--only",
            "sysctl",
        ]);
    }
    let o = glhac(&args, &dir, &env);
    assert_eq!(o.status.code(), Some(1), "diff {example}: {}", text(&o));
    let o = glhac(&apply, &dir, &env);
    assert!(o.status.success(), "apply {example}: {}", text(&o));
    let opts = EmitOptions {
        secrets: SecretMode::Embed(values.clone()),
        ..Default::default()
    };
    let bundle = glha::emit::emit(&plan, &opts, "import").unwrap();
    if let Some(conf) = bundle.get("files/etc/glance/glance-swift.conf") {
        write(&root.join("etc/glance/glance-swift.conf"), conf);
    }
    let names: Vec<String> = nodes.iter().map(|(n, _)| n.clone()).collect();
    load_cib(&dir, &plan, &values, &names);
    write(&dir.join("endpoints.json"), &endpoint_list(&plan));
    Host {
        _tmp: tmp,
        dir,
        node,
        values,
        plan,
    }
}

/// The environment the imported spec reads its secrets from: each of its
/// secrets gets the value the host holds at the same place.
fn imported_env(spec: &Utf8Path, values: &BTreeMap<String, String>) -> Vec<(String, String)> {
    let c = glha::compile_file(spec, &glha::Options::default()).unwrap();
    let plan = c.plan.expect("the imported spec compiles");
    plan.secrets
        .iter()
        .map(|s| match &s.source {
            SecretSource::Env(n) => (
                n.clone(),
                values
                    .get(&s.id)
                    .cloned()
                    .unwrap_or_else(|| panic!("no value for {}", s.id)),
            ),
            other => panic!("the import wrote {other:?} for {}", s.id),
        })
        .collect()
}

/// Imports the host with `cib` and checks the spec: complete, canonical,
/// without errors, and no changes against the host.
fn round_trip(name: &str, h: &Host, cib: &str) {
    let out = h.dir.join(format!("imported-{cib}.glha"));
    let mut args = vec!["import", "-o", out.as_str(), "--format", "json"];
    args.extend(h.args(cib));
    // With crm text, active/active's node is left for import to find.
    if cib.ends_with(".crm") && h.node.is_some() {
        args.truncate(args.len() - 2);
    }
    let o = glhac(&args, &h.dir, &[]);
    let report: Json = serde_json::from_slice(&o.stdout).unwrap_or(Json::Null);
    let spec = std::fs::read_to_string(&out).unwrap_or_default();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{name} ({cib}): import is not complete:\n{}\n{spec}",
        text(&o)
    );
    assert_eq!(report["status"], "complete", "{report:#}");
    assert_eq!(report["node"].as_str(), h.node.as_deref(), "{report:#}");
    let o = glhac(&["fmt", "--check", out.as_str()], &h.dir, &[]);
    assert!(o.status.success(), "{name}: not canonical: {}", text(&o));
    let o = glhac(&["check", out.as_str()], &h.dir, &[]);
    assert!(o.status.success(), "{name}: check: {}", text(&o));
    let env = imported_env(&out, &h.values);
    let mut args = vec!["diff", out.as_str()];
    args.extend(h.args(cib));
    let o = glhac(&args, &h.dir, &env);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{name} ({cib}): diff:\n{}\n{spec}",
        text(&o)
    );
    // crmsh's text hides passwords: those, and only those, are unknown.
    let shown = String::from_utf8_lossy(&o.stdout).into_owned();
    let unknown_hidden = shown.starts_with("No known changes")
        && cib.ends_with(".crm")
        && shown.lines().filter(|l| l.contains("unknown (")).all(|l| {
            l.contains("the live source hides its value")
                || l.contains("unknown (sensitive, not compared) (primitive")
        });
    assert!(
        shown.starts_with("No changes.") || unknown_hidden,
        "{name} ({cib}): {}",
        text(&o)
    );
    // Never a value in the spec or the report.
    for v in h.values.values() {
        let quoted = format!("\"{v}\"");
        assert!(
            !spec.contains(&quoted),
            "{name}: a secret value is in the spec"
        );
        if v.contains(':') {
            assert!(!spec.contains(v.as_str()) && !text(&o).contains(v.as_str()));
        }
    }
}

/// The bundle of `plan` with the host's secret values written in, without
/// MANIFEST.json and APPLY.md (they name the spec's hash and its secrets'
/// variables, which an imported spec names from their place) and without
/// comment lines (a waiver's reason is the operator's words).
fn bundle_of(plan: &Plan, values: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    let opts = EmitOptions {
        secrets: SecretMode::Embed(values.clone()),
        ..Default::default()
    };
    glha::emit::emit(plan, &opts, "import")
        .unwrap()
        .files
        .into_iter()
        .filter(|(p, _)| !matches!(p.as_str(), "MANIFEST.json" | "APPLY.md"))
        .map(|(p, f)| {
            let body: Vec<&str> = f
                .contents
                .lines()
                .filter(|l| !l.trim_start().starts_with('#'))
                .collect();
            (p.to_string(), body.join("\n"))
        })
        .collect()
}

/// The imported spec builds the example's bundle: every file the same but
/// for comments, glance-swift.conf included.
fn same_bundle(name: &str, h: &Host, imported: &Utf8Path) {
    let plan = glha::compile_file(imported, &glha::Options::default())
        .unwrap()
        .plan
        .expect("the imported spec compiles");
    let original = bundle_of(&h.plan, &h.values);
    let again = bundle_of(&plan, &h.values);
    assert_eq!(
        original.keys().collect::<Vec<_>>(),
        again.keys().collect::<Vec<_>>(),
        "{name}: the imported spec builds other files"
    );
    for (path, body) in &original {
        let other = &again[path];
        if body != other {
            let first = body
                .lines()
                .zip(other.lines())
                .position(|(a, b)| a != b)
                .unwrap_or(body.lines().count().min(other.lines().count()));
            let at = |t: &str| t.lines().nth(first).unwrap_or("(end)").to_string();
            panic!(
                "{name}: {path} differs at line {}: {:?} (example) vs {:?} (imported)",
                first + 1,
                at(body),
                at(other)
            );
        }
    }
}

#[test]
fn every_example_round_trips() {
    if !tools() {
        return;
    }
    let mut done = Vec::new();
    for example in common::examples() {
        let name = example.file_stem().unwrap().to_string();
        let h = lay_out(&example);
        round_trip(&name, &h, "cib.xml");
        same_bundle(&name, &h, &h.dir.join("imported-cib.xml.glha"));
        round_trip(&name, &h, "cib.crm");
        done.push(name);
    }
    eprintln!("import round trip: {}", done.join(", "));
    assert!(done.len() >= 5, "{done:?}");
}

/// `example` with each `(from, to)` replaced (each must be there).
fn variant(example: &str, edits: &[(&str, &str)]) -> String {
    let mut spec = std::fs::read_to_string(common::root().join("examples").join(example)).unwrap();
    for (from, to) in edits {
        assert!(spec.contains(from), "{example}: no {from:?}");
        spec = spec.replacen(from, to, 1);
    }
    spec
}

/// What the examples leave out of issue 11's TLS and HAProxy: HAProxy in
/// the active/passive group by a `haproxy` block alone (plain HTTP) with
/// timeouts of its own; TLS on both interfaces in active/passive, a PEM
/// path HAProxy reads only quoted (`'\''`), and the CA nova reads from
/// `[ssl] ca_file` (Ocata) or `[glance] cafile`, cinder from
/// `glance_ca_certificates_file`. Each round-trips complete and builds
/// the same bundle.
#[test]
fn tls_and_haproxy_settings_round_trip() {
    if !tools() {
        return;
    }
    let tls = "tls {\n  certificate = \"/etc/haproxy/certs/o'brien glance.pem\"\n  ca = \"/etc/ssl/certs/cloud ca.pem\"\n}\n\nconsumer nova {}";
    let https = [
        (
            "public   = vip.internal",
            "scheme = \"https\"\n  public   = vip.internal",
        ),
        ("consumer nova {}", tls),
    ];
    let variants = [
        (
            "proxied-http",
            variant(
                "seed.glha",
                &[(
                    "consumer nova {}",
                    "haproxy {\n  timeout_client = 2h\n  timeout_server = 90m\n  timeout_connect = 10s\n}\n\nconsumer nova {}",
                )],
            ),
        ),
        ("https-ocata", variant("seed.glha", &https)),
        (
            "https-both",
            variant(
                "split-vips.glha",
                &[
                    ("internal = vip.internal", "internal { host = vip.internal  scheme = \"https\" }"),
                    ("tls { certificate = \"/etc/haproxy/certs/glance-public.pem\" }", &tls.replace("\n\nconsumer nova {}", "")),
                ],
            ),
        ),
    ];
    let tmp = tempfile::tempdir().unwrap();
    for (name, spec) in variants {
        let path = Utf8PathBuf::from_path_buf(tmp.path().join(format!("{name}.glha"))).unwrap();
        std::fs::write(&path, spec).unwrap();
        let h = lay_out(&path);
        round_trip(name, &h, "cib.xml");
        let imported = h.dir.join("imported-cib.xml.glha");
        same_bundle(name, &h, &imported);
        let text = std::fs::read_to_string(&imported).unwrap();
        let want: &[&str] = match name {
            "proxied-http" => &[
                "haproxy {",
                "timeout_client  = 2h",
                "timeout_server  = 5400s",
                "timeout_connect = 10s",
            ],
            _ => &[
                "certificate = \"/etc/haproxy/certs/o'brien glance.pem\"",
                "ca          = \"/etc/ssl/certs/cloud ca.pem\"",
            ],
        };
        for w in want {
            assert!(text.contains(w), "{name}: no {w:?} in\n{text}");
        }
        round_trip(name, &h, "cib.crm");
    }
}

/// The guide's host: Debian 12's shipped glance-api.conf and Zed's
/// nova.conf with the guide's lines, the guide's crm configuration (with
/// fencing left to the cluster set-up: disabled), its endpoints.
fn guide_host() -> (tempfile::TempDir, Utf8PathBuf) {
    use common::guide;
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
    let fixtures = common::root().join("tests/fixtures/stale");
    let root = dir.join("root");
    let debian = std::fs::read_to_string(fixtures.join("debian12-glance-api.conf")).unwrap();
    write(
        &root.join("etc/glance/glance-api.conf"),
        &guide::with_lines(&debian, "DEFAULT", guide::GLANCE),
    );
    let nova = sample("nova", Release::Zed, false).unwrap();
    write(
        &root.join("etc/nova/nova.conf"),
        &guide::with_lines(&nova, "glance", guide::NOVA),
    );
    let nodes = [
        ("controller1".to_string(), "10.0.0.12".to_string()),
        ("controller2".into(), "10.0.0.13".into()),
    ];
    write(&root.join("etc/corosync/corosync.conf"), &corosync(&nodes));
    let cib = dir.join("load.xml");
    let empty = Command::new("cibadmin").arg("--empty").output().unwrap();
    std::fs::write(&cib, empty.stdout).unwrap();
    let c = |args: &[&str]| {
        pcmk::on_cib(cib.as_std_path(), "cibadmin", args);
    };
    c(&["--modify", "--xml-text", "<cib have-quorum=\"1\"/>"]);
    for (i, (n, _)) in nodes.iter().enumerate() {
        c(&[
            "--create",
            "-o",
            "nodes",
            "--xml-text",
            &format!("<node id=\"{}\" uname=\"{n}\"/>", i + 1),
        ]);
    }
    let crm = std::fs::read_to_string(fixtures.join("guide.crm")).unwrap();
    pcmk::crm_load_allowing(
        cib.as_std_path(),
        &format!("property stonith-enabled=false\n{crm}"),
        &[NO_FENCING],
    );
    write(
        &dir.join("cib.xml"),
        &pcmk::on_cib(cib.as_std_path(), "cibadmin", &["-Q"]),
    );
    std::fs::copy(
        fixtures.join("guide-endpoints.json"),
        dir.join("endpoints.json"),
    )
    .unwrap();
    (tmp, dir)
}

#[test]
fn the_guides_host_differs_by_its_stale_keys_and_what_replaces_them() {
    if !tools() {
        return;
    }
    let (_tmp, dir) = guide_host();
    let inputs = [
        "--root",
        "root",
        "--cib",
        "cib.xml",
        "--endpoints",
        "endpoints.json",
    ];
    let mut args = vec!["import", "-o", "guide.glha", "--format", "json"];
    args.extend(inputs);
    let o = glhac(&args, &dir, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let report: Json = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(report["status"], "partial");
    assert_eq!(report["release"]["release"], "zed", "{report:#}");
    assert_eq!(report["release"]["how"], "guessed");
    // What the spec cannot say: the guide's VIP monitor (glha writes its
    // own), and its public endpoint on 203.0.113.11, an address no resource
    // of the guide holds: nothing glha configures would serve it (E0501),
    // so the spec registers it on the VIP, as examples/seed.glha does.
    let unexpressed: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "not_expressed")
        .map(|n| n["what"].as_str().unwrap())
        .collect();
    assert_eq!(unexpressed.len(), 2, "{unexpressed:#?}");
    assert!(
        unexpressed[0].contains("p_ip_glance-api")
            && unexpressed[0].contains("monitor interval=30s")
    );
    assert!(
        unexpressed[1].contains("http://203.0.113.11:9292")
            && unexpressed[1].contains("written on vip.internal"),
        "{unexpressed:#?}"
    );
    for ok in [
        &["fmt", "--check", "guide.glha"][..],
        &["check", "guide.glha"],
    ] {
        let o = glhac(ok, &dir, &[]);
        assert!(o.status.success(), "{ok:?}: {}", text(&o));
    }
    // The guide's passwords (of the database, and of the admin user its
    // agent logs in as); glance's Keystone password is not on the host.
    let env = [
        ("GLANCE_DB_PASSWORD".to_string(), "password".to_string()),
        (
            "GLANCE_API_OS_PASSWORD".to_string(),
            "secretsecret".to_string(),
        ),
        (
            "GLANCE_KEYSTONE_PASSWORD".to_string(),
            "glance-pw".to_string(),
        ),
    ];
    let secrets: Vec<&str> = report["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        secrets,
        [
            "GLANCE_DB_PASSWORD",
            "GLANCE_KEYSTONE_PASSWORD",
            "GLANCE_API_OS_PASSWORD"
        ]
    );
    let mut args = vec!["diff", "guide.glha", "--format", "json"];
    args.extend(inputs);
    let o = glhac(&args, &dir, &env);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let diff: Json = serde_json::from_slice(&o.stdout).unwrap();
    let ini = |target: &str, kind: &str| -> Vec<String> {
        diff["ini"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["target"] == target)
            .flat_map(|f| f["changes"].as_array().unwrap().iter())
            .filter(|c| c["kind"] == kind)
            .map(|c| {
                format!(
                    "[{}] {}",
                    c["section"].as_str().unwrap(),
                    c["key"].as_str().unwrap()
                )
            })
            .collect()
    };
    let glance = "/etc/glance/glance-api.conf";
    // The stale keys of the guide's lines, as tests/stale_keys.rs lists
    // them for Zed: nothing else is removed.
    assert_eq!(
        ini(glance, "remove"),
        [
            "[DEFAULT] sql_connection",
            "[DEFAULT] registry_host",
            "[DEFAULT] notifier_strategy",
            "[DEFAULT] rabbit_host"
        ]
    );
    // What replaces them, with the same values (the database URL and
    // RabbitMQ host come from the stale keys); and what glha writes that
    // the host leaves to defaults (bind_port 9292, the paste flavor) or
    // does not have (glance's Keystone password: Debian's file has none).
    let mut added = ini(glance, "add");
    added.sort();
    assert_eq!(
        added,
        [
            "[DEFAULT] bind_port",
            "[DEFAULT] transport_url",
            "[database] connection",
            "[keystone_authtoken] password",
            "[oslo_messaging_notifications] driver",
            "[paste_deploy] flavor",
        ]
    );
    assert_eq!(ini(glance, "change"), Vec::<String>::new());
    // nova's bare address gets its scheme and port.
    assert_eq!(
        ini("/etc/nova/nova.conf", "change"),
        ["[glance] api_servers"]
    );
    // In the CIB only the VIP's monitor, which the spec cannot express.
    let pcmk: Vec<String> = diff["pacemaker"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {}",
                c["kind"].as_str().unwrap(),
                c["object"].as_str().unwrap(),
                c["id"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(pcmk, ["change primitive p_ip_glance-api"]);
    // In the catalog only the public endpoint moves: the guide registers it
    // on its PUBLIC_VIP, which its Pacemaker steps never configure, so it
    // answers nowhere; glha registers only URLs it serves (issue 11's
    // rule) and moves it to the VIP glance-api answers on. The internal and
    // admin endpoints stay.
    let endpoints: Vec<String> = diff["endpoints"]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            format!(
                "{} {} {} -> {}",
                c["kind"].as_str().unwrap(),
                c["interface"].as_str().unwrap(),
                c["live_url"].as_str().unwrap_or("-"),
                c["url"].as_str().unwrap_or("-")
            )
        })
        .collect();
    assert_eq!(
        endpoints,
        [
            "update public http://203.0.113.11:9292 -> http://10.0.0.11:9292",
            "unchanged internal http://10.0.0.11:9292 -> http://10.0.0.11:9292",
            "unchanged admin http://10.0.0.11:9292 -> http://10.0.0.11:9292",
        ]
    );
}

/// A small host: glance-api.conf with a few settings, corosync.conf, and
/// a CIB in XML with `resources` and `constraints` as given.
fn small_host(
    glance: &str,
    resources: &str,
    constraints: &str,
    extra: &str,
) -> (tempfile::TempDir, Utf8PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
    write(&dir.join("root/etc/glance/glance-api.conf"), glance);
    let nodes = [
        ("c1".to_string(), "10.0.0.12".to_string()),
        ("c2".into(), "10.0.0.13".into()),
    ];
    write(
        &dir.join("root/etc/corosync/corosync.conf"),
        &corosync(&nodes),
    );
    write(
        &dir.join("cib.xml"),
        &format!(
            "<cib admin_epoch=\"0\" epoch=\"1\" num_updates=\"0\">\n<configuration>\n<crm_config><cluster_property_set id=\"cib-bootstrap-options\"><nvpair id=\"p1\" name=\"stonith-enabled\" value=\"false\"/></cluster_property_set></crm_config>\n<nodes><node id=\"1\" uname=\"c1\"/><node id=\"2\" uname=\"c2\"/></nodes>\n<resources>\n{resources}\n</resources>\n<constraints>\n{constraints}\n</constraints>\n{extra}\n</configuration>\n<status/>\n</cib>\n"
        ),
    );
    write(&dir.join("endpoints.json"), "[]\n");
    (tmp, dir)
}

const SMALL_GLANCE: &str = "[DEFAULT]\nbind_host = 10.0.0.11\ntransport_url = rabbit://openstack:r%40b@10.0.0.11:5672/\n[database]\nconnection = mysql+pymysql://glance:db%3Apw@10.0.0.11/glance\n";

const GROUP: &str = "<group id=\"g_glance-api\">\n<primitive id=\"p_ip_glance-api\" class=\"ocf\" provider=\"heartbeat\" type=\"IPaddr2\"><instance_attributes id=\"a\"><nvpair id=\"a1\" name=\"ip\" value=\"10.0.0.11\"/><nvpair id=\"a2\" name=\"cidr_netmask\" value=\"24\"/></instance_attributes><operations><op id=\"o1\" name=\"monitor\" interval=\"10s\" timeout=\"20s\"/></operations></primitive>\n<primitive id=\"p_glance-api\" class=\"systemd\" type=\"glance-api\"><operations><op id=\"o2\" name=\"monitor\" interval=\"60s\" timeout=\"100s\"/></operations></primitive>\n</group>";

/// HAProxy's section as glha cannot write it: a second PEM, a TLS bind
/// without a PEM file (a crt-list). Those are notes; the first PEM is the
/// tls block's. HAProxy in glance's group with no https endpoint is kept
/// by an empty `haproxy {}`; a `p_haproxy` outside the group (another
/// service's) is not glance's.
#[test]
fn haproxys_section_beyond_the_spec_is_noted() {
    let with_haproxy = GROUP.replace(
        "<primitive id=\"p_glance-api\"",
        "<primitive id=\"p_haproxy\" class=\"systemd\" type=\"haproxy\"/>\n<primitive id=\"p_glance-api\"",
    );
    let listen = "listen glance-api\n    bind 10.0.0.11:9292 ssl crt '/etc/haproxy/o'\\''a.pem'\n    bind 10.0.0.11:9393 ssl crt /etc/haproxy/b.pem\n    bind 10.0.0.11:9494 ssl crt-list /etc/haproxy/list\n    mode http\n    timeout client 6h\n    timeout server 6h\n    timeout connect 5s\n    server local 127.0.0.1:9292 check inter 2s rise 2 fall 5\n";
    let import = |resources: &str| {
        let (tmp, dir) = small_host(SMALL_GLANCE, resources, "", "");
        write(
            &dir.join("root/etc/haproxy/haproxy.cfg"),
            &format!("{HAPROXY_BASE}\n{listen}"),
        );
        let o = glhac(
            &[
                "import",
                "--root",
                "root",
                "--cib",
                "cib.xml",
                "--release",
                "zed",
                "-o",
                "out.glha",
                "--format",
                "json",
            ],
            &dir,
            &[],
        );
        let report: Json = serde_json::from_slice(&o.stdout).unwrap();
        let spec = std::fs::read_to_string(dir.join("out.glha")).unwrap();
        (tmp, report, spec)
    };
    let (_t, report, spec) = import(&with_haproxy);
    assert!(
        spec.contains("haproxy {}") || spec.contains("haproxy {\n"),
        "{spec}"
    );
    assert!(
        spec.contains("certificate = \"/etc/haproxy/o'a.pem\""),
        "{spec}"
    );
    let notes: Vec<&str> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["place"] == "tls")
        .map(|n| n["what"].as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2, "{notes:#?}");
    assert!(
        notes[0].contains("9494") && notes[0].contains("crt-list"),
        "{notes:#?}"
    );
    assert!(notes[1].contains("/etc/haproxy/b.pem"), "{notes:#?}");
    // Outside the group: not in front of glance-api, its section not read.
    let apart =
        format!("{GROUP}\n<primitive id=\"p_haproxy\" class=\"systemd\" type=\"haproxy\"/>");
    let (_t, _, spec) = import(&apart);
    assert!(
        !spec.contains("haproxy {") && !spec.contains("tls {"),
        "{spec}"
    );
    assert!(spec.contains("p_haproxy"), "{spec}");
}

#[test]
fn what_the_spec_cannot_express_is_a_comment_and_the_import_is_partial() {
    let resources = format!("{GROUP}\n<primitive id=\"glance-api-old\" class=\"systemd\" type=\"openstack-glance-api\"/>\n<primitive id=\"p_keystone\" class=\"systemd\" type=\"keystone\"/>");
    let constraints = "<rsc_location id=\"l_maintenance\" rsc=\"g_glance-api\"><rule id=\"r1\" score=\"-INFINITY\"><date_expression id=\"d1\" operation=\"in_range\" start=\"2025-01-01\" end=\"2025-02-01\"/></rule></rsc_location>";
    let defaults = "<rsc_defaults><meta_attributes id=\"rd\"><nvpair id=\"rd1\" name=\"resource-stickiness\" value=\"100\"/></meta_attributes></rsc_defaults>";
    let (_tmp, dir) = small_host(SMALL_GLANCE, &resources, constraints, defaults);
    let o = glhac(
        &[
            "import",
            "--root",
            "root",
            "--cib",
            "cib.xml",
            "--endpoints",
            "endpoints.json",
            "--release",
            "zed",
            "-o",
            "out.glha",
            "--format",
            "json",
        ],
        &dir,
        &[],
    );
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let spec = std::fs::read_to_string(dir.join("out.glha")).unwrap();
    let report: Json = serde_json::from_slice(&o.stdout).unwrap();
    let notes: Vec<String> = report["notes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|n| n["kind"] == "not_expressed")
        .map(|n| n["what"].as_str().unwrap().to_string())
        .collect();
    for (needle, why) in [
        (
            "a second glance-api primitive `glance-api-old`",
            "a second glance-api primitive",
        ),
        ("l_maintenance", "a location rule with a date expression"),
        ("rsc_defaults resource-stickiness=100", "resource defaults"),
    ] {
        assert!(
            notes.iter().any(|n| n.contains(needle)),
            "{why}: {notes:#?}"
        );
        assert!(
            spec.lines()
                .any(|l| l.trim_start().starts_with("# Not imported:") && l.contains(needle)),
            "{why} is not a comment in:\n{spec}"
        );
    }
    // Another service's resource is not glance's: named, not imported.
    assert!(spec.contains("p_keystone"), "{spec}");
    assert!(!notes.iter().any(|n| n.contains("p_keystone")));
    // The spec still compiles; secret values are nowhere.
    let o = glhac(&["check", "out.glha"], &dir, &[]);
    assert!(o.status.success(), "{}", text(&o));
    for v in ["db:pw", "db%3Apw", "r@b", "r%40b"] {
        assert!(!spec.contains(v) && !String::from_utf8_lossy(&o.stdout).contains(v));
    }
    let names: Vec<&str> = report["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["GLANCE_DB_PASSWORD", "RABBIT_PASSWORD"]);
}

#[test]
fn unreadable_input_is_named_by_file_and_line_and_nothing_is_written() {
    let cases: [(&str, &str, &str, &str, &str); 5] = [
        (
            "glance-api.conf",
            "[DEFAULT]\nbind_host 10.0.0.11\n",
            "",
            "etc/glance/glance-api.conf:2: No ':' or '=' found in assignment",
            "a line with no `=`",
        ),
        (
            "glance-api.conf",
            "[DEFAULT]\n[database\nconnection = x\n",
            "",
            "etc/glance/glance-api.conf:2: Invalid section (must end with ])",
            "an unterminated section",
        ),
        (
            "cib.xml",
            "node c1\nprimitive p Dummy\nthis is not a CIB\n",
            "",
            "cib.xml:3: `this` starts no `crm configure show` statement",
            "a CIB that is neither XML nor crm text",
        ),
        (
            "cib.xml",
            "<cib>\n<configuration>\n<resources>\n</configuration>\n</cib>\n",
            "",
            "cib.xml:4: </configuration> closes <resources>",
            "broken XML",
        ),
        (
            "endpoints.json",
            "{\"endpoints\": []}\n",
            "",
            "endpoints.json:1: not a JSON list of endpoints",
            "JSON that is not an endpoint list",
        ),
    ];
    for (file, body, _, expected, what) in cases {
        let (_tmp, dir) = small_host(SMALL_GLANCE, GROUP, "", "");
        let target = match file {
            "glance-api.conf" => dir.join("root/etc/glance/glance-api.conf"),
            other => dir.join(other),
        };
        write(&target, body);
        write(&dir.join("out.glha"), "# the operator's own\n");
        let o = glhac(
            &[
                "import",
                "--root",
                "root",
                "--cib",
                "cib.xml",
                "--endpoints",
                "endpoints.json",
                "-o",
                "out.glha",
            ],
            &dir,
            &[],
        );
        assert_eq!(o.status.code(), Some(2), "{what}: {}", text(&o));
        assert!(text(&o).contains(expected), "{what}: {}", text(&o));
        assert!(text(&o).contains("nothing written"), "{what}: {}", text(&o));
        assert_eq!(
            std::fs::read_to_string(dir.join("out.glha")).unwrap(),
            "# the operator's own\n",
            "{what}"
        );
    }
}

/// glance-api.conf of a Swift store, and its glance-swift.conf.
const SWIFT_GLANCE: &str = "[glance_store]\nstores = swift\ndefault_store = swift\nswift_store_config_file = /etc/glance/glance-swift.conf\ndefault_swift_reference = images\n";

#[test]
fn a_swift_stores_credentials_are_read_as_glance_store_reads_them() {
    let glance = format!("{SMALL_GLANCE}{SWIFT_GLANCE}");
    // configparser's dialect: [DEFAULT] as every section's fallback, `%%`,
    // a `%(name)s` reference, quotes, upper-case option names.
    let swift = "[DEFAULT]\nauth_address = http://%(vip)s:5000/v3\nvip = 10.0.0.11\n\n[images]\nUSER = service:glance\nkey = \"s3cr%%t\"\nuser_domain_id = default\nproject_domain_name = Default\napplication_credential_secret = app-s3cr\n";
    let (_tmp, dir) = small_host(&glance, GROUP, "", "");
    let conf = dir.join("root/etc/glance/glance-swift.conf");
    write(&conf, swift);
    let args = [
        "import",
        "--root",
        "root",
        "--cib",
        "cib.xml",
        "--release",
        "zed",
        "-o",
        "out.glha",
        "--format",
        "json",
    ];
    let o = glhac(&args, &dir, &[]);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let spec = std::fs::read_to_string(dir.join("out.glha")).unwrap();
    let report: Json = serde_json::from_slice(&o.stdout).unwrap();
    let flat: String = spec
        .lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .collect::<Vec<_>>()
        .join("\n");
    for line in [
        "user = \"glance\"",
        "project = \"service\"",
        "password = secret env \"GLANCE_SWIFT_PASSWORD\"",
        "auth_url = \"http://10.0.0.11:5000/v3\"",
    ] {
        assert!(flat.contains(line), "{line} not in:\n{spec}");
    }
    assert!(!spec.contains("user_domain"), "{spec}");
    let secret = report["secrets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == "GLANCE_SWIFT_PASSWORD")
        .unwrap();
    assert_eq!(
        secret["found"],
        "/etc/glance/glance-swift.conf:7 [images] key"
    );
    // An application credential is read by glance_store, not written by
    // glha: a comment and a note, its value nowhere.
    let notes = report["notes"].to_string();
    assert!(
        notes.contains(
            "glance-swift.conf:10 [images] application_credential_secret (value not shown)"
        ),
        "{notes}"
    );
    assert!(spec.contains("# Not imported: /etc/glance/glance-swift.conf:10"));
    // The import's own check is diff's, which reads glance-swift.conf too:
    // Zed's glance_store needs `auth_version = 3`, which the host lacks,
    // and glha names the user's domain where the host gives its id.
    let changes: Vec<&str> = report["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(
        changes
            .iter()
            .filter(|c| c.starts_with("/etc/glance/glance-swift.conf"))
            .collect::<Vec<_>>(),
        [
            &"/etc/glance/glance-swift.conf [images] auth_version: add 3",
            &"/etc/glance/glance-swift.conf [images] user_domain_name: add Default"
        ],
        "{changes:#?}"
    );
    for v in ["s3cr", "app-s3cr"] {
        assert!(!spec.contains(v) && !text(&o).contains(v), "{v}");
    }
    // A user glance_store cannot split into project and user: a note.
    write(&conf, &swift.replace("service:glance", "glance"));
    let o = glhac(&args, &dir, &[]);
    let report: Json = serde_json::from_slice(&o.stdout).unwrap();
    assert!(
        report["notes"]
            .to_string()
            .contains("glance-swift.conf:6 [images] user is not PROJECT:USER"),
        "{report:#}"
    );
    // A `%` configparser refuses: exit 2 with the file and line.
    write(&conf, &swift.replace("s3cr%%t", "s3cr%t"));
    write(&dir.join("out.glha"), "# the operator's own\n");
    let o = glhac(&args, &dir, &[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains(
            "etc/glance/glance-swift.conf:7: [images] key: a `%` must be followed by `%` or `(`"
        ),
        "{}",
        text(&o)
    );
    assert!(!text(&o).contains("s3cr"));
    assert_eq!(
        std::fs::read_to_string(dir.join("out.glha")).unwrap(),
        "# the operator's own\n"
    );
}
