//! The live ini files under the root that oslo.config reads:
//! glance-api.conf, nova.conf, cinder.conf (glance-swift.conf is
//! configparser's: [`crate::diff::swift_conf`]).
//!
//! A file oslo.config would refuse is refused here too, naming its line
//! (the import must not guess what a broken file means); a file that is
//! absent is simply not there. Values are read as oslo.config reads them:
//! the last of repeated keys, one pair of quotes stripped, continuation
//! lines joined, and `$$` (its escape of `$`) read as `$`.

use super::ImportError;
use crate::diff::ini::{self as live, Kind, Line};
use camino::Utf8Path;

/// One live ini file.
pub(crate) struct LiveIni {
    /// Its path on the host (`/etc/glance/glance-api.conf`).
    pub target: String,
    lines: Vec<Line>,
}

/// One value of a live file, with its place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Got {
    /// The value as oslo.config reads it (before `$` substitution).
    pub value: String,
    /// Its section.
    pub section: String,
    /// Its key.
    pub key: String,
    /// The 1-based line of its key.
    pub line: usize,
}

impl LiveIni {
    /// The value of `[section] key`, the last if repeated.
    pub(crate) fn get(&self, section: &str, key: &str) -> Option<Got> {
        let at = *live::entries(&self.lines, section, key).last()?;
        let raw = live::live_value(&self.lines, at);
        Some(Got {
            value: raw.replace("$$", "$"),
            section: section.to_string(),
            key: key.to_string(),
            line: at + 1,
        })
    }

    /// The value of `[section] key`, without its place.
    pub(crate) fn value(&self, section: &str, key: &str) -> Option<String> {
        self.get(section, key).map(|g| g.value)
    }

    /// Where a value was found, for messages: `TARGET:LINE [section] key`.
    pub(crate) fn at(&self, g: &Got) -> String {
        format!("{}:{} [{}] {}", self.target, g.line, g.section, g.key)
    }

    /// Every key set, as (section, key).
    pub(crate) fn set_keys(&self) -> Vec<(String, String)> {
        self.lines
            .iter()
            .filter_map(|l| match &l.kind {
                Kind::Key { section, key, .. } => Some((section.clone(), key.clone())),
                _ => None,
            })
            .collect()
    }

    /// The option names commented out as a sample file writes them
    /// (`#name = value`, no space after the `#`), as (section, name).
    pub(crate) fn commented(&self) -> Vec<(String, String)> {
        let mut section = String::new();
        let mut out = Vec::new();
        for l in &self.lines {
            match &l.kind {
                Kind::Section(s) => section = s.clone(),
                Kind::Other => {
                    if let Some(name) = commented_name(&l.text) {
                        if !section.is_empty() {
                            out.push((section.clone(), name.to_string()));
                        }
                    }
                }
                _ => {}
            }
        }
        out
    }
}

/// `name` of a `#name = value` line.
fn commented_name(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('#')?;
    let end = rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?;
    let (name, after) = rest.split_at(end);
    let first = name.chars().next()?;
    (first.is_ascii_alphabetic() && after.trim_start().starts_with('=')).then_some(name)
}

/// Reads `target` under `root`, if it exists; refuses what oslo.config
/// refuses, naming the line.
pub(crate) fn read(root: &Utf8Path, target: &str) -> Result<Option<LiveIni>, ImportError> {
    let path = crate::diff::under_root(root, target);
    let Some(text) = crate::diff::read::text_opt(&path)? else {
        return Ok(None);
    };
    if let Some((line, why)) = live::syntax_error(&text) {
        return Err(ImportError::Parse {
            path,
            line: Some(line),
            message: format!("{why} (oslo.config refuses this file)"),
        });
    }
    Ok(Some(LiveIni {
        target: target.to_string(),
        lines: live::parse(&text),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use camino::Utf8PathBuf;

    fn file(text: &str) -> (tempfile::TempDir, Utf8PathBuf) {
        let tmp = tempfile::tempdir().unwrap();
        let root = Utf8PathBuf::from_path_buf(tmp.path().to_path_buf()).unwrap();
        std::fs::create_dir_all(root.join("etc")).unwrap();
        std::fs::write(root.join("etc/x.conf"), text).unwrap();
        (tmp, root)
    }

    #[test]
    fn values_places_and_sample_names() {
        let (_t, root) = file(
            "[DEFAULT]\n#bind_host = 0.0.0.0\n# Help = text\nbind_host = 10.0.0.11\n[database]\nconnection = \"mysql://g:p$$w@h/g\"\n  ?x\n",
        );
        let f = read(&root, "/etc/x.conf").unwrap().unwrap();
        let g = f.get("database", "connection").unwrap();
        assert_eq!(g.value, "\"mysql://g:p$w@h/g\"\n?x");
        assert_eq!(f.at(&g), "/etc/x.conf:6 [database] connection");
        assert_eq!(f.value("DEFAULT", "bind_host").unwrap(), "10.0.0.11");
        assert_eq!(
            f.commented(),
            [("DEFAULT".to_string(), "bind_host".to_string())]
        );
        assert!(read(&root, "/etc/none.conf").unwrap().is_none());
    }

    #[test]
    fn what_oslo_refuses_is_refused_with_its_line() {
        for (text, line, why) in [
            ("[DEFAULT]\nbind_host\n", 2, "No ':' or '='"),
            ("[DEFAULT\nx = 1\n", 1, "must end with ]"),
            ("x = 1\n", 1, "Section must be started"),
            ("[DEFAULT]\n\n  x\n", 3, "Unexpected continuation"),
            ("[]\n", 1, "Empty section name"),
            ("[DEFAULT]\n= 1\n", 2, "Key cannot be empty"),
        ] {
            let (_t, root) = file(text);
            let e = read(&root, "/etc/x.conf").err().unwrap();
            let shown = e.to_string();
            assert!(
                shown.contains(&format!("x.conf:{line}: ")) && shown.contains(why),
                "{text:?}: {shown}"
            );
        }
    }
}
