//! `pacemaker/glance-api.pcs.sh`: the same configuration as the crm script,
//! as pcs commands (one per line, every argument quoted by
//! [`super::shell::quote`]).
//!
//! All or nothing, like the crm script's single `commit`: the commands build
//! a shadow copy of the CIB (`pcs cluster cib`, then `pcs -f COPY …`), and
//! one `pcs cluster cib-push COPY diff-against=ORIGINAL` applies their
//! difference. Run one by one against the live cluster, a primitive would
//! start before the group, clone or constraint that places it exists (the
//! end-to-end tests saw glance-api start before its group was made).
//! `-f CIB_FILE` points the script at a CIB file instead of the live
//! cluster. Never `--force`; `--no-default-ops` keeps the ops exactly as
//! planned, like crm.
//!
//! One function per object gives its command as argv ([`Argv`], unquoted);
//! the script quotes each word.

use super::shell::{quote, single_quote};
use super::{generated_by, push_comment, FileSecrets, Out, Secrets, PCS_PATH};
use crate::plan::{Clone, Colocation, Group, Location, Order, Pacemaker, Plan, Primitive, Value};

/// One pcs command: its arguments after `pcs`, unquoted.
pub type Argv = Vec<String>;

fn kv(k: &str, v: &str) -> String {
    format!("{k}={v}")
}

fn words(w: &[&str]) -> Argv {
    w.iter().map(|s| s.to_string()).collect()
}

/// The command as a script line, run against the shadow copy: every word
/// quoted by [`quote`]; a word the shell could read as syntax (`then`) in
/// single quotes all the same (shellcheck SC1010).
fn line(argv: &[String]) -> String {
    let mut s = String::from("shadow");
    for w in argv {
        s.push(' ');
        if w == "then" {
            s.push_str(&single_quote(w));
        } else {
            s.push_str(&quote(w));
        }
    }
    s.push('\n');
    s
}

/// A primitive: `stonith create` for a fencing device, else `resource
/// create`; `value` writes each param's value.
pub fn primitive(p: &Primitive, value: &mut dyn FnMut(&Value) -> String) -> Argv {
    let mut w = if p.agent.is_stonith() {
        words(&["stonith", "create", &p.id, &p.agent.kind])
    } else {
        words(&["resource", "create", &p.id, &p.agent.to_string()])
    };
    for (k, v) in &p.params {
        w.push(kv(k, &value(v)));
    }
    if !p.meta.is_empty() {
        w.push("meta".into());
        w.extend(p.meta.iter().map(|(k, v)| kv(k, v)));
    }
    for op in &p.ops {
        w.extend(["op".into(), op.name.clone()]);
        w.push(kv("interval", &op.interval.to_string()));
        if let Some(t) = &op.timeout {
            w.push(kv("timeout", &t.to_string()));
        }
    }
    if !p.agent.is_stonith() {
        w.push("--no-default-ops".into());
    }
    w
}

/// A group, and its meta attributes (a second command).
pub fn group(g: &Group) -> Vec<Argv> {
    let mut w = words(&["resource", "group", "add", &g.id]);
    w.extend(g.members.iter().cloned());
    let mut out = vec![w];
    if !g.meta.is_empty() {
        let mut m = words(&["resource", "meta", &g.id]);
        m.extend(g.meta.iter().map(|(k, v)| kv(k, v)));
        out.push(m);
    }
    out
}

/// A clone.
pub fn clone(c: &Clone) -> Argv {
    let mut w = words(&["resource", "clone", &c.resource, &c.id]);
    if !c.meta.is_empty() {
        w.push("meta".into());
        w.extend(c.meta.iter().map(|(k, v)| kv(k, v)));
    }
    w
}

/// A location constraint; a negative score goes after `--`, or pcs would
/// read it as an option.
pub fn location(l: &Location) -> Argv {
    let mut w = words(&["constraint", "location", "add", &l.id, &l.resource, &l.node]);
    let score = l.score.to_string();
    if score.starts_with('-') {
        w.push("--".into());
    }
    w.push(score);
    w
}

/// A colocation constraint.
pub fn colocation(c: &Colocation) -> Argv {
    let mut w = words(&[
        "constraint",
        "colocation",
        "add",
        &c.resource,
        "with",
        &c.with,
    ]);
    let score = c.score.to_string();
    if score.starts_with('-') {
        w.push("--".into());
    }
    w.extend([score, kv("id", &c.id)]);
    w
}

/// An order constraint.
pub fn order(o: &Order) -> Argv {
    let mut w = words(&["constraint", "order", &o.first, "then", &o.then]);
    w.extend([kv("kind", o.kind.as_str()), kv("id", &o.id)]);
    w
}

/// A cluster property.
pub fn property(name: &str, value: &str) -> Argv {
    words(&["property", "set", &kv(name, value)])
}

/// Every command, in the order they must run: properties, primitives,
/// groups, clones, then constraints.
pub fn commands(pm: &Pacemaker, value: &mut dyn FnMut(&Value) -> String) -> Vec<Argv> {
    let mut out: Vec<Argv> = Vec::new();
    out.extend(pm.properties.iter().map(|(k, v)| property(k, v)));
    out.extend(pm.primitives.iter().map(|p| primitive(p, value)));
    out.extend(pm.groups.iter().flat_map(group));
    out.extend(pm.clones.iter().map(clone));
    out.extend(pm.locations.iter().map(location));
    out.extend(pm.colocations.iter().map(colocation));
    out.extend(pm.orders.iter().map(order));
    out
}

/// The script's set-up: the target (the live cluster, or `-f FILE`), and
/// the shadow copy the commands change (removed on exit: it may hold
/// secrets).
const PROLOGUE: &str = r#"set -eu

if [ "$#" -eq 2 ] && [ "$1" = -f ]; then
    target=$2
elif [ "$#" -ne 0 ]; then
    echo "usage: $0 [-f CIB_FILE]" >&2
    exit 2
else
    target=''
fi
# on_target ARGS: pcs against the live cluster, or the CIB file given.
# CIB_file too: `pcs -f` does not override it for cib-push.
on_target() {
    if [ -n "$target" ]; then CIB_file=$target pcs -f "$target" "$@"; else pcs "$@"; fi
}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
on_target cluster cib "$work/cib.xml"
cp "$work/cib.xml" "$work/original.xml"
# shadow ARGS: pcs against the shadow copy.
shadow() { CIB_file=$work/cib.xml pcs -f "$work/cib.xml" "$@"; }

"#;

/// Applies the shadow copy's difference from the original in one push.
const EPILOGUE: &str = r#"
on_target cluster cib-push "$work/cib.xml" diff-against="$work/original.xml"
"#;

/// Renders the pcs script.
pub(crate) fn render(plan: &Plan, secrets: &Secrets) -> Out {
    let pm = &plan.pacemaker;
    let mut acc = FileSecrets::default();
    // Values are single-quoted on purpose, so that nothing in them expands;
    // shellcheck's SC2016 would flag a `$` inside them.
    let mut out = String::from("#!/bin/sh\n# shellcheck disable=SC2016\n");
    push_comment(&mut out, &generated_by(plan));
    push_comment(
        &mut out,
        "Run on one cluster node: sh pacemaker/glance-api.pcs.sh\n\
         To try it on a copy first: pcs cluster cib cib.xml, then\n\
         sh pacemaker/glance-api.pcs.sh -f cib.xml\n\
         All or nothing: the commands change a shadow copy of the CIB, and one\n\
         `pcs cluster cib-push` at the end applies them, so nothing starts\n\
         before its group, clones and constraints exist.",
    );
    for c in &pm.comments {
        push_comment(&mut out, &c.to_string());
    }
    out.push_str(PROLOGUE);
    for argv in commands(pm, &mut |v| secrets.render(v, &mut acc)) {
        out.push_str(&line(&argv));
    }
    out.push_str(EPILOGUE);
    Out {
        path: PCS_PATH.to_string(),
        contents: out,
        script: true,
        target: None,
        secrets: acc,
    }
}
