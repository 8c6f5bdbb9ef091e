//! glance-swift.conf as glance_store reads it: with Python's configparser
//! (its `SwiftConfigParser` subclass), not with oslo.config. The one reader
//! of that dialect: `glhac import` takes the credentials from it, and diff
//! and apply compare and merge the settings glha writes there. The dialect
//! differs from oslo's:
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
//! could not read such a file either, so neither import nor diff guesses.
//!
//! The merge ([`merge`]) touches only the settings glha writes, in the
//! store's section: values are compared as glance_store reads them (after
//! interpolation), and a changed one is rewritten with `%` doubled. Every
//! other line, `[DEFAULT]` included, is kept.

use super::ini::{self as live, Edits, Kind, Line, Merge, OutLine};
use super::{ChangeKind, DiffError, IniChange, SENSITIVE};
use crate::plan::{Plan, Value};
use crate::secret::{is_sensitive_name, SecretValues};
use camino::Utf8Path;
use std::collections::{BTreeMap, BTreeSet};

/// configparser's `MAX_INTERPOLATION_DEPTH`.
const MAX_DEPTH: usize = 10;

/// The options of one section: lower-cased name -> (raw value, 1-based line).
type Raw = BTreeMap<String, (String, usize)>;

/// One option's value, as glance_store reads it, and where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Got {
    /// The value after interpolation and unquoting.
    pub value: String,
    /// The section that sets it (`DEFAULT` for a fallback).
    pub section: String,
    /// Its (lower-cased) name.
    pub key: String,
    /// The 1-based line of its key.
    pub line: usize,
}

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
pub(crate) fn read(root: &Utf8Path, target: &str) -> Result<Option<SwiftConf>, DiffError> {
    let path = super::under_root(root, target);
    let Some(text) = super::read::text_opt(&path)? else {
        return Ok(None);
    };
    parse(&text, target)
        .map(Some)
        .map_err(|(line, message)| DiffError::ParseAt {
            path,
            line,
            message,
        })
}

/// Resolves the text of `target` as glance_store does; an error is the
/// line and why configparser refuses it.
fn parse(text: &str, target: &str) -> Result<SwiftConf, (usize, String)> {
    let fail = |line: usize, why: String| {
        (
            line,
            format!("{why} (glance_store's configparser refuses this file)"),
        )
    };
    if let Some((line, why)) = live::syntax_error(text) {
        return Err(fail(line, why.to_string()));
    }
    let sections = sections(text).map_err(|(l, w)| fail(l, w))?;
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
    Ok(SwiftConf {
        target: target.to_string(),
        values,
        sections: sections.into_keys().filter(|s| s != "DEFAULT").collect(),
    })
}

/// The plan's glance-swift.conf, if its store is Swift.
pub(crate) fn of(plan: &Plan) -> Option<&crate::plan::SwiftConf> {
    plan.store.as_ref()?.setup()?.swift.as_ref()
}

/// Whether glance-swift.conf holds a secret once written.
pub(crate) fn holds_secret(conf: &crate::plan::SwiftConf) -> bool {
    conf.settings.iter().any(|(k, v)| sensitive(k, v))
}

/// Every secret glance-swift.conf splices in.
pub(crate) fn secret_ids(conf: &crate::plan::SwiftConf) -> Vec<String> {
    conf.settings
        .iter()
        .flat_map(|(_, v)| v.secret_ids())
        .map(str::to_string)
        .collect()
}

/// Whether a planned setting of glance-swift.conf is sensitive.
fn sensitive(key: &str, v: &Value) -> bool {
    is_sensitive_name(key) || v.is_sensitive()
}

/// Merges the plan's settings into the live text (`None`: no such file,
/// which becomes the bundle's file). A live file glance_store cannot read
/// is refused with its line. Without a secret, a sensitive setting whose
/// live value could be it is left alone and reported unknown.
pub(crate) fn merge(
    plan: &Plan,
    conf: &crate::plan::SwiftConf,
    live: Option<&str>,
    secrets: &SecretValues,
) -> Result<Merge, (usize, String)> {
    let header = crate::emit::swift_conf::header(plan, conf);
    let lines = live::parse(live.unwrap_or(&header));
    let read = match live {
        Some(text) => Some(parse(text, &conf.target)?),
        None => None,
    };
    let is_sens = |_: &str, key: &str| {
        let key = key.to_ascii_lowercase();
        is_sensitive_name(&key)
            || conf
                .settings
                .iter()
                .any(|(k, v)| k.to_ascii_lowercase() == key && sensitive(k, v))
    };
    let live_mask = live::live_masks(&lines, &is_sens);
    let live_display = live.map_or_else(String::new, |_| live::display_masked(&lines, &live_mask));
    let mut changes = Vec::new();
    let mut edits = Edits::new(lines.len());
    for (key, v) in &conf.settings {
        let got = read.as_ref().and_then(|r| r.get(&conf.reference, key));
        let r = v.render(secrets);
        let kind = match &got {
            None => ChangeKind::Add,
            Some(g) if r.complete() && g.value == r.text => continue,
            Some(_) if r.complete() => ChangeKind::Change,
            Some(g) if live::skeleton_matches(&g.value, &v.literal_pieces()) => ChangeKind::Unknown,
            Some(_) => ChangeKind::Change,
        };
        let sens = sensitive(key, v);
        let shown = |s: &str| {
            Some(if sens {
                SENSITIVE.into()
            } else {
                s.to_string()
            })
        };
        changes.push(IniChange {
            section: conf.reference.clone(),
            key: key.clone(),
            kind,
            live: got.as_ref().and_then(|g| shown(&g.value)),
            planned: (kind != ChangeKind::Unknown)
                .then(|| shown(&r.text))
                .flatten(),
            why: None,
        });
        if kind != ChangeKind::Unknown {
            let at = entries(&lines, &conf.reference, key);
            // A line break is never written: a value cannot add a key.
            let value = crate::emit::swift_conf::quote(&r.text.replace(['\n', '\r'], " "));
            let prefix = format!("{key} = ");
            let line = OutLine {
                mask: sens.then_some((prefix.len(), true)),
                text: format!("{prefix}{value}\n"),
            };
            edits.place(&lines, &conf.reference, &at, vec![line]);
        }
    }
    Ok(Merge {
        changes,
        lines: edits.assemble(&lines, &live_mask),
        live_display,
        stale: Vec::new(),
    })
}

/// The key lines of `key` in `[section]`, as configparser matches names
/// (case aside; `-` and `_` differ).
fn entries(lines: &[Line], section: &str, key: &str) -> Vec<usize> {
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| matches!(&l.kind, Kind::Key { section: s, key: k, .. } if s == section && k.eq_ignore_ascii_case(key)))
        .map(|(i, _)| i)
        .collect()
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

    fn conf(text: &str) -> Result<Option<SwiftConf>, DiffError> {
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

    /// The swift example's plan and its glance-swift.conf.
    fn swift_plan() -> Plan {
        let text = include_str!("../../examples/swift.glha");
        let c = crate::compile_str("swift.glha", text, &crate::Options::default());
        c.plan.expect("the swift example compiles")
    }

    fn secrets(pw: &str) -> SecretValues {
        SecretValues::from_map(
            [("store.images.password".to_string(), pw.to_string())]
                .into_iter()
                .collect(),
        )
    }

    #[test]
    fn merge_writes_only_glhas_keys_in_its_section() {
        let plan = swift_plan();
        let conf = of(&plan).unwrap();
        // A new file is the bundle's file, with the secret filled in.
        let fresh = merge(&plan, conf, None, &secrets("p%w")).unwrap();
        assert!(fresh.changes.iter().all(|c| c.kind == ChangeKind::Add));
        let text = fresh.text();
        assert!(text.starts_with("# Generated by glha") && text.contains("\n[images]\n"));
        assert!(text.contains("\nkey = p%%w\n") && !fresh.display().contains("p%"));
        // Names match case aside, values after interpolation; [DEFAULT]'s
        // value is what the section reads; other keys and sections stay.
        let live = "[DEFAULT]\nuser_domain_name = Default\nhost = 192.168.20.20\n\n\
                    [images]\nAUTH_ADDRESS = http://%(host)s:5000/v3\nauth_version = 3\n\
                    user = service:glance-swift\nKey = old%%pw\nproject_domain_name = 'Default'\n\
                    swift_store_cacert = /etc/ssl/s.pem\n\n[other]\nkey = x\n";
        let m = merge(&plan, conf, Some(live), &secrets("p%w")).unwrap();
        let kinds: Vec<_> = m.changes.iter().map(|c| (c.key.as_str(), c.kind)).collect();
        assert_eq!(kinds, [("key", ChangeKind::Change)]);
        assert_eq!(m.changes[0].live.as_deref(), Some(SENSITIVE));
        assert_eq!(m.changes[0].planned.as_deref(), Some(SENSITIVE));
        assert_eq!(m.text(), live.replace("Key = old%%pw", "key = p%%w"));
        assert!(!m.display().contains("pw") && !m.live_display.contains("old"));
        // Without the secret, a live password is not compared.
        let m = merge(&plan, conf, Some(live), &SecretValues::none()).unwrap();
        assert_eq!(m.changes[0].kind, ChangeKind::Unknown);
        assert_eq!(m.text(), live);
        // A [DEFAULT] value glha writes otherwise goes into the section.
        let other = live.replace("user_domain_name = Default", "user_domain_name = Other");
        let m = merge(&plan, conf, Some(&other), &secrets("old%pw")).unwrap();
        assert_eq!(m.changes.len(), 1, "{:?}", m.changes);
        assert!(m
            .text()
            .contains("swift_store_cacert = /etc/ssl/s.pem\nuser_domain_name = Default\n"));
        // What configparser refuses, diff refuses too.
        let bad = live.replace("old%%pw", "old%pw");
        assert!(merge(&plan, conf, Some(&bad), &secrets("x")).is_err());
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
