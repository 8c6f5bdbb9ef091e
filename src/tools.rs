//! The external programs glha runs, in one place: every command line of
//! `crm_simulate`, `cibadmin`, `crm_diff` and `openstack` that `diff` and
//! `apply` use is written here, and nowhere else.
//!
//! A [`Tools`] carries the environment the programs get, explicitly: the
//! CLI passes its own ([`Tools::from_process_env`]), a test passes one with
//! `CIB_file` pointing at a CIB on disk (every Pacemaker tool then works on
//! that file instead of a running cluster) and `PATH` leading to a stand-in
//! `openstack`. Nothing here reads the process environment by itself.
//!
//! What a program prints on stderr can end up in an error message; every
//! secret value the caller registers ([`Tools::redact`]) is cut out of it
//! first, so no error glha prints holds one.

use crate::command::Command;
use crate::secret::SecretValues;
use std::ffi::OsString;
use std::io::Write as _;
use std::path::Path;
use std::process::Stdio;

/// `cibadmin`'s exit status when the CIB is newer than the update: a patch
/// whose source version is not the live one (pcmk_err_old_data).
pub const CIB_OUTDATED: i32 = 103;

/// Runs external programs with an explicit environment.
#[derive(Clone, Default)]
pub struct Tools {
    env: Vec<(OsString, OsString)>,
    redact: Vec<String>,
}

impl std::fmt::Debug for Tools {
    // Variable names only: an environment can hold OS_PASSWORD.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set()
            .entries(self.env.iter().map(|(k, _)| k))
            .finish()
    }
}

/// Why a program did not give an answer. Never holds a secret value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ToolError {
    /// The program is not installed (not on `PATH`).
    NotFound {
        /// The program.
        program: String,
    },
    /// It ran and failed.
    Failed {
        /// The program and its subcommand, as run.
        command: String,
        /// Its exit status; `None` when a signal ended it.
        status: Option<i32>,
        /// The first lines of what it said on stderr, secrets cut out.
        message: String,
    },
    /// It could not be started, or its output was not text.
    Io {
        /// The program.
        program: String,
        /// Why.
        error: String,
    },
}

impl ToolError {
    /// The exit status of a program that failed.
    pub fn status(&self) -> Option<i32> {
        match self {
            ToolError::Failed { status, .. } => *status,
            _ => None,
        }
    }
}

impl std::fmt::Display for ToolError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ToolError::NotFound { program } => write!(f, "{program} not found"),
            ToolError::Failed {
                command,
                status,
                message,
            } => {
                match status {
                    Some(s) => write!(f, "`{command}` failed (exit status {s})")?,
                    None => write!(f, "`{command}` was killed by a signal")?,
                }
                if !message.is_empty() {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            ToolError::Io { program, error } => write!(f, "cannot run {program}: {error}"),
        }
    }
}

impl std::error::Error for ToolError {}

/// What a program printed.
struct Output {
    status: Option<i32>,
    stdout: String,
    stderr: String,
}

/// The most stderr lines an error message quotes.
const STDERR_LINES: usize = 3;

impl Tools {
    /// Programs get exactly this environment (and `PATH` from it decides
    /// where they are found).
    pub fn with_env<K, V>(vars: impl IntoIterator<Item = (K, V)>) -> Self
    where
        K: Into<OsString>,
        V: Into<OsString>,
    {
        Tools {
            env: vars
                .into_iter()
                .map(|(k, v)| (k.into(), v.into()))
                .collect(),
            redact: Vec::new(),
        }
    }

    /// Programs get the environment of this process, as is: the edge (the
    /// CLI) decides to pass it.
    pub fn from_process_env() -> Self {
        Self::with_env(std::env::vars_os())
    }

    /// Sets one variable (replacing it).
    pub fn set(mut self, key: impl Into<OsString>, value: impl Into<OsString>) -> Self {
        let key = key.into();
        self.env.retain(|(k, _)| *k != key);
        self.env.push((key, value.into()));
        self
    }

    /// Registers secret values to cut out of anything a program says that
    /// ends up in an error.
    pub fn redact(&mut self, values: &SecretValues) {
        self.redact.extend(
            values
                .ids()
                .filter_map(|id| values.get(id))
                .filter(|v| !v.is_empty())
                .map(str::to_string),
        );
        // Longest first, so a value that contains another goes whole.
        self.redact.sort_by_key(|v| std::cmp::Reverse(v.len()));
    }

    /// What a program said, fit for a message: the first lines of stderr,
    /// without colour and without any registered secret.
    fn scrub(&self, stderr: &str) -> String {
        let mut text = crate::diff::strip_ansi(stderr);
        for v in &self.redact {
            text = text.replace(v.as_str(), crate::diff::SENSITIVE);
        }
        text.lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(STDERR_LINES)
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// Runs `argv` with `stdin`; the output whatever the exit status.
    fn output(&self, argv: &[&str], stdin: Option<&str>) -> Result<Output, ToolError> {
        let program = argv[0].to_string();
        let mut cmd = std::process::Command::new(argv[0]);
        cmd.args(&argv[1..])
            .env_clear()
            .envs(self.env.iter().map(|(k, v)| (k, v)))
            .stdin(if stdin.is_some() {
                Stdio::piped()
            } else {
                Stdio::null()
            })
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        let mut child = cmd.spawn().map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => ToolError::NotFound {
                program: program.clone(),
            },
            _ => ToolError::Io {
                program: program.clone(),
                error: e.to_string(),
            },
        })?;
        // A writer thread: a program may print before it has read all of
        // its input, and both pipes must keep moving.
        let writer = match (child.stdin.take(), stdin) {
            (Some(mut pipe), Some(text)) => {
                let text = text.to_string();
                Some(std::thread::spawn(move || pipe.write_all(text.as_bytes())))
            }
            _ => None,
        };
        let out = child.wait_with_output().map_err(|e| ToolError::Io {
            program: program.clone(),
            error: e.to_string(),
        })?;
        if let Some(w) = writer {
            // A program that exits without reading all of its input is
            // judged by its exit status, not by the broken pipe.
            let _ = w.join();
        }
        let text = |bytes: Vec<u8>, what: &str| {
            String::from_utf8(bytes).map_err(|_| ToolError::Io {
                program: program.clone(),
                error: format!("its {what} is not UTF-8"),
            })
        };
        Ok(Output {
            status: out.status.code(),
            stdout: text(out.stdout, "output")?,
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        })
    }

    /// Runs `argv`; its stdout when it exits with one of `ok`.
    fn run(&self, argv: &[&str], stdin: Option<&str>, ok: &[i32]) -> Result<Output, ToolError> {
        let out = self.output(argv, stdin)?;
        match out.status {
            Some(s) if ok.contains(&s) => Ok(out),
            status => Err(ToolError::Failed {
                command: argv.iter().take(3).copied().collect::<Vec<_>>().join(" "),
                status,
                message: self.scrub(&out.stderr),
            }),
        }
    }

    /// `crm_simulate --simulate` on a CIB file: the transition Pacemaker
    /// would run, as crm_simulate's XML (`--output-as=xml`, whose schema
    /// Pacemaker versions; its text form is meant for people).
    pub fn simulate(&self, cib: &Path) -> Result<String, ToolError> {
        let path = path_arg(cib)?;
        let argv = [
            "crm_simulate",
            "--simulate",
            "--xml-file",
            path,
            "--output-as=xml",
        ];
        Ok(self.run(&argv, None, &[0])?.stdout)
    }

    /// `cibadmin --query`: the whole CIB, status included (from `CIB_file`
    /// when the environment sets it).
    pub fn cib_query(&self) -> Result<String, ToolError> {
        Ok(self.run(&["cibadmin", "--query"], None, &[0])?.stdout)
    }

    /// `crm_diff --cib`: the patch from one CIB document to another, with
    /// both versions and a digest of the result; `None` when they are the
    /// same.
    pub fn crm_diff(&self, original: &Path, new: &Path) -> Result<Option<String>, ToolError> {
        let (o, n) = (path_arg(original)?, path_arg(new)?);
        let argv = ["crm_diff", "--cib", "--original", o, "--new", n];
        // crm_diff exits 1 when the documents differ.
        let out = self.run(&argv, None, &[0, 1])?;
        Ok((out.status == Some(1)).then_some(out.stdout))
    }

    /// `cibadmin --patch`, the patch on stdin (it can hold secrets; a
    /// command line is visible to every user). The CIB manager applies it
    /// whole, and only when the live CIB's version is the patch's source
    /// version: otherwise it fails with [`CIB_OUTDATED`].
    pub fn cib_patch(&self, patch: &str) -> Result<(), ToolError> {
        self.run(&["cibadmin", "--patch", "--xml-pipe"], Some(patch), &[0])
            .map(drop)
    }

    /// `openstack endpoint list -f json`.
    pub fn endpoint_list(&self) -> Result<String, ToolError> {
        let argv = ["openstack", "endpoint", "list", "-f", "json"];
        Ok(self.run(&argv, None, &[0])?.stdout)
    }

    /// `openstack service list -f json`.
    pub fn service_list(&self) -> Result<String, ToolError> {
        let argv = ["openstack", "service", "list", "-f", "json"];
        Ok(self.run(&argv, None, &[0])?.stdout)
    }

    /// The `openstack service create` that registers a service.
    pub fn service_create(name: &str, kind: &str, description: &str) -> Command {
        Command::new([
            "openstack",
            "service",
            "create",
            "--name",
            name,
            "--description",
            description,
            kind,
        ])
    }

    /// How an operator restarts a Pacemaker resource so that it reads its
    /// files again (shown, never run: a restart is the operator's call).
    pub fn crm_resource_restart(id: &str) -> Command {
        Command::new(["crm", "resource", "restart", id])
    }

    /// Runs a planned `openstack` command (a reviewed plan's endpoint
    /// call, or a service creation); its stdout. Any other program is
    /// refused: apply runs no other command from a plan.
    pub fn openstack(&self, cmd: &Command) -> Result<String, ToolError> {
        let argv: Vec<&str> = cmd.argv.iter().map(String::as_str).collect();
        if argv.first() != Some(&"openstack") {
            return Err(ToolError::Io {
                program: argv.first().unwrap_or(&"(nothing)").to_string(),
                error: "only openstack commands are run from a plan".into(),
            });
        }
        Ok(self.run(&argv, cmd.stdin.as_deref(), &[0])?.stdout)
    }
}

fn path_arg(p: &Path) -> Result<&str, ToolError> {
    p.to_str().ok_or_else(|| ToolError::Io {
        program: "(path)".into(),
        error: format!("{} is not UTF-8", p.display()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_program_is_named() {
        let t = Tools::with_env([("PATH", "/nonexistent")]);
        let e = t.cib_query().unwrap_err();
        assert_eq!(e.to_string(), "cibadmin not found");
        let e = t.simulate(Path::new("/x.xml")).unwrap_err();
        assert_eq!(e.to_string(), "crm_simulate not found");
    }

    #[test]
    fn a_failure_quotes_stderr_without_secrets() {
        let dir = tempfile::tempdir().unwrap();
        let bin = dir.path().join("openstack");
        std::fs::write(
            &bin,
            "#!/bin/sh\necho \"bad password hunter2 for $1\" >&2\nexit 3\n",
        )
        .unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&bin, std::fs::Permissions::from_mode(0o755)).unwrap();
        let mut t = Tools::with_env([("PATH", dir.path())]);
        t.redact(&SecretValues::from_map(
            [("k".to_string(), "hunter2".to_string())].into(),
        ));
        let e = t.endpoint_list().unwrap_err();
        assert_eq!(e.status(), Some(3));
        assert_eq!(
            e.to_string(),
            "`openstack endpoint list` failed (exit status 3): bad password (sensitive) for endpoint"
        );
        assert!(format!("{t:?}").contains("PATH"));
    }

    #[test]
    fn only_openstack_runs_from_a_plan() {
        let t = Tools::with_env([("PATH", "/nonexistent")]);
        let e = t.openstack(&Command::new(["pcs", "status"])).unwrap_err();
        assert!(e.to_string().contains("only openstack commands"), "{e}");
    }
}
