//! `glhac import`: a spec from the live state of a host, its CIB and its
//! catalog.

use crate::output::{color, parse_release};
use crate::{EXIT_FINDINGS, EXIT_PARTIAL, EXIT_TROUBLE};
use camino::Utf8PathBuf;
use glha::import::{Import, Inputs, NoteKind, Status, Verification};
use glha::Release;
use serde::Serialize;

/// Arguments of `glhac import`.
#[derive(clap::Args)]
pub struct Args {
    /// A copy of a host's file tree (or `/`): glance-api.conf, nova.conf, cinder.conf,
    /// corosync.conf, /etc/hosts, /etc/fstab and haproxy.cfg are read from here.
    #[arg(long)]
    root: Utf8PathBuf,
    /// The node `--root` belongs to (active/active: its own glance-api.conf).
    #[arg(long)]
    node: Option<String>,
    /// The live Pacemaker configuration: `cibadmin -Q` XML or `crm configure show` text.
    #[arg(long)]
    cib: Option<Utf8PathBuf>,
    /// The live catalog: `openstack endpoint list -f json` output.
    #[arg(long)]
    endpoints: Option<Utf8PathBuf>,
    /// The OpenStack release, instead of the guess from glance-api.conf's option names.
    #[arg(long, value_parser = parse_release)]
    release: Option<Release>,
    /// Where to write the spec (atomically; replaced if it exists).
    #[arg(short = 'o', long = "output")]
    output: Utf8PathBuf,
    /// `text` (the report on stderr) or `json` (on stdout).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

#[derive(Serialize)]
struct JsonReport<'a> {
    status: Status,
    output: &'a str,
    #[serde(flatten)]
    import: &'a Import,
    /// The changes `glhac diff` of the spec against the inputs reports.
    changes: &'a [String],
    /// Keys the host sets beside glha's settings, left there, not in the spec.
    kept: &'a [String],
    errors: usize,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let inputs = Inputs {
        root: a.root,
        node: a.node,
        cib: a.cib,
        endpoints: a.endpoints,
        release: a.release,
    };
    let imported = match glha::import::import(&inputs) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("glhac: error: {e}; nothing written");
            return Ok(EXIT_TROUBLE);
        }
    };
    let v = glha::import::verify(&imported, &inputs, a.output.as_str());
    if let Err(e) = glha::bundle::write_file_atomic(&a.output, imported.spec.clone()) {
        eprintln!("glhac: error: cannot write {}: {e}", a.output);
        return Ok(EXIT_TROUBLE);
    }
    let status = v.status(&imported);
    if a.format == "json" {
        let report = JsonReport {
            status,
            output: a.output.as_str(),
            import: &imported,
            changes: &v.changes,
            kept: &v.kept,
            errors: v.compilation.diagnostics.counts().0,
        };
        crate::print_bytes(format!("{}\n", serde_json::to_string_pretty(&report)?).as_bytes())?;
    } else {
        report(&imported, &v, status, &a.output);
    }
    Ok(match status {
        Status::Complete => 0,
        Status::Errors => EXIT_FINDINGS,
        Status::Partial => EXIT_PARTIAL,
    })
}

/// The report, on stderr.
fn report(imp: &Import, v: &Verification, status: Status, output: &Utf8PathBuf) {
    let r = &imp.release;
    eprintln!("glhac import: release {} ({})", r.release, r.how);
    for e in &r.evidence {
        eprintln!("  {e}");
    }
    if !imp.secrets.is_empty() {
        eprintln!("glhac import: the spec reads these secrets from the environment; set them before `glhac diff` or `glhac apply` (values are never shown):");
        let width = imp.secrets.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for s in &imp.secrets {
            if s.known {
                eprintln!("  {:width$}  from {}", s.name, s.found);
            } else {
                eprintln!("  {:width$}  {} (value not known)", s.name, s.found);
            }
        }
    }
    for (kind, title) in [
        (
            NoteKind::NotExpressed,
            "not expressed by the spec (written there as comments)",
        ),
        (NoteKind::Review, "to review"),
    ] {
        let notes: Vec<_> = imp.notes.iter().filter(|n| n.kind == kind).collect();
        if !notes.is_empty() {
            eprintln!("glhac import: {title}:");
            for n in notes {
                eprintln!("  {}: {}", n.place, n.what);
            }
        }
    }
    if !v.kept.is_empty() {
        eprintln!("glhac import: set on the host beside glha's settings, left there by diff and apply, not in the spec:");
        for k in &v.kept {
            eprintln!("  {k}");
        }
    }
    let diags = &v.compilation.diagnostics;
    eprint!(
        "{}",
        glha::diagnostic::render(diags, &v.compilation.sources, color())
    );
    if diags.has_errors() {
        let (e, w) = diags.counts();
        eprintln!(
            "glhac import: the spec has {e} error(s) and {w} warning(s); fix them before using it"
        );
    } else if let Some(t) = &v.trouble {
        eprintln!("glhac import: the spec could not be compared with the host: {t}");
    } else if v.changes.is_empty() {
        eprintln!("glhac import: `glhac diff` of the spec against these inputs: no changes");
    } else {
        eprintln!(
            "glhac import: `glhac diff` of the spec against these inputs: {} change{}:",
            v.changes.len(),
            if v.changes.len() == 1 { "" } else { "s" }
        );
        for c in &v.changes {
            eprintln!("  {c}");
        }
    }
    let what = match status {
        Status::Complete => "complete",
        Status::Partial => "partial",
        Status::Errors => "it has errors to fix",
    };
    eprintln!("glhac import: wrote {output} ({what})");
}
