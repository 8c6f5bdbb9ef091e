//! `pacemaker/glance-api.crm`: input for `crm configure` (batch or
//! `load update`).
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
use crate::plan::{Plan, Primitive};

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

/// Writes `head` then each clause on its own line, joined by ` \`.
fn push_command(out: &mut String, head: String, clauses: Vec<String>) {
    out.push_str(&head);
    for c in clauses {
        out.push_str(" \\\n");
        out.push_str(&c);
    }
    out.push('\n');
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

fn primitive(out: &mut String, p: &Primitive, secrets: &Secrets, acc: &mut FileSecrets) {
    let params: Vec<(String, String)> = p
        .params
        .iter()
        .map(|(k, v)| (k.clone(), secrets.render(v, acc)))
        .collect();
    let mut clauses = nv_block("params", &params);
    clauses.extend(nv_block("meta", &p.meta));
    for op in &p.ops {
        let mut s = format!("  op {} interval={}", word(&op.name), quote(&op.interval));
        if let Some(t) = &op.timeout {
            s.push_str(&format!(" timeout={}", quote(t)));
        }
        clauses.push(s);
    }
    push_command(
        out,
        format!("primitive {} {}", word(&p.id), word(&p.agent)),
        clauses,
    );
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
        push_comment(&mut out, c);
    }
    out.push('\n');
    if !pm.properties.is_empty() {
        push_command(
            &mut out,
            "property".to_string(),
            pm.properties
                .iter()
                .map(|(k, v)| format!("  {}", nvpair(k, v)))
                .collect(),
        );
    }
    for p in &pm.primitives {
        primitive(&mut out, p, secrets, &mut acc);
    }
    for g in &pm.groups {
        let mut head = format!("group {}", word(&g.id));
        for m in &g.members {
            head.push(' ');
            head.push_str(&word(m));
        }
        push_command(&mut out, head, nv_block("meta", &g.meta));
    }
    for c in &pm.clones {
        push_command(
            &mut out,
            format!("clone {} {}", word(&c.id), word(&c.resource)),
            nv_block("meta", &c.meta),
        );
    }
    for l in &pm.locations {
        out.push_str(&format!(
            "location {} {} {}: {}\n",
            word(&l.id),
            word(&l.resource),
            word(&l.score),
            word(&l.node)
        ));
    }
    for c in &pm.colocations {
        out.push_str(&format!(
            "colocation {} inf: {} {}\n",
            word(&c.id),
            word(&c.resource),
            word(&c.with)
        ));
    }
    for o in &pm.orders {
        out.push_str(&format!(
            "order {} Mandatory: {} {}\n",
            word(&o.id),
            word(&o.first),
            word(&o.then)
        ));
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
