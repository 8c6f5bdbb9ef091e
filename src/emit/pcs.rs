//! `pacemaker/glance-api.pcs.sh`: the same configuration as the crm script,
//! as pcs commands (one per line, every argument quoted by [`shell::quote`]).
//!
//! `pcs` is called by its plain name so the script works against the live
//! cluster or, with a shell function `pcs() { command pcs -f FILE "$@"; }`,
//! against a CIB file. Never `--force`; `--no-default-ops` keeps the ops
//! exactly as planned, like crm.

use super::shell::quote;
use super::{generated_by, push_comment, FileSecrets, Out, Secrets, PCS_PATH};
use crate::plan::{Plan, Primitive};

fn kv(k: &str, v: &str) -> String {
    quote(&format!("{k}={v}"))
}

fn command(words: &[String]) -> String {
    let mut s = String::from("pcs");
    for w in words {
        s.push(' ');
        s.push_str(w);
    }
    s.push('\n');
    s
}

fn primitive(p: &Primitive, secrets: &Secrets, acc: &mut FileSecrets) -> String {
    let mut w: Vec<String> = Vec::new();
    let stonith = p.agent.strip_prefix("stonith:");
    if let Some(agent) = stonith {
        w.extend([
            "stonith".into(),
            "create".into(),
            quote(&p.id),
            quote(agent),
        ]);
    } else {
        w.extend([
            "resource".into(),
            "create".into(),
            quote(&p.id),
            quote(&p.agent),
        ]);
    }
    for (k, v) in &p.params {
        w.push(kv(k, &secrets.render(v, acc)));
    }
    if !p.meta.is_empty() {
        w.push("meta".into());
        for (k, v) in &p.meta {
            w.push(kv(k, v));
        }
    }
    for op in &p.ops {
        w.push("op".into());
        w.push(quote(&op.name));
        w.push(kv("interval", &op.interval));
        if let Some(t) = &op.timeout {
            w.push(kv("timeout", t));
        }
    }
    if stonith.is_none() {
        w.push("--no-default-ops".into());
    }
    command(&w)
}

/// A score as pcs wants it: negative ones after `--`, or pcs would read
/// them as options.
fn score_words(score: &str) -> Vec<String> {
    if score.starts_with('-') {
        vec!["--".into(), quote(score)]
    } else {
        vec![quote(score)]
    }
}

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
         To try it on a copy first: pcs cluster cib cib.xml, define\n\
         pcs() { command pcs -f cib.xml \"$@\"; } and source this file.",
    );
    for c in &pm.comments {
        push_comment(&mut out, c);
    }
    out.push_str("set -eu\n\n");
    for (k, v) in &pm.properties {
        out.push_str(&command(&["property".into(), "set".into(), kv(k, v)]));
    }
    for p in &pm.primitives {
        out.push_str(&primitive(p, secrets, &mut acc));
    }
    for g in &pm.groups {
        let mut w = vec![
            "resource".into(),
            "group".into(),
            "add".into(),
            quote(&g.id),
        ];
        w.extend(g.members.iter().map(|m| quote(m)));
        out.push_str(&command(&w));
        if !g.meta.is_empty() {
            let mut w = vec!["resource".into(), "meta".into(), quote(&g.id)];
            w.extend(g.meta.iter().map(|(k, v)| kv(k, v)));
            out.push_str(&command(&w));
        }
    }
    for c in &pm.clones {
        let mut w = vec![
            "resource".into(),
            "clone".into(),
            quote(&c.resource),
            quote(&c.id),
        ];
        if !c.meta.is_empty() {
            w.push("meta".into());
            w.extend(c.meta.iter().map(|(k, v)| kv(k, v)));
        }
        out.push_str(&command(&w));
    }
    for l in &pm.locations {
        let mut w = vec![
            "constraint".into(),
            "location".into(),
            "add".into(),
            quote(&l.id),
            quote(&l.resource),
            quote(&l.node),
        ];
        w.extend(score_words(&l.score));
        out.push_str(&command(&w));
    }
    for c in &pm.colocations {
        out.push_str(&command(&[
            "constraint".into(),
            "colocation".into(),
            "add".into(),
            quote(&c.resource),
            "with".into(),
            quote(&c.with),
            "INFINITY".into(),
            kv("id", &c.id),
        ]));
    }
    for o in &pm.orders {
        out.push_str(&command(&[
            "constraint".into(),
            "order".into(),
            quote(&o.first),
            // Quoted: a bare `then` reads like shell syntax (shellcheck SC1010).
            "'then'".into(),
            quote(&o.then),
            kv("kind", "Mandatory"),
            kv("id", &o.id),
        ]));
    }
    Out {
        path: PCS_PATH.to_string(),
        contents: out,
        script: true,
        target: None,
        secrets: acc,
    }
}
