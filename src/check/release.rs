//! Checks that depend on the OpenStack release.

use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::Spec;
use crate::release::Release;

pub(crate) fn check(spec: &Spec, diags: &mut Diagnostics) {
    if let Some(k) = &spec.keystone {
        if k.auth_url.value.trim_end_matches('/').ends_with("/v2.0")
            && spec.release >= Release::Queens
        {
            diags.push(
                Diagnostic::error(&codes::RELEASE_REMOVED, k.auth_url.span, format!("Keystone v2.0 is gone in {}", spec.release))
                    .label("a /v2.0 auth URL")
                    .help("Keystone removed the v2.0 API in Queens; use the v3 URL, e.g. replace /v2.0/ with /v3"),
            );
        }
    }
}
