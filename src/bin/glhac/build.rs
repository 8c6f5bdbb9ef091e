//! `glhac build`: compile and write the bundle atomically; with several
//! specs, each into its own directory under the output.

use crate::output::{compile, print_diagnostics, secrets_unreadable};
use crate::specs::{self, Outcome, Specs};
use crate::{EXIT_FINDINGS, EXIT_TROUBLE};
use anyhow::Context;
use camino::{Utf8Path, Utf8PathBuf};
use glha::{Backend, Compilation, EmitOptions, Options, SecretMode};

/// Arguments of `glhac build`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    specs: Specs,
    /// The bundle directory (replaced atomically). With several specs, the
    /// directory that holds one bundle per spec, named by the spec's file
    /// name without `.glha`.
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
    if let [spec] = a.specs.specs.as_slice() {
        let comp = compile(&a.specs.common(spec), opts)?;
        print_diagnostics(&comp);
        let (status, line) = write(&comp, &a.output)?;
        eprint!("{line}");
        return Ok(status);
    }
    let dirs = specs::bundle_dirs(&a.specs.specs, &a.output)?;
    std::fs::create_dir_all(&a.output).with_context(|| format!("cannot create {}", a.output))?;
    let jobs: Vec<(&Utf8PathBuf, Utf8PathBuf)> = a.specs.specs.iter().zip(dirs).collect();
    let outcomes = specs::parallel(&jobs, |(spec, dir)| {
        let comp = match compile(&a.specs.common(spec), opts.clone()) {
            Ok(c) => c,
            Err(e) => return Outcome::trouble(e),
        };
        let mut stderr = specs::rendered(&comp, spec);
        match write(&comp, dir) {
            Ok((status, line)) => {
                stderr.push_str(&line);
                Outcome { stderr, status }
            }
            Err(e) => Outcome {
                stderr: format!("{stderr}glhac: error: {e:#}\n"),
                status: EXIT_TROUBLE,
            },
        }
    });
    Ok(specs::report(outcomes))
}

/// Writes the bundle of a compilation without errors to `dir`: the exit
/// status, and the line that says what was written.
fn write(comp: &Compilation, dir: &Utf8Path) -> anyhow::Result<(u8, String)> {
    if secrets_unreadable(comp) {
        return Ok((EXIT_TROUBLE, String::new()));
    }
    let Some(bundle) = comp
        .bundle
        .as_ref()
        .filter(|_| !comp.diagnostics.has_errors())
    else {
        return Ok((EXIT_FINDINGS, String::new()));
    };
    bundle
        .write_to(dir)
        .with_context(|| format!("cannot write the bundle to {dir}"))?;
    let line = format!("glhac: wrote {} files to {dir}\n", bundle.files.len());
    Ok((0, line))
}
