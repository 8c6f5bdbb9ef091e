//! The `glhac` command line: exit codes, output formats, colour, secrets,
//! and the bundle it writes.
//!
//! Exit codes: 0 ok (warnings allowed), 1 the spec has errors, 2 glhac
//! could not run (missing spec, bad flag, unwritable output).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SEED: &str = "examples/seed.glha";

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Runs glhac in the crate root (so the seed is `examples/seed.glha`),
/// without NO_COLOR unless the caller sets it.
fn glhac_env(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_glhac"));
    cmd.args(args).current_dir(root()).env_remove("NO_COLOR");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("glhac runs")
}

fn glhac(args: &[&str]) -> Output {
    glhac_env(args, &[])
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("glhac exited, not killed")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// 1-based line and column (in characters) of the first `needle` in `text`.
fn line_col(text: &str, needle: &str) -> (usize, usize) {
    let at = text.find(needle).expect("needle present");
    let line = text[..at].matches('\n').count() + 1;
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..at].chars().count() + 1)
}

/// A spec with one bad address, written to a temp dir; returns the dir (to
/// keep it alive), the path, and where the error must be reported.
fn bad_spec() -> (tempfile::TempDir, PathBuf, (usize, usize)) {
    let seed = std::fs::read_to_string(root().join(SEED)).expect("seed");
    let text = seed.replacen("10.0.0.12 }", "10.0.0.300 }", 1);
    assert_ne!(text, seed, "the seed has node controller1 at 10.0.0.12");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("bad.glha");
    std::fs::write(&path, &text).expect("write");
    let at = line_col(&text, "10.0.0.300");
    (dir, path, at)
}

fn has_ansi(s: &str) -> bool {
    s.contains('\u{1b}')
}

// ---------------------------------------------------------------- check

#[test]
fn check_seed_exits_0_with_warnings_only() {
    let o = glhac(&["check", SEED]);
    assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("warning[W0111]"), "{err}");
    assert!(!err.contains("error["), "{err}");
}

#[test]
fn check_bad_spec_exits_1_with_code_and_place() {
    let (_dir, path, (line, col)) = bad_spec();
    let p = path.to_str().expect("utf-8 temp path");
    let o = glhac(&["check", p]);
    assert_eq!(code(&o), 1, "stderr:\n{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("E0101"), "{err}");
    assert!(err.contains(&format!("{p}:{line}:{col}")), "{err}");
    assert!(err.contains("help:"), "{err}");
    assert!(stdout(&o).is_empty(), "text diagnostics go to stderr");
}

#[test]
fn check_missing_spec_exits_2() {
    let o = glhac(&["check", "no/such/spec.glha"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no/such/spec.glha"), "{}", stderr(&o));
}

#[test]
fn unknown_flag_exits_2() {
    assert_eq!(code(&glhac(&["check", "--no-such-flag", SEED])), 2);
    assert_eq!(code(&glhac(&["frobnicate"])), 2);
    assert_eq!(code(&glhac(&[])), 2);
}

#[test]
fn unknown_release_flag_exits_2() {
    let o = glhac(&["check", SEED, "--release", "grizzly"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("grizzly"), "{}", stderr(&o));
}

#[test]
fn help_and_version_exit_0() {
    assert_eq!(code(&glhac(&["--help"])), 0);
    assert_eq!(code(&glhac(&["--version"])), 0);
}

#[test]
fn json_format_is_valid_json_with_positions() {
    let (_dir, path, (line, col)) = bad_spec();
    let o = glhac(&["check", "--format", "json", path.to_str().expect("utf-8")]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    let list = v.as_array().expect("a JSON array");
    let e = list
        .iter()
        .find(|d| d["code"] == "E0101")
        .unwrap_or_else(|| panic!("no E0101 in {v}"));
    assert_eq!(e["line"], line);
    assert_eq!(e["column"], col);
    assert_eq!(e["severity"], "error");
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()));
    for d in list {
        for key in ["code", "line", "column", "message", "severity"] {
            assert!(d.get(key).is_some(), "{key} missing in {d}");
        }
    }
}

#[test]
fn json_format_on_the_seed_exits_0() {
    let o = glhac(&["check", SEED, "--format", "json"]);
    assert_eq!(code(&o), 0);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("stdout is JSON");
    let codes: Vec<&str> = v
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"W0111"), "{codes:?}");
    assert!(codes.iter().all(|c| !c.starts_with('E')), "{codes:?}");
}

#[test]
fn no_ansi_escapes_when_not_a_terminal_or_no_color() {
    let (_dir, path, _) = bad_spec();
    let p = path.to_str().expect("utf-8");
    for env in [&[][..], &[("NO_COLOR", "1")][..]] {
        let o = glhac_env(&["check", p], env);
        assert_eq!(code(&o), 1);
        assert!(!has_ansi(&stderr(&o)), "ANSI escapes with {env:?}");
        assert!(!has_ansi(&stdout(&o)), "ANSI escapes with {env:?}");
        let o = glhac_env(&["check", SEED], env);
        assert!(!has_ansi(&stderr(&o)), "ANSI escapes with {env:?}");
    }
}

#[test]
fn release_override_reports_the_v2_auth_url() {
    let seed = std::fs::read_to_string(root().join(SEED)).expect("seed");
    let (line, col) = line_col(&seed, "\"http://10.0.0.11:5000/v2.0/\"");
    let o = glhac(&["check", SEED, "--release", "2025.2"]);
    assert_eq!(code(&o), 1, "stderr:\n{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("error[E0202]"), "{err}");
    assert!(err.contains(&format!("{SEED}:{line}:{col}")), "{err}");

    let o = glhac(&["check", SEED, "--release", "2025.2", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let e = v
        .as_array()
        .expect("array")
        .iter()
        .find(|d| d["code"] == "E0202")
        .unwrap_or_else(|| panic!("no E0202 in {v}"));
    assert_eq!(
        (e["line"].clone(), e["column"].clone()),
        (line.into(), col.into())
    );
}

#[test]
fn seed_password_is_never_printed() {
    for args in [
        &["check", SEED][..],
        &["check", SEED, "--format", "json"][..],
        &["check", SEED, "--release", "2025.2"][..],
        &["check", SEED, "--release", "2025.2", "--format", "json"][..],
    ] {
        let o = glhac(args);
        for (name, out) in [("stdout", stdout(&o)), ("stderr", stderr(&o))] {
            assert!(
                !out.contains("secretsecret"),
                "`glhac {}` prints the password on {name}:\n{out}",
                args.join(" ")
            );
        }
    }
}

/// A syntax error on the line of a password literal must not print the
/// password either (the parse failed, so the secret was never marked).
#[test]
fn password_on_a_line_with_a_syntax_error_is_not_printed() {
    let seed = std::fs::read_to_string(root().join(SEED)).expect("seed");
    let text = seed.replacen("\"secretsecret\"", "\"secretsecret", 1);
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("broken.glha");
    std::fs::write(&path, text).expect("write");
    let o = glhac(&["check", path.to_str().expect("utf-8")]);
    assert_eq!(code(&o), 1);
    assert!(
        !stderr(&o).contains("secretsecret"),
        "the password is printed:\n{}",
        stderr(&o)
    );
}

// -------------------------------------------------------------- explain

#[test]
fn explain_prints_the_explanation() {
    let o = glhac(&["explain", "E0101"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    let c = glha::diagnostic::CODES
        .iter()
        .find(|c| c.id == "E0101")
        .expect("E0101 is registered");
    assert!(out.contains("E0101"), "{out}");
    assert!(out.contains(c.title), "{out}");
    assert!(out.contains(c.explain), "{out}");
}

#[test]
fn explain_is_case_insensitive_and_lists_codes() {
    assert_eq!(code(&glhac(&["explain", "e0101"])), 0);
    let o = glhac(&["explain"]);
    assert_eq!(code(&o), 0);
    for c in glha::diagnostic::CODES {
        assert!(stdout(&o).contains(c.id), "{} not listed", c.id);
    }
}

#[test]
fn explain_unknown_code_exits_2() {
    let o = glhac(&["explain", "E9999"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("E9999"));
    assert!(stdout(&o).is_empty());
}

// ---------------------------------------------------------------- build

/// Every file under `dir`: relative path → bytes.
fn snapshot(dir: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    fn walk(base: &Path, dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .expect("readable dir")
            .map(|e| e.expect("entry").path())
            .collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                walk(base, &p, out);
            } else {
                let rel = p.strip_prefix(base).expect("under base").to_path_buf();
                out.insert(rel, std::fs::read(&p).expect("readable file"));
            }
        }
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn build(spec: &str, out: &Path) -> Output {
    glhac(&["build", spec, "-o", out.to_str().expect("utf-8 temp path")])
}

#[test]
fn build_seed_writes_the_bundle() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("bundle");
    let o = build(SEED, &out);
    assert_eq!(code(&o), 0, "stderr:\n{}", stderr(&o));
    assert!(out.join("MANIFEST.json").is_file(), "no MANIFEST.json");
    assert!(
        out.join("pacemaker/glance-api.crm").is_file(),
        "no pacemaker/glance-api.crm"
    );
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(out.join("MANIFEST.json")).expect("read"))
            .expect("MANIFEST.json is JSON");
    assert!(manifest.is_object(), "{manifest}");
}

#[test]
fn build_is_deterministic() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    assert_eq!(code(&build(SEED, &a)), 0);
    assert_eq!(code(&build(SEED, &b)), 0);
    let (sa, sb) = (snapshot(&a), snapshot(&b));
    assert!(!sa.is_empty(), "the bundle is empty");
    assert_eq!(sa, sb, "two builds of one spec differ");
    // Rebuilding into an existing bundle gives the same bytes too.
    assert_eq!(code(&build(SEED, &a)), 0);
    assert_eq!(snapshot(&a), sb);
}

#[test]
fn failed_build_leaves_the_previous_bundle_intact() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("bundle");
    std::fs::create_dir_all(out.join("pacemaker")).expect("mkdir");
    std::fs::write(out.join("MANIFEST.json"), b"{\"previous\": true}\n").expect("write");
    std::fs::write(out.join("pacemaker/glance-api.crm"), b"# previous\n").expect("write");
    let before = snapshot(&out);

    let (_dir, bad, _) = bad_spec();
    let o = build(bad.to_str().expect("utf-8"), &out);
    assert_eq!(code(&o), 1, "stderr:\n{}", stderr(&o));
    assert!(stderr(&o).contains("E0101"));
    assert_eq!(snapshot(&out), before, "a failed build changed the bundle");
    // Nothing is left next to it either (no half-written temp dirs).
    let siblings: Vec<_> = std::fs::read_dir(tmp.path())
        .expect("read")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(siblings, ["bundle"], "left behind: {siblings:?}");
}

#[test]
fn failed_build_creates_no_bundle() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let out = tmp.path().join("bundle");
    let (_dir, bad, _) = bad_spec();
    assert_eq!(code(&build(bad.to_str().expect("utf-8"), &out)), 1);
    assert!(!out.exists(), "a failed build created {}", out.display());
}

#[test]
fn build_missing_spec_exits_2() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = build("no/such/spec.glha", &tmp.path().join("bundle"));
    assert_eq!(code(&o), 2);
}

#[test]
fn build_to_unwritable_output_exits_2() {
    // A path below a regular file cannot be created, even by root.
    let tmp = tempfile::tempdir().expect("tempdir");
    let file = tmp.path().join("not-a-dir");
    std::fs::write(&file, b"x").expect("write");
    let o = build(SEED, &file.join("bundle"));
    assert_eq!(code(&o), 2, "stderr:\n{}", stderr(&o));
    assert_eq!(std::fs::read(&file).expect("read"), b"x");
}

#[test]
fn build_never_prints_the_password() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let o = build(SEED, &tmp.path().join("bundle"));
    assert!(!stderr(&o).contains("secretsecret"));
    assert!(!stdout(&o).contains("secretsecret"));
}
