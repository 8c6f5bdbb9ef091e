//! Certificates and HAProxy sections for tests that run the real haproxy:
//! a self-signed PEM made with openssl, and a bundle's section with its
//! certificate paths pointed at it.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A self-signed certificate for `sans` (`IP:127.0.0.1`, `DNS:name`) in
/// `dir`: the PEM HAProxy serves (certificate, then key) and the
/// certificate alone, which is also the CA a client trusts.
pub struct SelfSigned {
    /// Certificate and private key, one file.
    pub pem: PathBuf,
    /// The certificate alone.
    pub ca: PathBuf,
}

/// Makes a [`SelfSigned`] with openssl (an EC key: quick to make).
pub fn self_signed(dir: &Path, sans: &[&str]) -> SelfSigned {
    std::fs::create_dir_all(dir).unwrap();
    let (key, ca, pem) = (
        dir.join("key.pem"),
        dir.join("ca.pem"),
        dir.join("site.pem"),
    );
    super::run_ok(
        Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt"])
            .arg("ec_paramgen_curve:prime256v1")
            .args(["-nodes", "-days", "2", "-subj", "/CN=glha-test"])
            .arg("-addext")
            .arg(format!("subjectAltName={}", sans.join(",")))
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&ca),
        "openssl req -x509",
    );
    let mut both = std::fs::read(&ca).unwrap();
    both.extend(std::fs::read(&key).unwrap());
    std::fs::write(&pem, both).unwrap();
    SelfSigned { pem, ca }
}

/// The `listen` section of a bundle's haproxy.cfg (its comment header
/// dropped), with every certificate path the plan names replaced by `pem`,
/// written as glha quotes it.
pub fn section_with_pem(
    bundle: &glha::bundle::Bundle,
    b: &glha::plan::Balancer,
    pem: &Path,
) -> String {
    let path = glha::emit::ini::files_path(None, &b.target);
    let mut text: String = bundle
        .get(&path)
        .unwrap_or_else(|| panic!("{path} in the bundle"))
        .lines()
        .skip_while(|l| !l.starts_with("listen "))
        .map(|l| format!("{l}\n"))
        .collect();
    let quoted = glha::emit::haproxy::quote(pem.to_str().expect("a UTF-8 path"));
    for cert in b.binds.iter().filter_map(|bd| bd.certificate.as_deref()) {
        text = text.replace(&glha::emit::haproxy::quote(cert), &quoted);
    }
    text
}
