//! `keystone/endpoints.sh`: makes the catalog hold exactly the planned
//! Image API endpoints, safely re-runnable (see the template).
//!
//! Every value from the plan is a single-quoted shell word; the template
//! only uses them through double-quoted variables.

use super::shell::single_quote;
use super::{generated_by, push_comment, FileSecrets, Out, ENDPOINTS_PATH};
use crate::plan::{Catalog, Plan};
use serde::Serialize;

#[derive(Serialize)]
struct Endpoint {
    interface: String,
    url: String,
}

#[derive(Serialize)]
struct Data {
    header: String,
    service_name: String,
    service_type: String,
    region: String,
    description: String,
    endpoints: Vec<Endpoint>,
}

/// Renders the endpoint script.
pub(crate) fn render(plan: &Plan, cat: &Catalog) -> Out {
    let mut header = String::new();
    push_comment(&mut header, &generated_by(plan));
    let data = Data {
        header,
        service_name: single_quote(&cat.service_name),
        service_type: single_quote(&cat.service_type),
        region: single_quote(&cat.region),
        description: single_quote(crate::plan::catalog::SERVICE_DESCRIPTION),
        endpoints: cat
            .endpoints
            .iter()
            .map(|e| Endpoint {
                interface: single_quote(e.interface.as_str()),
                url: single_quote(&e.url.to_string()),
            })
            .collect(),
    };
    let contents = super::template::templates()
        .render(super::template::ENDPOINTS, &data)
        .expect("the embedded endpoints template renders");
    Out {
        path: ENDPOINTS_PATH.to_string(),
        contents,
        script: true,
        target: None,
        secrets: FileSecrets::default(),
    }
}
