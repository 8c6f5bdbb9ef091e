//! The macro's expansions, compiled by trybuild: specs that compile, and
//! one compile-fail case per family of spec error. The expected stderr
//! files hold our own message (the spec's file:line:col, code and excerpt)
//! under rustc's one-line frame; regenerate them with `TRYBUILD=overwrite`
//! only after reviewing why they changed.

#[test]
fn ui() {
    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
