static SPEC: glha::EmbeddedBundle = glha_macros::include_spec!("../specs/unknown-reference.glha");

fn main() {
    let _ = &SPEC;
}
