//! `glhac apply --endpoints` with a stand-in `openstack` on PATH that
//! records its calls: exactly the planned calls; none when the catalog
//! moved since the plan; the service created only when none of its type
//! exists; nothing at all without the flag.

mod common;

use common::live::{code, endpoint, glhac, openstack_stand_in, text};

const PUBLIC: &str = "http://10.0.0.11:9292";
const INTERNAL: &str = "http://10.0.0.11:9292";

struct Catalog {
    dir: tempfile::TempDir,
    path: String,
}

impl Catalog {
    /// A directory with the stand-in, the catalog `rows` and the services
    /// `services` (JSON).
    fn new(rows: &[String], services: &str) -> Catalog {
        let dir = tempfile::tempdir().unwrap();
        let path = openstack_stand_in(dir.path());
        let c = Catalog { dir, path };
        c.set(rows);
        std::fs::write(c.p("services.json"), services).unwrap();
        std::fs::create_dir_all(c.p("root")).unwrap();
        c
    }

    fn p(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// Replaces the live endpoint list.
    fn set(&self, rows: &[String]) {
        std::fs::write(self.p("endpoints.json"), format!("[{}]", rows.join(",\n"))).unwrap();
    }

    fn env(&self) -> Vec<(String, String)> {
        vec![
            ("PATH".into(), self.path.clone()),
            ("OS_LOG".into(), self.p("calls.log").display().to_string()),
            (
                "OS_ENDPOINTS".into(),
                self.p("endpoints.json").display().to_string(),
            ),
            (
                "OS_SERVICES".into(),
                self.p("services.json").display().to_string(),
            ),
        ]
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        let env = self.env();
        let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
        glhac(args, self.dir.path(), &env)
    }

    /// diff --save-plan against the live list (read from its file).
    fn plan(&self) -> serde_json::Value {
        let spec = common::root().join("examples/seed.glha");
        let o = self.run(&[
            "diff",
            spec.as_str(),
            "--endpoints",
            "endpoints.json",
            "--save-plan",
            "plan.json",
        ]);
        assert!(code(&o) <= 1, "{}", text(&o));
        serde_json::from_slice(&std::fs::read(self.p("plan.json")).unwrap()).unwrap()
    }

    fn apply(&self, extra: &[&str]) -> std::process::Output {
        let mut args = vec!["apply", "plan.json", "--root", "root"];
        args.extend(extra);
        self.run(&args)
    }

    /// The calls made, one line each; forgets them.
    fn calls(&self) -> Vec<String> {
        let log = self.p("calls.log");
        let out = std::fs::read_to_string(&log)
            .unwrap_or_default()
            .lines()
            .map(str::to_string)
            .collect();
        let _ = std::fs::remove_file(&log);
        out
    }
}

const ONE_IMAGE_SERVICE: &str = r#"[{"ID": "s1", "Name": "glance", "Type": "image"}, {"ID": "s2", "Name": "nova", "Type": "compute"}]"#;

/// The planned calls of a saved plan, as the stand-in logs them.
fn planned_calls(plan: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for s in plan["endpoints"]["steps"].as_array().unwrap() {
        let (iface, url) = (s["interface"].as_str().unwrap(), s["url"].as_str().unwrap());
        let a = &s["action"];
        match a["action"].as_str().unwrap() {
            "create" => out.push(format!(
                "endpoint create --region RegionOne image {iface} {url}"
            )),
            "update" => out.push(format!(
                "endpoint set --url {url} {}",
                a["id"].as_str().unwrap()
            )),
            "delete" => out.push(format!("endpoint delete {}", a["id"].as_str().unwrap())),
            _ => {}
        }
    }
    out
}

#[test]
fn exactly_the_planned_calls_are_made() {
    let c = Catalog::new(
        &[
            endpoint("e1", "public", PUBLIC),
            endpoint("e2", "internal", "http://10.0.0.99:9292"),
            endpoint("e3", "internal", INTERNAL),
        ],
        ONE_IMAGE_SERVICE,
    );
    let plan = c.plan();
    assert!(c.calls().is_empty(), "diff called openstack");
    let planned = planned_calls(&plan);
    assert_eq!(
        planned,
        [
            "endpoint delete e2",
            "endpoint create --region RegionOne image admin http://10.0.0.11:9292"
        ]
    );
    let o = c.apply(&["--endpoints"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let mut expected = vec![
        "endpoint list -f json".to_string(),
        "service list -f json".to_string(),
    ];
    expected.extend(planned.iter().cloned());
    assert_eq!(c.calls(), expected);
    assert!(
        text(&o).contains("endpoints: ran openstack endpoint delete e2\n"),
        "{}",
        text(&o)
    );

    // Once the catalog is as planned, applying again calls nothing more.
    c.set(&[
        endpoint("e1", "public", PUBLIC),
        endpoint("e3", "internal", INTERNAL),
        endpoint("e4", "admin", INTERNAL),
    ]);
    let o = c.apply(&["--endpoints"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(c.calls(), ["endpoint list -f json"]);
    assert!(text(&o).contains("endpoints: the catalog is already as planned"));
}

#[test]
fn a_catalog_that_moved_gets_no_call() {
    let c = Catalog::new(
        &[
            endpoint("e1", "public", PUBLIC),
            endpoint("e2", "internal", "http://10.0.0.99:9292"),
        ],
        ONE_IMAGE_SERVICE,
    );
    c.plan();
    // Someone fixes the internal endpoint by hand, differently.
    c.set(&[
        endpoint("e1", "public", PUBLIC),
        endpoint("e2", "internal", "http://10.0.0.98:9292"),
    ]);
    let o = c.apply(&["--endpoints"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("refused: the image service's endpoints changed since the plan was saved; nothing was called: run diff again"),
        "{}",
        text(&o)
    );
    assert_eq!(c.calls(), ["endpoint list -f json"]);

    // Other services' endpoints are not the plan's business.
    c.set(&[
        endpoint("e1", "public", PUBLIC),
        endpoint("e2", "internal", "http://10.0.0.99:9292"),
        r#"{"ID": "n1", "Region": "RegionOne", "Service Name": "nova", "Service Type": "compute", "Enabled": true, "Interface": "public", "URL": "http://10.0.0.11:8774/v2.1"}"#.to_string(),
    ]);
    let o = c.apply(&["--endpoints"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(c.calls().len(), 4);
}

#[test]
fn the_service_is_created_only_when_none_of_its_type_exists() {
    // No service and no endpoint: the service first, then every endpoint.
    let c = Catalog::new(&[], "[]");
    let plan = c.plan();
    let o = c.apply(&["--endpoints"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    let mut expected = vec![
        "endpoint list -f json".to_string(),
        "service list -f json".to_string(),
        "service create --name glance --description OpenStack Image image".to_string(),
    ];
    expected.extend(planned_calls(&plan));
    assert_eq!(expected.len(), 6);
    assert_eq!(c.calls(), expected);

    // Two image services: an endpoint for the type would be ambiguous.
    let two = r#"[{"ID": "s1", "Name": "glance", "Type": "image"}, {"ID": "s9", "Name": "glance-old", "Type": "image"}]"#;
    let c = Catalog::new(&[], two);
    c.plan();
    let o = c.apply(&["--endpoints"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("several services of the catalog's type exist (s1, s9)"),
        "{}",
        text(&o)
    );
    assert_eq!(c.calls(), ["endpoint list -f json", "service list -f json"]);
}

#[test]
fn without_the_flag_openstack_is_never_run() {
    let c = Catalog::new(&[], ONE_IMAGE_SERVICE);
    c.plan();
    let o = c.apply(&[]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(c.calls().is_empty());
    assert!(
        text(&o).contains(
            "not applied: the catalog part (3 call(s)): run apply again with --endpoints"
        ),
        "{}",
        text(&o)
    );
}

#[test]
fn a_failing_call_stops_the_run_and_says_what_was_made() {
    let c = Catalog::new(&[], ONE_IMAGE_SERVICE);
    c.plan();
    // The second create fails.
    let script = c.p("bin/openstack");
    let body = std::fs::read_to_string(&script).unwrap();
    std::fs::write(
        &script,
        body.replace(
            "esac\n",
            "  *\"endpoint create\"*internal*) echo 'Forbidden (HTTP 403)' >&2; exit 1 ;;\nesac\n",
        ),
    )
    .unwrap();
    let o = c.apply(&["--endpoints"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o).contains("failed: `openstack endpoint create --region RegionOne image internal http://10.0.0.11:9292`: `openstack endpoint create` failed (exit status 1): Forbidden (HTTP 403); 1 call(s) were made before it"),
        "{}",
        text(&o)
    );
    assert!(text(&o)
        .contains("endpoints: ran openstack endpoint create --region RegionOne image public"));
    assert_eq!(c.calls().len(), 4);
}

#[test]
fn a_plan_without_a_catalog_part_refuses_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("root")).unwrap();
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
        dir.path(),
        &[],
    );
    assert!(code(&o) <= 1, "{}", text(&o));
    let o = glhac(
        &["apply", "plan.json", "--root", "root", "--endpoints"],
        dir.path(),
        &[("PATH", "/nonexistent")],
    );
    assert_eq!(code(&o), 2, "{}", text(&o));
    assert!(
        text(&o)
            .contains("--endpoints: the plan has no catalog part (diff ran without --endpoints)"),
        "{}",
        text(&o)
    );
}
