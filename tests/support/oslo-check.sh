#!/usr/bin/env bash
# Validate an OpenStack ini file with oslo-config-validator.
#
# Usage:
#   oslo-check.sh OPTS_DATA INI_FILE [--fatal-warnings] [--exclude-backends] [VALIDATOR_ARGS...]
#   oslo-check.sh --namespace NS[,NS...] INI_FILE [same options]
#
#   OPTS_DATA   an oslo-config-generator machine-readable dump (YAML or JSON,
#               e.g. tests/data/openstack-options/glance-api-zed-25.1.0.opts.yaml);
#               needs only python3-oslo.config.
#   --namespace option namespaces registered by the installed services
#               (Debian 12 = Zed): nova -> "nova.conf", cinder -> "cinder"
#               (add e.g. keystonemiddleware.auth_token,oslo.db,oslo.messaging
#               for the library sections), glance -> glance.api,glance.store,...
#   --fatal-warnings    a deprecated alias (validator WARNING) also fails.
#   --exclude-backends  skip the sections named by [DEFAULT] enabled_backends
#               (cinder: "lvm,ceph"; glance: "fast:rbd,cheap:file"), which are
#               dynamic and unknown to the option data.
#   --store-sections    glance only, with OPTS_DATA: leave out of the run the
#               sections no option group names (each NAME of enabled_backends
#               NAME:TYPE, and glance's reserved os_glance_staging_store and
#               os_glance_tasks_store), then validate each one on its own
#               against its type's group of the same data: file -> [file],
#               rbd -> [glance.store.rbd.store], swift ->
#               [glance.store.swift.store]; the reserved stores are file
#               stores (one more validator run for all of them). Prints
#               "store section [NAME] as [GROUP]: PASS" per section.
#   VALIDATOR_ARGS      passed on, e.g. --exclude-group NAME.
#
# Fails (exit 1, "FAIL: ..." on stderr) when the validator exits non-zero or
# prints any ERROR line; its output is always shown. Exit 2 on misuse.
set -euo pipefail

prog=oslo-check
validator=/usr/bin/oslo-config-validator
usage() {
    echo "usage: $prog OPTS_DATA|--namespace NS[,NS...] INI_FILE [--fatal-warnings] [--exclude-backends] [ARGS...]" >&2
    exit 2
}
fail() { printf 'FAIL: %s: %s\n' "$prog" "$*" >&2; exit 1; }

(($# >= 2)) || usage
source_args=()
case $1 in
--namespace)
    (($# >= 3)) || usage
    IFS=, read -r -a namespaces <<<"$2"
    for ns in "${namespaces[@]}"; do
        [[ -n $ns ]] && source_args+=(--namespace "$ns")
    done
    ((${#source_args[@]} > 0)) || usage
    what="namespace $2"
    shift 2
    ;;
--namespace=*)
    IFS=, read -r -a namespaces <<<"${1#--namespace=}"
    for ns in "${namespaces[@]}"; do
        [[ -n $ns ]] && source_args+=(--namespace "$ns")
    done
    ((${#source_args[@]} > 0)) || usage
    what="namespace ${1#--namespace=}"
    shift
    ;;
-*) usage ;;
*)
    [[ -r $1 ]] || { echo "$prog: cannot read option data $1" >&2; exit 2; }
    source_args=(--opt-data "$1")
    what="option data $(basename "$1")"
    shift
    ;;
esac
(($# >= 1)) || usage
ini=$1
shift
[[ -r $ini ]] || { echo "$prog: cannot read $ini" >&2; exit 2; }
[[ -x $validator ]] || fail "$validator not installed (run .ci/install-tools)"

extra=()
store_sections=0
for a in "$@"; do
    if [[ $a == --store-sections ]]; then
        [[ $what == option\ data* ]] || usage
        store_sections=1
    elif [[ $a == --exclude-backends ]]; then
        # oslo ini files may repeat keys, hence strict=False.
        backends=$(/usr/bin/python3 - "$ini" <<'PY'
import configparser
import sys

p = configparser.ConfigParser(strict=False, interpolation=None)
p.read(sys.argv[1])
raw = p.get("DEFAULT", "enabled_backends", fallback="")
for item in raw.split(","):
    name = item.split(":", 1)[0].strip()
    if name:
        print(name)
PY
        ) || fail "cannot read [DEFAULT] enabled_backends from $ini"
        while IFS= read -r b; do
            [[ -n $b ]] && extra+=(--exclude-group "$b")
        done <<<"$backends"
    else
        extra+=("$a")
    fi
done

# The store's sections, copied into one file, each under its type's group
# name ("NAME GROUP" lines list them): one more validator run, whatever
# their number (a group may appear twice; oslo.config merges them).
work=
sections=()
if ((store_sections)); then
    work=$(mktemp -d "${TMPDIR:-/tmp}/oslo-check.XXXXXX")
    trap 'rm -rf "$work"' EXIT
    listing=$(/usr/bin/python3 - "$ini" "$work/stores.conf" <<'PY'
import configparser
import sys

ini, dest = sys.argv[1], sys.argv[2]
groups = {"file": "file", "rbd": "glance.store.rbd.store", "swift": "glance.store.swift.store"}
p = configparser.ConfigParser(strict=False, interpolation=None)
p.read(ini)
dynamic = {}
for item in p.get("DEFAULT", "enabled_backends", fallback="").split(","):
    if ":" in item:
        name, kind = (x.strip() for x in item.split(":", 1))
        if kind not in groups:
            sys.exit(f"unknown store type {kind!r} of [{name}]")
        dynamic[name] = groups[kind]
for reserved in ("os_glance_staging_store", "os_glance_tasks_store"):
    if p.has_section(reserved):
        dynamic[reserved] = "file"
# Copy each section's own lines, exactly as written, under its group's name.
current, out = None, {}
with open(ini, encoding="utf-8") as f:
    for line in f:
        s = line.strip()
        if s.startswith("[") and s.endswith("]"):
            current = s[1:-1].strip()
            if current in dynamic:
                out[current] = [f"[{dynamic[current]}]\n"]
            continue
        if current in out:
            out[current].append(line)
with open(dest, "w", encoding="utf-8") as f:
    for name in sorted(out):
        f.writelines(out[name])
        print(name, dynamic[name])
PY
    ) || fail "cannot read the store sections of $ini"
    while read -r name group; do
        [[ -n $name ]] || continue
        sections+=("[$name] as [$group]")
        extra+=(--exclude-group "$name")
    done <<<"$listing"
fi

start=$(date +%s%N)
rc=0
# Python-level warnings (e.g. SyntaxWarning from a service's import) are not
# config findings; keep them out of the output.
out=$(PYTHONWARNINGS=ignore "$validator" "${source_args[@]}" --input-file "$ini" "${extra[@]}" 2>&1) || rc=$?
ms=$((($(date +%s%N) - start) / 1000000))
[[ -z $out ]] || printf '%s\n' "$out"
if ((rc != 0)); then
    fail "$ini against $what: oslo-config-validator exited $rc (${ms} ms)"
fi
if grep -q '^ERROR' <<<"$out"; then
    fail "$ini against $what: oslo-config-validator reported errors (${ms} ms)"
fi
if ((${#sections[@]} > 0)); then
    rc=0
    out=$(PYTHONWARNINGS=ignore "$validator" "${source_args[@]}" --input-file "$work/stores.conf" --fatal-warnings 2>&1) || rc=$?
    [[ -z $out ]] || printf '%s\n' "$out"
    if ((rc != 0)) || grep -q '^ERROR' <<<"$out"; then
        fail "store sections of $ini (${sections[*]}) against $what: oslo-config-validator reported errors (rc=$rc)"
    fi
    for s in "${sections[@]}"; do
        echo "$prog: store section $s: PASS"
    done
fi
echo "$prog: PASS $ini against $what (${ms} ms)"
