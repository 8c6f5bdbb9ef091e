//! Commands as data: a program's argv and what it reads on stdin, so that
//! `apply` can run exactly what a reviewed plan holds, and people can read
//! the same command as shell text.
//!
//! A command never holds a secret value: where one is needed, its text holds
//! the secret's placeholder, and whoever runs it resolves the values.

use crate::emit::shell;
use serde::{Deserialize, Serialize};

/// One command: the program and its arguments, and its standard input.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Command {
    /// `argv[0]` (looked up on PATH) and the arguments, unquoted.
    pub argv: Vec<String>,
    /// What it reads on stdin, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<String>,
}

impl Command {
    /// A command without stdin.
    pub fn new<I, S>(argv: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Command {
            argv: argv.into_iter().map(Into::into).collect(),
            stdin: None,
        }
    }

    /// The same command reading `text` on stdin.
    pub fn with_stdin(mut self, text: impl Into<String>) -> Self {
        self.stdin = Some(text.into());
        self
    }

    /// The command as POSIX shell text: every word quoted so that it is
    /// one word, stdin as a quoted here-document (nothing in it expands)
    /// whose delimiter does not occur in it.
    pub fn to_shell(&self) -> String {
        let mut s = self
            .argv
            .iter()
            .map(|w| shell::quote(w))
            .collect::<Vec<_>>()
            .join(" ");
        if let Some(text) = &self.stdin {
            let mut delim = String::from("GLHA");
            while text.lines().any(|l| l == delim) {
                delim.push('_');
            }
            s.push_str(&format!(" <<'{delim}'\n{text}"));
            if !text.ends_with('\n') {
                s.push('\n');
            }
            s.push_str(&delim);
        }
        s
    }
}

impl std::fmt::Display for Command {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.to_shell())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_text() {
        let c = Command::new([
            "openstack",
            "endpoint",
            "set",
            "--url",
            "http://h:1/x y",
            "id",
        ]);
        assert_eq!(
            c.to_shell(),
            "openstack endpoint set --url 'http://h:1/x y' id"
        );
        let c = Command::new(["crm", "configure", "load", "update", "-"])
            .with_stdin("primitive p Dummy\nGLHA\n");
        assert_eq!(
            c.to_shell(),
            "crm configure load update - <<'GLHA_'\nprimitive p Dummy\nGLHA\nGLHA_"
        );
    }

    #[test]
    fn round_trips_through_sh() {
        let Some(sh) = ["/bin/sh", "/usr/bin/sh"]
            .iter()
            .find(|p| std::path::Path::new(p).exists())
        else {
            eprintln!("SKIPPED command::round_trips_through_sh: no sh");
            return;
        };
        let c = Command::new(["printf", "%s|", "a'b", "$(x)"]).with_stdin("");
        let out = std::process::Command::new(sh)
            .arg("-c")
            .arg(c.to_shell())
            .output()
            .unwrap();
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "a'b|$(x)|");
    }
}
