//! Semantic comparison of the plan's Keystone catalog with the live one.
//! (The ini comparison is the merge in `ini`, the Pacemaker one is in
//! `pacemaker`.)

use super::{EndpointChange, EndpointKind};
use crate::plan::catalog::{Action, LiveEndpoint, Step};
use crate::plan::Catalog;

/// The catalog's reconciliation `steps` (by the one policy,
/// [`crate::plan::catalog::reconcile`], as a reviewed plan applies it:
/// duplicates are deleted) as the report shows them.
pub(crate) fn endpoints(
    cat: &Catalog,
    steps: &[Step],
    live: &[LiveEndpoint],
) -> Vec<EndpointChange> {
    steps
        .iter()
        .map(|step| {
            let command = step.command(cat);
            let (kind, id, live_url) = match &step.action {
                Action::Create => (EndpointKind::Create, None, None),
                Action::Keep { id } => {
                    let url = live.iter().find(|e| &e.id == id).map(|e| e.url.clone());
                    (EndpointKind::Unchanged, Some(id.clone()), url)
                }
                Action::Update { id, live_url, .. } => (
                    EndpointKind::Update,
                    Some(id.clone()),
                    Some(live_url.clone()),
                ),
                Action::Delete { id, live_url } => (
                    EndpointKind::DeleteDuplicate,
                    Some(id.clone()),
                    Some(live_url.clone()),
                ),
                // Only the script's policy reports duplicates without
                // deciding.
                Action::Duplicates { .. } => (EndpointKind::Unchanged, None, None),
            };
            EndpointChange {
                interface: step.interface.to_string(),
                kind,
                id,
                live_url,
                url: step.url.to_string(),
                command,
            }
        })
        .collect()
}
