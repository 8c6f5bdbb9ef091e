//! The image store's mount under a simulated cluster, with the real
//! Pacemaker scheduler.
//!
//! For every example whose store Pacemaker mounts, and the active/active
//! variant of each active/passive one, the crm script is loaded into an
//! offline CIB whose nodes (the spec's: two for the active/passive seed,
//! three for active/active) are all online, and `crm_simulate -S` runs the
//! transition from nothing started. Read from crm_simulate's own output:
//!
//! - the executed actions (`-S`): glance-api starts on one node
//!   (active/passive) or on every node (active/active), and on each of
//!   them the mount's start comes before glance-api's;
//! - the transition graph (`-G`): each start of glance-api waits,
//!   directly or through other actions, for the start of the mount on the
//!   same node.
//!
//! A control run with the ordering taken out (the mount out of the group,
//! the order constraint removed) must fail the graph check, so the check
//! can fail.
//!
//! Missing tools skip loudly; with GLHA_REQUIRE_TOOLS=1 (CI) they fail.

mod common;

use common::pcmk;
use common::simulate::{executed_starts, run_simulate, service_starts, simulate};
use glha::plan::{ids, Plan};
use glha::EmitOptions;
use std::collections::BTreeSet;

/// Each example with a Pacemaker mount, and the active/active variant of
/// each active/passive one: (name, spec text).
fn specs() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for spec in common::examples() {
        let text = std::fs::read_to_string(&spec).unwrap();
        if !text.contains("mount {") {
            continue;
        }
        let name = spec.file_stem().unwrap().to_string();
        if !text.contains("active_active") {
            let variant = text.replacen(
                "service glance-api {\n",
                "service glance-api {\n  mode = active_active\n",
                1,
            );
            assert_ne!(variant, text, "{name}: no service block to vary");
            out.push((format!("{name} (active/active)"), variant));
        }
        out.push((name, text));
    }
    out
}

fn compile(name: &str, text: &str) -> (Plan, String) {
    let c = glha::compile_str(&format!("{name}.glha"), text, &glha::Options::default());
    assert!(
        !c.diagnostics.has_errors(),
        "{name}:\n{}",
        glha::diagnostic::render(&c.diagnostics, &c.sources, false)
    );
    let mut plan = c.plan.unwrap();
    pcmk::stand_in_for_systemd(&mut plan);
    let bundle = glha::emit::emit(&plan, &EmitOptions::default(), "simulate").unwrap();
    let crm = bundle.get(glha::emit::CRM_PATH).unwrap().to_string();
    (plan, crm)
}

#[test]
fn the_mount_starts_before_glance_api_on_every_node_that_runs_it() {
    if !(pcmk::tools_present() && common::tool("crm_simulate")) {
        return;
    }
    let specs = specs();
    assert!(
        specs.iter().any(|(n, _)| n == "active-active") && specs.iter().any(|(n, _)| n == "seed"),
        "examples with a mount: {:?}",
        specs.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for (name, text) in specs {
        let (plan, crm) = compile(&name, &text);
        let svc = ids::service(&plan.service);
        let mount = ids::mount(&plan.service);
        let active_active = plan
            .pacemaker
            .clone_of(&ids::clone(&plan.service))
            .is_some();
        let nodes = pcmk::node_names(&text);
        let tmp = tempfile::tempdir().unwrap();
        let (out, g) = simulate(tmp.path(), "cib", &nodes, &crm);

        // Where glance-api starts: one node, or all of them.
        let starts = service_starts(&g, &svc, &mount);
        let want = if active_active { nodes.len() } else { 1 };
        assert_eq!(
            starts.len(),
            want,
            "{name}: glance-api starts {starts:?}\n{out}"
        );
        let on: BTreeSet<&String> = starts.iter().map(|(n, _)| n).collect();
        assert_eq!(on.len(), want, "{name}: {starts:?}");
        // The graph: each start waits for the mount on its node.
        for (node, waits) in &starts {
            assert!(
                waits,
                "{name}: {svc} start on {node} does not wait for {mount} there\n{out}"
            );
        }
        // The executed actions: the mount first, on each of those nodes.
        let done = executed_starts(&out);
        for (node, _) in &starts {
            let at = |rsc: &str| done.iter().position(|(r, n)| r == rsc && n == node);
            let (m, s) = (at(&mount), at(&svc));
            assert!(
                matches!((m, s), (Some(m), Some(s)) if m < s),
                "{name}: on {node} the mount starts at {m:?}, glance-api at {s:?}\n{out}"
            );
        }
        let evidence: Vec<&str> = out
            .lines()
            .filter(|l| {
                l.contains("start on")
                    && (l.contains(&format!("{svc} "))
                        || l.contains(&format!("{svc}:"))
                        || l.contains(&mount))
            })
            .map(str::trim)
            .collect();
        eprintln!(
            "crm_simulate {name} on {nodes:?}:\n  {}",
            evidence.join("\n  ")
        );

        // Failover (active/passive): the node running glance-api goes down;
        // the mount starts on another node before glance-api does there.
        if !active_active {
            let (down, _) = &starts[0];
            let after = tmp.path().join("cib.after.xml");
            let (out, g) = run_simulate(tmp.path(), "failover", &after, &["-d", down]);
            let moved = service_starts(&g, &svc, &mount);
            assert!(
                matches!(moved.as_slice(), [(n, true)] if n != down),
                "{name}: after {down} goes down: {moved:?}\n{out}"
            );
            eprintln!(
                "crm_simulate {name}, {down} down: glance-api starts on {} after the mount there",
                moved[0].0
            );
        }

        // Control: without the ordering, the graph check fails.
        let unordered = if active_active {
            crm.lines()
                .filter(|l| !l.starts_with(&format!("order {}", ids::mount_before(&plan.service))))
                .map(|l| format!("{l}\n"))
                .collect::<String>()
        } else {
            crm.lines()
                .map(|l| match l.strip_prefix("group ") {
                    Some(g) => format!("group {}\n", g.replace(&format!(" {mount} "), " ")),
                    None => format!("{l}\n"),
                })
                .collect::<String>()
        };
        assert_ne!(unordered, crm, "{name}: nothing to take out");
        let (out, g) = simulate(tmp.path(), "control", &nodes, &unordered);
        let starts = service_starts(&g, &svc, &mount);
        assert!(
            !starts.is_empty() && starts.iter().any(|(_, waits)| !waits),
            "{name}: without the ordering glance-api still waits for the mount: {starts:?}\n{out}"
        );
    }
}
