//! `APPLY.md`: the order an operator applies the bundle in, with the exact
//! commands for the files this bundle has.
//!
//! Order: supply secrets → prepare the image store → merge ini files
//! (glance-api's first) → load the Pacemaker configuration (which starts
//! glance-api with its new config) → register the endpoints → restart the
//! consumers, which may look glance up in the catalog → verify.

use super::{EmitOptions, Out, CRM_PATH, ENDPOINTS_PATH, PCS_PATH};
use crate::plan::{ids, AgentClass, Balancer, IniFile, Plan, SecretSource};
use serde::Serialize;

mod store;

#[derive(Serialize)]
struct Step {
    n: usize,
    title: String,
    body: String,
}

#[derive(Serialize)]
struct Data {
    intro: String,
    release: String,
    steps: Vec<Step>,
}

/// `systemctl disable` for the systemd units Pacemaker runs, or what to do
/// when it runs none.
fn disable_units(plan: &Plan) -> String {
    let units: Vec<&str> = plan
        .pacemaker
        .primitives
        .iter()
        .filter(|p| p.agent.class == AgentClass::Systemd)
        .map(|p| p.agent.kind.as_str())
        .collect();
    if units.is_empty() {
        "do not start them at boot\n  outside Pacemaker.".to_string()
    } else {
        format!(
            "`systemctl disable {}`\n  (they must not start at boot outside Pacemaker).",
            units.join(" ")
        )
    }
}

/// A step of APPLY.md: title and body.
type StepText = (String, String);

/// Which Pacemaker scripts the bundle has.
struct Scripts {
    crm: bool,
    pcs: bool,
}

/// Supplying the secrets whose placeholders the files hold.
fn secrets_step(plan: &Plan, outs: &[Out]) -> Option<StepText> {
    let ph: Vec<(&str, &str)> = outs
        .iter()
        .flat_map(|o| {
            o.secrets
                .placeholders
                .iter()
                .map(|id| (id.as_str(), o.path.as_str()))
        })
        .collect();
    if ph.is_empty() {
        return None;
    }
    let mut body = String::from(
        "These files hold placeholders `<<glha-secret:ID>>` instead of secret\n\
         values (MANIFEST.json `secrets` says where each value comes from).\n\
         Replace each with its value, escaped for the file it is in: in\n\
         `.crm` files write `\\` as `\\\\` and `\"` as `\\\"`; in `.sh` files\n\
         write `'` as `'\\''`; in ini files write `$` as `$$`; inside a URL\n\
         percent-encode it; in glance-swift.conf write `%` as `%%`. Keep the\n\
         filled-in files mode 0600.\n\n",
    );
    for (id, path) in &ph {
        let from = plan
            .secret(id)
            .map(|s| match &s.source {
                SecretSource::Env(n) => format!("environment variable `{n}`"),
                SecretSource::File(p) => format!("file `{p}`"),
                SecretSource::Literal(_) => "the spec".to_string(),
            })
            .unwrap_or_else(|| "(unknown)".to_string());
        body.push_str(&format!("- `{path}`: `<<glha-secret:{id}>>` from {from}\n"));
    }
    Some(("Supply the secrets".into(), body.trim_end().to_string()))
}

/// Handling the files that hold secret values.
fn sensitive_step(outs: &[Out]) -> Option<StepText> {
    let sensitive: Vec<&str> = outs
        .iter()
        .filter(|o| o.secrets.sensitive)
        .map(|o| o.path.as_str())
        .collect();
    if sensitive.is_empty() {
        return None;
    }
    let mut body = String::from(
        "These files hold secret values (mode 0600). Copy them only over\n\
         trusted channels and delete the copies after use:\n\n",
    );
    for p in sensitive {
        body.push_str(&format!("- `{p}`\n"));
    }
    Some((
        "Handle the files with secrets".into(),
        body.trim_end().to_string(),
    ))
}

/// The ini files, glance-api's first.
fn ini_files(plan: &Plan) -> Vec<&IniFile> {
    let mut inis: Vec<&IniFile> = plan.ini.iter().collect();
    inis.sort_by_key(|f| f.service.is_consumer());
    inis
}

/// Merging the ini files.
fn ini_step(plan: &Plan) -> Option<StepText> {
    let inis = ini_files(plan);
    if inis.is_empty() {
        return None;
    }
    let mut body = String::from(
        "Each file holds only the settings glha manages. Merge them into the\n\
         live file (keep its other settings) and delete the stale keys its\n\
         header lists:\n\n",
    );
    for f in &inis {
        let bp = super::ini::bundle_path(f);
        let whom = match &f.node {
            Some(n) => format!("on node `{n}`"),
            None => "on every node that runs it".to_string(),
        };
        body.push_str(&format!(
            "- `{bp}` → `{}` ({}, {whom})\n",
            f.target, f.service
        ));
    }
    body.push_str("\nA key written several times is a multi-valued option: keep every line.");
    Some(("Merge the ini files".into(), body))
}

/// Active/active: HAProxy and the kernel setting, before Pacemaker starts
/// the clones.
fn haproxy_step(plan: &Plan, b: &Balancer) -> StepText {
    let sysctl = super::ini::files_path(None, &b.sysctl_target);
    let section = super::ini::files_path(None, &b.target);
    let mut body = format!(
        "glance-api runs on every node behind HAProxy, which Pacemaker runs as the\n\
         clone `{clone}`. On every node:\n\n\
         - Install `{sysctl}` as `{t}` and load it: `sysctl -p {t}`\n  \
         (HAProxy binds the VIPs also where they are not up).\n\
         - Merge `{section}` into `{cfg}`: replace a `listen {name}` section\n  \
         already there, else append it; keep the `global` and `defaults` sections.\n  \
         Check it: `haproxy -c -f {cfg}`.\n\
         - Let Pacemaker alone start HAProxy and glance-api: {disable}\n\
         - If HAProxy already runs, `systemctl reload haproxy` reads the merged file\n  \
         (restarting `{clone}` would move the VIPs too).\n",
        t = b.sysctl_target,
        cfg = b.target,
        name = b.name,
        disable = disable_units(plan),
        clone = ids::HAPROXY_CLONE,
    );
    body.push_str(&format!(
        "\nHAProxy checks each node's glance-api with `GET {}` every {}; a node is out\n\
         after {} failed checks and back after {} good ones.",
        b.check_path,
        b.check_interval.haproxy(),
        b.fall,
        b.rise
    ));
    for note in &b.notes {
        body.push_str("\n\n");
        body.push_str(note);
    }
    ("Prepare HAProxy on every node".into(), body)
}

/// Loading the Pacemaker configuration, and restarting glance-api.
fn pacemaker_step(plan: &Plan, scripts: &Scripts) -> Option<StepText> {
    let Scripts { crm, pcs } = *scripts;
    if !crm && !pcs {
        return None;
    }
    let mut body = String::from("On one cluster node, with the cluster running:\n\n");
    if crm {
        body.push_str(&format!(
            "- crmsh, all or nothing, also to re-apply over existing objects:\n  \
             `sed '/^commit$/d' {CRM_PATH} | crm configure load update -`\n  \
             (on a cluster without these objects `crm configure < {CRM_PATH}` works too;\n  \
             to try it on a copy first: `crm cib new glha` then `crm cib use glha`).\n"
        ));
    }
    if pcs {
        body.push_str(&format!(
            "- pcs: `sh {PCS_PATH}`; to try it on a copy first, see the comment at its top.\n"
        ));
    }
    if crm && pcs {
        body.push_str("\nUse one of the two, not both: they build the same configuration.\n");
    }
    {
        let id = plan.service_resource();
        let how: Vec<String> = [(crm, "crm"), (pcs, "pcs")]
            .iter()
            .filter(|(on, _)| *on)
            .map(|(_, tool)| format!("`{tool} resource restart {id}`"))
            .collect();
        body.push_str(&format!(
            "\nIf `{id}` was already running, restart it so it reads the merged\n\
             config: {}.\n",
            how.join(" or ")
        ));
    }
    Some((
        "Load the Pacemaker configuration".into(),
        body.trim_end().to_string(),
    ))
}

/// Registering the endpoints.
fn endpoints_step() -> StepText {
    (
        "Register the endpoints".into(),
        format!(
            "With admin credentials loaded (for example `. admin-openrc`):\n\n\
             ```\nsh {ENDPOINTS_PATH}\n```\n\n\
             It is safe to run again: it creates missing endpoints, fixes wrong\n\
             URLs, enables disabled ones, and warns (without creating more)\n\
             about duplicates."
        ),
    )
}

/// Restarting the services that read the consumers' files.
fn consumers_step(plan: &Plan) -> Option<StepText> {
    let consumers: Vec<&IniFile> = ini_files(plan)
        .into_iter()
        .filter(|f| f.service.is_consumer())
        .collect();
    if consumers.is_empty() {
        return None;
    }
    let mut body =
        String::from("Restart the services that read the merged files, one node at a time:\n\n");
    for f in consumers {
        body.push_str(&format!("- {} (reads `{}`)\n", f.service, f.target));
    }
    Some(("Restart the consumers".into(), body.trim_end().to_string()))
}

/// Checking the result.
fn verify_step(plan: &Plan, scripts: &Scripts, endpoints: bool) -> Option<StepText> {
    let mut body = String::new();
    if scripts.crm {
        body.push_str("- `crm_mon -1`: every resource started, no failed actions\n");
    }
    if scripts.pcs {
        body.push_str("- `pcs status`: the same from pcs\n");
    }
    if let Some(b) = &plan.balancer {
        for a in &b.binds {
            let url = crate::plan::Url::new(crate::plan::Scheme::Http, *a, b.port);
            body.push_str(&format!(
                "- `curl -s {url}{}`: `OK` through HAProxy on the VIP\n",
                b.check_path
            ));
        }
    }
    if endpoints {
        body.push_str(
            "- `openstack endpoint list --service image`: one endpoint per interface, with the URLs above\n",
        );
    }
    (!body.is_empty()).then(|| ("Verify".into(), body.trim_end().to_string()))
}

/// Renders APPLY.md from the other rendered files. Order: secrets → the
/// image store → ini files → HAProxy (active/active) → Pacemaker →
/// endpoints → consumers → verify.
pub(crate) fn render(plan: &Plan, opts: &EmitOptions, outs: &[Out]) -> Out {
    let has = |p: &str| outs.iter().any(|o| o.path == p);
    let scripts = Scripts {
        crm: has(CRM_PATH) && opts.backend.crm(),
        pcs: has(PCS_PATH) && opts.backend.pcs(),
    };
    let endpoints = has(ENDPOINTS_PATH);
    let steps: Vec<StepText> = [
        secrets_step(plan, outs),
        sensitive_step(outs),
        store::step(plan),
        ini_step(plan),
        plan.balancer.as_ref().map(|b| haproxy_step(plan, b)),
        pacemaker_step(plan, &scripts),
        endpoints.then(endpoints_step),
        consumers_step(plan),
        verify_step(plan, &scripts, endpoints),
    ]
    .into_iter()
    .flatten()
    .collect();
    let data = Data {
        intro: super::generated_by(plan),
        release: plan.release.to_string(),
        steps: steps
            .into_iter()
            .enumerate()
            .map(|(i, (title, body))| Step {
                n: i + 1,
                title,
                body,
            })
            .collect(),
    };
    let contents = super::template::templates()
        .render(super::template::APPLY, &data)
        .expect("the embedded APPLY template renders");
    Out {
        path: super::APPLY_PATH.to_string(),
        contents,
        script: false,
        target: None,
        secrets: Default::default(),
    }
}
