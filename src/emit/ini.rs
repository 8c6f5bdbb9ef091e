//! `files/<target>`: the settings glha manages in one ini file, for
//! oslo.config.
//!
//! # Quoting, as oslo.config reads it
//!
//! `oslo_config/iniparser.py` splits `key = value` at the first `=` (or
//! `:`), strips whitespace around the value, then drops one pair of
//! matching quotes around it (`"…"` or `'…'`); a line starting with
//! whitespace continues the previous value, one starting with `#` or `;` is
//! a comment (only at the start of a line: `#` inside a value stays).
//! Afterwards `cfg` substitutes `$name` and `${name}`, with `$$` for a `$`.
//! So a value is written with `$` doubled, and put in double quotes when it
//! has leading or trailing whitespace or starts and ends with the same quote
//! character (the parser then removes exactly the quotes we added). Control
//! characters other than tab cannot be written (a newline would start a
//! new line: a new key or section).

use super::{generated_by, push_comment, FileSecrets, Out, Secrets};
use crate::plan::{IniFile, Plan, ServiceKind};

/// The first character of `s` that cannot be written as an ini value.
pub fn ini_unrepresentable(s: &str) -> Option<char> {
    s.chars().find(|&c| c.is_control() && c != '\t')
}

/// A value as oslo.config must read it back.
pub fn quote(s: &str) -> String {
    let escaped = s.replace('$', "$$");
    let ws = |c: Option<char>| c.is_some_and(char::is_whitespace);
    let first = s.chars().next();
    let last = s.chars().last();
    let quoted_look = matches!(first, Some('"') | Some('\'')) && first == last;
    if ws(first) || ws(last) || quoted_look {
        format!("\"{escaped}\"")
    } else {
        escaped
    }
}

/// The bundle path of an ini file.
pub fn bundle_path(f: &IniFile) -> String {
    files_path(f.node.as_deref(), &f.target)
}

/// The bundle path of a file with this target path: `files/<target>`, or
/// `files/nodes/<node>/<target>` for one node's file.
pub fn files_path(node: Option<&str>, target: &str) -> String {
    let rel: Vec<&str> = target
        .split('/')
        .filter(|c| !c.is_empty() && *c != "." && *c != "..")
        .collect();
    match node {
        // A node name is one path component, whatever the spec said.
        Some(n) => {
            let n = match n.replace('/', "_").as_str() {
                "" | "." | ".." => "_".to_string(),
                other => other.to_string(),
            };
            format!("files/nodes/{}/{}", n, rel.join("/"))
        }
        None => format!("files/{}", rel.join("/")),
    }
}

/// What a file writes and lists for removal, as oslo.config reads names:
/// all that [`stale_removable`] asks of the file besides its service.
#[derive(PartialEq, Eq)]
struct Names {
    service: ServiceKind,
    /// (section, key) written, sorted for binary search, each once.
    written: Vec<(String, String)>,
    /// (section, key) the plan lists for removal.
    listed: Vec<(String, String)>,
}

impl Names {
    fn of(f: &IniFile) -> Names {
        use crate::release::stale::{norm_key, norm_section};
        let mut written: Vec<(String, String)> = f
            .settings
            .iter()
            .map(|w| (norm_section(&w.section), norm_key(&w.key)))
            .collect();
        written.sort_unstable();
        written.dedup();
        let listed = f
            .remove
            .iter()
            .map(|(rs, rk, _)| (norm_section(rs), norm_key(rk)))
            .collect();
        Names {
            service: f.service,
            written,
            listed,
        }
    }
}

/// The stale names glha removes from this file's live copy wherever they
/// appear, by the release's option data and glha's hand table
/// ([`crate::release::stale::removable`], the rule `glhac diff` applies to
/// live keys), except those the plan already lists for removal.
pub fn stale_removable(plan: &Plan, f: &IniFile) -> Vec<crate::release::stale::Removable> {
    removable_from(plan, &Names::of(f))
}

fn removable_from(plan: &Plan, n: &Names) -> Vec<crate::release::stale::Removable> {
    let mut sections: Vec<&str> = n.written.iter().map(|(s, _)| s.as_str()).collect();
    sections.dedup();
    let writes = |s: &str, k: &str| {
        n.written
            .binary_search_by(|(ws, wk)| (ws.as_str(), wk.as_str()).cmp(&(s, k)))
            .is_ok()
    };
    let managed = |s: &str| s == "DEFAULT" || sections.binary_search(&s).is_ok();
    let told = |s: &Option<String>, k: &str| {
        n.listed
            .iter()
            .any(|(ls, lk)| s.as_deref() == Some(ls.as_str()) && lk == k)
    };
    crate::release::stale::removable(n.service.name(), plan.release, &writes, &managed)
        .into_iter()
        .filter(|r| !told(&r.section, &r.key))
        .collect()
}

/// The stale-name comment lines of the files of one bundle rendered so
/// far, by what each writes and lists: an active/active bundle has a
/// glance-api.conf per node, all with the same names (only values differ),
/// and the lines depend on nothing else of the file.
#[derive(Default)]
pub(crate) struct StaleLines(Vec<(Names, Vec<String>)>);

impl StaleLines {
    /// [`stale_removable`], one comment line each: name, then what
    /// replaces it.
    fn of(&mut self, plan: &Plan, f: &IniFile) -> &[String] {
        let names = Names::of(f);
        let i = match self.0.iter().position(|(n, _)| *n == names) {
            Some(i) => i,
            None => {
                let lines = stale_lines(plan, &names);
                self.0.push((names, lines));
                self.0.len() - 1
            }
        };
        &self.0[i].1
    }
}

fn stale_lines(plan: &Plan, names: &Names) -> Vec<String> {
    use crate::release::stale::Replacement;
    removable_from(plan, names)
        .into_iter()
        .map(|r| {
            let name = match &r.section {
                Some(s) => format!("[{s}] {}", r.key),
                None => format!("{} (any section)", r.key),
            };
            let with = match &r.replacement {
                Replacement::Settings(v) => {
                    let names: Vec<String> = v.iter().map(|(s, k)| format!("[{s}] {k}")).collect();
                    format!("stale, replaced by {}", names.join(" and "))
                }
                Replacement::Gone(why) => format!("stale, nothing replaces it: {why}"),
                Replacement::Unknown => "stale".to_string(),
            };
            format!("{name}: {with}")
        })
        .collect()
}

/// Renders one ini file; `stale` holds what the bundle's other ini files
/// found stale.
pub(crate) fn render(plan: &Plan, f: &IniFile, secrets: &Secrets, stale: &mut StaleLines) -> Out {
    let mut acc = FileSecrets::default();
    let mut out = String::new();
    push_comment(&mut out, &generated_by(plan));
    let whom = match &f.node {
        Some(n) => format!(" on node {n}"),
        None => " on every node".to_string(),
    };
    push_comment(
        &mut out,
        &format!(
            "Settings glha manages in {} ({}){whom}; only these.\n\
             Merge them into the live file: keep its other settings.",
            f.target, f.service
        ),
    );
    if let (Some(b), ServiceKind::GlanceApi) = (&plan.balancer, f.service) {
        // Active/active: this node's server; active/passive: the one.
        let srv = match &f.node {
            Some(n) => b.servers.iter().find(|s| &s.name == n),
            None => b.servers.first(),
        };
        if let Some(srv) = srv {
            let addr = match srv.address {
                std::net::IpAddr::V6(a) => format!("[{a}]"),
                a => a.to_string(),
            };
            let on = match &f.node {
                Some(n) => format!("Active/active: glance-api on {n}"),
                None => "Active/passive behind HAProxy: glance-api".to_string(),
            };
            push_comment(
                &mut out,
                &format!(
                    "{on} listens on {addr}:{} only;\n\
                     HAProxy (section `{}` of {})\n\
                     holds the VIPs and passes requests to it.",
                    srv.port, b.name, b.target
                ),
            );
        }
        for note in &b.notes {
            push_comment(&mut out, note);
        }
    }
    let stale = stale.of(plan, f);
    if !f.remove.is_empty() || !stale.is_empty() {
        push_comment(
            &mut out,
            "Remove from the live file, where present (glhac apply does):",
        );
        for (section, key, why) in &f.remove {
            push_comment(&mut out, &format!("  [{section}] {key}: {why}"));
        }
        for line in stale {
            push_comment(&mut out, &format!("  {line}"));
        }
    }
    // Sections in order of first appearance, DEFAULT first.
    let mut sections: Vec<&str> = Vec::new();
    for s in &f.settings {
        if !sections.contains(&s.section.as_str()) {
            sections.push(&s.section);
        }
    }
    if let Some(i) = sections.iter().position(|s| *s == "DEFAULT") {
        let d = sections.remove(i);
        sections.insert(0, d);
    }
    for section in sections {
        out.push_str("\n[");
        out.push_str(section);
        out.push_str("]\n");
        for s in f.settings.iter().filter(|s| s.section == section) {
            for v in &s.values {
                out.push_str(&s.key);
                out.push_str(" = ");
                out.push_str(&quote(&secrets.render(v, &mut acc)));
                out.push('\n');
            }
        }
    }
    Out {
        path: bundle_path(f),
        contents: out,
        script: false,
        target: Some(f.target.clone()),
        secrets: acc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oslo_quoting() {
        assert_eq!(quote("10.0.0.11"), "10.0.0.11");
        assert_eq!(quote("pa$$word"), "pa$$$$word");
        assert_eq!(quote("$HOME"), "$$HOME");
        assert_eq!(quote(" x"), "\" x\"");
        assert_eq!(quote("x\t"), "\"x\t\"");
        assert_eq!(quote("\"q\""), "\"\"q\"\"");
        assert_eq!(quote("'q'"), "\"'q'\"");
        assert_eq!(quote("\""), "\"\"\"");
        assert_eq!(quote("\"q"), "\"q");
        assert_eq!(quote("a # b ; c"), "a # b ; c");
        assert_eq!(quote(""), "");
        assert_eq!(ini_unrepresentable("a\nb"), Some('\n'));
        assert_eq!(ini_unrepresentable("a\tb"), None);
    }

    /// Reads a value back the way oslo.config does (iniparser + `$$`).
    fn oslo_read(written: &str) -> String {
        let v = written.trim();
        let b = v.as_bytes();
        let v = match (b.first(), b.last()) {
            (Some(&q @ (b'"' | b'\'')), Some(&l)) if q == l => &v[1..v.len().max(2) - 1],
            _ => v,
        };
        v.replace("$$", "$")
    }

    #[test]
    fn round_trip_model() {
        for s in [
            "",
            " a ",
            "\"x\"",
            "'",
            "a$b",
            "$$",
            "x'",
            "#c",
            "a\"b'c\\d$(x)`e f#g",
        ] {
            assert_eq!(oslo_read(&quote(s)), s, "{s:?}");
        }
    }

    /// The real oslo.config reads back what we write (skipped without it).
    #[test]
    fn oslo_config_reads_values_back() {
        let py = std::path::Path::new("/usr/bin/python3");
        let ok = py.exists()
            && std::process::Command::new(py)
                .args(["-c", "import oslo_config.cfg"])
                .output()
                .is_ok_and(|o| o.status.success());
        if !ok {
            let msg = "SKIPPED oslo_config_reads_values_back: no /usr/bin/python3 with oslo_config";
            if std::env::var("GLHA_REQUIRE_TOOLS").as_deref() == Ok("1") {
                panic!("{msg}");
            }
            eprintln!("{msg}");
            return;
        }
        let values = [
            "a\"b'c\\d$(x)`e f#g",
            " lead",
            "trail\t",
            "\"quoted\"",
            "'",
            "$HOME ${x} $$",
            "; not a comment",
            "k = v",
        ];
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("t.conf");
        let mut text = String::from("[DEFAULT]\n");
        for (i, v) in values.iter().enumerate() {
            text.push_str(&format!("k{i} = {}\n", quote(v)));
        }
        std::fs::write(&conf, text).unwrap();
        let script = format!(
            "import json,sys\nfrom oslo_config import cfg\nc=cfg.ConfigOpts()\n\
             c.register_opts([cfg.StrOpt('k%d' % i) for i in range({})])\n\
             c(['--config-file', sys.argv[1]])\n\
             print(json.dumps([c['k%d' % i] for i in range({})]))",
            values.len(),
            values.len()
        );
        let out = std::process::Command::new(py)
            .arg("-c")
            .arg(script)
            .arg(&conf)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(got, values);
    }
}
