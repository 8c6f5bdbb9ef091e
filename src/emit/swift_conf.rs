//! `files/etc/glance/glance-swift.conf`: the Swift credentials of a swift
//! store, which glance-api reads through `swift_store_config_file` (the
//! only way glance_store does not deprecate: the inline
//! `swift_store_user`/`key` are deprecated since Newton).
//!
//! # Quoting, as glance_store reads it
//!
//! glance_store parses the file with Python's configparser (its own
//! `SwiftConfigParser` subclass since 2.0.0, `SafeConfigParser` before),
//! not with oslo.config. configparser interpolates `%`, so a `%` is written
//! `%%`; it strips whitespace around a value, and from 2.0.0 it strips one
//! pair of quotes around a value that starts with a quote (and refuses a
//! value that starts with one and does not end with it) while older
//! releases keep them. So a value with leading or trailing whitespace, or
//! one starting with a quote, cannot be written to mean the same in every
//! release and is refused ([`unrepresentable`]); nor can control
//! characters (a newline starts a new key). `#` and `;` inside a value are
//! kept.

use super::{generated_by, push_comment, FileSecrets, Out, Secrets};
use crate::plan::{Plan, SwiftConf};

/// The first character of `s` that glance-swift.conf cannot carry so that
/// glance reads back exactly `s`.
pub fn unrepresentable(s: &str) -> Option<char> {
    if let Some(c) = s.chars().find(|c| c.is_control()) {
        return Some(c);
    }
    let first = s.chars().next();
    let last = s.chars().last();
    match (first, last) {
        (Some(c), _) if c.is_whitespace() || c == '"' || c == '\'' => Some(c),
        (_, Some(c)) if c.is_whitespace() => Some(c),
        _ => None,
    }
}

/// A value as configparser must read it back: `%` doubled.
pub fn quote(s: &str) -> String {
    s.replace('%', "%%")
}

/// The bundle path of glance-swift.conf.
pub fn bundle_path(conf: &SwiftConf) -> String {
    super::ini::files_path(None, &conf.target)
}

/// The comments that open glance-swift.conf: what apply starts a new
/// file from, too.
pub fn header(plan: &Plan, conf: &SwiftConf) -> String {
    let mut out = String::new();
    push_comment(&mut out, &generated_by(plan));
    push_comment(
        &mut out,
        &format!(
            "Swift credentials of the image store, on every node that runs glance-api.\n\
             Install as {} with mode 0640, owner root, group glance.",
            conf.target
        ),
    );
    out
}

/// Renders glance-swift.conf.
pub(crate) fn render(plan: &Plan, conf: &SwiftConf, secrets: &Secrets) -> Out {
    let mut acc = FileSecrets::default();
    let mut out = header(plan, conf);
    out.push_str(&format!("\n[{}]\n", conf.reference));
    for (k, v) in &conf.settings {
        out.push_str(&format!("{k} = {}\n", quote(&secrets.render(v, &mut acc))));
    }
    Out {
        path: bundle_path(conf),
        contents: out,
        script: false,
        target: Some(conf.target.clone()),
        secrets: acc,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_configparser_cannot_carry() {
        assert_eq!(unrepresentable("p%ss#not;comment:x=y\"'"), None);
        assert_eq!(unrepresentable(" lead"), Some(' '));
        assert_eq!(unrepresentable("trail\t"), Some('\t'));
        assert_eq!(unrepresentable("\"q\""), Some('"'));
        assert_eq!(unrepresentable("'q"), Some('\''));
        assert_eq!(unrepresentable("a\nb"), Some('\n'));
        assert_eq!(quote("50%off%%"), "50%%off%%%%");
    }

    /// Python's configparser, as glance_store configures it, reads back
    /// what we write (skipped without /usr/bin/python3).
    #[test]
    fn configparser_reads_values_back() {
        let py = std::path::Path::new("/usr/bin/python3");
        if !py.exists() {
            let msg = "SKIPPED configparser_reads_values_back: no /usr/bin/python3";
            if std::env::var("GLHA_REQUIRE_TOOLS").as_deref() == Ok("1") {
                panic!("{msg}");
            }
            eprintln!("{msg}");
            return;
        }
        let values = [
            "p%ss#not;comment",
            "a%(user)sb",
            "x = y: z",
            "end\"",
            "é $HOME \\",
        ];
        let dir = tempfile::tempdir().unwrap();
        let conf = dir.path().join("swift.conf");
        let mut text = String::from("[ref]\n");
        for (i, v) in values.iter().enumerate() {
            assert_eq!(unrepresentable(v), None, "{v}");
            text.push_str(&format!("k{i} = {}\n", quote(v)));
        }
        std::fs::write(&conf, text).unwrap();
        // glance_store's SwiftConfigParser is a ConfigParser whose get()
        // also strips one pair of surrounding quotes; none of these values
        // starts with one, so plain ConfigParser reads the same.
        let script = format!(
            "import configparser,json,sys\np=configparser.ConfigParser()\np.read(sys.argv[1])\n\
             print(json.dumps([p.get('ref','k%d' % i) for i in range({})]))",
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
