//! The import's own check of its spec: it compiles, and `glhac diff` of it
//! against the inputs it came from, with the secrets it found, reports no
//! changes. What the diff still reports is what the spec does not
//! reproduce: the import is then partial, and says what.

use super::{Import, Inputs};
use crate::diff::{ChangeKind, Compared, EndpointKind, LiveInputs};
use serde::Serialize;

/// What checking an imported spec found.
#[derive(Debug)]
pub struct Verification {
    /// The spec compiled (its diagnostics, and the plan when it has no
    /// error).
    pub compilation: crate::Compilation,
    /// The changes a diff of the spec against its inputs reports, one line
    /// each (sensitive values masked).
    pub changes: Vec<String>,
    /// Why the diff could not run, if it could not.
    pub trouble: Option<String>,
    /// Keys the host sets in the sections the spec's settings go to that
    /// glha neither writes nor removes: left on the host, and not in the
    /// spec (`FILE: [section] key, …`).
    pub kept: Vec<String>,
}

/// How complete an import is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The spec compiles and reproduces the inputs: no comment stands for
    /// live state, and the diff is empty.
    Complete,
    /// The spec compiles, but some live state is only a comment, or the
    /// diff still reports changes.
    Partial,
    /// The spec has errors (the live state breaks one of glha's checks, or
    /// a fact is missing).
    Errors,
}

impl Verification {
    /// The import's status.
    pub fn status(&self, import: &Import) -> Status {
        if self.compilation.diagnostics.has_errors() || self.trouble.is_some() {
            Status::Errors
        } else if import.is_partial() || !self.changes.is_empty() {
            Status::Partial
        } else {
            Status::Complete
        }
    }
}

/// Compiles `import`'s spec (diagnostics call it `name`) and diffs it
/// against `inputs`.
pub fn verify(import: &Import, inputs: &Inputs, name: &str) -> Verification {
    let compilation = crate::compile_str(name, &import.spec, &crate::Options::default());
    let mut v = Verification {
        compilation,
        changes: Vec::new(),
        trouble: None,
        kept: Vec::new(),
    };
    let Some(plan) = &v.compilation.plan else {
        return v;
    };
    let live = LiveInputs {
        root: Some(inputs.root.clone()),
        cib: inputs.cib.clone(),
        endpoints: inputs.endpoints.clone(),
        node: import.node.clone().or_else(|| inputs.node.clone()),
        tools: None,
    };
    match crate::diff::diff_with_secrets(plan, &live, &import.values()) {
        Ok(report) => {
            v.changes = changes(&report);
            v.kept = kept(plan, &report, &inputs.root);
        }
        Err(e) => v.trouble = Some(e.to_string()),
    }
    v
}

/// Per compared file, the live keys in the sections the plan writes that
/// the plan neither writes nor removes, and the diff does not report as
/// stale.
fn kept(
    plan: &crate::plan::Plan,
    report: &crate::diff::DiffReport,
    root: &camino::Utf8Path,
) -> Vec<String> {
    use crate::release::stale::{norm_key, norm_section};
    let same = |s: &str, k: &str, s2: &str, k2: &str| {
        norm_section(s) == norm_section(s2) && norm_key(k) == norm_key(k2)
    };
    let mut out = Vec::new();
    for (f, rep) in plan.ini.iter().zip(&report.ini) {
        if rep.compared != Compared::Yes {
            continue;
        }
        let Ok(Some(live)) = super::ini::read(root, &f.target) else {
            continue;
        };
        let keys: Vec<String> = live
            .set_keys()
            .into_iter()
            .filter(|(s, _)| {
                f.settings
                    .iter()
                    .any(|x| norm_section(&x.section) == norm_section(s))
            })
            .filter(|(s, k)| !f.settings.iter().any(|x| same(&x.section, &x.key, s, k)))
            .filter(|(s, k)| !f.remove.iter().any(|(rs, rk, _)| same(rs, rk, s, k)))
            .filter(|(s, k)| !rep.stale.iter().any(|x| same(&x.section, &x.key, s, k)))
            .map(|(s, k)| format!("[{s}] {k}"))
            .collect();
        if !keys.is_empty() {
            out.push(format!("{}: {}", f.target, keys.join(", ")));
        }
    }
    out
}

/// The report's known changes, one line each.
fn changes(r: &crate::diff::DiffReport) -> Vec<String> {
    let mut out = Vec::new();
    for f in r.ini.iter().filter(|f| f.compared == Compared::Yes) {
        for c in f.changes.iter().filter(|c| c.kind != ChangeKind::Unknown) {
            let what = match (c.kind, &c.live, &c.planned) {
                (ChangeKind::Add, _, Some(p)) => format!("add {p}"),
                (ChangeKind::Change, Some(l), Some(p)) => format!("{l} -> {p}"),
                (ChangeKind::Remove, _, _) => format!(
                    "remove{}",
                    c.why
                        .as_ref()
                        .map(|w| format!(" ({w})"))
                        .unwrap_or_default()
                ),
                (k, _, _) => format!("{k:?}").to_lowercase(),
            };
            out.push(format!("{} [{}] {}: {what}", f.target, c.section, c.key));
        }
    }
    for c in r
        .pacemaker
        .changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Unknown)
    {
        let kind = format!("{:?}", c.kind).to_lowercase();
        let details = if c.details.is_empty() {
            String::new()
        } else {
            format!(": {}", c.details.join("; "))
        };
        out.push(format!("CIB: {kind} {} {}{details}", c.object, c.id));
    }
    for f in r.files.iter().filter(|f| f.changed) {
        out.push(format!("{}: {} differs", f.target, f.what));
    }
    if let Some(e) = &r.endpoints {
        for c in e
            .changes
            .iter()
            .filter(|c| c.kind != EndpointKind::Unchanged)
        {
            let kind = format!("{:?}", c.kind).to_lowercase();
            out.push(format!(
                "catalog: {kind} the {} endpoint ({})",
                c.interface, c.url
            ));
        }
    }
    out
}
