//! `files/etc/sysctl.d/60-glha-<service>.conf`: the kernel settings every
//! node needs in active/active. HAProxy binds each VIP on every node, also
//! on the nodes the VIP is not up on, which Linux allows only with
//! `ip_nonlocal_bind`. A whole file (nothing to merge), loaded with
//! `sysctl -p FILE` now and by systemd-sysctl at boot.

use super::{generated_by, push_comment, FileSecrets, Out};
use crate::plan::{Balancer, Plan};

/// Renders the sysctl file.
pub(crate) fn render(plan: &Plan, b: &Balancer) -> Out {
    let mut out = String::new();
    push_comment(&mut out, &generated_by(plan));
    push_comment(
        &mut out,
        &format!(
            "Install on every node as {}\n\
             and load it: sysctl -p {}\n\
             HAProxy binds the VIPs on every node, also where a VIP is not up.",
            b.sysctl_target, b.sysctl_target
        ),
    );
    for (k, v) in &b.sysctl {
        out.push_str(&format!("{k} = {v}\n"));
    }
    Out {
        path: super::ini::files_path(None, &b.sysctl_target),
        contents: out,
        script: false,
        target: Some(b.sysctl_target.clone()),
        secrets: FileSecrets::default(),
    }
}
