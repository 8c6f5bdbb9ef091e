//! `glhac apply --pacemaker` against an offline CIB (`CIB_file`), with the
//! real cibadmin and crm_diff: the CIB afterwards is the candidate diff
//! simulated, a second diff finds nothing, a CIB whose configuration moved
//! since the plan is refused and left byte for byte as it was, and secrets
//! reach the CIB exactly without being printed.

mod common;

use common::live::{code, glhac, seed_variant, settled_cib, text};
use std::path::{Path, PathBuf};

/// A settled CIB whose VIP differs from the seed's, and a plan from the
/// seed against it.
fn planned(dir: &Path) -> (PathBuf, PathBuf) {
    let live_spec = seed_variant(
        dir,
        "vip.glha",
        &[("address = 10.0.0.11/24", "address = 10.0.0.99/24")],
    );
    let cib = settled_cib(dir, "live", Some(&live_spec), &[]);
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
        dir,
        &[],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    std::fs::create_dir_all(dir.join("root")).unwrap();
    (cib, dir.join("plan.json"))
}

fn apply(dir: &Path, cib: &Path, extra: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut args = vec!["apply", "plan.json", "--root", "root", "--pacemaker"];
    args.extend(extra);
    let mut env = env.to_vec();
    let file = cib.to_str().unwrap();
    env.push(("CIB_file", file));
    glhac(&args, dir, &env)
}

/// The `<configuration>` of a CIB document, as glha writes XML.
fn configuration(xml: &str) -> String {
    glha::xml::parse(xml)
        .unwrap()
        .kids("configuration")
        .next()
        .unwrap()
        .to_xml()
}

#[test]
fn the_cib_becomes_the_candidate_and_a_second_diff_finds_nothing() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (cib, _) = planned(tmp.path());
    // An operator's note in the configuration (crmsh keeps comments as XML
    // comments): the patch must not delete it.
    let noted = std::fs::read_to_string(&cib).unwrap().replacen(
        "<resources>",
        "<resources><!-- operator note: keep -->",
        1,
    );
    std::fs::write(&cib, noted).unwrap();
    // The plan must be made again: a note is a change of the configuration
    // (its digest; the epoch stays, as nothing told Pacemaker).
    let o = apply(tmp.path(), &cib, &[], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
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
    let before = std::fs::read_to_string(&cib).unwrap();
    let o = apply(tmp.path(), &cib, &[], &[]);
    let out = text(&o);
    assert_eq!(code(&o), 0, "{out}");
    let epoch = |xml: &str| -> u64 {
        glha::xml::parse(xml)
            .unwrap()
            .attr("epoch")
            .unwrap()
            .parse()
            .unwrap()
    };
    let after = std::fs::read_to_string(&cib).unwrap();
    assert!(
        out.contains(&format!(
            "pacemaker: patched the CIB (epoch {} -> {}): primitive p_ip_glance-api\n",
            epoch(&before),
            epoch(&after)
        )),
        "{out}"
    );
    assert!(
        out.contains("predicted transition (Pacemaker runs it now):\n  restart p_ip_glance-api on controller2: due to resource definition change\n  restart p_glance-api on controller2: due to required p_ip_glance-api start\n"),
        "{out}"
    );

    // The live configuration is the candidate's.
    let comp = common::compile(&spec, &glha::Options::default());
    let candidate = glha::emit::cib::candidate(
        &before,
        comp.plan.as_ref().unwrap(),
        &glha::SecretMode::Placeholder,
    )
    .unwrap();
    assert_eq!(configuration(&after), configuration(&candidate));
    assert!(after.contains("<!-- operator note: keep -->"), "{after}");

    // Nothing left to do, and applying again says so.
    let o = glhac(
        &["diff", spec.as_str(), "--cib", cib.to_str().unwrap()],
        tmp.path(),
        &[],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("  pacemaker: no changes\n"),
        "{}",
        text(&o)
    );
    let o = apply(tmp.path(), &cib, &[], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("pacemaker: the CIB already has the plan's configuration"),
        "{}",
        text(&o)
    );
}

#[test]
fn a_cib_changed_since_the_plan_is_refused_and_left_as_it_was() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (cib, _) = planned(tmp.path());
    // Someone sets a property after the review: the epoch moves.
    common::pcmk::on_cib(
        &cib,
        "crm_attribute",
        &[
            "--type",
            "crm_config",
            "--name",
            "cluster-recheck-interval",
            "--update",
            "5min",
        ],
    );
    let before = std::fs::read(&cib).unwrap();
    let o = apply(tmp.path(), &cib, &[], &[]);
    let out = text(&o);
    assert_eq!(code(&o), 2, "{out}");
    assert!(
        out.contains("refused: the CIB's configuration changed since the plan was saved (admin_epoch 0, epoch "),
        "{out}"
    );
    assert_eq!(std::fs::read(&cib).unwrap(), before, "the CIB was touched");
}

#[test]
fn status_updates_do_not_make_a_plan_stale() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (cib, _) = planned(tmp.path());
    // num_updates moves with every status update of a running cluster.
    let xml = std::fs::read_to_string(&cib).unwrap();
    let mut doc = glha::xml::parse(&xml).unwrap();
    let n: u64 = doc.attr("num_updates").unwrap().parse().unwrap();
    doc.set_attr("num_updates", (n + 7).to_string());
    std::fs::write(&cib, doc.to_xml()).unwrap();
    let o = apply(tmp.path(), &cib, &[], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains("pacemaker: patched the CIB"),
        "{}",
        text(&o)
    );
}

#[test]
fn without_the_flag_the_cib_is_not_touched() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (cib, _) = planned(tmp.path());
    let before = std::fs::read(&cib).unwrap();
    let o = glhac(
        &["apply", "plan.json", "--root", "root"],
        tmp.path(),
        &[
            ("CIB_file", cib.to_str().unwrap()),
            ("PATH", "/nonexistent"),
        ],
    );
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(
        text(&o).contains(
            "not applied: the Pacemaker part (1 change(s)): run apply again with --pacemaker"
        ),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read(&cib).unwrap(), before);
}

#[test]
fn secrets_reach_the_cib_exactly_and_are_never_printed() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let pw = (
        "password = \"secretsecret\"",
        "password = secret env \"GLHA_TEST_KS_PW\"",
    );
    let live_spec = seed_variant(tmp.path(), "live.glha", &[pw]);
    let old = "Old-Secret-1";
    let cib = settled_cib(
        tmp.path(),
        "live",
        Some(&live_spec),
        &[("GLHA_TEST_KS_PW", old)],
    );
    let spec = seed_variant(tmp.path(), "plan.glha", &[pw]);
    // The password changes: markup, quotes and a dollar, which XML and
    // crmsh both need escaped.
    let new = r#"N3w"pa<ss>&'wo$rd"#;
    let o = glhac(
        &[
            "diff",
            spec.to_str().unwrap(),
            "--cib",
            cib.to_str().unwrap(),
            "--save-plan",
            "plan.json",
        ],
        tmp.path(),
        &[],
    );
    // Unknown without the secret: no change that diff can see.
    assert_eq!(code(&o), 0, "{}", text(&o));
    let plan = std::fs::read_to_string(tmp.path().join("plan.json")).unwrap();
    assert!(!plan.contains(old));
    std::fs::create_dir_all(tmp.path().join("root")).unwrap();

    // Without the secret, --pacemaker is refused by id, and nothing moves.
    let before = std::fs::read(&cib).unwrap();
    let o = apply(tmp.path(), &cib, &[], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains(
            "secret `keystone.password`: environment variable GLHA_TEST_KS_PW is not set"
        ),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read(&cib).unwrap(), before);

    for format in ["text", "json"] {
        let o = apply(
            tmp.path(),
            &cib,
            &["--format", format],
            &[("GLHA_TEST_KS_PW", new)],
        );
        let out = text(&o);
        assert_eq!(code(&o), 0, "{out}");
        if format == "text" {
            assert!(
                out.contains("pacemaker: primitive p_glance-api also changed (a secret parameter the plan could not compare); its resource restarts too"),
                "{out}"
            );
        }
        for s in [old, new, "N3w", "wo$rd"] {
            assert!(!out.contains(s), "printed a secret ({s}): {out}");
        }
    }
    let after = glha::xml::parse(&std::fs::read_to_string(&cib).unwrap()).unwrap();
    let mut stack = vec![&after];
    let mut value = None;
    while let Some(e) = stack.pop() {
        if e.attr("id") == Some("p_glance-api-instance_attributes-os_password") {
            value = e.attr("value").map(str::to_string);
        }
        stack.extend(e.children.iter());
    }
    assert_eq!(value.as_deref(), Some(new));
}

#[test]
fn a_plan_from_crm_show_text_cannot_patch_the_cib() {
    if !common::live::pacemaker_tools() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let (cib, _) = planned(tmp.path());
    let show = common::pcmk::on_cib(&cib, "crm", &["configure", "show"]);
    std::fs::write(tmp.path().join("show.txt"), show).unwrap();
    let spec = common::root().join("examples/seed.glha");
    let o = glhac(
        &[
            "diff",
            spec.as_str(),
            "--cib",
            "show.txt",
            "--save-plan",
            "plan.json",
        ],
        tmp.path(),
        &[],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    let before = std::fs::read(&cib).unwrap();
    let o = apply(tmp.path(), &cib, &[], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains(
            "the plan was made from `crm configure show` text, which has no version to check"
        ),
        "{}",
        text(&o)
    );
    assert_eq!(std::fs::read(&cib).unwrap(), before);
}
