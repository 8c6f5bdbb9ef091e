//! The end-to-end tests run copies of the examples
//! (`tests/e2e/specs/examples/NAME.glha`), compiled for Zed and moved into
//! the test's own addresses. A copy must stay the example's shape: it may
//! differ from `examples/NAME.glha` only in the changes its header lists,
//! one per line as `# - PATH: OLD -> NEW`, and it sends traffic nowhere but
//! to loopback and the harness's own network namespace. The harness's own
//! specs compile and its scripts are shellcheck-clean. No service runs
//! here; the harness (tests/e2e/run.sh, root only) runs the copies.

mod common;

use camino::{Utf8Path, Utf8PathBuf};
use glha::diagnostic::Diagnostics;
use glha::source::{FileId, Span};
use glha::syntax::{Item, ItemKind};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;
use std::process::Command;

/// The examples the harness runs (scenario 2: https; 4: the others),
/// each with a copy.
const REQUIRED: &[&str] = &[
    "seed",
    "split-vips",
    "active-active",
    "https",
    "ipmi-three-nodes",
];

/// One difference: an item's path, its value in the example and in the
/// copy (`None`: the file lacks it).
type Change = (String, Option<String>, Option<String>);

fn copies_dir() -> Utf8PathBuf {
    common::root().join("tests/e2e/specs/examples")
}

fn copies() -> Vec<Utf8PathBuf> {
    specs_in(&copies_dir())
}

/// The harness's own specs (tests/e2e/specs/*.glha), the copies aside.
fn harness_specs() -> Vec<Utf8PathBuf> {
    specs_in(&common::root().join("tests/e2e/specs"))
}

fn specs_in(dir: &Utf8Path) -> Vec<Utf8PathBuf> {
    let mut v: Vec<Utf8PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
        .filter(|p| p.extension() == Some("glha"))
        .collect();
    v.sort();
    v
}

fn read(p: &Utf8Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

fn parse(p: &Utf8Path, text: &str) -> Vec<Item> {
    glha::syntax::parse(FileId(0), text, &mut Diagnostics::default())
        .unwrap_or_else(|| panic!("{p} parses"))
}

/// The source text of a span, its whitespace runs collapsed: layout is
/// not a difference.
fn text_of(text: &str, span: Span) -> String {
    text[span.start as usize..span.end as usize]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Every attribute and directive as (path, value); an empty block as
/// (path, `{}`). A block's path segment is its keyword and labels.
fn flatten(items: &[Item], text: &str, prefix: &str, out: &mut Vec<(String, String)>) {
    for it in items {
        let key = &it.key.name;
        match &it.kind {
            ItemKind::Attribute(v) => out.push((format!("{prefix}{key}"), text_of(text, v.span))),
            ItemKind::Directive(_, span) => {
                out.push((format!("{prefix}{key}"), text_of(text, *span)))
            }
            ItemKind::Block { labels, items } => {
                let mut seg = key.clone();
                for l in labels {
                    seg.push(' ');
                    seg.push_str(&l.name);
                }
                if items.is_empty() {
                    out.push((format!("{prefix}{seg}"), "{}".into()));
                }
                flatten(items, text, &format!("{prefix}{seg}."), out);
            }
        }
    }
}

fn flat(p: &Utf8Path) -> Vec<(String, String)> {
    let text = read(p);
    let mut out = Vec::new();
    flatten(&parse(p, &text), &text, "", &mut out);
    out
}

/// The differences between two flattened files, per path: values only in
/// the example paired in order with values only in the copy.
fn differences(example: &[(String, String)], copy: &[(String, String)]) -> Vec<Change> {
    let mut by_path: BTreeMap<&str, (Vec<&str>, Vec<&str>)> = BTreeMap::new();
    for (p, v) in example {
        by_path.entry(p).or_default().0.push(v);
    }
    for (p, v) in copy {
        by_path.entry(p).or_default().1.push(v);
    }
    let mut out = Vec::new();
    for (path, (ex, co)) in by_path {
        let only_ex: Vec<&str> = ex.iter().filter(|v| !co.contains(v)).copied().collect();
        let only_co: Vec<&str> = co.iter().filter(|v| !ex.contains(v)).copied().collect();
        for i in 0..only_ex.len().max(only_co.len()) {
            out.push((
                path.to_string(),
                only_ex.get(i).map(|s| s.to_string()),
                only_co.get(i).map(|s| s.to_string()),
            ));
        }
    }
    out.sort();
    out
}

/// The changes a copy's header lists: `# - PATH: OLD -> NEW`, `(none)`
/// for a side that lacks the item.
fn documented(p: &Utf8Path) -> Vec<Change> {
    let side = |s: &str| (s != "(none)").then(|| s.to_string());
    let mut out: Vec<Change> = read(p)
        .lines()
        .take_while(|l| l.starts_with('#') || l.is_empty())
        .filter_map(|l| l.strip_prefix("# - "))
        .map(|l| {
            let (path, rest) = l
                .split_once(": ")
                .unwrap_or_else(|| panic!("{p}: change line without `PATH: `: {l}"));
            let (old, new) = rest
                .split_once(" -> ")
                .unwrap_or_else(|| panic!("{p}: change line without ` -> `: {l}"));
            (path.to_string(), side(old.trim()), side(new.trim()))
        })
        .collect();
    out.sort();
    out
}

fn show(changes: &[Change]) -> String {
    let side = |s: &Option<String>| s.clone().unwrap_or_else(|| "(none)".into());
    changes
        .iter()
        .map(|(p, o, n)| format!("  # - {p}: {} -> {}\n", side(o), side(n)))
        .collect()
}

#[test]
fn every_required_example_has_a_copy() {
    let names: Vec<String> = copies()
        .iter()
        .map(|p| p.file_stem().unwrap().to_string())
        .collect();
    for r in REQUIRED {
        assert!(
            names.iter().any(|n| n == r),
            "no copy of examples/{r}.glha in {}",
            copies_dir()
        );
    }
}

#[test]
fn copies_differ_from_their_examples_only_as_documented() {
    for copy in copies() {
        let name = copy.file_name().unwrap();
        let example = common::root().join("examples").join(name);
        assert!(
            example.exists(),
            "{copy} copies no example ({example} is missing)"
        );
        let first = read(&copy).lines().next().unwrap_or_default().to_string();
        assert!(
            first.contains(&format!("examples/{name}")),
            "{copy}: the first line names the example it copies, examples/{name}"
        );
        let actual = differences(&flat(&example), &flat(&copy));
        let listed = documented(&copy);
        let undocumented: Vec<Change> = actual
            .iter()
            .filter(|c| !listed.contains(c))
            .cloned()
            .collect();
        let absent: Vec<Change> = listed
            .iter()
            .filter(|c| !actual.contains(c))
            .cloned()
            .collect();
        assert!(
            undocumented.is_empty() && absent.is_empty(),
            "{copy} against {example}:\nchanges its header does not list:\n{}listed changes it does not make:\n{}",
            show(&undocumented),
            show(&absent)
        );
        assert!(
            !listed.is_empty(),
            "{copy}: a copy lists at least its release change"
        );
    }
}

/// The IPv4 addresses written in a value (in strings and URLs too).
fn ipv4s(value: &str) -> Vec<Ipv4Addr> {
    value
        .split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .filter_map(|w| w.trim_matches('.').parse().ok())
        .collect()
}

#[test]
fn copies_address_only_loopback_and_the_harness_namespace() {
    // The harness's cluster network exists only inside its own network
    // namespace (tests/e2e/lib/common.sh, E2E_CNET).
    let cluster_net = |a: Ipv4Addr| a.octets()[..3] == [198, 18, 77];
    for copy in copies() {
        for (path, value) in flat(&copy) {
            for a in ipv4s(&value) {
                assert!(
                    a.is_loopback() || cluster_net(a),
                    "{copy}: {path} = {value}: {a} is neither loopback nor the harness's 198.18.77.0/24"
                );
            }
        }
    }
}

#[test]
fn copies_compile_for_zed() {
    for copy in copies() {
        let c = common::compile(&copy, &glha::Options::default());
        let plan = c.plan.expect("a plan");
        assert_eq!(
            plan.release.to_string(),
            "zed",
            "{copy} is compiled for Zed"
        );
    }
}

/// The harness's own specs compile for Zed with no error (a language
/// change such as a newly mandatory block fails here, not only in the
/// end-to-end run) and name loopback addresses only.
#[test]
fn harness_specs_compile_for_zed_on_loopback_only() {
    let specs = harness_specs();
    assert!(!specs.is_empty(), "tests/e2e/specs/*.glha");
    for spec in specs {
        let c = common::compile(&spec, &glha::Options::default());
        let plan = c.plan.expect("a plan");
        assert_eq!(
            plan.release.to_string(),
            "zed",
            "{spec} is compiled for Zed"
        );
        for (path, value) in flat(&spec) {
            for a in ipv4s(&value) {
                assert!(
                    a.is_loopback(),
                    "{spec}: {path} = {value}: {a} is not loopback"
                );
            }
        }
    }
}

/// The harness's shell scripts under DIR (by extension or `#!`).
fn harness_scripts(dir: &Utf8Path, out: &mut Vec<Utf8PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{dir}: {e}")) {
        let path = Utf8PathBuf::from_path_buf(entry.unwrap().path()).expect("UTF-8 path");
        if path.is_dir() {
            harness_scripts(&path, out);
        } else if path.extension() == Some("sh")
            || read(&path)
                .lines()
                .next()
                .is_some_and(|l| l.starts_with("#!") && l.ends_with("sh"))
        {
            out.push(path);
        }
    }
}

/// The end-to-end harness runs only as root on a host with the services:
/// shellcheck reads it everywhere (its `source=` hints are relative to
/// the repository, hence -x from there).
#[test]
fn harness_scripts_are_shellcheck_clean() {
    if !common::tool("shellcheck") {
        return;
    }
    let mut scripts = Vec::new();
    harness_scripts(&common::root().join("tests/e2e"), &mut scripts);
    scripts.sort();
    assert!(
        scripts.iter().any(|s| s.ends_with("run.sh")),
        "tests/e2e/run.sh is among {scripts:?}"
    );
    let root = common::root();
    common::run_ok(
        Command::new("shellcheck")
            .arg("-x")
            .args(scripts.iter().map(|s| s.strip_prefix(&root).unwrap()))
            .current_dir(&root),
        "shellcheck of tests/e2e",
    );
}
