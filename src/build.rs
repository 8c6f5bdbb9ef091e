//! Compile specs from a Cargo build script (`build.rs`), in the manner of
//! prost-build and tonic-build.
//!
//! ```no_run
//! // build.rs
//! fn main() -> Result<(), glha::build::Error> {
//!     glha::build::compile_specs(&["specs/lab.glha"])?;
//!     Ok(())
//! }
//! ```
//!
//! Each spec's bundle is written to `$OUT_DIR/STEM/` (`STEM` is the spec's
//! file name without `.glha`). For every file the compiler read (the spec
//! and its imports) `cargo:rerun-if-changed` is printed, so editing any of
//! them reruns the build script. Diagnostics are rendered to stderr, which
//! Cargo shows when the build script fails; warnings are also passed on as
//! `cargo:warning` lines. A spec with errors makes [`Config::compile`]
//! return an [`Error`] whose message starts with the first error's
//! `file:line:col`.
//!
//! Secret values never enter the bundle: it holds placeholders, and its
//! `MANIFEST.json` lists what must be supplied at apply time.
//!
//! This module needs none of the CLI's dependencies: depend on glha with
//! `default-features = false` in `[build-dependencies]`.

use crate::bundle::Bundle;
use crate::diagnostic::{self, Diagnostic, Diagnostics, Severity};
use crate::source::SourceMap;
use crate::{Backend, EmitOptions, Options, Release, SearchPath, SecretMode};
use camino::{Utf8Path, Utf8PathBuf};
use std::fmt;
use std::path::Path;

/// How to compile specs from a build script. Build it with [`Config::new`]
/// and the setters, then call [`Config::compile`].
///
/// ```no_run
/// # fn main() -> Result<(), glha::build::Error> {
/// let compiled = glha::build::Config::new()
///     .release(glha::Release::R2024_1) // override the spec's release
///     .backend(glha::Backend::Crm) // crm, pcs or both (default)
///     .search_path("glha-modules") // where `import "NAME"` also looks
///     .out_dir("bundles") // default: $OUT_DIR
///     .compile(&["specs/lab.glha", "specs/prod.glha"])?;
/// println!("cargo:rustc-env=LAB_BUNDLE={}", compiled[0].dir);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct Config {
    release: Option<Release>,
    backend: Backend,
    out_dir: Option<Utf8PathBuf>,
    search: Vec<Utf8PathBuf>,
    cargo_output: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            release: None,
            backend: Backend::Both,
            out_dir: None,
            search: Vec::new(),
            cargo_output: true,
        }
    }
}

/// What [`Config::compile`] produced for one spec.
#[derive(Debug, Clone)]
pub struct CompiledSpec {
    /// The spec, as passed in.
    pub spec: Utf8PathBuf,
    /// The directory its bundle was written to.
    pub dir: Utf8PathBuf,
    /// The OpenStack release the bundle is for.
    pub release: Release,
    /// The sha256 of the spec's text, hex (as in `MANIFEST.json`).
    pub digest: String,
    /// The bundle that was written.
    pub bundle: Bundle,
    /// Every file the compiler read from disk (the spec and its imports).
    pub inputs: Vec<Utf8PathBuf>,
    /// The warnings, one line each (`file:line:col: warning[CODE]: message`).
    pub warnings: Vec<String>,
}

impl Config {
    /// The defaults: the spec's own release, both Pacemaker back ends,
    /// bundles under `$OUT_DIR`, only the embedded stdlib for imports.
    pub fn new() -> Self {
        Self::default()
    }

    /// Overrides the release every spec names.
    pub fn release(&mut self, release: Release) -> &mut Self {
        self.release = Some(release);
        self
    }

    /// Which Pacemaker front end to write commands for (default: both).
    pub fn backend(&mut self, backend: Backend) -> &mut Self {
        self.backend = backend;
        self
    }

    /// Writes bundles under `dir` instead of `$OUT_DIR`.
    pub fn out_dir(&mut self, dir: impl Into<Utf8PathBuf>) -> &mut Self {
        self.out_dir = Some(dir.into());
        self
    }

    /// Adds a directory where `import "NAME"` looks for `NAME.glha`, after
    /// the embedded stdlib. May be called more than once.
    pub fn search_path(&mut self, dir: impl Into<Utf8PathBuf>) -> &mut Self {
        self.search.push(dir.into());
        self
    }

    /// Whether to print `cargo:rerun-if-changed` and `cargo:warning` lines
    /// on stdout (default: yes). Turn off when not in a build script.
    pub fn cargo_output(&mut self, on: bool) -> &mut Self {
        self.cargo_output = on;
        self
    }

    /// Compiles each spec and writes its bundle to `OUT/STEM/`. Every spec
    /// is compiled, and every diagnostic rendered, before an error is
    /// returned; no bundle is written unless every spec is free of errors.
    pub fn compile(&self, specs: &[impl AsRef<Path>]) -> Result<Vec<CompiledSpec>, Error> {
        let out = match &self.out_dir {
            Some(d) => d.clone(),
            None => {
                let d = std::env::var_os("OUT_DIR").ok_or(Error::NoOutDir)?;
                Utf8PathBuf::from_path_buf(d.into()).map_err(Error::NonUtf8Path)?
            }
        };
        let opts = Options {
            release: self.release,
            search: SearchPath(self.search.clone()),
            emit: EmitOptions {
                backend: self.backend,
                secrets: SecretMode::Placeholder,
            },
        };

        let mut stems: Vec<(String, Utf8PathBuf)> = Vec::new();
        let mut done = Vec::new();
        let mut first_error: Option<Error> = None;
        let mut errors = 0;
        for spec in specs {
            let spec = Utf8Path::from_path(spec.as_ref())
                .ok_or_else(|| Error::NonUtf8Path(spec.as_ref().to_path_buf()))?
                .to_path_buf();
            let stem = spec.file_stem().unwrap_or("spec").to_string();
            if let Some((_, other)) = stems.iter().find(|(s, _)| *s == stem) {
                return Err(Error::SameStem {
                    first: other.clone(),
                    second: spec,
                });
            }
            stems.push((stem.clone(), spec.clone()));
            if self.cargo_output {
                // Printed before reading, so a missing spec reruns once it appears.
                println!("cargo:rerun-if-changed={spec}");
            }
            let comp = crate::compile_file(&spec, &opts).map_err(|source| Error::Io {
                path: spec.clone(),
                source,
            })?;
            let inputs = read_from_disk(&comp.sources);
            if self.cargo_output {
                for f in inputs.iter().filter(|f| **f != spec) {
                    println!("cargo:rerun-if-changed={f}");
                }
            }
            let rendered = diagnostic::render(&comp.diagnostics, &comp.sources, false);
            let warnings = one_lines(&comp.diagnostics, &comp.sources, Severity::Warning);
            if comp.diagnostics.has_errors() {
                eprint!("{rendered}");
                let (n, _) = comp.diagnostics.counts();
                errors += n;
                if first_error.is_none() {
                    first_error = Some(Error::spec(&spec, &comp.diagnostics, &comp.sources));
                }
                continue;
            }
            if !rendered.is_empty() {
                eprint!("{rendered}");
            }
            if self.cargo_output {
                for w in &warnings {
                    println!("cargo:warning={w}");
                }
            }
            let (Some(plan), Some(bundle)) = (comp.plan, comp.bundle) else {
                // No error yet no bundle: only if a phase forgot a diagnostic.
                return Err(Error::NoBundle { spec });
            };
            let root = comp.sources.files().next().map(|(_, f)| f.text.as_bytes());
            done.push(CompiledSpec {
                dir: out.join(&stem),
                release: plan.release,
                digest: crate::emit::digest(root.unwrap_or_default()),
                bundle,
                inputs,
                warnings,
                spec,
            });
        }
        if let Some(mut e) = first_error {
            if let Error::Spec { errors: n, .. } = &mut e {
                *n = errors;
            }
            return Err(e);
        }
        for c in &done {
            // Atomic: a failed or killed build leaves the previous bundle.
            std::fs::create_dir_all(&out)
                .and_then(|()| c.bundle.write_to(&c.dir))
                .map_err(|source| Error::Io {
                    path: c.dir.clone(),
                    source,
                })?;
        }
        Ok(done)
    }
}

/// Compiles `specs` with the default [`Config`]: bundles under
/// `$OUT_DIR/STEM/`, the release each spec names, both back ends.
pub fn compile_specs(specs: &[impl AsRef<Path>]) -> Result<Vec<CompiledSpec>, Error> {
    Config::new().compile(specs)
}

/// Why compiling specs from a build script failed.
///
/// `Debug` shows the same text as `Display`, so a build script's
/// `fn main() -> Result<(), glha::build::Error>` prints a readable message.
#[non_exhaustive]
pub enum Error {
    /// A spec has errors; all of them were rendered to stderr.
    Spec {
        /// The spec whose error is shown.
        spec: Utf8PathBuf,
        /// `file:line:col` of its first error, if it has a place.
        location: Option<String>,
        /// The first error's code (`E0004`).
        code: &'static str,
        /// The first error's message.
        message: String,
        /// How many errors all the specs have together.
        errors: usize,
    },
    /// A spec, or the output directory, could not be read or written.
    Io {
        /// The file or directory.
        path: Utf8PathBuf,
        /// What went wrong.
        source: std::io::Error,
    },
    /// Neither [`Config::out_dir`] nor `$OUT_DIR` is set (not in a build script?).
    NoOutDir,
    /// A path is not valid UTF-8.
    NonUtf8Path(std::path::PathBuf),
    /// Two specs have the same file stem, so their bundles would share a directory.
    SameStem {
        /// The first spec.
        first: Utf8PathBuf,
        /// The one that clashes with it.
        second: Utf8PathBuf,
    },
    /// The compiler reported no error but produced no bundle (a glha bug).
    NoBundle {
        /// The spec.
        spec: Utf8PathBuf,
    },
}

impl Error {
    fn spec(spec: &Utf8Path, diags: &Diagnostics, sources: &SourceMap) -> Self {
        let first = diags.iter().find(|d| d.is_error());
        Error::Spec {
            spec: spec.to_path_buf(),
            location: first.and_then(|d: &Diagnostic| d.location(sources)),
            code: first.map_or("E0000", |d| d.code),
            message: first.map_or_else(String::new, |d| d.message.clone()),
            errors: 0,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Spec {
                spec,
                location,
                code,
                message,
                errors,
            } => {
                match location {
                    Some(loc) => write!(f, "{loc}: error[{code}]: {message}")?,
                    None => write!(f, "{spec}: error[{code}]: {message}")?,
                }
                if *errors > 1 {
                    write!(f, " (and {} more errors)", errors - 1)?;
                }
                Ok(())
            }
            Error::Io { path, source } => write!(f, "{path}: {source}"),
            Error::NoOutDir => f.write_str(
                "OUT_DIR is not set: call glha::build from a build script, or set Config::out_dir",
            ),
            Error::NonUtf8Path(p) => write!(f, "{}: path is not valid UTF-8", p.display()),
            Error::SameStem { first, second } => write!(
                f,
                "{first} and {second} would both be written to the directory `{}`; rename one",
                first.file_stem().unwrap_or_default()
            ),
            Error::NoBundle { spec } => write!(
                f,
                "{spec}: the compiler produced no bundle and no error (a bug in glha)"
            ),
        }
    }
}

impl fmt::Debug for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// The files of a compilation that came from disk (not the embedded stdlib).
fn read_from_disk(sources: &SourceMap) -> Vec<Utf8PathBuf> {
    let mut v: Vec<Utf8PathBuf> = sources
        .files()
        .filter_map(|(_, f)| f.path.clone())
        .collect();
    v.dedup();
    v
}

fn one_lines(diags: &Diagnostics, sources: &SourceMap, severity: Severity) -> Vec<String> {
    let only = Diagnostics(
        diags
            .iter()
            .filter(|d| d.severity == severity)
            .cloned()
            .collect(),
    );
    diagnostic::one_line(&only, sources)
        .lines()
        .map(str::to_string)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(dir: &Utf8Path, name: &str, text: &str) -> Utf8PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    fn tmp() -> (tempfile::TempDir, Utf8PathBuf) {
        let t = tempfile::tempdir().unwrap();
        let p = Utf8PathBuf::from_path_buf(t.path().to_path_buf()).unwrap();
        (t, p)
    }

    #[test]
    fn error_display_starts_with_the_first_errors_location() {
        let (_t, dir) = tmp();
        let text = std::fs::read_to_string(lab())
            .unwrap()
            .replace("10.0.0.13", "10.0.0.300");
        let line = text.lines().position(|l| l.contains("10.0.0.300")).unwrap() + 1;
        let bad = spec(&dir, "bad.glha", &text);
        let err = Config::new()
            .out_dir(dir.join("out"))
            .cargo_output(false)
            .compile(&[&bad])
            .unwrap_err();
        let shown = err.to_string();
        assert!(
            shown.starts_with(&format!("{bad}:{line}:32: error[E0101]: ")),
            "unexpected message: {shown}"
        );
        assert!(matches!(err, Error::Spec { errors, .. } if errors >= 1));
        assert!(!dir.join("out/bad").exists(), "nothing is written on error");
    }

    #[test]
    fn unreadable_spec_is_an_io_error() {
        let (_t, dir) = tmp();
        let err = Config::new()
            .out_dir(&dir)
            .cargo_output(false)
            .compile(&[dir.join("missing.glha")])
            .unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
        assert!(std::error::Error::source(&err).is_some());
    }

    #[test]
    fn two_specs_with_one_stem_are_refused() {
        let (_t, dir) = tmp();
        std::fs::create_dir(dir.join("a")).unwrap();
        std::fs::create_dir(dir.join("b")).unwrap();
        let a = spec(&dir, "a/x.glha", "");
        let b = spec(&dir, "b/x.glha", "");
        let err = Config::new()
            .out_dir(&dir)
            .cargo_output(false)
            .compile(&[a, b])
            .unwrap_err();
        assert!(matches!(err, Error::SameStem { .. }), "{err}");
    }

    #[test]
    fn without_out_dir_outside_a_build_script_it_says_so() {
        if std::env::var_os("OUT_DIR").is_some() {
            return;
        }
        let err = compile_specs(&["x.glha"]).unwrap_err();
        assert!(matches!(err, Error::NoOutDir));
    }

    fn lab() -> Utf8PathBuf {
        Utf8PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("examples/cargo-consumer/specs/lab.glha")
    }

    #[test]
    fn writes_each_bundle_under_its_stem_and_replaces_it_on_rebuild() {
        let (_t, dir) = tmp();
        let out = dir.join("out");
        let mut config = Config::new();
        config
            .out_dir(&out)
            .cargo_output(false)
            .backend(Backend::Crm);
        let built = config.compile(&[lab()]).unwrap();
        assert_eq!(built.len(), 1);
        assert_eq!(built[0].dir, out.join("lab"));
        assert_eq!(built[0].release, Release::R2024_1);
        assert_eq!(built[0].inputs, vec![lab()]);
        assert!(out.join("lab/pacemaker/glance-api.crm").is_file());
        assert!(out.join("lab/MANIFEST.json").is_file());
        assert!(!out.join("lab/pacemaker/glance-api.pcs.sh").exists());
        // Again, with both back ends: the directory is replaced, not merged.
        config.backend(Backend::Both);
        config.compile(&[lab()]).unwrap();
        assert!(out.join("lab/pacemaker/glance-api.pcs.sh").is_file());
    }

    #[test]
    fn imports_from_the_search_path_are_inputs() {
        let (_t, dir) = tmp();
        std::fs::create_dir(dir.join("modules")).unwrap();
        let module = spec(
            &dir.join("modules"),
            "site.glha",
            "defaults rabbitmq { port = 5673 }\n",
        );
        let text = std::fs::read_to_string(lab()).unwrap();
        let main = spec(&dir, "site-lab.glha", &format!("import \"site\"\n{text}"));
        let built = Config::new()
            .out_dir(dir.join("out"))
            .search_path(dir.join("modules"))
            .cargo_output(false)
            .compile(&[&main])
            .unwrap();
        assert_eq!(built[0].inputs, vec![main, module]);
    }
}
