//! Spec → plan: the Pacemaker resources and constraints, the ini settings
//! by release, the catalog entries and the secrets they refer to.

mod balancer;
mod ini;
mod pacemaker;
mod store;

use balancer::balancer;
use ini::{consumer, glance_api};

use crate::diagnostic::Diagnostics;
use crate::model::{Mode, Param, Secret, Spec};
use crate::plan::*;

/// Lowers a checked spec. May add release-specific warnings.
pub fn lower(spec: &Spec, diags: &mut Diagnostics) -> Plan {
    let mut secrets = Secrets::default();
    let listeners = listener::listeners(spec);
    let pacemaker = pacemaker::pacemaker(spec, &mut secrets);
    let mut ini = Vec::new();
    match spec.service.mode {
        Mode::ActivePassive => ini.push(glance_api(spec, None, &listeners, &mut secrets, diags)),
        // Active/active: one complete file per node, each binding that
        // node's address. Release warnings are said once, not per node.
        Mode::ActiveActive => {
            for (i, n) in spec.nodes.iter().enumerate() {
                let mut quiet = Diagnostics::default();
                let d = if i == 0 { &mut *diags } else { &mut quiet };
                ini.push(glance_api(spec, Some(n), &listeners, &mut secrets, d));
            }
        }
    }
    for c in &spec.consumers {
        ini.push(consumer(spec, c, &listeners, diags));
    }
    let store = store::plan(spec, &mut secrets);
    // Each URL as the spec writes its host (a VIP's address or a DNS
    // name); the checker has made sure a listener serves it
    // (check/served.rs).
    let catalog = spec.endpoints.as_ref().map(|e| Catalog {
        service_name: e.service_name.clone(),
        service_type: "image".into(),
        region: e.region.value.clone(),
        endpoints: e
            .all()
            .into_iter()
            .map(|(interface, ep)| CatalogEndpoint {
                interface,
                url: ep.url(),
                resolves_to: match ep.host.ip {
                    Some(_) => None,
                    None => spec.vip_of(ep).map(|v| spec.vips[v].address),
                },
            })
            .collect(),
    });
    let balancer = balancer(spec, &listeners);
    Plan {
        release: spec.release,
        service: spec.service.name.value.clone(),
        pacemaker,
        ini,
        catalog,
        store,
        secrets: secrets.0,
        listeners,
        balancer,
    }
}

#[derive(Default)]
pub(super) struct Secrets(Vec<SecretRef>);

impl Secrets {
    /// Registers a secret under `id`; returns the id.
    fn add(&mut self, id: String, s: &Secret) -> String {
        let (source, span) = match s {
            Secret::Literal(t) => (SecretSource::Literal(t.value.clone()), t.span),
            Secret::Env(t) => (SecretSource::Env(t.value.clone()), t.span),
            Secret::File(t) => (SecretSource::File(t.value.clone()), t.span),
        };
        if !self.0.iter().any(|r| r.id == id) {
            self.0.push(SecretRef {
                id: id.clone(),
                source,
                span: Some(span),
            });
        }
        id
    }
    fn value(&mut self, id: String, s: &Secret) -> Value {
        Value::secret(self.add(id, s))
    }
    fn param(&mut self, id: String, p: &Param) -> Value {
        match p {
            Param::Text(t) => Value::plain(&t.value),
            Param::Secret(s) => self.value(id, s),
        }
    }
}

pub(super) fn mode_name(m: Mode) -> &'static str {
    match m {
        Mode::ActivePassive => "active/passive",
        Mode::ActiveActive => "active/active",
    }
}
