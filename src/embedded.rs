//! A bundle compiled into a Rust program by `glha_macros::include_spec!`.
//!
//! Everything is `'static`, so the macro's expansion can be the initializer
//! of a `static` or `const`.

/// One file of an [`EmbeddedBundle`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedFile {
    /// Path inside the bundle (`pacemaker/glance-api.crm`).
    pub path: &'static str,
    /// The contents.
    pub contents: &'static str,
    /// Unix permission bits the file is written with.
    pub mode: u32,
    /// Where it goes on a host, for installed files.
    pub target: Option<&'static str>,
    /// Whether it holds a secret value (never, with the macro: secrets are
    /// placeholders).
    pub sensitive: bool,
}

/// A compiled spec, embedded at compile time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EmbeddedBundle {
    /// The spec as the macro was given it (relative to the invoking file).
    pub spec: &'static str,
    /// The OpenStack release the bundle is for (`2024.1`).
    pub release: &'static str,
    /// The sha256 of the spec's text, hex (as in `MANIFEST.json`).
    pub digest: &'static str,
    /// The version of glha that compiled it.
    pub glha_version: &'static str,
    /// The files, sorted by path.
    pub files: &'static [EmbeddedFile],
    /// The spec's warnings, one line each (`file:line:col: warning[CODE]: message`);
    /// a proc macro cannot emit warnings on stable Rust.
    pub warnings: &'static [&'static str],
}

impl EmbeddedBundle {
    /// The contents of the file at `path`, if the bundle has one.
    pub fn get(&self, path: &str) -> Option<&'static str> {
        self.file(path).map(|f| f.contents)
    }

    /// The file at `path`, if the bundle has one.
    pub fn file(&self, path: &str) -> Option<&'static EmbeddedFile> {
        self.files.iter().find(|f| f.path == path)
    }

    /// Every path, sorted.
    pub fn paths(&self) -> impl Iterator<Item = &'static str> {
        self.files.iter().map(|f| f.path)
    }
}

/// The version of glha that compiles specs for `include_spec!`, recorded in
/// [`EmbeddedBundle::glha_version`].
pub const COMPILER_VERSION: &str = env!("CARGO_PKG_VERSION");
