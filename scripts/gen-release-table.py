#!/usr/bin/env python3
"""Generate src/release/generated.rs from the option dumps in tests/data/.

For every release that has option data and every option glha manages, the
generated table says whether the release knows the option, whether it is
deprecated for removal, or whether the name survives only as a deprecated
alias of another option. Run from anywhere:

    python3 scripts/gen-release-table.py            # rewrite the file
    python3 scripts/gen-release-table.py --check    # exit 1 if it is stale

Needs Python 3 and PyYAML (python3-yaml). The output is deterministic.
"""

import argparse
import json
import os
import re
import sys

import yaml

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import known_options  # noqa: E402  (beside this script: src/release/known.rs)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DATA_DIR = os.path.join(ROOT, "tests", "data", "openstack-options")
OUTPUT = os.path.join(ROOT, "src", "release", "generated.rs")

# (service, release, version, option data file, files cross-checked against it)
# Oldest first within each service. A release listed here is one glha has
# evidence for; releases without data are not in the table at all.
RELEASES = [
    ("glance-api", "ocata", "14.0.0", "glance-api-tag14.0.0-sample.opts.yaml", []),
    ("glance-api", "queens", "16.0.0", "glance-api-tag16.0.0-sample.opts.yaml", []),
    ("glance-api", "rocky", "17.0.0", "glance-api-tag17.0.0-sample.opts.yaml", []),
    ("glance-api", "ussuri", "20.0.0", "glance-api-tag20.0.0-sample.opts.yaml", []),
    ("glance-api", "victoria", "21.1.0", "glance-api-victoria-21.1.0.opts.yaml", []),
    (
        "glance-api",
        "zed",
        "25.1.0",
        "glance-api-zed-25.1.0.opts.yaml",
        ["glance-api-tag25.0.0-sample.opts.yaml"],
    ),
    ("glance-api", "2024.1", "28.2.0", "glance-api-2024.1-28.2.0.opts.yaml", []),
    ("glance-api", "2025.1", "30.0.0", "glance-api-tag30.0.0-sample.opts.yaml", []),
    ("glance-api", "2025.2", "31.1.0", "glance-api-2025.2-31.1.0.opts.yaml", []),
    ("glance-api", "2026.1", "32.0.0", "glance-api-2026.1-32.0.0.opts.yaml", []),
    ("glance-api", "2026.2", "33.0.0", "glance-api-2026.2-33.0.0.opts.yaml", []),
    ("nova", "zed", "26.2.2", "nova-zed-26.2.2.opts.json", []),
    ("nova", "2025.2", "32.2.1", "nova-2025.2-32.2.1.opts.yaml", []),
    ("cinder", "zed", "21.3.1", "cinder-zed-21.3.1.opts.json", []),
    ("cinder", "2025.2", "27.0.0", "cinder-2025.2-27.0.0.opts.yaml", []),
]

KEYSTONE_AUTHTOKEN = [
    "www_authenticate_uri",
    "auth_uri",
    "auth_url",
    "auth_type",
    "username",
    "password",
    "project_name",
    "user_domain_name",
    "project_domain_name",
    "region_name",
    "memcached_servers",
    "identity_uri",
    "admin_user",
    "admin_password",
    "admin_tenant_name",
]

# The image store (issue 10). Single-store releases write the options of
# the chosen backend in [glance_store]; multi-store releases (those whose
# data has [DEFAULT] enabled_backends) write them in a section named after
# the store, whose options are those of the store type's own group in the
# same dump. Both are recorded: [glance_store] KEY and [GROUP] KEY.
STORE_CORE = ["stores", "default_store"]
STORE_OPTIONS = {
    "file": ["filesystem_store_datadir"],
    "glance.store.rbd.store": [
        "rbd_store_pool",
        "rbd_store_user",
        "rbd_store_ceph_conf",
        "rbd_store_chunk_size",
    ],
    "glance.store.swift.store": [
        "swift_store_config_file",
        "default_swift_reference",
        "swift_store_container",
        "swift_store_create_container_on_put",
        "swift_store_region",
    ],
}

# (service, section, key) in the order the table lists them.
MANAGED = (
    [
        ("glance-api", "DEFAULT", "sql_connection"),
        ("glance-api", "database", "connection"),
        ("glance-api", "DEFAULT", "bind_host"),
        ("glance-api", "DEFAULT", "bind_port"),
        ("glance-api", "DEFAULT", "registry_host"),
        ("glance-api", "DEFAULT", "registry_port"),
        ("glance-api", "DEFAULT", "notifier_strategy"),
        ("glance-api", "DEFAULT", "rabbit_host"),
        ("glance-api", "oslo_messaging_rabbit", "rabbit_host"),
        ("glance-api", "oslo_messaging_rabbit", "rabbit_hosts"),
        ("glance-api", "DEFAULT", "transport_url"),
        ("glance-api", "oslo_messaging_notifications", "driver"),
        ("glance-api", "DEFAULT", "public_endpoint"),
        ("glance-api", "DEFAULT", "worker_self_reference_url"),
        ("glance-api", "oslo_middleware", "enable_proxy_headers_parsing"),
        ("glance-api", "paste_deploy", "flavor"),
    ]
    + [("glance-api", "keystone_authtoken", k) for k in KEYSTONE_AUTHTOKEN]
    + [
        ("glance-api", "DEFAULT", "enabled_backends"),
        ("glance-api", "glance_store", "default_backend"),
    ]
    + [("glance-api", "glance_store", k) for k in STORE_CORE]
    + [("glance-api", "glance_store", k) for keys in STORE_OPTIONS.values() for k in keys]
    + [("glance-api", group, k) for group, keys in STORE_OPTIONS.items() for k in keys]
    + [
        ("glance-api", "glance_store", "swift_store_auth_version"),
        ("glance-api", "DEFAULT", "node_staging_uri"),
        ("glance-api", "task", "work_dir"),
        ("nova", "glance", "api_servers"),
        ("nova", "glance", "valid_interfaces"),
        ("nova", "glance", "region_name"),
        ("nova", "glance", "endpoint_override"),
        ("nova", "glance", "cafile"),
        ("nova", "ssl", "ca_file"),
        ("cinder", "DEFAULT", "glance_api_servers"),
        ("cinder", "DEFAULT", "glance_catalog_info"),
        ("cinder", "DEFAULT", "glance_ca_certificates_file"),
    ]
)


# [keystone_authtoken] options that no option dump lists, because they are
# registered at runtime by the authentication plugin keystonemiddleware loads
# (oslo-config-validator skips this section for that reason). Facts checked
# in keystoneauth1 5.0.0 and keystonemiddleware 10.1.0 (Debian 12, Zed).
_PASSWORD = (
    "keystoneauth1 'password' plugin option, registered at runtime when "
    "auth_type = password; not in any option dump"
)
_LEGACY = (
    "keystonemiddleware legacy admin-credential option, registered at runtime "
    "when auth_type is unset; deprecated since Mitaka, still read in Zed "
    "(keystonemiddleware 10.1.0); not in any option dump"
)
PLUGIN_OPTIONS = {
    ("keystone_authtoken", "auth_url"): _PASSWORD,
    ("keystone_authtoken", "username"): _PASSWORD,
    ("keystone_authtoken", "password"): _PASSWORD,
    ("keystone_authtoken", "project_name"): _PASSWORD,
    ("keystone_authtoken", "user_domain_name"): _PASSWORD,
    ("keystone_authtoken", "project_domain_name"): _PASSWORD,
    ("keystone_authtoken", "identity_uri"): _LEGACY,
    ("keystone_authtoken", "admin_user"): _LEGACY,
    ("keystone_authtoken", "admin_password"): _LEGACY,
    ("keystone_authtoken", "admin_tenant_name"): _LEGACY,
}


def load(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith(".json"):
            return json.load(f)
        return yaml.safe_load(f)


def is_full(data):
    """Full dumps carry generator_options and per-option metadata."""
    return "generator_options" in data


def norm(name):
    """oslo.config reads an option from a file by its dest (dashes become
    underscores), so compare names that way."""
    return (name or "").replace("-", "_")


def one_line(text):
    return re.sub(r"\s+", " ", (text or "")).strip()


def find_option(data, section, key):
    for opt in data["options"].get(section, {}).get("opts", []):
        if norm(opt.get("dest") or opt["name"]) == key or norm(opt["name"]) == key:
            return opt
    return None


def find_alias(data, section, key):
    """Return (group, dest) of the option that (section, key) is a deprecated
    alias of, or None. Looks at every option's deprecated_opts (full dumps)
    and at the deprecated_options map (both formats)."""
    hits = set()
    for group, gdata in data["options"].items():
        for opt in gdata.get("opts", []):
            for dep in opt.get("deprecated_opts") or []:
                dgroup = dep.get("group") or group
                dname = norm(dep.get("name") or opt.get("dest") or opt["name"])
                if (dgroup, dname) == (section, key):
                    hits.add((group, norm(opt.get("dest") or opt["name"])))
    for dep in (data.get("deprecated_options") or {}).get(section, []) or []:
        if norm(dep["name"]) == key:
            hits.add((dep["replacement_group"], norm(dep["replacement_name"])))
    hits.discard((section, key))  # "renamed to itself" entries are no alias
    if len(hits) > 1:
        sys.exit(f"ambiguous alias {section}/{key}: {sorted(hits)}")
    return hits.pop() if hits else None


def fact(data, section, key):
    """Return (state, args, since, note) for one option in one dump."""
    full = is_full(data)
    opt = find_option(data, section, key)
    if opt is not None:
        since = str(opt.get("deprecated_since") or "")
        reason = one_line(opt.get("deprecated_reason"))
        if opt.get("deprecated_for_removal"):
            if not full:
                reason = "sample data: no deprecation version or reason recorded"
            return ("Deprecated", (), since, reason)
        if since or reason:
            return ("SoftDeprecated", (), since, reason)
        return ("Present", (), "", "")
    alias = find_alias(data, section, key)
    if alias is not None:
        target = find_option(data, *alias)
        note = f"deprecated alias of [{alias[0]}] {alias[1]}"
        if target is None:
            note += " (which this release does not list)"
        elif target.get("deprecated_for_removal"):
            note += ", itself deprecated for removal"
            if target.get("deprecated_since"):
                note += f" since {target['deprecated_since']}"
        return ("AliasOf", alias, "", note)
    if (section, key) in PLUGIN_OPTIONS and section in data["options"]:
        return ("Plugin", (), "", PLUGIN_OPTIONS[(section, key)])
    note = ""
    if not full:
        # Sample data drops aliases that only change the section; name the
        # options this one could be such an alias of.
        same = sorted(
            g
            for g, gd in data["options"].items()
            if g != section and find_option(data, g, key) is not None
        )
        note = "sample data: an alias that only changes the section would not be recorded"
        if same:
            note += "; same key exists in " + ", ".join(f"[{g}]" for g in same)
    return ("Absent", (), "", note)


def cross_check(service, release, primary, other_name):
    """A second dump of the same release must agree on existence and
    deprecation; the sample format may lack group-only aliases."""
    other = load(os.path.join(DATA_DIR, other_name))
    problems = []
    for svc, section, key in MANAGED:
        if svc != service:
            continue
        a = fact(primary, section, key)
        b = fact(other, section, key)
        if a[0] == b[0] and a[1] == b[1]:
            continue
        if {a[0], b[0]} == {"Deprecated"} or (a[0] == "SoftDeprecated" and not is_full(other)):
            continue
        if a[0] == "AliasOf" and b[0] == "Absent" and not is_full(other) and a[1][1] == key:
            continue  # group-only alias, not recorded in sample data
        problems.append(f"{service} {release} [{section}] {key}: {a[:2]} vs {b[:2]} ({other_name})")
    return problems


def default_of(data, section, key):
    """The default of a present option in full data, ini-style."""
    if not is_full(data):
        return ""
    opt = find_option(data, section, key)
    if opt is None:
        return ""
    d = opt.get("default")
    if d is None:
        return ""
    if isinstance(d, bool):
        return "true" if d else "false"
    if isinstance(d, list):
        return ",".join(str(x) for x in d)
    return str(d)


def rust_str(s):
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == '"':
            out.append('\\"')
        elif ch == "\n":
            out.append("\\n")
        elif ord(ch) < 0x20:
            out.append(f"\\u{{{ord(ch):x}}}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


HEADER = """\
// @generated by scripts/gen-release-table.py from tests/data/openstack-options/.
// Do not edit. Regenerate with `python3 scripts/gen-release-table.py`
// (see scripts/README.md); `--check` reports a stale file.

//! What each OpenStack release with option data says about every option glha
//! manages: present, deprecated for removal, only a deprecated alias of
//! another option, or absent. Plain static data; `src/release/` interprets it.
//!
//! Releases without data (Pike, Stein, Train, Wallaby, Xena, Yoga, 2023.1,
//! 2023.2, 2024.2) do not appear. Sample-derived data ([`DataKind::Sample`])
//! knows option names and the `deprecated_for_removal` flag only.

#![allow(dead_code)]

/// How complete a release's option data is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DataKind {
    /// Full `oslo-config-generator --format yaml|json` dump of an installed
    /// release: every option with its deprecation version and reason and
    /// every deprecated alias.
    Full,
    /// Names only, derived from the release's sample config: no deprecation
    /// version or reason, and no aliases that only change the section.
    Sample,
}

/// A release that has option data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct DataRelease {
    /// `"glance-api"`, `"nova"` or `"cinder"`.
    pub(crate) service: &'static str,
    /// Lowercase series name: `"ocata"`, `"zed"`, `"2025.2"`, ...
    pub(crate) release: &'static str,
    /// The service's version the data was taken from, e.g. `"25.1.0"`.
    pub(crate) version: &'static str,
    /// How complete the data is.
    pub(crate) kind: DataKind,
    /// File name of the data under `tests/data/openstack-options/`; usable
    /// as `oslo-config-validator --opt-data`.
    pub(crate) source: &'static str,
    /// Other dumps of the same release that agree on every managed option.
    pub(crate) cross_checked: &'static [&'static str],
}

/// What a release says about one option name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OptState {
    /// The option exists and is not deprecated.
    Present,
    /// The option exists but is deprecated for removal (see
    /// [`OptionFact::since`] and [`OptionFact::note`]).
    Deprecated,
    /// The option exists and is not flagged for removal, but the release
    /// records a deprecation version and reason (e.g. `bind_host` in 2026.1:
    /// eventlet deprecated in Gazpacho). Sample data cannot show this state.
    SoftDeprecated,
    /// The name is only a deprecated alias of the option in this section
    /// with this key: it still works, with a deprecation warning.
    AliasOf(&'static str, &'static str),
    /// Not in the option data because an authentication plugin registers it
    /// at runtime (`[keystone_authtoken]` credentials); the data can neither
    /// confirm nor deny it and `oslo-config-validator` skips the section.
    /// [`OptionFact::note`] names the plugin.
    Plugin,
    /// The release does not know the name: the service ignores it and
    /// `oslo-config-validator` reports an error. In sample data a name that
    /// is only a section-changing alias also looks absent (see the note).
    Absent,
}

/// One managed option in one release that has data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct OptionFact {
    /// `"glance-api"`, `"nova"` or `"cinder"`.
    pub(crate) service: &'static str,
    /// Lowercase series name, as in [`DataRelease::release`].
    pub(crate) release: &'static str,
    /// Ini section, e.g. `"DEFAULT"` or `"keystone_authtoken"`.
    pub(crate) section: &'static str,
    /// Ini key as written in the file (underscores, never dashes).
    pub(crate) key: &'static str,
    /// What the release says about it.
    pub(crate) state: OptState,
    /// For [`OptState::Deprecated`] and [`OptState::SoftDeprecated`] in full
    /// data: the `deprecated_since` of the project that owns the option, as
    /// written there (`"21.0.0"`, `"Queens"`, `"Gazpacho"`), else `""`.
    pub(crate) since: &'static str,
    /// Deprecation reason, alias explanation or data caveat, else `""`.
    pub(crate) note: &'static str,
    /// The option's default in full data, as oslo.config would read it back
    /// from an ini file (list items joined with `,`); `""` when it has none,
    /// for sample data, and for aliases, plugin options and absent names.
    pub(crate) default: &'static str,
}
"""


def generate():
    releases_rs = []
    facts_rs = []
    problems = []
    data = {}
    for service, release, version, source, others in RELEASES:
        d = load(os.path.join(DATA_DIR, source))
        data[(service, release)] = d
        kind = "Full" if is_full(d) else "Sample"
        for other in others:
            problems += cross_check(service, release, d, other)
        others_rs = "&[" + ", ".join(rust_str(o) for o in others) + "]"
        releases_rs.append(
            "    DataRelease {\n"
            f"        service: {rust_str(service)},\n"
            f"        release: {rust_str(release)},\n"
            f"        version: {rust_str(version)},\n"
            f"        kind: DataKind::{kind},\n"
            f"        source: {rust_str(source)},\n"
            f"        cross_checked: {others_rs},\n"
            "    },\n"
        )
    for service, section, key in MANAGED:
        for svc, release, _v, _s, _o in RELEASES:
            if svc != service:
                continue
            state, args, since, note = fact(data[(svc, release)], section, key)
            if state == "AliasOf":
                state_rs = f"OptState::AliasOf({rust_str(args[0])}, {rust_str(args[1])})"
            else:
                state_rs = f"OptState::{state}"
            facts_rs.append(
                "    OptionFact {\n"
                f"        service: {rust_str(service)},\n"
                f"        release: {rust_str(release)},\n"
                f"        section: {rust_str(section)},\n"
                f"        key: {rust_str(key)},\n"
                f"        state: {state_rs},\n"
                f"        since: {rust_str(since)},\n"
                f"        note: {rust_str(note)},\n"
                f"        default: {rust_str(default_of(data[(svc, release)], section, key))},\n"
                "    },\n"
            )
    if problems:
        sys.exit("cross-check failed:\n  " + "\n  ".join(problems))
    groups = sorted(
        {g for (svc, _r, _v, _s, _o) in RELEASES if svc == "glance-api" for g in data[(svc, _r)]["options"]}
    )
    return (
        HEADER
        + "\n/// Every release with option data, oldest first within each service.\n"
        + "pub(crate) static DATA_RELEASES: &[DataRelease] = &[\n"
        + "".join(releases_rs)
        + "];\n"
        + "\n/// Every managed option in every release of its service that has data,\n"
        + "/// grouped by option, releases oldest first.\n"
        + "pub(crate) static OPTION_FACTS: &[OptionFact] = &[\n"
        + "".join(facts_rs)
        + "];\n"
        + "\n/// Every option group of glance-api.conf in any release's data: a\n"
        + "/// multi-store backend must not be named like one of them.\n"
        + "pub(crate) static GLANCE_API_GROUPS: &[&str] = &[\n"
        + "".join(f"    {rust_str(g)},\n" for g in groups)
        + "];\n"
    )


ABBREV = {
    "Present": "ok",
    "Deprecated": "DEP",
    "SoftDeprecated": "soft",
    "Plugin": "plugin",
    "Absent": "-",
}


def table():
    """A Markdown overview: one row per managed option, one column per
    release (ok, DEP[since], alias->section/key, - for absent)."""
    lines = []
    for service in ("glance-api", "nova", "cinder"):
        rels = [r for r in RELEASES if r[0] == service]
        data = {r[1]: load(os.path.join(DATA_DIR, r[3])) for r in rels}
        lines.append(f"\n{service}: " + ", ".join(
            f"{r[1]}={'full' if is_full(data[r[1]]) else 'sample'}" for r in rels))
        lines.append("| option | " + " | ".join(r[1] for r in rels) + " |")
        lines.append("|---" * (len(rels) + 1) + "|")
        for svc, section, key in MANAGED:
            if svc != service:
                continue
            cells = []
            for r in rels:
                state, args, since, _note = fact(data[r[1]], section, key)
                if state == "AliasOf":
                    cells.append(f"→{args[0]}/{args[1]}")
                else:
                    cells.append(ABBREV[state] + (f" {since}" if since else ""))
            lines.append(f"| {section}/{key} | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--check", action="store_true", help="fail if the file is stale")
    ap.add_argument("--table", action="store_true", help="print a Markdown overview instead")
    ap.add_argument("-o", "--output", default=OUTPUT, help="output file")
    known_options.add_arguments(ap)
    args = ap.parse_args()
    if args.table:
        sys.stdout.write(table())
        return 0
    if known_options.run(args, RELEASES, DATA_DIR, ROOT) != 0:
        return 1
    text = generate()
    if args.check:
        try:
            with open(args.output, encoding="utf-8") as f:
                current = f.read()
        except FileNotFoundError:
            current = None
        if current != text:
            print(f"{args.output} is stale; run python3 scripts/gen-release-table.py", file=sys.stderr)
            return 1
        return 0
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
    tmp = args.output + ".tmp"
    with open(tmp, "w", encoding="utf-8", newline="\n") as f:
        f.write(text)
    os.replace(tmp, args.output)
    return 0


if __name__ == "__main__":
    sys.exit(main())
