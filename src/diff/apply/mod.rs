//! `apply`: execute a reviewed [`SavedPlan`], all or nothing.
//!
//! 1. **Check everything first.** The plan must come from the spec as it
//!    is now and be for this root; every file it writes must be writable
//!    with its owner kept, its directory must exist, and the live file must
//!    be the one reviewed (or already as planned); every secret it needs
//!    must resolve and fit where it goes; a file that will hold a secret
//!    must not be readable by others (or `tighten_modes` says to make it
//!    0640). With `pacemaker`, the live CIB (`cibadmin -Q`) must still have
//!    the reviewed configuration version; with `endpoints`, the live
//!    catalog must be the reviewed one. Every problem is reported, and
//!    nothing is written if there is one ([`ApplyError::Refused`]).
//! 2. **Files** ([`files`], [`journal`]): every file is prepared next to
//!    its target (temporary file, fsync), a journal records them, then each
//!    is renamed into place. A failure midway restores the replaced ones
//!    from their `.glha-bak`; after a crash, the next apply of the same
//!    plan finishes the run or rolls it back.
//! 3. **Pacemaker** ([`pacemaker`]): one CIB patch from the live CIB to the
//!    candidate (the live CIB with the plan applied), which the CIB manager
//!    applies whole and only onto the exact version it was computed from.
//! 4. **Catalog** ([`endpoints`]): the planned `openstack` calls, in order.
//!
//! Nothing runs crm, cibadmin or openstack unless its part is asked for.
//! No secret value is printed or returned: errors name secrets by id.

mod endpoints;
mod files;
mod journal;
mod pacemaker;

pub use files::FilesOutcome;
pub use journal::{journal_path, Recovery};

use super::impact::{Restart, Transition};
use super::{CibVersion, DiffError, PlanOrigin, SavedPlan};
use crate::plan::Plan;
use crate::secret::{SecretError, SecretValues};
use crate::tools::{ToolError, Tools};
use camino::Utf8PathBuf;
use serde::Serialize;
use std::collections::BTreeSet;

/// The services `--only` and `--skip` name: whose files apply writes.
pub const SERVICES: [&str; 5] = ["glance-api", "nova", "cinder", "haproxy", "sysctl"];

/// Which services' files to write.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Selection {
    /// Every file of the plan.
    #[default]
    All,
    /// Only these services'.
    Only(Vec<String>),
    /// Every service's but these.
    Skip(Vec<String>),
}

impl Selection {
    /// Whether the files of `service` are written.
    pub fn includes(&self, service: &str) -> bool {
        match self {
            Selection::All => true,
            Selection::Only(s) => s.iter().any(|x| x == service),
            Selection::Skip(s) => !s.iter().any(|x| x == service),
        }
    }
}

/// How to apply.
#[derive(Debug, Clone)]
pub struct ApplyOptions {
    /// The tree to write into (`/`, or a copy of a host's).
    pub root: Utf8PathBuf,
    /// Whose files to write.
    pub select: Selection,
    /// Make a file that will hold a secret and that others can read 0640
    /// (owner and group kept) instead of refusing it.
    pub tighten_modes: bool,
    /// Apply the Pacemaker part to the CIB.
    pub pacemaker: bool,
    /// Apply the catalog part through the `openstack` CLI.
    pub endpoints: bool,
    /// Runs cibadmin, crm_diff and openstack.
    pub tools: Tools,
}

/// What apply works from.
#[derive(Debug, Clone, Copy)]
pub struct ApplyInput<'a> {
    /// The reviewed plan.
    pub saved: &'a SavedPlan,
    /// The spec compiled now.
    pub plan: &'a Plan,
    /// Where that compilation came from, to compare with the plan's.
    pub origin: &'a PlanOrigin,
    /// The secret values that resolved.
    pub secrets: &'a SecretValues,
    /// The secrets that could not be read (only those apply needs count).
    pub unresolved: &'a [SecretError],
}

/// Why apply refuses to start. Never holds a secret value.
#[derive(Debug)]
pub enum Refusal {
    /// The spec (or an import, the release, an import directory) is not
    /// the one the plan was made from.
    OtherSpec {
        /// What differs.
        what: String,
    },
    /// The plan was made for another root.
    OtherRoot {
        /// The plan's.
        planned: Option<String>,
        /// The one given.
        given: String,
    },
    /// Another apply is running on this root.
    Busy {
        /// The root.
        root: Utf8PathBuf,
    },
    /// An interrupted apply of another plan left its journal.
    OtherJournal {
        /// The journal.
        path: Utf8PathBuf,
    },
    /// An interrupted apply left a file neither old nor new: someone
    /// changed it since.
    JournalConflict {
        /// The journal.
        journal: Utf8PathBuf,
        /// The file.
        path: Utf8PathBuf,
    },
    /// A file's directory does not exist (the service is not installed
    /// here?).
    MissingDir {
        /// The directory.
        dir: Utf8PathBuf,
        /// The service whose file it is.
        service: String,
    },
    /// A live file changed since the plan was saved.
    Stale {
        /// The file.
        path: Utf8PathBuf,
    },
    /// The spec no longer yields what the plan says.
    PlanMismatch {
        /// The target or part.
        target: String,
        /// What differs.
        why: String,
    },
    /// A live file cannot be read.
    Live(DiffError),
    /// A file cannot be written, or is not a plain file.
    NotWritable {
        /// The file or directory.
        path: Utf8PathBuf,
        /// Why.
        why: String,
    },
    /// A file's owner cannot be kept by this user.
    Owner {
        /// The file.
        path: Utf8PathBuf,
        /// Its owner.
        uid: u32,
        /// Its group.
        gid: u32,
    },
    /// A file that will hold a secret is readable by others.
    Exposed {
        /// The file.
        path: Utf8PathBuf,
        /// Its mode.
        mode: u32,
    },
    /// A secret cannot be read or cannot go where the plan puts it.
    Secret(SecretError),
    /// A secret apply needs was not supplied.
    MissingSecret {
        /// Its id.
        id: String,
    },
    /// The plan has no such part, or its part cannot be applied.
    NoPart {
        /// Which part, and why.
        what: String,
    },
    /// The CIB's configuration changed since the plan was saved.
    CibMoved {
        /// The plan's version.
        planned: CibVersion,
        /// The live one.
        live: CibVersion,
    },
    /// The catalog changed since the plan was saved.
    CatalogMoved,
    /// Several services of the catalog's type exist: creating an endpoint
    /// for the type would be ambiguous.
    Services {
        /// Their ids.
        ids: Vec<String>,
    },
    /// A program apply needs failed or is missing.
    Tool(ToolError),
    /// A program's answer cannot be read.
    Unreadable {
        /// Whose.
        what: String,
        /// Why.
        why: String,
    },
}

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Refusal::OtherSpec { what } => write!(
                f,
                "the plan was made from another spec: {what}; run `glhac diff --save-plan` again"
            ),
            Refusal::OtherRoot { planned, given } => write!(
                f,
                "the plan was made for root {}, not {given}",
                planned.as_deref().unwrap_or("(none: diff ran without --root)")
            ),
            Refusal::Busy { root } => write!(
                f,
                "another glhac apply is running on {root}; wait for it to finish"
            ),
            Refusal::OtherJournal { path } => write!(
                f,
                "{path}: an interrupted apply of another plan; run `glhac apply` with that plan to finish or roll it back"
            ),
            Refusal::JournalConflict { journal, path } => write!(
                f,
                "{path} is neither as it was nor as the interrupted apply recorded in {journal} writes it: it was changed since; restore it from {path}.glha-bak or remove the journal by hand"
            ),
            Refusal::MissingDir { dir, service } => write!(
                f,
                "{dir} does not exist, so {service}'s file cannot be written (is {service} installed here? `--skip {service}` applies the rest)"
            ),
            Refusal::Stale { path } => write!(
                f,
                "{path} changed since the plan was saved; run diff again and save a new plan"
            ),
            Refusal::PlanMismatch { target, why } => write!(
                f,
                "the saved plan does not match the spec for {target}: {why}"
            ),
            Refusal::Live(e) => write!(f, "{e}"),
            Refusal::NotWritable { path, why } => write!(f, "{path} cannot be written: {why}"),
            Refusal::Owner { path, uid, gid } => write!(
                f,
                "{path} belongs to {uid}:{gid}, which this user cannot give the new file; run apply as root"
            ),
            Refusal::Exposed { path, mode } => write!(
                f,
                "{path} will hold a secret but others can read it (mode {mode:04o}); `--tighten-modes` makes it 0640, keeping owner and group"
            ),
            Refusal::Secret(e) => write!(f, "{e}"),
            Refusal::MissingSecret { id } => {
                write!(f, "secret `{id}` is needed but was not supplied")
            }
            Refusal::NoPart { what } => write!(f, "{what}"),
            Refusal::CibMoved { planned, live } => write!(
                f,
                "the CIB's configuration changed since the plan was saved ({live}; the plan has {planned}); the CIB is left as it is: run diff again"
            ),
            Refusal::CatalogMoved => write!(
                f,
                "the image service's endpoints changed since the plan was saved; nothing was called: run diff again"
            ),
            Refusal::Services { ids } => write!(
                f,
                "several services of the catalog's type exist ({}); delete all but one before creating endpoints",
                ids.join(", ")
            ),
            Refusal::Tool(e) => write!(f, "{e}"),
            Refusal::Unreadable { what, why } => write!(f, "cannot read {what}: {why}"),
        }
    }
}

/// What a part's checks found: work to do, or the live state already as
/// planned.
pub(super) enum Part<W> {
    /// Work to do.
    Do(W),
    /// Nothing to do: the live state is already as planned.
    Already,
}

/// What the Pacemaker part did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum PacemakerOutcome {
    /// The live CIB already had the plan's configuration.
    AlreadyApplied,
    /// Patched.
    Applied {
        /// The objects changed (`primitive p_ip_glance-api`).
        objects: Vec<String>,
        /// The version patched.
        from: CibVersion,
        /// The epoch after.
        epoch_after: u64,
        /// Secret parameters that also changed, which the prediction
        /// assumed unchanged: their resources restart too.
        also_changed: Vec<String>,
    },
}

/// What the catalog part did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum EndpointsOutcome {
    /// The catalog was already as planned.
    AlreadyApplied,
    /// These calls ran, in order.
    Ran(Vec<crate::command::Command>),
}

/// What apply did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ApplyReport {
    /// An interrupted run of this plan that was finished or rolled back.
    pub recovery: Option<Recovery>,
    /// The files.
    pub files: FilesOutcome,
    /// The CIB, with `pacemaker`.
    pub pacemaker: Option<PacemakerOutcome>,
    /// The catalog, with `endpoints`.
    pub endpoints: Option<EndpointsOutcome>,
    /// The transition the plan predicted.
    pub transition: Option<Transition>,
    /// What must restart to read the files.
    pub restarts: Vec<Restart>,
    /// Parts of the plan left undone, and how to do them.
    pub left: Vec<String>,
}

/// Why apply stopped.
#[derive(Debug)]
pub enum ApplyError {
    /// Checks failed: nothing was written (beyond a recovery, in `done`).
    Refused {
        /// Every problem.
        problems: Vec<Refusal>,
        /// What was done before the checks (an interrupted run recovered).
        done: Box<ApplyReport>,
    },
    /// A step failed; `done` says what was applied, and `error` what
    /// happened to the rest.
    Failed {
        /// What failed, and what state it left.
        error: String,
        /// What was done.
        done: Box<ApplyReport>,
    },
}

impl std::fmt::Display for ApplyError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApplyError::Refused { problems, .. } => {
                let all: Vec<String> = problems.iter().map(ToString::to_string).collect();
                write!(f, "{}", all.join("\n"))
            }
            ApplyError::Failed { error, .. } => write!(f, "{error}"),
        }
    }
}

impl std::error::Error for ApplyError {}

/// Executes `input.saved` as `opts` says: checks every part first, then
/// writes the files, patches the CIB (with `pacemaker`) and calls
/// `openstack` (with `endpoints`).
pub fn apply(input: ApplyInput<'_>, opts: &ApplyOptions) -> Result<ApplyReport, ApplyError> {
    let mut done = ApplyReport {
        transition: input
            .saved
            .pacemaker
            .as_ref()
            .and_then(|p| p.impact.transition().cloned()),
        restarts: input.saved.restarts.clone(),
        ..Default::default()
    };
    let problems = origin_problems(input, opts);
    if !problems.is_empty() {
        return Err(refused(problems, &done));
    }
    let _lock = journal::lock(&opts.root).map_err(|p| refused(vec![p], &done))?;
    let digest = input.saved.digest();
    done.recovery = match journal::recover(&opts.root, &digest) {
        Ok(r) => r,
        Err(journal::RecoverError::Refused(p)) => return Err(refused(p, &done)),
        Err(journal::RecoverError::Failed(e)) => return Err(failed(e, &done)),
    };
    let work = check(input, opts).map_err(|p| refused(p, &done))?;
    execute(work, input, opts, &digest, done)
}

fn refused(problems: Vec<Refusal>, done: &ApplyReport) -> ApplyError {
    ApplyError::Refused {
        problems,
        done: Box::new(done.clone()),
    }
}

fn failed(error: String, done: &ApplyReport) -> ApplyError {
    ApplyError::Failed {
        error,
        done: Box::new(done.clone()),
    }
}

/// What the checks found to do, part by part.
struct Work {
    files: files::Work,
    pacemaker: Option<Part<pacemaker::Work>>,
    endpoints: Option<Part<endpoints::Work>>,
}

/// Checks every part `opts` asks for; every problem, or the work.
fn check(input: ApplyInput<'_>, opts: &ApplyOptions) -> Result<Work, Vec<Refusal>> {
    let mut problems = Vec::new();
    let mut needed = BTreeSet::new();
    let files = files::check(input, opts, &mut problems, &mut needed);
    let pacemaker = if opts.pacemaker {
        needed.extend(pacemaker_secret_ids(input.plan));
        pacemaker::check(input, &opts.tools, &mut problems)
    } else {
        None
    };
    let endpoints = if opts.endpoints {
        endpoints::check(input, &opts.tools, &mut problems)
    } else {
        None
    };
    problems.extend(secret_problems(input, &needed));
    if problems.is_empty() {
        Ok(Work {
            files,
            pacemaker,
            endpoints,
        })
    } else {
        Err(problems)
    }
}

/// Does the work: the files, then the CIB, then the catalog; stops at the
/// first part that fails.
fn execute(
    work: Work,
    input: ApplyInput<'_>,
    opts: &ApplyOptions,
    digest: &str,
    mut done: ApplyReport,
) -> Result<ApplyReport, ApplyError> {
    let (written, result) = files::commit(work.files, &opts.root, digest);
    done.files = written;
    result.map_err(|e| failed(e, &done))?;
    done.pacemaker = match work.pacemaker {
        Some(Part::Do(w)) => {
            Some(pacemaker::run(w, input, &opts.tools).map_err(|e| failed(e, &done))?)
        }
        Some(Part::Already) => Some(PacemakerOutcome::AlreadyApplied),
        None => None,
    };
    done.endpoints = match work.endpoints {
        Some(Part::Do(w)) => Some(endpoints::run(w, &opts.tools).map_err(|(e, ran)| {
            let mut d = done.clone();
            d.endpoints = Some(EndpointsOutcome::Ran(ran));
            failed(e, &d)
        })?),
        Some(Part::Already) => Some(EndpointsOutcome::AlreadyApplied),
        None => None,
    };
    done.left = left_undone(input.saved, opts);
    Ok(done)
}

/// The plan must come from the spec compiled now, for this root.
fn origin_problems(input: ApplyInput<'_>, opts: &ApplyOptions) -> Vec<Refusal> {
    let mut out = Vec::new();
    let (was, now) = (&input.saved.origin, input.origin);
    let mut differs = Vec::new();
    if was.spec != now.spec {
        differs.push(format!("the plan's spec is {}, not {}", was.spec, now.spec));
    } else if was.spec_sha256 != now.spec_sha256 {
        differs.push(format!("{} changed since the plan was saved", now.spec));
    } else if was.sources_sha256 != now.sources_sha256 {
        differs.push(format!(
            "a module {} imports changed since the plan was saved",
            now.spec
        ));
    }
    if was.release != now.release {
        differs.push(format!(
            "the plan is for release {}, not {}",
            was.release, now.release
        ));
    }
    if was.lib != now.lib {
        differs.push("its import directories differ".into());
    }
    out.extend(differs.into_iter().map(|what| Refusal::OtherSpec { what }));
    let given = opts
        .root
        .canonicalize_utf8()
        .map(|p| p.to_string())
        .unwrap_or_else(|_| opts.root.to_string());
    let needs_root = !input.saved.files.is_empty() || !input.saved.whole.is_empty();
    if needs_root && input.saved.root.as_deref() != Some(given.as_str()) {
        out.push(Refusal::OtherRoot {
            planned: input.saved.root.clone(),
            given,
        });
    }
    out
}

/// Every secret the Pacemaker part writes.
fn pacemaker_secret_ids(plan: &Plan) -> Vec<String> {
    plan.pacemaker
        .primitives
        .iter()
        .flat_map(|p| p.params.iter().flat_map(|(_, v)| v.secret_ids()))
        .map(str::to_string)
        .collect()
}

/// The secrets apply needs that cannot be read or cannot go where the plan
/// puts them, each once, by id.
fn secret_problems(input: ApplyInput<'_>, needed: &BTreeSet<String>) -> Vec<Refusal> {
    let mut out = Vec::new();
    let mut named = BTreeSet::new();
    for e in input.unresolved {
        if needed.contains(&e.id) && named.insert(e.id.clone()) {
            out.push(Refusal::Secret(e.clone()));
        }
    }
    for e in crate::secret::check_values(input.plan, input.secrets) {
        if needed.contains(&e.id) && named.insert(e.id.clone()) {
            out.push(Refusal::Secret(e));
        }
    }
    for id in needed {
        if !input.secrets.contains(id) && named.insert(id.clone()) {
            out.push(Refusal::MissingSecret { id: id.clone() });
        }
    }
    out
}

/// The parts of the plan this run did not apply.
fn left_undone(saved: &SavedPlan, opts: &ApplyOptions) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = saved.pacemaker.as_ref().filter(|p| p.has_changes()) {
        if !opts.pacemaker {
            out.push(format!(
                "the Pacemaker part ({} change(s)): run apply again with --pacemaker",
                p.changes.len()
            ));
        }
    }
    if let Some(e) = &saved.endpoints {
        let calls = e
            .steps
            .iter()
            .filter(|s| {
                !matches!(
                    s.action,
                    crate::plan::catalog::Action::Keep { .. }
                        | crate::plan::catalog::Action::Duplicates { .. }
                )
            })
            .count();
        if calls > 0 && !opts.endpoints {
            out.push(format!(
                "the catalog part ({calls} call(s)): run apply again with --endpoints"
            ));
        }
    }
    let skipped: Vec<&str> = saved
        .files
        .iter()
        .map(|f| f.service.as_str())
        .chain(saved.whole.iter().map(|w| w.service.as_str()))
        .filter(|s| !opts.select.includes(s))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if !skipped.is_empty() {
        out.push(format!(
            "the files of {} (not selected)",
            skipped.join(", ")
        ));
    }
    out
}
