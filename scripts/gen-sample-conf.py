#!/usr/bin/env python3
"""Write a service's sample config file from an option dump.

The layout follows oslo-config-generator's ini format: every section of the
dump, every option commented out, preceded by its help text, its type,
limits, choices, deprecated names and deprecation note, then
`#name = default`. No option is set, so oslo.config reads an empty
configuration; it stands in for the sample file a release ships, for
releases whose code is not installed here (only Zed's is, on Debian 12).

    python3 scripts/gen-sample-conf.py tests/data/openstack-options/DUMP [-o FILE]

Reads full dumps (YAML or JSON, `oslo-config-generator --format yaml|json`)
and names-only sample dumps alike. Needs Python 3 and PyYAML. The output is
deterministic.
"""

import argparse
import json
import sys
import textwrap

import yaml

WIDTH = 70


def load(path):
    with open(path, encoding="utf-8") as f:
        if path.endswith(".json"):
            return json.load(f)
        return yaml.safe_load(f)


def comment(text):
    """Lines of `text` wrapped and commented; a blank line is `#`."""
    out = []
    for para in (text or "").strip("\n").split("\n"):
        if not para.strip():
            out.append("#")
            continue
        indent = para[: len(para) - len(para.lstrip())]
        wrapped = textwrap.wrap(
            para.strip(),
            WIDTH - 2 - len(indent),
            break_long_words=False,
            break_on_hyphens=False,
        )
        out.extend(f"# {indent}{w}" for w in wrapped or [""])
    return out


def ini_default(opt):
    """The default as the generator writes it after `#name = `."""
    if opt.get("sample_default") is not None:
        return str(opt["sample_default"])
    d = opt.get("default")
    if d is None:
        return "<None>"
    if isinstance(d, bool):
        return "true" if d else "false"
    if isinstance(d, list):
        return ",".join(str(x) for x in d)
    if isinstance(d, dict):
        return ",".join(f"{k}:{v}" for k, v in d.items())
    return str(d)


def option_lines(group, opt):
    out = []
    text = (opt.get("help") or "").rstrip()
    if opt.get("type"):
        text += f" ({opt['type']})"
    out.extend(comment(text) if text.strip() else [])
    if opt.get("min") is not None:
        out.append(f"# Minimum value: {opt['min']}")
    if opt.get("max") is not None:
        out.append(f"# Maximum value: {opt['max']}")
    for choice in opt.get("choices") or []:
        value = choice[0] if isinstance(choice, list) else choice
        out.append(f"# Possible values: {value}" if value is not None else "# Possible values: <None>")
    for dep in opt.get("deprecated_opts") or []:
        dgroup = dep.get("group") or group
        dname = dep.get("name") or opt["name"]
        out.append(f"# Deprecated group/name - [{dgroup}]/{dname}")
    if opt.get("deprecated_for_removal"):
        since = opt.get("deprecated_since")
        out.append(
            "# This option is deprecated for removal"
            + (f" since {since}." if since else ".")
        )
        out.append("# Its value may be silently ignored in the future.")
        if opt.get("deprecated_reason"):
            out.extend(comment("Reason: " + opt["deprecated_reason"]))
    name = opt.get("dest") or opt["name"]
    out.append(f"#{name} = {ini_default(opt)}")
    out.append("")
    return out


def sample(data):
    lines = []
    for group, gdata in data["options"].items():
        if lines:
            lines.append("")
        lines.append(f"[{group}]")
        lines.append("")
        if gdata.get("help"):
            lines.extend(comment(gdata["help"]))
            lines.append("")
        namespace = None
        for opt in gdata.get("opts", []):
            if opt.get("namespace") and opt["namespace"] != namespace:
                namespace = opt["namespace"]
                lines.extend(["#", f"# From {namespace}", "#", ""])
            lines.extend(option_lines(group, opt))
    return "\n".join(lines).rstrip("\n") + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dump", help="option dump (YAML or JSON)")
    ap.add_argument("-o", "--output", help="output file (default: stdout)")
    args = ap.parse_args()
    text = sample(load(args.dump))
    if args.output:
        with open(args.output, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
