static SPEC: glha::EmbeddedBundle = glha_macros::include_spec!(two_nodes);

fn main() {
    let _ = &SPEC;
}
