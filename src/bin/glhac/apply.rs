//! `glhac apply PLAN --root DIR [--pacemaker] [--endpoints]`: execute a
//! plan saved by `glhac diff --save-plan`, all or nothing: the files,
//! then (opt-in) the CIB and the Keystone catalog. Exit 0: applied (or
//! nothing to do); 2: refused (nothing written) or failed (what was done
//! is said).

use crate::output::{compile, print_diagnostics, Common};
use crate::EXIT_TROUBLE;
use camino::Utf8PathBuf;
use glha::diff::{
    ApplyError, ApplyInput, ApplyOptions, ApplyReport, EndpointsOutcome, PacemakerOutcome,
    PlanOrigin, Recovery, SavedPlan, Selection, SERVICES,
};
use glha::secret::SecretValues;
use glha::tools::Tools;
use serde_json::json;

/// Arguments of `glhac apply`.
#[derive(clap::Args)]
pub struct Args {
    /// A plan saved by `glhac diff --save-plan`.
    plan: Utf8PathBuf,
    /// The tree to write into (a copy of a host's, or `/`); the plan's root.
    #[arg(long)]
    root: Utf8PathBuf,
    /// Also apply the Pacemaker part: patch the live CIB (`cibadmin`; `CIB_file` is honoured) if its configuration is still the one reviewed.
    #[arg(long)]
    pacemaker: bool,
    /// Also apply the catalog part: run the planned `openstack` calls (admin credentials from the environment) if the catalog is still the one reviewed.
    #[arg(long)]
    endpoints: bool,
    /// Write only the files of this service (repeatable).
    #[arg(long, value_name = "SERVICE", value_parser = SERVICES, conflicts_with = "skip")]
    only: Vec<String>,
    /// Write the files of every service but this one (repeatable).
    #[arg(long, value_name = "SERVICE", value_parser = SERVICES)]
    skip: Vec<String>,
    /// Make a file that will hold a secret and that others can read 0640 (owner and group kept) instead of refusing.
    #[arg(long)]
    tighten_modes: bool,
    /// `text` or `json` (on stdout).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let saved = match std::fs::read_to_string(&a.plan)
        .map_err(|e| e.to_string())
        .and_then(|t| SavedPlan::from_json(&t).map_err(|e| e.to_string()))
    {
        Ok(s) => s,
        Err(e) => return refuse(&a, &[format!("{}: {e}", a.plan)]),
    };
    let common = Common {
        spec: saved.origin.spec.clone().into(),
        release: glha::Release::parse(&saved.origin.release),
        lib: saved.origin.lib.iter().map(Utf8PathBuf::from).collect(),
    };
    let comp = match compile(&common, glha::Options::default()) {
        Ok(c) => c,
        Err(e) => return refuse(&a, &[format!("the plan's spec: {e:#}")]),
    };
    if comp.diagnostics.has_errors() {
        print_diagnostics(&comp);
        return Ok(EXIT_TROUBLE);
    }
    let Some(plan) = comp.plan.as_ref() else {
        return refuse(&a, &["the plan's spec compiles to no plan".into()]);
    };
    let release = common.release.unwrap_or(plan.release);
    let origin = match PlanOrigin::of(&comp, &common.spec, release, &common.lib) {
        Ok(o) => o,
        Err(e) => return refuse(&a, &[format!("the plan's spec: {e}")]),
    };
    let (secrets, unresolved) = SecretValues::resolve_partial(&plan.secrets);
    let mut tools = Tools::from_process_env();
    tools.redact(&secrets);
    let select = match (a.only.is_empty(), a.skip.is_empty()) {
        (false, _) => Selection::Only(a.only.clone()),
        (true, false) => Selection::Skip(a.skip.clone()),
        (true, true) => Selection::All,
    };
    let opts = ApplyOptions {
        root: a.root.clone(),
        select,
        tighten_modes: a.tighten_modes,
        pacemaker: a.pacemaker,
        endpoints: a.endpoints,
        tools,
    };
    let input = ApplyInput {
        saved: &saved,
        plan,
        origin: &origin,
        secrets: &secrets,
        unresolved: &unresolved,
    };
    match glha::diff::apply(input, &opts) {
        Ok(report) => {
            show(&a, "applied", &report, &[]);
            Ok(0)
        }
        Err(ApplyError::Refused { problems, done }) => {
            let lines: Vec<String> = problems.iter().map(|p| format!("refused: {p}")).collect();
            show(&a, "refused", &done, &lines);
            Ok(EXIT_TROUBLE)
        }
        Err(ApplyError::Failed { error, done }) => {
            show(&a, "failed", &done, &[format!("failed: {error}")]);
            Ok(EXIT_TROUBLE)
        }
    }
}

/// Refuses before anything was looked at.
fn refuse(a: &Args, lines: &[String]) -> anyhow::Result<u8> {
    let lines: Vec<String> = lines.iter().map(|l| format!("refused: {l}")).collect();
    show(a, "refused", &ApplyReport::default(), &lines);
    Ok(EXIT_TROUBLE)
}

/// Prints what was done (stdout) and the problems (stderr, or in the JSON).
fn show(a: &Args, status: &str, r: &ApplyReport, problems: &[String]) {
    if a.format == "json" {
        let v = json!({ "status": status, "done": r, "problems": problems });
        let text = serde_json::to_string_pretty(&v).expect("JSON serializes") + "\n";
        let _ = crate::print_bytes(text.as_bytes());
        return;
    }
    let _ = crate::print_bytes(render(r).as_bytes());
    for p in problems {
        eprintln!("glhac: {p}");
    }
}

fn render(r: &ApplyReport) -> String {
    let mut o = String::new();
    let mut line = |s: String| {
        o.push_str(&s);
        o.push('\n');
    };
    match &r.recovery {
        Some(Recovery::Finished { files }) if files.is_empty() => line(
            "finished an interrupted apply of this plan: every file was already in place".into(),
        ),
        Some(Recovery::Finished { files }) => line(format!(
            "finished an interrupted apply of this plan: renamed {} into place",
            list(files)
        )),
        Some(Recovery::RolledBack { files }) => line(format!(
            "rolled back an interrupted apply of this plan (its prepared files were gone): restored {}; applying the plan afresh",
            list(files)
        )),
        None => {}
    }
    let f = &r.files;
    for w in &f.written {
        line(format!("wrote {w}"));
    }
    for p in &f.already {
        line(format!("already as planned: {p}"));
    }
    for p in &f.unchanged {
        line(format!("unchanged: {p}"));
    }
    for p in &f.tightened {
        line(format!("made {p} 0640 (it holds a secret)"));
    }
    for t in &f.skipped {
        line(format!("skipped: {t}"));
    }
    match &r.pacemaker {
        Some(PacemakerOutcome::AlreadyApplied) => {
            line("pacemaker: the CIB already has the plan's configuration".into())
        }
        Some(PacemakerOutcome::Applied {
            objects,
            from,
            epoch_after,
            also_changed,
        }) => {
            line(format!(
                "pacemaker: patched the CIB (epoch {} -> {epoch_after}): {}",
                from.epoch,
                objects.join(", ")
            ));
            if !also_changed.is_empty() {
                line(format!(
                    "pacemaker: {} also changed (a secret parameter the plan could not compare); its resource restarts too",
                    also_changed.join(", ")
                ));
            }
            if let Some(t) = &r.transition {
                line("predicted transition (Pacemaker runs it now):".into());
                let lines = t.lines();
                if t.disrupts_nothing() {
                    line("  nothing stops, starts, moves or restarts".into());
                }
                for l in lines {
                    line(format!("  {l}"));
                }
            }
        }
        None => {}
    }
    match &r.endpoints {
        Some(EndpointsOutcome::AlreadyApplied) => {
            line("endpoints: the catalog is already as planned".into())
        }
        Some(EndpointsOutcome::Ran(calls)) => {
            for c in calls {
                line(format!("endpoints: ran {c}"));
            }
        }
        None => {}
    }
    if !f.written.is_empty() && !r.restarts.is_empty() {
        line("to read the changed files:".into());
        for rs in &r.restarts {
            line(format!("  {}", rs.line()));
        }
    }
    for l in &r.left {
        line(format!("not applied: {l}"));
    }
    o
}

fn list(files: &[Utf8PathBuf]) -> String {
    if files.is_empty() {
        return "nothing".into();
    }
    files
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}
