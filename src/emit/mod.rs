//! Phase 5, emit: render a [`Plan`] into a [`Bundle`].

use crate::bundle::Bundle;
use crate::plan::Plan;
use std::collections::BTreeMap;

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

/// How secrets appear in the bundle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum SecretMode {
    /// A placeholder `<<glha-secret:ID>>`; MANIFEST.json lists what to supply.
    #[default]
    Placeholder,
    /// The real values, by secret id (files holding them get mode 0600).
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

/// Renders a plan.
pub fn emit(plan: &Plan, opts: &EmitOptions, spec_digest: &str) -> Bundle {
    let _ = (plan, opts, spec_digest);
    Bundle::default()
}
