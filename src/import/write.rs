//! The imported spec as a small syntax tree, written out as text and laid
//! out by the formatter ([`crate::fmt::format`]), so an import is in the
//! canonical form `glhac fmt` writes.

use crate::fmt::quote;
use crate::plan::{AgentClass, AgentRef, Duration};
use std::net::IpAddr;

/// A value as a spec writes it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Val {
    /// `"text"`.
    Str(String),
    /// `9292`.
    Int(u64),
    /// `30s`.
    Dur(Duration),
    /// `10.0.0.11` or `10.0.0.11/24`.
    Addr(IpAddr, Option<u8>),
    /// `vip.internal`, `node.controller1`.
    Ref(&'static str, String),
    /// A bare word: `active_active`, `file`, `true`.
    Word(String),
    /// `[a, b]`.
    List(Vec<Val>),
    /// `secret env "NAME"`.
    Env(String),
    /// `ocf "openstack" "glance-api"`, `systemd "glance-api"`.
    Agent(AgentRef),
    /// `waived "reason"`.
    Waived(String),
    /// `external "how"`.
    External(String),
}

impl Val {
    /// A string value.
    pub(crate) fn str(s: impl Into<String>) -> Val {
        Val::Str(s.into())
    }
    /// A bare word.
    pub(crate) fn word(s: impl Into<String>) -> Val {
        Val::Word(s.into())
    }
    /// An address, or a DNS name as a string.
    pub(crate) fn host(name: &str) -> Val {
        match name.parse::<IpAddr>() {
            Ok(ip) => Val::Addr(ip, None),
            Err(_) => Val::str(name),
        }
    }

    fn text(&self) -> String {
        match self {
            Val::Str(s) => quote(s),
            Val::Int(n) => n.to_string(),
            Val::Dur(d) => duration(*d),
            Val::Addr(ip, None) => ip.to_string(),
            Val::Addr(ip, Some(p)) => format!("{ip}/{p}"),
            Val::Ref(kind, name) => format!("{kind}.{name}"),
            Val::Word(w) => w.clone(),
            Val::List(vs) => format!(
                "[{}]",
                vs.iter().map(Val::text).collect::<Vec<_>>().join(", ")
            ),
            Val::Env(n) => format!("secret env {}", quote(n)),
            Val::Agent(a) => agent(a),
            Val::Waived(r) => format!("waived {}", quote(r)),
            Val::External(h) => format!("external {}", quote(h)),
        }
    }
}

/// A duration as the spec language writes one: whole hours as `Nh`,
/// whole seconds as `Ns`, anything else in milliseconds.
fn duration(d: Duration) -> String {
    const HOUR: u64 = 3_600_000;
    let ms = d.as_ms();
    // Whole hours as hours: HAProxy's long timeouts read as the stdlib
    // writes them (`6h`); anything shorter in seconds, as the examples.
    if ms != 0 && ms % HOUR == 0 {
        format!("{}h", ms / HOUR)
    } else if ms % 1000 == 0 {
        format!("{}s", ms / 1000)
    } else {
        format!("{ms}ms")
    }
}

/// An agent as the spec language writes one. Only the classes a spec can
/// name reach here ([`expressible_agent`]).
fn agent(a: &AgentRef) -> String {
    match (&a.class, &a.provider) {
        (AgentClass::Ocf, Some(p)) => format!("ocf {} {}", quote(p), quote(&a.kind)),
        (class, _) => format!("{} {}", class.as_str(), quote(&a.kind)),
    }
}

/// Whether a spec can name this agent: OCF with a provider, systemd, lsb
/// and stonith.
pub(crate) fn expressible_agent(a: &AgentRef) -> bool {
    matches!(
        (&a.class, &a.provider),
        (AgentClass::Ocf, Some(_))
            | (
                AgentClass::Systemd | AgentClass::Lsb | AgentClass::Stonith,
                _
            )
    )
}

/// One item of the spec.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Item {
    /// `key = value`.
    Attr(String, Val),
    /// `key "text"` (`import`, `release`).
    Directive(String, String),
    /// `key labels… { items }`; `inline` keeps a short block on one line.
    Block {
        /// The keyword.
        key: String,
        /// Its labels.
        labels: Vec<String>,
        /// Its contents.
        items: Vec<Item>,
        /// Written on one line (the formatter keeps it there if it fits).
        inline: bool,
    },
    /// `# text`, one line per line of text.
    Comment(String),
    /// An empty line.
    Blank,
}

impl Item {
    /// `key = value`.
    pub(crate) fn attr(key: &str, v: Val) -> Item {
        Item::Attr(key.to_string(), v)
    }
    /// A block written over several lines.
    pub(crate) fn block(key: &str, labels: &[&str], items: Vec<Item>) -> Item {
        Item::Block {
            key: key.to_string(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            items,
            inline: false,
        }
    }
    /// A block written on one line.
    pub(crate) fn inline(key: &str, labels: &[&str], items: Vec<Item>) -> Item {
        Item::Block {
            key: key.to_string(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            items,
            inline: true,
        }
    }
    /// A comment.
    pub(crate) fn comment(text: impl Into<String>) -> Item {
        Item::Comment(text.into())
    }
}

/// The text of `items` at `depth`, before formatting.
fn write(items: &[Item], depth: usize, out: &mut String) {
    let pad = "  ".repeat(depth);
    for it in items {
        match it {
            Item::Attr(k, v) => out.push_str(&format!("{pad}{k} = {}\n", v.text())),
            Item::Directive(k, t) => out.push_str(&format!("{pad}{k} {}\n", quote(t))),
            Item::Comment(text) => {
                for line in text.lines() {
                    let clean: String = line
                        .chars()
                        .map(|c| if c.is_control() { ' ' } else { c })
                        .collect();
                    out.push_str(format!("{pad}# {clean}").trim_end());
                    out.push('\n');
                }
            }
            Item::Blank => out.push('\n'),
            Item::Block {
                key,
                labels,
                items,
                inline,
            } => {
                let head = std::iter::once(key.as_str())
                    .chain(labels.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join(" ");
                let one_line = *inline && items.iter().all(|i| matches!(i, Item::Attr(..)));
                if one_line {
                    let body: Vec<String> = items
                        .iter()
                        .filter_map(|i| match i {
                            Item::Attr(k, v) => Some(format!("{k} = {}", v.text())),
                            _ => None,
                        })
                        .collect();
                    if body.is_empty() {
                        out.push_str(&format!("{pad}{head} {{}}\n"));
                    } else {
                        out.push_str(&format!("{pad}{head} {{ {} }}\n", body.join("  ")));
                    }
                } else {
                    out.push_str(&format!("{pad}{head} {{\n"));
                    write(items, depth + 1, out);
                    out.push_str(&format!("{pad}}}\n"));
                }
            }
        }
    }
}

/// The spec text of `items`, in canonical layout. An error means glha
/// wrote something its own parser refuses: a bug, said as such.
pub(crate) fn render(items: &[Item]) -> Result<String, String> {
    let mut text = String::new();
    write(items, 0, &mut text);
    crate::fmt::format(&text).map_err(|d| {
        let first = d
            .iter()
            .next()
            .map(|d| d.message.clone())
            .unwrap_or_default();
        format!("glha bug: the imported spec does not parse: {first}")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tree_is_written_in_canonical_form() {
        let items = vec![
            Item::Directive("import".into(), "std/glance-api".into()),
            Item::Blank,
            Item::comment("a note\nover two lines"),
            Item::inline(
                "vip",
                &["internal"],
                vec![
                    Item::attr("address", Val::Addr("10.0.0.11".parse().unwrap(), Some(24))),
                    Item::attr("nic", Val::str("eth\"0")),
                ],
            ),
            Item::block(
                "service",
                &["glance-api"],
                vec![
                    Item::attr(
                        "agent",
                        Val::Agent(AgentRef::ocf("openstack", "glance-api")),
                    ),
                    Item::attr("vip", Val::Ref("vip", "internal".into())),
                    Item::inline(
                        "op",
                        &["monitor"],
                        vec![
                            Item::attr("interval", Val::Dur(Duration::seconds(30))),
                            Item::attr("timeout", Val::Dur(Duration::from_ms(1500).unwrap())),
                        ],
                    ),
                ],
            ),
        ];
        let text = render(&items).unwrap();
        assert_eq!(
            text,
            "import \"std/glance-api\"\n\n# a note\n# over two lines\nvip internal { address = 10.0.0.11/24  nic = \"eth\\\"0\" }\nservice glance-api {\n  agent = ocf \"openstack\" \"glance-api\"\n  vip   = vip.internal\n  op monitor { interval = 30s  timeout = 1500ms }\n}\n"
        );
        assert_eq!(crate::fmt::format(&text).unwrap(), text);
    }
}
