//! Active/passive with HAProxy in front (an https endpoint): HAProxy runs
//! in the group after the VIPs, where the VIPs run, and glance-api after
//! it; shown by the real Pacemaker scheduler.
//!
//! For every spec (example or `ok-` case) whose group holds HAProxy, the
//! crm script is loaded into an offline CIB whose nodes are all online,
//! and `crm_simulate -S` runs the transition from nothing started, then
//! again with the node that took the group down. Read from crm_simulate's
//! own output:
//!
//! - the executed actions (`-S`): every VIP, HAProxy and glance-api start
//!   on one node, the same one;
//! - the transition graph (`-G`): HAProxy's start waits for each VIP's
//!   start (and the store mount's) on that node, glance-api's for
//!   HAProxy's.
//!
//! A control run with HAProxy taken out of the group must fail the graph
//! check, so the check can fail. (crmsh and pcs building the same CIB for
//! this shape is tests/conformance.rs's, for every example.)
//!
//! Missing tools skip loudly; with GLHA_REQUIRE_TOOLS=1 (CI) they fail.

mod common;

use common::pcmk;
use common::simulate::{executed_starts, run_simulate, service_starts, simulate};
use glha::plan::{ids, Plan};
use glha::EmitOptions;
use std::collections::BTreeSet;

/// The specs whose group holds HAProxy: (name, path).
fn specs() -> Vec<(String, camino::Utf8PathBuf)> {
    let mut paths = common::examples();
    paths.extend(
        std::fs::read_dir(common::root().join("tests/cases"))
            .unwrap()
            .filter_map(|e| camino::Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
            .filter(|p| p.file_name().is_some_and(|n| n.starts_with("ok-"))),
    );
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let (plan, _) = compile(&p);
            let in_group = plan
                .pacemaker
                .groups
                .iter()
                .any(|g| g.members.iter().any(|m| m == ids::HAPROXY));
            in_group.then(|| (p.file_stem().unwrap().to_string(), p))
        })
        .collect()
}

/// The plan (systemd units stood in for) and its crm script.
fn compile(spec: &camino::Utf8Path) -> (Plan, String) {
    let c = common::compile(spec, &glha::Options::default());
    let mut plan = c.plan.unwrap();
    pcmk::stand_in_for_systemd(&mut plan);
    let bundle = glha::emit::emit(&plan, &EmitOptions::default(), "simulate").unwrap();
    let crm = bundle.get(glha::emit::CRM_PATH).unwrap().to_string();
    (plan, crm)
}

/// What HAProxy must start after: the store's mount, if Pacemaker holds
/// one, and the VIP primitives of the plan.
fn before_haproxy(plan: &Plan) -> Vec<String> {
    let mount = ids::mount(&plan.service);
    plan.pacemaker
        .primitives
        .iter()
        .filter(|p| p.agent == glha::plan::AgentRef::ipaddr2() || p.id == mount)
        .map(|p| p.id.clone())
        .collect()
}

/// Where each of `rscs` starts (executed actions): one node, the same for
/// all, returned.
fn one_node(name: &str, out: &str, rscs: &[String]) -> String {
    let done = executed_starts(out);
    let nodes: BTreeSet<&String> = done
        .iter()
        .filter(|(r, _)| rscs.contains(r))
        .map(|(_, n)| n)
        .collect();
    let started: BTreeSet<&String> = done.iter().map(|(r, _)| r).collect();
    for r in rscs {
        assert!(started.contains(r), "{name}: {r} does not start\n{out}");
    }
    assert_eq!(nodes.len(), 1, "{name}: {rscs:?} start on {nodes:?}\n{out}");
    let first = nodes.iter().next().map(|n| n.to_string()).unwrap();
    first
}

/// The graph: HAProxy's start waits for every VIP's (and the mount's) on
/// `node`, and
/// glance-api's for HAProxy's. Returns whether it does.
fn ordered(
    g: &std::collections::BTreeMap<String, common::simulate::Action>,
    plan: &Plan,
    node: &str,
) -> bool {
    let Some(hp_id) = g
        .iter()
        .find(|(_, a)| a.resource == ids::HAPROXY && a.op == "start" && a.node == node)
        .map(|(id, _)| id.clone())
    else {
        return false;
    };
    let vips_first = before_haproxy(plan)
        .iter()
        .all(|v| common::simulate::waits_for(g, &hp_id, v, node));
    let svc = ids::service(&plan.service);
    let api_after = service_starts(g, &svc, ids::HAPROXY)
        .iter()
        .all(|(n, waits)| n == node && *waits);
    vips_first && api_after
}

#[test]
fn haproxy_runs_where_the_vips_run() {
    if !(pcmk::tools_present() && common::tool("crm_simulate")) {
        return;
    }
    let specs = specs();
    assert!(
        ["split-vips", "ok-https-store-mount"]
            .iter()
            .all(|want| specs.iter().any(|(n, _)| n == want)),
        "specs with HAProxy in the group: {:?}",
        specs.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for (name, path) in specs {
        let (plan, crm) = compile(&path);
        let text = std::fs::read_to_string(&path).unwrap();
        let mut together = before_haproxy(&plan);
        together.push(ids::HAPROXY.into());
        together.push(ids::service(&plan.service));
        let nodes = pcmk::node_names(&text);
        let tmp = tempfile::tempdir().unwrap();
        let (out, g) = simulate(tmp.path(), "cib", &nodes, &crm);
        let node = one_node(&name, &out, &together);
        assert!(ordered(&g, &plan, &node), "{name}: order on {node}\n{out}");
        eprintln!("crm_simulate {name} on {nodes:?}: {together:?} start on {node}, in group order");

        // Failover: that node goes down; everything moves together.
        let after = tmp.path().join("cib.after.xml");
        let (out, g) = run_simulate(tmp.path(), "failover", &after, &["-d", &node]);
        let moved = one_node(&name, &out, &together);
        assert_ne!(moved, node, "{name}: nothing moved\n{out}");
        assert!(
            ordered(&g, &plan, &moved),
            "{name}: order on {moved}\n{out}"
        );
        eprintln!("crm_simulate {name}, {node} down: all start on {moved}, in group order");

        // Control: HAProxy out of the group; the graph check must fail.
        let loose: String = crm
            .lines()
            .map(|l| match l.strip_prefix("group ") {
                Some(rest) => format!(
                    "group {}\n",
                    rest.replace(&format!(" {} ", ids::HAPROXY), " ")
                ),
                None => format!("{l}\n"),
            })
            .collect();
        assert_ne!(loose, crm, "{name}: HAProxy not in the group line");
        let (out, g) = simulate(tmp.path(), "control", &nodes, &loose);
        let svc_node = executed_starts(&out)
            .into_iter()
            .find(|(r, _)| *r == ids::service(&plan.service))
            .map(|(_, n)| n)
            .unwrap_or_default();
        assert!(
            !ordered(&g, &plan, &svc_node),
            "{name}: without the group HAProxy still waits for the VIPs\n{out}"
        );
    }
}
