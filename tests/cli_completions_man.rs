//! `glhac completions SHELL` and `glhac man`: generated from the clap
//! definitions, so every command glhac has must appear in them. The list
//! of commands is read from `glhac --help`, not written down here, so a
//! new command is checked without touching this file.

mod common;

use std::path::Path;
use std::process::{Command, Output};

const SHELLS: &[&str] = &["bash", "zsh", "fish", "elvish", "powershell"];

fn glhac(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glhac"))
        .args(args)
        .output()
        .expect("glhac runs")
}

/// stdout of a glhac run that must succeed quietly.
fn glhac_ok(args: &[&str]) -> String {
    let out = glhac(args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "glhac {args:?}: {}\n{stderr}",
        out.status
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// The commands `glhac --help` lists, less clap's `help`.
fn commands() -> Vec<String> {
    let help = glhac_ok(&["--help"]);
    let list = help
        .split_once("Commands:\n")
        .expect("`glhac --help` lists its commands")
        .1;
    let names: Vec<String> = list
        .lines()
        .take_while(|l| !l.trim().is_empty())
        .filter_map(|l| l.split_whitespace().next())
        .filter(|name| *name != "help")
        .map(str::to_string)
        .collect();
    for known in ["build", "check", "fmt", "completions", "man"] {
        assert!(
            names.iter().any(|n| n == known),
            "`{known}` missing from the commands read from --help: {names:?}"
        );
    }
    names
}

fn write_temp(dir: &Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).expect("write a temp file");
    path.to_str().expect("a UTF-8 temp path").to_string()
}

#[test]
fn every_shell_gets_a_script_naming_every_command() {
    let commands = commands();
    for shell in SHELLS {
        let script = glhac_ok(&["completions", shell]);
        assert!(
            script.len() > 200,
            "{shell}: a near-empty script:\n{script}"
        );
        for c in &commands {
            assert!(
                script.contains(c.as_str()),
                "the {shell} completion does not mention `{c}`"
            );
        }
    }
}

#[test]
fn an_unknown_shell_is_refused() {
    let out = glhac(&["completions", "tcsh"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bash"));
}

#[test]
fn bash_completes_the_commands() {
    if !common::tool("bash") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let script = write_temp(
        dir.path(),
        "glhac.bash",
        &glhac_ok(&["completions", "bash"]),
    );
    common::run_ok(Command::new("bash").args(["-n", &script]), "bash -n");
    // Complete `glhac <TAB>` and `glhac completions <TAB>` as bash would.
    let complete = |words: &str, cur: &str, prev: &str| {
        let driver = format!(
            "source '{script}'\n\
             COMP_WORDS=({words}); COMP_CWORD=$((${{#COMP_WORDS[@]}} - 1))\n\
             COMP_LINE=\"${{COMP_WORDS[*]}}\"; COMP_POINT=${{#COMP_LINE}}\n\
             _glhac glhac '{cur}' '{prev}'\n\
             printf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
        );
        common::run_ok(
            Command::new("bash").args(["-c", &driver]),
            "bash completion",
        )
    };
    let offered = complete("glhac ''", "", "glhac");
    for c in commands() {
        assert!(
            offered.lines().any(|l| l == c),
            "`glhac <TAB>` does not offer `{c}`:\n{offered}"
        );
    }
    let offered = complete("glhac completions ''", "", "completions");
    for shell in SHELLS {
        assert!(
            offered.lines().any(|l| l == *shell),
            "`glhac completions <TAB>` does not offer `{shell}`:\n{offered}"
        );
    }
}

#[test]
fn zsh_reads_its_script() {
    if !common::tool("zsh") {
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let script = write_temp(dir.path(), "_glhac", &glhac_ok(&["completions", "zsh"]));
    common::run_ok(Command::new("zsh").args(["-n", &script]), "zsh -n");
}

/// Renders a page with groff, all warnings on; returns the text.
fn groff(page: &str, what: &str) -> String {
    let mut child = Command::new("groff")
        .args(["-man", "-Tutf8", "-ww"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("groff runs");
    std::io::Write::write_all(&mut child.stdin.take().expect("stdin"), page.as_bytes())
        .expect("feed groff");
    let out = child.wait_with_output().expect("groff finishes");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "groff warns about {what}:\n{stderr}"
    );
    plain(&String::from_utf8_lossy(&out.stdout))
}

/// Terminal output as words: without the overstrikes a terminal device
/// uses for bold and underline (`X\bX`, `_\bX`), one space between words.
fn plain(text: &str) -> String {
    let mut chars: Vec<char> = Vec::new();
    for c in text.chars() {
        if c == '\u{8}' {
            chars.pop();
        } else {
            chars.push(c);
        }
    }
    let text: String = chars.into_iter().collect();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[test]
fn the_manual_renders_without_warnings_and_names_every_command() {
    if !common::tool("groff") || !common::tool("man") {
        return;
    }
    let commands = commands();
    let page = glhac_ok(&["man"]);
    assert!(
        page.lines().any(|l| l.starts_with(".TH glhac 1 ")),
        "no title line:\n{page}"
    );
    let text = groff(&page, "glhac(1)");
    assert!(text.contains("glhac"), "{text}");

    // man -l, as a reader opens a page file, with its warnings on.
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write_temp(dir.path(), "glhac.1", &page);
    let out = Command::new("man")
        .args(["--warnings", "-P", "cat", "-l", &file])
        .env("MANWIDTH", "80")
        .output()
        .expect("man runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stderr.is_empty(),
        "man -l: {}\n{stderr}",
        out.status
    );
    let shown = plain(&String::from_utf8_lossy(&out.stdout));
    for c in &commands {
        assert!(
            shown.contains(&format!("glhac-{c}(1)")),
            "glhac(1) does not list glhac-{c}(1):\n{shown}"
        );
    }

    // Each command's own page, as glhac(1) refers to it.
    for c in &commands {
        let page = glhac_ok(&["man", c]);
        let text = groff(&page, &format!("glhac-{c}(1)"));
        assert!(
            text.contains(&format!("glhac-{c} - ")),
            "glhac-{c}(1) has no NAME line:\n{text}"
        );
    }
}

#[test]
fn man_dir_writes_every_page_as_printed() {
    let commands = commands();
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("man1");
    glhac_ok(&["man", "--dir", out.to_str().expect("UTF-8 temp path")]);
    let mut expected: Vec<String> = commands.iter().map(|c| format!("glhac-{c}.1")).collect();
    expected.push("glhac.1".to_string());
    expected.sort();
    let mut written: Vec<String> = std::fs::read_dir(&out)
        .expect("the directory was made")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    written.sort();
    assert_eq!(written, expected);
    let read = |name: &str| std::fs::read_to_string(out.join(name)).expect("a page");
    assert_eq!(read("glhac.1"), glhac_ok(&["man"]));
    for c in &commands {
        assert_eq!(
            read(&format!("glhac-{c}.1")),
            glhac_ok(&["man", c]),
            "glhac-{c}.1"
        );
    }
}

#[test]
fn man_of_an_unknown_command_is_refused() {
    let out = glhac(&["man", "nope"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no command `nope`") && stderr.contains("build"),
        "{stderr}"
    );
    assert!(out.stdout.is_empty());
}

#[test]
fn the_library_alone_pulls_in_no_cli_crate() {
    // build.rs and include_spec! users depend on glha without `cli`.
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    let tree = common::run_ok(
        Command::new(cargo)
            .args([
                "tree",
                "--locked",
                "--no-default-features",
                "-p",
                "glha",
                "-e",
                "normal",
                "--prefix",
                "none",
            ])
            .current_dir(env!("CARGO_MANIFEST_DIR")),
        "cargo tree",
    );
    assert!(tree.contains("pest"), "not a dependency tree:\n{tree}");
    for krate in [
        "clap",
        "clap_complete",
        "clap_mangen",
        "anyhow",
        // `glhac lsp`'s protocol crates and what only they bring.
        "lsp-server",
        "lsp-types",
        "crossbeam-channel",
        "fluent-uri",
    ] {
        assert!(
            !tree.lines().any(|l| l.starts_with(&format!("{krate} v"))),
            "{krate} is a dependency of glha without `cli`:\n{tree}"
        );
    }
}
