//! `glhac diff`: what the bundle would change on the live system. Read-only.

use crate::output::{color, compile, print_diagnostics, Common};
use crate::{EXIT_FINDINGS, EXIT_TROUBLE};
use anyhow::Context;
use camino::Utf8PathBuf;
use glha::diff::{LiveInputs, PlanOrigin};
use glha::tools::Tools;

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
    /// Record the plan for `glhac apply`: the spec's digest, every live file's checksum, the CIB's version, the changes, the predicted transition and the endpoint calls.
    #[arg(long)]
    save_plan: Option<Utf8PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let comp = compile(&a.common, glha::Options::default())?;
    if comp.diagnostics.has_errors() {
        print_diagnostics(&comp);
        return Ok(EXIT_TROUBLE);
    }
    let plan = comp.plan.as_ref().context("no plan")?;
    // Every secret whose source can be read here is compared (never
    // shown), as apply will write it: a password rotated in its env
    // variable or file is a change. Those that cannot be read stay
    // "not compared".
    let (secrets, _unavailable) = glha::secret::SecretValues::resolve_partial(&plan.secrets);
    for e in glha::secret::check_values(plan, &secrets) {
        eprintln!("glhac: warning: {e}; glhac apply will refuse it");
    }
    // crm_simulate gets glhac's environment.
    let mut tools = Tools::from_process_env();
    tools.redact(&secrets);
    let live = LiveInputs {
        root: a.root,
        cib: a.cib,
        endpoints: a.endpoints,
        node: a.node,
        tools: Some(tools),
    };
    let report = match glha::diff::diff_with_secrets(plan, &live, &secrets) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("glhac: error: {e}");
            return Ok(EXIT_TROUBLE);
        }
    };
    let text = if a.format == "json" {
        report.to_json() + "\n"
    } else {
        report.render(color_stdout())
    };
    crate::print_bytes(text.as_bytes())?;
    if let Some(path) = a.save_plan {
        let origin = PlanOrigin::of(&comp, &a.common.spec, plan.release, &a.common.lib)
            .with_context(|| format!("cannot resolve the path of {}", a.common.spec))?;
        glha::bundle::write_file_atomic(&path, report.saved_plan(origin).to_json())
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
