//! Secrets at the CLI: placeholders by default, real values only with
//! `--embed-secrets` and then in 0600 files; never printed.

mod common;

use std::os::unix::fs::PermissionsExt;
use std::process::Command;

const VARS: [(&str, &str); 3] = [
    ("GLANCE_DB_PASSWORD", "db-S3cret!"),
    ("RABBIT_PASSWORD", "rabbit-S3cret@"),
    ("GLANCE_KEYSTONE_PASSWORD", "ks-S3cret$x"),
];

fn build(extra: &[&str], env: &[(&str, &str)]) -> (tempfile::TempDir, std::process::Output) {
    let tmp = tempfile::tempdir().unwrap();
    let spec = common::root().join("examples/split-vips.glha");
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_glhac"));
    cmd.args(["build", spec.as_str(), "-o", "b"])
        .args(extra)
        .current_dir(tmp.path());
    for (k, _) in VARS {
        cmd.env_remove(k);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    (tmp, out)
}

fn all_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut v = Vec::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            v.extend(all_files(&p));
        } else {
            v.push(p);
        }
    }
    v
}

#[test]
fn placeholders_by_default_even_when_the_environment_has_the_values() {
    let (tmp, out) = build(&[], &VARS);
    assert!(out.status.success());
    for f in all_files(&tmp.path().join("b")) {
        let text = std::fs::read_to_string(&f).unwrap();
        for (_, v) in VARS {
            assert!(!text.contains(v), "{} holds a secret value", f.display());
        }
    }
    let conf =
        std::fs::read_to_string(tmp.path().join("b/files/etc/glance/glance-api.conf")).unwrap();
    assert!(
        conf.contains("<<glha-secret:database.glance.password>>"),
        "{conf}"
    );
}

#[test]
fn embed_secrets_writes_values_into_0600_files_only() {
    let (tmp, out) = build(&["--embed-secrets"], &VARS);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut holders = 0;
    for f in all_files(&tmp.path().join("b")) {
        let text = std::fs::read_to_string(&f).unwrap();
        let holds = VARS.iter().any(|(_, v)| {
            text.contains(v) || text.contains(&v.replace('!', "%21").replace('@', "%40"))
        });
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        if holds {
            holders += 1;
            assert_eq!(
                mode,
                0o600,
                "{} holds a secret but is {mode:o}",
                f.display()
            );
        }
    }
    assert!(holders >= 1);
    for (_, v) in VARS {
        assert!(!printed.contains(v), "a secret was printed");
    }
    let conf =
        std::fs::read_to_string(tmp.path().join("b/files/etc/glance/glance-api.conf")).unwrap();
    // In a URL the password is percent-encoded; in ini `$` is doubled.
    assert!(conf.contains("glance:db-S3cret%21@"), "{conf}");
    assert!(conf.contains("password = ks-S3cret$$x"), "{conf}");
}

#[test]
fn a_missing_secret_is_named_not_printed_and_nothing_is_written() {
    let (tmp, out) = build(&["--embed-secrets"], &VARS[..2]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("GLANCE_KEYSTONE_PASSWORD"), "{err}");
    for (_, v) in VARS {
        assert!(!err.contains(v), "a secret was printed: {err}");
    }
    assert!(!tmp.path().join("b").exists());
}
