#!/usr/bin/env bash
# Install a metadata-only stand-in for ocf:openstack:glance-api.
#
# The real agent (openstack-resource-agents, retired 2019) is not packaged
# anywhere, yet crmsh and pcs refuse a primitive whose agent metadata they
# cannot read, and reject parameter names the metadata does not list. The
# stand-in answers `meta-data` with tests/data/ocf/glance-api.metadata.xml
# and exits 3 (OCF_ERR_UNIMPLEMENTED) for every other action, so it can
# never pretend to run glance-api.
#
# Safe to re-run. A file at the agent path that does not carry the marker
# below is a real agent and is left alone (exit 0, with a note on stderr).
#
# Env: GLHA_OCF_ROOT (default /usr/lib/ocf/resource.d; pacemaker only
#      searches its compiled-in path, so change it only for testing),
#      GLHA_SHARE_DIR (default /usr/share/glha-test).
set -euo pipefail

readonly MARKER='glha-metadata-only-stub-agent-v1'
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
metadata_src=$here/../data/ocf/glance-api.metadata.xml
ocf_root=${GLHA_OCF_ROOT:-/usr/lib/ocf/resource.d}
share_dir=${GLHA_SHARE_DIR:-/usr/share/glha-test}
agent=$ocf_root/openstack/glance-api
metadata_dst=$share_dir/glance-api.metadata.xml

if [[ ! -r $metadata_src ]]; then
    echo "install-stub-agent: FAIL: missing $metadata_src" >&2
    exit 1
fi

if [[ -e $agent || -L $agent ]] && ! grep -qF "$MARKER" "$agent" 2>/dev/null; then
    echo "install-stub-agent: $agent is a real agent (no stub marker); left untouched" >&2
    exit 0
fi

install -d -m 0755 "$share_dir" "$ocf_root/openstack"
install -m 0644 "$metadata_src" "$metadata_dst"

# Write to a temporary file first so a concurrent reader never sees half an
# agent, then rename into place.
tmp=$(mktemp "$ocf_root/openstack/.glance-api.XXXXXX")
trap 'rm -f "$tmp"' EXIT
cat >"$tmp" <<AGENT
#!/bin/sh
# $MARKER
# Metadata-only stand-in for ocf:openstack:glance-api, installed by glha's
# tests/support/install-stub-agent.sh for offline validation with crmsh/pcs.
# It cannot start, stop or monitor anything.
case "\${1:-}" in
    meta-data)
        exec cat "$metadata_dst"
        ;;
    *)
        exit 3
        ;;
esac
AGENT
chmod 0755 "$tmp"
mv -f "$tmp" "$agent"
trap - EXIT

if ! out=$(crm_resource --show-metadata ocf:openstack:glance-api 2>&1); then
    echo "install-stub-agent: FAIL: crm_resource cannot read the stub metadata: $out" >&2
    exit 1
fi
echo "install-stub-agent: $agent ready (metadata from $metadata_dst)"
