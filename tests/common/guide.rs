//! The lines the OpenStack HA guide (docs.openstack.org/ha-guide/
//! storage-ha-image.html) has its readers add by hand, shared by the tests
//! of the hosts they built.

/// The guide's lines in glance-api.conf's `[DEFAULT]`.
pub const GLANCE: &str = "\
# We have to use MySQL connection to store data:
sql_connection = mysql://glance:password@10.0.0.11/glance
# We bind OpenStack Image API to the VIP:
bind_host = 10.0.0.11
# Connect to OpenStack Image registry service:
registry_host = 10.0.0.11
# We send notifications to High Available RabbitMQ:
notifier_strategy = rabbit
rabbit_host = 10.0.0.11
";

/// The guide's line in nova.conf's `[glance]`: a bare address.
pub const NOVA: &str = "api_servers = 10.0.0.11\n";

/// `text` with `lines` added at the top of `[section]`.
pub fn with_lines(text: &str, section: &str, lines: &str) -> String {
    let header = format!("[{section}]\n");
    let at = text
        .find(&header)
        .unwrap_or_else(|| panic!("no [{section}] in the sample"));
    format!(
        "{}{header}{lines}{}",
        &text[..at],
        &text[at + header.len()..]
    )
}
