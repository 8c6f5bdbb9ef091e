//! The live Keystone catalog, read from `openstack endpoint list -f json`.

pub(crate) use crate::plan::catalog::LiveEndpoint;

/// Reads the JSON list; column names as the client prints them (`ID`,
/// `Service Type`) or as the API spells them (`id`, `service_type`).
pub(crate) fn read(text: &str) -> Result<Vec<LiveEndpoint>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let rows = v.as_array().ok_or("expected a JSON list of endpoints")?;
    let mut out = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let get = |names: &[&str]| -> Option<String> {
            names
                .iter()
                .find_map(|k| row.get(*k))
                .and_then(|x| match x {
                    serde_json::Value::String(s) => Some(s.clone()),
                    serde_json::Value::Null => Some(String::new()),
                    _ => None,
                })
        };
        let need =
            |names: &[&str]| get(names).ok_or_else(|| format!("endpoint #{n}: no `{}`", names[0]));
        let enabled = ["Enabled", "enabled"]
            .iter()
            .find_map(|k| row.get(*k))
            .and_then(serde_json::Value::as_bool)
            .unwrap_or(true);
        out.push(LiveEndpoint {
            id: need(&["ID", "id"])?,
            region: get(&["Region", "region", "region_id"]).unwrap_or_default(),
            service_name: get(&["Service Name", "service_name"]).unwrap_or_default(),
            service_type: get(&["Service Type", "service_type"]).unwrap_or_default(),
            interface: need(&["Interface", "interface"])?,
            url: need(&["URL", "url"])?,
            enabled,
        });
    }
    Ok(out)
}

/// Digest of the live endpoints of the catalog's service (every region and
/// interface, as the reconciliation could look at them): sha256 of their
/// canonical JSON, sorted by id. Other services' endpoints do not count:
/// a new compute endpoint does not make an image plan stale. The same
/// rows in another order or spacing have the same digest.
pub(crate) fn digest(cat: &crate::plan::Catalog, rows: &[LiveEndpoint]) -> String {
    let mut ours: Vec<&LiveEndpoint> = rows
        .iter()
        .filter(|e| {
            e.service_type == cat.service_type
                || (e.service_type.is_empty() && e.service_name == cat.service_name)
        })
        .collect();
    ours.sort_by(|a, b| a.id.cmp(&b.id));
    let json = serde_json::to_string(&ours).expect("endpoints serialize");
    super::sha256_hex(json.as_bytes())
}

/// The ids of the services of type `kind` in `openstack service list -f
/// json` output (columns `ID`, `Type`, as the client prints them, or `id`,
/// `type`).
pub(crate) fn services_of_type(text: &str, kind: &str) -> Result<Vec<String>, String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let rows = v.as_array().ok_or("expected a JSON list of services")?;
    let mut out = Vec::new();
    for (n, row) in rows.iter().enumerate() {
        let get = |names: &[&str]| {
            names
                .iter()
                .find_map(|k| row.get(*k))
                .and_then(serde_json::Value::as_str)
                .map(str::to_string)
        };
        let id = get(&["ID", "id"]).ok_or_else(|| format!("service #{n}: no `ID`"))?;
        if get(&["Type", "type"]).as_deref() == Some(kind) {
            out.push(id);
        }
    }
    Ok(out)
}
