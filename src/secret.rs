//! Secrets, in one place: which names hold one, where a value comes from,
//! how it is spliced into a value ([`crate::plan::Value::render`]), and
//! which values an output cannot carry.
//!
//! Every edge (the CLI, `build.rs`, `apply`, an editor) goes through this
//! module, so a secret is checked the same way wherever it is written:
//! [`SecretValues::resolve`] reads env and file sources, and
//! [`check_values`] refuses a value that one of the files it lands in
//! cannot carry exactly. No function here returns or formats a value: an
//! error names the secret's id and its source, never what it holds.

use crate::plan::{Embedding, Plan, SecretRef, SecretSource, Value};
use crate::source::Span;
use std::collections::{BTreeMap, BTreeSet};

/// Whether a key's value holds a secret or embeds one: the one rule for
/// spec keys (masking in diagnostics, the plain-text warning), agent
/// parameters and live settings (masking in `diff`).
///
/// A name is sensitive when it mentions a password (`password`, `passwd`,
/// `os_password`, `passphrase`), a secret, a token or a credential, when it
/// is a key (`key`, `swift_store_key`, but not `key_file`), or when it is
/// one of the URLs that carry credentials (`transport_url` and its old
/// `notification_transport_url`, `connection`, `sql_connection`).
pub fn is_sensitive_name(key: &str) -> bool {
    let k = key.to_ascii_lowercase().replace('-', "_");
    const WORDS: [&str; 4] = ["pass", "secret", "token", "credential"];
    WORDS.iter().any(|w| k.contains(w))
        || k == "key"
        || k.ends_with("_key")
        || k == "transport_url"
        || k.ends_with("_transport_url")
        || k == "connection"
        || k.ends_with("_connection")
}

/// What a bundle file holds where a secret's value is not written.
pub fn placeholder(id: &str) -> String {
    format!("<<glha-secret:{id}>>")
}

/// Percent-encodes `s` for the userinfo of a URL (RFC 3986): unreserved
/// characters stay, every other byte of its UTF-8 form becomes `%XX`.
pub fn percent_encode_userinfo(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where a secret's value is written, which decides what it may hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Carrier {
    /// A parameter of the crm script (crmsh's quoting).
    Crm,
    /// A word of a shell script (the pcs commands).
    Shell,
    /// An oslo.config ini value.
    Ini,
    /// The percent-encoded userinfo of a URL (itself in an ini value).
    UrlUserinfo,
    /// The userinfo of an oslo.messaging transport URL. The rabbit driver
    /// (every oslo.messaging release, Ocata to 2026.2) decodes it, then
    /// rebuilds the URL for kombu with `urllib.parse.quote`, which leaves `/`
    /// unescaped: kombu then reads a wrong host, port or no credentials at
    /// all, and notifications fail or go elsewhere without an error.
    TransportUrl,
    /// A value of glance-swift.conf, which Python's configparser reads
    /// (`%` is doubled; see [`crate::emit::swift_conf`]).
    SwiftConf,
}

impl Carrier {
    /// What this carrier cannot hold, for help texts.
    pub fn limits(self) -> &'static str {
        match self {
            Carrier::Crm => "crmsh cannot carry control characters, non-ASCII characters, or a backslash before `\"`, before `\\` or at the end of a value",
            Carrier::Shell => "a shell word must not hold control characters",
            Carrier::Ini => "an ini value cannot hold control characters: a newline would start a new key",
            Carrier::UrlUserinfo => "glha refuses control characters in passwords, even where percent-encoding could carry them",
            Carrier::TransportUrl => "oslo.messaging's rabbit driver re-quotes the URL's credentials without escaping `/`, so kombu would read another host or port; and control characters are refused",
            Carrier::SwiftConf => "glance-swift.conf is read by Python's configparser, which strips whitespace around a value and (from glance_store 2.0.0 on) a pair of quotes around it: a value there cannot start with a quote, start or end with whitespace, or hold control characters",
        }
    }

    /// What the value is written into, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Carrier::Crm => "the crm script",
            Carrier::Shell => "the pcs script",
            Carrier::Ini => "an ini file",
            Carrier::UrlUserinfo => "a URL",
            Carrier::TransportUrl => "a RabbitMQ transport URL",
            Carrier::SwiftConf => "glance-swift.conf",
        }
    }

    /// The first character of `value` this carrier cannot hold exactly.
    /// Control characters are refused everywhere: a newline would start a
    /// new command, word or key, and no password legitimately has one.
    pub fn unrepresentable(self, value: &str) -> Option<char> {
        if let Some(c) = value.chars().find(|c| c.is_control()) {
            return Some(c);
        }
        match self {
            Carrier::Crm => crate::emit::crm_unrepresentable(value),
            Carrier::Shell => crate::emit::shell_unrepresentable(value),
            Carrier::Ini => crate::emit::ini_unrepresentable(value),
            Carrier::UrlUserinfo => None,
            Carrier::TransportUrl => value.chars().find(|&c| c == '/'),
            Carrier::SwiftConf => crate::emit::swift_conf::unrepresentable(value),
        }
    }
}

/// Why a secret cannot be used. Never holds the value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// Its environment variable is not set (or not UTF-8).
    EnvUnset(String),
    /// Its file cannot be read.
    FileUnreadable {
        /// The path.
        path: String,
        /// Why, as the OS says it.
        error: String,
    },
    /// A file it lands in cannot carry one of its characters.
    Unrepresentable {
        /// The file kind.
        carrier: Carrier,
        /// The character, described (`a newline`, `'é'`).
        what: String,
    },
    /// A value was supplied for an id the plan does not have.
    Unknown,
}

/// A secret that cannot be used: its id, its source, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecretError {
    /// The secret's id (`keystone.password`).
    pub id: String,
    /// Where its value comes from (`environment variable X`), if known.
    pub source: Option<String>,
    /// Where the spec refers to it, if known.
    pub span: Option<Span>,
    /// Why.
    pub problem: Problem,
}

impl std::fmt::Display for SecretError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let from = self
            .source
            .as_ref()
            .map(|s| format!(" (from {s})"))
            .unwrap_or_default();
        let id = &self.id;
        match &self.problem {
            Problem::EnvUnset(var) => {
                write!(f, "secret `{id}`: environment variable {var} is not set")
            }
            Problem::FileUnreadable { path, error } => {
                write!(f, "secret `{id}`: cannot read {path}: {error}")
            }
            Problem::Unrepresentable { carrier, what } => write!(
                f,
                "secret `{id}`{from} contains {what}, which {} cannot carry exactly",
                carrier.describe()
            ),
            Problem::Unknown => write!(f, "secret `{id}` is not used by this plan"),
        }
    }
}

impl std::error::Error for SecretError {}

/// The source of a secret as messages name it (never its value).
pub fn describe_source(s: &SecretSource) -> String {
    match s {
        SecretSource::Env(n) => format!("environment variable {n}"),
        SecretSource::File(p) => format!("file {p}"),
        SecretSource::Literal(_) => "the spec".to_string(),
    }
}

/// A character for messages: named when it is invisible.
fn describe_char(c: char) -> String {
    match c {
        '\n' => "a newline".into(),
        '\r' => "a carriage return".into(),
        '\t' => "a tab".into(),
        '\0' => "a NUL byte".into(),
        c if c.is_control() => format!("the control character U+{:04X}", c as u32),
        '\\' => "a backslash before `\"`, before `\\` or at the end".into(),
        '/' => "`/`".into(),
        ' ' => "a leading or trailing space".into(),
        '"' | '\'' => format!("a leading `{c}`"),
        c => format!("{c:?}"),
    }
}

/// Secret values by id. Built from the spec's literals, from the secrets'
/// env and file sources, or from values a library user supplies; whatever
/// the origin, [`check_values`] decides whether a plan can write them.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct SecretValues(BTreeMap<String, String>, Placeholders);

/// What rendering does with a secret that has no value.
#[derive(Clone, Copy, Default, PartialEq, Eq)]
enum Placeholders {
    /// The placeholder, and the value counts as unknown.
    #[default]
    Unknown,
    /// The placeholder, taken as the value itself (see
    /// [`SecretValues::placeholders_as_values`]).
    AsValues,
}

impl std::fmt::Debug for SecretValues {
    // The ids only: a value must not reach a log through `{:?}`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_set().entries(self.0.keys()).finish()
    }
}

impl SecretValues {
    /// No values: every secret stays a placeholder.
    pub fn none() -> Self {
        Self::default()
    }

    /// No values, and every secret's placeholder taken as its value: a
    /// merge then writes placeholders over whatever a live file holds, so
    /// a file `glhac apply` wrote (real values) masks back to exactly the
    /// file the plan reviewed (placeholders where the secrets go).
    pub fn placeholders_as_values() -> Self {
        SecretValues(BTreeMap::new(), Placeholders::AsValues)
    }

    /// Whether a secret without a value renders as a known value (its
    /// placeholder); see [`SecretValues::placeholders_as_values`].
    pub fn placeholders_are_values(&self) -> bool {
        self.1 == Placeholders::AsValues
    }

    /// Values by id, as a library user supplies them.
    pub fn from_map(map: BTreeMap<String, String>) -> Self {
        SecretValues(map, Placeholders::Unknown)
    }

    /// The values written in the spec itself.
    pub fn literals(refs: &[SecretRef]) -> Self {
        SecretValues(
            refs.iter()
                .filter_map(|s| match &s.source {
                    SecretSource::Literal(v) => Some((s.id.clone(), v.clone())),
                    _ => None,
                })
                .collect(),
            Placeholders::Unknown,
        )
    }

    /// Reads every secret from its source (env variable, first line of a
    /// file), literals included. Every secret that cannot be read is an
    /// error; all of them are returned, not just the first.
    pub fn resolve(refs: &[SecretRef]) -> Result<Self, Vec<SecretError>> {
        match Self::resolve_partial(refs) {
            (values, errors) if errors.is_empty() => Ok(values),
            (_, errors) => Err(errors),
        }
    }

    /// Like [`SecretValues::resolve`], but keeps the values that could be
    /// read beside the errors of those that could not: for a caller that
    /// needs only some of the secrets (apply writing some of the files).
    pub fn resolve_partial(refs: &[SecretRef]) -> (Self, Vec<SecretError>) {
        let mut out = BTreeMap::new();
        let mut errors = Vec::new();
        for s in refs {
            let value = match &s.source {
                SecretSource::Literal(v) => Ok(v.clone()),
                SecretSource::Env(var) => {
                    std::env::var(var).map_err(|_| Problem::EnvUnset(var.clone()))
                }
                SecretSource::File(path) => std::fs::read_to_string(path)
                    .map(|t| t.lines().next().unwrap_or("").to_string())
                    .map_err(|e| Problem::FileUnreadable {
                        path: path.clone(),
                        error: e.to_string(),
                    }),
            };
            match value {
                Ok(v) => {
                    out.insert(s.id.clone(), v);
                }
                Err(problem) => errors.push(SecretError {
                    id: s.id.clone(),
                    source: Some(describe_source(&s.source)),
                    span: s.span,
                    problem,
                }),
            }
        }
        (SecretValues(out, Placeholders::Unknown), errors)
    }

    /// The value of a secret, if supplied.
    pub fn get(&self, id: &str) -> Option<&str> {
        self.0.get(id).map(String::as_str)
    }

    /// Whether a value is supplied for `id`.
    pub fn contains(&self, id: &str) -> bool {
        self.0.contains_key(id)
    }

    /// Forgets the value of `id`; whether there was one.
    pub fn remove(&mut self, id: &str) -> bool {
        self.0.remove(id).is_some()
    }

    /// Adds the values of `other`, which win.
    pub fn extend(&mut self, other: SecretValues) {
        self.0.extend(other.0);
    }

    /// The ids supplied.
    pub fn ids(&self) -> impl Iterator<Item = &str> {
        self.0.keys().map(String::as_str)
    }
}

/// Where each secret of the plan is written: its id and every carrier.
pub fn uses(plan: &Plan) -> BTreeMap<String, BTreeSet<Carrier>> {
    let mut out: BTreeMap<String, BTreeSet<Carrier>> = BTreeMap::new();
    let mut add = |v: &Value, carriers: &[Carrier]| {
        for (id, how) in v.secret_parts() {
            let set = out.entry(id.to_string()).or_default();
            // Percent-encoded first, so the file only ever sees `%XX` and
            // unreserved characters.
            match how {
                Embedding::Raw => set.extend(carriers.iter().copied()),
                Embedding::Userinfo => {
                    set.insert(Carrier::UrlUserinfo);
                }
                Embedding::TransportUserinfo => {
                    set.insert(Carrier::TransportUrl);
                }
            }
        }
    };
    for p in &plan.pacemaker.primitives {
        for (_, v) in &p.params {
            add(v, &[Carrier::Crm, Carrier::Shell]);
        }
    }
    for f in &plan.ini {
        for s in &f.settings {
            for v in &s.values {
                add(v, &[Carrier::Ini]);
            }
        }
    }
    if let Some(conf) = plan.store.as_ref().and_then(|s| s.setup()?.swift.as_ref()) {
        for (_, v) in &conf.settings {
            add(v, &[Carrier::SwiftConf]);
        }
    }
    out
}

/// Checks every supplied value against every place the plan writes it.
/// Returns all problems (empty: the values are safe to write).
pub fn check_values(plan: &Plan, values: &SecretValues) -> Vec<SecretError> {
    let uses = uses(plan);
    let mut errors = Vec::new();
    for (id, value) in &values.0 {
        let secret = plan.secret(id);
        let error = |problem| SecretError {
            id: id.clone(),
            source: secret.map(|s| describe_source(&s.source)),
            span: secret.and_then(|s| s.span),
            problem,
        };
        let Some(carriers) = uses.get(id) else {
            if secret.is_none() {
                errors.push(error(Problem::Unknown));
            }
            continue;
        };
        for &carrier in carriers {
            if let Some(c) = carrier.unrepresentable(value) {
                errors.push(error(Problem::Unrepresentable {
                    carrier,
                    what: describe_char(c),
                }));
                break;
            }
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_rule_for_sensitive_names() {
        for k in [
            "password",
            "passwd",
            "os_password",
            "admin_passphrase",
            "client_secret",
            "auth_token",
            "application_credential_secret",
            "key",
            "swift_store_key",
            "transport_url",
            "notification_transport_url",
            "connection",
            "sql_connection",
            "PASSWD",
            "os-password",
        ] {
            assert!(is_sensitive_name(k), "{k}");
        }
        for k in [
            "username",
            "ipaddr",
            "key_file",
            "cert_file",
            "auth_url",
            "connection_debug",
            "bind_host",
            "pcmk_host_list",
            "monkey_patch",
        ] {
            assert!(!is_sensitive_name(k), "{k}");
        }
    }

    #[test]
    fn percent_encoding() {
        assert_eq!(percent_encode_userinfo("aZ09-._~"), "aZ09-._~");
        assert_eq!(percent_encode_userinfo("p@ss:w/d%"), "p%40ss%3Aw%2Fd%25");
        assert_eq!(percent_encode_userinfo("é"), "%C3%A9");
    }

    #[test]
    fn debug_shows_ids_only() {
        let v = SecretValues::from_map([("a.b".to_string(), "S3cr3t".to_string())].into());
        assert_eq!(format!("{v:?}"), "{\"a.b\"}");
    }

    #[test]
    fn carriers() {
        assert_eq!(Carrier::Ini.unrepresentable("a\"b'c\\d$e é"), None);
        assert_eq!(Carrier::Ini.unrepresentable("a\nb"), Some('\n'));
        assert_eq!(Carrier::Shell.unrepresentable("a\tb"), Some('\t'));
        assert_eq!(Carrier::Crm.unrepresentable("x\\\"y"), Some('\\'));
        assert_eq!(Carrier::Crm.unrepresentable("é"), Some('é'));
        assert_eq!(Carrier::UrlUserinfo.unrepresentable("/@:%é"), None);
        assert_eq!(Carrier::UrlUserinfo.unrepresentable("a\rb"), Some('\r'));
        assert_eq!(Carrier::TransportUrl.unrepresentable("pa/ss"), Some('/'));
        assert_eq!(Carrier::TransportUrl.unrepresentable("p@s:s%#? $"), None);
    }
}
