//! `pacemaker/glance-api.crm`: input for `crm configure` (batch or
//! `load update`).
//!
//! One function per object ([`primitive`], [`group`], [`clone`],
//! [`location`], [`colocation`], [`order`], [`properties`]) writes its
//! definition; the script and `glhac diff`'s commands both use them.
//!
//! # Quoting, as crmsh 4.4 really does it
//!
//! crmsh joins a line ending in `\` with the next (without a space: a line
//! is stripped, its trailing backslashes removed, and glued to the next),
//! then splits the command with Python's `shlex.split` (POSIX mode, no
//! comments). A param is one token `name=value`, split at the first `=`.
//! Inside double quotes shlex only treats `\"` and `\\` as escapes, so a
//! value is written as `"…"` with `\` → `\\` and `"` → `\"`; `'`, `$`,
//! `` ` ``, `(`, `#`, spaces and `=` need nothing and reach the CIB as is
//! (verified with the real crmsh: `a"b'c\d$(x)`e f#g` round-trips).
//!
//! What crmsh cannot carry (so [`crm_unrepresentable`] refuses it):
//! - control characters (a newline ends the command; `\r` is a newline to
//!   Python's text input; the others are not worth the risk);
//! - a backslash followed by `\` or `"`, or at the end of the value: after
//!   parsing, crmsh re-renders every object to its CLI form to validate it,
//!   writing `"` + value with only `"` escaped + `"`; that re-parse fails
//!   ("No closing quotation") or yields another value, and the object is
//!   rejected or marked not representable;
//! - non-ASCII characters: `crm configure load update` turns them into
//!   literal `&#NNN;` text before parsing, so the CIB would get another value.
//!
//! Identifiers (ids, agents, nodes, scores) are validated by the checker;
//! they are still written through [`word`], so even a bad one cannot add a
//! token.

use super::{generated_by, FileSecrets, Out, Secrets, CRM_PATH};
use crate::plan::{Clone, Colocation, Group, Location, Order, Pacemaker, Plan, Primitive, Value};

/// Appends `text` as `#` comments. `crm configure load update` keeps
/// comments, as XML comments in the CIB, so a line must not contain `--` or
/// end with `-` (crmsh refuses the whole load otherwise).
fn push_comment(out: &mut String, text: &str) {
    let mut safe = String::new();
    for l in text.lines() {
        let mut l = l.to_string();
        while l.contains("--") {
            l = l.replace("--", "- -");
        }
        if l.trim_end().ends_with('-') {
            l.push_str(" .");
        }
        safe.push_str(&l);
        safe.push('\n');
    }
    super::push_comment(out, &safe);
}

/// The first character of `s` that crmsh cannot carry in a quoted value.
pub fn crm_unrepresentable(s: &str) -> Option<char> {
    let chars: Vec<char> = s.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_control() || !c.is_ascii() {
            return Some(c);
        }
        if c == '\\' && matches!(chars.get(i + 1), None | Some('\\') | Some('"')) {
            return Some(c);
        }
    }
    None
}

/// A value in double quotes, escaped for shlex.
pub fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn is_bare(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | ':' | '-' | '+' | '@' | '/')
}

/// An identifier-like token: bare when it is one, quoted otherwise (then
/// crmsh sees one token and rejects it as an id, instead of reading more).
pub fn word(s: &str) -> String {
    if !s.is_empty() && s.chars().all(is_bare) {
        s.to_string()
    } else {
        quote(s)
    }
}

/// `name="value"`.
fn nvpair(name: &str, value: &str) -> String {
    format!("{}={}", word(name), quote(value))
}

/// `head` then each clause on its own line, joined by ` \\` (no final
/// newline).
fn command(head: String, clauses: Vec<String>) -> String {
    let mut out = head;
    for c in clauses {
        out.push_str(" \\\n");
        out.push_str(&c);
    }
    out
}

/// `params`/`meta` block: first pair after the keyword, the rest indented.
fn nv_block(keyword: &str, pairs: &[(String, String)]) -> Vec<String> {
    pairs
        .iter()
        .enumerate()
        .map(|(i, (k, v))| {
            if i == 0 {
                format!("  {keyword} {}", nvpair(k, v))
            } else {
                format!("    {}", nvpair(k, v))
            }
        })
        .collect()
}

/// A primitive's definition; `value` writes each param's value (a secret
/// as its value or a placeholder).
pub fn primitive(p: &Primitive, value: &mut dyn FnMut(&Value) -> String) -> String {
    let params: Vec<(String, String)> = p
        .params
        .iter()
        .map(|(k, v)| (k.clone(), value(v)))
        .collect();
    let mut clauses = nv_block("params", &params);
    clauses.extend(nv_block("meta", &p.meta));
    for op in &p.ops {
        let mut s = format!(
            "  op {} interval={}",
            word(&op.name),
            quote(&op.interval.to_string())
        );
        if let Some(t) = &op.timeout {
            s.push_str(&format!(" timeout={}", quote(&t.to_string())));
        }
        clauses.push(s);
    }
    command(
        format!("primitive {} {}", word(&p.id), word(&p.agent.to_string())),
        clauses,
    )
}

/// A group's definition.
pub fn group(g: &Group) -> String {
    let mut head = format!("group {}", word(&g.id));
    for m in &g.members {
        head.push(' ');
        head.push_str(&word(m));
    }
    command(head, nv_block("meta", &g.meta))
}

/// A clone's definition.
pub fn clone(c: &Clone) -> String {
    command(
        format!("clone {} {}", word(&c.id), word(&c.resource)),
        nv_block("meta", &c.meta),
    )
}

/// A location constraint's definition.
pub fn location(l: &Location) -> String {
    format!(
        "location {} {} {}: {}",
        word(&l.id),
        word(&l.resource),
        word(&l.score.to_string()),
        word(&l.node)
    )
}

/// A colocation constraint's definition.
pub fn colocation(c: &Colocation) -> String {
    format!(
        "colocation {} {}: {} {}",
        word(&c.id),
        word(&c.score.crm()),
        word(&c.resource),
        word(&c.with)
    )
}

/// An order constraint's definition.
pub fn order(o: &Order) -> String {
    format!(
        "order {} {}: {} {}",
        word(&o.id),
        o.kind,
        word(&o.first),
        word(&o.then)
    )
}

/// Cluster properties, in one `property` command.
pub fn properties(pairs: &[(String, String)]) -> String {
    command(
        "property".to_string(),
        pairs
            .iter()
            .map(|(k, v)| format!("  {}", nvpair(k, v)))
            .collect(),
    )
}

/// Every object's definition, one command each, in the order they load:
/// properties, primitives, groups, clones, then constraints.
pub fn definitions(pm: &Pacemaker, value: &mut dyn FnMut(&Value) -> String) -> Vec<String> {
    let mut out = Vec::new();
    if !pm.properties.is_empty() {
        out.push(properties(&pm.properties));
    }
    out.extend(pm.primitives.iter().map(|p| primitive(p, value)));
    out.extend(pm.groups.iter().map(group));
    out.extend(pm.clones.iter().map(clone));
    out.extend(pm.locations.iter().map(location));
    out.extend(pm.colocations.iter().map(colocation));
    out.extend(pm.orders.iter().map(order));
    out
}

/// Renders the crm script.
pub(crate) fn render(plan: &Plan, secrets: &Secrets) -> Out {
    let pm = &plan.pacemaker;
    let mut acc = FileSecrets::default();
    let mut out = String::new();
    push_comment(&mut out, &generated_by(plan));
    push_comment(
        &mut out,
        "First load: crm configure < pacemaker/glance-api.crm (ends with commit).\n\
         Load or re-apply (all or nothing; updates existing objects):\n\
         sed '/^commit$/d' pacemaker/glance-api.crm | crm configure load update - (reads stdin)",
    );
    for c in &pm.comments {
        push_comment(&mut out, &c.to_string());
    }
    out.push('\n');
    for def in definitions(pm, &mut |v| secrets.render(v, &mut acc)) {
        out.push_str(&def);
        out.push('\n');
    }
    out.push_str("commit\n");
    Out {
        path: CRM_PATH.to_string(),
        contents: out,
        script: false,
        target: None,
        secrets: acc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting() {
        assert_eq!(quote(r#"a"b'c\d$(x)`e f#g"#), r#""a\"b'c\\d$(x)`e f#g""#);
        assert_eq!(crm_unrepresentable(r#"a"b'c\d$(x)`e f#g"#), None);
        assert_eq!(crm_unrepresentable("a\nb"), Some('\n'));
        assert_eq!(crm_unrepresentable("a\rb"), Some('\r'));
        assert_eq!(crm_unrepresentable("tab\t"), Some('\t'));
        assert_eq!(crm_unrepresentable("x\\"), Some('\\'));
        assert_eq!(crm_unrepresentable("x\\\\y"), Some('\\'));
        assert_eq!(crm_unrepresentable("x\\\"y"), Some('\\'));
        assert_eq!(crm_unrepresentable("é"), Some('é'));
        assert_eq!(word("p_glance-api"), "p_glance-api");
        assert_eq!(word("-INFINITY"), "-INFINITY");
        assert_eq!(word("a b"), "\"a b\"");
    }

    #[test]
    fn comment_cannot_continue_into_next_line() {
        let mut s = String::new();
        push_comment(&mut s, "ends in \\\nprimitive evil\nx -- y -");
        assert_eq!(s, "# ends in \\ .\n# primitive evil\n# x - - y - .\n");
    }
}
