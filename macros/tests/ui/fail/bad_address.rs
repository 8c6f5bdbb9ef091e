static SPEC: glha::EmbeddedBundle = glha_macros::include_spec!("../specs/bad-address.glha");

fn main() {
    let _ = &SPEC;
}
