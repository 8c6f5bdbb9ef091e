//! Hand-built plans for the emitter's tests.

use crate::plan::*;
use crate::release::Release;

fn op(name: &str, interval: &str, timeout: Option<&str>) -> Op {
    Op {
        name: name.into(),
        interval: interval.parse().unwrap(),
        timeout: timeout.map(|t| t.parse().unwrap()),
    }
}

fn p(s: &str) -> Value {
    Value::plain(s)
}

/// A plan shaped like the seed: VIP + glance-api in a group, a fencing
/// device kept off its own node, glance-api.conf with a URL secret, nova.conf
/// with a multi-valued key, three endpoints, an env and a literal secret.
pub(crate) fn seed() -> Plan {
    Plan {
        release: Release::Ocata,
        service: "glance-api".into(),
        pacemaker: Pacemaker {
            primitives: vec![
                Primitive {
                    id: "p_ip_glance-api".into(),
                    agent: "ocf:heartbeat:IPaddr2".parse().unwrap(),
                    params: vec![
                        ("ip".into(), p("10.0.0.11")),
                        ("cidr_netmask".into(), p("24")),
                    ],
                    meta: vec![],
                    ops: vec![op("monitor", "30s", None)],
                },
                Primitive {
                    id: "p_glance-api".into(),
                    agent: "ocf:openstack:glance-api".parse().unwrap(),
                    params: vec![
                        ("config".into(), p("/etc/glance/glance-api.conf")),
                        ("os_password".into(), Value::secret("keystone.password")),
                        ("os_username".into(), p("admin")),
                        ("os_tenant_name".into(), p("admin")),
                        ("os_auth_url".into(), p("http://10.0.0.11:5000/v2.0/")),
                    ],
                    meta: vec![],
                    ops: vec![op("monitor", "30s", Some("30s"))],
                },
                Primitive {
                    id: "st_controller1".into(),
                    agent: "stonith:fence_ipmilan".parse().unwrap(),
                    params: vec![
                        ("ip".into(), p("10.0.1.12")),
                        ("username".into(), p("admin")),
                        ("password".into(), Value::secret("ipmi.password")),
                        ("pcmk_host_list".into(), p("controller1")),
                    ],
                    meta: vec![],
                    ops: vec![op("monitor", "60s", None)],
                },
            ],
            groups: vec![Group {
                id: "g_glance-api".into(),
                members: vec!["p_ip_glance-api".into(), "p_glance-api".into()],
                meta: vec![],
            }],
            clones: vec![],
            locations: vec![Location {
                id: "l_st_controller1".into(),
                resource: "st_controller1".into(),
                node: "controller1".into(),
                score: Score::MinusInfinity,
            }],
            colocations: vec![],
            orders: vec![],
            properties: vec![("stonith-enabled".into(), "true".into())],
            comments: vec!["Active/passive glance-api on the internal VIP.".into()],
            live: Live::default(),
        },
        ini: vec![
            IniFile {
                service: ServiceKind::GlanceApi,
                node: None,
                target: "/etc/glance/glance-api.conf".into(),
                settings: vec![
                    IniSetting {
                        section: "database".into(),
                        key: "connection".into(),
                        values: vec![Value::Template(vec![
                            Part::Lit("mysql+pymysql://glance:".into()),
                            Part::UrlSecret("db.password".into()),
                            Part::Lit("@10.0.0.11/glance".into()),
                        ])],
                    },
                    IniSetting {
                        section: "DEFAULT".into(),
                        key: "bind_host".into(),
                        values: vec![p("10.0.0.11")],
                    },
                    IniSetting {
                        section: "oslo_messaging_notifications".into(),
                        key: "driver".into(),
                        values: vec![p("messagingv2")],
                    },
                ],
                remove: vec![(
                    "DEFAULT".into(),
                    "sql_connection".into(),
                    "deprecated alias of [database] connection".into(),
                )],
            },
            IniFile {
                service: ServiceKind::Nova,
                node: None,
                target: "/etc/nova/nova.conf".into(),
                settings: vec![IniSetting {
                    section: "glance".into(),
                    key: "api_servers".into(),
                    values: vec![p("http://10.0.0.11:9292"), p("http://10.0.0.12:9292")],
                }],
                remove: vec![],
            },
        ],
        catalog: Some(Catalog {
            service_name: "glance".into(),
            service_type: "image".into(),
            region: "RegionOne".into(),
            endpoints: vec![
                CatalogEndpoint {
                    interface: Interface::Public,
                    url: Url::parse("http://203.0.113.11:9292").unwrap(),
                    resolves_to: None,
                },
                CatalogEndpoint {
                    interface: Interface::Internal,
                    url: Url::parse("http://10.0.0.11:9292").unwrap(),
                    resolves_to: None,
                },
                CatalogEndpoint {
                    interface: Interface::Admin,
                    url: Url::parse("http://10.0.0.11:9292").unwrap(),
                    resolves_to: None,
                },
            ],
        }),
        secrets: vec![
            SecretRef {
                id: "db.password".into(),
                source: SecretSource::Env("GLANCE_DB_PASSWORD".into()),
                span: None,
            },
            SecretRef {
                id: "ipmi.password".into(),
                source: SecretSource::File("/etc/glha/ipmi.pw".into()),
                span: None,
            },
            SecretRef {
                id: "keystone.password".into(),
                source: SecretSource::Literal("secretsecret".into()),
                span: None,
            },
        ],
        listeners: vec![],
        balancer: None,
        store: None,
    }
}

/// Active/active: glance-api cloned, the VIP alone, a per-node file.
pub(crate) fn cloned() -> Plan {
    let mut plan = seed();
    let pm = &mut plan.pacemaker;
    pm.primitives[1].agent = "systemd:glance-api".parse().unwrap();
    pm.primitives[1].params.clear();
    pm.groups.clear();
    pm.clones.push(Clone {
        id: "cl_glance-api".into(),
        resource: "p_glance-api".into(),
        meta: vec![("interleave".into(), "true".into())],
    });
    pm.colocations.push(Colocation {
        id: "c_ip_with_glance".into(),
        resource: "p_ip_glance-api".into(),
        with: "cl_glance-api".into(),
        score: Score::Infinity,
    });
    pm.orders.push(Order {
        id: "o_glance_before_ip".into(),
        first: "cl_glance-api".into(),
        then: "p_ip_glance-api".into(),
        kind: OrderKind::Mandatory,
    });
    plan.ini.push(IniFile {
        service: ServiceKind::GlanceApi,
        node: Some("controller1".into()),
        target: "/etc/glance/glance-api.conf.d/bind.conf".into(),
        settings: vec![IniSetting {
            section: "DEFAULT".into(),
            key: "bind_host".into(),
            values: vec![p("10.0.0.12")],
        }],
        remove: vec![],
    });
    plan
}
