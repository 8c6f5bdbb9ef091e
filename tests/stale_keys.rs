//! Stale keys, end to end, on the hosts the HA guide's readers built by
//! hand: for every release with a full option dump, that release's sample
//! files (scripts/gen-sample-conf.py from the dump) with the guide's lines
//! added — and for Zed also Debian 12's shipped glance-api.conf — go
//! through `glhac diff --save-plan` and `glhac apply`; then
//! oslo-config-validator --fatal-warnings, with that release's data, finds
//! nothing, a second diff finds nothing either, and the report named every
//! stale key it removed.
//!
//! Also: the tables generated from the dumps are up to date.
//!
//! The validator and the sample generator (Python 3 with PyYAML) are real
//! tools: missing, they skip loudly; with GLHA_REQUIRE_TOOLS=1 (CI) they fail.

mod common;

use camino::{Utf8Path, Utf8PathBuf};
use common::guide::{with_lines, GLANCE as GUIDE_GLANCE, NOVA as GUIDE_NOVA};
use glha::Release;
use serde_json::Value as Json;
use std::process::{Command, Output};

const DATA: &str = "tests/data/openstack-options";

fn spec() -> Utf8PathBuf {
    common::root().join("tests/fixtures/stale/guide.glha")
}

fn glhac(args: &[&str], cwd: &Utf8Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glhac"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

use common::output_text as text;

fn tools() -> bool {
    common::python_yaml() && common::tool("/usr/bin/oslo-config-validator")
}

/// The sample file of a dump, as scripts/gen-sample-conf.py writes it.
fn sample(dump: &str) -> String {
    common::run_ok(
        Command::new("python3")
            .arg(common::root().join("scripts/gen-sample-conf.py"))
            .arg(common::root().join(DATA).join(dump)),
        &format!("gen-sample-conf.py {dump}"),
    )
}

/// The full dump of `service` for `release`, if the repository has one.
fn full_dump(service: &str, release: Release) -> Option<&'static str> {
    glha::release::settings::data_releases(service)
        .into_iter()
        .find(|(r, d)| *r == release && !d.contains("sample"))
        .map(|(_, d)| d)
}

struct Host {
    _tmp: tempfile::TempDir,
    dir: Utf8PathBuf,
    /// (service, file under root, option data)
    files: Vec<(&'static str, String, &'static str)>,
}

/// A host tree for `release`: glance-api.conf (the given text, or the
/// release's sample) with the guide's lines; nova.conf and cinder.conf
/// from their samples where the release has their data.
fn host(release: Release, glance: Option<&str>) -> Host {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
    let mut files = Vec::new();
    let glance_dump = full_dump("glance-api", release).unwrap();
    let glance = glance.map_or_else(|| sample(glance_dump), str::to_string);
    files.push((
        "glance-api",
        "etc/glance/glance-api.conf".to_string(),
        glance_dump,
        with_lines(&glance, "DEFAULT", GUIDE_GLANCE),
    ));
    if let Some(d) = full_dump("nova", release) {
        let nova = with_lines(&sample(d), "glance", GUIDE_NOVA);
        files.push(("nova", "etc/nova/nova.conf".into(), d, nova));
    }
    if let Some(d) = full_dump("cinder", release) {
        files.push(("cinder", "etc/cinder/cinder.conf".into(), d, sample(d)));
    }
    let root = dir.join("root");
    // Without their data, nova.conf and cinder.conf hold only the guide's
    // lines (glha writes them; there is nothing to validate them with).
    let mut bodies = vec![
        (
            "etc/nova/nova.conf".to_string(),
            format!("[glance]\n{GUIDE_NOVA}"),
        ),
        ("etc/cinder/cinder.conf".to_string(), String::new()),
    ];
    bodies.extend(files.iter().map(|(_, p, _, b)| (p.clone(), b.clone())));
    for (path, body) in bodies {
        let p = root.join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, body).unwrap();
    }
    Host {
        _tmp: tmp,
        dir,
        files: files.into_iter().map(|(s, p, d, _)| (s, p, d)).collect(),
    }
}

/// `glhac diff --format json` (and `--save-plan plan.json`) for `release`.
fn diff_json(h: &Host, release: Release, save: bool) -> (i32, Json) {
    let spec = spec();
    let mut args = vec![
        "diff",
        spec.as_str(),
        "--release",
        release.name(),
        "--root",
        "root",
        "--format",
        "json",
    ];
    if save {
        args.extend(["--save-plan", "plan.json"]);
    }
    let o = glhac(&args, &h.dir);
    let code = o.status.code().unwrap_or(-1);
    assert!(code == 0 || code == 1, "diff {release}: {}", text(&o));
    (code, serde_json::from_slice(&o.stdout).unwrap())
}

/// The stale keys the report lists for `target`: (section, key, action).
fn stale_of(report: &Json, target: &str) -> Vec<(String, String, String)> {
    let file = report["ini"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target"] == target)
        .unwrap_or_else(|| panic!("no {target} in the report"));
    file["stale"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["section"].as_str().unwrap().to_string(),
                s["key"].as_str().unwrap().to_string(),
                s["action"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Diff, apply, validate, diff again.
fn guarantee(release: Release, glance: Option<&str>) -> Vec<String> {
    let h = host(release, glance);
    let (code, report) = diff_json(&h, release, true);
    assert_eq!(code, 1, "{release}: the guide's host must differ");
    // The guide's stale lines, removed; bind_host only once the release
    // has no such option (2026.2), before that glha rewrites it.
    let removed: Vec<String> = stale_of(&report, "/etc/glance/glance-api.conf")
        .into_iter()
        .filter(|(_, _, a)| a == "remove")
        .map(|(s, k, _)| format!("[{s}] {k}"))
        .collect();
    let mut expected = vec![
        "[DEFAULT] sql_connection",
        "[DEFAULT] registry_host",
        "[DEFAULT] notifier_strategy",
        "[DEFAULT] rabbit_host",
    ];
    if release >= Release::R2026_2 {
        expected.insert(1, "[DEFAULT] bind_host");
    }
    assert_eq!(removed, expected, "{release}");
    // The sample files are 0644; they will hold passwords.
    let o = glhac(
        &["apply", "plan.json", "--root", "root", "--tighten-modes"],
        &h.dir,
    );
    assert!(o.status.success(), "apply {release}: {}", text(&o));
    let mut summary = Vec::new();
    for (service, path, dump) in &h.files {
        let out = common::run_ok(
            Command::new("bash")
                .arg(common::root().join("tests/support/oslo-check.sh"))
                .arg(common::root().join(DATA).join(dump))
                .arg(h.dir.join("root").join(path))
                .arg("--fatal-warnings"),
            &format!("oslo-config-validator {release} on {path}"),
        );
        // Nothing on glha's account: not even a warning or an error the
        // validator would let pass.
        let findings: Vec<&str> = out
            .lines()
            .filter(|l| l.starts_with("WARNING") || l.starts_with("ERROR"))
            .collect();
        assert!(findings.is_empty(), "{release} {path}: {findings:?}");
        summary.push(format!("{release} {service}: {dump}"));
    }
    let (code, again) = diff_json(&h, release, false);
    assert_eq!(code, 0, "{release}: changes after apply: {again:#}");
    summary
}

fn full_releases() -> Vec<Release> {
    glha::release::settings::data_releases("glance-api")
        .into_iter()
        .filter(|(_, d)| !d.contains("sample"))
        .map(|(r, _)| r)
        .collect()
}

#[test]
fn the_guides_host_is_validator_clean_after_apply_for_every_release_with_a_full_dump() {
    if !tools() {
        return;
    }
    let releases = full_releases();
    assert_eq!(
        releases.iter().map(|r| r.name()).collect::<Vec<_>>(),
        ["victoria", "zed", "2024.1", "2025.2", "2026.1", "2026.2"]
    );
    let mut done = Vec::new();
    for r in releases {
        done.extend(guarantee(r, None));
    }
    eprintln!("validated after apply:\n  {}", done.join("\n  "));
    assert_eq!(
        done.len(),
        6 + 2 + 2,
        "glance-api 6 releases, nova and cinder 2 each"
    );
}

#[test]
fn debians_shipped_glance_api_conf_with_the_guides_lines_is_validator_clean_after_apply() {
    if !tools() {
        return;
    }
    let shipped = std::fs::read_to_string(
        common::root().join("tests/fixtures/stale/debian12-glance-api.conf"),
    )
    .unwrap();
    assert_eq!(shipped.lines().count(), 6850);
    guarantee(Release::Zed, Some(&shipped));
}

/// The report, text and JSON, without tools: why, what replaces each key,
/// what happens to it, and no secret value anywhere.
#[test]
fn the_report_names_each_stale_key_and_masks_secrets() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
    let conf = dir.join("root/etc/glance/glance-api.conf");
    std::fs::create_dir_all(conf.parent().unwrap()).unwrap();
    std::fs::write(
        &conf,
        "[DEFAULT]\nsql_connection = mysql://glance:LIVE-SECRET-1@10.0.0.11/glance\n\
         rabbit_password = LIVE-SECRET-2\nregistry_host = 10.0.0.11\nworkers = 4\n\
         [oslo_messaging_rabbit]\nrabbit_userid = guest\n\
         [cors]\nno_such_option = 1\n",
    )
    .unwrap();
    let spec = spec();
    let args = |fmt: &'static str| {
        vec![
            "diff",
            spec.as_str(),
            "--release",
            "2026.2",
            "--root",
            "root",
            "--format",
            fmt,
        ]
    };
    let o = glhac(&args("text"), &dir);
    let t = text(&o);
    assert_eq!(o.status.code(), Some(1), "{t}");
    assert!(!t.contains("LIVE-SECRET"), "{t}");
    for line in [
        "- [DEFAULT] sql_connection = (sensitive)  (unknown to 2026.2 (2026.2 option data, glance-api-2026.2-33.0.0.opts.yaml); replaced by [database] connection (which glha writes))",
        "- [DEFAULT] rabbit_password = (sensitive)  (unknown to 2026.2 (2026.2 option data, glance-api-2026.2-33.0.0.opts.yaml); replaced by [DEFAULT] transport_url (which glha writes))",
        "- [DEFAULT] registry_host = 10.0.0.11  (unknown to 2026.2 (2026.2 option data, glance-api-2026.2-33.0.0.opts.yaml); nothing replaces it: glance-registry was removed in Victoria; glance-api reads the database itself)",
        "- [oslo_messaging_rabbit] rabbit_userid = guest  (unknown to 2026.2",
        "! stale, kept: [DEFAULT] workers = 4  (unknown to 2026.2 (2026.2 option data, glance-api-2026.2-33.0.0.opts.yaml); nothing known replaces it)",
        "note: stale, kept (section not managed by glha): [cors] no_such_option = 1  (unknown to 2026.2",
    ] {
        assert!(t.contains(line), "missing {line:?} in:\n{t}");
    }
    let o = glhac(&args("json"), &dir);
    let j = String::from_utf8_lossy(&o.stdout).to_string();
    assert!(!j.contains("LIVE-SECRET"), "{j}");
    let report: Json = serde_json::from_str(&j).unwrap();
    let glance = report["ini"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["target"] == "/etc/glance/glance-api.conf")
        .unwrap();
    let stale = glance["stale"].as_array().unwrap();
    let notifier = stale
        .iter()
        .find(|s| s["key"] == "rabbit_password")
        .unwrap();
    assert_eq!(notifier["live"], "(sensitive)");
    assert_eq!(notifier["action"], "remove");
    assert_eq!(
        notifier["reason"],
        serde_json::json!({"kind": "unknown", "release": "2026.2", "section_known": true})
    );
    assert_eq!(
        notifier["replaced_by"],
        serde_json::json!([{"section": "DEFAULT", "key": "transport_url", "written": true}])
    );
    let registry = stale.iter().find(|s| s["key"] == "registry_host").unwrap();
    assert!(registry["gone"]
        .as_str()
        .unwrap()
        .contains("glance-registry"));
    let cors = stale.iter().find(|s| s["section"] == "cors").unwrap();
    assert_eq!(cors["action"], "note");
}

/// src/release/generated.rs and src/release/known.rs are what
/// scripts/gen-release-table.py makes of the dumps today.
#[test]
fn generated_tables_are_up_to_date() {
    if !(tools() && common::tool("rustfmt")) {
        return;
    }
    common::run_ok(
        Command::new("python3")
            .arg(common::root().join("scripts/gen-release-table.py"))
            .arg("--check"),
        "gen-release-table.py --check",
    );
}
