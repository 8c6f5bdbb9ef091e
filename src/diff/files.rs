//! The balancer's whole files and sections: active/active's sysctl file
//! (glha owns it whole) and HAProxy's `listen` section (glha owns that
//! section of haproxy.cfg). Compared line by line, ignoring comments, blank lines and
//! spacing; shown as a unified diff. Neither holds a secret.

use super::read;
use super::{under_root, unified, Compared, DiffError, FileReport, LiveInputs};
use crate::plan::{Balancer, Plan};

/// Lines that carry configuration: no comments or blank lines, spacing folded.
fn meaningful(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect()
}

/// HAProxy's section keywords: a section runs to the next one.
const SECTIONS: &[&str] = &[
    "global",
    "defaults",
    "frontend",
    "backend",
    "listen",
    "userlist",
    "peers",
    "resolvers",
    "program",
    "cache",
    "mailers",
    "http-errors",
    "ring",
];

/// The `listen NAME` section of a haproxy.cfg, as text, if present.
pub(crate) fn section(cfg: &str, name: &str) -> Option<String> {
    let mut out: Option<String> = None;
    for line in cfg.lines() {
        let first = line.split_whitespace().next().unwrap_or("");
        let starts_section = !line.starts_with([' ', '\t']) && SECTIONS.contains(&first);
        match &mut out {
            None if starts_section
                && line.split_whitespace().nth(1) == Some(name)
                && first == "listen" =>
            {
                out = Some(format!("{line}\n"));
            }
            Some(_) if starts_section => break,
            Some(s) => {
                s.push_str(line);
                s.push('\n');
            }
            None => {}
        }
    }
    out
}

/// `cfg` with its `listen NAME` section replaced by `section`, or with
/// `section` appended when it has none.
fn with_section(cfg: Option<&str>, name: &str, section_text: &str) -> String {
    let Some(cfg) = cfg else {
        return section_text.to_string();
    };
    let mut out = String::new();
    let mut lines = cfg.lines().peekable();
    let mut replaced = false;
    while let Some(line) = lines.next() {
        let mut words = line.split_whitespace();
        if !replaced
            && !line.starts_with([' ', '\t'])
            && words.next() == Some("listen")
            && words.next() == Some(name)
        {
            out.push_str(section_text);
            replaced = true;
            while let Some(next) = lines.peek() {
                let first = next.split_whitespace().next().unwrap_or("");
                if !next.starts_with([' ', '\t']) && SECTIONS.contains(&first) {
                    out.push('\n');
                    break;
                }
                lines.next();
            }
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    if !replaced {
        if !out.ends_with("\n\n") && !out.is_empty() {
            out.push('\n');
        }
        out.push_str(section_text);
    }
    out
}

/// The file apply writes for a target of the balancer: the whole sysctl
/// file, or haproxy.cfg with glha's section in place.
pub(crate) fn merged(
    plan: &Plan,
    b: &Balancer,
    target: &str,
    live: Option<&str>,
) -> Option<String> {
    if target == b.sysctl_target && !b.sysctl.is_empty() {
        Some(crate::emit::sysctl::render(plan, b).contents)
    } else if target == b.target {
        let haproxy = crate::emit::haproxy::render(plan, b).contents;
        Some(with_section(
            live,
            &b.name,
            &section(&haproxy, &b.name).unwrap_or_default(),
        ))
    } else {
        None
    }
}

/// The service of a balancer target: `sysctl` for the sysctl file,
/// `haproxy` for haproxy.cfg.
pub(crate) fn service_of(b: &Balancer, target: &str) -> &'static str {
    if target == b.sysctl_target {
        "sysctl"
    } else {
        "haproxy"
    }
}

fn report(
    target: &str,
    what: &str,
    live: Option<String>,
    planned: String,
    old_name: String,
) -> FileReport {
    let changed = live.as_deref().map(meaningful) != Some(meaningful(&planned));
    FileReport {
        target: target.to_string(),
        service: String::new(),
        what: what.to_string(),
        compared: Compared::Yes,
        changed,
        live_sha256: None,
        merged_sha256: None,
        unified_diff: if changed {
            unified(
                live.as_deref().unwrap_or(""),
                &planned,
                &old_name,
                &format!("b{target}"),
            )
        } else {
            String::new()
        },
    }
}

/// Compares the balancer's files with the live tree.
pub(crate) fn compare(
    plan: &Plan,
    b: &Balancer,
    live: &LiveInputs,
) -> Result<Vec<FileReport>, DiffError> {
    let haproxy = crate::emit::haproxy::render(plan, b).contents;
    let listen = section(&haproxy, &b.name).unwrap_or_default();
    let what_section = format!("section `listen {}`", b.name);
    // Active/passive has no sysctl file.
    let mut targets: Vec<(&String, &str)> = Vec::new();
    if !b.sysctl.is_empty() {
        targets.push((&b.sysctl_target, "sysctl file"));
    }
    targets.push((&b.target, what_section.as_str()));
    let Some(root) = &live.root else {
        return Ok(targets
            .into_iter()
            .map(|(t, w)| FileReport {
                target: t.clone(),
                service: service_of(b, t).to_string(),
                what: w.to_string(),
                compared: Compared::No("no --root".into()),
                changed: false,
                live_sha256: None,
                merged_sha256: None,
                unified_diff: String::new(),
            })
            .collect());
    };
    let text = |target: &str| -> Result<Option<String>, DiffError> {
        read::text_opt(&under_root(root, target))
    };
    let sha = |t: &Option<String>| t.as_deref().map(|t| super::sha256_hex(t.as_bytes()));
    let mut out = Vec::new();
    if !b.sysctl.is_empty() {
        let sysctl = crate::emit::sysctl::render(plan, b).contents;
        let live_sysctl = text(&b.sysctl_target)?;
        let old = if live_sysctl.is_some() {
            format!("a{}", b.sysctl_target)
        } else {
            "/dev/null".into()
        };
        let mut r = report(
            &b.sysctl_target,
            "sysctl file",
            live_sysctl.clone(),
            sysctl,
            old,
        );
        r.service = service_of(b, &b.sysctl_target).into();
        r.live_sha256 = sha(&live_sysctl);
        r.merged_sha256 = merged(plan, b, &b.sysctl_target, live_sysctl.as_deref())
            .map(|m| super::sha256_hex(m.as_bytes()));
        out.push(r);
    }
    let live_cfg = text(&b.target)?;
    let live_listen = live_cfg.as_deref().and_then(|cfg| section(cfg, &b.name));
    let old = if live_listen.is_some() {
        format!("a{}", b.target)
    } else {
        "/dev/null".into()
    };
    let mut r = report(&b.target, &what_section, live_listen, listen, old);
    r.service = service_of(b, &b.target).into();
    r.live_sha256 = sha(&live_cfg);
    r.merged_sha256 =
        merged(plan, b, &b.target, live_cfg.as_deref()).map(|m| super::sha256_hex(m.as_bytes()));
    out.push(r);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_listen_section_and_ignores_spacing_and_comments() {
        let cfg = "global\n    log stdout local0\n\nlisten other\n    bind :80\n\nlisten glance-api\n  bind 10.0.0.5:9292   \n    # a comment\n    mode http\nbackend b\n    server x 1.2.3.4:80\n";
        let s = section(cfg, "glance-api").unwrap();
        assert_eq!(
            meaningful(&s),
            vec!["listen glance-api", "bind 10.0.0.5:9292", "mode http"]
        );
        assert!(section(cfg, "missing").is_none());
        let r = report(
            "/etc/haproxy/haproxy.cfg",
            "x",
            Some(s.clone()),
            "listen glance-api\n    bind 10.0.0.5:9292\n    mode http\n".into(),
            "a".into(),
        );
        assert!(!r.changed);
        let r = report(
            "/etc/haproxy/haproxy.cfg",
            "x",
            Some(s),
            "listen glance-api\n    bind 10.0.0.6:9292\n    mode http\n".into(),
            "a".into(),
        );
        assert!(r.changed && r.unified_diff.contains("+    bind 10.0.0.6:9292"));
    }

    #[test]
    fn replaces_or_appends_the_section_and_keeps_the_rest() {
        let cfg = "global\n    log x\n\nlisten glance-api\n    bind 1.1.1.1:1\n\nlisten stats\n    bind :8404\n";
        let new = "listen glance-api\n    bind 2.2.2.2:2\n";
        let out = with_section(Some(cfg), "glance-api", new);
        assert_eq!(out, "global\n    log x\n\nlisten glance-api\n    bind 2.2.2.2:2\n\nlisten stats\n    bind :8404\n");
        assert_eq!(
            with_section(Some("global\n    log x\n"), "glance-api", new),
            "global\n    log x\n\nlisten glance-api\n    bind 2.2.2.2:2\n"
        );
        assert_eq!(with_section(None, "glance-api", new), new);
    }
}
