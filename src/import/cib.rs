//! The live CIB: `cibadmin -Q` XML or `crm configure show` text, read into
//! the plan's Pacemaker model by diff's readers, plus what those do not
//! keep and an import needs: the nodes, and the resource and operation
//! defaults (which glha does not write, so they are reported).
//!
//! Text that is neither is refused at the first line that is no XML and no
//! crm statement.

use super::ImportError;
use crate::plan::Pacemaker;
use crate::xml;
use camino::Utf8Path;

/// The live cluster configuration.
pub(crate) struct LiveCib {
    /// The nodes' names, in the CIB's order, with their ids when given.
    pub nodes: Vec<(Option<String>, String)>,
    /// The configuration in the plan's model.
    pub pm: Pacemaker,
    /// `rsc_defaults` and `op_defaults` pairs, as `KIND NAME=VALUE`.
    pub defaults: Vec<String>,
}

/// The words that start a statement of `crm configure show`.
const CRM_STATEMENTS: &[&str] = &[
    "node",
    "primitive",
    "monitor",
    "group",
    "clone",
    "ms",
    "master",
    "location",
    "colocation",
    "collocation",
    "order",
    "property",
    "rsc_defaults",
    "op_defaults",
    "rsc_template",
    "rsc_ticket",
    "fencing_topology",
    "role",
    "user",
    "acl_target",
    "acl_group",
    "tag",
    "bundle",
    "alert",
];

/// Reads the CIB at `path`.
pub(crate) fn read(path: &Utf8Path) -> Result<LiveCib, ImportError> {
    let (text, _) = crate::diff::read::text(path)?;
    let parse = |line: Option<usize>, message: String| ImportError::Parse {
        path: path.to_owned(),
        line,
        message,
    };
    if text.trim_start().starts_with('<') {
        let root = xml::parse_located(&text).map_err(|e| parse(Some(e.line(&text)), e.message))?;
        if root.name != "cib" {
            let what = format!("the root element is <{}>, not <cib>", root.name);
            return Err(parse(None, what));
        }
        let pm = crate::diff::cib::read(&text).map_err(|m| parse(None, m))?;
        let conf = root.find("configuration");
        let nodes = conf
            .and_then(|c| c.kids("nodes").next())
            .map(|n| {
                n.kids("node")
                    .filter_map(|e| {
                        Some((
                            e.attr("id").map(str::to_string),
                            e.attr("uname")?.to_string(),
                        ))
                    })
                    .collect()
            })
            .unwrap_or_default();
        let mut defaults = Vec::new();
        for kind in ["rsc_defaults", "op_defaults"] {
            for p in conf
                .iter()
                .flat_map(|c| c.kids(kind))
                .flat_map(|d| d.kids("meta_attributes"))
                .flat_map(|m| m.kids("nvpair"))
            {
                let (n, v) = (p.attr("name").unwrap_or(""), p.attr("value").unwrap_or(""));
                defaults.push(format!("{kind} {n}={v}"));
            }
        }
        return Ok(LiveCib {
            nodes,
            pm,
            defaults,
        });
    }
    let statements = statements(&text).map_err(|(line, m)| parse(Some(line), m))?;
    let pm = crate::diff::crm_show::read(&text).map_err(|m| parse(None, m))?;
    let mut nodes = Vec::new();
    let mut defaults = Vec::new();
    for s in statements {
        let words: Vec<&str> = s.split_whitespace().collect();
        match words.first().copied() {
            Some("node") => nodes.extend(node(&words[1..])),
            Some(kind @ ("rsc_defaults" | "op_defaults")) => defaults.extend(
                words[1..]
                    .iter()
                    .filter(|w| w.contains('=') && !w.starts_with('$'))
                    .map(|w| format!("{kind} {}", w.replace('"', ""))),
            ),
            _ => {}
        }
    }
    Ok(LiveCib {
        nodes,
        pm,
        defaults,
    })
}

/// `[ID:] UNAME [attributes …]` (older crmsh: `$id=ID UNAME`).
fn node(words: &[&str]) -> Option<(Option<String>, String)> {
    let mut id = None;
    for w in words {
        if let Some(i) = w.strip_suffix(':') {
            id = Some(i.to_string());
        } else if let Some(i) = w.strip_prefix("$id=") {
            id = Some(i.trim_matches('"').to_string());
        } else {
            return Some((id, w.to_string()));
        }
    }
    None
}

/// The statements of crm text (continuations joined, ANSI colour
/// stripped); an error names the first line that starts none.
fn statements(text: &str) -> Result<Vec<String>, (usize, String)> {
    let text = crate::diff::strip_ansi(text);
    let mut out = Vec::new();
    let mut cur: Option<String> = None;
    for (i, line) in text.lines().enumerate() {
        let t = line.trim_end();
        let (body, more) = match t.strip_suffix('\\') {
            Some(b) => (b, true),
            None => (t, false),
        };
        match &mut cur {
            Some(s) => {
                s.push(' ');
                s.push_str(body);
            }
            None if body.trim().is_empty() || body.trim_start().starts_with('#') => continue,
            None => {
                let first = body.split_whitespace().next().unwrap_or("");
                if !CRM_STATEMENTS.contains(&first) {
                    return Err((
                        i + 1,
                        format!(
                            "`{first}` starts no `crm configure show` statement, and the file is not CIB XML"
                        ),
                    ));
                }
                cur = Some(body.to_string());
            }
        }
        if !more {
            out.extend(cur.take());
        }
    }
    out.extend(cur);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use camino::Utf8PathBuf;

    fn write(text: &str) -> (tempfile::TempDir, Utf8PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let p = Utf8PathBuf::from_path_buf(tmp.path().join("cib")).unwrap();
        std::fs::write(&p, text).unwrap();
        (tmp, p)
    }

    #[test]
    fn nodes_and_defaults_from_both_forms() {
        let (_t, p) = write("<cib><configuration><crm_config/><nodes><node id=\"1\" uname=\"a\"/><node id=\"2\" uname=\"b\"/></nodes><resources/><constraints/><rsc_defaults><meta_attributes id=\"r\"><nvpair id=\"r1\" name=\"resource-stickiness\" value=\"1\"/></meta_attributes></rsc_defaults></configuration></cib>");
        let c = read(&p).unwrap();
        assert_eq!(
            c.nodes,
            [
                (Some("1".into()), "a".into()),
                (Some("2".into()), "b".into())
            ]
        );
        assert_eq!(c.defaults, ["rsc_defaults resource-stickiness=1"]);
        let (_t, p) = write("node 1: a \\\n\tattributes standby=off\nnode b\nprimitive p Dummy\nrsc_defaults rsc-options: \\\n\tresource-stickiness=100\n");
        let c = read(&p).unwrap();
        assert_eq!(
            c.nodes,
            [(Some("1".into()), "a".into()), (None, "b".into())]
        );
        assert_eq!(c.defaults, ["rsc_defaults resource-stickiness=100"]);
        assert_eq!(c.pm.primitives.len(), 1);
    }

    #[test]
    fn neither_xml_nor_crm_text_names_its_line() {
        let (_t, p) = write("node a\n\nthis is not a cib\n");
        let e = read(&p).err().unwrap().to_string();
        assert!(
            e.ends_with(
                ":3: `this` starts no `crm configure show` statement, and the file is not CIB XML"
            ),
            "{e}"
        );
        let (_t, p) = write("<cib>\n<configuration>\n<nodes>\n</cib>\n");
        let e = read(&p).err().unwrap().to_string();
        assert!(e.contains(":4: </cib> closes <nodes>"), "{e}");
        let (_t, p) = write("<html/>");
        let e = read(&p).err().unwrap().to_string();
        assert!(e.contains("<html>, not <cib>"), "{e}");
    }
}
