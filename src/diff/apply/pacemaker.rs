//! The Pacemaker part of apply: the CIB, patched once.
//!
//! # How the change is made, and why so
//!
//! The candidate CIB ([`crate::emit::cib::candidate`]: the live CIB with
//! the plan's objects added or replaced, secrets written by the same
//! serialiser as the bundle's XML) is what diff simulated. apply makes the
//! live CIB *that* document: `crm_diff --cib` computes the patch from the
//! live CIB (as `cibadmin -Q` gave it) to the candidate, and
//! `cibadmin --patch` hands it to the CIB manager, which applies all of it
//! or none of it, and only if the live CIB's version (`admin_epoch`,
//! `epoch`, `num_updates`) is still exactly the patch's source version;
//! the patch's digest also makes it check the result. That is a
//! compare-and-swap, guarded by the version the plan was checked against.
//!
//! The alternatives are weaker. `cibadmin --replace` of the whole document
//! only refuses an *older* one, so a change made between the check and
//! the replace can be overwritten, and it replaces the status section too.
//! A shadow CIB committed with `crm_shadow --commit` is such a replace.
//! `crm configure load update` sends the objects through crmsh's parser
//! and its own commit, so the CIB it makes is not the candidate that was
//! simulated.
//!
//! A status update between the read and the patch (`num_updates` moves on
//! a running cluster) makes the patch fail harmlessly; apply reads the CIB
//! again, checks that its configuration is still the reviewed one, and
//! retries, a few times.

use super::{ApplyInput, PacemakerOutcome, Part, Refusal};
use crate::diff::impact::{live_secrets, private_dir, write_private};
use crate::diff::{cib, pacemaker as compare, ChangeKind, CibVersion, PcmkChange};
use crate::emit::SecretMode;
use crate::secret::SecretValues;
use crate::tools::{Tools, CIB_OUTDATED};
use crate::xml;

/// How many times a patch is retried when status updates overtake it.
const ATTEMPTS: usize = 5;

/// What the checks prepared.
pub(super) struct Work {
    /// The reviewed configuration version.
    version: CibVersion,
    /// The objects that change.
    objects: Vec<String>,
    /// Secret parameters that differ although the plan could not see it.
    also_changed: Vec<String>,
}

/// The live CIB, its version and its configuration in the plan's model.
struct Live {
    text: String,
    version: CibVersion,
    model: crate::plan::Pacemaker,
}

fn read_live(tools: &Tools) -> Result<Live, Refusal> {
    let text = tools.cib_query().map_err(Refusal::Tool)?;
    let unreadable = |why| Refusal::Unreadable {
        what: "the live CIB (`cibadmin -Q`)".into(),
        why,
    };
    let version = cib::version(&text).map_err(unreadable)?;
    let model = cib::read(&text).map_err(unreadable)?;
    Ok(Live {
        text,
        version,
        model,
    })
}

/// The known changes, by object.
fn known(changes: &[PcmkChange]) -> Vec<String> {
    changes
        .iter()
        .filter(|c| c.kind != ChangeKind::Unknown)
        .map(|c| format!("{} {}", c.object, c.id))
        .collect()
}

/// Checks that the CIB can take the plan; `None` when it cannot (the
/// problems pushed).
pub(super) fn check(
    input: ApplyInput<'_>,
    tools: &Tools,
    problems: &mut Vec<Refusal>,
) -> Option<Part<Work>> {
    let no = |what: &str| Refusal::NoPart { what: what.into() };
    let Some(saved) = &input.saved.pacemaker else {
        problems.push(no(
            "--pacemaker: the plan has no Pacemaker part (diff ran without --cib)",
        ));
        return None;
    };
    let Some(version) = &saved.cib else {
        problems.push(no("--pacemaker: the plan was made from `crm configure show` text, which has no version to check; run diff with `cibadmin -Q` XML"));
        return None;
    };
    let live = match read_live(tools) {
        Ok(l) => l,
        Err(p) => {
            problems.push(p);
            return None;
        }
    };
    let now = compare::compare(&input.plan.pacemaker, &live.model, input.secrets);
    if known(&now).is_empty() {
        // Already as planned: applied before, or by someone else.
        return Some(Part::Already);
    }
    if live.version != *version {
        problems.push(Refusal::CibMoved {
            planned: version.clone(),
            live: live.version,
        });
        return None;
    }
    // The reviewed changes, plus secret parameters the review could not
    // compare; anything else means the plan is not this spec's.
    let reviewed = known(&saved.changes);
    let unknown_then: Vec<String> = saved
        .changes
        .iter()
        .filter(|c| c.kind == ChangeKind::Unknown)
        .map(|c| format!("{} {}", c.object, c.id))
        .collect();
    let objects = known(&now);
    let also_changed: Vec<String> = objects
        .iter()
        .filter(|o| !reviewed.contains(o))
        .cloned()
        .collect();
    if also_changed.iter().any(|o| !unknown_then.contains(o))
        || reviewed.iter().any(|o| !objects.contains(o))
    {
        problems.push(Refusal::PlanMismatch {
            target: "the CIB".into(),
            why: format!(
                "the changes are now {}, the plan has {}",
                objects.join(", "),
                reviewed.join(", ")
            ),
        });
        return None;
    }
    Some(Part::Do(Work {
        version: version.clone(),
        objects,
        also_changed,
    }))
}

/// The candidate for `live`, with every secret value and the version the
/// patch goes to (the next epoch).
fn candidate(live: &Live, input: ApplyInput<'_>) -> Result<String, String> {
    let values = values_map(input.secrets);
    let text = crate::emit::cib::candidate(&live.text, input.plan, &SecretMode::Embed(values))
        .map_err(|e| e.to_string())?;
    let mut doc = xml::parse(&text)?;
    doc.set_attr("epoch", (live.version.epoch + 1).to_string());
    doc.set_attr("num_updates", "0");
    Ok(doc.to_xml())
}

fn values_map(secrets: &SecretValues) -> std::collections::BTreeMap<String, String> {
    secrets
        .ids()
        .filter_map(|id| Some((id.to_string(), secrets.get(id)?.to_string())))
        .collect()
}

/// Patches the CIB (see the module doc).
pub(super) fn run(
    work: Work,
    input: ApplyInput<'_>,
    tools: &Tools,
) -> Result<PacemakerOutcome, String> {
    let none = "the CIB was not changed";
    for _ in 0..ATTEMPTS {
        let live = read_live(tools).map_err(|e| format!("{e}; {none}"))?;
        if live.version != work.version {
            return Err(format!(
                "{}; {none}",
                Refusal::CibMoved {
                    planned: work.version.clone(),
                    live: live.version,
                }
            ));
        }
        let mut tools = tools.clone();
        tools.redact(&live_secrets(input.plan, &live.model));
        let cand = candidate(&live, input).map_err(|e| format!("{e}; {none}"))?;
        let dir = private_dir()?;
        let old = write_private(dir.path(), "live.xml", &live.text)?;
        let new = write_private(dir.path(), "candidate.xml", &cand)?;
        let Some(patch) = tools
            .crm_diff(&old, &new)
            .map_err(|e| format!("{e}; {none}"))?
        else {
            return Ok(PacemakerOutcome::AlreadyApplied);
        };
        match tools.cib_patch(&patch) {
            Ok(()) => return verify(work, input, &tools),
            Err(e) if e.status() == Some(CIB_OUTDATED) => continue,
            Err(e) => return Err(format!("{e}; {none}")),
        }
    }
    Err(format!(
        "the CIB kept changing (status updates) while apply patched it, {ATTEMPTS} times; {none}: try again"
    ))
}

/// After the patch: the live configuration must be the plan's.
fn verify(work: Work, input: ApplyInput<'_>, tools: &Tools) -> Result<PacemakerOutcome, String> {
    let after = read_live(tools).map_err(|e| format!("the CIB was patched, but {e}"))?;
    let left = known(&compare::compare(
        &input.plan.pacemaker,
        &after.model,
        input.secrets,
    ));
    if !left.is_empty() {
        return Err(format!(
            "the CIB was patched, but it still differs from the plan in {}",
            left.join(", ")
        ));
    }
    Ok(PacemakerOutcome::Applied {
        objects: work.objects,
        from: work.version,
        epoch_after: after.version.epoch,
        also_changed: work.also_changed,
    })
}
