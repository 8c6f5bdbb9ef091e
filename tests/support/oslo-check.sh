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
for a in "$@"; do
    if [[ $a == --exclude-backends ]]; then
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
echo "$prog: PASS $ini against $what (${ms} ms)"
