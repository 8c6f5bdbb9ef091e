//! The live Pacemaker configuration, read from `crm configure show` text.

use super::cib::{LiveCluster, LivePrimitive};
use crate::plan::Op;

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
                        None => return Err(format!("unterminated quote in: {s}")),
                    }
                }
            }
            '\'' => {
                has = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err(format!("unterminated quote in: {s}")),
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

/// Reads `crm configure show` output (ANSI colour is stripped).
pub(crate) fn read(text: &str) -> Result<LiveCluster, String> {
    let text = strip_ansi(text);
    let mut live = LiveCluster::default();
    let mut stmt = String::new();
    let mut stmts = Vec::new();
    for line in text.lines() {
        let t = line.trim_end();
        if let Some(head) = t.strip_suffix('\\') {
            stmt.push_str(head);
            stmt.push(' ');
            continue;
        }
        stmt.push_str(t);
        stmts.push(std::mem::take(&mut stmt));
    }
    stmts.push(stmt);
    for s in stmts {
        if s.trim().is_empty() || s.trim_start().starts_with('#') {
            continue;
        }
        let w = words(&s)?;
        let id = w.get(1).cloned().unwrap_or_default();
        match w[0].as_str() {
            "primitive" => {
                let agent = w
                    .get(2)
                    .ok_or_else(|| format!("primitive {id} without agent"))?;
                let agent = if agent.contains(':') {
                    agent.clone()
                } else {
                    format!("ocf:heartbeat:{agent}")
                };
                let mut p = LivePrimitive {
                    agent,
                    ..Default::default()
                };
                let mut mode = "";
                for word in &w[3..] {
                    match word.as_str() {
                        "params" | "meta" | "utilization" => {
                            mode = if word == "params" {
                                "params"
                            } else if word == "meta" {
                                "meta"
                            } else {
                                ""
                            }
                        }
                        "op" => mode = "op",
                        _ if mode == "op" && !word.contains('=') => {
                            p.ops.push(Op {
                                name: word.clone(),
                                interval: "0s".into(),
                                timeout: None,
                            });
                        }
                        _ => {
                            let Some((k, v)) = kv(word) else { continue };
                            match mode {
                                "params" => p.params.push((k, v)),
                                "meta" => p.meta.push((k, v)),
                                "op" => {
                                    if let Some(op) = p.ops.last_mut() {
                                        match k.as_str() {
                                            "interval" => op.interval = v,
                                            "timeout" => op.timeout = Some(v),
                                            _ => {}
                                        }
                                    }
                                }
                                _ => {}
                            }
                        }
                    }
                }
                live.primitives.insert(id, p);
            }
            "group" => {
                let mut members = Vec::new();
                let mut meta = Vec::new();
                let mut in_meta = false;
                for word in &w[2..] {
                    if word == "meta" {
                        in_meta = true;
                    } else if in_meta {
                        meta.extend(kv(word));
                    } else {
                        members.push(word.clone());
                    }
                }
                live.groups.insert(id, (members, meta));
            }
            "clone" | "ms" => {
                let rsc = w.get(2).cloned().unwrap_or_default();
                let meta = w
                    .iter()
                    .skip_while(|x| *x != "meta")
                    .skip(1)
                    .filter_map(|x| kv(x))
                    .collect();
                live.clones.insert(id, (rsc, meta));
            }
            "location" => {
                let rsc = w.get(2).cloned().unwrap_or_default();
                let (score, node) = match (w.get(3), w.get(4)) {
                    (Some(sc), Some(n)) if sc.ends_with(':') && n != "rule" => {
                        (sc.trim_end_matches(':').to_string(), Some(n.clone()))
                    }
                    _ => (String::new(), None),
                };
                live.locations.insert(id, (rsc, node, score));
            }
            "colocation" => {
                let score = w
                    .get(2)
                    .map(|s| s.trim_end_matches(':').to_string())
                    .unwrap_or_default();
                let a = w.get(3).cloned().unwrap_or_default();
                let b = w.get(4).cloned().unwrap_or_default();
                live.colocations.insert(id, (a, b, score));
            }
            "order" => {
                let kind = w
                    .get(2)
                    .map(|s| s.trim_end_matches(':').to_string())
                    .unwrap_or_default();
                let kind = match super::compare::score(&kind).as_str() {
                    "INFINITY" => "Mandatory".to_string(),
                    "0" => "Optional".to_string(),
                    _ => kind,
                };
                let a = w.get(3).cloned().unwrap_or_default();
                let b = w.get(4).cloned().unwrap_or_default();
                live.orders.insert(id, (a, b, kind));
            }
            "property" => {
                live.properties.extend(w[1..].iter().filter_map(|x| kv(x)));
            }
            _ => {}
        }
    }
    Ok(live)
}

fn strip_ansi(s: &str) -> String {
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
    #[test]
    fn words_honour_quotes() {
        assert_eq!(
            super::words(r#"a b="c \" d" 'e f'"#).unwrap(),
            vec!["a", "b=c \" d", "e f"]
        );
    }
}
