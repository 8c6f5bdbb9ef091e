static SPEC: glha::EmbeddedBundle = glha_macros::include_spec!("../specs/missing-fencing.glha");

fn main() {
    let _ = &SPEC;
}
