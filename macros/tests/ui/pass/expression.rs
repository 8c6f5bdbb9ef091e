// The expansion is also an ordinary expression, usable in a const.
const SPEC: glha::EmbeddedBundle = glha_macros::include_spec!("../specs/two-nodes.glha");

fn main() {
    let again = glha_macros::include_spec!("../specs/two-nodes.glha");
    assert_eq!(SPEC, again);
    assert_eq!(SPEC.get("no/such/file"), None);
}
