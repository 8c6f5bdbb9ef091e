//! `glhac`: the glha compiler's command line. Only this binary prints.

mod apply;
mod build;
mod check;
mod diff;
mod explain;
mod fmt;
mod output;

use clap::{Parser, Subcommand};
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
    /// Write the ini files of a plan saved by `diff --save-plan`.
    Apply(apply::Args),
    /// Format specs in place (exit 0: done, 1: --check found changes or a syntax error, 2: trouble).
    Fmt(fmt::Args),
    /// Explain a diagnostic code.
    Explain(explain::Args),
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
    };
    match code {
        Ok(c) => ExitCode::from(c),
        Err(e) => {
            eprintln!("glhac: error: {e:#}");
            ExitCode::from(EXIT_TROUBLE)
        }
    }
}
