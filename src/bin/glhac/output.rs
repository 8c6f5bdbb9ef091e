//! Shared CLI plumbing: compiling with common options, printing diagnostics.

use anyhow::Context;
use camino::Utf8PathBuf;
use glha::{Compilation, Options, Release};
use std::io::IsTerminal;

/// Options every compiling subcommand takes.
#[derive(clap::Args)]
pub struct Common {
    /// The spec to compile.
    pub spec: Utf8PathBuf,
    /// Compile for this OpenStack release instead of the spec's.
    #[arg(long, value_parser = parse_release)]
    pub release: Option<Release>,
    /// Another directory to look up imports in (repeatable).
    #[arg(long = "lib", short = 'L')]
    pub lib: Vec<Utf8PathBuf>,
}

pub fn parse_release(s: &str) -> Result<Release, String> {
    Release::parse(s).ok_or_else(|| {
        format!(
            "unknown release `{s}`; glha knows {}",
            Release::ALL
                .iter()
                .map(|r| r.name())
                .collect::<Vec<_>>()
                .join(", ")
        )
    })
}

/// Whether to colour stderr: only a terminal, and never with NO_COLOR.
pub fn color() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && std::io::stderr().is_terminal()
}

/// Compiles; an unreadable spec is trouble (exit 2), not a finding.
pub fn compile(c: &Common, mut opts: Options) -> anyhow::Result<Compilation> {
    opts.release = c.release;
    opts.search = glha::SearchPath(c.lib.clone());
    glha::compile_file(&c.spec, &opts).with_context(|| format!("cannot read {}", c.spec))
}

/// Whether the only thing that stopped the build is a secret that cannot
/// be read: the environment is at fault, not the spec (exit 2).
pub fn secrets_unreadable(comp: &Compilation) -> bool {
    let code = glha::diagnostic::codes::SECRET_UNREADABLE.id;
    comp.diagnostics
        .iter()
        .any(|d| d.is_error() && d.code == code)
}

/// Checks only (diagnostics, no plan or bundle); an unreadable spec is
/// trouble (exit 2), not a finding.
pub fn check(c: &Common) -> anyhow::Result<Compilation> {
    let opts = Options {
        release: c.release,
        search: glha::SearchPath(c.lib.clone()),
        ..Options::default()
    };
    glha::check_file(&c.spec, &opts).with_context(|| format!("cannot read {}", c.spec))
}

/// Prints diagnostics and a summary line on stderr.
pub fn print_diagnostics(comp: &Compilation) {
    let text = glha::diagnostic::render(&comp.diagnostics, &comp.sources, color());
    eprint!("{text}");
    let (e, w) = comp.diagnostics.counts();
    if e > 0 {
        eprintln!(
            "glhac: {e} error{}, {w} warning{}; nothing written",
            plural(e),
            plural(w)
        );
    } else if w > 0 {
        eprintln!("glhac: {w} warning{}", plural(w));
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}
