//! `glhac apply` over files, all or nothing: every problem is named and
//! nothing is written; `--skip`/`--only` apply the rest on purpose; a
//! failed rename restores what was replaced; `kill -9` at every point of
//! the transaction leaves each file whole, and the next apply of the same
//! plan finishes the run or rolls it back; bad plans are refused.
//!
//! The crash points are the test-only failpoints of apply's journal
//! (`GLHA_TEST_APPLY_FAILPOINT`): `kill:POINT` makes glhac SIGKILL itself
//! there, `error:POINT` makes that step fail.

mod common;

use common::live::{code, glhac, seeded_root, text, tree};
use std::path::{Path, PathBuf};

const FAILPOINT: &str = "GLHA_TEST_APPLY_FAILPOINT";
const FILES: [&str; 2] = ["etc/glance/glance-api.conf", "etc/nova/nova.conf"];

/// A seeded root and a plan for it, in a fresh directory.
fn planned() -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let root = seeded_root(tmp.path());
    diff_save(tmp.path());
    (tmp, root)
}

fn diff_save(dir: &Path) {
    let spec = common::root().join("examples/seed.glha");
    let o = glhac(
        &[
            "diff",
            spec.as_str(),
            "--root",
            "root",
            "--save-plan",
            "plan.json",
        ],
        dir,
        &[],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
}

fn apply(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let mut args = vec!["apply", "plan.json", "--root", "root"];
    args.extend(extra);
    glhac(&args, dir, env)
}

fn read(root: &Path, f: &str) -> Vec<u8> {
    std::fs::read(root.join(f)).unwrap()
}

/// What a clean apply of the plan writes: every file's content.
fn expected() -> Vec<Vec<u8>> {
    let (tmp, root) = planned();
    let o = apply(tmp.path(), &[], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    FILES.iter().map(|f| read(&root, f)).collect()
}

fn journal(root: &Path) -> PathBuf {
    root.join("var/lib/glha/apply-journal.json")
}

/// No temporary file is left beside the targets.
fn no_temps(root: &Path) {
    for (p, _, _) in tree(root) {
        let name = p.file_name().unwrap().to_str().unwrap().to_string();
        assert!(
            !name.contains("glha-tmp") && !name.contains("glha-restore"),
            "left behind: {}",
            p.display()
        );
    }
}

#[test]
fn a_missing_consumer_directory_writes_nothing_and_skip_applies_the_rest() {
    let tmp = tempfile::tempdir().unwrap();
    let root = seeded_root(tmp.path());
    std::fs::remove_dir_all(root.join("etc/nova")).unwrap();
    diff_save(tmp.path());
    let before = tree(&root);
    let o = apply(tmp.path(), &[], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("glhac: refused: root/etc/nova does not exist, so nova's file cannot be written (is nova installed here? `--skip nova` applies the rest)"),
        "{}",
        text(&o)
    );
    assert_eq!(tree(&root), before, "something was written");

    let o = apply(tmp.path(), &["--skip", "nova"], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let out = text(&o);
    assert!(
        out.contains("wrote root/etc/glance/glance-api.conf\n"),
        "{out}"
    );
    assert!(out.contains("skipped: /etc/nova/nova.conf\n"), "{out}");
    assert!(
        out.contains("not applied: the files of nova (not selected)\n"),
        "{out}"
    );
    assert!(String::from_utf8(read(&root, FILES[0]))
        .unwrap()
        .contains("bind_host = 10.0.0.11\n"));
    assert!(!root.join("etc/nova").exists());
    // --only is the other way to say it.
    let o = apply(tmp.path(), &["--only", "glance-api"], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("already as planned: root/etc/glance/glance-api.conf"));
}

#[test]
fn every_problem_is_named_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let root = seeded_root(tmp.path());
    std::fs::remove_dir_all(root.join("etc/nova")).unwrap();
    diff_save(tmp.path());
    let conf = root.join(FILES[0]);
    let mut live = read(&root, FILES[0]);
    live.extend(b"# edited after the review\n");
    std::fs::write(&conf, &live).unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o644)).unwrap();
    let before = tree(&root);
    let o = apply(tmp.path(), &[], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    let refused: Vec<&str> = std::str::from_utf8(&o.stderr)
        .unwrap()
        .lines()
        .filter(|l| l.starts_with("glhac: refused: "))
        .collect();
    assert_eq!(
        refused,
        [
            "glhac: refused: root/etc/glance/glance-api.conf changed since the plan was saved; run diff again and save a new plan",
            "glhac: refused: root/etc/nova does not exist, so nova's file cannot be written (is nova installed here? `--skip nova` applies the rest)",
        ]
    );
    assert_eq!(tree(&root), before);
}

#[test]
fn a_failed_rename_restores_the_files_already_replaced() {
    let (tmp, root) = planned();
    let before = tree(&root);
    let o = apply(tmp.path(), &[], &[(FAILPOINT, "error:rename:2")]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("glhac: failed: root/etc/nova/nova.conf: failpoint rename:2; restored root/etc/glance/glance-api.conf from its backup"),
        "{}",
        text(&o)
    );
    // Every file is as it was (the backups stay, as after any apply).
    let now: Vec<_> = tree(&root)
        .into_iter()
        .filter(|(p, _, _)| !p.to_str().unwrap().ends_with(".glha-bak"))
        .collect();
    assert_eq!(now, before);
    assert!(!journal(&root).exists());
    no_temps(&root);
    // The first rename failing leaves nothing to restore.
    let o = apply(tmp.path(), &[], &[(FAILPOINT, "error:rename:1")]);
    assert!(
        text(&o).contains("failpoint rename:1; nothing was replaced"),
        "{}",
        text(&o)
    );
}

#[test]
fn kill_9_at_any_point_leaves_whole_files_and_the_next_apply_finishes() {
    let want = expected();
    for point in ["prepared", "rename:1", "renamed:1", "renamed:2"] {
        let (tmp, root) = planned();
        let old: Vec<Vec<u8>> = FILES.iter().map(|f| read(&root, f)).collect();
        let o = apply(tmp.path(), &[], &[(FAILPOINT, &format!("kill:{point}"))]);
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(o.status.signal(), Some(9), "{point}: {}", text(&o));
        // Never torn: each file is old or new, whole.
        for (i, f) in FILES.iter().enumerate() {
            let now = read(&root, f);
            assert!(now == old[i] || now == want[i], "{point}: {f} is torn");
        }
        assert!(journal(&root).exists(), "{point}: no journal");

        let o = apply(tmp.path(), &[], &[]);
        assert_eq!(code(&o), 0, "{point}: {}", text(&o));
        assert!(
            text(&o).starts_with("finished an interrupted apply of this plan: "),
            "{point}: {}",
            text(&o)
        );
        for (i, f) in FILES.iter().enumerate() {
            assert_eq!(read(&root, f), want[i], "{point}: {f}");
        }
        assert!(!journal(&root).exists());
        no_temps(&root);
    }
}

#[test]
fn an_interrupted_run_that_cannot_be_finished_is_rolled_back() {
    let want = expected();
    let (tmp, root) = planned();
    let old0 = read(&root, FILES[0]);
    let o = apply(tmp.path(), &[], &[(FAILPOINT, "kill:renamed:1")]);
    assert!(o.status.code().is_none());
    assert_eq!(read(&root, FILES[0]), want[0]);
    // The prepared nova.conf is gone (a clean-up of dot files, say).
    std::fs::remove_file(root.join("etc/nova/.nova.conf.glha-tmp")).unwrap();

    // It cannot be finished: rolled back, then applied afresh.
    let o = apply(tmp.path(), &[], &[]);
    let out = text(&o);
    assert_eq!(code(&o), 0, "{out}");
    assert!(
        out.starts_with("rolled back an interrupted apply of this plan (its prepared files were gone): restored root/etc/glance/glance-api.conf; applying the plan afresh\nwrote root/etc/glance/glance-api.conf\nwrote root/etc/nova/nova.conf\n"),
        "{out}"
    );
    assert_eq!(
        std::fs::read(root.join("etc/glance/glance-api.conf.glha-bak")).unwrap(),
        old0
    );
    for (i, f) in FILES.iter().enumerate() {
        assert_eq!(read(&root, f), want[i]);
    }
    no_temps(&root);
}

#[test]
fn a_file_changed_after_an_interrupted_run_is_not_guessed_at() {
    let (tmp, root) = planned();
    let o = apply(tmp.path(), &[], &[(FAILPOINT, "kill:renamed:1")]);
    assert!(o.status.code().is_none());
    std::fs::write(root.join(FILES[1]), "[DEFAULT]\nedited = by hand\n").unwrap();
    let o = apply(tmp.path(), &[], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("root/etc/nova/nova.conf is neither as it was nor as the interrupted apply recorded in root/var/lib/glha/apply-journal.json writes it"),
        "{}",
        text(&o)
    );
    assert!(journal(&root).exists());
}

#[test]
fn bad_plans_are_refused() {
    let (tmp, root) = planned();
    let before = tree(&root);
    let plan = std::fs::read_to_string(tmp.path().join("plan.json")).unwrap();
    let cases: [(&str, String, &str); 4] = [
        ("truncated", plan[..plan.len() / 3].to_string(), "not a glha plan: it is truncated or not JSON"),
        (
            "edited",
            plan.replacen("\"release\": \"ocata\"", "\"release\": \"queens\"", 1),
            "the plan's content does not match its digest: it was edited or damaged after diff saved it",
        ),
        (
            "another format",
            plan.replacen("\"format\": 2", "\"format\": 1", 1),
            "a plan of format 1, which this glhac does not read (it reads format 2)",
        ),
        ("not a plan", "{\"spec\": \"x\"}".into(), "not a glha plan: it has no format number"),
    ];
    for (what, text_, msg) in cases {
        assert_ne!(text_, plan, "{what}: no edit");
        std::fs::write(tmp.path().join("plan.json"), &text_).unwrap();
        let o = apply(tmp.path(), &[], &[]);
        assert_eq!(code(&o), 2, "{what}: {}", text(&o));
        assert!(
            text(&o).contains(&format!("glhac: refused: plan.json: {msg}")),
            "{what}: {}",
            text(&o)
        );
        assert_eq!(tree(&root), before, "{what}: wrote");
    }
    std::fs::write(tmp.path().join("plan.json"), &plan).unwrap();

    // Another root.
    std::fs::create_dir_all(tmp.path().join("other")).unwrap();
    let o = glhac(&["apply", "plan.json", "--root", "other"], tmp.path(), &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    let want = format!(
        "refused: the plan was made for root {}, not {}",
        root.canonicalize().unwrap().display(),
        tmp.path().join("other").canonicalize().unwrap().display()
    );
    assert!(text(&o).contains(&want), "{}", text(&o));
    assert_eq!(tree(&root), before);
}

#[test]
fn a_plan_from_another_spec_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let root = seeded_root(tmp.path());
    let spec = common::live::seed_variant(tmp.path(), "spec.glha", &[]);
    let o = glhac(
        &[
            "diff",
            spec.to_str().unwrap(),
            "--root",
            "root",
            "--save-plan",
            "plan.json",
        ],
        tmp.path(),
        &[],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    let edited = std::fs::read_to_string(&spec)
        .unwrap()
        .replace("address = 10.0.0.11/24", "address = 10.0.0.20/24");
    std::fs::write(&spec, edited).unwrap();
    let before = tree(&root);
    let o = apply(tmp.path(), &[], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains(&format!(
            "refused: the plan was made from another spec: {} changed since the plan was saved; run `glhac diff --save-plan` again",
            spec.canonicalize().unwrap().display()
        )),
        "{}",
        text(&o)
    );
    assert_eq!(tree(&root), before);
}

#[test]
fn secrets_never_land_in_files_others_can_read() {
    let (tmp, root) = planned();
    let conf = root.join(FILES[0]);
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o644)).unwrap();
    // diff says so in its summary, text and JSON.
    let spec = common::root().join("examples/seed.glha");
    let o = glhac(&["diff", spec.as_str(), "--root", "root"], tmp.path(), &[]);
    assert!(
        text(&o).contains("  /etc/glance/glance-api.conf: 1 to change; holds secrets but others can read it (mode 0644): apply refuses it unless --tighten-modes\n"),
        "{}",
        text(&o)
    );
    let o = glhac(
        &["diff", spec.as_str(), "--root", "root", "--format", "json"],
        tmp.path(),
        &[],
    );
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["ini"][0]["exposed"], true);
    assert_eq!(v["ini"][0]["live_mode"], "0644");

    let before = tree(&root);
    let o = apply(tmp.path(), &[], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("refused: root/etc/glance/glance-api.conf will hold a secret but others can read it (mode 0644); `--tighten-modes` makes it 0640, keeping owner and group"),
        "{}",
        text(&o)
    );
    assert_eq!(tree(&root), before);
    let o = apply(tmp.path(), &["--tighten-modes"], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("made root/etc/glance/glance-api.conf 0640 (it holds a secret)"));
    for f in [
        conf.clone(),
        root.join("etc/glance/glance-api.conf.glha-bak"),
    ] {
        let mode = std::fs::metadata(&f).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640, "{}", f.display());
    }
}

#[test]
fn apply_prints_no_secret_even_in_json_and_errors() {
    let (tmp, root) = planned();
    for extra in [&[][..], &["--format", "json"][..]] {
        let o = apply(tmp.path(), extra, &[(FAILPOINT, "error:rename:2")]);
        let out = text(&o);
        assert_eq!(code(&o), 2, "{out}");
        assert!(!out.contains("secretsecret"), "{out}");
    }
    let o = apply(tmp.path(), &["--format", "json"], &[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["status"], "applied");
    assert_eq!(v["done"]["files"]["written"][1], "root/etc/nova/nova.conf");
    assert!(!text(&o).contains("secretsecret"));
    assert!(String::from_utf8(read(&root, FILES[0]))
        .unwrap()
        .contains("secretsecret"));
}

#[test]
fn a_second_apply_on_the_same_root_waits_its_turn() {
    let (tmp, root) = planned();
    let dir = std::fs::File::open(&root).unwrap();
    rustix::fs::flock(&dir, rustix::fs::FlockOperation::LockExclusive).unwrap();
    let before = tree(&root);
    let o = apply(tmp.path(), &[], &[]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("refused: another glhac apply is running on root; wait for it to finish"),
        "{}",
        text(&o)
    );
    assert_eq!(tree(&root), before);
    drop(dir);
    assert_eq!(code(&apply(tmp.path(), &[], &[])), 0);
}

#[test]
fn a_rabbitmq_password_the_driver_cannot_carry_is_refused_by_id() {
    let tmp = tempfile::tempdir().unwrap();
    let root = seeded_root(tmp.path());
    let spec = common::live::seed_variant(
        tmp.path(),
        "spec.glha",
        &[(
            "hosts = [vip.internal]",
            "hosts = [vip.internal]  user = \"openstack\"  password = secret env \"GLHA_TEST_RABBIT\"",
        )],
    );
    let o = glhac(
        &[
            "diff",
            spec.to_str().unwrap(),
            "--root",
            "root",
            "--save-plan",
            "plan.json",
        ],
        tmp.path(),
        &[],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    let before = tree(&root);
    let o = apply(tmp.path(), &[], &[("GLHA_TEST_RABBIT", "pa/ss-9f3c")]);
    let out = text(&o);
    assert_eq!(code(&o), 2, "{out}");
    assert!(
        out.contains("refused: secret `rabbitmq.password` (from environment variable GLHA_TEST_RABBIT) contains `/`, which a RabbitMQ transport URL cannot carry exactly"),
        "{out}"
    );
    assert!(!out.contains("9f3c"), "{out}");
    assert_eq!(tree(&root), before);
    let o = apply(tmp.path(), &[], &[("GLHA_TEST_RABBIT", "pa-ss-9f3c")]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(String::from_utf8(read(&root, FILES[0]))
        .unwrap()
        .contains("transport_url = rabbit://openstack:pa-ss-9f3c@10.0.0.11:5672/\n"));
}

/// The swift example's secrets, as the operator's environment gives them;
/// the Swift password has a `%`, which glance-swift.conf writes `%%`.
const SWIFT_ENV: [(&str, &str); 4] = [
    ("GLANCE_DB_PASSWORD", "dbpw-NEVER-SHOWN"),
    ("RABBIT_PASSWORD", "rabbitpw-NEVER-SHOWN"),
    ("GLANCE_KEYSTONE_PASSWORD", "kspw-NEVER-SHOWN"),
    ("GLANCE_SWIFT_PASSWORD", "Sw1ft%pw-NEVER-SHOWN"),
];

/// `glhac diff` of the swift example against `root` as JSON, with `env`;
/// asserts no secret value is in the output.
fn swift_diff(dir: &Path, env: &[(&str, &str)], extra: &[&str]) -> serde_json::Value {
    let spec = common::root().join("examples/swift.glha");
    let mut args = vec!["diff", spec.as_str(), "--root", "root"];
    args.extend(extra);
    let o = glhac(&args, dir, env);
    assert!(matches!(code(&o), 0 | 1), "{}", text(&o));
    assert!(!text(&o).contains("NEVER-SHOWN"), "{}", text(&o));
    let mut json_args = args.clone();
    json_args.retain(|a| !a.starts_with("--save-plan") && !a.ends_with(".json"));
    json_args.extend(["--format", "json"]);
    let o = glhac(&json_args, dir, env);
    assert!(!text(&o).contains("NEVER-SHOWN"), "{}", text(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

/// The known changes of a diff, as `TARGET [SECTION] KEY KIND LIVE PLANNED`.
fn swift_changes(v: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for f in v["ini"].as_array().unwrap() {
        for c in f["changes"].as_array().unwrap() {
            if c["kind"] != "unknown" {
                out.push(format!(
                    "{} [{}] {} {} {} {}",
                    f["target"].as_str().unwrap(),
                    c["section"].as_str().unwrap(),
                    c["key"].as_str().unwrap(),
                    c["kind"].as_str().unwrap(),
                    c["live"],
                    c["planned"],
                ));
            }
        }
    }
    out
}

#[test]
fn a_swift_stores_credentials_file_is_diffed_and_applied_without_showing_the_password() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let root = dir.join("root");
    std::fs::create_dir_all(root.join("etc/glance")).unwrap();
    std::fs::create_dir_all(root.join("etc/nova")).unwrap();
    let swift = root.join("etc/glance/glance-swift.conf");

    // No glance-swift.conf yet: diff shows it to create, glance-api to restart.
    let spec = common::root().join("examples/swift.glha");
    let o = glhac(
        &[
            "diff",
            spec.as_str(),
            "--root",
            "root",
            "--save-plan",
            "plan.json",
        ],
        dir,
        &SWIFT_ENV,
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    let out = text(&o);
    assert!(!out.contains("NEVER-SHOWN"), "{out}");
    assert!(
        out.contains("  /etc/glance/glance-swift.conf: new file, 6 to add\n"),
        "{out}"
    );
    assert!(out.contains("key = changed (sensitive)"), "{out}");
    let v = swift_diff(dir, &SWIFT_ENV, &[]);
    let restarts = v["restarts"].to_string();
    assert!(
        restarts.contains("/etc/glance/glance-swift.conf"),
        "{restarts}"
    );
    let plan = std::fs::read_to_string(dir.join("plan.json")).unwrap();
    assert!(plan.contains("/etc/glance/glance-swift.conf") && !plan.contains("NEVER-SHOWN"));

    // Skipping glance-api's files leaves it out; applying them writes it,
    // 0640, with the password resolved and `%` doubled.
    let o = apply(dir, &["--skip", "glance-api"], &SWIFT_ENV);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(!swift.exists());
    let o = apply(dir, &["--format", "json"], &SWIFT_ENV);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(!text(&o).contains("NEVER-SHOWN"), "{}", text(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        v["done"]["files"]["written"][1],
        "root/etc/glance/glance-swift.conf"
    );
    let written = std::fs::read_to_string(&swift).unwrap();
    assert!(written.contains("[images]\n"), "{written}");
    assert!(
        written.contains("\nkey = Sw1ft%%pw-NEVER-SHOWN\n"),
        "{written}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&swift).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o640);

    // The same plan again: every file, those holding secrets included, is
    // already as planned (a plan can be applied in parts and re-run).
    let o = apply(dir, &[], &SWIFT_ENV);
    assert_eq!(code(&o), 0, "{}", text(&o));
    for f in ["glance-api.conf", "glance-swift.conf"] {
        assert!(
            text(&o).contains(&format!("already as planned: root/etc/glance/{f}\n")),
            "{f}: {}",
            text(&o)
        );
    }
    // With another password than the one applied, the files no longer
    // hold the plan's values: refused, nothing written.
    let mut other = SWIFT_ENV;
    other[3] = ("GLANCE_SWIFT_PASSWORD", "other-NEVER-SHOWN");
    let o = apply(dir, &[], &other);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(!text(&o).contains("NEVER-SHOWN"), "{}", text(&o));
    assert_eq!(std::fs::read_to_string(&swift).unwrap(), written);

    // The second diff is clean, and says so with the secrets compared.
    let v = swift_diff(dir, &SWIFT_ENV, &[]);
    assert_eq!(swift_changes(&v), Vec::<String>::new());
    let o = glhac(&["diff", spec.as_str(), "--root", "root"], dir, &SWIFT_ENV);
    assert_eq!(code(&o), 0, "{}", text(&o));

    // Keys glha does not write stay; a changed value in the live file is
    // one change, and so is a changed container in glance-api.conf.
    let edited = written
        .replace(
            "auth_address = http://192.168.20.20:5000/v3",
            "auth_address = http://192.168.20.99:5000/v3",
        )
        .replace(
            "[images]\n",
            "[images]\nswift_store_cacert = /etc/ssl/swift.pem\n",
        );
    std::fs::write(&swift, &edited).unwrap();
    let api = root.join("etc/glance/glance-api.conf");
    let api_text = std::fs::read_to_string(&api).unwrap();
    std::fs::write(
        &api,
        api_text.replace(
            "swift_store_container = glance-images",
            "swift_store_container = old-images",
        ),
    )
    .unwrap();
    let v = swift_diff(dir, &SWIFT_ENV, &[]);
    assert_eq!(
        swift_changes(&v),
        [
            "/etc/glance/glance-api.conf [images] swift_store_container change \"old-images\" \"glance-images\"",
            "/etc/glance/glance-swift.conf [images] auth_address change \"http://192.168.20.99:5000/v3\" \"http://192.168.20.20:5000/v3\"",
        ]
    );
    std::fs::write(&swift, &written).unwrap();
    std::fs::write(&api, &api_text).unwrap();

    // A rotated password: one sensitive change, neither value shown; apply
    // writes the new one.
    let mut rotated = SWIFT_ENV;
    rotated[3].1 = "R0tated-NEVER-SHOWN";
    let v = swift_diff(dir, &rotated, &["--save-plan", "plan.json"]);
    assert_eq!(
        swift_changes(&v),
        ["/etc/glance/glance-swift.conf [images] key change \"(sensitive)\" \"(sensitive)\""]
    );
    let o = apply(dir, &[], &rotated);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(!text(&o).contains("NEVER-SHOWN"), "{}", text(&o));
    let now = std::fs::read_to_string(&swift).unwrap();
    assert_eq!(
        now,
        written.replace("Sw1ft%%pw-NEVER-SHOWN", "R0tated-NEVER-SHOWN")
    );
}
