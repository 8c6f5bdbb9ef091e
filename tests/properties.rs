//! Properties of the compiler on generated input:
//!
//! - it never panics, on arbitrary text, on token soup, and on random
//!   mutations of the seed spec;
//! - every diagnostic's spans lie inside their file, on character
//!   boundaries, and render;
//! - compiling is deterministic;
//! - any text put into a string value either is refused with E0110 at the
//!   value, or compiles, and then cannot change the line structure of any
//!   file in the bundle (a value must never add a crm line, a shell command
//!   or an ini key).
//!
//! Case counts are kept modest so the suite stays fast in debug builds.

mod common;

use common::gen::{apply, edit, interesting_char, token_soup, Edit};
use glha::diagnostic::Diagnostic;
use glha::{Compilation, Options};
use proptest::prelude::*;

/// The seed, its one VIP given a `nic` (a crm param a spec writer controls,
/// which the seed itself does not need).
static SEED: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
    let seed = include_str!("../examples/seed.glha");
    let vip = "vip internal { address = 10.0.0.11/24 }";
    assert!(seed.contains(vip), "the seed's VIP changed");
    seed.replace(
        vip,
        "vip internal { address = 10.0.0.11/24  nic = \"eth0\" }",
    )
});

fn compile(text: &str) -> Compilation {
    glha::compile_str("prop.glha", text, &Options::default())
}

/// Every span of every diagnostic is a valid range of its file, on char
/// boundaries; locations and the rendering work.
fn spans_are_valid(c: &Compilation) -> Result<(), TestCaseError> {
    for d in c.diagnostics.iter() {
        let labels = d.primary.iter().chain(&d.secondary);
        for l in labels {
            let f = c.sources.get(l.span.file);
            let (s, e) = (l.span.start as usize, l.span.end as usize);
            prop_assert!(s <= e, "{}: span {s}..{e} is reversed", d.code);
            prop_assert!(e <= f.text.len(), "{}: span {s}..{e} past the end", d.code);
            prop_assert!(
                f.text.is_char_boundary(s) && f.text.is_char_boundary(e),
                "{}: span {s}..{e} not on a char boundary of {:?}",
                d.code,
                f.text
            );
            let (line, col) = f.line_col(s);
            prop_assert!(line >= 1 && col >= 1);
        }
        let _ = d.location(&c.sources);
    }
    let _ = glha::diagnostic::render(&c.diagnostics, &c.sources, false);
    let _ = glha::diagnostic::render(&c.diagnostics, &c.sources, true);
    Ok(())
}

fn fingerprint(c: &Compilation) -> String {
    format!(
        "{}\n{:?}\n{:?}",
        serde_json::to_string(&c.diagnostics).expect("diagnostics serialize"),
        c.plan,
        c.bundle
    )
}

/// The seed with `value` written as a glha string literal in place of the
/// literal that follows `prefix`; returns the text and the byte offset of
/// the new literal and its length.
fn with_string(prefix: &str, value: &str) -> (String, std::ops::Range<usize>) {
    let mut lit = String::from("\"");
    for c in value.chars() {
        match c {
            '"' => lit.push_str("\\\""),
            '\\' => lit.push_str("\\\\"),
            '\n' => lit.push_str("\\n"),
            c => lit.push(c),
        }
    }
    lit.push('"');
    let at = SEED.find(prefix).expect("prefix in the seed") + prefix.len();
    let old_len = SEED[at + 1..].find('"').expect("the literal closes") + 2;
    let text = format!("{}{lit}{}", &SEED[..at], &SEED[at + old_len..]);
    (text, at..at + lit.len())
}

fn line_counts(c: &Compilation) -> Vec<(String, usize)> {
    c.bundle
        .iter()
        .flat_map(|b| b.files.iter())
        .map(|(p, f)| (p.to_string(), f.contents.lines().count()))
        .collect()
}

fn errors(c: &Compilation) -> Vec<&Diagnostic> {
    c.diagnostics.iter().filter(|d| d.is_error()).collect()
}

/// The string values a spec writer controls, by the seed text before them.
const STRING_SLOTS: &[&str] = &[
    "password = ",       // the database password (a literal secret)
    "username = ",       // keystone username (a crm param of the ocf agent)
    "user     = ",       // database user (goes into a URL)
    "region   = ",       // keystone region
    "nic = ",            // a VIP's nic (a crm param)
    "fencing = waived ", // the waiver (a crm comment)
    "path    = ",        // the image store's directory (ini values)
    "device  = ",        // the store's mount (a crm param and comment)
    "options = ",        // its mount options (a crm param)
];

fn slot_value() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => any::<String>(),
        2 => prop::collection::vec(interesting_char(), 0..24).prop_map(|v| v.into_iter().collect()),
        1 => Just("x\nprimitive evil ocf:heartbeat:Dummy".to_string()),
        1 => Just("x\" evil=\"y".to_string()),
        1 => Just("x'; rm -rf / #".to_string()),
        1 => Just("a\u{85}b".to_string()),
        1 => Just("$(reboot)".to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        let c = compile(&text);
        spans_are_valid(&c)?;
    }

    #[test]
    fn token_soup_never_panics(text in token_soup()) {
        let c = compile(&text);
        spans_are_valid(&c)?;
    }

    #[test]
    fn seed_mutations_never_panic(edits in prop::collection::vec(edit(), 1..6)) {
        let text = apply(&SEED, &edits);
        let c = compile(&text);
        spans_are_valid(&c)?;
    }

    #[test]
    fn compiling_is_deterministic(edits in prop::collection::vec(edit(), 0..4)) {
        let text = apply(&SEED, &edits);
        prop_assert_eq!(fingerprint(&compile(&text)), fingerprint(&compile(&text)));
    }

    #[test]
    fn string_values_are_refused_or_kept_on_their_line(
        slot in prop::sample::select(STRING_SLOTS),
        value in slot_value(),
    ) {
        let (text, lit) = with_string(slot, &value);
        let c = compile(&text);
        spans_are_valid(&c)?;
        if value.chars().any(char::is_control) {
            prop_assert!(
                c.diagnostics.iter().any(|d| d.code == "E0110"
                    && d.primary.as_ref().is_some_and(|p| at_value(p, &lit))),
                "{:?} after `{}` is not refused with E0110 at bytes {:?}: {:?}",
                value, slot, lit, summary(&c)
            );
            prop_assert!(c.bundle.is_none(), "a refused value still produced a bundle");
        } else {
            // A value without control characters is "unsafe" only when the
            // crm script cannot carry it (a backslash before `"` or `\` or at
            // the end, non-ASCII) and only at the value; a slot with rules of
            // its own (an interface name) may refuse it, also at the value.
            let crm_bad = glha::emit::crm_unrepresentable(&value).is_some();
            let elsewhere: Vec<_> = errors(&c)
                .into_iter()
                .filter(|d| {
                    (d.code == "E0110" && !crm_bad)
                        || !d.primary.as_ref().is_some_and(|p| at_value(p, &lit))
                })
                .map(|d| (d.code, d.message.clone()))
                .collect();
            prop_assert!(
                elsewhere.is_empty(),
                "{:?} after `{}` is refused: {:?}", value, slot, elsewhere
            );
            // Substituting a value must not change how many lines any
            // bundle file has.
            if errors(&c).is_empty() {
                let base = compile(&with_string(slot, "x").0);
                prop_assert_eq!(line_counts(&c), line_counts(&base));
            }
        }
    }
}

/// Whether a label is at the value: the literal itself, or a value that
/// holds it (`waived "…"`).
fn at_value(p: &glha::diagnostic::Label, lit: &std::ops::Range<usize>) -> bool {
    let r = p.span.range();
    p.span.file.0 == 0
        && r.start <= lit.start
        && lit.end <= r.end
        && r.end - r.start <= lit.len() + "waived ".len()
}

fn summary(c: &Compilation) -> Vec<(&'static str, String)> {
    c.diagnostics
        .iter()
        .map(|d| (d.code, d.message.clone()))
        .collect()
}

/// The mutation helper itself.
#[test]
fn apply_edits() {
    let e = [Edit::Insert(0, 'x'), Edit::Delete(2), Edit::Replace(4, 'y')];
    assert_eq!(apply("ab", &e), "ya");
    assert_eq!(
        with_string("nic = ", "a\"b")
            .0
            .matches("nic = \"a\\\"b\"")
            .count(),
        1
    );
}

/// The seed compiles without errors, so mutations start from a valid spec.
#[test]
fn seed_is_valid() {
    let c = compile(&SEED);
    assert!(errors(&c).is_empty());
}

/// The deepest nesting the parser accepts (64 levels) compiles without
/// overflowing the stack of a test thread (2 MiB), in lists and in blocks;
/// one level more is a syntax error, not a crash.
#[test]
fn deepest_nesting_does_not_overflow() {
    for depth in [64, 65, 10_000] {
        let list = format!("x = {}{}", "[".repeat(depth), "]".repeat(depth));
        let blocks = format!("{}{}", "b { ".repeat(depth), "} ".repeat(depth));
        let half = depth / 2;
        let mixed = format!(
            "{}x = {}{}{}",
            "b { ".repeat(half),
            "[".repeat(depth - half),
            "]".repeat(depth - half),
            "} ".repeat(half)
        );
        for text in [list, blocks, mixed] {
            let c = compile(&text);
            let syntax = c.diagnostics.iter().any(|d| d.code == "E0001");
            assert_eq!(syntax, depth > 64, "depth {depth}: {:?}", summary(&c));
        }
    }
}
