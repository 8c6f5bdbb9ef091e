//! Helpers shared by the integration tests.
#![allow(dead_code)]

pub mod gen;
pub mod guide;

use camino::{Utf8Path, Utf8PathBuf};
use std::process::{Command, Output};

pub mod live;
pub mod pcmk;
pub mod simulate;
pub mod tls;

/// The repository root.
pub fn root() -> Utf8PathBuf {
    Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Every example spec, sorted.
pub fn examples() -> Vec<Utf8PathBuf> {
    let mut v: Vec<Utf8PathBuf> = std::fs::read_dir(root().join("examples"))
        .expect("examples/")
        .filter_map(|e| Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
        .filter(|p| p.extension() == Some("glha"))
        .collect();
    v.sort();
    v
}

/// Compiles a spec that must have no errors.
pub fn compile(spec: &Utf8Path, opts: &glha::Options) -> glha::Compilation {
    let c = glha::compile_file(spec, opts).expect("readable spec");
    assert!(
        !c.diagnostics.has_errors(),
        "{spec} has errors:\n{}",
        glha::diagnostic::render(&c.diagnostics, &c.sources, false)
    );
    c
}

/// Whether a system tool is on PATH. When it is missing, CI (GLHA_REQUIRE_TOOLS=1)
/// fails; a developer machine skips, loudly.
pub fn tool(name: &str) -> bool {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        missing_tool(&format!("`{name}`"));
    }
    found
}

/// Reports a missing tool: a failure in CI (GLHA_REQUIRE_TOOLS=1), a loud
/// skip on a developer machine.
pub fn missing_tool(what: &str) {
    if std::env::var("GLHA_REQUIRE_TOOLS").as_deref() == Ok("1") {
        panic!("required tool {what} is missing (GLHA_REQUIRE_TOOLS=1); run .ci/install-tools");
    }
    eprintln!("\n*** SKIPPED: {what} is not installed; run `bash .ci/install-tools` (as root) to test conformance ***\n");
}

/// A finished command's stdout then stderr, as text (for assertion
/// messages).
pub fn output_text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// Whether python3 can import PyYAML, which scripts/gen-sample-conf.py
/// needs (reported like a missing tool when it cannot).
pub fn python_yaml() -> bool {
    let found = Command::new("python3")
        .args(["-c", "import yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        missing_tool("python3 with PyYAML (scripts/gen-sample-conf.py)");
    }
    found
}

/// Runs a command; panics with its output unless it succeeds.
pub fn run_ok(cmd: &mut Command, what: &str) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("{what}: cannot run: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out.status.success(),
        "{what} failed ({}):\n{text}",
        out.status
    );
    text
}
