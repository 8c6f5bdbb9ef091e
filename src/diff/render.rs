//! The text form of a [`DiffReport`]: a summary first, then details.

use super::{ChangeKind, Compared, DiffReport, EndpointKind, Impact, StaleAction, StaleKey};
use std::fmt::Write;

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, s: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{s}\x1b[0m")
        } else {
            s.to_string()
        }
    }
    fn bold(&self, s: &str) -> String {
        self.wrap("1", s)
    }
    /// Colours one line of a unified diff.
    fn diff_line(&self, l: &str) -> String {
        if l.starts_with("+++") || l.starts_with("---") {
            self.bold(l)
        } else if l.starts_with('+') {
            self.wrap("32", l)
        } else if l.starts_with('-') {
            self.wrap("31", l)
        } else if l.starts_with("@@") {
            self.wrap("36", l)
        } else {
            l.to_string()
        }
    }
}

fn counts(kinds: impl Iterator<Item = ChangeKind>) -> String {
    let (mut add, mut change, mut remove, mut unknown) = (0, 0, 0, 0);
    for k in kinds {
        match k {
            ChangeKind::Add => add += 1,
            ChangeKind::Change => change += 1,
            ChangeKind::Remove => remove += 1,
            ChangeKind::Unknown => unknown += 1,
        }
    }
    let mut parts = Vec::new();
    for (n, what) in [
        (add, "to add"),
        (change, "to change"),
        (remove, "to remove"),
    ] {
        if n > 0 {
            parts.push(format!("{n} {what}"));
        }
    }
    if unknown > 0 {
        parts.push(format!("{unknown} unknown (sensitive, not compared)"));
    }
    if parts.is_empty() {
        "no changes".into()
    } else {
        parts.join(", ")
    }
}

/// The stale keys left in place (those removed are `-` changes above):
/// `!` in a section glha manages, `note:` in any other.
fn stale_kept(o: &mut String, stale: &[StaleKey]) {
    for st in stale {
        let mark = match st.action {
            StaleAction::Remove => continue,
            StaleAction::Keep => "! stale, kept:",
            StaleAction::Note => "note: stale, kept (section not managed by glha):",
        };
        let _ = writeln!(
            o,
            "  {mark} [{}] {} = {}  ({})",
            st.section,
            st.key,
            st.live,
            st.sentence()
        );
    }
}

/// Renders the report.
pub(crate) fn render(r: &DiffReport, color: bool) -> String {
    let p = Paint(color);
    let mut o = String::new();
    let _ = writeln!(
        o,
        "{}",
        p.bold(if r.has_changes() {
            "Changes:"
        } else if r.has_unknowns() {
            "No known changes: some sensitive values were not compared (their secrets are not readable here):"
        } else {
            "No changes."
        })
    );
    for f in &r.ini {
        let node = f
            .node
            .as_ref()
            .map(|n| format!(" (node {n})"))
            .unwrap_or_default();
        let what = match &f.compared {
            Compared::No(why) => format!("not compared ({why})"),
            Compared::Yes if f.live_sha256.is_none() && !f.changes.is_empty() => {
                format!("new file, {}", counts(f.changes.iter().map(|c| c.kind)))
            }
            Compared::Yes => counts(f.changes.iter().map(|c| c.kind)),
        };
        let exposed = match (&f.live_mode, f.exposed) {
            (Some(mode), true) => format!(
                "; holds secrets but others can read it (mode {mode}): apply refuses it unless --tighten-modes"
            ),
            _ => String::new(),
        };
        let kept = f
            .stale
            .iter()
            .filter(|s| s.action != StaleAction::Remove)
            .count();
        let kept = match kept {
            0 => String::new(),
            n => format!("; {n} stale key(s) kept"),
        };
        let _ = writeln!(o, "  {}{node}: {what}{kept}{exposed}", f.target);
        for n in &f.notes {
            let _ = writeln!(o, "    note: {n}");
        }
    }
    for f in &r.files {
        let what = match &f.compared {
            Compared::No(why) => format!("not compared ({why})"),
            Compared::Yes if f.changed => "differs".to_string(),
            Compared::Yes => "no changes".to_string(),
        };
        let _ = writeln!(o, "  {} ({}): {what}", f.target, f.what);
    }
    let pm = &r.pacemaker;
    let what = match &pm.compared {
        Compared::No(why) => format!("not compared ({why})"),
        Compared::Yes => {
            let mut s = counts(pm.changes.iter().map(|c| c.kind));
            let ids: Vec<String> = pm
                .changes
                .iter()
                .map(|c| format!("{} {}", c.object, c.id))
                .collect();
            if !ids.is_empty() {
                let _ = write!(s, " ({})", ids.join(", "));
            }
            s
        }
    };
    let _ = writeln!(o, "  pacemaker: {what}{}", impact_summary(&pm.impact));
    if let Some(e) = &r.endpoints {
        let what = match &e.compared {
            Compared::No(why) => format!("not compared ({why})"),
            Compared::Yes => {
                let n = |k: EndpointKind| e.changes.iter().filter(|c| c.kind == k).count();
                let mut parts = Vec::new();
                for (k, w) in [
                    (EndpointKind::Create, "to create"),
                    (EndpointKind::Update, "to update"),
                    (EndpointKind::DeleteDuplicate, "duplicate(s) to delete"),
                    (EndpointKind::Unchanged, "unchanged"),
                ] {
                    if n(k) > 0 {
                        parts.push(format!("{} {w}", n(k)));
                    }
                }
                parts.join(", ")
            }
        };
        let _ = writeln!(
            o,
            "  keystone endpoints ({}, {}): {what}",
            e.service_type, e.region
        );
    }

    for f in r
        .ini
        .iter()
        .filter(|f| !f.changes.is_empty() || !f.stale.is_empty())
    {
        let _ = writeln!(o, "\n{}", p.bold(&format!("== {}", f.target)));
        for c in &f.changes {
            let name = format!("[{}] {}", c.section, c.key);
            let sensitive = c.live.as_deref() == Some(super::SENSITIVE)
                || c.planned.as_deref() == Some(super::SENSITIVE);
            let line = match c.kind {
                ChangeKind::Add => format!("+ {name} = {}", c.planned.as_deref().unwrap_or("")),
                ChangeKind::Change if sensitive => format!("~ {name}: changed (sensitive)"),
                ChangeKind::Change => format!(
                    "~ {name}: {} -> {}",
                    c.live.as_deref().unwrap_or(""),
                    c.planned.as_deref().unwrap_or("")
                ),
                ChangeKind::Remove => format!(
                    "- {name} = {}{}",
                    c.live.as_deref().unwrap_or(""),
                    c.why
                        .as_ref()
                        .map(|w| format!("  ({w})"))
                        .unwrap_or_default()
                ),
                ChangeKind::Unknown => format!("? {name}: unknown (sensitive, not compared)"),
            };
            let _ = writeln!(o, "  {line}");
        }
        stale_kept(&mut o, &f.stale);
        if f.changes.iter().any(|c| c.kind != ChangeKind::Unknown) {
            o.push('\n');
            for l in f.unified_diff.lines() {
                let _ = writeln!(o, "{}", p.diff_line(l));
            }
        }
    }

    for f in r.files.iter().filter(|f| f.changed) {
        let _ = writeln!(o, "\n{}", p.bold(&format!("== {} ({})", f.target, f.what)));
        for l in f.unified_diff.lines() {
            let _ = writeln!(o, "{}", p.diff_line(l));
        }
    }

    if !pm.changes.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("== pacemaker"));
        for c in &pm.changes {
            let sign = match c.kind {
                ChangeKind::Add => "+",
                ChangeKind::Change => "~",
                ChangeKind::Remove => "-",
                ChangeKind::Unknown => "?",
            };
            let _ = writeln!(o, "  {sign} {} {}", c.object, c.id);
            for d in &c.details {
                let _ = writeln!(o, "      {d}");
            }
        }
    }
    impact(&mut o, &p, &pm.impact);
    if !r.restarts.is_empty() {
        let _ = writeln!(o, "\n{}", p.bold("== restarts to read the changed files"));
        for rs in &r.restarts {
            let _ = writeln!(o, "  {}", rs.line());
        }
    }
    let commands = r.commands();
    if !commands.is_empty() {
        let _ = writeln!(
            o,
            "\n{}",
            p.bold("== the changes as commands, for review (`glhac apply --pacemaker --endpoints` makes them, secrets filled in)")
        );
        for c in commands {
            let _ = writeln!(o, "{c}");
        }
    }
    o
}

/// The impact, for the summary line.
fn impact_summary(i: &Impact) -> String {
    match i {
        Impact::NoChange => String::new(),
        Impact::NotComputed { reason } => format!("; impact: not computed ({reason})"),
        Impact::Predicted { transition, .. } if transition.disrupts_nothing() => {
            "; impact: nothing stops, starts or moves".into()
        }
        Impact::Predicted { transition, .. } => {
            let n = transition.nodes.len() + transition.resources.len();
            format!(
                "; impact: {n} resource or node action{} (see below)",
                if n == 1 { "" } else { "s" }
            )
        }
    }
}

/// The predicted transition, in detail.
fn impact(o: &mut String, p: &Paint, i: &Impact) {
    let Impact::Predicted {
        transition,
        pending,
        assumed_unchanged,
    } = i
    else {
        return;
    };
    let _ = writeln!(
        o,
        "\n{}",
        p.bold("== impact (crm_simulate on the live CIB with the plan applied)")
    );
    if transition.disrupts_nothing() {
        let _ = writeln!(o, "  nothing stops, starts, moves or restarts");
    }
    for l in transition.lines() {
        let _ = writeln!(o, "  {l}");
    }
    if !assumed_unchanged.is_empty() {
        let _ = writeln!(
            o,
            "  assumed unchanged (their secret was not supplied): {}",
            assumed_unchanged.join(", ")
        );
    }
    if !pending.is_empty() {
        let _ = writeln!(
            o,
            "  the live cluster is not settled; without this plan it would already:"
        );
        for l in pending.lines() {
            let _ = writeln!(o, "    {l}");
        }
    }
}
