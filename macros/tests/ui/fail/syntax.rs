static SPEC: glha::EmbeddedBundle = glha_macros::include_spec!("../specs/syntax.glha");

fn main() {
    let _ = &SPEC;
}
