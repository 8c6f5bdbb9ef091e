//! The bundle's handlebars templates, compiled once per process: compiling
//! a template costs several times what rendering it does, and a batch
//! build renders them once per spec.

use handlebars::Handlebars;
use std::sync::OnceLock;

/// `keystone/endpoints.sh`.
pub(crate) const ENDPOINTS: &str = "endpoints.sh";
/// `APPLY.md`.
pub(crate) const APPLY: &str = "APPLY.md";

/// The templates, registered under [`ENDPOINTS`] and [`APPLY`]. Values are
/// written as given (no HTML escaping) and a missing field fails.
pub(crate) fn templates() -> &'static Handlebars<'static> {
    static REGISTRY: OnceLock<Handlebars<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        let mut h = Handlebars::new();
        h.set_strict_mode(true);
        h.register_escape_fn(handlebars::no_escape);
        for (name, text) in [
            (ENDPOINTS, include_str!("templates/endpoints.sh.hbs")),
            (APPLY, include_str!("templates/APPLY.md.hbs")),
        ] {
            h.register_template_string(name, text)
                .expect("the embedded templates compile");
        }
        h
    })
}
