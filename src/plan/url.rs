//! URLs the plan writes (endpoints, consumers' API servers, glance-api's
//! public and self-reference URLs), typed, so that later phases compare
//! schemes, hosts and ports instead of re-parsing text.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::net::IpAddr;

/// `http` or `https`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Scheme {
    /// Plain HTTP.
    Http,
    /// HTTP over TLS.
    Https,
}

impl Scheme {
    /// The scheme as written in a URL.
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
    /// From a URL's scheme (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "http" => Some(Scheme::Http),
            "https" => Some(Scheme::Https),
            _ => None,
        }
    }
    /// The port a URL without one means.
    pub fn default_port(self) -> u16 {
        match self {
            Scheme::Http => 80,
            Scheme::Https => 443,
        }
    }
}

impl std::fmt::Display for Scheme {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A URL host: an address or a DNS name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum UrlHost {
    /// An IPv4 or IPv6 address.
    Ip(IpAddr),
    /// A DNS name, lower case.
    Name(String),
}

impl From<IpAddr> for UrlHost {
    fn from(ip: IpAddr) -> Self {
        UrlHost::Ip(ip)
    }
}

impl std::fmt::Display for UrlHost {
    /// As written in a URL's authority: IPv6 in brackets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            UrlHost::Ip(IpAddr::V6(v6)) => write!(f, "[{v6}]"),
            UrlHost::Ip(ip) => write!(f, "{ip}"),
            UrlHost::Name(n) => f.write_str(n),
        }
    }
}

/// An HTTP(S) URL with an explicit port: `scheme://host:port[path]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Url {
    /// The scheme.
    pub scheme: Scheme,
    /// The host.
    pub host: UrlHost,
    /// The port (always written, even when it is the scheme's default).
    pub port: u16,
    /// The path, empty or starting with `/`.
    pub path: String,
}

impl Url {
    /// `scheme://host:port` with no path.
    pub fn new(scheme: Scheme, host: impl Into<UrlHost>, port: u16) -> Self {
        Url {
            scheme,
            host: host.into(),
            port,
            path: String::new(),
        }
    }

    /// Parses an `http`/`https` URL as the catalog holds them; `None` for
    /// anything else (another scheme, userinfo, a query, a bad port). A
    /// missing port is the scheme's default.
    pub fn parse(s: &str) -> Option<Url> {
        let (scheme, rest) = s.split_once("://")?;
        let scheme = Scheme::parse(scheme)?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, ""),
        };
        if authority.contains(['@', '?', '#']) || path.contains(['?', '#']) {
            return None;
        }
        let (host, port) = if let Some(v6) = authority.strip_prefix('[') {
            let (addr, after) = v6.split_once(']')?;
            let ip: std::net::Ipv6Addr = addr.parse().ok()?;
            let port = match after.strip_prefix(':') {
                Some(p) => p.parse().ok()?,
                None if after.is_empty() => scheme.default_port(),
                None => return None,
            };
            (UrlHost::Ip(IpAddr::V6(ip)), port)
        } else {
            let (h, port) = match authority.rsplit_once(':') {
                Some((h, p)) => (h, p.parse().ok()?),
                None => (authority, scheme.default_port()),
            };
            if h.is_empty() {
                return None;
            }
            let host = match h.parse::<IpAddr>() {
                Ok(ip) => UrlHost::Ip(ip),
                Err(_) => UrlHost::Name(h.to_ascii_lowercase()),
            };
            (host, port)
        };
        if port == 0 {
            return None;
        }
        Some(Url {
            scheme,
            host,
            port,
            path: path.to_string(),
        })
    }

    /// The same URL without a trailing `/` on its path: the catalog
    /// treats `http://h:9292` and `http://h:9292/` as one endpoint.
    pub fn normalized(&self) -> Url {
        let mut u = self.clone();
        while u.path.ends_with('/') {
            u.path.pop();
        }
        u
    }
}

impl std::fmt::Display for Url {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}://{}:{}{}",
            self.scheme, self.host, self.port, self.path
        )
    }
}

impl Serialize for Url {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Url {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Url::parse(&s).ok_or_else(|| serde::de::Error::custom(format!("not an http(s) URL: {s}")))
    }
}

/// Whether two catalog URLs name the same endpoint: the same text once
/// trailing `/` are dropped. Exactly this, and no more clever, because
/// keystone/endpoints.sh makes the same comparison in shell (the policy in
/// [`crate::plan::catalog`]).
pub fn same_endpoint_url(a: &str, b: &str) -> bool {
    a.trim_end_matches('/') == b.trim_end_matches('/')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_and_display() {
        let u = Url::parse("http://10.0.0.11:9292").unwrap();
        assert_eq!(
            u,
            Url::new(Scheme::Http, "10.0.0.11".parse::<IpAddr>().unwrap(), 9292)
        );
        assert_eq!(u.to_string(), "http://10.0.0.11:9292");
        let v6 = Url::parse("https://[2001:db8::11]:9292/").unwrap();
        assert_eq!(v6.to_string(), "https://[2001:db8::11]:9292/");
        assert_eq!(v6.normalized().to_string(), "https://[2001:db8::11]:9292");
        assert_eq!(Url::parse("HTTPS://Glance.Example.COM").unwrap().port, 443);
        assert_eq!(
            Url::parse("HTTPS://Glance.Example.COM")
                .unwrap()
                .to_string(),
            "https://glance.example.com:443"
        );
        for bad in [
            "ftp://x:1",
            "http://",
            "http://u:p@h:1",
            "http://h:0",
            "http://h:99999",
            "http://h:x",
            "http://[::1",
            "http://[::1]x",
            "http://h:1/?q",
        ] {
            assert_eq!(Url::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn same_endpoint() {
        assert!(same_endpoint_url(
            "http://10.0.0.11:9292/",
            "http://10.0.0.11:9292"
        ));
        assert!(same_endpoint_url(
            "http://10.0.0.11:9292//",
            "http://10.0.0.11:9292"
        ));
        assert!(!same_endpoint_url(
            "http://10.0.0.11",
            "http://10.0.0.11:80"
        ));
        assert!(!same_endpoint_url(
            "http://10.0.0.11:9292",
            "https://10.0.0.11:9292"
        ));
        assert!(!same_endpoint_url(
            "http://10.0.0.11:9292",
            "http://10.0.0.11:9393"
        ));
        assert!(same_endpoint_url("not a url/", "not a url"));
    }
}
