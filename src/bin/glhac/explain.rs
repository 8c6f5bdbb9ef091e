//! `glhac explain CODE`.

use crate::EXIT_TROUBLE;

/// Arguments of `glhac explain`.
#[derive(clap::Args)]
pub struct Args {
    /// A diagnostic code such as E0101; without one, lists every code.
    code: Option<String>,
}

pub fn run(a: Args) -> anyhow::Result<u8> {
    match a.code {
        None => {
            for c in glha::diagnostic::CODES {
                println!("{}  {}", c.id, c.title);
            }
            Ok(0)
        }
        Some(code) => match glha::diagnostic::CODES
            .iter()
            .find(|c| c.id.eq_ignore_ascii_case(&code))
        {
            Some(c) => {
                println!("{}: {}\n\n{}", c.id, c.title, c.explain);
                Ok(0)
            }
            None => {
                eprintln!("glhac: no diagnostic code `{code}`; `glhac explain` lists them");
                Ok(EXIT_TROUBLE)
            }
        },
    }
}
