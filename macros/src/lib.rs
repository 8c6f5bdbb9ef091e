//! `include_spec!`: compile a glha spec while compiling Rust, and embed its
//! bundle.
//!
//! ```ignore
//! static LAB: glha::EmbeddedBundle = glha_macros::include_spec!("../specs/lab.glha");
//!
//! fn main() {
//!     println!("{} files for {}", LAB.files.len(), LAB.release);
//! }
//! ```
//!
//! - The path is resolved like `include_str!`: relative to the file that
//!   invokes the macro (via `proc_macro::Span::local_file`, stable since
//!   Rust 1.88). When the compiler cannot name that file (a span made by
//!   another macro, some IDE servers), it is resolved relative to
//!   `CARGO_MANIFEST_DIR` instead.
//! - Each error in the spec becomes a compile error at the macro's argument;
//!   its first line is `SPEC:LINE:COL: [CODE] message`, followed by the
//!   source excerpt. Warnings cannot be emitted by a proc macro on stable
//!   Rust; they are in [`EmbeddedBundle::warnings`](https://docs.rs/glha).
//! - Every file the compiler read (the spec and its `./` imports) is
//!   registered with `include_bytes!`, so editing one recompiles the crate.
//! - Secrets are placeholders, as with `glhac build`.
//!
//! The expansion names `::glha::EmbeddedBundle`, so a crate using the macro
//! depends on `glha` (with `default-features = false`) as well. glha cannot
//! re-export this macro: glha-macros depends on glha to compile specs.

use proc_macro::TokenStream;
use proc_macro2::{Literal, Span, TokenStream as TokenStream2};
use quote::{quote, quote_spanned};
use std::path::{Path, PathBuf};

/// Compiles the spec at the given path (relative to the invoking file) and
/// expands to a `glha::EmbeddedBundle` holding its bundle.
#[proc_macro]
pub fn include_spec(input: TokenStream) -> TokenStream {
    let lit = syn::parse_macro_input!(input as syn::LitStr);
    expand(&lit.value(), lit.span()).into()
}

fn expand(rel: &str, span: Span) -> TokenStream2 {
    let base = base_dir();
    let path = base.join(rel);
    let Some(path_str) = path.to_str().map(str::to_string) else {
        return error_value(rel, span, &[format!("{rel}: path is not valid UTF-8")], &[]);
    };
    let opts = glha::Options::default();
    let comp = match glha::compile_file(path_str.as_str().into(), &opts) {
        Ok(c) => c,
        Err(e) => {
            let why = match e.kind() {
                std::io::ErrorKind::NotFound => "no such file".to_string(),
                _ => e.to_string(),
            };
            let msg = format!(
                "{rel}: cannot read the spec: {why} (the path is relative to the invoking file, in {})",
                base.display()
            );
            return error_value(rel, span, &[msg], &[]);
        }
    };
    let shown = Names { base: &base };
    let read: Vec<String> = comp
        .sources
        .files()
        .filter_map(|(_, f)| f.path.as_ref().map(|p| absolute(p.as_std_path())))
        .collect();

    let mut errors = Vec::new();
    let mut warnings = Vec::new();
    for d in comp.diagnostics.iter() {
        let loc = d
            .primary
            .as_ref()
            .map(|p| {
                let f = comp.sources.get(p.span.file);
                let (l, c) = f.line_col(p.span.start as usize);
                format!("{}:{l}:{c}", shown.name(&f.name))
            })
            .unwrap_or_else(|| rel.to_string());
        match d.severity {
            glha::diagnostic::Severity::Error => {
                let one = glha::diagnostic::Diagnostics(vec![d.clone()]);
                let rendered = glha::diagnostic::render(&one, &comp.sources, false);
                let mut msg = format!("{loc}: [{}] {}", d.code, d.message);
                // The excerpt, without its first line (the message again).
                for line in rendered.trim_end().lines().skip(1) {
                    msg.push('\n');
                    msg.push_str(&shown.in_excerpt(line));
                }
                errors.push(msg);
            }
            glha::diagnostic::Severity::Warning => {
                warnings.push(format!("{loc}: warning[{}]: {}", d.code, d.message));
            }
            glha::diagnostic::Severity::Note => {}
        }
    }
    if !errors.is_empty() {
        return error_value(rel, span, &errors, &read);
    }
    let (Some(plan), Some(bundle)) = (comp.plan, comp.bundle) else {
        return error_value(
            rel,
            span,
            &[format!("{rel}: no bundle and no error (a bug in glha)")],
            &read,
        );
    };
    let root_text = comp
        .sources
        .files()
        .next()
        .map(|(_, f)| f.text.clone())
        .unwrap_or_default();
    let digest = glha::emit::digest(root_text.as_bytes());
    let release = plan.release.name();
    let version = glha::embedded::COMPILER_VERSION;
    let files = bundle.files.iter().map(|(p, f)| {
        let p = p.as_str();
        let contents = Literal::string(&f.contents);
        let mode = Literal::u32_suffixed(f.mode);
        let target = match &f.target {
            Some(t) => quote!(::core::option::Option::Some(#t)),
            None => quote!(::core::option::Option::None),
        };
        let sensitive = f.sensitive;
        quote! {
            ::glha::EmbeddedFile {
                path: #p,
                contents: #contents,
                mode: #mode,
                target: #target,
                sensitive: #sensitive,
            }
        }
    });
    let tracked = track(&read);
    quote! {
        {
            #tracked
            ::glha::EmbeddedBundle {
                spec: #rel,
                release: #release,
                digest: #digest,
                glha_version: #version,
                files: &[#(#files),*],
                warnings: &[#(#warnings),*],
            }
        }
    }
}

/// The directory the macro's path is relative to.
fn base_dir() -> PathBuf {
    let file = proc_macro::Span::call_site().local_file();
    match file.and_then(|f| f.parent().map(Path::to_path_buf)) {
        Some(dir) => PathBuf::from(absolute(&dir)),
        None => PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_else(|_| ".".into())),
    }
}

/// `p` made absolute against the compiler's working directory (rustc gets
/// paths relative to the workspace root), for `include_bytes!`.
fn absolute(p: &Path) -> String {
    let abs = if p.is_absolute() {
        p.to_path_buf()
    } else {
        std::env::current_dir()
            .map(|d| d.join(p))
            .unwrap_or_else(|_| p.to_path_buf())
    };
    abs.to_string_lossy().into_owned()
}

/// How files are named in messages: relative to the macro's base directory,
/// as the user wrote the path, not as an absolute path of this machine.
struct Names<'a> {
    base: &'a Path,
}

impl Names<'_> {
    fn name(&self, name: &str) -> String {
        match Path::new(name).strip_prefix(self.base) {
            Ok(rel) => rel.to_string_lossy().into_owned(),
            Err(_) => name.to_string(),
        }
    }
    /// Renames the file in the `┌─ FILE:L:C` lines of a rendered excerpt.
    fn in_excerpt(&self, line: &str) -> String {
        match line.split_once("┌─ ") {
            Some((lead, rest)) => format!("{lead}┌─ {}", self.name(rest)),
            None => line.to_string(),
        }
    }
}

/// `const _: &[u8] = include_bytes!("…");` for each file read: rustc then
/// lists them as inputs, and Cargo recompiles when one changes.
fn track(read: &[String]) -> TokenStream2 {
    let consts = read.iter().map(|p| {
        quote! { const _: &[u8] = ::core::include_bytes!(#p); }
    });
    quote! { #(#consts)* }
}

/// A compile error per message at `span`, then a placeholder value of the
/// right type, so the errors are not followed by type errors.
fn error_value(rel: &str, span: Span, messages: &[String], read: &[String]) -> TokenStream2 {
    let errors = messages
        .iter()
        .map(|m| quote_spanned! {span=> ::core::compile_error!(#m); });
    let tracked = track(read);
    quote! {
        {
            #tracked
            #(#errors)*
            ::glha::EmbeddedBundle {
                spec: #rel,
                release: "",
                digest: "",
                glha_version: "",
                files: &[],
                warnings: &[],
            }
        }
    }
}
