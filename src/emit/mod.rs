//! Phase 5, emit: render a [`Plan`] into a [`Bundle`].
//!
//! One module per output language, each owning its quoting rules and the
//! `*_unrepresentable` function the checker calls to reject, at the spec's
//! span, a value that language cannot carry safely:
//!
//! - [`crm`]: `pacemaker/glance-api.crm` (crmsh batch input);
//! - [`pcs`]: `pacemaker/glance-api.pcs.sh` (pcs commands), quoted by [`shell`];
//! - [`cib`]: the same objects as CIB XML (not a bundle file: a library
//!   function, and the candidate CIB for simulation);
//! - [`ini`]: `files/<target>` (oslo.config ini settings);
//! - [`endpoints`]: `keystone/endpoints.sh` (idempotent catalog script);
//! - [`haproxy`], [`sysctl`]: active/active's HAProxy section and the
//!   `ip_nonlocal_bind` setting (`files/<target>`);
//! - [`swift_conf`]: `files/etc/glance/glance-swift.conf` (a swift store's
//!   credentials, for Python's configparser);
//! - [`apply`]: `APPLY.md`; [`manifest`]: `MANIFEST.json` (written last).
//!
//! Secrets: every [`Value`] is rendered through [`Secrets`], which writes a
//! placeholder or a real value and records, per file, which secrets it
//! holds and whether it holds a real one (the file is then mode 0600).

pub mod apply;
pub mod cib;
pub mod crm;
pub mod endpoints;
pub mod haproxy;
pub mod ini;
pub mod manifest;
pub mod pcs;
pub mod shell;
pub mod swift_conf;
pub mod sysctl;
mod template;

pub use crm::crm_unrepresentable;
pub use ini::ini_unrepresentable;
pub use shell::shell_unrepresentable;

use crate::bundle::{Bundle, BundleFile};
use crate::plan::{Plan, Value};
use crate::secret::{SecretError, SecretValues};
use std::collections::{BTreeMap, BTreeSet};

/// Which Pacemaker front end to write commands for.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Backend {
    /// crmsh only.
    Crm,
    /// pcs only.
    Pcs,
    /// Both (the default).
    #[default]
    Both,
}

impl Backend {
    /// Whether the crm script is written.
    pub fn crm(self) -> bool {
        matches!(self, Backend::Crm | Backend::Both)
    }
    /// Whether the pcs script is written.
    pub fn pcs(self) -> bool {
        matches!(self, Backend::Pcs | Backend::Both)
    }
}

/// How secrets appear in the bundle. Secrets written in the spec itself
/// (literals, warned about) are always written as they are.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SecretMode {
    /// A placeholder `<<glha-secret:ID>>`; MANIFEST.json lists what to supply.
    #[default]
    Placeholder,
    /// Read every secret from its source (env variable, file) now and write
    /// the values; files holding one get mode 0600.
    Resolve,
    /// Write these values, by secret id (others stay placeholders).
    Embed(BTreeMap<String, String>),
}

/// Emitter settings.
#[derive(Debug, Clone, Default)]
pub struct EmitOptions {
    /// crm, pcs or both.
    pub backend: Backend,
    /// Placeholders or values.
    pub secrets: SecretMode,
}

/// The sha256 of the spec text, hex, for MANIFEST.json.
pub fn digest(bytes: &[u8]) -> String {
    use sha2::Digest;
    let d = sha2::Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Bundle path of the crm script.
pub const CRM_PATH: &str = "pacemaker/glance-api.crm";
/// Bundle path of the pcs script.
pub const PCS_PATH: &str = "pacemaker/glance-api.pcs.sh";
/// Bundle path of the Keystone endpoint script.
pub const ENDPOINTS_PATH: &str = "keystone/endpoints.sh";
/// Bundle path of the operator's instructions.
pub const APPLY_PATH: &str = "APPLY.md";
/// Bundle path of the manifest.
pub const MANIFEST_PATH: &str = "MANIFEST.json";

/// What rendering values into one file recorded.
#[derive(Debug, Default, Clone)]
pub(crate) struct FileSecrets {
    /// Ids of the secrets the file holds (as value or placeholder).
    pub ids: BTreeSet<String>,
    /// Ids written as placeholders.
    pub placeholders: BTreeSet<String>,
    /// Whether a real secret value was written.
    pub sensitive: bool,
}

/// Renders [`Value`]s with the secret values the bundle may hold.
pub(crate) struct Secrets<'a> {
    values: &'a SecretValues,
}

impl<'a> Secrets<'a> {
    pub(crate) fn new(values: &'a SecretValues) -> Self {
        Secrets { values }
    }

    /// The unquoted text of a value; records what it holds in `acc`.
    pub(crate) fn render(&self, v: &Value, acc: &mut FileSecrets) -> String {
        let r = v.render(self.values);
        acc.sensitive |= !r.filled.is_empty();
        acc.ids.extend(r.filled);
        acc.ids.extend(r.missing.iter().cloned());
        acc.placeholders.extend(r.missing);
        r.text
    }
}

/// The secret values a bundle written in `mode` holds: the spec's literals,
/// plus the values read or supplied.
pub fn secret_values(plan: &Plan, mode: &SecretMode) -> Result<SecretValues, Vec<SecretError>> {
    let mut values = SecretValues::literals(&plan.secrets);
    match mode {
        SecretMode::Placeholder => {}
        SecretMode::Resolve => values.extend(SecretValues::resolve(&plan.secrets)?),
        SecretMode::Embed(map) => values.extend(SecretValues::from_map(map.clone())),
    }
    Ok(values)
}

/// A rendered file before it is added to the bundle.
pub(crate) struct Out {
    pub path: String,
    pub contents: String,
    pub script: bool,
    pub target: Option<String>,
    pub secrets: FileSecrets,
}

impl Out {
    fn into_file(self) -> (String, BundleFile, FileSecrets) {
        let mode = if self.secrets.sensitive {
            0o600
        } else if self.script {
            0o755
        } else {
            0o644
        };
        let file = BundleFile {
            contents: self.contents,
            mode,
            target: self.target,
            sensitive: self.secrets.sensitive,
        };
        (self.path, file, self.secrets)
    }
}

/// The first line of every generated file's header.
pub(crate) fn generated_by(plan: &Plan) -> String {
    format!(
        "Generated by glha {} for OpenStack {}. Do not edit: change the spec and rebuild.",
        env!("CARGO_PKG_VERSION"),
        plan.release
    )
}

/// Splits free text into comment lines safe for `#` comments in crm, sh and
/// ini: one output line per input line, control characters dropped, no line
/// ending in a backslash (crmsh would join the next line to it).
pub(crate) fn comment_lines(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| {
            let mut s: String = l
                .chars()
                .map(|c| if c == '\t' { ' ' } else { c })
                .filter(|c| !c.is_control())
                .collect();
            while s.ends_with(' ') {
                s.pop();
            }
            if s.ends_with('\\') {
                s.push_str(" .");
            }
            s
        })
        .collect()
}

/// Appends `# line` for each line of `text` (a bare `#` for an empty one).
pub(crate) fn push_comment(out: &mut String, text: &str) {
    let lines = comment_lines(text);
    if lines.is_empty() {
        out.push_str("#\n");
    }
    for l in lines {
        if l.is_empty() {
            out.push_str("#\n");
        } else {
            out.push_str("# ");
            out.push_str(&l);
            out.push('\n');
        }
    }
}

/// Renders a plan. Fails, naming each secret by id (never by value), when
/// a secret cannot be read or holds a character that a file it goes into
/// cannot carry.
pub fn emit(
    plan: &Plan,
    opts: &EmitOptions,
    spec_digest: &str,
) -> Result<Bundle, Vec<SecretError>> {
    let values = secret_values(plan, &opts.secrets)?;
    let problems = crate::secret::check_values(plan, &values);
    if !problems.is_empty() {
        return Err(problems);
    }
    let secrets = Secrets::new(&values);
    let mut outs: Vec<Out> = Vec::new();
    if opts.backend.crm() {
        outs.push(crm::render(plan, &secrets));
    }
    if opts.backend.pcs() {
        outs.push(pcs::render(plan, &secrets));
    }
    for f in &plan.ini {
        outs.push(ini::render(plan, f, &secrets));
    }
    if let Some(conf) = plan.store.as_ref().and_then(|s| s.setup()?.swift.as_ref()) {
        outs.push(swift_conf::render(plan, conf, &secrets));
    }
    if let Some(b) = &plan.balancer {
        outs.push(sysctl::render(plan, b));
        outs.push(haproxy::render(plan, b));
    }
    if let Some(cat) = &plan.catalog {
        outs.push(endpoints::render(plan, cat));
    }
    let apply = apply::render(plan, opts, &outs);
    outs.push(apply);

    let mut bundle = Bundle::default();
    let mut per_file = BTreeMap::new();
    for o in outs {
        let (path, file, s) = o.into_file();
        per_file.insert(path.clone(), s);
        bundle.add(path, file);
    }
    let manifest = manifest::render(plan, spec_digest, &bundle, &per_file);
    bundle.add(
        MANIFEST_PATH,
        BundleFile {
            contents: manifest,
            mode: 0o644,
            target: None,
            sensitive: false,
        },
    );
    Ok(bundle)
}

#[cfg(test)]
pub(crate) mod testplan;

#[cfg(test)]
mod tests;

#[cfg(test)]
mod tests_tools;
