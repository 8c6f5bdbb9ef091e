//! `glhac`: the glha compiler's command line. Only this binary prints.

mod apply;
mod build;
mod check;
mod completions;
mod diff;
mod explain;
mod fmt;
mod lsp;
mod man;
mod output;
mod specs;

use clap::{CommandFactory, Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

/// Exit code: the spec has errors (or, for diff, there are changes).
pub const EXIT_FINDINGS: u8 = 1;
/// Exit code: glhac could not run (missing file, unwritable output).
pub const EXIT_TROUBLE: u8 = 2;

#[derive(Parser)]
#[command(
    name = "glhac",
    version,
    about = "Compile a .glha spec of a highly available OpenStack Image API into a bundle"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Compile a spec and write its bundle.
    Build(build::Args),
    /// Check a spec and print its diagnostics; writes nothing.
    Check(check::Args),
    /// Show what the bundle would change on a live system (exit 0: nothing, 1: changes, 2: trouble).
    Diff(diff::Args),
    /// Apply a plan saved by `diff --save-plan`, all or nothing: the files; the CIB and the catalog on request (exit 0: applied, 2: refused or failed).
    Apply(apply::Args),
    /// Format specs in place (exit 0: done, 1: --check found changes or a syntax error, 2: trouble).
    Fmt(fmt::Args),
    /// Explain a diagnostic code.
    Explain(explain::Args),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(completions::Args),
    /// Print the manual page in roff, or write every page with --dir.
    Man(man::Args),
    /// Run the language server (diagnostics, hover, completion, go to definition, formatting) on stdio.
    Lsp(lsp::Args),
}

/// glhac's command line as clap defines it: what completions and manual
/// pages are generated from.
fn command() -> clap::Command {
    Cli::command()
}

/// Writes generated text to stdout. A closed pipe (`| head`) is no error.
fn print_bytes(bytes: &[u8]) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(anyhow::Error::new(e).context("cannot write to stdout"))
        }
        _ => Ok(()),
    }
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { EXIT_TROUBLE } else { 0 });
        }
    };
    let code = match cli.command {
        Command::Build(a) => build::run(a),
        Command::Check(a) => check::run(a),
        Command::Explain(a) => explain::run(a),
        Command::Diff(a) => diff::run(a),
        Command::Apply(a) => apply::run(a),
        Command::Fmt(a) => fmt::run(a),
        Command::Completions(a) => completions::run(a),
        Command::Man(a) => man::run(a),
        Command::Lsp(a) => lsp::run(a),
    };
    match code {
        Ok(c) => ExitCode::from(c),
        Err(e) => {
            eprintln!("glhac: error: {e:#}");
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}
