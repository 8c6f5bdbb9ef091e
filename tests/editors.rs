//! The editor grammars under `editors/`, run by the engines editors use: the
//! TextMate grammar by babi's TextMate engine (oniguruma through
//! onigurumacffi, in the venv `.ci/install-tools` makes, `target/editors-venv`
//! or `$GLHA_EDITORS_VENV`), the Vim syntax file by Vim itself, headless,
//! with `synID` over every byte.
//!
//! For each engine: every example, stdlib module and the constructs fixture
//! highlights with no error token and no character left without a scope;
//! every case file the parser accepts highlights with no error token; every
//! snippet the parser refuses shows an error where it breaks; and some
//! scopes are pinned, so a grammar that scopes everything alike fails.

mod common;

use camino::{Utf8Path, Utf8PathBuf};
use std::collections::BTreeMap;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Instant;

const CONSTRUCTS: &str = "tests/fixtures/editors/constructs.glha";
const SEED: &str = "examples/seed.glha";

/// Snippets the parser refuses: name, text, and the text (its first
/// occurrence) an editor must flag.
const BROKEN: &[(&str, &str, &str)] = &[
    ("bad-escape", "note \"C:\\quorum\"\n", "\\q"),
    (
        "unterminated-string",
        "release \"2025.2\ncluster {}\n",
        "\"2025.2",
    ),
    (
        "unterminated-agent-string",
        "service s {\n  agent = ocf \"openstack\n}\n",
        "\"openstack",
    ),
    ("backslash-at-end", "note \"abc\\\n", "\"abc"),
    ("single-quotes", "x = '/etc/glance'\n", "'/etc/glance'"),
    (
        "missing-equals",
        "node n { address 10.0.0.12 }\n",
        "address",
    ),
    ("missing-value", "vip v { address = }\n", "="),
    ("stray-brace", "}\ncluster {}\n", "}"),
    ("stray-string", "\"x\" = 1\n", "\"x\""),
    ("decimal", "port = 1.5\n", "1.5"),
    (
        "prefix-without-length",
        "address = 10.0.0.11/\n",
        "10.0.0.11/",
    ),
    ("reference-trailing-dot", "host = vip.\n", "vip."),
    ("unknown-unit", "timeout = 30sec\n", "30sec"),
    ("junk-in-list", "hosts = [vip.a; vip.b]\n", "vip.a;"),
    ("two-values", "port = 1 2\n", "2"),
];

/// file → line → character → the names the engine gives it.
type Highlights = BTreeMap<Utf8PathBuf, Vec<Vec<Vec<String>>>>;

/// One highlighting engine and how to read its names.
struct Engine {
    name: &'static str,
    highlights: fn() -> Option<&'static Highlights>,
    /// The names mark an error.
    is_error: fn(&[String]) -> bool,
    /// The names say nothing about the character (only the file or an
    /// enclosing region).
    is_plain: fn(&[String]) -> bool,
}

const TEXTMATE: Engine = Engine {
    name: "TextMate (babi)",
    highlights: textmate,
    is_error: |names| names.iter().any(|s| s.starts_with("invalid")),
    is_plain: |names| {
        names
            .iter()
            .all(|s| s == "source.glha" || s.starts_with("meta."))
    },
};

const VIM: Engine = Engine {
    name: "Vim",
    highlights: vim,
    is_error: |names| names[0].contains("Error") || names[1] == "Error",
    is_plain: |names| matches!(names[0].as_str(), "" | "glhaBlock" | "glhaList"),
};

fn root() -> Utf8PathBuf {
    common::root()
}

fn glha_files(dir: &str) -> Vec<Utf8PathBuf> {
    let mut v: Vec<Utf8PathBuf> = std::fs::read_dir(root().join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .filter_map(|e| Utf8PathBuf::from_path_buf(e.ok()?.path()).ok())
        .filter(|p| p.extension() == Some("glha"))
        .collect();
    v.sort();
    v
}

fn parses(text: &str) -> bool {
    glha::fmt::format(text).is_ok()
}

/// The examples, the stdlib modules and the constructs fixture: what must
/// highlight cleanly and completely.
fn clean_files() -> Vec<Utf8PathBuf> {
    let mut v = common::examples();
    v.extend(glha_files("stdlib"));
    v.push(root().join(CONSTRUCTS));
    v
}

/// The case files the parser accepts (the others are broken on purpose).
fn parsing_cases() -> Vec<Utf8PathBuf> {
    glha_files("tests/cases")
        .into_iter()
        .filter(|p| parses(&read(p)))
        .collect()
}

/// The broken snippets, written out once; with the text to flag.
fn broken_files() -> &'static [(Utf8PathBuf, &'static str)] {
    static FILES: OnceLock<Vec<(Utf8PathBuf, &'static str)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Utf8PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("editors-broken");
        std::fs::create_dir_all(&dir).expect("create the snippet directory");
        BROKEN
            .iter()
            .map(|(name, text, flagged)| {
                let path = dir.join(format!("{name}.glha"));
                std::fs::write(&path, text).expect("write a snippet");
                (path, *flagged)
            })
            .collect()
    })
}

fn all_files() -> Vec<Utf8PathBuf> {
    let mut v = clean_files();
    v.extend(parsing_cases());
    v.extend(broken_files().iter().map(|(p, _)| p.clone()));
    v
}

fn read(path: &Utf8Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

// ---------------------------------------------------------------- TextMate

/// The venv with babi; None (after a loud skip, or a failure in CI) when
/// it is missing.
fn textmate_python() -> Option<Utf8PathBuf> {
    let venv = std::env::var("GLHA_EDITORS_VENV")
        .map(Utf8PathBuf::from)
        .unwrap_or_else(|_| root().join("target/editors-venv"));
    let python = venv.join("bin/python3");
    let ok = Command::new(&python)
        .args(["-c", "import babi.highlight"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        common::missing_tool(&format!("babi (the TextMate engine) in {venv}"));
        return None;
    }
    Some(python)
}

/// Every file tokenized in one run of the engine.
fn textmate() -> Option<&'static Highlights> {
    static H: OnceLock<Option<Highlights>> = OnceLock::new();
    H.get_or_init(|| {
        let python = textmate_python()?;
        let files = all_files();
        let started = Instant::now();
        let out = common::run_ok(
            Command::new(&python)
                .arg(root().join("tests/support/textmate-tokens.py"))
                .arg(root().join("editors/textmate/glha.tmLanguage.json"))
                .args(&files)
                .env_remove("PYTHONPATH"),
            "textmate-tokens.py",
        );
        eprintln!(
            "TextMate: tokenized {} files in {:.0?}",
            files.len(),
            started.elapsed()
        );
        let json: serde_json::Value = serde_json::from_str(&out).expect("the tokens as JSON");
        let mut h = Highlights::new();
        for (path, lines) in json.as_object().expect("an object") {
            let text = read(Utf8Path::new(path));
            let mut per_line = Vec::new();
            for (tokens, line) in lines.as_array().expect("lines").iter().zip(text.lines()) {
                let mut chars = vec![Vec::new(); line.chars().count()];
                for t in tokens.as_array().expect("tokens") {
                    let (start, end) = (t[0].as_u64().unwrap(), t[1].as_u64().unwrap());
                    let scopes: Vec<String> = t[2]
                        .as_array()
                        .expect("scopes")
                        .iter()
                        .map(|s| s.as_str().expect("a scope").to_string())
                        .collect();
                    // The engine also scopes the line's "\n", which is no character here.
                    for c in chars.iter_mut().take(end as usize).skip(start as usize) {
                        c.clone_from(&scopes);
                    }
                }
                per_line.push(chars);
            }
            h.insert(Utf8PathBuf::from(path), per_line);
        }
        Some(h)
    })
    .as_ref()
}

// --------------------------------------------------------------------- Vim

/// Every file highlighted in one headless Vim.
fn vim() -> Option<&'static Highlights> {
    static H: OnceLock<Option<Highlights>> = OnceLock::new();
    H.get_or_init(|| {
        if !common::tool("vim") {
            return None;
        }
        let files = all_files();
        let dir = tempfile::tempdir().expect("tempdir");
        let list = dir.path().join("files");
        let out = dir.path().join("groups");
        let names: Vec<&str> = files.iter().map(|p| p.as_str()).collect();
        std::fs::write(&list, names.join("\n") + "\n").expect("write the file list");
        let started = Instant::now();
        common::run_ok(
            Command::new("vim")
                .args(["-Nu", "NONE", "-i", "NONE", "-es", "-S"])
                .arg(root().join("tests/support/vim-syntax-groups.vim"))
                .env("GLHA_VIM_RTP", root().join("editors/vim"))
                .env("GLHA_VIM_FILES", &list)
                .env("GLHA_VIM_OUT", &out),
            "vim",
        );
        eprintln!(
            "Vim: highlighted {} files in {:.0?}",
            files.len(),
            started.elapsed()
        );
        let out = std::fs::read_to_string(&out).expect("vim wrote its output");
        Some(parse_vim(&out))
    })
    .as_ref()
}

fn parse_vim(out: &str) -> Highlights {
    let mut h = Highlights::new();
    // The file being read, and its source lines.
    let mut file: Option<(Utf8PathBuf, Vec<String>)> = None;
    for line in out.lines() {
        if let Some(msg) = line.strip_prefix("E\t") {
            panic!("Vim reported an error: {msg}");
        }
        if let Some(rest) = line.strip_prefix("F\t") {
            let (filetype, path) = rest.split_once('\t').expect("F\tFILETYPE\tPATH");
            assert_eq!(
                filetype, "glha",
                "editors/vim/ftdetect does not make {path} a glha file"
            );
            let path = Utf8PathBuf::from(path);
            let source = read(&path).lines().map(str::to_string).collect();
            h.insert(path.clone(), Vec::new());
            file = Some((path, source));
            continue;
        }
        let (path, source) = file.as_ref().expect("a file header first");
        let lines = h.get_mut(path).expect("inserted with its header");
        let source = source.get(lines.len()).map_or("", String::as_str);
        let bytes: Vec<Vec<String>> = line
            .split(' ')
            .filter(|g| !g.is_empty())
            .map(|g| g.split(':').map(str::to_string).collect())
            .collect();
        // Vim reports bytes; keep the names of each character's first byte.
        let chars = source
            .char_indices()
            .map(|(i, _)| {
                bytes
                    .get(i)
                    .cloned()
                    .unwrap_or_else(|| vec![String::new(); 2])
            })
            .collect();
        lines.push(chars);
    }
    h
}

// ------------------------------------------------------------------ checks

/// Runs of characters whose names are an error (or, with `plain`, say
/// nothing), as `file:line:col: `text` [names]`.
fn findings(engine: &Engine, h: &Highlights, path: &Utf8Path, plain: bool) -> Vec<String> {
    let lines = h
        .get(path)
        .unwrap_or_else(|| panic!("{}: {path} was not highlighted", engine.name));
    let text = read(path);
    let mut out = Vec::new();
    for (n, (line, chars)) in text.lines().zip(lines).enumerate() {
        let line: Vec<char> = line.chars().collect();
        let mut c = 0;
        while c < chars.len() {
            let bad = |i: usize| {
                (engine.is_error)(&chars[i])
                    || (plain && !line[i].is_whitespace() && (engine.is_plain)(&chars[i]))
            };
            if !bad(c) {
                c += 1;
                continue;
            }
            let start = c;
            while c < chars.len() && bad(c) && chars[c] == chars[start] {
                c += 1;
            }
            let run: String = line[start..c].iter().collect();
            out.push(format!(
                "{}:{}:{}: `{run}` {:?}",
                shown(path),
                n + 1,
                start + 1,
                chars[start]
            ));
        }
    }
    out
}

fn assert_clean(engine: &Engine) {
    let Some(h) = (engine.highlights)() else {
        return;
    };
    let mut problems = Vec::new();
    for path in clean_files() {
        problems.extend(findings(engine, h, &path, true));
    }
    let cases = parsing_cases();
    assert!(
        cases.len() >= 40,
        "expected the case corpus, found {} parsing cases",
        cases.len()
    );
    for path in cases {
        problems.extend(findings(engine, h, &path, false));
    }
    assert!(
        problems.is_empty(),
        "{}: an error token or an unscoped character in text the parser accepts:\n{}",
        engine.name,
        problems.join("\n")
    );
}

fn assert_flags_broken(engine: &Engine) {
    let Some(h) = (engine.highlights)() else {
        return;
    };
    let mut missed = Vec::new();
    for (path, flagged) in broken_files() {
        let text = read(path);
        let (line, col) = position(&text, flagged);
        let chars = &h[path][line];
        let hit = (col..col + flagged.chars().count()).any(|c| (engine.is_error)(&chars[c]));
        if !hit {
            missed.push(format!(
                "{}: `{flagged}` is not flagged; names there: {:?}",
                shown(path),
                &chars[col]
            ));
        }
    }
    assert!(
        missed.is_empty(),
        "{}: broken text highlighted as fine:\n{}",
        engine.name,
        missed.join("\n")
    );
}

/// A path as a message shows it: relative to the repository when inside.
fn shown(path: &Utf8Path) -> &Utf8Path {
    path.strip_prefix(root()).unwrap_or(path)
}

/// 0-based line and character column of the first `needle` in `text`.
fn position(text: &str, needle: &str) -> (usize, usize) {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("`{needle}` not in the text"));
    let line = text[..at].matches('\n').count();
    let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    (line, text[start..at].chars().count())
}

/// Asserts that the character `offset` characters into the first `needle`
/// of `file` has `name` among its names.
fn assert_name(h: &Highlights, file: &str, needle: &str, offset: usize, name: &str) {
    let path = root().join(file);
    let (line, col) = position(&read(&path), needle);
    let names = &h[&path][line][col + offset];
    assert!(
        names.iter().any(|n| n == name),
        "{file}: `{}` in `{needle}` should be {name}, is {names:?}",
        needle.chars().nth(offset).unwrap_or(' ')
    );
}

// ------------------------------------------------------------------- tests

#[test]
fn vscode_extension_points_at_the_grammar() {
    let dir = root().join("editors/textmate");
    let json = |name: &str| -> serde_json::Value {
        serde_json::from_str(&read(&dir.join(name)))
            .unwrap_or_else(|e| panic!("editors/textmate/{name}: {e}"))
    };
    let package = json("package.json");
    let grammar = json("glha.tmLanguage.json");
    assert_eq!(grammar["scopeName"], "source.glha");
    assert_eq!(package["version"], env!("CARGO_PKG_VERSION"));
    let contributed = &package["contributes"]["grammars"][0];
    assert_eq!(contributed["scopeName"], grammar["scopeName"]);
    assert_eq!(contributed["path"], "./glha.tmLanguage.json");
    let language = &package["contributes"]["languages"][0];
    assert_eq!(language["id"], contributed["language"]);
    assert_eq!(language["extensions"][0], ".glha");
    let config = language["configuration"]
        .as_str()
        .expect("a language configuration");
    let config = json(config.trim_start_matches("./"));
    assert_eq!(config["comments"]["lineComment"], "#");

    // Every `include` names a rule of the repository, reached or not.
    fn includes(v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                if let Some(serde_json::Value::String(s)) = m.get("include") {
                    out.push(s.clone());
                }
                m.values().for_each(|v| includes(v, out));
            }
            serde_json::Value::Array(a) => a.iter().for_each(|v| includes(v, out)),
            _ => {}
        }
    }
    let mut names = Vec::new();
    includes(&grammar, &mut names);
    assert!(names.len() > 10, "the grammar includes its rules");
    for name in names {
        let key = name
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("include `{name}` is not a repository rule"));
        assert!(
            grammar["repository"].get(key).is_some(),
            "include `{name}` has no rule"
        );
    }
}

#[test]
fn the_corpus_is_glha_and_the_snippets_are_not() {
    for path in clean_files() {
        assert!(parses(&read(&path)), "{path} must parse");
    }
    for (path, _) in broken_files() {
        assert!(!parses(&read(path)), "{path} must not parse");
    }
}

#[test]
fn textmate_highlights_the_corpus_without_error_or_gap() {
    assert_clean(&TEXTMATE);
}

#[test]
fn textmate_flags_broken_snippets() {
    assert_flags_broken(&TEXTMATE);
}

#[test]
fn textmate_scopes() {
    let Some(h) = textmate() else {
        return;
    };
    let pins: &[(&str, &str, usize, &str)] = &[
        (
            SEED,
            "# The guide",
            0,
            "punctuation.definition.comment.glha",
        ),
        (SEED, "# The guide", 2, "comment.line.number-sign.glha"),
        (SEED, "import", 0, "keyword.control.import.glha"),
        (SEED, "release", 0, "keyword.other.release.glha"),
        (SEED, "\"ocata\"", 1, "string.quoted.double.glha"),
        (SEED, "vip internal", 0, "storage.type.block.glha"),
        (SEED, "vip internal", 4, "entity.name.section.glha"),
        (SEED, "vip internal", 4, "meta.block.glha"),
        (SEED, "address =", 0, "variable.other.property.glha"),
        (SEED, "address =", 8, "keyword.operator.assignment.glha"),
        (
            SEED,
            "10.0.0.11/24",
            0,
            "constant.numeric.address.ipv4.glha",
        ),
        (SEED, "10.0.0.11/24", 9, "punctuation.separator.prefix.glha"),
        (SEED, "10.0.0.11/24", 10, "constant.numeric.prefix.glha"),
        (
            SEED,
            "host     = vip.internal",
            11,
            "variable.other.reference.glha",
        ),
        (
            SEED,
            "host     = vip.internal",
            14,
            "punctuation.accessor.glha",
        ),
        (SEED, "30s", 0, "constant.numeric.duration.glha"),
        (SEED, "30s", 2, "keyword.other.unit.glha"),
        (SEED, "waived", 0, "keyword.other.waived.glha"),
        (CONSTRUCTS, "external", 0, "keyword.other.external.glha"),
        (
            SEED,
            "[vip.internal]",
            0,
            "punctuation.section.list.begin.glha",
        ),
        (CONSTRUCTS, "\\\"", 0, "constant.character.escape.glha"),
        (CONSTRUCTS, "\\$", 1, "constant.character.escape.glha"),
        (CONSTRUCTS, "# that is no", 0, "string.quoted.double.glha"),
        (
            CONSTRUCTS,
            "2001:db8::11/64",
            3,
            "constant.numeric.address.ipv6.glha",
        ),
        (
            CONSTRUCTS,
            "2001:db8::11/64",
            14,
            "constant.numeric.prefix.glha",
        ),
        (CONSTRUCTS, "0ms", 1, "keyword.other.unit.glha"),
        (CONSTRUCTS, "9292", 0, "constant.numeric.integer.glha"),
        (CONSTRUCTS, "true", 0, "constant.language.boolean.glha"),
        (
            CONSTRUCTS,
            "active_active",
            0,
            "variable.other.enummember.glha",
        ),
        (CONSTRUCTS, "secret env", 0, "keyword.other.secret.glha"),
        (
            CONSTRUCTS,
            "secret env",
            7,
            "support.constant.secret-source.glha",
        ),
        (
            CONSTRUCTS,
            "ocf \"openstack\"",
            0,
            "support.type.agent-class.glha",
        ),
        (CONSTRUCTS, "\"glance-api\"", 1, "string.quoted.double.glha"),
        (CONSTRUCTS, "stonith", 0, "support.type.agent-class.glha"),
        (CONSTRUCTS, "consumer nova {", 9, "entity.name.section.glha"),
        (CONSTRUCTS, "vip.v4,", 6, "punctuation.separator.comma.glha"),
        (
            CONSTRUCTS,
            "# a comment inside",
            2,
            "comment.line.number-sign.glha",
        ),
    ];
    for (file, needle, offset, scope) in pins {
        assert_name(h, file, needle, *offset, scope);
    }
}

#[test]
fn vim_highlights_the_corpus_without_error_or_gap() {
    assert_clean(&VIM);
}

#[test]
fn vim_flags_broken_snippets() {
    assert_flags_broken(&VIM);
}

#[test]
fn vim_groups() {
    let Some(h) = vim() else {
        return;
    };
    let pins: &[(&str, &str, usize, &str)] = &[
        (SEED, "# The guide", 0, "glhaComment"),
        (SEED, "import", 0, "glhaImport"),
        (SEED, "import", 0, "PreProc"),
        (SEED, "release", 0, "glhaRelease"),
        (SEED, "\"ocata\"", 1, "glhaString"),
        (SEED, "vip internal", 0, "glhaBlockKind"),
        (SEED, "vip internal", 4, "glhaBlockLabel"),
        (SEED, "address =", 0, "glhaKey"),
        (SEED, "address =", 8, "glhaAssign"),
        (SEED, "10.0.0.11/24", 0, "glhaAddress"),
        (SEED, "10.0.0.11/24", 10, "glhaPrefix"),
        (SEED, "host     = vip.internal", 14, "glhaReference"),
        (SEED, "30s", 0, "glhaDuration"),
        (SEED, "30s", 2, "glhaUnit"),
        (SEED, "waived", 0, "glhaWaived"),
        (CONSTRUCTS, "external", 0, "glhaExternal"),
        (SEED, "[vip.internal]", 0, "glhaListDelim"),
        (CONSTRUCTS, "\\\"", 0, "glhaEscape"),
        (CONSTRUCTS, "\\\"", 0, "Special"),
        (CONSTRUCTS, "\\$", 1, "glhaEscape"),
        (CONSTRUCTS, "# that is no", 0, "glhaString"),
        (CONSTRUCTS, "2001:db8::11/64", 3, "glhaAddress"),
        (CONSTRUCTS, "0ms", 1, "glhaUnit"),
        (CONSTRUCTS, "9292", 0, "glhaNumber"),
        (CONSTRUCTS, "true", 0, "glhaBoolean"),
        (CONSTRUCTS, "active_active", 0, "glhaWord"),
        (CONSTRUCTS, "secret env", 0, "glhaSecret"),
        (CONSTRUCTS, "secret env", 7, "glhaSecretSource"),
        (CONSTRUCTS, "ocf \"openstack\"", 0, "glhaAgent"),
        (CONSTRUCTS, "ocf \"openstack\"", 5, "glhaAgentString"),
        (CONSTRUCTS, "\"glance-api\"", 1, "glhaString"),
        (CONSTRUCTS, "consumer nova {", 9, "glhaBlockLabel"),
        (CONSTRUCTS, "vip.v4,", 6, "glhaComma"),
        (CONSTRUCTS, "# a comment inside", 2, "glhaComment"),
    ];
    for (file, needle, offset, group) in pins {
        assert_name(h, file, needle, *offset, group);
    }
}
