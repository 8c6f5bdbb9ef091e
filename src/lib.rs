//! glha compiles a declarative spec of a highly available OpenStack Image
//! API (`*.glha`) into a bundle: the Pacemaker configuration (crm script and
//! pcs commands), the ini settings of glance-api and its consumers, and the
//! Keystone endpoint commands.
//!
//! The pipeline, one module per phase:
//!
//! 1. [`syntax`]: parse `.glha` text into a syntax tree with spans;
//! 2. [`resolve`]: load imports, merge stdlib defaults under the spec;
//! 3. [`check`]: validate everything, collecting every diagnostic, into a
//!    typed [`model::Spec`];
//! 4. [`plan`]: lower the spec to the semantic [`plan::Plan`] for one release;
//! 5. [`emit`]: render the plan into a [`bundle::Bundle`] (path → bytes),
//!    with secrets as placeholders or, checked by [`secret`], as values;
//! 6. [`bundle`]: write it atomically;
//! 7. [`diff`]: compare a plan with the live system (ini files under a
//!    root, a CIB, the endpoint list), predict the impact, and apply it
//!    all or nothing; [`tools`] runs the external programs this needs.
//!
//! Beside the pipeline, [`fmt`] lays `.glha` text out canonically, comments
//! kept (`glhac fmt`), and [`xml`] reads and writes the CIB's XML (bounded,
//! for live input).
//!
//! The library never prints: it returns values and [`diagnostic`]s. The one
//! exception is [`build`], the edge for Cargo build scripts, which prints
//! `cargo:` directives and renders diagnostics to stderr as Cargo expects.
//! [`EmbeddedBundle`] is what the `glha-macros` crate's `include_spec!`
//! expands to.

#![warn(missing_docs)]

pub mod build;
pub mod bundle;
pub mod check;
pub mod command;
pub mod diagnostic;
pub mod diff;
pub mod embedded;
pub mod emit;
pub mod fmt;
pub mod ide;
pub mod model;
pub mod plan;
pub mod release;
pub mod resolve;
pub mod schema;
pub mod secret;
pub mod source;
pub mod stdlib;
pub mod syntax;
pub mod tools;
pub mod xml;

use camino::Utf8Path;
use diagnostic::Diagnostics;
use source::SourceMap;

pub use embedded::{EmbeddedBundle, EmbeddedFile};
pub use emit::{Backend, EmitOptions, SecretMode};
pub use release::Release;
pub use resolve::SearchPath;

/// How to compile.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Overrides the spec's `release`.
    pub release: Option<Release>,
    /// Where `import` looks besides the embedded stdlib.
    pub search: SearchPath,
    /// What to emit and how secrets appear.
    pub emit: EmitOptions,
}

/// The outcome of a compilation: every diagnostic, and the plan and bundle
/// when there was no error.
#[derive(Debug)]
pub struct Compilation {
    /// Every file read (the spec and its imports).
    pub sources: SourceMap,
    /// Every diagnostic, sorted.
    pub diagnostics: Diagnostics,
    /// The semantic plan, if the spec has no errors.
    pub plan: Option<plan::Plan>,
    /// The rendered bundle, if the spec has no errors.
    pub bundle: Option<bundle::Bundle>,
}

/// How far a compilation goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Goal {
    /// Every diagnostic, the plan and the bundle.
    Bundle,
    /// Every diagnostic only: the plan is built (lowering has diagnostics
    /// of its own) and dropped, no bundle is rendered.
    Diagnostics,
}

/// Compiles the spec at `path`. Only an unreadable spec is an `Err`; every
/// problem inside it is a diagnostic.
pub fn compile_file(path: &Utf8Path, opts: &Options) -> std::io::Result<Compilation> {
    let text = std::fs::read_to_string(path)?;
    Ok(compile_source(
        path.as_str(),
        Some(path),
        text,
        opts,
        Goal::Bundle,
    ))
}

/// Compiles spec text; `name` is what diagnostics call the file.
pub fn compile_str(name: &str, text: &str, opts: &Options) -> Compilation {
    compile_source(name, None, text.to_string(), opts, Goal::Bundle)
}

/// Checks the spec at `path`: the diagnostics [`compile_file`] gives,
/// without the plan and the bundle (both `None`), which saves rendering
/// and holding them. What `glhac check` runs.
pub fn check_file(path: &Utf8Path, opts: &Options) -> std::io::Result<Compilation> {
    let text = std::fs::read_to_string(path)?;
    Ok(compile_source(
        path.as_str(),
        Some(path),
        text,
        opts,
        Goal::Diagnostics,
    ))
}

/// Checks spec text as [`check_file`] checks a file: `name` is what
/// diagnostics call it, and `path`, if the text is (an edited copy of) a
/// file on disk, is where `import "./NAME"` looks from. What an editor
/// runs on every change.
pub fn check_text(
    name: &str,
    path: Option<&Utf8Path>,
    text: String,
    opts: &Options,
) -> Compilation {
    compile_source(name, path, text, opts, Goal::Diagnostics)
}

fn compile_source(
    name: &str,
    path: Option<&Utf8Path>,
    text: String,
    opts: &Options,
    goal: Goal,
) -> Compilation {
    let mut sources = SourceMap::new();
    let mut diags = Diagnostics::default();
    let root = sources.add(name, path, text);
    // Masked in every rendered diagnostic, even if the file does not parse.
    for span in syntax::secret_spans(root, &sources.get(root).text) {
        sources.mark_secret(span);
    }
    // A syntax error does not stop here: what could be read is resolved
    // and checked too, so one typo does not hide the other problems. The
    // parser marks what it lost, and the checker reports nothing as
    // missing from there.
    let parsed = syntax::parse_recovering(root, &sources.get(root).text, &mut diags);
    let resolved = resolve::resolve(&mut sources, root, parsed, &opts.search, &mut diags);
    // Takes the tree, which is dropped once the model is built: it can be
    // big (it holds every string of the spec).
    let spec = check::check(resolved, &mut sources, opts.release, &mut diags);
    let (mut plan, mut bundle) = (None, None);
    if let (Some(spec), false) = (spec, diags.has_errors()) {
        let p = plan::lower(&spec, &mut diags);
        if goal == Goal::Bundle {
            let digest = emit::digest(sources.get(root).text.as_bytes());
            match emit::emit(&p, &opts.emit, &digest) {
                Ok(b) => bundle = Some(b),
                Err(errors) => {
                    for e in &errors {
                        diags.push(diagnostic::secret_error(e, root));
                    }
                }
            }
            plan = Some(p);
        }
    }
    diags.sort();
    Compilation {
        sources,
        diagnostics: diags,
        plan,
        bundle,
    }
}
