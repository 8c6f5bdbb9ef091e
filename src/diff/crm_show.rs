//! The live Pacemaker configuration, read from `crm configure show` text
//! into the plan's own model, like [`super::cib`] reads XML. crmsh prints
//! some parameters (passwords) as `******`; those are noted as masked, not
//! read as values.

use crate::plan::{
    AgentRef, Clone, Colocation, Duration, Group, Location, Op, Order, OrderKind, Pacemaker,
    Primitive, Score, Unmodelled, Value,
};

/// What crmsh prints instead of a hidden parameter value.
const MASK: &str = "******";

/// Splits a statement into words, honouring crmsh's double quotes with
/// backslash escapes and single quotes.
fn words(s: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut has = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            '"' => {
                has = true;
                loop {
                    match chars.next() {
                        Some('\\') => cur.push(chars.next().ok_or("dangling backslash")?),
                        Some('"') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated quote in a statement".into()),
                    }
                }
            }
            '\'' => {
                has = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unterminated quote in a statement".into()),
                    }
                }
            }
            c if c.is_whitespace() => {
                if has {
                    out.push(std::mem::take(&mut cur));
                    has = false;
                }
            }
            c => {
                has = true;
                cur.push(c);
            }
        }
    }
    if has {
        out.push(cur);
    }
    Ok(out)
}

fn kv(w: &str) -> Option<(String, String)> {
    let (k, v) = w.split_once('=')?;
    Some((k.to_string(), v.to_string()))
}

/// The statements of the text: continuation lines joined, comments and
/// blank lines dropped.
fn statements(text: &str) -> Vec<String> {
    let mut stmt = String::new();
    let mut out = Vec::new();
    for line in text.lines() {
        let t = line.trim_end();
        if let Some(head) = t.strip_suffix('\\') {
            stmt.push_str(head);
            stmt.push(' ');
            continue;
        }
        stmt.push_str(t);
        out.push(std::mem::take(&mut stmt));
    }
    out.push(stmt);
    out.retain(|s| !s.trim().is_empty() && !s.trim_start().starts_with('#'));
    out
}

/// Reads `crm configure show` output (ANSI colour is stripped).
pub(crate) fn read(text: &str) -> Result<Pacemaker, String> {
    if text.len() > crate::xml::MAX_BYTES {
        return Err(format!(
            "the text is {} bytes; glha reads at most {}",
            text.len(),
            crate::xml::MAX_BYTES
        ));
    }
    let mut r = Reader::default();
    for s in statements(&strip_ansi(text)) {
        let w = words(&s)?;
        let Some(keyword) = w.first() else { continue };
        let id = w.get(1).cloned().unwrap_or_default();
        match keyword.as_str() {
            "primitive" => r.primitive(&id, &w[2..])?,
            "group" => r.group(&id, &w[2..]),
            "clone" | "ms" => r.clone(keyword, &id, &w[2..]),
            "location" => r.location(&id, &w[2..]),
            "colocation" | "collocation" => r.colocation(&id, &w[2..]),
            "order" => r.order(&id, &w[2..]),
            "property" => r.pm.properties.extend(w[1..].iter().filter_map(|x| kv(x))),
            // Objects glha does not write, which still hold ids.
            "rsc_template" | "rsc_ticket" | "tag" | "bundle" => r.unmodelled(
                keyword,
                &id,
                format!("a {keyword}, which glha does not write"),
            ),
            _ => {}
        }
    }
    Ok(r.pm)
}

#[derive(Default)]
struct Reader {
    pm: Pacemaker,
}

impl Reader {
    fn unmodelled(&mut self, object: &str, id: &str, what: String) {
        self.pm.live.unmodelled.push(Unmodelled {
            object: object.into(),
            id: id.into(),
            what,
        });
    }

    /// `ID AGENT [params K=V…] [meta K=V…] [utilization K=V…] [op NAME K=V…]…`
    fn primitive(&mut self, id: &str, w: &[String]) -> Result<(), String> {
        let agent = w
            .first()
            .ok_or_else(|| format!("primitive {id} without agent"))?;
        if agent.starts_with('@') {
            self.unmodelled(
                "primitive",
                id,
                format!("a primitive made from template {agent}, which glha does not write"),
            );
            return Ok(());
        }
        let agent = match AgentRef::parse_crm(agent) {
            Ok(a) => a,
            Err(e) => {
                self.unmodelled("primitive", id, format!("glha cannot read its agent: {e}"));
                return Ok(());
            }
        };
        let mut p = Primitive {
            id: id.to_string(),
            agent,
            params: Vec::new(),
            meta: Vec::new(),
            ops: Vec::new(),
        };
        // Each op's words, read once all are collected.
        let mut ops: Vec<(String, Vec<(String, String)>)> = Vec::new();
        let mut mode = "";
        for word in &w[1..] {
            match word.as_str() {
                "params" | "meta" | "utilization" | "op" => {
                    mode = word;
                    if mode == "utilization" {
                        self.unmodelled(
                            "primitive",
                            id,
                            "utilization attributes, which glha does not write".into(),
                        );
                    }
                }
                _ if mode == "op" && !word.contains('=') => ops.push((word.clone(), Vec::new())),
                _ => match (mode, kv(word)) {
                    ("params", Some((k, v))) if v == MASK => {
                        self.pm.live.masked.push((id.to_string(), k.clone()));
                        p.params.push((k, Value::Plain(v)));
                    }
                    ("params", Some((k, v))) => p.params.push((k, Value::Plain(v))),
                    ("meta", Some(pair)) => p.meta.push(pair),
                    ("op", Some(pair)) => {
                        if let Some((_, attrs)) = ops.last_mut() {
                            attrs.push(pair);
                        }
                    }
                    ("utilization", _) => {}
                    _ => self.unmodelled(
                        "primitive",
                        id,
                        format!("`{word}`, which glha cannot read"),
                    ),
                },
            }
        }
        for (name, attrs) in ops {
            if let Some(op) = self.op(id, name, &attrs) {
                p.ops.push(op);
            }
        }
        self.pm.primitives.push(p);
        Ok(())
    }

    /// An operation from its `K=V` words; noted instead when glha cannot
    /// read it or it has more than glha writes.
    fn op(&mut self, rsc: &str, name: String, attrs: &[(String, String)]) -> Option<Op> {
        let get = |k: &str| attrs.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        let interval_text = get("interval").unwrap_or("0");
        let shown = format!("op {name} interval={interval_text}");
        let interval = match Duration::parse_interval(interval_text) {
            Ok(d) => d,
            Err(e) => {
                self.unmodelled(
                    "primitive",
                    rsc,
                    format!("{shown}: glha cannot read it: {e}"),
                );
                return None;
            }
        };
        let timeout = match get("timeout").map(Duration::parse) {
            None => None,
            Some(Ok(d)) => Some(d),
            Some(Err(e)) => {
                self.unmodelled(
                    "primitive",
                    rsc,
                    format!("{shown}: glha cannot read its timeout: {e}"),
                );
                return None;
            }
        };
        let extra: Vec<String> = attrs
            .iter()
            .filter(|(k, _)| k != "interval" && k != "timeout")
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !extra.is_empty() {
            self.unmodelled(
                "primitive",
                rsc,
                format!(
                    "{shown} has {}, which glha does not write",
                    extra.join(", ")
                ),
            );
        }
        Some(Op {
            name,
            interval,
            timeout,
        })
    }

    /// `ID MEMBER… [meta K=V…]`
    fn group(&mut self, id: &str, w: &[String]) {
        let mut members = Vec::new();
        let mut meta = Vec::new();
        let mut in_meta = false;
        for word in w {
            if word == "meta" {
                in_meta = true;
            } else if in_meta {
                meta.extend(kv(word));
            } else {
                members.push(word.clone());
            }
        }
        self.pm.groups.push(Group {
            id: id.to_string(),
            members,
            meta,
        });
    }

    /// `ID RESOURCE [meta K=V…]` (`ms` is a promotable clone).
    fn clone(&mut self, keyword: &str, id: &str, w: &[String]) {
        if keyword == "ms" {
            self.unmodelled(
                "clone",
                id,
                "a promotable (master/slave) clone, which glha does not write".into(),
            );
        }
        let meta = w
            .iter()
            .skip_while(|x| *x != "meta")
            .skip(1)
            .filter_map(|x| kv(x))
            .collect();
        self.pm.clones.push(Clone {
            id: id.to_string(),
            resource: w.first().cloned().unwrap_or_default(),
            meta,
        });
    }

    /// `ID RESOURCE SCORE: NODE`; rules, resource sets and options are
    /// noted.
    fn location(&mut self, id: &str, w: &[String]) {
        // Only a score with its colon: `rule`, `{` or an option is not one.
        let score = w
            .get(1)
            .filter(|s| s.ends_with(':'))
            .map(|s| Score::parse_crm(s));
        match (w, score) {
            ([rsc, _, node], Some(Ok(score))) => self.pm.locations.push(Location {
                id: id.to_string(),
                resource: rsc.clone(),
                node: node.clone(),
                score,
            }),
            _ => self.unmodelled(
                "location",
                id,
                format!("`{}`, which glha does not write", w.join(" ")),
            ),
        }
    }

    /// `ID SCORE: RESOURCE WITH`; roles, sets and options are noted.
    fn colocation(&mut self, id: &str, w: &[String]) {
        let score = w
            .first()
            .filter(|s| s.ends_with(':'))
            .map(|s| Score::parse_crm(s));
        match (w, score) {
            ([_, rsc, with], Some(Ok(score))) if plain(rsc) && plain(with) => {
                self.pm.colocations.push(Colocation {
                    id: id.to_string(),
                    resource: rsc.clone(),
                    with: with.clone(),
                    score,
                })
            }
            _ => self.unmodelled(
                "colocation",
                id,
                format!("`{}`, which glha does not write", w.join(" ")),
            ),
        }
    }

    /// `ID KIND: FIRST THEN`; an action other than start (pcs writes
    /// `:start`), sets and options are noted.
    fn order(&mut self, id: &str, w: &[String]) {
        let kind = w.first().and_then(|k| OrderKind::parse_crm(k));
        let started = |r: &String| r.strip_suffix(":start").unwrap_or(r).to_string();
        match (w, kind) {
            ([_, first, then], Some(kind)) if plain(&started(first)) && plain(&started(then)) => {
                self.pm.orders.push(Order {
                    id: id.to_string(),
                    first: started(first),
                    then: started(then),
                    kind,
                })
            }
            _ => self.unmodelled(
                "order",
                id,
                format!("`{}`, which glha does not write", w.join(" ")),
            ),
        }
    }
}

/// A bare resource id: not a role, action, set or option.
fn plain(w: &str) -> bool {
    !w.is_empty() && !w.contains([':', '(', ')', '[', ']', '=', '{', '}'])
}

/// `s` without ANSI colour sequences (crmsh colours its output on a
/// terminal, and in some set-ups always).
pub fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\u{1b}' && it.peek() == Some(&'[') {
            for d in it.by_ref() {
                if d.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_honour_quotes() {
        assert_eq!(
            words(r#"a b="c \" d" 'e f'"#).unwrap(),
            vec!["a", "b=c \" d", "e f"]
        );
    }

    #[test]
    fn what_glha_does_not_write_is_noted_not_dropped() {
        let text = "primitive p_x IPaddr2 \\\n\tparams ip=10.0.0.1 password=\"******\" \\\n\top monitor interval=9999999999999999h \\\n\top start interval=0s timeout=20s on-fail=block\nlocation l_r p_x rule -inf: #uname eq n1\norder o_x Mandatory: a:promote b\ncolocation c_x inf: a b c\nrsc_ticket t_x ticketA: p_x\n";
        let pm = read(text).unwrap();
        let p = pm.primitive("p_x").unwrap();
        assert_eq!(p.agent, AgentRef::ipaddr2());
        assert_eq!(p.ops.len(), 1, "{:?}", p.ops);
        assert!(pm.is_masked("p_x", "password"));
        let notes: Vec<(&str, &str)> = pm
            .live
            .unmodelled
            .iter()
            .map(|u| (u.id.as_str(), u.what.as_str()))
            .collect();
        assert_eq!(notes.len(), 6, "{notes:?}");
        assert!(
            notes[0].1.contains("longer than Pacemaker can hold"),
            "{notes:?}"
        );
        assert!(notes[1].1.contains("on-fail=block"), "{notes:?}");
        for id in ["l_r", "o_x", "c_x", "t_x"] {
            assert!(notes.iter().any(|(i, _)| *i == id), "{id}: {notes:?}");
            assert!(pm.kind_of(id).is_some(), "{id}");
        }
    }
}
