//! The catalog part of apply: the planned `openstack` calls.
//!
//! The catalog is listed again first; if the image service's endpoints
//! are not the ones reviewed (their digest differs), nothing is called.
//! Otherwise the plan's steps run in order, exactly as reviewed. Before a
//! create, the service must exist: with none of the catalog's type, one is
//! created; with one, it is used (whatever its name); with several, apply
//! refuses, since an endpoint for the type could land on either. So apply
//! never creates a second service. Keystone has no transactions: a call
//! that fails stops the run, and the error lists the calls made.

use super::{ApplyInput, EndpointsOutcome, Part, Refusal};
use crate::command::Command;
use crate::diff::endpoints as live;
use crate::plan::catalog::{reconcile, Action, Catalog, Policy};
use crate::tools::Tools;

/// The calls to make.
pub(super) struct Work {
    /// `openstack service create`, when the service is missing.
    service: Option<Command>,
    /// The planned calls, in order.
    calls: Vec<Command>,
}

/// Checks that the catalog can take the plan; `None` when it cannot (the
/// problems pushed).
pub(super) fn check(
    input: ApplyInput<'_>,
    tools: &Tools,
    problems: &mut Vec<Refusal>,
) -> Option<Part<Work>> {
    let Some(saved) = &input.saved.endpoints else {
        problems.push(Refusal::NoPart {
            what: "--endpoints: the plan has no catalog part (diff ran without --endpoints)".into(),
        });
        return None;
    };
    let Some(cat) = &input.plan.catalog else {
        problems.push(Refusal::PlanMismatch {
            target: "the catalog".into(),
            why: "the spec no longer has endpoints".into(),
        });
        return None;
    };
    let unreadable = |what: &str, why: String| Refusal::Unreadable {
        what: what.into(),
        why,
    };
    let rows = match tools.endpoint_list() {
        Ok(text) => match live::read(&text) {
            Ok(r) => r,
            Err(why) => {
                problems.push(unreadable("`openstack endpoint list -f json`", why));
                return None;
            }
        },
        Err(e) => {
            problems.push(Refusal::Tool(e));
            return None;
        }
    };
    let now = reconcile(cat, &rows, Policy::Reviewed);
    if now.iter().all(|s| s.command(cat).is_none()) {
        return Some(Part::Already);
    }
    if live::digest(cat, &rows) != saved.digest {
        problems.push(Refusal::CatalogMoved);
        return None;
    }
    if now != saved.steps {
        problems.push(Refusal::PlanMismatch {
            target: "the catalog".into(),
            why: "the spec plans other endpoint calls than the saved plan".into(),
        });
        return None;
    }
    let calls: Vec<Command> = saved.steps.iter().filter_map(|s| s.command(cat)).collect();
    let service = if saved.steps.iter().any(|s| s.action == Action::Create) {
        match service_to_create(cat, tools) {
            Ok(s) => s,
            Err(p) => {
                problems.push(p);
                return None;
            }
        }
    } else {
        None
    };
    Some(Part::Do(Work { service, calls }))
}

/// The service creation a create needs, if the service is missing.
fn service_to_create(cat: &Catalog, tools: &Tools) -> Result<Option<Command>, Refusal> {
    let text = tools.service_list().map_err(Refusal::Tool)?;
    let ids =
        live::services_of_type(&text, &cat.service_type).map_err(|why| Refusal::Unreadable {
            what: "`openstack service list -f json`".into(),
            why,
        })?;
    match ids.len() {
        0 => Ok(Some(Tools::service_create(
            &cat.service_name,
            &cat.service_type,
            crate::plan::catalog::SERVICE_DESCRIPTION,
        ))),
        1 => Ok(None),
        _ => Err(Refusal::Services { ids }),
    }
}

/// Makes the calls; on failure, what failed and the calls made.
pub(super) fn run(work: Work, tools: &Tools) -> Result<EndpointsOutcome, (String, Vec<Command>)> {
    let mut ran = Vec::new();
    for c in work.service.into_iter().chain(work.calls) {
        if let Err(e) = tools.openstack(&c) {
            let made = if ran.is_empty() {
                "no call was made before it".to_string()
            } else {
                format!("{} call(s) were made before it", ran.len())
            };
            return Err((format!("`{c}`: {e}; {made}"), ran));
        }
        ran.push(c);
    }
    Ok(EndpointsOutcome::Ran(ran))
}
