//! Spec → plan (being written).
use super::Plan;
use crate::diagnostic::Diagnostics;
use crate::model::Spec;
/// Lowers a checked spec.
pub fn lower(spec: &Spec, _d: &mut Diagnostics) -> Plan {
    Plan {
        release: spec.release,
        pacemaker: Default::default(),
        ini: vec![],
        catalog: None,
        secrets: vec![],
    }
}
