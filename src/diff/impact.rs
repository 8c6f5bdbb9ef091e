//! What applying a plan does to running services: the transition Pacemaker
//! would run for the Pacemaker changes ([`Impact`], predicted by
//! `crm_simulate` on a candidate CIB), and the daemons that must restart to
//! read the changed files ([`Restart`]).
//!
//! crm_simulate's XML output (its `<actions>` list, the structured form of
//! the "Transition Summary" it prints for people) is read into glha's own
//! [`Transition`]; glha renders that, never crm_simulate's text.

use super::{ChangeKind, FileReport, IniReport, PcmkChange};
use crate::command::Command;
use crate::emit::{cib, SecretMode};
use crate::plan::{ids, Pacemaker, Plan, ServiceKind, Value};
use crate::secret::SecretValues;
use crate::tools::Tools;
use crate::xml::{self, Elem};
use serde::{Deserialize, Serialize};
use std::io::Write as _;
use std::os::unix::fs::OpenOptionsExt;

/// What Pacemaker does to a resource, as crm_simulate names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(into = "String", from = "String")]
pub enum ActionKind {
    /// Started where it was stopped.
    Start,
    /// Stopped.
    Stop,
    /// Stopped and started on the same node.
    Restart,
    /// Stopped on one node, started on another.
    Move,
    /// Live-migrated to another node.
    Migrate,
    /// Recovered after a failure (stop, start).
    Recover,
    /// Reloaded by its agent, without a restart.
    Reload,
    /// Promoted.
    Promote,
    /// Demoted.
    Demote,
    /// Demoted and promoted again.
    RePromote,
    /// An action this glha does not know, as crm_simulate named it.
    Other(String),
}

impl ActionKind {
    const KNOWN: [(ActionKind, &'static str); 10] = [
        (ActionKind::Start, "start"),
        (ActionKind::Stop, "stop"),
        (ActionKind::Restart, "restart"),
        (ActionKind::Move, "move"),
        (ActionKind::Migrate, "migrate"),
        (ActionKind::Recover, "recover"),
        (ActionKind::Reload, "reload"),
        (ActionKind::Promote, "promote"),
        (ActionKind::Demote, "demote"),
        (ActionKind::RePromote, "re-promote"),
    ];

    /// As crm_simulate's XML names it (`restart`, `re-promote`).
    pub fn as_str(&self) -> &str {
        match self {
            ActionKind::Other(s) => s,
            known => Self::KNOWN
                .iter()
                .find(|(k, _)| k == known)
                .map_or("", |(_, s)| s),
        }
    }

    /// Whether the resource's process starts anew (it reads its files).
    pub fn starts_process(&self) -> bool {
        matches!(
            self,
            ActionKind::Start
                | ActionKind::Restart
                | ActionKind::Move
                | ActionKind::Migrate
                | ActionKind::Recover
        )
    }
}

impl From<String> for ActionKind {
    fn from(s: String) -> Self {
        let lower = s.to_ascii_lowercase();
        Self::KNOWN
            .iter()
            .find(|(_, n)| *n == lower)
            .map_or(ActionKind::Other(s), |(k, _)| k.clone())
    }
}

impl From<ActionKind> for String {
    fn from(k: ActionKind) -> String {
        k.as_str().to_string()
    }
}

/// What happens to one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceAction {
    /// What.
    pub action: ActionKind,
    /// The resource (a clone's instance is `id:N`).
    pub resource: String,
    /// The node it runs on now, if it runs.
    pub from: Option<String>,
    /// The node it will run on, where that is another node or it does not
    /// run yet.
    pub to: Option<String>,
    /// Its role now (promotable clones).
    pub role: Option<String>,
    /// Its role after.
    pub next_role: Option<String>,
    /// Why, in crm_simulate's words ("resource definition change",
    /// "required p_ip_glance-api start").
    pub reason: Option<String>,
    /// Whether Pacemaker cannot do it (it waits for something).
    pub blocked: bool,
}

/// What happens to a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum NodeActionKind {
    /// Fenced.
    Fence {
        /// `reboot`, `off`.
        how: String,
    },
    /// Shut down cleanly.
    Shutdown,
    /// Another node action, as crm_simulate named it.
    Other {
        /// Its name.
        task: String,
    },
}

/// What happens to one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NodeAction {
    /// What.
    #[serde(flatten)]
    pub kind: NodeActionKind,
    /// The node.
    pub node: String,
    /// Why, in crm_simulate's words.
    pub reason: Option<String>,
}

/// A recurring operation scheduled or cancelled on a resource that
/// otherwise keeps running: a changed monitor, which restarts nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecurringOp {
    /// The resource.
    pub resource: String,
    /// `monitor` (scheduled) or `cancel`.
    pub op: String,
    /// Its interval (`30s`, `1500ms`).
    pub interval: String,
    /// The node.
    pub node: String,
}

impl RecurringOp {
    /// `monitor p_glance-api every 30s on node1`.
    pub fn line(&self) -> String {
        match self.op.as_str() {
            "cancel" => format!(
                "cancel the {} recurring operation of {} on {}",
                self.interval, self.resource, self.node
            ),
            op => format!(
                "{op} {} every {} on {}",
                self.resource, self.interval, self.node
            ),
        }
    }
}

/// A transition: everything Pacemaker does to reach the configuration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transition {
    /// Fencing and shutdowns, first (Pacemaker fences before it recovers).
    pub nodes: Vec<NodeAction>,
    /// Resource actions, in crm_simulate's order.
    pub resources: Vec<ResourceAction>,
    /// Recurring operations changed on resources that keep running.
    #[serde(default)]
    pub recurring: Vec<RecurringOp>,
}

impl Transition {
    /// Whether nothing happens.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty() && self.resources.is_empty() && self.recurring.is_empty()
    }

    /// Whether nothing stops, starts, moves or is fenced (a monitor may
    /// change).
    pub fn disrupts_nothing(&self) -> bool {
        self.nodes.is_empty() && self.resources.is_empty()
    }

    /// One line per action, as glha shows them.
    pub fn lines(&self) -> Vec<String> {
        self.nodes
            .iter()
            .map(NodeAction::line)
            .chain(self.resources.iter().map(ResourceAction::line))
            .chain(self.recurring.iter().map(RecurringOp::line))
            .collect()
    }
}

impl ResourceAction {
    /// `restart p_ip on node1: due to resource definition change`.
    pub fn line(&self) -> String {
        let mut s = format!("{} {}", self.action.as_str(), self.resource);
        match (&self.from, &self.to) {
            (Some(a), Some(b)) if a != b => s.push_str(&format!(" ({a} -> {b})")),
            (Some(a), _) | (None, Some(a)) => s.push_str(&format!(" on {a}")),
            (None, None) => {}
        }
        match (&self.role, &self.next_role) {
            (Some(r), Some(n)) if r != n => s.push_str(&format!(" [{r} -> {n}]")),
            (Some(r), _) | (None, Some(r)) => s.push_str(&format!(" [{r}]")),
            (None, None) => {}
        }
        match (&self.reason, self.blocked) {
            (Some(r), false) => s.push_str(&format!(": due to {r}")),
            (Some(r), true) => s.push_str(&format!(": due to {r} (blocked)")),
            (None, true) => s.push_str(": blocked"),
            (None, false) => {}
        }
        s
    }
}

impl NodeAction {
    /// `fence (reboot) node1: peer is no longer part of the cluster`.
    pub fn line(&self) -> String {
        let mut s = match &self.kind {
            NodeActionKind::Fence { how } => format!("fence ({how}) {}", self.node),
            NodeActionKind::Shutdown => format!("shut down {}", self.node),
            NodeActionKind::Other { task } => format!("{task} {}", self.node),
        };
        if let Some(r) = &self.reason {
            s.push_str(&format!(": {r}"));
        }
        s
    }
}

/// The predicted effect of the Pacemaker changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Impact {
    /// crm_simulate ran on the live CIB with the plan applied.
    Predicted {
        /// What the cluster does once the plan is applied.
        transition: Transition,
        /// What it would do anyway, on the live CIB as it is: a cluster
        /// that is not settled (a failed resource, a node to fence).
        pending: Transition,
        /// Parameters whose secret was not supplied: the prediction
        /// assumes their live value stays (`primitive: param`).
        assumed_unchanged: Vec<String>,
    },
    /// The plan changes nothing in Pacemaker.
    NoChange,
    /// Not computed, and why.
    NotComputed {
        /// Why ("crm_simulate not found", "the CIB has no status section").
        reason: String,
    },
}

impl Impact {
    /// The transition predicted, if one was.
    pub fn transition(&self) -> Option<&Transition> {
        match self {
            Impact::Predicted { transition, .. } => Some(transition),
            _ => None,
        }
    }
}

/// Predicts what applying `changes` does: the live CIB `live_text` (read
/// into `live`) with the plan applied, simulated by crm_simulate, and the
/// live CIB as it is, for what is pending anyway.
pub(crate) fn predict(
    plan: &Plan,
    live_text: &str,
    live: &Pacemaker,
    changes: &[PcmkChange],
    secrets: &SecretValues,
    tools: Option<&Tools>,
) -> Impact {
    let not = |reason: String| Impact::NotComputed { reason };
    if changes.iter().all(|c| c.kind == ChangeKind::Unknown) {
        return Impact::NoChange;
    }
    let Some(tools) = tools else {
        return not("no program runner was given".into());
    };
    let root = match xml::parse(live_text) {
        Ok(r) => r,
        Err(e) => return not(format!("the CIB cannot be read: {e}")),
    };
    if !root
        .kids("status")
        .any(|s| s.kids("node_state").next().is_some())
    {
        return not(
            "the CIB has no status section; give `cibadmin -Q` of a running cluster".into(),
        );
    }
    let (candidate, assumed_unchanged) = match simulation_candidate(plan, live_text, live, secrets)
    {
        Ok(c) => c,
        Err(e) => return not(format!("cannot build the candidate CIB: {e}")),
    };
    let mut tools = tools.clone();
    tools.redact(&live_secrets(plan, live));
    let run = || -> Result<(Transition, Transition), String> {
        let dir = private_dir()?;
        let cand = write_private(dir.path(), "candidate.xml", &candidate)?;
        let now = write_private(dir.path(), "live.xml", live_text)?;
        // The two simulations are independent: run them side by side.
        let simulate = |cib: &std::path::Path| -> Result<Transition, String> {
            parse(&tools.simulate(cib).map_err(|e| e.to_string())?)
        };
        let (transition, pending) = std::thread::scope(|s| {
            let pending = s.spawn(|| simulate(&now));
            let transition = simulate(&cand);
            let pending = pending
                .join()
                .unwrap_or_else(|_| Err("crm_simulate's reader panicked".into()));
            (transition, pending)
        });
        Ok((transition?, pending?))
    };
    match run() {
        Ok((transition, pending)) => Impact::Predicted {
            transition,
            pending,
            assumed_unchanged,
        },
        Err(e) => not(e),
    }
}

/// The live values of parameters that hold a secret (by their name, or
/// because the plan puts one there): a tool that quotes one in an error
/// must not make glha print it.
pub(crate) fn live_secrets(plan: &Plan, live: &Pacemaker) -> SecretValues {
    let mut out = std::collections::BTreeMap::new();
    for l in &live.primitives {
        let planned = plan.pacemaker.primitive(&l.id);
        for (k, v) in &l.params {
            let secret = crate::secret::is_sensitive_name(k)
                || planned
                    .is_some_and(|p| p.params.iter().any(|(pk, pv)| pk == k && pv.is_sensitive()));
            if let (true, Value::Plain(text)) = (secret, v) {
                out.insert(format!("live:{}:{k}", l.id), text.clone());
            }
        }
    }
    SecretValues::from_map(out)
}

/// The candidate to simulate: secret values where known; where not, the
/// live value of the parameter (not a placeholder, which would read as a
/// definition change and predict a restart that will not happen).
fn simulation_candidate(
    plan: &Plan,
    live_text: &str,
    live: &Pacemaker,
    secrets: &SecretValues,
) -> Result<(String, Vec<String>), String> {
    let known = secrets
        .ids()
        .filter_map(|id| Some((id.to_string(), secrets.get(id)?.to_string())))
        .collect();
    let text =
        cib::candidate(live_text, plan, &SecretMode::Embed(known)).map_err(|e| e.to_string())?;
    let mut doc = xml::parse(&text)?;
    let mut assumed = Vec::new();
    for p in &plan.pacemaker.primitives {
        for (k, v) in &p.params {
            if v.render(secrets).complete() {
                continue;
            }
            let Some(Value::Plain(lv)) = live
                .primitive(&p.id)
                .and_then(|l| l.params.iter().find(|(lk, _)| lk == k))
                .map(|(_, v)| v)
            else {
                continue;
            };
            let id = ids::nvpair(&ids::instance_attributes(&p.id), k);
            if let Some(pair) = doc.find_mut_by(|e| e.name == "nvpair" && e.attr("id") == Some(&id))
            {
                pair.set_attr("value", lv.clone());
                assumed.push(format!("{}: param {k}", p.id));
            }
        }
    }
    Ok((doc.to_xml(), assumed))
}

/// A directory only this user can enter: CIBs hold secrets.
pub(crate) fn private_dir() -> Result<tempfile::TempDir, String> {
    tempfile::Builder::new()
        .prefix("glha-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary directory: {e}"))
}

/// Writes `text` to `dir/name`, readable by this user only.
pub(crate) fn write_private(
    dir: &std::path::Path,
    name: &str,
    text: &str,
) -> Result<std::path::PathBuf, String> {
    let path = dir.join(name);
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)
        .and_then(|mut f| f.write_all(text.as_bytes()).map(|()| f))
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    f.flush().map_err(|e| e.to_string())?;
    Ok(path)
}

/// Reads crm_simulate's XML output into a [`Transition`].
pub fn parse(output: &str) -> Result<Transition, String> {
    let root = xml::parse(output).map_err(|e| format!("crm_simulate's output: {e}"))?;
    if root.name != "pacemaker-result" {
        return Err(format!(
            "crm_simulate's output is <{}>, not <pacemaker-result>",
            root.name
        ));
    }
    if let Some(s) = root.kids("status").next() {
        if s.attr("code") != Some("0") {
            return Err(format!(
                "crm_simulate reports status {}: {}",
                s.attr("code").unwrap_or("?"),
                s.attr("message").unwrap_or("")
            ));
        }
    }
    let mut t = Transition::default();
    for a in root.kids("actions").flat_map(|a| a.children.iter()) {
        match a.name.as_str() {
            "rsc_action" => t.resources.push(resource_action(a)?),
            "node_action" => t.nodes.push(node_action(a)?),
            _ => {}
        }
    }
    // The executed transition's recurring operations, on resources the
    // summary leaves alone (a started resource's monitors are part of its
    // start).
    for a in root.kids("transition").flat_map(|t| t.kids("rsc_action")) {
        let (Some(rsc), Some(op), Some(node), Some(ms)) = (
            a.attr("resource"),
            a.attr("op"),
            a.attr("node"),
            a.attr("interval").and_then(|i| i.parse::<u64>().ok()),
        ) else {
            continue;
        };
        if ms == 0 || t.resources.iter().any(|r| r.resource == rsc) {
            continue;
        }
        t.recurring.push(RecurringOp {
            resource: rsc.to_string(),
            op: op.to_string(),
            interval: if ms % 1000 == 0 {
                format!("{}s", ms / 1000)
            } else {
                format!("{ms}ms")
            },
            node: node.to_string(),
        });
    }
    Ok(t)
}

fn need<'a>(e: &'a Elem, attr: &str) -> Result<&'a str, String> {
    e.attr(attr)
        .ok_or_else(|| format!("crm_simulate's <{}> has no {attr}", e.name))
}

fn resource_action(e: &Elem) -> Result<ResourceAction, String> {
    let action = ActionKind::from(need(e, "action")?.to_string());
    let own = |a: &str| e.attr(a).map(str::to_string);
    // crm_simulate gives a single `node` for a start (where it goes) and a
    // stop (where it was); `source` and `dest` otherwise.
    let node = own("node");
    let (from, to) = match (own("source"), own("dest")) {
        (None, None) if action == ActionKind::Start => (None, node),
        (None, None) => (node, None),
        (s, d) => (s, d),
    };
    Ok(ResourceAction {
        action,
        resource: need(e, "resource")?.to_string(),
        from,
        to,
        role: own("role"),
        next_role: own("next-role"),
        reason: own("reason"),
        blocked: e.attr("blocked") == Some("true"),
    })
}

fn node_action(e: &Elem) -> Result<NodeAction, String> {
    let task = need(e, "task")?;
    let kind = if let Some(how) = task
        .strip_prefix("Fence (")
        .and_then(|r| r.strip_suffix(')'))
    {
        NodeActionKind::Fence { how: how.into() }
    } else if task == "Shutdown" {
        NodeActionKind::Shutdown
    } else {
        NodeActionKind::Other {
            task: task.to_string(),
        }
    };
    Ok(NodeAction {
        kind,
        node: need(e, "node")?.to_string(),
        reason: e.attr("reason").map(str::to_string),
    })
}

/// How a service is restarted to read its changed files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by", rename_all = "snake_case")]
pub enum RestartHow {
    /// Pacemaker runs it: restart its resource.
    Pacemaker {
        /// The resource.
        resource: String,
        /// The command.
        command: Command,
        /// Whether the predicted transition already starts it anew.
        by_transition: bool,
    },
    /// The host's service manager runs the daemons.
    Host {
        /// Where ("on every node running them").
        scope: String,
        /// A command to run there instead of a restart, if one does it.
        command: Option<Command>,
    },
}

/// A service that must restart (or reload) to read changed files.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restart {
    /// The service (`glance-api`, `nova`, `haproxy`, `sysctl`).
    pub service: String,
    /// Its daemons, by name.
    pub daemons: Vec<String>,
    /// How.
    pub how: RestartHow,
    /// The changed files it reads.
    pub files: Vec<String>,
}

impl Restart {
    /// One line, as glha shows it.
    pub fn line(&self) -> String {
        let files = self.files.join(", ");
        match &self.how {
            RestartHow::Pacemaker {
                command,
                by_transition: true,
                ..
            } => format!(
                "{}: the transition above starts it anew (write {files} on every node first); else `{command}`",
                self.service
            ),
            RestartHow::Pacemaker { command, .. } => {
                format!("{}: `{command}` (reads {files})", self.service)
            }
            RestartHow::Host {
                scope,
                command: Some(c),
            } => format!("{}: `{c}` {scope} (reads {files})", self.service),
            RestartHow::Host {
                scope,
                command: None,
            } => format!(
                "{}: restart {} {scope} (reads {files})",
                self.service,
                self.daemons.join(", ")
            ),
        }
    }
}

/// Where consumers' daemons run.
const EVERY_NODE: &str = "on every node running them";

/// The services that must restart to read the files that change.
pub(crate) fn restarts(
    plan: &Plan,
    ini: &[IniReport],
    files: &[FileReport],
    impact: &Impact,
) -> Vec<Restart> {
    let mut out: Vec<Restart> = Vec::new();
    let mut add = |service: &str, daemons: Vec<String>, how: RestartHow, file: &str| match out
        .iter_mut()
        .find(|r| r.service == service)
    {
        Some(r) if !r.files.iter().any(|f| f == file) => r.files.push(file.to_string()),
        Some(_) => {}
        None => out.push(Restart {
            service: service.to_string(),
            daemons,
            how,
            files: vec![file.to_string()],
        }),
    };
    for f in ini {
        if !f.changes.iter().any(|c| c.kind != ChangeKind::Unknown) {
            continue;
        }
        // glance-swift.conf is glance-api's too.
        let swift = super::swift_conf::of(plan)
            .filter(|c| c.target == f.target && f.node.is_none())
            .map(|_| ServiceKind::GlanceApi);
        let Some(kind) = plan
            .ini
            .iter()
            .find(|p| p.target == f.target && p.node == f.node)
            .map(|p| p.service)
            .or(swift)
        else {
            continue;
        };
        let daemons = kind.daemons().iter().map(|d| d.to_string()).collect();
        let how = if kind == ServiceKind::GlanceApi {
            let resource = plan.service_resource();
            RestartHow::Pacemaker {
                command: Tools::crm_resource_restart(&resource),
                by_transition: starts_anew(impact, &ids::service(&plan.service)),
                resource,
            }
        } else {
            RestartHow::Host {
                scope: EVERY_NODE.into(),
                command: None,
            }
        };
        add(kind.name(), daemons, how, &f.target);
    }
    if let Some(b) = &plan.balancer {
        for f in files.iter().filter(|f| f.changed) {
            if f.target == b.target {
                let resource = plan
                    .haproxy_resource()
                    .unwrap_or(ids::HAPROXY_CLONE)
                    .to_string();
                let how = RestartHow::Pacemaker {
                    command: Tools::crm_resource_restart(&resource),
                    by_transition: starts_anew(impact, ids::HAPROXY),
                    resource,
                };
                add("haproxy", vec!["haproxy".into()], how, &f.target);
            } else if f.target == b.sysctl_target {
                let how = RestartHow::Host {
                    scope: "on every node".into(),
                    command: Some(Command::new(["sysctl", "-p", &f.target])),
                };
                add("sysctl", Vec::new(), how, &f.target);
            }
        }
    }
    out
}

/// Whether the predicted transition starts `primitive` (or an instance of
/// it) anew.
fn starts_anew(impact: &Impact, primitive: &str) -> bool {
    impact.transition().is_some_and(|t| {
        t.resources.iter().any(|a| {
            a.action.starts_process()
                && (a.resource == primitive
                    || a.resource
                        .strip_prefix(primitive)
                        .is_some_and(|r| r.starts_with(':')))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// crm_simulate 2.1.5's output for a changed VIP address (trimmed).
    const VIP: &str = r#"<pacemaker-result api-version="2.25" request="crm_simulate -S -x c.xml --output-as=xml">
  <cluster_status><nodes/><resources/></cluster_status>
  <actions>
    <rsc_action action="restart" resource="p_ip_glance-api" source="controller1" reason="resource definition change"/>
    <rsc_action action="restart" resource="p_glance-api" source="controller1" reason="required p_ip_glance-api start"/>
  </actions>
  <transition>
    <rsc_action resource="p_glance-api" op="stop" node="controller1"/>
  </transition>
  <status code="0" message="OK"/>
</pacemaker-result>"#;

    /// A node to fence, resources moving away from it, a fencing device to
    /// start.
    const FENCE: &str = r#"<pacemaker-result api-version="2.25" request="x">
  <actions>
    <node_action task="Fence (reboot)" node="controller1" reason="peer is no longer part of the cluster"/>
    <rsc_action action="move" resource="p_ip_glance-api" source="controller1" dest="controller2"/>
    <rsc_action action="start" resource="st-null" node="controller2"/>
    <rsc_action action="stop" resource="p_x" node="controller2" reason="node availability" blocked="true"/>
    <rsc_action action="promote" resource="p_db:0" role="Unpromoted" next-role="Promoted" source="controller2"/>
    <rsc_action action="frobnicate" resource="p_y" node="controller2"/>
  </actions>
  <status code="0" message="OK"/>
</pacemaker-result>"#;

    #[test]
    fn reads_restarts_with_their_reasons() {
        let t = parse(VIP).unwrap();
        assert_eq!(
            t.lines(),
            [
                "restart p_ip_glance-api on controller1: due to resource definition change",
                "restart p_glance-api on controller1: due to required p_ip_glance-api start",
            ]
        );
        assert!(t.nodes.is_empty());
    }

    #[test]
    fn reads_fencing_moves_roles_and_unknown_actions() {
        let t = parse(FENCE).unwrap();
        assert_eq!(
            t.lines(),
            [
                "fence (reboot) controller1: peer is no longer part of the cluster",
                "move p_ip_glance-api (controller1 -> controller2)",
                "start st-null on controller2",
                "stop p_x on controller2: due to node availability (blocked)",
                "promote p_db:0 on controller2 [Unpromoted -> Promoted]",
                "frobnicate p_y on controller2",
            ]
        );
        let json = serde_json::to_value(&t).unwrap();
        assert_eq!(json["nodes"][0]["action"], "fence");
        assert_eq!(json["nodes"][0]["how"], "reboot");
        assert_eq!(json["resources"][0]["action"], "move");
        assert_eq!(json["resources"][4]["action"], "frobnicate");
        let back: Transition = serde_json::from_value(json).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn a_changed_monitor_restarts_nothing() {
        let out = r#"<pacemaker-result api-version="2.25" request="x">
  <actions/>
  <transition>
    <rsc_action resource="p_glance-api" op="monitor" node="controller2" interval="30000"/>
    <rsc_action resource="p_glance-api" op="cancel" node="controller2" interval="60000"/>
    <rsc_action resource="p_other" op="monitor" node="controller2" interval="0"/>
  </transition>
  <status code="0" message="OK"/>
</pacemaker-result>"#;
        let t = parse(out).unwrap();
        assert!(t.disrupts_nothing() && !t.is_empty());
        assert_eq!(
            t.lines(),
            [
                "monitor p_glance-api every 30s on controller2",
                "cancel the 60s recurring operation of p_glance-api on controller2"
            ]
        );
        // A started resource's monitor belongs to its start.
        assert!(parse(VIP).unwrap().recurring.is_empty());
    }

    #[test]
    fn live_secret_values_are_redacted_by_name_and_by_plan() {
        let plan = crate::emit::testplan::seed();
        let mut live = plan.pacemaker.clone();
        for p in &mut live.primitives {
            for (k, v) in &mut p.params {
                *v = Value::Plain(format!("live-{k}"));
            }
        }
        let s = live_secrets(&plan, &live);
        let ids: Vec<&str> = s.ids().collect();
        assert!(ids.contains(&"live:st_controller1:password"), "{ids:?}");
        assert!(ids.iter().all(|id| !id.ends_with(":ip")), "{ids:?}");
        assert_eq!(s.get("live:st_controller1:password"), Some("live-password"));
    }

    #[test]
    fn bad_output_is_an_error_not_a_panic() {
        assert!(parse("").is_err());
        assert!(parse("<other/>").is_err());
        assert!(parse(r#"<pacemaker-result><actions><rsc_action action="start"/></actions></pacemaker-result>"#).is_err());
        let failed =
            r#"<pacemaker-result><status code="65" message="Invalid data"/></pacemaker-result>"#;
        assert_eq!(
            parse(failed).unwrap_err(),
            "crm_simulate reports status 65: Invalid data"
        );
        assert!(parse("<pacemaker-result/>").unwrap().is_empty());
    }
}
