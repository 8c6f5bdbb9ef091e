//! Golden bundles: every example's bundle is checked in under
//! tests/golden/<example>/, so any change of output is a reviewable diff.
//! `GLHA_BLESS=1 cargo test --test golden` rewrites them.

mod common;

use camino::Utf8PathBuf;

fn golden_dir(spec: &camino::Utf8Path) -> Utf8PathBuf {
    common::root()
        .join("tests/golden")
        .join(spec.file_stem().unwrap())
}

#[test]
fn every_example_matches_its_golden_bundle() {
    let bless = std::env::var("GLHA_BLESS").as_deref() == Ok("1");
    let mut problems = Vec::new();
    for spec in common::examples() {
        let comp = common::compile(&spec, &glha::Options::default());
        let bundle = comp.bundle.expect("bundle");
        let dir = golden_dir(&spec);
        if bless {
            let _ = std::fs::remove_dir_all(&dir);
            for (path, f) in &bundle.files {
                let p = dir.join(path);
                std::fs::create_dir_all(p.parent().unwrap()).unwrap();
                std::fs::write(&p, &f.contents).unwrap();
            }
            continue;
        }
        let mut on_disk: Vec<Utf8PathBuf> = walk(&dir)
            .into_iter()
            .map(|p| p.strip_prefix(&dir).unwrap().to_path_buf())
            .collect();
        on_disk.sort();
        let produced: Vec<Utf8PathBuf> = bundle.files.keys().cloned().collect();
        if on_disk != produced {
            problems.push(format!(
                "{spec}: files differ: golden {on_disk:?}, built {produced:?}"
            ));
            continue;
        }
        for (path, f) in &bundle.files {
            let want = std::fs::read_to_string(dir.join(path)).unwrap();
            if want != f.contents {
                let diff = similar::TextDiff::from_lines(&want, &f.contents)
                    .unified_diff()
                    .header("golden", "built")
                    .to_string();
                problems.push(format!("{spec}: {path} differs:\n{diff}"));
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{}\n(run GLHA_BLESS=1 cargo test --test golden to accept)",
        problems.join("\n")
    );
}

#[test]
fn builds_are_deterministic() {
    for spec in common::examples() {
        let a = common::compile(&spec, &glha::Options::default())
            .bundle
            .unwrap();
        let b = common::compile(&spec, &glha::Options::default())
            .bundle
            .unwrap();
        assert_eq!(a, b, "{spec}: two builds differ");
        let dir_a = tempfile::tempdir().unwrap();
        let dir_b = tempfile::tempdir().unwrap();
        let (pa, pb) = (
            Utf8PathBuf::from_path_buf(dir_a.path().join("b")).unwrap(),
            Utf8PathBuf::from_path_buf(dir_b.path().join("b")).unwrap(),
        );
        a.write_to(&pa).unwrap();
        b.write_to(&pb).unwrap();
        for f in walk(&pa) {
            let rel = f.strip_prefix(&pa).unwrap();
            assert_eq!(
                std::fs::read(&f).unwrap(),
                std::fs::read(pb.join(rel)).unwrap(),
                "{spec}: {rel} differs on disk"
            );
        }
    }
}

#[test]
fn seed_bundle_reproduces_the_guide() {
    let spec = common::root().join("examples/seed.glha");
    let b = common::compile(&spec, &glha::Options::default())
        .bundle
        .unwrap();
    let crm = b.get("pacemaker/glance-api.crm").unwrap();
    for want in [
        "primitive p_glance-api ocf:openstack:glance-api",
        "config=\"/etc/glance/glance-api.conf\"",
        "os_password=\"secretsecret\"",
        "os_username=\"admin\"",
        "os_tenant_name=\"admin\"",
        "os_auth_url=\"http://10.0.0.11:5000/v2.0/\"",
        "op monitor interval=\"30s\" timeout=\"30s\"",
        "ip=\"10.0.0.11\"",
        // The guide's group, with the image store's mount in front.
        "group g_glance-api p_fs_glance-api p_ip_glance-api p_glance-api",
        "primitive p_fs_glance-api ocf:heartbeat:Filesystem",
    ] {
        assert!(crm.contains(want), "crm script lacks {want}:\n{crm}");
    }
    assert!(crm.trim_end().ends_with("commit"));
    let api = b.get("files/etc/glance/glance-api.conf").unwrap();
    for want in [
        "connection = mysql://glance:password@10.0.0.11/glance",
        "bind_host = 10.0.0.11",
        "registry_host = 10.0.0.11",
        "transport_url = rabbit://10.0.0.11:5672/",
        "[oslo_messaging_notifications]\ndriver = messagingv2",
        "[glance_store]\nstores = file\ndefault_store = file\nfilesystem_store_datadir = /srv/glance/images",
    ] {
        assert!(api.contains(want), "glance-api.conf lacks {want}:\n{api}");
    }
    assert!(
        !api.contains("sql_connection =") && !api.contains("notifier_strategy ="),
        "stale seed settings written:\n{api}"
    );
    let nova = b.get("files/etc/nova/nova.conf").unwrap();
    assert!(
        nova.contains("[glance]\napi_servers = http://10.0.0.11:9292"),
        "{nova}"
    );
    let ep = b.get("keystone/endpoints.sh").unwrap();
    for want in [
        "ensure_endpoint 'public' 'http://10.0.0.11:9292'",
        "ensure_endpoint 'internal' 'http://10.0.0.11:9292'",
        "ensure_endpoint 'admin' 'http://10.0.0.11:9292'",
        "RegionOne",
        "public",
        "internal",
        "admin",
    ] {
        assert!(ep.contains(want), "endpoints.sh lacks {want}");
    }
}

fn walk(dir: &camino::Utf8Path) -> Vec<Utf8PathBuf> {
    let mut out = Vec::new();
    let Ok(rd) = std::fs::read_dir(dir) else {
        return out;
    };
    for e in rd.flatten() {
        let p = Utf8PathBuf::from_path_buf(e.path()).unwrap();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}
