# shellcheck shell=bash
# Scenario 4: the active/passive examples, as committed copies compiled
# for Zed and re-addressed into our loopback block
# (tests/e2e/specs/examples: seed, split-vips, active-active,
# ipmi-three-nodes; the https copy is scenario 2's spec). Each goes
# through build, diff and apply against the package's files, glance-api
# where the bundle binds it with its store mounted as the bundle's
# p_fs_glance-api says, the catalog by the reviewed apply, every endpoint
# served with its scheme, and an image up and down through the catalog. split-vips has an https endpoint, so its
# bundle puts HAProxy in front (the A/P group: mount, VIPs, p_haproxy,
# glance-api on 127.0.0.1): HAProxy runs from the applied haproxy.cfg
# (Debian's global and defaults around the bundle's section) with a PEM
# made here at the path the section names, and the image goes up and down
# through the https endpoint with the CA in OS_CACERT. Like scenario 1,
# without Pacemaker: the seed's glance-api agent is not packaged any more
# and systemd does not run here (scenario 3 runs the Pacemaker side).
# Then the active-active example's copy (scenario 2 runs the https one
# with its 200 MiB image and a backend killed): three glance-api on the
# node addresses of e2e0 behind HAProxy on the VIP. Last, the IPMI
# example's copy, the seed's way: its fencing devices and its three
# brokers' failover are not exercised (its header says why).

scenario_examples() {
    secrets_init
    admin_env
    local url_int="http://$E2E_VIP:9292"
    # The guide's literals: the database password and RabbitMQ's default
    # user (guest, which RabbitMQ lets in from loopback only).
    S4_ACCOUNTS=s4_seed_accounts \
        s4_example seed "admin $url_int" "internal $url_int" "public $url_int"
    S4_ACCOUNTS=s4_env_accounts \
        s4_example split-vips "internal $url_int" "public https://$E2E_NET.41:9292"
    s4_active_active active-active
    # Last: it sets the password of RabbitMQ's guest, which the seed's
    # copy uses with the default one.
    S4_ACCOUNTS=s4_guest_accounts \
        s4_example ipmi-three-nodes "internal $url_int" "public http://$E2E_NET.51:9292"
}

s4_seed_accounts() {
    must "seed: MariaDB user glance with the spec's literal password" \
        db_user glance glance password
}

# The IPMI example's broker user is guest, its password from the
# environment (RabbitMQ lets guest in from loopback only, as here).
s4_guest_accounts() {
    glance_accounts
    must "RabbitMQ: user guest with the example's password" \
        rabbit_user guest "$RABBIT_PASSWORD"
    local a
    for a in "${E2E_RABBIT_ADDRS[@]}"; do
        check "RabbitMQ accepts AMQP on $a:5672, one of the example's three brokers" \
            tcp_open "$a" 5672
    done
}

s4_env_accounts() {
    glance_accounts
    openstack_rabbit_user
}

# s4_example NAME "INTERFACE URL"...: one copy, end to end; the catalog
# must end up with exactly these endpoints for the interfaces named.
s4_example() {
    local name=$1
    shift
    local spec=$E2E_DIR/specs/examples/$name.glha dir=$E2E_STATE/s4/$name
    local bundle=$dir/bundle root device directory
    mkdir -p "$dir"
    must "$name: glhac build" glhac build "$spec" -o "$bundle"
    root=$(node_root "ex-$name")
    must "$name: glhac diff against the package's files reports changes (exit 1)" \
        exits_with 1 glhac diff "$spec" --root "$root" --save-plan "$dir/plan.json"
    must "$name: glhac apply" glhac apply "$dir/plan.json" --root "$root"
    check "$name: a second diff reports nothing (exit 0)" \
        exits_with 0 glhac diff "$spec" --root "$root"

    "$S4_ACCOUNTS"
    must "$name: glance-manage db_sync with the applied file" glance_manage "$root" db_sync
    must "$name: the bundle's store mount (p_fs_glance-api) is a bind mount" bundle_mount "$bundle"
    read -r device directory <"$E2E_STATE/last.out"
    store_dir "$name" >/dev/null
    local bind
    bind=$(s4_bind_host "$root")
    glance_start "glance-$name" "$bind" "$root" "$device" "$directory"
    pass "$name: glance-api (the applied files, the store mounted) answers /healthcheck on $bind, its bind_host"
    unset OS_CACERT
    if [[ -f $bundle/files/etc/haproxy/haproxy.cfg ]]; then
        s4_haproxy "$name" "$dir" "$bundle" "$root"
    fi

    # The catalog, the reviewed way.
    ks endpoint-list-json >"$dir/endpoints.json"
    must "$name: glhac diff --endpoints, plan saved (exit 0 or 1)" \
        exits_with_one_of "0 1" glhac diff "$spec" --root "$root" \
        --endpoints "$dir/endpoints.json" --save-plan "$dir/plan-endpoints.json"
    must "$name: glhac apply --endpoints" \
        glhac apply "$dir/plan-endpoints.json" --root "$root" --endpoints
    check "$name: the catalog has the example's endpoints" s4_endpoints "$@"
    s4_served "$name" "$@"

    # An image up through the public endpoint of the catalog (https with
    # the CA in OS_CACERT where the example says https), down through
    # each interface.
    random_file "$E2E_STATE/images/$name.raw" 4
    must "$name: an image up through the catalog's public endpoint ($(s4_url public "$@"))" \
        env OS_INTERFACE=public "$E2E_DIR/lib/keystone-api" image-create "e2e-$name" \
        "$E2E_STATE/images/$name.raw"
    local id pair i u
    id=$(tail -n 1 "$E2E_STATE/last.out")
    for pair in "$@"; do
        read -r i u <<<"$pair"
        check "$name: ... and down through its $i endpoint ($u), byte-equal" \
            s4_download_equal "$name" "$i"
    done
    local internal
    internal=$(s4_url internal "$@")
    if [[ -n ${OS_CACERT:-} && $internal == http://* ]]; then
        # glance-api's version document names public_endpoint (the https
        # URL); the real client must stay on the internal endpoint.
        check "$name: the openstack CLI through the internal endpoint ($internal), no CA given, finds the image" \
            env -u OS_CACERT OS_INTERFACE=internal openstack image show "e2e-$name" -f value -c id
    fi
    check "$name: its location is in the store the spec declared (file://$directory/images/)" \
        s4_in_store "$id" "$directory" "$E2E_STATE/store/$name" "$name"
    check "$name: glance-api's log has no messaging error" \
        not_grep 'ERROR oslo_messaging' "$E2E_STATE/logs/glance-$name.log"
    stop_proc "glance-$name"
    if [[ -f $bundle/files/etc/haproxy/haproxy.cfg ]]; then
        stop_proc "haproxy-$name"
        unset OS_CACERT
    fi
}

# s4_bind_host ROOT: the address glance-api binds, from the applied file.
s4_bind_host() {
    awk -F' *= *' '$1 == "bind_host" { a = $2 } END { print a }' \
        "$1/etc/glance/glance-api.conf"
}

s4_url() { # INTERFACE "INTERFACE URL"...
    local want=$1 pair i u
    shift
    for pair in "$@"; do
        read -r i u <<<"$pair"
        [[ $i == "$want" ]] && echo "$u"
    done
    return 0
}

# HAProxy in front of glance-api, as the bundle's A/P group runs it after
# the VIPs: the applied haproxy.cfg, the PEM its TLS binds name, and
# glance-api behind it on 127.0.0.1 only.
s4_haproxy() { # NAME DIR BUNDLE ROOT
    local name=$1 dir=$2 bundle=$3 root=$4
    check "$name: glance-api binds 127.0.0.1 behind HAProxy (bind_host)" \
        test "$(s4_bind_host "$root")" = 127.0.0.1
    check "$name: ... and nothing else listens on 9292 yet (no wildcard, no VIP)" \
        s4_listeners "127.0.0.1:9292"
    if [[ -n $(bundle_tls "$bundle") ]]; then
        must "$name: openssl makes a CA and a certificate for every TLS bind, at the PEM path the section names" \
            tls_for_bundle "$dir/tls" "$bundle" "$root"
        export OS_CACERT=$dir/tls/ca.pem
    fi
    check "$name: the applied haproxy.cfg (Debian's global and defaults, glha's listen section) passes haproxy -c" \
        s2_haproxy_check "$root"
    haproxy_start "haproxy-$name" "$root"
    wait_ready "haproxy-$name" 30 "$name: HAProxy sees glance-api (127.0.0.1:9292) UP" \
        s4_backend_up "$name"
    pass "$name: HAProxy (the applied haproxy.cfg) on the VIPs, its backend UP"
}

s4_backend_up() { [[ $(haproxy_status "haproxy-$1" glance-api local) == UP ]]; }

s4_listeners() { # WANT: the sockets listening on port 9292, sorted
    local got
    got=$(ss -Hltn 'sport = :9292' | awk '{ print $4 }' | sort | paste -sd' ')
    echo "listeners on 9292: $got"
    [[ $got == "$1" ]]
}

s4_endpoints() { # "INTERFACE URL"...
    local want got pair i u
    want=$(for pair in "$@"; do
        read -r i u <<<"$pair"
        echo "$i $E2E_REGION $u"
    done | sort)
    got=$(image_endpoints | awk -v w="$(printf '%s\n' "$@" | awk '{ print $1 }' | paste -sd' ')" \
        'BEGIN { n = split(w, a, " "); for (i = 1; i <= n; i++) keep[a[i]] = 1 } keep[$1]')
    printf 'catalog:\n%s\nexpected:\n%s\n' "$got" "$want"
    [[ $got == "$want" ]]
}

# Each of the example's endpoints answers /healthcheck with its scheme
# (https verified against the run's CA), and an https one refuses plain
# http.
s4_served() { # NAME "INTERFACE URL"...
    local name=$1 pair i u
    shift
    for pair in "$@"; do
        read -r i u <<<"$pair"
        if [[ $u == https://* ]]; then
            local resolve=()
            if [[ -n ${E2E_RESOLVE:-} ]]; then
                resolve=(--resolve "${E2E_RESOLVE%%=*}:${u##*:}:${E2E_RESOLVE#*=}")
            fi
            check "$name: its $i endpoint $u is served, TLS verified with the run's CA" \
                http_ok "$u/healthcheck" --cacert "$OS_CACERT" "${resolve[@]}"
            refuses "$name: ... and not as plain http" \
                http_ok "http://${u#https://}/healthcheck" "${resolve[@]}"
        else
            check "$name: its $i endpoint $u is served" http_ok "$u/healthcheck"
        fi
    done
}

s4_download_equal() { # NAME INTERFACE
    rm -f "$E2E_STATE/images/$1.out"
    OS_INTERFACE=$2 ks image-save "e2e-$1" "$E2E_STATE/images/$1.out" &&
        cmp "$E2E_STATE/images/$1.raw" "$E2E_STATE/images/$1.out"
}

s4_in_store() { # IMAGE_ID DIRECTORY DEVICE NAME
    local loc
    loc=$(image_locations "$1")
    echo "image_locations: $loc"
    [[ $loc == "file://$2/images/$1" ]] && cmp "$E2E_STATE/images/$4.raw" "$3/images/$1"
}

# An active/active copy: each node's files applied, three glance-api on
# the node addresses, HAProxy (ctl1's haproxy.cfg) on the VIPs (with TLS
# where the section says), the catalog by the reviewed apply, an image up
# through the public endpoint and down through both.
s4_active_active() { # NAME
    local name=$1 spec=$E2E_DIR/specs/examples/$1.glha dir=$E2E_STATE/s4/$1
    local bundle=$dir/bundle node root roots=() device directory i vip
    mkdir -p "$dir"
    must "$name: glhac build" glhac build "$spec" -o "$bundle"
    for node in "${E2E_AA_NODES[@]}"; do
        root=$(node_root "$name-$node")
        roots+=("$root")
        must "$name: $node: glhac diff --node $node reports changes (exit 1)" \
            exits_with 1 glhac diff "$spec" --root "$root" --node "$node" \
            --save-plan "$dir/plan-$node.json"
        must "$name: $node: glhac apply" glhac apply "$dir/plan-$node.json" --root "$root"
    done
    resolve_public "$bundle"
    if [[ -n $(bundle_tls "$bundle") ]]; then
        must "$name: openssl makes a CA and a certificate for every TLS bind${E2E_RESOLVE:+ and ${E2E_RESOLVE%%=*}}, at the PEM path the section names" \
            tls_for_bundle "$dir/tls" "$bundle" "${roots[@]}" -- ${E2E_RESOLVE:+"${E2E_RESOLVE%%=*}"}
        export OS_CACERT=$dir/tls/ca.pem
    fi
    check "$name: ctl1's haproxy.cfg (Debian's global and defaults, glha's listen section) passes haproxy -c" \
        s2_haproxy_check "${roots[0]}"

    # The database is the one the seed's copy synced (the same schema).
    must "$name: the bundle's store mount (p_fs_glance-api) is a bind mount" bundle_mount "$bundle"
    read -r device directory <"$E2E_STATE/last.out"
    store_dir "$name" >/dev/null
    for i in "${!E2E_AA_NODES[@]}"; do
        glance_spawn "glance-$name-${E2E_AA_NODES[i]}" "${roots[i]}" "$device" "$directory"
    done
    for i in "${!E2E_AA_NODES[@]}"; do
        glance_wait "glance-$name-${E2E_AA_NODES[i]}" "${E2E_AA_ADDRS[i]}"
    done
    pass "$name: glance-api answers on each node's own address (${E2E_AA_ADDRS[*]})"

    # The VIPs, as IPaddr2 adds them.
    local vips
    vips=$(bundle_vips "$bundle")
    for vip in $vips; do
        ip addr replace "$vip" dev e2e0
    done
    haproxy_start "haproxy-$name" "${roots[0]}"
    for node in "${E2E_AA_NODES[@]}"; do
        wait_ready "haproxy-$name" 30 "$name: HAProxy sees $node UP" s4_aa_up "$name" "$node"
    done
    pass "$name: HAProxy on the VIPs ($(paste -sd' ' <<<"$vips")), every backend UP"

    local url_pub url_int
    url_pub=$(bundle_endpoint "$bundle" public)
    url_int=$(bundle_endpoint "$bundle" internal)
    ks endpoint-list-json >"$dir/endpoints.json"
    must "$name: glhac diff --endpoints, plan saved (exit 0 or 1)" \
        exits_with_one_of "0 1" glhac diff "$spec" --root "${roots[0]}" --node ctl1 \
        --endpoints "$dir/endpoints.json" --save-plan "$dir/plan-endpoints.json"
    must "$name: glhac apply --endpoints" \
        glhac apply "$dir/plan-endpoints.json" --root "${roots[0]}" --endpoints
    check "$name: the catalog has the example's endpoints" \
        s4_endpoints "internal $url_int" "public $url_pub"
    s4_served "$name" "internal $url_int" "public $url_pub"

    random_file "$E2E_STATE/images/$name.raw" 4
    must "$name: an image up through the catalog's public endpoint ($url_pub${E2E_RESOLVE:+, ${E2E_RESOLVE%%=*} mapped to ${E2E_RESOLVE#*=}})" \
        env OS_INTERFACE=public "$E2E_DIR/lib/keystone-api" image-create "e2e-$name" \
        "$E2E_STATE/images/$name.raw"
    local id
    id=$(tail -n 1 "$E2E_STATE/last.out")
    check "$name: ... and down through its internal endpoint ($url_int), byte-equal" \
        s4_download_equal "$name" internal
    check "$name: ... and down through its public endpoint ($url_pub), byte-equal" \
        s4_download_equal "$name" public
    check "$name: its location is in the store the spec declared (file://$directory/images/)" \
        s4_in_store "$id" "$directory" "$E2E_STATE/store/$name" "$name"
    check "$name: HAProxy carried it (bytes in and out of its frontend)" s4_aa_bytes "$name"
    for node in "${E2E_AA_NODES[@]}"; do
        stop_proc "glance-$name-$node"
    done
    stop_proc "haproxy-$name"
    for vip in $vips; do
        [[ ${vip%/*} == "$E2E_AA_VIP" ]] || ip addr del "$vip" dev e2e0
    done
    unset OS_CACERT E2E_RESOLVE
}

s4_aa_up() { [[ $(haproxy_status "haproxy-$1" glance-api "$2") == UP ]]; }

s4_aa_bytes() { # NAME: at least the image in, twice the image out
    haproxy_cmd "haproxy-$1" "show stat" |
        awk -F, '$1 == "glance-api" && $2 == "FRONTEND" {
            print "bin", $9, "bout", $10; ok = ($9 >= 4194304 && $10 >= 8388608) }
            END { exit !ok }'
}
