//! What answers on the VIPs, and TLS: the `listen` section's `bind` lines
//! (HAProxy in front) or glance-api's own bind on the VIPs, read back into
//! listeners; and the `tls` block from the PEM HAProxy serves (`bind …
//! ssl crt '<PEM>'`) and the CA file nova and cinder trust.

use super::cluster::{haproxy_section, proxied};
use super::write::{Item, Val};
use super::Ctx;
use crate::plan::Scheme;
use crate::release::settings::{exists, Setting};
use std::net::IpAddr;

/// One address and port that answers on a VIP.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Front {
    /// The address.
    pub address: IpAddr,
    /// The port.
    pub port: u16,
    /// Plain HTTP or TLS.
    pub scheme: Scheme,
    /// The PEM HAProxy serves, for TLS.
    pub certificate: Option<String>,
}

/// The words of a haproxy.cfg line as HAProxy splits them: at spaces and
/// tabs, `#` starting a comment, `\` escaping the next character, `'…'`
/// literal and `"…"` with `\` escapes. `None` for an unterminated quote.
pub(crate) fn haproxy_words(line: &str) -> Option<Vec<String>> {
    let mut words = Vec::new();
    let mut cur: Option<String> = None;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            ' ' | '\t' => words.extend(cur.take()),
            '#' if cur.is_none() => break,
            '\\' => cur.get_or_insert_with(String::new).push(chars.next()?),
            '\'' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '\'' => break,
                        x => w.push(x),
                    }
                }
            }
            '"' => {
                let w = cur.get_or_insert_with(String::new);
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => w.push(chars.next()?),
                        x => w.push(x),
                    }
                }
            }
            x => cur.get_or_insert_with(String::new).push(x),
        }
    }
    words.extend(cur);
    Some(words)
}

/// `ADDR:PORT`, IPv6 in brackets.
fn address_port(s: &str) -> Option<(IpAddr, u16)> {
    let (host, port) = s.rsplit_once(':')?;
    Some((
        host.trim_matches(['[', ']']).parse().ok()?,
        port.parse().ok()?,
    ))
}

/// The `bind` lines of the `listen` section: (address, port, PEM if TLS).
/// None when HAProxy is not in front of glance-api: a `listen` section
/// of that name then is not what glha writes.
fn binds(cx: &Ctx) -> Vec<Front> {
    let Some(section) = haproxy_section(cx).filter(|_| proxied(cx)) else {
        return Vec::new();
    };
    section
        .lines()
        .filter_map(|l| {
            let w = haproxy_words(l)?;
            if w.first().map(String::as_str) != Some("bind") {
                return None;
            }
            let (address, port) = address_port(w.get(1)?)?;
            let tls = w.iter().any(|x| x == "ssl");
            let certificate = w
                .iter()
                .position(|x| x == "crt")
                .and_then(|i| w.get(i + 1))
                .cloned();
            Some(Front {
                address,
                port,
                scheme: if tls { Scheme::Https } else { Scheme::Http },
                certificate: certificate.filter(|_| tls),
            })
        })
        .collect()
}

/// What answers on the VIPs: HAProxy's binds when it is in front, else
/// glance-api on every VIP at the service's port over plain HTTP.
pub(crate) fn fronts(cx: &Ctx) -> Vec<Front> {
    if proxied(cx) {
        return binds(cx);
    }
    let port = super::services::service_port(cx);
    cx.cluster
        .vips
        .iter()
        .map(|v| Front {
            address: v.ip,
            port,
            scheme: Scheme::Http,
            certificate: None,
        })
        .collect()
}

/// The CA file the consumers trust for the Image API: nova's (`[glance]
/// cafile`, `[ssl] ca_file` before Pike) and cinder's
/// (`glance_ca_certificates_file`), each with where it was found.
fn consumer_cas(cx: &Ctx) -> Vec<(String, String)> {
    let rel = cx.release;
    let nova = if exists(Setting::NovaGlanceCafile, rel) {
        ("glance", "cafile")
    } else {
        ("ssl", "ca_file")
    };
    let files = [
        (cx.nova, nova),
        (cx.cinder, ("DEFAULT", "glance_ca_certificates_file")),
    ];
    files
        .into_iter()
        .filter_map(|(f, (sec, key))| {
            let f = f?;
            let g = f.get(sec, key).filter(|g| !g.value.is_empty())?;
            Some((g.value.clone(), f.at(&g)))
        })
        .collect()
}

/// `tls { certificate ca }` from the TLS binds and the consumers' CA.
pub(crate) fn tls(cx: &mut Ctx) -> Vec<Item> {
    let place = "tls";
    let mut out = Vec::new();
    let tls_binds: Vec<Front> = binds(cx)
        .into_iter()
        .filter(|b| b.scheme == Scheme::Https)
        .collect();
    for b in tls_binds.iter().filter(|b| b.certificate.is_none()) {
        out.push(cx.not_expressed(
            place,
            format!("the TLS bind on {}:{} names no `crt PEM` (a crt-list, a default directory): glha serves one PEM file on every https bind", b.address, b.port),
        ));
    }
    let mut pems: Vec<String> = Vec::new();
    for pem in tls_binds.into_iter().filter_map(|b| b.certificate) {
        if !pems.contains(&pem) {
            pems.push(pem);
        }
    }
    let cas = consumer_cas(cx);
    let Some(pem) = pems.first().cloned() else {
        for (ca, at) in cas {
            out.push(cx.not_expressed(place, format!("{at} trusts {ca}, but HAProxy serves no TLS bind: a spec names a CA with the certificate it signed (`tls {{ certificate ca }}`)")));
        }
        return out;
    };
    for other in &pems[1..] {
        out.push(cx.not_expressed(
            place,
            format!("HAProxy also serves {other}: glha serves one PEM ({pem}) on every https bind"),
        ));
    }
    let mut body = vec![Item::attr("certificate", Val::str(&pem))];
    if let Some((ca, _)) = cas.first() {
        for (other, at) in cas.iter().filter(|(c, _)| c != ca) {
            out.push(cx.not_expressed(
                place,
                format!("{at} trusts {other}: glha gives nova and cinder one CA ({ca})"),
            ));
        }
        body.push(Item::attr("ca", Val::str(ca)));
    }
    out.push(Item::block("tls", &[], body));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The words as HAProxy reads them; glha's own quoting reads back.
    #[test]
    fn haproxy_words_unquote() {
        let pem = "/etc/haproxy/it's a #pem";
        let line = format!(
            "    bind 10.0.0.5:443 ssl crt {} # TLS",
            crate::emit::haproxy::quote(pem)
        );
        assert_eq!(
            haproxy_words(&line).unwrap(),
            ["bind", "10.0.0.5:443", "ssl", "crt", pem]
        );
        assert_eq!(
            haproxy_words(r#"a "b\"c" d\ e"#).unwrap(),
            ["a", "b\"c", "d e"]
        );
        assert!(haproxy_words("bind 'open").is_none());
        assert_eq!(
            address_port("[2001:db8::5]:9292"),
            Some(("2001:db8::5".parse().unwrap(), 9292))
        );
    }
}
