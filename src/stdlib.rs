//! The standard library: `.glha` modules embedded in the binary, so a spec
//! can `import "std/glance-api"` on a machine with nothing else installed.

/// Every embedded module: (import name, text).
pub static MODULES: &[(&str, &str)] = &[
    ("std/glance-api", include_str!("../stdlib/glance-api.glha")),
    ("std/nova", include_str!("../stdlib/nova.glha")),
    ("std/cinder", include_str!("../stdlib/cinder.glha")),
    ("std/fence", include_str!("../stdlib/fence.glha")),
];

/// The text of an embedded module.
pub fn module(name: &str) -> Option<&'static str> {
    MODULES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}
