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
use glha::plan::{ids, Plan};
use glha::EmitOptions;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// One action of crm_simulate's transition graph.
#[derive(Debug)]
struct Action {
    /// `RESOURCE_OP_INTERVAL`, the resource without its clone instance.
    resource: String,
    op: String,
    node: String,
    inputs: Vec<String>,
}

/// `p_fs_glance-api:1_start_0` → (`p_fs_glance-api`, `start`).
fn split_key(key: &str) -> Option<(String, String)> {
    let rest = key.strip_suffix("_0")?;
    let (rsc, op) = rest.rsplit_once('_')?;
    let rsc = rsc.split(':').next().unwrap_or(rsc);
    Some((rsc.to_string(), op.to_string()))
}

/// The transition graph crm_simulate wrote: action id → action.
fn graph(path: &Path) -> BTreeMap<String, Action> {
    let text = std::fs::read_to_string(path).unwrap();
    let root = glha::xml::parse(&text).unwrap();
    let mut out = BTreeMap::new();
    for syn in root.kids("synapse") {
        let Some(set) = syn.find("action_set") else {
            continue;
        };
        let Some(act) = set.children.first() else {
            continue;
        };
        let key = act.attr("operation_key").unwrap_or_default();
        let (resource, op) = split_key(key).unwrap_or_else(|| (key.to_string(), String::new()));
        let inputs = syn
            .find("inputs")
            .map(|i| {
                i.kids("trigger")
                    .filter_map(|t| t.children.first()?.attr("id").map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        out.insert(
            act.attr("id").unwrap_or_default().to_string(),
            Action {
                resource,
                op,
                node: act.attr("on_node").unwrap_or_default().to_string(),
                inputs,
            },
        );
    }
    out
}

/// Whether action `from` waits, directly or transitively, for `rsc`'s
/// start on `node`.
fn waits_for(g: &BTreeMap<String, Action>, from: &str, rsc: &str, node: &str) -> bool {
    let mut seen = BTreeSet::new();
    let mut todo = vec![from.to_string()];
    while let Some(id) = todo.pop() {
        let Some(a) = g.get(&id) else { continue };
        for i in &a.inputs {
            if let Some(b) = g.get(i) {
                if b.resource == rsc && b.op == "start" && b.node == node {
                    return true;
                }
            }
            if seen.insert(i.clone()) {
                todo.push(i.clone());
            }
        }
    }
    false
}

/// The nodes where `rsc` starts, per the graph, and whether each start
/// waits for the mount's start there.
fn service_starts(g: &BTreeMap<String, Action>, svc: &str, mount: &str) -> Vec<(String, bool)> {
    g.iter()
        .filter(|(_, a)| a.resource == svc && a.op == "start")
        .map(|(id, a)| (a.node.clone(), waits_for(g, id, mount, &a.node)))
        .collect()
}

/// `* Resource action: RSC start on NODE` lines of `crm_simulate -S`, in
/// the order executed: (resource without instance, node).
fn executed_starts(out: &str) -> Vec<(String, String)> {
    out.lines()
        .filter_map(|l| l.trim().strip_prefix("* Resource action:"))
        .filter_map(|l| {
            let w: Vec<&str> = l.split_whitespace().collect();
            match w.as_slice() {
                [rsc, "start", "on", node] => Some((
                    rsc.split(':').next().unwrap_or(rsc).to_string(),
                    node.to_string(),
                )),
                _ => None,
            }
        })
        .collect()
}

/// Loads `script` on a fresh CIB with `nodes` online and runs
/// `crm_simulate -S -G`: its output and graph; the CIB after the
/// transition is left at `dir/NAME.after.xml`.
fn simulate(
    dir: &Path,
    name: &str,
    nodes: &[String],
    script: &str,
) -> (String, BTreeMap<String, Action>) {
    let cib = pcmk::base_cib(dir, &format!("{name}.xml"), nodes);
    pcmk::crm_load(&cib, script);
    pcmk::verify(&cib);
    run_simulate(dir, name, &cib, &[])
}

/// `crm_simulate -S -x CIB -G … -O …` with `extra` arguments.
fn run_simulate(
    dir: &Path,
    name: &str,
    cib: &Path,
    extra: &[&str],
) -> (String, BTreeMap<String, Action>) {
    let graph_file = dir.join(format!("{name}.graph.xml"));
    let (ok, out) = pcmk::run(
        Command::new("crm_simulate")
            .arg("-S")
            .arg("-x")
            .arg(cib)
            .arg("-G")
            .arg(&graph_file)
            .arg("-O")
            .arg(dir.join(format!("{name}.after.xml")))
            .args(extra),
    );
    assert!(ok, "crm_simulate on {name}:\n{out}");
    (out, graph(&graph_file))
}

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
