# shellcheck shell=bash
# The openstack CLI against the run's Keystone and glance-api, as an
# operator uses it (admin credentials, the catalog), and fault injection
# around it.

# ks ARGS...: the harness's own Keystone client (lib/keystone-api).
ks() { "$E2E_DIR/lib/keystone-api" "$@"; }

# The image service's endpoints: "INTERFACE REGION URL" per line, sorted.
image_endpoints() {
    local out
    out=$(ks endpoints image) || return 1
    awk 'NF { print $1, $2, $3 }' <<<"$out"
}

image_endpoint_ids() { # INTERFACE
    ks endpoints image | awk -v i="$1" '$1 == i { print $4 }'
}

# expect_endpoints URL: one endpoint per interface (admin, internal,
# public), each in our region with URL.
expect_endpoints() {
    local want got
    want=$(printf '%s %s %s\n' admin "$E2E_REGION" "$1" internal "$E2E_REGION" "$1" \
        public "$E2E_REGION" "$1")
    got=$(image_endpoints)
    if [[ $got != "$want" ]]; then
        printf 'endpoints:\n%s\nexpected:\n%s\n' "$got" "$want" >&2
        return 1
    fi
}

# Where the `openstack` fault injector keeps its state.
fault_dir() { printf '%s\n' "$E2E_STATE/fault"; }

# with_fault MODE N CMD...: runs CMD with `openstack` on PATH replaced by
# tests/e2e/lib/openstack-fault, which runs the real CLI and injects MODE
# at its Nth call (see that file).
with_fault() {
    local mode=$1 n=$2 dir
    shift 2
    dir=$(fault_dir)
    rm -rf "$dir"
    mkdir -p "$dir/bin"
    ln -s "$E2E_DIR/lib/openstack-fault" "$dir/bin/openstack"
    proc_pid keystone >"$dir/keystone.pid"
    E2E_FAULT_DIR=$dir E2E_FAULT_MODE=$mode E2E_FAULT_AT=$n \
        E2E_FAULT_UNREACHABLE="http://$E2E_NET.99:5000/v3" E2E_KEYSTONE="$E2E_VIP:5000" \
        PATH="$dir/bin:$PATH" "$@"
}

# Keystone, restarted after a fault stopped it.
keystone_restart() {
    stop_proc keystone
    keystone_start
}

# upload NAME FILE / download NAME FILE: through the catalog.
image_upload() {
    openstack image create --disk-format raw --container-format bare \
        --file "$2" "$1" -f value -c id
}
image_download() { openstack image save --file "$2" "$1"; }

# A file of SIZE MiB of random bytes.
random_file() { # FILE SIZE_MIB
    mkdir -p "$(dirname "$1")"
    head -c "$(($2 * 1024 * 1024))" /dev/urandom >"$1"
}

# The image's locations as glance recorded them (image_locations).
image_locations() { # IMAGE_ID
    sql -N -B -e "SELECT value FROM glance.image_locations WHERE image_id = '$1' AND deleted = 0"
}

# notifications_in QUEUE: the number of messages in QUEUE (0 if absent).
queue_messages() {
    rabbitmqctl -q list_queues name messages 2>/dev/null |
        awk -v q="$1" '$1 == q { n = $2 } END { print n + 0 }'
}

# same_json_rows A B: two JSON lists of objects hold the same rows, in any
# order.
same_json_rows() {
    /usr/bin/python3 - "$1" "$2" <<'PY'
import json, sys
a, b = (sorted(json.dumps(r, sort_keys=True) for r in json.load(open(f))) for f in sys.argv[1:])
if a != b:
    print("only in", sys.argv[1], sorted(set(a) - set(b)))
    print("only in", sys.argv[2], sorted(set(b) - set(a)))
sys.exit(0 if a == b else 1)
PY
}
