//! The Image API's Keystone catalog entries, and the one policy that makes
//! a live catalog hold them.
//!
//! # The reconciliation policy
//!
//! For each planned interface, the live endpoints of the service type in
//! the plan's region and that interface are looked at:
//!
//! - none: create one with the planned URL;
//! - one: fix its URL if it differs and enable it if it is disabled (in one
//!   `openstack endpoint set`); URLs are compared after dropping trailing
//!   `/`, so `http://h:9292/` is not a drift of `http://h:9292`;
//! - several (duplicates): the two users differ, on purpose.
//!   keystone/endpoints.sh runs unreviewed, so it warns and changes
//!   nothing: it cannot know which one clients use. A reviewed plan
//!   (`glhac diff`, then `apply`) keeps the one with the planned URL (else
//!   the first listed), deletes the others, and fixes the one kept as
//!   above.
//!
//! [`reconcile`] is that policy; keystone/endpoints.sh implements the
//! `Script` half in shell, and a conformance test runs both on the same
//! live catalogs and compares the calls they make.

use super::url::{same_endpoint_url, Url};
use crate::command::Command;
use serde::{Deserialize, Serialize};

/// The description a service gets when glha registers it (as the
/// installation guide registers it).
pub const SERVICE_DESCRIPTION: &str = "OpenStack Image";

/// A Keystone endpoint interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Interface {
    /// For clients outside the cloud.
    Public,
    /// For services inside it.
    Internal,
    /// For administrators (Keystone v3 no longer needs it).
    Admin,
}

impl Interface {
    /// Every interface, in catalog order.
    pub const ALL: [Interface; 3] = [Interface::Public, Interface::Internal, Interface::Admin];

    /// As Keystone names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Interface::Public => "public",
            Interface::Internal => "internal",
            Interface::Admin => "admin",
        }
    }

    /// From Keystone's name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|i| i.as_str() == s)
    }
}

impl std::fmt::Display for Interface {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One planned endpoint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CatalogEndpoint {
    /// Its interface.
    pub interface: Interface,
    /// Its URL.
    pub url: Url,
    /// For a URL whose host is a DNS name: the VIP address the name must
    /// resolve to (the listener that serves it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub resolves_to: Option<std::net::IpAddr>,
}

/// The Image API's Keystone catalog entries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Catalog {
    /// Service name (`glance`).
    pub service_name: String,
    /// Service type (`image`).
    pub service_type: String,
    /// Region.
    pub region: String,
    /// One endpoint per interface, in catalog order.
    pub endpoints: Vec<CatalogEndpoint>,
}

/// One row of `openstack endpoint list`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveEndpoint {
    /// Endpoint id.
    pub id: String,
    /// Region id.
    pub region: String,
    /// Service name.
    pub service_name: String,
    /// Service type.
    pub service_type: String,
    /// Interface, as Keystone spells it.
    pub interface: String,
    /// URL, as registered.
    pub url: String,
    /// Whether it is enabled.
    pub enabled: bool,
}

/// Who reconciles: the unreviewed script or a reviewed plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Policy {
    /// keystone/endpoints.sh: never deletes; warns about duplicates.
    Script,
    /// `glhac diff` then `apply`: may delete duplicates.
    Reviewed,
}

/// What happens to one planned endpoint, or to a duplicate of one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// No live endpoint: create it.
    Create,
    /// As planned.
    Keep {
        /// The live endpoint.
        id: String,
    },
    /// Fix its URL and/or enable it.
    Update {
        /// The live endpoint.
        id: String,
        /// Its live URL.
        live_url: String,
        /// Whether the URL changes.
        set_url: bool,
        /// Whether it is enabled (it was disabled).
        enable: bool,
    },
    /// Several live endpoints (the script only warns about them).
    Duplicates {
        /// Their ids, as listed.
        ids: Vec<String>,
    },
    /// A duplicate that a reviewed plan deletes.
    Delete {
        /// The live endpoint.
        id: String,
        /// Its live URL.
        live_url: String,
    },
}

/// The policy's decision for one planned interface (or one duplicate).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// The interface.
    pub interface: Interface,
    /// The planned URL.
    pub url: Url,
    /// What happens.
    pub action: Action,
}

fn rows_for<'a>(
    cat: &Catalog,
    iface: Interface,
    live: &'a [LiveEndpoint],
) -> Vec<&'a LiveEndpoint> {
    live.iter()
        .filter(|e| {
            (e.service_type == cat.service_type
                || (e.service_type.is_empty() && e.service_name == cat.service_name))
                && e.region == cat.region
                && e.interface == iface.as_str()
        })
        .collect()
}

fn keep_or_update(e: &LiveEndpoint, url: &Url) -> Action {
    let set_url = !same_endpoint_url(&e.url, &url.to_string());
    if set_url || !e.enabled {
        Action::Update {
            id: e.id.clone(),
            live_url: e.url.clone(),
            set_url,
            enable: !e.enabled,
        }
    } else {
        Action::Keep { id: e.id.clone() }
    }
}

/// The policy (see the module doc): what to do for each planned endpoint,
/// given the live ones.
pub fn reconcile(cat: &Catalog, live: &[LiveEndpoint], policy: Policy) -> Vec<Step> {
    let mut out = Vec::new();
    for ep in &cat.endpoints {
        let step = |action| Step {
            interface: ep.interface,
            url: ep.url.clone(),
            action,
        };
        let rows = rows_for(cat, ep.interface, live);
        match (rows.as_slice(), policy) {
            ([], _) => out.push(step(Action::Create)),
            ([one], _) => out.push(step(keep_or_update(one, &ep.url))),
            (many, Policy::Script) => out.push(step(Action::Duplicates {
                ids: many.iter().map(|e| e.id.clone()).collect(),
            })),
            (many, Policy::Reviewed) => {
                let planned = ep.url.to_string();
                let keep = many
                    .iter()
                    .position(|e| same_endpoint_url(&e.url, &planned) && e.enabled)
                    .or_else(|| {
                        many.iter()
                            .position(|e| same_endpoint_url(&e.url, &planned))
                    })
                    .unwrap_or(0);
                out.push(step(keep_or_update(many[keep], &ep.url)));
                for (i, e) in many.iter().enumerate() {
                    if i != keep {
                        out.push(step(Action::Delete {
                            id: e.id.clone(),
                            live_url: e.url.clone(),
                        }));
                    }
                }
            }
        }
    }
    out
}

impl Step {
    /// The `openstack` call this step makes, if any.
    pub fn command(&self, cat: &Catalog) -> Option<Command> {
        match &self.action {
            Action::Create => Some(Command::new([
                "openstack".to_string(),
                "endpoint".into(),
                "create".into(),
                "--region".into(),
                cat.region.clone(),
                cat.service_type.clone(),
                self.interface.to_string(),
                self.url.to_string(),
            ])),
            Action::Update {
                id,
                set_url,
                enable,
                ..
            } => {
                let mut argv = vec!["openstack".to_string(), "endpoint".into(), "set".into()];
                if *set_url {
                    argv.extend(["--url".to_string(), self.url.to_string()]);
                }
                if *enable {
                    argv.push("--enable".into());
                }
                argv.push(id.clone());
                Some(Command::new(argv))
            }
            Action::Delete { id, .. } => {
                Some(Command::new(["openstack", "endpoint", "delete", id]))
            }
            Action::Keep { .. } | Action::Duplicates { .. } => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cat() -> Catalog {
        Catalog {
            service_name: "glance".into(),
            service_type: "image".into(),
            region: "RegionOne".into(),
            endpoints: vec![CatalogEndpoint {
                interface: Interface::Internal,
                url: Url::parse("http://10.0.0.11:9292").unwrap(),
                resolves_to: None,
            }],
        }
    }

    fn row(id: &str, url: &str, enabled: bool) -> LiveEndpoint {
        LiveEndpoint {
            id: id.into(),
            region: "RegionOne".into(),
            service_name: "glance".into(),
            service_type: "image".into(),
            interface: "internal".into(),
            url: url.into(),
            enabled,
        }
    }

    fn actions(live: &[LiveEndpoint], p: Policy) -> Vec<Action> {
        reconcile(&cat(), live, p)
            .into_iter()
            .map(|s| s.action)
            .collect()
    }

    #[test]
    fn policy() {
        for p in [Policy::Script, Policy::Reviewed] {
            assert_eq!(actions(&[], p), [Action::Create]);
            let same = row("a", "http://10.0.0.11:9292/", true);
            assert_eq!(actions(&[same], p), [Action::Keep { id: "a".into() }]);
            let drift = row("a", "http://10.0.0.99:9292", false);
            assert_eq!(
                actions(&[drift], p),
                [Action::Update {
                    id: "a".into(),
                    live_url: "http://10.0.0.99:9292".into(),
                    set_url: true,
                    enable: true
                }]
            );
        }
        let dups = [
            row("a", "http://10.0.0.99:9292", true),
            row("b", "http://10.0.0.11:9292", true),
        ];
        assert_eq!(
            actions(&dups, Policy::Script),
            [Action::Duplicates {
                ids: vec!["a".into(), "b".into()]
            }]
        );
        assert_eq!(
            actions(&dups, Policy::Reviewed),
            [
                Action::Keep { id: "b".into() },
                Action::Delete {
                    id: "a".into(),
                    live_url: "http://10.0.0.99:9292".into()
                }
            ]
        );
        // Another region or service is not ours.
        let mut other = row("c", "http://x:1", true);
        other.region = "RegionTwo".into();
        assert_eq!(actions(&[other], Policy::Reviewed), [Action::Create]);
    }

    #[test]
    fn commands() {
        let c = cat();
        let steps = reconcile(&c, &[row("a", "http://x:1", false)], Policy::Reviewed);
        assert_eq!(
            steps[0].command(&c).unwrap().to_shell(),
            "openstack endpoint set --url http://10.0.0.11:9292 --enable a"
        );
        let steps = reconcile(&c, &[], Policy::Script);
        assert_eq!(
            steps[0].command(&c).unwrap().argv,
            [
                "openstack",
                "endpoint",
                "create",
                "--region",
                "RegionOne",
                "image",
                "internal",
                "http://10.0.0.11:9292"
            ]
        );
    }
}
