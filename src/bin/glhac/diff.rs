//! `glhac diff`: what the bundle would change on the live system. Read-only.

use crate::output::{color, compile, print_diagnostics, Common};
use crate::{EXIT_FINDINGS, EXIT_TROUBLE};
use anyhow::Context;
use camino::Utf8PathBuf;
use glha::diff::LiveInputs;
use serde::{Deserialize, Serialize};

/// Arguments of `glhac diff`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// A copy of a host's file tree (or `/`): ini files are read from here.
    #[arg(long)]
    root: Option<Utf8PathBuf>,
    /// The node `--root` belongs to (for per-node files).
    #[arg(long)]
    node: Option<String>,
    /// The live Pacemaker configuration: `cibadmin -Q` XML or `crm configure show` text.
    #[arg(long)]
    cib: Option<Utf8PathBuf>,
    /// The live catalog: `openstack endpoint list -f json` output.
    #[arg(long)]
    endpoints: Option<Utf8PathBuf>,
    /// `text` or `json` (on stdout).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
    /// Record the plan, with the checksum of every live file read, for `glhac apply`.
    #[arg(long)]
    save_plan: Option<Utf8PathBuf>,
}

/// What `--save-plan` writes: the spec to recompile and the diff's record.
#[derive(Serialize, Deserialize)]
pub struct PlanFile {
    /// The spec, as given on the command line.
    pub spec: Utf8PathBuf,
    /// The release it was compiled for.
    pub release: String,
    /// Checksums and settings (no secret values).
    pub saved: serde_json::Value,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let comp = compile(&a.common, glha::Options::default())?;
    if comp.diagnostics.has_errors() {
        print_diagnostics(&comp);
        return Ok(EXIT_TROUBLE);
    }
    let plan = comp.plan.as_ref().context("no plan")?;
    let live = LiveInputs {
        root: a.root,
        cib: a.cib,
        endpoints: a.endpoints,
        node: a.node,
    };
    // Secrets written into the spec are known: compare them (never show
    // them). Env and file secrets are the apply step's business.
    let literals = glha::secret::SecretValues::literals(&plan.secrets);
    let report = match glha::diff::diff_with_secrets(plan, &live, &literals) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("glhac: error: {e}");
            return Ok(EXIT_TROUBLE);
        }
    };
    if a.format == "json" {
        println!("{}", report.to_json());
    } else {
        print!("{}", report.render(color_stdout()));
    }
    if let Some(path) = a.save_plan {
        let file = PlanFile {
            spec: a.common.spec.clone(),
            release: plan.release.name().into(),
            saved: serde_json::from_str(&report.saved_plan().to_json())?,
        };
        glha::bundle::write_file_atomic(&path, serde_json::to_string_pretty(&file)? + "\n")
            .with_context(|| format!("cannot write {path}"))?;
    }
    Ok(if report.has_changes() {
        EXIT_FINDINGS
    } else {
        0
    })
}

fn color_stdout() -> bool {
    use std::io::IsTerminal;
    color() && std::io::stdout().is_terminal()
}
