//! crm_simulate on an offline CIB, read from its own output: the actions
//! it executed (`-S`) and its transition graph (`-G`).

use super::pcmk;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::Command;

/// One action of crm_simulate's transition graph.
#[derive(Debug)]
pub struct Action {
    /// The resource, without its clone instance.
    pub resource: String,
    /// `start`, `stop`, `monitor`, …
    pub op: String,
    /// Where.
    pub node: String,
    /// The ids of the actions it waits for.
    pub inputs: Vec<String>,
}

/// `p_fs_glance-api:1_start_0` → (`p_fs_glance-api`, `start`).
fn split_key(key: &str) -> Option<(String, String)> {
    let rest = key.strip_suffix("_0")?;
    let (rsc, op) = rest.rsplit_once('_')?;
    let rsc = rsc.split(':').next().unwrap_or(rsc);
    Some((rsc.to_string(), op.to_string()))
}

/// The transition graph crm_simulate wrote: action id → action.
pub fn graph(path: &Path) -> BTreeMap<String, Action> {
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
pub fn waits_for(g: &BTreeMap<String, Action>, from: &str, rsc: &str, node: &str) -> bool {
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
/// waits for `first`'s start there.
pub fn service_starts(g: &BTreeMap<String, Action>, rsc: &str, first: &str) -> Vec<(String, bool)> {
    g.iter()
        .filter(|(_, a)| a.resource == rsc && a.op == "start")
        .map(|(id, a)| (a.node.clone(), waits_for(g, id, first, &a.node)))
        .collect()
}

/// `* Resource action: RSC start on NODE` lines of `crm_simulate -S`, in
/// the order executed: (resource without instance, node).
pub fn executed_starts(out: &str) -> Vec<(String, String)> {
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
pub fn simulate(
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
pub fn run_simulate(
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
