//! Fuzzes the whole front end (parse, resolve, check, lower) on arbitrary
//! UTF-8: it must never panic, and every diagnostic must point inside its
//! file, on character boundaries, and render.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
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
