# shellcheck shell=bash
# Scenario 2: active/active with TLS, three glance-api behind the real
# HAProxy. Spec: the https example's copy,
# tests/e2e/specs/examples/https.glha (VIPs 198.18.77.10 internal and .30
# public, nodes ctl1-3 at .11-.13 on e2e0, inside the run's network
# namespace; images on a bind mount of one persistent directory, as the
# bundle's cloned p_fs_glance-api would mount it on every node). HAProxy
# terminates TLS on both VIPs with a PEM s2_tls makes at the path the
# bundle's `bind … ssl crt` names; clients get the CA in OS_CACERT. The
# public endpoint's name (under .test) is mapped to its VIP by the
# harness's clients and never looked up; the openstack CLI uses the
# internal endpoint (https on the internal VIP).

scenario_active_active() {
    local spec=$E2E_DIR/specs/examples/https.glha
    local dir=$E2E_STATE/s2
    local bundle=$dir/bundle
    mkdir -p "$dir"
    secrets_init
    admin_env

    must "glhac build writes the bundle" glhac build "$spec" -o "$bundle"
    check "the bundle has a file per node and HAProxy's section" s2_bundle_files "$bundle"
    check "the bundle holds no secret value (placeholders)" no_secret_in "$bundle"

    local node root
    for node in "${E2E_AA_NODES[@]}"; do
        root=$(node_root "aa-$node")
        must "$node: glhac diff --node $node reports changes (exit 1)" \
            exits_with 1 glhac diff "$spec" --root "$root" --node "$node" \
            --save-plan "$dir/plan-$node.json"
        must "$node: glhac apply" glhac apply "$dir/plan-$node.json" --root "$root"
        check "$node: a second diff reports nothing (exit 0)" \
            exits_with 0 glhac diff "$spec" --root "$root" --node "$node"
    done
    local root1 roots=()
    for node in "${E2E_AA_NODES[@]}"; do
        roots+=("$(node_root "aa-$node")")
    done
    root1=${roots[0]}
    s2_tls "$dir" "${roots[@]}"
    check "the merged haproxy.cfg (Debian's global and defaults, glha's listen section) passes haproxy -c" \
        s2_haproxy_check "$root1"
    check "... the same on every node" s2_same_haproxy "${roots[@]}"

    glance_accounts
    openstack_rabbit_user
    must "glance-manage db_sync with ctl1's file" glance_manage "$root1" db_sync
    # Each node mounts the store as the bundle's cloned Filesystem
    # resource says (a bind mount of one persistent directory).
    local device directory i
    must "the bundle's store mount (p_fs_glance-api) is a bind mount" bundle_mount "$bundle"
    read -r device directory <"$E2E_STATE/last.out"
    store_dir "${device##*/}" >/dev/null
    for i in "${!E2E_AA_NODES[@]}"; do
        glance_spawn "glance-aa-${E2E_AA_NODES[i]}" "${roots[i]}" "$device" "$directory"
    done
    for i in "${!E2E_AA_NODES[@]}"; do
        glance_wait "glance-aa-${E2E_AA_NODES[i]}" "${E2E_AA_ADDRS[i]}"
    done
    pass "glance-api answers on each node's own address (${E2E_AA_ADDRS[*]})"
    check "... each binding only its own address (no wildcard listener on 9292)" \
        s2_binds_only_own

    # The VIPs, as IPaddr2 adds them (scenario 3 shows IPaddr2 doing so).
    local vip
    for vip in $(bundle_vips "$bundle"); do
        ip addr replace "$vip" dev e2e0
    done
    haproxy_start haproxy-ctl1 "$root1"
    for node in "${E2E_AA_NODES[@]}"; do
        wait_ready "" 30 "HAProxy sees $node UP" s2_status_is "$node" UP
    done
    pass "HAProxy (ctl1's haproxy.cfg) on the VIPs, every backend UP"

    must "endpoints.sh points the catalog at the VIPs" sh "$bundle/keystone/endpoints.sh"
    check "the public endpoint $S2_PUBLIC_URL and the internal one $S2_URL" s2_endpoints

    random_file "$E2E_STATE/images/s2.raw" 200
    local t0=$SECONDS
    must "a 200 MiB image uploaded over https through HAProxy (openstack image create --file, the CA in OS_CACERT)" \
        image_upload e2e-s2 "$E2E_STATE/images/s2.raw"
    local id
    id=$(tail -n 1 "$E2E_STATE/last.out")
    e2e_log "200 MiB upload: $((SECONDS - t0)) s"
    t0=$SECONDS
    check "... downloaded byte-equal through HAProxy" s2_download_equal
    e2e_log "200 MiB download and compare: $((SECONDS - t0)) s"
    check "HAProxy carried both transfers (bytes in and out of its frontend >= 200 MiB each)" \
        s2_frontend_bytes $((200 * 1024 * 1024))
    check "the image's location is in the store the spec declared (file://$directory/images/)" \
        s2_location_in_store "$id" "$directory"

    s2_import

    # One backend dies.
    crash_proc glance-aa-ctl1
    s2_requests_during_failover >"$dir/failover-requests.txt"
    check "requests through the VIP in the seconds before HAProxy marks the dead backend down all succeed (option redispatch, retries)" \
        s2_none_failed "$dir/failover-requests.txt"
    wait_ready "" 30 "HAProxy marks ctl1 DOWN" s2_status_is ctl1 DOWN
    pass "HAProxy marks the killed backend DOWN (stats socket: $(s2_statuses))"
    check "downloads still succeed, byte-equal, through the others" s2_download_equal
}

s2_bundle_files() { # BUNDLE
    local node
    for node in "${E2E_AA_NODES[@]}"; do
        test -f "$1/files/nodes/$node/etc/glance/glance-api.conf" || return 1
    done
    test -f "$1/files/etc/haproxy/haproxy.cfg"
}

s2_same_haproxy() { # ROOT...
    local r
    for r in "${@:2}"; do
        cmp "$1/etc/haproxy/haproxy.cfg" "$r/etc/haproxy/haproxy.cfg" || return 1
    done
}

# The example declares public and internal endpoints (no admin); an
# admin endpoint an earlier scenario left is not this spec's business.
s2_endpoints() {
    local got
    got=$(image_endpoints | awk '$1 != "admin"')
    echo "$got"
    [[ $got == "internal $E2E_REGION $S2_URL"$'\n'"public $E2E_REGION $S2_PUBLIC_URL" ]]
}

s2_location_in_store() { # IMAGE_ID DIRECTORY
    local loc
    loc=$(image_locations "$1")
    echo "image_locations: $loc"
    [[ $loc == "file://$2/images/$1" ]]
}

# The internal and public URLs: http on the VIP until s2_tls reads the
# bundle's.
S2_URL="http://$E2E_AA_VIP:9292"
S2_PUBLIC_URL=$S2_URL

# Interoperable image import across the nodes: the data is staged on ctl1,
# the import is asked of ctl2, which must proxy it to ctl1 through the
# worker_self_reference_url glha wrote for ctl1.
s2_import() {
    local id file=$E2E_STATE/images/s2-import.raw hdr=$E2E_STATE/s2/auth-header
    random_file "$file" 4
    # The token goes in a file (curl -H @FILE), never on a command line
    # that a failure would print.
    (umask 077 && printf 'X-Auth-Token: %s\n' "$("$E2E_DIR/lib/keystone-api" token)" >"$hdr")
    # Through the API: `openstack image create` without --file uploads its
    # stdin when that is not a terminal.
    must "import: an image record (POST /v2/images through HAProxy)" \
        glance_call POST "$S2_URL/v2/images" -H 'Content-Type: application/json' \
        -d '{"name": "e2e-s2-import", "disk_format": "raw", "container_format": "bare"}'
    id=$(grep -o '"id": *"[0-9a-f-]*"' "$E2E_STATE/s2/response" | head -n 1 | grep -o '[0-9a-f-]\{36\}')
    must "import: data staged on ctl1 (PUT .../stage to ${E2E_AA_ADDRS[0]})" \
        glance_call PUT "http://${E2E_AA_ADDRS[0]}:9292/v2/images/$id/stage" \
        -H 'Content-Type: application/octet-stream' --data-binary @"$file"
    must "import: glance-direct import asked of ctl2 (POST .../import to ${E2E_AA_ADDRS[1]})" \
        glance_call POST "http://${E2E_AA_ADDRS[1]}:9292/v2/images/$id/import" \
        -H 'Content-Type: application/json' -d '{"method": {"name": "glance-direct"}}'
    check "import: ctl2 proxied it to ctl1's worker_self_reference_url" \
        grep -q "Proxying POST request to host http://${E2E_AA_ADDRS[0]}:9292" \
        "$E2E_STATE/logs/glance-aa-ctl2.log"
    wait_ready "" 60 "import: the image is active" s2_image_active "$id"
    check "import: the imported image downloads byte-equal through HAProxy" \
        s2_same_download e2e-s2-import "$file"
}

s2_same_download() { # IMAGE FILE
    rm -f "$2.out"
    image_download "$1" "$2.out" && cmp "$2" "$2.out"
}

# glance_call METHOD URL CURL_ARGS...: an Image API call with the token
# of $E2E_STATE/s2/auth-header; prints the response; fails unless 2xx.
glance_call() {
    local method=$1 url=$2 code
    shift 2
    code=$(curl -sS -o "$E2E_STATE/s2/response" -w '%{http_code}' -X "$method" \
        ${OS_CACERT:+--cacert "$OS_CACERT"} -H @"$E2E_STATE/s2/auth-header" "$@" "$url")
    cat "$E2E_STATE/s2/response"
    echo
    echo "HTTP $code"
    [[ $code == 2* ]]
}

s2_image_active() { # ID
    glance_call GET "$S2_URL/v2/images/$1" | grep -q '"status": *"active"'
}

s2_haproxy_check() { # ROOT
    view_of "$1/etc/haproxy" /etc/haproxy
    "${VIEW[@]}" haproxy -c -f /etc/haproxy/haproxy.cfg
}

s2_status() { haproxy_status haproxy-ctl1 glance-api "$1"; }
s2_status_is() { [[ $(s2_status "$1") == "$2" ]]; }
s2_statuses() {
    local node out=()
    for node in "${E2E_AA_NODES[@]}"; do
        out+=("$node $(s2_status "$node")")
    done
    local IFS=,
    echo "${out[*]}"
}

s2_binds_only_own() {
    local listeners want
    listeners=$(ss -Hltn 'sport = :9292' | awk '{ print $4 }' | sort | paste -sd' ')
    want=$(printf '%s:9292\n' "${E2E_AA_ADDRS[@]}" | sort | paste -sd' ')
    echo "listeners on 9292: $listeners"
    [[ $listeners == "$want" ]]
}

s2_download_equal() { s2_same_download e2e-s2 "$E2E_STATE/images/s2.raw"; }

# The frontend's bytes in (bin) and out (bout) are both at least N.
s2_frontend_bytes() { # N
    haproxy_cmd haproxy-ctl1 "show stat" |
        awk -F, -v n="$1" '$1 == "glance-api" && $2 == "FRONTEND" {
            print "bin", $9, "bout", $10; ok = ($9 >= n && $10 >= n) }
            END { exit !ok }'
}

s2_none_failed() { # FILE
    paste -sd' ' "$1"
    grep -qx 'failed 0' "$1"
}

# Right after a backend died: a request every 0.5 s through the VIP until
# HAProxy has marked it down; prints "failed N".
s2_requests_during_failover() {
    local failed=0 total=0 deadline=$((SECONDS + 20))
    while ((SECONDS < deadline)) && ! s2_status_is ctl1 DOWN; do
        total=$((total + 1))
        http_ok "$S2_URL/healthcheck" ${OS_CACERT:+--cacert "$OS_CACERT"} || failed=$((failed + 1))
        sleep 0.5
    done
    echo "requests $total"
    echo "failed $failed"
}

# https through HAProxy when the bundle asks for it (a `bind … ssl crt
# PEM` in its section): the PEM in each node's root (its certificate
# names every TLS address and the public endpoint's name), the CA for
# clients, the endpoints' URLs as the bundle registers them, and the CLI
# on the internal endpoint.
s2_tls() { # DIR ROOT...
    local dir=$1
    shift
    if [[ -z $(bundle_tls "$dir/bundle") ]]; then
        check "openssl makes a CA and a certificate for the VIP (the recipe https bundles use)" \
            tls_material "$dir/tls" "$E2E_AA_VIP"
        return 0
    fi
    resolve_public "$dir/bundle"
    must "openssl makes a CA and a certificate for every TLS bind${E2E_RESOLVE:+ and ${E2E_RESOLVE%%=*}}, at the PEM path the section names" \
        tls_for_bundle "$dir/tls" "$dir/bundle" "$@" -- ${E2E_RESOLVE:+"${E2E_RESOLVE%%=*}"}
    export OS_CACERT=$dir/tls/ca.pem OS_INTERFACE=internal
    S2_URL=$(bundle_endpoint "$dir/bundle" internal)
    S2_PUBLIC_URL=$(bundle_endpoint "$dir/bundle" public)
}
