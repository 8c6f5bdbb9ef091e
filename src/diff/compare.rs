//! Semantic comparison of the plan's Keystone catalog with the live one.
//! (The ini comparison is the merge in `ini`, the Pacemaker one is in
//! `pacemaker`.)

use super::endpoints::LiveEndpoint;
use super::{EndpointChange, EndpointKind};
use crate::plan::Catalog;

/// Compares the catalog with the live endpoint list: per interface in the
/// plan's region, create, update or unchanged; extra rows for the same
/// interface are duplicates to delete.
pub(crate) fn endpoints(cat: &Catalog, live: &[LiveEndpoint]) -> Vec<EndpointChange> {
    let mut out = Vec::new();
    let norm = |u: &str| u.trim_end_matches('/').to_string();
    for (iface, url) in &cat.endpoints {
        let rows: Vec<&LiveEndpoint> = live
            .iter()
            .filter(|e| {
                (e.service_type == cat.service_type
                    || (e.service_type.is_empty() && e.service_name == cat.service_name))
                    && e.region == cat.region
                    && e.interface == *iface
            })
            .collect();
        let keep = rows
            .iter()
            .position(|e| norm(&e.url) == norm(url))
            .unwrap_or(0);
        let change = |kind, e: Option<&LiveEndpoint>, command: Option<String>| EndpointChange {
            interface: iface.clone(),
            kind,
            id: e.map(|e| e.id.clone()),
            live_url: e.map(|e| e.url.clone()),
            url: url.clone(),
            command,
        };
        match rows.get(keep) {
            None => out.push(change(
                EndpointKind::Create,
                None,
                Some(format!(
                    "openstack endpoint create --region {} {} {} {}",
                    crate::emit::shell::quote(&cat.region),
                    crate::emit::shell::quote(&cat.service_type),
                    crate::emit::shell::quote(iface),
                    crate::emit::shell::quote(url)
                )),
            )),
            Some(e) => {
                let mut flags = Vec::new();
                if norm(&e.url) != norm(url) {
                    flags.push(format!("--url {}", crate::emit::shell::quote(url)));
                }
                if !e.enabled {
                    flags.push("--enable".to_string());
                }
                if flags.is_empty() {
                    out.push(change(EndpointKind::Unchanged, Some(e), None));
                } else {
                    let cmd = format!(
                        "openstack endpoint set {} {}",
                        flags.join(" "),
                        crate::emit::shell::quote(&e.id)
                    );
                    out.push(change(EndpointKind::Update, Some(e), Some(cmd)));
                }
            }
        }
        for (i, e) in rows.iter().enumerate() {
            if i != keep {
                let cmd = format!(
                    "openstack endpoint delete {}",
                    crate::emit::shell::quote(&e.id)
                );
                out.push(change(EndpointKind::DeleteDuplicate, Some(e), Some(cmd)));
            }
        }
    }
    out
}
