//! Checks that depend on the OpenStack release: everything a spec asks for
//! that its release lacks or has deprecated is reported here, at the spec's
//! own span, with the replacement in the help (lowering only picks names).

use crate::diagnostic::{codes, Diagnostic, Diagnostics, Severity};
use crate::model::{Discovery, Spec};
use crate::release::settings::{availability, data_releases, exists, row_of, Availability};
use crate::release::Release;

pub(crate) fn check(spec: &Spec, diags: &mut Diagnostics) {
    let rel = spec.release;
    if let Some(k) = &spec.keystone {
        if k.auth_url.value.trim_end_matches('/').ends_with("/v2.0") && rel >= Release::Queens {
            diags.push(
                Diagnostic::error(&codes::RELEASE_REMOVED, k.auth_url.span, format!("Keystone v2.0 is gone in {rel}"))
                    .label("a /v2.0 auth URL")
                    .help("Keystone removed the v2.0 API in Queens; use the v3 URL, e.g. replace /v2.0/ with /v3"),
            );
        }
    }
    if let Some(db) = &spec.database {
        // Python 3 only from Ussuri on (glance 20.0.0 dropped Python 2).
        if db.driver.value == "mysql" && rel >= Release::Ussuri {
            diags.push(
                Diagnostic::warning(&codes::MYSQLDB_DRIVER, db.driver.span, format!("`mysql://` needs the MySQLdb C driver, which OpenStack {rel} does not require"))
                    .label("makes the URL mysql://")
                    .help("write `driver = \"mysql+pymysql\"`: PyMySQL is the driver OpenStack installs and tests since Liberty and the only one on Python-3-only releases (Ussuri and later); see `glhac explain W0206`"),
            );
        }
    }
    for c in &spec.consumers {
        discovery(spec, c, diags);
    }
    no_option_data(spec, diags);
}

/// `discovery = catalog` before the release has it; `discovery =
/// api_servers` where the release has deprecated the fixed list.
fn discovery(spec: &Spec, c: &crate::model::Consumer, diags: &mut Diagnostics) {
    let rel = spec.release;
    let Some((d, span)) = c.discovery else {
        return;
    };
    let (service, api_servers, catalog) = crate::release::settings::consumer_settings(c.kind);
    match d {
        Discovery::Catalog if !exists(catalog, rel) => {
            let since = row_of(catalog).from;
            let r = row_of(catalog);
            diags.push(
                Diagnostic::error(&codes::RELEASE_REMOVED, span, format!("{service} in {rel} cannot find glance through the catalog"))
                    .label(format!("[{}] {} arrived in {since}", r.section, r.key))
                    .help(format!("catalog discovery needs {since} or later; write `discovery = api_servers` (glha then writes the internal endpoint URL into [{}] {})", row_of(api_servers).section, row_of(api_servers).key)),
            );
        }
        Discovery::ApiServers => {
            if let Availability::Deprecated(since) = availability(api_servers, rel) {
                let r = row_of(api_servers);
                let c = row_of(catalog);
                diags.push(
                    Diagnostic::warning(&codes::RELEASE_DEPRECATED, span, format!("{service} deprecated [{}] {} in {since}", r.section, r.key))
                        .label("a fixed list of glance URLs")
                        .help(format!("use the Keystone catalog: remove `discovery` (catalog is the default from {}) or write `discovery = catalog`; glha then writes [{}] {} = internal and region_name, so glance endpoints can move without touching {service}", c.from, c.section, c.key)),
                );
            }
        }
        Discovery::Catalog => {}
    }
}

/// The services glha writes files for in this spec.
fn services(spec: &Spec) -> Vec<&'static str> {
    let mut v = vec!["glance-api"];
    for c in &spec.consumers {
        let s = crate::release::settings::consumer_settings(c.kind).0.name();
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v
}

/// Where the names glha writes for `service` in `rel` come from, when the
/// release has no option data for it; `None` when it has.
pub fn interpolation(service: &str, rel: Release) -> Option<String> {
    let data: Vec<Release> = data_releases(service).into_iter().map(|(r, _)| r).collect();
    if data.contains(&rel) {
        return None;
    }
    let before = data.iter().copied().filter(|r| *r < rel).max();
    let after = data.iter().copied().filter(|r| *r > rel).min();
    Some(match (before, after) {
        (Some(b), Some(a)) => format!("{service}: interpolated between the data of {b} and {a}"),
        (Some(b), None) => format!("{service}: carried forward from the data of {b}"),
        (None, Some(a)) => {
            format!("{service}: from its sources and release notes; the oldest data is {a}'s")
        }
        (None, None) => format!("{service}: from its sources and release notes; no data at all"),
    })
}

/// N0207: the release has no option data for a service glha writes for.
fn no_option_data(spec: &Spec, diags: &mut Diagnostics) {
    let rel = spec.release;
    let lines: Vec<String> = services(spec)
        .into_iter()
        .filter_map(|s| interpolation(s, rel))
        .collect();
    if lines.is_empty() {
        return;
    }
    let missing: Vec<&str> = lines
        .iter()
        .map(|l| l.split(':').next().unwrap_or(""))
        .collect();
    let message = format!(
        "no option data for {} in {rel}; its option names were interpolated",
        missing.join(", ")
    );
    let mut d = match spec.release_span {
        Some(span) => Diagnostic::note(&codes::NO_OPTION_DATA, span, message)
            .label("option names not validated for this release"),
        None => Diagnostic::global(Severity::Note, &codes::NO_OPTION_DATA, message),
    };
    for l in lines {
        d = d.note_text(l);
    }
    diags.push(d.help(format!(
        "compare the bundle with {rel}'s sample configuration files before applying it; `glhac explain N0207` says how the names were chosen"
    )));
}
