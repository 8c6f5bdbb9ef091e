//! `glhac man [COMMAND]`: the manual page of glhac or of one of its
//! commands, in roff, from the clap definitions; `--dir` writes them all.

use crate::EXIT_TROUBLE;
use anyhow::Context;
use camino::Utf8PathBuf;

/// Arguments of `glhac man`.
#[derive(clap::Args)]
pub struct Args {
    /// A command whose page to print (glhac-COMMAND(1)); without one, glhac(1).
    command: Option<String>,
    /// Write every page (glhac.1 and a glhac-COMMAND.1 for each command)
    /// into this directory instead of printing one.
    #[arg(long, conflicts_with = "command")]
    dir: Option<Utf8PathBuf>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    // The pages refer to each other as glhac-COMMAND(1): every command has
    // one, `help` (a clap built-in) none.
    let mut cmd = crate::command().disable_help_subcommand(true);
    cmd.build();
    if let Some(dir) = a.dir {
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {dir}"))?;
        clap_mangen::generate_to(cmd, &dir)
            .with_context(|| format!("cannot write the manual pages into {dir}"))?;
        return Ok(0);
    }
    let page = match a.command {
        None => cmd,
        Some(name) => match cmd.find_subcommand(&name) {
            Some(sub) => sub.clone(),
            None => {
                let names: Vec<&str> = cmd.get_subcommands().map(|s| s.get_name()).collect();
                eprintln!(
                    "glhac: no command `{name}`; the commands are {}",
                    names.join(", ")
                );
                return Ok(EXIT_TROUBLE);
            }
        },
    };
    let mut roff = Vec::new();
    clap_mangen::Man::new(page).render(&mut roff)?;
    crate::print_bytes(&roff)?;
    Ok(0)
}
