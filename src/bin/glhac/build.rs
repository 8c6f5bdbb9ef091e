//! `glhac build`: compile and write the bundle atomically.

use crate::output::{compile, print_diagnostics, secrets_unreadable, Common};
use crate::{EXIT_FINDINGS, EXIT_TROUBLE};
use anyhow::Context;
use camino::Utf8PathBuf;
use glha::{Backend, EmitOptions, Options, SecretMode};

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
    let opts = Options {
        emit: EmitOptions {
            backend,
            // The library reads and checks every secret (E0116, E0110).
            secrets: if a.embed_secrets {
                SecretMode::Resolve
            } else {
                SecretMode::Placeholder
            },
        },
        ..Options::default()
    };
    let comp = compile(&a.common, opts)?;
    print_diagnostics(&comp);
    if secrets_unreadable(&comp) {
        return Ok(EXIT_TROUBLE);
    }
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
