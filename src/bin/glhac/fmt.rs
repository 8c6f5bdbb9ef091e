//! `glhac fmt`: rewrite specs in their canonical layout, or with `--check`
//! show what would change.

use crate::output::color;
use crate::{EXIT_FINDINGS, EXIT_TROUBLE};
use camino::Utf8PathBuf;
use glha::source::SourceMap;
use std::io::Write;

/// Arguments of `glhac fmt`.
#[derive(clap::Args)]
pub struct Args {
    /// Write nothing: print a unified diff of each file that would change
    /// and exit 1 if any would.
    #[arg(long)]
    check: bool,
    /// The specs to format.
    #[arg(required = true)]
    files: Vec<Utf8PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let mut code = 0;
    for path in &a.files {
        code = code.max(one(path, a.check));
    }
    Ok(code)
}

/// Formats one file; returns its exit code.
fn one(path: &Utf8PathBuf, check: bool) -> u8 {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("glhac: error: cannot read {path}: {e}");
            return EXIT_TROUBLE;
        }
    };
    let mut sources = SourceMap::new();
    let id = sources.add(path.as_str(), Some(path), text.clone());
    for span in glha::syntax::secret_spans(id, &text) {
        sources.mark_secret(span);
    }
    let formatted = match glha::fmt::format_file(id, &text) {
        Ok(f) => f,
        Err(diags) => {
            eprint!("{}", glha::diagnostic::render(&diags, &sources, color()));
            eprintln!("glhac: {path} has a syntax error; not formatted");
            return EXIT_FINDINGS;
        }
    };
    if formatted == text {
        return 0;
    }
    if check {
        let diff = similar::TextDiff::from_lines(&text, &formatted);
        let text = diff
            .unified_diff()
            .context_radius(3)
            .header(path.as_str(), &format!("{path} (formatted)"))
            .to_string();
        // A closed pipe (`| head`) is not worth a panic.
        let _ = std::io::stdout().lock().write_all(text.as_bytes());
        return EXIT_FINDINGS;
    }
    match glha::bundle::write_file_atomic(path, formatted) {
        Ok(()) => {
            eprintln!("formatted {path}");
            0
        }
        Err(e) => {
            eprintln!("glhac: error: cannot write {path}: {e}");
            EXIT_TROUBLE
        }
    }
}
