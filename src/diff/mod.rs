//! `diff`: compare a [`Plan`] with the live system, predict what applying
//! it does, and apply it.
//!
//! Live state comes from three optional inputs ([`LiveInputs`]): a copy of a
//! host's file tree (or `/`) for the ini files, a CIB (XML or
//! `crm configure show` text) and `openstack endpoint list -f json` output.
//! Each is read into the plan's own model and compared semantically
//! (`ini`; a Swift store's glance-swift.conf in glance_store's own dialect,
//! `swift_conf`, reported as one more ini file of glance-api's; `cib` and
//! `crm_show` into the plan's Pacemaker model, compared
//! by `pacemaker`; `endpoints` and `compare`). `impact` predicts the
//! transition Pacemaker would run (crm_simulate on a candidate CIB) and the
//! restarts the changed files need. The result, a [`DiffReport`], renders
//! for people (`render`) or as JSON, and saves as a [`SavedPlan`] (`saved`)
//! that [`apply()`] executes, all or nothing (`apply`).
//!
//! No secret value is ever shown: a sensitive value reads `(sensitive)` or
//! `changed (sensitive)`, and so does any live value of a key whose name
//! suggests it holds a password.

mod apply;
pub(crate) mod cib;
mod compare;
pub(crate) mod crm_show;
pub(crate) mod endpoints;
pub(crate) mod files;
mod impact;
pub(crate) mod ini;
mod pacemaker;
pub(crate) mod read;
mod render;
mod saved;
mod stale;
mod store;
pub(crate) mod swift_conf;

pub use apply::{
    apply, journal_path, ApplyError, ApplyInput, ApplyOptions, ApplyReport, EndpointsOutcome,
    FilesOutcome, PacemakerOutcome, Recovery, Refusal, Selection, SERVICES,
};
pub use crm_show::strip_ansi;
pub use impact::{
    parse as parse_simulation, ActionKind, Impact, NodeAction, NodeActionKind, RecurringOp,
    ResourceAction, Restart, RestartHow, Transition,
};
pub use ini::ini_value;
pub use read::MAX_LIVE_BYTES;
pub use saved::{
    CibVersion, PlanError, PlanOrigin, SavedEndpoints, SavedFile, SavedPacemaker, SavedPlan,
    SavedWhole, FORMAT,
};
pub use stale::{Replacing, StaleAction, StaleKey, StaleReason};

use crate::command::Command;
use crate::plan::catalog::Step;
use crate::plan::{IniFile, Plan};
use crate::secret::SecretValues;
use crate::tools::Tools;
use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::os::unix::fs::PermissionsExt;

/// What is shown instead of a sensitive value.
pub const SENSITIVE: &str = "(sensitive)";

pub use crate::secret::is_sensitive_name;

/// The live inputs; each is optional, and a target without one is reported
/// as not compared.
#[derive(Debug, Clone, Default)]
pub struct LiveInputs {
    /// A copy of a host's file tree (its `/etc`'s parent), or `/` itself.
    pub root: Option<Utf8PathBuf>,
    /// `cibadmin -Q` XML or `crm configure show` text.
    pub cib: Option<Utf8PathBuf>,
    /// `openstack endpoint list -f json` output.
    pub endpoints: Option<Utf8PathBuf>,
    /// The node `root` belongs to; per-node ini files of other nodes (and,
    /// without it, all per-node files) are not compared.
    pub node: Option<String>,
    /// Runs crm_simulate for the impact; without it, the impact is not
    /// computed.
    pub tools: Option<Tools>,
}

/// Trouble reading or parsing live state (the CLI exits 2).
#[derive(Debug)]
pub enum DiffError {
    /// A live input could not be read.
    Io {
        /// The file.
        path: Utf8PathBuf,
        /// Why.
        error: std::io::Error,
    },
    /// A live input could not be parsed.
    Parse {
        /// The file.
        path: Utf8PathBuf,
        /// Why (never contains a value).
        message: String,
    },
    /// A live file could not be parsed, at a line.
    ParseAt {
        /// The file.
        path: Utf8PathBuf,
        /// The 1-based line.
        line: usize,
        /// Why (never contains a value).
        message: String,
    },
}

impl std::fmt::Display for DiffError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DiffError::Io { path, error } => write!(f, "cannot read {path}: {error}"),
            DiffError::Parse { path, message } => write!(f, "cannot parse {path}: {message}"),
            DiffError::ParseAt {
                path,
                line,
                message,
            } => write!(f, "cannot parse {path}:{line}: {message}"),
        }
    }
}

impl std::error::Error for DiffError {}

/// What happens to a setting, resource or constraint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ChangeKind {
    /// Not live yet.
    Add,
    /// Live with another value.
    Change,
    /// Live and must go.
    Remove,
    /// Sensitive and not compared (its secret was not supplied); the live
    /// value has the right shape.
    Unknown,
}

/// One ini setting that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IniChange {
    /// Section.
    pub section: String,
    /// Key.
    pub key: String,
    /// What happens.
    pub kind: ChangeKind,
    /// The live value(s) as shown (`(sensitive)` when sensitive).
    pub live: Option<String>,
    /// The planned value(s) as shown (`(sensitive)` when sensitive).
    pub planned: Option<String>,
    /// For a removal, why.
    pub why: Option<String>,
}

/// Whether a target was compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", content = "reason", rename_all = "snake_case")]
pub enum Compared {
    /// Compared with live state.
    Yes,
    /// Not compared, and why (e.g. no `--cib`).
    No(String),
}

/// The comparison of one ini file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IniReport {
    /// Path on the target host.
    pub target: String,
    /// The service that reads it.
    pub service: String,
    /// Its node, for a per-node file.
    pub node: Option<String>,
    /// Whether it was compared.
    pub compared: Compared,
    /// The file read (under the root).
    pub live_path: Option<String>,
    /// sha256 of the live file; `None` if it does not exist.
    pub live_sha256: Option<String>,
    /// sha256 of the merged file with secrets as placeholders: what apply
    /// recomputes to check the plan has not changed.
    pub merged_sha256: Option<String>,
    /// The settings that differ.
    pub changes: Vec<IniChange>,
    /// Live keys the release does not know, knows only as deprecated
    /// aliases or as deprecated for removal; those glha removes are also
    /// `remove` changes.
    #[serde(default)]
    pub stale: Vec<StaleKey>,
    /// Unified diff, live → merged, sensitive values masked.
    pub unified_diff: String,
    /// Whether the file holds (or will hold) a secret value.
    #[serde(default)]
    pub holds_secret: bool,
    /// The live file's permission bits (`0644`), if it exists.
    #[serde(default)]
    pub live_mode: Option<String>,
    /// It holds a secret and others can read it: apply refuses it unless
    /// told to tighten its mode.
    #[serde(default)]
    pub exposed: bool,
    /// What the comparison cannot show as a change but the operator must
    /// know (a live image store on the node's own disk).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
}

/// One Pacemaker object that differs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcmkChange {
    /// What happens.
    pub kind: ChangeKind,
    /// `primitive`, `group`, `clone`, `location`, `colocation`, `order`,
    /// `property`.
    pub object: String,
    /// Its id (the property name for a property).
    pub id: String,
    /// What differs, one line each (sensitive values masked).
    pub details: Vec<String>,
    /// Its crm definition, for `crm configure load update` (secrets as
    /// `<secret:ID>` placeholders); `None` when nothing is known to change.
    pub command: Option<String>,
}

/// The comparison of the cluster configuration.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PacemakerReport {
    /// Whether it was compared.
    pub compared: Compared,
    /// The file read.
    pub source: Option<String>,
    /// Its sha256.
    pub sha256: Option<String>,
    /// Its configuration version, when it is XML.
    pub cib: Option<CibVersion>,
    /// Objects that differ.
    pub changes: Vec<PcmkChange>,
    /// What applying the changes does to the running cluster.
    pub impact: Impact,
}

/// What happens to one endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndpointKind {
    /// Not in the catalog yet.
    Create,
    /// In the catalog with another URL (or disabled).
    Update,
    /// As planned.
    Unchanged,
    /// A second endpoint for the same interface and region.
    DeleteDuplicate,
}

/// One endpoint of the plan's catalog, compared.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointChange {
    /// `public`, `internal`, `admin`.
    pub interface: String,
    /// What happens.
    pub kind: EndpointKind,
    /// The live endpoint's id.
    pub id: Option<String>,
    /// The live URL.
    pub live_url: Option<String>,
    /// The planned URL.
    pub url: String,
    /// The openstack command that makes it so.
    pub command: Option<Command>,
}

/// The comparison of the Keystone catalog.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EndpointsReport {
    /// Whether it was compared.
    pub compared: Compared,
    /// The file read.
    pub source: Option<String>,
    /// Its sha256.
    pub sha256: Option<String>,
    /// Service name.
    pub service_name: String,
    /// Service type.
    pub service_type: String,
    /// Region.
    pub region: String,
    /// Every planned endpoint, and duplicates.
    pub changes: Vec<EndpointChange>,
    /// Digest of the service's live endpoints, for apply's check that the
    /// catalog has not moved.
    pub digest: Option<String>,
    /// The reconciliation steps behind `changes`.
    pub steps: Vec<Step>,
}

/// A file (or a section of one) that glha owns whole: active/active's sysctl
/// file and HAProxy's section.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct FileReport {
    /// Path on the target host.
    pub target: String,
    /// The service that reads it (`haproxy`, `sysctl`).
    pub service: String,
    /// What of it glha owns (`sysctl file`, ``section `listen glance-api` ``).
    pub what: String,
    /// Whether it was compared.
    pub compared: Compared,
    /// Whether it differs (comments, blank lines and spacing aside).
    pub changed: bool,
    /// sha256 of the live file read; `None` if absent or not compared.
    #[serde(default)]
    pub live_sha256: Option<String>,
    /// sha256 of the file as apply would write it.
    #[serde(default)]
    pub merged_sha256: Option<String>,
    /// Unified diff, live → planned.
    pub unified_diff: String,
}

/// The whole comparison.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DiffReport {
    /// The live root, canonical.
    pub root: Option<String>,
    /// The node the root belongs to.
    pub node: Option<String>,
    /// Every ini file of the plan, then a Swift store's glance-swift.conf.
    pub ini: Vec<IniReport>,
    /// The cluster.
    pub pacemaker: PacemakerReport,
    /// The catalog, if the plan has one.
    pub endpoints: Option<EndpointsReport>,
    /// Whole files and sections (HAProxy's, active/active's sysctl).
    #[serde(default)]
    pub files: Vec<FileReport>,
    /// What must restart to read the changed files.
    pub restarts: Vec<Restart>,
}

/// Hex sha256.
pub(crate) fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where a target path lives under `root`.
pub(crate) fn under_root(root: &Utf8Path, target: &str) -> Utf8PathBuf {
    root.join(target.trim_start_matches('/'))
}

/// Compares `plan` with the live state, without secrets: sensitive values
/// are checked for shape only and otherwise reported unknown.
pub fn diff(plan: &Plan, live: &LiveInputs) -> Result<DiffReport, DiffError> {
    diff_with_secrets(plan, live, &SecretValues::none())
}

/// The unified diff of two texts, with headers.
pub(crate) fn unified(old: &str, new: &str, old_name: &str, new_name: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(old_name, new_name)
        .to_string()
}

/// Like [`diff`], comparing sensitive values with `secrets` (id → value)
/// where supplied. Values are still never shown.
pub fn diff_with_secrets(
    plan: &Plan,
    live: &LiveInputs,
    secrets: &SecretValues,
) -> Result<DiffReport, DiffError> {
    let root = match &live.root {
        Some(r) => Some(canonical_root(r)?),
        None => None,
    };
    let live = &LiveInputs {
        root,
        ..live.clone()
    };
    let mut ini = plan
        .ini
        .iter()
        .map(|f| ini_report(plan, f, live, secrets))
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(conf) = swift_conf::of(plan) {
        ini.push(swift_report(plan, conf, live, secrets)?);
    }
    let pacemaker = pacemaker_report(plan, live, secrets)?;
    let endpoints = match &plan.catalog {
        None => None,
        Some(cat) => Some(endpoints_report(cat, live)?),
    };
    let files = match &plan.balancer {
        Some(b) => files::compare(plan, b, live)?,
        None => Vec::new(),
    };
    let restarts = impact::restarts(plan, &ini, &files, &pacemaker.impact);
    Ok(DiffReport {
        root: live.root.as_ref().map(|r| r.to_string()),
        node: live.node.clone(),
        ini,
        pacemaker,
        endpoints,
        files,
        restarts,
    })
}

/// The root as an absolute path without links: what a plan records.
fn canonical_root(root: &Utf8Path) -> Result<Utf8PathBuf, DiffError> {
    let io = |error| DiffError::Io {
        path: root.to_owned(),
        error,
    };
    let c = root.canonicalize().map_err(io)?;
    Utf8PathBuf::try_from(c).map_err(|e| io(std::io::Error::other(e.to_string())))
}

/// Whether an ini file holds a secret value once written: a secret is
/// spliced into one of its settings, or a key's name says it holds one.
pub(crate) fn holds_secret(f: &IniFile) -> bool {
    f.settings
        .iter()
        .any(|s| is_sensitive_name(&s.key) || s.values.iter().any(|v| !v.secret_ids().is_empty()))
}

/// Whether others (neither owner nor group) may read a file of this mode.
pub(crate) fn readable_by_others(mode: u32) -> bool {
    mode & 0o004 != 0
}

/// The comparison of one ini file.
fn ini_report(
    plan: &Plan,
    f: &IniFile,
    live: &LiveInputs,
    secrets: &SecretValues,
) -> Result<IniReport, DiffError> {
    let mut rep = IniReport {
        target: f.target.clone(),
        service: f.service.name().to_string(),
        node: f.node.clone(),
        compared: Compared::Yes,
        live_path: None,
        live_sha256: None,
        merged_sha256: None,
        changes: Vec::new(),
        unified_diff: String::new(),
        holds_secret: holds_secret(f),
        live_mode: None,
        exposed: false,
        notes: Vec::new(),
        stale: Vec::new(),
    };
    let Some(root) = &live.root else {
        rep.compared = Compared::No("no --root".into());
        return Ok(rep);
    };
    if let Some(n) = &f.node {
        if live.node.as_ref() != Some(n) {
            rep.compared = Compared::No(format!("per-node file of {n}; the root is not {n}'s"));
            return Ok(rep);
        }
    }
    let path = under_root(root, &f.target);
    let bytes = read::bytes_opt(&path)?;
    let text = match &bytes {
        None => None,
        Some(b) => Some(read::utf8(&path, b.clone())?),
    };
    if bytes.is_some() {
        live_mode(&mut rep, &path)?;
    }
    let m = ini::merge_live(text.as_deref(), f, plan.release, secrets);
    let digest_merge = ini::merge_live(text.as_deref(), f, plan.release, &SecretValues::none());
    rep.merged_sha256 = Some(sha256_hex(digest_merge.text().as_bytes()));
    rep.live_sha256 = bytes.as_deref().map(sha256_hex);
    let old_name = if text.is_some() {
        format!("a{}", f.target)
    } else {
        "/dev/null".into()
    };
    rep.unified_diff = unified(
        &m.live_display,
        &m.display(),
        &old_name,
        &format!("b{}", f.target),
    );
    rep.changes = m.changes;
    rep.stale = m.stale;
    rep.live_path = Some(path.to_string());
    if f.service == crate::plan::ServiceKind::GlanceApi {
        rep.notes
            .extend(store::local_store_note(plan, text.as_deref()));
    }
    Ok(rep)
}

/// Records the live file's mode and whether others can read its secrets.
fn live_mode(rep: &mut IniReport, path: &Utf8Path) -> Result<(), DiffError> {
    let mode = std::fs::metadata(path)
        .map_err(|error| DiffError::Io {
            path: path.to_owned(),
            error,
        })?
        .permissions()
        .mode()
        & 0o7777;
    rep.live_mode = Some(format!("{mode:04o}"));
    rep.exposed = rep.holds_secret && readable_by_others(mode);
    Ok(())
}

/// The comparison of glance-swift.conf (read by glance-api).
fn swift_report(
    plan: &Plan,
    conf: &crate::plan::SwiftConf,
    live: &LiveInputs,
    secrets: &SecretValues,
) -> Result<IniReport, DiffError> {
    let mut rep = IniReport {
        target: conf.target.clone(),
        service: crate::plan::ServiceKind::GlanceApi.name().to_string(),
        node: None,
        compared: Compared::Yes,
        live_path: None,
        live_sha256: None,
        merged_sha256: None,
        changes: Vec::new(),
        unified_diff: String::new(),
        holds_secret: swift_conf::holds_secret(conf),
        live_mode: None,
        exposed: false,
        notes: Vec::new(),
        stale: Vec::new(),
    };
    let Some(root) = &live.root else {
        rep.compared = Compared::No("no --root".into());
        return Ok(rep);
    };
    let path = under_root(root, &conf.target);
    let bytes = read::bytes_opt(&path)?;
    let text = match &bytes {
        None => None,
        Some(b) => Some(read::utf8(&path, b.clone())?),
    };
    if bytes.is_some() {
        live_mode(&mut rep, &path)?;
    }
    let merge = |s: &SecretValues| {
        swift_conf::merge(plan, conf, text.as_deref(), s).map_err(|(line, message)| {
            DiffError::ParseAt {
                path: path.clone(),
                line,
                message,
            }
        })
    };
    let m = merge(secrets)?;
    rep.merged_sha256 = Some(sha256_hex(merge(&SecretValues::none())?.text().as_bytes()));
    rep.live_sha256 = bytes.as_deref().map(sha256_hex);
    let old_name = if text.is_some() {
        format!("a{}", conf.target)
    } else {
        "/dev/null".into()
    };
    rep.unified_diff = unified(
        &m.live_display,
        &m.display(),
        &old_name,
        &format!("b{}", conf.target),
    );
    rep.changes = m.changes;
    rep.live_path = Some(path.to_string());
    Ok(rep)
}

/// The comparison of the cluster configuration, and its impact.
fn pacemaker_report(
    plan: &Plan,
    live: &LiveInputs,
    secrets: &SecretValues,
) -> Result<PacemakerReport, DiffError> {
    let Some(path) = &live.cib else {
        return Ok(PacemakerReport {
            compared: Compared::No("no --cib".into()),
            source: None,
            sha256: None,
            cib: None,
            changes: Vec::new(),
            impact: Impact::NotComputed {
                reason: "no --cib".into(),
            },
        });
    };
    let (text, sha) = read::text(path)?;
    let parse = |message| DiffError::Parse {
        path: path.clone(),
        message,
    };
    let xml = text.trim_start().starts_with('<');
    let cluster = if xml {
        cib::read(&text)
    } else {
        crm_show::read(&text)
    }
    .map_err(parse)?;
    let changes = pacemaker::compare(&plan.pacemaker, &cluster, secrets);
    let (version, impact) = if xml {
        let version = cib::version(&text).map_err(parse)?;
        let impact = impact::predict(
            plan,
            &text,
            &cluster,
            &changes,
            secrets,
            live.tools.as_ref(),
        );
        (Some(version), impact)
    } else if changes.iter().all(|c| c.kind == ChangeKind::Unknown) {
        (None, Impact::NoChange)
    } else {
        let reason = "the CIB is `crm configure show` text, without status; give `cibadmin -Q` XML";
        (
            None,
            Impact::NotComputed {
                reason: reason.into(),
            },
        )
    };
    Ok(PacemakerReport {
        compared: Compared::Yes,
        source: Some(path.to_string()),
        sha256: Some(sha),
        cib: version,
        changes,
        impact,
    })
}

/// The comparison of the catalog.
fn endpoints_report(
    cat: &crate::plan::Catalog,
    live: &LiveInputs,
) -> Result<EndpointsReport, DiffError> {
    let mut rep = EndpointsReport {
        compared: Compared::No("no --endpoints".into()),
        source: None,
        sha256: None,
        service_name: cat.service_name.clone(),
        service_type: cat.service_type.clone(),
        region: cat.region.clone(),
        changes: Vec::new(),
        digest: None,
        steps: Vec::new(),
    };
    if let Some(path) = &live.endpoints {
        let (text, sha) = read::text(path)?;
        let rows = endpoints::read(&text).map_err(|message| DiffError::Parse {
            path: path.clone(),
            message,
        })?;
        rep.compared = Compared::Yes;
        rep.source = Some(path.to_string());
        rep.sha256 = Some(sha);
        rep.digest = Some(endpoints::digest(cat, &rows));
        rep.steps =
            crate::plan::catalog::reconcile(cat, &rows, crate::plan::catalog::Policy::Reviewed);
        rep.changes = compare::endpoints(cat, &rep.steps, &rows);
    }
    Ok(rep)
}

fn is_change(k: ChangeKind) -> bool {
    k != ChangeKind::Unknown
}

impl DiffReport {
    /// Whether anything compared is known to differ (exit 1). Values not
    /// compared (sensitive, secret not supplied) are not changes.
    pub fn has_changes(&self) -> bool {
        self.ini
            .iter()
            .any(|f| f.changes.iter().any(|c| is_change(c.kind)))
            || self.pacemaker.changes.iter().any(|c| is_change(c.kind))
            || self.files.iter().any(|f| f.changed)
            || self
                .endpoints
                .as_ref()
                .is_some_and(|e| e.changes.iter().any(|c| c.kind != EndpointKind::Unchanged))
    }

    /// Whether some sensitive value was not compared (its secret was not
    /// available): "no changes" then means "none known".
    pub fn has_unknowns(&self) -> bool {
        self.ini
            .iter()
            .any(|f| f.changes.iter().any(|c| c.kind == ChangeKind::Unknown))
            || self
                .pacemaker
                .changes
                .iter()
                .any(|c| c.kind == ChangeKind::Unknown)
    }

    /// The report as text: a summary, then per ini file its changes and a
    /// unified diff, then crm and openstack commands. ANSI colour only when
    /// `color`.
    pub fn render(&self, color: bool) -> String {
        render::render(self, color)
    }

    /// The report as pretty JSON (no secret values: they are never in it).
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("a report serializes")
    }

    /// The changes as commands, for review (and for applying by hand):
    /// one `crm configure load update` batch, then the openstack calls.
    /// Secrets appear as placeholders. `apply` makes the same changes
    /// itself (the CIB through a patch, see [`apply()`]).
    pub fn commands(&self) -> Vec<Command> {
        let mut out = Vec::new();
        let defs: Vec<&str> = self
            .pacemaker
            .changes
            .iter()
            .filter_map(|c| c.command.as_deref())
            .collect();
        if !defs.is_empty() {
            let mut text = defs.join("\n");
            text.push('\n');
            out.push(Command::new(["crm", "configure", "load", "update", "-"]).with_stdin(text));
        }
        if let Some(e) = &self.endpoints {
            out.extend(e.changes.iter().filter_map(|c| c.command.clone()));
        }
        out
    }

    /// The plan to save for [`apply()`]: where it came from, digests of
    /// every live file read, the CIB's version, the changes, the predicted
    /// transition and the endpoint steps. No secret values.
    pub fn saved_plan(&self, origin: PlanOrigin) -> SavedPlan {
        let pacemaker = (self.pacemaker.compared == Compared::Yes).then(|| SavedPacemaker {
            source: self.pacemaker.source.clone().unwrap_or_default(),
            cib: self.pacemaker.cib.clone(),
            changes: self.pacemaker.changes.clone(),
            impact: self.pacemaker.impact.clone(),
        });
        let endpoints = self.endpoints.as_ref().and_then(|e| {
            Some(SavedEndpoints {
                source: e.source.clone()?,
                digest: e.digest.clone()?,
                service_name: e.service_name.clone(),
                service_type: e.service_type.clone(),
                region: e.region.clone(),
                steps: e.steps.clone(),
            })
        });
        SavedPlan {
            format: FORMAT,
            glha_version: env!("CARGO_PKG_VERSION").to_string(),
            origin,
            root: self.root.clone(),
            node: self.node.clone(),
            files: self
                .ini
                .iter()
                .filter(|f| f.compared == Compared::Yes)
                .map(|f| SavedFile {
                    target: f.target.clone(),
                    service: f.service.clone(),
                    node: f.node.clone(),
                    live_sha256: f.live_sha256.clone(),
                    merged_sha256: f.merged_sha256.clone().unwrap_or_default(),
                    changes: f.changes.clone(),
                })
                .collect(),
            whole: self
                .files
                .iter()
                .filter(|f| f.compared == Compared::Yes)
                .map(|f| SavedWhole {
                    target: f.target.clone(),
                    service: f.service.clone(),
                    what: f.what.clone(),
                    live_sha256: f.live_sha256.clone(),
                    merged_sha256: f.merged_sha256.clone().unwrap_or_default(),
                })
                .collect(),
            pacemaker,
            endpoints,
            restarts: self.restarts.clone(),
        }
    }
}
