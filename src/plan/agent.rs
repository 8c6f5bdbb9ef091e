//! [`AgentRef`]: which resource agent runs a Pacemaker resource, as
//! `class[:provider]:type` (`ocf:heartbeat:IPaddr2`, `systemd:glance-api`,
//! `stonith:fence_ipmilan`).

use serde::{Serialize, Serializer};
use std::fmt;

/// A resource agent standard (the CIB's `class`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AgentClass {
    /// `ocf`: the only class with a provider.
    Ocf,
    /// `systemd` units.
    Systemd,
    /// `lsb` init scripts.
    Lsb,
    /// `service`: systemd, upstart or lsb, whichever the node has.
    Service,
    /// `stonith`: fencing devices.
    Stonith,
    /// A class glha does not generate (`nagios`, `upstart`, …), as written.
    Other(String),
}

impl AgentClass {
    /// The class as Pacemaker writes it.
    pub fn as_str(&self) -> &str {
        match self {
            AgentClass::Ocf => "ocf",
            AgentClass::Systemd => "systemd",
            AgentClass::Lsb => "lsb",
            AgentClass::Service => "service",
            AgentClass::Stonith => "stonith",
            AgentClass::Other(s) => s,
        }
    }

    /// The class named `s`.
    pub fn parse(s: &str) -> AgentClass {
        match s {
            "ocf" => AgentClass::Ocf,
            "systemd" => AgentClass::Systemd,
            "lsb" => AgentClass::Lsb,
            "service" => AgentClass::Service,
            "stonith" => AgentClass::Stonith,
            other => AgentClass::Other(other.to_string()),
        }
    }
}

impl fmt::Display for AgentClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A resource agent.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AgentRef {
    /// The standard.
    pub class: AgentClass,
    /// The OCF provider; `Some` exactly when the class is OCF.
    pub provider: Option<String>,
    /// The agent, unit or script name (the CIB's `type`).
    pub kind: String,
}

/// Why a text is not an agent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentError(String);

impl fmt::Display for AgentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for AgentError {}

impl AgentRef {
    /// An OCF agent.
    pub fn ocf(provider: &str, kind: &str) -> AgentRef {
        AgentRef {
            class: AgentClass::Ocf,
            provider: Some(provider.to_string()),
            kind: kind.to_string(),
        }
    }

    /// An agent of a class without providers (systemd, stonith, …).
    pub fn new(class: AgentClass, kind: &str) -> AgentRef {
        AgentRef {
            class,
            provider: None,
            kind: kind.to_string(),
        }
    }

    /// `ocf:heartbeat:IPaddr2`, which runs every VIP.
    pub fn ipaddr2() -> AgentRef {
        AgentRef::ocf("heartbeat", "IPaddr2")
    }

    /// Whether it is a fencing agent.
    pub fn is_stonith(&self) -> bool {
        self.class == AgentClass::Stonith
    }

    /// Reads `class:provider:type` (OCF) or `class:type`.
    pub fn parse(s: &str) -> Result<AgentRef, AgentError> {
        let parts: Vec<&str> = s.split(':').collect();
        if parts.iter().any(|p| p.is_empty()) {
            return Err(AgentError(format!(
                "`{s}` is not an agent: write class:provider:type or class:type"
            )));
        }
        match parts.as_slice() {
            ["ocf", provider, kind] => Ok(AgentRef::ocf(provider, kind)),
            ["ocf", ..] => Err(AgentError(format!(
                "`{s}` is not an OCF agent: write ocf:PROVIDER:TYPE"
            ))),
            [class, kind] => Ok(AgentRef::new(AgentClass::parse(class), kind)),
            _ => Err(AgentError(format!(
                "`{s}` is not an agent: only OCF agents have a provider"
            ))),
        }
    }

    /// Reads an agent as `crm configure show` prints it: a bare type is
    /// crmsh's shorthand for `ocf:heartbeat:TYPE`.
    pub fn parse_crm(s: &str) -> Result<AgentRef, AgentError> {
        if !s.is_empty() && !s.contains(':') {
            return Ok(AgentRef::ocf("heartbeat", s));
        }
        AgentRef::parse(s)
    }
}

impl fmt::Display for AgentRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.provider {
            Some(p) => write!(f, "{}:{}:{}", self.class, p, self.kind),
            None => write!(f, "{}:{}", self.class, self.kind),
        }
    }
}

/// [`AgentRef::parse`].
impl std::str::FromStr for AgentRef {
    type Err = AgentError;
    fn from_str(s: &str) -> Result<AgentRef, AgentError> {
        AgentRef::parse(s)
    }
}

impl Serialize for AgentRef {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display_round_trip() {
        for s in [
            "ocf:heartbeat:IPaddr2",
            "ocf:openstack:glance-api",
            "systemd:glance-api",
            "systemd:haproxy@glance",
            "stonith:fence_ipmilan",
            "lsb:haproxy",
            "nagios:check_http",
        ] {
            assert_eq!(AgentRef::parse(s).unwrap().to_string(), s);
        }
        let st = AgentRef::parse("stonith:fence_ipmilan").unwrap();
        assert!(st.is_stonith());
        assert_eq!(st.kind, "fence_ipmilan");
        assert_eq!(
            AgentRef::parse("ocf:heartbeat:IPaddr2"),
            Ok(AgentRef::ipaddr2())
        );
    }

    #[test]
    fn bad_agents_are_errors() {
        for s in [
            "",
            "IPaddr2",
            "ocf:IPaddr2",
            "systemd:a:b",
            "ocf::x",
            "a:",
            ":",
        ] {
            assert!(AgentRef::parse(s).is_err(), "{s}");
        }
    }

    #[test]
    fn crm_shorthand_is_heartbeat() {
        assert_eq!(AgentRef::parse_crm("IPaddr2"), Ok(AgentRef::ipaddr2()));
        assert_eq!(
            AgentRef::parse_crm("systemd:glance-api")
                .unwrap()
                .to_string(),
            "systemd:glance-api"
        );
        assert!(AgentRef::parse_crm("").is_err());
    }
}
