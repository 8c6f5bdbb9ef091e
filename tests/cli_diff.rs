//! `glhac diff` and `glhac apply` end to end, as an operator runs them.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn glhac(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glhac"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

use common::output_text as text;

fn checksums(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            out.extend(checksums(&p));
        } else {
            out.push((p.clone(), std::fs::read(&p).unwrap()));
        }
    }
    out.sort();
    out
}

/// A root tree made from the seed bundle's files, as if applied by hand.
fn seeded_root() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let spec = common::root().join("examples/seed.glha");
    let o = glhac(&["build", spec.as_str(), "-o", "bundle"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let root = tmp.path().join("root");
    for f in ["etc/glance/glance-api.conf", "etc/nova/nova.conf"] {
        std::fs::create_dir_all(root.join(f).parent().unwrap()).unwrap();
        std::fs::copy(tmp.path().join("bundle/files").join(f), root.join(f)).unwrap();
    }
    (tmp, root)
}

fn diff(tmp: &Path, extra: &[&str]) -> Output {
    let spec = common::root().join("examples/seed.glha");
    let mut args = vec!["diff", spec.as_str(), "--root", "root"];
    args.extend(extra);
    glhac(&args, tmp)
}

#[test]
fn applied_bundle_shows_no_changes_and_a_managed_change_is_named() {
    let (tmp, root) = seeded_root();
    let before = checksums(&root);
    let o = diff(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert_eq!(checksums(&root), before, "diff wrote to the live tree");

    // An unmanaged key is never a change.
    let conf = root.join("etc/glance/glance-api.conf");
    let live = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(
        &conf,
        live.replace("[DEFAULT]\n", "[DEFAULT]\ndebug = true\n"),
    )
    .unwrap();
    let o = diff(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // A managed one is, with section, key, old and new value.
    let live = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(
        &conf,
        live.replace("bind_host = 10.0.0.11", "bind_host = 10.0.0.99"),
    )
    .unwrap();
    let before = checksums(&root);
    let o = diff(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("[DEFAULT] bind_host: 10.0.0.99 -> 10.0.0.11"),
        "{out}"
    );
    assert_eq!(checksums(&root), before, "diff wrote to the live tree");

    // A changed password is shown as changed, never by value.
    let live = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(
        &conf,
        live.replace("password = secretsecret", "password = hunter2hunter2"),
    )
    .unwrap();
    let o = diff(tmp.path(), &["--format", "json"]);
    assert_eq!(o.status.code(), Some(1));
    let out = text(&o);
    assert!(
        !out.contains("secretsecret") && !out.contains("hunter2hunter2"),
        "a secret is printed:\n{out}"
    );
    let o = diff(tmp.path(), &[]);
    let out = text(&o);
    assert!(
        out.contains("password") && out.contains("sensitive"),
        "{out}"
    );
    assert!(
        !out.contains("secretsecret") && !out.contains("hunter2hunter2"),
        "a secret is printed:\n{out}"
    );
}

#[test]
fn diff_apply_diff_converges_and_a_stale_plan_is_refused() {
    let (tmp, root) = seeded_root();
    let conf = root.join("etc/glance/glance-api.conf");
    let live = std::fs::read_to_string(&conf).unwrap();
    std::fs::write(
        &conf,
        live.replace("bind_host = 10.0.0.11", "bind_host = 10.0.0.99"),
    )
    .unwrap();
    let o = diff(tmp.path(), &["--save-plan", "plan.json"]);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let plan = std::fs::read_to_string(tmp.path().join("plan.json")).unwrap();
    assert!(
        !plan.contains("secretsecret"),
        "the saved plan holds a secret"
    );

    // The live file changes after the plan was saved: refused, nothing written.
    let edited = std::fs::read_to_string(&conf).unwrap() + "\n# edited by someone else\n";
    std::fs::write(&conf, &edited).unwrap();
    let o = glhac(&["apply", "plan.json", "--root", "root"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&conf).unwrap(), edited);

    // A fresh plan applies, and then there is nothing left to do.
    let o = diff(tmp.path(), &["--save-plan", "plan.json"]);
    assert_eq!(o.status.code(), Some(1));
    let o = glhac(&["apply", "plan.json", "--root", "root"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(
        std::fs::read_to_string(&conf)
            .unwrap()
            .contains("# edited by someone else"),
        "apply lost an unmanaged line"
    );
    let o = diff(tmp.path(), &[]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

#[test]
fn missing_live_input_is_trouble() {
    let (tmp, _root) = seeded_root();
    let o = diff(tmp.path(), &["--cib", "no-such-cib.xml"]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
}

/// Active/active: the node's own glance-api.conf, the sysctl file and
/// HAProxy's section are compared; the rest of haproxy.cfg is not glha's.
#[test]
fn active_active_files_and_section_are_compared() {
    let tmp = tempfile::tempdir().unwrap();
    let spec = common::root().join("examples/active-active.glha");
    let o = glhac(&["build", spec.as_str(), "-o", "bundle"], tmp.path());
    assert!(o.status.success(), "{}", text(&o));
    let b = tmp.path().join("bundle/files");
    let root = tmp.path().join("root");
    let put = |target: &str, contents: &str| {
        let p = root.join(target);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, contents).unwrap();
    };
    let read = |rel: &str| std::fs::read_to_string(b.join(rel)).unwrap();
    put(
        "etc/glance/glance-api.conf",
        &read("nodes/ctl1/etc/glance/glance-api.conf"),
    );
    for consumer in ["etc/nova/nova.conf", "etc/cinder/cinder.conf"] {
        if b.join(consumer).exists() {
            put(consumer, &read(consumer));
        }
    }
    put(
        "etc/sysctl.d/60-glha-glance-api.conf",
        &read("etc/sysctl.d/60-glha-glance-api.conf"),
    );
    let stock =
        "global\n    log /dev/log local0\n\ndefaults\n    mode http\n    timeout client 1m\n\n";
    put(
        "etc/haproxy/haproxy.cfg",
        &format!(
            "{stock}{}\nlisten stats\n    bind :8404\n",
            read("etc/haproxy/haproxy.cfg")
        ),
    );
    let args = ["diff", spec.as_str(), "--root", "root", "--node", "ctl1"];
    let o = glhac(&args, tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));

    // Another section of haproxy.cfg changing is not glha's business.
    let cfg = root.join("etc/haproxy/haproxy.cfg");
    let live = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, live.replace("bind :8404", "bind :9000")).unwrap();
    assert_eq!(glhac(&args, tmp.path()).status.code(), Some(0));

    // A backend server of glha's section is.
    let live = std::fs::read_to_string(&cfg).unwrap();
    std::fs::write(&cfg, live.replace("172.16.0.13:9292", "172.16.0.99:9292")).unwrap();
    let o = glhac(&args, tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("+    server ctl3 172.16.0.13:9292"),
        "{}",
        text(&o)
    );

    // So is a missing sysctl file.
    std::fs::write(&cfg, live).unwrap();
    std::fs::remove_file(root.join("etc/sysctl.d/60-glha-glance-api.conf")).unwrap();
    let o = glhac(&args, tmp.path());
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("ip_nonlocal_bind"), "{}", text(&o));

    // diff → apply → diff converges; the other section of haproxy.cfg stays.
    let mut save = args.to_vec();
    save.extend(["--save-plan", "plan.json"]);
    assert_eq!(glhac(&save, tmp.path()).status.code(), Some(1));
    // The files were made with the umask's 0644, and glance-api.conf holds
    // passwords: refused, unless apply may make it 0640.
    let apply = |extra: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_glhac"))
            .args(["apply", "plan.json", "--root", "root"])
            .args(extra)
            .current_dir(tmp.path())
            .env("GLANCE_DB_PASSWORD", "db-pw")
            .env("RABBIT_PASSWORD", "rabbit-pw")
            .env("GLANCE_KEYSTONE_PASSWORD", "ks-pw")
            .output()
            .unwrap()
    };
    let o = apply(&[]);
    assert_eq!(o.status.code(), Some(2), "{}", text(&o));
    assert!(
        text(&o).contains("glance-api.conf will hold a secret but others can read it (mode 0644)"),
        "{}",
        text(&o)
    );
    assert!(!root.join("etc/sysctl.d/60-glha-glance-api.conf").exists());
    let o = apply(&["--tighten-modes"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(root.join("etc/glance/glance-api.conf"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o640);
    assert!(root.join("etc/sysctl.d/60-glha-glance-api.conf").exists());
    assert!(std::fs::read_to_string(&cfg)
        .unwrap()
        .contains("listen stats\n    bind :9000"));
    let diff_with = |db_pw: Option<&str>| {
        let mut c = Command::new(env!("CARGO_BIN_EXE_glhac"));
        c.args(args).current_dir(tmp.path()).env("NO_COLOR", "1");
        if let Some(pw) = db_pw {
            c.env("GLANCE_DB_PASSWORD", pw)
                .env("RABBIT_PASSWORD", "rabbit-pw")
                .env("GLANCE_KEYSTONE_PASSWORD", "ks-pw");
        } else {
            c.env_remove("GLANCE_DB_PASSWORD")
                .env_remove("RABBIT_PASSWORD")
                .env_remove("GLANCE_KEYSTONE_PASSWORD");
        }
        c.output().unwrap()
    };
    // Without the secrets: nothing known to change, and it says why.
    let o = diff_with(None);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).starts_with("No known changes"), "{}", text(&o));
    // With them, as applied: no changes at all.
    let o = diff_with(Some("db-pw"));
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).starts_with("No changes."), "{}", text(&o));
    // A password rotated in its env variable is a change (never shown).
    let o = diff_with(Some("R0tated-db-pw"));
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(
        text(&o).contains("connection: changed (sensitive)"),
        "{}",
        text(&o)
    );
    assert!(!text(&o).contains("R0tated"), "{}", text(&o));
}

/// The seed's Pacemaker configuration as a CIB document, made by the XML
/// serialiser (no cluster tools needed).
fn seed_cib() -> String {
    let spec = common::root().join("examples/seed.glha");
    let comp = common::compile(&spec, &glha::Options::default());
    glha::emit::cib::candidate(
        "<cib><configuration/></cib>",
        comp.plan.as_ref().unwrap(),
        &glha::SecretMode::Placeholder,
    )
    .unwrap()
}

#[test]
fn the_seed_cib_made_by_the_serialiser_has_no_changes() {
    let (tmp, _root) = seeded_root();
    std::fs::write(tmp.path().join("cib.xml"), seed_cib()).unwrap();
    let o = diff(tmp.path(), &["--cib", "cib.xml"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
}

/// An interval too long for any arithmetic is a change glha says it cannot
/// read, never a panic or a wrapped number.
#[test]
fn an_absurd_live_interval_is_a_change_not_a_panic() {
    let (tmp, _root) = seeded_root();
    let cib = seed_cib();
    let absurd = cib.replacen(
        r#"name="monitor" interval="30s""#,
        r#"name="monitor" interval="9999999999999999h""#,
        1,
    );
    assert_ne!(absurd, cib, "no monitor op to change");
    std::fs::write(tmp.path().join("cib.xml"), absurd).unwrap();
    for format in [&[][..], &["--format", "json"][..]] {
        let mut args = vec!["--cib", "cib.xml"];
        args.extend(format);
        let o = diff(tmp.path(), &args);
        let out = text(&o);
        assert_eq!(o.status.code(), Some(1), "{out}");
        assert!(
            out.contains("9999999999999999h") && out.contains("longer than Pacemaker can hold"),
            "{out}"
        );
        assert!(out.contains("op monitor interval=30s: add"), "{out}");
    }
}

/// Live XML nested beyond any CIB is trouble (exit 2) with a message, not a
/// stack overflow.
#[test]
fn deeply_nested_cib_is_trouble_with_a_message() {
    let (tmp, _root) = seeded_root();
    let n = 100_000;
    let deep = format!("<cib>{}{}</cib>", "<a>".repeat(n), "</a>".repeat(n));
    std::fs::write(tmp.path().join("cib.xml"), deep).unwrap();
    let o = diff(tmp.path(), &["--cib", "cib.xml"]);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(2), "{out}");
    assert!(out.contains("nested more than"), "{out}");
}

/// A live fencing device with a `passwd` parameter the spec does not set:
/// neither the text nor the JSON report may show its value.
#[test]
fn a_live_passwd_param_is_never_printed() {
    use common::pcmk;
    if !pcmk::tools_present() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let spec = common::root().join("examples/ipmi-three-nodes.glha");
    let mut plan = common::compile(&spec, &glha::Options::default())
        .plan
        .unwrap();
    pcmk::stand_in_for_systemd(&mut plan);
    let bundle = glha::emit::emit(&plan, &glha::EmitOptions::default(), "leak").unwrap();
    let nodes = pcmk::node_names(&std::fs::read_to_string(&spec).unwrap());
    let cib = pcmk::base_cib(tmp.path(), "cib-file.xml", &nodes);
    pcmk::crm_load(&cib, bundle.get(glha::emit::CRM_PATH).unwrap());
    let secret = "S3cr3tLeak";
    pcmk::on_cib(
        &cib,
        "crm_resource",
        &[
            "--resource",
            "ipmi-ctl0",
            "--set-parameter",
            "passwd",
            "--parameter-value",
            secret,
        ],
    );
    let xml = pcmk::on_cib(&cib, "cibadmin", &["-Q"]);
    assert!(xml.contains(secret), "the live CIB lacks the parameter");
    std::fs::write(tmp.path().join("cib.xml"), &xml).unwrap();
    let show = pcmk::on_cib(&cib, "crm", &["configure", "show"]);
    std::fs::write(tmp.path().join("show.txt"), show).unwrap();
    std::fs::create_dir(tmp.path().join("root")).unwrap();
    for input in ["cib.xml", "show.txt"] {
        for format in [&[][..], &["--format", "json"][..]] {
            let mut args = vec!["diff", spec.as_str(), "--root", "root", "--cib", input];
            args.extend(format);
            let o = glhac(&args, tmp.path());
            let out = text(&o);
            assert_eq!(o.status.code(), Some(1), "{out}");
            assert!(
                out.contains("passwd"),
                "{input}: the extra param is not reported:\n{out}"
            );
            assert!(
                !out.contains(secret),
                "{input} {format:?} prints the secret:\n{out}"
            );
        }
    }
}

/// A live glance-api.conf that keeps images in the package's local
/// directory: with the store waived, the report says so (text and JSON);
/// with the seed's shared store, the directory is a change like any other
/// and there is no note.
#[test]
fn a_local_live_store_is_noted_when_the_spec_declares_none() {
    let tmp = tempfile::tempdir().unwrap();
    let seed = std::fs::read_to_string(common::root().join("examples/seed.glha")).unwrap();
    let start = seed.find("store {").unwrap();
    let end = start + seed[start..].find("\n}\n").unwrap() + 3;
    let waived = format!(
        "{}store = waived \"lab: images may be lost\"\n{}",
        &seed[..start],
        &seed[end..]
    );
    std::fs::write(tmp.path().join("waived.glha"), waived).unwrap();
    let conf = tmp.path().join("root/etc/glance/glance-api.conf");
    std::fs::create_dir_all(conf.parent().unwrap()).unwrap();
    std::fs::write(
        &conf,
        "[glance_store]\nfilesystem_store_datadir = /var/lib/glance/images\n",
    )
    .unwrap();
    let note = "images go to /var/lib/glance/images ([glance_store] filesystem_store_datadir), a directory on this node's own disk, and the spec waives the store (\"lab: images may be lost\")";
    let o = glhac(&["diff", "waived.glha", "--root", "root"], tmp.path());
    let out = text(&o);
    assert!(out.contains(&format!("    note: {note}")), "{out}");
    let o = glhac(
        &["diff", "waived.glha", "--root", "root", "--format", "json"],
        tmp.path(),
    );
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let notes = &report["ini"][0]["notes"];
    assert!(
        notes[0].as_str().is_some_and(|n| n.starts_with(note)),
        "{report:#}"
    );

    let spec = common::root().join("examples/seed.glha");
    let o = glhac(&["diff", spec.as_str(), "--root", "root"], tmp.path());
    let out = text(&o);
    assert!(!out.contains("note:"), "{out}");
    assert!(
        out.contains(
            "~ [glance_store] filesystem_store_datadir: /var/lib/glance/images -> /srv/glance/images"
        ),
        "{out}"
    );

    // With multiple stores (split-vips: RBD on 2025.2) the single store's
    // directory is ignored, and listed for removal.
    let spec = common::root().join("examples/split-vips.glha");
    let o = glhac(&["diff", spec.as_str(), "--root", "root"], tmp.path());
    let out = text(&o);
    assert!(!out.contains("note:"), "{out}");
    assert!(
        out.contains("- [glance_store] filesystem_store_datadir = /var/lib/glance/images  (ignored with enabled_backends: the store's settings are in [images])"),
        "{out}"
    );
    assert!(out.contains("+ [images] rbd_store_pool = images"), "{out}");
}
