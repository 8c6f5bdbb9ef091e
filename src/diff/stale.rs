//! Stale keys in a live ini file: keys glha does not write that the
//! release does not know, knows only as a deprecated alias, or knows as
//! deprecated for removal ([`crate::release::stale`]).
//!
//! What happens to one:
//! - removed, when what replaces it is a setting glha writes in this file
//!   (`notifier_strategy` → `[oslo_messaging_notifications] driver`), or when
//!   the release does not know it and what it configured is gone
//!   (`registry_host` once glance-registry is removed) in a section glha
//!   manages;
//! - otherwise reported and left in place: as stale in a section glha
//!   manages (one it writes a setting in, and `DEFAULT`), as a note in any
//!   other section.
//!
//! Not judged: sections named at run time ([`dynamic_sections`]) and the
//! options an authentication plugin registers at run time.

use super::ini::{live_value, Kind, Line};
use super::SENSITIVE;
use crate::plan::{IniFile, ServiceKind};
use crate::release::stale::{
    classify, glha_removes, norm_key, norm_section, replacement, Basis, Replacement, Verdict, Why,
};
use crate::release::Release;
use crate::secret::{is_sensitive_name, SecretValues};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A stale key found in a live file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaleKey {
    /// Section, as the live file writes it.
    pub section: String,
    /// Key, as the live file writes it.
    pub key: String,
    /// Its live value(s), `(sensitive)` when the key's name is sensitive.
    pub live: String,
    /// Why it is stale.
    pub reason: StaleReason,
    /// The evidence: which option data, or the hand table and its source.
    pub evidence: String,
    /// The settings that replace it (empty: none known, or [`Self::gone`]).
    pub replaced_by: Vec<Replacing>,
    /// Why nothing replaces it, where what it configured is gone.
    pub gone: Option<String>,
    /// What glha does with it.
    pub action: StaleAction,
}

/// A setting that replaces a stale key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Replacing {
    /// Its section.
    pub section: String,
    /// Its key.
    pub key: String,
    /// Whether glha writes it in this file.
    pub written: bool,
}

/// Why a key is stale.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum StaleReason {
    /// Only a deprecated alias of these options (`[section] key`).
    Alias {
        /// The options that read it.
        of: Vec<String>,
    },
    /// Deprecated for removal.
    Deprecated {
        /// `deprecated_since`, where the data records it.
        since: Option<String>,
        /// `deprecated_reason`, where the data records it.
        reason: Option<String>,
    },
    /// Unknown to the release.
    Unknown {
        /// The release.
        release: String,
        /// Whether the release has the section at all.
        section_known: bool,
    },
}

/// What glha does with a stale key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaleAction {
    /// Removed by apply (a `Remove` change of the file).
    Remove,
    /// Reported, left in place (a section glha manages).
    Keep,
    /// Reported as a note, left in place (a section glha does not manage).
    Note,
}

impl StaleKey {
    /// One sentence: why, on what evidence, and what replaces it.
    pub fn sentence(&self) -> String {
        let why = match &self.reason {
            StaleReason::Alias { of } => format!("deprecated alias of {}", of.join(" and ")),
            StaleReason::Deprecated { since, reason } => {
                let mut s = "deprecated for removal".to_string();
                if let Some(v) = since {
                    s.push_str(&format!(" since {v}"));
                }
                if let Some(r) = reason {
                    s.push_str(&format!(": {r}"));
                }
                s
            }
            StaleReason::Unknown {
                release,
                section_known: false,
            } => format!("section unknown to {release}"),
            StaleReason::Unknown { release, .. } => format!("unknown to {release}"),
        };
        let with = if let Some(g) = &self.gone {
            format!("nothing replaces it: {g}")
        } else if self.replaced_by.is_empty() {
            "nothing known replaces it".into()
        } else {
            let names: Vec<String> = self
                .replaced_by
                .iter()
                .map(|r| {
                    let by = if r.written {
                        "which glha writes"
                    } else {
                        "which glha does not write"
                    };
                    format!("[{}] {} ({by})", r.section, r.key)
                })
                .collect();
            format!("replaced by {}", names.join(" and "))
        };
        format!("{why} ({}); {with}", self.evidence)
    }
}

/// The names in an `enabled_backends` value: `fast:rbd, cheap:file`
/// (glance) or `lvm,ceph` (cinder).
fn backend_names(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(',')
        .map(|item| item.split(':').next().unwrap_or("").trim())
        .filter(|n| !n.is_empty())
        .map(norm_section)
}

/// Sections named at run time, which no option dump can list: the backend
/// sections `[DEFAULT] enabled_backends` names (glance-api's stores, cinder's
/// volume backends; the value the merged file holds: the plan's if it
/// writes one, else the live one), glance-api's reserved stores
/// `os_glance_staging_store` and `os_glance_tasks_store`, and nova's
/// per-device-type `mdev_*` (and their old name `vgpu_*`) sections
/// (nova/conf/devices.py `register_dynamic_opts`). Normalised names.
pub(crate) fn dynamic_sections(file: &IniFile, lines: &[Line]) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let planned = file
        .settings
        .iter()
        .find(|s| s.section == "DEFAULT" && norm_key(&s.key) == "enabled_backends")
        .map(|s| {
            s.values
                .iter()
                .map(|v| v.render(&SecretValues::none()).text)
                .collect::<Vec<_>>()
                .join(",")
        });
    let live = lines
        .iter()
        .enumerate()
        .rfind(|(_, l)| {
            matches!(&l.kind, Kind::Key { section, key, .. }
                if section == "DEFAULT" && norm_key(key) == "enabled_backends")
        })
        .map(|(i, _)| live_value(lines, i));
    let value = planned.or(live);
    if file.service == ServiceKind::GlanceApi {
        // glance's stores: the one list lives with the store's settings.
        out.extend(
            crate::release::store::dynamic_sections(value.as_deref())
                .iter()
                .map(|s| norm_section(s)),
        );
    } else if let Some(v) = value {
        // cinder's volume backends: a plain list of names.
        out.extend(backend_names(&v));
    }
    out
}

fn is_dynamic(service: ServiceKind, dynamic: &BTreeSet<String>, section: &str) -> bool {
    dynamic.contains(section)
        || (service == ServiceKind::Nova
            && (section.starts_with("mdev_") || section.starts_with("vgpu_")))
}

/// Every key of a live file, once per section (as written) and key (`-`
/// and `_` alike): its first spelling and the lines that set it, in order
/// of first appearance.
fn live_keys(lines: &[Line]) -> Vec<(&str, &str, Vec<usize>)> {
    let mut index: std::collections::HashMap<(&str, String), usize> = Default::default();
    let mut out: Vec<(&str, &str, Vec<usize>)> = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if let Kind::Key { section, key, .. } = &l.kind {
            match index.entry((section.as_str(), norm_key(key))) {
                std::collections::hash_map::Entry::Occupied(e) => out[*e.get()].2.push(i),
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(out.len());
                    out.push((section, key, vec![i]));
                }
            }
        }
    }
    out
}

/// The stale keys of a live file (parsed) for the plan's `file`, in file
/// order, one per section and key.
pub(crate) fn find(file: &IniFile, release: Release, lines: &[Line]) -> Vec<StaleKey> {
    let service = file.service.name();
    let norm = |s: &str, k: &str| (norm_section(s), norm_key(k));
    let written: BTreeSet<(String, String)> = file
        .settings
        .iter()
        .map(|s| norm(&s.section, &s.key))
        .collect();
    let told: BTreeSet<(String, String)> = file.remove.iter().map(|(s, k, _)| norm(s, k)).collect();
    let mut managed: BTreeSet<String> = file
        .settings
        .iter()
        .map(|s| norm_section(&s.section))
        .collect();
    managed.insert("DEFAULT".into());
    let dynamic = dynamic_sections(file, lines);
    let mut out = Vec::new();
    for (section, key, at) in live_keys(lines) {
        let id = norm(section, key);
        if written.contains(&id) || told.contains(&id) || is_dynamic(file.service, &dynamic, &id.0)
        {
            continue;
        }
        let Verdict::Stale(stale) = classify(service, release, section, key) else {
            continue;
        };
        let with = replacement(service, release, section, key, &stale.why);
        let action = action(&with, &stale.why, &written, managed.contains(&id.0));
        let values: Vec<String> = at.iter().map(|&j| live_value(lines, j)).collect();
        out.push(StaleKey {
            section: section.to_string(),
            key: key.to_string(),
            live: if is_sensitive_name(key) {
                SENSITIVE.to_string()
            } else {
                values.join(", ")
            },
            reason: reason(&stale.why, release),
            evidence: evidence(&stale.basis),
            replaced_by: match &with {
                Replacement::Settings(v) => v
                    .iter()
                    .map(|t| Replacing {
                        section: t.0.clone(),
                        key: t.1.clone(),
                        written: written.contains(t),
                    })
                    .collect(),
                _ => Vec::new(),
            },
            gone: match with {
                Replacement::Gone(why) => Some(why.to_string()),
                _ => None,
            },
            action,
        });
    }
    out
}

fn action(
    with: &Replacement,
    why: &Why,
    written: &BTreeSet<(String, String)>,
    managed: bool,
) -> StaleAction {
    let writes = |s: &str, k: &str| written.contains(&(s.to_string(), k.to_string()));
    match (glha_removes(with, why, &writes, managed), managed) {
        (true, _) => StaleAction::Remove,
        (false, true) => StaleAction::Keep,
        (false, false) => StaleAction::Note,
    }
}

fn reason(why: &Why, release: Release) -> StaleReason {
    let name = |(s, k): &(&str, &str)| format!("[{s}] {k}");
    match why {
        Why::Alias(of) => StaleReason::Alias {
            of: of.iter().map(name).collect(),
        },
        Why::Deprecated { since, reason, .. } => StaleReason::Deprecated {
            since: (!since.is_empty()).then(|| since.to_string()),
            reason: (!reason.is_empty()).then(|| reason.to_string()),
        },
        Why::Unknown { section_known } => StaleReason::Unknown {
            release: release.name().to_string(),
            section_known: *section_known,
        },
    }
}

fn evidence(basis: &Basis) -> String {
    match basis {
        Basis::Data {
            release,
            source,
            sample,
        } => {
            let what = if *sample {
                "names-only sample data"
            } else {
                "option data"
            };
            format!("{release} {what}, {source}")
        }
        Basis::Between { older, newer } => {
            format!("no option data for this release; stale in both {older} and {newer}")
        }
        Basis::Hand { source, .. } => format!("glha's hand table: {source}"),
    }
}

/// The removals of `stale` as the merge takes them: section and key as
/// the live file writes them, and why.
pub(crate) fn removals(stale: &[StaleKey]) -> Vec<(String, String, String)> {
    stale
        .iter()
        .filter(|s| s.action == StaleAction::Remove)
        .map(|s| (s.section.clone(), s.key.clone(), s.sentence()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::super::ini::parse;
    use super::*;
    use crate::plan::{IniSetting, Value};

    fn plain(v: &str) -> Value {
        Value::plain(v)
    }

    fn glance(settings: &[(&str, &str)]) -> IniFile {
        IniFile {
            service: ServiceKind::GlanceApi,
            node: None,
            target: "/etc/glance/glance-api.conf".into(),
            settings: settings
                .iter()
                .map(|(s, k)| IniSetting {
                    section: s.to_string(),
                    key: k.to_string(),
                    values: vec![plain("x")],
                })
                .collect(),
            remove: vec![],
        }
    }

    const GUIDE: &str = "[DEFAULT]\nsql_connection = mysql://glance:pw@10.0.0.11/glance\nbind_host = 10.0.0.11\nregistry_host = 10.0.0.11\nnotifier_strategy = rabbit\nrabbit_host = 10.0.0.11\nrabbit_password = guest\nworkers = 4\n[oslo_messaging_rabbit]\nrabbit_host = 10.0.0.11\n[cors]\nnosuch = 1\n[fast]\nrbd_store_pool = images\n[os_glance_tasks_store]\nfilesystem_store_datadir = /x\n";

    fn glha_writes() -> IniFile {
        glance(&[
            ("DEFAULT", "transport_url"),
            ("database", "connection"),
            ("oslo_messaging_notifications", "driver"),
            ("DEFAULT", "enabled_backends"),
        ])
    }

    #[test]
    fn the_guides_lines_on_2026_2() {
        let mut f = glha_writes();
        f.settings[3].values = vec![plain("fast:rbd")];
        let found = find(&f, Release::R2026_2, &parse(GUIDE));
        let got: Vec<(&str, &str, StaleAction)> = found
            .iter()
            .map(|s| (s.section.as_str(), s.key.as_str(), s.action))
            .collect();
        use StaleAction::*;
        assert_eq!(
            got,
            vec![
                ("DEFAULT", "sql_connection", Remove),
                ("DEFAULT", "bind_host", Remove),
                ("DEFAULT", "registry_host", Remove),
                ("DEFAULT", "notifier_strategy", Remove),
                ("DEFAULT", "rabbit_host", Remove),
                ("DEFAULT", "rabbit_password", Remove),
                // Gone with the standalone server too, but nothing in
                // the hand table says so: reported, left in place.
                ("DEFAULT", "workers", Keep),
                ("oslo_messaging_rabbit", "rabbit_host", Remove),
                ("cors", "nosuch", Note),
            ]
        );
        let pw = found.iter().find(|s| s.key == "rabbit_password").unwrap();
        assert_eq!(pw.live, SENSITIVE);
        assert!(pw
            .sentence()
            .contains("[DEFAULT] transport_url (which glha writes)"));
        let notifier = found.iter().find(|s| s.key == "notifier_strategy").unwrap();
        assert_eq!(
            notifier.sentence(),
            "unknown to 2026.2 (2026.2 option data, glance-api-2026.2-33.0.0.opts.yaml); replaced by [oslo_messaging_notifications] driver (which glha writes)"
        );
    }

    #[test]
    fn without_the_replacement_written_a_stale_key_stays() {
        let f = glance(&[("database", "connection")]);
        let found = find(&f, Release::Zed, &parse(GUIDE));
        let n = found.iter().find(|s| s.key == "notifier_strategy").unwrap();
        assert_eq!(n.action, StaleAction::Keep);
        assert!(n.sentence().contains("which glha does not write"));
        // The live enabled_backends names no section: [fast] is judged,
        // as a note (glha does not manage it).
        let fast = found.iter().find(|s| s.section == "fast").unwrap();
        assert_eq!(fast.action, StaleAction::Note);
        assert!(matches!(
            fast.reason,
            StaleReason::Unknown {
                section_known: false,
                ..
            }
        ));
    }

    #[test]
    fn dynamic_sections_come_from_the_plan_or_the_live_file() {
        let live = parse("[DEFAULT]\nenabled_backends = fast:rbd, Cheap:file\n");
        let mut f = glance(&[]);
        let d = dynamic_sections(&f, &live);
        assert!(d.contains("fast") && d.contains("cheap") && d.contains("os_glance_staging_store"));
        f.settings.push(IniSetting {
            section: "DEFAULT".into(),
            key: "enabled_backends".into(),
            values: vec![plain("other:file")],
        });
        let d = dynamic_sections(&f, &live);
        assert!(d.contains("other") && !d.contains("fast"));
    }
}
