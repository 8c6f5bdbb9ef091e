//! `files/<haproxy.cfg target>`: the one proxy section HAProxy needs for
//! glance-api in active/active, the same on every node.
//!
//! The file holds only that section (`listen <service>`), not a whole
//! haproxy.cfg: the operator merges it into the live file (Debian's
//! /etc/haproxy/haproxy.cfg, whose `global` and `defaults` sections set the
//! logging, the mode and the timeouts), like the ini files. HAProxy reads no
//! conf.d directory by default, so a separate file would need the unit's
//! command line changed.
//!
//! # Quoting
//!
//! HAProxy splits a line at spaces and tabs and treats `#` as a comment;
//! everything written here is an address, a port, a number, a word from a
//! fixed set or a Pacemaker-id-like name (letters, digits, `_`, `-`, `.`),
//! all checked before, so nothing needs quoting. [`haproxy_word`] still
//! refuses anything else, so a bug cannot add a directive.

use super::{generated_by, push_comment, FileSecrets, Out};
use crate::plan::{Balancer, Plan};
use std::net::IpAddr;

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

/// The section alone (what the conformance test wraps in a minimal
/// `global`/`defaults`).
pub fn section(b: &Balancer) -> String {
    let mut out = format!("listen {}\n", word(&b.name));
    for a in &b.binds {
        out.push_str(&format!("    bind {}\n", endpoint(*a, b.port)));
    }
    out.push_str("    mode http\n");
    out.push_str(&format!("    balance {}\n", word(&b.balance)));
    // X-Forwarded-For: with enable_proxy_headers_parsing glance-api sees
    // the client's address, not HAProxy's.
    out.push_str("    option forwardfor\n");
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
            endpoint(s.address, b.port),
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
             append this one; keep the file's global and defaults sections\n\
             (logging, timeouts). Then check: haproxy -c -f {}",
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
