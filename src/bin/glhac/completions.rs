//! `glhac completions SHELL`: a completion script, from the clap definitions.

/// Arguments of `glhac completions`.
#[derive(clap::Args)]
pub struct Args {
    /// The shell to complete for.
    shell: clap_complete::Shell,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    let mut cmd = crate::command();
    let mut script = Vec::new();
    clap_complete::generate(a.shell, &mut cmd, "glhac", &mut script);
    crate::print_bytes(&script)?;
    Ok(0)
}
