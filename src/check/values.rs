//! Checks of single values: addresses, ports, durations, text that goes
//! into generated files, secrets, references.

use super::fields::{wrong, Fields};
use super::Scope;
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::{self, Host, Secret, Text};
use crate::plan::Duration;
use crate::source::{SourceMap, Span};
use crate::syntax::{Value, ValueKind};
use std::net::IpAddr;
use std::sync::Arc;

/// Parses an address as written; reports why it is not one.
pub(crate) fn ip(addr: &str, span: Span, diags: &mut Diagnostics) -> Option<IpAddr> {
    match addr.parse::<IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) => {
            let mut d = Diagnostic::error(
                &codes::BAD_ADDRESS,
                span,
                format!("`{addr}` is not a valid IP address"),
            );
            if !addr.contains(':') {
                if let Some(bad) = addr.split('.').find(|p| p.parse::<u8>().is_err()) {
                    d = d.label(format!("`{bad}` is not 0 to 255"));
                }
                d = d.help("each of the four parts of an IPv4 address is a number from 0 to 255, e.g. 10.0.0.11");
            } else {
                d = d.help("write an IPv6 address such as 2001:db8::11");
            }
            diags.push(d);
            None
        }
    }
}

/// An address attribute without prefix (a node's).
pub(crate) fn plain_address(
    f: &Fields,
    key: &str,
    diags: &mut Diagnostics,
) -> Option<(IpAddr, Span)> {
    let v = f.value(key)?;
    match &v.kind {
        ValueKind::Address { addr, prefix } => {
            if let Some((_, ps)) = prefix {
                diags.push(
                    Diagnostic::error(
                        &codes::BAD_PREFIX,
                        *ps,
                        format!("`{key}` takes an address without a prefix"),
                    )
                    .help("remove `/…`; a prefix belongs to a VIP"),
                );
            }
            ip(addr, v.span, diags).map(|a| (a, v.span))
        }
        other => {
            diags.push(wrong(v.span, key, "an IP address such as 10.0.0.12", other));
            None
        }
    }
}

/// A port number.
pub(crate) fn port(f: &Fields, key: &str, diags: &mut Diagnostics) -> Option<u16> {
    if let Some(Value {
        kind: ValueKind::Huge(text),
        span,
    }) = f.value(key)
    {
        diags.push(
            Diagnostic::error(
                &codes::BAD_PORT,
                *span,
                format!("port {text} is out of range"),
            )
            .label("not 1 to 65535")
            .help("a TCP port is a number from 1 to 65535"),
        );
        return None;
    }
    let (n, span) = f.number(key, diags)?;
    match u16::try_from(n) {
        Ok(p) if p > 0 => Some(p),
        _ => {
            diags.push(
                Diagnostic::error(&codes::BAD_PORT, span, format!("port {n} is out of range"))
                    .label("not 1 to 65535")
                    .help("a TCP port is a number from 1 to 65535"),
            );
            None
        }
    }
}

/// A duration; a bare number, zero or one too long for Pacemaker is an
/// error.
pub(crate) fn duration(f: &Fields, key: &str, diags: &mut Diagnostics) -> Option<Duration> {
    let v = f.value(key)?;
    match &v.kind {
        ValueKind::Duration(0) => {
            diags.push(
                Diagnostic::error(&codes::BAD_DURATION, v.span, format!("`{key}` must be longer than zero"))
                    .help("Pacemaker reads a zero timeout as its default and a zero monitor interval as no monitor"),
            );
            None
        }
        // Pacemaker keeps durations as milliseconds in a 32-bit int.
        ValueKind::Duration(ms) => match Duration::from_ms(*ms) {
            Some(d) => Some(d),
            None => {
                diags.push(
                    Diagnostic::error(&codes::BAD_DURATION, v.span, format!("`{key}` is too long"))
                        .help("durations are limited to 24 days"),
                );
                None
            }
        },
        ValueKind::Int(n) => {
            diags.push(
                Diagnostic::error(
                    &codes::BAD_DURATION,
                    v.span,
                    format!("`{key}` needs a unit"),
                )
                .label("a number without a unit")
                .help(format!(
                    "write {n}s (seconds), {n}m (minutes) or {n}ms (milliseconds)"
                )),
            );
            None
        }
        other => {
            diags.push(wrong(v.span, key, "a duration such as 30s", other));
            None
        }
    }
}

/// The first character of `s` that no output file can carry safely: glha
/// refuses control characters (newline first of all) everywhere, because a
/// newline in a crm script, a shell script or an ini file starts a new
/// command or key.
pub fn unsafe_char(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_control())
}

/// Reports text that cannot be written safely.
pub(crate) fn safe(text: &str, span: Span, what: &str, diags: &mut Diagnostics) -> bool {
    match unsafe_char(text) {
        None => true,
        Some(c) => {
            diags.push(
                Diagnostic::error(&codes::UNSAFE_VALUE, span, format!("{what} contains {}, which cannot be written safely", c.escape_debug()))
                    .label("control character")
                    .help("remove the control character; a newline would start a new line in the crm script, the shell scripts and the ini files"),
            );
            false
        }
    }
}

/// Reports text that the crm script cannot carry although it has no control
/// character (those are [`safe`]'s): crmsh re-reads every object it parsed
/// and loses a backslash before `"` or `\\` or at the end, and its `load
/// update` mangles non-ASCII characters.
pub(crate) fn crm_safe(text: &str, span: Span, what: &str, diags: &mut Diagnostics) -> bool {
    match crate::emit::crm_unrepresentable(text) {
        None => true,
        Some(c) if c.is_control() => true,
        Some(c) => {
            let help = if c == '\\' {
                "crmsh cannot keep a backslash that precedes `\"` or another backslash or ends the value; change the value (for a password: use a secret without that sequence)"
            } else {
                "crmsh's `load update` turns non-ASCII characters into XML entities; use ASCII in values that go into the Pacemaker configuration"
            };
            diags.push(
                Diagnostic::error(
                    &codes::UNSAFE_VALUE,
                    span,
                    format!("{what} contains `{c}`, which the crm script cannot carry exactly"),
                )
                .label("goes into the Pacemaker configuration")
                .help(help),
            );
            false
        }
    }
}

/// A string attribute that goes into output files.
pub(crate) fn text(f: &Fields, key: &str, diags: &mut Diagnostics) -> Option<Text> {
    let (value, span) = f.string(key, diags)?;
    safe(&value, span, &format!("`{key}`"), diags).then_some(Text { value, span })
}

/// A required text attribute.
pub(crate) fn required_text(
    f: &Fields,
    key: &str,
    help: &str,
    diags: &mut Diagnostics,
) -> Option<Text> {
    if f.value(key).is_none() {
        f.missing(key, help, diags);
        return None;
    }
    text(f, key, diags)
}

/// How `KEY = WORD "text"` is written: `fencing = waived "reason"`,
/// `shared = external "how"`.
pub(crate) struct Reason<'a> {
    /// The key.
    pub(crate) key: &'a str,
    /// `waived` or `external`.
    pub(crate) word: &'a str,
    /// What the text is, for messages: `waiver`, `description`.
    pub(crate) noun: &'a str,
    /// The whole item, as an example to copy.
    pub(crate) example: &'a str,
    /// What else the key takes, for the help of a wrong value.
    pub(crate) instead: &'a str,
}

impl Reason<'_> {
    /// What the string says, as the help writes it: `waived "reason"`,
    /// `external "how"`.
    fn noun_hint(&self) -> &'static str {
        if self.word == "waived" {
            "reason"
        } else {
            "how"
        }
    }
}

/// The text of `KEY = WORD "text"`: it must have that form and not be
/// blank. The model shares the tree's string (see [`model::Reason`]).
pub(crate) fn reason(v: &Value, r: &Reason, diags: &mut Diagnostics) -> Option<model::Reason> {
    let text = match (&v.kind, r.word) {
        (ValueKind::Waiver(t), "waived") | (ValueKind::External(t), "external") => t,
        (other, _) => {
            diags.push(
                wrong(
                    v.span,
                    r.key,
                    &format!("`{} \"{}\"`", r.word, r.noun_hint()),
                    other,
                )
                .help(r.instead.to_string()),
            );
            return None;
        }
    };
    if text.trim().is_empty() && unsafe_char(text).is_none() {
        diags.push(
            Diagnostic::error(
                &codes::MISSING,
                v.span,
                format!("a {} {} needs a reason", r.key, r.noun),
            )
            .help(format!("say why, e.g. `{}`", r.example)),
        );
        return None;
    }
    safe(text, v.span, &format!("the {}", r.noun), diags).then(|| model::Reason {
        value: Arc::clone(text),
        span: v.span,
    })
}

/// A name that becomes part of a Pacemaker id or a file name.
pub(crate) fn id_like(name: &str, span: Span, diags: &mut Diagnostics) -> bool {
    let ok = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
    if !ok {
        diags.push(
            Diagnostic::error(
                &codes::BAD_VALUE,
                span,
                format!("`{name}` cannot be used as a Pacemaker id"),
            )
            .help("use letters, digits, `_`, `-` and `.`, starting with a letter"),
        );
    }
    ok
}

/// An absolute path (a config file).
pub(crate) fn abs_path(t: &Text, diags: &mut Diagnostics) -> bool {
    if !t.value.starts_with('/') || t.value.split('/').any(|c| c == "..") {
        diags.push(
            Diagnostic::error(
                &codes::BAD_VALUE,
                t.span,
                format!("`{}` is not an absolute path", t.value),
            )
            .help("write the full path, e.g. \"/etc/glance/glance-api.conf\", without `..`"),
        );
        return false;
    }
    true
}

/// A password attribute: a secret reference, or a literal (warned).
pub(crate) fn secret(
    f: &Fields,
    key: &str,
    sources: &mut SourceMap,
    diags: &mut Diagnostics,
) -> Option<Secret> {
    let v = f.value(key)?;
    match &v.kind {
        ValueKind::Secret { source, name } => {
            let t = Text {
                value: name.clone(),
                span: v.span,
            };
            if source == "env" {
                let ok = name
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
                if !ok {
                    diags.push(
                        Diagnostic::error(&codes::BAD_VALUE, v.span, format!("`{name}` is not an environment variable name"))
                            .help("use letters, digits and `_`, starting with a letter, e.g. GLANCE_DB_PASSWORD"),
                    );
                    return None;
                }
                Some(Secret::Env(t))
            } else {
                let ok = abs_path(&t, diags) && safe(name, v.span, "the secret's path", diags);
                ok.then_some(Secret::File(t))
            }
        }
        ValueKind::Str(s) => {
            sources.mark_secret(v.span);
            diags.push(
                Diagnostic::warning(&codes::PLAINTEXT_SECRET, v.span, format!("`{key}` is written in plain text in {}", f.what))
                    .label("the value lands in the bundle and in version control")
                    .help("use `secret env \"NAME\"` or `secret file \"/path\"`; the bundle then holds a placeholder"),
            );
            safe(s, v.span, &format!("`{key}`"), diags).then(|| {
                Secret::Literal(Text {
                    value: s.clone(),
                    span: v.span,
                })
            })
        }
        other => {
            diags.push(wrong(
                v.span,
                key,
                "a secret (secret env \"NAME\" or secret file \"/path\") or a string",
                other,
            ));
            None
        }
    }
}

/// A host: `vip.NAME`, an address, or a DNS name in a string.
pub(crate) fn host(v: &Value, key: &str, scope: &Scope, diags: &mut Diagnostics) -> Option<Host> {
    match &v.kind {
        ValueKind::Ref(_) => {
            let vip = scope.vip(v, diags)?;
            let addr = scope.vips[vip].address;
            Some(Host {
                name: addr.to_string(),
                ip: Some(addr),
                vip: Some(scope.vips[vip].name.value.clone()),
                span: v.span,
            })
        }
        ValueKind::Address { addr, prefix } => {
            if let Some((_, ps)) = prefix {
                diags.push(
                    Diagnostic::error(
                        &codes::BAD_PREFIX,
                        *ps,
                        format!("`{key}` takes a host, not a network"),
                    )
                    .help("remove `/…`"),
                );
            }
            let ip = ip(addr, v.span, diags)?;
            Some(Host {
                name: ip.to_string(),
                ip: Some(ip),
                vip: None,
                span: v.span,
            })
        }
        ValueKind::Str(s) => {
            let ok = !s.is_empty()
                && s.len() <= 253
                && s.split('.').all(|l| {
                    !l.is_empty()
                        && l.len() <= 63
                        && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                        && !l.starts_with('-')
                });
            if !ok {
                diags.push(
                    Diagnostic::error(&codes::BAD_VALUE, v.span, format!("`{s}` is not a host name"))
                        .help("write a VIP reference (vip.internal), an address (10.0.0.11) or a DNS name (\"db.example.org\")"),
                );
                return None;
            }
            Some(Host {
                name: s.clone(),
                ip: None,
                vip: None,
                span: v.span,
            })
        }
        other => {
            diags.push(wrong(
                v.span,
                key,
                "a VIP reference, an address or a host name",
                other,
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;

    /// The checked spec's reason is the tree's string itself, not a copy:
    /// a waiver can be as long as the spec.
    #[test]
    fn a_reason_shares_the_trees_string() {
        let text = Arc::new("fenced by the hypervisor".to_string());
        let v = Value {
            kind: ValueKind::Waiver(Arc::clone(&text)),
            span: Span::new(FileId(0), 0, 0),
        };
        let r = Reason {
            key: "fencing",
            word: "waived",
            noun: "waiver",
            example: "",
            instead: "",
        };
        let mut diags = Diagnostics::default();
        let got = reason(&v, &r, &mut diags).expect("a valid waiver");
        assert!(Arc::ptr_eq(&got.value, &text));
        assert!(!diags.has_errors());
    }
}
