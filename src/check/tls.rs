//! The `tls` block: the PEM HAProxy serves on the `https` endpoints and
//! the CA file the consumers trust.
//!
//! ```glha
//! tls {
//!   certificate = "/etc/haproxy/certs/glance.pem"   # certificate chain + key, on every node
//!   ca          = "/etc/ssl/certs/cloud-ca.pem"     # what nova and cinder trust (optional)
//! }
//! ```
//!
//! Both are paths the operator supplies on the nodes, never contents: the
//! bundle holds no key material. The certificate goes into haproxy.cfg
//! (`bind … ssl crt '<PATH>'`), the CA into nova.conf and cinder.conf.

use super::fields::Fields;
use super::services::single;
use super::values::{self, abs_path, required_text};
use crate::diagnostic::{codes, Diagnostic, Diagnostics};
use crate::model::{Text, Tls};

/// The `tls` block, if the spec has one and it is valid.
pub(crate) fn tls(top: &Fields, diags: &mut Diagnostics) -> Option<Tls> {
    let (labels, items, item) = single(top, "tls", diags)?;
    if let Some(l) = labels.first() {
        diags.push(
            Diagnostic::error(&codes::SYNTAX, l.span, "`tls` takes no name")
                .help("write `tls { certificate = \"/etc/haproxy/certs/glance.pem\" }`"),
        );
    }
    let f = Fields::new("tls", item, items, &crate::schema::TLS, diags);
    let certificate = required_text(
        &f,
        "certificate",
        "write the path of the PEM HAProxy serves (certificate chain and key), e.g. `certificate = \"/etc/haproxy/certs/glance.pem\"`",
        diags,
    )
    .filter(|t| path(t, "the certificate", diags));
    let ca = match f.value("ca") {
        None => Some(None),
        Some(_) => values::text(&f, "ca", diags)
            .filter(|t| path(t, "the CA file", diags))
            .map(Some),
    };
    let (certificate, ca) = (certificate?, ca?);
    if let Some(ca) = ca.as_ref().filter(|ca| ca.value == certificate.value) {
        diags.push(
            Diagnostic::error(
                &codes::CA_IS_KEY,
                ca.span,
                "`ca` names the certificate's PEM, which holds the private key",
            )
            .with_secondary(certificate.span, "HAProxy's certificate and key")
            .help("point `ca` at the CA certificate alone (e.g. \"/etc/ssl/certs/cloud-ca.pem\"): nova and cinder read it on every compute and volume node"),
        );
        return None;
    }
    Some(Tls {
        certificate,
        ca,
        span: item.key.span,
    })
}

/// An absolute path that haproxy.cfg (and the ini files) can carry.
/// HAProxy resolves a relative `crt` against the host's `crt-base`, and
/// consumers against their working directory: only an absolute path means
/// the same file everywhere.
fn path(t: &Text, what: &str, diags: &mut Diagnostics) -> bool {
    if let Some(c) = crate::emit::haproxy::haproxy_unrepresentable(&t.value) {
        // `values::text` refuses control characters already; this keeps the
        // rule of the file the path goes into next to the writer's.
        diags.push(
            Diagnostic::error(
                &codes::UNSAFE_VALUE,
                t.span,
                format!(
                    "{what} contains {}, which haproxy.cfg cannot carry",
                    c.escape_debug()
                ),
            )
            .help("rename the file: HAProxy reads a path on one line, without control characters"),
        );
        return false;
    }
    abs_path(t, diags)
}
