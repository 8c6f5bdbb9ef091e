//! `apply`: write the merged ini files of a saved plan. It never runs crm,
//! pcs or openstack; it returns the commands that remain.

use super::{ini, sha256_hex, under_root, SavedPlan};
use crate::plan::Plan;
use crate::secret::SecretValues;
use camino::{Utf8Path, Utf8PathBuf};
use std::io::Write;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};

/// What apply did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOutcome {
    /// Files written.
    pub written: Vec<Utf8PathBuf>,
    /// Backups made (`FILE.glha-bak`), one per existing file written.
    pub backups: Vec<Utf8PathBuf>,
    /// Files already as planned.
    pub unchanged: Vec<Utf8PathBuf>,
    /// Commands that remain to run by hand (crm, openstack), secrets as
    /// placeholders.
    pub commands: Vec<crate::command::Command>,
}

/// Why apply refused or failed. No variant carries a secret value.
#[derive(Debug)]
pub enum ApplyError {
    /// A live file changed since the plan was saved.
    Stale {
        /// The file.
        path: Utf8PathBuf,
    },
    /// The saved plan does not match the spec's plan (the spec changed).
    PlanMismatch {
        /// The target.
        target: String,
        /// What differs.
        why: String,
    },
    /// A secret needed to write a file was not supplied.
    MissingSecret {
        /// Its id.
        id: String,
    },
    /// A secret value cannot be written where the plan puts it (named by
    /// id, never by value).
    Secrets(Vec<crate::secret::SecretError>),
    /// A live file could not be read (unreadable, too large, not UTF-8).
    Live(super::DiffError),
    /// Reading or writing failed.
    Io {
        /// The file.
        path: Utf8PathBuf,
        /// Why.
        error: std::io::Error,
    },
}

impl std::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApplyError::Stale { path } => write!(
                f,
                "{path} changed since the plan was saved; run diff again and save a new plan"
            ),
            ApplyError::PlanMismatch { target, why } => {
                write!(
                    f,
                    "the saved plan does not match the spec for {target}: {why}"
                )
            }
            ApplyError::MissingSecret { id } => {
                write!(
                    f,
                    "secret `{id}` is needed to write the ini files but was not supplied"
                )
            }
            ApplyError::Secrets(errors) => {
                let all: Vec<String> = errors.iter().map(ToString::to_string).collect();
                write!(f, "{}", all.join("; "))
            }
            ApplyError::Live(e) => write!(f, "{e}"),
            ApplyError::Io { path, error } => write!(f, "{path}: {error}"),
        }
    }
}

impl std::error::Error for ApplyError {}

fn io(path: &Utf8Path) -> impl FnOnce(std::io::Error) -> ApplyError + '_ {
    move |error| ApplyError::Io {
        path: path.to_owned(),
        error,
    }
}

/// Writes the ini files of `saved` under `root`, after checking that every
/// live file is as it was when the plan was saved and that the plan still
/// yields the same merge. Secrets (id → value) fill sensitive settings; a
/// missing one is refused by id. Each file is written to a temporary file
/// in its directory and renamed over the old one, keeping its mode and
/// owner; the old one is kept as `FILE.glha-bak`.
pub fn apply(
    saved: &SavedPlan,
    plan: &Plan,
    root: &Utf8Path,
    secrets: &SecretValues,
) -> Result<ApplyOutcome, ApplyError> {
    // Check everything before writing anything, the secret values first:
    // the same check as a bundle built with them.
    let problems = crate::secret::check_values(plan, secrets);
    if !problems.is_empty() {
        return Err(ApplyError::Secrets(problems));
    }
    let mut work = Vec::new();
    for sf in &saved.files {
        let file = plan
            .ini
            .iter()
            .find(|f| f.target == sf.target && f.node == sf.node)
            .ok_or_else(|| ApplyError::PlanMismatch {
                target: sf.target.clone(),
                why: "the spec no longer writes this file".into(),
            })?;
        let (path, text) = read_unchanged(root, &sf.target, &sf.live_sha256)?;
        let check = ini::merge_live(text.as_deref(), file, plan.release, &SecretValues::none());
        if sha256_hex(check.text().as_bytes()) != sf.merged_sha256 {
            return Err(ApplyError::PlanMismatch {
                target: sf.target.clone(),
                why: "the settings differ from those the plan was saved with".into(),
            });
        }
        let mut ids: Vec<&str> = file
            .settings
            .iter()
            .flat_map(|s| s.values.iter().flat_map(|v| v.secret_ids()))
            .collect();
        ids.sort_unstable();
        if let Some(id) = ids.into_iter().find(|id| !secrets.contains(id)) {
            return Err(ApplyError::MissingSecret { id: id.to_string() });
        }
        for s in &file.settings {
            for v in &s.values {
                if let Err(why) = ini::ini_value(v, secrets) {
                    return Err(ApplyError::PlanMismatch {
                        target: sf.target.clone(),
                        why: format!("[{}] {}: {why}", s.section, s.key),
                    });
                }
            }
        }
        let merged = ini::merge_live(text.as_deref(), file, plan.release, secrets).text();
        work.push((path, text, merged));
    }
    // Active/active's sysctl file and HAProxy section: the same checks.
    for sw in &saved.whole {
        let b = plan
            .balancer
            .as_ref()
            .ok_or_else(|| ApplyError::PlanMismatch {
                target: sw.target.clone(),
                why: "the spec no longer has an active/active balancer".into(),
            })?;
        let (path, text) = read_unchanged(root, &sw.target, &sw.live_sha256)?;
        let merged = super::files::merged(plan, b, &sw.target, text.as_deref()).unwrap_or_default();
        if sha256_hex(merged.as_bytes()) != sw.merged_sha256 {
            return Err(ApplyError::PlanMismatch {
                target: sw.target.clone(),
                why: format!(
                    "the {} differs from the one the plan was saved with",
                    sw.what
                ),
            });
        }
        work.push((path, text, merged));
    }
    let mut out = ApplyOutcome {
        commands: saved.commands.clone(),
        ..Default::default()
    };
    for (path, text, merged) in work {
        if text.as_deref() == Some(merged.as_str()) {
            out.unchanged.push(path);
            continue;
        }
        if let Some(bak) = write_file(&path, text.is_some(), merged.as_bytes())? {
            out.backups.push(bak);
        }
        out.written.push(path);
    }
    Ok(out)
}

/// Reads a live file (absent is `None`) and refuses it if it changed since
/// the plan recorded its sha256.
fn read_unchanged(
    root: &Utf8Path,
    target: &str,
    recorded: &Option<String>,
) -> Result<(Utf8PathBuf, Option<String>), ApplyError> {
    let path = under_root(root, target);
    let current = super::read::bytes_opt(&path).map_err(ApplyError::Live)?;
    if current.as_deref().map(sha256_hex) != *recorded {
        return Err(ApplyError::Stale { path });
    }
    let text = match current {
        None => None,
        Some(b) => Some(super::read::utf8(&path, b).map_err(ApplyError::Live)?),
    };
    Ok((path, text))
}

/// Writes `bytes` to `path` atomically; returns the backup made.
fn write_file(
    path: &Utf8Path,
    exists: bool,
    bytes: &[u8],
) -> Result<Option<Utf8PathBuf>, ApplyError> {
    let dir = path.parent().unwrap_or(Utf8Path::new("."));
    let name = path.file_name().unwrap_or("file");
    let meta = if exists {
        Some(std::fs::metadata(path).map_err(io(path))?)
    } else {
        None
    };
    let mode = meta
        .as_ref()
        .map_or(0o640, |m| m.permissions().mode() & 0o7777);
    let mut backup = None;
    if let Some(m) = &meta {
        let bak = dir.join(format!("{name}.glha-bak"));
        std::fs::copy(path, &bak).map_err(io(&bak))?;
        std::fs::set_permissions(&bak, std::fs::Permissions::from_mode(mode)).map_err(io(&bak))?;
        chown_like(&bak, m)?;
        backup = Some(bak);
    }
    let tmp = dir.join(format!(".{name}.glha-tmp.{}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(0o600)
            .open(&tmp)
            .map_err(io(&tmp))?;
        f.write_all(bytes).map_err(io(&tmp))?;
        if let Some(m) = &meta {
            chown_like(&tmp, m)?;
        }
        std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(mode)).map_err(io(&tmp))?;
        f.sync_all().map_err(io(&tmp))?;
        std::fs::rename(&tmp, path).map_err(io(path))
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result.map(|()| backup)
}

/// Gives `path` the owner and group of `like`, when they differ.
fn chown_like(path: &Utf8Path, like: &std::fs::Metadata) -> Result<(), ApplyError> {
    let now = std::fs::metadata(path).map_err(io(path))?;
    if now.uid() != like.uid() || now.gid() != like.gid() {
        std::os::unix::fs::chown(path, Some(like.uid()), Some(like.gid())).map_err(io(path))?;
    }
    Ok(())
}
