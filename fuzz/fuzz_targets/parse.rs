//! Fuzzes the parser and the whole front end (parse, resolve, check, lower)
//! on arbitrary UTF-8. Neither may panic, and:
//! - the recovering parser reports as many E0001 as it counts, the strict
//!   parser returns the same items exactly when there is none, and every
//!   span in the tree lies inside the text on character boundaries;
//! - every diagnostic of a compilation points inside its file, on
//!   character boundaries, and renders.

#![no_main]

use glha::diagnostic::Diagnostics;
use glha::source::{FileId, Span};
use glha::syntax::{Item, ItemKind, Value, ValueKind};
use libfuzzer_sys::fuzz_target;

fn check_span(text: &str, s: Span) {
    let r = s.range();
    assert!(r.start <= r.end && r.end <= text.len(), "span {r:?} outside the text");
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "span {r:?} not on a char boundary"
    );
}

fn check_value(text: &str, v: &Value) {
    check_span(text, v.span);
    match &v.kind {
        ValueKind::List(vs) => vs.iter().for_each(|v| check_value(text, v)),
        ValueKind::Ref(parts) => parts.iter().for_each(|p| check_span(text, p.span)),
        ValueKind::Address {
            prefix: Some((_, s)),
            ..
        } => check_span(text, *s),
        _ => {}
    }
}

fn check_items(text: &str, items: &[Item]) {
    for i in items {
        check_span(text, i.span);
        check_span(text, i.key.span);
        match &i.kind {
            ItemKind::Attribute(v) => check_value(text, v),
            ItemKind::Directive(_, s) => check_span(text, *s),
            ItemKind::Block { labels, items } => {
                labels.iter().for_each(|l| check_span(text, l.span));
                check_items(text, items);
            }
        }
    }
}

fuzz_target!(|text: &str| {
    let mut diags = Diagnostics::default();
    let parsed = glha::syntax::parse_recovering(FileId(0), text, &mut diags);
    assert_eq!(parsed.errors, diags.iter().filter(|d| d.code == "E0001").count());
    assert_eq!(parsed.incomplete, !parsed.lost.is_empty());
    check_items(text, &parsed.items);
    let strict = glha::syntax::parse(FileId(0), text, &mut Diagnostics::default());
    assert_eq!(strict.is_some(), parsed.errors == 0);
    if let Some(items) = strict {
        assert!(items == parsed.items);
    }

    let c = glha::compile_str("fuzz.glha", text, &glha::Options::default());
    for d in c.diagnostics.iter() {
        for l in d.primary.iter().chain(&d.secondary) {
            let f = c.sources.get(l.span.file);
            let r = l.span.range();
            assert!(
                r.start <= r.end && r.end <= f.text.len(),
                "{}: span {r:?} outside its file",
                d.code
            );
            assert!(
                f.text.is_char_boundary(r.start) && f.text.is_char_boundary(r.end),
                "{}: span {r:?} not on a char boundary",
                d.code
            );
        }
    }
    let _ = glha::diagnostic::render(&c.diagnostics, &c.sources, false);
});
