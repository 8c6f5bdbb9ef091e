#!/usr/bin/env bash
# Validate a generated Pacemaker configuration offline with the real tools.
#
# Usage: pcmk-check.sh CRM_SCRIPT [PCS_SCRIPT]
#   CRM_SCRIPT  crmsh `configure` batch input (pacemaker/glance-api.crm); may
#               end with `commit`.
#   PCS_SCRIPT  POSIX sh script whose commands call `pcs ...`
#               (pacemaker/glance-api.pcs.sh). It runs as `sh PCS_SCRIPT -f
#               CIB` (the script's own way to target a CIB file), with a
#               `pcs` wrapper first on PATH that logs and vets every call.
#
# Env:
#   PCMK_NODES          node names of the base CIB (default "node1"); every
#                       node is online and fenced by one stonith:null device.
#   REQUIRE_EQUIVALENT  1 (default): the crm and pcs results must be the same
#                       configuration; 0: a difference is only a NOTE.
#   KEEP_WORK           1: keep the scratch directory and print its path.
#
# Passes (exit 0, last line "PASS ...") only when:
#   * the base CIB alone makes `crm_verify -VV` print nothing;
#   * `crm configure < CRM_SCRIPT` exits 0 and prints nothing at all (crmsh
#     goes on after a bad line and may still exit 0);
#   * `crm configure load update` of the same script (without `commit`) -
#     all-or-nothing and without keyword autocorrection - exits 0, prints
#     nothing and yields the same CIB (crm_diff);
#   * `crm_verify -VV -x` on the result prints nothing;
#   * with PCS_SCRIPT: the script exits 0, no pcs call uses --force or fails or
#     prints an error/warning/deprecation, `crm_verify -VV` is silent, and
#     `crm configure show` of both CIBs agrees after normalisation (params and
#     meta attributes sorted, `:start` dropped from order constraints).
# Anything else prints "FAIL: <reason>" on stderr and exits 1 (2 on misuse).
set -euo pipefail

prog=pcmk-check
usage() { echo "usage: $prog CRM_SCRIPT [PCS_SCRIPT]" >&2; exit 2; }
fail() { printf 'FAIL: %s: %s\n' "$prog" "$*" >&2; exit 1; }
note() { printf '%s: %s\n' "$prog" "$*"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }

(($# >= 1 && $# <= 2)) || usage
[[ -f $1 && -r $1 ]] || { echo "$prog: cannot read $1" >&2; exit 2; }
crm_script=$(realpath "$1")
pcs_script=
if (($# == 2)); then
    [[ -f $2 && -r $2 ]] || { echo "$prog: cannot read $2" >&2; exit 2; }
    pcs_script=$(realpath "$2")
fi
read -r -a nodes <<<"${PCMK_NODES:-node1}"
((${#nodes[@]} > 0)) || fail "PCMK_NODES is empty"
require_equivalent=${REQUIRE_EQUIVALENT:-1}

for tool in crm crm_verify crm_diff cibadmin pcs; do
    command -v "$tool" >/dev/null || fail "$tool is not installed (run .ci/install-tools)"
done
real_pcs=$(command -v pcs)

work=$(mktemp -d "${TMPDIR:-/tmp}/pcmk-check.XXXXXX")
if [[ ${KEEP_WORK:-0} == 1 ]]; then
    note "scratch directory kept: $work"
else
    trap 'rm -rf "$work"' EXIT
fi
# Never touch a live cluster, whatever the caller's environment says.
unset CIB_shadow CIB_shadow_dir
export CIB_file=/nonexistent-pcmk-check-guard

strip_ansi() { sed -e 's/\x1b\[[0-9;]*[A-Za-z]//g'; }

# verify FILE LABEL: crm_verify -VV must print nothing. Its exit status
# alone misses warnings such as "Using 0 instead of 'thirty'".
verify() {
    local out rc=0
    out=$(crm_verify -VV -x "$1" 2>&1) || rc=$?
    if ((rc != 0)) || [[ -n $out ]]; then
        fail "crm_verify -VV on the $2 CIB (rc=$rc):
$out"
    fi
}

# ------------------------------------------------------------- base CIB
t0=$(now_ms)
base=$work/base.xml
cibadmin --empty >"$base"
CIB_file=$base cibadmin --modify --xml-text '<cib have-quorum="1"/>'
i=0
for n in "${nodes[@]}"; do
    [[ $n =~ ^[A-Za-z0-9][A-Za-z0-9._-]*$ ]] || fail "bad node name in PCMK_NODES: '$n'"
    i=$((i + 1))
    CIB_file=$base cibadmin --create -o nodes --xml-text "<node id=\"$i\" uname=\"$n\"/>"
    CIB_file=$base cibadmin --create -o status --xml-text \
        "<node_state id=\"$i\" uname=\"$n\" in_ccm=\"true\" crmd=\"online\" join=\"member\" expected=\"member\"/>"
done
CIB_file=$base cibadmin --create -o resources --xml-text \
    "<primitive id=\"st-null\" class=\"stonith\" type=\"null\"><instance_attributes id=\"st-null-ia\"><nvpair id=\"st-null-hostlist\" name=\"hostlist\" value=\"${nodes[*]}\"/></instance_attributes></primitive>"
verify "$base" base
note "base CIB (${nodes[*]}): $(($(now_ms) - t0)) ms"

# ------------------------------------------------------------ crm script
t0=$(now_ms)
crm_cib=$work/crm.xml
cp "$base" "$crm_cib"
rc=0
out=$(CIB_file=$crm_cib crm configure <"$crm_script" 2>&1 | strip_ansi) || rc=$?
if ((rc != 0)) || [[ -n $out ]]; then
    fail "crm configure < $1 (rc=$rc) must exit 0 and print nothing; it printed:
$out"
fi
note "crm configure (session): $(($(now_ms) - t0)) ms"

t0=$(now_ms)
load_cib=$work/crm-load.xml
load_input=$work/load.crm
cp "$base" "$load_cib"
grep -Ev '^[[:space:]]*commit[[:space:]]*$' "$crm_script" >"$load_input" || true
rc=0
out=$(CIB_file=$load_cib crm configure load update "$load_input" 2>&1 | strip_ansi) || rc=$?
if ((rc != 0)) || [[ -n $out ]]; then
    fail "crm configure load update $1 (rc=$rc) must exit 0 and print nothing; it printed:
$out"
fi
# 'load update' keeps the script's comments as XML comments in the CIB
# while the session drops them; comments carry no configuration, so they
# are left out of the comparison.
strip_comments() {
    /usr/bin/python3 -c 'import re, sys; sys.stdout.write(re.sub(r"<!--.*?-->", "", open(sys.argv[1]).read(), flags=re.S))' "$1" >"$1.nocomments"
}
strip_comments "$crm_cib"
strip_comments "$load_cib"
rc=0
out=$(crm_diff -o "$crm_cib.nocomments" -n "$load_cib.nocomments" 2>&1) || rc=$?
if ((rc != 0)); then
    fail "session and 'load update' gave different CIBs (crm_diff rc=$rc):
$out"
fi
verify "$crm_cib" crm
note "crm configure load update + crm_diff + crm_verify: $(($(now_ms) - t0)) ms"

if [[ -z $pcs_script ]]; then
    note "PASS (crm only)"
    exit 0
fi

# ------------------------------------------------------------ pcs script
t0=$(now_ms)
pcs_cib=$work/pcs.xml
cp "$base" "$pcs_cib"
bin=$work/bin
mkdir "$bin"
calls=$work/pcs-calls.log
problems=$work/pcs-problems.log
: >"$calls"
: >"$problems"
# The wrapper is data for the generated script's PATH lookup; the values it
# needs are baked in here, quoted with printf %q.
{
    echo '#!/usr/bin/env bash'
    echo 'set -uo pipefail'
    printf 'real=%q calls=%q problems=%q\n' "$real_pcs" "$calls" "$problems"
    cat <<'WRAPPER'
printf 'pcs' >>"$calls"; printf ' %q' "$@" >>"$calls"; echo >>"$calls"
for a in "$@"; do
    case $a in
    --force) echo "pcs called with --force: pcs $*" >>"$problems"; exit 1 ;;
    --corosync_conf*) echo "pcs called with its own $a: pcs $*" >>"$problems"; exit 1 ;;
    esac
done
out=$("$real" "$@" 2>&1)
rc=$?
[[ -z $out ]] || printf '%s\n' "$out"
if ((rc != 0)); then
    printf 'pcs %s failed (rc=%d):\n%s\n' "$*" "$rc" "$out" >>"$problems"
# With -f, pcs cannot ask corosync which nodes exist and says so for every
# location constraint; that is the offline mode talking, not the command.
elif grep -viE '^Warning: Validation for node existence in the cluster will be skipped$' <<<"$out" |
    grep -qiE '^[[:space:]]*(error|warning|deprecat)'; then
    printf 'pcs %s printed:\n%s\n' "$*" "$out" >>"$problems"
fi
exit "$rc"
WRAPPER
} >"$bin/pcs"
chmod 0755 "$bin/pcs"

rc=0
out=$(cd "$work" && PATH=$bin:$PATH sh "$pcs_script" -f "$pcs_cib" 2>&1) || rc=$?
ncalls=$(wc -l <"$calls")
if [[ -s $problems ]]; then
    fail "pcs script $2:
$(cat "$problems")"
fi
if ((rc != 0)); then
    fail "pcs script $2 exited $rc:
$out"
fi
((ncalls > 0)) || fail "pcs script $2 never called pcs"
verify "$pcs_cib" pcs
note "pcs script ($ncalls pcs calls) + crm_verify: $(($(now_ms) - t0)) ms"

# ------------------------------------------------- crm vs pcs equivalence
# Canonical text of a CIB's configuration: crmsh's `configure show`, with
# continuation lines joined, param/meta name=value runs sorted (pcs and
# crmsh order them differently) and pcs' explicit ':start' action dropped
# from order constraints.
canonical() {
    CIB_file=$1 crm configure show | strip_ansi | /usr/bin/python3 -c '
import shlex
import sys

logical, acc = [], ""
for raw in sys.stdin.read().splitlines():
    if raw.endswith("\\"):
        acc += raw[:-1].strip() + " "
        continue
    logical.append(acc + raw.strip())
    acc = ""
if acc:
    logical.append(acc.strip())

for line in logical:
    try:
        words = shlex.split(line, posix=True)
    except ValueError:
        print(line)
        continue
    out, run = [], None
    for w in words + [None]:
        if run is not None and w is not None and "=" in w:
            run.append(w)
            continue
        if run is not None:
            out.extend(sorted(run))
            run = None
        if w is None:
            break
        if words[0] == "order" and w.endswith(":start"):
            w = w[: -len(":start")]
        out.append(w)
        if w in ("params", "meta"):
            run = []
    print(" ".join(shlex.quote(w) for w in out))
'
}
t0=$(now_ms)
canonical "$crm_cib" >"$work/crm.show"
canonical "$pcs_cib" >"$work/pcs.show"
if diff -u --label crm --label pcs "$work/crm.show" "$work/pcs.show" >"$work/equiv.diff"; then
    note "crm and pcs results equivalent: $(($(now_ms) - t0)) ms"
else
    cat "$work/equiv.diff"
    if [[ $require_equivalent == 1 ]]; then
        fail "crm and pcs results differ (diff above; REQUIRE_EQUIVALENT=0 makes this a note)"
    fi
    note "NOTE: crm and pcs results differ (diff above)"
fi
note "PASS"
