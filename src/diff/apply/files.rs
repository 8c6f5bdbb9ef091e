//! The file part of apply: which files to write, checked all at once
//! ([`check`]), then written as one transaction ([`commit`], with the
//! journal).
//!
//! A live file is either the one the plan was made from (it is merged and
//! written), already exactly what the plan writes (an earlier apply of the
//! plan wrote it: nothing to do), or stale (refused). A new file gets mode
//! 0640, this user as owner and its directory's group (the service reads
//! it through its group); an existing one keeps owner, group and mode.

use super::journal::{self, Entry};
use super::{ApplyInput, ApplyOptions, Refusal};
use crate::diff::saved::{SavedFile, SavedWhole};
use crate::diff::{
    files as whole, holds_secret, ini, read, readable_by_others, sha256_hex, swift_conf, under_root,
};
use crate::plan::IniFile;
use crate::secret::SecretValues;
use camino::{Utf8Path, Utf8PathBuf};
use serde::Serialize;
use std::collections::BTreeSet;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

/// The mode of a new file, and of one whose secrets others could read
/// (`--tighten-modes`): owner writes, group reads.
pub(crate) const PRIVATE_MODE: u32 = 0o640;

/// What the file part did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FilesOutcome {
    /// Files written.
    pub written: Vec<Utf8PathBuf>,
    /// Backups made (`FILE.glha-bak`), one per existing file written.
    pub backups: Vec<Utf8PathBuf>,
    /// Files already as planned when the plan was made.
    pub unchanged: Vec<Utf8PathBuf>,
    /// Files an earlier apply of this plan already wrote.
    pub already: Vec<Utf8PathBuf>,
    /// Files made 0640 (`--tighten-modes`).
    pub tightened: Vec<Utf8PathBuf>,
    /// Files of services left out (`--only`, `--skip`).
    pub skipped: Vec<String>,
}

/// One file to write.
#[derive(Debug)]
pub(super) struct Target {
    pub path: Utf8PathBuf,
    pub old: Option<Vec<u8>>,
    pub new: String,
    pub uid: u32,
    pub gid: u32,
    pub mode: u32,
    /// Made 0640 because others could read its secrets.
    pub tightened: bool,
}

/// What the checks found to do.
#[derive(Debug, Default)]
pub(super) struct Work {
    targets: Vec<Target>,
    /// Unchanged or already written files to make 0640.
    chmod: Vec<Utf8PathBuf>,
    outcome: FilesOutcome,
}

/// How a live file stands against the plan.
enum Live {
    /// The one the plan was made from; this is what apply writes.
    Reviewed(String),
    /// Already what the plan writes.
    Applied,
}

/// Checks every file of the plan that `opts` selects; pushes every
/// problem, and the secrets the files need.
pub(super) fn check(
    input: ApplyInput<'_>,
    opts: &ApplyOptions,
    problems: &mut Vec<Refusal>,
    needed: &mut BTreeSet<String>,
) -> Work {
    let mut work = Work::default();
    for sf in &input.saved.files {
        if !opts.select.includes(&sf.service) {
            work.outcome.skipped.push(sf.target.clone());
            continue;
        }
        match ini_status(input, opts, sf, needed) {
            Ok((status, holds)) => add(&mut work, problems, opts, status, holds),
            Err(p) => problems.push(p),
        }
    }
    for sw in &input.saved.whole {
        if !opts.select.includes(&sw.service) {
            work.outcome.skipped.push(sw.target.clone());
            continue;
        }
        match whole_status(input, opts, sw) {
            Ok(status) => add(&mut work, problems, opts, status, false),
            Err(p) => problems.push(p),
        }
    }
    work
}

/// An ini file's status, and whether it holds a secret.
fn ini_status(
    input: ApplyInput<'_>,
    opts: &ApplyOptions,
    sf: &SavedFile,
    needed: &mut BTreeSet<String>,
) -> Result<(Status, bool), Refusal> {
    let swift = swift_conf::of(input.plan).filter(|c| c.target == sf.target && sf.node.is_none());
    if let Some(conf) = swift {
        return swift_status(input, opts, sf, conf, needed);
    }
    let file = input
        .plan
        .ini
        .iter()
        .find(|f| f.target == sf.target && f.node == sf.node)
        .ok_or_else(|| Refusal::PlanMismatch {
            target: sf.target.clone(),
            why: "the spec no longer writes this file".into(),
        })?;
    needed.extend(file_secret_ids(file));
    ini_values(file, input.secrets)?;
    let merge = |live: Option<&str>, s: &SecretValues| {
        ini::merge_live(live, file, input.plan.release, s).text()
    };
    let status = target_status(
        &opts.root,
        &sf.service,
        &sf.target,
        &sf.live_sha256,
        &sf.merged_sha256,
        &|live, mask| merge(live, &masking(mask)),
        &|live| merge(live, input.secrets),
    )?;
    Ok((status, holds_secret(file)))
}

/// glance-swift.conf's status (it always holds the Swift password). A
/// live file glance_store cannot read merges to nothing, which no plan
/// digested: it is refused as changed since the plan.
fn swift_status(
    input: ApplyInput<'_>,
    opts: &ApplyOptions,
    sf: &SavedFile,
    conf: &crate::plan::SwiftConf,
    needed: &mut BTreeSet<String>,
) -> Result<(Status, bool), Refusal> {
    needed.extend(swift_conf::secret_ids(conf));
    let merge = |live: Option<&str>, s: &SecretValues| {
        swift_conf::merge(input.plan, conf, live, s)
            .map(|m| m.text())
            .unwrap_or_default()
    };
    let status = target_status(
        &opts.root,
        &sf.service,
        &sf.target,
        &sf.live_sha256,
        &sf.merged_sha256,
        &|live, mask| merge(live, &masking(mask)),
        &|live| merge(live, input.secrets),
    )?;
    Ok((status, swift_conf::holds_secret(conf)))
}

/// The status of a file or section glha owns whole (no secrets).
fn whole_status(
    input: ApplyInput<'_>,
    opts: &ApplyOptions,
    sw: &SavedWhole,
) -> Result<Status, Refusal> {
    let b = input
        .plan
        .balancer
        .as_ref()
        .ok_or_else(|| Refusal::PlanMismatch {
            target: sw.target.clone(),
            why: "the spec no longer puts HAProxy in front of glance-api".into(),
        })?;
    let merged =
        |live: Option<&str>| whole::merged(input.plan, b, &sw.target, live).unwrap_or_default();
    target_status(
        &opts.root,
        &sw.service,
        &sw.target,
        &sw.live_sha256,
        &sw.merged_sha256,
        &|live, _| merged(live),
        &merged,
    )
}

/// Every secret an ini file's settings splice in.
fn file_secret_ids(file: &IniFile) -> Vec<String> {
    file.settings
        .iter()
        .flat_map(|s| s.values.iter().flat_map(|v| v.secret_ids()))
        .map(str::to_string)
        .collect()
}

/// Every value must be writable as an ini value. Values with a secret are
/// checked with the other secrets (`secret::check_values`), by id.
fn ini_values(file: &IniFile, secrets: &SecretValues) -> Result<(), Refusal> {
    for s in &file.settings {
        for v in &s.values {
            if !v.secret_ids().is_empty() {
                continue;
            }
            if let Err(why) = ini::ini_value(v, secrets) {
                return Err(Refusal::PlanMismatch {
                    target: file.target.clone(),
                    why: format!("[{}] {}: {why}", s.section, s.key),
                });
            }
        }
    }
    Ok(())
}

/// A target's path, its live state against the plan and its metadata.
struct Status {
    path: Utf8PathBuf,
    live: Result<(Option<Vec<u8>>, Live), Refusal>,
    meta: Option<std::fs::Metadata>,
}

/// The secrets a digest merge uses: none (placeholders, what the plan
/// digested), or with `mask` placeholders taken as values, written over
/// the secrets a live file holds.
fn masking(mask: bool) -> SecretValues {
    if mask {
        SecretValues::placeholders_as_values()
    } else {
        SecretValues::none()
    }
}

/// Reads a target and decides how it stands. `placeholders` merges with
/// secrets as placeholders (what the plan digested; `true`: written over
/// the live secrets), `values` with the secrets themselves (what apply
/// writes).
fn target_status(
    root: &Utf8Path,
    service: &str,
    target: &str,
    live_sha256: &Option<String>,
    merged_sha256: &str,
    placeholders: &dyn Fn(Option<&str>, bool) -> String,
    values: &dyn Fn(Option<&str>) -> String,
) -> Result<Status, Refusal> {
    let path = under_root(root, target);
    let dir = path.parent().unwrap_or(root).to_owned();
    if !dir.is_dir() {
        return Err(Refusal::MissingDir {
            dir,
            service: service.to_string(),
        });
    }
    let meta =
        match std::fs::symlink_metadata(&path) {
            Ok(m) if m.file_type().is_file() => Some(m),
            Ok(_) => return Err(Refusal::NotWritable {
                path,
                why:
                    "it is not a plain file (a link or a directory); glha replaces plain files only"
                        .into(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => {
                return Err(Refusal::NotWritable {
                    path,
                    why: e.to_string(),
                })
            }
        };
    let live = read_live(&path).and_then(|bytes| {
        let text = bytes
            .as_deref()
            .map(|b| String::from_utf8_lossy(b).into_owned());
        let sha = bytes.as_deref().map(sha256_hex);
        let planned = sha256_hex(placeholders(text.as_deref(), false).as_bytes());
        if sha == *live_sha256 {
            if planned != merged_sha256 {
                return Err(Refusal::PlanMismatch {
                    target: target.to_string(),
                    why: "the settings differ from those the plan was saved with".into(),
                });
            }
            let new = values(text.as_deref());
            Ok((bytes, Live::Reviewed(new)))
        } else if text.as_deref() == Some(values(text.as_deref()).as_str())
            && (planned == merged_sha256
                || sha256_hex(placeholders(text.as_deref(), true).as_bytes()) == merged_sha256)
        {
            // Already applied: the live file holds every planned value, and
            // masking its secrets gives the reviewed file. A secret the
            // reviewed file did not hold yet (a new key) had a placeholder
            // there, and apply wrote its value: masking must then write
            // the placeholder over the value, not keep it as unknown.
            Ok((bytes, Live::Applied))
        } else {
            Err(Refusal::Stale { path: path.clone() })
        }
    });
    Ok(Status { path, live, meta })
}

/// The bytes of a live file (`None`: absent), which must be text.
fn read_live(path: &Utf8Path) -> Result<Option<Vec<u8>>, Refusal> {
    let bytes = read::bytes_opt(path).map_err(Refusal::Live)?;
    if let Some(b) = &bytes {
        read::utf8(path, b.clone()).map_err(Refusal::Live)?;
    }
    Ok(bytes)
}

/// Files the work, or its problems.
fn add(
    work: &mut Work,
    problems: &mut Vec<Refusal>,
    opts: &ApplyOptions,
    status: Status,
    holds: bool,
) {
    let (old, live) = match status.live {
        Ok(l) => l,
        Err(p) => return problems.push(p),
    };
    let path = status.path;
    let mode = status
        .meta
        .as_ref()
        .map_or(PRIVATE_MODE, |m| m.permissions().mode() & 0o7777);
    let exposed = holds && readable_by_others(mode);
    if exposed && !opts.tighten_modes {
        problems.push(Refusal::Exposed {
            path: path.clone(),
            mode,
        });
    }
    let mode = if exposed { PRIVATE_MODE } else { mode };
    let new = match live {
        Live::Applied => {
            work.outcome.already.push(path.clone());
            if exposed {
                work.chmod.push(path);
            }
            return;
        }
        Live::Reviewed(new) if old.as_deref() == Some(new.as_bytes()) => {
            work.outcome.unchanged.push(path.clone());
            if exposed {
                work.chmod.push(path);
            }
            return;
        }
        Live::Reviewed(new) => new,
    };
    let dir = path.parent().unwrap_or(&opts.root).to_owned();
    let dir_meta = match std::fs::metadata(&dir) {
        Ok(m) => m,
        Err(e) => {
            return problems.push(Refusal::NotWritable {
                path: dir,
                why: e.to_string(),
            })
        }
    };
    if let Err(e) = rustix::fs::access(
        dir.as_std_path(),
        rustix::fs::Access::WRITE_OK | rustix::fs::Access::EXEC_OK,
    ) {
        return problems.push(Refusal::NotWritable {
            path: dir,
            why: std::io::Error::from(e).to_string(),
        });
    }
    let (uid, gid) = match &status.meta {
        Some(m) => (m.uid(), m.gid()),
        None => (rustix::process::geteuid().as_raw(), dir_meta.gid()),
    };
    if !can_own(uid, gid) {
        return problems.push(Refusal::Owner { path, uid, gid });
    }
    work.targets.push(Target {
        path,
        old,
        new,
        uid,
        gid,
        mode,
        tightened: exposed,
    });
}

/// Whether this process can give a file owner `uid` and group `gid`: root
/// can; another user only its own uid and one of its groups.
fn can_own(uid: u32, gid: u32) -> bool {
    use rustix::process::{getegid, geteuid, getgroups};
    let me = geteuid();
    if me.is_root() {
        return true;
    }
    uid == me.as_raw()
        && (gid == getegid().as_raw()
            || getgroups().is_ok_and(|g| g.iter().any(|x| x.as_raw() == gid)))
}

/// Writes every target as one transaction, then tightens the modes asked
/// for. What was done, and on failure what went wrong and what state it
/// left.
pub(super) fn commit(
    work: Work,
    root: &Utf8Path,
    plan_digest: &str,
) -> (FilesOutcome, Result<(), String>) {
    let mut out = work.outcome;
    let entries: Vec<Entry> = work
        .targets
        .iter()
        .map(|t| Entry::new(&t.path, t.old.as_deref(), t.new.as_bytes()))
        .collect();
    if let Err(e) = journal::transaction(root, plan_digest, &work.targets, &entries) {
        return (out, Err(e));
    }
    for (t, e) in work.targets.iter().zip(&entries) {
        out.written.push(t.path.clone());
        if let Some(b) = &e.backup {
            out.backups.push(b.clone());
        }
        if t.tightened {
            out.tightened.push(t.path.clone());
        }
    }
    for path in work.chmod {
        let mode = std::fs::Permissions::from_mode(PRIVATE_MODE);
        if let Err(e) = std::fs::set_permissions(&path, mode) {
            let msg = format!("{path}: cannot make it {PRIVATE_MODE:04o}: {e}");
            return (out, Err(msg));
        }
        out.tightened.push(path);
    }
    (out, Ok(()))
}
