//! Builds a copy of this example with Cargo, as a user would: editing the
//! spec rebuilds (build.rs and include_spec! both see the new text), and a
//! bad spec fails `cargo build` with the spec's file:line:col.
//!
//! The copy lives in a temporary directory; its target directory is shared
//! across runs (under this workspace's target directory), so only the first
//! run compiles glha's dependencies.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const EXAMPLE: &str = env!("CARGO_MANIFEST_DIR");

fn workspace_root() -> PathBuf {
    Path::new(EXAMPLE).join("../..").canonicalize().unwrap()
}

/// target/debug/deps/cargo_build-HASH → target/glha-consumer-it
fn shared_target_dir() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let target = exe.ancestors().nth(3).unwrap();
    target.join("glha-consumer-it")
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let dest = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &dest);
        } else {
            std::fs::copy(entry.path(), dest).unwrap();
        }
    }
}

/// The example, with its path dependencies made absolute and its own
/// `[workspace]`, next to a copy of the workspace's Cargo.lock.
fn copy_example(dir: &Path) {
    let root = workspace_root();
    for sub in ["src", "specs"] {
        copy_dir(&Path::new(EXAMPLE).join(sub), &dir.join(sub));
    }
    std::fs::copy(Path::new(EXAMPLE).join("build.rs"), dir.join("build.rs")).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let manifest = std::fs::read_to_string(Path::new(EXAMPLE).join("Cargo.toml")).unwrap();
    let manifest = manifest
        .replace("\"../../macros\"", &format!("{:?}", root.join("macros")))
        .replace("\"../..\"", &format!("{root:?}"));
    let manifest = match manifest.split_once("[dev-dependencies]") {
        Some((before, _)) => before.to_string(),
        None => manifest,
    };
    std::fs::write(dir.join("Cargo.toml"), format!("{manifest}\n[workspace]\n")).unwrap();
}

fn cargo(dir: &Path, args: &[&str]) -> Output {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    Command::new(cargo)
        .args(args)
        .arg("--offline")
        .current_dir(dir)
        .env("CARGO_TARGET_DIR", shared_target_dir())
        .env_remove("CARGO_BUILD_TARGET_DIR")
        .env_remove("RUSTC_WRAPPER")
        .output()
        .unwrap()
}

fn text(o: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

/// Runs the example and returns (include_spec digest, build.rs digest).
fn digests(dir: &Path) -> (String, String) {
    let out = cargo(dir, &["run", "-q"]);
    let (stdout, stderr) = text(&out);
    assert!(out.status.success(), "cargo run failed:\n{stderr}");
    let find = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .unwrap_or_else(|| panic!("no `{key}` in:\n{stdout}"))
            .to_string()
    };
    (find("include_spec digest="), find("build.rs digest="))
}

#[test]
fn editing_the_spec_rebuilds_and_a_bad_spec_fails_with_its_location() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    copy_example(dir);
    let spec = dir.join("specs/lab.glha");
    let good = std::fs::read_to_string(&spec).unwrap();

    let digest = |t: &str| glha::emit::digest(t.as_bytes());
    assert_eq!(digests(dir), (digest(&good), digest(&good)));

    // An edit that changes nothing but the text: both must notice.
    let edited = format!("{good}# edited by the test\n");
    std::fs::write(&spec, &edited).unwrap();
    assert_eq!(digests(dir), (digest(&edited), digest(&edited)));

    // A reference to a VIP that does not exist.
    let bad = good.replacen("vip   = vip.internal", "vip   = vip.internl", 1);
    assert_ne!(bad, good, "the example spec changed; update this test");
    let line = bad.lines().position(|l| l.contains("vip.internl")).unwrap() + 1;
    let col = bad.lines().nth(line - 1).unwrap().find("internl").unwrap() + 1;
    std::fs::write(&spec, &bad).unwrap();
    let out = cargo(dir, &["build"]);
    let (_, stderr) = text(&out);
    assert!(!out.status.success(), "cargo build succeeded on a bad spec");
    let location = format!("specs/lab.glha:{line}:{col}");
    assert!(
        stderr.contains(&format!("{location}: error[E0004]: no vip named `internl`")),
        "no `{location}` error in:\n{stderr}"
    );
}
