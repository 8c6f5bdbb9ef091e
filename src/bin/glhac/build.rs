//! `glhac build`: compile and write the bundle atomically.

use crate::output::{compile, print_diagnostics, Common};
use crate::EXIT_FINDINGS;
use anyhow::{bail, Context};
use camino::Utf8PathBuf;
use glha::plan::SecretSource;
use glha::{Backend, EmitOptions, Options, SecretMode};
use std::collections::BTreeMap;

/// Arguments of `glhac build`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// The bundle directory (replaced atomically).
    #[arg(short = 'o', long = "output", default_value = "bundle")]
    output: Utf8PathBuf,
    /// Which Pacemaker front end to write commands for.
    #[arg(long, default_value = "both", value_parser = ["crm", "pcs", "both"])]
    backend: String,
    /// Write real secret values (from their env variables and files) into
    /// the bundle instead of placeholders; such files get mode 0600.
    #[arg(long)]
    embed_secrets: bool,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let backend = match a.backend.as_str() {
        "crm" => Backend::Crm,
        "pcs" => Backend::Pcs,
        _ => Backend::Both,
    };
    let mut opts = Options {
        emit: EmitOptions {
            backend,
            secrets: SecretMode::Placeholder,
        },
        ..Options::default()
    };
    if a.embed_secrets {
        // Compile once to learn which secrets the spec refers to.
        let first = compile(&a.common, opts.clone())?;
        if let Some(plan) = &first.plan {
            opts.emit.secrets = SecretMode::Embed(resolve_secrets(&plan.secrets)?);
        }
    }
    let comp = compile(&a.common, opts)?;
    print_diagnostics(&comp);
    let Some(bundle) = comp
        .bundle
        .as_ref()
        .filter(|_| !comp.diagnostics.has_errors())
    else {
        return Ok(EXIT_FINDINGS);
    };
    bundle
        .write_to(&a.output)
        .with_context(|| format!("cannot write the bundle to {}", a.output))?;
    eprintln!("glhac: wrote {} files to {}", bundle.files.len(), a.output);
    Ok(0)
}

/// Reads every env/file secret; names what is missing, never a value.
fn resolve_secrets(secrets: &[glha::plan::SecretRef]) -> anyhow::Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    for s in secrets {
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
            SecretSource::Literal(_) => continue,
        };
        if glha::check::unsafe_char(&value).is_some() {
            bail!(
                "secret `{}` contains a control character and cannot be written safely",
                s.id
            );
        }
        out.insert(s.id.clone(), value);
    }
    Ok(out)
}
