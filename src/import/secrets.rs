//! The secrets an import finds, and the names it gives them.
//!
//! A value found in a live file or the CIB is never written into the spec:
//! the spec gets `secret env "NAME"`, and the import lists each name with
//! where its value was found. The value stays in memory for the import's
//! own check of its spec ([`super::verify`]) and is never printed.
//!
//! The name comes from the value's place in the spec (upper case, every
//! other character `_`):
//!
//! | place | name |
//! |---|---|
//! | `database NAME { password }` | `NAME_DB_PASSWORD` (`GLANCE_DB_PASSWORD`) |
//! | `rabbitmq { password }` | `RABBIT_PASSWORD` |
//! | `keystone { password }` | `GLANCE_KEYSTONE_PASSWORD` |
//! | `store NAME { password }` (swift) | `GLANCE_SWIFT_PASSWORD` |
//! | `fencing DEVICE { params { KEY } }` | `FENCE_DEVICE_KEY` (`FENCE_IPMI_CTL0_PASSWORD`) |
//! | `service SVC { params { KEY } }` | `SVC_KEY` (`GLANCE_API_OS_PASSWORD`) |
//!
//! Two places that would get one name get `_2`, `_3`, … after the first.

use serde::Serialize;

/// A secret the import found.
#[derive(Clone, Serialize)]
pub struct FoundSecret {
    /// The environment variable the spec reads it from.
    pub name: String,
    /// The id the compiled spec gives it (`database.glance.password`).
    pub id: String,
    /// Where the value was found (`FILE:LINE [section] key`, `CIB primitive
    /// ID param KEY`).
    pub found: String,
    /// Whether the value is known: crmsh's text hides passwords, and a
    /// setting may be absent.
    pub known: bool,
    #[serde(skip)]
    value: Option<String>,
}

impl std::fmt::Debug for FoundSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FoundSecret")
            .field("name", &self.name)
            .field("id", &self.id)
            .field("found", &self.found)
            .field("known", &self.known)
            .finish_non_exhaustive()
    }
}

impl FoundSecret {
    /// The value, for the import's own check; never to be shown.
    pub(crate) fn value(&self) -> Option<&str> {
        self.value.as_deref()
    }
}

/// The environment variable name for a place: upper case, every character
/// other than a letter or digit `_`.
pub(crate) fn env_name(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|p| {
            p.chars()
                .map(|c| {
                    if c.is_ascii_alphanumeric() {
                        c.to_ascii_uppercase()
                    } else {
                        '_'
                    }
                })
                .collect::<String>()
        })
        .collect::<Vec<_>>()
        .join("_")
}

/// The secrets found so far.
#[derive(Debug, Default)]
pub(crate) struct Secrets(pub(crate) Vec<FoundSecret>);

impl Secrets {
    /// Registers a secret for spec id `id` under the name `parts` give;
    /// returns the name the spec uses. A second registration of the same
    /// id returns the first name (one spec value, one variable).
    pub(crate) fn add(
        &mut self,
        id: &str,
        parts: &[&str],
        found: String,
        value: Option<String>,
    ) -> String {
        if let Some(s) = self.0.iter().find(|s| s.id == id) {
            return s.name.clone();
        }
        let base = env_name(parts);
        let mut name = base.clone();
        let mut n = 2;
        while self.0.iter().any(|s| s.name == name) {
            name = format!("{base}_{n}");
            n += 1;
        }
        self.0.push(FoundSecret {
            name: name.clone(),
            id: id.to_string(),
            found,
            known: value.is_some(),
            value,
        });
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_come_from_places_and_never_collide() {
        assert_eq!(
            env_name(&["glance", "DB", "password"]),
            "GLANCE_DB_PASSWORD"
        );
        assert_eq!(
            env_name(&["fence", "ipmi-ctl0", "password"]),
            "FENCE_IPMI_CTL0_PASSWORD"
        );
        let mut s = Secrets::default();
        let a = s.add("a", &["x", "password"], "here".into(), Some("v".into()));
        let b = s.add("b", &["x", "password"], "there".into(), None);
        assert_eq!((a.as_str(), b.as_str()), ("X_PASSWORD", "X_PASSWORD_2"));
        assert_eq!(s.add("a", &["y"], "again".into(), None), "X_PASSWORD");
        let shown = format!("{:?}", s.0[0]);
        assert!(!shown.contains("\"v\""), "{shown}");
    }
}
