//! `glhac check`: diagnostics only.

use crate::output::{check, print_diagnostics, Common};
use crate::EXIT_FINDINGS;
use glha::diagnostic::Severity;
use serde::Serialize;

/// Arguments of `glhac check`.
#[derive(clap::Args)]
pub struct Args {
    #[command(flatten)]
    common: Common,
    /// `text` (rustc style, on stderr) or `json` (on stdout).
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

pub fn run(a: Args) -> anyhow::Result<u8> {
    let comp = check(&a.common)?;
    if a.format == "json" {
        let list: Vec<JsonDiag> = comp
            .diagnostics
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
            .collect();
        println!("{}", serde_json::to_string_pretty(&list)?);
    } else {
        print_diagnostics(&comp);
    }
    Ok(if comp.diagnostics.has_errors() {
        EXIT_FINDINGS
    } else {
        0
    })
}
