//! `files/<haproxy.cfg target>`: the one proxy section HAProxy needs in
//! front of glance-api, the same on every node (active/active: balancing
//! to every node's glance-api; active/passive: to the group's own, on the
//! loopback).
//!
//! The file holds only that section (`listen <service>`), not a whole
//! haproxy.cfg: the operator merges it into the live file (Debian's
//! /etc/haproxy/haproxy.cfg), like the ini files. HAProxy reads no conf.d
//! directory by default, so a separate file would need the unit's command
//! line changed. The section depends on nothing in `defaults` but a log
//! target in `global` (`log global`): it sets its own mode and timeouts, so
//! `haproxy -c` is silent on it whatever the host's defaults say.
//!
//! # Quoting
//!
//! HAProxy splits a line at spaces and tabs and treats `#` as a comment.
//! Addresses, ports, numbers, words from a fixed set and Pacemaker-id-like
//! names (letters, digits, `_`, `-`, `.`) are checked before and written
//! as they are; [`haproxy_word`] still refuses anything else, so a bug
//! cannot add a directive. A certificate path, the one free text, is
//! written in strong quotes ([`quote`]).

use super::{generated_by, push_comment, FileSecrets, Out};
use crate::plan::{Balancer, Bind, Plan};
use std::net::IpAddr;

/// The first character of `s` that a haproxy.cfg word cannot carry, even
/// quoted: HAProxy reads one line per directive, and inside `'…'` (the
/// quoting glha writes, [`quote`]) no escape sequence is read, so control
/// characters (a newline first of all) cannot be written at all.
pub fn haproxy_unrepresentable(s: &str) -> Option<char> {
    s.chars().find(|c| c.is_control())
}

/// `s` as one haproxy.cfg word in strong quotes: `'…'`, each `'` written
/// `'\''` (close, escaped quote, reopen), which HAProxy joins into one
/// word. Inside `'…'` nothing else is special: spaces, `#`, `"`, `\` and
/// `$` are literal.
pub fn quote(s: &str) -> String {
    assert!(
        haproxy_unrepresentable(s).is_none(),
        "glha bug: unchecked control character in haproxy.cfg text {s:?}"
    );
    format!("'{}'", s.replace('\'', "'\\''"))
}

/// Whether `s` may be written as one HAProxy word unquoted.
pub fn haproxy_word(s: &str) -> bool {
    !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | ':' | '/'))
}

fn word(s: &str) -> &str {
    assert!(
        haproxy_word(s),
        "glha bug: unchecked text {s:?} in haproxy.cfg"
    );
    s
}

/// `addr:port`, IPv6 in brackets.
fn endpoint(a: IpAddr, port: u16) -> String {
    match a {
        IpAddr::V4(v4) => format!("{v4}:{port}"),
        IpAddr::V6(v6) => format!("[{v6}]:{port}"),
    }
}

/// `bind ADDR:PORT`, with `ssl crt '<PEM>'` for TLS.
fn bind(b: &Bind) -> String {
    match &b.certificate {
        None => format!("    bind {}\n", endpoint(b.address, b.port)),
        Some(pem) => format!(
            "    bind {} ssl crt {}\n",
            endpoint(b.address, b.port),
            quote(pem)
        ),
    }
}

/// `X-Forwarded-Proto` as the client's connection has it, replacing any
/// the client sent: per bind when some are TLS and some not.
fn forwarded_proto(binds: &[Bind]) -> String {
    let tls = binds.iter().filter(|b| b.certificate.is_some()).count();
    let line = |proto: &str, cond: &str| {
        format!("    http-request set-header X-Forwarded-Proto {proto}{cond}\n")
    };
    if tls == binds.len() {
        line("https", "")
    } else if tls == 0 {
        line("http", "")
    } else {
        line("https", " if { ssl_fc }") + &line("http", " if !{ ssl_fc }")
    }
}

/// The section alone (what the conformance tests wrap in a `global`).
pub fn section(b: &Balancer) -> String {
    let mut out = format!("listen {}\n", word(&b.name));
    for bd in &b.binds {
        out.push_str(&bind(bd));
    }
    out.push_str("    mode http\n");
    out.push_str("    log global\n");
    out.push_str("    option httplog\n");
    let t = &b.timeouts;
    for (name, d) in [
        ("client", t.client),
        ("server", t.server),
        ("connect", t.connect),
        ("http-request", t.http_request),
    ] {
        out.push_str(&format!("    timeout {name} {}\n", word(&d.haproxy())));
    }
    // glance-api trusts these headers (enable_proxy_headers_parsing): only
    // HAProxy may set them. `Forwarded` would override all the others.
    out.push_str("    # glance-api trusts the forwarding headers: only HAProxy sets them\n");
    for h in [
        "Forwarded",
        "X-Forwarded-Host",
        "X-Forwarded-Prefix",
        "X-Forwarded-For",
    ] {
        out.push_str(&format!("    http-request del-header {h}\n"));
    }
    out.push_str(&forwarded_proto(&b.binds));
    // X-Forwarded-For: the client's address, which glance-api logs.
    out.push_str("    option forwardfor\n");
    // A request that meets a glance-api that just died goes to another one
    // instead of failing until the health checks mark it down.
    out.push_str(&format!("    retries {}\n", b.retries));
    out.push_str("    option redispatch 1\n");
    out.push_str(&format!("    balance {}\n", word(&b.balance)));
    // oslo.middleware's healthcheck sits before authentication in every
    // glance-api paste pipeline since Newton: 200 while the node serves.
    out.push_str(&format!("    option httpchk GET {}\n", word(&b.check_path)));
    out.push_str(&format!(
        "    http-check expect status {}\n",
        b.check_status
    ));
    for s in &b.servers {
        out.push_str(&format!(
            "    server {} {} check inter {} rise {} fall {}\n",
            word(&s.name),
            endpoint(s.address, s.port),
            word(&b.check_interval.haproxy()),
            b.rise,
            b.fall
        ));
    }
    out
}

/// Renders the section file.
pub(crate) fn render(plan: &Plan, b: &Balancer) -> Out {
    let mut out = String::new();
    push_comment(&mut out, &generated_by(plan));
    push_comment(
        &mut out,
        &format!(
            "The `{}` section of {}, the same on every node.\n\
             Merge it: replace a section of that name already in the file, else\n\
             append this one; keep the rest of the file. The section needs only a\n\
             log target in the global section. Then check: haproxy -c -f {}",
            b.name, b.target, b.target
        ),
    );
    out.push('\n');
    out.push_str(&section(b));
    Out {
        path: super::ini::files_path(None, &b.target),
        contents: out,
        script: false,
        target: Some(b.target.clone()),
        secrets: FileSecrets::default(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words() {
        assert!(haproxy_word("glance-api"));
        assert!(haproxy_word("/healthcheck"));
        assert!(!haproxy_word("a b"));
        assert!(!haproxy_word("a#b"));
        assert!(!haproxy_word(""));
        assert_eq!(
            endpoint("2001:db8::11".parse().unwrap(), 9292),
            "[2001:db8::11]:9292"
        );
    }
}
