//! The bundle: output files in memory, and their atomic write.

use camino::{Utf8Path, Utf8PathBuf};
use serde::Serialize;
use std::collections::BTreeMap;

/// One file of a bundle.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct BundleFile {
    /// The contents.
    #[serde(skip)]
    pub contents: String,
    /// Unix permission bits (0o644, 0o755 for scripts, 0o600 when it holds a secret).
    pub mode: u32,
    /// Where it goes on a host, for files that are installed (`/etc/glance/glance-api.conf`).
    pub target: Option<String>,
    /// Whether it holds a secret value (not a placeholder).
    pub sensitive: bool,
}

/// The bundle: relative path → file. A `BTreeMap` keeps every listing
/// sorted, so output is the same on every run.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bundle {
    /// The files.
    pub files: BTreeMap<Utf8PathBuf, BundleFile>,
}

impl Bundle {
    /// Adds a file.
    pub fn add(&mut self, path: impl Into<Utf8PathBuf>, file: BundleFile) {
        self.files.insert(path.into(), file);
    }
    /// The contents of a file, if present.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.files
            .get(Utf8Path::new(path))
            .map(|f| f.contents.as_str())
    }
}
