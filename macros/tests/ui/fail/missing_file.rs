static SPEC: glha::EmbeddedBundle = glha_macros::include_spec!("../specs/no-such-spec.glha");

fn main() {
    let _ = &SPEC;
}
