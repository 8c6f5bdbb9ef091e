//! `MANIFEST.json`: what the bundle is and holds. Pretty JSON, keys in a
//! fixed order, a trailing newline; it lists every file but itself.
//!
//! ```json
//! {
//!   "glha_version": "0.1.0",
//!   "release": "ocata",
//!   "spec_sha256": "…",
//!   "secrets": [{ "id": "db.password", "from": "env", "name": "GLANCE_DB_PASSWORD",
//!                 "placeholder": "<<glha-secret:db.password>>", "files": ["files/etc/glance/glance-api.conf"] }],
//!   "files": [{ "path": "APPLY.md", "sha256": "…", "mode": "0644", "target": null, "sensitive": false }]
//! }
//! ```
//!
//! `name` is absent for a literal secret; `placeholder` is null when no file
//! holds the placeholder (literal or embedded secrets).

use super::{digest, FileSecrets};
use crate::bundle::Bundle;
use crate::plan::{Plan, SecretSource};
use crate::secret::placeholder;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct Manifest<'a> {
    glha_version: &'static str,
    release: String,
    spec_sha256: &'a str,
    secrets: Vec<SecretEntry>,
    files: Vec<FileEntry>,
}

#[derive(Serialize)]
struct SecretEntry {
    id: String,
    from: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    placeholder: Option<String>,
    files: Vec<String>,
}

#[derive(Serialize)]
struct FileEntry {
    path: String,
    sha256: String,
    mode: String,
    target: Option<String>,
    sensitive: bool,
}

/// Renders the manifest of `bundle` (which must not hold it yet).
pub(crate) fn render(
    plan: &Plan,
    spec_digest: &str,
    bundle: &Bundle,
    per_file: &BTreeMap<String, FileSecrets>,
) -> String {
    let mut secrets: Vec<SecretEntry> = plan
        .secrets
        .iter()
        .map(|s| {
            let (from, name) = match &s.source {
                SecretSource::Env(n) => ("env", Some(n.clone())),
                SecretSource::File(p) => ("file", Some(p.clone())),
                SecretSource::Literal(_) => ("literal", None),
            };
            let files = per_file
                .iter()
                .filter(|(_, f)| f.ids.contains(&s.id))
                .map(|(p, _)| p.clone())
                .collect();
            let placeholder = per_file
                .values()
                .any(|f| f.placeholders.contains(&s.id))
                .then(|| placeholder(&s.id));
            SecretEntry {
                id: s.id.clone(),
                from,
                name,
                placeholder,
                files,
            }
        })
        .collect();
    secrets.sort_by(|a, b| a.id.cmp(&b.id));
    secrets.dedup_by(|a, b| a.id == b.id);
    let files = bundle
        .files
        .iter()
        .map(|(p, f)| FileEntry {
            path: p.to_string(),
            sha256: digest(f.contents.as_bytes()),
            mode: format!("{:04o}", f.mode),
            target: f.target.clone(),
            sensitive: f.sensitive,
        })
        .collect();
    let m = Manifest {
        glha_version: env!("CARGO_PKG_VERSION"),
        release: plan.release.to_string(),
        spec_sha256: spec_digest,
        secrets,
        files,
    };
    let mut s = serde_json::to_string_pretty(&m).expect("the manifest serializes");
    s.push('\n');
    s
}
