//! `glhac fmt` and `glha::fmt`: the examples are in canonical form, every
//! spec that parses formats idempotently to the same syntax tree, comments
//! survive, and the command's exit codes and output.

mod common;

use camino::Utf8PathBuf;
use glha::diagnostic::Diagnostics;
use glha::fmt::{format, same_items};
use glha::source::FileId;
use glha::syntax::Item;
use proptest::prelude::*;
use std::process::{Command, Output};

fn parse(text: &str) -> Option<Vec<Item>> {
    glha::syntax::parse(FileId(0), text, &mut Diagnostics::default())
}

fn glha_files(dir: &str) -> Vec<Utf8PathBuf> {
    let mut v: Vec<Utf8PathBuf> = std::fs::read_dir(common::root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
        .filter(|p| p.extension() == Some("glha"))
        .collect();
    v.sort();
    v
}

fn read(p: &Utf8PathBuf) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{p}: {e}"))
}

/// Formats `text`, which must parse, and checks that the result parses to
/// the same items and is a fixed point.
fn check_format(name: &str, text: &str) -> String {
    let before = parse(text).unwrap_or_else(|| panic!("{name} parses"));
    let once = format(text).unwrap_or_else(|_| panic!("{name} formats"));
    let after = parse(&once).unwrap_or_else(|| panic!("{name} formatted parses:\n{once}"));
    assert!(
        same_items(&before, &after),
        "{name}: formatting changed the syntax tree:\n{once}"
    );
    let twice = format(&once).expect("formatted text formats");
    assert_eq!(once, twice, "{name}: formatting is not idempotent");
    once
}

/// Every `#` comment body of a text that parses, in order (strings skipped).
fn comment_bodies(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut in_str = false;
    let mut escaped = false;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        if in_str {
            match (escaped, c) {
                (true, _) => escaped = false,
                (false, '\\') => escaped = true,
                (false, '"') => in_str = false,
                _ => {}
            }
        } else if c == '"' {
            in_str = true;
        } else if c == '#' {
            let end = text[i..].find('\n').map_or(text.len(), |n| i + n);
            out.push(text[i..end].trim_end().to_string());
            while chars.next().is_some_and(|(j, _)| j + 1 < end) {}
        }
    }
    out
}

#[test]
fn examples_are_in_canonical_form() {
    let examples = common::examples();
    assert!(examples.len() >= 4);
    for p in examples {
        let text = read(&p);
        assert_eq!(
            check_format(p.as_str(), &text),
            text,
            "{p} is not canonical"
        );
    }
}

#[test]
fn ok_cases_become_fixed_points() {
    let cases: Vec<_> = glha_files("tests/cases")
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n.starts_with("ok-")))
        .collect();
    assert!(cases.len() >= 10);
    for p in cases {
        check_format(p.as_str(), &read(&p));
    }
}

#[test]
fn every_spec_that_parses_keeps_its_tree_and_comments() {
    let mut files = common::examples();
    for dir in ["tests/cases", "tests/cases/modules", "stdlib"] {
        files.extend(glha_files(dir));
    }
    let mut parsed = 0;
    for p in &files {
        let text = read(p);
        if parse(&text).is_none() {
            continue;
        }
        parsed += 1;
        let out = check_format(p.as_str(), &text);
        let mut before = comment_bodies(&text);
        let mut after = comment_bodies(&out);
        // A comment inside an item moves before it, so compare as sets.
        before.sort();
        after.sort();
        assert_eq!(before, after, "{p}: comments lost or added");
    }
    assert!(parsed >= 80, "only {parsed} of {} parse", files.len());
}

#[test]
fn the_stdlib_is_in_canonical_form() {
    for p in glha_files("stdlib") {
        let text = read(&p);
        assert_eq!(
            check_format(p.as_str(), &text),
            text,
            "{p} is not canonical"
        );
    }
}

#[test]
fn comments_stay_where_they_were() {
    let input = "\n\n# leading block\n# of the file\n\nrelease \"ocata\" # trailing\nimport \"std/nova\"\n\n\n\n# before the cluster\ncluster {   # after the brace\n\n  # inside, first\n  node a { address = 10.0.0.1 }   # after a one-line block\n\n\n  # between\n  fencing = waived \"x # not a comment\"\n\n  # at the end of the block\n\n}  # after the brace that closes\n# at the end of the file";
    let want = "# leading block\n# of the file\n\nrelease \"ocata\"  # trailing\nimport \"std/nova\"\n\n# before the cluster\ncluster {  # after the brace\n  # inside, first\n  node a { address = 10.0.0.1 }  # after a one-line block\n\n  # between\n  fencing = waived \"x # not a comment\"\n\n  # at the end of the block\n}  # after the brace that closes\n# at the end of the file\n";
    assert_eq!(check_format("input", input), want);
}

#[test]
fn comments_inside_an_item_move_before_it() {
    let input = "vip # the name\n  internal { address = 10.0.0.11/24 }\nrabbitmq {\n  hosts = [a, # first\n           b]  # after\n}\n";
    let want = "# the name\nvip internal { address = 10.0.0.11/24 }\nrabbitmq {\n  # first\n  hosts = [a,\n           b]  # after\n}\n";
    assert_eq!(check_format("input", input), want);
}

#[test]
fn layout() {
    let input = "database glance{driver=\"mysql\"\nhost=vip.internal password=secret env \"P\"\n}\nservice glance-api { agent=ocf \"openstack\"   \"glance-api\"\nop start {timeout=100s}\nop monitor {interval=60s timeout=100s}\nop stop{}\nmeta{a=\"1\"}\n}\nendpoints image {\n  public { host = vip.public  port = 9292 }\n  internal = [ vip.internal , vip.public, ]\n}\nx { y { z = 1 } }\nconsumer nova {\n}\n";
    let want = "database glance {\n  driver   = \"mysql\"\n  host     = vip.internal\n  password = secret env \"P\"\n}\nservice glance-api {\n  agent = ocf \"openstack\" \"glance-api\"\n  op start   { timeout = 100s }\n  op monitor { interval = 60s  timeout = 100s }\n  op stop {}\n  meta { a = \"1\" }\n}\nendpoints image {\n  public   { host = vip.public  port = 9292 }\n  internal = [vip.internal, vip.public]\n}\nx {\n  y { z = 1 }\n}\nconsumer nova {}\n";
    assert_eq!(check_format("input", input), want);
}

#[test]
fn strings_are_re_escaped_and_tokens_kept_as_written() {
    let input = "a = \"q\\\" b\\\\ n\\n t\\t r\\r d\\$ \u{e9}\"\nb = 007\nc = 2m\nd = 2001:db8::11/64\ne = 99999999999999999999999\nf = 10.0.0.300\n";
    let want = "a = \"q\\\" b\\\\ n\\n t\\t r\\r d$ \u{e9}\"\nb = 007\nc = 2m\nd = 2001:db8::11/64\ne = 99999999999999999999999\nf = 10.0.0.300\n";
    assert_eq!(check_format("input", input), want);
}

#[test]
fn a_long_one_line_block_is_split() {
    let long = format!("x {{ a = \"{}\"  b = 1 }}\n", "v".repeat(90));
    let out = check_format("input", &long);
    assert_eq!(
        out,
        format!("x {{\n  a = \"{}\"\n  b = 1\n}}\n", "v".repeat(90))
    );
    let fits = format!("x {{ a = \"{}\" }}\n", "v".repeat(86));
    assert_eq!(check_format("input", &fits), fits);
}

#[test]
fn lists_keep_their_line_breaks() {
    let input = "agent x {\n  params = [\"a\", \"b\",\n    \"c\",\n  ]\n}\n";
    let want = "agent x {\n  params = [\"a\", \"b\",\n            \"c\"]\n}\n";
    assert_eq!(check_format("input", input), want);
}

#[test]
fn empty_and_comment_only_files() {
    assert_eq!(format("").unwrap(), "");
    assert_eq!(format("\n \n").unwrap(), "");
    assert_eq!(format("# a\n\n\n# b").unwrap(), "# a\n\n# b\n");
    assert_eq!(
        format("x = 1\r\ny = 2 # c\r\n").unwrap(),
        "x = 1\ny = 2  # c\n"
    );
}

#[test]
fn a_syntax_error_is_not_formatted() {
    let diags = format("cluster {\n  node a { address = 10.0.0.1 }\n").unwrap_err();
    assert!(diags.has_errors());
    assert!(diags.iter().all(|d| d.code == "E0001"));
}

/// Byte offsets of whitespace outside strings and comments: inserting
/// whitespace or a whole comment line there keeps the text parseable.
fn gaps(text: &str) -> Vec<usize> {
    glha::syntax::code_chars(text)
        .filter(|(_, c)| matches!(c, ' ' | '\n' | '\t'))
        .map(|(i, _)| i)
        .collect()
}

fn seeds() -> Vec<String> {
    let mut v: Vec<String> = common::examples().iter().map(read).collect();
    v.extend(
        glha_files("tests/cases")
            .iter()
            .filter(|p| p.file_name().is_some_and(|n| n.starts_with("ok-")))
            .map(read),
    );
    v
}

const INSERTS: &[&str] = &[
    " ",
    "\n",
    "\n\n\n",
    "\t",
    "# note\n",
    "  # a \"quoted\" # note\n",
    "\n# own\n\n",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    /// Whitespace and comments inserted anywhere between tokens.
    #[test]
    fn mutated_seeds_format_idempotently(
        seed in 0usize..64,
        edits in prop::collection::vec((any::<prop::sample::Index>(), 0..INSERTS.len()), 1..12),
    ) {
        let seeds = seeds();
        let mut text = seeds[seed % seeds.len()].clone();
        for (at, what) in edits {
            let g = gaps(&text);
            let pos = g[at.index(g.len())];
            text.insert_str(pos, INSERTS[what]);
        }
        check_format("mutated", &text);
    }

    /// Lines deleted, duplicated, moved or joined: whatever still parses.
    #[test]
    fn reshuffled_seeds_format_idempotently(
        seed in 0usize..64,
        edits in prop::collection::vec((0u8..4, any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..6),
    ) {
        let seeds = seeds();
        let mut lines: Vec<String> = seeds[seed % seeds.len()].lines().map(str::to_string).collect();
        for (op, a, b) in edits {
            if lines.is_empty() {
                break;
            }
            let (i, j) = (a.index(lines.len()), b.index(lines.len()));
            match op {
                0 => { lines.remove(i); }
                1 => { let l = lines[i].clone(); lines.insert(j, l); }
                2 => lines.swap(i, j),
                _ if i + 1 < lines.len() && !lines[i].contains('#') => {
                    let next = lines.remove(i + 1);
                    lines[i] = format!("{} {}", lines[i], next.trim());
                }
                _ => {}
            }
        }
        let text = lines.join("\n");
        if parse(&text).is_some() {
            check_format("reshuffled", &text);
        }
    }
}

// ---- the command ----

fn glhac(args: &[&str], dir: &std::path::Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_glhac"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("glhac runs")
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exited")
}

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn check_passes_on_the_examples() {
    let root = common::root();
    let mut args = vec!["fmt".to_string(), "--check".to_string()];
    args.extend(
        common::examples()
            .iter()
            .map(|p| p.strip_prefix(&root).unwrap().to_string()),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let o = glhac(&args, root.as_std_path());
    assert_eq!(code(&o), 0, "{}{}", out(&o), err(&o));
    assert_eq!(out(&o), "");
    assert_eq!(err(&o), "");
}

#[test]
fn check_prints_a_diff_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let messy = "release  \"ocata\"\ncluster{fencing=waived \"x\"}\n";
    std::fs::write(dir.path().join("a.glha"), messy).unwrap();
    std::fs::write(dir.path().join("b.glha"), "release \"ocata\"\n").unwrap();
    let o = glhac(&["fmt", "--check", "a.glha", "b.glha"], dir.path());
    assert_eq!(code(&o), 1, "{}", err(&o));
    let diff = out(&o);
    assert!(
        diff.contains("--- a.glha\n+++ a.glha (formatted)\n"),
        "{diff}"
    );
    assert!(diff.contains("\n-release  \"ocata\"\n"), "{diff}");
    assert!(diff.contains("\n+release \"ocata\"\n"), "{diff}");
    assert!(
        diff.contains("\n+cluster { fencing = waived \"x\" }\n"),
        "{diff}"
    );
    assert!(!diff.contains("b.glha"), "{diff}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("a.glha")).unwrap(),
        messy
    );
}

#[test]
fn fmt_rewrites_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.glha");
    std::fs::write(&path, "x=1 # one\n\n\n\ny  =  [a,b]\n").unwrap();
    let o = glhac(&["fmt", "a.glha"], dir.path());
    assert_eq!(code(&o), 0, "{}", err(&o));
    assert_eq!(err(&o), "formatted a.glha\n");
    assert_eq!(out(&o), "");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "x = 1  # one\n\ny = [a, b]\n"
    );
    let again = glhac(&["fmt", "a.glha"], dir.path());
    assert_eq!(code(&again), 0);
    assert_eq!(err(&again), "");
    let check = glhac(&["fmt", "--check", "a.glha"], dir.path());
    assert_eq!(code(&check), 0);
    // No temporary file is left behind.
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_syntax_error_exits_1_and_leaves_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let bad = "cluster {\n  password = \"hunter2\"\n  node a { address = }\n}\n";
    std::fs::write(dir.path().join("bad.glha"), bad).unwrap();
    std::fs::write(dir.path().join("ok.glha"), "x=1\n").unwrap();
    let o = glhac(&["fmt", "bad.glha", "ok.glha"], dir.path());
    assert_eq!(code(&o), 1);
    let e = err(&o);
    assert!(e.contains("error[E0001]"), "{e}");
    assert!(e.contains("bad.glha:3:"), "{e}");
    assert!(!e.contains("hunter2"), "a secret is shown: {e}");
    assert!(e.contains("formatted ok.glha"), "{e}");
    assert_eq!(
        std::fs::read_to_string(dir.path().join("bad.glha")).unwrap(),
        bad
    );
    assert_eq!(
        std::fs::read_to_string(dir.path().join("ok.glha")).unwrap(),
        "x = 1\n"
    );
}

#[test]
fn an_unreadable_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("bad.glha"), "x {\n").unwrap();
    let o = glhac(&["fmt", "--check", "missing.glha", "bad.glha"], dir.path());
    assert_eq!(code(&o), 2);
    assert!(err(&o).contains("cannot read missing.glha"), "{}", err(&o));
    let none = glhac(&["fmt"], dir.path());
    assert_eq!(code(&none), 2, "FILE is required");
}

#[test]
fn trailing_comments_of_a_run_share_a_column() {
    let input =
        "a = 1 # one\nbb = [x, y] # two\nc { d = 1 }    # three\n\nlonger_key = 1 # alone\n";
    let want = "a  = 1        # one\nbb = [x, y]   # two\nc  { d = 1 }  # three\n\nlonger_key = 1  # alone\n";
    assert_eq!(check_format("input", input), want);
}
