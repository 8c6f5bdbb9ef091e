# shellcheck shell=bash
# Scenario 2: active/active, two glance-api behind the real HAProxy.
# Spec: tests/e2e/specs/active-active.glha (VIP 198.18.77.10, nodes .12 and
# .13 on e2e0, inside the run's network namespace).
#
# Plain http for now: TLS through HAProxy is issue 11. When a bundle's
# `listen` section has `bind … ssl crt PEM`, s2_tls makes that PEM (and
# the CA the client is given with OS_CACERT) and the URLs become https;
# nothing else here changes.

scenario_active_active() {
    local spec=$E2E_DIR/specs/active-active.glha
    local dir=$E2E_STATE/s2
    local bundle=$dir/bundle
    mkdir -p "$dir"
    secrets_init
    admin_env

    must "glhac build writes the bundle" glhac build "$spec" -o "$bundle"
    check "the bundle has a file per node and HAProxy's section" test -f \
        "$bundle/files/nodes/node1/etc/glance/glance-api.conf" -a -f \
        "$bundle/files/nodes/node2/etc/glance/glance-api.conf" -a -f \
        "$bundle/files/etc/haproxy/haproxy.cfg"

    local node root
    for node in node1 node2; do
        root=$(node_root "aa-$node")
        must "$node: glhac diff --node $node reports changes (exit 1)" \
            exits_with 1 glhac diff "$spec" --root "$root" --node "$node" \
            --save-plan "$dir/plan-$node.json"
        must "$node: glhac apply" glhac apply "$dir/plan-$node.json" --root "$root"
        check "$node: a second diff reports nothing (exit 0)" \
            exits_with 0 glhac diff "$spec" --root "$root" --node "$node"
    done
    local root1 root2
    root1=$(node_root aa-node1)
    root2=$(node_root aa-node2)
    check "the merged haproxy.cfg (Debian's global and defaults, glha's listen section) passes haproxy -c" \
        s2_haproxy_check "$root1"
    check "... the same on both nodes" cmp "$root1/etc/haproxy/haproxy.cfg" "$root2/etc/haproxy/haproxy.cfg"
    s2_tls "$dir" "$root1" "$root2"

    glance_accounts
    local store
    store=$(store_dir aa-shared)
    must "glance-manage db_sync with node1's file" glance_manage "$root1" db_sync
    # Both nodes mount one store on /srv/glance (the spec says it is shared
    # by external means).
    glance_spawn glance-aa-node1 "$root1" "$store" /srv/glance
    glance_spawn glance-aa-node2 "$root2" "$store" /srv/glance
    glance_wait glance-aa-node1 "$E2E_AA_NODE1"
    glance_wait glance-aa-node2 "$E2E_AA_NODE2"
    pass "glance-api answers on each node's own address ($E2E_AA_NODE1, $E2E_AA_NODE2)"
    check "... each binding only its own address (no wildcard listener on 9292)" \
        s2_binds_only_own

    # The VIP, as IPaddr2 adds it (scenario 3 shows IPaddr2 doing so).
    ip addr add "$E2E_AA_VIP/24" dev e2e0
    haproxy_start haproxy-node1 "$root1"
    wait_ready "" 30 "HAProxy sees node1 and node2 UP" s2_status_is node1 UP
    wait_ready "" 30 "HAProxy sees node2 UP" s2_status_is node2 UP
    pass "HAProxy (node1's haproxy.cfg) on the VIP, both backends UP"

    must "endpoints.sh points the catalog at the VIP" sh "$bundle/keystone/endpoints.sh"
    must "one endpoint per interface, each $S2_URL" expect_endpoints "$S2_URL"

    random_file "$E2E_STATE/images/s2.raw" 200
    local t0=$SECONDS
    must "a 200 MiB image uploaded through HAProxy (openstack image create --file)" \
        image_upload e2e-s2 "$E2E_STATE/images/s2.raw"
    e2e_log "200 MiB upload: $((SECONDS - t0)) s"
    t0=$SECONDS
    check "... downloaded byte-equal through HAProxy" s2_download_equal
    e2e_log "200 MiB download and compare: $((SECONDS - t0)) s"
    check "HAProxy carried both transfers (bytes in and out of its frontend >= 200 MiB each)" \
        s2_frontend_bytes $((200 * 1024 * 1024))

    s2_import

    # One backend dies.
    crash_proc glance-aa-node1
    s2_requests_during_failover >"$dir/failover-requests.txt"
    known_fault "unfiled (HAProxy section: no option redispatch)" \
        "requests through the VIP in the seconds before HAProxy marks the dead backend down all succeed" \
        s2_none_failed "$dir/failover-requests.txt"
    wait_ready "" 30 "HAProxy marks node1 DOWN" s2_status_is node1 DOWN
    pass "HAProxy marks the killed backend DOWN (stats socket: node1 $(s2_status node1), node2 $(s2_status node2))"
    check "downloads still succeed, byte-equal, through node2" s2_download_equal
}

S2_URL="http://$E2E_AA_VIP:9292"

# Interoperable image import across the nodes: the data is staged on node1
# (its own /tmp/staging), the import is asked of node2, which must proxy it
# to node1 through the worker_self_reference_url glha wrote for node1.
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
    must "import: data staged on node1 (PUT .../stage to $E2E_AA_NODE1)" \
        glance_call PUT "http://$E2E_AA_NODE1:9292/v2/images/$id/stage" \
        -H 'Content-Type: application/octet-stream' --data-binary @"$file"
    must "import: glance-direct import asked of node2 (POST .../import to $E2E_AA_NODE2)" \
        glance_call POST "http://$E2E_AA_NODE2:9292/v2/images/$id/import" \
        -H 'Content-Type: application/json' -d '{"method": {"name": "glance-direct"}}'
    check "import: node2 proxied it to node1's worker_self_reference_url" \
        grep -q "Proxying POST request to host http://$E2E_AA_NODE1:9292" \
        "$E2E_STATE/logs/glance-aa-node2.log"
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
        -H @"$E2E_STATE/s2/auth-header" "$@" "$url")
    cat "$E2E_STATE/s2/response"
    echo
    echo "HTTP $code"
    [[ $code == 2* ]]
}

s2_image_active() { # ID
    glance_call GET "http://$E2E_AA_VIP:9292/v2/images/$1" | grep -q '"status": *"active"'
}

s2_haproxy_check() { # ROOT
    view_of "$1/etc/haproxy" /etc/haproxy
    "${VIEW[@]}" haproxy -c -f /etc/haproxy/haproxy.cfg
}

s2_status() { haproxy_status haproxy-node1 glance-api "$1"; }
s2_status_is() { [[ $(s2_status "$1") == "$2" ]]; }

s2_binds_only_own() {
    local listeners
    listeners=$(ss -Hltn 'sport = :9292' | awk '{ print $4 }' | sort | paste -sd' ')
    echo "listeners on 9292: $listeners"
    [[ $listeners == "$E2E_AA_NODE1:9292 $E2E_AA_NODE2:9292" ]]
}

s2_download_equal() { s2_same_download e2e-s2 "$E2E_STATE/images/s2.raw"; }

# The frontend's bytes in (bin) and out (bout) are both at least N.
s2_frontend_bytes() { # N
    haproxy_cmd haproxy-node1 "show stat" |
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
    while ((SECONDS < deadline)) && ! s2_status_is node1 DOWN; do
        total=$((total + 1))
        http_ok "$S2_URL/healthcheck" || failed=$((failed + 1))
        sleep 0.5
    done
    echo "requests $total"
    echo "failed $failed"
}

# https through HAProxy, once the bundle asks for it (issue 11): the PEM
# its `bind … ssl crt` names, in each node's root, and the CA for clients.
s2_tls() { # DIR ROOT...
    local dir=$1 pem root
    shift
    pem=$(awk '$1 == "bind" { for (i = 1; i < NF; i++) if ($i == "crt") print $(i + 1) }' \
        "$dir/bundle/files/etc/haproxy/haproxy.cfg" | head -n 1)
    if [[ -z $pem ]]; then
        # Keep the certificate recipe working until then.
        check "openssl makes a CA and a certificate for the VIP (for https once issue 11 lands)" \
            tls_material "$dir/tls" "$E2E_AA_VIP"
        return 0
    fi
    must "openssl makes a CA and a certificate for the VIP" tls_material "$dir/tls" "$E2E_AA_VIP"
    for root in "$@"; do
        install -D -m 0600 "$dir/tls/server.pem" "$root$pem"
    done
    export OS_CACERT=$dir/tls/ca.pem
    S2_URL="https://$E2E_AA_VIP:9292"
}
