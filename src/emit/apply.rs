//! `APPLY.md`: the order an operator applies the bundle in, with the exact
//! commands for the files this bundle has.
//!
//! Order: supply secrets → merge ini files (glance-api's first) → load the
//! Pacemaker configuration (which starts glance-api with its new config) →
//! register the endpoints → restart the consumers, which may look glance up
//! in the catalog → verify.

use super::endpoints::registry;
use super::{EmitOptions, Out, CRM_PATH, ENDPOINTS_PATH, PCS_PATH};
use crate::plan::{ids, AgentClass, Plan};
use serde::Serialize;

const TEMPLATE: &str = include_str!("templates/APPLY.md.hbs");

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

/// The primitive that runs glance-api, if any.
fn glance_primitive(plan: &Plan) -> Option<&str> {
    plan.pacemaker
        .primitives
        .iter()
        .find(|p| p.agent.kind.ends_with("glance-api"))
        .map(|p| p.id.as_str())
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

/// Renders APPLY.md from the other rendered files.
pub(crate) fn render(plan: &Plan, opts: &EmitOptions, outs: &[Out]) -> Out {
    let mut steps: Vec<(String, String)> = Vec::new();
    let has = |p: &str| outs.iter().any(|o| o.path == p);

    // 1. Secrets.
    let mut ph: Vec<(&str, &str)> = Vec::new(); // (id, path)
    for o in outs {
        for id in &o.secrets.placeholders {
            ph.push((id.as_str(), o.path.as_str()));
        }
    }
    if !ph.is_empty() {
        let mut body = String::from(
            "These files hold placeholders `<<glha-secret:ID>>` instead of secret\n\
             values (MANIFEST.json `secrets` says where each value comes from).\n\
             Replace each with its value, escaped for the file it is in: in\n\
             `.crm` files write `\\` as `\\\\` and `\"` as `\\\"`; in `.sh` files\n\
             write `'` as `'\\''`; in ini files write `$` as `$$`; inside a URL\n\
             percent-encode it. Keep the filled-in files mode 0600.\n\n",
        );
        for (id, path) in &ph {
            let from = plan
                .secret(id)
                .map(|s| match &s.source {
                    crate::plan::SecretSource::Env(n) => format!("environment variable `{n}`"),
                    crate::plan::SecretSource::File(p) => format!("file `{p}`"),
                    crate::plan::SecretSource::Literal(_) => "the spec".to_string(),
                })
                .unwrap_or_else(|| "(unknown)".to_string());
            body.push_str(&format!("- `{path}`: `<<glha-secret:{id}>>` from {from}\n"));
        }
        steps.push(("Supply the secrets".into(), body.trim_end().to_string()));
    }
    let sensitive: Vec<&str> = outs
        .iter()
        .filter(|o| o.secrets.sensitive)
        .map(|o| o.path.as_str())
        .collect();
    if !sensitive.is_empty() {
        let mut body = String::from(
            "These files hold secret values (mode 0600). Copy them only over\n\
             trusted channels and delete the copies after use:\n\n",
        );
        for p in sensitive {
            body.push_str(&format!("- `{p}`\n"));
        }
        steps.push((
            "Handle the files with secrets".into(),
            body.trim_end().to_string(),
        ));
    }

    // 2. Ini files, glance-api's first.
    let mut inis: Vec<&crate::plan::IniFile> = plan.ini.iter().collect();
    inis.sort_by_key(|f| f.service != "glance-api");
    if !inis.is_empty() {
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
        steps.push(("Merge the ini files".into(), body));
    }

    // 2b. Active/active: HAProxy and the kernel setting, before Pacemaker
    // starts the clones.
    if let Some(b) = &plan.balancer {
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
        steps.push(("Prepare HAProxy on every node".into(), body));
    }

    // 3. Pacemaker.
    let crm = has(CRM_PATH) && opts.backend.crm();
    let pcs = has(PCS_PATH) && opts.backend.pcs();
    if crm || pcs {
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
        if let Some(id) = glance_primitive(plan) {
            // A cloned glance-api restarts as its clone.
            let id = plan
                .pacemaker
                .clones
                .iter()
                .find(|c| c.resource == id)
                .map_or(id, |c| c.id.as_str());
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
        steps.push((
            "Load the Pacemaker configuration".into(),
            body.trim_end().to_string(),
        ));
    }

    // 4. Keystone.
    if has(ENDPOINTS_PATH) {
        steps.push((
            "Register the endpoints".into(),
            format!(
                "With admin credentials loaded (for example `. admin-openrc`):\n\n\
                 ```\nsh {ENDPOINTS_PATH}\n```\n\n\
                 It is safe to run again: it creates missing endpoints, fixes wrong\n\
                 URLs, and warns (without creating more) about duplicates."
            ),
        ));
    }

    // 5. Consumers.
    let consumers: Vec<&crate::plan::IniFile> = inis
        .iter()
        .copied()
        .filter(|f| f.service != "glance-api")
        .collect();
    if !consumers.is_empty() {
        let mut body = String::from(
            "Restart the services that read the merged files, one node at a time:\n\n",
        );
        for f in consumers {
            body.push_str(&format!("- {} (reads `{}`)\n", f.service, f.target));
        }
        steps.push(("Restart the consumers".into(), body.trim_end().to_string()));
    }

    // 6. Verify.
    let mut body = String::new();
    if crm {
        body.push_str("- `crm_mon -1`: every resource started, no failed actions\n");
    }
    if pcs {
        body.push_str("- `pcs status`: the same from pcs\n");
    }
    if let Some(b) = &plan.balancer {
        for a in &b.binds {
            let host = match a {
                std::net::IpAddr::V6(v6) => format!("[{v6}]"),
                other => other.to_string(),
            };
            body.push_str(&format!(
                "- `curl -s http://{host}:{}{}`: `OK` through HAProxy on the VIP\n",
                b.port, b.check_path
            ));
        }
    }
    if has(ENDPOINTS_PATH) {
        body.push_str(
            "- `openstack endpoint list --service image`: one endpoint per interface, with the URLs above\n",
        );
    }
    if !body.is_empty() {
        steps.push(("Verify".into(), body.trim_end().to_string()));
    }

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
    let contents = registry()
        .render_template(TEMPLATE, &data)
        .expect("the embedded APPLY template renders");
    Out {
        path: super::APPLY_PATH.to_string(),
        contents,
        script: false,
        target: None,
        secrets: Default::default(),
    }
}
