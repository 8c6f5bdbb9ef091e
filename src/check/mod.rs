//! Phase 3, check (being written).
use crate::diagnostic::Diagnostics;
use crate::model::Spec;
use crate::release::Release;
use crate::resolve::Resolved;
use crate::source::SourceMap;
/// Checks a resolved spec.
pub fn check(
    _r: &Resolved,
    _s: &mut SourceMap,
    _rel: Option<Release>,
    _d: &mut Diagnostics,
) -> Option<Spec> {
    None
}
