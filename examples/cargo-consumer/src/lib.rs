//! An example of glha's two Cargo integrations, on one spec:
//!
//! - `build.rs` compiles `specs/lab.glha` with `glha::build` and writes the
//!   bundle under `$OUT_DIR/lab/`;
//! - [`LAB`] is the same spec compiled by `include_spec!` and embedded in
//!   the binary.

use glha::EmbeddedBundle;

/// The lab spec's bundle, embedded at compile time. The path is relative
/// to this file, as with `include_str!`.
pub static LAB: EmbeddedBundle = glha_macros::include_spec!("../specs/lab.glha");

/// Where build.rs wrote the bundle of the same spec.
pub const LAB_BUNDLE_DIR: &str = env!("GLHA_LAB_BUNDLE");

/// The spec digest build.rs saw.
pub const LAB_DIGEST_AT_BUILD: &str = env!("GLHA_LAB_DIGEST");

/// One line per file of the embedded bundle: mode, path, target.
pub fn summary(bundle: &EmbeddedBundle) -> String {
    let mut out = format!(
        "spec {} (release {}, sha256 {})\n",
        bundle.spec, bundle.release, bundle.digest
    );
    for f in bundle.files {
        out.push_str(&format!(
            "{:o} {} {}\n",
            f.mode,
            f.path,
            f.target.unwrap_or("-")
        ));
    }
    out
}
