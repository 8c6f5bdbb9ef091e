//! glance-swift.conf as glance_store reads it: with Python's configparser
//! (its `SwiftConfigParser` subclass), not with oslo.config. The dialect
//! differs from oslo's in what matters for a faithful import:
//!
//! - option names are lower-cased, section names are not;
//! - a repeated section, or a repeated option in one section, is an error
//!   (configparser is strict), not "the last wins";
//! - `[DEFAULT]`'s options are every section's fallback;
//! - `%` interpolates: `%%` is a `%`, `%(name)s` is the value of `name` in
//!   the same section (or `[DEFAULT]`), at most 10 levels deep, and any
//!   other `%` is an error;
//! - after interpolation one pair of quotes around a value is stripped,
//!   and a value that opens a quote without closing it is an error.
//!
//! Errors name the file and line, as configparser's own do: glance-api
//! could not read such a file either, so the import does not guess.

use super::ini::Got;
use super::ImportError;
use crate::diff::ini::{self as live, Kind};
use camino::Utf8Path;
use std::collections::{BTreeMap, BTreeSet};

/// configparser's `MAX_INTERPOLATION_DEPTH`.
const MAX_DEPTH: usize = 10;

/// The options of one section: lower-cased name -> (raw value, 1-based line).
type Raw = BTreeMap<String, (String, usize)>;

/// A glance-swift.conf, resolved as glance_store reads it.
pub(crate) struct SwiftConf {
    /// Its path on the host.
    pub target: String,
    /// The value of every option glance_store asks for, by (section, key),
    /// `[DEFAULT]`'s included as each section's fallback.
    values: BTreeMap<(String, String), Got>,
    /// Every section but `[DEFAULT]`.
    sections: BTreeSet<String>,
}

impl SwiftConf {
    /// The value of `key` in `[section]` (or its `[DEFAULT]` fallback).
    pub(crate) fn get(&self, section: &str, key: &str) -> Option<Got> {
        self.values
            .get(&(section.to_string(), key.to_ascii_lowercase()))
            .cloned()
    }

    /// Where a value was found, for messages: `TARGET:LINE [section] key`.
    pub(crate) fn at(&self, g: &Got) -> String {
        format!("{}:{} [{}] {}", self.target, g.line, g.section, g.key)
    }

    /// The options `[section]` sets itself or inherits from `[DEFAULT]`.
    pub(crate) fn keys(&self, section: &str) -> Vec<String> {
        self.values
            .keys()
            .filter(|(s, _)| s == section)
            .map(|(_, k)| k.clone())
            .collect()
    }

    /// Whether the file has `[section]`.
    pub(crate) fn has_section(&self, section: &str) -> bool {
        self.sections.contains(section)
    }
}

/// Reads `target` under `root`, if it exists, resolving every option of
/// every section; refuses, with its line, what configparser refuses.
pub(crate) fn read(root: &Utf8Path, target: &str) -> Result<Option<SwiftConf>, ImportError> {
    let path = crate::diff::under_root(root, target);
    let Some(text) = crate::diff::read::text_opt(&path)? else {
        return Ok(None);
    };
    let fail = |line: usize, why: String| ImportError::Parse {
        path: path.clone(),
        line: Some(line),
        message: format!("{why} (glance_store's configparser refuses this file)"),
    };
    if let Some((line, why)) = live::syntax_error(&text) {
        return Err(fail(line, why.to_string()));
    }
    let sections = sections(&text).map_err(|(l, w)| fail(l, w))?;
    let defaults = sections.get("DEFAULT").cloned().unwrap_or_default();
    let mut values = BTreeMap::new();
    for (name, opts) in &sections {
        // A section's view: its own options over [DEFAULT]'s.
        let mut view = defaults.clone();
        view.extend(opts.iter().map(|(k, v)| (k.clone(), v.clone())));
        for (key, (raw, line)) in &view {
            let from = if opts.contains_key(key) {
                name
            } else {
                "DEFAULT"
            };
            let value = interpolate(raw, &view, 1)
                .and_then(|v| unquote(&v))
                .map_err(|w| fail(*line, format!("[{from}] {key}: {w}")))?;
            let got = Got {
                value,
                section: from.to_string(),
                key: key.clone(),
                line: *line,
            };
            values.insert((name.clone(), key.clone()), got);
        }
    }
    Ok(Some(SwiftConf {
        target: target.to_string(),
        values,
        sections: sections.into_keys().filter(|s| s != "DEFAULT").collect(),
    }))
}

/// Every section's raw options, refusing repeats as configparser's
/// strict mode does.
fn sections(text: &str) -> Result<BTreeMap<String, Raw>, (usize, String)> {
    let lines = live::parse(text);
    let mut out: BTreeMap<String, Raw> = BTreeMap::new();
    for (i, l) in lines.iter().enumerate() {
        match &l.kind {
            Kind::Section(s) if out.insert(s.clone(), Raw::new()).is_some() => {
                return Err((i + 1, format!("section [{s}] already exists")));
            }
            Kind::Key { section, key, .. } => {
                let key = key.to_ascii_lowercase();
                let raw = live::raw_value(&lines, i);
                let opts = out.entry(section.clone()).or_default();
                if opts.insert(key.clone(), (raw, i + 1)).is_some() {
                    return Err((
                        i + 1,
                        format!("option `{key}` in section [{section}] already exists"),
                    ));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

/// configparser's basic interpolation of `raw` in a section's `view`.
fn interpolate(raw: &str, view: &Raw, depth: usize) -> Result<String, String> {
    if depth > MAX_DEPTH {
        return Err(format!(
            "more than {MAX_DEPTH} levels of %(name)s references"
        ));
    }
    let mut out = String::new();
    let mut rest = raw;
    while let Some(p) = rest.find('%') {
        out.push_str(&rest[..p]);
        rest = &rest[p..];
        if let Some(after) = rest.strip_prefix("%%") {
            out.push('%');
            rest = after;
        } else if let Some(after) = rest.strip_prefix("%(") {
            let Some((name, tail)) = after.split_once(")s").filter(|(n, _)| !n.contains(')'))
            else {
                return Err("a `%(` that is not a `%(name)s` reference".into());
            };
            let Some((value, _)) = view.get(&name.to_ascii_lowercase()) else {
                return Err(format!("`%({name})s` names no option of the section"));
            };
            if value.contains('%') {
                out.push_str(&interpolate(value, view, depth + 1)?);
            } else {
                out.push_str(value);
            }
            rest = tail;
        } else {
            return Err("a `%` must be followed by `%` or `(`; write a `%` as `%%`".into());
        }
    }
    out.push_str(rest);
    Ok(out)
}

/// `SwiftConfigParser`'s quotes: one pair stripped; an opened quote must
/// close.
fn unquote(v: &str) -> Result<String, String> {
    let Some(q) = v.chars().next().filter(|c| *c == '"' || *c == '\'') else {
        return Ok(v.to_string());
    };
    if v.len() > 1 && v.ends_with(q) {
        Ok(v[1..v.len() - 1].to_string())
    } else {
        Err("a value opens a quote it does not close".into())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use camino::Utf8PathBuf;

    fn conf(text: &str) -> Result<Option<SwiftConf>, ImportError> {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
        std::fs::create_dir_all(root.join("etc/glance")).unwrap();
        std::fs::write(root.join("etc/glance/glance-swift.conf"), text).unwrap();
        read(&root, "/etc/glance/glance-swift.conf")
    }

    #[test]
    fn values_as_configparser_reads_them() {
        let c = conf(
            "[DEFAULT]\nauth_address = http://%(host)s:5000/v3\nhost = 10.0.0.1\n\n[store]\nUser = service:glance\nkey = \"p%%ss#x;y\"\nhost = 10.0.0.9\nuser_domain_name = x%(dom)s\ndom = 'Default'\n",
        )
        .unwrap()
        .unwrap();
        let v = |k: &str| c.get("store", k).map(|g| g.value);
        assert_eq!(v("user").as_deref(), Some("service:glance"));
        assert_eq!(v("key").as_deref(), Some("p%ss#x;y"));
        // [DEFAULT]'s option, interpolated in the section's view.
        assert_eq!(
            v("auth_address").as_deref(),
            Some("http://10.0.0.9:5000/v3")
        );
        let g = c.get("store", "auth_address").unwrap();
        assert_eq!(
            c.at(&g),
            "/etc/glance/glance-swift.conf:2 [DEFAULT] auth_address"
        );
        // Quotes are stripped after interpolation, around the whole value.
        assert_eq!(v("user_domain_name").as_deref(), Some("x'Default'"));
        assert_eq!(v("dom").as_deref(), Some("Default"));
        assert!(c.has_section("store") && !c.has_section("DEFAULT"));
        assert_eq!(
            c.keys("store"),
            [
                "auth_address",
                "dom",
                "host",
                "key",
                "user",
                "user_domain_name"
            ]
        );
        assert!(conf("").unwrap().unwrap().get("store", "key").is_none());
    }

    #[test]
    fn what_configparser_refuses_is_refused_with_its_line() {
        for (text, line, why) in [
            ("[r]\nkey\n", 2, "No ':' or '='"),
            ("[r\nkey = x\n", 1, "must end with ]"),
            ("[r]\nkey = a\n[s]\n[r]\n", 4, "section [r] already exists"),
            (
                "[r]\nkey = a\nKEY = b\n",
                3,
                "option `key` in section [r] already exists",
            ),
            (
                "[r]\nuser = a:b\nkey = 50%off\n",
                3,
                "[r] key: a `%` must be followed",
            ),
            ("[r]\nkey = %(nope)s\n", 2, "`%(nope)s` names no option"),
            ("[r]\nkey = %(a\n", 2, "not a `%(name)s` reference"),
            ("[r]\nkey = %(key)s\n", 2, "more than 10 levels"),
            ("[r]\nkey = \"abc\n", 2, "opens a quote"),
        ] {
            let e = conf(text).err().unwrap_or_else(|| panic!("{text:?} read"));
            let shown = e.to_string();
            assert!(
                shown.contains(&format!("glance-swift.conf:{line}: ")) && shown.contains(why),
                "{text:?}: {shown}"
            );
        }
    }
}
