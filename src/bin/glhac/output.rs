//! Shared CLI plumbing: compiling with common options, printing diagnostics.

use anyhow::{bail, Context};
use camino::Utf8PathBuf;
use glha::plan::SecretSource;
use glha::{Compilation, Options, Release};
use std::collections::BTreeMap;
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

fn parse_release(s: &str) -> Result<Release, String> {
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

/// Reads every env/file secret; names what is missing, never a value.
pub fn resolve_secrets(
    plan: &glha::plan::Plan,
    with_literals: bool,
) -> anyhow::Result<BTreeMap<String, String>> {
    // Secrets that go into the Pacemaker configuration must also survive
    // crmsh (the checker does the same for values written in the spec).
    let in_crm: Vec<&str> = plan
        .pacemaker
        .primitives
        .iter()
        .flat_map(|p| p.params.iter().flat_map(|(_, v)| v.secret_ids()))
        .collect();
    let mut out = BTreeMap::new();
    for s in &plan.secrets {
        let value = match &s.source {
            SecretSource::Env(var) => match std::env::var(var) {
                Ok(v) => v,
                Err(_) => bail!("secret `{}`: environment variable {var} is not set", s.id),
            },
            SecretSource::File(path) => {
                let text = std::fs::read_to_string(path)
                    .with_context(|| format!("secret `{}`: cannot read {path}", s.id))?;
                text.lines().next().unwrap_or("").to_string()
            }
            SecretSource::Literal(v) if with_literals => v.clone(),
            SecretSource::Literal(_) => continue,
        };
        if glha::check::unsafe_char(&value).is_some() {
            bail!(
                "secret `{}` contains a control character and cannot be written safely",
                s.id
            );
        }
        if in_crm.contains(&s.id.as_str()) {
            if let Some(c) = glha::emit::crm_unrepresentable(&value) {
                bail!(
                    "secret `{}` contains {:?}, which the crm script cannot carry exactly (a backslash before `\"` or `\\` or at the end, or a non-ASCII character)",
                    s.id,
                    c
                );
            }
        }
        out.insert(s.id.clone(), value);
    }
    Ok(out)
}
