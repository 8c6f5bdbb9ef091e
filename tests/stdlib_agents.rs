//! The stdlib's agent blocks say what the agents' own metadata says (the
//! `meta-data` output committed under tests/data/ocf/): every parameter
//! the agent declares is accepted in a service's `params`, and an op
//! timeout one second below the one the agent advises is a W0108.

mod common;

/// (file under tests/data/ocf, agent as a spec writes it)
const AGENTS: &[(&str, &str)] = &[("anything.metadata.xml", "ocf \"heartbeat\" \"anything\"")];

/// The values of `attr="…"` in every `<tag …>` of the metadata.
fn attrs<'a>(xml: &'a str, tag: &str, attr: &str) -> Vec<(&'a str, Option<&'a str>)> {
    let open = format!("<{tag} ");
    xml.match_indices(&open)
        .map(|(at, _)| {
            let elem = &xml[at..at + xml[at..].find('>').expect("closed tag")];
            let value = |name: &str| {
                let key = format!(" {name}=\"");
                elem.find(&key).map(|i| {
                    let rest = &elem[i + key.len()..];
                    &rest[..rest.find('"').expect("closed attribute")]
                })
            };
            (value("name").expect("a name"), value(attr))
        })
        .collect()
}

fn secs(t: &str) -> u64 {
    t.strip_suffix('s')
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("timeout {t} is not in seconds"))
}

#[test]
fn stdlib_agents_match_their_metadata() {
    for (file, agent) in AGENTS {
        let xml = std::fs::read_to_string(common::root().join("tests/data/ocf").join(file))
            .expect("metadata");
        let params: Vec<&str> = attrs(&xml, "parameter", "name")
            .into_iter()
            .map(|(n, _)| n)
            .collect();
        assert!(!params.is_empty(), "{file}: no parameters");
        let advised: Vec<(&str, u64)> = attrs(&xml, "action", "timeout")
            .into_iter()
            .filter(|(n, _)| matches!(*n, "start" | "stop" | "monitor"))
            .map(|(n, t)| (n, secs(t.expect("an advised timeout"))))
            .collect();
        assert_eq!(advised.len(), 3, "{file}: start, stop and monitor");

        let param_lines: String = params
            .iter()
            .map(|p| format!("    {p} = \"x\"\n"))
            .collect();
        let op_lines: String = advised
            .iter()
            .map(|(op, t)| {
                let interval = if *op == "monitor" {
                    "interval = 10s  "
                } else {
                    ""
                };
                format!("  op {op} {{ {interval}timeout = {}s }}\n", t - 1)
            })
            .collect();
        let spec = format!(
            "import \"std/glance-api\"\nrelease \"zed\"\n\
             cluster {{\n  node a {{ address = 10.0.0.12 }}\n  node b {{ address = 10.0.0.13 }}\n  \
             fencing = waived \"test\"\n}}\n\
             store = waived \"test: not about the store\"\n\
             vip internal {{ address = 10.0.0.11/24 }}\n\
             service glance-api {{\n  agent = {agent}\n  vip = vip.internal\n  params {{\n{param_lines}  }}\n{op_lines}}}\n"
        );
        let c = glha::compile_str(file, &spec, &glha::Options::default());
        let rendered = glha::diagnostic::render(&c.diagnostics, &c.sources, false);
        assert!(!c.diagnostics.has_errors(), "{file}:\n{spec}\n{rendered}");
        for (op, t) in &advised {
            let want = format!(
                "{op} timeout {}s is shorter than the {t}s the agent advises",
                t - 1
            );
            assert!(
                c.diagnostics
                    .iter()
                    .any(|d| d.code == "W0108" && d.message == want),
                "{file}: no W0108 `{want}`:\n{rendered}"
            );
        }
    }
}
