//! The saved plan: what `glhac diff --save-plan` writes and `glhac apply`
//! executes, format 2.
//!
//! It records where it came from ([`PlanOrigin`]: the spec's sha256 and
//! that of every file the compiler read, the release, the import
//! directories), the root it was computed against (canonical), every live
//! file's sha256 and the digest of its merge, the CIB's version
//! (`admin_epoch`, `epoch`, and a sha256 of its configuration section), the
//! Pacemaker changes and the predicted transition, the endpoint list's
//! digest and the reconciliation steps, and the restarts. No secret value:
//! merges are digested with placeholders.
//!
//! The file carries a `digest` of its own content (sha256 of the canonical
//! JSON of everything else), so a plan that was truncated or edited is
//! refused instead of applied; the digest is also the plan's identity in
//! apply's journal.

use super::impact::{Impact, Restart};
use super::{sha256_hex, ChangeKind, IniChange, PcmkChange};
use crate::plan::catalog::Step;
use crate::Compilation;
use camino::{Utf8Path, Utf8PathBuf};
use serde::{Deserialize, Serialize};

/// The format this glha writes and reads.
pub const FORMAT: u32 = 2;

/// Where a plan came from: enough to recompile the spec and to tell that
/// it is still the one reviewed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanOrigin {
    /// The spec's canonical path.
    pub spec: String,
    /// sha256 of the spec's text (as MANIFEST.json's `spec_sha256`).
    pub spec_sha256: String,
    /// sha256 over every file the compiler read (the spec, its imports and
    /// the stdlib modules), in reading order.
    pub sources_sha256: String,
    /// The release the plan is for.
    pub release: String,
    /// The import directories (`--lib`), canonical.
    pub lib: Vec<String>,
}

impl PlanOrigin {
    /// The origin of a compilation of `spec` for `release`, with imports
    /// from `lib`. Paths are made canonical, so a plan can be applied from
    /// another working directory.
    pub fn of(
        comp: &Compilation,
        spec: &Utf8Path,
        release: crate::Release,
        lib: &[Utf8PathBuf],
    ) -> std::io::Result<PlanOrigin> {
        let canonical = |p: &Utf8Path| -> std::io::Result<String> {
            Ok(Utf8PathBuf::try_from(p.canonicalize()?)
                .map_err(|e| std::io::Error::new(std::io::ErrorKind::InvalidData, e))?
                .to_string())
        };
        let mut all = Vec::new();
        let mut spec_text = "";
        for (i, (_, f)) in comp.sources.files().enumerate() {
            if i == 0 {
                spec_text = &f.text;
            }
            all.extend((f.text.len() as u64).to_le_bytes());
            all.extend(f.text.as_bytes());
        }
        Ok(PlanOrigin {
            spec: canonical(spec)?,
            spec_sha256: sha256_hex(spec_text.as_bytes()),
            sources_sha256: sha256_hex(&all),
            release: release.name().to_string(),
            lib: lib.iter().map(|l| canonical(l)).collect::<Result<_, _>>()?,
        })
    }
}

/// One ini file in a saved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedFile {
    /// Path on the target host.
    pub target: String,
    /// The service that reads it (`glance-api`, `nova`, `cinder`).
    pub service: String,
    /// Its node, for a per-node file.
    pub node: Option<String>,
    /// sha256 of the live file when the plan was saved; `None`: absent.
    pub live_sha256: Option<String>,
    /// sha256 of the merge with secrets as placeholders.
    pub merged_sha256: String,
    /// The settings that change (values masked where sensitive).
    pub changes: Vec<IniChange>,
}

/// A file or section glha owns whole, in a saved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedWhole {
    /// Path on the target host.
    pub target: String,
    /// The service (`haproxy`, `sysctl`).
    pub service: String,
    /// What of it glha owns.
    pub what: String,
    /// sha256 of the live file when the plan was saved; `None`: absent.
    pub live_sha256: Option<String>,
    /// sha256 of the file as apply writes it.
    pub merged_sha256: String,
}

/// A CIB's configuration version: what changes whenever anyone changes
/// the configuration. `num_updates` is left out on purpose: it counts
/// status updates, which a running cluster makes all the time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CibVersion {
    /// `admin_epoch` of the `<cib>` element.
    pub admin_epoch: u64,
    /// `epoch` of the `<cib>` element.
    pub epoch: u64,
    /// sha256 of the `<configuration>` section, as glha writes XML.
    pub configuration_sha256: String,
}

impl std::fmt::Display for CibVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "admin_epoch {}, epoch {}, configuration sha256 {}",
            self.admin_epoch,
            self.epoch,
            &self.configuration_sha256[..12.min(self.configuration_sha256.len())]
        )
    }
}

/// The Pacemaker part of a saved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPacemaker {
    /// The file diff read.
    pub source: String,
    /// Its version; `None` when it was `crm configure show` text (which
    /// has none: such a plan cannot be applied to the CIB).
    pub cib: Option<CibVersion>,
    /// The objects that change, with their crm definitions (secrets as
    /// placeholders).
    pub changes: Vec<PcmkChange>,
    /// The predicted transition.
    pub impact: Impact,
}

impl SavedPacemaker {
    /// Whether anything is known to change.
    pub fn has_changes(&self) -> bool {
        self.changes.iter().any(|c| c.kind != ChangeKind::Unknown)
    }
}

/// The catalog part of a saved plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedEndpoints {
    /// The file diff read.
    pub source: String,
    /// Digest of the image service's live endpoints (sha256 of their
    /// canonical JSON, sorted by id; other services' endpoints do not count).
    pub digest: String,
    /// Service name (`glance`).
    pub service_name: String,
    /// Service type (`image`).
    pub service_type: String,
    /// Region.
    pub region: String,
    /// The reconciliation, step by step: apply runs each step's call.
    pub steps: Vec<Step>,
}

/// A reviewed plan, as saved for `glhac apply`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SavedPlan {
    /// Format version ([`FORMAT`]).
    pub format: u32,
    /// The glha version that wrote it.
    pub glha_version: String,
    /// The spec and release.
    pub origin: PlanOrigin,
    /// The root it was computed against, canonical.
    pub root: Option<String>,
    /// The node the root belongs to (per-node files).
    pub node: Option<String>,
    /// The ini files compared.
    pub files: Vec<SavedFile>,
    /// Whole files and sections (HAProxy's, active/active's sysctl).
    pub whole: Vec<SavedWhole>,
    /// The cluster, if a CIB was compared.
    pub pacemaker: Option<SavedPacemaker>,
    /// The catalog, if an endpoint list was compared.
    pub endpoints: Option<SavedEndpoints>,
    /// What must restart to read the changed files.
    pub restarts: Vec<Restart>,
}

/// Why a file is not a plan apply can use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// Not JSON (truncated, or another file).
    NotJson(String),
    /// JSON, but not a glha plan.
    NotAPlan(String),
    /// A format this glha does not read.
    Format(Option<u64>),
    /// The content does not match its digest.
    Edited,
}

impl std::fmt::Display for PlanError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            PlanError::NotJson(e) => write!(f, "not a glha plan: it is truncated or not JSON ({e})"),
            PlanError::NotAPlan(e) => write!(f, "not a glha plan: {e}"),
            PlanError::Format(Some(n)) => write!(
                f,
                "a plan of format {n}, which this glhac does not read (it reads format {FORMAT}); run `glhac diff --save-plan` again"
            ),
            PlanError::Format(None) => write!(f, "not a glha plan: it has no format number"),
            PlanError::Edited => write!(
                f,
                "the plan's content does not match its digest: it was edited or damaged after diff saved it; run `glhac diff --save-plan` again"
            ),
        }
    }
}

impl std::error::Error for PlanError {}

/// The digest of a plan's JSON value (without its `digest` member).
fn digest_of(value: &serde_json::Value) -> String {
    // serde_json's maps are sorted: this text is canonical.
    sha256_hex(value.to_string().as_bytes())
}

impl SavedPlan {
    fn value(&self) -> serde_json::Value {
        serde_json::to_value(self).expect("a saved plan serializes")
    }

    /// The plan's identity: the digest its file carries.
    pub fn digest(&self) -> String {
        digest_of(&self.value())
    }

    /// As pretty JSON, with its digest.
    pub fn to_json(&self) -> String {
        let mut v = self.value();
        let d = digest_of(&v);
        v.as_object_mut()
            .expect("a saved plan is an object")
            .insert("digest".into(), d.into());
        serde_json::to_string_pretty(&v).expect("JSON serializes") + "\n"
    }

    /// Reads a plan, refusing one that is truncated, edited, of another
    /// format, or not a plan.
    pub fn from_json(text: &str) -> Result<Self, PlanError> {
        let mut v: serde_json::Value =
            serde_json::from_str(text).map_err(|e| PlanError::NotJson(e.to_string()))?;
        let obj = v
            .as_object_mut()
            .ok_or_else(|| PlanError::NotAPlan("it is not a JSON object".into()))?;
        match obj.get("format").map(serde_json::Value::as_u64) {
            None | Some(None) => return Err(PlanError::Format(None)),
            Some(Some(n)) if n != u64::from(FORMAT) => return Err(PlanError::Format(Some(n))),
            Some(Some(_)) => {}
        }
        let Some(serde_json::Value::String(recorded)) = obj.remove("digest") else {
            return Err(PlanError::Edited);
        };
        if digest_of(&v) != recorded {
            return Err(PlanError::Edited);
        }
        serde_json::from_value(v).map_err(|e| PlanError::NotAPlan(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan() -> SavedPlan {
        SavedPlan {
            format: FORMAT,
            glha_version: "0.1.0".into(),
            origin: PlanOrigin {
                spec: "/s.glha".into(),
                spec_sha256: "a".into(),
                sources_sha256: "b".into(),
                release: "ocata".into(),
                lib: vec![],
            },
            root: Some("/".into()),
            node: None,
            files: vec![],
            whole: vec![],
            pacemaker: None,
            endpoints: None,
            restarts: vec![],
        }
    }

    #[test]
    fn round_trips_and_refuses_damage() {
        let p = plan();
        let text = p.to_json();
        assert_eq!(SavedPlan::from_json(&text).unwrap(), p);
        let truncated = SavedPlan::from_json(&text[..text.len() / 2]).unwrap_err();
        assert!(matches!(truncated, PlanError::NotJson(_)), "{truncated:?}");
        assert!(truncated
            .to_string()
            .starts_with("not a glha plan: it is truncated or not JSON (EOF while parsing"));
        let edited = text.replace("\"root\": \"/\"", "\"root\": \"/srv\"");
        assert_ne!(edited, text);
        assert_eq!(SavedPlan::from_json(&edited), Err(PlanError::Edited));
        let v3 = text.replace("\"format\": 2", "\"format\": 3");
        assert_eq!(SavedPlan::from_json(&v3), Err(PlanError::Format(Some(3))));
        assert!(SavedPlan::from_json("[]")
            .unwrap_err()
            .to_string()
            .contains("not a JSON object"));
        // Spacing is not content.
        let compact =
            serde_json::to_string(&serde_json::from_str::<serde_json::Value>(&text).unwrap())
                .unwrap();
        assert_eq!(SavedPlan::from_json(&compact).unwrap(), p);
    }
}
