//! `glhac apply PLAN --root DIR`: write the merged ini files of a saved
//! plan; print the crm and openstack commands that remain. Never runs them.

use crate::diff::PlanFile;
use crate::output::{compile, print_diagnostics, print_secret_errors, Common};
use crate::EXIT_TROUBLE;
use anyhow::Context;
use camino::Utf8PathBuf;

/// Arguments of `glhac apply`.
#[derive(clap::Args)]
pub struct Args {
    /// A plan saved by `glhac diff --save-plan`.
    plan: Utf8PathBuf,
    /// The tree to write into (a copy of a host's, or `/`).
    #[arg(long)]
    root: Utf8PathBuf,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let text =
        std::fs::read_to_string(&a.plan).with_context(|| format!("cannot read {}", a.plan))?;
    let file: PlanFile =
        serde_json::from_str(&text).with_context(|| format!("{} is not a glha plan", a.plan))?;
    let saved = glha::diff::SavedPlan::from_json(&file.saved.to_string())
        .with_context(|| format!("{} is not a glha plan", a.plan))?;
    let common = Common {
        spec: file.spec.clone(),
        release: glha::Release::parse(&file.release),
        lib: vec![],
    };
    let comp = compile(&common, glha::Options::default())?;
    if comp.diagnostics.has_errors() {
        print_diagnostics(&comp);
        return Ok(EXIT_TROUBLE);
    }
    let plan = comp.plan.as_ref().context("no plan")?;
    let secrets = match glha::secret::SecretValues::resolve(&plan.secrets) {
        Ok(v) => v,
        Err(errors) => {
            print_secret_errors(&errors);
            return Ok(EXIT_TROUBLE);
        }
    };
    match glha::diff::apply(&saved, plan, &a.root, &secrets) {
        Ok(out) => {
            for w in &out.written {
                eprintln!("glhac: wrote {w}");
            }
            for u in &out.unchanged {
                eprintln!("glhac: unchanged {u}");
            }
            if !out.commands.is_empty() {
                println!("# Commands that remain (glhac does not run them):");
                for c in &out.commands {
                    println!("{c}");
                }
            }
            Ok(0)
        }
        Err(e) => {
            eprintln!("glhac: error: {e}");
            Ok(EXIT_TROUBLE)
        }
    }
}
