//! `glha::diff` against real-looking live state: a glance-api.conf with
//! hundreds of unmanaged options and comments, a CIB made by loading a crm
//! script into an offline CIB with crmsh (tests/fixtures/diff/cluster.crm →
//! cib.xml, crm-show.txt; cib-nic-changed.xml has nic=eth1), and an endpoint
//! list with a duplicate and a stale URL.

use camino::{Utf8Path, Utf8PathBuf};
use glha::diff::{
    diff, diff_with_secrets, ApplyError, ApplyInput, ApplyOptions, ApplyReport, ChangeKind,
    Compared, EndpointKind, LiveInputs, PlanOrigin, Refusal, SavedPlan, Selection,
};
use glha::plan::*;
use glha::secret::SecretValues;
use glha::Release;
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;

const FIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/diff");

fn fix(name: &str) -> Utf8PathBuf {
    Utf8PathBuf::from(FIX).join(name)
}

fn kv(k: &str, v: &str) -> (String, String) {
    (k.into(), v.into())
}

fn op(name: &str, interval: &str, timeout: Option<&str>) -> Op {
    Op {
        name: name.into(),
        interval: interval.parse().unwrap(),
        timeout: timeout.map(|t| t.parse().unwrap()),
    }
}

fn template(parts: &[(&str, bool)]) -> Value {
    Value::Template(
        parts
            .iter()
            .map(|(s, secret)| {
                if *secret {
                    Part::UrlSecret(s.to_string())
                } else {
                    Part::Lit(s.to_string())
                }
            })
            .collect(),
    )
}

fn setting(section: &str, key: &str, v: Value) -> IniSetting {
    IniSetting {
        section: section.into(),
        key: key.into(),
        values: vec![v],
    }
}

/// The plan matching cluster.crm, with ini files and a catalog.
fn plan() -> Plan {
    let stonith = |n: &str| Primitive {
        id: format!("st-ipmi-{n}"),
        agent: "stonith:null".parse().unwrap(),
        params: vec![("hostlist".into(), Value::plain(n))],
        meta: vec![],
        ops: vec![op("monitor", "60s", None)],
    };
    let pacemaker = Pacemaker {
        primitives: vec![
            stonith("controller1"),
            stonith("controller2"),
            Primitive {
                id: "p_vip_internal".into(),
                agent: "ocf:heartbeat:IPaddr2".parse().unwrap(),
                params: vec![
                    ("ip".into(), Value::plain("10.0.0.11")),
                    ("cidr_netmask".into(), Value::plain("24")),
                    ("nic".into(), Value::plain("eth0")),
                ],
                meta: vec![],
                ops: vec![op("monitor", "30s", Some("20s"))],
            },
            Primitive {
                id: "p_glance-api".into(),
                agent: "ocf:openstack:glance-api".parse().unwrap(),
                params: vec![
                    ("config".into(), Value::plain("/etc/glance/glance-api.conf")),
                    ("os_username".into(), Value::plain("admin")),
                    (
                        "os_password".into(),
                        Value::secret("keystone.admin_password"),
                    ),
                    ("os_tenant_name".into(), Value::plain("admin")),
                    (
                        "os_auth_url".into(),
                        Value::plain("http://10.0.0.11:5000/v2.0/"),
                    ),
                ],
                meta: vec![kv("migration-threshold", "3")],
                ops: vec![
                    op("monitor", "30s", Some("30s")),
                    op("start", "0s", Some("60s")),
                ],
            },
        ],
        groups: vec![Group {
            id: "g_glance".into(),
            members: vec!["p_vip_internal".into(), "p_glance-api".into()],
            meta: vec![kv("target-role", "Started")],
        }],
        clones: vec![],
        locations: ["1", "2"]
            .iter()
            .map(|n| Location {
                id: format!("l_st{n}"),
                resource: format!("st-ipmi-controller{n}"),
                node: format!("controller{n}"),
                score: Score::MinusInfinity,
            })
            .collect(),
        colocations: vec![Colocation {
            id: "c_glance_vip".into(),
            resource: "p_glance-api".into(),
            with: "p_vip_internal".into(),
            score: Score::Infinity,
        }],
        orders: vec![Order {
            id: "o_vip_glance".into(),
            first: "p_vip_internal".into(),
            then: "p_glance-api".into(),
            kind: OrderKind::Mandatory,
        }],
        properties: vec![
            kv("stonith-enabled", "true"),
            kv("no-quorum-policy", "stop"),
        ],
        comments: vec![],
        live: Live::default(),
    };
    let glance = IniFile {
        service: ServiceKind::GlanceApi,
        node: None,
        target: "/etc/glance/glance-api.conf".into(),
        settings: vec![
            setting("DEFAULT", "bind_host", Value::plain("10.0.0.11")),
            setting("DEFAULT", "bind_port", Value::plain("9292")),
            setting("DEFAULT", "debug", Value::plain("true")),
            setting("DEFAULT", "registry_host", Value::plain("10.0.0.11")),
            setting(
                "DEFAULT",
                "transport_url",
                template(&[
                    ("rabbit://openstack:", false),
                    ("rabbit.password", true),
                    ("@10.0.0.11:5672/", false),
                ]),
            ),
            setting(
                "database",
                "connection",
                template(&[
                    ("mysql+pymysql://glance:", false),
                    ("db.password", true),
                    ("@10.0.0.11/glance", false),
                ]),
            ),
            setting(
                "keystone_authtoken",
                "auth_url",
                Value::plain("http://10.0.0.11:5000"),
            ),
            setting(
                "keystone_authtoken",
                "password",
                Value::secret("keystone.glance_password"),
            ),
        ],
        remove: vec![(
            "DEFAULT".into(),
            "sql_connection".into(),
            "replaced by [database] connection".into(),
        )],
    };
    let nova = IniFile {
        service: ServiceKind::Nova,
        node: None,
        target: "/etc/nova/nova.conf".into(),
        settings: vec![setting(
            "glance",
            "api_servers",
            Value::plain("http://10.0.0.11:9292"),
        )],
        remove: vec![],
    };
    Plan {
        release: Release::parse("zed").expect("zed is a release"),
        service: "glance".into(),
        pacemaker,
        ini: vec![glance, nova],
        catalog: Some(Catalog {
            service_name: "glance".into(),
            service_type: "image".into(),
            region: "RegionOne".into(),
            endpoints: vec![
                CatalogEndpoint {
                    interface: Interface::Public,
                    url: Url::parse("http://203.0.113.11:9292").unwrap(),
                    resolves_to: None,
                },
                CatalogEndpoint {
                    interface: Interface::Internal,
                    url: Url::parse("http://10.0.0.11:9292").unwrap(),
                    resolves_to: None,
                },
                CatalogEndpoint {
                    interface: Interface::Admin,
                    url: Url::parse("http://10.0.0.11:9292").unwrap(),
                    resolves_to: None,
                },
            ],
        }),
        secrets: [
            "rabbit.password",
            "db.password",
            "keystone.glance_password",
            "keystone.admin_password",
        ]
        .iter()
        .map(|id| SecretRef {
            id: id.to_string(),
            source: SecretSource::Env(id.to_uppercase().replace('.', "_")),
            span: None,
        })
        .collect(),
        listeners: vec![],
        balancer: None,
        store: None,
    }
}

/// Secret values as the CLI would resolve them; all must stay unprinted.
fn secrets() -> SecretValues {
    SecretValues::from_map(
        [
            ("rabbit.password", "NEW-SECRET-rabbit"),
            ("db.password", "NEW-SECRET-db/$x"),
            ("keystone.glance_password", "NEW-SECRET-ks"),
            ("keystone.admin_password", "s3cr\"et pw"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect::<BTreeMap<_, _>>(),
    )
}

/// Every value that must never appear in output.
const NEVER: [&str; 6] = [
    "LIVE-SECRET",
    "NEW-SECRET",
    "s3cr",
    "et pw",
    "sqlpw",
    "kspw",
];

fn assert_no_secret(what: &str, text: &str) {
    for s in NEVER {
        assert!(!text.contains(s), "{what} shows a secret ({s}):\n{text}");
    }
}

/// A temporary root holding a copy of the glance-api.conf fixture.
fn root() -> (tempfile::TempDir, Utf8PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let root = Utf8PathBuf::from_path_buf(dir.path().to_path_buf()).unwrap();
    std::fs::create_dir_all(root.join("etc/glance")).unwrap();
    std::fs::create_dir_all(root.join("etc/nova")).unwrap();
    let conf = root.join("etc/glance/glance-api.conf");
    std::fs::copy(fix("glance-api.conf"), &conf).unwrap();
    std::fs::set_permissions(&conf, std::fs::Permissions::from_mode(0o640)).unwrap();
    (dir, root)
}

fn tree_digest(root: &Utf8Path) -> Vec<(String, Vec<u8>, u32)> {
    let mut out = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = Utf8PathBuf::from_path_buf(e.unwrap().path()).unwrap();
            let m = std::fs::metadata(&p).unwrap();
            if m.is_dir() {
                stack.push(p);
            } else {
                out.push((
                    p.to_string(),
                    std::fs::read(&p).unwrap(),
                    m.permissions().mode(),
                ));
            }
        }
    }
    out.sort();
    out
}

fn all_live(root: &Utf8Path) -> LiveInputs {
    LiveInputs {
        root: Some(root.to_owned()),
        cib: Some(fix("cib.xml")),
        endpoints: Some(fix("endpoints.json")),
        node: None,
        tools: None,
    }
}

/// The origin of the hand-made plan (it has no spec file).
fn origin() -> PlanOrigin {
    PlanOrigin {
        spec: "/specs/test.glha".into(),
        spec_sha256: "spec".into(),
        sources_sha256: "sources".into(),
        release: "2024.1".into(),
        lib: vec![],
    }
}

fn saved(r: &glha::diff::DiffReport) -> SavedPlan {
    r.saved_plan(origin())
}

/// Applies the file part of `saved` under `root`.
fn apply(
    saved: &SavedPlan,
    plan: &Plan,
    root: &Utf8Path,
    secrets: &SecretValues,
) -> Result<ApplyReport, ApplyError> {
    let input = ApplyInput {
        saved,
        plan,
        origin: &origin(),
        secrets,
        unresolved: &[],
    };
    let opts = ApplyOptions {
        root: root.to_owned(),
        select: Selection::All,
        tighten_modes: false,
        pacemaker: false,
        endpoints: false,
        tools: glha::tools::Tools::with_env([("PATH", "/nonexistent")]),
    };
    glha::diff::apply(input, &opts)
}

#[test]
fn nothing_to_compare_is_reported_not_compared() {
    let r = diff(&plan(), &LiveInputs::default()).unwrap();
    assert!(!r.has_changes());
    assert!(r.ini.iter().all(|f| matches!(f.compared, Compared::No(_))));
    let text = r.render(false);
    assert!(
        text.contains("/etc/glance/glance-api.conf: not compared (no --root)"),
        "{text}"
    );
    assert!(
        text.contains("pacemaker: not compared (no --cib)"),
        "{text}"
    );
    assert!(text.contains("not compared (no --endpoints)"), "{text}");
}

#[test]
fn cib_xml_and_crm_show_text_read_alike_and_match_the_plan() {
    for file in ["cib.xml", "crm-show.txt"] {
        let live = LiveInputs {
            cib: Some(fix(file)),
            ..Default::default()
        };
        let r = diff(&plan(), &live).unwrap();
        assert_eq!(r.pacemaker.compared, Compared::Yes);
        // Only the password param, whose secret was not given, is unknown.
        assert_eq!(
            r.pacemaker.changes.len(),
            1,
            "{file}: {:#?}",
            r.pacemaker.changes
        );
        let c = &r.pacemaker.changes[0];
        assert_eq!(
            (c.kind, c.id.as_str()),
            (ChangeKind::Unknown, "p_glance-api")
        );
        assert!(!r.has_changes(), "{file}");
        // With the secret, it compares equal.
        let r = diff_with_secrets(&plan(), &live, &secrets()).unwrap();
        assert!(
            r.pacemaker.changes.is_empty(),
            "{file}: {:#?}",
            r.pacemaker.changes
        );
    }
}

#[test]
fn one_changed_param_is_one_change_with_a_crm_command() {
    let live = LiveInputs {
        cib: Some(fix("cib-nic-changed.xml")),
        ..Default::default()
    };
    let r = diff(&plan(), &live).unwrap();
    assert!(r.has_changes());
    let changed: Vec<_> = r
        .pacemaker
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Change)
        .collect();
    assert_eq!(changed.len(), 1);
    assert_eq!(changed[0].id, "p_vip_internal");
    assert_eq!(
        changed[0].details,
        vec!["param nic: eth1 -> eth0".to_string()]
    );
    let cmds = r
        .commands()
        .iter()
        .map(|c| c.to_shell())
        .collect::<Vec<_>>()
        .join("\n");
    // The definition is written as the bundle's crm script writes it.
    assert!(
        cmds.starts_with(
            "crm configure load update - <<'GLHA'\n\
             primitive p_vip_internal ocf:heartbeat:IPaddr2 \\\n  \
             params ip=\"10.0.0.11\" \\\n    \
             cidr_netmask=\"24\" \\\n    \
             nic=\"eth0\" \\\n  \
             op monitor interval=\"30s\" timeout=\"20s\"\n\
             GLHA"
        ),
        "{cmds}"
    );
}

#[test]
fn a_changed_property_and_a_missing_constraint_are_found() {
    let mut p = plan();
    p.pacemaker.properties[1].1 = "freeze".into();
    p.pacemaker.orders[0].id = "o_new".into();
    let live = LiveInputs {
        cib: Some(fix("cib.xml")),
        ..Default::default()
    };
    let r = diff(&p, &live).unwrap();
    let got: Vec<_> = r
        .pacemaker
        .changes
        .iter()
        .map(|c| (c.kind, c.object.as_str(), c.id.as_str()))
        .collect();
    assert!(
        got.contains(&(ChangeKind::Change, "property", "no-quorum-policy")),
        "{got:?}"
    );
    assert!(
        got.contains(&(ChangeKind::Add, "order", "o_new")),
        "{got:?}"
    );
}

#[test]
fn endpoints_create_update_and_flag_duplicates() {
    let live = LiveInputs {
        endpoints: Some(fix("endpoints.json")),
        ..Default::default()
    };
    let r = diff(&plan(), &live).unwrap();
    let e = r.endpoints.as_ref().unwrap();
    let got: Vec<_> = e
        .changes
        .iter()
        .map(|c| {
            (
                c.interface.as_str(),
                c.kind,
                c.id.as_deref(),
                c.command.as_ref().map(|c| c.to_shell()),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("public", EndpointKind::Unchanged, Some("0a1f"), None),
            ("public", EndpointKind::DeleteDuplicate, Some("2c3d"), Some("openstack endpoint delete 2c3d".to_string())),
            (
                "internal",
                EndpointKind::Update,
                Some("1b2e"),
                Some("openstack endpoint set --url http://10.0.0.11:9292 1b2e".to_string())
            ),
            (
                "admin",
                EndpointKind::Create,
                None,
                Some("openstack endpoint create --region RegionOne image admin http://10.0.0.11:9292".to_string())
            ),
        ]
    );
    assert!(r.has_changes());
}

#[test]
fn ini_changes_are_only_managed_settings() {
    let (_d, root) = root();
    let r = diff(
        &plan(),
        &LiveInputs {
            root: Some(root.clone()),
            ..Default::default()
        },
    )
    .unwrap();
    let g = &r.ini[0];
    let got: Vec<_> = g
        .changes
        .iter()
        .map(|c| {
            (
                c.kind,
                c.section.as_str(),
                c.key.as_str(),
                c.live.as_deref(),
                c.planned.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                ChangeKind::Change,
                "DEFAULT",
                "bind_host",
                Some("0.0.0.0"),
                Some("10.0.0.11")
            ),
            (
                ChangeKind::Add,
                "DEFAULT",
                "registry_host",
                None,
                Some("10.0.0.11")
            ),
            (
                ChangeKind::Unknown,
                "DEFAULT",
                "transport_url",
                Some("(sensitive)"),
                None
            ),
            (
                ChangeKind::Add,
                "database",
                "connection",
                None,
                Some("(sensitive)")
            ),
            (
                ChangeKind::Unknown,
                "keystone_authtoken",
                "password",
                Some("(sensitive)"),
                None
            ),
            (
                ChangeKind::Remove,
                "DEFAULT",
                "sql_connection",
                Some("(sensitive)"),
                None
            ),
        ]
    );
    // The diff is local: a few hunks, not the 6000-line file.
    let changed_lines = g
        .unified_diff
        .lines()
        .filter(|l| l.starts_with(['+', '-']))
        .count();
    assert_eq!(changed_lines, 2 + 5, "{}", g.unified_diff);
    let nova = &r.ini[1];
    assert_eq!(nova.live_sha256, None);
    assert!(
        nova.unified_diff
            .starts_with("--- /dev/null\n+++ b/etc/nova/nova.conf\n"),
        "{}",
        nova.unified_diff
    );
    assert!(nova
        .unified_diff
        .contains("+[glance]\n+api_servers = http://10.0.0.11:9292\n"));
}

#[test]
fn diff_is_read_only_and_shows_no_secret() {
    let (_d, root) = root();
    let before = tree_digest(&root);
    let live = all_live(&root);
    let reports = [
        diff(&plan(), &live).unwrap(),
        diff_with_secrets(&plan(), &live, &secrets()).unwrap(),
    ];
    assert_eq!(tree_digest(&root), before);
    for r in &reports {
        assert_no_secret("render", &r.render(false));
        assert_no_secret("render colour", &r.render(true));
        assert_no_secret("json", &r.to_json());
        assert_no_secret("saved plan", &saved(r).to_json());
    }
    let text = reports[1].render(false);
    assert!(
        text.contains("~ [DEFAULT] transport_url: changed (sensitive)"),
        "{text}"
    );
    assert!(
        text.contains("-transport_url = (sensitive)\n+transport_url = changed (sensitive)"),
        "{text}"
    );
    assert!(!reports[0].render(false).contains('\x1b'));
    assert!(reports[0].render(true).contains("\x1b[32m+"));
}

#[test]
fn diff_apply_diff_gives_no_changes() {
    let (_d, root) = root();
    let live = LiveInputs {
        root: Some(root.clone()),
        ..Default::default()
    };
    let p = plan();
    let r = diff(&p, &live).unwrap();
    assert!(r.has_changes());
    let s = SavedPlan::from_json(&saved(&r).to_json()).unwrap();
    assert_eq!(s, saved(&r));
    let out = apply(&s, &p, &root, &secrets()).unwrap().files;
    let conf = root.join("etc/glance/glance-api.conf");
    assert_eq!(
        out.written,
        vec![conf.clone(), root.join("etc/nova/nova.conf")]
    );
    assert_eq!(
        out.backups,
        vec![root.join("etc/glance/glance-api.conf.glha-bak")]
    );
    assert_eq!(
        std::fs::read(&out.backups[0]).unwrap(),
        std::fs::read(fix("glance-api.conf")).unwrap()
    );
    assert_eq!(
        std::fs::metadata(&conf).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let text = std::fs::read_to_string(&conf).unwrap();
    assert!(text
        .contains("connection = mysql+pymysql://glance:NEW-SECRET-db%2F%24x@10.0.0.11/glance\n"));
    assert!(text.contains("password = NEW-SECRET-ks\n"));
    assert!(!text.contains("sql_connection"));
    assert!(text.contains("enabled_backends = fast:rbd, cheap:file\n"));
    assert_eq!(
        text.lines().filter(|l| l.starts_with('#')).count(),
        std::fs::read_to_string(fix("glance-api.conf"))
            .unwrap()
            .lines()
            .filter(|l| l.starts_with('#'))
            .count()
    );
    // Nothing left, with or without the secrets.
    let again = diff_with_secrets(&p, &live, &secrets()).unwrap();
    assert!(!again.has_changes());
    assert!(
        again.ini.iter().all(|f| f.changes.is_empty()),
        "{:#?}",
        again.ini[0].changes
    );
    assert!(!diff(&p, &live).unwrap().has_changes());
    // Applying a fresh plan now writes nothing.
    let out = apply(&saved(&again), &p, &root, &secrets()).unwrap();
    assert!(out.files.written.is_empty());
}

#[test]
fn a_stale_plan_is_refused_and_nothing_is_written() {
    let (_d, root) = root();
    let live = LiveInputs {
        root: Some(root.clone()),
        ..Default::default()
    };
    let s = saved(&diff(&plan(), &live).unwrap());
    let conf = root.join("etc/glance/glance-api.conf");
    let mut text = std::fs::read_to_string(&conf).unwrap();
    text.push_str("# edited by hand\n");
    std::fs::write(&conf, &text).unwrap();
    let before = tree_digest(&root);
    match apply(&s, &plan(), &root, &secrets()) {
        Err(ApplyError::Refused { problems, .. }) => {
            assert!(
                matches!(&problems[..], [Refusal::Stale { path }] if *path == conf),
                "{problems:?}"
            )
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(tree_digest(&root), before);
    // A changed spec is refused too.
    let s = saved(&diff(&plan(), &live).unwrap());
    let mut p = plan();
    p.ini[0].settings[0].values = vec![Value::plain("10.0.0.99")];
    match apply(&s, &p, &root, &secrets()) {
        Err(ApplyError::Refused { problems, .. }) => assert!(
            problems
                .iter()
                .any(|p| matches!(p, Refusal::PlanMismatch { .. })),
            "{problems:?}"
        ),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_missing_secret_is_refused_by_id() {
    let (_d, root) = root();
    let live = LiveInputs {
        root: Some(root.clone()),
        ..Default::default()
    };
    let saved = saved(&diff(&plan(), &live).unwrap());
    let mut s = secrets();
    s.remove("db.password");
    let before = tree_digest(&root);
    let err = apply(&saved, &plan(), &root, &s).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("`db.password`"), "{msg}");
    assert_no_secret("error", &msg);
    assert_eq!(tree_digest(&root), before);
}

#[test]
fn json_has_the_same_content() {
    let (_d, root) = root();
    let r = diff(&plan(), &all_live(&root)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&r.to_json()).unwrap();
    assert_eq!(v["ini"][0]["changes"][0]["key"], "bind_host");
    assert_eq!(v["pacemaker"]["compared"]["status"], "yes");
    assert_eq!(v["endpoints"]["changes"][1]["kind"], "delete_duplicate");
}

/// Prints the rendered report (run with `--nocapture` to see it).
#[test]
fn show_rendered_report() {
    let (_d, root) = root();
    let live = LiveInputs {
        cib: Some(fix("cib-nic-changed.xml")),
        ..all_live(&root)
    };
    let r = diff(&plan(), &live).unwrap();
    println!("{}", r.render(false));
}
