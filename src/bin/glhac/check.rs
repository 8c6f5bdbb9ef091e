//! `glhac check`: diagnostics only, of one spec or several.

use crate::output::{check, print_diagnostics};
use crate::specs::{self, Outcome, Specs};
use crate::{EXIT_FINDINGS, EXIT_TROUBLE};
use glha::diagnostic::Severity;
use glha::Compilation;
use serde::Serialize;

/// Arguments of `glhac check`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    specs: Specs,
    /// `text` (rustc style, on stderr) or `json` (on stdout: one list of
    /// the diagnostics of every spec).
    #[arg(long, default_value = "text", value_parser = ["text", "json"])]
    format: String,
}

#[derive(Serialize)]
struct JsonDiag<'a> {
    severity: Severity,
    code: &'a str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<usize>,
    column: Option<usize>,
    end_line: Option<usize>,
    end_column: Option<usize>,
    label: Option<&'a str>,
    help: Option<&'a str>,
    notes: &'a [String],
}

fn json_diags(comp: &Compilation) -> Vec<JsonDiag<'_>> {
    comp.diagnostics
        .iter()
        .map(|d| {
            let pos = d.primary.as_ref().map(|p| {
                let f = comp.sources.get(p.span.file);
                (
                    f.name.as_str(),
                    f.line_col(p.span.start as usize),
                    f.line_col(p.span.end as usize),
                    p.message.as_str(),
                )
            });
            JsonDiag {
                severity: d.severity,
                code: d.code,
                message: &d.message,
                file: pos.map(|p| p.0),
                line: pos.map(|p| p.1 .0),
                column: pos.map(|p| p.1 .1),
                end_line: pos.map(|p| p.2 .0),
                end_column: pos.map(|p| p.2 .1),
                label: pos.map(|p| p.3).filter(|l| !l.is_empty()),
                help: d.help.as_deref(),
                notes: &d.notes,
            }
        })
        .collect()
}

fn status(comp: &Compilation) -> u8 {
    if comp.diagnostics.has_errors() {
        EXIT_FINDINGS
    } else {
        0
    }
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let json = a.format == "json";
    if let [spec] = a.specs.specs.as_slice() {
        let comp = check(&a.specs.common(spec))?;
        if json {
            println!("{}", serde_json::to_string_pretty(&json_diags(&comp))?);
        } else {
            print_diagnostics(&comp);
        }
        return Ok(status(&comp));
    }
    let comps = specs::parallel(&a.specs.specs, |spec| check(&a.specs.common(spec)));
    let mut all = Vec::new();
    let mut outcomes = Vec::new();
    for (spec, comp) in a.specs.specs.iter().zip(&comps) {
        outcomes.push(match comp {
            Err(e) => Outcome {
                stderr: format!("glhac: error: {e:#}\n"),
                status: EXIT_TROUBLE,
            },
            Ok(c) if json => {
                all.extend(json_diags(c));
                Outcome {
                    stderr: String::new(),
                    status: status(c),
                }
            }
            Ok(c) => Outcome {
                stderr: specs::rendered(c, spec),
                status: status(c),
            },
        });
    }
    if json {
        println!("{}", serde_json::to_string_pretty(&all)?);
    }
    Ok(specs::report(outcomes))
}
