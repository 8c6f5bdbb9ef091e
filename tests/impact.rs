//! `glhac diff` predicts what applying the plan does to the running
//! cluster, with the real crm_simulate. Each live CIB is the seed's
//! configuration with one thing different, loaded by crmsh into an offline
//! CIB and settled by crm_simulate (so its status section is what a
//! running cluster's `cibadmin -Q` shows); diff compares the seed spec
//! with it. The transitions are pinned as glha renders them and as JSON.

mod common;

use common::live::{code, glhac, seed_variant, settled_cib, text};
use std::path::{Path, PathBuf};

/// diff of the seed against `cib`: exit code, text, JSON.
fn diff(dir: &Path, cib: &Path, env: &[(&str, &str)]) -> (i32, String, serde_json::Value) {
    let spec = common::root().join("examples/seed.glha");
    let args = ["diff", spec.as_str(), "--cib", cib.to_str().unwrap()];
    let o = glhac(&args, dir, env);
    let mut json_args = args.to_vec();
    json_args.extend(["--format", "json"]);
    let j = glhac(&json_args, dir, env);
    assert_eq!(code(&j), code(&o), "{}", text(&j));
    let v = serde_json::from_slice(&j.stdout).unwrap_or_else(|e| panic!("{e}: {}", text(&j)));
    (code(&o), text(&o), v)
}

/// The impact section of the text report.
fn impact(report: &str) -> Vec<String> {
    report
        .lines()
        .skip_while(|l| !l.starts_with("== impact"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

/// A settled live CIB of the seed whose VIP is 10.0.0.99: the seed then
/// moves it back to 10.0.0.11.
fn vip_moved_cib(dir: &Path) -> PathBuf {
    let live_spec = seed_variant(
        dir,
        "vip.glha",
        &[("address = 10.0.0.11/24", "address = 10.0.0.99/24")],
    );
    settled_cib(dir, "vip", Some(&live_spec), &[])
}

#[test]
fn a_changed_vip_restarts_the_vip_and_glance_api_through_the_group() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cib = vip_moved_cib(tmp.path());
    let (rc, out, json) = diff(tmp.path(), &cib, &[]);
    assert_eq!(rc, 1, "{out}");
    assert!(
        out.contains("  pacemaker: 1 to change (primitive p_ip_glance-api); impact: 2 resource or node actions (see below)\n"),
        "{out}"
    );
    assert_eq!(
        impact(&out),
        [
            "  restart p_ip_glance-api on controller2: due to resource definition change",
            "  restart p_glance-api on controller2: due to required p_ip_glance-api start",
        ]
    );
    let i = &json["pacemaker"]["impact"];
    assert_eq!(i["status"], "predicted");
    assert_eq!(
        i["transition"]["resources"],
        serde_json::json!([
            {"action": "restart", "resource": "p_ip_glance-api", "from": "controller2", "to": null,
             "role": null, "next_role": null, "reason": "resource definition change", "blocked": false},
            {"action": "restart", "resource": "p_glance-api", "from": "controller2", "to": null,
             "role": null, "next_role": null, "reason": "required p_ip_glance-api start", "blocked": false}
        ])
    );
    assert_eq!(i["pending"]["resources"], serde_json::json!([]));
    assert!(json["pacemaker"]["cib"]["epoch"].as_u64().is_some());
}

#[test]
fn a_changed_glance_api_parameter_restarts_glance_api_alone() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let live_spec = seed_variant(
        tmp.path(),
        "param.glha",
        &[(r#"username = "admin""#, r#"username = "glance""#)],
    );
    let cib = settled_cib(tmp.path(), "param", Some(&live_spec), &[]);
    let (rc, out, json) = diff(tmp.path(), &cib, &[]);
    assert_eq!(rc, 1, "{out}");
    assert!(
        out.contains("      param os_username: glance -> admin\n"),
        "{out}"
    );
    assert_eq!(
        impact(&out),
        ["  restart p_glance-api on controller2: due to resource definition change"]
    );
    let r = &json["pacemaker"]["impact"]["transition"]["resources"];
    assert_eq!(r.as_array().unwrap().len(), 1);
    assert_eq!(r[0]["action"], "restart");
    assert_eq!(r[0]["resource"], "p_glance-api");
}

#[test]
fn a_changed_monitor_interval_restarts_nothing() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let live_spec = seed_variant(
        tmp.path(),
        "monitor.glha",
        &[(
            "interval = 30s  timeout = 30s",
            "interval = 60s  timeout = 30s",
        )],
    );
    let cib = settled_cib(tmp.path(), "monitor", Some(&live_spec), &[]);
    let (rc, out, json) = diff(tmp.path(), &cib, &[]);
    assert_eq!(rc, 1, "{out}");
    assert!(
        out.contains("  pacemaker: 1 to change (primitive p_glance-api); impact: nothing stops, starts or moves\n"),
        "{out}"
    );
    assert_eq!(
        impact(&out),
        [
            "  nothing stops, starts, moves or restarts",
            "  monitor p_glance-api every 30s on controller2",
            "  cancel the 60s recurring operation of p_glance-api on controller2",
        ]
    );
    let t = &json["pacemaker"]["impact"]["transition"];
    assert_eq!(t["resources"], serde_json::json!([]));
    assert_eq!(t["nodes"], serde_json::json!([]));
    assert_eq!(
        t["recurring"][0],
        serde_json::json!({"resource": "p_glance-api", "op": "monitor", "interval": "30s", "node": "controller2"})
    );
}

#[test]
fn new_resources_start() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    // A cluster with fencing only: the first deployment.
    let cib = settled_cib(tmp.path(), "fresh", None, &[]);
    let (rc, out, _) = diff(tmp.path(), &cib, &[]);
    assert_eq!(rc, 1, "{out}");
    assert!(out.contains("pacemaker: 4 to add (primitive p_fs_glance-api, primitive p_ip_glance-api, primitive p_glance-api, group g_glance-api)"), "{out}");
    // The image store's mount first, then the VIP, then glance-api.
    assert_eq!(
        impact(&out),
        [
            "  start p_fs_glance-api on controller2",
            "  start p_ip_glance-api on controller2",
            "  start p_glance-api on controller2",
        ]
    );
}

#[test]
fn an_unsupplied_secret_is_assumed_unchanged_not_a_restart() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let pw = (
        "password = \"secretsecret\"",
        "password = secret env \"GLHA_TEST_KS_PW\"",
    );
    // Live: the VIP differs and the password came from the environment.
    let live_spec = seed_variant(
        tmp.path(),
        "live.glha",
        &[("address = 10.0.0.11/24", "address = 10.0.0.99/24"), pw],
    );
    let cib = settled_cib(
        tmp.path(),
        "secret",
        Some(&live_spec),
        &[("GLHA_TEST_KS_PW", "Kept-Secret-42")],
    );
    let plan_spec = seed_variant(tmp.path(), "plan.glha", &[pw]);
    let o = glhac(
        &[
            "diff",
            plan_spec.to_str().unwrap(),
            "--cib",
            cib.to_str().unwrap(),
        ],
        tmp.path(),
        &[],
    );
    let out = text(&o);
    assert_eq!(code(&o), 1, "{out}");
    assert!(!out.contains("Kept-Secret-42"), "{out}");
    // Not "due to resource definition change": the unknown password is
    // not a change.
    assert_eq!(
        impact(&out),
        [
            "  restart p_ip_glance-api on controller2: due to resource definition change",
            "  restart p_glance-api on controller2: due to required p_ip_glance-api start",
            "  assumed unchanged (their secret was not supplied): p_glance-api: param os_password",
        ]
    );
}

#[test]
fn impact_not_computed_says_why() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cib = vip_moved_cib(tmp.path());
    let line = |out: &str| {
        out.lines()
            .find(|l| l.starts_with("  pacemaker:"))
            .unwrap()
            .to_string()
    };

    // No crm_simulate on PATH.
    let (rc, out, json) = diff(tmp.path(), &cib, &[("PATH", "/nonexistent")]);
    assert_eq!(rc, 1, "{out}");
    assert_eq!(
        line(&out),
        "  pacemaker: 1 to change (primitive p_ip_glance-api); impact: not computed (crm_simulate not found)"
    );
    assert_eq!(
        json["pacemaker"]["impact"],
        serde_json::json!({"status": "not_computed", "reason": "crm_simulate not found"})
    );

    // No status section.
    let xml = std::fs::read_to_string(&cib).unwrap();
    let (a, b) = (
        xml.find("<status").unwrap(),
        xml.rfind("</status>").unwrap(),
    );
    let bare = tmp.path().join("bare.xml");
    std::fs::write(
        &bare,
        format!("{}{}", &xml[..a], &xml[b + "</status>".len()..]),
    )
    .unwrap();
    let (_, out, _) = diff(tmp.path(), &bare, &[]);
    assert!(line(&out).ends_with("impact: not computed (the CIB has no status section; give `cibadmin -Q` of a running cluster)"), "{out}");

    // `crm configure show` text.
    let show = common::pcmk::on_cib(&cib, "crm", &["configure", "show"]);
    let show_path = tmp.path().join("show.txt");
    std::fs::write(&show_path, show).unwrap();
    let (_, out, _) = diff(tmp.path(), &show_path, &[]);
    assert!(
        line(&out).ends_with("impact: not computed (the CIB is `crm configure show` text, without status; give `cibadmin -Q` XML)"),
        "{out}"
    );
}

#[test]
fn a_saved_plan_records_the_transition_and_the_cib_version() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let cib = vip_moved_cib(tmp.path());
    let spec = common::root().join("examples/seed.glha");
    let o = glhac(
        &[
            "diff",
            spec.as_str(),
            "--cib",
            cib.to_str().unwrap(),
            "--save-plan",
            "plan.json",
        ],
        tmp.path(),
        &[],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    let plan: serde_json::Value =
        serde_json::from_slice(&std::fs::read(tmp.path().join("plan.json")).unwrap()).unwrap();
    assert_eq!(plan["format"], 2);
    let p = &plan["pacemaker"];
    assert_eq!(
        p["impact"]["transition"]["resources"][1]["resource"],
        "p_glance-api"
    );
    let root = glha::xml::parse(&std::fs::read_to_string(&cib).unwrap()).unwrap();
    assert_eq!(
        p["cib"]["epoch"].as_u64().unwrap().to_string(),
        root.attr("epoch").unwrap()
    );
    assert_eq!(p["cib"]["admin_epoch"], 0);
    assert_eq!(p["cib"]["configuration_sha256"].as_str().unwrap().len(), 64);
    assert!(!std::fs::read_to_string(tmp.path().join("plan.json"))
        .unwrap()
        .contains("num_updates"));
}
