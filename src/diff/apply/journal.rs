//! Writing a set of files as one transaction, and finishing or undoing one
//! that a crash interrupted.
//!
//! Each file is first *prepared* in its own directory: the live file is
//! copied to `FILE.glha-bak`, the new content goes to `.FILE.glha-tmp`,
//! both fsynced. Then the journal, `ROOT/var/lib/glha/apply-journal.json`
//! ([`journal_path`]), records every file with the sha256 of its old and
//! new content, and only then are the temporary files renamed over the
//! targets, one by one, each rename followed by an fsync of its directory.
//! The journal goes when the last rename is durable.
//!
//! A rename is atomic, so a crash at any moment leaves every file whole:
//! old or new. Without a journal nothing was replaced (stray temporary
//! files are rewritten next time). With one, the next apply of the same
//! plan finishes the renames when every file still to rename has its
//! prepared temporary file, and otherwise puts the old content back from
//! the backups ([`recover`]). A rename that fails while apply runs is
//! undone the same way, at once.
//!
//! The journal lives under the root, not next to the files: one place to
//! look, on the same host whatever the files' directories are. It holds
//! paths and digests only, and is readable by its owner alone.

use super::files::Target;
use super::Refusal;
use crate::diff::sha256_hex;
use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::os::unix::fs::{MetadataExt, OpenOptionsExt, PermissionsExt};

/// The environment variable of the test-only failpoints. Tests set it on
/// the `glhac` they start, to kill it (`kill:POINT`) or to make one step
/// fail (`error:POINT`) at an exact point, which no outside `kill` can hit.
/// POINT is `prepared` (journal written, nothing renamed), `rename:N`
/// (before the Nth rename) or `renamed:N` (after it). It is read here and
/// nowhere else, and all it can do is stop apply where a crash or a failed
/// disk could: the state it leaves is one apply already recovers from. A
/// build feature would keep it out of releases, but the binary that
/// `cargo test` hands to integration tests is built without test-only
/// features, and these tests must run the real binary.
pub const FAILPOINT_VAR: &str = "GLHA_TEST_APPLY_FAILPOINT";

/// Stops here if the failpoint says so (see [`FAILPOINT_VAR`]).
fn failpoint(point: &str) -> std::io::Result<()> {
    let Ok(v) = std::env::var(FAILPOINT_VAR) else {
        return Ok(());
    };
    if v.strip_prefix("kill:") == Some(point) {
        use rustix::process::{getpid, kill_process, Signal};
        let _ = kill_process(getpid(), Signal::KILL);
        // SIGKILL cannot be caught; this line is not reached.
        std::process::abort();
    }
    if v.strip_prefix("error:") == Some(point) {
        return Err(std::io::Error::other(format!("failpoint {point}")));
    }
    Ok(())
}

/// Takes the apply lock of `root`: an exclusive `flock` on the root
/// directory itself (no lock file to leave behind), held while the
/// returned handle lives. A second apply on the same root is refused
/// instead of recovering the first one's journal under its feet.
pub(super) fn lock(root: &Utf8Path) -> Result<std::fs::File, Refusal> {
    let dir = std::fs::File::open(root).map_err(|e| Refusal::NotWritable {
        path: root.to_owned(),
        why: e.to_string(),
    })?;
    match rustix::fs::flock(&dir, rustix::fs::FlockOperation::NonBlockingLockExclusive) {
        Ok(()) => Ok(dir),
        Err(rustix::io::Errno::WOULDBLOCK) => Err(Refusal::Busy {
            root: root.to_owned(),
        }),
        Err(e) => Err(Refusal::NotWritable {
            path: root.to_owned(),
            why: format!("cannot lock it: {}", std::io::Error::from(e)),
        }),
    }
}

/// Where apply keeps its journal under `root`.
pub fn journal_path(root: &Utf8Path) -> Utf8PathBuf {
    root.join("var/lib/glha/apply-journal.json")
}

/// What the journal says the run is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
enum State {
    /// Renaming the prepared files into place.
    Applying,
    /// Putting the old files back.
    RollingBack,
}

/// One file of a transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Entry {
    /// The target.
    pub path: Utf8PathBuf,
    /// Its prepared new content.
    pub temp: Utf8PathBuf,
    /// Its old content, if it existed.
    pub backup: Option<Utf8PathBuf>,
    /// sha256 of the old content; `None`: the file did not exist.
    pub old_sha256: Option<String>,
    /// sha256 of the new content.
    pub new_sha256: String,
}

impl Entry {
    /// The entry for writing `new` over `path` (whose content is `old`).
    pub fn new(path: &Utf8Path, old: Option<&[u8]>, new: &[u8]) -> Entry {
        let dir = path.parent().unwrap_or(Utf8Path::new("/"));
        let name = path.file_name().unwrap_or("file");
        Entry {
            path: path.to_owned(),
            temp: dir.join(format!(".{name}.glha-tmp")),
            backup: old.map(|_| dir.join(format!("{name}.glha-bak"))),
            old_sha256: old.map(sha256_hex),
            new_sha256: sha256_hex(new),
        }
    }
}

/// The journal of a run.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Journal {
    /// The digest of the plan the run applies.
    plan: String,
    /// What the run is doing.
    state: State,
    /// Its files, in rename order.
    entries: Vec<Entry>,
}

/// What apply did about an interrupted run of the same plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Recovery {
    /// Every file is new now; these were renamed into place.
    Finished {
        /// The files this run renamed.
        files: Vec<Utf8PathBuf>,
    },
    /// Every file is old again; these were restored (or removed, if the
    /// run had created them).
    RolledBack {
        /// The files put back.
        files: Vec<Utf8PathBuf>,
    },
}

/// Why an interrupted run could not be recovered.
pub(super) enum RecoverError {
    /// It cannot be decided (a file changed since, another plan's journal).
    Refused(Vec<Refusal>),
    /// Recovery started and failed.
    Failed(String),
}

fn io_err(path: &Utf8Path, e: std::io::Error) -> String {
    format!("{path}: {e}")
}

/// fsyncs a directory, so the renames in it are durable.
fn sync_dir(dir: &Utf8Path) -> Result<(), String> {
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_err(dir, e))
}

fn parent(path: &Utf8Path) -> &Utf8Path {
    path.parent().unwrap_or(Utf8Path::new("/"))
}

/// Writes a new file at `path` (replacing a stray one) with this owner
/// and mode, and fsyncs it.
fn write_new(path: &Utf8Path, bytes: &[u8], uid: u32, gid: u32, mode: u32) -> Result<(), String> {
    let e = |err| io_err(path, err);
    match std::fs::remove_file(path) {
        Err(err) if err.kind() != std::io::ErrorKind::NotFound => return Err(e(err)),
        _ => {}
    }
    // 0600 until the content, owner and mode are all in place.
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(e)?;
    f.write_all(bytes).map_err(e)?;
    let meta = f.metadata().map_err(e)?;
    if meta.uid() != uid || meta.gid() != gid {
        std::os::unix::fs::chown(path, Some(uid), Some(gid)).map_err(e)?;
    }
    f.set_permissions(std::fs::Permissions::from_mode(mode))
        .map_err(e)?;
    f.sync_all().map_err(e)
}

/// Writes `path` atomically: a temporary file beside it, renamed over it,
/// the directory fsynced.
fn write_atomic(
    path: &Utf8Path,
    bytes: &[u8],
    uid: u32,
    gid: u32,
    mode: u32,
) -> Result<(), String> {
    let tmp = parent(path).join(format!(".{}.tmp", path.file_name().unwrap_or("file")));
    write_new(&tmp, bytes, uid, gid, mode)?;
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))?;
    sync_dir(parent(path))
}

fn write_journal(root: &Utf8Path, j: &Journal) -> Result<(), String> {
    let path = journal_path(root);
    let dir = parent(&path);
    if !dir.is_dir() {
        std::fs::create_dir_all(dir).map_err(|e| io_err(dir, e))?;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .map_err(|e| io_err(dir, e))?;
    }
    let text = serde_json::to_string_pretty(j).expect("a journal serializes") + "\n";
    let me = rustix::process::geteuid().as_raw();
    let group = rustix::process::getegid().as_raw();
    write_atomic(&path, text.as_bytes(), me, group, 0o600)
}

fn remove_journal(root: &Utf8Path) -> Result<(), String> {
    let path = journal_path(root);
    std::fs::remove_file(&path).map_err(|e| io_err(&path, e))?;
    sync_dir(parent(&path))
}

/// Removes the temporary files of `entries` that exist.
fn remove_temps(entries: &[Entry]) {
    for e in entries {
        // Best effort: a stray temporary file is harmless and rewritten
        // by the next apply.
        let _ = std::fs::remove_file(&e.temp);
    }
}

/// sha256 of a file's content; `None` if it does not exist.
fn sha_of(path: &Utf8Path) -> Result<Option<String>, String> {
    match std::fs::read(path) {
        Ok(b) => Ok(Some(sha256_hex(&b))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(io_err(path, e)),
    }
}

/// Renames an entry's prepared file into place, durably.
fn rename_in(e: &Entry) -> Result<(), String> {
    std::fs::rename(&e.temp, &e.path).map_err(|err| io_err(&e.path, err))?;
    sync_dir(parent(&e.path))
}

/// Puts an entry's old content back: from its backup (which must hold
/// exactly that), or by removing a file the run created.
fn restore(e: &Entry) -> Result<(), String> {
    let Some(bak) = &e.backup else {
        match std::fs::remove_file(&e.path) {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => {
                return Err(io_err(&e.path, err))
            }
            _ => return sync_dir(parent(&e.path)),
        }
    };
    let bytes = std::fs::read(bak).map_err(|err| io_err(bak, err))?;
    if Some(sha256_hex(&bytes)) != e.old_sha256 {
        return Err(format!(
            "{bak} is not the content {} had before apply",
            e.path
        ));
    }
    let meta = std::fs::metadata(bak).map_err(|err| io_err(bak, err))?;
    let tmp = parent(&e.path).join(format!(
        ".{}.glha-restore",
        e.path.file_name().unwrap_or("file")
    ));
    write_new(
        &tmp,
        &bytes,
        meta.uid(),
        meta.gid(),
        meta.permissions().mode() & 0o7777,
    )?;
    std::fs::rename(&tmp, &e.path).map_err(|err| io_err(&e.path, err))?;
    sync_dir(parent(&e.path))
}

/// Puts back every entry in `done`, under a journal that says so (a crash
/// meanwhile goes on rolling back). The files restored, or what failed.
fn roll_back(root: &Utf8Path, j: &Journal, done: &[Entry]) -> Result<Vec<Utf8PathBuf>, String> {
    write_journal(
        root,
        &Journal {
            state: State::RollingBack,
            ..j.clone()
        },
    )?;
    let mut restored = Vec::new();
    for e in done.iter().rev() {
        restore(e)?;
        restored.push(e.path.clone());
    }
    restored.reverse();
    remove_temps(&j.entries);
    remove_journal(root)?;
    Ok(restored)
}

/// Writes every target (see the module doc). On failure nothing is left
/// replaced, and the error says so; if even that fails, it says which
/// file and that the journal is kept for the next apply to roll back.
pub(super) fn transaction(
    root: &Utf8Path,
    plan: &str,
    targets: &[Target],
    entries: &[Entry],
) -> Result<(), String> {
    if targets.is_empty() {
        return Ok(());
    }
    let prepared = (|| -> Result<Journal, String> {
        for (t, e) in targets.iter().zip(entries) {
            if let (Some(old), Some(bak)) = (&t.old, &e.backup) {
                write_atomic(bak, old, t.uid, t.gid, t.mode)?;
            }
            write_new(&e.temp, t.new.as_bytes(), t.uid, t.gid, t.mode)?;
            sync_dir(parent(&e.path))?;
        }
        let j = Journal {
            plan: plan.to_string(),
            state: State::Applying,
            entries: entries.to_vec(),
        };
        write_journal(root, &j)?;
        Ok(j)
    })();
    let j = match prepared {
        Ok(j) => j,
        Err(e) => {
            remove_temps(entries);
            return Err(format!("{e}; nothing was replaced"));
        }
    };
    let _ = failpoint("prepared");
    for (i, e) in entries.iter().enumerate() {
        let n = i + 1;
        let renamed = failpoint(&format!("rename:{n}"))
            .map_err(|err| io_err(&e.path, err))
            .and_then(|()| rename_in(e));
        if let Err(err) = renamed {
            return Err(match roll_back(root, &j, &entries[..i]) {
                Ok(r) if r.is_empty() => format!("{err}; nothing was replaced"),
                Ok(r) => format!(
                    "{err}; restored {} from {}",
                    list(&r),
                    if r.len() == 1 { "its backup" } else { "their backups" }
                ),
                Err(rb) => format!(
                    "{err}; then restoring the files already replaced failed ({rb}); {} is kept: run the same apply again to roll back",
                    journal_path(root)
                ),
            });
        }
        let _ = failpoint(&format!("renamed:{n}"));
    }
    remove_journal(root)
}

fn list(paths: &[Utf8PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where an entry's target stands.
#[derive(PartialEq, Eq)]
enum Now {
    Old,
    New,
    Other,
}

/// Finishes or rolls back an interrupted run of plan `plan`, if its journal
/// is there (see the module doc).
pub(super) fn recover(root: &Utf8Path, plan: &str) -> Result<Option<Recovery>, RecoverError> {
    let path = journal_path(root);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(RecoverError::Failed(io_err(&path, e))),
    };
    let refused = |r| RecoverError::Refused(vec![r]);
    let j: Journal = serde_json::from_str(&text).map_err(|e| {
        refused(Refusal::Unreadable {
            what: path.to_string(),
            why: e.to_string(),
        })
    })?;
    if j.plan != plan {
        return Err(refused(Refusal::OtherJournal { path }));
    }
    let mut now = Vec::new();
    let mut conflicts = Vec::new();
    for e in &j.entries {
        let sha = sha_of(&e.path).map_err(RecoverError::Failed)?;
        now.push(if sha.as_deref() == Some(e.new_sha256.as_str()) {
            Now::New
        } else if sha == e.old_sha256 {
            Now::Old
        } else {
            conflicts.push(Refusal::JournalConflict {
                journal: path.clone(),
                path: e.path.clone(),
            });
            Now::Other
        });
    }
    if !conflicts.is_empty() {
        return Err(RecoverError::Refused(conflicts));
    }
    let todo: Vec<&Entry> = j
        .entries
        .iter()
        .zip(&now)
        .filter(|(_, n)| **n == Now::Old)
        .map(|(e, _)| e)
        .collect();
    let finishable = j.state == State::Applying
        && todo
            .iter()
            .all(|e| sha_of(&e.temp).ok().flatten().as_deref() == Some(e.new_sha256.as_str()));
    if finishable {
        for e in &todo {
            rename_in(e).map_err(RecoverError::Failed)?;
        }
        remove_journal(root).map_err(RecoverError::Failed)?;
        return Ok(Some(Recovery::Finished {
            files: todo.iter().map(|e| e.path.clone()).collect(),
        }));
    }
    let replaced: Vec<Entry> = j
        .entries
        .iter()
        .zip(&now)
        .filter(|(_, n)| **n == Now::New)
        .map(|(e, _)| e.clone())
        .collect();
    let files = roll_back(root, &j, &replaced).map_err(|e| {
        RecoverError::Failed(format!(
            "rolling back the interrupted apply failed: {e}; {path} is kept"
        ))
    })?;
    Ok(Some(Recovery::RolledBack { files }))
}
